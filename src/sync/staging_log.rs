//! The pack's small files (shards, items, the site file), staged as records appended to one file
//! in the staging folder instead of one file each.
//!
//! A city's pack holds a hundred thousand items or more. Staged one file each, a fresh sync
//! created, wrote and closed that many files, and deleted them all after the commit: on the
//! kiosk's file system those per-file costs, not the network, set the pace. Here each file that
//! arrives whole and checked (size and sha256) is one record at the end of `records.log`:
//!
//! ```text
//! "GKSTAGE1"                          file header (8 bytes)
//! sha256 (32 bytes) | length (u64 LE) | bytes      one record per file, repeated
//! ```
//!
//! The staging folder is flushed once before the apply, as for the media files beside the log.
//! A sync stopped part-way (a failure, a power cut) leaves the log for the next sync, which
//! reads it back record by record, checking each one's hash, and cuts the log at the first
//! record that is short or damaged: what came before is kept, what came after is fetched again.
//! Reading a record for the apply checks its hash once more. One sync at a time has the log open
//! (`sync::lock`).

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{BufReader, Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

/// The log's name in the staging folder.
pub const LOG_FILE: &str = "records.log";

const MAGIC: &[u8; 8] = b"GKSTAGE1";
const RECORD_HEADER: u64 = 32 + 8;

/// Files above this size are staged as files of their own (a record is held in memory while it
/// arrives). Shards are at most 32 MiB (`pack::MAX_SHARD_BYTES`); items are far smaller.
pub const MAX_RECORD_BYTES: u64 = 64 * 1024 * 1024;

/// Where each record's bytes are: offset in the log and length.
type Index = HashMap<[u8; 32], (u64, u64)>;

/// The open log: reads are positioned reads, appends are serialised.
#[derive(Debug)]
pub struct StagingLog {
    path: PathBuf,
    file: File,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// Where the next record goes.
    end: u64,
    index: Index,
}

/// What opening the log found of an earlier sync's records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reopened {
    /// Whole records whose bytes match their hash.
    pub records: usize,
    /// Bytes cut from the end (a short or damaged record and everything after it).
    pub cut_bytes: u64,
}

impl StagingLog {
    /// Opens (or creates) the log in `staging`, keeping the whole, undamaged records an earlier
    /// sync left there.
    pub fn open(staging: &Path) -> std::io::Result<(Self, Reopened)> {
        let path = staging.join(LOG_FILE);
        let file = fs::OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path)?;
        let len = file.metadata()?.len();
        // A record that cannot be read (an I/O error, a file cut short under us) counts as
        // damaged: the log is cut there rather than failing every sync to come.
        let (index, good_end) = scan(&file, len);
        let end = if good_end < MAGIC.len() as u64 {
            file.set_len(0)?;
            file.write_all_at(MAGIC, 0)?;
            MAGIC.len() as u64
        } else {
            if good_end < len {
                file.set_len(good_end)?;
            }
            good_end
        };
        let reopened = Reopened { records: index.len(), cut_bytes: len.saturating_sub(good_end) };
        Ok((StagingLog { path, file, state: Mutex::new(State { end, index }) }, reopened))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic elsewhere while the lock was held leaves the state as consistent as it was
        // before the append that panicked: the index only ever gains whole records.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether a record of the file with this sha256 (hex) is in the log.
    pub fn contains(&self, sha256_hex: &str) -> bool {
        key(sha256_hex).is_some_and(|k| self.state().index.contains_key(&k))
    }

    /// Appends a file that arrived whole and checked. A file already in the log is not written
    /// twice.
    pub fn append(&self, sha256_hex: &str, bytes: &[u8]) -> std::io::Result<()> {
        let k = key(sha256_hex)
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a sha256 file name"))?;
        let mut header = [0u8; RECORD_HEADER as usize];
        header[..32].copy_from_slice(&k);
        header[32..].copy_from_slice(&(bytes.len() as u64).to_le_bytes());
        let mut state = self.state();
        if state.index.contains_key(&k) {
            return Ok(());
        }
        let at = state.end;
        let written =
            self.file.write_all_at(&header, at).and_then(|()| self.file.write_all_at(bytes, at + RECORD_HEADER));
        if let Err(e) = written {
            // A part written before the error (a full disk) is cut off again; if that fails
            // too, the next open cuts it.
            let _ = self.file.set_len(at);
            return Err(e);
        }
        state.end = at + RECORD_HEADER + bytes.len() as u64;
        state.index.insert(k, (at + RECORD_HEADER, bytes.len() as u64));
        Ok(())
    }

    /// The bytes of a file in the log, `None` if it is not there. The caller checks them
    /// against the hash (a disk may damage them after they were appended).
    pub fn read(&self, sha256_hex: &str) -> std::io::Result<Option<Vec<u8>>> {
        let Some((offset, len)) = key(sha256_hex).and_then(|k| self.state().index.get(&k).copied()) else {
            return Ok(None);
        };
        let mut bytes = vec![0u8; len as usize];
        self.file.read_exact_at(&mut bytes, offset)?;
        Ok(Some(bytes))
    }
}

fn key(sha256_hex: &str) -> Option<[u8; 32]> {
    let mut k = [0u8; 32];
    hex::decode_to_slice(sha256_hex, &mut k).ok()?;
    Some(k)
}

/// Reads the records from the start; returns them and where the last good one ends (0 if the
/// file does not start with the header). Reading stops at the first record that is short,
/// damaged or unreadable.
fn scan(file: &File, len: u64) -> (Index, u64) {
    let mut index = Index::new();
    let mut r = BufReader::with_capacity(1 << 20, file);
    let mut magic = [0u8; 8];
    if len < MAGIC.len() as u64 || r.read_exact(&mut magic).is_err() || &magic != MAGIC {
        return (index, 0);
    }
    let mut at = MAGIC.len() as u64;
    loop {
        if len - at < RECORD_HEADER {
            return (index, at);
        }
        let mut header = [0u8; RECORD_HEADER as usize];
        if r.read_exact(&mut header).is_err() {
            return (index, at);
        }
        let mut k = [0u8; 32];
        k.copy_from_slice(&header[..32]);
        let n = u64::from_le_bytes(header[32..].try_into().unwrap_or_default());
        if n > MAX_RECORD_BYTES || n > len - at - RECORD_HEADER {
            return (index, at);
        }
        let mut hasher = Sha256::new();
        let copied = std::io::copy(&mut (&mut r).take(n), &mut HashWriter(&mut hasher));
        if copied.ok() != Some(n) || hasher.finalize().as_slice() != k {
            return (index, at);
        }
        index.insert(k, (at + RECORD_HEADER, n));
        at += RECORD_HEADER + n;
    }
}

struct HashWriter<'a>(&'a mut Sha256);

impl Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::sha256_hex;

    fn files(n: usize) -> Vec<(String, Vec<u8>)> {
        (0..n)
            .map(|i| {
                let bytes =
                    format!("{{\"id\":\"item-{i}\",\"body\":\"{}\"}}", "政务公开".repeat(i % 7 + 1)).into_bytes();
                (sha256_hex(&bytes), bytes)
            })
            .collect()
    }

    #[test]
    fn records_appended_are_read_back_and_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let files = files(50);
        let (log, reopened) = StagingLog::open(dir.path()).unwrap();
        assert_eq!(reopened, Reopened { records: 0, cut_bytes: 0 });
        for (sha, bytes) in &files {
            assert!(!log.contains(sha));
            log.append(sha, bytes).unwrap();
            log.append(sha, bytes).unwrap(); // a second arrival is not written twice
        }
        for (sha, bytes) in &files {
            assert_eq!(log.read(sha).unwrap().as_deref(), Some(bytes.as_slice()));
        }
        let size = fs::metadata(log.path()).unwrap().len();
        let expected: u64 = 8 + files.iter().map(|(_, b)| 40 + b.len() as u64).sum::<u64>();
        assert_eq!(size, expected);
        assert_eq!(log.read(&sha256_hex(b"not staged")).unwrap(), None);
        assert!(!log.contains("not hex"));
        assert!(log.append("not hex", b"x").is_err());
        drop(log);

        let (log, reopened) = StagingLog::open(dir.path()).unwrap();
        assert_eq!(reopened, Reopened { records: 50, cut_bytes: 0 });
        for (sha, bytes) in &files {
            assert_eq!(log.read(sha).unwrap().as_deref(), Some(bytes.as_slice()));
        }
    }

    #[test]
    fn a_short_or_damaged_record_is_cut_with_everything_after_it() {
        let dir = tempfile::tempdir().unwrap();
        let files = files(10);
        let (log, _) = StagingLog::open(dir.path()).unwrap();
        let mut ends = Vec::new();
        for (sha, bytes) in &files {
            log.append(sha, bytes).unwrap();
            ends.push(fs::metadata(log.path()).unwrap().len());
        }
        let path = log.path().to_path_buf();
        drop(log);

        // A power cut in the middle of the last record.
        let full = fs::metadata(&path).unwrap().len();
        let f = fs::OpenOptions::new().write(true).open(&path).unwrap();
        f.set_len(full - 5).unwrap();
        drop(f);
        let (log, reopened) = StagingLog::open(dir.path()).unwrap();
        assert_eq!(reopened, Reopened { records: 9, cut_bytes: ends[9] - 5 - ends[8] });
        assert!(!log.contains(&files[9].0));
        assert_eq!(fs::metadata(&path).unwrap().len(), ends[8]);
        // appending goes on where the good records end
        log.append(&files[9].0, &files[9].1).unwrap();
        drop(log);

        // One byte of record 4's bytes damaged: 4 and everything after it are fetched again.
        let mut bytes = fs::read(&path).unwrap();
        let at = ends[3] as usize + 40 + 3;
        bytes[at] ^= 0x55;
        fs::write(&path, &bytes).unwrap();
        let (log, reopened) = StagingLog::open(dir.path()).unwrap();
        assert_eq!(reopened.records, 4);
        assert_eq!(reopened.cut_bytes, ends[9] - ends[3]);
        assert!(log.contains(&files[3].0) && !log.contains(&files[4].0) && !log.contains(&files[9].0));
        drop(log);

        // A length that points past the end, or a header that is not ours: cut there.
        let mut bytes = fs::read(&path).unwrap();
        bytes[ends[1] as usize + 32..ends[1] as usize + 40].copy_from_slice(&u64::MAX.to_le_bytes());
        fs::write(&path, &bytes).unwrap();
        assert_eq!(StagingLog::open(dir.path()).unwrap().1.records, 2);
        fs::write(&path, b"something else entirely").unwrap();
        let (log, reopened) = StagingLog::open(dir.path()).unwrap();
        assert_eq!(reopened, Reopened { records: 0, cut_bytes: 23 });
        assert_eq!(fs::read(&path).unwrap(), MAGIC);
        log.append(&files[0].0, &files[0].1).unwrap();
        assert_eq!(log.read(&files[0].0).unwrap().as_deref(), Some(files[0].1.as_slice()));
    }

    #[test]
    fn any_bytes_at_all_in_the_log_open_without_a_panic_and_keep_only_whole_records() {
        let dir = tempfile::tempdir().unwrap();
        let files = files(6);
        let (log, _) = StagingLog::open(dir.path()).unwrap();
        for (sha, bytes) in &files {
            log.append(sha, bytes).unwrap();
        }
        let path = log.path().to_path_buf();
        drop(log);
        let good = fs::read(&path).unwrap();
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for round in 0..300 {
            // a prefix of the good log, then random bytes (some rounds: random bytes only,
            // some with lengths that point far away)
            let keep = if round % 3 == 0 { 0 } else { (next() % good.len() as u64) as usize };
            let mut bytes = good[..keep].to_vec();
            for _ in 0..(next() % 300) {
                bytes.push(next() as u8);
            }
            if round % 5 == 0 && bytes.len() >= keep + 40 {
                bytes[keep + 32..keep + 40].copy_from_slice(&next().to_le_bytes());
            }
            fs::write(&path, &bytes).unwrap();
            let (log, reopened) = StagingLog::open(dir.path()).unwrap();
            assert!(reopened.records <= files.len(), "round {round}");
            for (sha, b) in &files {
                if log.contains(sha) {
                    assert_eq!(log.read(sha).unwrap().as_deref(), Some(b.as_slice()), "round {round}");
                }
            }
            // what stays is a whole prefix of records, and appending goes on after it
            let (sha, b) = &files[0];
            log.append(sha, b).unwrap();
            assert_eq!(log.read(sha).unwrap().as_deref(), Some(b.as_slice()));
        }
    }

    #[test]
    fn appends_from_many_threads_all_land_whole() {
        let dir = tempfile::tempdir().unwrap();
        let files = files(400);
        let (log, _) = StagingLog::open(dir.path()).unwrap();
        std::thread::scope(|s| {
            for chunk in files.chunks(50) {
                let log = &log;
                s.spawn(move || {
                    for (sha, bytes) in chunk {
                        log.append(sha, bytes).unwrap();
                    }
                });
            }
        });
        drop(log);
        let (log, reopened) = StagingLog::open(dir.path()).unwrap();
        assert_eq!(reopened, Reopened { records: 400, cut_bytes: 0 });
        for (sha, bytes) in &files {
            assert_eq!(log.read(sha).unwrap().as_deref(), Some(bytes.as_slice()));
        }
    }
}
