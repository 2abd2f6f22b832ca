//! `.hardline/feeds/`: where `hardline feeds update` keeps the feeds, each beside a small record
//! of how it was fetched (URL, `ETag`, `Last-Modified`), so that the next update asks the host
//! whether anything changed instead of downloading it again.
//!
//! Files are replaced atomically (a temporary file in the same folder, fsynced, renamed), so a
//! reader never sees half a feed, and a download that fails or does not parse never replaces
//! the file that was there.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::{FeedError, FeedKind};

/// The feeds folder of a repository.
#[derive(Clone, Debug)]
pub struct Store {
    dir: PathBuf,
}

/// How a stored file was fetched: what to send to ask for it again conditionally.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fetched {
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// When it was downloaded (RFC 3339).
    pub fetched_at: String,
}

impl Store {
    /// `<root>/.hardline/feeds`.
    pub fn of_repository(root: &Path) -> Store {
        Store { dir: root.join(".hardline").join("feeds") }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the feed is kept, named as its publisher names it.
    pub fn path(&self, kind: FeedKind) -> PathBuf {
        self.dir.join(match kind {
            FeedKind::Kev => "known_exploited_vulnerabilities.json",
            FeedKind::Epss => "epss_scores-current.csv.gz",
        })
    }

    /// The stored file, if there is one.
    pub fn existing(&self, kind: FeedKind) -> Option<PathBuf> {
        Some(self.path(kind)).filter(|p| p.is_file())
    }

    fn record_path(&self, kind: FeedKind) -> PathBuf {
        self.dir.join(format!("{}.fetched.json", kind.name()))
    }

    /// How the stored file was fetched; `None` when there is no file or no readable record.
    pub fn fetched(&self, kind: FeedKind) -> Option<Fetched> {
        self.existing(kind)?;
        let text = std::fs::read(self.record_path(kind)).ok()?;
        serde_json::from_slice(&text).ok()
    }

    /// Replaces the feed with `bytes` and records how they were fetched. The file goes first:
    /// a crash in between leaves a record that is merely older, which costs one download.
    pub fn save(&self, kind: FeedKind, bytes: &[u8], fetched: &Fetched) -> Result<(), FeedError> {
        std::fs::create_dir_all(&self.dir).map_err(FeedError::io(&self.dir))?;
        write_atomically(&self.path(kind), bytes)?;
        let record = serde_json::to_vec_pretty(fetched)
            .map_err(|e| FeedError::Unreadable { path: self.record_path(kind), message: e.to_string() })?;
        write_atomically(&self.record_path(kind), &record)
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), FeedError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(FeedError::io(dir))?;
    file.write_all(bytes).map_err(FeedError::io(path))?;
    file.as_file().sync_all().map_err(FeedError::io(path))?;
    file.persist(path).map_err(|e| FeedError::Io { path: path.to_path_buf(), source: e.error })?;
    // The rename is durable once the folder is.
    if let Ok(folder) = std::fs::File::open(dir) {
        let _ = folder.sync_all();
    }
    Ok(())
}
