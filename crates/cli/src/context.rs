//! What every command needs: where the repository is, the configuration and the current time.

use std::path::PathBuf;

use anyhow::Context as _;
use hardline_model::Timestamp;
use hardline_policy::ExceptionSet;
use hardline_publish::issues::SyncSettings;
use hardline_publish::pull_request::PullRequestSettings;

use crate::cli::GlobalArgs;
use crate::config::Config;

pub struct Context {
    pub root: PathBuf,
    pub config: Config,
    /// The current time: `HARDLINE_NOW` (RFC 3339) when set, so that the demo and tests are
    /// reproducible, else the system clock.
    pub now: jiff::Timestamp,
}

impl Context {
    pub fn new(global: &GlobalArgs) -> anyhow::Result<Context> {
        let now = match std::env::var("HARDLINE_NOW") {
            Ok(text) => {
                text.parse().with_context(|| format!("HARDLINE_NOW={text:?} is not an RFC 3339 time"))?
            }
            Err(_) => jiff::Timestamp::now(),
        };
        Ok(Context { root: global.root.clone(), config: Config::load(&global.root)?, now })
    }

    /// A context for a repository at a given time (the demo steps its clock week by week).
    pub fn at(root: PathBuf, now: jiff::Timestamp) -> anyhow::Result<Context> {
        Ok(Context { config: Config::load(&root)?, root, now })
    }

    /// The repository's ledger, taking scans up to `[limits] max_clock_skew` past now.
    pub fn ledger(&self) -> hardline_ledger::Ledger {
        hardline_ledger::Ledger::open(&self.root).with_max_clock_skew(self.config.limits.max_clock_skew)
    }

    /// The bounds every report is read within (`[limits]`).
    pub fn report_limits(&self) -> hardline_ingest::Limits {
        self.config.limits.ingest
    }

    /// The current time as events record it: whole seconds, UTC.
    pub fn now(&self) -> Timestamp {
        Timestamp::from_instant(self.now)
    }

    pub fn today(&self) -> jiff::civil::Date {
        jiff::tz::Offset::UTC.to_datetime(self.now).date()
    }

    pub fn exceptions(&self) -> anyhow::Result<ExceptionSet> {
        Ok(ExceptionSet::load(&self.root)?)
    }

    /// How `issues sync` treats each image: the configured labels, these exceptions, now.
    pub fn sync_settings<'a>(&'a self, exceptions: &'a ExceptionSet, now: &'a Timestamp) -> SyncSettings<'a> {
        SyncSettings { labels: &self.config.issues.labels, exceptions, today: self.today(), now }
    }

    /// `[pull_requests]` of hardline.toml.
    pub fn pull_request_settings(&self) -> PullRequestSettings {
        let configured = &self.config.pull_requests;
        PullRequestSettings {
            dependency_authors: configured.dependency_authors.clone(),
            dependency_labels: configured.dependency_labels.clone(),
            review_label: configured.review_label.clone(),
        }
    }
}
