//! The index of an empty contentless FTS5 table, built in bulk: what a first import, a fresh
//! sync or a rebuild writes to `search_fts`, `search_titles` and `search_chars`, without
//! FTS5's pending-terms hash.
//!
//! FTS5 gathers the terms of the rows inserted into a hash table and flushes it as a segment
//! when it is full; with a vocabulary of two million tokens (a city's documents) that hash
//! spends most of an import waiting on memory. Here FTS5's own tokenizer
//! ([`tokenizer::Tokenizer`]) gives each row's tokens; each occurrence becomes a 128-bit entry
//! (a token of up to 8 bytes, which CJK bigrams are, packed into the high half; longer tokens
//! kept in a short list of their own), a batch of entries is sorted, and each batch is written
//! as one level-0 segment ([`segment::SegmentWriter`]), laid out exactly as FTS5 flushes one.
//! At the end the averages and the structure record are written, FTS5 is made to read them
//! again, and FTS5's `optimize` merges the segments into one. What FTS5 reads back is then an
//! index it could have written itself: the tests compare the two byte for byte, and then
//! answers, ranks, `integrity-check`, deletes and inserts.
//!
//! Only for an empty table with `contentless_delete = 1` and `detail = full` or `none`, rows
//! given in increasing rowid order; the store uses FTS5's own inserts otherwise.

mod segment;
mod tokenizer;

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, ffi, params};

use super::body_rank::ffi_error;
#[cfg(test)]
pub(super) use segment::put_varint;
#[cfg(not(test))]
use segment::put_varint;
use segment::{SegmentWriter, Sink, get_varint};
use tokenizer::Tokenizer;

/// FTS5's longest token: longer ones are cut to this many bytes.
const MAX_TOKEN: usize = 32768;
/// FTS5's page size unless the table's configuration says otherwise.
const DEFAULT_PGSZ: usize = 4050;
/// The occurrences of one batch (16 bytes each, sorted in place): a segment per 4,194,304
/// occurrences. The buffer has room for a quarter more (80 MiB, reserved, touched as it
/// fills), since a batch ends after the row that fills it; a longer row grows it, and it is
/// cut back after.
pub const BATCH: usize = 4 << 20;
/// Limits of an occurrence's packed place: rows in a batch, columns, positions in a column.
const ROW_BITS: u32 = 24;
const COLUMN_BITS: u32 = 4;
const POSITION_BITS: u32 = 36;

/// One segment written.
struct Segment {
    segid: i64,
    last_page: i64,
    rows: i64,
    origin: i64,
}

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
    segments: Vec<Segment>,
    origin: i64,
}

/// The room a batch's buffer keeps: a quarter more than the batch.
fn headroom(batch: usize) -> usize {
    batch.saturating_add(batch / 4)
}

fn misuse(what: String) -> rusqlite::Error {
    ffi_error(ffi::SQLITE_MISUSE, &what)
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

/// Writes a segment's rows into the table's `%_data` and `%_idx`; keeps the first error.
struct TableSink<'c> {
    data: rusqlite::CachedStatement<'c>,
    idx: rusqlite::CachedStatement<'c>,
    error: Option<rusqlite::Error>,
}

impl Sink for TableSink<'_> {
    fn data(&mut self, id: i64, block: &[u8]) {
        if self.error.is_none()
            && let Err(e) = self.data.execute(params![id, block])
        {
            self.error = Some(e);
        }
    }
    fn idx(&mut self, segid: i64, term: &[u8], pgno: i64) {
        if self.error.is_none()
            && let Err(e) = self.idx.execute(params![segid, term, pgno])
        {
            self.error = Some(e);
        }
    }
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
            segments: Vec::new(),
            origin: 1,
        })
    }

    /// The number of occurrences after which a batch is written (the tests write many).
    #[cfg(test)]
    pub fn with_batch(mut self, occurrences: usize) -> BulkIndex {
        self.batch = occurrences.max(1);
        self
    }

    /// Adds row `rowid` (greater than every rowid added before) with one text per column.
    pub fn add(&mut self, conn: &Connection, rowid: i64, texts: &[&str]) -> rusqlite::Result<()> {
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
                if token.len() <= 8 && !token.contains(&0) {
                    let mut bytes = [0u8; 8];
                    bytes[..token.len()].copy_from_slice(token);
                    short.push((u128::from(u64::from_be_bytes(bytes)) << 64) | u128::from(at));
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
        let mut sz = Vec::new();
        for s in sizes {
            put_varint(&mut sz, s);
        }
        conn.prepare_cached(&format!("INSERT INTO {}_docsize (id, sz, origin) VALUES (?1, ?2, ?3)", self.table))?
            .execute(params![rowid, sz, self.origin])?;
        self.rows += 1;
        if self.short.len() + self.long.len() >= self.batch || self.batch_rowids.len() >= 1 << ROW_BITS {
            self.write_segment(conn)?;
        }
        Ok(())
    }

    /// The doclist of one token from its places, in order.
    fn doclist(&self, places: impl Iterator<Item = u64>, out: &mut Vec<u8>, poslist: &mut Vec<u8>) {
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
    }

    /// Writes this batch as one segment.
    fn write_segment(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        if self.batch_rowids.is_empty() {
            return Ok(());
        }
        let mut short = std::mem::take(&mut self.short);
        let mut long = std::mem::take(&mut self.long);
        short.sort_unstable();
        long.sort_unstable_by(|a, b| {
            self.long_tokens[a.0 as usize].cmp(&self.long_tokens[b.0 as usize]).then(a.1.cmp(&b.1))
        });
        let segid = self.segments.len() as i64 + 1;
        let mut sink = TableSink {
            data: conn.prepare_cached(&format!("INSERT INTO {}_data (id, block) VALUES (?1, ?2)", self.table))?,
            idx: conn
                .prepare_cached(&format!("INSERT INTO {}_idx (segid, term, pgno) VALUES (?1, ?2, ?3)", self.table))?,
            error: None,
        };
        let mut writer = SegmentWriter::new(segid, self.pgsz, self.rowids_only);
        let (mut key, mut doclist, mut poslist, mut packed) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
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
            key.push(b'0');
            if short_first {
                let k = short_key.unwrap_or_default();
                let end = i + short[i..].partition_point(|e| (e >> 64) as u64 == k);
                key.extend_from_slice(&packed);
                self.doclist(short[i..end].iter().map(|e| *e as u64), &mut doclist, &mut poslist);
                i = end;
            } else {
                let n = long[j].0;
                let end = j + long[j..].partition_point(|e| e.0 == n);
                key.extend_from_slice(&self.long_tokens[n as usize]);
                self.doclist(long[j..end].iter().map(|e| e.1), &mut doclist, &mut poslist);
                j = end;
            }
            writer.term(&mut sink, &key, &doclist);
        }
        let last_page = writer.finish(&mut sink);
        if let Some(e) = sink.error {
            return Err(e);
        }
        // a batch of rows without tokens makes no segment (as in FTS5, where the next segment
        // takes the origin its rows were given)
        if last_page > 0 {
            self.segments.push(Segment { segid, last_page, rows: self.batch_rowids.len() as i64, origin: self.origin });
            self.origin += 1;
        }
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
        Ok(())
    }

    /// Writes the last segment, the averages and the structure record, has FTS5 read them
    /// again, and merges the segments into one. Runs in the caller's transaction, which must
    /// have written to the table before (FTS5 joins a transaction when it is written to).
    pub fn finish(mut self, conn: &Connection) -> rusqlite::Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        self.write_segment(conn)?;
        let table = self.table;
        let mut averages = Vec::new();
        put_varint(&mut averages, self.rows);
        for t in &self.totals {
            put_varint(&mut averages, *t);
        }
        // the structure: the cookie as it is, the V2 mark, one level holding every segment
        let old: Vec<u8> =
            conn.query_row(&format!("SELECT block FROM {table}_data WHERE id = 10"), [], |r| r.get(0))?;
        let mut structure = old[..4].to_vec();
        structure.extend_from_slice(&[0xff, 0, 0, 1]);
        let leaves: i64 = self.segments.iter().map(|s| s.last_page).sum();
        if self.segments.is_empty() {
            // no level: rows without tokens make no segment
            structure.extend_from_slice(&[0, 0, 0]);
        } else {
            for v in [1, self.segments.len() as u64, leaves as u64, 0, self.segments.len() as u64] {
                put_varint(&mut structure, v);
            }
        }
        for s in &self.segments {
            for v in [s.segid, 1, s.last_page, s.origin, s.origin, 0, 0, s.rows] {
                put_varint(&mut structure, v as u64);
            }
        }
        conn.prepare_cached(&format!("REPLACE INTO {table}_data (id, block) VALUES (1, ?1), (10, ?2)"))?
            .execute(params![averages, structure])?;
        // FTS5 keeps the structure and the averages it read last; rolling back to a savepoint
        // taken now (which undoes nothing) makes it drop both and read them again
        conn.execute_batch("SAVEPOINT fts5_bulk; ROLLBACK TO fts5_bulk; RELEASE fts5_bulk;")?;
        if self.segments.len() > 1 {
            conn.execute(&format!("INSERT INTO {table} ({table}) VALUES ('optimize')"), [])?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
