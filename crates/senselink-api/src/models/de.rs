//! Lenient deserialisation helpers (crate-internal).
//!
//! SenseLink's editions and versions disagree on small things: a number may
//! come as a JSON number or as a numeric string, an absent value as `null` or
//! as `""`. These helpers accept each of those forms and fail with a clear
//! message on anything else, so that a surprise is an error with a JSON path,
//! never silently dropped data.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use serde::de::{self, Deserializer};
use serde_json::Value;

fn value_to_i64<E: de::Error>(value: &Value) -> Result<Option<i64>, E> {
    match value {
        Value::Null => Ok(None),
        Value::Number(n) => n
            .as_i64()
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                    .map(|f| f as i64)
            })
            .map(Some)
            .ok_or_else(|| E::custom(format!("expected an integer, got {n}"))),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => s
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| E::custom(format!("expected an integer, got \"{s}\""))),
        other => Err(E::custom(format!("expected an integer, got {other}"))),
    }
}

/// An optional integer: number, numeric string, `null` or `""`.
pub(crate) fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    value_to_i64(&Value::deserialize(d)?)
}

/// A required integer: number or numeric string.
pub(crate) fn lenient_i64<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    value_to_i64(&Value::deserialize(d)?)?.ok_or_else(|| de::Error::custom("expected an integer"))
}

/// An optional float: number, numeric string, `null` or `""`.
pub(crate) fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::Number(n) => Ok(n.as_f64()),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => s
            .trim()
            .parse::<f64>()
            .map(Some)
            .map_err(|_| de::Error::custom(format!("expected a number, got \"{s}\""))),
        other => Err(de::Error::custom(format!("expected a number, got {other}"))),
    }
}

/// An optional string: a string (kept as is, even empty), a number or a
/// boolean (rendered), or `null`.
pub(crate) fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s)),
        Value::Number(n) => Ok(Some(n.to_string())),
        Value::Bool(b) => Ok(Some(b.to_string())),
        other => Err(de::Error::custom(format!("expected a string, got {other}"))),
    }
}

/// An optional string where blank means absent (`""` → `None`).
pub(crate) fn opt_nonblank<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(opt_string(d)?.filter(|s| !s.trim().is_empty()))
}

/// Epoch **seconds** (number or numeric string) as a UTC instant.
pub(crate) fn epoch_seconds<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    let secs = lenient_i64(d)?;
    DateTime::from_timestamp(secs, 0)
        .ok_or_else(|| de::Error::custom(format!("epoch seconds {secs} are out of range")))
}

/// An optional `yyyy-MM-dd` date; `null` or `""` is `None`.
pub(crate) fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    match opt_nonblank(d)? {
        None => Ok(None),
        Some(s) => NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map(Some)
            .map_err(|_| de::Error::custom(format!("expected a yyyy-MM-dd date, got \"{s}\""))),
    }
}

/// A list that may be `null` (read as empty).
pub(crate) fn null_as_empty<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[derive(Deserialize, Debug)]
    struct T {
        #[serde(default, deserialize_with = "opt_i64")]
        i: Option<i64>,
        #[serde(default, deserialize_with = "opt_f64")]
        f: Option<f64>,
        #[serde(default, deserialize_with = "opt_nonblank")]
        s: Option<String>,
        #[serde(default, deserialize_with = "opt_date")]
        d: Option<NaiveDate>,
    }

    fn t(json: &str) -> Result<T, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn accepted_forms() {
        let v = t(r#"{"i":"42","f":"36.5","s":7,"d":"2020-12-08"}"#).unwrap();
        assert_eq!(v.i, Some(42));
        assert_eq!(v.f, Some(36.5));
        assert_eq!(v.s.as_deref(), Some("7"));
        assert_eq!(v.d, NaiveDate::from_ymd_opt(2020, 12, 8));
        let v = t(r#"{"i":null,"f":"","s":"  ","d":""}"#).unwrap();
        assert!(v.i.is_none() && v.f.is_none() && v.s.is_none() && v.d.is_none());
        let v = t(r#"{"i":3.0}"#).unwrap();
        assert_eq!(v.i, Some(3));
    }

    #[test]
    fn garbage_is_an_error_not_none() {
        for bad in [
            r#"{"i":"x"}"#,
            r#"{"i":1.5}"#,
            r#"{"i":[1]}"#,
            r#"{"f":"warm"}"#,
            r#"{"s":{}}"#,
            r#"{"d":"08/12/2020"}"#,
        ] {
            assert!(t(bad).is_err(), "{bad}");
        }
    }
}
