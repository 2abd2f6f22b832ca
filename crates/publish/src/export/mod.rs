//! Standard documents about one image, for other tools: one module per format, each with its
//! own serde types and an [`Export`] descriptor, listed once in [`EXPORTS`].
//! `hardline export <name> --image NAME` takes their names.
//!
//! Adding a format is a module here with a `pub(crate) static EXPORT: Export` and one line in
//! [`EXPORTS`]; see ARCHITECTURE.md, "Extending hardline". (The shape is the one issue 12's
//! exports — CycloneDX VEX, OpenVEX — are written in.)

mod sarif;

use hardline_model::{Finding, ImageName};
use hardline_policy::{Exception, ExceptionSet};
use jiff::civil::Date;

use crate::PublishError;

pub use sarif::{FINGERPRINT_KEY, SCHEMA as SARIF_SCHEMA};

/// What an export is made from.
pub struct ExportInput<'a> {
    pub image: &'a ImageName,
    /// The image's findings as its last recorded scan left them (the baseline view).
    pub findings: &'a [Finding],
    /// Every exception of the repository.
    pub exceptions: &'a ExceptionSet,
    /// The day exceptions are judged on.
    pub today: Date,
    /// Who issues the document.
    pub author: &'a str,
}

impl ExportInput<'_> {
    /// Every finding with the active exception that covers it, if any.
    pub fn entries(&self) -> Vec<(&Finding, Option<&Exception>)> {
        let applied = self.exceptions.apply(self.findings, self.image, self.today);
        let covering: std::collections::BTreeMap<&hardline_model::Fingerprint, &Exception> =
            applied.suppressed.iter().map(|(f, e)| (&f.fingerprint, *e)).collect();
        self.findings.iter().map(|f| (f, covering.get(&f.fingerprint).copied())).collect()
    }
}

/// One export format.
pub struct Export {
    /// The name `hardline export` takes: lower-case words joined by `-`.
    pub name: &'static str,
    /// One line for `--help`.
    pub description: &'static str,
    /// What to call the file it is written to.
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
pub static EXPORTS: &[&Export] = &[&sarif::EXPORT];

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
                export.name.split('-').all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
                "{} is not kebab-case",
                export.name
            );
            assert!(!export.description.is_empty());
            assert!(Export::find(export.name).is_some());
        }
    }
}
