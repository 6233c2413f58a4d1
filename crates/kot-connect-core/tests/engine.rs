//! The engine against in-memory fakes of KOT and a source.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use kot_api::DateRange;
use kot_api::models::{DailyTimeRecords, Division, Employee};
use kot_connect_core::engine::{
    Collected, GatewayError, KotGateway, Notify, NotifyOutcome, PostError, Progress, Source,
    SourceContext, SourceError, Stage, StateStore,
};
use kot_connect_core::report::{FailureReason, FailureRow, SyncLog, SyncStatus, UTF8_BOM};
use kot_connect_core::rules::{IgnoreReason, Ignored};
use kot_connect_core::time::jst;
use kot_connect_core::{
    Engine, EngineError, Ledger, LedgerState, MemoryLedger, MemoryStore, Punch, PunchKind, RunMode,
    SourceRef, SourceSystem,
};

// ---------------------------------------------------------------------------
// Fakes
// ---------------------------------------------------------------------------

/// How the fake answers the next POST.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Answer {
    /// 201: recorded.
    Accept,
    /// Refused (4xx): not recorded.
    Reject,
    /// Timeout after KOT recorded it.
    UnknownLanded,
    /// Timeout before KOT recorded it.
    UnknownLost,
}

/// One punch in the fake KOT: time and code.
type KotPunch = (DateTime<FixedOffset>, String);

/// KOT in memory: records every call, can refuse reads (time band), and
/// counts POSTs in flight.
#[derive(Default)]
struct FakeKot {
    employees: Vec<Employee>,
    divisions: Vec<Division>,
    /// KOT's punches: (employee key, date) → (time, code).
    punches: Mutex<BTreeMap<(String, NaiveDate), Vec<KotPunch>>>,
    band: AtomicBool,
    answers: Mutex<VecDeque<Answer>>,
    calls: Mutex<Vec<String>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

fn reopens() -> DateTime<FixedOffset> {
    jst().with_ymd_and_hms(2026, 4, 2, 10, 0, 0).unwrap()
}

impl FakeKot {
    fn new() -> Self {
        let employees: Vec<Employee> = serde_json::from_value(serde_json::json!([
            {"code": "0001", "key": "k0001", "divisionCode": "100"},
            {"code": "0002", "key": "k0002", "divisionCode": "100"},
            {"code": "0003", "key": "k0003"},
            {"code": "0009", "key": "k0009", "resignationDate": "2026-03-31"}
        ]))
        .unwrap();
        let divisions: Vec<Division> = serde_json::from_value(serde_json::json!([
            {"code": "100", "name": "本社", "dayBorderTime": "00:00"}
        ]))
        .unwrap();
        FakeKot {
            employees,
            divisions,
            ..FakeKot::default()
        }
    }

    fn call(&self, call: impl Into<String>) {
        self.calls.lock().unwrap().push(call.into());
    }

    fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }

    fn posts(&self) -> Vec<String> {
        self.calls()
            .into_iter()
            .filter(|c| c.starts_with("post "))
            .collect()
    }

    fn answer(&self, answers: &[Answer]) {
        self.answers.lock().unwrap().extend(answers.iter().copied());
    }

    fn add(&self, key: &str, date: NaiveDate, at: DateTime<FixedOffset>, code: &str) {
        self.punches
            .lock()
            .unwrap()
            .entry((key.to_owned(), date))
            .or_default()
            .push((at, code.to_owned()));
    }

    fn punch_count(&self) -> usize {
        self.punches.lock().unwrap().values().map(Vec::len).sum()
    }

    fn refuse(&self) -> Result<(), GatewayError> {
        if self.band.load(Ordering::SeqCst) {
            Err(GatewayError::TimeBand {
                reopens_at: reopens(),
            })
        } else {
            Ok(())
        }
    }
}

#[async_trait]
impl KotGateway for FakeKot {
    async fn employees(&self) -> Result<Vec<Employee>, GatewayError> {
        self.call("employees");
        self.refuse()?;
        Ok(self.employees.clone())
    }

    async fn divisions(&self) -> Result<Vec<Division>, GatewayError> {
        self.call("divisions");
        self.refuse()?;
        Ok(self.divisions.clone())
    }

    async fn time_records(&self, range: DateRange) -> Result<Vec<DailyTimeRecords>, GatewayError> {
        self.call(format!("time_records {} {}", range.start(), range.end()));
        self.refuse()?;
        // Like KOT (perhaps): employees with no punch are left out.
        let days: Vec<serde_json::Value> = self
            .punches
            .lock()
            .unwrap()
            .iter()
            .filter(|((_, date), _)| range.contains(*date))
            .map(|((key, date), punches)| {
                let records: Vec<serde_json::Value> = punches
                    .iter()
                    .map(|(at, code)| serde_json::json!({"time": at.to_rfc3339(), "code": code}))
                    .collect();
                serde_json::json!({"date": date, "employeeKey": key, "timeRecord": records})
            })
            .collect();
        Ok(serde_json::from_value(serde_json::Value::Array(days)).unwrap())
    }

    async fn post_punch(&self, punch: &Punch) -> Result<DateTime<FixedOffset>, PostError> {
        self.call(format!("post {}", punch.source));
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        // Let the other POSTs start: the bound is what stops them.
        for _ in 0..8 {
            tokio::task::yield_now().await;
        }
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        let answer = self
            .answers
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or(Answer::Accept);
        let key = punch.key.as_ref().unwrap().as_str();
        let code = kot_code(punch.kind);
        match answer {
            Answer::Accept => {
                self.add(key, punch.work_date, punch.at, code);
                Ok(punch.at)
            }
            Answer::Reject => Err(PostError::Rejected {
                message: "[400] invalid punch".into(),
            }),
            Answer::UnknownLanded => {
                self.add(key, punch.work_date, punch.at, code);
                Err(PostError::Unknown {
                    message: "timed out".into(),
                })
            }
            Answer::UnknownLost => Err(PostError::Unknown {
                message: "timed out".into(),
            }),
        }
    }
}

fn kot_code(kind: PunchKind) -> &'static str {
    match kind {
        PunchKind::ClockIn => "1",
        PunchKind::ClockOut => "2",
        PunchKind::BreakStart => "3",
        PunchKind::BreakEnd => "4",
        PunchKind::GoOut => "5",
        PunchKind::Return => "6",
    }
}

/// A source that hands out fixed punches and remembers `finish`.
#[derive(Default)]
struct FakeSource {
    punches: Vec<Punch>,
    failures: Vec<FailureRow>,
    ignored: Vec<Ignored>,
    fail: Option<String>,
    /// What `Source::system` says (`new`: SenseLink, the punches' system).
    system: Option<SourceSystem>,
    /// The work dates it says it covered (default: `day()` only).
    work_dates: Option<(NaiveDate, NaiveDate)>,
    finished: Mutex<Vec<bool>>,
    seen_dry_run: Mutex<Vec<bool>>,
}

impl FakeSource {
    fn new(punches: Vec<Punch>) -> Self {
        FakeSource {
            punches,
            system: Some(SourceSystem::SenseLink),
            ..FakeSource::default()
        }
    }

    fn finished(&self) -> Vec<bool> {
        self.finished.lock().unwrap().clone()
    }
}

#[async_trait]
impl Source for FakeSource {
    fn connector(&self) -> &str {
        "テスト連携"
    }

    fn system(&self) -> Option<SourceSystem> {
        self.system
    }

    async fn collect(&self, ctx: &SourceContext<'_>) -> Result<Collected, SourceError> {
        self.seen_dry_run.lock().unwrap().push(ctx.dry_run);
        if let Some(message) = &self.fail {
            return Err(SourceError::new("fake", message));
        }
        let mut collected = Collected::new();
        collected.punches = self.punches.clone();
        collected.failures = self.failures.clone();
        collected.ignored = self.ignored.clone();
        collected.work_dates = Some(self.work_dates.unwrap_or((day(), day())));
        collected.fetched = self.punches.len() + self.failures.len() + self.ignored.len();
        Ok(collected)
    }

    async fn finish(&self, _ctx: &SourceContext<'_>, settled: bool) -> Result<(), SourceError> {
        self.finished.lock().unwrap().push(settled);
        Ok(())
    }
}

#[derive(Default)]
struct FakeNotify {
    seen: Mutex<Vec<(SyncLog, Vec<FailureRow>)>>,
}

#[async_trait]
impl Notify for FakeNotify {
    async fn notify(&self, log: &SyncLog, failures: &[FailureRow]) -> NotifyOutcome {
        self.seen
            .lock()
            .unwrap()
            .push((log.clone(), failures.to_vec()));
        NotifyOutcome {
            channels: vec![("fake".into(), Ok(()))],
        }
    }
}

#[derive(Default)]
struct Recorder {
    events: Mutex<Vec<String>>,
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

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 4, 1).unwrap()
}

fn at(h: u32, m: u32) -> DateTime<FixedOffset> {
    jst().with_ymd_and_hms(2026, 4, 1, h, m, 12).unwrap()
}

fn punch(id: &str, code: &str, kind: PunchKind, when: DateTime<FixedOffset>) -> Punch {
    Punch {
        employee: code.into(),
        key: None,
        kind,
        at: when,
        work_date: day(),
        source: SourceRef::new(SourceSystem::SenseLink, id),
        location: None,
    }
}

fn src(id: &str) -> SourceRef {
    SourceRef::new(SourceSystem::SenseLink, id)
}

/// 2026-04-02 03:00 JST: outside the time bands (the fake decides bands
/// by its flag anyway).
fn clock() -> Arc<dyn kot_connect_core::engine::Now> {
    Arc::new(|| Utc.with_ymd_and_hms(2026, 4, 1, 18, 0, 0).unwrap())
}

struct World {
    kot: Arc<FakeKot>,
    ledger: Arc<MemoryLedger>,
    state: Arc<MemoryStore>,
    notify: Arc<FakeNotify>,
    progress: Arc<Recorder>,
}

impl World {
    fn new() -> Self {
        World {
            kot: Arc::new(FakeKot::new()),
            ledger: Arc::new(MemoryLedger::new()),
            state: Arc::new(MemoryStore::new()),
            notify: Arc::new(FakeNotify::default()),
            progress: Arc::new(Recorder::default()),
        }
    }

    fn engine(&self, concurrency: usize) -> Engine {
        Engine::builder(self.kot.clone(), self.ledger.clone())
            .now(clock())
            .state(self.state.clone())
            .concurrency(concurrency)
            .notifier(self.notify.clone())
            .progress(self.progress.clone())
            .build()
            .unwrap()
    }

    fn state_of(&self, id: &str) -> Option<LedgerState> {
        self.ledger.get(&src(id)).unwrap().map(|e| e.state)
    }
}

/// Clock-in and out of 0001, clock-in of 0002, 0003's clock-in already in
/// KOT, an unknown code and a resigned employee.
fn company_day() -> Vec<Punch> {
    vec![
        punch("a-in", "0001", PunchKind::ClockIn, at(8, 59)),
        punch("a-out", "0001", PunchKind::ClockOut, at(18, 2)),
        punch("b-in", "0002", PunchKind::ClockIn, at(9, 5)),
        punch("c-in", "0003", PunchKind::ClockIn, at(9, 30)),
        punch("x-in", "0404", PunchKind::ClockIn, at(9, 0)),
        punch("r-in", "0009", PunchKind::ClockIn, at(9, 1)),
    ]
}

fn sources(punches: &[Punch]) -> Vec<String> {
    punches.iter().map(|p| p.source.to_string()).collect()
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[tokio::test]
async fn happy_path_posts_exactly_the_plan_and_reports_the_rest() {
    let w = World::new();
    w.kot.add("k0003", day(), at(9, 30), "1");
    let mut source = FakeSource::new(company_day());
    source.ignored = vec![Ignored {
        source: src("mid"),
        employee: "0001".into(),
        reason: IgnoreReason::NotFirstOrLast,
    }];
    source.failures = vec![FailureRow {
        employee: None,
        kind: Some(PunchKind::ClockIn),
        at: Some(at(9, 0)),
        reason: FailureReason::UnmatchedEmployee {
            external_id: "guest-7".into(),
        },
        source: Some(src("guest")),
    }];
    let run = w.engine(1).run(&source, RunMode::Post).await;

    assert!(run.error.is_none(), "{:?}", run.error);
    assert!(run.kot_checked && !run.directory_from_cache);
    let planned: Vec<String> = run.plan.to_post().map(|p| p.source.to_string()).collect();
    assert_eq!(
        planned,
        ["senselink:a-in", "senselink:a-out", "senselink:b-in"]
    );
    assert_eq!(sources(&run.posted), planned);
    assert_eq!(
        w.kot.calls(),
        [
            "employees",
            "divisions",
            "time_records 2026-04-01 2026-04-01",
            "post senselink:a-in",
            "post senselink:a-out",
            "post senselink:b-in",
        ]
    );
    for id in ["a-in", "a-out", "b-in"] {
        assert!(
            matches!(
                w.state_of(id),
                Some(LedgerState::Posted { attempts: 1, .. })
            ),
            "{id}"
        );
    }
    // Found in KOT without a ledger entry: reported, not recorded.
    assert_eq!(w.state_of("c-in"), None);

    let c = run.log.counts;
    assert_eq!(
        (
            c.posted,
            c.already_punched,
            c.ignored,
            c.unmatched,
            c.resigned,
            c.failed
        ),
        (3, 1, 1, 2, 1, 0)
    );
    assert_eq!(run.log.status, SyncStatus::Success);
    assert_eq!(run.log.connector, "テスト連携");
    let reasons: Vec<(Option<String>, &str)> = run
        .failures
        .iter()
        .map(|r| {
            (
                r.source.as_ref().map(ToString::to_string),
                match r.reason {
                    FailureReason::UnmatchedEmployee { .. } => "unmatched",
                    FailureReason::ResignedEmployee { .. } => "resigned",
                    FailureReason::AlreadyPunched { .. } => "already",
                    _ => "other",
                },
            )
        })
        .collect();
    assert_eq!(
        reasons,
        [
            (Some("senselink:guest".to_owned()), "unmatched"),
            (Some("senselink:x-in".to_owned()), "unmatched"),
            (Some("senselink:r-in".to_owned()), "resigned"),
            (Some("senselink:c-in".to_owned()), "already"),
        ]
    );
    let details: Vec<String> = run.failures.iter().map(FailureRow::message_ja).collect();
    assert_eq!(run.log.details, details);
    assert!(
        run.log.details.contains(
            &"従業員コード:0003 の出勤は既に打刻済みです。KING OF TIME管理画面をご確認ください。"
                .to_owned()
        )
    );
    assert_eq!(source.finished(), [true]);
    // The directory was cached; the notifier saw the log and the rows.
    assert!(w.state.load("kot-directory.json").unwrap().is_some());
    let seen = w.notify.seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].0, run.log);
    assert_eq!(seen[0].1, run.failures);
    assert_eq!(run.notified.as_ref().unwrap().channels.len(), 1);
    let csv = run.failure_csv().unwrap();
    assert!(csv.starts_with(UTF8_BOM));
    assert_eq!(String::from_utf8_lossy(&csv).lines().count(), 5);
}

#[tokio::test]
async fn a_second_run_posts_nothing() {
    let w = World::new();
    let source = FakeSource::new(company_day());
    let engine = w.engine(2);
    let first = engine.run(&source, RunMode::Post).await;
    assert_eq!(first.posted.len(), 4);
    let kot_punches = w.kot.punch_count();

    let second = engine.run(&source, RunMode::Post).await;
    assert!(second.error.is_none());
    assert!(second.posted.is_empty());
    assert_eq!(second.plan.to_post().count(), 0);
    assert_eq!(second.log.counts.already_punched, 4);
    assert_eq!(second.log.counts.posted, 0);
    assert_eq!(w.kot.posts().len(), 4);
    assert_eq!(w.kot.punch_count(), kot_punches);
    // Punches posted by the engine are not "already punched" failures.
    assert!(
        second
            .failures
            .iter()
            .all(|r| !matches!(r.reason, FailureReason::AlreadyPunched { .. }))
    );
    assert_eq!(second.log.status, SyncStatus::Success);
}

#[tokio::test]
async fn a_dry_run_changes_nothing() {
    let w = World::new();
    w.kot.add("k0003", day(), at(9, 30), "1");
    let source = FakeSource::new(company_day());
    let run = w.engine(1).run(&source, RunMode::DryRun).await;

    assert!(run.error.is_none());
    assert_eq!(run.plan.to_post().count(), 3);
    assert!(run.posted.is_empty());
    assert_eq!(run.log.counts.posted, 0);
    assert_eq!(run.log.counts.already_punched, 1);
    assert_eq!(
        w.kot.calls(),
        [
            "employees",
            "divisions",
            "time_records 2026-04-01 2026-04-01"
        ]
    );
    assert!(w.ledger.entries().unwrap().is_empty());
    assert!(w.state.names().is_empty());
    assert!(source.finished().is_empty());
    assert_eq!(*source.seen_dry_run.lock().unwrap(), [true]);
    assert!(w.notify.seen.lock().unwrap().is_empty());
    assert!(run.notified.is_none());
    assert_eq!(w.kot.punch_count(), 1);
}

#[tokio::test]
async fn in_a_time_band_new_punches_are_posted_and_unknown_ones_held() {
    let w = World::new();
    let engine = w.engine(1);
    // An earlier run outside the band cached the directory and posted
    // 0001's clock-in; 0001's clock-out was sent and its answer lost.
    let earlier = FakeSource::new(vec![punch("a-in", "0001", PunchKind::ClockIn, at(8, 59))]);
    engine.run(&earlier, RunMode::Post).await;
    let out = punch("a-out", "0001", PunchKind::ClockOut, at(18, 2));
    let mut keyed = out.clone();
    keyed.key = Some("k0001".into());
    w.ledger.begin_post(&keyed, at(18, 3)).unwrap();

    w.kot.band.store(true, Ordering::SeqCst);
    let before = w.kot.calls().len();
    let source = FakeSource::new(vec![
        punch("a-in", "0001", PunchKind::ClockIn, at(8, 59)),
        out,
        punch("b-in", "0002", PunchKind::ClockIn, at(9, 5)),
    ]);
    let run = engine.run(&source, RunMode::Post).await;

    assert!(run.error.is_none(), "{:?}", run.error);
    assert!(!run.kot_checked);
    assert!(run.directory_from_cache);
    assert_eq!(sources(&run.posted), ["senselink:b-in"]);
    assert_eq!(
        w.kot.calls()[before..],
        [
            "employees",
            "time_records 2026-04-01 2026-04-01",
            "post senselink:b-in"
        ]
    );
    assert!(matches!(
        w.state_of("a-out"),
        Some(LedgerState::InFlight { .. })
    ));
    let held: Vec<&FailureRow> = run
        .failures
        .iter()
        .filter(|r| matches!(r.reason, FailureReason::TimeBand { .. }))
        .collect();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].source, Some(src("a-out")));
    assert_eq!(
        held[0].reason,
        FailureReason::TimeBand {
            reopens_at: reopens()
        }
    );
    assert_eq!(run.log.counts.posted, 1);
    assert_eq!(run.log.counts.already_punched, 1);
    assert_eq!(run.log.counts.failed, 1);
    assert_eq!(run.log.status, SyncStatus::Failure);
    assert_eq!(source.finished(), [false]);
}

#[tokio::test]
async fn an_unknown_outcome_that_landed_is_found_in_kot_and_not_posted_again() {
    let w = World::new();
    let engine = w.engine(1);
    let source = FakeSource::new(vec![punch("a-in", "0001", PunchKind::ClockIn, at(8, 59))]);
    w.kot.answer(&[Answer::UnknownLanded]);
    let first = engine.run(&source, RunMode::Post).await;
    assert!(first.posted.is_empty());
    assert!(matches!(
        w.state_of("a-in"),
        Some(LedgerState::InFlight { .. })
    ));
    assert!(
        first.failures[0]
            .message_ja()
            .contains("送信結果が不明です"),
        "{:?}",
        first.failures
    );
    assert_eq!(first.log.status, SyncStatus::Failure);
    assert_eq!(source.finished(), [false]);

    let second = engine.run(&source, RunMode::Post).await;
    assert!(second.posted.is_empty());
    assert_eq!(w.kot.posts().len(), 1);
    assert_eq!(w.kot.punch_count(), 1);
    assert!(matches!(
        second.failures[0].reason,
        FailureReason::AlreadyPunched { .. }
    ));
    assert!(matches!(
        w.state_of("a-in"),
        Some(LedgerState::Posted { attempts: 1, .. })
    ));
    // The third run knows it from the ledger.
    let third = engine.run(&source, RunMode::Post).await;
    assert!(third.failures.is_empty());
    assert_eq!(third.log.counts.already_punched, 1);
}

#[tokio::test]
async fn an_unknown_outcome_that_was_lost_is_posted_again_once_kot_shows_the_day() {
    let w = World::new();
    let engine = w.engine(1);
    let source = FakeSource::new(vec![punch("a-in", "0001", PunchKind::ClockIn, at(8, 59))]);
    w.kot.answer(&[Answer::UnknownLost]);
    engine.run(&source, RunMode::Post).await;
    assert_eq!(w.kot.punch_count(), 0);

    // KOT's answer leaves out 0001 (no punch that day): the day was read
    // all the same, so the punch is sent again, once.
    let second = engine.run(&source, RunMode::Post).await;
    assert_eq!(sources(&second.posted), ["senselink:a-in"]);
    assert_eq!(w.kot.posts().len(), 2);
    assert_eq!(w.kot.punch_count(), 1);
    assert!(matches!(
        w.state_of("a-in"),
        Some(LedgerState::Posted { attempts: 2, .. })
    ));
    assert_eq!(second.log.status, SyncStatus::Success);
}

#[tokio::test]
async fn a_rejected_post_is_a_failure_row_and_is_sent_again_next_run() {
    let w = World::new();
    let engine = w.engine(1);
    let source = FakeSource::new(vec![
        punch("a-in", "0001", PunchKind::ClockIn, at(8, 59)),
        punch("b-in", "0002", PunchKind::ClockIn, at(9, 5)),
    ]);
    w.kot.answer(&[Answer::Reject, Answer::Accept]);
    let run = engine.run(&source, RunMode::Post).await;
    assert!(run.error.is_none());
    assert_eq!(sources(&run.posted), ["senselink:b-in"]);
    assert_eq!(run.failures.len(), 1);
    let row = &run.failures[0];
    assert_eq!(row.source, Some(src("a-in")));
    assert!(
        matches!(&row.reason, FailureReason::ApiError { message } if message.contains("[400] invalid punch"))
    );
    assert_eq!(
        w.state_of("a-in"),
        Some(LedgerState::Pending {
            attempts: 1,
            last_error: Some("[400] invalid punch".into())
        })
    );
    assert_eq!(run.log.counts.failed, 1);
    assert_eq!(run.log.status, SyncStatus::Failure);
    assert_eq!(source.finished(), [false]);

    let again = engine.run(&source, RunMode::Post).await;
    assert_eq!(sources(&again.posted), ["senselink:a-in"]);
    assert_eq!(source.finished(), [false, true]);
}

#[tokio::test]
async fn posts_in_flight_never_exceed_the_bound() {
    for (bound, expected) in [(1, 1), (3, 3)] {
        let w = World::new();
        let punches: Vec<Punch> = (0..8)
            .map(|i| {
                punch(
                    &format!("p{i}"),
                    "0003",
                    PunchKind::BreakStart,
                    at(12, i * 3),
                )
            })
            .collect();
        let source = FakeSource::new(punches);
        let run = w.engine(bound).run(&source, RunMode::Post).await;
        assert_eq!(run.posted.len(), 8);
        assert_eq!(w.kot.max_in_flight.load(Ordering::SeqCst), expected);
        // Reported in plan order whatever order the answers came in.
        let ids: Vec<String> = (0..8).map(|i| format!("senselink:p{i}")).collect();
        assert_eq!(sources(&run.posted), ids);
    }
}

#[tokio::test]
async fn the_directory_is_cached_and_used_in_a_band_and_without_cache_it_says_when() {
    let w = World::new();
    let engine = w.engine(1);
    w.kot.band.store(true, Ordering::SeqCst);
    let err = engine.directory(RunMode::Post).await.unwrap_err();
    assert!(matches!(err, EngineError::NoDirectoryCache { reopens_at } if reopens_at == reopens()));
    assert!(
        err.to_string().contains("2026-04-02 10:00:00 +09:00"),
        "{err}"
    );

    // A run in the band without a cache stops before any POST.
    let source = FakeSource::new(company_day());
    let run = engine.run(&source, RunMode::Post).await;
    assert!(matches!(
        run.error,
        Some(EngineError::NoDirectoryCache { .. })
    ));
    assert_eq!(run.log.status, SyncStatus::Failure);
    assert!(run.log.details.last().unwrap().contains("2026-04-02"));
    assert!(w.kot.posts().is_empty());
    assert!(source.seen_dry_run.lock().unwrap().is_empty());
    // Administrators hear of it.
    assert_eq!(w.notify.seen.lock().unwrap().len(), 1);

    w.kot.band.store(false, Ordering::SeqCst);
    let fresh = engine.directory_snapshot(RunMode::Post).await.unwrap();
    assert!(!fresh.from_cache);
    assert_eq!(fresh.employees.len(), 4);
    w.kot.band.store(true, Ordering::SeqCst);
    let cached = engine.directory_snapshot(RunMode::Post).await.unwrap();
    assert!(cached.from_cache);
    assert_eq!(cached.employees, fresh.employees);
    assert_eq!(cached.divisions, fresh.divisions);
    let dir = engine.directory(RunMode::Post).await.unwrap();
    assert_eq!(dir.len(), 4);

    // A damaged cache is an error, not an empty company.
    w.state.store("kot-directory.json", b"{not json").unwrap();
    assert!(matches!(
        engine.directory(RunMode::Post).await.unwrap_err(),
        EngineError::CorruptCache { .. }
    ));
}

#[tokio::test]
async fn other_kot_failures_and_source_failures_abort_the_run() {
    struct Broken;
    #[async_trait]
    impl KotGateway for Broken {
        async fn employees(&self) -> Result<Vec<Employee>, GatewayError> {
            Err(GatewayError::Failed {
                message: "HTTP 500".into(),
            })
        }
        async fn divisions(&self) -> Result<Vec<Division>, GatewayError> {
            Ok(vec![])
        }
        async fn time_records(&self, _: DateRange) -> Result<Vec<DailyTimeRecords>, GatewayError> {
            Ok(vec![])
        }
        async fn post_punch(&self, _: &Punch) -> Result<DateTime<FixedOffset>, PostError> {
            panic!("no POST after a failed read")
        }
    }
    let state = Arc::new(MemoryStore::new());
    let engine = Engine::builder(Arc::new(Broken), Arc::new(MemoryLedger::new()))
        .now(clock())
        .state(state.clone())
        .build()
        .unwrap();
    let run = engine
        .run(&FakeSource::new(company_day()), RunMode::Post)
        .await;
    assert!(matches!(run.error, Some(EngineError::Gateway(_))));
    assert_eq!(run.log.status, SyncStatus::Failure);
    assert_eq!(run.log.details, ["KOT call failed: HTTP 500"]);

    let w = World::new();
    let mut source = FakeSource::new(company_day());
    source.fail = Some("cannot log in".into());
    let run = w.engine(1).run(&source, RunMode::Post).await;
    assert!(matches!(run.error, Some(EngineError::Source(_))));
    assert_eq!(run.log.details, ["fake: cannot log in"]);
    assert!(w.kot.posts().is_empty());
}

#[tokio::test]
async fn conflicts_are_failures_but_do_not_unsettle_the_source() {
    let w = World::new();
    w.kot.add("k0001", day(), at(8, 30), "1");
    let source = FakeSource::new(vec![punch("a-in", "0001", PunchKind::ClockIn, at(8, 59))]);
    let run = w.engine(1).run(&source, RunMode::Post).await;
    assert!(run.posted.is_empty());
    assert_eq!(run.log.counts.failed, 1);
    assert!(
        run.failures[0].message_ja().contains("08:30")
            && run.failures[0].message_ja().contains("08:59"),
        "{}",
        run.failures[0].message_ja()
    );
    assert_eq!(source.finished(), [true]);
}

#[tokio::test]
async fn progress_reports_every_stage_in_order() {
    let w = World::new();
    let source = FakeSource::new(vec![
        punch("a-in", "0001", PunchKind::ClockIn, at(8, 59)),
        punch("b-in", "0002", PunchKind::ClockIn, at(9, 5)),
    ]);
    w.engine(1).run(&source, RunMode::Post).await;
    assert_eq!(
        *w.progress.events.lock().unwrap(),
        [
            "begin Directory None",
            "end Directory",
            "begin Fetch None",
            "end Fetch",
            "begin KotRecords Some(1)",
            "end KotRecords",
            "begin Post Some(2)",
            "advance Post 1",
            "advance Post 1",
            "end Post",
            "begin Notify Some(1)",
            "advance Notify 1",
            "end Notify",
        ]
    );
}

#[test]
fn an_engine_needs_a_clock() {
    let err = Engine::builder(Arc::new(FakeKot::new()), Arc::new(MemoryLedger::new()))
        .build()
        .unwrap_err();
    assert!(matches!(err, EngineError::NoClock));
    assert!(err.to_string().contains("EngineBuilder::now"));
}

#[test]
fn the_engine_and_its_runs_can_cross_threads() {
    fn shared<T: Send + Sync>(_: &T) {}
    fn spawnable<F: std::future::Future + Send>(_: F) {}
    let w = World::new();
    let engine = w.engine(1);
    shared(&engine);
    let source = FakeSource::new(vec![]);
    spawnable(engine.run(&source, RunMode::Post));
    spawnable(engine.directory(RunMode::Post));
}

// ---------------------------------------------------------------------------
// Resume: the ledger's unsettled entries of days no run covers any more
// ---------------------------------------------------------------------------

/// The run's "today": the clock says 2026-04-02 03:00 JST.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 4, 2).unwrap()
}

/// Today's source: it covers today only and has nothing (yet).
fn todays_source(punches: Vec<Punch>) -> FakeSource {
    let mut source = FakeSource::new(punches);
    source.work_dates = Some((today(), today()));
    source
}

/// 0001's clock-in of yesterday (`day()`), with its key, as the ledger
/// keeps it.
fn yesterdays_clock_in() -> Punch {
    let mut p = punch("y-in", "0001", PunchKind::ClockIn, at(8, 59));
    p.key = Some("k0001".into());
    p
}

#[tokio::test]
async fn a_killed_runs_in_flight_punch_that_landed_is_reconciled_without_posting_again() {
    let w = World::new();
    // Yesterday's run began the POST, KOT recorded it, the process was
    // killed before the ledger heard back.
    let p = yesterdays_clock_in();
    w.ledger.begin_post(&p, at(9, 0)).unwrap();
    w.kot.add("k0001", day(), at(8, 59), "1");

    let source = todays_source(vec![]);
    let run = w.engine(1).run(&source, RunMode::Post).await;

    assert!(run.error.is_none(), "{:?}", run.error);
    assert_eq!(run.resumed, [src("y-in")]);
    assert!(run.kot_checked);
    // KOT was read over yesterday too; nothing was posted.
    assert_eq!(
        w.kot.calls(),
        [
            "employees",
            "divisions",
            "time_records 2026-04-01 2026-04-02"
        ]
    );
    assert!(w.kot.posts().is_empty());
    assert_eq!(w.kot.punch_count(), 1);
    assert_eq!(
        w.state_of("y-in"),
        Some(LedgerState::Posted {
            attempts: 1,
            kot_time: at(8, 59)
        })
    );
    assert!(w.ledger.unsettled().unwrap().is_empty());

    // Settled: the next run has nothing to take up.
    let again = w.engine(1).run(&source, RunMode::Post).await;
    assert!(again.resumed.is_empty());
    assert!(w.kot.posts().is_empty());
}

#[tokio::test]
async fn a_killed_runs_in_flight_punch_that_was_lost_is_posted_exactly_once() {
    let w = World::new();
    w.ledger
        .begin_post(&yesterdays_clock_in(), at(9, 0))
        .unwrap();
    let source = todays_source(vec![]);
    let engine = w.engine(1);

    let run = engine.run(&source, RunMode::Post).await;
    assert!(run.error.is_none(), "{:?}", run.error);
    assert_eq!(sources(&run.posted), ["senselink:y-in"]);
    assert_eq!(
        w.state_of("y-in"),
        Some(LedgerState::Posted {
            attempts: 2,
            kot_time: at(8, 59)
        })
    );
    for _ in 0..2 {
        let again = engine.run(&source, RunMode::Post).await;
        assert!(again.posted.is_empty());
    }
    assert_eq!(w.kot.posts(), ["post senselink:y-in"]);
    assert_eq!(w.kot.punch_count(), 1);
}

#[tokio::test]
async fn a_pending_punch_kot_refused_yesterday_is_posted_exactly_once() {
    let w = World::new();
    let p = yesterdays_clock_in();
    w.ledger.begin_post(&p, at(9, 0)).unwrap();
    w.ledger
        .mark_failed(&p.source, "[400] invalid punch")
        .unwrap();
    // Today's source delivers today's punch; yesterday's is the ledger's.
    let mut today_in = punch("t-in", "0002", PunchKind::ClockIn, at(2, 30));
    today_in.work_date = today();
    let source = todays_source(vec![today_in]);
    let engine = w.engine(1);

    let run = engine.run(&source, RunMode::Post).await;
    assert!(run.error.is_none(), "{:?}", run.error);
    assert_eq!(run.resumed, [src("y-in")]);
    assert_eq!(sources(&run.posted), ["senselink:y-in", "senselink:t-in"]);
    assert!(matches!(
        w.state_of("y-in"),
        Some(LedgerState::Posted { attempts: 2, .. })
    ));
    assert_eq!(run.log.status, SyncStatus::Success);
    assert_eq!(source.finished(), [true]);

    let again = engine.run(&source, RunMode::Post).await;
    assert!(again.posted.is_empty());
    assert_eq!(
        w.kot.posts(),
        ["post senselink:y-in", "post senselink:t-in"]
    );
}

#[tokio::test]
async fn inside_a_band_the_in_flight_punch_is_held_and_the_pending_one_posted() {
    let w = World::new();
    let engine = w.engine(1);
    // An earlier run outside the band cached the directory.
    let first = engine.run(&todays_source(vec![]), RunMode::Post).await;
    assert!(first.error.is_none(), "{:?}", first.error);
    w.ledger
        .begin_post(&yesterdays_clock_in(), at(9, 0))
        .unwrap();
    let mut out = punch("y-out", "0001", PunchKind::ClockOut, at(18, 2));
    out.key = Some("k0001".into());
    w.ledger.record_pending(&out).unwrap();

    w.kot.band.store(true, Ordering::SeqCst);
    let run = engine.run(&todays_source(vec![]), RunMode::Post).await;
    assert!(run.error.is_none(), "{:?}", run.error);
    assert!(!run.kot_checked);
    assert_eq!(run.resumed, [src("y-in"), src("y-out")]);
    assert_eq!(w.kot.posts(), ["post senselink:y-out"]);
    assert!(matches!(
        w.state_of("y-in"),
        Some(LedgerState::InFlight { attempts: 1, .. })
    ));
    let held: Vec<&FailureRow> = run
        .failures
        .iter()
        .filter(|r| matches!(r.reason, FailureReason::TimeBand { .. }))
        .collect();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].source, Some(src("y-in")));

    // Out of the band, KOT shows it was lost: posted, once.
    w.kot.band.store(false, Ordering::SeqCst);
    let after = engine.run(&todays_source(vec![]), RunMode::Post).await;
    assert_eq!(sources(&after.posted), ["senselink:y-in"]);
    assert_eq!(
        w.kot.posts(),
        ["post senselink:y-out", "post senselink:y-in"]
    );
    assert!(w.ledger.unsettled().unwrap().is_empty());
}

#[tokio::test]
async fn entries_older_than_the_window_are_reported_as_given_up_not_posted() {
    let w = World::new();
    let mut old = punch("old-in", "0001", PunchKind::ClockIn, at(9, 0));
    old.work_date = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
    old.key = Some("k0001".into());
    w.ledger.begin_post(&old, at(9, 0)).unwrap();
    w.ledger
        .begin_post(&yesterdays_clock_in(), at(9, 0))
        .unwrap();

    let run = w.engine(1).run(&todays_source(vec![]), RunMode::Post).await;
    assert!(run.error.is_none(), "{:?}", run.error);
    assert_eq!(run.resumed, [src("y-in")]);
    assert_eq!(w.kot.posts(), ["post senselink:y-in"]);
    let given_up: Vec<&FailureRow> = run
        .failures
        .iter()
        .filter(|r| r.source == Some(src("old-in")))
        .collect();
    assert_eq!(given_up.len(), 1);
    let message = given_up[0].message_ja();
    assert!(message.contains("2026/03/31"), "{message}");
    assert!(message.contains("期限"), "{message}");
    assert!(message.contains("送信結果不明"), "{message}");
    assert_eq!(run.log.counts.failed, 1);
    assert_eq!(run.log.status, SyncStatus::Failure);
    // Left for an administrator, not forgotten.
    assert!(matches!(
        w.state_of("old-in"),
        Some(LedgerState::InFlight { .. })
    ));

    // A wider window takes it up.
    let wide = Engine::builder(w.kot.clone(), w.ledger.clone())
        .now(clock())
        .resume_days(2)
        .build()
        .unwrap();
    let run = wide.run(&todays_source(vec![]), RunMode::Post).await;
    assert_eq!(run.resumed, [src("old-in")]);
    assert_eq!(sources(&run.posted), ["senselink:old-in"]);
}

#[tokio::test]
async fn a_superseded_entry_of_a_covered_day_is_settled_never_posted() {
    let w = World::new();
    // An earlier run picked r1 as 0001's clock-out, began its POST and was
    // killed; the rule now picks a later record, r2. KOT has neither.
    let mut r1 = punch("r1", "0001", PunchKind::ClockOut, at(18, 0));
    r1.key = Some("k0001".into());
    w.ledger.begin_post(&r1, at(18, 1)).unwrap();
    // And one that landed, also no longer delivered.
    let mut r3 = punch("r3", "0002", PunchKind::ClockOut, at(18, 5));
    r3.key = Some("k0002".into());
    w.ledger.begin_post(&r3, at(18, 6)).unwrap();
    w.kot.add("k0002", day(), at(18, 5), "2");

    let source = FakeSource::new(vec![punch("r2", "0001", PunchKind::ClockOut, at(18, 30))]);
    let run = w.engine(1).run(&source, RunMode::Post).await;
    assert!(run.error.is_none(), "{:?}", run.error);
    assert!(run.resumed.is_empty());
    assert_eq!(sources(&run.posted), ["senselink:r2"]);
    assert_eq!(w.kot.posts(), ["post senselink:r2"]);
    assert_eq!(w.state_of("r1"), None, "not in KOT, not wanted: forgotten");
    assert_eq!(
        w.state_of("r3"),
        Some(LedgerState::Posted {
            attempts: 1,
            kot_time: at(18, 5)
        })
    );
    assert!(w.ledger.unsettled().unwrap().is_empty());
}

#[tokio::test]
async fn nothing_is_taken_up_for_a_source_without_a_system_or_on_a_dry_run_written() {
    let w = World::new();
    w.ledger
        .begin_post(&yesterdays_clock_in(), at(9, 0))
        .unwrap();
    let mut anonymous = todays_source(vec![]);
    anonymous.system = None;
    let run = w.engine(1).run(&anonymous, RunMode::Post).await;
    assert!(run.resumed.is_empty());
    assert!(w.kot.posts().is_empty());

    // Another system's entries are not this source's either.
    let mut cyzen = todays_source(vec![]);
    cyzen.system = Some(SourceSystem::Cyzen);
    assert!(
        w.engine(1)
            .run(&cyzen, RunMode::Post)
            .await
            .resumed
            .is_empty()
    );

    // A dry run plans it, and changes nothing.
    let dry = w
        .engine(1)
        .run(&todays_source(vec![]), RunMode::DryRun)
        .await;
    assert_eq!(dry.resumed, [src("y-in")]);
    assert_eq!(
        sources(&dry.plan.to_post().cloned().collect::<Vec<_>>()),
        ["senselink:y-in"]
    );
    assert!(w.kot.posts().is_empty());
    assert!(matches!(
        w.state_of("y-in"),
        Some(LedgerState::InFlight { attempts: 1, .. })
    ));
}

// ---------------------------------------------------------------------------
// Early hand-over: a source that knows its work dates ahead
// ---------------------------------------------------------------------------

/// A source that says its work dates ahead and hands its punches over in
/// batches while it "reads"; after the first batch it waits (yielding) until
/// KOT has seen a POST, so a run that only posts after collecting would
/// never see one.
struct EarlySource {
    kot: Arc<FakeKot>,
    batches: Vec<Vec<Punch>>,
    /// Fail after handing over the batches (a page that cannot be read).
    fail: bool,
    /// Whether a POST reached KOT before `collect` returned.
    overlapped: AtomicBool,
    /// Whether `ctx.early()` was offered.
    offered: Mutex<Vec<bool>>,
    finished: Mutex<Vec<bool>>,
}

impl EarlySource {
    fn new(kot: &Arc<FakeKot>, batches: Vec<Vec<Punch>>) -> Self {
        EarlySource {
            kot: kot.clone(),
            batches,
            fail: false,
            overlapped: AtomicBool::new(false),
            offered: Mutex::new(Vec::new()),
            finished: Mutex::new(Vec::new()),
        }
    }
}

#[async_trait]
impl Source for EarlySource {
    fn connector(&self) -> &str {
        "テスト連携"
    }

    fn system(&self) -> Option<SourceSystem> {
        Some(SourceSystem::SenseLink)
    }

    fn dates_ahead(
        &self,
        _ctx: &SourceContext<'_>,
    ) -> Result<Option<(NaiveDate, NaiveDate)>, SourceError> {
        Ok(Some((day(), day())))
    }

    async fn collect(&self, ctx: &SourceContext<'_>) -> Result<Collected, SourceError> {
        self.offered.lock().unwrap().push(ctx.early().is_some());
        let mut collected = Collected::new();
        for (n, batch) in self.batches.iter().enumerate() {
            collected.fetched += batch.len();
            match ctx.early() {
                Some(early) => {
                    if let Err(back) = early.send(batch.clone()) {
                        collected.punches.extend(back);
                    }
                }
                None => collected.punches.extend(batch.iter().cloned()),
            }
            if n == 0 {
                for _ in 0..10_000 {
                    if !self.kot.posts().is_empty() {
                        break;
                    }
                    tokio::task::yield_now().await;
                }
            }
        }
        self.overlapped
            .store(!self.kot.posts().is_empty(), Ordering::SeqCst);
        if self.fail {
            return Err(SourceError::new("fake", "page 3 is unreadable"));
        }
        collected.work_dates = Some((day(), day()));
        Ok(collected)
    }

    async fn finish(&self, _ctx: &SourceContext<'_>, settled: bool) -> Result<(), SourceError> {
        self.finished.lock().unwrap().push(settled);
        Ok(())
    }
}

#[tokio::test]
async fn punches_handed_over_early_are_posted_while_the_source_reads() {
    let w = World::new();
    let source = EarlySource::new(
        &w.kot,
        vec![
            vec![
                punch("a-in", "0001", PunchKind::ClockIn, at(8, 59)),
                punch("b-in", "0002", PunchKind::ClockIn, at(9, 5)),
            ],
            vec![
                punch("a-out", "0001", PunchKind::ClockOut, at(18, 2)),
                punch("x-in", "0404", PunchKind::ClockIn, at(9, 0)),
            ],
        ],
    );
    let run = w.engine(4).run(&source, RunMode::Post).await;

    assert!(run.error.is_none(), "{:?}", run.error);
    assert_eq!(*source.offered.lock().unwrap(), [true]);
    assert!(
        source.overlapped.load(Ordering::SeqCst),
        "no POST before collecting ended"
    );
    // KOT is read once, for the dates said ahead, before any POST.
    let calls = w.kot.calls();
    assert_eq!(
        calls[..3],
        [
            "employees",
            "divisions",
            "time_records 2026-04-01 2026-04-01"
        ]
    );
    let mut posts = w.kot.posts();
    posts.sort();
    assert_eq!(
        posts,
        [
            "post senselink:a-in",
            "post senselink:a-out",
            "post senselink:b-in"
        ]
    );
    assert_eq!(calls.len(), 3 + 3);
    assert_eq!(w.kot.punch_count(), 3);
    // Every punch is accounted for: three posted, the unknown code reported.
    assert_eq!(run.log.counts.posted, 3);
    assert_eq!(run.log.counts.unmatched, 1);
    assert_eq!(run.plan.items.len(), 3);
    assert_eq!(run.failures.len(), 1);
    assert_eq!(run.failures[0].source, Some(src("x-in")));
    for id in ["a-in", "a-out", "b-in"] {
        assert!(
            matches!(w.state_of(id), Some(LedgerState::Posted { .. })),
            "{id}"
        );
    }
    assert_eq!(*source.finished.lock().unwrap(), [true]);

    // The next run hands over the same punches: nothing is posted twice.
    let again = EarlySource::new(&w.kot, source.batches.clone());
    let run = w.engine(4).run(&again, RunMode::Post).await;
    assert!(run.error.is_none(), "{:?}", run.error);
    assert_eq!(w.kot.posts().len(), 3);
    assert_eq!(run.log.counts.posted, 0);
    assert_eq!(run.log.counts.already_punched, 3);
}

#[tokio::test]
async fn batches_are_planned_against_each_other_and_against_kot() {
    let w = World::new();
    // 0003's clock-in is in KOT already.
    w.kot.add("k0003", day(), at(9, 30), "1");
    let source = EarlySource::new(
        &w.kot,
        vec![
            vec![punch("a-in", "0001", PunchKind::ClockIn, at(8, 59))],
            vec![
                // The same clock-in again, from another record.
                punch("a-in-2", "0001", PunchKind::ClockIn, at(8, 59)),
                punch("c-in", "0003", PunchKind::ClockIn, at(9, 30)),
            ],
        ],
    );
    let run = w.engine(2).run(&source, RunMode::Post).await;

    assert!(run.error.is_none(), "{:?}", run.error);
    assert_eq!(w.kot.posts(), ["post senselink:a-in"]);
    let decision = |id: &str| {
        run.plan
            .items
            .iter()
            .find(|i| i.punch.source == src(id))
            .map(|i| i.decision.name())
    };
    assert_eq!(decision("a-in"), Some("post"));
    assert_eq!(decision("a-in-2"), Some("duplicate"));
    assert_eq!(decision("c-in"), Some("already_in_kot"));
    assert_eq!(run.log.counts.posted, 1);
    assert_eq!(run.log.counts.already_punched, 1);
}

#[tokio::test]
async fn a_dry_run_takes_nothing_early() {
    let w = World::new();
    let source = EarlySource::new(
        &w.kot,
        vec![vec![punch("a-in", "0001", PunchKind::ClockIn, at(8, 59))]],
    );
    let run = w.engine(2).run(&source, RunMode::DryRun).await;

    assert!(run.error.is_none(), "{:?}", run.error);
    assert_eq!(*source.offered.lock().unwrap(), [false]);
    assert!(w.kot.posts().is_empty());
    assert_eq!(run.plan.items.len(), 1);
    assert_eq!(run.plan.items[0].decision.name(), "post");
    assert!(w.state_of("a-in").is_none());
}

#[tokio::test]
async fn a_source_failing_after_an_early_hand_over_still_reports_what_was_posted() {
    let w = World::new();
    let mut source = EarlySource::new(
        &w.kot,
        vec![vec![
            punch("a-in", "0001", PunchKind::ClockIn, at(8, 59)),
            punch("b-in", "0002", PunchKind::ClockIn, at(9, 5)),
        ]],
    );
    source.fail = true;
    let run = w.engine(2).run(&source, RunMode::Post).await;

    assert!(
        matches!(run.error, Some(EngineError::Source(_))),
        "{:?}",
        run.error
    );
    assert_eq!(w.kot.posts().len(), 2);
    assert_eq!(run.log.counts.posted, 2);
    assert_eq!(sources(&run.posted).len(), 2);
    assert_eq!(run.log.status, SyncStatus::Failure);
    for id in ["a-in", "b-in"] {
        assert!(
            matches!(w.state_of(id), Some(LedgerState::Posted { .. })),
            "{id}"
        );
    }
    // The watermark stays: `finish` is not called.
    assert!(source.finished.lock().unwrap().is_empty());
}
