//! `hardline report`: the customer report of one image, as of now (`HARDLINE_NOW` when set).
//! The model is the library's (`hardline_publish::report`); `--format` picks the renderer.

use hardline_publish::report;

use crate::cli::ReportArgs;
use crate::context::Context;
use crate::report::{DocumentReport, Report};

pub fn run(ctx: &Context, args: ReportArgs) -> anyhow::Result<Report> {
    let since = args.since.resolve(ctx.now);
    let model = report::build(&ctx.ledger(), &ctx.exceptions()?, &args.image, ctx.now, since)?;
    Ok(Report::Document(Box::new(DocumentReport { model, out: args.out })))
}
