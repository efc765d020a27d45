//! The word list behind the keyboard and the voice: Rime's `pinyin_simp` dictionary
//! (`assets/ime/pinyin_simp.dict.yaml`, Apache-2.0, derived from Android's Pinyin IME; the licence
//! is beside it), about 17,000 characters and 48,000 words, each with its toneless pinyin and a
//! frequency count. Compiled into the binary (1.3 MB) and read once, on first use.
//!
//! It gives the keyboard real words instead of runs cut out of the content (动不, 少钱), the
//! voice the reading a polyphone has inside a word (银行 yin hang, 重庆 chong qing), and both a
//! way to cut a run of characters into words ([`Dictionary::segment`]).

use std::collections::HashMap;
use std::sync::OnceLock;

/// The dictionary file as shipped.
const SOURCE: &str = include_str!("../../assets/ime/pinyin_simp.dict.yaml");

/// One word (or character) with one of its readings, as stored in the [`Dictionary`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry<'a> {
    pub text: &'a str,
    /// One syllable per character, as ids into [`Dictionary::syllable`].
    pub syllables: &'a [u16],
    /// How often it occurs (the source's count).
    pub count: u32,
}

impl Entry<'_> {
    pub fn chars(&self) -> usize {
        self.syllables.len()
    }
}

/// Where an entry's text and syllables are in the dictionary's two flat arrays (about 16 bytes
/// an entry: the 65,000 entries take 2 MB instead of the 9 that a `String` and a `Vec` each,
/// with a hash map over them, took).
#[derive(Debug, Clone, Copy)]
struct Stored {
    /// Byte offset into `Dictionary::texts`; the text ends where the next entry's starts.
    text: u32,
    /// Offset into `Dictionary::readings`; as many syllables as the text has characters.
    syllables: u32,
    chars: u16,
    text_len: u16,
    count: u32,
}

pub struct Dictionary {
    /// Every entry, most frequent first.
    entries: Vec<Stored>,
    /// Every entry's text, one after the other.
    texts: String,
    /// Every entry's syllable ids, one after the other.
    readings: Vec<u16>,
    /// Entry numbers sorted by text, the most frequent reading of a text first: a text's
    /// readings are found by binary search.
    by_text: Vec<u32>,
    /// A hash table over the distinct texts (open addressing, linear probing): each slot the
    /// place in `by_text` of a text's first entry, or [`EMPTY`]. Twice as many slots as texts
    /// (512 KB), so a lookup costs one hash and about one comparison.
    slots: Vec<u32>,
    /// Syllables by id (toneless, `ü` written `v`).
    syllables: Vec<Box<str>>,
    syllable_ids: HashMap<Box<str>, u16>,
    /// Longest entry, in characters.
    longest: usize,
    /// The sum of all counts (for word probabilities).
    total: u64,
}

/// An empty slot of `Dictionary::slots`.
const EMPTY: u32 = u32::MAX;

/// FNV-1a over the text's bytes (the keys are short, trusted and fixed: no need for SipHash).
fn hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// The dictionary, parsed on first use.
pub fn dictionary() -> &'static Dictionary {
    static DICTIONARY: OnceLock<Dictionary> = OnceLock::new();
    DICTIONARY.get_or_init(|| Dictionary::parse(SOURCE))
}

impl Dictionary {
    /// Reads Rime's format: a YAML header ending with `...`, then `word⇥pinyin⇥count` lines.
    /// Lines that do not fit (comments, a reading with other than letters, a word of more than
    /// 255 characters) are skipped.
    pub fn parse(source: &str) -> Dictionary {
        let mut syllables: Vec<Box<str>> = Vec::new();
        let mut syllable_ids: HashMap<Box<str>, u16> = HashMap::new();
        // (text, syllable ids, count), in the source's order
        let mut parsed: Vec<(&str, Vec<u16>, u32)> = Vec::new();
        let body = source.split_once("\n...\n").map_or(source, |(_, b)| b);
        for line in body.lines() {
            let mut parts = line.split('\t');
            let (Some(text), Some(reading)) = (parts.next(), parts.next()) else { continue };
            let count: u32 = parts.next().and_then(|c| c.trim().parse().ok()).unwrap_or(0);
            let pieces: Vec<&str> = reading.split(' ').collect();
            if text.is_empty()
                || line.starts_with('#')
                || pieces.len() != text.chars().count()
                || pieces.len() > 255
                || syllables.len() >= usize::from(u16::MAX)
                || !pieces.iter().all(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase()))
            {
                continue;
            }
            let ids = pieces
                .iter()
                .map(|p| {
                    *syllable_ids.entry((*p).into()).or_insert_with(|| {
                        syllables.push((*p).into());
                        (syllables.len() - 1) as u16
                    })
                })
                .collect();
            parsed.push((text, ids, count));
        }
        parsed.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(b.0)));
        let mut d = Dictionary {
            entries: Vec::with_capacity(parsed.len()),
            texts: String::with_capacity(parsed.iter().map(|p| p.0.len()).sum()),
            readings: Vec::with_capacity(parsed.iter().map(|p| p.1.len()).sum()),
            by_text: (0..parsed.len() as u32).collect(),
            slots: Vec::new(),
            syllables,
            syllable_ids,
            longest: 1,
            total: 0,
        };
        for (text, ids, count) in &parsed {
            d.entries.push(Stored {
                text: d.texts.len() as u32,
                syllables: d.readings.len() as u32,
                chars: ids.len() as u16,
                text_len: text.len().min(usize::from(u16::MAX)) as u16,
                count: *count,
            });
            d.texts.push_str(text);
            d.readings.extend_from_slice(ids);
            d.longest = d.longest.max(ids.len());
            d.total += u64::from(*count);
        }
        // by text, then most frequent first (the entries' own order)
        let texts: Vec<&str> = parsed.iter().map(|p| p.0).collect();
        d.by_text.sort_by(|&a, &b| texts[a as usize].cmp(texts[b as usize]).then(a.cmp(&b)));
        let distinct = d.by_text.windows(2).filter(|w| texts[w[0] as usize] != texts[w[1] as usize]).count() + 1;
        d.slots = vec![EMPTY; (2 * distinct).next_power_of_two()];
        let mask = d.slots.len() - 1;
        for (at, &i) in d.by_text.iter().enumerate() {
            if at > 0 && texts[d.by_text[at - 1] as usize] == texts[i as usize] {
                continue;
            }
            let mut slot = hash(texts[i as usize]) as usize & mask;
            while d.slots[slot] != EMPTY {
                slot = (slot + 1) & mask;
            }
            d.slots[slot] = at as u32;
        }
        d
    }

    /// The place in `by_text` of the first entry with this text.
    fn find(&self, text: &str) -> Option<usize> {
        let mask = self.slots.len().checked_sub(1)?;
        let mut slot = hash(text) as usize & mask;
        loop {
            let at = self.slots[slot];
            if at == EMPTY {
                return None;
            }
            if self.text(self.by_text[at as usize]) == text {
                return Some(at as usize);
            }
            slot = (slot + 1) & mask;
        }
    }

    /// The text of entry `i`.
    fn text(&self, i: u32) -> &str {
        let stored = &self.entries[i as usize];
        &self.texts[stored.text as usize..stored.text as usize + usize::from(stored.text_len)]
    }

    fn entry(&self, stored: &Stored) -> Entry<'_> {
        let text = stored.text as usize;
        let syllables = stored.syllables as usize;
        Entry {
            text: &self.texts[text..text + usize::from(stored.text_len)],
            syllables: &self.readings[syllables..syllables + usize::from(stored.chars)],
            count: stored.count,
        }
    }

    /// Every entry, most frequent first.
    pub fn entries(&self) -> impl ExactSizeIterator<Item = Entry<'_>> + '_ {
        self.entries.iter().map(|s| self.entry(s))
    }

    /// The syllable with this id.
    pub fn syllable(&self, id: u16) -> &str {
        self.syllables.get(usize::from(id)).map_or("", |s| s)
    }

    /// The id of a syllable the dictionary knows.
    pub fn syllable_id(&self, s: &str) -> Option<u16> {
        self.syllable_ids.get(s).copied()
    }

    /// The readings of a word (or character), most frequent first.
    pub fn lookup<'a>(&'a self, text: &'a str) -> impl Iterator<Item = Entry<'a>> + 'a {
        let from = self.find(text).unwrap_or(self.by_text.len());
        self.by_text[from..]
            .iter()
            .take_while(move |&&i| self.text(i) == text)
            .map(|&i| self.entry(&self.entries[i as usize]))
    }

    pub fn contains(&self, text: &str) -> bool {
        self.lookup(text).next().is_some()
    }

    /// How often a word occurs (its most frequent reading), 0 if unknown.
    pub fn count(&self, text: &str) -> u32 {
        self.lookup(text).map(|e| e.count).max().unwrap_or(0)
    }

    /// Cuts a run of characters into the likeliest sequence of dictionary words (each word's
    /// cost is its negative log probability; a character the dictionary lacks stands alone at a
    /// high cost). Returns the lengths of the pieces, in characters.
    pub fn segment(&self, run: &[char]) -> Vec<usize> {
        let n = run.len();
        let total = (self.total.max(1) + 1) as f64;
        let unknown = (total * 10.0).ln();
        // best[i]: the cost of the best cut of run[..i], and the length of its last piece
        let mut best: Vec<(f64, usize)> = vec![(f64::INFINITY, 0); n + 1];
        best[0] = (0.0, 0);
        let mut word = String::new();
        for i in 0..n {
            if !best[i].0.is_finite() {
                continue;
            }
            word.clear();
            for len in 1..=self.longest.min(n - i) {
                word.push(run[i + len - 1]);
                let cost = match self.count(&word) {
                    0 if len == 1 => unknown,
                    0 => continue,
                    c => (total / (f64::from(c) + 1.0)).ln(),
                };
                let c = best[i].0 + cost;
                if c < best[i + len].0 {
                    best[i + len] = (c, len);
                }
            }
        }
        let mut pieces = Vec::new();
        let mut at = n;
        while at > 0 {
            let len = best[at].1.max(1);
            pieces.push(len);
            at -= len;
        }
        pieces.reverse();
        pieces
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_dictionary_has_words_and_characters_with_their_readings() {
        let d = dictionary();
        let chars = d.entries().filter(|e| e.chars() == 1).count();
        let words = d.entries().len() - chars;
        assert!(chars > 16_000 && words > 45_000, "{chars} characters, {words} words");
        let reading = |w: &str| {
            d.lookup(w).next().map(|e| e.syllables.iter().map(|&s| d.syllable(s)).collect::<Vec<_>>().join(" "))
        };
        assert_eq!(reading("银行").as_deref(), Some("yin hang"));
        assert_eq!(reading("重庆").as_deref(), Some("chong qing"));
        assert_eq!(reading("行长").as_deref(), Some("hang zhang"));
        assert_eq!(reading("女").as_deref(), Some("nv"));
        assert!(d.count("王") > d.count("汪"));
    }

    #[test]
    fn a_run_is_cut_into_words() {
        let d = dictionary();
        let cut = |s: &str| {
            let chars: Vec<char> = s.chars().collect();
            let mut at = 0;
            d.segment(&chars)
                .into_iter()
                .map(|n| {
                    let w: String = chars[at..at + n].iter().collect();
                    at += n;
                    w
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(cut("政府信息公开"), ["政府", "信息", "公开"]);
        assert_eq!(cut("中国银行行长"), ["中国银行", "行长"]);
        // a character the dictionary lacks stands alone
        assert_eq!(cut("𠮷祥"), ["𠮷", "祥"]);
        assert!(cut("").is_empty());
    }
}
