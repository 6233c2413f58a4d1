//! The plan: for each desired punch, post it or say why not.
//!
//! Inputs: the desired punches (rule output, resolved by the
//! [`Directory`](crate::Directory)), KOT's existing punches of those days
//! ([`KotRecords`], from `GET /daily-workings/timerecord`) and the
//! [`Ledger`]. Each punch gets one [`Decision`]:
//!
//! | decision | when |
//! |---|---|
//! | [`Decision::Unresolved`] | the punch has no employee key |
//! | [`Decision::AlreadyPosted`] | the ledger says Posted |
//! | [`Decision::Duplicate`] | an equal punch (see [`Equivalence`]) comes earlier in this plan |
//! | [`Decision::AlreadyInKot`] | KOT's records of the day hold an equal punch |
//! | [`Decision::OutcomeUnknown`] | the ledger says InFlight (a POST may have landed) and KOT's records of the day were not read |
//! | [`Decision::Conflict`] | a 出勤 or 退勤 (KOT keeps one of each a day) of another time is already in KOT, or planned earlier in this plan, for the same employee and work date |
//! | [`Decision::Post`] | none of the above |
//!
//! Equal means: same employee key, same work date, same kind, and times
//! equal under the [`Equivalence`] (default: the same minute).
//!
//! An InFlight punch is checked like any other once KOT's records of its
//! day are known: found → AlreadyInKot (the engine then marks it Posted),
//! absent → Post (after `mark_failed`). A punch with no ledger entry whose
//! day was not read is posted: the ledger alone guards it (KOT's reads are
//! refused in its time bands; its punch POST is not).
//!
//! The plan is deterministic: punches are sorted (employee code, work date,
//! time, kind, source) first, and punches the ledger marks Posted are taken
//! into account before all others. It is idempotent: applying it (adding
//! the posted punches to KOT's records and to the ledger) and planning
//! again gives nothing to post.

use std::collections::{HashMap, HashSet};
use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate};
use kot_api::models::{DailyTimeRecords, TimeRecord};
use serde::{Deserialize, Serialize};

use crate::EmployeeKey;
use crate::ledger::{Ledger, LedgerError, LedgerState};
use crate::punch::{Punch, PunchKind, SourceRef};

/// When two punch times count as the same punch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Equivalence {
    /// The same minute (KOT's screens show minutes).
    #[default]
    SameMinute,
    /// The same second.
    ExactSecond,
    /// At most `seconds` apart.
    Within {
        /// The tolerance in seconds.
        seconds: u32,
    },
}

impl Equivalence {
    /// `true` when `a` and `b` count as the same time.
    pub fn same_time(self, a: &DateTime<FixedOffset>, b: &DateTime<FixedOffset>) -> bool {
        let (a, b) = (a.timestamp(), b.timestamp());
        match self {
            // JST's offset is whole minutes: the UTC minute is the JST minute.
            Equivalence::SameMinute => a.div_euclid(60) == b.div_euclid(60),
            Equivalence::ExactSecond => a == b,
            Equivalence::Within { seconds } => a.abs_diff(b) <= u64::from(seconds),
        }
    }
}

/// A punch KOT already has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExistingPunch {
    /// The employee key.
    pub employee: EmployeeKey,
    /// The work date KOT files it under.
    pub work_date: NaiveDate,
    /// Its kind; `None` for a code this crate does not know (never equal
    /// to a desired punch).
    pub kind: Option<PunchKind>,
    /// Its time.
    pub at: DateTime<FixedOffset>,
}

impl ExistingPunch {
    /// One of KOT's time records of `employee` on `work_date`.
    pub fn from_time_record(
        employee: &EmployeeKey,
        work_date: NaiveDate,
        record: &TimeRecord,
    ) -> Self {
        ExistingPunch {
            employee: employee.clone(),
            work_date,
            kind: record.code.as_ref().and_then(PunchKind::from_punch_code),
            at: record.time,
        }
    }
}

/// KOT's punches, by employee key and work date, and which days were read.
///
/// A day that was read and has no punch is *known empty*; a day that was
/// not read is *unknown*. The difference matters for punches whose POST
/// outcome is unknown.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KotRecords {
    days: HashMap<(EmployeeKey, NaiveDate), Vec<ExistingPunch>>,
    known: HashSet<(EmployeeKey, NaiveDate)>,
}

impl KotRecords {
    /// No day known.
    pub fn new() -> Self {
        Self::default()
    }

    /// The days KOT returned, each marked known.
    ///
    /// KOT may leave out employees with no punch on a day: mark the days
    /// you asked for with [`KotRecords::mark_known`] as well.
    pub fn from_daily(daily: &[DailyTimeRecords]) -> Self {
        let mut records = KotRecords::new();
        for day in daily {
            records.add_daily(day);
        }
        records
    }

    /// Adds one day of KOT's answer and marks it known.
    pub fn add_daily(&mut self, day: &DailyTimeRecords) {
        self.known.insert((day.employee_key.clone(), day.date));
        let punches = self.day_mut(&day.employee_key, day.date);
        punches.extend(
            day.time_record
                .iter()
                .map(|record| ExistingPunch::from_time_record(&day.employee_key, day.date, record)),
        );
    }

    /// Marks the day of `employee` on `work_date` as read (empty unless
    /// punches are added).
    pub fn mark_known(&mut self, employee: &EmployeeKey, work_date: NaiveDate) {
        self.known.insert((employee.clone(), work_date));
    }

    /// Adds one punch read from KOT; its day becomes known.
    pub fn add(&mut self, punch: ExistingPunch) {
        self.mark_known(&punch.employee, punch.work_date);
        self.day_mut(&punch.employee, punch.work_date).push(punch);
    }

    /// Adds a punch just posted (KOT now has it). Its day does **not**
    /// become known: the rest of the day was still not read. `false`, and
    /// nothing added, when the punch has no key.
    pub fn add_posted(&mut self, punch: &Punch) -> bool {
        let Some(key) = &punch.key else {
            return false;
        };
        self.day_mut(key, punch.work_date).push(ExistingPunch {
            employee: key.clone(),
            work_date: punch.work_date,
            kind: Some(punch.kind),
            at: punch.at,
        });
        true
    }

    /// `true` when the day was read.
    pub fn is_known(&self, employee: &EmployeeKey, work_date: NaiveDate) -> bool {
        self.known.contains(&(employee.clone(), work_date))
    }

    /// KOT's punches of the day: those read, and those added as posted.
    pub fn on_day(&self, employee: &EmployeeKey, work_date: NaiveDate) -> &[ExistingPunch] {
        self.days
            .get(&(employee.clone(), work_date))
            .map_or(&[], Vec::as_slice)
    }

    fn day_mut(&mut self, employee: &EmployeeKey, work_date: NaiveDate) -> &mut Vec<ExistingPunch> {
        self.days.entry((employee.clone(), work_date)).or_default()
    }
}

/// What to do with one desired punch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Decision {
    /// Send it to KOT.
    Post,
    /// KOT already has an equal punch.
    AlreadyInKot {
        /// The time of KOT's punch.
        kot_time: DateTime<FixedOffset>,
    },
    /// The ledger says it was posted.
    AlreadyPosted {
        /// The time KOT answered with.
        kot_time: DateTime<FixedOffset>,
    },
    /// An equal punch comes earlier in this plan.
    Duplicate {
        /// That punch's source.
        of: SourceRef,
    },
    /// A 出勤 or 退勤 of another time is already there (in KOT or planned
    /// earlier in this plan) for the same employee and work date.
    Conflict {
        /// The other times, earliest first.
        existing: Vec<DateTime<FixedOffset>>,
    },
    /// A POST may have happened and KOT's records of the day were not
    /// read: hold it until they are.
    OutcomeUnknown,
    /// No employee key: resolve it with the directory first.
    Unresolved,
}

impl Decision {
    /// `snake_case` name of the decision, for logs and CSV.
    pub fn name(&self) -> &'static str {
        match self {
            Decision::Post => "post",
            Decision::AlreadyInKot { .. } => "already_in_kot",
            Decision::AlreadyPosted { .. } => "already_posted",
            Decision::Duplicate { .. } => "duplicate",
            Decision::Conflict { .. } => "conflict",
            Decision::OutcomeUnknown => "outcome_unknown",
            Decision::Unresolved => "unresolved",
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Decision::Post => f.write_str("post"),
            Decision::AlreadyInKot { kot_time } => write!(f, "already in KOT at {kot_time}"),
            Decision::AlreadyPosted { kot_time } => {
                write!(f, "already posted (KOT time {kot_time})")
            }
            Decision::Duplicate { of } => write!(f, "duplicate of {of}"),
            Decision::Conflict { existing } => {
                f.write_str("conflicts with")?;
                for at in existing {
                    write!(f, " {at}")?;
                }
                Ok(())
            }
            Decision::OutcomeUnknown => {
                f.write_str("outcome of an earlier post unknown; read KOT's records first")
            }
            Decision::Unresolved => f.write_str("no employee key"),
        }
    }
}

/// One desired punch and its decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedPunch {
    /// The punch.
    pub punch: Punch,
    /// What to do.
    pub decision: Decision,
}

impl PlannedPunch {
    /// The report line administrators read, in the wording of the
    /// integration manuals; `None` for [`Decision::Post`] and
    /// [`Decision::Duplicate`].
    ///
    /// [`Decision::AlreadyInKot`] gives the manual's exact message:
    /// 「従業員コード:2022 の出勤は既に打刻済みです。KING OF TIME管理画面をご確認ください。」
    pub fn message_ja(&self) -> Option<String> {
        let code = &self.punch.employee;
        let kind = self.punch.kind.label_ja();
        let hhmm = |at: &DateTime<FixedOffset>| {
            at.with_timezone(&crate::time::jst())
                .format("%H:%M")
                .to_string()
        };
        match &self.decision {
            Decision::Post | Decision::Duplicate { .. } => None,
            Decision::AlreadyInKot { .. } => Some(
                crate::report::FailureReason::AlreadyPunched {
                    employee: code.clone(),
                    kind: self.punch.kind,
                }
                .message_ja(),
            ),
            Decision::AlreadyPosted { kot_time } => Some(format!(
                "従業員コード:{code} の{kind}は連携済みです ({})。",
                hhmm(kot_time)
            )),
            Decision::Conflict { existing } => {
                let times: Vec<String> = existing.iter().map(hhmm).collect();
                Some(format!(
                    "従業員コード:{code} の{kind}は既に別の時刻 ({}) で打刻済みです。連携する時刻 {} は送信しません。KING OF TIME管理画面をご確認ください。",
                    times.join(", "),
                    hhmm(&self.punch.at)
                ))
            }
            Decision::OutcomeUnknown => Some(format!(
                "従業員コード:{code} の{kind}は前回の送信結果が不明です。KING OF TIME の打刻を確認してから連携します。"
            )),
            Decision::Unresolved => Some(format!(
                "従業員コード:{code} は KING OF TIME の従業員に対応付けられていません。"
            )),
        }
    }
}

/// Every desired punch with its decision, in plan order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The punches, sorted (employee code, work date, time, kind, source).
    pub items: Vec<PlannedPunch>,
}

impl Plan {
    /// The punches to send, in plan order.
    pub fn to_post(&self) -> impl Iterator<Item = &Punch> {
        self.items
            .iter()
            .filter(|item| item.decision == Decision::Post)
            .map(|item| &item.punch)
    }

    /// How many punches got a decision named `name` ([`Decision::name`]).
    pub fn count(&self, name: &str) -> usize {
        self.items
            .iter()
            .filter(|item| item.decision.name() == name)
            .count()
    }
}

/// Whether a second 出勤 or 退勤 of another time on the same work date is
/// held back as a [`Decision::Conflict`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictPolicy {
    /// One 出勤 and one 退勤 per employee and work date: another time is a
    /// conflict (SenseLink's and MaLion's first/last rules, where a second
    /// one means someone punched by hand).
    #[default]
    OneClockInAndOutPerDay,
    /// Every punch is posted (cyzen: the manual syncs every press, repeats
    /// included). Equal punches are still recognised as already there.
    PostEvery,
}

/// Makes plans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Planner {
    /// What counts as the same punch.
    pub equivalence: Equivalence,
    /// Whether a second 出勤/退勤 of the day is a conflict.
    #[serde(default)]
    pub conflicts: ConflictPolicy,
}

/// A punch a plan already accounts for, on its day.
#[derive(Debug, Clone)]
struct Kept {
    kind: PunchKind,
    at: DateTime<FixedOffset>,
    source: SourceRef,
}

/// A plan made in batches: each batch's punches are decided against KOT's
/// records, the ledger, and every punch of the earlier batches (so that a
/// punch equal to one already planned is its [`Decision::Duplicate`], and
/// a second 出勤 of the day a [`Decision::Conflict`], whichever batch the
/// first came in).
///
/// The engine plans this way when a source hands over punches while it is
/// still reading ([`SourceContext::early`](crate::engine::SourceContext::early)).
/// Within a batch the order is [`Planner::plan`]'s; across batches, the
/// earlier batch comes first.
#[derive(Debug, Clone)]
pub struct PlanSession {
    planner: Planner,
    kept: HashMap<(EmployeeKey, NaiveDate), Vec<Kept>>,
}

impl PlanSession {
    /// Decides every punch of `desired`, after the earlier batches.
    ///
    /// # Errors
    ///
    /// Whatever the ledger's `get` returns.
    pub fn plan(
        &mut self,
        desired: &[Punch],
        kot: &KotRecords,
        ledger: &(impl Ledger + ?Sized),
    ) -> Result<Plan, LedgerError> {
        let mut order: Vec<&Punch> = desired.iter().collect();
        order.sort_by(|a, b| {
            (&a.employee, a.work_date, a.at, a.kind, &a.source).cmp(&(
                &b.employee,
                b.work_date,
                b.at,
                b.kind,
                &b.source,
            ))
        });
        let states: Vec<Option<LedgerState>> = order
            .iter()
            .map(|p| Ok(ledger.get(&p.source)?.map(|entry| entry.state)))
            .collect::<Result<_, LedgerError>>()?;

        let mut decisions: Vec<Option<Decision>> = vec![None; order.len()];
        let keep = |punch: &Punch| Kept {
            kind: punch.kind,
            at: punch.at,
            source: punch.source.clone(),
        };

        // Pass 1: what the ledger says is posted stands first.
        for (i, punch) in order.iter().enumerate() {
            if let (Some(key), Some(LedgerState::Posted { kot_time, .. })) =
                (&punch.key, &states[i])
            {
                decisions[i] = Some(Decision::AlreadyPosted {
                    kot_time: *kot_time,
                });
                self.kept
                    .entry((key.clone(), punch.work_date))
                    .or_default()
                    .push(keep(punch));
            }
        }

        // Pass 2: everything else, in order.
        for (i, punch) in order.iter().enumerate() {
            if decisions[i].is_some() {
                continue;
            }
            let Some(key) = &punch.key else {
                decisions[i] = Some(Decision::Unresolved);
                continue;
            };
            let day = self.kept.entry((key.clone(), punch.work_date)).or_default();
            let decision = self
                .planner
                .decide(punch, key, states[i].as_ref(), kot, day);
            if !matches!(decision, Decision::Duplicate { .. }) {
                day.push(keep(punch));
            }
            decisions[i] = Some(decision);
        }

        let items = order
            .into_iter()
            .zip(decisions)
            .map(|(punch, decision)| PlannedPunch {
                punch: punch.clone(),
                decision: decision.unwrap_or(Decision::Unresolved),
            })
            .collect();
        Ok(Plan { items })
    }
}

impl Planner {
    /// A planner with `equivalence`.
    pub fn new(equivalence: Equivalence) -> Self {
        Planner {
            equivalence,
            conflicts: ConflictPolicy::default(),
        }
    }

    /// The same planner with another conflict policy.
    pub fn with_conflicts(mut self, conflicts: ConflictPolicy) -> Self {
        self.conflicts = conflicts;
        self
    }

    /// Decides every punch of `desired`.
    ///
    /// # Errors
    ///
    /// Whatever the ledger's `get` returns.
    pub fn plan(
        &self,
        desired: &[Punch],
        kot: &KotRecords,
        ledger: &(impl Ledger + ?Sized),
    ) -> Result<Plan, LedgerError> {
        self.session().plan(desired, kot, ledger)
    }

    /// A plan to be made in batches; see [`PlanSession`].
    pub fn session(&self) -> PlanSession {
        PlanSession {
            planner: *self,
            kept: HashMap::new(),
        }
    }

    fn decide(
        &self,
        punch: &Punch,
        key: &EmployeeKey,
        state: Option<&LedgerState>,
        kot: &KotRecords,
        day: &[Kept],
    ) -> Decision {
        let eq = self.equivalence;
        if let Some(earlier) = day
            .iter()
            .find(|k| k.kind == punch.kind && eq.same_time(&k.at, &punch.at))
        {
            return Decision::Duplicate {
                of: earlier.source.clone(),
            };
        }
        let in_kot = kot.on_day(key, punch.work_date);
        if let Some(existing) = in_kot
            .iter()
            .find(|e| e.kind == Some(punch.kind) && eq.same_time(&e.at, &punch.at))
        {
            return Decision::AlreadyInKot {
                kot_time: existing.at,
            };
        }
        if matches!(state, Some(LedgerState::InFlight { .. }))
            && !kot.is_known(key, punch.work_date)
        {
            return Decision::OutcomeUnknown;
        }
        if self.conflicts == ConflictPolicy::OneClockInAndOutPerDay
            && matches!(punch.kind, PunchKind::ClockIn | PunchKind::ClockOut)
        {
            let mut existing: Vec<DateTime<FixedOffset>> = in_kot
                .iter()
                .filter(|e| e.kind == Some(punch.kind))
                .map(|e| e.at)
                .chain(day.iter().filter(|k| k.kind == punch.kind).map(|k| k.at))
                .collect();
            if !existing.is_empty() {
                existing.sort();
                existing.dedup();
                return Decision::Conflict { existing };
            }
        }
        Decision::Post
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::MemoryLedger;
    use crate::punch::SourceSystem;
    use crate::time::jst;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn at(h: u32, m: u32, s: u32) -> DateTime<FixedOffset> {
        jst().with_ymd_and_hms(2021, 3, 4, h, m, s).unwrap()
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2021, 3, 4).unwrap()
    }

    fn key(code: &str) -> EmployeeKey {
        EmployeeKey::new(format!("key-{code}"))
    }

    fn punch(id: &str, code: &str, kind: PunchKind, when: DateTime<FixedOffset>) -> Punch {
        Punch {
            employee: code.into(),
            key: Some(key(code)),
            kind,
            at: when,
            work_date: day(),
            source: SourceRef::new(SourceSystem::SenseLink, id),
            location: None,
        }
    }

    fn existing(code: &str, kind: PunchKind, when: DateTime<FixedOffset>) -> ExistingPunch {
        ExistingPunch {
            employee: key(code),
            work_date: day(),
            kind: Some(kind),
            at: when,
        }
    }

    fn decisions(plan: &Plan) -> Vec<(&str, &'static str)> {
        plan.items
            .iter()
            .map(|i| (i.punch.source.record_id.as_str(), i.decision.name()))
            .collect()
    }

    #[test]
    fn already_in_kot_uses_the_manuals_message() {
        // The manual's example: 2022's 出勤 (18:59) and 退勤 (19:05) are in KOT.
        let mut kot = KotRecords::new();
        kot.add(existing("2022", PunchKind::ClockIn, at(18, 59, 0)));
        kot.add(existing("2022", PunchKind::ClockOut, at(19, 5, 0)));
        let desired = [
            punch("1", "2022", PunchKind::ClockIn, at(18, 59, 41)),
            punch("2", "2022", PunchKind::ClockOut, at(19, 5, 2)),
        ];
        let plan = Planner::default()
            .plan(&desired, &kot, &MemoryLedger::new())
            .unwrap();
        assert_eq!(
            decisions(&plan),
            [("1", "already_in_kot"), ("2", "already_in_kot")]
        );
        assert_eq!(
            plan.items[0].message_ja().unwrap(),
            "従業員コード:2022 の出勤は既に打刻済みです。KING OF TIME管理画面をご確認ください。"
        );
        assert_eq!(
            plan.items[1].message_ja().unwrap(),
            "従業員コード:2022 の退勤は既に打刻済みです。KING OF TIME管理画面をご確認ください。"
        );
        assert_eq!(plan.to_post().count(), 0);
    }

    #[test]
    fn equivalence_decides_what_is_equal() {
        let a = at(9, 0, 10);
        let b = at(9, 0, 59);
        let c = at(9, 1, 5);
        assert!(Equivalence::SameMinute.same_time(&a, &b));
        assert!(!Equivalence::SameMinute.same_time(&b, &c));
        assert!(!Equivalence::ExactSecond.same_time(&a, &b));
        assert!(
            Equivalence::ExactSecond.same_time(&a, &a.with_timezone(&chrono::Utc).fixed_offset())
        );
        assert!(Equivalence::Within { seconds: 6 }.same_time(&b, &c));
        assert!(!Equivalence::Within { seconds: 5 }.same_time(&b, &c));

        let mut kot = KotRecords::new();
        kot.add(existing("7", PunchKind::ClockIn, a));
        let desired = [punch("1", "7", PunchKind::ClockIn, b)];
        let exact = Planner::new(Equivalence::ExactSecond)
            .plan(&desired, &kot, &MemoryLedger::new())
            .unwrap();
        assert_eq!(
            exact.items[0].decision,
            Decision::Conflict { existing: vec![a] }
        );
    }

    #[test]
    fn post_every_sends_a_second_clock_in_but_still_knows_an_equal_one() {
        let mut kot = KotRecords::new();
        kot.add(existing("7", PunchKind::ClockIn, at(9, 0, 0)));
        let desired = [
            punch("again", "7", PunchKind::ClockIn, at(9, 10, 0)),
            punch("same", "7", PunchKind::ClockIn, at(9, 0, 30)),
        ];
        let planner = Planner::default().with_conflicts(ConflictPolicy::PostEvery);
        let plan = planner.plan(&desired, &kot, &MemoryLedger::new()).unwrap();
        let by_source = |id: &str| {
            plan.items
                .iter()
                .find(|i| i.punch.source.record_id == id)
                .map(|i| i.decision.clone())
                .unwrap()
        };
        assert_eq!(by_source("again"), Decision::Post);
        assert_eq!(
            by_source("same"),
            Decision::AlreadyInKot {
                kot_time: at(9, 0, 0)
            }
        );
        let strict = Planner::default()
            .plan(&desired, &kot, &MemoryLedger::new())
            .unwrap();
        assert!(matches!(
            strict
                .items
                .iter()
                .find(|i| i.punch.source.record_id == "again")
                .unwrap()
                .decision,
            Decision::Conflict { .. }
        ));
    }

    #[test]
    fn conflicts_are_for_clock_in_and_out_only() {
        let mut kot = KotRecords::new();
        kot.add(existing("7", PunchKind::ClockIn, at(9, 0, 0)));
        kot.add(existing("7", PunchKind::BreakStart, at(12, 0, 0)));
        let desired = [
            punch("in", "7", PunchKind::ClockIn, at(9, 10, 0)),
            punch("brk", "7", PunchKind::BreakStart, at(15, 0, 0)),
        ];
        let plan = Planner::default()
            .plan(&desired, &kot, &MemoryLedger::new())
            .unwrap();
        assert_eq!(decisions(&plan), [("in", "conflict"), ("brk", "post")]);
        assert_eq!(
            plan.items[0].message_ja().unwrap(),
            "従業員コード:7 の出勤は既に別の時刻 (09:00) で打刻済みです。連携する時刻 09:10 は送信しません。KING OF TIME管理画面をご確認ください。"
        );
    }

    #[test]
    fn within_one_plan_equal_punches_are_duplicates_and_a_second_clock_in_conflicts() {
        let desired = [
            punch("b", "7", PunchKind::ClockIn, at(9, 0, 30)),
            punch("a", "7", PunchKind::ClockIn, at(9, 0, 1)),
            punch("c", "7", PunchKind::ClockIn, at(10, 0, 0)),
            punch("d", "8", PunchKind::ClockIn, at(9, 0, 1)),
        ];
        let plan = Planner::default()
            .plan(&desired, &KotRecords::new(), &MemoryLedger::new())
            .unwrap();
        assert_eq!(
            decisions(&plan),
            [
                ("a", "post"),
                ("b", "duplicate"),
                ("c", "conflict"),
                ("d", "post")
            ]
        );
        assert_eq!(
            plan.items[1].decision,
            Decision::Duplicate {
                of: SourceRef::new(SourceSystem::SenseLink, "a")
            }
        );
        assert_eq!(plan.items[1].message_ja(), None);
    }

    #[test]
    fn outcome_unknown_waits_for_kots_records() {
        let ledger = MemoryLedger::new();
        let p = punch("1", "7", PunchKind::ClockIn, at(9, 0, 0));
        ledger.begin_post(&p, at(9, 1, 0)).unwrap();
        let planner = Planner::default();
        let desired = std::slice::from_ref(&p);

        let unknown = planner.plan(desired, &KotRecords::new(), &ledger).unwrap();
        assert_eq!(unknown.items[0].decision, Decision::OutcomeUnknown);
        assert!(
            unknown.items[0]
                .message_ja()
                .unwrap()
                .contains("送信結果が不明")
        );

        let mut known_empty = KotRecords::new();
        known_empty.mark_known(&key("7"), day());
        let retry = planner.plan(desired, &known_empty, &ledger).unwrap();
        assert_eq!(retry.items[0].decision, Decision::Post);

        let mut landed = KotRecords::new();
        landed.add(existing("7", PunchKind::ClockIn, at(9, 0, 0)));
        let found = planner.plan(desired, &landed, &ledger).unwrap();
        assert_eq!(
            found.items[0].decision,
            Decision::AlreadyInKot {
                kot_time: at(9, 0, 0)
            }
        );
    }

    #[test]
    fn ledger_posted_wins_and_unresolved_is_reported() {
        let ledger = MemoryLedger::new();
        let posted = punch("z", "7", PunchKind::ClockIn, at(9, 0, 0));
        ledger.begin_post(&posted, at(9, 0, 1)).unwrap();
        ledger.mark_posted(&posted.source, at(9, 0, 0)).unwrap();
        let mut unresolved = punch("u", "9", PunchKind::ClockIn, at(9, 0, 0));
        unresolved.key = None;
        let desired = [
            // Sorts before "z" but the ledger's posted punch stands first.
            punch("a", "7", PunchKind::ClockIn, at(9, 0, 0)),
            posted.clone(),
            unresolved,
        ];
        let plan = Planner::default()
            .plan(&desired, &KotRecords::new(), &ledger)
            .unwrap();
        assert_eq!(
            decisions(&plan),
            [
                ("a", "duplicate"),
                ("z", "already_posted"),
                ("u", "unresolved")
            ]
        );
        assert_eq!(plan.count("already_posted"), 1);
    }

    #[test]
    fn kot_daily_records_convert() {
        let daily: Vec<DailyTimeRecords> = serde_json::from_value(serde_json::json!([
            {"date": "2021-03-04", "employeeKey": "key-2022", "timeRecord": [
                {"time": "2021-03-04T18:59:00+09:00", "code": "1", "name": "出勤"},
                {"time": "2021-03-04T19:05:00+09:00", "code": "2", "name": "退勤"},
                {"time": "2021-03-04T19:06:00+09:00", "code": "99"}
            ]},
            {"date": "2021-03-05", "employeeKey": "key-2022"}
        ]))
        .unwrap();
        let kot = KotRecords::from_daily(&daily);
        let punches = kot.on_day(&key("2022"), day());
        assert_eq!(punches.len(), 3);
        assert_eq!(punches[0].kind, Some(PunchKind::ClockIn));
        assert_eq!(punches[1].kind, Some(PunchKind::ClockOut));
        assert_eq!(punches[2].kind, None);
        let next = day().succ_opt().unwrap();
        assert!(kot.is_known(&key("2022"), next));
        assert!(kot.on_day(&key("2022"), next).is_empty());
        assert!(!kot.is_known(&key("2021"), day()));
    }

    /// Applies a plan as a successful engine would.
    fn apply(plan: &Plan, kot: &mut KotRecords, ledger: &MemoryLedger) {
        for punch in plan.to_post() {
            // A Post of an InFlight punch means KOT's day showed it absent.
            let state = ledger.get(&punch.source).unwrap().map(|e| e.state);
            if matches!(state, Some(LedgerState::InFlight { .. })) {
                ledger.mark_failed(&punch.source, "not in KOT").unwrap();
            }
            ledger.begin_post(punch, punch.at).unwrap();
            ledger.mark_posted(&punch.source, punch.at).unwrap();
            assert!(kot.add_posted(punch));
        }
    }

    fn arb_case() -> impl Strategy<Value = (Vec<Punch>, Vec<ExistingPunch>, Vec<usize>)> {
        let kinds = prop_oneof![
            Just(PunchKind::ClockIn),
            Just(PunchKind::ClockOut),
            Just(PunchKind::BreakStart),
        ];
        let desired =
            proptest::collection::vec((0u8..3, kinds.clone(), 0u32..240, any::<bool>()), 0..25)
                .prop_map(|rows| {
                    rows.into_iter()
                        .enumerate()
                        .map(|(n, (who, kind, secs, resolved))| {
                            let mut p = punch(
                                &format!("{n:02}"),
                                &who.to_string(),
                                kind,
                                at(9, 0, 0) + chrono::Duration::seconds(i64::from(secs) * 20),
                            );
                            if !resolved && n % 5 == 0 {
                                p.key = None;
                            }
                            p
                        })
                        .collect::<Vec<_>>()
                });
        let kot = proptest::collection::vec((0u8..3, kinds, 0u32..240), 0..6).prop_map(|rows| {
            rows.into_iter()
                .map(|(who, kind, secs)| {
                    existing(
                        &who.to_string(),
                        kind,
                        at(9, 0, 0) + chrono::Duration::seconds(i64::from(secs) * 20),
                    )
                })
                .collect::<Vec<_>>()
        });
        (desired, kot, proptest::collection::vec(any::<usize>(), 25))
    }

    proptest! {
        #[test]
        fn planning_is_idempotent((desired, existing, _) in arb_case(), minute in any::<bool>(), in_flight in 0usize..25) {
            let planner = Planner::new(if minute { Equivalence::SameMinute } else { Equivalence::Within { seconds: 30 } });
            let mut kot = KotRecords::new();
            for e in existing {
                kot.add(e);
            }
            let ledger = MemoryLedger::new();
            // One punch's earlier POST has an unknown outcome.
            if let Some(p) = desired.get(in_flight) {
                ledger.begin_post(p, p.at).unwrap();
            }
            let first = planner.plan(&desired, &kot, &ledger).unwrap();
            prop_assert_eq!(first.items.len(), desired.len());
            apply(&first, &mut kot, &ledger);
            let second = planner.plan(&desired, &kot, &ledger).unwrap();
            prop_assert_eq!(second.to_post().count(), 0);
            // Without the ledger, KOT's records alone keep what was posted
            // from being posted again; only the punch held as
            // OutcomeUnknown (never sent by this plan) may be sent.
            let again = planner.plan(&desired, &kot, &MemoryLedger::new()).unwrap();
            for p in again.to_post() {
                let before = first.items.iter().find(|i| i.punch.source == p.source).unwrap();
                prop_assert_eq!(&before.decision, &Decision::OutcomeUnknown);
            }
            // At most one 出勤 and one 退勤 per employee and day were posted.
            let mut posted: Vec<_> = first.to_post().filter(|p| p.kind != PunchKind::BreakStart).map(|p| (&p.employee, p.kind)).collect();
            let n = posted.len();
            posted.sort();
            posted.dedup();
            prop_assert_eq!(posted.len(), n);
        }

        #[test]
        fn input_order_does_not_change_the_plan((desired, existing, swaps) in arb_case()) {
            let mut kot = KotRecords::new();
            for e in existing {
                kot.add(e);
            }
            let mut shuffled = desired.clone();
            for (i, s) in swaps.iter().enumerate().take(shuffled.len()) {
                let j = s % shuffled.len();
                shuffled.swap(i, j);
            }
            let ledger = MemoryLedger::new();
            let planner = Planner::default();
            prop_assert_eq!(
                planner.plan(&desired, &kot, &ledger).unwrap(),
                planner.plan(&shuffled, &kot, &ledger).unwrap()
            );
        }
    }
}
