//! Feedback and statistics upload against nginx's WebDAV module: batches survive a network
//! outage and a `kill -9` in the middle of an upload, reach the server exactly once each, and
//! `report` adds up two kiosks' batches.

mod common;

use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::demo;
use common::servers::Nginx;
use gongkai_kiosk::store::{Rating, Store, UsageEvent};

fn kiosk(data: &Path, config: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongkai-kiosk"))
        .arg("--data-dir")
        .arg(data)
        .arg("--config")
        .arg(config)
        .args(args)
        .output()
        .unwrap()
}

/// A kiosk's data directory with known activity on two finished days, and its config.
fn kiosk_with_activity(dir: &Path, id: &str, url: &str, visitors: u64) -> (std::path::PathBuf, std::path::PathBuf) {
    let data = dir.join(id);
    let config = dir.join(format!("{id}.toml"));
    std::fs::write(&config, format!("zone_id = \"{id}\"\n[upload]\nurl = \"{url}\"\n")).unwrap();
    assert!(kiosk(&data, &config, &["import", demo().to_str().unwrap()]).status.success());
    let store = Store::open(&data).unwrap();
    for _ in 0..visitors {
        store.record_usage_on("2026-11-01", UsageEvent::Session).unwrap();
    }
    store.record_usage_on("2026-11-01", UsageEvent::Print { layout: "request-form", pages: 1 }).unwrap();
    store.record_usage_on("2026-11-01", UsageEvent::Request { organisation: false, on_behalf: false }).unwrap();
    store.record_usage_on("2026-11-02", UsageEvent::Session).unwrap();
    store.record_usage_on("2026-11-02", UsageEvent::Request { organisation: true, on_behalf: true }).unwrap();
    store.record_feedback(Rating::Satisfied, Some(&format!("{id}：字很清楚"))).unwrap();
    (data, config)
}

fn uploaded(root: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![root.join("upload")];
    while let Some(p) = todo.pop() {
        if p.is_dir() {
            todo.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn batches_survive_an_outage_and_a_kill_and_arrive_exactly_once() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("www");
    std::fs::create_dir_all(&root).unwrap();
    let nginx = Nginx::start(&root);
    let url = format!("{}/upload/", nginx.url());
    let (data_a, config_a) = kiosk_with_activity(tmp.path(), "hall-a", &url, 3);

    // the network is down: the batch is sealed and waits
    let dead = TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = format!("http://{}/upload/", dead.local_addr().unwrap());
    drop(dead);
    let out = kiosk(&data_a, &config_a, &["upload", "--url", &dead_url]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("stays in the outbox"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("sealed batch"));
    assert_eq!(Store::open(&data_a).unwrap().outbox().unwrap().len(), 1);

    // a server that takes the request and never answers: the upload is killed with SIGKILL
    let hole = TcpListener::bind("127.0.0.1:0").unwrap();
    let hole_url = format!("http://{}/upload/", hole.local_addr().unwrap());
    let accepted = std::thread::spawn(move || {
        let conns: Vec<_> = hole.incoming().take(1).filter_map(Result::ok).collect();
        std::thread::sleep(Duration::from_secs(5));
        drop(conns);
    });
    let mut child = Command::new(env!("CARGO_BIN_EXE_gongkai-kiosk"))
        .arg("--data-dir")
        .arg(&data_a)
        .arg("--config")
        .arg(&config_a)
        .args(["upload", "--url", &hole_url])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    assert!(child.try_wait().unwrap().is_none(), "still waiting on the silent server");
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    accepted.join().unwrap();
    assert_eq!(Store::open(&data_a).unwrap().outbox().unwrap().len(), 1, "the batch is still there after kill -9");

    // back online: the batch goes to nginx's WebDAV folder, once
    let out = kiosk(&data_a, &config_a, &["upload"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("uploaded 1 batch(es)"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let files = uploaded(&root);
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].starts_with(root.join("upload/hall-a")) && files[0].extension().unwrap() == "json");
    assert!(Store::open(&data_a).unwrap().outbox().unwrap().is_empty(), "deleted once the server confirmed");
    // nothing new: nothing sent
    let out = kiosk(&data_a, &config_a, &["upload"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("uploaded 0 batch(es)"));
    let puts = nginx.log().iter().filter(|l| l.method == "PUT").count();
    assert_eq!(puts, 1, "one PUT for one batch");

    // a second kiosk, then the office's report over both
    let (data_b, config_b) = kiosk_with_activity(tmp.path(), "hall-b", &url, 5);
    assert!(kiosk(&data_b, &config_b, &["upload"]).status.success());
    assert_eq!(uploaded(&root).len(), 2);
    // a copy of a batch (a re-sent file saved under another name) is counted once
    std::fs::copy(&files[0], root.join("upload/hall-a/copy.json")).unwrap();
    let out = kiosk(&data_a, &config_a, &["report", root.join("upload").to_str().unwrap()]);
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("2 batch(es) read, 1 duplicate"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 6, "header, two days for each kiosk, total:\n{csv}");
    assert!(rows[1].starts_with("hall-a,2026-11-01,3,"), "{csv}");
    // total: 3+1+5+1 visitors; prints 2, pages 2; requests 自然人 2, 法人或其他组织 2, total 4, 代为填写 2
    assert_eq!(rows[5], "全部,合计,10,0,0,0,0,0,0,2,2,2,2,4,2,0,0,0,0,0,0");
    let out = kiosk(&data_a, &config_a, &["report", root.join("upload").to_str().unwrap(), "--messages"]);
    let msgs = String::from_utf8(out.stdout).unwrap();
    assert!(msgs.contains("hall-a,") && msgs.contains("hall-b：字很清楚") && msgs.contains("满意"), "{msgs}");
}
