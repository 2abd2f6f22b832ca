//! SARIF 2.1.0 from any tool onto the domain model.
//!
//! Every result of every run becomes one finding; several runs merge into one [`Scan`] whose
//! scanner is the first run's tool.
//!
//! - **Kind**: [`FindingKind::Misconfiguration`] for hadolint and checkov, and for rules tagged
//!   `misconfiguration` (Trivy's config scan); [`FindingKind::Secret`] for rules tagged
//!   `secret`; [`FindingKind::Vulnerability`] for Trivy's vulnerability results (their package
//!   read back from the message: `trivy.rs`); [`FindingKind::Sast`] otherwise (zizmor,
//!   semgrep).
//! - **Severity**: Trivy's own word (its message's `Severity:` line); else the rule's
//!   `security-severity` score when there is one, else the result's `level`, else the rule's
//!   default level, else `warning`: error → HIGH, warning → MEDIUM, note → LOW, none → UNKNOWN.
//! - **Identity**: the tool's own `partialFingerprints` when present (the value of the
//!   lexicographically first key). Trivy's results get the identity Trivy's JSON report gives
//!   the same finding (vulnerability, misconfiguration with its cause lines when the file is
//!   in the repository, secret by the hash of its masked match). Any other result is
//!   identified in the manner GitHub code scanning identifies third-party SARIF
//!   (`identity.rs`): by the content of the flagged statement when the file is in the
//!   repository, else by its message, each with an occurrence index.
//! - **Former identity**: until hardline 0.2 a result without `partialFingerprints` was
//!   (rule, file, snippet or message) — which merged distinct results with the same message.
//!   Each finding names that fingerprint (and its message identity, when it has a line
//!   identity) as a former identity, so a ledger that holds the old one carries it on instead
//!   of reporting it fixed and new (`hardline_model::FormerIdentities`).

mod identity;
mod raw;
mod trivy;

use std::collections::HashMap;

use hardline_model::{
    Finding, FindingKind, Fingerprint, FormerIdentities, Location, Scan, ScanMeta, Severity, hex,
};
use sha2::{Digest, Sha256};

use self::identity::{Repository, occurrences, statement_hash};
use self::trivy::TrivyResult;
use crate::detect::{KeyAt, locate_key};
use crate::format::{DetectKey, Format};
use crate::json::{Text, map_error, non_empty};
use crate::trivy::normalize_check_id;
use crate::{IngestError, ReadOptions};

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
fn parse(
    bytes: &[u8],
    source: &str,
    version: Option<&KeyAt>,
    options: &ReadOptions,
) -> Result<Scan, IngestError> {
    if let Some(key) = version
        && key.raw_value != format!("\"{SUPPORTED_VERSION}\"")
    {
        return Err(unsupported(source, key));
    }
    let log: raw::Log<'_> = serde_json::from_slice(bytes).map_err(|e| map_error(&e, bytes, source, NAME))?;
    if log.version.as_str() != SUPPORTED_VERSION {
        let key = locate_key(bytes, "version").unwrap_or(KeyAt {
            line: 1,
            column: 1,
            raw_value: format!("\"{}\"", log.version.as_str()),
        });
        return Err(unsupported(source, &key));
    }
    Ok(map_log(&log, options))
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

fn map_log(log: &raw::Log<'_>, options: &ReadOptions) -> Scan {
    let first = log.runs.first();
    let driver = first.map(|run| &run.tool.driver);
    // Trivy names the image it scanned in the run's properties.
    let image = first.and_then(|run| run.properties.as_ref());
    let image_name = image.and_then(|p| non_empty(p.image_name.as_ref()));
    let meta = ScanMeta {
        scanner: driver.map_or_else(|| "sarif".to_owned(), |d| d.name.as_str().to_lowercase()),
        scanner_version: driver
            .and_then(|d| non_empty(d.version.as_ref()).or_else(|| non_empty(d.semantic_version.as_ref()))),
        artifact_type: image_name.is_some().then(|| ScanMeta::CONTAINER_IMAGE.to_owned()),
        artifact_name: image_name,
        image_id: image.and_then(|p| non_empty(p.image_id.as_ref())),
        repo_digests: image
            .and_then(|p| p.repo_digests.as_ref())
            .map(|d| d.iter().map(Text::to_owned_string).collect())
            .unwrap_or_default(),
        ..ScanMeta::default()
    };
    let mut repository = Repository::new(options.root.as_deref());
    let mut read = Vec::new();
    let mut out_of_range = Vec::new();
    for run in &log.runs {
        let rules = RuleIndex::new(&run.tool.driver);
        let bases = BaseUris::of(run, &repository);
        out_of_range.extend(
            rules
                .rules
                .iter()
                .filter(|r| rule_score(r).is_none() && raw_score(r).is_some())
                .map(|r| r.id.as_str()),
        );
        for result in run.results.iter().flatten() {
            let sequence = read.len();
            read.push(read_result(&rules, &bases, result, &mut repository, options, sequence));
        }
    }
    let (findings, former) = identify(read);
    let mut scan = Scan::new(meta, findings).with_former_identities(former);
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

/// A run's `originalUriBaseIds` that point into the repository, as paths relative to it.
struct BaseUris(HashMap<String, String>);

impl BaseUris {
    fn of(run: &raw::Run<'_>, repository: &Repository) -> BaseUris {
        let bases = run.original_uri_base_ids.iter().flatten().filter_map(|(id, location)| {
            let uri = location.uri.as_ref()?.as_str();
            let relative = repository.relative(uri);
            let relative = relative.trim_end_matches('/');
            Some((id.to_owned_string(), relative.to_owned()))
        });
        BaseUris(bases.collect())
    }

    /// Where `uri` (relative, written against `base`) is in the repository: the URI itself when
    /// that is a file of it, else the URI under its base — or under the base's folder when the
    /// base is the file itself (Trivy's `ROOTPATH` of a scan of one file).
    fn resolve(&self, uri: &str, base: Option<&str>, repository: &mut Repository) -> Option<String> {
        let relative = repository.relative(uri);
        if repository.contains(&relative) {
            return Some(relative);
        }
        let base = self.0.get(base?)?;
        let candidates = [format!("{base}/{relative}"), {
            let folder = base.rsplit_once('/').map_or("", |(folder, _)| folder);
            if folder.is_empty() { relative.clone() } else { format!("{folder}/{relative}") }
        }];
        candidates.into_iter().filter(|c| !c.starts_with('/')).find(|c| repository.contains(c))
    }
}

/// A result read, before its identity is decided (occurrence indices need every result).
struct Read {
    finding: Finding,
    identity: Identity,
    /// The identity hardline 0.1 gave this result.
    legacy: Fingerprint,
    tool: String,
    /// The rule id as the finding names it.
    rule: String,
    /// The file as the identity names it: its path in the repository when found there.
    file: String,
    /// Line, column, then position in the report: the order occurrences are counted in.
    order: (u32, u32, usize),
}

enum Identity {
    /// Decided by the result alone: the tool's fingerprint, or what Trivy's JSON gives.
    Known(Fingerprint),
    /// The hash of the flagged statement; the message, for the former identity.
    Line {
        hash: String,
        message: String,
    },
    Message(String),
}

fn read_result(
    rules: &RuleIndex<'_, '_>,
    bases: &BaseUris,
    result: &raw::SarifResult<'_>,
    repository: &mut Repository,
    options: &ReadOptions,
    sequence: usize,
) -> Read {
    let (rule_id, rule) = rules.resolve(result);
    let rule_id = rule_id.unwrap_or("unknown");
    let tags: Vec<&str> = rule
        .and_then(|r| r.properties.as_ref())
        .and_then(|p| p.tags.as_ref())
        .into_iter()
        .flatten()
        .map(Text::as_str)
        .collect();
    let is_trivy = rules.tool == "trivy";
    let trivy_kind = if is_trivy { trivy::classify(rule) } else { TrivyResult::Other };
    let kind = match trivy_kind {
        TrivyResult::OsVulnerability | TrivyResult::LanguageVulnerability => FindingKind::Vulnerability,
        _ if matches!(rules.tool.as_str(), "hadolint" | "checkov") || tags.contains(&"misconfiguration") => {
            FindingKind::Misconfiguration
        }
        _ if tags.contains(&"secret") => FindingKind::Secret,
        _ => FindingKind::Sast,
    };
    let id = if is_trivy && kind == FindingKind::Misconfiguration {
        normalize_check_id(rule_id)
    } else {
        rule_id.to_owned()
    };
    let aliases = if id == rule_id { Vec::new() } else { vec![rule_id.to_owned()] };

    let message = result.message.as_ref().and_then(|m| m.text.as_ref()).map_or("", Text::as_str);
    let physical = result.locations.iter().flatten().find_map(|location| location.physical_location.as_ref());
    let artifact = physical.and_then(|p| p.artifact_location.as_ref());
    let uri = artifact.and_then(|a| a.uri.as_ref()).map(Text::as_str);
    let region = physical.and_then(|p| p.region.as_ref());
    let snippet = region
        .and_then(|r| r.snippet.as_ref())
        .and_then(|s| s.text.as_ref())
        .map(|t| t.as_str().trim())
        .filter(|t| !t.is_empty());
    let start_line = region.and_then(|r| r.start_line).filter(|l| *l > 0);
    let end_line = region.and_then(|r| r.end_line).filter(|l| *l > 0);
    let legacy = Fingerprint::rule("sast", &id, uri.unwrap_or(""), snippet.unwrap_or(message.trim()));

    let base = artifact.and_then(|a| a.uri_base_id.as_ref()).map(Text::as_str);
    let in_repository = uri.and_then(|uri| bases.resolve(uri, base, repository));
    let file =
        in_repository.clone().unwrap_or_else(|| uri.map(|u| repository.relative(u)).unwrap_or_default());

    let supplied = result.partial_fingerprints.as_ref().and_then(|map| map.iter().next());
    // The tool's own fingerprint was the identity before too.
    let legacy = match supplied {
        Some((_, value)) => Fingerprint::supplied(&rules.tool, &id, value.as_str()),
        None => legacy,
    };
    let mut package = None;
    let mut flags_no_line = false;
    let identity = match (supplied, trivy_kind) {
        (Some(_), _) => Identity::Known(legacy.clone()),
        (None, TrivyResult::OsVulnerability | TrivyResult::LanguageVulnerability) => {
            package = trivy::package(trivy_kind, message, uri.unwrap_or(""), options);
            match &package {
                Some(package) => Identity::Known(Fingerprint::vulnerability(&id, package)),
                None => Identity::Message(message.trim().to_owned()),
            }
        }
        (None, TrivyResult::Secret) => {
            // Trivy's JSON identifies a secret by the hash of its (masked) match; the message
            // ends with that match.
            let matched = message.split_once("\nMatch: ").map_or("", |(_, m)| m);
            let hash = hex(&Sha256::digest(matched.as_bytes()));
            Identity::Known(Fingerprint::secret(&id, uri.unwrap_or(""), &hash))
        }
        (None, TrivyResult::Misconfiguration) => {
            let check_message = trivy::field(message, "Message").unwrap_or(message.trim());
            let lines = in_repository.as_deref().and_then(|path| repository.lines(path));
            match lines.map(|lines| trivy_cause(lines, start_line, end_line)) {
                Some(Some(cause)) => Identity::Known(Fingerprint::rule(
                    FindingKind::Misconfiguration.as_str(),
                    &id,
                    uri.unwrap_or(""),
                    &cause,
                )),
                Some(None) => {
                    // A check of the whole file: Trivy's JSON gives it no line either.
                    flags_no_line = true;
                    Identity::Known(Fingerprint::rule(
                        FindingKind::Misconfiguration.as_str(),
                        &id,
                        uri.unwrap_or(""),
                        check_message,
                    ))
                }
                None => Identity::Message(check_message.to_owned()),
            }
        }
        (None, _) => {
            let hash = in_repository
                .as_deref()
                .and_then(|path| repository.lines(path))
                .and_then(|lines| statement_hash(lines, start_line?, end_line));
            match hash {
                Some(hash) => Identity::Line { hash, message: message.trim().to_owned() },
                None => Identity::Message(message.trim().to_owned()),
            }
        }
    };

    // Trivy's messages start with "Artifact: <file>"; its rule's short description is the
    // check's title, the same one its JSON report gives.
    let trivy_title = if is_trivy {
        rule.and_then(|r| r.short_description.as_ref()).and_then(|d| non_empty(d.text.as_ref()))
    } else {
        None
    };
    let title = match trivy_kind {
        // Trivy's JSON falls back on the id, and the message is the package's facts.
        TrivyResult::OsVulnerability | TrivyResult::LanguageVulnerability => trivy_title.unwrap_or_default(),
        _ => trivy_title.unwrap_or_else(|| first_line(message, TITLE_MAX_CHARS)),
    };
    let severity = if is_trivy { trivy::severity(message) } else { None };
    let finding = Finding {
        fingerprint: legacy.clone(),
        kind,
        aliases,
        severity: severity.unwrap_or_else(|| self::severity(result, rule)),
        cvss: None,
        location: match &package {
            // A package's place is its path; Trivy's line 1 of an image says nothing.
            Some(_) => None,
            None => uri.map(|uri| Location {
                path: if is_trivy { uri.to_owned() } else { repository.relative(uri) },
                start_line: start_line.filter(|_| !flags_no_line),
                end_line: end_line.filter(|_| !flags_no_line),
            }),
        },
        package,
        title: if title.is_empty() { id.clone() } else { title },
        // Trivy gives every secret rule the link to its list of rules; its JSON gives none.
        url: rule.and_then(|r| non_empty(r.help_uri.as_ref())).filter(|_| trivy_kind != TrivyResult::Secret),
        status: None,
        id: id.clone(),
    };
    let column = region.and_then(|r| r.start_column).unwrap_or(0);
    Read {
        finding,
        identity,
        legacy,
        tool: rules.tool.clone(),
        rule: id,
        file,
        order: (start_line.unwrap_or(0), column, sequence),
    }
}

/// The cause Trivy's JSON report gives a misconfiguration: the flagged lines, trimmed, blank
/// ones left out; `None` when it flags no line (the JSON's cause is then the check's
/// message). SARIF cannot say "no line" (Trivy writes line 1 then), so a line 1 that holds
/// nothing (blank or a comment) means none.
fn trivy_cause(lines: &[String], start: Option<u32>, end: Option<u32>) -> Option<String> {
    let first = start? as usize;
    let last = end.map_or(first, |e| (e as usize).max(first));
    if first == 1 && last == 1 {
        let line = lines.first().map_or("", |l| l.trim());
        if line.is_empty() || line.starts_with('#') {
            return None;
        }
    }
    let cause: Vec<&str> = lines
        .iter()
        .skip(first - 1)
        .take(last + 1 - first)
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    (!cause.is_empty()).then(|| cause.join("\n"))
}

/// Gives every result its fingerprint (counting occurrences over the whole log) and names
/// the identities it had before.
fn identify(read: Vec<Read>) -> (Vec<Finding>, FormerIdentities) {
    let by_line = occurrences(read.iter().map(|r| {
        let hash = match &r.identity {
            Identity::Line { hash, .. } => Some(hash.as_str()),
            _ => None,
        };
        ((r.tool.as_str(), r.rule.as_str(), r.file.as_str(), hash), r.order)
    }));
    let by_message = occurrences(read.iter().map(|r| {
        let message = match &r.identity {
            Identity::Line { message, .. } | Identity::Message(message) => Some(message.as_str()),
            Identity::Known(_) => None,
        };
        ((r.tool.as_str(), r.rule.as_str(), r.file.as_str(), message), r.order)
    }));
    let mut former = FormerIdentities::default();
    let mut findings = Vec::with_capacity(read.len());
    for (index, mut r) in read.into_iter().enumerate() {
        let fingerprint = match &r.identity {
            Identity::Known(fingerprint) => fingerprint.clone(),
            Identity::Line { hash, message } => {
                let fingerprint = Fingerprint::flagged_line(&r.tool, &r.rule, &r.file, hash, by_line[index]);
                let by_message =
                    Fingerprint::flagged_message(&r.tool, &r.rule, &r.file, message, by_message[index]);
                former.add(&fingerprint, by_message);
                fingerprint
            }
            Identity::Message(message) => {
                Fingerprint::flagged_message(&r.tool, &r.rule, &r.file, message, by_message[index])
            }
        };
        former.add(&fingerprint, r.legacy);
        r.finding.fingerprint = fingerprint;
        findings.push(r.finding);
    }
    (findings, former)
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
