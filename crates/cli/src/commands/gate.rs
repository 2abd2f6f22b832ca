use std::fmt::Write as _;
use std::io::Write as _;

use anyhow::Context as _;
use hardline_ledger::{EventBody, GateDecided, GateReason};
use hardline_model::{ImageName, Scan};
use hardline_policy::{Decision, Gate, GateInput, GateResult, ProfileName};
use hardline_publish::Marker;
use hardline_publish::gate_comment::{AutoMergeNote, GateComment};
use hardline_tracker::{AutoMerge, Tracker};
use serde::Serialize;

use crate::cli::{Format, GateArgs};
use crate::context::Context;
use crate::json_v1::{DiffV1, FindingV1};
use crate::{exit, output, tracker};

#[derive(Serialize)]
struct GateV1 {
    version: u32,
    image: ImageName,
    decision: Decision,
    policy: ProfileName,
    reasons: Vec<ReasonV1>,
    baseline_count: u32,
    candidate_count: u32,
    has_baseline: bool,
    diff: DiffV1,
    suppressed: Vec<SuppressedV1>,
    expired_exceptions: Vec<String>,
    stale_exceptions: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<PublishedV1>,
}

#[derive(Serialize)]
struct ReasonV1 {
    rule: &'static str,
    effect: Decision,
    message: String,
}

#[derive(Serialize)]
struct SuppressedV1 {
    #[serde(flatten)]
    finding: FindingV1,
    exception: String,
    reason: String,
    expires: Option<String>,
}

#[derive(Serialize)]
pub struct PublishedV1 {
    pub pull_request: u64,
    pub comment: &'static str,
    pub auto_merge: String,
    pub labels_added: Vec<String>,
}

/// A decision and what it was made against.
pub struct Decided {
    pub result: GateResult,
    pub has_baseline: bool,
}

pub fn run(ctx: &Context, args: GateArgs) -> anyhow::Result<u8> {
    let candidate =
        hardline_ingest::batch::read_moment(&args.reports, args.input)?.context("no report given")?;
    let gate = ctx.config.gate(args.policy)?;
    let Decided { result, has_baseline } = decide(ctx, &args.image, &candidate, &gate)?;
    let pr = match args.pr {
        Some(n) => Some(n),
        None => tracker::pr_from_event()?,
    };
    let mut published = None;
    let mut auto_merge = AutoMergeNote::None;
    if args.publish {
        let pr = pr.context("--publish needs a pull request: pass --pr N or run on a pull_request event")?;
        let mut tracker = tracker::open(ctx)?;
        let outcome = publish(ctx, tracker.as_mut(), pr, &args.image, &result, &candidate)?;
        auto_merge = outcome.1;
        published = Some(outcome.0);
    }
    let comment = GateComment {
        image: &args.image,
        result: &result,
        candidate: &candidate.meta,
        auto_merge,
        max_chars: hardline_tracker::GITHUB_MAX_BODY_CHARS,
    }
    .render();
    if args.record {
        record_decision(ctx, &args.image, &result, &candidate, pr)?;
    }
    github_actions_outputs(result.decision, &comment)?;

    match ctx.format {
        Format::Json => output::json(&json(&args.image, &result, has_baseline, published))?,
        Format::Markdown => output::print(&comment)?,
        Format::Human => output::print(&human(&args.image, &result))?,
    }
    Ok(exit_code(result.decision))
}

pub fn exit_code(decision: Decision) -> u8 {
    match decision {
        Decision::Allow => exit::OK,
        Decision::Review => exit::REVIEW,
        Decision::Block => exit::BLOCK,
    }
}

/// The candidate against the image's baseline view, after exceptions.
pub fn decide(ctx: &Context, image: &ImageName, candidate: &Scan, gate: &Gate) -> anyhow::Result<Decided> {
    let baseline = ctx.ledger().baseline(image)?;
    if baseline.is_none() {
        output::note(&format!("note: no baseline recorded for {image}; comparing against an empty baseline"));
    }
    let exceptions = ctx.exceptions()?;
    let result = gate.decide(&GateInput {
        image,
        baseline: baseline.as_ref().map(|b| b.findings.as_slice()).unwrap_or(&[]),
        candidate: candidate.findings(),
        exceptions: &exceptions,
        today: ctx.today(),
    });
    Ok(Decided { result, has_baseline: baseline.is_some() })
}

/// Appends the decision to the image's audit log.
pub fn record_decision(
    ctx: &Context,
    image: &ImageName,
    result: &GateResult,
    candidate: &Scan,
    pr: Option<u64>,
) -> anyhow::Result<()> {
    let ledger = ctx.ledger();
    let mut writer = ledger.lock()?;
    writer.append(
        image,
        &ctx.now_rfc3339(),
        EventBody::GateDecided(GateDecided {
            decision: result.decision,
            policy: result.profile.clone(),
            reasons: result
                .reasons
                .iter()
                .map(|r| GateReason { rule: r.rule.code(), message: r.message.clone() })
                .collect(),
            pull_request: pr,
            candidate: candidate.meta.clone(),
            baseline_count: result.baseline_count,
            candidate_count: result.candidate_count,
        }),
    )?;
    Ok(())
}

/// One comment per image, edited in place; auto-merge for allowed dependency updates; a
/// label when a person must decide.
pub fn publish(
    ctx: &Context,
    tracker: &mut dyn Tracker,
    number: u64,
    image: &ImageName,
    result: &GateResult,
    candidate: &Scan,
) -> anyhow::Result<(PublishedV1, AutoMergeNote)> {
    let pr = tracker.pull_request(number)?;
    let settings = &ctx.config.pull_requests;
    let is_dependency_update = settings.dependency_authors.iter().any(|a| a.eq_ignore_ascii_case(&pr.author))
        || pr.labels.iter().any(|l| settings.dependency_labels.contains(l));
    let auto_merge = if result.decision == Decision::Allow && is_dependency_update {
        match tracker.enable_auto_merge(&pr)? {
            AutoMerge::Enabled => AutoMergeNote::Enabled,
            AutoMerge::Unavailable(why) => AutoMergeNote::Unavailable(why),
        }
    } else {
        AutoMergeNote::None
    };
    let mut labels_added = Vec::new();
    if result.decision == Decision::Review && !pr.labels.contains(&settings.review_label) {
        tracker.add_labels(number, &[settings.review_label.as_str()])?;
        labels_added.push(settings.review_label.clone());
    }
    let body = GateComment {
        image,
        result,
        candidate: &candidate.meta,
        auto_merge: auto_merge.clone(),
        max_chars: tracker.max_body_chars(),
    }
    .render();
    let marker = Marker::gate_comment(image);
    let existing = tracker.list_comments(number)?.into_iter().find(|c| marker.is_in(&c.body));
    let comment = match existing {
        Some(c) if c.body == body => "unchanged",
        Some(c) => {
            tracker.update_comment(c.id, &body)?;
            "updated"
        }
        None => {
            tracker.create_comment(number, &body)?;
            "created"
        }
    };
    let auto_merge_text = match &auto_merge {
        AutoMergeNote::None => "not requested".to_owned(),
        AutoMergeNote::Enabled => "enabled".to_owned(),
        AutoMergeNote::Unavailable(why) => format!("unavailable: {why}"),
    };
    Ok((PublishedV1 { pull_request: number, comment, auto_merge: auto_merge_text, labels_added }, auto_merge))
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

fn json(
    image: &ImageName,
    result: &GateResult,
    has_baseline: bool,
    published: Option<PublishedV1>,
) -> GateV1 {
    GateV1 {
        version: 1,
        image: image.clone(),
        decision: result.decision,
        policy: result.profile.clone(),
        reasons: result
            .reasons
            .iter()
            .map(|r| ReasonV1 { rule: r.rule.code, effect: r.effect, message: r.message.clone() })
            .collect(),
        baseline_count: result.baseline_count,
        candidate_count: result.candidate_count,
        has_baseline,
        diff: (&result.diff).into(),
        suppressed: result
            .suppressed
            .iter()
            .map(|(f, e)| SuppressedV1 {
                finding: f.into(),
                exception: e.id.clone(),
                reason: e.reason.clone(),
                expires: e.expires.map(|d| d.to_string()),
            })
            .collect(),
        expired_exceptions: result
            .expired_exceptions
            .iter()
            .map(|e| format!("{} ({})", e.id, e.source))
            .collect(),
        stale_exceptions: result
            .stale_exceptions
            .iter()
            .map(|e| format!("{} ({})", e.id, e.source))
            .collect(),
        published,
    }
}

fn human(image: &ImageName, result: &GateResult) -> String {
    let mut out = format!(
        "{image}: {} (policy {}; MEDIUM+ after exceptions {} → {})\n",
        result.decision.as_str().to_uppercase(),
        result.profile.as_str(),
        result.baseline_count,
        result.candidate_count
    );
    for reason in &result.reasons {
        let _ =
            writeln!(out, "  {} [{}]: {}", reason.rule.code, reason.effect.as_str(), clean(&reason.message));
    }
    for f in &result.diff.new {
        let _ = writeln!(out, "  new   {}", super::diff::describe(f));
    }
    for f in &result.diff.fixed {
        let _ = writeln!(out, "  fixed {}", super::diff::describe(f));
    }
    for e in &result.expired_exceptions {
        let _ = writeln!(
            out,
            "  warning: exception {} expired ({}): its findings count again",
            clean(&e.id),
            e.source
        );
    }
    for e in &result.stale_exceptions {
        let _ = writeln!(out, "  note: exception {} matches nothing ({})", clean(&e.id), e.source);
    }
    out.trim_end().to_owned()
}

fn clean(text: &str) -> String {
    output::terminal_text(text, usize::MAX)
}
