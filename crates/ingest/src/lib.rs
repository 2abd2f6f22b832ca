//! Reads one scanner report and yields a [`Scan`].
//!
//! Every input format is one module with its own raw serde types (`raw.rs`), kept apart from
//! the domain model, a mapping onto it (`mod.rs`), and one [`Format`] descriptor (name,
//! detection keys, version key, time key, parser) listed once in [`FORMATS`]. Today: Trivy's
//! JSON report (schema 2), SARIF 2.1.0 from any tool (hadolint, zizmor, semgrep, checkov,
//! Trivy…) and Grype's JSON report. SBOMs (CycloneDX, SPDX, syft) are recognised only to be
//! refused with a clear error: they list packages, not findings (`sbom.rs`).
//!
//! Reports can be tens of megabytes, so they are read whole into memory and deserialised in one
//! pass by `serde_json::from_slice` into types that borrow from the buffer: strings without
//! escapes are never copied, and fields hardline does not keep (descriptions, references, layer
//! lists…) are skipped without being allocated. Only what a [`hardline_model::Finding`] keeps is
//! turned into owned strings.
//!
//! With [`InputFormat::Auto`] the format is recognised from the report's first top-level keys
//! (see `detect.rs`); a forced format that contradicts those keys is an error rather than an
//! empty scan. [`batch`] reads the several reports of one call: in time order as a history, or
//! merged into one scan of one moment.

pub mod batch;
mod correlate;
mod detect;
mod ecosystem;
mod error;
mod format;
mod grype;
mod json;
mod options;
mod sarif;
mod sbom;
mod trivy;

use std::path::Path;

use hardline_model::Scan;

pub use correlate::{EQUIVALENT_CHECKS, Equivalence, correlate};
pub use error::{IngestError, UnknownInputFormat};
pub use format::{Format, InputFormat};
pub use options::ReadOptions;
pub use trivy::normalize_check_id;

/// Every input format, in the order detection and `--input` list them. Adding a format is a
/// module (`src/<format>/`, with its raw types and a `pub(crate) static FORMAT: Format`) and
/// one line here.
pub static FORMATS: &[&Format] = &[&trivy::FORMAT, &sarif::FORMAT, &grype::FORMAT];

/// Parses one report held in memory. `source` names it in errors (usually the file path).
/// Without a repository to look into: see [`parse_report_with`].
pub fn parse_report(bytes: &[u8], format: InputFormat, source: &str) -> Result<Scan, IngestError> {
    parse_report_with(bytes, format, source, &ReadOptions::default())
}

/// Parses one report held in memory, consulting `options` (the repository its paths point
/// into, the image's distribution). Equivalent checks of different scanners in it are merged
/// ([`correlate`]).
pub fn parse_report_with(
    bytes: &[u8],
    format: InputFormat,
    source: &str,
    options: &ReadOptions,
) -> Result<Scan, IngestError> {
    // A byte-order mark is not JSON, but editors on Windows like to add one.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let detected = detect::detect(bytes, format, source)?;
    Ok(correlate((detected.format.parse)(bytes, source, detected.version.as_ref(), options)?))
}

/// Reads and parses one report file; errors name the file as `path` displays.
pub fn read_report(path: &Path, format: InputFormat) -> Result<Scan, IngestError> {
    read_report_with(path, format, &ReadOptions::default())
}

/// [`read_report`], consulting `options`.
pub fn read_report_with(
    path: &Path,
    format: InputFormat,
    options: &ReadOptions,
) -> Result<Scan, IngestError> {
    let bytes = std::fs::read(path).map_err(|source| IngestError::Io { path: path.to_path_buf(), source })?;
    parse_report_with(&bytes, format, &path.display().to_string(), options)
}
