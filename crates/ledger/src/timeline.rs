//! Earlier states of an image, reached from its head by undoing the scans after them, newest
//! first: what the weekly commands need of the past (last week, the weeks of a trend, the last
//! issue sync) costs the events since then, not the history.
//!
//! Undoing a scan restores every finding it fixed or changed as it was before (a diff records
//! both readings), so the findings, their severities and versions are exact; a finding whose
//! title, CVSS or status the scan refreshed keeps its newer reading, which a diff does not
//! record. Seen-times are the head's only: a rewound state has none.

use std::collections::BTreeMap;

use hardline_model::{Finding, Fingerprint, FormerIdentities, ImageName};

use crate::LedgerError;
use crate::current::Current;
use crate::event::{Event, EventBody, EventKind};
use crate::layout::Layout;
use crate::log::Tail;

/// Open findings by fingerprint.
pub type Findings = BTreeMap<Fingerprint, Finding>;

/// The findings open at a point of an image's log, moving back from its head.
pub struct Rewind {
    tail: Tail,
    findings: BTreeMap<Fingerprint, Finding>,
    /// The event read back last and not undone: the first event the findings include.
    held: Option<Event>,
    /// The re-identifications of the scans undone: what a comparison of the findings here
    /// with those at the head carries over (a finding under a new identity is the same).
    former: FormerIdentities,
    /// The times of the scans undone, newest first.
    undone_scans: Vec<jiff::Timestamp>,
    /// Whether the findings are those right after the held event, a scan that
    /// [`Rewind::previous_scan`] gave: the next call undoes it first.
    at_scan: bool,
}

impl Rewind {
    /// Starts at `current`, the state at the head of `image`'s log.
    pub fn new(layout: &Layout, image: &ImageName, current: &Current) -> Result<Rewind, LedgerError> {
        let path = layout.log(image);
        let mut tail = Tail::open(&path, image)?;
        let held = tail.next_event()?;
        let expected = current.head.as_ref().map(|h| h.hash.as_str());
        if held.as_ref().map(|e| e.hash.as_str()) != expected {
            return Err(LedgerError::Inconsistent {
                image: image.clone(),
                detail: "the log's last line is not the head its state was read at".to_owned(),
            });
        }
        Ok(Rewind {
            tail,
            findings: current.state.findings.clone(),
            held,
            former: FormerIdentities::default(),
            undone_scans: Vec::new(),
            at_scan: false,
        })
    }

    /// The findings now.
    pub fn findings(&self) -> &BTreeMap<Fingerprint, Finding> {
        &self.findings
    }

    /// The re-identifications between here and the head.
    pub fn former(&self) -> &FormerIdentities {
        &self.former
    }

    /// The times of the scans between here and the head, newest first.
    pub fn undone_scans(&self) -> &[jiff::Timestamp] {
        &self.undone_scans
    }

    /// Moves back to the findings as of `t`: every scan made after `t` undone. Scans are in
    /// time order in a log, so these are its last scans. `t` must not be later than at the
    /// previous call.
    pub fn to(&mut self, t: jiff::Timestamp) -> Result<&BTreeMap<Fingerprint, Finding>, LedgerError> {
        self.back_while(|event| match &event.body {
            EventBody::ScanRecorded(_) => event.at.instant() > t,
            _ => true,
        })?;
        Ok(&self.findings)
    }

    /// Moves back to the next scan from here towards the first, newest first: its event time
    /// and the findings right after it; `None` once before the first scan. A walk of its own:
    /// not to be mixed with [`Rewind::to`] on the same rewind.
    pub fn previous_scan(&mut self) -> Result<Option<(hardline_model::Timestamp, &Findings)>, LedgerError> {
        if std::mem::take(&mut self.at_scan) {
            let first = std::cell::Cell::new(true);
            self.back_while(|_| first.replace(false))?;
        }
        self.back_while(|event| event.body.kind() != EventKind::ScanRecorded)?;
        let Some(held) = &self.held else { return Ok(None) };
        self.at_scan = true;
        Ok(Some((held.at.clone(), &self.findings)))
    }

    /// Moves back to the findings right after the last event of `kind` (before the first
    /// event, when there is none). Call it before any [`Rewind::to`], which passes over events
    /// that are not scans.
    pub fn to_last(&mut self, kind: EventKind) -> Result<&BTreeMap<Fingerprint, Finding>, LedgerError> {
        self.back_while(|event| event.body.kind() != kind)?;
        Ok(&self.findings)
    }

    /// Undoes events from the head backwards while `undo` says so; the first event it refuses
    /// is held, not undone.
    fn back_while(&mut self, undo: impl Fn(&Event) -> bool) -> Result<(), LedgerError> {
        while let Some(event) = self.held.take() {
            if !undo(&event) {
                self.held = Some(event);
                return Ok(());
            }
            if let EventBody::ScanRecorded(scan) = &event.body {
                scan.diff.unapply(&mut self.findings);
                if !scan.diff.reidentified.is_empty() {
                    self.former.extend(scan.diff.former_identities());
                }
                self.undone_scans.push(event.at.instant());
            }
            self.held = self.tail.next_event()?;
        }
        // Before the first event nothing is open: anything left means a diff that does not
        // undo what the log folds to, which `verify` names.
        if !self.findings.is_empty() {
            return Err(LedgerError::Inconsistent {
                image: self.tail.image().clone(),
                detail: "undoing every scan does not come back to an empty state".to_owned(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use hardline_model::{Finding, ScanMeta, Severity, Timestamp};

    use super::*;
    use crate::Ledger;
    use crate::event::IssueSynced;
    use crate::history::State;

    /// A deterministic history: findings that arrive, leave, return, change severity and
    /// version, and get retitled; an issue event now and then.
    pub(crate) fn history(root: &std::path::Path, weeks: usize) -> (ImageName, Vec<(Timestamp, State)>) {
        let image = ImageName::new("app").expect("a name");
        let ledger = Ledger::open(root);
        let mut writer = ledger.lock().expect("lock");
        let mut folds = Vec::new();
        let mut seed = 7u64;
        for week in 0..weeks {
            let at = Timestamp::parse(&format!("2026-{:02}-{:02}T04:00:00Z", 1 + week / 28, 1 + week % 28))
                .expect("a time");
            let mut findings = Vec::new();
            for id in 0..24 {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let roll = (seed >> 33) % 10;
                if roll < 3 {
                    continue;
                }
                let severity = [Severity::Low, Severity::Medium, Severity::High, Severity::Critical][id % 4];
                let severity = if roll == 9 { Severity::Unknown } else { severity };
                let version = if roll == 8 { "2" } else { "1" };
                let mut finding =
                    Finding::debian_vulnerability(&format!("CVE-{id}"), "libc6", version, severity);
                finding.title = if roll == 7 { format!("retitled {week}") } else { "title".into() };
                findings.push(finding);
            }
            let meta =
                ScanMeta { scanner: "trivy".into(), created_at: Some(at.clone()), ..ScanMeta::default() };
            writer.record(&image, vec![hardline_model::Scan::new(meta, findings)], &at).expect("record");
            if week % 3 == 1 {
                let body = EventBody::IssueSynced(IssueSynced {
                    action: crate::IssueAction::Updated,
                    tracker: "local".into(),
                    number: 1,
                    url: String::new(),
                    open_findings: 0,
                });
                writer.append(&image, &at, body).expect("append");
            }
            folds.push((at, ledger.current(&image).expect("current").state));
        }
        (image, folds)
    }

    /// What undoing a scan restores exactly: identity, severity and versions.
    fn material(findings: &BTreeMap<Fingerprint, Finding>) -> Vec<(Fingerprint, Severity, Option<String>)> {
        findings
            .values()
            .map(|f| (f.fingerprint.clone(), f.severity, f.package.as_ref().map(|p| p.version.clone())))
            .collect()
    }

    #[test]
    fn rewinding_to_each_scan_gives_the_state_the_log_folded_to_then() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (image, folds) = history(dir.path(), 30);
        let ledger = Ledger::open(dir.path());
        let current = ledger.current(&image).expect("current");
        assert_eq!(current.source, crate::Source::View);
        let mut rewind = ledger.rewind(&image, &current).expect("rewind");
        for (at, state) in folds.iter().rev() {
            let findings = rewind.to(at.instant()).expect("rewind");
            assert_eq!(material(findings), material(&state.findings), "as of {at}");
        }
        let before = jiff::Timestamp::from_second(0).expect("a time");
        assert!(rewind.to(before).expect("rewind").is_empty(), "nothing before the first scan");
    }

    #[test]
    fn walking_back_scan_by_scan_gives_each_scans_state() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (image, folds) = history(dir.path(), 12);
        let ledger = Ledger::open(dir.path());
        let current = ledger.current(&image).expect("current");
        let mut rewind = ledger.rewind(&image, &current).expect("rewind");
        for (at, state) in folds.iter().rev() {
            let (scanned, findings) = rewind.previous_scan().expect("walk").expect("a scan");
            assert_eq!(&scanned, at);
            assert_eq!(material(findings), material(&state.findings), "as of {at}");
        }
        assert!(rewind.previous_scan().expect("walk").is_none(), "nothing before the first scan");
    }

    #[test]
    fn rewinding_to_the_last_issue_event() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (image, folds) = history(dir.path(), 6);
        let ledger = Ledger::open(dir.path());
        let current = ledger.current(&image).expect("current");
        // Issue events follow the scans of weeks 1 and 4.
        let findings = ledger
            .rewind(&image, &current)
            .expect("rewind")
            .to_last(EventKind::IssueSynced)
            .expect("walk")
            .clone();
        assert_eq!(material(&findings), material(&folds[4].1.findings));
    }
}
