//! Shared set-up of the cyzen-api integration tests: a mock cyzen with a
//! catch-all that fails the test on any unmatched request, and a client with
//! near-zero retry backoff.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::time::Duration;

use cyzen_api::{Client, ClientBuilder, RetryPolicy, SecretString};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The token every test client uses. Redaction tests look for exactly this.
pub const TOKEN: &str = "cyzen-test-token-3e9a71c0d2b84f65";

/// The tenant id every test client uses.
pub const COMPANY: &str = "0123456789abcdef0123456789abcdef";

/// `Authorization` header value the mock expects (lower-case scheme).
pub fn bearer() -> String {
    format!("bearer {TOKEN}")
}

/// cyzen's documented schedule (6 attempts in all), with 1-5 ms waits.
pub fn fast_retries() -> RetryPolicy {
    cyzen_api::default_retry_policy()
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

/// A builder for `server` with the test credentials and fast retries (the
/// default client-side rate limit stays on).
pub fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder(COMPANY, SecretString::from(TOKEN))
        .base_url(server.uri())
        .retry_policy(fast_retries())
}

/// A client for `server`, without the client-side rate limit (so that tests
/// of many requests run fast).
pub fn client(server: &MockServer) -> Client {
    builder(server).without_rate_limit().build().unwrap()
}

/// Reads `tests/fixtures/<name>` as text.
pub fn fixture_text(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Reads `tests/fixtures/<name>` as JSON.
pub fn fixture(name: &str) -> serde_json::Value {
    serde_json::from_str(&fixture_text(name)).unwrap()
}

/// The query parameters of a received request, in order.
pub fn query(request: &Request) -> Vec<(String, String)> {
    request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// One query parameter of a received request.
pub fn param(request: &Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The form fields of a received request's body, in order.
pub fn form(request: &Request) -> Vec<(String, String)> {
    url_form(&request.body)
}

fn url_form(body: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).unwrap()
}
