//! Grouping shared by the first/last rules (SenseLink, MaLion), in time
//! linear in the number of records for input in time order:
//!
//! 1. Each employee code is interned once per record (one FxHash lookup,
//!    skipped when a record has the same code as the one before), and the
//!    distinct codes are sorted once: ranks follow code order.
//! 2. A counting sort by rank puts each employee's records together,
//!    keeping their input order.
//! 3. Each employee's bucket is put in (instant, tie) order: a linear check
//!    when the source delivered them in time order, a sort of that bucket
//!    alone otherwise.
//! 4. Work dates come from integer arithmetic on epoch seconds, with the
//!    employee's day border looked up once per employee.
//!
//! The result is the order of one global sort by (employee code, instant,
//! tie), without a comparison sort over all records.

use std::cmp::Ordering;
use std::collections::HashMap;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike};
use rustc_hash::FxBuildHasher;

use super::DayBorders;
use crate::EmployeeCode;
use crate::time::DayBorder;

/// A record's instant, its index in the input, and what the rule reads of
/// it most (copied here so that walking the groups reads memory in order).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Key<P> {
    secs: i64,
    nanos: u32,
    index: u32,
    payload: P,
}

/// Records grouped by employee (code order), each employee's in instant
/// order, ties broken by the caller's `tie` and then by input position.
pub(crate) struct Grouped<'a, T, P> {
    items: &'a [T],
    /// Employee codes by rank.
    codes: Vec<&'a EmployeeCode>,
    /// Rank `r`'s records are `keys[starts[r]..starts[r + 1]]`.
    starts: Vec<usize>,
    keys: Vec<Key<P>>,
}

/// One employee's records of one work date, in order.
pub(crate) struct Day<'g, 'a, T, P> {
    items: &'a [T],
    keys: &'g [Key<P>],
}

impl<'a, T, P: Copy> Day<'_, 'a, T, P> {
    /// How many records (never zero).
    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }

    /// The payloads of the records, in order.
    pub(crate) fn payloads(&self) -> impl Iterator<Item = P> + '_ {
        self.keys.iter().map(|key| key.payload)
    }

    /// The `i`-th record (`i < len()`).
    pub(crate) fn record(&self, i: usize) -> &'a T {
        &self.items[self.keys[i].index as usize]
    }

    /// The records in order.
    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = &'a T> + '_ {
        let items = self.items;
        self.keys.iter().map(move |key| &items[key.index as usize])
    }
}

/// How an employee's work date is computed.
#[derive(Clone, Copy)]
struct WorkDay {
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
const SECONDS_PER_DAY: i64 = 86_400;
const JST_OFFSET_SECONDS: i64 = 9 * 3600;

impl WorkDay {
    fn of(border: DayBorder) -> Self {
        let time = border.time();
        let shift = (time.nanosecond() == 0)
            .then(|| JST_OFFSET_SECONDS - i64::from(time.num_seconds_from_midnight()));
        WorkDay { border, shift }
    }

    /// The work date of `key` as days from CE; `at` gives its instant, read
    /// only for a border with a fraction of a second.
    fn day_number<'t, P>(
        self,
        key: &Key<P>,
        at: impl FnOnce() -> &'t DateTime<FixedOffset>,
    ) -> i64 {
        match self.shift {
            // A whole-second border: the fraction of a second (a leap
            // second's included) never moves an instant across it.
            Some(shift) => (key.secs + shift).div_euclid(SECONDS_PER_DAY) + UNIX_EPOCH_DAYS_FROM_CE,
            None => i64::from(self.border.work_date(at()).num_days_from_ce()),
        }
    }

    /// The date of a day number from [`WorkDay::day_number`] for a record at
    /// `at`.
    fn date<'t>(
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

/// An employee code as a hash key: up to 24 bytes packed into integers
/// (big-endian, zero-padded, with the length), so that hashing and
/// comparing are a few integer operations; longer codes as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum CodeKey<'a> {
    Packed([u64; 3], u8),
    Long(&'a str),
}

impl<'a> CodeKey<'a> {
    const PACKED_BYTES: usize = 24;

    fn of(code: &'a EmployeeCode) -> Self {
        let text = code.as_str();
        let Ok(len) = u8::try_from(text.len()) else {
            return CodeKey::Long(text);
        };
        if text.len() > Self::PACKED_BYTES {
            return CodeKey::Long(text);
        }
        let mut buffer = [0u8; Self::PACKED_BYTES];
        buffer[..text.len()].copy_from_slice(text.as_bytes());
        let mut words = [0u64; 3];
        for (word, chunk) in words.iter_mut().zip(buffer.chunks_exact(8)) {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(chunk);
            *word = u64::from_be_bytes(bytes);
        }
        CodeKey::Packed(words, len)
    }

    /// The order of the codes' text (`code` is the code of `self`, `other`
    /// of `other_key`). For packed codes, zero padding and then the length
    /// give exactly the byte order of the text: a code that is a prefix of
    /// another compares less either way.
    fn text_cmp(
        (key, code): (Self, &EmployeeCode),
        (other_key, other): (Self, &EmployeeCode),
    ) -> Ordering {
        match (key, other_key) {
            (CodeKey::Packed(a, a_len), CodeKey::Packed(b, b_len)) => (a, a_len).cmp(&(b, b_len)),
            _ => code.as_str().cmp(other.as_str()),
        }
    }
}

impl<'a, T, P: Copy + Default> Grouped<'a, T, P> {
    /// Groups `items`; see the [module documentation](self).
    pub(crate) fn new(
        items: &'a [T],
        employee: impl Fn(&T) -> &EmployeeCode,
        at: impl Fn(&T) -> &DateTime<FixedOffset>,
        payload: impl Fn(&T) -> P,
        tie: impl Fn(&T, &T) -> Ordering,
    ) -> Self {
        // 1. Intern: first-seen number per record, count per number.
        let mut first_seen: HashMap<CodeKey<'a>, u32, FxBuildHasher> =
            HashMap::with_capacity_and_hasher(1024, FxBuildHasher);
        let mut seen_codes: Vec<(CodeKey<'a>, &'a EmployeeCode)> = Vec::new();
        let mut counts: Vec<usize> = Vec::new();
        let mut seen_of: Vec<u32> = Vec::with_capacity(items.len());
        let mut previous: Option<(CodeKey<'a>, u32)> = None;
        for item in items {
            let code = employee(item);
            let key = CodeKey::of(code);
            let seen = match previous {
                Some((last, seen)) if last == key => seen,
                _ => {
                    let next = u32::try_from(seen_codes.len()).unwrap_or(u32::MAX);
                    let seen = *first_seen.entry(key).or_insert_with(|| {
                        seen_codes.push((key, code));
                        counts.push(0);
                        next
                    });
                    previous = Some((key, seen));
                    seen
                }
            };
            if let Some(count) = counts.get_mut(seen as usize) {
                *count += 1;
            }
            seen_of.push(seen);
        }
        drop(first_seen);

        // Ranks in code order, and where each rank's bucket starts.
        let mut by_code: Vec<u32> =
            (0..u32::try_from(seen_codes.len()).unwrap_or(u32::MAX)).collect();
        by_code.sort_unstable_by(|&a, &b| {
            CodeKey::text_cmp(seen_codes[a as usize], seen_codes[b as usize])
        });
        let mut next_slot = vec![0usize; seen_codes.len()];
        let mut starts = Vec::with_capacity(by_code.len() + 1);
        let mut codes = Vec::with_capacity(by_code.len());
        let mut total = 0;
        for &seen in &by_code {
            starts.push(total);
            next_slot[seen as usize] = total;
            total += counts[seen as usize];
            codes.push(seen_codes[seen as usize].1);
        }
        starts.push(total);

        // 2. Counting sort: scatter each record to its employee's bucket.
        let mut keys = vec![
            Key {
                secs: 0,
                nanos: 0,
                index: 0,
                payload: P::default(),
            };
            items.len()
        ];
        for (index, (item, &seen)) in items.iter().zip(&seen_of).enumerate() {
            let when = at(item);
            let slot = &mut next_slot[seen as usize];
            keys[*slot] = Key {
                secs: when.timestamp(),
                nanos: when.timestamp_subsec_nanos(),
                index: u32::try_from(index).unwrap_or(u32::MAX),
                payload: payload(item),
            };
            *slot += 1;
        }
        drop(seen_of);

        // 3. Each bucket in (instant, tie, input position) order.
        let order = |a: &Key<P>, b: &Key<P>| {
            (a.secs, a.nanos)
                .cmp(&(b.secs, b.nanos))
                .then_with(|| tie(&items[a.index as usize], &items[b.index as usize]))
                .then(a.index.cmp(&b.index))
        };
        for bucket in starts.windows(2) {
            let bucket = &mut keys[bucket[0]..bucket[1]];
            if !bucket.is_sorted_by(|a, b| order(a, b) != Ordering::Greater) {
                bucket.sort_unstable_by(order);
            }
        }

        Grouped {
            items,
            codes,
            starts,
            keys,
        }
    }

    /// Calls `day` with each employee's records of each work date, in
    /// (employee code, work date) order. The border is looked up once per
    /// employee. Every record is passed exactly once; no day is empty.
    pub(crate) fn for_each_work_day<'g>(
        &'g self,
        at: impl Fn(&T) -> &DateTime<FixedOffset>,
        borders: &(impl DayBorders + ?Sized),
        mut day: impl FnMut(&'a EmployeeCode, NaiveDate, Day<'g, 'a, T, P>),
    ) {
        for (rank, &code) in self.codes.iter().enumerate() {
            let (Some(&start), Some(&end)) = (self.starts.get(rank), self.starts.get(rank + 1))
            else {
                continue;
            };
            let work_day = WorkDay::of(borders.border_for(code));
            let mut rest = &self.keys[start..end];
            let instant = |key: &Key<P>| at(&self.items[key.index as usize]);
            while let Some(first) = rest.first() {
                let number = work_day.day_number(first, || instant(first));
                let len = 1 + rest[1..]
                    .iter()
                    .position(|key| work_day.day_number(key, || instant(key)) != number)
                    .unwrap_or(rest.len() - 1);
                let (today, later) = rest.split_at(len);
                day(
                    code,
                    work_day.date(number, || instant(first)),
                    Day {
                        items: self.items,
                        keys: today,
                    },
                );
                rest = later;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! The grouping against a plain reference: one comparison sort of all
    //! records, then runs of equal (employee, chrono work date).

    use chrono::{Duration, NaiveTime, TimeZone};
    use proptest::prelude::*;

    use super::super::malion::{MaLionPolicy, MaLionRule, PcEvent, PcLog};
    use super::super::senselink::{Recognition, SenseLinkMode, SenseLinkRule};
    use super::super::{BorderMap, IgnoreReason, Ignored, RuleOutput};
    use super::*;
    use crate::punch::{Punch, PunchKind, SourceRef, SourceSystem};

    /// Codes with leading zeros, a prefix of another (also with a NUL byte,
    /// which packing pads with), empty, and one too long to be packed.
    const CODES: [&str; 9] = [
        "7",
        "7\u{0}",
        "07",
        "007",
        "0070",
        "U000123",
        "",
        "an-employee-code-longer-than-24-bytes",
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
    ) -> RuleOutput {
        let mut sorted: Vec<&Recognition> = records.iter().collect();
        sorted.sort_by(|a, b| (&a.employee, a.at, a.id).cmp(&(&b.employee, b.at, b.id)));
        let mut out = RuleOutput::default();
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
        out
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
    fn malion_reference(rule: MaLionRule, logs: &[PcLog], borders: &BorderMap) -> RuleOutput {
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
        let mut out = RuleOutput::default();
        for day in sorted.chunk_by(|a, b| {
            a.employee == b.employee
                && work_date(borders, &a.employee, &a.at) == work_date(borders, &b.employee, &b.at)
        }) {
            rule.apply_day(
                work_date(borders, &day[0].employee, &day[0].at),
                day,
                &mut out,
            );
        }
        out
    }

    fn sources(out: &RuleOutput) -> Vec<&SourceRef> {
        let mut all: Vec<&SourceRef> = out
            .punches
            .iter()
            .map(|p| &p.source)
            .chain(out.ignored.iter().map(|i| &i.source))
            .collect();
        all.sort();
        all
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
            let fast = rule.apply_to_work_date(target, &records, &borders);
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
            let fast = rule.apply(&logs, &borders);
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
