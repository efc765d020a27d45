//! What the kiosk loads after Home shows, and what each keystroke then costs (issue 20: the
//! compact dictionary, keyboard words and pinyin index must not make typing slower). On a data
//! directory (`BENCH_STORE`, e.g. one built by `benches/memory_store.rs`; default: the demo
//! content imported into a temporary store), in one process:
//!
//! - the first use of the dictionary (parsing Rime's 65,000 entries) and the keyboard's words;
//! - `Lexicon::from_store` (the content's own words: every run cut into dictionary words) and
//!   `Searcher::new` (search's in-memory tables), each the median of `BENCH_RUNS` (default 5);
//! - candidates for 40 keyboard inputs and instant search for 20 pinyin queries: p50 / p95 over
//!   all of them, `BENCH_RUNS` rounds;
//! - the process's resident memory after each step.
//!
//! The same file runs unchanged against an earlier commit (it uses only public API), which is
//! how docs/benchmarks.md compares the two: alternating runs of both builds.
//!
//!   cargo bench --bench shared_data
//!   BENCH_STORE=/tmp/store-100k cargo bench --bench shared_data

use std::path::Path;
use std::time::Instant;

use gongkai_kiosk::ime::Lexicon;
use gongkai_kiosk::search::Searcher;
use gongkai_kiosk::store::Store;

fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

fn percentile(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    if v.is_empty() { f64::NAN } else { v[((v.len() - 1) as f64 * p).round() as usize] }
}

const INPUTS: [&str; 40] = [
    "wang",
    "li",
    "zhang",
    "liu",
    "chen",
    "yang",
    "zhao",
    "huang",
    "zhou",
    "wu",
    "zfxxgk",
    "zhengfu",
    "zhengfuxxgk",
    "ysqgk",
    "yanglao",
    "yl",
    "dibao",
    "db",
    "shebao",
    "yiliao",
    "jiaoyu",
    "zhufang",
    "gongjijin",
    "gjj",
    "hukou",
    "banli",
    "shenqing",
    "xiaoxi",
    "tongzhi",
    "guanyu",
    "yinhang",
    "chongqing",
    "xingzheng",
    "xzxk",
    "a",
    "z",
    "sh",
    "nv",
    "lvyou",
    "henhao",
];

const PINYIN: [&str; 20] = [
    "zfxxgk",
    "zhengfu",
    "yanglao",
    "yl",
    "dibao",
    "gongkai",
    "xxgk",
    "tongzhi",
    "guanyu",
    "shenqing",
    "bzsm",
    "jiaoyu",
    "yiliao",
    "zhufang",
    "ysqgk",
    "xingzheng",
    "wanchuan",
    "gz",
    "jihua",
    "yusuan",
];

fn main() {
    let runs: usize = std::env::var("BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(5).max(1);
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let dir = match std::env::var_os("BENCH_STORE") {
        Some(d) => std::path::PathBuf::from(d),
        None => {
            let mut store = Store::open(tmp.path()).expect("a store");
            store
                .import_folder(&Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-content"))
                .expect("the demo content imports");
            tmp.path().to_path_buf()
        }
    };
    let store = Store::open_read_only(&dir).expect("the store opens");
    let start_rss = rss_mib();
    println!("shared_data: store {} (RSS at start {start_rss:.1} MiB)", dir.display());

    // 1. first use: the dictionary and the keyboard's words (built inside the first lexicon)
    let t = Instant::now();
    let first = Lexicon::build([("政府信息公开", 1)]);
    let first_ms = ms(t);
    assert!(!first.candidates("zf", 5).is_empty());
    println!("first use of the dictionary and the keyboard's words: {first_ms:.0} ms, RSS {:.1} MiB", rss_mib());

    // 2. the per-content loads
    let mut lexicon_ms = Vec::new();
    let mut searcher_ms = Vec::new();
    let mut lexicon = None;
    let mut searcher = None;
    for _ in 0..runs {
        drop(lexicon.take());
        let t = Instant::now();
        lexicon = Some(Lexicon::from_store(&store).expect("the lexicon builds"));
        lexicon_ms.push(ms(t));
        drop(searcher.take());
        let t = Instant::now();
        searcher = Some(Searcher::new(&store).expect("the searcher loads"));
        searcher_ms.push(ms(t));
    }
    let (lexicon, searcher) = (lexicon.expect("built"), searcher.expect("loaded"));
    println!(
        "Lexicon::from_store: median {:.0} ms ({} words, {} from the content); Searcher::new: median {:.0} ms; RSS {:.1} MiB",
        percentile(&mut lexicon_ms, 0.5),
        lexicon.word_count(),
        lexicon.content_word_count(),
        percentile(&mut searcher_ms, 0.5),
        rss_mib()
    );

    // 3. each keystroke: candidates, and instant search by pinyin
    let mut cand = Vec::new();
    let mut offered = 0;
    for _ in 0..runs {
        for input in INPUTS {
            let t = Instant::now();
            let c = lexicon.candidates(input, 10);
            cand.push(ms(t));
            offered += c.len();
        }
    }
    let mut inst = Vec::new();
    let mut hits = 0;
    for _ in 0..runs {
        for q in PINYIN {
            let t = Instant::now();
            let h = searcher.instant(&store, q, 8).expect("instant search");
            inst.push(ms(t));
            hits += h.len();
        }
    }
    println!(
        "candidates, {} inputs × {runs}: p50 {:.3} / p95 {:.3} ms ({} offered); instant pinyin, {} queries × {runs}: p50 {:.2} / p95 {:.2} ms ({} hits); RSS {:.1} MiB",
        INPUTS.len(),
        percentile(&mut cand, 0.5),
        percentile(&mut cand, 0.95),
        offered / runs,
        PINYIN.len(),
        percentile(&mut inst, 0.5),
        percentile(&mut inst, 0.95),
        hits / runs,
        rss_mib()
    );
}
