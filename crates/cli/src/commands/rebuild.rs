//! `hardline rebuild`: every view rewritten from its log.

use crate::context::Context;
use crate::report::{RebuildReport, Report};

pub fn run(ctx: &Context) -> anyhow::Result<Report> {
    let ledger = ctx.existing_ledger()?;
    let mut writer = ledger.lock()?;
    let changed = writer.rebuild(&ctx.progress())?;
    let changed = changed.iter().map(|p| ledger.layout().relative(p).display().to_string()).collect();
    Ok(Report::Rebuild(RebuildReport { changed }))
}
