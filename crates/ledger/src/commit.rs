//! Crash-safe writes of several files at once.
//!
//! A record changes a log and two views; a crash between two renames would leave them out of
//! step. So a commit is rolled forward from a journal:
//! 1. every new file is written beside its target as `<name>.hardline-tmp` and fsynced;
//! 2. the journal (the list of targets) is written atomically — this is the commit point;
//! 3. each temporary file is renamed over its target, directories fsynced;
//! 4. the journal is removed.
//!
//! [`recover`] runs under the lock before anything reads the ledger: with a journal it
//! finishes step 3 (every temporary file it names is complete), without one it deletes stray
//! temporary files. Either way the ledger is the state before or after the commit, never
//! between.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::layout::Layout;
use crate::{LedgerError, io_error};

const TMP_SUFFIX: &str = ".hardline-tmp";

/// Named points where a test can make the process abort, to prove every one of them leaves a
/// ledger that verifies. Set `HARDLINE_FAULT_POINT` to the name; unset, this costs one
/// environment lookup per commit.
fn fault_point(name: &str) {
    if std::env::var_os("HARDLINE_FAULT_POINT").is_some_and(|v| v == name) {
        std::process::abort();
    }
}

#[derive(Serialize, Deserialize)]
struct Journal {
    /// Targets relative to the repository root.
    targets: Vec<PathBuf>,
}

/// Files to replace together.
#[derive(Default)]
pub struct Commit {
    writes: Vec<(PathBuf, Vec<u8>)>,
}

impl Commit {
    pub fn write(&mut self, path: PathBuf, contents: impl Into<Vec<u8>>) {
        self.writes.push((path, contents.into()));
    }

    /// Applies the commit, skipping files whose contents would not change. Returns the paths
    /// that changed.
    pub fn apply(self, layout: &Layout) -> Result<Vec<PathBuf>, LedgerError> {
        let mut changed = Vec::new();
        for (path, contents) in self.writes {
            if fs::read(&path).ok().as_deref() != Some(contents.as_slice()) {
                changed.push((path, contents));
            }
        }
        if changed.is_empty() {
            return Ok(Vec::new());
        }
        for (index, (path, contents)) in changed.iter().enumerate() {
            let dir = parent(path);
            fs::create_dir_all(dir).map_err(io_error(dir))?;
            write_synced(&tmp_path(path), contents)?;
            fault_point(&format!("after-temp-{index}"));
        }
        let journal =
            Journal { targets: changed.iter().map(|(p, _)| layout.relative(p).to_path_buf()).collect() };
        let journal_bytes = serde_json::to_vec(&journal).unwrap_or_default();
        let journal_path = layout.journal();
        fs::create_dir_all(parent(&journal_path)).map_err(io_error(parent(&journal_path)))?;
        write_synced(&tmp_path(&journal_path), &journal_bytes)?;
        fault_point("before-journal");
        rename_synced(&tmp_path(&journal_path), &journal_path)?;
        fault_point("after-journal");
        for (index, (path, _)) in changed.iter().enumerate() {
            rename_synced(&tmp_path(path), path)?;
            fault_point(&format!("after-rename-{index}"));
        }
        remove_synced(&journal_path)?;
        Ok(changed.into_iter().map(|(p, _)| p).collect())
    }
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
            for target in &journal.targets {
                let path = layout.root().join(target);
                let tmp = tmp_path(&path);
                if tmp.exists() {
                    rename_synced(&tmp, &path)?;
                }
            }
            remove_synced(&journal_path)?;
            sweep_temporaries(layout)?;
            Ok(Some(format!("completed an interrupted write of {} file(s)", journal.targets.len())))
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
            let name = entry.file_name();
            if name.to_string_lossy().ends_with(TMP_SUFFIX) {
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

fn rename_synced(from: &Path, to: &Path) -> Result<(), LedgerError> {
    fs::rename(from, to).map_err(io_error(to))?;
    sync_dir(parent(to))
}

fn remove_synced(path: &Path) -> Result<(), LedgerError> {
    fs::remove_file(path).map_err(io_error(path))?;
    sync_dir(parent(path))
}

fn sync_dir(dir: &Path) -> Result<(), LedgerError> {
    File::open(dir).and_then(|d| d.sync_all()).map_err(io_error(dir))
}
