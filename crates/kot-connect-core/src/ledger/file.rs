//! A [`Ledger`] kept in one JSON file.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::ops::{self, Map};
use super::{Ledger, LedgerEntry, LedgerError};
use crate::engine::write_atomically;
use crate::punch::{Punch, SourceRef};

/// The file format's version.
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct FileBody {
    version: u32,
    entries: Vec<LedgerEntry>,
}

/// A [`Ledger`] persisted as one JSON file, for the examples and small
/// deployments.
///
/// - Loaded once by [`FileLedger::open`]; a missing file is an empty
///   ledger (the file is created by the first change).
/// - Write-through: every change is written before the call returns, as a
///   whole new file (temporary file in the same directory, flushed, then
///   renamed over the ledger), so a crash leaves the old ledger or the new
///   one. If the write fails, the change is not applied in memory either.
/// - A file that is not a ledger is refused with [`LedgerError::Corrupt`]:
///   never silently emptied (an empty ledger would post everything again).
/// - One process at a time: two processes writing the same file lose each
///   other's changes.
///
/// Every change rewrites the whole file, which is fine for thousands of
/// entries; a SQLite ledger (issue 8) will replace it for larger ones.
#[derive(Debug)]
pub struct FileLedger {
    path: PathBuf,
    entries: Mutex<Map>,
}

fn storage(path: &Path, what: &str, e: impl std::fmt::Display) -> LedgerError {
    LedgerError::Storage(Box::new(std::io::Error::other(format!(
        "cannot {what} ledger file {}: {e}",
        path.display()
    ))))
}

impl FileLedger {
    /// Opens the ledger at `path` (a missing file is an empty ledger; its
    /// directory must exist).
    ///
    /// # Errors
    /// [`LedgerError::Corrupt`] when the file is not a ledger of this
    /// version (or holds one record twice); [`LedgerError::Storage`] when
    /// it cannot be read.
    pub fn open(path: impl Into<PathBuf>) -> Result<Self, LedgerError> {
        let path = path.into();
        let entries = match fs::read(&path) {
            Ok(bytes) => parse(&path, &bytes)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Map::new(),
            Err(e) => return Err(storage(&path, "read", e)),
        };
        Ok(Self {
            path,
            entries: Mutex::new(entries),
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock(&self) -> MutexGuard<'_, Map> {
        // The map is replaced only after a successful write: never half-done.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Applies `change` to a copy of the map, writes the copy, then keeps it.
    fn change<T>(
        &self,
        change: impl FnOnce(&mut Map) -> Result<T, LedgerError>,
    ) -> Result<T, LedgerError> {
        let mut map = self.lock();
        let mut next = map.clone();
        let out = change(&mut next)?;
        if next != *map {
            self.write(&next)?;
            *map = next;
        }
        Ok(out)
    }

    fn write(&self, map: &Map) -> Result<(), LedgerError> {
        let body = FileBody {
            version: VERSION,
            entries: map.values().cloned().collect(),
        };
        let bytes =
            serde_json::to_vec_pretty(&body).map_err(|e| storage(&self.path, "encode", e))?;
        let name = self
            .path
            .file_name()
            .map_or_else(|| "ledger".into(), |n| n.to_string_lossy().into_owned());
        let tmp = self
            .path
            .with_file_name(format!(".{name}.tmp-{}", std::process::id()));
        write_atomically(&tmp, &self.path, &bytes).map_err(|e| storage(&self.path, "write", e))
    }
}

fn parse(path: &Path, bytes: &[u8]) -> Result<Map, LedgerError> {
    let corrupt = |message: String| LedgerError::Corrupt {
        path: path.to_owned(),
        message,
    };
    let body: FileBody = serde_json::from_slice(bytes).map_err(|e| corrupt(e.to_string()))?;
    if body.version != VERSION {
        return Err(corrupt(format!(
            "version {} (this program reads version {VERSION})",
            body.version
        )));
    }
    let mut map = Map::new();
    for entry in body.entries {
        let record = entry.punch.source.clone();
        if map.insert(record.clone(), entry).is_some() {
            return Err(corrupt(format!("{record} is listed twice")));
        }
    }
    Ok(map)
}

impl Ledger for FileLedger {
    fn get(&self, record: &SourceRef) -> Result<Option<LedgerEntry>, LedgerError> {
        Ok(self.lock().get(record).cloned())
    }

    fn record_pending(&self, punch: &Punch) -> Result<LedgerEntry, LedgerError> {
        self.change(|map| Ok(ops::record_pending(map, punch)))
    }

    fn begin_post(
        &self,
        punch: &Punch,
        now: DateTime<FixedOffset>,
    ) -> Result<LedgerEntry, LedgerError> {
        self.change(|map| ops::begin_post(map, punch, now))
    }

    fn mark_posted(
        &self,
        record: &SourceRef,
        kot_time: DateTime<FixedOffset>,
    ) -> Result<LedgerEntry, LedgerError> {
        self.change(|map| ops::mark_posted(map, record, kot_time))
    }

    fn mark_failed(&self, record: &SourceRef, error: &str) -> Result<LedgerEntry, LedgerError> {
        self.change(|map| ops::mark_failed(map, record, error))
    }

    fn forget(&self, record: &SourceRef) -> Result<Option<LedgerEntry>, LedgerError> {
        self.change(|map| Ok(map.remove(record)))
    }

    fn entries(&self) -> Result<Vec<LedgerEntry>, LedgerError> {
        Ok(self.lock().values().cloned().collect())
    }
}
