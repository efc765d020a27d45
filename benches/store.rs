//! Store benchmark: loading a large source folder, importing it, re-importing it, and the read
//! queries the screens run, on a generated corpus. Each import figure is compared with a
//! baseline measured in the same run: rewriting every row in one transaction (what an import
//! without change detection would do).
//!
//!     cargo bench --bench store                 # 10,000 documents
//!     BENCH_DOCS=100000 cargo bench --bench store

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use gongkai_kiosk::content::{self, KEY_AREAS};
use gongkai_kiosk::store::{DocFilter, Facet, Store};

const PUBLISHERS: &[&str] = &[
    "区人民政府办公室",
    "区民政局",
    "区教育局",
    "区卫生健康局",
    "区财政局",
    "区人力资源和社会保障局",
    "区住房和城乡建设局",
    "区农业农村局",
    "区生态环境分局",
    "区应急管理局",
];
const CATEGORIES: &[&str] = &[
    "综合政务\\政务公开",
    "民政、扶贫、救灾\\社会福利",
    "教育\\基础教育",
    "卫生、体育\\卫生",
    "财政、金融、审计\\财政",
    "劳动、人事、监察\\劳动就业",
    "城乡建设、环境保护\\住房保障",
    "农业、林业、水利\\农业、畜牧业、渔业",
];
const KINDS: &[&str] = &["policy", "notice", "regulation", "plan", "budget", "statistics", "report"];
const TERMS: &[&str] = &[
    "政府信息公开",
    "最低生活保障",
    "养老服务",
    "义务教育",
    "招生入学",
    "医疗保险",
    "就业补贴",
    "公共租赁住房",
    "耕地地力保护",
    "安全生产",
    "垃圾分类",
    "财政预算",
    "行政许可",
    "应急预案",
    "社区服务",
    "便民服务中心",
    "申请材料",
    "办理时限",
    "补贴标准",
    "监督电话",
];
const SENTENCE_PARTS: &[&str] = &[
    "根据有关规定，",
    "为进一步做好",
    "工作，",
    "现就有关事项通知如下。",
    "各街道、各部门要高度重视，",
    "认真组织实施，",
    "确保各项措施落到实处。",
    "符合条件的居民可以向所在街道提出申请，",
    "具体办法由区有关部门另行制定。",
    "本通知自发布之日起施行。",
];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 as usize
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[self.next() % v.len()]
    }
}

fn write_corpus(dir: &Path, n: usize) -> u64 {
    fs::create_dir_all(dir.join("docs")).unwrap();
    fs::write(
        dir.join("site.toml"),
        "name = \"基准测试专区\"\ngovernment = \"基准区人民政府\"\nsample = true\naddress = \"基准路1号\"\nhours = \"工作日\"\nphone = \"0000-1234567\"\n[request_office]\nname = \"区政府办公室\"\naddress = \"基准路1号\"\nhours = \"工作日\"\nphone = \"0000-1234568\"\n",
    )
    .unwrap();
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut bytes = 0u64;
    for i in 0..n {
        let sub = dir.join("docs").join(format!("{:03}", i / 1000));
        if i % 1000 == 0 {
            fs::create_dir_all(&sub).unwrap();
        }
        let year = 2015 + rng.next() % 10;
        let title = format!(
            "关于{}{}的{}（第{}号）",
            rng.pick(TERMS),
            rng.pick(TERMS),
            rng.pick(&["通知", "实施办法", "公告", "意见", "方案"]),
            i
        );
        let mut body = String::new();
        let target = 500 + rng.next() % 2500;
        let mut para = 0;
        while body.chars().count() < target {
            if para % 6 == 0 {
                let _ = write!(body, "\n## 第{}部分\n\n", para / 6 + 1);
            }
            for _ in 0..4 {
                body.push_str(rng.pick(SENTENCE_PARTS));
                body.push_str(rng.pick(TERMS));
            }
            body.push_str("。\n\n");
            para += 1;
        }
        let text = format!(
            "+++\nid = \"doc-{i}\"\ntitle = \"{title}\"\nkind = \"{}\"\ncategory = \"{}\"\npublisher = \"{}\"\npublished = \"{year}-{:02}-{:02}\"\narea = \"{}\"\nkeywords = [\"{}\"]\n+++\n{body}",
            rng.pick(KINDS),
            rng.pick(CATEGORIES).replace('\\', "\\\\"),
            rng.pick(PUBLISHERS),
            1 + rng.next() % 12,
            1 + rng.next() % 28,
            KEY_AREAS[rng.next() % KEY_AREAS.len()],
            rng.pick(TERMS),
        );
        bytes += text.len() as u64;
        fs::write(sub.join(format!("{i}.md")), text).unwrap();
    }
    bytes
}

fn percentiles(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (ms(v[v.len() / 2]), ms(v[(v.len() * 95).div_ceil(100) - 1]))
}

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let r = f();
    (r, t.elapsed())
}

/// Baseline: rewrite every document row in one transaction (no change detection).
fn rewrite_all(store: &Store) {
    let conn = store.connection();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    let rows: Vec<(String, String, String)> = {
        let mut stmt = conn.prepare("SELECT id, data, hash FROM documents").unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
    };
    let mut full: Vec<Vec<rusqlite::types::Value>> = Vec::new();
    {
        let mut stmt = conn.prepare("SELECT * FROM documents").unwrap();
        let cols = stmt.column_count();
        let mut q = stmt.query([]).unwrap();
        while let Some(r) = q.next().unwrap() {
            full.push((0..cols).map(|i| r.get::<_, rusqlite::types::Value>(i).unwrap()).collect());
        }
    }
    assert_eq!(rows.len(), full.len());
    conn.execute("DELETE FROM documents", []).unwrap();
    {
        let mut ins = conn
            .prepare("INSERT INTO documents VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)")
            .unwrap();
        for row in &full {
            ins.execute(rusqlite::params_from_iter(row.iter())).unwrap();
        }
    }
    conn.execute_batch("COMMIT").unwrap();
}

fn main() {
    let n: usize = std::env::var("BENCH_DOCS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    let (bytes, generated) = time(|| write_corpus(&src, n));
    println!(
        "corpus: {n} documents, {:.1} MB of source text (generated in {:.1} s)",
        bytes as f64 / 1e6,
        generated.as_secs_f64()
    );

    let (set, load) = time(|| content::load(&src).expect("generated corpus is valid"));
    println!("load + check source folder: {:.2} s ({:.0} docs/s)", load.as_secs_f64(), n as f64 / load.as_secs_f64());

    let data = tmp.path().join("data");
    let mut store = Store::open(&data).unwrap();
    let (_, first) = time(|| store.apply(&set, "bench").unwrap());
    println!("first import into an empty store (documents with their search index): {:.2} s", first.as_secs_f64());

    let (r, unchanged) = time(|| store.apply(&set, "bench").unwrap());
    assert!(!r.any());
    let (_, baseline) = time(|| rewrite_all(&store));
    println!(
        "re-import, nothing changed: {:.3} s; baseline (rewrite all rows): {:.3} s; ratio {:.2}",
        unchanged.as_secs_f64(),
        baseline.as_secs_f64(),
        unchanged.as_secs_f64() / baseline.as_secs_f64()
    );
    let mut changed = set.clone();
    changed.documents[n / 2].title.push_str("（修订）");
    let (r, one) = time(|| store.apply(&changed, "bench").unwrap());
    assert_eq!(r.documents.changed, 1);
    println!(
        "re-import, 1 document changed: {:.3} s; ratio to baseline {:.2}",
        one.as_secs_f64(),
        one.as_secs_f64() / baseline.as_secs_f64()
    );
    let db = fs::metadata(data.join("kiosk.sqlite")).unwrap().len();
    println!("store file: {:.1} MB ({:.2} × source text)", db as f64 / 1e6, db as f64 / bytes as f64);

    let runs = 200;
    let area = DocFilter { area: Some("社会救助".into()), ..Default::default() };
    // (name, one run of the query given the run's number)
    type Query<'a> = (&'a str, Box<dyn Fn(usize) + 'a>);
    let queries: Vec<Query> = vec![
        ("latest(20)", Box::new(|_| drop(store.latest(20).unwrap()))),
        ("documents(area, 20, page k)", Box::new(|k| drop(store.documents(&area, 20, (k % 10) * 20).unwrap()))),
        ("facet(area)", Box::new(|_| drop(store.facet(Facet::Area, &DocFilter::default()).unwrap()))),
        ("facet(year)", Box::new(|_| drop(store.facet(Facet::Year, &DocFilter::default()).unwrap()))),
        ("category_tree()", Box::new(|_| drop(store.category_tree().unwrap()))),
        ("document(id)", Box::new(|k| drop(store.document(&format!("doc-{}", (k * 7919) % n)).unwrap()))),
        (
            "counts()",
            Box::new(|_| {
                let _ = store.counts().unwrap();
            }),
        ),
    ];
    println!("query latency over {runs} runs (ms):");
    for (name, q) in &queries {
        q(0);
        let samples: Vec<Duration> = (0..runs).map(|k| time(|| q(k)).1).collect();
        let (p50, p95) = percentiles(samples);
        println!("  {name:<30} p50 {p50:>8.3}  p95 {p95:>8.3}");
    }
}
