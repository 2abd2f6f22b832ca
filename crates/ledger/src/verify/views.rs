//! The views of one image, compared with what its log derives as the events come: each
//! monthly file a section at a time (or, for a view in hardline 0.1's layout, its one file
//! from the end), then the front page and the baseline view, and no monthly file left over.
//! Every file is compared through a window of the bytes at hand, never read whole.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::Read;
use std::os::unix::fs::FileExt;

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

use hardline_model::ImageName;

use super::Problem;
use crate::event::Event;
use crate::history::State;
use crate::layout::{Layout, month_files};
use crate::log::HeadLine;
use crate::views::baseline::{Baseline, Head};
use crate::views::markdown::{self, Month, legacy};
use crate::views::{Months, Pending, scans};
use crate::{LedgerError, io_error};

const DIFFERS: &str = "differs from the view derived from the log";
const MISSING_LINES: &str = "lines missing compared with the view derived from the log";
const EXTRA_LINE: &str = "extra line not derived from the log";
const MISSING_FILE: &str = "missing: run `hardline rebuild`";

pub(super) struct ViewCheck<'a> {
    layout: &'a Layout,
    image: ImageName,
    months: Months,
    markdown: Markdown,
    /// The scans index, line by line; a ledger of hardline 0.1 has none.
    index: Option<Expect>,
}

/// How the Markdown log is laid out on disk.
enum Markdown {
    /// A front page and monthly files: each month compared as its sections come.
    Monthly { files: BTreeMap<Month, Expect>, open: Option<Month> },
    /// hardline 0.1's one file, newest first.
    Legacy(Legacy),
}

/// A section begun by [`ViewCheck::begin`].
pub(super) enum Begun {
    Month(Pending),
    Legacy(String, markdown::SectionEnd),
}

/// What the views' check found at the end.
pub(super) struct Found {
    pub problems: Vec<Problem>,
    /// Views that are right in hardline 0.1's layout.
    pub legacy: Vec<PathBuf>,
}

impl<'a> ViewCheck<'a> {
    pub(super) fn open(layout: &'a Layout, image: &ImageName) -> Result<ViewCheck<'a>, LedgerError> {
        let front = layout.log_markdown(image);
        let is_legacy = !layout.log_months(image).exists() && legacy::is_legacy(image, &start_of(&front)?);
        let markdown = if is_legacy {
            Markdown::Legacy(Legacy::open(&front))
        } else {
            Markdown::Monthly { files: BTreeMap::new(), open: None }
        };
        // hardline 0.1 kept no index: a ledger in its layout is checked without one.
        let index = (!is_legacy).then(|| Expect::open(layout.log_scans(image))).transpose()?;
        Ok(ViewCheck { layout, image: image.clone(), months: Months::new(image), markdown, index })
    }

    /// Starts on what `event` adds to the views, before it is folded in: its line of the scans
    /// index, and the part of its section the event alone says.
    pub(super) fn begin(&mut self, event: &Event) -> Result<Begun, LedgerError> {
        if let Some(index) = self.index.as_mut()
            && let Some(line) = scans::line_of(event)?
        {
            index.feed(line.as_bytes())?;
        }
        Ok(match self.markdown {
            Markdown::Monthly { .. } => Begun::Month(self.months.begin(event)),
            Markdown::Legacy(_) => {
                Begun::Legacy(markdown::section_start(event), markdown::SectionEnd::of(event))
            }
        })
    }

    /// Compares the section begun, completed with `state`, the state right after its event.
    pub(super) fn end(&mut self, begun: Begun, state: &State) -> Result<(), LedgerError> {
        match (&mut self.markdown, begun) {
            (Markdown::Monthly { files, open }, Begun::Month(pending)) => {
                let (month, bytes) = Months::end(pending, state);
                if *open != Some(month) {
                    // One file open at a time: a log goes through its months in order.
                    if let Some(previous) = open.and_then(|m| files.get_mut(&m)) {
                        previous.close();
                    }
                    *open = Some(month);
                }
                let expect = match files.entry(month) {
                    std::collections::btree_map::Entry::Occupied(entry) => entry.into_mut(),
                    std::collections::btree_map::Entry::Vacant(entry) => {
                        entry.insert(Expect::open(self.layout.log_month(&self.image, month))?)
                    }
                };
                expect.feed(bytes.as_bytes())
            }
            (Markdown::Legacy(legacy), Begun::Legacy(mut section, end)) => {
                markdown::section_end(&mut section, &end, state);
                legacy.feed(&section);
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Compares the rest: the front page and the baseline view of the state at `head`, and
    /// whether any file is left over.
    pub(super) fn finish(self, head: Option<&HeadLine>, state: &State) -> Result<Found, LedgerError> {
        let mut found = Found { problems: Vec::new(), legacy: Vec::new() };
        let mut report = |path: PathBuf, (line, message): (usize, String)| {
            found.problems.push(Problem { path, line, message: message.to_owned() });
        };
        if let Some(mut index) = self.index
            && let Some(problem) = index.finish()
        {
            report(index.path, problem);
        }
        let front = self.layout.log_markdown(&self.image);
        match self.markdown {
            Markdown::Monthly { mut files, .. } => {
                for expect in files.values_mut() {
                    if let Some(problem) = expect.finish() {
                        report(expect.path.clone(), problem);
                    }
                }
                let expected = head.map(|h| markdown::front_page(&self.image, h, state)).unwrap_or_default();
                if let Some(problem) = compare_whole(&front, expected.as_bytes())? {
                    report(front, problem);
                }
                let folder = month_files(&self.layout.log_months(&self.image))?;
                let extra = folder.months.into_iter().filter(|(month, _)| !files.contains_key(month));
                for path in extra.map(|(_, path)| path).chain(folder.others) {
                    report(
                        path,
                        (0, "extra file not derived from the log: run `hardline rebuild`".to_owned()),
                    );
                }
            }
            Markdown::Legacy(file) => {
                let header = legacy::header(&self.image, head.map(|h| (h.seq, h.hash.as_str())));
                match file.finish(&header)? {
                    Some(problem) => report(front.clone(), problem),
                    None => found.legacy.push(front),
                }
            }
        }
        let path = self.layout.baseline(&self.image);
        let view = head.map(|h| Baseline::from_state(&self.image, Head::from_line(h), state));
        let expected = view.as_ref().map(Baseline::render).transpose()?.unwrap_or_default();
        if let Some(problem) = compare_whole(&path, expected.as_bytes())? {
            let legacy = view.as_ref().map(Baseline::render_legacy).transpose()?;
            match legacy {
                Some(legacy) if compare_whole(&path, legacy.as_bytes())?.is_none() => found.legacy.push(path),
                _ => report(path, problem),
            }
        }
        Ok(found)
    }
}

/// A file compared with the bytes it must hold, as they come.
struct Expect {
    path: PathBuf,
    /// Open while its month is the one being compared.
    file: Option<File>,
    /// The file's length; `None` when it does not exist.
    len: Option<u64>,
    /// Bytes compared and found right, and the lines they hold.
    offset: u64,
    line: usize,
    problem: Option<(usize, String)>,
    window: Vec<u8>,
    /// Whether any bytes were expected: a file nothing is expected of must not exist.
    fed: bool,
}

impl Expect {
    fn open(path: PathBuf) -> Result<Expect, LedgerError> {
        let len = match fs::metadata(&path) {
            Ok(meta) => Some(meta.len()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(io_error(&path)(e)),
        };
        Ok(Expect {
            path,
            file: None,
            len,
            offset: 0,
            line: 0,
            problem: None,
            window: Vec::new(),
            fed: false,
        })
    }

    /// Lets go of the file and of the buffer its bytes were read into: a log's months are
    /// compared one after the other, so only one is open and holds memory at a time (each kept
    /// its largest section's worth before, 35 MB over 5,000 weeks).
    fn close(&mut self) {
        self.file = None;
        self.window = Vec::new();
    }

    /// Compares the file's next bytes with `expected`.
    fn feed(&mut self, expected: &[u8]) -> Result<(), LedgerError> {
        self.fed = true;
        let Some(len) = self.len else { return Ok(()) };
        if self.problem.is_some() {
            return Ok(());
        }
        let available = (len - self.offset).min(expected.len() as u64) as usize;
        if self.file.is_none() {
            self.file = Some(File::open(&self.path).map_err(io_error(&self.path))?);
        }
        self.window.resize(available, 0);
        if let Some(file) = &self.file {
            file.read_exact_at(&mut self.window, self.offset).map_err(io_error(&self.path))?;
        }
        if self.window.as_slice() == expected {
            self.offset += available as u64;
            self.line += newlines(expected);
            return Ok(());
        }
        let at = first_difference(&self.window, expected);
        let message = if at == available { MISSING_LINES } else { DIFFERS };
        self.problem = Some((self.line + newlines(&expected[..at]) + 1, message.to_owned()));
        Ok(())
    }

    fn finish(&mut self) -> Option<(usize, String)> {
        let Some(len) = self.len else { return self.fed.then(|| (0, MISSING_FILE.to_owned())) };
        if !self.fed {
            return Some((1, "a view of an empty log".to_owned()));
        }
        if let Some(problem) = self.problem.take() {
            return Some(problem);
        }
        (self.offset < len).then(|| (self.line + 1, EXTRA_LINE.to_owned()))
    }
}

/// hardline 0.1's Markdown log: a header and every section, newest first. Sections come
/// oldest first, so each is kept as the digests of its lines (16 bytes a line, not its text)
/// until the end, where the file is read from the top and compared line by line.
struct Legacy {
    path: PathBuf,
    /// Per section, oldest first: the digest of each of its lines.
    sections: Vec<Vec<[u8; 16]>>,
}

impl Legacy {
    fn open(path: &Path) -> Legacy {
        Legacy { path: path.to_path_buf(), sections: Vec::new() }
    }

    fn feed(&mut self, section: &str) {
        self.sections.push(section.lines().map(|line| line_digest(line.as_bytes())).collect());
    }

    /// Reads the file from the top against `header` and the sections newest first; returns
    /// the first wrong line, as a comparison of the whole text would.
    fn finish(self, header: &str) -> Result<Option<(usize, String)>, LedgerError> {
        let file = File::open(&self.path).map_err(io_error(&self.path))?;
        let mut reader = std::io::BufReader::with_capacity(256 * 1024, file);
        let expected = header
            .lines()
            .map(|line| line_digest(line.as_bytes()))
            .chain(self.sections.iter().rev().flatten().copied());
        let mut line = Vec::new();
        let mut number = 0;
        for want in expected {
            line.clear();
            let read =
                std::io::BufRead::read_until(&mut reader, b'\n', &mut line).map_err(io_error(&self.path))?;
            number += 1;
            if read == 0 {
                return Ok(Some((number, MISSING_LINES.to_owned())));
            }
            let text = line.strip_suffix(b"\n").unwrap_or(&line);
            let text = text.strip_suffix(b"\r").unwrap_or(text);
            if line_digest(text) != want {
                return Ok(Some((number, DIFFERS.to_owned())));
            }
        }
        line.clear();
        let extra =
            std::io::BufRead::read_until(&mut reader, b'\n', &mut line).map_err(io_error(&self.path))?;
        Ok((extra > 0).then(|| (number + 1, EXTRA_LINE.to_owned())))
    }
}

fn line_digest(line: &[u8]) -> [u8; 16] {
    let digest = Sha256::digest(line);
    let mut out = [0; 16];
    out.copy_from_slice(&digest[..16]);
    out
}

/// The first wrong line of a small view (the front page, the baseline view), read whole.
fn compare_whole(path: &Path, expected: &[u8]) -> Result<Option<(usize, String)>, LedgerError> {
    let actual = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok((!expected.is_empty()).then(|| (0, MISSING_FILE.to_owned())));
        }
        Err(e) => return Err(io_error(path)(e)),
    };
    if expected.is_empty() {
        return Ok(Some((1, "a view of an empty log".to_owned())));
    }
    if actual == expected {
        return Ok(None);
    }
    let at = first_difference(&actual, expected);
    let line = newlines(&expected[..at.min(expected.len())]) + 1;
    let message = if at == expected.len() {
        EXTRA_LINE
    } else if at == actual.len() {
        MISSING_LINES
    } else {
        DIFFERS
    };
    Ok(Some((line, message.to_owned())))
}

/// The first few hundred bytes of a file (none if it is missing).
fn start_of(path: &Path) -> Result<Vec<u8>, LedgerError> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_error(path)(e)),
    };
    let mut start = Vec::new();
    file.take(1024).read_to_end(&mut start).map_err(io_error(path))?;
    Ok(start)
}

/// Where two byte strings first differ (the shorter's length if one is a prefix of the other).
fn first_difference(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()))
}

fn newlines(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', bytes).count()
}
