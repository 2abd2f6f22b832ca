//! `verify`: recompute every chain and every view, and name the first line that is wrong.
//!
//! Each image's log is read once, a line at a time, through a pipeline of stages, in memory
//! bounded by the longest line and the state (not by the log); images are verified in
//! parallel, one per core. The stages, in order:
//! - [`chain`]: the line is canonical JSON, its hash matches its contents, and its `prev`,
//!   `seq` and `image` continue the chain: the first wrong line stops the image's check;
//! - [`fold`]: the event's state digest matches the findings the log folds to there;
//! - [`views`]: each event's section is compared with its month's file as it comes; at the
//!   end, the front page and the baseline view, and no file is left over.
//!
//! A new check is a stage: a type with a method per line (taking the checked [`Event`] and the
//! state after it, and returning the problem that stops the image) and one for the end, called
//! from [`verify_image`] beside the others.

mod chain;
mod fold;
mod views;

use std::collections::BTreeSet;
use std::fs;
use std::path::PathBuf;

use hardline_model::{ImageName, Progress};

use crate::event::GENESIS;
use crate::layout::{Layout, image_of_file};
use crate::log::LogLines;
use crate::{LedgerError, io_error, parallel};

/// One thing that is wrong, at a file and line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub path: PathBuf,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.path.display(), self.line, self.message)
    }
}

#[derive(Clone, Debug, Default)]
pub struct VerifyReport {
    /// Per image: events checked and the head hash.
    pub images: Vec<(ImageName, u64, String)>,
    /// At most one problem per file: the first wrong line.
    pub problems: Vec<Problem>,
    /// Views that are right but in the layout of hardline 0.1 (the Markdown log in one file,
    /// the baseline without seen-times): the next record of the image, or `rebuild`, rewrites
    /// them.
    pub legacy_views: Vec<PathBuf>,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// What verifying one image found.
struct Verdict {
    image: ImageName,
    /// Events checked and the head's hash, when the chain holds.
    head: Option<(u64, String)>,
    problems: Vec<Problem>,
    legacy_views: Vec<PathBuf>,
}

/// Checks every image's chain and views, one image per core, telling `progress` as each image
/// is done.
pub fn verify(layout: &Layout, progress: &dyn Progress) -> Result<VerifyReport, LedgerError> {
    let images: Vec<ImageName> = images_with_any_file(layout)?.into_iter().collect();
    progress.start("verifying", images.len() as u64);
    let mut report = VerifyReport::default();
    let verdicts =
        parallel::map(&images, |image| verify_image(layout, image), |image| progress.advance(image.as_str()));
    for verdict in verdicts {
        let verdict = verdict?;
        let relative = |p: PathBuf| layout.relative(&p).to_path_buf();
        if let Some((seq, hash)) = verdict.head {
            report.images.push((verdict.image, seq, hash));
        }
        report.problems.extend(verdict.problems.into_iter().map(|p| Problem { path: relative(p.path), ..p }));
        report.legacy_views.extend(verdict.legacy_views.into_iter().map(relative));
    }
    Ok(report)
}

/// Runs every stage over one image's log.
fn verify_image(layout: &Layout, image: &ImageName) -> Result<Verdict, LedgerError> {
    let log_path = layout.log(image);
    let mut verdict =
        Verdict { image: image.clone(), head: None, problems: Vec::new(), legacy_views: Vec::new() };
    let Some(mut lines) = LogLines::open(&log_path)? else {
        verdict.problems.push(Problem {
            path: log_path,
            line: 0,
            message: "missing: views exist for this image but its log does not".to_owned(),
        });
        return Ok(verdict);
    };
    let problem = |line: usize, message: String| Problem { path: log_path.clone(), line, message };
    let mut chain = chain::Chain::new(image);
    let mut fold = fold::Fold::default();
    let mut views = views::ViewCheck::open(layout, image)?;
    while let Some(line) = lines.next_line()? {
        let found = if !line.complete {
            Some("the last line is incomplete (no trailing newline)")
        } else if line.bytes.is_empty() {
            Some("empty line inside the log")
        } else {
            None
        };
        if let Some(message) = found {
            verdict.problems.push(problem(line.number, message.to_owned()));
            return Ok(verdict);
        }
        let event = match chain.check(line.bytes) {
            Ok(event) => event,
            Err(message) => {
                verdict.problems.push(problem(line.number, message));
                return Ok(verdict);
            }
        };
        // What the event says is rendered before it is folded in (and moved into the state);
        // the rest of its views after.
        let begun = views.begin(&event)?;
        if let Err(message) = fold.apply(event) {
            verdict.problems.push(problem(line.number, message));
            return Ok(verdict);
        }
        views.end(begun, fold.state())?;
    }
    verdict.head = Some(fold.head().map_or((0, GENESIS.to_owned()), |h| (h.seq, h.hash.clone())));
    let found = views.finish(fold.head(), fold.state())?;
    verdict.problems.extend(found.problems);
    verdict.legacy_views = found.legacy;
    Ok(verdict)
}

/// Every image with a log or a view.
fn images_with_any_file(layout: &Layout) -> Result<BTreeSet<ImageName>, LedgerError> {
    let mut images = BTreeSet::new();
    for (dir, suffixes) in
        [(layout.logs_dir(), &[".jsonl", ".md"][..]), (layout.baselines_dir(), &[".json"][..])]
    {
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io_error(&dir)(e)),
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                // A folder of monthly views.
                if dir == layout.logs_dir()
                    && let Ok(image) = ImageName::new(&name)
                {
                    images.insert(image);
                }
                continue;
            }
            for suffix in suffixes {
                if let Some(image) = image_of_file(&name, suffix) {
                    images.insert(image);
                }
            }
        }
    }
    Ok(images)
}
