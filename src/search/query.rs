//! Running searches: instant results while typing, ranked full results with filters and counts,
//! snippets highlighted in the original characters, and suggestions when nothing is found.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use chrono::Datelike;
use serde::Serialize;

use super::facets::{FacetCounts, FacetIndex, SearchFilter};
use super::matching::{Matches, items_holding, matching_all, matching_any};
use super::pinyin_index::PinyinIndex;
use super::title_rank::TitleLengths;
use crate::content::{DocKind, ItemKind, Validity};
use crate::store::{
    DocBitmap, DocFilter, IndexTable, Store, StoreError, attachment_texts, body_rank, document_own_text, faq_text,
    guide_text,
};
use crate::text::fold::{fold, fold_str, is_cjk};
use crate::text::pinyin::{self, pinyin_query};
use crate::text::tokens::{Term, fts_query, term_query, terms};

/// A text with the byte ranges to highlight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Highlighted {
    pub text: String,
    pub highlights: Vec<Range<usize>>,
}

impl Highlighted {
    /// The text with highlights marked 【like this】 (for the terminal).
    pub fn marked(&self) -> String {
        let mut out = String::new();
        let mut at = 0;
        for r in &self.highlights {
            out.push_str(&self.text[at..r.start]);
            out.push('【');
            out.push_str(&self.text[r.clone()]);
            out.push('】');
            at = r.end;
        }
        out.push_str(&self.text[at..]);
        out
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub id: String,
    pub item: ItemKind,
    pub title: Highlighted,
    pub snippet: Option<Highlighted>,
    /// For documents: kind, date, validity, 文号.
    pub kind: Option<DocKind>,
    pub published: Option<String>,
    pub validity: Option<Validity>,
    pub doc_no: Option<String>,
    pub score: f64,
    /// Found by its title's pinyin.
    pub by_pinyin: bool,
    /// The words were found in one of the document's attachments, not in its own text: the
    /// snippet comes from there, and the hit opens it at the page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachment: Option<AttachmentHit>,
}

/// Where in a document's attachments a search found its words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttachmentHit {
    /// The attachment's place in the document's list.
    pub index: usize,
    pub title: String,
    /// The page of its PDF (None: found in its title or transcript).
    pub page: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    pub query: String,
    pub total: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SearchResults {
    /// What was searched: the query, shortened to [`MAX_QUERY_CHARS`] characters and
    /// [`MAX_QUERY_TERMS`] terms.
    pub query: String,
    /// The query was longer than that and only its start was searched (said on screen).
    pub shortened: bool,
    pub total: u64,
    pub hits: Vec<Hit>,
    pub counts: FacetCounts,
    /// When nothing was found: shorter queries that do find something.
    pub suggestions: Vec<Suggestion>,
    /// When nothing was found: FAQ entries and guides sharing words with the query.
    pub related: Vec<Hit>,
}

/// A query is searched up to this many characters (a long title fits; a pasted page does not).
pub const MAX_QUERY_CHARS: usize = 64;
/// …and up to this many terms (words and CJK runs), each one FTS5 lookup, and each a suggestion
/// to try without it when nothing is found.
pub const MAX_QUERY_TERMS: usize = 8;

/// The start of `query` that is searched, and whether anything was cut: at most
/// [`MAX_QUERY_CHARS`] characters, then as many as hold at most [`MAX_QUERY_TERMS`] terms.
/// Every later step's cost (terms, FTS5 expressions, pinyin matching, suggestions) follows
/// from these two bounds.
pub fn bound_query(query: &str) -> (String, bool) {
    let chars: Vec<char> = query.chars().take(MAX_QUERY_CHARS + 1).collect();
    let mut n = chars.len().min(MAX_QUERY_CHARS);
    let term_count = |n: usize| terms(&fold(&chars[..n].iter().collect::<String>()).chars).len();
    if term_count(n) > MAX_QUERY_TERMS {
        // the longest prefix with at most MAX_QUERY_TERMS terms (the count grows with the prefix)
        let (mut lo, mut hi) = (0, n);
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            if term_count(mid) <= MAX_QUERY_TERMS { lo = mid } else { hi = mid - 1 }
        }
        n = lo;
    }
    let kept: String = chars[..n].iter().collect();
    let shortened = n < chars.len() && !chars[n..].iter().all(|c| c.is_whitespace());
    (kept.trim().to_string(), shortened || query.chars().nth(MAX_QUERY_CHARS + 1).is_some())
}

/// One match before ranking and paging.
#[derive(Debug, Clone)]
struct Candidate {
    rowid: i64,
    id: String,
    item: ItemKind,
    title: String,
    bm25: f64,
    doc: Option<DocFacets>,
    by_pinyin: bool,
}

#[derive(Debug, Clone)]
struct DocFacets {
    kind: String,
    validity: String,
    published: String,
    doc_no: Option<String>,
}

/// A search session over one content snapshot: keeps the pinyin readings and the filter values
/// of every item in memory. Make a new one after the content changes.
pub struct Searcher {
    pinyin: PinyinIndex,
    facets: FacetIndex,
    titles: TitleLengths,
    exact_rank_limit: usize,
    instant_exact_limit: usize,
}

const TITLE_WEIGHT: f64 = 8.0;

/// Up to this many matches, full search scores every match with bm25; above it, title matches
/// first (see `Searcher::search`). bm25 costs about 1 µs per match on this class of machine.
pub const EXACT_RANK_LIMIT: usize = 10_000;

/// Up to this many title matches, instant search ranks them inside SQLite (exact bm25, however
/// often a title holds a term); above it, in memory ([`TitleLengths`]: bm25 from the titles'
/// lengths, each term counted once), reading only the rows shown.
pub const INSTANT_EXACT_LIMIT: usize = 1_000;

/// Added to the score of a title match when ranking in tiers, above any other score.
const TITLE_TIER: f64 = 1.0e6;

/// Sorts (rowid, score) pairs by rowid. A rowid listed twice (not expected from FTS5) keeps its
/// last score, as collecting them into a map did.
fn by_rowid(scores: &mut Vec<(i64, f64)>) {
    // stable: equal rowids stay in the order they came
    scores.sort_by_key(|e| e.0);
    let mut out: Vec<(i64, f64)> = Vec::with_capacity(scores.len());
    for e in scores.drain(..) {
        match out.last_mut() {
            Some(last) if last.0 == e.0 => *last = e,
            _ => out.push(e),
        }
    }
    *scores = out;
}

/// In `list`, ascending by `key`, the entry whose key is `rowid`, moving `at` past every entry
/// below it: asked with ascending rowids, the whole walk reads `list` once.
fn advance_to<'a, T>(list: &'a [T], at: &mut usize, key: impl Fn(&T) -> i64, rowid: i64) -> Option<&'a T> {
    while *at < list.len() && key(&list[*at]) < rowid {
        *at += 1;
    }
    list.get(*at).filter(|e| key(e) == rowid)
}

impl Searcher {
    pub fn new(store: &Store) -> Result<Self, StoreError> {
        Ok(Self {
            pinyin: PinyinIndex::load(store)?,
            facets: FacetIndex::load(store)?,
            titles: TitleLengths::load(store),
            exact_rank_limit: EXACT_RANK_LIMIT,
            instant_exact_limit: INSTANT_EXACT_LIMIT,
        })
    }

    /// Changes the number of title matches above which instant search ranks them in memory
    /// (for tests of that path without a corpus of thousands of titles).
    pub fn with_instant_exact_limit(mut self, n: usize) -> Self {
        self.instant_exact_limit = n;
        self
    }

    /// Changes the number of matches above which ranking goes by tiers (for tests of that path
    /// without a corpus of ten thousand documents).
    pub fn with_exact_rank_limit(mut self, n: usize) -> Self {
        self.exact_rank_limit = n;
        self
    }

    /// The columns every candidate query selects, after `score`.
    const COLUMNS: &'static str =
        "i.rowid, i.id, i.kind, i.title, i.doc_kind, i.area, i.publisher, i.year, i.validity, i.published, i.doc_no";

    fn candidate(r: &rusqlite::Row<'_>, score: f64, by_pinyin: bool) -> rusqlite::Result<Candidate> {
        let kind: Option<String> = r.get(4)?;
        Ok(Candidate {
            rowid: r.get(0)?,
            id: r.get(1)?,
            item: ItemKind::parse(&r.get::<_, String>(2)?).unwrap_or(ItemKind::Document),
            title: r.get(3)?,
            bm25: score,
            doc: match kind {
                Some(kind) => Some(DocFacets {
                    kind,
                    validity: r.get::<_, Option<String>>(8)?.unwrap_or_default(),
                    published: r.get::<_, Option<String>>(9)?.unwrap_or_default(),
                    doc_no: r.get(10)?,
                }),
                None => None,
            },
            by_pinyin,
        })
    }

    /// The best `k` matches of `expr` in `table` (`search_fts` or `search_titles`) that pass
    /// `filter`, ranked inside SQLite (bm25 × validity × recency × type).
    fn top(
        &self,
        store: &Store,
        table: &str,
        expr: &str,
        filter: &SearchFilter,
        k: usize,
    ) -> Result<Vec<Candidate>, StoreError> {
        let weights = if table == "search_fts" { format!("{TITLE_WEIGHT}, 1.0") } else { "1.0".into() };
        let mut wh = String::new();
        let mut args: Vec<Box<dyn rusqlite::ToSql>> =
            vec![Box::new(expr.to_string()), Box::new(chrono::Local::now().year())];
        if let Some(i) = filter.item {
            wh.push_str(" AND i.kind = ?");
            args.push(Box::new(i.key()));
        }
        if filter.doc != DocFilter::default() {
            // the catalogue's own filter over the documents table (top k is asked for with
            // small filters only: instant search and related items use none)
            let (clause, doc_args) = filter.doc.where_clause();
            wh.push_str(&format!(" AND i.id IN (SELECT id FROM documents {clause})"));
            args.extend(doc_args);
        }
        // The same boost as `FacetIndex::boost`, in SQL so that SQLite can keep only the top k.
        let sql = format!(
            "SELECT {cols}, -bm25({table}, {weights}) * CASE i.kind WHEN 'guide' THEN 1.6 WHEN 'faq' THEN 1.2 ELSE
                 (CASE i.validity WHEN 'valid' THEN 1.0 WHEN 'amended' THEN 0.8 ELSE 0.5 END)
                 * (1.0 + 0.5 * max(0.0, 1.0 - max(0, ?2 - i.year) / 10.0)) END AS s
             FROM {table} JOIN search_items i ON i.rowid = {table}.rowid
             WHERE {table} MATCH ?1{wh} ORDER BY s DESC LIMIT {k}",
            cols = Self::COLUMNS
        );
        let err = store.sql_error();
        let mut stmt = store.connection().prepare_cached(&sql).map_err(&err)?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args.iter()), |r| Self::candidate(r, r.get(11)?, false))
            .map_err(&err)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(err)
    }

    /// The best `k` titles matching `expr` (the query terms `ts`), ranked as [`Self::top`]
    /// ranks them in `search_titles`: bm25 × boost. Up to `instant_exact_limit` matches SQLite
    /// ranks them; above it they are scored here from the rowids alone (FTS5 reads the doclists
    /// without scoring), each title's length and boost held in memory, and only the `k` rows
    /// kept are read. The scores are FTS5's except for a title holding a term more than once
    /// (see `title_rank`); ties go to the lower rowid.
    fn top_titles(&self, store: &Store, ts: &[Term], expr: &str, k: usize) -> Result<Vec<Candidate>, StoreError> {
        let matched = matching_all(store, IndexTable::Titles, ts, |t| term_query(t, true))?
            .map(Matches::into_rowids)
            .unwrap_or_default();
        let lengths: Option<Vec<u16>> = (matched.len() > self.instant_exact_limit && self.titles.usable())
            .then(|| matched.iter().map(|&r| self.titles.tokens(r)).collect())
            .flatten();
        let Some(lengths) = lengths else {
            return self.top(store, "search_titles", expr, &SearchFilter::default(), k);
        };
        if k == 0 {
            return Ok(Vec::new());
        }
        // each phrase's idf from the titles holding it, as FTS5's bm25 counts them
        let phrases: Vec<String> = ts.iter().filter_map(|t| term_query(t, true)).collect();
        let idfs: Vec<f64> = if phrases.len() == 1 {
            vec![self.titles.idf(matched.len())]
        } else {
            let mut stmt = store
                .connection()
                .prepare_cached("SELECT count(*) FROM search_titles WHERE search_titles MATCH ?1")
                .map_err(store.sql_error())?;
            let mut idfs = Vec::with_capacity(phrases.len());
            for p in &phrases {
                let hits: i64 = stmt.query_row([p], |r| r.get(0)).map_err(store.sql_error())?;
                idfs.push(self.titles.idf(usize::try_from(hits).unwrap_or(0)));
            }
            idfs
        };
        let this_year = chrono::Local::now().year();
        let mut scored: Vec<(i64, f64)> = matched
            .iter()
            .zip(lengths)
            .map(|(&rowid, tokens)| (rowid, self.titles.bm25(&idfs, tokens) * self.facets.boost(rowid, this_year)))
            .collect();
        let by_score = |a: &(i64, f64), b: &(i64, f64)| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0));
        if scored.len() > k {
            scored.select_nth_unstable_by(k - 1, by_score);
            scored.truncate(k);
        }
        scored.sort_by(by_score);
        self.rows(store, &scored, &HashMap::new())
    }

    /// The rows of the given rowids with their scores.
    fn rows(
        &self,
        store: &Store,
        scored: &[(i64, f64)],
        pinyin_spans: &HashMap<i64, (usize, usize)>,
    ) -> Result<Vec<Candidate>, StoreError> {
        let err = store.sql_error();
        let sql = format!("SELECT {} FROM search_items i WHERE i.rowid = ?1", Self::COLUMNS);
        let mut stmt = store.connection().prepare_cached(&sql).map_err(&err)?;
        let mut out = Vec::new();
        for (rowid, score) in scored {
            let c = stmt
                .query_row([rowid], |r| Self::candidate(r, *score, pinyin_spans.contains_key(rowid)))
                .map_err(&err)?;
            out.push(c);
        }
        Ok(out)
    }

    /// Items found by their title's pinyin: a title found by pinyin ranks like a modest title
    /// match (its boost alone).
    fn candidates_by_rowid(&self, store: &Store, rowids: &[i64]) -> Result<Vec<Candidate>, StoreError> {
        let this_year = chrono::Local::now().year();
        let scored: Vec<(i64, f64)> = rowids.iter().map(|&r| (r, self.facets.boost(r, this_year))).collect();
        let all_pinyin: HashMap<i64, (usize, usize)> = rowids.iter().map(|&r| (r, (0, 0))).collect();
        self.rows(store, &scored, &all_pinyin)
    }

    /// The score of every kept match: its relevance score (`scores`: bm25, or [`TITLE_TIER`] +
    /// the title's bm25) × boost, + boost, + twice the boost if its title matched the pinyin
    /// (`pinyin_rowids`). All three lists ascend by rowid, so one walk pairs them, without a
    /// lookup per match.
    fn rank_matches(
        &self,
        kept: Vec<i64>,
        scores: &[(i64, f64)],
        pinyin_rowids: &[i64],
        this_year: i32,
    ) -> Vec<(i64, f64)> {
        let (mut at_score, mut at_pinyin) = (0, 0);
        kept.into_iter()
            .map(|rowid| {
                let b = self.facets.boost(rowid, this_year);
                let by_pinyin = advance_to(pinyin_rowids, &mut at_pinyin, |r| *r, rowid).is_some();
                let bonus = if by_pinyin { 2.0 * b } else { 0.0 };
                let s = match advance_to(scores, &mut at_score, |e| e.0, rowid).map(|e| e.1) {
                    Some(s) if s >= TITLE_TIER => TITLE_TIER + (s - TITLE_TIER) * b,
                    Some(s) => s * b,
                    None => 0.0,
                };
                (rowid, s + b + bonus)
            })
            .collect()
    }

    /// Results while typing: titles (folded, bigram), titles by pinyin, guide names. Most
    /// relevant first; guides and documents in force before the rest.
    pub fn instant(&self, store: &Store, query: &str, limit: usize) -> Result<Vec<Hit>, StoreError> {
        let (query, _) = bound_query(query);
        let query = query.as_str();
        let folded = fold(query);
        let ts = terms(&folded.chars);
        let mut cands: Vec<Candidate> = Vec::new();
        if let Some(expr) = fts_query(&ts, true) {
            cands.extend(self.top_titles(store, &ts, &expr, limit)?);
        }
        let mut pinyin_spans: HashMap<i64, (usize, usize)> = HashMap::new();
        if let Some(p) = pinyin_query(query) {
            let found = self.pinyin.matches(&p, limit * 4);
            let seen: HashSet<i64> = cands.iter().map(|c| c.rowid).collect();
            let new: Vec<i64> = found.iter().map(|f| f.0).filter(|r| !seen.contains(r)).collect();
            for (rowid, start, n) in &found {
                pinyin_spans.insert(*rowid, (*start, *n));
            }
            cands.extend(self.candidates_by_rowid(store, &new)?);
        }
        cands.sort_by(|a, b| b.bm25.total_cmp(&a.bm25));
        cands.truncate(limit);
        cands.into_iter().map(|c| self.hit(store, c, &ts, &pinyin_spans, false)).collect()
    }

    /// Ranked full results with filters, counts per filter and snippets; suggestions and
    /// related guides and FAQ when nothing matches.
    pub fn search(
        &self,
        store: &Store,
        query: &str,
        filter: &SearchFilter,
        limit: usize,
        offset: usize,
    ) -> Result<SearchResults, StoreError> {
        let (query, shortened) = bound_query(query);
        let query = query.as_str();
        let folded = fold(query);
        let mut ts = terms(&folded.chars);
        let mut results = SearchResults { query: query.to_string(), shortened, ..Default::default() };
        // Terms of two or more characters (and words) are looked up in the bigram index; single
        // characters in the character index.
        let (singles, multi): (Vec<Term>, Vec<Term>) =
            ts.iter().cloned().partition(|t| matches!(t, Term::Cjk(c) if c.len() == 1));
        let mut rank_exprs: Vec<String> = fts_query(&multi, true).into_iter().collect();
        let chars_expr = (!singles.is_empty()).then(|| {
            singles
                .iter()
                .map(|t| format!("\"{}\"", t.chars().iter().collect::<String>()))
                .collect::<Vec<_>>()
                .join(" AND ")
        });
        let base_terms = ts.clone();
        let mut spelled_exprs: Vec<String> = Vec::new();
        let mut spelled_terms: Vec<Term> = Vec::new();
        let mut pinyin_spans: HashMap<i64, (usize, usize)> = HashMap::new();
        if let Some(p) = pinyin_query(query) {
            let found = self.pinyin.matches(&p, 500);
            for (rowid, start, n) in &found {
                pinyin_spans.insert(*rowid, (*start, *n));
            }
            // What the pinyin spells in the matched titles (ysqgk → 依申请公开) is searched in
            // the full text, so documents that only mention it are found as well.
            let mut spelled: HashMap<String, usize> = HashMap::new();
            let mut titles = store
                .connection()
                .prepare_cached("SELECT title FROM search_items WHERE rowid = ?1")
                .map_err(store.sql_error())?;
            for &(rowid, start, n) in &found {
                let title: String = titles.query_row([rowid], |r| r.get(0)).map_err(store.sql_error())?;
                if let Some(word) = pinyin::group_span(&title, start, n).map(|span| &title[span])
                    && word.chars().all(is_cjk)
                {
                    *spelled.entry(fold_str(word)).or_default() += 1;
                }
            }
            let mut spelled: Vec<(String, usize)> = spelled.into_iter().collect();
            spelled.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            spelled.truncate(10);
            for (w, _) in spelled {
                let t = Term::Cjk(w.chars().collect());
                spelled_exprs.extend(term_query(&t, false));
                spelled_terms.push(t.clone());
                ts.push(t);
            }
        }
        if rank_exprs.is_empty() && chars_expr.is_none() && spelled_exprs.is_empty() {
            return Ok(results);
        }
        let err = store.sql_error();

        // 1. Every match, by rowid only: a frequent token from its bitmap, the rest through FTS5
        //    (which reads the doclists without scoring them).
        let words = matching_all(store, IndexTable::Text, &multi, |t| term_query(t, true))?;
        let chars = matching_all(store, IndexTable::Chars, &singles, |t| {
            Some(format!("\"{}\"", t.chars().iter().collect::<String>()))
        })?;
        let found: Option<Matches> = match (words, chars) {
            (Some(w), Some(c)) => Some(w.and(c)),
            (w, c) => w.or(c),
        };
        let matched: Vec<i64> = if spelled_terms.is_empty() {
            found.map(Matches::into_rowids).unwrap_or_default()
        } else {
            // what the pinyin spells, each word anywhere in the text, beside the query's matches
            let groups: Vec<Vec<Term>> = spelled_terms.iter().map(|t| vec![t.clone()]).collect();
            let mut all = DocBitmap::default();
            if let Some(m) = &found {
                m.add_to(&mut all);
            }
            if let Some(m) = matching_any(store, IndexTable::Text, &groups, |t| term_query(t, false))? {
                m.add_to(&mut all);
            }
            rank_exprs.extend(spelled_exprs.iter().cloned());
            all.rowids()
        };
        // the counts, and the matches that pass the filter, in one pass over the matches
        let total_matched = matched.len();
        let mut kept: Vec<i64> = Vec::with_capacity(matched.len());
        let (total, counts) = self.facets.tally(&matched, filter, Some(&mut kept));
        drop(matched);
        results.total = total;
        results.counts = counts;

        // 2. Scores. bm25 (title weighted) × boost where the matches are few enough to score
        //    them all. A term found in most documents has next to no weight in bm25 anyway
        //    (its idf is near zero), so for large match sets, and for single characters, the
        //    items whose title matches come first, ranked by bm25 of the title × boost, then the
        //    rest by boost alone (validity, recency, type).
        let spelled_titles = spelled_exprs;
        let rank_expr = rank_exprs.iter().map(|e| format!("({e})")).collect::<Vec<_>>().join(" OR ");
        // (rowid, score), ascending by rowid, to be walked beside the kept matches
        let mut scores: Vec<(i64, f64)> = if chars_expr.is_none() && total_matched <= self.exact_rank_limit {
            // bm25 with each phrase's count of items passed in (`body_rank`): FTS5's own bm25
            // reads the whole doclist of every phrase to count it, 400,000 entries for a word
            // in most documents, however few items the query matches
            let mut counts: Vec<String> = Vec::new();
            for t in multi.iter().filter(|t| term_query(t, true).is_some()) {
                counts.push(items_holding(store, t, |t| term_query(t, true))?.to_string());
            }
            for t in &spelled_terms {
                counts.push(items_holding(store, t, |t| term_query(t, false))?.to_string());
            }
            let sql = format!(
                "SELECT rowid, {f}(search_fts, {TITLE_WEIGHT}, 1.0, {counts}) FROM search_fts WHERE search_fts MATCH ?1",
                f = body_rank::NAME,
                counts = counts.join(", ")
            );
            let mut stmt = store.connection().prepare(&sql).map_err(&err)?;
            let rows =
                stmt.query_map([&rank_expr], |r| Ok((r.get::<_, i64>(0)?, -r.get::<_, f64>(1)?))).map_err(&err)?;
            rows.collect::<rusqlite::Result<_>>().map_err(&err)?
        } else {
            let title_expr = fts_query(&base_terms, true)
                .into_iter()
                .chain(spelled_titles)
                .map(|e| format!("({e})"))
                .collect::<Vec<_>>()
                .join(" OR ");
            let title_expr = (!title_expr.is_empty()).then_some(title_expr);
            let mut title_scores: Vec<(i64, f64)> = Vec::new();
            if let Some(expr) = title_expr {
                // the same OR as `expr`, a frequent token from its bitmap
                let mut groups: Vec<Vec<Term>> = vec![base_terms.clone()];
                groups.extend(spelled_terms.iter().map(|t| vec![t.clone()]));
                let title_hits = matching_any(store, IndexTable::Titles, &groups, |t| term_query(t, true))?
                    .map(Matches::into_rowids)
                    .unwrap_or_default();
                if title_hits.len() <= self.exact_rank_limit {
                    let mut stmt = store
                        .connection()
                        .prepare_cached("SELECT rowid, rank FROM search_titles WHERE search_titles MATCH ?1")
                        .map_err(&err)?;
                    let rows =
                        stmt.query_map([&expr], |r| Ok((r.get::<_, i64>(0)?, -r.get::<_, f64>(1)?))).map_err(&err)?;
                    title_scores = rows.collect::<rusqlite::Result<_>>().map_err(&err)?;
                } else {
                    title_scores = title_hits.into_iter().map(|r| (r, 1.0)).collect();
                }
            }
            title_scores.into_iter().map(|(r, s)| (r, TITLE_TIER + s)).collect()
        };
        by_rowid(&mut scores);
        let mut pinyin_rowids: Vec<i64> = pinyin_spans.keys().copied().collect();
        pinyin_rowids.sort_unstable();
        let need = offset + limit;
        let this_year = chrono::Local::now().year();
        let mut scored = self.rank_matches(kept, &scores, &pinyin_rowids, this_year);
        let by_score = |a: &(i64, f64), b: &(i64, f64)| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0));
        if scored.len() > need && need > 0 {
            scored.select_nth_unstable_by(need - 1, by_score);
            scored.truncate(need);
        }
        scored.sort_by(by_score);
        let mut top = self.rows(store, &scored, &pinyin_spans)?;
        top.sort_by(|a, b| b.bm25.total_cmp(&a.bm25).then_with(|| a.id.cmp(&b.id)));
        for c in top.into_iter().skip(offset).take(limit) {
            results.hits.push(self.hit(store, c, &ts, &pinyin_spans, true)?);
        }
        if results.total == 0 {
            results.suggestions = self.suggestions(store, &ts)?;
            results.related = self.related(store, &ts)?;
        }
        Ok(results)
    }

    /// Shorter queries that find something: each term alone, and the query without each term.
    fn suggestions(&self, store: &Store, ts: &[Term]) -> Result<Vec<Suggestion>, StoreError> {
        let mut tries: Vec<Vec<Term>> = Vec::new();
        if ts.len() > 1 {
            for skip in 0..ts.len() {
                tries.push(ts.iter().enumerate().filter(|(i, _)| *i != skip).map(|(_, t)| t.clone()).collect());
            }
        }
        // a long CJK run: its halves
        for t in ts {
            if let Term::Cjk(run) = t
                && run.len() >= 4
            {
                let mid = run.len() / 2;
                tries.push(vec![Term::Cjk(run[..mid].to_vec())]);
                tries.push(vec![Term::Cjk(run[mid..].to_vec())]);
            }
        }
        let mut out: Vec<Suggestion> = Vec::new();
        for t in tries {
            let Some(found) = matching_all(store, IndexTable::Text, &t, |x| term_query(x, true))? else { continue };
            let total = match found {
                Matches::Bitmap(b) => b.len(),
                Matches::Rowids(r) => r.len(),
            };
            let query: String =
                t.iter().map(|x| x.chars().into_iter().collect::<String>()).collect::<Vec<_>>().join(" ");
            if total > 0 && !out.iter().any(|s| s.query == query) {
                out.push(Suggestion { query, total: total as u64 });
            }
        }
        out.sort_by_key(|s| std::cmp::Reverse(s.total));
        out.truncate(5);
        Ok(out)
    }

    /// Guides and FAQ entries sharing any two-character word with the query.
    fn related(&self, store: &Store, ts: &[Term]) -> Result<Vec<Hit>, StoreError> {
        let mut parts: Vec<String> = Vec::new();
        for t in ts {
            if let Term::Cjk(run) = t {
                for w in run.windows(2) {
                    if let Some(q) = term_query(&Term::Cjk(w.to_vec()), false) {
                        parts.push(q);
                    }
                }
            }
        }
        if parts.is_empty() {
            return Ok(Vec::new());
        }
        let expr = parts.join(" OR ");
        let mut cands = self.top(
            store,
            "search_fts",
            &expr,
            &SearchFilter { item: Some(ItemKind::Guide), ..Default::default() },
            3,
        )?;
        cands.extend(self.top(
            store,
            "search_fts",
            &expr,
            &SearchFilter { item: Some(ItemKind::Faq), ..Default::default() },
            3,
        )?);
        cands.sort_by(|a, b| b.bm25.total_cmp(&a.bm25));
        cands.into_iter().map(|c| self.hit(store, c, &[], &HashMap::new(), false)).collect()
    }

    fn hit(
        &self,
        store: &Store,
        c: Candidate,
        ts: &[Term],
        pinyin_spans: &HashMap<i64, (usize, usize)>,
        with_snippet: bool,
    ) -> Result<Hit, StoreError> {
        let mut title = highlight(&c.title, ts);
        if let Some(&(start, n)) = pinyin_spans.get(&c.rowid)
            && let Some(span) = pinyin::group_span(&c.title, start, n)
            && title.highlights.is_empty()
        {
            title.highlights.push(span);
        }
        let (snippet, attachment) = if with_snippet { self.snippet(store, &c, ts)? } else { (None, None) };
        let score = c.bm25;
        Ok(Hit {
            id: c.id,
            item: c.item,
            title,
            snippet,
            kind: c.doc.as_ref().and_then(|d| DocKind::parse(&d.kind)),
            published: c.doc.as_ref().map(|d| d.published.clone()),
            validity: c.doc.as_ref().and_then(|d| Validity::parse(&d.validity)),
            doc_no: c.doc.as_ref().and_then(|d| d.doc_no.clone()),
            score,
            by_pinyin: c.by_pinyin,
            attachment,
        })
    }

    /// The snippet of a hit; for a document whose words are only in an attachment, the snippet
    /// from the attachment's page and where it is.
    fn snippet(
        &self,
        store: &Store,
        c: &Candidate,
        ts: &[Term],
    ) -> Result<(Option<Highlighted>, Option<AttachmentHit>), StoreError> {
        let body = match c.item {
            ItemKind::Document => {
                let Some(d) = store.document(&c.id)? else { return Ok((None, None)) };
                let own = snippet(&document_own_text(&d).1, ts, 60);
                if own.highlights.is_empty() && highlight(&c.title, ts).highlights.is_empty() {
                    for (index, page, text) in attachment_texts(&d) {
                        let s = snippet(text, ts, 50);
                        if !s.highlights.is_empty() {
                            let title = d.attachments[index].title.clone();
                            return Ok((Some(s), Some(AttachmentHit { index, title, page })));
                        }
                    }
                }
                return Ok((Some(own), None));
            }
            ItemKind::Guide => store.guide(&c.id)?.map(|g| guide_text(&g).1),
            ItemKind::Faq => store.faq(&c.id)?.map(|q| faq_text(&q).1),
            ItemKind::Board => None,
        };
        Ok((body.map(|b| snippet(&b, ts, 60)), None))
    }
}

/// Folded-character spans of every occurrence of every term in `chars`.
fn term_spans(chars: &[char], ts: &[Term]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    for t in ts {
        let needle = t.chars();
        if needle.is_empty() || needle.len() > chars.len() {
            continue;
        }
        let prefix_word = matches!(t, Term::Word(_));
        let mut i = 0;
        while i + needle.len() <= chars.len() {
            if chars[i..i + needle.len()] == needle[..] {
                let mut end = i + needle.len();
                if prefix_word {
                    while end < chars.len() && chars[end].is_alphanumeric() && !is_cjk(chars[end]) {
                        end += 1;
                    }
                }
                spans.push((i, end));
                i = end;
            } else {
                i += 1;
            }
        }
    }
    spans.sort();
    // merge overlaps
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (a, b) in spans {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    merged
}

/// Highlights every term in `text` (a title), in its own characters.
pub fn highlight(text: &str, ts: &[Term]) -> Highlighted {
    let f = fold(text);
    let highlights = term_spans(&f.chars, ts).into_iter().map(|(a, b)| f.original_range(a, b, text)).collect();
    Highlighted { text: text.to_string(), highlights }
}

/// A window of about `width` characters around the densest match in `body`, highlighted.
pub fn snippet(body: &str, ts: &[Term], width: usize) -> Highlighted {
    let f = fold(body);
    let spans = term_spans(&f.chars, ts);
    let n = f.chars.len();
    // the window start that covers the most matched characters: the spans are sorted and do
    // not overlap, so one pass with two ends finds it (linear in the number of matches)
    let mut best = (0usize, 0usize);
    let (mut lo, mut hi, mut covered) = (0usize, 0usize, 0usize);
    for &(a, _) in &spans {
        let start = a.saturating_sub(width / 4);
        while lo < spans.len() && spans[lo].0 < start {
            if lo < hi {
                covered -= spans[lo].1 - spans[lo].0;
            }
            lo += 1;
        }
        hi = hi.max(lo);
        while hi < spans.len() && spans[hi].1 <= start + width {
            covered += spans[hi].1 - spans[hi].0;
            hi += 1;
        }
        // spans starting inside the window but ending past it are not counted, as before
        if covered > best.1 {
            best = (start, covered);
        }
    }
    let start = best.0.min(n.saturating_sub(width));
    let end = (start + width).min(n);
    let range = f.original_range(start, end, body);
    let mut text = String::new();
    let lead = if start > 0 { "…" } else { "" };
    text.push_str(lead);
    let window = &body[range.clone()];
    text.push_str(&window.replace(['\n', '\t'], " "));
    let mut highlights = Vec::new();
    for (a, b) in spans {
        if a >= start && b <= end {
            let r = f.original_range(a, b, body);
            let shift = lead.len() as isize - range.start as isize;
            highlights.push((r.start as isize + shift) as usize..(r.end as isize + shift) as usize);
        }
    }
    if end < n {
        text.push('…');
    }
    Highlighted { text, highlights }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(q: &str) -> Vec<Term> {
        terms(&fold(q).chars)
    }

    fn demo_store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        store.import_folder(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-content")).unwrap();
        (dir, store)
    }

    fn all_rowids(store: &Store) -> Vec<i64> {
        let mut stmt = store.connection().prepare("SELECT rowid FROM search_items ORDER BY rowid").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap()
    }

    /// Searching with the store's bitmaps of frequent tokens finds, counts, ranks and shows
    /// exactly what listing every token through FTS5 did: for words, phrases, two words, single
    /// characters, traditional characters, pinyin and filters, ranked exactly and in tiers,
    /// instant and full.
    #[test]
    fn bitmaps_of_frequent_tokens_change_no_result() {
        let (_dir, mut store) = demo_store();
        let queries = [
            "公开",
            "政府",
            "信息",
            "申请",
            "补贴",
            "政府信息公开",
            "信息公开",
            "公开 申请",
            "住房 补贴",
            "税",
            "区",
            "公 开",
            "資訊公開",
            "政府資訊",
            "zfxxgk",
            "zhengfu",
            "gk",
            "xinxi gongkai",
            "2024",
            "公开 2024",
        ];
        let filters = [
            SearchFilter::default(),
            SearchFilter { item: Some(ItemKind::Document), ..Default::default() },
            SearchFilter::documents(DocFilter { year: Some(2024), ..Default::default() }),
        ];
        let run = |store: &Store| -> Vec<String> {
            let mut out = Vec::new();
            for searcher in [Searcher::new(store).unwrap(), Searcher::new(store).unwrap().with_exact_rank_limit(3)] {
                let searcher = searcher.with_instant_exact_limit(2);
                for q in queries {
                    out.push(serde_json::to_string(&searcher.instant(store, q, 8).unwrap()).unwrap());
                    for f in &filters {
                        out.push(serde_json::to_string(&searcher.search(store, q, f, 20, 0).unwrap()).unwrap());
                    }
                }
            }
            out
        };
        // the demo is too small for any bitmap by default
        assert!(store.search_bitmap(IndexTable::Text, "公开").unwrap().is_none());
        let before = run(&store);
        store.set_bitmap_min_docs(1);
        let n = store.refresh_search_bitmaps().unwrap();
        assert!(n > 50, "{n} bitmaps");
        for (table, token) in [
            (IndexTable::Text, "公开"),
            (IndexTable::Titles, "公开"),
            (IndexTable::Chars, "区"),
            (IndexTable::Phrases, "信息公开"),
            (IndexTable::Phrases, "政府信息公开"),
            (IndexTable::TitleChars, "区"),
            (IndexTable::TitleChars, "公"),
        ] {
            assert!(store.search_bitmap(table, token).unwrap().is_some(), "{table:?} {token}");
        }
        let after = run(&store);
        assert_eq!(before.len(), after.len());
        for (b, a) in before.iter().zip(&after) {
            assert_eq!(b, a);
        }
    }

    /// Taking the runs of boilerplate out of the bodies (a first import of a large enough
    /// store) changes no match: the same totals, counts, matching items and suggestions as an
    /// index that holds them, for queries that are a run, inside one, beside one, across two,
    /// inside a longer run that is not boilerplate, single characters and two words.
    #[test]
    fn runs_of_boilerplate_taken_out_change_no_match() {
        let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-content");
        let template = crate::content::load(&demo).unwrap().documents.remove(0);
        let words = ["住房", "补贴", "教育", "医疗", "就业", "养老", "社区", "通知", "施行", "条例"];
        let docs: Vec<crate::content::Document> = (0..300)
            .map(|i| {
                let mut d = template.clone();
                d.id = format!("bp-{i}");
                d.title = format!("关于{}的通知{i}", words[i % words.len()]);
                let mut body = format!("索引号：WC-{i}　发布机构：望川区人民政府\n\n");
                if i % 10 < 7 {
                    body.push_str("根据《中华人民共和国政府信息公开条例》规定，现将有关事项公开如下。");
                }
                for k in 0..6 {
                    body.push_str(words[(i * 7 + k * 3) % words.len()]);
                    body.push_str(if k % 2 == 0 { "工作" } else { "。" });
                }
                if i % 5 < 3 {
                    body.push_str("本文件自印发之日起施行。");
                }
                if i % 2 == 0 {
                    body.push_str("特此通知。");
                }
                // the same words inside longer runs, too rare to be boilerplate (11 of 300)
                if i % 29 == 0 {
                    body.push_str("依据政府信息公开条例办理。特此通知各单位。");
                }
                d.body = body;
                d.attachments.clear();
                d.keywords.clear();
                d.summary = None;
                d.index_no = None;
                d
            })
            .collect();
        let set = crate::content::ContentSet { documents: docs, ..Default::default() };
        let (plain_dir, stripped_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let mut plain = Store::open(plain_dir.path()).unwrap();
        plain.set_bitmap_min_docs(usize::MAX);
        plain.apply(&set, "test").unwrap();
        let mut stripped = Store::open(stripped_dir.path()).unwrap();
        stripped.set_bitmap_min_docs(8);
        stripped.apply(&set, "test").unwrap();
        assert!(plain.search_boilerplate("特此通知").unwrap().is_none());
        for run in ["特此通知", "本文件自印发之日起施行", "中华人民共和国政府信息公开条例", "索引号"]
        {
            assert!(stripped.search_boilerplate(run).unwrap().is_some(), "{run} taken out");
        }
        // taken out of FTS5's bodies: there, only the documents that hold 特此通知 inside a longer
        // run (one in 29) still have it
        let in_fts = |store: &Store| -> i64 {
            let sql = "SELECT count(*) FROM search_fts WHERE search_fts MATCH 'body : \"特此 此通 通知\"'";
            store.connection().query_row(sql, [], |r| r.get(0)).unwrap()
        };
        assert_eq!((in_fts(&plain), in_fts(&stripped)), (155, 11));

        let queries = [
            "索引号",
            "发布机构",
            "望川区人民政府",
            "人民政府",
            "政府信息公开条例",
            "信息公开",
            "中华人民共和国政府信息公开条例",
            "特此通知",
            "此通",
            "通知",
            "特",
            "施",
            "自印发之日起施行",
            "施行",
            "起施",
            "特此通知各单位",
            "公开如下",
            "特此通知 信息公开",
            "公开 条例",
            "政府",
            "住房 通知",
            "住房工作",
            "条例办理",
            "现将有关事项",
        ];
        let summary = |store: &Store, q: &str| {
            let searcher = Searcher::new(store).unwrap();
            let r = searcher.search(store, q, &SearchFilter::default(), 1000, 0).unwrap();
            let mut ids: Vec<String> = r.hits.iter().map(|h| h.id.clone()).collect();
            ids.sort();
            let suggestions: Vec<(String, u64)> = r.suggestions.iter().map(|s| (s.query.clone(), s.total)).collect();
            (r.total, serde_json::to_string(&r.counts).unwrap(), ids, suggestions)
        };
        for q in queries {
            let (a, b) = (summary(&plain, q), summary(&stripped, q));
            assert_eq!(a, b, "{q}");
        }
        // suggestions count matches inside the runs too
        assert_eq!(summary(&plain, "特此通知 火星"), summary(&stripped, "特此通知 火星"));
    }

    /// The counts full search passes to `kiosk_bm25`: FTS5's own for a word or a term of two
    /// characters in a store whose bodies hold all their text (the demo: no run of boilerplate
    /// taken out), at least the phrase's count for a longer term, and the same whether or not
    /// the store has bitmaps.
    #[test]
    fn the_items_counted_for_bm25_are_fts5s_own() {
        let (_dir, mut store) = demo_store();
        let fts5 = |store: &Store, e: &str| -> usize {
            store
                .connection()
                .query_row("SELECT count(*) FROM search_fts WHERE search_fts MATCH ?1", [e], |r| r.get::<_, i64>(0))
                .unwrap() as usize
        };
        let words = ["公开", "政府", "申请", "补贴", "2024", "政府信息公开", "信息公开", "依申请公开", "住房保障"];
        let count = |store: &Store| -> Vec<usize> {
            words.iter().map(|w| items_holding(store, &ts(w)[0], |t| term_query(t, true)).unwrap()).collect()
        };
        let before = count(&store);
        for (w, n) in words.iter().zip(&before) {
            let phrase = fts5(&store, &term_query(&ts(w)[0], true).unwrap());
            if w.chars().count() <= 2 || w.is_ascii() {
                assert_eq!(*n, phrase, "{w}");
            } else {
                assert!(*n >= phrase, "{w}: {n} counted, the phrase in {phrase}");
            }
        }
        assert!(before.iter().all(|&n| n > 0), "{before:?}");
        store.set_bitmap_min_docs(1);
        store.refresh_search_bitmaps().unwrap();
        assert_eq!(count(&store), before);
    }

    /// Full search keeps the matches that pass the filter while it counts them (one pass): the
    /// same matches, in the same order, as asking `keeps` of each, for every kind of filter and
    /// for a rowid the filter values do not know (an index newer than them).
    #[test]
    fn the_counting_pass_keeps_what_the_filter_keeps() {
        let (_d, store) = demo_store();
        let s = Searcher::new(&store).unwrap();
        let mut rowids = all_rowids(&store);
        rowids.push(rowids.last().unwrap() + 1000);
        let docs = store.documents(&DocFilter::default(), 10_000, 0).unwrap();
        let d = &docs[0];
        let mut filters = vec![
            SearchFilter::default(),
            SearchFilter { item: Some(ItemKind::Document), ..Default::default() },
            SearchFilter { item: Some(ItemKind::Guide), ..Default::default() },
            SearchFilter { item: Some(ItemKind::Faq), ..Default::default() },
            SearchFilter::any(DocFilter { area: d.area.clone(), ..Default::default() }),
            SearchFilter::any(DocFilter { publisher: Some(d.publisher.clone()), ..Default::default() }),
            SearchFilter::any(DocFilter { year: Some(d.published.year()), ..Default::default() }),
            SearchFilter::any(DocFilter { validity: Some(Validity::Valid), ..Default::default() }),
            SearchFilter::documents(DocFilter {
                kind: Some(d.kind),
                year: Some(d.published.year()),
                ..Default::default()
            }),
            SearchFilter::any(DocFilter { area: Some("没有这个地区".into()), ..Default::default() }),
        ];
        if let Some(c) = docs.iter().find_map(|d| store.document(&d.id).unwrap().and_then(|d| d.category)) {
            filters.push(SearchFilter::any(DocFilter { category: Some(c), ..Default::default() }));
        }
        let mut some_kept = 0;
        for f in &filters {
            let mut kept = Vec::new();
            let (total, counts) = s.facets.tally(&rowids, f, Some(&mut kept));
            let expected: Vec<i64> = rowids.iter().copied().filter(|&r| s.facets.keeps(r, f)).collect();
            assert_eq!(kept, expected, "{f:?}");
            // the counts are what they are without keeping
            assert_eq!(s.facets.tally(&rowids, f, None), (total, counts), "{f:?}");
            some_kept += usize::from(!kept.is_empty() && kept.len() < rowids.len());
        }
        assert!(some_kept >= 5, "the filters narrow: {some_kept}");
    }

    /// Scoring every kept match by walking the sorted lists gives, bit for bit and in the same
    /// order, the scores that looking each match up in maps gave (the way it was done before).
    #[test]
    fn ranking_by_walking_sorted_lists_scores_as_the_lookups_did() {
        let (_d, store) = demo_store();
        let s = Searcher::new(&store).unwrap();
        let kept: Vec<i64> = all_rowids(&store).into_iter().filter(|r| r % 5 != 1).collect();
        assert!(kept.len() > 50, "{}", kept.len());
        // scores for some kept matches and some not kept, title tier and plain, out of order,
        // one rowid twice (the last score counts, as in a map)
        let mut raw: Vec<(i64, f64)> = Vec::new();
        for (i, &r) in kept.iter().enumerate().rev() {
            match i % 4 {
                0 => raw.push((r, TITLE_TIER + 0.37 * i as f64)),
                1 => raw.push((r, 1.0 + 0.11 * i as f64)),
                2 => raw.push((r + 1, 2.5)),
                _ => {}
            }
        }
        raw.push((kept[1], 9.75));
        let pinyin: Vec<i64> = kept.iter().copied().filter(|r| r % 3 == 0).chain([0, 9_999_999]).collect();
        let this_year = 2026;

        // the way it was done before: a map lookup per match
        let map: HashMap<i64, f64> = raw.iter().copied().collect();
        let spans: HashSet<i64> = pinyin.iter().copied().collect();
        let expected: Vec<(i64, f64)> = kept
            .iter()
            .map(|&rowid| {
                let b = s.facets.boost(rowid, this_year);
                let bonus = if spans.contains(&rowid) { 2.0 * b } else { 0.0 };
                let sc = match map.get(&rowid) {
                    Some(sc) if *sc >= TITLE_TIER => TITLE_TIER + (sc - TITLE_TIER) * b,
                    Some(sc) => sc * b,
                    None => 0.0,
                };
                (rowid, sc + b + bonus)
            })
            .collect();

        let mut scores = raw.clone();
        by_rowid(&mut scores);
        let mut pinyin_sorted = pinyin.clone();
        pinyin_sorted.sort_unstable();
        let got = s.rank_matches(kept.clone(), &scores, &pinyin_sorted, this_year);
        let bits = |v: &[(i64, f64)]| v.iter().map(|(r, x)| (*r, x.to_bits())).collect::<Vec<_>>();
        assert_eq!(bits(&got), bits(&expected));
        assert!(got.iter().any(|x| x.1 >= TITLE_TIER) && got.iter().any(|x| x.1 < TITLE_TIER));
    }

    #[test]
    fn highlights_land_on_original_characters() {
        let h = highlight("港澳臺居民居住證申領須知", &ts("居住证"));
        assert_eq!(h.marked(), "港澳臺居民【居住證】申領須知");
        let s = snippet("本办法自2024年4月1日起施行。\n老年助餐补贴按月发放。", &ts("助餐 2024"), 40);
        assert_eq!(s.marked(), "本办法自【2024】年4月1日起施行。 老年【助餐】补贴按月发放。");
        let long = format!("{}重点在这里{}", "前".repeat(100), "后".repeat(100));
        let s = snippet(&long, &ts("重点"), 30);
        assert!(
            s.marked().starts_with('…') && s.marked().ends_with('…') && s.marked().contains("【重点】"),
            "{}",
            s.marked()
        );
    }

    #[test]
    fn word_prefix_highlight() {
        let h = highlight("PM2.5浓度", &ts("pm"));
        assert_eq!(h.marked(), "【PM2】.5浓度");
    }

    /// Issue 16, finding 2: `search "OR OR …"` (30,000 words) grew to 24 GB, 2,000 words took
    /// 20 s. The searched query is bounded, and says when it was cut.
    #[test]
    fn long_queries_are_cut_to_bounded_terms_and_characters() {
        let (q, cut) = bound_query(&"OR ".repeat(30_000));
        assert!(cut);
        assert_eq!(terms(&fold(&q).chars).len(), MAX_QUERY_TERMS, "{q}");
        let (q, cut) = bound_query(&"长".repeat(32_000));
        assert!(cut);
        assert_eq!(q.chars().count(), MAX_QUERY_CHARS);
        assert_eq!(bound_query("依申请公开 低保"), ("依申请公开 低保".to_string(), false));
        let (q, cut) = bound_query("a,b,c,d,e,f,g,h,i,j");
        assert_eq!((q.as_str(), cut), ("a,b,c,d,e,f,g,h,", true));
    }

    #[test]
    fn snippet_window_is_the_densest_and_linear() {
        // the same window as the quadratic search chose: the one covering the most matches
        let body = format!("{}税{}税税税{}", "甲".repeat(200), "乙".repeat(300), "丙".repeat(200));
        let s = snippet(&body, &ts("税"), 30);
        assert!(s.marked().contains("【税税税】") && !s.marked().contains("【税】"), "{}", s.marked());
        // many matches: one pass
        let many = "的".repeat(200_000);
        let s = snippet(&many, &ts("的"), 60);
        assert!(s.text.chars().count() <= 62);
    }
}
