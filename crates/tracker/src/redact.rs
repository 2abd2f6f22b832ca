//! Keeping secrets out of text that could reach output.
//!
//! hardline never formats a token itself, but a server may: one that echoes the request's
//! `Authorization` header in its error `message` would otherwise have `Bearer ghp_…` printed,
//! logged by CI and posted in a comment. A [`Redactor`] replaces every occurrence of its secrets
//! (whatever comes before them: `Bearer`, `token`, nothing; in any letter case) with `***`.
//! Every HTTP client of hardline scrubs what a server answers before reading it, and the CLI
//! scrubs everything it prints, with the secrets of [`SECRET_VARIABLES`].

use std::borrow::Cow;

use crate::TrackerEnv;

/// Environment variables whose values are secrets, for every backend and client: what the CLI
/// scrubs from all its output. A client that reads a new secret adds its variable here.
pub static SECRET_VARIABLES: &[&str] = &["GITHUB_TOKEN"];

/// Secrets shorter than this are not scrubbed: no real token is that short, and scrubbing a
/// two-letter "secret" would blank out ordinary words.
pub const MIN_SECRET_LEN: usize = 8;

/// What replaces a secret.
pub const REDACTED: &str = "***";

/// Replaces secrets in text. Its `Debug` names how many secrets it holds, never them.
#[derive(Clone, Default)]
pub struct Redactor {
    /// Each secret, trimmed, with its ASCII lower-case form for matching.
    secrets: Vec<(String, String)>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redactor({} secrets)", self.secrets.len())
    }
}

impl Redactor {
    /// A redactor for these secrets (surrounding whitespace ignored; ones shorter than
    /// [`MIN_SECRET_LEN`] skipped).
    pub fn new<S: AsRef<str>>(secrets: impl IntoIterator<Item = S>) -> Redactor {
        let mut redactor = Redactor::default();
        for secret in secrets {
            redactor.add(secret.as_ref());
        }
        redactor
    }

    /// The values of every [`SECRET_VARIABLES`] variable set in `env`.
    pub fn from_env(env: &TrackerEnv) -> Redactor {
        Redactor::new(SECRET_VARIABLES.iter().filter_map(|name| env.var(name)))
    }

    pub fn add(&mut self, secret: &str) {
        let secret = secret.trim();
        if secret.len() >= MIN_SECRET_LEN && !self.secrets.iter().any(|(s, _)| s == secret) {
            self.secrets.push((secret.to_owned(), secret.to_ascii_lowercase()));
            // Longest first, so that a secret containing another is replaced whole.
            self.secrets.sort_by_key(|(s, _)| std::cmp::Reverse(s.len()));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.secrets.is_empty()
    }

    /// `text` with every secret replaced by [`REDACTED`], matched without regard to ASCII
    /// letter case. Borrows when there is nothing to replace.
    pub fn scrub<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        for (_, lower) in &self.secrets {
            if let Some(replaced) = replace_ignoring_case(&out, lower) {
                out = Cow::Owned(replaced);
            }
        }
        out
    }
}

/// `text` with each ASCII-case-insensitive occurrence of `lower` (already lower-case) replaced,
/// or `None` when there is none.
fn replace_ignoring_case(text: &str, lower: &str) -> Option<String> {
    let haystack = text.to_ascii_lowercase();
    let mut found = haystack.match_indices(lower).peekable();
    found.peek()?;
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for (at, _) in found {
        if at < from {
            continue;
        }
        // ASCII lower-casing keeps byte offsets, and a secret of ASCII characters starts and
        // ends on character boundaries of the original text too.
        out.push_str(&text[from..at]);
        out.push_str(REDACTED);
        from = at + lower.len();
    }
    out.push_str(&text[from..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "ghp_Secret0123456789abcdefGHIJ";

    #[test]
    fn scrubs_the_token_in_each_of_its_forms() {
        let redactor = Redactor::new([TOKEN]);
        for (text, expected) in [
            (
                format!("Bad credentials (Authorization: Bearer {TOKEN})"),
                "Bad credentials (Authorization: Bearer ***)",
            ),
            (format!("authorization: token {TOKEN}"), "authorization: token ***"),
            (format!("BEARER {}", TOKEN.to_ascii_uppercase()), "BEARER ***"),
            (format!("{TOKEN}{TOKEN} é {TOKEN}"), "****** é ***"),
            ("nothing secret here".to_owned(), "nothing secret here"),
        ] {
            assert_eq!(redactor.scrub(&text), expected);
        }
        assert!(matches!(redactor.scrub("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn short_values_are_not_taken_for_secrets_and_debug_hides_them() {
        let redactor = Redactor::new(["t", "  ", "ab"]);
        assert!(redactor.is_empty());
        assert_eq!(redactor.scrub("a tab"), "a tab");
        let redactor = Redactor::new([format!(" {TOKEN}\n")]);
        assert_eq!(format!("{redactor:?}"), "Redactor(1 secrets)");
        assert_eq!(redactor.scrub(TOKEN), REDACTED);
    }

    #[test]
    fn reads_the_secret_variables_of_an_environment() {
        let env = TrackerEnv::with([("GITHUB_TOKEN", TOKEN), ("GITHUB_REPOSITORY", "owner/repo")]);
        let redactor = Redactor::from_env(&env);
        assert_eq!(redactor.scrub(&format!("x {TOKEN} owner/repo")), "x *** owner/repo");
    }
}
