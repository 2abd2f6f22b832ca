//! What every command needs: where the repository is, the configuration and the current time.

use std::path::PathBuf;

use anyhow::Context as _;
use hardline_feeds::store::Store;
use hardline_feeds::{Epss, FeedKind, Feeds, Kev};
use hardline_ingest::ReadOptions;
use hardline_model::{ImageName, PackageClass, Timestamp};
use hardline_policy::{ExceptionSet, Input};
use hardline_publish::issues::SyncSettings;
use hardline_publish::pull_request::PullRequestSettings;

use crate::cli::GlobalArgs;
use crate::config::Config;
use crate::hint::Advise as _;
use crate::progress::{ProgressChoice, Shown};

pub struct Context {
    pub root: PathBuf,
    pub config: Config,
    /// The current time: `HARDLINE_NOW` (RFC 3339) when set, so that the demo and tests are
    /// reproducible, else the system clock.
    pub now: jiff::Timestamp,
    /// `--kev FILE` and `--epss FILE`.
    pub feed_files: FeedFiles,
    /// `--progress`.
    pub progress: ProgressChoice,
}

/// Feed files named on the command line.
#[derive(Clone, Debug, Default)]
pub struct FeedFiles {
    pub kev: Option<PathBuf>,
    pub epss: Option<PathBuf>,
}

impl Context {
    pub fn new(global: &GlobalArgs) -> anyhow::Result<Context> {
        // A mistyped --root would otherwise read as an empty ledger that verifies, or start a
        // new one in the wrong place.
        if !global.root.is_dir() {
            return Err(anyhow::anyhow!("--root {}: no such folder", global.root.display())).help(|| {
                "give the repository that holds audit-logs/ and cve-baseline/ (default: the current folder); \
                 create the folder first to start a new ledger there"
                    .to_owned()
            });
        }
        let now = match std::env::var("HARDLINE_NOW") {
            Ok(text) => text
                .parse()
                .with_context(|| format!("HARDLINE_NOW={text:?} is not an RFC 3339 time"))
                .help(|| {
                    "set HARDLINE_NOW to a time such as 2026-03-03T12:00:00Z, or unset it to use the clock"
                        .to_owned()
                })?,
            Err(_) => jiff::Timestamp::now(),
        };
        let feed_files = FeedFiles { kev: global.kev.clone(), epss: global.epss.clone() };
        let config = Config::load(&global.root)?;
        for warning in &config.warnings {
            crate::output::warning(warning);
        }
        Ok(Context { root: global.root.clone(), config, now, feed_files, progress: global.progress })
    }

    /// A context for a repository at a given time (the demo steps its clock week by week).
    pub fn at(root: PathBuf, now: jiff::Timestamp) -> anyhow::Result<Context> {
        Ok(Context {
            config: Config::load(&root)?,
            root,
            now,
            feed_files: FeedFiles::default(),
            progress: ProgressChoice::Never,
        })
    }

    /// Progress for one long operation, shown as `--progress` asks (on stderr); cleared when
    /// dropped.
    pub fn progress(&self) -> Shown {
        Shown::new(self.progress.for_this_process())
    }

    /// The file a feed is read from: `--kev`/`--epss`, else `[feeds]` (relative to the
    /// repository), else the one `feeds update` keeps, if there is one.
    pub fn feed_file(&self, kind: FeedKind) -> Option<PathBuf> {
        let (given, configured) = match kind {
            FeedKind::Kev => (&self.feed_files.kev, &self.config.feeds.kev),
            FeedKind::Epss => (&self.feed_files.epss, &self.config.feeds.epss),
        };
        given
            .clone()
            .or_else(|| configured.as_ref().map(|p| self.root.join(p)))
            .or_else(|| Store::of_repository(&self.root).existing(kind))
    }

    /// The feeds of `kinds` that are given (see [`Context::feed_file`]); a feed that is not
    /// given is absent. A feed that is given but cannot be read is an error.
    pub fn feeds(&self, kinds: &[FeedKind]) -> anyhow::Result<Feeds> {
        let mut feeds = Feeds::none();
        for kind in kinds {
            let Some(path) = self.feed_file(*kind) else { continue };
            let shown = path.strip_prefix(&self.root).unwrap_or(&path).to_path_buf();
            let reading = || format!("reading the {} ({})", kind.title(), shown.display());
            match kind {
                FeedKind::Kev => feeds.kev = Some(Kev::load(&path).with_context(reading)?),
                FeedKind::Epss => feeds.epss = Some(Epss::load(&path).with_context(reading)?),
            }
        }
        Ok(feeds)
    }

    /// Triage as of now, with these exceptions and feeds and `[sla]`.
    pub fn triage<'a>(&self, exceptions: &'a ExceptionSet, feeds: &'a Feeds) -> hardline_triage::Triage<'a> {
        hardline_triage::Triage { exceptions, feeds, settings: self.triage_settings(), now: self.now }
    }

    /// `[sla]`: days per severity and when scans are stale.
    pub fn triage_settings(&self) -> hardline_triage::Settings {
        self.config.sla.settings()
    }

    /// The gate's feeds: only those its rules read (`sla-overdue` reads KEV for due dates).
    pub fn gate_feeds(&self, gate: &hardline_policy::Gate) -> anyhow::Result<Feeds> {
        let mut kinds = Vec::new();
        if gate.needs(Input::Kev) || gate.needs(Input::FirstSeen) {
            kinds.push(FeedKind::Kev);
        }
        if gate.needs(Input::Epss) {
            kinds.push(FeedKind::Epss);
        }
        self.feeds(&kinds)
    }

    /// The repository's ledger, taking scans up to `[limits] max_clock_skew` past now.
    pub fn ledger(&self) -> hardline_ledger::Ledger {
        hardline_ledger::Ledger::open(&self.root).with_max_clock_skew(self.config.limits.max_clock_skew)
    }

    /// The ledger, for a command that reads one: an error, saying where to look, when --root
    /// holds none (see [`crate::whereabouts`]).
    pub fn existing_ledger(&self) -> anyhow::Result<hardline_ledger::Ledger> {
        crate::whereabouts::require(&self.root)?;
        Ok(self.ledger())
    }

    /// The ledger, for a command that writes one: started in a --root without one only inside
    /// a git work tree, or with `--init` (`init`).
    pub fn ledger_to_write(&self, init: bool) -> anyhow::Result<hardline_ledger::Ledger> {
        crate::whereabouts::may_write(&self.root, init)?;
        Ok(self.ledger())
    }

    /// The current time as events record it: whole seconds, UTC.
    pub fn now(&self) -> Timestamp {
        Timestamp::from_instant(self.now)
    }

    pub fn today(&self) -> jiff::civil::Date {
        jiff::tz::Offset::UTC.to_datetime(self.now).date()
    }

    /// What ingest may consult for reports of `image`: the repository (`--root`) their file
    /// paths point into, and the image's distribution as its ledger knows it (the ecosystem of
    /// its OS packages), for reports that do not name it (Trivy's SARIF).
    /// And the bounds every report is read within (`[limits]`).
    pub fn read_options(&self, image: Option<&ImageName>) -> anyhow::Result<ReadOptions> {
        let distribution = match image {
            // A view that does not parse gives no hint; `record` rewrites it, `gate` reports it.
            Some(image) => self.ledger().baseline(image).ok().flatten().and_then(|baseline| {
                baseline
                    .findings
                    .into_iter()
                    .filter_map(|f| f.package)
                    .find(|p| p.class == PackageClass::Os && p.ecosystem.as_str() != "unknown-os")
                    .map(|p| p.ecosystem)
            }),
            None => None,
        };
        Ok(ReadOptions::at(&self.root).with_distribution(distribution).with_limits(self.config.limits.ingest))
    }

    pub fn exceptions(&self) -> anyhow::Result<ExceptionSet> {
        Ok(ExceptionSet::load(&self.root)?)
    }

    /// What a gate decision is made with.
    pub fn decide_with<'a>(
        &self,
        exceptions: &'a ExceptionSet,
        feeds: &'a Feeds,
    ) -> hardline_ledger::DecideWith<'a> {
        hardline_ledger::DecideWith {
            exceptions,
            today: self.today(),
            feeds,
            sla: self.triage_settings().sla,
        }
    }

    /// How `issues sync` treats each image: the configured labels, these exceptions, now.
    pub fn sync_settings<'a>(
        &'a self,
        exceptions: &'a ExceptionSet,
        feeds: &'a Feeds,
        now: &'a Timestamp,
    ) -> SyncSettings<'a> {
        SyncSettings {
            labels: &self.config.issues.labels,
            exceptions,
            today: self.today(),
            now,
            feeds,
            triage: self.triage_settings(),
        }
    }

    /// `[pull_requests]` of hardline.toml; `auto_merge`: whether this run may enable it.
    pub fn pull_request_settings(&self, auto_merge: bool) -> PullRequestSettings {
        let configured = &self.config.pull_requests;
        PullRequestSettings {
            dependency_authors: configured.dependency_authors.clone(),
            review_label: configured.review_label.clone(),
            auto_merge,
        }
    }
}
