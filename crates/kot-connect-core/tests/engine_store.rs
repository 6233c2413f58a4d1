//! The state stores and the file ledger's own file handling, on a real
//! (temporary) disk. What every ledger does alike is in
//! `ledger_conformance.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{NaiveDate, TimeZone};
use kot_connect_core::engine::{DirStore, MemoryStore, StateStore, validate_name};
use kot_connect_core::time::jst;
use kot_connect_core::{
    FileLedger, Ledger, LedgerError, LedgerState, Punch, PunchKind, SourceRef, SourceSystem,
};

fn punch(id: &str) -> Punch {
    Punch {
        employee: "0001".into(),
        key: Some("k0001".into()),
        kind: PunchKind::ClockIn,
        at: jst().with_ymd_and_hms(2026, 4, 1, 9, 0, 0).unwrap(),
        work_date: NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
        source: SourceRef::new(SourceSystem::Cyzen, id),
        location: None,
    }
}

fn files(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn dir_store_round_trips_and_overwrites_atomically() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("state/nested");
    let store = DirStore::open(&dir).unwrap();
    assert_eq!(store.load("cyzen-watermark.json").unwrap(), None);
    store.store("cyzen-watermark.json", b"one").unwrap();
    store.store("cyzen-watermark.json", b"two").unwrap();
    assert_eq!(
        store.load("cyzen-watermark.json").unwrap().as_deref(),
        Some(&b"two"[..])
    );
    // No temporary file is left behind; the entry is a plain file.
    assert_eq!(files(&dir), ["cyzen-watermark.json"]);
    // Another store on the same directory sees it.
    let again = DirStore::open(&dir).unwrap();
    assert_eq!(
        again.load("cyzen-watermark.json").unwrap().as_deref(),
        Some(&b"two"[..])
    );
}

#[test]
fn names_that_could_leave_the_directory_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let store = DirStore::open(tmp.path().join("s")).unwrap();
    let memory = MemoryStore::new();
    let long = "a".repeat(101);
    for bad in [
        "",
        "..",
        "../escape",
        "a/b",
        "a\\b",
        ".hidden",
        "/etc/passwd",
        "名前",
        "a b",
        long.as_str(),
    ] {
        let err = store.store(bad, b"x").unwrap_err();
        assert_eq!(err.name, bad);
        assert!(store.load(bad).is_err(), "{bad:?}");
        assert!(memory.store(bad, b"x").is_err(), "{bad:?}");
        assert!(validate_name(bad).is_err(), "{bad:?}");
    }
    assert!(files(&tmp.path().join("s")).is_empty());
    assert!(!tmp.path().join("escape").exists());
    for good in ["a", "kot-directory.json", "link_table.v2.csv", "A-1_b.c"] {
        assert!(validate_name(good).is_ok(), "{good:?}");
    }
}

#[test]
fn dir_store_refuses_a_file_as_its_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("plain");
    std::fs::write(&file, b"x").unwrap();
    assert!(DirStore::open(&file).is_err());
}

#[test]
fn a_corrupt_ledger_file_is_refused_and_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("ledger.json");
    for (body, needle) in [
        (&b"{\"version\":2}\n{\"entry\":{\"punch\":\n"[..], "line 2"),
        (&b"\x00\x01garbage\n"[..], "not a ledger version"),
        (&b"{\"version\":99}\n"[..], "version 99"),
        (
            &b"{\"version\":2}\n{\"version\":2}\n"[..],
            "a second version",
        ),
        (&b""[..], "empty"),
        (&b"{\"vers"[..], "no complete line"),
    ] {
        std::fs::write(&path, body).unwrap();
        let err = FileLedger::open(&path).unwrap_err();
        assert!(
            matches!(&err, LedgerError::Corrupt { path: p, .. } if p == &path),
            "{err:?}"
        );
        assert!(err.to_string().contains(needle), "{err}");
        assert!(err.to_string().contains("ledger.json"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), body);
    }

    // A crash mid-append leaves a last line without its newline: ignored,
    // and the ledger is compacted on open.
    let ledger_path = tmp.path().join("ok.json");
    let at = jst().with_ymd_and_hms(2026, 4, 1, 9, 0, 5).unwrap();
    {
        let ledger = FileLedger::open(&ledger_path).unwrap();
        ledger.begin_post(&punch("1"), at).unwrap();
        ledger.mark_posted(&punch("1").source, at).unwrap();
    }
    let mut text = std::fs::read_to_string(&ledger_path).unwrap();
    assert_eq!(text.lines().count(), 3, "{text}");
    text.push_str("{\"entry\":{\"punch\":{\"empl");
    std::fs::write(&ledger_path, &text).unwrap();
    let ledger = FileLedger::open(&ledger_path).unwrap();
    assert_eq!(ledger.entries().unwrap().len(), 1);
    assert!(matches!(
        ledger.entries().unwrap()[0].state,
        LedgerState::Posted { .. }
    ));
    // The torn line is gone; the next change is a line of its own.
    ledger.record_pending(&punch("2")).unwrap();
    assert_eq!(
        FileLedger::open(&ledger_path)
            .unwrap()
            .entries()
            .unwrap()
            .len(),
        2
    );
    let text = std::fs::read_to_string(&ledger_path).unwrap();
    assert_eq!(text.lines().count(), 4, "{text}");
    ledger.compact().unwrap();
    let text = std::fs::read_to_string(&ledger_path).unwrap();
    assert_eq!(text.lines().count(), 3, "compacted: {text}");
    assert_eq!(
        FileLedger::open(&ledger_path)
            .unwrap()
            .entries()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn a_failed_write_changes_nothing_in_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("gone");
    std::fs::create_dir(&dir).unwrap();
    let ledger = FileLedger::open(dir.join("ledger.json")).unwrap();
    std::fs::remove_dir(&dir).unwrap();
    let err = ledger.record_pending(&punch("1")).unwrap_err();
    assert!(matches!(err, LedgerError::Storage(_)), "{err:?}");
    assert!(ledger.get(&punch("1").source).unwrap().is_none());
}
