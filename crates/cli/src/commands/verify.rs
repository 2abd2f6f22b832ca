//! `hardline verify`: every chain and every view recomputed.

use crate::context::Context;
use crate::output;
use crate::report::Report;

pub fn run(ctx: &Context) -> anyhow::Result<Report> {
    let ledger = ctx.ledger();
    // Take the lock so that verify never reads a write in progress, and so that an
    // interrupted write is completed first (recovery is part of taking the lock).
    let writer = ledger.lock()?;
    if let Some(note) = &writer.recovered {
        output::note(&format!("note: {note}"));
    }
    let report = ledger.verify(&ctx.progress())?;
    drop(writer);
    Ok(Report::Verify(report))
}
