//! What one ledger transition costs, for each ledger: prints figures, asserts
//! nothing (a loaded machine changes them).
//!
//! ```text
//! cargo run --release -p kot-connect-core --features sqlite --example ledger_cost [DIR] [N]
//! ```
//!
//! `DIR` (default: the current directory) is where the files go, in a
//! temporary directory removed afterwards: measure on the disk the state
//! directory will live on (a tmpfs makes every flush free). `N` punches
//! (default 200) each go through `begin_post` then `mark_posted`.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeZone};
use kot_connect_core::time::jst;
use kot_connect_core::{
    FileLedger, Ledger, MemoryLedger, Punch, PunchKind, SourceRef, SourceSystem, SqliteLedger,
    SqliteOptions, Synchronous,
};

fn punch(i: usize) -> Punch {
    Punch {
        employee: format!("{:04}", i % 500).into(),
        key: Some(format!("k{i}").into()),
        kind: PunchKind::ClockIn,
        at: jst().with_ymd_and_hms(2026, 4, 1, 9, 0, 0).unwrap(),
        work_date: NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
        source: SourceRef::new(SourceSystem::SenseLink, format!("rec-{i}")),
        location: None,
    }
}

fn measure(name: &str, ledger: &dyn Ledger, n: usize) {
    let at = jst().with_ymd_and_hms(2026, 4, 1, 9, 0, 1).unwrap();
    let punches: Vec<Punch> = (0..n).map(punch).collect();
    let start = Instant::now();
    for p in &punches {
        ledger.begin_post(p, at).unwrap();
        ledger.mark_posted(&p.source, at).unwrap();
    }
    let write = start.elapsed();
    let start = Instant::now();
    for p in &punches {
        assert!(ledger.get(&p.source).unwrap().is_some());
    }
    let read = start.elapsed();
    let per = |d: Duration, count: usize| d.as_secs_f64() * 1e6 / count as f64;
    println!(
        "{name:<22} {:>10.1} µs/transition {:>8.1} µs/get  ({} transitions in {:.2} s)",
        per(write, 2 * n),
        per(read, n),
        2 * n,
        write.as_secs_f64()
    );
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| ".".into());
    let n: usize = args
        .next()
        .map_or(200, |s| s.parse().expect("N is a number"));
    let tmp = tempfile::tempdir_in(&dir).expect("a temporary directory in DIR");
    println!("{n} punches, begin_post + mark_posted each, files in {dir}");
    measure("MemoryLedger", &MemoryLedger::new(), n);
    measure(
        "FileLedger (fsync)",
        &FileLedger::open(tmp.path().join("ledger.json")).unwrap(),
        n,
    );
    for (name, sync) in [
        ("SqliteLedger FULL", Synchronous::Full),
        ("SqliteLedger NORMAL", Synchronous::Normal),
    ] {
        let path = tmp.path().join(format!("{name}.sqlite3").replace(' ', "-"));
        let ledger = SqliteLedger::open_with(path, SqliteOptions::new().synchronous(sync)).unwrap();
        measure(name, &ledger, n);
    }
}
