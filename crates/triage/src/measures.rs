//! Measures over fixes: mean time to remediate and the share fixed within the SLA. Both take
//! any selection of intervals, so a report can measure a period.

use hardline_feeds::Feeds;
use hardline_ledger::{Fixes, Interval};
use hardline_model::Severity;
use hardline_policy::Sla;

/// Mean time to remediate per severity: the mean, over the intervals of that severity (as last
/// seen open), of the days from the first scan with the finding to the first scan without it.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Mttr {
    /// Per severity (in `Severity` order, UNKNOWN first): fixes and their total days.
    sums: [(usize, f64); 5],
}

impl Mttr {
    pub fn of<'a>(intervals: impl IntoIterator<Item = &'a Interval>) -> Mttr {
        let mut mttr = Mttr::default();
        for interval in intervals {
            let slot = &mut mttr.sums[interval.finding.severity as usize];
            slot.0 += 1;
            slot.1 += interval.days();
        }
        mttr
    }

    /// Over the fixes' aggregate (the same figures as over their intervals).
    pub fn of_fixes(fixes: &Fixes) -> Mttr {
        let mut mttr = Mttr::default();
        for row in fixes.rows() {
            let slot = &mut mttr.sums[row.severity as usize];
            slot.0 += row.fixes as usize;
            slot.1 += row.open_days();
        }
        mttr
    }

    /// The mean days to remediate findings of `severity`; `None` when none was fixed.
    pub fn days(&self, severity: Severity) -> Option<f64> {
        let (count, total) = self.sums[severity as usize];
        (count > 0).then(|| total / count as f64)
    }

    /// How many findings of `severity` were fixed.
    pub fn fixed(&self, severity: Severity) -> usize {
        self.sums[severity as usize].0
    }
}

/// Fixes with a service level, and how many of them were made by their due date.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SlaRecord {
    pub fixed: usize,
    pub within: usize,
}

impl SlaRecord {
    /// Over `intervals`: a fix is within the SLA when the scan without the finding is on or
    /// before its due date (from its first-seen day and its severity as last seen open; a
    /// finding in the KEV catalog of `feeds` is due as a CRITICAL from the day it was listed).
    /// UNKNOWN findings outside KEV have no service level and are not counted.
    pub fn of<'a>(intervals: impl IntoIterator<Item = &'a Interval>, sla: &Sla, feeds: &Feeds) -> SlaRecord {
        let mut record = SlaRecord::default();
        for interval in intervals {
            let listed = feeds.kev_entry(&interval.finding).map(|e| e.date_added);
            if let Some(due) = sla.due(interval.opened.date(), interval.finding.severity, listed) {
                record.fixed += 1;
                record.within += usize::from(interval.closed.date() <= due);
            }
        }
        record
    }

    /// Over the fixes' aggregate, as [`SlaRecord::of`] over their intervals; `None` when a
    /// row cannot tell how many of its fixes were in time (see [`hardline_ledger::FixRow::within_kev`]).
    pub fn of_fixes(fixes: &Fixes, sla: &Sla, feeds: &Feeds) -> Option<SlaRecord> {
        let mut record = SlaRecord::default();
        for row in fixes.rows() {
            let listed = feeds.kev_entry_of_ids(row.cves.iter().map(String::as_str)).map(|e| e.date_added);
            // In time for its own service level (a severity without one has no due date of its own).
            let own = sla.days(row.severity).map(|days| row.days <= i64::from(days));
            let (counted, within) = match (own, listed) {
                (None, None) => continue,
                (Some(own), None) => (row.fixes, if own { row.fixes } else { 0 }),
                (own, Some(listed)) => {
                    let kev = row.within_kev(listed, sla.critical)?;
                    (row.fixes, if own.unwrap_or(true) { kev } else { 0 })
                }
            };
            record.fixed += counted as usize;
            record.within += within as usize;
        }
        Some(record)
    }

    /// `47 of 51 (92%)`; `None` when nothing with an SLA was fixed.
    pub fn describe(&self) -> Option<String> {
        self.share().map(|share| format!("{} of {} ({:.0}%)", self.within, self.fixed, share * 100.0))
    }

    /// The share within the SLA, in [0, 1]; `None` when nothing with an SLA was fixed.
    pub fn share(&self) -> Option<f64> {
        (self.fixed > 0).then(|| self.within as f64 / self.fixed as f64)
    }
}
