//! Shared set-up of the wowtalk-api integration tests: fixtures, JST
//! instants, directories, and a mock bot API with a catch-all that fails the
//! test on any unmatched request.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::collections::BTreeSet;

use chrono::{DateTime, FixedOffset, TimeZone};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};
use wowtalk_api::models::{EmployeeCode, WowTalkUserId};

/// Reads `tests/fixtures/<name>` as bytes.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// 2026-04-01 at `h:m:s.ms` JST.
pub fn jst(h: u32, m: u32, s: u32, ms: u32) -> DateTime<FixedOffset> {
    kot_api::time_band::jst()
        .with_ymd_and_hms(2026, 4, 1, h, m, s)
        .unwrap()
        + chrono::Duration::milliseconds(i64::from(ms))
}

/// Noon JST: outside both bands.
pub fn noon() -> DateTime<FixedOffset> {
    jst(12, 0, 0, 0)
}

pub fn codes(list: &[&str]) -> BTreeSet<EmployeeCode> {
    list.iter().map(|c| EmployeeCode::new(*c)).collect()
}

pub fn users(list: &[&str]) -> BTreeSet<WowTalkUserId> {
    list.iter().map(|u| WowTalkUserId::new(*u)).collect()
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
