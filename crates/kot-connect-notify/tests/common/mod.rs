//! Shared set-up of the integration tests: a mock server with a loud
//! catch-all, fast retries, a frozen clock and a sample report.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use kot_connect_notify::{
    Attachment, ChannelOptions, FailureReason, ManualClock, PunchFailure, PunchKind, RetryPolicy,
    RunCounts, RunStatus, SyncReport,
};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A started mock server whose lowest-priority catch-all answers 599 and
/// is expected never to be hit: an unexpected request fails the test.
pub async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(599).set_body_string("unmatched request"))
        .with_priority(u8::MAX)
        .named("catch-all: no request should reach this")
        .expect(0)
        .mount(&server)
        .await;
    server
}

/// Retries with 1-5 ms backoff; `Retry-After` clamped to 5 ms.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .with_backoff(Duration::from_millis(1), Duration::from_millis(5))
        .with_min_backoff(Duration::from_millis(1))
        .with_max_retry_after(Duration::from_millis(5))
}

/// 2026-11-21 12:00 JST.
pub fn noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 3, 0, 0).unwrap()
}

/// Options pointing at `server` with fast retries and a frozen clock.
pub fn options(server: &MockServer) -> (ChannelOptions, ManualClock) {
    let clock = ManualClock::new(noon());
    let options = ChannelOptions::default()
        .base_url(server.uri())
        .retry_policy(fast_retries())
        .clock(Arc::new(clock.clone()));
    (options, clock)
}

pub fn jst(h: u32, m: u32) -> DateTime<FixedOffset> {
    FixedOffset::east_opt(9 * 3600)
        .unwrap()
        .with_ymd_and_hms(2026, 11, 21, h, m, 0)
        .unwrap()
}

/// A failed run with two failures and a failure CSV.
pub fn report() -> SyncReport {
    SyncReport::new("cyzen", jst(9, 0), jst(9, 2), RunStatus::Failure)
        .counts(RunCounts {
            total: 42,
            posted: 39,
            skipped: 1,
            unmatched: 0,
            failed: 2,
        })
        .failure(
            PunchFailure::new("2022", PunchKind::ClockIn, FailureReason::AlreadyPunched)
                .at(jst(9, 1)),
        )
        .failure(PunchFailure::new(
            "3001",
            PunchKind::ClockOut,
            FailureReason::UnmatchedEmployee,
        ))
        .failure_csv(Attachment::csv(
            "failures-2026-11-21.csv",
            "employee,reason\n2022,既に打刻済みです\n",
        ))
}

/// A successful run without failures.
pub fn success() -> SyncReport {
    SyncReport::new("SenseLink", jst(7, 0), jst(7, 1), RunStatus::Success).counts(RunCounts {
        total: 10,
        posted: 10,
        ..RunCounts::default()
    })
}

/// A report with `n` failures.
pub fn many_failures(n: usize) -> SyncReport {
    let mut r = SyncReport::new("MaLion", jst(9, 0), jst(9, 5), RunStatus::Failure);
    for i in 0..n {
        r = r.failure(PunchFailure::new(
            format!("{i:06}"),
            PunchKind::ClockIn,
            FailureReason::Other(format!("理由 reason number {i} with some padding text")),
        ));
    }
    r
}

/// The request's body as JSON.
pub fn json(request: &Request) -> serde_json::Value {
    serde_json::from_slice(&request.body).unwrap()
}

/// The request's form body as pairs.
pub fn form(request: &Request) -> Vec<(String, String)> {
    url::form_urlencoded::parse(&request.body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The value of `name` in a form body.
pub fn form_value(request: &Request, name: &str) -> Option<String> {
    form(request)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// Asserts that `secret` appears in none of the strings.
pub fn assert_absent(secret: &str, shown: &[String]) {
    for s in shown {
        assert!(!s.contains(secret), "secret leaked into: {s}");
    }
}

/// Debug, Display and the source chain of an error.
pub fn error_strings(err: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut out = vec![format!("{err:?}"), err.to_string()];
    let mut source = err.source();
    while let Some(s) = source {
        out.push(s.to_string());
        out.push(format!("{s:?}"));
        source = s.source();
    }
    out
}
