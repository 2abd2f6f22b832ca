//! `hardline dashboard`: the static site for GitHub Pages.

use hardline_feeds::FeedKind;
use hardline_publish::dashboard;

use crate::cli::DashboardArgs;
use crate::context::Context;
use crate::files;
use crate::report::{DashboardReport, Report};

pub fn run(ctx: &Context, args: DashboardArgs) -> anyhow::Result<Report> {
    let out = ctx.root.join(&args.out);
    let (exceptions, feeds) = (ctx.exceptions()?, ctx.feeds(&FeedKind::ALL)?);
    let site = dashboard::site(&ctx.ledger(), &ctx.triage(&exceptions, &feeds), &ctx.progress())?;
    let mut report = DashboardReport { out, files: Vec::new(), changed: Vec::new() };
    for file in site {
        if files::write_if_changed(&report.out.join(&file.path), &file.contents)? {
            report.changed.push(file.path.clone());
        }
        report.files.push(file.path);
    }
    Ok(Report::Dashboard(report))
}
