//! `hardline diff`: two reports compared, without the ledger.

use hardline_ingest::read_report_with;
use hardline_model::diff;

use crate::cli::DiffArgs;
use crate::context::Context;
use crate::output;
use crate::report::{DiffReport, Report};

pub fn run(ctx: &Context, args: DiffArgs) -> anyhow::Result<Report> {
    let options = ctx.read_options(None)?;
    let old = read_report_with(&args.old, args.input, &options)?;
    let new = read_report_with(&args.new, args.input, &options)?;
    output::warnings(old.warnings().iter().chain(new.warnings()));
    // A finding the newer report carries on under a new identity is compared as itself.
    let older = new.former_identities().carry_over(old.findings(), new.findings());
    let change = diff(&older, new.findings());
    Ok(Report::Diff(DiffReport {
        old_counts: old.counts(),
        new_counts: new.counts(),
        diff: change,
        old: args.old,
        new: args.new,
    }))
}
