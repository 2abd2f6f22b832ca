//! The comparison base of a pull request gate when the base branch's SBOM was rescanned.
//!
//! The last recorded scan of an image was made with the scanner database of its day; the pull
//! request's image is scanned with today's. Comparing the two blames the pull request for every
//! vulnerability published in between. The pipeline therefore rescans the SBOM recorded with
//! that scan (`trivy sbom`, same database as the candidate, minutes apart), and the gate
//! compares the candidate with that rescan instead.

use std::collections::{BTreeMap, BTreeSet};

use hardline_model::align::align_paths;
use hardline_model::{Finding, FindingKind, Fingerprint};

/// A base made from a rescan.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rescanned {
    /// The rescan's vulnerabilities, under the identities the image scans give them, plus the
    /// recorded non-vulnerability findings (secrets, misconfigurations, SAST), which an SBOM
    /// rescan cannot see; unique, in report order.
    pub findings: Vec<Finding>,
    /// The rescan's vulnerabilities that the last recorded scan did not have: on the base
    /// branch too, not caused by the pull request. In report order (most severe first, then
    /// id, then package).
    pub drift: Vec<Finding>,
}

/// Builds the base from `rescan` (the findings of the SBOM rescan), `recorded` (the ledger's
/// baseline view: the last recorded scan; empty for an image with none) and `candidate` (whose
/// paths name language packages the rescan cannot place, see [`align_paths`]).
pub fn rescanned(rescan: &[Finding], recorded: &[Finding], candidate: &[Finding]) -> Rescanned {
    let vulnerabilities: Vec<Finding> =
        rescan.iter().filter(|f| f.kind == FindingKind::Vulnerability).cloned().collect();
    let aligned = align_paths(&vulnerabilities, &[recorded, candidate]);
    let known: BTreeSet<&Fingerprint> = recorded.iter().map(|f| &f.fingerprint).collect();
    let drift: Vec<Finding> = aligned.iter().filter(|f| !known.contains(&f.fingerprint)).cloned().collect();
    let mut unique: BTreeMap<Fingerprint, Finding> = BTreeMap::new();
    let kept = recorded.iter().filter(|f| f.kind != FindingKind::Vulnerability).cloned();
    for finding in aligned.into_iter().chain(kept) {
        unique.entry(finding.fingerprint.clone()).or_insert(finding);
    }
    let mut findings: Vec<Finding> = unique.into_values().collect();
    findings.sort_by(Finding::report_order);
    Rescanned { findings, drift }
}

#[cfg(test)]
mod tests {
    use hardline_model::{Location, Severity};

    use super::*;

    fn secret() -> Finding {
        let mut finding = Finding::debian_vulnerability("aws-access-key-id", "-", "-", Severity::Critical);
        finding.kind = FindingKind::Secret;
        finding.package = None;
        finding.location = Some(Location { path: "etc/app.env".into(), start_line: Some(3), end_line: None });
        finding.fingerprint = Fingerprint::secret("aws-access-key-id", "etc/app.env", "00");
        finding
    }

    #[test]
    fn the_rescan_replaces_vulnerabilities_and_keeps_what_an_sbom_cannot_see() {
        let old = Finding::debian_vulnerability("CVE-1", "libc6", "2.41", Severity::High);
        let published_since = Finding::debian_vulnerability("CVE-2", "libxml2", "2.12", Severity::Low);
        let fixed_since = Finding::debian_vulnerability("CVE-3", "zlib1g", "1.3", Severity::Medium);
        let recorded = [old.clone(), fixed_since, secret()];
        let base = rescanned(&[published_since.clone(), old.clone()], &recorded, &[]);
        let ids: Vec<&str> = base.findings.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, ["aws-access-key-id", "CVE-1", "CVE-2"]);
        assert_eq!(base.drift, vec![published_since]);
    }

    #[test]
    fn without_a_recorded_scan_everything_rescanned_is_drift() {
        let a = Finding::debian_vulnerability("CVE-1", "libc6", "2.41", Severity::High);
        let base = rescanned(std::slice::from_ref(&a), &[], std::slice::from_ref(&a));
        assert_eq!((base.findings.len(), base.drift.len()), (1, 1));
    }
}
