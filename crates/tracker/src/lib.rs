//! The tracker layer hardline publishes through: issues, comments, labels, pull requests and
//! auto-merge, behind one [`Tracker`] trait.
//!
//! Two backends, one folder each: `github/` ([`GitHubTracker`]: REST and GraphQL over `ureq`,
//! its HTTP client, retries and rate limits, `Link` pagination and the redacted token) and
//! `local/` ([`LocalTracker`]: JSON and Markdown files in a directory, the default when no token
//! is configured). Nothing outside `github/` knows GitHub: the trait speaks of issues, comments,
//! labels, pull requests with an opaque [`PullRequestHandle`], a body limit per tracker and a
//! [`Tracker::kind`]. [`select`] picks a backend from explicit environment values so that the
//! choice is testable; adding a tracker is a folder and a line there.
//!
//! [`Redactor`] (`redact.rs`) keeps secrets out of whatever a server answers and whatever the
//! CLI prints; every HTTP client of hardline uses it.

mod error;
mod github;
mod local;
mod redact;
mod select;

pub use error::TrackerError;
pub use github::{Clock, GitHubToken, GitHubTracker, RetryPolicy, SystemClock};
pub use local::{LocalComment, LocalPullRequest, LocalTracker};
pub use redact::{MIN_SECRET_LEN, REDACTED, Redactor, SECRET_VARIABLES};
pub use select::{TrackerEnv, from_env, select};

/// GitHub's limit on an issue or comment body, in characters: what [`GitHubTracker`] and
/// [`LocalTracker`] (which stands in for it) answer to [`Tracker::max_body_chars`], and the bound
/// publishers render to when no tracker is involved (`hardline gate --format markdown`).
pub const GITHUB_MAX_BODY_CHARS: usize = 65_536;

/// An issue tracker hardline can publish to.
pub trait Tracker {
    /// A short stable name for the kind of tracker: `github`, `local`.
    fn kind(&self) -> &'static str;
    /// The longest issue or comment body this tracker accepts, in characters. Publishers bound
    /// what they write by it.
    fn max_body_chars(&self) -> usize;
    /// How the audit log names this tracker: stable wherever the log is written (no local
    /// paths), e.g. `github owner/repo` or `local`.
    fn audit_name(&self) -> String;
    /// Finds the issue whose body contains `marker` (an HTML comment like
    /// `<!-- hardline:issue image=postgres-secured -->`), open or closed, searching issues that
    /// carry `label` first and then all issues if needed (a person may have removed the label).
    /// Returns the lowest-numbered match.
    fn find_issue(&mut self, marker: &str, label: Option<&str>) -> Result<Option<Issue>, TrackerError>;
    /// Opens an issue.
    fn create_issue(&mut self, title: &str, body: &str, labels: &[&str]) -> Result<Issue, TrackerError>;
    /// Changes an issue's title, body and/or state.
    fn update_issue(&mut self, number: u64, update: &IssueUpdate) -> Result<Issue, TrackerError>;
    /// All comments of an issue or pull request, oldest first.
    fn list_comments(&mut self, number: u64) -> Result<Vec<Comment>, TrackerError>;
    /// Adds a comment to an issue or pull request.
    fn create_comment(&mut self, number: u64, body: &str) -> Result<Comment, TrackerError>;
    /// Replaces a comment's body.
    fn update_comment(&mut self, comment_id: u64, body: &str) -> Result<Comment, TrackerError>;
    /// Adds labels to an issue or pull request (labels it already has are kept once).
    fn add_labels(&mut self, number: u64, labels: &[&str]) -> Result<(), TrackerError>;
    /// Reads a pull request.
    fn pull_request(&mut self, number: u64) -> Result<PullRequest, TrackerError>;
    /// Enables auto-merge (squash). When the repository does not allow auto-merge, returns
    /// `Ok(AutoMerge::Unavailable(reason))`, not an error.
    fn enable_auto_merge(&mut self, pr: &PullRequest) -> Result<AutoMerge, TrackerError>;
    /// `github owner/repo` or `local <dir>`, for people.
    fn describe(&self) -> String;
}

/// An issue as hardline sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub number: u64,
    pub title: String,
    pub body: String,
    pub state: IssueState,
    pub labels: Vec<String>,
    pub html_url: String,
}

/// Open or closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IssueState {
    Open,
    Closed,
}

impl IssueState {
    /// `open` or `closed`, as GitHub spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }
}

/// The fields of an issue to change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IssueUpdate {
    pub title: Option<String>,
    pub body: Option<String>,
    pub state: Option<IssueState>,
}

/// A comment on an issue or pull request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub id: u64,
    pub body: String,
    pub html_url: String,
}

/// The state of a pull request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PullRequestState {
    Open,
    Closed,
    Merged,
}

/// A pull request as the gate needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullRequest {
    pub number: u64,
    /// What the tracker needs to act on this pull request beyond its number (GitHub: the
    /// GraphQL node id auto-merge is enabled with). Opaque to everyone else.
    pub handle: PullRequestHandle,
    /// The author's login, e.g. `renovate[bot]`.
    pub author: String,
    pub labels: Vec<String>,
    pub head_sha: String,
    pub state: PullRequestState,
    /// Auto-merge is already enabled (GitHub's `auto_merge` is set): asking again would
    /// change nothing but the audit trail.
    pub auto_merge: bool,
}

/// The outcome of [`Tracker::enable_auto_merge`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AutoMerge {
    Enabled,
    /// Auto-merge cannot be enabled; the reason is the tracker's own words.
    Unavailable(String),
}

/// A tracker's own reference to a pull request, made and read only by that tracker.
#[derive(Clone, PartialEq, Eq)]
pub struct PullRequestHandle(String);

impl PullRequestHandle {
    pub(crate) fn new(value: impl Into<String>) -> PullRequestHandle {
        PullRequestHandle(value.into())
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for PullRequestHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PullRequestHandle({:?})", self.0)
    }
}

/// Refuses a body over `max` characters with GitHub's wording.
pub(crate) fn body_too_long(body: &str, max: usize) -> Option<String> {
    (body.chars().count() > max).then(|| format!("body is too long (maximum is {max} characters)"))
}
