//! Shared set-up of the kot-api integration tests: a mock KOT server with a
//! catch-all that fails the test on any unmatched request, and a client on a
//! frozen clock (noon JST, outside the time bands) with near-zero backoff.
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
use kot_api::{Client, ManualClock, RetryPolicy};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The access token every test client uses. Tests that check redaction look
/// for exactly this string.
pub const TOKEN: &str = "kot-test-token-6b3c9e2f81d04a57";

/// `Authorization` header value the mock expects.
pub fn bearer() -> String {
    format!("Bearer {TOKEN}")
}

/// 2026-11-21 12:00 JST (03:00 UTC): outside both prohibited bands.
pub fn noon_jst() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 3, 0, 0).unwrap()
}

/// Retries with 1-5 ms backoff, so retry tests run fast.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .with_backoff(Duration::from_millis(1), Duration::from_millis(5))
        .with_min_backoff(Duration::from_millis(1))
}

/// A started mock server with a lowest-priority catch-all that answers 599
/// and is expected never to be hit: an unexpected request fails the test
/// when the server is dropped, naming the request.
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

/// A client for `server` with the test token, at noon JST.
pub fn client(server: &MockServer) -> Client {
    client_at(server, noon_jst()).0
}

/// A client for `server` whose clock starts at `now`; the clock is returned
/// so that a test can move it.
pub fn client_at(server: &MockServer, now: DateTime<Utc>) -> (Client, ManualClock) {
    let clock = ManualClock::new(now);
    let client = Client::builder(TOKEN)
        .base_url(server.uri())
        .clock(Arc::new(clock.clone()))
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    (client, clock)
}

/// Reads `tests/fixtures/<name>` as JSON.
pub fn fixture(name: &str) -> serde_json::Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}
