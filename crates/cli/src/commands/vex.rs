use hardline_policy::vex;

use crate::cli::VexArgs;
use crate::context::Context;
use crate::{exit, output};

/// OpenVEX is JSON whatever `--format` says: it is meant for machines and customers' tools.
pub fn run(ctx: &Context, args: VexArgs) -> anyhow::Result<u8> {
    let exceptions = ctx.exceptions()?;
    let today = ctx.today();
    let active: Vec<_> = exceptions.exceptions.iter().filter(|e| !e.is_expired(today)).collect();
    let findings = ctx.ledger().baseline(&args.image)?.map(|b| b.findings).unwrap_or_default();
    output::json(&vex::document(&active, &findings, &args.image, &args.author, &ctx.now_rfc3339()))?;
    Ok(exit::OK)
}
