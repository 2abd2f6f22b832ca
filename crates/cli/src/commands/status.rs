//! `hardline status`: the posture of every image, from its baseline view.

use hardline_ledger::views::markdown::risk;
use hardline_model::{Finding, ImageName};

use crate::context::Context;
use crate::report::{ImageStatus, Report, StatusReport};

pub fn run(ctx: &Context) -> anyhow::Result<Report> {
    let ledger = ctx.ledger();
    let exceptions = ctx.exceptions()?;
    let today = ctx.today();
    let mut images = Vec::new();
    let mut baselines: Vec<(ImageName, Vec<Finding>)> = Vec::new();
    for name in ledger.images()? {
        let Some(baseline) = ledger.baseline(&name)? else { continue };
        images.push(ImageStatus {
            counts: baseline.counts,
            unique_vulnerabilities: baseline.unique_vulnerabilities,
            open_medium_plus: hardline_policy::open_findings(&baseline.findings, &name, &exceptions, today)
                .len(),
            suppressed_by_exceptions: exceptions.apply(&baseline.findings, &name, today).suppressed.len(),
            fixable: baseline.findings.iter().filter(|f| f.fixable()).count(),
            risk: risk(&baseline.counts),
            last_scan: baseline.scan.as_ref().and_then(|s| s.created_at.clone()),
            artifact: baseline.scan.as_ref().and_then(|s| s.artifact_name.clone()),
            head_seq: baseline.head.seq,
            head_hash: baseline.head.hash.clone(),
            name: name.clone(),
        });
        baselines.push((name, baseline.findings));
    }
    let scoped: Vec<(&ImageName, &[Finding])> = baselines.iter().map(|(n, f)| (n, f.as_slice())).collect();
    let stale = exceptions.stale_everywhere(&scoped);
    // An expired exception that matches nothing is only stale: no finding "counts again".
    let expired =
        exceptions.exceptions.iter().filter(|e| e.is_expired(today) && !stale.contains(e)).cloned().collect();
    let stale = stale.into_iter().cloned().collect();
    Ok(Report::Status(StatusReport { images, stale_exceptions: stale, expired_exceptions: expired }))
}
