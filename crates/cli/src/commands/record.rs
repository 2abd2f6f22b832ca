use std::fmt::Write;

use serde::Serialize;

use crate::cli::{Format, RecordArgs};
use crate::context::{Context, read_scan};
use crate::json_v1::{CountsV1, DiffV1};
use crate::{exit, output, progress};

#[derive(Serialize)]
struct RecordV1 {
    version: u32,
    image: String,
    /// Whether anything was appended to the log.
    recorded: bool,
    /// From the state before this call to the state after it.
    diff: DiffV1,
    counts: CountsV1,
    unique_vulnerabilities: usize,
    scans: Vec<ScanV1>,
}

#[derive(Serialize)]
struct ScanV1 {
    report: String,
    created_at: Option<String>,
    recorded: bool,
    new: usize,
    fixed: usize,
    changed: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    event: Option<u64>,
}

pub fn run(ctx: &Context, args: RecordArgs) -> anyhow::Result<u8> {
    hardline_ledger::check_image_name(&args.image)?;
    // Parse everything before taking the lock: parsing is the slow part, and a bad report
    // must stop the command before anything is written.
    let bar = progress::bar(args.reports.len() as u64, "parsing");
    let mut scans = Vec::with_capacity(args.reports.len());
    for path in &args.reports {
        scans.push((path.display().to_string(), read_scan(path, args.input)?));
        bar.inc(1);
    }
    bar.finish_and_clear();
    let names: Vec<String> = scans.iter().map(|(name, _)| name.clone()).collect();

    let ledger = ctx.ledger();
    let mut writer = ledger.lock()?;
    if let Some(note) = &writer.recovered {
        output::note(&format!("note: {note}"));
    }
    let recorded =
        writer.record(&args.image, scans.into_iter().map(|(_, s)| s).collect(), &ctx.now_rfc3339())?;
    drop(writer);
    let outcomes = &recorded.outcomes;
    let report = RecordV1 {
        version: 1,
        image: args.image.clone(),
        recorded: outcomes.iter().any(|o| o.recorded),
        diff: (&recorded.total).into(),
        counts: recorded.counts.into(),
        unique_vulnerabilities: recorded.unique_vulnerabilities,
        scans: outcomes
            .iter()
            .map(|o| ScanV1 {
                report: names.get(o.input_index).cloned().unwrap_or_default(),
                created_at: o.payload.scan.created_at.clone(),
                recorded: o.recorded,
                new: o.payload.diff.new.len(),
                fixed: o.payload.diff.fixed.len(),
                changed: o.payload.diff.changed.len(),
                event: o.event.as_ref().map(|e| e.seq),
            })
            .collect(),
    };
    match ctx.format {
        Format::Json => output::json(&report)?,
        Format::Human | Format::Markdown => output::print(&human(&report))?,
    }
    Ok(exit::OK)
}

fn human(report: &RecordV1) -> String {
    let mut out = String::new();
    for scan in &report.scans {
        let what = if scan.recorded {
            format!("recorded as event {}", scan.event.unwrap_or_default())
        } else {
            "already in the log, nothing appended".to_owned()
        };
        let _ = writeln!(
            out,
            "{}: {} (+{} new, -{} fixed, {} changed)",
            scan.report, what, scan.new, scan.fixed, scan.changed
        );
    }
    let c = &report.counts.counts;
    let _ = write!(
        out,
        "{}: {} findings ({} critical, {} high, {} medium, {} low, {} unknown), {} unique vulnerabilities",
        report.image,
        report.counts.total,
        c.critical,
        c.high,
        c.medium,
        c.low,
        c.unknown,
        report.unique_vulnerabilities
    );
    out
}
