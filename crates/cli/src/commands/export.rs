//! `hardline export <format>`: a standard document about one image, from its report model as
//! of now (`HARDLINE_NOW` when set). An image the ledger does not know is an error.

use hardline_feeds::FeedKind;
use hardline_publish::export::ExportInput;
use hardline_publish::report;

use crate::cli::ExportArgs;
use crate::context::Context;
use crate::report::{ExportReport, Kind, Report};

pub fn run(ctx: &Context, args: ExportArgs) -> anyhow::Result<Report> {
    write(ctx, Kind::Export, args)
}

/// The export `args` ask for, on behalf of `command` (`export`, or its alias `vex`).
pub fn write(ctx: &Context, command: Kind, args: ExportArgs) -> anyhow::Result<Report> {
    let (exceptions, feeds) = (ctx.exceptions()?, ctx.feeds(&[FeedKind::Kev])?);
    let model = report::build(&ctx.ledger(), &ctx.triage(&exceptions, &feeds), &args.image, ctx.now)?;
    let input = ExportInput { report: &model, exceptions: &exceptions, author: &args.author };
    let document = (args.export.render)(&input)?;
    Ok(Report::Export(ExportReport { command, document, out: args.out }))
}
