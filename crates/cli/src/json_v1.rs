//! The JSON users script against, version 1. Its own types, not the internal structs dumped:
//! the model may change, this may only grow.

use hardline_model::{Change, Counts, Diff, Finding};
use serde::Serialize;

#[derive(Serialize)]
pub struct FindingV1 {
    pub id: String,
    pub kind: &'static str,
    pub severity: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub installed_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub fingerprint: String,
}

impl From<&Finding> for FindingV1 {
    fn from(f: &Finding) -> FindingV1 {
        FindingV1 {
            id: f.id.clone(),
            kind: f.kind.as_str(),
            severity: f.severity.as_str(),
            package: f.package.as_ref().map(|p| p.name.clone()),
            installed_version: f.package.as_ref().map(|p| p.version.clone()),
            fixed_version: f.package.as_ref().and_then(|p| p.fixed_version.clone()),
            path: f
                .package
                .as_ref()
                .and_then(|p| p.path.clone())
                .or_else(|| f.location.as_ref().map(|l| l.path.clone())),
            title: f.title.clone(),
            url: f.url.clone(),
            fingerprint: f.fingerprint.to_string(),
        }
    }
}

#[derive(Serialize)]
pub struct ChangeV1 {
    #[serde(flatten)]
    pub finding: FindingV1,
    pub changed: Vec<hardline_model::ChangedField>,
    pub before: FindingV1,
}

impl From<&Change> for ChangeV1 {
    fn from(c: &Change) -> ChangeV1 {
        ChangeV1 { finding: (&c.after).into(), changed: c.fields.clone(), before: (&c.before).into() }
    }
}

#[derive(Serialize)]
pub struct DiffV1 {
    pub new: Vec<FindingV1>,
    pub fixed: Vec<FindingV1>,
    pub changed: Vec<ChangeV1>,
    pub unchanged: usize,
}

impl From<&Diff> for DiffV1 {
    fn from(d: &Diff) -> DiffV1 {
        DiffV1 {
            new: d.new.iter().map(Into::into).collect(),
            fixed: d.fixed.iter().map(Into::into).collect(),
            changed: d.changed.iter().map(Into::into).collect(),
            unchanged: d.unchanged + d.refreshed.len(),
        }
    }
}

/// Counts with the total, as every JSON output shows them.
#[derive(Serialize)]
pub struct CountsV1 {
    #[serde(flatten)]
    pub counts: Counts,
    pub total: u32,
}

impl From<Counts> for CountsV1 {
    fn from(counts: Counts) -> CountsV1 {
        CountsV1 { counts, total: counts.total() }
    }
}
