//! No link under the ledger's folders. Git stores symlinks, so a merged commit can plant one:
//! `audit-logs/<image>.jsonl` pointing outside the repository would have `record` append
//! there, and `audit-logs/` or `cve-baseline/` as a symlinked folder would move the whole
//! ledger out of the root. A hard link would have a write land in another file as well.
//! Before any write (when the lock is taken) and in `verify`, every ledger folder and every
//! entry in it is checked: a symbolic link, or a file with more than one name, is refused.
//! And every file the ledger writes in place is opened with `O_NOFOLLOW` ([`open_options`]),
//! so a link planted between the check and the write is refused too.

use std::fs;
use std::os::unix::fs::{MetadataExt as _, OpenOptionsExt as _};
use std::path::{Path, PathBuf};

use crate::layout::Layout;
use crate::{LedgerError, io_error};

/// Options that never follow a symbolic link in the last component of the path.
pub(crate) fn open_options() -> fs::OpenOptions {
    let mut options = fs::OpenOptions::new();
    options.custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
    options
}

/// The first link under the ledger's folders, and what it is: `None` when there is none.
pub(crate) fn first_link(layout: &Layout) -> Result<Option<(PathBuf, &'static str)>, LedgerError> {
    for dir in layout.ledger_dirs() {
        if let Some(found) = check_tree(&dir, 0)? {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

/// Refuses a ledger with a link under its folders (see the module's documentation).
pub(crate) fn refuse_links(layout: &Layout) -> Result<(), LedgerError> {
    match first_link(layout)? {
        Some((path, what)) => Err(LedgerError::Link { path: layout.relative(&path).to_path_buf(), what }),
        None => Ok(()),
    }
}

/// `path` and what is under it, two levels down at most (`audit-logs/<image>/<month>.md`).
fn check_tree(path: &Path, depth: usize) -> Result<Option<(PathBuf, &'static str)>, LedgerError> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error(path)(e)),
    };
    if meta.file_type().is_symlink() {
        return Ok(Some((path.to_path_buf(), "a symbolic link")));
    }
    if meta.is_file() && meta.nlink() > 1 {
        return Ok(Some((path.to_path_buf(), "a file with another name (a hard link)")));
    }
    if meta.is_dir() && depth < 2 {
        let mut entries: Vec<PathBuf> =
            fs::read_dir(path).map_err(io_error(path))?.flatten().map(|entry| entry.path()).collect();
        entries.sort();
        for entry in entries {
            if let Some(found) = check_tree(&entry, depth + 1)? {
                return Ok(Some(found));
            }
        }
    }
    Ok(None)
}
