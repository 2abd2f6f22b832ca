//! The customer report of one image: what is in it, what is known to be vulnerable, what was
//! decided about each finding and why, what changed since the last period, and how the reader
//! can check all of it against the audit log.
//!
//! [`build`] reads the ledger and the exceptions into an [`ImageReport`]: what the report says,
//! with no formatting. Each target renders that model once: [`html`] (one self-contained page,
//! printable), [`csv`] (one row per open finding), [`pdf`] (A4, behind the `pdf` feature); the
//! CLI renders its JSON v1 and terminal text from it too, and the standard exports
//! ([`crate::export`]) are built from it. Report text stays untrusted in the model; every
//! renderer escapes it for its target.
//!
//! Deterministic: the report describes the whole log at one moment ([`ImageReport::as_of`]: the
//! clock, or `HARDLINE_NOW`, for `hardline report` and for the dashboard's copy), so the same
//! ledger, exception files, feeds and moment give the same bytes in every format.

pub mod csv;
pub mod html;
#[cfg(feature = "pdf")]
pub mod pdf;

use hardline_ledger::{Current, Ledger};
use hardline_model::{
    Change, ChangedField, Counts, Finding, FindingKind, ImageName, Progress, ScanMeta, Severity, diff,
};
use hardline_policy::{Exception, Sla};
use hardline_triage::{Mttr, SLA_SEVERITIES, SlaRecord, Triage};
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};

use crate::PublishError;
use crate::dashboard::{Point, SiteFile};

/// The period a report looks back over when no `--since` is given.
pub const DEFAULT_PERIOD_DAYS: i64 = 30;
/// How far back the trend goes, in weeks before the last scan: two years, what a customer
/// reads a posture over (and what a report reads of the log, however long it is).
pub const TREND_WEEKS: i64 = 104;

/// What one report of one image says.
#[derive(Clone, Debug)]
pub struct ImageReport {
    pub image: ImageName,
    /// When the report is made: exceptions count as of its day. The report covers the whole
    /// log (its head is [`ImageReport::chain`]).
    pub as_of: Timestamp,
    /// The start of the period whose changes are listed.
    pub since: Timestamp,
    pub product: Product,
    /// The last scan recorded by `as_of`.
    pub scan: Option<ScanInfo>,
    pub posture: Posture,
    /// Open findings after exceptions right after each scan of the last [`TREND_WEEKS`] weeks,
    /// oldest first.
    pub trend: Vec<Point>,
    /// Every finding the image has, in report order (most severe first), with what was decided.
    pub findings: Vec<ReportFinding>,
    /// The exceptions that apply to the image's findings: active ones first, then expired ones
    /// (whose findings count again).
    pub accepted: Vec<AcceptedRisk>,
    pub changes: Changes,
    pub sla: SlaCompliance,
    pub chain: ChainHead,
}

/// How the image keeps its service levels (`[sla]`): the open findings past their due date,
/// and how fast findings were fixed over the whole log.
#[derive(Clone, Debug)]
pub struct SlaCompliance {
    /// Days allowed per severity.
    pub sla: Sla,
    /// Per severity with a service level (most severe first): open findings that count, and how
    /// many of them are past their due date.
    pub open: Vec<(Severity, usize, usize)>,
    /// Mean time to remediate per severity, over every fix in the log.
    pub mttr: Mttr,
    /// Fixes with a service level, and how many were made by their due date.
    pub record: SlaRecord,
    /// Whether the KEV catalog was at hand (a listed finding is due as a CRITICAL).
    pub kev: bool,
}

impl SlaCompliance {
    /// Open findings past their due date, over every severity.
    pub fn overdue(&self) -> usize {
        self.open.iter().map(|(_, _, overdue)| overdue).sum()
    }

    /// `4 of 5 (80%)`, or `no fix yet`.
    pub fn record_text(&self) -> String {
        match self.record.share() {
            Some(share) => format!("{} of {} ({:.0}%)", self.record.within, self.record.fixed, share * 100.0),
            None => "no fix with a service level yet".to_owned(),
        }
    }

    /// What the section says before its table, in every target.
    pub fn summary(&self) -> String {
        let sla = &self.sla;
        let kev = if self.kev {
            "a finding in CISA's KEV catalog is due as a critical"
        } else {
            "no KEV catalog was at hand, so due dates follow severity alone"
        };
        format!(
            "Findings are due {} days (critical), {} (high), {} (medium) and {} (low) after they were first seen; \
             {kev}. Open findings past their due date: {}. Fixed within the service level over the whole log: {}.",
            sla.critical,
            sla.high,
            sla.medium,
            sla.low,
            self.overdue(),
            self.record_text()
        )
    }

    /// `12.5 days (4 fixed)`, or `—` when none of `severity` was fixed.
    pub fn mttr_text(&self, severity: Severity) -> String {
        match self.mttr.days(severity) {
            Some(days) => format!("{days:.1} days ({} fixed)", self.mttr.fixed(severity)),
            None => "—".to_owned(),
        }
    }
}

/// The image as a product: what customers' tools match statements against.
#[derive(Clone, Debug)]
pub struct Product {
    /// The scanned artifact as the scanner named it (report text).
    pub artifact: Option<String>,
    /// The image's manifest digest, `sha256:` and 64 lower-case hex digits, when the scan
    /// knows it (validated: nothing else from the report gets here).
    pub digest: Option<String>,
    /// `pkg:oci/<image>@sha256:…`, or `pkg:oci/<image>` without a digest.
    pub purl: String,
    /// The operating system as the scanner named it (report text).
    pub os: Option<String>,
}

#[derive(Clone, Debug)]
pub struct ScanInfo {
    /// When the scan was recorded (the log's time for it).
    pub at: Timestamp,
    pub scanner: String,
    pub scanner_version: Option<String>,
}

/// The posture after exceptions.
#[derive(Clone, Copy, Debug)]
pub struct Posture {
    /// Open findings (no active exception) per severity.
    pub open: Counts,
    /// Findings an active exception covers.
    pub accepted: usize,
    /// Distinct vulnerability ids among the open findings.
    pub unique: usize,
    /// Open findings with a fixed version available.
    pub fixable: usize,
    /// The most severe level among the open findings (`CRITICAL` … `NONE`).
    pub risk: &'static str,
}

#[derive(Clone, Debug)]
pub struct ReportFinding {
    pub finding: Finding,
    /// When the finding (last) appeared in the image.
    pub first_seen: Option<Timestamp>,
    /// When the service level wants it fixed (`None`: UNKNOWN severity, or first seen unknown).
    pub due: Option<Date>,
    /// Past its due date on the report's day (an accepted finding is never overdue).
    pub overdue: bool,
    /// Listed in CISA's KEV catalog (when the catalog was at hand).
    pub kev: bool,
    pub disposition: Disposition,
}

/// What was decided about a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disposition {
    /// It counts: no active exception covers it.
    Open,
    /// An active exception covers it: the index of that exception in [`ImageReport::accepted`].
    Accepted(usize),
}

/// An exception that applies to the image.
#[derive(Clone, Debug)]
pub struct AcceptedRisk {
    pub exception: Exception,
    /// How many of the image's findings it matches.
    pub findings: usize,
    /// Past its expiry date: its findings count again.
    pub expired: bool,
}

impl AcceptedRisk {
    /// What the exception is limited to within the image, for every target: its packages,
    /// package URLs and paths as written, then `fingerprint <hex>` for each finding it names;
    /// `every finding with its id` when nothing limits it. Report text: escape it.
    pub fn scope_text(&self) -> String {
        let e = &self.exception;
        let limits: Vec<String> = e
            .packages
            .iter()
            .chain(&e.purls)
            .chain(&e.paths)
            .cloned()
            .chain(e.fingerprints.iter().map(|f| format!("fingerprint {f}")))
            .collect();
        if limits.is_empty() { "every finding with its id".to_owned() } else { limits.join(", ") }
    }

    /// When the acceptance ends, for every target: its date, marked when it has passed (its
    /// findings count again), or `no date`.
    pub fn expires_text(&self) -> String {
        match (self.exception.expires, self.expired) {
            (Some(date), true) => format!("{date} (expired: counts again)"),
            (Some(date), false) => date.to_string(),
            (None, _) => "no date".to_owned(),
        }
    }
}

/// What changed between `since` and `as_of`.
#[derive(Clone, Debug, Default)]
pub struct Changes {
    pub new: Vec<Finding>,
    pub fixed: Vec<Finding>,
    pub changed: Vec<Change>,
}

/// One list of [`Changes`] as every target shows it: a heading, what its last column says,
/// and a row per finding with that column's text.
pub struct ChangeList<'a> {
    pub heading: &'static str,
    pub column: &'static str,
    pub rows: Vec<(&'a Finding, String)>,
}

impl Changes {
    /// New, fixed and changed, in that order (empty lists included).
    pub fn lists(&self) -> [ChangeList<'_>; 3] {
        fn versions(findings: &[Finding]) -> Vec<(&Finding, String)> {
            findings.iter().map(|f| (f, versions_text(f))).collect()
        }
        [
            ChangeList { heading: "New", column: "Installed → fixed", rows: versions(&self.new) },
            ChangeList { heading: "Fixed", column: "Installed → fixed", rows: versions(&self.fixed) },
            ChangeList {
                heading: "Changed",
                column: "What changed",
                rows: self.changed.iter().map(|c| (&c.after, change_text(c))).collect(),
            },
        ]
    }
}

/// `installed 1 → 2; severity LOW → HIGH`: what moved, in the log's field order.
pub fn change_text(change: &Change) -> String {
    let (before, after) = (&change.before, &change.after);
    let version = |f: &Finding, fixed: bool| {
        f.package
            .as_ref()
            .and_then(|p| if fixed { p.fixed_version.clone() } else { Some(p.version.clone()) })
            .unwrap_or_else(|| "none".to_owned())
    };
    change
        .fields
        .iter()
        .map(|field| match field {
            ChangedField::Severity => {
                format!("severity {} → {}", before.severity.label(), after.severity.label())
            }
            ChangedField::FixedVersion => {
                format!("fixed in {} → {}", version(before, true), version(after, true))
            }
            ChangedField::InstalledVersion => {
                format!("installed {} → {}", version(before, false), version(after, false))
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The last event of the image's log covered by the report: a reader holding the repository
/// checks the report against it.
#[derive(Clone, Debug)]
pub struct ChainHead {
    pub seq: u64,
    pub hash: String,
    /// The log, relative to the repository.
    pub log: String,
}

impl ChainHead {
    /// The commands that prove the report's ledger: the whole chain verifies, and the event the
    /// report names still carries the hash it printed (the log is append-only, so a later log
    /// still holds it at the same line).
    pub fn verify_commands(&self) -> [String; 2] {
        [
            "hardline --root <repository> verify".to_owned(),
            format!("sed -n '{}p' {} | grep -F '\"hash\":\"{}\"'", self.seq, self.log, self.hash),
        ]
    }
}

impl ImageReport {
    /// The findings that count (no active exception), most severe first: the CSV's rows.
    pub fn open(&self) -> impl Iterator<Item = &ReportFinding> {
        self.findings.iter().filter(|f| f.disposition == Disposition::Open)
    }

    /// Every CRITICAL and HIGH finding, open or accepted.
    pub fn critical_and_high(&self) -> impl Iterator<Item = &ReportFinding> {
        self.findings.iter().filter(|f| f.finding.severity >= Severity::High)
    }

    /// MEDIUM, LOW and UNKNOWN findings counted per package (or per file for findings in
    /// files), most findings first.
    pub fn lesser_by_package(&self) -> Vec<PackageSummary> {
        let mut by_package: std::collections::BTreeMap<(String, String), PackageSummary> =
            std::collections::BTreeMap::new();
        for item in self.findings.iter().filter(|f| f.finding.severity < Severity::High) {
            let finding = &item.finding;
            let (name, version) = match (&finding.package, &finding.location) {
                (Some(p), _) => (p.name.clone(), p.version.clone()),
                (None, Some(l)) => (l.path.clone(), String::new()),
                (None, None) => (finding.id.clone(), String::new()),
            };
            let entry = by_package.entry((name.clone(), version.clone())).or_insert_with(|| PackageSummary {
                name,
                version,
                counts: Counts::default(),
                accepted: 0,
                fixable: 0,
            });
            entry.counts.add(finding.severity);
            if item.disposition != Disposition::Open {
                entry.accepted += 1;
            }
            if finding.fixable() {
                entry.fixable += 1;
            }
        }
        let mut packages: Vec<PackageSummary> = by_package.into_values().collect();
        packages.sort_by(|a, b| {
            (b.counts.medium, b.counts.total())
                .cmp(&(a.counts.medium, a.counts.total()))
                .then(a.name.cmp(&b.name))
        });
        packages
    }

    /// What a finding's status reads as, in every target.
    pub fn status_of(&self, item: &ReportFinding) -> String {
        match item.disposition {
            Disposition::Open => {
                let mut status = String::from("open");
                if item.kev {
                    status.push_str(", in KEV");
                }
                if item.overdue {
                    status.push_str(", overdue");
                }
                status
            }
            Disposition::Accepted(index) => match self.accepted.get(index).map(|a| &a.exception) {
                Some(exception) if exception.vex.is_some() => "not affected (VEX)".to_owned(),
                Some(Exception { expires: Some(date), .. }) => format!("accepted until {date}"),
                _ => "accepted".to_owned(),
            },
        }
    }

    /// The exception that covers a finding, if one does.
    pub fn exception_of(&self, item: &ReportFinding) -> Option<&AcceptedRisk> {
        match item.disposition {
            Disposition::Accepted(index) => self.accepted.get(index),
            Disposition::Open => None,
        }
    }
}

/// One row of the MEDIUM/LOW summary.
#[derive(Clone, Debug)]
pub struct PackageSummary {
    /// The package (or the file) name: report text.
    pub name: String,
    pub version: String,
    /// Its MEDIUM, LOW and UNKNOWN findings.
    pub counts: Counts,
    /// How many of them an exception accepts.
    pub accepted: usize,
    pub fixable: usize,
}

/// What [`build`] tells its progress it has done, in order: the head read, the trend walked
/// back, the findings triaged, the period's changes walked back.
pub const BUILD_STEPS: [&str; 4] = ["head", "trend", "triage", "changes"];

/// Reads the report of `image` as triaged by `triage` (its exceptions, feeds and service
/// levels, at its moment: `triage.now` is the report's `as_of`), with the changes since
/// `since`. An image the ledger does not know is an error, never an empty report.
/// `progress` hears of each of [`BUILD_STEPS`] (a long history makes the walks back slow).
pub fn build(
    ledger: &Ledger,
    triage: &Triage<'_>,
    image: &ImageName,
    since: Timestamp,
    progress: &dyn Progress,
) -> Result<ImageReport, PublishError> {
    progress.start("reporting", BUILD_STEPS.len() as u64);
    // The state at the head from the baseline view the log vouches for; the trend and the
    // period's changes are read back from the head, so a report costs what it shows.
    let current = ledger.current(image)?;
    let Some(head) = current.head.clone() else {
        return Err(PublishError::UnknownImage { image: image.clone(), known: ledger.images()? });
    };
    progress.advance(BUILD_STEPS[0]);
    let exceptions = triage.exceptions;
    let state = &current.state;
    let trend = trend(ledger, triage, image, &current)?;
    progress.advance(BUILD_STEPS[1]);
    let triaged = triage.at_head(ledger, image, &current)?;
    progress.advance(BUILD_STEPS[2]);

    // The exceptions that apply, active ones first; each finding points at its own.
    let all: Vec<Finding> = triaged.findings.iter().map(|t| t.finding.clone()).collect();
    let expired = exceptions.apply(&all, image, triage.today()).expired;
    let mut accepted: Vec<AcceptedRisk> = Vec::new();
    let mut add = |exception: &Exception, expired: bool| {
        if !accepted.iter().any(|a| a.exception == *exception) {
            let findings = all.iter().filter(|f| exception.matches(f, image)).count();
            accepted.push(AcceptedRisk { exception: exception.clone(), findings, expired });
        }
    };
    for exception in triaged.findings.iter().filter_map(|t| t.exception.as_ref()) {
        add(exception, false);
    }
    for exception in expired {
        add(exception, true);
    }
    accepted.sort_by(|a, b| {
        (a.expired, &a.exception.id, &a.exception.source).cmp(&(
            b.expired,
            &b.exception.id,
            &b.exception.source,
        ))
    });

    let findings: Vec<ReportFinding> = triaged
        .findings
        .iter()
        .map(|t| ReportFinding {
            finding: t.finding.clone(),
            first_seen: t.first_seen.as_ref().map(|seen| seen.instant()),
            due: t.due,
            overdue: !t.is_suppressed() && t.is_overdue(),
            kev: t.kev.is_some(),
            disposition: match &t.exception {
                Some(exception) => Disposition::Accepted(
                    accepted.iter().position(|a| a.exception == *exception).unwrap_or_default(),
                ),
                None => Disposition::Open,
            },
        })
        .collect();

    let open: Vec<&Finding> =
        findings.iter().filter(|f| f.disposition == Disposition::Open).map(|f| &f.finding).collect();
    let posture = Posture {
        open: triaged.counts,
        accepted: findings.len() - open.len(),
        unique: hardline_model::unique_vulnerability_ids(open.iter().copied()),
        fixable: open.iter().filter(|f| f.fixable()).count(),
        risk: triaged.risk(),
    };
    let sla = SlaCompliance {
        sla: triage.settings.sla,
        open: SLA_SEVERITIES
            .iter()
            .map(|severity| {
                let of = |f: &&ReportFinding| {
                    f.disposition == Disposition::Open && f.finding.severity == *severity
                };
                let open = findings.iter().filter(of).count();
                let overdue = findings.iter().filter(of).filter(|f| f.overdue).count();
                (*severity, open, overdue)
            })
            .collect(),
        mttr: triaged.mttr,
        record: triaged.sla_record,
        kev: triage.feeds.kev.is_some(),
    };

    let mut rewind = ledger.rewind(image, &current)?;
    let mut before: Vec<Finding> = rewind.to(since)?.values().cloned().collect();
    before.sort_by(Finding::report_order);
    let change = diff(&before, &all);
    progress.advance(BUILD_STEPS[3]);

    let meta = state.last_scan.as_ref().map(|s| &s.meta);
    Ok(ImageReport {
        image: image.clone(),
        as_of: triage.now,
        since,
        product: product(image, meta),
        scan: state.last_scan.as_ref().map(|s| ScanInfo {
            at: s.at.instant(),
            scanner: s.meta.scanner.clone(),
            scanner_version: s.meta.scanner_version.clone(),
        }),
        posture,
        trend,
        findings,
        accepted,
        changes: Changes { new: change.new, fixed: change.fixed, changed: change.changed },
        sla,
        chain: ChainHead { seq: head.seq, hash: head.hash.clone(), log: format!("audit-logs/{image}.jsonl") },
    })
}

/// The trend: per scan of the last [`TREND_WEEKS`] weeks up to the last scan, oldest first,
/// the open findings right after it that count under the exceptions as they stood that day.
fn trend(
    ledger: &Ledger,
    triage: &Triage<'_>,
    image: &ImageName,
    current: &Current,
) -> Result<Vec<Point>, PublishError> {
    let Some(last) = current.state.last_scan.as_ref() else { return Ok(Vec::new()) };
    let start = last.at.instant().checked_sub((24 * 7 * TREND_WEEKS).hours()).unwrap_or(Timestamp::MIN);
    let mut rewind = ledger.rewind(image, current)?;
    let mut trend = Vec::new();
    while let Some((at, findings)) = rewind.previous_scan()? {
        if at.instant() <= start {
            break;
        }
        let findings: Vec<Finding> = findings.values().cloned().collect();
        let counted = triage.exceptions.apply(&findings, image, at.date()).counted;
        trend.push(Point {
            at: at.instant(),
            counts: Counts::from_severities(counted.iter().map(|f| f.severity)),
        });
    }
    trend.reverse();
    Ok(trend)
}

/// The image as a product, with its digest when the scan names one.
fn product(image: &ImageName, meta: Option<&ScanMeta>) -> Product {
    let digest = meta.and_then(|m| m.repo_digests.iter().find_map(|d| manifest_digest(d)));
    let purl = match &digest {
        Some(digest) => format!("pkg:oci/{image}@{digest}"),
        None => format!("pkg:oci/{image}"),
    };
    Product {
        artifact: meta.and_then(|m| m.artifact_name.clone()),
        digest,
        purl,
        os: meta.and_then(|m| m.os.clone()),
    }
}

/// `sha256:<64 hex>` from a repository digest (`registry/name@sha256:…`), lower-cased; anything
/// else (a tag, a truncated or non-hex digest, another algorithm) is no digest.
pub fn manifest_digest(repo_digest: &str) -> Option<String> {
    let (_, digest) = repo_digest.rsplit_once('@')?;
    let hex = digest.strip_prefix("sha256:")?;
    (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| format!("sha256:{}", hex.to_ascii_lowercase()))
}

/// The advisory page of a vulnerability id, built by hardline from the id alone (a CVE at NVD,
/// a GHSA at GitHub), never taken from the report: a report cannot put a link of its choosing
/// in a customer document.
pub fn advisory_url(id: &str) -> Option<String> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(rest) = id.strip_prefix("CVE-") {
        let (year, number) = rest.split_once('-')?;
        return (year.len() == 4
            && digits(year)
            && number.len() >= 4
            && number.len() <= 12
            && digits(number))
        .then(|| format!("https://nvd.nist.gov/vuln/detail/{id}"));
    }
    if let Some(rest) = id.strip_prefix("GHSA-") {
        let parts: Vec<&str> = rest.split('-').collect();
        let ok = parts.len() == 3
            && parts
                .iter()
                .all(|p| p.len() == 4 && p.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_lowercase()));
        return ok.then(|| format!("https://github.com/advisories/{id}"));
    }
    None
}

/// A finding's CVSS score as a report shows it (`9.8`), or nothing.
pub fn cvss_text(finding: &Finding) -> String {
    finding.cvss.as_ref().map(|c| format!("{:.1}", c.score)).unwrap_or_default()
}

/// What a finding is in, as one short text: the package, or the file and line.
pub fn subject_text(finding: &Finding) -> String {
    match (&finding.package, &finding.location) {
        (Some(p), _) => p.name.clone(),
        (None, Some(l)) => match l.start_line {
            Some(line) => format!("{}:{line}", l.path),
            None => l.path.clone(),
        },
        (None, None) => String::new(),
    }
}

/// `installed → fixed`, `installed` or empty.
pub fn versions_text(finding: &Finding) -> String {
    match &finding.package {
        Some(p) => match p.fixed_version.as_deref().filter(|v| !v.is_empty()) {
            Some(fixed) => format!("{} → {fixed}", p.version),
            None => p.version.clone(),
        },
        None => String::new(),
    }
}

/// A date as every report target writes it.
pub fn day(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d").to_string()
}

/// A time as every report target writes it.
pub fn minute(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

/// Whether a finding is a vulnerability (rather than a misconfiguration, secret or SAST result).
pub fn is_vulnerability(finding: &Finding) -> bool {
    finding.kind == FindingKind::Vulnerability
}

/// The formats the dashboard publishes each image's latest report in: label and extension.
pub const SITE_FORMATS: &[(&str, &str)] = &[
    ("HTML", "html"),
    #[cfg(feature = "pdf")]
    ("PDF", "pdf"),
    ("CSV", "csv"),
];

/// Where the dashboard publishes an image's latest report in a format, relative to the site.
pub fn site_path(image: &ImageName, extension: &str) -> String {
    format!("reports/{image}.{extension}")
}

/// The latest report of every image, as the dashboard publishes it ([`SITE_FORMATS`] at
/// [`site_path`]): made when the site is (`triage.now`), over the [`DEFAULT_PERIOD_DAYS`]
/// before it; `progress` hears of each image.
pub fn site_files(
    ledger: &Ledger,
    triage: &Triage<'_>,
    progress: &dyn Progress,
) -> Result<Vec<SiteFile>, PublishError> {
    let since = triage.now.checked_sub((24 * DEFAULT_PERIOD_DAYS).hours()).unwrap_or(triage.now);
    let mut files = Vec::new();
    let images = ledger.images()?;
    progress.start("writing reports", images.len() as u64);
    for image in images {
        // One step per image here; the steps inside each build would restart the count.
        let report = build(ledger, triage, &image, since, &hardline_model::Silent)?;
        for (_, extension) in SITE_FORMATS {
            let contents = match *extension {
                "html" => html::render(&report).into_bytes(),
                "csv" => csv::render(&report).into_bytes(),
                #[cfg(feature = "pdf")]
                "pdf" => pdf::render(&report)?,
                _ => continue,
            };
            files.push(SiteFile { path: site_path(&image, extension), contents });
        }
        progress.advance(image.as_str());
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_full_sha256_is_a_digest() {
        let hex = "ab".repeat(32);
        assert_eq!(manifest_digest(&format!("ghcr.io/o/app@sha256:{hex}")), Some(format!("sha256:{hex}")));
        assert_eq!(
            manifest_digest(&format!("app@sha256:{}", hex.to_uppercase())),
            Some(format!("sha256:{hex}")),
            "lower-cased"
        );
        assert_eq!(manifest_digest("app@sha256:abc"), None);
        assert_eq!(manifest_digest(&format!("app:{hex}")), None);
        assert_eq!(manifest_digest(&format!("app@sha512:{hex}")), None);
        assert_eq!(manifest_digest(&format!("app@sha256:{}\"x", &hex[..63])), None);
    }

    #[test]
    fn advisory_links_are_built_from_well_formed_ids_only() {
        assert_eq!(
            advisory_url("CVE-2024-12345").as_deref(),
            Some("https://nvd.nist.gov/vuln/detail/CVE-2024-12345")
        );
        assert_eq!(
            advisory_url("GHSA-abcd-12ef-gh34").as_deref(),
            Some("https://github.com/advisories/GHSA-abcd-12ef-gh34")
        );
        for hostile in
            ["CVE-2024-1\"><script>", "CVE-24-1234", "GHSA-../../x", "DS-0002", "javascript:alert(1)", ""]
        {
            assert_eq!(advisory_url(hostile), None, "{hostile}");
        }
    }
}
