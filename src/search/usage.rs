//! What a search counts for in the statistics, decided once here for the touch screen and the
//! command line alike: a new query counts as one search (paging through its results or
//! narrowing them by a filter is the same search), and a new query that found nothing puts its
//! words in the zero-result log — unless they may identify a person.

use super::{SearchFilter, Searcher};
use crate::store::{Store, StoreError, UsageEvent};
use crate::text::fold::fold;

/// Counts a search that was run: `offset` is where its page of results starts, `total` how
/// many matched.
pub fn record_search(
    store: &Store,
    query: &str,
    filter: &SearchFilter,
    offset: usize,
    total: u64,
) -> Result<(), StoreError> {
    if offset > 0 || !filter.is_empty() {
        return Ok(());
    }
    store.record_usage(UsageEvent::Search { found: total > 0 })?;
    if total == 0 {
        Searcher::record_zero_result(store, query)?;
    }
    Ok(())
}

impl Searcher {
    /// Puts the words of a query that found nothing in today's zero-result log, unless they may
    /// hold something personal; returns whether they were kept.
    pub fn record_zero_result(store: &Store, query: &str) -> Result<bool, StoreError> {
        match loggable_words(query) {
            Some(words) => store.record_zero_result(&words).map(|()| true),
            None => Ok(false),
        }
    }
}

/// The words of a query as the zero-result log keeps them (folded, spaces collapsed), or `None`
/// when they may hold something personal: long runs of digits (ID and phone numbers), e-mail
/// addresses, or long text.
fn loggable_words(query: &str) -> Option<String> {
    let q: String = fold(query).text().split_whitespace().collect::<Vec<_>>().join(" ");
    let mut digits = 0;
    let mut max_digits = 0;
    for c in q.chars() {
        if c.is_ascii_digit() || c == 'x' {
            digits += 1;
            max_digits = max_digits.max(digits);
        } else {
            digits = 0;
        }
    }
    if q.is_empty() || q.chars().count() > 30 || max_digits >= 5 || q.contains('@') {
        return None;
    }
    Some(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_and_phone_numbers_and_addresses_are_never_logged() {
        assert_eq!(loggable_words("  火星  基地 ").as_deref(), Some("火星 基地"));
        assert_eq!(loggable_words("依申請公開").as_deref(), Some("依申请公开"));
        for personal in ["11010119900307123X", "13912345678", "zhang@example.org", &"长".repeat(31)] {
            assert_eq!(loggable_words(personal), None, "{personal}");
        }
    }
}
