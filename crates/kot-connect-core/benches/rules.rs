//! Throughput of the core rules on 1,000,000 records (records per second).
//!
//! ```text
//! cargo bench -p kot-connect-core --bench rules -- --warm-up-time 1 --measurement-time 5
//! ```
//!
//! The inputs are generated deterministically and look like what a source
//! delivers for a large tenant: 25,000 employees with leading-zero codes,
//! ten records per employee and work day over four days (some after
//! midnight, so the day border matters), a quarter of the employees on a
//! 05:00 border and a few on 04:30 ([`BorderMap`]), in time order with ids
//! in time order. `hashmap_grouping` is the baseline the issue names: the
//! same records grouped by `(employee code, work date)` in a
//! `std::collections::HashMap` with the default hasher.
//!
//! Each rule's figure is the rule alone: every punch decided (its record,
//! kind and work date, in output order) and one disposition per record
//! (every record is accounted for). The output holds a punch in 16 bytes
//! (its record's position, kind and work date; `PunchRef` is the view of
//! it with a reference to the record); the `*_owned_punches` figures add
//! building every owned 128-byte `Punch` (`RuleOutput::to_punches`), and
//! `senselink_with_log_rows` adds what an adapter does with a whole output
//! (`RuleOutput::into_parts`): the owned punches and an `Ignored` row
//! (record id, employee code, reason) for each of the 950,000 ignored
//! records. `cyzen` is `CyzenRule::apply`, a fresh output each iteration;
//! `cyzen_reused` is `CyzenRule::apply_reusing` with the previous
//! iteration's `RuleBuffers` (the same output, in memory that is not
//! allocated anew).
//!
//! `read_floor_*` is no rule: one pass over the records reading only what
//! the rule reads of each (the employee code, hashed; the instant; for
//! cyzen also the history id and the status name, which live on the heap).
//! It is how fast this machine delivers the records at all, the floor
//! under each rule's figure.
//!
//! Each benchmark is measured twice: `rules_1m` in wall time (criterion's
//! default) and `rules_1m_cpu` in the benchmark thread's own CPU time (Linux
//! `/proc/thread-self/schedstat`), which a machine shared with other jobs
//! inflates much less. Elsewhere `rules_1m_cpu` falls back to wall time.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::hint::black_box;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kot_connect_core::rules::cyzen::{CyzenRule, StatusPress, StatusType};
use kot_connect_core::rules::malion::{MaLionRule, PcEvent, PcLog};
use kot_connect_core::rules::senselink::{Recognition, SenseLinkRule};
use kot_connect_core::rules::{BorderMap, RuleBuffers};
use kot_connect_core::{DayBorder, EmployeeCode};

const EMPLOYEES: usize = 25_000;
const DAYS: usize = 4;
const PER_DAY: usize = 10;
const RECORDS: usize = EMPLOYEES * DAYS * PER_DAY;

/// SplitMix64: a small deterministic generator (no dependency needed).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn jst() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600).unwrap()
}

fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 4, 6).unwrap()
}

fn code(n: usize) -> EmployeeCode {
    EmployeeCode::new(format!("{n:07}"))
}

fn borders() -> BorderMap {
    let five: DayBorder = "05:00".parse().unwrap();
    let half_past_four = DayBorder::new(NaiveTime::from_hms_opt(4, 30, 0).unwrap());
    let mut map = BorderMap::default();
    for n in 0..EMPLOYEES {
        match n % 16 {
            0..=3 => {
                map.by_employee.insert(code(n), five);
            }
            4 => {
                map.by_employee.insert(code(n), half_past_four);
            }
            _ => {}
        }
    }
    map
}

/// `(employee, instant)` for every record, in time order: per employee and
/// day, ten instants between 07:00 and 23:00, one in ten after midnight.
fn timeline(seed: u64) -> Vec<(usize, DateTime<FixedOffset>)> {
    let mut rng = Rng(seed);
    let mut rows = Vec::with_capacity(RECORDS);
    for day in 0..DAYS {
        let midnight = jst()
            .from_local_datetime(
                &(first_day() + Duration::days(day as i64)).and_time(NaiveTime::MIN),
            )
            .unwrap();
        for employee in 0..EMPLOYEES {
            for _ in 0..PER_DAY {
                let second = if rng.below(10) == 0 {
                    // 00:00-05:59 of the next calendar day.
                    24 * 3600 + rng.below(6 * 3600)
                } else {
                    7 * 3600 + rng.below(16 * 3600)
                };
                rows.push((employee, midnight + Duration::seconds(second as i64)));
            }
        }
    }
    rows.sort_by_key(|&(employee, at)| (at, employee));
    rows
}

fn recognitions() -> Vec<Recognition> {
    let codes: Vec<EmployeeCode> = (0..EMPLOYEES).map(code).collect();
    timeline(1)
        .into_iter()
        .enumerate()
        .map(|(n, (employee, at))| {
            Recognition::new(1_000_000 + n as i64, codes[employee].clone(), at)
        })
        .collect()
}

fn pc_logs() -> Vec<PcLog> {
    let codes: Vec<EmployeeCode> = (0..EMPLOYEES).map(code).collect();
    let events = [
        PcEvent::Logon,
        PcEvent::Lock,
        PcEvent::Unlock,
        PcEvent::Logoff,
    ];
    let mut rng = Rng(2);
    timeline(2)
        .into_iter()
        .enumerate()
        .map(|(n, (employee, at))| {
            let event = events[rng.below(4) as usize].clone();
            PcLog::new(
                format!("L{n:08}"),
                codes[employee].clone(),
                event,
                at,
                format!("PC-{:05}", employee % 30_000),
            )
        })
        .collect()
}

fn presses() -> Vec<StatusPress> {
    let codes: Vec<EmployeeCode> = (0..EMPLOYEES).map(code).collect();
    let kinds = [
        (StatusType::WorkStart, "出勤"),
        (StatusType::Working, "休憩開始"),
        (StatusType::Working, "休憩終了"),
        (StatusType::Working, "移動中"),
        (StatusType::WorkEnd, "退勤"),
    ];
    let mut rng = Rng(3);
    timeline(3)
        .into_iter()
        .enumerate()
        .map(|(n, (employee, at))| {
            let (status_type, name) = kinds[rng.below(5) as usize].clone();
            StatusPress {
                history_id: format!("h{n}"),
                employee: codes[employee].clone(),
                status_type,
                status_name: name.to_owned(),
                pressed_at: at,
                location: None,
            }
        })
        .collect()
}

/// The issue's baseline: group by `(code, work date)` in a `HashMap` with
/// the default hasher, then take each group's first and last.
fn hashmap_grouping(records: &[Recognition], borders: &BorderMap) -> usize {
    let mut groups: HashMap<(&EmployeeCode, NaiveDate), Vec<&Recognition>> = HashMap::new();
    for r in records {
        let border = borders
            .by_employee
            .get(&r.employee)
            .copied()
            .unwrap_or(borders.fallback);
        groups
            .entry((&r.employee, border.work_date(&r.at)))
            .or_default()
            .push(r);
    }
    groups
        .values()
        .map(|day| {
            let first = day.iter().min_by_key(|r| (r.at, r.id));
            let last = day.iter().max_by_key(|r| (r.at, r.id));
            usize::from(first.is_some()) + usize::from(last.is_some())
        })
        .sum()
}

/// The hash of an employee code, as a rule computes one per record.
fn code_hash(code: &EmployeeCode, more: &[&str]) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    code.as_str().hash(&mut hasher);
    for text in more {
        text.hash(&mut hasher);
    }
    hasher.finish()
}

/// The CPU time this thread has run, in nanoseconds (wall time where the
/// kernel does not tell).
struct ThreadCpuTime;

impl ThreadCpuTime {
    fn now() -> u64 {
        std::fs::read_to_string("/proc/thread-self/schedstat")
            .ok()
            .and_then(|stat| stat.split_whitespace().next()?.parse().ok())
            .unwrap_or_else(|| {
                static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
                START
                    .get_or_init(std::time::Instant::now)
                    .elapsed()
                    .as_nanos() as u64
            })
    }
}

impl Measurement for ThreadCpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        Self::now()
    }
    fn end(&self, start: u64) -> u64 {
        Self::now().saturating_sub(start)
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, value: &u64) -> f64 {
        *value as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &CpuNanos
    }
}

/// Formats CPU nanoseconds like criterion formats wall time.
struct CpuNanos;

impl ValueFormatter for CpuNanos {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        WallTime.formatter().scale_values(typical, values)
    }

    fn scale_throughputs(
        &self,
        typical: f64,
        throughput: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        WallTime
            .formatter()
            .scale_throughputs(typical, throughput, values)
    }

    fn scale_for_machines(&self, values: &mut [f64]) -> &'static str {
        WallTime.formatter().scale_for_machines(values)
    }
}

fn bench_rules<M: Measurement>(c: &mut Criterion<M>, name: &str) {
    let borders = borders();
    let target = first_day() + Duration::days(2);

    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Elements(RECORDS as u64));
    group.sample_size(10);

    let records = recognitions();
    assert_eq!(records.len(), RECORDS);
    let rule = SenseLinkRule::default();
    let out = rule.apply_to_work_date(target, &records, &borders);
    assert_eq!(out.punches().len() + out.ignored_count(), RECORDS);
    eprintln!(
        "{name}: {RECORDS} recognitions of {EMPLOYEES} employees: {} punches, {} ignored",
        out.punches().len(),
        out.ignored_count()
    );
    drop(out);
    group.bench_function("read_floor_senselink", |b| {
        b.iter(|| {
            black_box(&records).iter().fold(0u64, |acc, r| {
                acc.wrapping_add(code_hash(&r.employee, &[]))
                    .wrapping_add(r.at.timestamp() as u64)
            })
        })
    });
    group.bench_function("hashmap_grouping", |b| {
        b.iter(|| hashmap_grouping(black_box(&records), &borders))
    });
    group.bench_function("senselink", |b| {
        b.iter(|| rule.apply_to_work_date(target, black_box(&records), &borders))
    });
    group.bench_function("senselink_with_log_rows", |b| {
        b.iter(|| {
            rule.apply_to_work_date(target, black_box(&records), &borders)
                .into_parts()
        })
    });
    drop(records);

    let logs = pc_logs();
    let rule = MaLionRule::default();
    let out = rule.apply(&logs, &borders);
    assert_eq!(out.punches().len() + out.ignored_count(), RECORDS);
    eprintln!(
        "{name}: {RECORDS} PC logs: {} punches, {} ignored",
        out.punches().len(),
        out.ignored_count()
    );
    drop(out);
    group.bench_function("read_floor_malion", |b| {
        b.iter(|| {
            black_box(&logs).iter().fold(0u64, |acc, log| {
                acc.wrapping_add(code_hash(&log.employee, &[]))
                    .wrapping_add(log.at.timestamp() as u64)
                    .wrapping_add(u64::from(log.event == PcEvent::Logon))
            })
        })
    });
    group.bench_function("malion", |b| {
        b.iter(|| rule.apply(black_box(&logs), &borders))
    });
    group.bench_function("malion_owned_punches", |b| {
        b.iter(|| rule.apply(black_box(&logs), &borders).to_punches())
    });
    drop(logs);

    let presses = presses();
    let rule = CyzenRule::default();
    let out = rule.apply(&presses, &borders);
    assert_eq!(out.punches().len() + out.ignored_count(), RECORDS);
    eprintln!(
        "{name}: {RECORDS} status presses: {} punches ({}-byte PunchRef views, {}-byte owned Punches), {} ignored",
        out.punches().len(),
        std::mem::size_of::<kot_connect_core::rules::PunchRef<'_, StatusPress>>(),
        std::mem::size_of::<kot_connect_core::Punch>(),
        out.ignored_count()
    );
    drop(out);
    group.bench_function("read_floor_cyzen", |b| {
        b.iter(|| {
            black_box(&presses).iter().fold(0u64, |acc, p| {
                acc.wrapping_add(code_hash(&p.employee, &[&p.history_id, &p.status_name]))
                    .wrapping_add(p.pressed_at.timestamp() as u64)
            })
        })
    });
    group.bench_function("cyzen", |b| {
        b.iter(|| rule.apply(black_box(&presses), &borders))
    });
    group.bench_function("cyzen_owned_punches", |b| {
        b.iter(|| rule.apply(black_box(&presses), &borders).to_punches())
    });
    let mut buffers = Some(RuleBuffers::default());
    group.bench_function("cyzen_reused", |b| {
        b.iter(|| {
            let out = rule.apply_reusing(
                black_box(&presses),
                &borders,
                buffers.take().unwrap_or_default(),
            );
            let punches = out.punches().len();
            buffers = Some(out.into_buffers());
            punches
        })
    });
    group.finish();
}

fn wall_time(c: &mut Criterion) {
    bench_rules(c, "rules_1m");
}

fn cpu_time(c: &mut Criterion<ThreadCpuTime>) {
    bench_rules(c, "rules_1m_cpu");
}

criterion_group!(wall, wall_time);
criterion_group! {
    name = cpu;
    config = Criterion::default().with_measurement(ThreadCpuTime);
    targets = cpu_time
}
criterion_main!(wall, cpu);
