//! One function per parser an attacker can reach, each taking arbitrary bytes: what the
//! cargo-fuzz targets in `fuzz/fuzz_targets/` call, and what `tests/regressions.rs` replays
//! every committed seed and every crash ever found through. A function returns normally for any
//! input that is handled (accepted or refused with an error); it panics when a parser panics or
//! when what it accepted breaks a promise checked here (a bound exceeded, an error pointing
//! nowhere, two readings of one input that disagree).
//!
//! | Target | What an attacker controls | Parser |
//! | --- | --- | --- |
//! | `report` | a scanner report (any registered format, detected) | `hardline_ingest::parse_report_with` |
//! | `exceptions_toml` | `security/exceptions.toml` in a pull request | `hardline_policy::exceptions::parse_toml` |
//! | `trivyignore_yaml` | `.trivyignore.yaml` | `hardline_policy::exceptions::parse_trivyignore` |
//! | `trivyignore` | `.trivyignore` (Trivy's plain list) | `hardline_policy::trivyignore::parse` |
//! | `openvex` | `security/*.openvex.json` | `hardline_policy::vex::parse` |
//! | `cyclonedx_vex` | a CycloneDX VEX document in `security/` | `hardline_policy::cyclonedx::parse` |
//! | `hardline_toml` | `hardline.toml` | `hardline::config::Config::parse` |
//! | `ledger_log` | `audit-logs/<image>.jsonl`, as `verify` and `record` read it | `Ledger::verify`, `History::from_bytes` |

use std::path::Path;

use hardline_ingest::limits::{MAX_ID_BYTES, MAX_PATH_BYTES, MAX_TEXT_BYTES};
use hardline_ingest::{FORMATS, InputFormat, Limits, ReadOptions, parse_report_with};
use hardline_model::ImageName;
use hardline_policy::ExceptionError;

/// What a target runs on one input.
pub type Harness = fn(&[u8]);

/// Every target, by the name of its folder under `fuzz/seeds/` and `fuzz/regressions/`.
pub static TARGETS: &[(&str, Harness)] = &[
    ("report", report),
    ("exceptions_toml", exceptions_toml),
    ("trivyignore_yaml", trivyignore_yaml),
    ("trivyignore", trivyignore),
    ("openvex", openvex),
    ("cyclonedx_vex", cyclonedx_vex),
    ("hardline_toml", hardline_toml),
    ("ledger_log", ledger_log),
];

/// The limits reports are fuzzed under: small, so that the bounds themselves are reached.
const LIMITS: Limits = Limits { max_report_bytes: 64 * 1024, max_findings: 64 };

fn options() -> ReadOptions {
    ReadOptions::default().with_limits(LIMITS)
}

/// The longest a cut text field can be: the bound plus the cut marker.
const MARKER_ROOM: usize = 40;

/// A scanner report of any registered format.
pub fn report(data: &[u8]) {
    let Ok(scan) = parse_report_with(data, InputFormat::Auto, "fuzz.json", &options()) else { return };
    assert!(scan.findings().len() <= LIMITS.max_findings);
    for finding in scan.findings() {
        assert!(finding.id.len() <= MAX_ID_BYTES, "an id over the bound: {}", finding.id.len());
        assert!(finding.aliases.iter().all(|a| a.len() <= MAX_ID_BYTES));
        assert!(finding.title.len() <= MAX_TEXT_BYTES + MARKER_ROOM);
        assert!(finding.cvss.as_ref().is_none_or(|c| (0.0..=10.0).contains(&c.score)));
        if let Some(package) = &finding.package {
            assert!(package.name.len() <= MAX_TEXT_BYTES + MARKER_ROOM);
            assert!(package.path.as_ref().is_none_or(|p| p.len() <= MAX_PATH_BYTES + MARKER_ROOM));
        }
        // What the ledger stores must serialise.
        serde_json::to_string(finding).expect("a finding serialises");
    }
    // The format detection chose must read it the same way when forced.
    let forced = FORMATS.iter().find(|f| {
        parse_report_with(data, InputFormat::Forced(f), "fuzz.json", &options()).is_ok_and(|s| s == scan)
    });
    assert!(forced.is_some(), "no forced format reads the report as auto-detection did");
    for format in FORMATS {
        let _ = format.peek_time(data);
        let _ = format.peek_artifact(data);
    }
}

/// `security/exceptions.toml`.
pub fn exceptions_toml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let path = Path::new("security/exceptions.toml");
    check_position(text, hardline_policy::exceptions::parse_toml(text, path, path));
}

/// `.trivyignore.yaml`.
pub fn trivyignore_yaml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let path = Path::new(".trivyignore.yaml");
    check_position(text, hardline_policy::exceptions::parse_trivyignore(text, path, path));
}

/// `.trivyignore`, Trivy's plain list.
pub fn trivyignore(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let path = Path::new(".trivyignore");
    check_position(text, hardline_policy::trivyignore::parse(text, path, path));
}

/// A CycloneDX VEX document.
pub fn cyclonedx_vex(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let path = Path::new("security/fuzz.cdx.json");
    check_position(text, hardline_policy::cyclonedx::parse(text, path, path));
}

/// An OpenVEX document.
pub fn openvex(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let path = Path::new("security/fuzz.openvex.json");
    check_position(text, hardline_policy::vex::parse(text, path, path));
}

/// `hardline.toml`.
pub fn hardline_toml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(config) = hardline::config::Config::parse(text, Path::new("hardline.toml")) {
        assert!(config.limits.ingest.max_report_bytes > 0 && config.limits.ingest.max_findings > 0);
        assert!(!config.limits.max_clock_skew.is_negative());
        config.gate(None).expect("a configuration that loads builds its gate");
    }
}

/// An image's log, as `verify` reads it from disk and as `record` replays it.
pub fn ledger_log(data: &[u8]) {
    // One repository for the process, its log rewritten for each input: making a directory per
    // input would cost more than verifying it.
    static ROOT: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    let root = ROOT.get_or_init(|| tempfile::tempdir().expect("a temporary directory"));
    let logs = root.path().join("audit-logs");
    std::fs::create_dir_all(&logs).expect("mkdir");
    // A new file each time: rewriting one in place makes ext4 flush it (about 3 ms).
    let log = logs.join("fuzz.jsonl");
    let _ = std::fs::remove_file(&log);
    std::fs::write(&log, data).expect("write the log");
    let image = ImageName::new("fuzz").expect("a valid name");
    let replayed = hardline_ledger::History::from_bytes(data, Path::new("fuzz.jsonl"), &image);
    let report = hardline_ledger::Ledger::open(root.path())
        .verify(&hardline_model::Silent)
        .expect("verify reads a log it can open");
    let chain_ok = !report.problems.iter().any(|p| p.path.ends_with("fuzz.jsonl"));
    if chain_ok {
        // A log whose every line verifies is one `record` can replay.
        let history = replayed.expect("a verified log replays");
        let _ = history.state().digest();
    }
}

/// A refusal must point into the text: a line that exists and a column at least 1. Lines are
/// counted as YAML counts them (a lone carriage return breaks a line too), the most any of the
/// formats counts.
fn check_position<T>(text: &str, result: Result<T, ExceptionError>) {
    if let Err(ExceptionError::Invalid { line, column, .. }) = result {
        let breaks = text.matches('\n').count() + text.matches('\r').count() - text.matches("\r\n").count();
        assert!(line >= 1 && line <= breaks + 2, "line {line} of {}", breaks + 1);
        assert!(column >= 1, "column {column}");
    }
}
