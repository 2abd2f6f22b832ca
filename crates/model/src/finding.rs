use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Counts, Fingerprint, FormerIdentities, Severity, Timestamp};

/// What sort of problem a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    Vulnerability,
    Misconfiguration,
    Secret,
    Sast,
}

impl FindingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Vulnerability => "vulnerability",
            FindingKind::Misconfiguration => "misconfiguration",
            FindingKind::Secret => "secret",
            FindingKind::Sast => "sast",
        }
    }
}

/// Whether a package belongs to the operating system or to a language ecosystem. Only
/// language packages carry a path in their identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PackageClass {
    Os,
    Lang,
}

impl PackageClass {
    /// The word a vulnerability's fingerprint hashes for the class. Frozen: changing it would
    /// change the identity of every vulnerability in every ledger.
    pub const fn identity_word(self) -> &'static str {
        match self {
            PackageClass::Os => "os-pkgs",
            PackageClass::Lang => "lang-pkgs",
        }
    }
}

/// Where a package comes from, in hardline's vocabulary: the distribution for OS packages
/// (`debian`, `ubuntu`, `alpine`, `redhat`, …) or the kind of package for language packages
/// (`gobinary`, `gomod`, `jar`, `npm`, `node-pkg`, `composer`, `composer-vendor`, `pip`,
/// `python-pkg`, `cargo`, `bundler`, …). The word is part of every vulnerability's
/// fingerprint, so the vocabulary is frozen: each input format maps its own words onto it (the
/// table is in ARCHITECTURE.md, "Finding identity"), and two scanners that name the same package
/// source must map to the same word.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Ecosystem(String);

impl Ecosystem {
    pub fn new(word: impl Into<String>) -> Ecosystem {
        Ecosystem(word.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The package registry the ecosystem's packages come from (`golang`, `maven`, `npm`,
    /// `pypi`, `composer`, `gem`, `cargo`, `nuget`, `conda`), for matching the same package
    /// seen in two places: a Go module in a binary (`gobinary`) or a `go.mod` (`gomod`), a PHP
    /// package in `composer.lock` (`composer`) or in the installed vendor tree
    /// (`composer-vendor`, which a `trivy image` scan reports while a `trivy sbom` scan of the
    /// same image says `composer`). Any other word (a distribution, an unknown source) is its
    /// own registry. Never part of a fingerprint.
    pub fn registry(&self) -> &str {
        match self.0.as_str() {
            "gobinary" | "gomod" => "golang",
            "jar" | "pom" | "gradle" | "sbt" => "maven",
            "npm" | "node-pkg" | "yarn" | "pnpm" | "bun" => "npm",
            "pip" | "pipenv" | "poetry" | "uv" | "python-pkg" => "pypi",
            "composer" | "composer-vendor" => "composer",
            "bundler" | "gemspec" => "gem",
            "cargo" | "rustbinary" => "cargo",
            "nuget" | "dotnet-core" | "packages-props" => "nuget",
            "conda-pkg" | "conda-environment" => "conda",
            other => other,
        }
    }
}

impl std::fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The vendor's fix status, as Trivy reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Fixed,
    Affected,
    WillNotFix,
    FixDeferred,
    EndOfLife,
    NotAffected,
    UnderInvestigation,
    Unknown,
}

impl Status {
    pub fn parse_lenient(word: &str) -> Status {
        match word {
            "fixed" => Status::Fixed,
            "affected" => Status::Affected,
            "will_not_fix" => Status::WillNotFix,
            "fix_deferred" => Status::FixDeferred,
            "end_of_life" => Status::EndOfLife,
            "not_affected" => Status::NotAffected,
            "under_investigation" => Status::UnderInvestigation,
            _ => Status::Unknown,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Fixed => "fixed",
            Status::Affected => "affected",
            Status::WillNotFix => "will_not_fix",
            Status::FixDeferred => "fix_deferred",
            Status::EndOfLife => "end_of_life",
            Status::NotAffected => "not_affected",
            Status::UnderInvestigation => "under_investigation",
            Status::Unknown => "unknown",
        }
    }
}

/// The affected package of a vulnerability.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Package {
    pub name: String,
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_version: Option<String>,
    pub class: PackageClass,
    pub ecosystem: Ecosystem,
    /// For language packages: the package's path, or the result target when none is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
}

/// Where a misconfiguration, secret or SAST result sits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_line: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u32>,
}

/// The CVSS score a finding's severity came from, when the scanner gives one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cvss {
    /// Who scored it (`nvd`, `ghsa`, `redhat`, …).
    pub source: String,
    pub version: String,
    pub score: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vector: Option<String>,
}

/// One problem in one scan. Owned and small: descriptions and reference lists are not kept,
/// only what decisions and reports need.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub fingerprint: Fingerprint,
    pub kind: FindingKind,
    /// CVE/GHSA id, or the rule id for misconfigurations, secrets and SAST results.
    pub id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    pub severity: Severity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvss: Option<Cvss>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<Package>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
}

impl Finding {
    /// A vulnerability in a Debian OS package with only the identity fields, the installed
    /// version and the severity set: what tests, examples and generators start from.
    pub fn debian_vulnerability(id: &str, package: &str, version: &str, severity: Severity) -> Finding {
        let package = Package {
            name: package.to_owned(),
            version: version.to_owned(),
            fixed_version: None,
            class: PackageClass::Os,
            ecosystem: Ecosystem::new("debian"),
            path: None,
            purl: None,
        };
        Finding {
            fingerprint: Fingerprint::vulnerability(id, &package),
            kind: FindingKind::Vulnerability,
            id: id.to_owned(),
            aliases: Vec::new(),
            severity,
            cvss: None,
            package: Some(package),
            location: None,
            title: String::new(),
            url: None,
            status: None,
        }
    }

    /// A fix exists: the scanner names a fixed version.
    pub fn fixable(&self) -> bool {
        self.package.as_ref().and_then(|p| p.fixed_version.as_deref()).is_some_and(|v| !v.is_empty())
    }

    pub fn package_name(&self) -> Option<&str> {
        self.package.as_ref().map(|p| p.name.as_str())
    }

    /// Whether `id` names this finding, by its id or one of its aliases.
    pub fn is_named(&self, id: &str) -> bool {
        self.id.eq_ignore_ascii_case(id) || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(id))
    }

    /// The order reports list findings in: most severe first, then by id, package, identity.
    pub fn report_order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.id.cmp(&b.id))
            .then_with(|| a.package_name().cmp(&b.package_name()))
            .then_with(|| a.fingerprint.cmp(&b.fingerprint))
    }

    /// Folds a duplicate of the same finding (same fingerprint) into this one. Trivy lists
    /// some findings twice across results; when the copies disagree we keep the more severe
    /// reading and every alias, so nothing a copy said is lost.
    fn absorb(&mut self, other: Finding) {
        if other.severity > self.severity {
            self.severity = other.severity;
            self.cvss = other.cvss;
        }
        for alias in other.aliases {
            if !self.aliases.contains(&alias) {
                self.aliases.push(alias);
            }
        }
        self.aliases.sort();
    }
}

/// Where a scan came from: scanner, artifact and time.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ScanMeta {
    pub scanner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scanner_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repo_digests: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
    /// When the scan was made, as the scanner wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
}

impl ScanMeta {
    /// The artifact type of a scan of a container image, in hardline's vocabulary (Trivy's
    /// `ArtifactType` uses the same word). An input format that knows it scanned an image sets it.
    pub const CONTAINER_IMAGE: &'static str = "container_image";

    /// Whether this scan is of a container image (rather than a file system, a repository or a
    /// Dockerfile): the scan that describes an image best when several are merged.
    pub fn is_container_image(&self) -> bool {
        self.artifact_type.as_deref() == Some(ScanMeta::CONTAINER_IMAGE)
    }
}

/// What one scanner said about one artifact at one time: metadata and a set of findings,
/// unique by fingerprint and sorted in report order, with the fingerprints some of them were
/// known by before ([`FormerIdentities`]), and what reading the report had to change or leave
/// out (warnings for people; never stored).
#[derive(Clone, Debug, PartialEq)]
pub struct Scan {
    pub meta: ScanMeta,
    findings: Vec<Finding>,
    former: FormerIdentities,
    warnings: Vec<String>,
}

impl Scan {
    /// Builds a scan, merging findings that share a fingerprint.
    pub fn new(meta: ScanMeta, findings: Vec<Finding>) -> Scan {
        let mut by_identity: BTreeMap<Fingerprint, Finding> = BTreeMap::new();
        for finding in findings {
            match by_identity.get_mut(&finding.fingerprint) {
                Some(existing) => existing.absorb(finding),
                None => {
                    by_identity.insert(finding.fingerprint.clone(), finding);
                }
            }
        }
        let mut findings: Vec<Finding> = by_identity.into_values().collect();
        findings.sort_by(Finding::report_order);
        Scan { meta, findings, former: FormerIdentities::default(), warnings: Vec::new() }
    }

    /// The same scan, with `former` naming the fingerprints some findings were known by before
    /// (only those of findings in the scan are kept).
    pub fn with_former_identities(mut self, former: FormerIdentities) -> Scan {
        self.former.extend(former);
        self.former.retain_present(&self.findings);
        self
    }

    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// Changes what each finding stores (a bound on a field, say) and restores report order.
    /// `edit` must not change a finding's identity: the fingerprint stays as it was.
    pub fn edit_findings(&mut self, mut edit: impl FnMut(&mut Finding)) {
        for finding in &mut self.findings {
            let fingerprint = finding.fingerprint.clone();
            edit(finding);
            finding.fingerprint = fingerprint;
        }
        self.findings.sort_by(Finding::report_order);
    }

    /// What reading the report changed or left out, in words for people (a field cut to its
    /// bound, a score out of range dropped).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    pub fn warn(&mut self, warning: impl Into<String>) {
        self.warnings.push(warning.into());
    }

    /// The warnings, taken out (for a caller that rebuilds the scan and gives them back).
    pub fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }

    /// The fingerprints the scan's findings were known by before.
    pub fn former_identities(&self) -> &FormerIdentities {
        &self.former
    }

    /// The findings and their former identities, for a caller that rebuilds the scan (merging
    /// findings across scanners).
    pub fn into_parts(self) -> (ScanMeta, Vec<Finding>, FormerIdentities) {
        (self.meta, self.findings, self.former)
    }

    pub fn into_findings(self) -> Vec<Finding> {
        self.findings
    }

    pub fn counts(&self) -> Counts {
        Counts::from_severities(self.findings.iter().map(|f| f.severity))
    }

    /// Distinct vulnerability ids, however many packages each affects.
    pub fn unique_ids(&self) -> usize {
        unique_vulnerability_ids(&self.findings)
    }

    /// Merges several scans of the same artifact (a Trivy image scan and a SARIF lint of its
    /// Dockerfile, say) into one.
    pub fn merge(mut self, other: Scan) -> Scan {
        let mut findings = std::mem::take(&mut self.findings);
        findings.extend(other.findings);
        let mut former = std::mem::take(&mut self.former);
        former.extend(other.former);
        let mut warnings = std::mem::take(&mut self.warnings);
        warnings.extend(other.warnings);
        Scan { warnings, ..Scan::new(self.meta, findings).with_former_identities(former) }
    }
}

/// Distinct vulnerability ids among `findings`.
pub fn unique_vulnerability_ids<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> usize {
    let ids: std::collections::BTreeSet<&str> = findings
        .into_iter()
        .filter(|f| f.kind == FindingKind::Vulnerability)
        .map(|f| f.id.as_str())
        .collect();
    ids.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vuln(id: &str, package: &str, severity: Severity) -> Finding {
        Finding::debian_vulnerability(id, package, "1", severity)
    }

    #[test]
    fn duplicates_merge_and_counts_go_both_ways() {
        let scan = Scan::new(
            ScanMeta::default(),
            vec![
                vuln("CVE-1", "libc6", Severity::Low),
                vuln("CVE-1", "libc6", Severity::High),
                vuln("CVE-1", "libc-bin", Severity::High),
                vuln("CVE-2", "zlib1g", Severity::Critical),
            ],
        );
        assert_eq!(scan.findings().len(), 3);
        assert_eq!(scan.unique_ids(), 2);
        assert_eq!(scan.counts().high, 2);
        assert_eq!(scan.findings()[0].id, "CVE-2", "most severe first");
    }
}
