//! The store's schema and its migrations. `PRAGMA user_version` holds the schema version;
//! migration `n` (index `n - 1`) takes a store from version `n - 1` to `n`, inside the same
//! transaction as the version bump. Append new migrations; never edit a released one.

/// Empties the search index, which `Store::open` then writes again with today's folding (the
/// folding lives in Rust, so a change to it is a migration that runs this).
const EMPTY_SEARCH_INDEX: &str = "
    DELETE FROM search_fts;
    DELETE FROM search_titles;
    DELETE FROM search_chars;
    DELETE FROM search_items;
";

/// The one statement that counts Home's figures, shared by migration 12, every apply and
/// `Store::counts` (a macro so that `concat!` can build the constants from it).
macro_rules! count_content {
    () => {
        "SELECT (SELECT count(*) FROM documents),
            (SELECT count(*) FROM documents WHERE kind = 'interpretation'),
            (SELECT count(*) FROM documents WHERE validity = 'valid'),
            (SELECT count(*) FROM guides),
            (SELECT count(*) FROM boards),
            (SELECT count(*) FROM faqs)"
    };
}

macro_rules! write_snapshot_counts {
    () => {
        concat!(
            "INSERT OR REPLACE INTO snapshot_counts (id, documents, interpretations, in_force, guides, boards, faqs) \
             SELECT 1, * FROM (",
            count_content!(),
            ")"
        )
    };
}

pub const MIGRATIONS: &[&str] = &[
    // 1: content tables, blobs, the live snapshot record.
    r#"
    CREATE TABLE site (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        data TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        doc_no TEXT,
        publisher TEXT NOT NULL,
        category TEXT,
        area TEXT,
        published TEXT NOT NULL,
        year INTEGER NOT NULL,
        validity TEXT NOT NULL,
        interprets TEXT,
        data TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE INDEX documents_published ON documents (published DESC, id);
    CREATE INDEX documents_interprets ON documents (interprets);
    -- Catalogue facets, filters and counts read these small indexes instead of the rows.
    CREATE INDEX documents_area ON documents (area, published DESC);
    CREATE INDEX documents_kind ON documents (kind, published DESC);
    CREATE INDEX documents_year ON documents (year);
    CREATE INDEX documents_publisher ON documents (publisher, published DESC);
    CREATE INDEX documents_category ON documents (category, published DESC);
    CREATE INDEX documents_validity ON documents (validity, published DESC);
    CREATE TABLE guides (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        area TEXT,
        disclosure_request INTEGER NOT NULL,
        data TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE TABLE boards (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        data TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE TABLE faqs (
        id TEXT PRIMARY KEY,
        question TEXT NOT NULL,
        area TEXT,
        data TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE TABLE blobs (
        sha256 TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        media_type TEXT NOT NULL
    );
    CREATE TABLE blob_refs (
        owner TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        PRIMARY KEY (owner, sha256)
    );
    CREATE INDEX blob_refs_sha ON blob_refs (sha256);
    CREATE TABLE snapshot (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        version INTEGER NOT NULL,
        source TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        applied_at TEXT NOT NULL
    );
    CREATE TABLE import_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        source TEXT NOT NULL,
        version INTEGER NOT NULL,
        added INTEGER NOT NULL,
        changed INTEGER NOT NULL,
        removed INTEGER NOT NULL
    );
    "#,
    // 2: the search index and the log of queries that found nothing.
    super::search_index::SCHEMA,
    // 3: the character index for one-character queries. It empties the search index, and
    //    `Store::open` then rebuilds all of it, because the folding lives in Rust.
    super::search_index::CHARS_SCHEMA,
    // 4: where the live content came from (the pack, written with the content it describes)
    //    and the history of sync attempts.
    r#"
    CREATE TABLE pack_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        data TEXT NOT NULL
    );
    CREATE TABLE sync_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        source TEXT NOT NULL,
        outcome TEXT NOT NULL,
        detail TEXT NOT NULL,
        files INTEGER NOT NULL,
        bytes INTEGER NOT NULL
    );
    "#,
    // 5: what visitors leave and do: ratings with optional messages, and per-day usage counts
    //    (no visitor input, only which screens and actions were used).
    r#"
    CREATE TABLE feedback (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
        message TEXT,
        uploaded INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE usage_counts (
        day TEXT NOT NULL,
        event TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (day, event)
    ) WITHOUT ROWID;
    "#,
    // 6: usage counted with a detail (which screen, which document, which print layout, which
    //    applicant type, which rating) for the statistics export; the old counts carried over.
    r#"
    CREATE TABLE usage (
        day TEXT NOT NULL,
        event TEXT NOT NULL,
        detail TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (day, event, detail)
    ) WITHOUT ROWID;
    INSERT INTO usage (day, event, detail, count)
        SELECT day,
               CASE event WHEN 'open-document' THEN 'document' WHEN 'open-guide' THEN 'guide'
                          WHEN 'open-board' THEN 'board' ELSE event END,
               '', count
        FROM usage_counts WHERE event <> 'feedback';
    DROP TABLE usage_counts;
    "#,
    // 7: the outbox: feedback and finished days sealed into immutable batches that wait there
    //    until the upload server has confirmed them.
    r#"
    CREATE TABLE outbox (
        id TEXT PRIMARY KEY,
        created TEXT NOT NULL,
        body TEXT NOT NULL
    );
    CREATE TABLE batched_days (
        day TEXT PRIMARY KEY,
        batch TEXT NOT NULL
    );
    "#,
    // 8: counters that survive a restart, for the monitoring (idle resets, watchdog restarts,
    //    failed print jobs): one row each, only ever added to.
    r#"
    CREATE TABLE counters (
        name TEXT PRIMARY KEY,
        value INTEGER NOT NULL
    ) WITHOUT ROWID;
    "#,
    // 9: the zero-result log keeps only what cannot identify a person, for 30 days
    //    (`search::usage`, which also re-checks the remaining lines by its rule): lines with
    //    digits or an `@` that earlier versions kept are deleted now; days expire by this index.
    r#"
    CREATE INDEX zero_result_queries_day ON zero_result_queries (day);
    DELETE FROM zero_result_queries WHERE query GLOB '*[0-9@]*';
    "#,
    // 10: text folding no longer turns some simplified phrases traditional (朝阳社区 → 社區):
    //    the search index is emptied, and `Store::open` rebuilds it with today's folding.
    EMPTY_SEARCH_INDEX,
    // 11: text folding no longer replaces Taiwan vocabulary in simplified text (这一位元首 is
    //    not 这一比特首): the search index is emptied, and `Store::open` rebuilds it.
    EMPTY_SEARCH_INDEX,
    // 12: Home's counts kept beside the snapshot, written by every apply that changes the
    //    content (`Store::counts` reads one row: counting 500,000 documents read whole indexes,
    //    most of a first start's time after the PC boots).
    concat!(
        "CREATE TABLE IF NOT EXISTS snapshot_counts (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            documents INTEGER NOT NULL,
            interpretations INTEGER NOT NULL,
            in_force INTEGER NOT NULL,
            guides INTEGER NOT NULL,
            boards INTEGER NOT NULL,
            faqs INTEGER NOT NULL
        );
        ",
        write_snapshot_counts!(),
        ";"
    ),
    // 13: document bitmaps of the search index's most frequent tokens; made by the next change
    //    of the content (or `gongkai-kiosk index rebuild`), until then searches list through FTS5.
    super::search_bitmaps::SCHEMA,
    // 14: frequent phrases get bitmaps as well (rows of `search_bitmaps` with `tbl = 'phrases'`;
    //    no table changes). A build from before would write content without mending them, and a
    //    later one would then find stale bitmaps: it refuses this store, as any newer one.
    "-- frequent phrases' bitmaps in search_bitmaps",
    // 15: frequent characters of titles get bitmaps (rows of `search_bitmaps` with
    //     `tbl = 'title_chars'`; no table changes), for the same reason as 14.
    "-- frequent title characters' bitmaps in search_bitmaps",
];

/// Writes Home's counts of the content the transaction leaves (migration 12's table).
pub const WRITE_SNAPSHOT_COUNTS: &str = write_snapshot_counts!();

/// Counts Home's figures from the content tables: documents, interpretations, in force,
/// guides, boards, FAQ entries (the columns of `snapshot_counts`, in that order).
pub const COUNT_CONTENT: &str = count_content!();

/// The schema version this build writes.
pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
}
