//! CycloneDX VEX in: the `vulnerabilities` of a CycloneDX document in
//! `security/*.cdx.json` whose analysis says the product is not affected become exceptions,
//! as OpenVEX `not_affected` statements do (`vex.rs`).
//!
//! - **Which statements**: `analysis.state` `not_affected` or `false_positive`. `exploitable`,
//!   `in_triage`, `resolved` leave the finding counting.
//! - **Scope**: each `affects[].ref` is a package URL, a `bom-ref` of a component of the
//!   document (by its purl), or a BOM-Link (`urn:cdx:…#bom-ref`) to one. A ref to the
//!   document's own product (`metadata.component`) or to a `pkg:oci/…` component scopes the
//!   statement to that image; a package URL scopes it to that package, any version. The
//!   product names the image too.
//! - **Reason**: `analysis.detail`, else the justification; a statement with neither is an
//!   error. The CycloneDX justification is kept as the OpenVEX one it corresponds to, so that
//!   `hardline vex` can publish it: `code_not_present` → `vulnerable_code_not_present`,
//!   `code_not_reachable` → `vulnerable_code_not_in_execute_path`, `requires_configuration`,
//!   `requires_dependency`, `requires_environment` →
//!   `vulnerable_code_cannot_be_controlled_by_adversary`, `protected_*` →
//!   `inline_mitigations_already_exist`.
//! - No expiry: like OpenVEX statements, they hold until the document changes.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::exceptions::{Exception, ExceptionError};
use crate::vex::{image_of, purl_base};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawDocument {
    bom_format: String,
    #[serde(default)]
    metadata: Option<RawMetadata>,
    #[serde(default)]
    components: Vec<RawComponent>,
    #[serde(default)]
    vulnerabilities: Vec<RawVulnerability>,
}

#[derive(Deserialize)]
struct RawMetadata {
    #[serde(default)]
    component: Option<RawComponent>,
}

#[derive(Deserialize)]
struct RawComponent {
    #[serde(rename = "bom-ref", default)]
    bom_ref: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    purl: Option<String>,
    #[serde(default)]
    components: Vec<RawComponent>,
}

#[derive(Deserialize)]
struct RawVulnerability {
    id: String,
    #[serde(default)]
    analysis: Option<RawAnalysis>,
    #[serde(default)]
    affects: Vec<RawAffects>,
}

#[derive(Deserialize)]
struct RawAnalysis {
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    justification: Option<String>,
    #[serde(default)]
    detail: Option<String>,
}

#[derive(Deserialize)]
struct RawAffects {
    #[serde(rename = "ref")]
    reference: String,
}

/// The OpenVEX justification a CycloneDX one corresponds to.
fn openvex_justification(cyclonedx: &str) -> Option<&'static str> {
    Some(match cyclonedx {
        "code_not_present" => "vulnerable_code_not_present",
        "code_not_reachable" => "vulnerable_code_not_in_execute_path",
        "requires_configuration" | "requires_dependency" | "requires_environment" => {
            "vulnerable_code_cannot_be_controlled_by_adversary"
        }
        "protected_by_compiler"
        | "protected_at_runtime"
        | "protected_at_perimeter"
        | "protected_by_mitigating_control" => "inline_mitigations_already_exist",
        _ => return None,
    })
}

/// What a ref names: an image, or a package (its purl without version).
enum Target {
    Image(String),
    Package(String),
}

/// Reads one CycloneDX document. `shown` is how exceptions name the file. A document without
/// vulnerabilities (an SBOM kept beside) gives none.
pub fn parse(text: &str, path: &Path, shown: &Path) -> Result<Vec<Exception>, ExceptionError> {
    let invalid =
        |line: usize, column: usize, message: String| ExceptionError::at(path, line, column, message);
    let document: RawDocument =
        serde_json::from_str(text).map_err(|e| ExceptionError::json(path, text, &e))?;
    if document.bom_format != "CycloneDX" {
        return Err(invalid(
            1,
            1,
            format!("not a CycloneDX document: bomFormat is {:?}", document.bom_format),
        ));
    }
    let product = document.metadata.as_ref().and_then(|m| m.component.as_ref());
    let product_image = product.and_then(|c| c.purl.as_deref().map(image_of).or_else(|| c.name.clone()));
    let mut targets: BTreeMap<String, Target> = BTreeMap::new();
    let mut stack: Vec<&RawComponent> = document.components.iter().chain(product).collect();
    while let Some(component) = stack.pop() {
        stack.extend(component.components.iter());
        let Some(bom_ref) = &component.bom_ref else { continue };
        let is_product = product.is_some_and(|p| std::ptr::eq(p, component));
        let target = match component.purl.as_deref() {
            Some(purl) if purl.starts_with("pkg:oci/") => Target::Image(image_of(purl)),
            _ if is_product => Target::Image(product_image.clone().unwrap_or_default()),
            Some(purl) => Target::Package(purl_base(purl).to_owned()),
            None => continue,
        };
        targets.insert(bom_ref.clone(), target);
    }

    let mut out = Vec::new();
    for vulnerability in &document.vulnerabilities {
        let Some(analysis) = &vulnerability.analysis else { continue };
        let state = analysis.state.as_deref().unwrap_or("");
        if !matches!(state, "not_affected" | "false_positive") {
            continue;
        }
        let id = &vulnerability.id;
        let line =
            text.find(&format!("\"{id}\"")).map_or(1, |offset| text[..offset].matches('\n').count() + 1);
        let vex = match analysis.justification.as_deref() {
            Some(justification) => Some(openvex_justification(justification).ok_or_else(|| {
                invalid(line, 1, format!("{id}: unknown CycloneDX justification {justification:?}"))
            })?),
            None => None,
        };
        let reason = analysis
            .detail
            .clone()
            .filter(|d| !d.trim().is_empty())
            .or_else(|| analysis.justification.clone())
            .ok_or_else(|| invalid(line, 1, format!("{id}: {state} needs a justification or a detail")))?;
        let (mut images, mut purls) = (Vec::new(), Vec::new());
        for affects in &vulnerability.affects {
            let reference = affects.reference.rsplit_once('#').map_or(affects.reference.as_str(), |(_, r)| r);
            match targets.get(reference) {
                Some(Target::Image(image)) => images.push(image.clone()),
                Some(Target::Package(purl)) => purls.push(purl.clone()),
                None if reference.starts_with("pkg:oci/") => images.push(image_of(reference)),
                None if reference.starts_with("pkg:") => purls.push(purl_base(reference).to_owned()),
                None => {
                    return Err(invalid(
                        line,
                        1,
                        format!("{id}: affects ref {reference:?} names no component of the document"),
                    ));
                }
            }
        }
        if images.is_empty()
            && let Some(image) = &product_image
        {
            images.push(image.clone());
        }
        images.sort();
        images.dedup();
        purls.sort();
        purls.dedup();
        out.push(Exception {
            id: id.clone(),
            images,
            packages: Vec::new(),
            purls,
            paths: Vec::new(),
            fingerprints: Vec::new(),
            reason,
            vex: vex.map(str::to_owned),
            expires: None,
            source: format!("{}:{line}", shown.display()),
        });
    }
    Ok(out)
}
