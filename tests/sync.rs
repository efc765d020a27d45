//! Publish and sync against real parts: packs served by Debian's nginx, a small fault-staging
//! server only where a fault must be staged, and the real SQLite store.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::servers::{Fault, FaultServer, Nginx};
use common::{copy_dir, demo, edit, settle_manifest};
use gongkai_kiosk::pack::{self, PackError, SecretKey};
use gongkai_kiosk::publish::{PublishOptions, publish};
use gongkai_kiosk::store::{Store, StoreError};
use gongkai_kiosk::sync::{Progress, SyncError, SyncOptions, SyncOutcome, SyncSummary, sync};

fn kiosk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongkai-kiosk"))
        .args(args)
        .env("GONGKAI_KIOSK_CONFIG", Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config/kiosk.toml"))
        .env_remove("RUST_LOG")
        .output()
        .expect("the binary runs")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// Options for tests: the trusted key, short waits.
fn options(url: &str, key: &SecretKey) -> SyncOptions {
    let mut o = SyncOptions::new(url, vec![key.public()]);
    o.backoff_base = Duration::from_millis(20);
    o.backoff_max = Duration::from_secs(3);
    o.stall_timeout = Duration::from_secs(2);
    o.reserve_bytes = 0;
    o
}

fn run_sync(data: &Path, o: &SyncOptions) -> Result<SyncSummary, SyncError> {
    let mut store = Store::open(data).unwrap();
    sync(&mut store, data, o, &|_| {})
}

/// What a visitor would see, in a comparable form: content hash, documents and a search.
fn state(data: &Path) -> (String, Vec<String>, u64) {
    let store = Store::open_read_only(data).unwrap();
    let snap = store.snapshot().unwrap().unwrap();
    let docs: Vec<String> = store
        .documents(&Default::default(), 10_000, 0)
        .unwrap()
        .into_iter()
        .map(|d| format!("{} {} {}", d.id, d.title, d.published))
        .collect();
    let searcher = gongkai_kiosk::search::Searcher::new(&store).unwrap();
    let found = searcher.search(&store, "补贴", &Default::default(), 50, 0).unwrap().total;
    (snap.content_hash, docs, found)
}

struct Publisher {
    _tmp: tempfile::TempDir,
    key: SecretKey,
    src: PathBuf,
    out: PathBuf,
}

impl Publisher {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let src = tmp.path().join("src");
        copy_dir(&demo(), &src);
        let out = tmp.path().join("pack");
        Publisher { key: SecretKey::generate(), src, out, _tmp: tmp }
    }

    fn publish(&self) -> gongkai_kiosk::publish::PublishReport {
        publish(&self.src, &self.out, &self.key, &PublishOptions::default()).unwrap()
    }

    /// The shards of the pack as published now, in the manifest's order.
    fn shards(&self) -> Vec<pack::Shard> {
        let manifest =
            pack::verify_manifest(&fs::read(self.out.join("manifest.json")).unwrap(), &[self.key.public()]).unwrap();
        let read = |sha: &str| fs::read(self.out.join(pack::object_path(sha).unwrap())).unwrap();
        manifest.body.shards.iter().map(|s| serde_json::from_slice(&read(&s.sha256)).unwrap()).collect()
    }

    /// A copy of the pack as it is now (to serve an old version later).
    fn snapshot_pack(&self, name: &str) -> PathBuf {
        let to = self.out.parent().unwrap().join(name);
        copy_dir(&self.out, &to);
        to
    }
}

#[test]
fn publish_serve_with_nginx_sync_and_see_only_the_change_move() {
    let tmp = tempfile::tempdir().unwrap();
    let key = tmp.path().join("publisher.key");
    let src = tmp.path().join("src");
    copy_dir(&demo(), &src);
    let out = tmp.path().join("pack");
    let data = tmp.path().join("kiosk");
    let fresh = tmp.path().join("fresh");

    let o = kiosk(&["keygen", "--out", key.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let public = String::from_utf8(o.stdout.clone()).unwrap().trim().to_string();
    assert_eq!(public.len(), 64);
    let o = kiosk(&["publish", src.to_str().unwrap(), out.to_str().unwrap(), "--key", key.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("published pack version 1"), "{}", text(&o));
    settle_manifest(&out);

    let nginx = Nginx::start(&out);
    let sync_cli = |dir: &Path| {
        kiosk(&["sync", "--source", &nginx.url(), "--trust", &public, "--data-dir", dir.to_str().unwrap()])
    };
    let o = sync_cli(&data);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("updated to pack version 1: 76 added"), "{}", text(&o));
    let o = kiosk(&["status", "--data-dir", data.to_str().unwrap()]);
    assert!(text(&o).contains("48 documents"), "{}", text(&o));
    assert!(text(&o).contains("pack version 1"), "{}", text(&o));

    // Unchanged: one conditional request, answered 304.
    nginx.clear_log();
    let o = sync_cli(&data);
    assert!(o.status.success() && text(&o).contains("up to date"), "{}", text(&o));
    let log = nginx.log();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0].status, 304, "{log:?}");
    assert!(log[0].bytes <= 2048, "{log:?}");

    // One document changes; the publisher re-publishes.
    edit(&src.join("docs/elderly/meal-policy.md"), "为解决老年人“吃饭难”问题", "为解决老年人“吃饭难、做饭难”问题");
    let o = kiosk(&["publish", src.to_str().unwrap(), out.to_str().unwrap(), "--key", key.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", text(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["version"], 2);
    // the changed item, its shard, and the manifest; everything else reused
    assert_eq!(report["files_written"], 2, "{report}");

    nginx.clear_log();
    let o = sync_cli(&data);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("updated to pack version 2 (from 1): 0 added, 1 changed, 0 removed"), "{}", text(&o));
    let log = nginx.log();
    let paths: Vec<&str> = log.iter().map(|l| l.path.as_str()).collect();
    assert_eq!(paths.len(), 3, "manifest, one shard, one item: {paths:?}");
    assert_eq!(paths[0], "/manifest.json");
    let moved: u64 = log.iter().map(|l| l.body_bytes).sum();
    assert!(moved < 30_000, "{moved} bytes for one changed document");
    let o = kiosk(&["show", "wc-zc-2024-lnzc", "--data-dir", data.to_str().unwrap()]);
    assert!(text(&o).contains("吃饭难、做饭难"), "{}", text(&o));
    // the staged files went with the command: no staging folder, none moved aside and left
    let left: Vec<String> = fs::read_dir(&data)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("staging"))
        .collect();
    assert!(left.is_empty(), "{left:?}");

    // The incremental update ends where a fresh install of the same pack does, and where a
    // local import of the same folder does.
    let o = sync_cli(&fresh);
    assert!(o.status.success(), "{}", text(&o));
    let imported = tmp.path().join("imported");
    let o = kiosk(&["import", src.to_str().unwrap(), "--data-dir", imported.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(state(&data), state(&fresh));
    assert_eq!(state(&data).0, state(&imported).0);
}

#[test]
fn a_manifest_replaced_within_the_second_at_the_same_size_is_still_fetched() {
    // nginx's ETag is the manifest's modification time in whole seconds and its size. A pack
    // re-published within the second a kiosk fetched the old manifest, at the same size, keeps
    // the ETag: a kiosk that sent it back would be answered 304 and keep the old content.
    let p = Publisher::new();
    p.publish();
    let v1 = fs::read(p.out.join("manifest.json")).unwrap();
    // the same number of bytes, so the manifest's size stays the same too
    edit(&p.src.join("docs/elderly/meal-policy.md"), "为解决老年人", "为处理老年人");
    p.publish();
    let v2 = fs::read(p.out.join("manifest.json")).unwrap();
    assert_eq!(v1.len(), v2.len(), "the two manifests must have one size for this test to stage the fault");
    // Both files carry one modification time: the second in which the file system stamped
    // them (here just ahead of the server's clock, as a coarse file clock or a publisher's
    // clock can be).
    let stamp = std::time::UNIX_EPOCH
        + Duration::from_secs(
            (std::time::SystemTime::now() + Duration::from_secs(2))
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs(),
        );
    let serve_manifest = |bytes: &[u8]| {
        fs::write(p.out.join("manifest.json"), bytes).unwrap();
        fs::File::options().write(true).open(p.out.join("manifest.json")).unwrap().set_modified(stamp).unwrap();
    };
    let nginx = Nginx::start(&p.out);
    let o = options(&nginx.url(), &p.key);
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("kiosk");
    serve_manifest(&v1);
    let s = run_sync(&data, &o).unwrap();
    assert!(matches!(s.outcome, SyncOutcome::Updated { to: 1, .. }), "{:?}", s.outcome);

    serve_manifest(&v2);
    nginx.clear_log();
    let s = run_sync(&data, &o).unwrap();
    assert!(matches!(s.outcome, SyncOutcome::Updated { to: 2, .. }), "{:?}", s.outcome);
    let log = nginx.log();
    assert_eq!(log[0].path, "/manifest.json", "{log:?}");
    assert_eq!(log[0].status, 200, "fetched whole, not answered 304: {log:?}");
    let store = Store::open_read_only(&data).unwrap();
    let searcher = gongkai_kiosk::search::Searcher::new(&store).unwrap();
    assert_eq!(searcher.search(&store, "为处理老年人", &Default::default(), 5, 0).unwrap().total, 1);
}

#[test]
fn removals_media_and_site_changes_end_like_a_fresh_install() {
    let p = Publisher::new();
    p.publish();
    let nginx = Nginx::start(&p.out);
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    run_sync(&a, &options(&nginx.url(), &p.key)).unwrap();

    // v2: a document removed, the infographic replaced by a new image, the phone changed.
    fs::remove_file(p.src.join("docs/culture/library-hours.md")).unwrap();
    let png = fs::read(p.src.join("media/meal-infographic.png")).unwrap();
    let img = image::load_from_memory(&png).unwrap().brighten(10);
    img.save(p.src.join("media/meal-infographic.png")).unwrap();
    let site = fs::read_to_string(p.src.join("site.toml")).unwrap();
    let phone_line = site.lines().find(|l| l.starts_with("phone")).expect("site.toml has a phone").to_string();
    edit(&p.src.join("site.toml"), &phone_line, "phone = \"0000-12345678\"");
    let r = p.publish();
    assert_eq!(r.version, 2);

    let s = run_sync(&a, &options(&nginx.url(), &p.key)).unwrap();
    let SyncOutcome::Updated { report, .. } = s.outcome else { panic!("expected an update") };
    assert_eq!(report.documents.removed, 1);
    assert_eq!(report.documents.changed, 1, "the infographic document refers to the new image");
    assert!(report.site_changed);
    assert_eq!(report.blobs_copied, 1);
    run_sync(&b, &options(&nginx.url(), &p.key)).unwrap();
    assert_eq!(state(&a), state(&b));
    let store = Store::open_read_only(&a).unwrap();
    assert_eq!(store.site().unwrap().unwrap().phone, "0000-12345678");

    // The old image stays until the next sync collects it; then only referenced files remain.
    run_sync(&a, &options(&nginx.url(), &p.key)).unwrap();
    let files: usize = walk(&a.join("blobs")).len();
    assert_eq!(files, Store::open_read_only(&a).unwrap().referenced_blobs().unwrap().len());
}

#[test]
fn applied_is_reported_once_the_new_content_is_live() {
    let p = Publisher::new();
    p.publish();
    let nginx = Nginx::start(&p.out);
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("kiosk");
    let mut store = Store::open(&data).unwrap();
    // (event, items, whether a reader sees a snapshot at that moment)
    let seen = std::sync::Mutex::new(Vec::new());
    let progress = |event: Progress| {
        let live = || Store::open_read_only(&data).unwrap().snapshot().unwrap().is_some();
        match event {
            Progress::Applying { items } => seen.lock().unwrap().push(("applying", items, live())),
            Progress::Applied { items } => seen.lock().unwrap().push(("applied", items, live())),
            _ => {}
        }
    };
    let s = sync(&mut store, &data, &options(&nginx.url(), &p.key), &progress).unwrap();
    let SyncOutcome::Updated { report, .. } = s.outcome else { panic!("expected an update") };
    let items = report.total().added as u64;
    assert!(items > 40, "{report:?}");
    assert_eq!(*seen.lock().unwrap(), [("applying", items, false), ("applied", items, true)]);
}

#[test]
fn an_office_changes_hours_and_announcements_on_every_kiosk_but_never_a_kiosks_own_settings() {
    let p = Publisher::new();
    p.publish();
    let nginx = Nginx::start(&p.out);
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("kiosk");
    run_sync(&data, &options(&nginx.url(), &p.key)).unwrap();

    // the office publishes new opening hours and an announcement for the coming days
    let site_file = p.src.join("site.toml");
    let site = fs::read_to_string(&site_file).unwrap();
    let hours_line = site.lines().find(|l| l.starts_with("hours")).unwrap().to_string();
    edit(&site_file, &hours_line, "hours = \"周一至周六 9:00—17:00\"");
    let today = chrono::Local::now().date_naive();
    let mut site = fs::read_to_string(&site_file).unwrap();
    site.push_str(&format!(
        "\n[[announcements]]\ntext = \"本周六加班开放，办理时间9:00—17:00。\"\nfrom = {}\nuntil = {}\n",
        today - chrono::Days::new(1),
        today + chrono::Days::new(5)
    ));
    fs::write(&site_file, &site).unwrap();
    assert_eq!(p.publish().version, 2);
    let s = run_sync(&data, &options(&nginx.url(), &p.key)).unwrap();
    let SyncOutcome::Updated { report, .. } = s.outcome else { panic!("expected an update") };
    assert!(report.site_changed);
    let site_now = Store::open_read_only(&data).unwrap().site().unwrap().unwrap();
    assert_eq!(site_now.hours, "周一至周六 9:00—17:00");
    let shown: Vec<&str> =
        site_now.announcements.iter().filter(|a| a.is_shown_on(today)).map(|a| a.text.as_str()).collect();
    assert!(shown.contains(&"本周六加班开放，办理时间9:00—17:00。"), "{shown:?}");

    // a site.toml that tries to set the attendant PIN or the trusted keys is never published:
    // the pack on the server stays as it was, and the kiosk stays on version 2
    let manifest = fs::read(p.out.join("manifest.json")).unwrap();
    let hostile = format!(
        "pin_hash = \"$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA\"\n{site}[sync]\ntrusted_keys = [\"{}\"]\n",
        "ab".repeat(32)
    );
    fs::write(&site_file, hostile).unwrap();
    let err = publish(&p.src, &p.out, &p.key, &PublishOptions::default()).expect_err("refused").to_string();
    assert!(err.contains("site.toml:1: pin_hash is a setting of each kiosk"), "{err}");
    assert!(err.contains("sync is a setting of each kiosk"), "{err}");
    assert_eq!(fs::read(p.out.join("manifest.json")).unwrap(), manifest, "nothing published");
    let s = run_sync(&data, &options(&nginx.url(), &p.key)).unwrap();
    assert!(matches!(s.outcome, SyncOutcome::Unchanged { .. }), "{:?}", s.outcome);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.path().is_dir() {
                out.extend(walk(&e.path()));
            } else {
                out.push(e.path());
            }
        }
    }
    out
}

/// Runs a sync that must be refused, and checks the old content still serves, unchanged.
fn refused(data: &Path, o: &SyncOptions) -> SyncError {
    let before = state(data);
    let err = run_sync(data, o).expect_err("this pack must be refused");
    assert_eq!(state(data), before, "the old content keeps serving after: {err}");
    err
}

#[test]
fn tampered_forged_replayed_expired_oversized_escaping_and_mixed_packs_are_refused() {
    let p = Publisher::new();
    p.publish();
    let v1 = p.snapshot_pack("v1");
    edit(&p.src.join("docs/elderly/meal-policy.md"), "为解决老年人", "为切实解决老年人");
    p.publish();
    let v2 = p.snapshot_pack("v2");
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("kiosk");
    let serve = tmp.path().join("serve");
    let nginx = Nginx::start(&serve);
    let o = options(&nginx.url(), &p.key);
    // nginx's ETag is the modification time (in seconds) and the size: give every manifest
    // served here its own time, as publications seconds apart would have.
    let served = std::cell::Cell::new(0u64);
    let write_manifest = |bytes: &[u8]| {
        fs::write(serve.join("manifest.json"), bytes).unwrap();
        served.set(served.get() + 1);
        let f = fs::File::options().write(true).open(serve.join("manifest.json")).unwrap();
        f.set_modified(std::time::SystemTime::now() + Duration::from_secs(served.get())).unwrap();
    };
    let reset = |from: &Path| {
        let _ = fs::remove_dir_all(&serve);
        copy_dir(from, &serve);
        write_manifest(&fs::read(from.join("manifest.json")).unwrap());
    };
    reset(&v1);
    run_sync(&data, &o).unwrap();

    // A tampered content file (the served bytes differ from the signed hash).
    reset(&v2);
    let manifest = pack::verify_manifest(&fs::read(serve.join("manifest.json")).unwrap(), &[p.key.public()]).unwrap();
    let shard_path = serve.join(pack::object_path(&manifest.body.shards[0].sha256).unwrap());
    let shard: pack::Shard = serde_json::from_slice(&fs::read(&shard_path).unwrap()).unwrap();
    let item = shard.items.iter().find(|i| i.id == "wc-zc-2024-lnzc").unwrap();
    let item_path = serve.join(pack::object_path(&item.sha256).unwrap());
    let original = fs::read_to_string(&item_path).unwrap();
    fs::write(&item_path, original.replacen("为切实解决", "为切实解訣", 1)).unwrap();
    assert!(matches!(refused(&data, &o), SyncError::Corrupt { .. }));

    // A manifest changed after signing.
    reset(&v2);
    let m = fs::read_to_string(serve.join("manifest.json")).unwrap();
    write_manifest(m.replacen("\"version\":2", "\"version\":9", 1).as_bytes());
    assert!(matches!(refused(&data, &o), SyncError::Manifest(PackError::BadSignature { .. })));

    // A pack signed by a key the kiosk does not trust.
    reset(&v2);
    let stranger = SecretKey::generate();
    let body = manifest.body.clone();
    write_manifest(&pack::sign_manifest(&body, &stranger));
    assert!(matches!(refused(&data, &o), SyncError::Manifest(PackError::UnknownKey { .. })));

    // An oversized manifest is refused unread.
    fs::write(serve.join("manifest.json"), vec![b' '; pack::MAX_MANIFEST_BYTES as usize + 10]).unwrap();
    assert!(matches!(refused(&data, &o), SyncError::Manifest(PackError::TooLarge { .. })));

    // An expired manifest (a frozen pack), properly signed.
    reset(&v2);
    let mut stale = manifest.body.clone();
    stale.expires = chrono::Utc::now() - chrono::Duration::hours(1);
    write_manifest(&pack::sign_manifest(&stale, &p.key));
    assert!(matches!(refused(&data, &o), SyncError::Expired { .. }));

    // Names that try to leave the data directory, in the manifest and in a shard.
    let mut escaping = manifest.body.clone();
    escaping.site.sha256 = "../../../../etc/passwd".into();
    write_manifest(&pack::sign_manifest(&escaping, &p.key));
    assert!(matches!(refused(&data, &o), SyncError::Manifest(PackError::Malformed(_))));
    let mut bad_shard = shard.clone();
    bad_shard.items[0].sha256 = "../../kiosk.sqlite".into();
    let bytes = serde_json::to_vec(&bad_shard).unwrap();
    let sha = pack::sha256_hex(&bytes);
    fs::create_dir_all(serve.join(format!("objects/{}", &sha[..2]))).unwrap();
    fs::write(serve.join(pack::object_path(&sha).unwrap()), &bytes).unwrap();
    let mut escaping = manifest.body.clone();
    escaping.shards[0] = pack::FileRef { sha256: sha, size: bytes.len() as u64 };
    write_manifest(&pack::sign_manifest(&escaping, &p.key));
    assert!(matches!(refused(&data, &o), SyncError::BadFile { .. }));

    // A signed manifest mixing files of two versions: version 2's content hash with version
    // 1's shard. Every file checks out; the content as a whole does not.
    reset(&v2);
    let v1_manifest = pack::verify_manifest(&fs::read(v1.join("manifest.json")).unwrap(), &[p.key.public()]).unwrap();
    let mut mixed = manifest.body.clone();
    mixed.shards = v1_manifest.body.shards.clone();
    mixed.version = 5;
    write_manifest(&pack::sign_manifest(&mixed, &p.key));
    assert!(matches!(refused(&data, &o), SyncError::Store(StoreError::ContentMismatch { .. })));

    // The real version 2 is accepted...
    reset(&v2);
    run_sync(&data, &o).unwrap();
    assert!(state(&data).1.len() == 48);
    // ...and afterwards version 1's manifest, replayed, is refused.
    reset(&v1);
    let signer = p.key.public().id();
    assert!(matches!(refused(&data, &o), SyncError::Rollback { live: 2, offered: 1, key: Some(k) } if k == signer));
    // Version 2 again with different content is refused as well.
    let mut reused = manifest.body.clone();
    reused.zone = "别的专区".into();
    write_manifest(&pack::sign_manifest(&reused, &p.key));
    assert!(matches!(refused(&data, &o), SyncError::VersionReused { version: 2 }));

    // Every refusal is in the sync log for the attendant.
    let history = Store::open_read_only(&data).unwrap().sync_history(50).unwrap();
    assert!(history.iter().filter(|r| r.outcome == "failed").count() >= 9);
}

#[test]
fn staged_network_faults_are_retried_and_resumed() {
    let p = Publisher::new();
    p.publish();
    let server = FaultServer::start(&p.out);
    let o = options(&server.url(), &p.key);
    let tmp = tempfile::tempdir().unwrap();
    // The biggest file in the pack: the budget PDF.
    let shard = p.shards().swap_remove(0);
    let big = shard.items.iter().flat_map(|i| i.media.iter()).max_by_key(|m| m.size).unwrap().clone();
    let big_path = format!("/{}", pack::object_path(&big.sha256).unwrap());
    assert!(big.size > 20_000, "{big:?}");

    // Connection dropped mid-file: the next attempt asks for the rest with Range.
    server.stage(&big_path, Fault::DropMidFile(0.5), 1);
    // The manifest: a 500, then a 429 with Retry-After, then an empty body.
    server.stage("/manifest.json", Fault::Status(500, None), 1);
    let started = Instant::now();
    run_sync(&tmp.path().join("a"), &o).unwrap();
    let reqs = server.requests_for(&big_path);
    assert_eq!(reqs.len(), 2, "{reqs:?}");
    assert_eq!(reqs[1].range.as_deref(), Some(format!("bytes={}-", big.size / 2).as_str()), "{reqs:?}");
    assert!(started.elapsed() < Duration::from_secs(20));

    server.stage("/manifest.json", Fault::Status(429, Some(1)), 1);
    server.stage("/manifest.json", Fault::Empty, 1);
    let started = Instant::now();
    run_sync(&tmp.path().join("b"), &o).unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1), "Retry-After honoured");
    assert_eq!(server.requests_for("/manifest.json").len(), 2 + 3);

    // Range ignored (200 with the whole file), and a wrong Content-Range: both end whole.
    for fault in [Fault::IgnoreRange, Fault::WrongContentRange] {
        let data = tmp.path().join(format!("{fault:?}").chars().filter(|c| c.is_alphanumeric()).collect::<String>());
        server.stage(&big_path, Fault::DropMidFile(0.3), 1);
        server.stage(&big_path, fault, 1);
        run_sync(&data, &o).unwrap();
        let store = Store::open_read_only(&data).unwrap();
        assert!(store.blobs().contains(&big.sha256));
        let bytes = fs::read(store.blobs().path(&big.sha256).unwrap()).unwrap();
        assert_eq!(pack::sha256_hex(&bytes), big.sha256);
    }

    // A truncated body (announced length, fewer bytes), and a slow trickle that stalls.
    server.stage(&big_path, Fault::Truncated(0.7), 1);
    run_sync(&tmp.path().join("c"), &o).unwrap();
    let mut slow = o.clone();
    slow.stall_timeout = Duration::from_secs(1);
    slow.min_rate_bytes_per_sec = 4096;
    server.stage(&big_path, Fault::Trickle(Duration::from_millis(20)), 1);
    let started = Instant::now();
    run_sync(&tmp.path().join("d"), &slow).unwrap();
    assert!(started.elapsed() < Duration::from_secs(15), "the trickle was given up and resumed");
    let reqs = server.requests_for(&big_path);
    assert!(reqs.last().unwrap().range.is_some(), "resumed after the trickle: {reqs:?}");

    // A file that keeps failing ends this sync (old content serving) and resumes next time.
    let data = tmp.path().join("e");
    server.stage(&big_path, Fault::DropMidFile(0.5), o.attempts as usize);
    let err = run_sync(&data, &o).unwrap_err();
    assert!(matches!(err, SyncError::Network { .. }), "{err}");
    assert!(Store::open_read_only(&data).unwrap().snapshot().unwrap().is_none(), "nothing half-applied");
    let before = server.requests_for(&big_path).len();
    run_sync(&data, &o).unwrap();
    let reqs = server.requests_for(&big_path);
    assert_eq!(reqs.len(), before + 1);
    assert!(reqs.last().unwrap().range.is_some(), "the partial file was resumed: {reqs:?}");
    assert_eq!(state(&data), state(&tmp.path().join("a")));
}

#[test]
fn a_second_sync_of_the_same_data_folder_stops_at_once_and_says_why() {
    let p = Publisher::new();
    p.publish();
    let nginx = Nginx::start(&p.out);
    let o = options(&nginx.url(), &p.key);
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("kiosk");
    fs::create_dir_all(&data).unwrap();
    // another sync (here `flock`, holding the same lock as a sync would) runs on the folder
    let lock = data.join("sync.lock");
    let mut holder =
        Command::new("flock").args(["--nonblock", "--no-fork"]).arg(&lock).args(["sleep", "60"]).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !lock.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    let err = run_sync(&data, &o).unwrap_err();
    assert!(matches!(err, SyncError::Busy { .. }) && err.is_transient(), "{err}");
    assert!(nginx.log().is_empty(), "nothing fetched while the other sync runs");
    let public = p.key.public().to_hex();
    let out = kiosk(&["sync", "--source", &nginx.url(), "--trust", &public, "--data-dir", data.to_str().unwrap()]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("another sync of this data folder is running"), "{}", text(&out));
    let _ = holder.kill();
    let _ = holder.wait();
    // the other one ended: this one runs
    run_sync(&data, &o).unwrap();
    assert!(Store::open_read_only(&data).unwrap().snapshot().unwrap().is_some());
}

/// The items a sync fetched from `server` since `from` requests: their paths.
fn item_requests(server: &FaultServer, items: &[String], from: usize) -> Vec<String> {
    let reqs = server.requests.lock().unwrap()[from..].to_vec();
    reqs.into_iter().map(|r| r.path).filter(|p| items.iter().any(|i| p.ends_with(i.as_str()))).collect()
}

#[test]
fn a_stopped_sync_keeps_the_items_it_staged_and_a_damaged_staging_log_is_cut_and_fetched_again() {
    let p = Publisher::new();
    p.publish();
    let server = FaultServer::start(&p.out);
    let o = options(&server.url(), &p.key);
    let tmp = tempfile::tempdir().unwrap();
    let mut items: Vec<(String, String)> = p
        .shards()
        .iter()
        .flat_map(|s| s.items.iter())
        .map(|i| (i.sha256.clone(), format!("/{}", pack::object_path(&i.sha256).unwrap())))
        .collect();
    items.sort();
    let paths: Vec<String> = items.iter().map(|(_, p)| p.clone()).collect();
    assert!(paths.len() > 40, "{}", paths.len());
    // Items are fetched in the order of their hashes: the last one keeps failing, so the sync
    // stops after (nearly) all the others arrived.
    let failing = paths.last().unwrap().clone();

    let fresh = tmp.path().join("fresh");
    run_sync(&fresh, &o).unwrap();
    let mut second_fetches = Vec::new();
    for damaged in [false, true] {
        let data = tmp.path().join(format!("kiosk-{damaged}"));
        server.stage(&failing, Fault::Status(500, None), o.attempts as usize);
        let from = server.requests.lock().unwrap().len();
        let err = run_sync(&data, &o).unwrap_err();
        assert!(matches!(err, SyncError::Network { .. }), "{err}");
        assert!(Store::open_read_only(&data).unwrap().snapshot().unwrap().is_none(), "nothing half-applied");
        let first = item_requests(&server, &paths, from);
        assert!(first.len() >= paths.len() - 1, "{} of {}", first.len(), paths.len());
        let log = data.join("staging/records.log");
        let logged = fs::metadata(&log).unwrap().len();
        assert!(logged > 10_000, "the arrived items are staged: {logged} bytes");
        if damaged {
            // one byte in the middle of the log: the records from there on are fetched again
            let mut bytes = fs::read(&log).unwrap();
            let mid = bytes.len() / 2;
            bytes[mid] ^= 0x5a;
            fs::write(&log, &bytes).unwrap();
        }
        let from = server.requests.lock().unwrap().len();
        run_sync(&data, &o).unwrap();
        let again = item_requests(&server, &paths, from);
        assert!(again.contains(&failing), "{again:?}");
        assert_eq!(state(&data), state(&fresh));
        assert!(!data.join("staging").exists(), "the staging folder went with the commit");
        second_fetches.push(again.len());
    }
    // Undamaged: only the failing item and those still in flight when the sync stopped (at most
    // one per connection) are fetched again. Damaged: about half of them.
    assert!(second_fetches[0] <= o.concurrency, "{second_fetches:?}");
    assert!(second_fetches[1] > second_fetches[0] + 10, "{second_fetches:?}");
    assert!(second_fetches[1] < paths.len(), "{second_fetches:?}");
}

#[test]
fn a_server_that_is_down_leaves_the_kiosk_serving_and_the_next_sync_completes() {
    let p = Publisher::new();
    p.publish();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("kiosk");
    let nginx = Nginx::start(&p.out);
    let url = nginx.url();
    run_sync(&data, &options(&url, &p.key)).unwrap();
    let before = state(&data);
    drop(nginx);
    let mut o = options(&url, &p.key);
    o.attempts = 2;
    let err = run_sync(&data, &o).unwrap_err();
    assert!(err.is_transient(), "{err}");
    assert_eq!(state(&data), before);
    let o = kiosk(&["status", "--data-dir", data.to_str().unwrap()]);
    assert!(text(&o).contains("last sync attempt failed"), "{}", text(&o));
    assert!(text(&o).contains("48 documents"), "{}", text(&o));
}

/// A small tmpfs mounted for one test (the test command runs as root).
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(mib: u32) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={mib}m"), "tmpfs"])
            .arg(dir.path())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        assert!(ok, "mounting a {mib} MiB tmpfs needs root; the test command (scripts/test) runs as root");
        SmallDisk { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

#[test]
fn disk_full_before_and_during_a_sync_keeps_the_old_content_serving() {
    let p = Publisher::new();
    p.publish();
    let server = FaultServer::start(&p.out);
    let disk = SmallDisk::mount(24);
    let data = disk.path().join("kiosk");
    let mut o = options(&server.url(), &p.key);
    run_sync(&data, &o).unwrap();

    // Version 2 carries a 10 MB attachment.
    let mut big = b"%PDF-1.4\n".to_vec();
    let mut rng = common::Rng(7);
    big.extend((0..10 * 1024 * 1024 / 8).flat_map(|_| rng.next().to_le_bytes()));
    fs::write(p.src.join("media/big-annex.pdf"), &big).unwrap();
    edit(
        &p.src.join("docs/finance/budget-2024.md"),
        "attachments = [\n",
        "attachments = [\n  { title = \"预算附表（大文件）\", file = \"../../media/big-annex.pdf\" },\n",
    );
    p.publish();
    let big_path = format!("/{}", pack::object_path(&pack::sha256_hex(&big)).unwrap());
    let before = state(&data);

    // Before: the reserve does not leave room, so nothing is downloaded.
    let free = disk_free(disk.path());
    o.reserve_bytes = free - 4 * 1024 * 1024;
    let err = run_sync(&data, &o).unwrap_err();
    assert!(matches!(err, SyncError::DiskFull { .. }), "{err}");
    assert!(err.to_string().contains("keeps serving"), "{err}");
    assert!(server.requests_for(&big_path).is_empty());
    assert_eq!(state(&data), before);

    // During: the disk fills up (another program writes a big file) while the sync waits to
    // fetch the attachment.
    o.reserve_bytes = 0;
    server.stage(&big_path, Fault::Status(503, Some(1)), 1);
    let filler = disk.path().join("filler");
    let fill = {
        let filler = filler.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(400));
            let mut f = fs::File::create(&filler).unwrap();
            let chunk = vec![0u8; 1024 * 1024];
            while std::io::Write::write_all(&mut f, &chunk).is_ok() {}
            let _ = f.sync_all();
        })
    };
    let err = run_sync(&data, &o).unwrap_err();
    fill.join().unwrap();
    assert!(matches!(err, SyncError::DiskFull { .. }), "{err}");
    // No connection is open now. Whether the sync's last one left the store's -shm file behind
    // depends on timing; without it (the kiosk started again, or its last query closed) a reader
    // has to make one and the disk has no room for it. The case made certain: the file removed
    // (safe with no connection open) and its room filled.
    let _ = fs::remove_file(data.join("kiosk.sqlite-shm"));
    {
        let mut f = fs::OpenOptions::new().append(true).open(&filler).unwrap();
        while std::io::Write::write_all(&mut f, &[0u8; 4096]).is_ok() {}
    }
    assert_eq!(state(&data), before);
    // (a reader may leave the file, but no room for the index's first 32 KiB)
    let shm = fs::metadata(data.join("kiosk.sqlite-shm")).map_or(0, |m| m.len());
    assert!(shm < 32 * 1024, "the -shm file grew to {shm} bytes on a full disk");
    // the window, started now, serves the content (Home then reads it as `state` did)
    assert_eq!(gongkai_kiosk::startup::prepare_store(&data), Ok(()));
    // readers at once (the window reads Home and search's data together) take turns
    for _ in 0..3 {
        let start = std::sync::Arc::new(std::sync::Barrier::new(8));
        let readers: Vec<_> = (0..8)
            .map(|_| {
                let (data, start) = (data.clone(), start.clone());
                std::thread::spawn(move || {
                    start.wait();
                    Store::open_read_only(&data).and_then(|s| s.snapshot()).map(|s| s.is_some())
                })
            })
            .collect();
        for r in readers {
            assert!(matches!(r.join().unwrap(), Ok(true)), "a reader at the same time failed");
        }
    }
    // the attendant's checks answer as well
    let dir = data.to_str().unwrap();
    let status = kiosk(&["status", "--json", "--data-dir", dir]);
    assert!(status.status.success() && text(&status).contains(&before.0), "{}", text(&status));
    let found = kiosk(&["search", "补贴", "--data-dir", dir]);
    assert!(found.status.success() && text(&found).contains("补贴"), "{}", text(&found));

    // Space again: the next sync completes.
    fs::remove_file(&filler).unwrap();
    run_sync(&data, &o).unwrap();
    let store = Store::open_read_only(&data).unwrap();
    assert!(store.blobs().contains(&pack::sha256_hex(&big)));
}

fn disk_free(path: &Path) -> u64 {
    let out = Command::new("df").args(["--output=avail", "-B1"]).arg(path).output().unwrap();
    String::from_utf8_lossy(&out.stdout).lines().nth(1).unwrap().trim().parse().unwrap()
}

#[test]
fn an_unreadable_pack_record_stops_sync_instead_of_forgetting_the_version_floor() {
    let p = Publisher::new();
    p.publish();
    let nginx = Nginx::start(&p.out);
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("kiosk");
    let o = options(&nginx.url(), &p.key);
    run_sync(&data, &o).unwrap();
    let before = state(&data);
    // the record of the applied pack (its version: the floor) damaged
    Store::open(&data)
        .unwrap()
        .connection()
        .execute("UPDATE pack_state SET data = '{\"version\": ' WHERE id = 1", [])
        .unwrap();
    let err = run_sync(&data, &o).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("cannot be read") && msg.contains("DELETE FROM pack_state"), "{msg}");
    assert_eq!(state(&data), before, "the content keeps serving");
    // status still answers, the kiosk still shows its content
    let o2 = kiosk(&["status", "--data-dir", data.to_str().unwrap()]);
    assert!(o2.status.success(), "{}", text(&o2));
    // the operator's way out: the record removed, the next sync starts again from the pack
    Store::open(&data).unwrap().connection().execute("DELETE FROM pack_state", []).unwrap();
    run_sync(&data, &o).unwrap();
    assert_eq!(state(&data), before);
    assert!(Store::open(&data).unwrap().checked_pack_state().unwrap().is_some());
}
