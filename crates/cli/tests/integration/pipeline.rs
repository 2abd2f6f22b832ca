//! What the pipeline (`.github/scripts`) relies on, through the real binary: the SBOM kept
//! beside the baseline view, the gate against the rescan of the base branch's SBOM, a new
//! image, and the SARIF export.

use crate::common::{Repo, trivy_report};

const WEEK1: &str = "2026-01-05T04:00:00Z";

fn s(path: &std::path::Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// `cve-baseline/<image>.cdx.json` is the pipeline's file (DESIGN.md), not the baseline view of
/// an image called `<image>.cdx`: no reader of `cve-baseline/` takes it for one.
#[test]
fn the_kept_sbom_is_not_mistaken_for_a_view() {
    let repo = Repo::new();
    let report =
        repo.write("r/1.json", &trivy_report(WEEK1, &[("CVE-2026-0001", "libc6", "HIGH", "2.41-1", "")]));
    repo.ok(&["record", "--image", "postgres-secured", "--report", s(&report)]);
    let sbom = "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"components\": []}\n";
    repo.write("cve-baseline/postgres-secured.cdx.json", sbom);

    let verify = repo.run(&["verify"]);
    assert_eq!(verify.status.code(), Some(0), "{}", String::from_utf8_lossy(&verify.stdout));
    assert_eq!(repo.json(&["rebuild"])["changed"], serde_json::json!([]));
    let status = repo.json(&["status"]);
    let names: Vec<&str> =
        status["images"].as_array().into_iter().flatten().filter_map(|i| i["name"].as_str()).collect();
    assert_eq!(names, ["postgres-secured"]);
    repo.ok(&["issues", "sync"]);
    repo.ok(&["summary"]);
    let site = repo.json(&["dashboard", "--out", "site"]);
    assert!(!site.to_string().contains(".cdx"), "{site}");
    let second = repo.write("r/2.json", &trivy_report("2026-01-12T04:00:00Z", &[]));
    repo.ok(&["record", "--image", "postgres-secured", "--report", s(&second)]);
    assert_eq!(repo.read("cve-baseline/postgres-secured.cdx.json"), sbom, "the ledger never writes it");
    assert_eq!(repo.run(&["verify"]).status.code(), Some(0));
}

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ingest/tests/fixtures").join(name)
}

/// The image scan of the fixture image a week later, with the scanner database of the rescan:
/// one Debian CVE published in between.
fn candidate_with_the_new_database(repo: &Repo) -> std::path::PathBuf {
    let text = std::fs::read_to_string(fixture("trivy-vulns-handwritten.json")).expect("fixture");
    let mut report: serde_json::Value = serde_json::from_str(&text).expect("json");
    report["CreatedAt"] = "2026-02-23T09:15:00Z".into();
    let os = report["Results"][0]["Vulnerabilities"].as_array_mut().expect("OS vulnerabilities");
    os.push(serde_json::json!({
        "VulnerabilityID": "CVE-2026-1002", "PkgName": "libxml2", "InstalledVersion": "2.12.7+dfsg-3",
        "Status": "affected", "Severity": "HIGH", "Title": "libxml2: published after the last weekly scan"
    }));
    repo.write("r/candidate.json", &report.to_string())
}

/// Regression: a CVE published since the last weekly scan made every pull request "raise the
/// count". Gated against the rescan of the base branch's SBOM it is base drift; and the
/// rescan's pathless language packages (Go, Composer, Java, Node) are the image scan's, not
/// "fixed" there and "new" here.
#[test]
fn the_rescan_of_the_base_sbom_is_the_comparison_base() {
    let repo = Repo::new();
    let recorded = fixture("trivy-vulns-handwritten.json");
    repo.ok(&["record", "--image", "app", "--report", s(&recorded)]);
    let candidate = candidate_with_the_new_database(&repo);
    let base = fixture("trivy-sbom-rescan-handwritten.json");

    let against_ledger = repo.json(&["gate", "--image", "app", "--report", s(&candidate)]);
    assert_eq!(against_ledger["base"], "ledger");
    assert_eq!(against_ledger["base_drift"], serde_json::json!([]));
    let rules: Vec<&str> = against_ledger["reasons"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["rule"].as_str())
        .collect();
    assert!(rules.contains(&"count-increased"), "without the rescan, the CVE is blamed: {rules:?}");

    let gated = repo.json(&["gate", "--image", "app", "--report", s(&candidate), "--base-report", s(&base)]);
    assert_eq!(gated["base"], "report");
    let drift: Vec<&str> =
        gated["base_drift"].as_array().into_iter().flatten().filter_map(|f| f["id"].as_str()).collect();
    assert_eq!(drift, ["CVE-2026-1002"]);
    assert_eq!(gated["diff"]["new"], serde_json::json!([]), "{gated}");
    assert_eq!(gated["diff"]["fixed"], serde_json::json!([]), "{gated}");
    assert_eq!(gated["baseline_count"], gated["candidate_count"]);
    let rules: Vec<&str> =
        gated["reasons"].as_array().into_iter().flatten().filter_map(|r| r["rule"].as_str()).collect();
    assert_eq!(rules, ["critical-present", "count-unchanged"]);
}

#[test]
fn a_malformed_base_report_names_its_line_and_one_is_the_most() {
    let repo = Repo::new();
    let candidate = repo.write("r/c.json", &trivy_report(WEEK1, &[]));
    let broken = repo.write("r/base.json", "{\"SchemaVersion\": 2,\n \"Results\": [\n  {\"Target\": }\n]}\n");
    let out = repo.run(&["gate", "--image", "app", "--report", s(&candidate), "--base-report", s(&broken)]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("{}:3:", s(&broken))), "{stderr}");
    let twice = repo.run(&[
        "gate",
        "--image",
        "app",
        "--report",
        s(&candidate),
        "--base-report",
        s(&candidate),
        "--base-report",
        s(&candidate),
    ]);
    assert_eq!(twice.status.code(), Some(2), "{}", String::from_utf8_lossy(&twice.stderr));
}

/// Regression: a new image was "0 → N: the count rises: block".
#[test]
fn a_new_image_is_reviewed_and_a_critical_still_blocks() {
    let repo = Repo::new();
    let mediums =
        repo.write("r/m.json", &trivy_report(WEEK1, &[("CVE-2026-0002", "zlib1g", "MEDIUM", "1", "2")]));
    let out = repo.run(&["--format", "json", "gate", "--image", "brand-new", "--report", s(&mediums)]);
    assert_eq!(out.status.code(), Some(10), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!((json["decision"].as_str(), json["has_baseline"].as_bool()), (Some("review"), Some(false)));
    assert_eq!(json["reasons"][0]["rule"], "new-image");
    let critical =
        repo.write("r/c.json", &trivy_report(WEEK1, &[("CVE-2026-0009", "curl", "CRITICAL", "8", "")]));
    let out = repo.run(&["gate", "--image", "brand-new", "--report", s(&critical)]);
    assert_eq!(out.status.code(), Some(20));
}
