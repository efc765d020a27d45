//! Design measurement for issue 20's goal 3 (import ≤ 60 s at 100,000 documents): how long the
//! bodies' positional bigram index takes to build in FTS5, as the store builds it today, against
//! a sort-based postings builder written for this measurement (not used by the kiosk). One run,
//! both sides alternating, on the same token texts:
//!
//!     BENCH_DOCS=20000 cargo bench --bench body_postings
//!     BENCH_DOCS=100000 cargo bench --bench body_postings
//!
//! `BENCH_PAIRS` (2) sets how many times each side runs.
//!
//! The input is the search benchmark's realistic corpus (`common/zipf_corpus.rs`): each
//! document's indexed body (`store::document_text`, folded, as `text::tokens::index_text`
//! writes it), worked out before either side is timed, with the boilerplate runs still in (the
//! store's import takes them out of the bodies). Both sides write a fresh SQLite file in
//! one transaction, with the store's page cache and FTS5 buffer for imports (64 MiB, 16 MiB),
//! and keep the same information: for each token, the documents and the positions it occurs at.
//!
//! - **fts5**: `INSERT INTO body_fts (rowid, body)`, a contentless FTS5 table with
//!   `contentless_delete = 1` and the store's tokenizer (what `search_fts` gets for its body
//!   column; its automatic merges included).
//! - **sorted**: each token becomes a 64-bit key (a token of one or two non-ASCII characters,
//!   such as a CJK bigram or character, by its code points; a word by a number of its own); every occurrence becomes one 128-bit entry (key, document,
//!   position) in a batch of 4,194,304 entries (64 MiB); a full batch is sorted and written as one segment of
//!   blocks of at least 4 KB (per token: document deltas, position counts, position deltas, as
//!   varints; a token's postings are never split, so after the merge a frequent token's block
//!   is its whole list);
//!   at the end the segments are merged into one, as FTS5's `optimize` would, and the index
//!   from a token to its block is built.
//!
//! Each side starts after `sync` and a pause, so that neither pays for the other's writeback.
//!
//! After the runs, the last pair's two indexes are compared: every token must have the same
//! number of documents and occurrences on both sides (read from FTS5 through `fts5vocab`), and
//! a sample of tokens the same documents and positions. For the other tokens, which documents
//! and positions they list is not compared.
//! This measures only the building: the sorted side has no query code, no deletes and no
//! ranking statistics, which the kiosk would need before it could replace FTS5 here.

#[path = "common/corpus.rs"]
mod corpus;
#[path = "common/disk.rs"]
mod disk;
#[path = "common/zipf_corpus.rs"]
mod zipf_corpus;

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use gongkai_kiosk::store::document_text;
use gongkai_kiosk::text::fold::fold;
use gongkai_kiosk::text::tokens::index_text;
use rusqlite::{Connection, params};

const BATCH_ENTRIES: usize = 4 << 20;
const BLOCK_BYTES: usize = 4096;
/// Words (letters and digits) get keys from here up; CJK keys stay below (two code points of
/// 21 bits, plus one bit for a lone character).
const WORD_KEYS: u64 = 1 << 43;

fn open(path: &Path) -> Connection {
    let _ = std::fs::remove_file(path);
    let conn = Connection::open(path).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    conn.pragma_update(None, "cache_size", -64 * 1024).unwrap();
    conn
}

fn fts5_build(path: &Path, bodies: &[String]) -> f64 {
    let mut conn = open(path);
    let t = Instant::now();
    let tx = conn.transaction().unwrap();
    tx.execute_batch(
        "CREATE VIRTUAL TABLE body_fts USING fts5(body, content = '', contentless_delete = 1,
             tokenize = 'unicode61 remove_diacritics 0');
         INSERT INTO body_fts (body_fts, rank) VALUES ('hashsize', 16777216);",
    )
    .unwrap();
    {
        let mut insert = tx.prepare("INSERT INTO body_fts (rowid, body) VALUES (?1, ?2)").unwrap();
        for (i, b) in bodies.iter().enumerate() {
            insert.execute(params![i as i64 + 1, b]).unwrap();
        }
    }
    tx.commit().unwrap();
    t.elapsed().as_secs_f64()
}

/// A token as FTS5's tokenizer stores it: it folds case beyond what `text::fold` folds
/// (`Ⅰ` → `ⅰ`).
fn fts5_case(token: &str) -> std::borrow::Cow<'_, str> {
    if token.chars().any(char::is_uppercase) { token.to_lowercase().into() } else { token.into() }
}

/// Token → key: a CJK bigram or single character by its code points, a word by its own number.
struct Keys {
    words: HashMap<String, u64>,
}

impl Keys {
    fn of(&mut self, token: &str) -> u64 {
        let token = fts5_case(token);
        let token = token.as_ref();
        let mut cs = token.chars();
        match (cs.next(), cs.next(), cs.next()) {
            (Some(a), None, _) if !a.is_ascii() => (a as u64) << 22 | 1,
            (Some(a), Some(b), None) if !a.is_ascii() && !b.is_ascii() => (a as u64) << 22 | (b as u64) << 1,
            _ => {
                let next = WORD_KEYS + self.words.len() as u64;
                *self.words.entry(token.to_string()).or_insert(next)
            }
        }
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(b: &[u8], at: &mut usize) -> u64 {
    let (mut v, mut shift) = (0u64, 0);
    loop {
        let byte = b[*at];
        *at += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return v;
        }
        shift += 7;
    }
}

/// One token's postings, flat: its documents in order, how many positions each has, and the
/// positions one document after another. Reused from token to token.
#[derive(Default)]
struct Postings {
    docs: Vec<u32>,
    counts: Vec<u32>,
    positions: Vec<u32>,
}

impl Postings {
    fn clear(&mut self) {
        self.docs.clear();
        self.counts.clear();
        self.positions.clear();
    }

    fn add(&mut self, doc: u32, pos: u32) {
        if self.docs.last() == Some(&doc) {
            *self.counts.last_mut().unwrap() += 1;
        } else {
            self.docs.push(doc);
            self.counts.push(1);
        }
        self.positions.push(pos);
    }

    fn append(&mut self, other: &Postings) {
        self.docs.extend_from_slice(&other.docs);
        self.counts.extend_from_slice(&other.counts);
        self.positions.extend_from_slice(&other.positions);
    }
}

/// Writes one segment's blocks: (segment, first key of the block, the block).
struct SegmentWriter<'c> {
    insert: rusqlite::Statement<'c>,
    segment: i64,
    block: Vec<u8>,
    first_key: Option<u64>,
}

impl<'c> SegmentWriter<'c> {
    fn new(conn: &'c Connection, segment: i64) -> Self {
        SegmentWriter {
            insert: conn.prepare("INSERT INTO postings (segment, first_key, block) VALUES (?1, ?2, ?3)").unwrap(),
            segment,
            block: Vec::with_capacity(2 * BLOCK_BYTES),
            first_key: None,
        }
    }

    fn term(&mut self, key: u64, p: &Postings) {
        self.first_key.get_or_insert(key);
        put_varint(&mut self.block, key);
        put_varint(&mut self.block, p.docs.len() as u64);
        let (mut last_doc, mut at) = (0, 0);
        for (&doc, &count) in p.docs.iter().zip(&p.counts) {
            put_varint(&mut self.block, u64::from(doc.checked_sub(last_doc).expect("documents in order")));
            last_doc = doc;
            put_varint(&mut self.block, u64::from(count));
            let mut last = 0;
            for &pos in &p.positions[at..at + count as usize] {
                put_varint(&mut self.block, u64::from(pos.checked_sub(last).expect("positions in order")));
                last = pos;
            }
            at += count as usize;
        }
        if self.block.len() >= BLOCK_BYTES {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if let Some(first) = self.first_key.take() {
            self.insert.execute(params![self.segment, first as i64, self.block]).unwrap();
            self.block.clear();
        }
    }
}

/// Decodes one token's postings at `at` in `block` into `p` (emptied first); returns its key.
fn decode(block: &[u8], at: &mut usize, p: &mut Postings) -> u64 {
    p.clear();
    let key = get_varint(block, at);
    let n = get_varint(block, at) as usize;
    let mut doc = 0u32;
    for _ in 0..n {
        doc += get_varint(block, at) as u32;
        let count = get_varint(block, at) as u32;
        p.docs.push(doc);
        p.counts.push(count);
        let mut pos = 0u32;
        for _ in 0..count {
            pos += get_varint(block, at) as u32;
            p.positions.push(pos);
        }
    }
    key
}

/// Reads a segment back, token by token, in key order, one block in memory at a time.
struct SegmentCursor {
    segment: i64,
    rowid: i64,
    block: Vec<u8>,
    at: usize,
    /// The current token's key and postings.
    key: Option<u64>,
    postings: Postings,
}

impl SegmentCursor {
    fn new(segment: i64) -> Self {
        SegmentCursor { segment, rowid: 0, block: Vec::new(), at: 0, key: None, postings: Postings::default() }
    }

    fn advance(&mut self, conn: &Connection) {
        if self.at >= self.block.len() {
            let next = conn
                .prepare_cached(
                    // along the rowids: a segment's blocks are consecutive rows
                    "SELECT rowid, block FROM postings NOT INDEXED WHERE segment = ?1 AND rowid > ?2 ORDER BY rowid LIMIT 1",
                )
                .unwrap()
                .query_row(params![self.segment, self.rowid], |r| Ok((r.get(0)?, r.get(1)?)));
            match next {
                Ok((rowid, block)) => (self.rowid, self.block, self.at) = (rowid, block, 0),
                Err(rusqlite::Error::QueryReturnedNoRows) => {
                    self.key = None;
                    return;
                }
                Err(e) => panic!("reading segment {} back: {e}", self.segment),
            }
        }
        self.key = Some(decode(&self.block, &mut self.at, &mut self.postings));
    }
}

/// Sorts one batch of entries and writes it as a segment.
fn write_batch(conn: &Connection, segment: i64, entries: &mut Vec<u128>) {
    entries.sort_unstable();
    let mut w = SegmentWriter::new(conn, segment);
    let mut p = Postings::default();
    let mut current = None;
    for &e in entries.iter() {
        let (key, doc, pos) = ((e >> 64) as u64, (e >> 32) as u32, e as u32);
        if current != Some(key) {
            if let Some(k) = current {
                w.term(k, &p);
                p.clear();
            }
            current = Some(key);
        }
        p.add(doc, pos);
    }
    if let Some(k) = current {
        w.term(k, &p);
    }
    w.flush();
    entries.clear();
}

/// Builds the sorted side; returns its time, its number of segments before the merge, and the
/// token keys it gave (the words' numbers depend on the order they came in).
fn sorted_build(path: &Path, bodies: &[String]) -> (f64, usize, Keys) {
    let mut conn = open(path);
    let t = Instant::now();
    let tx = conn.transaction().unwrap();
    tx.execute_batch(
        "CREATE TABLE postings (segment INTEGER NOT NULL, first_key INTEGER NOT NULL, block BLOB NOT NULL);",
    )
    .unwrap();
    let mut keys = Keys { words: HashMap::new() };
    let mut entries: Vec<u128> = Vec::with_capacity(BATCH_ENTRIES + 8192);
    let mut segments = 0i64;
    for (i, body) in bodies.iter().enumerate() {
        let doc = i as u128 + 1;
        for (pos, token) in body.split(' ').filter(|t| !t.is_empty()).enumerate() {
            entries.push(u128::from(keys.of(token)) << 64 | doc << 32 | pos as u128);
        }
        if entries.len() >= BATCH_ENTRIES {
            write_batch(&tx, segments, &mut entries);
            segments += 1;
        }
    }
    if !entries.is_empty() {
        write_batch(&tx, segments, &mut entries);
        segments += 1;
    }
    // The merge: every segment read back in key order, each token's documents concatenated (the
    // segments hold consecutive document ranges, in order), written as segment -1; the others
    // deleted.
    if segments > 1 {
        let mut cursors: Vec<SegmentCursor> = (0..segments).map(SegmentCursor::new).collect();
        cursors.iter_mut().for_each(|c| c.advance(&tx));
        let mut w = SegmentWriter::new(&tx, -1);
        let mut merged = Postings::default();
        while let Some(key) = cursors.iter().filter_map(|c| c.key).min() {
            merged.clear();
            for c in cursors.iter_mut().filter(|c| c.key == Some(key)) {
                merged.append(&c.postings);
                c.advance(&tx);
            }
            w.term(key, &merged);
        }
        w.flush();
        drop(w);
        tx.execute("DELETE FROM postings WHERE segment >= 0", []).unwrap();
    } else {
        tx.execute("UPDATE postings SET segment = -1", []).unwrap();
    }
    // The lookup from a token to its block (FTS5 keeps its own in `_idx`, inside its time too).
    tx.execute_batch("CREATE INDEX postings_key ON postings (segment, first_key)").unwrap();
    tx.commit().unwrap();
    (t.elapsed().as_secs_f64(), segments as usize, keys)
}

/// Each token's documents and positions on the sorted side, read back from the merged segment.
fn sorted_postings(sorted: &Connection) -> HashMap<u64, Postings> {
    let mut all = HashMap::new();
    let mut cursor = SegmentCursor::new(-1);
    cursor.advance(sorted);
    while let Some(key) = cursor.key {
        all.insert(key, std::mem::take(&mut cursor.postings));
        cursor.advance(sorted);
    }
    all
}

/// Checks that both sides hold the same index: every token FTS5 holds, with the same number of
/// documents and occurrences, and no other token; the positions of the tokens in `sample`.
/// Panics with the first difference.
/// `keys` are the sorted side's, as its build left them.
fn check_same(fts: &Connection, sorted: &Connection, mut keys: Keys, tokens: usize, sample: &[&str]) {
    let postings = sorted_postings(sorted);
    fts.execute_batch(
        "CREATE VIRTUAL TABLE temp.v_row USING fts5vocab(main, 'body_fts', 'row');
         CREATE VIRTUAL TABLE temp.v_inst USING fts5vocab(main, 'body_fts', 'instance');",
    )
    .unwrap();
    let (mut terms, mut occurrences) = (0usize, 0usize);
    let mut rows = fts.prepare("SELECT term, doc, cnt FROM v_row").unwrap();
    let mut rows = rows.query([]).unwrap();
    while let Some(r) = rows.next().unwrap() {
        let (term, docs, cnt): (String, usize, usize) = (r.get(0).unwrap(), r.get(1).unwrap(), r.get(2).unwrap());
        let p = postings
            .get(&keys.of(&term))
            .unwrap_or_else(|| panic!("token {term}: in fts5, not in the sorted postings"));
        assert_eq!(
            (p.docs.len(), p.positions.len()),
            (docs, cnt),
            "token {term}: (documents, occurrences) sorted / fts5"
        );
        terms += 1;
        occurrences += cnt;
    }
    assert_eq!(terms, postings.len(), "distinct tokens: fts5 {terms}, sorted {}", postings.len());
    assert_eq!(occurrences, tokens, "occurrences in fts5 against the tokens given");
    let mut inst = fts.prepare("SELECT doc, offset FROM v_inst WHERE term = ?1 ORDER BY doc, offset").unwrap();
    for token in sample {
        let fts_positions: Vec<(u32, u32)> =
            inst.query_map([fts5_case(token)], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
        let p = &postings[&keys.of(token)];
        let mut at = 0;
        let mut ours = Vec::with_capacity(p.positions.len());
        for (&doc, &count) in p.docs.iter().zip(&p.counts) {
            ours.extend(p.positions[at..at + count as usize].iter().map(|&pos| (doc, pos)));
            at += count as usize;
        }
        assert!(ours == fts_positions, "token {token}: the positions differ");
    }
    println!(
        "checked: the same {terms} tokens on both sides, each with the same number of documents and of occurrences ({occurrences} in all); the same documents and positions for {} distinct tokens of them",
        sample.len()
    );
}

fn main() {
    let n: usize = std::env::var("BENCH_DOCS").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000);
    let pairs: usize = std::env::var("BENCH_PAIRS").ok().and_then(|v| v.parse().ok()).unwrap_or(2);
    if n == 0 || pairs == 0 {
        eprintln!("BENCH_DOCS and BENCH_PAIRS must be at least 1");
        std::process::exit(2);
    }
    let dir = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let bodies: Vec<String> = zipf_corpus::corpus(n).iter().map(|d| index_text(&fold(&document_text(d).1))).collect();
    let tokens: usize = bodies.iter().map(|b| b.split(' ').filter(|t| !t.is_empty()).count()).sum();
    println!(
        "{n} documents' bodies: {tokens} tokens, {:.1} MB of token text, prepared in {:.1} s (not timed below)",
        bodies.iter().map(String::len).sum::<usize>() as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    let (fts_path, sorted_path) = (dir.path().join("fts.sqlite"), dir.path().join("sorted.sqlite"));
    let mut keys = None;
    for pair in 1..=pairs {
        // the previous pair's files deleted before the disk settles, not while a side is timed
        for path in [&fts_path, &sorted_path] {
            let _ = std::fs::remove_file(path);
        }
        disk::settle();
        let fts = fts5_build(&fts_path, &bodies);
        let fts_bytes: i64 = Connection::open(&fts_path)
            .unwrap()
            .query_row("SELECT sum(length(block)) FROM body_fts_data", [], |r| r.get(0))
            .unwrap();
        disk::settle();
        let (sorted, segments, built) = sorted_build(&sorted_path, &bodies);
        keys = Some(built);
        let sorted_bytes: i64 = Connection::open(&sorted_path)
            .unwrap()
            .query_row("SELECT sum(length(block)) FROM postings", [], |r| r.get(0))
            .unwrap();
        println!(
            "pair {pair}: fts5 {fts:.1} s ({:.0} ns a token, {:.0} MB of blocks); sorted {sorted:.1} s ({:.0} ns a token, {segments} segment(s) merged into one, {:.0} MB of blocks); fts5 ÷ sorted = {:.2}",
            fts * 1e9 / tokens as f64,
            fts_bytes as f64 / 1e6,
            sorted * 1e9 / tokens as f64,
            sorted_bytes as f64 / 1e6,
            fts / sorted
        );
    }
    // The positions are compared for 3 tokens of each of 10 bodies spread over the corpus, and
    // for the first word (letters or digits) of the corpus if it has one.
    let mut sample: Vec<&str> = (0..10)
        .flat_map(|i| bodies[i * n / 10].split(' ').filter(|t| !t.is_empty()).skip(50).step_by(97).take(3))
        .collect();
    sample.extend(bodies.iter().flat_map(|b| b.split(' ')).find(|t| t.chars().next().is_some_and(|c| c.is_ascii())));
    sample.sort_unstable();
    sample.dedup();
    let fts = Connection::open(&fts_path).unwrap();
    let sorted = Connection::open(&sorted_path).unwrap();
    check_same(&fts, &sorted, keys.expect("at least one pair ran"), tokens, &sample);
}
