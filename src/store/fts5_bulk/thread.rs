//! Bulk indexes built on a thread of their own: the connection's thread hands each row's texts
//! over and writes the rows the indexes give back, so that tokenizing, sorting and merging run
//! beside the rest of an import instead of after each item.
//!
//! Both ways go through bounded channels: rows over in chunks (the thread cannot fall far
//! behind, nor hold much text), rows to write back (the merge at the end cannot run far ahead
//! of the writes). Neither side waits on the other while the other waits on it: a chunk that
//! finds its channel full waits for what comes back instead (every chunk taken sends
//! something back). The first error ends the thread and is returned by a later call.

use std::sync::mpsc::{self, Receiver, SyncSender, TryRecvError, TrySendError};
use std::thread::JoinHandle;

use rusqlite::{Connection, ffi};

use super::{BulkIndex, Ended, Pending};
use crate::store::body_rank::ffi_error;
use crate::store::search_bitmaps::DocBitmap;

/// Rows handed over at a time.
const CHUNK: usize = 32;
/// Chunks the thread may have waiting: about a thousand rows.
const QUEUED: usize = 32;
/// Answers that may wait to be written: each a chunk's sizes, or a piece (1 MiB) of the end.
const ANSWERS: usize = 16;

/// One row: its rowid and its texts, which each index takes the columns of.
struct Row {
    rowid: i64,
    texts: Vec<String>,
}

enum Forward {
    Rows(Vec<Row>),
    End,
}

enum Back {
    /// Rows to write, one [`Pending`] per index.
    Rows(Vec<Pending>),
    /// The indexes ended; nothing comes after.
    Ended(Vec<Ended>),
}

/// Several bulk indexes, each taking some of a row's texts as its columns, built on a thread.
pub struct IndexThread {
    rows: Vec<Row>,
    texts: usize,
    to: Option<SyncSender<Forward>>,
    from: Receiver<rusqlite::Result<Back>>,
    handle: Option<JoinHandle<()>>,
    /// The rowids each index listed for its chosen tokens ([`BulkIndex::with_holders`]).
    holders: Vec<(u32, DocBitmap)>,
}

fn stopped(what: &str) -> rusqlite::Error {
    ffi_error(ffi::SQLITE_ERROR, &format!("the bulk index's thread {what}"))
}

impl IndexThread {
    /// Starts the thread with `indexes`, each with the numbers of the texts (of those given to
    /// [`IndexThread::add`]) that are its columns, in order.
    pub fn start(indexes: Vec<(BulkIndex, Vec<usize>)>) -> rusqlite::Result<IndexThread> {
        let texts = indexes.iter().flat_map(|(_, columns)| columns.iter().map(|c| c + 1)).max().unwrap_or(0);
        let (to, rows) = mpsc::sync_channel(QUEUED);
        let (back, from) = mpsc::sync_channel(ANSWERS);
        let handle = std::thread::Builder::new()
            .name("fts5-bulk".into())
            .spawn(move || run(indexes, &rows, &back))
            .map_err(|e| stopped(&format!("could not start: {e}")))?;
        Ok(IndexThread {
            rows: Vec::with_capacity(CHUNK),
            texts,
            to: Some(to),
            from,
            handle: Some(handle),
            holders: Vec::new(),
        })
    }

    /// Adds a row (its rowid greater than every one added before), and writes what the thread
    /// has made since the last call.
    pub fn add(&mut self, conn: &Connection, rowid: i64, texts: Vec<String>) -> rusqlite::Result<()> {
        if texts.len() < self.texts {
            return Err(ffi_error(
                ffi::SQLITE_MISUSE,
                &format!("bulk index: {} texts for a row, {} wanted", texts.len(), self.texts),
            ));
        }
        self.rows.push(Row { rowid, texts });
        if self.rows.len() >= CHUNK {
            let rows = std::mem::replace(&mut self.rows, Vec::with_capacity(CHUNK));
            self.send(conn, Forward::Rows(rows))?;
        }
        loop {
            match self.from.try_recv() {
                Ok(back) => {
                    self.write(conn, back?)?;
                }
                Err(TryRecvError::Empty) => return Ok(()),
                Err(TryRecvError::Disconnected) => return Err(self.failure()),
            }
        }
    }

    /// Writes every row the indexes hold, then their averages and structures (see
    /// [`Ended::write`]), and stops the thread. Returns the rowids the indexes listed for their
    /// chosen tokens, each with the token's number ([`BulkIndex::with_holders`]).
    pub fn finish(mut self, conn: &Connection) -> rusqlite::Result<Vec<(u32, DocBitmap)>> {
        let rows = std::mem::take(&mut self.rows);
        if !rows.is_empty() {
            self.send(conn, Forward::Rows(rows))?;
        }
        self.send(conn, Forward::End)?;
        let mut ended = false;
        while let Ok(back) = self.from.recv() {
            ended |= matches!(back, Ok(Back::Ended(_)));
            self.write(conn, back?)?;
        }
        if let Some(handle) = self.handle.take()
            && handle.join().is_err()
        {
            return Err(stopped("panicked"));
        }
        if ended { Ok(std::mem::take(&mut self.holders)) } else { Err(stopped("stopped before the indexes ended")) }
    }

    fn send(&mut self, conn: &Connection, mut forward: Forward) -> rusqlite::Result<()> {
        loop {
            let Some(to) = &self.to else { return Err(stopped("has stopped")) };
            match to.try_send(forward) {
                Ok(()) => return Ok(()),
                // the thread is busy: it answers each chunk it takes
                Err(TrySendError::Full(again)) => {
                    forward = again;
                    match self.from.recv() {
                        Ok(back) => self.write(conn, back?)?,
                        Err(_) => return Err(self.failure()),
                    }
                }
                // the thread is gone: its error is waiting, after rows it made before
                Err(TrySendError::Disconnected(_)) => {
                    while let Ok(back) = self.from.recv() {
                        self.write(conn, back?)?;
                    }
                    return Err(self.failure());
                }
            }
        }
    }

    fn write(&mut self, conn: &Connection, back: Back) -> rusqlite::Result<()> {
        match back {
            Back::Rows(mut pending) => pending.iter_mut().try_for_each(|p| p.write(conn)),
            Back::Ended(ended) => {
                for e in ended {
                    e.write(conn)?;
                    self.holders.extend(e.holders);
                }
                Ok(())
            }
        }
    }

    /// Why the thread ended without a word: it panicked (its rows are lost with it).
    fn failure(&mut self) -> rusqlite::Error {
        self.to = None;
        match self.handle.take().map(JoinHandle::join) {
            Some(Err(_)) => stopped("panicked"),
            _ => stopped("stopped"),
        }
    }
}

impl Drop for IndexThread {
    /// An import that fails stops the thread: with the channel of answers closed, its next
    /// answer fails and it returns (a thread waiting for rows sees their channel close); it is
    /// waited for, so that nothing of it outlives the connection it came from.
    fn drop(&mut self) {
        self.to = None;
        // and no more answers taken: a thread waiting to send one stops
        drop(std::mem::replace(&mut self.from, mpsc::sync_channel(0).1));
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}

/// The thread: adds each row to each index, sends back the rows to write, and at the end each
/// index's segment and what is left to write.
fn run(mut indexes: Vec<(BulkIndex, Vec<usize>)>, rows: &Receiver<Forward>, back: &SyncSender<rusqlite::Result<Back>>) {
    let pending = |indexes: &[(BulkIndex, Vec<usize>)]| indexes.iter().map(|(i, _)| i.pending()).collect::<Vec<_>>();
    while let Ok(forward) = rows.recv() {
        match forward {
            Forward::Rows(rows) => {
                let mut out = pending(&indexes);
                for row in &rows {
                    for ((index, columns), out) in indexes.iter_mut().zip(out.iter_mut()) {
                        let texts: Vec<&str> = columns.iter().map(|c| row.texts[*c].as_str()).collect();
                        if let Err(e) = index.add(row.rowid, &texts, out) {
                            let _ = back.send(Err(e));
                            return;
                        }
                    }
                }
                if back.send(Ok(Back::Rows(out))).is_err() {
                    return;
                }
            }
            Forward::End => {
                let mut ended = Vec::with_capacity(indexes.len());
                let mut emit = |p: Pending| back.send(Ok(Back::Rows(vec![p]))).map_err(|_| stopped("lost its caller"));
                for (index, _) in indexes.drain(..) {
                    match index.end(&mut emit) {
                        Ok(e) => ended.push(e),
                        Err(e) => {
                            let _ = back.send(Err(e));
                            return;
                        }
                    }
                }
                let _ = back.send(Ok(Back::Ended(ended)));
                return;
            }
        }
    }
}
