//! When a connector runs: manual, daily or monthly, in JST.
//!
//! The schedule settings of 「つながる KING OF TIME」's SenseThunder manual:
//! 勤怠連携 runs 「手動実行」 or 「スケジュール実行」 daily at a chosen hour
//! on the records of 「前日」 or 「当日」 (e.g. 毎日「3」時「前日」, 毎日「23」時
//! 「当日」); 社員情報連携 runs daily at an hour or monthly on a day at an hour.
//!
//! KOT refuses its API (but punches and tokens) from 08:30 to 10:00 and from
//! 17:30 to 18:30 JST: a run that would fall inside a band is moved to the
//! band's end (daily at 9 runs at 10:00, at 18 at 18:30; at 17 it stays at
//! 17:00). Schedules never read the machine's clock or zone: the caller
//! passes "now".
//!
//! ```
//! use chrono::{FixedOffset, TimeZone};
//! use kot_connect_core::{Schedule, TargetDay};
//!
//! let jst = FixedOffset::east_opt(9 * 3600).unwrap();
//! let schedule = Schedule::daily(9, TargetDay::PreviousDay)?;
//! let after = jst.with_ymd_and_hms(2026, 3, 10, 0, 0, 0).unwrap();
//! // 09:00 is inside 08:30-10:00: the run moves to 10:00.
//! let run = schedule.next_run(&after).unwrap();
//! assert_eq!(run, jst.with_ymd_and_hms(2026, 3, 10, 10, 0, 0).unwrap());
//! assert_eq!(schedule.target_date(&run), chrono::NaiveDate::from_ymd_opt(2026, 3, 9));
//! # Ok::<(), kot_connect_core::schedule::InvalidSchedule>(())
//! ```
//!
//! In TOML:
//!
//! ```toml
//! schedule = { kind = "manual" }
//! schedule = { kind = "daily", hour = 3, target = "previous_day" }   # 毎日3時 前日
//! schedule = { kind = "monthly", day = 31, hour = 2 }                # 毎月末日 2時
//! ```

use std::fmt;

use chrono::{DateTime, Datelike, Days, FixedOffset, Months, NaiveDate, NaiveTime, TimeZone};
use serde::{Deserialize, Serialize};

use crate::time::{jst, next_allowed};

/// An hour of the day, 0 to 23 (JST).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Hour(u8);

impl Hour {
    /// The hour `h`, when `h` is 0 to 23.
    ///
    /// # Errors
    /// [`InvalidSchedule::Hour`] otherwise.
    pub fn new(h: u8) -> Result<Self, InvalidSchedule> {
        if h < 24 {
            Ok(Hour(h))
        } else {
            Err(InvalidSchedule::Hour(h))
        }
    }

    /// The hour, 0 to 23.
    pub fn get(self) -> u8 {
        self.0
    }

    fn time(self) -> NaiveTime {
        NaiveTime::from_hms_opt(u32::from(self.0), 0, 0).unwrap_or(NaiveTime::MIN)
    }
}

impl TryFrom<u8> for Hour {
    type Error = InvalidSchedule;

    fn try_from(h: u8) -> Result<Self, Self::Error> {
        Hour::new(h)
    }
}

impl From<Hour> for u8 {
    fn from(h: Hour) -> u8 {
        h.0
    }
}

/// A day of the month, 1 to 31. A day beyond a month's length means that
/// month's last day (31 runs on 30 April and on 28 or 29 February).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct DayOfMonth(u8);

impl DayOfMonth {
    /// The day `d`, when `d` is 1 to 31.
    ///
    /// # Errors
    /// [`InvalidSchedule::Day`] otherwise.
    pub fn new(d: u8) -> Result<Self, InvalidSchedule> {
        if (1..=31).contains(&d) {
            Ok(DayOfMonth(d))
        } else {
            Err(InvalidSchedule::Day(d))
        }
    }

    /// The day, 1 to 31.
    pub fn get(self) -> u8 {
        self.0
    }

    /// The date of this day in the month of `first` (the 1st of a month),
    /// clamped to the month's last day.
    fn in_month(self, first: NaiveDate) -> Option<NaiveDate> {
        let next_first = first.checked_add_months(Months::new(1))?;
        let last = next_first.pred_opt()?.day();
        first.with_day(u32::from(self.0).min(last))
    }
}

impl TryFrom<u8> for DayOfMonth {
    type Error = InvalidSchedule;

    fn try_from(d: u8) -> Result<Self, Self::Error> {
        DayOfMonth::new(d)
    }
}

impl From<DayOfMonth> for u8 {
    fn from(d: DayOfMonth) -> u8 {
        d.0
    }
}

/// A schedule value out of range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidSchedule {
    /// An hour that is not 0 to 23.
    #[error("invalid hour {0}: expected 0 to 23 (JST)")]
    Hour(u8),
    /// A day that is not 1 to 31.
    #[error("invalid day of month {0}: expected 1 to 31 (31 = the month's last day)")]
    Day(u8),
}

/// 対象データ: which day's records a run syncs, relative to the run's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetDay {
    /// 前日: the day before the run (JST), e.g. daily at 3:00.
    #[default]
    #[serde(alias = "前日")]
    PreviousDay,
    /// 当日: the day of the run (JST).
    #[serde(alias = "当日")]
    SameDay,
}

impl TargetDay {
    /// The JST calendar date a run at `run_at` syncs.
    ///
    /// A run moved out of a time band stays on its day (bands end at 10:00
    /// and 18:30), so the date is that of the run itself. Work dates of
    /// divisions with a later day border are the caller's concern.
    pub fn date_for<Tz: TimeZone>(self, run_at: &DateTime<Tz>) -> NaiveDate {
        self.work_date(Self::run_date(run_at))
    }

    /// The work date a run on `run_date` (its JST calendar date) syncs.
    /// The day before the earliest date chrono knows is that date itself.
    pub fn work_date(self, run_date: NaiveDate) -> NaiveDate {
        match self {
            TargetDay::SameDay => run_date,
            TargetDay::PreviousDay => run_date.pred_opt().unwrap_or(run_date),
        }
    }

    /// The JST calendar date of a run started at `instant`.
    pub fn run_date<Tz: TimeZone>(instant: &DateTime<Tz>) -> NaiveDate {
        instant.with_timezone(&jst()).date_naive()
    }

    /// The manual's label: 前日 or 当日.
    pub fn label_ja(self) -> &'static str {
        match self {
            TargetDay::PreviousDay => "前日",
            TargetDay::SameDay => "当日",
        }
    }
}

/// When a connector job runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Schedule {
    /// 手動実行: only when an administrator asks.
    Manual,
    /// 毎日: every day at `hour`:00 JST, on the records of `target`.
    Daily {
        /// The hour (JST).
        hour: Hour,
        /// 前日 or 当日.
        target: TargetDay,
    },
    /// 毎月: every month on `day` at `hour`:00 JST.
    Monthly {
        /// The day; beyond the month's length, the last day.
        day: DayOfMonth,
        /// The hour (JST).
        hour: Hour,
    },
}

impl Schedule {
    /// Every day at `hour`:00 JST.
    ///
    /// # Errors
    /// [`InvalidSchedule::Hour`] when `hour` is not 0 to 23.
    pub fn daily(hour: u8, target: TargetDay) -> Result<Self, InvalidSchedule> {
        Ok(Schedule::Daily {
            hour: Hour::new(hour)?,
            target,
        })
    }

    /// Every month on `day` (the last day when the month is shorter) at
    /// `hour`:00 JST.
    ///
    /// # Errors
    /// [`InvalidSchedule`] when `day` is not 1 to 31 or `hour` not 0 to 23.
    pub fn monthly(day: u8, hour: u8) -> Result<Self, InvalidSchedule> {
        Ok(Schedule::Monthly {
            day: DayOfMonth::new(day)?,
            hour: Hour::new(hour)?,
        })
    }

    /// The first run strictly after `after`, in JST; `None` for
    /// [`Schedule::Manual`] (or beyond chrono's calendar).
    ///
    /// A nominal run inside a KOT time band runs at the band's end instead.
    /// The caller keeps the time of the last run and asks for the next one
    /// after it; passing "now" after a missed run gives the next future
    /// run, not the missed one.
    pub fn next_run<Tz: TimeZone>(&self, after: &DateTime<Tz>) -> Option<DateTime<FixedOffset>> {
        let after = after.with_timezone(&jst());
        let today = after.date_naive();
        let candidates: Vec<NaiveDate> = match *self {
            Schedule::Manual => return None,
            // Yesterday's run cannot be moved past today, but start there
            // anyway: it costs nothing and needs no argument about bands.
            Schedule::Daily { .. } => (0..=2)
                .filter_map(|n| today.pred_opt()?.checked_add_days(Days::new(n)))
                .collect(),
            Schedule::Monthly { day, .. } => {
                let first = today.with_day(1)?;
                (0..=2)
                    .filter_map(|n| day.in_month(first.checked_add_months(Months::new(n))?))
                    .collect()
            }
        };
        let hour = match *self {
            Schedule::Manual => return None,
            Schedule::Daily { hour, .. } | Schedule::Monthly { hour, .. } => hour,
        };
        candidates
            .into_iter()
            .filter_map(|date| {
                date.and_time(hour.time())
                    .and_local_timezone(jst())
                    .single()
            })
            .map(|nominal| next_allowed(&nominal))
            .find(|run| *run > after)
    }

    /// The date a daily run at `run_at` syncs (前日 or 当日); `None` for
    /// other schedules.
    pub fn target_date<Tz: TimeZone>(&self, run_at: &DateTime<Tz>) -> Option<NaiveDate> {
        match self {
            Schedule::Daily { target, .. } => Some(target.date_for(run_at)),
            Schedule::Manual | Schedule::Monthly { .. } => None,
        }
    }
}

impl fmt::Display for Schedule {
    /// The manual's wording: `手動実行`, `毎日 3時 前日`, `毎月 31日 2時`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Schedule::Manual => f.write_str("手動実行"),
            Schedule::Daily { hour, target } => {
                write!(f, "毎日 {}時 {}", hour.get(), target.label_ja())
            }
            Schedule::Monthly { day, hour } => write!(f, "毎月 {}日 {}時", day.get(), hour.get()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::is_prohibited;
    use chrono::{TimeDelta, Utc};
    use proptest::prelude::*;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<FixedOffset> {
        jst().with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    fn daily(h: u8) -> Schedule {
        Schedule::daily(h, TargetDay::PreviousDay).unwrap()
    }

    #[test]
    fn daily_runs_move_out_of_the_bands() {
        let after = at(2026, 3, 10, 0, 0);
        assert_eq!(daily(9).next_run(&after), Some(at(2026, 3, 10, 10, 0)));
        assert_eq!(daily(17).next_run(&after), Some(at(2026, 3, 10, 17, 0)));
        assert_eq!(daily(18).next_run(&after), Some(at(2026, 3, 10, 18, 30)));
        assert_eq!(daily(8).next_run(&after), Some(at(2026, 3, 10, 8, 0)));
        assert_eq!(daily(10).next_run(&after), Some(at(2026, 3, 10, 10, 0)));
        assert_eq!(daily(3).next_run(&after), Some(at(2026, 3, 10, 3, 0)));
    }

    #[test]
    fn daily_runs_are_strictly_after() {
        assert_eq!(
            daily(3).next_run(&at(2026, 3, 10, 3, 0)),
            Some(at(2026, 3, 11, 3, 0))
        );
        assert_eq!(
            daily(3).next_run(&at(2026, 3, 10, 2, 59)),
            Some(at(2026, 3, 10, 3, 0))
        );
        // Moved to 10:00: at 09:30 the run is still ahead, at 10:00 it is done.
        assert_eq!(
            daily(9).next_run(&at(2026, 3, 10, 9, 30)),
            Some(at(2026, 3, 10, 10, 0))
        );
        assert_eq!(
            daily(9).next_run(&at(2026, 3, 10, 10, 0)),
            Some(at(2026, 3, 11, 10, 0))
        );
        // Year end.
        assert_eq!(
            daily(23).next_run(&at(2026, 12, 31, 23, 0)),
            Some(at(2027, 1, 1, 23, 0))
        );
    }

    #[test]
    fn next_run_is_in_jst_whatever_the_zone_of_after() {
        // 2026-03-09 20:00 UTC = 2026-03-10 05:00 JST.
        let utc = Utc.with_ymd_and_hms(2026, 3, 9, 20, 0, 0).unwrap();
        let run = daily(3).next_run(&utc).unwrap();
        assert_eq!(run, at(2026, 3, 11, 3, 0));
        assert_eq!(run.offset(), &jst());
    }

    #[test]
    fn monthly_clamps_to_the_months_last_day() {
        let s = Schedule::monthly(31, 2).unwrap();
        assert_eq!(
            s.next_run(&at(2026, 1, 31, 2, 0)),
            Some(at(2026, 2, 28, 2, 0))
        );
        assert_eq!(
            s.next_run(&at(2028, 2, 1, 0, 0)),
            Some(at(2028, 2, 29, 2, 0))
        );
        assert_eq!(
            s.next_run(&at(2026, 4, 1, 0, 0)),
            Some(at(2026, 4, 30, 2, 0))
        );
        assert_eq!(
            s.next_run(&at(2026, 4, 30, 2, 0)),
            Some(at(2026, 5, 31, 2, 0))
        );
        assert_eq!(
            s.next_run(&at(2026, 12, 31, 3, 0)),
            Some(at(2027, 1, 31, 2, 0))
        );
        let s = Schedule::monthly(30, 9).unwrap();
        assert_eq!(
            s.next_run(&at(2026, 2, 1, 0, 0)),
            Some(at(2026, 2, 28, 10, 0))
        );
        let s = Schedule::monthly(1, 0).unwrap();
        assert_eq!(
            s.next_run(&at(2026, 1, 31, 23, 59)),
            Some(at(2026, 2, 1, 0, 0))
        );
    }

    #[test]
    fn manual_never_runs() {
        assert_eq!(Schedule::Manual.next_run(&at(2026, 1, 1, 0, 0)), None);
        assert_eq!(Schedule::Manual.target_date(&at(2026, 1, 1, 0, 0)), None);
    }

    #[test]
    fn target_dates_follow_the_manuals_examples() {
        // 毎日「3」時「前日」, 毎日「23」時「当日」.
        let s = Schedule::daily(3, TargetDay::PreviousDay).unwrap();
        let run = s.next_run(&at(2026, 3, 1, 0, 0)).unwrap();
        assert_eq!(run, at(2026, 3, 1, 3, 0));
        assert_eq!(s.target_date(&run), NaiveDate::from_ymd_opt(2026, 2, 28));
        let s = Schedule::daily(23, TargetDay::SameDay).unwrap();
        let run = s.next_run(&at(2026, 3, 1, 0, 0)).unwrap();
        assert_eq!(s.target_date(&run), NaiveDate::from_ymd_opt(2026, 3, 1));
        assert_eq!(s.to_string(), "毎日 23時 当日");
        assert_eq!(
            Schedule::monthly(31, 2).unwrap().to_string(),
            "毎月 31日 2時"
        );
    }

    #[test]
    fn out_of_range_values_are_refused() {
        assert_eq!(
            Schedule::daily(24, TargetDay::SameDay),
            Err(InvalidSchedule::Hour(24))
        );
        assert_eq!(Schedule::monthly(0, 3), Err(InvalidSchedule::Day(0)));
        assert_eq!(Schedule::monthly(32, 3), Err(InvalidSchedule::Day(32)));
        #[derive(Debug, Deserialize)]
        struct Config {
            #[allow(dead_code)]
            schedule: Schedule,
        }
        let err = toml::from_str::<Config>(
            "schedule = { kind = \"daily\", hour = 25, target = \"same_day\" }",
        )
        .unwrap_err();
        assert!(err.to_string().contains("invalid hour 25"), "{err}");
        let err = toml::from_str::<Config>("schedule = { kind = \"monthly\", day = 0, hour = 1 }")
            .unwrap_err();
        assert!(err.to_string().contains("invalid day of month 0"), "{err}");
    }

    #[test]
    fn toml_round_trip() {
        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        struct Config {
            attendance: Schedule,
            employees: Schedule,
            other: Schedule,
        }
        let text = r#"
            attendance = { kind = "daily", hour = 3, target = "前日" }
            employees = { kind = "monthly", day = 31, hour = 2 }
            other = { kind = "manual" }
        "#;
        let config: Config = toml::from_str(text).unwrap();
        assert_eq!(
            config.attendance,
            Schedule::daily(3, TargetDay::PreviousDay).unwrap()
        );
        assert_eq!(config.employees, Schedule::monthly(31, 2).unwrap());
        assert_eq!(config.other, Schedule::Manual);
        let written = toml::to_string(&config).unwrap();
        assert!(written.contains("previous_day"), "{written}");
        assert_eq!(toml::from_str::<Config>(&written).unwrap(), config);
    }

    fn arb_schedule() -> impl Strategy<Value = Schedule> {
        prop_oneof![
            (0u8..24, any::<bool>()).prop_map(|(h, prev)| Schedule::daily(
                h,
                if prev {
                    TargetDay::PreviousDay
                } else {
                    TargetDay::SameDay
                }
            )
            .unwrap()),
            (1u8..=31, 0u8..24).prop_map(|(d, h)| Schedule::monthly(d, h).unwrap()),
        ]
    }

    proptest! {
        #[test]
        fn runs_never_land_in_a_band_and_come_soon_enough(
            schedule in arb_schedule(),
            secs in 0i64..4_000_000_000,
        ) {
            let after = Utc.timestamp_opt(secs, 0).unwrap();
            let run = schedule.next_run(&after).unwrap();
            prop_assert!(run > after);
            prop_assert!(!is_prohibited(&run), "{run} is in a band");
            let limit = match schedule {
                Schedule::Daily { .. } => TimeDelta::days(1),
                _ => TimeDelta::days(31),
            };
            prop_assert!(run - after.fixed_offset() <= limit, "{run} too late after {after}");
            // The run is the nominal hour, or a band's end.
            let t = run.time();
            let hour = match schedule {
                Schedule::Daily { hour, .. } | Schedule::Monthly { hour, .. } => hour.get(),
                Schedule::Manual => unreachable!(),
            };
            prop_assert!(
                t == NaiveTime::from_hms_opt(u32::from(hour), 0, 0).unwrap()
                    || t == NaiveTime::from_hms_opt(10, 0, 0).unwrap()
                    || t == NaiveTime::from_hms_opt(18, 30, 0).unwrap()
            );
            // No run is skipped: nothing between `after` and `run` would do.
            let earlier = schedule.next_run(&(run - TimeDelta::seconds(1))).unwrap();
            prop_assert_eq!(earlier, run);
        }
    }
}
