//! `count-decreased`: fewer MEDIUM+ findings than the baseline allows (the original pipeline;
//! an allowed dependency update is auto-merged).

use super::{Facts, Rule, rule};

rule! {
    code: "count-decreased",
    effect: Allow,
    profiles: ["default", "strict"],
    description: "the candidate has fewer MEDIUM+ findings than the baseline",
    build: |_params| Ok(CountDecreased),
}

struct CountDecreased;

impl Rule for CountDecreased {
    fn evaluate(&self, facts: &Facts<'_>) -> Option<String> {
        if !facts.has_base {
            return None; // 0 → N is a new image, not a regression: `new-image` asks a person
        }
        let (before, after) = (facts.baseline.len(), facts.candidate.len());
        (after < before).then(|| format!("MEDIUM+ findings fall from {before} to {after}"))
    }
}
