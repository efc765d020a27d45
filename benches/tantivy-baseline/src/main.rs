//! The tantivy baseline of the kiosk's search benchmark: the engine an engineer would pick
//! instead, on the same documents and queries, in two variants — a CJK bigram tokenizer (a
//! lone CJK character is a unigram, ASCII words are lower-cased words) and jieba
//! (`tantivy-jieba`, search mode).
//!
//!     BENCH_CORPUS=zipf BENCH_EXPORT=/tmp/zipf cargo bench --bench search   # in the kiosk
//!     cargo run --release --locked -- /tmp/zipf                             # here
//!
//! Reads `docs.jsonl` (id, title, body: the text the kiosk's index sees) and `queries.jsonl`
//! (class, query, brute-force truth) and reports, for each variant: build time (one indexing
//! thread, as the kiosk's import has one), index size, p50/p95 per query class of a full search
//! (top 20 by BM25 over title and body, the total from a `Count` collector, a snippet of the body
//! for each of the 20 from `SnippetGenerator`) and of an instant search (top 8 over titles), and
//! recall against the truth (matches the engine misses, e.g. jieba's sub-word matches, counted).
//! Unlike the kiosk's full search it computes no filter counts.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Deserialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::QueryParser;
use tantivy::schema::{IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions};
use tantivy::snippet::{Snippet, SnippetGenerator};
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};
use tantivy::{Index, IndexWriter, ReloadPolicy, TantivyDocument, doc};

#[derive(Deserialize)]
struct Doc {
    title: String,
    body: String,
}

#[derive(Deserialize)]
struct Query {
    class: String,
    query: String,
    truth: Option<u64>,
    /// The same over the unfolded text: what an engine that does not fold traditional
    /// characters can find at best.
    unfolded_truth: Option<u64>,
}

fn read_jsonl<T: for<'de> Deserialize<'de>>(path: &Path) -> Vec<T> {
    let f = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    std::io::BufReader::new(f)
        .lines()
        .enumerate()
        .map(|(i, l)| {
            let l = l.unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), i + 1));
            serde_json::from_str(&l).unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), i + 1))
        })
        .collect()
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3134F}')
}

/// Overlapping bigrams of every run of CJK characters (a run of one is a unigram), and every
/// run of ASCII letters and digits as one lower-cased word. Runs are one position apart, so that
/// a phrase never spans a break (甲乙。乙丙 does not hold 甲乙丙).
#[derive(Clone, Default)]
struct CjkBigramTokenizer {
    tokens: Vec<Token>,
    position: usize,
}

struct VecTokenStream<'a> {
    tokens: &'a mut [Token],
    at: usize,
}

impl TokenStream for VecTokenStream<'_> {
    fn advance(&mut self) -> bool {
        self.at += 1;
        self.at <= self.tokens.len()
    }
    fn token(&self) -> &Token {
        &self.tokens[self.at - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.at - 1]
    }
}

impl Tokenizer for CjkBigramTokenizer {
    type TokenStream<'a> = VecTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream<'a> {
        self.tokens.clear();
        self.position = 0;
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let end_of = |i: usize| chars.get(i).map_or(text.len(), |c| c.0);
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i].1;
            let start = i;
            if is_cjk(c) {
                while i < chars.len() && is_cjk(chars[i].1) {
                    i += 1;
                }
                if i - start == 1 {
                    self.push(&text[chars[start].0..end_of(i)], chars[start].0, end_of(i));
                }
                for k in start..i.saturating_sub(1) {
                    self.push(&text[chars[k].0..end_of(k + 2)], chars[k].0, end_of(k + 2));
                }
                self.position += 1;
            } else if c.is_ascii_alphanumeric() {
                while i < chars.len() && chars[i].1.is_ascii_alphanumeric() {
                    i += 1;
                }
                self.push(&text[chars[start].0..end_of(i)].to_ascii_lowercase(), chars[start].0, end_of(i));
                self.position += 1;
            } else {
                i += 1;
            }
        }
        VecTokenStream { tokens: &mut self.tokens, at: 0 }
    }
}

impl CjkBigramTokenizer {
    fn push(&mut self, text: &str, from: usize, to: usize) {
        let position = self.position;
        self.position += 1;
        self.tokens.push(Token { offset_from: from, offset_to: to, position, text: text.into(), position_length: 1 });
    }
}

/// The snippet with its matches in 【】. Not `Snippet::to_html`: with jieba's overlapping
/// search-mode tokens, tantivy 0.27 computes highlight ranges that start before the fragment
/// (they wrap below zero) and `to_html` panics; such ranges are skipped here.
fn marked(s: &Snippet) -> String {
    let text = s.fragment();
    let mut ranges: Vec<Range<usize>> = s
        .highlighted()
        .iter()
        .filter(|r| {
            r.start < r.end && r.end <= text.len() && text.is_char_boundary(r.start) && text.is_char_boundary(r.end)
        })
        .cloned()
        .collect();
    ranges.sort_by_key(|r| r.start);
    let mut out = String::with_capacity(text.len() + 16);
    let mut at = 0;
    for r in ranges {
        let start = r.start.max(at);
        if start >= r.end {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push('【');
        out.push_str(&text[start..r.end]);
        out.push('】');
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}

fn pct(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    (ms(v[v.len() / 2]), ms(v[(v.len() * 95).div_ceil(100) - 1]))
}

fn dir_bytes(dir: &Path) -> (u64, u64) {
    let (mut all, mut store) = (0, 0);
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let len = e.metadata().unwrap().len();
        all += len;
        if e.path().extension().is_some_and(|x| x == "store") {
            store += len;
        }
    }
    (all, store)
}

fn run(variant: &str, analyzer: TextAnalyzer, docs: &[Doc], queries: &[Query], text_bytes: u64) {
    let tmp = tempfile::tempdir().unwrap();
    let mut schema = Schema::builder();
    let indexing =
        TextFieldIndexing::default().set_tokenizer(variant).set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let text = TextOptions::default().set_indexing_options(indexing) | STORED;
    let title = schema.add_text_field("title", text.clone());
    let body = schema.add_text_field("body", text);
    let index = Index::create_in_dir(tmp.path(), schema.build()).unwrap();
    index.tokenizers().register(variant, analyzer);

    let t = Instant::now();
    let mut writer: IndexWriter = index.writer_with_num_threads(1, 512_000_000).unwrap();
    for d in docs {
        writer.add_document(doc!(title => d.title.as_str(), body => d.body.as_str())).unwrap();
    }
    writer.commit().unwrap();
    writer.wait_merging_threads().unwrap();
    let build = t.elapsed();
    let (all, store) = dir_bytes(tmp.path());
    println!(
        "{variant}: build {:.1} s (1 indexing thread); index {:.1} MB = {:.2} × text without its stored text ({:.2} × with it)",
        build.as_secs_f64(),
        (all - store) as f64 / 1e6,
        (all - store) as f64 / text_bytes as f64,
        all as f64 / text_bytes as f64
    );

    let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into().unwrap();
    let searcher = reader.searcher();
    let mut full_parser = QueryParser::for_index(&index, vec![title, body]);
    full_parser.set_conjunction_by_default();
    let mut title_parser = QueryParser::for_index(&index, vec![title]);
    title_parser.set_conjunction_by_default();

    let (mut full, mut inst, mut totals) = (Vec::new(), Vec::new(), Vec::new());
    let mut errors = 0;
    for q in queries {
        let t = Instant::now();
        match title_parser.parse_query(&q.query) {
            Ok(query) => {
                let _ = searcher.search(&query, &TopDocs::with_limit(8).order_by_score()).unwrap();
            }
            Err(_) => errors += 1,
        }
        inst.push(t.elapsed());
        let t = Instant::now();
        let total = match full_parser.parse_query(&q.query) {
            Ok(query) => {
                let (top, count) = searcher.search(&query, &(TopDocs::with_limit(20).order_by_score(), Count)).unwrap();
                let snippets = SnippetGenerator::create(&searcher, &*query, body).unwrap();
                for (_, addr) in top {
                    let d: TantivyDocument = searcher.doc(addr).unwrap();
                    std::hint::black_box(marked(&snippets.snippet_from_doc(&d)));
                }
                count as u64
            }
            Err(_) => {
                errors += 1;
                0
            }
        };
        full.push(t.elapsed());
        totals.push(total);
    }
    if errors > 0 {
        println!("  {errors} queries the query parser refused (counted as 0 results)");
    }
    report(queries, &full, &inst, &totals);
}

fn report(queries: &[Query], full: &[Duration], inst: &[Duration], totals: &[u64]) {
    let mut classes: Vec<&str> = Vec::new();
    for q in queries {
        if !classes.contains(&q.class.as_str()) {
            classes.push(&q.class);
        }
    }
    let (mut worst_full, mut worst_inst) = (("", 0.0), ("", 0.0));
    let (mut expected_sum, mut found_sum, mut missed_sum, mut over_sum, mut complete, mut checked) = (0, 0, 0, 0, 0, 0);
    for class in classes {
        let idx: Vec<usize> = (0..queries.len()).filter(|&i| queries[i].class == class).collect();
        let (a, b) = pct(idx.iter().map(|&i| full[i]).collect());
        let (c, d) = pct(idx.iter().map(|&i| inst[i]).collect());
        if b > worst_full.1 {
            worst_full = (class, b);
        }
        if d > worst_inst.1 {
            worst_inst = (class, d);
        }
        let mean_total = idx.iter().map(|&i| totals[i]).sum::<u64>() / idx.len() as u64;
        let with_truth: Vec<(u64, u64)> = idx.iter().filter_map(|&i| Some((queries[i].truth?, totals[i]))).collect();
        let recall = if with_truth.is_empty() {
            "n/a".to_string()
        } else {
            let expected: u64 = with_truth.iter().map(|t| t.0).sum();
            let found: u64 = with_truth.iter().map(|t| t.1.min(t.0)).sum();
            let over: u64 = with_truth.iter().map(|t| t.1.saturating_sub(t.0)).sum();
            let done = with_truth.iter().filter(|t| t.0 == t.1).count();
            expected_sum += expected;
            found_sum += found;
            missed_sum += expected - found;
            over_sum += over;
            complete += done;
            checked += with_truth.len();
            if expected == 0 {
                format!("nothing to find ({done}/{} with 0 results)", with_truth.len())
            } else {
                format!(
                    "{:.2}% ({done}/{} complete, {} missed{})",
                    100.0 * found as f64 / expected as f64,
                    with_truth.len(),
                    expected - found,
                    if over > 0 { format!(", {over} more than the truth") } else { String::new() }
                )
            }
        };
        println!(
            "  {class:<18} ({:>2} q, mean total {mean_total:>6}) full {a:>6.2} / {b:>6.2}  instant {c:>6.2} / {d:>6.2}  recall {recall}",
            idx.len()
        );
    }
    let (a, b) = pct(full.to_vec());
    let (c, d) = pct(inst.to_vec());
    println!("  all classes: full p50/p95 {a:.2} / {b:.2} ms, instant {c:.2} / {d:.2} ms");
    println!(
        "  worst class: full p95 {:.2} ms ({}), instant p95 {:.2} ms ({})",
        worst_full.1, worst_full.0, worst_inst.1, worst_inst.0
    );
    let (mut u_expected, mut u_found) = (0u64, 0u64);
    for (q, &total) in queries.iter().zip(totals) {
        if let Some(u) = q.unfolded_truth {
            u_expected += u;
            u_found += total.min(u);
        }
    }
    println!(
        "  against the unfolded truth (traditional documents left aside): {:.2}% of matches, {} missed",
        100.0 * u_found as f64 / u_expected.max(1) as f64,
        u_expected - u_found
    );
    println!(
        "  recall over {checked} queries with a truth: {:.2}% of matches, {complete}/{checked} complete, {missed_sum} matches missed, {over_sum} results beyond the truth",
        100.0 * found_sum as f64 / expected_sum.max(1) as f64
    );
}

fn main() {
    let dir: PathBuf = std::env::args_os()
        .nth(1)
        .or_else(|| std::env::var_os("BENCH_EXPORT"))
        .map(PathBuf::from)
        .expect("usage: tantivy-baseline DIR (the BENCH_EXPORT directory of `cargo bench --bench search`)");
    let t = Instant::now();
    let docs: Vec<Doc> = read_jsonl(&dir.join("docs.jsonl"));
    let queries: Vec<Query> = read_jsonl(&dir.join("queries.jsonl"));
    let text_bytes: u64 = docs.iter().map(|d| (d.title.len() + d.body.len()) as u64).sum();
    println!(
        "{} documents ({:.1} MB of text), {} queries, read in {:.1} s",
        docs.len(),
        text_bytes as f64 / 1e6,
        queries.len(),
        t.elapsed().as_secs_f64()
    );
    let by_class = queries.iter().fold(BTreeMap::<&str, usize>::new(), |mut m, q| {
        *m.entry(&q.class).or_default() += 1;
        m
    });
    println!("classes: {by_class:?}");
    let only = std::env::var("BASELINE_VARIANT").ok();
    if only.as_deref().is_none_or(|v| v == "bigram") {
        run("bigram", TextAnalyzer::from(CjkBigramTokenizer::default()), &docs, &queries, text_bytes);
    }
    if only.as_deref().is_none_or(|v| v == "jieba") {
        run("jieba", TextAnalyzer::from(tantivy_jieba::JiebaTokenizer::new()), &docs, &queries, text_bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<(String, usize)> {
        let mut t = CjkBigramTokenizer::default();
        let mut s = t.token_stream(text);
        let mut out = Vec::new();
        while s.advance() {
            out.push((s.token().text.clone(), s.token().position));
        }
        out
    }

    #[test]
    fn bigrams_of_runs_with_a_gap_between_runs() {
        let got = tokens("政府信息。息公开 ABC税");
        let want = [("政府", 0), ("府信", 1), ("信息", 2), ("息公", 4), ("公开", 5), ("abc", 7), ("税", 9)];
        assert_eq!(got, want.map(|(t, p)| (t.to_string(), p)));
    }
}
