//! The cyzen adapter against a mock cyzen: the first run's whole month in
//! 15-day windows, matching by user code, the enable list, and the
//! watermark written only when a run is settled.
#![cfg(feature = "cyzen")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod adapter_support;

use std::collections::BTreeSet;

use adapter_support::*;
use chrono::{NaiveDate, TimeDelta};
use cyzen_api::{Client, SecretString};
use kot_connect_core::adapters::cyzen::{CyzenSource, MISSING_USER_CODE, WATERMARK_STATE};
use kot_connect_core::engine::{Source, SourceContext, Stage};
use kot_connect_core::rules::IgnoreReason;
use kot_connect_core::rules::cyzen::{CyzenRule, EnabledUsers};
use kot_connect_core::{EmployeeCode, FailureReason, PunchKind};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "cyzen-adapter-test-token-5b1f";

fn client(server: &MockServer) -> Client {
    Client::builder(
        "0123456789abcdef0123456789abcdef",
        SecretString::from(TOKEN),
    )
    .base_url(server.uri())
    .without_rate_limit()
    .build()
    .unwrap()
}

fn statuses() -> Value {
    let s = |id: &str, name: &str, ty: &str| json!({"status_id": id, "status_name": name, "group_id": "g1", "status_type": ty});
    json!({"statuses": [
        s("s-start", "出勤", "勤務開始"),
        s("s-end", "退勤", "勤務終了"),
        s("s-break-start", "休憩開始", "勤務中"),
        s("s-break-end", "休憩終了", "勤務中"),
        s("s-task", "作業開始", "勤務中"),
    ]})
}

fn users() -> Value {
    let u = |id: &str, code: &str| json!({"user_id": id, "user_code": code, "account_status": 1});
    json!({"users": [u("u1", "0012"), u("u2", "3001"), u("u3", "9999"), u("u4", "1000")]})
}

/// A press at a JST time, written as cyzen does (UTC, no offset).
fn press(id: &str, user: &str, status: &str, d: u32, h: u32, m: u32) -> Value {
    let utc = jst_at(2026, 6, d, h, m).naive_utc();
    json!({
        "history_id": id, "user_id": user, "status_id": status,
        "create_at": utc.format("%Y-%m-%dT%H:%M:%S").to_string(),
        "history_latitude": 35.65, "history_longitude": 139.54
    })
}

fn histories() -> Value {
    json!({"histories": [
        press("h1", "u1", "s-start", 3, 7, 51),
        press("h2", "u1", "s-break-start", 3, 12, 0),
        press("h3", "u1", "s-task", 3, 13, 0),
        press("h4", "u1", "s-end", 3, 18, 0),
        press("h5", "u2", "s-start", 3, 22, 0),
        press("h6", "u2", "s-end", 4, 4, 30),
        press("h7", "u3", "s-start", 3, 9, 0),
        press("h8", "ghost", "s-start", 3, 9, 0),
        press("h9", "u4", "s-start", 3, 9, 0),
    ]})
}

async fn mount_masters(server: &MockServer, runs: u64) {
    Mock::given(method("GET"))
        .and(path("/statuses"))
        .respond_with(ResponseTemplate::new(200).set_body_json(statuses()))
        .expect(runs)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/users"))
        .respond_with(ResponseTemplate::new(200).set_body_json(users()))
        .expect(runs)
        .mount(server)
        .await;
}

fn rule() -> CyzenRule {
    let enabled: BTreeSet<EmployeeCode> = ["0012", "3001", "9999"]
        .into_iter()
        .map(EmployeeCode::new)
        .collect();
    CyzenRule::new(EnabledUsers::Only(enabled))
}

#[tokio::test]
async fn the_first_run_fetches_the_month_in_two_windows_and_maps_the_presses() {
    let server = server().await;
    mount_masters(&server, 1).await;
    // 2026-06-01 00:00 JST = 2026-05-31 15:00 UTC.
    Mock::given(method("GET"))
        .and(path("/histories"))
        .and(query_param("from_date", "2026-05-31T15:00:00"))
        .respond_with(ResponseTemplate::new(200).set_body_json(histories()))
        .expect(1)
        .named("first 15-day window")
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/histories"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"histories": []})))
        .with_priority(10)
        .expect(1)
        .named("second window")
        .mount(&server)
        .await;

    let source = CyzenSource::new(client(&server), rule());
    let directory = directory();
    let state = MemoryState::default();
    let progress = Recorder::default();
    let ctx = SourceContext::new(
        now_jst(2026, 6, 20, 12, 0),
        &directory,
        &progress,
        &state,
        false,
    );
    let collected = source.collect(&ctx).await.unwrap();

    assert_eq!(collected.fetched, 9);
    assert_eq!(progress.advanced(Stage::Fetch), 9);
    let punches: Vec<(String, PunchKind, String, String)> = collected
        .punches
        .iter()
        .map(|p| {
            (
                p.employee.as_str().to_owned(),
                p.kind,
                p.at.format("%m-%d %H:%M").to_string(),
                p.work_date.format("%m-%d").to_string(),
            )
        })
        .collect();
    assert_eq!(
        punches,
        [
            (
                "0012".into(),
                PunchKind::ClockIn,
                "06-03 07:51".into(),
                "06-03".into()
            ),
            (
                "0012".into(),
                PunchKind::BreakStart,
                "06-03 12:00".into(),
                "06-03".into()
            ),
            (
                "0012".into(),
                PunchKind::ClockOut,
                "06-03 18:00".into(),
                "06-03".into()
            ),
            (
                "3001".into(),
                PunchKind::ClockIn,
                "06-03 22:00".into(),
                "06-03".into()
            ),
            // 04:30 belongs to the 3rd under the 05:00 border.
            (
                "3001".into(),
                PunchKind::ClockOut,
                "06-04 04:30".into(),
                "06-03".into()
            ),
        ]
    );
    assert_eq!(collected.punches[0].source.to_string(), "cyzen:h1");
    assert!(collected.punches[0].location.is_some());

    let ignored: Vec<(&str, &IgnoreReason)> = collected
        .ignored
        .iter()
        .map(|i| (i.source.record_id.as_str(), &i.reason))
        .collect();
    assert_eq!(
        ignored,
        [
            (
                "h3",
                &IgnoreReason::NotSynced {
                    name: "作業開始".into()
                }
            ),
            ("h9", &IgnoreReason::NotEnabled),
        ]
    );
    let failures: Vec<(String, FailureReason)> = collected
        .failures
        .iter()
        .map(|f| (f.source.as_ref().unwrap().to_string(), f.reason.clone()))
        .collect();
    assert_eq!(
        failures,
        [
            (
                "cyzen:h7".to_owned(),
                FailureReason::UnmatchedEmployee {
                    external_id: "9999".into()
                }
            ),
            (
                "cyzen:h8".to_owned(),
                FailureReason::UnmatchedEmployee {
                    external_id: MISSING_USER_CODE.into()
                }
            ),
        ]
    );
    let day = |d| NaiveDate::from_ymd_opt(2026, 6, d).unwrap();
    assert_eq!(collected.work_dates, Some((day(1), day(20))));
}

#[tokio::test]
async fn the_watermark_is_written_only_by_a_settled_real_run() {
    let server = server().await;
    mount_masters(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/histories"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"histories": []})))
        .expect(2)
        .mount(&server)
        .await;
    let source = CyzenSource::new(client(&server), rule());
    let directory = directory();
    let state = MemoryState::default();
    let progress = Recorder::default();
    let now = now_jst(2026, 6, 20, 12, 0);
    let ctx = SourceContext::new(now, &directory, &progress, &state, false);
    let collected = source.collect(&ctx).await.unwrap();
    assert_eq!(collected.fetched, 0);
    assert_eq!(collected.work_dates, None);
    // Collecting writes nothing.
    assert_eq!(state.get(WATERMARK_STATE), None);

    // Unsettled: the next run fetches the same window again.
    source.finish(&ctx, false).await.unwrap();
    assert_eq!(state.get(WATERMARK_STATE), None);
    let window = source.window(&ctx).unwrap();
    assert_eq!(window.from, jst_at(2026, 6, 1, 0, 0));

    // A dry run never moves the watermark.
    let dry = SourceContext::new(now, &directory, &progress, &state, true);
    source.finish(&dry, true).await.unwrap();
    assert_eq!(state.get(WATERMARK_STATE), None);

    source.finish(&ctx, true).await.unwrap();
    assert_eq!(
        state.get(WATERMARK_STATE).as_deref(),
        Some("2026-06-20T12:00:00+09:00")
    );
    assert_eq!(state.writes.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[tokio::test]
async fn the_next_run_starts_at_the_watermark_less_the_overlap() {
    let server = server().await;
    mount_masters(&server, 1).await;
    // Watermark 2026-06-20 12:00 JST, less one day = 2026-06-19 03:00 UTC.
    Mock::given(method("GET"))
        .and(path("/histories"))
        .and(query_param("from_date", "2026-06-19T03:00:00"))
        .and(query_param("to_date", "2026-06-21T03:00:00"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"histories": [
                press("h10", "u1", "s-end", 20, 18, 0)
            ]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let state = MemoryState::default();
    kot_connect_core::engine::StateStore::store(
        &state,
        WATERMARK_STATE,
        b"2026-06-20T12:00:00+09:00",
    )
    .unwrap();
    let source = CyzenSource::new(client(&server), rule());
    let directory = directory();
    let progress = Recorder::default();
    let ctx = SourceContext::new(
        now_jst(2026, 6, 21, 12, 0),
        &directory,
        &progress,
        &state,
        false,
    );
    let window = source.window(&ctx).unwrap();
    assert_eq!(window.from, jst_at(2026, 6, 20, 12, 0) - TimeDelta::days(1));
    let collected = source.collect(&ctx).await.unwrap();
    assert_eq!(collected.punches.len(), 1);
    assert_eq!(collected.punches[0].kind, PunchKind::ClockOut);
    source.finish(&ctx, true).await.unwrap();
    assert_eq!(
        state.get(WATERMARK_STATE).as_deref(),
        Some("2026-06-21T12:00:00+09:00")
    );
}

#[tokio::test]
async fn a_corrupt_watermark_is_an_error_not_a_first_run() {
    let server = server().await;
    let state = MemoryState::default();
    kot_connect_core::engine::StateStore::store(&state, WATERMARK_STATE, b"yesterday").unwrap();
    let source = CyzenSource::new(client(&server), rule());
    let directory = directory();
    let progress = Recorder::default();
    let ctx = SourceContext::new(
        now_jst(2026, 6, 21, 12, 0),
        &directory,
        &progress,
        &state,
        false,
    );
    let err = source.collect(&ctx).await.unwrap_err();
    assert!(err.to_string().contains(WATERMARK_STATE), "{err}");
    assert!(!format!("{err:?}").contains(TOKEN));
}
