use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A finding's severity. Ordered: `Unknown < Low < Medium < High < Critical`, so `>= Medium`
/// reads as "MEDIUM and above".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Unknown,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// All severities, most severe first: the order reports list them in.
    pub const DESCENDING: [Severity; 5] =
        [Severity::Critical, Severity::High, Severity::Medium, Severity::Low, Severity::Unknown];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Unknown => "unknown",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// The upper-case label scanners and people use (`CRITICAL`).
    pub fn label(self) -> &'static str {
        match self {
            Severity::Unknown => "UNKNOWN",
            Severity::Low => "LOW",
            Severity::Medium => "MEDIUM",
            Severity::High => "HIGH",
            Severity::Critical => "CRITICAL",
        }
    }

    /// Parses a scanner's severity word, case-insensitively. Anything unrecognised is
    /// `Unknown` rather than an error: a scanner inventing a level must not break ingest.
    pub fn parse_lenient(word: &str) -> Severity {
        word.parse().unwrap_or(Severity::Unknown)
    }

    /// Maps a CVSS-style score (0.0–10.0) onto a severity using the CVSS v3 bands, the same
    /// bands GitHub uses for SARIF `security-severity`.
    pub fn from_score(score: f64) -> Severity {
        if score >= 9.0 {
            Severity::Critical
        } else if score >= 7.0 {
            Severity::High
        } else if score >= 4.0 {
            Severity::Medium
        } else if score > 0.0 {
            Severity::Low
        } else {
            Severity::Unknown
        }
    }
}

impl FromStr for Severity {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "critical" => Ok(Severity::Critical),
            "high" => Ok(Severity::High),
            "medium" | "moderate" => Ok(Severity::Medium),
            "low" | "negligible" => Ok(Severity::Low),
            "unknown" | "none" | "info" => Ok(Severity::Unknown),
            _ => Err(()),
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_from_unknown_to_critical() {
        assert!(Severity::Critical > Severity::High);
        assert!(Severity::Medium >= Severity::Medium);
        assert!(Severity::Unknown < Severity::Low);
    }

    #[test]
    fn score_bands_match_cvss_v3() {
        assert_eq!(Severity::from_score(9.8), Severity::Critical);
        assert_eq!(Severity::from_score(7.0), Severity::High);
        assert_eq!(Severity::from_score(6.9), Severity::Medium);
        assert_eq!(Severity::from_score(0.1), Severity::Low);
        assert_eq!(Severity::from_score(0.0), Severity::Unknown);
    }

    #[test]
    fn parses_scanner_words() {
        assert_eq!(Severity::parse_lenient("HIGH"), Severity::High);
        assert_eq!(Severity::parse_lenient("bogus"), Severity::Unknown);
    }
}
