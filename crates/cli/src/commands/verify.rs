//! `hardline verify`: every chain and every view recomputed.

use crate::context::Context;
use crate::output;
use crate::report::{Report, VerifyOutcome};

pub fn run(ctx: &Context, args: crate::cli::VerifyArgs) -> anyhow::Result<Report> {
    let ledger = ctx.existing_ledger()?;
    // Read-only: verify works on a read-only checkout, and never heals what it checks.
    let mut report = ledger.verify(&ctx.progress())?;
    // Git as the witness of the log's history: what the chain alone cannot see.
    report.problems.extend(crate::git_witness::check(&ctx.root, args.since.as_deref())?);
    if !report.legacy_views.is_empty() {
        let files: Vec<String> = report.legacy_views.iter().map(|p| p.display().to_string()).collect();
        output::note(&format!(
            "note: {} in the layout of hardline 0.1: right, but the next record of the image, or \
             `hardline rebuild`, rewrites them in the current layout",
            files.join(", ") + if files.len() == 1 { " is" } else { " are" }
        ));
    }
    // The tracker as the witness outside the repository: what a rewritten git history hides.
    let tracker = if args.tracker {
        let mut tracker = crate::tracker::open(ctx)?;
        let images = ledger.images()?;
        Some(crate::tracker_witness::check(tracker.as_mut(), &ledger, &images, &mut report.problems)?)
    } else {
        None
    };
    Ok(Report::Verify(VerifyOutcome { ledger: report, tracker }))
}
