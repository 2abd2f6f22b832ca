//! What a hostile or broken report (or argument) can and cannot do, through the real binary:
//! scan times that would lock the log, fields and reports too big for the ledger, files that are
//! not files, characters that deceive a terminal, and the smaller faults of issue 14.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::{Repo, trivy_report};

/// The clock of every run (`common::Repo`).
const NOW: &str = "2026-03-03T12:00:00Z";

fn s(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

fn failed(repo: &Repo, args: &[&str]) -> String {
    let out = repo.run(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{args:?} should fail:\n{}\n{stderr}",
        String::from_utf8_lossy(&out.stdout)
    );
    stderr
}

fn report_at(repo: &Repo, name: &str, created_at: &str) -> String {
    let vulns = [("CVE-2026-0001", "libc6", "HIGH", "2.41-1", "")];
    repo.write(name, &trivy_report(created_at, &vulns)).display().to_string()
}

/// A Trivy report whose one vulnerability has these raw fields (on top of a valid minimum).
fn report_with(repo: &Repo, name: &str, fields: Value) -> String {
    let mut vuln = json!({"VulnerabilityID": "CVE-2026-0001", "PkgName": "libc6", "InstalledVersion": "1", "Severity": "HIGH"});
    if let (Some(v), Some(extra)) = (vuln.as_object_mut(), fields.as_object()) {
        v.extend(extra.clone());
    }
    let report = json!({
        "SchemaVersion": 2, "CreatedAt": "2026-03-02T04:00:00Z", "ArtifactType": "container_image",
        "Results": [{"Target": "x (debian 13)", "Class": "os-pkgs", "Type": "debian", "Vulnerabilities": [vuln]}]
    });
    repo.write(name, &report.to_string()).display().to_string()
}

// ---------------------------------------------------------------------------------------
// Item 1: a scan's time cannot lock the log.

#[test]
fn a_scan_from_the_future_is_refused_and_nothing_is_written() {
    let repo = Repo::new();
    for (name, when) in [("2099.json", "2099-01-01T00:00:00Z"), ("soon.json", "2026-03-03T12:06:00Z")] {
        let stderr = failed(&repo, &["record", "--image", "app", "--report", &report_at(&repo, name, when)]);
        assert!(stderr.contains(&format!("made at {when}, later than now ({NOW}) plus the 5m")), "{stderr}");
        assert!(stderr.contains("nothing was written"), "{stderr}");
        assert_eq!(repo.snapshot(), [], "no file of the ledger");
    }
    // Within the skew allowed: a scanner's clock a little ahead.
    repo.ok(&[
        "record",
        "--image",
        "app",
        "--report",
        &report_at(&repo, "ahead.json", "2026-03-03T12:04:00Z"),
    ]);
    // The skew is configurable.
    let later = report_at(&repo, "later.json", "2026-03-03T12:09:00Z");
    failed(&repo, &["record", "--image", "app", "--report", &later]);
    repo.write("hardline.toml", "[limits]\nmax_clock_skew = \"10m\"\n");
    repo.ok(&["record", "--image", "app", "--report", &later]);
    repo.ok(&["verify"]);
}

#[test]
fn a_scan_time_that_is_not_rfc3339_is_refused_at_its_line() {
    let repo = Repo::new();
    let stderr =
        failed(&repo, &["record", "--image", "app", "--report", &report_at(&repo, "zzz.json", "zzz")]);
    assert!(
        stderr.contains(":1:") && stderr.contains("CreatedAt: \"zzz\" is not an RFC 3339 time"),
        "{stderr}"
    );
    assert_eq!(repo.snapshot(), []);
}

#[test]
fn a_report_that_does_not_say_when_is_refused_unless_scanned_at_says_it() {
    let repo = Repo::new();
    let vulns = [("CVE-2026-0001", "libc6", "HIGH", "2.41-1", "")];
    let mut report: Value = serde_json::from_str(&trivy_report("x", &vulns)).expect("json");
    report.as_object_mut().map(|r| r.remove("CreatedAt"));
    let timeless = repo.write("timeless.json", &report.to_string());
    let stderr = failed(&repo, &["record", "--image", "app", "--report", s(&timeless)]);
    assert!(stderr.contains("does not say when the scan was made"), "{stderr}");
    assert!(stderr.contains("--scanned-at"), "says how to give the time: {stderr}");
    assert_eq!(repo.snapshot(), [], "no time is guessed, nothing is written");

    // Given, it is the event's time; a scan made later that day (but before "now") still
    // records, where "now" as the guessed time would have refused it as older.
    repo.ok(&["record", "--image", "app", "--report", s(&timeless), "--scanned-at", "2026-03-03T08:00:00Z"]);
    let log = repo.read("audit-logs/app.jsonl");
    assert!(log.contains("\"at\":\"2026-03-03T08:00:00Z\""), "{log}");
    repo.ok(&["record", "--image", "app", "--report", &report_at(&repo, "10h.json", "2026-03-03T10:00:00Z")]);
    assert_eq!(repo.read("audit-logs/app.jsonl").lines().count(), 2);

    // SARIF has no scan time at all: the same rule.
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ingest/tests/fixtures");
    let hadolint = fixtures.join("hadolint-2.15.1.sarif");
    failed(&repo, &["record", "--image", "lint", "--report", s(&hadolint)]);
    repo.ok(&["record", "--image", "lint", "--report", s(&hadolint), "--scanned-at", "2026-03-03T11:00:00Z"]);
    // --scanned-at is checked like a report's own time.
    let stderr = failed(
        &repo,
        &["record", "--image", "lint2", "--report", s(&hadolint), "--scanned-at", "2031-01-01T00:00:00Z"],
    );
    assert!(stderr.contains("later than now"), "{stderr}");
}

// ---------------------------------------------------------------------------------------
// Item 3: bounds on what a report can put in the ledger.

#[test]
fn huge_fields_are_cut_in_the_ledger_and_absurd_ids_refused() {
    let repo = Repo::new();
    let huge = "t".repeat(1 << 20);
    let report = report_with(
        &repo,
        "huge.json",
        json!({"Title": huge, "PkgName": "p".repeat(5_000), "PrimaryURL": format!("https://x/{}", "u".repeat(3_000))}),
    );
    let out = repo.run(&["record", "--image", "app", "--report", &report]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("warning: ")
            && stderr.contains("a text field longer than 1,024 bytes was cut: 2 times"),
        "{stderr}"
    );
    assert!(stderr.contains("a URL longer than 2,048 bytes was dropped"), "{stderr}");
    let log = repo.read("audit-logs/app.jsonl");
    assert!(log.len() < 16 * 1024, "the log line is {} bytes", log.len());
    assert!(log.contains("…[cut 1,047,552 bytes]"), "the cut is marked");
    repo.ok(&["verify"]);

    let absurd = report_with(&repo, "absurd.json", json!({"VulnerabilityID": "CVE-".repeat(2_500)}));
    let before = repo.snapshot();
    let stderr = failed(&repo, &["record", "--image", "app", "--report", &absurd]);
    assert!(
        stderr.contains("id is 10,000 bytes long") && stderr.contains("longer than 256 bytes are refused"),
        "{stderr}"
    );
    assert_eq!(repo.snapshot(), before, "nothing written");
}

#[test]
fn report_size_and_findings_have_limits_that_say_how_to_raise_them() {
    let repo = Repo::new();
    let many: Vec<(String, &str)> = (1..=3).map(|i| (format!("CVE-2026-000{i}"), "libc6")).collect();
    let vulns: Vec<(&str, &str, &str, &str, &str)> =
        many.iter().map(|(id, pkg)| (id.as_str(), *pkg, "HIGH", "1", "")).collect();
    let report = repo.write("three.json", &trivy_report("2026-03-02T04:00:00Z", &vulns));
    let size = std::fs::metadata(&report).expect("written").len();

    repo.write("hardline.toml", "[limits]\nmax_report_size = 500\n");
    for args in [
        vec!["record", "--image", "app", "--report", s(&report)],
        vec!["gate", "--image", "app", "--report", s(&report)],
        vec!["diff", s(&report), s(&report)],
    ] {
        let stderr = failed(&repo, &args);
        assert!(stderr.contains(&format!("{} bytes, more than the 500 bytes", size)), "{args:?}: {stderr}");
        assert!(stderr.contains("raise `max_report_size` under [limits] in hardline.toml"), "{stderr}");
    }
    repo.write("hardline.toml", "[limits]\nmax_findings = 2\n");
    let stderr = failed(&repo, &["record", "--image", "app", "--report", s(&report)]);
    assert!(
        stderr.contains("holds 3 findings, more than the 2") && stderr.contains("raise `max_findings`"),
        "{stderr}"
    );
    assert_eq!(repo.snapshot(), []);
    repo.write("hardline.toml", "[limits]\nmax_findings = 3\nmax_report_size = \"1 MiB\"\n");
    repo.ok(&["record", "--image", "app", "--report", s(&report)]);
}

#[test]
fn a_device_or_a_fifo_is_refused_without_being_read() {
    let repo = Repo::new();
    let started = Instant::now();
    for args in [
        vec!["record", "--image", "app", "--report", "/dev/zero"],
        vec!["gate", "--image", "app", "--report", "/dev/zero"],
        vec!["diff", "/dev/zero", "/dev/urandom"],
    ] {
        let stderr = failed(&repo, &args);
        assert!(stderr.contains("/dev/zero") || stderr.contains("/dev/urandom"), "{stderr}");
        assert!(stderr.contains("not a regular file (a character device)"), "{stderr}");
    }
    assert!(started.elapsed() < Duration::from_secs(20), "refused, not read");

    // A FIFO with no writer: opening it would wait for ever.
    let fifo = repo.path().join("report.fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success());
    let mut child = repo
        .command(&["record", "--image", "app", "--report", s(&fifo)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("record waited on a FIFO");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("not a regular file (a FIFO)"), "{stderr}");
}

// ---------------------------------------------------------------------------------------
// Item 7: the smaller faults.

#[test]
fn diff_strips_escapes_bidi_and_zero_width_characters_and_json_escapes_them() {
    let repo = Repo::new();
    let hostile = [("CVE-2026-0001\u{202E}gpj.exe", "lib\u{200B}c6\u{1b}[2J\u{7}", "HIGH", "1\u{2066}", "")];
    let old = repo.write("old.json", &trivy_report("2026-03-01T04:00:00Z", &[]));
    let new = repo.write("new.json", &trivy_report("2026-03-02T04:00:00Z", &hostile));
    let human = repo.ok(&["diff", s(&old), s(&new)]);
    let deceptive: Vec<char> =
        human.chars().filter(|c| *c != '\n' && hardline_model::text::is_deceptive(*c)).collect();
    assert_eq!(deceptive, [], "{human:?}");
    assert!(human.contains("CVE-2026-0001gpj.exe lib") && human.contains("c6 [2J "), "{human:?}");

    let out = repo.run(&["--format", "json", "diff", s(&old), s(&new)]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.chars().all(|c| c == '\n' || !hardline_model::text::is_deceptive(c)), "{text:?}");
    assert!(text.contains("\\u202e") && text.contains("\\u200b"), "escaped, not lost: {text}");
    let json: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(json["diff"]["new"][0]["id"], "CVE-2026-0001\u{202E}gpj.exe", "the same value to a program");
}

#[test]
fn cvss_scores_outside_zero_to_ten_are_dropped_with_a_warning() {
    let repo = Repo::new();
    let report = report_with(
        &repo,
        "cvss.json",
        json!({"CVSS": {"nvd": {"V3Score": 11.5, "V3Vector": "CVSS:3.1/AV:N"}}, "SeveritySource": "nvd"}),
    );
    let out = repo.run(&["record", "--image", "app", "--report", &report]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("a CVSS score outside 0–10 was dropped: 1 time (first: CVE-2026-0001)"),
        "{stderr}"
    );
    let baseline = repo.read("cve-baseline/app.json");
    assert!(!baseline.contains("11.5") && !baseline.contains("\"cvss\""), "{baseline}");
}

#[test]
fn invalid_utf8_is_refused_in_any_field_with_its_place() {
    let repo = Repo::new();
    for field in ["Description", "Title"] {
        let report = report_with(&repo, "bad.json", json!({ field: "BAD" }));
        let mut bytes = std::fs::read(&report).expect("read");
        let at = bytes.windows(3).position(|w| w == b"BAD").expect("marker");
        bytes[at] = 0xFF;
        std::fs::write(&report, bytes).expect("write");
        let stderr = failed(&repo, &["record", "--image", "app", "--report", &report]);
        assert!(
            stderr.contains(&format!("bad.json:1:{}: invalid UTF-8 (byte 0xFF)", at + 1)),
            "{field}: {stderr}"
        );
    }
    assert_eq!(repo.snapshot(), []);
}

#[test]
fn a_long_image_name_is_refused_for_its_length() {
    let repo = Repo::new();
    let name = "a".repeat(200);
    let report = report_at(&repo, "r.json", "2026-03-02T04:00:00Z");
    let out = repo.run(&["record", "--image", &name, "--report", &report]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "a usage error: {stderr}");
    assert!(stderr.contains("200 bytes long") && stderr.contains("at most 128"), "{stderr}");
    assert!(!stderr.contains("lower-case letters"), "not about its characters: {stderr}");
}

#[test]
fn the_dashboard_is_never_written_into_the_ledger_folders() {
    let repo = Repo::new();
    repo.ok(&["record", "--image", "app", "--report", &report_at(&repo, "r.json", "2026-03-02T04:00:00Z")]);
    let before = repo.snapshot();
    for out in ["cve-baseline", "audit-logs/site", ".hardline", "site/../cve-baseline/x", "./audit-logs"] {
        let stderr = failed(&repo, &["dashboard", "--out", out]);
        assert!(stderr.contains("belongs to the ledger"), "{out}: {stderr}");
    }
    assert_eq!(repo.snapshot(), before, "no file added to the ledger's folders");
    repo.ok(&["verify"]);
    repo.ok(&["dashboard", "--out", "site"]);
    assert!(repo.path().join("site/index.html").is_file());
}

#[test]
fn an_error_says_each_cause_once() {
    let repo = Repo::new();
    let stderr = failed(&repo, &["record", "--image", "app", "--report", "missing.json"]);
    assert_eq!(stderr.matches("No such file or directory").count(), 1, "{stderr}");
    assert!(!stderr.contains("caused by"), "{stderr}");
}

#[test]
fn a_scan_already_in_the_log_says_nothing_changed() {
    let repo = Repo::new();
    let week1 = report_at(&repo, "1.json", "2026-02-23T04:00:00Z");
    let vulns = [("CVE-2026-0002", "zlib1g", "MEDIUM", "1", "")];
    let week2 = repo.write("2.json", &trivy_report("2026-03-02T04:00:00Z", &vulns)).display().to_string();
    repo.ok(&["record", "--image", "app", "--report", &week1]);
    repo.ok(&["record", "--image", "app", "--report", &week2]);
    let again = repo.ok(&["record", "--image", "app", "--report", &week1]);
    assert!(again.starts_with(&format!("{week1}: already in the log, nothing appended\n")), "{again}");
    assert!(!again.contains("new,"), "no change counted for a scan not appended: {again}");
    let json = repo.json(&["record", "--image", "app", "--report", &week1]);
    let scan = &json["scans"][0];
    assert_eq!(
        (&scan["recorded"], &scan["new"], &scan["fixed"], &scan["changed"]),
        (&json!(false), &json!(0), &json!(0), &json!(0)),
        "{json}"
    );
}
