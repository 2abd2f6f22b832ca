//! Reads one scanner report and yields a [`Scan`].
//!
//! Two input formats are understood: Trivy's JSON report (schema 2) and SARIF 2.1.0 from any
//! tool (hadolint, zizmor, semgrep, checkov, Trivy…). Each format has its own module with its
//! own raw serde types (`raw.rs`), kept apart from the domain model, and a mapping onto it
//! (`mod.rs`).
//!
//! Reports can be tens of megabytes, so they are read whole into memory and deserialised in one
//! pass by `serde_json::from_slice` into types that borrow from the buffer: strings without
//! escapes are never copied, and fields hardline does not keep (descriptions, references, layer
//! lists…) are skipped without being allocated. Only what a [`hardline_model::Finding`] keeps is
//! turned into owned strings.
//!
//! With [`InputFormat::Auto`] the format is recognised from the report's first top-level keys
//! (see `detect.rs`); a forced format that contradicts those keys is an error rather than an
//! empty scan.

mod detect;
mod error;
mod json;
mod sarif;
mod trivy;

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use hardline_model::Scan;

pub use detect::{peek_created_at, peek_string};
pub use error::{IngestError, UnknownInputFormat};
pub use trivy::normalize_check_id;

/// Which parser to use for a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFormat {
    /// Recognise the format from the report's top-level keys.
    Auto,
    /// Trivy's JSON report, `SchemaVersion` 2.
    Trivy,
    /// A SARIF 2.1.0 log from any tool.
    Sarif,
}

impl InputFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            InputFormat::Auto => "auto",
            InputFormat::Trivy => "trivy",
            InputFormat::Sarif => "sarif",
        }
    }

    /// What a report of this format is, for messages.
    fn expected(self) -> &'static str {
        match self {
            InputFormat::Auto => "a Trivy JSON report (SchemaVersion 2) or a SARIF 2.1.0 log",
            InputFormat::Trivy => "a Trivy JSON report (SchemaVersion 2)",
            InputFormat::Sarif => "a SARIF 2.1.0 log",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            InputFormat::Auto => "a scanner report",
            InputFormat::Trivy => "a Trivy JSON report",
            InputFormat::Sarif => "a SARIF log",
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
        match s.to_ascii_lowercase().as_str() {
            "auto" => Ok(InputFormat::Auto),
            "trivy" => Ok(InputFormat::Trivy),
            "sarif" => Ok(InputFormat::Sarif),
            _ => Err(UnknownInputFormat(s.to_owned())),
        }
    }
}

/// Parses one report held in memory. `source` names it in errors (usually the file path).
pub fn parse_report(bytes: &[u8], format: InputFormat, source: &str) -> Result<Scan, IngestError> {
    // A byte-order mark is not JSON, but editors on Windows like to add one.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let detected = detect::detect(bytes, format, source)?;
    match detected.format {
        detect::Format::Trivy => trivy::parse(bytes, source, detected.version.as_ref()),
        detect::Format::Sarif => sarif::parse(bytes, source, detected.version.as_ref()),
    }
}

/// Reads and parses one report file; errors name the file as `path` displays.
pub fn read_report(path: &Path, format: InputFormat) -> Result<Scan, IngestError> {
    let bytes = std::fs::read(path).map_err(|source| IngestError::Io { path: path.to_path_buf(), source })?;
    parse_report(&bytes, format, &path.display().to_string())
}
