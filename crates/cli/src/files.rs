//! Writing generated files that are not part of the ledger (summary, dashboard, reports): atomically,
//! and only when their contents change, so that an unchanged run touches nothing.

use std::path::Path;

use anyhow::Context as _;

/// Writes `contents` to `path` through a temporary file and a rename, unless it is already
/// there. Returns whether the file changed.
pub fn write_if_changed(path: &Path, contents: impl AsRef<[u8]>) -> anyhow::Result<bool> {
    let text = contents.as_ref();
    if std::fs::read(path).ok().as_deref() == Some(text) {
        return Ok(false);
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".hardline-tmp");
    let tmp = Path::new(&tmp);
    std::fs::write(tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::File::open(tmp)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("syncing {}", tmp.display()))?;
    std::fs::rename(tmp, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(true)
}
