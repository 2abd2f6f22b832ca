//! The gate: a candidate scan against the image's baseline.

use hardline_model::{Diff, Finding, ImageName, Severity, diff};
use jiff::civil::Date;
use serde::Serialize;

use crate::THRESHOLD;
use crate::exceptions::{Exception, ExceptionSet};
use crate::rules::Rule;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Allow,
    Review,
    Block,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "allow",
            Decision::Review => "review",
            Decision::Block => "block",
        }
    }
}

/// Which rules run. `Default` is the original pipeline's, exactly; `Strict` adds rules that
/// close its known gaps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    Default,
    Strict,
}

impl Profile {
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Default => "default",
            Profile::Strict => "strict",
        }
    }
}

/// A rule that fired, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub rule: &'static str,
    pub effect: Decision,
    pub message: String,
}

pub struct GateInput<'a> {
    pub image: &'a ImageName,
    pub baseline: &'a [Finding],
    pub candidate: &'a [Finding],
    pub exceptions: &'a ExceptionSet,
    pub today: Date,
    pub profile: Profile,
}

#[derive(Clone, Debug)]
pub struct GateResult {
    pub decision: Decision,
    pub profile: Profile,
    pub reasons: Vec<Reason>,
    /// MEDIUM+ findings after exceptions, each side.
    pub baseline_count: u32,
    pub candidate_count: u32,
    /// Diff of the MEDIUM+ findings that count, baseline → candidate.
    pub diff: Diff,
    /// Candidate findings an active exception suppressed, with the exception's id and reason.
    pub suppressed: Vec<(Finding, Exception)>,
    pub expired_exceptions: Vec<Exception>,
    pub stale_exceptions: Vec<Exception>,
}

/// Decides. Every rule that fires is listed; the decision is the most severe effect among
/// them (block over review over allow).
pub fn gate(input: &GateInput<'_>) -> GateResult {
    let counted = |findings: &'_ [Finding]| -> Vec<Finding> {
        let applied = input.exceptions.apply(findings, input.image, input.today);
        applied.counted.into_iter().filter(|f| f.severity >= THRESHOLD).cloned().collect()
    };
    let before = counted(input.baseline);
    let after = counted(input.candidate);
    let candidate_applied = input.exceptions.apply(input.candidate, input.image, input.today);
    let change = diff(&before, &after);
    let (baseline_count, candidate_count) = (before.len() as u32, after.len() as u32);

    let mut reasons = Vec::new();
    let mut fire = |rule: Rule, message: String| {
        reasons.push(Reason { rule: rule.code(), effect: rule.effect(), message })
    };

    let criticals: Vec<&Finding> = after.iter().filter(|f| f.severity == Severity::Critical).collect();
    if !criticals.is_empty() {
        let ids: Vec<&str> = criticals.iter().take(5).map(|f| f.id.as_str()).collect();
        let more =
            if criticals.len() > 5 { format!(" and {} more", criticals.len() - 5) } else { String::new() };
        fire(
            Rule::CriticalPresent,
            format!("{} CRITICAL finding(s) present: {}{more}", criticals.len(), ids.join(", ")),
        );
    }
    match candidate_count.cmp(&baseline_count) {
        std::cmp::Ordering::Greater => fire(
            Rule::CountIncreased,
            format!("MEDIUM+ findings rise from {baseline_count} to {candidate_count}"),
        ),
        std::cmp::Ordering::Less => fire(
            Rule::CountDecreased,
            format!("MEDIUM+ findings fall from {baseline_count} to {candidate_count}"),
        ),
        std::cmp::Ordering::Equal => fire(
            Rule::CountUnchanged,
            format!("MEDIUM+ findings unchanged at {candidate_count}: a person decides"),
        ),
    }
    if input.profile == Profile::Strict {
        let new_severe: Vec<&Finding> = change.new.iter().filter(|f| f.severity >= Severity::High).collect();
        if !new_severe.is_empty() {
            fire(
                Rule::NewHighOrCritical,
                format!("{} new HIGH/CRITICAL finding(s): {}", new_severe.len(), ids(&new_severe)),
            );
        }
        let new_fixable: Vec<&Finding> = change.new.iter().filter(|f| f.fixable()).collect();
        if !new_fixable.is_empty() {
            fire(
                Rule::NewFixable,
                format!("{} new fixable MEDIUM+ finding(s): {}", new_fixable.len(), ids(&new_fixable)),
            );
        }
    }
    let decision = reasons.iter().map(|r| r.effect).max().unwrap_or(Decision::Review);
    GateResult {
        decision,
        profile: input.profile,
        reasons,
        baseline_count,
        candidate_count,
        diff: change,
        suppressed: candidate_applied.suppressed.iter().map(|(f, e)| ((*f).clone(), (*e).clone())).collect(),
        expired_exceptions: candidate_applied.expired.into_iter().cloned().collect(),
        stale_exceptions: candidate_applied.stale.into_iter().cloned().collect(),
    }
}

fn ids(findings: &[&Finding]) -> String {
    let mut list: Vec<String> = findings
        .iter()
        .take(5)
        .map(|f| match f.package_name() {
            Some(p) => format!("{} in {p}", f.id),
            None => f.id.clone(),
        })
        .collect();
    if findings.len() > 5 {
        list.push(format!("and {} more", findings.len() - 5));
    }
    list.join(", ")
}
