//! Git as a witness of the ledger's history. The hash chain proves a log consistent, not that
//! it is the log that was written: a truncated log, a deleted one, or an edited one re-sealed
//! verifies. But the ledger lives in git, and every commit keeps the log as it was: each
//! committed version of a log must be a prefix of the next one and of the working tree's (the
//! log is append-only), and a log once committed must not disappear. A change that breaks this
//! is named with the commit that made it. `--since REV` starts the walk at REV for speed.

use std::path::Path;
use std::process::Command;

use anyhow::Context as _;
use hardline_ledger::Problem;

/// The problems git's history shows in the logs under `root`; none when `root` is not in a git
/// work tree (there is no witness then).
pub fn check(root: &Path, since: Option<&str>) -> anyhow::Result<Vec<Problem>> {
    let Some(top) = git(root, &["rev-parse", "--show-toplevel"]).ok().map(|t| t.trim().to_owned()) else {
        if since.is_some() {
            anyhow::bail!("--since needs --root to be in a git work tree");
        }
        return Ok(Vec::new());
    };
    let logs = root.canonicalize().context("--root")?.join("audit-logs");
    let prefix = logs.strip_prefix(Path::new(&top).canonicalize().context("git's top level")?)?.to_path_buf();
    let prefix = format!("{}/", prefix.display());
    if git(root, &["rev-parse", "--verify", "--quiet", "HEAD"]).is_err() {
        return Ok(Vec::new()); // no commit yet: nothing witnessed
    }
    let range = match since {
        Some(rev) => {
            git(root, &["rev-parse", "--verify", &format!("{rev}^{{commit}}")])
                .with_context(|| format!("--since {rev}: not a commit of this repository"))?;
            format!("{rev}..HEAD")
        }
        None => "HEAD".to_owned(),
    };
    let commits = git(&top_path(&top), &["log", "--reverse", "--format=%H", &range, "--", &prefix])?;
    let mut previous: Vec<(String, Vec<u8>)> = match since {
        Some(rev) => logs_at(&top, rev, &prefix)?,
        None => Vec::new(),
    };
    let mut problems = Vec::new();
    let short = |c: &str| c.chars().take(12).collect::<String>();
    for commit in commits.lines() {
        let now = logs_at(&top, commit, &prefix)?;
        for (path, before) in &previous {
            match now.iter().find(|(p, _)| p == path) {
                None => problems.push(problem(path, format!("deleted by commit {}: a log is never removed", short(commit)))),
                Some((_, after)) if !after.starts_with(before) => problems.push(problem(
                    path,
                    format!("rewritten by commit {}: its committed lines changed or it shrank (a log is append-only)", short(commit)),
                )),
                Some(_) => {}
            }
        }
        // A log seen broken is not reported again at every later commit.
        problems.dedup_by(|a, b| a.path == b.path);
        previous = now;
    }
    for (path, committed) in &previous {
        let file = Path::new(&top).join(path);
        match std::fs::read(&file) {
            Err(_) => problems
                .push(problem(path, "deleted from the working tree: it is in the last commit".to_owned())),
            Ok(bytes) if !bytes.starts_with(committed) => problems.push(problem(
                path,
                "rewritten in the working tree: the committed lines changed or the log shrank".to_owned(),
            )),
            Ok(_) => {}
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    problems.retain(|p| seen.insert(p.path.clone()));
    Ok(problems)
}

fn problem(path: &str, message: String) -> Problem {
    Problem { path: path.into(), line: 0, message }
}

fn top_path(top: &str) -> std::path::PathBuf {
    Path::new(top).to_path_buf()
}

/// Each log (`<prefix><image>.jsonl`, not the views' folders) at `commit`, with its bytes.
fn logs_at(top: &str, commit: &str, prefix: &str) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let listed =
        git(&top_path(top), &["ls-tree", "--name-only", &format!("{commit}:{prefix}")]).unwrap_or_default();
    let mut logs = Vec::new();
    for name in listed.lines().filter(|n| n.ends_with(".jsonl") && !n.contains('/')) {
        let path = format!("{prefix}{name}");
        let bytes = git_bytes(&top_path(top), &["cat-file", "blob", &format!("{commit}:{path}")])?;
        logs.push((path, bytes));
    }
    Ok(logs)
}

fn git(dir: &Path, args: &[&str]) -> anyhow::Result<String> {
    Ok(String::from_utf8_lossy(&git_bytes(dir, args)?).into_owned())
}

fn git_bytes(dir: &Path, args: &[&str]) -> anyhow::Result<Vec<u8>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .context("running git (the history's witness)")?;
    if !out.status.success() {
        anyhow::bail!("git {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(out.stdout)
}
