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

/// Runs `hardline --root ROOT ARGS… EXTRA…` with nothing from the caller's environment but
/// `PATH`, at [`NOW`].
fn hardline(root: &Path, args: &[&str], extra: &[&std::ffi::OsStr]) -> Output {
    Command::new(bin())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HARDLINE_NOW", NOW)
        .arg("--root")
        .arg(root)
        .args(args)
        .args(extra)
        .output()
        .expect("run hardline")
}

/// Runs and returns stdout (scrubbed), asserting the exit status.
fn stdout(root: &Path, args: &[&str], status: i32) -> String {
    let out = hardline(root, args, &[]);
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
    ] {
        insta::assert_snapshot!(name_of(relative), file(root, relative));
    }
}

#[test]
fn status_in_every_format() {
    let root = &demo().root;
    insta::assert_snapshot!("status_human", stdout(root, &["status"], 0));
    insta::assert_snapshot!("status_json", stdout(root, &["--format", "json", "status"], 0));
    insta::assert_snapshot!("status_markdown", stdout(root, &["--format", "markdown", "status"], 0));
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

#[test]
fn help_of_every_command() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    insta::assert_snapshot!("help", stdout(root, &["--help"], 0));
    insta::assert_snapshot!("version", stdout(root, &["--version"], 0));
    for command in [
        "record",
        "status",
        "diff",
        "gate",
        "verify",
        "rebuild",
        "issues",
        "summary",
        "vex",
        "demo",
        "dashboard",
    ] {
        insta::assert_snapshot!(format!("help_{command}"), stdout(root, &[command, "--help"], 0));
    }
    insta::assert_snapshot!("help_issues_sync", stdout(root, &["issues", "sync", "--help"], 0));
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
