//! Writing every view of a log from scratch as the log streams by, in memory bounded by the
//! state: `rebuild`, and a record whose views are out of step with the log (missing,
//! hand-edited, or in hardline 0.1's layout). Monthly files are written to their temporary
//! files as their sections come; a file that comes out the same as the one in place is left
//! alone, so a rebuild of views that are right changes nothing.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use hardline_model::ImageName;

use super::Months;
use super::baseline::{Baseline, Head};
use super::markdown::{self, Month};
use super::scans;
use crate::commit::{Commit, create_dir_synced, staging_path};
use crate::event::Event;
use crate::history::State;
use crate::layout::{Layout, month_files};
use crate::log::{self, HeadLine};
use crate::{LedgerError, io_error};

/// Adds to `commit` every view of `image`'s log — and then of `extra`, events sealed but not
/// in the log's file yet — that differs from the file in place, and the removal of monthly
/// files the log does not derive.
pub(crate) fn stage_views(
    layout: &Layout,
    image: &ImageName,
    extra: Vec<Event>,
    commit: &mut Commit,
) -> Result<(), LedgerError> {
    let mut months = Months::new(image);
    let mut files = MonthFiles { layout, image, files: BTreeMap::new(), open: None };
    let mut index: Option<StagedFile> = None;
    // Each event is rendered as far as it alone says, moved into the state, and its section
    // completed with the state after it.
    let mut add = |event: Event, state: &mut State| -> Result<(), LedgerError> {
        if let Some(line) = scans::line_of(&event)? {
            if index.is_none() {
                index = Some(StagedFile::create(layout.log_scans(image))?);
            }
            if let Some(index) = index.as_mut() {
                index.write(line.as_bytes())?;
            }
        }
        let pending = months.begin(&event);
        state.apply_owned(event.body, &event.at);
        let (month, bytes) = Months::end(pending, state);
        files.write(month, bytes.as_bytes())
    };
    let (mut state, mut head) = log::fold(&layout.log(image), image, &mut add)?;
    for event in extra {
        head = Some(HeadLine::of(&event));
        add(event, &mut state)?;
    }
    files.finish(commit)?;
    match index {
        Some(index) => index.finish(commit)?,
        None if layout.log_scans(image).exists() => commit.remove(layout.log_scans(image)),
        None => {}
    }
    for (month, path) in month_files(&layout.log_months(image))?.months {
        if !months.months().contains(&month) {
            commit.remove(path);
        }
    }
    let Some(head) = head else { return Ok(()) };
    commit.write(layout.log_markdown(image), markdown::front_page(image, &head, &state));
    commit
        .write(layout.baseline(image), Baseline::from_state(image, Head::from_line(&head), &state).render()?);
    Ok(())
}

/// The monthly files being written. One is open at a time: a log goes through its months in
/// order, but for a late event.
struct MonthFiles<'a> {
    layout: &'a Layout,
    image: &'a ImageName,
    files: BTreeMap<Month, StagedFile>,
    open: Option<Month>,
}

impl MonthFiles<'_> {
    fn write(&mut self, month: Month, bytes: &[u8]) -> Result<(), LedgerError> {
        if self.open != Some(month) {
            if let Some(previous) = self.open.and_then(|m| self.files.get_mut(&m)) {
                previous.close()?;
            }
            match self.files.get_mut(&month) {
                Some(file) => file.reopen()?,
                None => {
                    let file = StagedFile::create(self.layout.log_month(self.image, month))?;
                    self.files.insert(month, file);
                }
            }
            self.open = Some(month);
        }
        match self.files.get_mut(&month) {
            Some(file) => file.write(bytes),
            None => Ok(()),
        }
    }

    fn finish(self, commit: &mut Commit) -> Result<(), LedgerError> {
        for file in self.files.into_values() {
            file.finish(commit)?;
        }
        Ok(())
    }
}

/// A view written in full to its temporary file, a piece at a time.
struct StagedFile {
    target: PathBuf,
    tmp: PathBuf,
    writer: Option<BufWriter<File>>,
}

impl StagedFile {
    fn create(target: PathBuf) -> Result<StagedFile, LedgerError> {
        create_dir_synced(target.parent().unwrap_or(Path::new(".")))?;
        let tmp = staging_path(&target);
        let file = File::create(&tmp).map_err(io_error(&tmp))?;
        Ok(StagedFile { target, tmp, writer: Some(BufWriter::with_capacity(256 * 1024, file)) })
    }

    fn reopen(&mut self) -> Result<(), LedgerError> {
        let file = OpenOptions::new().append(true).open(&self.tmp).map_err(io_error(&self.tmp))?;
        self.writer = Some(BufWriter::with_capacity(256 * 1024, file));
        Ok(())
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), LedgerError> {
        match self.writer.as_mut() {
            Some(writer) => writer.write_all(bytes).map_err(io_error(&self.tmp)),
            None => Ok(()),
        }
    }

    /// Flushes and syncs.
    fn close(&mut self) -> Result<(), LedgerError> {
        if let Some(writer) = self.writer.take() {
            let file = writer.into_inner().map_err(|e| io_error(&self.tmp)(e.into_error()))?;
            file.sync_all().map_err(io_error(&self.tmp))?;
        }
        Ok(())
    }

    /// Stages the file if it differs from the one in place; else drops the temporary file.
    fn finish(mut self, commit: &mut Commit) -> Result<(), LedgerError> {
        self.close()?;
        if same_contents(&self.tmp, &self.target)? {
            fs::remove_file(&self.tmp).map_err(io_error(&self.tmp))?;
        } else {
            commit.staged(self.target);
        }
        Ok(())
    }
}

/// Whether two files hold the same bytes (a missing `b` holds none).
fn same_contents(a: &Path, b: &Path) -> Result<bool, LedgerError> {
    let open = |path: &Path| File::open(path).map_err(io_error(path));
    let (mut left, mut right) = match File::open(b) {
        Ok(right) => (open(a)?, right),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(io_error(b)(e)),
    };
    let len = |file: &File, path: &Path| file.metadata().map(|m| m.len()).map_err(io_error(path));
    if len(&left, a)? != len(&right, b)? {
        return Ok(false);
    }
    let (mut x, mut y) = (vec![0; 256 * 1024], vec![0; 256 * 1024]);
    loop {
        let n = read_full(&mut left, &mut x, a)?;
        let m = read_full(&mut right, &mut y, b)?;
        if n != m || x[..n] != y[..m] {
            return Ok(false);
        }
        if n == 0 {
            return Ok(true);
        }
    }
}

/// Fills `buffer` as far as the file goes; returns how much was read.
fn read_full(file: &mut File, buffer: &mut [u8], path: &Path) -> Result<usize, LedgerError> {
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..]).map_err(io_error(path))? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}
