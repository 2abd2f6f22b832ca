//! `hardline record`: reports of one image into its ledger.

use hardline_ingest::batch::Reports;

use crate::cli::RecordArgs;
use crate::context::Context;
use crate::report::{RecordReport, Report};
use crate::{output, progress};

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
    let bar = progress::bar(reports.len() as u64, "recording");
    let several = reports.len() > 1;
    let scanned_at = args.scanned_at;
    let scans = reports.into_scans().inspect(|_| bar.inc(1)).map(|scan| {
        let (index, mut scan) = scan?;
        output::warnings(scan.warnings());
        if scan.meta.created_at.is_none() {
            scan.meta.created_at.clone_from(&scanned_at);
        }
        Ok::<_, anyhow::Error>((index, scan))
    });
    let recorded = writer.record_each(&args.image, several, scans, &ctx.now())?;
    bar.finish_and_clear();
    Ok(Report::Record(RecordReport { image: args.image, recorded, labels }))
}
