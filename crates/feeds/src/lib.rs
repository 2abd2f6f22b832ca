//! Threat feeds: which vulnerabilities are exploited in the wild (CISA's Known Exploited
//! Vulnerabilities catalog, [`Kev`]) and how likely the others are to be (FIRST's Exploit
//! Prediction Scoring System, [`Epss`]).
//!
//! Feeds are read from files — given on the command line, named in `hardline.toml`, or kept in
//! `.hardline/feeds/` by [`update`] — and applied when reading: they enrich findings shown in
//! status, issues, the dashboard and gate reasons, but are never written into the ledger's
//! hashed events, so a newer catalog changes what people see without rewriting history.
//!
//! Every command works without feeds: a missing feed is `None`, and what depends on it is left
//! out, never guessed.

mod epss;
mod error;
mod gzip;
mod kev;
pub mod store;
pub mod update;

use std::path::Path;

use hardline_model::Finding;

pub use epss::{Epss, EpssScore};
pub use error::FeedError;
pub use kev::{Kev, KevEntry};

/// Which feed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FeedKind {
    Kev,
    Epss,
}

impl FeedKind {
    pub const ALL: [FeedKind; 2] = [FeedKind::Kev, FeedKind::Epss];

    /// The short name used in configuration, JSON and messages (`kev`, `epss`).
    pub fn name(self) -> &'static str {
        match self {
            FeedKind::Kev => "kev",
            FeedKind::Epss => "epss",
        }
    }

    /// How people call it.
    pub fn title(self) -> &'static str {
        match self {
            FeedKind::Kev => "CISA KEV catalog",
            FeedKind::Epss => "FIRST EPSS scores",
        }
    }

    /// Where the publisher keeps the current file.
    pub fn default_url(self) -> &'static str {
        match self {
            FeedKind::Kev => {
                "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"
            }
            FeedKind::Epss => "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz",
        }
    }

    /// Reads `bytes` (from `path`, for messages) as this feed, for validation and a summary.
    pub fn parse(self, bytes: &[u8], path: &Path) -> Result<FeedInfo, FeedError> {
        Ok(match self {
            FeedKind::Kev => Kev::parse(bytes, path)?.info(),
            FeedKind::Epss => Epss::parse(bytes, path)?.info(),
        })
    }
}

/// What a feed file is: its publisher's version and date, and how many entries it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedInfo {
    pub kind: FeedKind,
    /// KEV: the catalog version (`2025.08.25`); EPSS: the model version (`v2025.03.14`).
    pub version: String,
    /// KEV: when the catalog was released; EPSS: the date the scores are for.
    pub date: jiff::Timestamp,
    pub entries: usize,
}

impl FeedInfo {
    /// `CISA KEV catalog 2025.08.25` or `FIRST EPSS scores of 2025-08-25`: how reasons and
    /// reports cite the feed.
    pub fn citation(&self) -> String {
        match self.kind {
            FeedKind::Kev => format!("{} {}", self.kind.title(), self.version),
            FeedKind::Epss => format!("{} of {}", self.kind.title(), self.day()),
        }
    }

    /// `CISA KEV catalog 2025.08.25, released 2025-08-25, 1404 entries` or `FIRST EPSS scores
    /// of 2025-08-25, model v2025.03.14, 1 entry`: the feed in one line, for people.
    pub fn describe(&self) -> String {
        let entries =
            if self.entries == 1 { "1 entry".to_owned() } else { format!("{} entries", self.entries) };
        match self.kind {
            FeedKind::Kev => format!("{}, released {}, {entries}", self.citation(), self.day()),
            FeedKind::Epss => format!("{}, model {}, {entries}", self.citation(), self.version),
        }
    }

    /// The feed's date as a calendar day (UTC).
    pub fn day(&self) -> jiff::civil::Date {
        jiff::tz::Offset::UTC.to_datetime(self.date).date()
    }
}

/// The feeds of one run. Either may be absent.
#[derive(Debug, Default)]
pub struct Feeds {
    pub kev: Option<Kev>,
    pub epss: Option<Epss>,
}

impl Feeds {
    /// No feed at all: what every command falls back to.
    pub fn none() -> Feeds {
        Feeds::default()
    }

    /// The KEV entry of `finding` (by its id or an alias), when the catalog is loaded and lists
    /// it.
    pub fn kev_entry(&self, finding: &Finding) -> Option<&KevEntry> {
        self.kev.as_ref().and_then(|kev| kev.find(finding))
    }

    /// The KEV entry of the first of `cves` (as [`cve_ids`] gives them) the catalog lists.
    pub fn kev_entry_of_ids<'a>(&self, cves: impl IntoIterator<Item = &'a str>) -> Option<&KevEntry> {
        let kev = self.kev.as_ref()?;
        cves.into_iter().find_map(|id| kev.get(id))
    }

    /// The EPSS score of `finding` (by its id or an alias), when the scores are loaded.
    pub fn epss_score(&self, finding: &Finding) -> Option<EpssScore> {
        self.epss.as_ref().and_then(|epss| epss.find(finding))
    }
}

/// The CVE ids a finding goes by, upper-cased: its id and its aliases that are CVEs. Feeds are
/// keyed by CVE.
pub fn cve_ids(finding: &Finding) -> impl Iterator<Item = String> + '_ {
    std::iter::once(&finding.id)
        .chain(&finding.aliases)
        .filter(|id| id.len() > 4 && id[..4].eq_ignore_ascii_case("cve-"))
        .map(|id| id.to_ascii_uppercase())
}

/// Whether `text` is a CVE id as feeds write it: `CVE-YYYY-NNNN` with four or more digits.
fn is_cve_id(text: &str) -> bool {
    let mut parts = text.splitn(3, '-');
    let (Some("CVE"), Some(year), Some(number)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    // The sequence number has at least four digits, padded with zeros only up to four.
    year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && number.len() >= 4
        && !(number.len() > 4 && number.starts_with('0'))
        && number.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cve_ids_are_recognised_strictly() {
        assert!(is_cve_id("CVE-2024-3094"));
        assert!(is_cve_id("CVE-2021-1234567"));
        assert!(!is_cve_id("cve-2024-3094"), "feeds write them upper-case");
        assert!(!is_cve_id("CVE-24-3094"));
        assert!(!is_cve_id("CVE-2024-309"));
        assert!(!is_cve_id("GHSA-xxxx-yyyy-zzzz"));
        assert!(!is_cve_id("CVE-2024-3094 "));
        assert!(!is_cve_id("CVE-2024-03094"), "zeros pad to four digits only");
    }

    #[test]
    fn a_finding_goes_by_its_id_and_its_cve_aliases() {
        let mut finding = Finding::debian_vulnerability("GHSA-abcd", "x", "1", hardline_model::Severity::Low);
        finding.aliases = vec!["cve-2024-3094".into(), "DLA-1".into()];
        assert_eq!(cve_ids(&finding).collect::<Vec<_>>(), ["CVE-2024-3094"]);
    }
}
