//! Reading an image's log back: typed events, their chain links, and the state they fold to.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use hardline_model::{Diff, Finding, Fingerprint, FormerIdentities, ImageName, ScanMeta, Timestamp, hex};
use sha2::{Digest, Sha256};

use crate::event::{Event, EventBody, GENESIS, ScanRecorded};
use crate::fixes::Fixes;
use crate::{LedgerError, io_error};

/// An image's events, in log order, with their chain links checked.
#[derive(Clone, Debug)]
pub struct History {
    pub image: ImageName,
    pub events: Vec<Event>,
}

/// What the events fold to: the open findings, the last scan, when each open finding appeared
/// and last changed, and the fixes so far.
#[derive(Clone, Debug, Default)]
pub struct State {
    pub findings: BTreeMap<Fingerprint, Finding>,
    pub last_scan: Option<LastScan>,
    /// Every re-identification folded so far (current → former fingerprints), so that a
    /// comparison of two states across one does not read it as fixed plus new. Derived from
    /// the events; not part of the digest (the findings are).
    pub former: FormerIdentities,
    /// One entry per open finding. Not part of [`State::digest`] (whose definition every
    /// existing log depends on): the baseline view carries them and `verify` checks them.
    pub seen: BTreeMap<Fingerprint, Seen>,
    /// Every fix so far (from the first scan with a finding to the first without it),
    /// aggregated for MTTR and the SLA record. Not part of the digest either: the baseline view
    /// carries it and `verify` checks it.
    pub fixes: Fixes,
}

/// When an open finding appeared and when it last moved, as event times (the scans' own).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seen {
    /// The scan it (last) appeared in: a finding that is fixed and returns starts again.
    pub first_seen: Timestamp,
    /// The last scan that changed its severity, fixed version or installed version; its first
    /// scan if none did.
    pub last_changed: Timestamp,
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
            self.track_seen(&scan.diff, at);
            scan.diff.apply(&mut self.findings);
            if !scan.diff.reidentified.is_empty() {
                self.former.extend(scan.diff.former_identities());
            }
            self.last_scan =
                Some(LastScan { meta: scan.scan.clone(), scan_id: scan.scan_id.clone(), at: at.clone() });
        }
    }

    /// [`State::apply_body`], moving the findings into the state instead of copying them.
    pub fn apply_owned(&mut self, body: EventBody, at: &Timestamp) {
        if let EventBody::ScanRecorded(scan) = body {
            self.track_seen(&scan.diff, at);
            if !scan.diff.reidentified.is_empty() {
                self.former.extend(scan.diff.former_identities());
            }
            // As `Diff::apply` does, moving rather than copying.
            let ScanRecorded { scan: meta, scan_id, diff, .. } = scan;
            for finding in diff.fixed.iter().chain(diff.reidentified.iter().map(|c| &c.before)) {
                self.findings.remove(&finding.fingerprint);
            }
            let after = diff.changed.into_iter().chain(diff.reidentified).map(|c| c.after);
            for finding in diff.new.into_iter().chain(diff.refreshed).chain(after) {
                self.findings.insert(finding.fingerprint.clone(), finding);
            }
            self.last_scan = Some(LastScan { meta, scan_id, at: at.clone() });
        }
    }

    /// Moves the seen-times along a scan's diff, made at `at`.
    fn track_seen(&mut self, diff: &Diff, at: &Timestamp) {
        let appeared = || Seen { first_seen: at.clone(), last_changed: at.clone() };
        for finding in &diff.fixed {
            // An interval closes: from the scan it (last) appeared in to this one.
            if let Some(seen) = self.seen.remove(&finding.fingerprint) {
                self.fixes.add(finding, &seen.first_seen, at);
            }
        }
        for finding in &diff.new {
            self.seen.insert(finding.fingerprint.clone(), appeared());
        }
        for change in &diff.changed {
            self.seen.entry(change.after.fingerprint.clone()).or_insert_with(appeared).last_changed =
                at.clone();
        }
        // A refreshed finding was open already: it keeps its times (a fold that starts from a
        // state without them gives it this scan's).
        for finding in &diff.refreshed {
            self.seen.entry(finding.fingerprint.clone()).or_insert_with(appeared);
        }
        // A finding that goes on under a new identity keeps the time it appeared (the earliest,
        // when several became one) and the last time it moved, unless it moves now.
        let carried: Vec<(Fingerprint, Seen)> = diff
            .reidentified
            .iter()
            .map(|change| {
                let before = self.seen.get(&change.before.fingerprint).cloned().unwrap_or_else(appeared);
                let last_changed = if change.fields.is_empty() { before.last_changed } else { at.clone() };
                (change.after.fingerprint.clone(), Seen { first_seen: before.first_seen, last_changed })
            })
            .collect();
        for change in &diff.reidentified {
            self.seen.remove(&change.before.fingerprint);
        }
        for (fingerprint, seen) in carried {
            match self.seen.get_mut(&fingerprint) {
                Some(merged) => {
                    if seen.first_seen.instant() < merged.first_seen.instant() {
                        merged.first_seen = seen.first_seen;
                    }
                    if seen.last_changed.instant() > merged.last_changed.instant() {
                        merged.last_changed = seen.last_changed;
                    }
                }
                None => {
                    self.seen.insert(fingerprint, seen);
                }
            }
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
        let mut hasher = digest_start(self.last_scan.as_ref());
        for finding in self.findings.values() {
            hasher.update(b"\n");
            serde_json::to_writer(Hashing(&mut hasher), finding).map_err(digest_error)?;
        }
        Ok(digest_end(hasher))
    }

    /// The open findings in report order.
    pub fn findings_in_report_order(&self) -> Vec<Finding> {
        let mut findings: Vec<Finding> = self.findings.values().cloned().collect();
        findings.sort_by(Finding::report_order);
        findings
    }
}

/// The digest's hash, fed what comes before the findings: the last scan's identity and time.
pub(crate) fn digest_start(last_scan: Option<&LastScan>) -> Sha256 {
    let mut hasher = Sha256::new();
    if let Some(scan) = last_scan {
        hasher.update(scan.scan_id.as_bytes());
        hasher.update(b"\n");
        hasher.update(scan.at.as_str().as_bytes());
    }
    hasher
}

/// The digest once every finding (`\n` and its JSON, in fingerprint order) is fed.
pub(crate) fn digest_end(hasher: Sha256) -> String {
    hex(&hasher.finalize()[..16])
}

pub(crate) fn digest_error(e: serde_json::Error) -> LedgerError {
    LedgerError::Encode { what: "a finding of the state digest", message: e.to_string() }
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

#[cfg(test)]
mod tests {
    use hardline_model::{Counts, FormerIdentities, ScanMeta, Severity};

    use super::*;

    /// Moving a diff's findings into the state folds it exactly as copying them does: new,
    /// fixed, changed, refreshed and re-identified findings, and their seen-times.
    #[test]
    fn folding_by_move_is_folding_by_copy() {
        let finding =
            |id: &str, version: &str, severity| Finding::debian_vulnerability(id, "libc6", version, severity);
        let legacy = finding("LEGACY", "1", Severity::Medium);
        let (a, b) = (finding("A", "1", Severity::Medium), finding("B", "1", Severity::High));
        let mut former = FormerIdentities::default();
        former.add(&a.fingerprint, legacy.fingerprint.clone());
        former.add(&b.fingerprint, legacy.fingerprint.clone());
        let weeks = [
            (
                vec![finding("CVE-1", "1", Severity::Low), finding("CVE-2", "1", Severity::High), legacy],
                FormerIdentities::default(),
            ),
            (
                vec![
                    finding("CVE-1", "2", Severity::Low),
                    Finding { title: "retitled".into(), ..finding("CVE-2", "1", Severity::High) },
                    finding("CVE-3", "1", Severity::Critical),
                    a,
                    b,
                ],
                former,
            ),
            (vec![finding("CVE-3", "1", Severity::Critical)], FormerIdentities::default()),
        ];
        let (mut copied, mut moved) = (State::default(), State::default());
        for (week, (findings, former)) in weeks.into_iter().enumerate() {
            let at = Timestamp::parse(&format!("2026-01-0{}T00:00:00Z", week + 1)).expect("a time");
            let body = EventBody::ScanRecorded(ScanRecorded {
                scan: ScanMeta::default(),
                scan_id: format!("s{week}"),
                diff: Diff::against(&copied.findings, &findings, &former),
                counts: Counts::default(),
                unique_vulnerabilities: 0,
            });
            copied.apply_body(&body, &at);
            moved.apply_owned(body, &at);
            assert_eq!(copied.findings, moved.findings, "week {week}");
            assert_eq!(copied.seen, moved.seen, "week {week}");
            assert_eq!(copied.findings.keys().collect::<Vec<_>>(), copied.seen.keys().collect::<Vec<_>>());
            assert_eq!(copied.digest().ok(), moved.digest().ok());
        }
        let first = Timestamp::parse("2026-01-01T00:00:00Z").expect("a time");
        let a_seen = copied.seen.values().filter(|s| s.first_seen == first).count();
        assert_eq!(a_seen, 0, "every finding of week 1 is gone by week 3");
    }
}
