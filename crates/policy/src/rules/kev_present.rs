//! `kev-present` (strict; switchable in default): a finding of the candidate that CISA lists as
//! exploited in the wild blocks, whatever its severity. The catalog is a feed: without one the
//! rule is reported as not checked.

use hardline_feeds::KevEntry;
use hardline_model::Finding;

use super::{Facts, Rule, list_with, rule};

rule! {
    code: "kev-present",
    effect: Block,
    profiles: ["strict"],
    needs: [Kev],
    description: "a finding of the candidate is in CISA's catalog of known exploited vulnerabilities (KEV)",
    build: |_params| Ok(KevPresent),
}

struct KevPresent;

impl Rule for KevPresent {
    fn evaluate(&self, facts: &Facts<'_>) -> Option<String> {
        let kev = facts.feeds.kev.as_ref()?;
        let listed: Vec<(&Finding, &KevEntry)> =
            facts.candidate_all.iter().filter_map(|f| kev.find(f).map(|entry| (*f, entry))).collect();
        if listed.is_empty() {
            return None;
        }
        let findings: Vec<&Finding> = listed.iter().map(|(f, _)| *f).collect();
        let detail = |finding: &Finding| {
            let entry = listed.iter().find(|(f, _)| std::ptr::eq(*f, finding)).map(|(_, e)| *e);
            entry.map_or_else(String::new, |e| {
                let ransomware = if e.ransomware { ", used in ransomware campaigns" } else { "" };
                format!(" ({}, listed {}{ransomware})", finding.severity, e.date_added)
            })
        };
        let info = kev.info();
        Some(format!(
            "{} finding(s) known to be exploited in the wild ({}, released {}): {}",
            listed.len(),
            info.citation(),
            info.day(),
            list_with(&findings, detail)
        ))
    }
}
