use std::fmt::Write;

use hardline_publish::issues::{SyncOutcome, SyncSettings, sync_image};
use hardline_tracker::Tracker;
use serde::Serialize;

use crate::cli::{Format, SyncArgs};
use crate::context::Context;
use crate::{exit, output, tracker};

#[derive(Serialize)]
struct SyncV1 {
    version: u32,
    tracker: String,
    images: Vec<ImageV1>,
}

#[derive(Serialize)]
struct ImageV1 {
    image: hardline_model::ImageName,
    action: &'static str,
    issue: Option<u64>,
    url: Option<String>,
    open_findings: usize,
}

pub fn run(ctx: &Context, args: SyncArgs) -> anyhow::Result<u8> {
    let ledger = ctx.ledger();
    let images = match args.image {
        Some(image) => vec![image],
        None => ledger.images()?,
    };
    let mut tracker = tracker::open(ctx)?;
    let results = sync(ctx, tracker.as_mut(), &images)?
        .into_iter()
        .map(|outcome| ImageV1 {
            image: outcome.image,
            action: outcome.action.as_str(),
            issue: outcome.issue,
            url: outcome.url,
            open_findings: outcome.open_findings,
        })
        .collect();
    let report = SyncV1 { version: 1, tracker: tracker.describe(), images: results };
    match ctx.format {
        Format::Json => output::json(&report)?,
        Format::Human | Format::Markdown => {
            let mut out = format!("tracker: {}\n", report.tracker);
            for image in &report.images {
                let issue = image.issue.map(|n| format!(" (issue {n})")).unwrap_or_default();
                let _ = writeln!(
                    out,
                    "{}: {}{issue}, {} open MEDIUM+",
                    image.image, image.action, image.open_findings
                );
            }
            output::print(&out)?;
        }
    }
    Ok(exit::OK)
}

/// Syncs the issue of each image, holding the ledger's lock (each action is appended to the
/// image's audit log).
pub fn sync(
    ctx: &Context,
    tracker: &mut dyn Tracker,
    images: &[hardline_model::ImageName],
) -> anyhow::Result<Vec<SyncOutcome>> {
    let ledger = ctx.ledger();
    let exceptions = ctx.exceptions()?;
    let now = ctx.now_rfc3339();
    let settings = SyncSettings {
        labels: &ctx.config.issues.labels,
        exceptions: &exceptions,
        today: ctx.today(),
        now: &now,
    };
    let mut writer = ledger.lock()?;
    let mut outcomes = Vec::with_capacity(images.len());
    for image in images {
        outcomes.push(sync_image(tracker, &ledger, &mut writer, image, &settings)?);
    }
    Ok(outcomes)
}
