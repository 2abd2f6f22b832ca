//! Trivy's JSON report (schema 2), only the fields hardline keeps. Everything else
//! (descriptions, references, layers, image config…) is skipped by serde without allocation.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::json::Text;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Report<'a> {
    pub schema_version: u32,
    #[serde(borrow, default)]
    pub created_at: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub artifact_name: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub artifact_type: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub metadata: Option<Metadata<'a>>,
    #[serde(borrow, default)]
    pub results: Option<Vec<ResultEntry<'a>>>,
    /// Present from Trivy 0.6x on: `{"Version": "0.76.0"}`.
    #[serde(borrow, default)]
    pub trivy: Option<TrivyInfo<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TrivyInfo<'a> {
    #[serde(borrow, default)]
    pub version: Option<Text<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Metadata<'a> {
    #[serde(borrow, default, rename = "OS")]
    pub os: Option<Os<'a>>,
    #[serde(borrow, default, rename = "ImageID")]
    pub image_id: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub repo_digests: Option<Vec<Text<'a>>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Os<'a> {
    #[serde(borrow, default)]
    pub family: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub name: Option<Text<'a>>,
}

/// One scanned target: the OS packages, one language lock file or binary, one config file.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ResultEntry<'a> {
    #[serde(borrow)]
    pub target: Text<'a>,
    /// `os-pkgs`, `lang-pkgs`, `config`, `secret`.
    #[serde(borrow, default)]
    pub class: Option<Text<'a>>,
    /// `debian`, `gobinary`, `composer-vendor`, `dockerfile`…
    #[serde(borrow, default, rename = "Type")]
    pub kind: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub vulnerabilities: Option<Vec<Vulnerability<'a>>>,
    #[serde(borrow, default)]
    pub misconfigurations: Option<Vec<Misconfiguration<'a>>>,
    #[serde(borrow, default)]
    pub secrets: Option<Vec<Secret<'a>>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Vulnerability<'a> {
    #[serde(borrow, rename = "VulnerabilityID")]
    pub id: Text<'a>,
    #[serde(borrow, default, rename = "VendorIDs")]
    pub vendor_ids: Option<Vec<Text<'a>>>,
    #[serde(borrow)]
    pub pkg_name: Text<'a>,
    #[serde(borrow, default)]
    pub pkg_path: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub pkg_identifier: Option<PkgIdentifier<'a>>,
    #[serde(borrow, default)]
    pub installed_version: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub fixed_version: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub status: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub severity: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub severity_source: Option<Text<'a>>,
    #[serde(borrow, default, rename = "PrimaryURL")]
    pub primary_url: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub title: Option<Text<'a>>,
    /// Scores per source (`nvd`, `redhat`, `ghsa`…), in a map ordered by source name so that
    /// the fallback choice is deterministic.
    #[serde(borrow, default, rename = "CVSS")]
    pub cvss: Option<BTreeMap<Text<'a>, CvssEntry<'a>>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PkgIdentifier<'a> {
    #[serde(borrow, default, rename = "PURL")]
    pub purl: Option<Text<'a>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct CvssEntry<'a> {
    #[serde(borrow, default, rename = "V2Vector")]
    pub v2_vector: Option<Text<'a>>,
    #[serde(default, rename = "V2Score")]
    pub v2_score: Option<f64>,
    #[serde(borrow, default, rename = "V3Vector")]
    pub v3_vector: Option<Text<'a>>,
    #[serde(default, rename = "V3Score")]
    pub v3_score: Option<f64>,
    #[serde(borrow, default, rename = "V40Vector")]
    pub v40_vector: Option<Text<'a>>,
    #[serde(default, rename = "V40Score")]
    pub v40_score: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Misconfiguration<'a> {
    /// `DS-0002` (Trivy 0.6x+) or `DS002` (Trivy 0.59 and earlier).
    #[serde(borrow, default, rename = "ID")]
    pub id: Option<Text<'a>>,
    /// `AVD-DS-0002`; Trivy 0.59 and earlier, sometimes later.
    #[serde(borrow, default, rename = "AVDID")]
    pub avd_id: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub title: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub message: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub severity: Option<Text<'a>>,
    #[serde(borrow, default, rename = "PrimaryURL")]
    pub primary_url: Option<Text<'a>>,
    /// `FAIL`, `PASS`, `EXCEPTION`.
    #[serde(borrow, default)]
    pub status: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub cause_metadata: Option<CauseMetadata<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct CauseMetadata<'a> {
    #[serde(default)]
    pub start_line: Option<u32>,
    #[serde(default)]
    pub end_line: Option<u32>,
    #[serde(borrow, default)]
    pub code: Option<Code<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Code<'a> {
    #[serde(borrow, default)]
    pub lines: Option<Vec<Line<'a>>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Line<'a> {
    #[serde(borrow, default)]
    pub content: Option<Text<'a>>,
    #[serde(default)]
    pub is_cause: bool,
}

/// A secret finding. `Match` is read only to be hashed, and is never kept (nor printed by
/// `Debug`).
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Secret<'a> {
    #[serde(borrow, rename = "RuleID")]
    pub rule_id: Text<'a>,
    #[serde(borrow, default)]
    pub severity: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub title: Option<Text<'a>>,
    #[serde(default)]
    pub start_line: Option<u32>,
    #[serde(default)]
    pub end_line: Option<u32>,
    #[serde(borrow, default, rename = "Match")]
    pub matched: Option<Text<'a>>,
}

impl std::fmt::Debug for Secret<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Secret")
            .field("rule_id", &self.rule_id)
            .field("start_line", &self.start_line)
            .field("matched", &self.matched.as_ref().map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}
