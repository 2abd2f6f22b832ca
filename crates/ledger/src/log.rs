//! Reading an image's log as a stream, in memory bounded by its longest line: forward (verify,
//! rebuild, a replay) and backward from the end (what the weekly commands need: the last
//! events only).

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use hardline_model::{Counts, ImageName, Timestamp};
use serde::Deserialize;
use serde::de::IgnoredAny;

use crate::event::{Event, EventKind, GENESIS};
use crate::history::State;
use crate::views::scans::ScanPoint;
use crate::{LedgerError, io_error};

/// The log's lines, first to last.
pub struct LogLines {
    path: PathBuf,
    reader: BufReader<File>,
    line: Vec<u8>,
    line_no: usize,
}

/// One line as read: its number (from 1) and bytes, without the newline; `complete` is false
/// for a last line without its newline.
pub struct Line<'a> {
    pub number: usize,
    pub bytes: &'a [u8],
    pub complete: bool,
}

impl LogLines {
    /// Opens `path`; `None` when there is no log.
    pub fn open(path: &Path) -> Result<Option<LogLines>, LedgerError> {
        match File::open(path) {
            Ok(file) => Ok(Some(LogLines {
                path: path.to_path_buf(),
                reader: BufReader::with_capacity(1 << 20, file),
                line: Vec::new(),
                line_no: 0,
            })),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_error(path)(e)),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The next line, or `None` at the end.
    pub fn next_line(&mut self) -> Result<Option<Line<'_>>, LedgerError> {
        self.line.clear();
        let read = self.reader.read_until(b'\n', &mut self.line).map_err(io_error(&self.path))?;
        if read == 0 {
            return Ok(None);
        }
        self.line_no += 1;
        let complete = self.line.last() == Some(&b'\n');
        if complete {
            self.line.pop();
        }
        Ok(Some(Line { number: self.line_no, bytes: &self.line, complete }))
    }
}

/// Folds a log from its first line, checking that each line parses and links to the one
/// before it (`seq`, `prev`, `image`) — the checks every reader makes; hashes are `verify`'s.
/// Calls `each` with every event and the state right after it; returns the state at the end
/// and the last event's head fields.
pub fn replay(
    path: &Path,
    image: &ImageName,
    mut each: impl FnMut(&Event, &State) -> Result<(), LedgerError>,
) -> Result<(State, Option<HeadLine>), LedgerError> {
    fold(path, image, |event, state| {
        state.apply(&event);
        each(&event, state)
    })
}

/// [`replay`] for a reader that folds each event in itself: `each` gets the event (to move
/// into the state with [`State::apply_owned`]) and the state before it.
pub fn fold(
    path: &Path,
    image: &ImageName,
    mut each: impl FnMut(Event, &mut State) -> Result<(), LedgerError>,
) -> Result<(State, Option<HeadLine>), LedgerError> {
    let mut state = State::default();
    let mut head = None;
    let Some(mut lines) = LogLines::open(path)? else { return Ok((state, head)) };
    let mut links = Links::default();
    while let Some(line) = lines.next_line()? {
        if line.bytes.is_empty() {
            continue;
        }
        let corrupt =
            |message: String| LedgerError::Corrupt { path: path.to_path_buf(), line: line.number, message };
        let event: Event =
            serde_json::from_slice(line.bytes).map_err(|e| corrupt(format!("not an event: {e}")))?;
        links.follow(&event, image).map_err(corrupt)?;
        head = Some(HeadLine::of(&event));
        each(event, &mut state)?;
    }
    Ok((state, head))
}

/// The chain as read so far: what the next line must continue.
#[derive(Default)]
pub(crate) struct Links {
    last: Option<(u64, String)>,
}

impl Links {
    /// Checks that `event` continues the chain and moves on to it.
    pub(crate) fn follow(&mut self, event: &Event, image: &ImageName) -> Result<(), String> {
        let (expected_seq, expected_prev) = match &self.last {
            Some((seq, hash)) => (seq + 1, hash.as_str()),
            None => (1, GENESIS),
        };
        if event.seq != expected_seq {
            return Err(format!("seq is {} where {expected_seq} was expected", event.seq));
        }
        if event.prev != expected_prev {
            return Err("prev does not match the hash of the line before".to_owned());
        }
        if event.image != *image {
            return Err(format!(
                "event of image {:?} in the log of {:?}",
                event.image.as_str(),
                image.as_str()
            ));
        }
        self.last = Some((event.seq, event.hash.clone()));
        Ok(())
    }
}

/// The fields of an event that say where a log ends, read without its payload.
#[derive(Clone, Debug, Deserialize)]
pub struct HeadLine {
    pub seq: u64,
    pub hash: String,
    /// The digest of the state after it.
    pub state: String,
    pub at: Timestamp,
    #[serde(rename = "body")]
    kind: KindOnly,
}

#[derive(Clone, Debug, Deserialize)]
struct KindOnly {
    kind: EventKind,
}

impl HeadLine {
    pub fn kind(&self) -> EventKind {
        self.kind.kind
    }

    pub fn of(event: &Event) -> HeadLine {
        HeadLine {
            seq: event.seq,
            hash: event.hash.clone(),
            state: event.state.clone(),
            at: event.at.clone(),
            kind: KindOnly { kind: event.body.kind() },
        }
    }
}

/// A file's lines from the last to the first, read in chunks from its end.
pub(crate) struct ReverseLines {
    path: PathBuf,
    file: Option<File>,
    /// Bytes of the file before `buffer` not read yet.
    unread: u64,
    /// The end of the file not handed out yet: whole lines, but maybe a partial first one.
    buffer: Vec<u8>,
}

impl ReverseLines {
    /// Opens `path`; a missing file has no lines.
    pub(crate) fn open(path: &Path) -> Result<ReverseLines, LedgerError> {
        let (file, len) = match File::open(path) {
            Ok(file) => {
                let len = file.metadata().map_err(io_error(path))?.len();
                (Some(file), len)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (None, 0),
            Err(e) => return Err(io_error(path)(e)),
        };
        Ok(ReverseLines { path: path.to_path_buf(), file, unread: len, buffer: Vec::new() })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The next line back, without its newline; `None` before the first.
    pub(crate) fn next_line(&mut self) -> Result<Option<Vec<u8>>, LedgerError> {
        let mut chunk = 64 * 1024u64;
        loop {
            // A trailing newline ends the last line; it does not start an empty one.
            let body = self.buffer.strip_suffix(b"\n").unwrap_or(&self.buffer);
            if let Some(newline) = memchr::memrchr(b'\n', body) {
                let line = body[newline + 1..].to_vec();
                self.buffer.truncate(newline + 1);
                return Ok(Some(line));
            }
            if self.unread == 0 {
                if body.is_empty() {
                    return Ok(None);
                }
                let line = body.to_vec();
                self.buffer.clear();
                return Ok(Some(line));
            }
            let Some(file) = self.file.as_mut() else { return Ok(None) };
            let take = chunk.min(self.unread);
            let start = self.unread - take;
            file.seek(SeekFrom::Start(start)).map_err(io_error(&self.path))?;
            let mut read = vec![0; take as usize];
            file.read_exact(&mut read).map_err(io_error(&self.path))?;
            read.extend_from_slice(&self.buffer);
            self.buffer = read;
            self.unread = start;
            chunk = chunk.saturating_mul(4);
        }
    }
}

/// The last line of the file at `path`, read from its end.
pub(crate) fn last_line(path: &Path) -> Result<Option<Vec<u8>>, LedgerError> {
    ReverseLines::open(path)?.next_line()
}

/// An image's events from the last to the first; each is checked to be the one the event
/// after it links to (and of this image).
pub struct Tail {
    lines: ReverseLines,
    image: ImageName,
    /// The event handed out last: the next one must be the one it links to.
    after: Option<(u64, String)>,
}

impl Tail {
    /// Opens the log at `path` (an empty tail when there is none).
    pub fn open(path: &Path, image: &ImageName) -> Result<Tail, LedgerError> {
        Ok(Tail { lines: ReverseLines::open(path)?, image: image.clone(), after: None })
    }

    pub fn image(&self) -> &ImageName {
        &self.image
    }

    /// The next event back; `None` before the first.
    pub fn next_event(&mut self) -> Result<Option<Event>, LedgerError> {
        let Some(line) = self.lines.next_line()? else {
            return match &self.after {
                Some((seq, _)) if *seq != 1 => {
                    Err(self.corrupt(*seq, "the log's first line is not event 1".to_owned()))
                }
                _ => Ok(None),
            };
        };
        let position = self.after.as_ref().map_or(0, |(seq, _)| seq.saturating_sub(1));
        let event: Event = serde_json::from_slice(&line)
            .map_err(|e| self.corrupt(position, format!("not an event: {e}")))?;
        if let Some((seq, prev)) = &self.after
            && (event.seq + 1 != *seq || event.hash != *prev)
        {
            return Err(self.corrupt(event.seq, "the line after it does not link to it".to_owned()));
        }
        if event.image != self.image {
            let message =
                format!("event of image {:?} in the log of {:?}", event.image.as_str(), self.image.as_str());
            return Err(self.corrupt(event.seq, message));
        }
        self.after = Some((event.seq, event.prev.clone()));
        Ok(Some(event))
    }

    fn corrupt(&self, seq: u64, message: String) -> LedgerError {
        // In a log that links, event n is line n.
        LedgerError::Corrupt { path: self.lines.path().to_path_buf(), line: seq as usize, message }
    }
}

/// Every scan in the log at `path`, oldest first, read without the scans' findings (the
/// parser skips them without building anything).
pub fn scan_points(path: &Path) -> Result<Vec<ScanPoint>, LedgerError> {
    #[derive(Deserialize)]
    struct Skim {
        seq: u64,
        at: Timestamp,
        body: SkimBody,
    }
    #[derive(Deserialize)]
    #[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
    enum SkimBody {
        ScanRecorded { counts: Counts, scan_id: String, unique_vulnerabilities: usize },
        GateDecided(IgnoredAny),
        IssueSynced(IgnoredAny),
    }
    let mut points = Vec::new();
    let Some(mut lines) = LogLines::open(path)? else { return Ok(points) };
    while let Some(line) = lines.next_line()? {
        if line.bytes.is_empty() {
            continue;
        }
        let skim: Skim = serde_json::from_slice(line.bytes).map_err(|e| LedgerError::Corrupt {
            path: path.to_path_buf(),
            line: line.number,
            message: format!("not an event: {e}"),
        })?;
        if let SkimBody::ScanRecorded { counts, scan_id, unique_vulnerabilities } = skim.body {
            points.push(ScanPoint { seq: skim.seq, at: skim.at, scan_id, counts, unique_vulnerabilities });
        }
    }
    Ok(points)
}
