//! Ledger behaviour through the real binary: idempotency, tamper evidence, rebuild, crash
//! safety, concurrency, and the replay of the real corpus.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Stdio;
use std::time::Duration;

use crate::common::{Repo, corpus_reports, trivy_report};

const WEEK1: &str = "2026-01-05T04:00:00Z";
const WEEK2: &str = "2026-01-12T04:00:00Z";
const WEEK3: &str = "2026-01-19T04:00:00Z";

/// Three weeks of a small image: a fix, a new HIGH, a version bump that keeps a CVE.
fn three_weeks(repo: &Repo) -> [std::path::PathBuf; 3] {
    [
        repo.write(
            "r/1.json",
            &trivy_report(
                WEEK1,
                &[
                    ("CVE-2026-0001", "libc6", "HIGH", "2.41-1", ""),
                    ("CVE-2026-0002", "zlib1g", "MEDIUM", "1.3-1", "1.3-2"),
                    ("CVE-2026-0003", "tar", "LOW", "1.35-1", ""),
                ],
            ),
        ),
        repo.write(
            "r/2.json",
            &trivy_report(
                WEEK2,
                &[
                    ("CVE-2026-0001", "libc6", "HIGH", "2.41-2", ""),
                    ("CVE-2026-0003", "tar", "LOW", "1.35-1", ""),
                    ("CVE-2026-0004", "openssl", "HIGH", "3.5-1", "3.5-2"),
                ],
            ),
        ),
        repo.write(
            "r/3.json",
            &trivy_report(
                WEEK3,
                &[
                    ("CVE-2026-0001", "libc6", "CRITICAL", "2.41-2", ""),
                    ("CVE-2026-0003", "tar", "LOW", "1.35-1", ""),
                ],
            ),
        ),
    ]
}

fn s(path: &std::path::Path) -> &str {
    path.to_str().expect("utf-8 path")
}

#[test]
fn record_reports_new_fixed_changed_and_the_v1_shape() {
    let repo = Repo::new();
    let [w1, w2, _] = three_weeks(&repo);
    let first = repo.json(&["record", "--image", "demo", "--report", s(&w1)]);
    assert_eq!(first["version"], 1);
    assert_eq!(first["recorded"], true);
    assert_eq!(first["diff"]["new"].as_array().map(Vec::len), Some(3));
    let second = repo.json(&["record", "--image", "demo", "--report", s(&w2)]);
    let ids = |key: &str| -> Vec<String> {
        second["diff"][key]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| f["id"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    assert_eq!(ids("new"), ["CVE-2026-0004"]);
    assert_eq!(ids("fixed"), ["CVE-2026-0002"]);
    assert_eq!(ids("changed"), ["CVE-2026-0001"], "a version bump that keeps the CVE is a change");
    assert_eq!(second["diff"]["changed"][0]["changed"][0], "installed_version");
    let new = &second["diff"]["new"][0];
    assert_eq!((new["package"].as_str(), new["severity"].as_str()), (Some("openssl"), Some("high")));
    assert_eq!(second["counts"]["high"], 2);
    assert_eq!(second["counts"]["low"], 1);
}

#[test]
fn recording_the_same_scan_twice_appends_nothing_and_changes_no_file() {
    let repo = Repo::new();
    let [w1, w2, _] = three_weeks(&repo);
    repo.ok(&["record", "--image", "demo", "--report", s(&w1), "--report", s(&w2)]);
    let before = repo.snapshot();
    let again = repo.json(&["record", "--image", "demo", "--report", s(&w2), "--report", s(&w1)]);
    assert_eq!(again["recorded"], false);
    assert_eq!(repo.snapshot(), before, "no file changed");
}

#[test]
fn reports_are_recorded_in_creation_order_and_an_older_one_is_refused() {
    let repo = Repo::new();
    let [w1, w2, w3] = three_weeks(&repo);
    repo.ok(&["record", "--image", "demo", "--report", s(&w2), "--report", s(&w1)]);
    let log = repo.read("audit-logs/demo.jsonl");
    let first_line = log.lines().next().unwrap_or("");
    assert!(first_line.contains(WEEK1), "the older report is event 1");
    repo.ok(&["record", "--image", "demo", "--report", s(&w3)]);
    let older = repo.write("r/old.json", &trivy_report("2026-01-10T00:00:00Z", &[]));
    let out = repo.run(&["record", "--image", "demo", "--report", s(&older)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("older than the last recorded scan"));
}

#[test]
fn rebuild_regenerates_views_byte_for_byte() {
    let repo = Repo::new();
    let reports = three_weeks(&repo);
    for report in &reports {
        repo.ok(&["record", "--image", "demo", "--report", s(report)]);
    }
    let before = repo.snapshot();
    std::fs::remove_file(repo.path().join("cve-baseline/demo.json")).expect("rm");
    std::fs::remove_file(repo.path().join("audit-logs/demo.md")).expect("rm");
    assert_eq!(repo.run(&["verify"]).status.code(), Some(3), "missing views do not verify");
    repo.ok(&["rebuild"]);
    assert_eq!(repo.snapshot(), before);
    assert!(repo.ok(&["rebuild"]).contains("already matches"));
}

/// Applies `edit` to a fresh three-event ledger and expects verify to name `file:line`.
fn tampered(edit: impl Fn(&Repo), expected: &str) {
    let repo = Repo::new();
    for report in &three_weeks(&repo) {
        repo.ok(&["record", "--image", "demo", "--report", s(report)]);
    }
    assert_eq!(repo.run(&["verify"]).status.code(), Some(0));
    let before = repo.snapshot();
    edit(&repo);
    assert_ne!(repo.snapshot(), before, "the edit must change a file, or the test proves nothing");
    let out = repo.run(&["verify"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "tampering must fail verify: {stdout}");
    assert!(stdout.contains(expected), "expected {expected:?} in:\n{stdout}");
}

fn edit_log(repo: &Repo, change: impl Fn(&mut Vec<String>)) {
    let path = repo.path().join("audit-logs/demo.jsonl");
    let mut lines: Vec<String> =
        std::fs::read_to_string(&path).unwrap_or_default().lines().map(str::to_owned).collect();
    change(&mut lines);
    std::fs::write(&path, lines.join("\n") + "\n").expect("write");
}

#[test]
fn verify_names_an_edited_line() {
    tampered(
        |repo| edit_log(repo, |l| l[1] = l[1].replacen("\"high\"", "\"low\"", 1)),
        "audit-logs/demo.jsonl:2:",
    );
}

#[test]
fn verify_names_a_deleted_line() {
    tampered(|repo| edit_log(repo, |l| drop(l.remove(1))), "audit-logs/demo.jsonl:2:");
}

#[test]
fn verify_names_an_inserted_line() {
    tampered(|repo| edit_log(repo, |l| l.insert(1, l[0].clone())), "audit-logs/demo.jsonl:2:");
}

#[test]
fn verify_names_reordered_lines() {
    tampered(|repo| edit_log(repo, |l| l.swap(1, 2)), "audit-logs/demo.jsonl:2:");
}

#[test]
fn verify_notices_a_deleted_last_line_through_the_views() {
    tampered(|repo| edit_log(repo, |l| drop(l.pop())), "cve-baseline/demo.json:");
}

#[test]
fn verify_names_a_hand_edited_baseline() {
    tampered(
        |repo| {
            let path = repo.path().join("cve-baseline/demo.json");
            let text = std::fs::read_to_string(&path).unwrap_or_default().replacen(
                "\"critical\":1",
                "\"critical\":0",
                1,
            );
            std::fs::write(path, text).expect("write");
        },
        "cve-baseline/demo.json:",
    );
}

#[test]
fn verify_names_a_hand_edited_markdown_log() {
    tampered(
        |repo| {
            let path = repo.path().join("audit-logs/demo.md");
            let text = std::fs::read_to_string(&path).unwrap_or_default().replacen(
                "Risk: **CRITICAL**",
                "Risk: **LOW**",
                1,
            );
            std::fs::write(path, text).expect("write");
        },
        "audit-logs/demo.md:",
    );
}

#[test]
fn a_crash_at_every_point_of_a_write_leaves_a_ledger_that_verifies() {
    let points = [
        "after-temp-0",
        "after-temp-1",
        "after-temp-2",
        "before-journal",
        "after-journal",
        "after-append-0",
        "after-rename-1",
        "after-rename-2",
    ];
    for point in points {
        let mut repo = Repo::new();
        let [w1, w2, _] = three_weeks(&repo);
        repo.ok(&["record", "--image", "demo", "--report", s(&w1)]);
        repo.env.push(("HARDLINE_FAULT_POINT".into(), point.into()));
        let crashed = repo.run(&["record", "--image", "demo", "--report", s(&w2)]);
        assert!(!crashed.status.success(), "{point}: the fault point must abort the process");
        repo.env.pop();
        let committed = point.starts_with("after-rename")
            || point.starts_with("after-append")
            || point == "after-journal";
        let verify = repo.run(&["verify"]);
        let said =
            format!("{}{}", String::from_utf8_lossy(&verify.stdout), String::from_utf8_lossy(&verify.stderr));
        if committed {
            // Past the commit point: verify, which writes nothing, reports the pending write;
            // the next command that writes completes it.
            assert_eq!(verify.status.code(), Some(3), "{point}: {said}");
            assert!(
                said.contains(".hardline/journal.json:0: an interrupted write is pending"),
                "{point}: {said}"
            );
            assert!(
                repo.path().join(".hardline/journal.json").exists(),
                "{point}: verify completed the write"
            );
            repo.ok(&["rebuild"]);
        }
        let verify = repo.run(&["verify"]);
        assert_eq!(
            verify.status.code(),
            Some(0),
            "{point}: {}{}",
            String::from_utf8_lossy(&verify.stdout),
            String::from_utf8_lossy(&verify.stderr)
        );
        let events = repo.read("audit-logs/demo.jsonl").lines().count();
        let expected = if committed { 2 } else { 1 };
        assert_eq!(events, expected, "{point}: the write is all or nothing");
        repo.ok(&["record", "--image", "demo", "--report", s(&w2)]);
        assert_eq!(repo.run(&["verify"]).status.code(), Some(0), "{point}: recording after recovery");
        assert_eq!(repo.read("audit-logs/demo.jsonl").lines().count(), 2);
    }
}

#[test]
fn sigkill_at_random_moments_never_breaks_the_ledger() {
    let repo = Repo::new();
    // A report big enough that a record takes a while.
    let vulns: Vec<(String, String)> =
        (0..4000).map(|i| (format!("CVE-2026-{i:05}"), format!("pkg{}", i % 300))).collect();
    let refs: Vec<(&str, &str, &str, &str, &str)> =
        vulns.iter().map(|(id, pkg)| (id.as_str(), pkg.as_str(), "MEDIUM", "1.0", "")).collect();
    let mut reports = Vec::new();
    for week in 0..12 {
        let take = 3000 + week * 80;
        let at = format!("2026-02-{:02}T04:00:00Z", week + 1);
        reports.push(repo.write(&format!("big/{week}.json"), &trivy_report(&at, &refs[week * 50..take])));
    }
    let (mut kills, mut pending) = (0, 0);
    for (round, report) in reports.iter().enumerate() {
        let mut child = repo
            .command(&["record", "--image", "big", "--report", s(report)])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(Duration::from_micros(2_000 + 4_000 * round as u64));
        if child.try_wait().ok().flatten().is_none() {
            kills += 1;
        }
        let _ = child.kill();
        let _ = child.wait();
        if !repo.path().join("audit-logs").exists() {
            // Killed before the ledger was started: the state before, nothing written.
            assert!(repo.snapshot().is_empty(), "round {round}: no ledger, yet files were written");
            continue;
        }
        let verify = repo.run(&["verify"]);
        let said = String::from_utf8_lossy(&verify.stdout);
        if verify.status.code() == Some(3) && said.contains("an interrupted write is pending") {
            // Killed after its commit point: verify, which writes nothing, says so; the next
            // record completes the write before its own.
            pending += 1;
            continue;
        }
        assert_eq!(verify.status.code(), Some(0), "round {round}: {said}");
    }
    assert!(kills > 0, "at least one record was killed mid-way");
    // The last write, completed by the next one that runs to its end.
    let last = repo.write("big/last.json", &trivy_report("2026-03-01T04:00:00Z", &refs[..100]));
    repo.ok(&["record", "--image", "big", "--report", s(&last)]);
    let verify = repo.run(&["verify"]);
    assert_eq!(
        verify.status.code(),
        Some(0),
        "after {pending} pending: {}",
        String::from_utf8_lossy(&verify.stdout)
    );
}

#[test]
fn two_writers_at_once_are_serialised() {
    let repo = Repo::new();
    let [w1, w2, _] = three_weeks(&repo);
    let mut a = repo
        .command(&["record", "--image", "demo", "--report", s(&w1)])
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut b = repo
        .command(&["record", "--image", "other", "--report", s(&w2)])
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn");
    assert!(a.wait().expect("wait").success());
    assert!(b.wait().expect("wait").success());
    assert_eq!(repo.run(&["verify"]).status.code(), Some(0));
    let status = repo.json(&["status"]);
    assert_eq!(status["images"].as_array().map(Vec::len), Some(2));
}

#[test]
fn status_counts_findings_and_unique_ids() {
    let repo = Repo::new();
    let report = repo.write(
        "r/dup.json",
        &trivy_report(
            WEEK1,
            &[
                ("CVE-2026-0001", "libc6", "HIGH", "1", ""),
                ("CVE-2026-0001", "libc-bin", "HIGH", "1", ""),
                ("CVE-2026-0002", "zlib1g", "CRITICAL", "1", ""),
            ],
        ),
    );
    repo.ok(&["record", "--image", "demo", "--report", s(&report)]);
    let status = repo.json(&["status"]);
    let image = &status["images"][0];
    assert_eq!(image["name"], "demo");
    assert_eq!(image["counts"]["high"], 2);
    assert_eq!(image["counts"]["critical"], 1);
    assert_eq!(image["unique_vulnerabilities"], 2);
}

/// Independent reference: the identity tuples of a Trivy report, computed from untyped JSON.
fn reference_findings(path: &std::path::Path) -> BTreeMap<(String, String, String, String, String), String> {
    let value: serde_json::Value = serde_json::from_slice(&std::fs::read(path).expect("read")).expect("json");
    let rank =
        |s: &str| ["UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"].iter().position(|x| *x == s).unwrap_or(0);
    let mut out: BTreeMap<(String, String, String, String, String), String> = BTreeMap::new();
    for result in value["Results"].as_array().into_iter().flatten() {
        let class = result["Class"].as_str().unwrap_or("").to_owned();
        let kind = result["Type"].as_str().unwrap_or("").to_owned();
        for v in result["Vulnerabilities"].as_array().into_iter().flatten() {
            let path = if class == "os-pkgs" {
                String::new()
            } else {
                v["PkgPath"].as_str().or(result["Target"].as_str()).unwrap_or("").to_owned()
            };
            let key = (
                v["VulnerabilityID"].as_str().unwrap_or("").to_owned(),
                class.clone(),
                kind.clone(),
                v["PkgName"].as_str().unwrap_or("").to_owned(),
                path,
            );
            let severity = v["Severity"].as_str().unwrap_or("UNKNOWN").to_owned();
            match out.get(&key) {
                Some(old) if rank(old) >= rank(&severity) => {}
                _ => {
                    out.insert(key, severity);
                }
            }
        }
    }
    out
}

#[test]
fn corpus_replay_matches_an_independent_count_for_every_report() {
    for image in ["postgres-18", "php-mysql"] {
        let reports = corpus_reports(image);
        if reports.is_empty() {
            eprintln!("note: ../shared/corpus is absent; corpus replay skipped");
            return;
        }
        let repo = Repo::new();
        let mut previous: BTreeMap<(String, String, String, String, String), String> = BTreeMap::new();
        for report in &reports {
            let out = repo.json(&["record", "--image", image, "--report", s(report)]);
            let expected = reference_findings(report);
            let mut by_severity: BTreeMap<String, u64> = BTreeMap::new();
            for severity in expected.values() {
                *by_severity.entry(severity.to_lowercase()).or_default() += 1;
            }
            for severity in ["critical", "high", "medium", "low", "unknown"] {
                assert_eq!(
                    out["counts"][severity].as_u64().unwrap_or(0),
                    by_severity.get(severity).copied().unwrap_or(0),
                    "{}: {severity}",
                    report.display()
                );
            }
            let id_set = |list: &serde_json::Value| -> BTreeSet<(String, String)> {
                list.as_array()
                    .into_iter()
                    .flatten()
                    .map(|f| {
                        (
                            f["id"].as_str().unwrap_or("").to_owned(),
                            f["package"].as_str().unwrap_or("").to_owned(),
                        )
                    })
                    .collect()
            };
            let expected_new: BTreeSet<(String, String)> = expected
                .keys()
                .filter(|k| !previous.contains_key(*k))
                .map(|k| (k.0.clone(), k.3.clone()))
                .collect();
            let expected_fixed: BTreeSet<(String, String)> = previous
                .keys()
                .filter(|k| !expected.contains_key(*k))
                .map(|k| (k.0.clone(), k.3.clone()))
                .collect();
            assert_eq!(id_set(&out["diff"]["new"]), expected_new, "{}: new", report.display());
            assert_eq!(id_set(&out["diff"]["fixed"]), expected_fixed, "{}: fixed", report.display());
            previous = expected;
        }
        assert_eq!(repo.run(&["verify"]).status.code(), Some(0));
    }
}

/// Two weeks checked by hand with a short Python script over the raw JSON (identity tuples
/// as in DESIGN.md, counted per severity; see the closing note of the core issue).
#[test]
fn corpus_weeks_checked_by_hand() {
    let postgres = corpus_reports("postgres-18");
    let php = corpus_reports("php-mysql");
    if postgres.is_empty() || php.is_empty() {
        eprintln!("note: ../shared/corpus is absent; skipped");
        return;
    }
    let find = |reports: &[std::path::PathBuf], name: &str| {
        reports.iter().find(|p| p.file_name().is_some_and(|n| n == name)).cloned().expect("corpus week")
    };
    // postgres-18, 2025-12-22 → 2025-12-29: 14 new (gnupg's CVE-2025-68972/68973 family), 0 fixed.
    let repo = Repo::new();
    repo.ok(&["record", "--image", "pg", "--report", s(&find(&postgres, "2025-12-22T0402.json"))]);
    let week =
        repo.json(&["record", "--image", "pg", "--report", s(&find(&postgres, "2025-12-29T0408.json"))]);
    assert_eq!(
        (
            week["counts"]["low"].as_u64(),
            week["counts"]["medium"].as_u64(),
            week["counts"]["high"].as_u64(),
            week["counts"]["unknown"].as_u64()
        ),
        (Some(82), Some(20), Some(2), Some(15))
    );
    assert_eq!(week["unique_vulnerabilities"], 50);
    assert_eq!(week["diff"]["new"].as_array().map(Vec::len), Some(14));
    assert_eq!(week["diff"]["fixed"].as_array().map(Vec::len), Some(0));
    assert_eq!(week["diff"]["new"][0]["id"].as_str().map(|id| id.starts_with("CVE-2025-6897")), Some(true));

    // php-mysql, 2026-01-05 → 2026-01-12: 22 new (curl's CVE-2025-13034 among them), 258 fixed
    // (mostly linux-libc-dev leaving the image).
    let repo = Repo::new();
    repo.ok(&["record", "--image", "php", "--report", s(&find(&php, "2026-01-05T0414.json"))]);
    let week = repo.json(&["record", "--image", "php", "--report", s(&find(&php, "2026-01-12T0408.json"))]);
    assert_eq!(
        (week["counts"]["low"].as_u64(), week["counts"]["medium"].as_u64(), week["counts"]["high"].as_u64()),
        (Some(535), Some(145), Some(29))
    );
    assert_eq!(week["counts"]["total"], 709);
    assert_eq!(week["unique_vulnerabilities"], 335);
    assert_eq!(week["diff"]["new"].as_array().map(Vec::len), Some(22));
    assert_eq!(week["diff"]["fixed"].as_array().map(Vec::len), Some(258));
    let fixed_kernel = week["diff"]["fixed"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["package"] == "linux-libc-dev")
        .count();
    assert!(fixed_kernel > 200, "{fixed_kernel}");
}

#[test]
fn record_never_builds_on_a_hand_edited_baseline() {
    let repo = Repo::new();
    let [w1, w2, w3] = three_weeks(&repo);
    repo.ok(&["record", "--image", "demo", "--report", s(&w1), "--report", s(&w2)]);
    // Someone raises a severity in the view (tar's LOW, unchanged in week 3), leaving its
    // head alone.
    let path = repo.path().join("cve-baseline/demo.json");
    let view = std::fs::read_to_string(&path).unwrap_or_default();
    let edited = view.replacen("\"severity\":\"low\"", "\"severity\":\"medium\"", 1);
    assert_ne!(view, edited, "the edit must change the view");
    std::fs::write(&path, edited).expect("write");
    // The next record notices (the view's digest is not the one the log's head vouches for),
    // replays the log instead, and writes a view that verifies.
    let week3 = repo.json(&["record", "--image", "demo", "--report", s(&w3)]);
    let changed: Vec<String> = week3["diff"]["changed"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| format!("{} {}", c["id"].as_str().unwrap_or(""), c["changed"]))
        .collect();
    assert_eq!(
        changed,
        ["CVE-2026-0001 [\"severity\"]"],
        "only the real change, measured from the log's state"
    );
    let verify = repo.run(&["verify"]);
    assert_eq!(verify.status.code(), Some(0), "{}", String::from_utf8_lossy(&verify.stdout));
}

#[test]
fn reports_of_several_scanners_in_one_call_are_one_scan() {
    let mut repo = Repo::new();
    // The Trivy config fixture was made on 2026-11-28: "now" is after it.
    repo.env = vec![("HARDLINE_NOW".into(), "2026-12-01T00:00:00Z".into())];
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ingest/tests/fixtures");
    let image =
        repo.write("r/image.json", &trivy_report(WEEK1, &[("CVE-2026-0001", "libc6", "HIGH", "2.41-1", "")]));
    let hadolint = fixtures.join("hadolint-2.15.1.sarif");
    let trivy_config = fixtures.join("trivy-0.76-config.json");
    let out = repo.json(&[
        "record",
        "--image",
        "app",
        "--report",
        s(&image),
        "--report",
        s(&hadolint),
        "--report",
        s(&trivy_config),
    ]);
    assert_eq!(out["scans"].as_array().map(Vec::len), Some(1), "one scan, not three in a row: {out}");
    let kinds: BTreeSet<String> = out["diff"]["new"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| f["kind"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(kinds, BTreeSet::from(["misconfiguration".to_owned(), "vulnerability".to_owned()]));
    assert!(
        out["diff"]["fixed"].as_array().is_some_and(Vec::is_empty),
        "no scanner fixed another's findings"
    );
    assert_eq!(repo.read("audit-logs/app.jsonl").lines().count(), 1);

    // The gate takes the same set: the candidate is their union, so nothing looks fixed.
    let gate = repo.run(&[
        "--format",
        "json",
        "gate",
        "--image",
        "app",
        "--report",
        s(&image),
        "--report",
        s(&hadolint),
        "--report",
        s(&trivy_config),
    ]);
    let decision: serde_json::Value = serde_json::from_slice(&gate.stdout).expect("json");
    assert_eq!(decision["decision"], "review", "{decision}");
    assert_eq!(gate.status.code(), Some(10));
    assert!(decision["diff"]["fixed"].as_array().is_some_and(Vec::is_empty));
}

/// The Markdown log grows by appending: a record adds its event's section to the end of its
/// month's file (an earlier month's file is left as it was) and rewrites only the front page
/// and the baseline view, whose size does not depend on the history.
#[test]
fn a_record_appends_to_its_months_file_and_leaves_earlier_months_alone() {
    let repo = Repo::new();
    let [w1, w2, w3] = three_weeks(&repo);
    repo.ok(&["record", "--image", "demo", "--report", s(&w1)]);
    let january = || repo.read("audit-logs/demo/2026-01.md");
    let after_one = january();
    assert!(after_one.starts_with("# Audit log: demo · 2026-01\n"), "{after_one}");
    repo.ok(&["record", "--image", "demo", "--report", s(&w2), "--report", s(&w3)]);
    let after_three = january();
    assert!(after_three.starts_with(&after_one) && after_three.len() > after_one.len(), "appended to");
    assert_eq!(after_three.matches("· scan recorded").count(), 3);

    let february = repo.write("r/feb.json", &trivy_report("2026-02-02T04:00:00Z", &[]));
    repo.ok(&["record", "--image", "demo", "--report", s(&february)]);
    assert_eq!(january(), after_three, "an earlier month is not touched");
    let front = repo.read("audit-logs/demo.md");
    assert!(front.contains("Head: event 4 `") && front.contains("[2026-02](demo/2026-02.md)"), "{front}");
    assert_eq!(repo.read("audit-logs/demo/scans.jsonl").lines().count(), 4, "one line per scan");
    assert_eq!(repo.run(&["verify"]).status.code(), Some(0));
}

#[test]
fn verify_names_an_edited_line_of_a_monthly_file() {
    tampered(
        |repo| {
            let path = repo.path().join("audit-logs/demo/2026-01.md");
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            std::fs::write(path, text.replacen("Risk: **HIGH**", "Risk: **LOW**", 1)).expect("write");
        },
        "audit-logs/demo/2026-01.md:",
    );
}

#[test]
fn verify_names_a_missing_monthly_file_and_one_the_log_does_not_derive() {
    tampered(
        |repo| std::fs::remove_file(repo.path().join("audit-logs/demo/2026-01.md")).expect("rm"),
        "audit-logs/demo/2026-01.md:0: missing",
    );
    tampered(
        |repo| {
            let from = repo.path().join("audit-logs/demo/2026-01.md");
            std::fs::copy(from, repo.path().join("audit-logs/demo/2025-12.md")).expect("copy");
        },
        "audit-logs/demo/2025-12.md:0: extra file",
    );
}

#[test]
fn verify_names_an_edited_line_of_the_scans_index() {
    tampered(
        |repo| {
            let path = repo.path().join("audit-logs/demo/scans.jsonl");
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            std::fs::write(path, text.replacen("\"critical\":0", "\"critical\":1", 1)).expect("write");
        },
        "audit-logs/demo/scans.jsonl:1: differs",
    );
}

#[test]
fn verify_names_a_hand_edited_seen_time() {
    tampered(
        |repo| {
            let path = repo.path().join("cve-baseline/demo.json");
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            std::fs::write(
                path,
                text.replacen("\"first_seen\":\"2026-01-05", "\"first_seen\":\"2025-01-05", 1),
            )
            .expect("write");
        },
        "cve-baseline/demo.json:",
    );
}

/// A monthly file deleted by hand makes `verify` fail, and the next record writes every view
/// again from the log: the ledger verifies after it.
#[test]
fn a_deleted_monthly_file_heals_with_the_next_record() {
    let repo = Repo::new();
    let [w1, w2, w3] = three_weeks(&repo);
    repo.ok(&["record", "--image", "demo", "--report", s(&w1), "--report", s(&w2)]);
    let month = repo.path().join("audit-logs/demo/2026-01.md");
    std::fs::remove_file(&month).expect("rm");
    assert_eq!(repo.run(&["verify"]).status.code(), Some(3));
    repo.ok(&["record", "--image", "demo", "--report", s(&w3)]);
    assert_eq!(repo.run(&["verify"]).status.code(), Some(0));
    assert_eq!(repo.read("audit-logs/demo/2026-01.md").matches("· scan recorded").count(), 3);
}

/// Each open finding carries when it appeared and when it last moved: a version bump and a
/// severity change move `last_changed`; a finding that is fixed and returns starts again.
#[test]
fn the_baseline_keeps_when_each_finding_appeared_and_last_changed() {
    let repo = Repo::new();
    for report in three_weeks(&repo) {
        repo.ok(&["record", "--image", "demo", "--report", s(&report)]);
    }
    let back = repo.write(
        "r/4.json",
        &trivy_report(
            "2026-01-26T04:00:00Z",
            &[
                ("CVE-2026-0001", "libc6", "CRITICAL", "2.41-2", ""),
                ("CVE-2026-0003", "tar", "LOW", "1.35-1", ""),
                ("CVE-2026-0004", "openssl", "HIGH", "3.5-1", "3.5-2"),
            ],
        ),
    );
    repo.ok(&["record", "--image", "demo", "--report", s(&back)]);
    let baseline: serde_json::Value =
        serde_json::from_str(&repo.read("cve-baseline/demo.json")).expect("json");
    let seen: BTreeMap<String, (String, String)> = baseline["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            let text = |key: &str| f[key].as_str().unwrap_or("").to_owned();
            (text("id"), (text("first_seen"), text("last_changed")))
        })
        .collect();
    let expect = |first: &str, last: &str| (first.to_owned(), last.to_owned());
    assert_eq!(
        seen["CVE-2026-0001"],
        expect(WEEK1, WEEK3),
        "installed version in week 2, severity in week 3"
    );
    assert_eq!(seen["CVE-2026-0003"], expect(WEEK1, WEEK1), "never moved");
    let returned = "2026-01-26T04:00:00Z";
    assert_eq!(seen["CVE-2026-0004"], expect(returned, returned), "fixed in week 3, back in week 4");
    assert_eq!(repo.run(&["verify"]).status.code(), Some(0));
}

/// An event goes to the file of its own month, even when the log reaches it after an event of
/// a later month (a scan made on the 31st, recorded after a gate decision of the 1st):
/// appending, verifying and rebuilding agree.
#[test]
fn a_late_event_goes_to_its_own_months_file() {
    let mut repo = Repo::new();
    let january = repo
        .write("r/jan.json", &trivy_report("2026-01-30T04:00:00Z", &[("CVE-1", "libc6", "HIGH", "1", "")]));
    repo.ok(&["record", "--image", "demo", "--report", s(&january)]);
    repo.env = vec![("HARDLINE_NOW".into(), "2026-02-01T09:00:00Z".into())];
    let pr = repo.write("r/pr.json", &trivy_report("2026-02-01T08:00:00Z", &[]));
    repo.run(&["gate", "--image", "demo", "--report", s(&pr), "--record", "--pr", "7"]);
    let late = repo
        .write("r/late.json", &trivy_report("2026-01-31T04:00:00Z", &[("CVE-1", "libc6", "HIGH", "2", "")]));
    repo.ok(&["record", "--image", "demo", "--report", s(&late)]);
    let january = repo.read("audit-logs/demo/2026-01.md");
    assert_eq!(january.matches("· scan recorded").count(), 2, "{january}");
    assert!(repo.read("audit-logs/demo/2026-02.md").contains("· gate decision"));
    assert_eq!(repo.run(&["verify"]).status.code(), Some(0));
    assert!(repo.ok(&["rebuild"]).contains("already matches"));
}

/// `rebuild` writes exactly the views the log derives: it removes a monthly file the log does
/// not derive and restores a deleted scans index.
#[test]
fn rebuild_removes_what_the_log_does_not_derive() {
    let repo = Repo::new();
    for report in three_weeks(&repo) {
        repo.ok(&["record", "--image", "demo", "--report", s(&report)]);
    }
    let before = repo.snapshot();
    std::fs::write(repo.path().join("audit-logs/demo/2025-12.md"), "# not from the log\n").expect("write");
    std::fs::remove_file(repo.path().join("audit-logs/demo/scans.jsonl")).expect("rm");
    assert_eq!(repo.run(&["verify"]).status.code(), Some(3));
    repo.ok(&["rebuild"]);
    assert_eq!(repo.snapshot(), before);
}

/// `verify` is read-only: on a checkout nothing has written to (no `.hardline/`), it passes and
/// leaves no lock file or anything else behind, so it works on a read-only checkout; and it
/// never heals what it checks (a damaged view stays damaged, and failing).
#[test]
fn verify_writes_nothing() {
    let repo = Repo::new();
    let [w1, w2, _] = three_weeks(&repo);
    repo.ok(&["record", "--image", "demo", "--report", s(&w1)]);
    repo.ok(&["record", "--image", "demo", "--report", s(&w2)]);
    std::fs::remove_dir_all(repo.path().join(".hardline")).expect("a fresh checkout has no .hardline/");
    let before = repo.snapshot();
    repo.ok(&["verify"]);
    assert!(!repo.path().join(".hardline").exists(), "verify wrote .hardline/");
    assert_eq!(repo.snapshot(), before);

    std::fs::remove_file(repo.path().join("cve-baseline/demo.json")).expect("rm");
    let before = repo.snapshot();
    assert_eq!(repo.run(&["verify"]).status.code(), Some(3));
    assert_eq!(repo.snapshot(), before, "verify healed a view");
    assert!(!repo.path().join(".hardline").exists());
}

/// No write goes through a link under the ledger's folders, and `verify` fails on one: a log
/// that is a symlink to a file outside the repository, a symlinked `audit-logs/` or
/// `cve-baseline/`, and a log with a second name (a hard link) are refused, and the file
/// outside is untouched.
#[test]
fn links_under_the_ledger_are_refused() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().expect("temp dir");
    let plant = |repo: &Repo, case: &str| match case {
        "log symlink" => {
            let target = outside.path().join("stolen.jsonl");
            std::fs::rename(repo.path().join("audit-logs/demo.jsonl"), &target).expect("mv");
            symlink(&target, repo.path().join("audit-logs/demo.jsonl")).expect("ln -s");
            target
        }
        "log hard link" => {
            let target = outside.path().join("twin.jsonl");
            std::fs::hard_link(repo.path().join("audit-logs/demo.jsonl"), &target).expect("ln");
            target
        }
        dir => {
            let target = outside.path().join(dir);
            std::fs::rename(repo.path().join(dir), &target).expect("mv");
            symlink(&target, repo.path().join(dir)).expect("ln -s");
            target.join(if dir == "audit-logs" { "demo.jsonl" } else { "demo.json" })
        }
    };
    for case in ["log symlink", "log hard link", "audit-logs", "cve-baseline"] {
        let repo = Repo::new();
        let [w1, w2, _] = three_weeks(&repo);
        repo.ok(&["record", "--image", "demo", "--report", s(&w1)]);
        let target = plant(&repo, case);
        let before = std::fs::read(&target).expect("read the target");
        let out = repo.run(&["record", "--image", "demo", "--report", s(&w2)]);
        let said = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{case}: {said}");
        assert!(said.contains("the ledger never writes through a link"), "{case}: {said}");
        assert_eq!(std::fs::read(&target).expect("read"), before, "{case}: written through the link");
        let verify = repo.run(&["verify"]);
        let said = String::from_utf8_lossy(&verify.stdout);
        assert_eq!(verify.status.code(), Some(3), "{case}: {said}");
        assert!(said.contains("a ledger holds no link"), "{case}: {said}");
        let _ = std::fs::remove_dir_all(outside.path().join(case));
    }
}

/// Git is the witness of a log's history: a committed log that is then truncated (events
/// deleted and views rebuilt), deleted, or edited and re-sealed verifies by its chain alone,
/// but not against its commits; `--since` starts the walk at a commit.
#[test]
fn git_catches_a_rewritten_history() {
    use crate::common::git;
    let repo = Repo::new();
    let [w1, w2, w3] = three_weeks(&repo);
    let commit = |message: &str| {
        git(repo.path(), &["add", "-A", "audit-logs", "cve-baseline"]);
        git(repo.path(), &["commit", "--quiet", "-m", message]);
    };
    repo.ok(&["record", "--image", "demo", "--report", s(&w1)]);
    repo.ok(&["record", "--image", "other", "--report", s(&w1)]);
    commit("first scans");
    let first = git(repo.path(), &["rev-parse", "HEAD"]).trim().to_owned();
    repo.ok(&["record", "--image", "demo", "--report", s(&w2)]);
    commit("second scan");
    repo.ok(&["verify"]);
    repo.ok(&["verify", "--since", &first]);

    // Truncated in the working tree: the last event deleted, the views rebuilt.
    let log = repo.path().join("audit-logs/demo.jsonl");
    let whole = std::fs::read_to_string(&log).expect("read");
    let first_line = whole.lines().next().expect("a line").to_owned() + "\n";
    std::fs::write(&log, &first_line).expect("truncate");
    repo.ok(&["rebuild"]);
    let out = repo.run(&["verify"]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{said}");
    assert!(said.contains("audit-logs/demo.jsonl:0: rewritten in the working tree"), "{said}");

    // Committed so: the commit that did it is named.
    commit("truncate");
    let bad = git(repo.path(), &["rev-parse", "--short=12", "HEAD"]).trim().to_owned();
    let said = String::from_utf8_lossy(&repo.run(&["verify"]).stdout).into_owned();
    assert!(said.contains(&format!("rewritten by commit {bad}")), "{said}");
    let said = String::from_utf8_lossy(&repo.run(&["verify", "--since", &first]).stdout).into_owned();
    assert!(said.contains(&format!("rewritten by commit {bad}")), "{said}");

    // A log deleted with its views, committed: named too.
    let repo2 = Repo::new();
    let commit2 = |message: &str| {
        git(repo2.path(), &["add", "-A", "."]);
        git(repo2.path(), &["commit", "--quiet", "-m", message]);
    };
    let report = repo2.write("r.json", &std::fs::read_to_string(&w3).expect("read"));
    repo2.ok(&["record", "--image", "gone", "--report", s(&report)]);
    repo2.ok(&["record", "--image", "kept", "--report", s(&report)]);
    commit2("scans");
    for path in ["audit-logs/gone.jsonl", "audit-logs/gone.md", "cve-baseline/gone.json"] {
        let _ = std::fs::remove_file(repo2.path().join(path));
    }
    let _ = std::fs::remove_dir_all(repo2.path().join("audit-logs/gone"));
    let said = String::from_utf8_lossy(&repo2.run(&["verify"]).stdout).into_owned();
    assert!(said.contains("audit-logs/gone.jsonl:0: deleted from the working tree"), "{said}");
    commit2("hide gone");
    let out = repo2.run(&["verify"]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{said}");
    assert!(said.contains("audit-logs/gone.jsonl:0: deleted by commit"), "{said}");
}

/// A baseline view that does not parse is healed by the next record, which replays the log and
/// says so, rather than failing it (the log is the truth; the view is derived).
#[test]
fn a_baseline_view_that_does_not_parse_is_rewritten_by_the_next_record() {
    let repo = Repo::new();
    let [w1, w2, _] = three_weeks(&repo);
    repo.ok(&["record", "--image", "demo", "--report", s(&w1)]);
    std::fs::write(repo.path().join("cve-baseline/demo.json"), "{\"truncated\": ").expect("damage the view");
    assert_eq!(repo.run(&["verify"]).status.code(), Some(3), "a damaged view fails verify");
    let out = repo.run(&["record", "--image", "demo", "--report", s(&w2)]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert!(
        said.contains("cve-baseline/demo.json does not parse") && said.contains("rewritten from the log"),
        "{said}"
    );
    repo.ok(&["verify"]);
    assert_eq!(repo.read("audit-logs/demo.jsonl").lines().count(), 2);
}
