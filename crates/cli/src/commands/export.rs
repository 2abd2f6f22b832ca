//! `hardline export <format> --image NAME`: a standard document about one image, built from
//! its report model as of now (`HARDLINE_NOW` when set), written to `--out` (a relative path is
//! taken from `--root`) or printed. An image the ledger does not know is an error, never an
//! empty document.

use anyhow::Context as _;
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
    let triage = ctx.triage(&exceptions, &feeds);
    let model = report::build(&ctx.existing_ledger()?, &triage, &args.of.image, ctx.now, &ctx.progress())?;
    let input = ExportInput { report: &model, exceptions: &exceptions, author: &args.of.author };
    let document = (args.export.render)(&input)?;
    let out = args.of.out.map(|out| ctx.root.join(out));
    if let Some(path) = &out {
        crate::files::write_if_changed(path, &document)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(Report::Export(ExportReport { command, format: args.export.name, document, out }))
}
