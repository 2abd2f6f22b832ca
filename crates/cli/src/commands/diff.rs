//! `hardline diff`: two reports compared, without the ledger.

use hardline_ingest::read_report;
use hardline_model::diff;

use crate::cli::DiffArgs;
use crate::report::{DiffReport, Report};

pub fn run(args: DiffArgs) -> anyhow::Result<Report> {
    let old = read_report(&args.old, args.input)?;
    let new = read_report(&args.new, args.input)?;
    let change = diff(old.findings(), new.findings());
    Ok(Report::Diff(DiffReport {
        old_counts: old.counts(),
        new_counts: new.counts(),
        diff: change,
        old: args.old,
        new: args.new,
    }))
}
