//! Human output: what a person reads in a terminal, for every command. Everything that came
//! from a report, a log, a server or a configuration file goes through
//! `hardline_model::text::terminal` (the one terminal sanitiser: escapes, bidirectional and
//! zero-width characters out); every word a colour would mark goes through the [`Style`].

use std::fmt::Write;

use hardline_model::row::{FindingRow, Subject};
use hardline_model::text::terminal;
use hardline_model::{ChangedField, Finding};
use hardline_policy::BaseSource;
use hardline_publish::gate_comment::{AutoMergeNote, BASE_DRIFT_HEADING};

use super::Renderer;
use super::style::{Role, Style};
use crate::report::{
    DashboardReport, DemoReport, DiffReport, ExceptionsReport, FeedsReport, GateReport, InitReport, Kind,
    ManReport, RebuildReport, RecordReport, Report, StatusReport, SummaryReport, SyncReport,
};
use hardline_feeds::update::Outcome;

pub static RENDERER: Renderer = Renderer {
    name: "human",
    offers: &Kind::ALL,
    render: |report, style| super::text(render(report, style)),
};

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
        Report::Demo(demo) => self::demo(demo, style),
        Report::Dashboard(dashboard) => self::dashboard(dashboard),
        Report::Document(document) => super::report_v1::human(&document.model, style),
        Report::Init(init) => self::init(init),
        // A standard document is the same whatever the format: other tools read it.
        Report::Export(export) => match &export.out {
            Some(out) => format!("wrote {} ({})", out.display(), export.format),
            None => export.document.clone(),
        },
        Report::FeedsUpdate(feeds) => self::feeds(feeds, style),
        Report::Exceptions(exceptions) => self::exceptions(exceptions, style),
        // Generated text for shells and `man`, printed as it is.
        Report::Completions(script) => script.clone(),
        Report::Man(ManReport::Page(roff)) => roff.clone(),
        Report::Man(ManReport::Written { dir, files }) => {
            format!("wrote {} manual pages to {}", files.len(), dir.display())
        }
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
pub(crate) fn finding_line(finding: &Finding, style: &Style) -> String {
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
            Some(seq) if scan.recorded => {
                let reidentified = match scan.reidentified {
                    0 => String::new(),
                    n => format!(", {n} re-identified"),
                };
                writeln!(
                    out,
                    "{label}: recorded as event {seq} (+{} new, -{} fixed, {} changed{reidentified})",
                    scan.new, scan.fixed, scan.changed
                )
            }
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
    // The risk is padded before it is painted (escape codes have no width), in its severity's
    // colour; `NONE` stays plain.
    let row = |c: &[String], risk: &str, last: &str| {
        format!(
            "{:<24} {:>5} {:>5} {:>6} {:>5} {:>5} {:>6} {:>7} {:>7} {:>5} {:>7} {risk}  {last}\n",
            c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10]
        )
    };
    let risk = |word: &str| {
        let padded = format!("{word:>8}");
        match word.parse::<hardline_model::Severity>() {
            Ok(severity) if word != "NONE" => style.paint(Role::Severity(severity), &padded),
            _ => padded,
        }
    };
    let header = [
        "IMAGE", "CRIT", "HIGH", "MEDIUM", "LOW", "UNKN", "SUPPR", "UNIQUE", "FIXABLE", "KEV", "OVERDUE",
        "RISK",
    ]
    .map(str::to_owned);
    let mut out = row(&header, &format!("{:>8}", header[11]), "LAST SCAN");
    for image in &status.images {
        let cells = super::status_cells(image);
        let last = image.last_scan.as_ref().map_or("-", |t| t.as_str());
        out.push_str(&row(&cells, &risk(&cells[11]), last));
    }
    let remediation =
        |c: &[String]| format!("{:<24} {:>6} {:>6} {:>6} {:>6}  {}\n", c[0], c[1], c[2], c[3], c[4], c[5]);
    out.push('\n');
    out.push_str(&remediation(
        &["MTTR (DAYS)", "CRIT", "HIGH", "MEDIUM", "LOW", "FIXED WITHIN SLA"].map(str::to_owned),
    ));
    for image in &status.images {
        out.push_str(&remediation(&super::remediation_cells(image)));
    }
    status_notes(&mut out, status, style);
    out
}

/// What a person should notice below the tables: stale scans, exception housekeeping, the
/// feeds that were read.
pub fn status_notes(out: &mut String, status: &StatusReport, style: &Style) {
    for image in &status.images {
        if let Some(note) = super::stale_note(&image.scan) {
            let _ = writeln!(out, "{} {}: {note}", style.paint(Role::Warning, "warning:"), image.name);
        }
    }
    exception_notes(out, status, style);
    for feed in &status.feeds {
        let _ = writeln!(out, "{} {}", style.paint(Role::Note, "feed:"), feed.describe());
    }
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
    let base = match result.base {
        BaseSource::Rescan => "; base: the rescanned base branch",
        BaseSource::Ledger | BaseSource::Nothing => "",
    };
    let mut out = format!(
        "{}: {decision} (policy {}; MEDIUM+ after exceptions {} → {}{base})\n",
        report.image, result.profile, result.baseline_count, result.candidate_count
    );
    for reason in &result.reasons {
        let effect = style.paint(Role::Decision(reason.effect), reason.effect.as_str());
        let _ = writeln!(out, "  {} [{effect}]: {}", reason.rule.code, clean(&reason.message));
    }
    for unchecked in &result.unchecked {
        let _ = writeln!(
            out,
            "  {} [{}]: {}",
            unchecked.rule.code,
            style.paint(Role::Note, "not checked"),
            unchecked.missing.missing()
        );
    }
    for f in &result.diff.new {
        let _ = writeln!(out, "  {} {}", style.paint(Role::Added, "new  "), finding_line(f, style));
    }
    for f in &result.diff.fixed {
        let _ = writeln!(out, "  {} {}", style.paint(Role::Removed, "fixed"), finding_line(f, style));
    }
    if !result.base_drift.is_empty() {
        let _ = writeln!(out, "  {}:", BASE_DRIFT_HEADING);
        for f in &result.base_drift {
            let _ = writeln!(out, "  {} {}", style.paint(Role::Note, "base "), finding_line(f, style));
        }
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

fn verify(outcome: &crate::report::VerifyOutcome, style: &Style) -> String {
    let report = &outcome.ledger;
    let mut out = String::new();
    for (image, events, head) in &report.images {
        let noun = if *events == 1 { "event" } else { "events" };
        let _ = writeln!(out, "{image}: {events} {noun}, head {head}");
    }
    if let Some(tracker) = &outcome.tracker {
        let _ = writeln!(out, "witnessed by {}:", clean(&tracker.tracker));
        for witnessed in &tracker.images {
            let issue = witnessed.issue.map_or_else(|| "no issue".to_owned(), |n| format!("issue #{n}"));
            let line = match witnessed.verdict.head() {
                Some(head) => format!(
                    "  {}: {issue} records event {} ({}…): {}",
                    witnessed.image,
                    head.seq,
                    &head.hash[..12],
                    witnessed.verdict.as_str()
                ),
                None => format!("  {}: {issue}, {}", witnessed.image, witnessed.verdict.as_str()),
            };
            let role = if witnessed.verdict.as_str() == "broken" { Role::Failure } else { Role::Note };
            let _ = writeln!(out, "{}", style.paint(role, &line));
        }
    }
    for problem in &report.problems {
        let _ = writeln!(out, "{}", style.paint(Role::Failure, &clean(&problem.to_string())));
    }
    if report.ok() {
        out.push_str(if report.images.is_empty() {
            "ledger verifies (no audit logs yet)"
        } else {
            "ledger verifies"
        });
        return out;
    }
    out.push_str(&style.paint(Role::Failure, "ledger does NOT verify"));
    // What to do next depends on what is wrong: a view is a function of its log; a log is not.
    let is_log = |p: &hardline_ledger::Problem| is_log(&p.path);
    if report.problems.iter().any(|p| !is_log(p)) {
        let _ = write!(
            out,
            "\n{} `hardline rebuild` rewrites the views from their logs",
            style.paint(Role::Note, "help:")
        );
    }
    if report.problems.iter().any(is_log) {
        let _ = write!(
            out,
            "\n{} a log line cannot be rewritten: restore the log from version control (`git log -p -- audit-logs/`)",
            style.paint(Role::Note, "help:")
        );
    }
    out
}

/// Whether a file `verify` names is an image's hash-chained log (`audit-logs/IMAGE.jsonl`),
/// which only version control can restore. Every other file it checks is a view that `rebuild`
/// rewrites from the log: the baseline, the audit log's pages for people, and the scans index
/// (`audit-logs/IMAGE/scans.jsonl`, JSON lines too, one folder down).
fn is_log(path: &std::path::Path) -> bool {
    path.extension().is_some_and(|e| e == "jsonl")
        && path.parent().and_then(std::path::Path::file_name).is_some_and(|dir| dir == "audit-logs")
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

fn feeds(report: &FeedsReport, style: &Style) -> String {
    let mut out = String::new();
    for feed in &report.feeds {
        let _ = match &feed.result {
            Ok(updated) => writeln!(
                out,
                "{}: {} → {} ({})",
                feed.kind.name(),
                match updated.outcome {
                    Outcome::Downloaded(bytes) => format!("downloaded {bytes} bytes"),
                    Outcome::NotModified => "not modified".to_owned(),
                },
                updated.path.strip_prefix(&report.root).unwrap_or(&updated.path).display(),
                updated.info.describe()
            ),
            Err(error) => writeln!(
                out,
                "{}: {} {}",
                feed.kind.name(),
                style.paint(Role::Failure, "failed:"),
                clean(error)
            ),
        };
    }
    out
}

fn exceptions(report: &ExceptionsReport, style: &Style) -> String {
    if report.entries.is_empty() {
        return "no accepted risks: security/exceptions.toml, .trivyignore.yaml and security/*.openvex.json \
                hold none"
            .to_owned();
    }
    let mut out = String::new();
    for entry in &report.entries {
        let exception = &entry.exception;
        let _ = writeln!(
            out,
            "{} · {} · {}",
            clean(&exception.id),
            super::exception_state_text(entry.state, exception, report.today, style),
            clean(&exception.source)
        );
        let _ = writeln!(out, "  reason: {}", clean(&exception.reason));
        if let Some(vex) = &exception.vex {
            let _ = writeln!(out, "  vex: {}", clean(vex));
        }
        let scope = exception.scope();
        if !scope.is_empty() {
            let _ = writeln!(out, "  scope: {}", clean(&scope));
        }
        let verb = match entry.state {
            hardline_policy::ExceptionState::Expired => "matches (counting again)",
            _ => "suppresses",
        };
        if !entry.findings.is_empty() {
            let _ = writeln!(out, "  {verb} {} open finding(s):", entry.findings.len());
        }
        for (image, finding) in &entry.findings {
            let _ = writeln!(out, "    {:<24} {}", image.as_str(), finding_line(finding, style));
        }
        out.push('\n');
    }
    out.trim_end().to_owned()
}

fn dashboard(report: &DashboardReport) -> String {
    format!("wrote {} ({} files, {} changed)", path(&report.out), report.files.len(), report.changed.len())
}

fn init(report: &InitReport) -> String {
    let mut out = format!("wrote {} files in {}:\n", report.files.len(), report.dir.display());
    for file in &report.files {
        let _ = writeln!(out, "  {file}");
    }
    let names: Vec<&str> = report.images.iter().map(|i| i.as_str()).collect();
    let images = if names.is_empty() { "none yet".to_owned() } else { names.join(", ") };
    let _ = writeln!(
        out,
        "\nThe workflows run hardline through the action {} and build every images/*/Dockerfile \
         (today: {images}).",
        report.action.describe()
    );
    for image in &report.without_dockerfile {
        let _ = writeln!(
            out,
            "note: images/{image}/Dockerfile does not exist yet; the workflows will build it once it does"
        );
    }
    out.push_str(
        "\nNext:\n\
         \x20 1. Review and commit these files.\n\
         \x20 2. Protect the default branch and require the `hardline/gate` status (set by pr-gate-publish).\n\
         \x20 3. Choose where the ledger is written: a branch of its own (repository variable\n\
         \x20    HARDLINE_LEDGER_BRANCH), or a GitHub App allowed to bypass the protection (variable\n\
         \x20    HARDLINE_APP_CLIENT_ID, secret HARDLINE_APP_PRIVATE_KEY in the environment hardline-ledger).\n\
         \x20 4. Run the first scan: Actions → scan → Run workflow.",
    );
    out
}

/// What publishing did about auto-merge, in words.
pub fn auto_merge_text(note: &AutoMergeNote) -> String {
    match note {
        AutoMergeNote::None => "not requested".to_owned(),
        AutoMergeNote::Enabled => "enabled".to_owned(),
        AutoMergeNote::Unavailable(why) => format!("unavailable: {}", clean(why)),
        AutoMergeNote::Refused(why) => format!("refused: {}", clean(why)),
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
         \x20 {out}/site/index.html     the dashboard (static, for GitHub Pages) and each image's report\n\
         \x20 {out}/customer-reports/   per image: the report (PDF, HTML, CSV, JSON) and VEX (CycloneDX, OpenVEX)\n\
         \x20 {out}/.hardline/tracker/   issues, PR comments and the summary issue (index.md)\n\
         \x20 {out}/security/exceptions.toml  accepted risks\n\n\
         Then try:\n\
         \x20 hardline --root {out} status\n\
         \x20 hardline --root {out} verify\n\
         \x20 hardline --root {out} gate --image {image} --report {candidate}\n\
         \x20 hardline --root {out} report --image {image} --format pdf --out report.pdf",
        out = report.out.display(),
        weeks = report.weeks_recorded,
        image = report.then_try.0,
        candidate = report.then_try.1.display(),
    )
}
