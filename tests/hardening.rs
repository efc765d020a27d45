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

// ----- 8. source folders, second run: link loops, bidi controls, absolute attachment paths -----

/// Problems printed by a refused `import`: "N problem(s) found" at the end.
fn problem_count(out: &str) -> usize {
    let line = out.lines().find(|l| l.contains(" problem(s) found")).unwrap_or_else(|| panic!("no count: {out}"));
    line.split_whitespace().next().unwrap().parse().unwrap()
}

#[test]
fn link_loops_in_a_source_folder_are_reported_once_each_and_never_followed() {
    for links in [1, 5] {
        let (tmp, src) = demo_copy();
        let folder = src.join("docs/agriculture");
        for i in 1..=links {
            std::os::unix::fs::symlink("..", folder.join(format!("l{i}"))).unwrap();
        }
        // a link to the folder itself, and one to the top of the source folder
        std::os::unix::fs::symlink(".", folder.join("self")).unwrap();
        std::os::unix::fs::symlink("../..", src.join("docs/culture/top")).unwrap();
        let data = tmp.path().join("data");
        let o = kiosk_within(&["import", s(&src), "--data-dir", s(&data)], Stdio::null(), Duration::from_secs(60));
        let out = text(&o);
        assert!(!o.status.success(), "{out}");
        // one problem per link, nothing read twice (main: 407 problems with one link)
        assert_eq!(problem_count(&out), links + 2, "{out}");
        assert!(!out.contains("already used"), "{out}");
        assert!(!out.contains("folders deep"), "{out}");
        for i in 1..=links {
            assert!(
                out.contains(&format!("docs/agriculture/l{i}: is a link (to `..`) that leads back to the folder docs, which holds it: a loop")),
                "{out}"
            );
        }
        assert!(
            out.contains("docs/agriculture/self: is a link (to `.`) that leads back to the folder docs/agriculture"),
            "{out}"
        );
        assert!(
            out.contains("docs/culture/top: is a link (to `../..`) that leads back to the folder / (the top"),
            "{out}"
        );
    }
}

#[test]
fn a_link_to_a_folder_inside_is_followed_once_and_a_second_name_is_reported() {
    let (tmp, src) = demo_copy();
    // docs/extra → ../archive (outside docs/, inside the source folder): followed, its document read
    fs::create_dir_all(src.join("archive")).unwrap();
    fs::rename(src.join("docs/tax"), src.join("archive/tax")).unwrap();
    std::os::unix::fs::symlink("../archive/tax", src.join("docs/tax")).unwrap();
    let set = gongkai_kiosk::content::load(&src).unwrap();
    assert!(set.documents.iter().any(|d| d.source.starts_with("docs/tax/")), "the linked folder was read");
    // a second name for a folder read already: reported, its files not read twice
    std::os::unix::fs::symlink("elderly", src.join("docs/elderly-again")).unwrap();
    let data = tmp.path().join("data");
    let o = kiosk_within(&["import", s(&src), "--data-dir", s(&data)], Stdio::null(), Duration::from_secs(60));
    let out = text(&o);
    assert_eq!(problem_count(&out), 1, "{out}");
    assert!(
        out.contains("docs/elderly-again: is a link (to `elderly`) that leads to the folder docs/elderly, read already as docs/elderly"),
        "{out}"
    );
}

#[test]
fn a_refused_source_folder_prints_at_most_200_problems() {
    let (tmp, src) = demo_copy();
    for i in 0..300 {
        fs::write(src.join(format!("docs/bad-{i:03}.md")), "no front matter\n").unwrap();
    }
    let data = tmp.path().join("data");
    let o = kiosk_within(&["import", s(&src), "--data-dir", s(&data)], Stdio::null(), Duration::from_secs(60));
    let out = text(&o);
    assert!(!o.status.success(), "{out}");
    assert!(out.contains("… and 100 more problem(s), not shown"), "{out}");
    assert!(out.contains("300 problem(s) found; nothing was imported"), "{out}");
    assert!(out.contains("docs/bad-199.md") && !out.contains("docs/bad-200.md"), "{out}");
}

#[test]
fn bidi_controls_and_line_separators_are_refused_in_fields_and_escaped_on_the_terminal() {
    let (tmp, src) = demo_copy();
    let meal = src.join("docs/elderly/meal-policy.md");
    edit(&meal, "title = \"", "title = \"txt.\u{202e}fdp");
    edit(&meal, "为解决老年人", "为解决\u{202e}老年人"); // the body may hold it: shown escaped
    edit(&src.join("docs/agriculture/subsidy-2024.md"), "publisher = \"", "publisher = \"\u{2028}");
    edit(&src.join("docs/agriculture/subsidy-2021.md"), "title = \"", "title = \"\u{2067}");
    let data = tmp.path().join("data");
    let o = kiosk_within(&["import", s(&src), "--data-dir", s(&data)], Stdio::null(), Duration::from_secs(60));
    let out = text(&o);
    assert!(!o.status.success(), "{out}");
    assert_eq!(problem_count(&out), 3, "{out}");
    assert!(
        out.contains("docs/elderly/meal-policy.md:3: 标题 contains the bidirectional control character U+202E"),
        "{out}"
    );
    assert!(out.contains("docs/agriculture/subsidy-2024.md:7: 发布机构 contains the line separator U+2028"), "{out}");
    assert!(
        out.contains("docs/agriculture/subsidy-2021.md:3: 标题 contains the bidirectional control character U+2067"),
        "{out}"
    );

    // A signed pack is not checked by the loader: what it stores reaches `list`, `show` and
    // `search` escaped.
    let mut set = gongkai_kiosk::content::load(&demo()).unwrap();
    let doc = set.documents.iter_mut().find(|d| d.id == "wc-zc-2024-gdlb").unwrap();
    doc.title = "望川区耕地补贴\u{202e}fdp.exe\u{2028}\u{200f}\u{2066}".into();
    doc.body = format!("\u{202e}{}", doc.body);
    Store::open(&data).unwrap().apply(&set, "test").unwrap();
    for args in [vec!["list", "--limit", "1000"], vec!["show", "wc-zc-2024-gdlb"], vec!["search", "耕地补贴"]] {
        let mut a = args.clone();
        a.extend(["--data-dir", s(&data)]);
        let o = kiosk(&a);
        assert!(o.status.success(), "{}", text(&o));
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("\\u{202e}fdp.exe\\u{2028}\\u{200f}\\u{2066}"), "{args:?}: {out}");
        for c in ['\u{202e}', '\u{2028}', '\u{200f}', '\u{2066}'] {
            assert!(!out.contains(c), "{args:?}: raw {c:?} in {out:?}");
        }
    }
    // `--json` escapes them as JSON does: the output parses, and gives back the stored title
    // (a C1 control and DEL too, which serde_json itself writes raw).
    let title = "望川区耕地补贴\u{202e}fdp.exe\u{2028}\u{200f}\u{2066}\u{85}\u{7f}";
    let doc = set.documents.iter_mut().find(|d| d.id == "wc-zc-2024-gdlb").unwrap();
    doc.title = title.into();
    Store::open(&data).unwrap().apply(&set, "test").unwrap();
    for args in [vec!["list", "--limit", "1000"], vec!["show", "wc-zc-2024-gdlb"], vec!["search", "耕地补贴"]] {
        let mut a = args.clone();
        a.extend(["--json", "--data-dir", s(&data)]);
        let o = kiosk(&a);
        assert!(o.status.success(), "{}", text(&o));
        let out = String::from_utf8_lossy(&o.stdout);
        for c in ['\u{202e}', '\u{2028}', '\u{200f}', '\u{2066}', '\u{85}', '\u{7f}'] {
            assert!(!out.contains(c), "{args:?}: raw {c:?} in {out:?}");
        }
        let v: serde_json::Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {out}"));
        assert!(holds_text(&v, title), "{args:?}: the stored title is not in {v}");
    }
}

/// Whether any string in `v` contains `text`.
fn holds_text(v: &serde_json::Value, text: &str) -> bool {
    match v {
        serde_json::Value::String(s) => s.contains(text),
        serde_json::Value::Array(a) => a.iter().any(|v| holds_text(v, text)),
        serde_json::Value::Object(o) => o.values().any(|v| holds_text(v, text)),
        _ => false,
    }
}

#[test]
fn an_absolute_attachment_path_says_paths_are_relative_to_the_source_folder() {
    let (tmp, src) = demo_copy();
    let pdf = src.join("media/budget-2024-tables.pdf");
    assert!(pdf.is_file());
    edit(
        &src.join("docs/finance/budget-2024.md"),
        "file = \"../../media/budget-2024-tables.pdf\"",
        &format!("file = \"{}\"", s(&pdf)),
    );
    let data = tmp.path().join("data");
    let o = kiosk_within(&["import", s(&src), "--data-dir", s(&data)], Stdio::null(), Duration::from_secs(60));
    let out = text(&o);
    assert!(!o.status.success(), "{out}");
    assert_eq!(problem_count(&out), 1, "{out}");
    assert!(out.contains("docs/finance/budget-2024.md:16: "), "{out}");
    assert!(
        out.contains(&format!("\"{}\" does not exist in the source folder", s(&pdf)))
            && out.contains("file paths are relative to this file's folder, or with a leading / to the top of the source folder, never a place elsewhere on the computer"),
        "{out}"
    );
}

// ----- session 28: a closed stdout or stderr, keygen's file names, sync --concurrency, instant search's note, publish's failures -----

/// Runs the binary with standard output (or standard error) going into a pipe whose reader is
/// closed before the child starts (`gongkai-kiosk … | true`): every write to it fails with a
/// broken pipe. The other stream is captured.
fn kiosk_into_closed_pipe(args: &[&str], stdin: &[u8], close_stderr: bool) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let mut cmd = kiosk_cmd(args);
    cmd.stdin(Stdio::piped());
    if close_stderr {
        cmd.stdout(Stdio::piped()).stderr(writer);
    } else {
        cmd.stdout(writer).stderr(Stdio::piped());
    }
    let mut child = cmd.spawn().unwrap();
    drop(cmd);
    let mut input = child.stdin.take().unwrap();
    let _ = input.write_all(stdin);
    drop(input);
    child.wait_with_output().unwrap()
}

#[test]
fn a_closed_stdout_or_stderr_never_panics_a_command() {
    let (k, nginx) = synced_kiosk();
    let tmp = tempfile::tempdir().unwrap();
    let (_t, data) = imported_demo();
    let key = tmp.path().join("publisher.key");
    assert!(kiosk(&["keygen", "--out", s(&key)]).status.success());
    let batches = tmp.path().join("batches");
    fs::create_dir(&batches).unwrap();
    let strokes = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/handwriting-strokes.txt");
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config/kiosk.toml");
    let (new_key, pack, pdf) = (tmp.path().join("new.key"), tmp.path().join("pack"), tmp.path().join("form.pdf"));
    let trusted = k.key.public().to_hex();
    let demo_dir = demo();
    let long_query = "长".repeat(200);
    let commands: Vec<Vec<&str>> = vec![
        vec!["status"],
        vec!["status", "--json"],
        vec!["zero-results"],
        vec!["zero-results", "--json"],
        vec!["reindex", "--bitmaps-only"],
        vec!["stats"],
        vec!["stats", "--json"],
        vec!["stats", "--csv"],
        vec!["metrics"],
        vec!["metrics", "--json"],
        vec!["ime", "zhengfu"],
        vec!["printers"],
        vec!["printers", "--json"],
        vec!["check-config", s(&config)],
        vec!["report", s(&batches)],
        vec!["report", s(&batches), "--messages"],
        vec!["report", s(&batches), "--fleet"],
        vec!["write", s(&strokes)],
        vec!["import", s(&demo_dir)],
        vec!["import", "--dry-run", s(&demo_dir)],
        vec!["list"],
        vec!["show", "guide-ysqgk"],
        vec!["search", "低保"],
        vec!["search", "--json", "低保"],
        vec!["search", "--instant", "dib"],
        vec!["search", "--instant", &long_query],
        vec!["speak", "guide-ysqgk", "--pinyin"],
        vec!["print", "form", "--out", s(&pdf)],
        vec!["keygen", "--out", s(&new_key)],
        vec!["publish", s(&demo_dir), s(&pack), "--key", s(&key)],
        vec!["publish", s(&demo_dir), s(&pack), "--key", s(&key), "--json"],
        vec!["hash-pin"],
        vec!["--help"],
        vec!["--version"],
    ];
    let sync_data = ["--data-dir", s(&k.data)];
    let url = nginx.url();
    let sync = ["sync", "--source", url.as_str(), "--trust", &trusted];
    let runs = commands
        .iter()
        .map(|c| [c.as_slice(), &["--data-dir", s(&data)]].concat())
        .chain([[sync.as_slice(), &sync_data].concat(), [sync.as_slice(), &sync_data, &["--json"]].concat()]);
    for args in runs {
        let o = kiosk_into_closed_pipe(&args, b"123456\n", false);
        assert!(!text(&o).contains("panicked"), "{args:?}: {}", text(&o));
        assert_eq!(o.status.code(), Some(0), "{args:?} with stdout's reader gone: {}", text(&o));
    }
    // the work was done all the same
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(pack.join(pack::MANIFEST_FILE)).unwrap()).unwrap();
    assert_eq!(manifest["signed"]["version"], 2, "both publications were written");
    assert!(new_key.exists() && pdf.exists());

    // a closed stderr: the error is lost, its exit code is not
    let o = kiosk_into_closed_pipe(&["show", "no-such-id", "--data-dir", s(&data)], b"", true);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let third = tmp.path().join("third.key");
    let o = kiosk_into_closed_pipe(&["keygen", "--out", s(&third)], b"", true);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(PublicKey::parse(&String::from_utf8_lossy(&o.stdout)).is_ok(), "{}", text(&o));

    // a full disk behind `> file` is an error (exit 1), said once, not a panic
    let full = fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let o = kiosk_cmd(&["status", "--data-dir", s(&data)]).stdout(full).stderr(Stdio::piped()).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(!text(&o).contains("panicked") && text(&o).contains("standard output"), "{}", text(&o));
}

#[test]
fn keygen_writes_key_and_key_pub_and_never_overwrites_either() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    // `--out y.pub` would put the secret where the public key goes
    let named_pub = tmp.path().join("y.pub");
    let o = kiosk(&["keygen", "--out", s(&named_pub)]);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains(".pub"), "{}", text(&o));
    assert!(!named_pub.exists() && !tmp.path().join("y.pub.pub").exists());

    // `--out pub.key`: the public key goes to pub.key.pub, as the help says
    let key = tmp.path().join("pub.key");
    let o = kiosk(&["keygen", "--out", s(&key)]);
    assert!(o.status.success(), "{}", text(&o));
    let printed = String::from_utf8_lossy(&o.stdout).trim().to_string();
    let public = tmp.path().join("pub.key.pub");
    assert_eq!(fs::read_to_string(&public).unwrap().trim(), printed);
    assert_eq!(SecretKey::read(&key).unwrap().public().to_hex(), printed);
    assert_eq!(fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    assert!(!tmp.path().join("pub.pub").exists());
    assert!(text(&o).contains(s(&public)), "{}", text(&o));

    // a second keygen onto the same name destroys nothing, and says what to do
    let secret = fs::read(&key).unwrap();
    let o = kiosk(&["keygen", "--out", s(&key)]);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("exists already") && text(&o).contains("--out"), "{}", text(&o));
    assert_eq!(fs::read(&key).unwrap(), secret);
    assert_eq!(fs::read_to_string(&public).unwrap().trim(), printed);

    // an existing public key file alone is enough to refuse, before the secret is written
    let other = tmp.path().join("other.key");
    fs::write(tmp.path().join("other.key.pub"), "keep me\n").unwrap();
    let o = kiosk(&["keygen", "--out", s(&other)]);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(!other.exists());
    assert_eq!(fs::read_to_string(tmp.path().join("other.key.pub")).unwrap(), "keep me\n");
}

#[test]
fn sync_concurrency_outside_1_to_32_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    for n in ["0", "33"] {
        let o = kiosk(&["sync", "--concurrency", n, "--source", "http://127.0.0.1:9/", "--data-dir", s(&data)]);
        assert_eq!(o.status.code(), Some(2), "--concurrency {n}: {}", text(&o));
        assert!(text(&o).contains("--concurrency") && text(&o).contains("1..=32"), "{}", text(&o));
    }
}

#[test]
fn instant_search_says_when_the_query_was_shortened() {
    let (_tmp, data) = imported_demo();
    for query in ["OR ".repeat(2_000), "长".repeat(200)] {
        let o = kiosk(&["search", "--instant", &query, "--data-dir", s(&data)]);
        assert!(o.status.success(), "{}", text(&o));
        assert!(text(&o).contains("(the query was shortened: only its first 64 characters"), "{}", text(&o));
        let o = kiosk(&["search", "--instant", "--json", &query, "--data-dir", s(&data)]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["shortened"], true, "{v}");
        assert!(v["query"].as_str().unwrap().chars().count() <= 64, "{}", v["query"]);
        assert!(v["hits"].is_array(), "{v}");
    }
    let o = kiosk(&["search", "--instant", "zfxxgk", "--data-dir", s(&data)]);
    assert!(!text(&o).contains("shortened") && text(&o).contains("【政府信息公开】"), "{}", text(&o));
    let o = kiosk(&["search", "--instant", "--json", "zfxxgk", "--data-dir", s(&data)]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["shortened"], false, "{v}");
    assert!(!v["hits"].as_array().unwrap().is_empty(), "{v}");
}

#[test]
fn publish_failures_say_what_publish_did_not_write() {
    let tmp = tempfile::tempdir().unwrap();
    let key = tmp.path().join("k.key");
    assert!(kiosk(&["keygen", "--out", s(&key)]).status.success());
    let out = tmp.path().join("pack");
    // a source with problems, a bad key, and version 0 into a folder not published to yet
    let missing = tmp.path().join("no-such-source");
    let not_a_key = tmp.path().join("no-such.key");
    for args in [
        vec!["publish", s(&missing), s(&out), "--key", s(&key)],
        vec!["publish", s(&demo()), s(&out), "--key", s(&not_a_key)],
        vec!["publish", s(&demo()), s(&out), "--key", s(&key), "--pack-version", "0"],
    ] {
        let o = kiosk(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", text(&o));
        assert!(!text(&o).contains("imported"), "{args:?}: {}", text(&o));
        assert!(text(&o).contains(&format!("nothing was published; {} is unchanged", s(&out))), "{}", text(&o));
        assert!(!out.exists(), "{args:?}");
    }
    let o = kiosk(&["publish", s(&demo()), s(&out), "--key", s(&key), "--pack-version", "0"]);
    assert!(text(&o).contains("at least 1") && !text(&o).contains("(0)"), "{}", text(&o));
}

// ----- 6. sync edges: a version published too high, undone by rotating the signing key -----

/// A kiosk's data directory and packs of the demo content, each in a folder of its own under
/// one nginx root (a folder per key and version, as a publisher would start anew).
struct Packs {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    nginx: Nginx,
    data: PathBuf,
}

impl Packs {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("www");
        fs::create_dir_all(&root).unwrap();
        let nginx = Nginx::start(&root);
        Packs { data: tmp.path().join("data"), root, nginx, _tmp: tmp }
    }

    /// Publishes the demo content into `name`, signed by `key` at `version`; its URL.
    fn publish(&self, name: &str, key: &SecretKey, version: u64) -> String {
        let opts = PublishOptions { version: Some(version), ..Default::default() };
        publish(&demo(), &self.root.join(name), key, &opts).unwrap();
        format!("{}/{name}", self.nginx.url())
    }

    /// A copy of pack `from` in `name`, its manifest signed again by `key` at `version`.
    fn resigned(&self, from: &str, name: &str, key: &SecretKey, version: u64) -> String {
        copy_dir(&self.root.join(from), &self.root.join(name));
        resign(&self.root.join(name).join("manifest.json"), key, |b| b["version"] = serde_json::json!(version));
        format!("{}/{name}", self.nginx.url())
    }

    fn sync(&self, url: &str, trusted: &[&SecretKey]) -> Result<(), SyncError> {
        let mut o = sync_options(url, &trusted[0].public());
        o.trusted_keys = trusted.iter().map(|k| k.public()).collect();
        run_sync(&self.data, &o)
    }

    fn status_json(&self) -> serde_json::Value {
        let o = kiosk(&["status", "--json", "--data-dir", s(&self.data)]);
        assert!(o.status.success(), "{}", text(&o));
        serde_json::from_slice(&o.stdout).unwrap()
    }

    fn status(&self) -> String {
        let o = kiosk(&["status", "--data-dir", s(&self.data)]);
        assert!(o.status.success(), "{}", text(&o));
        text(&o)
    }
}

#[test]
fn a_version_published_too_high_is_undone_by_rotating_the_signing_key() {
    let p = Packs::new();
    let (a, b) = (SecretKey::generate(), SecretKey::generate());
    let (a_id, b_id) = (a.public().id(), b.public().id());
    // key A publishes the highest version there is, by mistake, and the kiosk takes it
    let a_max = p.publish("a-max", &a, pack::MAX_PACK_VERSION);
    p.sync(&a_max, &[&a]).unwrap();
    let status_before = (p.status_json(), p.status());

    // A's next pack, version 5 in a new folder, is below it: refused, also after a fresh import
    let a_5 = p.resigned("a-max", "a-5", &a, 5);
    let err = p.sync(&a_5, &[&a]).unwrap_err();
    assert!(matches!(err, SyncError::Rollback { live: pack::MAX_PACK_VERSION, offered: 5, .. }), "{err}");
    let o = kiosk(&["import", s(&demo()), "--data-dir", s(&p.data)]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(matches!(p.sync(&a_5, &[&a]), Err(SyncError::Rollback { .. })));

    // the operator rotates the key: B replaces A in sync.trusted_keys, and B's packs count
    // from the start again
    let b_5 = p.resigned("a-max", "b-5", &b, 5);
    p.sync(&b_5, &[&b]).unwrap();
    // status named the key that signed the too-high pack, and the refusal said what to do
    assert_eq!(status_before.0["sync"]["pack"]["signed_by"], serde_json::json!([a_id]));
    assert!(status_before.1.contains(&format!("signed by key {a_id}")), "{}", status_before.1);
    let msg = err.to_string();
    assert!(msg.contains(&a_id) && msg.contains("rotate the signing key") && msg.contains("deployment.md"), "{msg}");
    let pack_state = &p.status_json()["sync"]["pack"];
    assert_eq!(pack_state["version"], 5);
    assert_eq!(pack_state["signed_by"], serde_json::json!([b_id]));
    assert_eq!(pack_state["key_versions"][&b_id], 5, "{pack_state}");
    assert!(p.status().contains(&format!("signed by key {b_id}")), "{}", p.status());

    // from now on B's own floor holds
    let b_4 = p.resigned("a-max", "b-4", &b, 4);
    let err = p.sync(&b_4, &[&b]).unwrap_err();
    assert!(matches!(err, SyncError::Rollback { live: 5, offered: 4, .. }), "{err}");
    assert!(err.to_string().contains(&b_id), "{err}");
    // and A's manifests, replayed, are refused: A is not trusted any more
    for url in [&a_max, &a_5] {
        let err = p.sync(url, &[&b]).unwrap_err();
        assert!(matches!(err, SyncError::Manifest(pack::PackError::UnknownKey { .. })), "{err}");
    }
    let b_6 = p.resigned("a-max", "b-6", &b, 6);
    p.sync(&b_6, &[&b]).unwrap();
    assert_eq!(p.status_json()["sync"]["pack"]["version"], 6);
}

#[test]
fn with_two_keys_trusted_neither_goes_below_what_the_other_applied() {
    let p = Packs::new();
    let (a, b) = (SecretKey::generate(), SecretKey::generate());
    let a_10 = p.publish("a-10", &a, 10);
    p.sync(&a_10, &[&a, &b]).unwrap();
    // B may not go below (or reuse) the version applied from A while A is trusted
    let b_7 = p.resigned("a-10", "b-7", &b, 7);
    let err = p.sync(&b_7, &[&a, &b]).unwrap_err();
    assert!(matches!(err, SyncError::Rollback { live: 10, offered: 7, .. }), "{err}");
    assert!(err.to_string().contains(&a.public().id()), "{err}");
    let b_10 = p.resigned("a-10", "b-10", &b, 10);
    assert!(matches!(p.sync(&b_10, &[&a, &b]), Err(SyncError::VersionReused { version: 10 })));
    let b_11 = p.resigned("a-10", "b-11", &b, 11);
    p.sync(&b_11, &[&a, &b]).unwrap();
    // nor A below what B applied
    assert!(matches!(p.sync(&a_10, &[&a, &b]), Err(SyncError::Rollback { live: 11, offered: 10, .. })));

    // a manifest signed by both keys sets both floors: with A rotated out, B's still holds
    let dir = p.root.join("ab-12");
    copy_dir(&p.root.join("a-10"), &dir);
    let file: serde_json::Value = serde_json::from_slice(&fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    let mut body: pack::ManifestBody = serde_json::from_value(file["signed"].clone()).unwrap();
    body.version = 12;
    let signed = serde_json::to_string(&body).unwrap();
    let sig = |k: &SecretKey| {
        format!(r#"{{"keyid":"{}","sig":"{}"}}"#, k.public().id(), hex::encode(k.sign(signed.as_bytes())))
    };
    let both = format!(r#"{{"signed":{signed},"signatures":[{},{}]}}"#, sig(&a), sig(&b));
    fs::write(dir.join("manifest.json"), both).unwrap();
    p.sync(&format!("{}/ab-12", p.nginx.url()), &[&a, &b]).unwrap();
    let b_11_again = p.resigned("a-10", "b-11-again", &b, 11);
    let err = p.sync(&b_11_again, &[&b]).unwrap_err();
    assert!(matches!(err, SyncError::Rollback { live: 12, offered: 11, .. }), "{err}");
    assert!(err.to_string().contains(&b.public().id()), "{err}");
}

#[test]
fn a_pack_state_without_recorded_keys_keeps_its_floor_until_its_key_is_learned() {
    let p = Packs::new();
    let (a, b) = (SecretKey::generate(), SecretKey::generate());
    let a_10 = p.publish("a-10", &a, 10);
    p.sync(&a_10, &[&a]).unwrap();
    // the pack state as the kiosk wrote it before it recorded signing keys
    let db = rusqlite::Connection::open(p.data.join("kiosk.sqlite")).unwrap();
    let json: String = db.query_row("SELECT data FROM pack_state WHERE id = 1", [], |r| r.get(0)).unwrap();
    let mut state: serde_json::Value = serde_json::from_str(&json).unwrap();
    state.as_object_mut().unwrap().remove("signed_by");
    state.as_object_mut().unwrap().remove("key_versions");
    db.execute("UPDATE pack_state SET data = ?1 WHERE id = 1", [state.to_string()]).unwrap();
    drop(db);

    // its version stays the floor, whichever keys are trusted now
    let b_5 = p.resigned("a-10", "b-5", &b, 5);
    for trusted in [&[&b][..], &[&a, &b][..]] {
        let err = p.sync(&b_5, trusted).unwrap_err();
        assert!(matches!(err, SyncError::Rollback { live: 10, offered: 5, .. }), "{err}");
    }
    assert!(p.status().contains("not recorded"), "{}", p.status());

    // the live manifest, fetched again while A is trusted, tells the kiosk its key; after that,
    // rotating A out lifts the floor
    p.sync(&a_10, &[&a]).unwrap();
    assert_eq!(p.status_json()["sync"]["pack"]["signed_by"], serde_json::json!([a.public().id()]));
    p.sync(&b_5, &[&b]).unwrap();
    assert_eq!(p.status_json()["sync"]["pack"]["version"], 5);
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
