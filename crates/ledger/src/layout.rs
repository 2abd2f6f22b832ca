use std::path::{Path, PathBuf};

use crate::LedgerError;

/// Where the ledger's files live in a repository. One place, so that no other module
/// builds a path by hand.
#[derive(Clone, Debug)]
pub struct Layout {
    root: PathBuf,
}

impl Layout {
    pub fn new(root: impl Into<PathBuf>) -> Layout {
        Layout { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn logs_dir(&self) -> PathBuf {
        self.root.join("audit-logs")
    }

    pub fn baselines_dir(&self) -> PathBuf {
        self.root.join("cve-baseline")
    }

    /// Working files that are never committed: the lock and the commit journal.
    pub fn state_dir(&self) -> PathBuf {
        self.root.join(".hardline")
    }

    pub fn log(&self, image: &str) -> PathBuf {
        self.logs_dir().join(format!("{image}.jsonl"))
    }

    pub fn log_markdown(&self, image: &str) -> PathBuf {
        self.logs_dir().join(format!("{image}.md"))
    }

    pub fn baseline(&self, image: &str) -> PathBuf {
        self.baselines_dir().join(format!("{image}.json"))
    }

    pub fn lock(&self) -> PathBuf {
        self.state_dir().join("ledger.lock")
    }

    pub fn journal(&self) -> PathBuf {
        self.state_dir().join("journal.json")
    }

    /// A path relative to the root, for messages and the journal.
    pub fn relative<'a>(&self, path: &'a Path) -> &'a Path {
        path.strip_prefix(&self.root).unwrap_or(path)
    }
}

/// Image names become file names: only lower-case letters, digits, `.`, `_` and `-`, not
/// starting with a dot, so a name can never climb out of the ledger's folders.
pub fn check_image_name(name: &str) -> Result<(), LedgerError> {
    let valid = !name.is_empty()
        && name.len() <= 128
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'));
    if valid { Ok(()) } else { Err(LedgerError::BadImageName(name.to_owned())) }
}
