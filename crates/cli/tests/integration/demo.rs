//! The embedded default: `hardline demo` runs the whole flow offline, deterministically.

use std::path::Path;

use crate::common::Repo;

fn files(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(root).unwrap_or(&path).display().to_string();
                out.push((relative, std::fs::read(&path).unwrap_or_default()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn demo_builds_a_history_that_verifies_and_is_the_same_every_time() {
    let repo = Repo::new();
    let out = repo.ok(&["demo", "--out", "one"]);
    assert!(out.contains("PR #101 (php-mysql-secured): ALLOW"), "{out}");
    assert!(out.contains("PR #102 (postgres-secured): BLOCK"), "{out}");
    assert!(out.contains("auto-merge enabled"), "{out}");
    let one = repo.path().join("one");
    let verify = repo.command(&["verify"]).arg("--root").arg(&one).output().expect("run");
    assert_eq!(verify.status.code(), Some(0), "{}", String::from_utf8_lossy(&verify.stdout));

    // The story the demo tells is in the ledger: a CRITICAL that arrives and is fixed, an
    // exception, issues, a summary.
    let php_log = std::fs::read_to_string(one.join("audit-logs/php-mysql-secured.jsonl")).unwrap_or_default();
    assert!(php_log.contains("CVE-2099-9001"), "the CRITICAL arrives");
    let php_view =
        std::fs::read_to_string(one.join("cve-baseline/php-mysql-secured.json")).unwrap_or_default();
    // Among the open findings no more (its fix is among the fixes the view aggregates).
    let open = php_view.split("\"fixes\":").next().unwrap_or_default();
    assert!(php_view.contains("\"fixes\":") && !open.contains("CVE-2099-9001"), "and is fixed");
    assert!(php_log.contains("\"kind\":\"issue_synced\""));
    assert!(php_log.contains("\"kind\":\"gate_decided\""));
    assert!(one.join("SECURITY_SUMMARY.md").exists());
    assert!(one.join(".hardline/tracker/index.md").exists());
    let status = repo.command(&["--format", "json", "status"]).arg("--root").arg(&one).output().expect("run");
    let status: serde_json::Value = serde_json::from_slice(&status.stdout).expect("json");
    let postgres =
        status["images"].as_array().into_iter().flatten().find(|i| i["name"] == "postgres-secured").cloned();
    assert_eq!(
        postgres.map(|p| p["suppressed_by_exceptions"].as_u64()),
        Some(Some(1)),
        "the exception applies"
    );

    // The accepted risk with a VEX justification is published as OpenVEX, naming the package.
    let vex =
        repo.command(&["vex", "--image", "postgres-secured"]).arg("--root").arg(&one).output().expect("run");
    let vex: serde_json::Value = serde_json::from_slice(&vex.stdout).expect("OpenVEX JSON");
    assert_eq!(vex["statements"][0]["vulnerability"]["name"], "CVE-2099-9100");
    assert_eq!(vex["statements"][0]["products"][0]["subcomponents"][0]["@id"], "pkg:deb/debian/libc6");

    // Deterministic: a second run elsewhere writes the same files, byte for byte.
    repo.ok(&["demo", "--out", "two"]);
    let (first, second) = (files(&one), files(&repo.path().join("two")));
    let names = |files: &[(String, Vec<u8>)]| files.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&first), names(&second));
    for ((name, a), (_, b)) in first.iter().zip(&second) {
        assert!(a == b, "{name} differs between two demo runs");
    }
    // And it refuses to overwrite a folder that is not a demo.
    repo.write("precious/notes.txt", "keep me");
    let refused = repo.run(&["demo", "--out", "precious"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(repo.path().join("precious/notes.txt").exists());
}
