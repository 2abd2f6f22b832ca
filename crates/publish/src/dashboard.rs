//! The static dashboard for GitHub Pages: `index.html` (every image: current counts, trend
//! chart, last events), `images/<name>.html` (the full findings table) and `data.json` (the
//! trend data, version 1).
//!
//! Pure: [`build`] reads the ledger, [`Dashboard::files`] renders bytes, the CLI writes them.
//! Deterministic: every time shown comes from the ledger, never the clock, so the same ledger
//! gives the same bytes and Pages diffs stay meaningful. The pages have no JavaScript, no
//! external resource, and a Content-Security-Policy that allows only their own stylesheet.

mod chart;
mod escape;
mod pages;

use std::fmt::Write;

use hardline_ledger::views::markdown::risk;
use hardline_ledger::{Event, EventBody, History, Ledger};
use hardline_model::{Counts, Finding, unique_vulnerability_ids};
use jiff::Timestamp;

use crate::PublishError;
use escape::clip;

/// Events listed per image on the index.
const RECENT_EVENTS: usize = 10;

pub struct Dashboard {
    pub images: Vec<ImageView>,
}

/// One image as the dashboard shows it: the fold of its log.
pub struct ImageView {
    /// Validated by the ledger to `[a-z0-9._-]`; escaped anyway.
    pub name: String,
    pub counts: Counts,
    pub unique: usize,
    pub fixable: usize,
    pub risk: &'static str,
    /// Event time of the last recorded scan.
    pub last_scan: Option<Timestamp>,
    pub artifact: Option<String>,
    pub head_seq: u64,
    pub head_hash: String,
    /// One point per recorded scan, oldest first.
    pub points: Vec<Point>,
    /// Open findings, most severe first.
    pub findings: Vec<Finding>,
    /// The last events, newest first.
    pub recent: Vec<RecentEvent>,
}

/// Counts over all open findings right after one scan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Point {
    pub at: Timestamp,
    pub counts: Counts,
}

/// One line of an image's "last events" table. `detail` is raw text (report text inside it
/// already clipped); pages escape it.
pub struct RecentEvent {
    pub seq: u64,
    pub at: String,
    pub kind: &'static str,
    pub detail: String,
    pub url: Option<String>,
}

/// One file of the site: a `/`-separated path relative to the site's root, and its contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteFile {
    pub path: String,
    pub contents: String,
}

/// Reads every image's log.
pub fn build(ledger: &Ledger) -> Result<Dashboard, PublishError> {
    let mut images = Vec::new();
    for name in ledger.images()? {
        images.push(image_view(&ledger.history(&name)?));
    }
    Ok(Dashboard { images })
}

fn image_view(history: &History) -> ImageView {
    let state = history.state();
    let findings = state.findings_in_report_order();
    let counts = Counts::from_severities(findings.iter().map(|f| f.severity));
    let points = history
        .events
        .iter()
        .filter_map(|event| match &event.body {
            EventBody::ScanRecorded(scan) => Some(Point { at: event.at.parse().ok()?, counts: scan.counts }),
            _ => None,
        })
        .collect();
    let head = history.head();
    ImageView {
        name: history.image.clone(),
        counts,
        unique: unique_vulnerability_ids(&findings),
        fixable: findings.iter().filter(|f| f.fixable()).count(),
        risk: risk(&counts),
        last_scan: state.last_scan.as_ref().and_then(|s| s.at.parse().ok()),
        artifact: state.last_scan.as_ref().and_then(|s| s.meta.artifact_name.clone()),
        head_seq: head.map_or(0, |e| e.seq),
        head_hash: head.map(|e| e.hash.clone()).unwrap_or_default(),
        points,
        findings,
        recent: history.events.iter().rev().take(RECENT_EVENTS).map(recent_event).collect(),
    }
}

fn recent_event(event: &Event) -> RecentEvent {
    let (kind, detail, url) = match &event.body {
        EventBody::ScanRecorded(scan) => {
            let what = scan.scan.artifact_name.as_deref().unwrap_or(&scan.scan.scanner);
            let detail = format!(
                "{} by {}: {} new, {} fixed, {} changed; {} open",
                clip(what, 80),
                clip(&scan.scan.scanner, 40),
                scan.diff.new.len(),
                scan.diff.fixed.len(),
                scan.diff.changed.len(),
                scan.counts.total()
            );
            ("scan recorded", detail, None)
        }
        EventBody::GateDecided(gate) => {
            let pr = gate.pull_request.map(|n| format!(" on pull request {n}")).unwrap_or_default();
            let detail = format!(
                "{}{pr} under the {} policy: MEDIUM+ {} → {}",
                clip(&gate.decision, 16),
                clip(&gate.policy, 32),
                gate.baseline_count,
                gate.candidate_count
            );
            ("gate decision", detail, None)
        }
        EventBody::IssueSynced(issue) => {
            let detail = format!(
                "{} {} #{}: {} open MEDIUM+",
                clip(&issue.tracker, 32),
                clip(&issue.action, 32),
                issue.number,
                issue.open_findings
            );
            ("issue synced", detail, Some(issue.url.clone()).filter(|u| !u.is_empty()))
        }
    };
    RecentEvent { seq: event.seq, at: event.at.clone(), kind, detail, url }
}

impl Dashboard {
    /// Every file of the site, in a stable order.
    pub fn files(&self) -> Vec<SiteFile> {
        let mut files = vec![SiteFile { path: "index.html".to_owned(), contents: pages::index(self) }];
        for image in &self.images {
            files.push(SiteFile {
                path: format!("images/{}.html", image.name),
                contents: pages::image(image),
            });
        }
        files.push(SiteFile { path: "data.json".to_owned(), contents: self.data_json() });
        files
    }

    /// The newest event time over all images: the "as of" of the site.
    pub fn as_of(&self) -> Option<Timestamp> {
        self.images.iter().filter_map(|i| i.recent.first()).filter_map(|e| e.at.parse().ok()).max()
    }

    /// `data.json`, version 1. Written by hand (this crate has no JSON dependency): its only
    /// strings are validated image names and times formatted here, and both go through
    /// [`json_string`] anyway.
    pub fn data_json(&self) -> String {
        let mut out = String::from("{\n  \"version\": 1,\n  \"images\": [");
        for (i, image) in self.images.iter().enumerate() {
            let sep = if i == 0 { "" } else { "," };
            let _ = write!(
                out,
                "{sep}\n    {{\n      \"name\": {},\n      \"points\": [",
                json_string(&image.name)
            );
            for (j, p) in image.points.iter().enumerate() {
                let sep = if j == 0 { "" } else { "," };
                let c = &p.counts;
                let _ = write!(
                    out,
                    "{sep}\n        {{\"at\": {}, \"critical\": {}, \"high\": {}, \"medium\": {}, \"low\": {}, \"unknown\": {}, \"total\": {}}}",
                    json_string(&rfc3339(p.at)),
                    c.critical,
                    c.high,
                    c.medium,
                    c.low,
                    c.unknown,
                    c.total()
                );
            }
            out.push_str(if image.points.is_empty() { "]\n    }" } else { "\n      ]\n    }" });
        }
        out.push_str(if self.images.is_empty() { "]\n}\n" } else { "\n  ]\n}\n" });
        out
    }
}

/// `2026-01-05T04:00:00Z`.
pub fn rfc3339(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '<' || c == '>' || c == '&' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_are_escaped() {
        assert_eq!(json_string("a\"b\\c\n<"), "\"a\\\"b\\\\c\\u000a\\u003c\"");
    }

    #[test]
    fn empty_dashboard_is_valid_json_shape() {
        assert_eq!(Dashboard { images: vec![] }.data_json(), "{\n  \"version\": 1,\n  \"images\": []\n}\n");
    }
}
