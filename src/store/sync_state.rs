//! What sync reads and records in the store: the pack the live content came from, the hashes
//! of the items held, and the history of sync attempts (for attendant mode and `status`).

use std::collections::HashSet;

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::apply::table_of;
use super::{PackState, Store, StoreError};
use crate::content::ItemKind;

/// One sync attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncRecord {
    pub at: String,
    pub source: String,
    /// `updated`, `unchanged` or `failed`.
    pub outcome: String,
    pub detail: String,
    pub files: u64,
    pub bytes: u64,
}

/// Keep this many sync records.
const SYNC_LOG_KEEP: i64 = 1000;

impl Store {
    /// The pack the live content came from, for `status` and the metrics: a record that cannot
    /// be read counts as none, with a warning (sync reads it with [`Store::checked_pack_state`]).
    pub fn pack_state(&self) -> Result<Option<PackState>, StoreError> {
        match self.checked_pack_state() {
            Err(StoreError::PackStateUnreadable { reason, .. }) => {
                tracing::warn!(reason, "the pack state cannot be read; sync refuses until it is mended");
                Ok(None)
            }
            other => other,
        }
    }

    /// The pack state, or [`StoreError::PackStateUnreadable`] when its record cannot be read:
    /// what sync uses, since reading it as "none" would forget the version floor.
    pub fn checked_pack_state(&self) -> Result<Option<PackState>, StoreError> {
        let json: Option<String> =
            self.sql(self.conn.query_row("SELECT data FROM pack_state WHERE id = 1", [], |r| r.get(0)).optional())?;
        json.map(|j| serde_json::from_str(&j))
            .transpose()
            .map_err(|e| StoreError::PackStateUnreadable { path: self.path.clone(), reason: e.to_string() })
    }

    /// Records a new ETag for the pack already applied (its manifest came again, unchanged).
    pub fn set_pack_etag(&self, etag: Option<&str>) -> Result<(), StoreError> {
        if let Some(mut p) = self.pack_state()? {
            p.etag = etag.map(str::to_string);
            self.sql(self.conn.execute(
                "UPDATE pack_state SET data = ?1 WHERE id = 1",
                [serde_json::to_string(&p).expect("serializes")],
            ))?;
        }
        Ok(())
    }

    /// Records the keys that signed the live pack in a state written before keys were recorded
    /// (its manifest came again, unchanged, and verified with them).
    pub fn record_pack_signers(&self, signers: &[String]) -> Result<(), StoreError> {
        if let Some(mut p) = self.pack_state()? {
            p.record_signers(signers);
            self.sql(self.conn.execute(
                "UPDATE pack_state SET data = ?1 WHERE id = 1",
                [serde_json::to_string(&p).expect("serializes")],
            ))?;
        }
        Ok(())
    }

    /// The hash of the site record (the sha256 of its file in a pack).
    pub fn site_hash(&self) -> Result<Option<String>, StoreError> {
        self.sql(self.conn.query_row("SELECT hash FROM site WHERE id = 1", [], |r| r.get(0)).optional())
    }

    /// Every item the store holds: (table, id, hash).
    pub fn item_hashes(&self) -> Result<Vec<(ItemKind, String, String)>, StoreError> {
        let mut out = Vec::new();
        for t in ItemKind::ALL {
            let mut stmt = self.sql(self.conn.prepare(&format!("SELECT id, hash FROM {}", table_of(t))))?;
            let rows = self.sql(stmt.query_map([], |r| Ok((t, r.get(0)?, r.get(1)?))))?;
            for r in rows {
                out.push(self.sql(r)?);
            }
        }
        Ok(out)
    }

    /// The sha256 of every media file the live content refers to.
    pub fn referenced_blobs(&self) -> Result<HashSet<String>, StoreError> {
        let mut stmt = self.sql(self.conn.prepare("SELECT DISTINCT sha256 FROM blob_refs"))?;
        let rows = self.sql(stmt.query_map([], |r| r.get(0)))?;
        rows.collect::<rusqlite::Result<_>>().map_err(|e| StoreError::Sqlite { path: self.path.clone(), source: e })
    }

    /// Deletes media files no item refers to any more (run before a sync, never during one, so
    /// the previous snapshot keeps its files until the new one is live).
    pub fn collect_garbage(&self) -> Result<usize, StoreError> {
        let keep = self.referenced_blobs()?;
        self.sql(self.conn.execute("DELETE FROM blobs WHERE sha256 NOT IN (SELECT sha256 FROM blob_refs)", []))?;
        Ok(self.blobs.collect_garbage(&keep))
    }

    pub fn record_sync(&self, r: &SyncRecord) -> Result<(), StoreError> {
        self.sql(self.conn.execute(
            "INSERT INTO sync_log (at, source, outcome, detail, files, bytes) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![r.at, r.source, r.outcome, r.detail, r.files as i64, r.bytes as i64],
        ))?;
        self.sql(
            self.conn.execute("DELETE FROM sync_log WHERE id <= (SELECT max(id) FROM sync_log) - ?1", [SYNC_LOG_KEEP]),
        )?;
        Ok(())
    }

    /// The latest sync attempts, newest first.
    pub fn sync_history(&self, limit: usize) -> Result<Vec<SyncRecord>, StoreError> {
        let mut stmt = self.sql(
            self.conn
                .prepare("SELECT at, source, outcome, detail, files, bytes FROM sync_log ORDER BY id DESC LIMIT ?1"),
        )?;
        let rows = self.sql(stmt.query_map([limit as i64], |r| {
            Ok(SyncRecord {
                at: r.get(0)?,
                source: r.get(1)?,
                outcome: r.get(2)?,
                detail: r.get(3)?,
                files: r.get::<_, i64>(4)? as u64,
                bytes: r.get::<_, i64>(5)? as u64,
            })
        }))?;
        rows.collect::<rusqlite::Result<_>>().map_err(|e| StoreError::Sqlite { path: self.path.clone(), source: e })
    }
}
