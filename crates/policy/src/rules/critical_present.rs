//! `critical-present`: any CRITICAL finding in the candidate blocks, whatever else improved.

use hardline_model::{Finding, Severity};

use super::{Facts, Rule, rule};

rule! {
    code: "critical-present",
    effect: Block,
    profiles: ["default", "strict"],
    description: "a CRITICAL finding is present in the candidate",
    build: |_params| Ok(CriticalPresent),
}

struct CriticalPresent;

impl Rule for CriticalPresent {
    fn evaluate(&self, facts: &Facts<'_>) -> Option<String> {
        let criticals: Vec<&Finding> =
            facts.candidate.iter().copied().filter(|f| f.severity == Severity::Critical).collect();
        if criticals.is_empty() {
            return None;
        }
        let ids: Vec<String> = criticals
            .iter()
            .take(5)
            .map(|f| {
                if facts.is_base_drift(f) {
                    format!("{} (on the base branch too)", f.id)
                } else {
                    f.id.clone()
                }
            })
            .collect();
        let more =
            if criticals.len() > 5 { format!(" and {} more", criticals.len() - 5) } else { String::new() };
        Some(format!("{} CRITICAL finding(s) present: {}{more}", criticals.len(), ids.join(", ")))
    }
}
