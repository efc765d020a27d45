//! Pinyin search of titles, guide names and FAQ questions: full pinyin (`zhengfu`), initials
//! (`zfxxgk`) and any mix (`zhengfuxxgk`), with every reading of a polyphone (银行 yinhang,
//! 重庆 chongqing, 长春 changchun).
//!
//! A title is stored as its readings, one group per character (`zheng fu xin xi gong kai`;
//! polyphones as `xing/hang/heng`). A query matches if, starting at some character, each next
//! character is typed as its full reading, as its initial (`z`, or `zh`/`ch`/`sh`), or — for the
//! last character only — as the start of its reading (typing in progress).

use pinyin::ToPinyinMulti;

use super::fold::{fold_char, is_cjk};

/// The readings of one character: lower-case plain pinyin, or the character itself for
/// letters and digits.
pub type Readings = Vec<String>;

/// Readings of each searchable character of `title` (CJK, letters, digits); punctuation is
/// skipped. Returns the readings and, for each, the char index in `title`.
pub fn title_readings(title: &str) -> Vec<(usize, Readings)> {
    let mut out = Vec::new();
    for (i, c) in title.chars().enumerate() {
        let f = fold_char(c);
        if is_cjk(f) {
            let mut r: Readings = Vec::new();
            // the folded (simplified) character first, then the original for characters the
            // dictionary only knows in one form
            for ch in [f, c] {
                if let Some(multi) = ch.to_pinyin_multi() {
                    for p in multi {
                        let plain = p.plain().replace('ü', "v");
                        if !r.contains(&plain) && r.len() < 6 {
                            r.push(plain);
                        }
                    }
                }
            }
            if !r.is_empty() {
                out.push((i, r));
            }
        } else if f.is_ascii_alphanumeric() {
            out.push((i, vec![f.to_string()]));
        }
    }
    out
}

/// Whether `c` is a group of [`title_readings`]: a CJK character with a reading, a letter or a
/// digit.
fn has_readings(c: char) -> bool {
    let f = fold_char(c);
    if is_cjk(f) { f.to_pinyin_multi().is_some() || c.to_pinyin_multi().is_some() } else { f.is_ascii_alphanumeric() }
}

/// The bytes of `title` that groups `start .. start + n` of its [`title_readings`] cover (a
/// pinyin match's span), found without reading the pinyin.
pub fn group_span(title: &str, start: usize, n: usize) -> Option<std::ops::Range<usize>> {
    let last = (start + n).checked_sub(1)?;
    let mut from = None;
    for (g, (i, c)) in title.char_indices().filter(|&(_, c)| has_readings(c)).enumerate() {
        if g == start {
            from = Some(i);
        }
        if g == last {
            return Some(from?..i + c.len_utf8());
        }
    }
    None
}

/// Serializes readings for storage: groups separated by spaces, alternatives by `/`.
pub fn encode(readings: &[(usize, Readings)]) -> String {
    readings.iter().map(|(_, r)| r.join("/")).collect::<Vec<_>>().join(" ")
}

/// Parses what [`encode`] wrote.
pub fn decode(s: &str) -> Vec<Readings> {
    s.split(' ').filter(|g| !g.is_empty()).map(|g| g.split('/').map(str::to_string).collect()).collect()
}

/// The query as pinyin letters, if it is one: ASCII letters and digits only (spaces and `'`
/// ignored), at least one letter.
pub fn pinyin_query(q: &str) -> Option<String> {
    let s: String = q.chars().filter(|c| !matches!(c, ' ' | '\'' | '　')).map(fold_char).collect();
    (!s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric()) && s.chars().any(|c| c.is_ascii_alphabetic()))
        .then_some(s)
}

fn initials(r: &str) -> [Option<&str>; 2] {
    let two = ["zh", "ch", "sh"].iter().find(|p| r.starts_with(**p)).map(|p| &r[..p.len()]);
    [r.get(..1), two]
}

/// Groups of readings, one group per character, however they are stored.
pub trait Groups {
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The `k`-th reading of group `g`, if any.
    fn reading(&self, g: usize, k: usize) -> Option<&str>;
}

impl Groups for [Readings] {
    fn len(&self) -> usize {
        <[Readings]>::len(self)
    }
    fn reading(&self, g: usize, k: usize) -> Option<&str> {
        self.get(g)?.get(k).map(String::as_str)
    }
}

impl Groups for Vec<Readings> {
    fn len(&self) -> usize {
        <[Readings]>::len(self)
    }
    fn reading(&self, g: usize, k: usize) -> Option<&str> {
        self.get(g)?.get(k).map(String::as_str)
    }
}

/// Steps one match may take. Each character offers up to three ways to read on (its full
/// reading, its initial, zh/ch/sh), so a long run of polyphones could branch exponentially;
/// real titles need a few dozen steps.
const MATCH_BUDGET: u32 = 4096;

/// The first step of a match of `q` starting at a character read `r` (one of its readings), as
/// [`match_at`] takes it: true when this character alone can take all of `q` (its reading or
/// initial is `q`, or starts with it); otherwise `next` is called with each letter the next
/// character's reading must start with for the match to go on (after the full reading, after
/// the initial). Neither: `r` cannot start a match of `q`.
pub fn first_step(q: &[u8], r: &str, mut next: impl FnMut(u8)) -> bool {
    let rb = r.as_bytes();
    if q.is_empty() || rb.starts_with(q) {
        return !q.is_empty();
    }
    if q.starts_with(rb) {
        next(q[rb.len()]);
    }
    for ini in initials(r).into_iter().flatten() {
        let ib = ini.as_bytes();
        if ib.len() < rb.len() && q.starts_with(ib) {
            match q.get(ib.len()) {
                None => return true,
                Some(&b) => next(b),
            }
        }
    }
    false
}

/// Does `q` match the readings starting at group `start`? Returns the number of groups used.
fn match_from<G: Groups + ?Sized>(q: &[u8], groups: &G, start: usize) -> Option<usize> {
    fn go<G: Groups + ?Sized>(q: &[u8], groups: &G, g: usize, budget: &mut u32) -> Option<usize> {
        if q.is_empty() {
            return Some(g);
        }
        if g >= groups.len() || *budget == 0 {
            return None;
        }
        *budget -= 1;
        let mut k = 0;
        while let Some(r) = groups.reading(g, k) {
            k += 1;
            let rb = r.as_bytes();
            // full reading
            if q.starts_with(rb)
                && let Some(end) = go(&q[rb.len()..], groups, g + 1, budget)
            {
                return Some(end);
            }
            // initial
            for ini in initials(r).into_iter().flatten() {
                let ib = ini.as_bytes();
                if ib.len() < rb.len()
                    && q.starts_with(ib)
                    && let Some(end) = go(&q[ib.len()..], groups, g + 1, budget)
                {
                    return Some(end);
                }
            }
            // the rest of the query is the start of this reading (still typing)
            if rb.starts_with(q) {
                return Some(g + 1);
            }
        }
        None
    }
    let mut budget = MATCH_BUDGET;
    go(q, groups, start, &mut budget).map(|end| end - start)
}

/// Whether `q` matches starting exactly at group `start`: the number of groups it used.
pub fn match_at<G: Groups + ?Sized>(q: &str, groups: &G, start: usize) -> Option<usize> {
    if q.is_empty() {
        return None;
    }
    match_from(q.as_bytes(), groups, start)
}

/// Where `q` matches in `groups`: (first group, number of groups), earliest start first.
pub fn find<G: Groups + ?Sized>(q: &str, groups: &G) -> Option<(usize, usize)> {
    let first = *q.as_bytes().first()?;
    for start in 0..groups.len() {
        let mut k = 0;
        let mut possible = false;
        while let Some(r) = groups.reading(start, k) {
            possible |= r.as_bytes().first() == Some(&first);
            k += 1;
        }
        if !possible {
            continue;
        }
        if let Some(n) = match_from(q.as_bytes(), groups, start) {
            return Some((start, n));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(t: &str) -> Vec<Readings> {
        title_readings(t).into_iter().map(|(_, r)| r).collect()
    }

    #[test]
    fn full_initials_and_mixed() {
        let g = groups("政府信息公开申请");
        assert_eq!(find("zfxxgk", &g), Some((0, 6)));
        assert_eq!(find("zhengfuxinxigongkai", &g), Some((0, 6)));
        assert_eq!(find("zhengfuxxgk", &g), Some((0, 6)));
        assert_eq!(find("xxgk", &g), Some((2, 4)));
        assert_eq!(find("gongk", &g), Some((4, 2)), "typing in progress");
        assert_eq!(find("ysqgk", &g), None);
        assert_eq!(find("ysqgk", &groups("依申请公开")), Some((0, 5)));
    }

    #[test]
    fn a_group_span_covers_the_characters_title_readings_gives() {
        for title in [
            "政府信息公开申请",
            "关于2024年《养老服务》的通知（第3号）",
            "港澳臺居民 居住證",
            "a、b c",
            "〇㐀𠀀银行",
            "",
        ] {
            let r = title_readings(title);
            let chars: Vec<(usize, char)> = title.char_indices().collect();
            for start in 0..=r.len() {
                for n in 0..=r.len() + 1 - start {
                    let expected = (n > 0 && start + n <= r.len()).then(|| {
                        let (first, last) = (r[start].0, r[start + n - 1].0);
                        chars[first].0..chars[last].0 + chars[last].1.len_utf8()
                    });
                    assert_eq!(group_span(title, start, n), expected, "{title} {start} {n}");
                }
            }
        }
    }

    #[test]
    fn polyphones() {
        assert!(find("yinhang", &groups("银行网点")).is_some());
        assert!(find("chongqing", &groups("重庆市")).is_some());
        assert!(find("changchun", &groups("长春")).is_some());
        assert!(find("zhongyao", &groups("重要通知")).is_some());
        assert!(find("yh", &groups("银行")).is_some());
    }

    #[test]
    fn traditional_titles_have_readings() {
        assert!(find("gatjm", &groups("港澳臺居民")).is_some());
        assert!(find("jzz", &groups("居住證申領須知")).is_some());
    }

    #[test]
    fn encode_round_trip() {
        let r = title_readings("银行2024");
        let g: Vec<Readings> = r.iter().map(|(_, x)| x.clone()).collect();
        assert_eq!(decode(&encode(&r)), g);
        assert!(pinyin_query("zfxxgk").is_some());
        assert!(pinyin_query("ＺＦ").is_some());
        assert!(pinyin_query("政府").is_none());
        assert!(pinyin_query("2024").is_none());
    }
}
