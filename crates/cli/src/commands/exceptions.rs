//! `hardline exceptions`: every accepted risk with its reason, expiry, VEX justification and
//! the open findings it suppresses; expired and stale ones marked.

use hardline_model::{Finding, ImageName};

use crate::context::Context;
use crate::report::{ExceptionEntry, ExceptionsReport, Report};

pub fn run(ctx: &Context) -> anyhow::Result<Report> {
    let ledger = ctx.existing_ledger()?;
    let exceptions = ctx.exceptions()?;
    let today = ctx.today();
    let mut images: Vec<(ImageName, Vec<Finding>)> = Vec::new();
    for name in ledger.images()? {
        if let Some(baseline) = ledger.baseline(&name)? {
            images.push((name, baseline.findings));
        }
    }
    let scoped: Vec<(&ImageName, &[Finding])> = images.iter().map(|(n, f)| (n, f.as_slice())).collect();
    let entries = exceptions
        .review(&scoped, today)
        .into_iter()
        .map(|review| ExceptionEntry {
            exception: review.exception.clone(),
            state: review.state,
            findings: review.findings,
        })
        .collect();
    Ok(Report::Exceptions(ExceptionsReport { today, entries }))
}
