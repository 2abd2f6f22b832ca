//! `hardline init` through the real binary: it asks nothing, refuses to overwrite, pins the
//! action, and what it writes is a configuration hardline reads. (That the workflows lint
//! clean with zizmor and actionlint is tests/pipeline's `test_hardline_init_scaffolds_…`.)

use std::process::Stdio;

use crate::common::Repo;

/// What init writes, in order.
pub const FILES: [&str; 7] = [
    ".github/workflows/scan.yml",
    ".github/workflows/pr-gate.yml",
    ".github/workflows/pr-gate-publish.yml",
    ".github/workflows/summary.yml",
    ".github/workflows/pages.yml",
    "hardline.toml",
    "renovate.json",
];
const COMMIT: &str = "89abcdef0123456789abcdef0123456789abcdef";

fn init(repo: &Repo, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["init"];
    args.extend_from_slice(extra);
    // stdin is not a terminal (closed): init must not wait for an answer.
    repo.command(&args).stdin(Stdio::null()).output().expect("run hardline init")
}

#[test]
fn init_writes_every_file_pinned_and_a_configuration_hardline_reads() {
    let repo = Repo::new();
    repo.write("images/app/Dockerfile", "FROM scratch\n");
    let out = init(&repo, &["--action-commit", COMMIT]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    for path in FILES {
        assert!(repo.path().join(path).is_file(), "{path}");
    }
    let scan = repo.read(".github/workflows/scan.yml");
    assert!(scan.contains(&format!("uses: hardline-sec/hardline@{COMMIT} # v")), "{scan}");
    assert!(!scan.contains("build-hardline") && !scan.contains("cargo "), "the action, never a source build");
    let gate = repo.read(".github/workflows/pr-gate.yml");
    assert!(gate.contains("on:\n  pull_request:\n\n"), "every pull request, no paths filter");
    assert!(repo.read("hardline.toml").contains("Today: app."));
    let renovate: serde_json::Value = serde_json::from_str(&repo.read("renovate.json")).expect("JSON");
    assert_eq!(renovate["prBodyNotes"][0], "<!-- hardline:update-type={{{updateType}}} -->");
    // The scaffolded hardline.toml is one hardline reads without a word.
    let status = repo.run(&["status"]);
    assert_eq!(status.status.code(), Some(0));
    assert!(status.stderr.is_empty(), "{}", String::from_utf8_lossy(&status.stderr));
}

#[test]
fn init_refuses_to_overwrite_and_writes_nothing_unless_forced() {
    let repo = Repo::new();
    repo.write("hardline.toml", "[issues]\nlabels = [\"mine\"]\n");
    repo.write(".github/workflows/scan.yml", "name: mine\n");
    let out = init(&repo, &["--action-commit", COMMIT]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(".github/workflows/scan.yml, hardline.toml already exist(s)"), "{stderr}");
    assert_eq!(repo.read("hardline.toml"), "[issues]\nlabels = [\"mine\"]\n");
    assert!(!repo.path().join("renovate.json").exists(), "nothing written");
    assert!(!repo.path().join(".github/workflows/pr-gate.yml").exists(), "nothing written");

    let forced = init(&repo, &["--force", "--action-commit", COMMIT]);
    assert_eq!(forced.status.code(), Some(0), "{}", String::from_utf8_lossy(&forced.stderr));
    assert!(repo.read(".github/workflows/scan.yml").starts_with("# hardline: build every image"));
}

#[test]
fn a_build_without_a_release_commit_names_the_tag_and_says_so() {
    let repo = Repo::new();
    let out = init(&repo, &["--image", "app"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let scan = repo.read(".github/workflows/scan.yml");
    match option_env!("HARDLINE_RELEASE_COMMIT") {
        None => {
            assert!(scan.contains(&format!("uses: hardline-sec/hardline@v{}\n", env!("CARGO_PKG_VERSION"))));
            assert!(stderr.contains("warning: this hardline was not built by a release"), "{stderr}");
        }
        Some(commit) => assert!(scan.contains(&format!("hardline-sec/hardline@{commit} # v"))),
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("note: images/app/Dockerfile does not exist yet"), "{stdout}");
    let bad = init(&repo, &["--force", "--action-commit", "v0.1.0"]);
    assert_eq!(bad.status.code(), Some(2), "a tag is not a commit");
}
