use std::path::{Path, PathBuf};

use hardline_model::{ImageName, SBOM_STEM};

use crate::{LedgerError, io_error};

use crate::views::markdown::Month;

/// Where the ledger's files live in a repository. One place, so that no other module
/// builds a path by hand.
#[derive(Clone, Debug)]
pub struct Layout {
    root: PathBuf,
}

impl Layout {
    pub fn new(root: impl Into<PathBuf>) -> Layout {
        Layout { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn logs_dir(&self) -> PathBuf {
        self.root.join("audit-logs")
    }

    pub fn baselines_dir(&self) -> PathBuf {
        self.root.join("cve-baseline")
    }

    /// Working files that are never committed: the lock and the commit journal.
    pub fn state_dir(&self) -> PathBuf {
        self.root.join(".hardline")
    }

    pub fn log(&self, image: &ImageName) -> PathBuf {
        self.logs_dir().join(format!("{image}.jsonl"))
    }

    /// The front page of the audit log for people.
    pub fn log_markdown(&self, image: &ImageName) -> PathBuf {
        self.logs_dir().join(format!("{image}.md"))
    }

    /// The folder of the image's monthly audit-log files.
    pub fn log_months(&self, image: &ImageName) -> PathBuf {
        self.logs_dir().join(image.as_str())
    }

    /// The index of the image's scans (a view, beside the monthly files).
    pub fn log_scans(&self, image: &ImageName) -> PathBuf {
        self.log_months(image).join("scans.jsonl")
    }

    /// The audit-log file of one month.
    pub fn log_month(&self, image: &ImageName, month: Month) -> PathBuf {
        self.log_months(image).join(month.file_name())
    }

    pub fn baseline(&self, image: &ImageName) -> PathBuf {
        self.baselines_dir().join(format!("{image}.json"))
    }

    /// `cve-baseline/<image>.cdx.json`: the image's SBOM at its last recorded scan, kept there
    /// by the pipeline (DESIGN.md) for the pull request gate to rescan. Not a view: the ledger
    /// neither writes nor verifies it, and no reader takes it for one ([`image_of_file`]).
    pub fn sbom(&self, image: &ImageName) -> PathBuf {
        self.baselines_dir().join(format!("{image}{SBOM_STEM}.json"))
    }

    pub fn lock(&self) -> PathBuf {
        self.state_dir().join("ledger.lock")
    }

    pub fn journal(&self) -> PathBuf {
        self.state_dir().join("journal.json")
    }

    /// The folders that belong to the ledger: its logs and views, and its working files.
    pub fn ledger_dirs(&self) -> [PathBuf; 3] {
        [self.logs_dir(), self.baselines_dir(), self.state_dir()]
    }

    /// The ledger folder `path` is, or is inside (after `.`, `..` and symlinks are resolved as
    /// far as the path exists): a place where nothing but the ledger may write.
    pub fn ledger_dir_holding(&self, path: &Path) -> Option<PathBuf> {
        let path = resolve(path);
        self.ledger_dirs().into_iter().find(|dir| path.starts_with(resolve(dir)))
    }

    /// A path relative to the root, for messages and the journal.
    pub fn relative<'a>(&self, path: &'a Path) -> &'a Path {
        path.strip_prefix(&self.root).unwrap_or(path)
    }
}

/// A ledger path as people would type it: `audit-logs/app.jsonl` rather than the
/// `./audit-logs/app.jsonl` that `--root .` joins into; any other path as given.
pub(crate) fn shown(path: &Path) -> &Path {
    path.strip_prefix(".").unwrap_or(path)
}

/// `path` made absolute, its `.` and `..` resolved, and its longest existing prefix
/// canonicalised (so a symlink to a folder resolves to the folder).
fn resolve(path: &Path) -> PathBuf {
    use std::path::Component;
    let absolute = std::env::current_dir().map(|cwd| cwd.join(path)).unwrap_or_else(|_| path.to_path_buf());
    let mut lexical = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                lexical.pop();
            }
            other => lexical.push(other),
        }
    }
    let mut existing = lexical.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            return rest.iter().rev().fold(real, |acc, part| acc.join(part));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => return lexical,
        }
    }
}

/// The image a ledger file is of, from its name with `suffix` (`.jsonl`, `.md`, `.json`)
/// removed; `None` for a file that is not named after a valid image — the kept SBOM
/// (`<image>.cdx.json`) among them, since no image name ends in `.cdx`.
pub(crate) fn image_of_file(name: &str, suffix: &str) -> Option<ImageName> {
    name.strip_suffix(suffix).and_then(|stem| ImageName::new(stem).ok())
}

/// What a folder of monthly views holds.
#[derive(Default)]
pub(crate) struct MonthFolder {
    /// The monthly files, by month.
    pub months: Vec<(Month, PathBuf)>,
    /// Any other Markdown file.
    pub others: Vec<PathBuf>,
}

/// The files of the folder `dir` of monthly views; a missing folder has none.
pub(crate) fn month_files(dir: &Path) -> Result<MonthFolder, LedgerError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(MonthFolder::default()),
        Err(e) => return Err(io_error(dir)(e)),
    };
    let mut folder = MonthFolder::default();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        match Month::from_file_name(&name) {
            Some(month) => folder.months.push((month, entry.path())),
            None if name.ends_with(".md") => folder.others.push(entry.path()),
            None => {}
        }
    }
    folder.months.sort();
    folder.others.sort();
    Ok(folder)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ledger_paths_are_shown_as_people_type_them() {
        let corrupt = |root: &str| {
            let path = Layout::new(root).log(&ImageName::new("app").expect("a valid name"));
            LedgerError::Corrupt { path, line: 3, message: "bad".to_owned() }.to_string()
        };
        assert_eq!(corrupt("."), "audit-logs/app.jsonl:3: bad");
        assert_eq!(corrupt("repo"), "repo/audit-logs/app.jsonl:3: bad");
        assert_eq!(corrupt("../repo"), "../repo/audit-logs/app.jsonl:3: bad");
        assert_eq!(corrupt("/srv/repo"), "/srv/repo/audit-logs/app.jsonl:3: bad");
        let io = LedgerError::Io {
            path: Layout::new(".").logs_dir(),
            source: std::io::ErrorKind::NotFound.into(),
        };
        assert!(io.to_string().starts_with("audit-logs: "), "{io}");
    }

    #[test]
    fn paths_inside_the_ledger_folders_are_recognised_however_spelt() {
        let root = tempfile::tempdir().expect("temp dir");
        let layout = Layout::new(root.path());
        std::fs::create_dir_all(root.path().join("cve-baseline")).expect("mkdir");
        for inside in [
            "cve-baseline",
            "cve-baseline/site",
            "./audit-logs/x/../y",
            "site/../.hardline",
            "cve-baseline/.",
        ] {
            assert!(layout.ledger_dir_holding(&root.path().join(inside)).is_some(), "{inside}");
        }
        for outside in ["site", "docs/site", "cve-baseline-site", "audit-logs/..", "."] {
            assert!(layout.ledger_dir_holding(&root.path().join(outside)).is_none(), "{outside}");
        }
        std::os::unix::fs::symlink(root.path().join("cve-baseline"), root.path().join("link"))
            .expect("symlink");
        assert!(layout.ledger_dir_holding(&root.path().join("link/site")).is_some(), "through a symlink");
    }

    #[test]
    fn the_kept_sbom_names_no_image() {
        let layout = Layout::new("/repo");
        let image = ImageName::new("postgres-secured").expect("a name");
        let sbom = layout.sbom(&image);
        assert_eq!(sbom, Path::new("/repo/cve-baseline/postgres-secured.cdx.json"));
        let name = sbom.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        assert_eq!(image_of_file(name, ".json"), None);
        assert_eq!(image_of_file("postgres-secured.json", ".json"), Some(image));
    }
}
