//! A [`Ledger`] in a SQLite database (feature `sqlite`).

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior, params};

use super::ops::{self, Map};
use super::{Ledger, LedgerEntry, LedgerError, LedgerState};
use crate::punch::{Punch, SourceRef};

/// The schema's version, kept in the database's `user_version`. A file of
/// a newer version is refused (an older program must not write a schema it
/// does not know).
pub const SCHEMA_VERSION: i64 = 1;

/// The database's `application_id` (`KOTC`): a SQLite file without it is
/// not a kot-connect ledger.
const APPLICATION_ID: i32 = 0x4B4F_5443;

/// The default wait for another connection's write lock.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

const SCHEMA: &str = "
CREATE TABLE ledger_entries (
    system     TEXT    NOT NULL,
    record_id  TEXT    NOT NULL,
    employee   TEXT    NOT NULL,
    work_date  TEXT    NOT NULL,
    punch      TEXT    NOT NULL,
    state      TEXT    NOT NULL,
    attempts   INTEGER NOT NULL CHECK (attempts >= 0),
    last_error TEXT,
    since      TEXT,
    kot_time   TEXT,
    PRIMARY KEY (system, record_id),
    CHECK (
        (state = 'pending' AND since IS NULL AND kot_time IS NULL)
        OR (state = 'in_flight' AND since IS NOT NULL AND kot_time IS NULL AND last_error IS NULL)
        OR (state = 'posted' AND kot_time IS NOT NULL AND since IS NULL AND last_error IS NULL)
    )
) WITHOUT ROWID;
CREATE INDEX ledger_entries_unsettled ON ledger_entries (system, work_date)
    WHERE state <> 'posted';
";

const COLUMNS: &str = "punch, state, attempts, last_error, since, kot_time";

/// When SQLite waits for the disk (`PRAGMA synchronous`, in WAL mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Synchronous {
    /// `FULL`: every commit is flushed to disk (`fsync` of the WAL) before
    /// the call returns. A change the ledger acknowledged survives a power
    /// loss or an OS crash. One flush per transition.
    #[default]
    Full,
    /// `NORMAL`: commits reach the operating system at once but the disk
    /// only at checkpoints. An acknowledged change survives the process
    /// being killed, not a power loss or an OS crash (the last changes may
    /// then be lost, the file stays consistent). Much cheaper per
    /// transition; right where a lost `begin_post` is tolerable (the
    /// planner then treats the punch as never sent and may post it again).
    Normal,
}

impl Synchronous {
    fn pragma(self) -> &'static str {
        match self {
            Synchronous::Full => "FULL",
            Synchronous::Normal => "NORMAL",
        }
    }
}

/// How [`SqliteLedger::open_with`] opens the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SqliteOptions {
    /// Durability of each commit (default [`Synchronous::Full`]).
    pub synchronous: Synchronous,
    /// How long a transition waits for another connection's write lock
    /// before failing (default [`DEFAULT_BUSY_TIMEOUT`]).
    pub busy_timeout: Duration,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        Self {
            synchronous: Synchronous::Full,
            busy_timeout: DEFAULT_BUSY_TIMEOUT,
        }
    }
}

impl SqliteOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// With `synchronous`.
    pub fn synchronous(mut self, synchronous: Synchronous) -> Self {
        self.synchronous = synchronous;
        self
    }

    /// With `busy_timeout`.
    pub fn busy_timeout(mut self, busy_timeout: Duration) -> Self {
        self.busy_timeout = busy_timeout;
        self
    }
}

/// A [`Ledger`] in one SQLite database file: the durable ledger.
///
/// - One row per record, keyed by its [`SourceRef`] (`system`,
///   `record_id`); the punch is kept as JSON beside its employee and work
///   date, the state as columns (`state`, `attempts`, `last_error`,
///   `since`, `kot_time`) constrained to valid combinations.
/// - Every transition is one `BEGIN IMMEDIATE` transaction (read the row,
///   apply the same rules as [`MemoryLedger`](super::MemoryLedger), write
///   it, commit), so several threads, several `SqliteLedger`s and several
///   processes may share the file: each sees the others' committed
///   changes, and two transitions of one record never interleave. A
///   transition waits up to the busy timeout for another writer.
/// - WAL journal mode; durability per commit is [`Synchronous`] (default
///   `FULL`: a committed `begin_post` survives a power loss).
/// - [`SqliteLedger::open`] creates the file and its schema (its
///   `user_version` is [`SCHEMA_VERSION`]). An existing file that is not a
///   ledger (not SQLite, another program's database, empty) or a ledger of
///   a newer schema is refused with [`LedgerError::Corrupt`], never
///   treated as an empty ledger (which would post everything again).
///
/// ```no_run
/// use kot_connect_core::ledger::{Ledger, SqliteLedger};
///
/// # fn main() -> Result<(), kot_connect_core::LedgerError> {
/// let ledger = SqliteLedger::open("state/ledger.sqlite3")?;
/// for entry in ledger.unsettled()? {
///     println!("{} is {}", entry.source(), entry.state);
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct SqliteLedger {
    path: PathBuf,
    conn: Mutex<Connection>,
}

/// A SQLite call that failed, with what was being done.
#[derive(Debug, thiserror::Error)]
#[error("cannot {action} the SQLite ledger {}", path.display())]
struct SqliteFailure {
    action: &'static str,
    path: PathBuf,
    #[source]
    source: rusqlite::Error,
}

impl SqliteLedger {
    /// Opens (creating it and its directory's missing file) the ledger at
    /// `path` with the default [`SqliteOptions`]. The directory must exist.
    ///
    /// # Errors
    /// [`LedgerError::Corrupt`] when the file exists and is not a ledger,
    /// or is one of a newer schema; [`LedgerError::Storage`] when it cannot
    /// be opened or created.
    pub fn open(path: impl Into<PathBuf>) -> Result<Self, LedgerError> {
        Self::open_with(path, SqliteOptions::default())
    }

    /// Opens the ledger at `path` with `options`; see [`SqliteLedger::open`].
    ///
    /// # Errors
    /// As [`SqliteLedger::open`].
    pub fn open_with(
        path: impl Into<PathBuf>,
        options: SqliteOptions,
    ) -> Result<Self, LedgerError> {
        let path = path.into();
        let corrupt = |message: String| LedgerError::Corrupt {
            path: path.clone(),
            message,
        };
        match fs::metadata(&path) {
            Ok(meta) if !meta.is_file() => return Err(corrupt("not a file".into())),
            // SQLite would take an empty file for a new database; a ledger
            // is never empty once created, so this is another file (or one
            // destroyed), not a fresh start.
            Ok(meta) if meta.len() == 0 => return Err(corrupt("the file is empty".into())),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(LedgerError::Storage(Box::new(std::io::Error::new(
                    e.kind(),
                    format!("cannot read the SQLite ledger {}: {e}", path.display()),
                ))));
            }
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn =
            Connection::open_with_flags(&path, flags).map_err(|e| failure(&path, "open", e))?;
        conn.busy_timeout(options.busy_timeout)
            .map_err(|e| failure(&path, "configure", e))?;
        check_or_create(&mut conn, &path)?;
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0))
            .map_err(|e| failure(&path, "set WAL mode on", e))?;
        conn.pragma_update(None, "synchronous", options.synchronous.pragma())
            .map_err(|e| failure(&path, "configure", e))?;
        Ok(Self {
            path,
            conn: Mutex::new(conn),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Adds `entries` (e.g. a [`FileLedger`](super::FileLedger)'s, to move
    /// to SQLite) in one transaction: all or none. A record the ledger
    /// already has keeps its own entry (so an import interrupted after its
    /// commit can be run again). Returns how many entries were added.
    ///
    /// # Errors
    /// [`LedgerError::Storage`]; nothing is added then.
    pub fn import(
        &self,
        entries: impl IntoIterator<Item = LedgerEntry>,
    ) -> Result<usize, LedgerError> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.failure("begin a transaction on", e))?;
        let mut added = 0;
        for entry in entries {
            if load(&tx, &self.path, entry.source())?.is_none() {
                store(&tx, &self.path, &entry)?;
                added += 1;
            }
        }
        tx.commit().map_err(|e| self.failure("commit to", e))?;
        Ok(added)
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic inside a transaction drops it, which rolls it back: the
        // connection is usable.
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn failure(&self, action: &'static str, e: rusqlite::Error) -> LedgerError {
        failure(&self.path, action, e)
    }

    /// One transition of `record`, in one immediate transaction: the row is
    /// read, `change` applies the shared rules, the row is written back.
    fn change<T>(
        &self,
        record: &SourceRef,
        change: impl FnOnce(&mut Map) -> Result<T, LedgerError>,
    ) -> Result<T, LedgerError> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.failure("begin a transaction on", e))?;
        let before = load(&tx, &self.path, record)?;
        let mut map = Map::new();
        if let Some(entry) = &before {
            map.insert(record.clone(), entry.clone());
        }
        // An error drops the transaction: rolled back, nothing written.
        let out = change(&mut map)?;
        let after = map.remove(record);
        if after != before {
            match &after {
                Some(entry) => store(&tx, &self.path, entry)?,
                None => {
                    tx.execute(
                        "DELETE FROM ledger_entries WHERE system = ?1 AND record_id = ?2",
                        params![record.system.as_str(), record.record_id.as_str()],
                    )
                    .map_err(|e| self.failure("write to", e))?;
                }
            }
            tx.commit().map_err(|e| self.failure("commit to", e))?;
        }
        Ok(out)
    }

    fn select(&self, filter: &str) -> Result<Vec<LedgerEntry>, LedgerError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM ledger_entries {filter}"))
            .map_err(|e| self.failure("read", e))?;
        let rows = stmt
            .query_map([], raw_row)
            .map_err(|e| self.failure("read", e))?;
        let mut entries = Vec::new();
        for row in rows {
            let row = row.map_err(|e| self.failure("read", e))?;
            entries.push(decode(&self.path, row)?);
        }
        // The order of `SourceRef` (the memory ledger's), not SQL's.
        entries.sort_by(|a, b| a.source().cmp(b.source()));
        Ok(entries)
    }
}

fn failure(path: &Path, action: &'static str, source: rusqlite::Error) -> LedgerError {
    let corrupt = matches!(
        source.sqlite_error_code(),
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt)
    );
    if corrupt {
        LedgerError::Corrupt {
            path: path.to_owned(),
            message: source.to_string(),
        }
    } else {
        LedgerError::Storage(Box::new(SqliteFailure {
            action,
            path: path.to_owned(),
            source,
        }))
    }
}

/// Checks that `conn` is a ledger of this schema, or creates the schema in
/// a database that has nothing in it.
fn check_or_create(conn: &mut Connection, path: &Path) -> Result<(), LedgerError> {
    let corrupt = |message: String| LedgerError::Corrupt {
        path: path.to_owned(),
        message,
    };
    // Immediate, so that two programs creating the same new file do not
    // both create the schema: the second sees the first's.
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| failure(path, "read", e))?;
    let read = |tx: &rusqlite::Transaction<'_>| -> rusqlite::Result<(i32, i64, i64)> {
        let app: i32 = tx.pragma_query_value(None, "application_id", |r| r.get(0))?;
        let version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let objects: i64 = tx.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
        Ok((app, version, objects))
    };
    let (app, version, objects) = read(&tx).map_err(|e| failure(path, "read", e))?;
    match app {
        APPLICATION_ID => {}
        0 if objects == 0 && version == 0 => {
            tx.execute_batch(SCHEMA)
                .and_then(|()| tx.pragma_update(None, "application_id", APPLICATION_ID))
                .and_then(|()| tx.pragma_update(None, "user_version", SCHEMA_VERSION))
                .map_err(|e| failure(path, "create", e))?;
            tx.commit().map_err(|e| failure(path, "create", e))?;
            return Ok(());
        }
        0 => {
            return Err(corrupt(
                "a SQLite database of another program, not a kot-connect ledger".into(),
            ));
        }
        other => {
            return Err(corrupt(format!(
                "a SQLite database of another program (application_id {other:#x}), not a kot-connect ledger"
            )));
        }
    }
    if version > SCHEMA_VERSION {
        return Err(corrupt(format!(
            "written by a newer kot-connect (schema version {version}; this program reads version {SCHEMA_VERSION})"
        )));
    }
    if version != SCHEMA_VERSION {
        return Err(corrupt(format!("unknown schema version {version}")));
    }
    tx.prepare(&format!(
        "SELECT system, record_id, employee, work_date, {COLUMNS} FROM ledger_entries LIMIT 0"
    ))
    .map_err(|e| corrupt(format!("the ledger table is missing or damaged: {e}")))?;
    Ok(())
}

/// A row as stored: punch JSON, state, attempts, last error, since, KOT
/// time.
type RawRow = (
    String,
    String,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn raw_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
    ))
}

fn load(
    conn: &Connection,
    path: &Path,
    record: &SourceRef,
) -> Result<Option<LedgerEntry>, LedgerError> {
    let row = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM ledger_entries WHERE system = ?1 AND record_id = ?2"
        ))
        .and_then(|mut stmt| {
            stmt.query_row(
                params![record.system.as_str(), record.record_id.as_str()],
                raw_row,
            )
            .optional()
        })
        .map_err(|e| failure(path, "read", e))?;
    let Some(row) = row else {
        return Ok(None);
    };
    let entry = decode(path, row)?;
    if entry.source() != record {
        return Err(LedgerError::Corrupt {
            path: path.to_owned(),
            message: format!("the row of {record} holds the punch of {}", entry.source()),
        });
    }
    Ok(Some(entry))
}

fn decode(path: &Path, row: RawRow) -> Result<LedgerEntry, LedgerError> {
    let (punch, state, attempts, last_error, since, kot_time) = row;
    let corrupt = |message: String| LedgerError::Corrupt {
        path: path.to_owned(),
        message,
    };
    let punch: Punch =
        serde_json::from_str(&punch).map_err(|e| corrupt(format!("a punch: {e}")))?;
    let record = &punch.source;
    let time = |what: &str, text: Option<String>| -> Result<DateTime<FixedOffset>, LedgerError> {
        let text = text.ok_or_else(|| corrupt(format!("{record}: no {what}")))?;
        DateTime::parse_from_rfc3339(&text)
            .map_err(|e| corrupt(format!("{record}: {what} {text:?}: {e}")))
    };
    let attempts =
        u32::try_from(attempts).map_err(|_| corrupt(format!("{record}: attempts {attempts}")))?;
    let state = match state.as_str() {
        "pending" => LedgerState::Pending {
            attempts,
            last_error,
        },
        "in_flight" => LedgerState::InFlight {
            attempts,
            since: time("since", since)?,
        },
        "posted" => LedgerState::Posted {
            attempts,
            kot_time: time("kot_time", kot_time)?,
        },
        other => return Err(corrupt(format!("{record}: unknown state {other:?}"))),
    };
    Ok(LedgerEntry { punch, state })
}

fn store(conn: &Connection, path: &Path, entry: &LedgerEntry) -> Result<(), LedgerError> {
    let punch = &entry.punch;
    let json = serde_json::to_string(punch).map_err(|e| {
        LedgerError::Storage(Box::new(std::io::Error::other(format!(
            "cannot encode the punch of {}: {e}",
            punch.source
        ))))
    })?;
    let (attempts, last_error, since, kot_time) = match &entry.state {
        LedgerState::Pending {
            attempts,
            last_error,
        } => (*attempts, last_error.clone(), None, None),
        LedgerState::InFlight { attempts, since } => {
            (*attempts, None, Some(since.to_rfc3339()), None)
        }
        LedgerState::Posted { attempts, kot_time } => {
            (*attempts, None, None, Some(kot_time.to_rfc3339()))
        }
    };
    conn.prepare_cached(
        "INSERT INTO ledger_entries
             (system, record_id, employee, work_date, punch, state, attempts, last_error, since, kot_time)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (system, record_id) DO UPDATE SET
             employee = excluded.employee, work_date = excluded.work_date, punch = excluded.punch,
             state = excluded.state, attempts = excluded.attempts, last_error = excluded.last_error,
             since = excluded.since, kot_time = excluded.kot_time",
    )
    .and_then(|mut stmt| {
        stmt.execute(params![
            punch.source.system.as_str(),
            punch.source.record_id.as_str(),
            punch.employee.as_str(),
            punch.work_date.to_string(),
            json,
            entry.state.name(),
            i64::from(attempts),
            last_error,
            since,
            kot_time,
        ])
    })
    .map_err(|e| failure(path, "write to", e))?;
    Ok(())
}

impl Ledger for SqliteLedger {
    fn get(&self, record: &SourceRef) -> Result<Option<LedgerEntry>, LedgerError> {
        load(&self.lock(), &self.path, record)
    }

    fn record_pending(&self, punch: &Punch) -> Result<LedgerEntry, LedgerError> {
        self.change(&punch.source, |map| Ok(ops::record_pending(map, punch)))
    }

    fn begin_post(
        &self,
        punch: &Punch,
        now: DateTime<FixedOffset>,
    ) -> Result<LedgerEntry, LedgerError> {
        self.change(&punch.source, |map| ops::begin_post(map, punch, now))
    }

    fn mark_posted(
        &self,
        record: &SourceRef,
        kot_time: DateTime<FixedOffset>,
    ) -> Result<LedgerEntry, LedgerError> {
        self.change(record, |map| ops::mark_posted(map, record, kot_time))
    }

    fn mark_failed(&self, record: &SourceRef, error: &str) -> Result<LedgerEntry, LedgerError> {
        self.change(record, |map| ops::mark_failed(map, record, error))
    }

    fn forget(&self, record: &SourceRef) -> Result<Option<LedgerEntry>, LedgerError> {
        self.change(record, |map| Ok(map.remove(record)))
    }

    fn entries(&self) -> Result<Vec<LedgerEntry>, LedgerError> {
        self.select("")
    }

    fn unsettled(&self) -> Result<Vec<LedgerEntry>, LedgerError> {
        self.select("WHERE state <> 'posted'")
    }
}
