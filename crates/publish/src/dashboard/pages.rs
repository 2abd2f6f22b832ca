//! The two kinds of page: the index and one page per image. Plain `write!` into a string;
//! every value from a report goes through [`esc`] or [`https`].

use std::fmt::Write;

use hardline_model::row::{FindingRow, Subject};
use hardline_model::{Finding, Severity};

use super::escape::{MAX_TEXT, esc, https};
use super::{Dashboard, ImageView, chart};
use crate::report::{SITE_FORMATS, site_path};

/// The one stylesheet, inline; the CSP allows exactly this text by its hash.
const CSS: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0 auto;max-width:1200px;padding:1rem 1.5rem;color:#202124;background:#fff}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.25rem;margin:2rem 0 .5rem;border-bottom:1px solid #dadce0;padding-bottom:.3rem}
.meta{color:#5f6368;font-size:.9rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.88rem}
th,td{border-bottom:1px solid #e8eaed;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#f1f3f4}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
td.t{max-width:32rem;overflow-wrap:anywhere}code{font-size:.82rem;overflow-wrap:anywhere}
.sev{display:inline-block;min-width:4.8rem;padding:.05rem .4rem;border-radius:.25rem;color:#fff;font-size:.75rem;font-weight:600;text-align:center}
.critical{background:#b3261e}.high{background:#e8710a}.medium{background:#f2b600;color:#202124}.low{background:#4a86e8}.unknown,.none{background:#80868b}
svg.chart{max-width:100%;height:auto;display:block}.hit:hover rect{fill-opacity:.08}
a{color:#1a5fb4}
";

fn page(title: &str, body: &str) -> String {
    crate::html::page(title, CSS, body)
}

pub fn index(dashboard: &Dashboard) -> String {
    let mut out = String::from("<h1>hardline · security dashboard</h1>\n");
    let as_of = dashboard.as_of().map(|t| format!(" as of {}", human_time(t))).unwrap_or_default();
    let _ = writeln!(
        out,
        "<p class=\"meta\">Derived from the hash-chained audit logs (<code>audit-logs/&lt;image&gt;.jsonl</code>){as_of}. \
         Trend data: <a href=\"data.json\">data.json</a>.</p>"
    );
    if dashboard.images.is_empty() {
        out.push_str("<p>No image has been recorded yet.</p>\n");
        return page("hardline dashboard", &out);
    }
    out.push_str(
        "<table>\n<thead><tr><th>Image</th><th>Risk</th><th class=\"n\">Critical</th><th class=\"n\">High</th>\
         <th class=\"n\">Medium</th><th class=\"n\">Low</th><th class=\"n\">Unknown</th><th class=\"n\">Unique ids</th>\
         <th class=\"n\">Fixable</th><th>Last scan</th><th>Chain head</th></tr></thead>\n<tbody>\n",
    );
    for image in &dashboard.images {
        let name = esc(image.name.as_str(), MAX_TEXT);
        let c = &image.counts;
        let _ = writeln!(
            out,
            "<tr><td><a href=\"images/{name}.html\">{name}</a></td><td>{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td><code title=\"{}\">#{} {}…</code></td></tr>",
            badge(image.risk),
            c.critical,
            c.high,
            c.medium,
            c.low,
            c.unknown,
            image.unique,
            image.fixable,
            image.last_scan.map(human_time).unwrap_or_else(|| "–".to_owned()),
            esc(&image.head_hash, 64),
            image.head_seq,
            esc(image.head_hash.get(..12).unwrap_or(&image.head_hash), 12),
        );
    }
    out.push_str("</tbody>\n</table>\n");
    for image in &dashboard.images {
        let name = esc(image.name.as_str(), MAX_TEXT);
        let _ = writeln!(out, "<h2 id=\"{name}\"><a href=\"images/{name}.html\">{name}</a></h2>");
        head_line(&mut out, image);
        report_links(&mut out, image, "");
        out.push_str(&chart::trend(image.name.as_str(), &image.points));
        out.push('\n');
        recent_events(&mut out, image);
    }
    page("hardline dashboard", &out)
}

pub fn image(image: &ImageView) -> String {
    let name = esc(image.name.as_str(), MAX_TEXT);
    let mut out =
        format!("<p class=\"meta\"><a href=\"../index.html\">← all images</a></p>\n<h1>{name}</h1>\n");
    head_line(&mut out, image);
    report_links(&mut out, image, "../");
    let c = &image.counts;
    let _ = writeln!(
        out,
        "<p>{} open: {} critical, {} high, {} medium, {} low, {} unknown; {} unique ids, {} fixable.</p>",
        c.total(),
        c.critical,
        c.high,
        c.medium,
        c.low,
        c.unknown,
        image.unique,
        image.fixable
    );
    out.push_str(&chart::trend(image.name.as_str(), &image.points));
    out.push('\n');
    let _ = writeln!(out, "<h2>Open findings ({})</h2>", image.findings.len());
    if image.findings.is_empty() {
        out.push_str("<p>None.</p>\n");
    } else {
        out.push_str(
            "<table>\n<thead><tr><th>Severity</th><th>ID</th><th>Package</th><th>Installed</th><th>Fixed in</th>\
             <th>Title</th></tr></thead>\n<tbody>\n",
        );
        for finding in &image.findings {
            finding_row(&mut out, finding);
        }
        out.push_str("</tbody>\n</table>\n");
    }
    page(&format!("{name} · hardline dashboard"), &out)
}

/// Risk, last scan, artifact and the chain head of an image.
fn head_line(out: &mut String, image: &ImageView) {
    let artifact =
        image.artifact.as_deref().map(|a| format!(" of <code>{}</code>", esc(a, 120))).unwrap_or_default();
    let last =
        image.last_scan.map(|t| format!("Last scan {}{artifact}. ", human_time(t))).unwrap_or_default();
    let _ = writeln!(
        out,
        "<p class=\"meta\">Risk {}. {last}Chain head: event {} <code>{}</code>.</p>",
        badge(image.risk),
        image.head_seq,
        esc(&image.head_hash, 64)
    );
}

/// Links to the image's latest customer report, which the site publishes beside the pages
/// (`crate::report::site_files`); `up` leads from the page to the site's root.
fn report_links(out: &mut String, image: &ImageView, up: &str) {
    let links: Vec<String> = SITE_FORMATS
        .iter()
        .map(|(label, extension)| {
            format!("<a href=\"{up}{}\">{label}</a>", esc(&site_path(&image.name, extension), MAX_TEXT))
        })
        .collect();
    let _ = writeln!(out, "<p class=\"meta\">Latest report: {}.</p>", links.join(" · "));
}

fn recent_events(out: &mut String, image: &ImageView) {
    if image.recent.is_empty() {
        return;
    }
    let _ = writeln!(out, "<table>\n<caption class=\"meta\">Last {} events</caption>", image.recent.len());
    out.push_str(
        "<thead><tr><th class=\"n\">#</th><th>Time</th><th>Event</th><th>Detail</th></tr></thead>\n<tbody>\n",
    );
    for event in &image.recent {
        let at = human_time(event.at.instant());
        let detail = esc(&event.detail, 300);
        let detail = match https(event.url.as_deref()) {
            Some(href) => format!("<a href=\"{href}\" rel=\"noopener noreferrer\">{detail}</a>"),
            None => detail,
        };
        let _ = writeln!(
            out,
            "<tr><td class=\"n\">{}</td><td>{at}</td><td>{}</td><td class=\"t\">{detail}</td></tr>",
            event.seq, event.kind
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

/// One finding as a row of the image page's table.
fn finding_row(out: &mut String, finding: &Finding) {
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
    let _ = writeln!(
        out,
        "<tr><td>{}</td><td><code>{id}</code></td><td><code>{subject}</code></td><td><code>{installed}</code></td>\
         <td><code>{fixed}</code></td><td class=\"t\">{}</td></tr>",
        severity_badge(row.severity),
        esc(row.title, MAX_TEXT)
    );
}

pub(crate) fn badge(risk: &'static str) -> String {
    format!("<span class=\"sev {}\">{risk}</span>", risk.to_ascii_lowercase())
}

pub(crate) fn severity_badge(severity: Severity) -> String {
    format!("<span class=\"sev {}\">{}</span>", severity.as_str(), severity.label())
}

/// `2026-01-05 04:00 UTC`.
fn human_time(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M UTC").to_string()
}
