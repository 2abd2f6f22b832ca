//! The help text people read first: every command is there, and the exit statuses are
//! documented where a script author looks for them.

use crate::common::Repo;

#[test]
fn help_lists_every_command_and_the_exit_statuses() {
    let help = Repo::new().ok(&["--help"]);
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
        "dashboard",
        "demo",
    ] {
        assert!(help.lines().any(|l| l.trim_start().starts_with(command)), "{command} missing from:\n{help}");
    }
    for status in ["0 success", "10 `gate`: review", "20 `gate`: block", "3 `verify`", "1 any error"] {
        assert!(help.contains(status), "exit status {status:?} missing from:\n{help}");
    }
}

#[test]
fn a_usage_error_is_exit_2_and_a_bad_report_is_exit_1_naming_the_place() {
    let repo = Repo::new();
    assert_eq!(repo.run(&["record"]).status.code(), Some(2));
    let report = repo.write("bad.json", "{\n  \"SchemaVersion\": 2,\n  \"Results\": [\n");
    let out = repo.run(&["record", "--image", "app", "--report", report.to_str().unwrap_or_default()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad.json:4:"), "file and line of the truncation: {stderr}");
    assert!(repo.snapshot().is_empty(), "nothing written");
}

/// An image name becomes file names; one that could climb out of the ledger's folders is a
/// usage error, refused before anything is read or written.
#[test]
fn an_image_name_that_is_not_a_file_name_is_a_usage_error() {
    let repo = Repo::new();
    let report = repo.write("r.json", &crate::common::trivy_report("2026-01-05T04:00:00Z", &[]));
    for bad in ["../escape", "Upper", ".hidden"] {
        let out = repo.run(&["record", "--image", bad, "--report", report.to_str().unwrap_or_default()]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("invalid image name"), "{bad}");
    }
    assert!(repo.snapshot().is_empty(), "nothing written");
}

/// A format a command does not write is a usage error naming the ones it does, before the
/// command runs (nothing is read, written or published).
#[test]
fn a_format_a_command_does_not_write_is_a_usage_error() {
    let repo = Repo::new();
    let report = repo.write("r.json", &crate::common::trivy_report("2026-01-05T04:00:00Z", &[]));
    let report = report.to_str().unwrap_or_default();
    for (args, offered) in [
        (vec!["--format", "markdown", "record", "--image", "app", "--report", report], "human, json"),
        (vec!["--format", "markdown", "diff", report, report], "human, json"),
        (vec!["--format", "markdown", "verify"], "human, json"),
        (vec!["--format", "markdown", "rebuild"], "human, json"),
        (vec!["--format", "markdown", "issues", "sync"], "human, json"),
        (vec!["--format", "markdown", "dashboard"], "human, json"),
        (vec!["--format", "markdown", "vex", "--image", "app"], "human, json"),
        (vec!["--format", "json", "demo", "--out", "demo"], "human"),
    ] {
        let out = repo.run(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        let command = if args[2] == "issues" { "issues sync" } else { args[2] };
        let expected =
            format!("`hardline {command}` does not write --format {}; it writes {offered}", args[1]);
        assert!(stderr.contains(&expected), "{args:?}: {stderr}");
        assert!(stderr.contains(&format!("Usage: hardline {command}")), "{args:?}: {stderr}");
    }
    assert!(repo.snapshot().is_empty(), "nothing recorded");
    assert!(!repo.path().join("demo").exists() && !repo.path().join("site").exists(), "nothing written");
    let out = repo.run(&["--format", "markdown", "diff", report, report]);
    insta::assert_snapshot!("usage_error_format_not_offered", String::from_utf8_lossy(&out.stderr));
}
