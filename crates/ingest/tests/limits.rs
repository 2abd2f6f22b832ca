//! The bounds on what a report can put in the ledger hold for every format alike: they are
//! applied around the registry's parsers, not inside them.

use hardline_ingest::limits::{MAX_ID_BYTES, MAX_PATH_BYTES, MAX_TEXT_BYTES};
use hardline_ingest::{
    FORMATS, IngestError, InputFormat, Limits, ReadOptions, parse_report, parse_report_with,
};
use serde_json::json;

fn trivy(id: &str, title: &str, package: &str, url: &str) -> Vec<u8> {
    json!({
        "SchemaVersion": 2,
        "CreatedAt": "2026-03-02T04:00:00Z",
        "ArtifactType": "container_image",
        "Results": [{"Target": "x", "Class": "lang-pkgs", "Type": "gomod", "Vulnerabilities": [{
            "VulnerabilityID": id, "PkgName": package, "PkgPath": "p".repeat(5_000),
            "InstalledVersion": "1", "Severity": "HIGH", "Title": title, "PrimaryURL": url
        }]}]
    })
    .to_string()
    .into_bytes()
}

fn sarif(rule: &str, message: &str, uri: &str) -> Vec<u8> {
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "semgrep", "rules": [{"id": rule, "helpUri": format!("https://x/{}", "u".repeat(3_000))}]}},
            "results": [{"ruleId": rule, "message": {"text": message},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}}}]}]
        }]
    })
    .to_string()
    .into_bytes()
}

fn grype(id: &str, description: &str, package: &str, url: &str) -> Vec<u8> {
    json!({
        "descriptor": {"name": "grype", "version": "0.86.1", "timestamp": "2026-03-02T04:00:00Z"},
        "matches": [{
            "vulnerability": {"id": id, "severity": "High", "description": description, "urls": [url],
                "dataSource": url, "fix": {"versions": [], "state": "not-fixed"}},
            "artifact": {"name": package, "version": "1", "type": "deb",
                "locations": [{"path": "/var/lib/dpkg/status"}], "purl": format!("pkg:deb/debian/{package}@1")}
        }],
        "source": {"type": "image", "target": {"userInput": "app:1"}}
    })
    .to_string()
    .into_bytes()
}

/// One hostile report per registered format.
fn hostile(huge: &str) -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("trivy", trivy("CVE-2026-0001", huge, huge, &format!("https://x/{huge}"))),
        ("sarif", sarif("rule.one", huge, huge)),
        ("grype", grype("CVE-2026-0001", huge, huge, &format!("https://x/{huge}"))),
    ]
}

#[test]
fn every_format_is_bounded_by_the_same_pass() {
    let huge = "h".repeat(1_000_000);
    let reports = hostile(&huge);
    let names: Vec<&str> = reports.iter().map(|(name, _)| *name).collect();
    let registered: Vec<&str> = FORMATS.iter().map(|f| f.name()).collect();
    assert_eq!(names, registered, "a new format: add a hostile report of it here");
    for (name, bytes) in reports {
        let scan = parse_report(&bytes, InputFormat::Auto, name).unwrap_or_else(|e| panic!("{name}: {e}"));
        let finding = &scan.findings()[0];
        let stored = serde_json::to_string(finding).expect("serialises");
        assert!(
            stored.len() < 4 * MAX_TEXT_BYTES + 2 * MAX_PATH_BYTES,
            "{name}: {} bytes stored",
            stored.len()
        );
        assert_eq!(finding.url, None, "{name}: an over-long URL is dropped, not cut");
        assert!(!scan.warnings().is_empty(), "{name}: the cuts are said");
        assert!(scan.warnings().iter().all(|w| w.starts_with(&format!("{name}: "))), "{:?}", scan.warnings());
    }
    let absurd = "A".repeat(MAX_ID_BYTES + 1);
    for (name, bytes) in
        [("trivy", trivy(&absurd, "t", "p", "https://x")), ("sarif", sarif(&absurd, "m", "f"))]
    {
        let error = parse_report(&bytes, InputFormat::Auto, name).expect_err(name);
        assert!(matches!(error, IngestError::AbsurdId { .. }), "{name}: {error}");
    }
}

#[test]
fn size_and_findings_limits_hold_for_every_format() {
    let small = ReadOptions::default().with_limits(Limits { max_report_bytes: 100, ..Limits::default() });
    let none = ReadOptions::default().with_limits(Limits { max_findings: 0, ..Limits::default() });
    for (name, bytes) in hostile("h") {
        let error = parse_report_with(&bytes, InputFormat::Auto, name, &small).expect_err(name);
        assert!(error.to_string().contains("raise `max_report_size`"), "{name}: {error}");
        let error = parse_report_with(&bytes, InputFormat::Auto, name, &none).expect_err(name);
        assert!(error.to_string().contains("raise `max_findings`"), "{name}: {error}");
    }
}

#[test]
fn invalid_utf8_is_refused_in_a_skipped_field_as_in_a_kept_one() {
    for field in ["Description", "Title"] {
        let report = format!(
            "{{\"SchemaVersion\": 2,\n\"Results\": [{{\"Target\": \"x\", \"Vulnerabilities\": [{{\"VulnerabilityID\": \"CVE-1\", \"PkgName\": \"p\", \"{field}\": \"a\u{FFFD}b\"}}]}}]}}"
        );
        let bytes = report.replace('\u{FFFD}', "\u{1}").into_bytes();
        let bytes: Vec<u8> = bytes.into_iter().map(|b| if b == 1 { 0xFF } else { b }).collect();
        let error = parse_report(&bytes, InputFormat::Auto, "r.json").expect_err(field).to_string();
        assert!(
            error.starts_with("r.json:2:") && error.contains("invalid UTF-8 (byte 0xFF)"),
            "{field}: {error}"
        );
    }
}

#[test]
fn a_sarif_security_severity_outside_zero_to_ten_is_ignored_with_a_warning() {
    let log = json!({
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "codeql", "rules": [
                {"id": "r1", "properties": {"security-severity": "50"}},
                {"id": "r2", "properties": {"security-severity": "9.1"}}
            ]}},
            "results": [
                {"ruleId": "r1", "level": "note", "message": {"text": "a"}},
                {"ruleId": "r2", "level": "note", "message": {"text": "b"}}
            ]
        }]
    })
    .to_string();
    let scan = parse_report(log.as_bytes(), InputFormat::Auto, "x.sarif").expect("parses");
    let severity = |id: &str| scan.findings().iter().find(|f| f.id == id).map(|f| f.severity.as_str());
    assert_eq!(severity("r1"), Some("low"), "the level, not a score of 50");
    assert_eq!(severity("r2"), Some("critical"));
    assert!(
        scan.warnings().iter().any(|w| w.contains("outside 0–10") && w.contains("r1")),
        "{:?}",
        scan.warnings()
    );
}
