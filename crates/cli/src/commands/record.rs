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
    let reports = Reports::open(&args.reports, args.input)?;
    let labels: Vec<String> = (0..reports.len()).map(|i| reports.label(i).to_owned()).collect();
    let ledger = ctx.ledger();
    let mut writer = ledger.lock()?;
    if let Some(note) = &writer.recovered {
        output::note(&format!("note: {note}"));
    }
    let progress = ctx.progress();
    progress.start("recording", reports.len() as u64);
    let several = reports.len() > 1;
    let scans = reports
        .into_scans()
        .enumerate()
        .inspect(|(index, _)| progress.advance(labels.get(*index).map_or("", String::as_str)))
        .map(|(_, scan)| scan.map_err(anyhow::Error::from));
    let recorded = writer.record_each(&args.image, several, scans, &ctx.now())?;
    drop(progress);
    Ok(Report::Record(RecordReport { image: args.image, recorded, labels }))
}
