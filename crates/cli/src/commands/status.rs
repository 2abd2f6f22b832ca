//! `hardline status`: the posture of every image, triaged from its log: counts after
//! exceptions (what the gate counts) with the suppressed beside them, KEV and overdue findings,
//! MTTR, fixes within the SLA, and whether the scans stopped — read from the state at the head
//! ([`hardline_ledger::Ledger::current`]), not by replaying the log.

use hardline_feeds::FeedKind;
use hardline_model::{Finding, ImageName, Severity, unique_vulnerability_ids};

use crate::context::Context;
use crate::report::{ImageStatus, Report, StatusReport};

pub fn run(ctx: &Context) -> anyhow::Result<Report> {
    let ledger = ctx.existing_ledger()?;
    let exceptions = ctx.exceptions()?;
    // EPSS is shown per finding, which status does not list.
    let feeds = ctx.feeds(&[FeedKind::Kev])?;
    let triage = ctx.triage(&exceptions, &feeds);
    let settings = triage.settings;
    let today = ctx.today();
    let mut images = Vec::new();
    let mut states: Vec<(ImageName, Vec<Finding>)> = Vec::new();
    for name in ledger.images()? {
        // The state at the head, its first-seen times and fixes from the baseline view the log
        // vouches for: what this week costs, not the history.
        let current = ledger.current(&name)?;
        let Some(head) = current.head.as_ref() else { continue };
        let Some(last_scan) = current.state.last_scan.as_ref() else { continue };
        let triaged = triage.at_head(&ledger, &name, &current)?;
        let findings = current.state.findings_in_report_order();
        images.push(ImageStatus {
            counts: triaged.counts,
            suppressed: triaged.suppressed,
            unique_vulnerabilities: unique_vulnerability_ids(&findings),
            open_medium_plus: triaged.counts.at_least(Severity::Medium) as usize,
            fixable: findings.iter().filter(|f| f.fixable()).count(),
            risk: triaged.risk(),
            last_scan: last_scan.meta.created_at.clone(),
            artifact: last_scan.meta.artifact_name.clone(),
            head_seq: head.seq,
            head_hash: head.hash.clone(),
            kev: triaged.kev,
            overdue: triaged.overdue,
            mttr: triaged.mttr,
            sla_record: triaged.sla_record,
            scan: triaged.scan,
            name: name.clone(),
        });
        states.push((name, findings));
    }
    let scoped: Vec<(&ImageName, &[Finding])> = states.iter().map(|(n, f)| (n, f.as_slice())).collect();
    let stale = exceptions.stale_everywhere(&scoped);
    // An expired exception that matches nothing is only stale: no finding "counts again".
    let expired =
        exceptions.exceptions.iter().filter(|e| e.is_expired(today) && !stale.contains(e)).cloned().collect();
    let stale = stale.into_iter().cloned().collect();
    Ok(Report::Status(StatusReport {
        images,
        stale_exceptions: stale,
        expired_exceptions: expired,
        feeds: feeds.kev.iter().map(|k| k.info()).collect(),
        settings,
    }))
}
