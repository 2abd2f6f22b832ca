//! The JSON users script against, version 1: its own types, not the internal structs dumped.
//! The model may change; this may only grow (ARCHITECTURE.md, "JSON v1 compatibility").

use std::collections::BTreeMap;
use std::path::Path;

use hardline_model::{Change, ChangedField, Counts, Diff, Finding, ImageName, Severity, Timestamp};
use hardline_policy::{BaseSource, Decision, ProfileName};
use serde::Serialize;

use super::human::auto_merge_text;
use super::style::Style;
use super::{Renderer, describe_exception};
use crate::report::{
    DashboardReport, DiffReport, ExceptionsReport, FeedsReport, GateReport, InitReport, Kind, RebuildReport,
    RecordReport, Report, StatusReport, SummaryReport, SyncReport,
};

/// Every command but the demo (whose output is a walkthrough for people) and the generated
/// completions and man pages (text for shells and `man`).
pub static RENDERER: Renderer = Renderer {
    name: "json",
    offers: &[
        Kind::Record,
        Kind::Status,
        Kind::Diff,
        Kind::Gate,
        Kind::Verify,
        Kind::Rebuild,
        Kind::IssuesSync,
        Kind::Summary,
        Kind::Vex,
        Kind::Export,
        Kind::Dashboard,
        Kind::Report,
        Kind::FeedsUpdate,
        Kind::Exceptions,
        Kind::Init,
    ],
    render: |report, style| super::text(render(report, style)),
};

fn render(report: &Report, _style: &Style) -> Option<String> {
    Some(match report {
        Report::Record(record) => pretty(&self::record(record)),
        Report::Status(status) => pretty(&self::status(status)),
        Report::Diff(diff) => pretty(&self::diff(diff)),
        Report::Gate(gate) => pretty(&self::gate(gate)),
        Report::Verify(verify) => pretty(&self::verify(verify)),
        Report::Rebuild(rebuild) => pretty(&self::rebuild(rebuild)),
        Report::IssuesSync(sync) => pretty(&self::sync(sync)),
        Report::Summary(summary) => pretty(&self::summary(summary)),
        Report::Demo(_) | Report::Completions(_) | Report::Man(_) => return None,
        Report::Dashboard(dashboard) => pretty(&self::dashboard(dashboard)),
        Report::Document(document) => pretty(&super::report_v1::json(&document.model)),
        Report::Init(init) => pretty(&self::init(init)),
        // The document as it is (it is JSON), or where it was written.
        Report::Export(export) => match &export.out {
            Some(out) => pretty(&ExportV1 { version: 1, format: export.format, out: display(out) }),
            None => export.document.trim_end().to_owned(),
        },
        Report::FeedsUpdate(feeds) => pretty(&self::feeds(feeds)),
        Report::Exceptions(exceptions) => pretty(&self::exceptions(exceptions)),
    })
}

/// Pretty JSON; a value that cannot be serialised (none of ours) is a JSON error object
/// rather than a panic. Characters that could deceive someone reading it in a terminal
/// (`hardline_model::text::is_deceptive`) are written as `\uXXXX` escapes: the same JSON to a
/// program, inert on a screen.
pub fn pretty<T: Serialize>(value: &T) -> String {
    let json = serde_json::to_string_pretty(value)
        .unwrap_or_else(|e| format!("{{\"error\": {}}}", serde_json::Value::String(e.to_string())));
    escape_deceptive(json)
}

/// `json` with every deceptive character escaped. They can only stand inside strings (JSON's
/// own syntax is ASCII), where an escape means the same character.
fn escape_deceptive(json: String) -> String {
    if !json.chars().any(hardline_model::text::is_deceptive) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for ch in json.chars() {
        if ch != '\n' && hardline_model::text::is_deceptive(ch) {
            let mut units = [0u16; 2];
            for unit in ch.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(ch);
        }
    }
    out
}

#[derive(Serialize)]
pub struct FindingV1 {
    pub id: String,
    pub kind: &'static str,
    pub severity: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub installed_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub fingerprint: String,
}

impl From<&Finding> for FindingV1 {
    fn from(f: &Finding) -> FindingV1 {
        FindingV1 {
            id: f.id.clone(),
            kind: f.kind.as_str(),
            severity: f.severity.as_str(),
            package: f.package.as_ref().map(|p| p.name.clone()),
            installed_version: f.package.as_ref().map(|p| p.version.clone()),
            fixed_version: f.package.as_ref().and_then(|p| p.fixed_version.clone()),
            path: f
                .package
                .as_ref()
                .and_then(|p| p.path.clone())
                .or_else(|| f.location.as_ref().map(|l| l.path.clone())),
            title: f.title.clone(),
            url: f.url.clone(),
            fingerprint: f.fingerprint.to_string(),
        }
    }
}

#[derive(Serialize)]
pub struct ChangeV1 {
    #[serde(flatten)]
    pub finding: FindingV1,
    pub changed: Vec<ChangedField>,
    pub before: FindingV1,
}

impl From<&Change> for ChangeV1 {
    fn from(c: &Change) -> ChangeV1 {
        ChangeV1 { finding: (&c.after).into(), changed: c.fields.clone(), before: (&c.before).into() }
    }
}

#[derive(Serialize)]
pub struct DiffV1 {
    pub new: Vec<FindingV1>,
    pub fixed: Vec<FindingV1>,
    pub changed: Vec<ChangeV1>,
    /// Findings carried on under a new identity: neither fixed nor new. Omitted when empty
    /// (always, as it was absent before identities could change).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reidentified: Vec<ChangeV1>,
    pub unchanged: usize,
}

impl From<&Diff> for DiffV1 {
    fn from(d: &Diff) -> DiffV1 {
        DiffV1 {
            new: d.new.iter().map(Into::into).collect(),
            fixed: d.fixed.iter().map(Into::into).collect(),
            changed: d.changed.iter().map(Into::into).collect(),
            reidentified: d.reidentified.iter().map(Into::into).collect(),
            unchanged: d.unchanged + d.refreshed.len(),
        }
    }
}

/// Counts with the total, as every JSON output shows them.
#[derive(Serialize)]
pub struct CountsV1 {
    #[serde(flatten)]
    pub counts: Counts,
    pub total: u32,
}

impl From<Counts> for CountsV1 {
    fn from(counts: Counts) -> CountsV1 {
        CountsV1 { counts, total: counts.total() }
    }
}

#[derive(Serialize)]
struct RecordV1 {
    version: u32,
    image: ImageName,
    /// Whether anything was appended to the log.
    recorded: bool,
    /// From the state before this call to the state after it.
    diff: DiffV1,
    counts: CountsV1,
    unique_vulnerabilities: usize,
    scans: Vec<RecordScanV1>,
}

#[derive(Serialize)]
struct RecordScanV1 {
    report: String,
    created_at: Option<Timestamp>,
    recorded: bool,
    new: usize,
    fixed: usize,
    changed: usize,
    /// Omitted when zero.
    #[serde(skip_serializing_if = "is_zero")]
    reidentified: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    event: Option<u64>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

fn record(report: &RecordReport) -> RecordV1 {
    let recorded = &report.recorded;
    RecordV1 {
        version: 1,
        image: report.image.clone(),
        recorded: recorded.outcomes.iter().any(|o| o.recorded),
        diff: (&recorded.total).into(),
        counts: recorded.counts.into(),
        unique_vulnerabilities: recorded.unique_vulnerabilities,
        scans: recorded
            .outcomes
            .iter()
            .map(|o| RecordScanV1 {
                report: report.labels.get(o.input_index).cloned().unwrap_or_default(),
                created_at: o.created_at.clone(),
                recorded: o.recorded,
                new: o.new,
                fixed: o.fixed,
                changed: o.changed,
                reidentified: o.reidentified,
                event: o.seq,
            })
            .collect(),
    }
}

#[derive(Serialize)]
struct StatusV1 {
    version: u32,
    images: Vec<ImageStatusV1>,
    /// Exceptions that match no finding of any image: `id (file:line)`.
    stale_exceptions: Vec<String>,
    /// Exceptions past their date: their findings count again.
    expired_exceptions: Vec<String>,
    /// The feeds that were read, by name (`kev`); absent when none was.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    feeds: BTreeMap<&'static str, FeedInfoV1>,
    /// The service levels in force, in days.
    sla: SlaV1,
}

#[derive(Serialize)]
struct SlaV1 {
    critical: u32,
    high: u32,
    medium: u32,
    low: u32,
    stale_after_days: u32,
}

#[derive(Serialize)]
struct ImageStatusV1 {
    name: ImageName,
    /// Open findings that count, after exceptions (what the gate counts). Before 0.2 this
    /// counted suppressed findings too; `counts` + `suppressed` is that figure.
    counts: CountsV1,
    /// Open findings an active exception suppresses (accepted risks).
    suppressed: CountsV1,
    unique_vulnerabilities: usize,
    /// MEDIUM+ findings that count after exceptions: what the gate and the issue see.
    open_medium_plus: usize,
    suppressed_by_exceptions: u32,
    fixable: usize,
    /// The most severe band among the findings that count.
    risk: &'static str,
    last_scan: Option<Timestamp>,
    /// Whole days since the last scan.
    last_scan_age_days: Option<i64>,
    /// No scan for longer than `sla.stale_after_days`.
    stale: bool,
    artifact: Option<String>,
    head_seq: u64,
    head_hash: String,
    /// Findings that count and are in CISA's KEV catalog; absent without a catalog.
    #[serde(skip_serializing_if = "Option::is_none")]
    kev: Option<usize>,
    /// Findings that count and are past their SLA due date.
    overdue: usize,
    /// Mean days from the first scan with a finding to the first scan without it, per
    /// severity as last seen open, over every fix in the log; null where nothing was fixed.
    mttr_days: MttrV1,
    fixed_within_sla: SlaRecordV1,
}

#[derive(Serialize)]
struct MttrV1 {
    critical: Option<f64>,
    high: Option<f64>,
    medium: Option<f64>,
    low: Option<f64>,
}

impl From<&hardline_triage::Mttr> for MttrV1 {
    fn from(mttr: &hardline_triage::Mttr) -> MttrV1 {
        // Hundredths of a day (about a quarter of an hour) are as precise as a mean needs.
        let days = |severity| mttr.days(severity).map(|d| (d * 100.0).round() / 100.0);
        MttrV1 {
            critical: days(Severity::Critical),
            high: days(Severity::High),
            medium: days(Severity::Medium),
            low: days(Severity::Low),
        }
    }
}

#[derive(Serialize)]
struct SlaRecordV1 {
    /// Fixes of findings with a service level.
    fixed: usize,
    /// Of those, fixed by their due date.
    within_sla: usize,
}

fn status(report: &StatusReport) -> StatusV1 {
    let settings = &report.settings;
    StatusV1 {
        version: 1,
        images: report
            .images
            .iter()
            .map(|image| ImageStatusV1 {
                name: image.name.clone(),
                counts: image.counts.into(),
                suppressed: image.suppressed.into(),
                unique_vulnerabilities: image.unique_vulnerabilities,
                open_medium_plus: image.open_medium_plus,
                suppressed_by_exceptions: image.suppressed.total(),
                fixable: image.fixable,
                risk: image.risk,
                last_scan: image.last_scan.clone(),
                last_scan_age_days: image.scan.age_days,
                stale: image.scan.stale,
                artifact: image.artifact.clone(),
                head_seq: image.head_seq,
                head_hash: image.head_hash.clone(),
                kev: image.kev,
                overdue: image.overdue,
                mttr_days: (&image.mttr).into(),
                fixed_within_sla: SlaRecordV1 {
                    fixed: image.sla_record.fixed,
                    within_sla: image.sla_record.within,
                },
            })
            .collect(),
        stale_exceptions: report.stale_exceptions.iter().map(describe_exception).collect(),
        expired_exceptions: report.expired_exceptions.iter().map(describe_exception).collect(),
        feeds: report.feeds.iter().map(|f| (f.kind.name(), f.into())).collect(),
        sla: SlaV1 {
            critical: settings.sla.critical,
            high: settings.sla.high,
            medium: settings.sla.medium,
            low: settings.sla.low,
            stale_after_days: settings.stale_after_days,
        },
    }
}

#[derive(Serialize)]
struct DiffReportV1 {
    version: u32,
    old: CountsV1,
    new: CountsV1,
    diff: DiffV1,
}

fn diff(report: &DiffReport) -> DiffReportV1 {
    DiffReportV1 {
        version: 1,
        old: report.old_counts.into(),
        new: report.new_counts.into(),
        diff: (&report.diff).into(),
    }
}

#[derive(Serialize)]
struct GateV1 {
    version: u32,
    image: ImageName,
    decision: Decision,
    policy: ProfileName,
    reasons: Vec<ReasonV1>,
    /// What the candidate was compared with: `ledger` (the baseline view) or `report` (the
    /// rescan of the base branch given as `--base-report`).
    base: &'static str,
    /// Findings of the rescanned base that the last recorded scan did not have: on the base
    /// branch too, not caused by the pull request. `[]` without `--base-report`.
    base_drift: Vec<FindingV1>,
    baseline_count: u32,
    candidate_count: u32,
    has_baseline: bool,
    diff: DiffV1,
    suppressed: Vec<SuppressedV1>,
    expired_exceptions: Vec<String>,
    stale_exceptions: Vec<String>,
    /// Rules that were on but not run, for want of an input (a feed, the log).
    unchecked: Vec<UncheckedV1>,
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<PublishedV1>,
}

#[derive(Serialize)]
struct UncheckedV1 {
    rule: &'static str,
    /// `kev`, `epss` or `first_seen`.
    missing: &'static str,
    message: &'static str,
}

#[derive(Serialize)]
struct ReasonV1 {
    rule: &'static str,
    effect: Decision,
    message: String,
}

#[derive(Serialize)]
struct SuppressedV1 {
    #[serde(flatten)]
    finding: FindingV1,
    exception: String,
    reason: String,
    expires: Option<String>,
}

#[derive(Serialize)]
struct PublishedV1 {
    pull_request: u64,
    comment: &'static str,
    auto_merge: String,
    labels_added: Vec<String>,
    /// Whether the token was refused a write (a fork's read-only token).
    refused: bool,
    warnings: Vec<String>,
}

fn gate(report: &GateReport) -> GateV1 {
    let result = &report.decided.result;
    GateV1 {
        version: 1,
        image: report.image.clone(),
        decision: result.decision,
        policy: result.profile.clone(),
        reasons: result
            .reasons
            .iter()
            .map(|r| ReasonV1 { rule: r.rule.code, effect: r.effect, message: r.message.clone() })
            .collect(),
        base: match result.base {
            BaseSource::Rescan => "report",
            BaseSource::Ledger | BaseSource::Nothing => "ledger",
        },
        base_drift: result.base_drift.iter().map(Into::into).collect(),
        baseline_count: result.baseline_count,
        candidate_count: result.candidate_count,
        has_baseline: report.decided.has_baseline,
        diff: (&result.diff).into(),
        suppressed: result
            .suppressed
            .iter()
            .map(|(f, e)| SuppressedV1 {
                finding: f.into(),
                exception: e.id.clone(),
                reason: e.reason.clone(),
                expires: e.expires.map(|d| d.to_string()),
            })
            .collect(),
        expired_exceptions: result.expired_exceptions.iter().map(describe_exception).collect(),
        stale_exceptions: result.stale_exceptions.iter().map(describe_exception).collect(),
        unchecked: result
            .unchecked
            .iter()
            .map(|u| UncheckedV1 {
                rule: u.rule.code,
                missing: u.missing.as_str(),
                message: u.missing.missing(),
            })
            .collect(),
        published: report.published.as_ref().map(|p| PublishedV1 {
            pull_request: p.pull_request,
            comment: p.comment.as_str(),
            auto_merge: auto_merge_text(&p.auto_merge),
            labels_added: p.labels_added.clone(),
            refused: p.refused(),
            warnings: p.warnings.clone(),
        }),
    }
}

#[derive(Serialize)]
struct VerifyV1 {
    version: u32,
    ok: bool,
    images: Vec<VerifyImageV1>,
    problems: Vec<ProblemV1>,
    /// Views that match their log in the layout of hardline 0.1 (rewritten by the next record
    /// or `rebuild`).
    legacy_views: Vec<String>,
    /// With `--tracker`: what each image's issue witnessed.
    #[serde(skip_serializing_if = "Option::is_none")]
    tracker: Option<TrackerV1>,
}

#[derive(Serialize)]
struct TrackerV1 {
    name: String,
    images: Vec<WitnessV1>,
}

#[derive(Serialize)]
struct WitnessV1 {
    name: ImageName,
    issue: Option<u64>,
    /// `holds`, `broken` or `no witness`.
    verdict: &'static str,
    seq: Option<u64>,
    sha256: Option<String>,
}

#[derive(Serialize)]
struct VerifyImageV1 {
    name: ImageName,
    events: u64,
    head: String,
}

#[derive(Serialize)]
struct ProblemV1 {
    file: String,
    line: usize,
    message: String,
}

fn verify(outcome: &crate::report::VerifyOutcome) -> VerifyV1 {
    let report = &outcome.ledger;
    VerifyV1 {
        version: 1,
        ok: report.ok(),
        images: report
            .images
            .iter()
            .map(|(name, events, head)| VerifyImageV1 {
                name: name.clone(),
                events: *events,
                head: head.clone(),
            })
            .collect(),
        problems: report
            .problems
            .iter()
            .map(|p| ProblemV1 {
                file: p.path.display().to_string(),
                line: p.line,
                message: p.message.clone(),
            })
            .collect(),
        legacy_views: report.legacy_views.iter().map(|p| p.display().to_string()).collect(),
        tracker: outcome.tracker.as_ref().map(|t| TrackerV1 {
            name: t.tracker.clone(),
            images: t
                .images
                .iter()
                .map(|w| WitnessV1 {
                    name: w.image.clone(),
                    issue: w.issue,
                    verdict: w.verdict.as_str(),
                    seq: w.verdict.head().map(|h| h.seq),
                    sha256: w.verdict.head().map(|h| h.hash.clone()),
                })
                .collect(),
        }),
    }
}

#[derive(Serialize)]
struct RebuildV1<'a> {
    version: u32,
    changed: &'a [String],
}

fn rebuild(report: &RebuildReport) -> RebuildV1<'_> {
    RebuildV1 { version: 1, changed: &report.changed }
}

#[derive(Serialize)]
struct SyncV1<'a> {
    version: u32,
    tracker: &'a str,
    images: Vec<SyncImageV1<'a>>,
}

#[derive(Serialize)]
struct SyncImageV1<'a> {
    image: &'a ImageName,
    action: &'static str,
    issue: Option<u64>,
    url: Option<&'a str>,
    open_findings: usize,
}

fn sync(report: &SyncReport) -> SyncV1<'_> {
    SyncV1 {
        version: 1,
        tracker: &report.tracker,
        images: report
            .outcomes
            .iter()
            .map(|o| SyncImageV1 {
                image: &o.image,
                action: o.action.as_str(),
                issue: o.issue,
                url: o.url.as_deref(),
                open_findings: o.open_findings,
            })
            .collect(),
    }
}

#[derive(Serialize)]
struct SummaryV1<'a> {
    version: u32,
    week: &'a str,
    file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    issue: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<&'static str>,
}

fn summary(report: &SummaryReport) -> SummaryV1<'_> {
    SummaryV1 {
        version: 1,
        week: &report.week,
        file: report.file.display().to_string(),
        issue: report.published.as_ref().map(|p| p.issue),
        comment: report.published.as_ref().map(|p| p.comment.as_str()),
    }
}

#[derive(Serialize)]
struct DashboardV1<'a> {
    version: u32,
    out: String,
    files: &'a [String],
    changed: &'a [String],
}

fn dashboard(report: &DashboardReport) -> DashboardV1<'_> {
    DashboardV1 { version: 1, out: display(&report.out), files: &report.files, changed: &report.changed }
}

#[derive(Serialize)]
struct ExceptionsV1 {
    version: u32,
    /// The day the states are as of.
    today: String,
    exceptions: Vec<ExceptionV1>,
}

#[derive(Serialize)]
struct ExceptionV1 {
    id: String,
    /// `file:line`.
    source: String,
    /// `active`, `expiring` (within 14 days), `expired` (its findings count again) or `stale`
    /// (matches no finding in any image).
    state: &'static str,
    expires: Option<String>,
    /// Days until it expires (negative once expired).
    days_left: Option<i64>,
    reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    vex: Option<String>,
    images: Vec<String>,
    packages: Vec<String>,
    purls: Vec<String>,
    paths: Vec<String>,
    /// Omitted when the exception is not limited to given fingerprints.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fingerprints: Vec<String>,
    /// The open findings it suppresses; for an expired one, those it matches (counting again).
    findings: Vec<ExceptedV1>,
}

#[derive(Serialize)]
struct ExceptedV1 {
    image: ImageName,
    #[serde(flatten)]
    finding: FindingV1,
}

fn exceptions(report: &ExceptionsReport) -> ExceptionsV1 {
    ExceptionsV1 {
        version: 1,
        today: report.today.to_string(),
        exceptions: report
            .entries
            .iter()
            .map(|entry| {
                let e = &entry.exception;
                ExceptionV1 {
                    id: e.id.clone(),
                    source: e.source.clone(),
                    state: entry.state.as_str(),
                    expires: e.expires.map(|d| d.to_string()),
                    days_left: e.expires.map(|d| hardline_policy::sla::days_between(report.today, d)),
                    reason: e.reason.clone(),
                    vex: e.vex.clone(),
                    images: e.images.clone(),
                    packages: e.packages.clone(),
                    purls: e.purls.clone(),
                    paths: e.paths.clone(),
                    fingerprints: e.fingerprints.clone(),
                    findings: entry
                        .findings
                        .iter()
                        .map(|(image, f)| ExceptedV1 { image: image.clone(), finding: f.into() })
                        .collect(),
                }
            })
            .collect(),
    }
}

#[derive(Serialize)]
struct FeedsV1 {
    version: u32,
    feeds: Vec<FeedV1>,
}

#[derive(Serialize)]
struct FeedV1 {
    name: &'static str,
    url: String,
    /// `downloaded`, `not modified` or `failed`.
    outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    bytes: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    feed: Option<FeedInfoV1>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// A feed as it was read: its publisher's version and date, and its size.
#[derive(Serialize)]
pub struct FeedInfoV1 {
    pub version: String,
    pub date: String,
    pub entries: usize,
}

impl From<&hardline_feeds::FeedInfo> for FeedInfoV1 {
    fn from(info: &hardline_feeds::FeedInfo) -> FeedInfoV1 {
        FeedInfoV1 {
            version: info.version.clone(),
            date: info.date.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
            entries: info.entries,
        }
    }
}

fn feeds(report: &FeedsReport) -> FeedsV1 {
    let feeds = report
        .feeds
        .iter()
        .map(|feed| match &feed.result {
            Ok(updated) => FeedV1 {
                name: feed.kind.name(),
                url: feed.url.clone(),
                outcome: updated.outcome.as_str(),
                bytes: match updated.outcome {
                    hardline_feeds::update::Outcome::Downloaded(bytes) => Some(bytes),
                    hardline_feeds::update::Outcome::NotModified => None,
                },
                file: Some(display(updated.path.strip_prefix(&report.root).unwrap_or(&updated.path))),
                feed: Some((&updated.info).into()),
                error: None,
            },
            Err(error) => FeedV1 {
                name: feed.kind.name(),
                url: feed.url.clone(),
                outcome: "failed",
                bytes: None,
                file: None,
                feed: None,
                error: Some(error.clone()),
            },
        })
        .collect();
    FeedsV1 { version: 1, feeds }
}

/// `export --out FILE`: where the document went.
#[derive(Serialize)]
struct ExportV1 {
    version: u32,
    format: &'static str,
    out: String,
}

#[derive(Serialize)]
struct InitV1<'a> {
    version: u32,
    dir: String,
    files: &'a [String],
    images: &'a [ImageName],
    without_dockerfile: &'a [ImageName],
    /// How the workflows refer to the hardline action (`owner/name@ref`).
    action: String,
    /// Whether the action is pinned by a commit (else by a tag: a developer's build).
    pinned: bool,
}

fn init(report: &InitReport) -> InitV1<'_> {
    let action = &report.action;
    InitV1 {
        version: 1,
        dir: display(&report.dir),
        files: &report.files,
        images: &report.images,
        without_dockerfile: &report.without_dockerfile,
        action: action.reference(),
        pinned: action.commit.is_some(),
    }
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deceptive_characters_are_escaped_and_mean_the_same() {
        let title = "a\u{202E}b\u{9b}c\u{7f}d\u{E0041}e\u{1b}";
        let json = pretty(&serde_json::json!({ "title": title }));
        assert!(json.chars().all(|c| c == '\n' || !hardline_model::text::is_deceptive(c)), "{json}");
        assert!(json.contains("\\u202e") && json.contains("\\udb40\\udc41"), "{json}");
        let back: serde_json::Value = serde_json::from_str(&json).expect("still JSON");
        assert_eq!(back["title"], title);
    }
}
