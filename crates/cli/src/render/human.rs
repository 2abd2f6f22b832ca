//! Human output: what a person reads in a terminal, for every command. Everything that came
//! from a report, a log, a server or a configuration file goes through
//! `hardline_model::text::terminal` (the one terminal sanitiser: escapes, bidirectional and
//! zero-width characters out); every word a colour would mark goes through the [`Style`].

use std::fmt::Write;

use hardline_model::row::{FindingRow, Subject};
use hardline_model::text::terminal;
use hardline_model::{ChangedField, Finding};
use hardline_publish::gate_comment::AutoMergeNote;

use super::Renderer;
use super::style::{Role, Style};
use crate::report::{
    DashboardReport, DemoReport, DiffReport, GateReport, Kind, RebuildReport, RecordReport, Report,
    StatusReport, SummaryReport, SyncReport,
};

pub static RENDERER: Renderer = Renderer { name: "human", offers: &Kind::ALL, render };

fn render(report: &Report, style: &Style) -> Option<String> {
    Some(match report {
        Report::Record(record) => self::record(record),
        Report::Status(status) => self::status(status, style),
        Report::Diff(diff) => self::diff(diff, style),
        Report::Gate(gate) => self::gate(gate, style),
        Report::Verify(verify) => self::verify(verify, style),
        Report::Rebuild(rebuild) => self::rebuild(rebuild),
        Report::IssuesSync(sync) => self::sync(sync),
        Report::Summary(summary) => self::summary(summary),
        // OpenVEX is JSON whatever the format: it is meant for customers' tools.
        Report::Vex(document) => super::json_v1::pretty(document),
        Report::Demo(demo) => self::demo(demo, style),
        Report::Dashboard(dashboard) => self::dashboard(dashboard),
    })
}

fn clean(text: &str) -> String {
    terminal(text, usize::MAX)
}

/// A path for the terminal (a file name can hold an escape sequence too).
fn path(path: &std::path::Path) -> String {
    clean(&path.display().to_string())
}

/// One finding on one line: the terminal's rendering of the row model.
fn finding_line(finding: &Finding, style: &Style) -> String {
    let row = FindingRow::of(finding);
    let clean = |s: &str| terminal(s, 120);
    let severity = style.paint(Role::Severity(row.severity), &format!("{:<8}", row.severity.label()));
    match row.subject {
        Subject::Package { name, installed, fixed } => format!(
            "{severity} {} {} {}{}",
            clean(row.id),
            clean(name),
            clean(installed),
            fixed.map(|v| format!(" (fixed in {})", clean(v))).unwrap_or_default()
        ),
        Subject::File { path, .. } => format!("{severity} {} {}", clean(row.id), clean(path)),
        Subject::Nothing => format!("{severity} {} ", clean(row.id)),
    }
}

fn record(report: &RecordReport) -> String {
    let recorded = &report.recorded;
    let mut out = String::new();
    for scan in &recorded.outcomes {
        let label = clean(report.labels.get(scan.input_index).map_or("", String::as_str));
        let _ = match scan.seq {
            Some(seq) if scan.recorded => writeln!(
                out,
                "{label}: recorded as event {seq} (+{} new, -{} fixed, {} changed)",
                scan.new, scan.fixed, scan.changed
            ),
            // Nothing was appended, so there is no change to count.
            _ => writeln!(out, "{label}: already in the log, nothing appended"),
        };
    }
    let c = &recorded.counts;
    let _ = write!(
        out,
        "{}: {} findings ({} critical, {} high, {} medium, {} low, {} unknown), {} unique vulnerabilities",
        report.image,
        c.total(),
        c.critical,
        c.high,
        c.medium,
        c.low,
        c.unknown,
        recorded.unique_vulnerabilities
    );
    out
}

fn status(status: &StatusReport, style: &Style) -> String {
    if status.images.is_empty() {
        return "no images recorded yet: run `hardline record --image NAME --report FILE`".to_owned();
    }
    let row = |c: &[String], last: &str| {
        format!(
            "{:<24} {:>5} {:>5} {:>6} {:>5} {:>5} {:>7} {:>7} {:>8}  {last}\n",
            c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8]
        )
    };
    let header =
        ["IMAGE", "CRIT", "HIGH", "MEDIUM", "LOW", "UNKN", "UNIQUE", "FIXABLE", "RISK"].map(str::to_owned);
    let mut out = row(&header, "LAST SCAN");
    for image in &status.images {
        out.push_str(&row(&super::status_cells(image), image.last_scan.as_ref().map_or("-", |t| t.as_str())));
    }
    exception_notes(&mut out, status, style);
    out
}

/// Exception housekeeping, for people. Exception ids and reasons are written by people in
/// this repository, but printed without control characters all the same.
pub fn exception_notes(out: &mut String, status: &StatusReport, style: &Style) {
    for stale in &status.stale_exceptions {
        let _ = writeln!(
            out,
            "{} exception {} matches no finding in any image: remove it?",
            style.paint(Role::Note, "note:"),
            clean(&super::describe_exception(stale))
        );
    }
    for expired in &status.expired_exceptions {
        let _ = writeln!(
            out,
            "{} exception {} has expired: its findings count again",
            style.paint(Role::Warning, "warning:"),
            clean(&super::describe_exception(expired))
        );
    }
}

fn diff(report: &DiffReport, style: &Style) -> String {
    let change = &report.diff;
    let mut out = format!(
        "{} → {}: {} new, {} fixed, {} changed, {} unchanged\n",
        path(&report.old),
        path(&report.new),
        change.new.len(),
        change.fixed.len(),
        change.changed.len(),
        change.unchanged + change.refreshed.len()
    );
    for f in &change.new {
        let _ = writeln!(out, "  {} {}", style.paint(Role::Added, "new  "), finding_line(f, style));
    }
    for f in &change.fixed {
        let _ = writeln!(out, "  {} {}", style.paint(Role::Removed, "fixed"), finding_line(f, style));
    }
    for c in &change.changed {
        let _ =
            writeln!(out, "  changed {} ({})", finding_line(&c.after, style), ChangedField::join(&c.fields));
    }
    out
}

fn gate(report: &GateReport, style: &Style) -> String {
    let result = &report.decided.result;
    let decision = style.paint(Role::Decision(result.decision), &result.decision.as_str().to_uppercase());
    let mut out = format!(
        "{}: {decision} (policy {}; MEDIUM+ after exceptions {} → {})\n",
        report.image, result.profile, result.baseline_count, result.candidate_count
    );
    for reason in &result.reasons {
        let effect = style.paint(Role::Decision(reason.effect), reason.effect.as_str());
        let _ = writeln!(out, "  {} [{effect}]: {}", reason.rule.code, clean(&reason.message));
    }
    for f in &result.diff.new {
        let _ = writeln!(out, "  {} {}", style.paint(Role::Added, "new  "), finding_line(f, style));
    }
    for f in &result.diff.fixed {
        let _ = writeln!(out, "  {} {}", style.paint(Role::Removed, "fixed"), finding_line(f, style));
    }
    for e in &result.expired_exceptions {
        let _ = writeln!(
            out,
            "  {} exception {} expired ({}): its findings count again",
            style.paint(Role::Warning, "warning:"),
            clean(&e.id),
            e.source
        );
    }
    for e in &result.stale_exceptions {
        let _ = writeln!(
            out,
            "  {} exception {} matches nothing ({})",
            style.paint(Role::Note, "note:"),
            clean(&e.id),
            e.source
        );
    }
    out.trim_end().to_owned()
}

fn verify(report: &hardline_ledger::VerifyReport, style: &Style) -> String {
    let mut out = String::new();
    for (image, events, head) in &report.images {
        let _ = writeln!(out, "{image}: {events} events, head {head}");
    }
    for problem in &report.problems {
        let _ = writeln!(out, "{}", style.paint(Role::Failure, &clean(&problem.to_string())));
    }
    out.push_str(&if report.ok() {
        "ledger verifies".to_owned()
    } else {
        style.paint(Role::Failure, "ledger does NOT verify")
    });
    out
}

fn rebuild(report: &RebuildReport) -> String {
    if report.changed.is_empty() {
        "every view already matches its log".to_owned()
    } else {
        format!("rewrote {}", clean(&report.changed.join(", ")))
    }
}

fn sync(report: &SyncReport) -> String {
    let mut out = format!("tracker: {}\n", clean(&report.tracker));
    for outcome in &report.outcomes {
        let issue = outcome.issue.map(|n| format!(" (issue {n})")).unwrap_or_default();
        let _ = writeln!(
            out,
            "{}: {}{issue}, {} open MEDIUM+",
            outcome.image,
            outcome.action.as_str(),
            outcome.open_findings
        );
    }
    out
}

fn summary(report: &SummaryReport) -> String {
    let issue = report
        .published
        .as_ref()
        .map(|p| format!("; summary issue {}, week comment {}", p.issue, p.comment.as_str()))
        .unwrap_or_default();
    format!("wrote {} ({}){issue}", path(&report.file), report.week)
}

fn dashboard(report: &DashboardReport) -> String {
    format!("wrote {} ({} files, {} changed)", path(&report.out), report.files.len(), report.changed.len())
}

/// What publishing did about auto-merge, in words.
pub fn auto_merge_text(note: &AutoMergeNote) -> String {
    match note {
        AutoMergeNote::None => "not requested".to_owned(),
        AutoMergeNote::Enabled => "enabled".to_owned(),
        AutoMergeNote::Unavailable(why) => format!("unavailable: {}", clean(why)),
    }
}

fn demo(report: &DemoReport, style: &Style) -> String {
    let mut log = String::new();
    for week in &report.weeks {
        let _ = writeln!(
            log,
            "  week {:>2}  {:<18} {:>3} new {:>3} fixed {:>3} changed  → {:>3} findings",
            week.week,
            week.image.as_str(),
            week.new,
            week.fixed,
            week.changed,
            week.total
        );
    }
    let mut gates = String::new();
    for gate in &report.gates {
        let decision = style.paint(Role::Decision(gate.decision), &gate.decision.as_str().to_uppercase());
        let _ = writeln!(
            gates,
            "  PR #{} ({}): {decision} — MEDIUM+ {} → {}; auto-merge {}; comment {}",
            gate.pull_request,
            gate.image,
            gate.baseline_count,
            gate.candidate_count,
            auto_merge_text(&gate.auto_merge),
            gate.comment.as_str()
        );
    }
    format!(
        "hardline demo: an example repository in {out}\n\n\
         Recorded {weeks} weekly scans of two images:\n{log}\n\
         Gated two Renovate pull requests:\n{gates}\n\
         Look at:\n\
         \x20 {out}/audit-logs/          hash-chained logs (*.jsonl) and their readable views (*.md)\n\
         \x20 {out}/cve-baseline/        current findings per image\n\
         \x20 {out}/SECURITY_SUMMARY.md  the weekly summary\n\
         \x20 {out}/site/index.html     the dashboard (static, for GitHub Pages)\n\
         \x20 {out}/.hardline/tracker/   issues, PR comments and the summary issue (index.md)\n\
         \x20 {out}/security/exceptions.toml  accepted risks\n\n\
         Then try:\n\
         \x20 hardline --root {out} status\n\
         \x20 hardline --root {out} verify\n\
         \x20 hardline --root {out} gate --image {image} --report {candidate}",
        out = report.out.display(),
        weeks = report.weeks_recorded,
        image = report.then_try.0,
        candidate = report.then_try.1.display(),
    )
}
