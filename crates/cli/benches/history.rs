//! What the weekly commands cost as the history grows. Builds ledgers of 50, 500 and 5,000
//! events per image from the real reports of `../shared/corpus` (each image's weekly reports
//! cycled, one scan a week), then runs, against each, the weekly cycle the pipeline runs
//! (`record` one more week, `issues sync`, `gate`, `status`, `summary`, `dashboard`) and
//! `verify` and `rebuild`, each measured by getrusage of the process alone (CPU time, user +
//! system, and peak resident memory; the bench runs each command under a copy of itself that
//! only spawns and waits, so that `RUSAGE_CHILDREN` is exactly that command's). Prints a table and each command's ratios to the 10-event history, all
//! measured in this one run. Last, the git footprint: a repository that records one week and
//! commits, 300 times; bytes the packed repository grows per week after `git gc`.
//!
//! `cargo bench -p hardline --bench history` (a few minutes). Set `HISTORY_SIZES=10,500` to
//! measure other sizes, `HISTORY_ROUNDS` for the weekly cycles per size (default 3, the
//! median is shown), `HISTORY_GIT_WEEKS=0` to skip the git footprint, and
//! `HISTORY_BUILD=DIR HISTORY_SIZES=N` to only build a history of N events in DIR (to profile
//! a command against it).

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use hardline_ingest::{InputFormat, parse_report};
use hardline_ledger::Ledger;
use hardline_model::{ImageName, Scan, Timestamp};

/// The corpus folders and the image names the ledger keeps them under.
const IMAGES: [(&str, &str); 2] = [("postgres-18", "postgres"), ("php-mysql", "php-mysql")];
/// The first weekly scan of every history.
const FIRST_WEEK: &str = "2000-01-03T04:00:00Z";
const WEEK_SECONDS: i64 = 7 * 24 * 3600;
/// Commands of the weekly cycle, in the order the pipeline runs them.
const WEEKLY: [&str; 6] = ["record", "issues sync", "gate", "status", "summary", "dashboard"];
const WHOLE: [&str; 2] = ["verify", "rebuild"];

struct Image {
    name: ImageName,
    /// The corpus reports, oldest first: parsed, and as bytes (for report files).
    scans: Vec<Scan>,
    raw: Vec<Vec<u8>>,
}

/// One measured run.
#[derive(Clone, Copy, Default)]
struct Usage {
    cpu_ms: f64,
    peak_mb: f64,
}

fn main() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/trivy-history");
    if !corpus.is_dir() {
        println!("../shared/corpus is not there: nothing to measure");
        return;
    }
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--measure") {
        measure(&args[at + 1], &args[at + 2..]);
        return;
    }
    let sizes = env_list("HISTORY_SIZES", &[50, 500, 5_000]);
    let rounds = env_list("HISTORY_ROUNDS", &[3])[0].max(1);
    let git_weeks = env_list("HISTORY_GIT_WEEKS", &[300])[0];
    let images: Vec<Image> = IMAGES.iter().map(|(dir, name)| load(&corpus.join(dir), name)).collect();
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_hardline"));
    if let Some(dir) = std::env::var_os("HISTORY_BUILD") {
        for image in &images {
            record_weeks(Path::new(&dir), image, 0..sizes[0], sizes[0]);
        }
        println!("built {} events per image in {}", sizes[0], Path::new(&dir).display());
        return;
    }

    let mut results: BTreeMap<(&str, usize), Usage> = BTreeMap::new();
    let mut log_mb: BTreeMap<usize, f64> = BTreeMap::new();
    for &events in &sizes {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for image in &images {
            record_weeks(root, image, 0..events, events);
        }
        log_mb.insert(events, mb(dir_bytes(&root.join("audit-logs"), ".jsonl")));
        let mut runs: BTreeMap<&str, Vec<Usage>> = BTreeMap::new();
        // One cycle to open the issues and write the first summary and site, unmeasured: the
        // measured cycles then run in the steady state of a repository that runs every week.
        for round in 0..=rounds {
            let week = events + round;
            let now = week_time(week).to_string();
            for command in WEEKLY {
                let usage = weekly(&bin, root, &images, command, week, events, &now);
                if round > 0 {
                    runs.entry(command).or_default().push(usage);
                }
            }
        }
        let now = week_time(events + rounds).to_string();
        for command in WHOLE {
            for _ in 0..rounds {
                runs.entry(command).or_default().push(run(&bin, root, &now, &[command]));
            }
        }
        for (command, usages) in runs {
            results.insert((command, events), median(usages));
        }
        println!("measured {events} events per image ({:.1} MB of log)", log_mb[&events]);
    }
    print_table(&sizes, &results, &log_mb);
    if git_weeks > 0 {
        git_footprint(&images, git_weeks);
    }
}

/// Parses an image's corpus reports, oldest first.
fn load(dir: &Path, name: &str) -> Image {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).collect();
    paths.sort();
    let raw: Vec<Vec<u8>> = paths.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let scans = raw.iter().map(|bytes| parse_report(bytes, InputFormat::Auto, "corpus").unwrap()).collect();
    Image { name: ImageName::new(name).unwrap(), scans, raw }
}

/// The scan of week `week`: the corpus's reports in a cycle, made at 04:00 each Monday. The
/// cycle is shifted so that week `events` of a history of `events` events is the corpus's first
/// report, whatever `events` is: the measured weeks of every history then record the same
/// reports, and only the length of the history differs.
fn weekly_scan(image: &Image, week: usize, events: usize) -> Scan {
    let mut scan = image.scans[corpus_index(image, week, events)].clone();
    scan.meta.created_at = Some(week_time(week));
    scan
}

fn corpus_index(image: &Image, week: usize, events: usize) -> usize {
    let cycle = image.scans.len();
    (week + cycle - events % cycle) % cycle
}

fn week_time(week: usize) -> Timestamp {
    let first: jiff::Timestamp = FIRST_WEEK.parse().unwrap();
    Timestamp::from_instant(
        jiff::Timestamp::from_second(first.as_second() + WEEK_SECONDS * week as i64).unwrap(),
    )
}

/// Records the scans of `weeks` of a history of `events` events through the library, a batch
/// per commit (building the history is not what is measured).
fn record_weeks(root: &Path, image: &Image, weeks: std::ops::Range<usize>, events: usize) {
    let ledger = Ledger::open(root);
    let mut writer = ledger.lock().unwrap();
    let weeks: Vec<usize> = weeks.collect();
    for chunk in weeks.chunks(250) {
        let scans = chunk.iter().map(|week| weekly_scan(image, *week, events)).collect();
        writer.record(&image.name, scans, &week_time(chunk[chunk.len() - 1])).unwrap();
    }
}

/// Runs one command of the weekly cycle of week `week`.
fn weekly(
    bin: &Path,
    root: &Path,
    images: &[Image],
    command: &str,
    week: usize,
    events: usize,
    now: &str,
) -> Usage {
    let postgres = &images[0];
    match command {
        "record" => {
            let report = report_file(root, postgres, week, events, "week");
            run(bin, root, now, &["record", "--image", postgres.name.as_str(), "--report", &report])
        }
        "gate" => {
            // A pull request's image: next week's report.
            let report = report_file(root, postgres, week + 1, events, "pr");
            run(bin, root, now, &["gate", "--image", postgres.name.as_str(), "--report", &report])
        }
        "issues sync" => run(bin, root, now, &["issues", "sync"]),
        "dashboard" => run(bin, root, now, &["dashboard", "--out", "site"]),
        other => run(bin, root, now, &[other]),
    }
}

/// Writes the corpus report of `week` with its `CreatedAt` moved to that week; returns its path.
fn report_file(root: &Path, image: &Image, week: usize, events: usize, name: &str) -> String {
    let raw = &image.raw[corpus_index(image, week, events)];
    let key = b"\"CreatedAt\":";
    let at = raw.windows(key.len()).position(|w| w == key).unwrap() + key.len();
    let open = at + raw[at..].iter().position(|b| *b == b'"').unwrap();
    let close = open + 1 + raw[open + 1..].iter().position(|b| *b == b'"').unwrap();
    let mut bytes = raw[..=open].to_vec();
    bytes.extend_from_slice(week_time(week).as_str().as_bytes());
    bytes.extend_from_slice(&raw[close..]);
    let path = root.join(format!("{name}.json"));
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

/// Runs hardline, measured; returns its CPU time and peak resident set.
fn run(bin: &Path, root: &Path, now: &str, args: &[&str]) -> Usage {
    let measured = root.join(".usage");
    let status = Command::new(std::env::current_exe().unwrap())
        .arg("--measure")
        .arg(&measured)
        .arg(bin)
        .arg("--root")
        .arg(root)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HARDLINE_NOW", now)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .status()
        .unwrap();
    // `gate` exits 10 or 20 for review and block; anything else is a failure.
    assert!(matches!(status.code(), Some(0 | 10 | 20)), "hardline {args:?} failed: {status}");
    let text = std::fs::read_to_string(&measured).unwrap();
    let fields: Vec<f64> = text.split_whitespace().map(|f| f.parse().unwrap()).collect();
    Usage { cpu_ms: fields[0] / 1000.0, peak_mb: fields[1] / 1024.0 }
}

/// The measuring process: runs `command`, waits for it, and writes its CPU time (µs) and peak
/// resident set (KiB) to `out`. Its only child is the command, so the children's usage is the
/// command's own.
fn measure(out: &str, command: &[String]) {
    use nix::sys::resource::{UsageWho, getrusage};
    let status = Command::new(&command[0]).args(&command[1..]).status().unwrap();
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).unwrap();
    let micros = |t: nix::sys::time::TimeVal| t.tv_sec() as f64 * 1e6 + t.tv_usec() as f64;
    let cpu = micros(usage.user_time()) + micros(usage.system_time());
    std::fs::write(out, format!("{cpu} {}\n", usage.max_rss())).unwrap();
    std::process::exit(status.code().unwrap_or(1));
}

fn median(mut usages: Vec<Usage>) -> Usage {
    let middle = usages.len() / 2;
    usages.sort_by(|a, b| a.cpu_ms.total_cmp(&b.cpu_ms));
    let cpu_ms = usages[middle].cpu_ms;
    usages.sort_by(|a, b| a.peak_mb.total_cmp(&b.peak_mb));
    Usage { cpu_ms, peak_mb: usages[middle].peak_mb }
}

fn print_table(sizes: &[usize], results: &BTreeMap<(&str, usize), Usage>, log_mb: &BTreeMap<usize, f64>) {
    println!();
    println!("CPU time (user + system) and peak RSS per command, median of the rounds; two images,");
    println!("each with the given number of events; ratios are to the smallest history.");
    print!("{:<12}", "command");
    for size in sizes {
        print!(" {:>20}", format!("{size} events"));
    }
    for size in &sizes[1..] {
        print!(" {:>16}", format!("ratio {size}"));
    }
    println!();
    for command in WEEKLY.iter().chain(&WHOLE) {
        print!("{command:<12}");
        let base = results[&(*command, sizes[0])];
        for size in sizes {
            let usage = results[&(*command, *size)];
            print!(" {:>20}", format!("{:.1} ms {:.1} MB", usage.cpu_ms, usage.peak_mb));
        }
        for size in &sizes[1..] {
            let usage = results[&(*command, *size)];
            print!(
                " {:>16}",
                format!("{:.2}x {:.2}x", usage.cpu_ms / base.cpu_ms, usage.peak_mb / base.peak_mb)
            );
        }
        println!();
    }
    println!();
    for size in sizes {
        let verify = results[&("verify", *size)];
        let log = log_mb[size];
        println!(
            "{size} events: log {log:.1} MB; verify {:.0} MB/s of log per CPU second, peak {:.1} MB",
            log / (verify.cpu_ms / 1000.0).max(1e-3),
            verify.peak_mb
        );
    }
}

/// Records `weeks` weeks of both images into a git repository, one commit a week, and prints
/// how much the packed repository grows per week.
fn git_footprint(images: &[Image], weeks: usize) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let git = |args: &[&str]| {
        let out = Command::new("git").arg("-C").arg(root).args(args).output().expect("git");
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    git(&["init", "-q"]);
    git(&["config", "user.name", "bench"]);
    git(&["config", "user.email", "bench@example.invalid"]);
    git(&["config", "gc.auto", "0"]);
    let packed = |git: &dyn Fn(&[&str]) -> String| -> u64 {
        git(&["gc", "-q"]);
        let counts = git(&["count-objects", "-v"]);
        let kib = |key: &str| -> u64 {
            counts.lines().find_map(|l| l.strip_prefix(key)).and_then(|v| v.trim().parse().ok()).unwrap_or(0)
        };
        (kib("size-pack:") + kib("size:")) * 1024
    };
    let half = weeks / 2;
    let mut at_half = 0;
    for week in 0..weeks {
        for image in images {
            record_weeks(root, image, week..week + 1, 0);
        }
        git(&["add", "-A"]);
        git(&["commit", "-q", "-m", &format!("week {week}")]);
        if week + 1 == half {
            at_half = packed(&git);
        }
    }
    let at_end = packed(&git);
    let worktree = dir_bytes(&root.join("audit-logs"), "") + dir_bytes(&root.join("cve-baseline"), "");
    let logs = dir_bytes(&root.join("audit-logs"), ".jsonl");
    println!();
    println!(
        "git footprint, {weeks} weekly commits of two images: packed repository {:.1} MB \
         (work tree: {:.1} MB of files, {:.1} MB of them logs)",
        mb(at_end),
        mb(worktree),
        mb(logs)
    );
    println!(
        "bytes added per week after git gc (weeks {half}–{weeks}): {:.1} KB; log bytes appended per week: {:.1} KB",
        (at_end - at_half) as f64 / (weeks - half) as f64 / 1000.0,
        logs as f64 / weeks as f64 / 1000.0
    );
}

/// Bytes of the files below `dir` whose names end with `suffix`.
fn dir_bytes(dir: &Path, suffix: &str) -> u64 {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            total += dir_bytes(&path, suffix);
        } else if path.to_string_lossy().ends_with(suffix) {
            total += entry.metadata().map(|m| m.len()).unwrap_or(0);
        }
    }
    total
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1_000_000.0
}

fn env_list(key: &str, default: &[usize]) -> Vec<usize> {
    match std::env::var(key) {
        Ok(text) => text.split(',').map(|n| n.trim().parse().expect("a number")).collect(),
        Err(_) => default.to_vec(),
    }
}
