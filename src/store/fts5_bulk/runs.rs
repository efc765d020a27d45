//! The sorted runs of a bulk index: each batch's tokens in byte order, each with its doclist
//! (rowids from the batch's first, as FTS5 writes a doclist) and its last rowid. They are kept
//! in memory up to [`IN_MEMORY`] bytes and in an unnamed file beside the database after, and
//! merged into one list at the end: since every batch holds larger rowids than the one before,
//! a token's doclists follow each other, only the first rowid of each becoming a delta from
//! the previous one's last. What comes out is the doclist FTS5 would have made of all the rows
//! at once.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use rusqlite::ffi;

use super::segment::{get_varint, put_varint, sqlite_varint};
use crate::store::body_rank::ffi_error;

/// The runs kept in memory before they go to a file.
const IN_MEMORY: usize = 32 << 20;
/// What a run's reader reads ahead.
const READ_AHEAD: usize = 64 << 10;

/// The runs written so far, and where.
pub struct Runs {
    table: &'static str,
    dir: PathBuf,
    in_memory: usize,
    memory: Vec<u8>,
    file: Option<BufWriter<File>>,
    /// The file's name before it was unlinked.
    path: Option<PathBuf>,
    written: u64,
    /// Each finished run's start and end.
    bounds: Vec<(u64, u64)>,
    run_start: u64,
    head: Vec<u8>,
}

/// Where the runs are read from.
enum Source<'a> {
    Memory(&'a [u8]),
    File(&'a File),
}

impl Source<'_> {
    fn read_at(&self, at: u64, out: &mut [u8]) -> io::Result<()> {
        match self {
            Source::Memory(m) => {
                let bytes = usize::try_from(at)
                    .ok()
                    .and_then(|at| m.get(at..at.checked_add(out.len())?))
                    .ok_or_else(|| cut_short("memory"))?;
                out.copy_from_slice(bytes);
                Ok(())
            }
            Source::File(f) => f.read_exact_at(out, at),
        }
    }
}

fn cut_short(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::UnexpectedEof, format!("a sorted run in {what} is cut short"))
}

impl Runs {
    /// The runs of `table`'s index, which go to a file in `dir` once they outgrow memory.
    pub fn new(table: &'static str, dir: PathBuf) -> Runs {
        Runs {
            table,
            dir,
            in_memory: IN_MEMORY,
            memory: Vec::new(),
            file: None,
            path: None,
            written: 0,
            bounds: Vec::new(),
            run_start: 0,
            head: Vec::new(),
        }
    }

    /// The bytes kept in memory before the runs go to a file (the tests use a few).
    #[cfg(test)]
    pub fn keep_in_memory(&mut self, bytes: usize) {
        self.in_memory = bytes;
    }

    /// Whether the runs have gone to a file.
    #[cfg(test)]
    pub fn in_file(&self) -> bool {
        self.file.is_some()
    }

    /// An I/O error, with the table and where its runs are.
    pub fn error(&self, e: &io::Error) -> rusqlite::Error {
        let place = match &self.path {
            Some(path) => format!("{} (an unlinked file)", path.display()),
            None => "memory".into(),
        };
        ffi_error(ffi::SQLITE_IOERR, &format!("{}: the bulk index's sorted runs in {place}: {e}", self.table))
    }

    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.written += bytes.len() as u64;
        match &mut self.file {
            Some(f) => f.write_all(bytes),
            None => {
                self.memory.extend_from_slice(bytes);
                if self.memory.len() > self.in_memory {
                    let (path, file) = unnamed_file(&self.dir)?;
                    let mut f = BufWriter::with_capacity(1 << 20, file);
                    f.write_all(&self.memory)?;
                    self.memory = Vec::new();
                    self.file = Some(f);
                    self.path = Some(path);
                }
                Ok(())
            }
        }
    }

    /// Appends a token of this run (in byte order, after the run's last) with its doclist and
    /// the doclist's last rowid.
    pub fn push(&mut self, token: &[u8], last_rowid: u64, doclist: &[u8]) -> io::Result<()> {
        let mut head = std::mem::take(&mut self.head);
        head.clear();
        put_varint(&mut head, token.len() as u64);
        head.extend_from_slice(token);
        put_varint(&mut head, last_rowid);
        put_varint(&mut head, doclist.len() as u64);
        let written = self.put(&head).and_then(|()| self.put(doclist));
        self.head = head;
        written
    }

    /// Ends the run being written.
    pub fn end_run(&mut self) {
        if self.written > self.run_start {
            self.bounds.push((self.run_start, self.written));
        }
        self.run_start = self.written;
    }

    /// Calls `each(token, doclist)` for every token of every run, in byte order, with the
    /// doclists of the runs holding it joined. `each`'s error ends the merge and is returned.
    pub fn merge(mut self, mut each: impl FnMut(&[u8], &[u8]) -> rusqlite::Result<()>) -> rusqlite::Result<()> {
        let file = match self.file.take() {
            Some(f) => Some(f.into_inner().map_err(|e| self.error(&e.into_error()))?),
            None => None,
        };
        let source = match &file {
            Some(f) => Source::File(f),
            None => Source::Memory(&self.memory),
        };
        let io = |e: io::Error| self.error(&e);
        let mut readers: Vec<RunReader> = Vec::with_capacity(self.bounds.len());
        for (start, end) in &self.bounds {
            let mut r = RunReader::new(*start, *end);
            if r.advance(&source).map_err(io)? {
                readers.push(r);
            }
        }
        // a heap of the readers by (token, run): equal tokens come out in the runs' order
        let mut heap: Vec<usize> = (0..readers.len()).collect();
        for i in (0..heap.len() / 2).rev() {
            sift_down(&mut heap, &readers, i);
        }
        let (mut token, mut doclist) = (Vec::new(), Vec::new());
        while let Some(&first) = heap.first() {
            token.clear();
            token.extend_from_slice(&readers[first].token);
            doclist.clear();
            let mut last: Option<u64> = None;
            while let Some(&r) = heap.first() {
                if readers[r].token != token {
                    break;
                }
                let reader = &readers[r];
                match last {
                    None => doclist.extend_from_slice(&reader.doclist),
                    Some(previous) => {
                        let (rowid, n) = get_varint(&reader.doclist);
                        let delta = rowid.checked_sub(previous).filter(|d| *d > 0 && n <= reader.doclist.len());
                        let delta = delta.ok_or_else(|| {
                            io(io::Error::new(io::ErrorKind::InvalidData, "a sorted run's rowids go backwards"))
                        })?;
                        put_varint(&mut doclist, delta);
                        doclist.extend_from_slice(&reader.doclist[n..]);
                    }
                }
                last = Some(reader.last);
                if readers[r].advance(&source).map_err(io)? {
                    sift_down(&mut heap, &readers, 0);
                } else {
                    heap.swap_remove(0);
                    if !heap.is_empty() {
                        sift_down(&mut heap, &readers, 0);
                    }
                }
            }
            each(&token, &doclist)?;
        }
        Ok(())
    }
}

/// A file in `dir` that nobody else can open: created under a new name and unlinked at once
/// (it lives as long as it is open).
fn unnamed_file(dir: &Path) -> io::Result<(PathBuf, File)> {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    for attempt in 0..16u32 {
        let path = dir.join(format!(".fts5-bulk-{}-{nanos}-{attempt}", std::process::id()));
        match File::options().read(true).write(true).create_new(true).open(&path) {
            Ok(file) => {
                if let Err(e) = std::fs::remove_file(&path) {
                    drop(file);
                    let _ = std::fs::remove_file(&path);
                    return Err(io::Error::new(e.kind(), format!("{}: {e}", path.display())));
                }
                return Ok((path, file));
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io::Error::new(e.kind(), format!("{}: {e}", path.display()))),
        }
    }
    Err(io::Error::new(io::ErrorKind::AlreadyExists, format!("{}: no free name for a sorted run", dir.display())))
}

fn before(readers: &[RunReader], a: usize, b: usize) -> bool {
    (readers[a].token.as_slice(), a) < (readers[b].token.as_slice(), b)
}

fn sift_down(heap: &mut [usize], readers: &[RunReader], mut i: usize) {
    loop {
        let left = 2 * i + 1;
        if left >= heap.len() {
            return;
        }
        let mut m = left;
        if left + 1 < heap.len() && before(readers, heap[left + 1], heap[left]) {
            m = left + 1;
        }
        if !before(readers, heap[m], heap[i]) {
            return;
        }
        heap.swap(i, m);
        i = m;
    }
}

/// One run read back, a token at a time.
struct RunReader {
    next_at: u64,
    end: u64,
    buf: Vec<u8>,
    at: usize,
    token: Vec<u8>,
    last: u64,
    doclist: Vec<u8>,
}

impl RunReader {
    fn new(start: u64, end: u64) -> RunReader {
        RunReader { next_at: start, end, buf: Vec::new(), at: 0, token: Vec::new(), last: 0, doclist: Vec::new() }
    }

    /// Has `n` bytes (or what the run has left) buffered.
    fn fill(&mut self, source: &Source<'_>, n: usize) -> io::Result<()> {
        let have = self.buf.len() - self.at;
        if have >= n || self.next_at >= self.end {
            return Ok(());
        }
        self.buf.drain(..self.at);
        self.at = 0;
        let left = usize::try_from(self.end - self.next_at).unwrap_or(usize::MAX);
        let want = (n - have).max(READ_AHEAD).min(left);
        let old = self.buf.len();
        self.buf.resize(old + want, 0);
        source.read_at(self.next_at, &mut self.buf[old..])?;
        self.next_at += want as u64;
        Ok(())
    }

    fn varint(&mut self, source: &Source<'_>) -> io::Result<u64> {
        self.fill(source, 9)?;
        let (v, n) = sqlite_varint(&self.buf[self.at..]).ok_or_else(|| cut_short("a varint"))?;
        self.at += n;
        Ok(v)
    }

    fn bytes(&mut self, source: &Source<'_>, n: u64, into: &mut Vec<u8>) -> io::Result<()> {
        let n = usize::try_from(n).map_err(|_| cut_short("a length"))?;
        self.fill(source, n)?;
        let bytes = self.buf.get(self.at..self.at.saturating_add(n)).ok_or_else(|| cut_short("a token"))?;
        into.clear();
        into.extend_from_slice(bytes);
        self.at += n;
        Ok(())
    }

    /// Reads the next token; false at the run's end.
    fn advance(&mut self, source: &Source<'_>) -> io::Result<bool> {
        if self.at == self.buf.len() && self.next_at >= self.end {
            return Ok(false);
        }
        let n = self.varint(source)?;
        let mut token = std::mem::take(&mut self.token);
        self.bytes(source, n, &mut token)?;
        self.token = token;
        self.last = self.varint(source)?;
        let n = self.varint(source)?;
        let mut doclist = std::mem::take(&mut self.doclist);
        self.bytes(source, n, &mut doclist)?;
        self.doclist = doclist;
        Ok(true)
    }
}
