//! Crash-safe writes of several files at once.
//!
//! A record appends to a log and to a monthly view and replaces two views; a crash between
//! those steps would leave them out of step. So a commit is rolled forward from a journal:
//! 1. every replaced file is written beside its target as `<name>.hardline-tmp`, and the bytes
//!    to append to a file are written to `<file>.hardline-tmp`; all fsynced;
//! 2. the journal (targets, each appended file's length before the append, files to remove) is
//!    written atomically — this is the commit point;
//! 3. each log is truncated to its old length and the new bytes appended (so doing it twice
//!    is the same as once), each temporary view renamed over its target, each appended view
//!    extended the same way as a log, each removed view removed, directories fsynced;
//! 4. the journal is removed.
//!
//! [`recover`] runs under the lock before anything reads the ledger: with a journal it redoes
//! step 3 (every temporary file it names is complete), without one it deletes stray temporary
//! files. Either way the ledger is the state before or after the commit, never between.
//! Appending in place keeps a record's cost independent of the log's length.

use std::collections::BTreeSet;
use std::fs::{self, File};
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

/// What a commit does, relative to the repository root. The fields added after 0.1 default to
/// empty, so a journal an earlier release left behind still rolls forward.
#[derive(Serialize, Deserialize)]
struct Journal {
    /// Views replaced by renaming their temporary file.
    replace: Vec<PathBuf>,
    /// Logs appended to, and each one's length before the append.
    append: Vec<(PathBuf, u64)>,
    /// Views appended to (a month of the audit log), and each one's length before.
    #[serde(default)]
    extend: Vec<(PathBuf, u64)>,
    /// Views removed (a monthly file the log no longer derives).
    #[serde(default)]
    remove: Vec<PathBuf>,
}

enum Change {
    /// Replace the file, unless it already has these bytes.
    Replace { path: PathBuf, contents: Vec<u8>, compare: bool },
    /// Replace the file by its temporary file, which the caller has written and synced.
    Staged { path: PathBuf },
    /// Append to the file, which has `old_len` bytes now: a log, or (`view`) a view.
    Append { path: PathBuf, old_len: u64, bytes: Vec<u8>, view: bool },
    /// Remove the file.
    Remove { path: PathBuf },
}

/// Files to change together.
#[derive(Default)]
pub struct Commit {
    writes: Vec<Change>,
}

impl Commit {
    /// Takes on every change of `other`, after this commit's own.
    pub fn absorb(&mut self, other: Commit) {
        self.writes.extend(other.writes);
    }

    /// Replaces `path` with `contents`; skipped if the file already holds them.
    pub fn write(&mut self, path: PathBuf, contents: impl Into<Vec<u8>>) {
        self.writes.push(Change::Replace { path, contents: contents.into(), compare: true });
    }

    /// Replaces `path` with `contents` without comparing first: for files the caller knows
    /// have changed (reading them back would cost as much as writing them).
    pub fn replace(&mut self, path: PathBuf, contents: impl Into<Vec<u8>>) {
        self.writes.push(Change::Replace { path, contents: contents.into(), compare: false });
    }

    /// Appends `bytes` to the log at `path`, whose current length is `old_len`.
    pub fn append(&mut self, path: PathBuf, old_len: u64, bytes: impl Into<Vec<u8>>) {
        self.writes.push(Change::Append { path, old_len, bytes: bytes.into(), view: false });
    }

    /// Appends `bytes` to the view at `path`, whose current length is `old_len` (0 creates
    /// it, or replaces a file that should not be there).
    pub fn extend(&mut self, path: PathBuf, old_len: u64, bytes: impl Into<Vec<u8>>) {
        self.writes.push(Change::Append { path, old_len, bytes: bytes.into(), view: true });
    }

    /// Replaces `path` by [`staging_path`]`(path)`, which the caller has written in full and
    /// synced (a view too large to hold in memory).
    pub fn staged(&mut self, path: PathBuf) {
        self.writes.push(Change::Staged { path });
    }

    /// Removes `path`.
    pub fn remove(&mut self, path: PathBuf) {
        self.writes.push(Change::Remove { path });
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
                Change::Staged { .. } | Change::Remove { .. } => true,
            })
            .collect();
        if writes.is_empty() {
            return Ok(Vec::new());
        }
        let mut journal =
            Journal { replace: Vec::new(), append: Vec::new(), extend: Vec::new(), remove: Vec::new() };
        for (index, write) in writes.iter().enumerate() {
            let (path, bytes) = match write {
                Change::Replace { path, contents, .. } => {
                    journal.replace.push(layout.relative(path).to_path_buf());
                    (path, contents)
                }
                Change::Append { path, old_len, bytes, view } => {
                    let entry = (layout.relative(path).to_path_buf(), *old_len);
                    if *view {
                        journal.extend.push(entry)
                    } else {
                        journal.append.push(entry)
                    }
                    (path, bytes)
                }
                Change::Staged { path } => {
                    journal.replace.push(layout.relative(path).to_path_buf());
                    continue;
                }
                Change::Remove { path } => {
                    journal.remove.push(layout.relative(path).to_path_buf());
                    continue;
                }
            };
            create_dir_synced(parent(path))?;
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
                Change::Replace { path, .. }
                | Change::Append { path, .. }
                | Change::Staged { path }
                | Change::Remove { path } => path,
            })
            .collect())
    }
}

/// Step 3, idempotent: safe to run again after a crash in the middle of it.
/// Logs first, then the views that replace their files, then the appended views, then removals.
fn roll_forward(layout: &Layout, journal: &Journal) -> Result<(), LedgerError> {
    let mut dirs = BTreeSet::new();
    let mut step = 0;
    for (relative, old_len) in &journal.append {
        let path = layout.root().join(relative);
        if append_from_tmp(&path, *old_len, &mut dirs)? {
            fault_point(&format!("after-append-{step}"));
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
    for (relative, old_len) in &journal.extend {
        let path = layout.root().join(relative);
        if append_from_tmp(&path, *old_len, &mut dirs)? {
            fault_point(&format!("after-append-{step}"));
        }
        step += 1;
    }
    for relative in &journal.remove {
        let path = layout.root().join(relative);
        match fs::remove_file(&path) {
            Ok(()) => {
                dirs.insert(parent(&path).to_path_buf());
                fault_point(&format!("after-remove-{step}"));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error(&path)(e)),
        }
        step += 1;
    }
    for dir in dirs {
        sync_dir(&dir)?;
    }
    Ok(())
}

/// Truncates `path` to `old_len` and appends its temporary file's bytes, if that file is still
/// there (it is removed once appended, so running this again after a crash is the same as once).
fn append_from_tmp(path: &Path, old_len: u64, dirs: &mut BTreeSet<PathBuf>) -> Result<bool, LedgerError> {
    let tmp = tmp_path(path);
    let Ok(bytes) = fs::read(&tmp) else { return Ok(false) };
    let created = !path.exists();
    let file = crate::links::open_options()
        .create(true)
        .write(true)
        .truncate(false)
        .open(path)
        .map_err(io_error(path))?;
    file.set_len(old_len).map_err(io_error(path))?;
    drop(file);
    let mut file = crate::links::open_options().append(true).open(path).map_err(io_error(path))?;
    file.write_all(&bytes).map_err(io_error(path))?;
    file.sync_all().map_err(io_error(path))?;
    if created {
        dirs.insert(parent(path).to_path_buf());
    }
    fs::remove_file(&tmp).map_err(io_error(&tmp))?;
    Ok(true)
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
    let mut dirs = vec![layout.logs_dir(), layout.baselines_dir(), layout.state_dir()];
    // The monthly views live one level down, in a folder per image.
    if let Ok(entries) = fs::read_dir(layout.logs_dir()) {
        dirs.extend(entries.flatten().filter(|e| e.file_type().is_ok_and(|t| t.is_dir())).map(|e| e.path()));
    }
    for dir in dirs {
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

/// Where a staged replacement of `path` is written before the commit.
pub fn staging_path(path: &Path) -> PathBuf {
    tmp_path(path)
}

fn tmp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(TMP_SUFFIX);
    path.with_file_name(name)
}

fn parent(path: &Path) -> &Path {
    path.parent().unwrap_or(Path::new("."))
}

pub(crate) fn write_synced(path: &Path, contents: &[u8]) -> Result<(), LedgerError> {
    let mut file = crate::links::open_options()
        .create(true)
        .write(true)
        .truncate(true)
        .open(path)
        .map_err(io_error(path))?;
    file.write_all(contents).map_err(io_error(path))?;
    file.sync_all().map_err(io_error(path))
}

/// Creates `dir` (and its parents) if needed, so that the new entry survives a crash.
pub(crate) fn create_dir_synced(dir: &Path) -> Result<(), LedgerError> {
    if dir.is_dir() {
        return Ok(());
    }
    fs::create_dir_all(dir).map_err(io_error(dir))?;
    sync_dir(parent(dir))
}

pub(crate) fn sync_dir(dir: &Path) -> Result<(), LedgerError> {
    File::open(dir).and_then(|d| d.sync_all()).map_err(io_error(dir))
}
