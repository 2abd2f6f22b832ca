//! `new-high-or-critical` (strict): a new HIGH or CRITICAL blocks even when the count falls,
//! closing the default rules' swap loophole (fix two MEDIUMs, add one HIGH).

use hardline_model::{Finding, Severity};

use super::{Facts, Rule, list, rule};

rule! {
    code: "new-high-or-critical",
    effect: Block,
    profiles: ["strict"],
    description: "strict: the candidate introduces a HIGH or CRITICAL finding",
    build: |_params| Ok(NewHighOrCritical),
}

struct NewHighOrCritical;

impl Rule for NewHighOrCritical {
    fn evaluate(&self, facts: &Facts<'_>) -> Option<String> {
        let new: Vec<&Finding> = facts.diff.new.iter().filter(|f| f.severity >= Severity::High).collect();
        (!new.is_empty()).then(|| format!("{} new HIGH/CRITICAL finding(s): {}", new.len(), list(&new)))
    }
}
