//! How long `hardline report` and `hardline export` take, and how big what they write is, for
//! the demo's two images and for the real `../shared/corpus` history (recorded first, in one
//! batch per image): one process per document, as a pipeline runs them, best of several runs.
//!
//! Then, in process on the corpus, where that time goes: reading and triaging the log into the
//! report model (`report::build`), and each renderer on that model.
//!
//! `cargo bench -p hardline --bench reports`.

#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const RUNS: usize = 5;
/// The demo's last moment; the corpus is reported a day after its last scan.
const DEMO_NOW: &str = "2026-11-11T04:00:00Z";

fn main() {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_hardline"));
    let demo = tempfile::tempdir().unwrap();
    let root = demo.path().join("demo");
    let made = Command::new(&bin).args(["demo", "--out"]).arg(&root).output().unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    println!("demo ({DEMO_NOW}):");
    for image in ["php-mysql-secured", "postgres-secured"] {
        measure(&bin, &root, image, DEMO_NOW);
    }

    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/trivy-history");
    if !corpus.is_dir() {
        println!("../shared/corpus is not there: the corpus is not measured");
        return;
    }
    let ledger = tempfile::tempdir().unwrap();
    println!("corpus (every report of each image recorded first):");
    for image in ["php-mysql", "postgres-18"] {
        let mut reports: Vec<PathBuf> =
            std::fs::read_dir(corpus.join(image)).unwrap().flatten().map(|e| e.path()).collect();
        reports.sort();
        let mut record = Command::new(&bin);
        record.arg("--root").arg(ledger.path()).args(["record", "--init", "--image", image]);
        for report in &reports {
            record.arg("--report").arg(report);
        }
        let recorded = record.output().unwrap();
        assert!(recorded.status.success(), "{}", String::from_utf8_lossy(&recorded.stderr));
        measure(&bin, ledger.path(), image, "2026-12-01T00:00:00Z");
    }
    println!("corpus, in process (the model once, then each renderer on it):");
    for image in ["php-mysql", "postgres-18"] {
        in_process(ledger.path(), image, "2026-12-01T00:00:00Z");
    }
}

/// The fastest of [`RUNS`] runs of `work`, in milliseconds.
fn best<T>(mut work: impl FnMut() -> T) -> (f64, T) {
    let mut fastest = Duration::MAX;
    let mut last = None;
    for _ in 0..RUNS {
        let start = Instant::now();
        last = Some(work());
        fastest = fastest.min(start.elapsed());
    }
    (fastest.as_secs_f64() * 1000.0, last.unwrap())
}

/// Times `report::build` (the log read, folded and triaged) and each renderer on its model.
fn in_process(root: &Path, image: &str, now: &str) {
    use hardline_publish::report;
    let ledger = hardline_ledger::Ledger::open(root);
    let (exceptions, feeds) = (hardline_policy::ExceptionSet::default(), hardline_feeds::Feeds::default());
    let now: jiff::Timestamp = now.parse().unwrap();
    let triage = hardline_triage::Triage {
        exceptions: &exceptions,
        feeds: &feeds,
        settings: hardline_triage::Settings::default(),
        now,
    };
    let name: hardline_model::ImageName = image.parse().unwrap();
    let since = now.checked_sub(jiff::ToSpan::hours(24 * report::DEFAULT_PERIOD_DAYS)).unwrap();
    let (build, model) =
        best(|| report::build(&ledger, &triage, &name, since, &hardline_model::Silent).unwrap());
    let (html, _) = best(|| report::html::render(&model));
    let (csv, _) = best(|| report::csv::render(&model));
    let (pdf, _) = best(|| report::pdf::render(&model).unwrap());
    println!(
        "  {image:<18} {} findings: model {build:.1} ms; html {html:.1} ms, csv {csv:.1} ms, pdf {pdf:.1} ms",
        model.findings.len()
    );
}

/// Times every document of `image` and prints one line each.
fn measure(bin: &Path, root: &Path, image: &str, now: &str) {
    let out = tempfile::tempdir().unwrap();
    let documents: [(&str, Vec<&str>); 6] = [
        ("report pdf", vec!["--format", "pdf", "report"]),
        ("report html", vec!["--format", "html", "report"]),
        ("report csv", vec!["--format", "csv", "report"]),
        ("report json", vec!["--format", "json", "report"]),
        ("export cyclonedx-vex", vec!["export", "cyclonedx-vex"]),
        ("export openvex", vec!["export", "openvex"]),
    ];
    for (name, args) in documents {
        let file = out.path().join(name.replace(' ', "."));
        let mut fastest = Duration::MAX;
        for _ in 0..RUNS {
            let start = Instant::now();
            let run = Command::new(bin)
                .env("HARDLINE_NOW", now)
                .arg("--root")
                .arg(root)
                .args(&args)
                .args(["--image", image, "--out"])
                .arg(&file)
                .output()
                .unwrap();
            fastest = fastest.min(start.elapsed());
            assert!(run.status.success(), "{name}: {}", String::from_utf8_lossy(&run.stderr));
        }
        let bytes = std::fs::read(&file).unwrap();
        let pages = if name == "report pdf" { format!(", {} pages", pages(&bytes)) } else { String::new() };
        println!(
            "  {image:<18} {name:<21} {:>7.1} ms  {:>8.1} KB{pages}",
            fastest.as_secs_f64() * 1000.0,
            bytes.len() as f64 / 1024.0
        );
    }
}

/// Page objects in a PDF (`/Type/Page`, not `/Pages`).
fn pages(pdf: &[u8]) -> usize {
    let needle = b"/Type/Page";
    pdf.windows(needle.len() + 1).filter(|w| w.starts_with(needle) && w[needle.len()] != b's').count()
}
