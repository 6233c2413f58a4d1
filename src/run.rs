//! Running a connector through the engine, and what a run leaves behind.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use kot_connect_core::adapters::kot::KotApiGateway;
use kot_connect_core::engine::{Notify, NotifyOutcome, Progress};
use kot_connect_core::plan::Plan;
use kot_connect_core::report::{FailureRow, SyncLog, SyncStatus};
use kot_connect_core::{DirectorySnapshot, Engine, FileLedger, Ledger, Planner, RunMode, SyncRun};

use crate::output::save_failure_csv;
use crate::{Error, Services};

/// The ledger's file name in the state directory.
pub const LEDGER_FILE: &str = "ledger.json";

/// How a command runs: for real or as a dry run, and where progress goes.
#[derive(Clone)]
pub struct RunOptions {
    /// Plan only: nothing is posted and no state changes.
    pub dry_run: bool,
    /// The progress display.
    pub progress: Arc<dyn Progress>,
}

impl std::fmt::Debug for RunOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunOptions")
            .field("dry_run", &self.dry_run)
            .finish_non_exhaustive()
    }
}

impl RunOptions {
    /// A real run with no progress display.
    pub fn post() -> Self {
        Self {
            dry_run: false,
            progress: Arc::new(kot_connect_core::engine::SilentProgress),
        }
    }

    /// A dry run with no progress display.
    pub fn dry_run() -> Self {
        Self {
            dry_run: true,
            ..Self::post()
        }
    }

    /// The engine's mode.
    pub fn mode(&self) -> RunMode {
        if self.dry_run {
            RunMode::DryRun
        } else {
            RunMode::Post
        }
    }
}

/// The engine for `services`: KOT through kot-api, the durable ledger and
/// the state store in the state directory, the shared clock, the
/// configured concurrency and notifications.
///
/// # Errors
/// A client cannot be built, the state directory or the ledger cannot be
/// opened (a corrupt ledger is refused, never emptied).
pub fn engine(
    services: &Services,
    planner: Planner,
    options: &RunOptions,
) -> Result<Engine, Error> {
    let state = services.state_store()?;
    let ledger = open_ledger(services.state_dir())?;
    let clock = services.clock();
    let mut builder = Engine::builder(Arc::new(KotApiGateway::new(services.kot()?)), ledger)
        .now(Arc::new(move || clock.now()))
        .state(Arc::new(state))
        .planner(planner)
        .concurrency(services.config().kot.concurrency)
        .progress(options.progress.clone());
    if let Some(notifier) = services.notifier()? {
        builder = builder.notifier(Arc::new(notifier) as Arc<dyn Notify>);
    }
    builder.build().map_err(|e| Error::Config(e.to_string()))
}

/// The durable ledger kept in the state directory `dir`.
///
/// # Errors
/// The ledger cannot be opened (a corrupt ledger is refused, never emptied).
pub fn open_ledger(dir: &Path) -> Result<Arc<dyn Ledger>, Error> {
    let ledger = FileLedger::open(dir.join(LEDGER_FILE)).map_err(Error::state)?;
    Ok(Arc::new(ledger))
}

/// KOT's employees and divisions for a command that needs only them (link
/// exports and imports, the person sync, the cyzen user list): the cached
/// copy inside a time band; a dry run writes no cache.
///
/// # Errors
/// As [`engine`]; KOT cannot be read and nothing is cached.
pub async fn directory(
    services: &Services,
    options: &RunOptions,
) -> Result<DirectorySnapshot, Error> {
    engine(services, Planner::default(), options)?
        .directory_snapshot(options.mode())
        .await
        .map_err(|e| Error::service("kot", e))
}

/// What a command did, ready to show: the 連携ログ line, every failure,
/// the plan (for a dry run) and where the failure CSV was written.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The sync log.
    pub log: SyncLog,
    /// Every record that did not go through.
    pub failures: Vec<FailureRow>,
    /// The plan, for punch runs.
    pub plan: Option<Plan>,
    /// Whether it was a dry run.
    pub dry_run: bool,
    /// How many punches were posted.
    pub posted: usize,
    /// Whether KOT's punches were read to plan (false inside a time band:
    /// the plan then rested on the ledger alone).
    pub kot_checked: bool,
    /// The failure CSV, when there were failures.
    pub failure_csv: Option<PathBuf>,
    /// How notifications went: `(channel, error)` for each that failed.
    pub notify_errors: Vec<(String, String)>,
}

impl Outcome {
    /// An outcome of an engine run; the failure CSV is written to the
    /// report directory when a real run had failures.
    ///
    /// # Errors
    /// The CSV cannot be written.
    pub fn from_run(services: &Services, run: SyncRun) -> Result<Self, Error> {
        let dry_run = run.mode == RunMode::DryRun;
        let mut outcome = Self::of_log(services, run.log, run.failures, dry_run, run.notified)?;
        outcome.plan = Some(run.plan);
        outcome.posted = run.posted.len();
        outcome.kot_checked = run.kot_checked;
        Ok(outcome)
    }

    /// An outcome of a job that is not a punch run (the person sync): its
    /// log and failures; the failure CSV is written when a real run had
    /// failures, named after the connector and the job.
    ///
    /// # Errors
    /// The CSV cannot be written.
    pub fn of_log(
        services: &Services,
        log: SyncLog,
        failures: Vec<FailureRow>,
        dry_run: bool,
        notified: Option<NotifyOutcome>,
    ) -> Result<Self, Error> {
        let failure_csv = if dry_run {
            None
        } else {
            save_failure_csv(
                &services.report_dir(),
                &format!("{}-{}", log.connector, log.job.label_en()),
                log.finished_at,
                &failures,
            )?
        };
        let notify_errors = notified
            .map(|n| {
                n.channels
                    .into_iter()
                    .filter_map(|(channel, result)| result.err().map(|e| (channel, e)))
                    .collect()
            })
            .unwrap_or_default();
        Ok(Self {
            log,
            failures,
            plan: None,
            dry_run,
            posted: 0,
            kot_checked: false,
            failure_csv,
            notify_errors,
        })
    }

    /// `true` when the run is SUCCESS.
    pub fn is_success(&self) -> bool {
        self.log.status == SyncStatus::Success
    }
}
