//! `hardline.toml` through the real binary: `[gate.rules.<code>]` switches a rule on top of the
//! profile, and every mistake names the file, line and column.

use crate::common::{Repo, trivy_report};

fn gate_swap(repo: &Repo) -> (Option<i32>, serde_json::Value) {
    // The default rules' loophole: two MEDIUMs fixed, one HIGH added is "fewer findings".
    let baseline = repo.write(
        "base.json",
        &trivy_report(
            "2026-01-05T04:00:00Z",
            &[("CVE-2026-0001", "zlib1g", "MEDIUM", "1", ""), ("CVE-2026-0002", "tar", "MEDIUM", "1", "")],
        ),
    );
    repo.ok(&["record", "--image", "app", "--report", baseline.to_str().unwrap_or_default()]);
    let candidate = repo.write(
        "pr.json",
        &trivy_report("2026-01-06T04:00:00Z", &[("CVE-2026-0003", "openssl", "HIGH", "3", "")]),
    );
    let out = repo.run(&[
        "--format",
        "json",
        "gate",
        "--image",
        "app",
        "--report",
        candidate.to_str().unwrap_or_default(),
    ]);
    (out.status.code(), serde_json::from_slice(&out.stdout).unwrap_or_default())
}

fn rules(json: &serde_json::Value) -> Vec<&str> {
    json["reasons"].as_array().into_iter().flatten().filter_map(|r| r["rule"].as_str()).collect()
}

#[test]
fn a_rule_switched_on_in_hardline_toml_runs_under_the_default_profile() {
    let repo = Repo::new();
    let (code, json) = gate_swap(&repo);
    assert_eq!((code, rules(&json)), (Some(0), vec!["count-decreased"]), "the default table allows it");

    let repo = Repo::new();
    repo.write("hardline.toml", "[gate.rules.new-high-or-critical]\nenabled = true\n");
    let (code, json) = gate_swap(&repo);
    assert_eq!((code, rules(&json)), (Some(20), vec!["count-decreased", "new-high-or-critical"]));
    assert_eq!(json["policy"], "default");
}

#[test]
fn configuration_mistakes_name_the_file_line_and_column() {
    for (toml, expected) in [
        (
            "\n[gate.rules.no-such-rule]\nenabled = true\n",
            "hardline.toml:2:1: no gate rule is called `no-such-rule`",
        ),
        (
            "[gate.rules.new-fixable]\nmin_severity = \"urgent\"\n",
            "hardline.toml:2:16: gate rule `new-fixable`: `min_severity` must be one of",
        ),
        (
            "[gate.rules.count-unchanged]\nenabled = true\nlimit = 2\n",
            "hardline.toml:3:1: gate rule `count-unchanged` has no parameter `limit`",
        ),
        (
            "[policy]\nprofile = \"lenient\"\n",
            "hardline.toml:2:11: policy.profile must be one of \"default\", \"strict\"",
        ),
        ("[gate]\nrule = 1\n", "hardline.toml:2:1: unknown field `rule`"),
    ] {
        let repo = Repo::new();
        repo.write("hardline.toml", toml);
        let out = repo.run(&["status"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{toml}");
        assert!(stderr.contains(expected), "{toml:?}: {stderr}");
    }
}
