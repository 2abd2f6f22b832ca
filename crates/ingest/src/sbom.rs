//! Documents that look like reports but are not: SBOMs list packages, not findings.
//!
//! A CycloneDX, SPDX or syft SBOM given to `record` or `gate` would otherwise be "not a
//! scanner report" at best, or worse, read as an empty scan that fixes everything. They are
//! recognised by their identifying top-level key, like a format, and refused with what to do
//! instead: scan the SBOM first.

use crate::format::DetectKey;

/// A kind of document that is not a scanner report.
pub(crate) struct NotAReport {
    /// `a CycloneDX document (an SBOM, or VEX)`.
    pub what: &'static str,
    /// Its identifying top-level keys.
    pub detect: &'static [DetectKey],
}

/// The SBOM formats hardline recognises in order to refuse them.
pub(crate) static NOT_REPORTS: &[NotAReport] = &[
    NotAReport {
        what: "a CycloneDX document (an SBOM, or VEX)",
        detect: &[DetectKey::Named("bomFormat"), DetectKey::ValueContains("$schema", "cyclonedx")],
    },
    NotAReport {
        what: "an SPDX SBOM",
        detect: &[DetectKey::Named("spdxVersion"), DetectKey::Named("SPDXID")],
    },
    NotAReport {
        what: "a syft SBOM",
        detect: &[DetectKey::Named("artifactRelationships"), DetectKey::Named("artifacts")],
    },
];

/// Why it is refused, said once for every kind (the CLI's `help:` line says how to scan it).
pub(crate) const SCAN_IT_FIRST: &str = "an SBOM lists packages, not findings: scan it first";
