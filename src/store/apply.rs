//! Changing the store's content, two ways: [`Store::apply`] takes a whole [`ContentSet`] (an
//! import) and works out what changed; [`Store::apply_delta`] takes only the changes (a sync,
//! which knows them from the pack's shards). Both copy new blobs in first (outside the
//! transaction, each checked and renamed into place), then, in one immediate transaction, write
//! the changed items and their search rows, delete those that are gone, and switch the snapshot
//! record.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

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
}

/// One row to write: id, item JSON, hash, and the blobs it refers to.
struct Row<'a, T> {
    id: &'a str,
    item: &'a T,
    hash: String,
    blobs: Vec<&'a BlobRef>,
}

impl Store {
    pub fn apply(&mut self, set: &ContentSet, source: &str) -> Result<ApplyReport, StoreError> {
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

        // 2. Items.
        let doc_rows: Vec<_> =
            set.documents.iter().map(|d| Row { id: &d.id, item: d, hash: hash_of(d), blobs: d.blobs() }).collect();
        report.documents =
            sync_table(&tx, ItemKind::Document, &doc_rows, |tx, r| write_document(tx, r.item, &r.hash)).map_err(sql)?;
        let guide_rows: Vec<_> =
            set.guides.iter().map(|g| Row { id: &g.id, item: g, hash: hash_of(g), blobs: g.blobs() }).collect();
        report.guides =
            sync_table(&tx, ItemKind::Guide, &guide_rows, |tx, r| write_guide(tx, r.item, &r.hash)).map_err(sql)?;
        let board_rows: Vec<_> =
            set.boards.iter().map(|b| Row { id: &b.id, item: b, hash: hash_of(b), blobs: Vec::new() }).collect();
        report.boards =
            sync_table(&tx, ItemKind::Board, &board_rows, |tx, r| write_board(tx, r.item, &r.hash)).map_err(sql)?;
        let faq_rows: Vec<_> =
            set.faqs.iter().map(|q| Row { id: &q.id, item: q, hash: hash_of(q), blobs: Vec::new() }).collect();
        report.faqs = sync_table(&tx, ItemKind::Faq, &faq_rows, |tx, r| write_faq(tx, r.item, &r.hash)).map_err(sql)?;

        // 3. Site.
        report.site_changed = write_site(&tx, &set.site).map_err(sql)?;

        // 4. Blob records (files stay until garbage collection, so a reader of the old
        //    snapshot never loses a file under it).
        let mut referenced: BTreeMap<&str, &BlobRef> = BTreeMap::new();
        for b in doc_rows.iter().flat_map(|r| r.blobs.iter()).chain(guide_rows.iter().flat_map(|r| r.blobs.iter())) {
            referenced.insert(&b.sha256, b);
        }
        for b in referenced.values() {
            write_blob_record(&tx, b).map_err(sql)?;
        }

        // 5. The snapshot record.
        let version = switch_snapshot(&tx, source).map_err(sql)?;
        let total = report.total();
        log_change(&tx, source, version, total).map_err(sql)?;
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
        if let Some(site) = &delta.site {
            report.site_changed = write_site(&tx, site).map_err(sql)?;
        }
        fn upsert<T: Serialize>(
            tx: &Transaction<'_>,
            table: ItemKind,
            id: &str,
            item: &T,
            blobs: Vec<&BlobRef>,
            write: impl Fn(&Transaction<'_>, &T, &str) -> rusqlite::Result<()>,
            c: &mut Changes,
        ) -> rusqlite::Result<()> {
            let hash = hash_of(item);
            let old: Option<String> = tx
                .query_row(&format!("SELECT hash FROM {} WHERE id = ?1", table_of(table)), [id], |r| r.get(0))
                .optional()?;
            match old {
                Some(h) if h == hash => {
                    c.unchanged += 1;
                    return Ok(());
                }
                Some(_) => c.changed += 1,
                None => c.added += 1,
            }
            write(tx, item, &hash)?;
            for b in &blobs {
                write_blob_record(tx, b)?;
            }
            write_refs(tx, id, &blobs)
        }
        // Removals first: an id that moved to another kind of item is deleted, then added anew.
        for (table, id) in &delta.removed {
            if delete_item(&tx, *table, id).map_err(sql)? {
                let c = match table {
                    ItemKind::Document => &mut report.documents,
                    ItemKind::Guide => &mut report.guides,
                    ItemKind::Board => &mut report.boards,
                    ItemKind::Faq => &mut report.faqs,
                };
                c.removed += 1;
            }
        }
        for d in &delta.documents {
            upsert(&tx, ItemKind::Document, &d.id, d, d.blobs(), write_document, &mut report.documents).map_err(sql)?;
        }
        for g in &delta.guides {
            upsert(&tx, ItemKind::Guide, &g.id, g, g.blobs(), write_guide, &mut report.guides).map_err(sql)?;
        }
        for b in &delta.boards {
            upsert(&tx, ItemKind::Board, &b.id, b, Vec::new(), write_board, &mut report.boards).map_err(sql)?;
        }
        for q in &delta.faqs {
            upsert(&tx, ItemKind::Faq, &q.id, q, Vec::new(), write_faq, &mut report.faqs).map_err(sql)?;
        }
        if let Some(expected) = &delta.expect_content_hash {
            let found = current_content_hash(&tx).map_err(sql)?;
            if &found != expected {
                // Dropping the transaction rolls every change back.
                return Err(StoreError::ContentMismatch { expected: expected.clone(), found });
            }
        }
        let version = switch_snapshot(&tx, source).map_err(sql)?;
        if let Some(p) = &delta.pack {
            tx.execute(
                "INSERT OR REPLACE INTO pack_state (id, data) VALUES (1, ?1)",
                [serde_json::to_string(p).expect("serializes")],
            )
            .map_err(sql)?;
        }
        let total = report.total();
        log_change(&tx, source, version, total).map_err(sql)?;
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

/// Writes the rows of one table that are new or changed and deletes the rows that are gone.
fn sync_table<T>(
    tx: &Transaction<'_>,
    table: ItemKind,
    rows: &[Row<'_, T>],
    write: impl Fn(&Transaction<'_>, &Row<'_, T>) -> rusqlite::Result<()>,
) -> rusqlite::Result<Changes> {
    let mut existing: HashMap<String, String> = HashMap::new();
    {
        let mut stmt = tx.prepare(&format!("SELECT id, hash FROM {}", table_of(table)))?;
        let mut q = stmt.query([])?;
        while let Some(r) = q.next()? {
            existing.insert(r.get(0)?, r.get(1)?);
        }
    }
    let mut c = Changes::default();
    for row in rows {
        match existing.remove(row.id) {
            Some(h) if h == row.hash => {
                c.unchanged += 1;
                continue;
            }
            Some(_) => c.changed += 1,
            None => c.added += 1,
        }
        write(tx, row)?;
        write_refs(tx, row.id, &row.blobs)?;
    }
    for id in existing.keys() {
        delete_item(tx, table, id)?;
        c.removed += 1;
    }
    Ok(c)
}

fn write_refs(tx: &Transaction<'_>, owner: &str, blobs: &[&BlobRef]) -> rusqlite::Result<()> {
    tx.execute("DELETE FROM blob_refs WHERE owner = ?1", [owner])?;
    for b in blobs {
        tx.execute("INSERT OR IGNORE INTO blob_refs (owner, sha256) VALUES (?1, ?2)", params![owner, b.sha256])?;
    }
    Ok(())
}

fn delete_item(tx: &Transaction<'_>, table: ItemKind, id: &str) -> rusqlite::Result<bool> {
    let n = tx.execute(&format!("DELETE FROM {} WHERE id = ?1", table_of(table)), [id])?;
    super::search_index::remove(tx, id)?;
    tx.execute("DELETE FROM blob_refs WHERE owner = ?1", [id])?;
    Ok(n > 0)
}

fn write_blob_record(tx: &Transaction<'_>, b: &BlobRef) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT OR IGNORE INTO blobs (sha256, size, media_type) VALUES (?1, ?2, ?3)",
        params![b.sha256, b.size as i64, b.media_type],
    )?;
    Ok(())
}

fn write_document(tx: &Transaction<'_>, d: &Document, hash: &str) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT OR REPLACE INTO documents (id, kind, title, doc_no, publisher, category, area, published, year, validity, interprets, data, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            d.id, d.kind.key(), d.title, d.doc_no, d.publisher, d.category, d.area,
            d.published.to_string(), d.year(), d.validity.key(), d.interprets,
            serde_json::to_string(d).expect("serializes"), hash
        ],
    )?;
    super::search_index::index_document(tx, d)
}

fn write_guide(tx: &Transaction<'_>, g: &Guide, hash: &str) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT OR REPLACE INTO guides (id, name, area, disclosure_request, data, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![g.id, g.name, g.area, g.disclosure_request, serde_json::to_string(g).expect("serializes"), hash],
    )?;
    super::search_index::index_guide(tx, g)
}

fn write_board(tx: &Transaction<'_>, b: &Board, hash: &str) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT OR REPLACE INTO boards (id, title, data, hash) VALUES (?1, ?2, ?3, ?4)",
        params![b.id, b.title, serde_json::to_string(b).expect("serializes"), hash],
    )?;
    Ok(())
}

fn write_faq(tx: &Transaction<'_>, q: &Faq, hash: &str) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT OR REPLACE INTO faqs (id, question, area, data, hash) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![q.id, q.question, q.area, serde_json::to_string(q).expect("serializes"), hash],
    )?;
    super::search_index::index_faq(tx, q)
}

/// Writes the site record if it changed; returns whether it did.
fn write_site(tx: &Transaction<'_>, site: &Site) -> rusqlite::Result<bool> {
    let site_hash = hash_of(site);
    let old: Option<String> = tx.query_row("SELECT hash FROM site WHERE id = 1", [], |r| r.get(0)).optional()?;
    if old.as_deref() == Some(site_hash.as_str()) {
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

/// Records the new snapshot if the content hash changed; returns the live version.
fn switch_snapshot(tx: &Transaction<'_>, source: &str) -> rusqlite::Result<i64> {
    let content_hash = current_content_hash(tx)?;
    let old: Option<(i64, String)> = tx
        .query_row("SELECT version, content_hash FROM snapshot WHERE id = 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let version = match &old {
        Some((v, hash)) if *hash == content_hash => return Ok(*v),
        Some((v, _)) => v + 1,
        None => 1,
    };
    tx.execute(
        "INSERT OR REPLACE INTO snapshot (id, version, source, content_hash, applied_at) VALUES (1, ?1, ?2, ?3, ?4)",
        params![version, source, content_hash, now()],
    )?;
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
