//! Service levels: how many days a finding may stay open, per severity. A finding is due on
//! the day it was first seen plus its severity's days, and overdue after that day.
//!
//! The defaults are DefectDojo's (critical 7, high 30, medium 90, low 120); `[sla]` in
//! `hardline.toml` changes them. UNKNOWN findings have no service level.
//!
//! A finding in CISA's KEV catalog is due as a CRITICAL: within the critical days of the later
//! of the day it was first seen and the day CISA listed it. The listing shortens a deadline,
//! never lengthens one, and a listing after a finding was fixed does not make that fix late.

use hardline_model::Severity;
use jiff::civil::Date;

/// Days a finding of each severity may stay open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sla {
    pub critical: u32,
    pub high: u32,
    pub medium: u32,
    pub low: u32,
}

impl Default for Sla {
    /// DefectDojo's defaults.
    fn default() -> Sla {
        Sla { critical: 7, high: 30, medium: 90, low: 120 }
    }
}

impl Sla {
    /// The days of `severity`; `None` for UNKNOWN.
    pub fn days(&self, severity: Severity) -> Option<u32> {
        match severity {
            Severity::Critical => Some(self.critical),
            Severity::High => Some(self.high),
            Severity::Medium => Some(self.medium),
            Severity::Low => Some(self.low),
            Severity::Unknown => None,
        }
    }

    /// When a finding of `severity` first seen on `first_seen` is due; `kev_added` is the day
    /// CISA listed it, when it is in the KEV catalog. `None`: no service level applies.
    pub fn due(&self, first_seen: Date, severity: Severity, kev_added: Option<Date>) -> Option<Date> {
        let own = self.days(severity).and_then(|days| add_days(first_seen, days));
        let exploited = kev_added.and_then(|added| add_days(first_seen.max(added), self.critical));
        match (own, exploited) {
            (Some(own), Some(exploited)) => Some(own.min(exploited)),
            (own, exploited) => own.or(exploited),
        }
    }
}

fn add_days(date: Date, days: u32) -> Option<Date> {
    date.checked_add(jiff::Span::new().days(i64::from(days))).ok()
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i64 {
    i64::from(from.until(to).map(|span| span.get_days()).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn due_is_first_seen_plus_the_severity_days() {
        let sla = Sla::default();
        let seen = date(2026, 1, 1);
        assert_eq!(sla.due(seen, Severity::Critical, None), Some(date(2026, 1, 8)));
        assert_eq!(sla.due(seen, Severity::High, None), Some(date(2026, 1, 31)));
        assert_eq!(sla.due(seen, Severity::Medium, None), Some(date(2026, 4, 1)));
        assert_eq!(sla.due(seen, Severity::Low, None), Some(date(2026, 5, 1)));
        assert_eq!(sla.due(seen, Severity::Unknown, None), None);
    }

    #[test]
    fn a_kev_listing_makes_it_due_as_a_critical_from_the_later_day() {
        let sla = Sla::default();
        let seen = date(2026, 1, 1);
        assert_eq!(
            sla.due(seen, Severity::Low, Some(date(2025, 6, 1))),
            Some(date(2026, 1, 8)),
            "listed before"
        );
        assert_eq!(
            sla.due(seen, Severity::Medium, Some(date(2026, 2, 1))),
            Some(date(2026, 2, 8)),
            "listed later"
        );
        assert_eq!(
            sla.due(seen, Severity::High, Some(date(2026, 3, 1))),
            Some(date(2026, 1, 31)),
            "never later"
        );
        assert_eq!(sla.due(seen, Severity::Unknown, Some(date(2026, 1, 2))), Some(date(2026, 1, 9)));
    }

    #[test]
    fn days_between_counts_calendar_days() {
        assert_eq!(days_between(date(2026, 1, 31), date(2026, 3, 2)), 30);
        assert_eq!(days_between(date(2026, 3, 2), date(2026, 1, 31)), -30);
    }
}
