//! `cve-baseline/<image>.json`: the image's current findings, their counts, and which event
//! produced them.

use std::path::Path;

use hardline_model::{Counts, Finding, ImageName, ScanMeta, Timestamp, unique_vulnerability_ids};
use serde::{Deserialize, Serialize};

use crate::event::{Event, EventKind};
use crate::history::{History, LastScan, State};
use crate::{LedgerError, io_error};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
        }
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
        }
    }

    /// JSON laid out for git: one top-level field per line and one finding per line, each
    /// compact, with a trailing newline. A finding that changes changes one line of the diff;
    /// the file is about half the size of indented JSON, and it is written directly, without
    /// an intermediate tree (it is the largest file a record writes).
    pub fn render(&self) -> Result<String, LedgerError> {
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
            out.push_str(&json(finding)?);
        }
        out.push_str(if self.findings.is_empty() { "]\n}\n" } else { "\n  ]\n}\n" });
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
            findings: vec![finding.clone(), finding],
        };
        let text = view.render().expect("encodable");
        assert_eq!(
            text.lines().filter(|l| l.starts_with("    {")).count(),
            2,
            "one finding per line:\n{text}"
        );
        let back: Baseline = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(back, view);
        let empty = Baseline { findings: vec![], ..view };
        assert_eq!(serde_json::from_str::<Baseline>(&empty.render().expect("encodable")).ok(), Some(empty));
    }
}
