//! Appending to a log: scans (with their diff) and actions.
//!
//! Appending does not replay the log. It takes the state at the log's head from the baseline
//! view, when the head vouches for it ([`Current`]), appends the new lines to the log, writes
//! the new baseline and front page, and appends the new events' sections to their months'
//! files: what it reads and writes is this week's events and the open findings, whatever the
//! length of the history. The log is searched whole only for a duplicate of a scan that is not
//! newer than the last one. Views out of step with the log (missing, hand-edited, or in hardline
//! 0.1's layout) are rewritten from it in the same commit, so a deleted view heals itself and an
//! old ledger takes the current layout with its first new scan. Either way the bytes are those
//! `rebuild` would write; `verify` proves it.

use std::path::{Path, PathBuf};

use hardline_model::{
    Counts, Diff, Finding, FormerIdentities, ImageName, Scan, Timestamp, diff, hex, unique_vulnerability_ids,
};
use sha2::{Digest, Sha256};

use crate::commit::Commit;
use crate::current::Current;
use crate::event::{Event, EventBody, GENESIS, ScanRecorded};
use crate::history::State;
use crate::layout::Layout;
use crate::log::{HeadLine, LogLines};
use crate::views::baseline::{Baseline, Head as ViewHead};
use crate::views::markdown::{self, Month};
use crate::views::scans;
use crate::views::stage_views;
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
    head: Option<HeadLine>,
    state: State,
    /// Whether the views that grow with the log can be appended to (see [`views_in_step`]).
    views_in_step: bool,
    /// New events with their log lines and Markdown sections, oldest first.
    appended: Vec<Appended>,
}

/// What is kept of an appended event until the commit: its line and section, and the head
/// fields the views need — not the event itself, whose payload can be large.
struct Appended {
    head: HeadLine,
    scan_id: Option<String>,
    line: String,
    month: Month,
    section: String,
    /// Its line in the scans index, for a scan.
    indexed: Option<String>,
}

impl Tip {
    fn load(layout: &Layout, image: &ImageName) -> Result<Tip, LedgerError> {
        let log_path = layout.log(image);
        let log_len = file_len(&log_path)?;
        let current = Current::load(layout, image)?;
        let views_in_step = views_in_step(layout, image, &current)?;
        Ok(Tip {
            image: image.clone(),
            log_path,
            log_len,
            head: current.head,
            state: current.state,
            views_in_step,
            appended: Vec::new(),
        })
    }

    /// Whether a scan with this identity is already in the log (or appended in this call): a
    /// byte search of each line for its canonical `"scan_id":"…"`, which only a scan event
    /// contains.
    fn has_scan(&self, scan_id: &str) -> Result<bool, LedgerError> {
        if self.appended.iter().any(|a| a.scan_id.as_deref() == Some(scan_id)) {
            return Ok(true);
        }
        let needle = format!("\"scan_id\":\"{scan_id}\"");
        let finder = memchr::memmem::Finder::new(needle.as_bytes());
        let Some(mut lines) = LogLines::open(&self.log_path)? else { return Ok(false) };
        while let Some(line) = lines.next_line()? {
            if finder.find(line.bytes).is_some() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Appends an event; returns its sequence number.
    fn push(&mut self, at: Timestamp, body: EventBody) -> Result<u64, LedgerError> {
        let last = self.appended.last().map(|a| &a.head).or(self.head.as_ref());
        let (seq, prev) = match last {
            Some(head) => (head.seq + 1, head.hash.clone()),
            None => (1, GENESIS.to_owned()),
        };
        self.state.apply_body(&body, &at);
        let (event, line) = Event::seal(seq, at, self.image.clone(), prev, body, self.state.digest()?)?;
        let section = markdown::section(&event, &self.state);
        let scan_id = match &event.body {
            EventBody::ScanRecorded(scan) => Some(scan.scan_id.clone()),
            _ => None,
        };
        let month = Month::of(&event.at);
        let indexed = scans::line_of(&event)?;
        self.appended.push(Appended { head: HeadLine::of(&event), scan_id, line, month, section, indexed });
        Ok(seq)
    }

    /// Writes the log and the views, all or nothing.
    fn commit(self, layout: &Layout) -> Result<(), LedgerError> {
        let Some(last) = self.appended.last().map(|a| a.head.clone()) else { return Ok(()) };
        let mut lines = Vec::new();
        for appended in &self.appended {
            lines.extend_from_slice(appended.line.as_bytes());
            lines.push(b'\n');
        }
        let mut commit = Commit::default();
        if self.views_in_step {
            // The views name the new head, so they always change: no need to compare them.
            let baseline = Baseline::from_state(&self.image, ViewHead::from_line(&last), &self.state);
            commit.replace(layout.baseline(&self.image), baseline.render()?);
            commit.replace(
                layout.log_markdown(&self.image),
                markdown::front_page(&self.image, &last, &self.state),
            );
            commit.append(self.log_path.clone(), self.log_len, lines);
            for (month, sections) in by_month(&self.appended) {
                let path = layout.log_month(&self.image, month);
                let (old_len, mut bytes) = match std::fs::metadata(&path) {
                    Ok(meta) => (meta.len(), String::new()),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        (0, markdown::month_header(&self.image, month))
                    }
                    Err(e) => return Err(io_error(&path)(e)),
                };
                bytes.push_str(&sections);
                commit.extend(path, old_len, bytes);
            }
            let indexed: String = self.appended.iter().filter_map(|a| a.indexed.as_deref()).collect();
            if !indexed.is_empty() {
                let path = layout.log_scans(&self.image);
                commit.extend(path.clone(), file_len(&path)?, indexed);
            }
        } else {
            // Every view again, from the log and the events it is about to take.
            let events = self
                .appended
                .iter()
                .map(|a| serde_json::from_str::<Event>(&a.line))
                .collect::<Result<Vec<Event>, _>>()
                .map_err(|e| LedgerError::Encode { what: "an event just sealed", message: e.to_string() })?;
            stage_views(layout, &self.image, events, &mut commit)?;
            commit.append(self.log_path.clone(), self.log_len, lines);
        }
        commit.apply(layout)?;
        Ok(())
    }
}

/// The appended sections of each month, joined in log order; months in the order they come.
fn by_month(appended: &[Appended]) -> Vec<(Month, String)> {
    let mut out: Vec<(Month, String)> = Vec::new();
    for event in appended {
        match out.iter_mut().find(|(month, _)| *month == event.month) {
            Some((_, sections)) => sections.push_str(&event.section),
            None => out.push((event.month, event.section.clone())),
        }
    }
    out
}

/// Whether the views that grow with the log are as the head left them, so that a record can
/// append to them: the head's month file ends with the head's section, and the scans index
/// ends with the last scan. A view that is missing, out of step, or in hardline 0.1's layout
/// (no monthly files) is not: the record then writes every view again.
fn views_in_step(layout: &Layout, image: &ImageName, current: &Current) -> Result<bool, LedgerError> {
    let Some(head) = &current.head else { return Ok(true) };
    let month = layout.log_month(image, Month::of(&head.at));
    if !ends_with(&month, markdown::footer(head.seq, &head.hash).as_bytes())? {
        return Ok(false);
    }
    let index = layout.log_scans(image);
    match &current.state.last_scan {
        None => Ok(!index.exists()),
        Some(scan) => {
            let last = crate::log::last_line(&index)?;
            let point = last.and_then(|line| serde_json::from_slice::<scans::ScanPoint>(&line).ok());
            Ok(point.is_some_and(|p| p.scan_id == scan.scan_id && p.at == scan.at))
        }
    }
}

/// The length of the file at `path`; 0 when it does not exist.
fn file_len(path: &Path) -> Result<u64, LedgerError> {
    match std::fs::metadata(path) {
        Ok(meta) => Ok(meta.len()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
        Err(e) => Err(io_error(path)(e)),
    }
}

/// Whether the file at `path` ends with `suffix` (false when it does not exist).
fn ends_with(path: &Path, suffix: &[u8]) -> Result<bool, LedgerError> {
    use std::os::unix::fs::FileExt;
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(io_error(path)(e)),
    };
    let len = file.metadata().map_err(io_error(path))?.len();
    let Some(start) = len.checked_sub(suffix.len() as u64) else { return Ok(false) };
    let mut end = vec![0; suffix.len()];
    file.read_exact_at(&mut end, start).map_err(io_error(path))?;
    Ok(end == suffix)
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
