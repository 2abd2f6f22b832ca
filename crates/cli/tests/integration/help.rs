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
    assert!(stderr.contains("bad.json:3:15:"), "file, line and column of the truncation: {stderr}");
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

/// A `caused by:` line never says again what a line above it said (a library error that puts
/// its source's text in its own message and returns it as its source too).
fn assert_each_cause_once(name: &str, stderr: &str) {
    let lines: Vec<&str> = stderr.lines().collect();
    for (at, line) in lines.iter().enumerate() {
        if let Some(cause) = line.strip_prefix("  caused by: ") {
            assert!(
                !lines[..at].iter().any(|above| above.contains(cause)),
                "{name}: `{cause}` is said twice:\n{stderr}"
            );
        }
    }
}

/// A repository with one recorded scan of `app`, the report it was recorded from at `r.json`.
fn recorded(repo: &Repo) -> String {
    let report = repo.write("r.json", &crate::common::trivy_report("2026-01-05T04:00:00Z", &[]));
    let report = report.to_str().unwrap_or_default().to_owned();
    repo.ok(&["record", "--image", "app", "--report", &report]);
    report
}

/// Runs `args` in `repo` (or, for `--root`, without one) and returns its scrubbed stderr,
/// asserting the exit status.
fn stderr_of(repo: &Repo, args: &[&str], status: i32) -> String {
    let out = if args[0] == "--root" {
        let mut command = std::process::Command::new(crate::common::bin());
        command.env_clear().env("PATH", std::env::var_os("PATH").unwrap_or_default());
        command.args(args).output().expect("run hardline")
    } else {
        repo.run(args)
    };
    let stderr = crate::common::scrub(&String::from_utf8_lossy(&out.stderr), repo.path());
    assert_eq!(out.status.code(), Some(status), "{args:?}: {stderr}");
    stderr
}

/// Errors name the file or flag at fault, say each cause once and say what to do next (a
/// `help:` line), for the mistakes a new user makes first. Pinned as snapshots of stderr.
#[test]
fn errors_name_the_file_or_flag_and_say_what_to_do_next() {
    let repo = Repo::new();
    let empty = repo.write("empty.json", "{}");
    let empty = empty.to_str().unwrap_or_default();
    let report = repo.write("r.json", &crate::common::trivy_report("2026-01-05T04:00:00Z", &[]));
    let report = report.to_str().unwrap_or_default();
    let nowhere = repo.path().join("nowhere");
    let nowhere = nowhere.to_str().unwrap_or_default();
    for (name, args, needle) in [
        (
            "error_report_missing",
            vec!["record", "--image", "app", "--report", "missing.json"],
            "missing.json",
        ),
        ("error_not_a_report", vec!["gate", "--image", "app", "--report", empty], "empty.json"),
        (
            "error_base_report_missing",
            vec!["gate", "--image", "app", "--report", report, "--base-report", "base.json"],
            "base.json",
        ),
        (
            "error_feed_missing",
            vec!["--kev", "kev.json", "gate", "--image", "app", "--report", report, "--policy", "strict"],
            "kev.json",
        ),
        ("error_root_missing", vec!["--root", nowhere, "verify"], "--root"),
        ("error_no_ledger", vec!["status"], "no ledger"),
    ] {
        let stderr = stderr_of(&repo, &args, 1);
        assert!(stderr.starts_with("error: ") && stderr.contains(needle), "{name} names {needle}: {stderr}");
        assert!(stderr.lines().any(|l| l.starts_with("help: ")), "{name} says what to do next: {stderr}");
        assert_each_cause_once(name, &stderr);
        insta::assert_snapshot!(name, stderr);
    }
    assert!(!std::path::Path::new(nowhere).exists(), "a mistyped --root is not created");
    assert!(repo.snapshot().is_empty(), "nothing written");

    // An image the ledger does not know: the one likely meant is named.
    let repo = Repo::new();
    recorded(&repo);
    let stderr = stderr_of(&repo, &["report", "--image", "ap"], 1);
    assert!(stderr.contains("did you mean app?") && stderr.contains("help: "), "{stderr}");
    assert_each_cause_once("error_unknown_image", &stderr);
    insta::assert_snapshot!("error_unknown_image", stderr);

    // A wrong line in a log stops every command that reads it, naming the line.
    let repo = Repo::new();
    recorded(&repo);
    let log = repo.path().join("audit-logs/app.jsonl");
    let edited = repo.read("audit-logs/app.jsonl").replacen("\"seq\":1", "\"seq\":7", 1);
    std::fs::write(&log, edited).expect("edit the log");
    let stderr = stderr_of(&repo, &["status"], 1);
    assert!(stderr.contains("audit-logs/app.jsonl:1: ") && stderr.contains("help: "), "{stderr}");
    assert_each_cause_once("error_ledger_corrupt", &stderr);
    insta::assert_snapshot!("error_ledger_corrupt", stderr);

    // HARDLINE_NOW, which tests and the demo set, names itself.
    let mut repo = Repo::new();
    repo.env = vec![("HARDLINE_NOW".into(), "yesterday".into())];
    let stderr = stderr_of(&repo, &["status"], 1);
    assert!(stderr.contains("HARDLINE_NOW") && stderr.contains("help: "), "{stderr}");
    assert_each_cause_once("error_hardline_now", &stderr);
    insta::assert_snapshot!("error_hardline_now", stderr);
}

/// A file that does not parse is named with the line and column at fault, whatever reads it.
#[test]
fn a_file_that_does_not_parse_is_named_with_its_line_and_column() {
    for (name, file, contents, args, place) in [
        (
            "error_report_truncated",
            "bad.json",
            "{\n  \"SchemaVersion\": 2,\n  \"Results\": [\n",
            vec!["record", "--image", "app", "--report", "bad.json"],
            "bad.json:3:15:",
        ),
        (
            "error_config_malformed",
            "hardline.toml",
            "[gate]\nprofile = = 1\n",
            vec!["status"],
            "hardline.toml:2:",
        ),
        (
            "error_exceptions_malformed",
            "security/exceptions.toml",
            "[[exception]]\nid = CVE-2026-1000\n",
            vec!["status"],
            "exceptions.toml:2:",
        ),
    ] {
        let repo = Repo::new();
        std::fs::create_dir_all(repo.path().join("audit-logs")).expect("an empty ledger");
        let path = repo.write(file, contents);
        let args: Vec<&str> =
            args.iter().map(|a| if *a == file { path.to_str().unwrap_or_default() } else { a }).collect();
        let stderr = stderr_of(&repo, &args, 1);
        assert!(stderr.starts_with("error: ") && stderr.contains(place), "{name} names {place}: {stderr}");
        assert_each_cause_once(name, &stderr);
        insta::assert_snapshot!(name, stderr);
    }
}

/// A mistake in the command line is a usage error (exit 2) naming the flag or argument, in
/// clap's words, pointing to the help.
#[test]
fn usage_errors_name_the_flag_and_show_the_usage() {
    let repo = Repo::new();
    for (name, args, needle) in [
        ("usage_error_missing_argument", vec!["diff", "old.json"], "<NEW>"),
        ("usage_error_summary_since", vec!["summary", "--since", "week"], "--since"),
        ("usage_error_report_since", vec!["report", "--image", "app", "--since", "yesterday"], "--since"),
        ("usage_error_image_name", vec!["record", "--image", "../up", "--report", "r.json"], "--image"),
        (
            "usage_error_unknown_policy",
            vec!["gate", "--image", "app", "--report", "r.json", "--policy", "lax"],
            "--policy",
        ),
        ("usage_error_unknown_command", vec!["gates"], "gates"),
        ("usage_error_man_unknown_command", vec!["man", "nope"], "nope"),
    ] {
        let stderr = stderr_of(&repo, &args, 2);
        assert!(stderr.starts_with("error: ") && stderr.contains(needle), "{name} names {needle}: {stderr}");
        assert!(stderr.contains("try '--help'"), "{name} points to the help: {stderr}");
        insta::assert_snapshot!(name, stderr);
    }
    assert!(repo.snapshot().is_empty(), "nothing written");
}

/// A ledger that does not verify says what to do about each kind of problem.
#[test]
fn a_failed_verify_says_what_to_do_next() {
    let repo = Repo::new();
    let report = repo.write("r.json", &crate::common::trivy_report("2026-01-05T04:00:00Z", &[]));
    repo.ok(&["record", "--image", "app", "--report", report.to_str().unwrap_or_default()]);
    let view = repo.path().join("cve-baseline/app.json");
    let mut text = repo.read("cve-baseline/app.json");
    text.push_str("edited\n");
    std::fs::write(&view, text).expect("edit the view");
    let out = repo.run(&["verify"]);
    assert_eq!(out.status.code(), Some(3));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("help: `hardline rebuild` rewrites the views"), "{stdout}");
    assert!(!stdout.contains("restore the log"), "no log line is wrong: {stdout}");
    insta::assert_snapshot!("verify_failed_view", stdout);
    repo.ok(&["rebuild"]);
    // The scans index is JSON lines too, but a view: rebuilt, not restored.
    let index = repo.path().join("audit-logs/app/scans.jsonl");
    let mut text = std::fs::read_to_string(&index).expect("the scans index");
    text.push_str("{}\n");
    std::fs::write(&index, text).expect("edit the index");
    let out = repo.run(&["verify"]);
    assert_eq!(out.status.code(), Some(3));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("audit-logs/app/scans.jsonl"), "{stdout}");
    assert!(stdout.contains("help: `hardline rebuild`") && !stdout.contains("restore the log"), "{stdout}");
    repo.ok(&["rebuild"]);
    let log = repo.path().join("audit-logs/app.jsonl");
    let edited = repo.read("audit-logs/app.jsonl").replacen("\"seq\":1", "\"seq\":7", 1);
    std::fs::write(&log, edited).expect("edit the log");
    let stdout = String::from_utf8_lossy(&repo.run(&["verify"]).stdout).into_owned();
    assert!(stdout.contains("restore the log from version control"), "{stdout}");
    insta::assert_snapshot!("verify_failed_log", stdout);
    let json = repo.json(&["verify"]);
    assert!(!json.to_string().contains("help:"), "the advice is for people only: {json}");
}

/// With `--root .`, a ledger path is shown as the user would type it (`audit-logs/…`), not as
/// `./audit-logs/…`.
#[test]
fn a_corrupt_log_under_root_dot_is_named_as_typed() {
    let repo = Repo::new();
    recorded(&repo);
    let edited = repo.read("audit-logs/app.jsonl").replacen("\"seq\":1", "\"seq\":7", 1);
    std::fs::write(repo.path().join("audit-logs/app.jsonl"), edited).expect("edit the log");
    let out = std::process::Command::new(crate::common::bin())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .current_dir(repo.path())
        .args(["--root", ".", "status"])
        .output()
        .expect("run hardline");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(stderr.starts_with("error: audit-logs/app.jsonl:1: "), "{stderr}");
    insta::assert_snapshot!("error_ledger_corrupt_root_dot", stderr);
}
