//! Equivalent checks of different scanners, read as one finding.
//!
//! hadolint and Trivy's Dockerfile checks overlap: both flag `FROM debian:latest`, both flag
//! `MAINTAINER`. Recorded together (as the pipeline records every report of an image), each
//! would count once per scanner, and a gate would count the same problem twice. The table
//! below lists checks that flag the same problem; two findings of one row, on the same file
//! and line, are one finding: the first id of the row that is present (Trivy's) names it and
//! gives it its fingerprint, it takes the most severe reading, and the other ids become its
//! aliases (so an exception for either id still applies). The absorbed findings' fingerprints
//! are its former identities (`hardline_model::FormerIdentities`): a ledger that held them
//! apart carries them on as this one finding, rather than reporting one as fixed.
//!
//! Each row was checked against the real tools (hadolint 2.15.1, Trivy 0.76.0) on one
//! Dockerfile: both flag that line (`tests/correlation.rs`). Checks that look alike but flag
//! different lines or different things (hadolint's DL3024 on the second `FROM … AS` alias,
//! Trivy's DS-0012 on the first; DL3009 "delete the apt lists" and DS-0017 "update alone")
//! are not equivalent and stay apart.

use hardline_model::{Finding, FindingKind, Scan, same_file};

/// Checks of different scanners that flag the same problem.
#[derive(Debug)]
pub struct Equivalence {
    /// The problem, in a few words.
    pub problem: &'static str,
    /// The checks' ids, Trivy's first (it names the merged finding): Trivy's normalised
    /// (`DS-0001`), then hadolint's.
    pub ids: &'static [&'static str],
}

/// The correlation table (ARCHITECTURE.md, "Finding identity", lists it too).
pub static EQUIVALENT_CHECKS: &[Equivalence] = &[
    Equivalence {
        problem: "image without a version tag, or tagged latest",
        ids: &["DS-0001", "DL3007", "DL3006"],
    },
    Equivalence { problem: "the last USER is root", ids: &["DS-0002", "DL3002"] },
    Equivalence { problem: "ADD where COPY would do", ids: &["DS-0005", "DL3020"] },
    Equivalence { problem: "COPY --from its own stage", ids: &["DS-0006", "DL3023"] },
    Equivalence { problem: "several ENTRYPOINT instructions", ids: &["DS-0007", "DL4004"] },
    Equivalence { problem: "WORKDIR path not absolute", ids: &["DS-0009", "DL3000"] },
    Equivalence { problem: "RUN using sudo", ids: &["DS-0010", "DL3004"] },
    Equivalence {
        problem: "COPY of several sources to a path without a trailing slash",
        ids: &["DS-0011", "DL3021"],
    },
    Equivalence { problem: "RUN cd instead of WORKDIR", ids: &["DS-0013", "DL3003"] },
    Equivalence { problem: "yum without `yum clean all`", ids: &["DS-0015", "DL3032"] },
    Equivalence { problem: "several CMD instructions", ids: &["DS-0016", "DL4003"] },
    Equivalence { problem: "dnf without `dnf clean all`", ids: &["DS-0019", "DL3040"] },
    Equivalence { problem: "zypper without `zypper clean`", ids: &["DS-0020", "DL3036"] },
    Equivalence { problem: "apt-get install without -y", ids: &["DS-0021", "DL3014"] },
    Equivalence { problem: "deprecated MAINTAINER", ids: &["DS-0022", "DL4000"] },
    Equivalence { problem: "several HEALTHCHECK instructions", ids: &["DS-0023", "DL3012"] },
    Equivalence { problem: "apk add without --no-cache", ids: &["DS-0025", "DL3019"] },
    Equivalence { problem: "apt-get install without --no-install-recommends", ids: &["DS-0029", "DL3015"] },
];

/// The row and rank (position in the row) of a misconfiguration's id.
fn place(finding: &Finding) -> Option<(usize, usize)> {
    if finding.kind != FindingKind::Misconfiguration {
        return None;
    }
    EQUIVALENT_CHECKS.iter().enumerate().find_map(|(row, equivalence)| {
        equivalence.ids.iter().position(|id| *id == finding.id).map(|rank| (row, rank))
    })
}

/// Whether two findings flag the same line: their line ranges overlap.
fn same_line(a: &Finding, b: &Finding) -> bool {
    let range = |f: &Finding| {
        let location = f.location.as_ref()?;
        let start = location.start_line?;
        Some((start, location.end_line.unwrap_or(start).max(start)))
    };
    match (range(a), range(b)) {
        (Some((a_start, a_end)), Some((b_start, b_end))) => a_start <= b_end && b_start <= a_end,
        _ => false,
    }
}

fn equivalent(a: &Finding, b: &Finding) -> bool {
    a.id != b.id
        && same_line(a, b)
        && match (&a.location, &b.location) {
            (Some(x), Some(y)) => same_file(&x.path, &y.path),
            _ => false,
        }
}

/// Merges equivalent findings of `scan` (see the module documentation). A scan without any
/// is returned as it is.
pub fn correlate(scan: Scan) -> Scan {
    let placed: Vec<(usize, usize, usize)> = scan
        .findings()
        .iter()
        .enumerate()
        .filter_map(|(index, f)| place(f).map(|(row, rank)| (index, row, rank)))
        .collect();
    // Union of equivalent pairs within each row: index → its group's first member.
    let mut group: Vec<usize> = (0..scan.findings().len()).collect();
    let mut merged_any = false;
    for (i, &(a, row_a, _)) in placed.iter().enumerate() {
        for &(b, row_b, _) in &placed[i + 1..] {
            if row_a == row_b && equivalent(&scan.findings()[a], &scan.findings()[b]) {
                let (root_a, root_b) = (find(&mut group, a), find(&mut group, b));
                if root_a != root_b {
                    group[root_b.max(root_a)] = root_a.min(root_b);
                    merged_any = true;
                }
            }
        }
    }
    if !merged_any {
        return scan;
    }
    let rank: std::collections::HashMap<usize, usize> = placed.iter().map(|&(i, _, r)| (i, r)).collect();
    let mut scan = scan;
    let warnings = scan.take_warnings();
    let (meta, findings, mut former) = scan.into_parts();
    let mut members: std::collections::BTreeMap<usize, Vec<usize>> = std::collections::BTreeMap::new();
    for index in 0..findings.len() {
        let root = find(&mut group, index);
        members.entry(root).or_default().push(index);
    }
    let mut out = Vec::with_capacity(findings.len());
    for indices in members.values() {
        if indices.len() == 1 {
            out.push(findings[indices[0]].clone());
            continue;
        }
        let leader = *indices
            .iter()
            .min_by_key(|i| (rank.get(i).copied().unwrap_or(usize::MAX), **i))
            .unwrap_or(&indices[0]);
        let mut merged = findings[leader].clone();
        for &index in indices.iter().filter(|i| **i != leader) {
            let other = &findings[index];
            if other.severity > merged.severity {
                merged.severity = other.severity;
            }
            for alias in std::iter::once(&other.id).chain(&other.aliases) {
                if *alias != merged.id && !merged.aliases.contains(alias) {
                    merged.aliases.push(alias.clone());
                }
            }
            former.absorb(&merged.fingerprint, &other.fingerprint);
        }
        merged.aliases.sort();
        out.push(merged);
    }
    let mut correlated = Scan::new(meta, out).with_former_identities(former);
    for warning in warnings {
        correlated.warn(warning);
    }
    correlated
}

fn find(group: &mut [usize], mut index: usize) -> usize {
    while group[index] != index {
        group[index] = group[group[index]];
        index = group[index];
    }
    index
}

#[cfg(test)]
mod tests {
    use hardline_model::{Fingerprint, Location, ScanMeta, Severity};

    use super::*;

    fn check(id: &str, path: &str, line: u32, severity: Severity) -> Finding {
        Finding {
            fingerprint: Fingerprint::rule("misconfiguration", id, path, &line.to_string()),
            kind: FindingKind::Misconfiguration,
            id: id.to_owned(),
            aliases: Vec::new(),
            severity,
            cvss: None,
            package: None,
            location: Some(Location { path: path.to_owned(), start_line: Some(line), end_line: Some(line) }),
            title: id.to_owned(),
            url: None,
            status: None,
        }
    }

    #[test]
    fn the_table_is_consistent() {
        let mut seen = std::collections::BTreeSet::new();
        for equivalence in EQUIVALENT_CHECKS {
            assert!(equivalence.ids.len() >= 2, "{equivalence:?}");
            assert!(equivalence.ids[0].starts_with("DS-"), "Trivy's id leads: {equivalence:?}");
            for id in equivalence.ids {
                assert!(seen.insert(*id), "{id} is in two rows");
            }
        }
    }

    #[test]
    fn equivalent_checks_on_one_line_of_one_file_are_one_finding() {
        let trivy = check("DS-0029", "Dockerfile", 5, Severity::High);
        let hadolint = check("DL3015", "images/x/Dockerfile", 5, Severity::Low);
        let elsewhere = check("DL3015", "images/x/Dockerfile", 9, Severity::Low);
        let other_file = check("DL3015", "images/y/Dockerfile.dev", 5, Severity::Low);
        let scan = Scan::new(
            ScanMeta::default(),
            vec![trivy.clone(), hadolint.clone(), elsewhere.clone(), other_file.clone()],
        );
        let scan = correlate(scan);
        assert_eq!(scan.findings().len(), 3);
        let merged = scan.findings().iter().find(|f| f.id == "DS-0029").expect("Trivy's id names it");
        assert_eq!(merged.fingerprint, trivy.fingerprint);
        assert_eq!(merged.aliases, vec!["DL3015".to_owned()]);
        assert_eq!(merged.severity, Severity::High);
        let former: Vec<_> = scan.former_identities().of(&trivy.fingerprint).collect();
        assert_eq!(former, vec![&hadolint.fingerprint]);
    }

    #[test]
    fn the_most_severe_reading_wins_and_unrelated_checks_stay_apart() {
        let scan = Scan::new(
            ScanMeta::default(),
            vec![
                check("DS-0022", "Dockerfile", 2, Severity::Medium),
                check("DL4000", "Dockerfile", 2, Severity::High),
                check("DS-0017", "Dockerfile", 3, Severity::High),
                check("DL3009", "Dockerfile", 3, Severity::Low),
            ],
        );
        let scan = correlate(scan);
        assert_eq!(scan.findings().len(), 3);
        let merged = scan.findings().iter().find(|f| f.id == "DS-0022").expect("merged");
        assert_eq!(merged.severity, Severity::High);
        assert!(merged.is_named("DL4000"));
    }
}
