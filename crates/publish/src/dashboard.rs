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

use hardline_ledger::views::markdown::risk;
use hardline_ledger::views::prose;
use hardline_ledger::{Event, EventBody, Ledger};
use hardline_model::{Counts, Finding, ImageName, unique_vulnerability_ids};
use jiff::Timestamp;

use crate::PublishError;

/// Events listed per image on the index.
const RECENT_EVENTS: usize = 10;

pub struct Dashboard {
    pub images: Vec<ImageView>,
}

/// One image as the dashboard shows it: the fold of its log.
pub struct ImageView {
    /// `[a-z0-9._-]` by construction; escaped anyway.
    pub name: ImageName,
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
    pub at: hardline_model::Timestamp,
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

/// Reads every image's state at its head, its scans index and its last events: never a
/// whole log.
pub fn build(ledger: &Ledger) -> Result<Dashboard, PublishError> {
    let mut images = Vec::new();
    for name in ledger.images()? {
        images.push(image_view(ledger, &name)?);
    }
    Ok(Dashboard { images })
}

fn image_view(ledger: &Ledger, name: &ImageName) -> Result<ImageView, PublishError> {
    let current = ledger.current(name)?;
    let state = &current.state;
    let findings = state.findings_in_report_order();
    let counts = Counts::from_severities(findings.iter().map(|f| f.severity));
    let points = ledger
        .scans(name, &current)?
        .into_iter()
        .map(|p| Point { at: p.at.instant(), counts: p.counts })
        .collect();
    let recent = ledger.recent(name, RECENT_EVENTS)?;
    Ok(ImageView {
        name: name.clone(),
        counts,
        unique: unique_vulnerability_ids(&findings),
        fixable: findings.iter().filter(|f| f.fixable()).count(),
        risk: risk(&counts),
        last_scan: state.last_scan.as_ref().map(|s| s.at.instant()),
        artifact: state.last_scan.as_ref().and_then(|s| s.meta.artifact_name.clone()),
        head_seq: current.head.as_ref().map_or(0, |h| h.seq),
        head_hash: current.head.as_ref().map(|h| h.hash.clone()).unwrap_or_default(),
        points,
        findings,
        recent: recent.iter().map(recent_event).collect(),
    })
}

/// The event as the index lists it: the same sentence the audit-log view writes.
fn recent_event(event: &Event) -> RecentEvent {
    let url = match &event.body {
        EventBody::IssueSynced(issue) => Some(issue.url.clone()).filter(|u| !u.is_empty()),
        _ => None,
    };
    RecentEvent {
        seq: event.seq,
        at: event.at.clone(),
        kind: prose::headline(event.body.kind()),
        detail: prose::sentence(&event.body).plain(),
        url,
    }
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
        self.images.iter().filter_map(|i| i.recent.first()).map(|e| e.at.instant()).max()
    }

    /// `data.json`, version 1: the trend of every image, one point per recorded scan.
    pub fn data_json(&self) -> String {
        #[derive(serde::Serialize)]
        struct DataV1<'a> {
            version: u32,
            images: Vec<ImageV1<'a>>,
        }
        #[derive(serde::Serialize)]
        struct ImageV1<'a> {
            name: &'a str,
            points: Vec<PointV1>,
        }
        #[derive(serde::Serialize)]
        struct PointV1 {
            at: String,
            #[serde(flatten)]
            counts: Counts,
            total: u32,
        }
        let data = DataV1 {
            version: 1,
            images: self
                .images
                .iter()
                .map(|image| ImageV1 {
                    name: image.name.as_str(),
                    points: image
                        .points
                        .iter()
                        .map(|p| PointV1 { at: rfc3339(p.at), counts: p.counts, total: p.counts.total() })
                        .collect(),
                })
                .collect(),
        };
        let mut out = serde_json::to_string_pretty(&data).unwrap_or_default();
        out.push('\n');
        out
    }
}

/// `2026-01-05T04:00:00Z`.
pub fn rfc3339(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_dashboard_is_valid_json_shape() {
        let json: serde_json::Value =
            serde_json::from_str(&Dashboard { images: vec![] }.data_json()).unwrap_or_default();
        assert_eq!(json, serde_json::json!({"version": 1, "images": []}));
    }
}
