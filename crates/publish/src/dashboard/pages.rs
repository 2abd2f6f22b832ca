//! The two kinds of page: the index and one page per image. Plain `write!` into a string;
//! every value from a report goes through [`esc`] or [`https`].

use std::fmt::Write;

use hardline_model::Severity;
use hardline_policy::ExceptionState;

use super::escape::{MAX_TEXT, esc, https};
use super::{Dashboard, ImageView, chart, table};
use crate::report::{SITE_FORMATS, site_path};

/// The script that sorts and filters the triage tables, served as `triage.js`: first-party, so
/// the CSP allows it by `script-src 'self'`; the pages are whole without it.
pub const SCRIPT: &str = include_str!("triage.js");

/// The one stylesheet, inline; the CSP allows exactly this text by its hash.
const CSS: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0 auto;max-width:1280px;padding:1rem 1.5rem;color:#202124;background:#fff}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.25rem;margin:2rem 0 .5rem;border-bottom:1px solid #dadce0;padding-bottom:.3rem}
.meta{color:#5f6368;font-size:.9rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.88rem}
th,td{border-bottom:1px solid #e8eaed;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#f1f3f4}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
td.t{max-width:32rem;overflow-wrap:anywhere}code{font-size:.82rem;overflow-wrap:anywhere}
.sev{display:inline-block;min-width:4.8rem;padding:.05rem .4rem;border-radius:.25rem;color:#fff;font-size:.75rem;font-weight:600;text-align:center}
.critical{background:#b3261e}.high{background:#e8710a}.medium{background:#f2b600;color:#202124}.low{background:#4a86e8}.unknown,.none{background:#80868b}
.kev{display:inline-block;padding:.05rem .35rem;border-radius:.25rem;background:#202124;color:#fff;font-size:.72rem;font-weight:700}
.late{color:#b3261e;font-weight:600}.warn{background:#fef7e0;border-left:4px solid #f2b600;padding:.4rem .8rem}
.expired{color:#b3261e;font-weight:600}.stale-exception{color:#5f6368;font-style:italic}
tr.accepted td{color:#5f6368}table.triage td code{white-space:nowrap}
table.triage th button{font:inherit;font-weight:600;background:none;border:0;padding:0;cursor:pointer;color:inherit}
table.triage th[aria-sort=ascending] button::after{content:' ▲'}table.triage th[aria-sort=descending] button::after{content:' ▼'}
.controls{display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:center;margin:.5rem 0;font-size:.88rem}
.controls input[type=search]{min-width:16rem;padding:.2rem .4rem}
svg.chart{max-width:100%;height:auto;display:block}.hit:hover rect{fill-opacity:.08}
a{color:#1a5fb4}
";

fn page(title: &str, body: &str, script: Option<&str>) -> String {
    crate::html::page(title, CSS, body, crate::html::Scripts::Site { src: script })
}

pub fn index(dashboard: &Dashboard) -> String {
    let mut out = String::from("<h1>hardline · security dashboard</h1>\n");
    let as_of = dashboard.as_of().map(|t| format!("; last event {}", human_time(t))).unwrap_or_default();
    let _ = writeln!(
        out,
        "<p class=\"meta\">Generated {} from the hash-chained audit logs (<code>audit-logs/&lt;image&gt;.jsonl</code>){as_of}. \
         Counts are of open findings after exceptions, what the gate counts. \
         Trend data: <a href=\"data.json\">data.json</a>.</p>",
        human_time(dashboard.generated)
    );
    feeds_line(&mut out, dashboard);
    if dashboard.images.is_empty() {
        out.push_str("<p>No image has been recorded yet.</p>\n");
        return page("hardline dashboard", &out, None);
    }
    for image in &dashboard.images {
        stale_warning(&mut out, image);
    }
    let kev = dashboard.images.iter().any(|i| i.kev.is_some());
    out.push_str(
        "<table>\n<thead><tr><th>Image</th><th>Risk</th><th class=\"n\">Critical</th><th class=\"n\">High</th>\
         <th class=\"n\">Medium</th><th class=\"n\">Low</th><th class=\"n\">Unknown</th><th class=\"n\">Accepted</th>",
    );
    if kev {
        out.push_str("<th class=\"n\">KEV</th>");
    }
    out.push_str(
        "<th class=\"n\">Overdue</th><th class=\"n\">Unique ids</th><th class=\"n\">Fixable</th><th>Last scan</th>\
         <th>Chain head</th></tr></thead>\n<tbody>\n",
    );
    for image in &dashboard.images {
        let name = esc(image.name.as_str(), MAX_TEXT);
        let c = &image.counts;
        let kev_cell = if kev {
            format!("<td class=\"n\">{}</td>", image.kev.map_or_else(|| "–".to_owned(), |n| n.to_string()))
        } else {
            String::new()
        };
        let overdue = if image.overdue > 0 {
            format!("<span class=\"late\">{}</span>", image.overdue)
        } else {
            "0".to_owned()
        };
        let last_scan = image.last_scan.map(human_time).unwrap_or_else(|| "–".to_owned());
        let last_scan = if image.scan.stale {
            format!("<span class=\"late\">{last_scan} (stale)</span>")
        } else {
            last_scan
        };
        let _ = writeln!(
            out,
            "<tr><td><a href=\"images/{name}.html\">{name}</a></td><td>{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td>{kev_cell}<td class=\"n\">{overdue}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td>{last_scan}</td><td><code title=\"{}\">#{} {}…</code></td></tr>",
            badge(image.risk),
            c.critical,
            c.high,
            c.medium,
            c.low,
            c.unknown,
            image.suppressed.total(),
            image.unique,
            image.fixable,
            esc(&image.head_hash, 64),
            image.head_seq,
            esc(image.head_hash.get(..12).unwrap_or(&image.head_hash), 12),
        );
    }
    out.push_str("</tbody>\n</table>\n");
    remediation(&mut out, dashboard);
    exceptions(&mut out, dashboard);
    for image in &dashboard.images {
        let name = esc(image.name.as_str(), MAX_TEXT);
        let _ = writeln!(out, "<h2 id=\"{name}\"><a href=\"images/{name}.html\">{name}</a></h2>");
        head_line(&mut out, image);
        report_links(&mut out, image, "");
        out.push_str(&chart::trend(image.name.as_str(), &image.points));
        out.push('\n');
        recent_events(&mut out, image);
    }
    page("hardline dashboard", &out, None)
}

pub fn image(dashboard: &Dashboard, image: &ImageView) -> String {
    let name = esc(image.name.as_str(), MAX_TEXT);
    let mut out =
        format!("<p class=\"meta\"><a href=\"../index.html\">← all images</a></p>\n<h1>{name}</h1>\n");
    head_line(&mut out, image);
    report_links(&mut out, image, "../");
    let _ = writeln!(out, "<p class=\"meta\">Generated {}.</p>", human_time(dashboard.generated));
    feeds_line(&mut out, dashboard);
    stale_warning(&mut out, image);
    let c = &image.counts;
    let kev = image.kev.map(|n| format!("; {n} in CISA's KEV catalog")).unwrap_or_default();
    let _ = writeln!(
        out,
        "<p>{} open after exceptions: {} critical, {} high, {} medium, {} low, {} unknown{kev}; {} overdue; \
         {} accepted (not counted); {} unique ids, {} fixable.</p>",
        c.total(),
        c.critical,
        c.high,
        c.medium,
        c.low,
        c.unknown,
        image.overdue,
        image.suppressed.total(),
        image.unique,
        image.fixable
    );
    out.push_str(&chart::trend(image.name.as_str(), &image.points));
    out.push('\n');
    let (accepted, open): (Vec<_>, Vec<_>) = image.findings.iter().partition(|t| t.is_suppressed());
    let _ = writeln!(out, "<h2>Open findings ({})</h2>", open.len());
    if open.is_empty() {
        out.push_str("<p>None.</p>\n");
    } else {
        out.push_str(
            "<p class=\"meta\">Most severe first. Due is first seen plus the SLA days of the severity; a finding in \
             CISA's KEV catalog is due as a critical. With scripts on, every column sorts and the table filters.</p>\n",
        );
        table::open(&mut out, &open);
    }
    if !accepted.is_empty() {
        let _ = writeln!(out, "<h2>Accepted risks ({}, not counted)</h2>", accepted.len());
        out.push_str("<p class=\"meta\">Suppressed by an exception until it expires; see <code>hardline exceptions</code>.</p>\n");
        table::accepted(&mut out, &accepted);
    }
    page(&format!("{name} · hardline dashboard"), &out, Some("../triage.js"))
}

/// The feeds that enriched the site, or that none did.
fn feeds_line(out: &mut String, dashboard: &Dashboard) {
    if dashboard.feeds.is_empty() {
        out.push_str("<p class=\"meta\">No threat feed was given (<code>hardline feeds update</code>): KEV and EPSS are not shown.</p>\n");
    } else {
        let feeds: Vec<String> = dashboard.feeds.iter().map(|f| esc(&f.describe(), MAX_TEXT)).collect();
        let _ = writeln!(out, "<p class=\"meta\">Feeds: {}.</p>", feeds.join("; "));
    }
}

fn stale_warning(out: &mut String, image: &ImageView) {
    if !image.scan.stale {
        return;
    }
    let _ = writeln!(
        out,
        "<p class=\"warn\"><strong>{}: scans have stopped.</strong> No scan for {} days (last {}); scans are \
         stale after {} days, so what is shown may be out of date.</p>",
        esc(image.name.as_str(), MAX_TEXT),
        image.scan.age_days.unwrap_or_default(),
        image.last_scan.map(human_time).unwrap_or_else(|| "never".to_owned()),
        image.scan.stale_after_days
    );
}

/// MTTR per severity and fixes within the SLA, per image.
fn remediation(out: &mut String, dashboard: &Dashboard) {
    out.push_str(
        "<table>\n<caption class=\"meta\">Remediation, from every fix in the audit logs: mean days from the first \
         scan with a finding to the first without it</caption>\n<thead><tr><th>Image</th><th class=\"n\">MTTR \
         critical</th><th class=\"n\">MTTR high</th><th class=\"n\">MTTR medium</th><th class=\"n\">MTTR \
         low</th><th class=\"n\">Fixed within SLA</th></tr></thead>\n<tbody>\n",
    );
    for image in &dashboard.images {
        let mttr = |s| image.mttr.days(s).map_or_else(|| "–".to_owned(), |d| format!("{d:.1} d"));
        let within = image.sla_record.describe().unwrap_or_else(|| "–".to_owned());
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{within}</td></tr>",
            esc(image.name.as_str(), MAX_TEXT),
            mttr(Severity::Critical),
            mttr(Severity::High),
            mttr(Severity::Medium),
            mttr(Severity::Low),
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

/// Every accepted risk; expired and stale ones stand out.
fn exceptions(out: &mut String, dashboard: &Dashboard) {
    let _ = writeln!(out, "<h2 id=\"accepted-risks\">Accepted risks ({})</h2>", dashboard.exceptions.len());
    if dashboard.exceptions.is_empty() {
        out.push_str("<p>None.</p>\n");
        return;
    }
    out.push_str(
        "<table>\n<thead><tr><th>Exception</th><th>State</th><th>Expires</th><th class=\"n\">Suppresses</th>\
         <th>Scope</th><th>Reason</th><th>VEX</th><th>Where</th></tr></thead>\n<tbody>\n",
    );
    for view in &dashboard.exceptions {
        let e = &view.exception;
        let state = match view.state {
            ExceptionState::Active => "active".to_owned(),
            ExceptionState::ExpiringSoon(days) => {
                format!("<span class=\"late\">expires in {days} days</span>")
            }
            ExceptionState::Expired => {
                "<span class=\"expired\">EXPIRED: its findings count again</span>".to_owned()
            }
            ExceptionState::Stale => {
                "<span class=\"stale-exception\">stale: matches nothing; remove it?</span>".to_owned()
            }
        };
        let scope = e.scope();
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td>{state}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td><td class=\"t\">{}</td>\
             <td>{}</td><td><code>{}</code></td></tr>",
            esc(&e.id, 80),
            e.expires.map_or_else(|| "never".to_owned(), |d| d.to_string()),
            view.findings,
            if scope.is_empty() { "every image".to_owned() } else { esc(&scope, MAX_TEXT) },
            esc(&e.reason, MAX_TEXT),
            e.vex.as_deref().map(|v| esc(v, 80)).unwrap_or_default(),
            esc(&e.source, 120)
        );
    }
    out.push_str("</tbody>\n</table>\n");
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

pub(crate) fn badge(risk: &'static str) -> String {
    format!("<span class=\"sev {}\">{risk}</span>", risk.to_ascii_lowercase())
}

/// `2026-01-05 04:00 UTC`.
pub(super) fn human_time(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M UTC").to_string()
}
