//! `hardline dashboard`: the static site for GitHub Pages.

use hardline_feeds::FeedKind;
use hardline_publish::dashboard;

use crate::cli::DashboardArgs;
use crate::context::Context;
use crate::files;
use crate::report::{DashboardReport, Report};

pub fn run(ctx: &Context, args: DashboardArgs) -> anyhow::Result<Report> {
    let out = ctx.root.join(&args.out);
    let ledger = ctx.existing_ledger()?;
    // The site's files would sit among the ledger's, where `verify` and `rebuild` own every
    // file (or overwrite one: `cve-baseline/…`).
    if let Some(dir) = ledger.layout().ledger_dir_holding(&out) {
        anyhow::bail!(
            "--out {} is inside {}, which belongs to the ledger; write the site elsewhere (the default is `site`)",
            args.out.display(),
            ledger.layout().relative(&dir).display()
        );
    }
    let (exceptions, feeds) = (ctx.exceptions()?, ctx.feeds(&FeedKind::ALL)?);
    let site = dashboard::site(&ledger, &ctx.triage(&exceptions, &feeds), &ctx.progress())?;
    let mut report = DashboardReport { out, files: Vec::new(), changed: Vec::new() };
    for file in site {
        if files::write_if_changed(&report.out.join(&file.path), &file.contents)? {
            report.changed.push(file.path.clone());
        }
        report.files.push(file.path);
    }
    Ok(Report::Dashboard(report))
}
