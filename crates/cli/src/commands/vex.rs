//! `hardline vex`: the image's justified accepted risks as an OpenVEX document.

use hardline_policy::vex;

use crate::cli::VexArgs;
use crate::context::Context;
use crate::report::Report;

pub fn run(ctx: &Context, args: VexArgs) -> anyhow::Result<Report> {
    let exceptions = ctx.exceptions()?;
    let today = ctx.today();
    let active: Vec<_> = exceptions.exceptions.iter().filter(|e| !e.is_expired(today)).collect();
    let findings = ctx.ledger().baseline(&args.image)?.map(|b| b.findings).unwrap_or_default();
    Ok(Report::Vex(vex::document(&active, &findings, &args.image, &args.author, &ctx.now())))
}
