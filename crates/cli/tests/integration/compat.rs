//! Old ledgers keep working: the ledger `hardline demo` wrote with hardline 0.1.0 (commit
//! `0c492f3`, kept byte for byte in `tests/fixtures/ledger-v0.1`) verifies, gates both of the
//! demo's pull requests exactly as 0.1.0 did, and takes new scans and decisions on top.

use std::path::{Path, PathBuf};

use crate::common::{Repo, copy_tree, scrub};

/// The demo's last moment: both pull request reports were made then, and every exception of
/// the demo is still active.
const NOW: &str = "2026-11-11T04:00:00Z";
const PHP: &str = "php-mysql-secured";
const POSTGRES: &str = "postgres-secured";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ledger-v0.1")
}

/// A repository holding a copy of the 0.1.0 ledger.
fn old_ledger() -> Repo {
    let mut repo = Repo::new();
    repo.env = vec![("HARDLINE_NOW".into(), NOW.into())];
    copy_tree(&fixture(), repo.path());
    repo
}

fn report(repo: &Repo, name: &str) -> String {
    repo.path().join("reports").join(name).display().to_string()
}

fn gate(repo: &Repo, image: &str, report_name: &str, extra: &[&str]) -> (Option<i32>, serde_json::Value) {
    let report = report(repo, report_name);
    let mut args = vec!["gate", "--image", image, "--report", &report];
    args.extend_from_slice(extra);
    json_with_status(repo, &args)
}

/// Runs with `--format json`: the exit status and the document.
fn json_with_status(repo: &Repo, args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let out = repo.run(&all);
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code(), json)
}

#[test]
fn a_v0_1_ledger_verifies() {
    let repo = old_ledger();
    let out = repo.ok(&["verify"]);
    assert_eq!(
        out,
        "php-mysql-secured: 21 events, head 5bce5beb0094f210dd919f9920258e520395172f7ef168d6fc67548bf45325a1\n\
         postgres-secured: 21 events, head f9dabf058045f50f1e414d3255f54a534180ef24811f1a20a6a90059ecbbbcd8\n\
         ledger verifies\n"
    );
}

/// The decisions 0.1.0 made on the demo's two Renovate pull requests, whole.
#[test]
fn a_v0_1_ledger_gates_exactly_as_before() {
    let repo = old_ledger();
    let (code, improving) = gate(&repo, PHP, "pr-101-php-mysql-secured.json", &[]);
    assert_eq!(code, Some(0));
    assert_eq!(
        (&improving["decision"], &improving["baseline_count"], &improving["candidate_count"]),
        (&"allow".into(), &11.into(), &6.into())
    );
    let rules: Vec<&str> =
        improving["reasons"].as_array().into_iter().flatten().filter_map(|r| r["rule"].as_str()).collect();
    assert_eq!(rules, ["count-decreased"]);
    insta::assert_snapshot!(
        "compat_gate_pr_101",
        serde_json::to_string_pretty(&improving).unwrap_or_default()
    );

    let (code, regressing) = gate(&repo, POSTGRES, "pr-102-postgres-secured.json", &[]);
    assert_eq!(code, Some(20));
    assert_eq!(
        (&regressing["decision"], &regressing["baseline_count"], &regressing["candidate_count"]),
        (&"block".into(), &8.into(), &10.into())
    );
    let rules: Vec<&str> =
        regressing["reasons"].as_array().into_iter().flatten().filter_map(|r| r["rule"].as_str()).collect();
    assert_eq!(rules, ["critical-present", "count-increased"]);
    assert_eq!(regressing["suppressed"][0]["id"], "CVE-2099-9100", "the 0.1.0 exception still applies");
    insta::assert_snapshot!(
        "compat_gate_pr_102",
        serde_json::to_string_pretty(&regressing).unwrap_or_default()
    );
}

/// New events are appended after the old lines, which stay a byte-for-byte prefix of the log;
/// the result verifies.
#[test]
fn a_v0_1_ledger_takes_new_scans_and_decisions_on_top() {
    let repo = old_ledger();
    let log = |image: &str| {
        std::fs::read(repo.path().join(format!("audit-logs/{image}.jsonl"))).unwrap_or_default()
    };
    let (php_before, postgres_before) = (log(PHP), log(POSTGRES));

    // A weekly report that is already in the log is recognised as such.
    let again = repo.json(&[
        "record",
        "--image",
        PHP,
        "--report",
        &report(&repo, "php-mysql-secured-2026-11-02.json"),
    ]);
    assert_eq!(again["recorded"], false);
    assert_eq!(log(PHP), php_before, "nothing appended");

    let recorded =
        repo.json(&["record", "--image", PHP, "--report", &report(&repo, "pr-101-php-mysql-secured.json")]);
    assert_eq!(recorded["recorded"], true);
    assert_eq!(recorded["scans"][0]["event"], 22);
    insta::assert_snapshot!(
        "compat_record_on_top",
        scrub(&serde_json::to_string_pretty(&recorded).unwrap_or_default(), repo.path())
    );

    let (code, _) = gate(&repo, POSTGRES, "pr-102-postgres-secured.json", &["--record", "--pr", "102"]);
    assert_eq!(code, Some(20));

    let (php_after, postgres_after) = (log(PHP), log(POSTGRES));
    assert!(php_after.starts_with(&php_before) && php_after.len() > php_before.len());
    assert!(postgres_after.starts_with(&postgres_before) && postgres_after.len() > postgres_before.len());
    assert_eq!(php_after[php_before.len()..].iter().filter(|b| **b == b'\n').count(), 1, "one scan event");
    assert_eq!(
        postgres_after[postgres_before.len()..].iter().filter(|b| **b == b'\n').count(),
        1,
        "one gate event"
    );
    let verify = repo.ok(&["verify"]);
    assert!(
        verify.contains("php-mysql-secured: 22 events") && verify.contains("postgres-secured: 22 events"),
        "{verify}"
    );
    assert!(verify.ends_with("ledger verifies\n"), "{verify}");
}

/// The views of a 0.1 ledger are in 0.1's layout (the Markdown log in one file, newest first;
/// the baseline without seen-times): `verify` checks them as such and says so, a record of an
/// image rewrites that image's views in the current layout in the same commit, and `rebuild`
/// rewrites the rest.
#[test]
fn a_v0_1_ledgers_views_verify_as_legacy_and_migrate() {
    let repo = old_ledger();
    let legacy = |repo: &Repo| -> Vec<String> {
        let report = repo.json(&["verify"]);
        assert_eq!(report["ok"], true, "{report}");
        report["legacy_views"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    };
    assert_eq!(
        legacy(&repo),
        [
            "audit-logs/php-mysql-secured.md",
            "cve-baseline/php-mysql-secured.json",
            "audit-logs/postgres-secured.md",
            "cve-baseline/postgres-secured.json"
        ]
    );
    let human = repo.run(&["verify"]);
    assert!(String::from_utf8_lossy(&human.stderr).contains("in the layout of hardline 0.1"));

    repo.ok(&["record", "--image", PHP, "--report", &report(&repo, "pr-101-php-mysql-secured.json")]);
    assert_eq!(legacy(&repo), ["audit-logs/postgres-secured.md", "cve-baseline/postgres-secured.json"]);
    let months = std::fs::read_dir(repo.path().join("audit-logs").join(PHP))
        .map(|d| d.flatten().filter(|e| e.file_name().to_string_lossy().ends_with(".md")).count())
        .unwrap_or(0);
    assert_eq!(months, 3, "the record wrote every month of the old log, and its own");
    assert!(repo.path().join("audit-logs").join(PHP).join("scans.jsonl").is_file());

    let rebuilt = repo.ok(&["rebuild"]);
    assert!(rebuilt.contains("audit-logs/postgres-secured.md") && !rebuilt.contains(PHP), "{rebuilt}");
    assert!(legacy(&repo).is_empty());
}

/// A hand edit of a view in 0.1's layout fails `verify` at its line, as it always did.
#[test]
fn a_hand_edit_of_a_v0_1_view_is_caught_at_its_line() {
    for (file, from, to) in [
        ("audit-logs/postgres-secured.md", "Risk: **HIGH**", "Risk: **LOW**"),
        ("audit-logs/postgres-secured.md", "\n- `count-increased`", "\n- `count-decreased`"),
        ("cve-baseline/postgres-secured.json", "\"severity\":\"high\"", "\"severity\":\"low\""),
    ] {
        let repo = old_ledger();
        let path = repo.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        // The edited line: the one `from` starts on, or the next if it starts with a newline.
        let at = text.find(from).unwrap_or_else(|| panic!("{from:?} in {file}"));
        let line = text[..at].matches('\n').count() + 1 + usize::from(from.starts_with('\n'));
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap_or_default();
        let out = repo.run(&["verify"]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(3), "{file}: {stdout}");
        assert!(stdout.contains(&format!("{file}:{line}: ")), "{file}:{line} expected in:\n{stdout}");
    }
}

/// A ledger whose findings came from SARIF, written by hardline 0.1.0 (built from `677203e`,
/// the last commit before SARIF results were identified by their flagged line; kept byte for
/// byte in `tests/fixtures/ledger-v0.1-sarif`). 0.1.0 identified a SARIF result without
/// `partialFingerprints` by (rule, file, message): it merged hadolint's two identical DL3008 and
/// zizmor's three unpinned `uses:` into one finding each, and counted hadolint's and Trivy's
/// readings of one Dockerfile line twice.
mod sarif_ledger {
    use super::*;

    const APP: &str = "app";
    const REPORTS: [&str; 3] = ["trivy-config.json", "hadolint.sarif", "zizmor.sarif"];

    fn old_sarif_ledger() -> Repo {
        let mut repo = Repo::new();
        repo.env = vec![("HARDLINE_NOW".into(), "2026-11-30T10:00:00Z".into())];
        copy_tree(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ledger-v0.1-sarif"),
            repo.path(),
        );
        repo
    }

    fn with_reports(repo: &Repo, args: &[&str]) -> Vec<String> {
        let mut all: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        for name in REPORTS {
            all.push("--report".to_owned());
            all.push(report(repo, name));
        }
        all
    }

    fn json(repo: &Repo, args: &[String]) -> (Option<i32>, serde_json::Value) {
        json_with_status(repo, &args.iter().map(String::as_str).collect::<Vec<_>>())
    }

    /// The gate compares the same findings under either identity: the change of identity
    /// neither blocks the pull request (two more DL3008 and unpinned `uses:` than 0.1.0
    /// counted) nor lets it through as an improvement (hadolint's readings merged into
    /// Trivy's).
    #[test]
    fn the_new_identity_neither_blocks_nor_improves_a_gate() {
        let repo = old_sarif_ledger();
        assert!(repo.ok(&["verify"]).ends_with("ledger verifies\n"));
        let (code, gate) = json(&repo, &with_reports(&repo, &["gate", "--image", APP]));
        assert_eq!(code, Some(10), "{gate:#}");
        assert_eq!(gate["decision"], "review");
        assert_eq!(gate["baseline_count"], gate["candidate_count"]);
        assert_eq!(gate["diff"]["new"], serde_json::json!([]));
        assert_eq!(gate["diff"]["fixed"], serde_json::json!([]));
    }

    /// Recording the same reports with today's identity: every old finding is carried on —
    /// re-identified, none fixed, none new — and the log stays a prefix, verifies, and says so.
    #[test]
    fn the_new_identity_carries_every_old_finding_on() {
        let repo = old_sarif_ledger();
        let log = || std::fs::read(repo.path().join("audit-logs/app.jsonl")).unwrap_or_default();
        let before = log();
        let (code, recorded) = json(&repo, &with_reports(&repo, &["record", "--image", APP]));
        assert_eq!(code, Some(0), "{recorded:#}");
        let diff = &recorded["diff"];
        assert_eq!(
            (&diff["new"], &diff["fixed"]),
            (&serde_json::json!([]), &serde_json::json!([])),
            "{recorded:#}"
        );
        let reidentified: Vec<(&str, &str)> = diff["reidentified"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| (c["before"]["id"].as_str().unwrap_or(""), c["id"].as_str().unwrap_or("")))
            .collect();
        assert_eq!(
            reidentified,
            [
                ("DL4000", "DS-0022"),
                ("zizmor/unpinned-uses", "zizmor/unpinned-uses"),
                ("zizmor/unpinned-uses", "zizmor/unpinned-uses"),
                ("zizmor/unpinned-uses", "zizmor/unpinned-uses"),
                ("DL3008", "DL3008"),
                ("DL3008", "DL3008"),
                ("DL3007", "DS-0001"),
            ]
        );
        assert_eq!(recorded["counts"]["total"], 8, "one finding per real result, each problem once");
        insta::assert_snapshot!(
            "compat_sarif_record_on_top",
            scrub(&serde_json::to_string_pretty(&recorded).unwrap_or_default(), repo.path())
        );

        let after = log();
        assert!(after.starts_with(&before) && after.len() > before.len(), "appended after the old line");
        let verify = repo.ok(&["verify"]);
        assert!(verify.contains("app: 2 events") && verify.ends_with("ledger verifies\n"), "{verify}");
        // Event 2's section, in the monthly file of its month (the record wrote the old log's
        // views in the current layout too).
        let months = std::fs::read_dir(repo.path().join("audit-logs/app")).into_iter().flatten().flatten();
        let view: String = months
            .filter(|e| e.file_name().to_string_lossy().ends_with(".md"))
            .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
            .find(|text| text.contains("<sub>event 2 "))
            .unwrap_or_default();
        let end = view.find("<sub>event 2 ").unwrap_or(0);
        let section = &view[view[..end].rfind("\n## ").unwrap_or(0)..end];
        assert!(section.contains("### Re-identified (7)"), "{view}");
        assert!(!section.contains("### New"), "nothing new: {view}");

        // The same reports again are the same scan: nothing is appended.
        let (_, again) = json(&repo, &with_reports(&repo, &["record", "--image", APP]));
        assert_eq!(again["recorded"], false);
        assert_eq!(log(), after);
    }
}
