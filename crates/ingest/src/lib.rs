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
//!
//! Every report, whatever its format, is read within [`Limits`] (`limits.rs`): at most so many
//! bytes from a regular file, UTF-8 throughout, at most so many findings, ids of a sane length,
//! and every stored field bounded. The bounds are applied here, around the format's parser, so
//! a new format gets them by being listed in [`FORMATS`].

pub mod batch;
mod correlate;
mod detect;
mod ecosystem;
mod error;
mod format;
mod grype;
mod json;
pub mod limits;
mod options;
mod sarif;
mod sbom;
mod trivy;

use std::path::Path;

use hardline_model::Scan;

pub use correlate::{EQUIVALENT_CHECKS, Equivalence, correlate};
pub use error::{IngestError, UnknownInputFormat};
pub use format::{Format, InputFormat};
pub use limits::{Limits, read_bounded};
pub use options::ReadOptions;
pub use trivy::normalize_check_id;

/// Every input format, in the order detection and `--input` list them. Adding a format is a
/// module (`src/<format>/`, with its raw types and a `pub(crate) static FORMAT: Format`) and
/// one line here.
pub static FORMATS: &[&Format] = &[&trivy::FORMAT, &sarif::FORMAT, &grype::FORMAT];

/// Parses one report held in memory. `source` names it in errors (usually the file path).
/// Without a repository to look into, within the default [`Limits`]: see [`parse_report_with`].
pub fn parse_report(bytes: &[u8], format: InputFormat, source: &str) -> Result<Scan, IngestError> {
    parse_report_with(bytes, format, source, &ReadOptions::default())
}

/// Parses one report held in memory, consulting `options` (the repository its paths point
/// into, the image's distribution, the limits). Equivalent checks of different scanners in it
/// are merged ([`correlate`]). The one road from bytes to a [`Scan`], whatever the format, so
/// that every format is bounded alike: the size and the encoding are checked before the
/// format's parser runs, the scan's fields and findings after ([`limits`]).
pub fn parse_report_with(
    bytes: &[u8],
    format: InputFormat,
    source: &str,
    options: &ReadOptions,
) -> Result<Scan, IngestError> {
    let limits = &options.limits;
    if bytes.len() as u64 > limits.max_report_bytes {
        return Err(IngestError::TooLarge {
            source_name: source.to_owned(),
            size: Some(bytes.len() as u64),
            limit: limits.max_report_bytes,
        });
    }
    // A byte-order mark is not JSON, but editors on Windows like to add one.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    limits::check_utf8(bytes, source)?;
    let detected = detect::detect(bytes, format, source)?;
    let scan = correlate((detected.format.parse)(bytes, source, detected.version.as_ref(), options)?);
    limits::bound(scan, source, limits)
}

/// Reads and parses one report file; errors name the file as `path` displays.
pub fn read_report(path: &Path, format: InputFormat) -> Result<Scan, IngestError> {
    read_report_with(path, format, &ReadOptions::default())
}

/// [`read_report`], consulting `options`: at most [`Limits::max_report_bytes`] are read, from a
/// regular file only.
pub fn read_report_with(
    path: &Path,
    format: InputFormat,
    options: &ReadOptions,
) -> Result<Scan, IngestError> {
    let limits = &options.limits;
    let bytes = read_bounded(path, limits.max_report_bytes).map_err(|e| read_error(path, e, limits))?;
    parse_report_with(&bytes, format, &path.display().to_string(), options)
}

/// A failure to read a report, as an [`IngestError`]: a file over the limit says which limit.
pub(crate) fn read_error(path: &Path, error: std::io::Error, limits: &Limits) -> IngestError {
    if error.kind() == std::io::ErrorKind::FileTooLarge {
        let size = std::fs::metadata(path).ok().map(|m| m.len()).filter(|s| *s > limits.max_report_bytes);
        return IngestError::TooLarge {
            source_name: path.display().to_string(),
            size,
            limit: limits.max_report_bytes,
        };
    }
    IngestError::Io { path: path.to_path_buf(), source: error }
}
