//! The ledger: per image, an append-only, hash-chained event log (`audit-logs/<image>.jsonl`,
//! the truth) and the views derived from it (`cve-baseline/<image>.json`,
//! `audit-logs/<image>.md`).
//!
//! Invariants, each tested:
//! - every view is a pure function of its log: `rebuild` rewrites them byte for byte;
//! - recording a scan that is already in the log appends nothing and changes no file;
//! - writes are serialised by [`LedgerLock`] and committed through a journal ([`commit`]), so a
//!   crash at any point leaves the state before or after the write;
//! - `verify` recomputes every hash and every view and names the first wrong line;
//! - the weekly work (record, the state now, the last weeks) costs what this week costs:
//!   [`Current`] reads the baseline view the log vouches for, [`Rewind`] walks back from the
//!   head, and a record appends to the log and to the month's view; only `verify`, `rebuild`
//!   and [`Ledger::replay`] read a log whole, as a stream.

mod canonical;
pub mod commit;
mod current;
pub mod event;
pub mod fixes;
pub mod history;
mod layout;
pub mod lifecycle;
mod links;
mod lock;
pub mod log;
mod parallel;
mod record;
mod timeline;
mod verify;
pub mod views;

use std::path::{Path, PathBuf};

use hardline_model::{ImageName, Progress, Timestamp};
use hardline_policy::Base;

pub use current::{Current, Source};
pub use event::{
    Event, EventBody, EventKind, GateDecided, GateReason, IssueAction, IssueSynced, ScanRecorded,
};
pub use fixes::{FixRow, Fixes};
pub use history::{History, Seen, State};
pub use layout::Layout;
pub use lifecycle::{Interval, Lifecycle};
pub use lock::{LedgerLock, ReadLock};
pub use log::HeadLine;
pub use record::{DEFAULT_MAX_CLOCK_SKEW, RecordOutcome, Recorded, Session};
pub use timeline::Rewind;
pub use verify::{Problem, VerifyReport};
pub use views::baseline::Baseline;
pub use views::scans::ScanPoint;

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("{}: {source}", layout::shown(path).display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{}:{line}: {message}", layout::shown(path).display())]
    Corrupt { path: PathBuf, line: usize, message: String },
    #[error(
        "{image}: report created at {created_at} is older than the last recorded scan ({last}); \
         the log is chronological, so record reports in order"
    )]
    OutOfOrder { image: ImageName, created_at: Timestamp, last: Timestamp },
    /// A scan that does not say when it was made: hardline does not guess, because a guessed
    /// time (now, a file's mtime) could put it after scans made later and refuse them.
    #[error(
        "{image}: the report does not say when the scan was made (no CreatedAt or equivalent); \
         give the time with `--scanned-at` (RFC 3339); nothing was written"
    )]
    NoScanTime { image: ImageName },
    /// A scan made later than now plus the clock skew allowed: taken, it would lock the log.
    #[error(
        "{image}: the report says the scan was made at {created_at}, later than now ({now}) plus \
         the {max_skew:#} of clock skew allowed; recorded, it would make every real scan after it \
         \"older than the last recorded scan\"; check the scanner's clock (or raise \
         `max_clock_skew` under [limits] in hardline.toml); nothing was written"
    )]
    FromTheFuture { image: ImageName, created_at: Timestamp, now: Timestamp, max_skew: jiff::SignedDuration },
    /// A symbolic link, or a hard link, under the ledger's folders: a write would land
    /// outside the repository, or in another file too.
    #[error(
        "{path} is {what}: the ledger never writes through a link (it could point outside the \
         repository); replace it with the file or folder itself; nothing was written"
    )]
    Link { path: PathBuf, what: &'static str },
    #[error("{image}: the views are out of step with the log ({detail}); run `hardline verify` to see where")]
    Inconsistent { image: ImageName, detail: String },
    /// Something that must be written (an event to hash, a view, the journal) could not be
    /// encoded. Never swallowed: a hashed body that silently became empty would be sealed into
    /// the chain for good.
    #[error("cannot encode {what}: {message}")]
    Encode { what: &'static str, message: String },
}

/// Maps an I/O error onto [`LedgerError::Io`] for `path`.
pub(crate) fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> LedgerError + '_ {
    move |source| LedgerError::Io { path: path.to_path_buf(), source }
}

/// A repository's ledger, read-only. [`Ledger::lock`] gives a [`Writer`].
#[derive(Clone, Debug)]
pub struct Ledger {
    layout: Layout,
    /// How far past now a recorded scan's time may be.
    max_clock_skew: jiff::SignedDuration,
}

impl Ledger {
    pub fn open(root: impl Into<PathBuf>) -> Ledger {
        Ledger { layout: Layout::new(root), max_clock_skew: DEFAULT_MAX_CLOCK_SKEW }
    }

    /// Accepts scans up to `max_skew` past now instead of [`DEFAULT_MAX_CLOCK_SKEW`].
    pub fn with_max_clock_skew(mut self, max_skew: jiff::SignedDuration) -> Ledger {
        self.max_clock_skew = max_skew;
        self
    }

    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// The images that have a log, sorted.
    pub fn images(&self) -> Result<Vec<ImageName>, LedgerError> {
        let dir = self.layout.logs_dir();
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io_error(&dir)(e)),
        };
        let mut images: Vec<ImageName> = entries
            .flatten()
            .filter_map(|e| e.file_name().to_str().and_then(|n| layout::image_of_file(n, ".jsonl")))
            .collect();
        images.sort();
        Ok(images)
    }

    /// Every event of the image in memory: `O(history)`. The weekly paths use [`Ledger::current`],
    /// [`Ledger::rewind`] and [`Ledger::recent`]; a whole-history analysis, [`Ledger::replay`].
    pub fn history(&self, image: &ImageName) -> Result<History, LedgerError> {
        History::load(&self.layout.log(image), image)
    }

    /// The image's baseline view, as written. Fast: one small file, no log replay.
    pub fn baseline(&self, image: &ImageName) -> Result<Option<Baseline>, LedgerError> {
        Baseline::read(&self.layout.baseline(image))
    }

    /// The state at the head of the image's log, with the seen-times of its findings: the
    /// baseline view when the log vouches for it, else a replay of the log.
    pub fn current(&self, image: &ImageName) -> Result<Current, LedgerError> {
        Current::load(&self.layout, image)
    }

    /// A walk back from `current` (the image's [`Ledger::current`]) to earlier states.
    pub fn rewind(&self, image: &ImageName, current: &Current) -> Result<Rewind, LedgerError> {
        Rewind::new(&self.layout, image, current)
    }

    /// The image's last `n` events, newest first.
    pub fn recent(&self, image: &ImageName, n: usize) -> Result<Vec<Event>, LedgerError> {
        let mut tail = log::Tail::open(&self.layout.log(image), image)?;
        let mut events = Vec::with_capacity(n);
        while events.len() < n
            && let Some(event) = tail.next_event()?
        {
            events.push(event);
        }
        Ok(events)
    }

    /// The head fields of the event on line `seq` of the image's log (in a log that links,
    /// event n is line n); `None` when the log is shorter or missing. Reads the lines before it
    /// without parsing them: what an outside witness of event `seq` is checked against.
    pub fn event_at(&self, image: &ImageName, seq: u64) -> Result<Option<HeadLine>, LedgerError> {
        let path = self.layout.log(image);
        let Some(mut lines) = log::LogLines::open(&path)? else { return Ok(None) };
        while let Some(line) = lines.next_line()? {
            if line.number as u64 == seq {
                let head = serde_json::from_slice(line.bytes).map_err(|e| LedgerError::Corrupt {
                    path: path.clone(),
                    line: line.number,
                    message: format!("not an event: {e}"),
                })?;
                return Ok(Some(head));
            }
        }
        Ok(None)
    }

    /// Folds the image's whole log, a line at a time, calling `each` with every event and the
    /// state right after it; returns the state at the end. `O(history)` in time, bounded by
    /// the state in memory.
    pub fn replay(
        &self,
        image: &ImageName,
        each: impl FnMut(&Event, &State) -> Result<(), LedgerError>,
    ) -> Result<State, LedgerError> {
        log::replay(&self.layout.log(image), image, each).map(|(state, _)| state)
    }

    /// Every scan of the image, oldest first, with its counts: from the scans index when it
    /// ends with `current`'s last scan, else read from the log without the scans' findings.
    pub fn scans(&self, image: &ImageName, current: &Current) -> Result<Vec<ScanPoint>, LedgerError> {
        let points = views::scans::read(&self.layout.log_scans(image)).unwrap_or_default();
        let last = current.state.last_scan.as_ref();
        let in_step = match (points.last(), last) {
            (Some(point), Some(scan)) => point.scan_id == scan.scan_id && point.at == scan.at,
            (None, None) => true,
            _ => false,
        };
        if in_step { Ok(points) } else { log::scan_points(&self.layout.log(image)) }
    }

    /// Takes the write lock and completes any interrupted write.
    pub fn lock(&self) -> Result<Writer<'_>, LedgerError> {
        links::refuse_links(&self.layout)?;
        let lock = LedgerLock::acquire(&self.layout)?;
        let recovered = commit::recover(&self.layout)?;
        Ok(Writer { ledger: self, _lock: lock, recovered })
    }

    /// Recomputes every chain and view; `progress` hears of each image. Read-only: it writes
    /// nothing (no lock file, no recovery, no healing), waiting on a [`ReadLock`] for a write
    /// in progress to end. An interrupted write (a journal left behind) is reported, not
    /// completed: the next command that writes completes it.
    pub fn verify(&self, progress: &dyn Progress) -> Result<VerifyReport, LedgerError> {
        let _read = ReadLock::acquire(&self.layout)?;
        if let Some((path, what)) = links::first_link(&self.layout)? {
            return Ok(VerifyReport {
                problems: vec![Problem {
                    path: self.layout.relative(&path).to_path_buf(),
                    line: 0,
                    message: format!(
                        "{what}: a ledger holds no link, which could point outside the repository"
                    ),
                }],
                ..VerifyReport::default()
            });
        }
        let journal = self.layout.journal();
        if journal.exists() {
            return Ok(VerifyReport {
                problems: vec![Problem {
                    path: self.layout.relative(&journal).to_path_buf(),
                    line: 0,
                    message: "an interrupted write is pending; verify writes nothing, so it checks nothing \
                              until a command that writes (`hardline rebuild`) has completed it"
                        .to_owned(),
                }],
                ..VerifyReport::default()
            });
        }
        verify::verify(&self.layout, progress)
    }

    /// Every open→fixed interval of the image's log, and when each open finding was first
    /// seen: a replay of the whole log, a line at a time (`O(history)`). The weekly commands
    /// take first-seen times and the fixes' aggregate from [`Ledger::current`] instead.
    pub fn lifecycle(&self, image: &ImageName) -> Result<Lifecycle, LedgerError> {
        let mut lifecycle = Lifecycle::default();
        self.replay(image, |event, _| {
            lifecycle.apply(event);
            Ok(())
        })?;
        Ok(lifecycle)
    }

    /// Gates `candidate` against the image's baseline view, or, given `base_report` (the
    /// rescan of the base branch's SBOM with the candidate's scanner database), against that
    /// rescan ([`hardline_policy::base::rescanned`]): its vulnerabilities, with the baseline
    /// view's other findings, which an SBOM rescan cannot see. With neither, the image is new.
    /// The log is not read: first-seen times, when a rule of `gate` needs them, are the
    /// baseline view's.
    pub fn decide(
        &self,
        gate: &hardline_policy::Gate,
        image: &ImageName,
        candidate: &hardline_model::Scan,
        base_report: Option<&hardline_model::Scan>,
        with: &DecideWith<'_>,
    ) -> Result<Decided, LedgerError> {
        let baseline = self.baseline(image)?;
        // A baseline finding the candidate carries on under a new identity (a change of
        // identity rule, two scanners' readings merged) is compared as that finding.
        let carried = baseline
            .as_ref()
            .map(|b| candidate.former_identities().carry_over(&b.findings, candidate.findings()));
        let recorded = carried.as_deref();
        let rescan = base_report.map(|report| {
            hardline_policy::base::rescanned(report.findings(), recorded.unwrap_or(&[]), candidate.findings())
        });
        let base = match (&rescan, recorded) {
            (Some(rescan), _) => Base::Rescan { findings: &rescan.findings, drift: &rescan.drift },
            (None, Some(findings)) => Base::Ledger(findings),
            (None, None) => Base::Nothing,
        };
        // First-seen times come with the baseline view (or, for a view of hardline 0.1's
        // layout, from the state the log folds to): the log is not read.
        let first_seen: Option<hardline_policy::FirstSeen> = if gate.needs(hardline_policy::Input::FirstSeen)
        {
            let seen = match &baseline {
                Some(view) if view.has_seen_times() => view.seen.clone(),
                _ => self.current(image)?.state.seen,
            };
            Some(seen.into_iter().map(|(fingerprint, seen)| (fingerprint, seen.first_seen)).collect())
        } else {
            None
        };
        let result = gate.decide(&hardline_policy::GateInput {
            image,
            base,
            candidate: candidate.findings(),
            exceptions: with.exceptions,
            today: with.today,
            context: hardline_policy::Context {
                feeds: with.feeds,
                first_seen: first_seen.as_ref(),
                sla: with.sla,
            },
        });
        Ok(Decided { result, has_baseline: baseline.is_some() })
    }
}

/// What a gate decision is made with, besides the gate and the candidate.
#[derive(Clone, Copy, Debug)]
pub struct DecideWith<'a> {
    pub exceptions: &'a hardline_policy::ExceptionSet,
    pub today: jiff::civil::Date,
    pub feeds: &'a hardline_feeds::Feeds,
    pub sla: hardline_policy::Sla,
}

/// A gate decision and what it was made against.
#[derive(Clone, Debug)]
pub struct Decided {
    pub result: hardline_policy::GateResult,
    /// Whether the image has a baseline view in the ledger (with a rescan of the base branch
    /// given, the comparison was made against that rescan either way).
    pub has_baseline: bool,
}

/// Write access to the ledger, holding its lock.
pub struct Writer<'a> {
    ledger: &'a Ledger,
    _lock: LedgerLock,
    /// What recovery did when the lock was taken, if anything.
    pub recovered: Option<String>,
}

impl Writer<'_> {
    pub fn layout(&self) -> &Layout {
        &self.ledger.layout
    }

    /// Records scans of one image in chronological order. See [`record`].
    pub fn record(
        &mut self,
        image: &ImageName,
        scans: Vec<hardline_model::Scan>,
        now: &Timestamp,
    ) -> Result<Recorded, LedgerError> {
        record::record(&self.ledger.layout, image, scans, now, self.ledger.max_clock_skew)
    }

    /// Records scans of one image as `scans` yields them, with the caller's index of each (see
    /// [`record::record_each`]): a caller can parse each report just before it is recorded.
    pub fn record_each<E: From<LedgerError>>(
        &mut self,
        image: &ImageName,
        several: bool,
        scans: impl IntoIterator<Item = Result<(usize, hardline_model::Scan), E>>,
        now: &Timestamp,
    ) -> Result<Recorded, E> {
        record::record_each(&self.ledger.layout, image, several, scans, now, self.ledger.max_clock_skew)
    }

    /// Starts recording scans of `image` one at a time (see [`Session`]); `several` keeps the
    /// starting state so that the session's overall diff can be reported.
    pub fn session(&mut self, image: &ImageName, several: bool) -> Result<Session<'_>, LedgerError> {
        Ok(Session::open(&self.ledger.layout, image, several)?
            .with_max_clock_skew(self.ledger.max_clock_skew))
    }

    /// Appends a gate decision on `candidate` to the image's log.
    pub fn record_decision(
        &mut self,
        image: &ImageName,
        at: &Timestamp,
        result: &hardline_policy::GateResult,
        candidate: &hardline_model::ScanMeta,
        pull_request: Option<u64>,
    ) -> Result<u64, LedgerError> {
        self.append(image, at, EventBody::GateDecided(GateDecided::of(result, candidate, pull_request)))
    }

    /// Appends an action (gate decision, issue sync) to an image's log.
    pub fn append(&mut self, image: &ImageName, at: &Timestamp, body: EventBody) -> Result<u64, LedgerError> {
        record::append(&self.ledger.layout, image, at, body)
    }

    /// Rewrites every view from its log, the logs streamed one per core. Returns the files
    /// that changed. `progress` hears of each image as its views are staged.
    pub fn rebuild(&mut self, progress: &dyn Progress) -> Result<Vec<PathBuf>, LedgerError> {
        let layout = &self.ledger.layout;
        let images = self.ledger.images()?;
        progress.start("rebuilding", images.len() as u64);
        let mut commit = commit::Commit::default();
        let stage = |image: &ImageName| {
            let mut commit = commit::Commit::default();
            views::stage_views(layout, image, Vec::new(), &mut commit).map(|()| commit)
        };
        for staged in parallel::map(&images, stage, |image| progress.advance(image.as_str())) {
            commit.absorb(staged?);
        }
        commit.apply(layout)
    }
}
