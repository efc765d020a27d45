//! The crawl state, kept in `OUT_DIR/.harvest/state.json` (a hidden folder, so `import` and
//! `publish` never read it): the validators of every page and file for conditional GET, what each
//! list page listed, every document as read from its page, the files downloaded, permanent
//! redirects, robots.txt per host, and how many runs each document has been missing.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::fetch::Validators;
use super::page::{ListPage, Source};

/// Version of the state file's format; a different one starts a fresh crawl.
pub const STATE_VERSION: u32 = 1;

/// One document as its page gave it, before mapping to kinds, areas and categories (so a changed
/// profile applies to every document at the next run, without fetching anything).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The page's address (after redirects).
    pub url: String,
    pub column: String,
    pub folder: String,
    /// Header fields as read (raw text), by [`super::labels::HeaderField`] key.
    pub fields: BTreeMap<String, String>,
    /// Where each field came from.
    pub sources: BTreeMap<String, Source>,
    /// The page's `ColumnName` meta tag, if any.
    pub column_meta: Option<String>,
    pub list_title: Option<String>,
    pub list_date: Option<NaiveDate>,
    /// Markdown, images already pointing at their files.
    pub body: String,
    /// (title, path relative to the output folder).
    pub attachments: Vec<(String, String)>,
    /// Files of the body's images (relative to the output folder).
    pub images: Vec<String>,
    /// Interpretations this page lists under 相关解读.
    pub interpretations: Vec<String>,
    /// Policies this page links as 原文链接.
    pub policies: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocState {
    pub id: String,
    pub record: Record,
    pub validators: Validators,
    /// Run that last saw it listed (or fetched it).
    pub last_seen: u64,
    /// Runs in a row it was missing from a fully read column, or answered 404/410.
    pub missing_runs: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetState {
    /// Path relative to the output folder.
    pub path: String,
    pub validators: Validators,
    pub size: u64,
    #[serde(default)]
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListState {
    pub validators: Validators,
    pub page: ListPage,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RobotsState {
    pub validators: Validators,
    /// The robots.txt text; empty when the host has none.
    pub text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct State {
    pub version: u32,
    /// Runs so far (the one under way included, once started).
    pub run: u64,
    /// Documents by page address.
    pub docs: BTreeMap<String, DocState>,
    pub lists: BTreeMap<String, ListState>,
    pub assets: BTreeMap<String, AssetState>,
    /// Permanent redirects: from → to.
    pub moved: BTreeMap<String, String>,
    /// robots.txt by `host:port`.
    pub robots: BTreeMap<String, RobotsState>,
    /// How pages were read ([`super::profile::Profile::reading`]): when it changes, every page is
    /// read again instead of asked conditionally.
    #[serde(default)]
    pub reading: String,
}

impl Default for State {
    fn default() -> Self {
        State {
            version: STATE_VERSION,
            run: 0,
            docs: BTreeMap::new(),
            lists: BTreeMap::new(),
            assets: BTreeMap::new(),
            moved: BTreeMap::new(),
            robots: BTreeMap::new(),
            reading: String::new(),
        }
    }
}

pub fn path(out: &Path) -> PathBuf {
    out.join(".harvest").join("state.json")
}

impl State {
    /// The state of the last run, or a fresh one. A file that cannot be read is an error naming
    /// it (a crawl would otherwise start over silently and re-download everything).
    pub fn load(out: &Path) -> Result<State, String> {
        let p = path(out);
        let bytes = match fs::read(&p) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(State::default()),
            Err(e) => return Err(format!("{}: cannot be read: {e}", p.display())),
        };
        let state: State = serde_json::from_slice(&bytes).map_err(|e| {
            format!(
                "{}: is not a crawl state ({e}); delete it to start a fresh crawl (every page is fetched again)",
                p.display()
            )
        })?;
        if state.version != STATE_VERSION {
            return Ok(State::default());
        }
        Ok(state)
    }

    /// Writes the state atomically (a temporary file, then rename).
    pub fn save(&self, out: &Path) -> Result<(), String> {
        let p = path(out);
        let dir = p.parent().expect("state path has a folder");
        fs::create_dir_all(dir).map_err(|e| format!("{}: cannot be created: {e}", dir.display()))?;
        let tmp = dir.join("state.json.tmp");
        let json = serde_json::to_vec(self).map_err(|e| format!("cannot encode the crawl state: {e}"))?;
        fs::write(&tmp, json).map_err(|e| format!("{}: cannot be written: {e}", tmp.display()))?;
        fs::rename(&tmp, &p).map_err(|e| format!("{}: cannot be written: {e}", p.display()))
    }
}
