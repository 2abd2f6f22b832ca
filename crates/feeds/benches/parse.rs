//! How long reading the feeds takes, as every command that uses them pays it: CISA's real
//! catalog (from `../shared/feeds`, when it is there) and an EPSS file of today's size (about
//! 300,000 CVEs, generated here in the published shape), gzipped as FIRST publishes it and
//! decompressed.
//!
//! `cargo bench -p hardline-feeds --bench parse`. Each figure is the best of 5 runs.

#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use hardline_feeds::{Epss, Kev};

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
    let kev_path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/feeds/known_exploited_vulnerabilities.json");
    match std::fs::read(&kev_path) {
        Ok(bytes) => {
            let entries = Kev::parse(&bytes, &kev_path).unwrap().len();
            let took = best(|| {
                Kev::parse(&bytes, &kev_path).unwrap();
            });
            println!(
                "KEV catalog: {entries} entries, {:.1} MB: {:.1} ms",
                bytes.len() as f64 / 1e6,
                ms(took)
            );
        }
        Err(_) => println!("KEV catalog: ../shared/feeds is not there, skipped"),
    }

    let rows = 300_000;
    let mut csv =
        String::from("#model_version:v2025.03.14,score_date:2025-08-25T00:00:00Z\ncve,epss,percentile\n");
    for i in 0..rows {
        let year = 1999 + i % 27;
        csv.push_str(&format!(
            "CVE-{year}-{},0.{:05},0.{:05}\n",
            10_000 + i,
            (i * 7919) % 100_000,
            (i * 104_729) % 100_000
        ));
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(csv.as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    let path = Path::new("epss_scores-current.csv.gz");
    assert_eq!(Epss::parse(&gz, path).unwrap().len(), rows);
    let gzipped = best(|| {
        Epss::parse(&gz, path).unwrap();
    });
    let plain = best(|| {
        Epss::parse(csv.as_bytes(), path).unwrap();
    });
    println!(
        "EPSS scores: {rows} rows, {:.1} MB gzipped ({:.1} MB of CSV): {:.1} ms gzipped, {:.1} ms decompressed",
        gz.len() as f64 / 1e6,
        csv.len() as f64 / 1e6,
        ms(gzipped),
        ms(plain)
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
