//! Former identities: the fingerprints a finding was known by before this scan.
//!
//! A finding's fingerprint is a compatibility promise, but two things legitimately give a
//! problem a new one: hardline's identity rule for a kind of input improves (SARIF results
//! without the tool's own fingerprints were once keyed by their message and are now keyed by
//! the flagged line), or a second scanner's reading of the same problem is merged into one
//! finding (hadolint's DL3007 into Trivy's DS-0001). The ingest that knows this says so: each
//! finding of a [`crate::Scan`] may name the fingerprints it carries on.
//!
//! Whoever compares the scan with an older state then treats a state finding that the scan no
//! longer holds, but one of its findings names as a former identity, as *the same finding
//! under a new identity* — never as "fixed" plus "new". The ledger records that as a
//! re-identification ([`crate::Diff::reidentified`]); the gate and `diff` re-key the older
//! side first ([`FormerIdentities::carry_over`]), so a change of identity rule neither blocks
//! a pull request nor hides one.

use std::collections::{BTreeMap, BTreeSet};

use crate::{Finding, Fingerprint};

/// For each current fingerprint, the fingerprints the same finding had before.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FormerIdentities(BTreeMap<Fingerprint, BTreeSet<Fingerprint>>);

impl FormerIdentities {
    /// Records that the finding now called `current` was called `former`. A fingerprint is
    /// never its own former identity.
    pub fn add(&mut self, current: &Fingerprint, former: Fingerprint) {
        if *current != former {
            self.0.entry(current.clone()).or_default().insert(former);
        }
    }

    /// Adds every pair of `other`.
    pub fn extend(&mut self, other: FormerIdentities) {
        for (current, formers) in other.0 {
            for former in formers {
                self.add(&current, former);
            }
        }
    }

    /// The former identities of `current`.
    pub fn of<'a>(&'a self, current: &Fingerprint) -> impl Iterator<Item = &'a Fingerprint> + 'a {
        self.0.get(current).into_iter().flatten()
    }

    /// Moves the former identities of `absorbed` (and `absorbed` itself) onto `into`: the
    /// finding `absorbed` was merged into the finding `into`.
    pub fn absorb(&mut self, into: &Fingerprint, absorbed: &Fingerprint) {
        let formers = self.0.remove(absorbed).unwrap_or_default();
        self.add(into, absorbed.clone());
        for former in formers {
            self.add(into, former);
        }
    }

    /// Forgets the identities of findings that are no longer in `findings`.
    pub fn retain_present(&mut self, findings: &[Finding]) {
        let present: BTreeSet<&Fingerprint> = findings.iter().map(|f| &f.fingerprint).collect();
        self.0.retain(|current, _| present.contains(current));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Which candidate findings carry on each former identity that `is_older` holds and the
    /// candidate itself no longer does: former fingerprint → indices into `candidate`.
    pub fn claims(
        &self,
        candidate: &[Finding],
        is_older: impl Fn(&Fingerprint) -> bool,
    ) -> BTreeMap<Fingerprint, Vec<usize>> {
        let mut claims: BTreeMap<Fingerprint, Vec<usize>> = BTreeMap::new();
        if self.0.is_empty() {
            return claims;
        }
        let current: BTreeSet<&Fingerprint> = candidate.iter().map(|f| &f.fingerprint).collect();
        for (index, finding) in candidate.iter().enumerate() {
            for former in self.of(&finding.fingerprint) {
                if !current.contains(former) && is_older(former) {
                    claims.entry(former.clone()).or_default().push(index);
                }
            }
        }
        claims
    }

    /// `older` (a baseline) with every finding that a `candidate` finding carries on re-keyed
    /// to that finding's fingerprint, so that comparing the two by fingerprint sees the same
    /// finding on both sides. A former finding carried on by several (a result once merged by
    /// its message, now one finding per line) becomes several; two carried into one (two
    /// scanners' readings) become one, the more severe. The older reading (severity, fix) is
    /// kept: a real change still shows as one.
    pub fn carry_over(&self, older: &[Finding], candidate: &[Finding]) -> Vec<Finding> {
        let in_older: BTreeSet<&Fingerprint> = older.iter().map(|f| &f.fingerprint).collect();
        let claims = self.claims(candidate, |f| in_older.contains(f));
        if claims.is_empty() {
            return older.to_vec();
        }
        let mut out: BTreeMap<Fingerprint, Finding> = BTreeMap::new();
        let mut keep = |finding: Finding| match out.get_mut(&finding.fingerprint) {
            Some(existing) if existing.severity >= finding.severity => {}
            Some(existing) => *existing = finding,
            None => {
                out.insert(finding.fingerprint.clone(), finding);
            }
        };
        for finding in older {
            match claims.get(&finding.fingerprint) {
                Some(claimants) => {
                    for &index in claimants {
                        keep(Finding {
                            fingerprint: candidate[index].fingerprint.clone(),
                            ..finding.clone()
                        });
                    }
                }
                None => keep(finding.clone()),
            }
        }
        let mut findings: Vec<Finding> = out.into_values().collect();
        findings.sort_by(Finding::report_order);
        findings
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Severity;

    fn finding(id: &str, severity: Severity) -> Finding {
        Finding::debian_vulnerability(id, "p", "1", severity)
    }

    #[test]
    fn carry_over_splits_one_former_and_joins_two() {
        let legacy = finding("LEGACY", Severity::Medium);
        let (a, b) = (finding("A", Severity::Medium), finding("B", Severity::Medium));
        let mut former = FormerIdentities::default();
        former.add(&a.fingerprint, legacy.fingerprint.clone());
        former.add(&b.fingerprint, legacy.fingerprint.clone());
        let carried = former.carry_over(std::slice::from_ref(&legacy), &[a.clone(), b.clone()]);
        let keys: BTreeSet<&Fingerprint> = carried.iter().map(|f| &f.fingerprint).collect();
        assert_eq!(keys, BTreeSet::from([&a.fingerprint, &b.fingerprint]), "one former, two findings now");

        let (hadolint, trivy) = (finding("DL", Severity::Low), finding("DS", Severity::High));
        let mut former = FormerIdentities::default();
        former.add(&trivy.fingerprint, hadolint.fingerprint.clone());
        let carried = former.carry_over(&[hadolint, trivy.clone()], std::slice::from_ref(&trivy));
        assert_eq!(carried.len(), 1, "two readings, one finding");
        assert_eq!(carried[0].severity, Severity::High, "the more severe reading");
    }

    #[test]
    fn a_former_identity_still_present_claims_nothing() {
        let (a, b) = (finding("A", Severity::Medium), finding("B", Severity::Medium));
        let mut former = FormerIdentities::default();
        former.add(&a.fingerprint, b.fingerprint.clone());
        assert!(former.claims(&[a.clone(), b.clone()], |_| true).is_empty());
        assert_eq!(former.carry_over(std::slice::from_ref(&b), &[a, b.clone()]), vec![b]);
    }
}
