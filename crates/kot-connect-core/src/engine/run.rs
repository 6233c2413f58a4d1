//! The engine: one run of one source.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Days, FixedOffset, NaiveDate};
use futures_util::{StreamExt, future, stream};
use kot_api::DateRange;
use kot_api::models::{Division, Employee};
use serde::{Deserialize, Serialize};

use super::contract::{
    Collected, EarlyPunches, GatewayError, KotGateway, Notify, NotifyOutcome, Now, PostError,
    Progress, SilentProgress, Source, SourceContext, SourceError, Stage, StateError, StateStore,
};
use super::state::MemoryStore;
use crate::directory::{Directory, ResolveError, Unresolved};
use crate::ledger::{Ledger, LedgerEntry, LedgerError, LedgerState};
use crate::plan::{Decision, KotRecords, Plan, PlanSession, PlannedPunch, Planner};
use crate::punch::{Punch, SourceRef};
use crate::report::{FailureReason, FailureRow, ReportError, SyncCounts, SyncLog, failure_csv};
use crate::time::jst;

/// The [`StateStore`] entry where the engine caches KOT's employees and
/// divisions ([`DirectorySnapshot`] as JSON), written after every
/// successful read and used inside KOT's time bands.
pub const DIRECTORY_CACHE: &str = "kot-directory.json";

/// The default number of punch POSTs in flight at once: one, so that
/// punches reach KOT in plan order and KOT's undocumented rate limit is
/// never tested. [`EngineBuilder::concurrency`] raises it.
pub const DEFAULT_CONCURRENCY: usize = 1;

/// How many days before today (JST) a run takes up the ledger's unsettled
/// entries ([`EngineBuilder::resume_days`]): 1, because KOT registers a
/// punch until the day after its work date (登録期限: 対象勤務日の翌日
/// 23:59:59, per the integration manual; not confirmed for the public API).
pub const DEFAULT_RESUME_DAYS: u32 = 1;

/// Whether a run changes anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RunMode {
    /// Post the plan, update the ledger and the source's state, notify.
    Post,
    /// Plan only: read KOT and the source, then stop. Nothing is posted,
    /// the ledger and the state store are not written (not even the
    /// directory cache), the source's `finish` is not called and nobody is
    /// notified.
    DryRun,
}

/// Why the engine could not be built, or a run or a directory read stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    /// [`EngineBuilder::now`] was not called: the engine never reads the
    /// machine's clock on its own.
    #[error("the engine has no clock: call EngineBuilder::now (e.g. with `|| chrono::Utc::now()`)")]
    NoClock,
    /// KOT refuses to list its employees until `reopens_at` (API time band)
    /// and no copy was cached by an earlier run.
    #[error(
        "KOT's employees cannot be read until {reopens_at} (API time band 08:30-10:00 / 17:30-18:30 JST) and no copy is cached yet: run again after {reopens_at}"
    )]
    NoDirectoryCache {
        /// When KOT reopens (JST).
        reopens_at: DateTime<FixedOffset>,
    },
    /// The cached directory could not be decoded.
    #[error("the cached KOT directory `{name}` is unreadable: {message}")]
    CorruptCache {
        /// The state entry.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// A KOT read failed.
    #[error(transparent)]
    Gateway(#[from] GatewayError),
    /// The source failed.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// The state store failed.
    #[error(transparent)]
    State(#[from] StateError),
    /// The ledger failed; no POST is sent after it.
    #[error("ledger: {0}")]
    Ledger(#[from] LedgerError),
}

/// KOT's employees (resigned ones included) and divisions, as read or as
/// cached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DirectorySnapshot {
    /// Every employee.
    pub employees: Vec<Employee>,
    /// Every division.
    pub divisions: Vec<Division>,
    /// When KOT's employees were read.
    pub read_at: DateTime<FixedOffset>,
    /// When KOT's divisions were read (`None` in a cache written before
    /// this field existed: [`DirectorySnapshot::read_at`] then). They are
    /// read again once this is not the current JST date; see
    /// [`Engine::directory_snapshot`].
    #[serde(default)]
    pub divisions_read_at: Option<DateTime<FixedOffset>>,
    /// `true` when this is the cached copy (KOT was in a time band).
    #[serde(skip)]
    pub from_cache: bool,
}

impl DirectorySnapshot {
    /// The [`Directory`] of these employees, with their divisions' day
    /// borders.
    pub fn directory(&self) -> Directory {
        Directory::with_divisions(&self.employees, &self.divisions)
    }
}

/// What one run did.
#[derive(Debug)]
#[non_exhaustive]
pub struct SyncRun {
    /// The mode it ran in.
    pub mode: RunMode,
    /// The sync log (連携ログ). A run that stopped is `FAILURE` with the
    /// reason as its last detail.
    pub log: SyncLog,
    /// The plan (empty when the run stopped before planning). On a dry
    /// run, [`Plan::to_post`] is what would have been posted.
    pub plan: Plan,
    /// Every record that did not go through, in order: the source's
    /// unmatched records, punches the directory could not resolve, then
    /// the plan's punches (already in KOT, conflicts, outcomes unknown,
    /// held in a time band, refused or unknown POSTs) in plan order.
    pub failures: Vec<FailureRow>,
    /// The punches KOT accepted in this run, in plan order.
    pub posted: Vec<Punch>,
    /// The ledger's unsettled entries this run took up (see [`Engine`],
    /// "Resume"), sorted.
    pub resumed: Vec<SourceRef>,
    /// `true` when KOT's punches of the run's dates were read; `false`
    /// when KOT was in a time band (the plan then rests on the ledger
    /// alone) or there was nothing to check.
    pub kot_checked: bool,
    /// `true` when KOT's employees came from the cache.
    pub directory_from_cache: bool,
    /// How the notification went (`None` on a dry run or without a
    /// notifier).
    pub notified: Option<NotifyOutcome>,
    /// Why the run stopped early, if it did.
    pub error: Option<EngineError>,
}

impl SyncRun {
    /// The failure report CSV ([`failure_csv`]) of [`SyncRun::failures`].
    ///
    /// # Errors
    /// [`ReportError`], in theory only.
    pub fn failure_csv(&self) -> Result<Vec<u8>, ReportError> {
        failure_csv(&self.failures)
    }
}

/// Builds an [`Engine`]; see [`Engine::builder`].
pub struct EngineBuilder {
    kot: Arc<dyn KotGateway>,
    ledger: Arc<dyn Ledger>,
    now: Option<Arc<dyn Now>>,
    state: Arc<dyn StateStore>,
    planner: Planner,
    concurrency: usize,
    resume_days: u32,
    progress: Arc<dyn Progress>,
    notifier: Option<Arc<dyn Notify>>,
}

impl fmt::Debug for EngineBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EngineBuilder")
            .field("has_clock", &self.now.is_some())
            .field("planner", &self.planner)
            .field("concurrency", &self.concurrency)
            .field("resume_days", &self.resume_days)
            .field("has_notifier", &self.notifier.is_some())
            .finish_non_exhaustive()
    }
}

impl EngineBuilder {
    /// The clock (required). Production passes `|| chrono::Utc::now()`,
    /// the sandbox and tests their own clock.
    pub fn now(mut self, now: Arc<dyn Now>) -> Self {
        self.now = Some(now);
        self
    }

    /// Where state survives between runs (default: a [`MemoryStore`],
    /// forgotten at exit).
    pub fn state(mut self, state: Arc<dyn StateStore>) -> Self {
        self.state = state;
        self
    }

    /// The planner (default [`Planner::default`]: same minute, one
    /// 出勤/退勤 a day).
    pub fn planner(mut self, planner: Planner) -> Self {
        self.planner = planner;
        self
    }

    /// How many punch POSTs may be in flight at once (default
    /// [`DEFAULT_CONCURRENCY`]; 0 counts as 1).
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// How many days before today (JST) a run takes up the ledger's
    /// unsettled entries (default [`DEFAULT_RESUME_DAYS`]; 0: today's
    /// only). Older ones are reported as given up; see [`Engine`],
    /// "Resume".
    pub fn resume_days(mut self, days: u32) -> Self {
        self.resume_days = days;
        self
    }

    /// Where progress goes (default [`SilentProgress`]).
    pub fn progress(mut self, progress: Arc<dyn Progress>) -> Self {
        self.progress = progress;
        self
    }

    /// Who is told of each run's result (default: nobody).
    pub fn notifier(mut self, notifier: Arc<dyn Notify>) -> Self {
        self.notifier = Some(notifier);
        self
    }

    /// The engine.
    ///
    /// # Errors
    /// [`EngineError::NoClock`] when [`EngineBuilder::now`] was not called.
    pub fn build(self) -> Result<Engine, EngineError> {
        Ok(Engine {
            kot: self.kot,
            ledger: self.ledger,
            now: self.now.ok_or(EngineError::NoClock)?,
            state: self.state,
            planner: self.planner,
            concurrency: self.concurrency,
            resume_days: self.resume_days,
            progress: self.progress,
            notifier: self.notifier,
        })
    }
}

/// The sync engine: fetch → rule → match → plan → post → ledger → log →
/// notify, for any [`Source`].
///
/// One [`Engine::run`]:
///
/// 1. **Directory**: KOT's employees and divisions ([`Engine::directory`]:
///    read and cached, or the cache inside a time band).
/// 2. **Fetch**: [`Source::collect`] (records, rule, matching).
///
///    **Posting while fetching.** When a run posts and the source says its
///    work dates ahead ([`Source::dates_ahead`]; cyzen's adapter does), the
///    engine first reads KOT's punches of those dates (step 5, done early),
///    then offers [`SourceContext::early`]: every batch the source hands
///    over is resolved, planned against KOT, the ledger and the batches
///    before it ([`PlanSession`]), and posted (step 7) while the source
///    reads on. The wall time of a run is then about the slower of the two,
///    not their sum. What the source keeps in [`Collected::punches`] goes
///    through the steps below as usual, in the same plan session; KOT is
///    read again only when the run's dates turn out wider than those said
///    ahead (a resumed punch of another day). If the source fails after
///    handing punches over, the run is aborted but still counts and
///    reports what was posted.
/// 3. **Resume**: when the source names its [`Source::system`], the
///    ledger's unsettled entries (pending or in flight) of that system that
///    the source did not deliver: a run killed between a POST and its
///    ledger write, a POST KOT refused, an unknown outcome, whose work date
///    no later run covers. Nothing in the ledger is left unsettled for
///    good:
///    - work date outside the dates the source covered and at most
///      [`EngineBuilder::resume_days`] before today (JST; default
///      [`DEFAULT_RESUME_DAYS`], KOT's registration window): the punch
///      joins the plan ([`SyncRun::resumed`]) and its day is read from KOT
///      with the others, so the planner finds it in KOT (marked posted),
///      or not (posted once), or holds an in-flight one inside a time band
///      (a pending one is posted: it never reached KOT);
///    - work date inside the covered dates: the source's current output
///      wins (its rule may now pick another record); once KOT's records of
///      the day are read, the entry is marked posted if KOT has it, else
///      forgotten. Never posted;
///    - older: a failure row (counted `failed`) on every run until an
///      administrator has checked KOT and removed the entry
///      ([`Ledger::forget`]). A POST this late would be refused.
/// 4. **Resolve**: employee codes → keys; unknown, duplicate and resigned
///    codes become failure rows.
/// 5. **KOT's punches**: one [`KotGateway::time_records`] over the run's
///    work dates and the resumed punches' dates; every resolved punch's day
///    counts as read (KOT may leave out employees with no punch). Inside a
///    time band the read is refused: the plan rests on the ledger alone,
///    `kot_checked` is `false`.
/// 6. **Plan** ([`Planner::plan`]; batch by batch with
///    [`PlanSession`] when punches came early). A dry run stops here (and
///    never takes punches early).
/// 7. **Post** each [`Plan::to_post`], at most `concurrency` at once: the
///    ledger marks the punch in flight *before* the POST, then posted
///    (accepted) or failed (refused: sent again by a later run); an
///    unknown outcome stays in flight, and later plans hold it
///    ([`Decision::OutcomeUnknown`]) until KOT's records of its day are
///    read. A punch found in KOT whose ledger entry is not posted (an
///    earlier unknown outcome) is marked posted. POSTs are never retried.
/// 8. **Finish**: [`Source::finish`] with `settled` = no POST was refused
///    or unknown and no punch is held. Unmatched records and conflicts
///    need an administrator, not a rerun, and do not unsettle a run.
/// 9. **Log and notify**: [`SyncLog::finished`] (or `aborted`) with
///    counts: `posted`; `already_punched` (already in KOT, or posted by an
///    earlier run); `ignored` (the rule's ignored records and punches
///    duplicated within the run); `unmatched` (no or several employees);
///    `resigned`; `failed` (conflicts, held, refused and unknown POSTs).
///    Details are the failure rows' Japanese messages.
///
/// Errors never escape as `Err`: a run that cannot go on ends with an
/// aborted log, [`SyncRun::error`], and what it did until then.
pub struct Engine {
    kot: Arc<dyn KotGateway>,
    ledger: Arc<dyn Ledger>,
    now: Arc<dyn Now>,
    state: Arc<dyn StateStore>,
    planner: Planner,
    concurrency: usize,
    resume_days: u32,
    progress: Arc<dyn Progress>,
    notifier: Option<Arc<dyn Notify>>,
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field("planner", &self.planner)
            .field("concurrency", &self.concurrency)
            .field("resume_days", &self.resume_days)
            .field("has_notifier", &self.notifier.is_some())
            .finish_non_exhaustive()
    }
}

/// What a run has gathered so far.
#[derive(Default)]
struct Acc {
    plan: Plan,
    failures: Vec<FailureRow>,
    posted: Vec<Punch>,
    resumed: Vec<SourceRef>,
    counts: SyncCounts,
    kot_checked: bool,
    directory_from_cache: bool,
}

impl Acc {
    /// Counts and reports a punch whose employee could not be resolved.
    fn unresolved(&mut self, unresolved: &Unresolved) {
        if matches!(unresolved.error, ResolveError::Resigned { .. }) {
            self.counts.resigned += 1;
        } else {
            self.counts.unmatched += 1;
        }
        self.failures.push(unresolved_row(unresolved));
    }
}

/// KOT's punches as far as this run has read them.
#[derive(Default)]
struct KotView {
    records: KotRecords,
    /// The dates read (`None`: not read).
    range: Option<DateRange>,
    /// KOT refused the read: its API time band lasts until then.
    band: Option<DateTime<FixedOffset>>,
}

impl KotView {
    /// Whether `range`'s days were all read.
    fn covers(&self, range: DateRange) -> bool {
        self.range
            .is_some_and(|read| read.start() <= range.start() && range.end() <= read.end())
    }
}

/// What the early hand-over ([`SourceContext::early`]) gave and became.
#[derive(Default)]
struct Early {
    /// The records of every punch handed over.
    handed: Vec<SourceRef>,
    /// Those whose employee could not be resolved.
    unresolved: Vec<Unresolved>,
    /// The others, planned batch by batch.
    plan: Plan,
    /// The POSTs' outcomes, by index in `plan`.
    outcomes: HashMap<usize, Outcome>,
    /// The ledger error that stopped the hand-over.
    error: Option<LedgerError>,
}

/// How one POST went.
enum Outcome {
    /// KOT accepted it; the ledger error if it could not be marked posted
    /// (the entry stays in flight and the next run finds it in KOT).
    Posted(Option<LedgerError>),
    Rejected(String),
    Unknown(String),
    /// Not sent: the ledger failed before the POST (or an earlier one did).
    NotSent(Option<LedgerError>),
}

impl Engine {
    /// Starts a builder with KOT and the ledger. The clock is required
    /// ([`EngineBuilder::now`]).
    pub fn builder(kot: Arc<dyn KotGateway>, ledger: Arc<dyn Ledger>) -> EngineBuilder {
        EngineBuilder {
            kot,
            ledger,
            now: None,
            state: Arc::new(MemoryStore::new()),
            planner: Planner::default(),
            concurrency: DEFAULT_CONCURRENCY,
            resume_days: DEFAULT_RESUME_DAYS,
            progress: Arc::new(SilentProgress),
            notifier: None,
        }
    }

    /// The ledger.
    pub fn ledger(&self) -> &Arc<dyn Ledger> {
        &self.ledger
    }

    /// The state store.
    pub fn state(&self) -> &Arc<dyn StateStore> {
        &self.state
    }

    fn now(&self) -> DateTime<FixedOffset> {
        self.now.now().with_timezone(&jst())
    }

    /// KOT's [`Directory`]; see [`Engine::directory_snapshot`].
    ///
    /// # Errors
    /// As [`Engine::directory_snapshot`].
    pub async fn directory(&self, mode: RunMode) -> Result<Directory, EngineError> {
        Ok(self.directory_snapshot(mode).await?.directory())
    }

    /// KOT's employees (resigned included) and divisions. After every
    /// successful read they are cached in the state store as
    /// [`DIRECTORY_CACHE`] (not in [`RunMode::DryRun`], which writes
    /// nothing); inside a time band (KOT refuses the read) the cache is
    /// returned, `from_cache` set.
    ///
    /// The employees are read every time (one `GET /employees`). The
    /// divisions, which only give the day borders, are read (one `GET
    /// /divisions`) only when the cache cannot give them: no readable
    /// cache, a cache whose divisions were not read on the current JST
    /// date ([`DirectorySnapshot::divisions_read_at`]), or an employee
    /// whose division the cached list lacks. So a day's runs read them
    /// once, and a new division is seen on the first run that needs it.
    ///
    /// # Errors
    /// [`EngineError::NoDirectoryCache`] inside a time band with no cache,
    /// saying when KOT reopens; [`EngineError::Gateway`] for any other
    /// failed read (the cache is not used then);
    /// [`EngineError::CorruptCache`] inside a time band (outside one, a
    /// damaged cache is read again from KOT and replaced),
    /// [`EngineError::State`].
    pub async fn directory_snapshot(
        &self,
        mode: RunMode,
    ) -> Result<DirectorySnapshot, EngineError> {
        self.read_directory(mode == RunMode::Post).await
    }

    async fn read_directory(&self, write_cache: bool) -> Result<DirectorySnapshot, EngineError> {
        let now = self.now();
        let employees = match self.kot.employees().await {
            Ok(employees) => employees,
            Err(GatewayError::TimeBand { reopens_at }) => {
                return self.cached_directory(reopens_at);
            }
            Err(other) => return Err(other.into()),
        };
        // The divisions (day borders) change rarely: reuse the cached list
        // when it is fresh; a damaged cache only costs a read here.
        let cached = self.load_directory_cache().ok().flatten();
        let (divisions, divisions_read_at) = match cached {
            Some(cache) if divisions_fresh(&cache, &employees, &now) => {
                let read_at = cache.divisions_read_at.unwrap_or(cache.read_at);
                (cache.divisions, read_at)
            }
            _ => match self.kot.divisions().await {
                Ok(divisions) => (divisions, now),
                Err(GatewayError::TimeBand { reopens_at }) => {
                    return self.cached_directory(reopens_at);
                }
                Err(other) => return Err(other.into()),
            },
        };
        let snapshot = DirectorySnapshot {
            employees,
            divisions,
            read_at: now,
            divisions_read_at: Some(divisions_read_at),
            from_cache: false,
        };
        if write_cache {
            let bytes = serde_json::to_vec(&snapshot).map_err(|e| EngineError::CorruptCache {
                name: DIRECTORY_CACHE.to_owned(),
                message: e.to_string(),
            })?;
            self.state.store(DIRECTORY_CACHE, &bytes)?;
        }
        Ok(snapshot)
    }

    /// The cached directory, for a run inside a time band.
    fn cached_directory(
        &self,
        reopens_at: DateTime<FixedOffset>,
    ) -> Result<DirectorySnapshot, EngineError> {
        let mut snapshot = self
            .load_directory_cache()?
            .ok_or(EngineError::NoDirectoryCache { reopens_at })?;
        snapshot.from_cache = true;
        Ok(snapshot)
    }

    fn load_directory_cache(&self) -> Result<Option<DirectorySnapshot>, EngineError> {
        let Some(bytes) = self.state.load(DIRECTORY_CACHE)? else {
            return Ok(None);
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| EngineError::CorruptCache {
                name: DIRECTORY_CACHE.to_owned(),
                message: e.to_string(),
            })
    }

    /// Runs `source` once; see [`Engine`] for the steps.
    pub async fn run(&self, source: &dyn Source, mode: RunMode) -> SyncRun {
        let started = self.now();
        let mut acc = Acc::default();
        let result = self.run_steps(source, mode, &mut acc).await;
        let finished = self.now();
        let details: Vec<String> = acc.failures.iter().map(FailureRow::message_ja).collect();
        let log = match &result {
            Ok(()) => SyncLog::finished(
                source.connector(),
                source.job(),
                started,
                finished,
                acc.counts,
                details,
            ),
            Err(error) => SyncLog::aborted(
                source.connector(),
                source.job(),
                started,
                finished,
                acc.counts,
                details,
                error,
            ),
        };
        let notified = match (&self.notifier, mode) {
            (Some(notifier), RunMode::Post) => {
                self.progress.begin(Stage::Notify, Some(1));
                let outcome = notifier.notify(&log, &acc.failures).await;
                self.progress.advance(Stage::Notify, 1);
                self.progress.end(Stage::Notify);
                Some(outcome)
            }
            _ => None,
        };
        SyncRun {
            mode,
            log,
            plan: acc.plan,
            failures: acc.failures,
            posted: acc.posted,
            resumed: acc.resumed,
            kot_checked: acc.kot_checked,
            directory_from_cache: acc.directory_from_cache,
            notified,
            error: result.err(),
        }
    }

    async fn run_steps(
        &self,
        source: &dyn Source,
        mode: RunMode,
        acc: &mut Acc,
    ) -> Result<(), EngineError> {
        let dry_run = mode == RunMode::DryRun;
        let progress = self.progress.as_ref();

        progress.begin(Stage::Directory, None);
        let snapshot = self.read_directory(!dry_run).await;
        progress.end(Stage::Directory);
        let snapshot = snapshot?;
        acc.directory_from_cache = snapshot.from_cache;
        let directory = snapshot.directory();

        let ctx = SourceContext::new(
            self.now.now(),
            &directory,
            progress,
            self.state.as_ref(),
            dry_run,
        );
        let mut kot = KotView::default();
        let stop = AtomicBool::new(false);
        let mut session = self.planner.session();
        let mut early = Early::default();

        // A source that knows its work dates ahead: KOT's punches of those
        // dates first, then posting overlaps reading.
        let ahead = match source.dates_ahead(&ctx)? {
            Some((a, b)) if !dry_run => DateRange::new(a.min(b), a.max(b)).ok(),
            _ => None,
        };
        let collected = match ahead {
            None => {
                progress.begin(Stage::Fetch, None);
                let collected = source.collect(&ctx).await;
                progress.end(Stage::Fetch);
                (collected, ctx)
            }
            Some(range) => {
                self.read_kot(range, &mut kot, acc).await?;
                let (handle, receiver) = EarlyPunches::channel();
                let ctx = ctx.with_early(handle.clone());
                let collecting = async {
                    progress.begin(Stage::Fetch, None);
                    let collected = source.collect(&ctx).await;
                    progress.end(Stage::Fetch);
                    handle.close();
                    collected
                };
                let posting = self.post_early(
                    receiver,
                    &directory,
                    &mut kot,
                    &mut session,
                    &stop,
                    &mut early,
                );
                let (collected, ()) = future::join(collecting, posting).await;
                (collected, ctx)
            }
        };
        let (collected, ctx) = collected;
        for unresolved in std::mem::take(&mut early.unresolved) {
            acc.unresolved(&unresolved);
        }
        let mut collected = match collected {
            Ok(collected) => collected,
            Err(error) => {
                // What was posted early is accounted for all the same.
                self.account(acc, early.plan, early.outcomes, kot.band);
                return Err(error.into());
            }
        };
        if let Some(error) = early.error.take() {
            self.account(acc, early.plan, early.outcomes, kot.band);
            return Err(error.into());
        }
        acc.counts.ignored += collected.ignored.len();
        for row in &collected.failures {
            match row.reason {
                FailureReason::UnmatchedEmployee { .. } | FailureReason::AmbiguousMatch { .. } => {
                    acc.counts.unmatched += 1;
                }
                FailureReason::ResignedEmployee { .. } => acc.counts.resigned += 1,
                _ => acc.counts.failed += 1,
            }
        }
        acc.failures.append(&mut collected.failures);

        // Resumption sees every punch of the run, early ones included.
        let taken = self.take_up(source, &collected, &early.handed, acc)?;
        let mut punches = std::mem::take(&mut collected.punches);
        punches.extend(taken.resumed);
        let superseded = directory.resolve_all(taken.superseded).resolved;
        let resolution = directory.resolve_all(punches);
        for unresolved in &resolution.failed {
            acc.unresolved(unresolved);
        }
        let resolved = resolution.resolved;

        // KOT's punches of the run's days, in one read (none when the
        // early read covered them, or met a time band).
        if let Some(range) = run_range(collected.work_dates, &resolved)
            && kot.band.is_none()
            && !kot.covers(range)
        {
            self.read_kot(range, &mut kot, acc).await?;
        }
        if let Some(range) = kot.range {
            // KOT may leave out employees with no punch: every day asked
            // for was read.
            for punch in resolved.iter().chain(&superseded) {
                if let Some(key) = &punch.key
                    && range.contains(punch.work_date)
                {
                    kot.records.mark_known(key, punch.work_date);
                }
            }
            if !dry_run {
                self.settle_superseded(&superseded, &kot.records)?;
            }
        }

        let plan = session.plan(&resolved, &kot.records, self.ledger.as_ref())?;
        if dry_run {
            for item in &plan.items {
                if let Some(row) = plan_row(item, kot.band, &mut acc.counts) {
                    acc.failures.push(row);
                }
            }
            acc.plan = plan;
            return Ok(());
        }
        self.settle_already_in_kot(&plan)?;
        let outcomes = self.post_all(&plan, &stop).await;

        // The early items first, then the rest, with their outcomes.
        let offset = early.plan.items.len();
        let mut all = early.plan;
        all.items.extend(plan.items);
        let mut all_outcomes = early.outcomes;
        all_outcomes.extend(outcomes.into_iter().map(|(i, o)| (i + offset, o)));
        let (settled, ledger_error) = self.account(acc, all, all_outcomes, kot.band);
        if let Some(error) = ledger_error {
            return Err(error.into());
        }

        source.finish(&ctx, settled).await?;
        Ok(())
    }

    /// Reads KOT's punches of `range` into `kot`; a time band leaves them
    /// unread (`kot.band`).
    async fn read_kot(
        &self,
        range: DateRange,
        kot: &mut KotView,
        acc: &mut Acc,
    ) -> Result<(), EngineError> {
        self.progress.begin(Stage::KotRecords, Some(range.days()));
        let read = self.kot.time_records(range).await;
        self.progress.end(Stage::KotRecords);
        match read {
            Ok(daily) => {
                kot.records = KotRecords::from_daily(&daily);
                kot.range = Some(range);
                acc.kot_checked = true;
                Ok(())
            }
            Err(GatewayError::TimeBand { reopens_at }) => {
                kot.band = Some(reopens_at);
                Ok(())
            }
            Err(other) => Err(other.into()),
        }
    }

    /// Punches KOT already has: settles what the ledger still has open.
    fn settle_already_in_kot(&self, plan: &Plan) -> Result<(), LedgerError> {
        for item in &plan.items {
            if let Decision::AlreadyInKot { kot_time } = item.decision
                && let Some(entry) = self.ledger.get(&item.punch.source)?
                && !matches!(entry.state, LedgerState::Posted { .. })
            {
                self.ledger.mark_posted(&item.punch.source, kot_time)?;
            }
        }
        Ok(())
    }

    /// Plans and posts the batches a source hands over early, at most
    /// `concurrency` POSTs at once, while the source reads on. Stops
    /// taking batches at the first ledger error (`early.error`).
    async fn post_early(
        &self,
        receiver: futures_channel::mpsc::UnboundedReceiver<Vec<Punch>>,
        directory: &Directory,
        kot: &mut KotView,
        session: &mut PlanSession,
        stop: &AtomicBool,
        early: &mut Early,
    ) {
        let mut began = false;
        let Early {
            handed,
            unresolved,
            plan,
            error,
            ..
        } = early;
        let receiver = receiver.take_while(|_| future::ready(!stop.load(Ordering::SeqCst)));
        let planned = receiver.map(|batch| {
            if !began {
                began = true;
                self.progress.begin(Stage::Post, None);
            }
            handed.extend(batch.iter().map(|p| p.source.clone()));
            let resolution = directory.resolve_all(batch);
            unresolved.extend(resolution.failed);
            if let Some(range) = kot.range {
                for punch in &resolution.resolved {
                    if let Some(key) = &punch.key
                        && range.contains(punch.work_date)
                    {
                        kot.records.mark_known(key, punch.work_date);
                    }
                }
            }
            let batch = session
                .plan(&resolution.resolved, &kot.records, self.ledger.as_ref())
                .and_then(|batch| {
                    self.settle_already_in_kot(&batch)?;
                    Ok(batch)
                });
            let batch = match batch {
                Ok(batch) => batch,
                Err(e) => {
                    stop.store(true, Ordering::SeqCst);
                    *error = Some(e);
                    return Vec::new();
                }
            };
            let offset = plan.items.len();
            let to_post: Vec<(usize, Punch)> = batch
                .items
                .iter()
                .enumerate()
                .filter(|(_, item)| item.decision == Decision::Post)
                .map(|(i, item)| (offset + i, item.punch.clone()))
                .collect();
            plan.items.extend(batch.items);
            to_post
        });
        let outcomes = planned
            .flat_map(stream::iter)
            .map(|(i, punch)| async move {
                let outcome = self.post_one(&punch, stop).await;
                self.progress.advance(Stage::Post, 1);
                (i, outcome)
            })
            .buffer_unordered(self.concurrency)
            .collect::<HashMap<_, _>>()
            .await;
        early.outcomes = outcomes;
        if began {
            self.progress.end(Stage::Post);
        }
    }

    /// Counts and reports every planned punch with its outcome (`outcomes`
    /// by index in `plan`), and keeps the plan. Returns whether the run is
    /// settled (nothing pending or failed) and the first ledger error.
    fn account(
        &self,
        acc: &mut Acc,
        plan: Plan,
        mut outcomes: HashMap<usize, Outcome>,
        band: Option<DateTime<FixedOffset>>,
    ) -> (bool, Option<LedgerError>) {
        let mut settled = true;
        let mut ledger_error: Option<LedgerError> = None;
        for (i, item) in plan.items.iter().enumerate() {
            let row = match outcomes.remove(&i) {
                None => {
                    if item.decision == Decision::OutcomeUnknown {
                        settled = false;
                    }
                    plan_row(item, band, &mut acc.counts)
                }
                Some(Outcome::Posted(error)) => {
                    if ledger_error.is_none() {
                        ledger_error = error;
                    }
                    acc.counts.posted += 1;
                    acc.posted.push(item.punch.clone());
                    None
                }
                Some(Outcome::Rejected(message)) => {
                    settled = false;
                    acc.counts.failed += 1;
                    Some(punch_row(
                        &item.punch,
                        FailureReason::ApiError {
                            message: format!(
                                "KING OF TIME が打刻を受け付けませんでした: {message}"
                            ),
                        },
                    ))
                }
                Some(Outcome::Unknown(message)) => {
                    settled = false;
                    acc.counts.failed += 1;
                    Some(punch_row(
                        &item.punch,
                        FailureReason::ApiError {
                            message: format!(
                                "送信結果が不明です（次回、KING OF TIME の打刻を確認してから連携します）: {message}"
                            ),
                        },
                    ))
                }
                Some(Outcome::NotSent(error)) => {
                    settled = false;
                    acc.counts.failed += 1;
                    if ledger_error.is_none() {
                        ledger_error = error;
                    }
                    Some(punch_row(
                        &item.punch,
                        FailureReason::ApiError {
                            message: "台帳に記録できなかったため送信しませんでした".to_owned(),
                        },
                    ))
                }
            };
            acc.failures.extend(row);
        }
        acc.plan = plan;
        (settled, ledger_error)
    }

    /// Posts the plan's punches, at most `concurrency` at once; outcomes by
    /// plan index.
    async fn post_all(&self, plan: &Plan, stop: &AtomicBool) -> HashMap<usize, Outcome> {
        let to_post: Vec<(usize, &PlannedPunch)> = plan
            .items
            .iter()
            .enumerate()
            .filter(|(_, item)| item.decision == Decision::Post)
            .collect();
        if to_post.is_empty() {
            return HashMap::new();
        }
        self.progress.begin(Stage::Post, Some(to_post.len() as u64));
        // The futures are made up front (not in a stream's closure) so
        // that the run's future stays `Send`.
        let posts: Vec<_> = to_post
            .into_iter()
            .map(|(i, item)| async move {
                let outcome = self.post_one(&item.punch, stop).await;
                self.progress.advance(Stage::Post, 1);
                (i, outcome)
            })
            .collect();
        let outcomes = stream::iter(posts)
            .buffer_unordered(self.concurrency)
            .collect::<HashMap<_, _>>()
            .await;
        self.progress.end(Stage::Post);
        outcomes
    }

    async fn post_one(&self, punch: &Punch, stop: &AtomicBool) -> Outcome {
        if stop.load(Ordering::SeqCst) {
            return Outcome::NotSent(None);
        }
        let prepared = (|| {
            // An earlier POST of this punch is known (KOT's records of its
            // day were read) not to have landed.
            if let Some(entry) = self.ledger.get(&punch.source)?
                && matches!(entry.state, LedgerState::InFlight { .. })
            {
                self.ledger.mark_failed(
                    &punch.source,
                    "not in KOT's records after an unknown outcome",
                )?;
            }
            self.ledger.begin_post(punch, self.now())
        })();
        if let Err(error) = prepared {
            stop.store(true, Ordering::SeqCst);
            return Outcome::NotSent(Some(error));
        }
        match self.kot.post_punch(punch).await {
            Ok(kot_time) => match self.ledger.mark_posted(&punch.source, kot_time) {
                Ok(_) => Outcome::Posted(None),
                Err(error) => {
                    stop.store(true, Ordering::SeqCst);
                    Outcome::Posted(Some(error))
                }
            },
            Err(PostError::Rejected { message }) => {
                if self.ledger.mark_failed(&punch.source, &message).is_err() {
                    stop.store(true, Ordering::SeqCst);
                }
                Outcome::Rejected(message)
            }
            Err(PostError::Unknown { message }) => Outcome::Unknown(message),
        }
    }
}

/// The ledger's entries a run takes up; see [`Engine::take_up`].
#[derive(Default)]
struct TakenUp {
    /// Unsettled entries of other work dates, within the window: planned.
    resumed: Vec<Punch>,
    /// Unsettled entries of the dates the source covered that it no longer
    /// delivers: settled against KOT's records, never posted.
    superseded: Vec<Punch>,
}

impl Engine {
    /// Step 3, **Resume**: the ledger's unsettled entries of the source's
    /// system ([`Source::system`]) that this run did not collect.
    ///
    /// - Work date outside the dates the source covered, and no older than
    ///   `resume_days` before today: joins the plan (and widens KOT's
    ///   read), recorded in [`SyncRun::resumed`].
    /// - Work date inside them: the source's current view wins (its rule
    ///   may have picked another record); settled by
    ///   [`Engine::settle_superseded`], never posted.
    /// - Older: a failure row, every run, until an administrator has
    ///   checked KOT and removed the entry ([`Ledger::forget`]).
    fn take_up(
        &self,
        source: &dyn Source,
        collected: &Collected,
        handed_early: &[SourceRef],
        acc: &mut Acc,
    ) -> Result<TakenUp, EngineError> {
        let mut taken = TakenUp::default();
        let Some(system) = source.system() else {
            return Ok(taken);
        };
        let collected_refs: HashSet<&SourceRef> = collected
            .punches
            .iter()
            .map(|p| &p.source)
            .chain(handed_early)
            .collect();
        let today = self.now().date_naive();
        let oldest = today
            .checked_sub_days(Days::new(u64::from(self.resume_days)))
            .unwrap_or(NaiveDate::MIN);
        let covered = |date: NaiveDate| {
            collected
                .work_dates
                .is_some_and(|(a, b)| a.min(b) <= date && date <= a.max(b))
        };
        for entry in self.ledger.unsettled()? {
            if entry.source().system != system || collected_refs.contains(entry.source()) {
                continue;
            }
            let date = entry.punch.work_date;
            if covered(date) {
                taken.superseded.push(entry.punch);
            } else if date >= oldest {
                acc.resumed.push(entry.punch.source.clone());
                taken.resumed.push(entry.punch);
            } else {
                acc.counts.failed += 1;
                acc.failures.push(given_up_row(&entry, oldest));
            }
        }
        Ok(taken)
    }

    /// Settles entries the source no longer delivers, once KOT's records of
    /// their day were read: found in KOT → Posted (an earlier POST
    /// landed); absent → forgotten (nothing in KOT, nothing wanted).
    fn settle_superseded(
        &self,
        superseded: &[Punch],
        records: &KotRecords,
    ) -> Result<(), LedgerError> {
        let eq = self.planner.equivalence;
        for punch in superseded {
            let Some(key) = &punch.key else { continue };
            if !records.is_known(key, punch.work_date) {
                continue;
            }
            let found = records
                .on_day(key, punch.work_date)
                .iter()
                .find(|e| e.kind == Some(punch.kind) && eq.same_time(&e.at, &punch.at));
            match found {
                Some(existing) => {
                    self.ledger.mark_posted(&punch.source, existing.at)?;
                }
                None => {
                    self.ledger.forget(&punch.source)?;
                }
            }
        }
        Ok(())
    }
}

/// The row of an unsettled entry too old to be registered.
fn given_up_row(entry: &LedgerEntry, oldest: NaiveDate) -> FailureRow {
    let state = match &entry.state {
        LedgerState::InFlight { .. } => "送信結果不明".to_owned(),
        LedgerState::Pending {
            last_error: Some(error),
            ..
        } => format!("未登録: {error}"),
        _ => "未登録".to_owned(),
    };
    punch_row(
        &entry.punch,
        FailureReason::ApiError {
            message: format!(
                "勤務日 {} の打刻は自動連携の期限（{} 以降の勤務日）を過ぎたため送信しません（{state}）。KING OF TIME 管理画面で確認し、必要なら手で登録してから、台帳から {} を削除してください",
                entry.punch.work_date.format("%Y/%m/%d"),
                oldest.format("%Y/%m/%d"),
                entry.punch.source
            ),
        },
    )
}

/// Whether `cache`'s divisions may stand for KOT's on `now`: they were
/// read on `now`'s JST date and name every division `employees` are in.
fn divisions_fresh(
    cache: &DirectorySnapshot,
    employees: &[Employee],
    now: &DateTime<FixedOffset>,
) -> bool {
    let read_at = cache.divisions_read_at.unwrap_or(cache.read_at);
    if read_at.with_timezone(&jst()).date_naive() != now.with_timezone(&jst()).date_naive() {
        return false;
    }
    let known: std::collections::HashSet<&str> =
        cache.divisions.iter().map(|d| d.code.as_str()).collect();
    employees
        .iter()
        .filter_map(|e| e.division_code.as_ref())
        .all(|code| known.contains(code.as_str()))
}

/// The dates KOT's punches are read for: the source's work dates and every
/// resolved punch's date. `None` when there is no punch to check.
fn run_range(work_dates: Option<(NaiveDate, NaiveDate)>, resolved: &[Punch]) -> Option<DateRange> {
    let first = resolved.iter().map(|p| p.work_date).min()?;
    let last = resolved.iter().map(|p| p.work_date).max()?;
    let (first, last) = match work_dates {
        Some((a, b)) => (first.min(a).min(b), last.max(a).max(b)),
        None => (first, last),
    };
    DateRange::new(first, last).ok()
}

fn punch_row(punch: &Punch, reason: FailureReason) -> FailureRow {
    FailureRow {
        employee: Some(punch.employee.clone()),
        kind: Some(punch.kind),
        at: Some(punch.at),
        reason,
        source: Some(punch.source.clone()),
    }
}

fn unresolved_row(unresolved: &Unresolved) -> FailureRow {
    let punch = &unresolved.punch;
    let reason = match &unresolved.error {
        ResolveError::UnknownCode { code } => FailureReason::UnmatchedEmployee {
            external_id: code.as_str().to_owned(),
        },
        ResolveError::Resigned {
            code, resigned_on, ..
        } => FailureReason::ResignedEmployee {
            employee: code.clone(),
            resigned_on: Some(*resigned_on),
        },
        other => FailureReason::Conflict {
            detail: other.to_string(),
        },
    };
    punch_row(punch, reason)
}

/// The row and counts of a punch that was not posted by this run.
fn plan_row(
    item: &PlannedPunch,
    band: Option<DateTime<FixedOffset>>,
    counts: &mut SyncCounts,
) -> Option<FailureRow> {
    let punch = &item.punch;
    let hhmm = |at: &DateTime<FixedOffset>| at.with_timezone(&jst()).format("%H:%M").to_string();
    let reason = match &item.decision {
        Decision::Post => return None,
        Decision::AlreadyPosted { .. } => {
            counts.already_punched += 1;
            return None;
        }
        Decision::Duplicate { .. } => {
            counts.ignored += 1;
            return None;
        }
        Decision::AlreadyInKot { .. } => {
            counts.already_punched += 1;
            FailureReason::AlreadyPunched {
                employee: punch.employee.clone(),
                kind: punch.kind,
            }
        }
        Decision::Conflict { existing } => {
            counts.failed += 1;
            let times: Vec<String> = existing.iter().map(hhmm).collect();
            FailureReason::Conflict {
                detail: format!(
                    "従業員コード:{} の{}は既に別の時刻 ({}) で打刻済みのため、{} は送信しません",
                    punch.employee,
                    punch.kind,
                    times.join(", "),
                    hhmm(&punch.at)
                ),
            }
        }
        Decision::OutcomeUnknown => {
            counts.failed += 1;
            match band {
                Some(reopens_at) => FailureReason::TimeBand { reopens_at },
                None => FailureReason::ApiError {
                    message: item.message_ja().unwrap_or_default(),
                },
            }
        }
        Decision::Unresolved => {
            counts.unmatched += 1;
            FailureReason::UnmatchedEmployee {
                external_id: punch.employee.as_str().to_owned(),
            }
        }
    };
    Some(punch_row(punch, reason))
}
