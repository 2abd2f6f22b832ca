//! `audit-logs/<image>/scans.jsonl`: one line per recorded scan — its event, time and counts —
//! so that a trend is read without reading the log (whose lines carry every finding). A
//! record appends to it; `verify` checks it and `rebuild` rewrites it like any other view.

use std::path::Path;

use hardline_model::{Counts, Timestamp};
use serde::{Deserialize, Serialize};

use crate::LedgerError;
use crate::event::{Event, EventBody};
use crate::log::LogLines;

/// One scan as the index keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanPoint {
    /// The event that recorded it.
    pub seq: u64,
    pub at: Timestamp,
    pub scan_id: String,
    /// Counts over all findings after the scan.
    pub counts: Counts,
    pub unique_vulnerabilities: usize,
}

impl ScanPoint {
    pub fn of(event: &Event) -> Option<ScanPoint> {
        match &event.body {
            EventBody::ScanRecorded(scan) => Some(ScanPoint {
                seq: event.seq,
                at: event.at.clone(),
                scan_id: scan.scan_id.clone(),
                counts: scan.counts,
                unique_vulnerabilities: scan.unique_vulnerabilities,
            }),
            _ => None,
        }
    }

    /// Its line in the index, newline included.
    pub fn line(&self) -> Result<String, LedgerError> {
        let mut line = serde_json::to_string(self)
            .map_err(|e| LedgerError::Encode { what: "the scans index", message: e.to_string() })?;
        line.push('\n');
        Ok(line)
    }
}

/// The index's line for `event`, if it records a scan.
pub fn line_of(event: &Event) -> Result<Option<String>, LedgerError> {
    ScanPoint::of(event).map(|point| point.line()).transpose()
}

/// Every scan of the index at `path`, oldest first (none if it is missing).
pub fn read(path: &Path) -> Result<Vec<ScanPoint>, LedgerError> {
    let mut points = Vec::new();
    let Some(mut lines) = LogLines::open(path)? else { return Ok(points) };
    while let Some(line) = lines.next_line()? {
        let point = serde_json::from_slice(line.bytes).map_err(|e| LedgerError::Corrupt {
            path: path.to_path_buf(),
            line: line.number,
            message: e.to_string(),
        })?;
        points.push(point);
    }
    Ok(points)
}
