//! `hardline demo`: the embedded default. Builds an example repository with a realistic
//! multi-week history for two images, records it, keeps issues in the local tracker, gates
//! one improving and one regressing Renovate pull request, writes the summary and verifies
//! the ledger — no network, no scanner, through the same library functions as the real
//! commands (never through a command module).

mod feeds;
mod generator;

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use hardline_ingest::{InputFormat, read_report};
use hardline_ledger::Ledger;
use hardline_model::{ImageName, Silent};
use hardline_publish::export::{EXPORTS, ExportInput};
use hardline_publish::issues::sync_images;
use hardline_publish::{dashboard, pull_request, report, summary};
use hardline_tracker::{LocalPullRequest, LocalTracker};
use hardline_triage::Triage;
use jiff::{Timestamp, ToSpan};

use crate::cli::{DemoArgs, ReportArgs};
use crate::context::Context;
use crate::files;
use crate::render::{Renderer, Style};
use crate::report::{DemoGate, DemoReport, DemoWeek, DocumentReport, Report};
use generator::{ImageHistory, php_packages, postgres_packages};

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
/// The week whose sync first sees a KEV catalog (one that lists an open HIGH).
const KEV_WEEK: i64 = 8;

pub fn run(ctx: &Context, args: DemoArgs) -> anyhow::Result<Report> {
    let out = if args.out.is_absolute() { args.out.clone() } else { ctx.root.join(&args.out) };
    prepare(&out)?;
    let start: Timestamp = FIRST_SCAN.parse()?;
    let end = start.checked_add((24 * 7 * (WEEKS - 1) + 48).hours())?;
    write_exceptions(&out, end)?;
    let (postgres_name, php_name) = (ImageName::new(POSTGRES)?, ImageName::new(PHP)?);

    let mut postgres = ImageHistory::new(POSTGRES, "demo/postgres-secured:18", 18, postgres_packages(), 0);
    let mut php = ImageHistory::new(PHP, "demo/php-mysql-secured:8.4", 84, php_packages(), 5000);
    postgres.arrive(36);
    postgres.add(EXCEPTED, "libc6", "HIGH", 7.8);
    php.arrive(64);
    php.add(ACCEPTED, "libonig5", "MEDIUM", 5.3);

    let mut weeks = Vec::new();
    let mut returning = None;
    // Every id the demo reports, for its EPSS scores.
    let mut reported = std::collections::BTreeSet::new();
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
        let step = Context::at(out.clone(), at.checked_add(1.hours())?)?;
        for (image, name) in [(&postgres, &postgres_name), (&php, &php_name)] {
            reported.extend(image.open.values().map(|v| v.id.clone()));
            let report = write_report(&out, image, &at.to_string())?;
            let scan = read_report(&report, InputFormat::Auto)?;
            let ledger = step.ledger();
            let mut writer = ledger.lock()?;
            let recorded = writer.record(name, vec![scan], &step.now())?;
            let outcome = &recorded.outcomes[0];
            weeks.push(DemoWeek {
                week,
                image: name.clone(),
                new: outcome.new,
                fixed: outcome.fixed,
                changed: outcome.changed,
                total: outcome.counts.total(),
            });
        }
        if week == KEV_WEEK {
            // `hardline feeds update` brings a catalog that lists one of the open findings.
            feeds::write_kev(&out, "2026-11-01")?;
        }
        sync_issues(&step, &[postgres_name.clone(), php_name.clone()])?;
    }

    // Two Renovate pull requests against the final baselines.
    let now = Context::at(out.clone(), end)?;
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
    reported.extend([&php, &postgres].iter().flat_map(|image| image.open.values().map(|v| v.id.clone())));
    feeds::write_epss(&out, &reported, "2026-11-10")?;
    let gate = now.config.gate(None)?;
    let exceptions = now.exceptions()?;
    let feeds = now.gate_feeds(&gate)?;
    let ledger = now.ledger();
    let mut gates = Vec::new();
    for (pr, image, report) in
        [(101, &php_name, &improving_report), (102, &postgres_name, &regressing_report)]
    {
        let candidate = read_report(report, InputFormat::Auto)?;
        let decided = ledger.decide(&gate, image, &candidate, None, &now.decide_with(&exceptions, &feeds))?;
        let settings = now.pull_request_settings(true);
        let published =
            pull_request::publish(&mut tracker, pr, image, &decided.result, &candidate.meta, &settings)?;
        ledger.lock()?.record_decision(image, &now.now(), &decided.result, &candidate.meta, Some(pr))?;
        gates.push(DemoGate {
            pull_request: pr,
            image: image.clone(),
            decision: decided.result.decision,
            baseline_count: decided.result.baseline_count,
            candidate_count: decided.result.candidate_count,
            auto_merge: published.auto_merge,
            comment: published.comment,
        });
    }
    let feeds = now.feeds(&hardline_feeds::FeedKind::ALL)?;
    let triage = now.triage(&exceptions, &feeds);
    let summary = summary::build(&ledger, &triage, 7, &Silent)?;
    files::write_if_changed(&out.join("SECURITY_SUMMARY.md"), summary.render())?;
    for file in dashboard::site(&ledger, &triage, &Silent)? {
        files::write_if_changed(&out.join("site").join(&file.path), &file.contents)?;
    }
    for image in [&postgres_name, &php_name] {
        customer_reports(&out.join("customer-reports").join(image.as_str()), &ledger, &triage, image)?;
    }
    summary::publish(&mut tracker, &summary, &now.config.issues.labels)?;
    let verified = ledger.verify(&Silent)?;
    anyhow::ensure!(verified.ok(), "the demo ledger does not verify: {:?}", verified.problems);

    Ok(Report::Demo(DemoReport {
        out,
        weeks_recorded: WEEKS,
        weeks,
        gates,
        then_try: (php_name, improving_report),
    }))
}

/// The image's report in every document format and every export, written as
/// `hardline report --format …` and `hardline export …` write them (the same renderers).
fn customer_reports(
    dir: &Path,
    ledger: &Ledger,
    triage: &Triage<'_>,
    image: &ImageName,
) -> anyhow::Result<()> {
    let since = ReportArgs::DEFAULT_SINCE.resolve(triage.now);
    let model = report::build(ledger, triage, image, since, &hardline_model::Silent)?;
    for export in EXPORTS {
        let input = ExportInput { report: &model, exceptions: triage.exceptions, author: "hardline" };
        let document = (export.render)(&input)?;
        files::write_if_changed(&dir.join(export.file_name), document)?;
    }
    let document = Report::Document(Box::new(DocumentReport { model, out: None }));
    for format in ["pdf", "html", "csv", "json"] {
        let Some(renderer) = Renderer::find(format) else { continue };
        if let Some(rendered) = (renderer.render)(&document, &Style::plain()) {
            files::write_if_changed(&dir.join(format!("report.{format}")), rendered?.into_file())?;
        }
    }
    Ok(())
}

fn sync_issues(ctx: &Context, images: &[ImageName]) -> anyhow::Result<()> {
    let mut tracker = LocalTracker::new(&ctx.root.join(".hardline/tracker"));
    let exceptions = ctx.exceptions()?;
    let feeds = ctx.feeds(&[hardline_feeds::FeedKind::Kev])?;
    let now = ctx.now();
    sync_images(&mut tracker, &ctx.ledger(), images, &ctx.sync_settings(&exceptions, &feeds, &now), &Silent)?;
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
