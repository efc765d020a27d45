//! Attachments benchmark (issue 17's goals):
//!
//! 1. A 50-page PDF attachment: the first page drawn for the screen (≤ 300 ms) and the next
//!    pages (≤ 100 ms), at the width the landscape screen shows it (1150 px); baseline in the
//!    same run: page 1 of the demo's 3-page table.
//! 2. A 1280×720 H.264 video (10 s, 25 frames per second) played by `media::Player` as the
//!    screen plays it (a frame taken every 40 ms): frames per second, frames dropped, and the CPU
//!    used by the kiosk process and its FFmpeg children; baseline: `ffmpeg -f null` decoding the
//!    same file as fast as it can.
//! 3. Audio start: from `Player::start` on the demo's MP3 to the first sound handed to the sink
//!    (≤ 300 ms); baseline: spawning `true`.
//! 4. Pack growth: the demo published with and without what `attachments::derive` adds, against
//!    the attachments' own size (≤ 2×).
//!
//! Needs poppler-utils, ffmpeg and python3 (the test PDF and video are made by
//! `scripts/make-demo-attachments`).
//!
//! ```sh
//! cargo bench --bench attachments
//! ```

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use gongkai_kiosk::attachments::pdf;
use gongkai_kiosk::media::{self, PlayOptions, Player, Sink};
use gongkai_kiosk::pack::SecretKey;
use gongkai_kiosk::publish::{PublishOptions, publish_set};

const WIDTH: u32 = 1150;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    (v[v.len() / 2], v[v.len() - 1])
}

/// CPU seconds (user + system) of this process and of its waited-for children.
fn cpu_seconds() -> (f64, f64) {
    let get = |who| {
        // SAFETY: getrusage only writes the struct it is given.
        let mut u: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: a valid `who` and a valid pointer.
        unsafe { libc::getrusage(who, &mut u) };
        let t = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
        t(u.ru_utime) + t(u.ru_stime)
    };
    (get(libc::RUSAGE_SELF), get(libc::RUSAGE_CHILDREN))
}

fn script(args: &[&str]) {
    let s = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/make-demo-attachments");
    let ok = Command::new(s).args(args).status().expect("python3 runs the script").success();
    assert!(ok, "scripts/make-demo-attachments {args:?} failed");
}

fn main() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let demo = manifest.join("assets/demo-content");
    let tmp = tempfile::tempdir().unwrap();
    println!("attachments benchmark — {}", chrono::Local::now().format("%Y-%m-%d %H:%M"));

    // 1. PDF pages
    let big = tmp.path().join("budget-50.pdf");
    script(&["--pdf", big.to_str().unwrap(), "--pages", "50"]);
    assert_eq!(pdf::page_count(&big).unwrap(), 50);
    let small = demo.join("media/budget-2024-tables.pdf");
    let t = Instant::now();
    let first_ever = pdf::render_page(&big, 1, WIDTH).unwrap();
    let cold = t.elapsed();
    let mut firsts = Vec::new();
    let mut baseline = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        pdf::render_page(&big, 1, WIDTH).unwrap();
        firsts.push(t.elapsed());
        let t = Instant::now();
        pdf::render_page(&small, 1, WIDTH).unwrap();
        baseline.push(t.elapsed());
    }
    let mut nexts = Vec::new();
    for page in 2..=21 {
        let t = Instant::now();
        pdf::render_page(&big, page, WIDTH).unwrap();
        nexts.push(t.elapsed());
    }
    let (first, first_max) = median(firsts);
    let (base, _) = median(baseline);
    let (next, next_max) = median(nexts);
    println!(
        "50-page PDF, {WIDTH}×{} px: first page {:.0} ms median (max {:.0}; the process's very first draw, font cache written: {:.0} ms), next page {:.0} ms median (max {:.0}); baseline page 1 of the 3-page demo table {:.0} ms → ratio {:.2}",
        first_ever.height,
        ms(first),
        ms(first_max),
        ms(cold),
        ms(next),
        ms(next_max),
        ms(base),
        ms(first) / ms(base)
    );

    // 2. video
    let video = tmp.path().join("720p.mp4");
    script(&["--video", video.to_str().unwrap(), "--size", "1280x720", "--seconds", "10"]);
    let info = media::probe(&video).unwrap();
    let t = Instant::now();
    let out = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-i"])
        .arg(&video)
        .args(["-an", "-f", "null", "-"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let fastest = t.elapsed();
    let frames_in_file = (info.duration_ms.unwrap_or(10_000) as f64 / 1000.0 * 25.0).round();
    let (self0, child0) = cpu_seconds();
    let opts = PlayOptions { width: 1280, height: 720, volume: 80, sink: Sink::None };
    let started = Instant::now();
    let mut player = Player::start(&video, &info, 0, &opts).unwrap();
    let mut taken = 0u64;
    while !player.status().finished && started.elapsed() < Duration::from_secs(60) {
        if player.take_frame().is_some() {
            taken += 1;
        }
        std::thread::sleep(Duration::from_millis(40));
    }
    let wall = started.elapsed();
    let status = player.status();
    player.stop();
    let (self1, child1) = cpu_seconds();
    let cpu = (self1 - self0) + (child1 - child0);
    println!(
        "1280×720 H.264, {:.1} s: {} frames decoded in {:.1} s = {:.1} frames/s (the file has {frames_in_file}), {} dropped, {taken} taken by the screen; CPU {:.1} s = {:.0} % of one core ({:.0} % of the two); baseline ffmpeg -f null decodes it in {:.2} s = {:.0} frames/s, {:.1}× real time",
        info.duration_ms.unwrap_or(0) as f64 / 1000.0,
        status.frames_decoded,
        wall.as_secs_f64(),
        status.frames_decoded as f64 / wall.as_secs_f64(),
        status.frames_dropped,
        cpu,
        cpu / wall.as_secs_f64() * 100.0,
        cpu / wall.as_secs_f64() * 50.0,
        fastest.as_secs_f64(),
        frames_in_file / fastest.as_secs_f64(),
        info.duration_ms.unwrap_or(0) as f64 / 1000.0 / fastest.as_secs_f64()
    );

    // 3. audio start
    let mp3 = demo.join("media/budget-2024-audio.mp3");
    let sink = Sink::Command(vec!["sh".into(), "-c".into(), "cat > /dev/null".into()]);
    let mut starts = Vec::new();
    let mut probes = Vec::new();
    let mut spawns = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        let info = media::probe(&mp3).unwrap();
        probes.push(t.elapsed());
        let opts = PlayOptions { width: 2, height: 2, volume: 80, sink: sink.clone() };
        let mut p = Player::start(&mp3, &info, 0, &opts).unwrap();
        let t0 = Instant::now();
        while p.status().sound_started_after.is_none() && t0.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(2));
        }
        starts.push(p.status().sound_started_after.expect("sound started"));
        p.stop();
        let t = Instant::now();
        Command::new("true").status().unwrap();
        spawns.push(t.elapsed());
    }
    let (start, start_max) = median(starts);
    let (probe, _) = median(probes);
    let (spawn, _) = median(spawns);
    println!(
        "audio (MP3): first sound to the sink {:.0} ms after start (max {:.0}), plus ffprobe {:.0} ms when the screen opens → {:.0} ms from the tap; baseline spawning `true` {:.1} ms",
        ms(start),
        ms(start_max),
        ms(probe),
        ms(start + probe),
        ms(spawn)
    );

    // 4. pack growth
    let plain = gongkai_kiosk::content::load(&demo).unwrap();
    let mut derived = plain.clone();
    gongkai_kiosk::attachments::derive(&mut derived, &demo);
    let key = SecretKey::generate();
    let a = publish_set(&plain, &tmp.path().join("plain"), &key, &PublishOptions::default()).unwrap();
    let b = publish_set(&derived, &tmp.path().join("derived"), &key, &PublishOptions::default()).unwrap();
    let own: u64 = plain.documents.iter().flat_map(|d| d.attachments.iter()).map(|a| a.blob.size).sum();
    println!(
        "pack: {} bytes without derived files, {} with (+{}); attachments' own size {} bytes → growth {:.2}× their size",
        a.pack_bytes,
        b.pack_bytes,
        b.pack_bytes - a.pack_bytes,
        own,
        (b.pack_bytes - a.pack_bytes) as f64 / own as f64
    );
}
