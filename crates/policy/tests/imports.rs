//! Accepted risks imported from the files other tools keep: Trivy's plain `.trivyignore` and
//! CycloneDX VEX documents in `security/`, read by `ExceptionSet::load` and applied to findings.

use hardline_model::{Finding, ImageName, Severity};
use hardline_policy::ExceptionSet;
use jiff::civil::date;

fn name(image: &str) -> ImageName {
    image.parse().expect("an image name")
}

fn finding(id: &str, package: &str, purl: &str) -> Finding {
    let mut finding = Finding::debian_vulnerability(id, package, "2.41-12", Severity::High);
    if let Some(p) = finding.package.as_mut() {
        p.purl = Some(purl.to_owned());
    }
    finding
}

fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    dir
}

/// Until now a plain `.trivyignore` was silently ignored: its ids counted in every gate.
#[test]
fn a_plain_trivyignore_accepts_its_ids_until_their_date() {
    let dir = repo(&[(
        ".trivyignore",
        "# no locale switching at run time\nCVE-2026-0861 exp:2026-12-31\nCVE-2026-0862\n",
    )]);
    let set = ExceptionSet::load(dir.path()).expect("loads");
    let findings = [
        finding("CVE-2026-0861", "libc6", "pkg:deb/debian/libc6@2.41-12"),
        finding("CVE-2026-0862", "libc6", "pkg:deb/debian/libc6@2.41-12"),
        finding("CVE-2026-0863", "libc6", "pkg:deb/debian/libc6@2.41-12"),
    ];
    let applied = set.apply(&findings, &name("postgres-secured"), date(2026, 11, 30));
    assert_eq!(applied.suppressed.len(), 2);
    assert_eq!(applied.counted.len(), 1);
    assert_eq!(applied.suppressed[0].1.reason, "no locale switching at run time");
    assert_eq!(applied.suppressed[0].1.source, ".trivyignore:2");
    let later = set.apply(&findings, &name("postgres-secured"), date(2027, 1, 1));
    assert_eq!(later.suppressed.len(), 1, "past its exp: date it counts again");
    assert_eq!(later.expired.len(), 1);
}

const CYCLONEDX_VEX: &str = r#"{
  "bomFormat": "CycloneDX",
  "specVersion": "1.6",
  "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
  "version": 1,
  "metadata": {
    "component": {"bom-ref": "product", "type": "container", "name": "postgres-secured", "purl": "pkg:oci/postgres-secured"}
  },
  "components": [
    {"bom-ref": "libc6", "type": "library", "name": "libc6", "purl": "pkg:deb/debian/libc6@2.41-12?arch=amd64"}
  ],
  "vulnerabilities": [
    {
      "id": "CVE-2026-0861",
      "analysis": {"state": "not_affected", "justification": "code_not_reachable", "detail": "iconv is never called with user data"},
      "affects": [{"ref": "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#libc6"}]
    },
    {
      "id": "CVE-2026-0870",
      "analysis": {"state": "false_positive", "detail": "the image does not ship the affected binary"},
      "affects": [{"ref": "product"}]
    },
    {
      "id": "CVE-2026-0871",
      "analysis": {"state": "exploitable", "detail": "upgrade planned"},
      "affects": [{"ref": "product"}]
    }
  ]
}"#;

#[test]
fn cyclonedx_vex_statements_become_exceptions_scoped_by_product_and_component() {
    let dir = repo(&[("security/base.vex.cdx.json", CYCLONEDX_VEX)]);
    let set = ExceptionSet::load(dir.path()).expect("loads");
    assert_eq!(set.exceptions.len(), 2, "exploitable leaves the finding counting");
    let libc = &set.exceptions[0];
    assert_eq!(
        (libc.id.as_str(), libc.images.as_slice()),
        ("CVE-2026-0861", ["postgres-secured".to_owned()].as_slice())
    );
    assert_eq!(libc.purls, ["pkg:deb/debian/libc6"]);
    assert_eq!(libc.vex.as_deref(), Some("vulnerable_code_not_in_execute_path"), "published as OpenVEX");
    assert_eq!(libc.reason, "iconv is never called with user data");
    assert!(libc.source.starts_with("security/base.vex.cdx.json:"), "{}", libc.source);

    let findings = [
        finding("CVE-2026-0861", "libc6", "pkg:deb/debian/libc6@2.41-13?arch=amd64"),
        finding("CVE-2026-0861", "libc-bin", "pkg:deb/debian/libc-bin@2.41-12"),
        finding("CVE-2026-0870", "zlib1g", "pkg:deb/debian/zlib1g@1.3"),
        finding("CVE-2026-0871", "zlib1g", "pkg:deb/debian/zlib1g@1.3"),
    ];
    let applied = set.apply(&findings, &name("postgres-secured"), date(2026, 11, 30));
    let suppressed: Vec<(&str, &str)> =
        applied.suppressed.iter().map(|(f, _)| (f.id.as_str(), f.package_name().unwrap_or(""))).collect();
    assert_eq!(suppressed, [("CVE-2026-0861", "libc6"), ("CVE-2026-0870", "zlib1g")]);
    let other_image = set.apply(&findings, &name("php-mysql-secured"), date(2026, 11, 30));
    assert!(other_image.suppressed.is_empty(), "the product scopes them to its image");
}

#[test]
fn a_cyclonedx_statement_without_a_reason_is_an_error_at_its_line() {
    let document = CYCLONEDX_VEX
        .replace(r#""detail": "iconv is never called with user data""#, r#""detail": """#)
        .replace(r#""justification": "code_not_reachable", "#, "");
    let dir = repo(&[("security/base.cdx.json", &document)]);
    let error = ExceptionSet::load(dir.path()).expect_err("no reason");
    assert!(
        error
            .to_string()
            .ends_with("base.cdx.json:14:1: CVE-2026-0861: not_affected needs a justification or a detail"),
        "{error}"
    );
}

/// `fingerprints` limits an exception to exactly those findings: the same check elsewhere (or
/// on a changed line, which is another fingerprint) still counts, and the exception goes stale.
#[test]
fn an_exception_limited_to_fingerprints_accepts_exactly_those_findings() {
    let accepted = finding("CVE-2026-0861", "libc6", "pkg:deb/debian/libc6@2.41-12");
    let other = finding("CVE-2026-0861", "libc-bin", "pkg:deb/debian/libc-bin@2.41-12");
    let toml = format!(
        "[[exception]]\nid = \"CVE-2026-0861\"\nfingerprints = [\"{}\"]\nreason = \"checked: not reachable\"\nexpires = \"2027-01-01\"\n",
        accepted.fingerprint
    );
    let dir = repo(&[("security/exceptions.toml", &toml)]);
    let set = ExceptionSet::load(dir.path()).expect("loads");
    let findings = [accepted.clone(), other.clone()];
    let applied = set.apply(&findings, &name("img"), date(2026, 11, 30));
    assert_eq!(applied.suppressed.len(), 1);
    assert_eq!(applied.suppressed[0].0.fingerprint, accepted.fingerprint);
    assert_eq!(applied.counted, vec![&other]);
    let changed = set.apply(std::slice::from_ref(&other), &name("img"), date(2026, 11, 30));
    assert!(changed.suppressed.is_empty());

    let bad = repo(&[(
        "security/exceptions.toml",
        "[[exception]]\nid = \"DS-0031\"\nfingerprints = [\"DS-0031\"]\nreason = \"x\"\nexpires = \"2027-01-01\"\n",
    )]);
    let error = ExceptionSet::load(bad.path()).expect_err("not a fingerprint");
    assert!(
        error
            .to_string()
            .contains("exceptions.toml:3:17: exception DS-0031: \"DS-0031\" is not a fingerprint"),
        "{error}"
    );
}
