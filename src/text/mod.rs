//! Chinese text as the index, search, the on-screen keyboard and the voice read it: folding
//! (traditional → simplified, width, case, inline pinyin), the index's tokens (CJK bigrams and
//! words) and the FTS5 expressions over them, pinyin readings with the matching of typed pinyin,
//! and a dictionary of words with their readings.
//!
//! Pure functions over strings: no store, no UI. The store writes its search rows with them and
//! `search` builds its queries with them, so both always agree on the token format.

pub mod dictionary;
pub mod fold;
pub mod pinyin;
pub mod tokens;
