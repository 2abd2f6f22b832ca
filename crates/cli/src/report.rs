//! What each command returns: a report value. Commands compute; `render/` turns a report into
//! the format asked for (human, JSON v1, Markdown); `main.rs` prints it and exits with the
//! status it means. No command prints its result itself.

use std::path::PathBuf;

use hardline_ledger::{Decided, Recorded};
use hardline_model::{Counts, Diff, ImageName, ScanMeta, Timestamp};
use hardline_policy::Exception;
use hardline_publish::CommentAction;
use hardline_publish::gate_comment::AutoMergeNote;
use hardline_publish::issues::SyncOutcome;
use hardline_publish::pull_request::Published;
use hardline_publish::summary::SummaryPublished;

use crate::exit;

/// The result of a command.
pub enum Report {
    Record(RecordReport),
    Status(StatusReport),
    Diff(DiffReport),
    Gate(Box<GateReport>),
    Verify(VerifyOutcome),
    Rebuild(RebuildReport),
    IssuesSync(SyncReport),
    Summary(SummaryReport),
    Export(ExportReport),
    Demo(DemoReport),
    Dashboard(DashboardReport),
    Document(Box<DocumentReport>),
    FeedsUpdate(FeedsReport),
    Exceptions(ExceptionsReport),
    Init(InitReport),
    /// A shell's completion script, printed as generated.
    Completions(String),
    Man(ManReport),
}

/// Which command a report is of: what a renderer says it offers, checked before the command
/// runs (a format a command does not write is a usage error).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Record,
    Status,
    Diff,
    Gate,
    Verify,
    Rebuild,
    IssuesSync,
    Summary,
    Vex,
    Export,
    Demo,
    Dashboard,
    Report,
    FeedsUpdate,
    Exceptions,
    Init,
    Completions,
    Man,
}

impl Kind {
    pub const ALL: [Kind; 18] = [
        Kind::Record,
        Kind::Status,
        Kind::Diff,
        Kind::Gate,
        Kind::Verify,
        Kind::Rebuild,
        Kind::IssuesSync,
        Kind::Summary,
        Kind::Vex,
        Kind::Export,
        Kind::Demo,
        Kind::Dashboard,
        Kind::Report,
        Kind::FeedsUpdate,
        Kind::Exceptions,
        Kind::Init,
        Kind::Completions,
        Kind::Man,
    ];

    /// The subcommand's words: `record`, `issues sync`.
    pub fn command(self) -> &'static str {
        match self {
            Kind::Record => "record",
            Kind::Status => "status",
            Kind::Diff => "diff",
            Kind::Gate => "gate",
            Kind::Verify => "verify",
            Kind::Rebuild => "rebuild",
            Kind::IssuesSync => "issues sync",
            Kind::Summary => "summary",
            Kind::Vex => "vex",
            Kind::Export => "export",
            Kind::Demo => "demo",
            Kind::Dashboard => "dashboard",
            Kind::Report => "report",
            Kind::FeedsUpdate => "feeds update",
            Kind::Exceptions => "exceptions",
            Kind::Init => "init",
            Kind::Completions => "completions",
            Kind::Man => "man",
        }
    }
}

impl Report {
    pub fn kind(&self) -> Kind {
        match self {
            Report::Record(_) => Kind::Record,
            Report::Status(_) => Kind::Status,
            Report::Diff(_) => Kind::Diff,
            Report::Gate(_) => Kind::Gate,
            Report::Verify(_) => Kind::Verify,
            Report::Rebuild(_) => Kind::Rebuild,
            Report::IssuesSync(_) => Kind::IssuesSync,
            Report::Summary(_) => Kind::Summary,
            Report::Export(export) => export.command,
            Report::Demo(_) => Kind::Demo,
            Report::Dashboard(_) => Kind::Dashboard,
            Report::Document(_) => Kind::Report,
            Report::FeedsUpdate(_) => Kind::FeedsUpdate,
            Report::Exceptions(_) => Kind::Exceptions,
            Report::Init(_) => Kind::Init,
            Report::Completions(_) => Kind::Completions,
            Report::Man(_) => Kind::Man,
        }
    }

    /// The file the rendered report goes to (`report --out`) instead of stdout. (An export
    /// writes its own file: its output in `--format` says where.)
    pub fn destination(&self) -> Option<&std::path::Path> {
        match self {
            Report::Document(document) => document.out.as_deref(),
            _ => None,
        }
    }

    /// The exit status the report means (README, "Exit status").
    pub fn exit_code(&self) -> u8 {
        match self {
            Report::Gate(gate) => match gate.decided.result.decision {
                hardline_policy::Decision::Allow => exit::OK,
                hardline_policy::Decision::Review => exit::REVIEW,
                hardline_policy::Decision::Block => exit::BLOCK,
            },
            Report::Verify(report) if !report.ledger.ok() => exit::VERIFY_FAILED,
            Report::FeedsUpdate(report) if report.feeds.iter().any(|f| f.result.is_err()) => exit::ERROR,
            _ => exit::OK,
        }
    }
}

/// `verify`: the ledger's own checks and git's (their problems in `ledger`), and with
/// `--tracker` what the tracker witnessed (a broken witness is among the problems too).
pub struct VerifyOutcome {
    pub ledger: hardline_ledger::VerifyReport,
    pub tracker: Option<crate::tracker_witness::TrackerCheck>,
}

/// `record`: what each scan did, and the image after the call.
pub struct RecordReport {
    pub image: ImageName,
    pub recorded: Recorded,
    /// What names each scan (by its index): the report's path, or `a + b` for merged reports.
    pub labels: Vec<String>,
}

/// `status`: the posture of every image.
pub struct StatusReport {
    pub images: Vec<ImageStatus>,
    /// Exceptions that match no finding of any image.
    pub stale_exceptions: Vec<Exception>,
    /// Exceptions past their date that still match: their findings count again.
    pub expired_exceptions: Vec<Exception>,
    /// The feeds that were read.
    pub feeds: Vec<hardline_feeds::FeedInfo>,
    /// The SLAs and the staleness limit in force.
    pub settings: hardline_triage::Settings,
}

pub struct ImageStatus {
    pub name: ImageName,
    /// Open findings that count, after exceptions (what the gate counts), all severities.
    pub counts: Counts,
    /// Open findings an active exception suppresses.
    pub suppressed: Counts,
    pub unique_vulnerabilities: usize,
    /// MEDIUM+ findings that count after exceptions (`hardline_policy::open_findings`).
    pub open_medium_plus: usize,
    pub fixable: usize,
    /// The most severe band among the findings that count.
    pub risk: &'static str,
    pub last_scan: Option<Timestamp>,
    pub artifact: Option<String>,
    pub head_seq: u64,
    pub head_hash: String,
    /// Findings that count and are in CISA's KEV catalog; `None` without a catalog.
    pub kev: Option<usize>,
    /// Findings that count and are past their SLA due date.
    pub overdue: usize,
    pub mttr: hardline_triage::Mttr,
    pub sla_record: hardline_triage::SlaRecord,
    pub scan: hardline_triage::ScanAge,
}

/// `diff`: two reports compared, without the ledger.
pub struct DiffReport {
    pub old: PathBuf,
    pub new: PathBuf,
    pub old_counts: Counts,
    pub new_counts: Counts,
    pub diff: Diff,
}

/// `gate`: the decision, and what publishing it did.
pub struct GateReport {
    pub image: ImageName,
    pub decided: Decided,
    pub candidate: ScanMeta,
    pub published: Option<Published>,
}

impl GateReport {
    /// What the comment says about auto-merge.
    pub fn auto_merge(&self) -> AutoMergeNote {
        self.published.as_ref().map_or(AutoMergeNote::None, |p| p.auto_merge.clone())
    }
}

/// `rebuild`: the views that were rewritten, relative to the repository.
pub struct RebuildReport {
    pub changed: Vec<String>,
}

/// `issues sync`: what was done to each image's issue.
pub struct SyncReport {
    /// The tracker, for people (`github owner/repo`, `local <dir>`).
    pub tracker: String,
    pub outcomes: Vec<SyncOutcome>,
}

/// `summary`: the file written and, with `--publish`, the issue.
pub struct SummaryReport {
    pub week: String,
    pub file: PathBuf,
    /// `SECURITY_SUMMARY.md` as written.
    pub text: String,
    pub published: Option<SummaryPublished>,
}

/// `export` (and its alias `vex`): a standard document about one image, rendered by the
/// library (it is its own format whatever `--format` says), or where it was written.
pub struct ExportReport {
    /// `export` or `vex`: the command that asked.
    pub command: Kind,
    /// The format's name.
    pub format: &'static str,
    pub document: String,
    /// The file it was written to (then it is not printed).
    pub out: Option<PathBuf>,
}

/// `report`: the customer report of one image, for the renderers of `--format`.
pub struct DocumentReport {
    pub model: hardline_publish::report::ImageReport,
    pub out: Option<PathBuf>,
}

/// `init`: what was written where.
pub struct InitReport {
    pub dir: PathBuf,
    /// The files written, relative to `dir`.
    pub files: Vec<String>,
    /// The images found (or named): folders images/NAME/ with a Dockerfile.
    pub images: Vec<ImageName>,
    /// Images named with --image that have no images/NAME/Dockerfile yet.
    pub without_dockerfile: Vec<ImageName>,
    /// How the workflows refer to the action.
    pub action: crate::init::ActionPin,
}

/// `dashboard`: the site's files, and which changed.
pub struct DashboardReport {
    pub out: PathBuf,
    pub files: Vec<String>,
    pub changed: Vec<String>,
}

/// `exceptions`: every accepted risk, where it stands, and what it suppresses.
pub struct ExceptionsReport {
    pub today: jiff::civil::Date,
    pub entries: Vec<ExceptionEntry>,
}

pub struct ExceptionEntry {
    pub exception: Exception,
    pub state: hardline_policy::ExceptionState,
    /// The open findings it suppresses (expired: matches, and they count again), per image.
    pub findings: Vec<(ImageName, hardline_model::Finding)>,
}

/// `feeds update`: each feed, updated or why not.
pub struct FeedsReport {
    /// The repository, so paths can be shown relative to it.
    pub root: PathBuf,
    pub feeds: Vec<FeedUpdate>,
}

pub struct FeedUpdate {
    pub kind: hardline_feeds::FeedKind,
    pub url: String,
    /// What the update did, or why it failed (the previous file, if any, is kept).
    pub result: Result<hardline_feeds::update::Updated, String>,
}

/// `man`: one page (roff), or the pages written with `--out`.
pub enum ManReport {
    Page(String),
    Written { dir: PathBuf, files: Vec<PathBuf> },
}

/// `demo`: what the walkthrough did, and where to look.
pub struct DemoReport {
    pub out: PathBuf,
    /// How many weekly scans of each image were recorded.
    pub weeks_recorded: i64,
    pub weeks: Vec<DemoWeek>,
    pub gates: Vec<DemoGate>,
    /// An image and a pull request report of it, for the "then try" line.
    pub then_try: (ImageName, PathBuf),
}

pub struct DemoWeek {
    pub week: i64,
    pub image: ImageName,
    pub new: usize,
    pub fixed: usize,
    pub changed: usize,
    pub total: u32,
}

pub struct DemoGate {
    pub pull_request: u64,
    pub image: ImageName,
    pub decision: hardline_policy::Decision,
    pub baseline_count: u32,
    pub candidate_count: u32,
    pub auto_merge: AutoMergeNote,
    pub comment: CommentAction,
}
