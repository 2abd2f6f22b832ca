//! The identity of SARIF results without the tool's own fingerprints, proven with the real
//! tools (hadolint 2.15.1, zizmor 1.32.0) run on files in a scratch repository: one finding
//! per real result, stable when lines are inserted above, and removing one of several
//! identical results fixes exactly one.
//!
//! The tools come from `PATH` (`.ci/run` installs them and requires them); elsewhere these
//! tests say they are skipped.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use hardline_ingest::{InputFormat, ReadOptions, parse_report_with};
use hardline_model::{Diff, Fingerprint, Scan};

/// A scratch repository holding one file the tool is pointed at.
struct Repository {
    dir: tempfile::TempDir,
    file: &'static str,
}

impl Repository {
    fn new(file: &'static str) -> Repository {
        Repository { dir: tempfile::tempdir().expect("temp dir"), file }
    }

    fn write(&self, lines: &[&str]) {
        let path = self.dir.path().join(self.file);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
        std::fs::write(path, lines.join("\n") + "\n").expect("write");
    }

    /// Runs the tool (`args`, then the file) from the repository root and reads its SARIF
    /// with the repository at hand, as `hardline --root` does.
    fn scan(&self, tool: &Path, args: &[&str]) -> Scan {
        let output = support::run(
            Command::new(tool).args(args).arg(self.file),
            self.dir.path(),
            Duration::from_secs(120),
        );
        assert!(
            !output.stdout.is_empty(),
            "{} wrote no SARIF: {}",
            tool.display(),
            String::from_utf8_lossy(&output.stderr)
        );
        let options = ReadOptions::at(self.dir.path());
        parse_report_with(&output.stdout, InputFormat::Auto, "tool.sarif", &options)
            .expect("the tool's SARIF parses")
    }
}

fn fingerprints(scan: &Scan) -> BTreeSet<Fingerprint> {
    scan.findings().iter().map(|f| f.fingerprint.clone()).collect()
}

fn state(scan: &Scan) -> BTreeMap<Fingerprint, hardline_model::Finding> {
    scan.findings().iter().map(|f| (f.fingerprint.clone(), f.clone())).collect()
}

/// What recording `after` on top of `before` says.
fn change(before: &Scan, after: &Scan) -> Diff {
    Diff::against(&state(before), after.findings(), after.former_identities())
}

/// The identity hardline 0.1 gave a SARIF result without `partialFingerprints`: (rule, file,
/// snippet or message). hadolint writes no snippet and a one-line message (the title);
/// zizmor's snippet of an unpinned `uses:` is the action reference.
fn old_identity(finding: &hardline_model::Finding) -> Fingerprint {
    let path = finding.location.as_ref().map_or("", |l| l.path.as_str());
    let cause =
        if finding.id == "zizmor/unpinned-uses" { "actions/checkout@v4" } else { finding.title.as_str() };
    Fingerprint::rule("sast", &finding.id, path, cause)
}

/// Under the old identity, the results of `rule` were one finding; each now names that
/// finding as a former identity.
fn merged_under_the_old_identity(scan: &Scan, rule: &str) -> bool {
    let results: Vec<_> = scan.findings().iter().filter(|f| f.id == rule).collect();
    let old: BTreeSet<Fingerprint> = results.iter().map(|f| old_identity(f)).collect();
    results.len() > 1
        && old.len() == 1
        && results.iter().all(|f| scan.former_identities().of(&f.fingerprint).any(|p| old.contains(p)))
}

/// Neither new, fixed, changed nor re-identified: only the line numbers moved (the findings
/// are refreshed with them).
fn assert_nothing_but_places_moved(diff: &Diff) {
    assert!(diff.new.is_empty() && diff.fixed.is_empty(), "{diff:#?}");
    assert!(diff.changed.is_empty() && diff.reidentified.is_empty(), "{diff:#?}");
}

fn count(scan: &Scan, rule: &str) -> usize {
    scan.findings().iter().filter(|f| f.id == rule).count()
}

const WORKFLOW_HEAD: [&str; 4] = ["name: ci", "on: push", "permissions: {}", "jobs:"];

fn job(name: &'static str) -> [&'static str; 6] {
    [
        name,
        "    runs-on: ubuntu-latest",
        "    steps:",
        "      - uses: actions/checkout@v4",
        "        with:",
        "          persist-credentials: false",
    ]
}

fn workflow(prefix: &[&'static str], jobs: &[&'static str]) -> Vec<&'static str> {
    let mut lines: Vec<&'static str> = prefix.to_vec();
    lines.extend(WORKFLOW_HEAD);
    for name in jobs {
        lines.extend(job(name));
    }
    lines
}

fn zizmor() -> Option<PathBuf> {
    support::tool("zizmor")
}

const ZIZMOR_ARGS: [&str; 4] = ["--offline", "--no-progress", "--format", "sarif"];

#[test]
fn zizmor_three_unpinned_uses_are_three_findings_stable_under_insertion() {
    let Some(zizmor) = zizmor() else { return };
    let repo = Repository::new(".github/workflows/ci.yml");
    repo.write(&workflow(&[], &["  one:", "  two:", "  three:"]));
    let before = repo.scan(&zizmor, &ZIZMOR_ARGS);
    assert_eq!(count(&before, "zizmor/unpinned-uses"), 3, "{:#?}", before.findings());
    assert!(merged_under_the_old_identity(&before, "zizmor/unpinned-uses"), "the old identity merged them");

    let inserted = ["# Lines inserted above everything.", "# They move every finding down three lines.", ""];
    repo.write(&workflow(&inserted, &["  one:", "  two:", "  three:"]));
    let shifted = repo.scan(&zizmor, &ZIZMOR_ARGS);
    assert_eq!(fingerprints(&shifted), fingerprints(&before));
    assert_nothing_but_places_moved(&change(&before, &shifted));
}

#[test]
fn zizmor_removing_one_of_three_identical_results_fixes_exactly_one() {
    let Some(zizmor) = zizmor() else { return };
    let repo = Repository::new(".github/workflows/ci.yml");
    repo.write(&workflow(&[], &["  one:", "  two:", "  three:"]));
    let before = repo.scan(&zizmor, &ZIZMOR_ARGS);
    for remaining in [["  one:", "  three:"], ["  two:", "  three:"], ["  one:", "  two:"]] {
        repo.write(&workflow(&[], &remaining));
        let after = repo.scan(&zizmor, &ZIZMOR_ARGS);
        let diff = change(&before, &after);
        assert_eq!(
            (diff.new.len(), diff.fixed.len(), diff.reidentified.len()),
            (0, 1, 0),
            "{remaining:?}: {diff:#?}"
        );
        assert_eq!(diff.fixed[0].id, "zizmor/unpinned-uses");
    }
}

fn hadolint() -> Option<PathBuf> {
    support::tool("hadolint")
}

const HADOLINT_ARGS: [&str; 3] = ["--no-fail", "--format", "sarif"];
const FROM: &str =
    "FROM debian:trixie-slim@sha256:0000000000000000000000000000000000000000000000000000000000000000";
const INSTALL: &str =
    "RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*";

#[test]
fn hadolint_two_identical_results_are_two_findings_stable_under_insertion() {
    let Some(hadolint) = hadolint() else { return };
    let repo = Repository::new("images/x/Dockerfile");
    repo.write(&[FROM, INSTALL, "USER 1000", INSTALL]);
    let before = repo.scan(&hadolint, &HADOLINT_ARGS);
    assert_eq!(count(&before, "DL3008"), 2, "{:#?}", before.findings());
    assert!(merged_under_the_old_identity(&before, "DL3008"), "the old identity merged them");

    repo.write(&[
        FROM,
        "# pinned by Renovate",
        "ARG VCS_REF=unknown",
        "LABEL org.opencontainers.image.revision=\"${VCS_REF}\"",
        "",
        INSTALL,
        "USER 1000",
        INSTALL,
    ]);
    let shifted = repo.scan(&hadolint, &HADOLINT_ARGS);
    assert_eq!(fingerprints(&shifted), fingerprints(&before));
    assert_nothing_but_places_moved(&change(&before, &shifted));
}

#[test]
fn hadolint_removing_one_of_two_identical_results_fixes_exactly_one() {
    let Some(hadolint) = hadolint() else { return };
    let repo = Repository::new("images/x/Dockerfile");
    repo.write(&[FROM, INSTALL, "USER 1000", INSTALL]);
    let before = repo.scan(&hadolint, &HADOLINT_ARGS);
    for after in [vec![FROM, "USER 1000", INSTALL], vec![FROM, INSTALL, "USER 1000"]] {
        repo.write(&after);
        let after = repo.scan(&hadolint, &HADOLINT_ARGS);
        let diff = change(&before, &after);
        assert_eq!((diff.new.len(), diff.fixed.len(), diff.reidentified.len()), (0, 1, 0), "{diff:#?}");
        assert_eq!(diff.fixed[0].id, "DL3008");
    }
}

/// A ledger that holds the old identity (one finding for the two results) carries it on as
/// the two findings it was: re-identified, neither fixed nor new.
#[test]
fn hadolint_a_ledger_holding_the_old_identity_sees_no_churn() {
    let Some(hadolint) = hadolint() else { return };
    let repo = Repository::new("images/x/Dockerfile");
    repo.write(&[FROM, INSTALL, "USER 1000", INSTALL]);
    let now = repo.scan(&hadolint, &HADOLINT_ARGS);
    // The state hardline 0.1 recorded: each finding under its old identity, the two
    // identical ones as one.
    let old_state: BTreeMap<Fingerprint, hardline_model::Finding> = now
        .findings()
        .iter()
        .map(|f| (old_identity(f), hardline_model::Finding { fingerprint: old_identity(f), ..f.clone() }))
        .collect();
    assert_eq!(old_state.len() + 1, now.findings().len(), "the two DL3008 were one");
    let diff = Diff::against(&old_state, now.findings(), now.former_identities());
    assert!(diff.new.is_empty() && diff.fixed.is_empty(), "{diff:#?}");
    assert_eq!(diff.reidentified.len(), now.findings().len());
}
