//! `new-image`: an image with nothing recorded yet has no baseline to compare with, so the
//! count rules stay silent (0 → N is not a regression) and a person reviews its first scan.
//! Absolute rules (`critical-present`, and the strict profile's rules) still decide.

use super::{Facts, Rule, rule};

rule! {
    code: "new-image",
    effect: Review,
    profiles: ["default", "strict"],
    description: "no baseline yet: a person reviews the image's first scan",
    build: |_params| Ok(NewImage),
}

struct NewImage;

impl Rule for NewImage {
    fn evaluate(&self, facts: &Facts<'_>) -> Option<String> {
        (!facts.has_base).then(|| {
            format!(
                "no baseline yet: a person reviews the first scan ({} MEDIUM+ findings)",
                facts.candidate.len()
            )
        })
    }
}
