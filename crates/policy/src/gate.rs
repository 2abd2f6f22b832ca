//! The gate: a candidate scan against the image's baseline, through the rules of a profile.

use hardline_feeds::Feeds;
use hardline_model::{Diff, Finding, ImageName, diff};
use jiff::civil::Date;

use crate::Decision;
use crate::config::{ConfigError, Params, RawGateConfig};
use crate::exceptions::{Exception, ExceptionSet};
use crate::open::open_findings;
use crate::profile::{ProfileInfo, ProfileName};
use crate::rules::{Facts, FirstSeen, Input, RULES, Rule, RuleMeta};
use crate::sla::Sla;

/// The gate as configured for a run: a profile's rules, changed by `[gate.rules]`, in registry
/// order.
pub struct Gate {
    profile: ProfileName,
    rules: Vec<(&'static RuleMeta, Box<dyn Rule>)>,
}

impl std::fmt::Debug for Gate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let codes: Vec<&str> = self.rules.iter().map(|(meta, _)| meta.code).collect();
        f.debug_struct("Gate").field("profile", &self.profile).field("rules", &codes).finish()
    }
}

/// A rule that fired, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    pub rule: &'static RuleMeta,
    pub effect: Decision,
    pub message: String,
}

pub struct GateInput<'a> {
    pub image: &'a ImageName,
    /// What the candidate is compared with.
    pub base: Base<'a>,
    pub candidate: &'a [Finding],
    pub exceptions: &'a ExceptionSet,
    pub today: Date,
    pub context: Context<'a>,
}

/// What the gate knows beyond both sides: the threat feeds, when the baseline's findings were
/// first seen, and the SLAs. Rules that need a missing part are not run (see [`Unchecked`]).
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    pub feeds: &'a Feeds,
    pub first_seen: Option<&'a FirstSeen>,
    pub sla: Sla,
}

static NO_FEEDS: Feeds = Feeds { kev: None, epss: None };

impl Context<'static> {
    /// No feed, no log, the default SLAs: what the original rules need.
    pub fn none() -> Context<'static> {
        Context { feeds: &NO_FEEDS, first_seen: None, sla: Sla::default() }
    }
}

/// A rule of the gate that did not run because an input it needs was missing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unchecked {
    pub rule: &'static RuleMeta,
    pub missing: Input,
}

/// What a candidate is compared with.
#[derive(Clone, Copy, Debug)]
pub enum Base<'a> {
    /// Nothing is recorded for the image (a new image): the count rules do not apply, and the
    /// `new-image` rule asks a person instead.
    Nothing,
    /// The ledger's baseline view: the image as its last recorded scan saw it.
    Ledger(&'a [Finding]),
    /// The rescan of the base branch's SBOM with the candidate's scanner database, with the
    /// findings of it the last recorded scan did not have (see [`crate::base::rescanned`]).
    Rescan { findings: &'a [Finding], drift: &'a [Finding] },
}

/// Where the comparison base came from, as reports name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BaseSource {
    Nothing,
    Ledger,
    Rescan,
}

impl Base<'_> {
    pub fn source(&self) -> BaseSource {
        match self {
            Base::Nothing => BaseSource::Nothing,
            Base::Ledger(_) => BaseSource::Ledger,
            Base::Rescan { .. } => BaseSource::Rescan,
        }
    }

    fn findings(&self) -> &[Finding] {
        match self {
            Base::Nothing => &[],
            Base::Ledger(findings) | Base::Rescan { findings, .. } => findings,
        }
    }

    fn drift(&self) -> &[Finding] {
        match self {
            Base::Rescan { drift, .. } => drift,
            Base::Nothing | Base::Ledger(_) => &[],
        }
    }
}

#[derive(Clone, Debug)]
pub struct GateResult {
    pub decision: Decision,
    pub profile: ProfileName,
    pub reasons: Vec<Reason>,
    /// What the candidate was compared with.
    pub base: BaseSource,
    /// Findings of the rescanned base that the last recorded scan did not have (a scanner
    /// database newer than that scan): on the base branch too, not caused by the candidate.
    /// All severities, before exceptions, in report order; empty unless the base is a rescan.
    pub base_drift: Vec<Finding>,
    /// MEDIUM+ findings after exceptions, each side.
    pub baseline_count: u32,
    pub candidate_count: u32,
    /// Diff of the MEDIUM+ findings that count, baseline → candidate.
    pub diff: Diff,
    /// Candidate findings an active exception suppressed, with the exception.
    pub suppressed: Vec<(Finding, Exception)>,
    pub expired_exceptions: Vec<Exception>,
    pub stale_exceptions: Vec<Exception>,
    /// Rules that were on but could not run, for want of an input.
    pub unchecked: Vec<Unchecked>,
}

impl Gate {
    /// A built-in profile's rules with their default parameters (every rule builds with its
    /// defaults: `rules::tests::every_rule_builds_with_its_defaults`).
    pub fn profile(profile: &ProfileInfo) -> Result<Gate, ConfigError> {
        Gate::configure(profile, &RawGateConfig::default())
    }

    /// A profile's rules, each switched on or off and given its parameters by `config`.
    pub fn configure(profile: &ProfileInfo, config: &RawGateConfig) -> Result<Gate, ConfigError> {
        for (code, table) in &config.rules {
            if RuleMeta::find(code.get_ref()).is_none() {
                let known: Vec<String> = RULES.iter().map(|r| format!("`{}`", r.code)).collect();
                return Err(ConfigError {
                    span: code.span().start.min(table.span().start)..code.span().end,
                    message: format!(
                        "no gate rule is called `{}`; the rules are {}",
                        code.get_ref(),
                        known.join(", ")
                    ),
                });
            }
        }
        let in_profile = profile.rules();
        let mut rules = Vec::new();
        for meta in RULES.iter().copied() {
            let table = config.rules.iter().find(|(code, _)| code.get_ref() == meta.code).map(|(_, t)| t);
            let enabled = match table.and_then(|t| t.get_ref().iter().find(|(k, _)| k.get_ref() == "enabled"))
            {
                Some((_, value)) => value.get_ref().as_bool().ok_or_else(|| ConfigError {
                    span: value.span(),
                    message: format!("gate rule `{}`: `enabled` must be true or false", meta.code),
                })?,
                None => in_profile.contains(&meta),
            };
            let mut params = match table {
                Some(table) => Params::of(meta.code, table),
                None => Params::none(meta.code),
            };
            // Built even when off, so that a mistake in its table is reported either way.
            let rule = (meta.build)(&mut params)?;
            params.finish()?;
            if enabled {
                rules.push((meta, rule));
            }
        }
        Ok(Gate { profile: profile.profile_name(), rules })
    }

    pub fn profile_name(&self) -> &ProfileName {
        &self.profile
    }

    /// The rules that run, in order.
    pub fn rules(&self) -> impl Iterator<Item = &'static RuleMeta> + '_ {
        self.rules.iter().map(|(meta, _)| *meta)
    }

    /// Whether a rule that runs needs `input`: the caller reads a feed or the log only then.
    pub fn needs(&self, input: Input) -> bool {
        self.rules().any(|meta| meta.needs.contains(&input))
    }

    /// Decides. Both sides are counted the same way ([`open_findings`]); every rule that fires
    /// is listed, and the decision is the most severe effect among them (block over review over
    /// allow); review when none fires.
    pub fn decide(&self, input: &GateInput<'_>) -> GateResult {
        let before = open_findings(input.base.findings(), input.image, input.exceptions, input.today);
        let after = open_findings(input.candidate, input.image, input.exceptions, input.today);
        let change = diff(before.iter().copied(), after.iter().copied());
        let candidate_applied = input.exceptions.apply(input.candidate, input.image, input.today);
        let facts = Facts {
            image: input.image,
            baseline: &before,
            candidate: &after,
            diff: &change,
            has_base: !matches!(input.base, Base::Nothing),
            base_drift: input.base.drift(),
            today: input.today,
            candidate_all: &candidate_applied.counted,
            feeds: input.context.feeds,
            first_seen: input.context.first_seen,
            sla: input.context.sla,
        };
        let mut reasons = Vec::new();
        let mut unchecked = Vec::new();
        for (meta, rule) in &self.rules {
            if let Some(missing) = meta.needs.iter().copied().find(|input| !input.available(&facts)) {
                unchecked.push(Unchecked { rule: meta, missing });
                continue;
            }
            if let Some(message) = rule.evaluate(&facts) {
                reasons.push(Reason { rule: meta, effect: meta.effect, message });
            }
        }
        let decision = reasons.iter().map(|r| r.effect).max().unwrap_or(Decision::Review);
        GateResult {
            decision,
            profile: self.profile.clone(),
            reasons,
            base: input.base.source(),
            base_drift: input.base.drift().to_vec(),
            baseline_count: before.len() as u32,
            candidate_count: after.len() as u32,
            suppressed: candidate_applied
                .suppressed
                .iter()
                .map(|(f, e)| ((*f).clone(), (*e).clone()))
                .collect(),
            expired_exceptions: candidate_applied.expired.into_iter().cloned().collect(),
            stale_exceptions: candidate_applied.stale.into_iter().cloned().collect(),
            diff: change,
            unchecked,
        }
    }
}
