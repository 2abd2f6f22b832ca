//! What an input format is to the rest of the crate: one [`Format`] descriptor per format,
//! declared in the format's own module and listed once in [`crate::FORMATS`]. Detection, the
//! error messages, `--input` and the batch's ordering all read the descriptors; nothing else
//! names a format.

use std::fmt;
use std::str::FromStr;

use hardline_model::{Scan, Timestamp};

use crate::detect::{KeyAt, peek_string};
use crate::{FORMATS, IngestError, ReadOptions, UnknownInputFormat};

/// One input format.
pub struct Format {
    /// The `--input` name: `trivy`, `sarif`.
    pub(crate) name: &'static str,
    /// What a report of this format is, in a sentence: `a Trivy JSON report`.
    pub(crate) title: &'static str,
    /// The same with the versions read: `a Trivy JSON report (SchemaVersion 2)`.
    pub(crate) expected: &'static str,
    /// Top-level keys that identify a report of this format. The first key of a report that any
    /// format claims decides (scanners write their identifying key first).
    pub(crate) detect: &'static [DetectKey],
    /// The top-level key that carries the format's version, checked before the body is read.
    pub(crate) version_key: &'static str,
    /// The top-level key that says when the scan was made, if the format has one there: lets a
    /// batch order many reports by reading only their first bytes.
    pub(crate) time_key: Option<&'static str>,
    /// The top-level key that names the kind of artifact scanned, if any (`ArtifactType`):
    /// reports of one scanner on one kind of artifact are a history.
    pub(crate) artifact_key: Option<&'static str>,
    /// Parses a whole report.
    pub(crate) parse: Parse,
}

/// A format's parser: the report's bytes, its name for errors, the version key when detection
/// saw it (so that an unsupported version is refused before the body is read), and what the
/// parser may consult beyond the report.
pub(crate) type Parse = fn(
    bytes: &[u8],
    source: &str,
    version: Option<&KeyAt>,
    options: &ReadOptions,
) -> Result<Scan, IngestError>;

/// A top-level key that identifies a format.
pub(crate) enum DetectKey {
    /// The key alone decides (`SchemaVersion`, `runs`).
    Named(&'static str),
    /// The key decides when its value contains this text, case-insensitively (`$schema` naming a
    /// SARIF schema; a `$schema` of another kind decides nothing).
    ValueContains(&'static str, &'static str),
}

impl DetectKey {
    pub(crate) fn name(&self) -> &'static str {
        match self {
            DetectKey::Named(name) | DetectKey::ValueContains(name, _) => name,
        }
    }

    /// Whether a key with this name and raw (JSON) value decides.
    pub(crate) fn matches(&self, name: &[u8], raw_value: &[u8]) -> bool {
        match self {
            DetectKey::Named(expected) => name == expected.as_bytes(),
            DetectKey::ValueContains(expected, needle) => {
                let needle = needle.as_bytes();
                name == expected.as_bytes()
                    && raw_value.to_ascii_lowercase().windows(needle.len()).any(|w| w == needle)
            }
        }
    }
}

impl Format {
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// `a Trivy JSON report`.
    pub fn title(&self) -> &'static str {
        self.title
    }

    /// The scan's time, read from a report's first bytes without parsing it; `None` when the
    /// format has no such key or it is not among the first bytes.
    pub fn peek_time(&self, head: &[u8]) -> Option<Timestamp> {
        peek_string(head, self.time_key?).and_then(|text| Timestamp::parse(&text).ok())
    }

    /// The kind of artifact scanned, read from a report's first bytes.
    pub fn peek_artifact(&self, head: &[u8]) -> Option<String> {
        peek_string(head, self.artifact_key?)
    }

    /// The registered format called `name`.
    pub fn named(name: &str) -> Option<&'static Format> {
        FORMATS.iter().copied().find(|f| f.name.eq_ignore_ascii_case(name))
    }
}

impl PartialEq for Format {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Format {}

impl fmt::Debug for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Format({})", self.name)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// Which parser to use for a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFormat {
    /// Recognise the format from the report's top-level keys.
    Auto,
    /// This format, whatever the keys say (a contradiction is an error, not an empty scan).
    Forced(&'static Format),
}

impl InputFormat {
    /// Every value `--input` accepts: `auto`, then each format's name.
    pub fn names() -> impl Iterator<Item = &'static str> {
        std::iter::once("auto").chain(FORMATS.iter().map(|f| f.name))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            InputFormat::Auto => "auto",
            InputFormat::Forced(format) => format.name,
        }
    }
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for InputFormat {
    type Err = UnknownInputFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("auto") {
            return Ok(InputFormat::Auto);
        }
        Format::named(s).map(InputFormat::Forced).ok_or_else(|| UnknownInputFormat(s.to_owned()))
    }
}

/// `a, b or c`.
pub(crate) fn or_list(items: impl IntoIterator<Item = String>) -> String {
    let items: Vec<String> = items.into_iter().collect();
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// What any registered format is, for "not a scanner report" messages.
pub(crate) fn expected_any() -> String {
    or_list(FORMATS.iter().map(|f| f.expected.to_owned()))
}
