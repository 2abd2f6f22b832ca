//! `hardline report` in the CLI's own formats: its JSON v1 document (`--format json`, under
//! the JSON v1 rules of `json_v1.rs`) and its terminal text (the default `human`). PDF, HTML
//! and CSV are the library's (`hardline_publish::report`).

use std::fmt::Write;

use hardline_model::{Counts, Severity};
use hardline_policy::Exception;
use hardline_publish::dashboard::rfc3339;
use hardline_publish::report::{Disposition, ImageReport, day, minute};
use serde::Serialize;

use super::human::finding_line;
use super::json_v1::{ChangeV1, CountsV1, FindingV1};
use super::style::Style;
use hardline_model::text::terminal;

#[derive(Serialize)]
struct ReportV1<'a> {
    version: u32,
    image: &'a str,
    as_of: String,
    since: String,
    product: ProductV1<'a>,
    scan: Option<ScanV1<'a>>,
    posture: PostureV1,
    trend: Vec<PointV1>,
    findings: Vec<ReportFindingV1>,
    accepted_risks: Vec<AcceptedRiskV1<'a>>,
    changes: ChangesV1,
    sla: SlaV1,
    chain: ChainV1<'a>,
}

#[derive(Serialize)]
struct SlaV1 {
    /// Days allowed per severity.
    days: SlaDaysV1,
    /// Whether the KEV catalog was at hand (a listed finding is due as a critical).
    kev: bool,
    overdue: usize,
    severities: Vec<SlaSeverityV1>,
    fixed_with_sla: usize,
    fixed_within_sla: usize,
}

#[derive(Serialize)]
struct SlaDaysV1 {
    critical: u32,
    high: u32,
    medium: u32,
    low: u32,
}

#[derive(Serialize)]
struct SlaSeverityV1 {
    severity: &'static str,
    open: usize,
    overdue: usize,
    fixed: usize,
    /// Mean days to remediate; `null` when none was fixed.
    mttr_days: Option<f64>,
}

#[derive(Serialize)]
struct ProductV1<'a> {
    artifact: Option<&'a str>,
    digest: Option<&'a str>,
    purl: &'a str,
    os: Option<&'a str>,
}

#[derive(Serialize)]
struct ScanV1<'a> {
    at: String,
    scanner: &'a str,
    scanner_version: Option<&'a str>,
}

#[derive(Serialize)]
struct PostureV1 {
    risk: &'static str,
    open: CountsV1,
    accepted: usize,
    unique_vulnerabilities: usize,
    fixable: usize,
}

#[derive(Serialize)]
struct PointV1 {
    at: String,
    #[serde(flatten)]
    counts: CountsV1,
}

#[derive(Serialize)]
struct ReportFindingV1 {
    #[serde(flatten)]
    finding: FindingV1,
    cvss: Option<f64>,
    first_seen: Option<String>,
    /// When the service level wants it fixed (a date).
    due: Option<String>,
    overdue: bool,
    kev: bool,
    /// `open`, `accepted` or `not_affected`.
    status: &'static str,
    /// The exception that covers it, as `id (file:line)`.
    exception: Option<String>,
}

#[derive(Serialize)]
struct AcceptedRiskV1<'a> {
    id: &'a str,
    images: &'a [String],
    packages: &'a [String],
    purls: &'a [String],
    paths: &'a [String],
    /// The findings it is limited to (empty: not limited by fingerprint).
    fingerprints: &'a [String],
    reason: &'a str,
    vex: Option<&'a str>,
    expires: Option<String>,
    expired: bool,
    findings: usize,
    source: &'a str,
}

#[derive(Serialize)]
struct ChangesV1 {
    new: Vec<FindingV1>,
    fixed: Vec<FindingV1>,
    changed: Vec<ChangeV1>,
}

#[derive(Serialize)]
struct ChainV1<'a> {
    log: &'a str,
    seq: u64,
    hash: &'a str,
    verify: [String; 2],
}

pub fn json(report: &ImageReport) -> impl Serialize + '_ {
    let p = &report.product;
    ReportV1 {
        version: 1,
        image: report.image.as_str(),
        as_of: rfc3339(report.as_of),
        since: rfc3339(report.since),
        product: ProductV1 {
            artifact: p.artifact.as_deref(),
            digest: p.digest.as_deref(),
            purl: &p.purl,
            os: p.os.as_deref(),
        },
        scan: report.scan.as_ref().map(|s| ScanV1 {
            at: rfc3339(s.at),
            scanner: &s.scanner,
            scanner_version: s.scanner_version.as_deref(),
        }),
        posture: PostureV1 {
            risk: report.posture.risk,
            open: report.posture.open.into(),
            accepted: report.posture.accepted,
            unique_vulnerabilities: report.posture.unique,
            fixable: report.posture.fixable,
        },
        trend: report.trend.iter().map(|p| PointV1 { at: rfc3339(p.at), counts: p.counts.into() }).collect(),
        findings: report
            .findings
            .iter()
            .map(|item| {
                let exception = report.exception_of(item).map(|a| &a.exception);
                ReportFindingV1 {
                    finding: (&item.finding).into(),
                    cvss: item.finding.cvss.as_ref().map(|c| c.score),
                    first_seen: item.first_seen.map(rfc3339),
                    due: item.due.map(|d| d.to_string()),
                    overdue: item.overdue,
                    kev: item.kev,
                    status: match (item.disposition, exception) {
                        (Disposition::Open, _) => "open",
                        (_, Some(Exception { vex: Some(_), .. })) => "not_affected",
                        _ => "accepted",
                    },
                    exception: exception.map(super::describe_exception),
                }
            })
            .collect(),
        accepted_risks: report
            .accepted
            .iter()
            .map(|risk| {
                let e = &risk.exception;
                AcceptedRiskV1 {
                    id: &e.id,
                    images: &e.images,
                    packages: &e.packages,
                    purls: &e.purls,
                    paths: &e.paths,
                    fingerprints: &e.fingerprints,
                    reason: &e.reason,
                    vex: e.vex.as_deref(),
                    expires: e.expires.map(|d| d.to_string()),
                    expired: risk.expired,
                    findings: risk.findings,
                    source: &e.source,
                }
            })
            .collect(),
        changes: ChangesV1 {
            new: report.changes.new.iter().map(Into::into).collect(),
            fixed: report.changes.fixed.iter().map(Into::into).collect(),
            changed: report.changes.changed.iter().map(Into::into).collect(),
        },
        sla: SlaV1 {
            days: SlaDaysV1 {
                critical: report.sla.sla.critical,
                high: report.sla.sla.high,
                medium: report.sla.sla.medium,
                low: report.sla.sla.low,
            },
            kev: report.sla.kev,
            overdue: report.sla.overdue(),
            severities: report
                .sla
                .open
                .iter()
                .map(|(severity, open, overdue)| SlaSeverityV1 {
                    severity: severity.as_str(),
                    open: *open,
                    overdue: *overdue,
                    fixed: report.sla.mttr.fixed(*severity),
                    mttr_days: report.sla.mttr.days(*severity).map(|d| (d * 10.0).round() / 10.0),
                })
                .collect(),
            fixed_with_sla: report.sla.record.fixed,
            fixed_within_sla: report.sla.record.within,
        },
        chain: ChainV1 {
            log: &report.chain.log,
            seq: report.chain.seq,
            hash: &report.chain.hash,
            verify: report.chain.verify_commands(),
        },
    }
}

/// The report for a terminal: the posture, every CRITICAL and HIGH, the lesser ones per
/// package (the busiest ten), accepted risks, the changes, and how to verify.
pub fn human(report: &ImageReport, style: &Style) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Security report · {} (as of {}; changes since {})",
        report.image,
        minute(report.as_of),
        minute(report.since)
    );
    let _ = writeln!(out, "Product   {}", terminal(&report.product.purl, 200));
    if let Some(scan) = &report.scan {
        let version =
            scan.scanner_version.as_deref().map(|v| format!(" {}", terminal(v, 40))).unwrap_or_default();
        let _ = writeln!(out, "Last scan {} by {}{version}", minute(scan.at), terminal(&scan.scanner, 40));
    }
    let p = &report.posture;
    let _ = writeln!(
        out,
        "Risk {}: {} open ({}), {} accepted; {} unique ids, {} fixable",
        p.risk,
        p.open.total(),
        counts(&p.open),
        p.accepted,
        p.unique,
        p.fixable
    );
    let critical_high: Vec<_> = report.critical_and_high().collect();
    let _ = writeln!(out, "\nCritical and high ({}):", critical_high.len());
    for item in critical_high {
        let seen = item.first_seen.map(|t| format!(", first seen {}", day(t))).unwrap_or_default();
        let seen = match item.due {
            Some(due) => format!("{seen}, due {due}"),
            None => seen,
        };
        let _ = writeln!(out, "  {}  [{}{seen}]", finding_line(&item.finding, style), report.status_of(item));
    }
    let packages = report.lesser_by_package();
    let _ = writeln!(out, "\nMedium and low by package ({} packages):", packages.len());
    for p in packages.iter().take(10) {
        let _ = writeln!(
            out,
            "  {} {}: {}",
            terminal(&p.name, 80),
            terminal(&p.version, 60),
            counts(&Counts { critical: 0, high: 0, ..p.counts })
        );
    }
    if packages.len() > 10 {
        let _ = writeln!(out, "  … and {} more (the PDF, HTML and CSV list them all)", packages.len() - 10);
    }
    let _ = writeln!(out, "\nAccepted risks ({}):", report.accepted.len());
    for risk in &report.accepted {
        let e = &risk.exception;
        let until = match (e.expires, risk.expired) {
            (Some(date), true) => format!("expired {date}, counts again"),
            (Some(date), false) => format!("until {date}"),
            (None, _) => "no expiry".to_owned(),
        };
        let matched =
            if risk.findings == 1 { "1 finding".to_owned() } else { format!("{} findings", risk.findings) };
        let _ = writeln!(
            out,
            "  {} ({until}, {matched}): {}",
            super::describe_exception(e),
            terminal(&e.reason, 300)
        );
    }
    let c = &report.changes;
    let _ = writeln!(
        out,
        "\nChanges since {}: {} new, {} fixed, {} changed",
        day(report.since),
        c.new.len(),
        c.fixed.len(),
        c.changed.len()
    );
    let _ = writeln!(out, "\nSLA compliance: {}", report.sla.summary());
    for (severity, open, overdue) in &report.sla.open {
        let _ = writeln!(
            out,
            "  {:<8} {open:>3} open, {overdue:>3} overdue; mean time to remediate {}",
            severity.label(),
            report.sla.mttr_text(*severity)
        );
    }
    let chain = &report.chain;
    let _ = writeln!(
        out,
        "\nChain head: event {} of {}, hash {}. Verify with:",
        chain.seq, chain.log, chain.hash
    );
    for command in chain.verify_commands() {
        let _ = writeln!(out, "  {command}");
    }
    out.push_str("\nWrite it as a document: --format pdf|html|csv|json --out FILE");
    out
}

/// `1 critical, 2 high, …` over the severities that have findings.
fn counts(c: &Counts) -> String {
    let parts: Vec<String> = Severity::DESCENDING
        .iter()
        .filter(|s| c.get(**s) > 0)
        .map(|s| format!("{} {}", c.get(*s), s.as_str()))
        .collect();
    if parts.is_empty() { "none".to_owned() } else { parts.join(", ") }
}
