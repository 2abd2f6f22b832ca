//! SARIF 2.1.0, only the subset hardline reads: runs, the tool driver and its rules, and each
//! result's rule, level, message, first physical location and partial fingerprints.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

use crate::json::Text;

#[derive(Debug, Deserialize)]
pub(crate) struct Log<'a> {
    #[serde(borrow)]
    pub version: Text<'a>,
    #[serde(borrow)]
    pub runs: Vec<Run<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Run<'a> {
    #[serde(borrow)]
    pub tool: Tool<'a>,
    /// Absent or `null` when the tool did not run; empty when it found nothing.
    #[serde(borrow, default)]
    pub results: Option<Vec<SarifResult<'a>>>,
    /// Where each `uriBaseId` points (Trivy: `ROOTPATH` → `file:///…/`).
    #[serde(borrow, default)]
    pub original_uri_base_ids: Option<BTreeMap<Text<'a>, ArtifactLocation<'a>>>,
    /// Trivy writes the image it scanned here: `imageName`, `imageID`, `repoDigests`.
    #[serde(borrow, default)]
    pub properties: Option<RunProperties<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RunProperties<'a> {
    #[serde(borrow, default)]
    pub image_name: Option<Text<'a>>,
    #[serde(borrow, default, rename = "imageID")]
    pub image_id: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub repo_digests: Option<Vec<Text<'a>>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Tool<'a> {
    #[serde(borrow)]
    pub driver: Driver<'a>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Driver<'a> {
    #[serde(borrow)]
    pub name: Text<'a>,
    #[serde(borrow, default)]
    pub version: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub semantic_version: Option<Text<'a>>,
    /// hadolint writes none; results then carry only a `ruleId`.
    #[serde(borrow, default)]
    pub rules: Option<Vec<Rule<'a>>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Rule<'a> {
    #[serde(borrow)]
    pub id: Text<'a>,
    /// Trivy: `OsPackageVulnerability`, `LanguageSpecificPackageVulnerability`,
    /// `Misconfiguration`, `Secret`.
    #[serde(borrow, default)]
    pub name: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub short_description: Option<Message<'a>>,
    #[serde(borrow, default)]
    pub help_uri: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub default_configuration: Option<Configuration<'a>>,
    #[serde(borrow, default)]
    pub properties: Option<RuleProperties<'a>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Configuration<'a> {
    #[serde(borrow, default)]
    pub level: Option<Text<'a>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RuleProperties<'a> {
    /// GitHub's convention: a CVSS-like score, as a string (`"8.8"`) or, from some tools, a
    /// number. Anything else is ignored.
    #[serde(default, rename = "security-severity", deserialize_with = "lenient_score")]
    pub security_severity: Option<f64>,
    #[serde(borrow, default)]
    pub tags: Option<Vec<Text<'a>>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SarifResult<'a> {
    #[serde(borrow, default)]
    pub rule_id: Option<Text<'a>>,
    #[serde(default)]
    pub rule_index: Option<usize>,
    #[serde(borrow, default)]
    pub rule: Option<RuleReference<'a>>,
    #[serde(borrow, default)]
    pub level: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub message: Option<Message<'a>>,
    #[serde(borrow, default)]
    pub locations: Option<Vec<ResultLocation<'a>>>,
    #[serde(borrow, default)]
    pub partial_fingerprints: Option<BTreeMap<Text<'a>, Text<'a>>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RuleReference<'a> {
    #[serde(borrow, default)]
    pub id: Option<Text<'a>>,
    #[serde(default)]
    pub index: Option<usize>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Message<'a> {
    #[serde(borrow, default)]
    pub text: Option<Text<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ResultLocation<'a> {
    #[serde(borrow, default)]
    pub physical_location: Option<PhysicalLocation<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PhysicalLocation<'a> {
    #[serde(borrow, default)]
    pub artifact_location: Option<ArtifactLocation<'a>>,
    #[serde(borrow, default)]
    pub region: Option<Region<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ArtifactLocation<'a> {
    #[serde(borrow, default)]
    pub uri: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub uri_base_id: Option<Text<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Region<'a> {
    #[serde(default)]
    pub start_line: Option<u32>,
    #[serde(default)]
    pub start_column: Option<u32>,
    #[serde(default)]
    pub end_line: Option<u32>,
    #[serde(borrow, default)]
    pub snippet: Option<Message<'a>>,
}

/// A score written as a string or a number; anything unreadable is `None`, not an error.
fn lenient_score<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Score<'a> {
        Number(f64),
        Text(#[serde(borrow)] Text<'a>),
        Other(serde::de::IgnoredAny),
    }
    Ok(match Score::deserialize(deserializer)? {
        Score::Number(score) => Some(score),
        Score::Text(text) => text.as_str().trim().parse().ok(),
        Score::Other(_) => None,
    })
}
