//! Inputs beyond Trivy's JSON, end to end through the binary: Grype's report, Trivy's SARIF
//! of an image (its distribution from the ledger), a plain `.trivyignore`, an SBOM given as a
//! report, and a report of another image.

use std::path::{Path, PathBuf};

use crate::common::{Repo, trivy_report};

fn ingest_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ingest/tests/fixtures").join(name)
}

fn report(repo: &Repo, name: &str, contents: &str) -> String {
    repo.write(&format!("reports/{name}"), contents).display().to_string()
}

fn fingerprints(json: &serde_json::Value) -> Vec<String> {
    let mut out: Vec<String> = json["diff"]["new"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["fingerprint"].as_str().map(str::to_owned))
        .collect();
    out.sort();
    out
}

/// The same image scanned by Trivy (JSON), then by Grype, then read from Trivy's SARIF: the
/// findings both scanners know are carried on, not fixed and new; Grype's one extra is new;
/// SARIF's OS packages take the distribution the ledger knows.
#[test]
fn trivy_grype_and_trivy_sarif_of_one_image_are_the_same_findings() {
    let mut repo = Repo::new();
    // SARIF has no time of its own: it is given (--scanned-at), after the other two.
    repo.env = vec![("HARDLINE_NOW".into(), "2026-11-30T12:00:00Z".into())];
    let trivy = ingest_fixture("trivy-0.76-image.json").display().to_string();
    let grype = ingest_fixture("grype-0.86-image.json").display().to_string();
    let sarif = ingest_fixture("trivy-0.76-image.sarif").display().to_string();
    let first = repo.json(&["record", "--image", "app", "--report", &trivy]);
    assert_eq!(first["counts"]["total"], 11);

    let second = repo.json(&["record", "--image", "app", "--report", &grype]);
    assert_eq!(second["recorded"], true, "{second:#}");
    let new: Vec<&str> =
        second["diff"]["new"].as_array().into_iter().flatten().filter_map(|f| f["id"].as_str()).collect();
    assert_eq!(new, ["CVE-2026-7000"], "only what Trivy did not report is new");
    assert_eq!(second["diff"]["fixed"], serde_json::json!([]));

    // Trivy's SARIF of the first scan: what Grype alone found is fixed, nothing is new.
    let third =
        repo.json(&["record", "--image", "app", "--report", &sarif, "--scanned-at", "2026-11-30T12:00:00Z"]);
    assert_eq!(fingerprints(&third), Vec::<String>::new(), "{third:#}");
    let fixed: Vec<&str> =
        third["diff"]["fixed"].as_array().into_iter().flatten().filter_map(|f| f["id"].as_str()).collect();
    assert_eq!(fixed, ["CVE-2026-7000"]);
    assert!(repo.ok(&["verify"]).ends_with("ledger verifies\n"));
}

/// A plain `.trivyignore` was silently ignored: its ids counted in the gate. Now they are
/// accepted risks like any other.
#[test]
fn a_plain_trivyignore_is_applied_by_the_gate() {
    let repo = Repo::new();
    let baseline = report(
        &repo,
        "base.json",
        &trivy_report("2026-03-01T00:00:00Z", &[("CVE-2026-1", "libc6", "HIGH", "1", "")]),
    );
    repo.ok(&["record", "--image", "app", "--report", &baseline]);
    let candidate = report(
        &repo,
        "pr.json",
        &trivy_report(
            "2026-03-02T00:00:00Z",
            &[("CVE-2026-1", "libc6", "HIGH", "1", ""), ("CVE-2026-2", "zlib1g", "CRITICAL", "1", "")],
        ),
    );
    let gate = |repo: &Repo| {
        let out = repo.run(&["--format", "json", "gate", "--image", "app", "--report", &candidate]);
        (out.status.code(), serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap_or_default())
    };
    assert_eq!(gate(&repo).0, Some(20), "a new CRITICAL blocks");
    repo.write(
        ".trivyignore",
        "# not reachable: zlib is only used by the package manager\nCVE-2026-2 exp:2026-12-31\n",
    );
    let (code, json) = gate(&repo);
    assert_eq!(code, Some(10), "{json:#}");
    assert_eq!(json["suppressed"][0]["id"], "CVE-2026-2");
}

#[test]
fn an_sbom_given_as_a_report_is_refused_with_what_to_do() {
    let repo = Repo::new();
    let sbom = report(
        &repo,
        "image.cdx.json",
        r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": []}"#,
    );
    let out = repo.run(&["record", "--image", "app", "--report", &sbom]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("image.cdx.json:1:2: this is a CycloneDX document"), "{stderr}");
    assert!(stderr.contains("trivy sbom"), "{stderr}");
    assert!(!repo.path().join("audit-logs").exists(), "nothing written");
}

/// A report of another image warns; with `--strict-artifact` it is refused and nothing is
/// written. A report of the same image, tagged differently, is fine.
#[test]
fn a_report_of_another_image_warns_and_strict_artifact_refuses_it() {
    let repo = Repo::new();
    let named = |name: &str, at: &str| {
        trivy_report(at, &[("CVE-2026-1", "libc6", "HIGH", "1", "")]).replace("example:latest", name)
    };
    let first =
        report(&repo, "1.json", &named("ghcr.io/org/postgres-secured:2026-03-01", "2026-03-01T00:00:00Z"));
    repo.ok(&["record", "--image", "postgres-secured", "--report", &first]);
    let same = report(&repo, "2.json", &named("postgres-secured:ci", "2026-03-02T00:00:00Z"));
    let out = repo.run(&["record", "--image", "postgres-secured", "--report", &same]);
    assert!(out.status.success() && out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));

    let other = report(&repo, "3.json", &named("php-mysql-secured:ci", "2026-03-03T00:00:00Z"));
    let log = || repo.read("audit-logs/postgres-secured.jsonl");
    let before = log();
    let out = repo.run(&["record", "--image", "postgres-secured", "--strict-artifact", "--report", &other]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("may be a report of another image than postgres-secured"), "{stderr}");
    assert!(stderr.contains("`php-mysql-secured:ci`") && stderr.contains("nothing was recorded"), "{stderr}");
    assert_eq!(log(), before, "refused: nothing written");

    let out = repo.run(&["gate", "--image", "postgres-secured", "--strict-artifact", "--report", &other]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));

    let out = repo.run(&["record", "--image", "postgres-secured", "--report", &other]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("warning: ") && stderr.contains("--strict-artifact refuses"), "{stderr}");
}

/// A lint report of another image's Dockerfile names files none of the image's findings are in.
#[test]
fn a_lint_report_of_another_dockerfile_warns() {
    let repo = Repo::new();
    let sarif = |path: &str| {
        serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "Hadolint", "version": "2.15.1"}},
            "results": [{"ruleId": "DL3008", "level": "warning", "message": {"text": "Pin versions"},
              "locations": [{"physicalLocation": {"artifactLocation": {"uri": path}, "region": {"startLine": 3}}}]}]}]})
        .to_string()
    };
    let own = report(&repo, "own.sarif", &sarif("images/postgres-secured/Dockerfile"));
    let at = ["--scanned-at", "2026-03-03T11:00:00Z"];
    repo.ok(&["record", "--image", "postgres-secured", "--report", &own, at[0], at[1]]);
    let other = report(&repo, "other.sarif", &sarif("images/php-mysql-secured/Dockerfile"));
    let out = repo.run(&[
        "record",
        "--image",
        "postgres-secured",
        "--strict-artifact",
        "--report",
        &other,
        at[0],
        at[1],
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("images/php-mysql-secured/Dockerfile, none of the files of the image's findings"),
        "{stderr}"
    );
}

/// hadolint and Trivy on one Dockerfile: each problem both flag counts once in the gate.
#[test]
fn the_gate_counts_a_problem_two_scanners_flag_once() {
    let repo = Repo::new();
    std::fs::create_dir_all(repo.path().join("correlation")).expect("mkdir");
    std::fs::copy(
        ingest_fixture("inputs/correlation/Dockerfile"),
        repo.path().join("correlation/Dockerfile"),
    )
    .expect("copy");
    let hadolint = ingest_fixture("correlation-hadolint-2.15.1.sarif").display().to_string();
    let trivy = ingest_fixture("correlation-trivy-0.76-config.json").display().to_string();
    let count = |reports: &[&str]| {
        let mut args = vec!["--format", "json", "gate", "--image", "app"];
        for r in reports {
            args.extend(["--report", r]);
        }
        let out = repo.run(&args);
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
        json["candidate_count"].as_u64().unwrap_or(0)
    };
    let (alone_h, alone_t, together) = (count(&[&hadolint]), count(&[&trivy]), count(&[&hadolint, &trivy]));
    // 33 MEDIUM+ from hadolint, 22 from Trivy; 16 problems both flag at MEDIUM+ count once
    // (the other rows pair a LOW reading, which the gate did not count anyway).
    assert_eq!((alone_h, alone_t, together), (33, 22, 39));
}

/// The trusted side of a pull request's gate runs in the default branch's checkout: `--sources`
/// points SARIF paths at the pull request's files, so its results are identified by the lines
/// they flag there, as when they were recorded.
#[test]
fn gate_sources_identifies_sarif_results_by_the_pull_request_s_files() {
    let repo = Repo::new();
    let dockerfile = "FROM debian:trixie-slim\nRUN apt-get install -y curl\n";
    repo.write("images/app/Dockerfile", dockerfile);
    let sarif = serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "Hadolint", "version": "2.15.1"}},
        "results": [{"ruleId": "DL3008", "level": "warning", "message": {"text": "Pin versions"},
          "locations": [{"physicalLocation": {"artifactLocation": {"uri": "images/app/Dockerfile"}, "region": {"startLine": 2}}}]}]}]})
    .to_string();
    let report = report(&repo, "hadolint.sarif", &sarif);
    repo.ok(&["record", "--image", "app", "--report", &report, "--scanned-at", "2026-03-02T04:00:00Z"]);

    // The ledger's checkout no longer has the file; the pull request's files are elsewhere.
    std::fs::remove_file(repo.path().join("images/app/Dockerfile")).expect("rm");
    let pr = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(pr.path().join("images/app")).expect("mkdir");
    std::fs::write(pr.path().join("images/app/Dockerfile"), dockerfile).expect("write");
    let gate = |extra: &[&str]| {
        let mut args = vec!["--format", "json", "gate", "--image", "app", "--report", &report];
        args.extend_from_slice(extra);
        let out = repo.run(&args);
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap_or_default()
    };
    let sources = pr.path().display().to_string();
    let with = gate(&["--sources", &sources]);
    assert_eq!(
        (with["diff"]["new"].as_array().map(Vec::len), with["diff"]["fixed"].as_array().map(Vec::len)),
        (Some(0), Some(0)),
        "{with:#}"
    );
    let without = gate(&[]);
    assert_eq!(
        without["diff"]["new"].as_array().map(Vec::len),
        Some(1),
        "identified by its message instead: {without:#}"
    );
}
