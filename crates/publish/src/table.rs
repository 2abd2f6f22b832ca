//! The Markdown table of findings that issues and PR comments share.

use hardline_model::Finding;
use hardline_model::text::{code, finding_label, inline};

/// The header of a findings table.
pub const HEADER: &str = "| Severity | Finding | Installed | Fixed in | Title |\n|---|---|---|---|---|\n";

/// One row: severity, the id linked to its advisory with the package, installed and fixed
/// versions, and the title cut to `title_chars`. All report text is escaped.
pub fn row(finding: &Finding, title_chars: usize) -> String {
    let package = finding.package.as_ref();
    let version = |v: Option<&str>| v.map(|v| code(v, 64)).unwrap_or_else(|| "—".to_owned());
    format!(
        "| {} | {} | {} | {} | {} |\n",
        finding.severity,
        finding_label(finding),
        version(package.map(|p| p.version.as_str())),
        version(package.and_then(|p| p.fixed_version.as_deref())),
        inline(&finding.title, title_chars)
    )
}
