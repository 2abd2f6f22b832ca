//! One issue per image while it has open MEDIUM+ findings (after exceptions).
//!
//! The desired state comes from the ledger; the issue is found by its marker. Decisions:
//! - no issue, findings → open one;
//! - open issue, the MEDIUM+ open set changed (a finding new, fixed, or of another severity)
//!   → replace the body, add ONE comment with what changed;
//! - open issue, only what else the body shows changed (versions, accepted risks, KEV
//!   listings, scans gone stale) → replace the body silently: no comment, no notification;
//! - open issue, the body shows the same (the digest in it matches) and records the chain
//!   head of the same ledger state → nothing at all; a new scan alone (one that changed
//!   nothing else the body shows) → replace the body silently;
//! - open issue, no findings left → comment and close;
//! - closed issue, findings again → reopen the same issue, with body and comment.
//!
//! Every body records the chain head it was synced from (the seq and hash of the log's last
//! event, from the ledger): a witness outside the repository that `verify --tracker` checks.
//! A closed issue keeps the head it was closed at.
//!
//! Each action is appended to the image's audit log. The body is replaced before the comment
//! is posted: if the process dies in between, the next run sees the new digest and posts
//! nothing, so a comment can be missed but never duplicated.

use std::collections::BTreeMap;
use std::fmt::Write;

use hardline_feeds::{Feeds, KevEntry};
use hardline_ledger::{
    Current, EventBody, EventKind, HeadLine, IssueAction, IssueSynced, Ledger, State, Writer,
};
use hardline_model::row::FindingRow;
use hardline_model::text::rows::{self, ListItem};
use hardline_model::text::{MAX_INLINE, code, finding_label, inline};
use hardline_model::{
    ChangedField, Counts, Finding, Fingerprint, ImageName, Progress, Severity, Timestamp, diff, hex,
    unique_vulnerability_ids,
};
use hardline_policy::{Exception, ExceptionSet};
use hardline_tracker::{IssueState, IssueUpdate, Tracker};
use hardline_triage::{ScanAge, Triage};
use jiff::civil::Date;
use sha2::{Digest, Sha256};

use crate::PublishError;
use crate::markers::{ChainHead, Marker, chain_head_in, chain_head_line, state_in, state_line};

/// Items per list in a change comment.
const COMMENT_ROWS: usize = 50;

pub struct SyncSettings<'a> {
    /// Labels every image issue carries besides `image:<name>`.
    pub labels: &'a [String],
    pub exceptions: &'a ExceptionSet,
    pub today: Date,
    /// The time stamped on the audit events.
    pub now: &'a Timestamp,
    /// KEV listings are marked in the body when a catalog is given.
    pub feeds: &'a Feeds,
    /// When scans count as stale.
    pub triage: hardline_triage::Settings,
}

impl SyncSettings<'_> {
    fn triage(&self) -> Triage<'_> {
        Triage {
            exceptions: self.exceptions,
            feeds: self.feeds,
            settings: self.triage,
            now: self.now.instant(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncAction {
    Unchanged,
    Opened,
    Updated,
    Closed,
    Reopened,
}

impl SyncAction {
    /// What the audit log records of it; nothing for `Unchanged`.
    pub fn logged(self) -> Option<IssueAction> {
        match self {
            SyncAction::Unchanged => None,
            SyncAction::Opened => Some(IssueAction::Opened),
            SyncAction::Updated => Some(IssueAction::Updated),
            SyncAction::Closed => Some(IssueAction::Closed),
            SyncAction::Reopened => Some(IssueAction::Reopened),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SyncAction::Unchanged => "unchanged",
            SyncAction::Opened => "opened",
            SyncAction::Updated => "updated",
            SyncAction::Closed => "closed",
            SyncAction::Reopened => "reopened",
        }
    }
}

#[derive(Clone, Debug)]
pub struct SyncOutcome {
    pub image: ImageName,
    pub action: SyncAction,
    pub issue: Option<u64>,
    pub url: Option<String>,
    pub open_findings: usize,
}

/// Brings the issue of each of `images` in line with the ledger, holding its lock (each action
/// is appended to the image's audit log); `progress` hears of each image.
pub fn sync_images(
    tracker: &mut dyn Tracker,
    ledger: &Ledger,
    images: &[ImageName],
    settings: &SyncSettings<'_>,
    progress: &dyn Progress,
) -> Result<Vec<SyncOutcome>, PublishError> {
    let mut writer = ledger.lock()?;
    progress.start("syncing issues", images.len() as u64);
    images
        .iter()
        .map(|image| {
            let outcome = sync_image(tracker, ledger, &mut writer, image, settings);
            progress.advance(image.as_str());
            outcome
        })
        .collect()
}

/// Brings the issue of `image` in line with the ledger.
pub fn sync_image(
    tracker: &mut dyn Tracker,
    ledger: &Ledger,
    writer: &mut Writer<'_>,
    image: &ImageName,
    settings: &SyncSettings<'_>,
) -> Result<SyncOutcome, PublishError> {
    // The state at the head from the baseline view the log vouches for; the log is read back
    // only as far as the last issue event, and only when the issue changes.
    let current = ledger.current(image)?;
    let state = &current.state;
    let open = open_findings(state, image, settings);
    let view = View::of(state, image, settings);
    let digest = view.digest(&open);
    let head =
        current.head.as_ref().map(|h| ChainHead { seq: h.seq, hash: h.hash.clone(), state: h.state.clone() });
    let shown = Shown { digest: &digest, head: head.as_ref() };
    let marker = Marker::image_issue(image);
    let image_label = format!("image:{image}");
    let existing = tracker.find_issue(marker.as_str(), Some(&image_label))?;
    let budget = crate::row_budget(tracker.max_body_chars());
    let outcome = |action, issue: Option<&hardline_tracker::Issue>| SyncOutcome {
        image: image.clone(),
        action,
        issue: issue.map(|i| i.number),
        url: issue.map(|i| i.html_url.clone()),
        open_findings: open.len(),
    };

    let (action, issue) = match existing {
        None if open.is_empty() => return Ok(outcome(SyncAction::Unchanged, None)),
        None => {
            let mut labels: Vec<&str> = settings.labels.iter().map(String::as_str).collect();
            labels.push(&image_label);
            let issue = tracker.create_issue(
                &title(image, &open),
                &body(image, &open, state, &view, &shown, budget),
                &labels,
            )?;
            (SyncAction::Opened, issue)
        }
        Some(issue) => {
            let same_state = state_in(&issue.body) == Some(digest.as_str())
                && records_head(&issue.body, current.head.as_ref());
            match (issue.state, open.is_empty()) {
                (IssueState::Open, false) if same_state => {
                    return Ok(outcome(SyncAction::Unchanged, Some(&issue)));
                }
                (IssueState::Closed, true) => return Ok(outcome(SyncAction::Unchanged, Some(&issue))),
                (IssueState::Open, true) => {
                    let update = IssueUpdate {
                        title: Some(format!("Security: no open MEDIUM+ findings in {image}")),
                        body: Some(body(image, &open, state, &view, &shown, budget)),
                        state: Some(IssueState::Closed),
                    };
                    // Closed before the comment, as in the other paths: if the close fails, the
                    // next run closes and comments once; if the comment fails, it is missed.
                    let issue = tracker.update_issue(issue.number, &update)?;
                    tracker.create_comment(issue.number, &closing_comment(image, state))?;
                    (SyncAction::Closed, issue)
                }
                (state_now, false) => {
                    let reopen = state_now == IssueState::Closed;
                    let update = IssueUpdate {
                        title: Some(title(image, &open)),
                        body: Some(body(image, &open, state, &view, &shown, budget)),
                        state: reopen.then_some(IssueState::Open),
                    };
                    let updated = tracker.update_issue(issue.number, &update)?;
                    let previous = previous_open(ledger, &current, image, settings, &open)?;
                    // A comment notifies everyone watching: only for what they must act on.
                    if reopen || set_changed(&previous, &open) {
                        tracker.create_comment(
                            issue.number,
                            &change_comment(image, &previous, &open, state, reopen, budget),
                        )?;
                    }
                    (if reopen { SyncAction::Reopened } else { SyncAction::Updated }, updated)
                }
            }
        }
    };
    if let Some(logged) = action.logged() {
        writer.append(
            image,
            settings.now,
            EventBody::IssueSynced(IssueSynced {
                action: logged,
                tracker: tracker.audit_name(),
                number: issue.number,
                url: issue.html_url.clone(),
                open_findings: open.len() as u32,
            }),
        )?;
    }
    Ok(outcome(action, Some(&issue)))
}

/// What a body records besides what it shows: the digest of what it shows and the chain head.
struct Shown<'a> {
    digest: &'a str,
    head: Option<&'a ChainHead>,
}

/// Whether `body` records a chain head with the ledger state of the log's head: no scan came
/// since it. Gate and issue events (the one this sync appends among them) leave the state as
/// it is: they alone do not make a body be rewritten.
fn records_head(body: &str, head: Option<&HeadLine>) -> bool {
    let Some(head) = head else { return true };
    chain_head_in(body).is_some_and(|recorded| recorded.state == head.state)
}

/// The findings that count ([`hardline_policy::open_findings`]), in report order.
fn open_findings(state: &State, image: &ImageName, settings: &SyncSettings<'_>) -> Vec<Finding> {
    let all = state.findings_in_report_order();
    hardline_policy::open_findings(&all, image, settings.exceptions, settings.today)
        .into_iter()
        .cloned()
        .collect()
}

/// The open set as of the last issue event in the log (what the issue showed before), read
/// back from the head to that event; a finding re-identified since then is the same finding as
/// in `open`, not fixed and new.
fn previous_open(
    ledger: &Ledger,
    current: &Current,
    image: &ImageName,
    settings: &SyncSettings<'_>,
    open: &[Finding],
) -> Result<Vec<Finding>, PublishError> {
    let mut rewind = ledger.rewind(image, current)?;
    let findings = rewind.to_last(EventKind::IssueSynced)?;
    let mut then: Vec<Finding> = findings.values().cloned().collect();
    then.sort_by(Finding::report_order);
    let previous: Vec<Finding> =
        hardline_policy::open_findings(&then, image, settings.exceptions, settings.today)
            .into_iter()
            .cloned()
            .collect();
    Ok(rewind.former().carry_over(&previous, open))
}

/// Whether the open set changed in a way people act on: a finding new or fixed, or of another
/// severity. Versions alone do not count.
fn set_changed(previous: &[Finding], open: &[Finding]) -> bool {
    let by_identity = |findings: &[Finding]| -> BTreeMap<Fingerprint, Severity> {
        findings.iter().map(|f| (f.fingerprint.clone(), f.severity)).collect()
    };
    by_identity(previous) != by_identity(open)
}

/// What the body shows besides the open set: accepted risks, KEV listings, stale scans.
struct View {
    /// MEDIUM+ findings an active exception suppresses, with it.
    suppressed: Vec<(Finding, Exception)>,
    /// Findings that count (any severity) listed in the KEV catalog, with their entries.
    kev: Vec<(Finding, KevEntry)>,
    /// The catalog, as cited.
    kev_catalog: Option<String>,
    scan: ScanAge,
}

impl View {
    fn of(state: &State, image: &ImageName, settings: &SyncSettings<'_>) -> View {
        let all = state.findings_in_report_order();
        let applied = settings.exceptions.apply(&all, image, settings.today);
        let suppressed = applied
            .suppressed
            .iter()
            .filter(|(f, _)| f.severity >= hardline_policy::THRESHOLD)
            .map(|(f, e)| ((*f).clone(), (*e).clone()))
            .collect();
        let kev = applied
            .counted
            .iter()
            .filter_map(|f| settings.feeds.kev_entry(f).map(|e| ((*f).clone(), e.clone())))
            .collect();
        View {
            suppressed,
            kev,
            kev_catalog: settings.feeds.kev.as_ref().map(|k| k.info().citation()),
            scan: settings.triage().scan_age(state.last_scan.as_ref().map(|s| s.at.clone())),
        }
    }

    /// Identity of what the body shows: the open set (fingerprint, severity, versions), the
    /// accepted risks, the KEV listings and whether the scans are stale. A body that would
    /// show the same is not rewritten.
    fn digest(&self, open: &[Finding]) -> String {
        let mut lines: Vec<String> = open
            .iter()
            .map(|f| {
                let p = f.package.as_ref();
                format!(
                    "{} {} {} {}",
                    f.fingerprint,
                    f.severity.as_str(),
                    p.map(|p| p.version.as_str()).unwrap_or(""),
                    p.and_then(|p| p.fixed_version.as_deref()).unwrap_or("")
                )
            })
            .collect();
        lines.sort();
        // Sections that were added later are hashed only when present, so an issue whose body
        // has none of them keeps the digest it was written with.
        for (finding, exception) in &self.suppressed {
            lines.push(format!(
                "accepted {} {} {} {:?}",
                finding.fingerprint,
                finding.severity.as_str(),
                exception.id,
                exception.expires
            ));
        }
        for (finding, entry) in &self.kev {
            lines.push(format!("kev {} {}", finding.fingerprint, entry.date_added));
        }
        if self.scan.stale {
            lines.push("stale".to_owned());
        }
        hex(&Sha256::digest(lines.join("\n").as_bytes())[..16])
    }
}

fn title(image: &ImageName, open: &[Finding]) -> String {
    let counts = Counts::from_severities(open.iter().map(|f| f.severity));
    format!(
        "Security: {} open MEDIUM+ findings in {image} ({} critical, {} high)",
        open.len(),
        counts.critical,
        counts.high
    )
}

fn scan_line(state: &State) -> String {
    match &state.last_scan {
        Some(scan) => format!(
            "as of the scan of {} at {}",
            scan.meta
                .artifact_name
                .as_deref()
                .map(|a| code(a, 100))
                .unwrap_or_else(|| "the image".to_owned()),
            inline(scan.at.as_str(), 40)
        ),
        None => "with no scan recorded".to_owned(),
    }
}

/// The issue body: a warning when the scans stopped, the findings known to be exploited, every
/// CRITICAL and HIGH finding, the MEDIUMs summarised, the accepted risks marked as such;
/// bounded.
fn body(
    image: &ImageName,
    open: &[Finding],
    state: &State,
    view: &View,
    shown: &Shown<'_>,
    budget: usize,
) -> String {
    let counts = Counts::from_severities(open.iter().map(|f| f.severity));
    let mut out = String::new();
    let _ = writeln!(out, "{}\n{}", Marker::image_issue(image).as_str(), state_line(shown.digest));
    if let Some(head) = shown.head {
        let _ = writeln!(out, "{}", chain_head_line(head));
    }
    let _ = writeln!(
        out,
        "**{} open MEDIUM+ findings** in `{image}` after exceptions ({} critical, {} high, {} medium; {} unique ids, {} fixable), {}.\n",
        open.len(),
        counts.critical,
        counts.high,
        counts.medium,
        unique_vulnerability_ids(open),
        open.iter().filter(|f| f.fixable()).count(),
        scan_line(state)
    );
    if view.scan.stale {
        let _ = writeln!(
            out,
            "> [!WARNING]\n> **Scans have stopped**: no scan has been recorded since {} (more than {} days). \
             What follows may be out of date.\n",
            state.last_scan.as_ref().map_or_else(|| "the start".to_owned(), |s| s.at.date().to_string()),
            view.scan.stale_after_days
        );
    }
    if let (false, Some(catalog)) = (view.kev.is_empty(), &view.kev_catalog) {
        let _ = writeln!(out, "### Known exploited ({})\n", inline(catalog, 80));
        for (finding, entry) in view.kev.iter().take(COMMENT_ROWS) {
            let line = format!(
                "- {} {}: listed {}{}\n",
                finding.severity,
                finding_label(finding),
                entry.date_added,
                if entry.ransomware { ", used in ransomware campaigns" } else { "" }
            );
            if out.len() + line.len() > budget {
                break;
            }
            out.push_str(&line);
        }
        out.push('\n');
    }
    let severe: Vec<&Finding> = open.iter().filter(|f| f.severity >= Severity::High).collect();
    if !severe.is_empty() {
        out.push_str("### CRITICAL and HIGH\n\n");
        out.push_str(rows::table_header(true));
        let mut shown = 0;
        for finding in &severe {
            let row = rows::table_row(&FindingRow::of(finding), Some(100));
            if out.len() + row.len() > budget {
                break;
            }
            out.push_str(&row);
            shown += 1;
        }
        if shown < severe.len() {
            let _ = writeln!(
                out,
                "\n… {} more CRITICAL/HIGH findings did not fit; see the audit log.",
                severe.len() - shown
            );
        }
        out.push('\n');
    }
    let medium: Vec<&Finding> = open.iter().filter(|f| f.severity == Severity::Medium).collect();
    if !medium.is_empty() {
        let mut by_package: BTreeMap<String, usize> = BTreeMap::new();
        for finding in &medium {
            *by_package.entry(finding.package_name().unwrap_or("(no package)").to_owned()).or_default() += 1;
        }
        let mut packages: Vec<(String, usize)> = by_package.into_iter().collect();
        packages.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let _ = writeln!(
            out,
            "### MEDIUM\n\n{} MEDIUM findings in {} packages, {} fixable. Most affected:\n",
            medium.len(),
            packages.len(),
            medium.iter().filter(|f| f.fixable()).count()
        );
        for (package, count) in packages.iter().take(15) {
            let _ = writeln!(out, "- {}: {count}", code(package, 80));
        }
        out.push('\n');
    }
    if !view.suppressed.is_empty() {
        let _ = writeln!(
            out,
            "### Accepted risks ({}, not counted)\n\nSuppressed by exceptions until they expire; `hardline exceptions` lists them all.\n",
            view.suppressed.len()
        );
        for (finding, exception) in view.suppressed.iter().take(COMMENT_ROWS) {
            let line = format!(
                "- {} {}: accepted until {} ({}): {}\n",
                finding.severity,
                finding_label(finding),
                exception.expires.map_or_else(|| "no expiry".to_owned(), |d| d.to_string()),
                inline(&exception.source, 120),
                inline(&exception.reason, MAX_INLINE)
            );
            if out.len() + line.len() > budget {
                break;
            }
            out.push_str(&line);
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "The full list is in `audit-logs/{image}.md` and `cve-baseline/{image}.json` in the repository. \
         This issue is kept by hardline: it is updated when findings change and closed when none are left."
    );
    out
}

fn change_comment(
    image: &ImageName,
    previous: &[Finding],
    open: &[Finding],
    state: &State,
    reopened: bool,
    budget: usize,
) -> String {
    let mut change = diff(previous, open);
    // Versions alone are not news: they are in the body, silently.
    change.changed.retain(|c| c.fields.contains(&ChangedField::Severity));
    let mut out = String::new();
    if reopened {
        let _ = writeln!(out, "Findings are back in `{image}` {}: reopening.\n", scan_line(state));
    }
    let _ = writeln!(
        out,
        "**What changed** {}: {} new, {} fixed, {} changed; {} open MEDIUM+ now.\n",
        scan_line(state),
        change.new.len(),
        change.fixed.len(),
        change.changed.len(),
        open.len()
    );
    for (heading, list) in [("New", &change.new), ("Fixed", &change.fixed)] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "#### {heading}\n");
        let mut shown = 0;
        for finding in list.iter().take(COMMENT_ROWS) {
            let item = ListItem { fix: true, separator: ": ", title_chars: MAX_INLINE };
            let line = format!("{}\n", rows::list_item(&FindingRow::of(finding), item));
            // Escaping can make a title several times longer: stay under the body limit.
            if out.len() + line.len() > budget {
                break;
            }
            out.push_str(&line);
            shown += 1;
        }
        if list.len() > shown {
            let _ = writeln!(out, "- … and {} more", list.len() - shown);
        }
        out.push('\n');
    }
    if !change.changed.is_empty() {
        out.push_str("#### Changed\n\n");
        let mut shown = 0;
        for c in change.changed.iter().take(COMMENT_ROWS) {
            let line = format!(
                "- {} {}: {}\n",
                c.after.severity,
                finding_label(&c.after),
                ChangedField::join(&c.fields)
            );
            if out.len() + line.len() > budget {
                break;
            }
            out.push_str(&line);
            shown += 1;
        }
        if change.changed.len() > shown {
            let _ = writeln!(out, "- … and {} more", change.changed.len() - shown);
        }
    }
    out
}

fn closing_comment(image: &ImageName, state: &State) -> String {
    format!(
        "No MEDIUM+ findings are left in `{image}` {}. Closing; hardline reopens this issue if findings return.",
        scan_line(state)
    )
}
