//! `cve-baseline/<image>.json`: the image's current findings, their counts, and which event
//! produced them.

use std::collections::BTreeMap;
use std::path::Path;

use hardline_model::{
    Counts, Finding, Fingerprint, ImageName, ScanMeta, Timestamp, unique_vulnerability_ids,
};
use serde::{Deserialize, Serialize};

use crate::event::{Event, EventKind};
use crate::fixes::{FixRow, Fixes};
use crate::history::{History, LastScan, Seen, State};
use crate::log::HeadLine;
use crate::{LedgerError, io_error};

/// The view. Each finding's line also carries `first_seen` and `last_changed` (see [`Seen`]);
/// a view written by hardline 0.1 has none, and is rewritten by the next record or `rebuild`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(from = "RawBaseline")]
pub struct Baseline {
    pub version: u32,
    pub image: ImageName,
    pub head: Head,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scan: Option<ScanMeta>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scan_id: Option<String>,
    /// When the last scan was made (its event time): later reports must not be older.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scanned_at: Option<Timestamp>,
    pub counts: Counts,
    pub total: u32,
    pub unique_vulnerabilities: usize,
    pub findings: Vec<Finding>,
    /// When each finding appeared and last changed, by fingerprint; empty in a view of the
    /// 0.1 layout.
    pub seen: BTreeMap<Fingerprint, Seen>,
    /// Every fix so far, aggregated (its `fixes` member, one row per line, after the
    /// findings); `None` in a view of the 0.1 layout.
    pub fixes: Option<Fixes>,
}

/// The file as written: findings with their seen-times beside their fields.
#[derive(Deserialize)]
struct RawBaseline {
    version: u32,
    image: ImageName,
    head: Head,
    #[serde(default)]
    scan: Option<ScanMeta>,
    #[serde(default)]
    scan_id: Option<String>,
    #[serde(default)]
    scanned_at: Option<Timestamp>,
    counts: Counts,
    total: u32,
    unique_vulnerabilities: usize,
    findings: Vec<RawFinding>,
    #[serde(default)]
    fixes: Option<Vec<FixRow>>,
}

#[derive(Deserialize)]
struct RawFinding {
    #[serde(flatten)]
    finding: Finding,
    #[serde(default)]
    first_seen: Option<Timestamp>,
    #[serde(default)]
    last_changed: Option<Timestamp>,
}

impl From<RawBaseline> for Baseline {
    fn from(raw: RawBaseline) -> Baseline {
        let mut seen = BTreeMap::new();
        let mut findings = Vec::with_capacity(raw.findings.len());
        for entry in raw.findings {
            if let (Some(first_seen), Some(last_changed)) = (entry.first_seen, entry.last_changed) {
                seen.insert(entry.finding.fingerprint.clone(), Seen { first_seen, last_changed });
            }
            findings.push(entry.finding);
        }
        Baseline {
            version: raw.version,
            image: raw.image,
            head: raw.head,
            scan: raw.scan,
            scan_id: raw.scan_id,
            scanned_at: raw.scanned_at,
            counts: raw.counts,
            total: raw.total,
            unique_vulnerabilities: raw.unique_vulnerabilities,
            findings,
            seen,
            fixes: raw.fixes.map(Fixes::from_rows),
        }
    }
}

/// The event the view was derived from: the log's last line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Head {
    pub seq: u64,
    pub hash: String,
    pub kind: EventKind,
    pub at: Timestamp,
}

impl Head {
    pub fn of(event: &Event) -> Head {
        Head { seq: event.seq, hash: event.hash.clone(), kind: event.body.kind(), at: event.at.clone() }
    }

    pub fn from_line(line: &HeadLine) -> Head {
        Head { seq: line.seq, hash: line.hash.clone(), kind: line.kind(), at: line.at.clone() }
    }
}

impl Baseline {
    pub fn from_history(history: &History) -> Option<Baseline> {
        let head = history.head()?;
        Some(Baseline::from_state(&history.image, Head::of(head), &history.state()))
    }

    /// The view of `state`, the fold of a log whose last event is `head`.
    pub fn from_state(image: &ImageName, head: Head, state: &State) -> Baseline {
        let findings = state.findings_in_report_order();
        let counts = Counts::from_severities(findings.iter().map(|f| f.severity));
        Baseline {
            version: 1,
            image: image.clone(),
            head,
            scan: state.last_scan.as_ref().map(|s| s.meta.clone()),
            scan_id: state.last_scan.as_ref().map(|s| s.scan_id.clone()),
            scanned_at: state.last_scan.as_ref().map(|s| s.at.clone()),
            total: counts.total(),
            counts,
            unique_vulnerabilities: unique_vulnerability_ids(&findings),
            findings,
            seen: state.seen.clone(),
            fixes: Some(state.fixes.clone()),
        }
    }

    /// Whether every finding has its seen-times: false for a view of the 0.1 layout.
    pub fn has_seen_times(&self) -> bool {
        self.findings.iter().all(|f| self.seen.contains_key(&f.fingerprint))
    }

    /// Whether the view holds all of the state a record carries on: every finding's
    /// seen-times and the fixes so far.
    pub fn is_whole_state(&self) -> bool {
        self.has_seen_times() && self.fixes.is_some()
    }

    /// When `finding` appeared and last changed.
    pub fn seen(&self, finding: &Finding) -> Option<&Seen> {
        self.seen.get(&finding.fingerprint)
    }

    /// The state this view shows, for appending without replaying the log.
    pub fn into_state(self) -> State {
        State {
            findings: self.findings.into_iter().map(|f| (f.fingerprint.clone(), f)).collect(),
            last_scan: match (self.scan, self.scan_id, self.scanned_at) {
                (Some(meta), Some(scan_id), Some(at)) => Some(LastScan { meta, scan_id, at }),
                _ => None,
            },
            // The view keeps no history of identities; appending needs none.
            former: Default::default(),
            seen: self.seen,
            fixes: self.fixes.unwrap_or_default(),
        }
    }

    /// JSON laid out for git: one top-level field per line and one finding per line, each
    /// compact, with a trailing newline. A finding that changes changes one line of the diff;
    /// the file is about half the size of indented JSON, and it is written directly, without
    /// an intermediate tree (it is the largest file a record writes). Each finding's line ends
    /// with its `first_seen` and `last_changed`; after the findings, the fixes so far, a row per
    /// line.
    pub fn render(&self) -> Result<String, LedgerError> {
        self.render_with(true)
    }

    /// The view as hardline 0.1 wrote it: findings without seen-times, and no fixes. `verify` accepts a view
    /// in this layout (and says so) until a record or `rebuild` rewrites it.
    pub fn render_legacy(&self) -> Result<String, LedgerError> {
        self.render_with(false)
    }

    fn render_with(&self, seen_times: bool) -> Result<String, LedgerError> {
        fn json<T: Serialize + ?Sized>(value: &T) -> Result<String, LedgerError> {
            serde_json::to_string(value)
                .map_err(|e| LedgerError::Encode { what: "the baseline view", message: e.to_string() })
        }
        let mut fields: Vec<(&str, String)> = vec![
            ("version", json(&self.version)?),
            ("image", json(&self.image)?),
            ("head", json(&self.head)?),
        ];
        if let Some(scan) = &self.scan {
            fields.push(("scan", json(scan)?));
        }
        if let Some(scan_id) = &self.scan_id {
            fields.push(("scan_id", json(scan_id)?));
        }
        if let Some(scanned_at) = &self.scanned_at {
            fields.push(("scanned_at", json(scanned_at)?));
        }
        fields.push(("counts", json(&self.counts)?));
        fields.push(("total", json(&self.total)?));
        fields.push(("unique_vulnerabilities", json(&self.unique_vulnerabilities)?));
        let mut out = String::with_capacity(1024 + self.findings.len() * 400);
        out.push_str("{\n");
        for (name, value) in fields {
            out.push_str(&format!("  \"{name}\": {value},\n"));
        }
        out.push_str("  \"findings\": [");
        for (index, finding) in self.findings.iter().enumerate() {
            out.push_str(if index == 0 { "\n    " } else { ",\n    " });
            let line = json(finding)?;
            match self.seen.get(&finding.fingerprint).filter(|_| seen_times) {
                // A finding is a JSON object: its seen-times go before the closing brace.
                Some(seen) => {
                    out.push_str(line.strip_suffix('}').unwrap_or(&line));
                    out.push_str(",\"first_seen\":");
                    out.push_str(&json(&seen.first_seen)?);
                    out.push_str(",\"last_changed\":");
                    out.push_str(&json(&seen.last_changed)?);
                    out.push('}');
                }
                None => out.push_str(&line),
            }
        }
        out.push_str(if self.findings.is_empty() { "]" } else { "\n  ]" });
        if let Some(fixes) = self.fixes.as_ref().filter(|_| seen_times) {
            out.push_str(",\n  \"fixes\": [");
            for (index, row) in fixes.rows().enumerate() {
                out.push_str(if index == 0 { "\n    " } else { ",\n    " });
                out.push_str(&json(&row)?);
            }
            out.push_str(if fixes.is_empty() { "]" } else { "\n  ]" });
        }
        out.push_str("\n}\n");
        Ok(out)
    }

    pub fn read(path: &Path) -> Result<Option<Baseline>, LedgerError> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| LedgerError::Corrupt {
                path: path.to_path_buf(),
                line: e.line(),
                message: e.to_string(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_error(path)(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use hardline_model::{Counts, Finding, FindingKind, Fingerprint, Severity};

    use super::*;

    #[test]
    fn the_git_friendly_layout_reads_back_as_the_same_view() {
        let finding = Finding {
            fingerprint: Fingerprint::rule("misconfiguration", "DS-0002", "Dockerfile", "USER root"),
            kind: FindingKind::Misconfiguration,
            id: "DS-0002".into(),
            aliases: vec![],
            severity: Severity::High,
            cvss: None,
            package: None,
            location: None,
            title: "quote \" and newline \n".into(),
            url: None,
            status: None,
        };
        let other = Finding {
            fingerprint: Fingerprint::rule("misconfiguration", "DS-0001", "Dockerfile", "x"),
            ..finding.clone()
        };
        let at = Timestamp::parse("2026-01-01T00:00:00Z").expect("a time");
        let seen = Seen { first_seen: at.clone(), last_changed: at };
        let view = Baseline {
            version: 1,
            image: ImageName::new("app").expect("a name"),
            head: Head {
                seq: 3,
                hash: "ab".into(),
                kind: EventKind::ScanRecorded,
                at: Timestamp::parse("2026-01-01T00:00:00Z").expect("a time"),
            },
            scan: None,
            scan_id: Some("id".into()),
            scanned_at: None,
            counts: Counts::from_severities([Severity::High]),
            total: 1,
            unique_vulnerabilities: 0,
            findings: vec![finding.clone(), other.clone()],
            seen: [(finding.fingerprint.clone(), seen.clone()), (other.fingerprint.clone(), seen)].into(),
            fixes: Some(Fixes::default()),
        };
        let mut fixes = Fixes::default();
        let (opened, closed) =
            (Timestamp::parse("2025-12-01T04:00:00Z").expect("a time"), view.head.at.clone());
        fixes.add(&Finding { id: "CVE-2025-1".into(), ..finding.clone() }, &opened, &closed);
        fixes.add(&finding, &opened, &closed);
        fixes.add(&finding, &opened, &closed);
        let view = Baseline { fixes: Some(fixes), ..view };
        let text = view.render().expect("encodable");
        assert_eq!(
            text.lines()
                .filter(|l| l.starts_with("    {") && l.contains("\"first_seen\":\"2026-01-01T00:00:00Z\""))
                .count(),
            2,
            "one finding per line, with its seen-times:\n{text}"
        );
        let back: Baseline = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(back, view);
        assert!(back.is_whole_state());
        assert_eq!(
            text.lines().filter(|l| l.starts_with("    {\"severity\":\"high\",\"days\":31,")).count(),
            2
        );
        let empty = Baseline {
            findings: vec![],
            seen: BTreeMap::new(),
            fixes: Some(Fixes::default()),
            ..view.clone()
        };
        assert_eq!(serde_json::from_str::<Baseline>(&empty.render().expect("encodable")).ok(), Some(empty));

        // The 0.1 layout reads back as the same findings, without seen-times.
        let legacy = view.render_legacy().expect("encodable");
        assert!(!legacy.contains("first_seen"), "{legacy}");
        let back: Baseline = serde_json::from_str(&legacy).unwrap_or_else(|e| panic!("{e}\n{legacy}"));
        assert_eq!(back.findings, view.findings);
        assert!(!back.has_seen_times() && back.fixes.is_none());
    }
}
