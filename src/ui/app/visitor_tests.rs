//! The visitor's path, checked by touch in both orientations and both text sizes: everything of
//! the content reached from Home by taps on labelled buttons (the demo content, and 2,000
//! documents in one category); keys that never move; touch targets, text sizes and clipped text
//! measured on every screen; every screen opening at its top and "返回" coming back to where the
//! visitor was; every string in 繁體 and English, and no English in the Chinese interface.

use std::collections::BTreeSet;
use std::path::Path;

use iced::advanced::text::Paragraph as _;
use iced::{Rectangle, Size};
use iced_test::Simulator;
use iced_test::selector::Candidate;

use super::tests::{demo_store, open_attendant, pad_bounds, pump, settings, shipped_config, start, tap, texts, write};
use super::*;
use crate::config::{Config, Language};
use crate::store::Store;
use crate::ui::screens::{self, request, search};
use crate::ui::widgets::keyboard;
use crate::ui::widgets::tap::TouchTarget;

const LANDSCAPE: Size = Size::new(1920.0, 1080.0);
const PORTRAIT: Size = Size::new(1080.0, 1920.0);

/// Both orientations, both text sizes.
fn configurations() -> [(Size, bool); 4] {
    [(LANDSCAPE, false), (LANDSCAPE, true), (PORTRAIT, false), (PORTRAIT, true)]
}

fn set(k: &mut Kiosk, size: Size, large: bool) {
    k.size = size;
    k.visit.look.large = large;
}

/// A text on screen: what it says, where its layout puts it, the part of it in view.
#[derive(Debug, Clone)]
struct Shown {
    text: String,
    bounds: Rectangle,
    visible: Option<Rectangle>,
}

/// A touch target on screen.
#[derive(Debug, Clone, Copy)]
struct Target {
    bounds: Rectangle,
    visible: Option<Rectangle>,
    enabled: bool,
}

#[derive(Debug, Default)]
struct Scan {
    texts: Vec<Shown>,
    targets: Vec<Target>,
    /// Scroll areas: their bounds and their content's.
    scrollables: Vec<(Rectangle, Rectangle)>,
}

fn scan(k: &Kiosk) -> Scan {
    let mut sim = Simulator::with_size(settings(), k.size, k.view());
    let mut out = Scan::default();
    let _ = sim.find(|c: Candidate<'_>| {
        match c {
            Candidate::Text { content, bounds, visible_bounds, .. } => {
                out.texts.push(Shown { text: content.to_string(), bounds, visible: visible_bounds })
            }
            Candidate::Custom { bounds, visible_bounds, state, .. } => {
                if let Some(t) = state.downcast_ref::<TouchTarget>() {
                    out.targets.push(Target { bounds, visible: visible_bounds, enabled: t.enabled });
                }
            }
            Candidate::Scrollable { bounds, content_bounds, .. } => out.scrollables.push((bounds, content_bounds)),
            _ => {}
        }
        None::<()>
    });
    out
}

fn fully_visible(s: &Shown) -> bool {
    s.visible.is_some_and(|v| v.height >= s.bounds.height - 1.0 && v.width >= s.bounds.width - 1.0)
}

/// Taps at a point of the screen (as a finger would) and applies what it sends.
fn tap_point(k: &mut Kiosk, at: iced::Point) -> usize {
    let messages: Vec<Message> = {
        let mut sim = Simulator::with_size(settings(), k.size, k.view());
        sim.point_at(at);
        let _ = sim.simulate(iced_test::simulator::click());
        sim.into_messages().collect()
    };
    let n = messages.len();
    pump(k, messages);
    n
}

/// Taps the `nth` fully visible text `label` (the first is 0).
#[track_caller]
fn tap_nth(k: &mut Kiosk, label: &str, nth: usize) {
    let s = scan(k);
    let hit = s.texts.iter().filter(|t| t.text == label).nth(nth).filter(|t| fully_visible(t));
    let Some(hit) = hit else { panic!("no visible `{label}` #{nth} on screen") };
    let at = hit.visible.unwrap().center();
    assert!(tap_point(k, at) > 0, "tapping `{label}` did nothing");
}

/// Pages ("向下翻" / "向上翻", or the reader's "下一屏" / "上一屏") until the `nth` text `label`
/// (counted among all of them, in view or not) is fully in view.
#[track_caller]
fn reveal(k: &mut Kiosk, label: &str, nth: usize) {
    let mut going_down = true;
    for _ in 0..200 {
        let s = scan(k);
        let Some(hit) = s.texts.iter().filter(|t| t.text == label).nth(nth).cloned() else {
            panic!("no `{label}` #{nth} on screen")
        };
        if fully_visible(&hit) {
            return;
        }
        let reader = matches!(k.nav.screen, Some(Screen::Reader(_)));
        let key = match (reader, going_down) {
            (true, true) => "reader-page-down",
            (true, false) => "reader-page-up",
            (false, true) => "scroll-down",
            (false, false) => "scroll-up",
        };
        let button = t(k.visit.lang, key);
        assert!(s.texts.iter().any(|t| t.text == button), "`{label}` #{nth} is not in view and there is no `{button}`");
        let before = current_offset(k);
        let sent = {
            let mut sim = Simulator::with_size(settings(), k.size, k.view());
            let _ = sim.click(button.as_str());
            sim.into_messages().collect::<Vec<_>>()
        };
        pump(k, sent);
        if current_offset(k) == before {
            assert!(going_down, "`{label}` #{nth} is neither below nor above: {hit:?}");
            going_down = false;
        }
    }
    panic!("`{label}` never came into view");
}

/// The scroll offset of the screen on show's main scroll area.
fn current_offset(k: &Kiosk) -> f32 {
    match &k.nav.screen {
        Some(Screen::Catalogue(c)) => c.scroll.offset(),
        Some(Screen::Guides(g)) => g.scroll.offset(),
        Some(Screen::Guide(g)) => g.scroll.offset(),
        Some(Screen::Faq(f)) => f.scroll.offset(),
        Some(Screen::Boards(b)) => b.scroll.offset(),
        Some(Screen::Board(b)) => b.scroll.offset(),
        Some(Screen::Reader(r)) => r.scroll.offset(),
        Some(Screen::Home(h)) => h.scroll.offset(),
        Some(Screen::About(a)) => a.scroll.offset(),
        Some(Screen::Search(s)) if s.typing || s.results.is_none() => s.instant_scroll.offset(),
        Some(Screen::Search(s)) => s.results_scroll.offset(),
        Some(Screen::Request(w)) => w.scroll.offset(),
        _ => 0.0,
    }
}

fn home(k: &mut Kiosk) {
    if !k.nav.at_home() {
        tap(k, &t(k.visit.lang, "nav-home"));
        if k.leaving.is_some() {
            tap(k, &t(k.visit.lang, "leave-home"));
        }
    }
    assert!(k.nav.at_home());
}

/// Every document through the 公开目录 (page by page, each row opened and "返回" to the same
/// place), every guide, board and FAQ entry through their own tiles: by taps alone.
fn reach_everything(k: &mut Kiosk, dir: &Path, open_every_document: bool) {
    let store = Store::open(dir).unwrap();
    let all_docs: BTreeSet<String> =
        store.documents(&Default::default(), 100_000, 0).unwrap().into_iter().map(|d| d.id).collect();
    let mut seen = BTreeSet::new();
    home(k);
    tap(k, "政府信息公开目录");
    loop {
        let Some(Screen::Catalogue(c)) = &k.nav.screen else { panic!("the catalogue is open") };
        let (rows, page, total) = (c.docs.clone(), c.page, c.total);
        assert_eq!(total as usize, all_docs.len(), "the catalogue's 全部 counts every document");
        // the page's rows come into view by paging down: each is seen fully in view
        let label = |i: usize| (rows[i].title.clone(), rows[..i].iter().filter(|x| x.title == rows[i].title).count());
        let mut in_view = vec![false; rows.len()];
        for _ in 0..50 {
            let s = scan(k);
            for (i, seen_here) in in_view.iter_mut().enumerate() {
                let (title, nth) = label(i);
                if s.texts.iter().filter(|t| t.text == title).nth(nth).is_some_and(fully_visible) {
                    *seen_here = true;
                }
            }
            if in_view.iter().all(|v| *v) {
                break;
            }
            let down = t(k.visit.lang, "scroll-down");
            let before = current_offset(k);
            tap(k, &down);
            assert!(current_offset(k) > before, "page {page}: rows out of view and `{down}` does not move");
        }
        for (i, d) in rows.iter().enumerate() {
            assert!(in_view[i], "{} came into view", d.id);
            seen.insert(d.id.clone());
        }
        // each row opens with a tap and "返回" comes back to the same place (every row of the
        // demo; of a big store, the first and the last row of its first and last page)
        let last_page = (page as u64 + 1) * crate::ui::screens::catalogue::PAGE as u64 >= total;
        for (i, d) in rows.iter().enumerate() {
            let ends = i == 0 || i + 1 == rows.len();
            if !open_every_document && !(ends && (page == 0 || last_page)) {
                continue;
            }
            let (title, nth) = label(i);
            reveal(k, &title, nth);
            let before: Vec<Rectangle> = scan(k).texts.iter().filter(|t| t.text == title).map(|t| t.bounds).collect();
            tap_nth(k, &title, nth);
            let Some(Screen::Reader(r)) = &k.nav.screen else { panic!("{} opens", d.id) };
            assert_eq!(r.doc.id, d.id);
            assert_eq!(r.scroll.offset(), 0.0, "a document opens at its top");
            tap(k, "返回");
            let Some(Screen::Catalogue(c)) = &k.nav.screen else { panic!("back to the catalogue") };
            assert_eq!(c.page, page, "back to the same page");
            let after: Vec<Rectangle> = scan(k).texts.iter().filter(|t| t.text == title).map(|t| t.bounds).collect();
            assert_eq!(before, after, "back to the same place on the page ({})", d.id);
        }
        let Some(Screen::Catalogue(c)) = &k.nav.screen else { panic!() };
        if (c.page as u64 + 1) * crate::ui::screens::catalogue::PAGE as u64 >= c.total {
            break;
        }
        tap(k, "下一页");
        let Some(Screen::Catalogue(c)) = &k.nav.screen else { panic!() };
        assert_eq!(c.scroll.offset(), 0.0, "the next page opens at its top");
    }
    assert_eq!(seen, all_docs, "every document is reached");

    home(k);
    tap(k, "办事指南");
    for g in store.guides().unwrap() {
        reveal(k, &g.name, 0);
        tap_nth(k, &g.name, 0);
        assert!(matches!(&k.nav.screen, Some(Screen::Guide(v)) if v.guide.id == g.id), "{} opens", g.id);
        tap(k, "返回");
    }
    home(k);
    tap(k, "码上公开");
    for b in store.boards().unwrap() {
        reveal(k, &b.title, 0);
        tap_nth(k, &b.title, 0);
        let Some(Screen::Board(v)) = &k.nav.screen else { panic!("{} opens", b.id) };
        assert_eq!(v.board.id, b.id);
        // its items that this kiosk holds open here too
        if v.codes.iter().any(|c| c.here.is_some()) {
            reveal(k, "在本机阅读", 0);
            tap(k, "在本机阅读");
            assert!(matches!(k.nav.screen, Some(Screen::Reader(_)) | Some(Screen::Guide(_))), "read here");
            tap(k, "返回");
        }
        tap(k, "返回");
    }
    home(k);
    tap(k, "政策问答");
    for f in store.faqs(None).unwrap() {
        let label = format!("▸　{}", f.question);
        reveal(k, &label, 0);
        tap_nth(k, &label, 0);
        let Some(Screen::Faq(s)) = &k.nav.screen else { panic!() };
        assert_eq!(s.open.as_deref(), Some(f.id.as_str()), "{} opens", f.id);
    }
}

#[test]
fn every_document_guide_board_and_faq_entry_is_reached_from_home_by_taps() {
    let dir = demo_store();
    let mut k = start(Config::default(), dir.path());
    for (size, large) in configurations() {
        set(&mut k, size, large);
        reach_everything(&mut k, dir.path(), true);
    }
}

/// A source folder of the demo's site with `n` documents, all in one category.
fn generated_store(n: usize) -> tempfile::TempDir {
    let src = tempfile::tempdir().unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-content/site.toml"),
        src.path().join("site.toml"),
    )
    .unwrap();
    let docs = src.path().join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    for i in 0..n {
        let day = 1 + i % 28;
        let month = 1 + (i / 28) % 12;
        std::fs::write(
            docs.join(format!("d{i:04}.md")),
            format!(
                "+++\nid = \"gen-{i:04}\"\ntitle = \"望川区第{i}号测试通知\"\nkind = \"notice\"\ncategory = \"综合政务\\\\政务公开\"\npublisher = \"望川区人民政府办公室\"\npublished = \"2024-{month:02}-{day:02}\"\n+++\n\n第{i}号通知的正文。\n"
            ),
        )
        .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    Store::open(dir.path()).unwrap().import_folder(src.path()).unwrap();
    dir
}

#[test]
fn two_thousand_documents_in_one_category_are_all_reached_by_taps() {
    let dir = generated_store(2000);
    let mut k = start(Config::default(), dir.path());
    for (size, large) in configurations() {
        set(&mut k, size, large);
        // every row is brought into view and tapped where it stands (the first and last of each
        // page are opened and left with "返回")
        reach_everything(&mut k, dir.path(), false);
    }
}

/// Where each key of the keyboard is: its label and its button's bounds.
fn keys(k: &Kiosk) -> Vec<(String, Rectangle)> {
    let s = scan(k);
    let labels: BTreeSet<&str> = "qwertyuiopasdfghjklzxcvbnmQWERTYUIOPASDFGHJKLZXCVBNM1234567890-@._/#"
        .split("")
        .filter(|x| !x.is_empty())
        .chain(["拼音", "ABC", "123", "空格", "删除", "清空", "完成"])
        .collect();
    let mut out: Vec<(String, Rectangle)> = s
        .texts
        .iter()
        .filter(|t| labels.contains(t.text.as_str()))
        .filter_map(|t| {
            let c = t.bounds.center();
            // the smallest touch target around the label is its key
            s.targets
                .iter()
                .filter(|g| g.bounds.contains(c))
                .min_by(|a, b| (a.bounds.width * a.bounds.height).total_cmp(&(b.bounds.width * b.bounds.height)))
                .map(|g| (t.text.clone(), g.bounds))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.y.total_cmp(&b.1.y)));
    out
}

fn key(k: &mut Kiosk, m: keyboard::Message) {
    let msg = match &k.nav.screen {
        Some(Screen::Search(_)) => screens::Message::Search(search::Message::Key(m)),
        Some(Screen::Request(_)) => screens::Message::Request(request::Message::Key(m)),
        Some(Screen::Feedback(_)) => screens::Message::Feedback(screens::feedback::Message::Key(m)),
        _ => panic!("no keyboard on screen"),
    };
    pump(k, [Message::Screen(msg)]);
}

#[test]
fn no_key_moves_before_typing_with_candidates_with_results_and_with_a_message() {
    let dir = demo_store();
    let mut k = start(Config::default(), dir.path());
    for (size, large) in configurations() {
        set(&mut k, size, large);
        let mut places: Vec<(String, Vec<(String, Rectangle)>)> = Vec::new();
        // search: before typing, with candidates and live results, with nothing found
        pump(&mut k, [Message::Open(Route::Search { query: String::new(), filter: Default::default() })]);
        places.push(("search before typing".into(), keys(&k)));
        for c in "zf".chars() {
            key(&mut k, keyboard::Message::Letter(c));
        }
        let Some(Screen::Search(s)) = &k.nav.screen else { panic!() };
        assert!(!s.keyboard.candidates().is_empty() && !s.instant.is_empty(), "candidates and live results show");
        places.push(("search with candidates and results".into(), keys(&k)));
        key(&mut k, keyboard::Message::Clear);
        for c in "qqqq".chars() {
            key(&mut k, keyboard::Message::Letter(c));
        }
        key(&mut k, keyboard::Message::Layout(keyboard::Layout::Abc));
        key(&mut k, keyboard::Message::Layout(keyboard::Layout::Pinyin));
        assert!(texts(&k).contains(&t(Language::ZhHans, "search-instant-none")), "nothing found is said");
        places.push(("search with nothing found".into(), keys(&k)));
        // the request form: an empty answer refused with its message, then the finder's results
        pump(&mut k, [Message::Open(Route::Request { on_behalf: false, start: Some(request::Question::Name) })]);
        places.push(("request form before typing".into(), keys(&k)));
        tap(&mut k, "下一步");
        assert!(texts(&k).iter().any(|s| s == "请填写姓名。"), "the message shows");
        places.push(("request form with a message".into(), keys(&k)));
        for c in "zhao".chars() {
            key(&mut k, keyboard::Message::Letter(c));
        }
        places.push(("request form with candidates".into(), keys(&k)));
        pump(&mut k, [Message::Open(Route::Request { on_behalf: false, start: Some(request::Question::TitleOrNo) })]);
        tap(&mut k, "从公开目录中查找文件");
        for c in "lnzc".chars() {
            key(&mut k, keyboard::Message::Letter(c));
        }
        let Some(Screen::Request(w)) = &k.nav.screen else { panic!() };
        assert!(w.finder.as_ref().is_some_and(|f| !f.found.is_empty()), "the finder found documents");
        places.push(("request finder with results".into(), keys(&k)));
        // feedback
        home(&mut k);
        pump(&mut k, [Message::Open(Route::Feedback)]);
        places.push(("feedback".into(), keys(&k)));
        key(&mut k, keyboard::Message::Letter('h'));
        places.push(("feedback with candidates".into(), keys(&k)));

        let (first_name, first) = &places[0];
        assert!(first.len() >= 33, "{first_name}: every key found ({})", first.len());
        // the same place to a hundredth of a pixel (layout sums floats in a different order)
        let same = |a: &(String, Rectangle), b: &(String, Rectangle)| {
            a.0 == b.0
                && (a.1.x - b.1.x).abs() < 0.01
                && (a.1.y - b.1.y).abs() < 0.01
                && (a.1.width - b.1.width).abs() < 0.01
                && (a.1.height - b.1.height).abs() < 0.01
        };
        for (name, at) in &places[1..] {
            let moved: Vec<_> = at.iter().filter(|x| !first.iter().any(|y| same(x, y))).collect();
            let gone: Vec<_> = first.iter().filter(|x| !at.iter().any(|y| same(x, y))).collect();
            assert!(
                moved.is_empty() && gone.is_empty(),
                "{size:?} large={large}: keys moved between `{first_name}` and `{name}`: {gone:?} → {moved:?}"
            );
        }
        // every key inside the window
        assert!(first.iter().all(|(_, r)| r.y + r.height <= size.height && r.x + r.width <= size.width));
        home(&mut k);
    }
}

/// Font sizes the kiosk uses (the sizes of its looks, the reader's steps) and line heights.
fn sizes() -> Vec<f32> {
    let mut s = vec![16.0];
    for large in [false, true] {
        let l = crate::ui::theme::Look { large, contrast: false };
        s.extend([l.small(), l.body(), l.heading(), l.title(), l.title() * 1.5]);
        for scale in crate::ui::screens::reader::SCALES {
            for m in [1.0, 1.45, 1.3, 1.15, 0.9] {
                s.push(l.body() * scale * m);
            }
        }
    }
    s
}

/// The size the text is drawn at, found by measuring it: the size and line height whose layout
/// at the text's width is exactly as high as the text's bounds and no wider. None: the bounds are
/// not the text's own size — it is cut off.
fn measured_size(s: &Shown) -> Option<f32> {
    type P = <iced::Renderer as iced::advanced::text::Renderer>::Paragraph;
    for size in sizes() {
        for lh in [1.3, 1.4, 1.5, 1.6] {
            let line = size * lh;
            let lines = s.bounds.height / line;
            if lines < 0.98 || (lines - lines.round()).abs() > 0.03 {
                continue;
            }
            let p = P::with_text(iced::advanced::Text {
                content: s.text.as_str(),
                bounds: Size::new(s.bounds.width + 0.5, f32::INFINITY),
                size: size.into(),
                line_height: iced::widget::text::LineHeight::Relative(lh),
                font: iced::Font::with_name(crate::assets::CJK_FONT_FAMILY),
                align_x: iced::advanced::text::Alignment::Default,
                align_y: iced::alignment::Vertical::Top,
                shaping: iced::advanced::text::Shaping::Auto,
                wrapping: iced::advanced::text::Wrapping::Word,
            });
            let m = p.min_bounds();
            if (m.height - s.bounds.height).abs() < 1.0 && m.width <= s.bounds.width + 1.0 {
                return Some(size);
            }
        }
    }
    None
}

/// What is wrong on the screen on show: small targets, small text, text cut off or outside.
fn layout_faults(k: &Kiosk, what: &str) -> Vec<String> {
    let large = k.visit.look.large;
    let floor = if large { 60.0 } else { 44.0 };
    let window = Rectangle::new(iced::Point::ORIGIN, k.size);
    let s = scan(k);
    let mut faults = Vec::new();
    for g in s.targets.iter().filter(|g| g.enabled) {
        if g.bounds.width < floor - 0.5 || g.bounds.height < floor - 0.5 {
            let inside: Vec<&str> =
                s.texts.iter().filter(|t| g.bounds.contains(t.bounds.center())).map(|t| t.text.as_str()).collect();
            faults.push(format!("{what}: a target {}×{} < {floor}: {inside:?}", g.bounds.width, g.bounds.height));
        }
        let in_view = g.visible.map(|v| v.intersection(&window).is_some()).unwrap_or(false);
        let in_scroll = s.scrollables.iter().any(|(b, c)| b.intersects(&g.bounds) || c.contains(g.bounds.center()));
        if !in_view && !in_scroll {
            faults.push(format!("{what}: a target outside the window at {:?}", g.bounds));
        }
    }
    for t in s.texts.iter().filter(|t| !t.text.trim().is_empty()) {
        let in_scroll = s.scrollables.iter().any(|(b, c)| {
            t.bounds.x >= b.x - 1.0
                && t.bounds.x + t.bounds.width <= b.x + b.width + 1.0
                && t.bounds.y >= c.y - 1.0
                && t.bounds.y + t.bounds.height <= c.y + c.height.max(b.height) + 1.0
        });
        let in_window = window.contains(t.bounds.position())
            && t.bounds.x + t.bounds.width <= window.width + 1.0
            && t.bounds.y + t.bounds.height <= window.height + 1.0;
        if !in_scroll && !in_window {
            faults.push(format!("{what}: `{}` is outside the window or its scroll area at {:?}", t.text, t.bounds));
            continue;
        }
        match measured_size(t) {
            None => faults.push(format!("{what}: `{}` is cut off ({}×{})", t.text, t.bounds.width, t.bounds.height)),
            Some(size) if large && size < 18.0 => faults.push(format!("{what}: `{}` is {size} px", t.text)),
            Some(_) => {}
        }
    }
    faults
}

/// Every screen and dialog a visitor meets (and the attendant's), each as a way to get there.
/// A way to bring the kiosk to a screen or dialog.
type Go = Box<dyn Fn(&mut Kiosk)>;

fn every_state(k: &mut Kiosk) -> Vec<(String, Go)> {
    let _ = k;
    let open =
        |r: Route| -> Box<dyn Fn(&mut Kiosk)> { Box::new(move |k: &mut Kiosk| pump(k, [Message::Open(r.clone())])) };
    // a player keeps sending frame messages while it plays: those are left out
    let play = |r: Route| -> Box<dyn Fn(&mut Kiosk)> {
        Box::new(move |k: &mut Kiosk| super::tests::pump_without_frames(k, [Message::Open(r.clone())]))
    };
    let mut states: Vec<(String, Go)> = vec![
        ("home".into(), open(Route::Home)),
        ("catalogue".into(), open(home::tiles()[0].1.clone())),
        ("policies".into(), open(home::tiles()[1].1.clone())),
        ("document".into(), open(Route::Document("wc-zc-2024-lnzc".into()))),
        ("infographic".into(), open(Route::Document("wc-tj-2024-lnzc".into()))),
        ("document with attachments".into(), open(Route::Document("wc-ys-2024".into()))),
        ("attachment pdf".into(), open(Route::Attachment { doc: "wc-ys-2024".into(), index: 0, page: None })),
        ("attachment sheet".into(), open(Route::Attachment { doc: "wc-ys-2024".into(), index: 1, page: Some(1) })),
        ("attachment video".into(), play(Route::Attachment { doc: "wc-ys-2024".into(), index: 2, page: None })),
        ("attachment audio".into(), play(Route::Attachment { doc: "wc-ys-2024".into(), index: 3, page: None })),
        ("search".into(), open(Route::Search { query: String::new(), filter: Default::default() })),
        ("search results".into(), open(Route::Search { query: "养老".into(), filter: Default::default() })),
        ("search nothing".into(), open(Route::Search { query: "量子纠缠".into(), filter: Default::default() })),
        ("guides".into(), open(Route::Guides)),
        ("guide".into(), open(Route::Guide("guide-jzz".into()))),
        ("request guide".into(), open(Route::DisclosureGuide)),
        ("faq".into(), open(Route::Faq { area: None, open: Some("faq-sh-01".into()) })),
        ("boards".into(), open(Route::Boards)),
        ("board".into(), open(Route::Board("board-zcwj".into()))),
        ("feedback".into(), open(Route::Feedback)),
        ("about".into(), open(Route::About)),
        ("attendant pin".into(), open(Route::AttendantPin)),
        (
            "attendant panel".into(),
            Box::new(|k: &mut Kiosk| {
                home(k);
                open_attendant(k, "2468");
            }),
        ),
        (
            "help".into(),
            Box::new(|k: &mut Kiosk| {
                pump(k, [Message::Open(Route::Guides)]);
                tap(k, &t(k.visit.lang, "nav-help"));
            }),
        ),
        (
            "print dialog".into(),
            Box::new(|k: &mut Kiosk| {
                pump(k, [Message::Open(Route::Document("wc-zc-2024-lnzc".into()))]);
                tap(k, &t(k.visit.lang, "reader-print"));
            }),
        ),
        (
            "leaving a form".into(),
            Box::new(|k: &mut Kiosk| {
                pump(k, [Message::Open(Route::Request { on_behalf: false, start: Some(request::Question::Phone) })]);
                pump(k, [Message::Back]);
                assert!(k.leaving.is_some());
            }),
        ),
        (
            "idle countdown".into(),
            Box::new(|k: &mut Kiosk| {
                pump(k, [Message::Open(Route::Guides)]);
                let t0 = k.visit.last_touch;
                pump(k, [Message::Tick(t0 + std::time::Duration::from_secs(k.config.ui.idle_timeout_seconds as u64))]);
            }),
        ),
    ];
    // the handwriting pad with a character written on it (its guesses shown), on search, on the
    // request form's name and on feedback
    let wang = || {
        let samples = crate::handwriting::parse_samples(include_str!("../../../tests/data/handwriting-strokes.txt"));
        samples.unwrap().into_iter().next().unwrap().1
    };
    let search = Route::Search { query: String::new(), filter: Default::default() };
    let name = Route::Request { on_behalf: false, start: Some(request::Question::Name) };
    let pads = [
        ("handwriting on search", search),
        ("handwriting on the request's name", name),
        ("handwriting on feedback", Route::Feedback),
    ];
    for (label, route) in pads {
        states.push((
            label.into(),
            Box::new(move |k: &mut Kiosk| {
                pump(k, [Message::Open(route.clone())]);
                tap(k, &t(k.visit.lang, "kb-write"));
                write(k, &wang());
            }),
        ));
    }
    // the voice reading (or paused at) a sentence, its buttons and the sentence shown
    let doc = Route::Document("wc-zc-2024-lnzc".into());
    let faq = Route::Faq { area: None, open: Some("faq-sh-01".into()) };
    let name = Route::Request { on_behalf: false, start: Some(request::Question::Name) };
    for (label, route, at, paused) in [
        ("document reading", doc, 3, false),
        ("guide paused", Route::Guide("guide-jzz".into()), 2, true),
        ("faq reading", faq, 1, false),
        ("request question reading", name, 0, false),
    ] {
        states.push((label.into(), Box::new(move |k: &mut Kiosk| reading(k, route.clone(), at, paused))));
    }
    for a in [crate::print::request::Applicant::Citizen, crate::print::request::Applicant::Organisation] {
        for q in request::Question::all(a) {
            if a == crate::print::request::Applicant::Organisation
                && request::Question::all(crate::print::request::Applicant::Citizen).contains(&q)
            {
                continue;
            }
            states.push((format!("request {}", q.field()), open(Route::Request { on_behalf: false, start: Some(q) })));
        }
    }
    states
}

/// Opens `route` and has its voice read (or pause at) sentence `at`. The speaker's reports are
/// left unread: the screen is put at the sentence, as they would put it.
fn reading(k: &mut Kiosk, route: Route, at: usize, paused: bool) {
    use crate::ui::widgets::voice;
    pump(k, [Message::Open(route)]);
    let read = k.nav.current().and_then(|s| s.voice_message(voice::Message::Read)).expect("reads aloud");
    drop(k.update(Message::Screen(read)));
    let v = k.nav.current_mut().and_then(Screen::voice_mut).unwrap();
    assert!(v.sentences.len() > at, "{} sentences", v.sentences.len());
    v.progress(&if paused { crate::speech::Progress::Paused(at) } else { crate::speech::Progress::Sentence(at) });
}

/// Closes what a state left open (a dialog, a form's question) so the next starts clean.
fn settle(k: &mut Kiosk) {
    k.help = false;
    k.leaving = None;
    k.notice = None;
    k.visit.idle = IdleState::Active;
    k.visit.last_touch = std::time::Instant::now();
    pump(k, [Message::Printing(crate::ui::printing::Message::Cancel)]);
    k.nav.home(k.home.clone().map(|d| Screen::Home(home::Home::new(d))));
}

/// In portrait the pad is large — higher than the whole keyboard's panel and as wide as the
/// screen — and what is above it still works: the search field with the live results for what
/// was written, the request form's question and its answer.
#[test]
fn in_portrait_the_pad_is_large_and_the_field_and_results_above_it_stay_in_view() {
    let dir = demo_store();
    let mut k = start(Config::default(), dir.path());
    assert!(k.services.recognizer.is_some(), "scripts/test installs libzinnia0 and tegaki-zinnia-simplified-chinese");
    let samples =
        crate::handwriting::parse_samples(include_str!("../../../tests/data/handwriting-strokes.txt")).unwrap();
    let sample = |c: char| samples.iter().find(|(s, _)| *s == c).unwrap().1.clone();
    let (wang, strokes) = ('王', sample('王'));
    // a character the demo content has documents for
    let (wen, wen_strokes) = ('文', sample('文'));
    for large in [false, true] {
        set(&mut k, PORTRAIT, large);
        let keys = keyboard::panel_height(k.visit.look);
        pump(&mut k, [Message::Open(Route::Search { query: String::new(), filter: Default::default() })]);
        tap(&mut k, "手写");
        let pad = pad_bounds(&k);
        assert!(pad.height > keys, "large={large}: the pad ({pad:?}) is higher than the keyboard's panel ({keys})");
        assert!(pad.width > 0.9 * k.ctx().width, "large={large}: the pad is as wide as the screen: {pad:?}");
        assert!(pad.y + pad.height < k.size.height, "the pad is inside the window");
        assert_eq!(write(&mut k, &wen_strokes).last().unwrap()[0], wen, "large={large}");
        tap(&mut k, &wen.to_string());
        let Some(Screen::Search(s)) = &k.nav.screen else { panic!() };
        assert_eq!(s.query, wen.to_string());
        assert!(!s.instant.is_empty(), "live results for 文");
        let shown = scan(&k);
        // each live result's line under its (highlighted) title: 公开文件　通知公告　2024-05-30…
        let in_view: Vec<&Shown> = shown
            .texts
            .iter()
            .filter(|t| t.text.starts_with("公开文件") && t.visible.is_some_and(|v| v.y + v.height <= pad.y))
            .collect();
        assert!(
            in_view.len() >= 2,
            "large={large}: live results are in view above the pad (at {}): {in_view:?}",
            pad.y
        );
        // the pad's buttons stay labelled, large and below the writing area
        let floor = if large { 60.0 } else { 44.0 };
        for label in ["撤销一笔", "重写", "删除", "空格", "键盘", "完成"] {
            let at = shown.texts.iter().find(|t| t.text == label).unwrap_or_else(|| panic!("{label} on screen"));
            let target = shown.targets.iter().find(|g| g.bounds.contains(at.bounds.center())).expect("a button");
            assert!(target.bounds.height >= floor && target.bounds.width >= floor, "{label}: {:?}", target.bounds);
            assert!(target.bounds.y >= pad.y + pad.height, "{label} is below the pad");
        }
        // the request form: the question and the answer written stay above the pad
        pump(&mut k, [Message::Open(Route::Request { on_behalf: false, start: Some(request::Question::Name) })]);
        tap(&mut k, "手写");
        let pad = pad_bounds(&k);
        assert!(pad.height > keys, "large={large}: on the request form too");
        write(&mut k, &strokes);
        tap(&mut k, &wang.to_string());
        let shown = scan(&k);
        let question = shown.texts.iter().find(|t| t.text == "姓名").expect("the question is on screen");
        let answer = shown.texts.iter().find(|t| t.text == wang.to_string()).expect("the answer is on screen");
        for (what, t) in [("question", question), ("answer", answer)] {
            assert!(t.visible.is_some_and(|v| v.y + v.height <= pad.y), "large={large}: the {what} is above the pad");
        }
        home(&mut k);
    }
}

#[test]
fn targets_text_sizes_and_no_text_cut_off_on_every_screen() {
    let dir = demo_store();
    let mut k = start(shipped_config(), dir.path());
    let states = every_state(&mut k);
    let mut faults = Vec::new();
    for (size, large) in configurations() {
        for (name, go) in &states {
            settle(&mut k);
            set(&mut k, size, large);
            go(&mut k);
            faults.extend(layout_faults(&k, &format!("{name} {size:?} large={large}")));
        }
    }
    assert!(faults.is_empty(), "{} faults:\n{}", faults.len(), faults.join("\n"));
}

#[test]
fn every_screen_opens_at_its_top_and_back_returns_to_where_the_visitor_was() {
    let dir = demo_store();
    let mut k = start(Config::default(), dir.path());
    for (size, large) in configurations() {
        set(&mut k, size, large);
        home(&mut k);
        // down the request guide, into the request form, back: the guide is where it was
        pump(&mut k, [Message::Open(Route::DisclosureGuide)]);
        tap(&mut k, "向下翻");
        let before = current_offset(&k);
        assert!(before > 0.0, "the guide scrolled");
        let shown: Vec<Rectangle> = scan(&k).texts.iter().map(|t| t.bounds).collect();
        tap(&mut k, "在屏幕上填写申请表");
        assert_eq!(current_offset(&k), 0.0, "the form opens at its top");
        tap(&mut k, "返回");
        assert_eq!(current_offset(&k), before, "back where the visitor was");
        assert_eq!(shown, scan(&k).texts.iter().map(|t| t.bounds).collect::<Vec<_>>(), "the same things in view");
        // a policy scrolled down; its interpretation opens at its top with its title in view
        pump(&mut k, [Message::Open(Route::Document("wc-zc-2024-lnzc".into()))]);
        // a short drag down the policy
        pump(
            &mut k,
            [Message::Screen(screens::Message::Reader(screens::reader::Message::Scroll(
                crate::ui::widgets::scroll::Message::Scrolled(90.0),
            )))],
        );
        let policy = current_offset(&k);
        assert_eq!(policy, 90.0);
        let title = "《望川区社区老年助餐服务实施办法》政策解读";
        reveal(&mut k, title, 0);
        tap_nth(&mut k, title, 0);
        assert_eq!(current_offset(&k), 0.0, "the interpretation opens at its top");
        let Some(Screen::Reader(r)) = &k.nav.screen else { panic!() };
        let heading = r.doc.title.clone();
        assert!(scan(&k).texts.iter().any(|t| t.text == heading && fully_visible(t)), "its title is in view");
        tap(&mut k, "返回");
        assert_eq!(current_offset(&k), policy, "back to the policy where the visitor left it");
        // Home opens at its top, whatever another screen's position was
        home(&mut k);
        assert_eq!(current_offset(&k), 0.0);
        assert!(scan(&k).texts.iter().any(|t| t.text == "公告" && fully_visible(t)), "the notice is in view");
        // the review of a request opens with its print button in view
        pump(&mut k, [Message::Open(Route::Request { on_behalf: false, start: Some(request::Question::Review) })]);
        assert!(scan(&k).texts.iter().any(|t| t.text == "打印申请表" && fully_visible(t)));
    }
}

/// What a series of raw events starting at `at` sends.
fn drag(k: &Kiosk, at: iced::Point, events: impl IntoIterator<Item = iced::Event>) -> Vec<Message> {
    let mut sim = Simulator::with_size(settings(), k.size, k.view());
    sim.point_at(at);
    let _ = sim.simulate(events);
    sim.into_messages().collect()
}

fn opens_a_row(messages: &[Message]) -> bool {
    messages
        .iter()
        .any(|m| matches!(m, Message::Screen(screens::Message::Catalogue(screens::catalogue::Message::Open(_)))))
}

#[test]
fn a_finger_drag_scrolls_a_list_even_when_it_starts_on_a_button_and_does_not_tap_it() {
    use iced::{Point, touch};
    let dir = demo_store();
    let mut k = start(Config::default(), dir.path());
    pump(&mut k, [Message::Open(home::tiles()[0].1.clone())]);
    let s = scan(&k);
    let row =
        s.texts.iter().find(|t| t.text == "望川区人民政府2024年政府信息公开工作年度报告").unwrap().bounds.center();
    let finger = touch::Finger(1);
    let events = [
        iced::Event::Touch(touch::Event::FingerPressed { id: finger, position: row }),
        iced::Event::Touch(touch::Event::FingerMoved { id: finger, position: Point::new(row.x, row.y - 20.0) }),
        iced::Event::Touch(touch::Event::FingerMoved { id: finger, position: Point::new(row.x, row.y - 200.0) }),
        iced::Event::Touch(touch::Event::FingerLifted { id: finger, position: Point::new(row.x, row.y - 200.0) }),
    ];
    let messages = drag(&k, row, events);
    assert!(!opens_a_row(&messages), "the drag did not open the row it started on");
    pump(&mut k, messages);
    assert!(matches!(k.nav.screen, Some(Screen::Catalogue(_))));
    let moved = current_offset(&k);
    assert!(moved > 150.0, "the list followed the finger: {moved}");
    // the same with a mouse (a touch screen that sends pointer events)
    pump(&mut k, [Message::Open(home::tiles()[0].1.clone())]);
    let events = [
        iced::Event::Mouse(iced::mouse::Event::ButtonPressed(iced::mouse::Button::Left)),
        iced::Event::Mouse(iced::mouse::Event::CursorMoved { position: Point::new(row.x, row.y - 30.0) }),
        iced::Event::Mouse(iced::mouse::Event::CursorMoved { position: Point::new(row.x, row.y - 230.0) }),
        iced::Event::Mouse(iced::mouse::Event::ButtonReleased(iced::mouse::Button::Left)),
    ];
    let messages = drag(&k, row, events);
    assert!(!opens_a_row(&messages), "the mouse drag did not open the row either");
    pump(&mut k, messages);
    assert!(current_offset(&k) > 150.0);
}

/// Words of ASCII letters that may show in the Chinese interface: the keyboard's ABC, PDF, the
/// pinyin example, the language switch — and whatever the content itself writes.
fn allowed_latin(dir: &Path) -> BTreeSet<String> {
    let store = Store::open(dir).unwrap();
    let mut dump = serde_json::to_string(&store.site().unwrap()).unwrap();
    for d in store.documents(&Default::default(), 10_000, 0).unwrap() {
        dump.push_str(&serde_json::to_string(&store.document(&d.id).unwrap()).unwrap());
    }
    for g in store.guides().unwrap() {
        dump.push_str(&serde_json::to_string(&store.guide(&g.id).unwrap()).unwrap());
    }
    dump.push_str(&serde_json::to_string(&store.faqs(None).unwrap()).unwrap());
    for b in store.boards().unwrap() {
        dump.push_str(&serde_json::to_string(&store.board(&b.id).unwrap()).unwrap());
    }
    let mut words: BTreeSet<String> = latin_words(&dump).into_iter().collect();
    words.extend(["ABC", "PDF", "zfxxgk", "English", "lnzc"].map(String::from));
    words
}

fn latin_words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| w.len() >= 2).map(String::from).collect()
}

#[test]
fn every_string_of_every_screen_is_in_traditional_and_english_and_no_english_shows_in_chinese() {
    let dir = demo_store();
    let mut k = start(shipped_config(), dir.path());
    let allowed = allowed_latin(dir.path());
    let states = every_state(&mut k);
    let mut english_in_chinese = Vec::new();
    let mut untranslated = Vec::new();
    for (name, go) in &states {
        let mut seen = Vec::new();
        for lang in [Language::ZhHans, Language::ZhHant, Language::English] {
            settle(&mut k);
            set(&mut k, LANDSCAPE, true);
            k.visit.lang = lang;
            go(&mut k);
            let shown = texts(&k);
            if lang != Language::English {
                for s in &shown {
                    for w in latin_words(s) {
                        let a_key = w.len() <= 3 && s.chars().count() <= 3;
                        if !allowed.contains(&w) && !a_key {
                            english_in_chinese.push(format!("{name} ({}): `{s}`", lang.code()));
                        }
                    }
                }
            }
            seen.push(shown);
        }
        // the sentence the voice is reading is shown as the voice reads it: in Chinese
        let read: Option<String> =
            k.nav.current_mut().and_then(Screen::voice_mut).and_then(|v| v.current().map(String::from));
        // an interface string in 简体 shows changed in 繁體 (unless it has no simplified character)
        // and in English (unless it is content)
        let (hans, hant, en) = (&seen[0], &seen[1], &seen[2]);
        for s in hans.iter().filter(|s| !["简体", "繁體", "English"].contains(&s.as_str()) && Some(*s) != read.as_ref())
        {
            let has_simplified = crate::ui::i18n::to_traditional(s) != *s;
            if has_simplified && hant.contains(s) && !is_content(&k, s) {
                untranslated.push(format!("{name}: `{s}` in 繁體"));
            }
            if en.contains(s) && s.chars().any(crate::text::fold::is_cjk) && !is_content(&k, s) {
                untranslated.push(format!("{name}: `{s}` in English"));
            }
        }
    }
    english_in_chinese.sort();
    english_in_chinese.dedup();
    untranslated.sort();
    untranslated.dedup();
    assert!(english_in_chinese.is_empty(), "English in the Chinese interface:\n{}", english_in_chinese.join("\n"));
    assert!(untranslated.is_empty(), "not translated:\n{}", untranslated.join("\n"));
}

/// Whether `s` is (made of) the content's own words: titles, names, fields of what is on show.
fn is_content(k: &Kiosk, s: &str) -> bool {
    let store = Store::open(&k.data_dir).unwrap();
    let mut dump = serde_json::to_string(&store.site().unwrap()).unwrap();
    match &k.nav.screen {
        Some(Screen::Guide(g)) => dump.push_str(&serde_json::to_string(&g.guide).unwrap()),
        Some(Screen::Reader(r)) => dump.push_str(&serde_json::to_string(&r.doc).unwrap()),
        Some(Screen::Board(b)) => dump.push_str(&serde_json::to_string(&b.board).unwrap()),
        Some(Screen::Attachment(a)) => dump.push_str(&serde_json::to_string(&a.attachment).unwrap()),
        _ => {}
    }
    for d in store.documents(&Default::default(), 10_000, 0).unwrap() {
        dump.push_str(&d.title);
        dump.push_str(&d.publisher);
        dump.push_str(d.doc_no.as_deref().unwrap_or(""));
        dump.push_str(d.area.as_deref().unwrap_or(""));
    }
    for g in store.guides().unwrap() {
        dump.push_str(&g.name);
        dump.push_str(g.area.as_deref().unwrap_or(""));
    }
    for b in store.boards().unwrap() {
        dump.push_str(&b.title);
    }
    dump.push_str(&serde_json::to_string(&store.faqs(None).unwrap()).unwrap());
    let mut tree = store.category_tree().unwrap();
    while let Some(n) = tree.pop() {
        dump.push_str(&n.name);
        tree.extend(n.children);
    }
    // what the visitor typed is theirs, not the interface's
    if let Some(Screen::Search(q)) = &k.nav.screen {
        dump.push_str(&q.query);
    }
    // and so is what the pad read from their strokes
    let pad = match &k.nav.screen {
        Some(Screen::Search(s)) => s.keyboard.pad.as_ref(),
        Some(Screen::Request(w)) => w.keyboard.pad.as_ref(),
        Some(Screen::Feedback(f)) => f.keyboard.pad.as_ref(),
        _ => None,
    };
    dump.extend(pad.iter().flat_map(|p| p.guesses.iter()));
    s.split(['　', ' ', '：', '·', '（', '）', '›', '▸', '▾', '\n'])
        .filter(|p| !p.is_empty())
        .all(|p| dump.contains(p) || !p.chars().any(crate::text::fold::is_cjk))
}

#[test]
fn a_first_visitor_sees_a_hint_on_home_until_leaving_it_and_help_is_on_every_screen() {
    let dir = demo_store();
    let mut k = start(Config::default(), dir.path());
    let hint = t(Language::ZhHans, "home-first-visit");
    assert!(texts(&k).contains(&hint));
    // a tap on Home keeps it where it is (taking it away at the press moved the tiles from under
    // the finger and lost the tap); leaving Home ends it
    pump(&mut k, [Message::Tapped]);
    assert!(texts(&k).contains(&hint), "still there while the first tap lands");
    pump(&mut k, [Message::Open(Route::Guides)]);
    pump(&mut k, [Message::Open(Route::Home)]);
    assert!(!texts(&k).contains(&hint), "gone once the visitor has left Home");
    for r in [Route::Home, Route::Guides, Route::Document("wc-zc-2024-lnzc".into()), Route::Feedback] {
        pump(&mut k, [Message::Open(r)]);
        tap(&mut k, "需要帮助");
        let shown = texts(&k);
        assert!(shown.iter().any(|s| s.contains("一楼东厅入口右侧")), "the staff desk from site.toml: {shown:?}");
        assert!(shown.iter().any(|s| s.contains("5号窗口")), "the request window");
        assert!(shown.iter().any(|s| s == "0000-81230000"), "the phone");
        for pic in ["help-tap", "help-swipe", "help-back"] {
            assert!(shown.contains(&t(Language::ZhHans, pic)));
        }
        tap(&mut k, "知道了");
        assert!(!k.help);
    }
    // the next visitor gets the hint again
    pump(&mut k, [Message::Tick(std::time::Instant::now() + std::time::Duration::from_secs(10_000))]);
    assert!(texts(&k).contains(&hint));
}

#[test]
fn the_form_steps_passed_lead_back_and_the_steps_ahead_are_not_buttons() {
    let dir = demo_store();
    let mut k = start(Config::default(), dir.path());
    pump(&mut k, [Message::Open(Route::Request { on_behalf: false, start: Some(request::Question::Phone) })]);
    for c in "13800138000".chars() {
        key(&mut k, keyboard::Message::Letter(c));
    }
    tap(&mut k, "下一步（可不填）");
    let question = |k: &Kiosk| match &k.nav.screen {
        Some(Screen::Request(w)) => w.question(),
        _ => panic!("still the form"),
    };
    assert_eq!(question(&k), request::Question::Address);
    // a step still ahead is plain text: tapping it sends nothing
    let ahead = format!("3 {}", t(Language::ZhHans, "req-step-information"));
    let sent = {
        let mut sim = Simulator::with_size(settings(), k.size, k.view());
        sim.click(ahead.as_str()).expect("the step ahead is shown");
        sim.into_messages().count()
    };
    assert_eq!(sent, 0, "`{ahead}` is not a button");
    // a step passed is a button back to its first question; the answers stay
    tap(&mut k, &format!("✓ 1 {}", t(Language::ZhHans, "req-step-applicant")));
    assert_eq!(question(&k), request::Question::ApplicantType);
    tap(&mut k, "公民");
    assert_eq!(question(&k), request::Question::Name);
    let Some(Screen::Request(w)) = &k.nav.screen else { panic!() };
    assert_eq!(w.form.phone, "13800138000", "nothing typed is lost");
    // and the current step is marked, not a button
    assert!(texts(&k).contains(&format!("▶ 2 {}", t(Language::ZhHans, "req-step-identity"))));
}

#[test]
fn leaving_a_half_filled_form_asks_first_and_the_countdown_chimes() {
    let dir = demo_store();
    let mut k = start(Config::default(), dir.path());
    pump(&mut k, [Message::Open(Route::DisclosureGuide)]);
    tap(&mut k, "在屏幕上填写申请表");
    // the directory printer: said at the start, with what can be done
    assert!(texts(&k).contains(&t(Language::ZhHans, "req-no-printer")));
    tap(&mut k, "首页");
    assert!(k.nav.at_home() && k.leaving.is_none(), "an untouched form is left without a question");
    pump(&mut k, [Message::Open(Route::Request { on_behalf: false, start: None })]);
    tap(&mut k, "公民");
    for c in "wang".chars() {
        key(&mut k, keyboard::Message::Letter(c));
    }
    tap(&mut k, "首页");
    assert_eq!(k.leaving, Some(Leave::Home), "asks before throwing the answers away");
    tap(&mut k, "继续填写");
    let Some(Screen::Request(w)) = &k.nav.screen else { panic!("still the form") };
    assert_eq!(w.keyboard.composing(), "wang", "nothing lost");
    tap(&mut k, "返回");
    assert_eq!(k.leaving, Some(Leave::Back));
    tap(&mut k, "清除并返回");
    assert!(k.nav.at_home(), "back where the form was opened from");
    // the idle countdown starts with a chime (once)
    pump(&mut k, [Message::Open(Route::Guides)]);
    let t0 = k.visit.last_touch;
    let timeout = std::time::Duration::from_secs(k.config.ui.idle_timeout_seconds as u64);
    pump(&mut k, [Message::Tick(t0 + timeout)]);
    pump(&mut k, [Message::Tick(t0 + timeout + std::time::Duration::from_secs(1))]);
    assert_eq!(k.services.chimes, 1);
}

#[test]
fn a_picked_document_carries_its_doc_number_once() {
    let doc = request::FoundDoc {
        id: "x".into(),
        title: "行政处罚决定书（望环罚〔2024〕12号）".into(),
        doc_no: Some("望环罚〔2024〕12号".into()),
    };
    assert_eq!(doc.label(), "行政处罚决定书（望环罚〔2024〕12号）");
    let doc = request::FoundDoc {
        title: "望川区社区老年助餐服务实施办法".into(),
        doc_no: Some("望民发〔2024〕7号".into()),
        ..doc
    };
    assert_eq!(doc.label(), "望川区社区老年助餐服务实施办法（望民发〔2024〕7号）");
}

#[test]
fn board_items_open_on_the_kiosk_and_guide_boxes_tick() {
    let dir = demo_store();
    let mut k = start(Config::default(), dir.path());
    pump(&mut k, [Message::Open(Route::Board("board-zcwj".into()))]);
    let Some(Screen::Board(b)) = &k.nav.screen else { panic!() };
    assert!(b.codes.iter().filter(|c| c.here.is_some()).count() >= 2, "documents in the store are readable here");
    tap(&mut k, "在本机阅读");
    assert!(matches!(k.nav.screen, Some(Screen::Reader(_)) | Some(Screen::Guide(_))));
    pump(&mut k, [Message::Open(Route::Guide("guide-jzz".into()))]);
    let Some(Screen::Guide(g)) = &k.nav.screen else { panic!() };
    let first = g.guide.materials[0].name.clone();
    tap(&mut k, &first);
    let Some(Screen::Guide(g)) = &k.nav.screen else { panic!() };
    assert!(g.ticked.contains(&0), "the box ticks");
    tap(&mut k, &first);
    let Some(Screen::Guide(g)) = &k.nav.screen else { panic!() };
    assert!(g.ticked.is_empty(), "and unticks");
}

#[test]
fn printing_a_policy_offers_its_interpretations_with_the_page_count() {
    let dir = demo_store();
    let mut k = start(Config::default(), dir.path());
    pump(&mut k, [Message::Open(Route::Document("wc-zc-2024-lnzc".into()))]);
    tap(&mut k, "打印");
    let both = k.services.printing.with_interpretations_pages().expect("offered");
    assert!(both >= 2, "the policy and its interpretations: {both} pages");
    let label = format!("连同解读一起打印（{both} 页）");
    assert!(texts(&k).contains(&label), "{:?}", texts(&k));
    tap(&mut k, &label);
    assert_eq!(k.services.printing.stage, Some(crate::ui::printing::Stage::Done { pages: both, saved: true }));
    let saved = super::tests::saved(dir.path());
    assert_eq!(saved.len(), 1);
    assert!(saved[0].to_string_lossy().contains("with-interpretations"));
    tap(&mut k, "知道了");
    // an interpretation (no interpretations of its own) is printed alone
    pump(&mut k, [Message::Open(Route::Document("wc-tj-2024-lnzc".into()))]);
    tap(&mut k, "打印");
    assert_eq!(k.services.printing.with_interpretations_pages(), None);
}
