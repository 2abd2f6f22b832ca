//! Appending to a log: scans (with their diff) and actions.
//!
//! Appending does not replay the log. It reads the log's last line (for the head) and the
//! baseline view (for the current state), checks that the view was derived from that head,
//! appends the new lines to the log, writes the new baseline and prepends the new sections to
//! the Markdown view. The whole log is read only to look for a duplicate of a scan that is not
//! newer than the last one. If the views are out of
//! step with the log, it falls back to replaying the log, so a deleted view heals itself.
//! Either way the bytes are those `rebuild` would write; `verify` proves it.

use std::path::{Path, PathBuf};

use hardline_model::{
    Counts, Diff, Finding, FormerIdentities, ImageName, Scan, Timestamp, diff, hex, unique_vulnerability_ids,
};
use sha2::{Digest, Sha256};

use crate::commit::Commit;
use crate::event::{Event, EventBody, GENESIS, ScanRecorded};
use crate::history::{History, State, read_log};
use crate::layout::Layout;
use crate::views::baseline::{Baseline, Head as ViewHead};
use crate::views::markdown;
use crate::{LedgerError, io_error};

/// What recording one scan did.
#[derive(Clone, Debug)]
pub struct RecordOutcome {
    pub image: ImageName,
    /// Position of the scan in the caller's list (scans are recorded in time order).
    pub input_index: usize,
    /// False when the same scan was already in the log.
    pub recorded: bool,
    /// The sequence number of the appended event.
    pub seq: Option<u64>,
    pub created_at: Option<Timestamp>,
    /// How many findings are new, fixed and changed against the state before this scan.
    pub new: usize,
    pub fixed: usize,
    pub changed: usize,
    /// How many findings carry on a former finding under a new identity (see
    /// [`hardline_model::FormerIdentities`]).
    pub reidentified: usize,
    pub counts: Counts,
}

/// What a call to [`record`] did.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub outcomes: Vec<RecordOutcome>,
    /// From the state before the call to the state after it.
    pub total: Diff,
    /// Counts and unique ids after the call.
    pub counts: Counts,
    pub unique_vulnerabilities: usize,
}

/// The end of a log: enough to append to it.
struct Tip {
    image: ImageName,
    log_path: PathBuf,
    /// The log's length: new lines are appended after it.
    log_len: u64,
    /// The log's whole bytes, read only when needed (a possible duplicate, or views that are
    /// out of step).
    full_log: Option<Vec<u8>>,
    head: Option<Head>,
    state: State,
    /// New events with their log lines and Markdown sections, oldest first.
    appended: Vec<Appended>,
}

/// What is kept of an appended event until the commit: its line and section, and the head
/// fields the views need — not the event itself, whose payload can be large.
struct Appended {
    head: ViewHead,
    scan_id: Option<String>,
    line: String,
    section: String,
}

/// The fields of the last event that appending needs.
#[derive(serde::Deserialize)]
struct Head {
    seq: u64,
    hash: String,
    state: String,
}

impl Tip {
    fn load(layout: &Layout, image: &ImageName) -> Result<Tip, LedgerError> {
        let log_path = layout.log(image);
        let log_len = match std::fs::metadata(&log_path) {
            Ok(meta) => meta.len(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
            Err(e) => return Err(LedgerError::Io { path: log_path, source: e }),
        };
        let mut tip = Tip {
            image: image.clone(),
            log_path,
            log_len,
            full_log: None,
            head: None,
            state: State::default(),
            appended: Vec::new(),
        };
        if log_len == 0 {
            return Ok(tip);
        }
        let head: Option<Head> =
            read_last_line(&tip.log_path, log_len)?.and_then(|line| serde_json::from_slice(&line).ok());
        let view = Baseline::read(&layout.baseline(image))?;
        // Build on the baseline view only if it names the log's last event and holds exactly
        // the state that event vouches for: a hand-edited view is never built upon.
        let trusted = match (head, view) {
            (Some(head), Some(view)) if view.head.seq == head.seq && view.head.hash == head.hash => {
                let state = view.into_state();
                (state.digest()? == head.state).then_some((head, state))
            }
            _ => None,
        };
        match trusted {
            Some((head, state)) => {
                tip.state = state;
                tip.head = Some(head);
            }
            // The views are out of step (or the last line does not parse): replay the log,
            // which also names the line if the log itself is damaged.
            None => {
                let path = tip.log_path.clone();
                let history = History::from_bytes(tip.full_log()?, &path, image)?;
                tip.state = history.state();
                tip.head =
                    history.head().map(|e| Head { seq: e.seq, hash: e.hash.clone(), state: e.state.clone() });
            }
        }
        Ok(tip)
    }

    fn full_log(&mut self) -> Result<&[u8], LedgerError> {
        if self.full_log.is_none() {
            self.full_log = Some(read_log(&self.log_path)?);
        }
        Ok(self.full_log.as_deref().unwrap_or_default())
    }

    /// Whether a scan with this identity is already in the log (or appended in this call): a
    /// byte search for its canonical `"scan_id":"…"`, which only a scan event contains.
    fn has_scan(&mut self, scan_id: &str) -> Result<bool, LedgerError> {
        if self.appended.iter().any(|a| a.scan_id.as_deref() == Some(scan_id)) {
            return Ok(true);
        }
        let needle = format!("\"scan_id\":\"{scan_id}\"");
        Ok(memchr::memmem::find(self.full_log()?, needle.as_bytes()).is_some())
    }

    /// Appends an event; returns its sequence number.
    fn push(&mut self, at: Timestamp, body: EventBody) -> Result<u64, LedgerError> {
        let last = self.appended.last().map(|a| (a.head.seq, a.head.hash.clone()));
        let (seq, prev) = match last.or_else(|| self.head.as_ref().map(|h| (h.seq, h.hash.clone()))) {
            Some((seq, hash)) => (seq + 1, hash),
            None => (1, GENESIS.to_owned()),
        };
        self.state.apply_body(&body, &at);
        let (event, line) = Event::seal(seq, at, self.image.clone(), prev, body, self.state.digest()?)?;
        let section = markdown::section(&event, &self.state);
        let scan_id = match &event.body {
            EventBody::ScanRecorded(scan) => Some(scan.scan_id.clone()),
            _ => None,
        };
        self.appended.push(Appended { head: ViewHead::of(&event), scan_id, line, section });
        Ok(seq)
    }

    /// Writes the log and both views, all or nothing.
    fn commit(mut self, layout: &Layout) -> Result<(), LedgerError> {
        let Some(last) = self.appended.last().map(|a| a.head.clone()) else { return Ok(()) };
        let mut lines = Vec::new();
        for appended in &self.appended {
            lines.extend_from_slice(appended.line.as_bytes());
            lines.push(b'\n');
        }
        let markdown_path = layout.log_markdown(&self.image);
        let previous_view = match std::fs::read_to_string(&markdown_path) {
            Ok(text) => text,
            // Missing, or not text: rendered in full below, like any view out of step.
            Err(e) if matches!(e.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::InvalidData) => {
                String::new()
            }
            Err(e) => return Err(io_error(&markdown_path)(e)),
        };
        let sections: Vec<String> =
            std::mem::take(&mut self.appended).into_iter().map(|a| a.section).collect();
        let previous_head = self.head.as_ref().map(|h| (h.seq, h.hash.as_str()));
        let markdown = match markdown::prepend(
            &self.image,
            &previous_view,
            previous_head,
            (last.seq, &last.hash),
            &sections,
        ) {
            Some(view) => view,
            None => {
                let mut log = self.full_log()?.to_vec();
                log.extend_from_slice(&lines);
                markdown::render(&History::from_bytes(&log, &self.log_path.clone(), &self.image)?)
            }
        };
        let mut commit = Commit::default();
        // Both views name the new head, so they always change: no need to compare them.
        commit.replace(
            layout.baseline(&self.image),
            Baseline::from_state(&self.image, last, &self.state).render()?,
        );
        commit.replace(layout.log_markdown(&self.image), markdown);
        commit.append(self.log_path.clone(), self.log_len, lines);
        commit.apply(layout)?;
        Ok(())
    }
}

/// The last line of a log of `len` bytes, read from its end.
fn read_last_line(path: &Path, len: u64) -> Result<Option<Vec<u8>>, LedgerError> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file =
        std::fs::File::open(path).map_err(|e| LedgerError::Io { path: path.to_path_buf(), source: e })?;
    let mut chunk = 64 * 1024u64;
    loop {
        let start = len.saturating_sub(chunk);
        file.seek(SeekFrom::Start(start))
            .map_err(|e| LedgerError::Io { path: path.to_path_buf(), source: e })?;
        let mut buffer = Vec::with_capacity((len - start) as usize);
        file.read_to_end(&mut buffer).map_err(|e| LedgerError::Io { path: path.to_path_buf(), source: e })?;
        let body = buffer.strip_suffix(b"\n").unwrap_or(&buffer);
        if let Some(newline) = body.iter().rposition(|b| *b == b'\n') {
            return Ok(Some(body[newline + 1..].to_vec()));
        }
        if start == 0 {
            return Ok((!body.is_empty()).then(|| body.to_vec()));
        }
        chunk *= 4;
    }
}

/// How far past `now` a scan's time may be by default: clocks of different machines disagree
/// a little, and a scan from the future must not be taken (every real scan after it would be
/// refused as older).
pub const DEFAULT_MAX_CLOCK_SKEW: jiff::SignedDuration = jiff::SignedDuration::from_mins(5);

/// Records `scans` of `image` in the order of their creation time (see [`Session`]).
pub fn record(
    layout: &Layout,
    image: &ImageName,
    scans: Vec<Scan>,
    now: &Timestamp,
    max_skew: jiff::SignedDuration,
) -> Result<Recorded, LedgerError> {
    let mut scans: Vec<(usize, Scan)> = scans.into_iter().enumerate().collect();
    scans.sort_by(|(_, a), (_, b)| {
        Timestamp::cmp_known_first(a.meta.created_at.as_ref(), b.meta.created_at.as_ref())
    });
    let several = scans.len() > 1;
    record_each(layout, image, several, scans.into_iter().map(Ok::<_, LedgerError>), now, max_skew)
}

/// Records scans in the order `scans` yields them, each with its caller's index, and commits
/// them together; the first error (a report that did not parse, an out-of-order scan) stops it
/// and nothing is written. `several` says whether more than one scan may come.
pub fn record_each<E: From<LedgerError>>(
    layout: &Layout,
    image: &ImageName,
    several: bool,
    scans: impl IntoIterator<Item = Result<(usize, Scan), E>>,
    now: &Timestamp,
    max_skew: jiff::SignedDuration,
) -> Result<Recorded, E> {
    let mut session = Session::open(layout, image, several)?.with_max_clock_skew(max_skew);
    for scan in scans {
        let (input_index, scan) = scan?;
        session.record(scan, input_index, now)?;
    }
    Ok(session.commit()?)
}

/// Recording several scans of one image, one at a time, committed together: a caller can
/// parse each report just before it is recorded, so that only one report is in memory, and
/// drop the session (writing nothing) if a later report turns out to be bad.
pub struct Session<'a> {
    layout: &'a Layout,
    tip: Tip,
    outcomes: Vec<RecordOutcome>,
    /// The state at the start, kept only when several scans may be recorded (the call's diff
    /// is then not one scan's diff).
    start: Option<Vec<Finding>>,
    /// Otherwise, the one recorded scan's diff.
    single: Option<Diff>,
    /// The re-identifications recorded so far, so that the call's total diff does not show a
    /// finding that changed identity as fixed and new.
    former: FormerIdentities,
    /// How far past `now` a scan's time may be.
    max_skew: jiff::SignedDuration,
}

impl<'a> Session<'a> {
    pub fn open(layout: &'a Layout, image: &ImageName, several: bool) -> Result<Session<'a>, LedgerError> {
        let tip = Tip::load(layout, image)?;
        let start = several.then(|| tip.state.findings.values().cloned().collect());
        Ok(Session {
            layout,
            tip,
            outcomes: Vec::new(),
            start,
            single: None,
            former: FormerIdentities::default(),
            max_skew: DEFAULT_MAX_CLOCK_SKEW,
        })
    }

    /// Accepts scans up to `max_skew` past `now` instead of [`DEFAULT_MAX_CLOCK_SKEW`].
    pub fn with_max_clock_skew(mut self, max_skew: jiff::SignedDuration) -> Self {
        self.max_skew = max_skew;
        self
    }

    /// Records one scan. A scan already in the log (same time, artifact and findings) is
    /// skipped; a scan older than the last recorded one is refused, because the log is
    /// chronological; so are a scan that does not say when it was made (a guessed time could
    /// reorder the log) and one made later than `now` plus the clock skew allowed (it would
    /// lock the log: every real scan after it would be older). `input_index` is returned in the
    /// outcome, for the caller's bookkeeping.
    pub fn record(
        &mut self,
        scan: Scan,
        input_index: usize,
        now: &Timestamp,
    ) -> Result<&RecordOutcome, LedgerError> {
        let tip = &mut self.tip;
        let image = tip.image.clone();
        let Some(at) = scan.meta.created_at.clone() else {
            return Err(LedgerError::NoScanTime { image });
        };
        if at.instant().duration_since(now.instant()) > self.max_skew {
            return Err(LedgerError::FromTheFuture {
                image,
                created_at: at,
                now: now.clone(),
                max_skew: self.max_skew,
            });
        }
        let payload = ScanRecorded {
            diff: Diff::against(&tip.state.findings, scan.findings(), scan.former_identities()),
            counts: scan.counts(),
            unique_vulnerabilities: unique_vulnerability_ids(scan.findings()),
            scan_id: scan_id(&scan, &at),
            scan: scan.meta,
        };
        let mut outcome = RecordOutcome {
            image: image.clone(),
            input_index,
            recorded: false,
            seq: None,
            created_at: payload.scan.created_at.clone(),
            new: payload.diff.new.len(),
            fixed: payload.diff.fixed.len(),
            changed: payload.diff.changed.len(),
            reidentified: payload.diff.reidentified.len(),
            counts: payload.counts,
        };
        // A scan newer than the last one cannot be in the log yet: only an older (or
        // same-time) one needs the search through the log.
        let last_at = tip.state.last_scan.as_ref().map(|l| l.at.clone());
        let not_newer = last_at.as_ref().is_some_and(|last| at.instant() <= last.instant());
        if !(not_newer && tip.has_scan(&payload.scan_id)?) {
            if let Some(last) = last_at
                && at.instant() < last.instant()
            {
                return Err(LedgerError::OutOfOrder { image, created_at: at, last });
            }
            if self.start.is_none() {
                self.single = Some(payload.diff.clone());
            }
            self.former.extend(payload.diff.former_identities());
            outcome.seq = Some(tip.push(at, EventBody::ScanRecorded(payload))?);
            outcome.recorded = true;
        } else {
            // Nothing appended, so nothing changed: the diff against today's state would
            // describe a scan that is not being recorded.
            (outcome.new, outcome.fixed, outcome.changed, outcome.reidentified) = (0, 0, 0, 0);
        }
        self.outcomes.push(outcome);
        Ok(self.outcomes.last().expect("just pushed"))
    }

    /// Writes everything recorded, all or nothing.
    pub fn commit(self) -> Result<Recorded, LedgerError> {
        let Session { layout, tip, outcomes, start, single, former, max_skew: _ } = self;
        let total = match &start {
            Some(start) => {
                let end: Vec<Finding> = tip.state.findings.values().cloned().collect();
                diff(&former.carry_over(start, &end), &end)
            }
            None => single.unwrap_or_default(),
        };
        let counts = Counts::from_severities(tip.state.findings.values().map(|f| f.severity));
        let unique_vulnerabilities = unique_vulnerability_ids(tip.state.findings.values());
        tip.commit(layout)?;
        Ok(Recorded { outcomes, total, counts, unique_vulnerabilities })
    }
}

/// Appends one action event and refreshes the views. Returns the event's sequence number.
pub fn append(
    layout: &Layout,
    image: &ImageName,
    at: &Timestamp,
    body: EventBody,
) -> Result<u64, LedgerError> {
    let mut tip = Tip::load(layout, image)?;
    let seq = tip.push(at.clone(), body)?;
    tip.commit(layout)?;
    Ok(seq)
}

/// Adds both views of `history` to `commit` (for `rebuild`).
pub fn stage_views(layout: &Layout, history: &History, commit: &mut Commit) -> Result<(), LedgerError> {
    if let Some(baseline) = Baseline::from_history(history) {
        commit.write(layout.baseline(&history.image), baseline.render()?);
    }
    commit.write(layout.log_markdown(&history.image), markdown::render(history));
    Ok(())
}

/// A scan's identity: its time, artifact and every finding as recorded. Two reports of the
/// same scan get the same id; a rescan a week later does not, even with identical findings,
/// so that the log shows every scan that was made.
fn scan_id(scan: &Scan, at: &Timestamp) -> String {
    let mut hasher = Sha256::new();
    let mut field = |part: &str| {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    };
    field(at.as_str());
    field(scan.meta.artifact_name.as_deref().unwrap_or(""));
    field(scan.meta.image_id.as_deref().unwrap_or(""));
    // Each finding by identity and by what a diff compares: two reports of the same scan agree
    // on all of it, and hashing these is far cheaper than serialising every finding.
    for finding in scan.findings() {
        let package = finding.package.as_ref();
        field(finding.fingerprint.as_str());
        field(finding.severity.as_str());
        field(package.map_or("", |p| p.version.as_str()));
        field(package.and_then(|p| p.fixed_version.as_deref()).unwrap_or(""));
        field(finding.status.map_or("", |s| s.as_str()));
        field(&finding.title);
    }
    hex(&hasher.finalize()[..16])
}
