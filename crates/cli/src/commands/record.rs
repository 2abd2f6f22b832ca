use std::fmt::Write;
use std::io::Read;
use std::path::PathBuf;

use anyhow::Context as _;
use hardline_model::{ImageName, Scan, Timestamp};
use serde::Serialize;

use crate::cli::{Format, InputArg, RecordArgs};
use crate::context::{Context, merge_scans, read_scan};
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
    let mut names: Vec<String> = args.reports.iter().map(|p| p.display().to_string()).collect();
    let ledger = ctx.ledger();
    let recorded = match order_by_peeked_time(&args.reports)? {
        // Every report's time is known up front: parse each report just before recording it,
        // the next one on another core meanwhile, so at most two are in memory.
        Some(order) => {
            let mut writer = ledger.lock()?;
            note_recovery(&writer);
            stream(&mut writer, &args, &order, &ctx.now_rfc3339())?
        }
        // A report without a readable creation time (SARIF), or reports of several scanners:
        // parse them all, then record. Parsing first means a bad report stops the command
        // before the lock.
        None => {
            let parsed = parse_all(&args.reports, args.input)?;
            let count = parsed.len();
            let scans = merge_scanners(parsed);
            if scans.len() < count {
                names = vec![names.join(" + ")];
            }
            let mut writer = ledger.lock()?;
            note_recovery(&writer);
            writer.record(&args.image, scans, &ctx.now_rfc3339())?
        }
    };
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

fn note_recovery(writer: &hardline_ledger::Writer<'_>) {
    if let Some(note) = &writer.recovered {
        output::note(&format!("note: {note}"));
    }
}

/// The reports' indices in creation-time order, if every report's time can be read from its
/// first bytes and all are of one kind of artifact (a history of one scanner's reports).
fn order_by_peeked_time(reports: &[PathBuf]) -> anyhow::Result<Option<Vec<usize>>> {
    let mut times = Vec::with_capacity(reports.len());
    let mut kinds = std::collections::BTreeSet::new();
    for path in reports {
        let mut head = Vec::with_capacity(64 * 1024);
        std::fs::File::open(path)
            .and_then(|f| f.take(64 * 1024).read_to_end(&mut head))
            .with_context(|| format!("{}: cannot read the report", path.display()))?;
        match hardline_ingest::peek_created_at(&head).and_then(|t| Timestamp::parse(&t).ok()) {
            Some(time) => times.push(time),
            None => return Ok(None),
        }
        kinds.insert(hardline_ingest::peek_string(&head, "ArtifactType"));
    }
    if kinds.len() > 1 {
        return Ok(None);
    }
    let mut order: Vec<usize> = (0..reports.len()).collect();
    order.sort_by(|a, b| Timestamp::cmp_known_first(Some(&times[*a]), Some(&times[*b])));
    Ok(Some(order))
}

/// Records the reports in `order`, parsing the next one on a second thread while the current
/// one is recorded. Nothing is written unless every report parses and records.
fn stream(
    writer: &mut hardline_ledger::Writer<'_>,
    args: &RecordArgs,
    order: &[usize],
    now: &Timestamp,
) -> anyhow::Result<hardline_ledger::Recorded> {
    let bar = progress::bar(order.len() as u64, "recording");
    let mut session = writer.session(&args.image, order.len() > 1)?;
    if let [index] = order {
        // One report: no second thread (its allocator arena would only add memory).
        session.record(read_scan(&args.reports[*index], args.input)?, *index, now)?;
    } else {
        std::thread::scope(|scope| -> anyhow::Result<()> {
            // A rendezvous channel: the parser hands over one scan and starts the next.
            let (sender, receiver) = std::sync::mpsc::sync_channel(0);
            scope.spawn(move || {
                for &index in order {
                    let scan = read_scan(&args.reports[index], args.input);
                    let failed = scan.is_err();
                    if sender.send((index, scan)).is_err() || failed {
                        break;
                    }
                }
            });
            for (index, scan) in receiver {
                session.record(scan?, index, now)?;
                bar.inc(1);
            }
            Ok(())
        })?;
    }
    bar.finish_and_clear();
    Ok(session.commit()?)
}

/// Reports of different scanners (or of the same scanner on different artifacts: a Trivy
/// image scan and a Trivy config scan of its Dockerfile) in one call describe one image at one
/// time: they are merged into one scan. Recorded one after another instead, each would "fix"
/// everything the previous one found. Reports of one kind stay separate scans (a history).
fn merge_scanners(scans: Vec<Scan>) -> Vec<Scan> {
    let kinds: std::collections::BTreeSet<(String, Option<String>)> =
        scans.iter().map(|s| (s.meta.scanner.clone(), s.meta.artifact_type.clone())).collect();
    if kinds.len() <= 1 {
        return scans;
    }
    merge_scans(scans).into_iter().collect()
}

/// Parses every report (on every core; each report is independent), keeping their order.
/// The first error in report order is the one returned.
pub fn parse_all(reports: &[PathBuf], input: InputArg) -> anyhow::Result<Vec<Scan>> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, reports.len().max(1));
    let chunk = reports.len().div_ceil(workers).max(1);
    let results: Vec<anyhow::Result<Scan>> = std::thread::scope(|scope| {
        let handles: Vec<_> = reports
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || part.iter().map(|path| read_scan(path, input)).collect::<Vec<_>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|_| vec![Err(anyhow::anyhow!("a parser thread panicked"))]))
            .collect()
    });
    results.into_iter().collect()
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
