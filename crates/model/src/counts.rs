use serde::{Deserialize, Serialize};

use crate::Severity;

/// Findings per severity. Serialised with every severity present (zeros included) so that
/// machine readers never have to guess whether a key is missing or zero.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub critical: u32,
    pub high: u32,
    pub medium: u32,
    pub low: u32,
    pub unknown: u32,
}

impl Counts {
    pub fn add(&mut self, severity: Severity) {
        *self.slot(severity) += 1;
    }

    pub fn get(&self, severity: Severity) -> u32 {
        match severity {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Unknown => self.unknown,
        }
    }

    fn slot(&mut self, severity: Severity) -> &mut u32 {
        match severity {
            Severity::Critical => &mut self.critical,
            Severity::High => &mut self.high,
            Severity::Medium => &mut self.medium,
            Severity::Low => &mut self.low,
            Severity::Unknown => &mut self.unknown,
        }
    }

    pub fn total(&self) -> u32 {
        self.critical + self.high + self.medium + self.low + self.unknown
    }

    /// Findings of severity `min` and above.
    pub fn at_least(&self, min: Severity) -> u32 {
        Severity::DESCENDING.iter().filter(|s| **s >= min).map(|s| self.get(*s)).sum()
    }

    pub fn from_severities(severities: impl IntoIterator<Item = Severity>) -> Counts {
        let mut counts = Counts::default();
        for severity in severities {
            counts.add(severity);
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_least_medium_sums_the_upper_bands() {
        let counts = Counts::from_severities([
            Severity::Critical,
            Severity::High,
            Severity::Medium,
            Severity::Low,
            Severity::Unknown,
        ]);
        assert_eq!(counts.at_least(Severity::Medium), 3);
        assert_eq!(counts.total(), 5);
    }
}
