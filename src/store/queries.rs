//! Read queries for what the screens and the CLI show.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Row, ToSql, params_from_iter};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{Store, StoreError};
use crate::content::{Board, DocKind, Document, Faq, Guide, Site, Validity};

/// A document as a list row shows it: title, 发文字号, date, validity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocSummary {
    pub id: String,
    pub title: String,
    pub kind: DocKind,
    pub doc_no: Option<String>,
    pub publisher: String,
    pub published: NaiveDate,
    pub validity: Validity,
    pub area: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GuideSummary {
    pub id: String,
    pub name: String,
    pub area: Option<String>,
    pub disclosure_request: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BoardSummary {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub documents: u64,
    pub interpretations: u64,
    pub in_force: u64,
    pub guides: u64,
    pub boards: u64,
    pub faqs: u64,
}

/// The live content snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SnapshotInfo {
    pub version: i64,
    pub source: String,
    pub content_hash: String,
    pub applied_at: String,
    /// Date of the newest document: "content as of".
    pub newest_document: Option<NaiveDate>,
}

/// Ways to group the catalogue (公开目录).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Facet {
    /// 主题分类 (full path; see [`Store::category_tree`] for the tree).
    Category,
    /// One of the 26 key areas.
    Area,
    Publisher,
    Year,
    Kind,
    Validity,
}

impl Facet {
    /// The facet's name, which is also its column in `documents`.
    pub fn key(self) -> &'static str {
        match self {
            Facet::Category => "category",
            Facet::Area => "area",
            Facet::Publisher => "publisher",
            Facet::Year => "year",
            Facet::Kind => "kind",
            Facet::Validity => "validity",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "category" | "主题分类" => Facet::Category,
            "area" | "重点领域" => Facet::Area,
            "publisher" | "发布机构" => Facet::Publisher,
            "year" | "年份" => Facet::Year,
            "kind" | "类别" => Facet::Kind,
            "validity" | "有效性" => Facet::Validity,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetCount {
    /// The stored value (for kind and validity: the key, e.g. `policy`).
    pub value: String,
    pub count: u64,
}

/// A node of the 主题分类 tree; `count` includes the documents of all children.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryNode {
    pub name: String,
    /// Full path, levels joined by `\`.
    pub path: String,
    pub count: u64,
    pub children: Vec<CategoryNode>,
}

/// Narrows a document list. Empty filter = every document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocFilter {
    pub kind: Option<DocKind>,
    pub area: Option<String>,
    pub publisher: Option<String>,
    pub year: Option<i32>,
    /// A 主题分类 path; matches it and everything below it.
    pub category: Option<String>,
    pub validity: Option<Validity>,
}

impl DocFilter {
    /// The SQL `WHERE` clause (empty when nothing is narrowed) over `documents`, and its
    /// arguments in order.
    pub(crate) fn where_clause(&self) -> (String, Vec<Box<dyn ToSql>>) {
        let mut parts: Vec<&str> = Vec::new();
        let mut args: Vec<Box<dyn ToSql>> = Vec::new();
        if let Some(k) = self.kind {
            parts.push("kind = ?");
            args.push(Box::new(k.key()));
        }
        if let Some(a) = &self.area {
            parts.push("area = ?");
            args.push(Box::new(a.clone()));
        }
        if let Some(p) = &self.publisher {
            parts.push("publisher = ?");
            args.push(Box::new(p.clone()));
        }
        if let Some(y) = self.year {
            parts.push("year = ?");
            args.push(Box::new(y));
        }
        if let Some(c) = &self.category {
            parts.push("(category = ? OR substr(category, 1, ?) = ?)");
            let prefix = format!("{c}\\");
            args.push(Box::new(c.clone()));
            args.push(Box::new(prefix.chars().count() as i64));
            args.push(Box::new(prefix));
        }
        if let Some(v) = self.validity {
            parts.push("validity = ?");
            args.push(Box::new(v.key()));
        }
        let clause = if parts.is_empty() { String::new() } else { format!("WHERE {}", parts.join(" AND ")) };
        (clause, args)
    }
}

/// Any item, by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "item", rename_all = "kebab-case")]
pub enum Item {
    Document(Document),
    Guide(Guide),
    Board(Board),
    Faq(Faq),
}

const SUMMARY_COLUMNS: &str = "id, title, kind, doc_no, publisher, published, validity, area";

impl Store {
    fn corrupt(&self, id: &str, reason: impl std::fmt::Display) -> StoreError {
        StoreError::Corrupt { path: self.path.clone(), id: id.to_string(), reason: reason.to_string() }
    }

    fn summary(&self, r: &Row<'_>) -> rusqlite::Result<Result<DocSummary, StoreError>> {
        let id: String = r.get(0)?;
        let kind: String = r.get(2)?;
        let published: String = r.get(5)?;
        let validity: String = r.get(6)?;
        let (Some(kind), Some(published), Some(validity)) =
            (DocKind::parse(&kind), NaiveDate::parse_from_str(&published, "%Y-%m-%d").ok(), Validity::parse(&validity))
        else {
            return Ok(Err(self.corrupt(&id, "unknown kind, date or validity")));
        };
        Ok(Ok(DocSummary {
            id,
            title: r.get(1)?,
            kind,
            doc_no: r.get(3)?,
            publisher: r.get(4)?,
            published,
            validity,
            area: r.get(7)?,
        }))
    }

    fn summaries(&self, sql: &str, args: &[&dyn ToSql]) -> Result<Vec<DocSummary>, StoreError> {
        let mut stmt = self.sql(self.conn.prepare_cached(sql))?;
        let rows = self.sql(stmt.query_map(args, |r| self.summary(r)))?;
        let mut out = Vec::new();
        for row in rows {
            out.push(self.sql(row)??);
        }
        Ok(out)
    }

    fn data<T: DeserializeOwned>(&self, table: &str, id: &str) -> Result<Option<T>, StoreError> {
        let json: Option<String> = self.sql(
            self.conn.query_row(&format!("SELECT data FROM {table} WHERE id = ?1"), [id], |r| r.get(0)).optional(),
        )?;
        json.map(|j| serde_json::from_str(&j).map_err(|e| self.corrupt(id, e))).transpose()
    }

    fn all_data<T: DeserializeOwned>(&self, sql: &str, args: &[&dyn ToSql]) -> Result<Vec<T>, StoreError> {
        let mut stmt = self.sql(self.conn.prepare_cached(sql))?;
        let rows = self.sql(stmt.query_map(args, |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, json) = self.sql(row)?;
            out.push(serde_json::from_str(&json).map_err(|e| self.corrupt(&id, e))?);
        }
        Ok(out)
    }

    /// The live snapshot, or `None` before the first import.
    pub fn snapshot(&self) -> Result<Option<SnapshotInfo>, StoreError> {
        let row: Option<(i64, String, String, String)> = self.sql(
            self.conn
                .query_row("SELECT version, source, content_hash, applied_at FROM snapshot WHERE id = 1", [], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })
                .optional(),
        )?;
        let Some((version, source, content_hash, applied_at)) = row else { return Ok(None) };
        let newest: Option<String> =
            self.sql(self.conn.query_row("SELECT max(published) FROM documents", [], |r| r.get(0)))?;
        Ok(Some(SnapshotInfo {
            version,
            source,
            content_hash,
            applied_at,
            newest_document: newest.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
        }))
    }

    pub fn site(&self) -> Result<Option<Site>, StoreError> {
        let json: Option<String> =
            self.sql(self.conn.query_row("SELECT data FROM site WHERE id = 1", [], |r| r.get(0)).optional())?;
        json.map(|j| serde_json::from_str(&j).map_err(|e| self.corrupt("site", e))).transpose()
    }

    pub fn counts(&self) -> Result<Counts, StoreError> {
        let counts = |r: &Row<'_>| -> rusqlite::Result<Counts> {
            let n = |i| r.get::<_, i64>(i).map(|v| v.max(0) as u64);
            Ok(Counts {
                documents: n(0)?,
                interpretations: n(1)?,
                in_force: n(2)?,
                guides: n(3)?,
                boards: n(4)?,
                faqs: n(5)?,
            })
        };
        // kept by every apply beside the snapshot (one row, not 500,000 counted)
        let kept = self.sql(
            self.conn
                .query_row(
                    "SELECT documents, interpretations, in_force, guides, boards, faqs FROM snapshot_counts WHERE id = 1",
                    [],
                    counts,
                )
                .optional(),
        )?;
        match kept {
            Some(c) => Ok(c),
            None => self.sql(self.conn.query_row(super::schema::COUNT_CONTENT, [], counts)),
        }
    }

    /// The newest documents first.
    pub fn latest(&self, limit: usize) -> Result<Vec<DocSummary>, StoreError> {
        self.documents(&DocFilter::default(), limit, 0)
    }

    /// Documents matching `filter`, newest first.
    pub fn documents(&self, filter: &DocFilter, limit: usize, offset: usize) -> Result<Vec<DocSummary>, StoreError> {
        let (clause, mut args) = filter.where_clause();
        args.push(Box::new(limit.min(i64::MAX as usize) as i64));
        args.push(Box::new(offset.min(i64::MAX as usize) as i64));
        let sql =
            format!("SELECT {SUMMARY_COLUMNS} FROM documents {clause} ORDER BY published DESC, id LIMIT ? OFFSET ?");
        let mut stmt = self.sql(self.conn.prepare_cached(&sql))?;
        let rows = self.sql(stmt.query_map(params_from_iter(args.iter()), |r| self.summary(r)))?;
        let mut out = Vec::new();
        for row in rows {
            out.push(self.sql(row)??);
        }
        Ok(out)
    }

    pub fn count_documents(&self, filter: &DocFilter) -> Result<u64, StoreError> {
        let (clause, args) = filter.where_clause();
        let sql = format!("SELECT count(*) FROM documents {clause}");
        self.sql(self.conn.query_row(&sql, params_from_iter(args.iter()), |r| r.get::<_, i64>(0))).map(|n| n as u64)
    }

    /// Counts per value of one facet, most frequent first (years newest first).
    pub fn facet(&self, facet: Facet, filter: &DocFilter) -> Result<Vec<FacetCount>, StoreError> {
        let col = facet.key();
        let (clause, args) = filter.where_clause();
        let extra = if clause.is_empty() {
            format!("WHERE {col} IS NOT NULL")
        } else {
            format!("{clause} AND {col} IS NOT NULL")
        };
        let order = if facet == Facet::Year { "value DESC" } else { "n DESC, value" };
        let sql = format!(
            "SELECT CAST({col} AS TEXT) AS value, count(*) AS n FROM documents {extra} GROUP BY {col} ORDER BY {order}"
        );
        let mut stmt = self.sql(self.conn.prepare_cached(&sql))?;
        let rows = self.sql(stmt.query_map(params_from_iter(args.iter()), |r| {
            Ok(FacetCount { value: r.get(0)?, count: r.get::<_, i64>(1)? as u64 })
        }))?;
        rows.map(|r| self.sql(r)).collect()
    }

    /// The 主题分类 tree with counts that include every level below.
    pub fn category_tree(&self) -> Result<Vec<CategoryNode>, StoreError> {
        let mut roots: Vec<CategoryNode> = Vec::new();
        for fc in self.facet(Facet::Category, &DocFilter::default())? {
            let mut level = &mut roots;
            let mut path = String::new();
            for name in fc.value.split('\\').map(str::trim).filter(|s| !s.is_empty()) {
                if !path.is_empty() {
                    path.push('\\');
                }
                path.push_str(name);
                let idx = match level.iter().position(|n| n.name == name) {
                    Some(i) => i,
                    None => {
                        level.push(CategoryNode {
                            name: name.to_string(),
                            path: path.clone(),
                            count: 0,
                            children: Vec::new(),
                        });
                        level.len() - 1
                    }
                };
                level[idx].count += fc.count;
                level = &mut level[idx].children;
            }
        }
        fn sort(nodes: &mut [CategoryNode]) {
            nodes.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
            for n in nodes {
                sort(&mut n.children);
            }
        }
        sort(&mut roots);
        Ok(roots)
    }

    pub fn document(&self, id: &str) -> Result<Option<Document>, StoreError> {
        self.data("documents", id)
    }

    /// The interpretations of a policy, newest first.
    pub fn interpretations_of(&self, policy_id: &str) -> Result<Vec<DocSummary>, StoreError> {
        self.summaries(
            &format!("SELECT {SUMMARY_COLUMNS} FROM documents WHERE interprets = ?1 ORDER BY published DESC, id"),
            &[&policy_id],
        )
    }

    /// The policy an interpretation explains.
    pub fn policy_of(&self, interpretation_id: &str) -> Result<Option<DocSummary>, StoreError> {
        let mut v = self.summaries(
            &format!(
                "SELECT {SUMMARY_COLUMNS} FROM documents WHERE id = (SELECT interprets FROM documents WHERE id = ?1)"
            ),
            &[&interpretation_id],
        )?;
        Ok(v.pop())
    }

    pub fn guides(&self) -> Result<Vec<GuideSummary>, StoreError> {
        let mut stmt = self.sql(self.conn.prepare_cached(
            "SELECT id, name, area, disclosure_request FROM guides ORDER BY disclosure_request DESC, name",
        ))?;
        let rows = self.sql(stmt.query_map([], |r| {
            Ok(GuideSummary { id: r.get(0)?, name: r.get(1)?, area: r.get(2)?, disclosure_request: r.get(3)? })
        }))?;
        rows.map(|r| self.sql(r)).collect()
    }

    pub fn guide(&self, id: &str) -> Result<Option<Guide>, StoreError> {
        self.data("guides", id)
    }

    /// The 依申请公开 guide, if the content has one.
    pub fn disclosure_request_guide(&self) -> Result<Option<Guide>, StoreError> {
        let id: Option<String> = self.sql(
            self.conn
                .query_row("SELECT id FROM guides WHERE disclosure_request = 1 ORDER BY id LIMIT 1", [], |r| r.get(0))
                .optional(),
        )?;
        match id {
            Some(id) => self.guide(&id),
            None => Ok(None),
        }
    }

    pub fn boards(&self) -> Result<Vec<BoardSummary>, StoreError> {
        let mut stmt = self.sql(self.conn.prepare_cached("SELECT id, title FROM boards ORDER BY id"))?;
        let rows = self.sql(stmt.query_map([], |r| Ok(BoardSummary { id: r.get(0)?, title: r.get(1)? })))?;
        rows.map(|r| self.sql(r)).collect()
    }

    pub fn board(&self, id: &str) -> Result<Option<Board>, StoreError> {
        self.data("boards", id)
    }

    /// Policy Q&A, optionally of one key area.
    /// The address a board item's QR code carries: its URL, or the online address of the
    /// document or guide it names (None when that has none).
    pub fn board_target_url(&self, target: &crate::content::BoardTarget) -> Result<Option<String>, StoreError> {
        use crate::content::BoardTarget;
        Ok(match target {
            BoardTarget::Url(u) => Some(u.clone()),
            BoardTarget::Document(id) => self.document(id)?.and_then(|d| d.url),
            BoardTarget::Guide(id) => self.guide(id)?.and_then(|g| g.online_url),
        })
    }

    pub fn faqs(&self, area: Option<&str>) -> Result<Vec<Faq>, StoreError> {
        match area {
            Some(a) => self.all_data("SELECT id, data FROM faqs WHERE area = ?1 ORDER BY id", &[&a]),
            None => self.all_data("SELECT id, data FROM faqs ORDER BY id", &[]),
        }
    }

    pub fn faq(&self, id: &str) -> Result<Option<Faq>, StoreError> {
        self.data("faqs", id)
    }

    /// Any item by id (ids are unique across kinds).
    pub fn item(&self, id: &str) -> Result<Option<Item>, StoreError> {
        if let Some(d) = self.document(id)? {
            return Ok(Some(Item::Document(d)));
        }
        if let Some(g) = self.guide(id)? {
            return Ok(Some(Item::Guide(g)));
        }
        if let Some(b) = self.board(id)? {
            return Ok(Some(Item::Board(b)));
        }
        Ok(self.faq(id)?.map(Item::Faq))
    }
}
