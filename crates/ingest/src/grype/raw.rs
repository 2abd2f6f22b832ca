//! Grype's JSON report (`grype -o json`), only the fields hardline keeps: each match's
//! vulnerability, related vulnerabilities and artifact (the package), the scanned source, the
//! distribution and the descriptor. Match details, package metadata bodies, licenses, CPEs
//! and descriptions beyond the first line are skipped without allocation.

use serde::Deserialize;

use crate::json::Text;

#[derive(Debug, Deserialize)]
pub(crate) struct Report<'a> {
    #[serde(borrow)]
    pub matches: Vec<Match<'a>>,
    #[serde(borrow, default)]
    pub source: Option<Source<'a>>,
    #[serde(borrow, default)]
    pub distro: Option<Distro<'a>>,
    /// Required: every Grype report names itself here, and another tool's `matches` must not
    /// read as an empty scan.
    #[serde(borrow)]
    pub descriptor: Descriptor<'a>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Match<'a> {
    #[serde(borrow)]
    pub vulnerability: Vulnerability<'a>,
    #[serde(borrow, default)]
    pub related_vulnerabilities: Option<Vec<Related<'a>>>,
    #[serde(borrow)]
    pub artifact: Artifact<'a>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Vulnerability<'a> {
    #[serde(borrow)]
    pub id: Text<'a>,
    #[serde(borrow, default)]
    pub data_source: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub namespace: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub severity: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub description: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub cvss: Option<Vec<Cvss<'a>>>,
    #[serde(borrow, default)]
    pub fix: Option<Fix<'a>>,
}

/// The same vulnerability under other ids (a GHSA's CVE), from other namespaces (NVD).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Related<'a> {
    #[serde(borrow)]
    pub id: Text<'a>,
    #[serde(borrow, default)]
    pub namespace: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub cvss: Option<Vec<Cvss<'a>>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Cvss<'a> {
    #[serde(borrow, default)]
    pub version: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub vector: Option<Text<'a>>,
    #[serde(default)]
    pub metrics: Option<Metrics>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Metrics {
    #[serde(default)]
    pub base_score: Option<f64>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Fix<'a> {
    #[serde(borrow, default)]
    pub versions: Option<Vec<Text<'a>>>,
    /// `fixed`, `not-fixed`, `wont-fix`, `unknown`.
    #[serde(borrow, default)]
    pub state: Option<Text<'a>>,
}

/// The package a vulnerability was matched in (syft's package).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Artifact<'a> {
    #[serde(borrow)]
    pub name: Text<'a>,
    #[serde(borrow, default)]
    pub version: Option<Text<'a>>,
    /// `deb`, `rpm`, `apk`, `go-module`, `java-archive`, `npm`, `python`, `php-composer`…
    #[serde(borrow, default, rename = "type")]
    pub kind: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub locations: Option<Vec<FileLocation<'a>>>,
    #[serde(borrow, default)]
    pub purl: Option<Text<'a>>,
    /// Where syft found it: `dpkg-db-entry`, `go-module-buildinfo-entry`,
    /// `php-composer-installed-entry`, `javascript-npm-package`…
    #[serde(borrow, default)]
    pub metadata_type: Option<Text<'a>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct FileLocation<'a> {
    #[serde(borrow, default)]
    pub path: Option<Text<'a>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Source<'a> {
    /// `image`, `directory`, `file`, `sbom-file`, `purl`…
    #[serde(borrow, rename = "type")]
    pub kind: Text<'a>,
    /// An object for an image, a string otherwise.
    #[serde(borrow, default)]
    pub target: Option<Target<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum Target<'a> {
    Image(#[serde(borrow)] ImageTarget<'a>),
    Path(#[serde(borrow)] Text<'a>),
    Other(serde::de::IgnoredAny),
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ImageTarget<'a> {
    #[serde(borrow)]
    pub user_input: Text<'a>,
    #[serde(borrow, default, rename = "imageID")]
    pub image_id: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub repo_digests: Option<Vec<Text<'a>>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Distro<'a> {
    #[serde(borrow, default)]
    pub name: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub version: Option<Text<'a>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Descriptor<'a> {
    #[serde(borrow, default)]
    pub name: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub version: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub timestamp: Option<Text<'a>>,
}
