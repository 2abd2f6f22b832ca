//! `hardline export <format> --image NAME`: a standard document about the image's open
//! findings (its baseline view) and the exceptions that cover them, as of today. An image the
//! ledger does not know is an error, never an empty document.

use anyhow::Context as _;
use hardline_publish::export::ExportInput;

use crate::cli::ExportArgs;
use crate::context::Context;
use crate::report::{ExportReport, Report};

pub fn run(ctx: &Context, args: ExportArgs) -> anyhow::Result<Report> {
    let ledger = ctx.ledger();
    let Some(baseline) = ledger.baseline(&args.image)? else {
        let known: Vec<String> = ledger.images()?.iter().map(ToString::to_string).collect();
        anyhow::bail!(
            "no image called {} in the ledger (cve-baseline/{}.json); the images are: {}",
            args.image,
            args.image,
            if known.is_empty() { "none yet".to_owned() } else { known.join(", ") }
        );
    };
    let exceptions = ctx.exceptions()?;
    let input = ExportInput {
        image: &args.image,
        findings: &baseline.findings,
        exceptions: &exceptions,
        today: ctx.today(),
        author: &args.author,
    };
    let document = (args.export.render)(&input)?;
    let out = args.out.map(|out| ctx.root.join(out));
    if let Some(path) = &out {
        crate::files::write_if_changed(path, &document)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(Report::Export(ExportReport { format: args.export.name, document, out }))
}
