//! The disk between two timed sides of a benchmark.

/// Writes back what earlier steps left for the disk (the previous run's files, deleted files or
/// folders) and pauses, so that the next side timed does not pay for the previous one's
/// writeback.
pub fn settle() {
    let _ = std::process::Command::new("sync").status();
    std::thread::sleep(std::time::Duration::from_millis(500));
}
