//! The fake's data: issues, comments, pull requests, faults and the request log.

use std::collections::{BTreeMap, VecDeque};

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
    /// `open` or `closed`.
    pub state: String,
    pub merged: bool,
    /// The merge method once auto-merge is enabled (`SQUASH`, `MERGE`, `REBASE`).
    pub auto_merge: Option<String>,
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
