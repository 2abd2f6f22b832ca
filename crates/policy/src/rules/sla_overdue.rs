//! `sla-overdue` (strict): a finding of the candidate that has been open past its SLA asks a
//! person. When it was first seen comes from the image's log; a finding the baseline does not
//! have is first seen today. A finding in CISA's KEV catalog (when one is given) is due as a
//! CRITICAL (see [`crate::sla`]).
//!
//! Parameter: `min_severity` (default `low`), the least severe overdue finding that counts.

use hardline_model::{Finding, Severity};
use jiff::civil::Date;

use super::{Facts, Rule, list_with, rule};
use crate::config::{ConfigError, Params};
use crate::sla::days_between;

rule! {
    code: "sla-overdue",
    effect: Review,
    profiles: ["strict"],
    needs: [FirstSeen],
    description: "a finding of the candidate has been open longer than its SLA allows",
    build: SlaOverdue::from_params,
}

struct SlaOverdue {
    min_severity: Severity,
}

impl SlaOverdue {
    fn from_params(params: &mut Params<'_>) -> Result<SlaOverdue, ConfigError> {
        Ok(SlaOverdue { min_severity: params.severity("min_severity")?.unwrap_or(Severity::Low) })
    }
}

/// An overdue finding: when it was first seen, when it was due, and whether KEV made it due.
struct Overdue<'a> {
    finding: &'a Finding,
    first_seen: Date,
    due: Date,
    kev: bool,
}

impl Rule for SlaOverdue {
    fn evaluate(&self, facts: &Facts<'_>) -> Option<String> {
        let first_seen = facts.first_seen?;
        let overdue: Vec<Overdue<'_>> = facts
            .candidate_all
            .iter()
            .filter(|f| f.severity >= self.min_severity)
            .filter_map(|finding| {
                let seen = first_seen.get(&finding.fingerprint)?.date();
                let listed = facts.feeds.kev_entry(finding).map(|e| e.date_added);
                let due = facts.sla.due(seen, finding.severity, listed)?;
                let own = facts.sla.due(seen, finding.severity, None);
                (facts.today > due).then_some(Overdue {
                    finding,
                    first_seen: seen,
                    due,
                    kev: own != Some(due),
                })
            })
            .collect();
        if overdue.is_empty() {
            return None;
        }
        let findings: Vec<&Finding> = overdue.iter().map(|o| o.finding).collect();
        let detail = |finding: &Finding| {
            overdue.iter().find(|o| std::ptr::eq(o.finding, finding)).map_or_else(String::new, |o| {
                format!(
                    " ({}{}, first seen {}, due {}, {} days overdue)",
                    o.finding.severity,
                    if o.kev { ", due as a CRITICAL: in KEV" } else { "" },
                    o.first_seen,
                    o.due,
                    days_between(o.due, facts.today)
                )
            })
        };
        let kev_note = match (&facts.feeds.kev, overdue.iter().any(|o| o.kev)) {
            (Some(kev), true) => format!(" (KEV dates from the {})", kev.info().citation()),
            _ => String::new(),
        };
        Some(format!(
            "{} finding(s) open past their SLA{kev_note}: {}",
            overdue.len(),
            list_with(&findings, detail)
        ))
    }
}
