//! `hardline.toml`: optional; every key has a documented default (README, "Configuration").
//!
//! Read in two steps: the tables as written (unknown keys refused), then validation, whose
//! errors name the file, line and column.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use hardline_policy::{Gate, ProfileInfo, RawGateConfig};
use serde::Deserialize;
use toml::Spanned;

/// The most `hardline.toml` may hold: it is written by hand.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// The configuration's file, at the repository's root.
pub const CONFIG_FILE: &str = "hardline.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub policy: PolicyConfig,
    /// `[gate.rules.<code>]`: rules switched on or off, and their parameters (validated by
    /// `hardline_policy::Gate::configure`).
    pub gate: RawGateConfig,
    pub pull_requests: PullRequestConfig,
    pub issues: IssuesConfig,
    /// `[limits]` as written; [`Config::limits`] is the checked form.
    #[serde(rename = "limits")]
    raw_limits: RawLimits,
    /// `[limits]`, checked when the file was read.
    #[serde(skip)]
    pub limits: Limits,
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

/// Bounds on what hardline reads and records (`[limits]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The report size and findings bounds.
    pub ingest: hardline_ingest::Limits,
    /// How far past now a recorded scan's time may be.
    pub max_clock_skew: jiff::SignedDuration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            ingest: hardline_ingest::Limits::default(),
            max_clock_skew: hardline_ledger::DEFAULT_MAX_CLOCK_SKEW,
        }
    }
}

/// `[limits]` as written: `max_report_size` (bytes, or `"256 MiB"`), `max_findings`,
/// `max_clock_skew` (`"5m"`, `"30s"`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawLimits {
    max_report_size: Option<Spanned<toml::Value>>,
    max_findings: Option<Spanned<toml::Value>>,
    max_clock_skew: Option<Spanned<toml::Value>>,
}

/// The largest clock skew accepted: more would let a report from tomorrow in.
const MAX_CLOCK_SKEW: jiff::SignedDuration = jiff::SignedDuration::from_hours(1);

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
    /// Reads `hardline.toml` under `root`; the defaults when there is none.
    pub fn load(root: &Path) -> anyhow::Result<Config> {
        let path = root.join(CONFIG_FILE);
        let bytes = match hardline_ingest::read_bounded(&path, MAX_FILE_BYTES) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => return Err(anyhow::anyhow!("{}: {e}", path.display())),
        };
        let text = String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let (line, column) = line_column(&String::from_utf8_lossy(e.as_bytes()), at);
            anyhow::anyhow!(
                "{}:{line}:{column}: invalid UTF-8; the file must be UTF-8 throughout",
                path.display()
            )
        })?;
        Config::parse(&text, &path)
    }

    /// Reads the text of a `hardline.toml`; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> anyhow::Result<Config> {
        let at = |offset: usize, message: &str| {
            let (line, column) = line_column(text, offset);
            anyhow::anyhow!("{}:{line}:{column}: {message}", path.display())
        };
        let mut config: Config =
            toml::from_str(text).map_err(|e| at(e.span().map_or(0, |s| s.start), e.message()))?;
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
        config.limits = config.raw_limits.check().map_err(|(span, message)| at(span, &message))?;
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

impl RawLimits {
    /// The checked limits, or the offset of the value at fault and what is wrong with it.
    fn check(&self) -> Result<Limits, (usize, String)> {
        let mut limits = Limits::default();
        if let Some(value) = &self.max_report_size {
            limits.ingest.max_report_bytes = byte_size(value.get_ref())
                .filter(|n| *n > 0)
                .ok_or((value.span().start, "limits.max_report_size must be a size in bytes, like 268435456 or \"256 MiB\" (KiB, MiB and GiB are understood)".to_owned()))?;
        }
        if let Some(value) = &self.max_findings {
            limits.ingest.max_findings =
                value.get_ref().as_integer().and_then(|n| usize::try_from(n).ok()).filter(|n| *n > 0).ok_or(
                    (value.span().start, "limits.max_findings must be a positive whole number".to_owned()),
                )?;
        }
        if let Some(value) = &self.max_clock_skew {
            let skew = value
                .get_ref()
                .as_str()
                .and_then(|text| text.parse::<jiff::SignedDuration>().ok())
                .filter(|d| !d.is_negative() && *d <= MAX_CLOCK_SKEW);
            limits.max_clock_skew = skew.ok_or((
                value.span().start,
                format!("limits.max_clock_skew must be a duration from \"0s\" to \"{MAX_CLOCK_SKEW:#}\", like \"5m\""),
            ))?;
        }
        Ok(limits)
    }
}

/// A size in bytes: a whole number, or text such as `"256 MiB"`, `"1 GiB"`, `"512KiB"`.
fn byte_size(value: &toml::Value) -> Option<u64> {
    match value {
        toml::Value::Integer(n) => u64::try_from(*n).ok(),
        toml::Value::String(text) => {
            let text = text.trim();
            let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
            let (number, unit) = text.split_at(split);
            let factor: u64 = match unit.trim() {
                "" | "B" => 1,
                "KiB" => 1 << 10,
                "MiB" => 1 << 20,
                "GiB" => 1 << 30,
                _ => return None,
            };
            number.parse::<u64>().ok()?.checked_mul(factor)
        }
        _ => None,
    }
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    hardline_model::position::at_offset(text.as_bytes(), offset, hardline_model::position::Columns::Chars)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> anyhow::Result<Config> {
        Config::parse(text, Path::new("hardline.toml"))
    }

    #[test]
    fn a_file_cut_short_ends_on_a_real_place() {
        // toml places an unclosed multi-line string at the end of the file: just past the last
        // character of the last line, not 3:1 after the final newline.
        let error = parse("[gate]\nprofile = \"\"\"strict\n").expect_err("unterminated string").to_string();
        assert!(error.starts_with("hardline.toml:2:20:"), "{error}");
    }

    #[test]
    fn limits_default_and_can_be_raised() {
        assert_eq!(parse("").expect("empty").limits, Limits::default());
        let config = parse(
            "[limits]\nmax_report_size = \"512 MiB\"\nmax_findings = 250000\nmax_clock_skew = \"30s\"\n",
        )
        .expect("valid");
        assert_eq!(config.limits.ingest.max_report_bytes, 512 << 20);
        assert_eq!(config.limits.ingest.max_findings, 250_000);
        assert_eq!(config.limits.max_clock_skew, jiff::SignedDuration::from_secs(30));
        assert_eq!(
            parse("[limits]\nmax_report_size = 1000\n").expect("bytes").limits.ingest.max_report_bytes,
            1000
        );
    }

    #[test]
    fn bad_limits_point_at_the_value() {
        for (text, column, words) in [
            ("[limits]\nmax_report_size = \"lots\"\n", 19, "a size in bytes"),
            ("[limits]\nmax_findings = -3\n", 16, "positive whole number"),
            ("[limits]\nmax_clock_skew = \"2 days\"\n", 18, "from \"0s\" to \"1h\""),
            ("[limits]\nmax_clock_skew = \"-5m\"\n", 18, "duration"),
            ("[limits]\nmax_size = 3\n", 1, "unknown field"),
        ] {
            let error = parse(text).expect_err(text).to_string();
            assert!(error.contains(words), "{text}: {error}");
            if column > 1 {
                assert!(error.starts_with(&format!("hardline.toml:2:{column}:")), "{text}: {error}");
            }
        }
    }
}
