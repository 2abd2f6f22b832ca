use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Finding, Fingerprint};

/// A finding whose identity stayed but whose reading moved between two scans.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub before: Finding,
    pub after: Finding,
    /// Which material fields moved, in this order.
    pub fields: Vec<ChangedField>,
}

/// A material field of a finding that people must see move. The names are the log's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangedField {
    Severity,
    FixedVersion,
    InstalledVersion,
}

impl ChangedField {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangedField::Severity => "severity",
            ChangedField::FixedVersion => "fixed_version",
            ChangedField::InstalledVersion => "installed_version",
        }
    }

    /// `severity, fixed_version`: how a list of them reads.
    pub fn join(fields: &[ChangedField]) -> String {
        fields.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(", ")
    }
}

impl std::fmt::Display for ChangedField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `diff(baseline, candidate)`, matched by fingerprint.
///
/// `changed` holds material changes (severity, fixed version, installed version) that people
/// must see; `refreshed` holds findings whose other attributes moved (title, CVSS, status,
/// URL), kept so that folding diffs reproduces the candidate exactly.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Diff {
    pub new: Vec<Finding>,
    pub fixed: Vec<Finding>,
    pub changed: Vec<Change>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refreshed: Vec<Finding>,
    /// Findings present and identical on both sides; not serialised (it is the bulk).
    #[serde(skip)]
    pub unchanged: usize,
}

impl Diff {
    /// Whether the candidate differs from the baseline in any way at all.
    pub fn is_empty(&self) -> bool {
        self.new.is_empty() && self.fixed.is_empty() && self.changed.is_empty() && self.refreshed.is_empty()
    }

    /// Applies this diff to `state`, which must be the baseline it was computed from.
    pub fn apply(&self, state: &mut BTreeMap<Fingerprint, Finding>) {
        for finding in &self.fixed {
            state.remove(&finding.fingerprint);
        }
        for finding in self.new.iter().chain(&self.refreshed).chain(self.changed.iter().map(|c| &c.after)) {
            state.insert(finding.fingerprint.clone(), finding.clone());
        }
    }

    /// Undoes this diff on the state it produced: the state before it, by identity and by
    /// every material field (severity, versions). A refreshed finding keeps its newer reading
    /// (title, CVSS, status, URL), because a diff does not record the older one.
    pub fn unapply(&self, state: &mut BTreeMap<Fingerprint, Finding>) {
        for finding in &self.new {
            state.remove(&finding.fingerprint);
        }
        for finding in self.fixed.iter().chain(self.changed.iter().map(|c| &c.before)) {
            state.insert(finding.fingerprint.clone(), finding.clone());
        }
    }
}

impl Diff {
    /// [`diff`] of a state already keyed by fingerprint (the ledger's) against a candidate,
    /// without building a second map of the state.
    pub fn against(state: &BTreeMap<Fingerprint, Finding>, candidate: &[Finding]) -> Diff {
        let in_candidate: std::collections::HashSet<&Fingerprint> =
            candidate.iter().map(|f| &f.fingerprint).collect();
        let mut out = Diff::default();
        for new in candidate {
            classify(&mut out, state.get(&new.fingerprint), new);
        }
        out.fixed = state.values().filter(|f| !in_candidate.contains(&f.fingerprint)).cloned().collect();
        out.sort();
        out
    }

    fn sort(&mut self) {
        self.new.sort_by(Finding::report_order);
        self.fixed.sort_by(Finding::report_order);
        self.refreshed.sort_by(Finding::report_order);
        self.changed.sort_by(|a, b| Finding::report_order(&a.after, &b.after));
    }
}

/// Files `new` (with its baseline reading `old`, if any) under new, unchanged, refreshed or
/// changed.
fn classify(out: &mut Diff, old: Option<&Finding>, new: &Finding) {
    match old {
        None => out.new.push(new.clone()),
        Some(old) if old == new => out.unchanged += 1,
        Some(old) => {
            let fields = material_changes(old, new);
            if fields.is_empty() {
                out.refreshed.push(new.clone());
            } else {
                out.changed.push(Change { before: old.clone(), after: new.clone(), fields });
            }
        }
    }
}

/// Compares two sets of findings by identity. Both inputs may be in any order; every list in
/// the result is in report order.
pub fn diff<'a>(
    baseline: impl IntoIterator<Item = &'a Finding>,
    candidate: impl IntoIterator<Item = &'a Finding>,
) -> Diff {
    let before: BTreeMap<&Fingerprint, &Finding> =
        baseline.into_iter().map(|f| (&f.fingerprint, f)).collect();
    let after: BTreeMap<&Fingerprint, &Finding> =
        candidate.into_iter().map(|f| (&f.fingerprint, f)).collect();
    let mut out = Diff::default();
    for (fingerprint, new) in &after {
        classify(&mut out, before.get(fingerprint).copied(), new);
    }
    for (fingerprint, old) in &before {
        if !after.contains_key(fingerprint) {
            out.fixed.push((*old).clone());
        }
    }
    out.sort();
    out
}

fn material_changes(old: &Finding, new: &Finding) -> Vec<ChangedField> {
    let mut fields = Vec::new();
    if old.severity != new.severity {
        fields.push(ChangedField::Severity);
    }
    let fixed = |f: &Finding| f.package.as_ref().and_then(|p| p.fixed_version.as_deref()).map(str::to_owned);
    if fixed(old) != fixed(new) {
        fields.push(ChangedField::FixedVersion);
    }
    let installed = |f: &Finding| f.package.as_ref().map(|p| p.version.as_str()).map(str::to_owned);
    if installed(old) != installed(new) {
        fields.push(ChangedField::InstalledVersion);
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Severity;

    fn vuln(id: &str, version: &str, severity: Severity) -> Finding {
        Finding { title: "t".into(), ..Finding::debian_vulnerability(id, "libc6", version, severity) }
    }

    #[test]
    fn a_version_bump_that_keeps_the_cve_is_a_change_not_fixed_plus_new() {
        let d = diff(&[vuln("CVE-1", "2.41-1", Severity::High)], &[vuln("CVE-1", "2.41-2", Severity::High)]);
        assert!(d.new.is_empty() && d.fixed.is_empty());
        assert_eq!(d.changed[0].fields, vec![ChangedField::InstalledVersion]);
    }

    #[test]
    fn new_fixed_unchanged_refreshed() {
        let mut retitled = vuln("CVE-3", "1", Severity::Low);
        retitled.title = "better title".into();
        let old = [
            vuln("CVE-1", "1", Severity::High),
            vuln("CVE-2", "1", Severity::Low),
            vuln("CVE-3", "1", Severity::Low),
        ];
        let new = [vuln("CVE-2", "1", Severity::Low), retitled.clone(), vuln("CVE-4", "1", Severity::Medium)];
        let d = diff(&old, &new);
        assert_eq!(d.new[0].id, "CVE-4");
        assert_eq!(d.fixed[0].id, "CVE-1");
        assert_eq!(d.unchanged, 1);
        assert_eq!(d.refreshed, vec![retitled]);
        let mut state: BTreeMap<_, _> = old.iter().map(|f| (f.fingerprint.clone(), f.clone())).collect();
        d.apply(&mut state);
        let folded: Vec<Finding> = state.into_values().collect();
        let mut expected = new.to_vec();
        expected.sort_by(|a, b| a.fingerprint.cmp(&b.fingerprint));
        assert_eq!(folded, expected, "folding the diff reproduces the candidate");
        let keyed: BTreeMap<_, _> = old.iter().map(|f| (f.fingerprint.clone(), f.clone())).collect();
        assert_eq!(Diff::against(&keyed, &new), d, "the keyed variant agrees");
    }

    #[test]
    fn unapplying_a_diff_restores_the_state_before_it_but_a_refreshed_reading() {
        let mut retitled = vuln("CVE-3", "1", Severity::Low);
        retitled.title = "better title".into();
        let old = [
            vuln("CVE-1", "1", Severity::High),
            vuln("CVE-2", "1", Severity::Low),
            vuln("CVE-3", "1", Severity::Low),
            vuln("CVE-5", "1", Severity::Medium),
        ];
        let new = [
            vuln("CVE-2", "1", Severity::Low),
            retitled.clone(),
            vuln("CVE-4", "1", Severity::Medium),
            vuln("CVE-5", "2", Severity::High),
        ];
        let d = diff(&old, &new);
        assert_eq!((d.new.len(), d.fixed.len(), d.changed.len(), d.refreshed.len()), (1, 1, 1, 1));
        let before: BTreeMap<_, _> = old.iter().map(|f| (f.fingerprint.clone(), f.clone())).collect();
        let mut state = before.clone();
        d.apply(&mut state);
        d.unapply(&mut state);
        let mut expected = before;
        expected.insert(retitled.fingerprint.clone(), retitled);
        assert_eq!(state, expected);
    }
}
