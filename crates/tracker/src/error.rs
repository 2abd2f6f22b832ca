//! The one error type of the tracker layer.
//!
//! No variant carries a request header, so the token can never reach an error message: GitHub
//! errors show the method, the path, the status and GitHub's own `message` field.

use std::path::PathBuf;
use std::time::Duration;

/// Everything that can go wrong while talking to an issue tracker.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TrackerError {
    /// The tracker refused a request body (GitHub's 422, or the same limit checked locally).
    #[error("{tracker} refused the body of {request}: {message}")]
    Rejected { tracker: String, request: String, message: String },
    /// The token was missing, wrong or expired (401).
    #[error(
        "GitHub rejected the token for {request} ({status}: {message}); check GITHUB_TOKEN and its permissions"
    )]
    Unauthorized { request: String, status: u16, message: String },
    /// The token may read but not write here: GitHub's 403 "Resource not accessible by
    /// integration" on REST, or a `FORBIDDEN` GraphQL error. A fork's pull request token is
    /// read-only, so publishers treat this as a warning, never as a failed decision.
    #[error("GitHub refused {request}: {message}")]
    Refused { request: String, message: String },
    /// The thing asked for does not exist.
    #[error("not found: {what}")]
    NotFound { what: String },
    /// Rate limited for longer than the configured maximum wait, or on every attempt.
    #[error("GitHub rate limit hit on {request}: {message}")]
    RateLimited { request: String, message: String, retry_after: Option<Duration> },
    /// Any other unexpected HTTP status.
    #[error("GitHub answered {request} with {status}: {message}")]
    Http { request: String, status: u16, message: String },
    /// The request never got an answer (connection, timeout, TLS).
    #[error("could not reach GitHub for {request}: {detail}")]
    Transport { request: String, detail: String },
    /// GitHub answered with JSON of an unexpected shape.
    #[error("unexpected answer from GitHub to {request}: {detail}")]
    Decode { request: String, detail: String },
    /// A GraphQL call failed for a reason other than the ones a caller can act on.
    #[error("GitHub GraphQL error: {message}")]
    GraphQl { message: String },
    /// The tracker is not configured correctly (environment, repository name, token format).
    #[error("tracker configuration: {message}")]
    Config { message: String },
    /// A local tracker file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A local tracker file is not valid JSON of the expected shape.
    #[error("{}: {source}", path.display())]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
}

impl TrackerError {
    /// Whether the token was refused a write it lacks the permission for ([`Self::Refused`]).
    pub fn is_refused(&self) -> bool {
        matches!(self, Self::Refused { .. })
    }

    /// The tracker's own words for the error, without the request: GitHub's `message`.
    pub fn tracker_message(&self) -> String {
        match self {
            Self::Refused { message, .. }
            | Self::Rejected { message, .. }
            | Self::Unauthorized { message, .. }
            | Self::RateLimited { message, .. }
            | Self::Http { message, .. }
            | Self::GraphQl { message }
            | Self::Config { message } => message.clone(),
            other => other.to_string(),
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io { path: path.into(), source }
    }
}
