//! The fake's data: issues, comments, pull requests, faults and the request log.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// The largest issue or comment body GitHub accepts, in characters.
pub const MAX_BODY_CHARS: usize = 65_536;

/// An issue held by the fake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeIssue {
    pub number: u64,
    pub title: String,
    pub body: String,
    /// `open` or `closed`.
    pub state: String,
    pub labels: Vec<String>,
}

/// A comment on an issue or pull request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeComment {
    pub id: u64,
    pub issue: u64,
    pub body: String,
}

/// A pull request held by the fake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakePullRequest {
    pub number: u64,
    pub node_id: String,
    pub author: String,
    pub labels: Vec<String>,
    pub head_sha: String,
    /// The branch the pull request comes from.
    pub head_ref: String,
    /// `owner/name` of the fork holding the head branch; `None`: the base repository itself.
    pub head_repo: Option<String>,
    /// Whether the head repository is a fork (GitHub's `head.repo.fork`).
    pub fork: bool,
    /// The description, as its author (Renovate, say) wrote it.
    pub body: String,
    /// The files it changes, as (path, status: `added`, `modified`, `removed`, `renamed`).
    pub files: Vec<(String, String)>,
    /// `open` or `closed`.
    pub state: String,
    pub merged: bool,
    /// The merge method once auto-merge is enabled (`SQUASH`, `MERGE`, `REBASE`).
    pub auto_merge: Option<String>,
}

/// How a test describes a pull request to [`crate::FakeGitHub::add_pull`]. Fields left at
/// their default are derived from the number, as [`crate::FakeGitHub::add_pull_request`] does.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullSpec {
    pub number: u64,
    pub author: String,
    pub labels: Vec<String>,
    /// Default: the number as 40 hex digits.
    pub head_sha: Option<String>,
    /// Default: `renovate/pr-<number>`.
    pub head_ref: Option<String>,
    /// `owner/name` of the fork; default: the base repository (then `fork` should be false).
    pub head_repo: Option<String>,
    pub fork: bool,
    pub body: String,
    /// (path, status) of each changed file.
    pub files: Vec<(String, String)>,
}

/// A commit status (`POST /repos/{o}/{r}/statuses/{sha}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeStatus {
    pub id: u64,
    pub sha: String,
    pub context: String,
    /// `error`, `failure`, `pending` or `success`.
    pub state: String,
    pub description: String,
    pub target_url: String,
}

/// A `workflow_dispatch` as received (`POST /repos/{o}/{r}/actions/workflows/{id}/dispatches`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeDispatch {
    /// The workflow's file name (`scan.yml`) or id, as requested.
    pub workflow: String,
    /// The branch or tag, as requested (`main` or `refs/heads/main`).
    pub git_ref: String,
    /// The `inputs` object, as JSON text (`{}` when none).
    pub inputs: String,
}

/// One request as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRequest {
    pub method: String,
    /// The path with its query string.
    pub path: String,
    pub body: String,
}

/// A scripted failure: the next request matching `method` (any when `None`) and `path_prefix`
/// gets `status`, `headers` and `body` instead of its normal answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub method: Option<String>,
    pub path_prefix: String,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// The answer's body; a GitHub-like JSON message for the status when `None`.
    pub body: Option<String>,
    /// Process the request first, then answer with the failure: a create that "failed" but
    /// happened, as after a 502 from a proxy that timed out waiting for GitHub.
    pub after_processing: bool,
}

impl Fault {
    /// A failure of any method under `path_prefix`.
    pub fn new(path_prefix: &str, status: u16) -> Self {
        Self {
            method: None,
            path_prefix: path_prefix.to_owned(),
            status,
            headers: Vec::new(),
            body: None,
            after_processing: false,
        }
    }

    /// Only for this method.
    pub fn method(mut self, method: &str) -> Self {
        self.method = Some(method.to_ascii_uppercase());
        self
    }

    /// Adds a response header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Replaces the response body.
    pub fn body(mut self, body: &str) -> Self {
        self.body = Some(body.to_owned());
        self
    }

    /// Processes the request before failing it.
    pub fn after_processing(mut self) -> Self {
        self.after_processing = true;
        self
    }

    pub(crate) fn matches(&self, method: &str, path: &str) -> bool {
        self.method.as_deref().is_none_or(|m| m == method) && path.starts_with(&self.path_prefix)
    }
}

/// Everything the fake remembers between requests.
#[derive(Debug)]
pub(crate) struct State {
    pub token: String,
    pub base_url: String,
    /// Shared by issues and pull requests, as on GitHub.
    pub next_number: u64,
    pub next_comment_id: u64,
    pub issues: BTreeMap<u64, FakeIssue>,
    pub comments: BTreeMap<u64, FakeComment>,
    pub pulls: BTreeMap<u64, FakePullRequest>,
    pub auto_merge_allowed: bool,
    /// Repeat the request's `Authorization` header in every error message.
    pub echo_authorization: bool,
    pub faults: VecDeque<Fault>,
    pub log: Vec<LoggedRequest>,
    /// Tokens that authenticate but may only read: a fork's pull request token. Writes get
    /// GitHub's 403 "Resource not accessible by integration".
    pub read_only_tokens: BTreeSet<String>,
    pub next_status_id: u64,
    pub statuses: Vec<FakeStatus>,
    /// Status contexts branch protection requires before auto-merge merges (empty: none).
    pub required_contexts: Vec<String>,
    /// Workflow files that exist, and whether each has a `workflow_dispatch` trigger.
    pub workflows: BTreeMap<String, bool>,
    pub dispatches: Vec<FakeDispatch>,
    /// Branches that exist (dispatches need a real ref).
    pub branches: BTreeSet<String>,
}

impl State {
    pub(crate) fn new(token: &str, base_url: String) -> Self {
        Self {
            token: token.to_owned(),
            base_url,
            next_number: 1,
            next_comment_id: 1,
            issues: BTreeMap::new(),
            comments: BTreeMap::new(),
            pulls: BTreeMap::new(),
            auto_merge_allowed: true,
            echo_authorization: false,
            faults: VecDeque::new(),
            log: Vec::new(),
            read_only_tokens: BTreeSet::new(),
            next_status_id: 1,
            statuses: Vec::new(),
            required_contexts: Vec::new(),
            workflows: BTreeMap::new(),
            dispatches: Vec::new(),
            branches: BTreeSet::from(["main".to_owned()]),
        }
    }

    pub(crate) fn add_pull(&mut self, spec: PullSpec) {
        let number = spec.number;
        let mut labels = spec.labels;
        labels.sort();
        labels.dedup();
        self.pulls.insert(
            number,
            FakePullRequest {
                number,
                node_id: format!("PR_fake{number}"),
                author: spec.author,
                labels,
                head_sha: spec.head_sha.unwrap_or_else(|| format!("{number:040x}")),
                head_ref: spec.head_ref.unwrap_or_else(|| format!("renovate/pr-{number}")),
                head_repo: spec.head_repo,
                fork: spec.fork,
                body: spec.body,
                files: spec.files,
                state: "open".to_owned(),
                merged: false,
                auto_merge: None,
            },
        );
        self.next_number = self.next_number.max(number + 1);
    }

    /// The latest status of each context for a commit, as GitHub's combined status keeps it.
    pub(crate) fn latest_statuses(&self, sha: &str) -> Vec<&FakeStatus> {
        let mut latest: BTreeMap<&str, &FakeStatus> = BTreeMap::new();
        for status in self.statuses.iter().filter(|s| s.sha == sha) {
            latest.insert(&status.context, status);
        }
        latest.into_values().collect()
    }

    /// What GitHub does on its own: an open pull request with auto-merge enabled merges as
    /// soon as every required status context of its head commit is `success`.
    pub(crate) fn merge_ready_pulls(&mut self) {
        let ready: Vec<u64> = self
            .pulls
            .values()
            .filter(|p| p.state == "open" && p.auto_merge.is_some())
            .filter(|p| {
                let latest = self.latest_statuses(&p.head_sha);
                self.required_contexts
                    .iter()
                    .all(|c| latest.iter().any(|s| &s.context == c && s.state == "success"))
            })
            .map(|p| p.number)
            .collect();
        for number in ready {
            if let Some(pull) = self.pulls.get_mut(&number) {
                pull.merged = true;
                pull.state = "closed".to_owned();
            }
        }
    }

    pub(crate) fn add_issue(&mut self, title: &str, body: &str, labels: &[String]) -> u64 {
        let number = self.next_number;
        self.next_number += 1;
        let mut labels = labels.to_vec();
        labels.sort();
        labels.dedup();
        self.issues.insert(
            number,
            FakeIssue {
                number,
                title: title.to_owned(),
                body: body.to_owned(),
                state: "open".to_owned(),
                labels,
            },
        );
        number
    }

    pub(crate) fn add_comment(&mut self, issue: u64, body: &str) -> u64 {
        let id = self.next_comment_id;
        self.next_comment_id += 1;
        self.comments.insert(id, FakeComment { id, issue, body: body.to_owned() });
        id
    }

    pub(crate) fn take_fault(&mut self, method: &str, path: &str) -> Option<Fault> {
        let index = self.faults.iter().position(|f| f.matches(method, path))?;
        self.faults.remove(index)
    }
}
