//! Finding identity is a compatibility promise: the ledger stores fingerprints, and a change in
//! how one is computed would turn every open finding of every ledger into "fixed + new". These
//! snapshots pin, byte for byte, the fingerprint of every finding of every fixture, and a digest
//! of the fingerprints of every report of the real corpus (`../shared/corpus`, skipped with a
//! note when absent).

use std::path::{Path, PathBuf};

use hardline_ingest::{InputFormat, ReadOptions, read_report, read_report_with};
use hardline_model::{Scan, hex};
use sha2::{Digest, Sha256};

/// One line per finding, sorted by fingerprint: the fingerprint and what it identifies, and
/// after `<-` the fingerprints it carries on (its former identities), if any.
fn identities(scan: &Scan) -> String {
    let mut lines: Vec<String> = scan
        .findings()
        .iter()
        .map(|f| {
            let what = match (&f.package, &f.location) {
                (Some(p), _) => format!("{} {} {}", p.name, p.ecosystem, p.path.as_deref().unwrap_or("-")),
                (None, Some(l)) => l.path.clone(),
                (None, None) => "-".to_owned(),
            };
            let former: Vec<String> =
                scan.former_identities().of(&f.fingerprint).map(|p| p.as_str().to_owned()).collect();
            let former = if former.is_empty() { String::new() } else { format!(" <- {}", former.join(" ")) };
            format!("{} {} {} {what}{former}", f.fingerprint, f.kind.as_str(), f.id)
        })
        .collect();
    lines.sort();
    lines.join("\n") + "\n"
}

fn sorted_files(dir: &Path, keep: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.path()).filter(|p| keep(p)).collect())
        .unwrap_or_default();
    files.sort();
    files
}

#[test]
fn fingerprints_of_every_fixture() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let reports = sorted_files(&dir, |p| p.extension().is_some_and(|e| e == "json" || e == "sarif"));
    assert!(reports.len() >= 8, "every fixture: {reports:?}");
    for path in reports {
        let scan = read_report(&path, InputFormat::Auto).expect("fixture parses");
        let name = path.file_name().map(|n| n.to_string_lossy().replace('.', "_")).unwrap_or_default();
        insta::assert_snapshot!(format!("fingerprints_{name}"), identities(&scan));
    }
}

/// SARIF results identified by the line they flag, with the files they name at hand: the
/// scanned inputs, or (zizmor, which names files from the enclosing git repository) the
/// repository itself.
#[test]
fn fingerprints_of_every_sarif_fixture_in_its_repository() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = manifest.join("tests/fixtures");
    let reports = sorted_files(&dir, |p| p.extension().is_some_and(|e| e == "sarif"));
    assert!(reports.len() >= 4, "every SARIF fixture: {reports:?}");
    for path in reports {
        let name = path.file_name().map(|n| n.to_string_lossy().replace('.', "_")).unwrap_or_default();
        let root = if name.starts_with("zizmor") { manifest.join("../..") } else { dir.join("inputs") };
        let scan =
            read_report_with(&path, InputFormat::Auto, &ReadOptions::at(root)).expect("fixture parses");
        insta::assert_snapshot!(format!("fingerprints_{name}_in_its_repository"), identities(&scan));
    }
}

#[test]
fn fingerprints_of_the_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/trivy-history");
    if !dir.is_dir() {
        eprintln!("note: {} does not exist; corpus fingerprints not checked", dir.display());
        return;
    }
    let mut out = String::new();
    for image in sorted_files(&dir, Path::is_dir) {
        for path in sorted_files(&image, |p| p.extension().is_some_and(|e| e == "json")) {
            let scan = read_report(&path, InputFormat::Auto).expect("corpus report parses");
            let digest = hex(&Sha256::digest(identities(&scan).as_bytes()));
            let relative = path.strip_prefix(&dir).unwrap_or(&path).display().to_string();
            out.push_str(&format!("{relative} {} {digest}\n", scan.findings().len()));
        }
    }
    insta::assert_snapshot!("fingerprints_of_the_corpus", out);
}
