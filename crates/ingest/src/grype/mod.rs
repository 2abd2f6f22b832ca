//! Grype's JSON report (`grype -o json`) onto the domain model.
//!
//! Each match (a vulnerability in an artifact) becomes a vulnerability finding, its package
//! mapped onto hardline's vocabulary so that the same vulnerability in the same package gets
//! the fingerprint Trivy's report gives it, where the two scanners' facts agree:
//!
//! - **id**: Grype reports a language advisory by its GHSA id and the CVE as a related
//!   vulnerability; Trivy names it by the CVE. A GHSA with exactly one related CVE is that CVE
//!   (the GHSA becomes an alias); every other related id is an alias too.
//! - **class and ecosystem**: `deb`, `rpm` and `apk` artifacts are OS packages of the
//!   report's distribution (`distro.name`, in Trivy's words: `ecosystem.rs`); a language
//!   package's source comes from where syft found it (`metadataType`: an entry of a Go binary
//!   is `gobinary`, of `vendor/composer/installed.json` `composer-vendor`, of a
//!   `package.json` `node-pkg`…), else from its file as Trivy's analyzers would choose.
//! - **name**: the artifact's, but a Java archive is `group:artifact` from its purl, as Trivy
//!   names it.
//! - **path** (language packages): the first location, without its leading `/` (Trivy's paths
//!   are relative to the image root); a nested archive's `outer.jar:inner.jar` becomes
//!   `outer.jar/inner.jar`.
//! - **severity**: Grype's word; `Negligible` is LOW (Trivy's word for Debian's
//!   "unimportant"). **Fixed version**: the fix versions joined by `, ` (as Trivy joins
//!   them), when the fix state is `fixed`.
//!
//! What stays different: titles (Grype has none; the description's first line stands in),
//! links and CVSS sources.

mod raw;

use hardline_model::{
    Cvss, Ecosystem, Finding, FindingKind, Fingerprint, Package, PackageClass, Scan, ScanMeta, Severity,
    Status,
};

use crate::detect::KeyAt;
use crate::ecosystem;
use crate::format::{DetectKey, Format};
use crate::json::{Text, joined, map_error, non_empty, timestamp};
use crate::{IngestError, ReadOptions};

/// Grype's JSON report, as the registry knows it. Its first key is `matches`; its time is
/// inside `descriptor`, so a batch of Grype reports is parsed up front, not streamed.
pub(crate) static FORMAT: Format = Format {
    name: "grype",
    title: "a Grype JSON report",
    expected: "a Grype JSON report (`grype -o json`)",
    detect: &[DetectKey::Named("matches")],
    version_key: "descriptor",
    time_key: None,
    artifact_key: None,
    parse,
};

/// What parse errors call a report of this format.
const NAME: &str = "Grype JSON report";
const TITLE_MAX_CHARS: usize = 200;

fn parse(bytes: &[u8], source: &str, _: Option<&KeyAt>, _: &ReadOptions) -> Result<Scan, IngestError> {
    let report: raw::Report<'_> =
        serde_json::from_slice(bytes).map_err(|e| map_error(&e, bytes, source, NAME))?;
    let meta = map_meta(&report, bytes, source)?;
    let distribution = report
        .distro
        .as_ref()
        .and_then(|d| non_empty(d.name.as_ref()))
        .map(|name| ecosystem::of_distribution(&name));
    let findings = report.matches.iter().map(|m| map_match(m, distribution.as_ref())).collect();
    Ok(Scan::new(meta, findings))
}

fn map_meta(report: &raw::Report<'_>, bytes: &[u8], source: &str) -> Result<ScanMeta, IngestError> {
    let descriptor = Some(&report.descriptor);
    let created_at = timestamp(
        descriptor.and_then(|d| d.timestamp.as_ref()),
        bytes,
        source,
        NAME,
        "descriptor",
        "descriptor.timestamp",
    )?;
    let (artifact_name, image_id, repo_digests) = match report.source.as_ref().and_then(|s| s.target.as_ref())
    {
        Some(raw::Target::Image(image)) => (
            non_empty(Some(&image.user_input)),
            non_empty(image.image_id.as_ref()),
            image.repo_digests.iter().flatten().map(Text::to_owned_string).collect(),
        ),
        Some(raw::Target::Path(path)) => (non_empty(Some(path)), None, Vec::new()),
        _ => (None, None, Vec::new()),
    };
    let artifact_type = report.source.as_ref().map(|s| match s.kind.as_str() {
        "image" => ScanMeta::CONTAINER_IMAGE.to_owned(),
        "directory" | "file" => "filesystem".to_owned(),
        other => other.to_owned(),
    });
    let os = report.distro.as_ref().and_then(|d| joined([d.name.as_ref(), d.version.as_ref()]));
    Ok(ScanMeta {
        scanner: descriptor.and_then(|d| non_empty(d.name.as_ref())).unwrap_or_else(|| "grype".to_owned()),
        scanner_version: descriptor.and_then(|d| non_empty(d.version.as_ref())),
        artifact_name,
        artifact_type,
        image_id,
        repo_digests,
        os,
        created_at,
    })
}

fn map_match(found: &raw::Match<'_>, distribution: Option<&Ecosystem>) -> Finding {
    let vulnerability = &found.vulnerability;
    let related: Vec<&str> = found
        .related_vulnerabilities
        .iter()
        .flatten()
        .map(|r| r.id.as_str())
        .filter(|id| !id.is_empty())
        .collect();
    let own = vulnerability.id.as_str();
    let cves: Vec<&str> = related.iter().copied().filter(|id| id.starts_with("CVE-")).collect();
    let id = match cves.as_slice() {
        [cve] if own.starts_with("GHSA-") => *cve,
        _ => own,
    };
    let mut aliases: Vec<String> =
        std::iter::once(own).chain(related.iter().copied()).filter(|a| *a != id).map(str::to_owned).collect();
    aliases.sort();
    aliases.dedup();

    let package = map_package(&found.artifact, vulnerability, distribution);
    let title = vulnerability
        .description
        .as_ref()
        .map(Text::as_str)
        .and_then(|d| d.lines().map(str::trim).find(|l| !l.is_empty()))
        .map(|line| match line.char_indices().nth(TITLE_MAX_CHARS) {
            Some((cut, _)) => format!("{}…", &line[..cut]),
            None => line.to_owned(),
        })
        .unwrap_or_else(|| id.to_owned());
    let status =
        vulnerability.fix.as_ref().and_then(|f| f.state.as_ref()).map(|state| match state.as_str() {
            "fixed" => Status::Fixed,
            "not-fixed" => Status::Affected,
            "wont-fix" => Status::WillNotFix,
            _ => Status::Unknown,
        });
    Finding {
        fingerprint: Fingerprint::vulnerability(id, &package),
        kind: FindingKind::Vulnerability,
        id: id.to_owned(),
        aliases,
        severity: severity(vulnerability.severity.as_ref()),
        cvss: choose_cvss(found),
        package: Some(package),
        location: None,
        title,
        url: non_empty(vulnerability.data_source.as_ref()),
        status,
    }
}

fn severity(word: Option<&Text<'_>>) -> Severity {
    match word.map_or("", Text::as_str) {
        "Critical" => Severity::Critical,
        "High" => Severity::High,
        "Medium" => Severity::Medium,
        "Low" | "Negligible" => Severity::Low,
        "" | "Unknown" => Severity::Unknown,
        other => Severity::parse_lenient(other),
    }
}

/// The package, in hardline's vocabulary (see the module documentation).
fn map_package(
    artifact: &raw::Artifact<'_>,
    vulnerability: &raw::Vulnerability<'_>,
    distribution: Option<&Ecosystem>,
) -> Package {
    let kind = artifact.kind.as_ref().map_or("", Text::as_str);
    let purl = non_empty(artifact.purl.as_ref());
    let fix = vulnerability.fix.as_ref();
    let fixed_version = fix
        .filter(|f| f.state.as_ref().is_some_and(|s| s.as_str() == "fixed"))
        .and_then(|f| f.versions.as_ref())
        .map(|versions| {
            versions.iter().map(Text::as_str).filter(|v| !v.is_empty()).collect::<Vec<_>>().join(", ")
        })
        .filter(|v| !v.is_empty());
    let version = artifact.version.as_ref().map_or("", Text::as_str).to_owned();
    let name = match (kind, purl.as_deref().and_then(maven_name)) {
        ("java-archive", Some(qualified)) => qualified,
        _ => artifact.name.as_str().to_owned(),
    };
    if matches!(kind, "deb" | "rpm" | "apk") {
        let ecosystem = distribution
            .cloned()
            .or_else(|| purl.as_deref().and_then(purl_distribution))
            .unwrap_or_else(|| Ecosystem::new(ecosystem::UNKNOWN_DISTRIBUTION));
        return Package {
            name,
            version,
            fixed_version,
            class: PackageClass::Os,
            ecosystem,
            path: None,
            purl,
        };
    }
    let path = artifact
        .locations
        .iter()
        .flatten()
        .find_map(|l| non_empty(l.path.as_ref()))
        .map(|p| {
            p.trim_start_matches('/')
                .replace(".jar:", ".jar/")
                .replace(".war:", ".war/")
                .replace(".ear:", ".ear/")
        })
        .unwrap_or_default();
    let metadata = artifact.metadata_type.as_ref().map_or("", Text::as_str);
    let ecosystem =
        language_ecosystem(metadata, kind).unwrap_or_else(|| ecosystem::of_language_path(&path, &name));
    Package {
        name,
        version,
        fixed_version,
        class: PackageClass::Lang,
        ecosystem: Ecosystem::new(ecosystem),
        path: Some(path),
        purl,
    }
}

/// Trivy's word for where syft found a language package.
fn language_ecosystem(metadata_type: &str, kind: &str) -> Option<&'static str> {
    Some(match metadata_type {
        "go-module-buildinfo-entry" | "GolangBinMetadata" => "gobinary",
        "go-module-entry" | "GolangModMetadata" => "gomod",
        "php-composer-installed-entry" | "PhpComposerInstalledEntry" => "composer-vendor",
        "php-composer-lock-entry" | "PhpComposerLockEntry" => "composer",
        "javascript-npm-package" | "NpmPackageJsonMetadata" => "node-pkg",
        "javascript-npm-package-lock-entry" | "NpmPackageLockJsonMetadata" => "npm",
        "javascript-yarn-lock-entry" => "yarn",
        "javascript-pnpm-lock-entry" => "pnpm",
        "python-package" | "PythonPackageMetadata" => "python-pkg",
        "python-pip-requirements-entry" => "pip",
        "python-pipfile-lock-entry" => "pipenv",
        "python-poetry-lock-entry" => "poetry",
        "rust-cargo-audit-entry" => "rustbinary",
        "rust-cargo-lock-entry" => "cargo",
        "ruby-gemspec" => "gemspec",
        "ruby-gemfile-lock-entry" => "bundler",
        "dotnet-deps-entry" => "dotnet-core",
        "java-archive" | "JavaMetadata" => "jar",
        "java-pom-project" | "java-pom-properties" => "pom",
        _ => match kind {
            "java-archive" | "jenkins-plugin" => "jar",
            _ => return None,
        },
    })
}

/// `pkg:maven/org.yaml/snakeyaml@1.33` → `org.yaml:snakeyaml`, Trivy's name of a Java package.
fn maven_name(purl: &str) -> Option<String> {
    let path = purl.split(['@', '?', '#']).next()?.strip_prefix("pkg:maven/")?;
    let (group, artifact) = path.rsplit_once('/')?;
    Some(format!("{}:{artifact}", group.replace('/', ".")))
}

/// The distribution a package URL names (`pkg:deb/debian/libc6@…` → `debian`), when the
/// report has no `distro`.
fn purl_distribution(purl: &str) -> Option<Ecosystem> {
    let rest = purl.strip_prefix("pkg:")?;
    let mut parts = rest.split('/');
    let (_kind, namespace) = (parts.next()?, parts.next()?);
    Some(ecosystem::of_distribution(namespace))
}

/// The score behind the severity: the vulnerability's own namespace first, then its related
/// records (NVD's); within a list, the newest CVSS version.
fn choose_cvss(found: &raw::Match<'_>) -> Option<Cvss> {
    let own = found.vulnerability.cvss.iter().flatten().map(|c| (found.vulnerability.namespace.as_ref(), c));
    let related = found
        .related_vulnerabilities
        .iter()
        .flatten()
        .flat_map(|r| r.cvss.iter().flatten().map(move |c| (r.namespace.as_ref(), c)));
    let mut candidates: Vec<(Option<&Text<'_>>, &raw::Cvss<'_>, usize)> =
        own.map(|(n, c)| (n, c, 0)).chain(related.map(|(n, c)| (n, c, 1))).collect();
    candidates.retain(|(_, c, _)| c.metrics.as_ref().and_then(|m| m.base_score).is_some());
    candidates.sort_by(|a, b| {
        let version = |c: &raw::Cvss<'_>| c.version.as_ref().map_or(String::new(), Text::to_owned_string);
        a.2.cmp(&b.2).then_with(|| version(b.1).cmp(&version(a.1)))
    });
    let (namespace, cvss, _) = candidates.into_iter().next()?;
    let namespace = namespace.map_or("", Text::as_str);
    let source = match namespace.split(':').next().unwrap_or("") {
        "nvd" => "nvd".to_owned(),
        "" => "grype".to_owned(),
        other => other.to_owned(),
    };
    Some(Cvss {
        source,
        version: cvss.version.as_ref().map_or_else(|| "3".to_owned(), Text::to_owned_string),
        score: cvss.metrics.as_ref().and_then(|m| m.base_score)?,
        vector: non_empty(cvss.vector.as_ref()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_packages_are_named_as_trivy_names_them() {
        assert_eq!(maven_name("pkg:maven/org.yaml/snakeyaml@1.33").as_deref(), Some("org.yaml:snakeyaml"));
        assert_eq!(maven_name("pkg:npm/braces@3.0.2"), None);
        assert_eq!(
            purl_distribution("pkg:deb/debian/libc6@2.41?arch=amd64").map(|e| e.to_string()),
            Some("debian".into())
        );
    }
}
