//! Whether `--root` holds a ledger, whether a command may start one there, and whether the
//! ledger knows an image. A command that reads a ledger where there is none, or asks about an
//! image the ledger does not know, is an error that says where to look — never an empty answer
//! that reads as "all clear" (`verify` passing on a folder without a ledger, `status` saying
//! "no images recorded" of a mistyped path). A command that writes starts a ledger only inside
//! a git work tree, where it will be committed, or when asked to with `--init`.

use std::path::{Path, PathBuf};

use hardline_ledger::{Layout, Ledger};
use hardline_model::ImageName;

use crate::hint::Advise as _;

/// Whether `root` holds a ledger: its `audit-logs/` folder exists (a record creates it).
pub fn holds_ledger(root: &Path) -> bool {
    Layout::new(root).logs_dir().is_dir()
}

/// Whether `root` is a repository hardline keeps a ledger in: it holds one, or is configured
/// for one (`hardline init` wrote its hardline.toml) and has recorded nothing yet.
fn is_ledger_repository(root: &Path) -> bool {
    holds_ledger(root) || root.join(crate::config::CONFIG_FILE).is_file()
}

/// An error unless `root` holds a ledger; its advice names a folder nearby that holds one.
pub fn require(root: &Path) -> anyhow::Result<()> {
    if is_ledger_repository(root) {
        return Ok(());
    }
    Err(anyhow::anyhow!("{}: no ledger here (no audit-logs/ folder, no hardline.toml)", root.display())).help(
        || match nearby_ledger(root) {
            Some(found) => format!("did you mean --root {}?", found.display()),
            None => "run in the repository that holds the ledger, or give it with --root; \
                     `hardline record` starts one"
                .to_owned(),
        },
    )
}

/// An error unless a command may write a ledger in `root`: one is there already, or `root` is
/// inside a git work tree, or `init` (`--init`) asks for a new one anyway.
pub fn may_write(root: &Path, init: bool) -> anyhow::Result<()> {
    if init || holds_ledger(root) || in_git_work_tree(root) {
        return Ok(());
    }
    Err(anyhow::anyhow!(
        "{}: no ledger here, and not inside a git work tree, so none was started; nothing was written",
        root.display()
    ))
    .help(|| match nearby_ledger(root) {
        Some(found) => format!("did you mean --root {}?", found.display()),
        None => "a ledger lives in the repository it audits: run there (or give it with --root), \
                 or pass --init to start one in this folder anyway"
            .to_owned(),
    })
}

/// An error unless the ledger has a log of `image`, saying which image was likely meant.
pub fn require_image(ledger: &Ledger, image: &ImageName) -> anyhow::Result<()> {
    let known = ledger.images()?;
    if known.contains(image) {
        return Ok(());
    }
    Err(hardline_publish::PublishError::UnknownImage { image: image.clone(), known }.into())
}

/// Whether `root` is inside a git work tree: it or a folder above it has `.git` (a folder, or
/// the file a linked worktree or a submodule has).
fn in_git_work_tree(root: &Path) -> bool {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    root.ancestors().any(|dir| dir.join(".git").exists())
}

/// A folder near `root` that holds a ledger: one above it (run from inside the repository's
/// `images/`, say), or right below it (run from the folder that holds the repository).
fn nearby_ledger(root: &Path) -> Option<PathBuf> {
    let absolute = root.canonicalize().ok()?;
    if let Some(above) = absolute.ancestors().skip(1).find(|dir| holds_ledger(dir)) {
        return Some(above.to_path_buf());
    }
    let mut below: Vec<PathBuf> = std::fs::read_dir(&absolute)
        .ok()?
        .flatten()
        .map(|entry| entry.path())
        .filter(|dir| holds_ledger(dir))
        .collect();
    below.sort();
    below.into_iter().next()
}
