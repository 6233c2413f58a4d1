//! Shared set-up of the adapter tests: a real `Directory` (leading zeros, a
//! 05:00-border division `3000`, a resigned employee), an in-memory
//! `StateStore`, a counting `Progress`, and a mock server whose catch-all
//! fails the test on any unmatched request.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use kot_api::models::{Division, Employee};
use kot_connect_core::Directory;
use kot_connect_core::engine::{Progress, Stage, StateError, StateStore};
use kot_connect_core::time::jst;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// KOT's employees: `0012` (head office), `1000` (head office), `3001` of
/// the night division `3000` (day border 05:00), `7777` resigned on
/// 2026-03-31.
pub fn employees() -> Vec<Employee> {
    serde_json::from_value(serde_json::json!([
        {"code": "0012", "key": "k-0012", "divisionCode": "1000", "lastName": "山田", "firstName": "太郎"},
        {"code": "1000", "key": "k-1000", "divisionCode": "1000", "lastName": "勤怠", "firstName": "花子"},
        {"code": "3001", "key": "k-3001", "divisionCode": "3000", "lastName": "夜勤", "firstName": "一郎"},
        {"code": "7777", "key": "k-7777", "divisionCode": "1000", "lastName": "退職", "firstName": "次郎",
         "resignationDate": "2026-03-31"}
    ]))
    .unwrap()
}

/// The divisions: `1000` (midnight) and `3000` (05:00).
pub fn divisions() -> Vec<Division> {
    serde_json::from_value(serde_json::json!([
        {"code": "1000", "name": "本社", "dayBorderTime": "00:00"},
        {"code": "3000", "name": "夜勤", "dayBorderTime": "05:00"}
    ]))
    .unwrap()
}

/// The directory of [`employees`] with [`divisions`].
pub fn directory() -> Directory {
    Directory::with_divisions(&employees(), &divisions())
}

/// An instant in JST.
pub fn jst_at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<FixedOffset> {
    jst().with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

/// An instant in JST, as UTC (what `SourceContext::now` holds).
pub fn now_jst(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    jst_at(y, mo, d, h, mi).with_timezone(&Utc)
}

/// Named blobs in memory.
#[derive(Debug, Default)]
pub struct MemoryState {
    pub blobs: Mutex<BTreeMap<String, Vec<u8>>>,
    pub writes: AtomicU64,
}

impl MemoryState {
    pub fn get(&self, name: &str) -> Option<String> {
        self.blobs
            .lock()
            .unwrap()
            .get(name)
            .map(|b| String::from_utf8(b.clone()).unwrap())
    }
}

impl StateStore for MemoryState {
    fn load(&self, name: &str) -> Result<Option<Vec<u8>>, StateError> {
        Ok(self.blobs.lock().unwrap().get(name).cloned())
    }

    fn store(&self, name: &str, bytes: &[u8]) -> Result<(), StateError> {
        self.writes.fetch_add(1, Ordering::SeqCst);
        self.blobs
            .lock()
            .unwrap()
            .insert(name.to_owned(), bytes.to_vec());
        Ok(())
    }
}

/// Progress events, in order.
#[derive(Debug, Default)]
pub struct Recorder {
    pub events: Mutex<Vec<String>>,
}

impl Recorder {
    /// The total advanced in `stage`.
    pub fn advanced(&self, stage: Stage) -> u64 {
        let prefix = format!("advance {stage:?} ");
        self.events
            .lock()
            .unwrap()
            .iter()
            .filter_map(|e| e.strip_prefix(&prefix).map(|n| n.parse::<u64>().unwrap()))
            .sum()
    }

    /// Whether `stage` began and ended.
    pub fn began_and_ended(&self, stage: Stage) -> bool {
        let events = self.events.lock().unwrap();
        let began = events
            .iter()
            .position(|e| e.starts_with(&format!("begin {stage:?}")));
        let ended = events.iter().position(|e| *e == format!("end {stage:?}"));
        matches!((began, ended), (Some(b), Some(e)) if b < e)
    }
}

impl Progress for Recorder {
    fn begin(&self, stage: Stage, total: Option<u64>) {
        self.events
            .lock()
            .unwrap()
            .push(format!("begin {stage:?} {total:?}"));
    }
    fn advance(&self, stage: Stage, n: u64) {
        self.events
            .lock()
            .unwrap()
            .push(format!("advance {stage:?} {n}"));
    }
    fn end(&self, stage: Stage) {
        self.events.lock().unwrap().push(format!("end {stage:?}"));
    }
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
