//! The outbox: what leaves the kiosk (ratings with their messages, and the usage figures of
//! finished days) is sealed into immutable batches in one transaction, and a batch stays here
//! until the upload server has confirmed it. Sealing marks what it took, so nothing is sealed
//! twice; a batch's id is unique, so uploading it again after a crash overwrites the same file.

use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::{Deserialize, Serialize};

use super::visits::{DayStats, FeedbackEntry, Rating};
use super::{Store, StoreError};

/// The JSON a batch holds (format 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batch {
    pub format: u32,
    pub kiosk: String,
    pub batch: String,
    pub created: String,
    pub days: Vec<DayStats>,
    pub feedback: Vec<FeedbackEntry>,
}

/// The outbox id of the kiosk's status object (a batch id never looks like it).
pub const STATUS_ID: &str = "status";

/// A sealed batch waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub id: String,
    pub body: String,
}

/// A new batch id: the time and 64 random bits (never reused, even by kiosks sharing an id).
fn new_batch_id() -> String {
    let mut r = [0u8; 8];
    if getrandom::fill(&mut r).is_err() {
        r = (std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
            as u64)
            .to_le_bytes();
    }
    format!("{}-{}", chrono::Local::now().format("%Y%m%dT%H%M%S"), hex::encode(r))
}

impl Store {
    /// Seals every rating not yet sealed and the figures of every finished day (before `today`)
    /// not yet sealed into one batch in the outbox; returns its id, or None when there is
    /// nothing new.
    pub fn seal_batch(&mut self, kiosk: &str, today: &str) -> Result<Option<String>, StoreError> {
        let days: Vec<DayStats> = {
            let sealed: std::collections::HashSet<String> = {
                let mut stmt = self.sql(self.conn.prepare("SELECT day FROM batched_days"))?;
                let rows = self.sql(stmt.query_map([], |r| r.get::<_, String>(0)))?;
                self.sql(rows.collect::<Result<_, _>>())?
            };
            let before = chrono::NaiveDate::parse_from_str(today, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.pred_opt())
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_else(|| today.to_string());
            self.stats("0000-01-01", &before)?.into_iter().filter(|d| !sealed.contains(&d.day)).collect()
        };
        let path = self.path.clone();
        let sql = |e| StoreError::Sqlite { path: path.clone(), source: e };
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(sql)?;
        let feedback: Vec<(i64, FeedbackEntry)> = {
            let mut stmt = tx
                .prepare("SELECT id, at, rating, message FROM feedback WHERE uploaded = 0 ORDER BY id")
                .map_err(sql)?;
            let rows = stmt
                .query_map([], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, Option<String>>(3)?,
                    ))
                })
                .map_err(sql)?;
            let mut out = Vec::new();
            for row in rows {
                let (id, at, level, message) = row.map_err(sql)?;
                let rating = Rating::from_level(level).unwrap_or(Rating::Basic);
                out.push((id, FeedbackEntry { at, rating, message }));
            }
            out
        };
        if days.is_empty() && feedback.is_empty() {
            return Ok(None);
        }
        let id = new_batch_id();
        let created = chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string();
        let batch = Batch {
            format: 1,
            kiosk: kiosk.to_string(),
            batch: id.clone(),
            created: created.clone(),
            days: days.clone(),
            feedback: feedback.iter().map(|(_, f)| f.clone()).collect(),
        };
        let body = serde_json::to_string(&batch).expect("a batch serialises");
        tx.execute("INSERT INTO outbox (id, created, body) VALUES (?1, ?2, ?3)", params![id, created, body])
            .map_err(sql)?;
        for (fid, _) in &feedback {
            tx.execute("UPDATE feedback SET uploaded = 1 WHERE id = ?1", [fid]).map_err(sql)?;
        }
        for d in &days {
            tx.execute("INSERT INTO batched_days (day, batch) VALUES (?1, ?2)", params![d.day, id]).map_err(sql)?;
        }
        tx.commit().map_err(sql)?;
        Ok(Some(id))
    }

    /// Puts the kiosk's latest status object in the outbox, replacing one not yet sent (only the
    /// newest matters; it is uploaded as `status.json` next to the batches, overwriting the last).
    pub fn queue_status(&self, body: &str) -> Result<(), StoreError> {
        let created = chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string();
        self.sql(self.conn.execute(
            "INSERT INTO outbox (id, created, body) VALUES (?1, ?2, ?3)
             ON CONFLICT (id) DO UPDATE SET created = excluded.created, body = excluded.body",
            params![STATUS_ID, created, body],
        ))?;
        Ok(())
    }

    /// Removes the status the server has confirmed, unless a newer one replaced it meanwhile.
    pub fn confirm_status(&self, body: &str) -> Result<bool, StoreError> {
        let n = self.sql(self.conn.execute("DELETE FROM outbox WHERE id = ?1 AND body = ?2", [STATUS_ID, body]))?;
        Ok(n > 0)
    }

    /// The batches waiting to be uploaded, oldest first (the status object, if one waits, is
    /// among them under the id [`STATUS_ID`]).
    pub fn outbox(&self) -> Result<Vec<Outgoing>, StoreError> {
        let mut stmt = self.sql(self.conn.prepare("SELECT id, body FROM outbox ORDER BY created, id"))?;
        let rows = self.sql(stmt.query_map([], |r| Ok(Outgoing { id: r.get(0)?, body: r.get(1)? })))?;
        self.sql(rows.collect::<Result<_, _>>())
    }

    /// Removes a batch the server has confirmed.
    pub fn confirm_uploaded(&self, id: &str) -> Result<bool, StoreError> {
        let n = self.sql(self.conn.execute("DELETE FROM outbox WHERE id = ?1", [id]))?;
        Ok(n > 0)
    }

    /// When the oldest waiting batch was sealed (for the attendant).
    pub fn outbox_oldest(&self) -> Result<Option<String>, StoreError> {
        self.sql(
            self.conn
                .query_row("SELECT min(created) FROM outbox WHERE id <> ?1", [STATUS_ID], |r| {
                    r.get::<_, Option<String>>(0)
                })
                .optional(),
        )
        .map(Option::flatten)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::UsageEvent;

    #[test]
    fn sealing_takes_finished_days_and_new_ratings_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        assert_eq!(store.seal_batch("k1", "2026-11-22").unwrap(), None, "nothing yet");
        store.record_usage_on("2026-11-20", UsageEvent::Session).unwrap();
        store.record_usage_on("2026-11-21", UsageEvent::Search { found: false }).unwrap();
        store.record_usage_on("2026-11-22", UsageEvent::Session).unwrap();
        store.record_feedback(Rating::Satisfied, Some("很方便")).unwrap();
        let id = store.seal_batch("k1", "2026-11-22").unwrap().expect("a batch");
        let out = store.outbox().unwrap();
        assert_eq!(out.len(), 1);
        let b: Batch = serde_json::from_str(&out[0].body).unwrap();
        assert_eq!((b.kiosk.as_str(), b.batch.as_str()), ("k1", id.as_str()));
        assert_eq!(
            b.days.iter().map(|d| d.day.as_str()).collect::<Vec<_>>(),
            ["2026-11-20", "2026-11-21"],
            "today is not finished"
        );
        assert_eq!(b.feedback.len(), 1);
        assert_eq!(b.feedback[0].message.as_deref(), Some("很方便"));
        // nothing new: no second batch; the next day brings today's figures
        assert_eq!(store.seal_batch("k1", "2026-11-22").unwrap(), None);
        let next = store.seal_batch("k1", "2026-11-23").unwrap().expect("today's figures once finished");
        assert_ne!(next, id);
        assert!(store.confirm_uploaded(&id).unwrap());
        assert!(!store.confirm_uploaded(&id).unwrap());
        assert_eq!(store.outbox().unwrap().len(), 1);
    }
}
