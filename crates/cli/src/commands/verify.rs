//! `hardline verify`: every chain and every view recomputed.

use crate::context::Context;
use crate::output;
use crate::report::Report;

pub fn run(ctx: &Context) -> anyhow::Result<Report> {
    let ledger = ctx.existing_ledger()?;
    // Take the lock so that verify never reads a write in progress, and so that an
    // interrupted write is completed first (recovery is part of taking the lock).
    let writer = ledger.lock()?;
    if let Some(note) = &writer.recovered {
        output::note(&format!("note: {note}"));
    }
    let report = ledger.verify(&ctx.progress())?;
    drop(writer);
    if !report.legacy_views.is_empty() {
        let files: Vec<String> = report.legacy_views.iter().map(|p| p.display().to_string()).collect();
        output::note(&format!(
            "note: {} in the layout of hardline 0.1: right, but the next record of the image, or \
             `hardline rebuild`, rewrites them in the current layout",
            files.join(", ") + if files.len() == 1 { " is" } else { " are" }
        ));
    }
    Ok(Report::Verify(report))
}
