//! Wrong place, wrong name: a command pointed at a folder without a ledger, or at an image the
//! ledger does not know, fails and says what was likely meant; a ledger is started only in a
//! git work tree or with `--init` (issue 14, item 6).

use crate::common::{Repo, trivy_report};

fn report(repo: &Repo) -> String {
    let path = repo.write(
        "r.json",
        &trivy_report("2026-01-05T04:00:00Z", &[("CVE-2026-1000", "zlib", "LOW", "1.0", "")]),
    );
    path.to_str().unwrap_or_default().to_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every command that reads a ledger fails in a folder that holds none, instead of answering
/// as for an empty ledger ("no images recorded", "ledger verifies").
#[test]
fn commands_that_read_a_ledger_fail_where_there_is_none() {
    let repo = Repo::new();
    for args in [
        vec!["status"],
        vec!["verify"],
        vec!["rebuild"],
        vec!["summary"],
        vec!["dashboard", "--out", "site"],
        vec!["exceptions"],
        vec!["issues", "sync"],
        vec!["issues", "sync", "--image", "app"],
        vec!["report", "--image", "app"],
        vec!["export", "openvex", "--image", "app"],
        vec!["vex", "--image", "app"],
        vec!["--format", "json", "status"],
    ] {
        let out = repo.run(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("no ledger here"), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?} answered: {}", String::from_utf8_lossy(&out.stdout));
    }
    assert!(repo.snapshot().is_empty(), "nothing was written");
    assert!(!repo.path().join(".hardline").exists() && !repo.path().join("SECURITY_SUMMARY.md").exists());
}

/// A --root one folder off (inside the repository, or the folder holding it) is told which
/// folder holds the ledger.
#[test]
fn a_root_next_to_the_ledger_is_pointed_at_it() {
    let outer = Repo::new();
    let report = report(&outer);
    let root = outer.path().canonicalize().expect("canonical").join("repository");
    std::fs::create_dir_all(root.join("images/app")).expect("mkdir");
    let run = |from: &std::path::Path, args: &[&str]| {
        std::process::Command::new(crate::common::bin())
            .env_clear()
            .env("HARDLINE_NOW", "2026-03-03T12:00:00Z")
            .arg("--root")
            .arg(from)
            .args(args)
            .output()
            .expect("run")
    };
    let out = run(&root, &["record", "--image", "app", "--report", &report]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for from in [root.join("images"), root.join("images/app"), outer.path().to_path_buf()] {
        let out = run(&from, &["verify"]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let expected = format!("help: did you mean --root {}?", root.display());
        assert!(stderr(&out).contains(&expected), "from {}: {}", from.display(), stderr(&out));
    }
}

/// A freshly initialised repository (a hardline.toml, nothing recorded) is a ledger's place.
#[test]
fn a_configured_repository_without_scans_is_an_empty_ledger() {
    let repo = Repo::bare_folder();
    repo.write("hardline.toml", "");
    let out = repo.run(&["status"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("no images recorded yet"));
}

/// An image the ledger does not know is an error naming the image likely meant, for every
/// command that needs the image's history; `gate` on a new image is valid and says so.
#[test]
fn an_unknown_image_is_an_error_with_what_was_meant() {
    let repo = Repo::new();
    let report = report(&repo);
    repo.ok(&["record", "--image", "postgres-secured", "--report", &report]);
    let before = repo.snapshot();
    for args in [
        vec!["issues", "sync", "--image", "postgres-secure"],
        vec!["vex", "--image", "postgres-secure"],
        vec!["export", "sarif", "--image", "postgres-secure"],
        vec!["report", "--image", "postgres-secure"],
    ] {
        let out = repo.run(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("did you mean postgres-secured?"), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    assert_eq!(repo.snapshot(), before, "nothing was written");
    assert!(!repo.path().join(".hardline/tracker").exists(), "no issue was touched");

    // A new image's first gate asks a person to review it (exit 10): a decision, not an error.
    let out = repo.run(&["gate", "--image", "brand-new", "--report", &report]);
    assert_eq!(out.status.code(), Some(10), "{}", stderr(&out));
    assert!(stderr(&out).contains("no baseline recorded for brand-new: a new image"), "{}", stderr(&out));
}

/// `record` and `gate --record` start a ledger only inside a git work tree, or with --init;
/// elsewhere they fail and write nothing.
#[test]
fn a_ledger_is_started_only_in_a_git_work_tree_or_with_init() {
    let folder = Repo::bare_folder();
    let report = report(&folder);
    for args in [
        vec!["record", "--image", "app", "--report", &report],
        vec!["gate", "--image", "app", "--report", &report, "--record"],
    ] {
        let out = folder.run(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("not inside a git work tree"), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("--init"), "the way out is named: {}", stderr(&out));
        assert!(folder.snapshot().is_empty(), "{args:?} wrote the ledger");
        assert!(!folder.path().join(".hardline").exists(), "{args:?} took a lock");
    }
    // A gate that records nothing needs no ledger.
    let out = folder.run(&["gate", "--image", "app", "--report", &report]);
    assert_eq!(out.status.code(), Some(10), "{}", stderr(&out));
    assert!(folder.snapshot().is_empty());

    let out = folder.run(&["gate", "--image", "app", "--report", &report, "--record", "--init"]);
    assert_eq!(out.status.code(), Some(10), "{}", stderr(&out));
    assert!(folder.path().join("audit-logs/app.jsonl").is_file());
    // Once started, the ledger takes scans without --init.
    folder.ok(&["record", "--image", "app", "--report", &report]);
    folder.ok(&["verify"]);

    // Inside a git work tree (a subfolder of one, too), a first record starts the ledger.
    let repo = Repo::new();
    std::fs::create_dir_all(repo.path().join("sub")).expect("mkdir");
    let report = crate::common::trivy_report("2026-01-05T04:00:00Z", &[]);
    let path = repo.write("sub/r.json", &report);
    let out = std::process::Command::new(crate::common::bin())
        .env_clear()
        .env("HARDLINE_NOW", "2026-03-03T12:00:00Z")
        .arg("--root")
        .arg(repo.path().join("sub"))
        .args(["record", "--image", "app", "--report"])
        .arg(&path)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(repo.path().join("sub/audit-logs/app.jsonl").is_file());
}
