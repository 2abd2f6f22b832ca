//! The command line, declared with clap's derive API. Help text is written once, as doc
//! comments.

use std::path::PathBuf;

use clap::builder::TypedValueParser as _;
use clap::{Args, Parser, Subcommand};
use hardline_ingest::InputFormat;
use hardline_model::ImageName;
use hardline_policy::{PROFILES, ProfileInfo};
use hardline_publish::export::{EXPORTS, Export};

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
    /// Output format: `human`, `json` (versioned; all but `demo`), `markdown` (`gate`,
    /// `status`, `summary`), or `pdf`, `html`, `csv` (`report`).
    #[arg(long, global = true, default_value = "human", value_parser = format())]
    pub format: Format,
    /// CISA's KEV catalog (JSON) to read; default `[feeds] kev` in hardline.toml, else the one
    /// `feeds update` keeps in .hardline/feeds/, if any.
    #[arg(long, global = true, value_name = "FILE")]
    pub kev: Option<PathBuf>,
    /// FIRST's EPSS scores (CSV, gzipped or not) to read; default `[feeds] epss`, else the file
    /// in .hardline/feeds/, if any.
    #[arg(long, global = true, value_name = "FILE")]
    pub epss: Option<PathBuf>,
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

/// The format of `export`: a registered export (`hardline_publish::export::EXPORTS`), with its
/// description as help.
fn export_format() -> impl clap::builder::TypedValueParser<Value = &'static Export> {
    let values = EXPORTS.iter().map(|e| clap::builder::PossibleValue::new(e.name).help(e.description));
    clap::builder::PossibleValuesParser::new(values)
        .try_map(|name| Export::find(&name).ok_or_else(|| format!("no export is called {name}")))
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
    /// Alias of `hardline export openvex`: the image's justified accepted risks as OpenVEX.
    Vex(ExportOf),
    /// A standard document about one image for other tools: CycloneDX VEX and OpenVEX for
    /// customers, SARIF for code scanning.
    Export(ExportArgs),
    /// The customer report of one image (PDF, HTML, CSV or JSON with --format).
    ///
    /// What is in the image, its posture after exceptions, every CRITICAL and HIGH finding and
    /// what was decided about it, the rest per package, accepted risks, what changed since
    /// --since, and how to verify it all against the audit log.
    Report(ReportArgs),
    /// List the accepted risks: reason, expiry, VEX justification and the open findings each
    /// suppresses; expired and stale ones marked.
    Exceptions,
    /// Build a realistic example history for two images and run the whole flow offline.
    Demo(DemoArgs),
    /// Write the static dashboard (index.html, a page per image, data.json) for GitHub Pages.
    Dashboard(DashboardArgs),
    /// Keep the threat feeds (CISA KEV, FIRST EPSS) current in .hardline/feeds/.
    #[command(subcommand)]
    Feeds(FeedsCommand),
    /// Add hardline to a repository: the pipeline's workflows (using the hardline action,
    /// pinned by this release's commit), hardline.toml and renovate.json. Asks nothing.
    Init(InitArgs),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The repository to write into; a relative path is taken from --root.
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub dir: PathBuf,
    /// Replace files that exist (by default, any existing file stops init before it writes).
    #[arg(long)]
    pub force: bool,
    /// The images (folders images/NAME/ with a Dockerfile); default: every images/*/Dockerfile.
    /// The workflows build every images/*/Dockerfile either way.
    #[arg(long = "image", value_name = "NAME")]
    pub images: Vec<ImageName>,
    /// Pin the hardline action by this commit of hardline-sec/hardline instead of this
    /// release's own (a developer's build knows none, and falls back to the version tag).
    #[arg(long, value_name = "SHA", value_parser = commit())]
    pub action_commit: Option<String>,
}

/// `--action-commit`: a full commit SHA.
fn commit() -> impl clap::builder::TypedValueParser<Value = String> {
    clap::builder::NonEmptyStringValueParser::new().try_map(|text: String| {
        if crate::init::is_commit(&text) {
            Ok(text)
        } else {
            Err(format!("{text:?} is not a full commit SHA (40 lower-case hex digits)"))
        }
    })
}

#[derive(Debug, Subcommand)]
pub enum FeedsCommand {
    /// Download the current KEV catalog and EPSS scores into .hardline/feeds/, asking each host
    /// first whether its file changed (ETag, Last-Modified). A download that fails or does not
    /// parse keeps the previous file.
    Update(FeedsUpdateArgs),
}

#[derive(Debug, Args)]
pub struct FeedsUpdateArgs {
    /// Only this feed; default both.
    #[arg(long, value_parser = ["kev", "epss"])]
    pub only: Option<String>,
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
    /// The base branch's image as rescanned with the candidate's scanner database (`trivy
    /// sbom` over the SBOM recorded with its last scan): the candidate is compared with it,
    /// and what it has that the last recorded scan had not is shown apart, as on the base
    /// branch too.
    #[arg(long, value_name = "FILE")]
    pub base_report: Option<PathBuf>,
    /// Rule profile; default from hardline.toml, else `default`.
    #[arg(long, value_parser = profile())]
    pub policy: Option<&'static ProfileInfo>,
    /// Publish the decision: PR comment (edited in place), label, auto-merge. A write the
    /// token may not make (a fork's) is a warning; the exit status stays the decision's.
    #[arg(long)]
    pub publish: bool,
    /// With --publish: never enable auto-merge, whatever the decision.
    #[arg(long, requires = "publish")]
    pub no_auto_merge: bool,
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

/// What an export is about and where it goes (`export FORMAT …` and its alias `vex`).
#[derive(Debug, Args)]
pub struct ExportOf {
    /// The image (its digest, from the last scan, names the product when the scan knows it).
    #[arg(long)]
    pub image: ImageName,
    /// The document's author, where the format names one.
    #[arg(long, default_value = "hardline")]
    pub author: String,
    /// Write the document to FILE (a relative path is taken from --root) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The document's format.
    // Not called `format`: that id is the global `--format`'s.
    #[arg(value_name = "FORMAT", value_parser = export_format())]
    pub export: &'static Export,
    #[command(flatten)]
    pub of: ExportOf,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The image, as the ledger names it.
    #[arg(long)]
    pub image: ImageName,
    /// The start of the period whose changes are listed: days back (`30d`), a date
    /// (`2026-10-01`, midnight UTC) or an RFC 3339 time.
    #[arg(long, default_value = ReportArgs::DEFAULT_SINCE_TEXT, value_name = "DATE")]
    pub since: Since,
    /// Write the report to FILE (a relative path is taken from --root) instead of stdout (a PDF
    /// is never written to a terminal).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

impl ReportArgs {
    /// The period a report covers when `--since` is not given (the library's default period).
    pub const DEFAULT_SINCE: Since = Since::DaysBack(hardline_publish::report::DEFAULT_PERIOD_DAYS);
    const DEFAULT_SINCE_TEXT: &str = "30d";
}

/// `--since` of `report`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Since {
    DaysBack(i64),
    At(jiff::Timestamp),
}

impl std::str::FromStr for Since {
    type Err = String;

    fn from_str(text: &str) -> Result<Since, String> {
        if let Some(days) = text.strip_suffix('d') {
            return days
                .parse()
                .ok()
                .filter(|d| (1..=3660).contains(d))
                .map(Since::DaysBack)
                .ok_or_else(|| format!("{text:?}: expected a number of days between 1d and 3660d"));
        }
        if let Ok(at) = text.parse::<jiff::Timestamp>() {
            return Ok(Since::At(at));
        }
        let date = text.parse::<jiff::civil::Date>().map_err(|_| {
            format!("{text:?}: expected days back (30d), a date (2026-10-01) or an RFC 3339 time")
        })?;
        jiff::tz::Offset::UTC
            .to_timestamp(date.to_datetime(jiff::civil::Time::midnight()))
            .map(Since::At)
            .map_err(|e| format!("{text:?}: {e}"))
    }
}

impl Since {
    /// The moment it names, counting back from `now`.
    pub fn resolve(self, now: jiff::Timestamp) -> jiff::Timestamp {
        match self {
            Since::DaysBack(days) => {
                now.checked_sub(jiff::SignedDuration::from_hours(24 * days)).unwrap_or(now)
            }
            Since::At(at) => at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_takes_days_dates_and_times_and_defaults_to_the_report_period() {
        assert_eq!(ReportArgs::DEFAULT_SINCE_TEXT.parse::<Since>(), Ok(ReportArgs::DEFAULT_SINCE));
        let now: jiff::Timestamp = "2026-11-11T04:00:00Z".parse().expect("time");
        let at = |text: &str| text.parse::<Since>().map(|s| s.resolve(now).to_string());
        assert_eq!(at("7d").as_deref(), Ok("2026-11-04T04:00:00Z"));
        assert_eq!(at("2026-10-01").as_deref(), Ok("2026-10-01T00:00:00Z"));
        assert_eq!(at("2026-10-01T12:30:00+02:00").as_deref(), Ok("2026-10-01T10:30:00Z"));
        for bad in ["0d", "-3d", "yesterday", "2026-13-01", ""] {
            assert!(bad.parse::<Since>().is_err(), "{bad}");
        }
    }
}
