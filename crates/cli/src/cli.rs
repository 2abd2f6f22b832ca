//! The command line, declared with clap's derive API. Help text is written once, as doc
//! comments.

use std::path::PathBuf;

use clap::builder::TypedValueParser as _;
use clap::{Args, Parser, Subcommand};
use hardline_ingest::InputFormat;
use hardline_model::{ImageName, Timestamp};
use hardline_policy::{PROFILES, ProfileInfo};

use crate::render::{Format, RENDERERS, Renderer};

/// Turns container scanner output into decisions, a tamper-evident ledger and reports.
///
/// Exit status: 0 success (and `gate`: allow), 10 `gate`: review, 20 `gate`: block,
/// 3 `verify`: the ledger does not verify, 1 any error, 2 a usage error.
#[derive(Debug, Parser)]
#[command(name = "hardline", version, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// The repository holding the ledger (audit-logs/, cve-baseline/, security/).
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// Output format: `human`, `json` (versioned; all but `demo`) or `markdown` (`gate`,
    /// `status`, `summary`).
    #[arg(long, global = true, default_value = "human", value_parser = format())]
    pub format: Format,
}

/// `--format`: a registered renderer (`render::RENDERERS`).
fn format() -> impl clap::builder::TypedValueParser<Value = Format> {
    clap::builder::PossibleValuesParser::new(RENDERERS.iter().map(|r| r.name))
        .try_map(|name| Renderer::find(&name).ok_or_else(|| format!("no format is called {name}")))
}

/// `--input`: `auto` or the name of a registered input format (`hardline_ingest::FORMATS`).
fn input_format() -> impl clap::builder::TypedValueParser<Value = InputFormat> {
    clap::builder::PossibleValuesParser::new(InputFormat::names()).try_map(|name| name.parse::<InputFormat>())
}

/// `--policy`: a built-in profile (`hardline_policy::PROFILES`), with its description as help.
fn profile() -> impl clap::builder::TypedValueParser<Value = &'static ProfileInfo> {
    let values = PROFILES.iter().map(|p| clap::builder::PossibleValue::new(p.name).help(p.description));
    clap::builder::PossibleValuesParser::new(values)
        .try_map(|name| ProfileInfo::find(&name).ok_or_else(|| format!("no profile is called {name}")))
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Record scan reports of one image in the ledger, in the order of their creation time.
    Record(RecordArgs),
    /// The security posture of every image in the ledger.
    Status,
    /// Compare two reports directly, without the ledger.
    Diff(DiffArgs),
    /// Decide on a candidate report against the image's baseline: allow, review or block.
    Gate(GateArgs),
    /// Recompute every hash chain and every view; name the first line that is wrong.
    Verify,
    /// Regenerate every view from the logs.
    Rebuild,
    /// Keep one issue per image in line with its open MEDIUM+ findings.
    #[command(subcommand)]
    Issues(IssuesCommand),
    /// Write the weekly summary (SECURITY_SUMMARY.md) and optionally publish it.
    Summary(SummaryArgs),
    /// Publish the image's accepted risks that carry a VEX justification as OpenVEX (JSON).
    Vex(VexArgs),
    /// Build a realistic example history for two images and run the whole flow offline.
    Demo(DemoArgs),
    /// Write the static dashboard (index.html, a page per image, data.json) for GitHub Pages.
    Dashboard(DashboardArgs),
}

#[derive(Debug, Args)]
pub struct RecordArgs {
    /// The image the reports are of (the ledger's file name).
    #[arg(long)]
    pub image: ImageName,
    /// Scanner reports. Several of one scanner are recorded oldest first; reports of several
    /// scanners (or artifact kinds) are merged into one scan.
    #[arg(long = "report", required = true, num_args = 1.., value_name = "FILE")]
    pub reports: Vec<PathBuf>,
    /// Report format.
    #[arg(long, default_value = "auto", value_parser = input_format())]
    pub input: InputFormat,
    /// When the scan was made (RFC 3339, e.g. 2026-03-02T04:00:00Z), for reports that do not
    /// say (a SARIF log); a report that names its own time keeps it. hardline never guesses a
    /// scan's time.
    #[arg(long, value_name = "TIME")]
    pub scanned_at: Option<Timestamp>,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The older report.
    pub old: PathBuf,
    /// The newer report.
    pub new: PathBuf,
    #[arg(long, default_value = "auto", value_parser = input_format())]
    pub input: InputFormat,
}

#[derive(Debug, Args)]
pub struct GateArgs {
    #[arg(long)]
    pub image: ImageName,
    /// The candidate's reports (the pull request's image); several (a Trivy image scan and
    /// its Dockerfile's lint, say) are merged into one candidate.
    #[arg(long = "report", required = true, num_args = 1.., value_name = "FILE")]
    pub reports: Vec<PathBuf>,
    #[arg(long, default_value = "auto", value_parser = input_format())]
    pub input: InputFormat,
    /// Rule profile; default from hardline.toml, else `default`.
    #[arg(long, value_parser = profile())]
    pub policy: Option<&'static ProfileInfo>,
    /// Publish the decision: PR comment (edited in place), label, auto-merge.
    #[arg(long)]
    pub publish: bool,
    /// The pull request; default from the event payload at $GITHUB_EVENT_PATH.
    #[arg(long, value_name = "N")]
    pub pr: Option<u64>,
    /// Also append the decision to the image's audit log.
    #[arg(long)]
    pub record: bool,
}

#[derive(Debug, Subcommand)]
pub enum IssuesCommand {
    /// Open, update, close or reopen the issue of each image (or one image).
    Sync(SyncArgs),
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    #[arg(long)]
    pub image: Option<ImageName>,
}

#[derive(Debug, Args)]
pub struct SummaryArgs {
    /// The period the summary covers, in days (`7d` or `7`).
    #[arg(long, default_value = "7d")]
    pub since: String,
    /// Also publish: one persistent summary issue, a comment per week.
    #[arg(long)]
    pub publish: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to build the example repository.
    #[arg(long, default_value = "hardline-demo", value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct DashboardArgs {
    /// Where to write the site; a relative path is taken from --root.
    #[arg(long, default_value = "site", value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct VexArgs {
    #[arg(long)]
    pub image: ImageName,
    /// The document's author.
    #[arg(long, default_value = "hardline")]
    pub author: String,
}
