//! The index of an empty contentless FTS5 table, built in bulk: what a first import, a fresh
//! sync or a rebuild writes to `search_fts`, `search_titles` and `search_chars`, without
//! FTS5's pending-terms hash.
//!
//! FTS5 gathers the terms of the rows inserted into a hash table and flushes it as a segment
//! when it is full, then merges the segments; with a vocabulary of two million tokens (a
//! city's documents) that hash spends most of an import waiting on memory, and the merges
//! write the index again. Here FTS5's own tokenizer ([`tokenizer::Tokenizer`]) gives each
//! row's tokens; each occurrence becomes a 128-bit entry (a token of up to 8 bytes, which CJK
//! bigrams are, packed into the high half; longer tokens kept in a short list of their own); a
//! batch of entries is sorted into a run of tokens with their doclists ([`runs::Runs`], in
//! memory, or in an unlinked file beside the database once large); at the end the runs are
//! merged, token by token, into one segment ([`segment::SegmentWriter`]), laid out exactly as
//! FTS5 flushes one, and the averages and the structure record are written (the segment on
//! level 1, where FTS5's `optimize` puts the one it merges) and FTS5 made to read them again.
//! What FTS5 reads back is the index it would have written had its hash held every row: the
//! tests compare the two byte for byte, and then answers, ranks, `integrity-check`, deletes,
//! inserts and FTS5's later merges. The rows to write are handed out ([`Pending`]), so
//! that the work can run on a thread of its own ([`thread::IndexThread`]). For tokens chosen
//! beforehand (those with a bitmap, `store::search_bitmaps`), the rowids holding each are
//! listed as the batches are sorted ([`BulkIndex::with_holders`]).
//!
//! Only for an empty table with `contentless_delete = 1` and `detail = full` or `none`, rows
//! given in increasing rowid order; the store uses FTS5's own inserts otherwise.

mod runs;
mod segment;
mod thread;
mod tokenizer;

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, ffi, params};

use super::body_rank::ffi_error;
use super::search_bitmaps::{DocBitmap, PackedHash};
use runs::Runs;
#[cfg(test)]
pub(super) use segment::put_varint;
#[cfg(not(test))]
use segment::put_varint;
pub(super) use segment::sqlite_varint;
use segment::{SegmentWriter, Sink, get_varint};
pub use thread::IndexThread;
use tokenizer::Tokenizer;

/// FTS5's longest token: longer ones are cut to this many bytes.
const MAX_TOKEN: usize = 32768;
/// FTS5's page size unless the table's configuration says otherwise.
const DEFAULT_PGSZ: usize = 4050;
/// The occurrences of one batch (16 bytes each, sorted in place): a run per 4,194,304
/// occurrences. The buffer has room for a quarter more (80 MiB, reserved, touched as it
/// fills), since a batch ends after the row that fills it; a longer row grows it, and it is
/// cut back after.
pub const BATCH: usize = 4 << 20;
/// Limits of an occurrence's packed place: rows in a batch, columns, positions in a column.
const ROW_BITS: u32 = 24;
const COLUMN_BITS: u32 = 4;
const POSITION_BITS: u32 = 36;

/// The rows of the pages written are handed out in pieces of about this many bytes.
const PIECE: usize = 1 << 20;

/// The index of one FTS5 table, being built.
pub struct BulkIndex {
    table: &'static str,
    tokenizer: Tokenizer,
    pgsz: usize,
    /// `detail = none`: the index keeps which rows hold a token, not where.
    rowids_only: bool,
    batch: usize,
    /// This batch's occurrences of tokens of up to 8 bytes (no NUL): the token packed
    /// big-endian (so that keys sort as the tokens' bytes) in the high half, the place in the
    /// low half. The place (row of the batch, column, position) grows with each occurrence
    /// added, so sorting the entries sorts each token's places as FTS5 lists them.
    short: Vec<u128>,
    /// This batch's occurrences of longer tokens (rare: long words and numbers): the token's
    /// number in `long_tokens`, the place.
    long: Vec<(u32, u64)>,
    long_ids: HashMap<Box<[u8]>, u32>,
    long_tokens: Vec<Box<[u8]>>,
    batch_rowids: Vec<i64>,
    last_rowid: i64,
    rows: u64,
    totals: Vec<u64>,
    /// The batches so far, sorted: merged into the one segment at the end.
    runs: Runs,
    /// Tokens whose rows are listed as they are sorted ([`BulkIndex::with_holders`]): each
    /// token of up to 8 bytes packed as in `short`, and its place in `holders`.
    chosen: HashMap<u64, usize, PackedHash>,
    /// Each chosen token's number (the caller's) and the rowids holding it so far.
    holders: Vec<(u32, DocBitmap)>,
}

/// The room a batch's buffer keeps: a quarter more than the batch.
fn headroom(batch: usize) -> usize {
    batch.saturating_add(batch / 4)
}

fn misuse(what: String) -> rusqlite::Error {
    ffi_error(ffi::SQLITE_MISUSE, &what)
}

/// A token of up to 8 bytes without NUL packed in a number, as a bulk index keys its tokens
/// (its bytes big-endian, zeros after: numbers sort as the tokens' bytes); None for another.
pub fn packed_token(token: &[u8]) -> Option<u64> {
    if token.len() > 8 || token.contains(&0) {
        return None;
    }
    let mut bytes = [0u8; 8];
    bytes[..token.len()].copy_from_slice(token);
    Some(u64::from_be_bytes(bytes))
}

fn unpack(key: u64, out: &mut Vec<u8>) {
    out.extend(key.to_be_bytes().into_iter().take_while(|b| *b != 0));
}

/// The place of an occurrence, packed: row of the batch, column, position.
fn place(row: u64, column: u64, position: u64) -> u64 {
    (row << (COLUMN_BITS + POSITION_BITS)) | (column << POSITION_BITS) | position
}

fn row_of(place: u64) -> u64 {
    place >> (COLUMN_BITS + POSITION_BITS)
}

/// Rows of (id, blob), the blobs end to end in one buffer.
#[derive(Default)]
struct Blobs {
    /// Each row's id and the end of its blob in `bytes`.
    rows: Vec<(i64, usize)>,
    bytes: Vec<u8>,
}

impl Blobs {
    /// Ends the blob being appended to `bytes` as row `id`'s.
    fn end_row(&mut self, id: i64) {
        self.rows.push((id, self.bytes.len()));
    }

    /// Inserts the rows with `sql` (`?1` the id, `?2` the blob), which leaves this empty.
    fn insert(&mut self, conn: &Connection, sql: &str) -> rusqlite::Result<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let mut stmt = conn.prepare_cached(sql)?;
        let mut start = 0;
        for (id, end) in self.rows.drain(..) {
            stmt.execute(params![id, &self.bytes[start..end]])?;
            start = end;
        }
        self.bytes.clear();
        Ok(())
    }
}

/// Rows of one table's `%_docsize`, `%_data` and `%_idx`, made by its bulk index without the
/// connection (so on any thread) and written by [`Pending::write`].
pub struct Pending {
    table: &'static str,
    docsize: Blobs,
    data: Blobs,
    idx: Vec<(i64, Vec<u8>, i64)>,
    idx_bytes: usize,
}

impl Sink for Pending {
    fn data(&mut self, id: i64, block: &[u8]) {
        self.data.bytes.extend_from_slice(block);
        self.data.end_row(id);
    }
    fn idx(&mut self, segid: i64, term: &[u8], pgno: i64) {
        self.idx.push((segid, term.to_vec(), pgno));
        self.idx_bytes += term.len() + 16;
    }
}

impl Pending {
    fn new(table: &'static str) -> Pending {
        Pending { table, docsize: Blobs::default(), data: Blobs::default(), idx: Vec::new(), idx_bytes: 0 }
    }

    /// The bytes held.
    fn size(&self) -> usize {
        self.docsize.bytes.len() + self.data.bytes.len() + self.idx_bytes
    }

    /// Inserts the rows, which leaves this empty.
    pub fn write(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        let table = self.table;
        // every row is in the one segment, which has origin 1 (as in FTS5's first flush)
        self.docsize.insert(conn, &format!("INSERT INTO {table}_docsize (id, sz, origin) VALUES (?1, ?2, 1)"))?;
        self.data.insert(conn, &format!("INSERT INTO {table}_data (id, block) VALUES (?1, ?2)"))?;
        if !self.idx.is_empty() {
            let mut stmt =
                conn.prepare_cached(&format!("INSERT INTO {table}_idx (segid, term, pgno) VALUES (?1, ?2, ?3)"))?;
            for (segid, term, pgno) in self.idx.drain(..) {
                stmt.execute(params![segid, term, pgno])?;
            }
            self.idx_bytes = 0;
        }
        Ok(())
    }
}

/// What a bulk index ends with: the totals, and the last page of its segment (none if no row
/// had a token), written by [`Ended::write`] after every row of its [`Pending`]s; and the rows
/// listed for its chosen tokens ([`BulkIndex::with_holders`]).
pub struct Ended {
    table: &'static str,
    rows: u64,
    totals: Vec<u64>,
    last_page: Option<i64>,
    /// The rowids holding each chosen token ([`BulkIndex::with_holders`]).
    holders: Vec<(u32, DocBitmap)>,
}

impl BulkIndex {
    /// Starts the index of `table`, which must hold nothing: an FTS5 table with `columns`
    /// columns, the tokenizer `tokenizer` with `args`, and `detail = none` if `rowids_only`
    /// (else `detail = full`), as its `CREATE VIRTUAL TABLE` says (FTS5 keeps none of these
    /// where they could be read back).
    pub fn start(
        conn: &Connection,
        table: &'static str,
        columns: usize,
        rowids_only: bool,
        tokenizer: &str,
        args: &[&str],
    ) -> rusqlite::Result<BulkIndex> {
        if columns == 0 || columns > 1 << COLUMN_BITS {
            return Err(misuse(format!("{table}: {columns} columns; a bulk index takes 1 to 16")));
        }
        let structure: Vec<u8> =
            conn.query_row(&format!("SELECT block FROM {table}_data WHERE id = 10"), [], |r| r.get(0))?;
        let segments = structure.get(8..).map(|rest| {
            let (_, n) = get_varint(rest);
            get_varint(&rest[n..]).0
        });
        if structure.get(4..8) != Some(&[0xff, 0, 0, 1]) || segments != Some(0) {
            return Err(misuse(format!("{table}: a bulk index needs an empty table with contentless_delete = 1")));
        }
        let config = |key: &str| -> rusqlite::Result<Option<String>> {
            conn.query_row(&format!("SELECT CAST(v AS TEXT) FROM {table}_config WHERE k = ?1"), [key], |r| r.get(0))
                .optional()
        };
        let pgsz = config("pgsz")?.and_then(|p| p.parse::<usize>().ok()).map_or(DEFAULT_PGSZ, |p| p.clamp(32, 65536));
        // large runs go beside the database (an in-memory one's to the temporary folder)
        let dir = conn
            .path()
            .filter(|p| !p.is_empty())
            .and_then(|p| std::path::Path::new(p).parent().map(std::path::Path::to_path_buf))
            .unwrap_or_else(std::env::temp_dir);
        Ok(BulkIndex {
            table,
            tokenizer: Tokenizer::new(conn, tokenizer, args)?,
            pgsz,
            rowids_only,
            batch: BATCH,
            short: Vec::with_capacity(headroom(BATCH)),
            long: Vec::new(),
            long_ids: HashMap::new(),
            long_tokens: Vec::new(),
            batch_rowids: Vec::new(),
            last_rowid: 0,
            rows: 0,
            totals: vec![0; columns],
            runs: Runs::new(table, dir),
            chosen: HashMap::default(),
            holders: Vec::new(),
        })
    }

    /// Lists the rowids holding each of `tokens` ([`packed_token`], each with a number of the
    /// caller's), found as each batch is sorted: once per token and row, where looking up every
    /// occurrence would cost a lookup per token of every text. The lists come with the
    /// [`Ended`].
    pub fn with_holders(mut self, tokens: impl IntoIterator<Item = (u64, u32)>) -> BulkIndex {
        for (key, number) in tokens {
            self.chosen.insert(key, self.holders.len());
            self.holders.push((number, DocBitmap::default()));
        }
        self
    }

    /// The number of occurrences after which a batch is written (the tests write many).
    #[cfg(test)]
    pub fn with_batch(mut self, occurrences: usize) -> BulkIndex {
        self.batch = occurrences.max(1);
        self
    }

    /// Rows to be written for this index, to hand to [`BulkIndex::add`] and [`BulkIndex::end`].
    pub fn pending(&self) -> Pending {
        Pending::new(self.table)
    }

    /// The bytes of sorted runs kept in memory before they go to a file.
    #[cfg(test)]
    pub fn with_memory(mut self, bytes: usize) -> BulkIndex {
        self.runs.keep_in_memory(bytes);
        self
    }

    /// Whether the sorted runs have gone to a file.
    #[cfg(test)]
    pub fn runs_in_file(&self) -> bool {
        self.runs.in_file()
    }

    /// Adds row `rowid` (greater than every rowid added before) with one text per column; the
    /// rows to write go to `out`.
    pub fn add(&mut self, rowid: i64, texts: &[&str], out: &mut Pending) -> rusqlite::Result<()> {
        if rowid <= self.last_rowid {
            return Err(misuse(format!(
                "{}: rowid {rowid} after {}; a bulk index takes rowids in increasing order",
                self.table, self.last_rowid
            )));
        }
        if texts.len() != self.totals.len() {
            return Err(misuse(format!("{}: {} texts for {} columns", self.table, texts.len(), self.totals.len())));
        }
        self.last_rowid = rowid;
        let row = self.batch_rowids.len() as u64;
        self.batch_rowids.push(rowid);
        let mut sizes = Vec::with_capacity(texts.len());
        for (column, text) in texts.iter().enumerate() {
            let mut size: u64 = 0;
            let (short, long, long_ids, long_tokens) =
                (&mut self.short, &mut self.long, &mut self.long_ids, &mut self.long_tokens);
            self.tokenizer.tokenize(text, |token, colocated| {
                let token = &token[..token.len().min(MAX_TOKEN)];
                if !colocated || size == 0 {
                    size += 1;
                }
                let at = place(row, column as u64, (size - 1) & ((1 << POSITION_BITS) - 1));
                if let Some(key) = packed_token(token) {
                    short.push((u128::from(key) << 64) | u128::from(at));
                } else {
                    let number = match long_ids.get(token) {
                        Some(n) => *n,
                        None => {
                            long_tokens.push(token.into());
                            long_ids.insert(token.into(), (long_tokens.len() - 1) as u32);
                            (long_tokens.len() - 1) as u32
                        }
                    };
                    long.push((number, at));
                }
            })?;
            if size >> POSITION_BITS != 0 || self.long_tokens.len() >= u32::MAX as usize {
                return Err(misuse(format!("{}: row {rowid} holds more tokens than a bulk index takes", self.table)));
            }
            sizes.push(size);
            self.totals[column] += size;
        }
        for s in sizes {
            put_varint(&mut out.docsize.bytes, s);
        }
        out.docsize.end_row(rowid);
        self.rows += 1;
        if self.short.len() + self.long.len() >= self.batch || self.batch_rowids.len() >= 1 << ROW_BITS {
            self.write_run()?;
        }
        Ok(())
    }

    /// The doclist of one token from its places, in order; returns its last rowid.
    fn doclist(&self, places: impl Iterator<Item = u64>, out: &mut Vec<u8>, poslist: &mut Vec<u8>) -> u64 {
        out.clear();
        let (mut prev_rowid, mut current_row, mut column, mut last) = (0u64, u64::MAX, 0u64, 0u64);
        poslist.clear();
        let end_row = |out: &mut Vec<u8>, poslist: &mut Vec<u8>| {
            if !self.rowids_only {
                put_varint(out, poslist.len() as u64 * 2);
                out.extend_from_slice(poslist);
                poslist.clear();
            }
        };
        for at in places {
            let row = row_of(at);
            if row != current_row {
                if current_row != u64::MAX {
                    end_row(out, poslist);
                }
                let rowid = self.batch_rowids[row as usize] as u64;
                put_varint(out, rowid - prev_rowid);
                (prev_rowid, current_row, column, last) = (rowid, row, 0, 0);
            }
            if self.rowids_only {
                continue;
            }
            let c = (at >> POSITION_BITS) & ((1 << COLUMN_BITS) - 1);
            let p = at & ((1 << POSITION_BITS) - 1);
            if c != column {
                poslist.push(1);
                put_varint(poslist, c);
                (column, last) = (c, 0);
            }
            put_varint(poslist, p - last + 2);
            last = p;
        }
        if current_row != u64::MAX {
            end_row(out, poslist);
        }
        prev_rowid
    }

    /// Sorts this batch into a run.
    fn write_run(&mut self) -> rusqlite::Result<()> {
        if self.batch_rowids.is_empty() {
            return Ok(());
        }
        let mut short = std::mem::take(&mut self.short);
        let mut long = std::mem::take(&mut self.long);
        short.sort_unstable();
        long.sort_unstable_by(|a, b| {
            self.long_tokens[a.0 as usize].cmp(&self.long_tokens[b.0 as usize]).then(a.1.cmp(&b.1))
        });
        let (mut key, mut doclist, mut poslist, mut packed) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut written = Ok(());
        // the two sorted lists merged by the tokens' bytes
        let (mut i, mut j) = (0, 0);
        while i < short.len() || j < long.len() {
            let short_key = short.get(i).map(|e| (e >> 64) as u64);
            packed.clear();
            if let Some(k) = short_key {
                unpack(k, &mut packed);
            }
            let short_first = match (short_key, long.get(j)) {
                (Some(_), Some((n, _))) => packed[..] < self.long_tokens[*n as usize][..],
                (Some(_), None) => true,
                _ => false,
            };
            key.clear();
            let last_rowid;
            if short_first {
                let k = short_key.unwrap_or_default();
                let end = i + short[i..].partition_point(|e| (e >> 64) as u64 == k);
                key.extend_from_slice(&packed);
                last_rowid = self.doclist(short[i..end].iter().map(|e| *e as u64), &mut doclist, &mut poslist);
                if let Some(&h) = self.chosen.get(&k) {
                    let (holders, rowids) = (&mut self.holders[h].1, &self.batch_rowids);
                    let mut previous = u64::MAX;
                    for row in short[i..end].iter().map(|e| row_of(*e as u64)) {
                        if row != previous {
                            holders.insert(rowids[row as usize]);
                            previous = row;
                        }
                    }
                }
                i = end;
            } else {
                let n = long[j].0;
                let end = j + long[j..].partition_point(|e| e.0 == n);
                key.extend_from_slice(&self.long_tokens[n as usize]);
                last_rowid = self.doclist(long[j..end].iter().map(|e| e.1), &mut doclist, &mut poslist);
                j = end;
            }
            written = self.runs.push(&key, last_rowid, &doclist);
            if written.is_err() {
                break;
            }
        }
        self.runs.end_run();
        self.batch_rowids.clear();
        short.clear();
        short.shrink_to(headroom(self.batch));
        long.clear();
        long.shrink_to(headroom(self.batch) / 64);
        self.short = short;
        self.long = long;
        // long tokens are numbered per batch
        self.long_ids.clear();
        self.long_tokens.clear();
        written.map_err(|e| self.runs.error(&e))
    }

    /// Sorts the last batch, and merges the runs into one segment, whose rows are handed to
    /// `emit` a piece at a time; what is left to write after them is the [`Ended`].
    pub fn end(mut self, emit: &mut dyn FnMut(Pending) -> rusqlite::Result<()>) -> rusqlite::Result<Ended> {
        self.write_run()?;
        let (table, pgsz, rowids_only) = (self.table, self.pgsz, self.rowids_only);
        let mut writer = SegmentWriter::new(1, pgsz, rowids_only);
        let mut out = Pending::new(table);
        let mut key = vec![b'0'];
        self.runs.merge(|token, doclist| {
            key.truncate(1);
            key.extend_from_slice(token);
            writer.term(&mut out, &key, doclist);
            if out.size() >= PIECE { emit(std::mem::replace(&mut out, Pending::new(table))) } else { Ok(()) }
        })?;
        let last_page = writer.finish(&mut out);
        emit(out)?;
        // rows without tokens make no segment
        Ok(Ended {
            table,
            rows: self.rows,
            totals: self.totals,
            last_page: (last_page > 0).then_some(last_page),
            holders: self.holders,
        })
    }
}

impl Ended {
    /// Writes the averages and the structure record, and has FTS5 read them again. Runs in the
    /// caller's transaction, after every row of the index is
    /// written; the transaction must have written to the table before (FTS5 joins a
    /// transaction when it is written to).
    pub fn write(&self, conn: &Connection) -> rusqlite::Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let table = self.table;
        let mut averages = Vec::new();
        put_varint(&mut averages, self.rows);
        for t in &self.totals {
            put_varint(&mut averages, *t);
        }
        // the structure: the cookie as it is, the V2 mark, the levels
        let old: Vec<u8> =
            conn.query_row(&format!("SELECT block FROM {table}_data WHERE id = 10"), [], |r| r.get(0))?;
        let cookie = old.get(..4).ok_or_else(|| misuse(format!("{table}: its structure record is cut short")))?;
        let mut structure = cookie.to_vec();
        structure.extend_from_slice(&[0xff, 0, 0, 1]);
        match self.last_page {
            // no level: rows without tokens make no segment
            None => structure.extend_from_slice(&[0, 0, 0]),
            // two levels, one segment, the pages written; level 0 empty; level 1, where FTS5's
            // `optimize` leaves the segment it merges (so that the small segments later writes
            // flush to level 0 are merged among themselves first, as after FTS5's own import):
            // no merge, one segment: its id, first and last page, origins, no tombstones, rows
            Some(last) => {
                for v in [2, 1, last as u64, 0, 0, 0, 1, 1, 1, last as u64, 1, 1, 0, 0, self.rows] {
                    put_varint(&mut structure, v);
                }
            }
        }
        conn.prepare_cached(&format!("REPLACE INTO {table}_data (id, block) VALUES (1, ?1), (10, ?2)"))?
            .execute(params![averages, structure])?;
        // FTS5 keeps the structure and the averages it read last; rolling back to a savepoint
        // taken now (which undoes nothing) makes it drop both and read them again
        conn.execute_batch("SAVEPOINT fts5_bulk; ROLLBACK TO fts5_bulk; RELEASE fts5_bulk;")
    }
}

#[cfg(test)]
mod tests;
