//! The pinyin readings of every title, in memory, and the walk that finds the titles a pinyin
//! query spells (full pinyin, initials, any mix, every reading of a polyphone).
//!
//! A title's characters are one `u16` each ([`PinyinIndex`]). A query of two or more characters
//! (`yanglao`, `yl`) can only match where one character's reading starts with its first letter
//! and the next character's with a letter it can go on with; the titles holding such a pair of
//! first letters are listed ([`PairLists`]), so the walk reads those titles and not every title.

use std::collections::HashMap;

use crate::store::{Store, StoreError};
use crate::text::pinyin;

/// Pinyin readings of every title, kept compact in memory: per title character one `u16`, the
/// id of its one reading (most characters), or of the set of readings a polyphone has (the sets
/// are few and shared). About 2.2 bytes per title character and 12 per title: 3.5 MiB for
/// 100,000 titles, where a vector per character and its letter mask took 30.
pub struct PinyinIndex {
    /// Syllables by id (ids below [`SET`]).
    syllables: Vec<String>,
    /// Per syllable: the bit of its first letter ([`letter_bit`]).
    syllable_bits: Vec<u64>,
    /// The polyphones' reading sets, one after the other; set `i` is
    /// `set_ids[set_starts[i]..set_starts[i + 1]]`.
    set_ids: Vec<u16>,
    set_starts: Vec<u32>,
    /// Per set: the bits of its readings' first letters.
    set_bits: Vec<u64>,
    /// Per title character with a reading: a syllable id, or [`SET`] + a set number.
    groups: Vec<u16>,
    /// Per title: its rowid, and where its characters start in `groups` (the next title's start
    /// ends them; one more start at the end).
    rowids: Vec<i64>,
    starts: Vec<u32>,
    /// Per pair of first letters of adjacent characters, the titles that hold it.
    pairs: PairLists,
}

/// Group values from here on name a reading set, below it a single syllable.
const SET: u16 = 0x8000;

/// Letters a reading can start with: `a`–`z`, and `0`–`9` (the groups of digits in a title).
const LETTERS: usize = 36;

fn letter_bit(b: u8) -> u64 {
    match b {
        b'a'..=b'z' => 1 << (b - b'a'),
        b'0'..=b'9' => 1 << (26 + b - b'0'),
        _ => 0,
    }
}

impl PinyinIndex {
    pub fn load(store: &Store) -> Result<Self, StoreError> {
        let sql = store.sql_error();
        let mut stmt =
            store.connection().prepare("SELECT rowid, readings FROM search_items ORDER BY rowid").map_err(sql)?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).map_err(sql)?;
        Self::from_readings(rows).map_err(sql)
    }

    /// The index of titles given as (rowid, readings as stored: `pinyin::encode`), by rowid.
    fn from_readings<E>(rows: impl Iterator<Item = Result<(i64, String), E>>) -> Result<Self, E> {
        let mut idx = PinyinIndex {
            syllables: Vec::new(),
            syllable_bits: Vec::new(),
            set_ids: Vec::new(),
            set_starts: vec![0],
            set_bits: Vec::new(),
            groups: Vec::new(),
            rowids: Vec::new(),
            starts: Vec::new(),
            pairs: PairLists::default(),
        };
        let mut pairs = PairListsBuilder::new();
        let mut syllable_ids: HashMap<String, u16> = HashMap::new();
        let mut set_numbers: HashMap<Vec<u16>, u16> = HashMap::new();
        let mut ids: Vec<u16> = Vec::new();
        for row in rows {
            let (rowid, enc) = row?;
            idx.rowids.push(rowid);
            idx.starts.push(idx.groups.len() as u32);
            for group in enc.split(' ').filter(|g| !g.is_empty()) {
                ids.clear();
                for r in group.split('/').filter(|r| !r.is_empty()) {
                    let next = idx.syllables.len();
                    let id = match syllable_ids.get(r) {
                        Some(&id) => id,
                        // more syllables than ids (only a corrupt store): the rest are not kept
                        None if next >= usize::from(SET) => continue,
                        None => {
                            idx.syllables.push(r.to_string());
                            idx.syllable_bits.push(letter_bit(r.as_bytes()[0]));
                            syllable_ids.insert(r.to_string(), next as u16);
                            next as u16
                        }
                    };
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
                let value = match ids.as_slice() {
                    [] => continue,
                    [one] => *one,
                    many => match set_numbers.get(many) {
                        Some(&n) => SET + n,
                        // more reading sets than numbers (only a corrupt store): the first reading
                        None if set_numbers.len() >= usize::from(SET) => many[0],
                        None => {
                            let n = set_numbers.len() as u16;
                            set_numbers.insert(many.to_vec(), n);
                            idx.set_ids.extend_from_slice(many);
                            idx.set_starts.push(idx.set_ids.len() as u32);
                            idx.set_bits.push(many.iter().fold(0, |b, &id| b | idx.syllable_bits[usize::from(id)]));
                            SET + n
                        }
                    },
                };
                idx.groups.push(value);
            }
            let entry = idx.rowids.len() - 1;
            let groups = &idx.groups[*idx.starts.last().unwrap_or(&0) as usize..];
            pairs.add(entry as u32, groups.windows(2).map(|w| (idx.bits(w[0]), idx.bits(w[1]))));
        }
        idx.starts.push(idx.groups.len() as u32);
        idx.pairs = pairs.finish();
        // grown by doubling, the vectors would carry up to half again of unused capacity
        idx.groups.shrink_to_fit();
        idx.rowids.shrink_to_fit();
        idx.starts.shrink_to_fit();
        Ok(idx)
    }

    /// The first-letter bits of a group's readings.
    fn bits(&self, value: u16) -> u64 {
        if value >= SET { self.set_bits[usize::from(value - SET)] } else { self.syllable_bits[usize::from(value)] }
    }

    /// The syllable ids of a group.
    fn ids<'a>(&'a self, value: &'a u16) -> &'a [u16] {
        if *value >= SET {
            let n = usize::from(value - SET);
            &self.set_ids[self.set_starts[n] as usize..self.set_starts[n + 1] as usize]
        } else {
            std::slice::from_ref(value)
        }
    }

    /// Entries whose title matches the pinyin query `q`, in index order, at most `limit`:
    /// (rowid, first matching group, number of groups).
    ///
    /// A match can only start at a character one of whose readings takes the query's first
    /// step ([`pinyin::first_step`]): it takes all of the query, or the next character must have
    /// a reading starting with a given letter. A query one character may take all of (`y`,
    /// `yang`, `zh`) is tried on every title in order. A longer one (`yanglao`, `yl`) is tried
    /// only on the titles holding a pair of adjacent characters whose readings start with its
    /// first letter and with a letter it can go on with: every other title fails the same test
    /// in the walk, so the matches, and their order, are the same.
    pub fn matches(&self, q: &str, limit: usize) -> Vec<(i64, usize, usize)> {
        let mut out = Vec::new();
        let Some(&first) = q.as_bytes().first() else { return out };
        let rules = self.start_rules(q.as_bytes());
        if limit == 0 || rules.next_letters == 0 && !rules.one_character {
            return out;
        }
        let mut try_entry = |e: usize| {
            if let (Some((g, n)), Some(&rowid)) = (self.match_entry(e, q, &rules), self.rowids.get(e)) {
                out.push((rowid, g, n));
            }
            out.len() >= limit
        };
        if rules.one_character {
            for e in 0..self.rowids.len() {
                if try_entry(e) {
                    break;
                }
            }
        } else {
            let a = first_letter(first);
            let lists = letters_in(rules.next_letters).map(|b| self.pairs.list(a * LETTERS + b));
            for e in MergedEntries::new(lists.collect()) {
                if try_entry(e as usize) {
                    break;
                }
            }
        }
        out
    }

    /// Where `q` matches entry `e`'s title first: (group, number of groups).
    fn match_entry(&self, e: usize, q: &str, rules: &StartRules) -> Option<(usize, usize)> {
        let (&start, &end) = (self.starts.get(e)?, self.starts.get(e + 1)?);
        let view = EntryGroups { idx: self, groups: self.groups.get(start as usize..end as usize)? };
        for (g, &value) in view.groups.iter().enumerate() {
            let rule = rules.of(value);
            if rule == 0 {
                continue;
            }
            // the query cannot end at this character: the next one must have a reading
            // starting with a letter the query can go on with
            if rule & ENDS == 0 && view.groups.get(g + 1).is_none_or(|&n| self.bits(n) & rule == 0) {
                continue;
            }
            if let Some(n) = pinyin::match_at(q, &view, g) {
                return Some((g, n));
            }
        }
        None
    }

    /// The query's first step at every syllable and reading set of the index.
    fn start_rules(&self, q: &[u8]) -> StartRules {
        let syllables: Vec<u64> = self
            .syllables
            .iter()
            .map(|s| {
                let mut rule = 0;
                if pinyin::first_step(q, s, |b| rule |= letter_bit(b)) {
                    rule |= ENDS;
                }
                rule
            })
            .collect();
        let sets = (0..self.set_bits.len())
            .map(|n| {
                let ids = &self.set_ids[self.set_starts[n] as usize..self.set_starts[n + 1] as usize];
                ids.iter().fold(0, |rule, &id| rule | syllables[usize::from(id)])
            })
            .collect();
        let all = syllables.iter().fold(0, |a, r| a | r);
        StartRules { one_character: all & ENDS != 0, next_letters: all & !ENDS, syllables, sets }
    }

    /// Bytes held by the pair lists alone (part of [`Self::heap_bytes`]).
    pub fn pair_list_bytes(&self) -> usize {
        self.pairs.heap_bytes()
    }

    /// Bytes held by the index's vectors (their capacity), for the memory figures.
    pub fn heap_bytes(&self) -> usize {
        self.syllables.iter().map(|s| s.capacity() + std::mem::size_of::<String>()).sum::<usize>()
            + self.syllable_bits.capacity() * 8
            + (self.set_ids.capacity() + self.groups.capacity()) * 2
            + (self.set_starts.capacity() + self.starts.capacity()) * 4
            + (self.set_bits.capacity() + self.rowids.capacity()) * 8
            + self.pairs.heap_bytes()
    }
}

/// One entry's groups, read straight from the compact index.
struct EntryGroups<'a> {
    idx: &'a PinyinIndex,
    groups: &'a [u16],
}

impl pinyin::Groups for EntryGroups<'_> {
    fn len(&self) -> usize {
        self.groups.len()
    }
    fn reading(&self, g: usize, k: usize) -> Option<&str> {
        let id = *self.idx.ids(self.groups.get(g)?).get(k)?;
        Some(self.idx.syllables[usize::from(id)].as_str())
    }
}

/// In a [`StartRules`] rule: the character alone can take all of the query.
const ENDS: u64 = 1 << 63;

/// A query's first step ([`pinyin::first_step`]) per syllable id and per reading set: [`ENDS`],
/// and the [`letter_bit`]s of the letters the next character's reading must start with (0: a
/// character read so cannot start a match).
struct StartRules {
    syllables: Vec<u64>,
    sets: Vec<u64>,
    /// Some character can take all of the query: every title is tried.
    one_character: bool,
    /// Every letter some rule lets the query go on with.
    next_letters: u64,
}

impl StartRules {
    fn of(&self, value: u16) -> u64 {
        let rules = if value >= SET { &self.sets[..] } else { &self.syllables[..] };
        rules.get(usize::from(value & !SET)).copied().unwrap_or(0)
    }
}

/// The number of a letter [`letter_bit`] knows (`a`–`z` 0–25, `0`–`9` 26–35).
fn first_letter(b: u8) -> usize {
    letter_bit(b).trailing_zeros() as usize
}

/// Per ordered pair of letters (`a`, `b`): the titles where one character has a reading starting
/// with `a` and the next character one starting with `b`, as ascending entry numbers. Each list
/// is stored as the gaps between its numbers in LEB128 (one byte for a gap under 128), all lists
/// in one buffer: about 1.1 bytes per pair a title holds.
#[derive(Default)]
struct PairLists {
    /// Where list `p` starts in `bytes`; one more start at the end.
    starts: Vec<usize>,
    bytes: Vec<u8>,
}

impl PairLists {
    fn list(&self, pair: usize) -> EntryList<'_> {
        let bytes = match (self.starts.get(pair), self.starts.get(pair + 1)) {
            (Some(&a), Some(&b)) => &self.bytes[a..b],
            _ => &[],
        };
        EntryList { bytes, at: 0, last: 0 }
    }

    fn heap_bytes(&self) -> usize {
        self.starts.capacity() * std::mem::size_of::<usize>() + self.bytes.capacity()
    }
}

/// Collects the pair lists title by title while the index loads.
struct PairListsBuilder {
    lists: Vec<Vec<u8>>,
    /// Per pair: the last entry added + 1 (0: none yet).
    last: Vec<u32>,
}

impl PairListsBuilder {
    fn new() -> Self {
        PairListsBuilder { lists: vec![Vec::new(); LETTERS * LETTERS], last: vec![0; LETTERS * LETTERS] }
    }

    /// Adds `entry` (greater than any added before) to the list of every pair of letters its
    /// adjacent characters' readings start with: `(bits of one character, bits of the next)`.
    fn add(&mut self, entry: u32, adjacent: impl Iterator<Item = (u64, u64)>) {
        for (a_bits, b_bits) in adjacent {
            for a in letters_in(a_bits) {
                for b in letters_in(b_bits) {
                    let p = a * LETTERS + b;
                    // `last` holds entry + 1 once this title is in the list
                    if self.last[p] == entry + 1 {
                        continue;
                    }
                    let gap = entry + 1 - self.last[p];
                    self.last[p] = entry + 1;
                    push_varint(&mut self.lists[p], gap);
                }
            }
        }
    }

    fn finish(self) -> PairLists {
        let total: usize = self.lists.iter().map(Vec::len).sum();
        let mut out = PairLists { starts: Vec::with_capacity(self.lists.len() + 1), bytes: Vec::with_capacity(total) };
        for list in self.lists {
            out.starts.push(out.bytes.len());
            out.bytes.extend_from_slice(&list);
        }
        out.starts.push(out.bytes.len());
        out
    }
}

/// The letters (their numbers 0–35, as [`first_letter`] gives them) whose [`letter_bit`]s are in `bits`.
fn letters_in(mut bits: u64) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (bits != 0).then(|| {
            let b = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            b
        })
    })
}

fn push_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// One pair list, read entry by entry.
struct EntryList<'a> {
    bytes: &'a [u8],
    at: usize,
    /// The last entry read + 1 (0 before the first).
    last: u32,
}

impl Iterator for EntryList<'_> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        let mut gap: u32 = 0;
        let mut shift = 0;
        loop {
            let byte = *self.bytes.get(self.at)?;
            self.at += 1;
            gap |= u32::from(byte & 0x7f).checked_shl(shift)?;
            if byte & 0x80 == 0 {
                break;
            }
            shift += 7;
        }
        self.last = self.last.checked_add(gap)?;
        Some(self.last - 1)
    }
}

/// The entries of several ascending lists, ascending, each once.
struct MergedEntries<'a> {
    lists: Vec<EntryList<'a>>,
    heads: Vec<Option<u32>>,
}

impl<'a> MergedEntries<'a> {
    fn new(mut lists: Vec<EntryList<'a>>) -> Self {
        let heads = lists.iter_mut().map(Iterator::next).collect();
        MergedEntries { lists, heads }
    }
}

impl Iterator for MergedEntries<'_> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        let least = self.heads.iter().flatten().min().copied()?;
        for (head, list) in self.heads.iter_mut().zip(&mut self.lists) {
            if *head == Some(least) {
                *head = list.next();
            }
        }
        Some(least)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Titles drawn from a few syllables, polyphones and digits, so that every pair of letters
    /// occurs and most queries have matches in many titles.
    fn titles(n: usize) -> Vec<(i64, String)> {
        const GROUPS: [&str; 16] = [
            "yang",
            "lao",
            "yin/ying",
            "hang/xing",
            "zheng",
            "fu",
            "xin",
            "xi",
            "gong",
            "kai",
            "li",
            "zhong/chong",
            "qing",
            "an",
            "e",
            "2",
        ];
        let mut seed: u64 = 7;
        let mut next = move || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        (0..n)
            .map(|i| {
                let len = next() % 12;
                let groups: Vec<&str> = (0..len).map(|_| GROUPS[next() % GROUPS.len()]).collect();
                // rowids with gaps, as after deletions
                ((i * 3 + 1) as i64, groups.join(" "))
            })
            .collect()
    }

    #[test]
    fn the_titles_holding_a_pair_of_letters_are_the_titles_the_walk_would_match() {
        let rows = titles(3_000);
        let idx = PinyinIndex::from_readings(rows.iter().cloned().map(Ok::<_, ()>)).unwrap();
        let decoded: Vec<(i64, Vec<pinyin::Readings>)> =
            rows.iter().map(|(r, enc)| (*r, pinyin::decode(enc))).collect();
        let mut long_queries = 0;
        for q in [
            "yanglao",
            "yl",
            "yinhang",
            "yh",
            "yx",
            "zhengfu",
            "zf",
            "zhengfuxxgk",
            "zfxxgk",
            "chongqing",
            "zq",
            "cq",
            "gongk",
            "ge",
            "an2",
            "2a",
            "22",
            "lg",
            "xyz",
            "yangl",
            "ylyl",
            "qinganle",
            "y",
            "yang",
            "zh",
            "e",
            "2",
        ] {
            let expected: Vec<(i64, usize, usize)> = decoded
                .iter()
                .filter_map(|(rowid, groups)| pinyin::find(q, &groups[..]).map(|(s, n)| (*rowid, s, n)))
                .collect();
            assert_eq!(idx.matches(q, usize::MAX), expected, "{q}");
            for limit in [1, 7, 500] {
                let first: Vec<_> = expected.iter().take(limit).copied().collect();
                assert_eq!(idx.matches(q, limit), first, "{q}, at most {limit}");
            }
            assert!(idx.matches(q, 0).is_empty());
            long_queries += usize::from(!idx.start_rules(q.as_bytes()).one_character && !expected.is_empty());
        }
        assert!(long_queries >= 12, "most queries go through the pair lists ({long_queries})");
    }

    #[test]
    fn pair_lists_hold_each_title_once_per_pair_in_order() {
        let mut b = PairListsBuilder::new();
        // entry 0: a–b twice; entry 200 (a gap of two bytes): a–b and b–a; entry 70,000
        b.add(0, [(letter_bit(b'a'), letter_bit(b'b')), (letter_bit(b'a'), letter_bit(b'b'))].into_iter());
        b.add(200, [(letter_bit(b'a'), letter_bit(b'b') | letter_bit(b'2'))].into_iter());
        b.add(70_000, [(letter_bit(b'a'), letter_bit(b'b'))].into_iter());
        let lists = b.finish();
        let ab = first_letter(b'a') * LETTERS + first_letter(b'b');
        let a2 = first_letter(b'a') * LETTERS + first_letter(b'2');
        assert_eq!(lists.list(ab).collect::<Vec<_>>(), [0, 200, 70_000]);
        assert_eq!(lists.list(a2).collect::<Vec<_>>(), [200]);
        assert_eq!(lists.list(LETTERS * LETTERS + 5).count(), 0, "a pair out of range is empty");
        let merged: Vec<u32> = MergedEntries::new(vec![lists.list(ab), lists.list(a2), lists.list(0)]).collect();
        assert_eq!(merged, [0, 200, 70_000]);
    }
}
