//! The triage tables of an image page: one row per finding, rendered from the row model and
//! what triage knows of it. Complete as HTML; `triage.js` sorts and filters them from the
//! `data-*` attributes (a row's `data-severity`, `data-kev`, `data-overdue`, `data-fix`; a
//! cell's `data-v`, the value it sorts by; a header's `data-sort`, `num` or `text`).

use std::fmt::Write;

use hardline_model::Severity;
use hardline_model::row::{FindingRow, Subject};
use hardline_triage::Triaged;

use super::escape::{MAX_TEXT, esc, https};

/// The columns every triage table starts with.
const HEAD: &str = "<th data-sort=\"num\">Severity</th><th data-sort=\"text\">ID</th><th data-sort=\"text\">Package</th>\
    <th data-sort=\"text\">Installed</th><th data-sort=\"text\">Fixed in</th><th class=\"n\" data-sort=\"num\">CVSS</th>\
    <th class=\"n\" data-sort=\"num\">EPSS</th><th data-sort=\"num\">KEV</th>";

/// The open findings that count: severity, CVSS, EPSS, KEV, fix, first seen, age, due.
pub fn open(out: &mut String, findings: &[&Triaged]) {
    let _ = writeln!(
        out,
        "<table class=\"triage\" id=\"open-findings\">\n<thead><tr>{HEAD}<th data-sort=\"text\">First seen</th>\
         <th class=\"n\" data-sort=\"num\">Age (days)</th><th data-sort=\"text\">Due</th><th data-sort=\"text\">Title</th>\
         </tr></thead>\n<tbody>"
    );
    for triaged in findings {
        let first_seen = triaged.first_seen.as_ref().map(|t| t.date().to_string());
        let due = match (triaged.due, triaged.days_past_due) {
            (Some(due), Some(late)) if late > 0 => {
                format!("<td data-v=\"{due}\"><span class=\"late\">{due} · {late} d overdue</span></td>")
            }
            (Some(due), Some(late)) => format!("<td data-v=\"{due}\">{due} (in {} d)</td>", -late),
            _ => "<td data-v=\"9999-12-31\">–</td>".to_owned(),
        };
        let _ = writeln!(
            out,
            "{}<td data-v=\"{}\">{}</td><td class=\"n\" data-v=\"{}\">{}</td>{due}<td class=\"t\">{}</td></tr>",
            start(triaged, ""),
            first_seen.as_deref().unwrap_or(""),
            first_seen.as_deref().unwrap_or("–"),
            triaged.age_days.unwrap_or(-1),
            triaged.age_days.map_or_else(|| "–".to_owned(), |d| d.to_string()),
            esc(&triaged.finding.title, MAX_TEXT)
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

/// The findings an exception accepts: marked, with the exception, apart from the open ones.
pub fn accepted(out: &mut String, findings: &[&Triaged]) {
    let _ = writeln!(
        out,
        "<table class=\"triage\" id=\"accepted-findings\">\n<thead><tr>{HEAD}<th data-sort=\"text\">Accepted until</th>\
         <th data-sort=\"text\">Exception</th><th data-sort=\"text\">Reason</th></tr></thead>\n<tbody>"
    );
    for triaged in findings {
        let Some(exception) = &triaged.exception else { continue };
        let until = exception.expires.map_or_else(|| "no expiry".to_owned(), |d| d.to_string());
        let _ = writeln!(
            out,
            "{}<td data-v=\"{until}\">{until}</td><td><code>{}</code> <span class=\"meta\">{}</span></td>\
             <td class=\"t\">{}</td></tr>",
            start(triaged, " class=\"accepted\""),
            esc(&exception.id, 80),
            esc(&exception.source, 120),
            esc(&exception.reason, MAX_TEXT)
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

/// The row's opening tag and the cells every triage table has.
fn start(triaged: &Triaged, class: &str) -> String {
    let finding = &triaged.finding;
    let row = FindingRow::of(finding);
    let id = esc(row.id, 80);
    let id = match https(row.url) {
        Some(href) => format!("<a href=\"{href}\" rel=\"noopener noreferrer\">{id}</a>"),
        None => id,
    };
    let (subject, installed, fixed) = match row.subject {
        Subject::Package { name, installed, fixed } => {
            (esc(name, 120), esc(installed, 80), esc(fixed.unwrap_or(""), 80))
        }
        Subject::File { path, line } => {
            let line = line.map(|n| format!(":{n}")).unwrap_or_default();
            (format!("{}{line}", esc(path, 160)), String::new(), String::new())
        }
        Subject::Nothing => Default::default(),
    };
    let cvss = match &finding.cvss {
        Some(cvss) => format!(
            "<td class=\"n\" data-v=\"{}\" title=\"{} CVSS {}{}\">{:.1}</td>",
            cvss.score,
            esc(&cvss.source, 40),
            esc(&cvss.version, 10),
            cvss.vector.as_deref().map(|v| format!(" {}", esc(v, 120))).unwrap_or_default(),
            cvss.score
        ),
        None => "<td class=\"n\" data-v=\"-1\">–</td>".to_owned(),
    };
    let epss = match triaged.epss {
        Some(score) => format!(
            "<td class=\"n\" data-v=\"{}\" title=\"percentile {:.1}\">{}</td>",
            score.probability,
            score.percentile * 100.0,
            score.percent()
        ),
        None => "<td class=\"n\" data-v=\"-1\">–</td>".to_owned(),
    };
    let kev = match &triaged.kev {
        Some(entry) => format!(
            "<td data-v=\"1\"><span class=\"kev\" title=\"in CISA's KEV catalog since {}{}\">KEV</span></td>",
            entry.date_added,
            if entry.ransomware { "; used in ransomware campaigns" } else { "" }
        ),
        None => "<td data-v=\"0\"></td>".to_owned(),
    };
    format!(
        "<tr{class} data-severity=\"{}\" data-kev=\"{}\" data-overdue=\"{}\" data-fix=\"{}\"><td data-v=\"{}\">{}</td>\
         <td><code>{id}</code></td><td><code>{subject}</code></td><td><code>{installed}</code></td>\
         <td><code>{fixed}</code></td>{cvss}{epss}{kev}",
        rank(finding.severity),
        u8::from(triaged.kev.is_some()),
        u8::from(triaged.is_overdue()),
        u8::from(finding.fixable()),
        rank(finding.severity),
        severity_badge(finding.severity)
    )
}

/// UNKNOWN 0 … CRITICAL 4: what the severity column sorts and filters by.
fn rank(severity: Severity) -> u8 {
    match severity {
        Severity::Unknown => 0,
        Severity::Low => 1,
        Severity::Medium => 2,
        Severity::High => 3,
        Severity::Critical => 4,
    }
}

pub(crate) fn severity_badge(severity: Severity) -> String {
    format!("<span class=\"sev {}\">{}</span>", severity.as_str(), severity.label())
}
