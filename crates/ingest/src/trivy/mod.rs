//! Trivy's JSON report (schema 2) onto the domain model.
//!
//! - vulnerabilities (OS and language packages) become [`FindingKind::Vulnerability`],
//!   identified by (id, result class, result type, package, language path);
//! - failed misconfiguration checks become [`FindingKind::Misconfiguration`], with the check
//!   id normalised to the `DS-0002` form whichever Trivy version wrote it;
//! - secrets become [`FindingKind::Secret`], identified by a hash of Trivy's `Match` text,
//!   which is itself never kept.

mod raw;

use hardline_model::{
    Cvss, Ecosystem, Finding, FindingKind, Fingerprint, Location, Package, PackageClass, Scan, ScanMeta,
    Severity, Status, hex,
};
use sha2::{Digest, Sha256};

use crate::detect::{KeyAt, locate_key};
use crate::format::{DetectKey, Format};
use crate::json::{Text, joined, map_error, non_empty, timestamp};
use crate::{IngestError, ReadOptions};

/// Trivy's JSON report, as the registry knows it.
pub(crate) static FORMAT: Format = Format {
    name: "trivy",
    title: "a Trivy JSON report",
    expected: "a Trivy JSON report (SchemaVersion 2)",
    detect: &[
        DetectKey::Named("SchemaVersion"),
        DetectKey::Named("ArtifactName"),
        DetectKey::Named("ArtifactType"),
        DetectKey::Named("Results"),
        DetectKey::Named("Trivy"),
    ],
    version_key: "SchemaVersion",
    time_key: Some("CreatedAt"),
    artifact_key: Some("ArtifactType"),
    parse,
};

const SUPPORTED_SCHEMA: u32 = 2;
/// What parse errors call a report of this format.
const NAME: &str = "Trivy JSON report";

/// Parses a Trivy report. `version` is the `SchemaVersion` key when detection saw it, so that
/// an unsupported schema is refused before the body is read.
fn parse(bytes: &[u8], source: &str, version: Option<&KeyAt>, _: &ReadOptions) -> Result<Scan, IngestError> {
    if let Some(key) = version
        && key.raw_value.trim() != SUPPORTED_SCHEMA.to_string()
    {
        return Err(unsupported(source, key));
    }
    let report: raw::Report<'_> =
        serde_json::from_slice(bytes).map_err(|e| map_error(&e, bytes, source, NAME))?;
    if report.schema_version != SUPPORTED_SCHEMA {
        let key = locate_key(bytes, "SchemaVersion").unwrap_or(KeyAt {
            line: 1,
            column: 1,
            raw_value: report.schema_version.to_string(),
        });
        return Err(unsupported(source, &key));
    }
    map_report(&report, bytes, source)
}

fn unsupported(source: &str, key: &KeyAt) -> IngestError {
    IngestError::UnsupportedSchema {
        source_name: source.to_owned(),
        line: key.line,
        column: key.column,
        field: "Trivy SchemaVersion",
        found: key.raw_value.clone(),
        expected: "2 (the Trivy JSON report schema hardline reads)",
    }
}

fn map_report(report: &raw::Report<'_>, bytes: &[u8], source: &str) -> Result<Scan, IngestError> {
    let meta = map_meta(report, bytes, source)?;
    let mut findings = Vec::new();
    for result in report.results.iter().flatten() {
        for vulnerability in result.vulnerabilities.iter().flatten() {
            findings.push(map_vulnerability(result, vulnerability));
        }
        for misconfiguration in result.misconfigurations.iter().flatten() {
            let failed = misconfiguration.status.as_ref().is_none_or(|s| s.as_str() == "FAIL");
            if failed {
                findings.push(map_misconfiguration(result, misconfiguration));
            }
        }
        for secret in result.secrets.iter().flatten() {
            findings.push(map_secret(result, secret));
        }
    }
    Ok(Scan::new(meta, findings))
}

fn map_meta(report: &raw::Report<'_>, bytes: &[u8], source: &str) -> Result<ScanMeta, IngestError> {
    let metadata = report.metadata.as_ref();
    let os =
        metadata.and_then(|m| m.os.as_ref()).and_then(|os| joined([os.family.as_ref(), os.name.as_ref()]));
    let created_at = timestamp(report.created_at.as_ref(), bytes, source, NAME, "CreatedAt", "CreatedAt")?;
    Ok(ScanMeta {
        scanner: "trivy".to_owned(),
        scanner_version: non_empty(report.trivy.as_ref().and_then(|t| t.version.as_ref())),
        artifact_name: non_empty(report.artifact_name.as_ref()),
        artifact_type: non_empty(report.artifact_type.as_ref()),
        image_id: non_empty(metadata.and_then(|m| m.image_id.as_ref())),
        repo_digests: metadata
            .and_then(|m| m.repo_digests.as_ref())
            .map(|digests| digests.iter().map(Text::to_owned_string).collect())
            .unwrap_or_default(),
        os,
        created_at,
    })
}

fn text_or_empty<'t>(text: Option<&'t Text<'_>>) -> &'t str {
    text.map_or("", Text::as_str)
}

/// Trivy's upper-case severity words, matched without the allocation of the lenient parser
/// (one per finding adds up over a thousand findings).
fn severity(word: Option<&Text<'_>>) -> Severity {
    match text_or_empty(word) {
        "CRITICAL" => Severity::Critical,
        "HIGH" => Severity::High,
        "MEDIUM" => Severity::Medium,
        "LOW" => Severity::Low,
        "UNKNOWN" | "" => Severity::Unknown,
        other => Severity::parse_lenient(other),
    }
}

/// A vulnerability, its package in hardline's vocabulary: Trivy's result `Class` `os-pkgs` is
/// [`PackageClass::Os`] and anything else [`PackageClass::Lang`]; its result `Type` (`debian`,
/// `gobinary`, `jar`…) is the ecosystem word as it is (hardline's vocabulary was taken from it).
fn map_vulnerability(result: &raw::ResultEntry<'_>, vuln: &raw::Vulnerability<'_>) -> Finding {
    let class_str = text_or_empty(result.class.as_ref());
    let ecosystem = text_or_empty(result.kind.as_ref());
    let class = if class_str == "os-pkgs" { PackageClass::Os } else { PackageClass::Lang };
    let lang_path = match class {
        PackageClass::Os => None,
        PackageClass::Lang => Some(
            vuln.pkg_path
                .as_ref()
                .map(Text::as_str)
                .filter(|p| !p.is_empty())
                .unwrap_or(result.target.as_str()),
        ),
    };
    let id = vuln.id.as_str();
    let name = vuln.pkg_name.as_str();
    let package = Package {
        name: name.to_owned(),
        version: text_or_empty(vuln.installed_version.as_ref()).to_owned(),
        fixed_version: non_empty(vuln.fixed_version.as_ref()),
        class,
        ecosystem: Ecosystem::new(ecosystem),
        path: lang_path.map(str::to_owned),
        purl: non_empty(vuln.pkg_identifier.as_ref().and_then(|p| p.purl.as_ref())),
    };
    Finding {
        fingerprint: Fingerprint::vulnerability(id, &package),
        kind: FindingKind::Vulnerability,
        id: id.to_owned(),
        aliases: vuln
            .vendor_ids
            .iter()
            .flatten()
            .map(Text::to_owned_string)
            .filter(|alias| alias != id)
            .collect(),
        severity: severity(vuln.severity.as_ref()),
        cvss: choose_cvss(vuln),
        package: Some(package),
        location: None,
        title: non_empty(vuln.title.as_ref()).unwrap_or_else(|| id.to_owned()),
        url: non_empty(vuln.primary_url.as_ref()),
        status: vuln.status.as_ref().map(|s| Status::parse_lenient(s.as_str())),
    }
}

/// The CVSS score behind the severity: the severity source's entry, else NVD's, else the first
/// by source name; within an entry, v4.0 over v3.x over v2.
fn choose_cvss(vuln: &raw::Vulnerability<'_>) -> Option<Cvss> {
    let entries = vuln.cvss.as_ref()?;
    let preferred = [vuln.severity_source.as_ref().map(Text::as_str), Some("nvd")];
    let by_preference = preferred
        .into_iter()
        .flatten()
        .filter_map(|source| entries.iter().find(|(name, _)| name.as_str() == source))
        .chain(entries.iter());
    by_preference.into_iter().find_map(|(source, entry)| {
        let (score, vector, fallback_version) = if let Some(score) = entry.v40_score {
            (score, entry.v40_vector.as_ref(), "4.0")
        } else if let Some(score) = entry.v3_score {
            (score, entry.v3_vector.as_ref(), "3")
        } else if let Some(score) = entry.v2_score {
            (score, entry.v2_vector.as_ref(), "2.0")
        } else {
            return None;
        };
        let vector = non_empty(vector);
        // `CVSS:3.1/AV:N/…` names its exact version; v2 vectors carry no prefix.
        let version = vector
            .as_deref()
            .and_then(|v| v.strip_prefix("CVSS:"))
            .and_then(|v| v.split('/').next())
            .unwrap_or(fallback_version)
            .to_owned();
        Some(Cvss { source: source.to_owned_string(), version, score, vector })
    })
}

/// Normalises a Trivy check id to the `DS-0002` form used since Trivy 0.6x: strips an `AVD-`
/// prefix, and turns `DS002` into `DS-0002` (a dash, digits zero-padded to four). Ids of other
/// shapes are returned unchanged.
pub fn normalize_check_id(id: &str) -> String {
    let id = id.trim();
    let bare = id.strip_prefix("AVD-").unwrap_or(id);
    let (prefix, digits) = match bare.rsplit_once('-') {
        Some((prefix, digits)) => (prefix, digits),
        None => {
            let split = bare.find(|c: char| c.is_ascii_digit()).unwrap_or(bare.len());
            bare.split_at(split)
        }
    };
    let well_formed = !prefix.is_empty()
        && prefix.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && prefix.starts_with(|c: char| c.is_ascii_alphabetic())
        && !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit());
    if well_formed { format!("{prefix}-{digits:0>4}") } else { bare.to_owned() }
}

fn map_misconfiguration(result: &raw::ResultEntry<'_>, check: &raw::Misconfiguration<'_>) -> Finding {
    let raw_id = non_empty(check.id.as_ref());
    let raw_avd = non_empty(check.avd_id.as_ref());
    let id = match (&raw_avd, &raw_id) {
        (Some(avd), _) => normalize_check_id(avd),
        (None, Some(id)) => normalize_check_id(id),
        (None, None) => "unknown".to_owned(),
    };
    let mut aliases: Vec<String> = [raw_id, raw_avd].into_iter().flatten().filter(|a| *a != id).collect();
    aliases.sort();
    aliases.dedup();

    let target = result.target.as_str();
    let cause_metadata = check.cause_metadata.as_ref();
    let cause_lines: Vec<&str> = cause_metadata
        .and_then(|c| c.code.as_ref())
        .and_then(|code| code.lines.as_ref())
        .into_iter()
        .flatten()
        .filter(|line| line.is_cause)
        .filter_map(|line| line.content.as_ref().map(|c| c.as_str().trim()))
        .filter(|line| !line.is_empty())
        .collect();
    let cause = if cause_lines.is_empty() {
        text_or_empty(check.message.as_ref()).trim().to_owned()
    } else {
        cause_lines.join("\n")
    };

    Finding {
        fingerprint: Fingerprint::rule(FindingKind::Misconfiguration.as_str(), &id, target, &cause),
        kind: FindingKind::Misconfiguration,
        aliases,
        severity: severity(check.severity.as_ref()),
        cvss: None,
        package: None,
        location: Some(Location {
            path: target.to_owned(),
            start_line: cause_metadata.and_then(|c| c.start_line).filter(|l| *l > 0),
            end_line: cause_metadata.and_then(|c| c.end_line).filter(|l| *l > 0),
        }),
        title: non_empty(check.title.as_ref()).unwrap_or_else(|| id.clone()),
        url: non_empty(check.primary_url.as_ref()),
        status: None,
        id,
    }
}

fn map_secret(result: &raw::ResultEntry<'_>, secret: &raw::Secret<'_>) -> Finding {
    let rule = secret.rule_id.as_str();
    let target = result.target.as_str();
    let match_hash = hex(&Sha256::digest(text_or_empty(secret.matched.as_ref()).as_bytes()));
    Finding {
        fingerprint: Fingerprint::secret(rule, target, &match_hash),
        kind: FindingKind::Secret,
        id: rule.to_owned(),
        aliases: Vec::new(),
        severity: severity(secret.severity.as_ref()),
        cvss: None,
        package: None,
        location: Some(Location {
            path: target.to_owned(),
            start_line: secret.start_line.filter(|l| *l > 0),
            end_line: secret.end_line.filter(|l| *l > 0),
        }),
        title: non_empty(secret.title.as_ref()).unwrap_or_else(|| rule.to_owned()),
        url: None,
        status: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_check_id_schemes_normalise_alike() {
        assert_eq!(normalize_check_id("DS002"), "DS-0002");
        assert_eq!(normalize_check_id("DS-0002"), "DS-0002");
        assert_eq!(normalize_check_id("AVD-DS-0002"), "DS-0002");
        assert_eq!(normalize_check_id("KSV001"), "KSV-0001");
        assert_eq!(normalize_check_id("AVD-AWS-0086"), "AWS-0086");
        assert_eq!(normalize_check_id("DS-12345"), "DS-12345");
        assert_eq!(normalize_check_id("no-digits-here"), "no-digits-here");
        assert_eq!(normalize_check_id("42"), "42");
    }

    #[test]
    fn cvss_prefers_the_severity_source_then_nvd_then_v4_over_v3() {
        let input = br#"{"VulnerabilityID":"CVE-1","PkgName":"p","SeveritySource":"redhat",
            "CVSS":{"ghsa":{"V3Score":1.0},"nvd":{"V3Score":9.8,"V3Vector":"CVSS:3.1/AV:N"},
                    "redhat":{"V3Score":5.0,"V40Score":6.1,"V40Vector":"CVSS:4.0/AV:N"}}}"#;
        let vuln: raw::Vulnerability<'_> = serde_json::from_slice(input).expect("valid");
        let cvss = choose_cvss(&vuln).expect("chosen");
        assert_eq!((cvss.source.as_str(), cvss.version.as_str(), cvss.score), ("redhat", "4.0", 6.1));

        let input = br#"{"VulnerabilityID":"CVE-1","PkgName":"p","SeveritySource":"debian",
            "CVSS":{"bitnami":{"V3Score":1.0},"nvd":{"V2Score":4.3,"V3Score":9.8,"V3Vector":"CVSS:3.1/AV:N"}}}"#;
        let vuln: raw::Vulnerability<'_> = serde_json::from_slice(input).expect("valid");
        let cvss = choose_cvss(&vuln).expect("chosen");
        assert_eq!((cvss.source.as_str(), cvss.version.as_str(), cvss.score), ("nvd", "3.1", 9.8));

        let input = br#"{"VulnerabilityID":"CVE-1","PkgName":"p","CVSS":{"zeta":{"V2Score":2.1},"alpha":{"V2Score":5.0}}}"#;
        let vuln: raw::Vulnerability<'_> = serde_json::from_slice(input).expect("valid");
        let cvss = choose_cvss(&vuln).expect("chosen");
        assert_eq!((cvss.source.as_str(), cvss.version.as_str()), ("alpha", "2.0"));
    }
}
