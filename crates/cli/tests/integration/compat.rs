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
    let mut args = vec!["--format", "json", "gate", "--image", image, "--report", &report];
    args.extend_from_slice(extra);
    let out = repo.run(&args);
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
