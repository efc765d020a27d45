//! Emptying the staging folder after a commit, off the sync's path.
//!
//! Once the store has committed, the staged files are no longer needed, but deleting 100,000 of
//! them one by one took 366 s on this project's test machine (ext4 waiting on a block discard for
//! each freed file). The folder is renamed aside at once (`staging.applied-…`, the same file
//! system, so no data moves) and deleted on a thread of its own: the sync returns, and the kiosk
//! shows the new content, at the commit. A folder left by a process that stopped before its
//! deletion finished is deleted by the next sync and at the kiosk's start. A sync whose space
//! check fails while a deletion runs waits for it and checks again. [`wait`] lets a command that exits right after
//! a sync (the CLI) finish the deletion first.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::thread::JoinHandle;

/// Names of retired staging folders in the data folder start with this.
pub const RETIRED_PREFIX: &str = "staging.applied-";

/// Deletions under way: the folder and the thread deleting it.
static PENDING: Mutex<Vec<(PathBuf, JoinHandle<()>)>> = Mutex::new(Vec::new());

/// Moves the committed `staging` folder aside and deletes it in the background. When it cannot
/// be moved, its files are deleted here, as before.
pub fn retire(data_dir: &Path, staging: &Path) {
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let aside = data_dir.join(format!("{RETIRED_PREFIX}{}-{stamp}", std::process::id()));
    match fs::rename(staging, &aside) {
        Ok(()) => delete_in_background(aside),
        Err(e) => {
            tracing::warn!(folder = %staging.display(), error = %e, "could not move the staging folder aside; emptying it now");
            if let Ok(entries) = fs::read_dir(staging) {
                for e in entries.flatten() {
                    let _ = fs::remove_file(e.path());
                }
            }
        }
    }
}

/// Deletes, in the background, retired staging folders that an earlier process left behind.
pub fn delete_leftovers(data_dir: &Path) {
    let Ok(entries) = fs::read_dir(data_dir) else { return };
    for e in entries.flatten() {
        let is_retired = e.file_name().to_str().is_some_and(|n| n.starts_with(RETIRED_PREFIX));
        if is_retired && e.file_type().is_ok_and(|t| t.is_dir()) {
            delete_in_background(e.path());
        }
    }
}

/// Whether a deletion this process started is still running.
pub fn pending() -> bool {
    PENDING.lock().unwrap_or_else(|p| p.into_inner()).iter().any(|(_, h)| !h.is_finished())
}

/// Waits until every deletion this process started has finished.
pub fn wait() {
    let pending = std::mem::take(&mut *PENDING.lock().unwrap_or_else(|p| p.into_inner()));
    for (_, handle) in pending {
        let _ = handle.join();
    }
}

fn delete_in_background(folder: PathBuf) {
    let mut pending = PENDING.lock().unwrap_or_else(|p| p.into_inner());
    pending.retain(|(_, h)| !h.is_finished());
    if pending.iter().any(|(f, _)| *f == folder) {
        return;
    }
    let target = folder.clone();
    let spawned = std::thread::Builder::new().name("staging-cleanup".into()).spawn(move || {
        let started = std::time::Instant::now();
        match fs::remove_dir_all(&target) {
            // gone already: another process (a CLI sync, the kiosk) deleted it first
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Ok(()) => tracing::debug!(folder = %target.display(), seconds = started.elapsed().as_secs_f64(), "retired staging folder deleted"),
            Err(e) => tracing::warn!(folder = %target.display(), error = %e, "could not delete a retired staging folder; the next sync tries again"),
        }
    });
    match spawned {
        Ok(handle) => pending.push((folder, handle)),
        // no thread to be had: delete it here
        Err(_) => {
            let _ = fs::remove_dir_all(&folder);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_committed_staging_folder_is_moved_aside_and_deleted_and_leftovers_go_too() {
        let dir = tempfile::tempdir().unwrap();
        let staging = dir.path().join("staging");
        fs::create_dir(&staging).unwrap();
        for i in 0..50 {
            fs::write(staging.join(format!("{i:04}")), b"staged").unwrap();
        }
        // a folder an earlier process left half-deleted, and a file of that name (not touched)
        let left = dir.path().join(format!("{RETIRED_PREFIX}1-2"));
        fs::create_dir(&left).unwrap();
        fs::write(left.join("x"), b"x").unwrap();
        let not_a_folder = dir.path().join(format!("{RETIRED_PREFIX}file"));
        fs::write(&not_a_folder, b"keep").unwrap();

        retire(dir.path(), &staging);
        assert!(!staging.exists(), "moved aside at once");
        delete_leftovers(dir.path());
        wait();
        let mut names: Vec<String> =
            fs::read_dir(dir.path()).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        assert_eq!(names, vec![format!("{RETIRED_PREFIX}file")]);
    }
}
