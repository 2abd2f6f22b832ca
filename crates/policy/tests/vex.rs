use hardline_model::{Finding, Severity};
use hardline_policy::ExceptionSet;
use hardline_policy::vex;
use jiff::civil::date;

fn finding(id: &str, package: &str, purl: &str) -> Finding {
    let mut finding = Finding::debian_vulnerability(id, package, "2.41-12", Severity::High);
    if let Some(p) = finding.package.as_mut() {
        p.purl = Some(purl.to_owned());
    }
    finding
}

/// A fresh folder per call: the tests run in parallel threads of one process, and two of them
/// load the same document, so a name made of the process id and the document alone let one test
/// delete the folder the other was reading (an empty exception set, a flaky failure).
fn repo_with(document: &str) -> std::path::PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("hardline-vex-{}-{call}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("security")).expect("mkdir");
    std::fs::write(dir.join("security/base-image.openvex.json"), document).expect("write");
    dir
}

const DOCUMENT: &str = r#"{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://example.invalid/vex/1",
  "author": "Security team",
  "timestamp": "2026-11-01T00:00:00Z",
  "version": 1,
  "statements": [
    {
      "vulnerability": {"name": "CVE-2026-0861"},
      "products": [{"@id": "pkg:oci/img@sha256:abc", "subcomponents": [{"@id": "pkg:deb/debian/libc6@2.41-12?arch=amd64"}]}],
      "status": "not_affected",
      "justification": "vulnerable_code_not_in_execute_path",
      "impact_statement": "no locale switching at run time"
    },
    {
      "vulnerability": {"name": "CVE-2026-0862"},
      "products": [{"@id": "pkg:oci/img"}],
      "status": "affected",
      "action_statement": "upgrade"
    }
  ]
}"#;

#[test]
fn not_affected_statements_become_exceptions_scoped_by_product_and_purl() {
    let set = ExceptionSet::load(&repo_with(DOCUMENT)).expect("the document loads");
    assert_eq!(set.exceptions.len(), 1, "only not_affected accepts a risk");
    let exception = &set.exceptions[0];
    assert_eq!(exception.images, ["img"]);
    assert_eq!(exception.reason, "no locale switching at run time");
    assert_eq!(exception.vex.as_deref(), Some("vulnerable_code_not_in_execute_path"));
    assert!(exception.source.starts_with("security/base-image.openvex.json:"), "{}", exception.source);

    let libc = finding("CVE-2026-0861", "libc6", "pkg:deb/debian/libc6@2.41-13?arch=amd64&distro=debian-13");
    let other = finding("CVE-2026-0861", "libc-bin", "pkg:deb/debian/libc-bin@2.41-12");
    let applied = set.apply(std::slice::from_ref(&libc), &name("img"), date(2026, 11, 28));
    assert_eq!(applied.suppressed.len(), 1, "the named package is covered whatever its version");
    assert_eq!(set.apply(std::slice::from_ref(&other), &name("img"), date(2026, 11, 28)).suppressed.len(), 0);
    assert_eq!(
        set.apply(std::slice::from_ref(&libc), &name("other"), date(2026, 11, 28)).suppressed.len(),
        0
    );
}

#[test]
fn a_bad_document_is_refused_at_its_place() {
    let error =
        ExceptionSet::load(&repo_with(&DOCUMENT.replace("vulnerable_code_not_in_execute_path", "trust_me")))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
    assert!(error.contains("base-image.openvex.json:9:") && error.contains("trust_me"), "{error}");
    let error =
        ExceptionSet::load(&repo_with("{\"statements\": [")).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(error.contains("base-image.openvex.json:1:"), "{error}");
}

#[test]
fn exceptions_with_a_justification_are_published_as_openvex() {
    let set = ExceptionSet::load(&repo_with(DOCUMENT)).expect("the document loads");
    let exceptions: Vec<_> = set.exceptions.iter().collect();
    let findings = [finding("CVE-2026-0861", "libc6", "pkg:deb/debian/libc6@2.41-13?arch=amd64")];
    let product = format!("pkg:oci/img@sha256:{}", "0".repeat(64));
    let document = vex::document(
        &exceptions,
        &findings,
        &name("img"),
        &product,
        "hardline",
        &time("2026-11-28T00:00:00Z"),
    );
    let json = serde_json::to_value(&document).unwrap_or_default();
    assert_eq!(json["@context"], "https://openvex.dev/ns/v0.2.0");
    assert_eq!(json["statements"][0]["vulnerability"]["name"], "CVE-2026-0861");
    assert_eq!(json["statements"][0]["status"], "not_affected");
    assert_eq!(
        json["statements"][0]["products"][0]["@id"],
        product.as_str(),
        "the product carries its digest"
    );
    assert_eq!(json["statements"][0]["products"][0]["subcomponents"][0]["@id"], "pkg:deb/debian/libc6");
    assert!(
        vex::document(
            &exceptions,
            &findings,
            &name("other"),
            "pkg:oci/other",
            "hardline",
            &time("2026-11-28T00:00:00Z")
        )
        .statements
        .is_empty()
    );
}

fn name(image: &str) -> hardline_model::ImageName {
    hardline_model::ImageName::new(image).expect("a valid image name")
}

fn time(text: &str) -> hardline_model::Timestamp {
    hardline_model::Timestamp::parse(text).expect("a valid time")
}

#[test]
fn an_empty_or_broken_document_is_refused_at_a_real_place() {
    let path = std::path::Path::new("security/x.openvex.json");
    for (text, place) in [("", ":1:1: "), ("{\n  \"statements\": [}", ":2:18: ")] {
        let error = hardline_policy::vex::parse(text, path, path).expect_err("refused").to_string();
        assert!(error.contains(place), "{text:?}: {error}");
        assert!(!error.contains(" at line "), "the place is said once: {error}");
    }
}
