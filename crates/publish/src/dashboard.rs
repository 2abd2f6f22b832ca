//! The static dashboard for GitHub Pages: `index.html` (every image: counts after exceptions,
//! KEV, overdue, MTTR, stale scans, trend chart, last events; the accepted risks),
//! `images/<name>.html` (the triage table of every open finding: severity, CVSS, EPSS, KEV, fix,
//! first seen, age, due; the accepted risks apart), `data.json` (the trend data, version 1) and
//! `triage.js` (sorting and filtering of the triage tables).
//!
//! Pure: [`build`] reads the ledger, [`Dashboard::files`] renders bytes, the CLI writes them.
//! Deterministic: every time shown comes from the ledger or from the moment the site was
//! generated (given, so tests fix it). The pages load no external resource; their
//! Content-Security-Policy allows their own inline stylesheet (by hash) and the site's own
//! script (`script-src 'self'`), and the pages are complete without the script.

pub(crate) mod chart;
pub(crate) mod escape;
pub(crate) mod pages;
pub(crate) mod table;

use hardline_feeds::FeedInfo;
use hardline_ledger::views::prose;
use hardline_ledger::{Event, EventBody, Ledger};
use hardline_model::{Counts, Finding, ImageName, Progress, unique_vulnerability_ids};
use hardline_policy::{Exception, ExceptionState};
use hardline_triage::{Mttr, ScanAge, SlaRecord, Triage, Triaged};
use jiff::Timestamp;

use crate::PublishError;

/// Events listed per image on the index.
const RECENT_EVENTS: usize = 10;

pub struct Dashboard {
    /// When the site was generated.
    pub generated: Timestamp,
    pub images: Vec<ImageView>,
    /// The feeds that enriched it.
    pub feeds: Vec<FeedInfo>,
    /// Every accepted risk, where it stands and how many open findings it suppresses.
    pub exceptions: Vec<ExceptionView>,
}

/// An exception as the index lists it.
pub struct ExceptionView {
    pub exception: Exception,
    pub state: ExceptionState,
    /// Open findings it suppresses (expired: matches, counting again).
    pub findings: usize,
}

/// One image as the dashboard shows it: the fold of its log, triaged.
pub struct ImageView {
    /// `[a-z0-9._-]` by construction; escaped anyway.
    pub name: ImageName,
    /// Open findings that count (after exceptions).
    pub counts: Counts,
    /// Open findings accepted by an exception.
    pub suppressed: Counts,
    pub unique: usize,
    pub fixable: usize,
    /// The most severe band among the findings that count.
    pub risk: &'static str,
    /// Findings that count and are in the KEV catalog; `None` without a catalog.
    pub kev: Option<usize>,
    pub overdue: usize,
    pub mttr: Mttr,
    pub sla_record: SlaRecord,
    pub scan: ScanAge,
    /// Event time of the last recorded scan.
    pub last_scan: Option<Timestamp>,
    pub artifact: Option<String>,
    pub head_seq: u64,
    pub head_hash: String,
    /// One point per recorded scan, oldest first.
    pub points: Vec<Point>,
    /// Open findings, most severe first, each with what triage knows of it (accepted ones
    /// marked).
    pub findings: Vec<Triaged>,
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
    pub contents: Vec<u8>,
}

/// Every file of the site: the dashboard's pages and data, and the latest report of each image
/// that the pages link to (`crate::report::site_files`), all triaged at `triage.now`.
pub fn site(
    ledger: &Ledger,
    triage: &Triage<'_>,
    progress: &dyn Progress,
) -> Result<Vec<SiteFile>, PublishError> {
    let mut files = build(ledger, triage, progress)?.files();
    files.extend(crate::report::site_files(ledger, triage, progress)?);
    Ok(files)
}

/// Reads every image's log and triages it at `triage.now`, the moment the site is generated;
/// `progress` hears of each image.
pub fn build(
    ledger: &Ledger,
    triage: &Triage<'_>,
    progress: &dyn Progress,
) -> Result<Dashboard, PublishError> {
    let names = ledger.images()?;
    progress.start("reading logs", names.len() as u64);
    let mut images = Vec::new();
    for name in names {
        images.push(image_view(ledger, &name, triage)?);
        progress.advance(name.as_str());
    }
    let open: Vec<(ImageName, Vec<Finding>)> = images
        .iter()
        .map(|i| (i.name.clone(), i.findings.iter().map(|t| t.finding.clone()).collect()))
        .collect();
    let scoped: Vec<(&ImageName, &[Finding])> = open.iter().map(|(n, f)| (n, f.as_slice())).collect();
    let today = triage.today();
    let exceptions = triage
        .exceptions
        .review(&scoped, today)
        .into_iter()
        .map(|r| ExceptionView { exception: r.exception.clone(), state: r.state, findings: r.findings.len() })
        .collect();
    let feeds = triage.feeds;
    let feeds = feeds.kev.iter().map(|k| k.info()).chain(feeds.epss.iter().map(|e| e.info())).collect();
    Ok(Dashboard { generated: triage.now, images, feeds, exceptions })
}

/// One image, read at the cost of this week: the state at the head (the baseline view the log
/// vouches for), the scans index for the trend, the last lines of the log for the events.
fn image_view(ledger: &Ledger, name: &ImageName, triage: &Triage<'_>) -> Result<ImageView, PublishError> {
    let current = ledger.current(name)?;
    let triaged = triage.at_head(ledger, name, &current)?;
    let state = &current.state;
    let all: Vec<&Finding> = triaged.findings.iter().map(|t| &t.finding).collect();
    let points = ledger
        .scans(name, &current)?
        .into_iter()
        .map(|point| Point { at: point.at.instant(), counts: point.counts })
        .collect();
    let head = current.head.as_ref();
    Ok(ImageView {
        name: name.clone(),
        counts: triaged.counts,
        suppressed: triaged.suppressed,
        unique: unique_vulnerability_ids(all.iter().copied()),
        fixable: all.iter().filter(|f| f.fixable()).count(),
        risk: triaged.risk(),
        kev: triaged.kev,
        overdue: triaged.overdue,
        mttr: triaged.mttr,
        sla_record: triaged.sla_record,
        scan: triaged.scan.clone(),
        last_scan: state.last_scan.as_ref().map(|s| s.at.instant()),
        artifact: state.last_scan.as_ref().and_then(|s| s.meta.artifact_name.clone()),
        head_seq: head.map_or(0, |h| h.seq),
        head_hash: head.map(|h| h.hash.clone()).unwrap_or_default(),
        points,
        findings: triaged.findings,
        recent: ledger.recent(name, RECENT_EVENTS)?.iter().map(recent_event).collect(),
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
        let mut files =
            vec![SiteFile { path: "index.html".to_owned(), contents: pages::index(self).into_bytes() }];
        for image in &self.images {
            files.push(SiteFile {
                path: format!("images/{}.html", image.name),
                contents: pages::image(self, image).into_bytes(),
            });
        }
        files.push(SiteFile { path: "data.json".to_owned(), contents: self.data_json().into_bytes() });
        files.push(SiteFile { path: "triage.js".to_owned(), contents: pages::SCRIPT.as_bytes().to_vec() });
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

    fn empty() -> Dashboard {
        Dashboard { generated: Timestamp::UNIX_EPOCH, images: vec![], feeds: vec![], exceptions: vec![] }
    }

    #[test]
    fn empty_dashboard_is_valid_json_shape() {
        let json: serde_json::Value = serde_json::from_str(&empty().data_json()).unwrap_or_default();
        assert_eq!(json, serde_json::json!({"version": 1, "images": []}));
    }
}
