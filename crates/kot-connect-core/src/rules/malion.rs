//! MaLion: PC operation logs → 出勤 / 退勤.
//!
//! Two sources disagree on how PC logs become punches, so the rule offers
//! both as a [`MaLionPolicy`]:
//!
//! - [`MaLionPolicy::LogonLogoff`], the MaLion integration manual
//!   (「連携サービス MaLion 連携設定マニュアル」 §1.1, §5.2.2): only ログオン and
//!   ログオフ are punched, a logon as 出勤 and a logoff as 退勤. Per employee
//!   and work date the **first logon** is the 出勤 and the **last logoff**
//!   not before it is the 退勤; other logons and logoffs are
//!   [`IgnoreReason::NotFirstOrLast`](super::IgnoreReason::NotFirstOrLast) (KOT keeps one 出勤 and one 退勤 a day).
//!   Lock, unlock, user switch and unknown events are
//!   [`IgnoreReason::NotSynced`](super::IgnoreReason::NotSynced).
//! - [`MaLionPolicy::FirstLastOfDay`], KOT's own PC-log rule (システムログ):
//!   the first log of the work day, whatever its type, is the 出勤 and the
//!   last is the 退勤. Unknown event types are still
//!   [`IgnoreReason::NotSynced`](super::IgnoreReason::NotSynced): only the six KOT names count.
//!
//! MaLion's relay can deliver one log twice: logs of one employee with the
//! same instant, computer and event are duplicates; the one with the
//! smallest id is kept and the others are [`IgnoreReason::Duplicate`](super::IgnoreReason::Duplicate).
//! The logoff at shutdown reaches KOT a day or more later, so a day without
//! a 退勤 is normal and the next run adds it.
//!
//! Work dates are the JST date under each employee's day border.

use std::cmp::Ordering;
use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use super::grouping::{BLOCK, Instant, Interner, WorkDay};
use super::{DayBorders, Draft, RuleOutput, RuleRecord, Slot};
use crate::EmployeeCode;
use crate::punch::{PunchKind, SourceRef, SourceSystem};

/// The type of a PC operation log (ログ種別).
///
/// The Japanese names are KOT システムログ's; the MaLion WebAPI's own
/// spelling is not public (provisional): [`PcEvent::from_name`] also accepts
/// English names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PcEvent {
    /// ログオン.
    Logon,
    /// ログオフ.
    Logoff,
    /// ロック.
    Lock,
    /// アンロック.
    Unlock,
    /// ユーザー切替(connect).
    UserSwitchConnect,
    /// ユーザー切替(disconnect).
    UserSwitchDisconnect,
    /// ユーザー切替, as MaLion's own log names it (without the direction).
    UserSwitch,
    /// A type this crate does not know, kept as received.
    Unknown(String),
}

impl PcEvent {
    /// The event of a log type name: the Japanese names (`ログオン`,
    /// `ログオフ`, `ロック`, `アンロック`, `ユーザー切替(connect)`,
    /// `ユーザー切替(disconnect)`, and MaLion's `ユーザー切替`) or English
    /// ones (`logon`, `logoff`, `lock`, `unlock`, `user_switch_connect`,
    /// `user_switch_disconnect`, `user_switch`, any case); anything else is
    /// [`PcEvent::Unknown`].
    pub fn from_name(name: &str) -> Self {
        let trimmed = name.trim();
        match trimmed {
            "ログオン" => return PcEvent::Logon,
            "ログオフ" => return PcEvent::Logoff,
            "ロック" => return PcEvent::Lock,
            "アンロック" => return PcEvent::Unlock,
            "ユーザー切替(connect)" => return PcEvent::UserSwitchConnect,
            "ユーザー切替(disconnect)" => return PcEvent::UserSwitchDisconnect,
            "ユーザー切替" => return PcEvent::UserSwitch,
            _ => {}
        }
        match trimmed.to_ascii_lowercase().as_str() {
            "logon" | "login" => PcEvent::Logon,
            "logoff" | "logout" => PcEvent::Logoff,
            "lock" => PcEvent::Lock,
            "unlock" => PcEvent::Unlock,
            "user_switch_connect" => PcEvent::UserSwitchConnect,
            "user_switch_disconnect" => PcEvent::UserSwitchDisconnect,
            "user_switch" => PcEvent::UserSwitch,
            _ => PcEvent::Unknown(name.to_owned()),
        }
    }

    /// The name reports show: the KOT Japanese name, or the unknown name as
    /// received.
    pub fn name(&self) -> &str {
        match self {
            PcEvent::Logon => "ログオン",
            PcEvent::Logoff => "ログオフ",
            PcEvent::Lock => "ロック",
            PcEvent::Unlock => "アンロック",
            PcEvent::UserSwitchConnect => "ユーザー切替(connect)",
            PcEvent::UserSwitchDisconnect => "ユーザー切替(disconnect)",
            PcEvent::UserSwitch => "ユーザー切替",
            PcEvent::Unknown(name) => name,
        }
    }
}

impl fmt::Display for PcEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One PC operation log, already matched to a KOT employee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PcLog {
    /// The log's id in MaLion (stable across fetches).
    pub id: String,
    /// The KOT employee code its user name (サービスアカウント) matched.
    pub employee: EmployeeCode,
    /// The log type.
    pub event: PcEvent,
    /// When it happened (the operation time, not the DB time).
    pub at: DateTime<FixedOffset>,
    /// コンピューター名: the PC.
    pub computer: String,
}

impl PcLog {
    /// A log of `employee` at `at`.
    pub fn new(
        id: impl Into<String>,
        employee: impl Into<EmployeeCode>,
        event: PcEvent,
        at: DateTime<FixedOffset>,
        computer: impl Into<String>,
    ) -> Self {
        PcLog {
            id: id.into(),
            employee: employee.into(),
            event,
            at,
            computer: computer.into(),
        }
    }
}

impl RuleRecord for PcLog {
    fn source(&self) -> SourceRef {
        SourceRef::new(SourceSystem::MaLion, self.id.as_str())
    }

    fn employee(&self) -> &EmployeeCode {
        &self.employee
    }

    /// The event's name ([`PcEvent::name`]).
    fn status_name(&self) -> &str {
        self.event.name()
    }

    fn at(&self) -> DateTime<FixedOffset> {
        self.at
    }
}

/// Which logs become punches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaLionPolicy {
    /// The MaLion manual: first logon → 出勤, last logoff → 退勤.
    #[default]
    LogonLogoff,
    /// KOT's PC-log rule: first log of the work day → 出勤, last → 退勤.
    FirstLastOfDay,
}

/// The MaLion rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct MaLionRule {
    /// The policy.
    pub policy: MaLionPolicy,
}

impl MaLionRule {
    /// A rule with `policy`.
    pub fn new(policy: MaLionPolicy) -> Self {
        MaLionRule { policy }
    }

    /// Applies the rule to `logs` of any work dates.
    ///
    /// One pass over the logs in time order (the order MaLion delivers them
    /// in; other input is put in time order first, by an index sort): each
    /// employee's current work day keeps its first and last candidate as the
    /// logs go by, and relay copies are found among the logs of one instant.
    /// Punches are ordered by employee code, then work date, 出勤 before 退勤
    /// (that is, by time).
    pub fn apply<'a>(
        &self,
        logs: &'a [PcLog],
        borders: &(impl DayBorders + ?Sized),
    ) -> RuleOutput<'a, PcLog> {
        let in_input_order = self.pass(logs, borders, 0..logs.len(), |previous, next| {
            if next < previous { Err(()) } else { Ok(()) }
        });
        if let Ok(out) = in_input_order {
            return out;
        }
        let mut by_time: Vec<(Instant, usize)> = logs
            .iter()
            .enumerate()
            .map(|(index, log)| (Instant::of(&log.at), index))
            .collect();
        by_time.sort_unstable();
        let Ok(out) = self.pass(
            logs,
            borders,
            by_time.into_iter().map(|(_, index)| index),
            |_, _| Ok::<(), std::convert::Infallible>(()),
        );
        out
    }

    /// The pass over `logs` in `order`, which must be in time order: `check`
    /// sees each instant after the one before and may stop the pass.
    fn pass<'a, E>(
        &self,
        logs: &'a [PcLog],
        borders: &(impl DayBorders + ?Sized),
        order: impl Iterator<Item = usize>,
        check: impl Fn(Instant, Instant) -> Result<(), E>,
    ) -> Result<RuleOutput<'a, PcLog>, E> {
        let mut out = RuleOutput::new(logs, Slot::NotFirstOrLast);
        let mut interner: Interner<'a, Employee> = Interner::new();
        let mut punched: Vec<Punched> = Vec::new();
        // The logs at the current instant, for relay copies.
        let mut same_instant: Vec<usize> = Vec::new();
        let mut previous: Option<Instant> = None;
        // A block of logs at a time: each log is checked for time order,
        // relay copies and whether it counts; only the logs that count are
        // looked up in the employee table (see `Interner::dense_of_block`)
        // and go to their employee's day. A log that never becomes a punch
        // changes no day: a day is closed when the next one that counts
        // arrives, or at the end, with the same punches.
        let mut order = order.filter(|&index| index < logs.len());
        let mut block: Vec<usize> = Vec::with_capacity(BLOCK);
        let mut counting: Vec<(usize, Instant, bool, bool)> = Vec::with_capacity(BLOCK);
        let mut dense_of_block: Vec<usize> = Vec::with_capacity(BLOCK);
        loop {
            block.clear();
            block.extend(order.by_ref().take(BLOCK));
            if block.is_empty() {
                break;
            }
            counting.clear();
            for &index in &block {
                let Some(log) = logs.get(index) else {
                    continue;
                };
                let at = Instant::of(&log.at);
                if let Some(previous) = previous {
                    check(previous, at)?;
                    if previous != at {
                        mark_copies(logs, &mut same_instant, &mut out);
                    }
                }
                previous = Some(at);
                same_instant.push(index);
                let (counts_in, counts_out) = self.counts(&log.event);
                if counts_in || counts_out {
                    counting.push((index, at, counts_in, counts_out));
                } else {
                    out.set(index, Slot::NotSynced);
                }
            }
            interner.dense_of_block(
                counting.iter().map(|&(index, ..)| &logs[index].employee),
                &mut dense_of_block,
                |_, code| Employee::new(WorkDay::of(borders.border_for(code))),
            );
            for (&(index, at, counts_in, counts_out), &dense) in
                counting.iter().zip(&dense_of_block)
            {
                let (Some(log), Some(employee)) = (logs.get(index), interner.state_mut(dense))
                else {
                    continue;
                };
                let day = employee.work_day.day_number(at.secs, || &log.at);
                if employee.day != Some(day) {
                    employee.close(logs, dense, &mut punched);
                    employee.day = Some(day);
                }
                let candidate = Candidate { at, index };
                if counts_in
                    && employee
                        .first_in
                        .is_none_or(|first| candidate.cmp_in(first, logs) == Ordering::Less)
                {
                    employee.first_in = Some(candidate);
                }
                if counts_out
                    && employee
                        .last_out
                        .is_none_or(|last| candidate.cmp_out(last, logs) == Ordering::Greater)
                {
                    employee.last_out = Some(candidate);
                }
            }
        }
        mark_copies(logs, &mut same_instant, &mut out);
        for (dense, employee) in interner.states_mut().enumerate() {
            employee.close(logs, dense, &mut punched);
        }

        // By employee code: a counting sort by rank keeps each employee's
        // punches in time order.
        let ranks = interner.ranks();
        let mut starts = vec![0usize; ranks.len() + 1];
        for &(dense, ..) in &punched {
            if let Some(&rank) = ranks.get(dense) {
                starts[rank + 1] += 1;
            }
        }
        for rank in 0..ranks.len() {
            starts[rank + 1] += starts[rank];
        }
        let drafts = out.drafts_mut();
        drafts.clear();
        drafts.resize(
            punched.len(),
            Draft {
                index: 0,
                kind: PunchKind::ClockIn,
                work_date: NaiveDate::MIN,
            },
        );
        for &(dense, index, kind, work_date) in &punched {
            let Some(place) = ranks.get(dense).and_then(|&rank| starts.get_mut(rank)) else {
                continue;
            };
            if let Some(draft) = drafts.get_mut(*place) {
                *draft = Draft {
                    index,
                    kind,
                    work_date,
                };
            }
            *place += 1;
        }
        for &(_, index, ..) in &punched {
            out.set(index, Slot::Punched);
        }
        Ok(out.finish())
    }

    /// Whether a log of `event` can be the 出勤 and the 退勤.
    fn counts(&self, event: &PcEvent) -> (bool, bool) {
        match self.policy {
            MaLionPolicy::LogonLogoff => (*event == PcEvent::Logon, *event == PcEvent::Logoff),
            MaLionPolicy::FirstLastOfDay => {
                let known = !matches!(event, PcEvent::Unknown(_));
                (known, known)
            }
        }
    }
}

/// A punch to be: (employee's dense index, log, kind, work date).
type Punched = (usize, usize, PunchKind, NaiveDate);

/// A log that may become a punch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Candidate {
    at: Instant,
    index: usize,
}

impl Candidate {
    /// The order of one employee's logs: instant, PC, event, id, then input
    /// position (relay copies are adjacent, the smallest id first).
    fn cmp_in(self, other: Candidate, logs: &[PcLog]) -> Ordering {
        self.at.cmp(&other.at).then_with(|| {
            match (logs.get(self.index), logs.get(other.index)) {
                (Some(a), Some(b)) => tie(a, b),
                _ => Ordering::Equal,
            }
            .then(self.index.cmp(&other.index))
        })
    }

    /// The order for the last log: [`Candidate::cmp_in`] between different
    /// logs, but of the copies of one log the kept one (the first in
    /// `cmp_in`) is the greatest, so that the last log is a kept copy.
    fn cmp_out(self, other: Candidate, logs: &[PcLog]) -> Ordering {
        self.at.cmp(&other.at).then_with(|| {
            let (Some(a), Some(b)) = (logs.get(self.index), logs.get(other.index)) else {
                return Ordering::Equal;
            };
            a.computer
                .cmp(&b.computer)
                .then_with(|| a.event.cmp(&b.event))
                .then_with(|| b.id.cmp(&a.id))
                .then(other.index.cmp(&self.index))
        })
    }
}

/// One employee's current work day.
struct Employee {
    work_day: WorkDay,
    day: Option<i64>,
    first_in: Option<Candidate>,
    last_out: Option<Candidate>,
}

impl Employee {
    fn new(work_day: WorkDay) -> Self {
        Employee {
            work_day,
            day: None,
            first_in: None,
            last_out: None,
        }
    }

    /// Ends the current day: its first 出勤 candidate, and its last 退勤
    /// candidate when after it, become punches.
    fn close(&mut self, logs: &[PcLog], dense: usize, punched: &mut Vec<Punched>) {
        let (Some(day), first_in, last_out) =
            (self.day.take(), self.first_in.take(), self.last_out.take())
        else {
            return;
        };
        let Some(log) = first_in.or(last_out).and_then(|any| logs.get(any.index)) else {
            return;
        };
        let date = self.work_day.date(day, || &log.at);
        if let Some(first) = first_in {
            punched.push((dense, first.index, PunchKind::ClockIn, date));
        }
        if let Some(last) = last_out
            && first_in.is_none_or(|first| last.cmp_in(first, logs) == Ordering::Greater)
        {
            punched.push((dense, last.index, PunchKind::ClockOut, date));
        }
    }
}

/// Marks the relay copies among `same_instant` (the input positions of
/// the logs of one instant): logs of one employee with the same PC and
/// event are one log, and the first in [`tie`] order is kept. Empties
/// `same_instant`.
fn mark_copies(logs: &[PcLog], same_instant: &mut Vec<usize>, out: &mut RuleOutput<'_, PcLog>) {
    let employee = |index: usize| logs.get(index).map(|log| &log.employee);
    let shares_an_employee = match same_instant.len() {
        0 | 1 => false,
        2..=8 => same_instant.iter().enumerate().any(|(i, &a)| {
            same_instant[..i]
                .iter()
                .any(|&b| employee(a) == employee(b))
        }),
        _ => true,
    };
    if shares_an_employee {
        let key = |&index: &usize| {
            logs.get(index)
                .map(|log| (&log.employee, &log.computer, &log.event, &log.id, index))
        };
        same_instant.sort_unstable_by(|a, b| key(a).cmp(&key(b)));
        let mut kept = 0;
        for i in 1..same_instant.len() {
            let (a, b) = (same_instant[kept], same_instant[i]);
            let copy = matches!((logs.get(a), logs.get(b)), (Some(x), Some(y))
                if x.employee == y.employee && x.computer == y.computer && x.event == y.event);
            if copy {
                out.set_duplicate(b, a);
            } else {
                kept = i;
            }
        }
    }
    same_instant.clear();
}

/// After employee and instant: PC, event, then id, so duplicates are
/// adjacent and the smallest id comes first.
fn tie(a: &PcLog, b: &PcLog) -> Ordering {
    a.computer
        .cmp(&b.computer)
        .then_with(|| a.event.cmp(&b.event))
        .then_with(|| a.id.cmp(&b.id))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::rules::testing::Rows;
    #[allow(unused_imports)]
    use crate::rules::{IgnoreReason, Ignored};
    use crate::time::{DayBorder, jst};
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn at(d: u32, h: u32, m: u32) -> DateTime<FixedOffset> {
        jst().with_ymd_and_hms(2026, 12, d, h, m, 0).unwrap()
    }

    fn log(id: &str, who: &str, event: &str, when: DateTime<FixedOffset>, pc: &str) -> PcLog {
        PcLog::new(id, who, PcEvent::from_name(event), when, pc)
    }

    fn kinds(out: &Rows) -> Vec<(&str, &'static str, String)> {
        out.punches
            .iter()
            .map(|p| {
                (
                    p.source.record_id.as_str(),
                    p.kind.label_ja(),
                    p.at.format("%m/%d %H:%M").to_string(),
                )
            })
            .collect()
    }

    fn reason_of<'a>(out: &'a Rows, id: &str) -> &'a IgnoreReason {
        &out.ignored
            .iter()
            .find(|i| i.source.record_id == id)
            .unwrap()
            .reason
    }

    /// The manual's 日別データ example: PC12/17 09:03 出勤, PC12/17 18:22 退勤,
    /// with a lock and unlock at lunch.
    fn manual_day() -> Vec<PcLog> {
        vec![
            log("a", "1000", "ログオフ", at(17, 18, 22), "PC-01"),
            log("b", "1000", "ロック", at(17, 12, 0), "PC-01"),
            log("c", "1000", "ログオン", at(17, 9, 3), "PC-01"),
            log("d", "1000", "アンロック", at(17, 13, 0), "PC-01"),
        ]
    }

    #[test]
    fn logon_logoff_follows_the_manual() {
        let out = MaLionRule::new(MaLionPolicy::LogonLogoff)
            .apply(&manual_day(), &DayBorder::MIDNIGHT)
            .rows();
        assert_eq!(
            kinds(&out),
            [
                ("c", "出勤", "12/17 09:03".into()),
                ("a", "退勤", "12/17 18:22".into())
            ]
        );
        assert_eq!(
            reason_of(&out, "b"),
            &IgnoreReason::NotSynced {
                name: "ロック".into()
            }
        );
        assert_eq!(
            reason_of(&out, "d"),
            &IgnoreReason::NotSynced {
                name: "アンロック".into()
            }
        );
    }

    #[test]
    fn first_last_of_day_counts_every_known_log() {
        let mut logs = manual_day();
        logs.push(log("e", "1000", "ロック", at(17, 19, 0), "PC-01"));
        logs.push(log("f", "1000", "screensaver", at(17, 20, 0), "PC-01"));
        let out = MaLionRule::new(MaLionPolicy::FirstLastOfDay)
            .apply(&logs, &DayBorder::MIDNIGHT)
            .rows();
        assert_eq!(
            kinds(&out),
            [
                ("c", "出勤", "12/17 09:03".into()),
                ("e", "退勤", "12/17 19:00".into())
            ]
        );
        assert_eq!(reason_of(&out, "a"), &IgnoreReason::NotFirstOrLast);
        assert_eq!(
            reason_of(&out, "f"),
            &IgnoreReason::NotSynced {
                name: "screensaver".into()
            }
        );
        // The manual's policy ignores the late lock.
        let out = MaLionRule::new(MaLionPolicy::LogonLogoff)
            .apply(&logs, &DayBorder::MIDNIGHT)
            .rows();
        assert_eq!(out.punches[1].source.record_id, "a");
    }

    #[test]
    fn relay_duplicates_are_removed_keeping_the_smallest_id() {
        let logs = vec![
            log("9", "1000", "ログオン", at(17, 9, 3), "PC-01"),
            log("5", "1000", "ログオン", at(17, 9, 3), "PC-01"),
            log("7", "1000", "ログオン", at(17, 9, 3), "PC-01"),
        ];
        let out = MaLionRule::default()
            .apply(&logs, &DayBorder::MIDNIGHT)
            .rows();
        assert_eq!(kinds(&out), [("5", "出勤", "12/17 09:03".into())]);
        let kept = SourceRef::new(SourceSystem::MaLion, "5");
        assert_eq!(
            reason_of(&out, "7"),
            &IgnoreReason::Duplicate { kept: kept.clone() }
        );
        assert_eq!(reason_of(&out, "9"), &IgnoreReason::Duplicate { kept });
    }

    #[test]
    fn a_shared_user_name_on_two_pcs_is_not_a_duplicate() {
        // Manual 5.2.1: the same user name on two PCs merges two people's
        // logs. They are different logs; matching reports the hazard when
        // the link table is ambiguous, the rule only keeps them apart.
        let logs = vec![
            log("1", "1000", "ログオン", at(17, 8, 0), "PC-A"),
            log("2", "1000", "ログオン", at(17, 8, 0), "PC-B"),
            log("3", "1000", "ログオフ", at(17, 17, 0), "PC-B"),
            log("4", "1000", "ログオフ", at(17, 21, 0), "PC-A"),
        ];
        let out = MaLionRule::default()
            .apply(&logs, &DayBorder::MIDNIGHT)
            .rows();
        assert_eq!(
            kinds(&out),
            [
                ("1", "出勤", "12/17 08:00".into()),
                ("4", "退勤", "12/17 21:00".into())
            ]
        );
        assert_eq!(reason_of(&out, "2"), &IgnoreReason::NotFirstOrLast);
        assert_eq!(reason_of(&out, "3"), &IgnoreReason::NotFirstOrLast);
    }

    #[test]
    fn a_missing_logoff_or_one_before_the_logon_gives_no_clock_out() {
        let out = MaLionRule::default()
            .apply(
                &[
                    log("1", "1000", "ログオフ", at(17, 0, 30), "PC"),
                    log("2", "1000", "ログオン", at(17, 9, 0), "PC"),
                ],
                &DayBorder::MIDNIGHT,
            )
            .rows();
        assert_eq!(kinds(&out), [("2", "出勤", "12/17 09:00".into())]);
        assert_eq!(reason_of(&out, "1"), &IgnoreReason::NotFirstOrLast);
        // A logoff alone (the 出勤 came from elsewhere) is the 退勤.
        let out = MaLionRule::default()
            .apply(
                &[log("3", "1000", "logoff", at(18, 18, 0), "PC")],
                &DayBorder::MIDNIGHT,
            )
            .rows();
        assert_eq!(kinds(&out), [("3", "退勤", "12/18 18:00".into())]);
    }

    #[test]
    fn work_days_follow_the_border() {
        let five: DayBorder = "05:00".parse().unwrap();
        let logs = vec![
            log("1", "1000", "ログオン", at(17, 23, 59), "PC"),
            log("2", "1000", "ログオフ", at(18, 0, 0), "PC"),
            log("3", "1000", "ログオフ", at(18, 4, 59), "PC"),
            log("4", "1000", "ログオン", at(18, 5, 0), "PC"),
        ];
        let out = MaLionRule::default().apply(&logs, &five).rows();
        let got: Vec<_> = out
            .punches
            .iter()
            .map(|p| (p.source.record_id.as_str(), p.kind, p.work_date.to_string()))
            .collect();
        assert_eq!(
            got,
            [
                ("1", PunchKind::ClockIn, "2026-12-17".into()),
                ("3", PunchKind::ClockOut, "2026-12-17".into()),
                ("4", PunchKind::ClockIn, "2026-12-18".into()),
            ]
        );
        assert_eq!(reason_of(&out, "2"), &IgnoreReason::NotFirstOrLast);
    }

    #[test]
    fn event_names_round_trip() {
        for name in [
            "ログオン",
            "ログオフ",
            "ロック",
            "アンロック",
            "ユーザー切替(connect)",
            "ユーザー切替(disconnect)",
            "ユーザー切替",
        ] {
            let event = PcEvent::from_name(name);
            assert!(!matches!(event, PcEvent::Unknown(_)), "{name}");
            assert_eq!(event.to_string(), name);
        }
        assert_eq!(PcEvent::from_name("LogOn"), PcEvent::Logon);
        assert_eq!(PcEvent::from_name("user_switch"), PcEvent::UserSwitch);
        assert_eq!(PcEvent::from_name("x"), PcEvent::Unknown("x".into()));
    }

    fn arb_logs() -> impl Strategy<Value = Vec<PcLog>> {
        let events = prop_oneof![
            Just("ログオン"),
            Just("ログオフ"),
            Just("ロック"),
            Just("アンロック"),
            Just("ユーザー切替(connect)"),
            Just("?"),
        ];
        proptest::collection::vec((0u8..3, events, 0i64..(3 * 24 * 4), 0u8..2), 0..50).prop_map(
            |rows| {
                let base = at(16, 0, 0);
                rows.into_iter()
                    .enumerate()
                    .map(|(n, (who, event, quarter, pc))| {
                        // Coarse instants so duplicates and ties happen.
                        log(
                            &format!("{n:03}"),
                            &who.to_string(),
                            event,
                            base + chrono::Duration::minutes(quarter * 15),
                            &format!("PC{pc}"),
                        )
                    })
                    .collect()
            },
        )
    }

    proptest! {
        #[test]
        fn every_log_is_accounted_for_exactly_once(logs in arb_logs(), first_last in any::<bool>(), border_hour in 0u32..6) {
            let border = DayBorder::new(chrono::NaiveTime::from_hms_opt(border_hour, 0, 0).unwrap());
            let policy = if first_last { MaLionPolicy::FirstLastOfDay } else { MaLionPolicy::LogonLogoff };
            let out = MaLionRule::new(policy).apply(&logs, &border).rows();
            let mut seen: Vec<&str> = out.punches.iter().map(|p| p.source.record_id.as_str())
                .chain(out.ignored.iter().map(|i| i.source.record_id.as_str()))
                .collect();
            seen.sort_unstable();
            let all: Vec<&str> = logs.iter().map(|l| l.id.as_str()).collect();
            prop_assert_eq!(seen, all);
            // At most one 出勤 and one 退勤 per employee and work date.
            let mut days: Vec<_> = out.punches.iter().map(|p| (&p.employee, p.work_date, p.kind)).collect();
            let n = days.len();
            days.sort();
            days.dedup();
            prop_assert_eq!(days.len(), n);
            for p in &out.punches {
                prop_assert_eq!(border.work_date(&p.at), p.work_date);
            }
        }

        #[test]
        fn input_order_does_not_change_the_result(logs in arb_logs(), first_last in any::<bool>()) {
            let policy = if first_last { MaLionPolicy::FirstLastOfDay } else { MaLionPolicy::LogonLogoff };
            let rule = MaLionRule::new(policy);
            let mut reversed = logs.clone();
            reversed.reverse();
            let mut rotated = logs.clone();
            if !rotated.is_empty() {
                let mid = rotated.len() / 2;
                rotated.rotate_left(mid);
            }
            let five: DayBorder = "05:00".parse().unwrap();
            let expected = rule.apply(&logs, &five).rows();
            prop_assert_eq!(&expected, &rule.apply(&reversed, &five).rows());
            prop_assert_eq!(&expected, &rule.apply(&rotated, &five).rows());
        }
    }
}
