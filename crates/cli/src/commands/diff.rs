//! `hardline diff`: two reports compared, without the ledger.

use hardline_ingest::read_report_within;
use hardline_model::diff;

use crate::cli::DiffArgs;
use crate::context::Context;
use crate::output;
use crate::report::{DiffReport, Report};

pub fn run(ctx: &Context, args: DiffArgs) -> anyhow::Result<Report> {
    let limits = ctx.report_limits();
    let old = read_report_within(&args.old, args.input, &limits)?;
    let new = read_report_within(&args.new, args.input, &limits)?;
    output::warnings(old.warnings().iter().chain(new.warnings()));
    let change = diff(old.findings(), new.findings());
    Ok(Report::Diff(DiffReport {
        old_counts: old.counts(),
        new_counts: new.counts(),
        diff: change,
        old: args.old,
        new: args.new,
    }))
}
