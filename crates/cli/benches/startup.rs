//! What a person at a terminal waits for before anything happens: the process's start
//! (`--version`), help, the completion scripts and manual pages (generated from the command
//! line's definitions at each call), and a command that opens an empty ledger. One process
//! per call, as a shell runs them; the fastest and the median of several runs, and the size of
//! what is printed.
//!
//! `cargo bench -p hardline --bench startup`.

#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const RUNS: usize = 30;

fn main() {
    let bin = Path::new(env!("CARGO_BIN_EXE_hardline"));
    let repo = tempfile::tempdir().unwrap();
    // An empty ledger: `status` reads it (without one, `status` is an error).
    std::fs::create_dir(repo.path().join("audit-logs")).unwrap();
    let pages = repo.path().join("man1");
    let pages = pages.to_str().unwrap();
    let calls: [(&str, Vec<&str>); 13] = [
        ("--version", vec!["--version"]),
        ("--help", vec!["--help"]),
        ("help gate", vec!["help", "gate"]),
        ("gate --image (a usage error)", vec!["gate", "--image"]),
        ("completions bash", vec!["completions", "bash"]),
        ("completions zsh", vec!["completions", "zsh"]),
        ("completions fish", vec!["completions", "fish"]),
        ("completions powershell", vec!["completions", "powershell"]),
        ("completions elvish", vec!["completions", "elvish"]),
        ("man", vec!["man"]),
        ("man gate", vec!["man", "gate"]),
        ("man --out DIR (every page)", vec!["man", "--out", pages]),
        ("status (empty ledger)", vec!["status"]),
    ];
    println!("{RUNS} runs each; fastest / median, and what it prints:");
    for (name, args) in calls {
        let mut times = Vec::with_capacity(RUNS);
        let mut printed = 0;
        for _ in 0..RUNS {
            let start = Instant::now();
            let out = Command::new(bin).current_dir(repo.path()).args(&args).output().unwrap();
            times.push(start.elapsed());
            printed = out.stdout.len() + out.stderr.len();
        }
        println!("  {name:<30} {}  {:>7.1} KB", figures(&mut times), printed as f64 / 1024.0);
    }

    // What a shell pays to load the script at its start.
    let script = repo.path().join("hardline.bash");
    let made = Command::new(bin).args(["completions", "bash"]).output().unwrap();
    std::fs::write(&script, made.stdout).unwrap();
    let bash = |program: &str| {
        let mut times = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let start = Instant::now();
            let out = Command::new("bash")
                .args(["--noprofile", "--norc", "-c", program, "bash"])
                .arg(&script)
                .output();
            let Ok(out) = out else { return None };
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            times.push(start.elapsed());
        }
        Some(figures(&mut times))
    };
    match (bash("true"), bash("source \"$1\"")) {
        (Some(empty), Some(loaded)) => {
            println!("  {:<30} {empty}", "bash -c true (for comparison)");
            println!("  {:<30} {loaded}", "bash sourcing the completions");
        }
        _ => println!("  bash is not installed: loading the completions is not measured"),
    }
}

/// `fastest / median` in milliseconds.
fn figures(times: &mut [Duration]) -> String {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    format!("{:>6.2} ms / {:>6.2} ms", ms(times[0]), ms(times[times.len() / 2]))
}
