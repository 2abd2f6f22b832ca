//! Ingest of real tool output, produced here by the tools themselves (see fixtures/README.md
//! for the commands and versions).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hardline_ingest::{InputFormat, ReadOptions, read_report, read_report_with};
use hardline_model::{Ecosystem, Finding, FindingKind, PackageClass, Scan, Severity};

mod support;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn scan(name: &str) -> Scan {
    read_report(&fixture(name), InputFormat::Auto).expect("fixture parses")
}

/// A fixture read with the scanned inputs at hand, as `--root` gives them.
fn scan_in_inputs(name: &str) -> Scan {
    read_report_with(&fixture(name), InputFormat::Auto, &ReadOptions::at(fixture("inputs"))).expect("parses")
}

fn by_id(scan: &Scan) -> BTreeMap<&str, &Finding> {
    scan.findings().iter().map(|f| (f.id.as_str(), f)).collect()
}

#[test]
fn trivy_076_config_report() {
    let scan = scan("trivy-0.76-config.json");
    assert_eq!(scan.meta.scanner, "trivy");
    assert_eq!(scan.meta.scanner_version.as_deref(), Some("0.76.0"));
    assert_eq!(scan.meta.artifact_type.as_deref(), Some("filesystem"));
    let ids: Vec<&str> = by_id(&scan).into_keys().collect();
    assert_eq!(ids, ["DS-0001", "DS-0002", "DS-0004", "DS-0013", "DS-0017", "DS-0022", "DS-0026", "DS-0029"]);
    let findings = by_id(&scan);
    let latest = findings["DS-0001"];
    assert_eq!(latest.kind, FindingKind::Misconfiguration);
    assert_eq!(latest.severity, Severity::Medium);
    assert_eq!(latest.title, "':latest' tag used");
    assert_eq!(latest.url.as_deref(), Some("https://avd.aquasec.com/misconfig/ds-0001"));
    let location = latest.location.as_ref().expect("located");
    assert_eq!(
        (location.path.as_str(), location.start_line, location.end_line),
        ("Dockerfile", Some(2), Some(2))
    );
    assert_eq!(findings["DS-0002"].severity, Severity::High);
    assert_eq!(findings["DS-0002"].location.as_ref().and_then(|l| l.start_line), None);
    assert_eq!(scan.counts().high, 4);
}

/// Trivy 0.59 wrote `ID: DS002` and `AVDID: AVD-DS-0002`; 0.76 writes `ID: DS-0002`. Both are
/// the same check on the same Dockerfile, so the same finding across an upgrade of Trivy.
#[test]
fn both_trivy_check_id_schemes_give_the_same_identity() {
    let old = scan("trivy-0.59-config.json");
    let new = scan("trivy-0.76-config.json");
    assert_eq!(old.meta.scanner_version, None);
    assert_eq!(old.findings().len(), 2, "the PASS result is not a finding");
    let (old, new) = (by_id(&old), by_id(&new));
    for id in ["DS-0001", "DS-0002"] {
        assert_eq!(old[id].fingerprint, new[id].fingerprint, "{id}");
        assert_eq!(old[id].title, new[id].title, "{id}");
    }
    assert_eq!(old["DS-0002"].aliases, ["AVD-DS-0002", "DS002"]);
    assert!(old["DS-0002"].is_named("DS002") && old["DS-0002"].is_named("ds-0002"));
    assert!(new["DS-0002"].aliases.is_empty());
}

/// Trivy's SARIF of the same scan reads as the same checks with the same severities and
/// titles; with the Dockerfile at hand (`--root`) it is the same findings, fingerprints
/// included: the cause lines SARIF leaves out are read from the file.
#[test]
fn trivy_config_sarif_and_json_are_the_same_findings() {
    let json = scan("trivy-0.76-config.json");
    let sarif = scan_in_inputs("trivy-0.76-config.sarif");
    assert_eq!(sarif.meta.scanner, "trivy");
    assert_eq!(sarif.meta.scanner_version.as_deref(), Some("0.76.0"));
    assert_eq!(sarif.findings(), json.findings());

    // Without the file, the same checks, severities, titles and places, identified otherwise.
    let (without, json) = (scan("trivy-0.76-config.sarif"), by_id(&json));
    let without = by_id(&without);
    assert_eq!(without.keys().collect::<Vec<_>>(), json.keys().collect::<Vec<_>>());
    for (id, finding) in &without {
        assert_eq!(finding.kind, FindingKind::Misconfiguration, "{id}");
        assert_eq!(
            (finding.severity, &finding.title, &finding.url),
            (json[id].severity, &json[id].title, &json[id].url)
        );
        assert_eq!(finding.location.as_ref().map(|l| &l.path), json[id].location.as_ref().map(|l| &l.path));
    }
}

/// The secret scan too: SARIF's message ends with the same masked match the JSON's identity
/// hashes (and, like the JSON's, it is hashed, never kept).
#[test]
fn trivy_secret_sarif_and_json_are_the_same_findings() {
    let sarif = scan("trivy-0.76-secret.sarif");
    assert_eq!(sarif.findings(), scan("trivy-0.76-secret.json").findings());
    let serialised = serde_json::to_string(sarif.findings()).expect("serialises");
    assert!(!serialised.contains("AWS_ACCESS_KEY_ID") && !serialised.contains("****"));
}

/// Trivy's SARIF of an image scan (`trivy convert --format sarif` of `trivy-0.76-image.json`,
/// by Trivy 0.76 itself; `tests/corpus.rs` does the same for every real report) keeps each package, its installed and fixed version and its class, so
/// it is the same findings as the JSON: same fingerprints, ids, severities, packages, titles
/// and links. SARIF carries no CVSS vectors, vendor ids, status or purl; those are left out,
/// and none of them is identity. The distribution is not in SARIF: the image's ledger gives it.
#[test]
fn trivy_vulnerability_sarif_and_json_are_the_same_findings() {
    let options = ReadOptions::default().with_distribution(Some(Ecosystem::new("debian")));
    let sarif =
        read_report_with(&fixture("trivy-0.76-image.sarif"), InputFormat::Auto, &options).expect("parses");
    let json = scan("trivy-0.76-image.json");
    assert_eq!(sarif.meta.artifact_name, json.meta.artifact_name);
    assert_eq!(sarif.meta.artifact_type, json.meta.artifact_type);
    assert_eq!(sarif.meta.image_id, json.meta.image_id);
    assert_eq!(sarif.meta.repo_digests, json.meta.repo_digests);
    let sarif: Vec<Finding> = sarif.findings().iter().map(support::without_what_sarif_lacks).collect();
    let json: Vec<Finding> = json.findings().iter().map(support::without_what_sarif_lacks).collect();
    assert_eq!(sarif, json);
    assert!(sarif.iter().any(|f| f.package.as_ref().is_some_and(|p| p.fixed_version.is_some())));

    // Without the distribution, the OS packages cannot have the JSON's identity (and say so
    // by their ecosystem); the language packages still do.
    let unknown = scan("trivy-0.76-image.sarif");
    for (a, b) in unknown.findings().iter().zip(&json) {
        let package = a.package.as_ref().expect("a package");
        match package.class {
            PackageClass::Os => {
                assert_eq!(package.ecosystem.as_str(), "unknown-os");
                assert_ne!(a.fingerprint, b.fingerprint);
            }
            PackageClass::Lang => assert_eq!(a.fingerprint, b.fingerprint),
        }
    }
}

#[test]
fn trivy_secret_report_never_keeps_the_secret() {
    let fake_key = "AKIAZ7FAKEKEY0HL2TST";
    let input = std::fs::read_to_string(fixture("inputs/app.env")).expect("input exists");
    assert!(input.contains(fake_key), "the scanned input holds the (made-up) key");
    let report = std::fs::read_to_string(fixture("trivy-0.76-secret.json")).expect("fixture");
    assert!(!report.contains(fake_key), "Trivy masks the match in its report");
    let masked_match = "AWS_ACCESS_KEY_ID=********************";
    assert!(report.contains(masked_match));

    let scan = scan("trivy-0.76-secret.json");
    assert_eq!(scan.findings().len(), 1);
    let secret = &scan.findings()[0];
    assert_eq!(
        (secret.kind, secret.id.as_str(), secret.severity),
        (FindingKind::Secret, "aws-access-key-id", Severity::Critical)
    );
    let location = secret.location.as_ref().expect("located");
    assert_eq!((location.path.as_str(), location.start_line), ("app.env", Some(2)));
    let serialised = serde_json::to_string(secret).expect("serialises");
    for forbidden in [fake_key, masked_match, "AWS_ACCESS_KEY_ID", "****"] {
        assert!(!serialised.contains(forbidden), "{forbidden:?} leaked into {serialised}");
    }
    assert!(!format!("{secret:?}").contains("AWS_ACCESS_KEY_ID"));
}

#[test]
fn hadolint_sarif_without_rules() {
    let scan = scan("hadolint-2.15.1.sarif");
    assert_eq!(
        (scan.meta.scanner.as_str(), scan.meta.scanner_version.as_deref()),
        ("hadolint", Some("2.15.1"))
    );
    let findings = by_id(&scan);
    assert_eq!(findings.len(), 7);
    assert!(findings.values().all(|f| f.kind == FindingKind::Misconfiguration && f.url.is_none()));
    assert_eq!(findings["DL4000"].severity, Severity::High, "level error");
    assert_eq!(findings["DL3007"].severity, Severity::Medium, "level warning");
    assert_eq!(findings["DL3009"].severity, Severity::Low, "level note");
    assert!(findings["DL3007"].title.starts_with("Using latest is prone to errors"));
    let location = findings["DL4000"].location.as_ref().expect("located");
    assert_eq!((location.path.as_str(), location.start_line), ("Dockerfile", Some(3)));
}

#[test]
fn zizmor_sarif_with_rules_and_snippets() {
    let scan = scan("zizmor-1.32.0.sarif");
    assert_eq!(
        (scan.meta.scanner.as_str(), scan.meta.scanner_version.as_deref()),
        ("zizmor", Some("1.32.0"))
    );
    let findings = by_id(&scan);
    assert_eq!(
        findings.keys().copied().collect::<Vec<_>>(),
        [
            "zizmor/artipacked",
            "zizmor/dangerous-triggers",
            "zizmor/excessive-permissions",
            "zizmor/template-injection",
            "zizmor/unpinned-uses"
        ]
    );
    assert!(findings.values().all(|f| f.kind == FindingKind::Sast));
    let injection = findings["zizmor/template-injection"];
    assert_eq!(injection.severity, Severity::High);
    assert_eq!(injection.url.as_deref(), Some("https://docs.zizmor.sh/audits/#template-injection"));
    assert!(
        injection
            .location
            .as_ref()
            .is_some_and(|l| l.path.ends_with(".github/workflows/ci.yml") && l.start_line == Some(13))
    );
    assert_eq!(findings["zizmor/artipacked"].severity, Severity::Medium);
}

/// Semgrep writes `fingerprints: {"matchBasedId/v1": "requires login"}` on every result when
/// not logged in: not a `partialFingerprints`, and not read, or all results would be one.
#[test]
fn semgrep_sarif_with_a_local_rules_file() {
    let scan = scan("semgrep-1.185.0.sarif");
    assert_eq!(
        (scan.meta.scanner.as_str(), scan.meta.scanner_version.as_deref()),
        ("semgrep oss", Some("1.185.0"))
    );
    let findings = by_id(&scan);
    assert_eq!(findings.len(), 2);
    assert!(findings.values().all(|f| f.kind == FindingKind::Sast));
    let shell = findings["subprocess-shell-true"];
    assert_eq!(shell.severity, Severity::High, "rule default level error");
    assert_eq!(shell.title, "subprocess called with shell=True; pass an argument list instead");
    assert_eq!(
        shell.location.as_ref().map(|l| (l.path.as_str(), l.start_line)),
        Some(("deploy.py", Some(7)))
    );
    assert_eq!(findings["eval-of-input"].severity, Severity::Medium, "rule default level warning");
    assert_ne!(shell.fingerprint, findings["eval-of-input"].fingerprint);
}

#[test]
fn identities_are_stable_across_reads_and_distinct_within_a_report() {
    for name in [
        "trivy-0.76-config.json",
        "trivy-0.76-config.sarif",
        "trivy-0.76-secret.sarif",
        "hadolint-2.15.1.sarif",
        "zizmor-1.32.0.sarif",
        "semgrep-1.185.0.sarif",
    ] {
        let (a, b) = (scan(name), scan(name));
        assert_eq!(a, b, "{name}");
        let raw = std::fs::read(fixture(name)).expect("fixture");
        let text = String::from_utf8(raw).expect("utf-8");
        let results = text.matches("\"ruleId\"").count() + text.matches("\"Status\": \"FAIL\"").count();
        assert_eq!(a.findings().len(), results, "{name}: one finding per result, none merged");
    }
}

fn synthetic(results: &str) -> Scan {
    let report = format!(r#"{{"SchemaVersion": 2, "ArtifactName": "img", "Results": [{results}]}}"#);
    hardline_ingest::parse_report(report.as_bytes(), InputFormat::Auto, "synthetic.json").expect("parses")
}

/// Trivy lists a vulnerability once per Result it appears in; the same CVE in the same package
/// is one finding, in another package (or another Go binary) another.
#[test]
fn duplicates_merge_and_distinct_packages_stay_apart() {
    let vuln = |id: &str, pkg: &str, version: &str, severity: &str| {
        format!(
            r#"{{"VulnerabilityID":"{id}","PkgName":"{pkg}","InstalledVersion":"{version}","Severity":"{severity}"}}"#
        )
    };
    let scan = synthetic(&format!(
        r#"{{"Target":"img (debian 13.2)","Class":"os-pkgs","Type":"debian","Vulnerabilities":[{},{}]}},
           {{"Target":"img (debian 13.2)","Class":"os-pkgs","Type":"debian","Vulnerabilities":[{}]}},
           {{"Target":"usr/bin/a","Class":"lang-pkgs","Type":"gobinary","Vulnerabilities":[{}]}},
           {{"Target":"usr/bin/b","Class":"lang-pkgs","Type":"gobinary","Vulnerabilities":[{}]}}"#,
        vuln("CVE-1", "libc6", "2.41-1", "LOW"),
        vuln("CVE-1", "libc-bin", "2.41-1", "LOW"),
        vuln("CVE-1", "libc6", "2.41-1", "HIGH"),
        vuln("CVE-2", "stdlib", "1.24.1", "MEDIUM"),
        vuln("CVE-2", "stdlib", "1.24.1", "MEDIUM"),
    ));
    assert_eq!(scan.findings().len(), 4);
    assert_eq!(scan.unique_ids(), 2);
    assert_eq!(scan.findings()[0].severity, Severity::High, "the more severe copy wins");

    // A version bump that still carries the CVE is the same finding; the OS point release in
    // the target is not part of it either.
    let before = synthetic(&format!(
        r#"{{"Target":"img (debian 13.2)","Class":"os-pkgs","Type":"debian","Vulnerabilities":[{}]}}"#,
        vuln("CVE-1", "libc6", "2.41-1", "LOW")
    ));
    let after = synthetic(&format!(
        r#"{{"Target":"img (debian 13.3)","Class":"os-pkgs","Type":"debian","Vulnerabilities":[{}]}}"#,
        vuln("CVE-1", "libc6", "2.41-2", "LOW")
    ));
    assert_eq!(before.findings()[0].fingerprint, after.findings()[0].fingerprint);
}

/// Missing optional fields are tolerated; an empty FixedVersion is no fix.
#[test]
fn sparse_vulnerability_is_tolerated() {
    let scan = synthetic(
        r#"{"Target":"composer.lock","Class":"lang-pkgs","Type":"composer","Vulnerabilities":[
            {"VulnerabilityID":"GHSA-xxxx","PkgName":"a/b","FixedVersion":"","VendorIDs":null}]}"#,
    );
    let finding = &scan.findings()[0];
    assert_eq!((finding.title.as_str(), finding.severity), ("GHSA-xxxx", Severity::Unknown));
    assert!(!finding.fixable());
    let package = finding.package.as_ref().expect("package");
    assert_eq!(package.path.as_deref(), Some("composer.lock"), "lang path falls back to the target");
    assert_eq!((finding.cvss.as_ref(), finding.status, finding.url.as_ref()), (None, None, None));
}

/// Grype's report of the image `trivy-0.76-image.json` describes (written in the shape of
/// `grype -o json`; no Grype runs here): the same vulnerabilities in the same packages are the
/// same findings, fingerprints included — a GHSA with one related CVE is that CVE, a Go module
/// in a binary is `gobinary` at the binary's path, a Java archive is `group:artifact`.
#[test]
fn grype_and_trivy_give_the_same_findings_where_their_facts_agree() {
    let grype = scan("grype-0.86-image.json");
    assert_eq!(
        (grype.meta.scanner.as_str(), grype.meta.scanner_version.as_deref()),
        ("grype", Some("0.86.1"))
    );
    assert_eq!(grype.meta.artifact_name.as_deref(), Some("example/php-app:ci"));
    assert_eq!(grype.meta.artifact_type.as_deref(), Some("container_image"));
    assert_eq!(grype.meta.image_id.as_deref(), Some("sha256:5e0d7a11c9f2"));
    assert_eq!(grype.meta.os.as_deref(), Some("debian 13"));
    assert!(grype.meta.created_at.is_some());
    assert_eq!(grype.findings().len(), 12, "13 matches, one listed twice; ignored matches are not findings");
    assert!(grype.findings().iter().all(|f| f.id != "CVE-2026-9999"), "an ignored match");

    let trivy = scan("trivy-0.76-image.json");
    let by_fingerprint: BTreeMap<_, _> = grype.findings().iter().map(|f| (&f.fingerprint, f)).collect();
    for expected in trivy.findings() {
        let found = by_fingerprint.get(&expected.fingerprint).unwrap_or_else(|| {
            panic!("Trivy's {} in {:?} is not among Grype's findings", expected.id, expected.package)
        });
        let (a, b) =
            (found.package.as_ref().expect("a package"), expected.package.as_ref().expect("a package"));
        assert_eq!(
            (&found.id, &a.name, a.class, &a.ecosystem, &a.path),
            (&expected.id, &b.name, b.class, &b.ecosystem, &b.path)
        );
        assert_eq!(a.fixed_version, b.fixed_version, "{}", expected.id);
        assert_eq!(found.severity, expected.severity, "{}", expected.id);
    }
    let only_grype: Vec<&str> = grype
        .findings()
        .iter()
        .filter(|f| !trivy.findings().iter().any(|t| t.fingerprint == f.fingerprint))
        .map(|f| f.id.as_str())
        .collect();
    assert_eq!(only_grype, ["CVE-2026-7000"]);
    let redirect = grype.findings().iter().find(|f| f.id == "CVE-2026-3000").expect("the GHSA's CVE");
    assert!(redirect.is_named("GHSA-3rr6-1111-2222"), "the GHSA is an alias");
    let apt = grype.findings().iter().find(|f| f.id == "CVE-2011-3374").expect("apt");
    assert_eq!(apt.status, Some(hardline_model::Status::Affected), "not-fixed");
}
