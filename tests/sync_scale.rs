//! A region's kiosks syncing at once: 200 kiosks (each its own store and HTTP client) against
//! one nginx on loopback. Reports what the server sees per kiosk: requests and bytes, for a
//! fresh install, an unchanged re-sync, and one changed document.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::servers::Nginx;
use common::{copy_dir, demo, edit, settle_manifest};
use gongkai_kiosk::pack::SecretKey;
use gongkai_kiosk::publish::{PublishOptions, publish};
use gongkai_kiosk::store::Store;
use gongkai_kiosk::sync::{SyncOptions, sync};

const KIOSKS: usize = 200;

fn all_sync(root: &Path, o: &SyncOptions) -> Duration {
    let started = Instant::now();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..KIOSKS)
            .map(|i| {
                let dir = root.join(format!("kiosk-{i:03}"));
                s.spawn(move || {
                    let mut store = Store::open(&dir).unwrap();
                    sync(&mut store, &dir, o, &|_| {}).unwrap_or_else(|e| panic!("kiosk {i}: {e}"))
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
    });
    started.elapsed()
}

#[test]
fn two_hundred_kiosks_sync_from_one_nginx() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    copy_dir(&demo(), &src);
    let out = tmp.path().join("pack");
    let key = SecretKey::generate();
    let first = publish(&src, &out, &key, &PublishOptions::default()).unwrap();
    settle_manifest(&out);
    let nginx = Nginx::start(&out);
    let mut o = SyncOptions::new(&nginx.url(), vec![key.public()]);
    o.concurrency = 2;
    o.reserve_bytes = 0;
    o.backoff_base = Duration::from_millis(50);

    let mut report = Vec::new();
    let mut round = |name: &str, o: &SyncOptions| {
        nginx.clear_log();
        let took = all_sync(tmp.path(), o);
        let log = nginx.log();
        let bytes: u64 = log.iter().map(|l| l.bytes).sum();
        let errors = log.iter().filter(|l| l.status >= 400).count();
        let line = format!(
            "{name}: {KIOSKS} kiosks in {:.1} s; {} requests ({:.1} per kiosk), {:.1} KB sent per kiosk, {errors} errors",
            took.as_secs_f64(),
            log.len(),
            log.len() as f64 / KIOSKS as f64,
            bytes as f64 / KIOSKS as f64 / 1024.0
        );
        eprintln!("{line}");
        report.push(line);
        (log, bytes)
    };

    let (log, _) = round("fresh install", &o);
    assert_eq!(log.iter().filter(|l| l.path == "/manifest.json").count(), KIOSKS);
    // each kiosk fetches each file once: the pack's files plus its manifest
    assert_eq!(log.len(), KIOSKS * (first.files_written + 1), "no file fetched twice");
    let body: u64 = log.iter().map(|l| l.body_bytes).sum();
    let manifest = std::fs::metadata(out.join("manifest.json")).unwrap().len();
    assert_eq!(body / KIOSKS as u64, first.pack_bytes + manifest, "content bytes per kiosk = the pack");

    let (log, bytes) = round("unchanged re-sync", &o);
    assert_eq!(log.len(), KIOSKS);
    assert!(log.iter().all(|l| l.status == 304));
    assert!(bytes / KIOSKS as u64 <= 2048);

    edit(&src.join("docs/elderly/meal-policy.md"), "为解决老年人", "为切实解决老年人");
    publish(&src, &out, &key, &PublishOptions::default()).unwrap();
    let (log, _) = round("one changed document", &o);
    assert_eq!(log.len(), KIOSKS * 3, "manifest, shard and item per kiosk");
    std::fs::write(Path::new(env!("CARGO_TARGET_TMPDIR")).join("sync-scale-report.txt"), report.join("\n")).unwrap();
}
