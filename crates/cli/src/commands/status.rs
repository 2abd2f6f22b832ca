//! `hardline status`: the posture of every image, triaged from its log: counts after
//! exceptions (what the gate counts) with the suppressed beside them, KEV and overdue findings,
//! MTTR, fixes within the SLA, and whether the scans stopped.

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
        let history = ledger.history(&name)?;
        let Some(head) = history.head() else { continue };
        let state = history.state();
        let Some(last_scan) = state.last_scan.as_ref() else { continue };
        let triaged = triage.of_state(&name, &state, &hardline_ledger::Lifecycle::of(&history.events));
        let findings = state.findings_in_report_order();
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
