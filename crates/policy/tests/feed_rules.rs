//! The rules that read beyond both sides of the gate: `kev-present` (CISA's real catalog when it
//! is beside the repository), `epss-above` and `sla-overdue`. Each fires naming the finding and
//! the feed's date, is not run (and says so) without its input, and is switched by profile
//! and `hardline.toml`.

use std::path::Path;

use hardline_feeds::{Epss, Feeds, Kev};
use hardline_model::{Finding, ImageName, Severity, Timestamp};
use hardline_policy::{
    Base, Context, Decision, ExceptionSet, FirstSeen, Gate, GateInput, GateResult, Input, ProfileInfo,
    RawGateConfig, Sla,
};
use jiff::civil::date;

fn vuln(id: &str, package: &str, severity: Severity) -> Finding {
    Finding { title: format!("{id} title"), ..Finding::debian_vulnerability(id, package, "1.0", severity) }
}

/// CISA's catalog from `../shared/feeds`, or a small one of its shape.
fn kev() -> Kev {
    let real = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/feeds/known_exploited_vulnerabilities.json");
    Kev::load(&real).unwrap_or_else(|_| {
        let small = br#"{"catalogVersion": "2025.08.25", "dateReleased": "2025-08-25T17:04:19.9796Z",
            "vulnerabilities": [{"cveID": "CVE-2023-4911", "vendorProject": "GNU", "product": "GNU C Library",
            "vulnerabilityName": "Looney Tunables", "dateAdded": "2023-11-21", "dueDate": "2023-12-12",
            "knownRansomwareCampaignUse": "Unknown"}]}"#;
        Kev::parse(small, Path::new("kev.json")).expect("a catalog")
    })
}

fn epss() -> Epss {
    let text = "#model_version:v2025.03.14,score_date:2025-08-25T00:00:00Z\ncve,epss,percentile\n\
                CVE-2023-4911,0.84,0.99\nCVE-2026-0001,0.02,0.5\n";
    Epss::parse(text.as_bytes(), Path::new("epss.csv")).expect("scores")
}

#[derive(serde::Deserialize)]
struct File {
    #[serde(default)]
    gate: RawGateConfig,
}

fn configure(profile: &str, toml: &str) -> Result<Gate, String> {
    let file: File = toml::from_str(toml).expect("well-formed TOML");
    Gate::configure(ProfileInfo::find(profile).expect("a profile"), &file.gate).map_err(|e| e.message)
}

fn gate(profile: &str, toml: &str) -> Gate {
    configure(profile, toml).expect("valid")
}

fn decide(gate: &Gate, baseline: &[Finding], candidate: &[Finding], context: Context<'_>) -> GateResult {
    decide_with(gate, baseline, candidate, context, &ExceptionSet::default())
}

fn decide_with(
    gate: &Gate,
    baseline: &[Finding],
    candidate: &[Finding],
    context: Context<'_>,
    exceptions: &ExceptionSet,
) -> GateResult {
    gate.decide(&GateInput {
        image: &ImageName::new("img").expect("a name"),
        base: Base::Ledger(baseline),
        candidate,
        exceptions,
        today: date(2026, 6, 1),
        context,
    })
}

fn reason<'a>(result: &'a GateResult, code: &str) -> Option<&'a str> {
    result.reasons.iter().find(|r| r.rule.code == code).map(|r| r.message.as_str())
}

#[test]
fn a_kev_finding_blocks_under_strict_whatever_its_severity() {
    let feeds = Feeds { kev: Some(kev()), epss: None };
    let context = Context { feeds: &feeds, ..Context::none() };
    let medium = vuln("CVE-2026-0001", "zlib1g", Severity::Medium);
    // Debian rates it LOW: exploitation in the wild does not wait for a distribution's rating.
    let exploited = vuln("CVE-2023-4911", "libc6", Severity::Low);
    let candidate = [medium.clone(), exploited];
    let strict = decide(&gate("strict", ""), std::slice::from_ref(&medium), &candidate, context);
    assert_eq!(strict.decision, Decision::Block);
    assert_eq!(
        reason(&strict, "kev-present"),
        Some(
            "1 finding(s) known to be exploited in the wild (CISA KEV catalog 2025.08.25, released 2025-08-25): \
             CVE-2023-4911 in libc6 (LOW, listed 2023-11-21)"
        )
    );
    // The default profile is the original pipeline's: unchanged MEDIUM+ count, a person decides.
    let default = decide(&gate("default", ""), std::slice::from_ref(&medium), &candidate, context);
    assert_eq!((default.decision, reason(&default, "kev-present")), (Decision::Review, None));
    let switched = gate("default", "[gate.rules.kev-present]\nenabled = true\n");
    assert_eq!(
        decide(&switched, std::slice::from_ref(&medium), &candidate, context).decision,
        Decision::Block
    );
    // An accepted risk is accepted: the exception applies before the rules.
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("security")).expect("mkdir");
    std::fs::write(
        dir.path().join("security/exceptions.toml"),
        "[[exception]]\nid = \"CVE-2023-4911\"\nreason = \"no setuid binaries\"\nexpires = \"2026-12-31\"\n",
    )
    .expect("write");
    let exceptions = ExceptionSet::load(dir.path()).expect("exceptions");
    let accepted =
        decide_with(&gate("strict", ""), std::slice::from_ref(&medium), &candidate, context, &exceptions);
    assert_eq!(reason(&accepted, "kev-present"), None);
}

#[test]
fn without_a_catalog_the_rule_is_reported_unchecked_not_silently_passed() {
    let strict =
        decide(&gate("strict", ""), &[], &[vuln("CVE-2023-4911", "libc6", Severity::High)], Context::none());
    let unchecked: Vec<(&str, Input)> = strict.unchecked.iter().map(|u| (u.rule.code, u.missing)).collect();
    assert_eq!(unchecked, [("kev-present", Input::Kev), ("sla-overdue", Input::FirstSeen)]);
    assert!(Input::Kev.missing().contains("--kev FILE"));
    assert!(!gate("default", "").needs(Input::Kev), "the default profile reads no feed");
    assert!(gate("strict", "").needs(Input::Kev) && gate("strict", "").needs(Input::FirstSeen));
}

#[test]
fn epss_above_is_opt_in_and_names_the_score_and_the_feed() {
    let feeds = Feeds { kev: None, epss: Some(epss()) };
    let context = Context { feeds: &feeds, ..Context::none() };
    let candidate =
        [vuln("CVE-2023-4911", "libc6", Severity::Low), vuln("CVE-2026-0001", "zlib1g", Severity::Medium)];
    let strict = decide(&gate("strict", ""), &[], &candidate, context);
    assert_eq!(reason(&strict, "epss-above"), None, "in no profile");
    let on = gate("default", "[gate.rules.epss-above]\nenabled = true\nthreshold = 0.5\n");
    let result = decide(&on, &candidate, &candidate, context);
    assert_eq!(result.decision, Decision::Block);
    assert_eq!(
        reason(&result, "epss-above"),
        Some(
            "1 finding(s) with an EPSS probability of 50.0% or more (FIRST EPSS scores of 2025-08-25, model \
             v2025.03.14): CVE-2023-4911 in libc6 (84.0%, percentile 99)"
        )
    );
    let default_threshold = gate("default", "[gate.rules.epss-above]\nenabled = true\n");
    assert!(
        reason(&decide(&default_threshold, &[], &candidate, context), "epss-above")
            .is_some_and(|m| m.contains("10.0% or more"))
    );
    let none = decide(
        &gate("default", "[gate.rules.epss-above]\nenabled = true\n"),
        &[],
        &candidate,
        Context::none(),
    );
    assert_eq!(none.unchecked.iter().map(|u| u.missing).collect::<Vec<_>>(), [Input::Epss]);
    let error = configure("default", "[gate.rules.epss-above]\nthreshold = 5\n").err();
    assert_eq!(
        error.as_deref(),
        Some("gate rule `epss-above`: `threshold` must be a probability above 0 and at most 1, such as 0.1")
    );
}

#[test]
fn sla_overdue_asks_a_person_and_a_kev_listing_shortens_the_deadline() {
    let high = vuln("CVE-2026-1000", "openssl", Severity::High);
    let fresh = vuln("CVE-2026-1001", "tar", Severity::High);
    let listed = vuln("CVE-2023-4911", "libc6", Severity::Low);
    let at = |text: &str| Timestamp::parse(text).expect("a time");
    let first_seen: FirstSeen = [
        (high.fingerprint.clone(), at("2026-04-01T04:00:00Z")),
        (fresh.fingerprint.clone(), at("2026-05-20T04:00:00Z")),
        (listed.fingerprint.clone(), at("2026-05-01T04:00:00Z")),
    ]
    .into_iter()
    .collect();
    let baseline = [high.clone(), fresh.clone(), listed.clone()];
    let without_kev = Context { first_seen: Some(&first_seen), ..Context::none() };
    let result = decide(&gate("strict", ""), &baseline, &baseline, without_kev);
    assert_eq!(result.decision, Decision::Review);
    assert_eq!(
        reason(&result, "sla-overdue"),
        Some(
            "1 finding(s) open past their SLA: CVE-2026-1000 in openssl (HIGH, first seen 2026-04-01, due 2026-05-01, 31 days overdue)"
        )
    );
    let feeds = Feeds { kev: Some(kev()), epss: None };
    let with_kev = Context { feeds: &feeds, first_seen: Some(&first_seen), sla: Sla::default() };
    let result = decide(&gate("strict", ""), &baseline, &baseline, with_kev);
    let message = reason(&result, "sla-overdue").unwrap_or_default();
    assert!(
        message.starts_with(
            "2 finding(s) open past their SLA (KEV dates from the CISA KEV catalog 2025.08.25): "
        ),
        "{message}"
    );
    assert!(message.contains("CVE-2023-4911 in libc6 (LOW, due as a CRITICAL: in KEV, first seen 2026-05-01, due 2026-05-08, 24 days overdue)"), "{message}");
    // Tighter SLAs from hardline.toml.
    let tight =
        Context { first_seen: Some(&first_seen), sla: Sla { high: 7, ..Sla::default() }, ..Context::none() };
    let result = decide(&gate("strict", ""), &baseline, &baseline, tight);
    assert!(reason(&result, "sla-overdue").is_some_and(|m| m.starts_with("2 finding(s)")));
    let only_critical = gate("strict", "[gate.rules.sla-overdue]\nmin_severity = \"critical\"\n");
    assert_eq!(reason(&decide(&only_critical, &baseline, &baseline, tight), "sla-overdue"), None);
}
