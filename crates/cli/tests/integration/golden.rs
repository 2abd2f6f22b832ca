//! Golden snapshots of what people and scripts read: every artifact the demo renders (audit-log
//! Markdown, baselines, the summary, issue bodies and their change comments, PR comments, the
//! dashboard), every command's output in every format it offers, and every `--help`.
//!
//! A change to any of them is reviewed as a snapshot diff. `cargo test` fails on a difference;
//! to accept one, run `INSTA_UPDATE=always cargo test -p hardline --test integration` and review
//! `git diff` (CI sets `INSTA_UPDATE=no`, so nothing is ever accepted there).
//!
//! Each run uses the real binary with a scrubbed environment; temporary paths are replaced by
//! `[ROOT]`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use sha2::{Digest, Sha256};

use crate::common::{bin, copy_tree, scrub};

/// The demo's last moment: its pull requests and summary are made then.
const NOW: &str = "2026-11-11T04:00:00Z";
const PHP: &str = "php-mysql-secured";
const POSTGRES: &str = "postgres-secured";

struct Demo {
    _dir: tempfile::TempDir,
    root: PathBuf,
    stdout: String,
}

/// One demo for the whole test binary; tests that write copy it first.
fn demo() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("demo");
        let out = hardline(dir.path(), &["demo", "--out"], &[root.as_os_str()]);
        assert_eq!(out.status.code(), Some(0), "demo: {}", String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        Demo { _dir: dir, root, stdout }
    })
}

/// The demo's repository, for other test modules (made once per test binary, never written).
pub(crate) fn demo_root() -> &'static Path {
    &demo().root
}

/// Runs `hardline --root ROOT ARGS… EXTRA…` with nothing from the caller's environment but
/// `PATH`, at [`NOW`].
fn hardline(root: &Path, args: &[&str], extra: &[&std::ffi::OsStr]) -> Output {
    hardline_at(NOW, root, args, extra)
}

/// [`hardline`] at another moment.
fn hardline_at(now: &str, root: &Path, args: &[&str], extra: &[&std::ffi::OsStr]) -> Output {
    Command::new(bin())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HARDLINE_NOW", now)
        .arg("--root")
        .arg(root)
        .args(args)
        .args(extra)
        .output()
        .expect("run hardline")
}

/// Runs and returns stdout (scrubbed), asserting the exit status.
fn stdout(root: &Path, args: &[&str], status: i32) -> String {
    stdout_at(NOW, root, args, status)
}

/// [`stdout`] at another moment.
fn stdout_at(now: &str, root: &Path, args: &[&str], status: i32) -> String {
    let out = hardline_at(now, root, args, &[]);
    assert_eq!(
        out.status.code(),
        Some(status),
        "hardline {args:?}:\nstdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    scrub(&String::from_utf8_lossy(&out.stdout), root)
}

fn file(root: &Path, relative: &str) -> String {
    let text = std::fs::read_to_string(root.join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"));
    scrub(&text, root)
}

/// A snapshot name for a file of the demo.
fn name_of(relative: &str) -> String {
    relative.trim_start_matches('.').replace(['/', '.'], "_")
}

fn report(root: &Path, relative: &str) -> String {
    root.join("reports").join(relative).display().to_string()
}

#[test]
fn demo_stdout() {
    let demo = demo();
    insta::assert_snapshot!("demo_stdout", scrub(&demo.stdout, &demo.root));
}

#[test]
fn audit_log_markdown() {
    let root = &demo().root;
    for image in [PHP, POSTGRES] {
        let front = format!("audit-logs/{image}.md");
        insta::assert_snapshot!(name_of(&front), file(root, &front));
        for month in ["2026-09", "2026-10", "2026-11"] {
            let relative = format!("audit-logs/{image}/{month}.md");
            insta::assert_snapshot!(name_of(&relative), file(root, &relative));
        }
        let index = format!("audit-logs/{image}/scans.jsonl");
        insta::assert_snapshot!(name_of(&index), file(root, &index));
        let files = std::fs::read_dir(root.join("audit-logs").join(image)).map(|d| d.count()).unwrap_or(0);
        assert_eq!(files, 4, "one file per month of the demo's ten weeks, and the scans index");
    }
}

#[test]
fn baseline_views() {
    let root = &demo().root;
    for relative in ["cve-baseline/php-mysql-secured.json", "cve-baseline/postgres-secured.json"] {
        insta::assert_snapshot!(name_of(relative), file(root, relative));
    }
}

#[test]
fn weekly_summary() {
    let root = &demo().root;
    insta::assert_snapshot!("security_summary", file(root, "SECURITY_SUMMARY.md"));
}

/// The local tracker's pages hold each body and every comment verbatim: the image issues with
/// their change comments, the summary issue with its week comment, the gate comments.
#[test]
fn tracker_pages() {
    let root = &demo().root;
    for relative in [
        ".hardline/tracker/index.md",
        ".hardline/tracker/issues/1.md",
        ".hardline/tracker/issues/2.md",
        ".hardline/tracker/issues/103.md",
        ".hardline/tracker/pulls/101.md",
        ".hardline/tracker/pulls/102.md",
    ] {
        insta::assert_snapshot!(name_of(relative), file(root, relative));
    }
}

#[test]
fn dashboard_pages() {
    let root = &demo().root;
    for relative in [
        "site/index.html",
        "site/images/php-mysql-secured.html",
        "site/images/postgres-secured.html",
        "site/data.json",
        "site/reports/php-mysql-secured.html",
        "site/reports/php-mysql-secured.csv",
        "site/reports/postgres-secured.html",
        "site/reports/postgres-secured.csv",
        "site/triage.js",
    ] {
        insta::assert_snapshot!(name_of(relative), file(root, relative));
    }
}

/// The demo's deliverables for customers: each image's report in every text format and its
/// VEX documents.
#[test]
fn customer_reports() {
    let root = &demo().root;
    for image in [PHP, POSTGRES] {
        for name in
            ["report.html", "report.csv", "report.json", "vex.cdx.json", "vex.openvex.json", "hardline.sarif"]
        {
            let relative = format!("customer-reports/{image}/{name}");
            insta::assert_snapshot!(name_of(&relative), file(root, &relative));
        }
    }
}

/// The PDFs, pinned by their digest (the bytes are deterministic) and by the text poppler's
/// `pdftotext` extracts from them, when it is installed.
#[test]
fn pdf_reports() {
    let root = &demo().root;
    let mut digests = String::new();
    for relative in [
        "customer-reports/php-mysql-secured/report.pdf",
        "customer-reports/postgres-secured/report.pdf",
        "site/reports/php-mysql-secured.pdf",
        "site/reports/postgres-secured.pdf",
    ] {
        let bytes = std::fs::read(root.join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"));
        let digest: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        digests.push_str(&format!("{relative}: {} bytes, sha256 {digest}\n", bytes.len()));
    }
    insta::assert_snapshot!("pdf_digests", digests);
    for image in [PHP, POSTGRES] {
        let pdf = root.join(format!("customer-reports/{image}/report.pdf"));
        if let Some(text) = crate::reports::pdf_text(&pdf) {
            insta::assert_snapshot!(format!("pdf_text_{image}"), text);
        }
    }
}

/// `report` in its own formats is pinned; in the document formats it writes what the demo
/// wrote (the same renderers at the same moment), to stdout and to `--out`.
#[test]
fn report_in_every_format() {
    let root = &demo().root;
    insta::assert_snapshot!("report_human", stdout(root, &["report", "--image", POSTGRES], 0));
    for format in ["json", "html", "csv"] {
        let printed = stdout(root, &["--format", format, "report", "--image", POSTGRES], 0);
        assert_eq!(printed, file(root, &format!("customer-reports/{POSTGRES}/report.{format}")), "{format}");
    }
    let out = tempfile::tempdir().expect("temp dir");
    for format in ["pdf", "html", "csv", "json"] {
        let target = out.path().join(format!("report.{format}"));
        let run =
            hardline(root, &["--format", format, "report", "--image", PHP, "--out"], &[target.as_os_str()]);
        assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
        assert!(run.stdout.is_empty(), "--out writes nothing to stdout");
        let written = std::fs::read(&target).unwrap_or_default();
        let demo =
            std::fs::read(root.join(format!("customer-reports/{PHP}/report.{format}"))).unwrap_or_default();
        assert!(!written.is_empty() && written == demo, "--format {format} --out differs from the demo's");
    }
    let piped = hardline(root, &["--format", "pdf", "report", "--image", PHP], &[]);
    let demo_pdf = std::fs::read(root.join(format!("customer-reports/{PHP}/report.pdf"))).unwrap_or_default();
    assert!(piped.stdout == demo_pdf, "a PDF to a pipe is the same bytes");
    let unknown = hardline(root, &["--format", "pdf", "report", "--image", "nope"], &[]);
    assert_eq!(unknown.status.code(), Some(1));
    insta::assert_snapshot!("report_unknown_image", scrub(&String::from_utf8_lossy(&unknown.stderr), root));
    let usage = hardline(root, &["--format", "markdown", "report", "--image", PHP], &[]);
    assert_eq!(usage.status.code(), Some(2), "a format report does not write is a usage error");
}

/// Every export writes what the demo wrote; `vex` is `export openvex`; an unknown image is
/// an error, not an empty document.
#[test]
fn exports() {
    let root = &demo().root;
    for (export, name) in
        [("cyclonedx-vex", "vex.cdx.json"), ("openvex", "vex.openvex.json"), ("sarif", "hardline.sarif")]
    {
        for image in [PHP, POSTGRES] {
            let printed = stdout(root, &["export", export, "--image", image], 0);
            assert_eq!(printed, file(root, &format!("customer-reports/{image}/{name}")), "{export} {image}");
        }
        let unknown = hardline(root, &["export", export, "--image", "nope"], &[]);
        assert_eq!(unknown.status.code(), Some(1), "{export}");
        assert!(unknown.stdout.is_empty(), "{export}: no document for an unknown image");
    }
    assert_eq!(
        stdout(root, &["vex", "--image", POSTGRES], 0),
        stdout(root, &["export", "openvex", "--image", POSTGRES], 0),
        "vex is an alias of export openvex"
    );
}

/// `report --since` moves the start of the changes (and only that); a `--since` that is not a
/// date, a time or a number of days is a usage error; `export --out` says where it wrote, in
/// both formats, the document the demo wrote.
#[test]
fn report_since_and_export_out() {
    let root = &demo().root;
    let since = ["report", "--image", POSTGRES, "--since", "2026-10-01"];
    insta::assert_snapshot!("report_since_human", stdout(root, &since, 0));
    let json: Vec<&str> = ["--format", "json"].into_iter().chain(since).collect();
    let document: serde_json::Value = serde_json::from_str(&stdout(root, &json, 0)).expect("JSON");
    let pretty = serde_json::to_string_pretty(&document["changes"]).expect("JSON");
    insta::assert_snapshot!("report_since_changes_json", pretty);
    let default: serde_json::Value =
        serde_json::from_str(&file(root, &format!("customer-reports/{POSTGRES}/report.json"))).expect("JSON");
    for same in ["product", "scan", "posture", "trend", "findings", "accepted_risks", "sla", "chain"] {
        assert_eq!(document[same], default[same], "--since changes {same}");
    }
    assert_ne!(document["changes"], default["changes"]);

    let bad = hardline(root, &["report", "--image", POSTGRES, "--since", "last tuesday"], &[]);
    assert_eq!(bad.status.code(), Some(2), "a bad --since is a usage error");
    insta::assert_snapshot!("report_since_invalid", String::from_utf8_lossy(&bad.stderr));

    let copy = tempfile::tempdir().expect("temp dir");
    copy_tree(root, copy.path());
    for (format, file_name) in [("human", "pg.cdx.json"), ("json", "pg-again.cdx.json")] {
        let target = format!("vex/{file_name}");
        let args =
            ["--format", format, "export", "cyclonedx-vex", "--image", POSTGRES, "--out", target.as_str()];
        insta::assert_snapshot!(format!("export_out_{format}"), stdout(copy.path(), &args, 0));
        assert_eq!(
            std::fs::read_to_string(copy.path().join(&target)).unwrap_or_default(),
            file(root, &format!("customer-reports/{POSTGRES}/vex.cdx.json")),
            "--out writes the document the demo wrote"
        );
    }
}

#[test]
fn status_in_every_format() {
    let root = &demo().root;
    insta::assert_snapshot!("status_human", stdout(root, &["status"], 0));
    insta::assert_snapshot!("status_json", stdout(root, &["--format", "json", "status"], 0));
    insta::assert_snapshot!("status_markdown", stdout(root, &["--format", "markdown", "status"], 0));
}

/// Three weeks after the demo's last scan: the scans are stale, an exception has expired and
/// its finding counts again, and findings have gone past their SLA.
const LATER: &str = "2026-11-30T04:00:00Z";

#[test]
fn status_when_the_scans_stopped() {
    let root = &demo().root;
    insta::assert_snapshot!("status_stale_human", stdout_at(LATER, root, &["status"], 0));
    insta::assert_snapshot!("status_stale_json", stdout_at(LATER, root, &["--format", "json", "status"], 0));
    insta::assert_snapshot!(
        "status_stale_markdown",
        stdout_at(LATER, root, &["--format", "markdown", "status"], 0)
    );
}

/// The summary and the dashboard, on a copy of the demo, when the scans have stopped.
#[test]
fn summary_and_dashboard_when_the_scans_stopped() {
    let copy = tempfile::tempdir().expect("temp dir");
    let root = copy.path();
    copy_tree(&demo().root, root);
    stdout_at(LATER, root, &["summary"], 0);
    insta::assert_snapshot!("security_summary_stale", file(root, "SECURITY_SUMMARY.md"));
    stdout_at(LATER, root, &["dashboard"], 0);
    insta::assert_snapshot!("site_index_html_stale", file(root, "site/index.html"));
    insta::assert_snapshot!(
        "site_images_php-mysql-secured_html_stale",
        file(root, "site/images/php-mysql-secured.html")
    );
}

#[test]
fn exceptions_in_every_format() {
    let root = &demo().root;
    insta::assert_snapshot!("exceptions_human", stdout(root, &["exceptions"], 0));
    insta::assert_snapshot!("exceptions_json", stdout(root, &["--format", "json", "exceptions"], 0));
    // Expiring soon, then expired (its finding counts again).
    insta::assert_snapshot!(
        "exceptions_expiring_human",
        stdout_at("2026-11-15T04:00:00Z", root, &["exceptions"], 0)
    );
    insta::assert_snapshot!("exceptions_expired_human", stdout_at(LATER, root, &["exceptions"], 0));
}

#[test]
fn verify_in_every_format() {
    let root = &demo().root;
    insta::assert_snapshot!("verify_human", stdout(root, &["verify"], 0));
    insta::assert_snapshot!("verify_json", stdout(root, &["--format", "json", "verify"], 0));
}

#[test]
fn gate_in_every_format() {
    let root = &demo().root;
    let improving = report(root, "pull-requests/pr-101-php-mysql-secured.json");
    let regressing = report(root, "pull-requests/pr-102-postgres-secured.json");
    for (name, image, report, status) in [("allow", PHP, &improving, 0), ("block", POSTGRES, &regressing, 20)]
    {
        let args = ["gate", "--image", image, "--report", report.as_str()];
        insta::assert_snapshot!(format!("gate_{name}_human"), stdout(root, &args, status));
        let json: Vec<&str> = ["--format", "json"].into_iter().chain(args).collect();
        insta::assert_snapshot!(format!("gate_{name}_json"), stdout(root, &json, status));
        let markdown: Vec<&str> = ["--format", "markdown"].into_iter().chain(args).collect();
        insta::assert_snapshot!(format!("gate_{name}_markdown"), stdout(root, &markdown, status));
    }
    let strict =
        ["--format", "json", "gate", "--policy", "strict", "--image", POSTGRES, "--report", &regressing];
    insta::assert_snapshot!("gate_strict_json", stdout(root, &strict, 20));
}

/// `trivy sbom`'s report of the SBOM kept with the demo's last postgres scan, rescanned with
/// the database of pull request 102's scan: the same findings, the Go binary's without a path
/// (as Trivy reports packages of a syft SBOM), and the CRITICAL that PR 102's scan shows,
/// published since the weekly scan.
fn sbom_rescan(root: &Path, dir: &Path) -> String {
    let recorded =
        std::fs::read_to_string(root.join("reports/postgres-secured/2026-11-09.json")).expect("report");
    let mut report: serde_json::Value = serde_json::from_str(&recorded).expect("json");
    report["ArtifactName"] = "postgres-secured.cdx.json".into();
    report["ArtifactType"] = "cyclonedx".into();
    report["CreatedAt"] = NOW.into();
    for result in report["Results"].as_array_mut().into_iter().flatten() {
        if result["Class"] == "os-pkgs" {
            result["Target"] = "postgres-secured.cdx.json (debian 13)".into();
            let published_since = serde_json::json!({
                "VulnerabilityID": "CVE-2099-9300", "PkgName": "openssl", "InstalledVersion": "3.5.1-1",
                "Status": "affected", "Severity": "CRITICAL", "Title": "openssl: published since the weekly scan"
            });
            result["Vulnerabilities"].as_array_mut().expect("vulnerabilities").push(published_since);
        } else {
            result["Target"] = "".into();
        }
    }
    let path = dir.join("base.json");
    std::fs::write(&path, report.to_string()).expect("write");
    path.display().to_string()
}

/// The gate against the rescan of the base branch (`--base-report`), and an image with no
/// baseline (`new-image`), in every format.
#[test]
fn gate_against_the_base_rescan_and_for_a_new_image() {
    let root = &demo().root;
    let dir = tempfile::tempdir().expect("temp dir");
    let base = sbom_rescan(root, dir.path());
    let regressing = report(root, "pull-requests/pr-102-postgres-secured.json");
    let args = ["gate", "--image", POSTGRES, "--report", regressing.as_str(), "--base-report", base.as_str()];
    insta::assert_snapshot!("gate_base_report_human", stdout(root, &args, 20));
    let json: Vec<&str> = ["--format", "json"].into_iter().chain(args).collect();
    insta::assert_snapshot!("gate_base_report_json", stdout(root, &json, 20));
    let markdown: Vec<&str> = ["--format", "markdown"].into_iter().chain(args).collect();
    insta::assert_snapshot!("gate_base_report_markdown", stdout(root, &markdown, 20));

    let improving = report(root, "pull-requests/pr-101-php-mysql-secured.json");
    let args = ["gate", "--image", "brand-new", "--report", improving.as_str()];
    insta::assert_snapshot!("gate_new_image_human", stdout(root, &args, 10));
    let json: Vec<&str> = ["--format", "json"].into_iter().chain(args).collect();
    insta::assert_snapshot!("gate_new_image_json", stdout(root, &json, 10));
    let markdown: Vec<&str> = ["--format", "markdown"].into_iter().chain(args).collect();
    insta::assert_snapshot!("gate_new_image_markdown", stdout(root, &markdown, 10));
}

#[test]
fn diff_in_every_format() {
    let root = &demo().root;
    let old = report(root, "postgres-secured/2026-09-14.json");
    let new = report(root, "postgres-secured/2026-09-21.json");
    insta::assert_snapshot!("diff_human", stdout(root, &["diff", &old, &new], 0));
    insta::assert_snapshot!("diff_json", stdout(root, &["--format", "json", "diff", &old, &new], 0));
}

#[test]
fn vex_document() {
    let root = &demo().root;
    insta::assert_snapshot!("vex_postgres", stdout(root, &["vex", "--image", POSTGRES], 0));
    insta::assert_snapshot!(
        "vex_postgres_json",
        stdout(root, &["--format", "json", "vex", "--image", POSTGRES], 0)
    );
}

/// The commands that write, on a copy of the demo: run on the state the demo left, each is a
/// no-op (nothing to rebuild, no issue to change, the same summary and site), then a new scan.
#[test]
fn writing_commands_in_every_format() {
    let copy = tempfile::tempdir().expect("temp dir");
    let root = copy.path();
    copy_tree(&demo().root, root);
    insta::assert_snapshot!("rebuild_human", stdout(root, &["rebuild"], 0));
    insta::assert_snapshot!("rebuild_json", stdout(root, &["--format", "json", "rebuild"], 0));
    insta::assert_snapshot!("issues_sync_human", stdout(root, &["issues", "sync"], 0));
    insta::assert_snapshot!("issues_sync_json", stdout(root, &["--format", "json", "issues", "sync"], 0));
    insta::assert_snapshot!("verify_tracker_human", stdout(root, &["verify", "--tracker"], 0));
    insta::assert_snapshot!(
        "verify_tracker_json",
        stdout(root, &["--format", "json", "verify", "--tracker"], 0)
    );
    insta::assert_snapshot!("summary_human", stdout(root, &["summary"], 0));
    insta::assert_snapshot!("summary_json", stdout(root, &["--format", "json", "summary"], 0));
    insta::assert_snapshot!("summary_markdown", stdout(root, &["--format", "markdown", "summary"], 0));
    insta::assert_snapshot!("dashboard_human", stdout(root, &["dashboard"], 0));
    insta::assert_snapshot!("dashboard_json", stdout(root, &["--format", "json", "dashboard"], 0));
    let week = report(root, "pull-requests/pr-101-php-mysql-secured.json");
    let record = ["record", "--image", PHP, "--report", week.as_str()];
    let json: Vec<&str> = ["--format", "json"].into_iter().chain(record).collect();
    insta::assert_snapshot!("record_json", stdout(root, &json, 0));
    insta::assert_snapshot!("record_human_again", stdout(root, &record, 0));
}

/// `hardline init`'s files, and what it says, for a repository with two images.
#[test]
fn init_scaffold() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    for image in ["postgres-secured", "php-mysql-secured"] {
        std::fs::create_dir_all(root.join("images").join(image)).expect("mkdir");
        std::fs::write(root.join("images").join(image).join("Dockerfile"), "FROM scratch\n").expect("write");
    }
    let commit = "0123456789abcdef0123456789abcdef01234567";
    insta::assert_snapshot!("init_human", stdout(root, &["init", "--action-commit", commit], 0));
    for path in crate::init::FILES {
        insta::assert_snapshot!(format!("init_{}", name_of(path)), file(root, path));
    }
    let json = ["--format", "json", "init", "--force", "--action-commit", commit, "--image", "new-one"];
    insta::assert_snapshot!("init_json", stdout(root, &json, 0));
}

/// `hardline export sarif` for code scanning: the demo's postgres image (an accepted risk among
/// its findings), written to a file, and an image the ledger does not know.
#[test]
fn export_sarif() {
    let root = &demo().root;
    insta::assert_snapshot!(
        "export_sarif_postgres",
        stdout(root, &["export", "sarif", "--image", POSTGRES], 0)
    );
    let copy = tempfile::tempdir().expect("temp dir");
    copy_tree(root, copy.path());
    let json = ["--format", "json", "export", "sarif", "--image", PHP, "--out", "sarif/php.sarif"];
    insta::assert_snapshot!("export_sarif_out_json", stdout(copy.path(), &json, 0));
    let written = std::fs::read_to_string(copy.path().join("sarif/php.sarif")).expect("written");
    assert!(written.starts_with("{\n  \"$schema\""), "{written}");
    let unknown = hardline(root, &["export", "sarif", "--image", "nope"], &[]);
    assert_eq!(unknown.status.code(), Some(1));
    insta::assert_snapshot!("export_sarif_unknown_image", String::from_utf8_lossy(&unknown.stderr));
}

/// The subcommands a `--help` lists under "Commands:" (not `help`).
fn commands_in(help: &str) -> Vec<String> {
    help.split("\nCommands:\n")
        .nth(1)
        .map(|section| {
            section
                .lines()
                .take_while(|l| l.starts_with("  "))
                .filter_map(|l| l.split_whitespace().next())
                .filter(|name| *name != "help")
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Every command's `--help`, found by walking the command tree the binary itself lists, so a new
/// command cannot go without a reviewed help snapshot; `hardline help WORDS…` says the same.
#[test]
fn help_of_every_command() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    insta::assert_snapshot!("version", stdout(root, &["--version"], 0));
    let mut pending = vec![Vec::<String>::new()];
    let mut seen = 0;
    while let Some(words) = pending.pop() {
        let mut args: Vec<&str> = words.iter().map(String::as_str).collect();
        args.push("--help");
        let help = stdout(root, &args, 0);
        let name =
            std::iter::once("help").chain(words.iter().map(String::as_str)).collect::<Vec<_>>().join("_");
        insta::assert_snapshot!(name, help);
        if !words.is_empty() {
            let mut asked: Vec<&str> = vec!["help"];
            asked.extend(words.iter().map(String::as_str));
            assert_eq!(stdout(root, &asked, 0), help, "`hardline help {}` is its --help", words.join(" "));
        }
        for sub in commands_in(&help) {
            let mut next = words.clone();
            next.push(sub);
            pending.push(next);
        }
        seen += 1;
    }
    assert!(seen >= 17, "the walk found {seen} commands");
}

/// The generated manual pages are output people read too (the completion scripts, mechanical
/// translations of the same definitions, are proven by loading them: `generated.rs`).
#[test]
fn man_pages() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    insta::assert_snapshot!("man_hardline", stdout(root, &["man"], 0));
    insta::assert_snapshot!("man_hardline_gate", stdout(root, &["man", "gate"], 0));
}

/// The log format is a compatibility promise: the demo's logs are, byte for byte, the ones
/// hardline 0.1.0's demo wrote (kept in `tests/fixtures/ledger-v0.1`). A deliberate change to
/// the demo's story would change them; a change to how events are written must not. The views
/// of that ledger are in 0.1's layout; `rebuild` rewrites them into exactly the demo's.
#[test]
fn demo_logs_are_the_ones_0_1_wrote_and_its_views_migrate_to_the_demos() {
    let root = &demo().root;
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ledger-v0.1");
    for relative in [
        "audit-logs/php-mysql-secured.jsonl",
        "audit-logs/postgres-secured.jsonl",
        "security/exceptions.toml",
    ] {
        let now = std::fs::read(root.join(relative)).unwrap_or_default();
        let then = std::fs::read(fixture.join(relative)).unwrap_or_default();
        assert!(!then.is_empty() && now == then, "{relative} differs from the one hardline 0.1.0 wrote");
    }
    let copy = tempfile::tempdir().expect("temp dir");
    copy_tree(&fixture, copy.path());
    let rebuilt = stdout(copy.path(), &["rebuild"], 0);
    assert!(rebuilt.starts_with("rewrote "), "{rebuilt}");
    let views = |root: &Path| -> Vec<(String, Vec<u8>)> {
        let mut files = Vec::new();
        for dir in ["audit-logs", "cve-baseline"] {
            for (relative, bytes) in tree(&root.join(dir), dir) {
                if !relative.ends_with(".jsonl") {
                    files.push((relative, bytes));
                }
            }
        }
        files.sort();
        files
    };
    let (migrated, demo) = (views(copy.path()), views(root));
    assert_eq!(
        migrated.iter().map(|(name, _)| name).collect::<Vec<_>>(),
        demo.iter().map(|(name, _)| name).collect::<Vec<_>>()
    );
    for ((name, migrated), (_, demo)) in migrated.iter().zip(&demo) {
        assert!(migrated == demo, "{name}: the migrated view differs from the demo's");
    }
}

/// Every file below `dir`, named relative to its parent as `prefix/…`.
fn tree(dir: &Path, prefix: &str) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = format!("{prefix}/{}", entry.file_name().to_string_lossy());
        if entry.path().is_dir() {
            files.extend(tree(&entry.path(), &name));
        } else {
            files.push((name, std::fs::read(entry.path()).unwrap_or_default()));
        }
    }
    files
}
