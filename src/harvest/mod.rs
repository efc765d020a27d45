//! Harvesting a government portal into a publisher's source folder (`docs/harvest.md`): the
//! columns a site profile names are crawled politely, each document's disclosure header, body,
//! images, attachments and interpretation links are read, mapped by the profile's rules, and
//! written as `docs/<column>/<id>.md` with its files under `media/` — a folder that `import` and
//! `publish` take as it is. A crawl state in `OUT_DIR/.harvest/` makes re-runs conditional, so an
//! unchanged portal answers 304 to every request.
//!
//! This module knows nothing of the store or the kiosk: it writes files.

mod charset;
pub mod fetch;
pub mod labels;
pub mod markdown;
pub mod output;
pub mod page;
pub mod profile;
pub mod report;
pub mod robots;
pub mod rules;
pub mod state;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

use futures_util::StreamExt;
use reqwest::Url;

use fetch::{FetchError, Fetched, Fetcher, Validators, host_key};
use labels::HeaderField;
use page::ListLink;
pub use profile::{Column, Profile, ProfileError};
pub use report::Report;
use report::{ColumnReport, Failure, Missing};
use robots::Robots;
use state::{AssetState, DocState, ListState, Record, RobotsState, State};

/// The folder name and column name of interpretations fetched because a policy links them.
const FOLLOWED_COLUMN: &str = "相关解读";
const FOLLOWED_FOLDER: &str = "interpretations";

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Crawl (with conditional requests) and report what would change; write nothing.
    pub dry_run: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum HarvestError {
    #[error("{0}")]
    Profile(#[from] ProfileError),
    /// The output folder or the crawl state cannot be read or written.
    #[error("{0}")]
    Output(String),
    /// Not one page of the portal could be read: nothing was changed.
    #[error("{0}")]
    Unreachable(String),
}

/// Harvests the portal `profile` describes into `out` (created if missing).
pub fn harvest(profile: &Profile, out: &Path, opts: &Options) -> Result<Report, HarvestError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| HarvestError::Output(format!("cannot start the network runtime: {e}")))?;
    rt.block_on(run(profile, out, opts))
}

/// One detail page to fetch.
#[derive(Debug, Clone)]
struct Task {
    url: Url,
    column: Option<usize>,
    link: Option<ListLink>,
}

enum Outcome {
    /// 304: the document as the last run read it.
    Unchanged(String),
    Read {
        url: String,
        record: Box<Record>,
        validators: Validators,
    },
    /// 404 or 410.
    Gone(String),
    /// Not readable this time (or not a document); the last run's version, if any, stays.
    Failed(String),
}

struct Run<'a> {
    profile: &'a Profile,
    out: &'a Path,
    dry_run: bool,
    fetcher: Fetcher,
    old: State,
    robots: Mutex<HashMap<String, Robots>>,
    new_robots: Mutex<BTreeMap<String, RobotsState>>,
    /// Files used by this run's documents, by URL.
    assets: Mutex<BTreeMap<String, AssetState>>,
    report: Mutex<Report>,
}

async fn run(profile: &Profile, out: &Path, opts: &Options) -> Result<Report, HarvestError> {
    let started = Instant::now();
    let old = State::load(out).map_err(HarvestError::Output)?;
    let this_run = old.run + 1;
    let fetcher = Fetcher::new(&profile.user_agent, profile.rate, profile.timeout, profile.concurrency)
        .map_err(HarvestError::Output)?;
    let report = Report {
        profile: profile.name.clone(),
        out_dir: out.display().to_string(),
        dry_run: opts.dry_run,
        run: this_run,
        started: chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string(),
        ..Report::default()
    };
    let r = Run {
        profile,
        out,
        dry_run: opts.dry_run,
        fetcher,
        old,
        robots: Mutex::new(HashMap::new()),
        new_robots: Mutex::new(BTreeMap::new()),
        assets: Mutex::new(BTreeMap::new()),
        report: Mutex::new(report),
    };
    r.go(this_run, started).await
}

fn path_and_query(u: &Url) -> String {
    match u.query() {
        Some(q) => format!("{}?{q}", u.path()),
        None => u.path().to_string(),
    }
}

impl Run<'_> {
    fn fail(&self, url: &str, what: &str, reason: impl Into<String>) {
        self.report.lock().expect("report").failures.push(Failure {
            url: url.to_string(),
            what: what.to_string(),
            reason: reason.into(),
        });
    }

    fn fail_fetch(&self, what: &str, e: &FetchError) {
        if matches!(e, FetchError::Robots { .. }) {
            self.report.lock().expect("report").robots_skipped += 1;
        }
        self.fail(e.url(), what, e.reason());
    }

    fn allowed(&self, u: &Url) -> bool {
        if !self.profile.robots {
            return true;
        }
        self.robots.lock().expect("robots").get(&host_key(u)).is_none_or(|r| r.allows(&path_and_query(u)))
    }

    /// Where to ask for `u`: its permanent redirect's target, if the last run met one.
    fn moved(&self, u: &Url) -> Url {
        let mut current = u.clone();
        for _ in 0..8 {
            match self.old.moved.get(current.as_str()).and_then(|t| Url::parse(t).ok()) {
                Some(next) if next != current => current = next,
                _ => break,
            }
        }
        current
    }

    /// Reads a host's robots.txt once per run (conditionally).
    async fn robots_for(&self, u: &Url) {
        if !self.profile.robots {
            return;
        }
        let host = host_key(u);
        if self.robots.lock().expect("robots").contains_key(&host) {
            return;
        }
        let Ok(robots_url) = u.join("/robots.txt") else { return };
        let old = self.old.robots.get(&host);
        let text = match self.fetcher.get(&robots_url, old.map(|o| &o.validators), 512 * 1024, &|_| true).await {
            Ok(Fetched::NotModified { .. }) => old.map(|o| (o.text.clone(), o.validators.clone())),
            Ok(Fetched::Body { bytes, validators, .. }) => {
                Some((String::from_utf8_lossy(&bytes).into_owned(), validators))
            }
            Err(FetchError::Status { status, .. }) if (400..500).contains(&status) => {
                Some((String::new(), Validators::default()))
            }
            Err(e) => {
                self.report
                    .lock()
                    .expect("report")
                    .warnings
                    .push(format!("robots.txt: {e}; crawled as if it allowed everything"));
                None
            }
        };
        let (text, validators) = text.unwrap_or_default();
        let parsed = Robots::parse(&text, profile::AGENT_TOKEN);
        if let Some(d) = parsed.crawl_delay {
            self.fetcher.set_delay(&host, d);
        }
        self.robots.lock().expect("robots").insert(host.clone(), parsed);
        self.new_robots.lock().expect("robots").insert(host, RobotsState { validators, text });
    }

    /// Walks a column's list pages: the start pages, each page's next link and the numbered
    /// pages of `pages`.
    async fn crawl_column(
        &self,
        col: &Column,
        lists: &mut BTreeMap<String, ListState>,
    ) -> (Vec<ListLink>, ColumnReport) {
        let mut rep = ColumnReport { name: col.name.clone(), complete: true, ..ColumnReport::default() };
        let mut links = Vec::new();
        let mut queue: std::collections::VecDeque<(Url, Option<usize>)> =
            col.start.iter().map(|u| (u.clone(), None)).collect();
        let mut visited = HashSet::new();
        let template_page = |n: usize| -> Option<Url> {
            let t = col.pages.as_ref()?;
            col.start.first()?.join(&t.replace("{n}", &n.to_string())).ok()
        };
        if let Some(first) = template_page(1) {
            queue.push_back((first, Some(1)));
        }
        while let Some((listed, numbered)) = queue.pop_front() {
            if rep.list_pages >= self.profile.max_list_pages {
                self.report.lock().expect("report").warnings.push(format!(
                    "column {}: stopped after max_list_pages = {} list pages",
                    col.name, self.profile.max_list_pages
                ));
                break;
            }
            let u = self.moved(&listed);
            if !visited.insert(u.to_string()) {
                continue;
            }
            self.robots_for(&u).await;
            let old = self.old.lists.get(u.as_str());
            let got = self
                .fetcher
                .get(&u, old.map(|o| &o.validators), self.profile.max_page_bytes, &|x| self.allowed(x))
                .await;
            let page = match got {
                Ok(Fetched::NotModified { .. }) => {
                    self.report.lock().expect("report").list_pages_not_modified += 1;
                    let Some(old) = old else { continue };
                    lists.insert(u.to_string(), old.clone());
                    old.page.clone()
                }
                Ok(Fetched::Body { url: final_url, bytes, content_type, validators }) => {
                    self.report.lock().expect("report").list_pages_read += 1;
                    let decoded = charset::decode(&bytes, content_type.as_deref());
                    self.note_charset(&final_url, &decoded);
                    let page = page::list_page(&decoded.text, &final_url, col);
                    lists.insert(u.to_string(), ListState { validators, page: page.clone() });
                    page
                }
                Err(e) if numbered.is_some() && e.is_gone() => break,
                Err(e) => {
                    rep.complete = false;
                    self.fail_fetch("list page", &e);
                    continue;
                }
            };
            rep.list_pages += 1;
            rep.links += page.links.len();
            let has_links = !page.links.is_empty();
            links.extend(page.links);
            if let Some(next) = page.next.as_deref().and_then(|n| Url::parse(n).ok()) {
                queue.push_back((next, None));
            }
            if let Some(n) = numbered
                && has_links
                && let Some(next) = template_page(n + 1)
            {
                queue.push_back((next, Some(n + 1)));
            }
        }
        (links, rep)
    }

    fn note_charset(&self, u: &Url, d: &charset::Decoded) {
        if let Some(declared) = &d.wrong_declaration {
            self.report.lock().expect("report").charset_fixes.push((
                u.to_string(),
                declared.clone(),
                d.encoding.to_string(),
            ));
        }
    }

    /// Downloads an image or attachment (conditionally, once per run), returning its path in the
    /// output folder.
    async fn asset(&self, u: &Url, hint: Option<&str>, image: bool) -> Result<String, String> {
        if let Some(a) = self.assets.lock().expect("assets").get(u.as_str()) {
            return Ok(a.path.clone());
        }
        let old = self.old.assets.get(u.as_str()).filter(|a| self.out.join(&a.path).is_file());
        if self.dry_run {
            return Ok(old
                .map(|a| a.path.clone())
                .unwrap_or_else(|| output::asset_path(&output::asset_name(u.as_str(), hint.unwrap_or("bin")))));
        }
        self.robots_for(u).await;
        let cap = if image { self.profile.max_image_bytes } else { self.profile.max_attachment_bytes };
        let got = self.fetcher.get(u, old.map(|a| &a.validators), cap, &|x| self.allowed(x)).await;
        let state = match got {
            Ok(Fetched::NotModified { .. }) => match old {
                Some(a) => a.clone(),
                None => return Err("the server answered 304 to an unconditional request".into()),
            },
            Ok(Fetched::Body { bytes, validators, .. }) => {
                let Some(ext) = output::sniff(&bytes, hint) else {
                    let what =
                        if bytes.trim_ascii_start().starts_with(b"<") { "a web page" } else { "of an unknown type" };
                    return Err(format!(
                        "is {what}, not a file the kiosk can carry (pdf, docx, xlsx, doc, xls, ofd, zip, pictures, mp3, mp4)"
                    ));
                };
                if image && !output::IMAGE_TYPES.contains(&ext) {
                    return Err(format!("is a {ext} file, not a picture"));
                }
                let path = output::asset_path(&output::asset_name(u.as_str(), ext));
                output::write_if_changed(self.out, &path, &bytes)?;
                self.report.lock().expect("report").files_downloaded += 1;
                let sha256 = {
                    use sha2::{Digest, Sha256};
                    hex::encode(Sha256::digest(&bytes))
                };
                AssetState { path, validators, size: bytes.len() as u64, sha256 }
            }
            Err(e) => return Err(e.reason()),
        };
        let path = state.path.clone();
        self.assets.lock().expect("assets").insert(u.to_string(), state);
        Ok(path)
    }

    /// Whether the document's file from the last run is still in the output folder (else the
    /// page is fetched whole, not conditionally).
    fn old_doc_file_exists(&self, d: &DocState) -> bool {
        self.out.join(format!("docs/{}/{}.md", d.record.folder, d.id)).is_file()
    }

    async fn detail(&self, task: Task) -> Outcome {
        let u = self.moved(&task.url);
        self.robots_for(&u).await;
        let old = self.old.docs.get(u.as_str()).filter(|d| self.old_doc_file_exists(d));
        let got =
            self.fetcher.get(&u, old.map(|d| &d.validators), self.profile.max_page_bytes, &|x| self.allowed(x)).await;
        let (final_url, bytes, content_type, validators) = match got {
            Ok(Fetched::NotModified { .. }) if old.is_some() => {
                self.report.lock().expect("report").pages_not_modified += 1;
                return Outcome::Unchanged(u.to_string());
            }
            Ok(Fetched::NotModified { .. }) => {
                self.fail(u.as_str(), "page", "the server answered 304 to an unconditional request");
                return Outcome::Failed(u.to_string());
            }
            Ok(Fetched::Body { url, bytes, content_type, validators }) => (url, bytes, content_type, validators),
            Err(e) => {
                self.fail_fetch("page", &e);
                return if e.is_gone() { Outcome::Gone(u.to_string()) } else { Outcome::Failed(u.to_string()) };
            }
        };
        let is_html = content_type.as_deref().is_none_or(|c| c.contains("html") || c.contains("text/plain"))
            && bytes.trim_ascii_start().starts_with(b"<");
        if !is_html {
            self.fail(
                final_url.as_str(),
                "page",
                format!(
                    "is not a web page (Content-Type {}); list it as an attachment instead",
                    content_type.unwrap_or_default()
                ),
            );
            return Outcome::Failed(u.to_string());
        }
        self.report.lock().expect("report").pages_read += 1;
        let decoded = charset::decode(&bytes, content_type.as_deref());
        self.note_charset(&final_url, &decoded);
        let column = task.column.map(|i| &self.profile.columns[i]);
        let empty = profile::Selectors::default();
        let read = page::detail_page(
            &decoded.text,
            &final_url,
            column.map_or(&empty, |c| &c.selectors),
            &self.profile.selectors,
        );
        drop(decoded);

        let mut fields = BTreeMap::new();
        let mut sources = BTreeMap::new();
        for (f, (v, s)) in &read.fields {
            fields.insert(f.key().to_string(), v.clone());
            sources.insert(f.key().to_string(), *s);
        }
        // images: each placeholder becomes the downloaded file, or nothing
        let mut body = read.body.clone();
        let mut images = Vec::new();
        for (n, (src, alt)) in read.images.iter().enumerate() {
            let placeholder = markdown::image_placeholder(n);
            let replacement = match src {
                Some(src) => match self.asset(src, page::extension(src).as_deref(), true).await {
                    Ok(path) => {
                        images.push(path.clone());
                        markdown::image_markup(alt, &format!("/{path}"))
                    }
                    Err(reason) => {
                        self.fail(src.as_str(), "image", format!("{reason} (on {final_url}; left out of the body)"));
                        String::new()
                    }
                },
                None => String::new(),
            };
            body = body.replace(&placeholder, &replacement);
        }
        let body = body.split("\n\n").filter(|b| !b.trim().is_empty()).collect::<Vec<_>>().join("\n\n");
        let mut attachments = Vec::new();
        for (title, src) in &read.attachments {
            let hint = page::extension(src).or_else(|| title.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()));
            match self.asset(src, hint.as_deref(), false).await {
                Ok(path) => attachments.push((title.clone(), path)),
                Err(reason) => self.fail(src.as_str(), "attachment", format!("{reason} (on {final_url}; left out)")),
            }
        }
        let (folder, column_name) = match column {
            Some(c) => (c.folder.clone(), c.name.clone()),
            None => (FOLLOWED_FOLDER.to_string(), FOLLOWED_COLUMN.to_string()),
        };
        let record = Record {
            url: final_url.to_string(),
            column: column_name,
            folder,
            fields,
            sources,
            column_meta: read.meta.get("columnname").cloned(),
            list_title: task
                .link
                .as_ref()
                .map(|l| l.title.clone())
                .filter(|t| !t.is_empty() && !t.ends_with('…') && !t.ends_with("...")),
            list_date: task.link.as_ref().and_then(|l| l.date),
            body,
            attachments,
            images,
            interpretations: read.interpretations.iter().map(Url::to_string).collect(),
            policies: read.policies.iter().map(Url::to_string).collect(),
        };
        if let Err(reason) = rules::check_required(&record, column, self.profile) {
            self.fail(final_url.as_str(), "page", reason);
            return Outcome::Failed(u.to_string());
        }
        Outcome::Read { url: final_url.to_string(), record: Box::new(record), validators }
    }

    async fn fetch_all(&self, tasks: Vec<Task>) -> Vec<(Task, Outcome)> {
        futures_util::stream::iter(tasks)
            .map(|t| async move {
                let o = self.detail(t.clone()).await;
                (t, o)
            })
            .buffer_unordered(self.profile.concurrency.max(1))
            .collect()
            .await
    }

    async fn go(mut self, this_run: u64, started: Instant) -> Result<Report, HarvestError> {
        // pages read under other selectors (or by another version) are read again
        if self.old.reading != self.profile.reading() {
            for d in self.old.docs.values_mut() {
                d.validators = Validators::default();
            }
            for l in self.old.lists.values_mut() {
                l.validators = Validators::default();
            }
        }
        let profile = self.profile;
        // 1. list pages
        let mut lists = BTreeMap::new();
        let mut tasks = Vec::new();
        let mut claimed: HashSet<String> = HashSet::new();
        let mut complete_columns: HashSet<String> = HashSet::new();
        let mut duplicates = 0;
        let mut over_limit = Vec::new();
        let mut column_reports = Vec::new();
        for (ci, col) in profile.columns.iter().enumerate() {
            let (links, rep) = self.crawl_column(col, &mut lists).await;
            if rep.complete {
                complete_columns.insert(col.name.clone());
            }
            column_reports.push(rep);
            for l in links {
                let Ok(u) = Url::parse(&l.url) else { continue };
                let key = self.moved(&u).to_string();
                if !claimed.insert(key) {
                    duplicates += 1;
                    continue;
                }
                if tasks.len() >= profile.max_pages {
                    // listed, so not missing: only not read this run
                    over_limit.push(self.moved(&u).to_string());
                    continue;
                }
                tasks.push(Task { url: u, column: Some(ci), link: Some(l) });
            }
        }
        if claimed.len() > profile.max_pages {
            self.report.lock().expect("report").warnings.push(format!(
                "{} pages listed; only the first max_pages = {} were harvested",
                claimed.len(),
                profile.max_pages
            ));
        }

        // 2. detail pages
        let mut outcomes = self.fetch_all(tasks).await;

        // 3. interpretations a policy links that no column listed
        if profile.follow_interpretations {
            let mut extra = Vec::new();
            let mut seen_extra = HashSet::new();
            for (_, o) in &outcomes {
                let links: Vec<String> = match o {
                    Outcome::Read { record, .. } => record.interpretations.clone(),
                    Outcome::Unchanged(u) => {
                        self.old.docs.get(u).map(|d| d.record.interpretations.clone()).unwrap_or_default()
                    }
                    _ => Vec::new(),
                };
                for l in links {
                    let Ok(u) = Url::parse(&l) else { continue };
                    if u.host_str() != profile.portal.host_str() {
                        continue;
                    }
                    let key = self.moved(&u).to_string();
                    if claimed.contains(&key) || !seen_extra.insert(key) {
                        continue;
                    }
                    extra.push(Task { url: u, column: None, link: None });
                }
            }
            for t in &extra {
                claimed.insert(self.moved(&t.url).to_string());
            }
            outcomes.extend(self.fetch_all(extra).await);
        }

        let traffic = self.fetcher.traffic.lock().expect("traffic").clone();
        let answered = outcomes.iter().any(|(_, o)| matches!(o, Outcome::Unchanged(_) | Outcome::Read { .. }))
            || !lists.is_empty();
        if traffic.requests > 0 && !answered {
            let failures = self.report.lock().expect("report").failures.clone();
            let first = failures.first().map(|f| format!("{} {}: {}", f.what, f.url, f.reason)).unwrap_or_default();
            return Err(HarvestError::Unreachable(format!(
                "not one page of {} could be read ({first}); nothing was changed in {}",
                profile.portal,
                self.out.display()
            )));
        }

        // 4. the documents after this run
        let mut docs: BTreeMap<String, DocState> = BTreeMap::new();
        let mut gone: HashSet<String> = HashSet::new();
        let mut listed: HashSet<String> = over_limit.into_iter().collect();
        let mut by_final: HashMap<String, String> = HashMap::new();
        let mut column_of_task: HashMap<String, Option<usize>> = HashMap::new();
        for (task, o) in outcomes {
            let requested = self.moved(&task.url).to_string();
            listed.insert(requested.clone());
            column_of_task.insert(requested.clone(), task.column);
            match o {
                Outcome::Unchanged(u) => {
                    if let Some(d) = self.old.docs.get(&u) {
                        docs.insert(u, DocState { last_seen: this_run, missing_runs: 0, ..d.clone() });
                    }
                }
                Outcome::Read { url, record, validators } => {
                    if let Some(first) = by_final.get(&url)
                        && *first != requested
                    {
                        duplicates += 1;
                        continue;
                    }
                    by_final.insert(url.clone(), requested);
                    listed.insert(url.clone());
                    let id = self.old.docs.get(&url).map(|d| d.id.clone()).unwrap_or_default();
                    docs.insert(
                        url,
                        DocState { id, record: *record, validators, last_seen: this_run, missing_runs: 0 },
                    );
                }
                Outcome::Gone(u) => {
                    gone.insert(u);
                }
                Outcome::Failed(u) => {
                    if let Some(d) = self.old.docs.get(&u) {
                        docs.insert(u, d.clone());
                    }
                }
            }
        }
        // documents of the last run not read now: gone (404, or no longer listed in a column
        // read whole) → missing; otherwise kept as they were
        let mut missing = Vec::new();
        let mut dropped = BTreeSet::new();
        let all_complete = complete_columns.len() == profile.columns.len();
        for (url, d) in &self.old.docs {
            if docs.contains_key(url) {
                continue;
            }
            let column_complete = if d.record.column == FOLLOWED_COLUMN {
                all_complete
            } else {
                complete_columns.contains(&d.record.column)
                    || !profile.columns.iter().any(|c| c.name == d.record.column)
            };
            let is_missing = gone.contains(url) || (!listed.contains(url) && column_complete);
            if !is_missing {
                docs.insert(url.clone(), d.clone());
                continue;
            }
            let runs = d.missing_runs + 1;
            if runs >= profile.drop_after_runs {
                dropped.insert(d.id.clone());
            } else {
                missing.push(Missing { id: d.id.clone(), url: url.clone(), runs });
                docs.insert(url.clone(), DocState { missing_runs: runs, ..d.clone() });
            }
        }

        // 5. ids, mapping, files
        rules::assign_ids(profile, &mut docs);
        let mut assets = self.assets.into_inner().expect("assets");
        let used: HashSet<String> = docs
            .values()
            .flat_map(|d| d.record.images.iter().chain(d.record.attachments.iter().map(|(_, p)| p)))
            .cloned()
            .collect();
        for (u, a) in &self.old.assets {
            if used.contains(&a.path) && !assets.contains_key(u) {
                assets.insert(u.clone(), a.clone());
            }
        }
        assets.retain(|_, a| used.contains(&a.path));
        let by_path: HashMap<&str, &AssetState> = assets.values().map(|a| (a.path.as_str(), a)).collect();
        let (mapped, notes) = rules::map_all(profile, &docs, &|path| by_path.get(path).copied());
        let mut new_ids = Vec::new();
        let mut changed = Vec::new();
        let mut unchanged = 0;
        let mut paths = HashSet::new();
        for m in &mapped {
            let rel = m.source.clone();
            let text = output::render(m);
            let existing = std::fs::read(self.out.join(&rel)).ok();
            match existing {
                Some(old) if old == text.as_bytes() => unchanged += 1,
                Some(_) => changed.push(m.id.clone()),
                None => new_ids.push(m.id.clone()),
            }
            if !self.dry_run {
                output::write_if_changed(self.out, &rel, text.as_bytes()).map_err(HarvestError::Output)?;
            }
            paths.insert(rel);
        }
        let mut removed: Vec<String> = Vec::new();
        for d in self.old.docs.values() {
            let rel = format!("docs/{}/{}.md", d.record.folder, d.id);
            if !paths.contains(&rel) && self.out.join(&rel).is_file() {
                if !self.dry_run {
                    output::remove(self.out, &rel).map_err(HarvestError::Output)?;
                }
                if dropped.contains(&d.id) || !docs.values().any(|n| n.id == d.id) {
                    removed.push(d.id.clone());
                }
            }
        }
        // files of the last run no document uses any more
        if !self.dry_run {
            let keep: HashSet<&str> = assets.values().map(|a| a.path.as_str()).collect();
            for a in self.old.assets.values() {
                if !keep.contains(a.path.as_str()) {
                    output::remove(self.out, &a.path).map_err(HarvestError::Output)?;
                }
            }
        }

        // 6. site.toml, state, report
        let mut report = self.report.into_inner().expect("report");
        match &profile.site_file {
            Some(site) => match std::fs::read(site) {
                Ok(bytes) if !self.dry_run => {
                    output::write_if_changed(self.out, "site.toml", &bytes).map_err(HarvestError::Output)?;
                }
                Ok(_) => {}
                Err(e) => {
                    report.warnings.push(format!("{}: cannot be read ({e}); site.toml not copied", site.display()))
                }
            },
            None if !self.out.join("site.toml").is_file() => report.warnings.push(format!(
                "{} has no site.toml and the profile names none (`site = \"site.toml\"`); import and publish need one",
                self.out.display()
            )),
            None => {}
        }
        for rep in &mut column_reports {
            for d in docs.values().filter(|d| d.record.column == rep.name && d.last_seen == this_run) {
                rep.documents += 1;
                for f in [
                    HeaderField::Title,
                    HeaderField::IndexNo,
                    HeaderField::Category,
                    HeaderField::Publisher,
                    HeaderField::DocNo,
                    HeaderField::Written,
                    HeaderField::Published,
                    HeaderField::Validity,
                ] {
                    if !d.record.fields.contains_key(f.key()) {
                        *rep.missing_fields.entry(f.key().to_string()).or_insert(0) += 1;
                    }
                }
            }
        }
        report.columns = column_reports;
        report.documents = mapped.len();
        report.new = new_ids;
        report.changed = changed;
        report.removed = removed;
        report.unchanged = unchanged;
        report.missing = missing;
        report.duplicates = duplicates;
        report.mapping = notes;
        report.traffic = self.fetcher.traffic.lock().expect("traffic").clone();
        report.seconds = started.elapsed().as_secs_f64();

        if !self.dry_run {
            let mut moved = self.old.moved.clone();
            for (from, to) in self.fetcher.moved.lock().expect("moved").iter() {
                moved.insert(from.clone(), to.clone());
            }
            let state = State {
                version: state::STATE_VERSION,
                run: this_run,
                docs,
                lists,
                assets,
                moved,
                robots: self.new_robots.into_inner().expect("robots"),
                reading: profile.reading(),
            };
            state.save(self.out).map_err(HarvestError::Output)?;
            let json = serde_json::to_vec_pretty(&report).unwrap_or_default();
            output::write_if_changed(self.out, ".harvest/report.json", &json).map_err(HarvestError::Output)?;
        }
        tracing::info!(
            run = this_run,
            documents = report.documents,
            new = report.new.len(),
            changed = report.changed.len(),
            removed = report.removed.len(),
            failures = report.failures.len(),
            requests = report.traffic.requests,
            "harvest finished"
        );
        Ok(report)
    }
}
