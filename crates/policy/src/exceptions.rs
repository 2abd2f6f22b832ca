//! Accepted risks: `security/exceptions.toml`, plus imports of Trivy's `.trivyignore.yaml` and
//! plain `.trivyignore` (`trivyignore.rs`), OpenVEX (`vex.rs`) and CycloneDX VEX
//! (`cyclonedx.rs`) documents in `security/`.
//!
//! Read in two steps, as cargo-deny and zizmor do: raw serde types that refuse unknown
//! fields, then validation into [`Exception`]s, with errors that point at the line.

use std::path::{Path, PathBuf};

use hardline_model::position::{self, Columns};
use hardline_model::{Finding, ImageName};
use jiff::civil::Date;
use serde::Deserialize;

/// The OpenVEX justifications an exception may cite.
pub const VEX_JUSTIFICATIONS: [&str; 5] = [
    "component_not_present",
    "vulnerable_code_not_present",
    "vulnerable_code_not_in_execute_path",
    "vulnerable_code_cannot_be_controlled_by_adversary",
    "inline_mitigations_already_exist",
];

#[derive(Debug, thiserror::Error)]
pub enum ExceptionError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}:{line}:{column}: {message}")]
    Invalid { path: PathBuf, line: usize, column: usize, message: String },
}

impl ExceptionError {
    /// An error at `line`:`column` (1-based) of the file at `path`.
    pub(crate) fn at(path: &Path, line: usize, column: usize, message: String) -> ExceptionError {
        ExceptionError::Invalid { path: path.to_path_buf(), line, column, message }
    }

    /// A JSON document (OpenVEX, CycloneDX) `text` that `serde_json` could not read, at its
    /// place: serde_json counts columns from 0 at the start of a line (an empty file is at 1:0,
    /// which names no place) and repeats the place in its message, which is said once here.
    pub(crate) fn json(path: &Path, text: &str, error: &serde_json::Error) -> ExceptionError {
        let full = error.to_string();
        let suffix = format!(" at line {} column {}", error.line(), error.column());
        let message = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
        let (line, column) = if error.is_eof() {
            position::end_of(text.as_bytes(), Columns::Bytes)
        } else {
            position::normalized(text.as_bytes(), error.line(), error.column(), Columns::Bytes)
        };
        ExceptionError::at(path, line, column, message)
    }
}

/// One accepted risk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exception {
    /// Vulnerability id (or alias) or rule id.
    pub id: String,
    /// Empty: every image.
    pub images: Vec<String>,
    /// Empty: every package.
    pub packages: Vec<String>,
    /// Empty: every package. Package URLs without version (from OpenVEX subcomponents),
    /// matched against the finding's purl.
    pub purls: Vec<String>,
    /// Empty: every path. Matches a package path or a location, exactly or as a folder.
    pub paths: Vec<String>,
    /// Empty: every finding the other fields match. Otherwise only the findings with these
    /// fingerprints: the exception accepts exactly those findings, and goes stale when what
    /// identifies them changes (a misconfiguration's offending lines, say), so a changed
    /// finding is looked at again.
    pub fingerprints: Vec<String>,
    pub reason: String,
    pub vex: Option<String>,
    /// Valid through this day. `None` for imported entries that carry no date (a
    /// `.trivyignore.yaml` entry without `expired_at`, a `.trivyignore` line without `exp:`,
    /// a VEX statement), which are reported as such.
    pub expires: Option<Date>,
    /// `file:line`, so reports can say where an exception is written.
    pub source: String,
}

impl Exception {
    pub fn is_expired(&self, today: Date) -> bool {
        self.expires.is_some_and(|expires| today > expires)
    }

    /// `images postgres-secured; packages libc6`: what the exception is limited to, for people
    /// (empty: every finding with its id, in every image). Not escaped.
    pub fn scope(&self) -> String {
        let lists = [
            ("images", &self.images),
            ("packages", &self.packages),
            ("package URLs", &self.purls),
            ("paths", &self.paths),
            ("fingerprints", &self.fingerprints),
        ];
        let parts: Vec<String> = lists
            .iter()
            .filter(|(_, list)| !list.is_empty())
            .map(|(name, list)| format!("{name} {}", list.join(", ")))
            .collect();
        parts.join("; ")
    }

    /// Whether this exception is written for `image` (by name, or for every image).
    pub fn covers(&self, image: &ImageName) -> bool {
        self.images.is_empty() || self.images.iter().any(|i| i == image.as_str())
    }

    pub fn matches(&self, finding: &Finding, image: &ImageName) -> bool {
        let named = finding.is_named(&self.id) || finding.is_named(strip_avd(&self.id));
        let image_ok = self.covers(image);
        let package_ok = self.packages.is_empty()
            || finding.package_name().is_some_and(|name| self.packages.iter().any(|p| p == name));
        let purl_ok = self.purls.is_empty()
            || finding
                .package
                .as_ref()
                .and_then(|p| p.purl.as_deref())
                .is_some_and(|purl| self.purls.iter().any(|base| base == crate::vex::purl_base(purl)));
        let path_ok = self.paths.is_empty() || {
            let path = finding
                .package
                .as_ref()
                .and_then(|p| p.path.as_deref())
                .or(finding.location.as_ref().map(|l| l.path.as_str()));
            path.is_some_and(|path| self.paths.iter().any(|p| path_matches(p, path)))
        };
        let fingerprint_ok = self.fingerprints.is_empty()
            || self.fingerprints.iter().any(|f| f == finding.fingerprint.as_str());
        named && image_ok && package_ok && purl_ok && path_ok && fingerprint_ok
    }
}

fn strip_avd(id: &str) -> &str {
    id.strip_prefix("AVD-").unwrap_or(id)
}

fn path_matches(pattern: &str, path: &str) -> bool {
    let pattern = pattern.trim_start_matches('/');
    let path = path.trim_start_matches('/');
    path == pattern || path.strip_prefix(pattern).is_some_and(|rest| rest.starts_with('/'))
}

/// An active exception that expires within this many days is called out.
pub const EXPIRING_SOON_DAYS: i64 = 14;

/// Where an exception stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExceptionState {
    /// Suppresses what it matches.
    Active,
    /// Active, and expires within [`EXPIRING_SOON_DAYS`] (this many days left).
    ExpiringSoon(i64),
    /// Past its date: what it matches counts again.
    Expired,
    /// Matches no finding of any image: safe to remove.
    Stale,
}

impl ExceptionState {
    pub fn as_str(self) -> &'static str {
        match self {
            ExceptionState::Active => "active",
            ExceptionState::ExpiringSoon(_) => "expiring",
            ExceptionState::Expired => "expired",
            ExceptionState::Stale => "stale",
        }
    }
}

/// One exception reviewed against the images: where it stands and the open findings it
/// suppresses (for an expired one: the findings it matches, which count again).
#[derive(Clone, Debug)]
pub struct Review<'a> {
    pub exception: &'a Exception,
    pub state: ExceptionState,
    pub findings: Vec<(ImageName, Finding)>,
}

/// Every exception of a repository.
#[derive(Clone, Debug, Default)]
pub struct ExceptionSet {
    pub exceptions: Vec<Exception>,
}

/// Findings (borrowed for `'f`) after exceptions (borrowed for `'e`), and what the exceptions
/// did.
#[derive(Clone, Debug)]
pub struct Applied<'f, 'e> {
    /// Findings that count.
    pub counted: Vec<&'f Finding>,
    /// Findings an active exception suppressed, with the exception.
    pub suppressed: Vec<(&'f Finding, &'e Exception)>,
    /// Exceptions past their date that still match findings: those findings count again.
    pub expired: Vec<&'e Exception>,
    /// Exceptions written for this image by name that match none of its findings. (One that
    /// applies to every image is stale only if no image has a finding it matches: see
    /// [`ExceptionSet::stale_everywhere`].)
    pub stale: Vec<&'e Exception>,
}

impl ExceptionSet {
    /// Reads `security/exceptions.toml`, `.trivyignore.yaml`, `.trivyignore`, and every
    /// `security/*.openvex.json` and `security/*.cdx.json` under `root`; all optional.
    pub fn load(root: &Path) -> Result<ExceptionSet, ExceptionError> {
        let mut set = ExceptionSet::default();
        let toml_path = root.join("security/exceptions.toml");
        if let Some(text) = read_optional(&toml_path)? {
            set.exceptions.extend(parse_toml(&text, &toml_path, Path::new("security/exceptions.toml"))?);
        }
        let yaml_path = root.join(".trivyignore.yaml");
        if let Some(text) = read_optional(&yaml_path)? {
            set.exceptions.extend(parse_trivyignore(&text, &yaml_path, Path::new(".trivyignore.yaml"))?);
        }
        let plain_path = root.join(".trivyignore");
        if let Some(text) = read_optional(&plain_path)? {
            set.exceptions.extend(crate::trivyignore::parse(&text, &plain_path, Path::new(".trivyignore"))?);
        }
        type Reader = fn(&str, &Path, &Path) -> Result<Vec<Exception>, ExceptionError>;
        let readers: [(&str, Reader); 2] =
            [(".openvex.json", crate::vex::parse), (".cdx.json", crate::cyclonedx::parse)];
        let security = root.join("security");
        let mut documents: Vec<(PathBuf, Reader)> = std::fs::read_dir(&security)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.path())
                    .filter_map(|p| {
                        let name = p.file_name()?.to_string_lossy().into_owned();
                        readers
                            .iter()
                            .find(|(suffix, _)| name.ends_with(suffix))
                            .map(|(_, read)| (p.clone(), *read))
                    })
                    .collect()
            })
            .unwrap_or_default();
        documents.sort_by(|a, b| a.0.cmp(&b.0));
        for (path, read) in documents {
            if let Some(text) = read_optional(&path)? {
                let shown = Path::new("security").join(path.file_name().unwrap_or_default());
                set.exceptions.extend(read(&text, &path, &shown)?);
            }
        }
        Ok(set)
    }

    /// Applies the exceptions for `image` on `today` to `findings`.
    pub fn apply<'f, 'e>(
        &'e self,
        findings: &'f [Finding],
        image: &ImageName,
        today: Date,
    ) -> Applied<'f, 'e> {
        let mut applied =
            Applied { counted: Vec::new(), suppressed: Vec::new(), expired: Vec::new(), stale: Vec::new() };
        let relevant: Vec<&Exception> = self.exceptions.iter().filter(|e| e.covers(image)).collect();
        let mut used = vec![false; relevant.len()];
        for finding in findings {
            let mut suppressed_by = None;
            for (index, exception) in relevant.iter().enumerate() {
                if exception.matches(finding, image) {
                    used[index] = true;
                    if !exception.is_expired(today) && suppressed_by.is_none() {
                        suppressed_by = Some(*exception);
                    }
                }
            }
            match suppressed_by {
                Some(exception) => applied.suppressed.push((finding, exception)),
                None => applied.counted.push(finding),
            }
        }
        for (index, exception) in relevant.into_iter().enumerate() {
            if !used[index] {
                if !exception.images.is_empty() {
                    applied.stale.push(exception);
                }
            } else if exception.is_expired(today) {
                applied.expired.push(exception);
            }
        }
        applied
    }

    /// Exceptions that match no finding of any of `images` (name and findings): safe to remove.
    pub fn stale_everywhere<'a>(&'a self, images: &[(&ImageName, &[Finding])]) -> Vec<&'a Exception> {
        self.exceptions
            .iter()
            .filter(|exception| {
                !images.iter().any(|(image, findings)| findings.iter().any(|f| exception.matches(f, image)))
            })
            .collect()
    }

    /// Every exception with where it stands on `today` and the findings of `images` (name and
    /// open findings) it suppresses — or, once expired, matches without suppressing — in file
    /// order. What `hardline exceptions` lists and the dashboard shows.
    pub fn review<'a>(&'a self, images: &[(&ImageName, &[Finding])], today: Date) -> Vec<Review<'a>> {
        let mut reviews: Vec<Review<'a>> = self
            .exceptions
            .iter()
            .map(|exception| Review { exception, state: ExceptionState::Stale, findings: Vec::new() })
            .collect();
        for (image, findings) in images {
            let applied = self.apply(findings, image, today);
            for (finding, exception) in &applied.suppressed {
                if let Some(review) = reviews.iter_mut().find(|r| std::ptr::eq(r.exception, *exception)) {
                    review.findings.push(((*image).clone(), (*finding).clone()));
                }
            }
            for review in reviews.iter_mut().filter(|r| r.exception.is_expired(today)) {
                review.findings.extend(
                    findings
                        .iter()
                        .filter(|f| review.exception.matches(f, image))
                        .map(|f| ((*image).clone(), f.clone())),
                );
            }
        }
        let matched_anywhere = |exception: &Exception| {
            images.iter().any(|(image, findings)| findings.iter().any(|f| exception.matches(f, image)))
        };
        for review in &mut reviews {
            review.state = if !matched_anywhere(review.exception) {
                ExceptionState::Stale
            } else if review.exception.is_expired(today) {
                ExceptionState::Expired
            } else {
                match review.exception.expires.map(|d| crate::sla::days_between(today, d)) {
                    Some(days) if days <= EXPIRING_SOON_DAYS => ExceptionState::ExpiringSoon(days),
                    _ => ExceptionState::Active,
                }
            };
        }
        reviews
    }

    /// Exceptions that expire within `days` of `today` (and have not yet).
    pub fn expiring_within(&self, today: Date, days: i64) -> Vec<&Exception> {
        let limit = today.checked_add(jiff::Span::new().days(days)).unwrap_or(today);
        let mut soon: Vec<&Exception> =
            self.exceptions.iter().filter(|e| e.expires.is_some_and(|d| d >= today && d <= limit)).collect();
        soon.sort_by(|a, b| a.expires.cmp(&b.expires).then_with(|| a.id.cmp(&b.id)));
        soon
    }
}

/// The most a file of exceptions may hold: they are written by hand, and a symlink to
/// `/dev/zero` must not be read at all.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

fn read_optional(path: &Path) -> Result<Option<String>, ExceptionError> {
    let io = |source| ExceptionError::Io { path: path.to_path_buf(), source };
    let bytes = match hardline_ingest::read_bounded(path, MAX_FILE_BYTES) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(io(source)),
    };
    String::from_utf8(bytes).map(Some).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(e.as_bytes());
        let (line, column) = position(&text, at);
        ExceptionError::Invalid {
            path: path.to_path_buf(),
            line,
            column,
            message: "invalid UTF-8; the file must be UTF-8 throughout".to_owned(),
        }
    })
}

/// 1-based line and column (in characters) of a byte offset.
fn position(text: &str, offset: usize) -> (usize, usize) {
    position::at_offset(text.as_bytes(), offset, Columns::Chars)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExceptionsFile {
    #[serde(default)]
    exception: Vec<toml::Spanned<RawException>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawException {
    id: String,
    #[serde(default)]
    images: Vec<String>,
    #[serde(default)]
    packages: Vec<String>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    fingerprints: Vec<toml::Spanned<String>>,
    reason: String,
    #[serde(default)]
    vex: Option<toml::Spanned<String>>,
    expires: toml::Spanned<toml::Value>,
}

/// Reads `security/exceptions.toml`. `path` is where the file is read from (for errors);
/// `shown` is how exceptions name it (relative to the repository, so that reports do not depend
/// on where it is checked out).
pub fn parse_toml(text: &str, path: &Path, shown: &Path) -> Result<Vec<Exception>, ExceptionError> {
    let invalid = |offset: usize, message: String| {
        let (line, column) = position(text, offset);
        ExceptionError::Invalid { path: path.to_path_buf(), line, column, message }
    };
    let raw: RawExceptionsFile = toml::from_str(text).map_err(|e| {
        let offset = e.span().map(|s| s.start).unwrap_or(0);
        invalid(offset, e.message().to_owned())
    })?;
    let mut out = Vec::with_capacity(raw.exception.len());
    for spanned in raw.exception {
        let start = spanned.span().start;
        let raw = spanned.into_inner();
        if raw.id.trim().is_empty() {
            return Err(invalid(start, "`id` must not be empty".to_owned()));
        }
        if raw.reason.trim().is_empty() {
            return Err(invalid(
                start,
                format!("exception {}: `reason` must say why the risk is accepted", raw.id),
            ));
        }
        let expires_at = raw.expires.span().start;
        let expires_text = match raw.expires.get_ref() {
            toml::Value::String(s) => s.clone(),
            toml::Value::Datetime(d) => d.to_string(),
            other => other.to_string(),
        };
        let expires: Date = expires_text.parse().map_err(|_| {
            invalid(expires_at, format!("exception {}: `expires` must be a date like 2026-03-31", raw.id))
        })?;
        if let Some(vex) = &raw.vex
            && !VEX_JUSTIFICATIONS.contains(&vex.get_ref().as_str())
        {
            return Err(invalid(
                vex.span().start,
                format!("exception {}: `vex` must be one of {}", raw.id, VEX_JUSTIFICATIONS.join(", ")),
            ));
        }
        for fingerprint in &raw.fingerprints {
            let text = fingerprint.get_ref();
            if text.len() != 32 || !text.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()) {
                return Err(invalid(
                    fingerprint.span().start,
                    format!(
                        "exception {}: {text:?} is not a fingerprint (32 lower-case hex digits, as `hardline status --format json` shows them)",
                        raw.id
                    ),
                ));
            }
        }
        out.push(Exception {
            id: raw.id,
            images: raw.images,
            packages: raw.packages,
            purls: Vec::new(),
            paths: raw.paths,
            fingerprints: raw.fingerprints.into_iter().map(|f| f.into_inner()).collect(),
            reason: raw.reason,
            vex: raw.vex.map(|v| v.into_inner()),
            expires: Some(expires),
            source: format!("{}:{}", shown.display(), position(text, start).0),
        });
    }
    Ok(out)
}

#[derive(Deserialize, Default)]
struct RawTrivyIgnore {
    #[serde(default)]
    vulnerabilities: Vec<RawIgnoreEntry>,
    #[serde(default)]
    misconfigurations: Vec<RawIgnoreEntry>,
    #[serde(default)]
    secrets: Vec<RawIgnoreEntry>,
}

#[derive(Deserialize)]
struct RawIgnoreEntry {
    id: serde_saphyr::Spanned<String>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    statement: Option<String>,
    #[serde(default)]
    expired_at: Option<serde_saphyr::Spanned<String>>,
}

/// Reads Trivy's `.trivyignore.yaml`. `path` is where the file is read from (for errors);
/// `shown` is how exceptions name it. Errors point at the line and column of the value at fault.
pub fn parse_trivyignore(text: &str, path: &Path, shown: &Path) -> Result<Vec<Exception>, ExceptionError> {
    let invalid = |location: Option<serde_saphyr::Location>, message: String| {
        let (line, column) = location.map_or((1, 1), |l| {
            position::normalized(text.as_bytes(), l.line() as usize, l.column() as usize, Columns::Chars)
        });
        ExceptionError::Invalid { path: path.to_path_buf(), line, column, message }
    };
    let raw: RawTrivyIgnore =
        serde_saphyr::from_str(text).map_err(|e| invalid(e.location(), e.to_string()))?;
    let mut out = Vec::new();
    for entry in raw.vulnerabilities.into_iter().chain(raw.misconfigurations).chain(raw.secrets) {
        let id = entry.id.value;
        let expires = match entry.expired_at {
            Some(date) => Some(date.value.trim().parse::<Date>().map_err(|_| {
                invalid(Some(date.referenced), format!("{id}: `expired_at` must be a date like 2026-03-31"))
            })?),
            None => None,
        };
        out.push(Exception {
            source: format!("{}:{}", shown.display(), entry.id.referenced.line()),
            id,
            images: Vec::new(),
            packages: Vec::new(),
            purls: Vec::new(),
            paths: entry.paths,
            fingerprints: Vec::new(),
            reason: entry
                .statement
                .unwrap_or_else(|| "imported from .trivyignore.yaml (no statement)".to_owned()),
            vex: None,
            expires,
        });
    }
    Ok(out)
}
