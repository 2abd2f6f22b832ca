//! `cve-baseline/<image>.json`: the image's current findings, their counts, and which event
//! produced them.

use std::path::Path;

use hardline_model::{Counts, Finding, ScanMeta, unique_vulnerability_ids};
use serde::{Deserialize, Serialize};

use crate::canonical;
use crate::history::History;
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
        let state = history.state();
        let findings = state.findings_in_report_order();
        let counts = Counts::from_severities(findings.iter().map(|f| f.severity));
        Some(Baseline {
            version: 1,
            image: history.image.clone(),
            head: Head {
                seq: head.seq,
                hash: head.hash.clone(),
                kind: head.body.kind().to_owned(),
                at: head.at.clone(),
            },
            scan: state.last_scan.as_ref().map(|s| s.meta.clone()),
            scan_id: state.last_scan.map(|s| s.scan_id),
            total: counts.total(),
            counts,
            unique_vulnerabilities: unique_vulnerability_ids(&findings),
            findings,
        })
    }

    pub fn render(&self) -> String {
        canonical::pretty(&serde_json::to_value(self).unwrap_or_default())
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
