//! One FTS5 segment written from terms in sorted order: its leaf pages, its doclist indexes
//! and its rows of the term index, laid out byte for byte as FTS5 lays out the segment it
//! flushes from its pending terms (`detail = full`, no secure-delete). The layout is the one
//! SQLite's `fts5_index.c` describes at its top: leaves of `pgsz` bytes with a 4-byte header
//! and a footer of term offsets, terms prefix-compressed, doclists of rowid deltas and
//! position lists, split across pages where they do not fit; a doclist index for a term whose
//! doclist leaves at least four pages without a term; a `%_idx` row for every page that starts
//! with a term. The tests compare the result with FTS5's own, byte for byte.

/// Appends `v` as SQLite's variable-length integer: big-endian groups of 7 bits, the high bit
/// set on all but the last byte; a 9th byte, if needed, carries 8 bits.
pub fn put_varint(out: &mut Vec<u8>, v: u64) {
    if v <= 0x7f {
        out.push(v as u8);
    } else if v <= 0x3fff {
        out.extend_from_slice(&[((v >> 7) as u8) | 0x80, (v as u8) & 0x7f]);
    } else if v >> 56 != 0 {
        let mut bytes = [0u8; 9];
        bytes[8] = v as u8;
        let mut w = v >> 8;
        for b in bytes[..8].iter_mut().rev() {
            *b = ((w as u8) & 0x7f) | 0x80;
            w >>= 7;
        }
        out.extend_from_slice(&bytes);
    } else {
        let mut groups = [0u8; 8];
        let mut n = 0;
        let mut w = v;
        while w != 0 {
            groups[n] = ((w as u8) & 0x7f) | 0x80;
            w >>= 7;
            n += 1;
        }
        groups[0] &= 0x7f;
        out.extend(groups[..n].iter().rev());
    }
}

/// The value of the varint at the start of `b`, and its length; None if `b` ends inside it.
pub fn sqlite_varint(b: &[u8]) -> Option<(u64, usize)> {
    let mut v: u64 = 0;
    for (i, &byte) in b.iter().enumerate().take(9) {
        if i == 8 {
            return Some(((v << 8) | u64::from(byte), 9));
        }
        v = (v << 7) | u64::from(byte & 0x7f);
        if byte & 0x80 == 0 {
            return Some((v, i + 1));
        }
    }
    None
}

/// [`sqlite_varint`], bytes past the end of `buf` read as zero, as in FTS5's padded buffers.
pub fn get_varint(buf: &[u8]) -> (u64, usize) {
    let mut padded = [0u8; 9];
    let n = buf.len().min(9);
    padded[..n].copy_from_slice(&buf[..n]);
    sqlite_varint(&padded).unwrap_or_default()
}

/// Where a segment's rows go.
pub trait Sink {
    /// A row of the table's `%_data`.
    fn data(&mut self, id: i64, block: &[u8]);
    /// A row of the table's `%_idx`.
    fn idx(&mut self, segid: i64, term: &[u8], pgno: i64);
}

/// The `%_data` id of leaf `pgno` of segment `segid`.
fn leaf_id(segid: i64, pgno: i64) -> i64 {
    (segid << 37) + pgno
}

/// The `%_data` id of page `pgno` at `height` of a doclist index of segment `segid`.
fn dlidx_id(segid: i64, height: usize, pgno: i64) -> i64 {
    (segid << 37) + (1 << 36) + ((height as i64) << 31) + pgno
}

/// One level of the doclist index being built.
#[derive(Default)]
struct DlidxLevel {
    buf: Vec<u8>,
    pgno: i64,
    prev: Option<i64>,
}

/// A segment being written: call [`SegmentWriter::term`] for each term in byte order, then
/// [`SegmentWriter::finish`].
pub struct SegmentWriter {
    segid: i64,
    pgsz: usize,
    /// `detail = none`: doclists are rowids alone.
    rowids_only: bool,
    /// The leaf being filled, its 4-byte header first.
    page: Vec<u8>,
    /// The leaf's footer: the offsets of its terms, delta-encoded.
    footer: Vec<u8>,
    last_term_at: usize,
    pgno: i64,
    /// The last term written, for prefix compression.
    term: Vec<u8>,
    first_term_in_page: bool,
    first_rowid_in_page: bool,
    /// The first page with a term whose `%_idx` row is not written yet, and its key.
    index_page: i64,
    index_key: Vec<u8>,
    /// Pages without a term since `index_page`.
    termless: usize,
    dlidx: Vec<DlidxLevel>,
}

impl SegmentWriter {
    pub fn new(segid: i64, pgsz: usize, rowids_only: bool) -> SegmentWriter {
        SegmentWriter {
            segid,
            pgsz,
            rowids_only,
            page: vec![0; 4],
            footer: Vec::new(),
            last_term_at: 0,
            pgno: 1,
            term: Vec::new(),
            first_term_in_page: true,
            first_rowid_in_page: false,
            index_page: 1,
            index_key: Vec::new(),
            termless: 0,
            dlidx: vec![DlidxLevel::default()],
        }
    }

    fn flush_leaf(&mut self, sink: &mut impl Sink) {
        let size = self.page.len() as u16;
        self.page[2..4].copy_from_slice(&size.to_be_bytes());
        if self.first_term_in_page {
            // a page with no term: a doclist index entry of 0 if it has no rowid either
            if self.first_rowid_in_page && !self.dlidx[0].buf.is_empty() {
                put_varint(&mut self.dlidx[0].buf, 0);
            }
            self.termless += 1;
        } else {
            self.page.extend_from_slice(&self.footer);
        }
        sink.data(leaf_id(self.segid, self.pgno), &self.page);
        self.page.clear();
        self.page.extend_from_slice(&[0; 4]);
        self.footer.clear();
        self.last_term_at = 0;
        self.pgno += 1;
        self.first_term_in_page = true;
        self.first_rowid_in_page = true;
    }

    /// Writes the doclist index of the term that started on `index_page` if its doclist left
    /// enough pages without a term, and then that page's `%_idx` row.
    fn flush_index(&mut self, sink: &mut impl Sink) {
        if self.index_page == 0 {
            return;
        }
        let with_dlidx = !self.dlidx[0].buf.is_empty() && self.termless >= 4;
        for (height, level) in self.dlidx.iter_mut().enumerate() {
            if level.buf.is_empty() {
                break;
            }
            if with_dlidx {
                sink.data(dlidx_id(self.segid, height, level.pgno), &level.buf);
            }
            level.buf.clear();
            level.prev = None;
        }
        self.termless = 0;
        sink.idx(self.segid, &self.index_key, i64::from(with_dlidx) + (self.index_page << 1));
        self.index_page = 0;
    }

    /// Records the first rowid of a page that continues a doclist.
    fn dlidx_append(&mut self, sink: &mut impl Sink, rowid: i64) {
        let mut i = 0;
        loop {
            let full = self.dlidx[i].buf.len() >= self.pgsz;
            if full {
                // the level's page is full: write it, and carry its first rowid up
                self.dlidx[i].buf[0] = 0x01;
                sink.data(dlidx_id(self.segid, i, self.dlidx[i].pgno), &self.dlidx[i].buf);
                if self.dlidx.len() < i + 2 {
                    self.dlidx.resize_with(i + 2, DlidxLevel::default);
                }
                if self.dlidx[i + 1].buf.is_empty() {
                    let buf = &self.dlidx[i].buf;
                    let (_, n) = get_varint(&buf[1..]);
                    let first = get_varint(&buf[1 + n..]).0 as i64;
                    let pgno = self.dlidx[i].pgno;
                    let up = &mut self.dlidx[i + 1];
                    up.pgno = pgno;
                    put_varint(&mut up.buf, 0);
                    put_varint(&mut up.buf, pgno as u64);
                    put_varint(&mut up.buf, first as u64);
                    up.prev = Some(first);
                }
                self.dlidx[i].buf.clear();
                self.dlidx[i].prev = None;
                self.dlidx[i].pgno += 1;
            }
            let value = match self.dlidx[i].prev {
                Some(prev) => (rowid as u64).wrapping_sub(prev as u64),
                None => {
                    let pgno = if i == 0 { self.pgno } else { self.dlidx[i - 1].pgno };
                    let level = &mut self.dlidx[i];
                    put_varint(&mut level.buf, u64::from(full));
                    put_varint(&mut level.buf, pgno as u64);
                    rowid as u64
                }
            };
            let level = &mut self.dlidx[i];
            put_varint(&mut level.buf, value);
            level.prev = Some(rowid);
            if !full {
                return;
            }
            i += 1;
        }
    }

    fn append_term(&mut self, sink: &mut impl Sink, term: &[u8]) {
        if self.page.len() + self.footer.len() + term.len() + 2 >= self.pgsz && self.page.len() > 4 {
            self.flush_leaf(sink);
        }
        put_varint(&mut self.footer, (self.page.len() - self.last_term_at) as u64);
        self.last_term_at = self.page.len();
        let prefix = if self.first_term_in_page {
            if self.pgno != 1 {
                // the page's key in the term index: the shortest prefix of the term that sorts
                // after every term before it
                self.flush_index(sink);
                let n = if self.term.is_empty() { term.len() } else { 1 + common_prefix(&self.term, term) };
                self.index_key.clear();
                self.index_key.extend_from_slice(&term[..n.min(term.len())]);
                self.index_page = self.pgno;
            }
            0
        } else {
            let prefix = common_prefix(&self.term, term);
            put_varint(&mut self.page, prefix as u64);
            prefix
        };
        put_varint(&mut self.page, (term.len() - prefix) as u64);
        self.page.extend_from_slice(&term[prefix..]);
        self.term.clear();
        self.term.extend_from_slice(term);
        self.first_term_in_page = false;
        self.first_rowid_in_page = false;
        self.dlidx[0].pgno = self.pgno;
    }

    /// Appends `term` (the index's prefix byte, then the token) with its doclist: rowid deltas,
    /// each followed by its position list's size (bytes × 2) and the position list (with
    /// `detail = none`, the rowid deltas alone).
    pub fn term(&mut self, sink: &mut impl Sink, term: &[u8], doclist: &[u8]) {
        self.append_term(sink, term);
        let pgsz = self.pgsz;
        if pgsz > self.page.len() + self.footer.len() + doclist.len() {
            self.page.extend_from_slice(doclist);
            return;
        }
        let (mut off, mut rowid, mut prev) = (0, 0u64, 0u64);
        while off < doclist.len() {
            let (delta, n) = get_varint(&doclist[off..]);
            off += n;
            rowid = rowid.wrapping_add(delta);
            if self.first_rowid_in_page {
                let at = self.page.len() as u16;
                self.page[0..2].copy_from_slice(&at.to_be_bytes());
                put_varint(&mut self.page, rowid);
                self.first_rowid_in_page = false;
                self.dlidx_append(sink, rowid as i64);
            } else {
                put_varint(&mut self.page, rowid.wrapping_sub(prev));
            }
            prev = rowid;
            if self.rowids_only {
                if self.page.len() + self.footer.len() >= pgsz {
                    self.flush_leaf(sink);
                }
                continue;
            }
            let (size, n) = get_varint(&doclist[off..]);
            let len = (n + (size / 2) as usize).min(doclist.len() - off);
            let poslist = &doclist[off..off + len];
            if self.page.len() + self.footer.len() + len <= pgsz {
                self.page.extend_from_slice(poslist);
            } else {
                // split between varints, filling each page
                let mut at = 0;
                while at < len {
                    let space = pgsz.saturating_sub(self.page.len() + self.footer.len());
                    let n = if len - at <= space { len - at } else { whole_varints(&poslist[at..], space) };
                    self.page.extend_from_slice(&poslist[at..at + n]);
                    at += n;
                    if self.page.len() + self.footer.len() >= pgsz {
                        self.flush_leaf(sink);
                    }
                }
            }
            off += len;
        }
    }

    /// Writes the last leaf and the last `%_idx` row; returns the last leaf's page number (0
    /// if no term was written).
    pub fn finish(mut self, sink: &mut impl Sink) -> i64 {
        if self.page.len() > 4 {
            self.flush_leaf(sink);
        }
        let last = self.pgno - 1;
        if self.pgno > 1 {
            self.flush_index(sink);
        }
        last
    }
}

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// How many bytes of whole varints from the start of `buf` fit in `max` bytes (the first
/// varint always counts).
fn whole_varints(buf: &[u8], max: usize) -> usize {
    let (_, mut n) = get_varint(buf);
    while n < max {
        let (_, next) = get_varint(&buf[n..]);
        if n + next > max {
            break;
        }
        n += next;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_read_back_as_sqlite_writes_them() {
        for v in
            [0, 1, 127, 128, 16383, 16384, 2_097_151, 2_097_152, u64::from(u32::MAX), 1 << 56, (1 << 56) - 1, u64::MAX]
        {
            let mut out = Vec::new();
            put_varint(&mut out, v);
            assert_eq!(get_varint(&out), (v, out.len()), "{v}");
        }
        let mut out = Vec::new();
        put_varint(&mut out, 300);
        assert_eq!(out, [0x82, 0x2c]);
    }
}
