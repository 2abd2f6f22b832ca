//! SARIF 2.1.0 for GitHub code scanning: the image's open findings (what its last recorded scan
//! found), one run per image, so that each image is one upload (`category: hardline/<image>`).
//!
//! - one rule per vulnerability or rule id, with help text and GitHub's `security-severity`
//!   (the CVSS score when the scanner gave one, else CRITICAL 9.5, HIGH 8.0, MEDIUM 5.5, LOW
//!   2.0, which GitHub maps back to the same severity);
//! - one result per finding, located where GitHub can show it (the image's Dockerfile for a
//!   vulnerability or a secret inside the image, the file for a misconfiguration or SAST
//!   result), with hardline's fingerprint as `partialFingerprints["hardline/v1"]`, so that an
//!   alert keeps its identity across scans exactly as long as hardline's finding does;
//! - a finding an active exception covers carries an external suppression with the reason;
//! - `automationDetails.id` `hardline/<image>/`, so each image's uploads are a category of
//!   their own.
//!
//! Everything from a report is text to SARIF consumers: plain in `text` fields, escaped in
//! `markdown` ones, bounded. The output is deterministic (rules by id, results in report order).

use std::collections::BTreeMap;

use hardline_model::text::{inline, safe_url, single_line};
use hardline_model::{Finding, FindingKind, ImageName, Severity};
use hardline_policy::Exception;
use serde::Serialize;

use super::{Export, ExportInput, pretty};
use crate::PublishError;

pub(crate) static EXPORT: Export = Export {
    name: "sarif",
    description: "SARIF 2.1.0 of the image's open findings, for GitHub code scanning (one run per image)",
    file_name: "hardline.sarif",
    render,
};

/// The schema every log names.
pub const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
/// The key of hardline's fingerprint in `partialFingerprints`: versioned, so that a future
/// change of identity would be a new key rather than a silent break of every alert.
pub const FINGERPRINT_KEY: &str = "hardline/v1";
/// Longest report text in one SARIF string.
const MAX_TEXT: usize = 1_000;

fn render(input: &ExportInput<'_>) -> Result<String, PublishError> {
    pretty(&log(&input.report.image, &input.entries()))
}

/// The log of `image`, its findings each with the active exception that covers it, if any.
fn log<'a>(image: &ImageName, entries: &'a [(&'a Finding, Option<&'a Exception>)]) -> Log<'a> {
    let mut by_rule: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for (finding, _) in entries {
        by_rule.entry(finding.id.as_str()).or_default().push(finding);
    }
    let rules: Vec<Rule> = by_rule.iter().map(|(id, findings)| rule(id, findings)).collect();
    let index: BTreeMap<&str, usize> = by_rule.keys().enumerate().map(|(i, id)| (*id, i)).collect();
    let mut ordered: Vec<&(&Finding, Option<&Exception>)> = entries.iter().collect();
    ordered.sort_by(|(a, _), (b, _)| Finding::report_order(a, b));
    let results = ordered
        .into_iter()
        .map(|(finding, exception)| result(image, finding, *exception, index[finding.id.as_str()]))
        .collect();
    Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "hardline",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: "https://github.com/hardline-sec/hardline",
                    rules,
                },
            },
            automation_details: AutomationDetails { id: format!("hardline/{image}/") },
            results,
        }],
    }
}

/// GitHub's `security-severity`: the CVSS score behind the severity when there is one.
fn security_severity(finding: &Finding) -> String {
    match &finding.cvss {
        Some(cvss) if (0.0..=10.0).contains(&cvss.score) => format!("{:.1}", cvss.score),
        _ => match finding.severity {
            Severity::Critical => "9.5",
            Severity::High => "8.0",
            Severity::Medium => "5.5",
            Severity::Low | Severity::Unknown => "2.0",
        }
        .to_owned(),
    }
}

/// A rule's: the highest CVSS score among its findings when any has one (an id's score is the
/// same in every package), else the default of its most severe finding.
fn rule_security_severity(findings: &[&Finding], worst: &Finding) -> String {
    findings
        .iter()
        .filter(|f| f.cvss.is_some())
        .map(|f| security_severity(f))
        .max_by(|a, b| a.parse::<f64>().unwrap_or(0.0).total_cmp(&b.parse::<f64>().unwrap_or(0.0)))
        .unwrap_or_else(|| security_severity(worst))
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Unknown => "note",
    }
}

fn kind_tag(kind: FindingKind) -> &'static str {
    match kind {
        FindingKind::Vulnerability => "vulnerability",
        FindingKind::Misconfiguration => "misconfiguration",
        FindingKind::Secret => "secret",
        FindingKind::Sast => "sast",
    }
}

/// One rule for every finding of an id; its reading is the most severe one's.
fn rule<'a>(id: &'a str, findings: &[&'a Finding]) -> Rule<'a> {
    let worst = findings
        .iter()
        .copied()
        .max_by(|a, b| a.severity.cmp(&b.severity).then(b.fingerprint.cmp(&a.fingerprint)));
    let worst = worst.unwrap_or(findings[0]);
    let title = if worst.title.is_empty() { id } else { worst.title.as_str() };
    let url = worst.url.as_deref().and_then(safe_url);
    let mut packages: Vec<&str> = findings.iter().filter_map(|f| f.package_name()).collect();
    packages.sort_unstable();
    packages.dedup();
    let affected =
        if packages.is_empty() { String::new() } else { format!(" Affected: {}.", packages.join(", ")) };
    let text = format!("{} ({}).{affected}", single_line(title, MAX_TEXT), worst.severity.label());
    let markdown = format!(
        "**{}** — {}{}{}",
        inline(id, 200),
        inline(title, MAX_TEXT),
        if packages.is_empty() {
            String::new()
        } else {
            format!("\n\nAffected packages: {}", inline(&packages.join(", "), MAX_TEXT))
        },
        url.map(|u| format!("\n\nMore: {u}")).unwrap_or_default()
    );
    Rule {
        id,
        short_description: Text { text: single_line(title, 200) },
        full_description: Text { text: single_line(title, MAX_TEXT) },
        help_uri: url,
        help: Help { text: single_line(&text, MAX_TEXT * 2), markdown },
        default_configuration: Configuration { level: level(worst.severity) },
        properties: RuleProperties {
            security_severity: rule_security_severity(findings, worst),
            tags: vec!["security", kind_tag(worst.kind)],
        },
    }
}

fn result<'a>(
    image: &ImageName,
    finding: &'a Finding,
    exception: Option<&'a Exception>,
    rule_index: usize,
) -> SarifResult<'a> {
    let what = match &finding.package {
        Some(p) => {
            let fixed = p.fixed_version.as_deref().filter(|v| !v.is_empty());
            format!(
                "{} in {} {}{}",
                finding.id,
                p.name,
                p.version,
                fixed.map(|v| format!(" → {v}")).unwrap_or_else(|| " (no fix yet)".to_owned())
            )
        }
        None => match &finding.location {
            Some(l) => format!("{} in {}", finding.id, l.path),
            None => finding.id.clone(),
        },
    };
    let text = if finding.title.is_empty() { what } else { format!("{what}: {}", finding.title) };
    // Findings in files of the repository point at the file; findings inside the image (its
    // packages, a secret in its file system) at the Dockerfile that builds it.
    let (uri, line) = match (&finding.kind, &finding.location) {
        (FindingKind::Misconfiguration | FindingKind::Sast, Some(l)) if is_repository_path(&l.path) => {
            (l.path.clone(), l.start_line.unwrap_or(1).max(1))
        }
        _ => (format!("images/{image}/Dockerfile"), 1),
    };
    SarifResult {
        rule_id: finding.id.as_str(),
        rule_index,
        level: level(finding.severity),
        message: Text { text: single_line(&text, MAX_TEXT) },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation { uri },
                region: Region { start_line: line },
            },
        }],
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, finding.fingerprint.as_str())]),
        suppressions: exception
            .map(|e| {
                vec![Suppression {
                    kind: "external",
                    status: "accepted",
                    justification: single_line(&format!("{} ({})", e.reason, e.source), MAX_TEXT),
                }]
            })
            .unwrap_or_default(),
    }
}

/// A relative path without `..`: a file the repository can hold.
fn is_repository_path(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && !path.split('/').any(|part| part == "..")
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    automation_details: AutomationDetails,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
struct AutomationDetails {
    id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    short_description: Text,
    full_description: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<&'a str>,
    help: Help,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    #[serde(rename = "security-severity")]
    security_severity: String,
    tags: Vec<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    partial_fingerprints: BTreeMap<&'static str, &'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
}

#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    status: &'static str,
    justification: String,
}

#[cfg(test)]
mod tests {
    use hardline_model::{Cvss, Location as FindingLocation};

    use super::*;

    fn image() -> ImageName {
        ImageName::new("app").expect("name")
    }

    fn exception() -> Exception {
        Exception {
            id: "CVE-1".into(),
            images: Vec::new(),
            packages: Vec::new(),
            purls: Vec::new(),
            paths: Vec::new(),
            fingerprints: Vec::new(),
            reason: "not reachable\n@team <b>".into(),
            vex: None,
            expires: None,
            source: "security/exceptions.toml:2".into(),
        }
    }

    fn json(entries: &[(&Finding, Option<&Exception>)]) -> serde_json::Value {
        serde_json::to_value(log(&image(), entries)).expect("json")
    }

    #[test]
    fn one_rule_per_id_one_result_per_finding_with_hardline_s_fingerprint() {
        let mut a = Finding::debian_vulnerability("CVE-1", "libc6", "2.41", Severity::High);
        a.cvss = Some(Cvss { source: "nvd".into(), version: "3.1".into(), score: 7.8, vector: None });
        let b = Finding::debian_vulnerability("CVE-1", "libc-bin", "2.41", Severity::High);
        let c = Finding::debian_vulnerability("CVE-2", "zlib1g", "1.3", Severity::Medium);
        let exception = exception();
        let log = json(&[(&c, None), (&a, Some(&exception)), (&b, None)]);
        let run = &log["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
        assert_eq!(
            rules.iter().map(|r| r["id"].as_str().unwrap_or_default()).collect::<Vec<_>>(),
            ["CVE-1", "CVE-2"]
        );
        assert_eq!(rules[0]["properties"]["security-severity"], "7.8", "the CVSS score when there is one");
        assert_eq!(rules[1]["properties"]["security-severity"], "5.5");
        let results = run["results"].as_array().expect("results");
        assert_eq!(results.len(), 3);
        assert_eq!(results[2]["ruleId"], "CVE-2");
        assert_eq!(results[2]["ruleIndex"], 1);
        assert_eq!(results[2]["level"], "warning");
        for r in results {
            assert_eq!(r["partialFingerprints"].as_object().map(|o| o.len()), Some(1));
        }
        let suppressed: Vec<&serde_json::Value> =
            results.iter().filter(|r| r.get("suppressions").is_some()).collect();
        assert_eq!(suppressed.len(), 1);
        assert_eq!(suppressed[0]["partialFingerprints"][FINGERPRINT_KEY], a.fingerprint.as_str());
        assert_eq!(
            suppressed[0]["suppressions"][0]["justification"],
            "not reachable @team <b> (security/exceptions.toml:2)"
        );
        assert_eq!(run["automationDetails"]["id"], "hardline/app/");
        assert_eq!(log["version"], "2.1.0");
    }

    #[test]
    fn files_of_the_repository_are_located_and_everything_else_at_the_dockerfile() {
        let mut lint = Finding::debian_vulnerability("DS-0002", "-", "-", Severity::High);
        lint.kind = FindingKind::Misconfiguration;
        lint.package = None;
        lint.location = Some(FindingLocation {
            path: "images/app/Dockerfile".into(),
            start_line: Some(7),
            end_line: None,
        });
        let mut escaping = lint.clone();
        escaping.id = "DS-0001".into();
        escaping.location =
            Some(FindingLocation { path: "../etc/passwd".into(), start_line: Some(3), end_line: None });
        let vuln = Finding::debian_vulnerability("CVE-3", "curl", "8", Severity::Low);
        let log = json(&[(&lint, None), (&escaping, None), (&vuln, None)]);
        let locations: Vec<(String, i64)> = log["runs"][0]["results"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| {
                let l = &r["locations"][0]["physicalLocation"];
                (
                    l["artifactLocation"]["uri"].as_str().unwrap_or_default().to_owned(),
                    l["region"]["startLine"].as_i64().unwrap_or(0),
                )
            })
            .collect();
        assert_eq!(
            locations,
            [
                ("images/app/Dockerfile".to_owned(), 1),
                ("images/app/Dockerfile".to_owned(), 7),
                ("images/app/Dockerfile".to_owned(), 1)
            ]
        );
    }

    #[test]
    fn report_text_is_escaped_where_it_is_markdown_and_bounded_everywhere() {
        let mut hostile = Finding::debian_vulnerability("CVE-4", "pkg", "1", Severity::Critical);
        hostile.title = format!("@octocat [x](https://evil) <img src=x>\n{}", "y".repeat(5_000));
        hostile.url = Some("javascript:alert(1)".into());
        let log = json(&[(&hostile, None)]);
        let rule = &log["runs"][0]["tool"]["driver"]["rules"][0];
        let markdown = rule["help"]["markdown"].as_str().unwrap_or_default();
        assert!(
            !markdown.contains("@octocat") && !markdown.contains("<img") && !markdown.contains("](https://"),
            "{markdown}"
        );
        assert!(rule.get("helpUri").is_none(), "only plain https links");
        assert!(rule["shortDescription"]["text"].as_str().unwrap_or_default().chars().count() <= 201);
        let message = log["runs"][0]["results"][0]["message"]["text"].as_str().unwrap_or_default();
        assert!(message.chars().count() <= MAX_TEXT + 1 && !message.contains('\n'));
    }
}
