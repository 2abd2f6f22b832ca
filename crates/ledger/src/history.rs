//! Reading an image's log back: typed events, their chain links, and the state they fold to.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use hardline_model::{Finding, Fingerprint, FormerIdentities, ImageName, ScanMeta, Timestamp, hex};
use sha2::{Digest, Sha256};

use crate::event::{Event, EventBody, GENESIS};
use crate::{LedgerError, io_error};

/// An image's events, in log order, with their chain links checked.
#[derive(Clone, Debug)]
pub struct History {
    pub image: ImageName,
    pub events: Vec<Event>,
}

/// What the events fold to: the open findings and the last scan.
#[derive(Clone, Debug, Default)]
pub struct State {
    pub findings: BTreeMap<Fingerprint, Finding>,
    pub last_scan: Option<LastScan>,
    /// Every re-identification folded so far (current → former fingerprints), so that a
    /// comparison of two states across one does not read it as fixed plus new. Derived from
    /// the events; not part of the digest (the findings are).
    pub former: FormerIdentities,
}

#[derive(Clone, Debug)]
pub struct LastScan {
    pub meta: ScanMeta,
    pub scan_id: String,
    pub at: Timestamp,
}

impl State {
    /// Folds one event into the state.
    pub fn apply(&mut self, event: &Event) {
        self.apply_body(&event.body, &event.at);
    }

    /// Folds an event's body, recorded at `at`, into the state.
    pub fn apply_body(&mut self, body: &EventBody, at: &Timestamp) {
        if let EventBody::ScanRecorded(scan) = body {
            scan.diff.apply(&mut self.findings);
            if !scan.diff.reidentified.is_empty() {
                self.former.extend(scan.diff.former_identities());
            }
            self.last_scan =
                Some(LastScan { meta: scan.scan.clone(), scan_id: scan.scan_id.clone(), at: at.clone() });
        }
    }

    /// A digest of everything the state holds: every finding, whole, in fingerprint order,
    /// and the last scan. Each event carries the digest of the state after it.
    pub fn digest(&self) -> Result<String, LedgerError> {
        /// Feeds serde_json's output straight into the hash, without a buffer.
        struct Hashing<'a>(&'a mut Sha256);
        impl std::io::Write for Hashing<'_> {
            fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
                self.0.update(bytes);
                Ok(bytes.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut hasher = Sha256::new();
        if let Some(scan) = &self.last_scan {
            hasher.update(scan.scan_id.as_bytes());
            hasher.update(b"\n");
            hasher.update(scan.at.as_str().as_bytes());
        }
        for finding in self.findings.values() {
            hasher.update(b"\n");
            serde_json::to_writer(Hashing(&mut hasher), finding).map_err(|e| LedgerError::Encode {
                what: "a finding of the state digest",
                message: e.to_string(),
            })?;
        }
        Ok(hex(&hasher.finalize()[..16]))
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
    pub fn load(path: &Path, image: &ImageName) -> Result<History, LedgerError> {
        History::from_bytes(&read_log(path)?, path, image)
    }

    /// Parses a log's bytes; `path` is for messages.
    pub fn from_bytes(bytes: &[u8], path: &Path, image: &ImageName) -> Result<History, LedgerError> {
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
            if event.image != *image {
                return Err(corrupt(format!(
                    "event of image {:?} in the log of {:?}",
                    event.image.as_str(),
                    image.as_str()
                )));
            }
            events.push(event);
        }
        Ok(History { image: image.clone(), events })
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
