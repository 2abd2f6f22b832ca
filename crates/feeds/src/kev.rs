//! CISA's Known Exploited Vulnerabilities catalog, as CISA publishes it
//! (`known_exploited_vulnerabilities.json`): `catalogVersion`, `dateReleased`, `count` and one
//! entry per CVE with `cveID`, `vendorProject`, `product`, `vulnerabilityName`, `dateAdded`,
//! `dueDate`, `knownRansomwareCampaignUse` and more. Unknown fields are ignored.

use std::collections::HashMap;
use std::path::Path;

use hardline_model::Finding;
use hardline_model::position::{self, Columns};
use jiff::civil::Date;
use serde::Deserialize;

use crate::{FeedError, FeedInfo, FeedKind, cve_ids, gzip, is_cve_id};

/// The catalog, keyed by CVE id.
#[derive(Clone, Debug)]
pub struct Kev {
    /// `catalogVersion`, e.g. `2025.08.25`.
    pub version: String,
    /// `dateReleased`.
    pub released: jiff::Timestamp,
    entries: HashMap<String, KevEntry>,
}

/// One known exploited vulnerability.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KevEntry {
    pub cve: String,
    pub vendor: String,
    pub product: String,
    pub name: String,
    /// When CISA added it to the catalog.
    pub date_added: Date,
    /// The date US federal agencies must act by.
    pub due_date: Option<Date>,
    /// Whether it is known to be used in ransomware campaigns.
    pub ransomware: bool,
}

impl Kev {
    /// Reads the catalog at `path`.
    pub fn load(path: &Path) -> Result<Kev, FeedError> {
        let bytes = std::fs::read(path).map_err(FeedError::io(path))?;
        Kev::parse(&bytes, path)
    }

    /// Parses the catalog's bytes; `path` is for messages.
    pub fn parse(bytes: &[u8], path: &Path) -> Result<Kev, FeedError> {
        if gzip::is_gzip(bytes) {
            return Err(FeedError::Unreadable {
                path: path.to_path_buf(),
                message: "this is gzip data, but the KEV catalog is JSON (EPSS scores are the gzipped \
                          feed: --epss)"
                    .to_owned(),
            });
        }
        let raw: RawCatalog = serde_json::from_slice(bytes).map_err(|e| invalid(path, bytes, &e))?;
        let entries = raw
            .vulnerabilities
            .into_iter()
            .map(|raw| {
                let entry = KevEntry {
                    cve: raw.cve_id.0,
                    vendor: raw.vendor_project,
                    product: raw.product,
                    name: raw.vulnerability_name,
                    date_added: raw.date_added.0,
                    due_date: raw.due_date.map(|d| d.0),
                    ransomware: raw.known_ransomware_campaign_use.eq_ignore_ascii_case("known"),
                };
                (entry.cve.clone(), entry)
            })
            .collect();
        Ok(Kev { version: raw.catalog_version, released: raw.date_released.0, entries })
    }

    /// The entry for a CVE id, as written in the catalog (`CVE-2024-3094`).
    pub fn get(&self, cve: &str) -> Option<&KevEntry> {
        self.entries.get(cve)
    }

    /// The entry of `finding`, by its id or a CVE alias.
    pub fn find(&self, finding: &Finding) -> Option<&KevEntry> {
        cve_ids(finding).find_map(|id| self.entries.get(&id))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn info(&self) -> FeedInfo {
        FeedInfo {
            kind: FeedKind::Kev,
            version: self.version.clone(),
            date: self.released,
            entries: self.len(),
        }
    }
}

fn invalid(path: &Path, bytes: &[u8], error: &serde_json::Error) -> FeedError {
    let full = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full);
    let message = if error.is_eof() {
        format!("the catalog ends too early ({message}); is the file cut short?")
    } else {
        format!("not CISA's KEV catalog: {message}")
    };
    let (line, column) = if error.is_eof() {
        position::end_of(bytes, Columns::Bytes)
    } else {
        position::normalized(bytes, error.line(), error.column(), Columns::Bytes)
    };
    FeedError::Invalid { path: path.to_path_buf(), line, column, message }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCatalog {
    catalog_version: String,
    date_released: KevTime,
    vulnerabilities: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawEntry {
    #[serde(rename = "cveID")]
    cve_id: CveId,
    #[serde(default)]
    vendor_project: String,
    #[serde(default)]
    product: String,
    #[serde(default)]
    vulnerability_name: String,
    date_added: KevDate,
    #[serde(default)]
    due_date: Option<KevDate>,
    #[serde(default)]
    known_ransomware_campaign_use: String,
}

/// A `cveID`, checked where it is read so that a bad one is reported at its line.
struct CveId(String);

impl<'de> Deserialize<'de> for CveId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        if is_cve_id(&text) {
            Ok(CveId(text))
        } else {
            Err(serde::de::Error::custom(format!("`cveID` {text:?} is not a CVE id like CVE-2024-3094")))
        }
    }
}

/// A `YYYY-MM-DD` date.
struct KevDate(Date);

impl<'de> Deserialize<'de> for KevDate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse::<Date>()
            .map(KevDate)
            .map_err(|_| serde::de::Error::custom(format!("{text:?} is not a date like 2025-08-25")))
    }
}

/// `dateReleased`: an RFC 3339 time.
struct KevTime(jiff::Timestamp);

impl<'de> Deserialize<'de> for KevTime {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse::<jiff::Timestamp>().map(KevTime).map_err(|_| {
            serde::de::Error::custom(format!(
                "`dateReleased` {text:?} is not a time like 2025-08-25T17:04:19Z"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"{
  "title": "CISA Catalog of Known Exploited Vulnerabilities",
  "catalogVersion": "2025.08.25",
  "dateReleased": "2025-08-25T17:04:19.9796Z",
  "count": 2,
  "vulnerabilities": [
    {"cveID": "CVE-2024-3094", "vendorProject": "XZ", "product": "xz-utils", "vulnerabilityName": "backdoor",
     "dateAdded": "2024-04-01", "dueDate": "2024-04-22", "knownRansomwareCampaignUse": "Unknown", "notes": "", "cwes": []},
    {"cveID": "CVE-2021-44228", "vendorProject": "Apache", "product": "Log4j2", "vulnerabilityName": "Log4Shell",
     "dateAdded": "2021-12-10", "dueDate": "2021-12-24", "knownRansomwareCampaignUse": "Known", "notes": "", "cwes": ["CWE-917"]}
  ]
}"#;

    fn parse(text: &str) -> Result<Kev, String> {
        Kev::parse(text.as_bytes(), Path::new("kev.json")).map_err(|e| e.to_string())
    }

    #[test]
    fn a_catalog_cut_after_a_newline_ends_on_a_real_place() {
        // serde_json says 3:0 here; the end of the file is just past `[` on line 2.
        let error = parse("{\n  \"vulnerabilities\": [\n").expect_err("cut short");
        assert!(error.starts_with("kev.json:2:23: the catalog ends too early"), "{error}");
    }

    #[test]
    fn reads_the_catalog_and_finds_findings_by_id_or_alias() {
        let kev = parse(SMALL).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(kev.version, "2025.08.25");
        assert_eq!(kev.len(), 2);
        let log4shell = kev.get("CVE-2021-44228").expect("listed");
        assert!(log4shell.ransomware);
        assert_eq!(log4shell.date_added.to_string(), "2021-12-10");
        let mut finding = Finding::debian_vulnerability(
            "GHSA-jfh8-c2jp-5v3q",
            "log4j",
            "2.14",
            hardline_model::Severity::Critical,
        );
        assert!(kev.find(&finding).is_none());
        finding.aliases.push("CVE-2021-44228".into());
        assert_eq!(kev.find(&finding).map(|e| e.product.as_str()), Some("Log4j2"));
        assert_eq!(kev.info().citation(), "CISA KEV catalog 2025.08.25");
    }

    #[test]
    fn a_bad_entry_is_named_by_line() {
        let bad_date = SMALL.replace("\"2021-12-10\"", "\"10/12/2021\"");
        let error = parse(&bad_date).err().unwrap_or_default();
        assert!(error.starts_with("kev.json:10:"), "{error}");
        assert!(error.contains("\"10/12/2021\" is not a date like 2025-08-25"), "{error}");
        let bad_id = SMALL.replace("CVE-2024-3094", "XZ-1");
        let error = parse(&bad_id).err().unwrap_or_default();
        assert!(error.starts_with("kev.json:7:") && error.contains("\"XZ-1\" is not a CVE id"), "{error}");
        let cut = &SMALL[..SMALL.len() / 2];
        let error = parse(cut).err().unwrap_or_default();
        assert!(error.contains("cut short"), "{error}");
        let error = parse("{\"vulnerabilities\": []}").err().unwrap_or_default();
        assert!(error.contains("missing field `catalogVersion`"), "{error}");
        let error = Kev::parse(&[0x1f, 0x8b, 8, 0], Path::new("x.gz")).err().map(|e| e.to_string());
        assert!(error.unwrap_or_default().contains("--epss"));
    }
}
