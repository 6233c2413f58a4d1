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
//!   [`IgnoreReason::NotFirstOrLast`] (KOT keeps one 出勤 and one 退勤 a day).
//!   Lock, unlock, user switch and unknown events are
//!   [`IgnoreReason::NotSynced`].
//! - [`MaLionPolicy::FirstLastOfDay`], KOT's own PC-log rule (システムログ):
//!   the first log of the work day, whatever its type, is the 出勤 and the
//!   last is the 退勤. Unknown event types are still
//!   [`IgnoreReason::NotSynced`]: only the six KOT names count.
//!
//! MaLion's relay can deliver one log twice: logs of one employee with the
//! same instant, computer and event are duplicates; the one with the
//! smallest id is kept and the others are [`IgnoreReason::Duplicate`].
//! The logoff at shutdown reaches KOT a day or more later, so a day without
//! a 退勤 is normal and the next run adds it.
//!
//! Work dates are the JST date under each employee's day border.

use std::cmp::Ordering;
use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use super::grouping::Grouped;
use super::{DayBorders, IgnoreReason, Ignored, RuleOutput};
use crate::EmployeeCode;
use crate::punch::{Punch, PunchKind, SourceRef, SourceSystem};

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

    fn source(&self) -> SourceRef {
        SourceRef::new(SourceSystem::MaLion, self.id.as_str())
    }

    /// The same log delivered twice: same employee, instant, PC and event.
    fn same_log(&self, other: &PcLog) -> bool {
        self.at == other.at
            && self.computer == other.computer
            && self.event == other.event
            && self.employee == other.employee
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
    pub fn apply(&self, logs: &[PcLog], borders: &(impl DayBorders + ?Sized)) -> RuleOutput {
        let grouped = Grouped::new(logs, |l| &l.employee, |l| &l.at, |_| (), tie);
        let mut out = RuleOutput {
            punches: Vec::new(),
            ignored: Vec::with_capacity(logs.len()),
        };
        // One employee's logs of one day, reused from day to day.
        let mut today: Vec<&PcLog> = Vec::new();
        grouped.for_each_work_day(
            |l| &l.at,
            borders,
            |_, date, day| {
                today.clear();
                today.extend(day.iter());
                self.apply_day(date, &today, &mut out);
            },
        );
        out
    }

    /// `day`: one employee's logs of one work date, in order.
    pub(super) fn apply_day(&self, date: NaiveDate, day: &[&PcLog], out: &mut RuleOutput) {
        let is_dup = |i: usize| i > 0 && day[i - 1].same_log(day[i]);
        let (counts_in, counts_out): (EventTest, EventTest) = match self.policy {
            MaLionPolicy::LogonLogoff => (|e| *e == PcEvent::Logon, |e| *e == PcEvent::Logoff),
            MaLionPolicy::FirstLastOfDay => (
                |e| !matches!(e, PcEvent::Unknown(_)),
                |e| !matches!(e, PcEvent::Unknown(_)),
            ),
        };
        let first_in = (0..day.len()).find(|&i| !is_dup(i) && counts_in(&day[i].event));
        let last_out = (0..day.len())
            .rev()
            .find(|&i| !is_dup(i) && counts_out(&day[i].event))
            .filter(|&i| first_in.is_none_or(|first| i > first));
        let mut kept = 0;
        for (i, &log) in day.iter().enumerate() {
            if is_dup(i) {
                out.ignored.push(ignored(
                    log,
                    IgnoreReason::Duplicate {
                        kept: day[kept].source(),
                    },
                ));
                continue;
            }
            kept = i;
            if Some(i) == first_in {
                out.punches.push(punch(log, PunchKind::ClockIn, date));
            } else if Some(i) == last_out {
                out.punches.push(punch(log, PunchKind::ClockOut, date));
            } else if counts_in(&log.event) || counts_out(&log.event) {
                out.ignored.push(ignored(log, IgnoreReason::NotFirstOrLast));
            } else {
                out.ignored.push(ignored(
                    log,
                    IgnoreReason::NotSynced {
                        name: log.event.name().to_owned(),
                    },
                ));
            }
        }
    }
}

type EventTest = fn(&PcEvent) -> bool;

/// After employee and instant: PC, event, then id, so duplicates are
/// adjacent and the smallest id comes first.
fn tie(a: &PcLog, b: &PcLog) -> Ordering {
    a.computer
        .cmp(&b.computer)
        .then_with(|| a.event.cmp(&b.event))
        .then_with(|| a.id.cmp(&b.id))
}

fn punch(log: &PcLog, kind: PunchKind, work_date: NaiveDate) -> Punch {
    Punch {
        employee: log.employee.clone(),
        key: None,
        kind,
        at: log.at,
        work_date,
        source: log.source(),
        location: None,
    }
}

fn ignored(log: &PcLog, reason: IgnoreReason) -> Ignored {
    Ignored {
        source: log.source(),
        employee: log.employee.clone(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{DayBorder, jst};
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn at(d: u32, h: u32, m: u32) -> DateTime<FixedOffset> {
        jst().with_ymd_and_hms(2026, 12, d, h, m, 0).unwrap()
    }

    fn log(id: &str, who: &str, event: &str, when: DateTime<FixedOffset>, pc: &str) -> PcLog {
        PcLog::new(id, who, PcEvent::from_name(event), when, pc)
    }

    fn kinds(out: &RuleOutput) -> Vec<(&str, &'static str, String)> {
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

    fn reason_of<'a>(out: &'a RuleOutput, id: &str) -> &'a IgnoreReason {
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
        let out =
            MaLionRule::new(MaLionPolicy::LogonLogoff).apply(&manual_day(), &DayBorder::MIDNIGHT);
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
        let out = MaLionRule::new(MaLionPolicy::FirstLastOfDay).apply(&logs, &DayBorder::MIDNIGHT);
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
        let out = MaLionRule::new(MaLionPolicy::LogonLogoff).apply(&logs, &DayBorder::MIDNIGHT);
        assert_eq!(out.punches[1].source.record_id, "a");
    }

    #[test]
    fn relay_duplicates_are_removed_keeping_the_smallest_id() {
        let logs = vec![
            log("9", "1000", "ログオン", at(17, 9, 3), "PC-01"),
            log("5", "1000", "ログオン", at(17, 9, 3), "PC-01"),
            log("7", "1000", "ログオン", at(17, 9, 3), "PC-01"),
        ];
        let out = MaLionRule::default().apply(&logs, &DayBorder::MIDNIGHT);
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
        let out = MaLionRule::default().apply(&logs, &DayBorder::MIDNIGHT);
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
        let out = MaLionRule::default().apply(
            &[
                log("1", "1000", "ログオフ", at(17, 0, 30), "PC"),
                log("2", "1000", "ログオン", at(17, 9, 0), "PC"),
            ],
            &DayBorder::MIDNIGHT,
        );
        assert_eq!(kinds(&out), [("2", "出勤", "12/17 09:00".into())]);
        assert_eq!(reason_of(&out, "1"), &IgnoreReason::NotFirstOrLast);
        // A logoff alone (the 出勤 came from elsewhere) is the 退勤.
        let out = MaLionRule::default().apply(
            &[log("3", "1000", "logoff", at(18, 18, 0), "PC")],
            &DayBorder::MIDNIGHT,
        );
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
        let out = MaLionRule::default().apply(&logs, &five);
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
            let out = MaLionRule::new(policy).apply(&logs, &border);
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
            let expected = rule.apply(&logs, &five);
            prop_assert_eq!(&expected, &rule.apply(&reversed, &five));
            prop_assert_eq!(&expected, &rule.apply(&rotated, &five));
        }
    }
}
