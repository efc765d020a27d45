//! Search benchmark: this design (folded CJK bigrams in FTS5, pinyin over titles) against a
//! plain FTS5 trigram index of the same corpus, measured in the same run.
//!
//!     cargo bench --bench search                    # 100,000 documents
//!     BENCH_DOCS=500000 cargo bench --bench search
//!
//! Reports index build time, index size ÷ text size, p50/p95 latency of instant search and of
//! ranked full search with snippets over 220 queries (55% two-character words, one-character,
//! traditional, pinyin, longer words), and recall of every query of two or more characters
//! against a brute-force substring scan of the folded text.

use std::collections::HashSet;
use std::time::{Duration, Instant};

#[path = "common/corpus.rs"]
mod corpus;

use corpus::{Rng, TERMS, corpus};
use gongkai_kiosk::content::{ContentSet, ItemKind, Site};
use gongkai_kiosk::search::{SearchFilter, Searcher};
use gongkai_kiosk::store::Store;
use gongkai_kiosk::text::fold::fold_str;
use rusqlite::Connection;

#[derive(Clone)]
struct Query {
    text: String,
    class: &'static str,
}

fn queries() -> Vec<Query> {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let mut out = Vec::new();
    let two: Vec<String> = TERMS
        .iter()
        .flat_map(|t| {
            let c: Vec<char> = t.chars().collect();
            c.chunks(2).filter(|w| w.len() == 2).map(|w| w.iter().collect::<String>()).collect::<Vec<_>>()
        })
        .collect::<HashSet<_>>()
        .into_iter()
        .collect::<Vec<_>>();
    let mut two = two;
    two.sort();
    for _ in 0..121 {
        out.push(Query { text: two[rng.next() % two.len()].clone(), class: "2 characters" });
    }
    for c in ["税", "粮", "证", "房", "医", "保", "学", "街", "补", "险", "农", "款", "图", "核", "灾"] {
        out.push(Query { text: c.into(), class: "1 character" });
    }
    for _ in 0..30 {
        let t = TERMS[rng.next() % TERMS.len()];
        out.push(Query { text: hanconv::s2t(t), class: "traditional" });
    }
    for _ in 0..30 {
        let t = TERMS[rng.next() % TERMS.len()];
        out.push(Query { text: t.into(), class: "3-6 characters" });
    }
    for t in [
        "zfxxgk",
        "ysqgk",
        "zdshbz",
        "ylfw",
        "ywjy",
        "yibaoxian",
        "butie",
        "jiuye",
        "zhengfuxxgk",
        "gzf",
        "laonian",
        "jsjf",
        "hjgl",
        "wsjk",
        "shbx",
        "zhufang",
        "cbzb",
        "ylbx",
        "ggwhfw",
        "jzz",
        "xzxk",
        "zfcg",
        "aqsc",
        "ljfl",
        "zhengwu",
        "czys",
        "tjgb",
        "xczx",
        "cjr",
        "shjz",
    ] {
        out.push(Query { text: t.into(), class: "pinyin" });
    }
    out
}

fn pct(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    (ms(v[v.len() / 2]), ms(v[(v.len() * 95).div_ceil(100) - 1]))
}

fn table_bytes(conn: &Connection, like: &str) -> u64 {
    conn.query_row("SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name LIKE ?1", [like], |r| r.get::<_, i64>(0))
        .unwrap() as u64
}

fn main() {
    let n: usize = std::env::var("BENCH_DOCS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let tmp = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let docs = corpus(n);
    let text_bytes: u64 = docs.iter().map(|d| (d.title.len() + d.body.len()) as u64).sum();
    println!(
        "corpus: {n} documents, {:.1} MB of text, generated in {:.1} s",
        text_bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );

    // ---- this design, in the real store ----
    let mut store = Store::open(&tmp.path().join("store")).unwrap();
    let set = ContentSet {
        site: Site { name: "基准".into(), government: "基准区".into(), ..Default::default() },
        documents: docs.clone(),
        ..Default::default()
    };
    let t = Instant::now();
    store.apply(&set, "bench").unwrap();
    let import = t.elapsed();
    let t = Instant::now();
    store.rebuild_search_index().unwrap();
    let rebuild = t.elapsed();
    let ours_bytes = table_bytes(store.connection(), "search_%");
    println!(
        "bigram: import with index {:.1} s; full index rebuild {:.1} s; index {:.1} MB = {:.2} × text",
        import.as_secs_f64(),
        rebuild.as_secs_f64(),
        ours_bytes as f64 / 1e6,
        ours_bytes as f64 / text_bytes as f64
    );

    // ---- baseline: plain FTS5 trigram over the original text ----
    let base = Connection::open(tmp.path().join("trigram.sqlite")).unwrap();
    base.execute_batch("PRAGMA journal_mode=WAL; CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize='trigram');")
        .unwrap();
    let t = Instant::now();
    base.execute_batch("BEGIN").unwrap();
    {
        let mut ins = base.prepare("INSERT INTO t (rowid, title, body) VALUES (?1, ?2, ?3)").unwrap();
        for (i, d) in docs.iter().enumerate() {
            ins.execute(rusqlite::params![i as i64 + 1, d.title, d.body]).unwrap();
        }
    }
    base.execute_batch("COMMIT").unwrap();
    let base_build = t.elapsed();
    let base_index = table_bytes(&base, "t_%") - table_bytes(&base, "t_content");
    let base_total = table_bytes(&base, "t%");
    println!(
        "trigram: build {:.1} s; index {:.1} MB = {:.2} × text (with its stored text: {:.2} ×)",
        base_build.as_secs_f64(),
        base_index as f64 / 1e6,
        base_index as f64 / text_bytes as f64,
        base_total as f64 / text_bytes as f64
    );

    // ---- latency ----
    let qs = queries();
    let searcher = Searcher::new(&store).unwrap();
    let docs_only = SearchFilter { item: Some(ItemKind::Document), ..Default::default() };
    let (mut inst, mut full, mut b_inst, mut b_full) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut totals = Vec::new();
    let mut base_totals = Vec::new();
    for q in &qs {
        let t = Instant::now();
        let _ = searcher.instant(&store, &q.text, 8).unwrap();
        inst.push(t.elapsed());
        let t = Instant::now();
        let r = searcher.search(&store, &q.text, &docs_only, 20, 0).unwrap();
        full.push(t.elapsed());
        totals.push(r.total);
        // baseline: the query as typed (trigram needs 3 characters to use its index)
        let phrase = format!("\"{}\"", q.text.replace('"', ""));
        let t = Instant::now();
        let _: Vec<i64> = base
            .prepare_cached("SELECT rowid FROM t WHERE t MATCH ?1 ORDER BY rank LIMIT 8")
            .unwrap()
            .query_map([format!("title : {phrase}")], |r| r.get(0))
            .map(|rows| rows.filter_map(Result::ok).collect())
            .unwrap_or_default();
        b_inst.push(t.elapsed());
        let t = Instant::now();
        let _: Vec<String> = base
            .prepare_cached("SELECT snippet(t, 1, '【', '】', '…', 20) FROM t WHERE t MATCH ?1 ORDER BY rank LIMIT 20")
            .unwrap()
            .query_map([phrase.clone()], |r| r.get(0))
            .map(|rows| rows.filter_map(Result::ok).collect())
            .unwrap_or_default();
        b_full.push(t.elapsed());
        let count: i64 = base.query_row("SELECT count(*) FROM t WHERE t MATCH ?1", [phrase], |r| r.get(0)).unwrap_or(0);
        base_totals.push(count as u64);
    }
    let (a, b) = pct(inst.clone());
    let (c, d) = pct(b_inst.clone());
    println!("instant search p50/p95: bigram {a:.2} / {b:.2} ms; trigram {c:.2} / {d:.2} ms");
    let (a, b) = pct(full.clone());
    let (c, d) = pct(b_full.clone());
    println!("full search with snippets p50/p95: bigram {a:.2} / {b:.2} ms; trigram {c:.2} / {d:.2} ms");
    for class in ["2 characters", "1 character", "traditional", "3-6 characters", "pinyin"] {
        let idx: Vec<usize> = (0..qs.len()).filter(|&i| qs[i].class == class).collect();
        let (a, b) = pct(idx.iter().map(|&i| full[i]).collect());
        let (c, d) = pct(idx.iter().map(|&i| inst[i]).collect());
        println!(
            "  {class:<15} ({:>3} queries) full p50/p95 {a:.2} / {b:.2} ms, instant {c:.2} / {d:.2} ms",
            idx.len()
        );
    }

    // ---- recall against a brute-force scan of the folded text ----
    let t = Instant::now();
    // exactly the text the index sees (title, 文号, keywords; body, publisher, …)
    let folded: Vec<String> = docs
        .iter()
        .map(|d| {
            let (t, b) = gongkai_kiosk::store::document_text(d);
            fold_str(&format!("{t}\n{b}"))
        })
        .collect();
    let (mut checked, mut full_recall, mut base_full_recall) = (0, 0, 0);
    let (mut expected_sum, mut found_sum, mut base_found_sum) = (0u64, 0u64, 0u64);
    for (i, q) in qs.iter().enumerate() {
        if q.class == "pinyin" || q.class == "1 character" {
            continue;
        }
        let needle = fold_str(&q.text);
        let expected = folded.iter().filter(|t| t.contains(&needle)).count() as u64;
        checked += 1;
        expected_sum += expected;
        found_sum += totals[i].min(expected);
        base_found_sum += base_totals[i].min(expected);
        if totals[i] == expected {
            full_recall += 1;
        }
        if base_totals[i] == expected {
            base_full_recall += 1;
        }
    }
    println!(
        "recall over {checked} queries of ≥ 2 characters (brute-force scan, {:.0} s): bigram {:.2}% of matches, {full_recall}/{checked} queries complete; trigram {:.2}%, {base_full_recall}/{checked} complete",
        t.elapsed().as_secs_f64(),
        100.0 * found_sum as f64 / expected_sum.max(1) as f64,
        100.0 * base_found_sum as f64 / expected_sum.max(1) as f64,
    );
}
