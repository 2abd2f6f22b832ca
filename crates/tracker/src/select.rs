//! Choosing the backend: GitHub when a token and a repository are configured, else local files.

use std::path::Path;

use crate::{GitHubToken, GitHubTracker, LocalTracker, Tracker, TrackerError};

pub(crate) const DEFAULT_API_URL: &str = "https://api.github.com";

/// The environment values the choice depends on, passed explicitly so that it can be tested
/// without touching the process environment.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct TrackerEnv {
    /// `GITHUB_API_URL`.
    pub api_url: Option<String>,
    /// `GITHUB_GRAPHQL_URL`.
    pub graphql_url: Option<String>,
    /// `GITHUB_TOKEN`.
    pub token: Option<String>,
    /// `GITHUB_REPOSITORY`.
    pub repository: Option<String>,
}

impl std::fmt::Debug for TrackerEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrackerEnv")
            .field("api_url", &self.api_url)
            .field("graphql_url", &self.graphql_url)
            .field("token", &self.token.as_ref().map(|_| "GitHubToken(***)"))
            .field("repository", &self.repository)
            .finish()
    }
}

impl TrackerEnv {
    /// Reads the `GITHUB_*` variables; an empty or blank value counts as unset.
    pub fn from_process() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        Self {
            api_url: var("GITHUB_API_URL"),
            graphql_url: var("GITHUB_GRAPHQL_URL"),
            token: var("GITHUB_TOKEN"),
            repository: var("GITHUB_REPOSITORY"),
        }
    }
}

/// GitHub when both a token and a repository are set, else a [`LocalTracker`] in `local_dir`.
/// A set but malformed value (a repository that is not `owner/repo`) is an error, not a silent
/// fall back to local files.
pub fn select(env: &TrackerEnv, local_dir: &Path) -> Result<Box<dyn Tracker>, TrackerError> {
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
    if blank(&env.token) || blank(&env.repository) {
        return Ok(Box::new(LocalTracker::new(local_dir)));
    }
    let token = GitHubToken::new(env.token.clone().unwrap_or_default())?;
    let api = env.api_url.as_deref().filter(|s| !s.trim().is_empty()).unwrap_or(DEFAULT_API_URL);
    let mut tracker = GitHubTracker::new(api, token, env.repository.as_deref().unwrap_or_default())?;
    if let Some(graphql) = env.graphql_url.as_deref().filter(|s| !s.trim().is_empty()) {
        tracker = tracker.with_graphql_url(graphql);
    }
    Ok(Box::new(tracker))
}

/// [`select`] with the process environment.
pub fn from_env(local_dir: &Path) -> Result<Box<dyn Tracker>, TrackerError> {
    select(&TrackerEnv::from_process(), local_dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(token: Option<&str>, repository: Option<&str>) -> TrackerEnv {
        TrackerEnv {
            api_url: Some("http://127.0.0.1:9".to_owned()),
            graphql_url: None,
            token: token.map(str::to_owned),
            repository: repository.map(str::to_owned),
        }
    }

    #[test]
    fn github_needs_token_and_repository() {
        let dir = Path::new("/nonexistent/.hardline/tracker");
        let chosen = select(&env(Some("t0ken"), Some("acme/images")), dir).expect("github");
        assert_eq!(chosen.describe(), "github acme/images");
        let local = select(&env(None, Some("acme/images")), dir).expect("local");
        assert_eq!(local.describe(), "local /nonexistent/.hardline/tracker");
        let local = select(&env(Some("  "), Some("acme/images")), dir).expect("local");
        assert!(local.describe().starts_with("local "));
        let local = select(&env(Some("t0ken"), None), dir).expect("local");
        assert!(local.describe().starts_with("local "));
    }

    #[test]
    fn malformed_repository_is_an_error() {
        let err = select(&env(Some("s3cr3t-token"), Some("no-slash")), Path::new("x")).err();
        let message = err.expect("error").to_string();
        assert!(message.contains("owner/repo"));
        assert!(!message.contains("s3cr3t"));
    }

    #[test]
    fn debug_of_env_hides_the_token() {
        let shown = format!("{:?}", env(Some("s3cr3t-token"), Some("acme/images")));
        assert!(!shown.contains("s3cr3t"));
    }
}
