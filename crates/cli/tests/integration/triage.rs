//! Triage on the real corpus, through the binary: `status --format json` gives the MTTR the
//! independent computation (`crates/triage/tests/independent_mttr.py`, straight from the Trivy
//! reports) gives, to the hundredth of a day; the scans go stale when they stop; the KEV
//! catalog finds none of the corpus's CVEs (as its README says) and a catalog that lists one
//! counts it; summary, issues and the dashboard work on it.

use std::path::Path;
use std::process::Command;

use crate::common::{Repo, corpus_reports};

const IMAGES: [&str; 2] = ["php-mysql", "postgres-18"];

fn independent(image: &str) -> Option<serde_json::Value> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../triage/tests/independent_mttr.py");
    let folder = crate::common::corpus()?.join(image);
    let out = Command::new("python3").arg(script).arg(folder).output().ok()?;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    Some(serde_json::from_slice(&out.stdout).expect("JSON"))
}

#[test]
fn triage_of_the_real_corpus_matches_an_independent_computation() {
    if corpus_reports("php-mysql").is_empty() {
        eprintln!("note: ../shared/corpus is absent; skipped");
        return;
    }
    let mut repo = Repo::new();
    for image in IMAGES {
        let reports: Vec<String> = corpus_reports(image).iter().map(|p| p.display().to_string()).collect();
        let mut args = vec!["record", "--image", image];
        for report in &reports {
            args.extend(["--report", report.as_str()]);
        }
        repo.ok(&args);
    }
    repo.env = vec![("HARDLINE_NOW".into(), "2026-03-05T00:00:00Z".into())];
    let status = repo.json(&["status"]);
    for image in IMAGES {
        let Some(expected) = independent(image) else {
            eprintln!("note: python3 is not installed; skipped");
            return;
        };
        let ours = status["images"]
            .as_array()
            .and_then(|i| i.iter().find(|i| i["name"] == image))
            .expect("the image");
        for severity in ["critical", "high", "medium", "low"] {
            let theirs = expected[severity]["mean_days"].as_f64().map(|d| (d * 100.0).round() / 100.0);
            assert_eq!(ours["mttr_days"][severity].as_f64(), theirs, "{image} {severity}: {ours}");
        }
        assert_eq!(ours["stale"], false, "{image}");
        assert!(ours["overdue"].as_u64().is_some_and(|n| n > 0) || image == "postgres-18", "{ours}");
        assert!(ours.get("kev").is_none(), "no catalog given: no kev field");
        let record = &ours["fixed_within_sla"];
        assert!(record["within_sla"].as_u64() <= record["fixed"].as_u64(), "{record}");
    }

    // Three weeks later the scans have stopped, and every view says so.
    repo.env = vec![("HARDLINE_NOW".into(), "2026-03-23T00:00:00Z".into())];
    let status = repo.json(&["status"]);
    assert!(
        status["images"]
            .as_array()
            .is_some_and(|i| i.iter().all(|i| i["stale"] == true && i["last_scan_age_days"] == 20)),
        "{status}"
    );
    let summary = repo.ok(&["--format", "markdown", "summary"]);
    assert!(summary.contains("**Scans have stopped**: no scan for 20 days"), "{summary}");
    assert!(
        summary.contains("(no scan)") && !summary.contains("±0"),
        "no change claimed for weeks nobody scanned"
    );
    repo.ok(&["dashboard"]);
    assert!(repo.read("site/index.html").contains("scans have stopped"));
    repo.ok(&["issues", "sync"]);
    let issue = std::fs::read_dir(repo.path().join(".hardline/tracker/issues"))
        .map(|d| {
            d.flatten().map(|e| std::fs::read_to_string(e.path()).unwrap_or_default()).collect::<String>()
        })
        .unwrap_or_default();
    assert!(issue.contains("**Scans have stopped**"), "the issues say so too");
    assert!(repo.ok(&["exceptions"]).contains("no accepted risks"));

    // The real catalog lists none of the corpus's CVEs; a catalog that lists one counts it.
    let real = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/feeds/known_exploited_vulnerabilities.json");
    if real.is_file() {
        let status = repo.json(&["--kev", real.to_str().expect("utf-8"), "status"]);
        assert!(status["images"].as_array().is_some_and(|i| i.iter().all(|i| i["kev"] == 0)), "{status}");
        assert_eq!(status["feeds"]["kev"]["version"], "2025.08.25");
    }
    let first = status["images"][0]["name"].as_str().unwrap_or_default().to_owned();
    let baseline: serde_json::Value =
        serde_json::from_str(&repo.read(&format!("cve-baseline/{first}.json"))).expect("a baseline");
    let cve = baseline["findings"]
        .as_array()
        .and_then(|f| f.iter().find_map(|f| f["id"].as_str().filter(|id| id.starts_with("CVE-"))))
        .expect("a CVE")
        .to_owned();
    let catalog = format!(
        r#"{{"catalogVersion": "2026.03.20", "dateReleased": "2026-03-20T00:00:00Z", "vulnerabilities": [
            {{"cveID": "{cve}", "vendorProject": "x", "product": "y", "vulnerabilityName": "z", "dateAdded": "2026-03-20",
              "knownRansomwareCampaignUse": "Unknown"}}]}}"#
    );
    let kev = repo.write("kev.json", &catalog);
    let status = repo.json(&["--kev", kev.to_str().expect("utf-8"), "status"]);
    let ours = status["images"]
        .as_array()
        .and_then(|i| i.iter().find(|i| i["name"] == first.as_str()))
        .expect("the image");
    assert!(ours["kev"].as_u64().is_some_and(|n| n >= 1), "{ours}");
}
