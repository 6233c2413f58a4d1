//! Shared set-up of the senselink-api integration tests: a mock SenseLink
//! with a catch-all that fails the test on any unmatched request, and a
//! client on a frozen clock with near-zero retry backoff.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use senselink_api::{Client, ClientBuilder, ManualClock, RetryPolicy};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The app key every test client uses.
pub const APP_KEY: &str = "35uifanj8i30kdng";
/// The app secret every test client uses. Redaction tests look for exactly
/// this string.
pub const APP_SECRET: &str = "sl-test-secret-9c4e2a7b";
/// The frozen clock: Unix 1 700 000 000 000 ms.
pub const NOW_MS: i64 = 1_700_000_000_000;
/// md5("1700000000000#sl-test-secret-9c4e2a7b"), computed outside this crate
/// (Python's hashlib) for these tests.
pub const EXPECTED_SIGN: &str = "5e58ab9bf665200efc5a5cea9a89ba4b";

/// The frozen instant.
pub fn now() -> DateTime<Utc> {
    Utc.timestamp_millis_opt(NOW_MS).unwrap()
}

/// Retries with 1-5 ms backoff, so retry tests run fast.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .with_backoff(Duration::from_millis(1), Duration::from_millis(5))
        .with_min_backoff(Duration::from_millis(1))
}

/// A started mock server with a lowest-priority catch-all that answers 599
/// and is expected never to be hit.
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

/// A builder for `server` with the test key and secret, the frozen clock
/// and fast retries.
pub fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder(APP_KEY, APP_SECRET)
        .base_url(server.uri())
        .clock(Arc::new(ManualClock::new(now())))
        .retry_policy(fast_retries())
}

/// A Cloud client for `server`.
pub fn client(server: &MockServer) -> Client {
    builder(server).build().unwrap()
}

/// An envelope with code 200 around `data`.
pub fn ok(data: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"code": 200, "message": "OK", "data": data}))
}

/// Reads `tests/fixtures/<name>` as JSON.
pub fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The requests the server recorded.
pub async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("recording is on")
}

/// One query parameter of a recorded request.
pub fn query(request: &Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// A synthetic employee record with `id`, based on the synthetic fixture.
pub fn record(id: i64) -> Value {
    let mut r = fixture("synthetic_employee_record.json");
    r["id"] = json!(id);
    r
}
