//! MTTR on the real corpus (`../shared/corpus`, four months of weekly Trivy reports of two
//! images) against an independent computation: `independent_mttr.py` reads the same reports
//! straight from their JSON, with its own notion of identity and intervals, and must agree
//! with what hardline derives from its ledger — fix for fix, to the nanosecond.
//!
//! Skipped (saying so) when the corpus or `python3` is not there.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock, PoisonError};

use hardline_feeds::Feeds;
use hardline_ingest::{InputFormat, read_report};
use hardline_ledger::{History, Ledger};
use hardline_model::{ImageName, Severity, Timestamp};
use hardline_policy::ExceptionSet;
use hardline_triage::{ImageTriage, Settings, Triage};

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/trivy-history");
    dir.is_dir().then_some(dir)
}

fn reports(dir: &Path) -> Vec<PathBuf> {
    let mut reports: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "json")).collect()
        })
        .unwrap_or_default();
    reports.sort();
    reports
}

/// The log of every report of `folder`, recorded oldest first into a fresh ledger (once per
/// folder for the whole test binary).
fn history(folder: &Path) -> &'static History {
    static LOGS: OnceLock<Mutex<BTreeMap<PathBuf, &'static History>>> = OnceLock::new();
    let mut logs = LOGS.get_or_init(Default::default).lock().unwrap_or_else(PoisonError::into_inner);
    logs.entry(folder.to_path_buf()).or_insert_with(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let ledger = Ledger::open(dir.path());
        let name = folder.file_name().and_then(|n| n.to_str()).expect("a name");
        let image = ImageName::new(name).expect("an image name");
        let recorded_at = Timestamp::parse("2026-03-03T00:00:00Z").expect("a time");
        let mut writer = ledger.lock().expect("lock");
        for report in reports(folder) {
            let scan = read_report(&report, InputFormat::Auto).unwrap_or_else(|e| panic!("{e}"));
            writer.record(&image, vec![scan], &recorded_at).unwrap_or_else(|e| panic!("{e}"));
        }
        Box::leak(Box::new(ledger.history(&image).expect("history")))
    })
}

/// The image of `folder` triaged at `now`, without exceptions or feeds.
fn triage(folder: &Path, now: &str) -> ImageTriage {
    let history = history(folder);
    let (exceptions, feeds) = (ExceptionSet::default(), Feeds::none());
    let triage = Triage {
        exceptions: &exceptions,
        feeds: &feeds,
        settings: Settings::default(),
        now: now.parse().expect("a time"),
    };
    triage.image(history)
}

fn independent(folder: &Path) -> Option<serde_json::Value> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/independent_mttr.py");
    let output = Command::new("python3").arg(script).arg(folder).output().ok()?;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    Some(serde_json::from_slice(&output.stdout).expect("JSON from the script"))
}

#[test]
fn mttr_matches_an_independent_computation_from_the_reports() {
    let Some(corpus) = corpus() else {
        eprintln!("skipped: ../shared/corpus is not beside the repository");
        return;
    };
    for image in ["php-mysql", "postgres-18"] {
        let folder = corpus.join(image);
        let Some(expected) = independent(&folder) else {
            eprintln!("skipped: python3 is not installed");
            return;
        };
        let triaged = triage(&folder, "2026-03-03T12:00:00Z");
        let mut total = 0;
        for severity in
            [Severity::Critical, Severity::High, Severity::Medium, Severity::Low, Severity::Unknown]
        {
            let theirs = &expected[severity.as_str()];
            let fixed = triaged.mttr.fixed(severity);
            total += fixed;
            assert_eq!(Some(fixed as u64), theirs["fixed"].as_u64(), "{image} {severity}: number of fixes");
            match (triaged.mttr.days(severity), theirs["mean_days"].as_f64()) {
                (None, None) => {}
                (Some(ours), Some(theirs)) => {
                    assert!(
                        (ours - theirs).abs() < 1e-9,
                        "{image} {severity}: {ours} days here, {theirs} independently"
                    )
                }
                (ours, theirs) => panic!("{image} {severity}: {ours:?} here, {theirs:?} independently"),
            }
            eprintln!("{image} {severity}: {fixed} fixed, MTTR {:?} days", triaged.mttr.days(severity));
        }
        assert!(total > 0, "{image}: the corpus has fixes, so a computation that finds none is wrong");
    }
}

/// The rest of triage on the real history: every open finding has a first-seen time from the
/// log, its age and due date follow from it, and the scans are stale only when they stopped.
#[test]
fn first_seen_age_due_and_staleness_on_the_corpus() {
    let Some(corpus) = corpus() else {
        eprintln!("skipped: ../shared/corpus is not beside the repository");
        return;
    };
    let folder = corpus.join("php-mysql");
    let fresh = triage(&folder, "2026-03-05T00:00:00Z");
    assert!(!fresh.findings.is_empty());
    assert!(fresh.findings.iter().all(|t| t.first_seen.is_some()), "every open finding has a first scan");
    let first = reports(&folder).first().map(|p| read_report(p, InputFormat::Auto).expect("a report"));
    let first_scan = first.and_then(|s| s.meta.created_at).expect("a time");
    let oldest = fresh.findings.iter().filter_map(|t| t.first_seen.as_ref()).min().expect("some");
    assert_eq!(oldest, &first_scan, "the oldest open finding was seen in the first report");
    for t in &fresh.findings {
        let seen = t.first_seen.as_ref().expect("first seen");
        assert_eq!(t.due, Settings::default().sla.due(seen.date(), t.finding.severity, None));
    }
    assert_eq!((fresh.scan.stale, fresh.scan.age_days), (false, Some(2)));
    assert!(fresh.overdue > 0, "four months in, some HIGH (30 days) are overdue");
    let stopped = triage(&folder, "2026-03-20T00:00:00Z");
    assert_eq!((stopped.scan.stale, stopped.scan.age_days), (true, Some(17)));
    let record = fresh.sla_record;
    assert!(record.fixed > 0 && record.within <= record.fixed, "{record:?}");
}
