//! Document bitmaps of the search index's most frequent tokens: for each CJK bigram (of
//! `search_fts` and `search_titles`), each character (of `search_chars`, and of titles:
//! [`IndexTable::TitleChars`]) and each phrase of `search_fts` ([`IndexTable::Phrases`]) found
//! in at least one document in [`FRACTION`] (and at least [`MIN_DOCS`] documents), one bit per
//! item rowid, set where the item holds it.
//!
//! Why: listing the rowids of a token through FTS5 costs about 0.1 µs per match (a row of the
//! virtual table each, its positions decoded); a word in 460,000 of 500,000 documents took
//! 50–65 ms before anything was counted or ranked. Its bitmap is one 62.5 KB read.
//!
//! The bitmaps are exact, never a guess: each one equals FTS5's list of the token (a phrase's,
//! with the runs of boilerplate that contain it, which FTS5 no longer holds). They are
//! written in the transaction that changes the index, so a reader sees the bitmaps of the
//! snapshot it reads ([`Slots`], [`Changes`]):
//! - an apply into an empty index (a first import or sync) and a rebuild choose the tokens from
//!   the text of a sample of the items they write ([`SAMPLE`]) and build the bitmaps in memory
//!   while writing, keeping those that end up frequent enough (with the index written in bulk,
//!   the bulk index lists the rows of its tables' tokens, [`Slots::bulk_listed_tokens`], and each
//!   item is looked up for the rest only, [`Slots::beside_bulk`]);
//! - a later apply mends the stored ones: up to [`INCREMENTAL_LIMIT`] items in place (SQLite's
//!   incremental blob I/O: one byte per item and bitmap), more in memory, each bitmap written
//!   whole;
//! - which tokens have a bitmap changes only then: a token that becomes frequent through later
//!   syncs is listed by FTS5 until the next rebuild. A store from a version without bitmaps
//!   gets them from `gongkai-kiosk reindex` (or `--bitmaps-only`, [`refresh`]: every frequent
//!   token listed through FTS5 once).

use std::collections::{HashMap, HashSet};

use aho_corasick::AhoCorasick;
use rusqlite::{Connection, MAIN_DB, OptionalExtension, params};

use crate::text::fold::is_cjk;
use crate::text::tokens::{Term, term_query};

use super::fts5_bulk::packed_token;
use super::search_index::IndexRows;

/// Schema of the bitmaps (store migration 13). `bits` comes last, so that listing the tokens
/// does not read the bitmaps.
pub(super) const SCHEMA: &str = r#"
    CREATE TABLE IF NOT EXISTS search_bitmaps (
        id INTEGER PRIMARY KEY,
        tbl TEXT NOT NULL,
        token TEXT NOT NULL,
        bits BLOB NOT NULL,
        UNIQUE (tbl, token)
    );
"#;

/// A token gets a bitmap when at least this many items hold it…
pub const MIN_DOCS: usize = 4096;
/// …and at least one item in this many.
pub const FRACTION: usize = 16;
/// At most this many bitmaps of bigrams (of bodies and of titles, the most frequent of the
/// sample first)…
const MAX_BIGRAMS: usize = 3072;
/// …and of characters (`search_chars`), chosen apart: with one quota for both, the characters
/// (only a one-character full search reads them) took half of it, and a 500,000-item store
/// left 1,200 bigrams in one item in 16 or more to FTS5 (a pinyin query spelling several of
/// them listed 200,000 rows). The most these quotas, [`MAX_TITLE_CHARS`], [`MAX_PHRASES`] and
/// 256 runs of boilerplate come to is 6,144 bitmaps: about 430 MB at 500,000 items (70 KB
/// each, with room for an eighth more items: [`capacity`]; beside an index of 4.3 GB), and
/// that much memory while an apply builds them.
const MAX_CHARS: usize = 1536;
/// At most this many characters of titles ([`IndexTable::TitleChars`]), chosen apart from the
/// bigrams and characters: a character in one title in 16 is rarer than most of those, and
/// would fall past their quotas if it shared them. (A title holds some 15 distinct
/// characters, so no more than about 500 can each be in one title in 32.)
const MAX_TITLE_CHARS: usize = 256;
/// The items whose text is read to find the frequent tokens.
pub(super) const SAMPLE: usize = 1024;
/// Up to this many items written or removed, the bitmaps are mended in place; above it, made
/// again.
pub const INCREMENTAL_LIMIT: usize = 1000;

/// The index table a token belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IndexTable {
    /// `search_fts`: folded bigrams of title and body.
    Text,
    /// `search_titles`: folded bigrams of titles.
    Titles,
    /// `search_chars`: each item's distinct characters.
    Chars,
    /// Not a table: the runs of boilerplate taken out of `search_fts`'s bodies (see
    /// [`Slots::building`]); their bitmaps are the only record of which items hold them.
    Boilerplate,
    /// Not a table: frequent phrases of `search_fts` ([`MIN_PHRASE_CHARS`] to
    /// [`MAX_PHRASE_CHARS`] CJK characters), each the items holding it in one run of their
    /// title or body, boilerplate included: what a phrase query lists, with the runs of
    /// boilerplate that contain it.
    Phrases,
    /// Not a table: the characters of `search_titles`, each the items whose title holds it:
    /// what the prefix query `"c"*` lists there (every character of a title starts one of its
    /// tokens, a bigram or the last character alone). Without it, instant search of one
    /// frequent character has FTS5 merge the lists of every bigram starting with it.
    TitleChars,
}

/// A phrase of at least this many characters can have a bitmap ([`IndexTable::Phrases`])…
pub const MIN_PHRASE_CHARS: usize = 3;
/// …and of at most this many.
pub const MAX_PHRASE_CHARS: usize = 8;

impl IndexTable {
    pub const ALL: [IndexTable; 6] = [
        IndexTable::Text,
        IndexTable::Titles,
        IndexTable::Chars,
        IndexTable::Boilerplate,
        IndexTable::Phrases,
        IndexTable::TitleChars,
    ];

    pub fn name(self) -> &'static str {
        match self {
            IndexTable::Text => "search_fts",
            IndexTable::Titles => "search_titles",
            IndexTable::Chars => "search_chars",
            IndexTable::Boilerplate => "boilerplate",
            IndexTable::Phrases => "phrases",
            IndexTable::TitleChars => "title_chars",
        }
    }

    /// Whether a token of this table can have a bitmap: a CJK bigram (text, titles), a CJK
    /// character (chars, title characters), a run of two or more CJK characters (boilerplate),
    /// a phrase of [`MIN_PHRASE_CHARS`] to [`MAX_PHRASE_CHARS`] (phrases).
    pub fn takes(self, token: &str) -> bool {
        let mut cs = token.chars();
        let (a, b, c) = (cs.next(), cs.next(), cs.next());
        match self {
            IndexTable::Text | IndexTable::Titles => {
                matches!((a, b, c), (Some(a), Some(b), None) if is_cjk(a) && is_cjk(b))
            }
            IndexTable::Chars | IndexTable::TitleChars => matches!((a, b), (Some(a), None) if is_cjk(a)),
            IndexTable::Boilerplate => a.is_some() && b.is_some() && token.chars().all(is_cjk),
            IndexTable::Phrases => {
                token.chars().all(is_cjk) && (MIN_PHRASE_CHARS..=MAX_PHRASE_CHARS).contains(&token.chars().count())
            }
        }
    }

    /// The table whose FTS5 query a token of this one stands for: a phrase is search's query of
    /// a longer term in `search_fts`, a title character its prefix query of one character in
    /// `search_titles`; a token of a table stands for itself.
    pub fn searched(self) -> IndexTable {
        match self {
            IndexTable::Phrases => IndexTable::Text,
            IndexTable::TitleChars => IndexTable::Titles,
            t => t,
        }
    }

    /// Where a CJK term of `chars` characters searched in this table can have a bitmap of its
    /// own (whose [`IndexTable::searched`] is this table): a two-character term is one bigram of the
    /// text and title tables, a one-character one a token of the character table or a title
    /// character, a longer one of the text table a phrase (if it is short enough: see
    /// [`IndexTable::takes`]).
    pub fn bitmap_of_term(self, chars: usize) -> Option<IndexTable> {
        match (self, chars) {
            (IndexTable::Text | IndexTable::Titles, 2) | (IndexTable::Chars, 1) => Some(self),
            (IndexTable::Titles, 1) => Some(IndexTable::TitleChars),
            (IndexTable::Text, n) if n > 2 => Some(IndexTable::Phrases),
            _ => None,
        }
    }
}

/// The items holding one token: bit `r` of the words is set when the item of rowid `r` holds it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DocBitmap {
    words: Vec<u64>,
}

impl DocBitmap {
    /// An empty bitmap with room for rowids below `bits`.
    pub fn with_capacity(bits: usize) -> Self {
        DocBitmap { words: vec![0; bits.div_ceil(64)] }
    }

    pub fn from_rowids(rowids: &[i64], bits: usize) -> Self {
        let mut b = Self::with_capacity(bits);
        for &r in rowids {
            b.insert(r);
        }
        b
    }

    fn from_bytes(bytes: &[u8]) -> Self {
        let words = bytes
            .chunks(8)
            .map(|c| {
                let mut w = [0u8; 8];
                w[..c.len()].copy_from_slice(c);
                u64::from_le_bytes(w)
            })
            .collect();
        DocBitmap { words }
    }

    fn to_bytes(&self) -> Vec<u8> {
        self.words.iter().flat_map(|w| w.to_le_bytes()).collect()
    }

    /// Sets the bit of `rowid`, growing the bitmap if needed (a negative rowid is ignored).
    pub fn insert(&mut self, rowid: i64) {
        let Ok(r) = usize::try_from(rowid) else { return };
        if r / 64 >= self.words.len() {
            self.words.resize(r / 64 + 1, 0);
        }
        self.words[r / 64] |= 1 << (r % 64);
    }

    /// Clears the bit of `rowid`.
    pub fn remove(&mut self, rowid: i64) {
        if let Ok(r) = usize::try_from(rowid)
            && let Some(w) = self.words.get_mut(r / 64)
        {
            *w &= !(1 << (r % 64));
        }
    }

    /// Grows the bitmap (with no bit set) to room for rowids below `bits`.
    fn reserve(&mut self, bits: usize) {
        if self.words.len() < bits.div_ceil(64) {
            self.words.resize(bits.div_ceil(64), 0);
        }
    }

    pub fn contains(&self, rowid: i64) -> bool {
        usize::try_from(rowid).is_ok_and(|r| self.words.get(r / 64).is_some_and(|w| w & (1 << (r % 64)) != 0))
    }

    /// Keeps the rowids also in `other`.
    pub fn and(&mut self, other: &DocBitmap) {
        self.words.truncate(other.words.len());
        for (w, o) in self.words.iter_mut().zip(&other.words) {
            *w &= o;
        }
    }

    /// Adds the rowids of `other`.
    pub fn or(&mut self, other: &DocBitmap) {
        if other.words.len() > self.words.len() {
            self.words.resize(other.words.len(), 0);
        }
        for (w, o) in self.words.iter_mut().zip(&other.words) {
            *w |= o;
        }
    }

    pub fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }

    /// The rowids, ascending.
    pub fn rowids(&self) -> Vec<i64> {
        let mut out = Vec::with_capacity(self.len());
        for (i, &w) in self.words.iter().enumerate() {
            let mut w = w;
            while w != 0 {
                out.push((i * 64) as i64 + i64::from(w.trailing_zeros()));
                w &= w - 1;
            }
        }
        out
    }
}

/// The bitmap of `token` in `table`, if the token is frequent enough to have one.
pub(super) fn read(conn: &Connection, table: IndexTable, token: &str) -> rusqlite::Result<Option<DocBitmap>> {
    if !table.takes(token) {
        return Ok(None);
    }
    let bits: Option<Vec<u8>> = conn
        .prepare_cached("SELECT bits FROM search_bitmaps WHERE tbl = ?1 AND token = ?2")?
        .query_row(params![table.name(), token], |r| r.get(0))
        .optional()?;
    Ok(bits.map(|b| DocBitmap::from_bytes(&b)))
}

/// The distinct tokens of one item's index rows that can have a bitmap, per table.
fn item_tokens(rows: &IndexRows) -> Vec<(IndexTable, &str)> {
    let (title, body, chars) = rows.token_texts();
    let mut seen: HashSet<(IndexTable, &str)> = HashSet::new();
    for t in title.split(' ') {
        if IndexTable::Titles.takes(t) {
            seen.insert((IndexTable::Titles, t));
            seen.insert((IndexTable::Text, t));
        }
        if let Some(c) = first_char(t).filter(|c| IndexTable::TitleChars.takes(c)) {
            seen.insert((IndexTable::TitleChars, c));
        }
    }
    for t in body.split(' ') {
        if IndexTable::Text.takes(t) {
            seen.insert((IndexTable::Text, t));
        }
    }
    for t in chars.split(' ') {
        if IndexTable::Chars.takes(t) {
            seen.insert((IndexTable::Chars, t));
        }
    }
    // a run of boilerplate: held as such, and its bigrams are the item's as well
    for run in rows.stripped() {
        seen.insert((IndexTable::Boilerplate, run.as_str()));
        let ends: Vec<usize> = run.char_indices().map(|(i, _)| i).chain([run.len()]).collect();
        for w in ends.windows(3) {
            seen.insert((IndexTable::Text, &run[w[0]..w[2]]));
        }
    }
    seen.into_iter().collect()
}

/// A token's first character (a title's characters are its tokens' first characters).
fn first_char(token: &str) -> Option<&str> {
    token.chars().next().map(|c| &token[..c.len_utf8()])
}

/// The rowids FTS5 lists for one token, ascending (for a phrase, `search_fts`'s phrase query of
/// its bigrams; for a title character, `search_titles`' prefix query).
fn listed(conn: &Connection, table: IndexTable, token: &str) -> rusqlite::Result<Vec<i64>> {
    let searched = table.searched();
    let phrase = if searched == table {
        format!("\"{}\"", token.replace('"', "\"\""))
    } else {
        // the query search makes of the term the token stands for
        term_query(&Term::Cjk(token.chars().collect()), false).unwrap_or_default()
    };
    let t = searched.name();
    let mut stmt = conn.prepare_cached(&format!("SELECT rowid FROM {t} WHERE {t} MATCH ?1"))?;
    let mut v: Vec<i64> = stmt.query_map([phrase], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    v.sort_unstable();
    Ok(v)
}

/// The room a bitmap gets beyond the highest rowid, so that items added later by a sync fit
/// in place.
fn capacity(max_rowid: i64) -> usize {
    let top = usize::try_from(max_rowid.max(0)).unwrap_or(0);
    (top + 1 + (top / 8).max(4096)).next_multiple_of(64)
}

/// The tokens a sample of items holds most often, at least at half the share of items a bitmap
/// needs (the sample may undercount a token), most frequent first within each quota: at most
/// [`MAX_BIGRAMS`] bigrams, [`MAX_CHARS`] characters and [`MAX_TITLE_CHARS`] characters of
/// titles. (Runs of boilerplate are chosen by [`boilerplate_runs`].)
fn frequent_tokens(sample: &[IndexRows], items: usize, threshold: usize) -> Vec<(IndexTable, String)> {
    let mut df: HashMap<(IndexTable, &str), usize> = HashMap::new();
    for rows in sample {
        for key in item_tokens(rows) {
            *df.entry(key).or_default() += 1;
        }
    }
    let need = (sample.len() * threshold).div_ceil(items.max(1) * 2).max(1);
    let mut chosen: Vec<((IndexTable, &str), usize)> = df.into_iter().filter(|(_, n)| *n >= need).collect();
    chosen.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    // each kind of token's quota: which it is, and its size (runs of boilerplate and phrases
    // are chosen apart: none here)
    let quota = |t: IndexTable| match t {
        IndexTable::Text | IndexTable::Titles => (0, MAX_BIGRAMS),
        IndexTable::Chars => (1, MAX_CHARS),
        IndexTable::TitleChars => (2, MAX_TITLE_CHARS),
        IndexTable::Boilerplate | IndexTable::Phrases => (3, 0),
    };
    let mut taken = [0usize; 4];
    chosen.retain(|((t, _), _)| {
        let (q, size) = quota(*t);
        taken[q] += 1;
        taken[q] <= size
    });
    chosen.into_iter().map(|((t, s), _)| (t, s.to_string())).collect()
}

/// At most this many phrases get a bitmap.
const MAX_PHRASES: usize = 1024;

/// The phrases of [`MIN_PHRASE_CHARS`] to [`MAX_PHRASE_CHARS`] characters that a sample holds
/// most often (in one run of an item's title or body), at least at half the share of items a
/// bitmap needs, most frequent first, at most [`MAX_PHRASES`]. A phrase in most documents
/// (信息公开, 回复日期) is otherwise FTS5 checking its bigrams' positions in every one of them:
/// 96–140 ms for those two, in 453,425 and 456,834 of 500,000 documents.
///
/// Counted a length at a time, from two characters up: a phrase can be that frequent only if
/// both its shorter ends are, so each length counts only the phrases whose ends were kept at
/// the length before.
fn frequent_phrases(sample: &[IndexRows], items: usize, threshold: usize) -> Vec<String> {
    let need = (sample.len() * threshold).div_ceil(items.max(1) * 2).max(1);
    let runs: Vec<Vec<Vec<char>>> = sample
        .iter()
        .map(|rows| {
            let mut runs = Vec::new();
            rows.each_run(|run| {
                if run.chars().nth(1).is_some() {
                    runs.push(run.chars().collect());
                }
            });
            runs
        })
        .collect();
    let mut chosen: Vec<(String, usize)> = Vec::new();
    let mut shorter: HashSet<&[char]> = HashSet::new();
    for n in 2..=MAX_PHRASE_CHARS {
        let mut df: HashMap<&[char], usize> = HashMap::new();
        let mut held: HashSet<&[char]> = HashSet::new();
        for item in &runs {
            held.clear();
            for run in item {
                for w in run.windows(n) {
                    if n == 2 || (shorter.contains(&w[..n - 1]) && shorter.contains(&w[1..])) {
                        held.insert(w);
                    }
                }
            }
            for w in held.drain() {
                *df.entry(w).or_default() += 1;
            }
        }
        shorter = df.iter().filter(|(_, c)| **c >= need).map(|(w, _)| *w).collect();
        if n >= MIN_PHRASE_CHARS {
            chosen.extend(shorter.iter().map(|w| (w.iter().collect(), df[w])));
        }
        if shorter.is_empty() {
            break;
        }
    }
    chosen.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    chosen.truncate(MAX_PHRASES);
    chosen.into_iter().map(|(p, _)| p).collect()
}

/// At most this many runs of boilerplate.
const MAX_BOILERPLATE: usize = 256;

/// The runs of boilerplate of a sample: the CJK runs of two or more characters (a clause between
/// punctuation: 索引号, 特此通知, 中华人民共和国政府信息公开条例) that stand alone in the bodies of at
/// least the share of items a bitmap needs, most frequent first. A query inside one matches
/// every item holding it, which its bitmap says at once; FTS5 would check the phrase's
/// positions in most documents.
fn boilerplate_runs(sample: &[IndexRows], items: usize, threshold: usize) -> Vec<String> {
    let mut df: HashMap<String, usize> = HashMap::new();
    for rows in sample {
        let mut runs = rows.body_runs();
        runs.sort_unstable();
        runs.dedup();
        for run in runs {
            if IndexTable::Boilerplate.takes(&run) {
                *df.entry(run).or_default() += 1;
            }
        }
    }
    let need = (sample.len() * threshold).div_ceil(items.max(1)).max(2);
    let mut chosen: Vec<(String, usize)> = df.into_iter().filter(|(_, n)| *n >= need).collect();
    chosen.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    chosen.truncate(MAX_BOILERPLATE);
    chosen.into_iter().map(|(run, _)| run).collect()
}

/// The items holding a run of boilerplate that contains `needle` (a query's characters), if any
/// run does: what FTS5 no longer lists for it, the runs having been taken out of the bodies.
pub(super) fn boilerplate_containing(conn: &Connection, needle: &str) -> rusqlite::Result<Option<DocBitmap>> {
    if needle.is_empty() {
        return Ok(None);
    }
    let ids: Vec<i64> = {
        let mut stmt = conn.prepare_cached("SELECT id, token FROM search_bitmaps WHERE tbl = 'boilerplate'")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        let mut ids = Vec::new();
        for row in rows {
            let (id, run) = row?;
            if run.contains(needle) {
                ids.push(id);
            }
        }
        ids
    };
    if ids.is_empty() {
        return Ok(None);
    }
    let mut stmt = conn.prepare_cached("SELECT bits FROM search_bitmaps WHERE id = ?1")?;
    let mut all = DocBitmap::default();
    for id in ids {
        all.or(&DocBitmap::from_bytes(&stmt.query_row([id], |r| r.get::<_, Vec<u8>>(0))?));
    }
    Ok(Some(all))
}

/// How many items a token needs to get a bitmap in an index of `items` items.
fn threshold(items: usize, min_docs: usize) -> usize {
    min_docs.max(items / FRACTION).max(1)
}

/// The rows of up to [`SAMPLE`] stored items spread over the rowids (one look-up per step: a
/// scan would read the whole table).
pub(super) fn stored_sample(conn: &Connection) -> rusqlite::Result<Vec<IndexRows>> {
    let max_rowid: Option<i64> = conn.query_row("SELECT max(rowid) FROM search_items", [], |r| r.get(0))?;
    let Some(max_rowid) = max_rowid else { return Ok(Vec::new()) };
    let step = (max_rowid / SAMPLE as i64).max(1);
    let mut stmt = conn.prepare("SELECT id, kind FROM search_items WHERE rowid >= ?1 ORDER BY rowid LIMIT 1")?;
    let (mut at, mut out) = (0i64, Vec::with_capacity(SAMPLE));
    while at <= max_rowid && out.len() < SAMPLE {
        let item: Option<(String, String)> = stmt.query_row([at], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
        if let Some((id, kind)) = item
            && let Some(rows) = IndexRows::of_stored(conn, &id, &kind)?
        {
            out.push(rows);
        }
        at += step;
    }
    Ok(out)
}

/// Makes every bitmap again from the index as it stands, listing each frequent token through
/// FTS5 (in the caller's transaction): what `gongkai-kiosk reindex --bitmaps-only` does for a
/// store that has none (one upgraded from a version without them). Slow on a large index
/// (every frequent token's whole doclist is read); an apply builds its bitmaps while it writes
/// instead ([`Changes`]). Returns the bitmaps written.
pub(super) fn refresh(conn: &Connection, min_docs: usize) -> rusqlite::Result<usize> {
    // the runs of boilerplate stay: FTS5 no longer holds them, their bitmaps are their record
    conn.execute("DELETE FROM search_bitmaps WHERE tbl <> 'boilerplate'", [])?;
    let (items, max_rowid): (i64, Option<i64>) =
        conn.query_row("SELECT count(*), max(rowid) FROM search_items", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let items = usize::try_from(items).unwrap_or(0);
    let threshold = threshold(items, min_docs);
    let Some(max_rowid) = max_rowid.filter(|_| items >= threshold) else { return Ok(0) };
    let sample = stored_sample(conn)?;
    let mut chosen = frequent_tokens(&sample, items, threshold);
    chosen.extend(frequent_phrases(&sample, items, threshold).into_iter().map(|p| (IndexTable::Phrases, p)));
    let bits = capacity(max_rowid);
    let mut insert = conn.prepare("INSERT INTO search_bitmaps (tbl, token, bits) VALUES (?1, ?2, ?3)")?;
    let mut written = 0;
    for (table, token) in chosen {
        let mut b = DocBitmap::from_rowids(&listed(conn, table, &token)?, bits);
        if matches!(table, IndexTable::Text | IndexTable::Phrases)
            && let Some(runs) = boilerplate_containing(conn, &token)?
        {
            b.or(&runs);
        }
        if b.len() >= threshold {
            insert.execute(params![table.name(), token, b.to_bytes()])?;
            written += 1;
        }
    }
    Ok(written)
}

/// The bitmaps one apply keeps up to date, each in a slot: those stored, or, when the apply
/// writes a whole index into an empty one (a first import or sync, a rebuild), the frequent
/// tokens of a sample of what it writes, to be kept if frequent enough when it ends. Read by
/// the thread that prepares items ([`Slots::of`]), or, when the index is built in bulk, by the
/// writing one ([`Slots::beside_bulk`], the bulk index listing the rest).
#[derive(Debug, Default)]
pub(super) struct Slots {
    /// Each table's tokens' slots (`IndexTable as usize`), hashed cheaply: [`Slots::of`] looks
    /// up every token of every item an apply writes (but for an index built in bulk).
    by_token: [HashMap<String, u32, TokenHash>; 6],
    /// The phrases with a slot, all found in one pass over a run (Aho–Corasick: each byte of
    /// the text read once, however many phrases overlap there), and each one's slot.
    phrases: Option<(AhoCorasick, Vec<u32>)>,
    tokens: Vec<(IndexTable, String)>,
    /// Each slot's stored bitmap (`search_bitmaps.id`); empty while building.
    stored: Vec<i64>,
    /// The runs of boilerplate among the slots, taken out of the bodies written.
    boilerplate: HashSet<String>,
}

impl Slots {
    /// The slots of `tokens`; an error only if the phrases' automaton cannot be built (it
    /// cannot at [`MAX_PHRASES`] phrases of [`MAX_PHRASE_CHARS`] characters: the bound is
    /// millions of states).
    fn new(tokens: Vec<(IndexTable, String)>, stored: Vec<i64>) -> Result<Self, aho_corasick::BuildError> {
        let mut by_token: [HashMap<String, u32, TokenHash>; 6] = Default::default();
        let (mut phrases, mut phrase_slots): (Vec<&str>, Vec<u32>) = (Vec::new(), Vec::new());
        for (i, (table, token)) in tokens.iter().enumerate() {
            by_token[*table as usize].insert(token.clone(), i as u32);
            if *table == IndexTable::Phrases {
                phrases.push(token);
                phrase_slots.push(i as u32);
            }
        }
        let phrases = if phrases.is_empty() { None } else { Some((AhoCorasick::new(&phrases)?, phrase_slots)) };
        let boilerplate =
            tokens.iter().filter(|(t, _)| *t == IndexTable::Boilerplate).map(|(_, run)| run.clone()).collect();
        Ok(Slots { by_token, phrases, tokens, stored, boilerplate })
    }

    /// The runs of boilerplate to take out of every body written ([`IndexRows::strip`]).
    pub fn boilerplate(&self) -> &HashSet<String> {
        &self.boilerplate
    }

    /// The bitmaps the store has.
    pub fn stored(conn: &Connection) -> rusqlite::Result<Self> {
        let mut stmt = conn.prepare("SELECT id, tbl, token FROM search_bitmaps ORDER BY id")?;
        let (mut tokens, mut ids) = (Vec::new(), Vec::new());
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let Some(table) =
                IndexTable::ALL.into_iter().find(|t| r.get_ref(1).ok().and_then(|v| v.as_str().ok()) == Some(t.name()))
            else {
                continue;
            };
            tokens.push((table, r.get::<_, String>(2)?));
            ids.push(r.get(0)?);
        }
        // no slot for a phrase is no bitmap kept up to date: the apply stops, naming why
        Self::new(tokens, ids).map_err(|e| {
            let code = rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR);
            rusqlite::Error::SqliteFailure(code, Some(format!("the search bitmaps' phrases: {e}")))
        })
    }

    /// Slots to build, for an apply that writes `items` items into an empty index, from a
    /// sample of their rows; none if the index will be too small for bitmaps.
    pub fn building(sample: &[IndexRows], items: usize, min_docs: usize) -> Self {
        let threshold = threshold(items, min_docs);
        if items < threshold || sample.is_empty() {
            return Self::default();
        }
        let mut tokens: Vec<(IndexTable, String)> =
            boilerplate_runs(sample, items, threshold).into_iter().map(|run| (IndexTable::Boilerplate, run)).collect();
        tokens.extend(frequent_tokens(sample, items, threshold));
        tokens.extend(frequent_phrases(sample, items, threshold).into_iter().map(|p| (IndexTable::Phrases, p)));
        // (should the phrases' automaton fail to build, the apply makes no bitmaps: searches list
        // through FTS5, as in a store too small for them)
        Self::new(tokens, Vec::new()).unwrap_or_default()
    }

    /// For an apply: the stored bitmaps, or, when the index is empty and there are none, slots
    /// to build from `sample()` (rows of what the apply writes, `items` in all).
    pub fn for_apply(
        conn: &Connection,
        items: usize,
        min_docs: usize,
        sample: impl FnOnce() -> Vec<IndexRows>,
    ) -> rusqlite::Result<Self> {
        let stored = Self::stored(conn)?;
        if !stored.tokens.is_empty() {
            return Ok(stored);
        }
        let empty: bool = conn.query_row("SELECT NOT EXISTS (SELECT 1 FROM search_items)", [], |r| r.get(0))?;
        if !empty || items < threshold(items, min_docs) {
            return Ok(stored);
        }
        Ok(Self::building(&sample(), items, min_docs))
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    fn building_now(&self) -> bool {
        !self.tokens.is_empty() && self.stored.is_empty()
    }

    /// The tokens with a slot that the bulk index of `fts_table` is to list the rowids of
    /// ([`super::fts5_bulk::BulkIndex::with_holders`]) while these bitmaps are built:
    /// `search_fts` the bigrams of [`IndexTable::Text`], `search_titles` those of
    /// [`IndexTable::Titles`], `search_chars` the characters of [`IndexTable::Chars`], packed
    /// ([`packed_token`]), each with its slot. None for another table, when the bitmaps are
    /// stored (mended item by item) or when a token cannot be packed (never: a bigram is at
    /// most 8 bytes): then [`Slots::of`] finds every slot of every item.
    pub fn bulk_listed_tokens(&self, fts_table: &str) -> Option<PackedSlots> {
        let table = match fts_table {
            "search_fts" => IndexTable::Text,
            "search_titles" => IndexTable::Titles,
            "search_chars" => IndexTable::Chars,
            _ => return None,
        };
        if !self.building_now() {
            return None;
        }
        let tokens = self.tokens.iter().enumerate().filter(|(_, (t, _))| *t == table);
        tokens.map(|(slot, (_, token))| Some((packed_token(token.as_bytes())?, slot as u32))).collect()
    }

    /// The slots of the tokens an item's rows hold, ascending.
    pub fn of(&self, rows: &IndexRows) -> Vec<u32> {
        self.held(rows, true)
    }

    /// The slots of the tokens an item's rows hold that an index built in bulk does not list
    /// ([`Slots::bulk_listed_tokens`]): the characters of titles, the runs of boilerplate and
    /// their bigrams (taken out of the bodies indexed), the phrases. Ascending.
    pub fn beside_bulk(&self, rows: &IndexRows) -> Vec<u32> {
        self.held(rows, false)
    }

    /// The slots of the tokens an item's rows hold, with or without those of the tables an
    /// index built in bulk lists.
    fn held(&self, rows: &IndexRows, bulk_tables: bool) -> Vec<u32> {
        if self.tokens.is_empty() {
            return Vec::new();
        }
        // the slots found, as bits: a token found many times is set many times, and the bits
        // read in order are the slots sorted, without duplicates
        let mut found = vec![0u64; self.tokens.len().div_ceil(64)];
        let mut set = |slot: u32| found[slot as usize / 64] |= 1 << (slot % 64);
        let mut find = |table: IndexTable, token: &str| {
            if let Some(&slot) = self.by_token[table as usize].get(token) {
                set(slot);
            }
        };
        let (title, body, chars) = rows.token_texts();
        for t in title.split(' ') {
            if bulk_tables && IndexTable::Titles.takes(t) {
                find(IndexTable::Titles, t);
                find(IndexTable::Text, t);
            }
            if let Some(c) = first_char(t) {
                find(IndexTable::TitleChars, c);
            }
        }
        if bulk_tables {
            for t in body.split(' ').filter(|t| IndexTable::Text.takes(t)) {
                find(IndexTable::Text, t);
            }
            for t in chars.split(' ').filter(|t| IndexTable::Chars.takes(t)) {
                find(IndexTable::Chars, t);
            }
        }
        for run in rows.stripped() {
            find(IndexTable::Boilerplate, run);
            let ends: Vec<usize> = run.char_indices().map(|(i, _)| i).chain([run.len()]).collect();
            for w in ends.windows(3) {
                find(IndexTable::Text, &run[w[0]..w[2]]);
            }
        }
        if let Some((finder, phrase_slots)) = &self.phrases {
            rows.each_run(|run| {
                // (a CJK character is 3 or 4 bytes)
                if run.len() >= MIN_PHRASE_CHARS * 3 {
                    for m in finder.find_overlapping_iter(run) {
                        set(phrase_slots[m.pattern().as_usize()]);
                    }
                }
            });
        }
        let mut out = Vec::new();
        for (i, word) in found.iter().enumerate() {
            let mut bits = *word;
            while bits != 0 {
                out.push(i as u32 * 64 + bits.trailing_zeros());
                bits &= bits - 1;
            }
        }
        out
    }
}

/// Tokens packed as a bulk index keys them ([`packed_token`]), each with its slot.
pub(super) type PackedSlots = HashMap<u64, u32, PackedHash>;

/// A multiply folded to 64 bits, for tokens packed in a number ([`packed_token`]; from the
/// content written, never from a visitor, as for [`TokenHash`]).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct PackedHash;

impl std::hash::BuildHasher for PackedHash {
    type Hasher = PackedHasher;
    fn build_hasher(&self) -> PackedHasher {
        PackedHasher(0)
    }
}

pub(super) struct PackedHasher(u64);

impl std::hash::Hasher for PackedHasher {
    fn finish(&self) -> u64 {
        let product = u128::from(self.0) * 0x9e37_79b9_7f4a_7c15;
        (product as u64) ^ ((product >> 64) as u64)
    }
    /// A `u64` key comes through [`Hasher::write_u64`](std::hash::Hasher::write_u64); any
    /// other bytes are folded in FNV's way.
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 ^= n;
    }
}

/// FNV-1a over a token's bytes: the tokens come from the content being written (a signed pack
/// or the publisher's folder), never from a visitor, and are a few bytes long, where SipHash's
/// setup would cost more than the hashing.
#[derive(Debug, Clone, Copy, Default)]
struct TokenHash;

impl std::hash::BuildHasher for TokenHash {
    type Hasher = Fnv;
    fn build_hasher(&self) -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// What one apply wrote to and removed from the index, for its bitmaps ([`Slots`]): kept as a
/// list while it is short (each item then mended in place when the apply ends), in memory,
/// every bitmap whole, once it is longer or while building.
#[derive(Debug, Default)]
pub(super) struct Changes {
    /// Items written (with the slots their tokens hold) or removed (with none).
    touched: Vec<(i64, Vec<u32>)>,
    /// Every slot's bitmap, once in memory.
    memory: Option<Vec<DocBitmap>>,
    /// While building: the rowids written so far (a new one has no bit to clear).
    written: DocBitmap,
    /// Something was written or removed.
    any: bool,
}

impl Changes {
    pub fn new(slots: &Slots) -> Self {
        let memory = slots.building_now().then(|| vec![DocBitmap::default(); slots.tokens.len()]);
        Changes { memory, ..Default::default() }
    }

    fn apply(memory: &mut [DocBitmap], rowid: i64, held: &[u32]) {
        for b in memory.iter_mut() {
            b.remove(rowid);
        }
        for &s in held {
            memory[s as usize].insert(rowid);
        }
    }

    /// Every stored bitmap, read into memory, with the listed changes made.
    fn load(&mut self, conn: &Connection, slots: &Slots) -> rusqlite::Result<()> {
        let mut stmt = conn.prepare_cached("SELECT bits FROM search_bitmaps WHERE id = ?1")?;
        let mut memory = Vec::with_capacity(slots.stored.len());
        for id in &slots.stored {
            memory.push(DocBitmap::from_bytes(&stmt.query_row([id], |r| r.get::<_, Vec<u8>>(0))?));
        }
        for (rowid, held) in self.touched.drain(..) {
            Self::apply(&mut memory, rowid, &held);
        }
        self.memory = Some(memory);
        Ok(())
    }

    /// Item `rowid` was written, holding the tokens of `held` ([`Slots::of`], or
    /// [`Slots::beside_bulk`] while an index built in bulk lists the rest).
    pub fn written(&mut self, conn: &Connection, slots: &Slots, rowid: i64, held: Vec<u32>) -> rusqlite::Result<()> {
        self.any = true;
        if slots.is_empty() {
            return Ok(());
        }
        if let Some(memory) = &mut self.memory {
            if slots.building_now() && !self.written.contains(rowid) {
                // a rowid new to an index that was empty: nothing to clear
                self.written.insert(rowid);
                for &s in &held {
                    memory[s as usize].insert(rowid);
                }
            } else {
                Self::apply(memory, rowid, &held);
            }
            return Ok(());
        }
        self.touched.push((rowid, held));
        if self.touched.len() > INCREMENTAL_LIMIT {
            self.load(conn, slots)?;
        }
        Ok(())
    }

    /// The rowids an index built in bulk listed for the slots of its tables
    /// ([`Slots::bulk_listed_tokens`]), added to the bitmaps being built (in memory whenever
    /// there are any: both follow from the slots being built).
    pub fn listed_in_bulk(&mut self, listed: Vec<(u32, DocBitmap)>) {
        debug_assert!(self.memory.is_some() || listed.is_empty(), "rows listed for bitmaps not being built");
        if let Some(memory) = &mut self.memory {
            for (slot, rowids) in listed {
                memory[slot as usize].or(&rowids);
            }
        }
    }

    /// Item `rowid` was removed.
    pub fn removed(&mut self, conn: &Connection, slots: &Slots, rowid: i64) -> rusqlite::Result<()> {
        self.written(conn, slots, rowid, Vec::new())
    }

    /// Writes the bitmaps as the apply leaves them, in its transaction: the built ones that are
    /// frequent enough, the stored ones whole if they were in memory, else mended in place
    /// (SQLite's incremental blob I/O: a byte per item and bitmap), or whole after all if an
    /// item's rowid lies beyond a bitmap's room.
    pub fn finish(mut self, conn: &Connection, slots: &Slots, min_docs: usize) -> rusqlite::Result<()> {
        if !self.any || slots.is_empty() {
            return Ok(());
        }
        if slots.building_now() {
            let Some(memory) = self.memory.take() else { return Ok(()) };
            let (items, max_rowid): (i64, Option<i64>) =
                conn.query_row("SELECT count(*), max(rowid) FROM search_items", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
            let threshold = threshold(usize::try_from(items).unwrap_or(0), min_docs);
            let bits = capacity(max_rowid.unwrap_or(0));
            let mut insert = conn.prepare("INSERT INTO search_bitmaps (tbl, token, bits) VALUES (?1, ?2, ?3)")?;
            for ((table, token), mut b) in slots.tokens.iter().zip(memory) {
                // a run of boilerplate is kept however rare: the bodies were written without it
                if b.len() >= threshold || *table == IndexTable::Boilerplate {
                    b.reserve(bits);
                    insert.execute(params![table.name(), token, b.to_bytes()])?;
                }
            }
            return Ok(());
        }
        // the shortest bitmap's room (a run of boilerplate keeps its bitmap from an earlier
        // build when `refresh` makes the others again, with another room)
        let room: i64 =
            conn.query_row("SELECT coalesce(min(length(bits)), 0) FROM search_bitmaps", [], |r| r.get(0))?;
        if self.memory.is_none() && self.touched.iter().any(|(r, _)| *r < 0 || r / 8 >= room) {
            self.load(conn, slots)?;
        }
        if let Some(memory) = self.memory.take() {
            let max_rowid: Option<i64> = conn.query_row("SELECT max(rowid) FROM search_items", [], |r| r.get(0))?;
            let bits = capacity(max_rowid.unwrap_or(0));
            let mut update = conn.prepare("UPDATE search_bitmaps SET bits = ?2 WHERE id = ?1")?;
            for (id, mut b) in slots.stored.iter().zip(memory) {
                b.reserve(bits);
                update.execute(params![id, b.to_bytes()])?;
            }
            return Ok(());
        }
        // stable: a rowid written twice is set by its last write, which comes after the first
        let mut touched = self.touched;
        touched.sort_by_key(|t| t.0);
        for (slot, id) in slots.stored.iter().enumerate() {
            let slot = slot as u32;
            let mut blob = conn.blob_open(MAIN_DB, "search_bitmaps", "bits", *id, false)?;
            for (rowid, held) in &touched {
                let (at, bit) = ((rowid / 8) as usize, 1u8 << (rowid % 8));
                let mut byte = [0u8; 1];
                blob.read_at_exact(&mut byte, at)?;
                let new = if held.binary_search(&slot).is_ok() { byte[0] | bit } else { byte[0] & !bit };
                if new != byte[0] {
                    blob.write_at(&[new], at)?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{ContentSet, Document, ItemKind};
    use crate::store::{Delta, Store};

    const WORDS: [&str; 8] = ["政府", "信息", "公开", "住房", "补贴", "教育", "医疗", "就业"];

    /// Document `i`: word `j` of [`WORDS`] in its body when bit `j` of `i + salt` is set, so
    /// the words are in about half the documents each and a change of `salt` moves them.
    fn doc(template: &Document, i: usize, salt: usize) -> Document {
        let mut d = template.clone();
        d.id = format!("bm-{i}");
        // (a phrase in titles only: 政府公告, 府公告, …)
        d.title = format!("第{i}号 {}公告", WORDS[(i + salt) % WORDS.len()]);
        d.body = WORDS
            .iter()
            .enumerate()
            .filter(|(j, _)| (i + salt) >> j & 1 == 1)
            .map(|(_, w)| format!("关于{w}的说明。"))
            .collect();
        d.attachments.clear();
        d.keywords.clear();
        d.summary = None;
        d.doc_no = None;
        d
    }

    fn template() -> Document {
        let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-content");
        crate::content::load(&demo).unwrap().documents.remove(0)
    }

    /// Every bitmap lists exactly what FTS5 lists for its token; returns how many there are
    /// per table.
    fn check(store: &Store) -> HashMap<IndexTable, usize> {
        let conn = store.connection();
        let bitmaps: Vec<(String, String, Vec<u8>)> = conn
            .prepare("SELECT tbl, token, bits FROM search_bitmaps")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        // every item's runs as written, boilerplate included
        let items: Vec<(i64, Vec<String>)> = conn
            .prepare("SELECT rowid, id, kind FROM search_items ORDER BY rowid")
            .unwrap()
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .filter_map(|(rowid, id, kind)| {
                IndexRows::of_stored(conn, &id, &kind).unwrap().map(|r| (rowid, r.body_runs()))
            })
            .collect();
        let mut per_table = HashMap::new();
        for (tbl, token, bits) in bitmaps {
            let table = IndexTable::ALL.into_iter().find(|t| t.name() == tbl).unwrap();
            let listed = match table {
                IndexTable::Boilerplate => {
                    items.iter().filter(|(_, runs)| runs.contains(&token)).map(|(r, _)| *r).collect()
                }
                // FTS5's own phrase query, with the runs of boilerplate containing the phrase
                IndexTable::Text | IndexTable::Phrases => {
                    let mut all = DocBitmap::from_rowids(&listed(conn, table, &token).unwrap(), 0);
                    if let Some(b) = boilerplate_containing(conn, &token).unwrap() {
                        all.or(&b);
                    }
                    all.rowids()
                }
                _ => listed(conn, table, &token).unwrap(),
            };
            assert_eq!(DocBitmap::from_bytes(&bits).rowids(), listed, "{tbl} {token}");
            assert_eq!(store.search_bitmap(table, &token).unwrap().unwrap().rowids(), listed);
            *per_table.entry(table).or_default() += 1;
        }
        per_table
    }

    /// An empty store giving a token a bitmap from 8 items on.
    fn small_store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        store.set_bitmap_min_docs(8);
        (dir, store)
    }

    fn assert_every_table_has_some(n: &HashMap<IndexTable, usize>) {
        for table in IndexTable::ALL {
            assert!(n.get(&table).copied().unwrap_or(0) > 0, "{table:?}: {n:?}");
        }
    }

    /// A kiosk's first sync (changes into an empty store) builds them too, runs of
    /// boilerplate included, and a second sync mends them.
    #[test]
    fn a_first_sync_into_an_empty_store_builds_the_bitmaps() {
        let (_dir, mut store) = small_store();
        let t = template();
        let delta = Delta { documents: (0..200).map(|i| doc(&t, i, 0)).collect(), ..Default::default() };
        store.apply_delta(&delta, "test").unwrap();
        let n = check(&store);
        assert_every_table_has_some(&n);
        let delta = Delta {
            documents: (0..50).map(|i| doc(&t, i, 5)).collect(),
            removed: vec![(ItemKind::Document, "bm-199".into())],
            ..Default::default()
        };
        store.apply_delta(&delta, "test").unwrap();
        assert_eq!(check(&store), n);
    }

    #[test]
    fn bitmaps_list_what_fts5_lists_after_every_kind_of_change() {
        let (_dir, mut store) = small_store();
        let t = template();
        let mut set = ContentSet { documents: (0..200).map(|i| doc(&t, i, 0)).collect(), ..Default::default() };

        // a first import: the bitmaps built while it writes
        store.apply(&set, "test").unwrap();
        let n = check(&store);
        assert_every_table_has_some(&n);
        assert!(store.search_bitmap(IndexTable::Text, "补贴").unwrap().is_some());
        assert!(store.search_bitmap(IndexTable::Phrases, "政府公告").unwrap().is_some(), "a phrase of titles only");
        assert!(store.search_bitmap(IndexTable::Phrases, "的说明").unwrap().is_some(), "a phrase of bodies");
        // a word in no document yet
        assert!(store.search_bitmap(IndexTable::Text, "养老").unwrap().is_none());

        // a small sync: 6 changed, 3 removed, 4 added, one of them twice; mended in place
        let mut again = doc(&t, 201, 5);
        again.body.push_str("养老服务。");
        let delta = Delta {
            documents: (10..16)
                .map(|i| doc(&t, i, 3))
                .chain((200..204).map(|i| doc(&t, i, 1)))
                .chain([again])
                .collect(),
            removed: (20..23).map(|i| (ItemKind::Document, format!("bm-{i}"))).collect(),
            ..Default::default()
        };
        store.apply_delta(&delta, "test").unwrap();
        let after = check(&store);
        assert_eq!(after, n, "the same tokens: mended, not made again");

        // 养老 in many documents by a small sync: exact lists, but no bitmap until made again
        let delta = Delta {
            documents: (30..60)
                .map(|i| {
                    let mut d = doc(&t, i, 0);
                    d.body.push_str("养老服务。");
                    d
                })
                .collect(),
            ..Default::default()
        };
        store.apply_delta(&delta, "test").unwrap();
        check(&store);
        assert!(store.search_bitmap(IndexTable::Text, "养老").unwrap().is_none());

        // a re-import changing more than the incremental limit: mended whole, in memory
        set.documents = (0..(INCREMENTAL_LIMIT + 100)).map(|i| doc(&t, i, 7)).collect();
        for d in set.documents.iter_mut().take(120) {
            d.body.push_str("养老服务。");
        }
        store.apply(&set, "test").unwrap();
        assert_eq!(check(&store), n);
        assert!(store.search_bitmap(IndexTable::Text, "养老").unwrap().is_none());

        // a sync adding an item beyond the bitmaps' room (an item row far above the others, so
        // that the next rowid is past it): made again
        let top: i64 = store.connection().query_row("SELECT max(rowid) FROM search_items", [], |r| r.get(0)).unwrap();
        store
            .connection()
            .execute(
                "INSERT INTO search_items (rowid, id, kind, title, readings) VALUES (?1, 'gap', 'faq', '', '')",
                [top + 20_000],
            )
            .unwrap();
        let mut far = doc(&t, 900_000, 0);
        far.body.push_str("住房补贴。");
        let delta = Delta { documents: vec![far], ..Default::default() };
        store.apply_delta(&delta, "test").unwrap();
        check(&store);
        let far_rowid: i64 = store
            .connection()
            .query_row("SELECT rowid FROM search_items WHERE id = 'bm-900000'", [], |r| r.get(0))
            .unwrap();
        assert!(far_rowid > top + 20_000);
        assert!(store.search_bitmap(IndexTable::Text, "补贴").unwrap().unwrap().contains(far_rowid));

        // a rebuild of the whole index chooses the tokens again: 养老 now has one
        store.rebuild_search_index().unwrap();
        let rebuilt = check(&store);
        assert!(store.search_bitmap(IndexTable::Text, "养老").unwrap().is_some());

        // listing every frequent token through FTS5 (`reindex --bitmaps-only`) gives the same
        store.refresh_search_bitmaps().unwrap();
        assert_eq!(check(&store), rebuilt);
    }

    #[test]
    fn bitmaps_list_set_and_combine() {
        let mut a = DocBitmap::from_rowids(&[1, 5, 64, 200], 100);
        assert!(a.contains(64) && a.contains(200) && !a.contains(2) && !a.contains(-1));
        assert_eq!(a.rowids(), vec![1, 5, 64, 200]);
        assert_eq!(DocBitmap::from_bytes(&a.to_bytes()), a);
        let b = DocBitmap::from_rowids(&[5, 64, 65], 70);
        let mut u = a.clone();
        u.or(&b);
        assert_eq!(u.rowids(), vec![1, 5, 64, 65, 200]);
        a.and(&b);
        assert_eq!(a.rowids(), vec![5, 64]);
        assert_eq!(a.len(), 2);
    }

    #[test]
    fn only_cjk_bigrams_and_characters_take_bitmaps() {
        assert!(IndexTable::Text.takes("政府"));
        assert!(!IndexTable::Text.takes("政"));
        assert!(!IndexTable::Text.takes("政府信"));
        assert!(!IndexTable::Text.takes("pm"));
        assert!(IndexTable::Chars.takes("政"));
        assert!(!IndexTable::Chars.takes("政府"));
        assert!(!IndexTable::Chars.takes("a"));
        assert!(IndexTable::Phrases.takes("信息公开"));
        assert!(IndexTable::Phrases.takes("政府信息公开条例"));
        assert!(!IndexTable::Phrases.takes("公开"));
        assert!(!IndexTable::Phrases.takes("中华人民共和国政府"));
        assert!(!IndexTable::Phrases.takes("pm2.5浓度"));
        assert!(IndexTable::TitleChars.takes("政"));
        assert!(!IndexTable::TitleChars.takes("政府"));
    }

    /// Bodies with more frequent tokens than the quotas hold: each kind of token gets its own
    /// quota, the most frequent first (the titles' characters, in every sampled item as every
    /// body token is, sort last and are still chosen), and a run of boilerplate is never among
    /// them (they are chosen apart).
    #[test]
    fn each_kind_of_token_is_chosen_within_its_own_quota() {
        let body: String = (0..6000u32).filter_map(|i| char::from_u32(0x4e00 + i)).collect();
        let rows = IndexRows::of(ItemKind::Document, "政府公告", &body, None);
        let sample = vec![rows; 64];
        let chosen = frequent_tokens(&sample, 64, 4);
        let count = |table: IndexTable| chosen.iter().filter(|(t, _)| *t == table).count();
        assert_eq!(count(IndexTable::Text) + count(IndexTable::Titles), MAX_BIGRAMS);
        assert_eq!(count(IndexTable::Chars), MAX_CHARS);
        assert_eq!(count(IndexTable::Boilerplate), 0);
        assert_eq!(chosen.len(), MAX_BIGRAMS + MAX_CHARS + 4);
        let title_chars: Vec<&str> =
            chosen.iter().filter(|(t, _)| *t == IndexTable::TitleChars).map(|(_, c)| c.as_str()).collect();
        assert_eq!(title_chars.len(), 4, "{title_chars:?}");
        for c in ["政", "府", "公", "告"] {
            assert!(title_chars.contains(&c), "{c}");
        }
    }

    /// A term's bitmap stands for the query search makes of it in the table it searches.
    #[test]
    fn a_terms_bitmap_stands_for_the_table_it_searches() {
        for table in [IndexTable::Text, IndexTable::Titles, IndexTable::Chars] {
            for n in 1..=10 {
                if let Some(b) = table.bitmap_of_term(n) {
                    assert_eq!(b.searched(), table, "{table:?} {n}");
                }
            }
        }
        assert_eq!(IndexTable::Titles.bitmap_of_term(1), Some(IndexTable::TitleChars));
        assert_eq!(IndexTable::Text.bitmap_of_term(4), Some(IndexTable::Phrases));
        assert_eq!(IndexTable::Text.bitmap_of_term(1), None);
        assert_eq!(IndexTable::Chars.bitmap_of_term(2), None);
    }
}
