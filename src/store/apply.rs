//! Changing the store's content, two ways: [`Store::apply`] takes a whole [`ContentSet`] (an
//! import) and works out what changed; [`Store::apply_delta`] takes only the changes (a sync,
//! which knows them from the pack's shards). Both copy new blobs in first (outside the
//! transaction, each checked and renamed into place), then, in one immediate transaction, write
//! the changed items and their search rows, delete those that are gone, and switch the snapshot
//! record.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::search_bitmaps;
use super::search_index::{self, IndexRows};
use super::{Store, StoreError};
use crate::content::{BlobRef, Board, ContentSet, Document, Faq, Guide, ItemKind, Site};
use crate::pack;

/// What changed for one kind of item.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Changes {
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
    pub unchanged: usize,
}

impl Changes {
    pub fn any(&self) -> bool {
        self.added + self.changed + self.removed > 0
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ApplyReport {
    pub version: i64,
    pub site_changed: bool,
    pub documents: Changes,
    pub guides: Changes,
    pub boards: Changes,
    pub faqs: Changes,
    pub blobs_copied: usize,
}

impl ApplyReport {
    pub fn any(&self) -> bool {
        self.site_changed || self.documents.any() || self.guides.any() || self.boards.any() || self.faqs.any()
    }

    pub fn total(&self) -> Changes {
        let mut t = Changes::default();
        for c in [self.documents, self.guides, self.boards, self.faqs] {
            t.added += c.added;
            t.changed += c.changed;
            t.removed += c.removed;
            t.unchanged += c.unchanged;
        }
        t
    }
}

fn hash_of<T: Serialize>(item: &T) -> String {
    hex::encode(Sha256::digest(pack::item_bytes(item)))
}

/// The table that holds one kind of content item.
pub(crate) fn table_of(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Document => "documents",
        ItemKind::Guide => "guides",
        ItemKind::Board => "boards",
        ItemKind::Faq => "faqs",
    }
}

/// Only the changes to the content, as a sync brings them.
#[derive(Debug, Default)]
pub struct Delta {
    /// The new site record, if it changed.
    pub site: Option<Site>,
    pub documents: Vec<Document>,
    pub guides: Vec<Guide>,
    pub boards: Vec<Board>,
    pub faqs: Vec<Faq>,
    /// Items to delete.
    pub removed: Vec<(ItemKind, String)>,
    /// Media files the new items need that the blob directory lacks: sha256 → a verified file,
    /// moved (renamed) into the blob directory.
    pub blobs: BTreeMap<String, PathBuf>,
    /// The content hash the store must have after the change; otherwise nothing is committed.
    pub expect_content_hash: Option<String>,
    /// Recorded in the same transaction, so the pack state always describes the live content.
    pub pack: Option<PackState>,
}

/// The pack the live content came from (recorded by sync).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct PackState {
    pub source: String,
    pub version: u64,
    pub manifest_sha256: String,
    pub etag: Option<String>,
    pub created: String,
    pub expires: String,
    pub content_hash: String,
    pub shard_bits: u8,
    /// sha256 of each shard, in order.
    pub shards: Vec<String>,
    /// Ids of the trusted keys whose signatures the live pack's manifest carried. Empty in a
    /// state written before the kiosk recorded keys.
    #[serde(default)]
    pub signed_by: Vec<String>,
    /// The highest pack version applied from each key that signed a live pack (key id →
    /// version). While a key is trusted, no manifest below its version is accepted; removing the
    /// key from `sync.trusted_keys` (a key rotation) lifts that floor. Empty in a state written
    /// before the kiosk recorded keys: then `version` is the floor, as if its key were trusted.
    #[serde(default)]
    pub key_versions: BTreeMap<String, u64>,
}

/// The lowest version a new manifest may offer, and the key it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionFloor {
    pub version: u64,
    /// `None`: the live version of a state that recorded no key.
    pub keyid: Option<String>,
}

impl PackState {
    /// The highest version applied from a key `is_trusted` accepts; for a state that recorded no
    /// key, the live version. `None` when no trusted key ever signed a live pack here.
    pub fn version_floor(&self, is_trusted: impl Fn(&str) -> bool) -> Option<VersionFloor> {
        if self.key_versions.is_empty() {
            return Some(VersionFloor { version: self.version, keyid: None });
        }
        self.key_versions
            .iter()
            .filter(|(k, _)| is_trusted(k))
            .max_by_key(|(_, v)| **v)
            .map(|(k, v)| VersionFloor { version: *v, keyid: Some(k.clone()) })
    }

    /// Records that `signers` signed the live pack: its version becomes their floor (a floor
    /// never goes down).
    pub fn record_signers(&mut self, signers: &[String]) {
        self.signed_by = signers.to_vec();
        for k in signers {
            let v = self.key_versions.entry(k.clone()).or_insert(0);
            *v = (*v).max(self.version);
        }
    }
}

impl Store {
    pub fn apply(&mut self, set: &ContentSet, source: &str) -> Result<ApplyReport, StoreError> {
        let previous = self.sql(enlarge_cache(&self.conn))?;
        let result = self.apply_set(set, source);
        restore_cache(&self.conn, previous);
        result
    }

    fn apply_set(&mut self, set: &ContentSet, source: &str) -> Result<ApplyReport, StoreError> {
        let mut report = ApplyReport::default();
        // 1. Blobs first: the new rows must never point at a missing file.
        for (sha, from) in &set.blobs {
            if !self.blobs.contains(sha) {
                self.blobs.put_file(sha, from)?;
                report.blobs_copied += 1;
            }
        }
        let path = self.path.clone();
        let sql = |e| StoreError::Sqlite { path: path.clone(), source: e };
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(sql)?;
        let mut buffers = IndexBuffers::default();
        let items = set.documents.len() + set.guides.len() + set.faqs.len();
        let slots = search_bitmaps::Slots::for_apply(&tx, items, self.bitmap_min_docs, || {
            sample_rows(&set.documents, &set.guides, &set.faqs)
        })
        .map_err(sql)?;
        let mut bitmaps = search_bitmaps::Changes::new(&slots);

        // 2. Items; `rows` gets every table's (id, hash) as the transaction leaves it.
        let mut rows = Vec::new();
        let bulk = bulk_for(&tx, &slots, searched_ids(&set.documents, &set.guides, &set.faqs)).map_err(sql)?;
        let mut w = Writer { tx: &tx, slots: &slots, bitmaps: &mut bitmaps, bulk };
        report.documents = sync_table(&mut w, &set.documents, &mut buffers, &mut rows).map_err(sql)?;
        report.guides = sync_table(&mut w, &set.guides, &mut buffers, &mut rows).map_err(sql)?;
        report.boards = sync_table(&mut w, &set.boards, &mut buffers, &mut rows).map_err(sql)?;
        report.faqs = sync_table(&mut w, &set.faqs, &mut buffers, &mut rows).map_err(sql)?;
        w.finish_bulk().map_err(sql)?;

        // 3. Site.
        let site_hash = hash_of(&set.site);
        report.site_changed = write_site(&tx, &set.site, &site_hash).map_err(sql)?;

        // 4. Blob records (files stay until garbage collection, so a reader of the old
        //    snapshot never loses a file under it).
        let mut referenced: BTreeMap<&str, &BlobRef> = BTreeMap::new();
        for b in set.documents.iter().flat_map(|d| d.blobs()).chain(set.guides.iter().flat_map(|g| g.blobs())) {
            referenced.insert(&b.sha256, b);
        }
        for b in referenced.values() {
            write_blob_record(&tx, b).map_err(sql)?;
        }

        // 5. The snapshot record. The content hash comes from the hashes read and written above
        //    (reading every row's hash again would cost a second pass over the tables).
        let content_hash = pack::content_hash(&site_hash, rows.iter().map(|(id, hash)| (id.as_str(), hash.as_str())));
        let version = switch_snapshot(&tx, source, &content_hash).map_err(sql)?;
        let total = report.total();
        log_change(&tx, source, version, total).map_err(sql)?;
        bitmaps.finish(&tx, &slots, self.bitmap_min_docs).map_err(sql)?;
        buffers.restore(&tx).map_err(sql)?;
        tx.commit().map_err(sql)?;
        report.version = version;
        tracing::info!(
            version,
            source,
            added = total.added,
            changed = total.changed,
            removed = total.removed,
            "content applied"
        );
        Ok(report)
    }
}

impl Store {
    /// Applies only the changes (a sync). Same guarantees as [`Store::apply`]: one transaction,
    /// search rows updated for the changed items only, and nothing committed unless the result
    /// has the content hash the pack promised.
    pub fn apply_delta(&mut self, delta: &Delta, source: &str) -> Result<ApplyReport, StoreError> {
        let previous = self.sql(enlarge_cache(&self.conn))?;
        let result = self.apply_changes(delta, source);
        restore_cache(&self.conn, previous);
        result
    }

    fn apply_changes(&mut self, delta: &Delta, source: &str) -> Result<ApplyReport, StoreError> {
        let mut report = ApplyReport::default();
        for (sha, from) in &delta.blobs {
            if !self.blobs.contains(sha) {
                self.blobs.adopt(sha, from)?;
                report.blobs_copied += 1;
            }
        }
        let path = self.path.clone();
        let sql = |e| StoreError::Sqlite { path: path.clone(), source: e };
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(sql)?;
        let mut buffers = IndexBuffers::default();
        if !(delta.documents.is_empty() && delta.guides.is_empty() && delta.faqs.is_empty()) {
            buffers.enlarge(&tx).map_err(sql)?;
        }
        let items = delta.documents.len() + delta.guides.len() + delta.faqs.len();
        let slots = search_bitmaps::Slots::for_apply(&tx, items, self.bitmap_min_docs, || {
            sample_rows(&delta.documents, &delta.guides, &delta.faqs)
        })
        .map_err(sql)?;
        let mut bitmaps = search_bitmaps::Changes::new(&slots);
        let bulk = bulk_for(&tx, &slots, searched_ids(&delta.documents, &delta.guides, &delta.faqs)).map_err(sql)?;
        let mut w = Writer { tx: &tx, slots: &slots, bitmaps: &mut bitmaps, bulk };
        if let Some(site) = &delta.site {
            report.site_changed = write_site(&tx, site, &hash_of(site)).map_err(sql)?;
        }
        // Removals first: an id that moved to another kind of item is deleted, then added anew.
        for (table, id) in &delta.removed {
            if delete_item(&mut w, *table, id).map_err(sql)? {
                let c = match table {
                    ItemKind::Document => &mut report.documents,
                    ItemKind::Guide => &mut report.guides,
                    ItemKind::Board => &mut report.boards,
                    ItemKind::Faq => &mut report.faqs,
                };
                c.removed += 1;
            }
        }
        report.documents.add(upsert_all(&mut w, &delta.documents).map_err(sql)?);
        report.guides.add(upsert_all(&mut w, &delta.guides).map_err(sql)?);
        report.boards.add(upsert_all(&mut w, &delta.boards).map_err(sql)?);
        report.faqs.add(upsert_all(&mut w, &delta.faqs).map_err(sql)?);
        w.finish_bulk().map_err(sql)?;
        let content_hash = current_content_hash(&tx).map_err(sql)?;
        if let Some(expected) = &delta.expect_content_hash
            && &content_hash != expected
        {
            // Dropping the transaction rolls every change back.
            return Err(StoreError::ContentMismatch { expected: expected.clone(), found: content_hash });
        }
        let version = switch_snapshot(&tx, source, &content_hash).map_err(sql)?;
        if let Some(p) = &delta.pack {
            tx.execute(
                "INSERT OR REPLACE INTO pack_state (id, data) VALUES (1, ?1)",
                [serde_json::to_string(p).expect("serializes")],
            )
            .map_err(sql)?;
        }
        let total = report.total();
        log_change(&tx, source, version, total).map_err(sql)?;
        bitmaps.finish(&tx, &slots, self.bitmap_min_docs).map_err(sql)?;
        buffers.restore(&tx).map_err(sql)?;
        tx.commit().map_err(sql)?;
        report.version = version;
        tracing::info!(
            version,
            source,
            added = total.added,
            changed = total.changed,
            removed = total.removed,
            "content changes applied"
        );
        Ok(report)
    }
}

/// The page cache an apply's transaction gets (KiB): the item tables' indexes and the search
/// tables' b-trees stay in memory instead of being spilled to the WAL and read back while the
/// transaction runs. Returned to the connection's usual size when the apply ends.
const BULK_CACHE_KIB: i64 = 64 * 1024;

/// Gives the connection the larger page cache; returns the size to set back.
fn enlarge_cache(conn: &rusqlite::Connection) -> rusqlite::Result<i64> {
    let previous: i64 = conn.pragma_query_value(None, "cache_size", |r| r.get(0))?;
    conn.pragma_update(None, "cache_size", -BULK_CACHE_KIB)?;
    Ok(previous)
}

/// Sets the page cache back after an apply (committed or not) and frees the memory. Only
/// memory is at stake here: a failure leaves a larger cache, never wrong content.
fn restore_cache(conn: &rusqlite::Connection, previous: i64) {
    let _ = conn.pragma_update(None, "cache_size", previous);
    let _ = conn.execute_batch("PRAGMA shrink_memory");
}

/// The pending-terms buffer of each FTS5 table during an apply (bytes; FTS5's default is
/// 1 MiB): fewer, larger segments are flushed, so there is less merging. Set before the first
/// item is written and set back before the transaction commits, inside it, so the stored
/// setting never changes.
const BULK_FTS_BUFFER: i64 = 16 * 1024 * 1024;
const FTS_DEFAULT_BUFFER: i64 = 1024 * 1024;

/// Whether the apply's transaction has enlarged the FTS5 buffers. Setting them writes each
/// FTS5 table's configuration (and bumps its structure cookie, so every reader reloads it):
/// an apply that writes no item leaves them, and so the search index, untouched.
#[derive(Default)]
struct IndexBuffers {
    enlarged: bool,
}

impl IndexBuffers {
    fn enlarge(&mut self, tx: &Transaction<'_>) -> rusqlite::Result<()> {
        if !self.enlarged {
            set_index_buffers(tx, BULK_FTS_BUFFER)?;
            self.enlarged = true;
        }
        Ok(())
    }

    fn restore(&mut self, tx: &Transaction<'_>) -> rusqlite::Result<()> {
        if self.enlarged {
            set_index_buffers(tx, FTS_DEFAULT_BUFFER)?;
            self.enlarged = false;
        }
        Ok(())
    }
}

fn set_index_buffers(tx: &Transaction<'_>, size: i64) -> rusqlite::Result<()> {
    for table in search_index::FTS_TABLES {
        tx.execute(&format!("INSERT INTO {table} ({table}, rank) VALUES ('hashsize', ?1)"), [size])?;
    }
    Ok(())
}

/// A content item as the store writes it: its table row and its search rows.
trait Item: Serialize + Sync {
    const KIND: ItemKind;
    fn id(&self) -> &str;
    /// The media files the item refers to (boards and FAQ entries carry none).
    fn blobs(&self) -> Vec<&BlobRef> {
        Vec::new()
    }
    /// Its search rows (None: the kind is not searched).
    fn index_rows(&self) -> Option<IndexRows>;
    /// Writes (inserts or replaces) its table row, `json` being the item serialized.
    fn write_row(&self, tx: &Transaction<'_>, json: &str, hash: &str) -> rusqlite::Result<()>;
}

impl Item for Document {
    const KIND: ItemKind = ItemKind::Document;
    fn id(&self) -> &str {
        &self.id
    }
    fn blobs(&self) -> Vec<&BlobRef> {
        Document::blobs(self)
    }
    fn index_rows(&self) -> Option<IndexRows> {
        Some(IndexRows::of_document(self))
    }
    fn write_row(&self, tx: &Transaction<'_>, json: &str, hash: &str) -> rusqlite::Result<()> {
        let d = self;
        tx.prepare_cached(
            "INSERT OR REPLACE INTO documents (id, kind, title, doc_no, publisher, category, area, published, year, validity, interprets, data, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )?
        .execute(params![
            d.id, d.kind.key(), d.title, d.doc_no, d.publisher, d.category, d.area,
            d.published.to_string(), d.year(), d.validity.key(), d.interprets, json, hash
        ])?;
        Ok(())
    }
}

impl Item for Guide {
    const KIND: ItemKind = ItemKind::Guide;
    fn id(&self) -> &str {
        &self.id
    }
    fn blobs(&self) -> Vec<&BlobRef> {
        Guide::blobs(self)
    }
    fn index_rows(&self) -> Option<IndexRows> {
        Some(IndexRows::of_guide(self))
    }
    fn write_row(&self, tx: &Transaction<'_>, json: &str, hash: &str) -> rusqlite::Result<()> {
        tx.prepare_cached(
            "INSERT OR REPLACE INTO guides (id, name, area, disclosure_request, data, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![self.id, self.name, self.area, self.disclosure_request, json, hash])?;
        Ok(())
    }
}

impl Item for Board {
    const KIND: ItemKind = ItemKind::Board;
    fn id(&self) -> &str {
        &self.id
    }
    fn index_rows(&self) -> Option<IndexRows> {
        None
    }
    fn write_row(&self, tx: &Transaction<'_>, json: &str, hash: &str) -> rusqlite::Result<()> {
        tx.prepare_cached("INSERT OR REPLACE INTO boards (id, title, data, hash) VALUES (?1, ?2, ?3, ?4)")?
            .execute(params![self.id, self.title, json, hash])?;
        Ok(())
    }
}

impl Item for Faq {
    const KIND: ItemKind = ItemKind::Faq;
    fn id(&self) -> &str {
        &self.id
    }
    fn index_rows(&self) -> Option<IndexRows> {
        Some(IndexRows::of_faq(self))
    }
    fn write_row(&self, tx: &Transaction<'_>, json: &str, hash: &str) -> rusqlite::Result<()> {
        tx.prepare_cached("INSERT OR REPLACE INTO faqs (id, question, area, data, hash) VALUES (?1, ?2, ?3, ?4, ?5)")?
            .execute(params![self.id, self.question, self.area, json, hash])?;
        Ok(())
    }
}

/// One item made ready to write, on the preparing thread: its JSON, the hash of that JSON (the
/// pack's item hash, [`pack::item_bytes`]), and its search rows.
struct Prepared {
    hash: String,
    json: String,
    index: Option<IndexRows>,
    /// The bitmaps its search rows' tokens have ([`search_bitmaps::Slots::of`]); None when the
    /// writing thread works them out (those the bulk index does not list).
    slots: Option<Vec<u32>>,
}

/// Who works out an item's bitmaps: the preparing thread, or, when the index is built in bulk
/// (its own thread tokenizing what FTS5 would, and listing the rows of the bitmaps' bigrams
/// and characters while they are built), the writing thread, which then has time to spare
/// while the preparing one has none.
#[derive(Clone, Copy)]
enum SlotsBy {
    Preparer,
    Writer,
}

impl SlotsBy {
    fn of(w: &Writer<'_, '_>) -> SlotsBy {
        if w.bulk.is_some() { SlotsBy::Writer } else { SlotsBy::Preparer }
    }
}

/// Prepares `item` for writing; `hash` is its hash if already known.
fn prepare<T: Item>(item: &T, hash: Option<&str>, slots: &search_bitmaps::Slots, by: SlotsBy) -> Prepared {
    let json = pack::item_json(item);
    let hash = hash.map_or_else(|| hex::encode(Sha256::digest(json.as_bytes())), str::to_owned);
    let mut index = item.index_rows();
    if let Some(rows) = &mut index {
        rows.strip(slots.boilerplate());
    }
    let slots = match by {
        SlotsBy::Preparer => Some(index.as_ref().map(|rows| slots.of(rows)).unwrap_or_default()),
        SlotsBy::Writer => None,
    };
    Prepared { hash, json, index, slots }
}

/// The hash of every item ([`hash_of`]), in order, worked out on two threads, while this thread
/// first runs `meanwhile` (reading the stored hashes) and then takes its share. An unchanged
/// re-import is mostly this hashing.
fn hash_all<T: Serialize + Sync, R>(items: &[T], meanwhile: impl FnOnce() -> R) -> (R, Vec<String>) {
    const CHUNK: usize = 64;
    let next = AtomicUsize::new(0);
    // Takes chunks until none is left; returns (chunk number, its hashes) for each.
    let work = || {
        let mut done = Vec::new();
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            let Some(chunk) = items.chunks(CHUNK).nth(k) else { break };
            done.push((k, chunk.iter().map(hash_of).collect::<Vec<_>>()));
        }
        done
    };
    std::thread::scope(|s| {
        let helper = s.spawn(work);
        let r = meanwhile();
        let mut done = work();
        done.extend(helper.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        done.sort_unstable_by_key(|(k, _)| *k);
        (r, done.into_iter().flat_map(|(_, hashes)| hashes).collect())
    })
}

/// Runs `prepare` over `items` on a second thread while `write` takes the results in order on
/// this one (the thread that owns the transaction): the text work of the next items overlaps
/// with the store writing the previous ones. The first error stops both.
fn pipelined<'a, T: Sync, P: Send, E>(
    items: &'a [T],
    prepare: impl Fn(&T) -> P + Sync,
    mut write: impl FnMut(&'a T, P) -> Result<(), E>,
) -> Result<(), E> {
    // Items go across in batches, so that handing them over costs little beside the work.
    const BATCH: usize = 32;
    if items.len() <= BATCH {
        return items.iter().try_for_each(|item| write(item, prepare(item)));
    }
    std::thread::scope(|s| {
        // A bounded queue: the preparing thread runs at most 8 batches ahead.
        let (to_writer, prepared) = std::sync::mpsc::sync_channel::<Vec<P>>(8);
        let prepare = &prepare;
        s.spawn(move || {
            for chunk in items.chunks(BATCH) {
                if to_writer.send(chunk.iter().map(prepare).collect()).is_err() {
                    break; // the writer stopped on an error
                }
            }
        });
        for chunk in items.chunks(BATCH) {
            // The preparing thread only stops early if it panicked; the scope re-raises that
            // panic, and the transaction rolls back, before anything is committed.
            let Ok(batch) = prepared.recv() else { break };
            for (item, p) in chunk.iter().zip(batch) {
                write(item, p)?;
            }
        }
        Ok(())
    })
}

impl Changes {
    fn add(&mut self, o: Changes) {
        self.added += o.added;
        self.changed += o.changed;
        self.removed += o.removed;
        self.unchanged += o.unchanged;
    }
}

/// An apply's transaction, and the record of what it wrote to the search index (for the
/// bitmaps, mended when it ends).
struct Writer<'a, 't> {
    tx: &'a Transaction<'t>,
    slots: &'a search_bitmaps::Slots,
    bitmaps: &'a mut search_bitmaps::Changes,
    /// The index of an empty store, written in bulk (see [`search_index::BulkRows`]).
    bulk: Option<search_index::BulkRows>,
}

impl Writer<'_, '_> {
    /// Writes what the bulk index holds, if there is one, and adds the rows it listed to the
    /// bitmaps: before the bitmaps are finished, which may read the index.
    fn finish_bulk(&mut self) -> rusqlite::Result<()> {
        if let Some(bulk) = self.bulk.take() {
            self.bitmaps.listed_in_bulk(bulk.finish(self.tx)?);
        }
        Ok(())
    }
}

/// A bulk index for this apply's items if the search index is empty and no id comes twice
/// among the searched items (an index built in bulk takes each rowid once, in order).
fn bulk_for<'a>(
    tx: &Transaction<'_>,
    slots: &search_bitmaps::Slots,
    mut ids: impl Iterator<Item = &'a str>,
) -> rusqlite::Result<Option<search_index::BulkRows>> {
    let mut seen = HashSet::new();
    if ids.all(|id| seen.insert(id)) { search_index::BulkRows::start(tx, slots) } else { Ok(None) }
}

fn searched_ids<'a>(documents: &'a [Document], guides: &'a [Guide], faqs: &'a [Faq]) -> impl Iterator<Item = &'a str> {
    documents
        .iter()
        .map(|d| d.id.as_str())
        .chain(guides.iter().map(|g| g.id.as_str()))
        .chain(faqs.iter().map(|q| q.id.as_str()))
}

/// The search rows of up to [`search_bitmaps::SAMPLE`] of these items, spread evenly: what an
/// apply into an empty index chooses its bitmaps' tokens from.
fn sample_rows(documents: &[Document], guides: &[Guide], faqs: &[Faq]) -> Vec<IndexRows> {
    let n = documents.len() + guides.len() + faqs.len();
    let step = (n / search_bitmaps::SAMPLE).max(1);
    (0..n)
        .step_by(step)
        .filter_map(|i| {
            if i < documents.len() {
                documents[i].index_rows()
            } else if i < documents.len() + guides.len() {
                guides[i - documents.len()].index_rows()
            } else {
                faqs[i - documents.len() - guides.len()].index_rows()
            }
        })
        .collect()
}

/// Writes one prepared item: its row, its search rows, its blob references.
fn write_item<T: Item>(w: &mut Writer<'_, '_>, item: &T, p: &mut Prepared) -> rusqlite::Result<()> {
    let tx = w.tx;
    item.write_row(tx, &p.json, &p.hash)?;
    if let Some(rows) = &mut p.index {
        let held = p.slots.take().unwrap_or_else(|| match &w.bulk {
            Some(bulk) => bulk.slots_not_listed(w.slots, rows),
            None => w.slots.of(rows),
        });
        let rowid = search_index::write(tx, item.id(), rows, w.bulk.as_mut())?;
        w.bitmaps.written(tx, w.slots, rowid, held)?;
    }
    write_refs(tx, item.id(), &item.blobs())
}

/// Writes the rows of one table that are new or changed and deletes the rows that are gone.
/// Only the items whose hash differs from their stored row's are serialized again, tokenized
/// and handed to the writer; an unchanged item costs its hash and one comparison.
/// Appends the table's (id, hash) pairs as the transaction leaves them to `rows`.
fn sync_table<T: Item>(
    w: &mut Writer<'_, '_>,
    items: &[T],
    buffers: &mut IndexBuffers,
    rows: &mut Vec<(String, String)>,
) -> rusqlite::Result<Changes> {
    let (tx, slots, by) = (w.tx, w.slots, SlotsBy::of(w));
    let table = table_of(T::KIND);
    let stored_hashes = || -> rusqlite::Result<HashMap<String, String>> {
        let mut existing = HashMap::new();
        let mut stmt = tx.prepare(&format!("SELECT id, hash FROM {table}"))?;
        let mut q = stmt.query([])?;
        while let Some(r) = q.next()? {
            existing.insert(r.get(0)?, r.get(1)?);
        }
        Ok(existing)
    };
    let empty = !tx.query_row(&format!("SELECT EXISTS (SELECT 1 FROM {table})"), [], |r| r.get::<_, bool>(0))?;
    // An empty table (a first import): every item is written, and hashed as it is prepared.
    let (mut existing, hashes) = if empty {
        (HashMap::new(), Vec::new())
    } else {
        let (existing, hashes) = hash_all(items, stored_hashes);
        (existing?, hashes)
    };
    let mut c = Changes::default();
    let mut seen: HashSet<&str> = HashSet::with_capacity(items.len());
    // Each item to write, with its hash if known.
    let mut writes: Vec<(&T, Option<String>)> = Vec::new();
    let mut hashes = hashes.into_iter();
    for item in items {
        let hash = hashes.next();
        // An id seen before in this set counts as added again (its old row is replaced).
        if seen.insert(item.id()) {
            match existing.get(item.id()) {
                Some(stored) if Some(stored) == hash.as_ref() => {
                    c.unchanged += 1;
                    continue;
                }
                Some(_) => c.changed += 1,
                None => c.added += 1,
            }
        } else {
            c.added += 1;
        }
        writes.push((item, hash));
    }
    if !writes.is_empty() {
        buffers.enlarge(tx)?;
    }
    let gone: Vec<String> = existing.keys().filter(|id| !seen.contains(id.as_str())).cloned().collect();
    pipelined(
        &writes,
        |(item, hash)| prepare(*item, hash.as_deref(), slots, by),
        |(item, _), mut p| {
            write_item(w, *item, &mut p)?;
            existing.insert(item.id().to_owned(), p.hash);
            Ok::<_, rusqlite::Error>(())
        },
    )?;
    for id in &gone {
        delete_item(w, T::KIND, id)?;
        existing.remove(id);
        c.removed += 1;
    }
    rows.extend(existing);
    Ok(c)
}

/// Adds or replaces each item whose stored row differs (a sync's changes), preparing the next
/// items on a second thread.
fn upsert_all<T: Item>(w: &mut Writer<'_, '_>, items: &[T]) -> rusqlite::Result<Changes> {
    let (tx, slots, by) = (w.tx, w.slots, SlotsBy::of(w));
    let mut c = Changes::default();
    let select = format!("SELECT hash FROM {} WHERE id = ?1", table_of(T::KIND));
    pipelined(
        items,
        |item| prepare(item, None, slots, by),
        |item, mut p| {
            let old: Option<String> = tx.prepare_cached(&select)?.query_row([item.id()], |r| r.get(0)).optional()?;
            match old {
                Some(h) if h == p.hash => {
                    c.unchanged += 1;
                    return Ok(());
                }
                Some(_) => c.changed += 1,
                None => c.added += 1,
            }
            for b in &item.blobs() {
                write_blob_record(tx, b)?;
            }
            write_item(w, item, &mut p)
        },
    )?;
    Ok(c)
}

fn write_refs(tx: &Transaction<'_>, owner: &str, blobs: &[&BlobRef]) -> rusqlite::Result<()> {
    tx.prepare_cached("DELETE FROM blob_refs WHERE owner = ?1")?.execute([owner])?;
    for b in blobs {
        tx.prepare_cached("INSERT OR IGNORE INTO blob_refs (owner, sha256) VALUES (?1, ?2)")?
            .execute(params![owner, b.sha256])?;
    }
    Ok(())
}

fn delete_item(w: &mut Writer<'_, '_>, table: ItemKind, id: &str) -> rusqlite::Result<bool> {
    let tx = w.tx;
    let n = tx.execute(&format!("DELETE FROM {} WHERE id = ?1", table_of(table)), [id])?;
    if let Some(rowid) = search_index::remove(tx, table, id, w.bulk.is_some())? {
        w.bitmaps.removed(tx, w.slots, rowid)?;
    }
    tx.execute("DELETE FROM blob_refs WHERE owner = ?1", [id])?;
    Ok(n > 0)
}

fn write_blob_record(tx: &Transaction<'_>, b: &BlobRef) -> rusqlite::Result<()> {
    tx.prepare_cached("INSERT OR IGNORE INTO blobs (sha256, size, media_type) VALUES (?1, ?2, ?3)")?
        .execute(params![b.sha256, b.size as i64, b.media_type])?;
    Ok(())
}

/// Writes the site record (its hash being `site_hash`) if it changed; returns whether it did.
fn write_site(tx: &Transaction<'_>, site: &Site, site_hash: &str) -> rusqlite::Result<bool> {
    let old: Option<String> = tx.query_row("SELECT hash FROM site WHERE id = 1", [], |r| r.get(0)).optional()?;
    if old.as_deref() == Some(site_hash) {
        return Ok(false);
    }
    tx.execute(
        "INSERT OR REPLACE INTO site (id, data, hash) VALUES (1, ?1, ?2)",
        params![serde_json::to_string(site).expect("serializes"), site_hash],
    )?;
    Ok(true)
}

/// The content hash of what the transaction sees now ([`pack::content_hash`] of the rows).
fn current_content_hash(tx: &Transaction<'_>) -> rusqlite::Result<String> {
    let site_hash: String =
        tx.query_row("SELECT hash FROM site WHERE id = 1", [], |r| r.get(0)).optional()?.unwrap_or_default();
    let mut pairs: Vec<(String, String)> = Vec::new();
    for t in ItemKind::ALL {
        let mut stmt = tx.prepare(&format!("SELECT id, hash FROM {}", table_of(t)))?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        for r in rows {
            pairs.push(r?);
        }
    }
    Ok(pack::content_hash(&site_hash, pairs.iter().map(|(a, b)| (a.as_str(), b.as_str()))))
}

/// Records the new snapshot if the content hash (`content_hash`, that of the rows the
/// transaction leaves) changed; returns the live version.
fn switch_snapshot(tx: &Transaction<'_>, source: &str, content_hash: &str) -> rusqlite::Result<i64> {
    let old: Option<(i64, String)> = tx
        .query_row("SELECT version, content_hash FROM snapshot WHERE id = 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let version = match &old {
        Some((v, hash)) if hash == content_hash => return Ok(*v),
        Some((v, _)) => v + 1,
        None => 1,
    };
    tx.execute(
        "INSERT OR REPLACE INTO snapshot (id, version, source, content_hash, applied_at) VALUES (1, ?1, ?2, ?3, ?4)",
        params![version, source, content_hash, now()],
    )?;
    // the same content has the same counts: they change with the snapshot only
    tx.execute(super::schema::WRITE_SNAPSHOT_COUNTS, [])?;
    Ok(version)
}

fn now() -> String {
    chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string()
}

fn log_change(tx: &Transaction<'_>, source: &str, version: i64, total: Changes) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO import_log (at, source, version, added, changed, removed) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![now(), source, version, total.added as i64, total.changed as i64, total.removed as i64],
    )?;
    Ok(())
}
