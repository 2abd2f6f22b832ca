//! [`LocalTracker`]: issues, comments and pull requests kept as files, for runs without a
//! GitHub token.
//!
//! Layout under the tracker directory (the CLI uses `<root>/.hardline/tracker/`):
//!
//! ```text
//! index.md            every issue and pull request, for people
//! issues/<n>.json     one issue with its comments (deterministic pretty JSON)
//! issues/<n>.md       the same issue rendered for people
//! pulls/<n>.json      a pull request, written by whoever simulates one (the demo);
//!                     auto-merge and comments are recorded in it
//! pulls/<n>.md        the same pull request rendered for people
//! ```
//!
//! Numbers are shared by issues and pull requests as on GitHub; comment ids are unique across
//! the tracker. Every file is written atomically (temporary file in the same directory, fsync,
//! rename, fsync of the directory) and only when its bytes change. The local tracker has one
//! writer at a time: hardline's commands run under the ledger's lock.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

mod markdown;

use crate::{
    AutoMerge, Comment, GITHUB_MAX_BODY_CHARS, Issue, IssueState, IssueUpdate, PullRequest,
    PullRequestHandle, PullRequestState, Tracker, TrackerError, body_too_long,
};

const TRACKER: &str = "local tracker";

/// The file-backed tracker.
#[derive(Debug, Clone)]
pub struct LocalTracker {
    dir: PathBuf,
}

/// One issue as stored in `issues/<n>.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct StoredIssue {
    pub number: u64,
    pub title: String,
    pub body: String,
    pub state: IssueState,
    #[serde(default)]
    pub labels: Vec<String>,
    #[serde(default)]
    pub comments: Vec<LocalComment>,
}

/// A comment as stored in an issue or pull request file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalComment {
    pub id: u64,
    pub body: String,
}

/// A pull request as stored in `pulls/<n>.json`. Fields this crate does not know are kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalPullRequest {
    pub number: u64,
    /// Defaults to `local-pr-<number>`.
    #[serde(default)]
    pub node_id: String,
    pub author: String,
    #[serde(default)]
    pub labels: Vec<String>,
    #[serde(default)]
    pub head_sha: String,
    #[serde(default = "open")]
    pub state: PullRequestState,
    /// `false` makes [`Tracker::enable_auto_merge`] answer `Unavailable`, like a repository
    /// whose settings do not allow auto-merge.
    #[serde(default = "allowed")]
    pub auto_merge_allowed: bool,
    /// `"squash"` once auto-merge is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_merge: Option<String>,
    #[serde(default)]
    pub comments: Vec<LocalComment>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

fn open() -> PullRequestState {
    PullRequestState::Open
}

fn allowed() -> bool {
    true
}

impl LocalPullRequest {
    /// An open pull request with auto-merge allowed and nothing else set.
    pub fn new(number: u64, author: &str) -> Self {
        Self {
            number,
            node_id: String::new(),
            author: author.to_owned(),
            labels: Vec::new(),
            head_sha: String::new(),
            state: PullRequestState::Open,
            auto_merge_allowed: true,
            auto_merge: None,
            comments: Vec::new(),
            extra: BTreeMap::new(),
        }
    }
}

/// Where a number lives.
enum Thread {
    Issue(StoredIssue),
    Pull(LocalPullRequest),
}

impl LocalTracker {
    /// A tracker in `dir`. Nothing is created until the first write.
    pub fn new(dir: &Path) -> Self {
        Self { dir: dir.components().collect() }
    }

    /// The tracker directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes (or replaces) `pulls/<n>.json` and its view: how a demo simulates a pull request.
    pub fn put_pull_request(&mut self, pull: &LocalPullRequest) -> Result<(), TrackerError> {
        self.save_pull(pull)?;
        self.write_index()
    }

    /// Every stored issue, lowest number first.
    fn issues(&self) -> Result<Vec<StoredIssue>, TrackerError> {
        self.load_dir("issues")
    }

    fn pulls(&self) -> Result<Vec<LocalPullRequest>, TrackerError> {
        self.load_dir("pulls")
    }

    fn load_dir<T: serde::de::DeserializeOwned + Numbered>(&self, sub: &str) -> Result<Vec<T>, TrackerError> {
        let dir = self.dir.join(sub);
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(TrackerError::io(dir, e)),
        };
        let mut items = Vec::new();
        for entry in entries {
            let path = entry.map_err(|e| TrackerError::io(&dir, e))?.path();
            let is_numbered_json = path.extension().is_some_and(|e| e == "json")
                && path.file_stem().and_then(|s| s.to_str()).is_some_and(|s| s.parse::<u64>().is_ok());
            if is_numbered_json {
                items.push(read_json::<T>(&path)?);
            }
        }
        items.sort_by_key(Numbered::number);
        Ok(items)
    }

    fn issue_path(&self, number: u64) -> PathBuf {
        self.dir.join("issues").join(format!("{number}.json"))
    }

    fn pull_path(&self, number: u64) -> PathBuf {
        self.dir.join("pulls").join(format!("{number}.json"))
    }

    fn thread(&self, number: u64) -> Result<Thread, TrackerError> {
        let issue = self.issue_path(number);
        let pull = self.pull_path(number);
        match (issue.exists(), pull.exists()) {
            (true, true) => Err(TrackerError::Config {
                message: format!(
                    "{} holds both issue #{number} and pull request #{number}; numbers are shared",
                    self.dir.display()
                ),
            }),
            (true, false) => Ok(Thread::Issue(read_json(&issue)?)),
            (false, true) => Ok(Thread::Pull(read_json(&pull)?)),
            (false, false) => Err(TrackerError::NotFound {
                what: format!("issue or pull request #{number} in {}", self.dir.display()),
            }),
        }
    }

    fn issue(&self, number: u64) -> Result<StoredIssue, TrackerError> {
        match self.thread(number)? {
            Thread::Issue(issue) => Ok(issue),
            Thread::Pull(_) => Err(TrackerError::NotFound {
                what: format!("issue #{number} in {} (#{number} is a pull request)", self.dir.display()),
            }),
        }
    }

    fn save_issue(&self, issue: &StoredIssue) -> Result<(), TrackerError> {
        write_json(&self.issue_path(issue.number), issue)?;
        let view = self.dir.join("issues").join(format!("{}.md", issue.number));
        write_atomic(&view, markdown::issue_page(issue).as_bytes())
    }

    fn save_pull(&self, pull: &LocalPullRequest) -> Result<(), TrackerError> {
        write_json(&self.pull_path(pull.number), pull)?;
        let view = self.dir.join("pulls").join(format!("{}.md", pull.number));
        write_atomic(&view, markdown::pull_page(pull).as_bytes())
    }

    fn save_thread(&self, thread: &Thread) -> Result<(), TrackerError> {
        match thread {
            Thread::Issue(issue) => self.save_issue(issue),
            Thread::Pull(pull) => self.save_pull(pull),
        }?;
        self.write_index()
    }

    fn write_index(&self) -> Result<(), TrackerError> {
        let page = markdown::index(&self.issues()?, &self.pulls()?);
        write_atomic(&self.dir.join("index.md"), page.as_bytes())
    }

    /// Relative to the tracker's folder, so that what is recorded (in the audit log, say) does
    /// not depend on where the repository is checked out.
    fn issue_url(&self, number: u64) -> String {
        format!("issues/{number}.md")
    }

    fn comment(&self, number: u64, is_pull: bool, comment: &LocalComment) -> Comment {
        let kind = if is_pull { "pulls" } else { "issues" };
        Comment {
            id: comment.id,
            body: comment.body.clone(),
            html_url: format!("{kind}/{number}.md#comment-{}", comment.id),
        }
    }

    fn to_issue(&self, stored: &StoredIssue) -> Issue {
        Issue {
            number: stored.number,
            title: stored.title.clone(),
            body: stored.body.clone(),
            state: stored.state,
            labels: stored.labels.clone(),
            html_url: self.issue_url(stored.number),
        }
    }

    fn next_comment_id(&self) -> Result<u64, TrackerError> {
        let issues = self.issues()?;
        let pulls = self.pulls()?;
        let max = issues
            .iter()
            .flat_map(|i| &i.comments)
            .chain(pulls.iter().flat_map(|p| &p.comments))
            .map(|c| c.id)
            .max()
            .unwrap_or(0);
        Ok(max + 1)
    }
}

fn rejected(request: String, message: String) -> TrackerError {
    TrackerError::Rejected { tracker: TRACKER.to_owned(), request, message }
}

/// The local tracker stands in for GitHub, so it refuses what GitHub would.
const MAX_BODY_CHARS: usize = GITHUB_MAX_BODY_CHARS;

fn check_body(request: impl FnOnce() -> String, body: &str) -> Result<(), TrackerError> {
    match body_too_long(body, MAX_BODY_CHARS) {
        Some(message) => Err(rejected(request(), message)),
        None => Ok(()),
    }
}

fn check_title(request: impl FnOnce() -> String, title: &str) -> Result<(), TrackerError> {
    if title.trim().is_empty() {
        Err(rejected(request(), "title cannot be blank".to_owned()))
    } else {
        Ok(())
    }
}

fn merge_labels(labels: &mut Vec<String>, new: &[&str]) {
    labels.extend(new.iter().map(|l| (*l).to_owned()));
    labels.sort();
    labels.dedup();
}

impl Tracker for LocalTracker {
    fn kind(&self) -> &'static str {
        "local"
    }

    fn max_body_chars(&self) -> usize {
        MAX_BODY_CHARS
    }

    /// `local`, without the machine-specific folder, so that the log is the same wherever it
    /// was written.
    fn audit_name(&self) -> String {
        "local".to_owned()
    }

    fn find_issue(&mut self, marker: &str, label: Option<&str>) -> Result<Option<Issue>, TrackerError> {
        let issues = self.issues()?;
        let matching = |with_label: Option<&str>| {
            issues
                .iter()
                .filter(|i| with_label.is_none_or(|l| i.labels.iter().any(|x| x == l)))
                .find(|i| i.body.contains(marker))
        };
        let found = label.and_then(|l| matching(Some(l))).or_else(|| matching(None));
        Ok(found.map(|i| self.to_issue(i)))
    }

    fn create_issue(&mut self, title: &str, body: &str, labels: &[&str]) -> Result<Issue, TrackerError> {
        let request = || "create issue".to_owned();
        check_title(request, title)?;
        check_body(request, body)?;
        let last_issue = self.issues()?.last().map_or(0, |i| i.number);
        let last_pull = self.pulls()?.last().map_or(0, |p| p.number);
        let mut issue = StoredIssue {
            number: last_issue.max(last_pull) + 1,
            title: title.to_owned(),
            body: body.to_owned(),
            state: IssueState::Open,
            labels: Vec::new(),
            comments: Vec::new(),
        };
        merge_labels(&mut issue.labels, labels);
        self.save_thread(&Thread::Issue(issue.clone()))?;
        Ok(self.to_issue(&issue))
    }

    fn update_issue(&mut self, number: u64, update: &IssueUpdate) -> Result<Issue, TrackerError> {
        let request = || format!("update issue #{number}");
        let mut issue = self.issue(number)?;
        if let Some(title) = &update.title {
            check_title(request, title)?;
            issue.title.clone_from(title);
        }
        if let Some(body) = &update.body {
            check_body(request, body)?;
            issue.body.clone_from(body);
        }
        if let Some(state) = update.state {
            issue.state = state;
        }
        self.save_thread(&Thread::Issue(issue.clone()))?;
        Ok(self.to_issue(&issue))
    }

    fn list_comments(&mut self, number: u64) -> Result<Vec<Comment>, TrackerError> {
        Ok(match self.thread(number)? {
            Thread::Issue(i) => i.comments.iter().map(|c| self.comment(number, false, c)).collect(),
            Thread::Pull(p) => p.comments.iter().map(|c| self.comment(number, true, c)).collect(),
        })
    }

    fn create_comment(&mut self, number: u64, body: &str) -> Result<Comment, TrackerError> {
        check_body(|| format!("comment on #{number}"), body)?;
        let mut thread = self.thread(number)?;
        let comment = LocalComment { id: self.next_comment_id()?, body: body.to_owned() };
        let is_pull = match &mut thread {
            Thread::Issue(i) => {
                i.comments.push(comment.clone());
                false
            }
            Thread::Pull(p) => {
                p.comments.push(comment.clone());
                true
            }
        };
        self.save_thread(&thread)?;
        Ok(self.comment(number, is_pull, &comment))
    }

    fn update_comment(&mut self, comment_id: u64, body: &str) -> Result<Comment, TrackerError> {
        check_body(|| format!("update comment {comment_id}"), body)?;
        let threads =
            self.issues()?.into_iter().map(Thread::Issue).chain(self.pulls()?.into_iter().map(Thread::Pull));
        for mut thread in threads {
            let (number, is_pull, comments) = match &mut thread {
                Thread::Issue(i) => (i.number, false, &mut i.comments),
                Thread::Pull(p) => (p.number, true, &mut p.comments),
            };
            if let Some(comment) = comments.iter_mut().find(|c| c.id == comment_id) {
                comment.body = body.to_owned();
                let updated = comment.clone();
                self.save_thread(&thread)?;
                return Ok(self.comment(number, is_pull, &updated));
            }
        }
        Err(TrackerError::NotFound { what: format!("comment {comment_id} in {}", self.dir.display()) })
    }

    fn add_labels(&mut self, number: u64, labels: &[&str]) -> Result<(), TrackerError> {
        let mut thread = self.thread(number)?;
        match &mut thread {
            Thread::Issue(i) => merge_labels(&mut i.labels, labels),
            Thread::Pull(p) => merge_labels(&mut p.labels, labels),
        }
        self.save_thread(&thread)
    }

    fn pull_request(&mut self, number: u64) -> Result<PullRequest, TrackerError> {
        let path = self.pull_path(number);
        if !path.exists() {
            return Err(TrackerError::NotFound {
                what: format!("pull request #{number} ({} does not exist)", path.display()),
            });
        }
        let pull: LocalPullRequest = read_json(&path)?;
        Ok(PullRequest {
            number: pull.number,
            handle: PullRequestHandle::new(if pull.node_id.is_empty() {
                format!("local-pr-{}", pull.number)
            } else {
                pull.node_id
            }),
            author: pull.author,
            labels: pull.labels,
            head_sha: pull.head_sha,
            state: pull.state,
            auto_merge: pull.auto_merge.is_some(),
        })
    }

    fn enable_auto_merge(&mut self, pr: &PullRequest) -> Result<AutoMerge, TrackerError> {
        let path = self.pull_path(pr.number);
        if !path.exists() {
            return Err(TrackerError::NotFound {
                what: format!("pull request #{} ({} does not exist)", pr.number, path.display()),
            });
        }
        let mut pull: LocalPullRequest = read_json(&path)?;
        if !pull.auto_merge_allowed {
            return Ok(AutoMerge::Unavailable(format!(
                "auto-merge is not allowed for this repository (pulls/{}.json has auto_merge_allowed: false)",
                pr.number
            )));
        }
        if pull.state != PullRequestState::Open {
            return Ok(AutoMerge::Unavailable(format!("pull request #{} is not open", pr.number)));
        }
        pull.auto_merge = Some("squash".to_owned());
        self.save_thread(&Thread::Pull(pull))?;
        Ok(AutoMerge::Enabled)
    }

    fn describe(&self) -> String {
        format!("local {}", self.dir.display())
    }
}

trait Numbered {
    fn number(&self) -> u64;
}

impl Numbered for StoredIssue {
    fn number(&self) -> u64 {
        self.number
    }
}

impl Numbered for LocalPullRequest {
    fn number(&self) -> u64 {
        self.number
    }
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, TrackerError> {
    let text = std::fs::read_to_string(path).map_err(|e| TrackerError::io(path, e))?;
    serde_json::from_str(&text).map_err(|source| TrackerError::Json { path: path.to_owned(), source })
}

fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), TrackerError> {
    let mut text = serde_json::to_string_pretty(value)
        .map_err(|source| TrackerError::Json { path: path.to_owned(), source })?;
    text.push('\n');
    write_atomic(path, text.as_bytes())
}

/// Writes `bytes` to `path` through a temporary file in the same directory, fsynced and
/// renamed into place; does nothing when the file already holds exactly these bytes.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), TrackerError> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| TrackerError::io(dir, e))?;
    let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(|e| TrackerError::io(dir, e))?;
    temp.write_all(bytes).map_err(|e| TrackerError::io(temp.path(), e))?;
    temp.as_file().sync_all().map_err(|e| TrackerError::io(temp.path(), e))?;
    temp.persist(path).map_err(|e| TrackerError::io(path, e.error))?;
    sync_dir(dir)
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> Result<(), TrackerError> {
    std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(|e| TrackerError::io(dir, e))
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> Result<(), TrackerError> {
    Ok(())
}
