//! Giving memory back to the system after a burst of work (issue 20: an idle kiosk's resident
//! memory). Loading search's tables and the keyboard's words reads the whole store and builds
//! large temporary vectors; glibc's allocator keeps the freed pages for later use, where they
//! stay resident for the rest of the day. [`return_free_memory`] hands them back.

/// Returns the allocator's free pages to the system (glibc's `malloc_trim(0)`: the top of every
/// arena and whole free pages inside them). Takes a few milliseconds after a large load; call
/// it from a task, never on the UI thread. Does nothing where the allocator is not glibc's.
pub fn return_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists under its locks; it has no
    // preconditions and frees nothing that is in use.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Resident memory of this process, in KiB.
    fn rss_kib() -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }

    #[test]
    fn freed_small_allocations_go_back_to_the_system() {
        // 64 MB in small pieces (below the size glibc maps on its own), then all but every
        // 1000th freed: the arena cannot shrink from its top, only trimming whole free pages
        // inside it gives the memory back
        let mut pieces: Vec<Vec<u8>> = (0..1_000_000).map(|i| vec![(i % 251) as u8; 64]).collect();
        let mut i = 0;
        pieces.retain(|_| {
            i += 1;
            i % 1000 == 0
        });
        pieces.shrink_to_fit();
        let before = rss_kib();
        return_free_memory();
        let after = rss_kib();
        assert_eq!(pieces.len(), 1000);
        // other tests allocate at the same time: only a large drop counts
        assert!(before.saturating_sub(after) > 16 * 1024, "RSS {before} KiB → {after} KiB");
    }
}
