//! What the engine needs from the world, as traits.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use kot_api::DateRange;
use kot_api::models::{DailyTimeRecords, Division, Employee};

use crate::directory::Directory;
use crate::punch::{Punch, SourceSystem};
use crate::report::{FailureRow, SyncJob};
use crate::rules::Ignored;

/// The current instant. The engine never reads the machine's clock: pass
/// a closure (`|| Utc::now()` in production, a test's or sandbox's clock
/// otherwise).
pub trait Now: Send + Sync {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

impl<F> Now for F
where
    F: Fn() -> DateTime<Utc> + Send + Sync,
{
    fn now(&self) -> DateTime<Utc> {
        self()
    }
}

/// Why a KOT read failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GatewayError {
    /// Refused in KOT's API time band (locally or by KOT's 403/104); it
    /// reopens at `reopens_at`.
    #[error("KOT refuses this call until {reopens_at} (API time band)")]
    TimeBand {
        /// When the band ends (JST).
        reopens_at: DateTime<FixedOffset>,
    },
    /// KOT said the client is over its rate, after the client's retries.
    #[error("KOT rate limit: {message}")]
    RateLimited {
        /// What KOT or the client said.
        message: String,
    },
    /// Any other failure: the call failed or the answer was unusable.
    #[error("KOT call failed: {message}")]
    Failed {
        /// The client's error text (never a secret).
        message: String,
    },
}

/// Why a punch registration failed. The difference matters: a punch KOT
/// refused may be fixed and sent again; a punch whose outcome is unknown
/// may already be in KOT and must be checked against KOT's records before
/// it is ever sent again (KOT has no idempotency key).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PostError {
    /// KOT answered with an error: the punch was not recorded.
    #[error("KOT refused the punch: {message}")]
    Rejected {
        /// KOT's message.
        message: String,
    },
    /// The request may or may not have been recorded (timeout, connection
    /// lost after sending, a 5xx answer).
    #[error("the punch's outcome is unknown: {message}")]
    Unknown {
        /// What happened.
        message: String,
    },
}

/// KING OF TIME, as the engine needs it. `kot_connect_core::adapters::kot`
/// (feature `kot`) implements it for `kot_api::Client`.
#[async_trait]
pub trait KotGateway: Send + Sync {
    /// Every employee, resigned ones included (one `GET /employees`).
    ///
    /// # Errors
    /// [`GatewayError`].
    async fn employees(&self) -> Result<Vec<Employee>, GatewayError>;

    /// Every division, for their day borders (one `GET /divisions`).
    ///
    /// # Errors
    /// [`GatewayError`].
    async fn divisions(&self) -> Result<Vec<Division>, GatewayError>;

    /// Every employee's punches over `range` (`GET
    /// /daily-workings/timerecord`, one call per 62 days, no per-employee
    /// calls).
    ///
    /// # Errors
    /// [`GatewayError`].
    async fn time_records(&self, range: DateRange) -> Result<Vec<DailyTimeRecords>, GatewayError>;

    /// Registers one punch (`POST /daily-workings/timerecord/{employeeKey}`),
    /// exactly once: never retried by the gateway. Returns the punch time
    /// KOT recorded (what the ledger keeps as `kot_time`).
    ///
    /// # Errors
    /// [`PostError`]: rejected, or outcome unknown.
    async fn post_punch(&self, punch: &Punch) -> Result<DateTime<FixedOffset>, PostError>;
}

/// Why a source could not deliver its records.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{system}: {message}")]
pub struct SourceError {
    /// The source system (`senselink`, `cyzen`, ...).
    pub system: String,
    /// What went wrong (never a secret).
    pub message: String,
}

impl SourceError {
    /// An error of `system`.
    pub fn new(system: impl Into<String>, message: impl fmt::Display) -> Self {
        Self {
            system: system.into(),
            message: message.to_string(),
        }
    }
}

/// What a source hands the engine for one run.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Collected {
    /// The punches its rule made, by employee code (keys not yet resolved),
    /// apart from those handed over early ([`SourceContext::early`]).
    pub punches: Vec<Punch>,
    /// Records its rule did not turn into punches, with why.
    pub ignored: Vec<Ignored>,
    /// Records that matched no employee (or more than one): report rows.
    pub failures: Vec<FailureRow>,
    /// The work dates the run covers (first, last): KOT's punches are read
    /// for exactly these. `None` when nothing was collected.
    pub work_dates: Option<(NaiveDate, NaiveDate)>,
    /// How many source records were fetched.
    pub fetched: usize,
}

impl Collected {
    /// An empty collection.
    pub fn new() -> Self {
        Self::default()
    }
}

/// Where a source hands over punches that are final before it has read
/// everything, so that the engine posts them while the source reads on
/// (see [`SourceContext::early`]). Cheap to clone.
#[derive(Debug, Clone)]
pub struct EarlyPunches {
    sender: futures_channel::mpsc::UnboundedSender<Vec<Punch>>,
}

impl EarlyPunches {
    /// A handle and the engine's end of it.
    pub(crate) fn channel() -> (Self, futures_channel::mpsc::UnboundedReceiver<Vec<Punch>>) {
        let (sender, receiver) = futures_channel::mpsc::unbounded();
        (Self { sender }, receiver)
    }

    /// Hands `punches` to the engine: from now on they are the engine's,
    /// planned and posted as if [`Collected::punches`] held them. Only
    /// punches whose work dates lie within [`Source::dates_ahead`] may be
    /// handed over, and only punches no later record can change (a rule
    /// that maps each record on its own, like cyzen's, qualifies; a
    /// first/last rule does not until its day is complete).
    ///
    /// # Errors
    /// The punches back, when the engine no longer takes any (the run has
    /// stopped): keep them in [`Collected::punches`].
    pub fn send(&self, punches: Vec<Punch>) -> Result<(), Vec<Punch>> {
        if punches.is_empty() {
            return Ok(());
        }
        self.sender
            .unbounded_send(punches)
            .map_err(futures_channel::mpsc::TrySendError::into_inner)
    }

    /// Ends the hand-over (the engine stops waiting).
    pub(crate) fn close(&self) {
        self.sender.close_channel();
    }
}

/// What a source may use while collecting.
#[non_exhaustive]
pub struct SourceContext<'a> {
    /// The run's current instant.
    pub now: DateTime<Utc>,
    /// KOT's employees (day borders, codes).
    pub directory: &'a Directory,
    /// Where progress goes.
    pub progress: &'a dyn Progress,
    /// State kept between runs (watermarks, link tables).
    pub state: &'a dyn StateStore,
    /// Whether this is a dry run: a source must not change its state either.
    pub dry_run: bool,
    /// Where punches go that are final before collecting ends; `None` when
    /// the engine does not take any early (see [`SourceContext::early`]).
    early: Option<EarlyPunches>,
}

impl<'a> SourceContext<'a> {
    /// A context.
    pub fn new(
        now: DateTime<Utc>,
        directory: &'a Directory,
        progress: &'a dyn Progress,
        state: &'a dyn StateStore,
        dry_run: bool,
    ) -> Self {
        Self {
            now,
            directory,
            progress,
            state,
            dry_run,
            early: None,
        }
    }

    /// The same context, taking punches early through `early`.
    pub(crate) fn with_early(mut self, early: EarlyPunches) -> Self {
        self.early = Some(early);
        self
    }

    /// Where to hand over punches before collecting ends, when the engine
    /// takes them: only on a run that posts, for a source that said its
    /// work dates ahead ([`Source::dates_ahead`]), after KOT's punches of
    /// those dates were read. `None` otherwise: every punch then goes into
    /// [`Collected::punches`].
    pub fn early(&self) -> Option<&EarlyPunches> {
        self.early.as_ref()
    }
}

impl fmt::Debug for SourceContext<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SourceContext")
            .field("now", &self.now)
            .field("employees", &self.directory.len())
            .field("dry_run", &self.dry_run)
            .finish_non_exhaustive()
    }
}

/// One connector's records, turned into punches by its rule.
#[async_trait]
pub trait Source: Send + Sync {
    /// The connector's name in the sync log (コネクト名), e.g.
    /// `SenseThunder連携`.
    fn connector(&self) -> &str;

    /// The job (勤怠連携 for every punch source).
    fn job(&self) -> SyncJob {
        SyncJob::Attendance
    }

    /// The system whose records this source turns into punches (their
    /// [`SourceRef::system`](crate::SourceRef)), so that each run also
    /// takes up the ledger's unsettled entries of that system: punches
    /// a killed run left in flight, or KOT refused, whose work date no
    /// later run covers (see [`Engine`](super::Engine), "Resume"). The
    /// adapters of this crate say theirs. `None` (the default): no
    /// resumption, only what [`Source::collect`] delivers is planned.
    fn system(&self) -> Option<SourceSystem> {
        None
    }

    /// The work dates (first, last) every punch of this run will fall in,
    /// when the source knows them before reading its records (e.g. from
    /// its fetch window). With them the engine reads KOT's punches of these
    /// dates first and offers [`SourceContext::early`], so that posting
    /// overlaps reading. `None` (the default): read everything, then post.
    ///
    /// # Errors
    /// [`SourceError`] when the source's state cannot be read.
    fn dates_ahead(
        &self,
        ctx: &SourceContext<'_>,
    ) -> Result<Option<(NaiveDate, NaiveDate)>, SourceError> {
        let _ = ctx;
        Ok(None)
    }

    /// Fetches the records, matches them to employee codes and applies the
    /// rule.
    ///
    /// # Errors
    /// [`SourceError`] when the source cannot be read at all; records it
    /// could read but not use are [`Collected::failures`], never an error.
    async fn collect(&self, ctx: &SourceContext<'_>) -> Result<Collected, SourceError>;

    /// Called after the run's punches were posted (never on a dry run):
    /// the place to advance a watermark. `settled` is false when some
    /// punch of this run is still pending or failed, so that the next run
    /// fetches the same records again (the plan keeps them from doubling).
    ///
    /// # Errors
    /// [`SourceError`] when the state cannot be saved.
    async fn finish(&self, ctx: &SourceContext<'_>, settled: bool) -> Result<(), SourceError> {
        let _ = (ctx, settled);
        Ok(())
    }
}

/// A stage of a run, for progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Stage {
    /// Reading KOT's employees and divisions.
    Directory,
    /// Fetching source records (a count of records or pages).
    Fetch,
    /// Reading KOT's existing punches.
    KotRecords,
    /// Posting punches (a count of punches).
    Post,
    /// Sending notifications.
    Notify,
}

/// Where a run reports its progress (a progress bar, a log, nothing).
pub trait Progress: Send + Sync {
    /// A stage begins; `total` when its size is known.
    fn begin(&self, stage: Stage, total: Option<u64>);
    /// `n` more units of the current stage are done.
    fn advance(&self, stage: Stage, n: u64);
    /// The stage is over.
    fn end(&self, stage: Stage);
}

/// Progress that goes nowhere.
#[derive(Debug, Clone, Copy, Default)]
pub struct SilentProgress;

impl Progress for SilentProgress {
    fn begin(&self, _: Stage, _: Option<u64>) {}
    fn advance(&self, _: Stage, _: u64) {}
    fn end(&self, _: Stage) {}
}

impl<P: Progress + ?Sized> Progress for Arc<P> {
    fn begin(&self, stage: Stage, total: Option<u64>) {
        (**self).begin(stage, total);
    }
    fn advance(&self, stage: Stage, n: u64) {
        (**self).advance(stage, n);
    }
    fn end(&self, stage: Stage) {
        (**self).end(stage);
    }
}

/// A state store failed.
#[derive(Debug, thiserror::Error)]
#[error("state `{name}`: {message}")]
pub struct StateError {
    /// The entry's name.
    pub name: String,
    /// What went wrong.
    pub message: String,
}

impl StateError {
    /// An error about the entry `name`.
    pub fn new(name: impl Into<String>, message: impl fmt::Display) -> Self {
        Self {
            name: name.into(),
            message: message.to_string(),
        }
    }
}

/// Named blobs that survive between runs (a directory on disk, memory in
/// tests): the cached employee list for runs inside a time band, a
/// source's watermark, link tables.
pub trait StateStore: Send + Sync {
    /// The blob called `name`, if stored.
    ///
    /// # Errors
    /// [`StateError`] when it exists but cannot be read.
    fn load(&self, name: &str) -> Result<Option<Vec<u8>>, StateError>;

    /// Stores `bytes` as `name`, atomically (all or nothing).
    ///
    /// # Errors
    /// [`StateError`] when it cannot be written.
    fn store(&self, name: &str, bytes: &[u8]) -> Result<(), StateError>;
}

/// How notifications went: one line per channel.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NotifyOutcome {
    /// `(channel, Ok(()) or the error text)`, in sending order.
    pub channels: Vec<(String, Result<(), String>)>,
}

/// Where a run's result is sent (chat tools, e-mail).
/// `kot_connect_core::adapters::notify` (feature `notify`) implements it
/// for `kot_connect_notify::Notifier`.
#[async_trait]
pub trait Notify: Send + Sync {
    /// Sends the run's result; failures are reported, never raised.
    async fn notify(&self, log: &crate::report::SyncLog, failures: &[FailureRow]) -> NotifyOutcome;
}
