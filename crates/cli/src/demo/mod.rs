//! `hardline demo`: the embedded default. Builds an example repository with a realistic
//! multi-week history for two images, records it, keeps issues in the local tracker, gates
//! one improving and one regressing Renovate pull request, writes the summary and verifies
//! the ledger — no network, no scanner, the same code paths as the real commands.

mod generator;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use hardline_model::ImageName;
use hardline_publish::{dashboard, summary};
use hardline_tracker::{LocalPullRequest, LocalTracker};
use jiff::{Timestamp, ToSpan};

use crate::cli::DemoArgs;
use crate::commands::{gate, issues};
use crate::context::{Context, read_scan};
use crate::{exit, files, output};
use generator::{ImageHistory, php_packages, postgres_packages};
use hardline_ingest::InputFormat;

const WEEKS: i64 = 10;
const FIRST_SCAN: &str = "2026-09-07T04:00:00Z";
const POSTGRES: &str = "postgres-secured";
const PHP: &str = "php-mysql-secured";
/// A HIGH in the postgres base image that the exception file accepts.
const EXCEPTED: &str = "CVE-2099-9100";
/// A MEDIUM in the PHP image accepted for a short while: its exception expires soon after the
/// demo's last week, so the summary lists it as expiring.
const ACCEPTED: &str = "CVE-2099-9200";
/// The CRITICAL that arrives in week 3 in the PHP image and is fixed two weeks later.
const CRITICAL: &str = "CVE-2099-9001";

pub fn run(ctx: &Context, args: DemoArgs) -> anyhow::Result<u8> {
    let out = if args.out.is_absolute() { args.out.clone() } else { ctx.root.join(&args.out) };
    prepare(&out)?;
    let start: Timestamp = FIRST_SCAN.parse()?;
    let end = start.checked_add((24 * 7 * (WEEKS - 1) + 48).hours())?;
    write_exceptions(&out, end)?;

    let mut postgres = ImageHistory::new(POSTGRES, "demo/postgres-secured:18", 18, postgres_packages(), 0);
    let mut php = ImageHistory::new(PHP, "demo/php-mysql-secured:8.4", 84, php_packages(), 5000);
    postgres.arrive(36);
    postgres.add(EXCEPTED, "libc6", "HIGH", 7.8);
    php.arrive(64);
    php.add(ACCEPTED, "libonig5", "MEDIUM", 5.3);

    let mut log = String::new();
    let mut returning = None;
    for week in 0..WEEKS {
        let at = start.checked_add((24 * 7 * week).hours())?;
        if week > 0 {
            for image in [&mut postgres, &mut php] {
                image.publish_fixes(7);
                let arriving = 1 + (week as usize % 3);
                image.arrive(arriving);
                if week % 2 == 0 {
                    image.rebuild();
                }
            }
        }
        match week {
            2 => returning = first_medium(&postgres).and_then(|id| postgres.remove(&id)),
            3 => php.add(CRITICAL, "libssl3t64", "CRITICAL", 9.8),
            4 => {
                if let Some(vuln) = returning.take() {
                    postgres.reinsert(vuln);
                }
                php.set_fixed(CRITICAL);
            }
            5 => {
                php.remove(CRITICAL);
                postgres.bump_package("libc6");
            }
            _ => {}
        }
        let step = Context::at(out.clone(), ctx.format, at.checked_add(1.hours())?)?;
        for image in [&postgres, &php] {
            let report = write_report(&out, image, &at.to_string())?;
            let scan = read_scan(&report, InputFormat::Auto)?;
            let ledger = step.ledger();
            let mut writer = ledger.lock()?;
            let recorded = writer.record(&ImageName::new(image.name)?, vec![scan], &step.now_rfc3339())?;
            let outcome = &recorded.outcomes[0];
            let _ = writeln!(
                log,
                "  week {week:>2}  {:<18} {:>3} new {:>3} fixed {:>3} changed  → {:>3} findings",
                image.name,
                outcome.new,
                outcome.fixed,
                outcome.changed,
                outcome.counts.total()
            );
        }
        sync_issues(&step)?;
    }

    // Two Renovate pull requests against the final baselines.
    let now = Context::at(out.clone(), ctx.format, end)?;
    let mut tracker = LocalTracker::new(&out.join(".hardline/tracker"));
    let mut improving = LocalPullRequest::new(101, "renovate[bot]");
    improving.labels = vec!["dependencies".to_owned()];
    tracker.put_pull_request(&improving)?;
    tracker.put_pull_request(&LocalPullRequest::new(102, "renovate[bot]"))?;

    php.publish_fixes(2);
    php.rebuild();
    let improving_report = write_candidate(&out, &php, 101, &end.to_string())?;
    postgres.add("CVE-2099-9300", "openssl", "CRITICAL", 9.1);
    postgres.add("CVE-2099-9301", "libxml2", "HIGH", 7.5);
    let regressing_report = write_candidate(&out, &postgres, 102, &end.to_string())?;
    let mut gates = String::new();
    for (pr, image, report) in [(101, PHP, &improving_report), (102, POSTGRES, &regressing_report)] {
        let candidate = read_scan(report, InputFormat::Auto)?;
        let image = &ImageName::new(image)?;
        let decided = gate::decide(&now, image, &candidate, &now.config.gate(None)?)?;
        let (published, _) = gate::publish(&now, &mut tracker, pr, image, &decided.result, &candidate)?;
        gate::record_decision(&now, image, &decided.result, &candidate, Some(pr))?;
        let _ = writeln!(
            gates,
            "  PR #{pr} ({image}): {} — MEDIUM+ {} → {}; auto-merge {}; comment {}",
            decided.result.decision.as_str().to_uppercase(),
            decided.result.baseline_count,
            decided.result.candidate_count,
            published.auto_merge,
            published.comment
        );
    }
    let summary = summary::build(&now.ledger(), &now.exceptions()?, now.now, 7)?;
    files::write_if_changed(&out.join("SECURITY_SUMMARY.md"), &summary.render())?;
    for file in dashboard::build(&now.ledger())?.files() {
        files::write_if_changed(&out.join("site").join(&file.path), &file.contents)?;
    }
    summary::publish(&mut tracker, &summary, &now.config.issues.labels)?;
    let verified = now.ledger().verify()?;
    anyhow::ensure!(verified.ok(), "the demo ledger does not verify: {:?}", verified.problems);

    output::print(&format!(
        "hardline demo: an example repository in {out}\n\n\
         Recorded {weeks} weekly scans of two images:\n{log}\n\
         Gated two Renovate pull requests:\n{gates}\n\
         Look at:\n\
         \x20 {out}/audit-logs/          hash-chained logs (*.jsonl) and their readable views (*.md)\n\
         \x20 {out}/cve-baseline/        current findings per image\n\
         \x20 {out}/SECURITY_SUMMARY.md  the weekly summary\n\
         \x20 {out}/site/index.html     the dashboard (static, for GitHub Pages)\n\
         \x20 {out}/.hardline/tracker/   issues, PR comments and the summary issue (index.md)\n\
         \x20 {out}/security/exceptions.toml  accepted risks\n\n\
         Then try:\n\
         \x20 hardline --root {out} status\n\
         \x20 hardline --root {out} verify\n\
         \x20 hardline --root {out} gate --image {PHP} --report {candidate}",
        out = out.display(),
        weeks = WEEKS,
        candidate = improving_report.display(),
    ))?;
    Ok(exit::OK)
}

fn sync_issues(ctx: &Context) -> anyhow::Result<()> {
    let mut tracker = LocalTracker::new(&ctx.root.join(".hardline/tracker"));
    issues::sync(ctx, &mut tracker, &[ImageName::new(POSTGRES)?, ImageName::new(PHP)?])?;
    Ok(())
}

fn first_medium(image: &ImageHistory) -> Option<String> {
    image.open.values().find(|v| v.severity == "MEDIUM").map(|v| v.id.clone())
}

/// Starts from an empty folder, refusing to clobber anything that is not a previous demo.
fn prepare(out: &Path) -> anyhow::Result<()> {
    if out.exists() {
        let is_demo = out.join(".hardline/demo").exists();
        let is_empty = std::fs::read_dir(out).map(|mut d| d.next().is_none()).unwrap_or(false);
        anyhow::ensure!(
            is_demo || is_empty,
            "{} exists and is not a hardline demo; choose another --out",
            out.display()
        );
        if is_demo {
            std::fs::remove_dir_all(out).with_context(|| format!("clearing {}", out.display()))?;
        }
    }
    std::fs::create_dir_all(out.join(".hardline"))?;
    std::fs::write(out.join(".hardline/demo"), "made by `hardline demo`; safe to delete\n")?;
    Ok(())
}

fn write_exceptions(out: &Path, end: Timestamp) -> anyhow::Result<()> {
    let day = |days: i64| -> anyhow::Result<String> {
        Ok(jiff::tz::Offset::UTC.to_datetime(end.checked_add((24 * days).hours())?).date().to_string())
    };
    std::fs::create_dir_all(out.join("security"))?;
    std::fs::write(
        out.join("security/exceptions.toml"),
        format!(
            "# Accepted risks. Each needs a reason and an expiry; an expired exception counts again.\n\n\
             [[exception]]\n\
             id = \"{EXCEPTED}\"\n\
             images = [\"{POSTGRES}\"]\n\
             packages = [\"libc6\"]\n\
             reason = \"not reachable: the server never switches locales at run time\"\n\
             vex = \"vulnerable_code_not_in_execute_path\"\n\
             expires = \"{}\"\n\n\
             [[exception]]\n\
             id = \"{ACCEPTED}\"\n\
             images = [\"{PHP}\"]\n\
             reason = \"accepted while the upstream fix is reviewed\"\n\
             expires = \"{}\"\n",
            day(60)?,
            day(10)?
        ),
    )?;
    Ok(())
}

fn write_report(out: &Path, image: &ImageHistory, created_at: &str) -> anyhow::Result<PathBuf> {
    let dir = out.join("reports").join(image.name);
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{}.json", &created_at[..10]));
    std::fs::write(&path, serde_json::to_vec_pretty(&image.report(created_at))?)?;
    Ok(path)
}

fn write_candidate(out: &Path, image: &ImageHistory, pr: u64, created_at: &str) -> anyhow::Result<PathBuf> {
    let dir = out.join("reports/pull-requests");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("pr-{pr}-{}.json", image.name));
    std::fs::write(&path, serde_json::to_vec_pretty(&image.report(created_at))?)?;
    Ok(path)
}
