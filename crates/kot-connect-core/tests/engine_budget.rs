//! The engine's call budget against a counting fake of KOT: the division
//! list is read once per JST day (or when an employee names a division the
//! cache lacks), and a rate-limit answer slows every POST in flight.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Duration, FixedOffset, TimeZone, Utc};
use kot_api::DateRange;
use kot_api::models::{DailyTimeRecords, Division, Employee};
use kot_connect_core::engine::DIRECTORY_CACHE;
use kot_connect_core::engine::{GatewayError, KotGateway, PostError, StateStore};
use kot_connect_core::time::jst;
use kot_connect_core::{Engine, MemoryLedger, MemoryStore, Punch, RunMode};

/// KOT in memory: employees that can change, divisions, a call log.
struct CountingKot {
    employees: Mutex<Vec<Employee>>,
    divisions: Mutex<Vec<Division>>,
    band: Mutex<bool>,
    calls: Mutex<Vec<&'static str>>,
}

fn employees(rows: serde_json::Value) -> Vec<Employee> {
    serde_json::from_value(rows).unwrap()
}

impl CountingKot {
    fn new() -> Arc<Self> {
        Arc::new(Self {
            employees: Mutex::new(employees(serde_json::json!([
                {"code": "0001", "key": "k0001", "divisionCode": "100"},
                {"code": "0002", "key": "k0002", "divisionCode": "300"},
                {"code": "0003", "key": "k0003"}
            ]))),
            divisions: Mutex::new(
                serde_json::from_value(serde_json::json!([
                    {"code": "100", "name": "本社", "dayBorderTime": "00:00"},
                    {"code": "300", "name": "工場", "dayBorderTime": "05:00"}
                ]))
                .unwrap(),
            ),
            band: Mutex::new(false),
            calls: Mutex::new(Vec::new()),
        })
    }

    /// The calls since the last take.
    fn take(&self) -> Vec<&'static str> {
        std::mem::take(&mut *self.calls.lock().unwrap())
    }
}

#[async_trait]
impl KotGateway for CountingKot {
    async fn employees(&self) -> Result<Vec<Employee>, GatewayError> {
        self.calls.lock().unwrap().push("employees");
        if *self.band.lock().unwrap() {
            return Err(GatewayError::TimeBand {
                reopens_at: jst().with_ymd_and_hms(2026, 4, 2, 10, 0, 0).unwrap(),
            });
        }
        Ok(self.employees.lock().unwrap().clone())
    }
    async fn divisions(&self) -> Result<Vec<Division>, GatewayError> {
        self.calls.lock().unwrap().push("divisions");
        Ok(self.divisions.lock().unwrap().clone())
    }
    async fn time_records(&self, _: DateRange) -> Result<Vec<DailyTimeRecords>, GatewayError> {
        self.calls.lock().unwrap().push("time_records");
        Ok(Vec::new())
    }
    async fn post_punch(&self, _: &Punch) -> Result<DateTime<FixedOffset>, PostError> {
        panic!("no POST in these tests")
    }
}

/// A clock the test moves.
#[derive(Clone)]
struct Clock(Arc<Mutex<DateTime<Utc>>>);

impl Clock {
    fn at_jst(y: i32, m: u32, d: u32, h: u32) -> Self {
        Clock(Arc::new(Mutex::new(
            jst()
                .with_ymd_and_hms(y, m, d, h, 0, 0)
                .unwrap()
                .with_timezone(&Utc),
        )))
    }
    fn advance(&self, by: Duration) {
        *self.0.lock().unwrap() += by;
    }
}

fn engine(kot: &Arc<CountingKot>, clock: &Clock, state: &Arc<MemoryStore>) -> Engine {
    let clock = clock.clone();
    Engine::builder(kot.clone(), Arc::new(MemoryLedger::new()))
        .now(Arc::new(move || *clock.0.lock().unwrap()))
        .state(state.clone())
        .build()
        .unwrap()
}

#[tokio::test]
async fn divisions_are_read_once_a_jst_day() {
    let kot = CountingKot::new();
    let clock = Clock::at_jst(2026, 4, 1, 11);
    let state = Arc::new(MemoryStore::new());
    let engine = engine(&kot, &clock, &state);

    let first = engine.directory_snapshot(RunMode::Post).await.unwrap();
    assert_eq!(kot.take(), ["employees", "divisions"]);
    assert_eq!(first.divisions.len(), 2);
    assert_eq!(first.divisions_read_at, Some(first.read_at));

    // Later the same JST day (12:00, 18:00, 23:00): employees only, the cached
    // divisions with their own read time.
    for hours in [1, 6, 5] {
        clock.advance(Duration::hours(hours));
        let again = engine.directory_snapshot(RunMode::Post).await.unwrap();
        assert_eq!(kot.take(), ["employees"], "+{hours} h");
        assert_eq!(again.divisions, first.divisions);
        assert_eq!(again.divisions_read_at, first.divisions_read_at);
        assert!(again.read_at > first.read_at);
        assert!(!again.from_cache);
    }
    // 2026-04-02 06:00 JST: a new JST day reads them again.
    clock.advance(Duration::hours(7));
    let next_day = engine.directory_snapshot(RunMode::Post).await.unwrap();
    assert_eq!(kot.take(), ["employees", "divisions"]);
    assert_eq!(
        next_day.divisions_read_at.unwrap().date_naive(),
        chrono::NaiveDate::from_ymd_opt(2026, 4, 2).unwrap()
    );
}

#[tokio::test]
async fn an_employee_in_a_division_the_cache_lacks_reads_them_again() {
    let kot = CountingKot::new();
    let clock = Clock::at_jst(2026, 4, 1, 11);
    let state = Arc::new(MemoryStore::new());
    let engine = engine(&kot, &clock, &state);
    engine.directory_snapshot(RunMode::Post).await.unwrap();
    kot.take();

    // KOT gains a division and an employee in it the same day.
    kot.divisions.lock().unwrap().push(
        serde_json::from_value(
            serde_json::json!({"code": "400", "name": "新工場", "dayBorderTime": "04:00"}),
        )
        .unwrap(),
    );
    kot.employees.lock().unwrap().extend(employees(
        serde_json::json!([{"code": "0004", "key": "k0004", "divisionCode": "400"}]),
    ));
    let snapshot = engine.directory_snapshot(RunMode::Post).await.unwrap();
    assert_eq!(kot.take(), ["employees", "divisions"]);
    assert_eq!(snapshot.divisions.len(), 3);
    // The day border of the new division is known at once.
    let directory = snapshot.directory();
    let entry = directory.entry(&"0004".into()).unwrap();
    assert!(entry.border.is_some());
    assert_eq!(
        entry.border,
        snapshot.directory().entry(&"0004".into()).unwrap().border
    );
    assert_ne!(
        entry.border,
        directory.entry(&"0001".into()).unwrap().border
    );
    // And cached from then on.
    engine.directory_snapshot(RunMode::Post).await.unwrap();
    assert_eq!(kot.take(), ["employees"]);
}

#[tokio::test]
async fn a_damaged_cache_outside_a_band_is_read_again_and_replaced() {
    let kot = CountingKot::new();
    let clock = Clock::at_jst(2026, 4, 1, 11);
    let state = Arc::new(MemoryStore::new());
    let engine = engine(&kot, &clock, &state);
    state.store(DIRECTORY_CACHE, b"{not json").unwrap();
    let snapshot = engine.directory_snapshot(RunMode::Post).await.unwrap();
    assert_eq!(kot.take(), ["employees", "divisions"]);
    let stored: serde_json::Value =
        serde_json::from_slice(&state.load(DIRECTORY_CACHE).unwrap().unwrap()).unwrap();
    assert_eq!(stored["divisions"].as_array().unwrap().len(), 2);
    assert_eq!(snapshot.employees.len(), 3);
}

#[tokio::test]
async fn a_dry_run_uses_a_fresh_cache_and_writes_none() {
    let kot = CountingKot::new();
    let clock = Clock::at_jst(2026, 4, 1, 11);
    let state = Arc::new(MemoryStore::new());
    let engine = engine(&kot, &clock, &state);

    engine.directory_snapshot(RunMode::DryRun).await.unwrap();
    assert_eq!(kot.take(), ["employees", "divisions"]);
    assert!(state.names().is_empty());

    engine.directory_snapshot(RunMode::Post).await.unwrap();
    kot.take();
    let before = state.load(DIRECTORY_CACHE).unwrap();
    clock.advance(Duration::hours(1));
    engine.directory_snapshot(RunMode::DryRun).await.unwrap();
    assert_eq!(kot.take(), ["employees"]);
    assert_eq!(state.load(DIRECTORY_CACHE).unwrap(), before);

    // Inside a band: the cache whole, whatever its age.
    *kot.band.lock().unwrap() = true;
    clock.advance(Duration::days(3));
    let cached = engine.directory_snapshot(RunMode::Post).await.unwrap();
    assert_eq!(kot.take(), ["employees"]);
    assert!(cached.from_cache);
    assert_eq!(cached.divisions.len(), 2);
}

/// A cache written before `divisions_read_at` existed still reads: its
/// divisions count as read with the employees.
#[tokio::test]
async fn a_cache_without_divisions_read_at_counts_as_read_with_the_employees() {
    let kot = CountingKot::new();
    let clock = Clock::at_jst(2026, 4, 1, 11);
    let state = Arc::new(MemoryStore::new());
    let engine = engine(&kot, &clock, &state);
    engine.directory_snapshot(RunMode::Post).await.unwrap();
    kot.take();
    let mut old: serde_json::Value =
        serde_json::from_slice(&state.load(DIRECTORY_CACHE).unwrap().unwrap()).unwrap();
    old.as_object_mut().unwrap().remove("divisions_read_at");
    state
        .store(DIRECTORY_CACHE, &serde_json::to_vec(&old).unwrap())
        .unwrap();
    engine.directory_snapshot(RunMode::Post).await.unwrap();
    assert_eq!(kot.take(), ["employees"]);
}
