use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A point in time as hardline keeps it: the instant, which is what is compared and ordered,
/// and the RFC 3339 text it was written as, which is what is stored, hashed and shown.
///
/// A scanner's time keeps its own spelling (`2026-01-19T04:08:21.501247525Z`, or an offset such
/// as `+01:00`), so the bytes of the log never depend on how hardline would format a time;
/// times hardline makes itself are whole seconds in UTC (`2026-11-11T04:00:00Z`). Parsed once,
/// where the text enters, instead of on every comparison.
#[derive(Clone, Debug)]
pub struct Timestamp {
    instant: jiff::Timestamp,
    text: Box<str>,
}

/// Text that is not an RFC 3339 time.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not an RFC 3339 time ({reason})")]
pub struct InvalidTimestamp {
    pub text: String,
    pub reason: String,
}

impl Timestamp {
    /// Parses RFC 3339 text, keeping it as written.
    pub fn parse(text: &str) -> Result<Timestamp, InvalidTimestamp> {
        let instant = text
            .parse::<jiff::Timestamp>()
            .map_err(|e| InvalidTimestamp { text: text.to_owned(), reason: e.to_string() })?;
        Ok(Timestamp { instant, text: text.into() })
    }

    /// A time hardline makes itself: cut to whole seconds, written in UTC with a `Z`.
    pub fn from_instant(instant: jiff::Timestamp) -> Timestamp {
        let whole = jiff::Timestamp::from_second(instant.as_second()).unwrap_or(instant);
        Timestamp { instant: whole, text: whole.strftime("%Y-%m-%dT%H:%M:%SZ").to_string().into() }
    }

    pub fn instant(&self) -> jiff::Timestamp {
        self.instant
    }

    /// The text as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The calendar day in UTC.
    pub fn date(&self) -> jiff::civil::Date {
        jiff::tz::Offset::UTC.to_datetime(self.instant).date()
    }

    /// Orders optional times by instant, the known ones first: how reports without a time (a
    /// SARIF log) are placed after those with one. Two spellings of one instant are equal here,
    /// so a stable sort keeps their order.
    pub fn cmp_known_first(a: Option<&Timestamp>, b: Option<&Timestamp>) -> Ordering {
        match (a, b) {
            (Some(a), Some(b)) => a.instant.cmp(&b.instant),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
    }
}

impl PartialEq for Timestamp {
    fn eq(&self, other: &Self) -> bool {
        // The text determines the instant.
        self.text == other.text
    }
}

impl Eq for Timestamp {}

impl Hash for Timestamp {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timestamp {
    /// By instant; two spellings of one instant are ordered by their text, so that the order
    /// agrees with equality.
    fn cmp(&self, other: &Self) -> Ordering {
        self.instant.cmp(&other.instant).then_with(|| self.text.cmp(&other.text))
    }
}

impl FromStr for Timestamp {
    type Err = InvalidTimestamp;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(text)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Timestamp::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn keeps_the_text_and_orders_by_instant() {
        let scanner = t("2026-01-19T04:08:21.501247525Z");
        assert_eq!(scanner.as_str(), "2026-01-19T04:08:21.501247525Z");
        assert_eq!(
            serde_json::to_string(&scanner).ok().as_deref(),
            Some("\"2026-01-19T04:08:21.501247525Z\"")
        );
        assert!(t("2026-01-19T05:00:00+02:00") < t("2026-01-19T04:00:00Z"), "by instant, not by text");
        assert_ne!(t("2026-01-19T04:00:00Z"), t("2026-01-19T04:00:00+00:00"));
        assert_ne!(t("2026-01-19T04:00:00Z").cmp(&t("2026-01-19T04:00:00+00:00")), Ordering::Equal);
        assert!(Timestamp::parse("last tuesday").is_err());
        assert!(serde_json::from_str::<Timestamp>("\"2026-13-01T00:00:00Z\"").is_err());
    }

    #[test]
    fn times_hardline_makes_are_whole_seconds_in_utc() {
        let now = Timestamp::from_instant(t("2026-11-11T04:00:00.75+01:00").instant());
        assert_eq!(now.as_str(), "2026-11-11T03:00:00Z");
        assert_eq!(now, t("2026-11-11T03:00:00Z"));
    }

    #[test]
    fn missing_times_sort_last() {
        let a = t("2026-01-01T00:00:00Z");
        assert_eq!(Timestamp::cmp_known_first(Some(&a), None), Ordering::Less);
        assert_eq!(Timestamp::cmp_known_first(None, None), Ordering::Equal);
    }
}
