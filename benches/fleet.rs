//! Fleet health benchmark, one run:
//!
//!     cargo bench --bench fleet                                  # 5,000 kiosks × 365 days
//!     BENCH_KIOSKS=1000 BENCH_DAYS=365 cargo bench --bench fleet
//!
//! 1. The cost on the kiosk of the metrics file: an hour of writes (60, one a minute, as the
//!    kiosk window does them: open the store, gather, render, write atomically) on the demo
//!    store with a year of usage, in CPU seconds (getrusage) and bytes written; against a
//!    baseline in the same run, writing the same bytes 60 times with one `fs::write` each.
//! 2. The size of one status upload (the JSON object).
//! 3. `report --fleet` over a folder of N kiosks' uploads — a status object and one batch a day
//!    each (what a kiosk that syncs daily uploads) — read, built and written as HTML; against a
//!    baseline in the same run, reading every file's bytes without parsing.

use std::path::Path;
use std::time::Instant;

use chrono::{Duration, Utc};
use gongkai_kiosk::config::Config;
use gongkai_kiosk::metrics::{self, Live, PrinterState};
use gongkai_kiosk::store::{Batch, DayStats, Store, UsageEvent};

/// User + system CPU seconds of this process so far.
fn cpu() -> f64 {
    let mut u = std::mem::MaybeUninit::<libc::rusage>::uninit();
    // SAFETY: getrusage writes the struct fully when it returns 0.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, u.as_mut_ptr()) };
    assert_eq!(rc, 0);
    // SAFETY: getrusage returned 0.
    let u = unsafe { u.assume_init() };
    let s = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    s(u.ru_utime) + s(u.ru_stime)
}

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() { walk(&p, out) } else { out.push(p) }
    }
}

fn main() {
    let kiosks: usize = std::env::var("BENCH_KIOSKS").ok().and_then(|v| v.parse().ok()).unwrap_or(5000);
    let days: usize = std::env::var("BENCH_DAYS").ok().and_then(|v| v.parse().ok()).unwrap_or(365);
    let root = std::env::var_os("BENCH_DIR").map(std::path::PathBuf::from);
    let tmp = match &root {
        Some(r) => tempfile::tempdir_in(r).unwrap(),
        None => tempfile::tempdir().unwrap(),
    };

    // ---- 1. the metrics file, one hour of it ----
    let data = tmp.path().join("kiosk");
    let mut store = Store::open(&data).unwrap();
    store.import_folder(&Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-content")).unwrap();
    let today = chrono::Local::now().date_naive();
    for d in 0..365 {
        let day = (today - chrono::Days::new(d)).format("%Y-%m-%d").to_string();
        for _ in 0..5 {
            store.record_usage_on(&day, UsageEvent::Session).unwrap();
        }
        store.record_usage_on(&day, UsageEvent::Print { layout: "guide", pages: 2 }).unwrap();
    }
    drop(store);
    let config = Config { zone_id: "bench-hall-1".into(), ..Config::default() };
    let file = tmp.path().join("textfile").join(metrics::FILE_NAME);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    let live = Live { up: true, last_touch: Some(Utc::now()), printer: Some(PrinterState::Ready) };
    let mut written = 0u64;
    let (c0, t0) = (cpu(), Instant::now());
    for _ in 0..60 {
        let store = Store::open(&data).unwrap();
        metrics::write(&store, &config, &data, &live, &file).unwrap();
        written += std::fs::metadata(&file).unwrap().len();
    }
    let (hour_cpu, hour_wall) = (cpu() - c0, t0.elapsed().as_secs_f64());
    let text = std::fs::read_to_string(&file).unwrap();
    let (c1, t1) = (cpu(), Instant::now());
    for _ in 0..60 {
        std::fs::write(&file, &text).unwrap();
    }
    let (base_cpu, base_wall) = (cpu() - c1, t1.elapsed().as_secs_f64());
    println!(
        "metrics file, one hour (60 writes of {} B): {:.1} ms CPU ({:.4}% of one core), {:.1} ms wall, {:.0} KB written",
        text.len(),
        hour_cpu * 1e3,
        hour_cpu / 3600.0 * 100.0,
        hour_wall * 1e3,
        written as f64 / 1e3
    );
    println!(
        "  baseline, the same bytes written 60 times: {:.1} ms CPU, {:.1} ms wall; the whole write costs {:.0}× the bare file write",
        base_cpu * 1e3,
        base_wall * 1e3,
        hour_cpu / base_cpu.max(1e-6)
    );

    // ---- 2. one status upload ----
    let store = Store::open(&data).unwrap();
    let status = metrics::gather(&store, &config, &data, &live, Utc::now()).unwrap();
    let body = serde_json::to_string(&status).unwrap();
    println!("status upload: {} bytes of JSON", body.len());

    // ---- 3. the fleet page over N kiosks × D days of batches ----
    let uploads = tmp.path().join("uploads");
    let t = Instant::now();
    let now = Utc::now();
    for k in 0..kiosks {
        let id = format!("hall-{k:05}");
        let dir = uploads.join(&id);
        std::fs::create_dir_all(&dir).unwrap();
        let mut s = status.clone();
        s.kiosk = id.clone();
        s.at = now - Duration::minutes((k % 2000) as i64);
        std::fs::write(dir.join("status.json"), serde_json::to_vec(&s).unwrap()).unwrap();
        for d in 0..days {
            let day = (today - chrono::Days::new(d as u64 + 1)).format("%Y-%m-%d").to_string();
            let stats = DayStats {
                day: day.clone(),
                sessions: (k + d) as u64 % 60,
                screens: 200,
                documents: 40,
                searches: 30,
                zero_result_searches: 2,
                prints: 5,
                pages: 12,
                by_layout: vec![("guide".into(), 3, 6), ("request-form-blank".into(), 2, 6)],
                ..DayStats::default()
            };
            let batch = Batch {
                format: 1,
                kiosk: id.clone(),
                batch: format!("{}-{k:016x}", day.replace('-', "")),
                created: format!("{day} 00:31:07"),
                days: vec![stats],
                feedback: Vec::new(),
            };
            std::fs::write(dir.join(format!("{}.json", batch.batch)), serde_json::to_vec(&batch).unwrap()).unwrap();
        }
    }
    let mut files = Vec::new();
    walk(&uploads, &mut files);
    let bytes: u64 = files.iter().map(|f| std::fs::metadata(f).unwrap().len()).sum();
    println!(
        "upload folder: {kiosks} kiosks × {days} days: {} files, {:.0} MB, made in {:.0} s",
        files.len(),
        bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    // baseline: reading every file's bytes, nothing else
    let t = Instant::now();
    let mut n = 0usize;
    let mut again = Vec::new();
    walk(&uploads, &mut again);
    for f in &again {
        n += std::fs::read(f).unwrap().len();
    }
    let base = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let report = gongkai_kiosk::report::read(&uploads).unwrap();
    let read = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let fleet = gongkai_kiosk::fleet::build(&report, &[], Utc::now());
    let html = fleet.html();
    let build = t.elapsed().as_secs_f64();
    std::fs::write(tmp.path().join("fleet.html"), &html).unwrap();
    println!(
        "report --fleet: read {} batches and {} statuses in {read:.1} s, page of {} kiosks built in {build:.2} s ({:.1} MB of HTML); total {:.1} s",
        report.batches,
        report.statuses.len(),
        fleet.kiosks.len(),
        html.len() as f64 / 1e6,
        read + build
    );
    println!(
        "  baseline, reading the same {} files ({:.0} MB) without parsing: {base:.1} s; the report takes {:.1}× that",
        again.len(),
        n as f64 / 1e6,
        (read + build) / base
    );
}
