//! The SenseLink adapter against a mock SenseLink: paging, matching by
//! 従業員番号, the 05:00 border, and the person sync.
#![cfg(feature = "senselink")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod adapter_support;

use std::sync::Arc;

use adapter_support::*;
use chrono::{NaiveDate, TimeZone, Utc};
use kot_connect_core::adapters::senselink::{
    MISSING_JOB_NUMBER, SenseLinkSource, SenseLinkTarget, sync_persons,
};
use kot_connect_core::engine::{Source, SourceContext, Stage};
use kot_connect_core::rules::IgnoreReason;
use kot_connect_core::rules::senselink::{SenseLinkMode, SenseLinkRule, TargetDay};
use kot_connect_core::{FailureReason, PunchKind};
use senselink_api::{Client, ManualClock};
use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder("app-key", "app-secret-for-adapter-tests")
        .base_url(server.uri())
        .clock(Arc::new(ManualClock::new(
            Utc.with_ymd_and_hms(2026, 4, 3, 0, 0, 0).unwrap(),
        )))
        .build()
        .unwrap()
}

fn ok(data: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"code": 200, "message": "OK", "data": data}))
}

fn record(id: i64, job_number: Option<&str>, d: u32, h: u32, m: u32, s: u32) -> Value {
    let at = jst_at(2026, 4, d, h, m).timestamp() + i64::from(s);
    json!({"id": id, "sign_time": at, "job_number": job_number, "user_type": 1})
}

/// The records of 2026-04-02 and the next morning: the manual's example
/// for `0012`, a night shift of `3001` (05:00 border), mismatches, and
/// 240 recognitions of `1000` to make three pages.
fn records() -> Vec<Value> {
    let mut all = vec![
        record(1, Some("0012"), 2, 8, 55, 0),
        record(2, Some("0012"), 2, 12, 10, 0),
        record(3, Some("0012"), 2, 18, 5, 0),
        record(4, Some("3001"), 2, 22, 0, 0),
        record(5, Some("3001"), 3, 4, 30, 0),
        record(6, Some("3001"), 3, 5, 10, 0),
        record(7, Some("12"), 2, 9, 0, 0),
        record(8, None, 2, 9, 1, 0),
        record(9, Some("9999"), 2, 9, 2, 0),
        record(10, Some("7777"), 2, 9, 3, 0),
    ];
    for i in 0..240 {
        all.push(record(
            100 + i,
            Some("1000"),
            2,
            10,
            0,
            u32::try_from(i).unwrap(),
        ));
    }
    all
}

async fn mount_pages(server: &MockServer, from: &str, to: &str) {
    let all = records();
    for (page, chunk) in all.chunks(100).enumerate() {
        Mock::given(method("GET"))
            .and(path("/api/v5/record/list"))
            .and(query_param("date_time_from", from))
            .and(query_param("date_time_to", to))
            .and(query_param("type", "1"))
            .and(query_param("page", (page + 1).to_string()))
            .respond_with(ok(
                json!({"list": chunk, "page_num": page + 1, "page_size": 100}),
            ))
            .expect(1)
            .named(format!("records page {}", page + 1))
            .mount(server)
            .await;
    }
    // SenseLink Cloud tells no total: the client confirms a short last page
    // with one more read, which brings nothing.
    let after = all.len().div_ceil(100) + 1;
    Mock::given(method("GET"))
        .and(path("/api/v5/record/list"))
        .and(query_param("date_time_from", from))
        .and(query_param("date_time_to", to))
        .and(query_param("page", after.to_string()))
        .respond_with(ok(json!({"list": [], "page_num": after, "page_size": 100})))
        .expect(1)
        .named("the empty page after the last")
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_work_date_is_fetched_over_three_pages_and_matched_exactly() {
    let server = server().await;
    mount_pages(&server, "2026-04-02 00:00:00", "2026-04-03 23:59:59").await;
    let source = SenseLinkSource::new(
        client(&server),
        SenseLinkRule::new(SenseLinkMode::ClockInAndOut, TargetDay::PreviousDay),
        SenseLinkTarget::Date(NaiveDate::from_ymd_opt(2026, 4, 2).unwrap()),
    );
    let directory = directory();
    let state = MemoryState::default();
    let progress = Recorder::default();
    let ctx = SourceContext::new(
        now_jst(2026, 4, 10, 12, 0),
        &directory,
        &progress,
        &state,
        false,
    );
    let collected = source.collect(&ctx).await.unwrap();
    assert_eq!(source.connector(), "SenseThunder連携");

    assert_eq!(collected.fetched, 250);
    assert_eq!(progress.advanced(Stage::Fetch), 250);
    assert!(progress.began_and_ended(Stage::Fetch));
    let day = NaiveDate::from_ymd_opt(2026, 4, 2).unwrap();
    assert_eq!(collected.work_dates, Some((day, day)));

    let punches: Vec<(String, PunchKind, String, String)> = collected
        .punches
        .iter()
        .map(|p| {
            (
                p.employee.as_str().to_owned(),
                p.kind,
                p.at.format("%m-%d %H:%M:%S").to_string(),
                p.source.to_string(),
            )
        })
        .collect();
    assert_eq!(
        punches,
        [
            (
                "0012".into(),
                PunchKind::ClockIn,
                "04-02 08:55:00".into(),
                "senselink:1".into()
            ),
            (
                "0012".into(),
                PunchKind::ClockOut,
                "04-02 18:05:00".into(),
                "senselink:3".into()
            ),
            (
                "1000".into(),
                PunchKind::ClockIn,
                "04-02 10:00:00".into(),
                "senselink:100".into()
            ),
            (
                "1000".into(),
                PunchKind::ClockOut,
                "04-02 10:03:59".into(),
                "senselink:339".into()
            ),
            // The night shift ends at 04:30 the next morning, on work date 04-02.
            (
                "3001".into(),
                PunchKind::ClockIn,
                "04-02 22:00:00".into(),
                "senselink:4".into()
            ),
            (
                "3001".into(),
                PunchKind::ClockOut,
                "04-03 04:30:00".into(),
                "senselink:5".into()
            ),
            // Resignation is the engine's question (the directory at the work date).
            (
                "7777".into(),
                PunchKind::ClockIn,
                "04-02 09:03:00".into(),
                "senselink:10".into()
            ),
        ]
    );
    assert!(collected.punches.iter().all(|p| p.work_date == day));

    // 05:10 on the 3rd is the 3rd's work date for a 05:00 border.
    let outside: Vec<_> = collected
        .ignored
        .iter()
        .filter(|i| i.reason == IgnoreReason::OutsideWindow)
        .map(|i| i.source.record_id.as_str())
        .collect();
    assert_eq!(outside, ["6"]);

    let mut failures: Vec<(String, FailureReason)> = collected
        .failures
        .iter()
        .map(|f| (f.source.as_ref().unwrap().to_string(), f.reason.clone()))
        .collect();
    failures.sort_by(|a, b| a.0.cmp(&b.0));
    let unmatched = |id: &str| FailureReason::UnmatchedEmployee {
        external_id: id.to_owned(),
    };
    assert_eq!(
        failures,
        [
            ("senselink:7".to_owned(), unmatched("12")),
            ("senselink:8".to_owned(), unmatched(MISSING_JOB_NUMBER)),
            ("senselink:9".to_owned(), unmatched("9999")),
        ]
    );
    assert!(collected.failures.iter().all(|f| f.at.is_some()));
    // Every record is accounted for once.
    assert_eq!(
        collected.punches.len() + collected.ignored.len() + collected.failures.len(),
        250
    );
}

#[tokio::test]
async fn a_scheduled_run_reads_the_previous_jst_day() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v5/record/list"))
        .and(query_param("date_time_from", "2026-04-02 00:00:00"))
        .and(query_param("date_time_to", "2026-04-03 23:59:59"))
        .and(query_param("page", "1"))
        .respond_with(ok(json!({"list": [record(1, Some("0012"), 2, 9, 0, 0)]})))
        .expect(1)
        .mount(&server)
        .await;
    // The short first page is confirmed as the last by one empty read.
    Mock::given(method("GET"))
        .and(path("/api/v5/record/list"))
        .and(query_param("page", "2"))
        .respond_with(ok(json!({"list": []})))
        .expect(1)
        .mount(&server)
        .await;
    let source = SenseLinkSource::new(
        client(&server),
        SenseLinkRule::new(SenseLinkMode::ClockInOnly, TargetDay::PreviousDay),
        SenseLinkTarget::Scheduled,
    );
    let directory = directory();
    let state = MemoryState::default();
    let progress = Recorder::default();
    // 03:00 JST on the 3rd is still the 2nd in UTC: the JST date counts.
    let now = now_jst(2026, 4, 3, 3, 0);
    assert_eq!(
        source.work_date(&now),
        NaiveDate::from_ymd_opt(2026, 4, 2).unwrap()
    );
    let ctx = SourceContext::new(now, &directory, &progress, &state, false);
    let collected = source.collect(&ctx).await.unwrap();
    assert_eq!(collected.punches.len(), 1);
    assert_eq!(collected.punches[0].kind, PunchKind::ClockIn);
    assert!(state.blobs.lock().unwrap().is_empty());
}

#[tokio::test]
async fn an_api_error_is_a_source_error_without_the_secret() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v5/record/list"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"code": 40001, "message": "sign invalid"})),
        )
        .mount(&server)
        .await;
    let source = SenseLinkSource::new(
        client(&server),
        SenseLinkRule::default(),
        SenseLinkTarget::from(NaiveDate::from_ymd_opt(2026, 4, 2).unwrap()),
    );
    let directory = directory();
    let state = MemoryState::default();
    let progress = Recorder::default();
    let ctx = SourceContext::new(
        now_jst(2026, 4, 3, 3, 0),
        &directory,
        &progress,
        &state,
        false,
    );
    let err = source.collect(&ctx).await.unwrap_err();
    assert_eq!(err.system, "senselink");
    assert!(err.to_string().contains("40001"), "{err}");
    assert!(!format!("{err:?}{err}").contains("app-secret-for-adapter-tests"));
}

fn persons() -> Value {
    json!([
        {"id": 11, "name": "山田\u{3000}太郎", "job_number": "0012"},
        {"id": 12, "name": "勤怠\u{3000}花", "job_number": "1000"},
        {"id": 13, "name": "退職\u{3000}次郎", "job_number": "7777"},
        {"id": 14, "name": "来客", "job_number": null}
    ])
}

fn sync_employees() -> Vec<kot_api::models::Employee> {
    let mut all = employees();
    all.extend(
        serde_json::from_value::<Vec<kot_api::models::Employee>>(json!([
            {"code": "4000", "key": "k-4000", "lastName": "新人", "firstName": "三郎"}
        ]))
        .unwrap(),
    );
    all
}

#[tokio::test]
async fn the_person_sync_creates_updates_and_reports_refusals() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/user/list"))
        .respond_with(ok(persons()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/user"))
        .and(body_string_contains("4000"))
        .respond_with(ok(json!({"id": 20})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/user"))
        .and(body_string_contains("3001"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"code": 30010, "message": "job number exists"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/user/update/12"))
        .and(body_string_contains("勤怠\u{3000}花子"))
        .respond_with(ok(Value::Null))
        .expect(1)
        .mount(&server)
        .await;

    let today = NaiveDate::from_ymd_opt(2026, 4, 2).unwrap();
    let outcome = sync_persons(&client(&server), &sync_employees(), today, false)
        .await
        .unwrap();
    assert!(!outcome.dry_run);
    assert_eq!(outcome.counts.created, 1);
    assert_eq!(outcome.counts.updated, 1);
    assert_eq!(outcome.counts.unchanged, 1);
    assert_eq!(outcome.counts.resigned, 1);
    assert_eq!(outcome.counts.failed, 1);
    assert_eq!(outcome.failures.len(), 1);
    let refused = &outcome.failures[0];
    assert_eq!(refused.employee.as_ref().unwrap().as_str(), "3001");
    assert!(
        matches!(&refused.reason, FailureReason::ApiError { message } if message.contains("30010")),
        "{refused:?}"
    );
    assert_eq!(outcome.plan.resigned[0].job_number, "7777");
    assert_eq!(outcome.plan.not_in_kot.len(), 1);
}

#[tokio::test]
async fn a_dry_run_person_sync_only_reads() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/user/list"))
        .respond_with(ok(persons()))
        .expect(1)
        .mount(&server)
        .await;
    let today = NaiveDate::from_ymd_opt(2026, 4, 2).unwrap();
    let outcome = sync_persons(&client(&server), &sync_employees(), today, true)
        .await
        .unwrap();
    assert!(outcome.dry_run);
    assert_eq!(
        (
            outcome.counts.created,
            outcome.counts.updated,
            outcome.counts.unchanged,
            outcome.counts.resigned
        ),
        (2, 1, 1, 1)
    );
    assert!(outcome.failures.is_empty());
    // The catch-all (expect 0) fails the test on any write.
}
