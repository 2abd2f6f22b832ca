//! The identity of a SARIF result that carries no fingerprint of its own, in the manner
//! GitHub code scanning gives third-party SARIF one: by content, not by line number.
//!
//! - **In a file of the repository** (found below `--root`): a hash of the normalised content
//!   of the flagged lines — the result's region, from its start line to its end line, carried
//!   on through continuation lines (a line ending in `\`, as a Dockerfile `RUN` or a shell
//!   command goes on), with every whitespace character removed — plus the result's occurrence
//!   among results of the same tool, rule, file and hash, counted in line order.
//! - **Otherwise**: the result's message, plus its occurrence among results of the same tool,
//!   rule, file and message, in line order.
//!
//! So lines inserted or removed above a problem, and re-indentation, change nothing; two
//! identical problems stay two findings, and fixing one of them fixes exactly one.
//!
//! GitHub hashes a window of 100 characters from the flagged line *on*, which reaches into the
//! lines below a short line: editing the line after a finding, or removing the second of two
//! identical adjacent lines, then changes the identity of the first. hardline's neighbourhood
//! is the statement the tool flagged instead (its region and continuation lines), and the
//! occurrence index tells identical statements apart.
//!
//! Files are read only below the repository root (no absolute paths, no `..`, no symbolic
//! link out of it), at most [`MAX_FILE_BYTES`] each, once per report, and never kept: only the
//! hash of the flagged statement leaves this module.

use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};

use hardline_model::hex;
use sha2::{Digest, Sha256};

/// How many lines a flagged statement may span (its region and continuation lines).
pub(crate) const MAX_STATEMENT_LINES: usize = 64;
/// A larger "source file" is not read (its results are identified by their message).
pub(crate) const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The files of the repository a report points at, each read at most once.
pub(crate) struct Repository {
    root: Option<PathBuf>,
    files: HashMap<String, Option<Vec<String>>>,
}

impl Repository {
    pub(crate) fn new(root: Option<&Path>) -> Repository {
        Repository { root: root.and_then(|r| r.canonicalize().ok()), files: HashMap::new() }
    }

    /// A SARIF artifact URI as a path relative to the repository root when it points into it:
    /// `file://` URIs below the root lose the root, `./` is dropped, `%XX` escapes decoded.
    /// Anything else is returned decoded but otherwise as written.
    pub(crate) fn relative(&self, uri: &str) -> String {
        let decoded = percent_decode(uri);
        let path = match decoded.strip_prefix("file://") {
            Some(absolute) => {
                let absolute = Path::new(absolute);
                match self.root.as_deref().and_then(|root| absolute.strip_prefix(root).ok()) {
                    Some(inside) => inside.to_string_lossy().into_owned(),
                    None => absolute.to_string_lossy().into_owned(),
                }
            }
            None => decoded,
        };
        let mut path = path.as_str();
        while let Some(rest) = path.strip_prefix("./") {
            path = rest;
        }
        path.to_owned()
    }

    /// The lines of `relative` (a path from [`Repository::relative`]), if it is a readable
    /// file below the root.
    pub(crate) fn lines(&mut self, relative: &str) -> Option<&[String]> {
        let root = self.root.as_deref()?;
        if !self.files.contains_key(relative) {
            let lines = read_below(root, relative);
            self.files.insert(relative.to_owned(), lines);
        }
        self.files.get(relative).and_then(Option::as_deref)
    }

    /// Whether `relative` is a file of the repository.
    pub(crate) fn contains(&mut self, relative: &str) -> bool {
        self.lines(relative).is_some()
    }
}

fn read_below(root: &Path, relative: &str) -> Option<Vec<String>> {
    let path = Path::new(relative);
    if relative.is_empty() || !path.components().all(|c| matches!(c, Component::Normal(_))) {
        return None;
    }
    let full = root.join(path).canonicalize().ok()?;
    if !full.starts_with(root) {
        return None;
    }
    let metadata = std::fs::metadata(&full).ok()?;
    if !metadata.is_file() || metadata.len() > MAX_FILE_BYTES {
        return None;
    }
    let bytes = std::fs::read(&full).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    Some(text.split('\n').map(|line| line.strip_suffix('\r').unwrap_or(line).to_owned()).collect())
}

/// The hash of the flagged statement: lines `start` to `end` (1-based; `end` at least
/// `start`), then any continuation lines, whitespace removed. `None` past the end of the file.
pub(crate) fn statement_hash(lines: &[String], start: u32, end: Option<u32>) -> Option<String> {
    let first = usize::try_from(start).ok()?.checked_sub(1)?;
    if first >= lines.len() {
        return None;
    }
    let mut last =
        end.and_then(|e| usize::try_from(e).ok()).map_or(first, |e| e.saturating_sub(1).max(first));
    last = last.min(lines.len() - 1);
    while last + 1 < lines.len()
        && lines[last].trim_end().ends_with('\\')
        && last - first + 1 < MAX_STATEMENT_LINES
    {
        last += 1;
    }
    let last = last.min(first + MAX_STATEMENT_LINES - 1);
    let mut hasher = Sha256::new();
    for line in &lines[first..=last] {
        let normalised: String = line.chars().filter(|c| !c.is_whitespace()).collect();
        hasher.update(normalised.as_bytes());
    }
    Some(hex(&hasher.finalize()[..16]))
}

/// Occurrence indices: for items grouped by `key`, each item's position in its group when the
/// group is sorted by `order` (line, column, then report order). Returns one index per item.
pub(crate) fn occurrences<K: Ord, O: Ord + Copy>(items: impl IntoIterator<Item = (K, O)>) -> Vec<usize> {
    let items: Vec<(K, O)> = items.into_iter().collect();
    let mut groups: BTreeMap<&K, Vec<(O, usize)>> = BTreeMap::new();
    for (index, (key, order)) in items.iter().enumerate() {
        groups.entry(key).or_default().push((*order, index));
    }
    let mut out = vec![0; items.len()];
    for members in groups.values_mut() {
        members.sort();
        for (occurrence, (_, index)) in members.iter().enumerate() {
            out[*index] = occurrence;
        }
    }
    out
}

/// `%XX` escapes decoded (SARIF URIs are URIs); an invalid escape is kept as written.
fn percent_decode(uri: &str) -> String {
    if !uri.contains('%') {
        return uri.to_owned();
    }
    let bytes = uri.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(value) = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok())
            && let Ok(byte) = u8::from_str_radix(value, 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.split('\n').map(str::to_owned).collect()
    }

    #[test]
    fn the_hash_ignores_whitespace_and_what_lies_around() {
        let a = lines("FROM x\nRUN  apt-get   update\nUSER 1");
        let b = lines("# a comment\n\nFROM x\n\tRUN apt-get update\nUSER 2");
        assert_eq!(statement_hash(&a, 2, None), statement_hash(&b, 4, Some(4)));
        assert_ne!(statement_hash(&a, 2, None), statement_hash(&a, 3, None));
        assert_eq!(statement_hash(&a, 4, None), None);
        assert_eq!(statement_hash(&a, 0, None), None);
    }

    #[test]
    fn a_statement_goes_on_through_its_continuation_lines() {
        let a = lines("RUN set -eux; \\\n    apt-get install curl\nUSER 1");
        let b = lines("RUN set -eux; \\\n    apt-get install wget\nUSER 1");
        assert_ne!(
            statement_hash(&a, 1, Some(1)),
            statement_hash(&b, 1, Some(1)),
            "the whole RUN is the statement"
        );
        let c = lines("RUN set -eux; \\\n    apt-get install curl\nUSER 2");
        assert_eq!(statement_hash(&a, 1, Some(1)), statement_hash(&c, 1, Some(1)), "the next one is not");
        assert_eq!(statement_hash(&a, 1, Some(2)), statement_hash(&a, 1, Some(1)));
    }

    #[test]
    fn occurrences_count_in_line_order_within_each_group() {
        let items = [("a", (9, 0)), ("b", (1, 1)), ("a", (3, 2)), ("a", (3, 3))];
        assert_eq!(occurrences(items), vec![2, 0, 0, 1]);
    }

    #[test]
    fn uris_become_paths_relative_to_the_root() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("images/x")).expect("mkdir");
        std::fs::write(dir.path().join("images/x/Dockerfile"), "FROM x\n").expect("write");
        let mut repository = Repository::new(Some(dir.path()));
        let root = dir.path().canonicalize().expect("canonical");
        let absolute = format!("file://{}/images/x/Dockerfile", root.display());
        assert_eq!(repository.relative(&absolute), "images/x/Dockerfile");
        assert_eq!(repository.relative("./images/x/Dockerfile"), "images/x/Dockerfile");
        assert_eq!(repository.relative("images/x/Docker%66ile"), "images/x/Dockerfile");
        assert!(repository.contains("images/x/Dockerfile"));
        assert!(!repository.contains("images/x/missing"));
        assert!(!repository.contains("../x/Dockerfile"), "never above the root");
        assert!(!repository.contains(&format!("{}/images/x/Dockerfile", root.display())), "never absolute");
        assert!(!Repository::new(None).contains("images/x/Dockerfile"), "no root, no files");
    }
}
