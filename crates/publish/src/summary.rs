//! The weekly summary: `SECURITY_SUMMARY.md` and one persistent summary issue with a comment
//! per ISO week.

use std::fmt::Write;

use hardline_ledger::{EventBody, Ledger, State};
use hardline_model::row::FindingRow;
use hardline_model::text::rows::{ListItem, list_item};
use hardline_model::text::{MAX_INLINE, code, finding_label, inline};
use hardline_model::{Counts, Finding, diff, unique_vulnerability_ids};
use hardline_policy::{Exception, ExceptionSet};
use hardline_tracker::{IssueState, IssueUpdate, Tracker};
use jiff::{Span, Timestamp, ToSpan};

use crate::markers::Marker;
use crate::{CommentAction, PublishError};

/// Weeks in the trend table.
const TREND_WEEKS: i64 = 8;
/// Oldest open findings listed per image.
const OLDEST: usize = 10;
/// Findings listed per "introduced"/"fixed" list.
const LIST: usize = 25;
/// Exceptions expiring within this many days are called out.
const EXPIRY_WARNING_DAYS: i64 = 14;

pub struct Summary {
    pub now: Timestamp,
    pub since: Timestamp,
    /// ISO week of `now`, e.g. `2026-W48`.
    pub week: String,
    pub images: Vec<ImageSummary>,
    pub expiring: Vec<Exception>,
}

pub struct ImageSummary {
    pub name: hardline_model::ImageName,
    pub counts: Counts,
    pub previous: Counts,
    pub unique: usize,
    pub fixable: usize,
    pub trend: Vec<(String, Counts)>,
    pub introduced: Vec<Finding>,
    pub fixed: Vec<Finding>,
    /// Open findings with the time they (last) appeared, oldest first.
    pub oldest: Vec<(Finding, Timestamp)>,
    pub head_seq: u64,
    pub head_hash: String,
}

/// Builds the summary of the period `(now - days, now]` from the ledger.
pub fn build(
    ledger: &Ledger,
    exceptions: &ExceptionSet,
    now: Timestamp,
    days: i64,
) -> Result<Summary, PublishError> {
    let since =
        now.checked_sub(Span::new().hours(24 * days)).map_err(|e| PublishError::Other(e.to_string()))?;
    let mut images = Vec::new();
    for name in ledger.images()? {
        images.push(image_summary(ledger, &name, now, since)?);
    }
    let today = jiff::tz::Offset::UTC.to_datetime(now).date();
    let expiring = exceptions.expiring_within(today, EXPIRY_WARNING_DAYS).into_iter().cloned().collect();
    let week = jiff::tz::Offset::UTC.to_datetime(now).date().iso_week_date();
    Ok(Summary { now, since, week: format!("{}-W{:02}", week.year(), week.week()), images, expiring })
}

/// What the summary needs of an image's past: the state at `now` with its seen-times, the
/// findings at the start of the period, and the counts at the end of each trend week.
struct Past {
    now: State,
    since: Vec<Finding>,
    /// Oldest first.
    trend: Vec<(String, Counts)>,
}

fn image_summary(
    ledger: &Ledger,
    name: &hardline_model::ImageName,
    now: Timestamp,
    since: Timestamp,
) -> Result<ImageSummary, PublishError> {
    let current = ledger.current(name)?;
    let last_scan = current.state.last_scan.as_ref().map(|s| s.at.instant());
    let past = if last_scan.is_none_or(|at| at <= now) {
        rewound(ledger, name, current.state.clone(), &current, now, since)?
    } else {
        replayed(ledger, name, now, since)?
    };
    let current_findings = past.now.findings_in_report_order();
    let change = diff(&past.since, &current_findings);
    let mut oldest: Vec<(Finding, Timestamp)> = current_findings
        .iter()
        .filter_map(|f| past.now.seen.get(&f.fingerprint).map(|s| (f.clone(), s.first_seen.instant())))
        .collect();
    oldest.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| Finding::report_order(&a.0, &b.0)));
    oldest.truncate(OLDEST);
    Ok(ImageSummary {
        name: name.clone(),
        counts: Counts::from_severities(current_findings.iter().map(|f| f.severity)),
        previous: Counts::from_severities(past.since.iter().map(|f| f.severity)),
        unique: unique_vulnerability_ids(&current_findings),
        fixable: current_findings.iter().filter(|f| f.fixable()).count(),
        trend: past.trend,
        introduced: change.new,
        fixed: change.fixed,
        oldest,
        head_seq: current.head.as_ref().map_or(0, |h| h.seq),
        head_hash: current.head.map(|h| h.hash).unwrap_or_default(),
    })
}

/// The end of each trend week, oldest first.
fn trend_ends(now: Timestamp) -> Vec<Timestamp> {
    (0..TREND_WEEKS).rev().map(|week| now.checked_sub((24 * 7 * week).hours()).unwrap_or(now)).collect()
}

fn counts_of<'a>(findings: impl Iterator<Item = &'a Finding>) -> Counts {
    Counts::from_severities(findings.map(|f| f.severity))
}

/// The past of a period that ends after the last scan (every weekly summary): walked back
/// from the head, undoing the scans of the period and of the trend's weeks only.
fn rewound(
    ledger: &Ledger,
    name: &hardline_model::ImageName,
    now_state: State,
    current: &hardline_ledger::Current,
    now: Timestamp,
    since: Timestamp,
) -> Result<Past, PublishError> {
    let mut rewind = ledger.rewind(name, current)?;
    let mut times: Vec<(Timestamp, Option<usize>)> =
        trend_ends(now).into_iter().enumerate().map(|(i, t)| (t, Some(i))).collect();
    times.push((since, None));
    // Newest first: the walk only goes back.
    times.sort_by_key(|(t, _)| std::cmp::Reverse(*t));
    let mut trend = vec![(String::new(), Counts::default()); TREND_WEEKS as usize];
    let mut before = Vec::new();
    for (t, slot) in times {
        let findings = rewind.to(t)?;
        match slot {
            Some(index) => trend[index] = (t.strftime("%Y-%m-%d").to_string(), counts_of(findings.values())),
            None => {
                before = findings.values().cloned().collect();
                before.sort_by(Finding::report_order);
            }
        }
    }
    Ok(Past { now: now_state, since: before, trend })
}

/// The past of a period that ends before the last scan (a summary of an earlier week): the log
/// is folded from its start up to `now`, in memory bounded by the state.
fn replayed(
    ledger: &Ledger,
    name: &hardline_model::ImageName,
    now: Timestamp,
    since: Timestamp,
) -> Result<Past, PublishError> {
    let ends = trend_ends(now);
    let mut at_now = State::default();
    let mut at_since = State::default();
    let mut at_ends: Vec<Counts> = vec![Counts::default(); ends.len()];
    ledger.replay(name, |event, state| {
        // Only scans change the state; they are in time order.
        if !matches!(event.body, EventBody::ScanRecorded(_)) {
            return Ok(());
        }
        let at = event.at.instant();
        if at <= now {
            at_now.clone_from(state);
        }
        if at <= since {
            at_since.clone_from(state);
        }
        for (end, counts) in ends.iter().zip(at_ends.iter_mut()) {
            if at <= *end {
                *counts = counts_of(state.findings.values());
            }
        }
        Ok(())
    })?;
    let trend = ends
        .iter()
        .zip(at_ends)
        .map(|(end, counts)| (end.strftime("%Y-%m-%d").to_string(), counts))
        .collect();
    Ok(Past { now: at_now, since: at_since.findings_in_report_order(), trend })
}

fn delta(now: u32, before: u32) -> String {
    match now.cmp(&before) {
        std::cmp::Ordering::Greater => format!("{now} (+{})", now - before),
        std::cmp::Ordering::Less => format!("{now} (−{})", before - now),
        std::cmp::Ordering::Equal => format!("{now} (±0)"),
    }
}

impl Summary {
    /// `SECURITY_SUMMARY.md`, and the body of the summary issue.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}", Marker::summary_issue().as_str());
        let _ = writeln!(out, "# Security summary · {}\n", self.week);
        let _ = writeln!(
            out,
            "Period {} → {}. Generated by `hardline summary` from the audit logs; deltas are week over week.\n",
            self.since.strftime("%Y-%m-%d %H:%M UTC"),
            self.now.strftime("%Y-%m-%d %H:%M UTC")
        );
        if self.images.is_empty() {
            out.push_str("No image has been recorded yet.\n");
        }
        out.push_str("| Image | Critical | High | Medium | Low | Unknown | Unique ids | Fixable |\n");
        out.push_str("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for image in &self.images {
            let (c, p) = (&image.counts, &image.previous);
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} | {} | {} | {} |",
                image.name,
                delta(c.critical, p.critical),
                delta(c.high, p.high),
                delta(c.medium, p.medium),
                delta(c.low, p.low),
                delta(c.unknown, p.unknown),
                image.unique,
                image.fixable
            );
        }
        out.push('\n');
        for image in &self.images {
            self.render_image(&mut out, image);
        }
        out.push_str("## Exceptions expiring within 14 days\n\n");
        if self.expiring.is_empty() {
            out.push_str("None.\n\n");
        }
        for exception in &self.expiring {
            let _ = writeln!(
                out,
                "- {} expires {}: {} ({})",
                code(&exception.id, 80),
                exception.expires.map(|d| d.to_string()).unwrap_or_default(),
                inline(&exception.reason, MAX_INLINE),
                inline(&exception.source, 120)
            );
        }
        if !self.expiring.is_empty() {
            out.push('\n');
        }
        out.push_str("## Audit chain heads\n\n");
        for image in &self.images {
            let _ = writeln!(out, "- `{}`: event {} `{}`", image.name, image.head_seq, image.head_hash);
        }
        out.push_str("\n`hardline verify` recomputes each chain from its first line to these heads.\n");
        out
    }

    fn render_image(&self, out: &mut String, image: &ImageSummary) {
        let _ = writeln!(out, "## `{}`\n", image.name);
        out.push_str(
            "| Week ending | Critical | High | Medium | Low | Total |\n|---|---:|---:|---:|---:|---:|\n",
        );
        for (week, c) in &image.trend {
            let _ = writeln!(
                out,
                "| {week} | {} | {} | {} | {} | {} |",
                c.critical,
                c.high,
                c.medium,
                c.low,
                c.total()
            );
        }
        out.push('\n');
        for (heading, list) in
            [("Introduced this week", &image.introduced), ("Fixed this week", &image.fixed)]
        {
            let _ = writeln!(out, "**{heading}** ({})\n", list.len());
            for finding in list.iter().take(LIST) {
                let item = ListItem { fix: false, separator: ": ", title_chars: 120 };
                let _ = writeln!(out, "{}", list_item(&FindingRow::of(finding), item));
            }
            if list.len() > LIST {
                let _ = writeln!(out, "- … and {} more", list.len() - LIST);
            }
            out.push('\n');
        }
        if !image.oldest.is_empty() {
            out.push_str("**Oldest open findings**\n\n| Finding | Severity | Open since | Age (days) |\n|---|---|---|---:|\n");
            for (finding, since) in &image.oldest {
                let age = (self.now.as_second() - since.as_second()) / 86_400;
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {age} |",
                    finding_label(finding),
                    finding.severity,
                    since.strftime("%Y-%m-%d")
                );
            }
            out.push('\n');
        }
    }

    /// The comment of this week: what the summary said, stamped with the week's marker.
    fn week_comment(&self) -> String {
        let mut out = format!("{}\n**Week {}**\n\n", Marker::summary_week(&self.week).as_str(), self.week);
        for image in &self.images {
            let (c, p) = (&image.counts, &image.previous);
            let _ = writeln!(
                out,
                "- `{}`: critical {}, high {}, medium {}; {} introduced, {} fixed",
                image.name,
                delta(c.critical, p.critical),
                delta(c.high, p.high),
                delta(c.medium, p.medium),
                image.introduced.len(),
                image.fixed.len()
            );
        }
        out
    }
}

/// `text` as published: whole when it fits the tracker's body limit, else cut at a line with a
/// note (with many images, or report text that escaping lengthens, the summary can be longer).
/// `SECURITY_SUMMARY.md` always holds all of it.
fn fit(text: String, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text;
    }
    let note = format!(
        "\n… cut to fit the {max_chars}-character limit of the tracker; the full summary is \
         `SECURITY_SUMMARY.md` in the repository.\n"
    );
    let budget = max_chars.saturating_sub(note.chars().count() + 1);
    let cut = text.char_indices().nth(budget).map_or(text.len(), |(i, _)| i);
    let cut = text[..cut].rfind('\n').map_or(cut, |i| i + 1);
    let mut out = text[..cut].to_owned();
    out.push_str(&note);
    out
}

/// What publishing the summary did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SummaryPublished {
    pub issue: u64,
    pub created_issue: bool,
    pub body_updated: bool,
    pub comment: CommentAction,
}

/// Keeps one summary issue (body replaced) with one comment per ISO week (edited if the
/// week's summary changes, never duplicated).
///
/// The issue carries `labels` (the configured `issues.labels`) and is looked for among issues
/// with the first of them before all issues; it is found by its marker either way.
pub fn publish(
    tracker: &mut dyn Tracker,
    summary: &Summary,
    labels: &[String],
) -> Result<SummaryPublished, PublishError> {
    let max_chars = tracker.max_body_chars();
    let body = fit(summary.render(), max_chars);
    let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    let title = "Weekly security summary";
    let marker = Marker::summary_issue();
    let (issue, created_issue, body_updated) =
        match tracker.find_issue(marker.as_str(), labels.first().copied())? {
            None => (tracker.create_issue(title, &body, &labels)?, true, false),
            Some(issue) if issue.body == body && issue.state == IssueState::Open => (issue, false, false),
            Some(issue) => {
                let update = IssueUpdate {
                    title: None,
                    body: Some(body.clone()),
                    state: (issue.state == IssueState::Closed).then_some(IssueState::Open),
                };
                (tracker.update_issue(issue.number, &update)?, false, true)
            }
        };
    let week_marker = Marker::summary_week(&summary.week);
    let comment_body = fit(summary.week_comment(), max_chars);
    let comment = crate::keep_comment(tracker, issue.number, &week_marker, &comment_body)?;
    Ok(SummaryPublished { issue: issue.number, created_issue, body_updated, comment })
}

#[cfg(test)]
mod tests {
    use hardline_ledger::Ledger;
    use hardline_model::{ImageName, Scan, ScanMeta, Severity};

    use super::*;

    /// Weekly scans in which findings arrive, leave, return, change severity and version.
    fn ledger(root: &std::path::Path) -> (Ledger, ImageName, Timestamp) {
        let image = ImageName::new("app").expect("a name");
        let ledger = Ledger::open(root);
        let mut writer = ledger.lock().expect("lock");
        let first: Timestamp = "2026-01-05T04:00:00Z".parse().expect("a time");
        let mut last = first;
        for week in 0..20i64 {
            let at = first.checked_add((24 * 7 * week).hours()).expect("a time");
            last = at;
            let findings = (0..12)
                .filter(|id| (week + id) % 5 != 0)
                .map(|id| {
                    let severity = if (week / 4 + id) % 3 == 0 { Severity::High } else { Severity::Medium };
                    let version = if week > 10 && id % 2 == 0 { "2" } else { "1" };
                    Finding::debian_vulnerability(&format!("CVE-{id}"), "libc6", version, severity)
                })
                .collect();
            let created = hardline_model::Timestamp::from_instant(at);
            let meta = ScanMeta {
                scanner: "trivy".into(),
                created_at: Some(created.clone()),
                ..ScanMeta::default()
            };
            writer.record(&image, vec![Scan::new(meta, findings)], &created).expect("record");
        }
        drop(writer);
        (ledger, image, last)
    }

    fn material(findings: &[Finding]) -> Vec<(String, Severity, Option<String>)> {
        let mut out: Vec<_> = findings
            .iter()
            .map(|f| (f.fingerprint.to_string(), f.severity, f.package.as_ref().map(|p| p.version.clone())))
            .collect();
        out.sort();
        out
    }

    /// The weekly summary walks back from the head; a summary of the past folds the log from its
    /// start. On a period both can compute, they agree.
    #[test]
    fn walking_back_and_folding_forward_agree() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (ledger, image, last) = ledger(dir.path());
        for (hours, days) in [(1, 7), (30, 7), (1, 21), (24 * 7 * 3, 35)] {
            let now = last.checked_add(hours.hours()).expect("a time");
            let since = now.checked_sub((24 * days).hours()).expect("a time");
            let current = ledger.current(&image).expect("current");
            let walked =
                rewound(&ledger, &image, current.state.clone(), &current, now, since).expect("rewind");
            let folded = replayed(&ledger, &image, now, since).expect("replay");
            assert_eq!(walked.trend, folded.trend, "trend, now +{hours}h, {days} days");
            assert_eq!(material(&walked.since), material(&folded.since), "since, now +{hours}h, {days} days");
            assert_eq!(walked.now.findings, folded.now.findings);
            assert_eq!(walked.now.seen, folded.now.seen);
        }
    }
}
