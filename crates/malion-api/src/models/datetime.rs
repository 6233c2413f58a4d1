//! The date-times of MaLion logs. The WebAPI format is not public, so several
//! forms are read; a value without an offset is taken as JST (+09:00).

use chrono::{DateTime, Datelike, FixedOffset, NaiveDateTime, SecondsFormat, TimeZone};
use serde::{Deserialize, Deserializer, Serializer};

const JST: FixedOffset = match FixedOffset::east_opt(9 * 3600) {
    Some(offset) => offset,
    // 9 hours is within chrono's ±24 h range; evaluated at compile time.
    None => unreachable!(),
};

/// Japan Standard Time (+09:00), the time zone of MaLion and KOT.
pub fn jst() -> FixedOffset {
    JST
}

/// Forms read without an offset (taken as JST), `%.f` allowing fractions.
const NAIVE_FORMATS: [&str; 4] = [
    "%Y/%m/%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y/%m/%d %H:%M",
];

/// Parses a MaLion date-time: RFC 3339 (`2026-11-21T09:03:00+09:00`,
/// `...Z`), or without an offset, taken as JST: `2026/11/21 09:03:00`,
/// `2026-11-21 09:03:00`, `2026-11-21T09:03:00` (fractions allowed), or
/// `2026/11/21 09:03`. The year must lie in 0000-9999, as RFC 3339 and
/// [`format_datetime`] require: chrono alone would also read
/// `-026- 4-01T03:00:00` as the year -26.
pub fn parse_datetime(raw: &str) -> Option<DateTime<FixedOffset>> {
    let s = raw.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt);
    }
    NAIVE_FORMATS.iter().find_map(|f| {
        NaiveDateTime::parse_from_str(s, f)
            .ok()
            .filter(|naive| (0..=9999).contains(&naive.year()))
            .and_then(|naive| JST.from_local_datetime(&naive).single())
    })
}

/// Formats a date-time as RFC 3339 with its offset (seconds, or fractions
/// when present).
pub fn format_datetime(dt: &DateTime<FixedOffset>) -> String {
    dt.to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

pub(crate) mod required {
    use super::*;

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<DateTime<FixedOffset>, D::Error> {
        let raw = String::deserialize(d)?;
        parse_datetime(&raw).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{raw}` is not a date-time MaLion is known to send"
            ))
        })
    }

    pub(crate) fn serialize<S: Serializer>(
        dt: &DateTime<FixedOffset>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_datetime(dt))
    }
}

pub(crate) mod optional {
    use super::*;

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(raw) if raw.trim().is_empty() => Ok(None),
            Some(raw) => parse_datetime(&raw).map(Some).ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "`{raw}` is not a date-time MaLion is known to send"
                ))
            }),
        }
    }

    pub(crate) fn serialize<S: Serializer>(
        dt: &Option<DateTime<FixedOffset>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match dt {
            Some(dt) => s.serialize_str(&format_datetime(dt)),
            None => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_accepted_form_parses_and_naive_means_jst() {
        let want = JST.with_ymd_and_hms(2026, 11, 21, 9, 3, 0).unwrap();
        for raw in [
            "2026-11-21T09:03:00+09:00",
            "2026-11-21T00:03:00Z",
            "2026/11/21 09:03:00",
            "2026-11-21 09:03:00",
            "2026-11-21T09:03:00",
            " 2026/11/21 09:03 ",
        ] {
            assert_eq!(parse_datetime(raw), Some(want), "{raw}");
        }
        assert!(parse_datetime("2026/11/21 09:03:00.250").is_some());
        for bad in ["", "yesterday", "2026-13-01T00:00:00", "09:03"] {
            assert_eq!(parse_datetime(bad), None, "{bad}");
        }
        assert_eq!(format_datetime(&want), "2026-11-21T09:03:00+09:00");
    }

    /// Found by the `datetime_parse` fuzz target: chrono read these as the
    /// years -26 and 12026, which no RFC 3339 writer (ours included) can
    /// write back.
    #[test]
    fn years_outside_0000_to_9999_are_refused() {
        for bad in [
            "-026- 4-01T03:00:00",
            "12026/11/21 09:03",
            "-0001-01-01 00:00:00",
        ] {
            assert_eq!(parse_datetime(bad), None, "{bad}");
        }
        let edge = parse_datetime("0026- 4-01T03:00:00").unwrap();
        assert_eq!(parse_datetime(&format_datetime(&edge)), Some(edge));
    }
}
