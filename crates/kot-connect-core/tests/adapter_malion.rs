//! The MaLion adapter over an in-memory `LogSource`: the lookback, paging,
//! exact case-sensitive user names, ambiguous shared names, relay
//! duplicates and stable record ids.
#![cfg(feature = "malion")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod adapter_support;

use std::sync::{Arc, Mutex};

use adapter_support::*;
use chrono::NaiveDate;
use kot_connect_core::adapters::malion::{MISSING_USER_NAME, MaLionSource};
use kot_connect_core::engine::{Source, SourceContext, Stage};
use kot_connect_core::rules::IgnoreReason;
use kot_connect_core::rules::malion::MaLionPolicy;
use kot_connect_core::{EmployeeCode, FailureReason, PunchKind, SourceRef, SourceSystem};
use malion_api::link::{LinkRow, LinkTable};
use malion_api::models::{LogEvent, OperationLog};
use malion_api::{BoxFuture, LogPage, LogQuery, LogSource, PageCursor};

/// Pages of logs in memory; the cursor is the next page's index.
struct FakeLogs {
    pages: Vec<Vec<OperationLog>>,
    queries: Mutex<Vec<LogQuery>>,
}

impl LogSource for FakeLogs {
    fn logs_page<'a>(
        &'a self,
        query: &'a LogQuery,
    ) -> BoxFuture<'a, Result<LogPage, malion_api::Error>> {
        self.queries.lock().unwrap().push(query.clone());
        let index: usize = query
            .cursor
            .as_ref()
            .map_or(0, |c| c.as_str().parse().unwrap());
        let next = (index + 1 < self.pages.len()).then(|| PageCursor::new((index + 1).to_string()));
        let logs = self.pages[index].clone();
        Box::pin(async move { Ok(LogPage::new(logs, next)) })
    }
}

fn log(user: Option<&str>, event: LogEvent, d: u32, h: u32, m: u32) -> OperationLog {
    OperationLog::new(
        "agent-01",
        "PC-01",
        user.map(str::to_owned),
        event,
        jst_at(2026, 11, d, h, m),
    )
}

fn links() -> LinkTable {
    let mut table = LinkTable::new();
    for (code, account) in [
        ("0012", "tarouk"),
        ("1000", "hanako"),
        ("3001", "yakin"),
        // Two employees share one PC user name: ambiguous.
        ("7777", "pcuser"),
        ("8888", "pcuser"),
    ] {
        table.insert(LinkRow::malion_for_employee(code, None, None).with_service_account(account));
    }
    table
}

fn fake() -> Arc<FakeLogs> {
    let first_logon = log(Some(r"CORP\tarouk"), LogEvent::Logon, 20, 8, 50);
    let wrong_case = log(Some("TaroK"), LogEvent::Logon, 20, 9, 0);
    Arc::new(FakeLogs {
        pages: vec![
            vec![
                first_logon.clone(),
                log(Some(r"CORP\tarouk"), LogEvent::Lock, 20, 12, 0),
                wrong_case.clone(),
                log(Some("pcuser"), LogEvent::Logon, 20, 9, 5),
                log(None, LogEvent::Logon, 20, 7, 0),
            ],
            vec![
                log(Some(r"CORP\tarouk"), LogEvent::Logoff, 20, 18, 30),
                // The relay delivers two logs again.
                first_logon.with_registered_at(jst_at(2026, 11, 20, 9, 30)),
                wrong_case,
                log(Some("yakin"), LogEvent::Logon, 20, 22, 0),
                log(Some("yakin"), LogEvent::Logoff, 21, 4, 30),
                // A logoff of the 18th stored late: the 18th is before the window.
                log(Some("tarouk"), LogEvent::Logoff, 18, 19, 0)
                    .with_registered_at(jst_at(2026, 11, 19, 8, 0)),
            ],
        ],
        queries: Mutex::new(Vec::new()),
    })
}

#[tokio::test]
async fn logs_since_the_lookback_become_punches_and_reports() {
    let logs = fake();
    let source = MaLionSource::new(
        logs.clone(),
        links(),
        MaLionPolicy::LogonLogoff,
        malion_api::DEFAULT_LOOKBACK_DAYS,
    )
    .with_page_size(5);
    let directory = directory();
    let state = MemoryState::default();
    let progress = Recorder::default();
    let ctx = SourceContext::new(
        now_jst(2026, 11, 21, 10, 0),
        &directory,
        &progress,
        &state,
        false,
    );
    let collected = source.collect(&ctx).await.unwrap();

    // Two pages, both since 2026-11-19 00:00 JST (two days back).
    let queries = logs.queries.lock().unwrap().clone();
    assert_eq!(queries.len(), 2);
    assert!(
        queries
            .iter()
            .all(|q| q.since == jst_at(2026, 11, 19, 0, 0) && q.page_size == 5)
    );
    assert_eq!(collected.fetched, 11);
    assert_eq!(progress.advanced(Stage::Fetch), 11);

    let punches: Vec<(&str, PunchKind, String, String)> = collected
        .punches
        .iter()
        .map(|p| {
            (
                p.employee.as_str(),
                p.kind,
                p.at.format("%d %H:%M").to_string(),
                p.work_date.format("%d").to_string(),
            )
        })
        .collect();
    assert_eq!(
        punches,
        [
            ("0012", PunchKind::ClockIn, "20 08:50".into(), "20".into()),
            ("0012", PunchKind::ClockOut, "20 18:30".into(), "20".into()),
            ("3001", PunchKind::ClockIn, "20 22:00".into(), "20".into()),
            ("3001", PunchKind::ClockOut, "21 04:30".into(), "20".into()),
        ]
    );
    let clock_in = &collected.punches[0].source;
    assert_eq!(clock_in.system, SourceSystem::MaLion);
    assert!(clock_in.record_id.starts_with("malion:"), "{clock_in}");

    let mut reasons: Vec<IgnoreReason> =
        collected.ignored.iter().map(|i| i.reason.clone()).collect();
    reasons.sort();
    assert_eq!(
        reasons,
        [
            IgnoreReason::NotSynced {
                name: "ロック".into()
            },
            IgnoreReason::Duplicate {
                kept: clock_in.clone()
            },
            IgnoreReason::OutsideWindow,
        ]
    );

    let failures: Vec<FailureReason> = collected
        .failures
        .iter()
        .map(|f| f.reason.clone())
        .collect();
    assert_eq!(
        failures,
        [
            // Case counts: `TaroK` is not `tarouk`; its relay copy is one row.
            FailureReason::UnmatchedEmployee {
                external_id: "TaroK".into()
            },
            FailureReason::AmbiguousMatch {
                external_id: "pcuser".into(),
                candidates: vec![EmployeeCode::new("7777"), EmployeeCode::new("8888")],
            },
            FailureReason::UnmatchedEmployee {
                external_id: MISSING_USER_NAME.into()
            },
        ]
    );
    assert!(
        collected
            .failures
            .iter()
            .all(|f| f.source.is_some() && f.at.is_some())
    );
    let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    assert_eq!(collected.work_dates, Some((day(19), day(21))));
}

#[tokio::test]
async fn a_rerun_over_the_same_lookback_gives_the_same_record_ids() {
    let source = MaLionSource::new(fake(), links(), MaLionPolicy::LogonLogoff, 2);
    let directory = directory();
    let state = MemoryState::default();
    let progress = Recorder::default();
    let ctx = SourceContext::new(
        now_jst(2026, 11, 21, 10, 0),
        &directory,
        &progress,
        &state,
        false,
    );
    let ids = |c: &kot_connect_core::engine::Collected| -> Vec<SourceRef> {
        c.punches.iter().map(|p| p.source.clone()).collect()
    };
    let first = source.collect(&ctx).await.unwrap();
    // Another fetch of the same logs, an hour later.
    let later = SourceContext::new(
        now_jst(2026, 11, 21, 11, 0),
        &directory,
        &progress,
        &state,
        false,
    );
    let again = source.collect(&later).await.unwrap();
    assert_eq!(ids(&first), ids(&again));
    assert_eq!(first.punches, again.punches);
    // MaLion keeps no state of its own: the ledger prevents doubles.
    assert!(state.blobs.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_shorter_lookback_and_the_first_last_policy() {
    let logs = fake();
    let source = MaLionSource::new(logs.clone(), links(), MaLionPolicy::FirstLastOfDay, 0);
    let directory = directory();
    let state = MemoryState::default();
    let progress = Recorder::default();
    let ctx = SourceContext::new(
        now_jst(2026, 11, 21, 10, 0),
        &directory,
        &progress,
        &state,
        false,
    );
    let collected = source.collect(&ctx).await.unwrap();
    assert_eq!(
        logs.queries.lock().unwrap()[0].since,
        jst_at(2026, 11, 21, 0, 0)
    );
    // With no lookback only today (the 21st) is synced: the 20th is outside.
    assert!(collected.punches.is_empty(), "{:?}", collected.punches);
    let outside = collected
        .ignored
        .iter()
        .filter(|i| i.reason == IgnoreReason::OutsideWindow)
        .count();
    assert_eq!(outside, 5);
}

#[test]
fn every_event_malion_api_reads_is_known_to_the_rule() {
    use kot_connect_core::rules::malion::PcEvent;
    use malion_api::models::LogEvent;
    for event in [
        LogEvent::Logon,
        LogEvent::Logoff,
        LogEvent::Lock,
        LogEvent::Unlock,
        LogEvent::UserSwitch,
    ] {
        let known = PcEvent::from_name(event.label());
        assert!(!matches!(known, PcEvent::Unknown(_)), "{event:?}");
        assert_eq!(known.name(), event.label());
    }
}
