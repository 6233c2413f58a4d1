//! Date ranges and KOT's 62-day limit.

use std::fmt;

use chrono::{Days, NaiveDate};

/// The longest range KOT accepts in one request, in days, both ends included.
pub const MAX_RANGE_DAYS: u64 = 62;

/// A date range that ends before it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("date range ends ({end}) before it starts ({start})")]
pub struct InvalidDateRange {
    /// The requested first date.
    pub start: NaiveDate,
    /// The requested last date.
    pub end: NaiveDate,
}

/// An inclusive range of dates, `start..=end`, with `start <= end`.
///
/// Ranges longer than [`MAX_RANGE_DAYS`] are split by the client into several
/// requests whose results are merged in date order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateRange {
    start: NaiveDate,
    end: NaiveDate,
}

impl DateRange {
    /// The dates from `start` to `end`, both included.
    ///
    /// # Errors
    /// [`InvalidDateRange`] when `end` is before `start`.
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<Self, InvalidDateRange> {
        if end < start {
            return Err(InvalidDateRange { start, end });
        }
        Ok(Self { start, end })
    }

    /// A range of one day.
    pub fn day(date: NaiveDate) -> Self {
        Self {
            start: date,
            end: date,
        }
    }

    /// The first date.
    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// The last date (included).
    pub fn end(&self) -> NaiveDate {
        self.end
    }

    /// The number of days, both ends included.
    pub fn days(&self) -> u64 {
        // end >= start by construction.
        u64::try_from((self.end - self.start).num_days()).unwrap_or(0) + 1
    }

    /// Whether `date` is inside the range.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }

    /// Consecutive windows of at most `max_days` days (at least 1) covering
    /// the range exactly, in order.
    pub fn windows(&self, max_days: u64) -> Vec<DateRange> {
        let step = max_days.max(1);
        let mut out = Vec::new();
        let mut start = self.start;
        loop {
            let end = start
                .checked_add_days(Days::new(step - 1))
                .map_or(self.end, |e| e.min(self.end));
            out.push(DateRange { start, end });
            match end.checked_add_days(Days::new(1)) {
                Some(next) if end < self.end => start = next,
                _ => break,
            }
        }
        out
    }

    /// The windows KOT accepts: at most [`MAX_RANGE_DAYS`] days each.
    pub fn kot_windows(&self) -> Vec<DateRange> {
        self.windows(MAX_RANGE_DAYS)
    }
}

impl fmt::Display for DateRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..={}", self.start, self.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn reversed_range_is_an_error() {
        assert!(DateRange::new(d(2026, 5, 2), d(2026, 5, 1)).is_err());
        assert_eq!(
            DateRange::new(d(2026, 5, 1), d(2026, 5, 1)).unwrap().days(),
            1
        );
    }

    #[test]
    fn sixty_two_days_is_one_window_sixty_three_is_two() {
        let r = DateRange::new(d(2026, 5, 1), d(2026, 7, 1)).unwrap();
        assert_eq!(r.days(), 62);
        assert_eq!(r.kot_windows(), vec![r]);
        let r = DateRange::new(d(2026, 5, 1), d(2026, 7, 2)).unwrap();
        assert_eq!(
            r.kot_windows(),
            vec![
                DateRange::new(d(2026, 5, 1), d(2026, 7, 1)).unwrap(),
                DateRange::day(d(2026, 7, 2)),
            ]
        );
    }

    #[test]
    fn a_year_is_six_windows() {
        let r = DateRange::new(d(2025, 1, 1), d(2025, 12, 31)).unwrap();
        let w = r.kot_windows();
        assert_eq!(w.len(), 6); // 365 = 5 * 62 + 55
        assert_eq!(w[5].days(), 55);
    }

    proptest! {
        #[test]
        fn windows_cover_the_range_exactly(start in 0i64..20_000, len in 0u64..800, max in 1u64..100) {
            let s = d(1990, 1, 1) + chrono::Duration::days(start);
            let e = s + chrono::Duration::days(len as i64);
            let r = DateRange::new(s, e).unwrap();
            let w = r.windows(max);
            prop_assert_eq!(w[0].start(), s);
            prop_assert_eq!(w[w.len() - 1].end(), e);
            prop_assert_eq!(w.iter().map(DateRange::days).sum::<u64>(), r.days());
            for pair in w.windows(2) {
                prop_assert_eq!(pair[0].end().succ_opt().unwrap(), pair[1].start());
            }
            prop_assert!(w.iter().all(|x| x.days() <= max));
        }
    }
}
