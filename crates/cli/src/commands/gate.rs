//! `hardline gate`: a candidate against the image's baseline; with `--publish`, the decision on
//! the pull request; with `--record`, in the audit log.

use std::io::Write as _;

use anyhow::Context as _;
use hardline_ingest::batch::read_moment_within;
use hardline_policy::Decision;
use hardline_publish::pull_request;

use crate::cli::GateArgs;
use crate::context::Context;
use crate::report::{GateReport, Report};
use crate::{output, render, tracker};

pub fn run(ctx: &Context, args: GateArgs) -> anyhow::Result<Report> {
    let candidate =
        read_moment_within(&args.reports, args.input, &ctx.report_limits())?.context("no report given")?;
    output::warnings(candidate.warnings());
    let gate = ctx.config.gate(args.policy)?;
    let decided = ctx.ledger().decide(&gate, &args.image, &candidate, &ctx.exceptions()?, ctx.today())?;
    if !decided.has_baseline {
        output::note(&format!(
            "note: no baseline recorded for {}; comparing against an empty baseline",
            args.image
        ));
    }
    let pr = match args.pr {
        Some(n) => Some(n),
        None => tracker::pr_from_event()?,
    };
    let published = if args.publish {
        let pr = pr.context("--publish needs a pull request: pass --pr N or run on a pull_request event")?;
        let mut tracker = tracker::open(ctx)?;
        let settings = ctx.pull_request_settings();
        Some(pull_request::publish(
            tracker.as_mut(),
            pr,
            &args.image,
            &decided.result,
            &candidate.meta,
            &settings,
        )?)
    } else {
        None
    };
    if args.record {
        let ledger = ctx.ledger();
        let mut writer = ledger.lock()?;
        writer.record_decision(&args.image, &ctx.now(), &decided.result, &candidate.meta, pr)?;
    }
    let report = GateReport { image: args.image, decided, candidate: candidate.meta, published };
    github_actions_outputs(report.decided.result.decision, &render::markdown::gate_comment(&report))?;
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
