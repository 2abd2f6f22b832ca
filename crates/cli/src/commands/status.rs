use std::fmt::Write;

use hardline_ledger::views::markdown::risk;
use serde::Serialize;

use crate::cli::Format;
use crate::context::Context;
use crate::json_v1::CountsV1;
use crate::{exit, output};

#[derive(Serialize)]
struct StatusV1 {
    version: u32,
    images: Vec<ImageV1>,
    /// Exceptions that match no finding of any image: `id (file:line)`.
    stale_exceptions: Vec<String>,
    /// Exceptions past their date: their findings count again.
    expired_exceptions: Vec<String>,
}

#[derive(Serialize)]
struct ImageV1 {
    name: hardline_model::ImageName,
    /// Over all severities, before exceptions.
    counts: CountsV1,
    unique_vulnerabilities: usize,
    /// MEDIUM+ findings that count after exceptions: what the gate and the issue see.
    open_medium_plus: usize,
    suppressed_by_exceptions: usize,
    fixable: usize,
    risk: &'static str,
    last_scan: Option<hardline_model::Timestamp>,
    artifact: Option<String>,
    head_seq: u64,
    head_hash: String,
}

pub fn run(ctx: &Context) -> anyhow::Result<u8> {
    let ledger = ctx.ledger();
    let exceptions = ctx.exceptions()?;
    let today = ctx.today();
    let mut images = Vec::new();
    let mut baselines = Vec::new();
    for name in ledger.images()? {
        let Some(baseline) = ledger.baseline(&name)? else { continue };
        let suppressed = exceptions.apply(&baseline.findings, &name, today).suppressed.len();
        images.push(ImageV1 {
            counts: baseline.counts.into(),
            unique_vulnerabilities: baseline.unique_vulnerabilities,
            open_medium_plus: hardline_policy::open_findings(&baseline.findings, &name, &exceptions, today)
                .len(),
            suppressed_by_exceptions: suppressed,
            fixable: baseline.findings.iter().filter(|f| f.fixable()).count(),
            risk: risk(&baseline.counts),
            last_scan: baseline.scan.as_ref().and_then(|s| s.created_at.clone()),
            artifact: baseline.scan.as_ref().and_then(|s| s.artifact_name.clone()),
            head_seq: baseline.head.seq,
            head_hash: baseline.head.hash.clone(),
            name: name.clone(),
        });
        baselines.push((name, baseline.findings));
    }
    let scoped: Vec<(&hardline_model::ImageName, &[hardline_model::Finding])> =
        baselines.iter().map(|(name, findings)| (name, findings.as_slice())).collect();
    let describe = |e: &hardline_policy::Exception| format!("{} ({})", e.id, e.source);
    let stale = exceptions.stale_everywhere(&scoped);
    // An expired exception that matches nothing is only stale: no finding "counts again".
    let expired = exceptions.exceptions.iter().filter(|e| e.is_expired(today) && !stale.contains(e));
    let status = StatusV1 {
        version: 1,
        images,
        expired_exceptions: expired.map(describe).collect(),
        stale_exceptions: stale.into_iter().map(describe).collect(),
    };
    match ctx.format {
        Format::Json => output::json(&status)?,
        Format::Human => output::print(&human(&status))?,
        Format::Markdown => output::print(&markdown(&status))?,
    }
    Ok(exit::OK)
}

/// The columns both tables show, in order.
fn cells(image: &ImageV1) -> [String; 9] {
    let c = &image.counts.counts;
    [
        image.name.to_string(),
        c.critical.to_string(),
        c.high.to_string(),
        c.medium.to_string(),
        c.low.to_string(),
        c.unknown.to_string(),
        image.unique_vulnerabilities.to_string(),
        image.fixable.to_string(),
        image.risk.to_owned(),
    ]
}

fn human(status: &StatusV1) -> String {
    if status.images.is_empty() {
        return "no images recorded yet: run `hardline record --image NAME --report FILE`".to_owned();
    }
    let row = |c: &[String], last: &str| {
        format!(
            "{:<24} {:>5} {:>5} {:>6} {:>5} {:>5} {:>7} {:>7} {:>8}  {last}\n",
            c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8]
        )
    };
    let header =
        ["IMAGE", "CRIT", "HIGH", "MEDIUM", "LOW", "UNKN", "UNIQUE", "FIXABLE", "RISK"].map(str::to_owned);
    let mut out = row(&header, "LAST SCAN");
    for image in &status.images {
        out.push_str(&row(&cells(image), image.last_scan.as_ref().map_or("-", |t| t.as_str())));
    }
    notes(&mut out, status);
    out
}

/// Exception housekeeping, for people. Exception ids and reasons are written by people in
/// this repository, but printed without control characters all the same.
fn notes(out: &mut String, status: &StatusV1) {
    let clean = |s: &str| output::terminal_text(s, usize::MAX);
    for stale in &status.stale_exceptions {
        let _ = writeln!(out, "note: exception {} matches no finding in any image: remove it?", clean(stale));
    }
    for expired in &status.expired_exceptions {
        let _ = writeln!(out, "warning: exception {} has expired: its findings count again", clean(expired));
    }
}

fn markdown(status: &StatusV1) -> String {
    let mut out = String::from(
        "| Image | Critical | High | Medium | Low | Unknown | Unique | Fixable | Risk |\n|---|---:|---:|---:|---:|---:|---:|---:|---|\n",
    );
    for image in &status.images {
        let [name, rest @ ..] = cells(image);
        let _ = writeln!(out, "| `{name}` | {} |", rest.join(" | "));
    }
    notes(&mut out, status);
    out
}
