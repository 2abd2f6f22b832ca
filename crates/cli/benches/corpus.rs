//! Records the whole `../shared/corpus` history the two ways CI can run hardline, and prints the
//! figures: one process per report (as the pipeline's record job runs it), one batch call per
//! image, serde_json alone parsing the same bytes, hardline's own parse alone, and peak memory.
//!
//! `cargo bench -p hardline --bench corpus`. Each figure is the best of several runs in this
//! one process, so the ratios compare numbers measured together. The reference for "the
//! original pipeline" is the issue's 0.3 s per report (the low end of 0.3–0.5 s, so the ratios
//! are conservative); when `jq` is installed, a single representative jq pass per report is timed
//! too, as a floor for any jq-based step.

#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const ORIGINAL_PER_REPORT: Duration = Duration::from_millis(300);
const RUNS: usize = 5;

fn main() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/trivy-history");
    if !corpus.is_dir() {
        println!("../shared/corpus is not there: nothing to measure");
        return;
    }
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_hardline"));
    let images: Vec<(String, Vec<PathBuf>)> = ["php-mysql", "postgres-18"]
        .iter()
        .map(|image| {
            let mut reports: Vec<PathBuf> =
                std::fs::read_dir(corpus.join(image)).unwrap().flatten().map(|e| e.path()).collect();
            reports.sort();
            (image.to_string(), reports)
        })
        .collect();
    let all: Vec<&PathBuf> = images.iter().flat_map(|(_, r)| r).collect();
    let bytes: Vec<Vec<u8>> = all.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let total_bytes: usize = bytes.iter().map(Vec::len).sum();
    let largest = bytes.iter().map(Vec::len).max().unwrap_or(0);
    let n = all.len();
    println!("corpus: {n} reports, {:.1} MB, largest {:.1} MB", mb(total_bytes), mb(largest));

    let per_process = best(|| {
        let dir = tempfile::tempdir().unwrap();
        let mut peak = 0;
        let start = Instant::now();
        for (image, reports) in &images {
            for report in reports {
                let args = ["record", "--init", "--image", image, "--report", report.to_str().unwrap()];
                peak = peak.max(run(&bin, dir.path(), &args));
            }
        }
        (start.elapsed(), peak)
    });
    let batch = best(|| {
        let dir = tempfile::tempdir().unwrap();
        let mut peak = 0;
        let start = Instant::now();
        for (image, reports) in &images {
            let mut args =
                vec!["record".to_owned(), "--init".to_owned(), "--image".to_owned(), image.clone()];
            for report in reports {
                args.push("--report".to_owned());
                args.push(report.display().to_string());
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            peak = peak.max(run(&bin, dir.path(), &args));
        }
        (start.elapsed(), peak)
    });
    let ignored = best(|| {
        let start = Instant::now();
        for b in &bytes {
            serde_json::from_slice::<serde::de::IgnoredAny>(b).unwrap();
        }
        (start.elapsed(), 0)
    });
    let value = best(|| {
        let start = Instant::now();
        for b in &bytes {
            std::hint::black_box(serde_json::from_slice::<serde_json::Value>(b).unwrap());
        }
        (start.elapsed(), 0)
    });
    let ingest = best(|| {
        let start = Instant::now();
        for b in &bytes {
            std::hint::black_box(
                hardline_ingest::parse_report(b, hardline_ingest::InputFormat::Auto, "bench").unwrap(),
            );
        }
        (start.elapsed(), 0)
    });
    let jq = jq_floor(&all);

    let per_report = per_process.0 / n as u32;
    let batch_per_report = batch.0 / n as u32;
    println!();
    println!("{:<46} {:>10} {:>12}", "", "total", "per report");
    row("one process per report (record)", per_process.0, n);
    row("one batch call per image (record)", batch.0, n);
    row("serde_json, IgnoredAny (parse floor)", ignored.0, n);
    row("serde_json, Value (generic parse)", value.0, n);
    row("hardline ingest alone (typed, in-process)", ingest.0, n);
    if let Some(jq) = jq {
        row("jq, one severity count per report", jq, n);
    }
    row("original pipeline (issue's figure, low end)", ORIGINAL_PER_REPORT * n as u32, n);
    println!();
    println!(
        "one process per report: {:.0}x faster than 0.3 s/report (target 50x)",
        ratio(ORIGINAL_PER_REPORT, per_report)
    );
    println!(
        "batch per image:         {:.0}x faster than 0.3 s/report (target 150x)",
        ratio(ORIGINAL_PER_REPORT, batch_per_report)
    );
    println!(
        "batch vs bare parse:     {:.2}x serde_json Value, {:.2}x IgnoredAny (target within 2x)",
        ratio(batch.0, value.0),
        ratio(batch.0, ignored.0)
    );
    println!(
        "peak memory (VmHWM):     {:.1} MB per process, {:.1} MB batch; 3x largest report = {:.1} MB",
        mb(per_process.1),
        mb(batch.1),
        mb(3 * largest)
    );
}

/// Best (shortest) of `RUNS` runs, with the largest peak memory seen.
fn best(mut f: impl FnMut() -> (Duration, usize)) -> (Duration, usize) {
    let mut best = Duration::MAX;
    let mut peak = 0;
    for _ in 0..RUNS {
        let (elapsed, memory) = f();
        best = best.min(elapsed);
        peak = peak.max(memory);
    }
    (best, peak)
}

/// Runs hardline and samples its peak resident set (VmHWM) until it exits. Returns bytes.
fn run(bin: &Path, root: &Path, args: &[&str]) -> usize {
    let mut child = Command::new(bin)
        .arg("--root")
        .arg(root)
        .args(args)
        .env_remove("GITHUB_TOKEN")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Ok(status) = std::fs::read_to_string(&status_path)
            && let Some(kb) = status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<usize>().ok())
        {
            peak = peak.max(kb * 1024);
        }
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "hardline {args:?} failed");
            return peak;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
}

/// One jq pass per report counting findings by severity, if jq is installed.
fn jq_floor(reports: &[&PathBuf]) -> Option<Duration> {
    Command::new("jq").arg("--version").output().ok()?;
    let filter =
        "[.Results[]?.Vulnerabilities[]?] | group_by(.Severity) | map({(.[0].Severity): length}) | add";
    let start = Instant::now();
    for report in reports {
        let out = Command::new("jq").arg(filter).arg(report).stdout(Stdio::null()).status().ok()?;
        if !out.success() {
            return None;
        }
    }
    Some(start.elapsed())
}

fn row(what: &str, total: Duration, n: usize) {
    println!("{what:<46} {:>8.1}ms {:>10.2}ms", ms(total), ms(total) / n as f64);
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1_000_000.0
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-9)
}
