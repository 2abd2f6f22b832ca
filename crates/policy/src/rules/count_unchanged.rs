//! `count-unchanged`: as many MEDIUM+ findings as the baseline asks a person (the original
//! pipeline).

use super::{Facts, Rule, rule};

rule! {
    code: "count-unchanged",
    effect: Review,
    profiles: ["default", "strict"],
    description: "the candidate has as many MEDIUM+ findings as the baseline",
    build: |_params| Ok(CountUnchanged),
}

struct CountUnchanged;

impl Rule for CountUnchanged {
    fn evaluate(&self, facts: &Facts<'_>) -> Option<String> {
        if !facts.has_base {
            return None; // 0 → N is a new image, not a regression: `new-image` asks a person
        }
        let (before, after) = (facts.baseline.len(), facts.candidate.len());
        (after == before).then(|| format!("MEDIUM+ findings unchanged at {after}: a person decides"))
    }
}
