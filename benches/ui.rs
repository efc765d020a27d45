//! UI benchmark, on the software renderer (tiny-skia, what a kiosk PC without a GPU uses):
//!
//! 1. Launch to the first interactive frame with a 100,000-document store: `Kiosk::new`, the
//!    Home data read in its task, the view built, laid out and rasterised at 1920×1080. The
//!    same path with the 47-document demo store is the baseline in the same run.
//! 2. Frame time while scrolling a 20-page document with the mouse wheel / finger: each frame
//!    is the scroll event, a redraw and a full rasterisation of the 1920×1080 frame (the window
//!    redraws only damaged parts, so this is an upper bound). A one-page document is the
//!    baseline.
//!
//! ```sh
//! cargo bench --bench ui                  # 100,000 documents
//! BENCH_STORE=/tmp/store-500k cargo bench --bench ui   # an existing data directory as it is
//! BENCH_DOCS=10000 cargo bench --bench ui
//! ```

#[path = "common/corpus.rs"]
mod corpus;

use std::path::Path;
use std::time::{Duration, Instant};

use gongkai_kiosk::config::Config;
use gongkai_kiosk::content::{ContentSet, Document, Site};
use gongkai_kiosk::store::Store;
use gongkai_kiosk::ui::{Kiosk, Message, Route};
use iced::advanced::clipboard;
use iced::advanced::renderer::{Headless, Style};
use iced::futures::StreamExt;
use iced::{Font, Pixels, Point, Size, Task, mouse};
use iced_runtime::user_interface::{Cache, UserInterface};

const SIZE: Size = Size::new(1920.0, 1080.0);

fn renderer() -> iced::Renderer {
    iced::advanced::graphics::text::font_system()
        .write()
        .unwrap()
        .load_font(gongkai_kiosk::assets::cjk_font().expect("the CJK font").into());
    futures_executor::block_on(<iced::Renderer as Headless>::new(
        Font::with_name(gongkai_kiosk::assets::CJK_FONT_FAMILY),
        Pixels(16.0),
        Some("tiny-skia"),
    ))
    .expect("tiny-skia renderer")
}

/// Runs a task's stream until `done` says a message was the one awaited; every output is
/// applied to the kiosk.
fn drive(k: &mut Kiosk, task: Task<Message>, done: impl Fn(&Message) -> bool) {
    let Some(mut stream) = iced_runtime::task::into_stream(task) else { return };
    futures_executor::block_on(async {
        while let Some(action) = stream.next().await {
            if let iced_runtime::Action::Output(m) = action {
                let stop = done(&m);
                let _ = k.update(m);
                if stop {
                    return;
                }
            }
        }
    });
}

/// Draws one full frame of the kiosk's current view.
fn frame(k: &Kiosk, r: &mut iced::Renderer) -> usize {
    let mut ui = UserInterface::build(k.view(), SIZE, Cache::default(), r);
    let cursor = mouse::Cursor::Available(Point::new(960.0, 540.0));
    ui.draw(r, &k.theme(), &Style { text_color: iced::Color::BLACK }, cursor);
    r.screenshot(Size::new(1920, 1080), 1.0, iced::Color::WHITE).len()
}

fn first_frame(dir: &Path, r: &mut iced::Renderer) -> Duration {
    let t = Instant::now();
    let (mut k, task) = Kiosk::new(Config::default(), dir.to_path_buf());
    drive(&mut k, task, |m| matches!(m, Message::HomeLoaded(_)));
    assert!(frame(&k, r) > 0);
    t.elapsed()
}

fn store_with(dir: &Path, docs: Vec<Document>) {
    let mut store = Store::open(dir).unwrap();
    let set = ContentSet {
        site: Site { name: "基准专区".into(), government: "基准区".into(), ..Default::default() },
        documents: docs,
        ..Default::default()
    };
    store.apply(&set, "bench").unwrap();
}

/// A document of about `pages` printed pages: headings, paragraphs, lists and a table per page.
fn long_document(id: &str, pages: usize) -> Document {
    let mut doc = corpus::corpus(1).remove(0);
    doc.id = id.into();
    let mut body = String::new();
    for p in 1..=pages {
        body.push_str(&format!("## 第{p}章 实施要求\n\n"));
        for i in 0..4 {
            body.push_str(&format!("第{}条 根据有关法律法规和上级文件精神，结合本区实际，制定本办法。各街道、各部门要高度重视，加强组织领导，明确责任分工，确保各项工作落到实处。符合条件的居民可以向户籍所在地街道便民服务中心提出申请，并提交相关材料。\n\n", p * 4 + i));
        }
        body.push_str("| 项目 | 标准 | 说明 |\n|---|---|---|\n| 基本补贴 | 每月300元 | 按月发放 |\n| 高龄补贴 | 每月100元 | 80周岁以上 |\n\n");
        body.push_str("- 申请人身份证明\n- 户口簿\n- 相关证明材料\n\n");
    }
    doc.body = body;
    doc
}

fn pct(mut v: Vec<Duration>) -> (f64, f64, f64) {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    (ms(v[v.len() / 2]), ms(v[(v.len() * 95).div_ceil(100) - 1]), ms(*v.last().unwrap()))
}

/// Scrolls through the open document one wheel step (120 px) per frame and times each frame.
fn scroll_frames(k: &Kiosk, r: &mut iced::Renderer, frames: usize) -> Vec<Duration> {
    let mut ui = UserInterface::build(k.view(), SIZE, Cache::default(), r);
    let cursor = mouse::Cursor::Available(Point::new(960.0, 600.0));
    let style = Style { text_color: iced::Color::BLACK };
    let theme = k.theme();
    let mut messages = Vec::new();
    let mut out = Vec::new();
    for _ in 0..frames {
        let t = Instant::now();
        let scroll =
            iced::Event::Mouse(mouse::Event::WheelScrolled { delta: mouse::ScrollDelta::Pixels { x: 0.0, y: -120.0 } });
        let redraw = iced::Event::Window(iced::window::Event::RedrawRequested(Instant::now()));
        let _ = ui.update(&[scroll, redraw], cursor, r, &mut clipboard::Null, &mut messages);
        ui.draw(r, &theme, &style, cursor);
        let px = r.screenshot(Size::new(1920, 1080), 1.0, iced::Color::WHITE);
        assert_eq!(px.len(), 1920 * 1080 * 4);
        out.push(t.elapsed());
    }
    out
}

fn main() {
    let n: usize = std::env::var("BENCH_DOCS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let mut r = renderer();

    // ---- 1. first frame ----
    let demo = tempfile::tempdir().unwrap();
    Store::open(demo.path())
        .unwrap()
        .import_folder(&Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-content"))
        .unwrap();
    let big = tempfile::tempdir().unwrap();
    // BENCH_STORE: an existing data directory instead (e.g. 500,000 documents from
    // benches/memory_store.rs), opened as it is
    let big_path = match std::env::var_os("BENCH_STORE") {
        Some(dir) => {
            println!("store: {}", Path::new(&dir).display());
            std::path::PathBuf::from(dir)
        }
        None => {
            let t = Instant::now();
            store_with(big.path(), corpus::corpus(n));
            println!("store with {n} documents built in {:.1} s", t.elapsed().as_secs_f64());
            big.path().to_path_buf()
        }
    };
    let n = Store::open_read_only(&big_path).and_then(|s| s.counts()).map_or(n, |c| c.documents as usize);
    let _ = first_frame(demo.path(), &mut r); // warm the font cache
    let mut base = Vec::new();
    let mut large = Vec::new();
    for _ in 0..7 {
        base.push(first_frame(demo.path(), &mut r));
        large.push(first_frame(&big_path, &mut r));
    }
    let (b50, _, bmax) = pct(base);
    let (l50, _, lmax) = pct(large);
    println!("first interactive frame, demo store (47 documents): median {b50:.1} ms, worst {bmax:.1} ms");
    println!(
        "first interactive frame, {n} documents:            median {l50:.1} ms, worst {lmax:.1} ms  (goal ≤ 500 ms; {:.2}× the demo store)",
        l50 / b50
    );

    // ---- the renderer's own cost: an empty 1920×1080 frame ----
    let mut empty = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        let mut ui: UserInterface<'_, Message, iced::Theme, iced::Renderer> =
            UserInterface::build(iced::widget::Space::new(), SIZE, Cache::default(), &mut r);
        ui.draw(&mut r, &iced::Theme::Light, &Style { text_color: iced::Color::BLACK }, mouse::Cursor::Unavailable);
        let _ = r.screenshot(Size::new(1920, 1080), 1.0, iced::Color::WHITE);
        empty.push(t.elapsed());
    }
    let (e50, e95, _) = pct(empty);
    println!("empty 1920×1080 frame (rasterise + read back): p50 {e50:.1} ms, p95 {e95:.1} ms");

    // ---- 2. scrolling ----
    let docs_dir = tempfile::tempdir().unwrap();
    store_with(docs_dir.path(), vec![long_document("long", 20), long_document("short", 1)]);
    let mut frames = Vec::new();
    for id in ["short", "long"] {
        let (mut k, task) = Kiosk::new(Config::default(), docs_dir.path().to_path_buf());
        drive(&mut k, task, |m| matches!(m, Message::HomeLoaded(_)));
        let _ = k.update(Message::Resized(SIZE));
        let open = k.update(Message::Open(Route::Document(id.into())));
        drive(&mut k, open, |m| matches!(m, Message::Opened(..)));
        frames.push(scroll_frames(&k, &mut r, 200));
    }
    let (s50, s95, smax) = pct(frames[0].clone());
    let (l50, l95, lmax) = pct(frames[1].clone());
    println!("scroll frame, 1-page document:  p50 {s50:.1} ms, p95 {s95:.1} ms, worst {smax:.1} ms");
    println!(
        "scroll frame, 20-page document: p50 {l50:.1} ms, p95 {l95:.1} ms, worst {lmax:.1} ms  (goal: none over 16 ms; {:.2}× the 1-page document at p50; {} of 200 frames over 16 ms)",
        l50 / s50,
        frames[1].iter().filter(|d| d.as_millis() > 16).count()
    );
}
