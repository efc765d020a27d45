//! Flows driven through `update()`, with the tasks each step returns run to completion (so the
//! store is really read), and through iced_test's headless simulator, which clicks the labelled
//! buttons a visitor would tap.

use std::collections::VecDeque;
use std::path::Path;
use std::time::{Duration, Instant};

use iced::futures::StreamExt;
use iced_test::Simulator;
use iced_test::selector::Candidate;

use super::*;
use crate::config::{Config, Language};
use crate::store::Store;
use crate::ui::screens::{feedback, request, search};
use crate::ui::widgets::keyboard;

pub(super) fn demo_store() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    store.import_folder(&Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-content")).unwrap();
    dir
}

/// The shipped configuration (demo PIN 2468).
pub(super) fn shipped_config() -> Config {
    Config::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config/kiosk.toml")).unwrap()
}

/// Runs a task to completion and returns the messages it produced.
pub(super) fn run(task: Task<Message>) -> Vec<Message> {
    let Some(stream) = iced_runtime::task::into_stream(task) else { return Vec::new() };
    futures_executor::block_on(stream.collect::<Vec<_>>())
        .into_iter()
        .filter_map(|a| match a {
            iced_runtime::Action::Output(m) => Some(m),
            _ => None,
        })
        .collect()
}

/// Applies messages and everything their tasks produce, in order.
pub(super) fn pump(k: &mut Kiosk, first: impl IntoIterator<Item = Message>) {
    let mut queue: VecDeque<Message> = first.into_iter().collect();
    let mut n = 0;
    while let Some(m) = queue.pop_front() {
        n += 1;
        assert!(n < 500, "messages keep coming");
        let task = k.update(m);
        queue.extend(run(task));
    }
}

pub(super) fn start(config: Config, dir: &Path) -> Kiosk {
    let (mut k, task) = Kiosk::new(config, dir.to_path_buf());
    pump(&mut k, run(task));
    assert!(matches!(k.nav.screen, Some(Screen::Home(_))));
    assert!(k.services.shared.is_some(), "search and keyboard are ready");
    k
}

pub(super) fn settings() -> iced::Settings {
    iced::Settings {
        fonts: vec![crate::assets::cjk_font().expect("the CJK font").into()],
        default_font: iced::Font::with_name(crate::assets::CJK_FONT_FAMILY),
        ..iced::Settings::default()
    }
}

/// Clicks the button labelled `label` on the kiosk's current view and applies what it sends.
#[track_caller]
pub(super) fn tap(k: &mut Kiosk, label: &str) {
    let messages = tapped(k, label);
    pump(k, messages);
}

/// What clicking the button labelled `label` on the kiosk's current view sends.
#[track_caller]
fn tapped(k: &Kiosk, label: &str) -> Vec<Message> {
    let messages: Vec<Message> = {
        let mut sim = Simulator::with_size(settings(), k.size, k.view());
        if let Err(e) = sim.click(label) {
            panic!("no `{label}` on screen: {e:?}");
        }
        sim.into_messages().collect()
    };
    assert!(!messages.is_empty(), "tapping `{label}` did nothing");
    messages
}

/// Clicks the button labelled `label` and applies what it sends, returning the tasks that
/// brings unrun (the voice's reports, which a test reads one at a time).
#[track_caller]
pub(super) fn tap_keeping_task(k: &mut Kiosk, label: &str) -> Task<Message> {
    let messages = tapped(k, label);
    Task::batch(messages.into_iter().map(|m| k.update(m)))
}

/// Every text on screen.
pub(super) fn texts(k: &Kiosk) -> Vec<String> {
    let mut sim = Simulator::with_size(settings(), k.size, k.view());
    let mut out = Vec::new();
    let _ = sim.find(|c: Candidate<'_>| {
        if let Candidate::Text { content, .. } = c {
            out.push(content.to_string());
        }
        None::<()>
    });
    out
}

#[test]
fn the_window_says_it_is_preparing_the_content_until_the_store_is_ready() {
    // an empty data folder: the window's first task prepares the store (here: imports the
    // bundled demo content; after an upgrade: a schema migration or an index rebuild)
    let dir = tempfile::tempdir().unwrap();
    let (mut k, task) = Kiosk::new(Config::default(), dir.path().to_path_buf());
    let shown = texts(&k);
    assert!(shown.iter().any(|s| s == "正在准备内容，请稍候…"), "{shown:?}");
    assert!(shown.iter().any(|s| s == "更新后第一次启动时，这一步可能需要几分钟。"), "{shown:?}");
    // meanwhile nothing opens the store: a touch (no usage count), the attendant's long-press,
    // a screen asked for, the idle reset (no count, no Home reload) all produce no task
    for m in [
        Message::Tapped,
        Message::ZonePressed,
        Message::ZoneReleased,
        Message::Open(Route::Search { query: String::new(), filter: Default::default() }),
    ] {
        let produced = run(k.update(m.clone()));
        assert!(produced.is_empty(), "{m:?} → {produced:?}");
    }
    assert!(run(k.reset_for_next_visitor()).is_empty());
    assert!(k.nav.screen.is_none());
    assert!(texts(&k).iter().any(|s| s == "正在准备内容，请稍候…"));
    let messages = run(task);
    assert!(matches!(messages.first(), Some(Message::Prepared(Ok(())))), "the store is prepared first");
    pump(&mut k, messages);
    assert!(matches!(k.nav.screen, Some(Screen::Home(_))));
    assert_eq!(k.title(), "望川区政务公开专区", "the demo content was imported");
    assert!(!texts(&k).iter().any(|s| s.starts_with("正在准备")));

    // a store that cannot be prepared (its file is a folder): the window says so, not "preparing"
    let broken = tempfile::tempdir().unwrap();
    std::fs::create_dir(broken.path().join(crate::store::DB_FILE)).unwrap();
    let (mut k, task) = Kiosk::new(Config::default(), broken.path().to_path_buf());
    let messages = run(task);
    assert!(matches!(messages.first(), Some(Message::Prepared(Err(_)))), "{:?}", messages.first());
    pump(&mut k, messages);
    let shown = texts(&k);
    assert!(shown.iter().any(|s| s == "暂时无法读取公开信息，请联系工作人员。"), "{shown:?}");
    assert!(!shown.iter().any(|s| s.starts_with("正在准备")), "{shown:?}");
}

#[test]
fn home_catalogue_document_and_its_interpretation_by_tapping() {
    let dir = demo_store();
    let mut k = start(Config::default(), dir.path());
    assert_eq!(k.title(), "望川区政务公开专区");
    // the office's announcement (from the pack's site.toml) is on Home, above the tiles
    let home = texts(&k);
    let notice = home
        .iter()
        .position(|s| s.starts_with("每周三下午14:30—17:00，区政务公开办工作人员"))
        .expect("the announcement shows");
    assert_eq!(home[notice - 1], "公告");
    assert!(notice < home.iter().position(|s| s == "政府信息公开目录").unwrap());

    tap(&mut k, "政府信息公开目录");
    let Some(Screen::Catalogue(c)) = &k.nav.screen else { panic!("catalogue opens") };
    assert_eq!(c.total, 48);
    assert!(!c.values.is_empty(), "主题分类 with counts");

    tap(&mut k, "重点领域");
    let Some(Screen::Catalogue(c)) = &k.nav.screen else { panic!() };
    let (area, _, n) =
        c.values.iter().find(|v| v.0 == "养老服务").cloned().expect("养老服务 is a key area of the demo");
    tap(&mut k, &format!("{area}  {n}"));
    let Some(Screen::Catalogue(c)) = &k.nav.screen else { panic!() };
    assert_eq!(c.total, n);
    assert!(c.docs.iter().all(|d| d.area.as_deref() == Some("养老服务")));

    tap(&mut k, "望川区社区老年助餐服务实施办法");
    let Some(Screen::Reader(r)) = &k.nav.screen else { panic!("the document opens") };
    assert_eq!(r.doc.id, "wc-zc-2024-lnzc");
    assert!(r.qr.is_some(), "QR code of the online original");
    assert_eq!(r.interpretations.len(), 2);

    tap(&mut k, "《望川区社区老年助餐服务实施办法》政策解读");
    let Some(Screen::Reader(r)) = &k.nav.screen else { panic!("the interpretation opens") };
    assert_eq!(r.policy.as_ref().map(|p| p.id.as_str()), Some("wc-zc-2024-lnzc"), "one tap back to the policy");

    tap(&mut k, "返回");
    assert!(matches!(&k.nav.screen, Some(Screen::Reader(r)) if r.doc.id == "wc-zc-2024-lnzc"));
    tap(&mut k, "首页");
    assert!(matches!(k.nav.screen, Some(Screen::Home(_))));
    assert!(k.nav.history.is_empty());
}

#[test]
fn typing_zfxxgk_on_the_keyboard_offers_the_word_and_finds_the_results() {
    let dir = demo_store();
    let mut k = start(Config::default(), dir.path());
    tap(&mut k, "搜索");
    for key in ["z", "f", "x", "x", "g", "k"] {
        tap(&mut k, key);
    }
    let Some(Screen::Search(s)) = &k.nav.screen else { panic!("search is open") };
    assert_eq!(s.keyboard.composing(), "zfxxgk");
    assert_eq!(s.keyboard.candidates()[0].text, "政府信息公开", "the candidate bar offers the word first");
    assert!(!s.instant.is_empty(), "instant results while typing");
    assert!(s.instant.iter().any(|h| h.title.text.contains("政府信息公开")), "{:?}", s.instant);

    // choose the candidate, then search
    tap(&mut k, "政府信息公开");
    let Some(Screen::Search(s)) = &k.nav.screen else { panic!() };
    assert_eq!((s.query.as_str(), s.keyboard.composing()), ("政府信息公开", ""));
    tap(&mut k, "完成");
    let Some(Screen::Search(s)) = &k.nav.screen else { panic!() };
    let res = s.results.as_ref().expect("full results");
    assert!(res.total >= 5);
    assert!(
        res.hits
            .iter()
            .all(|h| !h.title.highlights.is_empty() || h.snippet.as_ref().is_some_and(|s| !s.highlights.is_empty()))
    );
    let shown = texts(&k);
    assert!(shown.iter().any(|t| t.starts_with("共 ")), "the result count is shown: {shown:?}");
}

#[test]
fn in_traditional_the_candidates_are_traditional_and_search_still_finds() {
    let dir = demo_store();
    let mut k = start(Config::default(), dir.path());
    pump(&mut k, [Message::Language(Language::ZhHant)]);
    tap(&mut k, "搜尋");
    for key in ["z", "f", "x", "x", "g", "k"] {
        tap(&mut k, key);
    }
    assert!(!texts(&k).iter().any(|t| t == "政府信息公开"), "no simplified candidate on show");
    tap(&mut k, "政府信息公開");
    let Some(Screen::Search(s)) = &k.nav.screen else { panic!() };
    assert_eq!(s.query, "政府信息公開", "typed as shown");
    assert!(s.instant.iter().any(|h| h.title.text.contains("政府信息公开")), "{:?}", s.instant);
    tap(&mut k, "完成");
    let Some(Screen::Search(s)) = &k.nav.screen else { panic!() };
    assert!(s.results.as_ref().is_some_and(|r| r.total >= 5), "the folding finds the simplified documents");
}

/// The pad's bounds on the kiosk's current view.
pub(super) fn pad_bounds(k: &Kiosk) -> iced::Rectangle {
    let mut sim = Simulator::with_size(settings(), k.size, k.view());
    let id = iced::widget::Id::from(crate::ui::widgets::handwriting::PAD_ID);
    sim.find(id).expect("the handwriting pad is on screen").bounds()
}

/// Writes a character on the pad on screen with one finger, as the visitor would: each stroke
/// (points on a 100 × 100 square, drawn on a square as high as the pad in its middle) a press,
/// moves a few pixels apart, and a lift, through iced_test's simulator and the real pad widget,
/// each on the screen as the strokes before it left it (a pad that shrank or moved after a
/// stroke would show). Each stroke is applied in turn (with its recognition); returns the
/// guesses after each.
pub(super) fn write(k: &mut Kiosk, strokes: &[crate::handwriting::Stroke]) -> Vec<Vec<char>> {
    use iced::touch::{Event as Touch, Finger};
    let finger = Finger(7);
    let mut guesses = Vec::new();
    for (n, stroke) in strokes.iter().enumerate() {
        let pad = pad_bounds(k);
        let side = pad.height;
        let at = |(x, y): (f32, f32)| {
            iced::Point::new(pad.x + (pad.width - side) / 2.0 + x / 100.0 * side, pad.y + y / 100.0 * side)
        };
        let mut events = vec![iced::Event::Touch(Touch::FingerPressed { id: finger, position: at(stroke[0]) })];
        for pair in stroke.windows(2) {
            let (a, b) = (at(pair[0]), at(pair[1]));
            let steps = (a.distance(b) / 6.0).ceil().max(1.0) as usize;
            for i in 1..=steps {
                let t = i as f32 / steps as f32;
                let position = iced::Point::new(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t);
                events.push(iced::Event::Touch(Touch::FingerMoved { id: finger, position }));
            }
        }
        let last = at(*stroke.last().unwrap());
        events.push(iced::Event::Touch(Touch::FingerLifted { id: finger, position: last }));
        let messages: Vec<Message> = {
            let mut sim = Simulator::with_size(settings(), k.size, k.view());
            sim.simulate(events);
            sim.into_messages().collect()
        };
        assert_eq!(messages.len(), 1, "stroke {} of {} drawn on the pad ({pad:?})", n + 1, strokes.len());
        pump(k, messages);
        let pad = match &k.nav.screen {
            Some(Screen::Search(s)) => &s.keyboard.pad,
            Some(Screen::Request(w)) => &w.keyboard.pad,
            Some(Screen::Feedback(f)) => &f.keyboard.pad,
            _ => panic!("no keyboard on screen"),
        };
        guesses.push(pad.as_ref().expect("the pad is open").guesses.clone());
    }
    guesses
}

#[test]
fn characters_written_on_the_pad_are_offered_first_and_typed() {
    let dir = demo_store();
    let mut k = start(Config::default(), dir.path());
    assert!(k.services.recognizer.is_some(), "scripts/test installs libzinnia0 and tegaki-zinnia-simplified-chinese");
    tap(&mut k, "搜索");
    tap(&mut k, "手写");
    assert!(texts(&k).iter().any(|t| t == "用一个手指在这里写一个字"), "the pad says what to do");
    let samples =
        crate::handwriting::parse_samples(include_str!("../../../tests/data/handwriting-strokes.txt")).unwrap();
    assert!(samples.len() >= 20);
    let mut written = String::new();
    for (ch, strokes) in &samples {
        let after_each = write(&mut k, strokes);
        assert!(after_each.iter().all(|g| !g.is_empty()), "{ch}: candidates after each stroke: {after_each:?}");
        assert_eq!(after_each.last().unwrap()[0], *ch, "{ch}: {after_each:?}");
        tap(&mut k, &ch.to_string());
        written.push(*ch);
        let Some(Screen::Search(s)) = &k.nav.screen else { panic!() };
        assert!(s.keyboard.pad.as_ref().is_some_and(|p| p.strokes.is_empty()), "the pad is clear for the next one");
    }
    let Some(Screen::Search(s)) = &k.nav.screen else { panic!() };
    assert_eq!(s.query, written);

    // undo a stroke, rewrite, back to the keys
    let (_, wang) = &samples[0];
    let after_each = write(&mut k, &wang[..2]);
    tap(&mut k, "撤销一笔");
    let Some(Screen::Search(s)) = &k.nav.screen else { panic!() };
    let pad = s.keyboard.pad.as_ref().unwrap();
    assert_eq!(pad.strokes.len(), 1);
    assert_eq!(pad.guesses, after_each[0], "the guesses for the first stroke again");
    tap(&mut k, "重写");
    let Some(Screen::Search(s)) = &k.nav.screen else { panic!() };
    assert!(s.keyboard.pad.as_ref().is_some_and(|p| p.strokes.is_empty() && p.guesses.is_empty()));
    tap(&mut k, "键盘");
    assert!(texts(&k).iter().any(|t| t == "q"), "the keys are back");
}

/// Where the text `label` is laid out on the kiosk's current view.
fn bounds_of(k: &Kiosk, label: &str) -> iced::Rectangle {
    let mut sim = Simulator::with_size(settings(), k.size, k.view());
    sim.find(label).unwrap_or_else(|e| panic!("no `{label}` on screen: {e:?}")).bounds()
}

#[test]
fn the_large_text_button_stays_under_the_finger_when_it_is_tapped() {
    let dir = demo_store();
    for size in [Size::new(1920.0, 1080.0), Size::new(1080.0, 1920.0)] {
        let mut k = start(Config::default(), dir.path());
        k.size = size;
        for _ in 0..2 {
            let large = k.visit.look.large;
            let before = bounds_of(&k, "大字");
            tap(&mut k, "大字");
            assert_ne!(k.visit.look.large, large);
            assert_eq!(bounds_of(&k, "大字"), before, "大字 did not move ({size:?}, large text was {large})");
        }
    }
}

#[test]
fn a_first_visitors_press_on_home_leaves_the_tile_under_the_finger() {
    let dir = demo_store();
    for size in [Size::new(1920.0, 1080.0), Size::new(1080.0, 1920.0)] {
        let mut k = start(Config::default(), dir.path());
        k.size = size;
        let hint = "第一次使用？点一下下面任何一个按钮就可以开始；不会用时，点屏幕下方的“需要帮助”。";
        assert!(texts(&k).iter().any(|s| s == hint), "{:?}", texts(&k));
        let before = bounds_of(&k, "搜索");
        // the finger comes down: the press opens the visit; the tile must still be where the
        // finger is when it lifts (the hint going away moved every tile up: the tap was lost)
        pump(&mut k, [Message::Touched]);
        assert!(k.visit.session_open);
        assert_eq!(bounds_of(&k, "搜索"), before, "the tile stays under the finger ({size:?})");
        tap(&mut k, "搜索");
        assert!(matches!(k.nav.screen, Some(Screen::Search(_))), "the first tap opened the tile");
        // back at Home the hint has done its job
        tap(&mut k, "返回");
        assert!(k.nav.at_home());
        assert!(!texts(&k).iter().any(|s| s == hint));
    }
}

#[test]
fn idle_reset_counts_down_then_wipes_a_typed_query_and_every_choice() {
    let dir = demo_store();
    let config = Config::default();
    let (timeout, countdown) = (config.ui.idle_timeout_seconds as u64, config.ui.idle_countdown_seconds as u64);
    assert!(countdown >= 10);
    let mut k = start(config, dir.path());
    pump(&mut k, [Message::Open(Route::Search { query: String::new(), filter: Default::default() })]);
    for c in "yiliao".chars() {
        pump(&mut k, [Message::Screen(screens::Message::Search(search::Message::Key(keyboard::Message::Letter(c))))]);
    }
    pump(&mut k, [Message::Screen(screens::Message::Search(search::Message::Key(keyboard::Message::Pick(0))))]);
    pump(&mut k, [Message::Language(Language::English), Message::ToggleContrast]);
    let Some(Screen::Search(s)) = &k.nav.screen else { panic!() };
    assert!(!s.query.is_empty());

    let t0 = k.visit.last_touch;
    pump(&mut k, [Message::Tick(t0 + Duration::from_secs(timeout - 1))]);
    assert_eq!(k.visit.idle, IdleState::Active);
    pump(&mut k, [Message::Tick(t0 + Duration::from_secs(timeout))]);
    assert_eq!(k.visit.idle, IdleState::Countdown(countdown), "a visible countdown");
    assert!(texts(&k).iter().any(|t| t == &format!("Back to Home in {countdown} s")));

    // "continue" extends it; the screen stays as it was
    tap(&mut k, "Continue");
    assert_eq!(k.visit.idle, IdleState::Active);
    assert!(matches!(&k.nav.screen, Some(Screen::Search(s)) if !s.query.is_empty()));

    let t1 = k.visit.last_touch;
    pump(&mut k, [Message::Tick(t1 + Duration::from_secs(timeout + 2))]);
    assert!(matches!(k.visit.idle, IdleState::Countdown(_)));
    pump(&mut k, [Message::Tick(t1 + Duration::from_secs(timeout + countdown))]);
    assert!(matches!(k.nav.screen, Some(Screen::Home(_))), "back to Home");
    assert!(k.nav.history.is_empty(), "no way back to the typed query");
    assert_eq!(k.visit.lang, Language::ZhHans);
    assert!(!k.visit.look.contrast);
    // the typed text is nowhere on screen or in state
    pump(&mut k, [Message::Open(Route::Search { query: String::new(), filter: Default::default() })]);
    let Some(Screen::Search(s)) = &k.nav.screen else { panic!() };
    assert!(s.query.is_empty() && s.keyboard.composing().is_empty());

    // a visitor who only touched Home gets the countdown too, and the next one a fresh Home
    // (at its top, the first-visit hint back)
    pump(&mut k, [Message::Open(Route::Home)]);
    let scrolled = crate::ui::widgets::scroll::Message::Scrolled(400.0);
    pump(&mut k, [Message::Screen(screens::Message::Home(screens::home::Message::Scroll(scrolled)))]);
    assert!(matches!(&k.nav.screen, Some(Screen::Home(h)) if h.scroll.offset() > 0.0));
    let t2 = k.visit.last_touch;
    pump(&mut k, [Message::Tick(t2 + Duration::from_secs(timeout))]);
    assert_eq!(k.visit.idle, IdleState::Countdown(countdown));
    pump(&mut k, [Message::Tick(t2 + Duration::from_secs(timeout + countdown))]);
    assert!(matches!(&k.nav.screen, Some(Screen::Home(h)) if h.scroll.offset() == 0.0));
    assert!(!k.visit.session_open, "the hint shows again");
    // nobody there for long: the attract screen, which a tap dismisses
    let t3 = k.visit.last_touch;
    pump(&mut k, [Message::Tick(t3 + Duration::from_secs(timeout * 2))]);
    assert_eq!(k.visit.idle, IdleState::Attract);
    tap(&mut k, "请触摸屏幕开始");
    assert_eq!(k.visit.idle, IdleState::Active);
}

#[test]
fn wrong_pins_lock_attendant_mode_and_the_right_pin_opens_it() {
    let dir = demo_store();
    let config = shipped_config();
    let max = config.attendant.max_attempts;
    let mut k = start(config, dir.path());
    // a short press does nothing; a long press on the zone name opens the PIN pad
    pump(&mut k, [Message::ZonePressed, Message::ZoneReleased]);
    assert!(matches!(k.nav.screen, Some(Screen::Home(_))));
    pump(&mut k, [Message::ZonePressed]);
    k.visit.zone_pressed = Some(Instant::now() - LONG_PRESS);
    pump(&mut k, [Message::ZoneReleased]);
    assert!(matches!(k.nav.screen, Some(Screen::AttendantPin(_))), "PIN pad after a long press");

    let enter = |k: &mut Kiosk, pin: &str| {
        for d in pin.chars() {
            tap(k, &d.to_string());
        }
        tap(k, "✓");
    };
    for i in 1..max {
        enter(&mut k, "1111");
        let Some(Screen::AttendantPin(p)) = &k.nav.screen else { panic!("still the PIN pad") };
        assert_eq!(p.notice(), Some(format!("密码不正确，还可以再试 {} 次。", max - i).as_str()));
    }
    enter(&mut k, "1111");
    let Some(Screen::AttendantPin(p)) = &k.nav.screen else { panic!() };
    assert!(p.notice().unwrap().starts_with("错误次数过多"), "{:?}", p.notice());
    // locked: even the right PIN does not open it now
    enter(&mut k, "2468");
    assert!(matches!(k.nav.screen, Some(Screen::AttendantPin(_))));
    assert!(k.services.pin_guard.locked(Instant::now()).is_some());

    // after the lock-out the right PIN opens the panel
    k.services.pin_guard.locked_until = Some(Instant::now() - Duration::from_secs(1));
    enter(&mut k, "2468");
    let Some(Screen::Attendant(panel)) = &k.nav.screen else { panic!("attendant mode opens") };
    assert_eq!(panel.data.snapshot.as_ref().map(|s| s.version), Some(1));
    assert_eq!(panel.data.usage.day, chrono::Local::now().format("%Y-%m-%d").to_string(), "today's usage is shown");
    let shown = texts(&k);
    for label in ["内容版本", "立即同步", "今日使用", "打印机", "退出到桌面"] {
        assert!(shown.iter().any(|t| t == label), "{label} in {shown:?}");
    }
}

#[test]
fn switching_language_changes_every_visible_interface_string() {
    let dir = demo_store();
    let mut k = start(Config::default(), dir.path());
    let site = Store::open(dir.path()).unwrap().site().unwrap().unwrap();
    let latest = Store::open(dir.path()).unwrap().latest(20).unwrap();
    let is_content = |s: &str| {
        s == site.name
            || site.announcements.iter().any(|a| s == a.text)
            || latest.iter().any(|d| s == d.title || s.contains(&d.publisher))
            || !s.chars().any(|c| c.is_alphabetic())
            || ["简体", "繁體", "English"].contains(&s)
    };
    for route in [
        Route::Home,
        Route::Guide("guide-ysqgk".into()),
        Route::Search { query: String::new(), filter: Default::default() },
        Route::Feedback,
        Route::About,
    ] {
        pump(&mut k, [Message::Language(Language::ZhHans), Message::Open(route.clone())]);
        let zh = texts(&k);
        pump(&mut k, [Message::Language(Language::English)]);
        let en = texts(&k);
        let unchanged: Vec<&String> = en
            .iter()
            .filter(|s| zh.contains(s) && !is_content(s) && s.chars().any(crate::text::fold::is_cjk))
            .collect();
        let unchanged: Vec<&&String> = unchanged.iter().filter(|s| !k_content(&k, s)).collect();
        assert!(unchanged.is_empty(), "{route:?}: not translated: {unchanged:?}");
        assert!(en.iter().any(|s| s == "Home"), "{route:?}: the navigation bar is in English");
        pump(&mut k, [Message::Language(Language::ZhHant)]);
        let hant = texts(&k);
        assert!(hant.iter().any(|s| s == "首頁"), "{route:?}: 繁體 navigation");
    }
    // in 繁體 the document text itself is traditional
    pump(&mut k, [Message::Open(Route::Document("wc-zc-2024-lnzc".into()))]);
    assert!(texts(&k).iter().any(|s| s == "望川區社區老年助餐服務實施辦法"));
}

/// Strings that come from the content of the screen on show (guide fields, zone details).
fn k_content(k: &Kiosk, s: &str) -> bool {
    let dump = match &k.nav.screen {
        Some(Screen::Guide(g)) => serde_json::to_string(&g.guide).unwrap(),
        Some(Screen::About(a)) => serde_json::to_string(&a.site).unwrap(),
        _ => String::new(),
    };
    s.split(['　', ' ', '：', '·'])
        .filter(|p| !p.is_empty())
        .all(|p| dump.contains(p) || !p.chars().any(crate::text::fold::is_cjk))
}

#[test]
fn every_screen_draws_in_both_orientations_and_both_text_sizes() {
    let dir = demo_store();
    let mut k = start(Config::default(), dir.path());
    let routes = [
        Route::Home,
        home::tiles()[0].1.clone(),
        home::tiles()[1].1.clone(),
        Route::Document("wc-zc-2024-lnzc".into()),
        Route::Search { query: "养老".into(), filter: Default::default() },
        Route::Guides,
        Route::DisclosureGuide,
        Route::Faq { area: None, open: None },
        Route::Boards,
        Route::Feedback,
        Route::About,
        Route::AttendantPin,
    ];
    for size in [Size::new(1920.0, 1080.0), Size::new(1080.0, 1920.0)] {
        for large in [false, true] {
            k.size = size;
            k.visit.look.large = large;
            for r in &routes {
                pump(&mut k, [Message::Open(r.clone())]);
                assert!(k.notice.is_none(), "{r:?} opens");
                let shown = texts(&k);
                assert!(shown.len() > 5, "{r:?} shows something");
            }
        }
    }
    let boards = Store::open(dir.path()).unwrap().boards().unwrap();
    pump(&mut k, [Message::Open(Route::Board(boards[0].id.clone()))]);
    let Some(Screen::Board(b)) = &k.nav.screen else { panic!() };
    assert!(!b.codes.is_empty());
    // the 图解 interpretation's picture is decoded (blobs have no extension to go by)
    pump(&mut k, [Message::Open(Route::Document("wc-tj-2024-lnzc".into()))]);
    let Some(Screen::Reader(r)) = &k.nav.screen else { panic!() };
    assert_eq!(r.images.len(), 1, "the infographic is shown");
}

#[test]
fn print_and_voice_buttons_answer_and_leaving_the_reader_stops_the_voice() {
    let dir = demo_store();
    let mut k = start(Config::default(), dir.path());
    pump(&mut k, [Message::Open(Route::Document("wc-zc-2024-lnzc".into()))]);
    // (the speaker's reports are left unread: without a sound card espeak-ng ends at once)
    let _reports = tap_keeping_task(&mut k, "语音朗读");
    assert!(k.services.speaker.is_some(), "espeak-ng is reading");
    assert!(matches!(&k.nav.screen, Some(Screen::Reader(r)) if r.is_speaking()));
    tap(&mut k, "返回");
    assert!(k.services.speaker.is_none(), "leaving the reader stops the voice");
    pump(&mut k, [Message::Open(Route::Document("wc-zc-2024-lnzc".into()))]);
    tap(&mut k, "打印");
    assert_eq!(k.services.printing.stage, Some(printing::Stage::Confirm { pages: 1 }));
    tap(&mut k, "不打印了");
    assert_eq!(k.services.printing.stage, None);
    assert!(!dir.path().join("printed").exists(), "nothing printed without the visitor's yes");
}

/// The PDFs the directory backend saved.
pub(super) fn saved(dir: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir.join("printed")).map(|d| d.map(|e| e.unwrap().path()).collect()).unwrap_or_default()
}

#[test]
fn printing_asks_with_the_page_count_and_keeps_to_the_visitors_page_limit() {
    let dir = demo_store();
    let mut config = Config::default();
    config.printer.page_limit = 1;
    let mut k = start(config, dir.path());
    assert_eq!(k.services.printing.status_key(), "status-printer-file", "the directory backend is read at start");
    assert!(texts(&k).iter().any(|s| s.contains("打印：存为文件")), "the status bar says where prints go");

    pump(&mut k, [Message::Open(Route::Document("wc-zc-2024-lnzc".into()))]);
    tap(&mut k, "打印");
    assert!(texts(&k).iter().any(|s| s == "共 1 页，现在打印吗？"), "{:?}", texts(&k));
    tap(&mut k, "开始打印");
    assert_eq!(k.services.printing.stage, Some(printing::Stage::Done { pages: 1, saved: true }));
    assert!(texts(&k).iter().any(|s| s.starts_with("已保存为 PDF 文件")));
    assert_eq!(saved(dir.path()).len(), 1);
    assert!(!k.services.printing.holds_document());
    tap(&mut k, "知道了");

    // the page limit (1) is used up: the next print is refused, with the numbers
    tap(&mut k, "打印");
    assert_eq!(k.services.printing.stage, Some(printing::Stage::OverLimit { pages: 1, left: 0 }));
    assert!(texts(&k).iter().any(|s| s == "这份材料有 1 页，您本次还可打印 0 页。"), "{:?}", texts(&k));
    tap(&mut k, "知道了");
    assert_eq!(saved(dir.path()).len(), 1);

    // the next visitor has the whole limit again
    pump(&mut k, [Message::Tick(Instant::now() + Duration::from_secs(10_000))]);
    assert_eq!(k.services.printing.pages_used, 0);
    pump(&mut k, [Message::Open(Route::Document("wc-zc-2024-lnzc".into()))]);
    tap(&mut k, "打印");
    assert_eq!(k.services.printing.stage, Some(printing::Stage::Confirm { pages: 1 }));
}

/// Types pinyin on the wizard's keyboard and taps the first candidate; returns what it gave.
fn type_pinyin(k: &mut Kiosk, pinyin: &str) -> String {
    for c in pinyin.chars() {
        pump(k, [Message::Screen(screens::Message::Request(request::Message::Key(keyboard::Message::Letter(c))))]);
    }
    let Some(Screen::Request(w)) = &k.nav.screen else { panic!("the wizard is open") };
    let first = w.keyboard.candidates().first().unwrap_or_else(|| panic!("candidates for {pinyin}")).text.clone();
    pump(k, [Message::Screen(screens::Message::Request(request::Message::Key(keyboard::Message::Pick(0))))]);
    first
}

/// Types letters and digits as they are (123 / ABC layouts).
pub(super) fn type_keys(k: &mut Kiosk, keys: &str) {
    for c in keys.chars() {
        pump(k, [Message::Screen(screens::Message::Request(request::Message::Key(keyboard::Message::Letter(c))))]);
    }
}

pub(super) fn question(k: &Kiosk) -> request::Question {
    let Some(Screen::Request(w)) = &k.nav.screen else { panic!("the wizard is open") };
    w.question()
}

/// A long press on the zone's name, then `pin` on the PIN pad and Enter.
pub(super) fn open_attendant(k: &mut Kiosk, pin: &str) {
    pump(k, [Message::ZonePressed]);
    k.visit.zone_pressed = Some(Instant::now() - LONG_PRESS);
    pump(k, [Message::ZoneReleased]);
    for d in pin.chars() {
        pump(k, [Message::Screen(screens::Message::Pin(screens::attendant::PinMessage::Digit(d)))]);
    }
    pump(k, [Message::Screen(screens::Message::Pin(screens::attendant::PinMessage::Enter))]);
}

/// Every file under `dir` that holds `needle` (bytes).
fn files_holding(dir: &Path, needle: &str) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(p) = todo.pop() {
        if p.is_dir() {
            todo.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
        } else if std::fs::read(&p).unwrap().windows(needle.len()).any(|w| w == needle.as_bytes()) {
            found.push(p);
        }
    }
    found
}

#[test]
fn done_on_the_pad_takes_the_written_character_that_was_not_picked() {
    let dir = demo_store();
    let mut k = start(Config::default(), dir.path());
    pump(&mut k, [Message::Open(Route::DisclosureGuide)]);
    tap(&mut k, "在屏幕上填写申请表");
    tap(&mut k, "公民");
    assert_eq!(question(&k), request::Question::Name);
    tap(&mut k, "手写");
    let samples = crate::handwriting::parse_samples(include_str!("../../../tests/data/handwriting-strokes.txt"));
    let (wang, strokes) = samples.unwrap().into_iter().next().unwrap();
    assert_eq!(write(&mut k, &strokes).last().unwrap()[0], wang);
    // written, not picked from the guesses: 完成 takes the first guess
    tap(&mut k, "完成");
    let Some(Screen::Request(w)) = &k.nav.screen else { panic!("the wizard is open") };
    assert_eq!(w.form.name, wang.to_string(), "the written character is the answer");
    assert!(w.keyboard.pad.as_ref().is_none_or(|p| p.strokes.is_empty()), "the pad is ready for the next one");
}

/// Fills in the whole wizard as a citizen, by tapping; returns (name, id number, phone). The
/// name is typed in pinyin — the surname written on the handwriting pad when `by_hand`.
fn fill_in_request(k: &mut Kiosk, by_hand: bool) -> (String, &'static str, &'static str) {
    use request::Question as Q;
    tap(k, "公民");
    assert_eq!(question(k), Q::Name);
    tap(k, "下一步");
    assert!(texts(k).iter().any(|s| s == "请填写姓名。"), "a required answer is asked for: {:?}", texts(k));
    let surname = if by_hand {
        tap(k, "手写");
        let samples = crate::handwriting::parse_samples(include_str!("../../../tests/data/handwriting-strokes.txt"));
        let (wang, strokes) = samples.unwrap().into_iter().next().unwrap();
        assert_eq!(write(k, &strokes).last().unwrap()[0], wang);
        tap(k, "王");
        tap(k, "键盘");
        wang.to_string()
    } else {
        type_pinyin(k, "zhao")
    };
    // after the surname, the given name's characters come first (秀 for xiu, 英 for ying)
    let name = format!("{surname}{}", ["xiu", "ying"].iter().map(|p| type_pinyin(k, p)).collect::<String>());
    assert!(name == "王秀英" || name == "赵秀英", "{name}");
    tap(k, "下一步");
    assert_eq!(question(k), Q::IdKind);
    tap(k, "下一步");
    // a wrong check digit is caught, in plain words
    type_keys(k, "110105194912310021");
    tap(k, "下一步");
    assert_eq!(question(k), Q::IdNumber);
    assert!(texts(k).iter().any(|s| s.starts_with("身份证号码不对")), "{:?}", texts(k));
    tap(k, "清空");
    let id = "11010519491231002X";
    type_keys(k, "11010519491231002x");
    tap(k, "下一步");
    assert_eq!(question(k), Q::Phone);
    type_keys(k, "1391234");
    tap(k, "下一步（可不填）");
    assert!(texts(k).iter().any(|s| s.starts_with("电话号码不对")));
    let phone = "13912345678";
    type_keys(k, "5678");
    for _ in 0..6 {
        // the phone (now right), then address, postcode, e-mail, employer, fax: optional, skipped
        tap(k, "下一步（可不填）");
    }
    assert_eq!(question(k), Q::TitleOrNo);
    // "find it in the catalogue": pinyin initials find the title; tapping it fills title and 文号
    tap(k, "从公开目录中查找文件");
    type_keys(k, "lnzc");
    tap(k, "望川区社区老年助餐服务实施办法（望民发〔2024〕7号）");
    let Some(Screen::Request(w)) = &k.nav.screen else { panic!() };
    assert_eq!(w.form.title_or_no, "望川区社区老年助餐服务实施办法（望民发〔2024〕7号）");
    assert_eq!(w.form.index_no, "11459901WC00000032/2024-00015");
    tap(k, "下一步");
    assert_eq!(question(k), Q::Description);
    type_pinyin(k, "butie");
    tap(k, "下一步");
    tap(k, "下一步（可不填）");
    assert_eq!(question(k), Q::Media);
    tap(k, "下一步");
    assert!(texts(k).iter().any(|s| s == "请至少选择一种形式。"));
    tap(k, "☐ 纸质");
    tap(k, "下一步");
    tap(k, "☐ 邮寄");
    tap(k, "下一步");
    assert_eq!(question(k), Q::Review);
    assert!(texts(k).iter().any(|s| s == &name) && texts(k).iter().any(|s| s == id), "the review shows the answers");
    (name, id, phone)
}

#[test]
fn a_filled_request_is_not_saved_where_no_printer_is_attached() {
    let dir = demo_store();
    let mut k = start(Config::default(), dir.path());
    pump(&mut k, [Message::Open(Route::DisclosureGuide)]);
    tap(&mut k, "在屏幕上填写申请表");
    let (name, id, phone) = fill_in_request(&mut k, false);
    tap(&mut k, "打印申请表");
    tap(&mut k, "开始打印");
    assert_eq!(k.services.printing.stage, Some(printing::Stage::Failed { key: "print-failed-no-printer" }));
    assert!(saved(dir.path()).is_empty(), "the directory backend keeps no filled form");
    for needle in [name.as_str(), id, phone] {
        assert!(files_holding(dir.path(), needle).is_empty(), "{needle} reached the disk");
    }
    // the attendant sees why
    assert!(k.services.printing.last_failure.as_deref().is_some_and(|f| f.contains("personal data")));
    tap(&mut k, "知道了");
    // idle reset: the wizard and everything typed are gone
    pump(&mut k, [Message::Tick(Instant::now() + Duration::from_secs(10_000))]);
    assert!(matches!(k.nav.screen, Some(Screen::Home(_))) && k.nav.history.is_empty());
    assert!(!k.services.printing.holds_document());
}

#[test]
fn a_request_filled_on_the_screen_by_the_attendant_prints_on_cups_and_is_wiped() {
    let queue = format!("gk-ui-test-{}", std::process::id());
    let made = std::process::Command::new("lpadmin")
        .args(["-p", &queue, "-E", "-v", "cups-pdf:/", "-P", "/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd"])
        .output()
        .expect(
            "lpadmin: run the README's test command (scripts/test), which installs CUPS and cups-pdf and starts cupsd",
        );
    assert!(made.status.success(), "lpadmin: {}", String::from_utf8_lossy(&made.stderr));
    struct Drop_(String);
    impl Drop for Drop_ {
        fn drop(&mut self) {
            let _ = std::process::Command::new("lpadmin").args(["-x", &self.0]).status();
        }
    }
    let _cleanup = Drop_(queue.clone());

    let dir = demo_store();
    // everything any part of the process logs, at every level, goes to the data directory's log
    // (checked below for what the visitor typed)
    assert!(crate::logging::init_with(Some(dir.path()), 64 << 20, "trace"), "no other test sets up logging");
    let mut config = shipped_config();
    config.printer.backend = crate::config::PrinterBackend::Cups;
    config.printer.name = Some(queue.clone());
    let mut k = start(config, dir.path());
    assert_eq!(k.services.printing.status_key(), "status-printer-ready", "{:?}", k.services.printing.readiness);

    // the attendant opens 代为填写 from the panel
    open_attendant(&mut k, "2468");
    assert!(matches!(k.nav.screen, Some(Screen::Attendant(_))));
    tap(&mut k, "代为填写申请");
    assert!(texts(&k).iter().any(|s| s.starts_with("代为填写")));
    let (name, id, phone) = fill_in_request(&mut k, true);
    tap(&mut k, "打印申请表");
    let Some(printing::Stage::Confirm { pages }) = k.services.printing.stage.clone() else {
        panic!("asks first: {:?}", k.services.printing.stage)
    };
    tap(&mut k, "开始打印");
    assert_eq!(
        k.services.printing.stage,
        Some(printing::Stage::Done { pages, saved: false }),
        "{:?}",
        k.services.printing.last_failure
    );
    // printed: the wizard forgot everything, the print flow holds nothing
    let Some(Screen::Request(w)) = &k.nav.screen else { panic!() };
    assert!(w.printed && w.form.name.is_empty() && w.form.id_number.is_empty() && w.form.on_behalf);
    assert!(!k.services.printing.holds_document());
    assert!(texts(&k).iter().any(|s| s == "打印完成，请在打印机出纸口取走。"));
    tap(&mut k, "知道了");
    // nothing typed reached the kiosk's disk (store, logs); the job's title names no one
    let log = std::fs::read_to_string(dir.path().join("logs").join(crate::logging::LOG_FILE)).unwrap();
    assert!(
        log.contains("print job submitted") && log.contains("TRACE"),
        "the log holds the whole session at trace level"
    );
    for needle in [name.as_str(), id, phone] {
        assert!(files_holding(dir.path(), needle).is_empty(), "{needle} reached the disk");
    }
    // nor what was drawn on the pad: no stroke, no guess
    for needle in ["Stroke(", "Guesses(", "PickGuess("] {
        assert!(files_holding(dir.path(), needle).is_empty(), "the pad's {needle} reached the disk");
    }
    let jobs = std::process::Command::new("lpstat").args(["-W", "completed", "-o", &queue]).output().unwrap();
    let jobs = String::from_utf8_lossy(&jobs.stdout);
    assert_eq!(jobs.lines().count(), 1, "{jobs}");
    // cups-pdf's copy is the "paper": it has the personal data, so the test removes it
    let job = jobs.split_whitespace().next().unwrap().rsplit('-').next().unwrap().to_string();
    // cups-pdf writes to the job user's ~/PDF (the job user is the account the kiosk runs as),
    // or to its anonymous folder for a name with no home
    let mut folders = vec![std::path::PathBuf::from("/var/spool/cups-pdf/ANONYMOUS")];
    let entry = std::process::Command::new("getent").args(["passwd", &crate::print::job_user()]).output().unwrap();
    if let Some(home) = String::from_utf8_lossy(&entry.stdout).split(':').nth(5) {
        folders.push(std::path::Path::new(home).join("PDF"));
    }
    let out = folders
        .iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flatten()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(&format!("job_{job}.pdf")))
        .expect("cups-pdf wrote the printed form");
    assert!(out.file_name().unwrap().to_string_lossy().starts_with("gongkai-request-form"));
    std::fs::remove_file(out).unwrap();

    // the queue is paused: the visitor is told in plain words before anything is sent, the
    // status bar says so, the attendant panel has the queue's own state
    assert!(std::process::Command::new("cupsdisable").arg(&queue).status().unwrap().success());
    pump(&mut k, [Message::Tick(Instant::now() + Duration::from_secs(120))]);
    assert_eq!(k.services.printing.status_key(), "status-printer-problem");
    pump(&mut k, [Message::Open(Route::Document("wc-zc-2024-lnzc".into()))]);
    tap(&mut k, "打印");
    assert_eq!(k.services.printing.stage, Some(printing::Stage::Failed { key: "print-problem-paused" }));
    assert!(texts(&k).iter().any(|s| s == "打印机暂停服务。"), "{:?}", texts(&k));
    assert!(texts(&k).iter().any(|s| s.contains("打印机：暂停服务")));
    tap(&mut k, "知道了");
    open_attendant(&mut k, "2468");
    let Some(Screen::Attendant(panel)) = &k.nav.screen else { panic!("the panel opens") };
    assert!(
        panel.data.printer.contains(&format!("{queue}: stopped")) && panel.data.printer.contains("paused"),
        "{}",
        panel.data.printer
    );
}

#[test]
fn feedback_is_stored_with_its_rating() {
    let dir = demo_store();
    let mut k = start(Config::default(), dir.path());
    tap(&mut k, "评价与留言");
    tap(&mut k, "满意");
    for c in "hao".chars() {
        pump(
            &mut k,
            [Message::Screen(screens::Message::Feedback(feedback::Message::Key(keyboard::Message::Letter(c))))],
        );
    }
    // 好 is among the first characters offered for `hao`; the visitor taps it
    tap(&mut k, "好");
    tap(&mut k, "提交评价");
    assert!(matches!(&k.nav.screen, Some(Screen::Feedback(f)) if f.sent));
    let f = Store::open(dir.path()).unwrap().feedback(5).unwrap();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rating, crate::store::Rating::Satisfied);
    assert_eq!(f[0].message.as_deref(), Some("好"));
}

#[test]
fn a_panic_in_a_screen_brings_the_kiosk_back_home_and_sessions_are_counted() {
    let dir = demo_store();
    let mut k = start(Config::default(), dir.path());
    tap(&mut k, "办事指南");
    assert!(matches!(k.nav.screen, Some(Screen::Guides(_))));
    pump(&mut k, [Message::Panic]);
    assert!(matches!(k.nav.screen, Some(Screen::Home(_))), "back to Home, still running");
    assert!(k.nav.history.is_empty());
    tap(&mut k, "关于本专区");
    assert!(matches!(k.nav.screen, Some(Screen::About(_))), "and it keeps working");
    let usage = Store::open(dir.path()).unwrap().usage_today().unwrap();
    assert_eq!(usage.sessions, 1, "one visitor so far: {usage:?}");
    assert_eq!(usage.guides, 0);
    assert!(usage.screens >= 2, "screens opened are counted: {usage:?}");
}

#[test]
fn a_result_opened_while_typing_counts_as_one_search() {
    let dir = demo_store();
    let mut k = start(Config::default(), dir.path());
    let searches = || Store::open(dir.path()).unwrap().usage_today().unwrap().searches;
    pump(&mut k, [Message::Open(Route::Search { query: String::new(), filter: Default::default() })]);
    for c in "lnzc".chars() {
        pump(&mut k, [Message::Screen(screens::Message::Search(search::Message::Key(keyboard::Message::Letter(c))))]);
    }
    // the titles found while typing; the visitor opens the first without tapping 搜索
    let open = |k: &Kiosk, n: usize| match &k.nav.screen {
        Some(Screen::Search(s)) => {
            assert!(s.typing && s.instant.len() > n, "{} titles found while typing", s.instant.len());
            let h = &s.instant[n];
            Message::Screen(screens::Message::Search(search::Message::Open(h.item, h.id.clone())))
        }
        _ => panic!("on the search screen"),
    };
    let first = open(&k, 0);
    pump(&mut k, [first]);
    assert!(!matches!(k.nav.screen, Some(Screen::Search(_))), "the item is open");
    assert_eq!(searches(), 1, "one search, which found what the visitor wanted");
    // back to the same words, another title: the same search
    pump(&mut k, [Message::Back]);
    let second = open(&k, 1);
    pump(&mut k, [second]);
    assert_eq!(searches(), 1);
    // new words, searched with 搜索: a new search
    pump(&mut k, [Message::Back]);
    pump(&mut k, [Message::Screen(screens::Message::Search(search::Message::Key(keyboard::Message::Letter('x'))))]);
    pump(&mut k, [Message::Screen(screens::Message::Search(search::Message::Run))]);
    assert_eq!(searches(), 2);
}

#[test]
fn what_tasks_bring_back_does_not_restart_the_idle_countdown_and_a_tap_does() {
    let dir = demo_store();
    let mut k = start(Config::default(), dir.path());
    pump(&mut k, [Message::Open(Route::Search { query: "养老".into(), filter: Default::default() })]);
    assert!(matches!(&k.nav.screen, Some(Screen::Search(s)) if s.results.is_some()), "the search ran on entering");
    let t0 = k.visit.last_touch;
    std::thread::sleep(Duration::from_millis(20));
    // results arriving late, for this screen and for others, and the app's own answers
    let late: Vec<Message> = vec![
        Message::Screen(screens::Message::Search(search::Message::Instant("养老".into(), Ok(Vec::new())))),
        Message::Screen(screens::Message::Search(search::Message::Full("养老".into(), Err("gone".into())))),
        Message::Voice(0, crate::speech::Progress::Finished),
        Message::Screen(screens::Message::Pin(screens::attendant::PinMessage::Refused("locked".into()))),
        Message::Screen(screens::Message::Request(request::Message::Printed)),
        Message::Screen(screens::Message::Feedback(feedback::Message::Sent(Ok(())))),
        Message::Printing(printing::Message::Readiness(crate::print::PrinterReadiness::Unavailable("x".into()))),
        Message::Resized(Size::new(1920.0, 1080.0)),
    ];
    pump(&mut k, late);
    assert_eq!(k.visit.last_touch, t0, "no task's result counts as the visitor's touch");
    assert!(
        matches!(&k.nav.screen, Some(Screen::Search(s)) if s.results.is_some()),
        "nothing meant for other screens changed this one"
    );
    pump(&mut k, [Message::Screen(screens::Message::Search(search::Message::Key(keyboard::Message::Letter('a'))))]);
    assert!(k.visit.last_touch > t0, "a key on the keyboard is a touch");
}

#[test]
fn the_services_write_the_metrics_file_and_the_panel_shows_the_same_health() {
    let dir = demo_store();
    let textfile = tempfile::tempdir().unwrap();
    let file = textfile.path().join("gongkai-kiosk.prom");
    let mut config = shipped_config();
    config.zone_id = "hall-ui".into();
    config.metrics.enabled = true;
    config.metrics.path = Some(file.clone());
    let mut k = start(config, dir.path());
    // the first tick writes the file (in a task), up, with the zone id
    pump(&mut k, [Message::Tick(Instant::now())]);
    let text = std::fs::read_to_string(&file).expect("the first tick writes the metrics file");
    assert!(text.contains("gongkai_kiosk_up{zone_id=\"hall-ui\"} 1\n"), "{text}");
    assert!(text.contains("gongkai_kiosk_idle_resets_total{zone_id=\"hall-ui\"} 0\n"));
    // not again within the minute, unless something changed
    std::fs::remove_file(&file).unwrap();
    pump(&mut k, [Message::Tick(Instant::now() + Duration::from_secs(5))]);
    assert!(!file.exists(), "nothing due, nothing changed");
    // a visitor, then the idle reset: counted in the store, and written at the next tick
    tap(&mut k, "政府信息公开目录");
    let t = k.visit.last_touch;
    let (timeout, countdown) = (k.config.ui.idle_timeout_seconds as u64, k.config.ui.idle_countdown_seconds as u64);
    pump(&mut k, [Message::Tick(t + Duration::from_secs(timeout + countdown))]);
    pump(&mut k, [Message::Tick(t + Duration::from_secs(timeout + countdown + 1))]);
    let text = std::fs::read_to_string(&file).expect("written again after the reset");
    assert!(text.contains("gongkai_kiosk_idle_resets_total{zone_id=\"hall-ui\"} 1\n"), "{text}");
    assert!(text.contains("gongkai_kiosk_visitors_today{zone_id=\"hall-ui\"} 1\n"), "{text}");
    assert!(text.contains("gongkai_kiosk_last_touch_timestamp_seconds{zone_id=\"hall-ui\"}"));
    // the attendant panel shows the same verdict (demo content, no printer: all well, unless
    // the machine running the test is itself short of disk space, which the panel must then say)
    open_attendant(&mut k, "2468");
    let shown = texts(&k);
    assert!(shown.iter().any(|t| t == "运行状况"), "{shown:?}");
    let (free, size) = crate::metrics::disk_space(dir.path()).unwrap();
    let verdict = if (free as f64) < size as f64 * crate::fleet::DISK_LOW_SHARE {
        "需处理： 磁盘空间不足"
    } else {
        "正常"
    };
    assert!(shown.iter().any(|t| t == verdict), "{verdict}: {shown:?}");
    assert!(shown.iter().any(|t| t == &file.display().to_string()), "{shown:?}");
    assert!(shown.iter().any(|t| t == "1 / 0 / 0"), "idle resets / watchdog restarts / failed prints: {shown:?}");
}

/// The next message a task brings (blocking until the speaker's thread sends it).
fn next_message(stream: &mut (impl iced::futures::Stream<Item = iced_runtime::Action<Message>> + Unpin)) -> Message {
    loop {
        match futures_executor::block_on(stream.next()) {
            Some(iced_runtime::Action::Output(m)) => return m,
            Some(_) => continue,
            None => panic!("the task ended without a message"),
        }
    }
}

fn voice_state(k: &mut Kiosk) -> crate::ui::widgets::voice::State {
    k.nav.current_mut().and_then(Screen::voice_mut).expect("a screen that reads aloud").state
}

#[test]
fn the_voice_shows_the_sentence_read_pauses_changes_rate_and_stops_on_leaving_and_on_idle_reset() {
    use crate::speech::{Progress, RATE, RATE_STEP};
    use crate::ui::widgets::voice::State;
    let dir = demo_store();
    let mut k = start(Config::default(), dir.path());
    pump(&mut k, [Message::Open(Route::Document("wc-zc-2024-lnzc".into()))]);
    let task = tap_keeping_task(&mut k, "语音朗读");
    let mut reports = iced_runtime::task::into_stream(task).expect("the speaker reports through a task");
    assert!(k.services.speaker.is_some());
    assert_eq!(voice_state(&mut k), State::Reading(0));
    let shown = texts(&k);
    for label in ["停止朗读", "暂停", "慢一点", "快一点"] {
        assert!(shown.iter().any(|s| s == label), "`{label}` on screen: {shown:?}");
    }
    // the speaker's reports, in order, move the highlighted sentence
    let Some(Screen::Reader(r)) = &k.nav.screen else { panic!() };
    let second = r.voice.sentences[1].clone();
    let total = r.voice.sentences.len();
    for n in 0..2 {
        let m = next_message(&mut reports);
        assert!(matches!(&m, Message::Voice(_, Progress::Sentence(i)) if *i == n), "{m:?}");
        pump(&mut k, [m]);
    }
    assert_eq!(voice_state(&mut k), State::Reading(1));
    let shown = texts(&k);
    assert!(shown.contains(&second), "the sentence being read is shown: {second}");
    assert!(shown.contains(&format!("正在朗读：第 2 句，共 {total} 句")), "{shown:?}");
    // slower: the speaker's rate and the screen's
    tap(&mut k, "慢一点");
    assert_eq!(k.services.voice_rate, RATE - RATE_STEP);
    assert!(k.services.speaker.as_ref().is_some_and(|s| s.rate() == RATE - RATE_STEP));
    tap(&mut k, "快一点");
    tap(&mut k, "快一点");
    assert_eq!(k.services.voice_rate, RATE + RATE_STEP);
    // pause and resume
    tap(&mut k, "暂停");
    assert_eq!(voice_state(&mut k), State::Paused(1));
    assert!(k.services.speaker.as_ref().is_some_and(|s| s.is_paused()));
    assert!(texts(&k).contains(&format!("朗读已暂停：第 2 句，共 {total} 句")));
    tap(&mut k, "继续朗读");
    assert_eq!(voice_state(&mut k), State::Reading(1));
    assert!(k.services.speaker.as_ref().is_some_and(|s| !s.is_paused()));
    // leaving the screen stops the voice; what the speaker still had to say changes nothing
    tap(&mut k, "返回");
    assert!(k.services.speaker.is_none(), "leaving the document stops the voice");
    let late: Vec<Message> = futures_executor::block_on(reports.collect::<Vec<_>>())
        .into_iter()
        .filter_map(|a| match a {
            iced_runtime::Action::Output(m) => Some(m),
            _ => None,
        })
        .collect();
    pump(&mut k, late);
    assert!(k.services.speaker.is_none());

    // a guide read to its end: stopped, the speaker let go
    pump(&mut k, [Message::Open(Route::Guide("guide-jzz".into()))]);
    let task = tap_keeping_task(&mut k, "语音朗读");
    assert!(k.services.speaker.is_some());
    let Some(Screen::Guide(g)) = &k.nav.screen else { panic!() };
    assert!(g.voice.sentences[0].contains(&g.guide.name), "the guide's name is read first");
    pump(&mut k, run(task));
    assert_eq!(voice_state(&mut k), State::Stopped, "read to the end");
    assert!(k.services.speaker.is_none());
    assert!(texts(&k).iter().any(|s| s == "朗读已停止"));
    assert!(texts(&k).iter().any(|s| s == "语音朗读"), "and it can be read again");

    // an FAQ answer, then the idle reset stops it and the rate goes back
    pump(&mut k, [Message::Open(Route::Faq { area: None, open: Some("faq-sh-01".into()) })]);
    let _reports = tap_keeping_task(&mut k, "语音朗读");
    let Some(Screen::Faq(f)) = &k.nav.screen else { panic!() };
    assert!(f.voice.sentences[0].starts_with("问："), "the question is read, then its answer");
    assert!(k.services.speaker.is_some());
    assert_eq!(f.voice.rate, RATE + RATE_STEP, "the visitor's rate carries over to the next screen");
    tap(&mut k, "慢一点");
    tap(&mut k, "慢一点");
    assert_eq!(k.services.voice_rate, RATE - RATE_STEP);
    let reset = k.reset_for_next_visitor();
    pump(&mut k, run(reset));
    assert!(k.services.speaker.is_none(), "the idle reset stops the voice");
    assert_eq!(k.services.voice_rate, RATE, "the next visitor hears the usual rate");
    assert!(matches!(k.nav.screen, Some(Screen::Home(_))));

    // the request wizard's question; answering it moves on and the voice stops
    pump(&mut k, [Message::Open(Route::Request { on_behalf: false, start: None })]);
    let _reports = tap_keeping_task(&mut k, "语音朗读");
    let Some(Screen::Request(w)) = &k.nav.screen else { panic!() };
    assert_eq!(w.voice.sentences[0], "您以什么身份申请？");
    tap(&mut k, "公民");
    assert!(k.services.speaker.is_none(), "the next question stops the voice reading this one");
    assert_eq!(voice_state(&mut k), State::Stopped);
}

/// The share of dark pixels in the page on show (text drawn, not blank paper), and its width.
fn page_ink(k: &Kiosk) -> (f64, u32) {
    use crate::ui::screens::attachment::Body;
    let Some(Screen::Attachment(a)) = &k.nav.screen else { panic!("the attachment is on show") };
    let Body::Pages(p) = &a.body else { panic!("shown as pages") };
    let Some((w, _, iced::widget::image::Handle::Rgba { pixels, .. })) = &p.image else {
        panic!("a page is drawn: {:?}", p.error)
    };
    let dark = pixels.chunks_exact(4).filter(|px| px[0] < 100 && px[1] < 100 && px[2] < 100).count();
    (dark as f64 / (pixels.len() / 4) as f64, *w)
}

#[test]
fn an_attachment_opens_from_the_reader_page_by_page_and_prints_with_its_fonts_within_the_limit() {
    let dir = demo_store();
    let mut config = Config::default();
    config.printer.page_limit = 5;
    let mut k = start(config, dir.path());
    pump(&mut k, [Message::Open(Route::Document("wc-ys-2024".into()))]);
    let shown = texts(&k);
    // the list under the header: title, kind, pages, size
    assert!(shown.iter().any(|s| s.starts_with("PDF 文档　共 3 页　") && s.ends_with("千字节")), "{shown:?}");
    assert!(shown.iter().any(|s| s.starts_with("电子表格　共 1 页")), "{shown:?}");
    assert!(shown.iter().any(|s| s.starts_with("视频解读　0:17")), "{shown:?}");

    tap(&mut k, "望川区2024年区级财政预算表（示例）");
    let Some(Screen::Attachment(a)) = &k.nav.screen else { panic!("the attachment opens") };
    assert_eq!(a.position(), Some((1, 3)));
    assert!(texts(&k).iter().any(|s| s == "第 1 / 3 页"), "{:?}", texts(&k));
    // the Chinese text in fonts the PDF does not embed is drawn (by the bundled font), not blank
    let (ink, width) = page_ink(&k);
    assert!(ink > 0.01, "the page shows text and rules: {ink}");

    tap(&mut k, "下一页");
    assert!(texts(&k).iter().any(|s| s == "第 2 / 3 页"));
    tap(&mut k, "放大");
    assert!(page_ink(&k).1 > width, "zoomed in");
    tap(&mut k, "下一页");
    assert!(texts(&k).iter().any(|s| s == "第 3 / 3 页"));
    let Some(Screen::Attachment(a)) = &k.nav.screen else { panic!() };
    assert_eq!(a.position(), Some((3, 3)));

    // print: asked with its page count; the PDF printed is the original with the fonts it names
    // but does not embed embedded (the printer's own substitution drops the digits)
    tap(&mut k, "打印附件");
    assert_eq!(k.services.printing.stage, Some(printing::Stage::Confirm { pages: 3 }));
    tap(&mut k, "开始打印");
    assert_eq!(k.services.printing.stage, Some(printing::Stage::Done { pages: 3, saved: true }));
    let printed = saved(dir.path());
    assert_eq!(printed.len(), 1);
    let original = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-content/media/budget-2024-tables.pdf");
    assert_eq!(crate::attachments::pdf::unembedded_fonts(&original).unwrap().len(), 2);
    assert_eq!(crate::attachments::pdf::unembedded_fonts(&printed[0]).unwrap(), Vec::<String>::new());
    let pages = crate::attachments::pdf::page_texts(&printed[0]).unwrap();
    assert_eq!(pages.len(), 3);
    let text: String = pages.concat().split_whitespace().collect();
    for words in ["2024年区级一般公共预算支出表", "一般公共服务支出", "7891079068", "民政管理事务", "债务付息支出"]
    {
        assert!(text.contains(words), "{words} in {text}");
    }
    tap(&mut k, "知道了");
    // 3 of 5 pages used: printing it again is refused
    tap(&mut k, "打印附件");
    assert_eq!(k.services.printing.stage, Some(printing::Stage::OverLimit { pages: 3, left: 2 }));
    tap(&mut k, "知道了");

    // back to the document, and the Excel sheet shown through its PDF conversion
    tap(&mut k, "返回");
    assert!(matches!(&k.nav.screen, Some(Screen::Reader(_))));
    tap(&mut k, "区级部门“三公”经费预算表（示例）");
    let Some(Screen::Attachment(a)) = &k.nav.screen else { panic!("the sheet opens") };
    assert_eq!(a.position(), Some((1, 1)));
    assert!(page_ink(&k).0 > 0.005);
}

/// The page's box on screen (laid out by the simulator) and the width of the scroll area's content.
fn page_box(k: &Kiosk) -> (iced::Rectangle, f32) {
    use crate::ui::screens::attachment::PAGE_ID;
    let mut sim = Simulator::with_size(settings(), k.size, k.view());
    let page = iced::widget::Id::new(PAGE_ID);
    let mut boxes = (None, Vec::new());
    let _ = sim.find(|c: Candidate<'_>| {
        match c {
            Candidate::Container { id: Some(id), bounds, .. } if *id == page => boxes.0 = Some(bounds),
            Candidate::Scrollable { bounds, .. } => boxes.1.push(bounds),
            _ => {}
        }
        None::<()>
    });
    let b = boxes.0.expect("the page is on screen");
    let area = boxes.1.iter().find(|a| a.x <= b.x && a.x + a.width >= b.x + 1.0).expect("in a scroll area");
    (b, area.width)
}

#[test]
fn every_zoom_in_draws_the_page_larger_and_a_page_wider_than_the_screen_moves_sideways_unsqueezed() {
    use crate::ui::screens::attachment::Body;
    let dir = demo_store();
    let mut k = start(Config::default(), dir.path());
    for (size, large) in
        [(Size::new(1920.0, 1080.0), false), (Size::new(1080.0, 1920.0), false), (Size::new(1080.0, 1920.0), true)]
    {
        pump(&mut k, [Message::Resized(size)]);
        k.visit.look.large = large;
        pump(&mut k, [Message::Open(Route::Document("wc-ys-2024".into()))]);
        tap(&mut k, "望川区2024年区级财政预算表（示例）");
        let mut width = page_ink(&k).1;
        let mut steps = 0;
        while tapped_enabled(&k, "放大") {
            tap(&mut k, "放大");
            steps += 1;
            let (ink, w) = page_ink(&k);
            assert!(w > width, "{size:?}: 放大 {steps} draws the page wider: {w} after {width}");
            assert!(ink > 0.005, "the page is drawn");
            width = w;
            let Some(Screen::Attachment(a)) = &k.nav.screen else { panic!() };
            let window = a.page_window(k.ctx()).unwrap();
            let Body::Pages(p) = &a.body else { panic!() };
            let (_, h, _) = p.image.as_ref().unwrap();
            let (shown, area) = page_box(&k);
            // drawn 1:1 in a box of exactly its size: the whole height, nothing blank above it
            assert_eq!((shown.width, shown.height), (window.width as f32, *h as f32), "{size:?} step {steps}");
            assert_eq!(window.height, *h);
            assert!(shown.width <= area, "the page's box fits the viewer: {shown:?} in {area}");
            let tall = texts(&k);
            if w as f32 > shown.width {
                assert!(shown.width >= area - 30.0, "the part shown fills the viewer: {shown:?} in {area}");
                assert!(tall.iter().any(|t| t == "向右移"), "{tall:?}");
            } else {
                assert!(!tall.iter().any(|t| t == "向右移" || t == "向左移"));
            }
        }
        assert!(steps >= 2, "{size:?}: at least two steps up from the start ({steps})");
        // table text of about 17 px at the page as wide as the portrait screen: at the top step
        // at least 28 px on screen (drawn 1:1)
        let fit = crate::ui::screens::attachment::page_width(k.ctx(), 2) as f32;
        let portrait_fit = 1080.0 - 80.0;
        assert!(width as f32 / portrait_fit * 17.0 >= 28.0, "{size:?}: top width {width} (fit {fit})");

        // the sideways buttons move it, up to its right edge and back
        let window = |k: &Kiosk| {
            let Some(Screen::Attachment(a)) = &k.nav.screen else { panic!() };
            a.page_window(k.ctx()).unwrap()
        };
        // zooming kept the middle in view: to the left edge first
        while tapped_enabled(&k, "向左移") {
            tap(&mut k, "向左移");
        }
        assert_eq!(window(&k).x, 0);
        let mut last = 0;
        while tapped_enabled(&k, "向右移") {
            tap(&mut k, "向右移");
            assert!(window(&k).x > last, "向右移 shows more of the right");
            last = window(&k).x;
        }
        assert_eq!(last + window(&k).width, width, "up to the right edge");

        // a one-finger swipe to the right shows more of the left
        let before = window(&k).x;
        let (b, _) = page_box(&k);
        let at = iced::Point::new(b.x + b.width / 2.0, b.y + 200.0);
        let finger = iced::touch::Finger(1);
        let events: Vec<iced::Event> = std::iter::once(iced::touch::Event::FingerPressed { id: finger, position: at })
            .chain((1..=10).map(|i| iced::touch::Event::FingerMoved {
                id: finger,
                position: iced::Point::new(at.x + 30.0 * i as f32, at.y),
            }))
            .chain([iced::touch::Event::FingerLifted { id: finger, position: iced::Point::new(at.x + 300.0, at.y) }])
            .map(iced::Event::Touch)
            .collect();
        let messages: Vec<Message> = {
            let mut sim = Simulator::with_size(settings(), k.size, k.view());
            let _ = sim.simulate(events);
            sim.into_messages().collect()
        };
        pump(&mut k, messages);
        assert!(window(&k).x + 250 <= before, "the swipe moved it about 300 px: {before} → {}", window(&k).x);
        tap(&mut k, "向左移");
        assert!(window(&k).x < before - 250);

        // the next page keeps the zoom and starts at its top left; 缩小 goes back
        tap(&mut k, "下一页");
        assert_eq!(page_ink(&k).1, width, "the zoom is kept");
        assert_eq!(window(&k).x, 0);
        let Some(Screen::Attachment(a)) = &k.nav.screen else { panic!() };
        assert_eq!(a.scroll.offset(), 0.0);
        tap(&mut k, "缩小");
        assert!(page_ink(&k).1 < width);
        tap(&mut k, "返回");
    }
}

/// Whether the button labelled `label` is on screen and can be tapped.
fn tapped_enabled(k: &Kiosk, label: &str) -> bool {
    let mut sim = Simulator::with_size(settings(), k.size, k.view());
    sim.click(label).is_ok() && sim.into_messages().next().is_some()
}

#[test]
fn a_damaged_pdf_and_an_archive_get_a_card_with_the_qr_code_of_the_original() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-content");
    let copy = std::process::Command::new("cp").arg("-r").arg(&demo).arg(&src).status().unwrap();
    assert!(copy.success());
    std::fs::write(src.join("media/budget-2024-tables.pdf"), b"%PDF-1.4\nnot really").unwrap();
    std::fs::write(src.join("media/tables.zip"), b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0").unwrap();
    let md = src.join("docs/finance/budget-2024.md");
    let text = std::fs::read_to_string(&md).unwrap().replace(
        "attachments = [\n",
        "attachments = [\n  { title = \"预算表格压缩包\", file = \"../../media/tables.zip\" },\n",
    );
    std::fs::write(&md, text).unwrap();
    let dir = tempfile::tempdir().unwrap();
    Store::open(dir.path()).unwrap().import_folder(&src).unwrap();
    let mut k = start(Config::default(), dir.path());
    pump(&mut k, [Message::Open(Route::Document("wc-ys-2024".into()))]);
    assert!(texts(&k).iter().any(|s| s.starts_with("ZIP 文件　")), "{:?}", texts(&k));

    tap(&mut k, "预算表格压缩包");
    let shown = texts(&k);
    assert!(
        shown.iter().any(|s| s == "本机无法显示这种文件（ZIP）。请扫描下面的二维码在手机上查看原文。"),
        "{shown:?}"
    );
    assert!(shown.iter().any(|s| s == "扫码查看原文"));
    tap(&mut k, "返回");
    tap(&mut k, "望川区2024年区级财政预算表（示例）");
    let shown = texts(&k);
    assert!(shown.iter().any(|s| s.starts_with("这个附件已损坏，本机无法显示。")), "{shown:?}");
    assert!(!shown.iter().any(|s| s.contains("打印附件")), "nothing to page through or print");
}

#[test]
fn an_ofd_attachment_shows_its_converted_pages_and_a_damaged_one_gets_the_card() {
    // the demo's OFD notice, shown as its conversion (shipped in .derived/): pages and print
    let dir = demo_store();
    let mut k = start(Config::default(), dir.path());
    pump(&mut k, [Message::Open(Route::Document("wc-ya-2023-fx".into()))]);
    assert!(texts(&k).iter().any(|s| s.starts_with("OFD 版式文件　共 2 页　")), "{:?}", texts(&k));
    tap(&mut k, "望川区2024年防汛避险安置点名单（OFD版式文件）");
    let Some(Screen::Attachment(a)) = &k.nav.screen else { panic!("the OFD opens") };
    assert_eq!(a.position(), Some((1, 2)));
    assert!(page_ink(&k).0 > 0.005, "the page is drawn, not blank");
    let shown = texts(&k);
    assert!(shown.iter().any(|s| s == "第 1 / 2 页") && shown.iter().any(|s| s.contains("打印附件")), "{shown:?}");

    // an OFD that could not be converted (here: not an OFD package; the same card when the
    // publisher had no converter): the card of a kind the kiosk cannot show, with the QR code
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-content");
    let copy = std::process::Command::new("cp").arg("-r").arg(&demo).arg(&src).status().unwrap();
    assert!(copy.success());
    std::fs::write(src.join("media/flood-shelters-2024.ofd"), b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0")
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    Store::open(dir.path()).unwrap().import_folder(&src).unwrap();
    let mut k = start(Config::default(), dir.path());
    pump(&mut k, [Message::Open(Route::Document("wc-ya-2023-fx".into()))]);
    tap(&mut k, "望川区2024年防汛避险安置点名单（OFD版式文件）");
    let shown = texts(&k);
    assert!(
        shown.iter().any(|s| s == "本机无法显示这种文件（OFD）。请扫描下面的二维码在手机上查看原文。"),
        "{shown:?}"
    );
    assert!(!shown.iter().any(|s| s.contains("打印附件")), "nothing to page through or print");
}

#[test]
fn a_search_hit_inside_an_attachment_says_so_and_opens_it_at_the_page() {
    let dir = demo_store();
    let mut k = start(Config::default(), dir.path());
    pump(&mut k, [Message::Open(Route::Search { query: "债务付息".into(), filter: Default::default() })]);
    let shown = texts(&k);
    assert!(shown.iter().any(|s| s == "附件：望川区2024年区级财政预算表（示例）（第 3 页）"), "{shown:?}");
    tap(&mut k, "附件：望川区2024年区级财政预算表（示例）（第 3 页）");
    let Some(Screen::Attachment(a)) = &k.nav.screen else { panic!("the attachment opens") };
    assert_eq!(a.position(), Some((3, 3)), "at the page the words are on");
    assert!(texts(&k).iter().any(|s| s == "第 3 / 3 页"));
    assert!(page_ink(&k).0 > 0.01);
}

/// Like `pump`, but leaves out the player's frame messages (which keep coming while it plays).
pub(super) fn pump_without_frames(k: &mut Kiosk, first: impl IntoIterator<Item = Message>) {
    use crate::ui::screens::{Message as S, attachment};
    let mut queue: VecDeque<Message> = first.into_iter().collect();
    while let Some(m) = queue.pop_front() {
        if matches!(
            m,
            Message::Screen(S::Attachment(attachment::Message::Frame))
                | Message::Screen(S::Reader(crate::ui::screens::reader::Message::Media(attachment::Message::Frame)))
        ) {
            continue;
        }
        let task = k.update(m);
        queue.extend(run(task));
    }
}

fn media_status(k: &mut Kiosk) -> (Option<crate::media::PlayerStatus>, String) {
    use crate::ui::screens::{Message as S, attachment};
    pump_without_frames(k, []);
    let _ = k.update(Message::Screen(S::Attachment(attachment::Message::Frame)));
    let Some(Screen::Attachment(a)) = &k.nav.screen else { panic!("the attachment is on show") };
    let attachment::Body::Media(m) = &a.body else { panic!("played: {:?}", a.body) };
    (m.status(), texts(k).join("|"))
}

#[test]
fn the_video_plays_with_captions_pauses_and_stops_on_leaving_and_on_the_idle_reset() {
    use crate::ui::screens::attachment::Body;
    let dir = demo_store();
    let mut k = start(Config::default(), dir.path());
    pump_without_frames(&mut k, [Message::Open(Route::Attachment { doc: "wc-ys-2024".into(), index: 2, page: None })]);
    std::thread::sleep(Duration::from_millis(1500));
    let (status, shown) = media_status(&mut k);
    let status = status.expect("playing");
    assert!(status.frames_decoded >= 10, "{status:?}");
    assert_eq!(status.error, None);
    assert!(shown.contains("望川区2024年区级财政预算解读"), "the first caption shows: {shown}");
    assert!(shown.contains("暂停") && shown.contains("从头播放") && shown.contains("大声一点"), "{shown}");
    let Some(Screen::Attachment(a)) = &k.nav.screen else { panic!() };
    let Body::Media(m) = &a.body else { panic!() };
    assert!(m.frame.is_some(), "a decoded picture is on screen");
    let copy = a.clone();

    tap(&mut k, "暂停");
    let Some(Screen::Attachment(a)) = &k.nav.screen else { panic!() };
    assert!(!a.is_playing());
    tap(&mut k, "播放");
    tap(&mut k, "返回");
    let Body::Media(m) = &copy.body else { panic!() };
    assert_eq!(m.status(), None, "leaving the screen stopped the playback");

    // the idle reset stops it too
    pump_without_frames(&mut k, [Message::Open(Route::Attachment { doc: "wc-ys-2024".into(), index: 3, page: None })]);
    let Some(Screen::Attachment(a)) = k.nav.screen.clone() else { panic!() };
    assert!(texts(&k).iter().any(|s| s.contains("民生支出占八成")), "the audio's transcript shows");
    let Body::Media(m) = &a.body else { panic!() };
    assert!(m.status().is_some(), "the audio plays");
    pump_without_frames(&mut k, [Message::Tick(Instant::now() + Duration::from_secs(10_000))]);
    assert_eq!(m.status(), None, "the idle reset stopped the playback");
}

#[test]
fn a_video_interpretation_opens_with_its_player_at_the_top_and_stops_on_leaving_and_on_the_idle_reset() {
    use crate::ui::screens::{Message as S, attachment, reader};
    let dir = demo_store();
    let mut k = start(Config::default(), dir.path());
    pump_without_frames(&mut k, [Message::Open(Route::Document("wc-jd-2024-ys".into()))]);
    std::thread::sleep(Duration::from_millis(1500));
    let _ = k.update(Message::Screen(S::Reader(reader::Message::Media(attachment::Message::Frame))));
    let Some(Screen::Reader(r)) = &k.nav.screen else { panic!("the document opens in the reader") };
    let m = r.media.as_ref().expect("a 视频解读 has its player");
    let status = m.status().expect("it plays as the document opens");
    assert!(status.frames_decoded >= 10, "{status:?}");
    assert!(m.frame.is_some(), "a decoded picture is on screen");
    let shown = texts(&k);
    let at = |t: &str| shown.iter().position(|s| s == t).unwrap_or_else(|| panic!("{t} on screen: {shown:?}"));
    // the player (with the first caption) under the title, above the document's header
    assert!(at("视频解读：望川区2024年区级财政预算") < at("望川区2024年区级财政预算解读"));
    assert!(at("望川区2024年区级财政预算解读") < at("索引号"), "{shown:?}");
    assert!(shown.iter().any(|s| s == "暂停"), "{shown:?}");
    let copy = m.clone();
    tap(&mut k, "暂停");
    let Some(Screen::Reader(r)) = &k.nav.screen else { panic!() };
    assert!(!r.media.as_ref().unwrap().is_playing(), "paused");
    // the video and the voice never sound at once: reading pauses the video, playing stops the
    // reading
    tap(&mut k, "播放");
    let Some(Screen::Reader(r)) = &k.nav.screen else { panic!() };
    assert!(r.media.as_ref().unwrap().is_playing(), "playing again");
    // (the speaker's reports are not run: the reading stays on)
    let _reports = tap_keeping_task(&mut k, "语音朗读");
    let Some(Screen::Reader(r)) = &k.nav.screen else { panic!() };
    assert!(
        r.is_speaking() && !r.media.as_ref().unwrap().is_playing(),
        "the reading paused the video: speaking {} playing {}",
        r.is_speaking(),
        r.media.as_ref().unwrap().is_playing()
    );
    // (the player's 播放, below the fold once the voice's strip shows: what its tap sends)
    let _ = k.update(Message::Screen(S::Reader(reader::Message::Media(attachment::Message::PlayPause))));
    let Some(Screen::Reader(r)) = &k.nav.screen else { panic!() };
    assert!(r.media.as_ref().unwrap().is_playing() && !r.is_speaking(), "playing stopped the reading");
    tap(&mut k, "返回");
    assert_eq!(copy.status(), None, "leaving the document stopped the playback");
    // a document that is not an interpretation keeps its video in the attachment list
    pump_without_frames(&mut k, [Message::Open(Route::Document("wc-ys-2024".into()))]);
    let Some(Screen::Reader(r)) = &k.nav.screen else { panic!() };
    assert!(r.media.is_none());

    // the idle reset stops the reader's player too
    pump_without_frames(&mut k, [Message::Open(Route::Document("wc-jd-2024-ys".into()))]);
    let Some(Screen::Reader(r)) = &k.nav.screen else { panic!() };
    let m = r.media.clone().expect("its player");
    assert!(m.status().is_some(), "it plays");
    pump_without_frames(&mut k, [Message::Tick(Instant::now() + Duration::from_secs(10_000))]);
    assert_eq!(m.status(), None, "the idle reset stopped the playback");
}

#[test]
fn with_the_sound_off_the_video_plays_silently_and_the_audio_shows_its_transcript() {
    use crate::ui::screens::attachment::Body;
    let dir = demo_store();
    let mut config = Config::default();
    config.sound.enabled = false;
    let mut k = start(config, dir.path());
    pump_without_frames(&mut k, [Message::Open(Route::Attachment { doc: "wc-ys-2024".into(), index: 2, page: None })]);
    std::thread::sleep(Duration::from_millis(1500));
    let (status, shown) = media_status(&mut k);
    let status = status.expect("the video plays");
    assert!(status.frames_decoded >= 10, "{status:?}");
    assert!(shown.contains("本机已关闭声音，视频无声播放，请看字幕。"), "{shown}");
    assert!(shown.contains("望川区2024年区级财政预算解读"), "captions: {shown}");
    assert!(!shown.contains("大声一点") && !shown.contains("音量"), "no volume without sound: {shown}");
    let Some(Screen::Attachment(a)) = &k.nav.screen else { panic!() };
    let Body::Media(m) = &a.body else { panic!() };
    assert_eq!(m.decoders(), 1, "only the pictures are decoded, not the sound");

    pump_without_frames(&mut k, [Message::Open(Route::Attachment { doc: "wc-ys-2024".into(), index: 3, page: None })]);
    let shown = texts(&k).join("|");
    assert!(shown.contains("本机已关闭声音，这段音频不播放。请阅读下面的文字稿。"), "{shown}");
    assert!(shown.contains("民生支出占八成"), "the transcript: {shown}");
    assert!(!shown.contains("播放") || !shown.contains("|播放|"), "no play button: {shown}");
    let Some(Screen::Attachment(a)) = &k.nav.screen else { panic!() };
    let Body::Media(m) = &a.body else { panic!() };
    assert_eq!(m.status(), None, "the recording is not played");
}

#[test]
fn a_truncated_mp4_says_it_cannot_be_played() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-content");
    assert!(std::process::Command::new("cp").arg("-r").arg(&demo).arg(&src).status().unwrap().success());
    let video = src.join("media/budget-2024-video.mp4");
    let bytes = std::fs::read(&video).unwrap();
    // the index (moov) is at the front: the first second or so plays, then the data ends
    std::fs::write(&video, &bytes[..bytes.len() / 10]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    Store::open(dir.path()).unwrap().import_folder(&src).unwrap();
    let mut k = start(Config::default(), dir.path());
    pump_without_frames(&mut k, [Message::Open(Route::Attachment { doc: "wc-ys-2024".into(), index: 2, page: None })]);
    // the screen polls the player until the playback fails (never frozen)
    let started = Instant::now();
    loop {
        let (status, shown) = media_status(&mut k);
        if shown.contains("这个视频或音频文件不完整或已损坏，无法播放。") {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "no message: {status:?} {shown}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn a_pack_without_derived_data_still_shows_its_pdf_and_names_its_office_file() {
    // content applied as a pack made before derivation existed carries: no pages, no conversion
    let dir = tempfile::tempdir().unwrap();
    let set = crate::content::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-content")).unwrap();
    assert!(set.documents.iter().flat_map(|d| &d.attachments).all(|a| a.derived.is_none()));
    Store::open(dir.path()).unwrap().apply(&set, "an old pack").unwrap();
    let mut k = start(Config::default(), dir.path());
    pump(&mut k, [Message::Open(Route::Attachment { doc: "wc-ys-2024".into(), index: 0, page: None })]);
    let Some(Screen::Attachment(a)) = &k.nav.screen else { panic!("the attachment opens") };
    assert_eq!(a.position(), Some((1, 3)), "the page count asked of poppler");
    assert!(page_ink(&k).0 > 0.01);
    pump(&mut k, [Message::Open(Route::Attachment { doc: "wc-ys-2024".into(), index: 1, page: None })]);
    assert!(
        texts(&k).iter().any(|s| s == "本机无法显示这种文件（XLSX）。请扫描下面的二维码在手机上查看原文。"),
        "{:?}",
        texts(&k)
    );
}

#[test]
fn each_change_of_screen_redraws_the_whole_window() {
    // the window's background steps by 1/255 on each change of screen, which makes iced's
    // software renderer redraw everything (no 1-px line of the screen that left stays behind)
    let dir = demo_store();
    let mut k = start(Config::default(), dir.path());
    let page = k.visit.look.palette().page;
    let mut seen = Vec::new();
    for step in 0..4 {
        let bg = k.window_style(&k.theme()).background_color;
        assert!((bg.r - page.r).abs() < 0.01 && (bg.g - page.g).abs() < 0.01 && (bg.b - page.b).abs() < 0.01);
        seen.push(bg);
        if step % 2 == 0 {
            tap(&mut k, "政府信息公开目录");
        } else {
            tap(&mut k, "返回");
        }
    }
    assert!(seen.windows(2).all(|w| w[0] != w[1]), "{seen:?}");
}

/// `kiosk --then write:文 --strokes FILE` (the screenshots' way to show ink on the pad): the pad
/// opens and the recorded strokes arrive as the pad's own stroke messages, inside the pad as it
/// is laid out in each orientation, and zinnia's first guess is the character.
#[test]
fn a_start_tap_writes_a_recorded_character_with_the_pads_messages() {
    let dir = demo_store();
    let mut k = start(Config::default(), dir.path());
    assert!(k.services.recognizer.is_some(), "scripts/test installs libzinnia0 and tegaki-zinnia-simplified-chinese");
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/handwriting-strokes.txt");
    let tap = screens::parse_start_tap("write:文", Some(&file)).unwrap();
    for size in [Size::new(1920.0, 1080.0), Size::new(1080.0, 1920.0)] {
        for large in [false, true] {
            k.size = size;
            k.visit.look.large = large;
            for route in [
                Route::Search { query: String::new(), filter: Default::default() },
                Route::Request { on_behalf: false, start: Some(request::Question::Name) },
            ] {
                k.then_at_start(Some(tap.clone()));
                pump(&mut k, [Message::Open(route.clone())]);
                let pad = match &k.nav.screen {
                    Some(Screen::Search(s)) => s.keyboard.pad.clone(),
                    Some(Screen::Request(w)) => w.keyboard.pad.clone(),
                    _ => panic!("{route:?} opens"),
                };
                let pad = pad.unwrap_or_else(|| panic!("the pad opens on {route:?}"));
                assert_eq!(pad.strokes.len(), 4, "文 in four strokes");
                assert_eq!(pad.guesses.first(), Some(&'文'), "{size:?} large={large}: {:?}", pad.guesses);
                let b = pad_bounds(&k);
                assert!(
                    pad.strokes
                        .iter()
                        .flatten()
                        .all(|&(x, y)| (0.0..=b.width).contains(&x) && (0.0..=b.height).contains(&y)),
                    "{size:?} large={large}: the strokes are inside the pad ({b:?})"
                );
            }
        }
    }
    // a character with no recording, or no recordings: said plainly
    let none = screens::parse_start_tap("write:龘", Some(&file)).unwrap_err();
    assert!(none.contains("no line for 龘"), "{none}");
    assert!(screens::parse_start_tap("write:文", None).unwrap_err().contains("--strokes FILE"));
    assert!(screens::parse_start_tap("write:文字", Some(&file)).unwrap_err().contains("one character"));
}
