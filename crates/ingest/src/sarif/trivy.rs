//! Trivy's SARIF, read back into what Trivy's JSON report says, so that the same scan read
//! either way gives the same findings and fingerprints.
//!
//! Trivy's SARIF writer puts one rule per vulnerability or check id (named after the result
//! class: `OsPackageVulnerability`, `LanguageSpecificPackageVulnerability`,
//! `Misconfiguration`, `Secret`), and the facts of each result in its message, one
//! `Key: value` per line (`Package:`, `Installed Version:`, `Severity:`, `Fixed Version:`,
//! `Message:`, `Match:`). The artifact URI is the package's path for language packages (its
//! `PkgPath`, else the result target), the image's repository for OS packages, and the file
//! for misconfigurations and secrets.
//!
//! What SARIF does not carry: the OS distribution (taken from [`crate::ReadOptions`]), the
//! language package source (inferred from the path, as Trivy's own analyzers choose it by
//! file name: `crate::ecosystem::of_language_path`), and the CVSS vectors, vendor ids, status and purl
//! (left out; none of them is identity).

use hardline_model::{Ecosystem, Package, PackageClass, Severity};

use super::raw;
use crate::ReadOptions;
use crate::json::Text;

/// What a Trivy SARIF result is, from its rule's name or first tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum TrivyResult {
    OsVulnerability,
    LanguageVulnerability,
    Misconfiguration,
    Secret,
    Other,
}

pub(super) fn classify(rule: Option<&raw::Rule<'_>>) -> TrivyResult {
    let name = rule.and_then(|r| r.name.as_ref()).map_or("", Text::as_str);
    let first_tag = rule
        .and_then(|r| r.properties.as_ref())
        .and_then(|p| p.tags.as_ref())
        .and_then(|tags| tags.first())
        .map_or("", Text::as_str);
    match (name, first_tag) {
        ("OsPackageVulnerability", _) => TrivyResult::OsVulnerability,
        ("LanguageSpecificPackageVulnerability", _) => TrivyResult::LanguageVulnerability,
        // A rule without Trivy's name: its tag still says what it is; a package Trivy did not
        // class is read as a language package, as the JSON reader does.
        (_, "vulnerability") => TrivyResult::LanguageVulnerability,
        ("Misconfiguration", _) | (_, "misconfiguration") => TrivyResult::Misconfiguration,
        ("Secret", _) | (_, "secret") => TrivyResult::Secret,
        _ => TrivyResult::Other,
    }
}

/// The value of a `Key: value` line of Trivy's message (`""` when the line is there and
/// empty, `None` when it is not).
pub(super) fn field<'m>(message: &'m str, key: &str) -> Option<&'m str> {
    message.lines().find_map(|line| line.strip_prefix(key)?.strip_prefix(':').map(str::trim))
}

/// Trivy's severity word as its JSON report gives it (the `Severity:` line), rather than a
/// score: the JSON reader takes the vendor's word too.
pub(super) fn severity(message: &str) -> Option<Severity> {
    field(message, "Severity").filter(|w| !w.is_empty()).map(Severity::parse_lenient)
}

/// The package of a vulnerability result, in hardline's vocabulary.
pub(super) fn package(kind: TrivyResult, message: &str, uri: &str, options: &ReadOptions) -> Option<Package> {
    let name = field(message, "Package").filter(|n| !n.is_empty())?;
    let (class, ecosystem, path) = match kind {
        TrivyResult::OsVulnerability => (
            PackageClass::Os,
            options
                .distribution
                .clone()
                .unwrap_or_else(|| Ecosystem::new(crate::ecosystem::UNKNOWN_DISTRIBUTION)),
            None,
        ),
        _ => (
            PackageClass::Lang,
            Ecosystem::new(crate::ecosystem::of_language_path(uri, name)),
            Some(uri.to_owned()),
        ),
    };
    Some(Package {
        name: name.to_owned(),
        version: field(message, "Installed Version").unwrap_or("").to_owned(),
        fixed_version: field(message, "Fixed Version").filter(|v| !v.is_empty()).map(str::to_owned),
        class,
        ecosystem,
        path,
        purl: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_fields_are_read_by_key() {
        let message = "Package: libc6\nInstalled Version: 2.41-12\nVulnerability CVE-1\nSeverity: HIGH\nFixed Version: \nLink: [CVE-1](https://x)";
        assert_eq!(field(message, "Package"), Some("libc6"));
        assert_eq!(field(message, "Installed Version"), Some("2.41-12"));
        assert_eq!(field(message, "Fixed Version"), Some(""));
        assert_eq!(field(message, "Message"), None);
        assert_eq!(severity(message), Some(Severity::High));
    }
}
