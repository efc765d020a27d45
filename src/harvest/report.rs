//! The harvest report: counts, what changed in the source folder, pages that could not be read
//! and why, fields missing per column, what the mapping rules left unmapped, and the traffic.
//! As text for a person (`harvest` prints it) and as JSON (`--json`, and
//! `OUT_DIR/.harvest/report.json` after every run) for a monitoring script.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::fetch::Traffic;
use super::rules::MappingNotes;

#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    pub url: String,
    /// list page, page, image, attachment, robots.txt
    pub what: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ColumnReport {
    pub name: String,
    pub list_pages: usize,
    pub links: usize,
    /// Whether every list page was read (only then can a document count as gone from it).
    pub complete: bool,
    /// Header fields not found on the page (before fallbacks), by field key → pages.
    pub missing_fields: BTreeMap<String, usize>,
    /// Its documents read or confirmed unchanged (304) this run.
    pub documents: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Missing {
    pub id: String,
    pub url: String,
    /// Runs in a row it has been missing.
    pub runs: u32,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub profile: String,
    pub out_dir: String,
    pub dry_run: bool,
    pub run: u64,
    pub started: String,
    pub seconds: f64,
    /// Documents in the source folder after the run.
    pub documents: usize,
    /// Ids of documents written for the first time, changed, and removed.
    pub new: Vec<String>,
    pub changed: Vec<String>,
    pub removed: Vec<String>,
    pub unchanged: usize,
    /// Documents not on the portal this run, kept until `drop_after_runs`.
    pub missing: Vec<Missing>,
    /// Detail pages answered 200 (read) and 304 (unchanged since the last run).
    pub pages_read: usize,
    pub pages_not_modified: usize,
    pub list_pages_read: usize,
    pub list_pages_not_modified: usize,
    pub files_downloaded: usize,
    pub duplicates: usize,
    pub robots_skipped: usize,
    /// Pages whose declared charset was wrong: (url, declared, used).
    pub charset_fixes: Vec<(String, String, String)>,
    pub failures: Vec<Failure>,
    pub columns: Vec<ColumnReport>,
    pub mapping: MappingNotes,
    pub traffic: Traffic,
    /// Warnings about the run as a whole (no site.toml, …).
    pub warnings: Vec<String>,
}

impl Report {
    pub fn text(&self) -> String {
        let mut s = String::new();
        let verb = if self.dry_run { "would be" } else { "" };
        let _ = writeln!(
            s,
            "harvest run {} of {} → {}{} ({:.1} s)",
            self.run,
            self.profile,
            self.out_dir,
            if self.dry_run { " (dry run: nothing written)" } else { "" },
            self.seconds
        );
        let _ = writeln!(
            s,
            "{} documents: {} new, {} changed, {} removed, {} unchanged{}",
            self.documents,
            self.new.len(),
            self.changed.len(),
            self.removed.len(),
            self.unchanged,
            if verb.is_empty() { String::new() } else { format!(" ({verb})") }
        );
        let _ = writeln!(
            s,
            "pages: {} read, {} not modified; list pages: {} read, {} not modified; {} files downloaded",
            self.pages_read,
            self.pages_not_modified,
            self.list_pages_read,
            self.list_pages_not_modified,
            self.files_downloaded
        );
        let t = &self.traffic;
        let _ = writeln!(
            s,
            "traffic: {} requests ({} answered 304, {} redirects, {} errors), {} bytes received",
            t.requests, t.not_modified, t.redirects, t.errors, t.bytes
        );
        if self.duplicates > 0 || self.robots_skipped > 0 {
            let _ = writeln!(
                s,
                "{} duplicate links, {} links skipped for robots.txt",
                self.duplicates, self.robots_skipped
            );
        }
        for (label, ids) in [("new", &self.new), ("changed", &self.changed), ("removed", &self.removed)] {
            if !ids.is_empty() {
                let _ = writeln!(s, "  {label}: {}", ids.join(", "));
            }
        }
        for m in &self.missing {
            let _ = writeln!(s, "  missing from the portal ({} run(s)), kept: {} {}", m.runs, m.id, m.url);
        }
        if !self.failures.is_empty() {
            let _ = writeln!(s, "could not be read ({}):", self.failures.len());
            for f in &self.failures {
                let _ = writeln!(s, "  {} {}: {}", f.what, f.url, f.reason);
            }
        }
        for (url, declared, used) in &self.charset_fixes {
            let _ = writeln!(s, "  charset: {url} declared {declared}, read as {used}");
        }
        for c in &self.columns {
            let missing: Vec<String> = c.missing_fields.iter().map(|(k, n)| format!("{k} ×{n}")).collect();
            let _ = writeln!(
                s,
                "column {}: {} list page(s){}, {} links, {} documents{}",
                c.name,
                c.list_pages,
                if c.complete { "" } else { " (incomplete)" },
                c.links,
                c.documents,
                if missing.is_empty() {
                    String::new()
                } else {
                    format!("; fields not on the page: {}", missing.join(", "))
                }
            );
        }
        let m = &self.mapping;
        for (label, ids) in [
            ("kind (written as 其他)", &m.kind_unmapped),
            ("area", &m.area_unmapped),
            ("category", &m.category_unmapped),
        ] {
            if !ids.is_empty() {
                let shown: Vec<&str> = ids.iter().take(10).map(String::as_str).collect();
                let more = if ids.len() > 10 { format!(" and {} more", ids.len() - 10) } else { String::new() };
                let _ = writeln!(s, "unmapped {label}: {} document(s): {}{more}", ids.len(), shown.join(", "));
            }
        }
        for (id, field, what) in &m.adjusted {
            let _ = writeln!(s, "  {id}: {field} {what}");
        }
        for w in &self.warnings {
            let _ = writeln!(s, "warning: {w}");
        }
        s
    }
}
