use hardline_publish::dashboard;
use serde::Serialize;

use crate::cli::{DashboardArgs, Format};
use crate::context::Context;
use crate::{exit, files, output};

#[derive(Serialize)]
struct DashboardV1 {
    version: u32,
    out: String,
    files: Vec<String>,
    changed: Vec<String>,
}

pub fn run(ctx: &Context, args: DashboardArgs) -> anyhow::Result<u8> {
    let out = ctx.root.join(&args.out);
    let site = dashboard::build(&ctx.ledger())?;
    let mut report =
        DashboardV1 { version: 1, out: out.display().to_string(), files: Vec::new(), changed: Vec::new() };
    for file in site.files() {
        if files::write_if_changed(&out.join(&file.path), &file.contents)? {
            report.changed.push(file.path.clone());
        }
        report.files.push(file.path);
    }
    match ctx.format {
        Format::Json => output::json(&report)?,
        Format::Human | Format::Markdown => output::print(&format!(
            "wrote {} ({} files, {} changed)",
            report.out,
            report.files.len(),
            report.changed.len()
        ))?,
    }
    Ok(exit::OK)
}
