//! Ingest against real weekly Trivy reports of two images (../shared/corpus, outside the
//! repository). When the corpus is absent the tests say so and pass; CI always has it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use hardline_ingest::{InputFormat, ReadOptions, read_report, read_report_with};

mod support;
use hardline_model::{Counts, FindingKind, Severity};
use serde_json::Value;

fn corpus_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/trivy-history");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("note: {} does not exist; corpus tests skipped", dir.display());
        None
    }
}

fn corpus_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for image in std::fs::read_dir(dir).expect("corpus dir readable") {
        let image = image.expect("corpus entry").path();
        if !image.is_dir() {
            continue;
        }
        for report in std::fs::read_dir(&image).expect("image dir readable") {
            let report = report.expect("report entry").path();
            if report.extension().is_some_and(|e| e == "json") {
                files.push(report);
            }
        }
    }
    files.sort();
    files
}

/// The reference: an independent, untyped reading of the same report. One finding per
/// (VulnerabilityID, Class, Type, PkgName, language path), the path being PkgPath or the
/// result's Target for language packages and nothing for OS packages.
fn reference_identities(path: &Path) -> (BTreeSet<[String; 5]>, BTreeSet<String>) {
    let text = std::fs::read(path).expect("readable report");
    let report: Value = serde_json::from_slice(&text).expect("valid JSON");
    let mut identities = BTreeSet::new();
    let mut ids = BTreeSet::new();
    let results = report["Results"].as_array().cloned().unwrap_or_default();
    for result in &results {
        let class = result["Class"].as_str().unwrap_or_default();
        let kind = result["Type"].as_str().unwrap_or_default();
        let target = result["Target"].as_str().unwrap_or_default();
        for vuln in result["Vulnerabilities"].as_array().into_iter().flatten() {
            let id = vuln["VulnerabilityID"].as_str().unwrap_or_default();
            let name = vuln["PkgName"].as_str().unwrap_or_default();
            let lang_path = if class == "os-pkgs" {
                String::new()
            } else {
                vuln["PkgPath"].as_str().filter(|p| !p.is_empty()).unwrap_or(target).to_owned()
            };
            identities.insert([id.into(), class.into(), kind.into(), name.into(), lang_path]);
            ids.insert(id.to_owned());
        }
    }
    (identities, ids)
}

#[test]
fn every_corpus_report_yields_one_finding_per_vulnerability_and_package() {
    let Some(dir) = corpus_dir() else { return };
    let files = corpus_files(&dir);
    assert!(files.len() >= 30, "expected the whole corpus, found {} files", files.len());
    for path in files {
        let scan = read_report(&path, InputFormat::Auto).expect("corpus report parses");
        let (identities, ids) = reference_identities(&path);
        let name = path.display();
        assert_eq!(scan.findings().len(), identities.len(), "{name}: findings");
        assert_eq!(scan.unique_ids(), ids.len(), "{name}: unique ids");
        assert!(scan.findings().iter().all(|f| f.kind == FindingKind::Vulnerability), "{name}");
        assert_eq!(scan.meta.scanner, "trivy");
        assert!(scan.meta.os.as_deref().is_some_and(|os| os.starts_with("debian 13.")), "{name}");
        assert!(scan.meta.image_id.as_deref().is_some_and(|id| id.starts_with("sha256:")), "{name}");
        assert!(scan.meta.created_at.is_some(), "{name}");
        for finding in scan.findings() {
            let package = finding.package.as_ref().expect("vulnerabilities name a package");
            assert!(!package.name.is_empty() && !package.version.is_empty(), "{name}: {finding:?}");
            assert_eq!(package.path.is_some(), package.class == hardline_model::PackageClass::Lang);
            assert!(!finding.title.is_empty());
        }
    }
}

fn counts_of(image: &str, week: &str) -> Option<(Counts, usize)> {
    let path = corpus_dir()?.join(image).join(format!("{week}.json"));
    let scan = read_report(&path, InputFormat::Auto).expect("corpus report parses");
    Some((scan.counts(), scan.unique_ids()))
}

/// Hand-checked with jq, independently of this crate:
/// `jq '[.Results[]|.Class as $c|.Target as $t|.Type as $ty|.Vulnerabilities[]?|[.VulnerabilityID,
///  $c,$ty,.PkgName,(if $c=="os-pkgs" then null else (.PkgPath//$t) end),.Severity]]|unique
///  |group_by(.[5])|map({(.[0][5]):length})|add'`, cross-checked with a python3 script that also
/// counted the distinct VulnerabilityIDs (no week of the corpus lists a duplicate tuple).
#[test]
fn hand_checked_weeks() {
    let Some((postgres, postgres_ids)) = counts_of("postgres-18", "2026-02-16T0455") else { return };
    assert_eq!(
        (postgres.critical, postgres.high, postgres.medium, postgres.low, postgres.unknown),
        (1, 16, 37, 83, 0)
    );
    assert_eq!((postgres.total(), postgres_ids), (137, 59));
    assert_eq!(postgres.at_least(Severity::Medium), 54);

    let Some((php, php_ids)) = counts_of("php-mysql", "2026-02-02T0453") else { return };
    assert_eq!((php.critical, php.high, php.medium, php.low, php.unknown), (1, 42, 301, 539, 31));
    assert_eq!((php.total(), php_ids), (914, 531));
}

/// The lang path in a corpus finding is the Go binary it was found in.
#[test]
fn go_modules_carry_the_binary_path() {
    let Some(dir) = corpus_dir() else { return };
    let path = dir.join("postgres-18/2025-11-27T2002.json");
    let scan = read_report(&path, forced("trivy")).expect("parses");
    let gosu: Vec<_> = scan
        .findings()
        .iter()
        .filter_map(|f| f.package.as_ref())
        .filter(|p| p.ecosystem.as_str() == "gobinary")
        .collect();
    assert_eq!(gosu.len(), 10);
    assert!(gosu.iter().all(|p| p.path.as_deref() == Some("usr/local/bin/gosu")));
    assert!(gosu.iter().all(|p| p.purl.as_deref().is_some_and(|u| u.starts_with("pkg:golang/"))));
}

fn forced(name: &str) -> InputFormat {
    InputFormat::Forced(hardline_ingest::Format::named(name).expect("a registered format"))
}

/// Every real report, converted to SARIF by the real Trivy (`trivy convert --format sarif`,
/// offline), reads as the same findings as its JSON: same fingerprints, ids, severities,
/// packages (name, installed and fixed version, class, ecosystem, path), titles and links.
/// SARIF carries no CVSS vectors, vendor ids, status or purl, so those are not compared. The
/// distribution comes from the image (here its JSON; in use, its ledger).
#[test]
fn every_corpus_report_reads_the_same_as_trivy_sarif() {
    let Some(dir) = corpus_dir() else { return };
    let Some(trivy) = support::tool("trivy") else { return };
    let scratch = tempfile::tempdir().expect("temp dir");
    for path in corpus_files(&dir) {
        let sarif_path = scratch.path().join("report.sarif");
        let output = support::run(
            std::process::Command::new(&trivy)
                .args(["convert", "--quiet", "--format", "sarif", "--output"])
                .arg(&sarif_path)
                .arg(&path)
                .env("TRIVY_CACHE_DIR", scratch.path().join("cache")),
            scratch.path(),
            std::time::Duration::from_secs(120),
        );
        assert!(
            output.status.success(),
            "trivy convert {}: {}",
            path.display(),
            String::from_utf8_lossy(&output.stderr)
        );
        let json = read_report(&path, InputFormat::Auto).expect("corpus report parses");
        let distribution = json
            .findings()
            .iter()
            .filter_map(|f| f.package.as_ref())
            .find(|p| p.class == hardline_model::PackageClass::Os)
            .map(|p| p.ecosystem.clone());
        let options = ReadOptions::default().with_distribution(distribution);
        let sarif = read_report_with(&sarif_path, InputFormat::Auto, &options).expect("Trivy's SARIF parses");
        let json_findings: Vec<_> = json.findings().iter().map(support::without_what_sarif_lacks).collect();
        let sarif_findings: Vec<_> = sarif.findings().iter().map(support::without_what_sarif_lacks).collect();
        assert_eq!(sarif_findings.len(), json_findings.len(), "{}", path.display());
        for (a, b) in sarif_findings.iter().zip(&json_findings) {
            assert_eq!(a, b, "{}", path.display());
        }
        assert_eq!(sarif.meta.artifact_name, json.meta.artifact_name);
        assert_eq!(sarif.meta.image_id, json.meta.image_id);
    }
}
