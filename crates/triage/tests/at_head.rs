//! Triage at the head (first-seen times and the fixes' aggregate from the baseline view, the
//! log unread) says exactly what triage over the log's lifecycle says, on the real corpus:
//! MTTR, the share of fixes within the SLA, first-seen times, due dates — without feeds, with
//! the real KEV catalog, and with catalogs that list the fixed CVEs before, during and after
//! their fixes (where the aggregate cannot tell and the log is read).
//!
//! Skipped (saying so) when `../shared/corpus` is not there.

use std::path::{Path, PathBuf};

use hardline_feeds::{Feeds, Kev};
use hardline_ingest::{InputFormat, read_report};
use hardline_ledger::{Ledger, Lifecycle, Source};
use hardline_model::{ImageName, Severity, Timestamp};
use hardline_policy::{ExceptionSet, Sla};
use hardline_triage::{ImageTriage, Settings, SlaRecord, Triage};

fn shared() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    dir.join("corpus/trivy-history").is_dir().then_some(dir)
}

/// Records every report of `folder`, oldest first, into a ledger at `root`.
fn record(root: &Path, folder: &Path) -> ImageName {
    let image = ImageName::new(folder.file_name().and_then(|n| n.to_str()).expect("a name")).expect("a name");
    let mut reports: Vec<PathBuf> =
        std::fs::read_dir(folder).expect("corpus").flatten().map(|e| e.path()).collect();
    reports.sort();
    let ledger = Ledger::open(root);
    let mut writer = ledger.lock().expect("lock");
    let at = Timestamp::parse("2026-03-03T00:00:00Z").expect("a time");
    for report in reports {
        let scan = read_report(&report, InputFormat::Auto).unwrap_or_else(|e| panic!("{e}"));
        writer.record(&image, vec![scan], &at).unwrap_or_else(|e| panic!("{e}"));
    }
    image
}

/// A KEV catalog listing every CVE fixed in `lifecycle`, each on the day `listed` gives for
/// its first fix.
fn catalog(lifecycle: &Lifecycle, listed: impl Fn(jiff::civil::Date) -> jiff::civil::Date) -> Kev {
    let mut entries = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for interval in &lifecycle.fixed {
        let Some(cve) = hardline_feeds::cve_ids(&interval.finding).next() else { continue };
        if seen.insert(cve.clone()) {
            entries.push(serde_json::json!({
                "cveID": cve, "vendorProject": "p", "product": "p", "vulnerabilityName": "n",
                "dateAdded": listed(interval.closed.date()).to_string(), "shortDescription": "",
                "requiredAction": "", "dueDate": "2030-01-01",
            }));
        }
    }
    let json = serde_json::json!({
        "title": "test", "catalogVersion": "1", "dateReleased": "2026-03-01T00:00:00Z",
        "count": entries.len(), "vulnerabilities": entries,
    });
    Kev::parse(json.to_string().as_bytes(), Path::new("test-kev.json")).expect("a catalog")
}

fn assert_same(ours: &ImageTriage, theirs: &ImageTriage, what: &str) {
    for severity in Severity::DESCENDING {
        assert_eq!(ours.mttr.fixed(severity), theirs.mttr.fixed(severity), "{what}: {severity} fixes");
        match (ours.mttr.days(severity), theirs.mttr.days(severity)) {
            (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9, "{what}: {severity} MTTR {a} vs {b}"),
            (a, b) => assert_eq!(a, b, "{what}: {severity} MTTR"),
        }
    }
    assert_eq!(ours.sla_record, theirs.sla_record, "{what}: fixes within the SLA");
    assert_eq!((ours.counts, ours.kev, ours.overdue), (theirs.counts, theirs.kev, theirs.overdue), "{what}");
    let dates = |t: &ImageTriage| -> Vec<_> {
        t.findings.iter().map(|f| (f.finding.fingerprint.clone(), f.first_seen.clone(), f.due)).collect()
    };
    assert_eq!(dates(ours), dates(theirs), "{what}: first seen and due dates");
}

#[test]
fn triage_at_the_head_is_triage_over_the_log() {
    let Some(shared) = shared() else {
        eprintln!("skipped: ../shared/corpus is not beside the repository");
        return;
    };
    let real =
        Kev::load(&shared.join("feeds/known_exploited_vulnerabilities.json")).expect("the KEV catalog");
    let mut aggregate_only = 0;
    for folder in ["postgres-18", "php-mysql"] {
        let dir = tempfile::tempdir().expect("temp dir");
        let image = record(dir.path(), &shared.join("corpus/trivy-history").join(folder));
        let ledger = Ledger::open(dir.path());
        let current = ledger.current(&image).expect("current");
        assert_eq!(current.source, Source::View, "the baseline view is in step");
        let lifecycle = ledger.lifecycle(&image).expect("lifecycle");
        assert!(!lifecycle.fixed.is_empty(), "{folder}: the corpus has fixes");
        let day =
            |d: jiff::civil::Date, days: i64| d.checked_add(jiff::Span::new().days(days)).expect("a day");
        let catalogs: Vec<(&str, Option<Kev>)> = vec![
            ("no feed", None),
            ("the real catalog", Some(real.clone())),
            ("listed long before", Some(catalog(&lifecycle, |_| jiff::civil::date(2000, 1, 1)))),
            ("listed 20 days before the first fix", Some(catalog(&lifecycle, |d| day(d, -20)))),
            ("listed 3 days after the first fix", Some(catalog(&lifecycle, |d| day(d, 3)))),
            ("listed 30 days after the first fix", Some(catalog(&lifecycle, |d| day(d, 30)))),
        ];
        let tight = Sla { critical: 3, high: 10, medium: 20, low: 40 };
        for (name, kev) in catalogs {
            let feeds = Feeds { kev, epss: None };
            for sla in [Sla::default(), tight] {
                let exceptions = ExceptionSet::default();
                let settings = Settings { sla, ..Settings::default() };
                let triage = Triage {
                    exceptions: &exceptions,
                    feeds: &feeds,
                    settings,
                    now: "2026-03-10T00:00:00Z".parse().expect("a time"),
                };
                let at_head = triage.at_head(&ledger, &image, &current).expect("triage");
                let over_log = triage.of_state(&image, &current.state, &lifecycle);
                assert_same(&at_head, &over_log, &format!("{folder}, {name}, {sla:?}"));
                aggregate_only +=
                    usize::from(SlaRecord::of_fixes(&current.state.fixes, &sla, &feeds).is_some());
            }
        }
    }
    assert!(aggregate_only > 0, "the aggregate alone answers");
}

/// A finding fixed twice after the same number of days, listed in KEV between the two fixes:
/// the first fix was in time for the listing and the second was not, which only the fixes' own
/// dates tell. Triage at the head reads the log for it and says what the log says.
#[test]
fn a_kev_listing_between_two_fixes_of_a_vulnerability_is_judged_from_the_log() {
    use hardline_model::{Finding, Scan, ScanMeta};
    let dir = tempfile::tempdir().expect("temp dir");
    let image = ImageName::new("app").expect("a name");
    let ledger = Ledger::open(dir.path());
    let finding = Finding::debian_vulnerability("CVE-2099-0001", "libc6", "1", Severity::High);
    let mut writer = ledger.lock().expect("lock");
    // Open in weeks 1-2 and 5-6, fixed by the scans of weeks 3 and 7: 14 days each time.
    for week in 1..=7 {
        let first: jiff::Timestamp = "2026-01-01T04:00:00Z".parse().expect("a time");
        let at = Timestamp::from_instant(
            first.checked_add(jiff::Span::new().hours(24 * 7 * (week - 1))).expect("a time"),
        );
        let findings = if matches!(week, 1 | 2 | 5 | 6) { vec![finding.clone()] } else { vec![] };
        let meta = ScanMeta { scanner: "trivy".into(), created_at: Some(at.clone()), ..ScanMeta::default() };
        writer.record(&image, vec![Scan::new(meta, findings)], &at).expect("record");
    }
    drop(writer);
    // Listed the day after the first fix (2026-01-15).
    let entry = serde_json::json!({
        "cveID": "CVE-2099-0001", "vendorProject": "p", "product": "p", "vulnerabilityName": "n",
        "dateAdded": "2026-01-16", "shortDescription": "", "requiredAction": "", "dueDate": "2030-01-01",
    });
    let json = serde_json::json!({
        "title": "test", "catalogVersion": "1", "dateReleased": "2026-03-01T00:00:00Z", "count": 1,
        "vulnerabilities": [entry],
    });
    let kev = Kev::parse(json.to_string().as_bytes(), Path::new("kev.json")).expect("a catalog");
    let feeds = Feeds { kev: Some(kev), epss: None };
    let current = ledger.current(&image).expect("current");
    assert_eq!(
        SlaRecord::of_fixes(&current.state.fixes, &Sla::default(), &feeds),
        None,
        "the aggregate cannot tell"
    );
    let exceptions = ExceptionSet::default();
    let triage = Triage {
        exceptions: &exceptions,
        feeds: &feeds,
        settings: Settings::default(),
        now: "2026-03-10T00:00:00Z".parse().expect("a time"),
    };
    let at_head = triage.at_head(&ledger, &image, &current).expect("triage");
    assert_eq!(at_head.sla_record, SlaRecord { fixed: 2, within: 1 });
    let over_log = triage.of_state(&image, &current.state, &ledger.lifecycle(&image).expect("lifecycle"));
    assert_same(&at_head, &over_log, "two fixes around a listing");
}
