//! Applying a [`ContentSet`] to the store: copy new blobs in first (outside the transaction, each
//! checked and renamed into place), then, in one immediate transaction, write only the items
//! whose content changed, delete those that are gone, and switch the snapshot record.

use std::collections::{BTreeMap, HashMap};

use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{Store, StoreError};
use crate::content::{BlobRef, ContentSet, Document};

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
    let bytes = serde_json::to_vec(item).expect("content items serialize");
    hex::encode(Sha256::digest(&bytes))
}

/// One row to write: id, item JSON, hash, and the blobs it refers to.
struct Row<'a, T> {
    id: &'a str,
    item: &'a T,
    hash: String,
    blobs: Vec<&'a BlobRef>,
}

fn doc_blobs(d: &Document) -> Vec<&BlobRef> {
    d.attachments.iter().map(|a| &a.blob).chain(d.images.iter().map(|i| &i.blob)).collect()
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
        let doc_rows: Vec<_> = set
            .documents
            .iter()
            .map(|d| Row { id: &d.id, item: d, hash: hash_of(d), blobs: doc_blobs(d) })
            .collect();
        report.documents = sync_table(&tx, "documents", &doc_rows, |tx, r| {
            let d = r.item;
            tx.execute(
                "INSERT OR REPLACE INTO documents (id, kind, title, doc_no, publisher, category, area, published, year, validity, interprets, data, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![
                    d.id, d.kind.key(), d.title, d.doc_no, d.publisher, d.category, d.area,
                    d.published.to_string(), d.year(), d.validity.key(), d.interprets,
                    serde_json::to_string(d).expect("serializes"), r.hash
                ],
            )?;
            crate::search::index::index_document(tx, d).map(|_| 1)
        })
        .map_err(sql)?;
        let guide_rows: Vec<_> = set
            .guides
            .iter()
            .map(|g| Row {
                id: &g.id,
                item: g,
                hash: hash_of(g),
                blobs: g.materials.iter().flat_map(|m| m.blank_form.iter().chain(m.sample.iter())).collect(),
            })
            .collect();
        report.guides = sync_table(&tx, "guides", &guide_rows, |tx, r| {
            let g = r.item;
            tx.execute(
                "INSERT OR REPLACE INTO guides (id, name, area, disclosure_request, data, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![g.id, g.name, g.area, g.disclosure_request, serde_json::to_string(g).expect("serializes"), r.hash],
            )?;
            crate::search::index::index_guide(tx, g).map(|_| 1)
        })
        .map_err(sql)?;
        let board_rows: Vec<_> =
            set.boards.iter().map(|b| Row { id: &b.id, item: b, hash: hash_of(b), blobs: Vec::new() }).collect();
        report.boards = sync_table(&tx, "boards", &board_rows, |tx, r| {
            let b = r.item;
            tx.execute(
                "INSERT OR REPLACE INTO boards (id, title, data, hash) VALUES (?1, ?2, ?3, ?4)",
                params![b.id, b.title, serde_json::to_string(b).expect("serializes"), r.hash],
            )
        })
        .map_err(sql)?;
        let faq_rows: Vec<_> =
            set.faqs.iter().map(|q| Row { id: &q.id, item: q, hash: hash_of(q), blobs: Vec::new() }).collect();
        report.faqs = sync_table(&tx, "faqs", &faq_rows, |tx, r| {
            let q = r.item;
            tx.execute(
                "INSERT OR REPLACE INTO faqs (id, question, area, data, hash) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![q.id, q.question, q.area, serde_json::to_string(q).expect("serializes"), r.hash],
            )?;
            crate::search::index::index_faq(tx, q).map(|_| 1)
        })
        .map_err(sql)?;

        // 3. Site.
        let site_hash = hash_of(&set.site);
        let old_site: Option<String> =
            tx.query_row("SELECT hash FROM site WHERE id = 1", [], |r| r.get(0)).optional().map_err(sql)?;
        if old_site.as_deref() != Some(site_hash.as_str()) {
            tx.execute(
                "INSERT OR REPLACE INTO site (id, data, hash) VALUES (1, ?1, ?2)",
                params![serde_json::to_string(&set.site).expect("serializes"), site_hash],
            )
            .map_err(sql)?;
            report.site_changed = true;
        }

        // 4. Blob records (files stay until garbage collection, so a reader of the old
        //    snapshot never loses a file under it).
        let mut referenced: BTreeMap<&str, &BlobRef> = BTreeMap::new();
        for b in doc_rows.iter().flat_map(|r| r.blobs.iter()).chain(guide_rows.iter().flat_map(|r| r.blobs.iter())) {
            referenced.insert(&b.sha256, b);
        }
        for b in referenced.values() {
            tx.execute(
                "INSERT OR IGNORE INTO blobs (sha256, size, media_type) VALUES (?1, ?2, ?3)",
                params![b.sha256, b.size as i64, b.media_type],
            )
            .map_err(sql)?;
        }

        // 5. The snapshot record.
        let mut all: Vec<(&str, &str)> = Vec::new();
        all.extend(doc_rows.iter().map(|r| (r.id, r.hash.as_str())));
        all.extend(guide_rows.iter().map(|r| (r.id, r.hash.as_str())));
        all.extend(board_rows.iter().map(|r| (r.id, r.hash.as_str())));
        all.extend(faq_rows.iter().map(|r| (r.id, r.hash.as_str())));
        all.sort();
        let mut h = Sha256::new();
        h.update(site_hash.as_bytes());
        for (id, hash) in &all {
            h.update(id.as_bytes());
            h.update(b"\0");
            h.update(hash.as_bytes());
        }
        let content_hash = hex::encode(h.finalize());
        let old: Option<(i64, String)> = tx
            .query_row("SELECT version, content_hash FROM snapshot WHERE id = 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(sql)?;
        let now = chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string();
        let version = match &old {
            Some((v, hash)) if *hash == content_hash => *v,
            Some((v, _)) => v + 1,
            None => 1,
        };
        if old.as_ref().map(|(_, h)| h) != Some(&content_hash) {
            tx.execute(
                "INSERT OR REPLACE INTO snapshot (id, version, source, content_hash, applied_at) VALUES (1, ?1, ?2, ?3, ?4)",
                params![version, source, content_hash, now],
            )
            .map_err(sql)?;
        }
        let total = report.total();
        tx.execute(
            "INSERT INTO import_log (at, source, version, added, changed, removed) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![now, source, version, total.added as i64, total.changed as i64, total.removed as i64],
        )
        .map_err(sql)?;
        tx.commit().map_err(sql)?;
        report.version = version;
        tracing::info!(version, source, added = total.added, changed = total.changed, removed = total.removed, "content applied");
        Ok(report)
    }
}

/// Writes the rows of one table that are new or changed and deletes the rows that are gone.
fn sync_table<T>(
    tx: &Transaction<'_>,
    table: &str,
    rows: &[Row<'_, T>],
    write: impl Fn(&Transaction<'_>, &Row<'_, T>) -> rusqlite::Result<usize>,
) -> rusqlite::Result<Changes> {
    let mut existing: HashMap<String, String> = HashMap::new();
    {
        let mut stmt = tx.prepare(&format!("SELECT id, hash FROM {table}"))?;
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
        tx.execute("DELETE FROM blob_refs WHERE owner = ?1", [row.id])?;
        for b in &row.blobs {
            tx.execute("INSERT OR IGNORE INTO blob_refs (owner, sha256) VALUES (?1, ?2)", params![row.id, b.sha256])?;
        }
    }
    for id in existing.keys() {
        tx.execute(&format!("DELETE FROM {table} WHERE id = ?1"), [id])?;
        crate::search::index::remove(tx, id)?;
        tx.execute("DELETE FROM blob_refs WHERE owner = ?1", [id])?;
        c.removed += 1;
    }
    Ok(c)
}
