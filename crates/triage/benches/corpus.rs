//! What triage costs on the real corpus (`../shared/corpus`, 34 weekly Trivy reports of two
//! images): triaging from the head (the baseline view the log vouches for, with its first-seen
//! times and fixes: what `status` does), against reading the whole log and triaging it (what
//! `status` did before the head carried those), and reading only the baseline view.
//!
//! `cargo bench -p hardline-triage --bench corpus`. Each figure is the best of 5 runs.

#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::path::Path;
use std::time::{Duration, Instant};

use hardline_feeds::Feeds;
use hardline_ingest::{InputFormat, read_report};
use hardline_ledger::Ledger;
use hardline_model::{ImageName, Timestamp};
use hardline_policy::ExceptionSet;
use hardline_triage::{Settings, Triage};

fn best(mut run: impl FnMut()) -> Duration {
    (0..5)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/trivy-history");
    if !corpus.is_dir() {
        println!("../shared/corpus is not there: nothing to measure");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(dir.path());
    let now = Timestamp::parse("2026-03-03T00:00:00Z").unwrap();
    let mut images = Vec::new();
    for name in ["php-mysql", "postgres-18"] {
        let image = ImageName::new(name).unwrap();
        let mut reports: Vec<_> =
            std::fs::read_dir(corpus.join(name)).unwrap().flatten().map(|e| e.path()).collect();
        reports.sort();
        let scans = reports.iter().map(|r| read_report(r, InputFormat::Auto).unwrap()).collect();
        ledger.lock().unwrap().record(&image, scans, &now).unwrap();
        images.push(image);
    }
    let log_bytes: u64 =
        images.iter().map(|i| std::fs::metadata(ledger.layout().log(i)).unwrap().len()).sum();
    let (exceptions, feeds) = (ExceptionSet::default(), Feeds::none());
    let triage =
        Triage { exceptions: &exceptions, feeds: &feeds, settings: Settings::default(), now: now.instant() };
    let baseline = best(|| {
        for image in &images {
            ledger.baseline(image).unwrap();
        }
    });
    let read = best(|| {
        for image in &images {
            ledger.history(image).unwrap();
        }
    });
    let triaged = best(|| {
        for image in &images {
            triage.image(&ledger.history(image).unwrap());
        }
    });
    let at_head = best(|| {
        for image in &images {
            triage.at_head(&ledger, image, &ledger.current(image).unwrap()).unwrap();
        }
    });
    println!("corpus ledger: 2 images, 34 scans, logs {:.1} MB", log_bytes as f64 / 1e6);
    println!("baseline views only: {:.1} ms", ms(baseline));
    println!("triaged from the head (status): {:.1} ms", ms(at_head));
    println!("logs read: {:.1} ms; logs read and triaged (whole history): {:.1} ms", ms(read), ms(triaged));
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
