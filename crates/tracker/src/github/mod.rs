//! [`GitHubTracker`]: the [`Tracker`] trait over GitHub's REST and GraphQL APIs.

use std::fmt;
use std::sync::Arc;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

mod client;
mod pagination;
mod retry;
mod token;

pub use retry::{Clock, RetryPolicy, SystemClock};
pub use token::GitHubToken;

use crate::{
    AutoMerge, Comment, GITHUB_MAX_BODY_CHARS, Issue, IssueState, IssueUpdate, PullRequest,
    PullRequestHandle, PullRequestState, Tracker, TrackerError,
};
use client::{Client, Method, Page};
use pagination::with_query;

/// The public API, when `GITHUB_API_URL` is not set.
const DEFAULT_API_URL: &str = "https://api.github.com";

/// The GitHub backend when `GITHUB_TOKEN` and `GITHUB_REPOSITORY` are both set, as GitHub
/// Actions sets them, with `GITHUB_API_URL` (default the public API) and `GITHUB_GRAPHQL_URL`
/// (default derived from it); `None` otherwise.
pub(crate) fn from_env(env: &crate::TrackerEnv) -> Option<Result<Box<dyn Tracker>, TrackerError>> {
    let (token, repository) = (env.var("GITHUB_TOKEN")?, env.var("GITHUB_REPOSITORY")?);
    let build = || -> Result<Box<dyn Tracker>, TrackerError> {
        let api = env.var("GITHUB_API_URL").unwrap_or_else(|| DEFAULT_API_URL.to_owned());
        let mut tracker = GitHubTracker::new(&api, GitHubToken::new(token)?, &repository)?;
        if let Some(graphql) = env.var("GITHUB_GRAPHQL_URL") {
            tracker = tracker.with_graphql_url(&graphql);
        }
        Ok(Box::new(tracker))
    };
    Some(build())
}

/// At most this many pages are followed, so a `Link` loop cannot spin forever.
const MAX_PAGES: usize = 1_000;
/// How many of the newest issues are checked for an issue a failed create may have made.
const RECOVERY_WINDOW: &str = "30";

const ENABLE_AUTO_MERGE: &str = "mutation($pullRequestId: ID!) { \
enablePullRequestAutoMerge(input: {pullRequestId: $pullRequestId, mergeMethod: SQUASH}) { \
pullRequest { number autoMergeRequest { mergeMethod } } } }";

/// The GitHub backend. Its `Debug` shows the API base and the repository, never the token.
pub struct GitHubTracker {
    client: Client,
    owner: String,
    repo: String,
}

impl fmt::Debug for GitHubTracker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GitHubTracker")
            .field("api", &self.client.base())
            .field("repository", &format!("{}/{}", self.owner, self.repo))
            .field("token", &"GitHubToken(***)")
            .finish()
    }
}

impl GitHubTracker {
    /// A tracker for `repository` (`owner/repo`) at the REST base `base_url`
    /// (`https://api.github.com`, or `https://HOST/api/v3` for GitHub Enterprise Server).
    pub fn new(base_url: &str, token: GitHubToken, repository: &str) -> Result<Self, TrackerError> {
        let (owner, repo) = parse_repository(repository)?;
        if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
            return Err(TrackerError::Config {
                message: format!("GITHUB_API_URL must be an http(s) URL, got {base_url:?}"),
            });
        }
        Ok(Self { client: Client::new(base_url, None, token, Arc::new(SystemClock)), owner, repo })
    }

    /// Uses this GraphQL endpoint instead of the one derived from the REST base.
    pub fn with_graphql_url(mut self, url: &str) -> Self {
        self.client.set_graphql(url);
        self
    }

    /// Replaces the retry policy.
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.client.set_policy(policy);
        self
    }

    /// Replaces the clock the retry loop sleeps and reads time with.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.client.set_clock(clock);
        self
    }

    fn repo_path(&self, rest: &str) -> String {
        format!("/repos/{}/{}{rest}", self.owner, self.repo)
    }

    /// Follows `Link: rel="next"` from `first` and concatenates every page.
    fn get_all<T: DeserializeOwned>(&self, first: &str) -> Result<Vec<T>, TrackerError> {
        let mut items = Vec::new();
        let mut target = first.to_owned();
        for _ in 0..MAX_PAGES {
            let Page { json, next } = self.client.send(Method::Get, &target, None)?;
            items.extend(decode::<Vec<T>>(&target, json)?);
            match next {
                Some(next) => target = next,
                None => return Ok(items),
            }
        }
        Err(TrackerError::Decode {
            request: format!("GET {first}"),
            detail: format!("more than {MAX_PAGES} pages"),
        })
    }

    fn lowest_match(&self, query: &[(&str, &str)], marker: &str) -> Result<Option<Issue>, TrackerError> {
        let first = with_query(&self.repo_path("/issues"), query);
        let found = self
            .get_all::<RawIssue>(&first)?
            .into_iter()
            .filter(|issue| issue.pull_request.is_none())
            .filter(|issue| issue.body.as_deref().is_some_and(|b| b.contains(marker)))
            .min_by_key(|issue| issue.number);
        Ok(found.map(RawIssue::into_issue))
    }

    /// An issue with exactly this title and body among the newest ones: what a create that
    /// failed ambiguously may have left behind.
    fn recent_issue_like(&self, title: &str, body: &str) -> Result<Option<Value>, TrackerError> {
        let query =
            [("state", "all"), ("sort", "created"), ("direction", "desc"), ("per_page", RECOVERY_WINDOW)];
        let page = self.client.send(Method::Get, &with_query(&self.repo_path("/issues"), &query), None)?;
        let items = match page.json {
            Value::Array(items) => items,
            _ => return Ok(None),
        };
        Ok(items.into_iter().find(|item| {
            item.get("pull_request").is_none()
                && item.get("title").and_then(Value::as_str) == Some(title)
                && item.get("body").and_then(Value::as_str) == Some(body)
        }))
    }

    /// The last comment of an issue when its body is exactly `body`: what a create that failed
    /// ambiguously may have left behind. A publisher never posts the same text twice in a row,
    /// so taking an identical last comment as ours cannot hide a comment it meant to post.
    fn last_comment_like(&self, number: u64, body: &str) -> Result<Option<Value>, TrackerError> {
        let first =
            with_query(&self.repo_path(&format!("/issues/{number}/comments")), &[("per_page", "100")]);
        let last = self.get_all::<Value>(&first)?.pop();
        Ok(last.filter(|c| c.get("body").and_then(Value::as_str) == Some(body)))
    }
}

impl Tracker for GitHubTracker {
    fn kind(&self) -> &'static str {
        "github"
    }

    fn max_body_chars(&self) -> usize {
        GITHUB_MAX_BODY_CHARS
    }

    fn audit_name(&self) -> String {
        self.describe()
    }

    fn find_issue(&mut self, marker: &str, label: Option<&str>) -> Result<Option<Issue>, TrackerError> {
        if let Some(label) = label {
            let query = [("state", "all"), ("labels", label), ("per_page", "100")];
            if let Some(issue) = self.lowest_match(&query, marker)? {
                return Ok(Some(issue));
            }
        }
        self.lowest_match(&[("state", "all"), ("per_page", "100")], marker)
    }

    fn create_issue(&mut self, title: &str, body: &str, labels: &[&str]) -> Result<Issue, TrackerError> {
        let target = self.repo_path("/issues");
        let payload = json!({ "title": title, "body": body, "labels": labels });
        let recover = || self.recent_issue_like(title, body);
        let page = self.client.create(&target, &payload, &recover)?;
        Ok(decode::<RawIssue>(&target, page.json)?.into_issue())
    }

    fn update_issue(&mut self, number: u64, update: &IssueUpdate) -> Result<Issue, TrackerError> {
        let target = self.repo_path(&format!("/issues/{number}"));
        let mut payload = serde_json::Map::new();
        if let Some(title) = &update.title {
            payload.insert("title".to_owned(), json!(title));
        }
        if let Some(body) = &update.body {
            payload.insert("body".to_owned(), json!(body));
        }
        if let Some(state) = update.state {
            payload.insert("state".to_owned(), json!(state.as_str()));
        }
        let page = self.client.send(Method::Patch, &target, Some(&Value::Object(payload)))?;
        Ok(decode::<RawIssue>(&target, page.json)?.into_issue())
    }

    fn list_comments(&mut self, number: u64) -> Result<Vec<Comment>, TrackerError> {
        let first =
            with_query(&self.repo_path(&format!("/issues/{number}/comments")), &[("per_page", "100")]);
        Ok(self.get_all::<RawComment>(&first)?.into_iter().map(RawComment::into_comment).collect())
    }

    fn create_comment(&mut self, number: u64, body: &str) -> Result<Comment, TrackerError> {
        let target = self.repo_path(&format!("/issues/{number}/comments"));
        let payload = json!({ "body": body });
        let recover = || self.last_comment_like(number, body);
        let page = self.client.create(&target, &payload, &recover)?;
        Ok(decode::<RawComment>(&target, page.json)?.into_comment())
    }

    fn update_comment(&mut self, comment_id: u64, body: &str) -> Result<Comment, TrackerError> {
        let target = self.repo_path(&format!("/issues/comments/{comment_id}"));
        let page = self.client.send(Method::Patch, &target, Some(&json!({ "body": body })))?;
        Ok(decode::<RawComment>(&target, page.json)?.into_comment())
    }

    fn add_labels(&mut self, number: u64, labels: &[&str]) -> Result<(), TrackerError> {
        if labels.is_empty() {
            return Ok(());
        }
        // Adding labels is a set union, so a retry after an ambiguous failure is harmless.
        let target = self.repo_path(&format!("/issues/{number}/labels"));
        self.client.send(Method::Post, &target, Some(&json!({ "labels": labels })))?;
        Ok(())
    }

    fn pull_request(&mut self, number: u64) -> Result<PullRequest, TrackerError> {
        let target = self.repo_path(&format!("/pulls/{number}"));
        let page = self.client.send(Method::Get, &target, None)?;
        Ok(decode::<RawPull>(&target, page.json)?.into_pull_request())
    }

    fn enable_auto_merge(&mut self, pr: &PullRequest) -> Result<AutoMerge, TrackerError> {
        // Enabling auto-merge sets a state: repeating it after an ambiguous failure is harmless.
        let payload = json!({
            "query": ENABLE_AUTO_MERGE,
            "variables": { "pullRequestId": pr.handle.as_str() },
        });
        let target = self.client.graphql().to_owned();
        let page = self.client.send(Method::Post, &target, Some(&payload))?;
        auto_merge_outcome(&page.json)
    }

    fn describe(&self) -> String {
        format!("github {}/{}", self.owner, self.repo)
    }
}

/// Reads the answer of the auto-merge mutation. GraphQL reports refusals as `errors` in a 200:
/// "not found" is an error of ours; `FORBIDDEN` is a token that may not write (a fork's);
/// anything else (auto-merge not allowed in this repository, the pull request already
/// mergeable) is a reason not to auto-merge.
fn auto_merge_outcome(json: &Value) -> Result<AutoMerge, TrackerError> {
    let errors = json.get("errors").and_then(Value::as_array).cloned().unwrap_or_default();
    if !errors.is_empty() {
        let message = errors
            .iter()
            .map(|e| e.get("message").and_then(Value::as_str).unwrap_or("unknown error"))
            .collect::<Vec<_>>()
            .join("; ");
        let of_type = |kind: &str| errors.iter().any(|e| e.get("type").and_then(Value::as_str) == Some(kind));
        if of_type("FORBIDDEN") {
            return Err(TrackerError::Refused {
                request: "POST /graphql (enablePullRequestAutoMerge)".to_owned(),
                message,
            });
        }
        let not_found = of_type("NOT_FOUND");
        return if not_found {
            Err(TrackerError::GraphQl { message })
        } else {
            Ok(AutoMerge::Unavailable(message))
        };
    }
    match json.pointer("/data/enablePullRequestAutoMerge") {
        Some(Value::Null) | None => {
            Err(TrackerError::GraphQl { message: "enablePullRequestAutoMerge returned no data".to_owned() })
        }
        Some(_) => Ok(AutoMerge::Enabled),
    }
}

fn parse_repository(repository: &str) -> Result<(String, String), TrackerError> {
    let valid = |part: &str| {
        !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    match repository.trim().split_once('/') {
        Some((owner, repo)) if valid(owner) && valid(repo) => Ok((owner.to_owned(), repo.to_owned())),
        _ => Err(TrackerError::Config {
            message: format!("GITHUB_REPOSITORY must be owner/repo, got {repository:?}"),
        }),
    }
}

fn decode<T: DeserializeOwned>(target: &str, json: Value) -> Result<T, TrackerError> {
    serde_json::from_value(json)
        .map_err(|e| TrackerError::Decode { request: target.to_owned(), detail: e.to_string() })
}

#[derive(Deserialize)]
struct RawIssue {
    number: u64,
    title: String,
    body: Option<String>,
    state: String,
    #[serde(default)]
    labels: Vec<RawLabel>,
    #[serde(default)]
    html_url: String,
    pull_request: Option<Value>,
}

impl RawIssue {
    fn into_issue(self) -> Issue {
        Issue {
            number: self.number,
            title: self.title,
            body: self.body.unwrap_or_default(),
            state: if self.state == "closed" { IssueState::Closed } else { IssueState::Open },
            labels: self.labels.into_iter().map(RawLabel::into_name).collect(),
            html_url: self.html_url,
        }
    }
}

/// GitHub sends labels as objects; a label given by name alone is accepted too.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawLabel {
    Object { name: String },
    Name(String),
}

impl RawLabel {
    fn into_name(self) -> String {
        match self {
            Self::Object { name } | Self::Name(name) => name,
        }
    }
}

#[derive(Deserialize)]
struct RawComment {
    id: u64,
    body: Option<String>,
    #[serde(default)]
    html_url: String,
}

impl RawComment {
    fn into_comment(self) -> Comment {
        Comment { id: self.id, body: self.body.unwrap_or_default(), html_url: self.html_url }
    }
}

#[derive(Deserialize)]
struct RawPull {
    number: u64,
    node_id: String,
    user: Option<RawUser>,
    #[serde(default)]
    labels: Vec<RawLabel>,
    head: RawHead,
    state: String,
    #[serde(default)]
    merged: bool,
    merged_at: Option<String>,
    /// Set (an object) while auto-merge is enabled, `null` otherwise.
    #[serde(default)]
    auto_merge: Option<Value>,
}

#[derive(Deserialize)]
struct RawUser {
    login: String,
}

#[derive(Deserialize)]
struct RawHead {
    sha: String,
}

impl RawPull {
    fn into_pull_request(self) -> PullRequest {
        let state = if self.merged || self.merged_at.is_some() {
            PullRequestState::Merged
        } else if self.state == "closed" {
            PullRequestState::Closed
        } else {
            PullRequestState::Open
        };
        PullRequest {
            number: self.number,
            handle: PullRequestHandle::new(self.node_id),
            author: self.user.map(|u| u.login).unwrap_or_default(),
            labels: self.labels.into_iter().map(RawLabel::into_name).collect(),
            head_sha: self.head.sha,
            state,
            auto_merge: self.auto_merge.is_some_and(|a| !a.is_null()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_must_be_owner_slash_repo() {
        assert!(parse_repository("acme/images").is_ok());
        assert!(parse_repository("acme").is_err());
        assert!(parse_repository("acme/images/extra").is_err());
        assert!(parse_repository("/images").is_err());
    }

    #[test]
    fn auto_merge_refusal_is_unavailable() {
        let refused = json!({
            "data": { "enablePullRequestAutoMerge": null },
            "errors": [{ "type": "UNPROCESSABLE", "message": "Pull request Auto merge is not allowed for this repository" }]
        });
        assert_eq!(
            auto_merge_outcome(&refused).expect("not an error"),
            AutoMerge::Unavailable("Pull request Auto merge is not allowed for this repository".to_owned())
        );
        let missing =
            json!({ "errors": [{ "type": "NOT_FOUND", "message": "Could not resolve to a node" }] });
        assert!(auto_merge_outcome(&missing).is_err());
        let forbidden = json!({ "data": null, "errors": [{ "type": "FORBIDDEN", "message": "Resource not accessible by integration" }] });
        assert!(auto_merge_outcome(&forbidden).expect_err("refused").is_refused());
        let enabled = json!({ "data": { "enablePullRequestAutoMerge": { "pullRequest": { "number": 3 } } } });
        assert_eq!(auto_merge_outcome(&enabled).expect("enabled"), AutoMerge::Enabled);
    }
}
