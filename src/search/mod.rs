//! Search as Chinese visitors search: full text over documents, guides and FAQ (CJK bigrams in
//! the store's FTS5 tables), folding of traditional characters, width and case, pinyin (full,
//! initials, mixed) over titles, ranking, filters with counts, highlighted snippets in the
//! original characters, suggestions instead of dead ends, and what a search counts for in the
//! statistics.
//!
//! The store owns and writes the search tables (`store::search_index`); this module only builds
//! queries over them, with the token format of [`crate::text`].

mod facets;
mod matching;
mod pinyin_index;
mod query;
mod title_rank;
mod usage;

pub use facets::{FacetCounts, SearchFilter};
pub use pinyin_index::PinyinIndex;
pub use query::{
    AttachmentHit, Highlighted, Hit, MAX_QUERY_CHARS, MAX_QUERY_TERMS, SearchResults, Searcher, Suggestion,
    bound_query, highlight, snippet,
};
pub use usage::{ZERO_RESULT_DAYS, expire_zero_results, record_search, zero_result_words};
