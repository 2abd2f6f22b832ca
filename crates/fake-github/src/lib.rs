//! A fake of the parts of the GitHub API hardline uses, for tests: a std-only HTTP/1.1 server
//! on `127.0.0.1:0`, in a background thread, with state kept across requests.
//!
//! Served: issues (list with `state`, `labels`, `direction`, `per_page`/`page` and `Link`
//! headers; create; get; update), issue comments (list, create, update), labels (add), pull
//! requests (get, with `head.repo.fork`), commit statuses (create; combined status), workflow
//! dispatches and the GraphQL mutation `enablePullRequestAutoMerge`. Bodies over 65,536
//! characters get GitHub's 422; a request without the expected token gets 401, a write with a
//! read-only token (a fork's pull request token) GitHub's 403 "Resource not accessible by
//! integration". Like GitHub, a pull request with auto-merge enabled merges once every required
//! status context of its head is `success`. Failures can be scripted with
//! [`FakeGitHub::fail_next`] and [`FakeGitHub::inject`], and [`FakeGitHub::echo_authorization`]
//! makes error messages repeat the `Authorization` header; every request is logged.
//!
//! The `fake-github` binary serves the same fake from its own process, driven through the
//! control endpoints of [`control`] (`/_fake/…`), for tests written in shell or Python.
//!
//! ```no_run
//! let github = hardline_fake_github::FakeGitHub::start("test-token");
//! github.seed_issues(150);
//! // point the client at github.url() ...
//! ```

pub mod control;
pub mod http;
mod routes;
mod state;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

pub use state::{
    FakeComment, FakeDispatch, FakeIssue, FakePullRequest, FakeStatus, Fault, LoggedRequest, MAX_BODY_CHARS,
    PullSpec,
};

/// A running fake. Stops when dropped.
#[derive(Debug)]
pub struct FakeGitHub {
    server: http::Server,
    state: Arc<Mutex<state::State>>,
}

impl FakeGitHub {
    /// Starts a fake that accepts `token` (as `Bearer` or `token`).
    ///
    /// # Panics
    /// When no loopback port can be bound.
    pub fn start(token: &str) -> Self {
        // The state needs the server's address (for URLs in answers) before the server can
        // answer: it is filled in once the port is known.
        let state = Arc::new(Mutex::new(state::State::new(token, String::new())));
        let server = {
            let state = Arc::clone(&state);
            http::Server::start(move |stream, request| {
                let response = {
                    let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
                    routes::handle(&mut state, &request)
                };
                let _ = http::write_response(stream, &response);
            })
        };
        state.lock().unwrap_or_else(PoisonError::into_inner).base_url = format!("http://{}", server.addr());
        Self { server, state }
    }

    /// `http://127.0.0.1:PORT`, the value for `GITHUB_API_URL`.
    pub fn url(&self) -> String {
        format!("http://{}", self.server.addr())
    }

    fn state(&self) -> MutexGuard<'_, state::State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The next request of any method whose path starts with `path_prefix` fails with `status`
    /// and `headers` (and a GitHub-like message for the status), before it is processed.
    pub fn fail_next(&self, path_prefix: &str, status: u16, headers: &[(&str, &str)]) {
        let fault = headers.iter().fold(Fault::new(path_prefix, status), |f, (k, v)| f.header(k, v));
        self.inject(fault);
    }

    /// Queues a scripted failure. Faults are used once each, first matching first.
    pub fn inject(&self, fault: Fault) {
        self.state().faults.push_back(fault);
    }

    /// Scripted failures not used yet.
    pub fn pending_faults(&self) -> usize {
        self.state().faults.len()
    }

    /// Whether every error message (statuses 400 and above, and GraphQL errors) repeats the
    /// request's `Authorization` header, as a careless server or proxy might: for proving that
    /// the token never reaches output even then. Off by default.
    pub fn echo_authorization(&self, on: bool) {
        self.state().echo_authorization = on;
    }

    /// Whether the repository allows auto-merge (it does by default).
    pub fn set_auto_merge_allowed(&self, allowed: bool) {
        self.state().auto_merge_allowed = allowed;
    }

    /// Creates `count` open issues titled `Seeded issue K`; returns their numbers.
    pub fn seed_issues(&self, count: usize) -> Vec<u64> {
        let mut state = self.state();
        (1..=count)
            .map(|k| state.add_issue(&format!("Seeded issue {k}"), &format!("Seeded body {k}."), &[]))
            .collect()
    }

    /// Creates an open issue; returns its number.
    pub fn add_issue(&self, title: &str, body: &str, labels: &[&str]) -> u64 {
        let labels: Vec<String> = labels.iter().map(|l| (*l).to_owned()).collect();
        self.state().add_issue(title, body, &labels)
    }

    /// Adds `count` comments `Seeded comment K` to an issue or pull request; returns their ids.
    pub fn seed_comments(&self, issue: u64, count: usize) -> Vec<u64> {
        let mut state = self.state();
        (1..=count).map(|k| state.add_comment(issue, &format!("Seeded comment {k}"))).collect()
    }

    /// Removes a label from an issue, as a person might.
    pub fn remove_label(&self, issue: u64, label: &str) {
        if let Some(issue) = self.state().issues.get_mut(&issue) {
            issue.labels.retain(|l| l != label);
        }
    }

    /// Replaces an issue's body, as a person (or an attacker) editing it might.
    pub fn set_issue_body(&self, issue: u64, body: &str) {
        if let Some(issue) = self.state().issues.get_mut(&issue) {
            issue.body = body.to_owned();
        }
    }

    /// Adds an open pull request with node id `PR_fake<number>` and a head SHA derived from
    /// the number. Later issue numbers are taken after it.
    pub fn add_pull_request(&self, number: u64, author: &str, labels: &[&str]) {
        self.add_pull(PullSpec {
            number,
            author: author.to_owned(),
            labels: labels.iter().map(|l| (*l).to_owned()).collect(),
            ..PullSpec::default()
        });
    }

    /// Adds an open pull request described in full (a fork's, say).
    pub fn add_pull(&self, spec: PullSpec) {
        self.state().add_pull(spec);
    }

    /// A token that authenticates but may only read, as a fork's pull request token.
    pub fn add_read_only_token(&self, token: &str) {
        self.state().read_only_tokens.insert(token.to_owned());
    }

    /// The status contexts auto-merge waits for (branch protection's required checks).
    pub fn set_required_contexts(&self, contexts: &[&str]) {
        self.state().required_contexts = contexts.iter().map(|c| (*c).to_owned()).collect();
    }

    /// Declares a workflow file, with or without a `workflow_dispatch` trigger.
    pub fn add_workflow(&self, file: &str, dispatchable: bool) {
        self.state().workflows.insert(file.to_owned(), dispatchable);
    }

    /// Declares a branch (`main` exists from the start).
    pub fn add_branch(&self, name: &str) {
        self.state().branches.insert(name.to_owned());
    }

    /// Every commit status posted, oldest first.
    pub fn statuses(&self) -> Vec<FakeStatus> {
        self.state().statuses.clone()
    }

    /// Every workflow dispatch accepted, oldest first.
    pub fn dispatches(&self) -> Vec<FakeDispatch> {
        self.state().dispatches.clone()
    }

    /// Every issue, lowest number first.
    pub fn issues(&self) -> Vec<FakeIssue> {
        self.state().issues.values().cloned().collect()
    }

    /// One issue.
    pub fn issue(&self, number: u64) -> Option<FakeIssue> {
        self.state().issues.get(&number).cloned()
    }

    /// The comments of an issue or pull request, oldest first.
    pub fn comments(&self, issue: u64) -> Vec<FakeComment> {
        self.state().comments.values().filter(|c| c.issue == issue).cloned().collect()
    }

    /// One pull request.
    pub fn pull_request(&self, number: u64) -> Option<FakePullRequest> {
        self.state().pulls.get(&number).cloned()
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.state().log.clone()
    }

    /// Forgets the request log.
    pub fn clear_requests(&self) {
        self.state().log.clear();
    }
}
