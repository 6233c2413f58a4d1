//! KOT date/time formats.
//!
//! KOT sends ISO 8601 datetimes with an offset in two forms:
//!
//! * with seconds, `2016-05-01T09:00:00+09:00` — punch times and hour holidays;
//! * without seconds, `2016-05-10T10:00+09:00` — schedules, requests and most others.
//!
//! chrono's RFC 3339 parser rejects the second form, so fields use the serde
//! helper modules [`kot_seconds`] and [`kot_minutes`] (each with an `option`
//! submodule for `Option<DateTime<FixedOffset>>`). Both modules *read* either
//! form (and `Z`); they differ in how they *write*. Values are always written in
//! JST (`+09:00`), which is what the API expects.
//!
//! Plain dates (`YYYY-MM-DD`) use [`chrono::NaiveDate`]; months (`YYYY-MM`) use
//! [`YearMonth`].

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDateTime, TimeZone, Timelike};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// The JST offset, +09:00, in seconds east of UTC.
pub const JST_OFFSET_SECONDS: i32 = 9 * 3600;

const JST: FixedOffset = match FixedOffset::east_opt(JST_OFFSET_SECONDS) {
    Some(offset) => offset,
    // 9 hours is within chrono's ±24 h range; evaluated at compile time.
    None => unreachable!(),
};

/// Japan Standard Time, `+09:00` (Japan has no daylight saving time).
pub fn jst() -> FixedOffset {
    JST
}

/// A string that is not a KOT datetime in either accepted form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid KOT datetime {input:?}: expected YYYY-MM-DDTHH:MM[:SS]+HH:MM (or Z), e.g. 2016-05-01T09:00+09:00"
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

/// Parses a KOT datetime in either form: with seconds
/// (`2016-05-01T09:00:00+09:00`, fractional seconds allowed) or without
/// (`2016-05-10T10:00+09:00`). A `Z` offset is accepted too.
///
/// # Errors
///
/// [`DateTimeParseError`] if the text matches neither form or has no offset,
/// or if the instant has no four-digit year in JST, the zone every KOT
/// datetime is written in ([`format_seconds`]): e.g.
/// `9999-12-31T23:59+03:59` is 10000-01-01 in JST.
pub fn parse_kot_datetime(input: &str) -> Result<DateTime<FixedOffset>, DateTimeParseError> {
    let error = || DateTimeParseError {
        input: input.to_owned(),
    };
    let s = input.trim();
    let parsed = match DateTime::parse_from_rfc3339(s) {
        Ok(dt) => dt,
        Err(_) => {
            // Minute form: split the offset off and parse the local part.
            let (local, offset) = split_offset(s).ok_or_else(error)?;
            if !is_minute_shape(local) {
                return Err(error());
            }
            let naive =
                NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M").map_err(|_| error())?;
            offset
                .from_local_datetime(&naive)
                .single()
                .ok_or_else(error)?
        }
    };
    if (0..=9999).contains(&parsed.with_timezone(&JST).year()) {
        Ok(parsed)
    } else {
        Err(error())
    }
}

/// Splits `…+09:00` / `…-05:30` / `…Z` into the local part and its offset.
fn split_offset(s: &str) -> Option<(&str, FixedOffset)> {
    if let Some(local) = s.strip_suffix('Z').or_else(|| s.strip_suffix('z')) {
        return Some((local, FixedOffset::east_opt(0)?));
    }
    // The offset is the last six characters: sign, HH, ':', MM.
    let split = s.len().checked_sub(6)?;
    if !s.is_char_boundary(split) {
        return None;
    }
    let (local, offset) = s.split_at(split);
    if !offset.is_ascii() {
        return None;
    }
    let bytes = offset.as_bytes();
    let sign = match bytes.first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    if bytes.get(3) != Some(&b':') {
        return None;
    }
    let hours: i32 = two_digits(&offset[1..3])?;
    let minutes: i32 = two_digits(&offset[4..6])?;
    if hours > 23 || minutes > 59 {
        return None;
    }
    let offset = FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))?;
    Some((local, offset))
}

/// `YYYY-MM-DDTHH:MM`, all digits where digits belong.
fn is_minute_shape(local: &str) -> bool {
    let bytes = local.as_bytes();
    bytes.len() == 16
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            10 => *b == b'T' || *b == b't',
            13 => *b == b':',
            _ => b.is_ascii_digit(),
        })
}

fn two_digits(s: &str) -> Option<i32> {
    if s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

/// Formats a datetime in the **seconds** form in JST, e.g.
/// `2016-05-01T09:00:00+09:00` (the punch-time form). The instant is converted
/// to +09:00 first; sub-second precision is dropped.
pub fn format_seconds<Tz: TimeZone>(dt: &DateTime<Tz>) -> String {
    dt.with_timezone(&JST)
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// Formats a datetime in the **minute** form in JST, e.g.
/// `2016-05-10T10:00+09:00`. The instant is converted to +09:00 first; seconds
/// and sub-seconds are truncated.
pub fn format_minutes<Tz: TimeZone>(dt: &DateTime<Tz>) -> String {
    dt.with_timezone(&JST)
        .format("%Y-%m-%dT%H:%M%:z")
        .to_string()
}

struct KotDateTimeVisitor;

impl Visitor<'_> for KotDateTimeVisitor {
    type Value = DateTime<FixedOffset>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a KOT datetime such as 2016-05-01T09:00:00+09:00 or 2016-05-10T10:00+09:00")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        parse_kot_datetime(v).map_err(E::custom)
    }
}

/// A `DateTime<FixedOffset>` read with [`parse_kot_datetime`]; used for `Option`.
struct KotDateTime(DateTime<FixedOffset>);

impl<'de> Deserialize<'de> for KotDateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_str(KotDateTimeVisitor)
            .map(KotDateTime)
    }
}

/// Writes `Some(dt)` with `format`, `None` as `null` (shared by the two
/// `option` modules below).
fn serialize_option<S: Serializer>(
    dt: &Option<DateTime<FixedOffset>>,
    s: S,
    format: fn(&DateTime<FixedOffset>) -> String,
) -> Result<S::Ok, S::Error> {
    match dt {
        Some(dt) => s.serialize_str(&format(dt)),
        None => s.serialize_none(),
    }
}

/// Reads `null` or either KOT datetime form.
fn deserialize_option<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
    Ok(Option::<KotDateTime>::deserialize(d)?.map(|v| v.0))
}

/// Serde helpers for datetimes written **with seconds** in JST
/// (`2016-05-01T09:00:00+09:00`): punch times, hour holidays.
///
/// Use as `#[serde(with = "kot_seconds")]`, or `kot_seconds::option` for an
/// `Option` field (together with `default` and `skip_serializing_if`).
/// Reading accepts both KOT forms.
pub mod kot_seconds {
    use super::*;

    /// Writes `dt` as `YYYY-MM-DDTHH:MM:SS+09:00`.
    ///
    /// # Errors
    ///
    /// Only those of the serializer.
    pub fn serialize<S: Serializer>(dt: &DateTime<FixedOffset>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_seconds(dt))
    }

    /// Reads either KOT datetime form.
    ///
    /// # Errors
    ///
    /// A deserializer error if the value is not a string in a KOT datetime form.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<FixedOffset>, D::Error> {
        d.deserialize_str(KotDateTimeVisitor)
    }

    /// The same for `Option<DateTime<FixedOffset>>` (`null` reads as `None`).
    pub mod option {
        use super::super::*;

        /// Writes `Some(dt)` like [`super::serialize`], `None` as `null`.
        ///
        /// # Errors
        ///
        /// Only those of the serializer.
        pub fn serialize<S: Serializer>(
            dt: &Option<DateTime<FixedOffset>>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            serialize_option(dt, s, format_seconds)
        }

        /// Reads `null` or either KOT datetime form.
        ///
        /// # Errors
        ///
        /// A deserializer error if the value is neither `null` nor a KOT datetime.
        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
            deserialize_option(d)
        }
    }
}

/// Serde helpers for datetimes written **without seconds** in JST
/// (`2016-05-10T10:00+09:00`): schedules, requests and most non-punch fields.
///
/// Use as `#[serde(with = "kot_minutes")]`, or `kot_minutes::option` for an
/// `Option` field. Reading accepts both KOT forms. When writing, a value that
/// carries non-zero seconds is written in the seconds form rather than being
/// silently truncated, so decoded data survives a round trip.
pub mod kot_minutes {
    use super::*;

    fn format(dt: &DateTime<FixedOffset>) -> String {
        if dt.second() == 0 && dt.nanosecond() == 0 {
            format_minutes(dt)
        } else {
            format_seconds(dt)
        }
    }

    /// Writes `dt` as `YYYY-MM-DDTHH:MM+09:00`.
    ///
    /// # Errors
    ///
    /// Only those of the serializer.
    pub fn serialize<S: Serializer>(dt: &DateTime<FixedOffset>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format(dt))
    }

    /// Reads either KOT datetime form.
    ///
    /// # Errors
    ///
    /// A deserializer error if the value is not a string in a KOT datetime form.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<FixedOffset>, D::Error> {
        d.deserialize_str(KotDateTimeVisitor)
    }

    /// The same for `Option<DateTime<FixedOffset>>` (`null` reads as `None`).
    pub mod option {
        use super::super::*;

        /// Writes `Some(dt)` like [`super::serialize`], `None` as `null`.
        ///
        /// # Errors
        ///
        /// Only those of the serializer.
        pub fn serialize<S: Serializer>(
            dt: &Option<DateTime<FixedOffset>>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            serialize_option(dt, s, super::format)
        }

        /// Reads `null` or either KOT datetime form.
        ///
        /// # Errors
        ///
        /// A deserializer error if the value is neither `null` nor a KOT datetime.
        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
            deserialize_option(d)
        }
    }
}

/// A calendar month, written `YYYY-MM` (e.g. the `{date}` of
/// `/monthly-workings/2016-06`).
///
/// The year is limited to 1..=9999 so that it always prints as four digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct YearMonth {
    year: i32,
    month: u32,
}

/// An invalid [`YearMonth`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum YearMonthError {
    /// The month is not in 1..=12.
    #[error("month {0} is out of range 1..=12")]
    Month(u32),
    /// The year is not in 1..=9999.
    #[error("year {0} is out of range 1..=9999")]
    Year(i32),
    /// The text is not of the form `YYYY-MM`.
    #[error("invalid year-month {0:?}: expected YYYY-MM")]
    Format(String),
}

impl YearMonth {
    /// Builds a month.
    ///
    /// # Errors
    ///
    /// [`YearMonthError::Month`] unless `month` is in 1..=12;
    /// [`YearMonthError::Year`] unless `year` is in 1..=9999.
    pub fn new(year: i32, month: u32) -> Result<Self, YearMonthError> {
        if !(1..=12).contains(&month) {
            return Err(YearMonthError::Month(month));
        }
        if !(1..=9999).contains(&year) {
            return Err(YearMonthError::Year(year));
        }
        Ok(YearMonth { year, month })
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1..=12.
    pub fn month(self) -> u32 {
        self.month
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for YearMonth {
    type Err = YearMonthError;

    /// Parses `YYYY-MM` (four-digit year, two-digit month).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let format_error = || YearMonthError::Format(s.to_owned());
        let (year, month) = s.split_once('-').ok_or_else(format_error)?;
        let digits =
            |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
        if !digits(year, 4) || !digits(month, 2) {
            return Err(format_error());
        }
        let year: i32 = year.parse().map_err(|_| format_error())?;
        let month: u32 = month.parse().map_err(|_| format_error())?;
        YearMonth::new(year, month)
    }
}

impl Serialize for YearMonth {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for YearMonth {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct YearMonthVisitor;

        impl Visitor<'_> for YearMonthVisitor {
            type Value = YearMonth;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a year-month string YYYY-MM")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<YearMonth, E> {
                v.parse().map_err(E::custom)
            }
        }

        d.deserialize_str(YearMonthVisitor)
    }
}
