//! The store's search tables, written here and read by `search`: `search_items` (one row per
//! searchable item, with its title's pinyin readings and the document facets ranking needs),
//! `search_fts` (a contentless FTS5 table of folded bigram tokens over title and body),
//! `search_titles` (titles alone, for instant search), `search_chars` (the distinct characters
//! of each item, for one-character queries) and `zero_result_queries`. Items are added, changed
//! and removed one by one inside the store's content transaction, so the index always matches
//! the snapshot it belongs to. The token format comes from [`crate::text`], which `search` uses
//! to build its queries.

use std::collections::HashSet;

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::{Store, StoreError};

use crate::content::{Document, Faq, Guide, ItemKind, markdown};
use crate::text::fold::{Folded, fold, is_cjk};
use crate::text::pinyin::{encode, title_readings};
use crate::text::tokens::index_text;

use super::fts5_bulk::{BulkIndex, IndexThread, sqlite_varint};
use super::search_bitmaps::{Changes, DocBitmap, SAMPLE, Slots};

/// Schema of the index (store migration 2).
pub(super) const SCHEMA: &str = r#"
    CREATE TABLE search_items (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        readings TEXT NOT NULL,
        -- documents only: what ranking, filters and counts need, without reading the document
        doc_kind TEXT,
        area TEXT,
        publisher TEXT,
        year INTEGER,
        validity TEXT,
        published TEXT,
        doc_no TEXT
    );
    CREATE VIRTUAL TABLE search_fts USING fts5(
        title, body,
        content = '', contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 0'
    );
    -- FTS5 ranks by bm25 with the title weighted 8 times the body
    INSERT INTO search_fts (search_fts, rank) VALUES ('rank', 'bm25(8.0, 1.0)');
    -- titles alone, for instant search while typing
    CREATE VIRTUAL TABLE search_titles USING fts5(
        title,
        content = '', contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 0'
    );
    CREATE TABLE zero_result_queries (
        query TEXT NOT NULL,
        day TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (query, day)
    );
"#;

/// Schema of the character index (store migration 3): for each item, the set of distinct CJK
/// characters in its folded title and body, without positions (`detail = none`). A
/// one-character query reads one short list of rowids here instead of merging every bigram that
/// starts with the character. The migration empties the other index tables so that the store
/// rebuilds the whole index, this table included, when it opens.
pub(super) const CHARS_SCHEMA: &str = r#"
    DELETE FROM search_fts;
    DELETE FROM search_titles;
    DELETE FROM search_items;
    CREATE VIRTUAL TABLE search_chars USING fts5(
        chars,
        content = '', contentless_delete = 1, detail = none,
        tokenize = 'unicode61 remove_diacritics 0'
    );
"#;

/// The text of a document as the index sees it: (title, body), the body followed by the text of
/// its attachments ([`attachment_texts`]), so a word that only an attachment holds finds the
/// document.
pub fn document_text(d: &Document) -> (String, String) {
    let (title, mut body) = document_own_text(d);
    for (_, _, text) in attachment_texts(d) {
        body.push('\n');
        body.push_str(text);
    }
    (title, body)
}

/// The searchable text of every attachment, piece by piece: its title, the text of each page of
/// its PDF (a scan has none), the transcript of an audio or video interpretation; each with the
/// attachment's place in the list and the page (None: the title, a transcript).
pub fn attachment_texts(d: &Document) -> Vec<(usize, Option<u32>, &str)> {
    let mut out = Vec::new();
    for (i, a) in d.attachments.iter().enumerate() {
        out.push((i, None, a.title.as_str()));
        if let Some(derived) = &a.derived {
            for (p, text) in derived.page_text.iter().enumerate() {
                if !text.trim().is_empty() {
                    out.push((i, Some(p as u32 + 1), text.as_str()));
                }
            }
            if let Some(t) = &derived.transcript {
                out.push((i, None, t.as_str()));
            }
        }
    }
    out
}

/// The text of a document without its attachments, as its snippets show it: (title, body).
pub fn document_own_text(d: &Document) -> (String, String) {
    let mut title = d.title.clone();
    for extra in d.doc_no.iter().chain(d.keywords.iter()) {
        title.push('\n');
        title.push_str(extra);
    }
    let mut body = markdown::plain_text(&d.body);
    for extra in d.summary.iter().chain(std::iter::once(&d.publisher)).chain(d.index_no.iter()) {
        body.push('\n');
        body.push_str(extra);
    }
    (title, body)
}

pub fn guide_text(g: &Guide) -> (String, String) {
    let mut parts: Vec<&str> = Vec::new();
    parts.extend(g.code.as_deref());
    parts.extend(g.conditions.iter().map(String::as_str));
    parts.extend(g.materials.iter().map(|m| m.name.as_str()));
    for s in &g.steps {
        parts.push(&s.title);
        parts.extend(s.detail.as_deref());
    }
    parts.extend([g.office.as_str(), g.location.as_str(), g.hours.as_str(), g.fee.as_str()]);
    parts.extend(g.basis.iter().map(String::as_str));
    for q in &g.faq {
        parts.push(&q.question);
        parts.push(&q.answer);
    }
    (g.name.clone(), parts.join("\n"))
}

pub fn faq_text(q: &Faq) -> (String, String) {
    (q.question.clone(), q.answer.clone())
}

/// What search results show and filter on for a document.
#[derive(Debug, Clone, Default)]
pub(super) struct DocMeta {
    pub kind: String,
    pub area: Option<String>,
    pub publisher: String,
    pub year: i32,
    pub validity: String,
    pub published: String,
    pub doc_no: Option<String>,
}

impl DocMeta {
    pub fn of(d: &Document) -> Self {
        DocMeta {
            kind: d.kind.key().to_string(),
            area: d.area.clone(),
            publisher: d.publisher.clone(),
            year: d.year(),
            validity: d.validity.key().to_string(),
            published: d.published.to_string(),
            doc_no: d.doc_no.clone(),
        }
    }
}

/// One item's index rows, worked out from its text alone: the folding, bigram tokens, title
/// readings and distinct characters, the costly part of indexing. Needs no database, so an
/// import prepares the next items on another thread while the store writes ([`super::apply`]).
#[derive(Debug, Clone)]
pub(super) struct IndexRows {
    kind: ItemKind,
    display_title: String,
    readings: String,
    title_tokens: String,
    body_tokens: String,
    chars: String,
    meta: Option<DocMeta>,
    /// The runs of boilerplate taken out of `body_tokens` ([`IndexRows::strip`]).
    stripped: Vec<String>,
}

impl IndexRows {
    pub fn of(kind: ItemKind, title: &str, body: &str, meta: Option<DocMeta>) -> Self {
        let display_title = title.lines().next().unwrap_or_default().to_string();
        let readings = encode(&title_readings(&display_title));
        let (folded_title, folded_body) = (fold(title), fold(body));
        IndexRows {
            kind,
            readings,
            title_tokens: index_text(&folded_title),
            body_tokens: index_text(&folded_body),
            chars: distinct_chars(&folded_title, &folded_body),
            display_title,
            meta,
            stripped: Vec::new(),
        }
    }

    pub fn of_document(d: &Document) -> Self {
        let (t, b) = document_text(d);
        Self::of(ItemKind::Document, &t, &b, Some(DocMeta::of(d)))
    }

    pub fn of_guide(g: &Guide) -> Self {
        let (t, b) = guide_text(g);
        Self::of(ItemKind::Guide, &t, &b, None)
    }

    pub fn of_faq(q: &Faq) -> Self {
        let (t, b) = faq_text(q);
        Self::of(ItemKind::Faq, &t, &b, None)
    }

    /// The rows of the stored item `id` of kind `kind` (as `search_items` names it), from its
    /// stored JSON; None if there is no such item or it cannot be read.
    pub fn of_stored(conn: &Connection, id: &str, kind: &str) -> rusqlite::Result<Option<Self>> {
        let Some(kind) = ItemKind::parse(kind) else { return Ok(None) };
        let table = super::apply::table_of(kind);
        let json: Option<String> = conn
            .prepare_cached(&format!("SELECT data FROM {table} WHERE id = ?1"))?
            .query_row([id], |r| r.get(0))
            .optional()?;
        let Some(json) = json else { return Ok(None) };
        Ok(match kind {
            ItemKind::Document => serde_json::from_str::<Document>(&json).ok().map(|d| Self::of_document(&d)),
            ItemKind::Guide => serde_json::from_str::<Guide>(&json).ok().map(|g| Self::of_guide(&g)),
            ItemKind::Faq => serde_json::from_str::<Faq>(&json).ok().map(|q| Self::of_faq(&q)),
            ItemKind::Board => None,
        })
    }

    /// The token texts as the FTS5 tables get them: (title, body, distinct characters).
    pub fn token_texts(&self) -> (&str, &str, &str) {
        (&self.title_tokens, &self.body_tokens, &self.chars)
    }

    /// The runs of boilerplate taken out of the body ([`IndexRows::strip`]).
    pub fn stripped(&self) -> &[String] {
        &self.stripped
    }

    /// The CJK runs of the body (each as its characters), in order.
    pub fn body_runs(&self) -> Vec<String> {
        let mut runs = Vec::new();
        walk_runs(&self.body_tokens, |run, _| runs.extend(run.map(str::to_string)));
        runs
    }

    /// Every CJK run of the title and of the body, those taken out as boilerplate included: all
    /// the text a phrase query can match, as FTS5 matches a phrase only inside one run.
    pub fn each_run(&self, mut f: impl FnMut(&str)) {
        for tokens in [&self.title_tokens, &self.body_tokens] {
            walk_runs(tokens, |run, _| {
                if let Some(run) = run {
                    f(run);
                }
            });
        }
        self.stripped.iter().for_each(|run| f(run));
    }

    /// Takes every CJK run of the body that is one of `boilerplate` out of its tokens, and
    /// keeps which ones it took (see `store::search_bitmaps`: their bitmaps stand for them).
    /// Titles are never stripped.
    pub fn strip(&mut self, boilerplate: &HashSet<String>) {
        if boilerplate.is_empty() {
            return;
        }
        let tokens = std::mem::take(&mut self.body_tokens);
        let mut out = String::with_capacity(tokens.len());
        let stripped = &mut self.stripped;
        walk_runs(&tokens, |run, run_tokens| match run {
            Some(run) if boilerplate.contains(run) => {
                if !stripped.iter().any(|s| s == run) {
                    stripped.push(run.to_string());
                }
            }
            _ => out.push_str(run_tokens),
        });
        self.body_tokens = out;
    }
}

/// The tokenizer of every FTS5 table of the index, and its arguments, as the schemas say.
const TOKENIZER: &str = "unicode61";
const TOKENIZER_ARGS: [&str; 2] = ["remove_diacritics", "0"];

/// The index of an empty store written in bulk ([`super::fts5_bulk`]): `search_fts`,
/// `search_titles` and `search_chars`, without FTS5's pending terms, which cost an import most
/// of its time, and on a thread of their own. Every item's rowid must be new and larger than
/// the last: an apply starts one only when the index is empty and no item id appears twice.
pub(super) struct BulkRows {
    thread: IndexThread,
    /// The bulk indexes list the rowids of the slots of their tables' tokens.
    lists_slots: bool,
}

impl BulkRows {
    /// Empties the FTS5 tables (FTS5's `delete-all`, which leaves them as created) and starts
    /// their bulk indexes; None if the index holds an item. While `slots` are built, the bulk
    /// indexes list the rowids holding their tables' tokens with a slot
    /// ([`Slots::bulk_listed_tokens`]): [`BulkRows::finish`] returns them, and an item's other
    /// slots are [`BulkRows::slots_not_listed`].
    pub fn start(conn: &Connection, slots: &Slots) -> rusqlite::Result<Option<BulkRows>> {
        if conn.query_row("SELECT EXISTS (SELECT 1 FROM search_items)", [], |r| r.get::<_, bool>(0))? {
            return Ok(None);
        }
        for table in FTS_TABLES {
            conn.execute(&format!("INSERT INTO {table} ({table}) VALUES ('delete-all')"), [])?;
        }
        // the schemas above: `search_chars` alone has `detail = none`; the texts handed over
        // are (title tokens, body tokens, characters)
        let tables = [
            ("search_fts", 2, false, vec![0, 1]),
            ("search_titles", 1, false, vec![0]),
            ("search_chars", 1, true, vec![2]),
        ];
        // every table's tokens listed, or none (the writing thread then finds every slot)
        let listed: Option<Vec<_>> = tables.iter().map(|(table, ..)| slots.bulk_listed_tokens(table)).collect();
        let lists_slots = listed.is_some();
        let mut listed = listed.map(Vec::into_iter);
        let mut indexes = Vec::with_capacity(tables.len());
        for (table, columns, rowids_only, texts) in tables {
            let index = BulkIndex::start(conn, table, columns, rowids_only, TOKENIZER, &TOKENIZER_ARGS)?;
            let index = match listed.as_mut().and_then(Iterator::next) {
                Some(tokens) => index.with_holders(tokens),
                None => index,
            };
            indexes.push((index, texts));
        }
        Ok(Some(BulkRows { thread: IndexThread::start(indexes)?, lists_slots }))
    }

    /// The slots of the tokens an item's rows hold that the bulk indexes do not list: those
    /// [`Slots::beside_bulk`] finds, or every one ([`Slots::of`]) if they list none.
    pub fn slots_not_listed(&self, slots: &Slots, rows: &IndexRows) -> Vec<u32> {
        if self.lists_slots { slots.beside_bulk(rows) } else { slots.of(rows) }
    }

    /// Writes what is left: each table's one segment, its averages and structure. Returns the
    /// rowids listed for the slots of the tables' tokens (none unless they were chosen when it
    /// started), for [`Changes::listed_in_bulk`].
    pub fn finish(self, conn: &Connection) -> rusqlite::Result<Vec<(u32, DocBitmap)>> {
        self.thread.finish(conn)
    }
}

/// Adds or replaces one item in the index, with its rows prepared by [`IndexRows::of`], and
/// returns its rowid. The statements are cached on the connection: an import runs them once per
/// item. With `bulk`, the item's token texts go to the bulk indexes instead of FTS5's inserts
/// (taken: `rows` keeps none of them).
pub(super) fn write(
    conn: &Connection,
    id: &str,
    rows: &mut IndexRows,
    bulk: Option<&mut BulkRows>,
) -> rusqlite::Result<i64> {
    let existing: Option<i64> = conn
        .prepare_cached("SELECT rowid FROM search_items WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    if let Some(rowid) = existing {
        if bulk.is_some() {
            // the apply checked that no id comes twice; an index built in bulk takes none
            return Err(bulk_conflict(id, "written twice"));
        }
        delete_rows(conn, rowid)?;
    }
    let m = rows.meta.as_ref();
    conn.prepare_cached(
        "INSERT INTO search_items (rowid, id, kind, title, readings, doc_kind, area, publisher, year, validity, published, doc_no)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        existing,
        id,
        rows.kind.key(),
        rows.display_title,
        rows.readings,
        m.map(|m| &m.kind),
        m.and_then(|m| m.area.as_ref()),
        m.map(|m| &m.publisher),
        m.map(|m| m.year),
        m.map(|m| &m.validity),
        m.map(|m| &m.published),
        m.and_then(|m| m.doc_no.as_ref())
    ])?;
    let rowid = conn.last_insert_rowid();
    if let Some(bulk) = bulk {
        let take = std::mem::take::<String>;
        let texts = vec![take(&mut rows.title_tokens), take(&mut rows.body_tokens), take(&mut rows.chars)];
        bulk.thread.add(conn, rowid, texts)?;
    } else {
        conn.prepare_cached("INSERT INTO search_fts (rowid, title, body) VALUES (?1, ?2, ?3)")?.execute(params![
            rowid,
            rows.title_tokens,
            rows.body_tokens
        ])?;
        conn.prepare_cached("INSERT INTO search_titles (rowid, title) VALUES (?1, ?2)")?
            .execute(params![rowid, rows.title_tokens])?;
        conn.prepare_cached("INSERT INTO search_chars (rowid, chars) VALUES (?1, ?2)")?
            .execute(params![rowid, rows.chars])?;
    }
    Ok(rowid)
}

/// Walks index text by its CJK runs and words: `f(the run's characters, or None for a word;
/// its tokens with their spaces)`. A run is its bigrams and ends with its last character alone
/// (see [`index_text`]), so the runs can be read back from the tokens; one buffer serves every
/// run.
fn walk_runs(tokens: &str, mut f: impl FnMut(Option<&str>, &str)) {
    let (mut run, mut start, mut at) = (String::new(), 0, 0);
    for token in tokens.split_inclusive(' ') {
        at += token.len();
        let mut cs = token.trim_end_matches(' ').chars();
        match (cs.next(), cs.next(), cs.next()) {
            (Some(a), Some(b), None) if is_cjk(a) && is_cjk(b) => {
                if run.is_empty() {
                    run.push(a);
                }
                run.push(b);
            }
            (Some(a), None, _) if is_cjk(a) => {
                if run.is_empty() {
                    run.push(a);
                }
                f(Some(&run), &tokens[start..at]);
                run.clear();
                start = at;
            }
            _ => {
                f(None, &tokens[start..at]);
                start = at;
            }
        }
    }
    if start < tokens.len() {
        f(None, &tokens[start..]);
    }
}

/// The distinct folded CJK characters of a title and body, separated by spaces.
pub(super) fn distinct_chars(title: &Folded, body: &Folded) -> String {
    let mut seen: Vec<char> = title.chars.iter().chain(body.chars.iter()).copied().filter(|c| is_cjk(*c)).collect();
    seen.sort_unstable();
    seen.dedup();
    let mut out = String::with_capacity(seen.len() * 4);
    for c in seen {
        out.push(c);
        out.push(' ');
    }
    out
}

/// Removes an item from the index (nothing happens if it is not there); returns the rowid it
/// had.
pub(super) fn remove(conn: &Connection, kind: ItemKind, id: &str, bulk: bool) -> rusqlite::Result<Option<i64>> {
    // by kind too: a board (never searched) going away leaves a document with its id alone
    let existing: Option<i64> = conn
        .prepare_cached("SELECT rowid FROM search_items WHERE id = ?1 AND kind = ?2")?
        .query_row(params![id, kind.key()], |r| r.get(0))
        .optional()?;
    if let Some(rowid) = existing {
        if bulk {
            // an index built in bulk has nothing to remove: every row in it is this apply's
            return Err(bulk_conflict(id, "removed"));
        }
        delete_rows(conn, rowid)?;
    }
    Ok(existing)
}

fn bulk_conflict(id: &str, what: &str) -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT),
        Some(format!("search index: item {id} {what} while the index is built in bulk")),
    )
}

/// The FTS5 tables of the index.
pub(super) const FTS_TABLES: [&str; 3] = ["search_fts", "search_titles", "search_chars"];

/// Every table of the index, each keyed by the item's rowid.
pub(super) const INDEX_TABLES: [&str; 4] = ["search_fts", "search_titles", "search_chars", "search_items"];

/// Deletes one item's rows from every index table.
fn delete_rows(conn: &Connection, rowid: i64) -> rusqlite::Result<()> {
    for table in INDEX_TABLES {
        conn.prepare_cached(&format!("DELETE FROM {table} WHERE rowid = ?1"))?.execute([rowid])?;
    }
    Ok(())
}

/// Rebuilds the whole index from the stored items (after the index is first created, or to
/// repair it), its bitmaps ([`super::search_bitmaps`]) included. Runs in the caller's
/// transaction.
pub(super) fn rebuild(conn: &Connection, bitmap_min_docs: usize) -> rusqlite::Result<usize> {
    for table in INDEX_TABLES {
        conn.execute(&format!("DELETE FROM {table}"), [])?;
    }
    conn.execute("DELETE FROM search_bitmaps", [])?;
    let mut stored: Vec<(ItemKind, String)> = Vec::new();
    for kind in ItemKind::SEARCHED {
        let mut stmt = conn.prepare(&format!("SELECT data FROM {} ORDER BY id", super::apply::table_of(kind)))?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        for json in rows {
            stored.push((kind, json?));
        }
    }
    let rows_of = |(kind, json): &(ItemKind, String)| -> Option<(String, IndexRows)> {
        match kind {
            ItemKind::Document => {
                serde_json::from_str::<Document>(json).ok().map(|d| (d.id.clone(), IndexRows::of_document(&d)))
            }
            ItemKind::Guide => {
                serde_json::from_str::<Guide>(json).ok().map(|g| (g.id.clone(), IndexRows::of_guide(&g)))
            }
            ItemKind::Faq => serde_json::from_str::<Faq>(json).ok().map(|q| (q.id.clone(), IndexRows::of_faq(&q))),
            ItemKind::Board => None,
        }
    };
    // the bitmaps' tokens, from items spread over the whole content; built while writing
    let step = (stored.len() / SAMPLE).max(1);
    let sample: Vec<IndexRows> = stored.iter().step_by(step).filter_map(|s| rows_of(s).map(|r| r.1)).collect();
    let slots = Slots::building(&sample, stored.len(), bitmap_min_docs);
    drop(sample);
    let mut changes = Changes::new(&slots);
    let mut bulk = if stored_ids_unique(conn)? { BulkRows::start(conn, &slots)? } else { None };
    let mut n = 0;
    for item in &stored {
        if let Some((id, mut rows)) = rows_of(item) {
            rows.strip(slots.boilerplate());
            let held = match &bulk {
                Some(bulk) => bulk.slots_not_listed(&slots, &rows),
                None => slots.of(&rows),
            };
            let rowid = write(conn, &id, &mut rows, bulk.as_mut())?;
            changes.written(conn, &slots, rowid, held)?;
            n += 1;
        }
    }
    if let Some(bulk) = bulk {
        changes.listed_in_bulk(bulk.finish(conn)?);
    }
    changes.finish(conn, &slots, bitmap_min_docs)?;
    Ok(n)
}

/// Whether no id is held by two of the searched tables (each table holds an id once).
fn stored_ids_unique(conn: &Connection) -> rusqlite::Result<bool> {
    let all: Vec<String> =
        ItemKind::SEARCHED.iter().map(|k| format!("SELECT id FROM {}", super::apply::table_of(*k))).collect();
    let sql =
        format!("SELECT NOT EXISTS (SELECT 1 FROM ({}) GROUP BY id HAVING count(*) > 1)", all.join(" UNION ALL "));
    conn.query_row(&sql, [], |r| r.get(0))
}

/// One line of the zero-result log: a query that found nothing, and how often on that day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ZeroResultQuery {
    pub day: String,
    pub query: String,
    pub count: u64,
}

impl Store {
    /// Counts `query` in today's zero-result log. What may be kept is decided before this is
    /// called, by [`crate::search::record_search`]; the store only writes it.
    pub fn record_zero_result(&self, query: &str) -> Result<(), StoreError> {
        let day = chrono::Local::now().format("%Y-%m-%d").to_string();
        let n = self.connection().execute(
            "INSERT INTO zero_result_queries (query, day, count) VALUES (?1, ?2, 1)
             ON CONFLICT (query, day) DO UPDATE SET count = count + 1",
            params![query, day],
        );
        self.sql(n).map(|_| ())
    }

    /// Deletes the zero-result log's days before `day` (`YYYY-MM-DD`).
    pub fn forget_zero_results_before(&self, day: &str) -> Result<(), StoreError> {
        let n = self.connection().execute("DELETE FROM zero_result_queries WHERE day < ?1", params![day]);
        self.sql(n).map(|_| ())
    }

    /// Deletes every line of the zero-result log with these words.
    pub fn forget_zero_result(&self, query: &str) -> Result<(), StoreError> {
        let n = self.connection().execute("DELETE FROM zero_result_queries WHERE query = ?1", params![query]);
        self.sql(n).map(|_| ())
    }

    /// The zero-result log, newest day first, most frequent first within a day.
    pub fn zero_result_queries(&self) -> Result<Vec<ZeroResultQuery>, StoreError> {
        let read = || -> rusqlite::Result<Vec<ZeroResultQuery>> {
            let mut stmt = self
                .connection()
                .prepare("SELECT day, query, count FROM zero_result_queries ORDER BY day DESC, count DESC, query")?;
            let rows = stmt.query_map([], |r| {
                Ok(ZeroResultQuery { day: r.get(0)?, query: r.get(1)?, count: r.get::<_, i64>(2)?.max(0) as u64 })
            })?;
            rows.collect()
        };
        self.sql(read())
    }

    /// The length in tokens of every title in `search_titles`, `f(rowid, tokens)` in rowid
    /// order, and the table's (rows, tokens) totals: FTS5's own per-row sizes (its `docsize`
    /// table) and the totals its bm25 divides by (its `averages` record), so that search can
    /// compute the titles' bm25 outside SQLite and get the same numbers. Fails on a record it
    /// cannot read (SQLite's varints, one per column: the format of the bundled FTS5).
    pub fn title_sizes(&self, mut f: impl FnMut(i64, u64)) -> Result<(i64, i64), StoreError> {
        let bad = |what: &str| {
            let e = format!("search_titles: unreadable {what} record (not the FTS5 format this build knows)");
            rusqlite::Error::ToSqlConversionFailure(e.into())
        };
        let mut read = || -> rusqlite::Result<(i64, i64)> {
            let conn = self.connection();
            let mut stmt = conn.prepare("SELECT id, sz FROM search_titles_docsize ORDER BY id")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let sz: Vec<u8> = r.get(1)?;
                match sqlite_varint(&sz) {
                    Some((tokens, n)) if n == sz.len() => f(r.get(0)?, tokens),
                    _ => return Err(bad("docsize")),
                }
            }
            let averages: Option<Vec<u8>> =
                conn.query_row("SELECT block FROM search_titles_data WHERE id = 1", [], |r| r.get(0)).optional()?;
            let Some(averages) = averages.filter(|a| !a.is_empty()) else { return Ok((0, 0)) };
            let (rows, n) = sqlite_varint(&averages).ok_or_else(|| bad("averages"))?;
            let (tokens, _) = sqlite_varint(&averages[n..]).ok_or_else(|| bad("averages"))?;
            Ok((rows as i64, tokens as i64))
        };
        self.sql(read())
    }

    /// Rebuilds the whole search index from the stored items in one transaction (for repair,
    /// and for the search benchmark's figure of a full rebuild). Returns the items indexed.
    pub fn rebuild_search_index(&mut self) -> Result<usize, StoreError> {
        let path = self.path().to_path_buf();
        let sql = |e| StoreError::Sqlite { path: path.clone(), source: e };
        let tx = self.conn.transaction().map_err(sql)?;
        let n = rebuild(&tx, self.bitmap_min_docs).map_err(sql)?;
        tx.commit().map_err(sql)?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::sqlite_varint;
    use crate::store::Store;

    /// (token, row, column, position) of every occurrence; (row, size) of every row; the totals.
    type Held = (Vec<(String, i64, String, i64)>, Vec<(i64, Vec<u8>)>, Vec<u8>);

    /// Every (token, row, column, position) of an FTS5 table, with every row's size and the
    /// totals: what its index holds, however it is laid out.
    fn held(store: &Store, table: &str, positions: bool) -> Held {
        let c = store.connection();
        let kind = if positions { "instance" } else { "row" };
        c.execute_batch(&format!(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.v_{table} USING fts5vocab(main, {table}, '{kind}')"
        ))
        .unwrap();
        let sql = if positions {
            format!("SELECT term, doc, col, offset FROM temp.v_{table} ORDER BY 1, 2, 3, 4")
        } else {
            // detail = none keeps no positions: each token's rows, listed by a query
            format!("SELECT term, doc, '', 0 FROM temp.v_{table} ORDER BY 1")
        };
        let mut instances: Vec<(String, i64, String, i64)> = c
            .prepare(&sql)
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        if !positions {
            let mut listed =
                c.prepare(&format!("SELECT rowid FROM {table} WHERE {table} MATCH ?1 ORDER BY rowid")).unwrap();
            let rows: Vec<(String, i64, String, i64)> = instances
                .iter()
                .flat_map(|(term, ..)| {
                    let q = format!("\"{}\"", term.replace('"', "\"\""));
                    let ids: Vec<i64> = listed.query_map([q], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect();
                    ids.into_iter().map(|id| (term.clone(), id, String::new(), 0)).collect::<Vec<_>>()
                })
                .collect();
            instances.extend(rows);
        }
        let sizes = c
            .prepare(&format!("SELECT id, sz FROM {table}_docsize ORDER BY id"))
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        let totals = c.query_row(&format!("SELECT block FROM {table}_data WHERE id = 1"), [], |r| r.get(0)).unwrap();
        (instances, sizes, totals)
    }

    /// A store holding only boards (never searched) gets documents, one of them with a gone
    /// board's id: the board's removal leaves the document's search rows alone.
    #[test]
    fn a_gone_board_leaves_a_document_with_its_id_in_the_index() {
        let demo = crate::content::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-content"))
            .unwrap();
        let boards =
            crate::content::ContentSet { boards: demo.boards.clone(), site: demo.site.clone(), ..Default::default() };
        assert!(!boards.boards.is_empty());
        let mut documents = crate::content::ContentSet {
            documents: demo.documents.clone(),
            site: demo.site.clone(),
            ..Default::default()
        };
        documents.documents[0].id = boards.boards[0].id.clone();
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        store.apply(&boards, "test").unwrap();
        store.apply(&documents, "test").unwrap();
        let c = store.connection();
        let rowid: i64 =
            c.query_row("SELECT rowid FROM search_items WHERE id = ?1", [&boards.boards[0].id], |r| r.get(0)).unwrap();
        let sizes: i64 =
            c.query_row("SELECT count(*) FROM search_fts_docsize WHERE id = ?1", [rowid], |r| r.get(0)).unwrap();
        assert_eq!(sizes, 1);
        for table in super::FTS_TABLES {
            c.execute(&format!("INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 0)"), []).unwrap();
        }
    }

    /// An empty store's first apply builds the index in bulk (`fts5_bulk`); what its three FTS5
    /// tables hold is what FTS5's own inserts make of the same items. The other store gets the
    /// same items with one document twice (the second replaces the first), which makes its
    /// apply insert row by row.
    #[test]
    fn an_index_built_in_bulk_holds_what_fts5s_inserts_make() {
        let set = crate::content::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-content"))
            .unwrap();
        let mut twice = set.clone();
        twice.documents.push(set.documents.last().unwrap().clone());
        let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let mut bulk = Store::open(a_dir.path()).unwrap();
        bulk.apply(&set, "test").unwrap();
        let mut plain = Store::open(b_dir.path()).unwrap();
        plain.apply(&twice, "test").unwrap();
        for (table, positions) in [("search_fts", true), ("search_titles", true), ("search_chars", false)] {
            let (a, b) = (held(&bulk, table, positions), held(&plain, table, positions));
            assert!(a.0.len() > 500, "{table}: {} entries", a.0.len());
            assert!(a.0 == b.0, "{table}: the tokens' rows and positions differ");
            assert!(a.1 == b.1, "{table}: the rows' sizes differ");
            // the totals: the rows and each column's tokens (FTS5's own are off in the other
            // store: a contentless delete leaves the totals as they were)
            let mut expected = Vec::new();
            let columns = if table == "search_fts" { 2 } else { 1 };
            let mut sums = vec![0u64; columns];
            for (_, sz) in &a.1 {
                let mut at = 0;
                for sum in sums.iter_mut() {
                    let (v, n) = sqlite_varint(&sz[at..]).unwrap();
                    *sum += v;
                    at += n;
                }
            }
            for v in std::iter::once(a.1.len() as u64).chain(sums) {
                crate::store::fts5_bulk::put_varint(&mut expected, v);
            }
            assert_eq!(a.2, expected, "{table}: the totals");
        }
        // and FTS5 finds nothing wrong with it, and keeps it up to date afterwards
        for table in super::FTS_TABLES {
            bulk.connection()
                .execute(&format!("INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 0)"), [])
                .unwrap();
        }
        let mut changed = set.clone();
        changed.documents.pop();
        changed.documents[0].body.push_str("新增的一句话");
        for store in [&mut bulk, &mut plain] {
            store.apply(&changed, "test").unwrap();
        }
        for (table, positions) in [("search_fts", true), ("search_titles", true), ("search_chars", false)] {
            let (a, b) = (held(&bulk, table, positions), held(&plain, table, positions));
            assert!(a.0 == b.0 && a.1 == b.1, "{table} differs after a change");
        }
    }

    #[test]
    fn sqlite_varints() {
        assert_eq!(sqlite_varint(&[0x05]), Some((5, 1)));
        assert_eq!(sqlite_varint(&[0x81, 0x00]), Some((128, 2)));
        assert_eq!(sqlite_varint(&[0x81, 0x80, 0x01, 0xff]), Some((16_385, 3)));
        assert_eq!(sqlite_varint(&[0xff; 9]), Some((u64::MAX, 9)));
        assert_eq!(sqlite_varint(&[0x81]), None);
        assert_eq!(sqlite_varint(&[]), None);
    }
}
