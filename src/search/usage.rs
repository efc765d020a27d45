//! What a search counts for in the statistics, decided once here for the touch screen and the
//! command line alike: a new query counts as one search (paging through its results or
//! narrowing them by a filter is the same search), and a new query that found nothing puts its
//! words in the zero-result log — unless they may identify a person. The touch screen also
//! counts a title opened from the results shown while typing as a search that found something
//! (once for the same words).

use super::{SearchFilter, Searcher};
use crate::store::{Store, StoreError, UsageEvent};
use crate::text::fold::fold;
use crate::text::tokens::{Term, terms};

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
        expire_zero_results(store)?;
        match loggable_words(query) {
            Some(words) => store.record_zero_result(&words).map(|()| true),
            None => Ok(false),
        }
    }
}

/// How long the zero-result log keeps a day's lines.
pub const ZERO_RESULT_DAYS: i64 = 30;
/// The longest query the zero-result log keeps, in characters (spaces not counted)…
const MAX_LOGGED_CHARS: usize = 16;
/// …and in terms (words and CJK runs).
const MAX_LOGGED_TERMS: usize = 3;

/// Numerals written as Chinese characters. Two or more in a row are a number (a phone, an ID,
/// a house number written in words), which the log never keeps; one alone (统一, 一网通办) is
/// part of a word.
const CJK_NUMERALS: &str = "〇零一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟";

/// Words with which visitors speak of themselves ("我叫…", "住在…"): what follows is theirs.
const SELF_CUES: [&str; 9] = ["我叫", "我是", "我姓", "我住", "我的", "本人", "住在", "家住", "名叫"];

/// The words of a query as the zero-result log keeps them (folded, spaces collapsed), or `None`
/// when they might identify a person. The rule (docs/security.md, "Visitors' privacy"): the
/// log keeps only short topic words —
/// - no digit in any script (0–9, full-width, circled, Roman …), and no two Chinese numerals in a
///   row: phone, ID, bank card and house numbers, with or without separators, are never kept;
/// - no `@`, and no spelled-out address (`at`, `dot`);
/// - nothing said about oneself (我叫, 我是, 住在, 家住 …);
/// - at most 16 characters and 3 terms: a sentence or a list of names is never kept; a topic
///   ("低保 火星") is.
///
/// A name typed alone and nothing else is short enough to pass; it carries nothing that ties it
/// to a person (no number, no place, no time finer than the day), and the log forgets it after
/// [`ZERO_RESULT_DAYS`].
fn loggable_words(query: &str) -> Option<String> {
    let q: String = fold(query).text().split_whitespace().collect::<Vec<_>>().join(" ");
    if q.is_empty() || q.contains('@') {
        return None;
    }
    let mut numerals_in_a_row = 0;
    for c in q.chars() {
        if c.is_numeric() {
            return None;
        }
        if CJK_NUMERALS.contains(c) {
            numerals_in_a_row += 1;
            if numerals_in_a_row >= 2 {
                return None;
            }
        } else {
            numerals_in_a_row = 0;
        }
    }
    let ts = terms(&fold(&q).chars);
    let spelled_address = ts.iter().any(|t| matches!(t, Term::Word(w) if w == "at" || w == "dot"));
    if SELF_CUES.iter().any(|cue| q.contains(cue)) {
        return None;
    }
    let chars = q.chars().filter(|c| !c.is_whitespace()).count();
    if spelled_address || chars > MAX_LOGGED_CHARS || ts.len() > MAX_LOGGED_TERMS || ts.is_empty() {
        return None;
    }
    Some(q)
}

/// What the zero-result log would keep of `query` (`None`: nothing, it might identify a
/// person). The rule is [`loggable_words`]'s.
pub fn zero_result_words(query: &str) -> Option<String> {
    loggable_words(query)
}

/// Removes from the zero-result log every day older than [`ZERO_RESULT_DAYS`] and every line
/// the rule above would not keep now (lines an older version of the kiosk kept). Run before each
/// write and by `gongkai-kiosk zero-results`.
pub fn expire_zero_results(store: &Store) -> Result<(), StoreError> {
    let oldest = (chrono::Local::now().date_naive() - chrono::Duration::days(ZERO_RESULT_DAYS - 1))
        .format("%Y-%m-%d")
        .to_string();
    store.forget_zero_results_before(&oldest)?;
    for line in store.zero_result_queries()? {
        if loggable_words(&line.query).as_deref() != Some(line.query.as_str()) {
            store.forget_zero_result(&line.query)?;
        }
    }
    Ok(())
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

    /// Issue 16, finding 3: each of these was kept verbatim in the zero-result log.
    #[test]
    fn numbers_with_separators_or_in_words_names_addresses_and_spelled_emails_are_never_logged() {
        for personal in [
            "138 1234 5678",
            "138-1234-5678",
            "+86 138 1234 5678",
            "1101 0519 4912 3100 29",
            "6222 0212 3456 7890",
            "一三八一二三四五六七八",
            "王五 138 0013 8000",
            "我叫李小明住在望川路12号",
            "zhangsan at qq dot com",
            "１３８　１２３４",
            "①③⑧",
            "望川路十二号",
            "张三 李四 王五 赵六",
            "我叫李小明住在望川路",
        ] {
            assert_eq!(loggable_words(personal), None, "{personal}");
        }
        for topic in ["低保 火星", "一网通办", "统一社会信用代码", "zfxxgk", "residence permit"] {
            assert!(loggable_words(topic).is_some(), "{topic}");
        }
    }
}
