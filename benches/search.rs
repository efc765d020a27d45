//! Search benchmark: this design (folded CJK bigrams in FTS5, pinyin over titles) against a
//! plain FTS5 trigram index of the same corpus, measured in the same run.
//!
//!     cargo bench --bench search                    # 100,000 documents
//!     BENCH_DOCS=500000 cargo bench --bench search
//!     BENCH_CORPUS=zipf BENCH_EXPORT=/tmp/zipf cargo bench --bench search
//!
//! `BENCH_CORPUS=zipf` runs the realistic corpus of `common/zipf_corpus.rs` and its query
//! classes (rare, mid-frequency and very common words, boilerplate, four-character phrases with
//! large match sets, several words, one character, traditional, pinyin full and initials, zero
//! results) instead of the 80-term corpus. `BENCH_EXPORT=DIR` writes the documents (the text the
//! index sees) and the queries with their brute-force truth to `DIR/docs.jsonl` and
//! `DIR/queries.jsonl` for the tantivy baseline (`benches/tantivy-baseline`).
//! `BENCH_TRIGRAM=0` and `BENCH_REBUILD=0` skip the trigram baseline and the full index rebuild.
//! `BENCH_STORE=DIR` keeps the store in `DIR` and, when it already holds the corpus, searches it
//! without importing again (to compare two builds on one store, or to profile). `BENCH_CLASS=TEXT`
//! runs only the query classes whose name contains `TEXT` (`BENCH_QUERY=TEXT`: that query alone); `BENCH_EACH=1` prints every query's
//! times; `BENCH_REPEAT=N` runs the queries N times more before measuring (for a profiler).
//! `BENCH_REFRESH=1` with a kept store makes its bitmaps again first (`reindex --bitmaps-only`).
//!
//! Reports index build time, index size ÷ text size, p50/p95 latency of instant search and of
//! ranked full search with snippets over 220 queries (55% two-character words, one-character,
//! traditional, pinyin, longer words), and recall of every query of two or more characters
//! against a brute-force substring scan of the folded text.

use std::collections::HashSet;
use std::time::{Duration, Instant};

#[path = "common/corpus.rs"]
mod corpus;
#[path = "common/zipf_corpus.rs"]
mod zipf_corpus;

use std::io::Write;

use corpus::{Rng, TERMS};
use gongkai_kiosk::content::{ContentSet, ItemKind, Site};
use gongkai_kiosk::search::{SearchFilter, Searcher};
use gongkai_kiosk::store::Store;
use gongkai_kiosk::text::fold::fold_str;
use rusqlite::Connection;
use zipf_corpus::Vocabulary;

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

/// The query classes of the realistic corpus, drawn from its vocabulary by rank.
fn zipf_queries() -> Vec<Query> {
    let vocab = Vocabulary::load();
    let mut rng = Rng(0x6A09_E667_F3BC_C908);
    let mut out = Vec::new();
    let pick = |rng: &mut Rng, from: usize, to: usize, n: usize, class: &'static str, out: &mut Vec<Query>| {
        let mut seen = HashSet::new();
        while seen.len() < n {
            let w = &vocab.words[from + rng.next() % (to - from)].text;
            if seen.insert(w.clone()) {
                out.push(Query { text: w.clone(), class });
            }
        }
    };
    pick(&mut rng, 20_000, 45_000, 25, "rare word", &mut out);
    pick(&mut rng, 500, 3_000, 25, "mid word", &mut out);
    for w in vocab.words.iter().take(25) {
        out.push(Query { text: w.text.clone(), class: "common word" });
    }
    for b in [
        "政府信息公开条例",
        "中华人民共和国",
        "自印发之日起施行",
        "发布机构",
        "索引号",
        "有关事项公开如下",
        "贯彻落实",
        "特此通知",
        "政务服务便民热线",
        "认真抓好贯彻落实",
        "望川区人民政府",
        "加强组织领导",
    ] {
        out.push(Query { text: b.into(), class: "boilerplate" });
    }
    for p in [
        "信息公开",
        "人民共和",
        "印发之日",
        "决策部署",
        "高度重视",
        "便民热线",
        "有关事项",
        "组织领导",
        "优化营商",
        "公开如下",
        "现将有关",
        "日起施行",
        "之日起施",
        "政务服务",
        "单位要高",
        "抓好贯彻",
        "热线咨询",
        "工作日拨",
        "规定现将",
        "认真抓好",
    ] {
        out.push(Query { text: p.into(), class: "4 chars, large set" });
    }
    for _ in 0..25 {
        let a = &vocab.words[rng.next() % 300].text;
        let b = &vocab.words[300 + rng.next() % 3_000].text;
        out.push(Query { text: format!("{a} {b}"), class: "several words" });
    }
    for c in [
        "的", "是", "人", "税", "证", "房", "医", "保", "学", "街", "补", "险", "农", "款", "图", "核", "灾", "水",
        "车", "粮",
    ] {
        out.push(Query { text: c.into(), class: "1 character" });
    }
    let mut trad = HashSet::new();
    while trad.len() < 25 {
        let w = &vocab.words[rng.next() % 3_000].text;
        let t = hanconv::s2t(w);
        if t != *w && trad.insert(t.clone()) {
            out.push(Query { text: t, class: "traditional" });
        }
    }
    // pinyin of words that occur in titles (every title draws two or three vocabulary words)
    let (mut full, mut initials) = (HashSet::new(), HashSet::new());
    while full.len() < 25 || initials.len() < 25 {
        let w = &vocab.words[30 + rng.next() % 2_000];
        if w.pinyin.is_empty() {
            continue;
        }
        if full.len() < 25 {
            let f: String = w.pinyin.split(' ').collect();
            if full.insert(f.clone()) {
                out.push(Query { text: f, class: "pinyin full" });
            }
        } else {
            let i: String = w.pinyin.split(' ').filter_map(|s| s.chars().next()).collect();
            if initials.insert(i.clone()) {
                out.push(Query { text: i, class: "pinyin initials" });
            }
        }
    }
    for z in [
        "鼥釛",
        "軷釟",
        "蚆弝",
        "抜朳",
        "覇胈",
        "豝癹",
        "矲壩",
        "犮仈",
        "鼥軷釛",
        "釟蚆弝抜",
        "朳覇",
        "胈豝",
        "癹矲",
        "壩犮",
        "仈鼥",
    ] {
        out.push(Query { text: z.into(), class: "zero result" });
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

fn env_on(name: &str) -> bool {
    std::env::var(name).map_or(true, |v| v != "0")
}

fn main() {
    let n: usize = std::env::var("BENCH_DOCS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let zipf = std::env::var("BENCH_CORPUS").is_ok_and(|v| v == "zipf");
    let export = std::env::var_os("BENCH_EXPORT").map(std::path::PathBuf::from);
    let tmp = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let docs = if zipf { zipf_corpus::corpus(n) } else { corpus::corpus(n) };
    let text_bytes: u64 = docs.iter().map(|d| (d.title.len() + d.body.len()) as u64).sum();
    println!(
        "corpus ({}): {n} documents, {:.1} MB of text, generated in {:.1} s",
        if zipf { "zipf" } else { "80 terms" },
        text_bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    // exactly the text the index sees (title, 文号, keywords; body, publisher, 索引号, …)
    let texts: Vec<(String, String)> = docs.iter().map(gongkai_kiosk::store::document_text).collect();
    if let Some(dir) = &export {
        std::fs::create_dir_all(dir).unwrap();
        let mut f = std::io::BufWriter::new(std::fs::File::create(dir.join("docs.jsonl")).unwrap());
        for (d, (title, body)) in docs.iter().zip(&texts) {
            let line = serde_json::json!({ "id": d.id, "title": title, "body": body });
            writeln!(f, "{line}").unwrap();
        }
        f.flush().unwrap();
    }

    // ---- this design, in the real store ----
    let kept = std::env::var_os("BENCH_STORE").map(std::path::PathBuf::from);
    let mut store = Store::open(&kept.clone().unwrap_or_else(|| tmp.path().join("store"))).unwrap();
    let set = ContentSet {
        site: Site { name: "基准".into(), government: "基准区".into(), ..Default::default() },
        documents: docs,
        ..Default::default()
    };
    let held: i64 = store.connection().query_row("SELECT count(*) FROM documents", [], |r| r.get(0)).unwrap();
    let reused = kept.is_some() && held == set.documents.len() as i64;
    let t = Instant::now();
    if reused {
        println!("store {}: holds the {held} documents, not imported again", kept.as_ref().unwrap().display());
    } else {
        store.apply(&set, "bench").unwrap();
    }
    let import = t.elapsed();
    if reused && std::env::var("BENCH_REFRESH").is_ok_and(|v| v == "1") {
        // the bitmaps made again from the index as it stands (`reindex --bitmaps-only`)
        let t = Instant::now();
        let n = store.refresh_search_bitmaps().unwrap();
        println!("bitmaps made again from the index: {n} in {:.1} s", t.elapsed().as_secs_f64());
    }
    let docs = set.documents;
    let rebuild = env_on("BENCH_REBUILD").then(|| {
        let t = Instant::now();
        store.rebuild_search_index().unwrap();
        format!("{:.1} s", t.elapsed().as_secs_f64())
    });
    let ours_bytes = table_bytes(store.connection(), "search_%");
    println!(
        "bigram: import with index {:.1} s; full index rebuild {}; index {:.1} MB = {:.2} × text",
        import.as_secs_f64(),
        rebuild.as_deref().unwrap_or("skipped"),
        ours_bytes as f64 / 1e6,
        ours_bytes as f64 / text_bytes as f64
    );

    // ---- baseline: plain FTS5 trigram over the original text ----
    let base = env_on("BENCH_TRIGRAM").then(|| {
        let base = Connection::open(tmp.path().join("trigram.sqlite")).unwrap();
        base.execute_batch(
            "PRAGMA journal_mode=WAL; CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize='trigram');",
        )
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
        base
    });
    drop(docs);

    // ---- latency ----
    let mut qs = if zipf { zipf_queries() } else { queries() };
    if let Ok(only) = std::env::var("BENCH_CLASS") {
        qs.retain(|q| q.class.contains(only.as_str()));
    }
    if let Ok(only) = std::env::var("BENCH_QUERY") {
        qs.retain(|q| q.text == only);
    }
    // `BENCH_REPEAT=N` runs the queries N times more first, unmeasured (for a profiler)
    let repeat: usize = std::env::var("BENCH_REPEAT").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
    let t = Instant::now();
    let pinyin = gongkai_kiosk::search::PinyinIndex::load(&store).unwrap();
    println!(
        "pinyin index: {:.1} MB in memory ({:.1} MB of pair lists), loaded in {:.2} s",
        pinyin.heap_bytes() as f64 / 1e6,
        pinyin.pair_list_bytes() as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    let pinyin = std::env::var("BENCH_EACH").is_ok_and(|v| v == "1").then_some(pinyin);
    let searcher = Searcher::new(&store).unwrap();
    let docs_only = SearchFilter { item: Some(ItemKind::Document), ..Default::default() };
    for q in qs.iter().cycle().take(qs.len() * repeat) {
        let _ = searcher.instant(&store, &q.text, 8).unwrap();
        let _ = searcher.search(&store, &q.text, &docs_only, 20, 0).unwrap();
    }
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
        if let Some(pinyin) = &pinyin {
            // the titles the pinyin spells, alone (the first step of a pinyin query)
            let t = Instant::now();
            let spelled = gongkai_kiosk::text::pinyin::pinyin_query(&q.text).map(|p| pinyin.matches(&p, 500).len());
            let spelled = spelled.map(|n| format!("  pinyin titles {n} in {:.2} ms", t.elapsed().as_secs_f64() * 1e3));
            println!(
                "  {:<18} {:<12} instant {:>7.2} ms  full {:>7.2} ms  total {}{}",
                q.class,
                q.text,
                inst.last().unwrap().as_secs_f64() * 1e3,
                full.last().unwrap().as_secs_f64() * 1e3,
                r.total,
                spelled.unwrap_or_default()
            );
        }
        let Some(base) = &base else { continue };
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
    println!("instant search p50/p95: bigram {a:.2} / {b:.2} ms");
    let (a, b) = pct(full.clone());
    println!("full search with snippets p50/p95: bigram {a:.2} / {b:.2} ms");
    if base.is_some() {
        let (a, b) = pct(b_inst.clone());
        let (c, d) = pct(b_full.clone());
        println!("trigram: instant p50/p95 {a:.2} / {b:.2} ms; full (top 20 + snippets, no counts) {c:.2} / {d:.2} ms");
    }

    // ---- recall against a brute-force scan of the folded text ----
    let t = Instant::now();
    let folded: Vec<String> = texts.iter().map(|(t, b)| fold_str(&format!("{t}\n{b}"))).collect();
    let no_truth = |class: &str| class.starts_with("pinyin") || class == "1 character";
    let truth: Vec<Option<u64>> = qs
        .iter()
        .map(|q| {
            (!no_truth(q.class)).then(|| {
                // every word of the query (the search is an AND of its words)
                let needles: Vec<String> = q.text.split_whitespace().map(fold_str).collect();
                folded.iter().filter(|t| needles.iter().all(|n| t.contains(n.as_str()))).count() as u64
            })
        })
        .collect();
    let scan = t.elapsed();
    drop(folded);
    // the same over the unfolded text: what an engine that does not fold traditional characters
    // can find at best (the tantivy baseline's second truth; not timed, exported only)
    let raw_truth: Vec<Option<u64>> = if export.is_some() {
        qs.iter()
            .map(|q| {
                (!no_truth(q.class)).then(|| {
                    let needles: Vec<&str> = q.text.split_whitespace().collect();
                    texts.iter().filter(|(t, b)| needles.iter().all(|n| t.contains(n) || b.contains(n))).count() as u64
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    drop(texts);

    println!("by class (p50 / p95 ms; recall = matches found ÷ brute-force matches):");
    let mut classes: Vec<&str> = Vec::new();
    for q in &qs {
        if !classes.contains(&q.class) {
            classes.push(q.class);
        }
    }
    let (mut worst_full, mut worst_inst) = (("", 0.0), ("", 0.0));
    for class in classes {
        let idx: Vec<usize> = (0..qs.len()).filter(|&i| qs[i].class == class).collect();
        let (a, b) = pct(idx.iter().map(|&i| full[i]).collect());
        let (c, d) = pct(idx.iter().map(|&i| inst[i]).collect());
        if b > worst_full.1 {
            worst_full = (class, b);
        }
        if d > worst_inst.1 {
            worst_inst = (class, d);
        }
        let mean_total = idx.iter().map(|&i| totals[i]).sum::<u64>() / idx.len() as u64;
        let recall = if no_truth(class) {
            "n/a".to_string()
        } else {
            let expected: u64 = idx.iter().map(|&i| truth[i].unwrap()).sum();
            let found: u64 = idx.iter().map(|&i| totals[i].min(truth[i].unwrap())).sum();
            let complete = idx.iter().filter(|&&i| Some(totals[i]) == truth[i]).count();
            if expected == 0 {
                format!("nothing to find ({complete}/{} with 0 results)", idx.len())
            } else {
                format!("{:.2}% ({complete}/{} complete)", 100.0 * found as f64 / expected as f64, idx.len())
            }
        };
        println!(
            "  {class:<18} ({:>2} q, mean total {mean_total:>6}) full {a:>6.2} / {b:>6.2}  instant {c:>6.2} / {d:>6.2}  recall {recall}",
            idx.len()
        );
    }
    println!(
        "worst class: full p95 {:.2} ms ({}), instant p95 {:.2} ms ({})",
        worst_full.1, worst_full.0, worst_inst.1, worst_inst.0
    );
    let (mut checked, mut complete, mut base_complete) = (0, 0, 0);
    let (mut expected_sum, mut found_sum, mut base_found_sum) = (0u64, 0u64, 0u64);
    for (i, t) in truth.iter().enumerate() {
        let Some(expected) = *t else { continue };
        checked += 1;
        expected_sum += expected;
        found_sum += totals[i].min(expected);
        complete += usize::from(totals[i] == expected);
        if let Some(&b) = base_totals.get(i) {
            base_found_sum += b.min(expected);
            base_complete += usize::from(b == expected);
        }
    }
    print!(
        "recall over {checked} queries of ≥ 2 characters (brute-force scan, {:.0} s): bigram {:.2}% of matches, {complete}/{checked} queries complete",
        scan.as_secs_f64(),
        100.0 * found_sum as f64 / expected_sum.max(1) as f64,
    );
    if base.is_some() {
        print!(
            "; trigram {:.2}%, {base_complete}/{checked} complete",
            100.0 * base_found_sum as f64 / expected_sum.max(1) as f64
        );
    }
    println!();

    if let Some(dir) = &export {
        let mut f = std::io::BufWriter::new(std::fs::File::create(dir.join("queries.jsonl")).unwrap());
        for ((q, t), r) in qs.iter().zip(&truth).zip(&raw_truth) {
            let line = serde_json::json!({ "class": q.class, "query": q.text, "truth": t, "unfolded_truth": r });
            writeln!(f, "{line}").unwrap();
        }
        f.flush().unwrap();
        println!("exported to {}", dir.display());
    }
}
