//! Standard documents about one image, for other tools: one module per format, each with its
//! own serde types and an [`Export`] descriptor, listed once in [`EXPORTS`].
//! `hardline export <name> --image NAME` takes their names; each is built from the image's
//! report model ([`crate::report::ImageReport`]), so every export says what the report says.
//!
//! Adding a format is a module here with a `pub(crate) static EXPORT: Export` and one line in
//! [`EXPORTS`]; see ARCHITECTURE.md, "Extending hardline".

mod cyclonedx_vex;
mod openvex;
mod sarif;

use hardline_model::Finding;
use hardline_policy::{Exception, ExceptionSet};

use crate::PublishError;
use crate::report::ImageReport;

pub use sarif::{FINGERPRINT_KEY, SCHEMA as SARIF_SCHEMA};

/// What an export is made from.
pub struct ExportInput<'a> {
    /// The image's report, as of the moment the document describes: every finding of its last
    /// scan with what was decided about it, the image as a product with its digest.
    pub report: &'a ImageReport,
    /// Every exception of the repository (an export may publish one that matches nothing today).
    pub exceptions: &'a ExceptionSet,
    /// Who issues the document.
    pub author: &'a str,
}

impl ExportInput<'_> {
    /// Every finding with the active exception that covers it, if any.
    pub fn entries(&self) -> Vec<(&Finding, Option<&Exception>)> {
        let report = self.report;
        report.findings.iter().map(|f| (&f.finding, report.exception_of(f).map(|a| &a.exception))).collect()
    }
}

/// One export format.
pub struct Export {
    /// The name `hardline export` takes: lower-case words joined by `-`.
    pub name: &'static str,
    /// One line for `--help`.
    pub description: &'static str,
    /// What to call the file it is written to (`vex.cdx.json`).
    pub file_name: &'static str,
    /// The document, as text ending in a newline.
    pub render: fn(&ExportInput<'_>) -> Result<String, PublishError>,
}

impl std::fmt::Debug for Export {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Export({})", self.name)
    }
}

/// Every export format, in the order `--help` lists them.
pub static EXPORTS: &[&Export] = &[&cyclonedx_vex::EXPORT, &openvex::EXPORT, &sarif::EXPORT];

impl Export {
    pub fn find(name: &str) -> Option<&'static Export> {
        EXPORTS.iter().copied().find(|e| e.name == name)
    }
}

/// Pretty JSON with a final newline.
fn pretty<T: serde::Serialize>(value: &T) -> Result<String, PublishError> {
    let mut text = serde_json::to_string_pretty(value)
        .map_err(|e| PublishError::Other(format!("cannot encode the export: {e}")))?;
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_names_are_unique_kebab_case_words() {
        let mut names = std::collections::BTreeSet::new();
        for export in EXPORTS {
            assert!(names.insert(export.name), "{} is listed twice", export.name);
            assert!(
                !export.name.is_empty()
                    && export
                        .name
                        .split('-')
                        .all(|w| !w.is_empty()
                            && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
                "{} is not kebab-case",
                export.name
            );
            assert!(!export.description.is_empty());
            assert!(Export::find(export.name).is_some());
        }
    }
}
