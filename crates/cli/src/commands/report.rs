//! `hardline report`: the customer report of one image, as of now (`HARDLINE_NOW` when set),
//! with the KEV catalog when one is given (a listed finding is due as a CRITICAL).
//! The model is the library's (`hardline_publish::report`); `--format` picks the renderer.

use hardline_feeds::FeedKind;
use hardline_publish::report;

use crate::cli::ReportArgs;
use crate::context::Context;
use crate::report::{DocumentReport, Report};

pub fn run(ctx: &Context, args: ReportArgs) -> anyhow::Result<Report> {
    let (exceptions, feeds) = (ctx.exceptions()?, ctx.feeds(&[FeedKind::Kev])?);
    let since = args.since.resolve(ctx.now);
    let triage = ctx.triage(&exceptions, &feeds);
    let model = report::build(&ctx.existing_ledger()?, &triage, &args.image, since, &ctx.progress())?;
    let out = args.out.map(|out| ctx.root.join(out));
    Ok(Report::Document(Box::new(DocumentReport { model, out })))
}
