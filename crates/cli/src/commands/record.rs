use std::fmt::Write;

use hardline_ingest::batch::Reports;
use hardline_model::{ImageName, Timestamp};
use serde::Serialize;

use crate::cli::{Format, RecordArgs};
use crate::context::Context;
use crate::json_v1::{CountsV1, DiffV1};
use crate::{exit, output, progress};

#[derive(Serialize)]
struct RecordV1 {
    version: u32,
    image: ImageName,
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
    created_at: Option<Timestamp>,
    recorded: bool,
    new: usize,
    fixed: usize,
    changed: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    event: Option<u64>,
}

pub fn run(ctx: &Context, args: RecordArgs) -> anyhow::Result<u8> {
    // Parsing (or peeking at) the reports first means a bad report stops the command before
    // the lock.
    let reports = Reports::open(&args.reports, args.input)?;
    let ledger = ctx.ledger();
    let mut writer = ledger.lock()?;
    if let Some(note) = &writer.recovered {
        output::note(&format!("note: {note}"));
    }
    let bar = progress::bar(reports.len() as u64, "recording");
    let several = reports.len() > 1;
    let labels: Vec<String> = (0..reports.len()).map(|i| reports.label(i).to_owned()).collect();
    let scans = reports.into_scans().inspect(|_| bar.inc(1));
    let recorded = writer.record_each::<anyhow::Error>(
        &args.image,
        several,
        scans.map(|s| Ok(s?)),
        &ctx.now_rfc3339(),
    )?;
    bar.finish_and_clear();
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
                report: labels.get(o.input_index).cloned().unwrap_or_default(),
                created_at: o.created_at.clone(),
                recorded: o.recorded,
                new: o.new,
                fixed: o.fixed,
                changed: o.changed,
                event: o.seq,
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
