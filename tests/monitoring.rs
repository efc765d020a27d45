//! Fleet health with real parts: Debian's `prometheus-node-exporter`, started by the test with
//! its textfile collector pointed at the kiosk's metrics file and scraped over loopback, shows
//! the kiosk's values after a sync (nginx), a failed sync and a paused cups-pdf queue; the
//! file passes `promtool check metrics`; the shipped alert rules pass `promtool test rules`;
//! the kiosk window writes the file itself, says when it exits, and counts a watchdog kill;
//! the fleet page over 200 kiosks' uploaded status objects lists them in the right order and
//! headless Chromium draws it.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use chrono::Utc;
use common::demo;
use common::display::Xvfb;
use common::servers::Nginx;
use gongkai_kiosk::metrics::{KioskStatus, PrinterState, STATUS_FORMAT, Today};

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

fn ok(o: &Output) -> String {
    let text = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(o.status.success(), "{text}");
    text
}

fn need(tool: &str) -> PathBuf {
    for dir in ["/usr/bin", "/usr/sbin", "/usr/local/bin"] {
        let p = Path::new(dir).join(tool);
        if p.is_file() {
            return p;
        }
    }
    panic!(
        "`{tool}` is missing: run the README's test command (scripts/test), which installs prometheus (promtool), prometheus-node-exporter and chromium"
    );
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Debian's node_exporter with only the textfile collector, reading `dir`, on a free port.
fn node_exporter(dir: &Path) -> (Killed, u16) {
    let port = free_port();
    let child = Command::new(need("prometheus-node-exporter"))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .args(["--collector.disable-defaults", "--collector.textfile"])
        .arg(format!("--collector.textfile.directory={}", dir.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("node_exporter starts");
    let deadline = Instant::now() + Duration::from_secs(15);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "node_exporter did not listen on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
    (Killed(child), port)
}

/// GET /metrics over loopback.
fn scrape(port: u16) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    let mut body = String::new();
    s.read_to_string(&mut body).unwrap();
    assert!(body.starts_with("HTTP/1.0 200") || body.starts_with("HTTP/1.1 200"), "{body}");
    body.split_once("\r\n\r\n").unwrap().1.to_string()
}

/// The value of one sample (`name{labels}` exactly as exported, labels sorted by node_exporter).
fn value(scraped: &str, series: &str) -> f64 {
    scraped
        .lines()
        .find_map(|l| l.strip_prefix(series).and_then(|rest| rest.strip_prefix(' ')))
        .unwrap_or_else(|| panic!("{series} not in the scrape:\n{scraped}"))
        .trim()
        .parse()
        .unwrap()
}

fn promtool_check_metrics(text: &str) {
    let mut child = Command::new(need("promtool"))
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success() && out.stdout.is_empty() && out.stderr.is_empty(),
        "promtool check metrics: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A cups-pdf queue for this test (the pattern of tests/print.rs), deleted when dropped.
struct Queue(String);

impl Queue {
    fn new() -> Queue {
        let running = Command::new("lpstat").arg("-r").output().expect("lpstat (cups-client)");
        assert!(
            String::from_utf8_lossy(&running.stdout).contains("is running"),
            "the CUPS scheduler is not running: run the README's test command (scripts/test), which starts cupsd"
        );
        let name = format!("gk-monitor-{}", std::process::id());
        let out = Command::new("lpadmin")
            .args(["-p", &name, "-E", "-v", "cups-pdf:/", "-P", "/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd"])
            .output()
            .unwrap();
        assert!(out.status.success(), "lpadmin: {}", String::from_utf8_lossy(&out.stderr));
        Queue(name)
    }
}

impl Drop for Queue {
    fn drop(&mut self) {
        let _ = Command::new("lpadmin").args(["-x", &self.0]).status();
    }
}

#[test]
fn node_exporter_serves_the_kiosk_after_a_sync_a_failed_sync_and_a_paused_printer() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, textfiles, www) = (tmp.path().join("data"), tmp.path().join("textfile"), tmp.path().join("www"));
    std::fs::create_dir_all(&textfiles).unwrap();
    let key = tmp.path().join("publisher.key");
    let config0 = tmp.path().join("none.toml");
    std::fs::write(&config0, "").unwrap();
    let keygen = kiosk(&data, &config0, &["keygen", "--out", key.to_str().unwrap()]);
    ok(&keygen);
    let public = String::from_utf8(keygen.stdout).unwrap().trim().to_string();
    ok(&kiosk(
        &data,
        &config0,
        &["publish", demo().to_str().unwrap(), www.to_str().unwrap(), "--key", key.to_str().unwrap()],
    ));
    let nginx = Nginx::start(&www);
    let queue = Queue::new();
    let config = tmp.path().join("kiosk.toml");
    std::fs::write(
        &config,
        format!(
            "zone_id = \"hall-m\"\n[sync]\nsource_url = \"{}\"\ntrusted_keys = [\"{public}\"]\n[printer]\nbackend = \"cups\"\nname = \"{}\"\n[metrics]\nenabled = true\npath = \"{}\"\n",
            nginx.url(),
            queue.0,
            textfiles.join("gongkai-kiosk.prom").display()
        ),
    )
    .unwrap();
    let (_exporter, port) = node_exporter(&textfiles);
    let series = |name: &str, extra: &str| format!("{name}{{{extra}zone_id=\"hall-m\"}}");

    // a sync: the pack's version, "updated", no failures, the printer ready
    ok(&kiosk(&data, &config, &["sync"]));
    ok(&kiosk(&data, &config, &["metrics", "--write"]));
    let m = scrape(port);
    assert_eq!(value(&m, "node_textfile_scrape_error"), 0.0, "node_exporter read the file:\n{m}");
    assert_eq!(value(&m, &series("gongkai_kiosk_pack_version", "")), 1.0);
    assert_eq!(value(&m, &series("gongkai_kiosk_content_version", "")), 1.0);
    assert_eq!(value(&m, &series("gongkai_kiosk_last_sync_outcome", "outcome=\"updated\",")), 1.0);
    assert_eq!(value(&m, &series("gongkai_kiosk_last_sync_outcome", "outcome=\"failed\",")), 0.0);
    assert_eq!(value(&m, &series("gongkai_kiosk_sync_failures", "")), 0.0);
    assert_eq!(value(&m, &series("gongkai_kiosk_printer_state", "state=\"ready\",")), 1.0);
    assert_eq!(value(&m, &series("gongkai_kiosk_up", "")), 0.0, "the command line is not the kiosk window");
    let synced = value(&m, &series("gongkai_kiosk_last_sync_success_timestamp_seconds", ""));
    let now = Utc::now().timestamp() as f64;
    assert!((now - synced).abs() < 120.0, "synced at {synced}, now {now}");
    let expiry = value(&m, &series("gongkai_kiosk_pack_expiry_timestamp_seconds", ""));
    assert!((expiry - now - 30.0 * 86400.0).abs() < 3600.0, "a pack valid for 30 days: {expiry}");
    assert!(value(&m, &series("gongkai_kiosk_data_free_bytes", "")) > 0.0);
    assert_eq!(value(&m, &series("gongkai_kiosk_opening_schedule_configured", "")), 0.0, "the demo has none");
    promtool_check_metrics(&std::fs::read_to_string(textfiles.join("gongkai-kiosk.prom")).unwrap());

    // the server goes away: the sync fails, the last success stays where it was
    drop(nginx);
    let failed = kiosk(&data, &config, &["sync"]);
    assert_eq!(failed.status.code(), Some(1));
    ok(&kiosk(&data, &config, &["metrics", "--write"]));
    let m = scrape(port);
    assert_eq!(value(&m, &series("gongkai_kiosk_last_sync_outcome", "outcome=\"failed\",")), 1.0);
    assert_eq!(value(&m, &series("gongkai_kiosk_last_sync_outcome", "outcome=\"updated\",")), 0.0);
    assert_eq!(value(&m, &series("gongkai_kiosk_sync_failures", "")), 1.0);
    assert_eq!(value(&m, &series("gongkai_kiosk_last_sync_success_timestamp_seconds", "")), synced);
    assert_eq!(value(&m, &series("gongkai_kiosk_pack_version", "")), 1.0, "the old content keeps serving");

    // the queue is paused (cupsdisable)
    assert!(Command::new("cupsdisable").arg(&queue.0).status().unwrap().success());
    ok(&kiosk(&data, &config, &["metrics", "--write"]));
    let m = scrape(port);
    assert_eq!(value(&m, &series("gongkai_kiosk_printer_state", "state=\"paused\",")), 1.0, "{m}");
    assert_eq!(value(&m, &series("gongkai_kiosk_printer_state", "state=\"ready\",")), 0.0);
    let text = std::fs::read_to_string(textfiles.join("gongkai-kiosk.prom")).unwrap();
    promtool_check_metrics(&text);
    // nothing but our own names, numbers and fixed words: no free text from anyone
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        assert!(line.starts_with("gongkai_kiosk_"), "{line}");
    }
}

#[test]
fn the_shipped_alert_rules_pass_promtool() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("packaging/prometheus");
    let check = Command::new(need("promtool"))
        .args(["check", "rules", "gongkai-kiosk.rules.yml"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
    let test = Command::new(need("promtool"))
        .args(["test", "rules", "gongkai-kiosk.rules.test.yml"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(
        test.status.success(),
        "{}{}",
        String::from_utf8_lossy(&test.stdout),
        String::from_utf8_lossy(&test.stderr)
    );
}

fn wait_for(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn the_kiosk_window_writes_its_metrics_and_counts_a_watchdog_kill() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let file = tmp.path().join("gongkai-kiosk.prom");
    let config = tmp.path().join("kiosk.toml");
    std::fs::write(
        &config,
        format!("zone_id = \"hall-w\"\n[metrics]\nenabled = true\npath = \"{}\"\n", file.display()),
    )
    .unwrap();
    let server = Xvfb::start(1280, 800);
    let display = server.display.clone();
    let start = || {
        Killed(
            Command::new(env!("CARGO_BIN_EXE_gongkai-kiosk"))
                .env("DISPLAY", &display)
                .arg("--data-dir")
                .arg(&data)
                .arg("--config")
                .arg(&config)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        )
    };
    let read = || std::fs::read_to_string(&file).unwrap_or_default();
    let mut window = start();
    // written at start (the demo content imported), by the window: up
    wait_for("the first metrics file", || read().contains("gongkai_kiosk_content_version{zone_id=\"hall-w\"} 1"));
    let text = read();
    assert!(text.contains("gongkai_kiosk_up{zone_id=\"hall-w\"} 1\n"), "{text}");
    assert!(text.contains("gongkai_kiosk_printer_state{zone_id=\"hall-w\",state=\"not_configured\"} 1"), "{text}");
    assert!(text.contains("gongkai_kiosk_watchdog_restarts_total{zone_id=\"hall-w\"} 0\n"));
    promtool_check_metrics(&text);

    // systemd's watchdog ends a hung kiosk with SIGABRT sent from outside
    // SAFETY: kill(2) with a valid pid and signal number.
    assert_eq!(unsafe { libc::kill(window.0.id() as i32, libc::SIGABRT) }, 0);
    let status = window.0.wait().unwrap();
    assert!(!status.success());
    assert!(data.join(gongkai_kiosk::watchdog::WATCHDOG_MARK).exists(), "the kill left its mark");
    drop(window);
    // started again (systemd's Restart=always): the restart is counted, durably
    std::fs::remove_file(&file).unwrap();
    let _window = start();
    wait_for("the restart counted", || {
        read().contains("gongkai_kiosk_watchdog_restarts_total{zone_id=\"hall-w\"} 1\n")
    });
    assert!(!data.join(gongkai_kiosk::watchdog::WATCHDOG_MARK).exists());
}

fn status(kiosk: &str, at: chrono::DateTime<Utc>) -> KioskStatus {
    KioskStatus {
        format: STATUS_FORMAT,
        kiosk: kiosk.into(),
        zone: Some("望川区政务公开专区".into()),
        version: "0.1.0".into(),
        at,
        up: true,
        content_version: Some(12),
        pack_version: Some(12),
        pack_created: Some(at - chrono::Duration::days(2)),
        pack_expires: Some(at + chrono::Duration::days(28)),
        last_sync: Some(at - chrono::Duration::minutes(10)),
        last_sync_outcome: Some("unchanged".into()),
        last_sync_success: Some(at - chrono::Duration::minutes(10)),
        sync_failures: 0,
        sync_configured: true,
        printer: PrinterState::Ready,
        print_jobs_failed: 0,
        pages_printed: 120,
        today: Today {
            day: at.with_timezone(&chrono::Local).format("%Y-%m-%d").to_string(),
            visitors: 40,
            searches: 30,
            zero_result_searches: 2,
            documents: 55,
            prints: 6,
            pages: 14,
        },
        disk_free_bytes: 40_000_000_000,
        disk_size_bytes: 100_000_000_000,
        last_touch: Some(at - chrono::Duration::minutes(3)),
        idle_resets: 300,
        watchdog_restarts: 0,
        opening_hours: true,
        open_now: Some(true),
        opening_windows: Vec::new(),
    }
}

#[test]
fn the_fleet_page_lists_200_kiosks_the_ones_that_need_someone_first() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("www");
    std::fs::create_dir_all(&root).unwrap();
    let nginx = Nginx::start(&root);
    let url = format!("{}/upload/", nginx.url());
    let uploads = root.join("upload");

    // one real kiosk uploads its status (and its batches) through the outbox to nginx's WebDAV
    let data = tmp.path().join("real");
    let config = tmp.path().join("real.toml");
    std::fs::write(&config, format!("zone_id = \"real-000\"\n[upload]\nurl = \"{url}\"\n")).unwrap();
    ok(&kiosk(&data, &config, &["import", demo().to_str().unwrap()]));
    gongkai_kiosk::store::Store::open(&data)
        .unwrap()
        .record_usage_on("2000-01-01", gongkai_kiosk::store::UsageEvent::Session)
        .unwrap();
    let out = ok(&kiosk(&data, &config, &["upload", "--status"]));
    assert!(out.contains("status uploaded"), "{out}");
    let real: KioskStatus =
        serde_json::from_slice(&std::fs::read(uploads.join("real-000/status.json")).unwrap()).unwrap();
    assert_eq!((real.kiosk.as_str(), real.content_version), ("real-000", Some(1)));
    // uploaded again: the same file, overwritten
    ok(&kiosk(&data, &config, &["upload", "--status"]));
    assert_eq!(
        std::fs::read_dir(uploads.join("real-000"))
            .unwrap()
            .filter(|e| e.as_ref().unwrap().file_name() == "status.json")
            .count(),
        1
    );

    // 199 more, as uploaded: 20 not seen for days (a day apart), 15 with printer faults, 10
    // whose sync keeps failing, the rest fine; 5 more kiosks expected and never seen
    let now = Utc::now();
    let mut expected = String::from("# the office's list\n");
    for i in 1..200 {
        let id = format!("kiosk-{i:03}");
        expected += &format!("{id}\n");
        let seen = if i <= 20 { chrono::Duration::days(i + 1) } else { chrono::Duration::minutes(i % 30) };
        let mut s = status(&id, now - seen);
        if (21..=35).contains(&i) {
            s.printer = if i % 2 == 0 { PrinterState::PaperOut } else { PrinterState::Paused };
        } else if (36..=45).contains(&i) {
            s.sync_failures = 5;
        }
        let dir = uploads.join(&id);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("status.json"), serde_json::to_vec(&s).unwrap()).unwrap();
        // and a batch with its last 30 finished days (the charts)
        let today = chrono::Local::now().date_naive();
        let days = (1..=30)
            .map(|d| gongkai_kiosk::store::DayStats {
                day: (today - chrono::Days::new(d)).format("%Y-%m-%d").to_string(),
                sessions: (i as u64 * 7 + d * 13) % 50 + if d % 7 < 2 { 0 } else { 20 },
                ..Default::default()
            })
            .collect();
        let batch = gongkai_kiosk::store::Batch {
            format: 1,
            kiosk: id.clone(),
            batch: format!("20261101T000000-{i:016x}"),
            created: "2026-11-01 00:00:00".into(),
            days,
            feedback: Vec::new(),
        };
        std::fs::write(dir.join(format!("{}.json", batch.batch)), serde_json::to_vec(&batch).unwrap()).unwrap();
    }
    for i in 0..5 {
        expected += &format!("missing-{i}\n");
    }
    let list = tmp.path().join("expected.txt");
    std::fs::write(&list, expected).unwrap();

    let out = kiosk(
        &data,
        &config,
        &["report", uploads.to_str().unwrap(), "--fleet", "--json", "--expect", list.to_str().unwrap()],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = json["kiosks"].as_array().unwrap();
    assert_eq!(rows.len(), 205);
    let ids: Vec<&str> = rows.iter().map(|r| r["kiosk"].as_str().unwrap()).collect();
    let health: Vec<&str> = rows.iter().map(|r| r["health"].as_str().unwrap()).collect();
    assert_eq!(&ids[..5], ["missing-0", "missing-1", "missing-2", "missing-3", "missing-4"]);
    assert!(health[..5].iter().all(|h| *h == "never_seen"));
    // not seen: the longest silence first
    let not_seen: Vec<String> = (1..=20).rev().map(|i| format!("kiosk-{i:03}")).collect();
    assert_eq!(ids[5..25], not_seen.iter().map(String::as_str).collect::<Vec<_>>()[..]);
    assert!(health[5..25].iter().all(|h| *h == "not_seen"));
    // then the 25 with something to mend, then the 155 that are fine — the real kiosk among
    // them, unless the machine running the test is itself short of disk space (its status says
    // so, and it joins the ones to mend)
    let (free, size) = gongkai_kiosk::metrics::disk_space(&data).unwrap();
    let fine = 50 + usize::from((free as f64) < size as f64 * gongkai_kiosk::fleet::DISK_LOW_SHARE);
    assert!(health[25..fine].iter().all(|h| *h == "attention"), "{:?}", &health[25..fine]);
    let printers = rows[25..fine].iter().filter(|r| r["problems"][0] == "printer").count();
    assert_eq!(printers, 15);
    assert!(health[fine..].iter().all(|h| *h == "ok"));
    assert!(if fine == 50 { ids[50..].contains(&"real-000") } else { ids[25..fine].contains(&"real-000") });

    // the page: the same order, flagged rows first
    let page = tmp.path().join("fleet.html");
    ok(&kiosk(
        &data,
        &config,
        &[
            "report",
            uploads.to_str().unwrap(),
            "--fleet",
            "--expect",
            list.to_str().unwrap(),
            "--out",
            page.to_str().unwrap(),
        ],
    ));
    let html = std::fs::read_to_string(&page).unwrap();
    let pos = |s: &str| html.find(&format!("<td>{s}</td>")).unwrap_or_else(|| panic!("{s} not on the page"));
    assert!(pos("missing-4") < pos("kiosk-020") && pos("kiosk-020") < pos("kiosk-001"));
    assert!(pos("kiosk-001") < pos("kiosk-021") && pos("kiosk-021") < pos("kiosk-199"));
    assert!(!html.contains("<script") && !html.contains("src=\"http"), "self-contained");

    // headless Chromium draws it; the top rows carry the red flag of kiosks not seen
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fleet-page.png");
    let _ = std::fs::remove_file(&shot);
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(need("chromium"))
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--window-size=1600,1000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(shot.is_file(), "no screenshot: {}", String::from_utf8_lossy(&out.stderr));
    let img = image::open(&shot).unwrap().to_rgb8();
    assert_eq!(img.dimensions(), (1600, 1000));
    let red = img.pixels().filter(|p| p[0] > 150 && p[1] < 60 && p[2] < 60).count();
    assert!(red > 2000, "the not-seen flags are drawn ({red} red pixels); see {}", shot.display());
}

#[test]
fn opening_hours_in_site_toml_are_checked_and_become_the_opening_windows() {
    let (tmp, src) = common::demo_copy();
    let site = src.join("site.toml");
    let text = std::fs::read_to_string(&site).unwrap();
    let lines = text.lines().count();
    std::fs::write(
        &site,
        format!(
            "{text}\n[opening_hours]\nmonday = \"09:00-12:00, 13:30-17:30\"\ntuesday = \"9:00—17:00\"\nwednesday = \"17:00-09:00\"\nclosed = [2026-10-01, \"2026-10-02\"]\nspecial = [\"2020-09-27 09:00-12:00\", \"tomorrow 9:00-10:00\"]\n"
        ),
    )
    .unwrap();
    let data = tmp.path().join("data");
    let config = tmp.path().join("kiosk.toml");
    std::fs::write(&config, "zone_id = \"hall-h\"\n").unwrap();
    // two mistakes, each named with its line; nothing imported
    let out = kiosk(&data, &config, &["import", src.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains(&format!("site.toml:{}: 开放时段.周三 \"17:00-09:00\" ends before it starts", lines + 5)),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "site.toml:{}: 开放时段.特别开放 \"tomorrow 9:00-10:00\" does not start with a date",
            lines + 7
        )),
        "{err}"
    );
    // mended: the kiosk exports its next 16 opening periods, Mondays and Tuesdays only
    let fixed = std::fs::read_to_string(&site)
        .unwrap()
        .replace("wednesday = \"17:00-09:00\"\n", "")
        .replace(", \"tomorrow 9:00-10:00\"", "");
    std::fs::write(&site, fixed).unwrap();
    ok(&kiosk(&data, &config, &["import", src.to_str().unwrap()]));
    let m = ok(&kiosk(&data, &config, &["metrics"]));
    assert!(m.contains("gongkai_kiosk_opening_schedule_configured{zone_id=\"hall-h\"} 1\n"), "{m}");
    let starts: Vec<i64> = m
        .lines()
        .filter(|l| l.starts_with("gongkai_kiosk_opening_window_start_timestamp_seconds{"))
        .map(|l| l.rsplit(' ').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(starts.len(), 16);
    for s in &starts {
        let local = chrono::DateTime::from_timestamp(*s, 0).unwrap().with_timezone(&chrono::Local);
        use chrono::Datelike;
        assert!(
            matches!(local.weekday(), chrono::Weekday::Mon | chrono::Weekday::Tue),
            "{local} is not a Monday or Tuesday"
        );
    }
    assert!(starts.windows(2).all(|w| w[0] < w[1]), "in order");
}
