//! A conversion program run on one file at publishing time (LibreOffice for office files, the
//! OFD converter): in a folder of its own, stdin closed, stdout discarded, stderr into a file (a
//! chatty program cannot fill a pipe and stall), stopped when it takes longer than its limit.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// How a program run ended.
#[derive(Debug)]
pub struct Ran {
    pub status: ExitStatus,
    /// The last line the program wrote on stderr (empty if none).
    pub last_error_line: String,
}

#[derive(Debug)]
pub enum RunError {
    /// The program is not installed (or not where it was looked for).
    NotFound,
    /// It ran longer than the limit and was stopped.
    TimedOut(Duration),
    Io(std::io::Error),
}

/// Runs `cmd` in `work` (which must exist) and waits at most `limit` for it.
pub fn run_limited(cmd: &mut Command, work: &Path, limit: Duration) -> Result<Ran, RunError> {
    let err_path = work.join("stderr.txt");
    let err_file = std::fs::File::create(&err_path).map_err(RunError::Io)?;
    let mut child = cmd.current_dir(work).stdin(Stdio::null()).stdout(Stdio::null()).stderr(err_file).spawn().map_err(
        |e| match e.kind() {
            std::io::ErrorKind::NotFound => RunError::NotFound,
            _ => RunError::Io(e),
        },
    )?;
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if started.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(RunError::TimedOut(limit));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(RunError::Io(e));
            }
        }
    };
    let stderr = std::fs::read(&err_path).unwrap_or_default();
    let last_error_line =
        String::from_utf8_lossy(&stderr).lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim().to_string();
    Ok(Ran { status, last_error_line })
}

/// A new folder under the temporary directory for one conversion, named `<prefix>-<random>`
/// (no dot of its own: the OFD converter cannot work in a path with one).
pub fn work_dir(prefix: &str) -> std::io::Result<PathBuf> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    let dir = std::env::temp_dir().join(format!("{prefix}-{}", hex::encode(bytes)));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Keeps a conversion in the cache folder (`<cache>/<sha>.pdf`) when it can be written, and
/// removes the work folder; else the PDF stays in the work folder for this run.
pub fn keep(out: PathBuf, work: &Path, cache: &Path, sha: &str) -> PathBuf {
    let cached = cache.join(format!("{sha}.pdf"));
    if std::fs::create_dir_all(cache).is_ok() && std::fs::copy(&out, &cached).is_ok() {
        let _ = std::fs::remove_dir_all(work);
        return cached;
    }
    out
}
