//! Search filters and their counts: `SearchFilter` (the kind of item plus the catalogue's
//! `DocFilter`), and the filter values of every indexed item held in memory with their strings
//! interned, so that counting a query's matches per filter value and applying the ranking boosts
//! needs only the matching rowids — no row of the store is read per match.

use std::collections::HashMap;

use serde::Serialize;

use crate::content::ItemKind;
use crate::store::{DocFilter, Store, StoreError};

/// Narrows full results: the kind of item, and the catalogue's document filter. A document
/// filter that is set (kind, area, publisher, year, 主题分类, validity) leaves guides and FAQ out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchFilter {
    pub item: Option<ItemKind>,
    pub doc: DocFilter,
}

impl SearchFilter {
    /// Documents only, narrowed by `doc`.
    pub fn documents(doc: DocFilter) -> Self {
        SearchFilter { item: Some(ItemKind::Document), doc }
    }

    /// Every kind of item, narrowed by `doc` when it is set.
    pub fn any(doc: DocFilter) -> Self {
        SearchFilter { item: None, doc }
    }

    /// Whether nothing is narrowed (a new query rather than a refinement of one).
    pub fn is_empty(&self) -> bool {
        *self == SearchFilter::default()
    }
}

/// The number of matches per value of each filter (each over the matches that pass every other
/// filter), most first; years newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FacetCounts {
    pub item: Vec<(String, u64)>,
    pub kind: Vec<(String, u64)>,
    pub area: Vec<(String, u64)>,
    pub publisher: Vec<(String, u64)>,
    pub year: Vec<(String, u64)>,
    pub validity: Vec<(String, u64)>,
}

const NONE: u32 = u32::MAX;

#[derive(Debug, Clone, Copy)]
struct Row {
    item: ItemKind,
    /// Interned codes; `NONE` for guides and FAQ entries, and for a document without an area.
    kind: u32,
    area: u32,
    publisher: u32,
    validity: u32,
    /// 主题分类 (full path), not counted: it only narrows.
    category: u32,
    year: i32,
}

/// Filter values by rowid (rowids are small and dense, so a vector indexed by rowid).
pub struct FacetIndex {
    rows: Vec<Option<Row>>,
    /// Lowest and highest document year, for counting years in a vector.
    years: (i32, i32),
    strings: Vec<String>,
    codes: HashMap<String, u32>,
    /// Ranking's validity factor of each code (see [`Self::boost`]), so that scoring a match
    /// compares no strings.
    validity_factor: Vec<f64>,
}

/// The filter dimensions, in a fixed order.
const DIMS: usize = 6;

impl FacetIndex {
    pub fn load(store: &Store) -> Result<Self, StoreError> {
        let sql = store.sql_error();
        let mut idx = FacetIndex {
            rows: Vec::new(),
            years: (i32::MAX, i32::MIN),
            strings: Vec::new(),
            codes: HashMap::new(),
            validity_factor: Vec::new(),
        };
        let mut stmt = store
            .connection()
            .prepare(
                "SELECT i.rowid, i.kind, i.doc_kind, i.area, i.publisher, i.validity, i.year, d.category
                 FROM search_items i LEFT JOIN documents d ON i.kind = 'document' AND d.id = i.id",
            )
            .map_err(sql)?;
        let mut q = stmt.query([]).map_err(sql)?;
        while let Some(r) = q.next().map_err(sql)? {
            let rowid: i64 = r.get(0).map_err(sql)?;
            let item = ItemKind::parse(&r.get::<_, String>(1).map_err(sql)?).unwrap_or(ItemKind::Document);
            let mut code = |i: usize| -> Result<u32, StoreError> {
                let v: Option<String> = r.get(i).map_err(sql)?;
                Ok(match v {
                    Some(s) => idx.intern(s),
                    None => NONE,
                })
            };
            let row = Row {
                item,
                kind: code(2)?,
                area: code(3)?,
                publisher: code(4)?,
                validity: code(5)?,
                category: code(7)?,
                year: r.get::<_, Option<i32>>(6).map_err(sql)?.unwrap_or(0),
            };
            let Ok(at) = usize::try_from(rowid) else { continue };
            if at >= idx.rows.len() {
                idx.rows.resize(at + 1, None);
            }
            if row.kind != NONE {
                idx.years = (idx.years.0.min(row.year), idx.years.1.max(row.year));
            }
            idx.rows[at] = Some(row);
        }
        idx.rows.shrink_to_fit();
        idx.strings.shrink_to_fit();
        idx.validity_factor = idx
            .strings
            .iter()
            .map(|s| match s.as_str() {
                "valid" => 1.0,
                "amended" => 0.8,
                _ => 0.5,
            })
            .collect();
        Ok(idx)
    }

    fn row(&self, rowid: i64) -> Option<&Row> {
        usize::try_from(rowid).ok().and_then(|i| self.rows.get(i)).and_then(Option::as_ref)
    }

    fn intern(&mut self, s: String) -> u32 {
        if let Some(&c) = self.codes.get(&s) {
            return c;
        }
        let c = self.strings.len() as u32;
        self.codes.insert(s.clone(), c);
        self.strings.push(s);
        c
    }

    fn code(&self, s: &str) -> u32 {
        // a value no item has: matches nothing (NONE - 1 is never handed out)
        self.codes.get(s).copied().unwrap_or(NONE - 1)
    }

    /// Which of the six filters (type, kind, area, publisher, year, validity) the row passes.
    fn passes(&self, row: &Row, want: &Wanted) -> [bool; DIMS] {
        [
            want.item.is_none_or(|i| i == row.item),
            want.kind.is_none_or(|k| k == row.kind),
            want.area.is_none_or(|a| a == row.area),
            want.publisher.is_none_or(|p| p == row.publisher),
            want.year.is_none_or(|y| row.kind != NONE && y == row.year),
            want.validity.is_none_or(|v| v == row.validity),
        ]
    }

    fn wanted(&self, f: &SearchFilter) -> Wanted {
        let d = &f.doc;
        Wanted {
            item: f.item,
            kind: d.kind.map(|k| self.code(k.key())),
            area: d.area.as_deref().map(|a| self.code(a)),
            publisher: d.publisher.as_deref().map(|p| self.code(p)),
            year: d.year,
            validity: d.validity.map(|v| self.code(v.key())),
            // a 主题分类 matches itself and everything below it
            category: d.category.as_deref().map(|c| {
                let below = format!("{c}\\");
                let mut codes: Vec<u32> = (0..self.strings.len() as u32)
                    .filter(|&i| {
                        let s = &self.strings[i as usize];
                        s == c || s.starts_with(&below)
                    })
                    .collect();
                codes.sort_unstable();
                codes
            }),
        }
    }

    /// Whether the row is in the wanted 主题分类 (always, when none is wanted).
    fn in_category(row: &Row, want: &Wanted) -> bool {
        want.category.as_ref().is_none_or(|codes| codes.binary_search(&row.category).is_ok())
    }

    /// Whether an item passes every filter. Unknown rowids (an index newer than this table)
    /// pass only an empty filter. Search keeps its matches while [`Self::tally`] counts them;
    /// this is what the tests hold that pass against.
    #[cfg(test)]
    pub fn keeps(&self, rowid: i64, f: &SearchFilter) -> bool {
        let want = self.wanted(f);
        match self.row(rowid) {
            Some(row) => Self::in_category(row, &want) && self.passes(row, &want).iter().all(|p| *p),
            None => *f == SearchFilter::default(),
        }
    }

    /// The ranking factor besides relevance: validity (有效 above 失效 and 废止) and recency for
    /// documents, a fixed weight for guides and FAQ.
    pub fn boost(&self, rowid: i64, this_year: i32) -> f64 {
        let Some(row) = self.row(rowid) else { return 1.0 };
        match row.item {
            ItemKind::Guide => 1.6,
            ItemKind::Faq => 1.2,
            ItemKind::Board => 1.0,
            ItemKind::Document => {
                let validity = self.validity_factor.get(row.validity as usize).copied().unwrap_or(0.5);
                let age = (this_year - row.year).max(0) as f64;
                validity * (1.0 + 0.5 * (1.0 - age / 10.0).max(0.0))
            }
        }
    }

    /// The number of matches passing the filter, and per filter the counts of its values over
    /// the matches that pass every other filter. With `kept`, also the matches that pass every
    /// filter, in the order given: those [`Self::keeps`] keeps.
    pub fn tally(&self, rowids: &[i64], f: &SearchFilter, mut kept: Option<&mut Vec<i64>>) -> (u64, FacetCounts) {
        let want = self.wanted(f);
        let keep_unknown = *f == SearchFilter::default();
        let mut total = 0;
        // Counts per code in vectors (codes and years are small dense integers).
        let (y0, y1) = self.years;
        let year_slots = if y1 >= y0 { (y1 - y0 + 1) as usize } else { 0 };
        let mut counts: [Vec<u64>; DIMS] =
            std::array::from_fn(|d| vec![0u64; if d == 4 { year_slots } else { self.strings.len() }]);
        // per kind of item, in `ItemKind::ALL`'s order
        let mut items = [0u64; ItemKind::ALL.len()];
        for &rowid in rowids {
            let Some(row) = self.row(rowid) else {
                // not counted; kept by an empty filter, as `keeps` keeps it
                if keep_unknown && let Some(k) = kept.as_deref_mut() {
                    k.push(rowid);
                }
                continue;
            };
            if !Self::in_category(row, &want) {
                continue;
            }
            let pass = self.passes(row, &want);
            let failing = pass.iter().filter(|p| !**p).count();
            if failing == 0 {
                total += 1;
                if let Some(k) = kept.as_deref_mut() {
                    k.push(rowid);
                }
            }
            let year_slot = if row.kind != NONE { (row.year - y0) as u32 } else { NONE };
            let values = [0, row.kind, row.area, row.publisher, year_slot, row.validity];
            for d in 0..DIMS {
                // counted if every *other* filter passes
                if failing == 0 || (failing == 1 && !pass[d]) {
                    if d == 0 {
                        items[row.item as usize] += 1;
                    } else if row.kind != NONE && values[d] != NONE {
                        counts[d][values[d] as usize] += 1;
                    }
                }
            }
        }
        let named = |m: &Vec<u64>, year: bool| -> Vec<(String, u64)> {
            let mut v: Vec<(String, u64)> = m
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(|(c, &n)| (if year { (y0 + c as i32).to_string() } else { self.strings[c].clone() }, n))
                .collect();
            if year {
                v.sort_by(|a, b| b.0.cmp(&a.0));
            } else {
                v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            }
            v
        };
        let mut item: Vec<(String, u64)> =
            ItemKind::ALL.iter().zip(items).filter(|(_, n)| *n > 0).map(|(k, n)| (k.key().to_string(), n)).collect();
        item.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let counts = FacetCounts {
            item,
            kind: named(&counts[1], false),
            area: named(&counts[2], false),
            publisher: named(&counts[3], false),
            year: named(&counts[4], true),
            validity: named(&counts[5], false),
        };
        (total, counts)
    }
}

struct Wanted {
    item: Option<ItemKind>,
    kind: Option<u32>,
    area: Option<u32>,
    publisher: Option<u32>,
    year: Option<i32>,
    validity: Option<u32>,
    /// The codes of the wanted 主题分类 and of every one below it, sorted.
    category: Option<Vec<u32>>,
}
