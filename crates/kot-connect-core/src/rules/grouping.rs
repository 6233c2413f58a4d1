//! What the rules share to classify records in one linear pass, without
//! sorting them:
//!
//! - [`Interner`]: each employee code gets a dense index and the rule's
//!   per-employee state, stored beside the code packed into two words, in
//!   an open-addressing table; [`Interner::dense_of_block`] looks up a block
//!   of records at a time so that the table reads overlap.
//!   [`Interner::by_code`] sorts only the distinct codes, for the output
//!   order, and [`run_bounds`] where each employee's punches go in that
//!   order (a counting sort).
//! - [`WorkDay`]: an employee's border, looked up once per employee; the
//!   work date of an instant is integer arithmetic on epoch seconds.
//! - [`Instant`]: an instant as epoch seconds and nanoseconds, compared as
//!   integers.

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike};
use rustc_hash::FxHasher;

use crate::EmployeeCode;
use crate::time::DayBorder;

/// An instant as epoch seconds and nanoseconds (chrono's leap-second
/// representation included), in chrono's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Instant {
    pub(crate) secs: i64,
    pub(crate) nanos: u32,
}

impl Instant {
    #[inline]
    pub(crate) fn of(at: &DateTime<FixedOffset>) -> Self {
        Instant {
            secs: at.timestamp(),
            nanos: at.timestamp_subsec_nanos(),
        }
    }
}

/// How an employee's work date is computed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WorkDay {
    border: DayBorder,
    /// For a border on a whole second: JST's offset minus the border's
    /// seconds since midnight, so that the work date is
    /// `floor((epoch seconds + shift) / 86400)`. `None` for a border with a
    /// fraction of a second (only possible through [`DayBorder::new`]),
    /// which takes chrono's arithmetic per record.
    shift: Option<i64>,
}

/// Days from 0001-01-01 (CE day 1) to 1970-01-01.
const UNIX_EPOCH_DAYS_FROM_CE: i64 = 719_163;
pub(crate) const SECONDS_PER_DAY: i64 = 86_400;
const JST_OFFSET_SECONDS: i64 = 9 * 3600;

impl WorkDay {
    pub(crate) fn of(border: DayBorder) -> Self {
        let time = border.time();
        let shift = (time.nanosecond() == 0)
            .then(|| JST_OFFSET_SECONDS - i64::from(time.num_seconds_from_midnight()));
        WorkDay { border, shift }
    }

    /// The work date of an instant (`secs` its epoch seconds) as days from
    /// CE; `at` gives the instant, read only for a border with a fraction
    /// of a second.
    pub(crate) fn day_number<'t>(
        self,
        secs: i64,
        at: impl FnOnce() -> &'t DateTime<FixedOffset>,
    ) -> i64 {
        match self.shift {
            // A whole-second border: the fraction of a second (a leap
            // second's included) never moves an instant across it.
            Some(shift) => (secs + shift).div_euclid(SECONDS_PER_DAY) + UNIX_EPOCH_DAYS_FROM_CE,
            None => i64::from(self.border.work_date(at()).num_days_from_ce()),
        }
    }

    /// Whether the border is on a whole second (work dates are then
    /// integer arithmetic).
    pub(crate) fn is_whole_second(self) -> bool {
        self.shift.is_some()
    }

    /// The epoch second `work_date` starts in under this border (the
    /// border's whole second).
    pub(crate) fn start_secs(self, work_date: NaiveDate) -> i64 {
        match self.shift {
            Some(shift) => {
                (day_number_of(work_date) - UNIX_EPOCH_DAYS_FROM_CE) * SECONDS_PER_DAY - shift
            }
            None => self.border.start_of(work_date).timestamp(),
        }
    }

    /// The date of a day number from [`WorkDay::day_number`] for a record at
    /// `at`.
    pub(crate) fn date<'t>(
        self,
        day_number: i64,
        at: impl FnOnce() -> &'t DateTime<FixedOffset>,
    ) -> NaiveDate {
        i32::try_from(day_number)
            .ok()
            .and_then(NaiveDate::from_num_days_from_ce_opt)
            .unwrap_or_else(|| self.border.work_date(at()))
    }
}

/// The day number of a date (days from CE), as [`WorkDay::day_number`]
/// gives.
pub(crate) fn day_number_of(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce())
}

/// An employee code packed for hashing and comparing: up to 15 bytes
/// (zero-padded, big-endian) with the length in the last byte; a longer
/// code as its hash, marked by [`Packed::LONG`] (compared as text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Packed([u64; 2]);

impl Packed {
    const BYTES: usize = 15;
    /// The second word of a code longer than [`Packed::BYTES`]: its last
    /// byte (the length of a packed code) is never `0xFF`.
    const LONG: u64 = u64::MAX;

    #[inline]
    fn of(code: &EmployeeCode) -> Self {
        let text = code.as_str();
        if text.len() > Self::BYTES {
            let mut hasher = FxHasher::default();
            text.hash(&mut hasher);
            return Packed([hasher.finish(), Self::LONG]);
        }
        // Byte by byte: for a few bytes, cheaper than a copy into a buffer.
        let mut words = [0u64; 2];
        for (i, &byte) in text.as_bytes().iter().enumerate() {
            words[(i / 8) & 1] |= u64::from(byte) << (56 - 8 * (i % 8));
        }
        words[1] |= text.len() as u64;
        Packed(words)
    }

    fn is_long(self) -> bool {
        self.0[1] == Self::LONG
    }

    /// A 64-bit hash (a multiply-xorshift mix of the words).
    fn hash(self) -> u64 {
        const K: u64 = 0x9E37_79B9_7F4A_7C15;
        let [a, b] = self.0;
        let h = (a.wrapping_mul(K).rotate_left(31) ^ b).wrapping_mul(K);
        h ^ (h >> 29)
    }

    /// The order of the codes' text (`code` is the code of `self`). For
    /// packed codes, zero padding and then the length give exactly the byte
    /// order of the text: a code that is a prefix of another compares less
    /// either way.
    fn text_cmp(
        (key, code): (Self, &EmployeeCode),
        (other, other_code): (Self, &EmployeeCode),
    ) -> Ordering {
        if key.is_long() || other.is_long() {
            code.as_str().cmp(other_code.as_str())
        } else {
            key.0.cmp(&other.0)
        }
    }
}

/// Where each employee's run of items starts in employee code order (a
/// counting sort's prefix sums): `dense` gives the dense index of each
/// item, `ranks` the rank in code order of each dense index. Indexed by
/// rank; the last bound is the number of items. Placing each item, in its
/// present order, at its rank's next free place sorts them stably.
pub(crate) fn run_bounds(dense: impl Iterator<Item = usize>, ranks: &[usize]) -> Vec<usize> {
    let mut bounds = vec![0usize; ranks.len() + 1];
    for d in dense {
        if let Some(&rank) = ranks.get(d) {
            bounds[rank + 1] += 1;
        }
    }
    for rank in 0..ranks.len() {
        bounds[rank + 1] += bounds[rank];
    }
    bounds
}

/// The most codes [`Interner::dense_of_block`] takes.
pub(crate) const BLOCK: usize = 32;

/// One employee's packed code and the caller's state, on one cache line
/// when the state is at most 48 bytes.
#[repr(align(64))]
struct Entry<S> {
    key: Packed,
    state: S,
}

/// Dense indices for employee codes (in order of first appearance), each
/// with the caller's per-employee state `S` stored beside the packed code,
/// so that finding an employee and updating its state touch one place.
///
/// An open-addressing table of 64-bit slots (a 32-bit hash tag and the
/// dense index plus one), at most half full: a lookup reads one slot and,
/// when the tag matches, the entry. A slot holds the dense index in 32
/// bits: up to 2^32 - 1 distinct codes (256 GB of entries).
pub(crate) struct Interner<'a, S> {
    slots: Vec<u64>,
    /// `64 - log2(slots.len())`: the slot of a hash is its top bits.
    shift: u32,
    entries: Vec<Entry<S>>,
    codes: Vec<&'a EmployeeCode>,
    /// The code of the record before and its dense index.
    previous: Option<(&'a EmployeeCode, usize)>,
}

impl<'a, S> Interner<'a, S> {
    const INITIAL_SLOTS_LOG2: u32 = 10;

    pub(crate) fn new() -> Self {
        Interner {
            slots: vec![0; 1 << Self::INITIAL_SLOTS_LOG2],
            shift: 64 - Self::INITIAL_SLOTS_LOG2,
            entries: Vec::new(),
            codes: Vec::new(),
            previous: None,
        }
    }

    /// The dense index of `code` and its state, made by `init` (given the
    /// new dense index) for a new code.
    #[inline]
    pub(crate) fn entry(
        &mut self,
        code: &'a EmployeeCode,
        init: impl FnOnce(usize, &'a EmployeeCode) -> S,
    ) -> (usize, &mut S) {
        if let Some((last, dense)) = self.previous
            && last.as_str() == code.as_str()
            && dense < self.entries.len()
        {
            return (dense, &mut self.entries[dense].state);
        }
        let key = Packed::of(code);
        let hash = key.hash();
        let tag = hash << 32;
        let mask = self.slots.len() - 1;
        let mut slot = (hash >> self.shift) as usize;
        loop {
            let value = self.slots[slot];
            if value == 0 {
                break;
            }
            if value & !u64::from(u32::MAX) == tag {
                let dense = (value & u64::from(u32::MAX)) as usize - 1;
                if self
                    .entries
                    .get(dense)
                    .is_some_and(|entry| entry.key == key)
                    && (!key.is_long()
                        || self.codes.get(dense).map(|c| c.as_str()) == Some(code.as_str()))
                {
                    self.previous = Some((code, dense));
                    return (dense, &mut self.entries[dense].state);
                }
            }
            slot = (slot + 1) & mask;
        }
        // A new code.
        let dense = self.entries.len();
        self.entries.push(Entry {
            key,
            state: init(dense, code),
        });
        self.codes.push(code);
        self.slots[slot] = tag | (dense as u64 + 1);
        if 2 * self.entries.len() > self.slots.len() {
            self.grow();
        }
        self.previous = Some((code, dense));
        (dense, &mut self.entries[dense].state)
    }

    /// The dense indices of `codes` (at most [`BLOCK`]) into
    /// `dense`, in order, making new codes' states with `init` in order of
    /// first appearance.
    ///
    /// The same as [`Interner::entry`] for each code, but in three passes
    /// over the block (hash every code, read every slot, check every
    /// entry), so that the processor waits for many table reads at once
    /// instead of one after the other. A code whose first slot does not
    /// hold it (a collision, or a new code) takes [`Interner::entry`].
    #[inline]
    pub(crate) fn dense_of_block(
        &mut self,
        codes: impl Iterator<Item = &'a EmployeeCode> + Clone,
        dense: &mut Vec<usize>,
        mut init: impl FnMut(usize, &'a EmployeeCode) -> S,
    ) {
        let mut keys = [Packed([0; 2]); BLOCK];
        let mut found = [0u64; BLOCK];
        let mut n = 0;
        for (code, key) in codes.clone().zip(keys.iter_mut()) {
            *key = Packed::of(code);
            n += 1;
        }
        let mask = self.slots.len() - 1;
        for (key, found) in keys[..n].iter().zip(found.iter_mut()) {
            let slot = (key.hash() >> self.shift) as usize;
            *found = self.slots[slot & mask];
        }
        dense.clear();
        for ((code, key), found) in codes.zip(&keys[..n]).zip(&found[..n]) {
            let candidate = (found & u64::from(u32::MAX)) as usize;
            let hit = found & !u64::from(u32::MAX) == key.hash() << 32
                && candidate > 0
                && !key.is_long()
                && self
                    .entries
                    .get(candidate - 1)
                    .is_some_and(|entry| entry.key == *key);
            if hit {
                dense.push(candidate - 1);
            } else {
                let (index, _) = self.entry(code, &mut init);
                dense.push(index);
            }
        }
    }

    /// The state of dense index `dense`.
    #[inline]
    pub(crate) fn state_mut(&mut self, dense: usize) -> Option<&mut S> {
        self.entries.get_mut(dense).map(|entry| &mut entry.state)
    }

    /// Doubles the table.
    fn grow(&mut self) {
        let log2 = 64 - self.shift + 1;
        self.slots = vec![0; 1 << log2];
        self.shift = 64 - log2;
        let mask = self.slots.len() - 1;
        for (dense, entry) in self.entries.iter().enumerate() {
            let hash = entry.key.hash();
            let mut slot = (hash >> self.shift) as usize;
            while self.slots[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            self.slots[slot] = (hash << 32) | (dense as u64 + 1);
        }
    }

    /// How many codes.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The code and state of dense index `dense`.
    pub(crate) fn get(&self, dense: usize) -> Option<(&'a EmployeeCode, &S)> {
        let code = *self.codes.get(dense)?;
        Some((code, &self.entries.get(dense)?.state))
    }

    /// Each code's state, by dense index.
    pub(crate) fn states_mut(&mut self) -> impl Iterator<Item = &mut S> {
        self.entries.iter_mut().map(|entry| &mut entry.state)
    }

    /// The dense indices in code order.
    pub(crate) fn by_code(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.entries.len().min(self.codes.len())).collect();
        let of = |dense: usize| (self.entries[dense].key, self.codes[dense]);
        order.sort_unstable_by(|&a, &b| Packed::text_cmp(of(a), of(b)));
        order
    }

    /// The rank in code order of each dense index.
    pub(crate) fn ranks(&self) -> Vec<usize> {
        let mut ranks = vec![0; self.entries.len()];
        for (rank, dense) in self.by_code().into_iter().enumerate() {
            ranks[dense] = rank;
        }
        ranks
    }
}

#[cfg(test)]
mod tests {
    //! The first/last rules against plain references: one comparison sort
    //! of all records, then runs of equal (employee, chrono work date).

    use chrono::{Duration, NaiveTime, TimeZone};
    use proptest::prelude::*;

    use super::super::malion::{MaLionPolicy, MaLionRule, PcEvent, PcLog};
    use super::super::senselink::{Recognition, SenseLinkMode, SenseLinkRule};
    use super::super::testing::Rows;
    use super::super::{BorderMap, DayBorders, IgnoreReason, Ignored};
    use super::*;
    use crate::punch::{Punch, PunchKind, SourceRef, SourceSystem};
    use std::collections::HashMap;

    /// Codes with leading zeros, a prefix of another (also with a NUL byte,
    /// which packing pads with), empty, the longest packed (15 bytes), the
    /// shortest not packed (16 bytes), and two long ones sharing a prefix.
    const CODES: [&str; 13] = [
        "7",
        "7\u{0}",
        "07",
        "007",
        "0070",
        "U000123",
        "",
        "an-employee-code-longer-than-24-bytes",
        "an-employee-code-longer-than-24-bytes-too",
        "123456789012345",
        "1234567890123456",
        "12345678901234\u{0}",
        "10",
    ];

    fn base() -> DateTime<FixedOffset> {
        crate::time::jst()
            .with_ymd_and_hms(2026, 3, 30, 0, 0, 0)
            .unwrap()
    }

    /// Times of day (seconds since midnight) that borders and instants
    /// share, so that instants fall on and right beside borders.
    const EDGES: [u32; 5] = [0, 5 * 3600, 5 * 3600 - 1, 86_399, 12 * 3600 + 30 * 60];

    /// A border on an edge, on any second, or with a fraction of a second.
    fn arb_border() -> impl Strategy<Value = DayBorder> {
        let at = |s: u32, n: u32| {
            DayBorder::new(NaiveTime::from_num_seconds_from_midnight_opt(s, n).unwrap())
        };
        prop_oneof![
            proptest::sample::select(EDGES.to_vec()).prop_map(move |s| at(s, 0)),
            (0u32..86_400).prop_map(move |s| at(s, 0)),
            (
                proptest::sample::select(EDGES.to_vec()),
                1u32..1_000_000_000
            )
                .prop_map(move |(s, n)| at(s, n)),
        ]
    }

    fn arb_borders() -> impl Strategy<Value = BorderMap> {
        (
            proptest::collection::vec(proptest::option::of(arb_border()), CODES.len()),
            arb_border(),
        )
            .prop_map(|(each, fallback)| BorderMap {
                by_employee: CODES
                    .iter()
                    .zip(each)
                    .filter_map(|(code, border)| Some((EmployeeCode::new(*code), border?)))
                    .collect(),
                fallback,
            })
    }

    /// An instant in four days: coarse (so that equal instants are common),
    /// on or beside an edge, or to the nanosecond; in JST, UTC or another
    /// offset.
    fn arb_instant() -> impl Strategy<Value = DateTime<FixedOffset>> {
        (
            prop_oneof![
                (0i64..4 * 24 * 4).prop_map(|q| Duration::minutes(q * 15)),
                // On an edge, or a second or a nanosecond beside it.
                (
                    0i64..4,
                    proptest::sample::select(EDGES.to_vec()),
                    proptest::sample::select(vec![-1_000_000_000i64, -1, 0, 1, 1_000_000_000]),
                )
                    .prop_map(|(day, edge, jitter)| {
                        Duration::days(day)
                            + Duration::seconds(i64::from(edge))
                            + Duration::nanoseconds(jitter)
                    }),
                (0i64..4 * 86_400, 0i64..1_000_000_000)
                    .prop_map(|(s, n)| Duration::seconds(s) + Duration::nanoseconds(n)),
            ],
            prop_oneof![Just(9 * 3600), Just(0), Just(-5 * 3600)],
        )
            .prop_map(|(since, offset)| {
                (base() + since).with_timezone(&FixedOffset::east_opt(offset).unwrap())
            })
    }

    /// Records with unique ids, shuffled or in time order.
    fn arb_recognitions() -> impl Strategy<Value = Vec<Recognition>> {
        (
            proptest::collection::vec((0..CODES.len(), arb_instant(), 0i64..1000), 0..80),
            any::<bool>(),
        )
            .prop_map(|(rows, in_time_order)| {
                let mut records: Vec<Recognition> = rows
                    .into_iter()
                    .enumerate()
                    .map(|(n, (code, at, id_hi))| {
                        Recognition::new(id_hi * 1000 + n as i64, CODES[code], at)
                    })
                    .collect();
                if in_time_order {
                    records.sort_by_key(|r| r.at);
                }
                records
            })
    }

    fn work_date(
        borders: &BorderMap,
        employee: &EmployeeCode,
        at: &DateTime<FixedOffset>,
    ) -> NaiveDate {
        borders.border_for(employee).work_date(at)
    }

    /// SenseLink written plainly: sort everything, cut into days, take the
    /// first and last of the target day.
    fn senselink_reference(
        rule: SenseLinkRule,
        target: NaiveDate,
        records: &[Recognition],
        borders: &BorderMap,
    ) -> Rows {
        let mut sorted: Vec<&Recognition> = records.iter().collect();
        sorted.sort_by(|a, b| (&a.employee, a.at, a.id).cmp(&(&b.employee, b.at, b.id)));
        let mut out = Rows::default();
        for day in sorted.chunk_by(|a, b| {
            a.employee == b.employee
                && work_date(borders, &a.employee, &a.at) == work_date(borders, &b.employee, &b.at)
        }) {
            let date = work_date(borders, &day[0].employee, &day[0].at);
            for (i, r) in day.iter().enumerate() {
                let source = SourceRef::new(SourceSystem::SenseLink, r.id.to_string());
                let kind = if date != target {
                    Err(IgnoreReason::OutsideWindow)
                } else if i == 0 {
                    Ok(PunchKind::ClockIn)
                } else if i < day.len() - 1 {
                    Err(IgnoreReason::NotFirstOrLast)
                } else if rule.mode == SenseLinkMode::ClockInAndOut {
                    Ok(PunchKind::ClockOut)
                } else {
                    Err(IgnoreReason::ClockOutNotSynced)
                };
                match kind {
                    Ok(kind) => out.punches.push(Punch {
                        employee: r.employee.clone(),
                        key: None,
                        kind,
                        at: r.at,
                        work_date: date,
                        source,
                        location: r.location,
                    }),
                    Err(reason) => out.ignored.push(Ignored {
                        source,
                        employee: r.employee.clone(),
                        reason,
                    }),
                }
            }
        }
        out.sorted()
    }

    fn arb_logs() -> impl Strategy<Value = Vec<PcLog>> {
        let events = prop_oneof![
            Just(PcEvent::Logon),
            Just(PcEvent::Logoff),
            Just(PcEvent::Lock),
            Just(PcEvent::Unknown("?".into())),
        ];
        (
            proptest::collection::vec(
                (0..CODES.len(), arb_instant(), events, 0u8..2, 0u8..3),
                0..80,
            ),
            any::<bool>(),
        )
            .prop_map(|(rows, in_time_order)| {
                let mut logs: Vec<PcLog> = rows
                    .into_iter()
                    .enumerate()
                    .map(|(n, (code, at, event, pc, copy))| {
                        PcLog::new(
                            format!("{copy}-{n:03}"),
                            CODES[code],
                            event,
                            at,
                            format!("PC{pc}"),
                        )
                    })
                    .collect();
                // Relay copies: some logs delivered again under another id.
                let copies: Vec<PcLog> = logs
                    .iter()
                    .filter(|l| l.id.starts_with('0'))
                    .map(|l| PcLog {
                        id: format!("{}-again", l.id),
                        ..l.clone()
                    })
                    .collect();
                logs.extend(copies);
                if in_time_order {
                    logs.sort_by_key(|l| l.at);
                }
                logs
            })
    }

    /// MaLion's grouping written plainly; each day goes to the rule's own
    /// per-day logic, which the grouping feeds.
    fn malion_reference(rule: MaLionRule, logs: &[PcLog], borders: &BorderMap) -> Rows {
        let mut sorted: Vec<&PcLog> = logs.iter().collect();
        sorted.sort_by(|a, b| {
            (&a.employee, a.at, &a.computer, &a.event, &a.id).cmp(&(
                &b.employee,
                b.at,
                &b.computer,
                &b.event,
                &b.id,
            ))
        });
        let mut out = Rows::default();
        for day in sorted.chunk_by(|a, b| {
            a.employee == b.employee
                && work_date(borders, &a.employee, &a.at) == work_date(borders, &b.employee, &b.at)
        }) {
            malion_day(
                rule,
                work_date(borders, &day[0].employee, &day[0].at),
                day,
                &mut out,
            );
        }
        out.sorted()
    }

    /// `day`: one employee's logs of one work date, in order (the rule's
    /// per-day logic before it became one pass).
    fn malion_day(rule: MaLionRule, date: NaiveDate, day: &[&PcLog], out: &mut Rows) {
        let is_dup = |i: usize| {
            i > 0
                && day[i - 1].at == day[i].at
                && day[i - 1].computer == day[i].computer
                && day[i - 1].event == day[i].event
        };
        let counts_in = |e: &PcEvent| match rule.policy {
            MaLionPolicy::LogonLogoff => *e == PcEvent::Logon,
            MaLionPolicy::FirstLastOfDay => !matches!(e, PcEvent::Unknown(_)),
        };
        let counts_out = |e: &PcEvent| match rule.policy {
            MaLionPolicy::LogonLogoff => *e == PcEvent::Logoff,
            MaLionPolicy::FirstLastOfDay => !matches!(e, PcEvent::Unknown(_)),
        };
        let first_in = (0..day.len()).find(|&i| !is_dup(i) && counts_in(&day[i].event));
        let last_out = (0..day.len())
            .rev()
            .find(|&i| !is_dup(i) && counts_out(&day[i].event))
            .filter(|&i| first_in.is_none_or(|first| i > first));
        let source = |log: &PcLog| SourceRef::new(SourceSystem::MaLion, log.id.as_str());
        let mut kept = 0;
        for (i, &log) in day.iter().enumerate() {
            let reason = if is_dup(i) {
                IgnoreReason::Duplicate {
                    kept: source(day[kept]),
                }
            } else {
                kept = i;
                let kind = if Some(i) == first_in {
                    Some(PunchKind::ClockIn)
                } else if Some(i) == last_out {
                    Some(PunchKind::ClockOut)
                } else {
                    None
                };
                if let Some(kind) = kind {
                    out.punches.push(Punch {
                        employee: log.employee.clone(),
                        key: None,
                        kind,
                        at: log.at,
                        work_date: date,
                        source: source(log),
                        location: None,
                    });
                    continue;
                }
                if counts_in(&log.event) || counts_out(&log.event) {
                    IgnoreReason::NotFirstOrLast
                } else {
                    IgnoreReason::NotSynced {
                        name: log.event.name().to_owned(),
                    }
                }
            };
            out.ignored.push(Ignored {
                source: source(log),
                employee: log.employee.clone(),
                reason,
            });
        }
    }

    fn sources(out: &Rows) -> Vec<&SourceRef> {
        let mut all: Vec<&SourceRef> = out
            .punches
            .iter()
            .map(|p| &p.source)
            .chain(out.ignored.iter().map(|i| &i.source))
            .collect();
        all.sort();
        all
    }

    /// Codes of many lengths and shapes, so that the interner's table grows
    /// several times and blocks mix new and known codes.
    fn arb_code() -> impl Strategy<Value = String> {
        prop_oneof![
            (0u32..3000).prop_map(|n| format!("{n:05}")),
            (0u32..3000).prop_map(|n| n.to_string()),
            (0u32..300).prop_map(|n| format!("long-employee-code-{n:020}")),
            proptest::sample::select(CODES.to_vec()).prop_map(str::to_owned),
        ]
    }

    proptest! {
        // Thousands of records a case: fewer cases.
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn the_interner_numbers_codes_as_a_plain_map_does(
            codes in proptest::collection::vec(arb_code(), 0..3000),
            block in any::<bool>(),
        ) {
            let codes: Vec<EmployeeCode> = codes.into_iter().map(EmployeeCode::new).collect();
            let mut interner: Interner<'_, usize> = Interner::new();
            let mut got = Vec::new();
            if block {
                let mut dense = Vec::new();
                for chunk in codes.chunks(BLOCK) {
                    interner.dense_of_block(chunk.iter(), &mut dense, |n, _| n);
                    got.extend_from_slice(&dense);
                }
            } else {
                for code in &codes {
                    got.push(interner.entry(code, |n, _| n).0);
                }
            }
            // First-appearance numbering, and each state made once.
            let mut reference: HashMap<&str, usize> = HashMap::new();
            let expected: Vec<usize> = codes
                .iter()
                .map(|c| {
                    let next = reference.len();
                    *reference.entry(c.as_str()).or_insert(next)
                })
                .collect();
            prop_assert_eq!(&got, &expected);
            prop_assert_eq!(interner.len(), reference.len());
            for (code, &dense) in &reference {
                let (stored, &state) = interner.get(dense).unwrap();
                prop_assert_eq!(stored.as_str(), *code);
                prop_assert_eq!(state, dense);
            }
            // Code order is the text's byte order.
            let by_code: Vec<&str> = interner
                .by_code()
                .into_iter()
                .map(|d| interner.get(d).unwrap().0.as_str())
                .collect();
            let mut sorted: Vec<&str> = reference.keys().copied().collect();
            sorted.sort_unstable();
            prop_assert_eq!(by_code, sorted);
        }

        #[test]
        fn placing_at_run_bounds_is_a_stable_sort_by_rank(
            dense in proptest::collection::vec(0usize..40, 0..500),
            ranks in Just((0..40).collect::<Vec<usize>>()).prop_shuffle(),
        ) {
            let bounds = run_bounds(dense.iter().copied(), &ranks);
            prop_assert_eq!(bounds.len(), ranks.len() + 1);
            prop_assert_eq!(bounds.last().copied(), Some(dense.len()));
            let mut next = bounds.clone();
            let mut placed = vec![usize::MAX; dense.len()];
            for (i, &d) in dense.iter().enumerate() {
                placed[next[ranks[d]]] = i;
                next[ranks[d]] += 1;
            }
            let mut expected: Vec<usize> = (0..dense.len()).collect();
            expected.sort_by_key(|&i| ranks[dense[i]]);
            prop_assert_eq!(placed, expected);
            // Each run ends where the next starts.
            prop_assert_eq!(&next[..ranks.len()], &bounds[1..]);
        }

        #[test]
        fn senselink_matches_the_reference_for_many_employees(
            rows in proptest::collection::vec((arb_code(), arb_instant()), 0..2000),
            borders in arb_borders(),
            target_day in 0i64..5,
        ) {
            let records: Vec<Recognition> = rows
                .into_iter()
                .enumerate()
                .map(|(n, (code, at))| Recognition::new(n as i64 % 7, code, at))
                .collect();
            let rule = SenseLinkRule::default();
            let target = base().date_naive() + Duration::days(target_day);
            let fast = rule.apply_to_work_date(target, &records, &borders).rows();
            prop_assert_eq!(&fast, &senselink_reference(rule, target, &records, &borders));
        }

        #[test]
        fn malion_matches_the_reference_for_many_employees(
            rows in proptest::collection::vec((arb_code(), arb_instant(), any::<bool>()), 0..2000),
            borders in arb_borders(),
            in_time_order in any::<bool>(),
        ) {
            let mut logs: Vec<PcLog> = rows
                .into_iter()
                .enumerate()
                .map(|(n, (code, at, logon))| {
                    let event = if logon { PcEvent::Logon } else { PcEvent::Logoff };
                    PcLog::new(format!("{n:05}"), code, event, at, "PC")
                })
                .collect();
            if in_time_order {
                logs.sort_by_key(|l| l.at);
            }
            let rule = MaLionRule::default();
            let fast = rule.apply(&logs, &borders).rows();
            prop_assert_eq!(&fast, &malion_reference(rule, &logs, &borders));
        }
    }

    proptest! {
        #[test]
        fn senselink_matches_the_reference(
            records in arb_recognitions(),
            borders in arb_borders(),
            clock_in_only in any::<bool>(),
            target_day in 0i64..5,
        ) {
            let mode = if clock_in_only { SenseLinkMode::ClockInOnly } else { SenseLinkMode::ClockInAndOut };
            let rule = SenseLinkRule::new(mode, crate::schedule::TargetDay::SameDay);
            let target = base().date_naive() + Duration::days(target_day);
            let fast = rule.apply_to_work_date(target, &records, &borders).rows();
            prop_assert_eq!(&fast, &senselink_reference(rule, target, &records, &borders));
            // Every record exactly once.
            let mut all: Vec<SourceRef> = records
                .iter()
                .map(|r| SourceRef::new(SourceSystem::SenseLink, r.id.to_string()))
                .collect();
            all.sort();
            prop_assert_eq!(sources(&fast), all.iter().collect::<Vec<_>>());
        }

        #[test]
        fn malion_matches_the_reference(
            logs in arb_logs(),
            borders in arb_borders(),
            first_last in any::<bool>(),
        ) {
            let policy = if first_last { MaLionPolicy::FirstLastOfDay } else { MaLionPolicy::LogonLogoff };
            let rule = MaLionRule::new(policy);
            let fast = rule.apply(&logs, &borders).rows();
            prop_assert_eq!(&fast, &malion_reference(rule, &logs, &borders));
            let mut all: Vec<SourceRef> = logs
                .iter()
                .map(|l| SourceRef::new(SourceSystem::MaLion, l.id.as_str()))
                .collect();
            all.sort();
            prop_assert_eq!(sources(&fast), all.iter().collect::<Vec<_>>());
        }
    }
}
