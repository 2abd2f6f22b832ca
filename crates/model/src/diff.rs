use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Finding, Fingerprint, FormerIdentities};

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
    /// Findings of the baseline that the candidate carries on under another fingerprint (see
    /// [`FormerIdentities`]): `before` as the baseline held it, `after` the candidate's finding,
    /// `fields` what moved materially. Neither fixed nor new. One `before` may appear in
    /// several entries (one finding became several) and one `after` too (two became one).
    /// Absent from every log written before identities could change, so old events keep
    /// their bytes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reidentified: Vec<Change>,
    /// Findings present and identical on both sides; not serialised (it is the bulk).
    #[serde(skip)]
    pub unchanged: usize,
}

impl Diff {
    /// Whether the candidate differs from the baseline in any way at all.
    pub fn is_empty(&self) -> bool {
        self.new.is_empty()
            && self.fixed.is_empty()
            && self.changed.is_empty()
            && self.refreshed.is_empty()
            && self.reidentified.is_empty()
    }

    /// Applies this diff to `state`, which must be the baseline it was computed from.
    pub fn apply(&self, state: &mut BTreeMap<Fingerprint, Finding>) {
        for finding in self.fixed.iter().chain(self.reidentified.iter().map(|c| &c.before)) {
            state.remove(&finding.fingerprint);
        }
        let kept = self.new.iter().chain(&self.refreshed).chain(self.changed.iter().map(|c| &c.after));
        for finding in kept.chain(self.reidentified.iter().map(|c| &c.after)) {
            state.insert(finding.fingerprint.clone(), finding.clone());
        }
    }

    /// The re-identifications of this diff as former identities (current → former).
    pub fn former_identities(&self) -> FormerIdentities {
        let mut former = FormerIdentities::default();
        for change in &self.reidentified {
            former.add(&change.after.fingerprint, change.before.fingerprint.clone());
        }
        former
    }

    /// Undoes this diff on the state it produced: the state before it, by identity and by
    /// every material field (severity, versions). A refreshed finding keeps its newer reading
    /// (title, CVSS, status, URL), because a diff does not record the older one.
    pub fn unapply(&self, state: &mut BTreeMap<Fingerprint, Finding>) {
        for finding in self.new.iter().chain(self.reidentified.iter().map(|c| &c.after)) {
            state.remove(&finding.fingerprint);
        }
        let before = self.changed.iter().chain(&self.reidentified).map(|c| &c.before);
        for finding in self.fixed.iter().chain(before) {
            state.insert(finding.fingerprint.clone(), finding.clone());
        }
    }
}

impl Diff {
    /// [`diff`] of a state already keyed by fingerprint (the ledger's) against a candidate,
    /// without building a second map of the state. A state finding the candidate carries on
    /// under another fingerprint (`former`) is [`Diff::reidentified`], not fixed.
    pub fn against(
        state: &BTreeMap<Fingerprint, Finding>,
        candidate: &[Finding],
        former: &FormerIdentities,
    ) -> Diff {
        let in_candidate: std::collections::HashSet<&Fingerprint> =
            candidate.iter().map(|f| &f.fingerprint).collect();
        let claims = former.claims(candidate, |f| state.contains_key(f));
        let claimed: std::collections::HashSet<usize> = claims.values().flatten().copied().collect();
        let mut out = Diff::default();
        for (index, new) in candidate.iter().enumerate() {
            match state.get(&new.fingerprint) {
                None if claimed.contains(&index) => {}
                old => classify(&mut out, old, new),
            }
        }
        for (fingerprint, claimants) in &claims {
            let before = &state[fingerprint];
            for &index in claimants {
                let after = &candidate[index];
                let fields = material_changes(before, after);
                out.reidentified.push(Change { before: before.clone(), after: after.clone(), fields });
            }
        }
        out.fixed = state
            .values()
            .filter(|f| !in_candidate.contains(&f.fingerprint) && !claims.contains_key(&f.fingerprint))
            .cloned()
            .collect();
        out.sort();
        out
    }

    fn sort(&mut self) {
        self.new.sort_by(Finding::report_order);
        self.fixed.sort_by(Finding::report_order);
        self.refreshed.sort_by(Finding::report_order);
        self.changed.sort_by(|a, b| Finding::report_order(&a.after, &b.after));
        self.reidentified.sort_by(|a, b| {
            Finding::report_order(&a.after, &b.after)
                .then_with(|| a.before.fingerprint.cmp(&b.before.fingerprint))
        });
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
        assert_eq!(Diff::against(&keyed, &new, &FormerIdentities::default()), d, "the keyed variant agrees");
    }

    /// A finding the candidate carries on under a new fingerprint is neither fixed nor new,
    /// and folding the diff leaves the state holding exactly the candidate.
    #[test]
    fn a_former_identity_is_reidentified_not_fixed_plus_new() {
        let legacy = vuln("LEGACY", "1", Severity::Medium);
        let (a, b) = (vuln("A", "1", Severity::Medium), vuln("B", "1", Severity::High));
        let gone = vuln("GONE", "1", Severity::Low);
        let mut former = FormerIdentities::default();
        former.add(&a.fingerprint, legacy.fingerprint.clone());
        former.add(&b.fingerprint, legacy.fingerprint.clone());
        let mut state: BTreeMap<_, _> =
            [&legacy, &gone].iter().map(|f| (f.fingerprint.clone(), (*f).clone())).collect();
        let candidate = [a.clone(), b.clone()];
        let d = Diff::against(&state, &candidate, &former);
        assert!(d.new.is_empty(), "{:?}", d.new);
        assert_eq!(d.fixed, vec![gone], "only the finding really gone is fixed");
        assert_eq!(d.reidentified.len(), 2);
        assert!(d.reidentified.iter().all(|c| c.before == legacy));
        assert_eq!(d.reidentified[0].after, b, "report order: the HIGH first");
        assert_eq!(d.reidentified[0].fields, vec![ChangedField::Severity]);
        assert_eq!(d.former_identities().of(&a.fingerprint).collect::<Vec<_>>(), vec![&legacy.fingerprint]);
        d.apply(&mut state);
        let mut expected = candidate.to_vec();
        expected.sort_by(|x, y| x.fingerprint.cmp(&y.fingerprint));
        assert_eq!(state.into_values().collect::<Vec<_>>(), expected);
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
        // A finding that carries on under two new identities, too.
        let legacy = vuln("LEGACY", "1", Severity::Medium);
        let (a, b) = (vuln("A", "1", Severity::Medium), vuln("B", "1", Severity::High));
        let mut former = FormerIdentities::default();
        former.add(&a.fingerprint, legacy.fingerprint.clone());
        former.add(&b.fingerprint, legacy.fingerprint.clone());
        let old: Vec<Finding> = old.into_iter().chain([legacy]).collect();
        let new: Vec<Finding> = new.into_iter().chain([a, b]).collect();
        let before: BTreeMap<_, _> = old.iter().map(|f| (f.fingerprint.clone(), f.clone())).collect();
        let d = Diff::against(&before, &new, &former);
        assert_eq!(
            (d.new.len(), d.fixed.len(), d.changed.len(), d.refreshed.len(), d.reidentified.len()),
            (1, 1, 1, 1, 2)
        );
        let mut state = before.clone();
        d.apply(&mut state);
        d.unapply(&mut state);
        let mut expected = before;
        expected.insert(retitled.fingerprint.clone(), retitled);
        assert_eq!(state, expected);
    }
}
