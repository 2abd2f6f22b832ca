//! The HTTP client for GitHub: headers, timeouts, retries, error mapping.
//!
//! Requests carry `Authorization: Bearer <token>`; nothing here ever formats a header into an
//! error. Errors name the method, the path relative to the API base, the status and GitHub's
//! `message`. Every answer is scrubbed of the token before it is read (a server may echo the
//! header back in its text), so nothing built from it can carry the token: errors, GraphQL
//! messages, the reasons auto-merge is unavailable.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::GitHubToken;
use super::retry::{Clock, RateHeaders, RetryPolicy, Verdict, classify};
use crate::TrackerError;

const USER_AGENT: &str =
    concat!("hardline/", env!("CARGO_PKG_VERSION"), " (+https://github.com/hardline-sec/hardline)");
/// Responses larger than this are refused (a page of 100 issues of 65,536 characters each is
/// about 26 MB at worst in UTF-8).
const BODY_LIMIT: u64 = 64 * 1024 * 1024;
/// How GitHub's 403 begins when the token lacks a permission ("… by integration" for an
/// Actions or App token, "… by personal access token" for a fine-grained one).
const NOT_ACCESSIBLE: &str = "Resource not accessible by";
/// GitHub asks for at least a minute after a secondary rate limit that names no wait.
const SECONDARY_LIMIT_WAIT: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Post,
    Patch,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Patch => "PATCH",
        }
    }
}

/// A successful answer: its JSON and the `rel="next"` page, if any.
#[derive(Debug)]
pub(crate) struct Page {
    pub json: Value,
    pub next: Option<String>,
}

/// What a non-idempotent request does before it is retried after an ambiguous failure: look
/// for the thing it was creating, and return it when found.
pub(crate) type Recover<'a> = &'a dyn Fn() -> Result<Option<Value>, TrackerError>;

struct Failure {
    error: TrackerError,
    verdict: Verdict,
}

pub(crate) struct Client {
    agent: ureq::Agent,
    base: String,
    graphql: String,
    token: GitHubToken,
    /// Scrubs the token from every answer.
    redactor: crate::Redactor,
    policy: RetryPolicy,
    clock: Arc<dyn Clock>,
}

impl Client {
    pub(crate) fn new(base: &str, graphql: Option<&str>, token: GitHubToken, clock: Arc<dyn Clock>) -> Self {
        let base = base.trim_end_matches('/').to_owned();
        let graphql = graphql.map_or_else(|| graphql_url(&base), |g| g.trim_end_matches('/').to_owned());
        let loopback =
            ["http://127.", "http://localhost", "http://[::1]"].iter().any(|p| base.starts_with(p));
        let mut config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .user_agent(USER_AGENT)
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_recv_response(Some(Duration::from_secs(30)))
            .timeout_recv_body(Some(Duration::from_secs(60)));
        if loopback {
            config = config.proxy(None);
        }
        Self {
            agent: config.build().new_agent(),
            base,
            graphql,
            redactor: token.redactor(),
            token,
            policy: RetryPolicy::default(),
            clock,
        }
    }

    pub(crate) fn base(&self) -> &str {
        &self.base
    }

    pub(crate) fn set_policy(&mut self, policy: RetryPolicy) {
        self.policy = policy;
    }

    pub(crate) fn set_graphql(&mut self, url: &str) {
        self.graphql = url.trim_end_matches('/').to_owned();
    }

    pub(crate) fn set_clock(&mut self, clock: Arc<dyn Clock>) {
        self.clock = clock;
    }

    /// The GraphQL endpoint as a target for [`Client::send`].
    pub(crate) fn graphql(&self) -> &str {
        &self.graphql
    }

    /// Sends an idempotent request (GET, PATCH, label POST, GraphQL mutation that sets a state),
    /// retrying per the policy.
    pub(crate) fn send(
        &self,
        method: Method,
        target: &str,
        body: Option<&Value>,
    ) -> Result<Page, TrackerError> {
        self.run(method, target, body, None)
    }

    /// Sends a request that creates something. After a 5xx or a transport failure the request
    /// may or may not have been processed, so before each retry `recover` looks for what it
    /// would have created; when found, that is the answer and nothing is posted again.
    /// Rate-limit refusals (403/429) are retried without a check: GitHub did not process them.
    pub(crate) fn create(
        &self,
        target: &str,
        body: &Value,
        recover: Recover<'_>,
    ) -> Result<Page, TrackerError> {
        self.run(Method::Post, target, Some(body), Some(recover))
    }

    fn run(
        &self,
        method: Method,
        target: &str,
        body: Option<&Value>,
        recover: Option<Recover<'_>>,
    ) -> Result<Page, TrackerError> {
        let (url, shown) = self.resolve(method, target)?;
        let payload = match body {
            Some(value) => Some(
                serde_json::to_vec(value)
                    .map_err(|e| TrackerError::Decode { request: shown.clone(), detail: e.to_string() })?,
            ),
            None => None,
        };
        let mut attempt = 1;
        loop {
            let failure = match self.attempt(method, &url, &shown, payload.as_deref()) {
                Ok(page) => return Ok(page),
                Err(failure) => failure,
            };
            let wait = match failure.verdict {
                Verdict::Final => return Err(failure.error),
                Verdict::Transient => self.policy.backoff(attempt),
                Verdict::RateLimited(Some(wait)) if wait > self.policy.max_wait => {
                    return Err(TrackerError::RateLimited {
                        request: shown,
                        message: format!(
                            "GitHub asks to wait {}s, more than the {}s this run accepts; try again later",
                            wait.as_secs(),
                            self.policy.max_wait.as_secs()
                        ),
                        retry_after: Some(wait),
                    });
                }
                Verdict::RateLimited(Some(wait)) => wait,
                Verdict::RateLimited(None) => {
                    self.policy.backoff(attempt).max(SECONDARY_LIMIT_WAIT).min(self.policy.max_wait)
                }
            };
            if attempt >= self.policy.max_attempts {
                return Err(failure.error);
            }
            self.clock.sleep(wait);
            if let (Verdict::Transient, Some(recover)) = (&failure.verdict, recover)
                && let Some(found) = recover()?
            {
                return Ok(Page { json: found, next: None });
            }
            attempt += 1;
        }
    }

    /// The full URL and the text shown in errors. A target is a path below the API base or a
    /// full URL from a `Link` header, which must stay under the same base: the token is never
    /// sent anywhere else.
    fn resolve(&self, method: Method, target: &str) -> Result<(String, String), TrackerError> {
        if target.starts_with('/') {
            return Ok((format!("{}{target}", self.base), format!("{} {target}", method.as_str())));
        }
        if target == self.graphql {
            let shown = target.strip_prefix(&self.base).unwrap_or("/graphql");
            return Ok((target.to_owned(), format!("{} {shown}", method.as_str())));
        }
        match target.strip_prefix(&self.base) {
            Some(rest) if rest.starts_with('/') => {
                Ok((target.to_owned(), format!("{} {rest}", method.as_str())))
            }
            _ => Err(TrackerError::Config {
                message: format!(
                    "GitHub pointed to a page outside the API base {}; refusing to send the token there",
                    self.base
                ),
            }),
        }
    }

    fn attempt(
        &self,
        method: Method,
        url: &str,
        shown: &str,
        payload: Option<&[u8]>,
    ) -> Result<Page, Failure> {
        let bearer = self.token.bearer();
        let result = match (method, payload) {
            (Method::Get, _) => with_headers(self.agent.get(url), &bearer).call(),
            (Method::Post, body) => with_headers(self.agent.post(url), &bearer).send(body.unwrap_or(b"{}")),
            (Method::Patch, body) => with_headers(self.agent.patch(url), &bearer).send(body.unwrap_or(b"{}")),
        };
        let mut response = match result {
            Ok(response) => response,
            Err(error) => return Err(transport_failure(shown, &error, &self.redactor)),
        };
        let status = response.status().as_u16();
        let header =
            |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let next = header("link").and_then(|l| super::pagination::next_link(&l).map(str::to_owned));
        let rate = RateHeaders {
            retry_after: header("retry-after"),
            remaining: header("x-ratelimit-remaining"),
            reset: header("x-ratelimit-reset"),
        };
        let text = match response.body_mut().with_config().limit(BODY_LIMIT).read_to_string() {
            Ok(text) => text,
            Err(error) => return Err(transport_failure(shown, &error, &self.redactor)),
        };
        // Before anything reads it: a server that echoes the Authorization header must not get
        // the token into an error, a log or a comment.
        let text = self.redactor.scrub(&text).into_owned();
        if (200..300).contains(&status) {
            let json = if text.trim().is_empty() {
                Value::Null
            } else {
                serde_json::from_str(&text).map_err(|e| Failure {
                    error: TrackerError::Decode { request: shown.to_owned(), detail: e.to_string() },
                    verdict: Verdict::Final,
                })?
            };
            return Ok(Page { json, next });
        }
        let message = github_message(&text);
        let verdict = classify(status, &rate, &message, self.clock.now_epoch_seconds());
        Err(Failure { error: status_error(status, shown, &message, &text, &verdict), verdict })
    }
}

fn with_headers<B>(request: ureq::RequestBuilder<B>, bearer: &str) -> ureq::RequestBuilder<B> {
    request
        .header("Authorization", bearer)
        .header("Accept", "application/vnd.github+json")
        .header("X-GitHub-Api-Version", "2022-11-28")
        .header("Content-Type", "application/json")
}

fn transport_failure(shown: &str, error: &ureq::Error, redactor: &crate::Redactor) -> Failure {
    let verdict = match error {
        ureq::Error::Timeout(_)
        | ureq::Error::Io(_)
        | ureq::Error::ConnectionFailed
        | ureq::Error::HostNotFound
        | ureq::Error::Protocol(_) => Verdict::Transient,
        _ => Verdict::Final,
    };
    Failure {
        error: TrackerError::Transport {
            request: shown.to_owned(),
            detail: redactor.scrub(&error.to_string()).into_owned(),
        },
        verdict,
    }
}

fn status_error(status: u16, shown: &str, message: &str, body: &str, verdict: &Verdict) -> TrackerError {
    let request = shown.to_owned();
    match (status, verdict) {
        (_, Verdict::RateLimited(wait)) => {
            TrackerError::RateLimited { request, message: format!("{status}: {message}"), retry_after: *wait }
        }
        (401, _) => TrackerError::Unauthorized { request, status, message: message.to_owned() },
        (403, _) if message.starts_with(NOT_ACCESSIBLE) => {
            TrackerError::Refused { request, message: message.to_owned() }
        }
        (404, _) => TrackerError::NotFound { what: format!("{request} (GitHub: {message})") },
        (422, _) => TrackerError::Rejected {
            tracker: "GitHub".to_owned(),
            request,
            message: validation_message(body).unwrap_or_else(|| message.to_owned()),
        },
        _ => TrackerError::Http { request, status, message: message.to_owned() },
    }
}

/// GitHub's `message` field, or a placeholder for a body that is not GitHub JSON (a proxy's
/// HTML error page, say), which is not repeated.
fn github_message(body: &str) -> String {
    let message = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_owned));
    match message {
        Some(m) => truncate(&m, 300),
        None if body.trim().is_empty() => "(empty answer)".to_owned(),
        None => "(answer was not GitHub JSON)".to_owned(),
    }
}

/// The details of a 422 `Validation Failed`: each error's own message, or its field and code.
fn validation_message(body: &str) -> Option<String> {
    let value: Value = serde_json::from_str(body).ok()?;
    let errors = value.get("errors")?.as_array()?;
    let parts: Vec<String> = errors
        .iter()
        .map(|e| match e.get("message").and_then(Value::as_str) {
            Some(m) => m.to_owned(),
            None => {
                let field = e.get("field").and_then(Value::as_str).unwrap_or("?");
                let code = e.get("code").and_then(Value::as_str).unwrap_or("invalid");
                format!("{field} {}", code.replace('_', " "))
            }
        })
        .collect();
    if parts.is_empty() { None } else { Some(truncate(&parts.join("; "), 600)) }
}

fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// GraphQL lives at `/graphql` on github.com and at `/api/graphql` on GitHub Enterprise Server
/// (whose REST base is `/api/v3`).
fn graphql_url(base: &str) -> String {
    match base.strip_suffix("/api/v3") {
        Some(host) => format!("{host}/api/graphql"),
        None => format!("{base}/graphql"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(base: &str) -> Client {
        let token = GitHubToken::new("t").expect("token");
        Client::new(base, None, token, Arc::new(crate::SystemClock))
    }

    #[test]
    fn link_targets_must_stay_under_the_api_base() {
        let client = client("https://api.github.com/");
        let (url, shown) = client.resolve(Method::Get, "/repos/a/b/issues").expect("path");
        assert_eq!(url, "https://api.github.com/repos/a/b/issues");
        assert_eq!(shown, "GET /repos/a/b/issues");
        let next = "https://api.github.com/repositories/1/issues?page=2";
        assert_eq!(
            client.resolve(Method::Get, next).expect("same base").1,
            "GET /repositories/1/issues?page=2"
        );
        for elsewhere in ["https://evil.example/repos", "https://api.github.com.evil.example/x"] {
            let err = client.resolve(Method::Get, elsewhere).expect_err("refused");
            assert!(err.to_string().contains("refusing to send the token"));
        }
        let (url, shown) = client.resolve(Method::Post, "https://api.github.com/graphql").expect("graphql");
        assert_eq!((url.as_str(), shown.as_str()), ("https://api.github.com/graphql", "POST /graphql"));
    }

    #[test]
    fn graphql_url_for_dotcom_and_enterprise() {
        assert_eq!(graphql_url("https://api.github.com"), "https://api.github.com/graphql");
        assert_eq!(graphql_url("https://ghe.example/api/v3"), "https://ghe.example/api/graphql");
    }

    #[test]
    fn validation_message_prefers_github_text() {
        let body = r#"{"message":"Validation Failed","errors":[{"resource":"Issue","code":"custom","field":"body","message":"body is too long (maximum is 65536 characters)"}]}"#;
        assert_eq!(
            validation_message(body).as_deref(),
            Some("body is too long (maximum is 65536 characters)")
        );
        let body = r#"{"message":"Validation Failed","errors":[{"resource":"Issue","code":"missing_field","field":"title"}]}"#;
        assert_eq!(validation_message(body).as_deref(), Some("title missing field"));
    }

    #[test]
    fn non_json_bodies_are_not_repeated() {
        assert_eq!(github_message("<html>bad gateway</html>"), "(answer was not GitHub JSON)");
        assert_eq!(github_message(r#"{"message":"Bad credentials"}"#), "Bad credentials");
    }
}
