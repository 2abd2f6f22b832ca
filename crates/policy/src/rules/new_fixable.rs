//! `new-fixable` (strict): a new finding that already has a fix blocks: the update should take
//! the fix too.
//!
//! Parameter: `min_severity` (default `medium`), the least severe new fixable finding that
//! blocks, e.g. `[gate.rules.new-fixable] min_severity = "high"`.

use hardline_model::{Finding, Severity};

use super::{Facts, Rule, list, rule};
use crate::config::{ConfigError, Params};

rule! {
    code: "new-fixable",
    effect: Block,
    profiles: ["strict"],
    description: "strict: the candidate introduces a MEDIUM+ finding that has a fix",
    build: NewFixable::from_params,
}

struct NewFixable {
    min_severity: Severity,
}

impl NewFixable {
    fn from_params(params: &mut Params<'_>) -> Result<NewFixable, ConfigError> {
        let min_severity = params.severity("min_severity")?.unwrap_or(Severity::Medium);
        if min_severity < crate::THRESHOLD {
            return Err(params
                .invalid("min_severity", "must be medium, high or critical: only MEDIUM+ findings count"));
        }
        Ok(NewFixable { min_severity })
    }
}

impl Rule for NewFixable {
    fn evaluate(&self, facts: &Facts<'_>) -> Option<String> {
        let new: Vec<&Finding> =
            facts.diff.new.iter().filter(|f| f.fixable() && f.severity >= self.min_severity).collect();
        (!new.is_empty()).then(|| {
            format!("{} new fixable {}+ finding(s): {}", new.len(), self.min_severity.label(), list(&new))
        })
    }
}
