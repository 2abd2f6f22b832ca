//! hadolint's and Trivy's equivalent Dockerfile checks are one finding when recorded
//! together. `fixtures/inputs/correlation/Dockerfile` breaks every check of the table once;
//! the fixtures beside it are the real tools' reports on it (hadolint 2.15.1 SARIF, Trivy
//! 0.76 config JSON). When the tools are on `PATH` (always in CI), they are run again on that
//! Dockerfile, so the table is checked against the tools themselves, not only against a
//! recording of them.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use hardline_ingest::batch::{merge, read_all};
use hardline_ingest::{EQUIVALENT_CHECKS, InputFormat, ReadOptions, parse_report_with};
use hardline_model::{Finding, FindingKind, Scan};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn line(finding: &Finding) -> Option<u32> {
    finding.location.as_ref().and_then(|l| l.start_line)
}

/// Checks every row of the table against the two reports of one Dockerfile, read apart and
/// merged: each row's ids flag one line in their own reports and are one finding merged.
fn check_the_table(hadolint: Scan, trivy: Scan) {
    let apart: Vec<Finding> = hadolint.findings().iter().chain(trivy.findings()).cloned().collect();
    let merged = merge(vec![hadolint, trivy]).expect("two scans");
    for equivalence in EQUIVALENT_CHECKS {
        let flagged: Vec<&Finding> =
            apart.iter().filter(|f| equivalence.ids.contains(&f.id.as_str())).collect();
        let trivy_id = equivalence.ids[0];
        let trivy_lines: Vec<Option<u32>> =
            flagged.iter().filter(|f| f.id == trivy_id).map(|f| line(f)).collect();
        assert!(!trivy_lines.is_empty(), "{trivy_id} ({}) is not flagged by Trivy", equivalence.problem);
        for hadolint in flagged.iter().filter(|f| f.id != trivy_id) {
            assert!(
                trivy_lines.contains(&line(hadolint)),
                "{} on line {:?} but {trivy_id} on {trivy_lines:?}",
                hadolint.id,
                line(hadolint)
            );
            let one = merged
                .findings()
                .iter()
                .find(|f| f.id == trivy_id && line(f) == line(hadolint))
                .unwrap_or_else(|| panic!("{trivy_id} on line {:?} in the merged scan", line(hadolint)));
            assert!(one.is_named(&hadolint.id), "{} is an alias of {trivy_id}: {one:?}", hadolint.id);
            assert!(one.severity >= hadolint.severity, "the most severe reading");
            assert!(merged.findings().iter().all(|f| f.id != hadolint.id), "{} counted twice", hadolint.id);
            assert!(
                merged.former_identities().of(&one.fingerprint).any(|p| *p == hadolint.fingerprint),
                "{}'s own identity is carried on",
                hadolint.id
            );
        }
        assert!(flagged.iter().any(|f| f.id != trivy_id), "no hadolint check of {trivy_id} fired");
    }
    // Look-alikes stay apart: DL3024 and DS-0012 flag different lines; DL3009 and DS-0017
    // different problems.
    for id in ["DL3024", "DS-0012", "DL3009", "DS-0017"] {
        assert!(merged.findings().iter().any(|f| f.id == id && f.aliases.is_empty()), "{id} stays a finding");
    }
    let misconfigurations =
        merged.findings().iter().filter(|f| f.kind == FindingKind::Misconfiguration).count();
    let pairs: usize = apart.len() - misconfigurations;
    // Each row once, DS-0001 three times (DL3006, and DL3007 on two FROM lines): ARCHITECTURE.md's figures.
    assert_eq!(pairs, 20, "hadolint/Trivy pairs merged on the Dockerfile that breaks every row");
}

/// The table is the one ARCHITECTURE.md documents, row for row, and it holds the pairs issue 13
/// names (`:latest`, root user, MAINTAINER, apt-get without --no-install-recommends): a row
/// removed or added in one place only fails here.
#[test]
fn the_table_is_the_documented_one() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ARCHITECTURE.md"))
        .expect("ARCHITECTURE.md");
    let start = doc.find("| Trivy | hadolint | Problem |").expect("the documented table");
    let documented: Vec<(Vec<String>, String)> = doc[start..]
        .lines()
        .skip(2)
        .take_while(|line| line.starts_with('|'))
        .map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            let mut ids = vec![cells[0].to_owned()];
            ids.extend(cells[1].split(", ").map(str::to_owned));
            (ids, cells[2].replace('`', ""))
        })
        .collect();
    let table: Vec<(Vec<String>, String)> = EQUIVALENT_CHECKS
        .iter()
        .map(|e| (e.ids.iter().map(|id| (*id).to_owned()).collect(), e.problem.replace('`', "")))
        .collect();
    assert_eq!(documented, table);
    for pair in [["DS-0001", "DL3007"], ["DS-0002", "DL3002"], ["DS-0022", "DL4000"], ["DS-0029", "DL3015"]] {
        assert!(EQUIVALENT_CHECKS.iter().any(|e| pair.iter().all(|id| e.ids.contains(id))), "{pair:?}");
    }
}

#[test]
fn equivalent_checks_in_the_recorded_reports_are_one_finding() {
    let options = ReadOptions::at(fixtures().join("inputs"));
    let scans = read_all(
        &[
            fixtures().join("correlation-hadolint-2.15.1.sarif"),
            fixtures().join("correlation-trivy-0.76-config.json"),
        ],
        InputFormat::Auto,
        &options,
    )
    .expect("fixtures parse");
    let mut scans = scans.into_iter();
    let (hadolint, trivy) = (scans.next().expect("hadolint"), scans.next().expect("trivy"));
    check_the_table(hadolint, trivy);
}

#[test]
fn equivalent_checks_of_the_real_tools_are_one_finding() {
    let (Some(hadolint), Some(trivy)) = (support::tool("hadolint"), support::tool("trivy")) else { return };
    let inputs = fixtures().join("inputs");
    let cache = tempfile::tempdir().expect("temp dir");
    let limit = Duration::from_secs(180);
    let options = ReadOptions::at(&inputs);
    let sarif = support::run(
        Command::new(hadolint).args(["--no-fail", "--format", "sarif", "correlation/Dockerfile"]),
        &inputs,
        limit,
    );
    let json = support::run(
        Command::new(trivy)
            .args(["config", "--quiet", "--format", "json", "correlation/Dockerfile"])
            .env("TRIVY_CACHE_DIR", cache.path()),
        &inputs,
        limit,
    );
    assert!(json.status.success(), "trivy config: {}", String::from_utf8_lossy(&json.stderr));
    let hadolint =
        parse_report_with(&sarif.stdout, InputFormat::Auto, "hadolint.sarif", &options).expect("SARIF");
    let trivy = parse_report_with(&json.stdout, InputFormat::Auto, "trivy.json", &options).expect("JSON");
    check_the_table(hadolint, trivy);
}
