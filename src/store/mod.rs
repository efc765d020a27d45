//! The offline store: one SQLite file (`kiosk.sqlite`) and a content-addressed blob directory in
//! the kiosk's data directory. Content changes arrive as a whole [`ContentSet`] and are applied
//! in one transaction, so a reader sees either the old snapshot or the new one, never a mix.

mod apply;
mod blobs;
pub mod body_rank;
mod counters;
mod fts5_bulk;
mod outbox;
mod queries;
mod schema;
mod search_bitmaps;
mod search_index;
mod sync_state;
mod visits;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

pub use apply::{ApplyReport, Changes, Delta, PackState, VersionFloor};
pub use blobs::BlobDir;
pub use counters::Counter;
pub use outbox::{Batch, Outgoing, STATUS_ID};
pub use queries::*;
pub use search_bitmaps::{DocBitmap, IndexTable};
pub use search_index::{ZeroResultQuery, attachment_texts, document_own_text, document_text, faq_text, guide_text};
pub use sync_state::SyncRecord;
pub use visits::{DayStats, FeedbackEntry, Rating, UsageEvent};

use crate::content::{self, SourceError};

pub const DB_FILE: &str = "kiosk.sqlite";
pub const BLOB_DIR: &str = "blobs";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("store {path}: {source}")]
    Sqlite { path: PathBuf, source: rusqlite::Error },
    #[error(
        "store {path} was written by a newer gongkai-kiosk (schema version {found}; this build knows up to {known}). \
         It was not changed. Install the newer kiosk version, or use another --data-dir."
    )]
    NewerSchema { path: PathBuf, found: i64, known: i64 },
    #[error("store {path} has no content yet; run `gongkai-kiosk import SRC` or `gongkai-kiosk sync` first")]
    Empty { path: PathBuf },
    #[error("blob {sha}: {reason}")]
    BadBlob { sha: String, reason: String },
    #[error(
        "after applying the changes the content hash is {found}, not the {expected} the pack names; nothing was changed"
    )]
    ContentMismatch { expected: String, found: String },
    #[error("store {path}: item {id} cannot be read ({reason}); re-import the content")]
    Corrupt { path: PathBuf, id: String, reason: String },
    #[error(
        "store {path}: the record of the pack the content came from cannot be read ({reason}). The kiosk does not \
         sync without it, so that no older pack can replace the content. To start again from the next pack (this \
         also forgets the lowest version the kiosk accepts): sqlite3 {path} 'DELETE FROM pack_state'"
    )]
    PackStateUnreadable { path: PathBuf, reason: String },
}

/// Opens the store's file for reading. A reader shares the write-ahead log's index with the
/// store's other connections through the `-shm` file beside it, which the first connection
/// creates (and a writer's clean close removes). With the disk full that file cannot be made,
/// and every read would fail with a disk I/O error although the content is all there (the
/// kiosk opens a connection per query, and a sync that gave up on the full disk closes the last
/// one). Then the file is opened in exclusive locking mode, where SQLite keeps that index in the
/// connection's memory: the reader reads everything committed, the log included, and holds the
/// store to itself until it is closed.
fn open_for_reading(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    // the first read maps the -shm file (or makes it)
    match conn.query_row("PRAGMA user_version", [], |_| Ok(())) {
        Ok(()) => Ok(conn),
        Err(e) if shared_memory_failed(&e) => {
            drop(conn);
            match open_exclusive_reader(path) {
                Ok(conn) => {
                    tracing::warn!(
                        "the store's shared-memory file ({}-shm) could not be made (is the disk full?): each \
                         reader holds the store to itself until space is freed",
                        path.display()
                    );
                    Ok(conn)
                }
                Err(fallback) => {
                    tracing::warn!(error = %fallback, "the store could not be read in exclusive locking mode either");
                    Err(e)
                }
            }
        }
        Err(e) => Err(e),
    }
}

/// How long [`open_exclusive_reader`] tries while other readers hold the store.
const EXCLUSIVE_WAIT: Duration = Duration::from_secs(10);

/// A reader in exclusive locking mode. Its first read takes the lock; when another holds it, the
/// connection is closed and opened again after a short pause, because a connection in this mode
/// that failed to get the lock keeps its shared lock, and two such readers waiting on each other
/// (the kiosk reads Home and search's data at once) would both wait out the busy timeout.
fn open_exclusive_reader(path: &Path) -> rusqlite::Result<Connection> {
    let started = std::time::Instant::now();
    loop {
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        // all before the first read, which takes the lock and reads the log: no writing (not even
        // the checkpoint a connection holding the lock makes when it closes, which would copy the
        // whole log into the file at every query)
        conn.pragma_update(None, "locking_mode", "EXCLUSIVE")?;
        conn.pragma_update(None, "query_only", true)?;
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)?;
        conn.busy_timeout(Duration::ZERO)?;
        match conn.query_row("PRAGMA user_version", [], |_| Ok(())) {
            Ok(()) => {
                conn.busy_timeout(Duration::from_secs(10))?;
                return Ok(conn);
            }
            Err(e)
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                    && started.elapsed() < EXCLUSIVE_WAIT =>
            {
                drop(conn);
                // 5–20 ms, drawn at random, so that two waiting readers part
                std::thread::sleep(Duration::from_secs_f64(0.005 + 0.015 * crate::jitter::fraction()));
            }
            Err(e) => return Err(e),
        }
    }
}

/// Whether an SQLite error says the `-shm` file could not be opened, grown or mapped.
fn shared_memory_failed(e: &rusqlite::Error) -> bool {
    use rusqlite::ffi;
    let Some(code) = e.sqlite_error() else { return false };
    code.code == rusqlite::ErrorCode::CannotOpen
        || [ffi::SQLITE_IOERR_SHMOPEN, ffi::SQLITE_IOERR_SHMSIZE, ffi::SQLITE_IOERR_SHMMAP, ffi::SQLITE_IOERR_SHMLOCK]
            .contains(&code.extended_code)
}

impl StoreError {
    /// Whether SQLite could not write for want of space: the file could not grow, or the
    /// log's shared-memory file could not be made.
    pub fn is_disk_full(&self) -> bool {
        matches!(self, StoreError::Sqlite { source, .. }
            if source.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull) || shared_memory_failed(source))
    }

    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        StoreError::Io { path: path.to_path_buf(), source }
    }
}

/// An import that failed: either the source folder had problems, or the store refused the change.
/// In both cases the store still holds and serves the previous content.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    Source(#[from] SourceError),
    #[error("{0}")]
    Store(#[from] StoreError),
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    blobs: BlobDir,
    /// The fewest items a token needs to get a bitmap (`search_bitmaps`).
    bitmap_min_docs: usize,
}

impl Store {
    /// Opens (creating if needed) the store in `data_dir`, migrating an older schema.
    pub fn open(data_dir: &Path) -> Result<Self, StoreError> {
        fs::create_dir_all(data_dir).map_err(|e| StoreError::io(data_dir, e))?;
        let path = data_dir.join(DB_FILE);
        let conn = Connection::open(&path).map_err(|e| StoreError::Sqlite { path: path.clone(), source: e })?;
        let mut store = Self {
            conn,
            blobs: BlobDir::new(data_dir.join(BLOB_DIR)),
            path,
            bitmap_min_docs: search_bitmaps::MIN_DOCS,
        };
        // Check the version before anything writes to the file: a store from a newer kiosk is
        // refused untouched (even switching its journal mode would change its header).
        store.sql(store.conn.busy_timeout(Duration::from_secs(10)))?;
        store.refuse_newer()?;
        store.configure(false)?;
        store.migrate()?;
        store.ensure_search_index()?;
        Ok(store)
    }

    /// Opens the store as [`Store::open`] does, or, when that fails and reading does not (the
    /// disk full, where neither a migration nor the log's shared memory can be written), for
    /// reading only. For a reader that writes on the side (full search counts the search): the
    /// side write then fails on its own. The error is [`Store::open`]'s.
    pub fn open_or_read_only(data_dir: &Path) -> Result<Self, StoreError> {
        Self::open(data_dir).or_else(|e| Self::open_read_only(data_dir).map_err(|_| e))
    }

    /// Opens an existing store for reading only (the UI's query tasks). Never creates or migrates.
    pub fn open_read_only(data_dir: &Path) -> Result<Self, StoreError> {
        let path = data_dir.join(DB_FILE);
        if !path.is_file() {
            return Err(StoreError::Empty { path });
        }
        let conn = open_for_reading(&path).map_err(|e| StoreError::Sqlite { path: path.clone(), source: e })?;
        let store = Self {
            conn,
            blobs: BlobDir::new(data_dir.join(BLOB_DIR)),
            path,
            bitmap_min_docs: search_bitmaps::MIN_DOCS,
        };
        store.configure(true)?;
        let version = store.schema_version()?;
        if version > schema::latest() {
            return Err(StoreError::NewerSchema { path: store.path, found: version, known: schema::latest() });
        }
        if version < schema::latest() {
            return Err(StoreError::Empty { path: store.path });
        }
        Ok(store)
    }

    /// Turns an SQLite error on this store into a [`StoreError`] naming the store's file, for
    /// the modules that query the store's tables themselves (search).
    pub fn sql_error(&self) -> impl Fn(rusqlite::Error) -> StoreError + Copy + '_ {
        move |e| StoreError::Sqlite { path: self.path.clone(), source: e }
    }

    fn sql<T>(&self, r: rusqlite::Result<T>) -> Result<T, StoreError> {
        r.map_err(|e| StoreError::Sqlite { path: self.path.clone(), source: e })
    }

    fn configure(&self, read_only: bool) -> Result<(), StoreError> {
        self.sql(self.conn.busy_timeout(Duration::from_secs(10)))?;
        if !read_only {
            // WAL: readers keep seeing the old snapshot while an import writes the new one.
            self.sql(self.conn.pragma_update(None, "journal_mode", "WAL"))?;
            self.sql(self.conn.pragma_update(None, "synchronous", "FULL"))?;
        }
        self.sql(self.conn.pragma_update(None, "foreign_keys", "ON"))?;
        // search's ranking of bodies, with the counts it already knows (`body_rank`)
        self.sql(body_rank::register(&self.conn))?;
        Ok(())
    }

    pub fn schema_version(&self) -> Result<i64, StoreError> {
        self.sql(self.conn.pragma_query_value(None, "user_version", |r| r.get(0)))
    }

    fn refuse_newer(&self) -> Result<(), StoreError> {
        let found = self.schema_version()?;
        let known = schema::latest();
        if found > known {
            return Err(StoreError::NewerSchema { path: self.path.clone(), found, known });
        }
        Ok(())
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        self.refuse_newer()?;
        let found = self.schema_version()?;
        for (i, sql) in schema::MIGRATIONS.iter().enumerate().skip(found.max(0) as usize) {
            let target = i as i64 + 1;
            let path = self.path.clone();
            // IMMEDIATE, and the version read again inside: another process (or the kiosk's own
            // task) opening the store at the same time waits, then finds the step done
            let tx = self
                .conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .map_err(|e| StoreError::Sqlite { path: path.clone(), source: e })?;
            let now: i64 = tx
                .pragma_query_value(None, "user_version", |r| r.get(0))
                .map_err(|e| StoreError::Sqlite { path: path.clone(), source: e })?;
            if now >= target {
                continue;
            }
            tx.execute_batch(sql).map_err(|e| StoreError::Sqlite { path: path.clone(), source: e })?;
            tx.pragma_update(None, "user_version", target)
                .map_err(|e| StoreError::Sqlite { path: path.clone(), source: e })?;
            tx.commit().map_err(|e| StoreError::Sqlite { path, source: e })?;
            tracing::info!(version = target, "store schema migrated");
        }
        Ok(())
    }

    /// Builds the search index if it is empty while content exists (a store migrated from
    /// before the index existed, or an index that was cleared to be repaired).
    fn ensure_search_index(&mut self) -> Result<(), StoreError> {
        let path = self.path.clone();
        let sql = |e| StoreError::Sqlite { path: path.clone(), source: e };
        // whether there is anything, not how much: counting read every row of both (at every
        // start; seconds with a cold page cache at 500,000 documents)
        let (indexed, items): (bool, bool) = self
            .conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM search_items),
                    EXISTS (SELECT 1 FROM documents) OR EXISTS (SELECT 1 FROM guides) OR EXISTS (SELECT 1 FROM faqs)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(sql)?;
        if !indexed && items {
            // looked at again under the write lock: another opener may have built it meanwhile
            let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(sql)?;
            let still_empty: bool =
                tx.query_row("SELECT NOT EXISTS (SELECT 1 FROM search_items)", [], |r| r.get(0)).map_err(sql)?;
            if still_empty {
                let n = search_index::rebuild(&tx, self.bitmap_min_docs).map_err(sql)?;
                tx.commit().map_err(sql)?;
                tracing::info!(items = n, "search index built");
            }
        }
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The bitmap of `token` in `table`, if the token is frequent enough to have one (see
    /// [`DocBitmap`]): exactly the rowids FTS5 lists for it, in one read.
    pub fn search_bitmap(&self, table: IndexTable, token: &str) -> Result<Option<DocBitmap>, StoreError> {
        self.sql(search_bitmaps::read(&self.conn, table, token))
    }

    /// The items holding a run of boilerplate that contains `needle` (see [`IndexTable::
    /// Boilerplate`]): what `search_fts` no longer lists for it. None if no run contains it.
    pub fn search_boilerplate(&self, needle: &str) -> Result<Option<DocBitmap>, StoreError> {
        self.sql(search_bitmaps::boilerplate_containing(&self.conn, needle))
    }

    /// Gives tokens held by at least `n` items a bitmap from the next change of the index on
    /// (the default is [`search_bitmaps::MIN_DOCS`]; tests use fewer, on small stores).
    pub fn set_bitmap_min_docs(&mut self, n: usize) {
        self.bitmap_min_docs = n;
    }

    /// How many bitmaps of frequent tokens the search index has.
    pub fn search_bitmap_count(&self) -> Result<usize, StoreError> {
        let n: rusqlite::Result<i64> = self.conn.query_row("SELECT count(*) FROM search_bitmaps", [], |r| r.get(0));
        self.sql(n).map(|n| usize::try_from(n).unwrap_or(0))
    }

    /// Makes the search bitmaps again for the index as it stands (in one transaction); returns
    /// how many there are.
    pub fn refresh_search_bitmaps(&mut self) -> Result<usize, StoreError> {
        let path = self.path.clone();
        let sql = |e| StoreError::Sqlite { path: path.clone(), source: e };
        let tx = self.conn.transaction().map_err(sql)?;
        let n = search_bitmaps::refresh(&tx, self.bitmap_min_docs).map_err(sql)?;
        tx.commit().map_err(sql)?;
        Ok(n)
    }

    pub fn blobs(&self) -> &BlobDir {
        &self.blobs
    }

    /// Loads a source folder, derives what the kiosk needs from its attachments
    /// ([`crate::attachments::derive`]: page counts, text, office conversions) and applies it.
    /// On any problem nothing changes.
    pub fn import_folder(&mut self, src: &Path) -> Result<ApplyReport, ImportError> {
        let mut set = content::load(src)?;
        crate::attachments::derive(&mut set, src);
        let source = fs::canonicalize(src).unwrap_or_else(|_| src.to_path_buf());
        Ok(self.apply(&set, &format!("folder {}", source.display()))?)
    }

    /// The SQLite connection: `search` reads the search tables through it (the store writes
    /// them), and tests look at the tables.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}
