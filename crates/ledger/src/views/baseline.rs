//! `cve-baseline/<image>.json`: the image's current findings, their counts, and which event
//! produced them.

use std::path::Path;

use hardline_model::{Counts, Finding, ScanMeta, unique_vulnerability_ids};
use serde::{Deserialize, Serialize};

use crate::event::Event;
use crate::history::{History, LastScan, State};
use crate::{LedgerError, io_error};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub image: String,
    pub head: Head,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scan: Option<ScanMeta>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scan_id: Option<String>,
    /// When the last scan was made (its event time): later reports must not be older.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scanned_at: Option<String>,
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
    pub kind: String,
    pub at: String,
}

impl Baseline {
    pub fn from_history(history: &History) -> Option<Baseline> {
        let head = history.head()?;
        Some(Baseline::from_state(&history.image, head, &history.state()))
    }

    /// The view of `state`, the fold of a log whose last event is `head`.
    pub fn from_state(image: &str, head: &Event, state: &State) -> Baseline {
        let findings = state.findings_in_report_order();
        let counts = Counts::from_severities(findings.iter().map(|f| f.severity));
        Baseline {
            version: 1,
            image: image.to_owned(),
            head: Head {
                seq: head.seq,
                hash: head.hash.clone(),
                kind: head.body.kind().to_owned(),
                at: head.at.clone(),
            },
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
        }
    }

    /// Pretty JSON in field declaration order, two-space indent, trailing newline: stable
    /// for a given value, and written directly without an intermediate tree (it is the largest
    /// file a record writes).
    pub fn render(&self) -> String {
        let mut out = serde_json::to_string_pretty(self).unwrap_or_default();
        out.push('\n');
        out
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
