//! Running the real binary in a temporary repository, with no `GITHUB_*` or `CI` variables
//! leaking in from the machine that runs the tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_hardline"))
}

/// The shared corpus of real Trivy reports, when it is beside the repository.
pub fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/trivy-history");
    dir.is_dir().then_some(dir)
}

/// Reports of one corpus image, oldest first.
pub fn corpus_reports(image_dir: &str) -> Vec<PathBuf> {
    let Some(dir) = corpus() else { return Vec::new() };
    let mut reports: Vec<PathBuf> = std::fs::read_dir(dir.join(image_dir))
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect()
        })
        .unwrap_or_default();
    reports.sort();
    reports
}

pub struct Repo {
    pub dir: tempfile::TempDir,
    pub env: Vec<(String, String)>,
}

impl Repo {
    /// A git work tree, as a repository that keeps a ledger is: a ledger is started only in one
    /// (or with `--init`).
    pub fn new() -> Repo {
        let repo = Repo::bare_folder();
        git(repo.path(), &["init", "--quiet", "--initial-branch=main"]);
        repo
    }

    /// A folder that is not a git work tree.
    pub fn bare_folder() -> Repo {
        Repo {
            dir: tempfile::tempdir().expect("temp dir"),
            env: vec![("HARDLINE_NOW".into(), "2026-03-03T12:00:00Z".into())],
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(bin());
        command.env_clear();
        command.env("PATH", std::env::var_os("PATH").unwrap_or_default());
        for (key, value) in &self.env {
            command.env(key, value);
        }
        command.arg("--root").arg(self.path()).args(args);
        command
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run hardline")
    }

    /// Runs and asserts the exit status.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "hardline {args:?} failed:\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = vec!["--format", "json"];
        all.extend_from_slice(args);
        let out = self.run(&all);
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "hardline {args:?}: not JSON ({e}):\n{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        })
    }

    pub fn write(&self, relative: &str, contents: &str) -> PathBuf {
        let path = self.path().join(relative);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, contents).expect("write");
        path
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path().join(relative)).unwrap_or_default()
    }

    /// Every file of the ledger and its views (monthly files included), with contents, for
    /// "nothing changed" checks.
    pub fn snapshot(&self) -> Vec<(String, Vec<u8>)> {
        fn walk(dir: &Path, name: &str, files: &mut Vec<(String, Vec<u8>)>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let name = format!("{name}/{}", entry.file_name().to_string_lossy());
                if entry.path().is_dir() {
                    walk(&entry.path(), &name, files);
                } else {
                    files.push((name, std::fs::read(entry.path()).unwrap_or_default()));
                }
            }
        }
        let mut files = Vec::new();
        for dir in ["audit-logs", "cve-baseline"] {
            walk(&self.path().join(dir), dir, &mut files);
        }
        files.sort();
        files
    }
}

/// A minimal Trivy schema-2 report with the given (id, package, severity, installed, fixed)
/// OS-package vulnerabilities.
pub fn trivy_report(created_at: &str, vulns: &[(&str, &str, &str, &str, &str)]) -> String {
    let items: Vec<serde_json::Value> = vulns
        .iter()
        .map(|(id, pkg, severity, installed, fixed)| {
            serde_json::json!({
                "VulnerabilityID": id,
                "PkgName": pkg,
                "InstalledVersion": installed,
                "FixedVersion": fixed,
                "Status": if fixed.is_empty() { "affected" } else { "fixed" },
                "Severity": severity,
                "Title": format!("{id} in {pkg}"),
                "PrimaryURL": format!("https://avd.aquasec.com/nvd/{}", id.to_lowercase()),
            })
        })
        .collect();
    serde_json::json!({
        "SchemaVersion": 2,
        "CreatedAt": created_at,
        "ArtifactName": "example:latest",
        "ArtifactType": "container_image",
        "Metadata": {"OS": {"Family": "debian", "Name": "13.3"}, "ImageID": "sha256:0123"},
        "Results": [{"Target": "example:latest (debian 13.3)", "Class": "os-pkgs", "Type": "debian", "Vulnerabilities": items}]
    })
    .to_string()
}

/// Copies the files below `from` into `to` (created as needed).
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("readable folder").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// `text` with every spelling of `root` replaced by `[ROOT]`, so that snapshots do not depend on
/// where the temporary repository was made.
pub fn scrub(text: &str, root: &Path) -> String {
    let mut out = text.to_owned();
    let canonical = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    for spelling in [canonical.display().to_string(), root.display().to_string()] {
        out = out.replace(&spelling, "[ROOT]");
    }
    out
}

/// Runs git in `dir` with a fixed identity and no user or system configuration; panics if it
/// fails. Returns its standard output.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=hardline tests",
            "-c",
            "user.email=tests@hardline.invalid",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("run git");
    assert!(out.status.success(), "git {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}
