//! Harvest benchmark against Debian's nginx on loopback:
//!
//!     cargo bench --bench harvest                 # 10,000 pages
//!     BENCH_PAGES=2000 cargo bench --bench harvest
//!
//! Generates a mock portal of N detail pages (the search benchmark's corpus as 政府信息公开
//! pages: a header table of label cells, the body, chrome around it; one page in 50 with a
//! picture, one in 50 with a PDF) in 10 columns of list pages of 20 links, and measures, with
//! the real binary at an unthrottled rate (`rate = 0`, `concurrency` = BENCH_CONCURRENCY, 4):
//!
//! - the first harvest: pages per second and peak memory (the child's maximum resident set),
//!   beside `curl` fetching the same pages and list pages with the same parallelism;
//! - a re-run after 1 % of the pages changed (title and body, so their list pages change too):
//!   requests and bytes nginx sent, which ones were bodies (200) and which were 304;
//! - an unchanged re-run.

#[path = "common/corpus.rs"]
mod corpus;
#[path = "../tests/common/servers.rs"]
mod servers;

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use servers::Nginx;

const PER_LIST: usize = 20;
const COLUMNS: usize = 10;

fn page_html(i: usize, title: &str, body: &str, published: &str, image: bool, pdf: bool) -> String {
    let mut paras = String::new();
    for p in body.split('\n').filter(|p| !p.trim().is_empty()) {
        paras.push_str(&format!("<p>　　{p}</p>\n"));
    }
    if image {
        paras.push_str(&format!("<p><img src=\"/images/{i}.png\" alt=\"图解\"></p>\n"));
    }
    if pdf {
        paras.push_str(&format!("<p>附件：<a href=\"/files/{i}.pdf\">附件{i}.pdf</a></p>\n"));
    }
    format!(
        r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}_基准区人民政府</title>
<meta name="ColumnName" content="栏目"><meta name="PubDate" content="{published}"></head><body>
<div class="top"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a></div>
<table class="xxgk"><tr><td>索 引 号：</td><td>000014349/{published}-{i:05}</td><td>主题分类：</td><td>综合政务/其他</td></tr>
<tr><td>发布机构：</td><td>基准区人民政府办公室</td><td>成文日期：</td><td>{published}</td></tr>
<tr><td>标　　题：</td><td colspan="3">{title}</td></tr>
<tr><td>发文字号：</td><td>基政发〔2024〕{i}号</td><td>发布日期：</td><td>{published}</td></tr></table>
<div class="TRS_Editor">{paras}</div>
<div class="share">分享到：微信</div><div class="ewm">扫一扫在手机打开当前页</div>
<script>var x = 1;</script></body></html>"#
    )
}

fn list_html(column: usize, page: usize, items: &[(usize, String, String)], last: bool) -> String {
    let mut lis = String::new();
    for (i, title, date) in items {
        lis.push_str(&format!("<li><a href=\"p{i}.html\" title=\"{title}\">{title}</a><span>{date}</span></li>\n"));
    }
    let next = if last { String::new() } else { format!("<a href=\"index_{}.html\">下一页</a>", page + 1) };
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>栏目{column}</title></head><body><ul class=\"list\">{lis}</ul><div class=\"page\">{next}</div></body></html>"
    )
}

fn list_name(page: usize) -> String {
    if page == 0 { "index.html".into() } else { format!("index_{page}.html") }
}

/// Writes the portal; `changed` pages get a new title and body. Returns the list of URLs paths.
fn write_portal(root: &Path, docs: &[gongkai_kiosk::content::Document], changed: &[usize]) -> Vec<String> {
    let mut paths = Vec::new();
    let per_column = docs.len().div_ceil(COLUMNS);
    let png = {
        let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 3, y as u8 * 4, 90]));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    };
    for c in 0..COLUMNS {
        let dir = root.join(format!("col{c}"));
        fs::create_dir_all(&dir).unwrap();
        let ids: Vec<usize> = (c * per_column..((c + 1) * per_column).min(docs.len())).collect();
        let pages: Vec<&[usize]> = ids.chunks(PER_LIST).collect();
        for (p, chunk) in pages.iter().enumerate() {
            let mut items = Vec::new();
            for &i in chunk.iter() {
                let d = &docs[i];
                let (title, body) = if changed.contains(&i) {
                    (format!("{}（修订）", d.title), format!("本文已于今日修订。\n{}", d.body))
                } else {
                    (d.title.clone(), d.body.clone())
                };
                let date = d.published.to_string();
                let html = page_html(i, &title, &body, &date, i % 50 == 7, i % 50 == 13);
                let rel = format!("col{c}/p{i}.html");
                let path = root.join(&rel);
                // an unchanged page keeps its file (and so its ETag)
                if fs::read_to_string(&path).map(|old| old != html).unwrap_or(true) {
                    fs::write(&path, html).unwrap();
                }
                paths.push(rel);
                items.push((i, title, date));
            }
            let html = list_html(c, p, &items, p + 1 == pages.len());
            let rel = format!("col{c}/{}", list_name(p));
            let path = root.join(&rel);
            if fs::read_to_string(&path).map(|old| old != html).unwrap_or(true) {
                fs::write(&path, html).unwrap();
            }
            paths.push(rel);
        }
    }
    fs::create_dir_all(root.join("images")).unwrap();
    fs::create_dir_all(root.join("files")).unwrap();
    for i in 0..docs.len() {
        if i % 50 == 7 && !root.join(format!("images/{i}.png")).exists() {
            fs::write(root.join(format!("images/{i}.png")), &png).unwrap();
        }
        if i % 50 == 13 && !root.join(format!("files/{i}.pdf")).exists() {
            fs::write(root.join(format!("files/{i}.pdf")), format!("%PDF-1.4\n% 附件 {i}\n%%EOF\n")).unwrap();
        }
    }
    if !root.join("robots.txt").exists() {
        fs::write(root.join("robots.txt"), "User-agent: *\nDisallow: /private/\n").unwrap();
    }
    paths
}

fn max_rss_children_kb() -> i64 {
    // SAFETY: getrusage only writes the struct it is given.
    unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut u);
        u.ru_maxrss
    }
}

fn harvest(profile: &Path, out: &Path) -> (f64, serde_json::Value) {
    let t = Instant::now();
    let o = Command::new(env!("CARGO_BIN_EXE_gongkai-kiosk"))
        .args(["harvest", profile.to_str().unwrap(), out.to_str().unwrap(), "--json"])
        .env("GONGKAI_KIOSK_CONFIG", Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config/kiosk.toml"))
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    let secs = t.elapsed().as_secs_f64();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (secs, serde_json::from_slice(&o.stdout).unwrap())
}

fn main() {
    let n: usize = std::env::var("BENCH_PAGES").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let concurrency: usize = std::env::var("BENCH_CONCURRENCY").ok().and_then(|v| v.parse().ok()).unwrap_or(4);
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("portal");
    let docs = corpus::corpus(n);
    let paths = write_portal(&root, &docs, &[]);
    let page_bytes: u64 = paths.iter().map(|p| fs::metadata(root.join(p)).unwrap().len()).sum();
    let lists = paths.iter().filter(|p| p.contains("/index")).count();
    println!("portal: {n} pages, {lists} list pages, {:.1} MB of HTML", page_bytes as f64 / 1e6);
    let nginx = Nginx::start_with(&root, "text/html html; image/png png; application/pdf pdf; text/plain txt;", "");

    let profile = tmp.path().join("portal.toml");
    let mut p = format!(
        "name = \"基准门户\"\nportal = \"{}/\"\nrate = 0\nconcurrency = {concurrency}\ntimeout_seconds = 30\nmax_list_pages = 100000\npublisher = \"基准区人民政府办公室\"\n",
        nginx.url()
    );
    for c in 0..COLUMNS {
        p.push_str(&format!("[[columns]]\nname = \"栏目{c}\"\nstart = \"col{c}/index.html\"\nkind = \"notice\"\n"));
    }
    fs::write(&profile, p).unwrap();
    let out = tmp.path().join("source");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("site.toml"), "name = \"基准专区\"\ngovernment = \"基准区\"\naddress = \"a\"\nhours = \"h\"\nphone = \"0000-1234567\"\n[request_office]\nname = \"o\"\naddress = \"a\"\nhours = \"h\"\nphone = \"0000-1234567\"\n").unwrap();

    // ---- the first harvest ----
    nginx.clear_log();
    let (secs, r) = harvest(&profile, &out);
    let rss_mb = max_rss_children_kb() as f64 / 1024.0;
    let log = nginx.log();
    let sent: u64 = log.iter().map(|l| l.bytes).sum();
    println!(
        "first harvest: {} documents in {secs:.1} s = {:.0} pages/s; peak memory {rss_mb:.0} MB; {} requests, {:.1} MB sent by nginx; {} failures",
        r["documents"],
        n as f64 / secs,
        log.len(),
        sent as f64 / 1e6,
        r["failures"].as_array().map_or(0, Vec::len)
    );
    let state = fs::metadata(out.join(".harvest/state.json")).map(|m| m.len()).unwrap_or(0);
    println!("crawl state: {:.1} MB", state as f64 / 1e6);

    // ---- baseline: curl fetching the same pages and list pages, same parallelism ----
    let cfg = tmp.path().join("curl.cfg");
    let curl_dir = tmp.path().join("curl");
    fs::create_dir_all(&curl_dir).unwrap();
    {
        let mut f = fs::File::create(&cfg).unwrap();
        for (i, p) in paths.iter().enumerate() {
            writeln!(f, "url = \"{}/{p}\"\noutput = \"{}/{i}\"", nginx.url(), curl_dir.display()).unwrap();
        }
    }
    let t = Instant::now();
    let ok = Command::new("curl")
        .args([
            "--silent",
            "--no-progress-meter",
            "--fail",
            "--parallel",
            "--parallel-max",
            &concurrency.to_string(),
            "--config",
        ])
        .arg(&cfg)
        .status()
        .unwrap();
    assert!(ok.success());
    let curl = t.elapsed().as_secs_f64();
    println!(
        "curl, the same {} URLs: {curl:.1} s = {:.0} pages/s → harvest takes {:.1} × curl's time",
        paths.len(),
        n as f64 / curl,
        secs / curl
    );

    // ---- 1 % of the pages change ----
    let changed: Vec<usize> = (0..n).filter(|i| i % 100 == 42).collect();
    // nginx's ETag is the file's mtime and size: make the new mtime differ
    std::thread::sleep(std::time::Duration::from_millis(1100));
    write_portal(&root, &docs, &changed);
    nginx.clear_log();
    let (secs2, r2) = harvest(&profile, &out);
    let log = nginx.log();
    let bodies: Vec<_> = log.iter().filter(|l| l.status == 200).collect();
    let lists200 = bodies.iter().filter(|l| l.path.contains("/index")).count();
    let others200: Vec<&str> = bodies
        .iter()
        .filter(|l| !l.path.contains("/index") && !l.path.ends_with(".html"))
        .map(|l| l.path.as_str())
        .collect();
    assert!(others200.is_empty(), "bodies other than pages and list pages: {others200:?}");
    let not_modified = log.iter().filter(|l| l.status == 304).count();
    let other = log.len() - bodies.len() - not_modified;
    let sent2: u64 = log.iter().map(|l| l.bytes).sum();
    let body_bytes: u64 = log.iter().map(|l| l.body_bytes).sum();
    println!(
        "re-run after {} pages changed: {secs2:.1} s; {} requests: {} bodies (200: {} pages, {lists200} list pages), {not_modified} answered 304, {other} other; {:.2} MB sent ({:.2} MB of bodies) = {:.2} % of the first harvest; report: {} changed",
        changed.len(),
        log.len(),
        bodies.len(),
        bodies.len() - lists200,
        sent2 as f64 / 1e6,
        body_bytes as f64 / 1e6,
        100.0 * sent2 as f64 / sent as f64,
        r2["changed"].as_array().map_or(0, Vec::len)
    );

    // ---- unchanged ----
    nginx.clear_log();
    let (secs3, _) = harvest(&profile, &out);
    let log = nginx.log();
    let sent3: u64 = log.iter().map(|l| l.bytes).sum();
    println!(
        "unchanged re-run: {secs3:.1} s; {} requests, {} answered 304; {:.2} MB sent",
        log.len(),
        log.iter().filter(|l| l.status == 304).count(),
        sent3 as f64 / 1e6
    );
}
