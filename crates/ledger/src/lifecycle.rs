//! The life of each finding in an image's log, from the log alone: when it was first seen (the
//! scan that brought it, or brought it back) and, once fixed, when. A finding that returns
//! after a fix opens a new interval.
//!
//! Times are scan times (each `scan_recorded` event's `at`, the scanner's own time): an
//! interval runs from the first scan with the finding to the first scan without it.

use std::collections::BTreeMap;

use hardline_model::{Finding, Fingerprint, Timestamp};

use crate::event::{Event, EventBody};

/// Open findings with the time they were first seen, and every interval closed by a fix.
#[derive(Clone, Debug, Default)]
pub struct Lifecycle {
    /// Open findings: when each was first seen in its current interval.
    pub open: BTreeMap<Fingerprint, Timestamp>,
    /// Closed intervals, in the order they closed.
    pub fixed: Vec<Interval>,
}

/// One open→fixed interval of a finding.
#[derive(Clone, Debug, PartialEq)]
pub struct Interval {
    /// The finding as last seen open (its severity then is the interval's).
    pub finding: Finding,
    /// The time of the first scan with it.
    pub opened: Timestamp,
    /// The time of the first scan without it.
    pub closed: Timestamp,
}

impl Interval {
    /// How long it was open, in days (fractional).
    pub fn days(&self) -> f64 {
        self.closed.instant().duration_since(self.opened.instant()).as_secs_f64() / 86_400.0
    }
}

impl Lifecycle {
    /// Folds every event of a log, in order.
    pub fn of<'a>(events: impl IntoIterator<Item = &'a Event>) -> Lifecycle {
        let mut lifecycle = Lifecycle::default();
        for event in events {
            lifecycle.apply(event);
        }
        lifecycle
    }

    /// Folds one event: a scan's new findings open, its fixed findings close, and a
    /// re-identified finding goes on under its new fingerprint with the time it was first seen
    /// under the old one (the earliest, when several became one).
    pub fn apply(&mut self, event: &Event) {
        let EventBody::ScanRecorded(scan) = &event.body else { return };
        for finding in &scan.diff.fixed {
            if let Some(opened) = self.open.remove(&finding.fingerprint) {
                self.fixed.push(Interval { finding: finding.clone(), opened, closed: event.at.clone() });
            }
        }
        let carried: Vec<(Fingerprint, Timestamp)> = scan
            .diff
            .reidentified
            .iter()
            .filter_map(|c| {
                self.open.get(&c.before.fingerprint).map(|t| (c.after.fingerprint.clone(), t.clone()))
            })
            .collect();
        for change in &scan.diff.reidentified {
            self.open.remove(&change.before.fingerprint);
        }
        for (fingerprint, opened) in carried {
            let entry = self.open.entry(fingerprint).or_insert_with(|| opened.clone());
            if opened.instant() < entry.instant() {
                *entry = opened;
            }
        }
        for finding in &scan.diff.new {
            self.open.insert(finding.fingerprint.clone(), event.at.clone());
        }
    }

    /// When an open finding was first seen.
    pub fn first_seen(&self, fingerprint: &Fingerprint) -> Option<&Timestamp> {
        self.open.get(fingerprint)
    }
}

#[cfg(test)]
mod tests {
    use hardline_model::{Diff, ImageName, ScanMeta, Severity};

    use super::*;
    use crate::event::{GENESIS, ScanRecorded};

    fn scan(seq: u64, at: &str, new: &[&Finding], fixed: &[&Finding]) -> Event {
        let body = EventBody::ScanRecorded(ScanRecorded {
            scan: ScanMeta::default(),
            scan_id: format!("s{seq}"),
            diff: Diff {
                new: new.iter().map(|f| (*f).clone()).collect(),
                fixed: fixed.iter().map(|f| (*f).clone()).collect(),
                ..Diff::default()
            },
            counts: Default::default(),
            unique_vulnerabilities: 0,
        });
        let image = ImageName::new("img").expect("a name");
        let at = Timestamp::parse(at).expect("a time");
        Event::seal(seq, at, image, GENESIS.into(), body, String::new()).expect("sealed").0
    }

    /// A change of identity keeps a finding's age: it was not fixed, and it is not new.
    #[test]
    fn a_reidentified_finding_keeps_the_time_it_was_first_seen() {
        let legacy = Finding::debian_vulnerability("LEGACY", "p", "1", Severity::Medium);
        let (a, b) = (
            Finding::debian_vulnerability("A", "p", "1", Severity::Medium),
            Finding::debian_vulnerability("B", "p", "1", Severity::Medium),
        );
        let mut later = scan(2, "2026-02-01T00:00:00Z", &[], &[]);
        if let EventBody::ScanRecorded(recorded) = &mut later.body {
            for after in [&a, &b] {
                recorded.diff.reidentified.push(hardline_model::Change {
                    before: legacy.clone(),
                    after: after.clone(),
                    fields: Vec::new(),
                });
            }
        }
        let lifecycle = Lifecycle::of(&[scan(1, "2026-01-01T00:00:00Z", &[&legacy], &[]), later]);
        assert!(lifecycle.fixed.is_empty(), "not fixed");
        let first = Timestamp::parse("2026-01-01T00:00:00Z").expect("a time");
        assert_eq!(lifecycle.first_seen(&a.fingerprint), Some(&first));
        assert_eq!(lifecycle.first_seen(&b.fingerprint), Some(&first));
        assert_eq!(lifecycle.first_seen(&legacy.fingerprint), None);
    }

    #[test]
    fn a_returning_finding_opens_a_new_interval_with_its_last_severity() {
        let a = Finding::debian_vulnerability("CVE-1", "libc6", "1", Severity::Medium);
        let a_high = Finding { severity: Severity::High, ..a.clone() };
        let b = Finding::debian_vulnerability("CVE-2", "zlib1g", "1", Severity::Low);
        let events = [
            scan(1, "2026-01-01T00:00:00Z", &[&a, &b], &[]),
            scan(2, "2026-01-08T00:00:00Z", &[], &[&a_high]),
            scan(3, "2026-01-15T12:00:00Z", &[&a], &[]),
        ];
        let lifecycle = Lifecycle::of(&events);
        assert_eq!(lifecycle.fixed.len(), 1);
        assert_eq!(lifecycle.fixed[0].finding.severity, Severity::High, "as last seen open");
        assert_eq!(lifecycle.fixed[0].days(), 7.0);
        assert_eq!(lifecycle.first_seen(&a.fingerprint).map(Timestamp::as_str), Some("2026-01-15T12:00:00Z"));
        assert_eq!(lifecycle.first_seen(&b.fingerprint).map(Timestamp::as_str), Some("2026-01-01T00:00:00Z"));
    }
}
