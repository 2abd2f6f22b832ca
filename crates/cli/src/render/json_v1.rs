//! The JSON users script against, version 1: its own types, not the internal structs dumped.
//! The model may change; this may only grow (ARCHITECTURE.md, "JSON v1 compatibility").

use std::path::Path;

use hardline_model::{Change, ChangedField, Counts, Diff, Finding, ImageName, Timestamp};
use hardline_policy::{Decision, ProfileName};
use serde::Serialize;

use super::human::auto_merge_text;
use super::style::Style;
use super::{Renderer, describe_exception};
use crate::report::{
    DashboardReport, DiffReport, GateReport, Kind, RebuildReport, RecordReport, Report, StatusReport,
    SummaryReport, SyncReport,
};

/// Every command but the demo (whose output is a walkthrough for people).
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
        Kind::Dashboard,
    ],
    render,
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
        // An OpenVEX document, not a v1 wrapper: customers' tools read it as it is.
        Report::Vex(document) => pretty(document),
        Report::Demo(_) => return None,
        Report::Dashboard(dashboard) => pretty(&self::dashboard(dashboard)),
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
    pub unchanged: usize,
}

impl From<&Diff> for DiffV1 {
    fn from(d: &Diff) -> DiffV1 {
        DiffV1 {
            new: d.new.iter().map(Into::into).collect(),
            fixed: d.fixed.iter().map(Into::into).collect(),
            changed: d.changed.iter().map(Into::into).collect(),
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
    #[serde(skip_serializing_if = "Option::is_none")]
    event: Option<u64>,
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
}

#[derive(Serialize)]
struct ImageStatusV1 {
    name: ImageName,
    /// Over all severities, before exceptions.
    counts: CountsV1,
    unique_vulnerabilities: usize,
    /// MEDIUM+ findings that count after exceptions: what the gate and the issue see.
    open_medium_plus: usize,
    suppressed_by_exceptions: usize,
    fixable: usize,
    risk: &'static str,
    last_scan: Option<Timestamp>,
    artifact: Option<String>,
    head_seq: u64,
    head_hash: String,
}

fn status(report: &StatusReport) -> StatusV1 {
    StatusV1 {
        version: 1,
        images: report
            .images
            .iter()
            .map(|image| ImageStatusV1 {
                name: image.name.clone(),
                counts: image.counts.into(),
                unique_vulnerabilities: image.unique_vulnerabilities,
                open_medium_plus: image.open_medium_plus,
                suppressed_by_exceptions: image.suppressed_by_exceptions,
                fixable: image.fixable,
                risk: image.risk,
                last_scan: image.last_scan.clone(),
                artifact: image.artifact.clone(),
                head_seq: image.head_seq,
                head_hash: image.head_hash.clone(),
            })
            .collect(),
        stale_exceptions: report.stale_exceptions.iter().map(describe_exception).collect(),
        expired_exceptions: report.expired_exceptions.iter().map(describe_exception).collect(),
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
    baseline_count: u32,
    candidate_count: u32,
    has_baseline: bool,
    diff: DiffV1,
    suppressed: Vec<SuppressedV1>,
    expired_exceptions: Vec<String>,
    stale_exceptions: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<PublishedV1>,
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
        published: report.published.as_ref().map(|p| PublishedV1 {
            pull_request: p.pull_request,
            comment: p.comment.as_str(),
            auto_merge: auto_merge_text(&p.auto_merge),
            labels_added: p.labels_added.clone(),
        }),
    }
}

#[derive(Serialize)]
struct VerifyV1 {
    version: u32,
    ok: bool,
    images: Vec<VerifyImageV1>,
    problems: Vec<ProblemV1>,
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

fn verify(report: &hardline_ledger::VerifyReport) -> VerifyV1 {
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
