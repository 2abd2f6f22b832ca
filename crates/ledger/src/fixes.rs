//! Every fix in an image's log, aggregated: what the mean time to remediate and the share of
//! fixes made within the SLA need, kept in the baseline view (a fold of the log like the
//! findings' seen-times, checked by `verify`) so that `status`, `summary` and the dashboard
//! read it instead of the log.
//!
//! One row per severity (as last seen open), whole calendar days open, and the CVE ids the KEV
//! catalog may list the finding under: its size grows with the distinct vulnerabilities fixed
//! and how long they stayed open, not with the weeks recorded. Each row keeps the exact total
//! of its fixes' open times (the MTTR's mean is exact) and the first and last day one of them
//! was fixed, which is what an SLA judged against a KEV listing date needs (see
//! [`FixRow::within_kev`]).

use std::collections::BTreeMap;

use hardline_model::{Finding, Severity, Timestamp};
use serde::{Deserialize, Serialize};

/// The fixes so far, by [`FixKey`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fixes {
    rows: BTreeMap<FixKey, FixTotals>,
}

/// What fixes of a row share.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct FixKey {
    /// The finding's severity as last seen open.
    pub severity: Severity,
    /// Whole calendar days (UTC) from the day of the first scan with the finding to the day of
    /// the first scan without it: what an SLA in days is judged on.
    pub days: i64,
    /// The CVE ids the finding goes by (`hardline_feeds::cve_ids`), for the KEV catalog.
    pub cves: Vec<String>,
}

/// The fixes of a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixTotals {
    pub fixes: u64,
    /// The sum of their open times (scan time to scan time), in whole seconds and the
    /// nanoseconds beyond them (scan times have fractions of a second).
    pub seconds: i64,
    pub nanoseconds: i64,
    /// The earliest and the latest scan without the finding.
    pub first_closed: Timestamp,
    pub last_closed: Timestamp,
}

/// A row as the baseline view writes it, one per line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixRow {
    pub severity: Severity,
    pub days: i64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cves: Vec<String>,
    pub fixes: u64,
    pub seconds: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub nanoseconds: i64,
    pub first_closed: Timestamp,
    pub last_closed: Timestamp,
}

impl Fixes {
    /// Counts the fix of `finding` (as last seen open), open from `opened` to `closed`.
    pub fn add(&mut self, finding: &Finding, opened: &Timestamp, closed: &Timestamp) {
        let key = FixKey {
            severity: finding.severity,
            days: hardline_policy::sla::days_between(opened.date(), closed.date()),
            cves: hardline_feeds::cve_ids(finding).collect(),
        };
        let open = closed.instant().as_nanosecond() - opened.instant().as_nanosecond();
        let (seconds, nanoseconds) = (open.div_euclid(NANOS) as i64, open.rem_euclid(NANOS) as i64);
        match self.rows.get_mut(&key) {
            Some(totals) => {
                totals.fixes += 1;
                let nanoseconds = i128::from(totals.nanoseconds) + i128::from(nanoseconds);
                totals.seconds += seconds + nanoseconds.div_euclid(NANOS) as i64;
                totals.nanoseconds = nanoseconds.rem_euclid(NANOS) as i64;
                if closed.instant() < totals.first_closed.instant() {
                    totals.first_closed = closed.clone();
                }
                if closed.instant() > totals.last_closed.instant() {
                    totals.last_closed = closed.clone();
                }
            }
            None => {
                let totals = FixTotals {
                    fixes: 1,
                    seconds,
                    nanoseconds,
                    first_closed: closed.clone(),
                    last_closed: closed.clone(),
                };
                self.rows.insert(key, totals);
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The rows, in key order (severity, days, CVE ids).
    pub fn rows(&self) -> impl Iterator<Item = FixRow> + '_ {
        self.rows.iter().map(|(key, totals)| FixRow {
            severity: key.severity,
            days: key.days,
            cves: key.cves.clone(),
            fixes: totals.fixes,
            seconds: totals.seconds,
            nanoseconds: totals.nanoseconds,
            first_closed: totals.first_closed.clone(),
            last_closed: totals.last_closed.clone(),
        })
    }

    /// The aggregate of `rows` (as read back from a view).
    pub fn from_rows(rows: impl IntoIterator<Item = FixRow>) -> Fixes {
        let rows = rows
            .into_iter()
            .map(|row| {
                let key = FixKey { severity: row.severity, days: row.days, cves: row.cves };
                let totals = FixTotals {
                    fixes: row.fixes,
                    seconds: row.seconds,
                    nanoseconds: row.nanoseconds,
                    first_closed: row.first_closed,
                    last_closed: row.last_closed,
                };
                (key, totals)
            })
            .collect();
        Fixes { rows }
    }
}

const NANOS: i128 = 1_000_000_000;

fn is_zero(n: &i64) -> bool {
    *n == 0
}

impl FixRow {
    /// The total open time, in days.
    pub fn open_days(&self) -> f64 {
        (self.seconds as f64 + self.nanoseconds as f64 / 1e9) / 86_400.0
    }

    /// How many of the row's fixes were made by a due date of `first seen + kev_days`, or of
    /// `max(first seen, listed) + kev_days`, for a finding the KEV catalog listed on `listed`
    /// (the first scan without it on or before that day). `None` when the row alone cannot
    /// tell: the listing falls between its first and its last fix (then only each fix's own
    /// dates can, in the log).
    pub fn within_kev(&self, listed: jiff::civil::Date, kev_days: u32) -> Option<u64> {
        // A fix is in time when `closed <= max(opened, listed) + kev_days`, that is when it was
        // open at most `kev_days` days, or fixed at most `kev_days` days after the listing.
        if self.days <= i64::from(kev_days) {
            return Some(self.fixes);
        }
        let days_after_listing =
            |closed: &Timestamp| hardline_policy::sla::days_between(listed, closed.date());
        if days_after_listing(&self.last_closed) <= i64::from(kev_days) {
            Some(self.fixes)
        } else if days_after_listing(&self.first_closed) > i64::from(kev_days) {
            Some(0)
        } else {
            None
        }
    }
}
