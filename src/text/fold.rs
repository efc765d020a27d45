//! Text folding, applied alike at index and at query time, so that 依申請公開, 依申请公开 and
//! ＩＳＯ match iso: traditional → simplified (character by character from OpenCC's table, then
//! common vocabulary differences such as 資訊 → 信息 where written in traditional), full-width → half-width, lower case, and
//! inline pinyin annotations removed (`東鄉(xiāng)區` → 东乡区).
//!
//! Folding never changes the number of characters except by dropping annotations, and it keeps,
//! for every folded character, the byte offset of the original character it came from: a match
//! found in folded text is highlighted in the document's own characters.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

/// Folded text and where each of its characters came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folded {
    pub chars: Vec<char>,
    /// For each folded character: byte offset of its original character.
    pub origin: Vec<usize>,
    /// Byte length of the original text (end of the last character).
    pub original_len: usize,
}

impl Folded {
    pub fn text(&self) -> String {
        self.chars.iter().collect()
    }

    /// Byte range in the original text covering folded characters `start..end`.
    pub fn original_range(&self, start: usize, end: usize, original: &str) -> std::ops::Range<usize> {
        let from = self.origin.get(start).copied().unwrap_or(self.original_len);
        let to = if end < self.origin.len() { self.origin[end] } else { self.original_len };
        // `origin[end]` may be past dropped annotation text; trim back to the previous character.
        let last = end.checked_sub(1).and_then(|i| self.origin.get(i)).copied();
        let to = match last {
            Some(l) => {
                let after_last = l + original[l..].chars().next().map_or(0, char::len_utf8);
                to.min(after_last).max(from)
            }
            None => to,
        };
        from..to
    }
}

/// A traditional phrase and its simplified form (same length).
type Phrase = (Vec<char>, Vec<char>);

struct Tables {
    chars: CharMap<char>,
    /// Folded traditional phrase → simplified phrase, same length, keyed by first char.
    phrases: CharMap<Vec<Phrase>>,
}

/// A map keyed by characters, hashed by one multiplication: folding looks up every character
/// of every text it folds two or three times, and the standard hasher (SipHash, made to resist
/// chosen keys) was most of folding's time. The keys here are the fixed tables, never a
/// visitor's input, so there is nothing to resist.
type CharMap<V> = HashMap<char, V, BuildHasherDefault<CharHasher>>;

#[derive(Default)]
struct CharHasher(u64);

impl Hasher for CharHasher {
    fn write(&mut self, bytes: &[u8]) {
        // not used by `char` keys (they hash through `write_u32`); kept correct all the same
        for &b in bytes {
            self.write_u32(u32::from(b));
        }
    }

    fn write_u32(&mut self, n: u32) {
        // Fibonacci hashing; the map takes its bucket from the low bits and its tag from the
        // top seven, so the product is folded so that both depend on every bit of the character
        let h = (self.0 ^ u64::from(n)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = h ^ (h >> 32);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut chars = CharMap::default();
        for (trad, simp) in hanconv::Dictionary::TSCharacters.iter() {
            let (mut t, mut s) = (trad.chars(), simp.chars());
            if let (Some(tc), None, Some(sc)) = (t.next(), t.next(), s.next())
                && tc != sc
            {
                chars.entry(tc).or_insert(sc);
            }
        }
        let fold_chars = |s: &str| -> Vec<char> { s.chars().map(|c| fold_char_with(&chars, c)).collect() };
        let mut phrases: CharMap<Vec<Phrase>> = CharMap::default();
        for (tw, cn) in hanconv::Dictionary::TWPhrasesRev.iter() {
            // a phrase written with characters both scripts share (位元 → 比特, 介面 → 接口)
            // never applies: see `fold`
            if !tw.chars().any(|c| chars.contains_key(&c)) {
                continue;
            }
            let from = fold_chars(tw);
            // the phrase table's mainland side may still hold traditional characters (社區):
            // what folding gives out is always folded
            let to = fold_chars(cn);
            if from.len() == to.len() && from.len() >= 2 && from != to {
                phrases.entry(from[0]).or_default().push((from, to));
            }
        }
        for list in phrases.values_mut() {
            list.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
        }
        Tables { chars, phrases }
    })
}

fn fold_char_with(map: &CharMap<char>, c: char) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    };
    if c.is_ascii_uppercase() {
        return c.to_ascii_lowercase();
    }
    map.get(&c).copied().unwrap_or(c)
}

/// Folds one character (without phrase context).
pub fn fold_char(c: char) -> char {
    fold_char_with(&tables().chars, c)
}

pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2A6DF | 0x2A700..=0x2EBEF | 0x30000..=0x3134F | 0x3007)
}

/// Is `s` (from an opening bracket) a pinyin annotation like `(xiāng)` or `（xiang1）`? Returns
/// its length in bytes including both brackets.
fn annotation_len(s: &str) -> Option<usize> {
    let close = if s.starts_with('(') {
        ')'
    } else if s.starts_with('（') {
        '）'
    } else {
        return None;
    };
    let open_len = s.chars().next()?.len_utf8();
    let inner_end = s[open_len..].find(close)?;
    let inner = &s[open_len..open_len + inner_end];
    let letters = inner.chars().filter(|c| c.is_alphabetic()).count();
    let ok = (1..=12).contains(&inner.chars().count())
        && letters >= 1
        && inner.chars().all(|c| is_pinyin_letter(c) || c.is_ascii_digit() || c == ' ' || c == '\'');
    ok.then(|| open_len + inner_end + close.len_utf8())
}

fn is_pinyin_letter(c: char) -> bool {
    c.is_ascii_lowercase() || "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ".contains(c)
}

/// Folds `text` for indexing and matching.
pub fn fold(text: &str) -> Folded {
    let t = tables();
    let mut chars = Vec::with_capacity(text.len() / 2);
    let mut origin = Vec::with_capacity(text.len() / 2);
    let mut iter = text.char_indices().peekable();
    // whether each folded character was written in traditional (the character table changed it)
    let mut traditional = Vec::with_capacity(text.len() / 2);
    let mut prev_cjk = false;
    while let Some((i, c)) = iter.next() {
        if prev_cjk
            && (c == '(' || c == '（')
            && let Some(n) = annotation_len(&text[i..])
        {
            // skip the annotation
            while let Some(&(j, _)) = iter.peek() {
                if j >= i + n {
                    break;
                }
                iter.next();
            }
            continue;
        }
        let f = fold_char_with(&t.chars, c);
        prev_cjk = is_cjk(f);
        chars.push(f);
        origin.push(i);
        traditional.push(t.chars.contains_key(&c));
    }
    // vocabulary: equal-length phrase replacements, left to right, longest first — only where
    // the phrase was written in traditional characters. In simplified text the same characters
    // are other words side by side (这一位元首 is 一位 + 元首, not 位元 → 比特; 工资讯息 is
    // 工资 + 讯息), and replacing them would lose those words to search.
    // (a text with no traditional character has no phrase to replace)
    let mut k = if traditional.contains(&true) { 0 } else { chars.len() };
    while k < chars.len() {
        if let Some(list) = t.phrases.get(&chars[k])
            && let Some((from, to)) = list.iter().find(|(from, _)| chars[k..].starts_with(from))
            && traditional[k..k + from.len()].contains(&true)
        {
            chars[k..k + from.len()].copy_from_slice(to);
            k += from.len();
            continue;
        }
        k += 1;
    }
    Folded { chars, origin, original_len: text.len() }
}

/// Folds text and returns only the string (for queries and keys).
pub fn fold_str(text: &str) -> String {
    fold(text).text()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_becomes_simplified() {
        assert_eq!(fold_str("依申請公開"), "依申请公开");
        assert_eq!(fold_str("港澳臺居民居住證申領須知"), "港澳台居民居住证申领须知");
        assert_eq!(fold_str("政府資訊公開"), "政府信息公开");
        // simplified text stays simplified, inside vocabulary fixes too
        assert_eq!(fold_str("朝阳社区"), "朝阳社区");
        assert_eq!(fold_str("朝陽社區"), "朝阳社区");
    }

    #[test]
    fn vocabulary_is_replaced_only_where_it_was_written_in_traditional() {
        // simplified text: words side by side that look like a Taiwan phrase stay as written
        assert_eq!(fold_str("这一位元首"), "这一位元首");
        assert_eq!(fold_str("工资讯息"), "工资讯息");
        assert_eq!(fold_str("中介面临"), "中介面临");
        assert_eq!(fold_str("并列印发"), "并列印发");
        assert_eq!(fold_str("新闻资讯"), "新闻资讯");
        // traditional text: the vocabulary still folds
        assert_eq!(fold_str("新聞資訊"), "新闻信息");
        assert_eq!(fold_str("這一位元首"), "这一位元首");
        // one traditional character in the phrase is enough
        assert_eq!(fold_str("政府资訊"), "政府信息");
    }

    #[test]
    fn width_and_case() {
        assert_eq!(fold_str("ＰＭ２．５　ISO"), "pm2.5 iso");
    }

    #[test]
    fn pinyin_annotations_are_dropped_and_offsets_kept() {
        let text = "東鄉(xiāng)區居民";
        let f = fold(text);
        assert_eq!(f.text(), "东乡区居民");
        let r = f.original_range(1, 3, text);
        assert_eq!(&text[r], "鄉(xiāng)區");
        let r = f.original_range(2, 5, text);
        assert_eq!(&text[r], "區居民");
        // ordinary brackets stay
        assert_eq!(fold_str("第一条(总则)"), "第一条(总则)");
    }

    #[test]
    fn highlight_range_maps_back_to_original_characters() {
        let text = "本文以繁體中文發布";
        let f = fold(text);
        let folded = f.text();
        let at = folded.chars().collect::<Vec<_>>().windows(2).position(|w| w == ['繁', '体']).unwrap();
        assert_eq!(&text[f.original_range(at, at + 2, text)], "繁體");
    }
}
