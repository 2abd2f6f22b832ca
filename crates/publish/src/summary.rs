//! The weekly summary: `SECURITY_SUMMARY.md` and one persistent summary issue with a comment
//! per ISO week.

use std::collections::BTreeMap;
use std::fmt::Write;

use hardline_ledger::{EventBody, History, Ledger, Lifecycle, State};
use hardline_model::row::FindingRow;
use hardline_model::text::rows::{ListItem, list_item};
use hardline_model::text::{MAX_INLINE, code, finding_label, inline};
use hardline_model::{Counts, Finding, Fingerprint, ImageName, Progress, diff, unique_vulnerability_ids};
use hardline_policy::Exception;
use hardline_tracker::{IssueState, IssueUpdate, Tracker};
use hardline_triage::{ImageTriage, SLA_SEVERITIES, Triage};
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
    /// Per week, oldest first: the counts at its end, or `None` when no scan was made in it
    /// (a week without a scan is not a week without change).
    pub trend: Vec<(String, Option<Counts>)>,
    /// Scans recorded in the period.
    pub scans_in_period: usize,
    /// Triage of the image now: KEV, overdue, MTTR, fixes within the SLA, stale scans.
    pub triage: ImageTriage,
    pub introduced: Vec<Finding>,
    pub fixed: Vec<Finding>,
    /// Open findings with the time they (last) appeared, oldest first.
    pub oldest: Vec<(Finding, Timestamp)>,
    pub head_seq: u64,
    pub head_hash: String,
}

/// Builds the summary of the period `(now - days, now]` from the ledger, `now` being the
/// moment `triage` is made at.
pub fn build(
    ledger: &Ledger,
    triage: &Triage<'_>,
    days: i64,
    progress: &dyn Progress,
) -> Result<Summary, PublishError> {
    let now = triage.now;
    let since =
        now.checked_sub(Span::new().hours(24 * days)).map_err(|e| PublishError::Other(e.to_string()))?;
    let names = ledger.images()?;
    progress.start("summarising", names.len() as u64);
    let mut images = Vec::new();
    for name in names {
        images.push(image_summary(ledger, &name, triage, since)?);
        progress.advance(name.as_str());
    }
    let today = jiff::tz::Offset::UTC.to_datetime(now).date();
    let expiring =
        triage.exceptions.expiring_within(today, EXPIRY_WARNING_DAYS).into_iter().cloned().collect();
    let week = jiff::tz::Offset::UTC.to_datetime(now).date().iso_week_date();
    Ok(Summary { now, since, week: format!("{}-W{:02}", week.year(), week.week()), images, expiring })
}

/// The summary of one image. What it needs of the past (the state a period ago, at the end of
/// each trend week, the scans in those weeks) is read back from the head of the log, so it
/// costs the weeks shown, not the history; first-seen times and the fixes are the head's.
/// Only a summary made as of a moment before the last scan replays the log.
fn image_summary(
    ledger: &Ledger,
    name: &ImageName,
    triage: &Triage<'_>,
    since: Timestamp,
) -> Result<ImageSummary, PublishError> {
    let now = triage.now;
    let current = ledger.current(name)?;
    if current.state.last_scan.as_ref().is_some_and(|scan| scan.at.instant() > now) {
        return Ok(image_summary_replayed(&ledger.history(name)?, triage, since));
    }
    let findings = current.state.findings_in_report_order();
    let ends = trend_ends(now);
    let mut rewind = ledger.rewind(name, &current)?;
    // The moments to stop at, newest first: the end of each trend week and the period's start.
    let mut stops: Vec<Timestamp> = ends.iter().map(|(end, _)| *end).chain([since]).collect();
    stops.sort_by(|a, b| b.cmp(a));
    stops.dedup();
    let mut counts_at: BTreeMap<Timestamp, Counts> = BTreeMap::new();
    let mut before = Vec::new();
    for stop in stops {
        let then = rewind.to(stop)?;
        counts_at.insert(stop, Counts::from_severities(then.values().map(|f| f.severity)));
        if stop == since {
            let mut then: Vec<Finding> = then.values().cloned().collect();
            then.sort_by(Finding::report_order);
            // A finding re-identified during the period is the same finding, not fixed plus new.
            before = rewind.former().carry_over(&then, &findings);
        }
    }
    // Every scan after the earliest moment a count needs has been read back.
    let earliest = ends.iter().map(|(_, start)| *start).chain([since]).min().unwrap_or(since);
    rewind.to(earliest)?;
    let scans = rewind.undone_scans();
    let scanned = |from: Timestamp, to: Timestamp| scans.iter().filter(|t| **t > from && **t <= to).count();
    let trend = ends
        .iter()
        .rev()
        .map(|(end, start)| {
            let counts = (scanned(*start, *end) > 0).then(|| counts_at[end]);
            (end.strftime("%Y-%m-%d").to_string(), counts)
        })
        .collect();
    let first_seen = current
        .state
        .seen
        .iter()
        .map(|(fingerprint, seen)| (fingerprint.clone(), seen.first_seen.instant()))
        .collect();
    let head = current.head.as_ref().map(|h| (h.seq, h.hash.clone()));
    Ok(assemble(SummaryInputs {
        name: name.clone(),
        findings,
        before,
        trend,
        scans_in_period: scanned(since, now),
        triage: triage.at_head(ledger, name, &current)?,
        first_seen,
        head,
    }))
}

/// The end and the start of each trend week, the current week first.
fn trend_ends(now: Timestamp) -> Vec<(Timestamp, Timestamp)> {
    (0..TREND_WEEKS)
        .map(|week| {
            let end = now.checked_sub((24 * 7 * week).hours()).unwrap_or(now);
            let start = end.checked_sub((24 * 7).hours()).unwrap_or(end);
            (end, start)
        })
        .collect()
}

/// What an image's summary is made of, however it was read.
struct SummaryInputs {
    name: ImageName,
    /// Open now, in report order.
    findings: Vec<Finding>,
    /// Open at the start of the period, carried over re-identifications.
    before: Vec<Finding>,
    trend: Vec<(String, Option<Counts>)>,
    scans_in_period: usize,
    triage: ImageTriage,
    first_seen: BTreeMap<Fingerprint, Timestamp>,
    head: Option<(u64, String)>,
}

fn assemble(inputs: SummaryInputs) -> ImageSummary {
    let SummaryInputs { name, findings, before, trend, scans_in_period, triage, first_seen, head } = inputs;
    let change = diff(&before, &findings);
    let mut oldest: Vec<(Finding, Timestamp)> =
        findings.iter().filter_map(|f| first_seen.get(&f.fingerprint).map(|t| (f.clone(), *t))).collect();
    oldest.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| Finding::report_order(&a.0, &b.0)));
    oldest.truncate(OLDEST);
    ImageSummary {
        name,
        counts: Counts::from_severities(findings.iter().map(|f| f.severity)),
        previous: Counts::from_severities(before.iter().map(|f| f.severity)),
        unique: unique_vulnerability_ids(&findings),
        fixable: findings.iter().filter(|f| f.fixable()).count(),
        trend,
        scans_in_period,
        triage,
        introduced: change.new,
        fixed: change.fixed,
        oldest,
        head_seq: head.as_ref().map_or(0, |h| h.0),
        head_hash: head.map(|h| h.1).unwrap_or_default(),
    }
}

/// The summary of one image as of a moment before its last scan, from its whole log.
fn image_summary_replayed(history: &History, triage: &Triage<'_>, since: Timestamp) -> ImageSummary {
    let now = triage.now;
    let at_now = state_at(history, now);
    let at_since = state_at(history, since);
    let findings = at_now.findings_in_report_order();
    let before = at_now.former.carry_over(&at_since.findings_in_report_order(), &findings);
    let scans: Vec<Timestamp> = history
        .events
        .iter()
        .filter(|e| matches!(e.body, EventBody::ScanRecorded(_)))
        .map(|e| e.at.instant())
        .collect();
    let scanned = |from: Timestamp, to: Timestamp| scans.iter().filter(|t| **t > from && **t <= to).count();
    let trend = trend_ends(now)
        .into_iter()
        .rev()
        .map(|(end, start)| {
            let counts = (scanned(start, end) > 0).then(|| {
                let state = state_at(history, end);
                Counts::from_severities(state.findings.values().map(|f| f.severity))
            });
            (end.strftime("%Y-%m-%d").to_string(), counts)
        })
        .collect();
    let lifecycle = Lifecycle::of(history.events.iter().filter(|e| e.at.instant() <= now));
    let first_seen =
        lifecycle.open.iter().map(|(fingerprint, at)| (fingerprint.clone(), at.instant())).collect();
    assemble(SummaryInputs {
        name: history.image.clone(),
        findings,
        before,
        trend,
        scans_in_period: scanned(since, now),
        triage: triage.of_state(&history.image, &at_now, &lifecycle),
        first_seen,
        head: history.head().map(|e| (e.seq, e.hash.clone())),
    })
}

/// The state as of `t`: every event at or before it.
pub(crate) fn state_at(history: &History, t: Timestamp) -> State {
    let mut state = State::default();
    for event in &history.events {
        if event.at.instant() <= t {
            state.apply(event);
        }
    }
    state
}

/// `12 (+1)`: a count and its change over the period; `12 (no scan)` when nothing was scanned
/// in it, so that no change is claimed for a week nobody looked.
fn delta(now: u32, before: u32, scanned: bool) -> String {
    if !scanned {
        return format!("{now} (no scan)");
    }
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
            let (c, p, scanned) = (&image.counts, &image.previous, image.scans_in_period > 0);
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} | {} | {} | {} |",
                image.name,
                delta(c.critical, p.critical, scanned),
                delta(c.high, p.high, scanned),
                delta(c.medium, p.medium, scanned),
                delta(c.low, p.low, scanned),
                delta(c.unknown, p.unknown, scanned),
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
        let triage = &image.triage;
        if triage.scan.stale {
            let _ = writeln!(
                out,
                "> [!WARNING]\n> **Scans have stopped**: no scan for {} days (last {}); scans are stale after {} days.\n",
                triage.scan.age_days.unwrap_or_default(),
                triage.scan.last.as_ref().map_or_else(|| "never".to_owned(), |t| inline(t.as_str(), 40)),
                triage.scan.stale_after_days
            );
        }
        let c = &triage.counts;
        let kev = triage.kev.map(|n| format!(", {n} in CISA's KEV catalog")).unwrap_or_default();
        let mttr: Vec<String> = SLA_SEVERITIES
            .iter()
            .map(|s| {
                let days = triage.mttr.days(*s).map_or_else(|| "–".to_owned(), |d| format!("{d:.1}"));
                format!("{} {days}", s.as_str())
            })
            .collect();
        let within = triage.sla_record.describe().unwrap_or_else(|| "none fixed yet".to_owned());
        let _ = writeln!(
            out,
            "Open after exceptions: {} ({} critical, {} high){kev}; **{} past their SLA**; {} accepted (not counted). \
             MTTR in days: {}. Fixed within SLA: {within}.\n",
            c.total(),
            c.critical,
            c.high,
            triage.overdue,
            triage.suppressed.total(),
            mttr.join(", ")
        );
        out.push_str(
            "| Week ending | Critical | High | Medium | Low | Total |\n|---|---:|---:|---:|---:|---:|\n",
        );
        for (week, counts) in &image.trend {
            let _ = match counts {
                Some(c) => writeln!(
                    out,
                    "| {week} | {} | {} | {} | {} | {} |",
                    c.critical,
                    c.high,
                    c.medium,
                    c.low,
                    c.total()
                ),
                None => writeln!(out, "| {week} | no scan | | | | |"),
            };
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
            let (c, p, scanned) = (&image.counts, &image.previous, image.scans_in_period > 0);
            let stale = if image.triage.scan.stale { "; **scans have stopped**" } else { "" };
            let _ = writeln!(
                out,
                "- `{}`: critical {}, high {}, medium {}; {} introduced, {} fixed; {} past SLA{stale}",
                image.name,
                delta(c.critical, p.critical, scanned),
                delta(c.high, p.high, scanned),
                delta(c.medium, p.medium, scanned),
                image.introduced.len(),
                image.fixed.len(),
                image.triage.overdue
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
    use hardline_feeds::Feeds;
    use hardline_model::{FormerIdentities, Scan, ScanMeta, Severity};
    use hardline_policy::ExceptionSet;
    use hardline_triage::Settings;

    use super::*;

    /// A history of `weeks` weekly scans where findings arrive, leave, return, change severity
    /// and version, and one is re-identified, with issue events between the scans.
    fn history(root: &std::path::Path, weeks: i64) -> ImageName {
        let image = ImageName::new("app").expect("a name");
        let ledger = Ledger::open(root);
        let mut writer = ledger.lock().expect("lock");
        let mut seed = 11u64;
        let first: Timestamp = "2026-01-05T04:00:00Z".parse().expect("a time");
        for week in 0..weeks {
            let at = hardline_model::Timestamp::from_instant(
                first.checked_add((24 * 7 * week).hours()).expect("a time"),
            );
            let mut findings = Vec::new();
            let mut former = FormerIdentities::default();
            for id in 0..20 {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let roll = (seed >> 33) % 10;
                if roll < 3 {
                    continue;
                }
                let severity = [Severity::Low, Severity::Medium, Severity::High, Severity::Critical][id % 4];
                let severity = if roll == 9 { Severity::Unknown } else { severity };
                let version = if roll == 8 { "2" } else { "1" };
                findings.push(Finding::debian_vulnerability(
                    &format!("CVE-2099-{id:04}"),
                    "libc6",
                    version,
                    severity,
                ));
            }
            // From week 20 on, one finding goes by another package name: the same finding.
            let old = Finding::debian_vulnerability("CVE-2099-0100", "libssl3", "1", Severity::High);
            if week < 20 {
                findings.push(old);
            } else {
                let new = Finding::debian_vulnerability("CVE-2099-0100", "libssl3t64", "1", Severity::High);
                former.add(&new.fingerprint, old.fingerprint.clone());
                findings.push(new);
            }
            let meta =
                ScanMeta { scanner: "trivy".into(), created_at: Some(at.clone()), ..ScanMeta::default() };
            let scan = Scan::new(meta, findings).with_former_identities(former);
            writer.record(&image, vec![scan], &at).expect("record");
            if week % 4 == 2 {
                let body = EventBody::IssueSynced(hardline_ledger::IssueSynced {
                    action: hardline_ledger::IssueAction::Updated,
                    tracker: "local".into(),
                    number: 1,
                    url: String::new(),
                    open_findings: 0,
                });
                writer.append(&image, &at, body).expect("append");
            }
        }
        image
    }

    /// Read back from the head, a summary says what one replaying the whole log says, for
    /// periods and trend weeks that start before, at and after scans, across a re-identification.
    #[test]
    fn reading_back_from_the_head_summarises_as_replaying_the_log() {
        let dir = tempfile::tempdir().expect("temp dir");
        let image = history(dir.path(), 30);
        let ledger = Ledger::open(dir.path());
        let (exceptions, feeds) = (ExceptionSet::default(), Feeds::none());
        let last_scan: Timestamp = "2026-07-27T04:00:00Z".parse().expect("the last scan's time");
        for (after_last_scan, days) in [(0, 7), (1, 7), (72, 7), (200, 30), (0, 150), (24 * 20, 14)] {
            let now = last_scan.checked_add(after_last_scan.hours()).expect("a time");
            let since = now.checked_sub((24 * days).hours()).expect("a time");
            let triage =
                Triage { exceptions: &exceptions, feeds: &feeds, settings: Settings::default(), now };
            let render = |summary: ImageSummary| {
                Summary { now, since, week: String::new(), images: vec![summary], expiring: Vec::new() }
                    .render()
            };
            let read_back = image_summary(&ledger, &image, &triage, since).expect("summary");
            assert_eq!(
                read_back.trend.iter().filter(|(_, c)| c.is_some()).count() > 0,
                after_last_scan < 24 * 7 * 8
            );
            let replayed = image_summary_replayed(&ledger.history(&image).expect("history"), &triage, since);
            assert_eq!(
                render(read_back),
                render(replayed),
                "now = last scan + {after_last_scan} h, {days} days"
            );
        }
    }
}
