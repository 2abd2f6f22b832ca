//! The real scanners some tests run (Trivy, hadolint, zizmor), found on `PATH`.
//!
//! `.ci/run` installs them, pinned, and sets `HARDLINE_REQUIRE_TOOLS=1`: there a missing tool
//! fails the test. Elsewhere a test that needs one says so and passes.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use hardline_model::Finding;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The tool called `name` on `PATH`; `None` (after a note) when it is not there and tools are
/// not required.
pub fn tool(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH")
        .and_then(|path| std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| p.is_file()));
    if found.is_none() {
        assert!(
            std::env::var("HARDLINE_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "{name} is not on PATH, and HARDLINE_REQUIRE_TOOLS=1 says the real tools must run"
        );
        eprintln!("note: {name} is not on PATH; the checks against the real {name} are skipped");
    }
    found
}

/// Runs `command` in `dir`, killing it after `limit`; stdout and stderr captured (read on
/// their own threads, so a chatty tool never blocks on a full pipe).
pub fn run(command: &mut Command, dir: &Path, limit: Duration) -> Output {
    let mut child = command
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as Box<dyn std::io::Read + Send>));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as Box<dyn std::io::Read + Send>));
    let deadline = Instant::now() + limit;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{command:?} did not finish within {limit:?}");
            }
        }
    };
    Output {
        status,
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    }
}

/// A finding without what Trivy's SARIF does not carry (CVSS vectors, status, vendor ids, the
/// purl), none of which is identity: what a JSON and a SARIF reading are compared on.
pub fn without_what_sarif_lacks(finding: &Finding) -> Finding {
    let mut finding = finding.clone();
    finding.cvss = None;
    finding.status = None;
    finding.aliases.clear();
    if let Some(package) = finding.package.as_mut() {
        package.purl = None;
    }
    finding
}
