//! Instant search's ranking of a large set of title matches without SQLite's per-match work.
//!
//! FTS5 ranks a title match by bm25: for each phrase of the query its idf (from the number of
//! titles holding it) times a factor of how often the title holds it and of the title's length
//! in tokens. Asking SQLite for the best k of tens of thousands of matches costs a `docsize`
//! lookup and a `search_items` lookup per match (`Searcher::top`); here the lengths are held in
//! memory, one `u16` per title (1 MB at 500,000 titles), with FTS5's own totals, so the same
//! bm25 is computed in Rust, with the same formula in the same order of operations.
//!
//! The one difference: a title is scored as if it held each phrase once. A title holding a
//! query term twice (`税务局关于税收…` for `税`, a word repeated) gets a higher bm25 from FTS5
//! and the same bm25 as a title of its length holding it once from here. Every other title's
//! score is FTS5's to the last bit (`tests/search.rs` compares them).

use crate::store::{Store, body_rank};

/// Per rowid, the title's length in tokens, and the table's totals.
pub(super) struct TitleLengths {
    /// Tokens by rowid; [`UNKNOWN`] for a rowid with no title row, or a title this long.
    tokens: Vec<u16>,
    /// Titles in `search_titles` and their tokens, as FTS5's `averages` record holds them.
    rows: i64,
    total_tokens: i64,
}

const UNKNOWN: u16 = u16::MAX;

impl TitleLengths {
    /// Reads the lengths. If the store cannot give them (FTS5's records not in the format
    /// this build reads), says so in the log and leaves them out: instant search then ranks
    /// every title match inside SQLite, as exactly and more slowly.
    pub(super) fn load(store: &Store) -> Self {
        let mut tokens: Vec<u16> = Vec::new();
        let sizes = store.title_sizes(|rowid, n| {
            let Ok(at) = usize::try_from(rowid) else { return };
            if at >= tokens.len() {
                tokens.resize(at + 1, UNKNOWN);
            }
            tokens[at] = u16::try_from(n).unwrap_or(UNKNOWN);
        });
        match sizes {
            Ok((rows, total_tokens)) => {
                tokens.shrink_to_fit();
                TitleLengths { tokens, rows, total_tokens }
            }
            Err(e) => {
                tracing::warn!(error = %e, "title lengths not read: instant search ranks every title match in SQLite");
                TitleLengths { tokens: Vec::new(), rows: 0, total_tokens: 0 }
            }
        }
    }

    /// The title's length in tokens, if known.
    pub(super) fn tokens(&self, rowid: i64) -> Option<u16> {
        let n = *usize::try_from(rowid).ok().and_then(|i| self.tokens.get(i))?;
        (n != UNKNOWN).then_some(n)
    }

    /// Whether the totals can be used (FTS5 divides by the number of titles).
    pub(super) fn usable(&self) -> bool {
        self.rows > 0
    }

    /// The idf of a phrase found in `hits` titles, as FTS5's bm25 computes it.
    pub(super) fn idf(&self, hits: usize) -> f64 {
        body_rank::idf(self.rows, hits as i64)
    }

    /// bm25 (positive: higher is better) of a title of `tokens` tokens holding each phrase
    /// once, the phrases' idfs given.
    pub(super) fn bm25(&self, idfs: &[f64], tokens: u16) -> f64 {
        let avgdl = self.total_tokens as f64 / self.rows as f64;
        let d = f64::from(tokens);
        let freq = 1.0;
        let mut score = 0.0;
        for idf in idfs {
            score += body_rank::phrase_score(*idf, freq, d, avgdl);
        }
        score
    }
}
