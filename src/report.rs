//! `gongkai-kiosk report DIR`: the office's view over the batches its kiosks uploaded — every
//! `*.json` batch under DIR read once (a batch seen twice, by kiosk and batch id, counts once),
//! the figures added up per kiosk and day, and a total, as one CSV. Each kiosk's status object
//! (`status.json`, see [`crate::metrics`]) is read too, for `report --fleet` ([`crate::fleet`]).

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use crate::metrics::KioskStatus;
use crate::store::{Batch, DayStats, FeedbackEntry};

/// The name a kiosk's status object has next to its batches.
pub const STATUS_FILE: &str = "status.json";

#[derive(Debug, Default)]
pub struct Report {
    /// Figures per (kiosk, day).
    pub days: BTreeMap<(String, String), DayStats>,
    pub feedback: Vec<(String, FeedbackEntry)>,
    pub batches: usize,
    /// Files that hold a batch already counted.
    pub duplicates: usize,
    /// Files that are not batches, with the reason.
    pub skipped: Vec<(PathBuf, String)>,
    /// The newest status of each kiosk (by its `kiosk`).
    pub statuses: BTreeMap<String, KioskStatus>,
}

/// Reads every batch under `dir` (recursively).
pub fn read(dir: &Path) -> std::io::Result<Report> {
    let mut report = Report::default();
    let mut seen = HashSet::new();
    let mut todo = vec![dir.to_path_buf()];
    let mut files = Vec::new();
    while let Some(p) = todo.pop() {
        if p.is_dir() {
            for e in std::fs::read_dir(&p)? {
                todo.push(e?.path());
            }
        } else if p.extension().is_some_and(|x| x == "json") {
            files.push(p);
        }
    }
    files.sort();
    for path in files {
        if path.file_name().is_some_and(|n| n == STATUS_FILE) {
            match std::fs::read(&path)
                .map_err(|e| e.to_string())
                .and_then(|b| serde_json::from_slice::<KioskStatus>(&b).map_err(|e| e.to_string()))
            {
                Ok(s) => {
                    if report.statuses.get(&s.kiosk).is_none_or(|old| old.at < s.at) {
                        report.statuses.insert(s.kiosk.clone(), s);
                    }
                }
                Err(e) => report.skipped.push((path, e)),
            }
            continue;
        }
        let batch: Batch = match std::fs::read(&path)
            .map_err(|e| e.to_string())
            .and_then(|b| serde_json::from_slice(&b).map_err(|e| e.to_string()))
        {
            Ok(b) => b,
            Err(e) => {
                report.skipped.push((path, e));
                continue;
            }
        };
        if !seen.insert((batch.kiosk.clone(), batch.batch.clone())) {
            report.duplicates += 1;
            continue;
        }
        report.batches += 1;
        for d in &batch.days {
            report
                .days
                .entry((batch.kiosk.clone(), d.day.clone()))
                .or_insert_with(|| DayStats { day: d.day.clone(), ..DayStats::default() })
                .add(d);
        }
        report.feedback.extend(batch.feedback.into_iter().map(|f| (batch.kiosk.clone(), f)));
    }
    Ok(report)
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

impl Report {
    /// The sum over every kiosk and day.
    pub fn total(&self) -> DayStats {
        let mut t = DayStats { day: "合计".into(), ..DayStats::default() };
        for d in self.days.values() {
            t.add(d);
        }
        t
    }

    /// One row per kiosk and day, then the total (UTF-8 with a BOM for spreadsheet programs).
    pub fn csv(&self) -> String {
        let mut out = format!("\u{feff}站点,{}\n", DayStats::CSV_HEADER);
        for ((kiosk, _), d) in &self.days {
            out += &format!("{},{}\n", csv_field(kiosk), d.csv_row());
        }
        out += &format!("全部,{}\n", self.total().csv_row());
        out
    }

    /// The ratings' messages: kiosk, time, rating, message.
    pub fn messages_csv(&self) -> String {
        let mut out = String::from("\u{feff}站点,时间,评价,留言\n");
        for (kiosk, f) in &self.feedback {
            if let Some(m) = &f.message {
                out += &format!("{},{},{},{}\n", csv_field(kiosk), f.at, f.rating.label(), csv_field(m));
            }
        }
        out
    }
}
