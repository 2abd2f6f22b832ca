use serde::Serialize;

use crate::cli::Format;
use crate::context::Context;
use crate::{exit, output};

#[derive(Serialize)]
struct RebuildV1 {
    version: u32,
    changed: Vec<String>,
}

pub fn run(ctx: &Context) -> anyhow::Result<u8> {
    let ledger = ctx.ledger();
    let mut writer = ledger.lock()?;
    let changed = writer.rebuild()?;
    let changed: Vec<String> =
        changed.iter().map(|p| ledger.layout().relative(p).display().to_string()).collect();
    match ctx.format {
        Format::Json => output::json(&RebuildV1 { version: 1, changed })?,
        Format::Human | Format::Markdown => {
            if changed.is_empty() {
                output::print("every view already matches its log")?;
            } else {
                output::print(&format!("rewrote {}", changed.join(", ")))?;
            }
        }
    }
    Ok(exit::OK)
}
