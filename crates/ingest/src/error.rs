use std::path::PathBuf;

use crate::format::{Format, expected_any, or_list};

/// Why a report could not be read. Every variant names the report; those about a place in it
/// also name the line and column (1-based, columns counted in bytes as `serde_json` does), and
/// every message says what was expected.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The file could not be read.
    #[error("{}: cannot read the report: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The input is not well-formed JSON (a stray character, or a truncated file).
    #[error("{source_name}:{line}:{column}: {message}")]
    Syntax { source_name: String, line: usize, column: usize, message: String },

    /// Well-formed JSON, but a report of no registered format.
    #[error("{source_name}: not a scanner report: {hint}; expected {}", expected_any())]
    UnknownFormat { source_name: String, hint: String },

    /// A document of a kind hardline recognises but does not read as a report (an SBOM).
    #[error(
        "{source_name}:{line}:{column}: this is {what} (top-level key `{key}`), not a scanner report; {}",
        crate::sbom::SCAN_IT_FIRST
    )]
    NotAReport { source_name: String, line: usize, column: usize, what: &'static str, key: &'static str },

    /// A known format in a version this parser does not read. Never guessed at: a new schema
    /// may mean something different with the same field names.
    #[error("{source_name}:{line}:{column}: unsupported {field} {found}; expected {expected}")]
    UnsupportedSchema {
        source_name: String,
        line: usize,
        column: usize,
        /// The key that carries the version (`Trivy SchemaVersion`, `SARIF version`).
        field: &'static str,
        /// The value found, as written in the report.
        found: String,
        expected: &'static str,
    },

    /// The format was forced, and the report is plainly the other one.
    #[error(
        "{source_name}:{line}:{column}: expected {} because the input format was set to \
         `{requested}`, but found {} (top-level key `{key}`); set the input format to `auto` \
         or `{found}`",
        requested.expected,
        found.title
    )]
    FormatMismatch {
        source_name: String,
        line: usize,
        column: usize,
        requested: &'static Format,
        found: &'static Format,
        /// The top-level key that gave the report away.
        key: &'static str,
    },

    /// Well-formed JSON of the right format whose content does not fit it (a string where a
    /// number belongs, a required field missing).
    #[error("{source_name}:{line}:{column}: invalid {format}: {message}")]
    Invalid { source_name: String, line: usize, column: usize, format: &'static str, message: String },
}

/// An input format name that is neither `auto` nor a registered format.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown input format `{0}`: expected {expected}", expected = known_input_formats())]
pub struct UnknownInputFormat(pub String);

fn known_input_formats() -> String {
    or_list(crate::InputFormat::names().map(|n| format!("`{n}`")))
}
