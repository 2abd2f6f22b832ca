//! Bounds on what one report can make hardline read, hold and store. A report is untrusted
//! input: a crafted one could otherwise hold a 100 MB title (stored whole in the audit log, which
//! then exceeds what GitHub accepts in a file), millions of findings, or be `/dev/zero`.
//!
//! Applied in one place for every format: [`crate::parse_report_within`] checks the size and the
//! encoding before the format's parser runs and [`bound`] the scan after it, so a format added to
//! [`crate::FORMATS`] is bounded without a line of its own. What each bound does:
//!
//! | What | Bound | Beyond it |
//! | --- | --- | --- |
//! | report size | [`Limits::max_report_bytes`], default 256 MiB | refused, unread (a regular file) or after that many bytes (anything else) |
//! | findings per report | [`Limits::max_findings`], default 100,000 | refused |
//! | an id (vulnerability or rule id, each alias) | [`MAX_ID_BYTES`] | refused: no real id is that long |
//! | aliases per finding | [`MAX_ALIASES`] | the first ones kept, a warning |
//! | a URL | [`MAX_URL_BYTES`] | dropped, a warning (a cut URL would point elsewhere) |
//! | a path (package path, file of a location) | [`MAX_PATH_BYTES`] | cut, with [`cut`]'s marker, a warning |
//! | any other text (title, package name, versions, purl, CVSS vector, scanner and artifact names…) | [`MAX_TEXT_BYTES`] | cut, with the marker, a warning |
//! | repository digests | [`MAX_DIGESTS`] | the first ones kept, a warning |
//! | a CVSS score | 0–10 and finite | the score dropped, a warning |
//! | what one scan stores | [`MAX_SCAN_STORED_BYTES`] (64 MiB) | refused (its event must fit in a file GitHub accepts) |
//!
//! Bounds never change a finding's identity: fingerprints are computed from the report's own
//! text before anything is cut.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use hardline_model::{Finding, Scan, ScanMeta};

use crate::IngestError;

/// The configurable bounds (hardline.toml's `[limits]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The largest report read, in bytes.
    pub max_report_bytes: u64,
    /// The most findings one report may hold (after duplicates merge).
    pub max_findings: usize,
}

impl Limits {
    /// 256 MiB: about 85 times the largest real report of the corpus (3 MB).
    pub const DEFAULT_MAX_REPORT_BYTES: u64 = 256 * 1024 * 1024;
    /// 100,000: about 100 times the most findings of a real report of the corpus (973).
    pub const DEFAULT_MAX_FINDINGS: usize = 100_000;
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_report_bytes: Limits::DEFAULT_MAX_REPORT_BYTES,
            max_findings: Limits::DEFAULT_MAX_FINDINGS,
        }
    }
}

/// The longest id (vulnerability id, rule id, alias), in bytes. Real ones are under 100.
pub const MAX_ID_BYTES: usize = 256;
/// The longest text field kept whole, in bytes.
pub const MAX_TEXT_BYTES: usize = 1024;
/// The longest path kept whole, in bytes (Linux's `PATH_MAX`).
pub const MAX_PATH_BYTES: usize = 4096;
/// The longest URL kept, in bytes.
pub const MAX_URL_BYTES: usize = 2048;
/// The most aliases kept per finding.
pub const MAX_ALIASES: usize = 64;
/// The most repository digests kept per scan.
pub const MAX_DIGESTS: usize = 64;
/// The most one scan may store, in bytes of its findings' fields: its event in the audit log
/// must stay well under the 100 MiB GitHub accepts in a file. Field bounds alone do not ensure
/// it: a report can name one long path once and have thousands of findings repeat it.
pub const MAX_SCAN_STORED_BYTES: usize = 64 * 1024 * 1024;

/// Reads a whole file, but never more than `limit` bytes: a regular file larger than that is
/// refused before a byte is read, and anything that is not a regular file (a FIFO, a device
/// such as `/dev/zero`, a socket, a directory) is refused before it is opened, so that
/// neither memory nor time depends on what the path turns out to be. Errors are
/// [`std::io::Error`]s whose text says what was found and the limit
/// ([`std::io::ErrorKind::FileTooLarge`] for a file over it).
pub fn read_bounded(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let file = open_regular(path)?;
    let size = file.metadata()?.len();
    if size > limit {
        return Err(too_large(Some(size), limit));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        // It grew while being read.
        return Err(too_large(None, limit));
    }
    Ok(bytes)
}

/// Opens `path` for reading if it is a regular file (after following symlinks); anything else
/// is refused without being opened (opening a FIFO would wait for a writer).
pub fn open_regular(path: &Path) -> std::io::Result<File> {
    let kind = std::fs::metadata(path)?.file_type();
    if !kind.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("not a regular file ({}); hardline reads regular files only", describe(kind)),
        ));
    }
    let file = File::open(path)?;
    // The path may have been swapped between the two looks.
    if !file.metadata()?.file_type().is_file() {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a regular file"));
    }
    Ok(file)
}

fn describe(kind: std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "not a file"
    }
}

fn too_large(size: Option<u64>, limit: u64) -> std::io::Error {
    let size = size.map_or_else(|| "more than".to_owned(), |s| format!("{} bytes,", group(s)));
    std::io::Error::new(
        std::io::ErrorKind::FileTooLarge,
        format!("{size} more than the {} bytes hardline reads", group(limit)),
    )
}

/// `268435456` as `268,435,456`.
pub(crate) fn group(n: impl Into<u64>) -> String {
    let digits = n.into().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// Cuts `text` to at most `max` bytes (at a character boundary) and marks the cut:
/// `…[cut 99,998,976 bytes]`. Returns whether it cut.
pub fn cut(text: &mut String, max: usize) -> bool {
    if text.len() <= max {
        return false;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let removed = text.len() - end;
    text.truncate(end);
    text.push_str(&format!("…[cut {} bytes]", group(removed as u64)));
    true
}

/// Refuses invalid UTF-8 anywhere in a report, with the place of the first bad byte: a field
/// hardline skips is held to the same rule as one it keeps.
pub(crate) fn check_utf8(bytes: &[u8], source: &str) -> Result<(), IngestError> {
    match std::str::from_utf8(bytes) {
        Ok(_) => Ok(()),
        Err(error) => {
            let at = error.valid_up_to();
            let (line, column) = crate::json::line_col(bytes, at);
            Err(IngestError::Encoding {
                source_name: source.to_owned(),
                line,
                column,
                byte: bytes.get(at).copied().unwrap_or(0),
            })
        }
    }
}

/// Applies the bounds to a parsed scan: refuses a report with too many findings or an absurd
/// id, cuts or drops over-long fields and out-of-range scores, and says so in the scan's
/// warnings (one line per kind of change, not one per finding).
pub(crate) fn bound(mut scan: Scan, source: &str, limits: &Limits) -> Result<Scan, IngestError> {
    let count = scan.findings().len();
    if count > limits.max_findings {
        return Err(IngestError::TooManyFindings {
            source_name: source.to_owned(),
            count,
            limit: limits.max_findings,
        });
    }
    if let Some((what, id)) = scan.findings().iter().find_map(absurd_id) {
        return Err(IngestError::AbsurdId {
            source_name: source.to_owned(),
            what,
            bytes: id.len(),
            start: id.chars().take(40).collect(),
        });
    }
    let mut notes = Notes::default();
    bound_meta(&mut scan.meta, &mut notes);
    scan.edit_findings(|finding| bound_finding(finding, &mut notes));
    let stored: usize = scan.findings().iter().map(stored_size).sum();
    if stored > MAX_SCAN_STORED_BYTES {
        return Err(IngestError::TooMuchToStore {
            source_name: source.to_owned(),
            bytes: stored,
            limit: MAX_SCAN_STORED_BYTES,
        });
    }
    for warning in notes.into_warnings(source) {
        scan.warn(warning);
    }
    Ok(scan)
}

/// About how many bytes a finding takes in the audit log: its text, plus room for the keys,
/// the fingerprint and the numbers.
fn stored_size(finding: &Finding) -> usize {
    let package = finding.package.as_ref().map_or(0, |p| {
        p.name.len()
            + p.version.len()
            + p.ecosystem.as_str().len()
            + [&p.fixed_version, &p.path, &p.purl].into_iter().flatten().map(String::len).sum::<usize>()
    });
    let cvss = finding
        .cvss
        .as_ref()
        .map_or(0, |c| c.source.len() + c.version.len() + c.vector.as_ref().map_or(0, String::len));
    256 + finding.id.len()
        + finding.aliases.iter().map(String::len).sum::<usize>()
        + finding.title.len()
        + finding.url.as_ref().map_or(0, String::len)
        + finding.location.as_ref().map_or(0, |l| l.path.len())
        + package
        + cvss
}

/// The first id of a finding that is too long to be one.
fn absurd_id(finding: &Finding) -> Option<(&'static str, &str)> {
    if finding.id.len() > MAX_ID_BYTES {
        return Some(("id", &finding.id));
    }
    finding.aliases.iter().find(|a| a.len() > MAX_ID_BYTES).map(|a| ("alias", a.as_str()))
}

/// What bounding changed, counted per kind of change, with the first finding it happened to.
#[derive(Default)]
struct Notes {
    changes: BTreeMap<&'static str, (usize, String)>,
}

impl Notes {
    fn note(&mut self, change: &'static str, example: &str) {
        let entry = self.changes.entry(change).or_insert_with(|| (0, example.chars().take(60).collect()));
        entry.0 += 1;
    }

    /// Cuts a text field to `max` bytes, noting it.
    fn cut(&mut self, text: &mut String, max: usize, change: &'static str, example: &str) {
        if cut(text, max) {
            self.note(change, example);
        }
    }

    fn into_warnings(self, source: &str) -> Vec<String> {
        self.changes
            .into_iter()
            .map(|(change, (count, example))| {
                let first = if example.is_empty() { String::new() } else { format!(" (first: {example})") };
                format!("{source}: {change}: {count} time{}{first}", if count == 1 { "" } else { "s" })
            })
            .collect()
    }
}

const TEXT_CUT: &str = "a text field longer than 1,024 bytes was cut";
const PATH_CUT: &str = "a path longer than 4,096 bytes was cut";

fn bound_meta(meta: &mut ScanMeta, notes: &mut Notes) {
    let ScanMeta {
        scanner,
        scanner_version,
        artifact_name,
        artifact_type,
        image_id,
        repo_digests,
        os,
        created_at: _,
    } = meta;
    notes.cut(scanner, MAX_TEXT_BYTES, TEXT_CUT, "the scanner's name");
    for field in [scanner_version, artifact_name, artifact_type, image_id, os].into_iter().flatten() {
        notes.cut(field, MAX_TEXT_BYTES, TEXT_CUT, "the scan's metadata");
    }
    if repo_digests.len() > MAX_DIGESTS {
        repo_digests.truncate(MAX_DIGESTS);
        notes.note("more than 64 repository digests; the first 64 were kept", "");
    }
    for digest in repo_digests {
        notes.cut(digest, MAX_TEXT_BYTES, TEXT_CUT, "a repository digest");
    }
}

fn bound_finding(finding: &mut Finding, notes: &mut Notes) {
    let id = finding.id.clone();
    notes.cut(&mut finding.title, MAX_TEXT_BYTES, TEXT_CUT, &id);
    if finding.aliases.len() > MAX_ALIASES {
        finding.aliases.truncate(MAX_ALIASES);
        notes.note("a finding had more than 64 aliases; the first 64 were kept", &id);
    }
    if finding.url.as_ref().is_some_and(|url| url.len() > MAX_URL_BYTES) {
        finding.url = None;
        notes.note("a URL longer than 2,048 bytes was dropped", &id);
    }
    if let Some(cvss) = &mut finding.cvss {
        if !(cvss.score.is_finite() && (0.0..=10.0).contains(&cvss.score)) {
            finding.cvss = None;
            notes.note("a CVSS score outside 0–10 was dropped", &id);
        } else {
            notes.cut(&mut cvss.source, MAX_TEXT_BYTES, TEXT_CUT, &id);
            notes.cut(&mut cvss.version, MAX_TEXT_BYTES, TEXT_CUT, &id);
            if let Some(vector) = &mut cvss.vector {
                notes.cut(vector, MAX_TEXT_BYTES, TEXT_CUT, &id);
            }
        }
    }
    if let Some(package) = &mut finding.package {
        for field in [&mut package.name, &mut package.version] {
            notes.cut(field, MAX_TEXT_BYTES, TEXT_CUT, &id);
        }
        for field in [&mut package.fixed_version, &mut package.purl].into_iter().flatten() {
            notes.cut(field, MAX_TEXT_BYTES, TEXT_CUT, &id);
        }
        if let Some(path) = &mut package.path {
            notes.cut(path, MAX_PATH_BYTES, PATH_CUT, &id);
        }
        if package.ecosystem.as_str().len() > MAX_TEXT_BYTES {
            let mut word = package.ecosystem.as_str().to_owned();
            notes.cut(&mut word, MAX_TEXT_BYTES, TEXT_CUT, &id);
            package.ecosystem = hardline_model::Ecosystem::new(word);
        }
    }
    if let Some(location) = &mut finding.location {
        notes.cut(&mut location.path, MAX_PATH_BYTES, PATH_CUT, &id);
    }
}

#[cfg(test)]
mod tests {
    use hardline_model::{Cvss, Severity};

    use super::*;

    fn scan_with(edit: impl FnOnce(&mut Finding)) -> Scan {
        let mut finding = Finding::debian_vulnerability("CVE-2026-0001", "libc6", "2.41-1", Severity::High);
        edit(&mut finding);
        Scan::new(ScanMeta::default(), vec![finding])
    }

    #[test]
    fn cut_marks_the_cut_at_a_character_boundary() {
        let mut text = "é".repeat(10);
        assert!(cut(&mut text, 5));
        assert_eq!(text, "éé…[cut 16 bytes]");
        let mut short = "short".to_owned();
        assert!(!cut(&mut short, 5));
        assert_eq!(short, "short");
    }

    #[test]
    fn long_fields_are_cut_and_said_so_without_changing_identity() {
        let scan = scan_with(|f| {
            f.title = "t".repeat(100_000);
            if let Some(p) = f.package.as_mut() {
                p.name = "p".repeat(5_000);
            }
            f.url = Some(format!("https://example.com/{}", "u".repeat(3_000)));
        });
        let fingerprint = scan.findings()[0].fingerprint.clone();
        let bounded = bound(scan, "r.json", &Limits::default()).expect("bounded");
        let finding = &bounded.findings()[0];
        assert_eq!(finding.fingerprint, fingerprint);
        assert!(finding.title.len() < MAX_TEXT_BYTES + 40 && finding.title.ends_with("…[cut 98,976 bytes]"));
        assert!(finding.package_name().is_some_and(|n| n.len() < MAX_TEXT_BYTES + 40));
        assert_eq!(finding.url, None);
        let warnings = bounded.warnings().join("\n");
        assert!(
            warnings.contains("r.json: a text field longer than 1,024 bytes was cut: 2 times"),
            "{warnings}"
        );
        assert!(warnings.contains("URL longer than 2,048 bytes was dropped: 1 time"), "{warnings}");
    }

    #[test]
    fn absurd_ids_and_too_many_findings_are_refused() {
        let scan = scan_with(|f| f.id = "CVE-".repeat(1_000));
        let error = bound(scan, "r.json", &Limits::default()).expect_err("refused").to_string();
        assert!(error.contains("4,000 bytes"), "{error}");
        let scan = scan_with(|f| f.aliases = vec!["A".repeat(300)]);
        assert!(bound(scan, "r.json", &Limits::default()).is_err());
        let limits = Limits { max_findings: 0, ..Limits::default() };
        let error = bound(scan_with(|_| {}), "r.json", &limits).expect_err("refused").to_string();
        assert!(error.contains("max_findings"), "{error}");
    }

    #[test]
    fn a_path_repeated_by_every_finding_cannot_swell_the_event() {
        let path = "p".repeat(MAX_PATH_BYTES);
        let findings: Vec<Finding> = (0..20_000)
            .map(|i| {
                let mut f =
                    Finding::debian_vulnerability(&format!("CVE-2026-{i}"), "pkg", "1", Severity::Low);
                if let Some(p) = f.package.as_mut() {
                    p.path = Some(path.clone());
                }
                f
            })
            .collect();
        let scan = Scan::new(ScanMeta::default(), findings);
        let error = bound(scan, "r.json", &Limits::default()).expect_err("refused").to_string();
        assert!(error.contains("more than the 67,108,864 bytes"), "{error}");
    }

    #[test]
    fn scores_outside_zero_to_ten_are_dropped() {
        for score in [-1.0, 10.5, 99.0, f64::INFINITY, f64::NAN] {
            let scan = scan_with(|f| {
                f.cvss = Some(Cvss { source: "nvd".into(), version: "3.1".into(), score, vector: None });
            });
            let bounded = bound(scan, "r.json", &Limits::default()).expect("bounded");
            assert_eq!(bounded.findings()[0].cvss, None, "{score}");
            assert!(bounded.warnings()[0].contains("outside 0–10"));
        }
        let scan = scan_with(|f| {
            f.cvss = Some(Cvss { source: "nvd".into(), version: "3.1".into(), score: 10.0, vector: None });
        });
        assert!(bound(scan, "r.json", &Limits::default()).expect("bounded").findings()[0].cvss.is_some());
    }

    #[test]
    fn special_files_are_refused_unopened_and_big_files_unread() {
        let error = read_bounded(Path::new("/dev/zero"), 1024).expect_err("a device").to_string();
        assert!(error.contains("character device"), "{error}");
        let dir = tempfile::tempdir().expect("temp dir");
        let error = read_bounded(dir.path(), 1024).expect_err("a directory").to_string();
        assert!(error.contains("directory"), "{error}");
        let big = dir.path().join("big.json");
        std::fs::write(&big, vec![b' '; 2048]).expect("write");
        let error = read_bounded(&big, 1024).expect_err("too big");
        assert_eq!(error.kind(), std::io::ErrorKind::FileTooLarge);
        assert!(error.to_string().contains("2,048 bytes, more than the 1,024"), "{error}");
        assert_eq!(read_bounded(&big, 2048).expect("fits").len(), 2048);
    }

    #[test]
    fn invalid_utf8_is_refused_where_it_is() {
        let error =
            check_utf8(b"{\n  \"Description\": \"\xff\"}", "r.json").expect_err("refused").to_string();
        assert!(error.starts_with("r.json:2:19:"), "{error}");
        assert!(error.contains("0xFF"), "{error}");
    }
}
