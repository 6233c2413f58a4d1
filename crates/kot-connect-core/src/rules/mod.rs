//! Per-source rules: which source record becomes which punch.
//!
//! Each rule takes records that were already matched to a KOT employee code
//! (see the matching step) and gives a [`RuleOutput`]: the punches it wants
//! in KOT, and the [`Disposition`] of every input record (a punch, or why
//! not). Nothing is dropped silently: every input record has exactly one
//! disposition, and each punch names its record ([`Punch::source`]).
//! [`RuleOutput::ignored`] gives the sync-log rows of the records that did
//! not become punches.
//!
//! Rules never read the machine's clock or time zone: work dates come from
//! [`DayBorders`] in JST.

pub mod cyzen;
mod grouping;
pub mod malion;
pub mod senselink;
pub mod wowtalk;

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::EmployeeCode;
use crate::punch::{Location, Punch, PunchKind, SourceRef};
use crate::time::DayBorder;

/// The day border of each employee's division, for work dates.
pub trait DayBorders {
    /// The border that applies to `employee`.
    fn border_for(&self, employee: &EmployeeCode) -> DayBorder;
}

/// One border for everyone.
impl DayBorders for DayBorder {
    fn border_for(&self, _employee: &EmployeeCode) -> DayBorder {
        *self
    }
}

/// Per-employee borders with a fallback for employees not in the map.
#[derive(Debug, Clone, Default)]
pub struct BorderMap {
    /// Borders by employee code.
    pub by_employee: HashMap<EmployeeCode, DayBorder>,
    /// The border of employees not in `by_employee`.
    pub fallback: DayBorder,
}

impl DayBorders for BorderMap {
    fn border_for(&self, employee: &EmployeeCode) -> DayBorder {
        self.by_employee
            .get(employee)
            .copied()
            .unwrap_or(self.fallback)
    }
}

/// Why a source record did not become a punch.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
#[non_exhaustive]
pub enum IgnoreReason {
    /// A recognition between the first and the last of the work day
    /// (SenseLink), or not the first/last log of the day (MaLion's
    /// first/last policy).
    NotFirstOrLast,
    /// The mode takes only the clock-in (SenseLink "clock-in only").
    ClockOutNotSynced,
    /// A status or event that is not synced: its name as the source gave it
    /// (a cyzen status other than 勤務開始/勤務終了/休憩開始/休憩終了, a MaLion
    /// lock, unlock or user switch, ...).
    NotSynced {
        /// The status or event name.
        name: String,
    },
    /// The same record delivered twice (e.g. MaLion's relay); the first copy
    /// is kept.
    Duplicate {
        /// The record that was kept.
        kept: SourceRef,
    },
    /// Outside the work dates this run covers.
    OutsideWindow,
    /// A chat message that is not a punch command.
    NotACommand,
    /// The user is not enabled for the KOT integration in the source
    /// (cyzen's per-user 「KING OF TIME連携」 switch is 「無効」).
    NotEnabled,
}

impl fmt::Display for IgnoreReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IgnoreReason::NotFirstOrLast => {
                f.write_str("not the first or last record of the work day")
            }
            IgnoreReason::ClockOutNotSynced => f.write_str("clock-out is not synced in this mode"),
            IgnoreReason::NotSynced { name } => write!(f, "{name:?} is not synced"),
            IgnoreReason::Duplicate { kept } => write!(f, "duplicate of {kept}"),
            IgnoreReason::OutsideWindow => f.write_str("outside the work dates of this run"),
            IgnoreReason::NotACommand => f.write_str("not a punch command"),
            IgnoreReason::NotEnabled => {
                f.write_str("the user is not enabled for the KING OF TIME integration")
            }
        }
    }
}

/// A source record that did not become a punch, and why: a row of the sync
/// log, built from the record by [`RuleOutput::ignored`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ignored {
    /// The record.
    pub source: SourceRef,
    /// The employee it was matched to.
    pub employee: EmployeeCode,
    /// Why.
    pub reason: IgnoreReason,
}

/// What a rule reads of a record to describe it in the sync log.
///
/// Implemented by each rule's record type ([`senselink::Recognition`],
/// [`malion::PcLog`], [`cyzen::StatusPress`], [`wowtalk::ChatMessage`]).
pub trait RuleRecord {
    /// The record's reference in the ledger (`<system>:<id>`).
    fn source(&self) -> SourceRef;
    /// The employee the record was matched to.
    fn employee(&self) -> &EmployeeCode;
    /// The status or event name [`IgnoreReason::NotSynced`] reports (empty
    /// for records that have none).
    fn status_name(&self) -> &str {
        ""
    }
    /// The instant a punch from this record takes, as the rule's module
    /// documents it.
    fn at(&self) -> DateTime<FixedOffset>;
    /// Where, when the source knows.
    fn location(&self) -> Option<Location> {
        None
    }
    /// The punch of `kind` on `work_date` this record becomes (see
    /// [`PunchRef::to_punch`]).
    fn to_punch(&self, kind: PunchKind, work_date: NaiveDate) -> Punch {
        Punch {
            employee: self.employee().clone(),
            key: None,
            kind,
            at: self.at(),
            work_date,
            source: self.source(),
            location: self.location(),
        }
    }
}

/// A punch a rule wants, as the rule holds it: its record, kind and work
/// date. [`PunchRef::to_punch`] builds the owned [`Punch`].
///
/// A rule decides every punch (which record, which kind, which work date,
/// in which order) without copying the records' fields: the punch refers
/// to its record, in 16 bytes, instead of a 128-byte [`Punch`]. A caller
/// builds the owned punches it keeps ([`RuleOutput::to_punches`],
/// [`RuleOutput::into_parts`]).
#[derive(Debug)]
pub struct PunchRef<'a, R> {
    record: &'a R,
    index: usize,
    kind: PunchKind,
    work_date: NaiveDate,
}

impl<R> Clone for PunchRef<'_, R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for PunchRef<'_, R> {}

impl<'a, R> PunchRef<'a, R> {
    /// The record the punch comes from.
    pub fn record(&self) -> &'a R {
        self.record
    }

    /// The record's position in the rule's input.
    pub fn index(&self) -> usize {
        self.index
    }

    /// 出勤, 退勤, ...
    pub fn kind(&self) -> PunchKind {
        self.kind
    }

    /// The work date the punch belongs to.
    pub fn work_date(&self) -> NaiveDate {
        self.work_date
    }
}

impl<R: RuleRecord> PunchRef<'_, R> {
    /// The owned punch: the record's employee, time, source (and location)
    /// with this kind and work date.
    pub fn to_punch(&self) -> Punch {
        self.record.to_punch(self.kind, self.work_date)
    }
}

/// What a rule made of one input record: a punch, or why not.
///
/// The compact form of [`IgnoreReason`]: it refers to other records by their
/// position in the rule's input, so a rule classifies a million records
/// without building a million log rows. [`RuleOutput::ignored`] builds the
/// rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Disposition {
    /// The record became a punch ([`RuleOutput::punches`] holds it; it
    /// refers to the record).
    Punched,
    /// [`IgnoreReason::NotFirstOrLast`].
    NotFirstOrLast,
    /// [`IgnoreReason::ClockOutNotSynced`].
    ClockOutNotSynced,
    /// [`IgnoreReason::NotSynced`], with the record's
    /// [`RuleRecord::status_name`].
    NotSynced,
    /// [`IgnoreReason::Duplicate`].
    Duplicate {
        /// The position in the input of the copy that was kept.
        kept: usize,
    },
    /// [`IgnoreReason::OutsideWindow`].
    OutsideWindow,
    /// [`IgnoreReason::NotACommand`].
    NotACommand,
    /// [`IgnoreReason::NotEnabled`].
    NotEnabled,
}

/// A [`Disposition`] in one byte; a duplicate's kept record is kept apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Slot {
    Punched,
    NotFirstOrLast,
    ClockOutNotSynced,
    NotSynced,
    Duplicate,
    OutsideWindow,
    NotACommand,
    NotEnabled,
}

/// What a rule made of its records: the punches it wants in KOT, and the
/// [`Disposition`] of every input record.
///
/// Every input record is accounted for exactly once: the output holds one
/// disposition per record, in input order, and each [`Disposition::Punched`]
/// record is exactly one punch. The output borrows the records: each punch
/// refers to its record ([`PunchRef`]), and the owned punches
/// ([`RuleOutput::to_punches`]) and the log rows of ignored records
/// ([`RuleOutput::ignored`]) are built on demand from the records the rule
/// read.
///
/// ```
/// use chrono::{NaiveDate, TimeZone};
/// use kot_connect_core::rules::senselink::{Recognition, SenseLinkRule};
/// use kot_connect_core::rules::{Disposition, IgnoreReason};
/// use kot_connect_core::DayBorder;
///
/// let jst = kot_connect_core::time::jst();
/// let records = [
///     Recognition::new(1, "2022", jst.with_ymd_and_hms(2026, 4, 2, 8, 59, 0).unwrap()),
///     Recognition::new(2, "2022", jst.with_ymd_and_hms(2026, 4, 2, 12, 0, 0).unwrap()),
///     Recognition::new(3, "2022", jst.with_ymd_and_hms(2026, 4, 2, 19, 5, 0).unwrap()),
/// ];
/// let date = NaiveDate::from_ymd_opt(2026, 4, 2).unwrap();
/// let out = SenseLinkRule::default().apply_to_work_date(date, &records, &DayBorder::MIDNIGHT);
/// assert_eq!(out.punches().len(), 2);
/// assert_eq!(out.disposition(1), Some(Disposition::NotFirstOrLast));
/// // The owned punches, built from the records.
/// let punches = out.to_punches();
/// assert_eq!(punches[1].source.to_string(), "senselink:3");
/// // The sync log's rows, built from the records.
/// let rows: Vec<_> = out.ignored().collect();
/// assert_eq!(rows[0].source.to_string(), "senselink:2");
/// assert_eq!(rows[0].reason, IgnoreReason::NotFirstOrLast);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RuleOutput<'a, R> {
    records: &'a [R],
    drafts: Vec<Draft>,
    slots: Vec<Slot>,
    /// `(record, kept)` for every [`Slot::Duplicate`], by record.
    duplicates: Vec<(usize, usize)>,
    /// The rule's working memory, kept for [`RuleOutput::into_buffers`].
    scratch: Scratch,
}

/// The memory of a [`RuleOutput`], emptied, for a rule to fill again:
/// a long-running caller that applies a rule over and over (a sync every
/// few minutes) reuses it instead of allocating the output anew each time,
/// as [`std::io::BufRead::read_line`] reuses a `String`.
///
/// Get one from [`RuleOutput::into_buffers`] (or start from
/// [`RuleBuffers::default`]) and hand it to a rule's `apply_reusing`
/// (e.g. [`cyzen::CyzenRule::apply_reusing`]). Only memory is reused: the
/// output is the same as `apply`'s, whatever the buffers held before.
///
/// ```
/// use chrono::TimeZone;
/// use kot_connect_core::rules::RuleBuffers;
/// use kot_connect_core::rules::cyzen::{CyzenRule, StatusPress, StatusType};
/// use kot_connect_core::{DayBorder, EmployeeCode};
///
/// let jst = kot_connect_core::time::jst();
/// let rule = CyzenRule::default();
/// let mut buffers = RuleBuffers::default();
/// for minute in 0..3 {
///     let presses = [StatusPress {
///         history_id: format!("h{minute}"),
///         employee: EmployeeCode::new("U1"),
///         status_type: StatusType::WorkStart,
///         status_name: "出勤".into(),
///         pressed_at: jst.with_ymd_and_hms(2024, 6, 3, 8, minute, 0).unwrap().fixed_offset(),
///         location: None,
///     }];
///     let out = rule.apply_reusing(&presses, &DayBorder::MIDNIGHT, buffers);
///     assert_eq!(out.punches().len(), 1);
///     // ... hand the punches on (clone what must outlive the output) ...
///     buffers = out.into_buffers();
/// }
/// ```
#[derive(Debug, Default)]
pub struct RuleBuffers {
    drafts: Vec<Draft>,
    slots: Vec<Slot>,
    duplicates: Vec<(usize, usize)>,
    scratch: Scratch,
}

impl RuleBuffers {
    /// How many punches the buffers hold room for without allocating.
    pub fn punch_capacity(&self) -> usize {
        self.drafts.capacity()
    }
}

/// A punch in a [`RuleOutput`]: its record's position, kind and work date
/// (what [`PunchRef`] shows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Draft {
    pub(crate) index: usize,
    pub(crate) kind: PunchKind,
    pub(crate) work_date: NaiveDate,
}

/// A rule's working memory between runs: only its capacity matters, so
/// every two are equal and a clone starts empty.
#[derive(Default)]
pub(crate) struct Scratch {
    /// Hashes (e.g. of record ids).
    pub(crate) words: Vec<u64>,
    /// Positions (e.g. a gather order).
    pub(crate) positions: Vec<usize>,
    /// Records that become punches, before the punches are built.
    pub(crate) pending: Vec<Pending>,
}

impl Clone for Scratch {
    fn clone(&self) -> Self {
        Scratch::default()
    }
}

impl PartialEq for Scratch {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

impl fmt::Debug for Scratch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scratch")
            .field("words", &self.words.capacity())
            .field("positions", &self.positions.capacity())
            .field("pending", &self.pending.capacity())
            .finish()
    }
}

/// A record that becomes a punch, before the punch is built: its position
/// in the input, its employee's dense index, and what the punch takes that
/// the record does not hold as is.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pending {
    pub(crate) index: usize,
    pub(crate) dense: usize,
    pub(crate) work_date: chrono::NaiveDate,
    pub(crate) kind: crate::punch::PunchKind,
}

impl<'a, R> RuleOutput<'a, R> {
    /// An output where every record is `initial` so far.
    pub(crate) fn new(records: &'a [R], initial: Slot) -> Self {
        Self::reusing(records, initial, RuleBuffers::default())
    }

    /// [`RuleOutput::new`] in the memory of `buffers` (emptied first).
    pub(crate) fn reusing(records: &'a [R], initial: Slot, buffers: RuleBuffers) -> Self {
        let RuleBuffers {
            mut drafts,
            mut slots,
            mut duplicates,
            scratch,
        } = buffers;
        drafts.clear();
        slots.clear();
        slots.resize(records.len(), initial);
        duplicates.clear();
        RuleOutput {
            records,
            drafts,
            slots,
            duplicates,
            scratch,
        }
    }

    /// The output's memory, emptied, for the next run of a rule (see
    /// [`RuleBuffers`]). The punches are dropped: take what you need first.
    pub fn into_buffers(self) -> RuleBuffers {
        let RuleOutput {
            mut drafts,
            mut slots,
            mut duplicates,
            scratch,
            ..
        } = self;
        drafts.clear();
        slots.clear();
        duplicates.clear();
        RuleBuffers {
            drafts,
            slots,
            duplicates,
            scratch,
        }
    }

    /// The rule's working memory.
    pub(crate) fn scratch_mut(&mut self) -> &mut Scratch {
        &mut self.scratch
    }

    /// Marks record `index` (a position in the input).
    pub(crate) fn set(&mut self, index: usize, slot: Slot) {
        if let Some(s) = self.slots.get_mut(index) {
            *s = slot;
        }
    }

    /// Marks record `index` as a duplicate of record `kept`.
    pub(crate) fn set_duplicate(&mut self, index: usize, kept: usize) {
        self.set(index, Slot::Duplicate);
        self.duplicates.push((index, kept));
    }

    /// Record `index` became the punch of `kind` on `work_date`.
    pub(crate) fn push_punch(&mut self, index: usize, kind: PunchKind, work_date: NaiveDate) {
        if index >= self.records.len() {
            return;
        }
        self.set(index, Slot::Punched);
        self.drafts.push(Draft {
            index,
            kind,
            work_date,
        });
    }

    pub(crate) fn slots_mut(&mut self) -> &mut [Slot] {
        &mut self.slots
    }

    /// The punches, for a rule that places them itself: each draft's index
    /// must be a position in the records.
    pub(crate) fn drafts_mut(&mut self) -> &mut Vec<Draft> {
        &mut self.drafts
    }

    /// Puts the duplicates in record order (after a rule is done).
    pub(crate) fn finish(mut self) -> Self {
        if !self.duplicates.is_sorted() {
            self.duplicates.sort_unstable();
        }
        self
    }

    /// The records the rule read.
    pub fn records(&self) -> &'a [R] {
        self.records
    }

    /// The punches wanted in KOT, ordered by employee code, then time; see
    /// each rule for the order of punches at the same instant. Each refers
    /// to its record ([`PunchRef`]); [`RuleOutput::to_punches`] builds the
    /// owned punches.
    pub fn punches(
        &self,
    ) -> impl ExactSizeIterator<Item = PunchRef<'a, R>> + DoubleEndedIterator + '_ {
        let records = self.records;
        // Every draft's index is a position in `records` (see
        // `push_punch` and `drafts_mut`).
        self.drafts.iter().map(move |d| PunchRef {
            record: &records[d.index],
            index: d.index,
            kind: d.kind,
            work_date: d.work_date,
        })
    }

    /// How many records did not become a punch.
    pub fn ignored_count(&self) -> usize {
        self.slots.len() - self.drafts.len()
    }

    /// What became of the record at `index` in the input (`None` past the
    /// end).
    pub fn disposition(&self, index: usize) -> Option<Disposition> {
        let slot = *self.slots.get(index)?;
        Some(self.expand(index, slot))
    }

    /// Every record with its disposition, in input order.
    pub fn dispositions(&self) -> impl ExactSizeIterator<Item = (&'a R, Disposition)> + '_ {
        self.records
            .iter()
            .zip(&self.slots)
            .enumerate()
            .map(|(index, (record, &slot))| (record, self.expand(index, slot)))
    }

    fn expand(&self, index: usize, slot: Slot) -> Disposition {
        match slot {
            Slot::Punched => Disposition::Punched,
            Slot::NotFirstOrLast => Disposition::NotFirstOrLast,
            Slot::ClockOutNotSynced => Disposition::ClockOutNotSynced,
            Slot::NotSynced => Disposition::NotSynced,
            Slot::Duplicate => {
                let kept = self
                    .duplicates
                    .binary_search_by_key(&index, |&(record, _)| record)
                    .ok()
                    .and_then(|at| self.duplicates.get(at))
                    .map_or(index, |&(_, kept)| kept);
                Disposition::Duplicate { kept }
            }
            Slot::OutsideWindow => Disposition::OutsideWindow,
            Slot::NotACommand => Disposition::NotACommand,
            Slot::NotEnabled => Disposition::NotEnabled,
        }
    }
}

impl<'a, R: RuleRecord> RuleOutput<'a, R> {
    /// The owned punches, in [`RuleOutput::punches`] order.
    pub fn to_punches(&self) -> Vec<Punch> {
        let mut punches = Vec::with_capacity(self.drafts.len());
        punches.extend(self.punches().map(|p| p.to_punch()));
        punches
    }

    /// The records that did not become a punch, as sync-log rows, in input
    /// order. Built on demand from the records.
    pub fn ignored(&self) -> impl Iterator<Item = Ignored> + '_ {
        self.dispositions().filter_map(|(record, disposition)| {
            let reason = match disposition {
                Disposition::Punched => return None,
                Disposition::NotFirstOrLast => IgnoreReason::NotFirstOrLast,
                Disposition::ClockOutNotSynced => IgnoreReason::ClockOutNotSynced,
                Disposition::NotSynced => IgnoreReason::NotSynced {
                    name: record.status_name().to_owned(),
                },
                Disposition::Duplicate { kept } => IgnoreReason::Duplicate {
                    kept: self
                        .records
                        .get(kept)
                        .map_or_else(|| record.source(), RuleRecord::source),
                },
                Disposition::OutsideWindow => IgnoreReason::OutsideWindow,
                Disposition::NotACommand => IgnoreReason::NotACommand,
                Disposition::NotEnabled => IgnoreReason::NotEnabled,
            };
            Some(Ignored {
                source: record.source(),
                employee: record.employee().clone(),
                reason,
            })
        })
    }

    /// The punches and the sync-log rows of the ignored records (in input
    /// order): what a source hands the engine.
    pub fn into_parts(self) -> (Vec<Punch>, Vec<Ignored>) {
        let mut ignored = Vec::with_capacity(self.ignored_count());
        ignored.extend(self.ignored());
        (self.to_punches(), ignored)
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! The rows of an output, for tests to compare with plain references.

    use super::*;

    /// Punches in the rule's order; ignored rows by source, employee, then
    /// reason.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub(crate) struct Rows {
        pub(crate) punches: Vec<Punch>,
        pub(crate) ignored: Vec<Ignored>,
    }

    impl Rows {
        pub(crate) fn sorted(mut self) -> Self {
            self.ignored.sort_by(|a, b| {
                (&a.source, &a.employee, &a.reason).cmp(&(&b.source, &b.employee, &b.reason))
            });
            self
        }
    }

    impl<R: RuleRecord> RuleOutput<'_, R> {
        /// The rows, after checking that the dispositions and the punches
        /// agree: each punched record is exactly one punch.
        pub(crate) fn rows(&self) -> Rows {
            let mut punched: Vec<SourceRef> = self
                .dispositions()
                .filter(|(_, d)| *d == Disposition::Punched)
                .map(|(r, _)| r.source())
                .collect();
            let mut sources: Vec<SourceRef> = self.punches().map(|p| p.record().source()).collect();
            punched.sort();
            sources.sort();
            assert_eq!(punched, sources, "punched records and punches disagree");
            assert_eq!(self.dispositions().len(), self.records().len());
            Rows {
                punches: self.to_punches(),
                ignored: self.ignored().collect(),
            }
            .sorted()
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::senselink::{Recognition, SenseLinkRule};
    use super::*;
    use crate::time::{DayBorder, jst};

    #[test]
    fn punch_refs_name_their_records_and_build_the_owned_punches() {
        let at = |h, m| jst().with_ymd_and_hms(2026, 4, 2, h, m, 0).unwrap();
        let records = [
            Recognition::new(7, "B", at(9, 0)),
            Recognition::new(8, "A", at(18, 30)),
            Recognition::new(9, "A", at(8, 15)),
            Recognition::new(10, "B", at(12, 0)),
        ];
        let date = NaiveDate::from_ymd_opt(2026, 4, 2).unwrap();
        let out = SenseLinkRule::default().apply_to_work_date(date, &records, &DayBorder::MIDNIGHT);

        // By employee code, then time: A's 08:15 and 18:30, B's 09:00 and 12:00.
        let refs: Vec<_> = out
            .punches()
            .map(|p| (p.index(), p.record().id, p.kind(), p.work_date()))
            .collect();
        assert_eq!(
            refs,
            vec![
                (2, 9, PunchKind::ClockIn, date),
                (1, 8, PunchKind::ClockOut, date),
                (0, 7, PunchKind::ClockIn, date),
                (3, 10, PunchKind::ClockOut, date),
            ]
        );
        assert_eq!(out.punches().len(), 4);
        assert_eq!(out.punches().next_back().map(|p| p.index()), Some(3));

        let owned = out.to_punches();
        for (punch, reference) in owned.iter().zip(out.punches()) {
            assert_eq!(*punch, reference.to_punch());
            assert_eq!(punch.source, reference.record().source());
            assert_eq!(punch.employee, reference.record().employee);
            assert_eq!(punch.at, reference.record().at);
            assert_eq!((punch.kind, punch.work_date), (reference.kind(), date));
        }
        assert_eq!(owned[0].source.to_string(), "senselink:9");
        let (parts, ignored) = out.clone().into_parts();
        assert_eq!(parts, owned);
        assert!(ignored.is_empty());
    }
}
