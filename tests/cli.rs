//! The command line as an operator uses it: the real binary, a real data directory.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use common::{demo, demo_copy, edit};

fn kiosk(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongkai-kiosk"))
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env("GONGKAI_KIOSK_CONFIG", Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config/kiosk.toml"))
        .env_remove("RUST_LOG")
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn import_list_show_status() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let demo = demo();
    let out = kiosk(&data, &["import", demo.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("content version 1"), "{}", stdout(&out));

    let out = kiosk(&data, &["list"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let rows = text.lines().filter(|l| l.contains("  wc-")).count();
    assert!(rows >= 40, "{rows} documents listed:\n{text}");
    assert!(text.contains("望川区社区老年助餐服务实施办法"));

    let out = kiosk(&data, &["show", "wc-zc-2024-lnzc"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for needle in
        ["索引号：11459901WC00000032/2024-00015", "发文字号：望民发〔2024〕7号", "有效性：有效", "政策解读：", "第一条"]
    {
        assert!(text.contains(needle), "missing {needle} in:\n{text}");
    }

    let out = kiosk(&data, &["show", "guide-ysqgk"]);
    assert!(stdout(&out).contains("收费标准：不收费"), "{}", stdout(&out));
    let out = kiosk(&data, &["show", "wc-zc-2024-lnzc", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("show --json is JSON");
    assert_eq!(v["type"], "document");
    assert_eq!(v["item"]["doc_no"], "望民发〔2024〕7号");

    let out = kiosk(&data, &["list", "--area", "社会救助", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.as_array().unwrap().iter().all(|d| d["area"] == "社会救助"));
    let out = kiosk(&data, &["list", "--by", "area"]);
    assert!(stdout(&out).lines().count() >= 8);
    let out = kiosk(&data, &["list", "guides"]);
    assert!(stdout(&out).contains("guide-ysqgk"));
    let out = kiosk(&data, &["list", "--area", "火星"]);
    assert_eq!(out.status.code(), Some(2), "a bad filter is a usage error");

    let out = kiosk(&data, &["show", "no-such-id"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no document, guide, board or FAQ entry has the id \"no-such-id\""));

    let out = kiosk(&data, &["status"]);
    assert!(stdout(&out).contains("专区：望川区政务公开专区（示例内容）"), "{}", stdout(&out));

    // logs go to a file in the data directory too
    assert!(data.join("logs/gongkai-kiosk.log").is_file());
}

#[test]
fn broken_source_reports_all_and_keeps_serving() {
    let (tmp, src) = demo_copy();
    let data = tmp.path().join("data");
    let out = kiosk(&data, &["import", src.to_str().unwrap()]);
    assert!(out.status.success());
    let before = stdout(&kiosk(&data, &["list"]));

    edit(&src.join("docs/finance/sangong-2024.md"), "published = \"2024-02-02\"", "published = \"2023-13-01\"");
    edit(&src.join("guides/residence-permit.toml"), "fee = ", "fees = ");
    fs::write(src.join("boards/broken.toml"), "id = \"board-x\"\ntitle = \"坏的\"\n[[items]]\nlabel = \"无目标\"\n")
        .unwrap();
    let out = kiosk(&data, &["import", src.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    for needle in [
        "docs/finance/sangong-2024.md:9: 发布日期 \"2023-13-01\" is not a date",
        "guides/residence-permit.toml:13: fees is not a known field; did you mean `fee`?",
        "guides/residence-permit.toml:1: is missing required field `fee` (收费标准)",
        "boards/broken.toml:3: 二维码[1] needs one of url (链接), document (文件) or guide (指南)",
        "nothing was imported",
        "the store still serves content version 1",
    ] {
        assert!(err.contains(needle), "missing {needle:?} in:\n{err}");
    }
    assert_eq!(stdout(&kiosk(&data, &["list"])), before, "the previous content still serves");
}

#[test]
fn dry_run_checks_without_touching_the_store() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let demo = demo();
    let out = kiosk(&data, &["import", "--dry-run", demo.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("OK — 48 documents"), "{}", stdout(&out));
    let out = kiosk(&data, &["list"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("has no content yet"), "{}", stderr(&out));
}

#[test]
fn check_config_names_key_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let good = Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config/kiosk.toml");
    let out = kiosk(tmp.path(), &["check-config", good.to_str().unwrap()]);
    assert!(out.status.success(), "the shipped config is valid: {}", stderr(&out));

    let text = fs::read_to_string(&good).unwrap();
    let bad = text
        .replace("idle_timeout_seconds = 120", "idle_timout_seconds = 120")
        .replace("orientation = \"auto\"", "orientation = \"upside-down\"")
        .replace("page_limit = 30", "page_limit = \"thirty\"");
    let path = tmp.path().join("kiosk.toml");
    fs::write(&path, &bad).unwrap();
    let line_of = |needle: &str| bad.lines().position(|l| l.starts_with(needle)).unwrap() + 1;
    let out = kiosk(tmp.path(), &["check-config", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let p = path.display();
    for needle in [
        format!(
            "{p}:{}: ui.idle_timout_seconds is not a known field; did you mean `idle_timeout_seconds`?",
            line_of("idle_timout_seconds")
        ),
        format!(
            "{p}:{}: ui.orientation \"upside-down\" is not one of: auto, landscape, portrait",
            line_of("orientation")
        ),
        format!("{p}:{}: printer.page_limit must be a whole number, found a string", line_of("page_limit")),
    ] {
        assert!(err.contains(&needle), "missing {needle:?} in:\n{err}");
    }
    // every other command refuses to start with a bad config, with the same message
    let out = Command::new(env!("CARGO_BIN_EXE_gongkai-kiosk"))
        .args(["status", "--config", path.to_str().unwrap(), "--data-dir", tmp.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("idle_timout_seconds"));
}

#[test]
fn the_window_without_a_display_says_so_instead_of_panicking() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gongkai-kiosk"))
        .args(["kiosk", "--config", "/dev/null", "--data-dir", tmp.path().join("data").to_str().unwrap()])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("WAYLAND_SOCKET")
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("no display to open the kiosk window on"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn hash_pin_prints_a_usable_line() {
    let tmp = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_gongkai-kiosk"))
        .arg("hash-pin")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"135790\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let line = stdout(&out);
    assert!(line.starts_with("pin_hash = \"$argon2id$"), "{line}");
    let cfg = tmp.path().join("k.toml");
    fs::write(&cfg, format!("[attendant]\n{line}")).unwrap();
    let parsed = gongkai_kiosk::config::Config::load(&cfg).unwrap();
    assert!(gongkai_kiosk::config::verify_pin(parsed.attendant.pin_hash.as_deref().unwrap(), "135790"));
    assert!(!line.contains("135790"), "the PIN itself is never printed");
}

#[test]
fn search_from_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let demo = demo();
    assert!(kiosk(&data, &["import", demo.to_str().unwrap()]).status.success());
    for q in ["依申请公开", "依申請公開", "ysqgk"] {
        let out = kiosk(&data, &["search", q]);
        assert!(out.status.success(), "{}", stderr(&out));
        let text = stdout(&out);
        let first = text.lines().find(|l| l.starts_with(" 1.")).unwrap_or_default();
        assert!(first.contains("[guide-ysqgk]") && first.contains("【依申请公开】"), "{q}:\n{text}");
    }
    let out = kiosk(&data, &["search", "补贴", "--kind", "policy", "--json", "--limit", "3"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(v["total"].as_u64().unwrap() >= 2);
    assert!(v["hits"].as_array().unwrap().iter().all(|h| h["kind"] == "policy"));
    let out = kiosk(&data, &["search", "zfxxgk", "--instant"]);
    assert!(stdout(&out).contains("【政府信息公开】"), "{}", stdout(&out));
    // no instant match: said, not an empty screen
    let out = kiosk(&data, &["search", "qqqqxz", "--instant"]);
    assert!(out.status.success() && stdout(&out).contains("no instant match for \"qqqqxz\""), "{}", stdout(&out));
    let out = kiosk(&data, &["search", "补贴", "--type", "poster"]);
    assert_eq!(out.status.code(), Some(2));

    // a repair rebuilds the index: the same results, in the same order, after it
    let found = |data: &Path| -> (u64, Vec<String>) {
        let v: serde_json::Value =
            serde_json::from_slice(&kiosk(data, &["search", "政府信息公开", "--json"]).stdout).expect("JSON");
        let ids = v["hits"].as_array().unwrap().iter().map(|h| h["id"].as_str().unwrap().to_string()).collect();
        (v["total"].as_u64().unwrap(), ids)
    };
    let before = found(&data);
    assert!(before.0 >= 5, "{before:?}");
    let out = kiosk(&data, &["reindex"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("search index rebuilt: ")
            && stdout(&out).contains("bitmaps of frequent tokens and phrases: ")
    );
    assert_eq!(found(&data), before);
    let out = kiosk(&data, &["reindex", "--bitmaps-only"]);
    assert!(
        out.status.success() && stdout(&out).contains("bitmaps of frequent tokens and phrases: 0"),
        "{}",
        stdout(&out)
    );

    let out = kiosk(&data, &["search", "火星基地"]);
    assert!(stdout(&out).starts_with("0 result(s)"));
    let out = kiosk(&data, &["search", "11010119900307123X"]);
    assert!(stdout(&out).starts_with("0 result(s)"));
    let out = kiosk(&data, &["zero-results"]);
    let text = stdout(&out);
    assert!(text.contains("火星基地"), "{text}");
    assert!(!text.contains("1101"), "ID numbers are never recorded: {text}");
}

#[test]
fn ime_offers_words_from_the_content_and_speak_writes_mandarin_speech() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    assert!(kiosk(&data, &["import", demo().to_str().unwrap()]).status.success());

    let out = kiosk(&data, &["ime", "zfxxgk", "--limit", "3"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().next(), Some("政府信息公开\tzfxxgk"));
    let out = kiosk(&data, &["ime", "zhengfu"]);
    assert_eq!(stdout(&out).lines().next(), Some("政府\tzhengfu"));

    let wav = tmp.path().join("voice.wav");
    let out = kiosk(&data, &["speak", "wc-zc-2024-lnzc", "--wav", wav.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let bytes = fs::read(&wav).unwrap();
    assert_eq!(&bytes[..4], b"RIFF");
    assert!(bytes.len() > 500_000, "the whole document is read ({} bytes)", bytes.len());
    let out = kiosk(&data, &["speak", "no-such-doc"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("no document with id"));

    let out = kiosk(&data, &["kiosk", "--open", "nowhere"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown screen `nowhere`"));
    let out = kiosk(&data, &["kiosk", "--open", "document:x", "--then", "dance"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown tap `dance`; use read-aloud"), "{}", stderr(&out));
    // writing a character needs its recorded strokes, and says where they are missing
    let out = kiosk(&data, &["kiosk", "--open", "search", "--then", "write:文"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("`write:文` needs --strokes FILE"), "{}", stderr(&out));
    let strokes = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/handwriting-strokes.txt");
    let out =
        kiosk(&data, &["kiosk", "--open", "search", "--then", "write:龘", "--strokes", strokes.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("handwriting-strokes.txt: no line for 龘"), "{}", stderr(&out));
}

#[test]
fn write_recognises_hand_written_strokes_and_names_the_bad_line() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let strokes = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/handwriting-strokes.txt");
    let out = kiosk(&data, &["write", strokes.to_str().unwrap(), "--limit", "3"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let last = text.lines().last().unwrap();
    let (right, total) = last.split_once(" of ").unwrap();
    assert!(total.starts_with(right), "every test character first: {text}");
    assert!(text.lines().any(|l| l.starts_with("王\t4 strokes\t王 ")), "{text}");
    let bad = tmp.path().join("bad.txt");
    fs::write(&bad, "# a comment\n王: 10,10 90,10 | 10,x\n").unwrap();
    let out = kiosk(&data, &["write", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("bad.txt: line 2: `10,x` is not x,y"), "{}", stderr(&out));
}

#[test]
fn stats_counts_known_activity_per_day_with_the_annual_report_columns() {
    use gongkai_kiosk::store::{Rating, Store, UsageEvent};
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    assert!(kiosk(&data, &["import", demo().to_str().unwrap()]).status.success());
    {
        let store = Store::open(&data).unwrap();
        for e in [
            UsageEvent::Session,
            UsageEvent::Session,
            UsageEvent::Screen("catalogue"),
            UsageEvent::Document("wc-zc-2024-lnzc".into()),
            UsageEvent::Document("wc-zc-2024-lnzc".into()),
            UsageEvent::Guide("guide-jzz".into()),
            UsageEvent::Search { found: true },
            UsageEvent::Search { found: false },
            UsageEvent::Print { layout: "document", pages: 2 },
            UsageEvent::Print { layout: "request-form", pages: 1 },
            UsageEvent::Print { layout: "request-form", pages: 1 },
            UsageEvent::Request { organisation: false, on_behalf: false },
            UsageEvent::Request { organisation: true, on_behalf: true },
        ] {
            store.record_usage(e).unwrap();
        }
        store.record_feedback(Rating::VerySatisfied, None).unwrap();
        store.record_feedback(Rating::Basic, Some("字再大一点")).unwrap();
    }
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    let out = kiosk(&data, &["stats", "--csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let csv = stdout(&out);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "header, today, total:\n{csv}");
    assert!(
        lines[0].starts_with("\u{feff}日期,访客人次")
            && lines[0].contains("申请表打印_自然人,申请表打印_法人或其他组织,申请表打印_总计")
    );
    let want = format!("{today},2,1,2,1,0,2,1,3,4,1,1,2,1,1,0,1,0,0,0");
    assert_eq!(lines[1], want);
    assert_eq!(lines[2], want.replacen(&today, "合计", 1));

    // a range without activity, a readable table, and a bad date
    let out = kiosk(&data, &["stats", "--from", "2020-01-01", "--to", "2020-12-31"]);
    assert!(stdout(&out).contains("no activity recorded between 2020-01-01 and 2020-12-31"));
    let out = kiosk(&data, &["stats"]);
    let table = stdout(&out);
    assert!(
        table.contains("request-form") && table.contains("非常满意 1") && table.contains("1 filled in by staff"),
        "{table}"
    );
    let out = kiosk(&data, &["stats", "--from", "2026-13-01"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--from 2026-13-01: not a date"), "{}", stderr(&out));
}

#[test]
fn root_is_sent_to_the_kiosks_own_user_rather_than_leaving_root_owned_files_in_its_data() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: only root can be refused (scripts/test runs as root)");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    fs::create_dir(&data).unwrap();
    // 65534 is `nobody` on Debian
    std::os::unix::fs::chown(&data, Some(65534), Some(65534)).unwrap();
    let o = kiosk(&data, &["status"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("belongs to the user `nobody`") && stderr(&o).contains("sudo -u nobody gongkai-kiosk"),
        "{}",
        stderr(&o)
    );
    assert_eq!(fs::read_dir(&data).unwrap().count(), 0, "not even a log was written");
    // commands that do not use the data directory still work
    let o = kiosk(&data, &["check-config"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn sound_writes_the_tap_click_and_the_idle_chime_as_wav() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut sizes = Vec::new();
    for which in ["click", "chime"] {
        let wav = tmp.path().join(format!("{which}.wav"));
        let out = kiosk(&data, &["sound", which, "--wav", wav.to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
        let bytes = fs::read(&wav).unwrap();
        assert_eq!(&bytes[..4], b"RIFF");
        assert_eq!(&bytes[8..12], b"WAVE");
        sizes.push(bytes.len());
    }
    assert!(sizes[0] < sizes[1] / 10, "the click is short, the chime long: {sizes:?}");
    let out = kiosk(&data, &["sound", "bell"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("click or chime"), "{}", stderr(&out));
}

#[test]
fn a_failed_sync_with_json_prints_an_object_naming_the_error_and_what_is_served() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    assert!(kiosk(&data, &["import", demo().to_str().unwrap()]).status.success());
    let key = tmp.path().join("key");
    let out = kiosk(&data, &["keygen", "--out", key.to_str().unwrap()]);
    assert!(out.status.success());
    let public = std::fs::read_to_string(tmp.path().join("key.pub")).unwrap();
    let public_key = gongkai_kiosk::pack::PublicKey::parse(public.trim()).unwrap();
    assert!(stderr(&out).contains(&format!("key id: {}", public_key.id())), "{}", stderr(&out));
    // nothing listens on port 9 of this machine
    let out = kiosk(&data, &["sync", "--source", "http://127.0.0.1:9/pack", "--trust", public.trim(), "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON object on stdout");
    assert!(v["error"].as_str().unwrap().contains("127.0.0.1:9"), "{v}");
    assert_eq!(v["serving"]["version"], 1, "{v}");
    assert!(stderr(&out).contains("keeps serving content version 1"), "{}", stderr(&out));
}
