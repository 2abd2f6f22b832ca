//! `verify`: recompute every chain and every view, and name the first line that is wrong.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use hardline_model::{ImageName, Progress};
use serde_json::Value;

use crate::canonical;
use crate::event::{Event, GENESIS, hash_value};
use crate::history::History;
use crate::layout::{Layout, image_of_file};
use crate::views::{baseline::Baseline, markdown};
use crate::{LedgerError, io_error};

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
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks every image's chain and views, telling `progress` as each image is done.
pub fn verify(layout: &Layout, progress: &dyn Progress) -> Result<VerifyReport, LedgerError> {
    let mut report = VerifyReport::default();
    let images = images_with_any_file(layout)?;
    progress.start("verifying", images.len() as u64);
    for image in images {
        let log_path = layout.log(&image);
        let relative = |p: &Path| layout.relative(p).to_path_buf();
        match check_chain(&log_path, &image) {
            Ok(Some(history)) => {
                let head = history.head().map(|e| (e.seq, e.hash.clone())).unwrap_or((0, GENESIS.to_owned()));
                report.images.push((image.clone(), head.0, head.1));
                let expected_baseline =
                    Baseline::from_history(&history).map(|b| b.render()).transpose()?.unwrap_or_default();
                for (path, expected) in [
                    (layout.baseline(&image), expected_baseline),
                    (layout.log_markdown(&image), markdown::render(&history)),
                ] {
                    if let Some((line, message)) = compare_view(&path, &expected)? {
                        report.problems.push(Problem { path: relative(&path), line, message });
                    }
                }
            }
            Ok(None) => report.problems.push(Problem {
                path: relative(&log_path),
                line: 0,
                message: "missing: views exist for this image but its log does not".to_owned(),
            }),
            Err(problem) => report.problems.push(Problem { path: relative(&problem.path), ..problem }),
        }
        progress.advance(image.as_str());
    }
    Ok(report)
}

/// Every line must be canonical JSON whose hash matches its contents and whose `prev`, `seq`
/// and `image` continue the chain.
fn check_chain(path: &Path, image: &ImageName) -> Result<Option<History>, Problem> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Problem { path: path.to_path_buf(), line: 0, message: e.to_string() }),
    };
    let problem = |line: usize, message: String| Problem { path: path.to_path_buf(), line, message };
    if !bytes.is_empty() && !bytes.ends_with(b"\n") {
        let lines = bytes.split(|b| *b == b'\n').count();
        return Err(problem(lines, "the last line is incomplete (no trailing newline)".to_owned()));
    }
    let mut prev = GENESIS.to_owned();
    let mut events = Vec::new();
    let mut state = crate::history::State::default();
    for (index, line) in bytes.split(|b| *b == b'\n').enumerate() {
        let line_no = index + 1;
        if line.is_empty() {
            if index + 1 < bytes.split(|b| *b == b'\n').count() {
                return Err(problem(line_no, "empty line inside the log".to_owned()));
            }
            continue;
        }
        let value: Value =
            serde_json::from_slice(line).map_err(|e| problem(line_no, format!("not JSON: {e}")))?;
        if canonical::compact(&value).as_bytes() != line {
            return Err(problem(line_no, "not in canonical form: the line was edited".to_owned()));
        }
        let stated = value.get("hash").and_then(Value::as_str).unwrap_or_default();
        if hash_value(&value) != stated {
            return Err(problem(
                line_no,
                "hash does not match the line's contents: the line was edited".to_owned(),
            ));
        }
        let event: Event =
            serde_json::from_value(value).map_err(|e| problem(line_no, format!("not an event: {e}")))?;
        if event.prev != prev {
            return Err(problem(
                line_no,
                "prev does not match the hash of the line before: a line was deleted, inserted or moved"
                    .to_owned(),
            ));
        }
        if event.seq != events.len() as u64 + 1 {
            return Err(problem(
                line_no,
                format!("seq is {} where {} was expected", event.seq, events.len() + 1),
            ));
        }
        if event.image != *image {
            return Err(problem(
                line_no,
                format!("event of image {:?} in the log of {:?}", event.image.as_str(), image.as_str()),
            ));
        }
        state.apply(&event);
        let digest = state.digest().map_err(|e| problem(line_no, e.to_string()))?;
        if digest != event.state {
            return Err(problem(
                line_no,
                "the state digest does not match the findings the log folds to here".to_owned(),
            ));
        }
        prev = event.hash.clone();
        events.push(event);
    }
    Ok(Some(History { image: image.clone(), events }))
}

/// The first line where a view differs from what its log says it must be.
fn compare_view(path: &Path, expected: &str) -> Result<Option<(usize, String)>, LedgerError> {
    let actual = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok((!expected.is_empty()).then(|| (0, "missing: run `hardline rebuild`".to_owned())));
        }
        Err(e) => return Err(io_error(path)(e)),
    };
    if expected.is_empty() {
        return Ok(Some((1, "a view of an empty log".to_owned())));
    }
    if actual == expected.as_bytes() {
        return Ok(None);
    }
    let actual = String::from_utf8_lossy(&actual);
    let mut expected_lines = expected.lines();
    for (index, line) in actual.lines().enumerate() {
        match expected_lines.next() {
            Some(want) if want == line => continue,
            Some(_) => return Ok(Some((index + 1, "differs from the view derived from the log".to_owned()))),
            None => return Ok(Some((index + 1, "extra line not derived from the log".to_owned()))),
        }
    }
    let line = actual.lines().count() + 1;
    Ok(Some((line, "lines missing compared with the view derived from the log".to_owned())))
}

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
            for suffix in suffixes {
                if let Some(image) = image_of_file(&name, suffix) {
                    images.insert(image);
                }
            }
        }
    }
    Ok(images)
}
