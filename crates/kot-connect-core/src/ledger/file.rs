//! A [`Ledger`] kept in one append-only file.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::ops::{self, Map};
use super::{Ledger, LedgerEntry, LedgerError};
use crate::engine::write_atomically;
use crate::punch::{Punch, SourceRef};

/// The file format's version.
const VERSION: u32 = 2;

/// One line of the file.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Line {
    /// The first line: the format's version.
    Version(u32),
    /// A record's state from now on.
    Entry(LedgerEntry),
    /// A record forgotten.
    Forget(SourceRef),
}

/// A [`Ledger`] persisted as one file of JSON lines, for the examples and
/// small deployments.
///
/// - A journal: every change appends one line (the record's new state)
///   and is flushed to disk (`fsync`) before the call returns, so a change
///   costs the same however large the ledger. If the write fails, the
///   change is not applied in memory either.
/// - [`FileLedger::open`] replays the lines (the last state of each record
///   wins); [`FileLedger::compact`] rewrites the file with one line per
///   record (a temporary file renamed over it). A missing file is an empty
///   ledger, created by the first change.
/// - A crash in the middle of an append leaves a last line without its
///   newline: open ignores it and cuts it off. That change had not
///   returned, so nothing was done on the strength of it (the engine
///   marks a punch in flight *before* posting it).
/// - Any other line that is not a ledger line is refused with
///   [`LedgerError::Corrupt`]: never silently emptied (an empty ledger
///   would post everything again).
/// - One process at a time: two processes appending to the same file see
///   each other's changes only on their next open.
///
/// Where several processes share a ledger, or a C compiler is at hand,
/// prefer `SqliteLedger` (feature `sqlite`), which `SqliteLedger::import`
/// fills from this one.
#[derive(Debug)]
pub struct FileLedger {
    path: PathBuf,
    inner: Mutex<Inner>,
}

#[derive(Debug)]
struct Inner {
    entries: Map,
    /// Open for appending once the file exists.
    file: Option<File>,
}

fn storage(path: &Path, what: &str, e: impl std::fmt::Display) -> LedgerError {
    LedgerError::Storage(Box::new(std::io::Error::other(format!(
        "cannot {what} ledger file {}: {e}",
        path.display()
    ))))
}

fn line(path: &Path, line: &Line) -> Result<Vec<u8>, LedgerError> {
    let mut bytes = serde_json::to_vec(line).map_err(|e| storage(path, "encode", e))?;
    bytes.push(b'\n');
    Ok(bytes)
}

impl FileLedger {
    /// Opens the ledger at `path` (a missing file is an empty ledger; its
    /// directory must exist) and compacts it.
    ///
    /// # Errors
    /// [`LedgerError::Corrupt`] when the file is not a ledger of this
    /// version; [`LedgerError::Storage`] when it cannot be read or
    /// rewritten.
    pub fn open(path: impl Into<PathBuf>) -> Result<Self, LedgerError> {
        let path = path.into();
        let (entries, file) = match fs::read(&path) {
            Ok(bytes) => {
                let (entries, _) = parse(&path, &bytes)?;
                let file = append(&path)?;
                // Drop a line cut short by a crash, so the next append
                // starts on a line of its own.
                let complete = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
                if complete < bytes.len() {
                    file.set_len(complete as u64)
                        .map_err(|e| storage(&path, "repair", e))?;
                }
                (entries, Some(file))
            }
            // Created by the first change.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Map::new(), None),
            Err(e) => return Err(storage(&path, "read", e)),
        };
        Ok(Self {
            path,
            inner: Mutex::new(Inner { entries, file }),
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Rewrites the file with one line per record (atomically), when it
    /// holds older states too. Not done by [`open`](Self::open), so that
    /// opening changes nothing (a dry run writes no state).
    ///
    /// # Errors
    /// [`LedgerError::Storage`] when the file cannot be read or rewritten.
    pub fn compact(&self) -> Result<(), LedgerError> {
        let mut inner = self.lock();
        if inner.file.is_none() {
            return Ok(());
        }
        let bytes = fs::read(&self.path).map_err(|e| storage(&self.path, "read", e))?;
        let (_, lines) = parse(&self.path, &bytes)?;
        if lines > inner.entries.len() {
            rewrite(&self.path, &inner.entries)?;
            inner.file = Some(append(&self.path)?);
        }
        Ok(())
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // The map changes only after a successful append: never half-done.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Applies `change` (which touches only `record`), appends the record's
    /// new state, and undoes the change if the append fails.
    fn change<T>(
        &self,
        record: &SourceRef,
        change: impl FnOnce(&mut Map) -> Result<T, LedgerError>,
    ) -> Result<T, LedgerError> {
        let mut inner = self.lock();
        let before = inner.entries.get(record).cloned();
        let out = change(&mut inner.entries)?;
        let after = inner.entries.get(record).cloned();
        if after != before {
            let next = match &after {
                Some(entry) => Line::Entry(entry.clone()),
                None => Line::Forget(record.clone()),
            };
            let path = &self.path;
            let written = match inner.file.as_mut() {
                Some(file) => line(path, &next).and_then(|bytes| {
                    file.write_all(&bytes)
                        .and_then(|()| file.sync_data())
                        .map_err(|e| storage(path, "append to", e))
                }),
                None => rewrite(path, &inner.entries)
                    .and_then(|()| append(path))
                    .map(|file| inner.file = Some(file)),
            };
            if let Err(e) = written {
                match before {
                    Some(entry) => inner.entries.insert(record.clone(), entry),
                    None => inner.entries.remove(record),
                };
                return Err(e);
            }
        }
        Ok(out)
    }
}

/// Writes the whole ledger, one line per record, atomically.
fn rewrite(path: &Path, entries: &Map) -> Result<(), LedgerError> {
    let mut bytes = line(path, &Line::Version(VERSION))?;
    for entry in entries.values() {
        bytes.extend(line(path, &Line::Entry(entry.clone()))?);
    }
    let name = path
        .file_name()
        .map_or_else(|| "ledger".into(), |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    write_atomically(&tmp, path, &bytes).map_err(|e| storage(path, "write", e))
}

fn append(path: &Path) -> Result<File, LedgerError> {
    OpenOptions::new()
        .append(true)
        .open(path)
        .map_err(|e| storage(path, "open", e))
}

/// The records, and how many lines held them.
fn parse(path: &Path, bytes: &[u8]) -> Result<(Map, usize), LedgerError> {
    let corrupt = |message: String| LedgerError::Corrupt {
        path: path.to_owned(),
        message,
    };
    let text = std::str::from_utf8(bytes).map_err(|e| corrupt(e.to_string()))?;
    // A last line without its newline is an append cut short by a crash.
    let complete = match text.rfind('\n') {
        Some(end) => &text[..=end],
        None => "",
    };
    let mut lines = complete.lines().enumerate();
    match lines.next() {
        None if text.is_empty() => return Err(corrupt("the file is empty".into())),
        None => return Err(corrupt("no complete line".into())),
        Some((_, first)) => match serde_json::from_str::<Line>(first) {
            Ok(Line::Version(VERSION)) => {}
            Ok(Line::Version(v)) => {
                return Err(corrupt(format!(
                    "version {v} (this program reads version {VERSION})"
                )));
            }
            _ => return Err(corrupt("the first line is not a ledger version".into())),
        },
    }
    let mut map = Map::new();
    let mut count = 0;
    for (n, text) in lines {
        count += 1;
        match serde_json::from_str::<Line>(text) {
            Ok(Line::Entry(entry)) => {
                map.insert(entry.punch.source.clone(), entry);
            }
            Ok(Line::Forget(record)) => {
                map.remove(&record);
            }
            Ok(Line::Version(_)) => {
                return Err(corrupt(format!("line {}: a second version", n + 1)));
            }
            Err(e) => return Err(corrupt(format!("line {}: {e}", n + 1))),
        }
    }
    Ok((map, count))
}

impl Ledger for FileLedger {
    fn get(&self, record: &SourceRef) -> Result<Option<LedgerEntry>, LedgerError> {
        Ok(self.lock().entries.get(record).cloned())
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
        Ok(self.lock().entries.values().cloned().collect())
    }
}
