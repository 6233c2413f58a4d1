//! Shared set-up of the malion-api integration tests: a mock MaLion server
//! with a catch-all that fails the test on any unmatched request, and a
//! client with the test credentials and near-zero backoff.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::time::Duration;

use malion_api::{Client, ClientBuilder, ConnectionSettings, RetryPolicy};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The relay host every test uses.
pub const HOST: &str = "malioncloud0042.intercom.co.jp";
/// The administrator code every test uses.
pub const ADMIN: &str = "ADMIN-0042";
/// The secret code every test uses. Redaction tests look for exactly this.
pub const SECRET: &str = "malion-test-secret-9d2f4c71e6b08a35";

/// Validated test settings.
pub fn settings() -> ConnectionSettings {
    ConnectionSettings::new(HOST, ADMIN, SECRET).unwrap()
}

/// Retries with 1-5 ms backoff.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .with_backoff(Duration::from_millis(1), Duration::from_millis(5))
        .with_min_backoff(Duration::from_millis(1))
}

/// A started mock server with a lowest-priority catch-all expected never to
/// be hit.
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

/// A builder for `server` with the test settings and fast retries.
pub fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder(settings())
        .base_url(server.uri())
        .retry_policy(fast_retries())
}

/// A client for `server`.
pub fn client(server: &MockServer) -> Client {
    builder(server).build().unwrap()
}

/// Reads `tests/fixtures/<name>` as text.
pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Reads `tests/fixtures/<name>` as bytes.
pub fn fixture_bytes(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}
