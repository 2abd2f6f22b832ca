//! `hardline record`: reports of one image into its ledger.

use hardline_ingest::batch::Reports;

use crate::cli::RecordArgs;
use crate::context::Context;
use crate::report::{RecordReport, Report};
use hardline_model::Progress as _;

use crate::output;

pub fn run(ctx: &Context, args: RecordArgs) -> anyhow::Result<Report> {
    // Reading the reports' first bytes (or parsing them all) before the lock: a bad report
    // stops the command before anything is written.
    let reports = Reports::open_within(&args.reports, args.input, &ctx.report_limits())?;
    let labels: Vec<String> = (0..reports.len()).map(|i| reports.label(i).to_owned()).collect();
    let ledger = ctx.ledger();
    let mut writer = ledger.lock()?;
    if let Some(note) = &writer.recovered {
        output::note(&format!("note: {note}"));
    }
    let progress = ctx.progress();
    progress.start("recording", reports.len() as u64);
    let several = reports.len() > 1;
    let scanned_at = args.scanned_at;
    let scans = reports
        .into_scans()
        .enumerate()
        .inspect(|(index, _)| progress.advance(labels.get(*index).map_or("", String::as_str)))
        .map(|(_, scan)| {
            let (index, mut scan) = scan?;
            output::warnings(scan.warnings());
            if scan.meta.created_at.is_none() {
                scan.meta.created_at.clone_from(&scanned_at);
            }
            Ok::<_, anyhow::Error>((index, scan))
        });
    let recorded = writer.record_each(&args.image, several, scans, &ctx.now())?;
    drop(progress);
    Ok(Report::Record(RecordReport { image: args.image, recorded, labels }))
}
