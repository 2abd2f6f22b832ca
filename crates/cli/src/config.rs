//! `hardline.toml`: optional; every key has a documented default (README, "Configuration").

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use hardline_policy::{Gate, ProfileInfo, RawGateConfig};
use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub policy: PolicyConfig,
    /// `[gate.rules.<code>]`: rules switched on or off, and their parameters (validated by
    /// `hardline_policy::Gate::configure`).
    pub gate: RawGateConfig,
    pub pull_requests: PullRequestConfig,
    pub issues: IssuesConfig,
    pub feeds: FeedsConfig,
    pub sla: SlaConfig,
    /// What the file asks for that still reads but no longer does what it did, for people.
    #[serde(skip)]
    pub warnings: Vec<String>,
}

/// `[feeds]`: where the threat feeds are read from and downloaded from.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FeedsConfig {
    /// A KEV catalog to read (relative to the repository); default: the one `hardline feeds
    /// update` keeps in `.hardline/feeds/`, if any.
    pub kev: Option<PathBuf>,
    /// EPSS scores to read (gzipped or not), likewise.
    pub epss: Option<PathBuf>,
    /// Where `feeds update` downloads the KEV catalog from (a mirror, say).
    pub kev_url: Option<String>,
    /// Where `feeds update` downloads the EPSS scores from.
    pub epss_url: Option<String>,
}

/// `[sla]`: days a finding of each severity may stay open, and when scans count as stale.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SlaConfig {
    pub critical: Spanned<u32>,
    pub high: Spanned<u32>,
    pub medium: Spanned<u32>,
    pub low: Spanned<u32>,
    pub stale_after_days: Spanned<u32>,
}

impl Default for SlaConfig {
    fn default() -> SlaConfig {
        let sla = hardline_policy::Sla::default();
        let at = |days| Spanned::new(0..0, days);
        SlaConfig {
            critical: at(sla.critical),
            high: at(sla.high),
            medium: at(sla.medium),
            low: at(sla.low),
            stale_after_days: at(hardline_triage::STALE_AFTER_DAYS),
        }
    }
}

impl SlaConfig {
    /// The settings triage and the `sla-overdue` rule use.
    pub fn settings(&self) -> hardline_triage::Settings {
        hardline_triage::Settings {
            sla: hardline_policy::Sla {
                critical: *self.critical.get_ref(),
                high: *self.high.get_ref(),
                medium: *self.medium.get_ref(),
                low: *self.low.get_ref(),
            },
            stale_after_days: *self.stale_after_days.get_ref(),
        }
    }

    /// The first value that is not a usable number of days.
    fn invalid(&self) -> Option<(&'static str, &Spanned<u32>)> {
        [
            ("critical", &self.critical),
            ("high", &self.high),
            ("medium", &self.medium),
            ("low", &self.low),
            ("stale_after_days", &self.stale_after_days),
        ]
        .into_iter()
        .find(|(_, days)| !(1..=3650).contains(days.get_ref()))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PolicyConfig {
    /// A built-in profile's name (`hardline_policy::PROFILES`).
    pub profile: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PullRequestConfig {
    /// Authors whose pull requests may be auto-merged when the gate allows them.
    pub dependency_authors: Vec<String>,
    /// Deprecated: labels once made a pull request eligible for auto-merge, but anyone with
    /// triage rights can add a label. Still read, so that old files keep working; grants
    /// nothing, and a warning says so.
    pub dependency_labels: Option<Spanned<Vec<String>>>,
    /// Label added when the gate asks for a person.
    pub review_label: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IssuesConfig {
    /// Labels of every image issue, besides `image:<name>`.
    pub labels: Vec<String>,
}

impl Default for PolicyConfig {
    fn default() -> PolicyConfig {
        PolicyConfig { profile: Spanned::new(0..0, "default".to_owned()) }
    }
}

impl Default for PullRequestConfig {
    fn default() -> PullRequestConfig {
        PullRequestConfig {
            // A GitHub login cannot contain `[`: no person can take this name.
            dependency_authors: vec!["renovate[bot]".to_owned()],
            dependency_labels: None,
            review_label: "security-review".to_owned(),
        }
    }
}

impl Default for IssuesConfig {
    fn default() -> IssuesConfig {
        IssuesConfig { labels: vec!["security".to_owned()] }
    }
}

impl Config {
    pub fn load(root: &Path) -> anyhow::Result<Config> {
        let path = root.join("hardline.toml");
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        let at = |offset: usize, message: &str| {
            let (line, column) = line_column(&text, offset);
            anyhow::anyhow!("{}:{line}:{column}: {message}", path.display())
        };
        let mut config: Config =
            toml::from_str(&text).map_err(|e| at(e.span().map_or(0, |s| s.start), e.message()))?;
        if let Some(labels) = &config.pull_requests.dependency_labels {
            config.warnings.push(
                at(
                    labels.span().start,
                    "pull_requests.dependency_labels no longer makes a pull request eligible for \
                     auto-merge (anyone with triage rights can add a label); only \
                     pull_requests.dependency_authors does. Remove the key.",
                )
                .to_string(),
            );
        }
        let profile = config.profile().ok_or_else(|| {
            let names: Vec<String> =
                hardline_policy::PROFILES.iter().map(|p| format!("\"{}\"", p.name)).collect();
            at(
                config.policy.profile.span().start,
                &format!("policy.profile must be one of {}", names.join(", ")),
            )
        })?;
        // The rules' tables are checked once, here, whatever command runs.
        Gate::configure(profile, &config.gate).map_err(|e| at(e.span.start, &e.message))?;
        if let Some((key, days)) = config.sla.invalid() {
            return Err(at(days.span().start, &format!("sla.{key} must be a number of days from 1 to 3650")));
        }
        Ok(config)
    }

    /// The profile `policy.profile` names (checked when the file was read).
    pub fn profile(&self) -> Option<&'static ProfileInfo> {
        ProfileInfo::find(self.policy.profile.get_ref())
    }

    /// The gate for `profile` (the configured one when `None`), its rules switched on and off
    /// and given their parameters by `[gate.rules]`.
    pub fn gate(&self, profile: Option<&'static ProfileInfo>) -> anyhow::Result<Gate> {
        let profile = profile.or_else(|| self.profile()).context("no such profile")?;
        Gate::configure(profile, &self.gate).map_err(|e| anyhow::anyhow!("hardline.toml: {}", e.message))
    }
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    (before.matches('\n').count() + 1, before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1)
}
