//! The bulk index against FTS5's own: the same rows inserted into FTS5 and flushed once give
//! the same segment byte for byte, however the bulk index cuts them into batches and runs;
//! then the same answers and ranks, `integrity-check`, deletes, inserts, FTS5's merges and
//! `optimize`.

use rusqlite::{Connection, params};

use super::tokenizer::Tokenizer;
use super::{BulkIndex, IndexThread, packed_token};

const SCHEMA: &str = "CREATE VIRTUAL TABLE t USING fts5(title, body, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 0');";
const ARGS: [&str; 2] = ["remove_diacritics", "0"];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Rows with a skewed vocabulary: CJK bigrams and characters, words short and long (some
/// sharing their first 8 bytes), accented and upper-case letters FTS5 folds, punctuation and
/// an emoji it drops, empty titles, rowids with gaps, a common token in every row.
fn rows(n: usize, seed: u64) -> Vec<(i64, String, String)> {
    let mut rng = Rng(seed | 1);
    let vocab: Vec<String> = (0..3000u32)
        .map(|i| {
            let a = char::from_u32(0x4e00 + i * 7 % 500).unwrap();
            let b = char::from_u32(0x4e00 + i * 13 % 700).unwrap();
            match i % 12 {
                0 => format!("W{i}ord"),
                1 => format!("{a}，{b}"),
                2 => format!("É{a}ß"),
                3 => format!("abcdefgh{}", i % 5),
                4 => "abcdefgh".to_string(),
                5 => format!("{a}"),
                _ => format!("{a}{b}"),
            }
        })
        .collect();
    let pick = |rng: &mut Rng| {
        let u = (rng.next() % 10_000) as f64 / 10_000.0;
        vocab[(u * u * u * 3000.0) as usize].clone()
    };
    let mut rowid = 0;
    (0..n)
        .map(|d| {
            rowid += 1 + i64::from(d % 7 == 0) * 500;
            let title: Vec<String> = (0..rng.next() % 4).map(|_| pick(&mut rng)).collect();
            let mut body: Vec<String> = (0..rng.next() % 300).map(|_| pick(&mut rng)).collect();
            body.push("常见 🙂".into());
            if d % 50 == 0 {
                body.clear();
            }
            (rowid, title.join(" "), body.join(" "))
        })
        .collect()
}

fn table(pgsz: i64) -> Connection {
    table_with(SCHEMA, pgsz)
}

fn table_with(schema: &str, pgsz: i64) -> Connection {
    let c = Connection::open_in_memory().unwrap();
    c.execute_batch(schema).unwrap();
    c.execute("INSERT INTO t (t, rank) VALUES ('pgsz', ?1)", [pgsz]).unwrap();
    c
}

/// FTS5's own index, flushed once (the hash holds every row).
fn by_fts5(rows: &[(i64, String, String)], pgsz: i64) -> Connection {
    by_fts5_with(SCHEMA, rows, pgsz)
}

fn by_fts5_with(schema: &str, rows: &[(i64, String, String)], pgsz: i64) -> Connection {
    let c = table_with(schema, pgsz);
    c.execute_batch("BEGIN").unwrap();
    c.execute("INSERT INTO t (t, rank) VALUES ('hashsize', ?1)", [1i64 << 30]).unwrap();
    for (r, title, body) in rows {
        c.execute("INSERT INTO t (rowid, title, body) VALUES (?1, ?2, ?3)", params![r, title, body]).unwrap();
    }
    c.execute("INSERT INTO t (t, rank) VALUES ('hashsize', ?1)", [1i64 << 20]).unwrap();
    c.execute_batch("COMMIT").unwrap();
    c
}

fn by_bulk(rows: &[(i64, String, String)], pgsz: i64, batch: usize) -> Connection {
    by_bulk_with(SCHEMA, rows, pgsz, batch)
}

fn by_bulk_with(schema: &str, rows: &[(i64, String, String)], pgsz: i64, batch: usize) -> Connection {
    let c = table_with(schema, pgsz);
    // a query first, so that FTS5 holds the empty structure when the bulk index replaces it
    let _: i64 = c.query_row("SELECT count(*) FROM t WHERE t MATCH 'x'", [], |r| r.get(0)).unwrap();
    c.execute_batch("BEGIN").unwrap();
    c.execute("INSERT INTO t (t, rank) VALUES ('hashsize', ?1)", [1i64 << 30]).unwrap();
    let detail_none = schema.contains("detail = none");
    let index = BulkIndex::start(&c, "t", 2, detail_none, "unicode61", &ARGS).unwrap().with_batch(batch);
    let mut bulk = IndexThread::start(vec![(index, vec![0, 1])]).unwrap();
    for (r, title, body) in rows {
        bulk.add(&c, *r, vec![title.clone(), body.clone()]).unwrap();
    }
    c.execute("INSERT INTO t (t, rank) VALUES ('hashsize', ?1)", [1i64 << 20]).unwrap();
    bulk.finish(&c).unwrap();
    c.execute_batch("COMMIT").unwrap();
    c
}

type Rows = Vec<(i64, Vec<u8>, Option<i64>)>;

fn dump(c: &Connection, sql: &str) -> Rows {
    let mut stmt = c.prepare(sql).unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, Option<Vec<u8>>>(1)?.unwrap_or_default(), r.get(2)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

/// The structure record: the pages written, and each segment's level, id, first and last
/// page, origins, tombstone pages and entries, and rows.
fn structure(c: &Connection) -> (u64, Vec<(u64, [u64; 8])>) {
    let block: Vec<u8> = c.query_row("SELECT block FROM t_data WHERE id = 10", [], |r| r.get(0)).unwrap();
    assert_eq!(block[4..8], [0xff, 0, 0, 1], "a V2 structure");
    let mut at = 8;
    let mut next = || {
        let (v, n) = super::segment::get_varint(&block[at..]);
        at += n;
        v
    };
    let (levels, _segments, written) = (next(), next(), next());
    let mut out = Vec::new();
    for level in 0..levels {
        let (_merge, n) = (next(), next());
        for _ in 0..n {
            out.push((level, [next(), next(), next(), next(), next(), next(), next(), next()]));
        }
    }
    (written, out)
}

/// Every row of the index's tables; of the structure record, the pages written and the
/// segments without their levels (FTS5 flushes its one segment to level 0; the bulk index
/// puts it on level 1, as FTS5's `optimize` would).
fn index(c: &Connection) -> [Rows; 3] {
    let mut data = dump(c, "SELECT id, block, NULL FROM t_data ORDER BY id");
    for row in &mut data {
        if row.0 == 10 {
            let (written, segments) = structure(c);
            row.1.clear();
            for v in std::iter::once(written).chain(segments.iter().flat_map(|(_, s)| s.iter().copied())) {
                super::put_varint(&mut row.1, v);
            }
        }
    }
    [
        data,
        dump(c, "SELECT segid, term, pgno FROM t_idx ORDER BY segid, term"),
        dump(c, "SELECT id, sz, origin FROM t_docsize ORDER BY id"),
    ]
}

fn check(c: &Connection) -> Result<(), String> {
    c.execute("INSERT INTO t (t, rank) VALUES ('integrity-check', 0)", []).map(|_| ()).map_err(|e| e.to_string())
}

/// Queries of every kind over the vocabulary FTS5 holds: single tokens, two tokens, phrases,
/// a column filter, prefixes; each with its rows and bm25 ranks.
fn answers(c: &Connection, vocab: &[String]) -> Vec<Vec<(i64, String)>> {
    let mut queries: Vec<String> = vocab.iter().step_by(23).map(|t| format!("\"{t}\"")).collect();
    queries.extend(vocab.windows(2).step_by(41).map(|w| format!("\"{}\" \"{}\"", w[0], w[1])));
    queries.extend(vocab.windows(2).step_by(43).map(|w| format!("\"{} {}\"", w[0], w[1])));
    queries.extend(vocab.iter().take(15).map(|t| format!("title : \"{t}\"")));
    queries.extend(["abc*", "w1*", "常见"].map(String::from));
    let mut stmt =
        c.prepare("SELECT rowid, printf('%.12f', bm25(t, 8.0, 1.0)) FROM t WHERE t MATCH ?1 ORDER BY rowid").unwrap();
    queries
        .iter()
        .map(|q| stmt.query_map([q], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(|r| r.unwrap()).collect())
        .collect()
}

fn vocabulary(c: &Connection) -> Vec<String> {
    c.execute_batch("CREATE VIRTUAL TABLE IF NOT EXISTS temp.v USING fts5vocab(main, t, 'row')").unwrap();
    let mut stmt = c.prepare("SELECT term FROM temp.v ORDER BY cnt DESC, term").unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect()
}

fn assert_same_bytes(a: &[Rows; 3], b: &[Rows; 3], case: &str) {
    for (what, (x, y)) in ["%_data", "%_idx", "%_docsize"].iter().zip(a.iter().zip(b)) {
        let first = x.iter().zip(y).position(|(p, q)| p != q);
        assert!(x == y, "{what} differs ({} rows against {}; first at {first:?}), {case}", x.len(), y.len());
    }
}

/// However the rows are cut into batches, the runs merged give the segment FTS5 flushes when
/// its hash holds every row.
#[test]
fn the_merged_batches_are_fts5s_own_segment_byte_for_byte() {
    for (n, pgsz, seed) in [(300, 4050, 1), (1500, 4050, 2), (300, 64, 3), (800, 32, 4), (600, 200, 5)] {
        let rows = rows(n, seed);
        let fts5 = by_fts5(&rows, pgsz);
        let a = index(&fts5);
        for batch in [usize::MAX, 5_000, 1] {
            let bulk = by_bulk(&rows, pgsz, batch);
            assert_same_bytes(&a, &index(&bulk), &format!("{n} rows, pgsz {pgsz}, batches of {batch}"));
            assert_eq!(check(&bulk), Ok(()));
        }
        // the small pages give doclists over many pages, with doclist indexes of several levels
        let dlidx = a[0].iter().filter(|r| r.0 >> 36 & 1 == 1).count();
        if pgsz <= 64 {
            assert!(dlidx > 50, "{dlidx} doclist index pages at pgsz {pgsz}");
        }
    }
}

#[test]
fn many_batches_answer_as_fts5_does_through_deletes_inserts_and_merges() {
    let rows = rows(3000, 7);
    let (fts5, bulk) = (by_fts5(&rows, 4050), by_bulk(&rows, 4050, 20_000));
    // the bulk index's runs were merged into one segment; FTS5 flushed one
    let segments =
        |c: &Connection| c.query_row("SELECT count(DISTINCT segid) FROM t_idx", [], |r| r.get::<_, i64>(0)).unwrap();
    assert_eq!((segments(&fts5), segments(&bulk)), (1, 1));
    assert_same_bytes(&index(&fts5), &index(&bulk), "3000 rows in batches of 20,000 occurrences");
    let vocab = vocabulary(&fts5);
    assert!(vocab.len() > 1000, "{} tokens", vocab.len());
    assert_eq!(vocabulary(&bulk), vocab);
    assert!(answers(&fts5, &vocab) == answers(&bulk, &vocab), "answers or ranks differ");
    assert_eq!(check(&bulk), Ok(()));
    for c in [&fts5, &bulk] {
        c.execute_batch("BEGIN").unwrap();
        for (r, _, _) in rows.iter().step_by(3) {
            c.execute("DELETE FROM t WHERE rowid = ?1", [r]).unwrap();
        }
        for (r, title, body) in rows.iter().step_by(5) {
            c.execute("INSERT INTO t (rowid, title, body) VALUES (?1, ?2, ?3)", params![r + 1_000_000, body, title])
                .unwrap();
        }
        c.execute_batch("COMMIT").unwrap();
    }
    assert!(answers(&fts5, &vocab) == answers(&bulk, &vocab), "answers differ after deletes and inserts");
    assert_eq!(check(&bulk), Ok(()));
    for c in [&fts5, &bulk] {
        c.execute("INSERT INTO t (t) VALUES ('optimize')", []).unwrap();
    }
    assert!(answers(&fts5, &vocab) == answers(&bulk, &vocab), "answers differ after optimize");
    assert_eq!(check(&bulk), Ok(()));
}

#[test]
fn a_leaf_with_a_damaged_header_fails_the_integrity_check() {
    let bulk = by_bulk(&rows(500, 9), 4050, 5_000);
    assert_eq!(check(&bulk), Ok(()));
    let (id, mut block): (i64, Vec<u8>) = bulk
        .query_row("SELECT id, block FROM t_data WHERE id > 10 ORDER BY id LIMIT 1 OFFSET 3", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    // the leaf's size in its header, made to cut its first term short
    block[2..4].copy_from_slice(&6u16.to_be_bytes());
    bulk.execute("UPDATE t_data SET block = ?2 WHERE id = ?1", params![id, block]).unwrap();
    assert!(check(&bulk).is_err(), "the damaged leaf went unnoticed");
}

#[test]
fn refuses_rowids_out_of_order_and_a_table_with_rows() {
    let c = table(4050);
    c.execute_batch("BEGIN").unwrap();
    let mut bulk = BulkIndex::start(&c, "t", 2, false, "unicode61", &ARGS).unwrap();
    let mut out = bulk.pending();
    bulk.add(5, &["a", "b"], &mut out).unwrap();
    let e = bulk.add(5, &["a", "b"], &mut out).unwrap_err().to_string();
    assert!(e.contains("rowid 5 after 5"), "{e}");
    let e = bulk.add(6, &["a"], &mut out).unwrap_err().to_string();
    assert!(e.contains("1 texts for 2 columns"), "{e}");
    // on the thread, the error comes back from a later call
    let index = BulkIndex::start(&c, "t", 2, false, "unicode61", &ARGS).unwrap();
    let mut thread = IndexThread::start(vec![(index, vec![0, 1])]).unwrap();
    for rowid in [7, 8, 8, 9] {
        thread.add(&c, rowid, vec!["a".into(), "b".into()]).unwrap();
    }
    let e = thread.finish(&c).unwrap_err().to_string();
    assert!(e.contains("rowid 8 after 8"), "{e}");
    let e = IndexThread::start(vec![(BulkIndex::start(&c, "t", 2, false, "unicode61", &ARGS).unwrap(), vec![0, 1])])
        .unwrap()
        .add(&c, 1, vec!["a".into()])
        .unwrap_err()
        .to_string();
    assert!(e.contains("1 texts for a row, 2 wanted"), "{e}");
    c.execute_batch("ROLLBACK").unwrap();
    c.execute("INSERT INTO t (rowid, title, body) VALUES (1, 'a', 'b')", []).unwrap();
    let e = BulkIndex::start(&c, "t", 2, false, "unicode61", &ARGS).err().unwrap().to_string();
    assert!(e.contains("needs an empty table"), "{e}");
}

#[test]
fn rows_without_tokens_and_no_rows_at_all() {
    let rows: Vec<(i64, String, String)> = (1..=5).map(|r| (r, String::new(), "。，！".to_string())).collect();
    let (fts5, bulk) = (by_fts5(&rows, 4050), by_bulk(&rows, 4050, 1));
    assert_eq!(index(&fts5), index(&bulk));
    assert_eq!(check(&bulk), Ok(()));
    let (fts5, bulk) = (by_fts5(&[], 4050), by_bulk(&[], 4050, 1));
    assert!(index(&fts5) == index(&bulk));
    bulk.execute("INSERT INTO t (rowid, title, body) VALUES (1, '政务', '公开')", []).unwrap();
    assert_eq!(check(&bulk), Ok(()));
}

#[test]
fn detail_none_is_fts5s_own_too() {
    let schema = SCHEMA.replace("contentless_delete = 1,", "contentless_delete = 1, detail = none,");
    for (n, pgsz, seed) in [(400, 4050, 11), (1500, 64, 12)] {
        let rows = rows(n, seed);
        let (fts5, bulk) = (by_fts5_with(&schema, &rows, pgsz), by_bulk_with(&schema, &rows, pgsz, usize::MAX));
        assert!(index(&fts5) == index(&bulk), "{n} rows, pgsz {pgsz}");
        assert_eq!(check(&bulk), Ok(()));
    }
    let rows = rows(2000, 13);
    let (fts5, bulk) = (by_fts5_with(&schema, &rows, 4050), by_bulk_with(&schema, &rows, 4050, 7_000));
    assert_same_bytes(&index(&fts5), &index(&bulk), "detail = none, batches of 7,000 occurrences");
    let vocab = vocabulary(&fts5);
    let listed = |c: &Connection| -> Vec<Vec<i64>> {
        let mut stmt = c.prepare("SELECT rowid FROM t WHERE t MATCH ?1 ORDER BY rowid").unwrap();
        vocab
            .iter()
            .step_by(7)
            .map(|t| stmt.query_map([format!("\"{t}\"")], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect())
            .collect()
    };
    assert!(listed(&fts5) == listed(&bulk));
    assert_eq!(check(&bulk), Ok(()));
}

/// Runs too large for memory go to a file beside the database, unlinked at once: the index is
/// the same, and no file is left.
#[test]
fn runs_that_outgrow_memory_go_to_an_unlinked_file_beside_the_database() {
    let rows = rows(1500, 21);
    let fts5 = by_fts5(&rows, 4050);
    let dir = tempfile::tempdir().unwrap();
    let c = Connection::open(dir.path().join("t.sqlite")).unwrap();
    c.execute_batch(SCHEMA).unwrap();
    c.execute_batch("BEGIN").unwrap();
    c.execute("INSERT INTO t (t, rank) VALUES ('pgsz', 4050)", []).unwrap();
    let mut bulk =
        BulkIndex::start(&c, "t", 2, false, "unicode61", &ARGS).unwrap().with_batch(3_000).with_memory(4_096);
    let mut out = bulk.pending();
    for (r, title, body) in &rows {
        bulk.add(*r, &[title, body], &mut out).unwrap();
    }
    assert!(bulk.runs_in_file());
    // open, beside the database, and unlinked
    let open: Vec<String> = std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|e| std::fs::read_link(e.unwrap().path()).ok())
        .map(|p| p.to_string_lossy().into_owned())
        .filter(|p| p.contains(".fts5-bulk-"))
        .collect();
    let beside = format!("{}/.fts5-bulk-", dir.path().display());
    assert!(open.iter().any(|p| p.starts_with(&beside) && p.ends_with(" (deleted)")), "{open:?}");
    let left = || {
        std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with(".fts5-bulk"))
            .count()
    };
    assert_eq!(left(), 0, "the runs' file has a name");
    out.write(&c).unwrap();
    let ended = bulk.end(&mut |mut p| p.write(&c)).unwrap();
    ended.write(&c).unwrap();
    c.execute_batch("COMMIT").unwrap();
    assert_same_bytes(&index(&fts5), &index(&c), "1,500 rows, runs in a file");
    assert_eq!(check(&c), Ok(()));
    assert_eq!(left(), 0);
}

/// A plain ideograph is one token, unchanged, to `unicode61`, so the bulk index hands such
/// pieces over without calling it; and a text taken a piece between spaces at a time gives the
/// tokens the whole text gives.
#[test]
fn plain_ideographs_are_what_unicode61_makes_of_them() {
    let c = Connection::open_in_memory().unwrap();
    let mut tokenizer = Tokenizer::new(&c, "unicode61", &ARGS).unwrap();
    let tokens = |t: &mut Tokenizer, text: &str, whole: bool| {
        let mut out: Vec<(Vec<u8>, bool)> = Vec::new();
        let each = |token: &[u8], colocated: bool| out.push((token.to_vec(), colocated));
        if whole { t.call(text, each) } else { t.tokenize(text, each) }.unwrap();
        out
    };
    let ideographs: Vec<char> = ('\u{3400}'..='\u{4db5}').chain('\u{4e00}'..='\u{9fa5}').collect();
    let alone: String = ideographs.iter().map(|c| format!("{c} ")).collect();
    let expected: Vec<(Vec<u8>, bool)> = ideographs.iter().map(|c| (c.to_string().into_bytes(), false)).collect();
    assert!(tokens(&mut tokenizer, &alone, true) == expected, "unicode61 changes a plain ideograph");
    let pairs: String = ideographs.chunks(2).map(|p| format!("{} ", p.iter().collect::<String>())).collect();
    assert!(tokens(&mut tokenizer, &pairs, true) == tokens(&mut tokenizer, &pairs, false));
    let mut texts: Vec<String> = rows(300, 31).into_iter().flat_map(|(_, title, body)| [title, body]).collect();
    texts.extend(
        ["  政务  公开 ", "中文，公开。", "中\u{3000}文\t公\n开", "㐀䶵 一龥 龦鿿 𠀀𠀁 Ａ１ ﹏ Abc ÉTÉ", "", " "]
            .map(String::from),
    );
    for text in &texts {
        assert_eq!(tokens(&mut tokenizer, text, true), tokens(&mut tokenizer, text, false), "{text:?}");
    }
    // another tokenizer, or other arguments, always goes through the tokenizer
    let mut ascii = Tokenizer::new(&c, "unicode61", &["tokenchars", " "]).unwrap();
    assert_eq!(tokens(&mut ascii, "政务 公开", false), vec![("政务 公开".as_bytes().to_vec(), false)]);
}

/// The one segment sits on level 1, where FTS5's `optimize` leaves the segment it merges (and
/// main's bulk import, which ran it, left its one): later writes flush small segments to level
/// 0, and FTS5's merges take them, and in time this one, with the same answers as FTS5's own.
#[test]
fn the_segment_sits_where_optimize_leaves_one_and_fts5_merges_it_later() {
    let rows = rows(1500, 41);
    let (fts5, bulk) = (by_fts5(&rows, 4050), by_bulk(&rows, 4050, 20_000));
    let (_, segments) = structure(&bulk);
    assert_eq!(segments.len(), 1);
    let (level, segment) = segments[0];
    assert_eq!((level, segment[0], segment[1]), (1, 1, 1));
    for c in [&fts5, &bulk] {
        // each in a transaction of its own: a small segment flushed each time
        for (i, (_, title, body)) in rows.iter().take(200).enumerate() {
            c.execute(
                "INSERT INTO t (rowid, title, body) VALUES (?1, ?2, ?3)",
                params![5_000_000 + i as i64, title, body],
            )
            .unwrap();
        }
    }
    let (_, after) = structure(&bulk);
    assert!(!after.iter().any(|(_, s)| *s == segment), "FTS5 merged the bulk segment: {after:?}");
    let vocab = vocabulary(&fts5);
    assert!(answers(&fts5, &vocab) == answers(&bulk, &vocab), "answers differ after FTS5's merges");
    assert_eq!(check(&bulk), Ok(()));
}

/// An import given up before its end (an error elsewhere) drops the thread: the drop returns,
/// the thread having stopped, and its runs' file is gone with it.
#[test]
fn an_import_given_up_stops_the_thread() {
    let dir = tempfile::tempdir().unwrap();
    let c = Connection::open(dir.path().join("t.sqlite")).unwrap();
    c.execute_batch(SCHEMA).unwrap();
    c.execute_batch("BEGIN").unwrap();
    let index = BulkIndex::start(&c, "t", 2, false, "unicode61", &ARGS).unwrap().with_batch(5_000).with_memory(4_096);
    let mut thread = IndexThread::start(vec![(index, vec![0, 1])]).unwrap();
    for (r, title, body) in rows(3000, 51) {
        thread.add(&c, r, vec![title, body]).unwrap();
    }
    drop(thread);
    let open = std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|e| std::fs::read_link(e.unwrap().path()).ok())
        .filter(|p| p.starts_with(dir.path()) && p.to_string_lossy().contains(".fts5-bulk-"))
        .count();
    assert_eq!(open, 0, "the runs' file is still open");
    c.execute_batch("ROLLBACK").unwrap();
}

/// The rows listed for chosen tokens are those FTS5 lists for them, however the rows are cut
/// into batches; a chosen token no row holds lists none.
#[test]
fn the_rows_listed_for_chosen_tokens_are_those_fts5_lists() {
    let rows = rows(1500, 11);
    let fts5 = by_fts5(&rows, 4050);
    // frequent and rare tokens of up to 8 bytes, and one no row holds
    let mut tokens: Vec<String> = vocabulary(&fts5).into_iter().filter(|t| t.len() <= 8).step_by(13).collect();
    tokens.push("无此".into());
    let mut fts5_rows = fts5.prepare("SELECT rowid FROM t WHERE t MATCH ?1 ORDER BY rowid").unwrap();
    let expected: Vec<Vec<i64>> = tokens
        .iter()
        .map(|t| fts5_rows.query_map([format!("\"{t}\"")], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect())
        .collect();
    let sizes: Vec<usize> = expected.iter().map(Vec::len).collect();
    assert!(sizes.iter().any(|n| *n > 500) && sizes.iter().any(|n| *n <= 2), "{sizes:?}");
    for batch in [usize::MAX, 5_000, 1] {
        let c = table(4050);
        let _: i64 = c.query_row("SELECT count(*) FROM t WHERE t MATCH 'x'", [], |r| r.get(0)).unwrap();
        c.execute_batch("BEGIN").unwrap();
        let chosen = tokens.iter().enumerate().map(|(i, t)| (packed_token(t.as_bytes()).unwrap(), 1000 + i as u32));
        let index =
            BulkIndex::start(&c, "t", 2, false, "unicode61", &ARGS).unwrap().with_batch(batch).with_holders(chosen);
        let mut bulk = IndexThread::start(vec![(index, vec![0, 1])]).unwrap();
        for (r, title, body) in &rows {
            bulk.add(&c, *r, vec![title.clone(), body.clone()]).unwrap();
        }
        let listed = bulk.finish(&c).unwrap();
        c.execute_batch("COMMIT").unwrap();
        assert_eq!(listed.len(), tokens.len());
        for (i, (number, rowids)) in listed.iter().enumerate() {
            assert_eq!(*number, 1000 + i as u32);
            assert_eq!(rowids.rowids(), expected[i], "{}, batches of {batch}", tokens[i]);
        }
    }
}
