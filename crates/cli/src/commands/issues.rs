//! `hardline issues sync`: one issue per image in line with its open MEDIUM+ findings.

use hardline_publish::issues::sync_images;

use crate::cli::SyncArgs;
use crate::context::Context;
use crate::report::{Report, SyncReport};
use crate::tracker;

pub fn run(ctx: &Context, args: SyncArgs) -> anyhow::Result<Report> {
    let ledger = ctx.existing_ledger()?;
    let images = match args.image {
        Some(image) => {
            crate::whereabouts::require_image(&ledger, &image)?;
            vec![image]
        }
        None => ledger.images()?,
    };
    let mut tracker = tracker::open(ctx)?;
    let exceptions = ctx.exceptions()?;
    let feeds = ctx.feeds(&[hardline_feeds::FeedKind::Kev])?;
    let now = ctx.now();
    let settings = ctx.sync_settings(&exceptions, &feeds, &now);
    let outcomes = sync_images(tracker.as_mut(), &ledger, &images, &settings, &ctx.progress())?;
    Ok(Report::IssuesSync(SyncReport { tracker: tracker.describe(), outcomes }))
}
