//! Triage: what to fix first and whether the team keeps its promises, per image.
//!
//! From the ledger alone: when each open finding was first seen, how long it has been open,
//! when it is due under the SLAs and whether it is overdue; the mean time to remediate (MTTR)
//! per severity over every open→fixed interval of the log; the share of fixes made within the
//! SLA; and whether the scans have stopped. Enriched when reading, never stored: the KEV
//! catalog (a listed finding is due as a CRITICAL) and EPSS scores. Exceptions decide what
//! counts, as they do for the gate.
//!
//! The entry point is [`Triage`]: what to triage with (exceptions, feeds, settings, the time),
//! and [`Triage::image`] for one image's log. [`Mttr`] and [`SlaRecord`] also take any
//! selection of intervals (a quarter's fixes, say) for reports.

mod measures;

use hardline_feeds::{EpssScore, Feeds, KevEntry};
use hardline_ledger::{Current, History, Ledger, LedgerError, Lifecycle, State};
use hardline_model::{Counts, Finding, ImageName, Severity, Timestamp};
use hardline_policy::{Exception, ExceptionSet, Sla};
use jiff::civil::Date;

pub use measures::{Mttr, SlaRecord};

/// Days without a scan after which an image's scans are stale, by default: a weekly scan
/// plus a day of slack.
pub const STALE_AFTER_DAYS: u32 = 8;

/// The configurable part of triage (`[sla]` in `hardline.toml`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    pub sla: Sla,
    /// An image with no scan for longer than this many days is stale.
    pub stale_after_days: u32,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings { sla: Sla::default(), stale_after_days: STALE_AFTER_DAYS }
    }
}

/// What to triage with.
#[derive(Clone, Copy, Debug)]
pub struct Triage<'a> {
    pub exceptions: &'a ExceptionSet,
    pub feeds: &'a Feeds,
    pub settings: Settings,
    pub now: jiff::Timestamp,
}

/// The measures over an image's fixes.
struct Fixed {
    mttr: Mttr,
    sla_record: SlaRecord,
}

/// One image, triaged at a moment.
#[derive(Clone, Debug)]
pub struct ImageTriage {
    pub image: ImageName,
    /// Every open finding in report order, with what triage knows of it (suppressed ones
    /// included and marked).
    pub findings: Vec<Triaged>,
    /// Open findings that count, after exceptions, per severity.
    pub counts: Counts,
    /// Open findings an active exception suppresses, per severity.
    pub suppressed: Counts,
    /// Findings that count and are in the KEV catalog; `None` without a catalog.
    pub kev: Option<usize>,
    /// Findings that count and are past their due date.
    pub overdue: usize,
    /// Mean time to remediate per severity, over every fix in the log.
    pub mttr: Mttr,
    /// How many of those fixes were made within the SLA.
    pub sla_record: SlaRecord,
    pub scan: ScanAge,
}

/// When the image was last scanned, and whether that is too long ago.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScanAge {
    /// The last scan's time; `None` when the log has no scan.
    pub last: Option<Timestamp>,
    /// Whole days since then.
    pub age_days: Option<i64>,
    /// No scan for longer than `stale_after_days`.
    pub stale: bool,
    pub stale_after_days: u32,
}

/// One open finding with what triage knows of it.
#[derive(Clone, Debug)]
pub struct Triaged {
    pub finding: Finding,
    /// The scan that brought it (or brought it back).
    pub first_seen: Option<Timestamp>,
    /// Whole days since it was first seen.
    pub age_days: Option<i64>,
    /// When the SLA wants it fixed; `None` for UNKNOWN severity (unless it is in KEV).
    pub due: Option<Date>,
    /// Days past `due` (positive when overdue, zero or negative when not).
    pub days_past_due: Option<i64>,
    pub kev: Option<KevEntry>,
    pub epss: Option<EpssScore>,
    /// The active exception that suppresses it: an accepted risk, not an open finding.
    pub exception: Option<Exception>,
}

impl Triaged {
    pub fn is_suppressed(&self) -> bool {
        self.exception.is_some()
    }

    pub fn is_overdue(&self) -> bool {
        self.days_past_due.is_some_and(|days| days > 0)
    }
}

impl Triage<'_> {
    /// The calendar day of `now`, in UTC: what exceptions and due dates are compared with.
    pub fn today(&self) -> Date {
        jiff::tz::Offset::UTC.to_datetime(self.now).date()
    }

    /// Triages an image from its log.
    pub fn image(&self, history: &History) -> ImageTriage {
        self.of_state(&history.image, &history.state(), &Lifecycle::of(&history.events))
    }

    /// Triages an image from the state its log folds to and its lifecycle (for a caller that
    /// folds the log itself).
    pub fn of_state(&self, image: &ImageName, state: &State, lifecycle: &Lifecycle) -> ImageTriage {
        let fixes = Fixed {
            mttr: Mttr::of(&lifecycle.fixed),
            sla_record: SlaRecord::of(&lifecycle.fixed, &self.settings.sla, self.feeds),
        };
        self.build(image, state, |finding| lifecycle.first_seen(&finding.fingerprint), fixes)
    }

    /// Triages an image at its head from `current` alone: first-seen times and the fixes so
    /// far are the state's (the baseline view's, when the log vouches for it), so the log is
    /// not read — unless the share of fixes within the SLA needs each fix's own dates (a KEV
    /// listing that falls between two fixes of the same vulnerability), which the log's
    /// lifecycle gives.
    pub fn at_head(
        &self,
        ledger: &Ledger,
        image: &ImageName,
        current: &Current,
    ) -> Result<ImageTriage, LedgerError> {
        let state = &current.state;
        let sla_record = match SlaRecord::of_fixes(&state.fixes, &self.settings.sla, self.feeds) {
            Some(record) => record,
            None => {
                let lifecycle = ledger.lifecycle(image)?;
                SlaRecord::of(&lifecycle.fixed, &self.settings.sla, self.feeds)
            }
        };
        let fixes = Fixed { mttr: Mttr::of_fixes(&state.fixes), sla_record };
        Ok(self.build(
            image,
            state,
            |finding| state.seen.get(&finding.fingerprint).map(|s| &s.first_seen),
            fixes,
        ))
    }

    fn build<'s>(
        &self,
        image: &ImageName,
        state: &State,
        first_seen: impl Fn(&Finding) -> Option<&'s Timestamp>,
        fixed: Fixed,
    ) -> ImageTriage {
        let today = self.today();
        let all = state.findings_in_report_order();
        let applied = self.exceptions.apply(&all, image, today);
        let mut findings = Vec::with_capacity(all.len());
        let (mut counts, mut suppressed) = (Counts::default(), Counts::default());
        let (mut kev, mut overdue) = (0, 0);
        for finding in &all {
            let exception =
                applied.suppressed.iter().find(|(f, _)| std::ptr::eq(*f, finding)).map(|(_, e)| (*e).clone());
            let triaged = self.finding(finding.clone(), first_seen(finding), exception);
            if triaged.is_suppressed() {
                suppressed.add(finding.severity);
            } else {
                counts.add(finding.severity);
                kev += usize::from(triaged.kev.is_some());
                overdue += usize::from(triaged.is_overdue());
            }
            findings.push(triaged);
        }
        let last = state.last_scan.as_ref().map(|s| s.at.clone());
        ImageTriage {
            image: image.clone(),
            findings,
            counts,
            suppressed,
            kev: self.feeds.kev.as_ref().map(|_| kev),
            overdue,
            mttr: fixed.mttr,
            sla_record: fixed.sla_record,
            scan: self.scan_age(last),
        }
    }

    /// What triage knows of one finding first seen at `first_seen`.
    pub fn finding(
        &self,
        finding: Finding,
        first_seen: Option<&Timestamp>,
        exception: Option<Exception>,
    ) -> Triaged {
        let today = self.today();
        let kev = self.feeds.kev_entry(&finding).cloned();
        let due = first_seen.and_then(|seen| {
            self.settings.sla.due(seen.date(), finding.severity, kev.as_ref().map(|e| e.date_added))
        });
        Triaged {
            epss: self.feeds.epss_score(&finding),
            age_days: first_seen.map(|seen| whole_days(seen.instant(), self.now)),
            days_past_due: due.map(|due| hardline_policy::sla::days_between(due, today)),
            first_seen: first_seen.cloned(),
            due,
            kev,
            exception,
            finding,
        }
    }

    /// How old the last scan is, and whether that makes the image stale.
    pub fn scan_age(&self, last: Option<Timestamp>) -> ScanAge {
        let stale_after_days = self.settings.stale_after_days;
        let elapsed = last.as_ref().map(|t| self.now.as_second() - t.instant().as_second());
        ScanAge {
            age_days: elapsed.map(|s| s.div_euclid(86_400)),
            stale: elapsed.is_some_and(|s| s > i64::from(stale_after_days) * 86_400),
            stale_after_days,
            last,
        }
    }
}

impl ImageTriage {
    /// The most severe band with findings that count: `CRITICAL` … `LOW`, `UNKNOWN`, `NONE`.
    pub fn risk(&self) -> &'static str {
        hardline_ledger::views::markdown::risk(&self.counts)
    }

    /// The open findings that count (not suppressed).
    pub fn counted(&self) -> impl Iterator<Item = &Triaged> {
        self.findings.iter().filter(|t| !t.is_suppressed())
    }
}

/// Whole days from `from` to `to`.
fn whole_days(from: jiff::Timestamp, to: jiff::Timestamp) -> i64 {
    (to.as_second() - from.as_second()).div_euclid(86_400)
}

/// The severities with a service level, most severe first: the ones MTTR and SLAs report.
pub const SLA_SEVERITIES: [Severity; 4] =
    [Severity::Critical, Severity::High, Severity::Medium, Severity::Low];
