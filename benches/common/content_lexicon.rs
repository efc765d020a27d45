//! The keyboard's lexicon as it was before the shipped dictionary (the baseline of
//! `benches/ime.rs`, kept here unchanged so that old and new are measured in one run): words
//! are the two- to six-character runs of the kiosk's own content seen at least twice, and
//! every character ranks by its count in the content, then its GB2312 level.

#![allow(dead_code)]

use std::collections::HashMap;

use pinyin::ToPinyinMulti;

use gongkai_kiosk::text::fold::{fold_char, is_cjk};

/// One choice in the candidate bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub text: String,
    /// Bytes of the (lower-case, apostrophe-free) input this candidate stands for.
    pub consumed: usize,
}

struct Word {
    text: String,
    readings: Vec<Vec<String>>,
    count: u32,
}

/// The candidate dictionary. Build it once (in a task) with [`Lexicon::build`].
pub struct Lexicon {
    words: Vec<Word>,
    /// Word indices by the first letter of any reading of their first character.
    by_first_letter: Vec<Vec<u32>>,
    /// Characters by full reading, best first.
    chars_by_reading: HashMap<String, Vec<char>>,
}

/// Shortest and longest words kept.
const MIN_WORD: usize = 2;
const MAX_WORD: usize = 6;

fn readings_of(c: char) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let Some(multi) = c.to_pinyin_multi() {
        for p in multi {
            let plain = p.plain().replace('ü', "v");
            if !out.contains(&plain) {
                out.push(plain);
            }
        }
    }
    out
}

/// 2 for GB2312 level 1 (common), 1 for level 2, 0 otherwise.
fn common_tier(c: char) -> u32 {
    let mut buf = [0u8; 4];
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(c.encode_utf8(&mut buf));
    if unmappable || bytes.len() != 2 {
        return 0;
    }
    let (b1, b2) = (bytes[0], bytes[1]);
    if !(0xA1..=0xFE).contains(&b2) {
        return 0;
    }
    match b1 {
        0xB0..=0xD7 => 2,
        0xD8..=0xF7 => 1,
        _ => 0,
    }
}

impl Lexicon {
    /// Builds the dictionary from texts and their weights (a title counts more than a line of
    /// body text).
    pub fn build<'a>(texts: impl IntoIterator<Item = (&'a str, u32)>) -> Self {
        let mut ngrams: HashMap<String, u32> = HashMap::new();
        let mut char_counts: HashMap<char, u32> = HashMap::new();
        for (text, weight) in texts {
            let mut run: Vec<char> = Vec::new();
            for c in text.chars().map(fold_char).chain(std::iter::once(' ')) {
                if is_cjk(c) {
                    run.push(c);
                    *char_counts.entry(c).or_default() += weight;
                    continue;
                }
                for start in 0..run.len() {
                    for len in MIN_WORD..=MAX_WORD.min(run.len() - start) {
                        let w: String = run[start..start + len].iter().collect();
                        *ngrams.entry(w).or_default() += weight;
                    }
                }
                run.clear();
            }
        }

        let mut words: Vec<Word> = Vec::new();
        let mut cache: HashMap<char, Vec<String>> = HashMap::new();
        for (text, count) in ngrams {
            if count < 2 {
                continue;
            }
            let readings: Vec<Vec<String>> =
                text.chars().map(|c| cache.entry(c).or_insert_with(|| readings_of(c)).clone()).collect();
            if readings.iter().any(Vec::is_empty) {
                continue;
            }
            words.push(Word { text, readings, count });
        }
        // Stable order: by count, then text, so equal inputs give equal candidate bars.
        words.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.text.cmp(&b.text)));

        let mut by_first_letter = vec![Vec::new(); 26];
        for (i, w) in words.iter().enumerate() {
            let mut seen = [false; 26];
            for r in &w.readings[0] {
                if let Some(l) = r.bytes().next().filter(u8::is_ascii_lowercase) {
                    let l = (l - b'a') as usize;
                    if !seen[l] {
                        seen[l] = true;
                        by_first_letter[l].push(i as u32);
                    }
                }
            }
        }

        let mut scored: HashMap<String, Vec<(u64, char)>> = HashMap::new();
        let blocks = [0x4E00u32..=0x9FFF, 0x3400..=0x4DBF];
        for cp in blocks.into_iter().flatten() {
            let Some(c) = char::from_u32(cp) else { continue };
            let score = u64::from(*char_counts.get(&c).unwrap_or(&0)) * 4 + u64::from(common_tier(c));
            for r in readings_of(c) {
                scored.entry(r).or_default().push((score, c));
            }
        }
        let chars_by_reading = scored
            .into_iter()
            .map(|(r, mut v)| {
                v.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
                (r, v.into_iter().map(|(_, c)| c).collect())
            })
            .collect();
        Lexicon { words, by_first_letter, chars_by_reading }
    }

    /// Number of words (not counting single characters).
    pub fn word_count(&self) -> usize {
        self.words.len()
    }

    /// Candidates for `input` (letters; apostrophes separate syllables and are ignored), best
    /// first: words spelled by the whole input, then words spelled by its start (longest
    /// first), then characters for its first syllable.
    pub fn candidates(&self, input: &str, limit: usize) -> Vec<Candidate> {
        let q: Vec<u8> = input.bytes().filter(|b| *b != b'\'').map(|b| b.to_ascii_lowercase()).collect();
        if q.is_empty() || !q.iter().all(u8::is_ascii_lowercase) {
            return Vec::new();
        }
        let mut whole: Vec<Candidate> = Vec::new();
        let mut partial: Vec<(usize, usize, Candidate)> = Vec::new();
        for (rank, &i) in self.by_first_letter[(q[0] - b'a') as usize].iter().enumerate() {
            let w = &self.words[i as usize];
            if let Some(n) = cover(&q, &w.readings, 0) {
                let c = Candidate { text: w.text.clone(), consumed: n };
                if n == q.len() {
                    whole.push(c);
                } else {
                    partial.push((n, rank, c));
                }
            }
            if whole.len() >= limit {
                break;
            }
        }
        partial.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));

        // One complete syllable (`hao`): its characters first, as every pinyin keyboard does;
        // longer input: the words first.
        let single = std::str::from_utf8(&q).ok().is_some_and(|s| self.chars_by_reading.contains_key(s));
        let mut out = Vec::new();
        if single {
            out.extend(self.first_syllable_chars(&q, 12));
        }
        out.extend(whole);
        out.extend(partial.into_iter().map(|(_, _, c)| c));
        out.extend(self.first_syllable_chars(&q, limit));
        let mut seen = std::collections::HashSet::new();
        out.retain(|c| seen.insert(c.text.clone()));
        out.truncate(limit);
        out
    }

    /// Characters for the first syllable: the longest full reading the input starts with, else
    /// every character whose reading starts with the input's initial.
    fn first_syllable_chars(&self, q: &[u8], limit: usize) -> Vec<Candidate> {
        for len in (1..=q.len().min(6)).rev() {
            let Ok(syllable) = std::str::from_utf8(&q[..len]) else { continue };
            if let Some(chars) = self.chars_by_reading.get(syllable) {
                return chars.iter().take(limit).map(|c| Candidate { text: c.to_string(), consumed: len }).collect();
            }
        }
        let initial = if q.len() >= 2 && matches!(&q[..2], b"zh" | b"ch" | b"sh") { 2 } else { 1 };
        let prefix = &q[..initial];
        let mut all: Vec<(usize, char)> = Vec::new();
        for (r, chars) in &self.chars_by_reading {
            if r.as_bytes().starts_with(prefix) {
                all.extend(chars.iter().take(limit).enumerate().map(|(rank, c)| (rank, *c)));
            }
        }
        all.sort();
        all.into_iter().take(limit).map(|(_, c)| Candidate { text: c.to_string(), consumed: initial }).collect()
    }
}

/// The most input bytes that spell every group from `g` on, each as its full reading or its
/// initial; the last group may also be the start of a reading when it ends the input.
fn cover(q: &[u8], groups: &[Vec<String>], g: usize) -> Option<usize> {
    if g == groups.len() {
        return Some(0);
    }
    if q.is_empty() {
        return None;
    }
    let last = g + 1 == groups.len();
    let mut best: Option<usize> = None;
    for r in &groups[g] {
        let rb = r.as_bytes();
        // the full reading, its first letter, and zh/ch/sh
        let mut tries: Vec<usize> = vec![rb.len(), 1];
        if rb.len() >= 2 && matches!(&rb[..2], b"zh" | b"ch" | b"sh") {
            tries.push(2);
        }
        if last && rb.starts_with(q) {
            tries.push(q.len());
        }
        for n in tries {
            if n > q.len() || n > rb.len() || q[..n] != rb[..n] {
                continue;
            }
            if let Some(rest) = cover(&q[n..], groups, g + 1) {
                best = Some(best.map_or(n + rest, |b: usize| b.max(n + rest)));
            }
        }
    }
    best
}
