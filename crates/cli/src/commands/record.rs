//! `hardline record`: reports of one image into its ledger.

use hardline_ingest::batch::Reports;
use hardline_model::{Finding, ScanMeta, artifact_mismatch};

use crate::cli::RecordArgs;
use crate::context::Context;
use crate::report::{RecordReport, Report};
use hardline_model::Progress as _;

use crate::output;

pub fn run(ctx: &Context, args: RecordArgs) -> anyhow::Result<Report> {
    let ledger = ctx.ledger_to_write(args.init)?;
    // Reading the reports' first bytes (or parsing them all) before the lock: a bad report
    // stops the command before anything is written.
    let reports = Reports::open(&args.reports, args.input, &ctx.read_options(Some(&args.image))?)?;
    let labels: Vec<String> = (0..reports.len()).map(|i| reports.label(i).to_owned()).collect();
    let mut writer = ledger.lock()?;
    if let Some(note) = &writer.recovered {
        output::note(&format!("note: {note}"));
    }
    // Each scan is checked against the one before it: the history's last, then the batch's.
    // A baseline view that does not parse is not built upon: the record replays the log and
    // writes the view afresh (the log is the truth, the view is derived from it).
    let baseline = match ledger.baseline(&args.image) {
        Ok(baseline) => baseline,
        Err(hardline_ledger::LedgerError::Corrupt { path, message, .. })
            if path == ledger.layout().baseline(&args.image) =>
        {
            output::note(&format!(
                "note: {} does not parse ({message}): it is rewritten from the log",
                ledger.layout().relative(&path).display()
            ));
            None
        }
        Err(e) => return Err(e.into()),
    };
    let mut previous: (Option<ScanMeta>, Vec<Finding>) =
        baseline.map(|b| (b.scan, b.findings)).unwrap_or_default();
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
            if let Some(mismatch) =
                artifact_mismatch(previous.0.as_ref(), &previous.1, &scan.meta, scan.findings())
            {
                let label = labels.get(index).map_or("", String::as_str);
                let message =
                    format!("{label} may be a report of another image than {}: {mismatch}", args.image);
                if args.strict_artifact {
                    anyhow::bail!("{message}; nothing was recorded (--strict-artifact)");
                }
                output::note(&format!("warning: {message} (--strict-artifact refuses such a report)"));
            }
            previous = (Some(scan.meta.clone()), scan.findings().to_vec());
            Ok((index, scan))
        });
    let recorded = writer.record_each(&args.image, several, scans, &ctx.now())?;
    drop(progress);
    Ok(Report::Record(RecordReport { image: args.image, recorded, labels }))
}
