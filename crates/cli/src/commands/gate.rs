//! `hardline gate`: a candidate against the image's baseline (or the rescan of the base
//! branch's SBOM); with `--record`, in the audit log; with `--publish`, on the pull request.
//!
//! The decision comes first: it is recorded, and inside GitHub Actions written to
//! `$GITHUB_OUTPUT` and the job summary, before anything is published, so that a later step
//! has it even when publishing fails. A write the token may not make (a fork's read-only
//! token) is a warning and the exit status stays the decision's; any other publishing failure
//! is an error (exit 1), after the decision was written.

use std::io::Write as _;

use anyhow::Context as _;
use hardline_ingest::InputFormat;
use hardline_ingest::batch::read_moment;
use hardline_model::artifact_mismatch;
use hardline_policy::Decision;
use hardline_publish::pull_request;

use crate::cli::GateArgs;
use crate::context::Context;
use crate::report::{GateReport, Report};
use crate::{output, render, tracker};

pub fn run(ctx: &Context, args: GateArgs) -> anyhow::Result<Report> {
    // Where the decision is to be recorded is checked before anything is decided.
    let ledger_to_write = if args.record { Some(ctx.ledger_to_write(args.init)?) } else { None };
    let mut options = ctx.read_options(Some(&args.image))?;
    if let Some(sources) = &args.sources {
        options.root = Some(sources.clone());
    }
    let candidate = read_moment(&args.reports, args.input, &options)?.context("no report given")?;
    output::warnings(candidate.warnings());
    if let Some(baseline) = ctx.ledger().baseline(&args.image)?
        && let Some(mismatch) = artifact_mismatch(
            baseline.scan.as_ref(),
            &baseline.findings,
            &candidate.meta,
            candidate.findings(),
        )
    {
        let message = format!("the candidate may be of another image than {}: {mismatch}", args.image);
        if args.strict_artifact {
            anyhow::bail!("{message}; no decision (--strict-artifact)");
        }
        output::note(&format!("warning: {message} (--strict-artifact refuses such a report)"));
    }
    let base_report = match &args.base_report {
        Some(path) => Some(hardline_ingest::read_report_with(path, InputFormat::Auto, &options)?),
        None => None,
    };
    if let Some(base) = &base_report {
        output::warnings(base.warnings());
    }
    let gate = ctx.config.gate(args.policy)?;
    let (exceptions, feeds) = (ctx.exceptions()?, ctx.gate_feeds(&gate)?);
    let decided = ctx.ledger().decide(
        &gate,
        &args.image,
        &candidate,
        base_report.as_ref(),
        &ctx.decide_with(&exceptions, &feeds),
    )?;
    if !decided.has_baseline && base_report.is_none() {
        output::note(&format!(
            "note: no baseline recorded for {}: a new image, so the count rules do not apply",
            args.image
        ));
    }
    let pr = match args.pr {
        Some(n) => Some(n),
        None => tracker::pr_from_event()?,
    };
    if let Some(ledger) = &ledger_to_write {
        let mut writer = ledger.lock()?;
        writer.record_decision(&args.image, &ctx.now(), &decided.result, &candidate.meta, pr)?;
    }
    let mut report = GateReport { image: args.image, decided, candidate: candidate.meta, published: None };
    github_actions_outputs(report.decided.result.decision, &render::markdown::gate_comment(&report))?;
    if args.publish {
        let pr = pr.context("--publish needs a pull request: pass --pr N or run on a pull_request event")?;
        let mut tracker = tracker::open(ctx)?;
        let published = pull_request::publish(
            tracker.as_mut(),
            pr,
            &report.image,
            &report.decided.result,
            &report.candidate,
            &ctx.pull_request_settings(!args.no_auto_merge),
        )?;
        for warning in &published.warnings {
            output::warning(warning);
        }
        report.published = Some(published);
    }
    Ok(Report::Gate(Box::new(report)))
}

/// Inside GitHub Actions: `decision=` for later steps, the comment as the job summary.
fn github_actions_outputs(decision: Decision, markdown: &str) -> anyhow::Result<()> {
    if std::env::var("GITHUB_ACTIONS").as_deref() != Ok("true") {
        return Ok(());
    }
    let append = |var: &str, text: &str| -> anyhow::Result<()> {
        if let Some(path) = std::env::var_os(var) {
            let mut file = std::fs::OpenOptions::new()
                .append(true)
                .create(true)
                .open(&path)
                .with_context(|| format!("opening ${var}"))?;
            file.write_all(text.as_bytes()).with_context(|| format!("writing ${var}"))?;
        }
        Ok(())
    };
    append("GITHUB_OUTPUT", &format!("decision={}\n", decision.as_str()))?;
    append("GITHUB_STEP_SUMMARY", markdown)
}
