//! `cyclonedx-vex`: CycloneDX 1.6 with a `vulnerabilities` entry for every finding of the image,
//! each with an `analysis` (state, justification, response, detail) that says what was
//! decided, and `affects` pointing at the package (or the image) with its version. Own serde
//! types for the subset written (see ARCHITECTURE.md); valid against the official 1.6 JSON
//! schema (checked in CI with the schema `cyclonedx-python-lib` ships).
//!
//! | hardline | `analysis.state` | `justification` | `response` |
//! | --- | --- | --- | --- |
//! | accepted with a VEX justification | `not_affected` | mapped (below) | `will_not_fix` |
//! | accepted without one | `in_triage` | — | `will_not_fix` (+ `update` when fixable) |
//! | open, a fix exists | `in_triage` | — | `update` |
//! | open, the distribution will not fix | `in_triage` | — | `will_not_fix` |
//! | open, no fix yet | `in_triage` | — | `can_not_fix` |
//!
//! OpenVEX justifications map as the usual VEX translations do: `component_not_present` →
//! `requires_dependency`, `vulnerable_code_not_present` → `code_not_present`,
//! `vulnerable_code_not_in_execute_path` → `code_not_reachable`,
//! `vulnerable_code_cannot_be_controlled_by_adversary` → `requires_environment`,
//! `inline_mitigations_already_exist` → `protected_by_mitigating_control`.

use std::collections::BTreeMap;

use hardline_model::text::single_line;
use hardline_model::{Finding, Severity, Status};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{Export, ExportInput, pretty};
use crate::PublishError;
use crate::dashboard::rfc3339;
use crate::report::{AcceptedRisk, ImageReport, ReportFinding, advisory_url};

pub(crate) static EXPORT: Export = Export {
    name: "cyclonedx-vex",
    description: "CycloneDX 1.6 VEX: every finding with its analysis (state, justification, response)",
    file_name: "vex.cdx.json",
    render,
};

/// Bounds for report text in the document (the schema caps versions at 1024 characters).
const MAX_NAME: usize = 512;
const MAX_VERSION: usize = 256;
const MAX_TEXT: usize = 2000;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Bom {
    bom_format: &'static str,
    spec_version: &'static str,
    serial_number: String,
    version: u32,
    metadata: Metadata,
    components: Vec<Component>,
    vulnerabilities: Vec<Vulnerability>,
}

#[derive(Serialize)]
struct Metadata {
    timestamp: String,
    tools: Tools,
    authors: Vec<Contact>,
    component: Component,
}

#[derive(Serialize)]
struct Tools {
    components: Vec<Component>,
}

#[derive(Serialize)]
struct Contact {
    name: String,
}

#[derive(Clone, Serialize)]
struct Component {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "bom-ref", skip_serializing_if = "Option::is_none")]
    bom_ref: Option<String>,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<String>,
}

#[derive(Serialize)]
struct Vulnerability {
    #[serde(rename = "bom-ref")]
    bom_ref: String,
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<Source>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    references: Vec<Reference>,
    ratings: Vec<Rating>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    analysis: Analysis,
    affects: Vec<Affects>,
}

#[derive(Serialize)]
struct Source {
    name: &'static str,
    url: String,
}

#[derive(Serialize)]
struct Reference {
    id: String,
    source: Source,
}

#[derive(Serialize)]
struct Rating {
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<RatingSource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<f64>,
    severity: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    method: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    vector: Option<String>,
}

#[derive(Serialize)]
struct RatingSource {
    name: String,
}

#[derive(Serialize)]
struct Analysis {
    state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<&'static str>,
    response: Vec<&'static str>,
    detail: String,
}

#[derive(Serialize)]
struct Affects {
    #[serde(rename = "ref")]
    target: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    versions: Vec<AffectedVersion>,
}

#[derive(Serialize)]
struct AffectedVersion {
    version: String,
    status: &'static str,
}

fn render(input: &ExportInput<'_>) -> Result<String, PublishError> {
    let report = input.report;
    let image = image_component(report);
    let image_ref = image.bom_ref.clone().unwrap_or_default();
    let mut components: BTreeMap<String, Component> = BTreeMap::new();
    let mut vulnerabilities = Vec::new();
    for item in &report.findings {
        let target = match package_component(&item.finding) {
            Some(component) => {
                let key = component.bom_ref.clone().unwrap_or_default();
                components.entry(key.clone()).or_insert(component);
                key
            }
            None => image_ref.clone(),
        };
        vulnerabilities.push(vulnerability(report, item, target));
    }
    let bom = Bom {
        bom_format: "CycloneDX",
        spec_version: "1.6",
        serial_number: serial_number(report),
        version: 1,
        metadata: Metadata {
            timestamp: rfc3339(report.as_of),
            tools: Tools {
                components: vec![Component {
                    kind: "application",
                    bom_ref: None,
                    name: "hardline".to_owned(),
                    version: Some(env!("CARGO_PKG_VERSION").to_owned()),
                    purl: None,
                }],
            },
            authors: vec![Contact { name: single_line(input.author, MAX_NAME) }],
            component: image,
        },
        components: components.into_values().collect(),
        vulnerabilities,
    };
    pretty(&bom)
}

/// The image: a container, named by its package URL (with its digest when known).
fn image_component(report: &ImageReport) -> Component {
    Component {
        kind: "container",
        bom_ref: Some(report.product.purl.clone()),
        name: report.image.to_string(),
        version: report.product.digest.clone(),
        purl: Some(report.product.purl.clone()),
    }
}

/// The package a finding is in, keyed by its package URL (or name, version and path when the
/// scanner gave none).
fn package_component(finding: &Finding) -> Option<Component> {
    let package = finding.package.as_ref()?;
    let purl = package.purl.as_deref().map(|p| single_line(p, MAX_TEXT)).filter(|p| p.starts_with("pkg:"));
    let version = Some(single_line(&package.version, MAX_VERSION)).filter(|v| !v.is_empty());
    let name = Some(single_line(&package.name, MAX_NAME))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "unnamed".to_owned());
    let bom_ref = match &purl {
        Some(purl) => purl.clone(),
        None => {
            let path = package
                .path
                .as_deref()
                .map(|p| format!(" in {}", single_line(p, MAX_NAME)))
                .unwrap_or_default();
            format!("package:{}/{name}@{}{path}", package.ecosystem, version.as_deref().unwrap_or(""))
        }
    };
    Some(Component { kind: "library", bom_ref: Some(bom_ref), name, version, purl })
}

fn vulnerability(report: &ImageReport, item: &ReportFinding, target: String) -> Vulnerability {
    let finding = &item.finding;
    let installed =
        finding.package.as_ref().map(|p| single_line(&p.version, MAX_VERSION)).filter(|v| !v.is_empty());
    let analysis = analysis(finding, report.exception_of(item));
    let status = if analysis.state == "not_affected" { "unaffected" } else { "affected" };
    Vulnerability {
        bom_ref: format!("finding:{}", finding.fingerprint),
        id: single_line(&finding.id, MAX_NAME),
        source: source(&finding.id),
        references: finding
            .aliases
            .iter()
            .filter_map(|alias| source(alias).map(|source| Reference { id: alias.clone(), source }))
            .collect(),
        ratings: vec![rating(finding)],
        description: Some(single_line(&finding.title, MAX_TEXT)).filter(|d| !d.is_empty()),
        analysis,
        affects: vec![Affects {
            target,
            versions: installed.into_iter().map(|version| AffectedVersion { version, status }).collect(),
        }],
    }
}

/// Where an id is documented, when hardline knows (the same pages the report links).
fn source(id: &str) -> Option<Source> {
    let url = advisory_url(id)?;
    let name = if id.starts_with("GHSA-") { "GitHub Advisory Database" } else { "NVD" };
    Some(Source { name, url })
}

fn rating(finding: &Finding) -> Rating {
    let severity = match finding.severity {
        Severity::Critical => "critical",
        Severity::High => "high",
        Severity::Medium => "medium",
        Severity::Low => "low",
        Severity::Unknown => "unknown",
    };
    match &finding.cvss {
        Some(cvss) if cvss.score.is_finite() && (0.0..=10.0).contains(&cvss.score) => Rating {
            source: Some(RatingSource { name: single_line(&cvss.source, MAX_NAME) }),
            score: Some(cvss.score),
            severity,
            method: Some(match cvss.version.trim_start_matches(['v', 'V']) {
                "2" | "2.0" => "CVSSv2",
                "3" | "3.0" => "CVSSv3",
                "3.1" => "CVSSv31",
                "4" | "4.0" => "CVSSv4",
                _ => "other",
            }),
            vector: cvss.vector.as_deref().map(|v| single_line(v, MAX_NAME)),
        },
        _ => Rating { source: None, score: None, severity, method: None, vector: None },
    }
}

/// What was decided about a finding, in CycloneDX's words (the table at the top).
fn analysis(finding: &Finding, exception: Option<&AcceptedRisk>) -> Analysis {
    let fixed = finding.package.as_ref().and_then(|p| p.fixed_version.as_deref()).filter(|v| !v.is_empty());
    match exception.map(|a| &a.exception) {
        Some(exception) if exception.vex.is_some() => Analysis {
            state: "not_affected",
            justification: exception.vex.as_deref().map(justification),
            response: vec!["will_not_fix"],
            detail: single_line(&exception.reason, MAX_TEXT),
        },
        Some(exception) => {
            let until = exception.expires.map(|d| format!(" until {d}")).unwrap_or_default();
            let mut response = vec!["will_not_fix"];
            if fixed.is_some() {
                response.push("update");
            }
            Analysis {
                state: "in_triage",
                justification: None,
                response,
                detail: format!("Risk accepted{until}: {}", single_line(&exception.reason, MAX_TEXT)),
            }
        }
        None => {
            let (response, detail) = match (fixed, finding.status) {
                (Some(version), _) => {
                    ("update", format!("Open; fixed in {}.", single_line(version, MAX_VERSION)))
                }
                (None, Some(Status::WillNotFix)) => {
                    ("will_not_fix", "Open; the distribution will not fix it.".to_owned())
                }
                (None, _) => ("can_not_fix", "Open; no fixed version is available yet.".to_owned()),
            };
            Analysis { state: "in_triage", justification: None, response: vec![response], detail }
        }
    }
}

/// The CycloneDX justification for an OpenVEX one (validated when exceptions are read).
fn justification(openvex: &str) -> &'static str {
    match openvex {
        "component_not_present" => "requires_dependency",
        "vulnerable_code_not_present" => "code_not_present",
        "vulnerable_code_not_in_execute_path" => "code_not_reachable",
        "vulnerable_code_cannot_be_controlled_by_adversary" => "requires_environment",
        _ => "protected_by_mitigating_control",
    }
}

/// A UUID (version 8, RFC 9562) derived from the image, the chain head and the moment: the same
/// report gives the same serial number, a different one another.
fn serial_number(report: &ImageReport) -> String {
    let mut hash = Sha256::new();
    hash.update(report.image.as_str().as_bytes());
    hash.update(b"\n");
    hash.update(report.chain.hash.as_bytes());
    hash.update(b"\n");
    hash.update(rfc3339(report.as_of).as_bytes());
    let digest = hash.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hardline_model::hex(&bytes);
    format!("urn:uuid:{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_openvex_justification_has_a_cyclonedx_one() {
        let words: Vec<&str> =
            hardline_policy::exceptions::VEX_JUSTIFICATIONS.iter().map(|j| justification(j)).collect();
        assert_eq!(
            words,
            [
                "requires_dependency",
                "code_not_present",
                "code_not_reachable",
                "requires_environment",
                "protected_by_mitigating_control"
            ]
        );
    }
}
