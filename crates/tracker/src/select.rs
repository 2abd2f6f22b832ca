//! Choosing the backend: the first tracker the environment configures, else local files.
//!
//! [`BACKENDS`] is the registry: each entry reads the variables it needs from a
//! [`TrackerEnv`] and answers `None` when they are not set (not configured), or the tracker (or
//! a configuration error: a variable set but malformed is an error, never a silent fall back to
//! local files). Adding a tracker is its folder and one line in [`BACKENDS`].

use std::collections::BTreeMap;
use std::path::Path;

use crate::{LocalTracker, Tracker, TrackerError, github};

/// A backend's constructor from the environment.
pub type Backend = fn(&TrackerEnv) -> Option<Result<Box<dyn Tracker>, TrackerError>>;

/// Every tracker but the local one, in the order they are tried.
pub static BACKENDS: &[Backend] = &[github::from_env];

/// The environment variables the choice depends on, passed explicitly so that it can be tested
/// without touching the process environment. Its `Debug` names the variables it holds, never
/// their values (one of them is a token).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct TrackerEnv {
    /// `None`: the process environment; else exactly these variables.
    given: Option<BTreeMap<String, String>>,
}

impl std::fmt::Debug for TrackerEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.given {
            None => f.write_str("TrackerEnv(process)"),
            Some(vars) => write!(f, "TrackerEnv({:?})", vars.keys().collect::<Vec<_>>()),
        }
    }
}

impl TrackerEnv {
    /// The process environment, read when a backend asks for a variable.
    pub fn from_process() -> Self {
        Self { given: None }
    }

    /// Exactly these variables (and no others).
    pub fn with(vars: impl IntoIterator<Item = (impl Into<String>, impl Into<String>)>) -> Self {
        Self { given: Some(vars.into_iter().map(|(k, v)| (k.into(), v.into())).collect()) }
    }

    /// A variable's value; an empty or blank value counts as unset.
    pub fn var(&self, name: &str) -> Option<String> {
        let value = match &self.given {
            None => std::env::var(name).ok(),
            Some(vars) => vars.get(name).cloned(),
        };
        value.filter(|v| !v.trim().is_empty())
    }
}

/// The first backend `env` configures, else a [`LocalTracker`] in `local_dir`.
pub fn select(env: &TrackerEnv, local_dir: &Path) -> Result<Box<dyn Tracker>, TrackerError> {
    for backend in BACKENDS {
        if let Some(tracker) = backend(env) {
            return tracker;
        }
    }
    Ok(Box::new(LocalTracker::new(local_dir)))
}

/// [`select`] with the process environment.
pub fn from_env(local_dir: &Path) -> Result<Box<dyn Tracker>, TrackerError> {
    select(&TrackerEnv::from_process(), local_dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(token: Option<&str>, repository: Option<&str>) -> TrackerEnv {
        let mut vars = vec![("GITHUB_API_URL", "http://127.0.0.1:9")];
        vars.extend(token.map(|t| ("GITHUB_TOKEN", t)));
        vars.extend(repository.map(|r| ("GITHUB_REPOSITORY", r)));
        TrackerEnv::with(vars)
    }

    #[test]
    fn github_needs_token_and_repository() {
        let dir = Path::new("/nonexistent/.hardline/tracker");
        let chosen = select(&env(Some("t0ken"), Some("acme/images")), dir).expect("github");
        assert_eq!((chosen.kind(), chosen.describe()), ("github", "github acme/images".to_owned()));
        let local = select(&env(None, Some("acme/images")), dir).expect("local");
        assert_eq!(
            (local.kind(), local.describe()),
            ("local", "local /nonexistent/.hardline/tracker".to_owned())
        );
        let local = select(&env(Some("  "), Some("acme/images")), dir).expect("local");
        assert_eq!(local.kind(), "local");
        let local = select(&env(Some("t0ken"), None), dir).expect("local");
        assert_eq!(local.kind(), "local");
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
        assert!(shown.contains("GITHUB_TOKEN"));
    }
}
