//! `gongkai-kiosk report DIR --fleet`: the office's view of every kiosk without Prometheus,
//! from what the kiosks uploaded — each kiosk's status object (`<kiosk>/status.json`, replaced
//! at every upload) and its statistics batches (use per day). [`assess`] decides what needs
//! someone's attention (the attendant panel shows the same verdict for its own kiosk); the
//! page lists the kiosks that need it first, as one self-contained HTML file, or as JSON.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::metrics::KioskStatus;
use crate::report::Report;

/// Not heard from for longer than this: flagged.
pub const NOT_SEEN_AFTER: Duration = Duration::hours(24);
/// No successful sync for longer than this: the content may be out of date.
pub const STALE_CONTENT_AFTER: Duration = Duration::days(3);
/// The pack expires within this: the publisher must publish.
pub const PACK_EXPIRY_WARNING: Duration = Duration::days(3);
/// Failed syncs in a row before it is a problem (one failure is the network's bad moment).
pub const SYNC_FAILURES: u32 = 3;
/// Less free space than this share of the disk: nearly full.
pub const DISK_LOW_SHARE: f64 = 0.10;
/// Days of use drawn per kiosk.
pub const CHART_DAYS: usize = 30;

/// How a kiosk stands, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    /// Expected (or known from its batches) but no status ever arrived.
    NeverSeen,
    /// Its last status is more than a day old.
    NotSeen,
    /// Seen, with something to mend.
    Attention,
    Ok,
}

impl Health {
    pub fn label(self) -> &'static str {
        match self {
            Health::NeverSeen => "从未上报",
            Health::NotSeen => "失联",
            Health::Attention => "需处理",
            Health::Ok => "正常",
        }
    }
}

/// Something to mend; `code` is stable (JSON, translations), `label` is the office's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    NeverSeen,
    NotSeen,
    SyncFailing,
    ContentStale,
    PackExpired,
    PackExpiring,
    Printer,
    DiskLow,
}

impl Problem {
    pub fn code(self) -> &'static str {
        match self {
            Problem::NeverSeen => "never_seen",
            Problem::NotSeen => "not_seen",
            Problem::SyncFailing => "sync_failing",
            Problem::ContentStale => "content_stale",
            Problem::PackExpired => "pack_expired",
            Problem::PackExpiring => "pack_expiring",
            Problem::Printer => "printer",
            Problem::DiskLow => "disk_low",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Problem::NeverSeen => "从未上报状态",
            Problem::NotSeen => "超过一天未上报",
            Problem::SyncFailing => "连续同步失败",
            Problem::ContentStale => "内容超过3天未更新",
            Problem::PackExpired => "内容包已过期",
            Problem::PackExpiring => "内容包即将过期",
            Problem::Printer => "打印机故障",
            Problem::DiskLow => "磁盘空间不足",
        }
    }
}

/// What needs attention in one kiosk's status at `now` (the fleet page and the attendant panel).
pub fn assess(status: Option<&KioskStatus>, now: DateTime<Utc>) -> (Health, Vec<Problem>) {
    let Some(s) = status else { return (Health::NeverSeen, vec![Problem::NeverSeen]) };
    let mut problems = Vec::new();
    if now - s.at > NOT_SEEN_AFTER {
        problems.push(Problem::NotSeen);
    }
    if s.sync_failures >= SYNC_FAILURES {
        problems.push(Problem::SyncFailing);
    }
    if s.sync_configured && s.last_sync_success.is_none_or(|t| s.at - t > STALE_CONTENT_AFTER) {
        problems.push(Problem::ContentStale);
    }
    match s.pack_expires {
        Some(e) if e <= s.at => problems.push(Problem::PackExpired),
        Some(e) if e - s.at < PACK_EXPIRY_WARNING => problems.push(Problem::PackExpiring),
        _ => {}
    }
    if s.printer.is_fault() {
        problems.push(Problem::Printer);
    }
    if s.disk_size_bytes > 0 && (s.disk_free_bytes as f64) < s.disk_size_bytes as f64 * DISK_LOW_SHARE {
        problems.push(Problem::DiskLow);
    }
    let health = if problems.contains(&Problem::NotSeen) {
        Health::NotSeen
    } else if problems.is_empty() {
        Health::Ok
    } else {
        Health::Attention
    };
    (health, problems)
}

/// One kiosk on the page.
#[derive(Debug, Clone, Serialize)]
pub struct FleetRow {
    pub kiosk: String,
    pub health: Health,
    pub problems: Vec<Problem>,
    /// Its last status (None: never seen).
    pub status: Option<KioskStatus>,
    /// Visitors per day, the last [`CHART_DAYS`] days up to the report's day (oldest first).
    pub visitors_per_day: Vec<u64>,
    /// Its batches were found (a kiosk of an older version uploads no status).
    pub batches: bool,
}

impl FleetRow {
    fn seen(&self) -> Option<DateTime<Utc>> {
        self.status.as_ref().map(|s| s.at)
    }

    fn sync_age(&self) -> Option<Duration> {
        let s = self.status.as_ref()?;
        s.last_sync_success.map(|t| s.at - t)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Fleet {
    pub generated: DateTime<Utc>,
    /// The last day of the charts (the report's day, in the office's time zone).
    pub last_day: String,
    pub kiosks: Vec<FleetRow>,
}

/// The fleet from a read upload folder, the kiosks the office expects (`expected`), at `now`;
/// the kiosks that need someone first: never seen, then not seen (longest first), then those
/// with problems (most first, then the oldest content), then the rest, each by name.
pub fn build(report: &Report, expected: &[String], now: DateTime<Utc>) -> Fleet {
    let today = now.with_timezone(&chrono::Local).date_naive();
    let days: Vec<String> = (0..CHART_DAYS as u64)
        .rev()
        .filter_map(|back| today.checked_sub_days(chrono::Days::new(back)))
        .map(|d| d.format("%Y-%m-%d").to_string())
        .collect();
    let first_day = days.first().cloned().unwrap_or_default();
    let mut per_day: BTreeMap<&str, BTreeMap<&str, u64>> = BTreeMap::new();
    for ((kiosk, day), d) in &report.days {
        if day.as_str() >= first_day.as_str() {
            *per_day.entry(kiosk.as_str()).or_default().entry(day.as_str()).or_default() += d.sessions;
        }
    }
    let with_batches: BTreeSet<&str> = report.days.keys().map(|(k, _)| k.as_str()).collect();
    let mut names: BTreeSet<&str> = expected.iter().map(String::as_str).collect();
    names.extend(report.statuses.keys().map(String::as_str));
    names.extend(with_batches.iter().copied());
    let mut kiosks: Vec<FleetRow> = names
        .into_iter()
        .map(|kiosk| {
            let status = report.statuses.get(kiosk).cloned();
            let (health, problems) = assess(status.as_ref(), now);
            let counts = per_day.get(kiosk);
            let visitors_per_day =
                days.iter().map(|d| counts.and_then(|c| c.get(d.as_str())).copied().unwrap_or(0)).collect();
            FleetRow {
                kiosk: kiosk.to_string(),
                health,
                problems,
                status,
                visitors_per_day,
                batches: with_batches.contains(kiosk),
            }
        })
        .collect();
    kiosks.sort_by(|a, b| {
        a.health
            .cmp(&b.health)
            .then_with(|| a.seen().cmp(&b.seen()))
            .then_with(|| b.problems.len().cmp(&a.problems.len()))
            .then_with(|| b.sync_age().cmp(&a.sync_age()))
            .then_with(|| a.kiosk.cmp(&b.kiosk))
    });
    Fleet { generated: now, last_day: today.format("%Y-%m-%d").to_string(), kiosks }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// "3 小时前", "2 天前".
fn ago(d: Duration) -> String {
    let m = d.num_minutes().max(0);
    match m {
        0 => "刚刚".into(),
        1..=59 => format!("{m} 分钟前"),
        60..=2879 => format!("{} 小时前", m / 60),
        _ => format!("{} 天前", m / 1440),
    }
}

fn local(t: DateTime<Utc>) -> String {
    t.with_timezone(&chrono::Local).format("%m-%d %H:%M").to_string()
}

/// A small bar chart of visitors per day (inline SVG).
fn chart(values: &[u64]) -> String {
    let max = values.iter().copied().max().unwrap_or(0).max(1);
    let (w, h, bar) = (values.len() * 4, 28, 3);
    let mut svg = format!(
        "<svg class=\"chart\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"近{}天访客\">",
        values.len()
    );
    for (i, v) in values.iter().enumerate() {
        let bh = if *v == 0 { 1 } else { ((*v as f64 / max as f64) * (h - 2) as f64).round().max(2.0) as usize };
        let _ = write!(svg, "<rect x=\"{}\" y=\"{}\" width=\"{bar}\" height=\"{bh}\"/>", i * 4, h - bh);
    }
    let _ = write!(svg, "<title>近{}天访客：{}</title></svg>", values.len(), values.iter().sum::<u64>());
    svg
}

impl Fleet {
    pub fn count(&self, health: Health) -> usize {
        self.kiosks.iter().filter(|k| k.health == health).count()
    }

    /// The page: a summary, then one row per kiosk, most urgent first. No script, no file
    /// besides itself.
    pub fn html(&self) -> String {
        let mut o = String::with_capacity(600 + self.kiosks.len() * 1200);
        o += "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\n";
        o += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
        o += "<title>政务公开终端运行状况</title>\n<style>\n";
        o += "body{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"Microsoft YaHei\",\"PingFang SC\",sans-serif;margin:24px;color:#1a1a1a;background:#fff;font-size:15px}\n";
        o += "h1{font-size:24px;margin:0 0 4px}p.meta{color:#555;margin:0 0 16px}\n";
        o += ".sum{display:flex;gap:12px;margin:0 0 16px;flex-wrap:wrap}.sum div{border-radius:6px;padding:8px 14px;font-size:16px}\n";
        o += "table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #ddd;vertical-align:middle}\n";
        o += "th{background:#f0f0f0;position:sticky;top:0}td.num{text-align:right;font-variant-numeric:tabular-nums}\n";
        o += ".b{display:inline-block;border-radius:4px;padding:2px 8px;font-weight:bold;white-space:nowrap}\n";
        o += ".never_seen{background:#5c0011;color:#fff}.not_seen{background:#b00020;color:#fff}.attention{background:#ffd666;color:#1a1a1a}.ok{background:#d9f7be;color:#135200}\n";
        o += "tr.r-never_seen,tr.r-not_seen{background:#fdecee}tr.r-attention{background:#fff8e1}\n";
        o += "tr.r-never_seen td:first-child,tr.r-not_seen td:first-child{border-left:4px solid #b00020}tr.r-attention td:first-child{border-left:4px solid #d48806}\n";
        o += ".chart rect{fill:#1d5fa8}.muted{color:#666}.p{color:#8c2f00}\n</style></head><body>\n";
        let _ = writeln!(
            o,
            "<h1>政务公开终端运行状况</h1><p class=\"meta\">生成于 {}（共 {} 台终端；“失联”指超过一天未上报，图表为近 {} 天每日访客）</p>",
            self.generated.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M"),
            self.kiosks.len(),
            CHART_DAYS
        );
        o += "<div class=\"sum\">";
        for h in [Health::NeverSeen, Health::NotSeen, Health::Attention, Health::Ok] {
            let _ = write!(o, "<div class=\"{}\">{} {}</div>", css(h), h.label(), self.count(h));
        }
        o += "</div>\n<table><thead><tr><th>状态</th><th>终端</th><th>专区</th><th>最后上报</th><th>内容版本</th><th>内容同步</th><th>打印机</th><th>今日访客</th><th>今日打印页</th><th>近30天访客</th><th>问题</th></tr></thead><tbody>\n";
        for k in &self.kiosks {
            let _ = write!(
                o,
                "<tr class=\"r-{c}\"><td><span class=\"b {c}\">{}</span></td><td>{}</td>",
                k.health.label(),
                html_escape(&k.kiosk),
                c = css(k.health)
            );
            match &k.status {
                None => {
                    let what = if k.batches { "有统计数据，无状态（旧版本？）" } else { "—" };
                    let _ = write!(
                        o,
                        "<td class=\"muted\">{what}</td><td class=\"muted\">从未</td><td></td><td></td><td></td><td></td><td></td>"
                    );
                }
                Some(s) => {
                    let today = s.today.day == self.last_day;
                    let sync = match s.last_sync_success {
                        Some(t) => format!(
                            "{}{}",
                            ago(self.generated - t),
                            if s.sync_failures > 0 {
                                format!("（失败 {} 次）", s.sync_failures)
                            } else {
                                String::new()
                            }
                        ),
                        None if s.sync_configured => "从未成功".into(),
                        None => "未配置".into(),
                    };
                    let _ = write!(
                        o,
                        "<td>{}</td><td title=\"{}\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
                        html_escape(s.zone.as_deref().unwrap_or("—")),
                        local(s.at),
                        ago(self.generated - s.at),
                        s.content_version.map(|v| v.to_string()).unwrap_or_else(|| "—".into()),
                        sync,
                        s.printer.label(),
                        if today { s.today.visitors.to_string() } else { "—".into() },
                        if today { s.today.pages.to_string() } else { "—".into() },
                    );
                }
            }
            let problems: Vec<&str> = k.problems.iter().map(|p| p.label()).collect();
            let _ =
                writeln!(o, "<td>{}</td><td class=\"p\">{}</td></tr>", chart(&k.visitors_per_day), problems.join("；"));
        }
        o += "</tbody></table>\n</body></html>\n";
        o
    }

    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).expect("the fleet serialises")
    }
}

fn css(h: Health) -> &'static str {
    match h {
        Health::NeverSeen => "never_seen",
        Health::NotSeen => "not_seen",
        Health::Attention => "attention",
        Health::Ok => "ok",
    }
}

/// The kiosks an office expects, one zone id a line (`#` starts a comment).
pub fn read_expected(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(|l| l.split([',', '\t', ' ']).next().unwrap_or(l).to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::{PrinterState, STATUS_FORMAT, Today};

    fn status(kiosk: &str, at: DateTime<Utc>) -> KioskStatus {
        KioskStatus {
            format: STATUS_FORMAT,
            kiosk: kiosk.into(),
            zone: Some("望川区政务公开专区".into()),
            version: "0.1.0".into(),
            at,
            up: true,
            content_version: Some(3),
            pack_version: Some(3),
            pack_created: None,
            pack_expires: Some(at + Duration::days(20)),
            last_sync: Some(at),
            last_sync_outcome: Some("unchanged".into()),
            last_sync_success: Some(at),
            sync_failures: 0,
            sync_configured: true,
            printer: PrinterState::Ready,
            print_jobs_failed: 0,
            pages_printed: 0,
            today: Today::default(),
            disk_free_bytes: 50,
            disk_size_bytes: 100,
            last_touch: None,
            idle_resets: 0,
            watchdog_restarts: 0,
            opening_hours: false,
            open_now: None,
            opening_windows: Vec::new(),
        }
    }

    #[test]
    fn assess_names_every_problem() {
        let now = Utc::now();
        assert_eq!(assess(Some(&status("a", now)), now), (Health::Ok, vec![]));
        let mut s = status("a", now - Duration::hours(30));
        s.printer = PrinterState::PaperOut;
        s.sync_failures = 4;
        s.last_sync_success = Some(s.at - Duration::days(5));
        s.pack_expires = Some(s.at + Duration::hours(5));
        s.disk_free_bytes = 5;
        let (h, p) = assess(Some(&s), now);
        assert_eq!(h, Health::NotSeen);
        assert_eq!(
            p,
            vec![
                Problem::NotSeen,
                Problem::SyncFailing,
                Problem::ContentStale,
                Problem::PackExpiring,
                Problem::Printer,
                Problem::DiskLow
            ]
        );
        assert_eq!(assess(None, now), (Health::NeverSeen, vec![Problem::NeverSeen]));
        s.printer = PrinterState::NotConfigured;
        s.at = now;
        s.sync_failures = 0;
        s.last_sync_success = Some(now);
        s.pack_expires = Some(now - Duration::hours(1));
        s.disk_free_bytes = 50;
        assert_eq!(assess(Some(&s), now), (Health::Attention, vec![Problem::PackExpired]));
    }

    #[test]
    fn the_page_lists_the_kiosks_that_need_someone_first() {
        let now = Utc::now();
        let mut report = Report::default();
        report.statuses.insert("ok-1".into(), status("ok-1", now));
        report.statuses.insert("gone-long".into(), status("gone-long", now - Duration::days(9)));
        report.statuses.insert("gone-short".into(), status("gone-short", now - Duration::days(2)));
        let mut paper = status("paper", now);
        paper.printer = PrinterState::PaperOut;
        report.statuses.insert("paper".into(), paper);
        let fleet = build(&report, &["expected-<x>".into(), "ok-1".into()], now);
        let order: Vec<&str> = fleet.kiosks.iter().map(|k| k.kiosk.as_str()).collect();
        assert_eq!(order, ["expected-<x>", "gone-long", "gone-short", "paper", "ok-1"]);
        let html = fleet.html();
        assert!(html.contains("expected-&lt;x&gt;") && !html.contains("expected-<x>"), "names are escaped");
        assert!(html.contains("缺纸") && html.contains("从未上报"));
        let json: serde_json::Value = serde_json::from_str(&fleet.json()).unwrap();
        assert_eq!(json["kiosks"][0]["health"], "never_seen");
        assert_eq!(json["kiosks"][3]["problems"][0], "printer");
    }
}
