//! [`StateStore`]s: in memory, and one file per entry in a directory.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use super::contract::{StateError, StateStore};

/// The longest entry name a store accepts.
pub const MAX_NAME_LEN: usize = 100;

/// Checks an entry name: 1 to [`MAX_NAME_LEN`] ASCII letters, digits, `-`,
/// `_` and `.`, not starting with `.` (so no `..`, no hidden or temporary
/// file, no path separator). Every store applies the same rule, so that a
/// name that works in tests works on disk.
///
/// # Errors
/// [`StateError`] naming the rule broken.
pub fn validate_name(name: &str) -> Result<(), StateError> {
    if name.is_empty() || name.len() > MAX_NAME_LEN {
        return Err(StateError::new(
            name,
            format!("a state name has 1 to {MAX_NAME_LEN} characters"),
        ));
    }
    if name.starts_with('.') {
        return Err(StateError::new(name, "a state name may not start with `.`"));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(StateError::new(
            name,
            format!("a state name may hold only A-Z, a-z, 0-9, `-`, `_` and `.`, not {bad:?}"),
        ));
    }
    Ok(())
}

/// State in memory: for tests, dry runs and one-shot programs.
#[derive(Debug, Default)]
pub struct MemoryStore {
    entries: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// The names stored, sorted.
    pub fn names(&self) -> Vec<String> {
        self.lock().keys().cloned().collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Vec<u8>>> {
        // Inserting a blob cannot leave the map half-changed.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl StateStore for MemoryStore {
    fn load(&self, name: &str) -> Result<Option<Vec<u8>>, StateError> {
        validate_name(name)?;
        Ok(self.lock().get(name).cloned())
    }

    fn store(&self, name: &str, bytes: &[u8]) -> Result<(), StateError> {
        validate_name(name)?;
        self.lock().insert(name.to_owned(), bytes.to_vec());
        Ok(())
    }
}

/// State on disk: one file per entry, named as the entry, in one
/// directory (the examples' state directory).
///
/// Writes are atomic: the bytes go to a temporary file in the same
/// directory (`.<name>.tmp-<pid>-<n>`), are flushed to disk, and the file
/// is renamed over the entry, so a reader or a crash sees the old blob or
/// the new one, never a mix. Names are checked with [`validate_name`]: no
/// separator, no `..`, nothing outside the directory.
#[derive(Debug)]
pub struct DirStore {
    dir: PathBuf,
    counter: AtomicU64,
}

impl DirStore {
    /// Opens (and creates, with its parents) the directory `dir`.
    ///
    /// # Errors
    /// [`StateError`] (named after the directory) when it cannot be created
    /// or is not a directory.
    pub fn open(dir: impl Into<PathBuf>) -> Result<Self, StateError> {
        let dir = dir.into();
        let label = dir.display().to_string();
        fs::create_dir_all(&dir)
            .map_err(|e| StateError::new(&label, format!("cannot create the directory: {e}")))?;
        if !dir.is_dir() {
            return Err(StateError::new(label, "not a directory"));
        }
        Ok(Self {
            dir,
            counter: AtomicU64::new(0),
        })
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file of entry `name`.
    ///
    /// # Errors
    /// [`StateError`] for an invalid name.
    pub fn path_of(&self, name: &str) -> Result<PathBuf, StateError> {
        validate_name(name)?;
        Ok(self.dir.join(name))
    }
}

impl StateStore for DirStore {
    fn load(&self, name: &str) -> Result<Option<Vec<u8>>, StateError> {
        let path = self.path_of(name)?;
        match fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(StateError::new(
                name,
                format!("cannot read {}: {e}", path.display()),
            )),
        }
    }

    fn store(&self, name: &str, bytes: &[u8]) -> Result<(), StateError> {
        let path = self.path_of(name)?;
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let tmp = self
            .dir
            .join(format!(".{name}.tmp-{}-{n}", std::process::id()));
        write_atomically(&tmp, &path, bytes)
            .map_err(|e| StateError::new(name, format!("cannot write {}: {e}", path.display())))
    }
}

/// Writes `bytes` to `tmp`, syncs it and renames it to `path`; removes
/// `tmp` on failure.
pub(crate) fn write_atomically(tmp: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let result = (|| {
        let mut file = fs::File::create(tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(tmp, path)
    })();
    if result.is_err() {
        // Best effort: a leftover temporary file is harmless (names
        // starting with `.` are never entries).
        let _ = fs::remove_file(tmp);
    }
    result
}
