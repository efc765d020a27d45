//! Search as Chinese visitors search: full text over documents, guides and FAQ with CJK bigrams
//! in SQLite FTS5, folding of traditional characters, width and case, pinyin (full, initials,
//! mixed) over titles, ranking, filters with counts, highlighted snippets in the original
//! characters, and suggestions instead of dead ends.

mod facets;
pub mod fold;
pub mod index;
pub mod pinyin;
mod query;
pub mod tokens;

pub use index::ItemKind;
pub use query::{
    FacetCounts, Highlighted, Hit, PinyinIndex, SearchFilter, SearchResults, Searcher, Suggestion, highlight, snippet,
};
