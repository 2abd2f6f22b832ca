//! SARIF 2.1.0 from any tool onto the domain model.
//!
//! Every result of every run becomes one finding; several runs merge into one [`Scan`] whose
//! scanner is the first run's tool.
//!
//! - **Kind**: [`FindingKind::Misconfiguration`] for hadolint and checkov, and for rules tagged
//!   `misconfiguration` (Trivy's config scan); [`FindingKind::Secret`] for rules tagged
//!   `secret`; [`FindingKind::Sast`] otherwise (zizmor, semgrep, Trivy vulnerabilities — SARIF
//!   carries no package, so read vulnerabilities from Trivy's JSON report instead).
//! - **Severity**: the rule's `security-severity` score when there is one, else the result's
//!   `level`, else the rule's default level, else `warning`: error → HIGH, warning → MEDIUM,
//!   note → LOW, none → UNKNOWN.
//! - **Identity**: the tool's own `partialFingerprints` when present (the value of the
//!   lexicographically first key), else (rule, file, trimmed snippet or message). The
//!   fingerprint tag is `sast` whatever the kind, so re-classifying a tool never changes the
//!   identity of its findings.

mod raw;

use std::collections::HashMap;

use hardline_model::{Finding, FindingKind, Fingerprint, Location, Scan, ScanMeta, Severity};

use crate::IngestError;
use crate::detect::{KeyAt, locate_key};
use crate::format::{DetectKey, Format};
use crate::json::{Text, map_error, non_empty};
use crate::trivy::normalize_check_id;

/// SARIF 2.1.0, as the registry knows it. A SARIF log has no top-level time (a run's
/// invocations may have one), so a batch of SARIF logs is one moment, not a history.
pub(crate) static FORMAT: Format = Format {
    name: "sarif",
    title: "a SARIF log",
    expected: "a SARIF 2.1.0 log",
    detect: &[DetectKey::Named("runs"), DetectKey::ValueContains("$schema", "sarif")],
    version_key: "version",
    time_key: None,
    artifact_key: None,
    parse,
};

const SUPPORTED_VERSION: &str = "2.1.0";
/// What parse errors call a report of this format.
const NAME: &str = "SARIF log";
const TITLE_MAX_CHARS: usize = 300;

/// Parses a SARIF log. `version` is the `version` key when detection saw it, so that an
/// unsupported version is refused before the body is read.
fn parse(bytes: &[u8], source: &str, version: Option<&KeyAt>) -> Result<Scan, IngestError> {
    if let Some(key) = version
        && key.raw_value != format!("\"{SUPPORTED_VERSION}\"")
    {
        return Err(unsupported(source, key));
    }
    let log: raw::Log<'_> = serde_json::from_slice(bytes).map_err(|e| map_error(&e, source, NAME))?;
    if log.version.as_str() != SUPPORTED_VERSION {
        let key = locate_key(bytes, "version").unwrap_or(KeyAt {
            line: 1,
            column: 1,
            raw_value: format!("\"{}\"", log.version.as_str()),
        });
        return Err(unsupported(source, &key));
    }
    Ok(map_log(&log))
}

fn unsupported(source: &str, key: &KeyAt) -> IngestError {
    IngestError::UnsupportedSchema {
        source_name: source.to_owned(),
        line: key.line,
        column: key.column,
        field: "SARIF version",
        found: key.raw_value.clone(),
        expected: "\"2.1.0\"",
    }
}

fn map_log(log: &raw::Log<'_>) -> Scan {
    let first = log.runs.first().map(|run| &run.tool.driver);
    let meta = ScanMeta {
        scanner: first.map_or_else(|| "sarif".to_owned(), |d| d.name.as_str().to_lowercase()),
        scanner_version: first
            .and_then(|d| non_empty(d.version.as_ref()).or_else(|| non_empty(d.semantic_version.as_ref()))),
        ..ScanMeta::default()
    };
    let mut findings = Vec::new();
    let mut out_of_range = Vec::new();
    for run in &log.runs {
        let rules = RuleIndex::new(&run.tool.driver);
        out_of_range.extend(
            rules
                .rules
                .iter()
                .filter(|r| rule_score(r).is_none() && raw_score(r).is_some())
                .map(|r| r.id.as_str()),
        );
        for result in run.results.iter().flatten() {
            findings.push(map_result(&rules, result));
        }
    }
    let mut scan = Scan::new(meta, findings);
    if let Some(first) = out_of_range.first() {
        scan.warn(format!(
            "{} rule(s) gave a security-severity outside 0–10, which was ignored (their results' level \
             was used instead; first: {})",
            out_of_range.len(),
            first.chars().take(60).collect::<String>()
        ));
    }
    scan
}

fn raw_score(rule: &raw::Rule<'_>) -> Option<f64> {
    rule.properties.as_ref().and_then(|p| p.security_severity)
}

/// A rule's `security-severity`, when it is a score (0–10); anything else is ignored.
fn rule_score(rule: &raw::Rule<'_>) -> Option<f64> {
    raw_score(rule).filter(|score| score.is_finite() && (0.0..=10.0).contains(score))
}

/// One run's tool and its rules, looked up by index or id.
struct RuleIndex<'r, 'a> {
    tool: String,
    rules: &'r [raw::Rule<'a>],
    by_id: HashMap<&'r str, usize>,
}

impl<'r, 'a> RuleIndex<'r, 'a> {
    fn new(driver: &'r raw::Driver<'a>) -> Self {
        let rules = driver.rules.as_deref().unwrap_or_default();
        let mut by_id = HashMap::with_capacity(rules.len());
        for (index, rule) in rules.iter().enumerate() {
            by_id.entry(rule.id.as_str()).or_insert(index);
        }
        RuleIndex { tool: driver.name.as_str().to_lowercase(), rules, by_id }
    }

    /// The result's rule id and its rule descriptor, if the driver lists it.
    fn resolve<'x>(
        &'x self,
        result: &'x raw::SarifResult<'_>,
    ) -> (Option<&'x str>, Option<&'r raw::Rule<'a>>) {
        let named = result
            .rule_id
            .as_ref()
            .or_else(|| result.rule.as_ref().and_then(|r| r.id.as_ref()))
            .map(Text::as_str);
        let index = result.rule_index.or_else(|| result.rule.as_ref().and_then(|r| r.index));
        let by_index = index
            .and_then(|i| self.rules.get(i))
            .filter(|rule| named.is_none_or(|id| rule.id.as_str() == id));
        let rule = by_index.or_else(|| named.and_then(|id| self.by_id.get(id)).map(|i| &self.rules[*i]));
        (named.or(rule.map(|r| r.id.as_str())), rule)
    }
}

fn map_result(rules: &RuleIndex<'_, '_>, result: &raw::SarifResult<'_>) -> Finding {
    let (rule_id, rule) = rules.resolve(result);
    let rule_id = rule_id.unwrap_or("unknown");
    let tags: Vec<&str> = rule
        .and_then(|r| r.properties.as_ref())
        .and_then(|p| p.tags.as_ref())
        .into_iter()
        .flatten()
        .map(Text::as_str)
        .collect();
    let kind = if matches!(rules.tool.as_str(), "hadolint" | "checkov") || tags.contains(&"misconfiguration")
    {
        FindingKind::Misconfiguration
    } else if tags.contains(&"secret") {
        FindingKind::Secret
    } else {
        FindingKind::Sast
    };
    let is_trivy = rules.tool == "trivy";
    let id = if is_trivy && kind == FindingKind::Misconfiguration {
        normalize_check_id(rule_id)
    } else {
        rule_id.to_owned()
    };
    let aliases = if id == rule_id { Vec::new() } else { vec![rule_id.to_owned()] };

    let message = result.message.as_ref().and_then(|m| m.text.as_ref()).map_or("", Text::as_str);
    let physical = result.locations.iter().flatten().find_map(|location| location.physical_location.as_ref());
    let uri =
        physical.and_then(|p| p.artifact_location.as_ref()).and_then(|a| a.uri.as_ref()).map(Text::as_str);
    let region = physical.and_then(|p| p.region.as_ref());
    let snippet = region
        .and_then(|r| r.snippet.as_ref())
        .and_then(|s| s.text.as_ref())
        .map(|t| t.as_str().trim())
        .filter(|t| !t.is_empty());

    let fingerprint = match result.partial_fingerprints.as_ref().and_then(|map| map.iter().next()) {
        Some((_, value)) => Fingerprint::supplied(&rules.tool, &id, value.as_str()),
        None => Fingerprint::rule("sast", &id, uri.unwrap_or(""), snippet.unwrap_or(message.trim())),
    };

    // Trivy's messages start with "Artifact: <file>"; its rule's short description is the
    // check's title, the same one its JSON report gives.
    let trivy_title = if is_trivy {
        rule.and_then(|r| r.short_description.as_ref()).and_then(|d| non_empty(d.text.as_ref()))
    } else {
        None
    };
    let title = trivy_title.unwrap_or_else(|| first_line(message, TITLE_MAX_CHARS));

    Finding {
        fingerprint,
        kind,
        aliases,
        severity: severity(result, rule),
        cvss: None,
        package: None,
        location: uri.map(|uri| Location {
            path: uri.to_owned(),
            start_line: region.and_then(|r| r.start_line).filter(|l| *l > 0),
            end_line: region.and_then(|r| r.end_line).filter(|l| *l > 0),
        }),
        title: if title.is_empty() { id.clone() } else { title },
        url: rule.and_then(|r| non_empty(r.help_uri.as_ref())),
        status: None,
        id,
    }
}

fn severity(result: &raw::SarifResult<'_>, rule: Option<&raw::Rule<'_>>) -> Severity {
    if let Some(score) = rule.and_then(rule_score) {
        return Severity::from_score(score);
    }
    let level = result
        .level
        .as_ref()
        .or_else(|| rule.and_then(|r| r.default_configuration.as_ref()).and_then(|c| c.level.as_ref()))
        .map_or("warning", Text::as_str);
    match level {
        "error" => Severity::High,
        "warning" => Severity::Medium,
        "note" => Severity::Low,
        _ => Severity::Unknown,
    }
}

/// The first non-blank line of `text`, at most `max` characters.
fn first_line(text: &str, max: usize) -> String {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    match line.char_indices().nth(max) {
        Some((cut, _)) => line[..cut].to_owned(),
        None => line.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_line_cuts_at_a_char_boundary() {
        assert_eq!(first_line("\n  héllo wörld \nsecond", 4), "héll");
        assert_eq!(first_line("short", 300), "short");
        assert_eq!(first_line("", 300), "");
    }
}
