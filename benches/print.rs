//! Printing benchmark: rendering PDFs with the embedded CJK font subset (printpdf).
//!
//! 1. A filled 政府信息公开申请表 (the 填写示例 answers, 代为填写 banner): time and size.
//!    Goals: ≤ 50 ms and ≤ 150 KB.
//! 2. A 20-page document (headings, paragraphs, a table on every page). Goal: ≤ 500 ms.
//!
//! Baseline in the same run: the one-page demo document 望川区社区老年助餐服务实施办法.
//!
//! ```sh
//! cargo bench --bench print
//! ```

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use gongkai_kiosk::print::layouts::{self, Pictures};
use gongkai_kiosk::print::request::{self, FormKind, RequestForm};
use gongkai_kiosk::store::Store;

/// Median and worst of `runs` timings of `f`, after one warm-up run.
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, Duration, T) {
    let mut last = f();
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        last = f();
        times.push(start.elapsed());
    }
    times.sort();
    (times[runs / 2], times[runs - 1], last)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A Markdown body of about `sections` sections, each a heading, paragraphs and a small table.
fn long_body(sections: usize) -> String {
    let mut s = String::new();
    for i in 0..sections {
        let _ = write!(s, "## 第{}章 实施要求\n\n", i + 1);
        for j in 0..4 {
            let _ = write!(
                s,
                "第{}条 各街道、各部门要高度重视老年助餐服务工作，认真组织实施，确保各项措施落到实处。符合条件的60周岁以上老年人可以向所在社区提出申请，助餐点应当公示服务内容、价格和补贴标准，接受社会监督。（{}）\n\n",
                i * 4 + j + 1,
                j
            );
        }
        s.push_str("| 年龄段 | 每餐补贴 | 说明 |\n|---|---|---|\n| 60至79周岁 | 2元 | 本区户籍 |\n| 80周岁以上 | 4元 | 含持居住证 |\n\n");
    }
    s
}

fn main() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-content");
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    store.import_folder(&demo).unwrap();
    let site = store.site().unwrap().unwrap();
    let doc = store.document("wc-zc-2024-lnzc").unwrap().unwrap();
    let none = Pictures::new();
    let now = "2026-11-22 10:00";

    let (base, base_worst, one) = time(20, || layouts::document(&site, &doc, &none, now).unwrap());
    println!(
        "baseline: one-page document      {:7.1} ms median, {:7.1} ms worst, {} page(s), {} KB",
        ms(base),
        ms(base_worst),
        one.pages,
        one.pdf.len() / 1024
    );

    let mut form = RequestForm::sample();
    form.on_behalf = true;
    let kind = FormKind::Filled(Box::new(form));
    let (t, worst, filled) = time(20, || request::layout(&site, &kind, now).unwrap());
    println!(
        "filled request form               {:7.1} ms median, {:7.1} ms worst, {} page(s), {} KB ({:.2}× the baseline's time)",
        ms(t),
        ms(worst),
        filled.pages,
        filled.pdf.len() / 1024,
        ms(t) / ms(base)
    );

    // grow the body until it prints on 20 pages
    let mut long = doc.clone();
    let mut sections = 10;
    loop {
        long.body = long_body(sections);
        let pages = layouts::document(&site, &long, &none, now).unwrap().pages;
        if pages >= 20 {
            break;
        }
        sections += 1;
    }
    let (t, worst, big) = time(10, || layouts::document(&site, &long, &none, now).unwrap());
    println!(
        "20-page document ({} sections)     {:7.1} ms median, {:7.1} ms worst, {} page(s), {} KB ({:.2}× the baseline's time)",
        sections,
        ms(t),
        ms(worst),
        big.pages,
        big.pdf.len() / 1024,
        ms(t) / ms(base)
    );
}
