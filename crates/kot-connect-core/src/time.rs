//! Time in JST, never the machine's zone: work dates and KOT's time bands.
//!
//! KOT's API refuses every call but the token calls and punch registration
//! from 08:30 to 10:00 and from 17:30 to 18:30 JST. The band arithmetic is
//! kot-api's own ([`band_at`], [`next_allowed`], [`CallKind`]), re-exported
//! here so that domain code needs no HTTP client.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, TimeZone};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use kot_api::TimeBandClosed;
pub use kot_api::time_band::{
    BandInForce, CallKind, PROHIBITED_BANDS, TimeBand, band_at, is_prohibited, jst, next_allowed,
    next_band_start,
};

/// A division's day border (日付変更時間, KOT's `dayBorderTime`): punches
/// before this time of day (JST) belong to the previous work date.
///
/// The default, midnight, makes the work date the calendar date in JST.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct DayBorder(NaiveTime);

/// A day border that is not `HH:MM` (or `HH:MM:SS`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid day border time {0:?}: expected HH:MM, e.g. \"05:00\"")]
pub struct InvalidDayBorder(pub String);

impl DayBorder {
    /// Midnight: the work date is the JST calendar date.
    pub const MIDNIGHT: DayBorder = DayBorder(NaiveTime::MIN);

    /// A border at `time` (JST wall clock).
    pub fn new(time: NaiveTime) -> Self {
        Self(time)
    }

    /// The border as a time of day.
    pub fn time(self) -> NaiveTime {
        self.0
    }

    /// The work date `instant` belongs to: its JST date, or the day before
    /// when its JST time of day is before the border.
    pub fn work_date<Tz: TimeZone>(self, instant: &DateTime<Tz>) -> NaiveDate {
        let since_midnight = self.0 - NaiveTime::MIN;
        let shifted = instant.with_timezone(&jst()).naive_local() - since_midnight;
        shifted.date()
    }

    /// The first instant (JST) of `work_date` under this border.
    pub fn start_of(self, work_date: NaiveDate) -> DateTime<chrono::FixedOffset> {
        let naive = work_date.and_time(self.0);
        // JST has no daylight saving: every local time maps to one instant.
        jst().from_utc_datetime(&(naive - TimeDelta::hours(9)))
    }
}

impl FromStr for DayBorder {
    type Err = InvalidDayBorder;

    /// Parses KOT's `"HH:MM"` (also `"HH:MM:SS"`).
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let trimmed = raw.trim();
        NaiveTime::parse_from_str(trimmed, "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(trimmed, "%H:%M:%S"))
            .map(DayBorder)
            .map_err(|_| InvalidDayBorder(raw.to_owned()))
    }
}

impl fmt::Display for DayBorder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%H:%M"))
    }
}

impl Serialize for DayBorder {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DayBorder {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        raw.parse().map_err(serde::de::Error::custom)
    }
}

impl From<&kot_api::models::Division> for DayBorder {
    /// The division's border; midnight when KOT sends none (or garbage).
    fn from(division: &kot_api::models::Division) -> Self {
        division
            .day_border_time()
            .map_or(DayBorder::MIDNIGHT, DayBorder)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, Utc};
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn work_date_follows_the_border_in_jst() {
        let five: DayBorder = "05:00".parse().unwrap();
        let at = |d, h, m| jst().with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap();
        assert_eq!(five.work_date(&at(21, 4, 59)), date(2026, 11, 20));
        assert_eq!(five.work_date(&at(21, 5, 0)), date(2026, 11, 21));
        assert_eq!(five.work_date(&at(21, 23, 59)), date(2026, 11, 21));
        assert_eq!(
            DayBorder::MIDNIGHT.work_date(&at(21, 0, 0)),
            date(2026, 11, 21)
        );
        assert_eq!(
            DayBorder::MIDNIGHT.work_date(&(at(21, 0, 0) - Duration::seconds(1))),
            date(2026, 11, 20)
        );
    }

    #[test]
    fn work_date_ignores_the_instants_own_zone() {
        // 2026-11-20 15:30 UTC is 2026-11-21 00:30 JST.
        let utc = Utc.with_ymd_and_hms(2026, 11, 20, 15, 30, 0).unwrap();
        assert_eq!(DayBorder::MIDNIGHT.work_date(&utc), date(2026, 11, 21));
        let five: DayBorder = "05:00".parse().unwrap();
        assert_eq!(five.work_date(&utc), date(2026, 11, 20));
    }

    #[test]
    fn parses_and_refuses() {
        assert_eq!("05:00".parse::<DayBorder>().unwrap().to_string(), "05:00");
        assert_eq!(
            "05:30:00".parse::<DayBorder>().unwrap().to_string(),
            "05:30"
        );
        for bad in ["", "5", "25:00", "05-00", "nope"] {
            let err = bad.parse::<DayBorder>().unwrap_err();
            assert_eq!(err, InvalidDayBorder(bad.to_owned()));
        }
    }

    proptest! {
        #[test]
        fn an_instant_lies_within_its_work_day(secs in 0i64..4_000_000_000, border_min in 0u32..1440) {
            let border = DayBorder::new(NaiveTime::from_hms_opt(border_min / 60, border_min % 60, 0).unwrap());
            let instant = Utc.timestamp_opt(secs, 0).unwrap();
            let day = border.work_date(&instant);
            let start = border.start_of(day);
            let next = border.start_of(day.succ_opt().unwrap());
            prop_assert!(start <= instant && instant < next, "{instant} not in [{start}, {next})");
        }
    }
}
