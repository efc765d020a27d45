//! The kiosk's health for the people who run a fleet of them: one [`KioskStatus`] gathered from
//! the store (content and pack, sync history, usage, durable counters), the disk, the opening
//! hours and what only the running window knows ([`Live`]: the last touch, the printer's state),
//! then written as
//!
//! - a file in the Prometheus text format for node_exporter's textfile collector
//!   ([`render`], [`write_atomically`]): the kiosk opens no port; node_exporter, which the
//!   operator already runs, serves the file;
//! - a small JSON status object uploaded next to the statistics batches ([`crate::upload`]) for
//!   `gongkai-kiosk report --fleet`.
//!
//! Nothing a visitor entered is ever part of it: only counts, versions, times and states.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::print::{PrinterProblem, PrinterReadiness};
use crate::store::{Counter, Store, StoreError};

/// The file name node_exporter's textfile collector reads (it reads every `*.prom`).
pub const FILE_NAME: &str = "gongkai-kiosk.prom";
/// How many opening periods ahead are exported (enough to cover a long holiday and a weekend).
pub const OPENING_WINDOWS: usize = 16;
/// How far ahead opening periods are looked for.
const OPENING_DAYS: u32 = 400;
/// The JSON status object's format.
pub const STATUS_FORMAT: u32 = 1;

/// The printer as the monitoring sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrinterState {
    Ready,
    Paused,
    PaperOut,
    PaperJam,
    OutOfToner,
    NotAccepting,
    Offline,
    /// CUPS does not answer, or the queue does not exist.
    Unavailable,
    /// No printer: the directory backend saves PDFs.
    NotConfigured,
    /// Not read yet.
    Unknown,
}

impl PrinterState {
    pub const ALL: [PrinterState; 10] = [
        PrinterState::Ready,
        PrinterState::Paused,
        PrinterState::PaperOut,
        PrinterState::PaperJam,
        PrinterState::OutOfToner,
        PrinterState::NotAccepting,
        PrinterState::Offline,
        PrinterState::Unavailable,
        PrinterState::NotConfigured,
        PrinterState::Unknown,
    ];

    pub fn from_readiness(r: &PrinterReadiness) -> Self {
        match r {
            PrinterReadiness::Directory(_) => PrinterState::NotConfigured,
            PrinterReadiness::Ready(_) => PrinterState::Ready,
            PrinterReadiness::Problem(_, p) => match p {
                PrinterProblem::Paused(_) => PrinterState::Paused,
                PrinterProblem::PaperOut => PrinterState::PaperOut,
                PrinterProblem::PaperJam => PrinterState::PaperJam,
                PrinterProblem::OutOfToner => PrinterState::OutOfToner,
                PrinterProblem::NotAccepting(_) => PrinterState::NotAccepting,
                PrinterProblem::Offline => PrinterState::Offline,
            },
            PrinterReadiness::Unavailable(_) => PrinterState::Unavailable,
        }
    }

    /// The label value (`paper_out`).
    pub fn name(self) -> &'static str {
        match self {
            PrinterState::Ready => "ready",
            PrinterState::Paused => "paused",
            PrinterState::PaperOut => "paper_out",
            PrinterState::PaperJam => "paper_jam",
            PrinterState::OutOfToner => "out_of_toner",
            PrinterState::NotAccepting => "not_accepting",
            PrinterState::Offline => "offline",
            PrinterState::Unavailable => "unavailable",
            PrinterState::NotConfigured => "not_configured",
            PrinterState::Unknown => "unknown",
        }
    }

    /// In Chinese, for the fleet page and the attendant.
    pub fn label(self) -> &'static str {
        match self {
            PrinterState::Ready => "正常",
            PrinterState::Paused => "暂停",
            PrinterState::PaperOut => "缺纸",
            PrinterState::PaperJam => "卡纸",
            PrinterState::OutOfToner => "缺墨粉",
            PrinterState::NotAccepting => "拒收任务",
            PrinterState::Offline => "离线",
            PrinterState::Unavailable => "无法连接",
            PrinterState::NotConfigured => "未配置打印机",
            PrinterState::Unknown => "未知",
        }
    }

    /// A printer that is there and cannot print (a fault for someone to mend).
    pub fn is_fault(self) -> bool {
        !matches!(self, PrinterState::Ready | PrinterState::NotConfigured | PrinterState::Unknown)
    }
}

/// What only the running kiosk window knows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Live {
    /// The kiosk window is running (false from the command line, and in the last file the
    /// window writes as it exits).
    pub up: bool,
    pub last_touch: Option<DateTime<Utc>>,
    /// As last read; `None` = not read yet.
    pub printer: Option<PrinterState>,
}

/// Today's use (counts only).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Today {
    pub day: String,
    pub visitors: u64,
    pub searches: u64,
    pub zero_result_searches: u64,
    pub documents: u64,
    pub prints: u64,
    pub pages: u64,
}

/// One kiosk's health: the metrics file and the uploaded status object are both made from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KioskStatus {
    pub format: u32,
    /// `zone_id` from kiosk.toml: this kiosk's name in the region.
    pub kiosk: String,
    /// The zone's name from the content (`site.toml`).
    pub zone: Option<String>,
    /// The kiosk program's version.
    pub version: String,
    /// When this was gathered.
    pub at: DateTime<Utc>,
    pub up: bool,
    pub content_version: Option<i64>,
    pub pack_version: Option<u64>,
    pub pack_created: Option<DateTime<Utc>>,
    pub pack_expires: Option<DateTime<Utc>>,
    /// The last sync attempt and its outcome (`updated`, `unchanged`, `failed`).
    pub last_sync: Option<DateTime<Utc>>,
    pub last_sync_outcome: Option<String>,
    pub last_sync_success: Option<DateTime<Utc>>,
    /// Failed attempts since the last success.
    pub sync_failures: u32,
    /// Whether `[sync] source_url` is set.
    pub sync_configured: bool,
    pub printer: PrinterState,
    pub print_jobs_failed: u64,
    pub pages_printed: u64,
    pub today: Today,
    pub disk_free_bytes: u64,
    pub disk_size_bytes: u64,
    pub last_touch: Option<DateTime<Utc>>,
    pub idle_resets: u64,
    pub watchdog_restarts: u64,
    /// Whether `site.toml` has `[opening_hours]`, and if so whether the zone is open now.
    pub opening_hours: bool,
    pub open_now: Option<bool>,
    /// The opening periods under way and ahead (not uploaded: the metrics need them).
    #[serde(skip)]
    pub opening_windows: Vec<(DateTime<Utc>, DateTime<Utc>)>,
}

/// The store's times (`YYYY-MM-DD HH:MM:SS`, local) as instants.
fn local_time(s: &str) -> Option<DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").ok()?;
    chrono::Local.from_local_datetime(&naive).earliest().map(|t| t.with_timezone(&Utc))
}

fn rfc3339(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc))
}

/// Free and total bytes of the file system holding `path`.
pub fn disk_space(path: &Path) -> std::io::Result<(u64, u64)> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes())
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    let mut st = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: `c` is a valid NUL-terminated path and `st` points to writable memory of the
    // right size; statvfs writes it fully when it returns 0.
    let rc = unsafe { libc::statvfs(c.as_ptr(), st.as_mut_ptr()) };
    if rc != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: statvfs returned 0, so the struct is initialised.
    let st = unsafe { st.assume_init() };
    // fsblkcst_t and c_ulong are u64 on 64-bit Linux, the kiosk's platform
    Ok((st.f_bavail * st.f_frsize, st.f_blocks * st.f_frsize))
}

/// Gathers the kiosk's health at `now` from its store and data directory.
pub fn gather(
    store: &Store,
    config: &Config,
    data_dir: &Path,
    live: &Live,
    now: DateTime<Utc>,
) -> Result<KioskStatus, StoreError> {
    let snapshot = store.snapshot()?;
    let pack = store.pack_state()?;
    let history = store.sync_history(200)?;
    let last = history.first();
    let last_success = history.iter().find(|r| r.outcome != "failed");
    let sync_failures = history.iter().take_while(|r| r.outcome == "failed").count() as u32;
    let usage = store.usage_today()?;
    let site = store.site()?;
    let hours = site.as_ref().and_then(|s| s.opening_hours.clone());
    let (disk_free_bytes, disk_size_bytes) = disk_space(data_dir).unwrap_or((0, 0));
    Ok(KioskStatus {
        format: STATUS_FORMAT,
        kiosk: config.zone_id.clone(),
        zone: site.as_ref().map(|s| s.name.clone()),
        version: env!("CARGO_PKG_VERSION").to_string(),
        at: now,
        up: live.up,
        content_version: snapshot.as_ref().map(|s| s.version),
        pack_version: pack.as_ref().map(|p| p.version),
        pack_created: pack.as_ref().and_then(|p| rfc3339(&p.created)),
        pack_expires: pack.as_ref().and_then(|p| rfc3339(&p.expires)),
        last_sync: last.and_then(|r| local_time(&r.at)),
        last_sync_outcome: last.map(|r| r.outcome.clone()),
        last_sync_success: last_success.and_then(|r| local_time(&r.at)),
        sync_failures,
        sync_configured: config.sync.source_url.is_some(),
        printer: live.printer.unwrap_or(PrinterState::Unknown),
        print_jobs_failed: store.counter(Counter::PrintJobFailed)?,
        pages_printed: store.pages_printed_total()?,
        today: Today {
            day: usage.day.clone(),
            visitors: usage.sessions,
            searches: usage.searches,
            zero_result_searches: usage.zero_result_searches,
            documents: usage.documents,
            prints: usage.prints,
            pages: usage.pages,
        },
        disk_free_bytes,
        disk_size_bytes,
        last_touch: live.last_touch,
        idle_resets: store.counter(Counter::IdleReset)?,
        watchdog_restarts: store.counter(Counter::WatchdogRestart)?,
        opening_hours: hours.is_some(),
        open_now: hours.as_ref().map(|h| h.is_open(now)),
        opening_windows: hours.map(|h| opening_windows(&h, now)).unwrap_or_default(),
    })
}

/// Always [`OPENING_WINDOWS`] periods (the last repeated if the year ahead has fewer), so the
/// series the monitoring keeps while a kiosk is down never mix two schedules.
fn opening_windows(h: &crate::content::hours::OpeningHours, now: DateTime<Utc>) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let mut w = h.windows(now, OPENING_WINDOWS, OPENING_DAYS);
    if let Some(last) = w.last().copied() {
        w.resize(OPENING_WINDOWS, last);
    }
    w
}

/// The Prometheus text format (version 0.0.4) writer: each family's HELP and TYPE, then its
/// samples, every one labelled with the kiosk's zone id.
struct Exposition<'a> {
    out: String,
    zone: &'a str,
}

impl Exposition<'_> {
    fn family(&mut self, name: &str, kind: &str, help: &str) {
        let _ = writeln!(self.out, "# HELP {name} {help}\n# TYPE {name} {kind}");
    }

    fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: f64) {
        let _ = write!(self.out, "{name}{{zone_id=\"{}\"", escape(self.zone));
        for (k, v) in labels {
            let _ = write!(self.out, ",{k}=\"{}\"", escape(v));
        }
        let _ = writeln!(self.out, "}} {}", number(value));
    }

    /// A family with one sample (left out entirely when there is no value).
    fn one(&mut self, name: &str, kind: &str, help: &str, value: Option<f64>) {
        if let Some(v) = value {
            self.family(name, kind, help);
            self.sample(name, &[], v);
        }
    }
}

/// A label value as the text format wants it.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 { format!("{}", v as i64) } else { format!("{v}") }
}

fn seconds(t: DateTime<Utc>) -> f64 {
    t.timestamp_millis() as f64 / 1000.0
}

/// The metrics file's text.
pub fn render(s: &KioskStatus) -> String {
    let mut e = Exposition { out: String::with_capacity(6 * 1024), zone: &s.kiosk };
    let g = "gauge";
    let c = "counter";
    e.one(
        "gongkai_kiosk_up",
        g,
        "1 while the kiosk window runs (0 in the file it leaves when it exits).",
        Some(f64::from(u8::from(s.up))),
    );
    e.family("gongkai_kiosk_build_info", g, "The kiosk program's version (always 1).");
    e.sample("gongkai_kiosk_build_info", &[("version", &s.version)], 1.0);
    e.one("gongkai_kiosk_metrics_timestamp_seconds", g, "When this file was written.", Some(seconds(s.at)));
    e.one(
        "gongkai_kiosk_content_version",
        g,
        "The live content snapshot's version.",
        s.content_version.map(|v| v as f64),
    );
    e.one(
        "gongkai_kiosk_pack_version",
        g,
        "The version of the signed pack the live content came from.",
        s.pack_version.map(|v| v as f64),
    );
    e.one(
        "gongkai_kiosk_pack_created_timestamp_seconds",
        g,
        "When the live pack was published.",
        s.pack_created.map(seconds),
    );
    e.one(
        "gongkai_kiosk_pack_expiry_timestamp_seconds",
        g,
        "When the live pack expires (the publisher must publish before).",
        s.pack_expires.map(seconds),
    );
    e.one(
        "gongkai_kiosk_sync_configured",
        g,
        "1 if kiosk.toml names a pack source ([sync] source_url).",
        Some(f64::from(u8::from(s.sync_configured))),
    );
    e.one(
        "gongkai_kiosk_last_sync_timestamp_seconds",
        g,
        "When the last sync attempt ended.",
        s.last_sync.map(seconds),
    );
    e.one(
        "gongkai_kiosk_last_sync_success_timestamp_seconds",
        g,
        "When the last successful sync ended (0: never).",
        Some(s.last_sync_success.map(seconds).unwrap_or(0.0)),
    );
    e.one(
        "gongkai_kiosk_seconds_since_last_sync_success",
        g,
        "Seconds from the last successful sync to the writing of this file.",
        s.last_sync_success.map(|t| (s.at - t).num_seconds().max(0) as f64),
    );
    e.family(
        "gongkai_kiosk_last_sync_outcome",
        g,
        "1 for the outcome of the last sync attempt (none: no attempt yet).",
    );
    let outcome = s.last_sync_outcome.as_deref().unwrap_or("none");
    for o in ["updated", "unchanged", "failed", "none"] {
        e.sample("gongkai_kiosk_last_sync_outcome", &[("outcome", o)], f64::from(u8::from(o == outcome)));
    }
    e.one(
        "gongkai_kiosk_sync_failures",
        g,
        "Failed sync attempts in a row since the last success.",
        Some(f64::from(s.sync_failures)),
    );
    e.family("gongkai_kiosk_printer_state", g, "1 for the printer's state as last read.");
    for p in PrinterState::ALL {
        e.sample("gongkai_kiosk_printer_state", &[("state", p.name())], f64::from(u8::from(p == s.printer)));
    }
    e.one(
        "gongkai_kiosk_print_jobs_failed_total",
        c,
        "Print jobs that did not come out.",
        Some(s.print_jobs_failed as f64),
    );
    e.one("gongkai_kiosk_pages_printed_total", c, "Pages printed (or saved as PDF).", Some(s.pages_printed as f64));
    e.one("gongkai_kiosk_visitors_today", g, "Visitors (sessions) today.", Some(s.today.visitors as f64));
    e.one("gongkai_kiosk_searches_today", g, "Searches today.", Some(s.today.searches as f64));
    e.one(
        "gongkai_kiosk_zero_result_searches_today",
        g,
        "Searches today that found nothing.",
        Some(s.today.zero_result_searches as f64),
    );
    e.one(
        "gongkai_kiosk_data_free_bytes",
        g,
        "Free bytes on the file system of the data directory.",
        Some(s.disk_free_bytes as f64),
    );
    e.one(
        "gongkai_kiosk_data_size_bytes",
        g,
        "Size in bytes of the file system of the data directory.",
        Some(s.disk_size_bytes as f64),
    );
    e.one(
        "gongkai_kiosk_last_touch_timestamp_seconds",
        g,
        "When a visitor last touched the screen.",
        s.last_touch.map(seconds),
    );
    e.one(
        "gongkai_kiosk_seconds_since_last_touch",
        g,
        "Seconds from the last touch to the writing of this file.",
        s.last_touch.map(|t| (s.at - t).num_seconds().max(0) as f64),
    );
    e.one("gongkai_kiosk_idle_resets_total", c, "Idle resets for the next visitor.", Some(s.idle_resets as f64));
    e.one(
        "gongkai_kiosk_watchdog_restarts_total",
        c,
        "Restarts by systemd's watchdog after the kiosk hung.",
        Some(s.watchdog_restarts as f64),
    );
    e.one(
        "gongkai_kiosk_opening_schedule_configured",
        g,
        "1 if site.toml has [opening_hours].",
        Some(f64::from(u8::from(s.opening_hours))),
    );
    if !s.opening_windows.is_empty() {
        let start = "gongkai_kiosk_opening_window_start_timestamp_seconds";
        let end = "gongkai_kiosk_opening_window_end_timestamp_seconds";
        e.family(start, g, "Start of the opening period under way or ahead (window 0 is the next).");
        for (i, (from, _)) in s.opening_windows.iter().enumerate() {
            e.sample(start, &[("window", &i.to_string())], seconds(*from));
        }
        e.family(end, g, "End of the opening period under way or ahead.");
        for (i, (_, until)) in s.opening_windows.iter().enumerate() {
            e.sample(end, &[("window", &i.to_string())], seconds(*until));
        }
    }
    e.out
}

/// Writes `text` to `path` so that a reader sees the old file or the new one, never a part:
/// a temporary file in the same directory, then a rename over the old one.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    // a name node_exporter ignores (it reads only *.prom) and no other writer shares
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, text).and_then(|()| std::fs::rename(&tmp, path)).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// Gathers and writes the metrics file (what the kiosk window does every minute and on each
/// change, and `gongkai-kiosk metrics --write`).
pub fn write(
    store: &Store,
    config: &Config,
    data_dir: &Path,
    live: &Live,
    path: &Path,
) -> Result<KioskStatus, MetricsError> {
    let status = gather(store, config, data_dir, live, Utc::now())?;
    write_atomically(path, &render(&status))
        .map_err(|e| MetricsError::Write { path: path.to_path_buf(), source: e })?;
    Ok(status)
}

#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "cannot write the metrics file {path}: {source}. Give the kiosk's user write access to that directory (docs/deployment.md, \"Monitoring\"), or set [metrics] path in kiosk.toml"
    )]
    Write { path: PathBuf, source: std::io::Error },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status() -> KioskStatus {
        let at = Utc.with_ymd_and_hms(2026, 11, 20, 2, 0, 0).unwrap();
        KioskStatus {
            format: STATUS_FORMAT,
            kiosk: "hall-\"1\"".into(),
            zone: Some("望川区政务公开专区".into()),
            version: "0.1.0".into(),
            at,
            up: true,
            content_version: Some(7),
            pack_version: Some(12),
            pack_created: None,
            pack_expires: Some(at + chrono::Duration::days(20)),
            last_sync: Some(at - chrono::Duration::minutes(5)),
            last_sync_outcome: Some("failed".into()),
            last_sync_success: Some(at - chrono::Duration::hours(2)),
            sync_failures: 3,
            sync_configured: true,
            printer: PrinterState::PaperOut,
            print_jobs_failed: 2,
            pages_printed: 40,
            today: Today { day: "2026-11-20".into(), visitors: 9, ..Today::default() },
            disk_free_bytes: 1 << 30,
            disk_size_bytes: 1 << 34,
            last_touch: None,
            idle_resets: 5,
            watchdog_restarts: 1,
            opening_hours: true,
            open_now: Some(true),
            opening_windows: vec![(at, at + chrono::Duration::hours(1))],
        }
    }

    #[test]
    fn the_text_format_has_every_family_labelled_with_the_zone() {
        let text = render(&status());
        assert!(text.contains("gongkai_kiosk_up{zone_id=\"hall-\\\"1\\\"\"} 1\n"), "{text}");
        assert!(text.contains("gongkai_kiosk_printer_state{zone_id=\"hall-\\\"1\\\"\",state=\"paper_out\"} 1\n"));
        assert!(text.contains(",state=\"ready\"} 0\n"));
        assert!(text.contains(",outcome=\"failed\"} 1\n"));
        assert!(text.contains("gongkai_kiosk_seconds_since_last_sync_success{zone_id=\"hall-\\\"1\\\"\"} 7200\n"));
        assert!(text.contains(",window=\"0\"} 1795140000\n"), "{text}");
        assert!(!text.contains("last_touch"), "no touch yet: no sample");
        // every sample line follows its HELP and TYPE
        let mut typed = std::collections::HashSet::new();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                typed.insert(rest.split(' ').next().unwrap().to_string());
            } else if !line.starts_with('#') {
                let name = line.split('{').next().unwrap();
                assert!(typed.contains(name), "{name} has no TYPE");
            }
        }
    }

    #[test]
    fn a_write_replaces_the_file_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        write_atomically(&path, "a 1\n").unwrap();
        write_atomically(&path, "b 2\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "b 2\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left");
        let missing = dir.path().join("no-such-dir").join(FILE_NAME);
        assert!(write_atomically(&missing, "x").is_err());
    }
}
