//! The report as CSV (RFC 4180, UTF-8, a header row, CRLF line ends): one row per open finding
//! (no active exception covers it), most severe first, for a spreadsheet or a script. Every
//! cell from a report goes through [`cell`], which neutralises formulas; the report's URLs are
//! left out, so no cell can become a link.

use hardline_model::text::csv::{cell, record, trusted};

use super::{ImageReport, cvss_text, day};

/// The columns, in order.
pub const HEADER: [&str; 16] = [
    "image",
    "severity",
    "id",
    "kind",
    "package",
    "installed_version",
    "fixed_version",
    "path",
    "cvss",
    "first_seen",
    "due",
    "overdue",
    "kev",
    "vendor_status",
    "title",
    "fingerprint",
];

/// The whole file.
pub fn render(report: &ImageReport) -> String {
    let mut out = record(&HEADER.map(str::to_owned));
    for item in report.open() {
        let f = &item.finding;
        let package = f.package.as_ref();
        let path = package.and_then(|p| p.path.as_deref()).or(f.location.as_ref().map(|l| l.path.as_str()));
        out.push_str(&record(&[
            trusted(report.image.as_str()),
            trusted(f.severity.label()),
            cell(&f.id, 80),
            trusted(f.kind.as_str()),
            cell(package.map_or("", |p| p.name.as_str()), 200),
            cell(package.map_or("", |p| p.version.as_str()), 120),
            cell(package.and_then(|p| p.fixed_version.as_deref()).unwrap_or(""), 120),
            cell(path.unwrap_or(""), 300),
            trusted(&cvss_text(f)),
            trusted(&item.first_seen.map(day).unwrap_or_default()),
            trusted(&item.due.map(|d| d.to_string()).unwrap_or_default()),
            trusted(if item.overdue { "true" } else { "false" }),
            trusted(if item.kev { "true" } else { "false" }),
            trusted(f.status.map_or("", |s| s.as_str())),
            cell(&f.title, 500),
            cell(f.fingerprint.as_str(), 64),
        ]));
    }
    out
}
