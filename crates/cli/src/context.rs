//! What every command needs: where the repository is, how to print, the configuration and
//! the current time.

use std::path::PathBuf;

use anyhow::Context as _;
use hardline_ingest::InputFormat;
use hardline_model::Scan;

use crate::cli::{Format, GlobalArgs};
use crate::config::Config;

pub struct Context {
    pub root: PathBuf,
    pub format: Format,
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
        Ok(Context {
            root: global.root.clone(),
            format: global.format,
            config: Config::load(&global.root)?,
            now,
        })
    }

    /// A context for a repository at a given time (the demo steps its clock week by week).
    pub fn at(root: PathBuf, format: Format, now: jiff::Timestamp) -> anyhow::Result<Context> {
        Ok(Context { config: Config::load(&root)?, root, format, now })
    }

    pub fn ledger(&self) -> hardline_ledger::Ledger {
        hardline_ledger::Ledger::open(&self.root)
    }

    /// The current time as events record it.
    pub fn now_rfc3339(&self) -> hardline_model::Timestamp {
        hardline_model::Timestamp::from_instant(self.now)
    }

    pub fn today(&self) -> jiff::civil::Date {
        jiff::tz::Offset::UTC.to_datetime(self.now).date()
    }

    pub fn exceptions(&self) -> anyhow::Result<hardline_policy::ExceptionSet> {
        Ok(hardline_policy::ExceptionSet::load(&self.root)?)
    }
}

/// Reads and parses one report.
pub fn read_scan(path: &std::path::Path, input: InputFormat) -> anyhow::Result<Scan> {
    Ok(hardline_ingest::read_report(path, input)?)
}
