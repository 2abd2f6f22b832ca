//! `epss-above` (opt-in): a finding of the candidate whose EPSS probability of exploitation in
//! the next 30 days is at or above a threshold blocks, whatever its severity.
//!
//! Parameter: `threshold` (default 0.1, i.e. 10%), a probability in (0, 1], e.g.
//! `[gate.rules.epss-above] enabled = true` and `threshold = 0.5`.

use hardline_feeds::EpssScore;
use hardline_model::Finding;

use super::{Facts, Rule, list_with, rule};
use crate::config::{ConfigError, Params};

rule! {
    code: "epss-above",
    effect: Block,
    profiles: [],
    needs: [Epss],
    description: "a finding of the candidate has an EPSS probability of exploitation at or above `threshold` (default 0.1)",
    build: EpssAbove::from_params,
}

struct EpssAbove {
    threshold: f64,
}

impl EpssAbove {
    fn from_params(params: &mut Params<'_>) -> Result<EpssAbove, ConfigError> {
        let threshold = params.number("threshold")?.unwrap_or(0.1);
        if !(threshold > 0.0 && threshold <= 1.0) {
            return Err(
                params.invalid("threshold", "must be a probability above 0 and at most 1, such as 0.1")
            );
        }
        Ok(EpssAbove { threshold })
    }
}

impl Rule for EpssAbove {
    fn evaluate(&self, facts: &Facts<'_>) -> Option<String> {
        let epss = facts.feeds.epss.as_ref()?;
        let mut scored: Vec<(&Finding, EpssScore)> = facts
            .candidate_all
            .iter()
            .filter_map(|f| epss.find(f).map(|score| (*f, score)))
            .filter(|(_, score)| score.probability >= self.threshold)
            .collect();
        if scored.is_empty() {
            return None;
        }
        scored.sort_by(|a, b| b.1.probability.total_cmp(&a.1.probability).then_with(|| a.0.id.cmp(&b.0.id)));
        let findings: Vec<&Finding> = scored.iter().map(|(f, _)| *f).collect();
        let detail = |finding: &Finding| {
            scored.iter().find(|(f, _)| std::ptr::eq(*f, finding)).map_or_else(String::new, |(_, s)| {
                format!(" ({}, percentile {:.0})", s.percent(), s.percentile * 100.0)
            })
        };
        Some(format!(
            "{} finding(s) with an EPSS probability of {:.1}% or more ({}, model {}): {}",
            scored.len(),
            self.threshold * 100.0,
            epss.info().citation(),
            epss.model_version,
            list_with(&findings, detail)
        ))
    }
}
