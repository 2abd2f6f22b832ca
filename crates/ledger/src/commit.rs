//! Crash-safe writes of several files at once.
//!
//! A record appends to a log and replaces two views; a crash between those steps would leave
//! them out of step. So a commit is rolled forward from a journal:
//! 1. every replaced file is written beside its target as `<name>.hardline-tmp`, and the bytes
//!    to append to a log are written to `<log>.hardline-tmp`; all fsynced;
//! 2. the journal (targets, and each log's length before the append) is written atomically —
//!    this is the commit point;
//! 3. each log is truncated to its old length and the new bytes appended (so doing it twice
//!    is the same as once), each temporary view renamed over its target, directories fsynced;
//! 4. the journal is removed.
//!
//! [`recover`] runs under the lock before anything reads the ledger: with a journal it redoes
//! step 3 (every temporary file it names is complete), without one it deletes stray temporary
//! files. Either way the ledger is the state before or after the commit, never between.
//! Appending in place keeps a record's cost independent of the log's length.

use std::collections::BTreeSet;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::layout::Layout;
use crate::{LedgerError, io_error};

const TMP_SUFFIX: &str = ".hardline-tmp";

/// Named points where a test can make the process abort, to prove every one of them leaves a
/// ledger that verifies. Set `HARDLINE_FAULT_POINT` to the name; unset, this costs one
/// environment lookup per step.
fn fault_point(name: &str) {
    if std::env::var_os("HARDLINE_FAULT_POINT").is_some_and(|v| v == name) {
        std::process::abort();
    }
}

#[derive(Serialize, Deserialize)]
struct Journal {
    /// Views replaced by renaming their temporary file, relative to the repository root.
    replace: Vec<PathBuf>,
    /// Logs appended to: path relative to the root, and the length before the append.
    append: Vec<(PathBuf, u64)>,
}

enum Change {
    /// Replace the file, unless it already has these bytes.
    Replace { path: PathBuf, contents: Vec<u8>, compare: bool },
    /// Append to the file, which has `old_len` bytes now.
    Append { path: PathBuf, old_len: u64, bytes: Vec<u8> },
}

/// Files to change together.
#[derive(Default)]
pub struct Commit {
    writes: Vec<Change>,
}

impl Commit {
    /// Replaces `path` with `contents`; skipped if the file already holds them.
    pub fn write(&mut self, path: PathBuf, contents: impl Into<Vec<u8>>) {
        self.writes.push(Change::Replace { path, contents: contents.into(), compare: true });
    }

    /// Replaces `path` with `contents` without comparing first: for files the caller knows
    /// have changed (reading them back would cost as much as writing them).
    pub fn replace(&mut self, path: PathBuf, contents: impl Into<Vec<u8>>) {
        self.writes.push(Change::Replace { path, contents: contents.into(), compare: false });
    }

    /// Appends `bytes` to `path`, whose current length is `old_len`.
    pub fn append(&mut self, path: PathBuf, old_len: u64, bytes: impl Into<Vec<u8>>) {
        self.writes.push(Change::Append { path, old_len, bytes: bytes.into() });
    }

    /// Applies the commit. Returns the paths that changed.
    pub fn apply(self, layout: &Layout) -> Result<Vec<PathBuf>, LedgerError> {
        let writes: Vec<Change> = self
            .writes
            .into_iter()
            .filter(|w| match w {
                Change::Replace { path, contents, compare } => {
                    !compare || fs::read(path).ok().as_deref() != Some(contents.as_slice())
                }
                Change::Append { bytes, .. } => !bytes.is_empty(),
            })
            .collect();
        if writes.is_empty() {
            return Ok(Vec::new());
        }
        let mut journal = Journal { replace: Vec::new(), append: Vec::new() };
        for (index, write) in writes.iter().enumerate() {
            let (path, bytes) = match write {
                Change::Replace { path, contents, .. } => {
                    journal.replace.push(layout.relative(path).to_path_buf());
                    (path, contents)
                }
                Change::Append { path, old_len, bytes } => {
                    journal.append.push((layout.relative(path).to_path_buf(), *old_len));
                    (path, bytes)
                }
            };
            let dir = parent(path);
            fs::create_dir_all(dir).map_err(io_error(dir))?;
            write_synced(&tmp_path(path), bytes)?;
            fault_point(&format!("after-temp-{index}"));
        }
        let journal_path = layout.journal();
        fs::create_dir_all(parent(&journal_path)).map_err(io_error(parent(&journal_path)))?;
        let journal_bytes = serde_json::to_vec(&journal)
            .map_err(|e| LedgerError::Encode { what: "the commit journal", message: e.to_string() })?;
        write_synced(&tmp_path(&journal_path), &journal_bytes)?;
        fault_point("before-journal");
        fs::rename(tmp_path(&journal_path), &journal_path).map_err(io_error(&journal_path))?;
        sync_dir(parent(&journal_path))?;
        fault_point("after-journal");
        roll_forward(layout, &journal)?;
        remove_journal(layout)?;
        Ok(writes
            .into_iter()
            .map(|w| match w {
                Change::Replace { path, .. } | Change::Append { path, .. } => path,
            })
            .collect())
    }
}

/// Step 3, idempotent: safe to run again after a crash in the middle of it.
fn roll_forward(layout: &Layout, journal: &Journal) -> Result<(), LedgerError> {
    let mut dirs = BTreeSet::new();
    let mut step = 0;
    for (relative, old_len) in &journal.append {
        let path = layout.root().join(relative);
        let tmp = tmp_path(&path);
        if let Ok(bytes) = fs::read(&tmp) {
            let file = OpenOptions::new()
                .create(true)
                .write(true)
                .truncate(false)
                .open(&path)
                .map_err(io_error(&path))?;
            file.set_len(*old_len).map_err(io_error(&path))?;
            drop(file);
            let mut file = OpenOptions::new().append(true).open(&path).map_err(io_error(&path))?;
            file.write_all(&bytes).map_err(io_error(&path))?;
            file.sync_all().map_err(io_error(&path))?;
            fault_point(&format!("after-append-{step}"));
            fs::remove_file(&tmp).map_err(io_error(&tmp))?;
        }
        step += 1;
    }
    for relative in &journal.replace {
        let path = layout.root().join(relative);
        let tmp = tmp_path(&path);
        if tmp.exists() {
            fs::rename(&tmp, &path).map_err(io_error(&path))?;
            dirs.insert(parent(&path).to_path_buf());
            fault_point(&format!("after-rename-{step}"));
        }
        step += 1;
    }
    for dir in dirs {
        sync_dir(&dir)?;
    }
    Ok(())
}

fn remove_journal(layout: &Layout) -> Result<(), LedgerError> {
    let path = layout.journal();
    fs::remove_file(&path).map_err(io_error(&path))?;
    sync_dir(parent(&path))
}

/// Brings the ledger to a committed state after a crash. Returns what it did, for messages.
pub fn recover(layout: &Layout) -> Result<Option<String>, LedgerError> {
    let journal_path = layout.journal();
    match fs::read(&journal_path) {
        Ok(bytes) => {
            let journal: Journal = serde_json::from_slice(&bytes).map_err(|e| LedgerError::Corrupt {
                path: journal_path.clone(),
                line: 1,
                message: e.to_string(),
            })?;
            roll_forward(layout, &journal)?;
            remove_journal(layout)?;
            sweep_temporaries(layout)?;
            let files = journal.replace.len() + journal.append.len();
            Ok(Some(format!("completed an interrupted write of {files} file(s)")))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let swept = sweep_temporaries(layout)?;
            Ok((swept > 0).then(|| format!("discarded {swept} partial file(s) of an interrupted write")))
        }
        Err(e) => Err(LedgerError::Io { path: journal_path, source: e }),
    }
}

fn sweep_temporaries(layout: &Layout) -> Result<usize, LedgerError> {
    let mut removed = 0;
    for dir in [layout.logs_dir(), layout.baselines_dir(), layout.state_dir()] {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().ends_with(TMP_SUFFIX) {
                fs::remove_file(entry.path()).map_err(io_error(&entry.path()))?;
                removed += 1;
            }
        }
    }
    Ok(removed)
}

fn tmp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(TMP_SUFFIX);
    path.with_file_name(name)
}

fn parent(path: &Path) -> &Path {
    path.parent().unwrap_or(Path::new("."))
}

fn write_synced(path: &Path, contents: &[u8]) -> Result<(), LedgerError> {
    let mut file = File::create(path).map_err(io_error(path))?;
    file.write_all(contents).map_err(io_error(path))?;
    file.sync_all().map_err(io_error(path))
}

fn sync_dir(dir: &Path) -> Result<(), LedgerError> {
    File::open(dir).and_then(|d| d.sync_all()).map_err(io_error(dir))
}
