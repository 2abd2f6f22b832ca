//! Is a report of the image it is recorded for? A report of another image recorded in an
//! image's ledger would "fix" everything the image has and add another image's findings; its
//! artifact gives it away.
//!
//! - A scan of a container image names it (Trivy's `ArtifactName`, Grype's `userInput`,
//!   Trivy's SARIF `imageName`): compared with the image the history's last scan named, by the
//!   repository's last path element, without registry, tag or digest
//!   (`ghcr.io/org/postgres-secured:1.2@sha256:…` is `postgres-secured`).
//! - A scan without an image name (hadolint's or semgrep's SARIF, a config scan) names files:
//!   when none of the files its findings are in is a file the image's current findings are in,
//!   it is of something else. (Two paths name one file when one ends with the other by whole
//!   path components: [`same_file`].)
//!
//! Either side unknown (a first scan, a report without findings in files) is no mismatch.

use std::collections::BTreeSet;
use std::fmt;

use crate::{Finding, ScanMeta};

/// Why a scan looks like a report of another artifact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArtifactMismatch {
    /// The scan names another image than the history's last scan.
    Image { history: String, scan: String },
    /// None of the scan's files is among the files of the image's findings.
    Files { history: Vec<String>, scan: Vec<String> },
}

impl fmt::Display for ArtifactMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |paths: &[String]| {
            let shown: Vec<&str> = paths.iter().take(3).map(String::as_str).collect();
            let more = paths.len().saturating_sub(3);
            if more > 0 { format!("{} and {more} more", shown.join(", ")) } else { shown.join(", ") }
        };
        match self {
            ArtifactMismatch::Image { history, scan } => {
                write!(f, "it is a scan of `{scan}`, but the image's history is of `{history}`")
            }
            ArtifactMismatch::Files { history, scan } => write!(
                f,
                "its findings are in {}, none of the files of the image's findings ({})",
                list(scan),
                list(history)
            ),
        }
    }
}

/// Whether `scan` (its metadata and findings) looks like a report of another artifact than
/// the history whose last scan is `previous` and whose current findings are `current`.
pub fn artifact_mismatch(
    previous: Option<&ScanMeta>,
    current: &[Finding],
    scan: &ScanMeta,
    findings: &[Finding],
) -> Option<ArtifactMismatch> {
    fn image(meta: &ScanMeta) -> Option<&str> {
        meta.is_container_image().then_some(meta.artifact_name.as_deref()).flatten().map(image_name)
    }
    if let (Some(history), Some(now)) = (previous.and_then(image), image(scan)) {
        return (history != now).then(|| ArtifactMismatch::Image {
            history: previous.and_then(|m| m.artifact_name.clone()).unwrap_or_default(),
            scan: scan.artifact_name.clone().unwrap_or_default(),
        });
    }
    if image(scan).is_some() {
        return None;
    }
    let files = |findings: &[Finding]| -> Vec<String> {
        let set: BTreeSet<&str> =
            findings.iter().filter_map(|f| f.location.as_ref()).map(|l| l.path.as_str()).collect();
        set.into_iter().map(str::to_owned).collect()
    };
    let (history, now) = (files(current), files(findings));
    if history.is_empty() || now.is_empty() {
        return None;
    }
    let shared = now.iter().any(|a| history.iter().any(|b| same_file(a, b)));
    (!shared).then_some(ArtifactMismatch::Files { history, scan: now })
}

/// An image reference's repository name: its last path element, without tag or digest.
fn image_name(reference: &str) -> &str {
    let without_digest = reference.split('@').next().unwrap_or(reference);
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    last.split(':').next().unwrap_or(last)
}

/// Whether two paths name the same file: equal, or one ends with the other by whole path
/// components (Trivy names a Dockerfile relative to the folder it scanned, hadolint as it was
/// given to it).
pub fn same_file(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim_start_matches("./"), b.trim_start_matches("./"));
    let (long, short) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    !short.is_empty() && long.strip_suffix(short).is_some_and(|rest| rest.is_empty() || rest.ends_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FindingKind, Fingerprint, Location, Severity};

    fn image(name: &str) -> ScanMeta {
        ScanMeta {
            artifact_name: Some(name.to_owned()),
            artifact_type: Some(ScanMeta::CONTAINER_IMAGE.to_owned()),
            ..ScanMeta::default()
        }
    }

    fn in_file(path: &str) -> Finding {
        Finding {
            fingerprint: Fingerprint::rule("misconfiguration", "DL3008", path, "x"),
            kind: FindingKind::Misconfiguration,
            id: "DL3008".into(),
            aliases: Vec::new(),
            severity: Severity::Medium,
            cvss: None,
            package: None,
            location: Some(Location { path: path.into(), start_line: Some(1), end_line: None }),
            title: String::new(),
            url: None,
            status: None,
        }
    }

    #[test]
    fn images_compare_by_repository_name() {
        let history = image("ghcr.io/org/postgres-secured:2026-11-02@sha256:abc");
        assert_eq!(artifact_mismatch(Some(&history), &[], &image("postgres-secured:ci"), &[]), None);
        let other = artifact_mismatch(Some(&history), &[], &image("php-mysql-secured:ci"), &[]);
        assert!(matches!(other, Some(ArtifactMismatch::Image { .. })), "{other:?}");
        assert_eq!(artifact_mismatch(None, &[], &image("anything"), &[]), None, "a first scan");
    }

    #[test]
    fn file_scans_compare_by_the_files_of_their_findings() {
        let current = [in_file("images/postgres-secured/Dockerfile")];
        let same = [in_file("Dockerfile")];
        let other = [in_file("images/php-mysql-secured/Dockerfile")];
        let lint = ScanMeta::default();
        assert_eq!(artifact_mismatch(None, &current, &lint, &same), None);
        let mismatch = artifact_mismatch(None, &current, &lint, &other).expect("another image's Dockerfile");
        assert!(mismatch.to_string().contains("images/php-mysql-secured/Dockerfile"), "{mismatch}");
        assert_eq!(artifact_mismatch(None, &[], &lint, &other), None, "nothing to compare with");
    }

    #[test]
    fn paths_match_by_whole_components() {
        assert!(same_file("Dockerfile", "images/x/Dockerfile"));
        assert!(same_file("./images/x/Dockerfile", "images/x/Dockerfile"));
        assert!(!same_file("Dockerfile", "images/x/build.Dockerfile"));
        assert!(!same_file("", "Dockerfile"));
    }
}
