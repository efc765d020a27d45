//! Which items match a query's terms, by rowid, without scoring them: a frequent token or
//! phrase from its bitmap in the store ([`crate::store::DocBitmap`]: one read for a word in
//! most documents), a term inside a run of boilerplate from FTS5 and that run's bitmap, the
//! other terms through FTS5, all combined. The result is exactly what FTS5 alone would list
//! over bodies with their boilerplate; only the time differs.

use crate::store::{DocBitmap, IndexTable, Store, StoreError};
use crate::text::tokens::{Term, term_query};

/// The items matching a query: a bitmap, or rowids ascending.
#[derive(Debug, Clone)]
pub enum Matches {
    Bitmap(DocBitmap),
    Rowids(Vec<i64>),
}

impl Matches {
    pub fn into_rowids(self) -> Vec<i64> {
        match self {
            Matches::Bitmap(b) => b.rowids(),
            Matches::Rowids(r) => r,
        }
    }

    /// The items in both.
    pub fn and(self, other: Matches) -> Matches {
        match (self, other) {
            (Matches::Bitmap(mut a), Matches::Bitmap(b)) => {
                a.and(&b);
                Matches::Bitmap(a)
            }
            (Matches::Bitmap(a), Matches::Rowids(mut r)) | (Matches::Rowids(mut r), Matches::Bitmap(a)) => {
                r.retain(|&x| a.contains(x));
                Matches::Rowids(r)
            }
            (Matches::Rowids(a), Matches::Rowids(b)) => Matches::Rowids(intersect(&a, &b)),
        }
    }

    /// Adds these matches to `all`.
    pub fn add_to(&self, all: &mut DocBitmap) {
        match self {
            Matches::Bitmap(b) => all.or(b),
            Matches::Rowids(r) => r.iter().for_each(|&r| all.insert(r)),
        }
    }
}

/// The rowids matching an FTS5 expression in one index table, ascending.
pub fn rowids_matching(store: &Store, table: &str, expr: &str) -> Result<Vec<i64>, StoreError> {
    let err = store.sql_error();
    let mut stmt = store
        .connection()
        .prepare_cached(&format!("SELECT rowid FROM {table} WHERE {table} MATCH ?1"))
        .map_err(&err)?;
    // one integer per row, read in place: at hundreds of thousands of rows, the per-row
    // conversions of `query_map` cost as much as FTS5's own listing
    let mut rows = stmt.query([expr]).map_err(&err)?;
    let mut v: Vec<i64> = Vec::new();
    while let Some(row) = rows.next().map_err(&err)? {
        v.push(row.get_ref(0).and_then(|r| r.as_i64().map_err(Into::into)).map_err(&err)?);
    }
    if !v.is_sorted() {
        v.sort_unstable();
    }
    Ok(v)
}

/// The bitmap a term of `table` can have ([`IndexTable::bitmap_of_term`]): only a CJK term.
fn bitmap_key(table: IndexTable, t: &Term) -> Option<(IndexTable, String)> {
    let Term::Cjk(run) = t else { return None };
    table.bitmap_of_term(run.len()).map(|b| (b, run.iter().collect()))
}

/// The items of `table` matching every term of `ts`; `expr` gives a term's FTS5 expression (None:
/// the term constrains nothing). A term that is one frequent token is read from its bitmap; the
/// rest go to FTS5 as one AND. None when no term gives an expression.
pub fn matching_all(
    store: &Store,
    table: IndexTable,
    ts: &[Term],
    expr: impl Fn(&Term) -> Option<String>,
) -> Result<Option<Matches>, StoreError> {
    let mut bits: Option<DocBitmap> = None;
    let mut exprs: Vec<String> = Vec::new();
    for t in ts {
        let Some(e) = expr(t) else { continue };
        // a frequent token or phrase: its items, runs of boilerplate included
        let mut bitmap = match bitmap_key(table, t) {
            Some((table, token)) => store.search_bitmap(table, &token)?,
            None => None,
        };
        // A term inside a run of boilerplate: the items holding the run match it as well, the
        // runs having been taken out of `search_fts`'s bodies (a token's bitmap counts them).
        if bitmap.is_none()
            && table == IndexTable::Text
            && let Term::Cjk(run) = t
            && let Some(mut b) = store.search_boilerplate(&run.iter().collect::<String>())?
        {
            for r in rowids_matching(store, table.name(), &e)? {
                b.insert(r);
            }
            bitmap = Some(b);
        }
        match (bitmap, &mut bits) {
            (Some(b), Some(acc)) => acc.and(&b),
            (Some(b), None) => bits = Some(b),
            (None, _) => exprs.push(e),
        }
    }
    if exprs.is_empty() {
        return Ok(bits.map(Matches::Bitmap));
    }
    let mut rowids = rowids_matching(store, table.name(), &exprs.join(" AND "))?;
    if let Some(b) = bits {
        rowids.retain(|&r| b.contains(r));
    }
    Ok(Some(Matches::Rowids(rowids)))
}

/// How many items' text holds `t`, for its idf in the ranking of bodies: a term of two
/// characters or fewer (or a word) is counted exactly as [`matching_all`] finds it; a longer one
/// as the items holding every one of its bigrams, anywhere (an upper bound of the phrase's
/// items, from the bitmaps where its bigrams are frequent, so that a phrase in 100,000
/// documents is not listed a second time only to be counted). The same count with or without
/// bitmaps.
pub fn items_holding(store: &Store, t: &Term, expr: impl Fn(&Term) -> Option<String>) -> Result<usize, StoreError> {
    let found = match t {
        Term::Cjk(run) if run.len() > 2 => {
            let bigrams: Vec<Term> = run.windows(2).map(|w| Term::Cjk(w.to_vec())).collect();
            matching_all(store, IndexTable::Text, &bigrams, |t| term_query(t, false))?
        }
        t => matching_all(store, IndexTable::Text, std::slice::from_ref(t), expr)?,
    };
    Ok(match found {
        Some(Matches::Bitmap(b)) => b.len(),
        Some(Matches::Rowids(r)) => r.len(),
        None => 0,
    })
}

/// The items of `table` matching any of `groups`, each group an AND of terms as in
/// [`matching_all`]; None when no group gives an expression.
pub fn matching_any(
    store: &Store,
    table: IndexTable,
    groups: &[Vec<Term>],
    expr: impl Fn(&Term) -> Option<String> + Copy,
) -> Result<Option<Matches>, StoreError> {
    let mut found: Vec<Matches> = Vec::new();
    for g in groups {
        found.extend(matching_all(store, table, g, expr)?);
    }
    if found.len() <= 1 {
        return Ok(found.pop());
    }
    let mut all = DocBitmap::default();
    for m in &found {
        m.add_to(&mut all);
    }
    Ok(Some(Matches::Bitmap(all)))
}

/// The rowids in both ascending lists.
fn intersect(a: &[i64], b: &[i64]) -> Vec<i64> {
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}
