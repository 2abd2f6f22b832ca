//! The report as one self-contained HTML page: inline stylesheet (with a print stylesheet for
//! A4), inline SVG chart, no script, no external resource, and the dashboard's
//! Content-Security-Policy (`crate::html`). Every piece of report text goes through [`esc`];
//! the only links are advisory pages hardline builds from well-formed ids ([`advisory_url`]).

use std::fmt::Write;

use super::{ImageReport, ReportFinding, advisory_url, cvss_text, day, minute, subject_text, versions_text};
use crate::dashboard::chart;
use crate::dashboard::escape::{MAX_TEXT, esc};
use crate::dashboard::pages::badge;
use crate::dashboard::table::severity_badge;

/// The longest exception reason shown (reasons are written by people, but bounded all the same).
pub const MAX_REASON: usize = 1000;

const CSS: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0 auto;max-width:1100px;padding:1rem 1.5rem;color:#202124;background:#fff;line-height:1.4}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.2rem;margin:1.8rem 0 .5rem;border-bottom:1px solid #dadce0;padding-bottom:.3rem}h3{font-size:1rem;margin:1rem 0 .3rem}
.meta{color:#5f6368;font-size:.9rem}
table{border-collapse:collapse;margin:.4rem 0 1rem;font-size:.85rem;width:100%}
th,td{border-bottom:1px solid #e8eaed;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f1f3f4}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
table.kv{width:auto}table.kv th{background:none;font-weight:600;padding-left:0}
td.t{overflow-wrap:anywhere}code{font-size:.82rem;overflow-wrap:anywhere}
pre{background:#f1f3f4;padding:.6rem .8rem;overflow-x:auto;font-size:.8rem}
.sev{display:inline-block;min-width:4.8rem;padding:.05rem .4rem;border-radius:.25rem;color:#fff;font-size:.75rem;font-weight:600;text-align:center}
.critical{background:#b3261e}.high{background:#e8710a}.medium{background:#f2b600;color:#202124}.low{background:#4a86e8}.unknown,.none{background:#80868b}
svg.chart{max-width:100%;height:auto;display:block}
a{color:#1a5fb4}a code{white-space:nowrap}
@media print{
@page{size:A4;margin:14mm 12mm}
body{max-width:none;padding:0;font-size:10pt}
h2{break-after:avoid}thead{display:table-header-group}tr,svg.chart{break-inside:avoid}
a{color:inherit;text-decoration:none}
.sev{border:1px solid #202124;color:#202124;background:none}
}
";

/// The whole page.
pub fn render(report: &ImageReport) -> String {
    let name = esc(report.image.as_str(), MAX_TEXT);
    let mut out = format!("<h1>Security report · {name}</h1>\n");
    let _ = writeln!(
        out,
        "<p class=\"meta\">As of {}; changes since {}. Made by hardline {} from the image's audit log.</p>",
        minute(report.as_of),
        minute(report.since),
        env!("CARGO_PKG_VERSION")
    );
    image(&mut out, report);
    posture(&mut out, report);
    critical_and_high(&mut out, report);
    lesser(&mut out, report);
    accepted(&mut out, report);
    changes(&mut out, report);
    sla(&mut out, report);
    verification(&mut out, report);
    crate::html::page(&format!("Security report · {name}"), CSS, &out, crate::html::Scripts::Forbidden)
}

fn image(out: &mut String, report: &ImageReport) {
    let p = &report.product;
    out.push_str("<h2 id=\"image\">Image</h2>\n<table class=\"kv\">\n");
    let mut row = |label: &str, value: String| {
        let _ = writeln!(out, "<tr><th>{label}</th><td>{value}</td></tr>");
    };
    row("Image", format!("<code>{}</code>", esc(report.image.as_str(), MAX_TEXT)));
    if let Some(artifact) = &p.artifact {
        row("Artifact", format!("<code>{}</code>", esc(artifact, MAX_TEXT)));
    }
    row(
        "Digest",
        p.digest.as_deref().map_or("not known to the scan".to_owned(), |d| format!("<code>{d}</code>")),
    );
    row("Package URL", format!("<code>{}</code>", esc(&p.purl, MAX_TEXT)));
    if let Some(os) = &p.os {
        row("Operating system", esc(os, 80));
    }
    if let Some(scan) = &report.scan {
        let version = scan.scanner_version.as_deref().map(|v| format!(" {}", esc(v, 40))).unwrap_or_default();
        row("Last scan", format!("{} by {}{version}", minute(scan.at), esc(&scan.scanner, 40)));
    }
    out.push_str("</table>\n");
}

fn posture(out: &mut String, report: &ImageReport) {
    let p = &report.posture;
    let c = &p.open;
    let _ = writeln!(
        out,
        "<h2 id=\"posture\">Posture after exceptions</h2>\n<p>Risk {}: {} open findings, {} accepted by exceptions; \
         {} unique vulnerability ids and {} with a fix available among the open ones.</p>",
        badge(p.risk),
        c.total(),
        p.accepted,
        p.unique,
        p.fixable
    );
    out.push_str(
        "<table>\n<thead><tr><th class=\"n\">Critical</th><th class=\"n\">High</th><th class=\"n\">Medium</th>\
         <th class=\"n\">Low</th><th class=\"n\">Unknown</th><th class=\"n\">Open</th><th class=\"n\">Accepted</th></tr></thead>\n",
    );
    let _ = writeln!(
        out,
        "<tbody><tr><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
         <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr></tbody>\n</table>",
        c.critical,
        c.high,
        c.medium,
        c.low,
        c.unknown,
        c.total(),
        p.accepted
    );
    out.push_str(&chart::trend(report.image.as_str(), &report.trend));
    out.push_str("\n<p class=\"meta\">Open findings after exceptions right after each recorded scan.</p>\n");
}

fn critical_and_high(out: &mut String, report: &ImageReport) {
    let rows: Vec<&ReportFinding> = report.critical_and_high().collect();
    let _ = writeln!(out, "<h2 id=\"critical-high\">Critical and high findings ({})</h2>", rows.len());
    if rows.is_empty() {
        out.push_str("<p>None.</p>\n");
        return;
    }
    out.push_str(
        "<table>\n<thead><tr><th>Severity</th><th>ID</th><th>Package</th><th>Installed → fixed</th><th class=\"n\">CVSS</th>\
         <th>First seen</th><th>Due</th><th>Status</th><th>Title</th></tr></thead>\n<tbody>\n",
    );
    for item in rows {
        let f = &item.finding;
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td><code>{}</code></td><td class=\"n\">{}</td>\
             <td>{}</td><td>{}</td><td>{}</td><td class=\"t\">{}</td></tr>",
            severity_badge(f.severity),
            id_cell(&f.id),
            esc(&subject_text(f), 160),
            esc(&versions_text(f), 170),
            cvss_text(f),
            item.first_seen.map(day).unwrap_or_default(),
            item.due.map(|d| d.to_string()).unwrap_or_default(),
            esc(&report.status_of(item), 80),
            esc(&f.title, MAX_TEXT)
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

fn lesser(out: &mut String, report: &ImageReport) {
    let packages = report.lesser_by_package();
    let total: u32 = packages.iter().map(|p| p.counts.total()).sum();
    let _ = writeln!(out, "<h2 id=\"medium-low\">Medium and low findings by package ({total})</h2>");
    if packages.is_empty() {
        out.push_str("<p>None.</p>\n");
        return;
    }
    out.push_str(
        "<table>\n<thead><tr><th>Package</th><th>Installed</th><th class=\"n\">Medium</th><th class=\"n\">Low</th>\
         <th class=\"n\">Unknown</th><th class=\"n\">Fixable</th><th class=\"n\">Accepted</th></tr></thead>\n<tbody>\n",
    );
    for p in &packages {
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td><code>{}</code></td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&p.name, 160),
            esc(&p.version, 80),
            p.counts.medium,
            p.counts.low,
            p.counts.unknown,
            p.fixable,
            p.accepted
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

fn accepted(out: &mut String, report: &ImageReport) {
    let _ = writeln!(out, "<h2 id=\"accepted\">Accepted risks ({})</h2>", report.accepted.len());
    if report.accepted.is_empty() {
        out.push_str("<p>None: every finding counts.</p>\n");
        return;
    }
    out.push_str(
        "<table>\n<thead><tr><th>ID</th><th>Scope</th><th>Reason</th><th>VEX justification</th><th>Expires</th>\
         <th class=\"n\">Findings</th><th>Written in</th></tr></thead>\n<tbody>\n",
    );
    for risk in &report.accepted {
        let e = &risk.exception;
        let scope = esc(&risk.scope_text(), 300);
        let expires = risk.expires_text();
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td><code>{scope}</code></td><td class=\"t\">{}</td><td>{}</td><td>{expires}</td>\
             <td class=\"n\">{}</td><td><code>{}</code></td></tr>",
            id_cell(&e.id),
            esc(&e.reason, MAX_REASON),
            esc(e.vex.as_deref().unwrap_or("—"), 80),
            risk.findings,
            esc(&e.source, 200)
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

fn changes(out: &mut String, report: &ImageReport) {
    let c = &report.changes;
    let _ = writeln!(
        out,
        "<h2 id=\"changes\">Changes since {}</h2>\n<p>{} new, {} fixed, {} changed.</p>",
        day(report.since),
        c.new.len(),
        c.fixed.len(),
        c.changed.len()
    );
    for list in c.lists().iter().filter(|l| !l.rows.is_empty()) {
        let _ = writeln!(
            out,
            "<h3>{} ({})</h3>\n<table>\n<thead><tr><th>Severity</th><th>ID</th><th>Package</th><th>{}</th></tr></thead>\n<tbody>",
            list.heading,
            list.rows.len(),
            list.column
        );
        for (f, text) in &list.rows {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td class=\"t\"><code>{}</code></td></tr>",
                severity_badge(f.severity),
                id_cell(&f.id),
                esc(&subject_text(f), 160),
                esc(text, 400)
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
}

fn sla(out: &mut String, report: &ImageReport) {
    let sla = &report.sla;
    let _ = writeln!(out, "<h2 id=\"sla\">SLA compliance</h2>\n<p>{}</p>", esc(&sla.summary(), 1000));
    out.push_str(
        "<table>\n<thead><tr><th>Severity</th><th class=\"n\">Days</th><th class=\"n\">Open</th>\
         <th class=\"n\">Overdue</th><th>Mean time to remediate</th></tr></thead>\n<tbody>\n",
    );
    for (severity, open, overdue) in &sla.open {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{open}</td><td class=\"n\">{overdue}</td><td>{}</td></tr>",
            severity_badge(*severity),
            sla.sla.days(*severity).unwrap_or_default(),
            sla.mttr_text(*severity)
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

fn verification(out: &mut String, report: &ImageReport) {
    let chain = &report.chain;
    let [verify, show] = chain.verify_commands();
    let _ = writeln!(
        out,
        "<h2 id=\"verify\">Verify this report</h2>\n<p>Made from the audit log <code>{}</code> up to event {}, \
         whose hash is <code>{}</code>. In a checkout of the repository, run:</p>\n<pre><code>{}\n{}</code></pre>\n\
         <p>The first command recomputes every hash of every log and every view and names the first line that \
         does not match; the second prints the event this report names, with its hash. The log is append-only, so \
         the event keeps that line and hash in every later version of the repository.</p>",
        esc(&chain.log, 200),
        chain.seq,
        esc(&chain.hash, 64),
        esc(&verify, 400),
        esc(&show, 400)
    );
}

/// The id, linked to its advisory page when hardline knows where that is.
fn id_cell(id: &str) -> String {
    let text = esc(id, 80);
    match advisory_url(id) {
        Some(href) => format!("<a href=\"{href}\" rel=\"noopener noreferrer\"><code>{text}</code></a>"),
        None => format!("<code>{text}</code>"),
    }
}
