//! Running a connector through the engine, and what a run leaves behind.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use kot_connect_core::adapters::kot::KotApiGateway;
use kot_connect_core::engine::{Notify, NotifyOutcome, Progress};
use kot_connect_core::plan::Plan;
use kot_connect_core::report::{FailureRow, SyncLog, SyncStatus};
use kot_connect_core::{
    DirectorySnapshot, Engine, FileLedger, Ledger, MemoryLedger, Planner, RunMode, SqliteLedger,
    SyncRun,
};

use crate::output::save_failure_csv;
use crate::{Error, Services};

/// The ledger's file name in the state directory (a [`SqliteLedger`]).
pub const LEDGER_FILE: &str = "ledger.sqlite3";

/// The ledger file of earlier versions (a [`FileLedger`]): imported into
/// [`LEDGER_FILE`] by the first real run, then renamed
/// [`IMPORTED_LEDGER_FILE`].
pub const LEGACY_LEDGER_FILE: &str = "ledger.json";

/// What [`LEGACY_LEDGER_FILE`] is renamed to once imported (kept, not
/// deleted, in case it is wanted again).
pub const IMPORTED_LEDGER_FILE: &str = "ledger.json.imported";

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
    let ledger = open_ledger(services.state_dir(), options.mode())?;
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

/// The durable ledger kept in the state directory `dir`: a
/// [`SqliteLedger`] in [`LEDGER_FILE`].
///
/// A [`LEGACY_LEDGER_FILE`] left by an earlier version is imported on the
/// first real run: its entries go into the SQLite ledger in one
/// transaction (records the SQLite ledger already has keep their entry),
/// then it is renamed [`IMPORTED_LEDGER_FILE`]. If the program stops in
/// between, the next run imports it again, adding nothing twice.
///
/// A dry run writes nothing, the ledger included: without a SQLite ledger
/// yet, it reads the legacy file if there is one (else an empty ledger).
///
/// # Errors
/// The ledger cannot be opened (a corrupt ledger is refused, never
/// emptied), or the legacy ledger cannot be read, imported or renamed.
pub fn open_ledger(dir: &Path, mode: RunMode) -> Result<Arc<dyn Ledger>, Error> {
    let path = dir.join(LEDGER_FILE);
    let legacy = dir.join(LEGACY_LEDGER_FILE);
    let exists = |path: &Path| {
        path.try_exists()
            .map_err(|e| Error::state(format!("cannot read {}: {e}", path.display())))
    };
    if mode == RunMode::DryRun {
        // A dry run plans against a copy in memory: no connection stays
        // open, so not even SQLite's -wal/-shm files appear beside the
        // ledger, and nothing is created or migrated.
        let entries = if exists(&path)? {
            SqliteLedger::open(&path).and_then(|l| l.entries())
        } else if exists(&legacy)? {
            FileLedger::open(&legacy).and_then(|l| l.entries())
        } else {
            Ok(Vec::new())
        };
        let entries = entries.map_err(Error::state)?;
        return Ok(Arc::new(MemoryLedger::from_entries(entries)));
    }
    let ledger = SqliteLedger::open(&path).map_err(Error::state)?;
    if mode == RunMode::Post && exists(&legacy)? {
        let old = FileLedger::open(&legacy).map_err(Error::state)?;
        ledger
            .import(old.entries().map_err(Error::state)?)
            .map_err(Error::state)?;
        drop(old);
        let imported = dir.join(IMPORTED_LEDGER_FILE);
        std::fs::rename(&legacy, &imported).map_err(|e| {
            Error::state(format!(
                "imported {} into {}, but cannot rename it to {}: {e}",
                legacy.display(),
                path.display(),
                imported.display()
            ))
        })?;
    }
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use chrono::{NaiveDate, TimeZone};
    use kot_connect_core::time::jst;
    use kot_connect_core::{LedgerEntry, Punch, PunchKind, SourceRef, SourceSystem};

    fn punch(id: &str) -> Punch {
        Punch {
            employee: "0001".into(),
            key: Some("k0001".into()),
            kind: PunchKind::ClockIn,
            at: jst().with_ymd_and_hms(2026, 4, 1, 9, 0, 0).unwrap(),
            work_date: NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
            source: SourceRef::new(SourceSystem::SenseLink, id),
            location: None,
        }
    }

    fn files(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// A legacy ledger with one entry in each state.
    fn legacy(dir: &Path) -> Vec<LedgerEntry> {
        let at = jst().with_ymd_and_hms(2026, 4, 1, 9, 0, 5).unwrap();
        let old = FileLedger::open(dir.join(LEGACY_LEDGER_FILE)).unwrap();
        old.record_pending(&punch("pending")).unwrap();
        old.begin_post(&punch("in-flight"), at).unwrap();
        old.begin_post(&punch("posted"), at).unwrap();
        old.mark_posted(&punch("posted").source, at).unwrap();
        old.entries().unwrap()
    }

    #[test]
    fn a_legacy_ledger_is_imported_once_then_renamed() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let entries = legacy(dir);
        let legacy_bytes = std::fs::read(dir.join(LEGACY_LEDGER_FILE)).unwrap();

        let ledger = open_ledger(dir, RunMode::Post).unwrap();
        assert_eq!(ledger.entries().unwrap(), entries);
        drop(ledger);
        assert!(files(dir).contains(&LEDGER_FILE.to_owned()));
        assert!(files(dir).contains(&IMPORTED_LEDGER_FILE.to_owned()));
        assert!(!files(dir).contains(&LEGACY_LEDGER_FILE.to_owned()));
        // Renamed, not rewritten.
        assert_eq!(
            std::fs::read(dir.join(IMPORTED_LEDGER_FILE)).unwrap(),
            legacy_bytes
        );

        // The SQLite ledger is the ledger from now on.
        let ledger = open_ledger(dir, RunMode::Post).unwrap();
        ledger.forget(&punch("pending").source).unwrap();
        drop(ledger);
        let ledger = open_ledger(dir, RunMode::Post).unwrap();
        assert_eq!(ledger.entries().unwrap().len(), 2);
    }

    #[test]
    fn an_interrupted_import_is_finished_without_replacing_newer_entries() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let entries = legacy(dir);
        // The program stopped after the import's commit, before the rename,
        // and a later run changed an imported entry.
        let sqlite = SqliteLedger::open(dir.join(LEDGER_FILE)).unwrap();
        sqlite.import(entries.clone()).unwrap();
        let at = jst().with_ymd_and_hms(2026, 4, 1, 9, 1, 0).unwrap();
        sqlite.mark_posted(&punch("in-flight").source, at).unwrap();
        drop(sqlite);

        let ledger = open_ledger(dir, RunMode::Post).unwrap();
        let got = ledger.entries().unwrap();
        assert_eq!(got.len(), 3);
        let in_flight = got
            .iter()
            .find(|e| e.source().record_id == "in-flight")
            .unwrap();
        assert_eq!(in_flight.state.name(), "posted");
        assert!(!dir.join(LEGACY_LEDGER_FILE).exists());
    }

    #[test]
    fn a_dry_run_writes_no_ledger_and_imports_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let ledger = open_ledger(dir, RunMode::DryRun).unwrap();
        assert!(ledger.entries().unwrap().is_empty());
        drop(ledger);
        assert!(files(dir).is_empty(), "{:?}", files(dir));

        let entries = legacy(dir);
        let ledger = open_ledger(dir, RunMode::DryRun).unwrap();
        assert_eq!(ledger.entries().unwrap(), entries);
        drop(ledger);
        assert_eq!(files(dir), [LEGACY_LEDGER_FILE]);
    }

    #[test]
    fn a_corrupt_ledger_of_either_kind_stops_the_run_and_is_left_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::write(dir.join(LEGACY_LEDGER_FILE), b"not a ledger\n").unwrap();
        let err = open_ledger(dir, RunMode::Post).err().unwrap();
        assert!(err.to_string().contains(LEGACY_LEDGER_FILE), "{err}");
        assert_eq!(
            std::fs::read(dir.join(LEGACY_LEDGER_FILE)).unwrap(),
            b"not a ledger\n"
        );

        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::write(dir.join(LEDGER_FILE), b"not a database either").unwrap();
        for mode in [RunMode::Post, RunMode::DryRun] {
            let err = open_ledger(dir, mode).err().unwrap();
            assert!(err.to_string().contains("corrupt"), "{err}");
        }
    }
}
