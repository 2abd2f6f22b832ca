//! The gate's rules, one module each, in one ordered registry.
//!
//! A rule is a [`Rule`] (how it evaluates the facts of a gate) and a [`RuleMeta`] (its stable
//! code, its effect, what it means, the built-in profiles it belongs to, and how it is built
//! from its `[gate.rules.<code>]` parameters), declared together with the [`rule!`] macro.
//! [`RULES`] lists every rule once, in the order reasons are reported. Adding a rule is a module
//! in this folder and one line in [`RULES`]; see ARCHITECTURE.md, "Extending hardline".

mod count_decreased;
mod count_increased;
mod count_unchanged;
mod critical_present;
mod epss_above;
mod kev_present;
mod new_fixable;
mod new_high_or_critical;
mod new_image;
mod sla_overdue;

use std::fmt;

use std::collections::BTreeMap;

use hardline_feeds::Feeds;
use hardline_model::{Diff, Finding, Fingerprint, ImageName, Timestamp};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::Decision;
use crate::config::{ConfigError, Params};
use crate::sla::Sla;

/// Every rule, in the order the gate evaluates them and lists the ones that fired.
pub static RULES: &[&RuleMeta] = &[
    &critical_present::META,
    &count_increased::META,
    &count_decreased::META,
    &count_unchanged::META,
    &new_image::META,
    &new_high_or_critical::META,
    &new_fixable::META,
    &kev_present::META,
    &epss_above::META,
    &sla_overdue::META,
];

/// When each finding of an image was first seen (the scan that brought it, or brought it back),
/// by fingerprint: from the image's log (`hardline_ledger::Lifecycle`).
pub type FirstSeen = BTreeMap<Fingerprint, Timestamp>;

/// What a rule sees of a gate: both sides counted the gate's way (MEDIUM+ findings after
/// exceptions, see [`crate::open_findings`]), the diff between them, and what the gate was
/// given beyond them (feeds, the log's first-seen times, the SLAs). A rule that reads an input
/// that may be missing names it in its `needs`: the gate does not run it without that input
/// and reports it as not checked.
pub struct Facts<'a> {
    pub image: &'a ImageName,
    /// The baseline's findings that count.
    pub baseline: &'a [&'a Finding],
    /// The candidate's findings that count.
    pub candidate: &'a [&'a Finding],
    /// Baseline → candidate, over the findings that count.
    pub diff: &'a Diff,
    /// Whether there is anything to compare with: false for an image with nothing recorded
    /// (and no rescan of a base), whose baseline is empty because it is new, not because it
    /// is clean.
    pub has_base: bool,
    /// Findings of a rescanned base that its last recorded scan did not have: on the base
    /// branch too (see [`crate::Base::Rescan`]); empty otherwise.
    pub base_drift: &'a [Finding],
    pub today: Date,
    /// The candidate's findings after exceptions, of every severity: exploitation does not wait
    /// for a distribution's severity rating.
    pub candidate_all: &'a [&'a Finding],
    /// The threat feeds (`needs: [Kev]`, `needs: [Epss]`).
    pub feeds: &'a Feeds,
    /// When the baseline's findings were first seen (`needs: [FirstSeen]`); a finding not in it
    /// is first seen today.
    pub first_seen: Option<&'a FirstSeen>,
    pub sla: Sla,
}

/// An input a rule needs beyond both sides of the gate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    /// CISA's KEV catalog.
    Kev,
    /// FIRST's EPSS scores.
    Epss,
    /// The image's log, for when findings were first seen.
    FirstSeen,
}

impl Input {
    /// The input's name in JSON (`kev`, `epss`, `first_seen`).
    pub fn as_str(self) -> &'static str {
        match self {
            Input::Kev => "kev",
            Input::Epss => "epss",
            Input::FirstSeen => "first_seen",
        }
    }

    /// What is missing and how to give it, for people.
    pub fn missing(self) -> &'static str {
        match self {
            Input::Kev => {
                "no KEV catalog was given (--kev FILE, [feeds] kev in hardline.toml, or `hardline feeds update`)"
            }
            Input::Epss => {
                "no EPSS scores were given (--epss FILE, [feeds] epss in hardline.toml, or `hardline feeds update`)"
            }
            Input::FirstSeen => "the image's log was not read, so first-seen dates are unknown",
        }
    }

    /// Whether `facts` has this input.
    pub fn available(self, facts: &Facts<'_>) -> bool {
        match self {
            Input::Kev => facts.feeds.kev.is_some(),
            Input::Epss => facts.feeds.epss.is_some(),
            Input::FirstSeen => facts.first_seen.is_some(),
        }
    }
}

impl Facts<'_> {
    /// Whether `finding` is on the base branch too, found by a rescan with a newer database.
    pub fn is_base_drift(&self, finding: &Finding) -> bool {
        self.base_drift.iter().any(|d| d.fingerprint == finding.fingerprint)
    }
}

/// One rule of the gate, built from its parameters.
pub trait Rule: Send + Sync {
    /// Fires with a message that says why (naming findings, counts, thresholds), or stays
    /// silent.
    fn evaluate(&self, facts: &Facts<'_>) -> Option<String>;
}

/// What never changes about a rule. Declared with [`rule!`].
pub struct RuleMeta {
    /// Stable, kebab-case: part of the JSON output and of the audit log. Never rename one; add
    /// a new rule instead.
    pub code: &'static str,
    /// What firing it decides.
    pub effect: Decision,
    pub description: &'static str,
    /// The built-in profiles it is on in (`default`, `strict`); empty for an opt-in rule that
    /// only `hardline.toml` turns on.
    pub profiles: &'static [&'static str],
    /// Inputs it cannot evaluate without (a feed, the log); none for most rules.
    pub needs: &'static [Input],
    /// Builds the rule from its `[gate.rules.<code>]` parameters (none given: the defaults).
    pub(crate) build: fn(&mut Params<'_>) -> Result<Box<dyn Rule>, ConfigError>,
}

impl RuleMeta {
    /// The registered rule with this code.
    pub fn find(code: &str) -> Option<&'static RuleMeta> {
        RULES.iter().copied().find(|rule| rule.code == code)
    }

    pub fn code(&self) -> RuleCode {
        RuleCode(self.code.to_owned())
    }
}

impl fmt::Debug for RuleMeta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RuleMeta({})", self.code)
    }
}

impl PartialEq for RuleMeta {
    fn eq(&self, other: &Self) -> bool {
        self.code == other.code
    }
}

impl Eq for RuleMeta {}

/// A rule's code as the audit log keeps it: kebab-case, checked when read back. A code that
/// no rule of this release has (a rule retired later) still reads.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RuleCode(String);

/// Text that cannot be a rule code.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid rule code {0:?}: use lower-case letters, digits and '-'")]
pub struct InvalidRuleCode(pub String);

impl RuleCode {
    pub fn new(code: impl Into<String>) -> Result<RuleCode, InvalidRuleCode> {
        let code = code.into();
        let valid = !code.is_empty()
            && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !code.starts_with('-');
        if valid { Ok(RuleCode(code)) } else { Err(InvalidRuleCode(code)) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for RuleCode {
    type Error = InvalidRuleCode;

    fn try_from(code: String) -> Result<Self, Self::Error> {
        RuleCode::new(code)
    }
}

impl From<RuleCode> for String {
    fn from(code: RuleCode) -> String {
        code.0
    }
}

impl fmt::Display for RuleCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Declares a rule's [`RuleMeta`] as `pub(crate) static META` in its module:
///
/// ```ignore
/// rule! {
///     code: "critical-present",
///     effect: Block,
///     profiles: ["default", "strict"],
///     description: "a CRITICAL finding is present in the candidate",
///     build: |_params| Ok(CriticalPresent),
/// }
/// ```
///
/// `build` turns the rule's `[gate.rules.<code>]` parameters into the rule (see
/// [`Params`]); a rule without parameters ignores them, and any parameter it did not read is
/// reported as unknown. A rule that needs an input the gate may lack adds `needs: [Kev]`
/// (see [`Input`]) after `profiles`.
macro_rules! rule {
    (
        code: $code:literal,
        effect: $effect:ident,
        profiles: [$($profile:literal),* $(,)?],
        $(needs: [$($input:ident),* $(,)?],)?
        description: $description:literal,
        build: $build:expr $(,)?
    ) => {
        pub(crate) static META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
            code: $code,
            effect: $crate::Decision::$effect,
            description: $description,
            profiles: &[$($profile),*],
            needs: &[$($($crate::rules::Input::$input),*)?],
            build: |params| {
                let rule = ($build)(params)?;
                Ok(::std::boxed::Box::new(rule))
            },
        };
    };
}
pub(crate) use rule;

/// `CVE-1 in libc6, CVE-2 in zlib1g, and 3 more`: the findings a reason names, at most five.
pub(crate) fn list(findings: &[&Finding]) -> String {
    list_with(findings, |_| String::new())
}

/// [`list`] with `detail` of each finding after its name: `CVE-1 in libc6 (listed 2024-04-01)`.
pub(crate) fn list_with(findings: &[&Finding], detail: impl Fn(&Finding) -> String) -> String {
    let mut list: Vec<String> = findings
        .iter()
        .take(5)
        .map(|f| match f.package_name() {
            Some(p) => format!("{} in {p}{}", f.id, detail(f)),
            None => format!("{}{}", f.id, detail(f)),
        })
        .collect();
    if findings.len() > 5 {
        list.push(format!("and {} more", findings.len() - 5));
    }
    list.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::PROFILES;

    /// Codes are the rules' identity in JSON and in every audit log.
    #[test]
    fn codes_are_unique_and_kebab_case() {
        let codes: std::collections::BTreeSet<_> = RULES.iter().map(|r| r.code).collect();
        assert_eq!(codes.len(), RULES.len(), "a code is used twice");
        for rule in RULES {
            assert!(RuleCode::new(rule.code).is_ok(), "{}", rule.code);
            assert!(!rule.description.is_empty(), "{}", rule.code);
        }
    }

    #[test]
    fn every_profile_a_rule_names_exists() {
        for rule in RULES {
            for profile in rule.profiles {
                assert!(
                    PROFILES.iter().any(|p| p.name == *profile),
                    "{}: unknown profile {profile}",
                    rule.code
                );
            }
        }
    }

    #[test]
    fn every_rule_builds_with_its_defaults() {
        for rule in RULES {
            let mut params = Params::none(rule.code);
            assert!((rule.build)(&mut params).is_ok(), "{}", rule.code);
        }
    }

    #[test]
    fn a_code_read_back_is_checked() {
        assert!(serde_json::from_str::<RuleCode>("\"count-increased\"").is_ok());
        assert!(serde_json::from_str::<RuleCode>("\"Count Increased\"").is_err());
    }
}
