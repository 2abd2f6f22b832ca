//! Reading an image's log back: typed events, their chain links, and the state they fold to.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use hardline_model::{Finding, Fingerprint, ScanMeta};

use crate::event::{Event, EventBody, GENESIS};
use crate::{LedgerError, io_error};

/// An image's events, in log order, with their chain links checked.
#[derive(Clone, Debug, Default)]
pub struct History {
    pub image: String,
    pub events: Vec<Event>,
}

/// What the events fold to: the open findings and the last scan.
#[derive(Clone, Debug, Default)]
pub struct State {
    pub findings: BTreeMap<Fingerprint, Finding>,
    pub last_scan: Option<LastScan>,
}

#[derive(Clone, Debug)]
pub struct LastScan {
    pub meta: ScanMeta,
    pub scan_id: String,
    pub at: String,
}

impl State {
    /// Folds one event into the state.
    pub fn apply(&mut self, event: &Event) {
        if let EventBody::ScanRecorded(scan) = &event.body {
            scan.diff.apply(&mut self.findings);
            self.last_scan = Some(LastScan {
                meta: scan.scan.clone(),
                scan_id: scan.scan_id.clone(),
                at: event.at.clone(),
            });
        }
    }

    /// The open findings in report order.
    pub fn findings_in_report_order(&self) -> Vec<Finding> {
        let mut findings: Vec<Finding> = self.findings.values().cloned().collect();
        findings.sort_by(Finding::report_order);
        findings
    }
}

impl History {
    /// Reads `path`; a missing log is an empty history. Each line must parse and link to the
    /// one before it (`seq` and `prev`); hashes are recomputed by `verify`, not here, because
    /// every command reads the log and only `verify` needs to pay for that.
    pub fn load(path: &Path, image: &str) -> Result<History, LedgerError> {
        History::from_bytes(&read_log(path)?, path, image)
    }

    /// Parses a log's bytes; `path` is for messages.
    pub fn from_bytes(bytes: &[u8], path: &Path, image: &str) -> Result<History, LedgerError> {
        let mut events: Vec<Event> = Vec::new();
        for (index, line) in bytes.split(|b| *b == b'\n').enumerate() {
            if line.is_empty() {
                continue;
            }
            let line_no = index + 1;
            let corrupt =
                |message: String| LedgerError::Corrupt { path: path.to_path_buf(), line: line_no, message };
            let event: Event =
                serde_json::from_slice(line).map_err(|e| corrupt(format!("not an event: {e}")))?;
            let (expected_seq, expected_prev) = match events.last() {
                Some(last) => (last.seq + 1, last.hash.as_str()),
                None => (1, GENESIS),
            };
            if event.seq != expected_seq {
                return Err(corrupt(format!("seq is {} where {expected_seq} was expected", event.seq)));
            }
            if event.prev != expected_prev {
                return Err(corrupt("prev does not match the hash of the line before".to_owned()));
            }
            if event.image != image {
                return Err(corrupt(format!("event of image {:?} in the log of {image:?}", event.image)));
            }
            events.push(event);
        }
        Ok(History { image: image.to_owned(), events })
    }

    pub fn head(&self) -> Option<&Event> {
        self.events.last()
    }

    pub fn state(&self) -> State {
        let mut state = State::default();
        for event in &self.events {
            state.apply(event);
        }
        state
    }
}

/// A log's bytes; a missing log is empty.
pub fn read_log(path: &Path) -> Result<Vec<u8>, LedgerError> {
    match fs::read(path) {
        Ok(bytes) => Ok(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(io_error(path)(e)),
    }
}
