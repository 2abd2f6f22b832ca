//! Appending to a log: scans (with their diff) and actions.
//!
//! Appending does not replay the log. It reads the log's bytes (for the last event and the
//! scan ids already recorded) and the baseline view (for the current state), checks that the
//! view was derived from that last event, and writes the log plus one new line, the new
//! baseline and the Markdown view with the new sections prepended. If the views are out of
//! step with the log, it falls back to replaying the log, so a deleted view heals itself.
//! Either way the bytes are those `rebuild` would write; `verify` proves it.

use std::cmp::Ordering;

use hardline_model::{Finding, Scan, diff, hex, unique_vulnerability_ids};
use sha2::{Digest, Sha256};

use crate::LedgerError;
use crate::commit::Commit;
use crate::event::{Event, EventBody, GENESIS, ScanRecorded};
use crate::history::{History, State, read_log};
use crate::layout::{Layout, check_image_name};
use crate::views::{baseline::Baseline, markdown};

/// What recording one scan did.
#[derive(Clone, Debug)]
pub struct RecordOutcome {
    pub image: String,
    /// Position of the scan in the caller's list (scans are recorded in time order).
    pub input_index: usize,
    /// False when the same scan was already in the log.
    pub recorded: bool,
    pub event: Option<Event>,
    pub payload: ScanRecorded,
}

/// What a call to [`record`] did, with the image's open findings before and after it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub outcomes: Vec<RecordOutcome>,
    pub before: Vec<Finding>,
    pub after: Vec<Finding>,
}

/// The end of a log: enough to append to it.
struct Tip {
    image: String,
    log: Vec<u8>,
    head: Option<Event>,
    state: State,
    /// New events and their Markdown sections, oldest first.
    appended: Vec<(Event, String)>,
}

impl Tip {
    fn load(layout: &Layout, image: &str) -> Result<Tip, LedgerError> {
        check_image_name(image)?;
        let path = layout.log(image);
        let log = read_log(&path)?;
        let head = match last_line(&log) {
            None => None,
            Some((line_no, line)) => {
                Some(serde_json::from_slice::<Event>(line).map_err(|e| LedgerError::Corrupt {
                    path: path.clone(),
                    line: line_no,
                    message: format!("not an event: {e}"),
                })?)
            }
        };
        let state = match &head {
            None => State::default(),
            Some(head) => match Baseline::read(&layout.baseline(image))? {
                Some(view) if view.head.seq == head.seq && view.head.hash == head.hash => view.to_state(),
                _ => History::from_bytes(&log, &path, image)?.state(),
            },
        };
        Ok(Tip { image: image.to_owned(), log, head, state, appended: Vec::new() })
    }

    /// Whether a scan with this identity is already in the log: a byte search for its
    /// canonical `"scan_id":"…"`, which only a scan event contains.
    fn has_scan(&self, scan_id: &str) -> bool {
        let needle = format!("\"scan_id\":\"{scan_id}\"");
        self.log.windows(needle.len()).any(|w| w == needle.as_bytes())
    }

    fn last(&self) -> Option<&Event> {
        self.appended.last().map(|(e, _)| e).or(self.head.as_ref())
    }

    fn push(&mut self, at: String, body: EventBody) -> Event {
        let (seq, prev) = match self.last() {
            Some(last) => (last.seq + 1, last.hash.clone()),
            None => (1, GENESIS.to_owned()),
        };
        let event = Event::seal(seq, at, self.image.clone(), prev, body);
        self.state.apply(&event);
        let section = markdown::section(&event, &self.state);
        self.appended.push((event.clone(), section));
        event
    }

    /// Writes the log and both views, all or nothing.
    fn commit(self, layout: &Layout) -> Result<(), LedgerError> {
        let Some(last) = self.appended.last().map(|(e, _)| e.clone()) else { return Ok(()) };
        let mut log = self.log;
        for (event, _) in &self.appended {
            log.extend_from_slice(event.to_line().as_bytes());
            log.push(b'\n');
        }
        let previous_view = std::fs::read_to_string(layout.log_markdown(&self.image)).unwrap_or_default();
        let sections: Vec<String> = self.appended.into_iter().map(|(_, s)| s).collect();
        let previous_head = self.head.as_ref().map(|h| (h.seq, h.hash.as_str()));
        let markdown = match markdown::prepend(
            &self.image,
            &previous_view,
            previous_head,
            (last.seq, &last.hash),
            &sections,
        ) {
            Some(view) => view,
            None => markdown::render(&History::from_bytes(&log, &layout.log(&self.image), &self.image)?),
        };
        let mut commit = Commit::default();
        commit.write(
            layout.baseline(&self.image),
            Baseline::from_state(&self.image, &last, &self.state).render(),
        );
        commit.write(layout.log_markdown(&self.image), markdown);
        commit.write(layout.log(&self.image), log);
        commit.apply(layout)?;
        Ok(())
    }
}

/// The last non-empty line and its 1-based number.
fn last_line(bytes: &[u8]) -> Option<(usize, &[u8])> {
    let trimmed = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    if trimmed.is_empty() {
        return None;
    }
    let start = trimmed.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let line_no = trimmed.iter().filter(|b| **b == b'\n').count() + 1;
    Some((line_no, &trimmed[start..]))
}

/// Records `scans` of `image` in the order of their creation time. A scan already in the log
/// (same time, artifact and findings) is skipped; a scan older than the last recorded one is
/// refused, because the log is chronological. All appended events and the views are
/// committed together.
pub fn record(layout: &Layout, image: &str, scans: Vec<Scan>, now: &str) -> Result<Recorded, LedgerError> {
    let mut tip = Tip::load(layout, image)?;
    let before = tip.state.findings_in_report_order();
    let mut scans: Vec<(usize, Scan)> = scans.into_iter().enumerate().collect();
    scans.sort_by(|(_, a), (_, b)| compare_times(a.meta.created_at.as_deref(), b.meta.created_at.as_deref()));
    let mut outcomes = Vec::with_capacity(scans.len());
    for (input_index, scan) in scans {
        let at = scan.meta.created_at.clone().unwrap_or_else(|| now.to_owned());
        let scan_id = scan_id(&scan, &at);
        let payload = ScanRecorded {
            diff: diff(tip.state.findings.values(), scan.findings()),
            counts: scan.counts(),
            unique_vulnerabilities: unique_vulnerability_ids(scan.findings()),
            scan: scan.meta.clone(),
            scan_id,
        };
        if tip.has_scan(&payload.scan_id) || tip.appended.iter().any(|(e, _)| same_scan(e, &payload.scan_id))
        {
            outcomes.push(RecordOutcome {
                image: image.to_owned(),
                input_index,
                recorded: false,
                event: None,
                payload,
            });
            continue;
        }
        if let Some(last) = &tip.state.last_scan
            && compare_times(Some(&at), Some(&last.at)) == Ordering::Less
        {
            return Err(LedgerError::OutOfOrder {
                image: image.to_owned(),
                created_at: at,
                last: last.at.clone(),
            });
        }
        let event = tip.push(at, EventBody::ScanRecorded(payload.clone()));
        outcomes.push(RecordOutcome {
            image: image.to_owned(),
            input_index,
            recorded: true,
            event: Some(event),
            payload,
        });
    }
    let after = tip.state.findings_in_report_order();
    tip.commit(layout)?;
    Ok(Recorded { outcomes, before, after })
}

fn same_scan(event: &Event, scan_id: &str) -> bool {
    matches!(&event.body, EventBody::ScanRecorded(s) if s.scan_id == scan_id)
}

/// Appends one action event and refreshes the views.
pub fn append(layout: &Layout, image: &str, at: &str, body: EventBody) -> Result<Event, LedgerError> {
    let mut tip = Tip::load(layout, image)?;
    let event = tip.push(at.to_owned(), body);
    tip.commit(layout)?;
    Ok(event)
}

/// Adds both views of `history` to `commit` (for `rebuild`).
pub fn stage_views(layout: &Layout, history: &History, commit: &mut Commit) {
    if let Some(baseline) = Baseline::from_history(history) {
        commit.write(layout.baseline(&history.image), baseline.render());
    }
    commit.write(layout.log_markdown(&history.image), markdown::render(history));
}

/// A scan's identity: its time, artifact and every finding as recorded. Two reports of the
/// same scan get the same id; a rescan a week later does not, even with identical findings,
/// so that the log shows every scan that was made.
fn scan_id(scan: &Scan, at: &str) -> String {
    let mut hasher = Sha256::new();
    for part in
        [at, scan.meta.artifact_name.as_deref().unwrap_or(""), scan.meta.image_id.as_deref().unwrap_or("")]
    {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    hasher.update(serde_json::to_vec(scan.findings()).unwrap_or_default());
    hex(&hasher.finalize()[..16])
}

/// Orders RFC 3339 times by instant; a time that does not parse sorts by its text, after
/// every parsed one, so that ordering never fails.
fn compare_times(a: Option<&str>, b: Option<&str>) -> Ordering {
    let parse = |t: Option<&str>| t.and_then(|t| t.parse::<jiff::Timestamp>().ok());
    match (parse(a), parse(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.cmp(&b),
    }
}
