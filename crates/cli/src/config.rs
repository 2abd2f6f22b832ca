//! `hardline.toml`: optional; every key has a documented default (README, "Configuration").

use std::path::Path;

use anyhow::Context as _;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub policy: PolicyConfig,
    pub pull_requests: PullRequestConfig,
    pub issues: IssuesConfig,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PolicyConfig {
    /// `default` or `strict`.
    pub profile: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PullRequestConfig {
    /// Authors whose pull requests are dependency updates (auto-merge candidates).
    pub dependency_authors: Vec<String>,
    /// Labels that mark a pull request as a dependency update.
    pub dependency_labels: Vec<String>,
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
        PolicyConfig { profile: "default".to_owned() }
    }
}

impl Default for PullRequestConfig {
    fn default() -> PullRequestConfig {
        PullRequestConfig {
            dependency_authors: vec!["renovate[bot]".to_owned(), "renovate".to_owned()],
            dependency_labels: vec!["dependencies".to_owned()],
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
        let config: Config = toml::from_str(&text).map_err(|e| {
            let (line, column) = e.span().map(|s| line_column(&text, s.start)).unwrap_or((1, 1));
            anyhow::anyhow!("{}:{line}:{column}: {}", path.display(), e.message())
        })?;
        if !matches!(config.policy.profile.as_str(), "default" | "strict") {
            anyhow::bail!("{}: policy.profile must be \"default\" or \"strict\"", path.display());
        }
        Ok(config)
    }
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    (before.matches('\n').count() + 1, before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1)
}
