//! Pinyin input for the on-screen keyboard: typed letters → candidate words and characters.
//!
//! The vocabulary is the dictionary ([`crate::text::dictionary`], ~48,000 words and ~17,000
//! characters with their frequencies) merged with the kiosk's own content: every dictionary word
//! the content uses is boosted by how often it does (titles count three times), and the content's
//! own terms that are not single dictionary words — 政府信息公开, 依申请公开 — are added when they
//! recur. A content term is a run of two or three whole dictionary words cut out of a text with
//! [`crate::text::dictionary::Dictionary::segment`], never a window across word boundaries, so
//! fragments such as 动不 (行动|不便) or 少钱 (多少|钱) cannot appear. Every CJK character of the
//! basic block and extension A can be typed (䶮); characters the dictionary counts rank by that
//! count, the rest by GB2312 level. Characters beyond extension A (𠮷) have no reading here.
//!
//! Input may be full pinyin (`zhengfu`), initials (`zfxxgk`) or a mix (`zhengfuxxgk`); the last
//! syllable may be unfinished (`zhengf`). A candidate that covers only the start of the input
//! says how much it covers, and the keyboard keeps the rest for the next choice. Name fields
//! ([`Field::Name`]) put the common surnames first for the first syllable (王 for `wang`), offer
//! whole names for a name's initials (`zw` → 张伟) and favour characters common in given names.

pub mod names;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use pinyin::ToPinyinMulti;

use crate::text::dictionary::{Dictionary, dictionary};
use crate::text::fold::{fold_char, is_cjk};

/// One choice in the candidate bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub text: String,
    /// Bytes of the (lower-case, apostrophe-free) input this candidate stands for.
    pub consumed: usize,
}

/// What the typed text is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Field {
    #[default]
    Text,
    /// A person's name; `first`: nothing is written in the field yet, so a surname comes next.
    Name { first: bool },
}

/// A word with, per character, the syllables it may be read with.
struct Word {
    /// A dictionary word's text is the dictionary's own; a content term's is its own.
    text: Cow<'static, str>,
    readings: WordSyllables,
    /// The dictionary's count (0 for the content's own terms).
    count: u64,
}

/// Per character of a word, the syllables it may be read with, in one allocation: the number of
/// characters n, then n group ends (offsets after them), then the syllable ids. (One boxed slice
/// per character took most of the keyboard's 7 MB for the dictionary's 48,000 words.)
struct WordSyllables(Box<[u16]>);

impl WordSyllables {
    fn new<'a>(groups: impl ExactSizeIterator<Item = &'a [u16]>) -> WordSyllables {
        let n = groups.len();
        let mut v: Vec<u16> = Vec::with_capacity(1 + 2 * n);
        v.push(n as u16);
        v.resize(1 + n, 0);
        for (g, ids) in groups.enumerate() {
            v.extend_from_slice(ids);
            v[1 + g] = (v.len() - 1 - n) as u16;
        }
        WordSyllables(v.into_boxed_slice())
    }

    fn len(&self) -> usize {
        usize::from(self.0[0])
    }

    /// The syllables character `g` may be read with.
    fn group(&self, g: usize) -> &[u16] {
        let n = self.len();
        let start = if g == 0 { 0 } else { usize::from(self.0[g]) };
        let end = usize::from(self.0[1 + g]);
        &self.0[1 + n + start..1 + n + end]
    }
}

/// What does not depend on the content, built once per process and shared by every lexicon:
/// every syllable, every dictionary word of two or more characters with its readings, and
/// every character per reading with its base score.
struct Base {
    syllables: Vec<Box<str>>,
    syllable_ids: HashMap<Box<str>, u16>,
    words: Vec<Word>,
    word_ids: HashMap<&'static str, u32>,
    /// Per reading: (base score, character), best first.
    chars: HashMap<u16, Vec<(u64, char)>>,
}

fn base() -> &'static Base {
    static BASE: std::sync::OnceLock<Base> = std::sync::OnceLock::new();
    BASE.get_or_init(|| Base::build(dictionary()))
}

/// The candidate dictionary. Build it once (in a task) with [`Lexicon::build`].
pub struct Lexicon {
    base: &'static Base,
    /// The content's own terms (word ids from `base.words.len()` on).
    terms: Vec<Word>,
    /// Word ids by the first letter of any reading of their first character, best first.
    by_first_letter: Vec<Vec<u32>>,
    /// Characters by reading, best first.
    chars_by_reading: HashMap<u16, Vec<char>>,
    /// Words the content added or lifted.
    content_words: usize,
}

/// Words the content uses rank above every word it does not (the kiosk's vocabulary comes
/// first), by their weighted uses; then by the dictionary's count.
const CONTENT_TIER: u64 = 1 << 40;
const CONTENT_WORD_BOOST: u64 = 20_000;
/// How much one weighted use lifts a character.
const CONTENT_CHAR_BOOST: u64 = 20;
/// A content term (not a dictionary word) is kept from this weighted count: twice in titles,
/// or in a title and a few bodies.
const CONTENT_TERM_MIN: u32 = 5;
/// Content terms: two or three dictionary words, three to eight characters.
const TERM_PIECES: std::ops::RangeInclusive<usize> = 2..=3;
const TERM_CHARS: std::ops::RangeInclusive<usize> = 3..=8;

fn crate_readings(c: char) -> Vec<String> {
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

/// The reading a character has in a name: a surname's own (曾 zeng), else the dictionary's
/// commonest, else the first the `pinyin` crate knows.
fn name_reading(c: char) -> Option<String> {
    if let Some((_, r)) = names::SURNAME_READINGS.iter().find(|(s, _)| *s == c) {
        return Some(r.to_string());
    }
    let d = dictionary();
    let mut buf = [0u8; 4];
    match d.lookup(c.encode_utf8(&mut buf)).next() {
        Some(e) => Some(d.syllable(e.syllables[0]).to_string()),
        None => crate_readings(c).into_iter().next(),
    }
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

/// The CJK runs of a text, folded to simplified characters.
fn runs(text: &str) -> impl Iterator<Item = Vec<char>> + '_ {
    text.split(|c: char| !is_cjk(fold_char(c))).filter(|r| !r.is_empty()).map(|r| r.chars().map(fold_char).collect())
}

/// Counts, in one run of characters cut into dictionary words, each word of two or more
/// characters and each term of two or three whole words.
fn count_words_and_terms(
    dict: &Dictionary,
    run: &[char],
    weight: u32,
    word_uses: &mut HashMap<String, u32>,
    term_uses: &mut HashMap<String, u32>,
) {
    let pieces = dict.segment(run);
    let mut starts = Vec::with_capacity(pieces.len());
    let mut at = 0;
    for n in &pieces {
        starts.push(at);
        at += n;
    }
    for (i, &start) in starts.iter().enumerate() {
        if pieces[i] >= 2 {
            *word_uses.entry(run[start..start + pieces[i]].iter().collect()).or_default() += weight;
        }
        for k in TERM_PIECES {
            let Some(last) = i.checked_add(k - 1).filter(|l| *l < pieces.len()) else { break };
            let len = starts[last] + pieces[last] - start;
            // at least one piece a real word, so two lone characters are no term
            if TERM_CHARS.contains(&len) && pieces[i..=last].iter().any(|n| *n >= 2) {
                *term_uses.entry(run[start..start + len].iter().collect()).or_default() += weight;
            }
        }
    }
}

impl Base {
    fn build(dict: &'static Dictionary) -> Base {
        let mut b = Base {
            syllables: Vec::new(),
            syllable_ids: HashMap::new(),
            words: Vec::new(),
            word_ids: HashMap::new(),
            chars: HashMap::new(),
        };
        for e in dict.entries().filter(|e| e.chars() >= 2) {
            let readings: Vec<u16> = e.syllables.iter().map(|&s| b.intern(dict.syllable(s))).collect();
            match b.word_ids.get(e.text) {
                // another reading of a word (行长 as hang zhang and as xing zhang)
                Some(&i) => {
                    let w = &mut b.words[i as usize];
                    let mut merged: Vec<Vec<u16>> = Vec::new();
                    for (g, &r) in readings.iter().enumerate() {
                        let mut v = w.readings.group(g).to_vec();
                        if !v.contains(&r) {
                            v.push(r);
                        }
                        merged.push(v);
                    }
                    w.readings = WordSyllables::new(merged.iter().map(Vec::as_slice));
                }
                None => {
                    b.word_ids.insert(e.text, b.words.len() as u32);
                    b.words.push(Word {
                        text: Cow::Borrowed(e.text),
                        readings: WordSyllables::new(readings.chunks(1)),
                        count: u64::from(e.count),
                    });
                }
            }
        }
        // characters: the dictionary's counts per reading, then every other character of the
        // basic block and extension A by GB2312 level
        let mut listed: HashSet<(u16, char)> = HashSet::new();
        for e in dict.entries().filter(|e| e.chars() == 1) {
            let Some(c) = e.text.chars().next() else { continue };
            let r = b.intern(dict.syllable(e.syllables[0]));
            if listed.insert((r, c)) {
                b.chars.entry(r).or_default().push((u64::from(e.count) + 3, c));
            }
        }
        for cp in (0x4E00u32..=0x9FFF).chain(0x3400..=0x4DBF) {
            let Some(c) = char::from_u32(cp) else { continue };
            for reading in crate_readings(c) {
                let r = b.intern(&reading);
                if listed.insert((r, c)) {
                    b.chars.entry(r).or_default().push((u64::from(common_tier(c)), c));
                }
            }
        }
        for v in b.chars.values_mut() {
            v.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        }
        b
    }

    /// The id of a syllable, added if new.
    fn intern(&mut self, s: &str) -> u16 {
        if let Some(&id) = self.syllable_ids.get(s) {
            return id;
        }
        let id = self.syllables.len() as u16;
        self.syllables.push(s.into());
        self.syllable_ids.insert(s.into(), id);
        id
    }

    /// A content term's readings: those of the dictionary words it is made of (a character the
    /// dictionary lacks: any of its readings).
    fn term_readings(&self, dict: &Dictionary, term: &str) -> Option<WordSyllables> {
        let chars: Vec<char> = term.chars().collect();
        let mut out: Vec<Vec<u16>> = Vec::new();
        let mut at = 0;
        for n in dict.segment(&chars) {
            let piece: String = chars[at..at + n].iter().collect();
            match dict.lookup(&piece).next() {
                Some(entry) => {
                    for &s in entry.syllables.iter() {
                        out.push(vec![*self.syllable_ids.get(dict.syllable(s))?]);
                    }
                }
                None => {
                    let alts: Vec<u16> = crate_readings(chars[at])
                        .iter()
                        .filter_map(|r| self.syllable_ids.get(r.as_str()).copied())
                        .collect();
                    if alts.is_empty() {
                        return None;
                    }
                    out.push(alts);
                }
            }
            at += n;
        }
        Some(WordSyllables::new(out.iter().map(Vec::as_slice)))
    }
}

impl Lexicon {
    /// Builds the dictionary from the kiosk's texts and their weights (a title counts more than
    /// a line of body text), merged with the shipped word list.
    pub fn build<'a>(texts: impl IntoIterator<Item = (&'a str, u32)>) -> Self {
        Self::build_with_terms(texts, std::iter::empty())
    }

    /// Builds it from texts and from terms the publisher chose (keywords, with how many
    /// documents carry them): each term is offered whole, however many words it is made of.
    pub fn build_with_terms<'a>(
        texts: impl IntoIterator<Item = (&'a str, u32)>,
        terms: impl IntoIterator<Item = (&'a str, u32)>,
    ) -> Self {
        let dict = dictionary();
        let base = base();
        // 1. What the content uses: dictionary words, terms made of them, characters.
        let mut word_uses: HashMap<String, u32> = HashMap::new();
        let mut term_uses: HashMap<String, u32> = HashMap::new();
        let mut char_uses: HashMap<char, u32> = HashMap::new();
        for (text, weight) in texts {
            for run in runs(text) {
                for c in &run {
                    *char_uses.entry(*c).or_default() += weight;
                }
                count_words_and_terms(dict, &run, weight, &mut word_uses, &mut term_uses);
            }
        }
        // the publisher's own terms count as much as a title each, and always enough to stay
        // (as a dictionary word lifted, or as a term of their own)
        for (term, documents) in terms {
            for run in runs(term).filter(|r| r.len() >= 2) {
                let text: String = run.into_iter().collect();
                *word_uses.entry(text.clone()).or_default() += 3 * documents;
                let e = term_uses.entry(text).or_default();
                *e = (*e).max(CONTENT_TERM_MIN) + 3 * documents;
            }
        }

        // 2. Words: the dictionary's, lifted by their uses; the content's recurring terms.
        let mut lx = Lexicon {
            base,
            terms: Vec::new(),
            by_first_letter: vec![Vec::new(); 26],
            chars_by_reading: HashMap::new(),
            content_words: 0,
        };
        let lift = |uses: u32| if uses > 0 { CONTENT_TIER + u64::from(uses) * CONTENT_WORD_BOOST } else { 0 };
        let mut scored: Vec<(u64, u32)> = base.words.iter().enumerate().map(|(i, w)| (w.count, i as u32)).collect();
        for (text, uses) in &word_uses {
            if let Some(&id) = base.word_ids.get(text.as_str()) {
                scored[id as usize].0 += lift(*uses);
                lx.content_words += 1;
            }
        }
        for (term, uses) in term_uses {
            if uses < CONTENT_TERM_MIN || base.word_ids.contains_key(term.as_str()) {
                continue;
            }
            let Some(readings) = base.term_readings(dict, &term) else { continue };
            scored.push((lift(uses), (base.words.len() + lx.terms.len()) as u32));
            lx.terms.push(Word { text: Cow::Owned(term), readings, count: 0 });
            lx.content_words += 1;
        }
        // Stable order: by score, then text, so equal inputs give equal candidate bars.
        scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| lx.word(a.1).text.cmp(&lx.word(b.1).text)));
        let mut by_first_letter = vec![Vec::new(); 26];
        for &(_, id) in &scored {
            let mut seen = [false; 26];
            for &r in lx.word(id).readings.group(0) {
                if let Some(l) = base.syllables[usize::from(r)].bytes().next().filter(u8::is_ascii_lowercase) {
                    let l = usize::from(l - b'a');
                    if !std::mem::replace(&mut seen[l], true) {
                        by_first_letter[l].push(id);
                    }
                }
            }
        }
        lx.by_first_letter = by_first_letter;

        // 3. Characters per reading, lifted by their uses (a reading none of whose characters
        //    the content uses keeps the base order).
        lx.chars_by_reading = base
            .chars
            .iter()
            .map(|(r, list)| {
                let chars: Vec<char> = if list.iter().any(|(_, c)| char_uses.contains_key(c)) {
                    let mut v: Vec<(u64, char)> = list
                        .iter()
                        .map(|&(s, c)| (s + u64::from(char_uses.get(&c).copied().unwrap_or(0)) * CONTENT_CHAR_BOOST, c))
                        .collect();
                    v.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
                    v.into_iter().map(|(_, c)| c).collect()
                } else {
                    list.iter().map(|&(_, c)| c).collect()
                };
                (*r, chars)
            })
            .collect();
        lx
    }

    fn word(&self, id: u32) -> &Word {
        let id = id as usize;
        match self.base.words.get(id) {
            Some(w) => w,
            None => &self.terms[id - self.base.words.len()],
        }
    }

    /// The dictionary for a kiosk: its newest 5,000 titles and 300 bodies, every guide name and
    /// FAQ question, and the keywords of its documents.
    pub fn from_store(store: &crate::store::Store) -> Result<Self, crate::store::StoreError> {
        let texts = store.lexicon_texts(5000, 300)?;
        let terms = store.lexicon_terms(20_000)?;
        Ok(Lexicon::build_with_terms(
            texts.iter().map(|(s, w)| (s.as_str(), *w)),
            terms.iter().map(|(s, n)| (s.as_str(), *n)),
        ))
    }

    /// Number of words (not counting single characters).
    pub fn word_count(&self) -> usize {
        self.base.words.len() + self.terms.len()
    }

    /// Words the content added or lifted.
    pub fn content_word_count(&self) -> usize {
        self.content_words
    }

    /// Candidates for `input` in an ordinary text field.
    pub fn candidates(&self, input: &str, limit: usize) -> Vec<Candidate> {
        self.candidates_for(input, Field::Text, limit)
    }

    /// Candidates for `input` (letters; apostrophes separate syllables and are ignored), best
    /// first: words spelled by the whole input, then words spelled by its start (longest
    /// first), then characters for its first syllable. In a name field, names and the
    /// characters names are made of come first.
    pub fn candidates_for(&self, input: &str, field: Field, limit: usize) -> Vec<Candidate> {
        let q: Vec<u8> = input.bytes().filter(|b| *b != b'\'').map(|b| b.to_ascii_lowercase()).collect();
        if q.is_empty() || !q.iter().all(u8::is_ascii_lowercase) {
            return Vec::new();
        }
        let mut whole: Vec<Candidate> = Vec::new();
        let mut partial: Vec<(usize, usize, Candidate)> = Vec::new();
        for (rank, &i) in self.by_first_letter[usize::from(q[0] - b'a')].iter().enumerate() {
            let w = self.word(i);
            if let Some(n) = self.cover(&q, &w.readings, 0) {
                let c = Candidate { text: w.text.to_string(), consumed: n };
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

        let mut out = Vec::new();
        // One complete syllable (`hao`): its characters first, as every pinyin keyboard does;
        // longer input: the words first.
        let single = std::str::from_utf8(&q).ok().and_then(|s| self.base.syllable_ids.get(s)).is_some();
        if let Field::Name { first } = field
            && !single
        {
            out.extend(self.names(&q, first, limit));
        }
        if single {
            out.extend(self.first_syllable_chars(&q, field, 12));
        }
        out.extend(whole);
        // words that spell more than the first syllable, then that syllable's characters, then
        // the other words that spell a start of the input
        let first_syllable = (1..=q.len().min(6))
            .rev()
            .find(|&n| std::str::from_utf8(&q[..n]).ok().is_some_and(|s| self.base.syllable_ids.contains_key(s)))
            .unwrap_or(1);
        let (longer, shorter): (Vec<_>, Vec<_>) = partial.into_iter().partition(|(n, _, _)| *n > first_syllable);
        out.extend(longer.into_iter().take(6).map(|(_, _, c)| c));
        out.extend(self.first_syllable_chars(&q, field, limit));
        out.extend(shorter.into_iter().map(|(_, _, c)| c));
        let mut seen = HashSet::new();
        out.retain(|c| seen.insert(c.text.clone()));
        out.truncate(limit);
        out
    }

    /// Characters for the first syllable: the longest full reading the input starts with, else
    /// every character whose reading starts with the input's initial. In a name field, the
    /// surnames (an empty field) or given-name characters come first.
    fn first_syllable_chars(&self, q: &[u8], field: Field, limit: usize) -> Vec<Candidate> {
        // in a name field, names' characters first — read as they are in names (董 is dong,
        // though the `pinyin` crate also lists an old reading zhong)
        let rank = |c: char, reading: &str| -> usize {
            let in_names = match field {
                Field::Text => return 0,
                Field::Name { first: true } => names::surname_rank(c),
                Field::Name { first: false } => names::given_rank(c),
            };
            in_names.filter(|_| name_reading(c).as_deref() == Some(reading)).unwrap_or(1000)
        };
        for len in (1..=q.len().min(6)).rev() {
            let Some(reading) = std::str::from_utf8(&q[..len]).ok() else { continue };
            let Some(id) = self.base.syllable_ids.get(reading) else { continue };
            if let Some(chars) = self.chars_by_reading.get(id) {
                let mut v: Vec<(usize, usize, char)> =
                    chars.iter().take(limit.max(200)).enumerate().map(|(i, &c)| (rank(c, reading), i, c)).collect();
                v.sort();
                return v
                    .into_iter()
                    .take(limit)
                    .map(|(_, _, c)| Candidate { text: c.to_string(), consumed: len })
                    .collect();
            }
        }
        let initial = if q.len() >= 2 && matches!(&q[..2], b"zh" | b"ch" | b"sh") { 2 } else { 1 };
        let prefix = &q[..initial];
        let mut all: Vec<(usize, usize, char)> = Vec::new();
        for (r, chars) in &self.chars_by_reading {
            let reading = &self.base.syllables[usize::from(*r)];
            if reading.as_bytes().starts_with(prefix) {
                all.extend(chars.iter().take(limit).enumerate().map(|(i, c)| (rank(*c, reading), i, *c)));
            }
        }
        all.sort();
        all.into_iter().take(limit).map(|(_, _, c)| Candidate { text: c.to_string(), consumed: initial }).collect()
    }

    /// Whole names spelled by the input in a name field: a surname (when the field is empty)
    /// and one or two given-name characters, each typed in full or by its initial, ranked by
    /// how common the surname and the characters are.
    fn names(&self, q: &[u8], first: bool, limit: usize) -> Vec<Candidate> {
        let mut found: Vec<(f64, String)> = Vec::new();
        let given: Vec<(usize, char)> = names::GIVEN.chars().enumerate().collect();
        let weight = |rank: usize| 1.0 / (rank as f64 + 4.0);
        let mut heads: Vec<(f64, String, usize)> = Vec::new();
        if first {
            for (rank, s) in names::SURNAMES.chars().enumerate() {
                for n in self.spells(q, s, false) {
                    heads.push((weight(rank), s.to_string(), n));
                }
            }
        } else {
            heads.push((1.0, String::new(), 0));
        }
        for (w, head, used) in heads {
            let rest = &q[used..];
            for &(r1, g1) in &given {
                for n1 in self.spells(rest, g1, rest.len() <= 6) {
                    let w1 = w * weight(r1);
                    if n1 == rest.len() && (!head.is_empty() || first) {
                        found.push((w1, format!("{head}{g1}")));
                    } else if n1 < rest.len() {
                        let rest2 = &rest[n1..];
                        for &(r2, g2) in &given {
                            if self.spells(rest2, g2, true).contains(&rest2.len()) {
                                // a common two-character name as a whole, else its characters
                                let pair = names::pair_rank(&format!("{g1}{g2}"))
                                    .map_or(w1 * weight(r2) * 0.5, |r| w * weight(r) * 0.5);
                                found.push((pair.max(w1 * weight(r2) * 0.5), format!("{head}{g1}{g2}")));
                            }
                        }
                    }
                }
            }
        }
        found.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        found.into_iter().take(limit.min(12)).map(|(_, text)| Candidate { text, consumed: q.len() }).collect()
    }

    /// How many leading bytes of `q` spell name character `c`: its reading in names in full, its
    /// initial (also zh/ch/sh), and — when `partial` and it ends the input — the start of it.
    fn spells(&self, q: &[u8], c: char, partial: bool) -> Vec<usize> {
        let mut out = Vec::new();
        if q.is_empty() {
            return out;
        }
        if let Some(r) = name_reading(c) {
            let rb = r.as_bytes();
            let mut tries = vec![rb.len(), 1];
            if rb.len() >= 2 && matches!(&rb[..2], b"zh" | b"ch" | b"sh") {
                tries.push(2);
            }
            if partial && rb.starts_with(q) {
                tries.push(q.len());
            }
            for n in tries {
                if n <= q.len() && n <= rb.len() && q[..n] == rb[..n] && !out.contains(&n) {
                    out.push(n);
                }
            }
        }
        out
    }

    /// The most input bytes that spell every group from `g` on, each as its full reading or its
    /// initial; the last group may also be the start of a reading when it ends the input.
    fn cover(&self, q: &[u8], groups: &WordSyllables, g: usize) -> Option<usize> {
        if g == groups.len() {
            return Some(0);
        }
        if q.is_empty() {
            return None;
        }
        let last = g + 1 == groups.len();
        let mut best: Option<usize> = None;
        for &r in groups.group(g) {
            let rb = self.base.syllables[usize::from(r)].as_bytes();
            // the full reading, its first letter, and zh/ch/sh
            let mut tries: [usize; 4] = [rb.len(), 1, usize::MAX, usize::MAX];
            if rb.len() >= 2 && matches!(&rb[..2], b"zh" | b"ch" | b"sh") {
                tries[2] = 2;
            }
            if last && rb.starts_with(q) {
                tries[3] = q.len();
            }
            for n in tries {
                if n > q.len() || n > rb.len() || q[..n] != rb[..n] {
                    continue;
                }
                if let Some(rest) = self.cover(&q[n..], groups, g + 1) {
                    best = Some(best.map_or(n + rest, |b: usize| b.max(n + rest)));
                }
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> Lexicon {
        Lexicon::build([
            ("政府信息公开指南", 3),
            ("政府信息公开申请表", 3),
            ("关于政府信息公开工作的通知", 3),
            ("政府工作报告", 3),
            ("正副职务", 1),
            ("营业执照办理指南", 3),
            ("银行网点", 1),
            ("银行卡", 1),
            ("依申请公开指南", 3),
            ("依申请公开的办理", 3),
            ("行动不便的老人多少钱", 3),
            ("行动不便的老人多少钱", 3),
        ])
    }

    #[test]
    fn full_pinyin_offers_the_word_first() {
        let lx = demo();
        let c = lx.candidates("zhengfu", 10);
        assert_eq!(c[0], Candidate { text: "政府".into(), consumed: 7 });
        // a dictionary word the content never uses
        assert_eq!(lx.candidates("henhao", 5)[0].text, "很好");
    }

    #[test]
    fn initials_offer_the_long_word() {
        let lx = demo();
        assert_eq!(lx.candidates("zfxxgk", 10)[0].text, "政府信息公开");
        assert_eq!(lx.candidates("zhengfuxxgk", 10)[0].text, "政府信息公开");
        assert_eq!(lx.candidates("ysqgk", 10)[0].text, "依申请公开");
        assert_eq!(lx.candidates("zhengf", 10)[0].text, "政府", "last syllable unfinished");
    }

    #[test]
    fn no_fragments_across_word_boundaries() {
        let lx = demo();
        for (input, junk) in [("dongbu", "动不"), ("shaoqian", "少钱"), ("dongbubian", "动不便")] {
            let c = lx.candidates(input, 40);
            assert!(!c.iter().any(|x| x.text == junk), "{junk} offered for {input}: {c:?}");
        }
        assert_eq!(lx.candidates("xdbb", 5)[0].text, "行动不便");
    }

    #[test]
    fn a_partial_match_says_how_much_it_covers() {
        let lx = demo();
        let c = lx.candidates("zhengfubaogao", 20);
        // nothing spells all of it, so the longest start comes first: 政府 (7 bytes)
        assert_eq!(c[0], Candidate { text: "政府".into(), consumed: 7 }, "{c:?}");
        // and single characters for the first syllable
        assert!(c.iter().any(|x| x.text == "政" && x.consumed == 5), "{c:?}");
    }

    #[test]
    fn any_character_can_be_typed_and_common_ones_come_first() {
        let lx = demo();
        let c = lx.candidates("ji", 60);
        assert!(c.iter().all(|x| x.text.chars().count() == 1 && x.consumed == 2));
        let pos = |s: &str| c.iter().position(|x| x.text == s);
        assert!(pos("吉").is_some(), "{c:?}");
        let zhang = lx.candidates("zhang", 10);
        assert!(zhang.iter().any(|x| x.text == "张"), "a common surname is offered: {zhang:?}");
        // rare name characters outside the basic block can be typed too (paging through)
        assert!(lx.candidates("yan", 400).iter().any(|x| x.text == "䶮"));
        // one syllable: its characters by how often they are used, not by content fragments
        let hua: Vec<String> = lx.candidates("hua", 5).into_iter().map(|c| c.text).collect();
        assert_eq!(hua[..3], ["话", "花", "化"], "{hua:?}");
    }

    #[test]
    fn polyphones_spell_either_reading() {
        let lx = demo();
        assert_eq!(lx.candidates("yinhang", 5)[0].text, "银行");
        assert_eq!(lx.candidates("yh", 5)[0].text, "银行");
        assert!(lx.candidates("chongqing", 5).iter().any(|c| c.text == "重庆"));
    }

    #[test]
    fn one_full_syllable_offers_its_characters_first() {
        let lx = Lexicon::build([("好好学习", 2), ("号码", 2)]);
        let c = lx.candidates("hao", 10);
        assert_eq!(c[0].text, "好", "{c:?}");
        assert!(c.iter().any(|x| x.text == "号"));
    }

    #[test]
    fn name_fields_put_surnames_and_names_first() {
        let lx = demo();
        let first = Field::Name { first: true };
        for (py, surname) in [("wang", "王"), ("li", "李"), ("zhang", "张"), ("liu", "刘"), ("chen", "陈")] {
            assert_eq!(lx.candidates_for(py, first, 10)[0].text, surname, "{py}");
            assert_ne!(lx.candidates(py, 10)[0].text, "", "{py}");
        }
        assert_eq!(lx.candidates("wang", 10)[0].text, "网", "an ordinary field keeps the usual order");
        // a whole name by its initials
        let zw = lx.candidates_for("zw", first, 10);
        assert_eq!(zw[0], Candidate { text: "张伟".into(), consumed: 2 }, "{zw:?}");
        let wxy = lx.candidates_for("wxy", first, 10);
        assert!(wxy.iter().take(3).any(|c| c.text == "王秀英"), "{wxy:?}");
        // after the surname, given-name characters first
        let given = lx.candidates_for("fang", Field::Name { first: false }, 10);
        assert_eq!(given[0].text, "芳", "{given:?}");
    }

    #[test]
    fn nothing_for_non_letters() {
        let lx = demo();
        assert!(lx.candidates("", 5).is_empty());
        assert!(lx.candidates("12", 5).is_empty());
        assert!(lx.candidates("政府", 5).is_empty());
    }
}
