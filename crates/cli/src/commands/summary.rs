//! `hardline summary`: `SECURITY_SUMMARY.md`, and with `--publish` the summary issue.

use hardline_publish::summary;

use crate::cli::SummaryArgs;
use crate::context::Context;
use crate::report::{Report, SummaryReport};
use crate::{files, tracker};

pub fn run(ctx: &Context, args: SummaryArgs) -> anyhow::Result<Report> {
    let (exceptions, feeds) = (ctx.exceptions()?, ctx.feeds(&[hardline_feeds::FeedKind::Kev])?);
    let summary = summary::build(
        &ctx.existing_ledger()?,
        &ctx.triage(&exceptions, &feeds),
        args.since,
        &ctx.progress(),
    )?;
    let text = summary.render();
    let file = ctx.root.join("SECURITY_SUMMARY.md");
    files::write_if_changed(&file, &text)?;
    let published = if args.publish {
        let mut tracker = tracker::open(ctx)?;
        Some(summary::publish(tracker.as_mut(), &summary, &ctx.config.issues.labels)?)
    } else {
        None
    };
    Ok(Report::Summary(SummaryReport { week: summary.week.clone(), file, text, published }))
}
