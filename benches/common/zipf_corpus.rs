//! The realistic corpus of the search benchmark (`BENCH_CORPUS=zipf`): words drawn with a Zipf
//! distribution (frequency ∝ 1 / rank) from the ~48,000 two- to four-character words of the
//! keyboard's dictionary (`assets/ime/pinyin_simp.dict.yaml`, ranked by its weights, with the
//! 80 government terms of `corpus.rs` spread among the first 5,000 ranks), the sentences of the
//! demo content, and the boilerplate of real portals, each phrase in a fixed share of the
//! documents (索引号 and 发布机构 in nine in ten, the 《政府信息公开条例》 sentence in seven in
//! ten, …). Titles of 10–30 characters, bodies of 500–3,000; one document in twenty in
//! traditional characters. Deterministic (fixed xorshift seeds).
//!
//! Needs `corpus.rs` declared beside it as `mod corpus`.

#![allow(dead_code)]

use std::path::Path;

use chrono::NaiveDate;
use gongkai_kiosk::content::{DocKind, Document, KEY_AREAS, Validity};

use super::corpus::{Rng, TERMS, document};

/// A word of the vocabulary with its reading (syllables separated by spaces).
pub struct Word {
    pub text: String,
    pub pinyin: String,
}

/// The ranked vocabulary and the cumulative Zipf weights to draw from it.
pub struct Vocabulary {
    pub words: Vec<Word>,
    cumulative: Vec<f64>,
}

impl Vocabulary {
    /// The dictionary's 2–4 character words, most frequent first, with the government terms
    /// placed at ranks 50, 110, 170, …
    pub fn load() -> Self {
        let dict = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/ime/pinyin_simp.dict.yaml"));
        let mut entries: Vec<(u64, &str, &str)> = dict
            .lines()
            .filter_map(|l| {
                let mut f = l.split('\t');
                let (w, py, weight) = (f.next()?, f.next()?, f.next()?.trim().parse::<u64>().ok()?);
                let n = w.chars().count();
                ((2..=4).contains(&n) && w.chars().all(is_han)).then_some((weight, w, py))
            })
            .collect();
        entries.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        let mut seen = std::collections::HashSet::new();
        let mut words: Vec<Word> = Vec::new();
        for (_, w, py) in entries {
            if seen.insert(w) {
                words.push(Word { text: w.to_string(), pinyin: py.to_string() });
            }
        }
        for (i, t) in TERMS.iter().enumerate() {
            let at = (50 + i * 60).min(words.len());
            if let Some(p) = words.iter().position(|w| w.text == *t) {
                words.remove(p);
            }
            words.insert(at, Word { text: t.to_string(), pinyin: String::new() });
        }
        let mut cumulative = Vec::with_capacity(words.len());
        let mut sum = 0.0;
        for r in 0..words.len() {
            sum += 1.0 / (r + 1) as f64;
            cumulative.push(sum);
        }
        Vocabulary { words, cumulative }
    }

    /// A rank drawn with probability ∝ 1 / (rank + 1).
    pub fn draw(&self, rng: &mut Rng) -> usize {
        let total = *self.cumulative.last().unwrap();
        let u = (rng.next() >> 11) as f64 / (1u64 << 53) as f64 * total;
        self.cumulative.partition_point(|&c| c < u).min(self.words.len() - 1)
    }

    pub fn word(&self, rng: &mut Rng) -> &str {
        &self.words[self.draw(rng)].text
    }
}

fn is_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// Boilerplate sentences of real portals and the share of documents that carry each.
pub const BOILERPLATE: &[(&str, f64)] = &[
    ("根据《中华人民共和国政府信息公开条例》规定，现将有关事项公开如下。", 0.7),
    ("为深入贯彻落实党中央、国务院决策部署，进一步优化营商环境，", 0.4),
    ("各有关单位要高度重视，加强组织领导，认真抓好贯彻落实。", 0.5),
    ("本文件自印发之日起施行。", 0.6),
    ("特此通知。", 0.5),
    ("如有疑问，请在工作日拨打政务服务便民热线12345咨询。", 0.3),
];

const PUBLISHERS: &[&str] = &[
    "望川区人民政府",
    "望川区人民政府办公室",
    "望川区财政局",
    "望川区民政局",
    "望川区教育局",
    "望川区卫生健康委员会",
    "望川区人力资源和社会保障局",
    "望川区住房和城乡建设局",
    "望川区市场监督管理局",
    "望川区生态环境分局",
    "望川区农业农村局",
    "望川区应急管理局",
    "望川区城市管理局",
    "望川区文化和旅游局",
    "望川区医疗保障局",
    "望川区退役军人事务局",
];
const CONNECT: &[&str] = &["关于", "关于进一步做好", "关于加强", "关于规范", "关于推进", "关于印发", "", ""];
const SUFFIX: &[&str] =
    &["的通知", "实施办法", "工作方案", "的公告", "管理办法", "实施细则", "的意见", "工作要点", "的公示", "情况报告"];

/// The sentences of the demo content's documents (their Markdown bodies, split at 。！？ and
/// line ends; at least eight characters).
pub fn demo_sentences() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-content/docs");
    let mut files = Vec::new();
    let mut dirs = vec![root];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "md") {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let body = text.splitn(3, "+++").nth(2).unwrap_or("");
        for s in body.split(['。', '！', '？', '\n']) {
            let s = s.trim().trim_start_matches(['-', '*', '#', ' ']).replace("**", "");
            if s.chars().filter(|&c| is_han(c)).count() >= 8 {
                out.push(format!("{s}。"));
            }
        }
    }
    out
}

pub fn corpus(n: usize) -> Vec<Document> {
    let vocab = Vocabulary::load();
    let demo = demo_sentences();
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let kinds =
        [DocKind::Policy, DocKind::Notice, DocKind::Regulation, DocKind::Plan, DocKind::Budget, DocKind::Statistics];
    let validity = [Validity::Valid, Validity::Valid, Validity::Valid, Validity::Expired, Validity::Repealed];
    let chance = |rng: &mut Rng, p: f64| (rng.next() % 10_000) as f64 / 10_000.0 < p;
    (0..n)
        .map(|i| {
            let mut title = String::from(rng.pick(CONNECT));
            title.push_str(vocab.word(&mut rng));
            title.push_str(vocab.word(&mut rng));
            if rng.next().is_multiple_of(2) {
                title.push_str(vocab.word(&mut rng));
            }
            title.push_str(rng.pick(SUFFIX));
            while title.chars().count() < 10 {
                title.insert_str(0, vocab.word(&mut rng));
            }
            let title: String = title.chars().take(30).collect();
            let publisher = PUBLISHERS[vocab.draw(&mut rng) % PUBLISHERS.len()];
            let year = 2015 + (rng.next() % 10) as i32;
            let index_no = format!("11459901WC{:08}/{year}-{:05}", rng.next() % 200, i % 100_000);
            let target = 500 + rng.next() % 2500;
            let mut body = String::new();
            if chance(&mut rng, 0.9) {
                body.push_str(&format!("索引号：{index_no}　发布机构：{publisher}\n\n"));
            }
            let b = |k: usize| BOILERPLATE[k].0;
            for k in [0, 1] {
                if chance(&mut rng, BOILERPLATE[k].1) {
                    body.push_str(b(k));
                }
            }
            let closing: Vec<usize> = (2..BOILERPLATE.len()).filter(|&k| chance(&mut rng, BOILERPLATE[k].1)).collect();
            while body.chars().count() < target {
                if rng.next().is_multiple_of(7) {
                    body.push_str(&demo[rng.next() % demo.len()]);
                } else {
                    let words = 4 + rng.next() % 11;
                    for w in 0..words {
                        body.push_str(vocab.word(&mut rng));
                        if w + 1 < words && rng.next().is_multiple_of(5) {
                            body.push('，');
                        }
                    }
                    body.push('。');
                }
                if rng.next().is_multiple_of(6) {
                    body.push_str("\n\n");
                }
            }
            for k in closing {
                body.push_str(b(k));
            }
            // one document in twenty is published in traditional characters
            let (title, body) = if i % 20 == 7 { (hanconv::s2t(&title), hanconv::s2t(&body)) } else { (title, body) };
            Document {
                kind: kinds[rng.next() % kinds.len()],
                index_no: Some(index_no),
                published: NaiveDate::from_ymd_opt(year, 1 + (rng.next() % 12) as u32, 1 + (rng.next() % 28) as u32)
                    .unwrap(),
                validity: validity[rng.next() % validity.len()],
                area: Some(KEY_AREAS[rng.next() % KEY_AREAS.len()].to_string()),
                ..document(i, title, body, publisher)
            }
        })
        .collect()
}
