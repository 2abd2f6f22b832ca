//! The customer reports and exports checked by the tools their readers use: poppler renders
//! every page of the PDF and extracts its text, Python's `csv` module reads the CSV, and the
//! CycloneDX document is validated against the official 1.6 JSON schema (the one
//! `cyclonedx-python-lib` ships). A hostile report must not get a formula, markup or a link into
//! any of them.
//!
//! The tools are installed by `.ci/run` (poppler-utils from Debian, a pinned venv for the
//! schema). Where one is missing the check says so and is skipped, unless
//! `HARDLINE_REQUIRE_TOOLS=1` (which `.ci/run` sets): then a missing tool fails the test.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::{Repo, trivy_report};
use crate::golden::demo_root;

const IMAGES: [&str; 2] = ["php-mysql-secured", "postgres-secured"];

/// A tool on the machine, or `None` (after saying so) when it is missing and not required.
fn tool(program: &str, purpose: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).map(|dir| dir.join(program)).find(|p| p.is_file()))
        .unwrap_or_default();
    if found.is_none() {
        missing(program, purpose);
    }
    found
}

fn missing(program: &str, purpose: &str) {
    assert!(
        std::env::var_os("HARDLINE_REQUIRE_TOOLS").is_none_or(|v| v != "1"),
        "{program} is required ({purpose}) and is not installed"
    );
    eprintln!("SKIPPED: {program} is not installed, so {purpose} is not checked (bash .ci/run installs it)");
}

/// The Python that has `cyclonedx-python-lib` and its JSON validation: `HARDLINE_REPORT_PYTHON`,
/// else the venv `.ci/run` makes.
fn schema_python() -> Option<PathBuf> {
    let python = std::env::var_os("HARDLINE_REPORT_PYTHON").map(PathBuf::from).or_else(|| {
        let cache = std::env::var_os("HARDLINE_CACHE")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cache/hardline-ci")))?;
        Some(cache.join("venv-reports/bin/python"))
    });
    match python.filter(|p| p.is_file()) {
        Some(python) => Some(python),
        None => {
            missing(
                "cyclonedx-python-lib",
                "the CycloneDX document's validity against the official 1.6 schema",
            );
            None
        }
    }
}

/// The text poppler extracts from a PDF, laid out as on the page (`pdftotext -layout`), or
/// `None` without poppler.
pub fn pdf_text(pdf: &Path) -> Option<String> {
    extract(pdf, "-layout")
}

/// The text in the order it is drawn (`pdftotext -raw`): a table cell's lines stay together.
fn drawn_text(pdf: &Path) -> Option<String> {
    extract(pdf, "-raw")
}

fn extract(pdf: &Path, mode: &str) -> Option<String> {
    let pdftotext = tool("pdftotext", "the text of the PDF reports")?;
    let out = Command::new(pdftotext)
        .args([mode, "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("run pdftotext");
    assert!(out.status.success(), "pdftotext {}: {}", pdf.display(), String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8(out.stdout).expect("pdftotext writes UTF-8"))
}

/// The text of one page.
fn page_text(pdf: &Path, page: usize) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8", "-f", &page.to_string(), "-l", &page.to_string()])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("run pdftotext");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn page_count(pdf: &Path) -> usize {
    let out = Command::new("pdfinfo").arg(pdf).output().expect("run pdfinfo");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().parse().unwrap_or(0)))
        .unwrap_or(0)
}

/// Every page is A4 (`pdfinfo -l`), and every font is embedded, as a subset, with a Unicode map
/// (`pdffonts`: `emb sub uni` all `yes`, so the text is selectable and extractable anywhere).
fn assert_a4_with_embedded_fonts(pdf: &Path) {
    let out = Command::new("pdfinfo").args(["-l", "-1"]).arg(pdf).output().expect("run pdfinfo");
    let info = String::from_utf8_lossy(&out.stdout);
    let sizes: Vec<&str> = info.lines().filter(|l| l.starts_with("Page") && l.contains(" size:")).collect();
    assert!(
        !sizes.is_empty() && sizes.iter().all(|l| l.ends_with("(A4)")),
        "{}: not A4:\n{info}",
        pdf.display()
    );
    let out = Command::new("pdffonts").arg(pdf).output().expect("run pdffonts");
    let fonts = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{}: no font", pdf.display());
    for row in rows {
        let columns: Vec<&str> = row.split_whitespace().collect();
        let flags = &columns[columns.len().saturating_sub(5)..columns.len().saturating_sub(2)];
        assert_eq!(
            flags,
            ["yes", "yes", "yes"],
            "{}: a font not embedded, subset and mapped: {row}",
            pdf.display()
        );
    }
}

fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn json_file(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap_or_default())
        .unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()))
}

/// Renders every page to PNG with `pdftoppm`; returns how many pages were drawn.
fn render_pages(pdf: &Path) -> usize {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = Command::new("pdftoppm")
        .args(["-png", "-r", "40"])
        .arg(pdf)
        .arg(dir.path().join("page"))
        .output()
        .expect("run pdftoppm");
    assert!(out.status.success(), "pdftoppm {}: {}", pdf.display(), String::from_utf8_lossy(&out.stderr));
    let mut pages = 0;
    for entry in std::fs::read_dir(dir.path()).expect("pages").flatten() {
        let png = std::fs::read(entry.path()).unwrap_or_default();
        assert!(
            png.starts_with(b"\x89PNG") && png.len() > 2_000,
            "{}: an empty page",
            entry.path().display()
        );
        pages += 1;
    }
    pages
}

#[test]
fn pdf_renders_and_holds_every_critical_and_high_id_and_every_accepted_risk_reason() {
    let root = demo_root();
    if tool("pdftoppm", "that every page of the PDF renders").is_none() {
        return;
    }
    for image in IMAGES {
        let pdf = root.join(format!("customer-reports/{image}/report.pdf"));
        let pages = page_count(&pdf);
        assert!(pages >= 2, "{image}: {pages} pages");
        assert_eq!(render_pages(&pdf), pages, "{image}: every page renders");
        assert_a4_with_embedded_fonts(&pdf);
        let squeezed = squeeze(&drawn_text(&pdf).unwrap_or_default());
        let report = json_file(&root.join(format!("customer-reports/{image}/report.json")));
        let mut ids = 0;
        for finding in report["findings"].as_array().into_iter().flatten() {
            if matches!(finding["severity"].as_str(), Some("critical" | "high")) {
                let id = finding["id"].as_str().unwrap_or_default();
                assert!(squeezed.contains(id), "{image}: {id} is not in the PDF's text");
                ids += 1;
            }
        }
        assert!(ids > 0, "{image}: the demo has CRITICAL or HIGH findings");
        let reasons = report["accepted_risks"].as_array().cloned().unwrap_or_default();
        assert!(!reasons.is_empty(), "{image}: the demo accepts a risk");
        for risk in reasons {
            let reason = risk["reason"].as_str().unwrap_or_default();
            assert!(
                squeezed.contains(&squeeze(reason)),
                "{image}: the reason {reason:?} is not in the PDF's text"
            );
        }
        for page in 1..=pages {
            assert!(
                page_text(&pdf, page).contains(&format!("Page {page} of {pages}")),
                "{image}: page {page} is numbered"
            );
        }
    }
}

#[test]
fn a_long_table_breaks_across_pages_under_its_header_row() {
    if tool("pdftotext", "that a table repeats its header on every page").is_none() {
        return;
    }
    let repo = Repo::new();
    let vulns: Vec<(String, String)> =
        (0..150).map(|i| (format!("CVE-2026-{:04}", 1000 + i), format!("pkg{i}"))).collect();
    let rows: Vec<(&str, &str, &str, &str, &str)> =
        vulns.iter().map(|(id, pkg)| (id.as_str(), pkg.as_str(), "HIGH", "1.0", "1.1")).collect();
    let path = repo.write("reports/many.json", &trivy_report("2026-03-02T04:00:00Z", &rows));
    repo.ok(&["record", "--image", "app", "--report", &path.display().to_string()]);
    let pdf = repo.path().join("app.pdf");
    repo.ok(&["--format", "pdf", "report", "--image", "app", "--out", &pdf.display().to_string()]);
    let pages = page_count(&pdf);
    assert!(pages >= 4, "150 rows take several pages, not {pages}");
    let mut seen = 0;
    for page in 1..=pages {
        let text = page_text(&pdf, page);
        let rows = text.matches("CVE-2026-").count();
        if rows == 0 {
            continue;
        }
        let header = text.find("Installed → fixed").unwrap_or(usize::MAX);
        let first_row = text.find("CVE-2026-").unwrap_or(0);
        assert!(header < first_row, "page {page}: rows without the header row above them:\n{text}");
        seen += rows;
    }
    assert!(seen >= 150, "every row is on some page ({seen})");
}

#[test]
fn csv_parses_into_exactly_the_open_findings() {
    let Some(python) = tool("python3", "the CSV with Python's csv module") else { return };
    let root = demo_root();
    for image in IMAGES {
        let csv = root.join(format!("customer-reports/{image}/report.csv"));
        let rows = parse_csv(&python, &csv);
        let report = json_file(&root.join(format!("customer-reports/{image}/report.json")));
        let open: Vec<(String, String, String)> = report["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| f["status"] == "open")
            .map(|f| (s(&f["id"]), s(&f["severity"]).to_uppercase(), s(&f["fingerprint"])))
            .collect();
        assert_eq!(
            rows[0],
            [
                "image",
                "severity",
                "id",
                "kind",
                "package",
                "installed_version",
                "fixed_version",
                "path",
                "cvss",
                "first_seen",
                "due",
                "overdue",
                "kev",
                "vendor_status",
                "title",
                "fingerprint"
            ]
        );
        let parsed: Vec<(String, String, String)> =
            rows[1..].iter().map(|r| (r[2].clone(), r[1].clone(), r[15].clone())).collect();
        assert_eq!(parsed, open, "{image}: the CSV's rows are the open findings, in report order");
        assert!(rows[1..].iter().all(|r| r[0] == image && r.len() == 16), "{image}");
        let bytes = std::fs::read(&csv).unwrap_or_default();
        assert!(
            bytes.ends_with(b"\r\n") && !bytes.replace_crlf().contains(&b'\n'),
            "{image}: CRLF line ends"
        );
    }
}

trait Crlf {
    fn replace_crlf(&self) -> Vec<u8>;
}

impl Crlf for Vec<u8> {
    fn replace_crlf(&self) -> Vec<u8> {
        String::from_utf8_lossy(self).replace("\r\n", "").into_bytes()
    }
}

fn s(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

/// Every row of a CSV file, as Python's csv module reads it (UTF-8, RFC 4180 quoting).
fn parse_csv(python: &Path, csv: &Path) -> Vec<Vec<String>> {
    let script = "import csv, json, sys\n\
                  with open(sys.argv[1], newline='', encoding='utf-8') as f:\n\
                  \x20   json.dump(list(csv.reader(f, strict=True)), sys.stdout)\n";
    let out = Command::new(python).arg("-c").arg(script).arg(csv).output().expect("run python3");
    assert!(out.status.success(), "csv: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("rows")
}

/// Validates a CycloneDX document with the strict 1.6 schema; the errors, or `None` when valid.
fn cyclonedx_errors(python: &Path, document: &Path) -> Option<String> {
    let script = "import sys\n\
                  from cyclonedx.schema import SchemaVersion\n\
                  from cyclonedx.validation.json import JsonStrictValidator\n\
                  errors = JsonStrictValidator(SchemaVersion.V1_6).validate_str(open(sys.argv[1]).read(), all_errors=True)\n\
                  print('valid' if errors is None else errors)\n";
    let out = Command::new(python).arg("-c").arg(script).arg(document).output().expect("run the validator");
    assert!(out.status.success(), "validator: {}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    (said != "valid").then_some(said)
}

#[test]
fn cyclonedx_vex_validates_against_the_official_1_6_schema() {
    let Some(python) = schema_python() else { return };
    let root = demo_root();
    for image in IMAGES {
        let document = root.join(format!("customer-reports/{image}/vex.cdx.json"));
        assert_eq!(cyclonedx_errors(&python, &document), None, "{image}");
        let bom = json_file(&document);
        let report = json_file(&root.join(format!("customer-reports/{image}/report.json")));
        let vulnerabilities = bom["vulnerabilities"].as_array().cloned().unwrap_or_default();
        assert_eq!(
            vulnerabilities.len(),
            report["findings"].as_array().map_or(0, Vec::len),
            "{image}: every finding"
        );
        assert!(
            vulnerabilities
                .iter()
                .all(|v| v["analysis"]["state"].is_string() && v["analysis"]["response"].is_array())
        );
        let digest = report["product"]["digest"].as_str().unwrap_or_default();
        assert!(digest.starts_with("sha256:"), "{image}: the demo's scans know the digest");
        assert_eq!(bom["metadata"]["component"]["purl"], format!("pkg:oci/{image}@{digest}"));
    }
    // A schema check that cannot fail is no check: a wrong state is refused.
    let broken = tempfile::NamedTempFile::new().expect("temp file");
    let text = std::fs::read_to_string(root.join("customer-reports/postgres-secured/vex.cdx.json"))
        .unwrap_or_default();
    std::fs::write(broken.path(), text.replacen("\"in_triage\"", "\"triaged\"", 1)).expect("write");
    assert!(cyclonedx_errors(&python, broken.path()).is_some(), "the validator refuses an invalid document");
}

/// Text from a scanner report that would run, render or link in one of the outputs.
const FORMULAS: [&str; 6] = [
    "=HYPERLINK(\"https://evil.example/x\",\"click\")",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
];

#[test]
fn a_hostile_report_cannot_inject_a_formula_markup_or_a_link() {
    let repo = Repo::new();
    let mut report: Value = serde_json::from_str(&trivy_report(
        "2026-03-02T04:00:00Z",
        &[
            ("CVE-2026-0001", "pkg-a", "CRITICAL", "1.0", "1.1"),
            ("CVE-2026-0002", "pkg-b", "HIGH", "1", ""),
            ("CVE-2026-0003", "pkg-c", "MEDIUM", "1", ""),
            ("CVE-2026-0004", "pkg-d", "LOW", "1", ""),
            ("CVE-2026-0005", "pkg-e", "HIGH", "1", ""),
            ("CVE-2026-0006", "pkg-f", "HIGH", "1", ""),
        ],
    ))
    .expect("report");
    report["ArtifactName"] = "<script>alert(1)</script>".into();
    report["Metadata"]["RepoDigests"] =
        serde_json::json!(["evil@sha256:<img src=x>", "x@sha256:javascript:alert(1)"]);
    let vulns = &mut report["Results"][0]["Vulnerabilities"];
    for (i, formula) in FORMULAS.iter().enumerate() {
        vulns[i]["PkgName"] = (*formula).into();
        vulns[i]["PrimaryURL"] = "https://evil.example/phish".into();
    }
    vulns[0]["Title"] = "<script>alert(1)</script> <a href=\"https://evil.example\">x</a> [click](https://evil.example) \u{202E}txt.exe".into();
    vulns[1]["InstalledVersion"] = "=1+1".into();
    vulns[1]["FixedVersion"] = "@evil".into();
    vulns[2]["VulnerabilityID"] = "=cmd|' /C calc'!A0".into();
    vulns[3]["Title"] = "A".repeat(100_000).into();
    vulns[4]["InstalledVersion"] = "9".repeat(5_000).into();
    let path = repo.write("reports/hostile.json", &report.to_string());
    repo.ok(&["record", "--image", "app", "--report", &path.display().to_string()]);
    repo.write(
        "security/exceptions.toml",
        "[[exception]]\nid = \"CVE-2026-0006\"\nreason = \"=HYPERLINK(\\\"https://evil.example\\\") <b>bold</b>\"\nexpires = \"2099-01-01\"\n",
    );
    let out = |format: &str| {
        let file = repo.path().join(format!("out.{format}"));
        repo.ok(&["--format", format, "report", "--image", "app", "--out", &file.display().to_string()]);
        file
    };

    // CSV: no cell a spreadsheet would execute; the text is kept, neutralised.
    if let Some(python) = tool("python3", "the hostile CSV with Python's csv module") {
        let rows = parse_csv(&python, &out("csv"));
        assert_eq!(rows.len(), 1 + 5, "a header and the five open findings (one is accepted)");
        for row in &rows {
            for cell in row {
                assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "a formula cell: {cell:?}");
            }
        }
        let cells: Vec<&String> = rows.iter().flatten().collect();
        assert!(cells.iter().any(|c| c.starts_with("'=HYPERLINK(")), "the package name is kept, as text");
        assert!(cells.iter().any(|c| c.as_str() == "'=1+1"), "the version is kept, as text");
        assert!(cells.iter().all(|c| c.chars().count() <= 502), "every cell is bounded");
        assert!(!cells.iter().any(|c| c.contains("evil.example/phish")), "no URL from the report");
    }

    // HTML: only hardline's own tags, no event handler, only links hardline builds.
    let html = std::fs::read_to_string(out("html")).unwrap_or_default();
    assert!(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'"));
    const TAGS: [&str; 29] = [
        "!doctype", "html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "table",
        "thead", "tbody", "tr", "th", "td", "code", "a", "span", "pre", "svg", "rect", "path", "text", "g",
        "circle", "line", "caption",
    ];
    for tag in html.split('<').skip(1).map(|rest| rest.split('>').next().unwrap_or("")) {
        let name = tag.trim_start_matches('/').split([' ', '\n']).next().unwrap_or("").to_lowercase();
        assert!(TAGS.contains(&name.as_str()), "a tag hardline does not write: <{tag}>");
        assert!(!tag.to_lowercase().contains(" on"), "an event handler: <{tag}>");
        if let Some(href) = tag.split("href=\"").nth(1) {
            assert!(
                href.starts_with("https://nvd.nist.gov/vuln/detail/CVE-2026-00"),
                "a link hardline did not build: <{tag}>"
            );
        }
    }
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the title is shown, escaped");
    assert!(!html.contains('\u{202E}'), "no bidirectional override");
    assert!(html.len() < 60_000, "report text is bounded ({} bytes)", html.len());
    assert!(html.contains("not known to the scan"), "a malformed digest is no digest");

    // PDF: no link, action or script; the hostile text is there as plain text.
    let pdf = out("pdf");
    let bytes = std::fs::read(&pdf).unwrap_or_default();
    for marker in [&b"/URI"[..], b"/Annots", b"/JavaScript", b"/OpenAction", b"/Launch"] {
        assert!(!bytes.windows(marker.len()).any(|w| w == marker), "{}", String::from_utf8_lossy(marker));
    }
    if let Some(text) = drawn_text(&pdf) {
        assert!(text.contains("<script>alert(1)</script>"), "the artifact's name is drawn as text");
        // The 5,000-digit version of a HIGH finding is in its table, wrapped over lines and cut.
        let squeezed = squeeze(&text);
        assert!(squeezed.contains(&"9".repeat(150)), "the long version is drawn");
        assert!(
            !squeezed.contains(&"9".repeat(401)),
            "the long version is cut (no cell holds more than 400 characters)"
        );
    }

    // JSON and the exports: still valid documents.
    let json: Value =
        serde_json::from_str(&repo.ok(&["--format", "json", "report", "--image", "app"])).expect("JSON");
    assert_eq!(json["product"]["digest"], Value::Null, "no digest from a malformed repository digest");
    assert_eq!(json["product"]["purl"], "pkg:oci/app");
    let cdx = repo.path().join("app.cdx.json");
    repo.ok(&["export", "cyclonedx-vex", "--image", "app", "--out", &cdx.display().to_string()]);
    if let Some(python) = schema_python() {
        assert_eq!(cyclonedx_errors(&python, &cdx), None, "a hostile report still exports a valid document");
    }
    let openvex = repo.path().join("app.openvex.json");
    repo.ok(&["export", "openvex", "--image", "app", "--out", &openvex.display().to_string()]);
    for document in [&cdx, &openvex] {
        let text = std::fs::read_to_string(document).unwrap_or_default();
        let parsed: Value = serde_json::from_str(&text).expect("the export is JSON");
        assert!(!text.contains("evil.example/phish"), "{}: a URL from the report", document.display());
        assert!(
            !text.contains('\u{202E}') && !text.contains("\\u202e"),
            "{}: a bidirectional override",
            document.display()
        );
        let mut strings = Vec::new();
        collect_strings(&parsed, &mut strings);
        assert!(
            strings.iter().all(|s| s.chars().count() <= 2_100),
            "{}: report text is bounded",
            document.display()
        );
    }
}

/// Every string in a JSON document.
fn collect_strings<'a>(value: &'a Value, into: &mut Vec<&'a str>) {
    match value {
        Value::String(s) => into.push(s),
        Value::Array(items) => items.iter().for_each(|v| collect_strings(v, into)),
        Value::Object(map) => map.values().for_each(|v| collect_strings(v, into)),
        _ => {}
    }
}

/// The report says which scanner made the last scan, with its version, in every target.
#[test]
fn every_target_names_the_scanner_and_its_version() {
    let repo = Repo::new();
    let mut report: Value = serde_json::from_str(&trivy_report(
        "2026-03-02T04:00:00Z",
        &[("CVE-2026-0001", "pkg-a", "HIGH", "1.0", "1.1")],
    ))
    .expect("report");
    report["Trivy"] = serde_json::json!({"Version": "0.76.0"});
    let path = repo.write("reports/versioned.json", &report.to_string());
    repo.ok(&["record", "--image", "app", "--report", &path.display().to_string()]);
    assert!(repo.ok(&["report", "--image", "app"]).contains("by trivy 0.76.0"), "terminal");
    let json: Value =
        serde_json::from_str(&repo.ok(&["--format", "json", "report", "--image", "app"])).expect("JSON");
    assert_eq!(json["scan"]["scanner_version"], "0.76.0", "JSON");
    let html = repo.path().join("app.html");
    repo.ok(&["--format", "html", "report", "--image", "app", "--out", &html.display().to_string()]);
    assert!(std::fs::read_to_string(&html).unwrap_or_default().contains("trivy 0.76.0"), "HTML");
    let pdf = repo.path().join("app.pdf");
    repo.ok(&["--format", "pdf", "report", "--image", "app", "--out", &pdf.display().to_string()]);
    if let Some(text) = drawn_text(&pdf) {
        assert!(text.contains("trivy 0.76.0"), "PDF:\n{text}");
    }
}

/// An accepted risk says what it is limited to in every target: a fingerprint-scoped one names
/// its fingerprint (never "every package"), an unscoped one every finding with its id.
#[test]
fn every_target_says_what_an_accepted_risk_is_limited_to() {
    let repo = Repo::new();
    let report = trivy_report(
        "2026-03-02T04:00:00Z",
        &[("CVE-2026-0001", "pkg-a", "HIGH", "1.0", "1.1"), ("CVE-2026-0002", "pkg-b", "HIGH", "1.0", "")],
    );
    let path = repo.write("reports/scoped.json", &report);
    repo.ok(&["record", "--image", "app", "--report", &path.display().to_string()]);
    let json: Value =
        serde_json::from_str(&repo.ok(&["--format", "json", "report", "--image", "app"])).expect("JSON");
    let fingerprint = json["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["id"] == "CVE-2026-0001")
        .and_then(|f| f["fingerprint"].as_str())
        .expect("a fingerprint")
        .to_owned();
    repo.write(
        "security/exceptions.toml",
        &format!(
            "[[exception]]\nid = \"CVE-2026-0001\"\nfingerprints = [\"{fingerprint}\"]\nreason = \"only this one\"\nexpires = \"2099-01-01\"\n\n\
             [[exception]]\nid = \"CVE-2026-0002\"\nreason = \"wherever it is\"\nexpires = \"2099-01-01\"\n"
        ),
    );
    let json: Value =
        serde_json::from_str(&repo.ok(&["--format", "json", "report", "--image", "app"])).expect("JSON");
    let risks = json["accepted_risks"].as_array().cloned().unwrap_or_default();
    assert_eq!(risks.len(), 2, "{json}");
    assert_eq!(risks[0]["fingerprints"], serde_json::json!([fingerprint]), "JSON");
    assert_eq!(risks[1]["fingerprints"], serde_json::json!([]), "JSON");
    let scoped = format!("fingerprint {fingerprint}");
    let html = repo.path().join("app.html");
    repo.ok(&["--format", "html", "report", "--image", "app", "--out", &html.display().to_string()]);
    let html = std::fs::read_to_string(&html).unwrap_or_default();
    assert!(html.contains(&scoped) && html.contains("every finding with its id"), "HTML");
    assert!(!html.contains("every package"), "HTML");
    let pdf = repo.path().join("app.pdf");
    repo.ok(&["--format", "pdf", "report", "--image", "app", "--out", &pdf.display().to_string()]);
    if let Some(text) = drawn_text(&pdf) {
        let squeezed = squeeze(&text);
        assert!(squeezed.contains(&squeeze(&scoped)), "PDF:\n{text}");
        assert!(
            squeezed.contains("everyfindingwithitsid") && !squeezed.contains("everypackage"),
            "PDF:\n{text}"
        );
    }
}

/// The commands a report prints under "Verify this report" do what it says, run as printed in
/// a checkout: both pass on the ledger the report was made from and after a later scan (the
/// log is append-only), and both fail once the line the report names is altered.
#[test]
fn the_verify_commands_a_report_prints_check_its_ledger() {
    let copy = tempfile::tempdir().expect("temp dir");
    let root = copy.path();
    crate::common::copy_tree(crate::golden::demo_root(), root);
    let report = json_file(&root.join("customer-reports/postgres-secured/report.json"));
    let commands: Vec<String> = report["chain"]["verify"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c.as_str())
        .map(|c| c.replace("<repository>", &root.display().to_string()))
        .collect();
    assert_eq!(commands.len(), 2, "{report}");
    let bin_dir = crate::common::bin().parent().map(Path::to_path_buf).unwrap_or_default();
    let path = std::env::join_paths(
        std::iter::once(bin_dir).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .expect("PATH");
    let passes = |command: &str| {
        Command::new("sh")
            .args(["-c", command])
            .current_dir(root)
            .env("PATH", &path)
            .output()
            .expect("run sh")
            .status
            .success()
    };
    for command in &commands {
        assert!(passes(command), "{command}: fails on the ledger the report was made from");
    }

    let later = root.join("reports/postgres-secured/2026-11-09.json");
    let mut scan: Value = json_file(&later);
    scan["CreatedAt"] = "2026-11-10T04:00:00Z".into();
    let later_path = root.join("later.json");
    std::fs::write(&later_path, scan.to_string()).expect("write");
    let recorded = Command::new(crate::common::bin())
        .env("HARDLINE_NOW", "2026-11-11T04:00:00Z")
        .arg("--root")
        .arg(root)
        .args(["record", "--image", "postgres-secured", "--report"])
        .arg(&later_path)
        .output()
        .expect("record");
    assert!(recorded.status.success(), "{}", String::from_utf8_lossy(&recorded.stderr));
    for command in &commands {
        assert!(passes(command), "{command}: fails after a later scan is appended");
    }

    let seq = report["chain"]["seq"].as_u64().unwrap_or(0) as usize;
    let log = root.join("audit-logs/postgres-secured.jsonl");
    let text = std::fs::read_to_string(&log).expect("log");
    let lines: Vec<String> = text
        .lines()
        .enumerate()
        .map(
            |(i, line)| {
                if i + 1 == seq { line.replacen("\"image\"", "\"image\" ", 1) } else { line.to_owned() }
            },
        )
        .collect();
    std::fs::write(&log, lines.join("\n") + "\n").expect("write");
    assert!(!passes(&commands[0]), "{}: passes on an altered log", commands[0]);
    let hash = report["chain"]["hash"].as_str().unwrap_or_default();
    let lines: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, line)| if i + 1 == seq { line.replace(hash, &"0".repeat(64)) } else { line.to_owned() })
        .collect();
    std::fs::write(&log, lines.join("\n") + "\n").expect("write");
    assert!(!passes(&commands[1]), "{}: passes when the line no longer carries the hash", commands[1]);
}
