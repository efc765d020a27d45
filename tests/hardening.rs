//! Issue 16: a public terminal that no input can crash, exhaust, fool or make remember a
//! visitor. One test per finding of the attack run, each through the real binary or the library
//! as the kiosk uses it, with real files, SQLite, nginx and sockets.

mod common;

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::servers::Nginx;
use common::{copy_dir, demo, demo_copy, edit};
use gongkai_kiosk::pack::{self, PublicKey, SecretKey};
use gongkai_kiosk::publish::{PublishOptions, publish, publish_set};
use gongkai_kiosk::store::Store;
use gongkai_kiosk::sync::{SyncError, SyncOptions, sync};

fn kiosk_cmd(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gongkai-kiosk"));
    c.args(args)
        .env("GONGKAI_KIOSK_CONFIG", Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config/kiosk.toml"))
        .env_remove("RUST_LOG");
    c
}

fn kiosk(args: &[&str]) -> Output {
    kiosk_cmd(args).output().expect("the binary runs")
}

/// Runs the binary, killing it after `limit` (a hang is a failure, not a stuck test).
fn kiosk_within(args: &[&str], stdin: Stdio, limit: Duration) -> Output {
    let mut child = kiosk_cmd(args).stdin(stdin).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!("`gongkai-kiosk {}` still ran after {limit:?}: {}", args.join(" "), text(&out));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn imported_demo() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let o = kiosk(&["import", s(&demo()), "--data-dir", s(&data)]);
    assert!(o.status.success(), "{}", text(&o));
    (tmp, data)
}

fn sync_options(url: &str, key: &PublicKey) -> SyncOptions {
    let mut o = SyncOptions::new(url, vec![key.clone()]);
    o.backoff_base = Duration::from_millis(20);
    o.backoff_max = Duration::from_secs(2);
    o.stall_timeout = Duration::from_secs(2);
    o.reserve_bytes = 0;
    o
}

fn run_sync(data: &Path, o: &SyncOptions) -> Result<(), SyncError> {
    let mut store = Store::open(data).unwrap();
    sync(&mut store, data, o, &|_| {}).map(|_| ())
}

fn content_hash(data: &Path) -> Option<String> {
    Store::open_read_only(data).unwrap().snapshot().unwrap().map(|s| s.content_hash)
}

/// A manifest's signed body as JSON, re-signed by `key` after `change`.
fn resign(manifest: &Path, key: &SecretKey, change: impl FnOnce(&mut serde_json::Value)) {
    let file: serde_json::Value = serde_json::from_slice(&fs::read(manifest).unwrap()).unwrap();
    let mut body = file["signed"].clone();
    change(&mut body);
    let body: pack::ManifestBody = serde_json::from_value(body).unwrap();
    fs::write(manifest, pack::sign_manifest(&body, key)).unwrap();
}

// ----- 1. weak trusted keys -----

/// A "signature" anyone can make for a small-order public key: R = the identity point, s = 0.
fn forged_manifest(body: &pack::ManifestBody, keyid: &str) -> Vec<u8> {
    let signed = serde_json::to_string(body).unwrap();
    let sig = format!("01{}{}", "0".repeat(62), "0".repeat(64));
    format!("{{\"signed\":{signed},\"signatures\":[{{\"keyid\":\"{keyid}\",\"sig\":\"{sig}\"}}]}}").into_bytes()
}

#[test]
fn weak_trusted_keys_are_refused_and_forged_manifests_never_verify() {
    let identity = format!("01{}", "0".repeat(62));
    let zero = "0".repeat(64);
    // check-config names the weak key at its line
    let tmp = tempfile::tempdir().unwrap();
    let cfg = tmp.path().join("kiosk.toml");
    fs::write(&cfg, format!("[sync]\nsource_url = \"https://example.org/p\"\ntrusted_keys = [\"{zero}\"]\n")).unwrap();
    let o = kiosk(&["check-config", s(&cfg)]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("kiosk.toml:3") && text(&o).contains("weak"), "{}", text(&o));

    // a manifest "signed" for the identity key verifies for no trusted key
    let p = tmp.path().join("pack");
    let key = SecretKey::generate();
    publish(&demo(), &p, &key, &PublishOptions::default()).unwrap();
    let real = pack::verify_manifest(&fs::read(p.join("manifest.json")).unwrap(), &[key.public()]).unwrap();
    for weak in [&identity, &zero] {
        match PublicKey::parse(weak) {
            Err(_) => {}
            Ok(k) => {
                let forged = forged_manifest(&real.body, &k.id());
                assert!(pack::verify_manifest(&forged, &[k]).is_err(), "a forged manifest verified for key {weak}");
            }
        }
    }
    // nor through the command line's --trust
    let data = tmp.path().join("data");
    let o = kiosk(&["sync", "--source", "http://127.0.0.1:9/p", "--trust", &identity, "--data-dir", s(&data)]);
    assert!(!o.status.success());
    assert!(text(&o).contains("weak"), "{}", text(&o));
}

// ----- 2. one query exhausting the machine -----

#[test]
fn a_huge_query_is_cut_short_and_says_so() {
    let (_tmp, data) = imported_demo();
    for query in ["OR ".repeat(2_000), "长".repeat(32_000)] {
        let o = kiosk_within(&["search", &query, "--data-dir", s(&data)], Stdio::null(), Duration::from_secs(60));
        assert!(o.status.success(), "{}", text(&o));
        assert!(text(&o).contains("the query was shortened"), "{}", text(&o));
        let o =
            kiosk_within(&["search", &query, "--json", "--data-dir", s(&data)], Stdio::null(), Duration::from_secs(60));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert!(v["query"].as_str().unwrap().chars().count() <= 64, "{}", v["query"]);
        assert_eq!(v["shortened"], true);
    }
}

// ----- 3. personal data in the zero-result log -----

#[test]
fn the_zero_result_log_keeps_nothing_that_identifies_a_visitor_and_forgets_old_days() {
    let (_tmp, data) = imported_demo();
    let personal = [
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "1101 0519 4912 3100 29",
        "6222 0212 3456 7890",
        "一三八一二三四五六七八",
        "王五 138 0013 8000",
        "我叫李小明住在望川路12号",
        "zhangsan at qq dot com",
    ];
    for q in personal.iter().chain(["火星基地"].iter()) {
        let o = kiosk(&["search", q, "--data-dir", s(&data)]);
        assert!(text(&o).starts_with("0 result(s)"), "{q}: {}", text(&o));
    }
    // a line an earlier version kept, and one from 40 days ago
    {
        let db = rusqlite::Connection::open(data.join("kiosk.sqlite")).unwrap();
        let old = (chrono::Local::now() - chrono::Duration::days(40)).format("%Y-%m-%d").to_string();
        db.execute("INSERT INTO zero_result_queries (query, day, count) VALUES ('水星基地', ?1, 3)", [old]).unwrap();
        let today = chrono::Local::now().format("%Y-%m-%d").to_string();
        db.execute(
            "INSERT INTO zero_result_queries (query, day, count) VALUES ('王五 一三八一二三四', ?1, 1)",
            [today],
        )
        .unwrap();
    }
    let o = kiosk(&["zero-results", "--data-dir", s(&data)]);
    let log = text(&o);
    assert!(log.contains("火星基地"), "{log}");
    for q in personal {
        for word in q.split_whitespace() {
            assert!(!log.contains(word), "{word} (from {q}) kept:\n{log}");
        }
    }
    assert!(!log.contains("李小明") && !log.contains("zhangsan") && !log.contains("王五"), "{log}");
    assert!(!log.contains("水星基地"), "a day older than the log keeps was not forgotten:\n{log}");
    // and nothing of it is left in the database file either
    let db = rusqlite::Connection::open(data.join("kiosk.sqlite")).unwrap();
    let n: i64 =
        db.query_row("SELECT count(*) FROM zero_result_queries WHERE query <> '火星基地'", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 0);
}

// ----- 4. stack overflow on deep nesting -----

#[test]
fn deep_nesting_is_refused_at_import_and_never_overflows_a_renderer() {
    let (tmp, src) = demo_copy();
    let doc = src.join("docs/elderly/meal-policy.md");
    let original = fs::read_to_string(&doc).unwrap();
    let (front, _) = original.rsplit_once("+++").unwrap();
    fs::write(&doc, format!("{front}+++\n{}深\n", "> ".repeat(10_000))).unwrap();
    let data = tmp.path().join("data");
    let o =
        kiosk_within(&["import", s(&src), "--dry-run", "--data-dir", s(&data)], Stdio::null(), Duration::from_secs(60));
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("docs/elderly/meal-policy.md") && text(&o).contains("nests"), "{}", text(&o));

    // Content that did not pass the loader (a signed pack carries bodies as they are): the
    // reader's blocks and the PDF layout stay within their depth.
    let mut set = gongkai_kiosk::content::load(&demo()).unwrap();
    let id = set.documents[0].id.clone();
    set.documents[0].body = format!("{}深\n\n{}- 列表\n", "> ".repeat(10_000), "  - ".repeat(2_000));
    let mut store = Store::open(&data).unwrap();
    store.apply(&set, "test").unwrap();
    drop(store);
    let pdf = tmp.path().join("deep.pdf");
    let o = kiosk_within(
        &["print", "doc", &id, "--out", s(&pdf), "--data-dir", s(&data)],
        Stdio::null(),
        Duration::from_secs(120),
    );
    assert!(o.status.success(), "exit {:?}: {}", o.status.code(), text(&o));
    assert!(fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    let o = kiosk(&["show", &id, "--data-dir", s(&data)]);
    assert!(o.status.success(), "exit {:?}: {}", o.status.code(), text(&o));
}

// ----- 5. source folders -----

#[test]
fn links_out_fifos_deep_folders_and_control_characters_in_a_source_folder_are_reported() {
    let (tmp, src) = demo_copy();
    let secret = tmp.path().join("secret.md");
    fs::copy(src.join("docs/elderly/meal-policy.md"), &secret).unwrap();
    edit(&secret, "wc-zc-2024-lnzc", "secret-doc");
    std::os::unix::fs::symlink(&secret, src.join("docs/secret.md")).unwrap();
    std::os::unix::fs::symlink(tmp.path(), src.join("docs/outside")).unwrap();
    let fifo = src.join("docs/pipe.md");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let mut deep = src.join("docs");
    for _ in 0..40 {
        deep.push("d");
    }
    fs::create_dir_all(&deep).unwrap();
    fs::copy(src.join("docs/elderly/meal-policy.md"), deep.join("deep.md")).unwrap();
    edit(&deep.join("deep.md"), "wc-zc-2024-lnzc", "deep-doc");
    edit(&src.join("docs/elderly/meal-policy.md"), "title = \"", "title = \"\\u001b[2J");

    let data = tmp.path().join("data");
    let o = kiosk_within(&["import", s(&src), "--data-dir", s(&data)], Stdio::null(), Duration::from_secs(60));
    let out = text(&o);
    assert!(!o.status.success(), "{out}");
    assert!(out.contains("docs/secret.md: is a link to something outside the source folder"), "{out}");
    assert!(out.contains("docs/outside: is a link to something outside the source folder"), "{out}");
    assert!(out.contains("docs/pipe.md: is not a regular file"), "{out}");
    assert!(out.contains("folders deep"), "{out}");
    assert!(out.contains("docs/elderly/meal-policy.md:") && out.contains("control character U+001B"), "{out}");
    assert!(!out.contains('\u{1b}'), "a raw escape reached the terminal: {out:?}");
    assert!(Store::open_read_only(&data).map(|s| s.snapshot().unwrap().is_none()).unwrap_or(true));
}

#[test]
fn control_characters_in_stored_content_never_reach_the_terminal_raw() {
    // A signed pack is not checked by the loader: its titles reach `list` and `show` as stored.
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut set = gongkai_kiosk::content::load(&demo()).unwrap();
    set.documents[0].title = "标题\u{1b}]0;owned\u{7}\u{1b}[2J\u{9b}31m".into();
    let id = set.documents[0].id.clone();
    Store::open(&data).unwrap().apply(&set, "test").unwrap();
    for args in [vec!["list", "--limit", "1000"], vec!["show", &id]] {
        let mut a = args.clone();
        a.extend(["--data-dir", s(&data)]);
        let o = kiosk(&a);
        assert!(o.status.success(), "{}", text(&o));
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("标题"), "{out}");
        assert!(!out.contains('\u{1b}') && !out.contains('\u{7}') && !out.contains('\u{9b}'), "{args:?}: {out:?}");
    }
}

// ----- 6. sync edges -----

struct Served {
    _tmp: tempfile::TempDir,
    key: SecretKey,
    pack: PathBuf,
    data: PathBuf,
}

/// A kiosk synced to the demo pack, and the pack folder (served by nginx as it changes).
fn synced_kiosk() -> (Served, Nginx) {
    let tmp = tempfile::tempdir().unwrap();
    let key = SecretKey::generate();
    let pack = tmp.path().join("pack");
    publish(&demo(), &pack, &key, &PublishOptions::default()).unwrap();
    let nginx = Nginx::start(&pack);
    let data = tmp.path().join("data");
    run_sync(&data, &sync_options(&nginx.url(), &key.public())).unwrap();
    (Served { _tmp: tmp, key, pack, data }, nginx)
}

#[test]
fn hostile_ids_the_last_version_and_far_expiry_in_a_signed_pack_are_refused() {
    let (k, nginx) = synced_kiosk();
    let o = sync_options(&nginx.url(), &k.key.public());
    // nginx's ETag is the manifest's modification time in seconds and its size: each manifest
    // written below gets a time of its own, as publications seconds apart would have (written
    // in the second of the last sync, with the same size, it would be answered 304)
    let served = std::cell::Cell::new(0u64);
    let sync = || {
        served.set(served.get() + 1);
        let f = fs::File::options().write(true).open(k.pack.join("manifest.json")).unwrap();
        f.set_modified(std::time::SystemTime::now() + Duration::from_secs(served.get())).unwrap();
        run_sync(&k.data, &o)
    };
    let before = content_hash(&k.data);
    let published = pack::verify_manifest(&fs::read(k.pack.join("manifest.json")).unwrap(), &[k.key.public()])
        .unwrap()
        .body
        .version;

    // ids a publisher's tools could sign without the loader: a path, nothing, escapes, 100 KB
    let set = gongkai_kiosk::content::load(&demo()).unwrap();
    for bad in ["../../etc/x".to_string(), String::new(), "a\u{1b}[2Jb".into(), "x".repeat(100_000)] {
        let mut hostile = set.clone();
        hostile.documents[0].id = bad.clone();
        let opts = PublishOptions { version: None, ..Default::default() };
        publish_set(&hostile, &k.pack, &k.key, &opts).unwrap();
        let err = sync().expect_err("a hostile id must be refused");
        assert!(err.to_string().contains("id"), "{err}");
        assert_eq!(content_hash(&k.data), before, "{}", &bad[..bad.len().min(20)]);
    }

    // version 2^64 − 1 would leave no version above it: refused by publish and by sync
    let opts = PublishOptions { version: Some(u64::MAX), ..Default::default() };
    assert!(publish(&demo(), &k.pack, &k.key, &opts).is_err());
    let manifest = k.pack.join("manifest.json");
    let honest = fs::read(&manifest).unwrap();
    resign(&manifest, &k.key, |b| b["version"] = serde_json::json!(u64::MAX));
    let err = sync().expect_err("version 2^64-1 must be refused");
    assert!(err.to_string().contains("version"), "{err}");
    assert_eq!(content_hash(&k.data), before);

    // valid until the year 262000
    let far = chrono::NaiveDate::from_ymd_opt(262_000, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap().and_utc();
    fs::write(&manifest, &honest).unwrap();
    resign(&manifest, &k.key, |b| {
        b["version"] = serde_json::json!(published + 50);
        b["expires"] = serde_json::to_value(far).unwrap();
    });
    let err = sync().expect_err("an expiry 260,000 years away must be refused");
    assert!(err.to_string().contains("valid until"), "{err}");
    assert_eq!(content_hash(&k.data), before);
    fs::write(&manifest, &honest).unwrap();
    // the kiosk still takes the next honest pack
    publish(&demo(), &k.pack, &k.key, &PublishOptions { version: Some(published + 100), ..Default::default() })
        .unwrap();
    sync().unwrap();
}

/// A server that answers each connection with `reply` (maybe nothing) and then holds it open.
fn hanging_server(reply: &'static [u8]) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let count = connections.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            count.fetch_add(1, Ordering::Relaxed);
            std::thread::spawn(move || {
                let mut reader = BufReader::new(conn.try_clone().unwrap());
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap_or(0) > 2 {
                    line.clear();
                }
                let _ = conn.write_all(reply);
                let _ = conn.flush();
                // hold the connection until the client gives up
                let mut buf = [0u8; 64];
                let _ = conn.set_read_timeout(Some(Duration::from_secs(60)));
                let _ = conn.read(&mut buf);
            });
        }
    });
    (url, connections)
}

#[test]
fn a_server_that_goes_silent_fails_the_sync_at_once_with_a_time_out() {
    let key = SecretKey::generate();
    let tmp = tempfile::tempdir().unwrap();
    for (i, reply) in [
        &b""[..],
        &b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\nContent-Type: application/json\r\n\r\n{\"signed\":"[..],
    ]
    .into_iter()
    .enumerate()
    {
        let (url, connections) = hanging_server(reply);
        let mut o = sync_options(&url, &key.public());
        o.attempts = 5;
        let err = run_sync(&tmp.path().join(format!("k{i}")), &o).expect_err("a silent server fails the sync");
        assert!(err.to_string().contains("timed out"), "{err}");
        assert!(err.is_transient(), "the next sync tries again: {err}");
        assert_eq!(connections.load(Ordering::Relaxed), 1, "a silent server is not asked again: {err}");
    }
}

#[test]
fn a_source_that_is_not_http_is_refused_before_any_request() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let key = SecretKey::generate().public().to_hex();
    for source in ["file:///etc", "ftp://example.org/p", "garbage", "http://"] {
        let o = kiosk_within(
            &["sync", "--source", source, "--trust", &key, "--data-dir", s(&data)],
            Stdio::null(),
            Duration::from_secs(20),
        );
        assert!(!o.status.success());
        assert!(text(&o).contains("not an http:// or https:// URL"), "{source}: {}", text(&o));
        assert!(!text(&o).contains("attempts"), "{source}: {}", text(&o));
    }
}

// ----- 7. command-line edges -----

#[test]
fn publish_refuses_validity_and_versions_it_cannot_keep() {
    let tmp = tempfile::tempdir().unwrap();
    let key = tmp.path().join("k.key");
    assert!(kiosk(&["keygen", "--out", s(&key)]).status.success());
    let out = tmp.path().join("pack");
    for days in ["2147483647", "0"] {
        let o = kiosk(&["publish", s(&demo()), s(&out), "--key", s(&key), "--valid-days", days]);
        assert_eq!(o.status.code(), Some(2), "--valid-days {days}: {}", text(&o));
        assert!(text(&o).contains("--valid-days"), "{}", text(&o));
        assert!(!out.join("objects").exists(), "--valid-days {days} left objects without a manifest");
    }
    let o = kiosk(&["publish", s(&demo()), s(&out), "--key", s(&key), "--pack-version", "18446744073709551615"]);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("--pack-version"), "{}", text(&o));
    let o = kiosk(&["publish", s(&demo()), s(&out), "--key", s(&key), "--pack-version", "9007199254740991"]);
    assert!(o.status.success(), "{}", text(&o));
    // the next plain publish cannot go above it (it wrapped to version 0)
    let o = kiosk(&["publish", s(&demo()), s(&out), "--key", s(&key)]);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(!text(&o).contains("version 0"), "{}", text(&o));
    let o = kiosk(&["publish", s(&demo()), s(&out), "--key", s(&key), "--pack-version", "5"]);
    assert!(text(&o).contains("--pack-version 5 is not above"), "{}", text(&o));
}

#[test]
fn hash_pin_config_lists_urls_and_a_closed_pipe_are_handled() {
    let tmp = tempfile::tempdir().unwrap();
    // hash-pin on endless input ends at once
    let zero = fs::File::open("/dev/zero").unwrap();
    let o = kiosk_within(&["hash-pin"], Stdio::from(zero), Duration::from_secs(30));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));

    // a 1 MB languages list: refused at its line, at once
    let cfg = tmp.path().join("langs.toml");
    fs::write(&cfg, format!("[ui]\nlanguages = [{}]\n", vec!["\"en\""; 200_000].join(","))).unwrap();
    let o = kiosk_within(&["check-config", s(&cfg)], Stdio::null(), Duration::from_secs(30));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("langs.toml:2") && text(&o).contains("at most 3"), "{}", text(&o));

    // HTTP:// in capitals is a URL; printer.server is checked
    let cfg = tmp.path().join("urls.toml");
    fs::write(&cfg, "[sync]\nsource_url = \"HTTP://example.org/p/\"\n[upload]\nurl = \"HTTPS://example.org/up/\"\n")
        .unwrap();
    let o = kiosk(&["check-config", s(&cfg)]);
    assert!(o.status.success(), "{}", text(&o));
    fs::write(&cfg, "[printer]\nbackend = \"cups\"\nserver = \"not a url; rm -rf\"\n").unwrap();
    let o = kiosk(&["check-config", s(&cfg)]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("urls.toml:3") && text(&o).contains("server"), "{}", text(&o));

    // `list | head -1`: the reader goes away before the list is written
    let (_t, data) = imported_demo();
    let mut child =
        kiosk_cmd(&["list", "--data-dir", s(&data)]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(!text(&out).contains("Broken pipe"), "{}", text(&out));
    assert!(out.status.success(), "{:?}: {}", out.status, text(&out));
}

#[test]
fn the_demo_pack_still_publishes_and_syncs_end_to_end() {
    // the checks above refuse nothing an honest publisher makes
    let (k, nginx) = synced_kiosk();
    let src = k.pack.parent().unwrap().join("src");
    copy_dir(&demo(), &src);
    edit(&src.join("docs/elderly/meal-policy.md"), "为解决老年人", "为切实解决老年人");
    publish(&src, &k.pack, &k.key, &PublishOptions::default()).unwrap();
    run_sync(&k.data, &sync_options(&nginx.url(), &k.key.public())).unwrap();
    assert_ne!(content_hash(&k.data), None);
}

// ----- s28: URLs checked whole, network causes named, 4xx not retried, slow manifests, no keys, long config values -----

fn write_config(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, body).unwrap();
    path
}

#[test]
fn urls_that_cannot_work_are_refused_where_they_are_read_before_any_request() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let key = SecretKey::generate().public().to_hex();
    for (url, why) in [
        ("http://[::1", "has no closing `]`"),
        ("http://127.0.0.1:99999/", "port `99999` is not a number from 1 to 65535"),
        ("http://localhost:0/", "port `0`"),
        ("http://exa mple.org/", "a space"),
    ] {
        let o = kiosk_within(
            &["sync", "--source", url, "--trust", &key, "--data-dir", s(&data)],
            Stdio::null(),
            Duration::from_secs(20),
        );
        assert_eq!(o.status.code(), Some(2), "sync --source {url}: {}", text(&o));
        assert!(text(&o).contains(why), "sync --source {url}: {}", text(&o));
        assert!(!text(&o).contains("builder error") && !text(&o).contains("attempts"), "{url}: {}", text(&o));

        let o = kiosk(&["upload", "--url", url, "--status", "--data-dir", s(&data)]);
        assert_eq!(o.status.code(), Some(2), "upload --url {url}: {}", text(&o));
        assert!(text(&o).contains(why) && !text(&o).contains("uploaded"), "upload --url {url}: {}", text(&o));

        for (section, field) in [("sync", "source_url"), ("upload", "url"), ("printer", "server")] {
            let cfg =
                write_config(tmp.path(), "k.toml", &format!("zone_id = \"z\"\n[{section}]\n{field} = \"{url}\"\n"));
            let o = kiosk(&["check-config", s(&cfg)]);
            assert_eq!(o.status.code(), Some(2), "{section}.{field} = {url}: {}", text(&o));
            assert!(
                text(&o).contains(&format!("k.toml:3: {section}.{field} \"{url}\"")) && text(&o).contains(why),
                "{section}.{field} = {url}: {}",
                text(&o)
            );
        }
    }
    // `printers` reads the same check, and never gets as far as "builder error"
    let cfg =
        write_config(tmp.path(), "p.toml", "[printer]\nbackend = \"cups\"\nserver = \"http://localhost:99999\"\n");
    let o = kiosk(&["printers", "--config", s(&cfg), "--data-dir", s(&data)]);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("port `99999`") && !text(&o).contains("builder error"), "{}", text(&o));
}

#[test]
fn credentials_in_a_url_are_refused_as_credentials_without_showing_them() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let key = SecretKey::generate().public().to_hex();
    let url = "http://kiosk:s3cret@127.0.0.1:8080/pack";
    let cfg = write_config(tmp.path(), "k.toml", &format!("[sync]\nsource_url = \"{url}\"\n"));
    let runs = [
        kiosk(&["check-config", s(&cfg)]),
        kiosk_within(
            &["sync", "--source", url, "--trust", &key, "--data-dir", s(&data)],
            Stdio::null(),
            Duration::from_secs(20),
        ),
        kiosk(&["upload", "--url", url, "--data-dir", s(&data)]),
    ];
    for o in runs {
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        let t = text(&o);
        assert!(t.contains("credentials are not accepted in a URL"), "{t}");
        assert!(!t.contains("must start with") && !t.contains("not an http:// or https:// URL"), "{t}");
        assert!(!t.contains("s3cret"), "the password is not repeated: {t}");
    }
}

/// A server that answers whatever arrives (a TLS hello too) with a plain HTTP 400 and closes.
fn plain_http_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for conn in listener.incoming().take(20) {
            let Ok(mut conn) = conn else { continue };
            let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
            let mut buf = [0u8; 2048];
            let _ = conn.read(&mut buf);
            let _ = conn.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    url
}

#[test]
fn network_failures_name_their_cause() {
    let key = SecretKey::generate();
    let tmp = tempfile::tempdir().unwrap();
    // a port nobody listens on any more
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let refused = format!("http://127.0.0.1:{port}");
    let err = run_sync(&tmp.path().join("a"), &sync_options(&refused, &key.public())).unwrap_err().to_string();
    assert!(err.contains("cannot connect") && err.contains("Connection refused"), "{err}");
    assert!(err.contains("gave up after 5 attempts"), "{err}");
    // https to a port that speaks plain HTTP: the TLS failure is named
    let https = plain_http_server().replace("http://", "https://");
    let err = run_sync(&tmp.path().join("b"), &sync_options(&https, &key.public())).unwrap_err().to_string();
    assert!(!err.contains("error sending request"), "{err}");
    assert!(err.contains("TLS handshake failed: ") && err.len() > https.len() + 60, "{err}");

    // upload and printers say the same
    let (_t, data) = imported_demo();
    let o = kiosk(&["upload", "--url", &refused, "--status", "--data-dir", s(&data)]);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("Connection refused"), "{}", text(&o));
    let cfg = write_config(tmp.path(), "p.toml", &format!("[printer]\nbackend = \"cups\"\nserver = \"{refused}\"\n"));
    let o = kiosk(&["printers", "--config", s(&cfg), "--data-dir", s(&data)]);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("Connection refused") && text(&o).contains("cupsd"), "{}", text(&o));
}

#[test]
fn a_client_error_fails_at_once_and_a_server_error_is_retried() {
    use common::servers::{Fault, FaultServer};
    let key = SecretKey::generate();
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    fs::create_dir_all(&root).unwrap();
    let server = FaultServer::start(&root);
    let o = sync_options(&server.url(), &key.public());
    // nothing published: 404, asked once
    let err = run_sync(&tmp.path().join("a"), &o).unwrap_err();
    assert!(matches!(err, SyncError::Http { status: 404, .. }), "{err}");
    assert!(err.to_string().contains(&format!("{}/manifest.json", server.url())), "{err}");
    assert!(err.to_string().contains("HTTP 404 Not Found"), "{err}");
    assert_eq!(server.requests_for("/manifest.json").len(), 1);
    // a 403 likewise; a 503 still gets its five attempts
    fs::write(root.join("manifest.json"), "{}").unwrap();
    server.stage("/manifest.json", Fault::Status(403, None), 1);
    let err = run_sync(&tmp.path().join("b"), &o).unwrap_err();
    assert!(matches!(err, SyncError::Http { status: 403, .. }), "{err}");
    assert_eq!(server.requests_for("/manifest.json").len(), 2);
    server.stage("/manifest.json", Fault::Status(503, None), 5);
    let err = run_sync(&tmp.path().join("c"), &o).unwrap_err();
    assert!(err.to_string().contains("gave up after 5 attempts"), "{err}");
    assert_eq!(server.requests_for("/manifest.json").len(), 7);
}

#[test]
fn a_trickled_manifest_is_named_too_slow_and_trickled_files_say_how_often_they_were_tried() {
    use common::servers::{Fault, FaultServer};
    let tmp = tempfile::tempdir().unwrap();
    let key = SecretKey::generate();
    let out = tmp.path().join("pack");
    publish(&demo(), &out, &key, &PublishOptions::default()).unwrap();
    let server = FaultServer::start(&out);
    let mut o = sync_options(&server.url(), &key.public());
    o.stall_timeout = Duration::from_secs(1);
    o.min_rate_bytes_per_sec = 4096;
    o.attempts = 2;
    // 4 bytes every 100 ms: still sending, far too slowly
    server.stage("/manifest.json", Fault::Trickle(Duration::from_millis(100)), 1);
    let err = run_sync(&tmp.path().join("a"), &o).unwrap_err();
    assert!(err.is_transient(), "the next sync tries again: {err}");
    let err = err.to_string();
    assert!(err.contains("too slow") && err.contains("4096 bytes/s"), "{err}");
    assert!(!err.contains("stopped sending") && !err.contains("timed out"), "{err}");
    assert_eq!(server.requests_for("/manifest.json").len(), 1, "not asked again: {err}");

    let manifest = pack::verify_manifest(&fs::read(out.join("manifest.json")).unwrap(), &[key.public()]).unwrap();
    let shard = format!("/{}", pack::object_path(&manifest.body.shards[0].sha256).unwrap());
    server.stage(&shard, Fault::Trickle(Duration::from_millis(100)), o.attempts as usize);
    let err = run_sync(&tmp.path().join("b"), &o).unwrap_err().to_string();
    assert!(err.contains("too slow") && err.contains("gave up after 2 attempts"), "{err}");
}

#[test]
fn with_no_trusted_key_sync_refuses_before_any_request() {
    use common::servers::FaultServer;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    fs::create_dir_all(&root).unwrap();
    fs::write(root.join("manifest.json"), "{}").unwrap();
    let server = FaultServer::start(&root);
    let err = run_sync(&tmp.path().join("a"), &SyncOptions::new(&server.url(), vec![])).unwrap_err();
    assert!(err.to_string().contains("no trusted keys"), "{err}");
    assert!(server.requests.lock().unwrap().is_empty(), "the manifest was fetched before the refusal");
    let cfg =
        write_config(tmp.path(), "k.toml", &format!("[sync]\nsource_url = \"{}\"\ntrusted_keys = []\n", server.url()));
    let o = kiosk_within(
        &["sync", "--config", s(&cfg), "--data-dir", s(&tmp.path().join("b"))],
        Stdio::null(),
        Duration::from_secs(20),
    );
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("no trusted keys") && text(&o).contains("--trust"), "{}", text(&o));
    assert!(server.requests.lock().unwrap().is_empty(), "the manifest was fetched before the refusal");
    // check-config says so too
    let o = kiosk(&["check-config", s(&cfg)]);
    assert!(o.status.success() && text(&o).contains("no trusted keys"), "{}", text(&o));
}

#[test]
fn a_huge_config_value_is_shortened_and_its_reason_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = write_config(tmp.path(), "k.toml", &format!("[ui]\nlanguages = [\"{}\"]\n", "x".repeat(1_000_000)));
    let o = kiosk_within(&["check-config", s(&cfg)], Stdio::null(), Duration::from_secs(30));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let line = text(&o).lines().find(|l| l.contains("k.toml:2")).unwrap_or_default().to_string();
    assert!(line.contains("ui.languages") && line.contains("is not one of: zh-Hans, zh-Hant, en"), "{line}");
    assert!(line.chars().count() < 400, "{} characters", line.chars().count());
}
