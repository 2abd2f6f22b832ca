//! `count-increased`: more MEDIUM+ findings than the baseline blocks (the original pipeline).

use super::{Facts, Rule, rule};

rule! {
    code: "count-increased",
    effect: Block,
    profiles: ["default", "strict"],
    description: "the candidate has more MEDIUM+ findings than the baseline",
    build: |_params| Ok(CountIncreased),
}

struct CountIncreased;

impl Rule for CountIncreased {
    fn evaluate(&self, facts: &Facts<'_>) -> Option<String> {
        if !facts.has_base {
            return None; // 0 → N is a new image, not a regression: `new-image` asks a person
        }
        let (before, after) = (facts.baseline.len(), facts.candidate.len());
        (after > before).then(|| format!("MEDIUM+ findings rise from {before} to {after}"))
    }
}
