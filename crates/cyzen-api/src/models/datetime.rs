//! cyzen's date-time format: UTC, `YYYY-MM-DDThh:mm:ss`, no offset.
//!
//! Every time cyzen sends or accepts is UTC without an offset
//! (`2026-10-08T08:48:27` is 17:48:27 JST). Fields become
//! [`DateTime<Utc>`] through the serde helper module [`utc`] (and
//! [`utc::option`] for omittable fields), and are written back in exactly
//! that format, with whole seconds.
//!
//! Reading is lenient where it is safe: a space instead of `T`, fractional
//! seconds, and an explicit offset or `Z` (converted to UTC) are accepted. Text
//! that is not a date-time at all is an error, never a silent `None`.

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};

/// The format cyzen uses on the wire, for `chrono`'s `format`.
pub const WIRE_FORMAT: &str = "%Y-%m-%dT%H:%M:%S";

/// A string that is not a cyzen date-time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid cyzen date-time {input:?}: expected UTC YYYY-MM-DDThh:mm:ss, e.g. 2026-10-08T08:48:27"
)]
pub struct DateTimeParseError {
    input: String,
}

impl DateTimeParseError {
    /// The rejected input.
    pub fn input(&self) -> &str {
        &self.input
    }
}

/// Parses a cyzen date-time (UTC, no offset); see the [module docs](self).
///
/// # Errors
/// [`DateTimeParseError`] when the text is not a date-time.
pub fn parse_utc(input: &str) -> Result<DateTime<Utc>, DateTimeParseError> {
    let text = input.trim();
    let error = || DateTimeParseError {
        input: input.to_owned(),
    };
    if let Ok(with_offset) = DateTime::parse_from_rfc3339(text) {
        return Ok(with_offset.with_timezone(&Utc));
    }
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .map(|naive| naive.and_utc())
        .ok_or_else(error)
}

/// Formats a time the way cyzen expects it: UTC, whole seconds, no offset.
pub fn format_utc(at: &DateTime<Utc>) -> String {
    at.trunc_subsecs(0).format(WIRE_FORMAT).to_string()
}

/// Serde helpers for a required `DateTime<Utc>` field in cyzen's format:
/// `#[serde(with = "cyzen_api::models::datetime::utc")]`.
pub mod utc {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes `YYYY-MM-DDThh:mm:ss` (UTC).
    ///
    /// # Errors
    /// Only the serializer's own errors.
    pub fn serialize<S: Serializer>(at: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format_utc(at))
    }

    /// Reads a cyzen date-time.
    ///
    /// # Errors
    /// When the value is not a string holding a date-time.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = String::deserialize(d)?;
        super::parse_utc(&text).map_err(serde::de::Error::custom)
    }

    /// The same for `Option<DateTime<Utc>>`: `null`, a missing field (with
    /// `#[serde(default)]`) and `""` are `None`.
    pub mod option {
        use chrono::{DateTime, Utc};
        use serde::{Deserialize, Deserializer, Serializer};

        /// Writes the time, or `null`.
        ///
        /// # Errors
        /// Only the serializer's own errors.
        pub fn serialize<S: Serializer>(
            at: &Option<DateTime<Utc>>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match at {
                Some(at) => s.serialize_str(&super::super::format_utc(at)),
                None => s.serialize_none(),
            }
        }

        /// Reads an optional cyzen date-time.
        ///
        /// # Errors
        /// When the value is neither null, empty nor a date-time.
        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<DateTime<Utc>>, D::Error> {
            match Option::<String>::deserialize(d)? {
                None => Ok(None),
                Some(text) if text.trim().is_empty() => Ok(None),
                Some(text) => super::super::parse_utc(&text)
                    .map(Some)
                    .map_err(serde::de::Error::custom),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_wire_form_is_utc() {
        let at = parse_utc("2026-10-08T08:48:27").unwrap();
        assert_eq!(at, Utc.with_ymd_and_hms(2026, 10, 8, 8, 48, 27).unwrap());
        assert_eq!(format_utc(&at), "2026-10-08T08:48:27");
    }

    #[test]
    fn lenient_forms_are_read() {
        let expected = Utc.with_ymd_and_hms(2026, 10, 8, 8, 48, 27).unwrap();
        for text in [
            "2026-10-08 08:48:27",
            "2026-10-08T08:48:27Z",
            "2026-10-08T17:48:27+09:00",
            " 2026-10-08T08:48:27 ",
        ] {
            assert_eq!(parse_utc(text).unwrap(), expected, "{text}");
        }
        let fractional = parse_utc("2026-10-08T08:48:27.250").unwrap();
        assert_eq!(format_utc(&fractional), "2026-10-08T08:48:27");
    }

    #[test]
    fn garbage_is_an_error_naming_the_input() {
        for text in ["", "yesterday", "2026-10-08", "2026-13-01T00:00:00"] {
            let err = parse_utc(text).unwrap_err();
            assert_eq!(err.input(), text);
        }
    }
}
