//! Sync benchmark, one run, against Debian's nginx on loopback:
//!
//!     cargo bench --bench sync                    # 100,000 documents
//!     BENCH_DOCS=20000 cargo bench --bench sync
//!     BENCH_CORPUS=zipf cargo bench --bench sync  # the search benchmark's realistic corpus
//!
//! Publishes a pack of N generated documents, then measures: a full sync into a fresh kiosk
//! (download throughput beside `curl` fetching the same files with the same parallelism, and
//! the whole sync with its apply), an unchanged re-sync (bytes on the wire), and a sync after
//! one document changed (bytes on the wire ÷ the full pack's bytes).

#[path = "common/corpus.rs"]
mod corpus;
#[path = "common/disk.rs"]
mod disk;
#[path = "../tests/common/servers.rs"]
mod servers;
#[path = "common/zipf_corpus.rs"]
mod zipf_corpus;

use std::fs;
use std::io::Write;
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use gongkai_kiosk::content::{ContentSet, Site};
use gongkai_kiosk::pack::{self, SecretKey, Shard};
use gongkai_kiosk::publish::{PublishOptions, publish_set};
use gongkai_kiosk::store::Store;
use gongkai_kiosk::sync::{Progress, SyncOptions, sync};
use servers::Nginx;

fn mb(b: u64) -> f64 {
    b as f64 / 1e6
}

fn main() {
    let n: usize = std::env::var("BENCH_DOCS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("pack");
    let key = SecretKey::generate();
    let mut set = ContentSet {
        site: Site { name: "基准专区".into(), government: "基准区".into(), ..Default::default() },
        documents: if std::env::var("BENCH_CORPUS").is_ok_and(|v| v == "zipf") {
            zipf_corpus::corpus(n)
        } else {
            corpus::corpus(n)
        },
        ..Default::default()
    };
    let t = Instant::now();
    let first = publish_set(&set, &out, &key, &PublishOptions::default()).unwrap();
    println!(
        "publish: {n} documents, {} shards, {} files, {:.1} MB, in {:.1} s",
        first.shards,
        first.files_written + 1,
        mb(first.pack_bytes),
        t.elapsed().as_secs_f64()
    );
    let nginx = Nginx::start(&out);
    let mut o = SyncOptions::new(&nginx.url(), vec![key.public()]);
    o.reserve_bytes = 0;
    if let Some(c) = std::env::var("BENCH_CONCURRENCY").ok().and_then(|v| v.parse().ok()) {
        o.concurrency = c;
    }

    // ---- baseline: curl fetching the same files, same parallelism ----
    let manifest =
        pack::verify_manifest(&fs::read(out.join(pack::MANIFEST_FILE)).unwrap(), &[key.public()]).unwrap().body;
    let mut files: Vec<String> = vec![pack::MANIFEST_FILE.to_string()];
    for s in &manifest.shards {
        let path = pack::object_path(&s.sha256).unwrap();
        let shard: Shard = serde_json::from_slice(&fs::read(out.join(&path)).unwrap()).unwrap();
        files.push(path);
        files.extend(shard.items.iter().map(|i| pack::object_path(&i.sha256).unwrap()));
    }
    files.push(pack::object_path(&manifest.site.sha256).unwrap());
    let curl_dir = tmp.path().join("curl");
    fs::create_dir_all(&curl_dir).unwrap();
    let cfg = tmp.path().join("curl.cfg");
    {
        let mut f = fs::File::create(&cfg).unwrap();
        for (i, p) in files.iter().enumerate() {
            writeln!(f, "url = \"{}/{p}\"\noutput = \"{}/{i}\"", nginx.url(), curl_dir.display()).unwrap();
        }
    }
    // The machine is shared: each side runs several times, alternating, and the best run counts.
    // Each side starts on a settled disk (`settle`).
    let runs: usize = std::env::var("BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(2);
    let (mut curl_best, mut sync_best) = (f64::MAX, f64::MAX);
    let (mut curl_bytes, mut sync_bytes, mut whole, mut flushed) = (0u64, 0u64, 0f64, 0f64);
    let mut kiosk = None;
    for run in 0..runs {
        nginx.clear_log();
        disk::settle();
        let t = Instant::now();
        let ok = Command::new("curl")
            .args([
                "--silent",
                "--no-progress-meter",
                "--fail",
                "--parallel",
                "--parallel-max",
                &o.concurrency.to_string(),
                "--config",
            ])
            .arg(&cfg)
            .status()
            .unwrap();
        let curl_secs = t.elapsed().as_secs_f64();
        curl_best = curl_best.min(curl_secs);
        assert!(ok.success(), "curl failed");
        curl_bytes = nginx.log().iter().map(|l| l.body_bytes).sum();
        fs::remove_dir_all(&curl_dir).unwrap();
        fs::create_dir_all(&curl_dir).unwrap();

        // full sync into a fresh kiosk
        let data = tmp.path().join(format!("kiosk-{run}"));
        let mut store = Store::open(&data).unwrap();
        nginx.clear_log();
        disk::settle();
        let started = Instant::now();
        let download_done: Mutex<Option<Duration>> = Mutex::new(None);
        let transfer_done: Mutex<Option<Duration>> = Mutex::new(None);
        let applied: Mutex<Option<Duration>> = Mutex::new(None);
        let progress = |p: Progress| match p {
            Progress::Applying { .. } => {
                download_done.lock().unwrap().get_or_insert(started.elapsed());
            }
            Progress::Applied { .. } => {
                *applied.lock().unwrap() = Some(started.elapsed());
            }
            Progress::Downloading { files_done, files_total, .. } if files_done == files_total => {
                *transfer_done.lock().unwrap() = Some(started.elapsed());
            }
            _ => {}
        };
        sync(&mut store, &data, &o, &progress).unwrap();
        whole = started.elapsed().as_secs_f64();
        // the staging folder is deleted in the background after the commit: waited for here (and
        // timed) so that the next run does not share the disk with it
        let cleanup_started = Instant::now();
        gongkai_kiosk::sync::retire::wait();
        let cleanup = cleanup_started.elapsed().as_secs_f64();
        let transfer = transfer_done.lock().unwrap().unwrap().as_secs_f64();
        sync_best = sync_best.min(transfer);
        flushed = download_done.lock().unwrap().unwrap().as_secs_f64();
        let committed = applied.lock().unwrap().unwrap().as_secs_f64();
        sync_bytes = nginx.log().iter().map(|l| l.body_bytes).sum();
        // Every run's own ratio (its sync beside the curl run just before it), not only the best.
        println!(
            "run {}: curl {curl_secs:.2} s, sync transfer {transfer:.2} s = {:.2} × curl; flushed, apply starts at {flushed:.1} s; apply (read and check the staged items, write them and their search rows, commit) {:.1} s; whole sync {whole:.1} s; then the background deletion of the staging folder {cleanup:.1} s more",
            run + 1,
            (sync_bytes as f64 / transfer) / (curl_bytes as f64 / curl_secs),
            committed - flushed
        );
        if let Some((old, _)) = kiosk.replace((data.clone(), store)) {
            let _ = fs::remove_dir_all(old);
        }
    }
    let (data, mut store) = kiosk.unwrap();
    let curl_rate = mb(curl_bytes) / curl_best;
    let rate = mb(sync_bytes) / sync_best;
    println!(
        "curl: {} files, {:.1} MB in {curl_best:.2} s = {curl_rate:.1} MB/s (parallel {}, best of {runs})",
        files.len(),
        mb(curl_bytes),
        o.concurrency
    );
    println!(
        "full sync: {} files, {:.1} MB downloaded (manifest, shards, items, to the last byte) in {sync_best:.2} s = {rate:.1} MB/s = {:.2} × curl (best of {runs}); flushed to disk and ready to apply at {flushed:.1} s; whole sync with apply and indexing {whole:.1} s",
        files.len(),
        mb(sync_bytes),
        rate / curl_rate
    );

    // ---- unchanged re-sync ----
    nginx.clear_log();
    sync(&mut store, &data, &o, &|_| {}).unwrap();
    let log = nginx.log();
    let wire: u64 = log.iter().map(|l| l.bytes).sum();
    println!("unchanged re-sync: {} request(s), {wire} bytes sent by the server (goal ≤ 2048)", log.len());

    // ---- one document changed ----
    set.documents[n / 2].body.push_str("\n\n（本文件已于近日更新。）");
    publish_set(&set, &out, &key, &PublishOptions::default()).unwrap();
    nginx.clear_log();
    let t = Instant::now();
    let s = sync(&mut store, &data, &o, &|_| {}).unwrap();
    let log = nginx.log();
    let wire: u64 = log.iter().map(|l| l.bytes).sum();
    println!(
        "one changed document: {} requests, {wire} bytes = {:.4}% of the full pack ({} bytes), in {:.1} s; {:?}",
        log.len(),
        100.0 * wire as f64 / first.pack_bytes as f64,
        first.pack_bytes,
        t.elapsed().as_secs_f64(),
        match s.outcome {
            gongkai_kiosk::sync::SyncOutcome::Updated { report, .. } => report.total(),
            _ => Default::default(),
        }
    );
}
