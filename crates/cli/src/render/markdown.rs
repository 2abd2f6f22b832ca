//! Markdown, where the output is read by people on GitHub: the gate's PR comment (also written
//! to the job summary), the status table and the weekly summary.

use std::fmt::Write;

use hardline_publish::gate_comment::GateComment;

use super::style::Style;
use super::{Renderer, remediation_cells, status_cells};
use crate::report::{GateReport, Kind, Report, StatusReport};

pub static RENDERER: Renderer = Renderer {
    name: "markdown",
    offers: &[Kind::Gate, Kind::Status, Kind::Summary],
    render: |report, style| super::text(render(report, style)),
};

fn render(report: &Report, style: &Style) -> Option<String> {
    match report {
        Report::Gate(gate) => Some(gate_comment(gate)),
        Report::Status(status) => Some(self::status(status, style)),
        Report::Summary(summary) => Some(summary.text.clone()),
        _ => None,
    }
}

/// The gate's pull request comment, as `--publish` posts it.
pub fn gate_comment(report: &GateReport) -> String {
    GateComment {
        image: &report.image,
        result: &report.decided.result,
        candidate: &report.candidate,
        auto_merge: report.auto_merge(),
        max_chars: hardline_tracker::GITHUB_MAX_BODY_CHARS,
    }
    .render()
}

/// `style` is always plain here (`main.rs` colours only the human format); the notes are
/// written through it like every other renderer's words.
fn status(report: &StatusReport, style: &Style) -> String {
    let mut out = String::from(
        "Open findings after exceptions (what the gate counts); suppressed ones are accepted risks.\n\n\
         | Image | Critical | High | Medium | Low | Unknown | Suppressed | Unique | Fixable | KEV | Overdue | Risk |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n",
    );
    for image in &report.images {
        let [name, rest @ ..] = status_cells(image);
        let _ = writeln!(out, "| `{name}` | {} |", rest.join(" | "));
    }
    out.push_str(
        "\n| Image | MTTR critical (days) | MTTR high | MTTR medium | MTTR low | Fixed within SLA |\n\
         |---|---:|---:|---:|---:|---:|\n",
    );
    for image in &report.images {
        let [name, rest @ ..] = remediation_cells(image);
        let _ = writeln!(out, "| `{name}` | {} |", rest.join(" | "));
    }
    // The notes are the human ones (control characters dropped).
    let mut notes = String::new();
    super::human::status_notes(&mut notes, report, style);
    if !notes.is_empty() {
        out.push('\n');
        for line in notes.lines() {
            let _ = writeln!(out, "- {line}");
        }
    }
    out
}
