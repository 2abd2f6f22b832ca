//! Parse speed of `parse_report` against a bare `serde_json` pass over the same bytes.
//!
//! ```text
//! cargo run --release -p hardline-ingest --example throughput [REPORT.json]
//! ```
//!
//! Without an argument it takes the largest report of ../shared/corpus/trivy-history.

#![allow(clippy::print_stdout)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use hardline_ingest::{InputFormat, parse_report};

fn largest_corpus_report() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/trivy-history");
    let mut best: Option<(u64, PathBuf)> = None;
    for image in std::fs::read_dir(dir).ok()?.flatten() {
        for report in std::fs::read_dir(image.path()).ok()?.flatten() {
            let size = report.metadata().ok()?.len();
            if best.as_ref().is_none_or(|(s, _)| size > *s) {
                best = Some((size, report.path()));
            }
        }
    }
    best.map(|(_, path)| path)
}

/// Runs `f` repeatedly for about a second; returns the best time of one run.
fn best_of(mut f: impl FnMut()) -> Duration {
    let start = Instant::now();
    let mut best = Duration::MAX;
    while start.elapsed() < Duration::from_secs(1) {
        let run = Instant::now();
        f();
        best = best.min(run.elapsed());
    }
    best
}

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1).map(PathBuf::from).or_else(largest_corpus_report) else {
        eprintln!("no report given and no corpus found");
        return ExitCode::FAILURE;
    };
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!("{}: {error}", path.display());
            return ExitCode::FAILURE;
        }
    };
    let megabytes = bytes.len() as f64 / 1e6;
    let bare = best_of(|| {
        let parsed = serde_json::from_slice::<serde::de::IgnoredAny>(&bytes);
        assert!(parsed.is_ok(), "valid JSON");
    });
    let mut findings = 0;
    let ingest = best_of(|| {
        let scan = parse_report(&bytes, InputFormat::Auto, "bench");
        findings = scan.map(|s| s.findings().len()).unwrap_or_default();
    });
    let rate = |d: Duration| megabytes / d.as_secs_f64();
    println!("{} ({megabytes:.2} MB, {findings} findings)", path.display());
    println!("serde_json IgnoredAny: {:7.1} MB/s ({:.2} ms)", rate(bare), bare.as_secs_f64() * 1e3);
    println!("parse_report:          {:7.1} MB/s ({:.2} ms)", rate(ingest), ingest.as_secs_f64() * 1e3);
    println!("ratio:                 {:7.2}x", ingest.as_secs_f64() / bare.as_secs_f64());
    ExitCode::SUCCESS
}
