//! Power loss during sync: the real `gongkai-kiosk sync` process, killed with SIGKILL at
//! random moments (while it downloads and while it applies), against packs served by nginx.
//! After every kill the store must open and show exactly the old or exactly the new snapshot,
//! with a search index that matches it; and the next sync must complete.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::servers::Nginx;
use common::{Rng, copy_dir, demo};
use gongkai_kiosk::pack::{self, SecretKey};
use gongkai_kiosk::publish::{PublishOptions, publish};
use gongkai_kiosk::store::Store;

const KILLS: usize = 200;
const VERSIONS: usize = 6;
const GENERATED: usize = 600;

const WORDS: &[&str] = &[
    "政府信息公开",
    "依申请公开",
    "社会保险",
    "养老服务",
    "城乡低保",
    "义务教育",
    "财政预算",
    "行政许可",
    "公共卫生",
    "就业创业",
    "住房保障",
    "生态环境",
    "安全生产",
    "食品药品",
    "乡村振兴",
    "营商环境",
    "民生实事",
    "应急管理",
    "退役军人",
    "残疾人补贴",
];

/// Writes `n` generated documents into the source folder, their text depending on `version`
/// for one in three of them (so each version changes about 200 documents).
fn generate(src: &Path, version: usize, rng_seed: u64) {
    let dir = src.join("docs/generated");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    for i in 0..GENERATED {
        let changes = i % 3 == version % 3;
        let mut rng = Rng(rng_seed ^ ((i as u64 + 1) * 0x9E37_79B9) ^ if changes { version as u64 * 7919 } else { 0 });
        let title: String = (0..3).map(|_| WORDS[rng.below(WORDS.len())]).collect::<Vec<_>>().join("");
        let mut body = String::new();
        for p in 0..6 {
            body.push_str(&format!("## 第{}部分\n\n", p + 1));
            for _ in 0..8 {
                body.push_str(WORDS[rng.below(WORDS.len())]);
                body.push_str("工作按照有关规定执行，");
            }
            body.push_str("特此公告。\n\n");
        }
        let md = format!(
            "+++\nid = \"gen-{i:04}\"\ntitle = \"{title}（第{i}号）\"\nkind = \"notice\"\npublisher = \"望川区人民政府办公室\"\npublished = \"2024-{:02}-{:02}\"\nvalidity = \"有效\"\n+++\n\n{body}",
            1 + i % 12,
            1 + i % 28
        );
        fs::write(dir.join(format!("gen-{i:04}.md")), md).unwrap();
    }
}

struct Versions {
    /// manifest bytes and content hash of each version (index 0 = version 1)
    manifests: Vec<(Vec<u8>, String)>,
}

fn publish_versions(src: &Path, out: &Path, key: &SecretKey) -> Versions {
    let mut manifests = Vec::new();
    for v in 1..=VERSIONS {
        generate(src, v, 42);
        let r = publish(src, out, key, &PublishOptions::default()).unwrap();
        assert_eq!(r.version as usize, v);
        let bytes = fs::read(out.join(pack::MANIFEST_FILE)).unwrap();
        let body = pack::verify_manifest(&bytes, &[key.public()]).unwrap().body;
        manifests.push((bytes, body.content_hash));
    }
    Versions { manifests }
}

/// Serves version `v` (1-based): swaps the manifest in place, atomically, with a new mtime.
fn serve(out: &Path, versions: &Versions, v: usize, tick: u64) {
    let tmp = out.join(".manifest.tmp");
    fs::write(&tmp, &versions.manifests[v - 1].0).unwrap();
    let f = fs::File::options().write(true).open(&tmp).unwrap();
    f.set_modified(std::time::SystemTime::now() + Duration::from_secs(tick)).unwrap();
    drop(f);
    fs::rename(&tmp, out.join(pack::MANIFEST_FILE)).unwrap();
}

/// The live state: (pack version, content hash), or None for an empty store. Also checks
/// that the search index holds exactly the live items.
fn live(data: &Path) -> Option<(u64, String)> {
    let store = Store::open(data).expect("the store opens after a kill");
    let snap = store.snapshot().unwrap()?;
    let conn = store.connection();
    let items: i64 = conn
        .query_row(
            "SELECT (SELECT count(*) FROM documents) + (SELECT count(*) FROM guides) + (SELECT count(*) FROM faqs)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let indexed: i64 = conn.query_row("SELECT count(*) FROM search_items", [], |r| r.get(0)).unwrap();
    assert_eq!(items, indexed, "search index and content disagree");
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok");
    let version = store.pack_state().unwrap().map(|p| p.version).unwrap_or(0);
    Some((version, snap.content_hash))
}

fn sync_command(data: &Path, url: &str, key: &SecretKey, log: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gongkai-kiosk"));
    c.args(["sync", "--source", url, "--trust", &key.public().to_hex(), "--data-dir"])
        .arg(data)
        .env("GONGKAI_KIOSK_CONFIG", Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config/kiosk.toml"))
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(fs::File::create(log).unwrap());
    c
}

#[test]
fn sigkill_at_random_moments_never_leaves_a_mixed_store() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    copy_dir(&demo(), &src);
    let out = tmp.path().join("pack");
    let key = SecretKey::generate();
    let versions = publish_versions(&src, &out, &key);
    let nginx = Nginx::start(&out);
    let url = nginx.url();
    let log = tmp.path().join("sync.log");
    let data_of = |round: usize| -> PathBuf { tmp.path().join(format!("kiosk-{round}")) };

    // How long one uninterrupted fresh sync takes here: kills are spread over that span.
    serve(&out, &versions, 1, 0);
    let started = Instant::now();
    let probe = tmp.path().join("probe");
    assert!(
        sync_command(&probe, &url, &key, &log).status().unwrap().success(),
        "{}",
        fs::read_to_string(&log).unwrap()
    );
    let span = started.elapsed().max(Duration::from_millis(200));
    assert_eq!(live(&probe).unwrap().1, versions.manifests[0].1);

    let mut rng = Rng(0x5EED_2026);
    let (mut round, mut tick) = (0usize, 1u64);
    let (mut killed_downloading, mut killed_applying, mut completed) = (0, 0, 0);
    let mut kills = 0;
    while kills < KILLS {
        let data = data_of(round);
        let before = live(&data);
        let current = before.as_ref().map(|b| b.0 as usize).unwrap_or(0);
        if current == VERSIONS {
            // This kiosk has every version: start a fresh one (a fresh install is killed too).
            round += 1;
            continue;
        }
        let target = current + 1;
        serve(&out, &versions, target, tick);
        tick += 1;
        let mut child = sync_command(&data, &url, &key, &log).spawn().unwrap();
        let delay = span.mul_f64(rng.below(1000) as f64 / 1000.0 * 1.2);
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        kills += 1;
        let status = child.wait().unwrap();
        let said = fs::read_to_string(&log).unwrap_or_default();
        if status.success() {
            completed += 1;
        } else if said.contains("applying") {
            killed_applying += 1;
        } else {
            killed_downloading += 1;
        }
        // Exactly the old snapshot, or exactly the new one.
        match live(&data) {
            None => assert!(before.is_none(), "content vanished"),
            Some((v, hash)) => {
                if v as usize == target {
                    assert_eq!(hash, versions.manifests[target - 1].1, "version {target} live with other content");
                } else {
                    assert_eq!(Some((v, hash)), before, "neither the old nor the new snapshot");
                }
            }
        }
    }
    eprintln!(
        "{KILLS} kills over {} kiosks: {killed_downloading} while downloading, {killed_applying} while applying, {completed} finished first (span {:?})",
        round + 1,
        span
    );
    assert!(killed_downloading >= 20 && killed_applying >= 20, "kills must land in both phases");

    // The next sync completes, from whatever was left, to the served version.
    let data = data_of(round);
    let current = live(&data).map(|l| l.0 as usize).unwrap_or(0);
    let target = (current + 1).min(VERSIONS);
    serve(&out, &versions, target, tick);
    let ok = sync_command(&data, &url, &key, &log).status().unwrap();
    assert!(ok.success(), "{}", fs::read_to_string(&log).unwrap());
    assert_eq!(live(&data).unwrap(), (target as u64, versions.manifests[target - 1].1.clone()));
}
