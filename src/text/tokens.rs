//! Turning folded text into index tokens, and a query into an FTS5 expression over them.
//!
//! CJK text is indexed as overlapping bigrams (`政府信息` → `政府 府信 信息`) plus the last
//! character of each run as a unigram (`息`). A query of two or more CJK characters becomes the
//! phrase of its bigrams, which matches exactly where the string occurs; a one-character query
//! `X` becomes the prefix query `X*`, which finds every bigram starting with X and the unigram at
//! the end of a run — every occurrence. Letters and digits form word tokens.

use super::fold::{Folded, is_cjk};

/// A piece of a folded query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// A run of CJK characters.
    Cjk(Vec<char>),
    /// A run of letters and digits.
    Word(String),
}

impl Term {
    pub fn chars(&self) -> Vec<char> {
        match self {
            Term::Cjk(c) => c.clone(),
            Term::Word(w) => w.chars().collect(),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Term::Cjk(c) => c.len(),
            Term::Word(w) => w.chars().count(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk(c)
}

/// Splits folded characters into CJK runs and words; everything else separates.
pub fn terms(chars: &[char]) -> Vec<Term> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_cjk(c) {
            let start = i;
            while i < chars.len() && is_cjk(chars[i]) {
                i += 1;
            }
            out.push(Term::Cjk(chars[start..i].to_vec()));
        } else if is_word_char(c) {
            let start = i;
            while i < chars.len() && is_word_char(chars[i]) {
                i += 1;
            }
            out.push(Term::Word(chars[start..i].iter().collect()));
        } else {
            i += 1;
        }
    }
    out
}

/// The index text for folded text: tokens separated by spaces.
pub fn index_text(folded: &Folded) -> String {
    let mut out = String::with_capacity(folded.chars.len() * 7);
    for term in terms(&folded.chars) {
        match term {
            Term::Cjk(run) => {
                for w in run.windows(2) {
                    out.push(w[0]);
                    out.push(w[1]);
                    out.push(' ');
                }
                if let Some(last) = run.last() {
                    out.push(*last);
                    out.push(' ');
                }
            }
            Term::Word(w) => {
                out.push_str(&w);
                out.push(' ');
            }
        }
    }
    out
}

/// An FTS5 expression requiring every term (AND). `prefix_words` makes words match as prefixes
/// (while typing). Returns `None` when the query has nothing searchable.
pub fn fts_query(terms: &[Term], prefix_words: bool) -> Option<String> {
    let parts: Vec<String> = terms.iter().filter_map(|t| term_query(t, prefix_words)).collect();
    (!parts.is_empty()).then(|| parts.join(" AND "))
}

/// The FTS5 expression of one term.
pub fn term_query(t: &Term, prefix_words: bool) -> Option<String> {
    match t {
        Term::Cjk(run) if run.len() >= 2 => {
            let bigrams: Vec<String> = run.windows(2).map(|w| w.iter().collect()).collect();
            Some(format!("\"{}\"", bigrams.join(" ")))
        }
        Term::Cjk(run) => run.first().map(|c| format!("\"{c}\"*")),
        Term::Word(w) if w.is_empty() => None,
        Term::Word(w) => Some(if prefix_words { format!("\"{w}\"*") } else { format!("\"{w}\"") }),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fold::fold;
    use super::*;

    #[test]
    fn bigrams_and_end_unigram() {
        assert_eq!(index_text(&fold("政府信息")), "政府 府信 信息 息 ");
        assert_eq!(index_text(&fold("PM2.5浓度。下降")), "pm2 5 浓度 度 下降 降 ");
        assert_eq!(index_text(&fold("区")), "区 ");
    }

    #[test]
    fn queries() {
        let q = |s: &str, p| fts_query(&terms(&fold(s).chars), p);
        assert_eq!(q("依申請公開", false).unwrap(), "\"依申 申请 请公 公开\"");
        assert_eq!(q("税", false).unwrap(), "\"税\"*");
        assert_eq!(q("低保 标准", false).unwrap(), "\"低保\" AND \"标准\"");
        assert_eq!(q("ISO", true).unwrap(), "\"iso\"*");
        assert_eq!(q("，。！", false), None);
    }
}
