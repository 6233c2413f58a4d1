//! SenseLink / SenseThunder: face recognitions (認証レコード) → 出勤 / 退勤.
//!
//! The rule of the integration manual (「SenseThunder 連携設定マニュアル」
//! §2.1.3): per employee and work date, the **first** recognition of the day
//! is the clock-in (出勤) and the **last** is the clock-out (退勤). Two
//! settings:
//!
//! - [`SenseLinkMode`]: 「出勤のみ連携」 ([`SenseLinkMode::ClockInOnly`]) or
//!   「出勤・退勤の連携」 ([`SenseLinkMode::ClockInAndOut`]). With a single
//!   recognition on a day, the second mode gives only the 出勤.
//! - [`TargetDay`]: 「前日」 or 「当日」: which work date a scheduled run
//!   syncs (e.g. daily at 3:00 for the previous day, daily at 23:00 for the
//!   same day). Recognitions of other work dates are ignored as
//!   [`IgnoreReason::OutsideWindow`](super::IgnoreReason::OutsideWindow).
//!
//! Work dates are the JST date under each employee's day border
//! ([`DayBorders`]). Recognitions at the same instant are ordered by record
//! id, so the result never depends on input order.

pub use crate::schedule::TargetDay;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use serde::{Deserialize, Serialize};

use compact_str::ToCompactString;

use super::grouping::{BLOCK, Instant, Interner, SECONDS_PER_DAY, WorkDay, day_number_of};
use super::{DayBorders, RuleOutput, RuleRecord, Slot};
use crate::EmployeeCode;
use crate::punch::{Location, PunchKind, SourceRef, SourceSystem};
use crate::time::jst;

/// One SenseLink recognition, already matched to a KOT employee.
///
/// Built from the fields of a SenseLink record: `id`, the employee code its
/// `job_number` (従業員番号) matched, and `sign_time` (epoch seconds).
#[derive(Debug, Clone, PartialEq)]
pub struct Recognition {
    /// The record id (`id`), unique in the tenant.
    pub id: i64,
    /// The KOT employee code.
    pub employee: EmployeeCode,
    /// When the face was recognised.
    pub at: DateTime<FixedOffset>,
    /// Where, when the device reports it.
    pub location: Option<Location>,
}

impl Recognition {
    /// A recognition of `employee` at `at`.
    pub fn new(id: i64, employee: impl Into<EmployeeCode>, at: DateTime<FixedOffset>) -> Self {
        Recognition {
            id,
            employee: employee.into(),
            at,
            location: None,
        }
    }

    /// A recognition from SenseLink's `sign_time` (epoch **seconds**), in
    /// JST; `None` when the value is out of chrono's range.
    pub fn from_sign_time(
        id: i64,
        employee: impl Into<EmployeeCode>,
        sign_time: i64,
    ) -> Option<Self> {
        let at = jst().timestamp_opt(sign_time, 0).single()?;
        Some(Recognition::new(id, employee, at))
    }
}

impl RuleRecord for Recognition {
    fn source(&self) -> SourceRef {
        source_of(self.id)
    }

    fn employee(&self) -> &EmployeeCode {
        &self.employee
    }

    fn at(&self) -> DateTime<FixedOffset> {
        self.at
    }

    fn location(&self) -> Option<Location> {
        self.location
    }
}

/// `senselink:<id>`, formatted without allocating.
fn source_of(id: i64) -> SourceRef {
    SourceRef::new(SourceSystem::SenseLink, id.to_compact_string())
}

/// 連携項目: which punches are synced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SenseLinkMode {
    /// 出勤のみ連携: only the first recognition of the day, as 出勤.
    ClockInOnly,
    /// 出勤・退勤の連携: the first as 出勤 and the last as 退勤.
    #[default]
    ClockInAndOut,
}

/// The SenseLink rule with its two settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct SenseLinkRule {
    /// 出勤のみ or 出勤・退勤.
    pub mode: SenseLinkMode,
    /// 前日 or 当日.
    pub target_day: TargetDay,
}

impl SenseLinkRule {
    /// A rule with these settings.
    pub fn new(mode: SenseLinkMode, target_day: TargetDay) -> Self {
        SenseLinkRule { mode, target_day }
    }

    /// A scheduled run on `run_date` (JST): syncs the work date
    /// [`TargetDay::work_date`] gives.
    pub fn apply<'a>(
        &self,
        run_date: NaiveDate,
        records: &'a [Recognition],
        borders: &(impl DayBorders + ?Sized),
    ) -> RuleOutput<'a, Recognition> {
        self.apply_to_work_date(self.target_day.work_date(run_date), records, borders)
    }

    /// A manual run for `work_date` (the manual's 「日付」 field).
    ///
    /// One pass over the records, in any order: each employee's first and
    /// last recognition of `work_date` are kept as they go by (instant,
    /// then record id, then input position). Punches are ordered by
    /// employee code, then time (the 出勤 first when both share an instant).
    pub fn apply_to_work_date<'a>(
        &self,
        work_date: NaiveDate,
        records: &'a [Recognition],
        borders: &(impl DayBorders + ?Sized),
    ) -> RuleOutput<'a, Recognition> {
        let target = day_number_of(work_date);
        let mut out = RuleOutput::new(records, Slot::NotFirstOrLast);
        let mut interner: Interner<'a, Day> = Interner::new();
        // The work day of each employee with a border on a fraction of a
        // second (rare), by dense index.
        let mut fractional: Vec<(usize, WorkDay)> = Vec::new();
        let mut dense_of_block = Vec::with_capacity(BLOCK);
        let blocks = records.chunks(BLOCK).zip(out.slots_mut().chunks_mut(BLOCK));
        for (block, (records_of_block, slots)) in blocks.enumerate() {
            interner.dense_of_block(
                records_of_block.iter().map(|r| &r.employee),
                &mut dense_of_block,
                |dense, code| {
                    let work_day = WorkDay::of(borders.border_for(code));
                    if !work_day.is_whole_second() {
                        fractional.push((dense, work_day));
                    }
                    Day::new(work_day.start_secs(work_date), work_day.is_whole_second())
                },
            );
            let first_index = block * BLOCK;
            for (offset, ((r, slot), &dense)) in records_of_block
                .iter()
                .zip(slots.iter_mut())
                .zip(&dense_of_block)
                .enumerate()
            {
                let index = first_index + offset;
                let Some(day) = interner.state_mut(dense) else {
                    continue;
                };
                let at = Instant::of(&r.at);
                let Some(since) = at.secs.checked_sub(day.start) else {
                    *slot = Slot::OutsideWindow;
                    continue;
                };
                let on = if day.whole_second {
                    (0..SECONDS_PER_DAY).contains(&since)
                } else {
                    // Pushed in dense order.
                    fractional
                        .binary_search_by_key(&dense, |&(d, _)| d)
                        .ok()
                        .and_then(|at| fractional.get(at))
                        .is_some_and(|(_, work_day)| {
                            work_day.day_number(at.secs, || &r.at) == target
                        })
                };
                let Some(since) = u64::try_from(since).ok().filter(|_| on) else {
                    *slot = Slot::OutsideWindow;
                    continue;
                };
                // Nanoseconds (up to 1,999,999,999 in a leap second) fit in
                // 31 bits, and a day's seconds in the rest.
                let time = (since << 31) | u64::from(at.nanos);
                let id = |index: usize| records.get(index).map(|r| r.id);
                // The ids are read only on a tie.
                let before = |time_a: u64, a: usize, time_b: u64, b: usize| {
                    time_a
                        .cmp(&time_b)
                        .then_with(|| (id(a), a).cmp(&(id(b), b)))
                        .is_lt()
                };
                if day.first == Day::NONE || before(time, index, day.first_time, day.first) {
                    day.first = index;
                    day.first_time = time;
                }
                if day.last == Day::NONE || before(day.last_time, day.last, time, index) {
                    day.last = index;
                    day.last_time = time;
                }
            }
        }

        out.drafts_mut().reserve(2 * interner.len());
        for dense in interner.by_code() {
            let Some((_, day)) = interner.get(dense) else {
                continue;
            };
            if day.first == Day::NONE {
                continue;
            }
            out.push_punch(day.first, PunchKind::ClockIn, work_date);
            let last = day.last;
            match (records.get(last), self.mode) {
                (Some(_), SenseLinkMode::ClockInAndOut) if last != day.first => {
                    out.push_punch(last, PunchKind::ClockOut, work_date);
                }
                (Some(_), SenseLinkMode::ClockInOnly) if last != day.first => {
                    out.set(last, Slot::ClockOutNotSynced);
                }
                _ => {}
            }
        }
        out.finish()
    }
}

/// One employee's target work date: its first and last recognition so far
/// (input positions, [`Day::NONE`] before the first), with their times
/// since the day's start (seconds in the high bits, nanoseconds in the low
/// 31). Equal times are ordered by record id (read from the records), then
/// input position.
struct Day {
    /// The epoch second the target date starts in (its border's whole
    /// second).
    start: i64,
    first_time: u64,
    last_time: u64,
    first: usize,
    last: usize,
    /// Whether the border is on a whole second (else the employee's work
    /// day is in the rule's `fractional` list).
    whole_second: bool,
}

impl Day {
    const NONE: usize = usize::MAX;

    fn new(start: i64, whole_second: bool) -> Self {
        Day {
            start,
            first_time: 0,
            last_time: 0,
            first: Self::NONE,
            last: Self::NONE,
            whole_second,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::rules::testing::Rows;
    #[allow(unused_imports)]
    use crate::rules::{IgnoreReason, Ignored};
    use crate::time::DayBorder;
    use proptest::prelude::*;

    fn at(d: u32, h: u32, m: u32) -> DateTime<FixedOffset> {
        jst().with_ymd_and_hms(2026, 4, d, h, m, 0).unwrap()
    }

    fn date(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 4, d).unwrap()
    }

    type Summary = (Vec<(String, &'static str, String)>, Vec<(String, String)>);

    fn summary(out: &Rows) -> Summary {
        (
            out.punches
                .iter()
                .map(|p| {
                    (
                        p.source.record_id.to_string(),
                        p.kind.label_ja(),
                        p.at.format("%d %H:%M").to_string(),
                    )
                })
                .collect(),
            out.ignored
                .iter()
                .map(|i| (i.source.record_id.to_string(), i.reason.to_string()))
                .collect(),
        )
    }

    fn day_of_2022() -> Vec<Recognition> {
        vec![
            Recognition::new(3, "2022", at(2, 12, 10)),
            Recognition::new(1, "2022", at(2, 8, 55)),
            Recognition::new(4, "2022", at(2, 18, 5)),
            Recognition::new(2, "2022", at(2, 9, 1)),
        ]
    }

    #[test]
    fn clock_in_and_out_takes_first_and_last_of_the_day() {
        let rule = SenseLinkRule::new(SenseLinkMode::ClockInAndOut, TargetDay::PreviousDay);
        // Run on the 3rd at 3:00, 前日: the 2nd.
        let out = rule
            .apply(date(3), &day_of_2022(), &DayBorder::MIDNIGHT)
            .rows();
        let (punches, ignored) = summary(&out);
        assert_eq!(
            punches,
            [
                ("1".into(), "出勤", "02 08:55".into()),
                ("4".into(), "退勤", "02 18:05".into())
            ]
        );
        let reasons: Vec<_> = ignored.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(reasons, ["2", "3"]);
        assert!(
            out.ignored
                .iter()
                .all(|i| i.reason == IgnoreReason::NotFirstOrLast)
        );
        assert!(
            out.punches
                .iter()
                .all(|p| p.work_date == date(2) && p.key.is_none())
        );
    }

    #[test]
    fn clock_in_only_never_sends_the_clock_out() {
        let rule = SenseLinkRule::new(SenseLinkMode::ClockInOnly, TargetDay::SameDay);
        // Run on the 2nd at 23:00, 当日.
        let out = rule
            .apply(date(2), &day_of_2022(), &DayBorder::MIDNIGHT)
            .rows();
        assert_eq!(out.punches.len(), 1);
        assert_eq!(out.punches[0].kind, PunchKind::ClockIn);
        assert_eq!(out.punches[0].source.record_id, "1");
        let last = out
            .ignored
            .iter()
            .find(|i| i.source.record_id == "4")
            .unwrap();
        assert_eq!(last.reason, IgnoreReason::ClockOutNotSynced);
        assert_eq!(out.ignored.len(), 3);
    }

    #[test]
    fn a_single_recognition_is_only_the_clock_in() {
        let rule = SenseLinkRule::default();
        let out = rule
            .apply_to_work_date(
                date(2),
                &[Recognition::new(9, "2021", at(2, 9, 0))],
                &DayBorder::MIDNIGHT,
            )
            .rows();
        assert_eq!(out.punches.len(), 1);
        assert_eq!(out.punches[0].kind, PunchKind::ClockIn);
        assert!(out.ignored.is_empty());
    }

    #[test]
    fn previous_and_same_day_choose_the_window() {
        let records = vec![
            Recognition::new(1, "2020", at(1, 9, 0)),
            Recognition::new(2, "2020", at(2, 9, 0)),
            Recognition::new(3, "2020", at(3, 9, 0)),
        ];
        for (target, kept) in [(TargetDay::PreviousDay, "2"), (TargetDay::SameDay, "3")] {
            let rule = SenseLinkRule::new(SenseLinkMode::ClockInAndOut, target);
            let out = rule.apply(date(3), &records, &DayBorder::MIDNIGHT).rows();
            assert_eq!(out.punches.len(), 1, "{target:?}");
            assert_eq!(out.punches[0].source.record_id, kept);
            assert_eq!(out.ignored.len(), 2);
            assert!(
                out.ignored
                    .iter()
                    .all(|i| i.reason == IgnoreReason::OutsideWindow)
            );
        }
        assert_eq!(TargetDay::PreviousDay.label_ja(), "前日");
        assert_eq!(
            TargetDay::run_date(&chrono::Utc.with_ymd_and_hms(2026, 4, 2, 18, 0, 0).unwrap()),
            date(3)
        );
    }

    #[test]
    fn ties_at_one_instant_are_broken_by_record_id() {
        let records = vec![
            Recognition::new(20, "1", at(2, 9, 0)),
            Recognition::new(10, "1", at(2, 9, 0)),
            Recognition::new(30, "1", at(2, 9, 0)),
        ];
        let out = SenseLinkRule::default()
            .apply_to_work_date(date(2), &records, &DayBorder::MIDNIGHT)
            .rows();
        assert_eq!(out.punches[0].source.record_id, "10");
        assert_eq!(out.punches[1].source.record_id, "30");
        assert_eq!(out.ignored[0].source.record_id, "20");
    }

    #[test]
    fn sign_time_is_epoch_seconds_in_jst() {
        // The reference's example: 1607397229 = 2020-12-08 12:13:49 JST.
        let r = Recognition::from_sign_time(1392523, "2022", 1_607_397_229).unwrap();
        assert_eq!(r.at.to_rfc3339(), "2020-12-08T12:13:49+09:00");
        assert!(Recognition::from_sign_time(1, "x", i64::MAX).is_none());
    }

    #[test]
    fn work_dates_around_midnight_and_a_five_oclock_border() {
        let five: DayBorder = "05:00".parse().unwrap();
        let records = vec![
            Recognition::new(1, "7", at(2, 23, 59)),
            Recognition::new(2, "7", at(3, 0, 0)),
            Recognition::new(3, "7", at(3, 4, 59)),
            Recognition::new(4, "7", at(3, 5, 0)),
        ];
        let rule = SenseLinkRule::default();
        // With a 05:00 border, 23:59, 00:00 and 04:59 belong to the 2nd.
        let out = rule.apply_to_work_date(date(2), &records, &five).rows();
        let (punches, _) = summary(&out);
        assert_eq!(
            punches,
            [
                ("1".into(), "出勤", "02 23:59".into()),
                ("3".into(), "退勤", "03 04:59".into())
            ]
        );
        assert_eq!(out.ignored.len(), 2);
        let out = rule.apply_to_work_date(date(3), &records, &five).rows();
        assert_eq!(out.punches.len(), 1);
        assert_eq!(out.punches[0].source.record_id, "4");
        // At midnight, 00:00 starts the 3rd.
        let out = rule
            .apply_to_work_date(date(3), &records, &DayBorder::MIDNIGHT)
            .rows();
        let ids: Vec<_> = out
            .punches
            .iter()
            .map(|p| p.source.record_id.as_str())
            .collect();
        assert_eq!(ids, ["2", "4"]);
    }

    fn arb_records() -> impl Strategy<Value = Vec<Recognition>> {
        proptest::collection::vec((0i64..60, 0u8..4, 0i64..(4 * 24 * 60)), 0..60).prop_map(|rows| {
            let base = at(1, 0, 0);
            rows.into_iter()
                .enumerate()
                .map(|(n, (id_hi, who, minute))| {
                    // Unique ids; some share an instant.
                    Recognition::new(
                        id_hi * 1000 + n as i64,
                        format!("{who}"),
                        base + chrono::Duration::minutes(minute),
                    )
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn every_record_is_accounted_for_exactly_once(
            records in arb_records(),
            clock_in_only in any::<bool>(),
            day in 1u32..5,
            border_hour in 0u32..7,
        ) {
            let border = DayBorder::new(chrono::NaiveTime::from_hms_opt(border_hour, 0, 0).unwrap());
            let mode = if clock_in_only { SenseLinkMode::ClockInOnly } else { SenseLinkMode::ClockInAndOut };
            let out = SenseLinkRule::new(mode, TargetDay::SameDay).apply(date(day), &records, &border).rows();
            let mut seen: Vec<String> = out.punches.iter().map(|p| p.source.record_id.to_string())
                .chain(out.ignored.iter().map(|i| i.source.record_id.to_string()))
                .collect();
            seen.sort();
            let mut all: Vec<String> = records.iter().map(|r| r.id.to_string()).collect();
            all.sort();
            prop_assert_eq!(seen, all);
            for p in &out.punches {
                prop_assert_eq!(p.work_date, date(day));
                prop_assert_eq!(border.work_date(&p.at), date(day));
            }
        }

        #[test]
        fn input_order_does_not_change_the_result(
            records in arb_records(),
            seed in any::<u64>(),
        ) {
            let mut shuffled = records.clone();
            // A deterministic permutation from the seed.
            let n = shuffled.len();
            for i in (1..n).rev() {
                let j = (seed.wrapping_mul(6364136223846793005).wrapping_add(i as u64) % (i as u64 + 1)) as usize;
                shuffled.swap(i, j);
            }
            let five: DayBorder = "05:00".parse().unwrap();
            let rule = SenseLinkRule::default();
            prop_assert_eq!(
                rule.apply_to_work_date(date(2), &records, &five).rows(),
                rule.apply_to_work_date(date(2), &shuffled, &five).rows()
            );
        }
    }
}
