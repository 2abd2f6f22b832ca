use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// An image's name as hardline knows it. It becomes file names (`audit-logs/<name>.jsonl`), a
/// label (`image:<name>`) and a marker in issues, so it is checked once, where it enters (a
/// command-line argument, a file name, a log line), and trusted everywhere after: lower-case
/// letters, digits, `.`, `_` and `-`, at most 128 bytes, not starting with a dot — it can never
/// climb out of the ledger's folders, and needs no escaping in Markdown or HTML. Nor ending in
/// `.cdx`: `cve-baseline/<image>.cdx.json` is an image's kept SBOM, so an image called `x.cdx`
/// would have its baseline view where the SBOM of `x` lives.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct ImageName(String);

/// A name that is not a valid [`ImageName`], and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InvalidImageName {
    #[error("an image name must not be empty")]
    Empty,
    /// Too long; only the name's start is kept, for the message.
    #[error(
        "invalid image name \"{start}…\": it is {length} bytes long, and an image name is at most {max} \
         (it becomes file names, a label and an issue marker)",
        max = ImageName::MAX_LEN
    )]
    TooLong { start: String, length: usize },
    #[error(
        "invalid image name {0:?}: use lower-case letters, digits, '.', '_' and '-', not starting with '.' \
         (nor ending in \".cdx\", which names an SBOM)"
    )]
    Characters(String),
}

/// What an image's SBOM adds to its name (`cve-baseline/<image>.cdx.json`); no image name ends
/// with it.
pub const SBOM_STEM: &str = ".cdx";

impl ImageName {
    /// The longest name, in bytes.
    pub const MAX_LEN: usize = 128;

    pub fn new(name: impl Into<String>) -> Result<ImageName, InvalidImageName> {
        let name = name.into();
        if name.is_empty() {
            return Err(InvalidImageName::Empty);
        }
        if name.len() > ImageName::MAX_LEN {
            let start = name.chars().take(32).collect();
            return Err(InvalidImageName::TooLong { start, length: name.len() });
        }
        let valid = !name.starts_with('.')
            && !name.ends_with(SBOM_STEM)
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'));
        if valid { Ok(ImageName(name)) } else { Err(InvalidImageName::Characters(name)) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name among `known` this one is most likely a slip of (`postgres-secure` for
    /// `postgres-secured`, `postgres` for `postgres-secured`): the nearest by edit distance,
    /// if it is near enough to be a typo, or the only one that starts or ends with this one.
    /// For "did you mean …?".
    pub fn closest_in<'a>(&self, known: &'a [ImageName]) -> Option<&'a ImageName> {
        let typo = known
            .iter()
            .filter(|k| *k != self)
            .map(|k| (edit_distance(self.as_str(), k.as_str()), k))
            .filter(|(distance, k)| *distance <= (k.0.len().max(self.0.len()) / 3).max(1))
            .min_by_key(|(distance, _)| *distance)
            .map(|(_, k)| k);
        typo.or_else(|| {
            let mut part =
                known.iter().filter(|k| *k != self && (k.0.starts_with(&self.0) || k.0.ends_with(&self.0)));
            match (part.next(), part.next()) {
                (Some(only), None) => Some(only),
                _ => None,
            }
        })
    }
}

/// Levenshtein distance over bytes (image names are ASCII).
fn edit_distance(a: &str, b: &str) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.bytes().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.bytes().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1).min(row[j] + 1).min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

impl TryFrom<String> for ImageName {
    type Error = InvalidImageName;

    fn try_from(name: String) -> Result<Self, Self::Error> {
        ImageName::new(name)
    }
}

impl FromStr for ImageName {
    type Err = InvalidImageName;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        ImageName::new(name)
    }
}

impl Serialize for ImageName {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl fmt::Display for ImageName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for ImageName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for ImageName {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for ImageName {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_could_leave_the_ledger_folders_are_refused() {
        for good in ["postgres-secured", "php-mysql-secured", "a", "app_1.2"] {
            assert!(ImageName::new(good).is_ok(), "{good}");
        }
        for bad in ["", ".hidden", "../etc", "a/b", "Upper", "sp ace", &"x".repeat(129), "postgres.cdx"] {
            assert!(ImageName::new(bad).is_err(), "{bad}");
        }
        assert!(serde_json::from_str::<ImageName>("\"../x\"").is_err(), "checked when read back too");
    }

    #[test]
    fn a_long_name_is_refused_for_its_length_not_its_characters() {
        let message = ImageName::new("a".repeat(200)).expect_err("too long").to_string();
        assert!(message.contains("200 bytes long") && message.contains("at most 128"), "{message}");
        assert!(!message.contains("lower-case"), "{message}");
        assert!(ImageName::new("a".repeat(128)).is_ok());
        let message = ImageName::new("Upper").expect_err("characters").to_string();
        assert!(message.contains("lower-case"), "{message}");
        assert_eq!(serde_json::to_string(&ImageName::new("app").ok()).ok().as_deref(), Some("\"app\""));
    }

    #[test]
    fn a_slip_of_a_known_name_is_pointed_at() {
        let known: Vec<ImageName> = ["php-mysql-secured", "postgres-secured"]
            .iter()
            .map(|n| ImageName::new(*n).expect("valid"))
            .collect();
        let closest =
            |name: &str| ImageName::new(name).expect("valid").closest_in(&known).map(ImageName::as_str);
        assert_eq!(closest("postgres-secure"), Some("postgres-secured"));
        assert_eq!(closest("postgres-scured"), Some("postgres-secured"));
        assert_eq!(closest("postgres"), Some("postgres-secured"));
        assert_eq!(closest("php-mysq-secured"), Some("php-mysql-secured"));
        assert_eq!(closest("secured"), None, "two names end with it: no guess");
        assert_eq!(closest("redis"), None);
        assert_eq!(closest("postgres-secured"), None, "a known name is no slip");
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
