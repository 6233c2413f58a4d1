//! The ledger: what was sent to KOT, keyed by the punch's [`SourceRef`].
//!
//! KOT's punch POST is not idempotent: sending it twice records two punches.
//! The ledger is how a run knows what earlier runs did, including runs that
//! crashed half-way. Each entry is in one [`LedgerState`]:
//!
//! - **Pending** `{attempts, last_error}`: wanted in KOT, not (known to be)
//!   there. `attempts` counts POSTs begun.
//! - **InFlight** `{attempts, since}`: a POST was begun and its outcome is
//!   not known. The engine marks it *before* sending, so a crash or a lost
//!   answer leaves it here: the next plan checks KOT's records of that day
//!   before posting again (see [`crate::plan`]).
//! - **Posted** `{attempts, kot_time}`: KOT has it, at the time KOT
//!   answered (or the time of the matching punch found in KOT). Final.
//!
//! Transitions:
//!
//! | call | from | to |
//! |---|---|---|
//! | [`Ledger::record_pending`] | absent | Pending `{0, None}` (any other state: unchanged) |
//! | [`Ledger::begin_post`] | absent, Pending | InFlight `{attempts + 1}` |
//! | [`Ledger::mark_posted`] | Pending, InFlight | Posted |
//! | [`Ledger::mark_failed`] | InFlight | Pending `{attempts, Some(error)}` |
//! | [`Ledger::forget`] | any | absent |
//!
//! Every other call is a [`LedgerError::InvalidTransition`] (or
//! [`LedgerError::NotFound`]) and changes nothing. `mark_failed` is only for
//! a POST known **not** to have reached KOT (refused before sending, a 4xx
//! answer) or one KOT's records show is absent; a timeout is not a failure.
//!
//! # Which ledger
//!
//! Every ledger follows the rules above alike (one conformance suite runs
//! against each).
//!
//! | ledger | keeps | use it for |
//! |---|---|---|
//! | `SqliteLedger` (feature `sqlite`) | one SQLite file, WAL, one transaction per transition | production: the example programs' ledger (`ledger.sqlite3`); several threads, engines or processes on one file |
//! | [`FileLedger`] | one JSON-lines journal, flushed per change | embedding without a C compiler or SQLite; one process at a time |
//! | [`MemoryLedger`] | nothing: gone when dropped | tests, dry runs, one-shot programs |
//!
//! A durable ledger is what makes a killed run safe: a punch is marked
//! InFlight, and that mark is on disk, before its POST is sent. With
//! `SqliteLedger`, `Synchronous::Full` (the default) makes each transition
//! survive a power loss, at the cost of one disk flush (3–6 ms on the
//! development VM's ext4 disk); `Synchronous::Normal` survives the process
//! being killed but not a power loss, for a fortieth of that (70–130 µs
//! there). The `ledger_cost` example measures both on your disk.
//! `SqliteLedger::import` moves a [`FileLedger`]'s entries to SQLite.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::punch::{Punch, SourceRef};

mod file;
#[cfg(feature = "sqlite")]
mod sqlite;

pub use file::FileLedger;
#[cfg(feature = "sqlite")]
pub use sqlite::{DEFAULT_BUSY_TIMEOUT, SCHEMA_VERSION, SqliteLedger, SqliteOptions, Synchronous};

/// Where a punch stands with KOT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum LedgerState {
    /// Wanted in KOT, not sent (or sent and known to have failed).
    Pending {
        /// POSTs begun so far.
        attempts: u32,
        /// Why the last one failed.
        last_error: Option<String>,
    },
    /// A POST was begun; whether KOT recorded it is unknown.
    InFlight {
        /// POSTs begun so far, this one included.
        attempts: u32,
        /// When this POST was begun.
        since: DateTime<FixedOffset>,
    },
    /// KOT has it.
    Posted {
        /// POSTs begun (0 when it was found in KOT without posting).
        attempts: u32,
        /// The punch time KOT answered with, or of the punch found in KOT.
        kot_time: DateTime<FixedOffset>,
    },
}

impl LedgerState {
    /// `pending`, `in_flight` or `posted`.
    pub fn name(&self) -> &'static str {
        match self {
            LedgerState::Pending { .. } => "pending",
            LedgerState::InFlight { .. } => "in_flight",
            LedgerState::Posted { .. } => "posted",
        }
    }

    /// POSTs begun so far.
    pub fn attempts(&self) -> u32 {
        match self {
            LedgerState::Pending { attempts, .. }
            | LedgerState::InFlight { attempts, .. }
            | LedgerState::Posted { attempts, .. } => *attempts,
        }
    }
}

impl fmt::Display for LedgerState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One punch in the ledger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LedgerEntry {
    /// The punch as first recorded (its `source` is the entry's key).
    pub punch: Punch,
    /// Its state.
    pub state: LedgerState,
}

impl LedgerEntry {
    /// The entry's key.
    pub fn source(&self) -> &SourceRef {
        &self.punch.source
    }
}

/// A ledger operation that could not be done.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LedgerError {
    /// No entry for this record.
    #[error("no ledger entry for {record}")]
    NotFound {
        /// The record.
        record: SourceRef,
    },
    /// The entry's state does not allow the operation.
    #[error("ledger entry {record} is {state}: cannot {action}")]
    InvalidTransition {
        /// The record.
        record: SourceRef,
        /// Its state ([`LedgerState::name`]).
        state: &'static str,
        /// The refused operation, e.g. `begin_post`.
        action: &'static str,
    },
    /// The ledger's file exists but is not a ledger (damaged, truncated, or
    /// another file). Nothing was changed: fix or move the file.
    #[error("ledger file {} is corrupt: {message}", path.display())]
    Corrupt {
        /// The file.
        path: std::path::PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// The storage behind the ledger failed.
    #[error("ledger storage failed")]
    Storage(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl LedgerError {
    /// `true` for [`LedgerError::InvalidTransition`].
    pub fn is_invalid_transition(&self) -> bool {
        matches!(self, LedgerError::InvalidTransition { .. })
    }
}

/// The ledger's operations. Object-safe and `Send + Sync`, so an engine can
/// hold an `Arc<dyn Ledger>`; every method takes `&self`.
pub trait Ledger: Send + Sync {
    /// The entry for `record`, if any.
    ///
    /// # Errors
    ///
    /// [`LedgerError::Storage`].
    fn get(&self, record: &SourceRef) -> Result<Option<LedgerEntry>, LedgerError>;

    /// Records `punch` as wanted: a new entry is Pending; an existing entry
    /// is returned unchanged (its punch is not replaced).
    ///
    /// # Errors
    ///
    /// [`LedgerError::Storage`].
    fn record_pending(&self, punch: &Punch) -> Result<LedgerEntry, LedgerError>;

    /// Marks `punch` InFlight **before** its POST is sent (creating the
    /// entry if needed), counting one more attempt.
    ///
    /// # Errors
    ///
    /// [`LedgerError::InvalidTransition`] when the entry is InFlight (its
    /// outcome must be settled first) or Posted; [`LedgerError::Storage`].
    fn begin_post(
        &self,
        punch: &Punch,
        now: DateTime<FixedOffset>,
    ) -> Result<LedgerEntry, LedgerError>;

    /// Marks `record` Posted: KOT answered the POST, or KOT's records show
    /// the punch.
    ///
    /// # Errors
    ///
    /// [`LedgerError::NotFound`]; [`LedgerError::InvalidTransition`] when
    /// already Posted; [`LedgerError::Storage`].
    fn mark_posted(
        &self,
        record: &SourceRef,
        kot_time: DateTime<FixedOffset>,
    ) -> Result<LedgerEntry, LedgerError>;

    /// Marks an InFlight `record` Pending again with `error`: the POST is
    /// known not to have reached KOT.
    ///
    /// # Errors
    ///
    /// [`LedgerError::NotFound`]; [`LedgerError::InvalidTransition`] unless
    /// InFlight; [`LedgerError::Storage`].
    fn mark_failed(&self, record: &SourceRef, error: &str) -> Result<LedgerEntry, LedgerError>;

    /// Removes the entry of `record` (e.g. to sync again a punch an
    /// administrator deleted in KOT), returning it.
    ///
    /// # Errors
    ///
    /// [`LedgerError::Storage`].
    fn forget(&self, record: &SourceRef) -> Result<Option<LedgerEntry>, LedgerError>;

    /// Every entry, sorted by record.
    ///
    /// # Errors
    ///
    /// [`LedgerError::Storage`].
    fn entries(&self) -> Result<Vec<LedgerEntry>, LedgerError>;

    /// Entries not Posted (Pending or InFlight), sorted by record: what a
    /// run must still settle.
    ///
    /// # Errors
    ///
    /// [`LedgerError::Storage`].
    fn unsettled(&self) -> Result<Vec<LedgerEntry>, LedgerError> {
        let mut entries = self.entries()?;
        entries.retain(|entry| !matches!(entry.state, LedgerState::Posted { .. }));
        Ok(entries)
    }
}

/// An in-memory [`Ledger`] (a mutex around a sorted map). For tests and
/// single-run programs; it forgets everything when dropped.
#[derive(Debug, Default)]
pub struct MemoryLedger {
    entries: Mutex<BTreeMap<SourceRef, LedgerEntry>>,
}

impl MemoryLedger {
    /// An empty ledger.
    pub fn new() -> Self {
        Self::default()
    }

    /// A ledger holding `entries` (e.g. a copy of another ledger's
    /// [`Ledger::entries`] for a dry run, which must not touch the
    /// original). A later entry of the same record replaces an earlier one.
    pub fn from_entries(entries: impl IntoIterator<Item = LedgerEntry>) -> Self {
        let map = entries
            .into_iter()
            .map(|entry| (entry.source().clone(), entry))
            .collect();
        Self {
            entries: Mutex::new(map),
        }
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<SourceRef, LedgerEntry>> {
        // Every operation leaves the map consistent before it can panic, so
        // a poisoned lock still guards valid data.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn invalid(entry: &LedgerEntry, action: &'static str) -> LedgerError {
    LedgerError::InvalidTransition {
        record: entry.punch.source.clone(),
        state: entry.state.name(),
        action,
    }
}

impl Ledger for MemoryLedger {
    fn get(&self, record: &SourceRef) -> Result<Option<LedgerEntry>, LedgerError> {
        Ok(self.lock().get(record).cloned())
    }

    fn record_pending(&self, punch: &Punch) -> Result<LedgerEntry, LedgerError> {
        Ok(ops::record_pending(&mut self.lock(), punch))
    }

    fn begin_post(
        &self,
        punch: &Punch,
        now: DateTime<FixedOffset>,
    ) -> Result<LedgerEntry, LedgerError> {
        ops::begin_post(&mut self.lock(), punch, now)
    }

    fn mark_posted(
        &self,
        record: &SourceRef,
        kot_time: DateTime<FixedOffset>,
    ) -> Result<LedgerEntry, LedgerError> {
        ops::mark_posted(&mut self.lock(), record, kot_time)
    }

    fn mark_failed(&self, record: &SourceRef, error: &str) -> Result<LedgerEntry, LedgerError> {
        ops::mark_failed(&mut self.lock(), record, error)
    }

    fn forget(&self, record: &SourceRef) -> Result<Option<LedgerEntry>, LedgerError> {
        Ok(self.lock().remove(record))
    }

    fn entries(&self) -> Result<Vec<LedgerEntry>, LedgerError> {
        Ok(self.lock().values().cloned().collect())
    }
}

/// The transitions, over a map, shared by every ledger kept in memory.
pub(crate) mod ops {
    use std::collections::BTreeMap;

    use chrono::{DateTime, FixedOffset};

    use super::{LedgerEntry, LedgerError, LedgerState, invalid};
    use crate::punch::{Punch, SourceRef};

    pub(crate) type Map = BTreeMap<SourceRef, LedgerEntry>;

    fn pending(punch: &Punch) -> LedgerEntry {
        LedgerEntry {
            punch: punch.clone(),
            state: LedgerState::Pending {
                attempts: 0,
                last_error: None,
            },
        }
    }

    pub(crate) fn record_pending(map: &mut Map, punch: &Punch) -> LedgerEntry {
        map.entry(punch.source.clone())
            .or_insert_with(|| pending(punch))
            .clone()
    }

    pub(crate) fn begin_post(
        map: &mut Map,
        punch: &Punch,
        now: DateTime<FixedOffset>,
    ) -> Result<LedgerEntry, LedgerError> {
        if let Some(entry) = map.get(&punch.source)
            && !matches!(entry.state, LedgerState::Pending { .. })
        {
            return Err(invalid(entry, "begin_post"));
        }
        let entry = map
            .entry(punch.source.clone())
            .or_insert_with(|| pending(punch));
        entry.state = LedgerState::InFlight {
            attempts: entry.state.attempts().saturating_add(1),
            since: now,
        };
        Ok(entry.clone())
    }

    pub(crate) fn mark_posted(
        map: &mut Map,
        record: &SourceRef,
        kot_time: DateTime<FixedOffset>,
    ) -> Result<LedgerEntry, LedgerError> {
        let entry = map.get_mut(record).ok_or_else(|| LedgerError::NotFound {
            record: record.clone(),
        })?;
        match entry.state {
            LedgerState::Pending { attempts, .. } | LedgerState::InFlight { attempts, .. } => {
                entry.state = LedgerState::Posted { attempts, kot_time };
                Ok(entry.clone())
            }
            LedgerState::Posted { .. } => Err(invalid(entry, "mark_posted")),
        }
    }

    pub(crate) fn mark_failed(
        map: &mut Map,
        record: &SourceRef,
        error: &str,
    ) -> Result<LedgerEntry, LedgerError> {
        let entry = map.get_mut(record).ok_or_else(|| LedgerError::NotFound {
            record: record.clone(),
        })?;
        match entry.state {
            LedgerState::InFlight { attempts, .. } => {
                entry.state = LedgerState::Pending {
                    attempts,
                    last_error: Some(error.to_owned()),
                };
                Ok(entry.clone())
            }
            _ => Err(invalid(entry, "mark_failed")),
        }
    }
}
