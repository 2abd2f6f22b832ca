//! Appending to a log: scans (with their diff) and actions.

use std::cmp::Ordering;

use hardline_model::{Scan, diff, hex, unique_vulnerability_ids};
use sha2::{Digest, Sha256};

use crate::LedgerError;
use crate::commit::Commit;
use crate::event::{Event, EventBody, GENESIS, ScanRecorded};
use crate::history::History;
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
    pub before: Vec<hardline_model::Finding>,
    pub after: Vec<hardline_model::Finding>,
}

/// Records `scans` of `image` in the order of their creation time. A scan already in the log
/// (same time, artifact and findings) is skipped; a scan older than the last recorded one is
/// refused, because the log is chronological. All appended events and the views are
/// committed together.
pub fn record(layout: &Layout, image: &str, scans: Vec<Scan>, now: &str) -> Result<Recorded, LedgerError> {
    check_image_name(image)?;
    let mut history = History::load(&layout.log(image), image)?;
    let mut state = history.state();
    let before = state.findings_in_report_order();
    let mut scans: Vec<(usize, Scan)> = scans.into_iter().enumerate().collect();
    scans.sort_by(|(_, a), (_, b)| compare_times(a.meta.created_at.as_deref(), b.meta.created_at.as_deref()));
    let mut outcomes = Vec::with_capacity(scans.len());
    let mut appended = false;
    for (input_index, scan) in scans {
        let at = scan.meta.created_at.clone().unwrap_or_else(|| now.to_owned());
        let scan_id = scan_id(&scan, &at);
        let current = state.findings_in_report_order();
        let payload = ScanRecorded {
            diff: diff(&current, scan.findings()),
            counts: scan.counts(),
            unique_vulnerabilities: unique_vulnerability_ids(scan.findings()),
            scan: scan.meta.clone(),
            scan_id,
        };
        if history.has_scan(&payload.scan_id) {
            outcomes.push(RecordOutcome {
                image: image.to_owned(),
                input_index,
                recorded: false,
                event: None,
                payload,
            });
            continue;
        }
        if let Some(last) = &state.last_scan
            && compare_times(Some(&at), Some(&last.at)) == Ordering::Less
        {
            return Err(LedgerError::OutOfOrder {
                image: image.to_owned(),
                created_at: at,
                last: last.at.clone(),
            });
        }
        let event = next_event(&history, image, at, EventBody::ScanRecorded(payload.clone()));
        state.apply(&event);
        history.events.push(event.clone());
        appended = true;
        outcomes.push(RecordOutcome {
            image: image.to_owned(),
            input_index,
            recorded: true,
            event: Some(event),
            payload,
        });
    }
    if appended {
        let mut commit = Commit::default();
        commit.write(layout.log(image), history.to_jsonl());
        stage_views(layout, &history, &mut commit);
        commit.apply(layout)?;
    }
    Ok(Recorded { outcomes, before, after: state.findings_in_report_order() })
}

/// Appends one action event and refreshes the views.
pub fn append(layout: &Layout, image: &str, at: &str, body: EventBody) -> Result<Event, LedgerError> {
    check_image_name(image)?;
    let mut history = History::load(&layout.log(image), image)?;
    let event = next_event(&history, image, at.to_owned(), body);
    history.events.push(event.clone());
    let mut commit = Commit::default();
    commit.write(layout.log(image), history.to_jsonl());
    stage_views(layout, &history, &mut commit);
    commit.apply(layout)?;
    Ok(event)
}

/// Adds both views of `history` to `commit`.
pub fn stage_views(layout: &Layout, history: &History, commit: &mut Commit) {
    if let Some(baseline) = Baseline::from_history(history) {
        commit.write(layout.baseline(&history.image), baseline.render());
    }
    commit.write(layout.log_markdown(&history.image), markdown::render(history));
}

fn next_event(history: &History, image: &str, at: String, body: EventBody) -> Event {
    let (seq, prev) = match history.head() {
        Some(head) => (head.seq + 1, head.hash.clone()),
        None => (1, GENESIS.to_owned()),
    };
    Event::seal(seq, at, image.to_owned(), prev, body)
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
