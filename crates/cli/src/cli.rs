//! The command line, declared with clap's derive API. Help text is written once, as doc
//! comments; each command's examples are its `after_help` ([`examples!`]). The tests below
//! check that every command and every flag has a help line and parse every example (and every
//! command line of the README) with these definitions, so none can go stale. Completions and
//! man pages are generated from the same definitions (`commands/generate.rs`).

use std::ffi::OsString;
use std::path::PathBuf;

use clap::builder::TypedValueParser as _;
use clap::{Args, CommandFactory as _, FromArgMatches as _, Parser, Subcommand, ValueHint};
use hardline_ingest::InputFormat;
use hardline_model::{ImageName, Timestamp};
use hardline_policy::{PROFILES, ProfileInfo};
use hardline_publish::export::{EXPORTS, Export};

use crate::progress::ProgressChoice;
use crate::render::style::ColorChoice;
use crate::render::{Format, RENDERERS, Renderer};

/// The "Examples:" section of a command's help: a comment and a command line each, as
/// `"what it does" => "hardline …"`. Every command line is parsed by `cli::tests`; the man
/// pages read them back with [`examples_of`].
macro_rules! examples {
    ($comment:literal => $line:literal $(, $comments:literal => $lines:literal)* $(,)?) => {
        concat!("Examples:\n  # ", $comment, "\n  ", $line $(, "\n\n  # ", $comments, "\n  ", $lines)*)
    };
}

/// A command's examples, as (what it does, command line), from its "Examples:" section.
pub fn examples_of(command: &clap::Command) -> Vec<(String, String)> {
    let help = command.get_after_help().map(|h| h.to_string()).unwrap_or_default();
    let mut examples = Vec::new();
    let mut comment = String::new();
    for line in help.lines().map(str::trim) {
        if let Some(text) = line.strip_prefix("# ") {
            comment = text.to_owned();
        } else if line.starts_with("hardline ") {
            examples.push((std::mem::take(&mut comment), line.to_owned()));
        }
    }
    examples
}

/// Turns container scanner output into decisions, a tamper-evident ledger and reports.
///
/// Exit status: 0 success (and `gate`: allow), 10 `gate`: review, 20 `gate`: block,
/// 3 `verify`: the ledger does not verify, 1 any error, 2 a usage error.
#[derive(Debug, Parser)]
#[command(name = "hardline", version, max_term_width = 100, after_help = examples!(
    "Try the whole flow offline, in ./hardline-demo" => "hardline demo",
    "The posture of every image" => "hardline status",
    "What a pull request's scan means for a merge" => "hardline gate --image postgres-secured --report pr.json",
    "More about a command" => "hardline help gate",
))]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Parses the process's arguments. `--color` is looked for first, so that clap's own help
    /// and usage errors follow it too; a usage error exits here with status 2.
    pub fn parse_args() -> Cli {
        let args: Vec<OsString> = std::env::args_os().collect();
        let color = color_asked(&args).unwrap_or_default().for_clap();
        let matches = Cli::command().color(color).get_matches_from(args);
        match Cli::from_arg_matches(&matches) {
            Ok(cli) => cli,
            Err(error) => error.format(&mut Cli::command().color(color)).exit(),
        }
    }
}

/// The `--color` value among `args`, if one is given (`--color WHEN` or `--color=WHEN`), before
/// clap has parsed anything.
fn color_asked(args: &[OsString]) -> Option<ColorChoice> {
    use clap::ValueEnum as _;
    let mut value = None;
    let mut next_is_value = false;
    for arg in args.iter().skip(1).filter_map(|a| a.to_str()) {
        if arg == "--" {
            break;
        }
        if next_is_value {
            value = Some(arg);
            next_is_value = false;
        } else if arg == "--color" {
            next_is_value = true;
        } else if let Some(rest) = arg.strip_prefix("--color=") {
            value = Some(rest);
        }
    }
    value.and_then(|v| ColorChoice::from_str(v, false).ok())
}

/// A usage error found after parsing (exit 2), said in clap's words with the usage line of the
/// command it is about.
#[derive(Debug)]
pub struct UsageError {
    /// The command's words: `man`, `issues sync`.
    pub command: &'static str,
    pub message: String,
}

impl UsageError {
    pub fn new(command: &'static str, message: String) -> UsageError {
        UsageError { command, message }
    }
}

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UsageError {}

/// The options every command takes, listed apart in each command's help.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// The repository holding the ledger (audit-logs/, cve-baseline/, security/).
    #[arg(long, global = true, default_value = ".", value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub root: PathBuf,
    /// Output format: `human`, `json` (versioned; all but `demo`), `markdown` (`gate`,
    /// `status`, `summary`), or `pdf`, `html`, `csv` (`report`).
    #[arg(long, global = true, default_value = "human", value_parser = format())]
    pub format: Format,
    /// CISA's KEV catalog (JSON) to read; default `[feeds] kev` in hardline.toml, else the one
    /// `feeds update` keeps in .hardline/feeds/, if any.
    #[arg(long, global = true, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub kev: Option<PathBuf>,
    /// FIRST's EPSS scores (CSV, gzipped or not) to read; default `[feeds] epss`, else the file
    /// in .hardline/feeds/, if any.
    #[arg(long, global = true, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub epss: Option<PathBuf>,
    /// When to colour human output (never JSON, Markdown or files).
    ///
    /// `auto` colours a terminal (TERM set and not `dumb`) unless NO_COLOR is set, and
    /// anything when CLICOLOR_FORCE is; `always` colours even a pipe; `never` nothing.
    #[arg(long, global = true, value_enum, default_value_t, value_name = "WHEN")]
    pub color: ColorChoice,
    /// When to show progress of long operations on stderr.
    ///
    /// `auto` draws a bar on a terminal outside CI (`CI` unset); `always` also writes a plain
    /// line a second where there is no terminal (a CI log); `never` shows nothing.
    #[arg(long, global = true, value_enum, default_value_t, value_name = "WHEN")]
    pub progress: ProgressChoice,
}

/// `--format`: a registered renderer (`render::RENDERERS`).
fn format() -> impl clap::builder::TypedValueParser<Value = Format> {
    clap::builder::PossibleValuesParser::new(RENDERERS.iter().map(|r| r.name))
        .try_map(|name| Renderer::find(&name).ok_or_else(|| format!("no format is called {name}")))
}

/// `--since` of `summary`: a number of days (`7d` or `7`), at most a year, so that a mistake
/// is a usage error before anything is read.
fn days() -> impl clap::builder::TypedValueParser<Value = i64> {
    clap::builder::NonEmptyStringValueParser::new().try_map(|text: String| {
        text.strip_suffix('d')
            .unwrap_or(&text)
            .parse::<i64>()
            .ok()
            .filter(|days| (1..=366).contains(days))
            .ok_or_else(|| format!("{text:?}: expected a number of days between 1d and 366d, such as 7d"))
    })
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
    #[command(after_help = examples!(
        "This week's scan of one image" => "hardline record --image postgres-secured --report trivy.json",
        "A history, recorded oldest first (a bar shows progress on a terminal)" => "hardline record --image postgres-secured --report weeks/2026-01-05.json weeks/2026-01-12.json",
        "One moment of several scanners, merged into one scan" => "hardline record --image postgres-secured --report trivy.json hadolint.sarif",
        "A SARIF log alone says no scan time: give it" => "hardline record --image postgres-secured --report hadolint.sarif --scanned-at 2026-03-02T04:00:00Z",
        "A Grype report, refused if it scanned another image" => "hardline record --image postgres-secured --report grype.json --strict-artifact",
    ))]
    Record(RecordArgs),
    /// The security posture of every image in the ledger.
    #[command(after_help = examples!(
        "A table in the terminal" => "hardline status",
        "For scripts" => "hardline status --format json",
    ))]
    Status,
    /// Compare two reports directly, without the ledger.
    #[command(after_help = examples!(
        "What changed between two scans" => "hardline diff last-week.json trivy.json",
    ))]
    Diff(DiffArgs),
    /// Decide on a candidate report against the image's baseline: allow, review or block.
    #[command(after_help = examples!(
        "Decide (exit 0 allow, 10 review, 20 block)" => "hardline gate --image postgres-secured --report pr.json",
        "The stricter profile, with CISA's KEV catalog" => "hardline gate --image postgres-secured --report pr.json --policy strict --kev kev.json",
        "Blame the pull request only for what it changed: the base image rescanned with the same database" => "hardline gate --image postgres-secured --report pr.json --base-report base.json",
        "In a pull request's workflow: comment, label, auto-merge" => "hardline gate --image postgres-secured --report pr.json --publish --pr 42",
    ))]
    Gate(GateArgs),
    /// Recompute every hash chain and every view; name the first line that is wrong.
    #[command(after_help = examples!(
        "Exit 0 when every log and view checks out, 3 when not" => "hardline verify",
        "Git's history checked from a release on only" => "hardline verify --since v1.2.0",
    ))]
    Verify(VerifyArgs),
    /// Regenerate every view from the logs.
    #[command(after_help = examples!(
        "After a hand edit of a view (verify names it), or a new hardline release" => "hardline rebuild",
    ))]
    Rebuild,
    /// Keep one issue per image in line with its open MEDIUM+ findings.
    #[command(subcommand)]
    Issues(IssuesCommand),
    /// Write the weekly summary (SECURITY_SUMMARY.md) and optionally publish it.
    #[command(after_help = examples!(
        "The last seven days, into SECURITY_SUMMARY.md" => "hardline summary",
        "The last thirty, also as a comment on the summary issue" => "hardline summary --since 30d --publish",
    ))]
    Summary(SummaryArgs),
    /// Alias of `hardline export openvex`: the image's justified accepted risks as OpenVEX.
    #[command(after_help = examples!(
        "For a customer's scanner" => "hardline vex --image postgres-secured --author security@example.com",
    ))]
    Vex(ExportOf),
    /// A standard document about one image for other tools: CycloneDX VEX and OpenVEX for
    /// customers, SARIF for code scanning.
    #[command(after_help = examples!(
        "Every finding's analysis as CycloneDX 1.6 VEX, for a customer" => "hardline export cyclonedx-vex --image postgres-secured --out postgres-secured.cdx.json",
        "The accepted risks as OpenVEX" => "hardline export openvex --image postgres-secured --author security@example.com",
        "SARIF for GitHub code scanning" => "hardline export sarif --image postgres-secured --out postgres-secured.sarif",
    ))]
    Export(ExportArgs),
    /// The customer report of one image (PDF, HTML, CSV or JSON with --format).
    ///
    /// What is in the image, its posture after exceptions, every CRITICAL and HIGH finding and
    /// what was decided about it, the rest per package, accepted risks, SLA compliance, what
    /// changed since --since, and how to verify it all against the audit log.
    #[command(after_help = examples!(
        "A PDF for a customer" => "hardline report --image postgres-secured --format pdf --out postgres-secured.pdf",
        "One HTML page, changes since a release" => "hardline report --image postgres-secured --format html --since 2026-10-01 --out report.html",
        "The open findings for a spreadsheet" => "hardline report --image postgres-secured --format csv --out open.csv",
        "In the terminal" => "hardline report --image postgres-secured",
    ))]
    Report(ReportArgs),
    /// List the accepted risks: reason, expiry, VEX justification and the open findings each
    /// suppresses; expired and stale ones marked.
    #[command(after_help = examples!(
        "Review them before they expire" => "hardline exceptions",
        "For a script that warns a week ahead" => "hardline exceptions --format json",
    ))]
    Exceptions,
    /// Build a realistic example history for two images and run the whole flow offline.
    #[command(after_help = examples!(
        "Everything in ./hardline-demo" => "hardline demo",
        "Then look around" => "hardline --root hardline-demo status",
    ))]
    Demo(DemoArgs),
    /// Write the static dashboard (index.html, a page per image, data.json) for GitHub Pages.
    #[command(after_help = examples!(
        "Into ./site" => "hardline dashboard",
        "Elsewhere" => "hardline dashboard --out public",
    ))]
    Dashboard(DashboardArgs),
    /// Keep the threat feeds (CISA KEV, FIRST EPSS) current in .hardline/feeds/.
    #[command(subcommand)]
    Feeds(FeedsCommand),
    /// Add hardline to a repository: the pipeline's workflows (using the hardline action,
    /// pinned by this release's commit), hardline.toml and renovate.json. Asks nothing.
    #[command(after_help = examples!(
        "Into the current repository, for every images/*/Dockerfile" => "hardline init",
        "Into another, for one image, replacing what is there" => "hardline init --dir ../app --image web --force",
    ))]
    Init(InitArgs),
    /// Print the completion script for a shell.
    ///
    /// Install it where your shell looks: bash
    /// `~/.local/share/bash-completion/completions/hardline`, zsh a file `_hardline` in a folder
    /// of `$fpath`, fish `~/.config/fish/completions/hardline.fish`, PowerShell your `$PROFILE`.
    /// Release archives carry them in `complete/`.
    #[command(after_help = examples!(
        "bash, for the current user" => "hardline completions bash",
        "zsh" => "hardline completions zsh",
    ))]
    Completions(CompletionsArgs),
    /// Print the manual page of hardline or of one command (roff, for `man -l -`).
    ///
    /// Release archives carry every page in `man/man1/`.
    #[command(after_help = examples!(
        "Read the page of a command" => "hardline man gate",
        "Every page, to install (hardline.1, hardline-gate.1, …)" => "hardline man --out man/man1",
    ))]
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The repository to write into; a relative path is taken from --root.
    #[arg(long, default_value = ".", value_name = "DIR", value_hint = ValueHint::DirPath)]
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
    #[command(after_help = examples!(
        "Both feeds (weekly, in CI)" => "hardline feeds update",
        "Only EPSS" => "hardline feeds update --only epss",
    ))]
    Update(FeedsUpdateArgs),
}

#[derive(Debug, Args)]
pub struct FeedsUpdateArgs {
    /// Only this feed; default both.
    #[arg(long, value_parser = ["kev", "epss"], value_name = "FEED")]
    pub only: Option<String>,
}

#[derive(Debug, Args)]
pub struct RecordArgs {
    /// The image the reports are of (the ledger's file name: lowercase, digits, `-`, `_`, `.`).
    #[arg(long, value_name = "NAME")]
    pub image: ImageName,
    /// Scanner reports. Several of one scanner are recorded oldest first; reports of several
    /// scanners (or artifact kinds) are merged into one scan.
    #[arg(long = "report", required = true, num_args = 1.., value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub reports: Vec<PathBuf>,
    /// Report format; `auto` recognises each report by its contents.
    #[arg(long, default_value = "auto", value_parser = input_format())]
    pub input: InputFormat,
    /// When the scan was made (RFC 3339, e.g. 2026-03-02T04:00:00Z), for reports that do not
    /// say (a SARIF log); a report that names its own time keeps it. hardline never guesses a
    /// scan's time.
    #[arg(long, value_name = "TIME")]
    pub scanned_at: Option<Timestamp>,
    /// Refuse, rather than warn about, a report that names another image than the image's
    /// history (or findings in none of its files).
    #[arg(long)]
    pub strict_artifact: bool,
    /// Start a ledger in --root if it has none, even outside a git work tree (without this, a
    /// ledger is started only inside one, so a mistyped --root cannot start one by mistake).
    #[arg(long)]
    pub init: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Check git's history of the logs from this commit on (default: all of it). Inside a git
    /// work tree, every committed version of a log must be a prefix of the next and of the
    /// working tree's, and no committed log may disappear.
    #[arg(long, value_name = "REV")]
    pub since: Option<String>,
    /// Also check each image's issue, a witness outside the repository: the log must still
    /// hold the event (seq and hash) the issue was last synced from. Uses the tracker
    /// `issues sync` uses (GitHub when GITHUB_TOKEN and GITHUB_REPOSITORY are set).
    #[arg(long)]
    pub tracker: bool,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The older report.
    #[arg(value_hint = ValueHint::FilePath)]
    pub old: PathBuf,
    /// The newer report.
    #[arg(value_hint = ValueHint::FilePath)]
    pub new: PathBuf,
    /// Report format; `auto` recognises each report by its contents.
    #[arg(long, default_value = "auto", value_parser = input_format())]
    pub input: InputFormat,
}

#[derive(Debug, Args)]
pub struct GateArgs {
    /// The image the pull request changes; its recorded baseline is what the candidate is
    /// compared with.
    #[arg(long, value_name = "NAME")]
    pub image: ImageName,
    /// The candidate's reports (the pull request's image); several (a Trivy image scan and
    /// its Dockerfile's lint, say) are merged into one candidate.
    #[arg(long = "report", required = true, num_args = 1.., value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub reports: Vec<PathBuf>,
    /// Report format; `auto` recognises each report by its contents.
    #[arg(long, default_value = "auto", value_parser = input_format())]
    pub input: InputFormat,
    /// The base branch's image as rescanned with the candidate's scanner database (`trivy
    /// sbom` over the SBOM recorded with its last scan): the candidate is compared with it,
    /// and what it has that the last recorded scan had not is shown apart, as on the base
    /// branch too.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
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
    /// With --record: start a ledger in --root if it has none, even outside a git work tree.
    #[arg(long, requires = "record")]
    pub init: bool,
    /// Refuse, rather than warn about, a candidate that names another image than the image's
    /// history (or findings in none of its files).
    #[arg(long)]
    pub strict_artifact: bool,
    /// Where the reports' file paths point, when not into --root: the pull request's files,
    /// when the trusted workflow gates it from the default branch's checkout. SARIF results are
    /// identified by the lines they flag there.
    #[arg(long, value_name = "DIR")]
    pub sources: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum IssuesCommand {
    /// Open, update, close or reopen the issue of each image (or one image).
    #[command(after_help = examples!(
        "Every image's issue (GITHUB_TOKEN and GITHUB_REPOSITORY select GitHub)" => "hardline issues sync",
        "One image's" => "hardline issues sync --image postgres-secured",
    ))]
    Sync(SyncArgs),
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Only this image's issue; default every image in the ledger.
    #[arg(long, value_name = "NAME")]
    pub image: Option<ImageName>,
}

#[derive(Debug, Args)]
pub struct SummaryArgs {
    /// The period the summary covers, in days (`7d` or `7`).
    #[arg(long, default_value = "7d", value_name = "DAYS", value_parser = days())]
    pub since: i64,
    /// Also publish: one persistent summary issue, a comment per week.
    #[arg(long)]
    pub publish: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to build the example repository.
    #[arg(long, default_value = "hardline-demo", value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct DashboardArgs {
    /// Where to write the site; a relative path is taken from --root.
    #[arg(long, default_value = "site", value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub out: PathBuf,
}

/// What an export is about and where it goes (`export FORMAT …` and its alias `vex`).
#[derive(Debug, Args)]
pub struct ExportOf {
    /// The image (its digest, from the last scan, names the product when the scan knows it).
    #[arg(long, value_name = "NAME")]
    pub image: ImageName,
    /// The document's author, where the format names one.
    #[arg(long, default_value = "hardline")]
    pub author: String,
    /// Write the document to FILE (a relative path is taken from --root) instead of stdout.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
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
    #[arg(long, value_name = "NAME")]
    pub image: ImageName,
    /// The start of the period whose changes are listed: days back (`30d`), a date
    /// (`2026-10-01`, midnight UTC) or an RFC 3339 time.
    #[arg(long, default_value = ReportArgs::DEFAULT_SINCE_TEXT, value_name = "DATE")]
    pub since: Since,
    /// Write the report to FILE (a relative path is taken from --root) instead of stdout (a PDF
    /// is never written to a terminal).
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
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

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to write the completion script for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The command whose page to print (`gate`, `issues sync`); default hardline's own page.
    #[arg(value_name = "COMMAND", conflicts_with = "out")]
    pub command: Vec<String>,
    /// Write every page (hardline.1, hardline-gate.1, …) into this folder instead of printing.
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub out: Option<PathBuf>,
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

    /// Every command of the tree, with the words that call it (`["issues", "sync"]`).
    fn commands() -> Vec<(Vec<String>, clap::Command)> {
        fn walk(words: Vec<String>, command: &clap::Command, out: &mut Vec<(Vec<String>, clap::Command)>) {
            out.push((words.clone(), command.clone()));
            for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
                let mut words = words.clone();
                words.push(sub.get_name().to_owned());
                walk(words, sub, out);
            }
        }
        let mut root = Cli::command();
        root.build();
        let mut out = Vec::new();
        walk(Vec::new(), &root, &mut out);
        out
    }

    fn parses(line: &str) -> Result<(), String> {
        let words = line.split_whitespace();
        match Cli::command().try_get_matches_from(words) {
            Ok(_) => Ok(()),
            Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelp => Ok(()),
            Err(e) => Err(format!("{line}: {e}")),
        }
    }

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    /// Anyone adding a command or a flag without a help line fails here.
    #[test]
    fn every_command_flag_and_argument_has_a_one_line_help() {
        let mut missing = Vec::new();
        for (words, command) in commands() {
            let name = format!("hardline {}", words.join(" "));
            if command.get_about().is_none_or(|about| about.to_string().trim().is_empty()) {
                missing.push(format!("{name}: no about (a doc comment on the command)"));
            }
            for arg in command.get_arguments() {
                let id = arg.get_id().as_str();
                if matches!(id, "help" | "version") {
                    continue;
                }
                if arg.get_help().is_none_or(|help| help.to_string().trim().is_empty()) {
                    missing.push(format!("{name} {id}: no help (a doc comment on the field)"));
                }
            }
        }
        assert!(missing.is_empty(), "help missing:\n{}", missing.join("\n"));
    }

    /// Every command that runs something shows how, and every example runs as written.
    #[test]
    fn every_command_has_examples_that_parse() {
        let mut problems = Vec::new();
        for (words, command) in commands() {
            let examples = examples_of(&command);
            let is_group = command.has_subcommands();
            if examples.is_empty() && !is_group {
                problems.push(format!("hardline {}: no Examples: section (after_help)", words.join(" ")));
            }
            for (comment, line) in examples {
                if comment.is_empty() {
                    problems.push(format!("{line}: no `# what it does` line above it"));
                }
                if let Err(e) = parses(&line) {
                    problems.push(e);
                }
                if !is_group && !words.is_empty() && !line.contains(&words.join(" ")) {
                    problems
                        .push(format!("{line}: an example of `{}` that does not use it", words.join(" ")));
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    /// The README's command list (the block under "## Using it") is checked against the real
    /// definitions: each line parses, and every command appears.
    #[test]
    fn the_readme_lists_every_command_as_it_really_is() {
        let readme = include_str!("../../../README.md");
        let section = readme.split("## Using it").nth(1).expect("README has a `## Using it` section");
        let block = section.split("```sh").nth(1).and_then(|b| b.split("```").next()).expect("a sh block");
        let lines: Vec<&str> = block
            .lines()
            .map(|l| l.split('#').next().unwrap_or_default().trim())
            .filter(|l| !l.is_empty())
            .collect();
        let mut problems = Vec::new();
        for line in &lines {
            if let Err(e) = parses(line) {
                problems.push(e);
            }
        }
        for (words, command) in commands() {
            if words.is_empty() || command.has_subcommands() {
                continue;
            }
            let called = format!("hardline {}", words.join(" "));
            let listed = lines.iter().any(|l| {
                l.split_whitespace()
                    .filter(|w| !w.starts_with('-'))
                    .collect::<Vec<_>>()
                    .join(" ")
                    .starts_with(&called)
            });
            if !listed {
                problems.push(format!("`{called}` is missing from the README's list under \"## Using it\""));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn summary_since_takes_days_and_refuses_the_rest_as_a_usage_error() {
        let since = |text: &str| {
            Cli::try_parse_from(["hardline", "summary", "--since", text]).map(|cli| match cli.command {
                Command::Summary(args) => args.since,
                _ => 0,
            })
        };
        assert_eq!(since("7d").ok(), Some(7));
        assert_eq!(since("30").ok(), Some(30));
        assert_eq!(since("366d").ok(), Some(366));
        for bad in ["0d", "367d", "week", "1.5d", "7dd"] {
            let error = since(bad).expect_err(bad);
            assert_eq!(error.kind(), clap::error::ErrorKind::ValueValidation, "{bad}");
        }
    }

    #[test]
    fn color_is_found_before_parsing() {
        let args = |list: &[&str]| list.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(color_asked(&args(&["hardline", "--color", "never", "status"])), Some(ColorChoice::Never));
        assert_eq!(color_asked(&args(&["hardline", "status", "--color=always"])), Some(ColorChoice::Always));
        assert_eq!(color_asked(&args(&["hardline", "status"])), None);
        assert_eq!(color_asked(&args(&["hardline", "--", "--color", "always"])), None);
    }
}
