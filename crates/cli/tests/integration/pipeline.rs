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
