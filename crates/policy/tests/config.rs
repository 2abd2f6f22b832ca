//! `[gate.rules.<code>]` in hardline.toml: rules switched on and off on top of a profile, their
//! parameters, and mistakes reported at their place in the file.

use hardline_model::{Finding, ImageName, Severity};
use hardline_policy::{Base, ConfigError, ExceptionSet, Gate, GateInput, ProfileInfo, RawGateConfig};
use jiff::civil::date;

#[derive(serde::Deserialize)]
struct File {
    #[serde(default)]
    gate: RawGateConfig,
}

fn gate(profile: &str, toml_text: &str) -> Result<Gate, (usize, String)> {
    let file: File = toml::from_str(toml_text).expect("well-formed TOML");
    let profile = ProfileInfo::find(profile).expect("a built-in profile");
    Gate::configure(profile, &file.gate)
        .map_err(|ConfigError { span, message }| (toml_text[..span.start].matches('\n').count() + 1, message))
}

fn codes(gate: &Gate) -> Vec<&'static str> {
    gate.rules().map(|r| r.code).collect()
}

fn vuln(id: &str, severity: Severity, fixed: bool) -> Finding {
    let mut finding = Finding::debian_vulnerability(id, &format!("pkg-{id}"), "1", severity);
    if let Some(package) = finding.package.as_mut() {
        package.fixed_version = fixed.then(|| "2".to_owned());
    }
    finding
}

#[test]
fn rules_are_switched_on_and_off_on_top_of_the_profile() {
    let configured = gate(
        "default",
        "[gate.rules.new-fixable]\nenabled = true\n\n[gate.rules.count-unchanged]\nenabled = false\n",
    )
    .expect("valid");
    assert_eq!(
        codes(&configured),
        ["critical-present", "count-increased", "count-decreased", "new-image", "new-fixable"]
    );
    assert_eq!(configured.profile_name().as_str(), "default");
    let strict = gate("strict", "[gate.rules.new-high-or-critical]\nenabled = false\n").expect("valid");
    assert!(!codes(&strict).contains(&"new-high-or-critical"));
    assert!(codes(&strict).contains(&"new-fixable"));
}

#[test]
fn a_parameter_changes_what_a_rule_fires_on() {
    let image = ImageName::new("img").expect("a name");
    let none = ExceptionSet::default();
    let baseline = [vuln("CVE-1", Severity::Medium, false), vuln("CVE-2", Severity::Medium, false)];
    let candidate = [vuln("CVE-3", Severity::Medium, true)];
    let input = GateInput {
        image: &image,
        base: Base::Ledger(&baseline),
        candidate: &candidate,
        exceptions: &none,
        today: date(2026, 6, 1),
        context: hardline_policy::Context::none(),
    };

    let strict = gate("strict", "").expect("valid").decide(&input);
    let fired: Vec<&str> = strict.reasons.iter().map(|r| r.rule.code).collect();
    assert_eq!(fired, ["count-decreased", "new-fixable"]);
    assert_eq!(strict.reasons[1].message, "1 new fixable MEDIUM+ finding(s): CVE-3 in pkg-CVE-3");

    let high_only = gate("strict", "[gate.rules.new-fixable]\nmin_severity = \"high\"\n").expect("valid");
    let fired: Vec<&str> = high_only.decide(&input).reasons.iter().map(|r| r.rule.code).collect();
    assert_eq!(fired, ["count-decreased"], "a MEDIUM no longer blocks");
}

#[test]
fn mistakes_point_at_their_line() {
    let (line, message) =
        gate("default", "\n[gate.rules.no-such-rule]\nenabled = true\n").expect_err("unknown rule");
    assert_eq!(line, 2);
    assert!(
        message.starts_with("no gate rule is called `no-such-rule`; the rules are `critical-present`"),
        "{message}"
    );

    let (line, message) = gate("default", "[gate.rules.new-fixable]\nenabled = true\nthreshold = 3\n")
        .expect_err("unknown parameter");
    assert_eq!(line, 3);
    assert_eq!(
        message,
        "gate rule `new-fixable` has no parameter `threshold`; it takes `enabled`, `min_severity`"
    );

    let (line, message) =
        gate("default", "[gate.rules.count-unchanged]\n\nenabled = \"no\"\n").expect_err("not a bool");
    assert_eq!((line, message.as_str()), (3, "gate rule `count-unchanged`: `enabled` must be true or false"));

    let (line, message) = gate("strict", "[gate.rules.new-fixable]\nmin_severity = \"low\"\n")
        .expect_err("below the threshold");
    assert_eq!(line, 2);
    assert!(message.contains("must be medium, high or critical"), "{message}");

    let (line, _) = gate("strict", "[gate.rules.new-fixable]\nmin_severity = 7\n").expect_err("not a word");
    assert_eq!(line, 2);

    let (line, message) = gate("default", "[gate.rules.critical-present]\nenabled = true\nlevel = 1\n")
        .expect_err("takes nothing");
    assert_eq!(
        (line, message.as_str()),
        (3, "gate rule `critical-present` has no parameter `level`; it takes `enabled`")
    );
}
