use std::fs::{self, File, OpenOptions};

use crate::layout::Layout;
use crate::{LedgerError, io_error};

/// An exclusive lock on the ledger, held while a command writes. Released when dropped (and
/// by the kernel if the process dies, so a crash never leaves a stale lock behind).
#[derive(Debug)]
pub struct LedgerLock {
    _file: File,
}

impl LedgerLock {
    /// Waits for the lock. Two writers are serialised, never interleaved.
    pub fn acquire(layout: &Layout) -> Result<LedgerLock, LedgerError> {
        let dir = layout.state_dir();
        fs::create_dir_all(&dir).map_err(io_error(&dir))?;
        let path = layout.lock();
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io_error(&path))?;
        file.lock().map_err(io_error(&path))?;
        Ok(LedgerLock { _file: file })
    }
}
