//! The same vulnerability seen by two ways of scanning one image.
//!
//! A `trivy image` scan reports where a language package lives (the Go binary, the jar, the
//! lock file: the package path, else the result target), and that path is part of the
//! package's identity ([`crate::Fingerprint::vulnerability`]). A `trivy sbom` scan of the same
//! image's CycloneDX SBOM made by syft cannot: Trivy reads no path from a third-party SBOM and
//! groups its language packages per registry, with a target such as `Java`, `Python`,
//! `Node.js` or nothing at all (Go, Composer), and sometimes another ecosystem word
//! (`composer` for the image scan's `composer-vendor`). OS packages are identified without a
//! path and agree already.
//!
//! [`align_paths`] gives such a finding the identity the image scan gives it, by matching
//! (vulnerability id, package name, [`crate::Ecosystem::registry`]).

use std::collections::BTreeSet;

use crate::{Finding, FindingKind, Fingerprint, PackageClass};

/// `findings` with every language-package vulnerability whose identity is in none of
/// `references` replaced by the reference findings it matches by (id, package name without
/// case, registry): the first reference set with a match wins (pass the set that describes the
/// same build first), and a finding matching several (the same module in two binaries) becomes
/// one per match. Each keeps its own reading (severity, fix, title) and takes the reference's
/// package (path, ecosystem, version) and fingerprint. A finding that matches nothing, and
/// every other finding, is returned as it is. The result is unique by fingerprint and in
/// report order.
pub fn align_paths(findings: &[Finding], references: &[&[Finding]]) -> Vec<Finding> {
    let known: BTreeSet<&Fingerprint> =
        references.iter().flat_map(|set| set.iter().map(|f| &f.fingerprint)).collect();
    let mut out: Vec<Finding> = Vec::with_capacity(findings.len());
    for finding in findings {
        if known.contains(&finding.fingerprint) || !is_language_vulnerability(finding) {
            out.push(finding.clone());
            continue;
        }
        let matches = references
            .iter()
            .map(|set| set.iter().filter(|r| same_package_anywhere(finding, r)).collect::<Vec<_>>())
            .find(|m| !m.is_empty())
            .unwrap_or_default();
        if matches.is_empty() {
            out.push(finding.clone());
        }
        for reference in matches {
            let mut aligned = finding.clone();
            aligned.package = reference.package.clone();
            if let (Some(mine), Some(package)) = (&finding.package, aligned.package.as_mut()) {
                package.fixed_version = mine.fixed_version.clone();
            }
            aligned.fingerprint = reference.fingerprint.clone();
            out.push(aligned);
        }
    }
    out.sort_by(Finding::report_order);
    out.dedup_by(|a, b| a.fingerprint == b.fingerprint);
    out
}

fn is_language_vulnerability(finding: &Finding) -> bool {
    finding.kind == FindingKind::Vulnerability
        && finding.package.as_ref().is_some_and(|p| p.class == PackageClass::Lang)
}

/// The same vulnerability in the same package, wherever each scan says the package is.
fn same_package_anywhere(finding: &Finding, reference: &Finding) -> bool {
    let (Some(a), Some(b)) = (&finding.package, &reference.package) else { return false };
    is_language_vulnerability(reference)
        && finding.id == reference.id
        && a.name.eq_ignore_ascii_case(&b.name)
        && a.ecosystem.registry() == b.ecosystem.registry()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Ecosystem, Package, Severity};

    fn lang(id: &str, name: &str, ecosystem: &str, path: &str, severity: Severity) -> Finding {
        let package = Package {
            name: name.into(),
            version: "1.24.6".into(),
            fixed_version: None,
            class: PackageClass::Lang,
            ecosystem: Ecosystem::new(ecosystem),
            path: Some(path.into()),
            purl: None,
        };
        let mut finding = Finding::debian_vulnerability(id, name, "1", severity);
        finding.fingerprint = Fingerprint::vulnerability(id, &package);
        finding.package = Some(package);
        finding
    }

    #[test]
    fn a_pathless_go_module_takes_the_binary_s_identity() {
        let image = [lang("CVE-1", "stdlib", "gobinary", "usr/local/bin/gosu", Severity::High)];
        let sbom = [lang("CVE-1", "stdlib", "gobinary", "", Severity::Critical)];
        let aligned = align_paths(&sbom, &[&image]);
        assert_eq!(aligned.len(), 1);
        assert_eq!(aligned[0].fingerprint, image[0].fingerprint);
        assert_eq!(aligned[0].severity, Severity::Critical, "the rescan's own reading");
    }

    #[test]
    fn one_module_in_two_binaries_is_two_findings_and_the_first_reference_wins() {
        let recorded = [
            lang("CVE-1", "stdlib", "gobinary", "usr/local/bin/gosu", Severity::High),
            lang("CVE-1", "stdlib", "gobinary", "usr/bin/pg_exporter", Severity::High),
        ];
        let candidate = [lang("CVE-1", "stdlib", "gobinary", "usr/bin/moved", Severity::High)];
        let sbom = [lang("CVE-1", "stdlib", "gobinary", "", Severity::High)];
        let aligned = align_paths(&sbom, &[&recorded, &candidate]);
        let paths: BTreeSet<_> = aligned.iter().filter_map(|f| f.package.as_ref()?.path.clone()).collect();
        assert_eq!(paths, BTreeSet::from(["usr/bin/pg_exporter".into(), "usr/local/bin/gosu".into()]));
        let only_candidate = align_paths(&sbom, &[&[], &candidate]);
        assert_eq!(only_candidate[0].fingerprint, candidate[0].fingerprint);
    }

    #[test]
    fn composer_matches_its_vendor_tree_but_not_another_registry_or_id() {
        let image = [lang(
            "CVE-2",
            "guzzlehttp/psr7",
            "composer-vendor",
            "var/www/vendor/composer/installed.json",
            Severity::Medium,
        )];
        let sbom = [
            lang("CVE-2", "GuzzleHttp/PSR7", "composer", "", Severity::Medium),
            lang("CVE-2", "guzzlehttp/psr7", "npm", "Node.js", Severity::Medium),
            lang("CVE-3", "guzzlehttp/psr7", "composer", "", Severity::Medium),
        ];
        let aligned = align_paths(&sbom, &[&image]);
        assert_eq!(aligned.len(), 3);
        assert_eq!(aligned.iter().filter(|f| f.fingerprint == image[0].fingerprint).count(), 1);
    }

    #[test]
    fn os_packages_and_known_identities_are_left_alone() {
        let os = Finding::debian_vulnerability("CVE-4", "libc6", "2.41", Severity::High);
        let image = [lang("CVE-5", "stdlib", "gobinary", "usr/local/bin/gosu", Severity::High)];
        let aligned = align_paths(&[os.clone(), image[0].clone()], &[&image]);
        assert_eq!(aligned, vec![os, image[0].clone()]);
    }
}
