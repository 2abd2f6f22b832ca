use anyhow::Context as _;
use hardline_publish::summary;
use serde::Serialize;

use crate::cli::{Format, SummaryArgs};
use crate::context::Context;
use crate::{exit, files, output, tracker};

#[derive(Serialize)]
struct SummaryV1 {
    version: u32,
    week: String,
    file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    issue: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<String>,
}

pub fn run(ctx: &Context, args: SummaryArgs) -> anyhow::Result<u8> {
    let days: i64 = args
        .since
        .trim_end_matches('d')
        .parse()
        .ok()
        .filter(|d| *d > 0 && *d <= 366)
        .with_context(|| format!("--since {:?}: expected a number of days such as 7d", args.since))?;
    let ledger = ctx.ledger();
    let summary = summary::build(&ledger, &ctx.exceptions()?, ctx.now, days)?;
    let text = summary.render();
    let path = ctx.root.join("SECURITY_SUMMARY.md");
    files::write_if_changed(&path, &text)?;
    let mut report = SummaryV1 {
        version: 1,
        week: summary.week.clone(),
        file: path.display().to_string(),
        issue: None,
        comment: None,
    };
    if args.publish {
        let mut tracker = tracker::open(ctx)?;
        let published = summary::publish(tracker.as_mut(), &summary, &ctx.config.issues.labels)?;
        report.issue = Some(published.issue);
        report.comment = Some(format!("{:?}", published.comment).to_lowercase());
    }
    match ctx.format {
        Format::Json => output::json(&report)?,
        Format::Markdown => output::print(&text)?,
        Format::Human => {
            let issue = report
                .issue
                .map(|n| {
                    format!("; summary issue {n}, week comment {}", report.comment.as_deref().unwrap_or(""))
                })
                .unwrap_or_default();
            output::print(&format!("wrote {} ({}){issue}", report.file, report.week))?;
        }
    }
    Ok(exit::OK)
}
