use std::path::PathBuf;

use crate::format::{Format, expected_any, or_list};
use crate::limits::group;

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

    /// Bytes that are not UTF-8, anywhere in the report (a field hardline skips included).
    #[error(
        "{source_name}:{line}:{column}: invalid UTF-8 (byte 0x{byte:02X}); a report must be UTF-8 throughout"
    )]
    Encoding { source_name: String, line: usize, column: usize, byte: u8 },

    /// Larger than [`crate::Limits::max_report_bytes`].
    #[error(
        "{source_name}: the report is {size} the {limit} bytes hardline reads from one report; if it is \
         real, raise `max_report_size` under [limits] in hardline.toml",
        size = size.map_or_else(|| "larger than".to_owned(), |s| format!("{} bytes, more than", group(s))),
        limit = group(*limit)
    )]
    TooLarge { source_name: String, size: Option<u64>, limit: u64 },

    /// More findings than [`crate::Limits::max_findings`].
    #[error(
        "{source_name}: the report holds {} findings, more than the {} hardline records from one \
         report; if it is real, raise `max_findings` under [limits] in hardline.toml",
        group(*count as u64),
        group(*limit as u64)
    )]
    TooManyFindings { source_name: String, count: usize, limit: usize },

    /// Findings that would store more than [`crate::limits::MAX_SCAN_STORED_BYTES`].
    #[error(
        "{source_name}: the report's findings would store about {} bytes in the audit log, more than \
         the {} bytes one event may hold (GitHub refuses files over 100 MiB)",
        group(*bytes as u64),
        group(*limit as u64)
    )]
    TooMuchToStore { source_name: String, bytes: usize, limit: usize },

    /// An id longer than any real one ([`crate::limits::MAX_ID_BYTES`]).
    #[error(
        "{source_name}: a finding's {what} is {} bytes long (it starts {start:?}); ids longer than {} \
         bytes are refused",
        group(*bytes as u64),
        crate::limits::MAX_ID_BYTES
    )]
    AbsurdId { source_name: String, what: &'static str, bytes: usize, start: String },
}

/// An input format name that is neither `auto` nor a registered format.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown input format `{0}`: expected {expected}", expected = known_input_formats())]
pub struct UnknownInputFormat(pub String);

fn known_input_formats() -> String {
    or_list(crate::InputFormat::names().map(|n| format!("`{n}`")))
}
