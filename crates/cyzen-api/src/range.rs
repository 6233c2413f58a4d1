//! Time ranges for `/histories`, and their split into windows cyzen accepts.

use chrono::{DateTime, Days, NaiveDate, NaiveTime, SubsecRound, TimeDelta, TimeZone, Utc};

use crate::Error;
use crate::models::datetime::format_utc;
use crate::models::jst;

/// The longest window `/histories` accepts, in days (a 16-day window is
/// refused with HTTP 400).
pub const MAX_HISTORY_WINDOW_DAYS: u32 = 15;

/// An inclusive range of instants, in whole seconds: `from ..= to`.
///
/// cyzen takes `from_date` / `to_date` in UTC; build the range in any time
/// zone ([`TimeRange::jst_days`] for whole JST days) and it is converted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeRange {
    from: DateTime<Utc>,
    to: DateTime<Utc>,
}

impl TimeRange {
    /// The instants from `from` to `to`, both included; sub-second parts are
    /// dropped.
    ///
    /// # Errors
    /// A configuration error when `to` is before `from`.
    pub fn new<A: TimeZone, B: TimeZone>(
        from: DateTime<A>,
        to: DateTime<B>,
    ) -> Result<Self, Error> {
        let from = from.with_timezone(&Utc).trunc_subsecs(0);
        let to = to.with_timezone(&Utc).trunc_subsecs(0);
        if to < from {
            return Err(Error::config(format!(
                "time range ends ({}) before it starts ({})",
                format_utc(&to),
                format_utc(&from)
            )));
        }
        Ok(Self { from, to })
    }

    /// Whole JST days: `first` 00:00:00 JST to `last` 23:59:59 JST.
    ///
    /// # Errors
    /// A configuration error when `last` is before `first`.
    pub fn jst_days(first: NaiveDate, last: NaiveDate) -> Result<Self, Error> {
        Self::days_in(&jst(), first, last)
    }

    /// Whole UTC days: `first` 00:00:00 to `last` 23:59:59 UTC.
    ///
    /// # Errors
    /// A configuration error when `last` is before `first`.
    pub fn utc_days(first: NaiveDate, last: NaiveDate) -> Result<Self, Error> {
        Self::days_in(&Utc, first, last)
    }

    fn days_in<Tz: TimeZone>(tz: &Tz, first: NaiveDate, last: NaiveDate) -> Result<Self, Error> {
        let start = first.and_time(NaiveTime::MIN);
        let end = last
            .checked_add_days(Days::new(1))
            .ok_or_else(|| Error::config("the last day of the range is out of range"))?
            .and_time(NaiveTime::MIN);
        let start = tz
            .from_local_datetime(&start)
            .earliest()
            .ok_or_else(|| Error::config("the first day does not exist in that time zone"))?;
        let end = tz
            .from_local_datetime(&end)
            .earliest()
            .ok_or_else(|| Error::config("the last day does not exist in that time zone"))?
            - TimeDelta::seconds(1);
        Self::new(start, end)
    }

    /// The first instant (UTC).
    pub fn from(&self) -> DateTime<Utc> {
        self.from
    }

    /// The last instant (UTC), included.
    pub fn to(&self) -> DateTime<Utc> {
        self.to
    }

    /// True when `at` (to the second) lies in the range.
    pub fn contains(&self, at: &DateTime<Utc>) -> bool {
        let at = at.trunc_subsecs(0);
        self.from <= at && at <= self.to
    }

    /// Splits the range into consecutive, non-overlapping windows of at most
    /// `days` days each (`days` of 0 counts as 1): each window starts one
    /// second after the previous one ends, and its last instant is less than
    /// `days` days after its first.
    pub fn windows(&self, days: u32) -> Vec<TimeRange> {
        let span = TimeDelta::days(i64::from(days.max(1))) - TimeDelta::seconds(1);
        let mut windows = Vec::new();
        let mut start = self.from;
        loop {
            let end = start
                .checked_add_signed(span)
                .map_or(self.to, |end| end.min(self.to));
            windows.push(TimeRange {
                from: start,
                to: end,
            });
            if end >= self.to {
                return windows;
            }
            start = end + TimeDelta::seconds(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(d: u32, h: u32, m: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, h, m, s).unwrap()
    }

    fn shown(windows: &[TimeRange]) -> Vec<(String, String)> {
        windows
            .iter()
            .map(|w| (format_utc(&w.from()), format_utc(&w.to())))
            .collect()
    }

    #[test]
    fn a_month_splits_into_consecutive_15_day_windows() {
        let range = TimeRange::new(utc(1, 0, 0, 0), utc(30, 23, 59, 59)).unwrap();
        assert_eq!(
            shown(&range.windows(MAX_HISTORY_WINDOW_DAYS)),
            vec![
                ("2026-11-01T00:00:00".into(), "2026-11-15T23:59:59".into()),
                ("2026-11-16T00:00:00".into(), "2026-11-30T23:59:59".into()),
            ]
        );
    }

    #[test]
    fn short_and_exact_ranges_are_one_window() {
        let one_second = TimeRange::new(utc(3, 1, 2, 3), utc(3, 1, 2, 3)).unwrap();
        assert_eq!(one_second.windows(15), vec![one_second]);
        let exactly_15_days = TimeRange::new(utc(1, 0, 0, 0), utc(15, 23, 59, 59)).unwrap();
        assert_eq!(exactly_15_days.windows(15).len(), 1);
        let one_more_second = TimeRange::new(utc(1, 0, 0, 0), utc(16, 0, 0, 0)).unwrap();
        assert_eq!(
            shown(&one_more_second.windows(15)),
            vec![
                ("2026-11-01T00:00:00".into(), "2026-11-15T23:59:59".into()),
                ("2026-11-16T00:00:00".into(), "2026-11-16T00:00:00".into()),
            ]
        );
    }

    #[test]
    fn windows_cover_the_range_without_gaps_or_overlaps() {
        let range = TimeRange::new(utc(1, 7, 30, 0), utc(29, 3, 0, 0)).unwrap();
        for days in [1, 2, 7, 15, 40] {
            let windows = range.windows(days);
            assert_eq!(windows.first().unwrap().from(), range.from());
            assert_eq!(windows.last().unwrap().to(), range.to());
            for pair in windows.windows(2) {
                assert_eq!(pair[1].from() - pair[0].to(), TimeDelta::seconds(1));
            }
            for w in &windows {
                assert!(w.to() - w.from() < TimeDelta::days(i64::from(days)));
            }
        }
    }

    #[test]
    fn jst_days_are_converted_to_utc() {
        let d = |day| NaiveDate::from_ymd_opt(2026, 11, day).unwrap();
        let range = TimeRange::jst_days(d(1), d(30)).unwrap();
        assert_eq!(format_utc(&range.from()), "2026-10-31T15:00:00");
        assert_eq!(format_utc(&range.to()), "2026-11-30T14:59:59");
        let range = TimeRange::utc_days(d(2), d(2)).unwrap();
        assert_eq!(format_utc(&range.to()), "2026-11-02T23:59:59");
        assert!(TimeRange::jst_days(d(2), d(1)).unwrap_err().is_config());
    }

    #[test]
    fn a_reversed_range_is_refused_and_subseconds_dropped() {
        assert!(TimeRange::new(utc(2, 0, 0, 0), utc(1, 0, 0, 0)).is_err());
        let at = utc(1, 0, 0, 0) + TimeDelta::milliseconds(900);
        let range = TimeRange::new(at, at).unwrap();
        assert_eq!(range.from(), utc(1, 0, 0, 0));
        assert!(range.contains(&at));
    }
}
