//! How long `hardline report` and `hardline export` take, and how big what they write is, for
//! the demo's two images and for the real `../shared/corpus` history (recorded first, in one
//! batch per image): one process per document, as a pipeline runs them, best of several runs.
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
        record.arg("--root").arg(ledger.path()).args(["record", "--image", image]);
        for report in &reports {
            record.arg("--report").arg(report);
        }
        let recorded = record.output().unwrap();
        assert!(recorded.status.success(), "{}", String::from_utf8_lossy(&recorded.stderr));
        measure(&bin, ledger.path(), image, "2026-12-01T00:00:00Z");
    }
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
