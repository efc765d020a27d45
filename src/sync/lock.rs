//! One sync at a time per data folder: the command line's `sync` and the kiosk's own background
//! sync may both start on the same folder. The second one stops at once (`SyncError::Busy`)
//! instead of collecting media files the first is about to apply or appending to its staging
//! log.

use std::fs::{self, File, TryLockError};
use std::path::{Path, PathBuf};

use super::SyncError;

/// The lock file's name in the data folder (never moved, unlike the staging folder).
pub const LOCK_FILE: &str = "sync.lock";

/// Held for the whole of a sync; released when dropped (or when the process ends, however it
/// ends: `flock` locks go with the file descriptor).
#[derive(Debug)]
pub struct SyncLock {
    _file: File,
}

impl SyncLock {
    pub fn take(data_dir: &Path) -> Result<Self, SyncError> {
        let path: PathBuf = data_dir.join(LOCK_FILE);
        let file = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| SyncError::Io { path: path.clone(), source: e })?;
        // an exclusive `flock` on Linux, not waited for
        match file.try_lock() {
            Ok(()) => Ok(SyncLock { _file: file }),
            Err(TryLockError::WouldBlock) => Err(SyncError::Busy { path }),
            Err(TryLockError::Error(e)) => Err(SyncError::Io { path, source: e }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_sync_of_the_same_folder_is_refused_until_the_first_ends() {
        let dir = tempfile::tempdir().unwrap();
        let first = SyncLock::take(dir.path()).unwrap();
        let err = SyncLock::take(dir.path()).unwrap_err();
        assert!(matches!(err, SyncError::Busy { .. }), "{err}");
        assert!(err.is_transient());
        assert!(err.to_string().contains("another sync of this data folder is running"), "{err}");
        // another folder is another lock
        let other = tempfile::tempdir().unwrap();
        let _second = SyncLock::take(other.path()).unwrap();
        drop(first);
        let _again = SyncLock::take(dir.path()).unwrap();
    }
}
