//! Taps to enter text on the kiosk's keyboard: the lexicon before the shipped dictionary (the
//! content's own runs, `common/content_lexicon.rs`) against today's, in one run, over the demo
//! content, for three lists:
//!
//! 1. the 100 most common surnames, typed in full pinyin in an empty name field — where does the
//!    surname stand in the candidate bar?
//! 2. the 100 most common full names (the published list of most frequent names, 张伟 王伟 王芳…),
//!    typed into a name field as a visitor could: in full pinyin or by initials, a syllable or a
//!    whole name at a time — the fewest taps (letters + page turns + the pick), per character;
//! 3. 100 common two-character given names (秀英, 建国, 子涵, 一诺…: with a surname they make
//!    three-character names) typed into a name field after the surname, the same way — the fewest
//!    taps per character of the given name;
//! 4. 100 policy terms of the demo content (its keywords) typed by their initials in an
//!    ordinary field — where does the term stand?
//!
//! `cargo bench --bench ime`; figures in docs/benchmarks.md.

#[path = "common/content_lexicon.rs"]
mod content_lexicon;

use std::path::Path;

use gongkai_kiosk::ime::{Field, Lexicon, names};
use gongkai_kiosk::store::Store;
use gongkai_kiosk::text::dictionary::dictionary;
use pinyin::ToPinyinMulti;

/// Candidates on one page of the bar.
const PAGE: usize = 8;
/// Pages a visitor turns at most before trying another way.
const MAX_PAGES: usize = 8;

/// The 100 most frequent full names (the public security ministry's 2019 list of the names the
/// most people share).
const NAMES: &str = "张伟 王伟 王芳 李伟 李娜 张敏 李静 王静 刘伟 王秀英 张丽 李秀英 王丽 张静 张秀英 李强 王敏 李敏 王磊 刘洋 \
王艳 王勇 李军 张勇 李杰 张杰 张磊 王强 李娟 王军 张艳 张涛 王涛 李艳 王超 李明 李勇 王娟 刘杰 刘敏 李霞 李丽 张军 王杰 张强 \
王秀兰 王刚 王平 刘芳 张燕 刘艳 刘军 李平 王辉 王燕 陈静 刘勇 李玲 李桂英 王丹 李刚 李丹 李萍 王鹏 刘涛 陈伟 张华 刘静 李涛 \
王桂英 张秀兰 李红 李超 刘丽 张桂英 王玉兰 李燕 张鹏 李秀兰 张超 王玲 张玲 李华 王飞 张玉兰 王桂兰 王英 刘强 陈秀英 李英 李辉 \
李梅 陈勇 王鑫 李芳 张桂兰 李波 杨勇 王霞 李桂兰";

/// 100 common two-character given names, three generations of them. The newest 29 are every name
/// in the public security ministry's yearly top tens of newborns' given names for 2019 and 2020
/// (boys and girls: 沐宸, 浩宇, 一诺, 若汐…); the middle 50 and the oldest 21 are names often
/// counted among the commonest of people born from the 1950s to the 2000s (建国, 志强, 婷婷, 子涵;
/// 秀英, 桂兰, 淑珍…), among them the given names of the most frequent full names (王秀英, 张桂兰).
/// Compiled for this benchmark from those published counts; it is not itself an official ranking,
/// and it was written without looking at which names the kiosk ranks well. Some of the names are
/// also in the kiosk's own list of common pairs (`ime::names::GIVEN_PAIRS`, from the same kind of
/// counts); the benchmark reports the names outside that list separately.
const GIVEN_NAMES: &str = "沐宸 浩宇 沐辰 茗泽 奕辰 宇泽 浩然 奕泽 宇轩 沐阳 若汐 一诺 艺涵 依诺 梓涵 苡沫 雨桐 欣怡 语桐 \
语汐 亦辰 宇辰 子墨 宇航 梓豪 亦宸 欣妍 可欣 梦瑶 子轩 子涵 梓轩 诗涵 佳怡 思雨 雨涵 浩轩 嘉怡 梓萱 家豪 子豪 博文 俊杰 文博 \
婷婷 丹丹 晓燕 晓东 海燕 海涛 丽娟 丽华 春梅 红梅 红霞 志强 志明 志刚 建国 建华 建军 建平 建新 国庆 国强 国平 卫国 卫东 永强 \
永刚 爱国 爱华 振华 德华 明华 文华 金凤 小红 小平 秀英 桂英 秀兰 玉兰 桂兰 秀珍 凤英 玉珍 玉英 兰英 玉梅 秀云 桂芳 淑珍 淑英 \
秀芳 秀华 桂香 红英 凤兰 秀荣";

/// Keywords of the demo content that are not generic labels (解读, 指南, 公示…).
fn policy_terms(store: &Store) -> Vec<String> {
    let skip = ["PM2.5", "繁体", "解读", "指南", "图解", "公示"];
    let mut terms: Vec<String> = store
        .lexicon_terms(1000)
        .unwrap()
        .into_iter()
        .map(|(t, _)| t)
        .filter(|t| !skip.contains(&t.as_str()))
        .collect();
    terms.sort();
    terms.truncate(100);
    terms
}

/// A candidate bar: the old lexicon knows no fields.
trait Bar {
    fn bar(&self, input: &str, field: Field) -> Vec<(String, usize)>;
}

impl Bar for Lexicon {
    fn bar(&self, input: &str, field: Field) -> Vec<(String, usize)> {
        self.candidates_for(input, field, PAGE * MAX_PAGES).into_iter().map(|c| (c.text, c.consumed)).collect()
    }
}

impl Bar for content_lexicon::Lexicon {
    fn bar(&self, input: &str, _field: Field) -> Vec<(String, usize)> {
        self.candidates(input, PAGE * MAX_PAGES).into_iter().map(|c| (c.text, c.consumed)).collect()
    }
}

/// The readings of each character of `text`: the dictionary's for the word it is in, then the
/// character's other readings.
fn readings(text: &str) -> Vec<Vec<String>> {
    let d = dictionary();
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut at = 0;
    for n in d.segment(&chars) {
        let word: String = chars[at..at + n].iter().collect();
        let first: Option<Vec<String>> =
            d.lookup(&word).next().map(|e| e.syllables.iter().map(|&s| d.syllable(s).to_string()).collect());
        for (k, c) in chars[at..at + n].iter().enumerate() {
            let mut r: Vec<String> = first.as_ref().map(|f| vec![f[k].clone()]).unwrap_or_default();
            for p in c.to_pinyin_multi().into_iter().flatten() {
                let plain = p.plain().replace('ü', "v");
                if !r.contains(&plain) {
                    r.push(plain);
                }
            }
            out.push(r);
        }
        at += n;
    }
    out
}

/// Where `want` stands in the bar for `input` (0 = first), if it spells all of the input.
fn rank(bar: &dyn Bar, input: &str, field: Field, want: &str) -> Option<usize> {
    bar.bar(input, field).iter().position(|(t, used)| t == want && *used == input.len())
}

/// Where the text is typed into.
#[derive(Clone, Copy)]
enum Typed {
    /// An ordinary field.
    Text,
    /// An empty name field: a surname first.
    EmptyName,
    /// A name field that holds the surname already: the given name follows.
    AfterSurname,
}

/// The fewest taps to enter `target`: letters typed, pages turned, and one tap per pick; each
/// pick enters one to all of the remaining characters, typed in full pinyin or by initials.
fn taps(bar: &dyn Bar, target: &str, into: Typed) -> Option<usize> {
    let chars: Vec<char> = target.chars().collect();
    let rs = readings(target);
    let n = chars.len();
    let mut best: Vec<Option<usize>> = vec![None; n + 1];
    best[0] = Some(0);
    for pos in 0..n {
        let Some(here) = best[pos] else { continue };
        let field = match into {
            Typed::Text => Field::Text,
            Typed::EmptyName => Field::Name { first: pos == 0 },
            Typed::AfterSurname => Field::Name { first: false },
        };
        for k in 1..=n - pos {
            let want: String = chars[pos..pos + k].iter().collect();
            // each character in full or by its initial, with its most common reading
            let styles: [fn(&str) -> String; 2] = [|r| r.to_string(), |r| r[..1].to_string()];
            for spell in &styles {
                let input: String = rs[pos..pos + k].iter().map(|r| spell(&r[0])).collect();
                if let Some(i) = rank(bar, &input, field, &want).filter(|i| i / PAGE < MAX_PAGES) {
                    let cost = here + input.len() + i / PAGE + 1;
                    if best[pos + k].is_none_or(|b| cost < b) {
                        best[pos + k] = Some(cost);
                    }
                }
            }
        }
    }
    best[n]
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    if v.is_empty() { f64::NAN } else { v[v.len() / 2] }
}

fn main() {
    let tmp = tempfile::tempdir().unwrap();
    let mut store = Store::open(tmp.path()).unwrap();
    store.import_folder(&Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-content")).unwrap();
    let texts = store.lexicon_texts(5000, 300).unwrap();
    let t = std::time::Instant::now();
    let old = content_lexicon::Lexicon::build(texts.iter().map(|(s, w)| (s.as_str(), *w)));
    let old_build = t.elapsed();
    let t = std::time::Instant::now();
    let new = Lexicon::from_store(&store).unwrap();
    let new_build = t.elapsed();
    println!(
        "lexicons: old {} words in {:.0} ms; new {} words ({} from the content) in {:.0} ms",
        old.word_count(),
        old_build.as_secs_f64() * 1e3,
        new.word_count(),
        new.content_word_count(),
        new_build.as_secs_f64() * 1e3
    );
    let lexicons: [(&str, &dyn Bar); 2] = [("old", &old), ("new", &new)];

    // 1. surnames in full pinyin, in an empty name field
    for (label, bar) in lexicons {
        let mut first = 0;
        let mut ranks = Vec::new();
        let mut behind = Vec::new();
        for s in names::SURNAMES.chars() {
            let r = readings(&s.to_string());
            let pos = r[0].iter().filter_map(|py| rank(bar, py, Field::Name { first: true }, &s.to_string())).min();
            match pos {
                Some(0) => first += 1,
                Some(p) => behind.push(format!("{s}#{}", p + 1)),
                None => behind.push(format!("{s}-")),
            }
            ranks.push(pos.map_or(99.0, |p| p as f64 + 1.0));
        }
        println!(
            "surnames ({label}): {first}/100 first after their full pinyin; median place {}; not first: {}",
            median(ranks),
            behind.join(" ")
        );
    }

    // 2. full names, fewest taps per character in a name field
    for (label, bar) in lexicons {
        let mut per_char = Vec::new();
        let mut missing = Vec::new();
        for name in NAMES.split_whitespace() {
            match taps(bar, name, Typed::EmptyName) {
                Some(t) => per_char.push(t as f64 / name.chars().count() as f64),
                None => missing.push(name),
            }
        }
        let mean = per_char.iter().sum::<f64>() / per_char.len().max(1) as f64;
        println!(
            "names ({label}): median {:.2} taps per character, mean {mean:.2}, worst {:.2}; not enterable: {missing:?}",
            median(per_char.clone()),
            per_char.iter().copied().fold(0.0, f64::max)
        );
    }

    // 3. given names, fewest taps per character, typed after the surname
    let pairs: Vec<&str> = names::GIVEN_PAIRS.split_whitespace().collect();
    for (label, bar) in lexicons {
        let (mut all, mut outside) = (Vec::new(), Vec::new());
        let mut missing = Vec::new();
        let mut worst = Vec::new();
        for name in GIVEN_NAMES.split_whitespace() {
            match taps(bar, name, Typed::AfterSurname) {
                Some(t) => {
                    let per = t as f64 / name.chars().count() as f64;
                    all.push(per);
                    if !pairs.contains(&name) {
                        outside.push(per);
                    }
                    if per > 2.5 {
                        worst.push(format!("{name}:{per:.1}"));
                    }
                }
                None => missing.push(name),
            }
        }
        let mean = all.iter().sum::<f64>() / all.len().max(1) as f64;
        println!(
            "given names ({label}): median {:.2} taps per character, mean {mean:.2}, worst {:.2}; the {} outside the kiosk's pair list: median {:.2}; above 2.5: {}; not enterable: {missing:?}",
            median(all.clone()),
            all.iter().copied().fold(0.0, f64::max),
            outside.len(),
            median(outside),
            worst.join(" ")
        );
    }

    // 4. policy terms by their initials
    let terms = policy_terms(&store);
    assert_eq!(terms.len(), 100, "the demo content has 100 terms");
    for (label, bar) in lexicons {
        let mut top3 = 0;
        let mut missed = Vec::new();
        let mut term_taps = Vec::new();
        for term in &terms {
            let initials: String = readings(term).iter().map(|r| r[0][..1].to_string()).collect();
            match rank(bar, &initials, Field::Text, term) {
                Some(r) if r < 3 => top3 += 1,
                Some(r) => missed.push(format!("{term}#{}", r + 1)),
                None => missed.push(format!("{term}-")),
            }
            if let Some(t) = taps(bar, term, Typed::Text) {
                term_taps.push(t as f64 / term.chars().count() as f64);
            }
        }
        println!(
            "terms ({label}): {top3}/100 among the first 3 candidates of their initials; median {:.2} taps per character; not: {}",
            median(term_taps),
            missed.join(" ")
        );
    }
}
