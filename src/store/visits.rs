//! What visitors leave and do: 好差评 ratings with an optional message, and per-day usage counts
//! for the attendant's "today" panel and the statistics export.

use rusqlite::params;
use serde::Serialize;

use super::{Store, StoreError};

/// The five-level rating (好差评), best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Rating {
    VerySatisfied = 5,
    Satisfied = 4,
    Basic = 3,
    Dissatisfied = 2,
    VeryDissatisfied = 1,
}

impl Rating {
    pub const ALL: [Rating; 5] =
        [Rating::VerySatisfied, Rating::Satisfied, Rating::Basic, Rating::Dissatisfied, Rating::VeryDissatisfied];

    /// The official wording (非常满意 … 非常不满意).
    pub fn label(self) -> &'static str {
        match self {
            Rating::VerySatisfied => "非常满意",
            Rating::Satisfied => "满意",
            Rating::Basic => "基本满意",
            Rating::Dissatisfied => "不满意",
            Rating::VeryDissatisfied => "非常不满意",
        }
    }

    pub fn from_level(n: i64) -> Option<Self> {
        Rating::ALL.into_iter().find(|r| *r as i64 == n)
    }
}

/// Something a visitor did, counted per day. Never carries what they typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum UsageEvent {
    Session,
    OpenDocument,
    OpenGuide,
    OpenBoard,
    Search,
    Feedback,
    Print,
    Speech,
}

impl UsageEvent {
    pub const ALL: [UsageEvent; 8] = [
        UsageEvent::Session,
        UsageEvent::OpenDocument,
        UsageEvent::OpenGuide,
        UsageEvent::OpenBoard,
        UsageEvent::Search,
        UsageEvent::Feedback,
        UsageEvent::Print,
        UsageEvent::Speech,
    ];

    pub fn key(self) -> &'static str {
        match self {
            UsageEvent::Session => "session",
            UsageEvent::OpenDocument => "open-document",
            UsageEvent::OpenGuide => "open-guide",
            UsageEvent::OpenBoard => "open-board",
            UsageEvent::Search => "search",
            UsageEvent::Feedback => "feedback",
            UsageEvent::Print => "print",
            UsageEvent::Speech => "speech",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeedbackEntry {
    pub at: String,
    pub rating: Rating,
    pub message: Option<String>,
}

fn now() -> String {
    chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string()
}

fn today() -> String {
    chrono::Local::now().format("%Y-%m-%d").to_string()
}

impl Store {
    /// Stores a rating and its message (trimmed; an empty message is stored as none).
    pub fn record_feedback(&self, rating: Rating, message: Option<&str>) -> Result<(), StoreError> {
        let message = message.map(str::trim).filter(|m| !m.is_empty());
        self.sql(self.conn.execute(
            "INSERT INTO feedback (at, rating, message) VALUES (?1, ?2, ?3)",
            params![now(), rating as i64, message],
        ))?;
        self.record_usage(UsageEvent::Feedback)
    }

    pub fn feedback(&self, limit: usize) -> Result<Vec<FeedbackEntry>, StoreError> {
        let mut stmt = self.sql(self.conn.prepare("SELECT at, rating, message FROM feedback ORDER BY id DESC LIMIT ?1"))?;
        let rows = self.sql(stmt.query_map([limit as i64], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, Option<String>>(2)?))
        }))?;
        let mut out = Vec::new();
        for row in rows {
            let (at, level, message) = self.sql(row)?;
            let rating = Rating::from_level(level).ok_or_else(|| self.corrupt_row("feedback", format!("rating {level}")))?;
            out.push(FeedbackEntry { at, rating, message });
        }
        Ok(out)
    }

    pub fn record_usage(&self, event: UsageEvent) -> Result<(), StoreError> {
        self.sql(self.conn.execute(
            "INSERT INTO usage_counts (day, event, count) VALUES (?1, ?2, 1)
             ON CONFLICT (day, event) DO UPDATE SET count = count + 1",
            params![today(), event.key()],
        ))?;
        Ok(())
    }

    /// Today's count of every event (zero for the ones that did not happen).
    pub fn usage_today(&self) -> Result<Vec<(UsageEvent, u64)>, StoreError> {
        let day = today();
        UsageEvent::ALL
            .into_iter()
            .map(|e| {
                let n: i64 = self.sql(self.conn.query_row(
                    "SELECT coalesce(sum(count), 0) FROM usage_counts WHERE day = ?1 AND event = ?2",
                    params![day, e.key()],
                    |r| r.get(0),
                ))?;
                Ok((e, n as u64))
            })
            .collect()
    }

    /// Text to build the pinyin keyboard's vocabulary from, with weights: every title, guide
    /// name and FAQ question (the newest `max_titles` documents), and the bodies of the newest
    /// `max_bodies` documents.
    pub fn lexicon_texts(&self, max_titles: usize, max_bodies: usize) -> Result<Vec<(String, u32)>, StoreError> {
        let mut out = Vec::new();
        let mut push_all = |sql: &str, limit: i64, weight: u32, body: bool| -> Result<(), StoreError> {
            let mut stmt = self.sql(self.conn.prepare(sql))?;
            let rows = self.sql(stmt.query_map([limit], |r| r.get::<_, String>(0)))?;
            for row in rows {
                let text = self.sql(row)?;
                if body {
                    let doc: crate::content::Document =
                        serde_json::from_str(&text).map_err(|e| self.corrupt_row("documents", e))?;
                    out.push((crate::content::markdown::plain_text(&doc.body), weight));
                } else {
                    out.push((text, weight));
                }
            }
            Ok(())
        };
        push_all("SELECT title FROM documents ORDER BY published DESC LIMIT ?1", max_titles as i64, 3, false)?;
        push_all("SELECT data FROM documents ORDER BY published DESC LIMIT ?1", max_bodies as i64, 1, true)?;
        push_all("SELECT name FROM guides LIMIT ?1", i64::MAX, 3, false)?;
        push_all("SELECT json_extract(data, '$.question') FROM faqs LIMIT ?1", i64::MAX, 3, false)?;
        Ok(out)
    }

    fn corrupt_row(&self, table: &str, reason: impl std::fmt::Display) -> StoreError {
        StoreError::Corrupt { path: self.path.clone(), id: table.to_string(), reason: reason.to_string() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feedback_and_usage_are_kept_and_counted() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.record_feedback(Rating::Satisfied, Some("  打印机没纸了  ")).unwrap();
        store.record_feedback(Rating::VeryDissatisfied, Some("   ")).unwrap();
        let f = store.feedback(10).unwrap();
        assert_eq!(f.len(), 2);
        assert_eq!((f[0].rating, f[0].message.as_deref()), (Rating::VeryDissatisfied, None));
        assert_eq!(f[1].message.as_deref(), Some("打印机没纸了"));
        store.record_usage(UsageEvent::Search).unwrap();
        store.record_usage(UsageEvent::Search).unwrap();
        let today = store.usage_today().unwrap();
        assert!(today.contains(&(UsageEvent::Search, 2)));
        assert!(today.contains(&(UsageEvent::Feedback, 2)));
        assert!(today.contains(&(UsageEvent::Print, 0)));
    }
}
