//! OpenVEX (v0.2.0) in and out: `not_affected` statements in `security/*.openvex.json` are
//! imported as exceptions, and the exceptions that carry a VEX justification can be published
//! as an OpenVEX document for customers (`hardline vex`).

use std::path::Path;

use hardline_model::{ImageName, Timestamp};
use serde::{Deserialize, Serialize};

use crate::exceptions::{Exception, ExceptionError, VEX_JUSTIFICATIONS};

const CONTEXT: &str = "https://openvex.dev/ns/v0.2.0";

#[derive(Deserialize)]
struct RawDocument {
    #[serde(rename = "@context", default)]
    context: String,
    #[serde(default)]
    statements: Vec<RawStatement>,
}

#[derive(Deserialize)]
struct RawStatement {
    vulnerability: RawVulnerability,
    #[serde(default)]
    products: Vec<RawProduct>,
    status: String,
    #[serde(default)]
    justification: Option<String>,
    #[serde(default)]
    impact_statement: Option<String>,
}

#[derive(Deserialize)]
struct RawVulnerability {
    name: String,
}

#[derive(Deserialize)]
struct RawProduct {
    #[serde(rename = "@id")]
    id: String,
    #[serde(default)]
    subcomponents: Vec<RawComponent>,
}

#[derive(Deserialize)]
struct RawComponent {
    #[serde(rename = "@id")]
    id: String,
}

/// The image a product id names: `pkg:oci/<name>@…` or `pkg:oci/<name>?…` gives `<name>`;
/// anything else is taken as the image name itself.
pub(crate) fn image_of(product: &str) -> String {
    let name = product.strip_prefix("pkg:oci/").unwrap_or(product);
    name.split(['@', '?']).next().unwrap_or(name).to_owned()
}

/// A purl without its version, qualifiers and subpath (`pkg:deb/debian/libc6@2.41?arch=amd64`
/// gives `pkg:deb/debian/libc6`): what names a package whatever its version.
pub fn purl_base(purl: &str) -> &str {
    purl.split(['@', '?', '#']).next().unwrap_or(purl)
}

/// Reads one OpenVEX document. `shown` is how exceptions name the file.
pub fn parse(text: &str, path: &Path, shown: &Path) -> Result<Vec<Exception>, ExceptionError> {
    let invalid =
        |line: usize, column: usize, message: String| ExceptionError::at(path, line, column, message);
    let document: RawDocument =
        serde_json::from_str(text).map_err(|e| ExceptionError::json(path, text, &e))?;
    if !document.context.starts_with("https://openvex.dev/ns") {
        return Err(invalid(1, 1, format!("not an OpenVEX document: @context is {:?}", document.context)));
    }
    let mut out = Vec::new();
    for statement in document.statements {
        // Only `not_affected` accepts a risk; `affected`, `fixed` and `under_investigation`
        // leave the finding counting.
        if statement.status != "not_affected" {
            continue;
        }
        let id = statement.vulnerability.name;
        let line =
            text.find(&format!("\"{id}\"")).map_or(1, |offset| text[..offset].matches('\n').count() + 1);
        if let Some(justification) = &statement.justification
            && !VEX_JUSTIFICATIONS.contains(&justification.as_str())
        {
            return Err(invalid(line, 1, format!("{id}: unknown justification {justification:?}")));
        }
        let reason =
            statement.impact_statement.clone().or_else(|| statement.justification.clone()).ok_or_else(
                || invalid(line, 1, format!("{id}: not_affected needs a justification or impact_statement")),
            )?;
        out.push(Exception {
            images: statement.products.iter().map(|p| image_of(&p.id)).collect(),
            packages: Vec::new(),
            purls: statement
                .products
                .iter()
                .flat_map(|p| p.subcomponents.iter().map(|c| purl_base(&c.id).to_owned()))
                .collect(),
            paths: Vec::new(),
            fingerprints: Vec::new(),
            reason,
            vex: statement.justification,
            expires: None,
            source: format!("{}:{line}", shown.display()),
            id,
        });
    }
    Ok(out)
}

/// An OpenVEX document.
#[derive(Debug, Serialize)]
pub struct Document {
    #[serde(rename = "@context")]
    pub context: &'static str,
    #[serde(rename = "@id")]
    pub id: String,
    pub author: String,
    pub timestamp: Timestamp,
    pub version: u32,
    pub statements: Vec<Statement>,
}

#[derive(Debug, Serialize)]
pub struct Statement {
    pub vulnerability: Vulnerability,
    pub products: Vec<Product>,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    pub impact_statement: String,
}

#[derive(Debug, Serialize)]
pub struct Vulnerability {
    pub name: String,
}

#[derive(Debug, Serialize)]
pub struct Product {
    #[serde(rename = "@id")]
    pub id: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub subcomponents: Vec<Component>,
}

#[derive(Debug, Serialize)]
pub struct Component {
    #[serde(rename = "@id")]
    pub id: String,
}

/// The OpenVEX statements of `image`, published as the product `product` (its package URL,
/// with the image's digest when known): every exception for it that gives a VEX justification
/// becomes a `not_affected` statement. Exceptions without one are accepted risks, not claims
/// that the image is unaffected, and are left out. `findings` (the image's current ones) name
/// the affected packages by purl, as customers' tools match them.
pub fn document(
    exceptions: &[&Exception],
    findings: &[hardline_model::Finding],
    image: &ImageName,
    product: &str,
    author: &str,
    timestamp: &Timestamp,
) -> Document {
    let mut statements: Vec<Statement> = exceptions
        .iter()
        .filter(|e| e.vex.is_some() && e.covers(image))
        .map(|e| Statement {
            vulnerability: Vulnerability { name: e.id.clone() },
            products: vec![Product {
                id: product.to_owned(),
                subcomponents: subcomponents(e, findings, image)
                    .into_iter()
                    .map(|id| Component { id })
                    .collect(),
            }],
            status: "not_affected",
            justification: e.vex.clone(),
            impact_statement: e.reason.clone(),
        })
        .collect();
    statements.sort_by(|a, b| a.vulnerability.name.cmp(&b.vulnerability.name));
    Document {
        context: CONTEXT,
        id: format!("urn:hardline:vex:{image}:{timestamp}"),
        author: author.to_owned(),
        timestamp: timestamp.clone(),
        version: 1,
        statements,
    }
}

/// The package URLs (without version) an exception covers: its own, or those of the findings
/// it matches.
fn subcomponents(
    exception: &Exception,
    findings: &[hardline_model::Finding],
    image: &ImageName,
) -> Vec<String> {
    let mut purls: Vec<String> = exception.purls.clone();
    for finding in findings.iter().filter(|f| exception.matches(f, image)) {
        if let Some(purl) = finding.package.as_ref().and_then(|p| p.purl.as_deref()) {
            purls.push(purl_base(purl).to_owned());
        }
    }
    purls.sort();
    purls.dedup();
    purls
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_and_component_ids_map_to_images_and_packages() {
        assert_eq!(image_of("pkg:oci/postgres-secured@sha256:abc?repository_url=x"), "postgres-secured");
        assert_eq!(image_of("postgres-secured"), "postgres-secured");
        assert_eq!(purl_base("pkg:deb/debian/libc6@2.41-12?arch=amd64"), "pkg:deb/debian/libc6");
        assert_eq!(purl_base("pkg:golang/golang.org/x/net@v0.1.0"), "pkg:golang/golang.org/x/net");
    }
}
