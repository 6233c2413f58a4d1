//! The process killed at random points of a sync (issue 8): after any
//! kill, the next runs finish the job, and KOT holds every expected punch
//! exactly once: none lost, none doubled.
//!
//! # Kill points
//!
//! The engine meets the world only through its traits, so every place a
//! process could die between two effects is a call of one of them. The
//! test wraps each trait the programs use and numbers, per run, every
//! place it passes ([`Killer::point`]):
//!
//! | wrapper | points |
//! |---|---|
//! | [`KillKot`] around `KotApiGateway` | before each read (employees, divisions, time records); before a POST is sent; after KOT stored the punch, before the engine saw the answer |
//! | [`KillLedger`] around [`open_ledger`]'s ledger | before and after every write (`record_pending`, `begin_post`, `mark_posted`, `mark_failed`, `forget`): after the answer but before the ledger write, and between ledger writes |
//! | [`KillState`] around the state directory | before a load; before and after a store (the directory cache, cyzen's watermark) |
//! | [`KillSource`] around the connector's source | before and after collecting; before and after `finish` (the watermark) |
//!
//! A run armed with kill point `k` dies at its `k`-th point: the wrapper
//! panics with [`Killed`], which unwinds the run's task (spawned, so the
//! test survives it) at once; nothing else of that run happens. The
//! killed run's ledger is leaked, never dropped, so it is not closed
//! cleanly; the next run opens the ledger again from the state directory
//! with [`open_ledger`], as a new process would, with a fresh engine,
//! source and state store (the HTTP clients are built once: they keep
//! nothing a kill could leave behind but idle connections). POSTs are sent
//! one at a time (the programs' default), so no request of a killed run
//! is still on its way when the next run starts. The state directory is
//! on tmpfs where there is one: a killed process leaves what it wrote to
//! the kernel, so `fsync` changes nothing here (it matters for power
//! loss, which this test does not simulate).
//!
//! # Trials
//!
//! A trial starts afresh on the shared sandbox (a four-person company,
//! so that runs are short): no punch in KOT, an empty state directory,
//! the clock at 07:00 JST. It runs one or two jobs (SenseLink, cyzen, or
//! SenseLink then cyzen) with a list of kill points, one per run. Each job
//! runs until a run completes outside KOT's time bands; in a *band*
//! trial, the runs after the first kill happen at 09:00 JST (KOT refuses
//! reads: a punch whose outcome is unknown must be held, not posted)
//! until one completes there, then at 10:30. After every run no punch is
//! in KOT twice, and inside a band no punch the ledger had in flight was
//! posted; after the trial KOT holds exactly the expected punches (as
//! multisets), computed from the sandbox's seed by `common::expect`.
//!
//! Trials: every kill point of each job's first run, with and without the
//! band; every kill point of the recovery run after a kill before the
//! first POST (the punch in flight, not in KOT: `mark_failed`, then posted
//! again) and after it (in flight and in KOT: marked posted, not sent);
//! then random trials with up to three kills each from a seeded generator
//! (`KOT_KILL_SEED=<u64>` to choose the seed; the default is fixed, so CI
//! runs the same trials every time). Every failure
//! names the sweep point or the seed and trial, and the kills that fired
//! with their run numbers: the trial replays exactly (one POST at a time,
//! the sandbox's clock, nothing random inside a trial).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use common::{Env, Row, date, expect, jst};
use kot_api::DateRange;
use kot_api::models::{DailyTimeRecords, Division, Employee};
use kot_connect::run::open_ledger;
use kot_connect::session::sandbox_services;
use kot_connect_core::adapters::cyzen::CyzenSource;
use kot_connect_core::adapters::kot::KotApiGateway;
use kot_connect_core::adapters::senselink::{SenseLinkSource, SenseLinkTarget};
use kot_connect_core::engine::{
    Collected, GatewayError, KotGateway, PostError, Source, SourceContext, SourceError, StateError,
    StateStore,
};
use kot_connect_core::plan::ConflictPolicy;
use kot_connect_core::report::SyncJob;
use kot_connect_core::rules::cyzen::CyzenRule;
use kot_connect_core::rules::senselink::SenseLinkRule;
use kot_connect_core::{
    DirStore, Engine, Ledger, LedgerEntry, LedgerError, LedgerState, Planner, Punch, RunMode,
    SourceRef, SourceSystem, SyncRun,
};
use kot_connect_sandbox::{Company, SandboxOptions, Service};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The seed of the random trials unless `KOT_KILL_SEED` says otherwise.
const DEFAULT_SEED: u64 = 0x6b69_6c6c_0008;

/// How many random trials follow the exhaustive sweep.
const RANDOM_TRIALS: usize = 100;

/// The fewest kills the test must have fired.
const MIN_KILLS: usize = 200;

/// The SenseLink job's work date (synced on the 2nd: 前日).
fn senselink_day() -> NaiveDate {
    date(2026, 11, 1)
}

/// The company of every trial: three SenseLink people (`0036` of 大阪工場
/// leaves after midnight, before its 05:00 day border) and one cyzen user
/// (`0025` presses 出勤 twice a day); the fakes add their outsiders.
fn small_company() -> Company {
    let mut company = Company::demo();
    company
        .employees
        .retain(|e| ["0001", "0002", "0036", "0025"].contains(&e.code.as_str()));
    company
}

// ---------------------------------------------------------------------------
// The kill switch and the wrappers.

/// The panic payload of a kill.
struct Killed;

/// Keeps kills quiet: a [`Killed`] panic prints nothing, any other panic
/// (a real failure) prints as usual.
fn quiet_kills() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if info.payload().downcast_ref::<Killed>().is_none() {
                default(info);
            }
        }));
    });
}

/// The kill points of one run, shared by its wrappers.
struct Killer {
    /// The point at which the run dies, if armed.
    kill_at: Option<usize>,
    /// Every point passed, in order (the last one is where it died).
    labels: Mutex<Vec<String>>,
    seen: AtomicUsize,
    /// The records whose POST was sent.
    posted: Mutex<Vec<SourceRef>>,
}

impl Killer {
    fn new(kill_at: Option<usize>) -> Arc<Self> {
        Arc::new(Self {
            kill_at,
            labels: Mutex::new(Vec::new()),
            seen: AtomicUsize::new(0),
            posted: Mutex::new(Vec::new()),
        })
    }

    /// A place where the process could die: it dies here when this is
    /// the armed point.
    fn point(&self, label: String) {
        let n = self.seen.fetch_add(1, Ordering::SeqCst);
        self.labels.lock().unwrap().push(label);
        if Some(n) == self.kill_at {
            std::panic::panic_any(Killed);
        }
    }

    fn labels(&self) -> Vec<String> {
        self.labels.lock().unwrap().clone()
    }

    fn posted(&self) -> Vec<SourceRef> {
        self.posted.lock().unwrap().clone()
    }
}

/// KOT, with a kill point before each call and after each POST.
struct KillKot {
    inner: KotApiGateway,
    killer: Arc<Killer>,
}

#[async_trait]
impl KotGateway for KillKot {
    async fn employees(&self) -> Result<Vec<Employee>, GatewayError> {
        self.killer.point("before GET /employees".into());
        self.inner.employees().await
    }

    async fn divisions(&self) -> Result<Vec<Division>, GatewayError> {
        self.killer.point("before GET /divisions".into());
        self.inner.divisions().await
    }

    async fn time_records(&self, range: DateRange) -> Result<Vec<DailyTimeRecords>, GatewayError> {
        self.killer
            .point("before GET /daily-workings/timerecord".into());
        self.inner.time_records(range).await
    }

    async fn post_punch(&self, punch: &Punch) -> Result<DateTime<FixedOffset>, PostError> {
        self.killer
            .point(format!("before the POST of {}", punch.source));
        self.killer
            .posted
            .lock()
            .unwrap()
            .push(punch.source.clone());
        let answer = self.inner.post_punch(punch).await;
        let what = match &answer {
            Ok(_) => "KOT stored it, the engine has not seen the answer",
            Err(_) => "KOT answered an error, the engine has not seen it",
        };
        self.killer
            .point(format!("after the POST of {}: {what}", punch.source));
        answer
    }
}

/// The programs' durable ledger, with a kill point before and after every
/// write.
struct KillLedger {
    inner: Arc<dyn Ledger>,
    killer: Arc<Killer>,
}

impl KillLedger {
    fn write<T>(
        &self,
        op: &str,
        record: &SourceRef,
        f: impl FnOnce(&dyn Ledger) -> Result<T, LedgerError>,
    ) -> Result<T, LedgerError> {
        self.killer.point(format!("before ledger.{op}({record})"));
        let out = f(self.inner.as_ref());
        self.killer.point(format!("after ledger.{op}({record})"));
        out
    }
}

impl Ledger for KillLedger {
    fn get(&self, record: &SourceRef) -> Result<Option<LedgerEntry>, LedgerError> {
        self.inner.get(record)
    }

    fn record_pending(&self, punch: &Punch) -> Result<LedgerEntry, LedgerError> {
        self.write("record_pending", &punch.source, |l| l.record_pending(punch))
    }

    fn begin_post(
        &self,
        punch: &Punch,
        now: DateTime<FixedOffset>,
    ) -> Result<LedgerEntry, LedgerError> {
        self.write("begin_post", &punch.source, |l| l.begin_post(punch, now))
    }

    fn mark_posted(
        &self,
        record: &SourceRef,
        kot_time: DateTime<FixedOffset>,
    ) -> Result<LedgerEntry, LedgerError> {
        self.write("mark_posted", record, |l| l.mark_posted(record, kot_time))
    }

    fn mark_failed(&self, record: &SourceRef, error: &str) -> Result<LedgerEntry, LedgerError> {
        self.write("mark_failed", record, |l| l.mark_failed(record, error))
    }

    fn forget(&self, record: &SourceRef) -> Result<Option<LedgerEntry>, LedgerError> {
        self.write("forget", record, |l| l.forget(record))
    }

    fn entries(&self) -> Result<Vec<LedgerEntry>, LedgerError> {
        self.inner.entries()
    }

    fn unsettled(&self) -> Result<Vec<LedgerEntry>, LedgerError> {
        self.inner.unsettled()
    }
}

/// The state directory, with kill points around its loads and stores.
struct KillState {
    inner: DirStore,
    killer: Arc<Killer>,
}

impl StateStore for KillState {
    fn load(&self, name: &str) -> Result<Option<Vec<u8>>, StateError> {
        self.killer.point(format!("before loading state {name}"));
        self.inner.load(name)
    }

    fn store(&self, name: &str, bytes: &[u8]) -> Result<(), StateError> {
        self.killer.point(format!("before storing state {name}"));
        let out = self.inner.store(name, bytes);
        self.killer.point(format!("after storing state {name}"));
        out
    }
}

/// The connector's source, with kill points around collecting and
/// finishing.
struct KillSource {
    inner: Box<dyn Source>,
    killer: Arc<Killer>,
}

#[async_trait]
impl Source for KillSource {
    fn connector(&self) -> &str {
        self.inner.connector()
    }

    fn job(&self) -> SyncJob {
        self.inner.job()
    }

    fn system(&self) -> Option<SourceSystem> {
        self.inner.system()
    }

    async fn collect(&self, ctx: &SourceContext<'_>) -> Result<Collected, SourceError> {
        self.killer.point("before collecting".into());
        let collected = self.inner.collect(ctx).await;
        self.killer.point("after collecting".into());
        collected
    }

    async fn finish(&self, ctx: &SourceContext<'_>, settled: bool) -> Result<(), SourceError> {
        self.killer
            .point(format!("before finish (settled: {settled})"));
        let out = self.inner.finish(ctx, settled).await;
        self.killer
            .point(format!("after finish (settled: {settled})"));
        out
    }
}

// ---------------------------------------------------------------------------
// Runs and trials.

/// The sandbox every trial shares, and the clients of its services,
/// built once (a client keeps no state a kill could leave behind, and
/// building one per run would cost more than the run).
struct World {
    env: Env,
    kot: kot_api::Client,
    senselink: senselink_api::Client,
    cyzen: cyzen_api::Client,
}

impl World {
    async fn new() -> Self {
        let env = Env::with(
            SandboxOptions::default()
                .now(Phase::Start.at(0))
                .company(small_company()),
        )
        .await;
        env.sandbox
            .cyzen()
            .set_rate_limit(100_000, Duration::from_secs(1));
        Self {
            kot: env.services.kot().unwrap(),
            senselink: env.services.senselink().unwrap(),
            // As the programs build it, without the client's pacing of 5
            // calls a second (real time, nothing to do with kill points).
            cyzen: cyzen_api::Client::builder(
                env.sandbox.cyzen().credentials().company_id,
                env.sandbox.cyzen().credentials().token,
            )
            .base_url(env.sandbox.url(Service::Cyzen))
            .clock(Arc::new(env.sandbox.clock().clone()))
            .without_rate_limit()
            .build()
            .unwrap(),
            env,
        }
    }

    /// A fresh start: no punch in KOT, an empty state directory, the
    /// clock at 07:00. The fakes' other state does not change in a run.
    fn reset(&mut self) {
        let env = &mut self.env;
        env.sandbox.kot().clear_punches();
        env.dir = state_dir();
        env.services = sandbox_services(&env.sandbox, env.dir.path()).unwrap();
        env.sandbox.clock().set(Phase::Start.at(0));
    }
}

/// An empty state directory, in memory where the system has a tmpfs: a
/// killed process leaves its written pages to the kernel, so `fsync`
/// changes nothing this test can see, and on a disk it costs most of the
/// test's time.
fn state_dir() -> tempfile::TempDir {
    let shm = std::path::Path::new("/dev/shm");
    if shm.is_dir()
        && let Ok(dir) = tempfile::Builder::new().prefix("kot-kill-").tempdir_in(shm)
    {
        return dir;
    }
    tempfile::tempdir().unwrap()
}

/// A connector's job, as its example program runs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Job {
    /// `senselink attendance --date 2026-11-01`.
    SenseLink,
    /// `cyzen attendance` (the whole month on the first settled run).
    Cyzen,
}

impl Job {
    fn source(self, world: &World) -> (Box<dyn Source>, Planner) {
        let services = &world.env.services;
        match self {
            Job::SenseLink => {
                let config = services.config().senselink().unwrap();
                let source = SenseLinkSource::new(
                    world.senselink.clone(),
                    SenseLinkRule::new(config.mode, config.target),
                    SenseLinkTarget::Date(senselink_day()),
                );
                (Box::new(source), Planner::default())
            }
            Job::Cyzen => {
                let state = services.state_store().unwrap();
                let enabled = kot_connect::cyzen::enabled(services, &state).unwrap();
                let source = CyzenSource::new(world.cyzen.clone(), CyzenRule::new(enabled));
                let planner = Planner::default().with_conflicts(ConflictPolicy::PostEvery);
                (Box::new(source), planner)
            }
        }
    }

    /// What KOT must hold once the job is done, at the sandbox's clock.
    fn expected(self, env: &Env) -> Vec<Row> {
        match self {
            Job::SenseLink => expect::senselink(env, senselink_day()),
            Job::Cyzen => expect::cyzen(env, month_start(), &[]),
        }
    }
}

fn month_start() -> DateTime<Utc> {
    jst(2026, 11, 1, 0, 0)
}

/// How one run ended.
enum End {
    Completed(Box<SyncRun>),
    /// Killed at the point with this label.
    Killed(String),
}

struct RunResult {
    end: End,
    killer: Arc<Killer>,
    /// The punches the ledger had in flight when the run began.
    in_flight_before: Vec<Punch>,
}

/// One run of `job` as a new process would make it: the ledger opened
/// from the state directory, a fresh engine, source and state store;
/// killed at point `kill_at` if it gets that far.
async fn run_job(world: &World, job: Job, kill_at: Option<usize>) -> RunResult {
    quiet_kills();
    let killer = Killer::new(kill_at);
    let services = &world.env.services;
    let ledger =
        open_ledger(services.state_dir(), RunMode::Post).expect("the ledger opens after any kill");
    let in_flight_before = ledger
        .unsettled()
        .unwrap()
        .into_iter()
        .filter(|e| matches!(e.state, LedgerState::InFlight { .. }))
        .map(|e| e.punch)
        .collect();
    let (source, planner) = job.source(world);
    let clock = services.clock();
    let engine = Engine::builder(
        Arc::new(KillKot {
            inner: KotApiGateway::new(world.kot.clone()),
            killer: killer.clone(),
        }),
        Arc::new(KillLedger {
            inner: ledger.clone(),
            killer: killer.clone(),
        }),
    )
    .now(Arc::new(move || clock.now()))
    .state(Arc::new(KillState {
        inner: services.state_store().unwrap(),
        killer: killer.clone(),
    }))
    .planner(planner)
    .build()
    .unwrap();
    let source = KillSource {
        inner: source,
        killer: killer.clone(),
    };
    let task = tokio::spawn(async move { engine.run(&source, RunMode::Post).await });
    let end = match task.await {
        Ok(run) => End::Completed(Box::new(run)),
        Err(error) => {
            let payload = error.into_panic();
            if !payload.is::<Killed>() {
                std::panic::resume_unwind(payload);
            }
            // A dead process closes nothing: the ledger is never dropped.
            std::mem::forget(ledger);
            End::Killed(killer.labels().pop().unwrap_or_default())
        }
    };
    RunResult {
        end,
        killer,
        in_flight_before,
    }
}

/// When a run happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// 07:00 JST, before the morning band.
    Start,
    /// 09:00 JST: KOT refuses reads.
    Band,
    /// 10:30 JST, after the band.
    After,
}

impl Phase {
    /// The instant of run number `n` (a minute later per run).
    fn at(self, n: usize) -> DateTime<Utc> {
        let (h, m) = match self {
            Phase::Start => (7, 0),
            Phase::Band => (9, 0),
            Phase::After => (10, 30),
        };
        jst(2026, 11, 2, h, m) + chrono::Duration::minutes(n as i64)
    }
}

/// A trial: the jobs in order, whether recovery starts inside a time
/// band, and the kill point of each run (runs beyond the list are not
/// armed).
#[derive(Debug, Clone)]
struct Trial {
    jobs: Vec<Job>,
    band: bool,
    kills: Vec<usize>,
}

/// The kills a trial fired: (run number, label).
type Fired = Vec<(usize, String)>;

/// What the trials went through, to show that they reached the states
/// that matter.
#[derive(Debug, Default)]
struct Stats {
    /// Kills fired.
    kills: usize,
    /// Runs, killed or not.
    runs: usize,
    /// Runs that began with a punch in flight that KOT held (the process
    /// died after KOT stored it, before the ledger said so).
    landed: usize,
    /// Runs that began with a punch in flight that KOT did not hold (died
    /// after the ledger's `begin_post`, before the POST).
    not_landed: usize,
    /// Runs inside a band that began with a punch in flight.
    held_in_band: usize,
    /// Kills by kind of point (the record left out).
    by_point: BTreeMap<String, usize>,
}

/// A kill point's kind: its label without the record.
fn kind_of(label: &str) -> String {
    if let Some((before, _)) = label.split_once('(') {
        return before.trim_end().to_owned();
    }
    match label.split_once(" of ") {
        Some((before, rest)) => match rest.split_once(": ") {
            Some((_, what)) => format!("{before}: {what}"),
            None => before.to_owned(),
        },
        None => label.to_owned(),
    }
}

/// A punch as KOT's rows show it.
fn row_of(punch: &Punch) -> Row {
    (
        punch.employee.as_str().to_owned(),
        punch.work_date,
        punch
            .at
            .with_timezone(&kot_connect_core::time::jst())
            .format("%Y-%m-%d %H:%M:%S")
            .to_string(),
        common::code_of(punch.kind.label_ja()),
    )
}

/// Runs `trial` on a fresh sandbox and checks KOT after every run and at
/// the end; `replay` says how to find the trial again.
async fn run_trial(world: &mut World, trial: &Trial, replay: &str, stats: &mut Stats) -> Fired {
    world.reset();
    let world = &*world;
    let env = &world.env;
    let mut kills = trial.kills.iter().copied();
    let mut phase = Phase::Start;
    let mut fired: Fired = Vec::new();
    let mut n = 0;
    for &job in &trial.jobs {
        loop {
            assert!(
                n < 20,
                "{replay}: {trial:?} never completes; kills {fired:?}"
            );
            env.sandbox.clock().set(phase.at(n));
            let kot_before = env.kot();
            let result = run_job(world, job, kills.next()).await;
            stats.runs += 1;
            for punch in &result.in_flight_before {
                if kot_before.contains(&row_of(punch)) {
                    stats.landed += 1;
                } else {
                    stats.not_landed += 1;
                }
            }
            let context = || {
                format!("{replay}: {trial:?}, run {n} ({job:?}, {phase:?}); kills so far {fired:?}")
            };
            assert_no_doubles(env, &context);
            if phase == Phase::Band {
                if !result.in_flight_before.is_empty() {
                    stats.held_in_band += 1;
                }
                let in_flight: BTreeSet<&SourceRef> =
                    result.in_flight_before.iter().map(|p| &p.source).collect();
                let reposted: Vec<_> = result
                    .killer
                    .posted()
                    .into_iter()
                    .filter(|r| in_flight.contains(r))
                    .collect();
                assert!(
                    reposted.is_empty(),
                    "{}: inside the band, punches whose outcome was unknown were posted: {reposted:?}",
                    context()
                );
            }
            match result.end {
                End::Killed(label) => {
                    stats.kills += 1;
                    *stats.by_point.entry(kind_of(&label)).or_default() += 1;
                    fired.push((n, label));
                    if trial.band && phase == Phase::Start {
                        phase = Phase::Band;
                    }
                }
                End::Completed(_) if phase == Phase::Band => phase = Phase::After,
                End::Completed(run) => {
                    assert!(
                        run.error.is_none(),
                        "{}: the last run failed: {:?}",
                        context(),
                        run.log
                    );
                    n += 1;
                    break;
                }
            }
            n += 1;
        }
    }
    let mut want: Vec<Row> = trial.jobs.iter().flat_map(|j| j.expected(env)).collect();
    want.sort();
    let kot = env.kot();
    assert_eq!(
        kot,
        want,
        "{replay}: {trial:?}: KOT (left) is not the expected punches (right); kills {fired:?}; lost {:?}; extra {:?}",
        difference(&want, &kot),
        difference(&kot, &want),
    );
    fired
}

/// `a` less `b`, as multisets (both sorted).
fn difference(a: &[Row], b: &[Row]) -> Vec<Row> {
    let mut rest = b.to_vec();
    a.iter()
        .filter(|row| match rest.iter().position(|r| r == *row) {
            Some(i) => {
                rest.remove(i);
                false
            }
            None => true,
        })
        .cloned()
        .collect()
}

/// No punch is in KOT twice (no expected punch repeats itself).
fn assert_no_doubles(env: &Env, context: &dyn Fn() -> String) {
    let kot = env.kot();
    let doubled: Vec<&Row> = kot
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| &w[0])
        .collect();
    assert!(
        doubled.is_empty(),
        "{}: doubled in KOT: {doubled:?}",
        context()
    );
}

/// The kill points of `job`'s first run, by running it once unarmed.
async fn points_of(world: &mut World, job: Job) -> Vec<String> {
    world.reset();
    let result = run_job(world, job, None).await;
    let env = &world.env;
    let End::Completed(run) = result.end else {
        panic!("an unarmed run is never killed");
    };
    assert!(run.error.is_none(), "{:?}", run.log);
    assert_eq!(env.kot(), job.expected(env), "a clean {job:?} run");
    result.killer.labels()
}

/// The kill points of the run after `job`'s first run was killed at
/// point `first`.
async fn recovery_points_of(world: &mut World, job: Job, first: usize) -> Vec<String> {
    world.reset();
    let killed = run_job(world, job, Some(first)).await;
    assert!(matches!(killed.end, End::Killed(_)));
    world.env.sandbox.clock().set(Phase::Start.at(1));
    let result = run_job(world, job, None).await;
    assert!(matches!(result.end, End::Completed(_)));
    result.killer.labels()
}

#[tokio::test]
async fn random_kill_points() {
    let started = std::time::Instant::now();
    let mut world = World::new().await;
    let mut stats = Stats::default();

    // Every point of each job's first run, recovering outside and inside
    // a time band.
    let mut longest = 0;
    // Distinct places swept: (run, point) of first and recovery runs.
    let mut distinct = 0;
    for job in [Job::SenseLink, Job::Cyzen] {
        let points = points_of(&mut world, job).await;
        assert!(
            points.iter().any(|p| p.contains("KOT stored it")),
            "{points:?}"
        );
        longest = longest.max(points.len());
        distinct += points.len();
        for band in [false, true] {
            for (k, label) in points.iter().enumerate() {
                let trial = Trial {
                    jobs: vec![job],
                    band,
                    kills: vec![k],
                };
                let replay = format!("sweep of {job:?}, point {k} ({label})");
                let fired = run_trial(&mut world, &trial, &replay, &mut stats).await;
                assert_eq!(
                    fired.first().map(|(_, l)| l),
                    Some(label),
                    "{replay}: the first run passes the same points every time"
                );
            }
        }
        eprintln!(
            "{job:?}: {} kill points in a first run, each swept with and without the band",
            points.len()
        );

        // Every point of the recovery run after a kill before the first
        // POST (the punch in flight, not in KOT) and after it (in flight
        // and in KOT).
        for first in ["before the POST", "after the POST"] {
            let k = points.iter().position(|p| p.starts_with(first)).unwrap();
            let recovery = recovery_points_of(&mut world, job, k).await;
            distinct += recovery.len();
            for (j, label) in recovery.iter().enumerate() {
                let trial = Trial {
                    jobs: vec![job],
                    band: false,
                    kills: vec![k, j],
                };
                let replay = format!(
                    "sweep of {job:?}'s recovery after point {k} ({}), point {j} ({label})",
                    points[k]
                );
                let fired = run_trial(&mut world, &trial, &replay, &mut stats).await;
                assert_eq!(
                    fired.get(1).map(|(_, l)| l),
                    Some(label),
                    "{replay}: the recovery run passes the same points every time"
                );
            }
            eprintln!(
                "{job:?}: {} kill points in the recovery from point {k} ({}), each swept",
                recovery.len(),
                points[k]
            );
        }
    }
    let swept = stats.kills;

    // Random trials: one job or both, up to three kills each.
    let seed = std::env::var("KOT_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SEED);
    let mut rng = StdRng::seed_from_u64(seed);
    for t in 0..RANDOM_TRIALS {
        let jobs = match rng.random_range(0..3) {
            0 => vec![Job::SenseLink],
            1 => vec![Job::Cyzen],
            _ => vec![Job::SenseLink, Job::Cyzen],
        };
        let band = rng.random_bool(0.5);
        let kills = (0..rng.random_range(1..=3))
            .map(|_| rng.random_range(0..longest))
            .collect();
        let trial = Trial { jobs, band, kills };
        let replay = format!("random trial {t} of KOT_KILL_SEED={seed}");
        run_trial(&mut world, &trial, &replay, &mut stats).await;
    }
    eprintln!(
        "{} kills ({swept} swept over {distinct} distinct points, {} random with seed {seed}) in {} runs, {:.1?}",
        stats.kills,
        stats.kills - swept,
        stats.runs,
        started.elapsed()
    );
    for (kind, n) in &stats.by_point {
        eprintln!("{n:>5}  {kind}");
    }
    eprintln!(
        "runs that began with a punch in flight: {} held by KOT, {} not; {} of them inside a band",
        stats.landed, stats.not_landed, stats.held_in_band
    );
    assert!(
        stats.kills >= MIN_KILLS && distinct >= MIN_KILLS,
        "only {} kills fired, {distinct} distinct points swept",
        stats.kills
    );
    // The kills reached what matters: punches in flight that KOT held and
    // did not hold, and punches in flight inside a band.
    assert!(stats.landed > 0 && stats.not_landed > 0, "{stats:?}");
    assert!(stats.held_in_band > 0, "{stats:?}");
}
