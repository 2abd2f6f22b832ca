use std::fs::{self, File};

use crate::layout::Layout;
use crate::{LedgerError, io_error};

/// An exclusive lock on the ledger, held while a command writes. Released when dropped (and
/// by the kernel if the process dies, so a crash never leaves a stale lock behind).
#[derive(Debug)]
pub struct LedgerLock {
    _file: File,
}

/// A shared lock on the ledger, held while a command reads it whole (`verify`): no write is in
/// progress while it is held. Taken on the lock file opened read-only, and only if there is one
/// (a checkout nothing has written to has none, and no writer can be at work there without
/// it), so a reader never writes, not even a lock file: verification works on a read-only
/// checkout.
#[derive(Debug)]
pub struct ReadLock {
    _file: Option<File>,
}

impl ReadLock {
    /// Waits until no writer holds the ledger.
    pub fn acquire(layout: &Layout) -> Result<ReadLock, LedgerError> {
        let path = layout.lock();
        match File::open(&path) {
            Ok(file) => {
                file.lock_shared().map_err(io_error(&path))?;
                Ok(ReadLock { _file: Some(file) })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ReadLock { _file: None }),
            Err(e) => Err(io_error(&path)(e)),
        }
    }
}

impl LedgerLock {
    /// Waits for the lock. Two writers are serialised, never interleaved.
    pub fn acquire(layout: &Layout) -> Result<LedgerLock, LedgerError> {
        let dir = layout.state_dir();
        fs::create_dir_all(&dir).map_err(io_error(&dir))?;
        let path = layout.lock();
        let file = crate::links::open_options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io_error(&path))?;
        file.lock().map_err(io_error(&path))?;
        Ok(LedgerLock { _file: file })
    }
}
