//! What visitors leave and do: 好差评 ratings with an optional message, and per-day usage counts
//! for the attendant's "today" panel and the statistics export.

use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::{Store, StoreError};

/// The five-level rating (好差评), best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

/// Something a visitor did, counted per day with a detail (which screen, document, layout,
/// applicant type or rating). Never carries what they typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum UsageEvent {
    /// A visitor's first touch after a reset.
    Session,
    /// A screen opened (its name, e.g. `catalogue`).
    Screen(&'static str),
    /// A document, guide or 码上公开 board opened (its id).
    Document(String),
    Guide(String),
    Board(String),
    /// A full search, and whether it found anything.
    Search {
        found: bool,
    },
    /// A print that came out: its layout and pages.
    Print {
        layout: &'static str,
        pages: u32,
    },
    /// A request form filled in on the screen and printed, by applicant type.
    Request {
        organisation: bool,
        on_behalf: bool,
    },
    Rating(Rating),
    Speech,
}

impl UsageEvent {
    /// The rows this event adds to: (event, detail, amount).
    fn rows(&self) -> Vec<(&'static str, String, u64)> {
        match self {
            UsageEvent::Session => vec![("session", String::new(), 1)],
            UsageEvent::Screen(s) => vec![("screen", s.to_string(), 1)],
            UsageEvent::Document(id) => vec![("document", id.clone(), 1)],
            UsageEvent::Guide(id) => vec![("guide", id.clone(), 1)],
            UsageEvent::Board(id) => vec![("board", id.clone(), 1)],
            UsageEvent::Search { found: true } => vec![("search", String::new(), 1)],
            UsageEvent::Search { found: false } => {
                vec![("search", String::new(), 1), ("search-zero", String::new(), 1)]
            }
            UsageEvent::Print { layout, pages } => {
                vec![("print", layout.to_string(), 1), ("print-pages", layout.to_string(), u64::from(*pages))]
            }
            UsageEvent::Request { organisation, on_behalf } => {
                let mut v = vec![("request", if *organisation { "organisation" } else { "citizen" }.to_string(), 1)];
                if *on_behalf {
                    v.push(("request-on-behalf", String::new(), 1));
                }
                v
            }
            UsageEvent::Rating(r) => vec![("rating", (*r as i64).to_string(), 1)],
            UsageEvent::Speech => vec![("speech", String::new(), 1)],
        }
    }
}

/// One day's usage, as the attendant panel and `gongkai-kiosk stats` show it. The request
/// columns follow the 政府信息公开工作年度报告's applicant categories (自然人 / 法人或其他组织).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayStats {
    pub day: String,
    pub sessions: u64,
    pub screens: u64,
    pub documents: u64,
    pub guides: u64,
    pub boards: u64,
    pub searches: u64,
    pub zero_result_searches: u64,
    pub prints: u64,
    pub pages: u64,
    /// Prints by layout (request-form-blank, guide, document, poster-a4 …): (layout, prints, pages).
    pub by_layout: Vec<(String, u64, u64)>,
    pub requests_citizen: u64,
    pub requests_organisation: u64,
    pub requests_on_behalf: u64,
    /// Ratings from 非常满意 (index 0) to 非常不满意 (index 4).
    pub ratings: [u64; 5],
    pub speech: u64,
}

impl DayStats {
    /// Adds another day's (or kiosk's) figures to these.
    pub fn add(&mut self, o: &DayStats) {
        self.sessions += o.sessions;
        self.screens += o.screens;
        self.documents += o.documents;
        self.guides += o.guides;
        self.boards += o.boards;
        self.searches += o.searches;
        self.zero_result_searches += o.zero_result_searches;
        self.prints += o.prints;
        self.pages += o.pages;
        for (layout, n, p) in &o.by_layout {
            match self.by_layout.iter_mut().find(|(l, ..)| l == layout) {
                Some(row) => {
                    row.1 += n;
                    row.2 += p;
                }
                None => self.by_layout.push((layout.clone(), *n, *p)),
            }
        }
        self.by_layout.sort();
        self.requests_citizen += o.requests_citizen;
        self.requests_organisation += o.requests_organisation;
        self.requests_on_behalf += o.requests_on_behalf;
        for i in 0..5 {
            self.ratings[i] += o.ratings[i];
        }
        self.speech += o.speech;
    }

    /// The CSV header (Chinese, as an office files it).
    pub const CSV_HEADER: &'static str = "日期,访客人次,页面浏览,文件查阅,指南查阅,码上公开查阅,搜索次数,无结果搜索,打印份数,打印页数,申请表打印_自然人,申请表打印_法人或其他组织,申请表打印_总计,其中代为填写,评价_非常满意,评价_满意,评价_基本满意,评价_不满意,评价_非常不满意,语音朗读";

    pub fn csv_row(&self) -> String {
        let mut cols = vec![
            self.day.clone(),
            self.sessions.to_string(),
            self.screens.to_string(),
            self.documents.to_string(),
            self.guides.to_string(),
            self.boards.to_string(),
            self.searches.to_string(),
            self.zero_result_searches.to_string(),
            self.prints.to_string(),
            self.pages.to_string(),
            self.requests_citizen.to_string(),
            self.requests_organisation.to_string(),
            (self.requests_citizen + self.requests_organisation).to_string(),
            self.requests_on_behalf.to_string(),
        ];
        cols.extend(self.ratings.iter().map(u64::to_string));
        cols.push(self.speech.to_string());
        cols.join(",")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
        self.record_usage(UsageEvent::Rating(rating))
    }

    pub fn feedback(&self, limit: usize) -> Result<Vec<FeedbackEntry>, StoreError> {
        let mut stmt =
            self.sql(self.conn.prepare("SELECT at, rating, message FROM feedback ORDER BY id DESC LIMIT ?1"))?;
        let rows = self.sql(stmt.query_map([limit as i64], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, Option<String>>(2)?))
        }))?;
        let mut out = Vec::new();
        for row in rows {
            let (at, level, message) = self.sql(row)?;
            let rating =
                Rating::from_level(level).ok_or_else(|| self.corrupt_row("feedback", format!("rating {level}")))?;
            out.push(FeedbackEntry { at, rating, message });
        }
        Ok(out)
    }

    pub fn record_usage(&self, event: UsageEvent) -> Result<(), StoreError> {
        self.record_usage_on(&today(), event)
    }

    /// Counts an event on a given day (YYYY-MM-DD): the kiosk uses today; tests and imports of
    /// older figures use others.
    pub fn record_usage_on(&self, day: &str, event: UsageEvent) -> Result<(), StoreError> {
        for (name, detail, n) in event.rows() {
            self.sql(self.conn.execute(
                "INSERT INTO usage (day, event, detail, count) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (day, event, detail) DO UPDATE SET count = count + excluded.count",
                params![day, name, detail, n as i64],
            ))?;
        }
        Ok(())
    }

    /// Usage per day from `from` to `to` (inclusive, YYYY-MM-DD), days with no activity left out.
    pub fn stats(&self, from: &str, to: &str) -> Result<Vec<DayStats>, StoreError> {
        let mut stmt = self.sql(self.conn.prepare(
            "SELECT day, event, detail, count FROM usage WHERE day BETWEEN ?1 AND ?2 ORDER BY day, event, detail",
        ))?;
        let rows = self.sql(stmt.query_map(params![from, to], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, i64>(3)?))
        }))?;
        let mut days: Vec<DayStats> = Vec::new();
        for row in rows {
            let (day, event, detail, n) = self.sql(row)?;
            let n = n.max(0) as u64;
            if days.last().is_none_or(|d| d.day != day) {
                days.push(DayStats { day: day.clone(), ..DayStats::default() });
            }
            let d = days.last_mut().expect("pushed above");
            match event.as_str() {
                "session" => d.sessions += n,
                "screen" => d.screens += n,
                "document" => d.documents += n,
                "guide" => d.guides += n,
                "board" => d.boards += n,
                "search" => d.searches += n,
                "search-zero" => d.zero_result_searches += n,
                "print" | "print-pages" => {
                    let pages = event == "print-pages";
                    if pages {
                        d.pages += n
                    } else {
                        d.prints += n
                    }
                    let row = match d.by_layout.iter_mut().position(|(l, ..)| *l == detail) {
                        Some(i) => &mut d.by_layout[i],
                        None => {
                            d.by_layout.push((detail.clone(), 0, 0));
                            d.by_layout.last_mut().expect("pushed")
                        }
                    };
                    if pages { row.2 += n } else { row.1 += n }
                }
                "request" if detail == "organisation" => d.requests_organisation += n,
                "request" => d.requests_citizen += n,
                "request-on-behalf" => d.requests_on_behalf += n,
                "rating" => {
                    if let Some(r) = detail.parse::<i64>().ok().and_then(Rating::from_level) {
                        d.ratings[5 - r as usize] += n;
                    }
                }
                "speech" => d.speech += n,
                _ => {}
            }
        }
        Ok(days)
    }

    /// Today's usage (all zero before the first visitor).
    pub fn usage_today(&self) -> Result<DayStats, StoreError> {
        let day = today();
        Ok(self.stats(&day, &day)?.pop().unwrap_or(DayStats { day, ..DayStats::default() }))
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

    /// The publishers' own terms for the keyboard: the keywords (主题词) of the newest documents,
    /// at most `max`, most used first.
    pub fn lexicon_terms(&self, max: usize) -> Result<Vec<(String, u32)>, StoreError> {
        let mut stmt = self.sql(self.conn.prepare(
            "SELECT k.value, count(*) FROM
                 (SELECT data FROM documents ORDER BY published DESC LIMIT 20000) d, json_each(d.data, '$.keywords') k
             WHERE k.type = 'text' GROUP BY k.value ORDER BY count(*) DESC, k.value LIMIT ?1",
        ))?;
        let rows = self.sql(stmt.query_map([max as i64], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?))))?;
        rows.map(|r| self.sql(r)).collect()
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
        store.record_usage(UsageEvent::Search { found: true }).unwrap();
        store.record_usage(UsageEvent::Search { found: false }).unwrap();
        store.record_usage(UsageEvent::Print { layout: "document", pages: 3 }).unwrap();
        store.record_usage(UsageEvent::Print { layout: "document", pages: 2 }).unwrap();
        store.record_usage(UsageEvent::Print { layout: "request-form", pages: 1 }).unwrap();
        store.record_usage(UsageEvent::Request { organisation: false, on_behalf: true }).unwrap();
        store.record_usage(UsageEvent::Document("wc-zc-2024-lnzc".into())).unwrap();
        let today = store.usage_today().unwrap();
        assert_eq!((today.searches, today.zero_result_searches), (2, 1));
        assert_eq!((today.prints, today.pages), (3, 6));
        assert_eq!(today.by_layout, vec![("document".to_string(), 2, 5), ("request-form".to_string(), 1, 1)]);
        assert_eq!((today.requests_citizen, today.requests_organisation, today.requests_on_behalf), (1, 0, 1));
        assert_eq!(today.ratings, [0, 1, 0, 0, 1]);
        assert_eq!(today.documents, 1);
        let row = today.csv_row();
        assert_eq!(row.split(',').count(), DayStats::CSV_HEADER.split(',').count());
        assert!(row.ends_with(",1,0,0,2,1,3,6,1,0,1,1,0,1,0,0,1,0"), "{row}");
    }
}
