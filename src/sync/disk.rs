//! Free disk space, checked before a sync downloads anything and before each file.

use std::path::Path;

use super::SyncError;

/// Bytes available to this process on the file system holding `path`.
pub fn available(path: &Path) -> std::io::Result<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes())
        .map_err(|_| std::io::Error::other("path contains a NUL byte"))?;
    // SAFETY: `statvfs` is a plain C struct of integers, for which all zero bytes is a valid value.
    let mut s: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c` is a valid NUL-terminated path and `s` a properly sized out-parameter.
    let rc = unsafe { libc::statvfs(c.as_ptr(), &mut s) };
    if rc != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(s.f_bavail as u64 * s.f_frsize as u64)
}

fn mib(b: u64) -> String {
    format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0))
}

/// Fails unless `need` bytes fit while leaving `reserve` free.
pub fn ensure_space(path: &Path, need: u64, reserve: u64) -> Result<(), SyncError> {
    let free = available(path).map_err(|e| SyncError::Io { path: path.to_path_buf(), source: e })?;
    if free < need.saturating_add(reserve) {
        return Err(SyncError::DiskFull {
            path: path.to_path_buf(),
            detail: format!(
                "the sync needs {} and keeps {} in reserve, but only {} is free",
                mib(need),
                mib(reserve),
                mib(free)
            ),
        });
    }
    Ok(())
}

/// The check made before each file: this file must fit above the reserve.
pub fn ensure_free(path: &Path, need: u64, reserve: u64) -> Result<(), SyncError> {
    ensure_space(path, need, reserve)
}
