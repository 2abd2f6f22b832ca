//! What every command needs: where the repository is, how to print, the configuration and
//! the current time.

use std::path::PathBuf;

use anyhow::Context as _;
use hardline_ingest::InputFormat;
use hardline_model::Scan;

use crate::cli::{Format, GlobalArgs, InputArg};
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

pub fn input_format(arg: InputArg) -> InputFormat {
    match arg {
        InputArg::Auto => InputFormat::Auto,
        InputArg::Trivy => InputFormat::Trivy,
        InputArg::Sarif => InputFormat::Sarif,
    }
}

/// Reads and parses one report.
pub fn read_scan(path: &std::path::Path, input: InputArg) -> anyhow::Result<Scan> {
    Ok(hardline_ingest::read_report(path, input_format(input))?)
}

/// Merges scans of one image at one time, from several scanners, into one. The image scan's
/// metadata describes the result (else the first scan with a time); its time is the latest.
pub fn merge_scans(mut scans: Vec<Scan>) -> Option<Scan> {
    let latest = scans
        .iter()
        .filter_map(|s| s.meta.created_at.clone())
        .max_by(|a, b| hardline_model::Timestamp::cmp_known_first(Some(a), Some(b)));
    let primary = scans
        .iter()
        .position(|s| s.meta.artifact_type.as_deref() == Some("container_image"))
        .or_else(|| scans.iter().position(|s| s.meta.created_at.is_some()))
        .unwrap_or(0);
    if scans.is_empty() {
        return None;
    }
    let mut merged = scans.swap_remove(primary);
    for other in scans {
        merged = merged.merge(other);
    }
    merged.meta.created_at = latest;
    Some(merged)
}
