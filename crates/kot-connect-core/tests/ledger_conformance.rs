//! One behaviour for every ledger: the same checks run against
//! `MemoryLedger`, `FileLedger` and (feature `sqlite`) `SqliteLedger`, plus
//! a randomised comparison of the durable ledgers with the memory one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use kot_connect_core::punch::Location;
use kot_connect_core::time::jst;
use kot_connect_core::{
    FileLedger, Ledger, LedgerEntry, LedgerError, LedgerState, MemoryLedger, Punch, PunchKind,
    SourceRef, SourceSystem,
};
use proptest::prelude::*;
use tempfile::TempDir;

// ---------------------------------------------------------------------------
// Ledgers under test
// ---------------------------------------------------------------------------

/// A fresh ledger, and the directory its file lives in (kept alive).
type Fresh = (TempDir, Box<dyn Ledger>);

fn memory() -> Fresh {
    (tempfile::tempdir().unwrap(), Box::new(MemoryLedger::new()))
}

fn file() -> Fresh {
    let dir = tempfile::tempdir().unwrap();
    let ledger = FileLedger::open(dir.path().join("ledger.json")).unwrap();
    (dir, Box::new(ledger))
}

#[cfg(feature = "sqlite")]
fn sqlite() -> Fresh {
    let dir = tempfile::tempdir().unwrap();
    let ledger = kot_connect_core::SqliteLedger::open(dir.path().join("ledger.sqlite3")).unwrap();
    (dir, Box::new(ledger))
}

/// Every check of [`checks`], as one test each, for the ledger `$make`
/// returns.
macro_rules! conformance {
    ($name:ident, $make:path) => {
        mod $name {
            use super::*;

            #[test]
            fn the_happy_path_and_a_known_failure() {
                checks::happy_path(&*$make().1);
            }
            #[test]
            fn in_flight_blocks_a_second_post_and_is_never_downgraded() {
                checks::in_flight_blocks(&*$make().1);
            }
            #[test]
            fn found_in_kot_goes_straight_to_posted_and_posted_is_final() {
                checks::posted_is_final(&*$make().1);
            }
            #[test]
            fn unknown_records_forget_and_order() {
                checks::unknown_forget_and_order(&*$make().1);
            }
            #[test]
            fn the_first_punch_recorded_is_kept_and_round_trips_exactly() {
                checks::punch_kept_exactly(&*$make().1);
            }
            #[test]
            fn every_state_and_operation_as_in_the_table() {
                checks::transition_table(&*$make().1);
            }
            #[test]
            fn shared_across_threads_as_a_trait_object() {
                let (_dir, ledger) = $make();
                checks::threads(Arc::from(ledger));
            }
        }
    };
}

conformance!(memory_ledger, memory);
conformance!(file_ledger, file);
#[cfg(feature = "sqlite")]
conformance!(sqlite_ledger, sqlite);

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn punch(id: &str) -> Punch {
    punch_of(SourceSystem::SenseLink, id)
}

fn punch_of(system: SourceSystem, id: &str) -> Punch {
    Punch {
        employee: "2022".into(),
        key: Some("k2022".into()),
        kind: PunchKind::ClockIn,
        at: jst().with_ymd_and_hms(2026, 4, 1, 9, 0, 0).unwrap(),
        work_date: NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
        source: SourceRef::new(system, id),
        location: None,
    }
}

fn now(m: u32) -> DateTime<FixedOffset> {
    jst().with_ymd_and_hms(2026, 4, 2, 3, m, 0).unwrap()
}

fn state(ledger: &dyn Ledger, p: &Punch) -> Option<LedgerState> {
    ledger.get(&p.source).unwrap().map(|e| e.state)
}

fn pending(attempts: u32, last_error: Option<&str>) -> LedgerState {
    LedgerState::Pending {
        attempts,
        last_error: last_error.map(str::to_owned),
    }
}

/// An operation's result, comparable across ledgers: the entry, or the
/// error's kind and message.
fn outcome<T: std::fmt::Debug>(result: Result<T, LedgerError>) -> Result<String, String> {
    result.map(|v| format!("{v:?}")).map_err(|e| match e {
        LedgerError::NotFound { .. } => format!("not_found: {e}"),
        LedgerError::InvalidTransition { .. } => format!("invalid: {e}"),
        other => panic!("unexpected ledger error: {other:?}"),
    })
}

mod checks {
    use super::*;

    pub(super) fn happy_path(ledger: &dyn Ledger) {
        let p = punch("1");
        assert_eq!(ledger.get(&p.source).unwrap(), None);
        let e = ledger.record_pending(&p).unwrap();
        assert_eq!(e.state, pending(0, None));
        let e = ledger.begin_post(&p, now(0)).unwrap();
        assert_eq!(
            e.state,
            LedgerState::InFlight {
                attempts: 1,
                since: now(0)
            }
        );
        let e = ledger.mark_failed(&p.source, "HTTP 400").unwrap();
        assert_eq!(e.state, pending(1, Some("HTTP 400")));
        assert_eq!(state(ledger, &p), Some(pending(1, Some("HTTP 400"))));
        ledger.begin_post(&p, now(1)).unwrap();
        let e = ledger.mark_posted(&p.source, now(2)).unwrap();
        assert_eq!(
            e.state,
            LedgerState::Posted {
                attempts: 2,
                kot_time: now(2)
            }
        );
        assert_eq!(ledger.get(&p.source).unwrap(), Some(e));
        assert!(ledger.unsettled().unwrap().is_empty());
        assert_eq!(ledger.entries().unwrap().len(), 1);
    }

    pub(super) fn in_flight_blocks(ledger: &dyn Ledger) {
        let p = punch("1");
        // begin_post creates the entry; the process "crashes" here.
        ledger.begin_post(&p, now(0)).unwrap();
        let err = ledger.begin_post(&p, now(5)).unwrap_err();
        assert!(err.is_invalid_transition());
        assert_eq!(
            err.to_string(),
            "ledger entry senselink:1 is in_flight: cannot begin_post"
        );
        let unsettled = ledger.unsettled().unwrap();
        assert_eq!(unsettled.len(), 1);
        assert_eq!(
            unsettled[0].state,
            LedgerState::InFlight {
                attempts: 1,
                since: now(0)
            }
        );
        // record_pending never downgrades it.
        let e = ledger.record_pending(&p).unwrap();
        assert_eq!(e.state.name(), "in_flight");
        assert_eq!(state(ledger, &p).unwrap().name(), "in_flight");
    }

    pub(super) fn posted_is_final(ledger: &dyn Ledger) {
        let p = punch("1");
        ledger.record_pending(&p).unwrap();
        let e = ledger.mark_posted(&p.source, now(0)).unwrap();
        assert_eq!(
            e.state,
            LedgerState::Posted {
                attempts: 0,
                kot_time: now(0)
            }
        );
        for result in [
            ledger.begin_post(&p, now(1)).map(|_| ()),
            ledger.mark_posted(&p.source, now(1)).map(|_| ()),
            ledger.mark_failed(&p.source, "x").map(|_| ()),
        ] {
            assert!(result.unwrap_err().is_invalid_transition());
        }
        assert_eq!(state(ledger, &p), Some(e.state));
        // Pending cannot fail: nothing was sent.
        let q = punch("2");
        ledger.record_pending(&q).unwrap();
        let err = ledger.mark_failed(&q.source, "x").unwrap_err();
        assert_eq!(
            err.to_string(),
            "ledger entry senselink:2 is pending: cannot mark_failed"
        );
        assert_eq!(state(ledger, &q), Some(pending(0, None)));
    }

    pub(super) fn unknown_forget_and_order(ledger: &dyn Ledger) {
        let p = punch("1");
        for err in [
            ledger.mark_posted(&p.source, now(0)).unwrap_err(),
            ledger.mark_failed(&p.source, "x").unwrap_err(),
        ] {
            assert!(
                matches!(&err, LedgerError::NotFound { record } if record == &p.source),
                "{err:?}"
            );
            assert_eq!(err.to_string(), "no ledger entry for senselink:1");
        }
        assert_eq!(ledger.forget(&p.source).unwrap(), None);
        assert!(ledger.entries().unwrap().is_empty());

        // Sorted by SourceRef: system in its declared order, then record id
        // byte-wise, whatever the insertion order.
        let refs = [
            punch_of(SourceSystem::WowTalk, "a"),
            punch_of(SourceSystem::Cyzen, "b"),
            punch_of(SourceSystem::SenseLink, "b"),
            punch_of(SourceSystem::SenseLink, "B"),
            punch_of(SourceSystem::SenseLink, "a10"),
            punch_of(SourceSystem::SenseLink, "a9"),
            punch_of(SourceSystem::MaLion, "z"),
        ];
        for (i, p) in refs.iter().enumerate() {
            if i % 2 == 0 {
                ledger.record_pending(p).unwrap();
            } else {
                ledger.begin_post(p, now(0)).unwrap();
            }
        }
        ledger.mark_posted(&refs[1].source, now(1)).unwrap();
        let keys = |entries: Vec<LedgerEntry>| -> Vec<String> {
            entries.iter().map(|e| e.source().to_string()).collect()
        };
        assert_eq!(
            keys(ledger.entries().unwrap()),
            [
                "senselink:B",
                "senselink:a10",
                "senselink:a9",
                "senselink:b",
                "cyzen:b",
                "malion:z",
                "wowtalk:a"
            ]
        );
        assert_eq!(
            keys(ledger.unsettled().unwrap()),
            [
                "senselink:B",
                "senselink:a10",
                "senselink:a9",
                "senselink:b",
                "malion:z",
                "wowtalk:a"
            ]
        );
        let gone = ledger.forget(&refs[0].source).unwrap().unwrap();
        assert_eq!(gone.punch, refs[0]);
        assert_eq!(ledger.get(&refs[0].source).unwrap(), None);
        assert_eq!(ledger.entries().unwrap().len(), 6);
        // Forgotten, it starts again from nothing.
        let e = ledger.begin_post(&refs[0], now(2)).unwrap();
        assert_eq!(e.state.attempts(), 1);
    }

    pub(super) fn punch_kept_exactly(ledger: &dyn Ledger) {
        let mut p = punch_of(SourceSystem::MaLion, "ログ/42?'\"; DROP TABLE x;--");
        p.at = jst()
            .with_ymd_and_hms(2026, 4, 1, 23, 59, 59)
            .unwrap()
            .checked_add_signed(chrono::Duration::nanoseconds(123_456_789))
            .unwrap();
        p.work_date = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
        p.kind = PunchKind::BreakEnd;
        p.key = None;
        p.location = Some(Location {
            latitude: 35.681_236,
            longitude: 139.767_125,
        });
        let first = ledger.record_pending(&p).unwrap();
        assert_eq!(first.punch, p);
        // A later, different punch of the same record does not replace it.
        let mut other = p.clone();
        other.employee = "9999".into();
        other.kind = PunchKind::ClockOut;
        assert_eq!(ledger.record_pending(&other).unwrap().punch, p);
        assert_eq!(ledger.begin_post(&other, now(0)).unwrap().punch, p);
        let utc = chrono::Utc
            .with_ymd_and_hms(2026, 4, 1, 0, 1, 2)
            .unwrap()
            .fixed_offset();
        let e = ledger.mark_posted(&p.source, utc).unwrap();
        assert_eq!(e.punch, p);
        let got = ledger.get(&p.source).unwrap().unwrap();
        assert_eq!(got, e);
        // The offset KOT answered with is kept, not only the instant.
        let LedgerState::Posted { kot_time, .. } = got.state else {
            panic!("{got:?}");
        };
        assert_eq!(kot_time.offset().local_minus_utc(), 0);
        assert_eq!(ledger.entries().unwrap(), [e]);
    }

    /// Every operation from every state, against the table in the ledger
    /// module's docs.
    pub(super) fn transition_table(ledger: &dyn Ledger) {
        #[derive(Clone, Copy, Debug)]
        enum Start {
            Absent,
            Pending,
            Failed,
            InFlight,
            Posted,
        }
        let setup = |id: &str, from: Start| -> Punch {
            let p = punch(id);
            match from {
                Start::Absent => {}
                Start::Pending => {
                    ledger.record_pending(&p).unwrap();
                }
                Start::Failed => {
                    ledger.begin_post(&p, now(0)).unwrap();
                    ledger.mark_failed(&p.source, "refused").unwrap();
                }
                Start::InFlight => {
                    ledger.begin_post(&p, now(0)).unwrap();
                }
                Start::Posted => {
                    ledger.begin_post(&p, now(0)).unwrap();
                    ledger.mark_posted(&p.source, now(1)).unwrap();
                }
            }
            p
        };
        let in_flight = |attempts| LedgerState::InFlight {
            attempts,
            since: now(9),
        };
        let posted = |attempts, m| LedgerState::Posted {
            attempts,
            kot_time: now(m),
        };
        // (from, op, expected state after; None = absent; Err = refused
        // with the state unchanged).
        type Expect = Result<Option<LedgerState>, &'static str>;
        let cases: Vec<(Start, &str, Expect)> = vec![
            (Start::Absent, "record_pending", Ok(Some(pending(0, None)))),
            (Start::Absent, "begin_post", Ok(Some(in_flight(1)))),
            (Start::Absent, "mark_posted", Err("not_found")),
            (Start::Absent, "mark_failed", Err("not_found")),
            (Start::Absent, "forget", Ok(None)),
            (Start::Pending, "record_pending", Ok(Some(pending(0, None)))),
            (Start::Pending, "begin_post", Ok(Some(in_flight(1)))),
            (Start::Pending, "mark_posted", Ok(Some(posted(0, 9)))),
            (Start::Pending, "mark_failed", Err("invalid")),
            (Start::Pending, "forget", Ok(None)),
            (
                Start::Failed,
                "record_pending",
                Ok(Some(pending(1, Some("refused")))),
            ),
            (Start::Failed, "begin_post", Ok(Some(in_flight(2)))),
            (Start::Failed, "mark_posted", Ok(Some(posted(1, 9)))),
            (Start::Failed, "mark_failed", Err("invalid")),
            (Start::Failed, "forget", Ok(None)),
            (
                Start::InFlight,
                "record_pending",
                Ok(Some(LedgerState::InFlight {
                    attempts: 1,
                    since: now(0),
                })),
            ),
            (Start::InFlight, "begin_post", Err("invalid")),
            (Start::InFlight, "mark_posted", Ok(Some(posted(1, 9)))),
            (
                Start::InFlight,
                "mark_failed",
                Ok(Some(pending(1, Some("gone")))),
            ),
            (Start::InFlight, "forget", Ok(None)),
            (Start::Posted, "record_pending", Ok(Some(posted(1, 1)))),
            (Start::Posted, "begin_post", Err("invalid")),
            (Start::Posted, "mark_posted", Err("invalid")),
            (Start::Posted, "mark_failed", Err("invalid")),
            (Start::Posted, "forget", Ok(None)),
        ];
        for (n, (from, op, expect)) in cases.into_iter().enumerate() {
            let p = setup(&format!("t{n}"), from);
            let before = state(ledger, &p);
            let result: Result<(), LedgerError> = match op {
                "record_pending" => ledger.record_pending(&p).map(drop),
                "begin_post" => ledger.begin_post(&p, now(9)).map(drop),
                "mark_posted" => ledger.mark_posted(&p.source, now(9)).map(drop),
                "mark_failed" => ledger.mark_failed(&p.source, "gone").map(drop),
                "forget" => ledger.forget(&p.source).map(drop),
                other => unreachable!("{other}"),
            };
            let after = state(ledger, &p);
            match expect {
                Ok(expected) => {
                    assert!(result.is_ok(), "{from:?} {op}: {result:?}");
                    assert_eq!(after, expected, "{from:?} {op}");
                }
                Err(kind) => {
                    let err = result.unwrap_err();
                    let got = match err {
                        LedgerError::NotFound { .. } => "not_found",
                        LedgerError::InvalidTransition { .. } => "invalid",
                        _ => "other",
                    };
                    assert_eq!(got, kind, "{from:?} {op}: {err}");
                    assert_eq!(after, before, "{from:?} {op} changed the entry");
                }
            }
        }
    }

    pub(super) fn threads(ledger: Arc<dyn Ledger>) {
        let handles: Vec<_> = (0..4)
            .map(|t| {
                let ledger = Arc::clone(&ledger);
                std::thread::spawn(move || {
                    for i in 0..10 {
                        let p = punch(&format!("{t}-{i}"));
                        ledger.begin_post(&p, now(0)).unwrap();
                        ledger.mark_posted(&p.source, now(1)).unwrap();
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.join().unwrap();
        }
        assert_eq!(ledger.entries().unwrap().len(), 40);
        assert!(ledger.unsettled().unwrap().is_empty());
    }

    /// Every state survives closing and opening the ledger again.
    pub(super) fn reopen(open: &dyn Fn() -> Box<dyn Ledger>) {
        let expected = {
            let ledger = open();
            assert!(ledger.entries().unwrap().is_empty());
            let (a, b, c, d, e) = (punch("a"), punch("b"), punch("c"), punch("d"), punch("e"));
            ledger.record_pending(&a).unwrap();
            ledger.begin_post(&b, now(1)).unwrap();
            ledger.begin_post(&c, now(2)).unwrap();
            ledger.mark_failed(&c.source, "[400] 不正な打刻").unwrap();
            ledger.begin_post(&d, now(3)).unwrap();
            ledger.mark_posted(&d.source, now(4)).unwrap();
            ledger.record_pending(&e).unwrap();
            ledger.forget(&e.source).unwrap();
            ledger.entries().unwrap()
        };
        assert_eq!(expected.len(), 4);
        let ledger = open();
        assert_eq!(ledger.entries().unwrap(), expected);
        let states: Vec<&str> = expected.iter().map(|e| e.state.name()).collect();
        assert_eq!(states, ["pending", "in_flight", "pending", "posted"]);
        // And the rules still hold on the reopened ledger.
        assert!(
            ledger
                .begin_post(&punch("b"), now(5))
                .unwrap_err()
                .is_invalid_transition()
        );
        assert_eq!(
            ledger.begin_post(&punch("c"), now(5)).unwrap().state,
            LedgerState::InFlight {
                attempts: 2,
                since: now(5)
            }
        );
    }
}

#[test]
fn the_file_ledger_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.json");
    checks::reopen(&|| Box::new(FileLedger::open(&path).unwrap()));
}

// ---------------------------------------------------------------------------
// The durable ledgers against the memory ledger, on random operations
// ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Op {
    RecordPending(u8),
    BeginPost(u8, u32),
    MarkPosted(u8, u32),
    MarkFailed(u8),
    Forget(u8),
}

fn op() -> impl Strategy<Value = Op> {
    let id = 0u8..4;
    prop_oneof![
        id.clone().prop_map(Op::RecordPending),
        (id.clone(), 0u32..60).prop_map(|(i, m)| Op::BeginPost(i, m)),
        (id.clone(), 0u32..60).prop_map(|(i, m)| Op::MarkPosted(i, m)),
        id.clone().prop_map(Op::MarkFailed),
        id.prop_map(Op::Forget),
    ]
}

fn apply(ledger: &dyn Ledger, op: &Op) -> Result<String, String> {
    let p = |i: &u8| punch(&format!("r{i}"));
    match op {
        Op::RecordPending(i) => outcome(ledger.record_pending(&p(i))),
        Op::BeginPost(i, m) => outcome(ledger.begin_post(&p(i), now(*m))),
        Op::MarkPosted(i, m) => outcome(ledger.mark_posted(&p(i).source, now(*m))),
        Op::MarkFailed(i) => outcome(ledger.mark_failed(&p(i).source, &format!("e{i}"))),
        Op::Forget(i) => outcome(ledger.forget(&p(i).source)),
    }
}

fn same_as_memory(make: fn() -> Fresh, ops: &[Op]) -> Result<(), TestCaseError> {
    let reference = MemoryLedger::new();
    let (_dir, ledger) = make();
    for op in ops {
        prop_assert_eq!(apply(&reference, op), apply(&*ledger, op), "{:?}", op);
    }
    prop_assert_eq!(reference.entries().unwrap(), ledger.entries().unwrap());
    prop_assert_eq!(reference.unsettled().unwrap(), ledger.unsettled().unwrap());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn the_file_ledger_behaves_as_the_memory_ledger(ops in prop::collection::vec(op(), 1..30)) {
        same_as_memory(file, &ops)?;
    }

    #[cfg(feature = "sqlite")]
    #[test]
    fn the_sqlite_ledger_behaves_as_the_memory_ledger(ops in prop::collection::vec(op(), 1..30)) {
        same_as_memory(sqlite, &ops)?;
    }
}

// ---------------------------------------------------------------------------
// SqliteLedger on disk
// ---------------------------------------------------------------------------

#[cfg(feature = "sqlite")]
mod sqlite_on_disk {
    use super::*;
    use kot_connect_core::{SqliteLedger, SqliteOptions, Synchronous};
    use std::path::Path;

    fn files(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn every_state_survives_reopening_with_either_synchronous_mode() {
        for sync in [Synchronous::Full, Synchronous::Normal] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("ledger.sqlite3");
            checks::reopen(&|| {
                Box::new(
                    SqliteLedger::open_with(&path, SqliteOptions::new().synchronous(sync)).unwrap(),
                )
            });
        }
    }

    #[test]
    fn two_ledgers_on_one_file_see_each_others_writes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.sqlite3");
        let a = SqliteLedger::open(&path).unwrap();
        let b = SqliteLedger::open(&path).unwrap();
        assert_eq!(a.path(), path);
        a.begin_post(&punch("1"), now(0)).unwrap();
        assert_eq!(
            b.get(&punch("1").source).unwrap().unwrap().state.name(),
            "in_flight"
        );
        // b settles what a began; a sees it, and may not post it again.
        b.mark_posted(&punch("1").source, now(1)).unwrap();
        assert!(
            a.begin_post(&punch("1"), now(2))
                .unwrap_err()
                .is_invalid_transition()
        );
        b.record_pending(&punch("2")).unwrap();
        assert_eq!(a.unsettled().unwrap().len(), 1);
        assert_eq!(a.entries().unwrap(), b.entries().unwrap());
    }

    #[test]
    fn concurrent_ledgers_on_one_file_never_both_begin_the_same_post() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.sqlite3");
        let ledgers: Vec<Arc<SqliteLedger>> = (0..3)
            .map(|_| {
                Arc::new(
                    SqliteLedger::open_with(
                        &path,
                        SqliteOptions::new().synchronous(Synchronous::Normal),
                    )
                    .unwrap(),
                )
            })
            .collect();
        let handles: Vec<_> = ledgers
            .iter()
            .map(|ledger| {
                let ledger = Arc::clone(ledger);
                std::thread::spawn(move || {
                    let mut won = Vec::new();
                    for i in 0..30 {
                        let p = punch(&format!("p{i}"));
                        match ledger.begin_post(&p, now(0)) {
                            Ok(_) => won.push(i),
                            Err(e) => assert!(e.is_invalid_transition(), "{e:?}"),
                        }
                    }
                    won
                })
            })
            .collect();
        let mut won: Vec<i32> = handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect();
        won.sort_unstable();
        // Each punch was begun exactly once, by one of the three.
        assert_eq!(won, (0..30).collect::<Vec<_>>());
        for entry in ledgers[0].entries().unwrap() {
            assert_eq!(entry.state.attempts(), 1, "{}", entry.source());
        }
    }

    fn assert_refused(path: &Path, needle: &str) {
        let before = std::fs::read(path).ok();
        let err = SqliteLedger::open(path).unwrap_err();
        assert!(
            matches!(&err, LedgerError::Corrupt { path: p, .. } if p == path),
            "{err:?}"
        );
        assert!(err.to_string().contains(needle), "{err}");
        assert!(
            err.to_string().contains(&path.display().to_string()),
            "{err}"
        );
        assert_eq!(std::fs::read(path).ok(), before, "the file was changed");
    }

    #[test]
    fn a_file_that_is_not_a_ledger_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.sqlite3");
        for (body, needle) in [
            (&b""[..], "empty"),
            (&b"hello"[..], "not a database"),
            (&[0x5a_u8; 4096][..], "not a database"),
            (&b"{\"version\":2}\n"[..], "not a database"),
        ] {
            std::fs::write(&path, body).unwrap();
            assert_refused(&path, needle);
        }
        // A damaged ledger: a real one whose header was overwritten.
        std::fs::remove_file(&path).unwrap();
        SqliteLedger::open(&path)
            .unwrap()
            .record_pending(&punch("1"))
            .unwrap();
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[..16].copy_from_slice(b"garbage garbage!");
        std::fs::write(&path, &bytes).unwrap();
        assert_refused(&path, "not a database");

        let sub = dir.path().join("a-directory");
        std::fs::create_dir(&sub).unwrap();
        let err = SqliteLedger::open(&sub).unwrap_err();
        assert!(matches!(err, LedgerError::Corrupt { .. }), "{err:?}");
    }

    #[test]
    fn another_programs_database_or_a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let other = dir.path().join("other.sqlite3");
        {
            let conn = rusqlite::Connection::open(&other).unwrap();
            conn.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('x');")
                .unwrap();
        }
        assert_refused(&other, "not a kot-connect ledger");
        {
            let conn = rusqlite::Connection::open(&other).unwrap();
            conn.pragma_update(None, "application_id", 0x1234).unwrap();
        }
        assert_refused(&other, "application_id 0x1234");

        let newer = dir.path().join("newer.sqlite3");
        SqliteLedger::open(&newer)
            .unwrap()
            .record_pending(&punch("1"))
            .unwrap();
        {
            let conn = rusqlite::Connection::open(&newer).unwrap();
            let version: i64 = conn
                .pragma_query_value(None, "user_version", |r| r.get(0))
                .unwrap();
            assert_eq!(version, kot_connect_core::ledger::SCHEMA_VERSION);
            conn.pragma_update(None, "user_version", version + 1)
                .unwrap();
        }
        assert_refused(&newer, "newer kot-connect (schema version 2");
    }

    #[test]
    fn a_damaged_row_is_a_typed_error_not_a_missing_entry() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.sqlite3");
        let ledger = SqliteLedger::open(&path).unwrap();
        ledger.record_pending(&punch("1")).unwrap();
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            conn.execute("UPDATE ledger_entries SET punch = '{\"employee\":'", [])
                .unwrap();
        }
        for err in [
            ledger.get(&punch("1").source).unwrap_err(),
            ledger.entries().unwrap_err(),
            ledger.begin_post(&punch("1"), now(0)).unwrap_err(),
        ] {
            assert!(matches!(err, LedgerError::Corrupt { .. }), "{err:?}");
        }
    }

    #[test]
    fn a_new_ledger_is_in_wal_mode_and_import_adds_only_new_records() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.sqlite3");
        let ledger = SqliteLedger::open(&path).unwrap();
        ledger.begin_post(&punch("1"), now(0)).unwrap();
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            let mode: String = conn
                .pragma_query_value(None, "journal_mode", |r| r.get(0))
                .unwrap();
            assert_eq!(mode, "wal");
        }
        assert!(files(dir.path()).contains(&"ledger.sqlite3-wal".to_owned()));

        let memory = MemoryLedger::new();
        memory.record_pending(&punch("1")).unwrap();
        memory.begin_post(&punch("2"), now(1)).unwrap();
        memory.mark_posted(&punch("2").source, now(2)).unwrap();
        memory.record_pending(&punch("3")).unwrap();
        let added = ledger.import(memory.entries().unwrap()).unwrap();
        assert_eq!(added, 2);
        let states: Vec<&str> = ledger
            .entries()
            .unwrap()
            .iter()
            .map(|e| e.state.name())
            .collect();
        // Record 1 kept its own (in flight) entry.
        assert_eq!(states, ["in_flight", "posted", "pending"]);
        assert_eq!(ledger.import(memory.entries().unwrap()).unwrap(), 0);
    }
}
