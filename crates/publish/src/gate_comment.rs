//! The pull request comment of a gate decision (also `hardline gate --format markdown`).

use std::fmt::Write;

use hardline_model::row::FindingRow;
use hardline_model::text::{MAX_INLINE, code, finding_label as label, inline, rows};
use hardline_model::{ChangedField, Finding, ImageName, ScanMeta};
use hardline_policy::{BaseSource, Decision, GateResult};

use crate::markers::Marker;

/// Rows per table; the comment must stay far below GitHub's body limit.
const ROWS: usize = 50;

/// What publishing did about auto-merge, for the comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AutoMergeNote {
    /// Not a dependency update, or not an allow decision: nothing to say.
    None,
    Enabled,
    Unavailable(String),
    /// The token may not enable it (a fork's read-only token); GitHub's words.
    Refused(String),
}

pub struct GateComment<'a> {
    pub image: &'a ImageName,
    pub result: &'a GateResult,
    pub candidate: &'a ScanMeta,
    pub auto_merge: AutoMergeNote,
    /// The tracker's body limit ([`hardline_tracker::Tracker::max_body_chars`]); rows stop
    /// before the comment passes it, whatever they hold.
    pub max_chars: usize,
}

pub fn headline(decision: Decision) -> &'static str {
    match decision {
        Decision::Allow => "✅ allow",
        Decision::Review => "👀 review: a person decides",
        Decision::Block => "⛔ block",
    }
}

impl GateComment<'_> {
    pub fn render(&self) -> String {
        let result = self.result;
        let mut out = String::new();
        let _ = writeln!(out, "{}", Marker::gate_comment(self.image).as_str());
        let _ = writeln!(out, "## hardline gate · `{}` · {}\n", self.image, headline(result.decision));
        let base = match result.base {
            BaseSource::Rescan => "Base branch (rescanned)",
            BaseSource::Ledger | BaseSource::Nothing => "Baseline",
        };
        let _ = writeln!(
            out,
            "| MEDIUM+ findings after exceptions | {base} | This PR |\n|---|---:|---:|\n| count | {} | {} |\n",
            result.baseline_count, result.candidate_count
        );
        let _ = writeln!(out, "**Rules that fired** (policy `{}`):\n", result.profile.as_str());
        for reason in &result.reasons {
            let _ = writeln!(
                out,
                "- `{}` → {}: {}",
                reason.rule.code,
                reason.effect.as_str(),
                inline(&reason.message, 400)
            );
        }
        for unchecked in &result.unchecked {
            let _ =
                writeln!(out, "- `{}` → not checked: {}", unchecked.rule.code, unchecked.missing.missing());
        }
        out.push('\n');
        match &self.auto_merge {
            AutoMergeNote::None => {}
            AutoMergeNote::Enabled => {
                out.push_str("Auto-merge (squash) is enabled for this dependency update.\n\n")
            }
            AutoMergeNote::Unavailable(why) | AutoMergeNote::Refused(why) => {
                let _ = writeln!(
                    out,
                    "Auto-merge could not be enabled ({}); merge this dependency update by hand.\n",
                    inline(why, 200)
                );
            }
        }
        let budget = crate::row_budget(self.max_chars);
        table(&mut out, "New", None, &result.diff.new, budget);
        table(&mut out, "Fixed", None, &result.diff.fixed, budget);
        table(&mut out, BASE_DRIFT_HEADING, Some(BASE_DRIFT_NOTE), &result.base_drift, budget);
        if !result.diff.changed.is_empty() {
            let _ = writeln!(out, "<details><summary>Changed ({})</summary>\n", result.diff.changed.len());
            out.push_str("| Finding | What changed |\n|---|---|\n");
            let mut shown = 0;
            for change in result.diff.changed.iter().take(ROWS) {
                if !push_row(
                    &mut out,
                    budget,
                    &format!("| {} | {} |\n", label(&change.after), ChangedField::join(&change.fields)),
                ) {
                    break;
                }
                shown += 1;
            }
            more(&mut out, result.diff.changed.len(), shown);
            out.push_str("</details>\n\n");
        }
        if !result.suppressed.is_empty() {
            let _ = writeln!(
                out,
                "<details><summary>Suppressed by exceptions ({})</summary>\n",
                result.suppressed.len()
            );
            out.push_str("| Finding | Reason | Expires |\n|---|---|---|\n");
            let mut shown = 0;
            for (finding, exception) in result.suppressed.iter().take(ROWS) {
                let expires = exception.expires.map(|d| d.to_string()).unwrap_or_else(|| "never".to_owned());
                let row = format!(
                    "| {} | {} | {} |\n",
                    label(finding),
                    inline(&exception.reason, MAX_INLINE),
                    expires
                );
                if !push_row(&mut out, budget, &row) {
                    break;
                }
                shown += 1;
            }
            more(&mut out, result.suppressed.len(), shown);
            out.push_str("</details>\n\n");
        }
        for exception in &result.expired_exceptions {
            let _ = writeln!(
                out,
                "- ⚠️ exception for {} expired on {}: its findings count again ({})",
                code(&exception.id, 80),
                exception.expires.map(|d| d.to_string()).unwrap_or_default(),
                inline(&exception.source, 120)
            );
        }
        for exception in &result.stale_exceptions {
            let _ = writeln!(
                out,
                "- exception for {} matches nothing in this image: remove it? ({})",
                code(&exception.id, 80),
                inline(&exception.source, 120)
            );
        }
        let scanner = match &self.candidate.scanner_version {
            Some(v) => format!("{} {}", self.candidate.scanner, v),
            None => self.candidate.scanner.clone(),
        };
        let _ = writeln!(
            out,
            "\n<sub>Scanned by {}{}. This comment is edited in place on every push.</sub>",
            code(&scanner, 64),
            self.candidate
                .created_at
                .as_ref()
                .map(|t| format!(" at {}", inline(t.as_str(), 40)))
                .unwrap_or_default()
        );
        out
    }
}

/// The heading of the findings a rescan of the base branch found that its last recorded scan
/// did not have.
pub const BASE_DRIFT_HEADING: &str = "On the base branch too — not caused by this pull request";
const BASE_DRIFT_NOTE: &str = "Found by rescanning the base branch's SBOM with this pull request's \
vulnerability database; the base branch's last recorded scan did not have them (published since, \
most likely). They are counted on both sides.";

fn table(out: &mut String, heading: &str, note: Option<&str>, findings: &[Finding], budget: usize) {
    if findings.is_empty() {
        return;
    }
    let _ = writeln!(out, "### {heading} ({})\n", findings.len());
    if let Some(note) = note {
        let _ = writeln!(out, "{note}\n");
    }
    out.push_str(rows::table_header(true));
    let mut shown = 0;
    for finding in findings.iter().take(ROWS) {
        if !push_row(out, budget, &rows::table_row(&FindingRow::of(finding), Some(120))) {
            break;
        }
        shown += 1;
    }
    more(out, findings.len(), shown);
}

/// Appends `row` unless the comment would pass `budget` bytes; whether it was appended.
fn push_row(out: &mut String, budget: usize, row: &str) -> bool {
    let fits = out.len() + row.len() <= budget;
    if fits {
        out.push_str(row);
    }
    fits
}

fn more(out: &mut String, len: usize, shown: usize) {
    if len > shown {
        let _ = writeln!(out, "\n… and {} more (see `hardline gate --format json`).", len - shown);
    }
    out.push('\n');
}
