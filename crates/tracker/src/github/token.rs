//! The GitHub token, redacted wherever it could be printed.

use std::fmt;

use crate::TrackerError;

/// A GitHub token. `Debug` and `Display` print `GitHubToken(***)`; only the HTTP client reads
/// the secret, to build the `Authorization` header.
#[derive(Clone, PartialEq, Eq)]
pub struct GitHubToken(String);

impl GitHubToken {
    /// Wraps a token, trimming surrounding whitespace (a token read from a file often ends in a
    /// newline). Refuses an empty token and one with characters a header cannot carry; the
    /// error never repeats the token.
    pub fn new(token: impl Into<String>) -> Result<Self, TrackerError> {
        let token = token.into();
        let trimmed = token.trim();
        if trimmed.is_empty() {
            return Err(TrackerError::Config { message: "the GitHub token is empty".to_owned() });
        }
        if !trimmed.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(TrackerError::Config {
                message: "the GitHub token contains characters that cannot be sent in a header".to_owned(),
            });
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The `Authorization` header value.
    pub(crate) fn bearer(&self) -> String {
        format!("Bearer {}", self.0)
    }

    /// A redactor for this token: what scrubs every answer from the server before it is read.
    pub(crate) fn redactor(&self) -> crate::Redactor {
        crate::Redactor::new([self.0.as_str()])
    }
}

impl fmt::Debug for GitHubToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("GitHubToken(***)")
    }
}

impl fmt::Display for GitHubToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("GitHubToken(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_are_redacted() {
        let token = GitHubToken::new("ghp_secret123\n").expect("valid token");
        assert_eq!(format!("{token:?}"), "GitHubToken(***)");
        assert_eq!(token.to_string(), "GitHubToken(***)");
        assert_eq!(token.bearer(), "Bearer ghp_secret123");
    }

    #[test]
    fn bad_tokens_are_refused_without_echo() {
        let err = GitHubToken::new("ghp_se cret").expect_err("space is refused");
        assert!(!err.to_string().contains("ghp_se"));
        assert!(GitHubToken::new("  ").is_err());
    }
}
