#![allow(clippy::cloned_ref_to_slice_refs)]

use hardline_model::{Finding, Severity};
use hardline_policy::{Base, Context, Decision, ExceptionSet, Gate, GateInput, ProfileInfo};
use jiff::civil::date;

fn vuln(id: &str, package: &str, severity: Severity, fixed: Option<&str>) -> Finding {
    let mut finding = Finding::debian_vulnerability(id, package, "1.0", severity);
    if let Some(p) = finding.package.as_mut() {
        p.fixed_version = fixed.map(str::to_owned);
    }
    finding.title = format!("{id} title");
    finding
}

fn decide(
    baseline: &[Finding],
    candidate: &[Finding],
    profile: &str,
    exceptions: &ExceptionSet,
) -> hardline_policy::GateResult {
    decide_against(Base::Ledger(baseline), candidate, profile, exceptions)
}

fn decide_against(
    base: Base<'_>,
    candidate: &[Finding],
    profile: &str,
    exceptions: &ExceptionSet,
) -> hardline_policy::GateResult {
    let gate =
        Gate::profile(ProfileInfo::find(profile).expect("a built-in profile")).expect("defaults build");
    gate.decide(&GateInput {
        image: &name("img"),
        base,
        candidate,
        exceptions,
        today: date(2026, 6, 1),
        context: Context::none(),
    })
}

fn rules(result: &hardline_policy::GateResult) -> Vec<&str> {
    result.reasons.iter().map(|r| r.rule.code).collect()
}

#[test]
fn default_profile_reproduces_the_original_table() {
    let none = ExceptionSet::default();
    let a = vuln("CVE-A", "a", Severity::Medium, None);
    let b = vuln("CVE-B", "b", Severity::High, None);
    let c = vuln("CVE-C", "c", Severity::Critical, None);
    let low = vuln("CVE-L", "l", Severity::Low, None);

    let fewer = decide(&[a.clone(), b.clone()], &[a.clone()], "default", &none);
    assert_eq!((fewer.decision, rules(&fewer)), (Decision::Allow, vec!["count-decreased"]));

    let more = decide(&[a.clone()], &[a.clone(), b.clone()], "default", &none);
    assert_eq!((more.decision, rules(&more)), (Decision::Block, vec!["count-increased"]));

    let same = decide(&[a.clone()], &[a.clone(), low.clone()], "default", &none);
    assert_eq!(
        (same.decision, rules(&same)),
        (Decision::Review, vec!["count-unchanged"]),
        "LOW does not count"
    );

    let critical = decide(&[a.clone(), b.clone(), c.clone()], &[c.clone()], "default", &none);
    assert_eq!(critical.decision, Decision::Block);
    assert_eq!(
        rules(&critical),
        vec!["critical-present", "count-decreased"],
        "every rule that fired is listed"
    );
}

#[test]
fn strict_closes_the_swap_loophole() {
    let none = ExceptionSet::default();
    let m1 = vuln("CVE-1", "a", Severity::Medium, None);
    let m2 = vuln("CVE-2", "b", Severity::Medium, None);
    let h = vuln("CVE-3", "c", Severity::High, None);
    // Two MEDIUMs fixed, one HIGH added: the default rules call it an improvement.
    let default = decide(&[m1.clone(), m2.clone()], &[h.clone()], "default", &none);
    assert_eq!(default.decision, Decision::Allow);
    let strict = decide(&[m1.clone(), m2.clone()], &[h.clone()], "strict", &none);
    assert_eq!(strict.decision, Decision::Block);
    assert_eq!(rules(&strict), vec!["count-decreased", "new-high-or-critical"]);

    let fixable = vuln("CVE-4", "d", Severity::Medium, Some("1.1"));
    let strict = decide(&[m1.clone(), m2.clone()], &[m1.clone(), fixable], "strict", &none);
    assert_eq!(rules(&strict), vec!["count-unchanged", "new-fixable"]);
}

/// Regression: a new image was "0 → N: the count rises: block".
#[test]
fn a_new_image_is_reviewed_unless_an_absolute_rule_decides() {
    let none = ExceptionSet::default();
    let m = vuln("CVE-1", "a", Severity::Medium, Some("1.1"));
    let h = vuln("CVE-2", "b", Severity::High, None);
    let c = vuln("CVE-3", "c", Severity::Critical, None);
    let first = decide_against(Base::Nothing, &[m.clone(), h.clone()], "default", &none);
    assert_eq!((first.decision, rules(&first)), (Decision::Review, vec!["new-image"]));
    assert_eq!(
        first.reasons[0].message,
        "no baseline yet: a person reviews the first scan (2 MEDIUM+ findings)"
    );
    let critical = decide_against(Base::Nothing, &[m.clone(), c.clone()], "default", &none);
    assert_eq!(
        (critical.decision, rules(&critical)),
        (Decision::Block, vec!["critical-present", "new-image"])
    );
    let strict = decide_against(Base::Nothing, &[m.clone(), h.clone()], "strict", &none);
    assert_eq!(
        (strict.decision, rules(&strict)),
        (Decision::Block, vec!["new-image", "new-high-or-critical", "new-fixable"]),
        "strict means strict"
    );
    let clean = decide_against(Base::Nothing, &[], "default", &none);
    assert_eq!((clean.decision, rules(&clean)), (Decision::Review, vec!["new-image"]));
    let recorded_clean = decide(&[], &[m.clone()], "default", &none);
    assert_eq!(rules(&recorded_clean), vec!["count-increased"], "an empty baseline is still a baseline");
}

/// A vulnerability published since the last recorded scan is in the rescanned base and in the
/// candidate: not a count increase; a CRITICAL among them still blocks, saying where it is.
#[test]
fn drift_of_the_base_is_not_the_candidate_s_doing() {
    let none = ExceptionSet::default();
    let a = vuln("CVE-1", "a", Severity::Medium, None);
    let drift = vuln("CVE-9", "z", Severity::Critical, None);
    let base = [a.clone(), drift.clone()];
    let result = decide_against(
        Base::Rescan { findings: &base, drift: std::slice::from_ref(&drift) },
        &[a.clone(), drift.clone()],
        "default",
        &none,
    );
    assert_eq!(rules(&result), vec!["critical-present", "count-unchanged"]);
    assert_eq!(result.reasons[0].message, "1 CRITICAL finding(s) present: CVE-9 (on the base branch too)");
    assert_eq!((result.baseline_count, result.candidate_count), (2, 2));
    assert_eq!(result.base, hardline_policy::BaseSource::Rescan);
    assert_eq!(result.base_drift, vec![drift]);
    assert!(result.diff.new.is_empty());
}

#[test]
fn exceptions_apply_expire_and_go_stale() {
    let dir = tempfile_dir();
    std::fs::create_dir_all(dir.join("security")).unwrap_or_default();
    std::fs::write(
        dir.join("security/exceptions.toml"),
        r#"
[[exception]]
id = "CVE-C"
images = ["img"]
packages = ["c"]
reason = "not reachable"
vex = "vulnerable_code_not_in_execute_path"
expires = "2026-12-31"

[[exception]]
id = "CVE-B"
reason = "accepted until spring"
expires = "2026-03-31"

[[exception]]
id = "CVE-NOTHING"
images = ["img"]
reason = "matches nothing in this image"
expires = "2027-01-01"

[[exception]]
id = "CVE-ELSEWHERE"
reason = "every image: stale only if no image has it"
expires = "2027-01-01"
"#,
    )
    .unwrap_or_default();
    let set = ExceptionSet::load(&dir).unwrap_or_default();
    assert_eq!(set.exceptions.len(), 4);
    let b = vuln("CVE-B", "b", Severity::High, None);
    let c = vuln("CVE-C", "c", Severity::Critical, None);
    let result = decide(&[b.clone(), c.clone()], &[b.clone(), c.clone()], "default", &set);
    assert_eq!(result.decision, Decision::Review, "the excepted CRITICAL does not block");
    assert_eq!(result.candidate_count, 1, "the expired exception counts again");
    assert_eq!(result.expired_exceptions[0].id, "CVE-B");
    let stale: Vec<&str> = result.stale_exceptions.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(stale, ["CVE-NOTHING"], "an exception for every image is not stale for one image");
    let elsewhere = vuln("CVE-ELSEWHERE", "e", Severity::Low, None);
    let everywhere = |other: &[Finding]| -> Vec<String> {
        set.stale_everywhere(&[(&name("img"), &[b.clone(), c.clone()]), (&name("other"), other)])
            .iter()
            .map(|e| e.id.clone())
            .collect()
    };
    assert_eq!(everywhere(&[]), ["CVE-NOTHING", "CVE-ELSEWHERE"]);
    assert_eq!(everywhere(std::slice::from_ref(&elsewhere)), ["CVE-NOTHING"]);
    assert_eq!(result.suppressed[0].0.id, "CVE-C");
}

#[test]
fn exception_errors_point_at_the_line() {
    let dir = tempfile_dir();
    std::fs::create_dir_all(dir.join("security")).unwrap_or_default();
    std::fs::write(
        dir.join("security/exceptions.toml"),
        "[[exception]]\nid = \"CVE-1\"\nreason = \"r\"\nexpires = \"soon\"\n",
    )
    .unwrap_or_default();
    let error = ExceptionSet::load(&dir).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(error.contains("exceptions.toml:4:"), "{error}");
    assert!(error.contains("must be a date"), "{error}");

    std::fs::write(
        dir.join("security/exceptions.toml"),
        "[[exception]]\nid = \"CVE-1\"\nexpires = \"2026-01-01\"\n",
    )
    .unwrap_or_default();
    let error = ExceptionSet::load(&dir).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(error.contains("reason"), "a missing reason is refused: {error}");

    std::fs::write(
        dir.join("security/exceptions.toml"),
        "[[exception]]\nid = \"CVE-1\"\nreason = \"r\"\nexpires = \"2026-01-01\"\ntypo = 1\n",
    )
    .unwrap_or_default();
    let error = ExceptionSet::load(&dir).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        error.contains(":5:") && error.contains("typo"),
        "unknown keys are refused at their line: {error}"
    );
}

#[test]
fn trivyignore_yaml_is_imported() {
    let dir = tempfile_dir();
    std::fs::write(
        dir.join(".trivyignore.yaml"),
        "vulnerabilities:\n  - id: CVE-B\n    statement: vendor says not affected\n    expired_at: 2027-01-01\nmisconfigurations:\n  - id: AVD-DS-0002\n    paths:\n      - images/x/Dockerfile\n",
    )
    .unwrap_or_default();
    let set = ExceptionSet::load(&dir).unwrap_or_default();
    assert_eq!(set.exceptions.len(), 2);
    assert_eq!(set.exceptions[0].reason, "vendor says not affected");
    assert_eq!(set.exceptions[0].expires, Some(date(2027, 1, 1)));
    let b = vuln("CVE-B", "b", Severity::High, None);
    assert!(set.exceptions[0].matches(&b, &name("any")));
    let mut misconfig = vuln("DS-0002", "x", Severity::High, None);
    misconfig.package = None;
    misconfig.location = Some(hardline_model::Location {
        path: "images/x/Dockerfile".into(),
        start_line: None,
        end_line: None,
    });
    assert!(set.exceptions[1].matches(&misconfig, &name("any")), "AVD- ids match normalised rule ids");
}

#[test]
fn trivyignore_yaml_errors_point_at_the_value_at_fault() {
    let dir = tempfile_dir();
    let load = |text: &str| {
        std::fs::write(dir.join(".trivyignore.yaml"), text).unwrap_or_default();
        ExceptionSet::load(&dir).err().map(|e| e.to_string()).unwrap_or_default()
    };
    // A date that is not one, on the fifth line, its value at column 17.
    let error = load(
        "vulnerabilities:\n  - id: CVE-A\n    expired_at: 2027-01-01\n  - id: CVE-B\n    expired_at: someday\n",
    );
    assert!(error.contains(".trivyignore.yaml:5:17: CVE-B: `expired_at` must be a date"), "{error}");
    // A YAML mistake on the third line.
    let error = load("vulnerabilities:\n  - id: CVE-A\n    paths: [unclosed\n");
    assert!(!error.contains(":1:1:"), "not at 1:1 whatever the mistake: {error}");
    assert!(error.contains(".trivyignore.yaml:3:") || error.contains(".trivyignore.yaml:4:"), "{error}");
    // An entry's source is the line of its id.
    std::fs::write(
        dir.join(".trivyignore.yaml"),
        "vulnerabilities:\n  - id: CVE-A\n  - id: CVE-B\n    statement: CVE-A is not this one\n",
    )
    .unwrap_or_default();
    let set = ExceptionSet::load(&dir).unwrap_or_default();
    let sources: Vec<&str> = set.exceptions.iter().map(|e| e.source.as_str()).collect();
    assert_eq!(sources, [".trivyignore.yaml:2", ".trivyignore.yaml:3"]);
}

fn tempfile_dir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "hardline-policy-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_default();
    dir
}

fn name(image: &str) -> hardline_model::ImageName {
    hardline_model::ImageName::new(image).expect("a valid image name")
}
