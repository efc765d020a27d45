//! Soak: the real kiosk window under Xvfb (with matchbox-window-manager, fullscreen as in a
//! hall), driven by `xdotool` with random visits — taps anywhere, one-finger swipes (a press,
//! a drag and a release) and wheel scrolls, typing on a hardware keyboard — over a store of
//! generated documents (`benches/common/corpus.rs`) plus the demo content. After each visit
//! the driver leaves the kiosk alone; the idle reset must bring back Home (a screenshot equal
//! to the Home taken at the start, the clock aside), no panic may be logged, the process must
//! live, and its resident memory, sampled at Home after each reset, may not grow by 5% or more
//! after the warm-up (the first quarter of the samples).
//!
//! The test command runs a short soak (`SOAK_SECONDS`, default 40, over 2,000 documents:
//! a visit or two and their idle resets; too few samples for the memory figure, which it
//! prints but does not judge). `scripts/soak` runs the long one on a release build:
//! `SOAK_SECONDS=3600 SOAK_DOCS=100000`. Needs Xvfb, matchbox-window-manager, ImageMagick's
//! `import`, x11-utils and xdotool (scripts/test installs them).

mod common;
#[path = "../benches/common/corpus.rs"]
mod corpus;

use std::fs;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::display::Xvfb;
use common::{Rng, demo};
use gongkai_kiosk::store::Store;

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

const W: u32 = 1920;
const H: u32 = 1080;
/// The shortest idle settings the configuration allows: a visit ends 30 s after its last touch.
const IDLE: u64 = 20;
const COUNTDOWN: u64 = 10;

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn need(tool: &str) {
    let found =
        std::env::var_os("PATH").map(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file())).unwrap_or(false);
    assert!(found, "`{tool}` is missing: run the README's test command (scripts/test), which installs it");
}

fn xdotool(display: &str, args: &[String]) {
    let ok = Command::new("xdotool").args(args).env("DISPLAY", display).status().expect("xdotool runs");
    assert!(ok.success(), "xdotool {args:?}");
}

fn screenshot(display: &str, file: &Path) -> image::RgbImage {
    let ok = Command::new("import").args(["-window", "root", file.to_str().unwrap()]).env("DISPLAY", display).status();
    assert!(ok.unwrap().success(), "screenshot taken");
    image::open(file).expect("a screenshot").to_rgb8()
}

/// Share of pixels that differ between two screenshots, leaving out the status bar's right end
/// (the clock and the printer's state).
fn difference(a: &image::RgbImage, b: &image::RgbImage) -> f64 {
    let (mut differ, mut all) = (0u64, 0u64);
    for (x, y, p) in a.enumerate_pixels() {
        if y < 90 && x > W / 2 {
            continue;
        }
        all += 1;
        if b.get_pixel(x, y) != p {
            differ += 1;
        }
    }
    differ as f64 / all.max(1) as f64
}

fn rss_kib(pid: u32) -> u64 {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// The demo content with `n` generated documents added.
fn big_store(data: &Path, n: usize) {
    let mut set = gongkai_kiosk::content::load(&demo()).unwrap();
    set.documents.extend(corpus::corpus(n));
    let mut store = Store::open(data).unwrap();
    store.apply(&set, "soak").unwrap();
}

/// One random visitor action.
fn act(display: &str, rng: &mut Rng) {
    let (x, y) = (rng.below(W as usize), rng.below(H as usize));
    let roll = rng.below(100);
    let args: Vec<String> = if roll < 70 {
        // a tap
        vec!["mousemove".into(), x.to_string(), y.to_string(), "click".into(), "1".into()]
    } else if roll < 85 {
        // a one-finger swipe: press, drag in steps, release
        let to = (y as i64 + if rng.below(2) == 0 { 400 } else { -400 }).clamp(0, H as i64 - 1);
        let mut a = vec!["mousemove".into(), x.to_string(), y.to_string(), "mousedown".into(), "1".into()];
        for step in 1..=5 {
            let yy = y as i64 + (to - y as i64) * step / 5;
            a.extend(["mousemove".into(), x.to_string(), yy.to_string(), "sleep".into(), "0.02".into()]);
        }
        a.extend(["mouseup".into(), "1".into()]);
        a
    } else if roll < 93 {
        // a scroll (the wheel stands in for a finger on Xvfb, which has no touch device)
        let button = if rng.below(2) == 0 { "4" } else { "5" };
        vec![
            "mousemove".into(),
            x.to_string(),
            y.to_string(),
            "click".into(),
            "--repeat".into(),
            "3".into(),
            button.into(),
        ]
    } else {
        // typing on a keyboard someone plugged in
        const WORDS: [&str; 6] = ["zfxxgk", "ysqgk", "dibao", "2024", "yanglao", "abc"];
        vec!["type".into(), "--delay".into(), "30".into(), WORDS[rng.below(WORDS.len())].into()]
    };
    xdotool(display, &args);
    std::thread::sleep(Duration::from_millis(60 + rng.below(200) as u64));
}

#[test]
fn random_visits_never_crash_the_kiosk_idle_returns_home_and_memory_stays_flat() {
    for tool in ["Xvfb", "matchbox-window-manager", "import", "xwininfo", "xdotool"] {
        need(tool);
    }
    let seconds = env_num("SOAK_SECONDS", 40);
    let docs = env_num("SOAK_DOCS", 2_000) as usize;
    let seed = env_num("SOAK_SEED", 16);
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let started = Instant::now();
    big_store(&data, docs);
    eprintln!("soak: store of {} documents built in {:.0} s", docs + 48, started.elapsed().as_secs_f64());
    let config = tmp.path().join("kiosk.toml");
    fs::write(
        &config,
        format!(
            "[ui]\nfullscreen = true\nhide_cursor = true\nidle_timeout_seconds = {IDLE}\nidle_countdown_seconds = {COUNTDOWN}\n[printer]\nbackend = \"directory\"\ndirectory = \"{}\"\npage_limit = 3\n",
            tmp.path().join("prints").display()
        ),
    )
    .unwrap();

    let server = Xvfb::start(W, H);
    let display = server.display.clone();
    let _wm = Killed(
        Command::new("matchbox-window-manager")
            .args(["-use_titlebar", "no"])
            .env("DISPLAY", &display)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let log_path = tmp.path().join("kiosk.log");
    let mut kiosk = Killed(
        Command::new(env!("CARGO_BIN_EXE_gongkai-kiosk"))
            .args(["--data-dir", data.to_str().unwrap(), "--config", config.to_str().unwrap()])
            .env("DISPLAY", &display)
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(fs::File::create(&log_path).unwrap())
            .spawn()
            .unwrap(),
    );
    let pid = kiosk.0.id();
    let log = || fs::read_to_string(&log_path).unwrap_or_default();
    let window = Instant::now();
    while !String::from_utf8_lossy(
        &Command::new("xwininfo").args(["-root", "-tree"]).env("DISPLAY", &display).output().unwrap().stdout,
    )
    .contains("\"望川区政务公开专区\"")
    {
        assert!(window.elapsed() < Duration::from_secs(600), "no kiosk window; log:\n{}", log());
        std::thread::sleep(Duration::from_millis(300));
    }
    std::thread::sleep(Duration::from_secs(if docs > 10_000 { 15 } else { 5 }));
    let home = screenshot(&display, &tmp.path().join("home.png"));

    let mut rng = Rng(seed.max(1));
    let mut rss: Vec<u64> = Vec::new();
    let (mut visits, mut actions) = (0u64, 0u64);
    let soak = Instant::now();
    loop {
        // a visitor: 20 to 300 random actions
        for _ in 0..20 + rng.below(280) {
            act(&display, &mut rng);
            actions += 1;
            assert!(kiosk.0.try_wait().unwrap().is_none(), "the kiosk exited; log:\n{}", log());
        }
        visits += 1;
        // …then nobody: the countdown and the reset, back to Home. The reset comes 30 s after
        // the last touch and the attract screen 40 s after it (or after the last touch, when
        // there was nothing to reset): Home must show in between. Screenshots every 2 s from
        // 30 s on, so that a slow machine's late reset is waited for.
        let quiet = Instant::now();
        std::thread::sleep(Duration::from_secs(IDLE + COUNTDOWN));
        let d = loop {
            let now = screenshot(&display, &tmp.path().join("after-idle.png"));
            let d = difference(&home, &now);
            if d <= 0.03 || quiet.elapsed() > Duration::from_secs(IDLE + COUNTDOWN + 2 * IDLE - 4) {
                break d;
            }
            std::thread::sleep(Duration::from_secs(2));
        };
        if d > 0.03 {
            let keep = tmp.path().join("not-home.png");
            fs::copy(tmp.path().join("after-idle.png"), &keep).unwrap();
            let kept = std::env::temp_dir().join(format!("soak-not-home-{}.png", std::process::id()));
            let _ = fs::copy(&keep, &kept);
            panic!(
                "after visit {visits} ({actions} actions) the idle reset did not show Home: {:.1}% of the screen differs (screenshot {}); log:\n{}",
                d * 100.0,
                kept.display(),
                log()
            );
        }
        rss.push(rss_kib(pid));
        eprintln!(
            "soak: {:>5.0} s, visit {visits}, {actions} actions, RSS {} KiB at Home",
            soak.elapsed().as_secs_f64(),
            rss.last().unwrap()
        );
        if soak.elapsed() >= Duration::from_secs(seconds) {
            break;
        }
    }
    assert!(kiosk.0.try_wait().unwrap().is_none(), "the kiosk exited; log:\n{}", log());
    let text = log();
    for sign in ["panicked", "a screen failed", "could not be drawn"] {
        assert!(!text.contains(sign), "`{sign}` in the kiosk's log:\n{text}");
    }
    let resets = text.matches("idle: reset for the next visitor").count();
    let warm = (rss.len() / 4).max(1);
    let base = rss[..warm].iter().copied().max().unwrap_or(0);
    let late = rss[rss.len() - warm..].iter().copied().max().unwrap_or(0);
    let growth = late as f64 / base.max(1) as f64 - 1.0;
    eprintln!(
        "soak: {:.0} s, {} documents, {visits} visits, {actions} actions, {resets} idle resets, every one back to Home; RSS at Home {} → {} KiB ({:+.1}% after warm-up, samples {rss:?})",
        soak.elapsed().as_secs_f64(),
        docs + 48,
        base,
        late,
        growth * 100.0
    );
    if rss.len() >= 8 {
        assert!(growth < 0.05, "resident memory grew {:.1}% after warm-up: {rss:?}", growth * 100.0);
    }
}
