//! The publisher's source folder (format in `docs/content-format.md`): reading it, checking it
//! whole, and reporting every problem at once with file, line and field.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::fmt;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use sha2::{Digest, Sha256};

use super::fields as f;
use super::markdown;
use super::model::*;
use super::tree::{DiskTree, Entry, Tree};
use crate::diagnostics::{LineIndex, Problem, Problems};
use crate::toml_reader::{self, Field, Located, Origin, TableReader};

/// Largest text file (front matter and body, TOML) read from a source folder.
pub const MAX_TEXT_BYTES: u64 = 4 * 1024 * 1024;
/// Largest attachment or image.
pub const MAX_BLOB_BYTES: u64 = 256 * 1024 * 1024;

/// Keys and tables of a kiosk's own `kiosk.toml` that `site.toml` must not hold: trust (the
/// signing keys, where content comes from), the attendant PIN, the printer, uploads, the
/// machine's identity, paths and screen. A pack changes the zone's information, never these.
pub const LOCAL_ONLY: &[&str] = &[
    "trusted_keys",
    "source_url",
    "pin_hash",
    "sync",
    "attendant",
    "printer",
    "upload",
    "ui",
    "log",
    "zone_id",
    "data_dir",
];

/// At most this many problems are written when a source folder is refused (the first, by file
/// and line, then how many more): a hostile folder cannot fill a terminal or a log with hundreds
/// of megabytes. [`SourceError::problems`] keeps them all.
pub const SHOWN_PROBLEMS: usize = 200;

/// A source folder that could not be loaded: every problem found, sorted by file and line.
#[derive(Debug)]
pub struct SourceError {
    pub problems: Vec<Problem>,
}

impl SourceError {
    /// The first [`SHOWN_PROBLEMS`] problems, one a line, then how many were found: the Display text without its
    /// closing words about the import, for commands that do something else with a source
    /// folder (`publish`).
    pub fn listing(&self) -> String {
        let mut lines: Vec<String> = self.problems.iter().take(SHOWN_PROBLEMS).map(ToString::to_string).collect();
        if let Some(more) = self.problems.len().checked_sub(SHOWN_PROBLEMS).filter(|n| *n > 0) {
            lines.push(format!("… and {more} more problem(s), not shown: fix these first, then check again"));
        }
        lines.push(format!("{} problem(s) found", self.problems.len()));
        lines.join("\n")
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(out, "{}; nothing was imported", self.listing())
    }
}

impl std::error::Error for SourceError {}

/// Folders nest at most this deep under `docs/`, `guides/`, `boards/` and `faq/`; a deeper one
/// is reported, never skipped in silence.
pub const MAX_FOLDER_DEPTH: usize = 16;

/// Loads and checks a whole source folder.
pub fn load(root: &Path) -> Result<ContentSet, SourceError> {
    if !root.is_dir() {
        let message = "is not a folder; give the path of a content source folder (it holds site.toml)";
        let problem = Problem { file: root.display().to_string(), line: 0, field: None, message: message.into() };
        return Err(SourceError { problems: vec![problem] });
    }
    load_tree(&DiskTree::new(root))
}

/// Loads and checks a source folder seen through `tree` (on disk, or in memory for the fuzz
/// targets and tests).
pub fn load_tree(tree: &dyn Tree) -> Result<ContentSet, SourceError> {
    let problems = Problems::new();
    let set = Loader::new(tree, &problems).run();
    if problems.is_empty() { Ok(set) } else { Err(SourceError { problems: problems.into_sorted() }) }
}

/// What a cross reference must point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    Document,
    Policy,
    Guide,
}

struct Reference {
    file: String,
    line: usize,
    field: &'static str,
    id: String,
    want: Want,
}

struct Loader<'p> {
    tree: &'p dyn Tree,
    problems: &'p Problems,
    blobs: BTreeMap<String, PathBuf>,
    blob_cache: HashMap<PathBuf, Result<BlobRef, String>>,
    references: Vec<Reference>,
    /// id → (file, line) of its first definition.
    ids: HashMap<String, (String, usize)>,
    /// Ids of documents and guides whose files have problems of their own: a reference to one of
    /// them is not reported again as dangling.
    failed_ids: HashSet<String>,
}

impl<'p> Loader<'p> {
    fn new(tree: &'p dyn Tree, problems: &'p Problems) -> Self {
        Self {
            tree,
            problems,
            blobs: BTreeMap::new(),
            blob_cache: HashMap::new(),
            references: Vec::new(),
            ids: HashMap::new(),
            failed_ids: HashSet::new(),
        }
    }

    fn run(mut self) -> ContentSet {
        let mut set = ContentSet::default();
        if self.tree.entry(Path::new("")).ok() != Some(Entry::Dir) {
            self.problems.report(
                &self.tree.name(),
                0,
                None,
                "is not a folder; give the path of a content source folder (it holds site.toml)",
            );
            return set;
        }
        match self.read_text(Path::new("site.toml")) {
            Some(text) => {
                if let Some(site) = self.site("site.toml", &text) {
                    set.site = site;
                }
            }
            None if self.tree.entry(Path::new("site.toml")).is_err() => self.problems.report(
                "site.toml",
                0,
                None,
                "is missing; every source folder needs one (see docs/content-format.md)",
            ),
            None => {}
        }
        for rel in self.files("docs", "md") {
            match self.read_text(&rel).and_then(|text| self.document(&rel, &text)) {
                Some(doc) => set.documents.push(doc),
                None => self.remember_failed_id(&rel, true),
            }
        }
        for rel in self.files("guides", "toml") {
            match self.read_text(&rel).and_then(|text| self.guide(&rel, &text)) {
                Some(g) => set.guides.push(g),
                None => self.remember_failed_id(&rel, false),
            }
        }
        for rel in self.files("boards", "toml") {
            if let Some(text) = self.read_text(&rel)
                && let Some(b) = self.board(&rel, &text)
            {
                set.boards.push(b);
            }
        }
        for rel in self.files("faq", "toml") {
            if let Some(text) = self.read_text(&rel) {
                set.faqs.extend(self.faqs(&rel, &text));
            }
        }
        self.check_references(&set);
        set.documents.sort_by(|a, b| a.id.cmp(&b.id));
        set.guides.sort_by(|a, b| a.id.cmp(&b.id));
        set.boards.sort_by(|a, b| a.id.cmp(&b.id));
        set.faqs.sort_by(|a, b| a.id.cmp(&b.id));
        set.blobs = self.blobs;
        set
    }

    // ----- files -----

    /// Files under `dir` with extension `ext`, relative to the root, sorted; hidden files skipped.
    /// A folder that cannot be read, one nested deeper than [`MAX_FOLDER_DEPTH`], a link out of
    /// the source folder and a FIFO or device named like a content file are reported.
    ///
    /// Each real folder is listed at most once (folders are known by [`Tree::real_folder`], every
    /// link resolved), so no arrangement of links inside the source folder multiplies the work:
    /// it costs one listing per real folder. A link to a folder inside the source folder is
    /// followed once, after every folder reached without a link; a link to the folder holding it
    /// or to one above (a loop), or to a folder read already under another name, is reported and
    /// not followed.
    fn files(&self, dir: &str, ext: &str) -> Vec<PathBuf> {
        let mut out = Vec::new();
        if self.tree.entry(Path::new(dir)).is_err() {
            return out;
        }
        let start = PathBuf::from(dir);
        let real = match self.tree.real_folder(&start) {
            Ok(r) => r,
            Err(e) => {
                self.problems.report(dir, 0, None, format!("cannot be read: {e}"));
                return out;
            }
        };
        // real folder → the name it was read under
        let mut read: HashMap<PathBuf, PathBuf> = HashMap::new();
        let mut stack = vec![(start, real, 0usize)];
        // folders reached through a link: walked once the stack is empty
        let mut linked = VecDeque::new();
        while let Some((rel, real, depth)) = stack.pop().or_else(|| linked.pop_front()) {
            if let Some(first) = read.get(&real) {
                self.problems.report(
                    &Self::display(&rel),
                    0,
                    None,
                    format!(
                        "{} leads to the folder {}, read already as {}; it was not followed (remove the link: its files would be read twice)",
                        self.link_description(&rel),
                        Self::folder_name(&real),
                        Self::display(first)
                    ),
                );
                continue;
            }
            read.insert(real.clone(), rel.clone());
            let entries = match self.tree.list(&rel) {
                Ok(e) => e,
                Err(e) => {
                    self.problems.report(&Self::display(&rel), 0, None, format!("cannot be read: {e}"));
                    continue;
                }
            };
            for (name, kind) in entries {
                if name.starts_with('.') {
                    continue;
                }
                let child = rel.join(&name);
                let wanted = child.extension().is_some_and(|e| e.eq_ignore_ascii_case(ext));
                match kind {
                    Entry::Dir => {
                        let child_real = match self.tree.real_folder(&child) {
                            Ok(r) => r,
                            Err(e) => {
                                self.problems.report(&Self::display(&child), 0, None, format!("cannot be read: {e}"));
                                continue;
                            }
                        };
                        if real.starts_with(&child_real) {
                            self.problems.report(
                                &Self::display(&child),
                                0,
                                None,
                                format!(
                                    "{} leads back to the folder {}, which holds it: a loop; it was not followed (remove the link)",
                                    self.link_description(&child),
                                    Self::folder_name(&child_real)
                                ),
                            );
                        } else if depth + 1 > MAX_FOLDER_DEPTH {
                            self.problems.report(
                                &Self::display(&child),
                                0,
                                None,
                                format!(
                                    "is nested more than {MAX_FOLDER_DEPTH} folders deep under {dir}/; move its files up (nothing in it was read)"
                                ),
                            );
                        } else if child_real == real.join(&name) {
                            stack.push((child, child_real, depth + 1));
                        } else {
                            linked.push_back((child, child_real, depth + 1));
                        }
                    }
                    Entry::File { .. } if wanted => out.push(child),
                    // a link out is reported whatever its name (it may be a folder)
                    Entry::LinkOutside | Entry::Special | Entry::BrokenLink if wanted || kind == Entry::LinkOutside => {
                        if let Some(why) = not_readable(kind) {
                            self.problems.report(&Self::display(&child), 0, None, why);
                        }
                    }
                    _ => {}
                }
            }
        }
        out.sort();
        out
    }

    /// "is a link (to `..`)" for a link, "is a folder that" for anything else, to begin a message.
    fn link_description(&self, rel: &Path) -> String {
        match self.tree.link_text(rel) {
            Some(target) => format!("is a link (to `{}`) that", crate::diagnostics::printable(&target, 200)),
            None => "is a folder that".into(),
        }
    }

    /// A folder relative to the root as named in messages.
    fn folder_name(real: &Path) -> String {
        if real.as_os_str().is_empty() { "/ (the top of the source folder)".into() } else { Self::display(real) }
    }

    fn display(rel: &Path) -> String {
        rel.to_string_lossy().replace('\\', "/")
    }

    /// Reads a text file, reporting unreadable, oversized or non-UTF-8 files.
    fn read_text(&self, rel: &Path) -> Option<String> {
        let name = Self::display(rel);
        let len = match self.tree.entry(rel) {
            Ok(Entry::File { len }) => len,
            Ok(other) => {
                if let Some(why) = not_readable(other) {
                    self.problems.report(&name, 0, None, why);
                }
                return None;
            }
            Err(_) => return None,
        };
        if len > MAX_TEXT_BYTES {
            self.problems.report(
                &name,
                0,
                None,
                format!("is {len} bytes; a text file may be at most {MAX_TEXT_BYTES}"),
            );
            return None;
        }
        let bytes = match self.tree.read(rel, MAX_TEXT_BYTES) {
            Ok(b) => b,
            Err(e) => {
                self.problems.report(&name, 0, None, format!("cannot be read: {e}"));
                return None;
            }
        };
        match String::from_utf8(bytes) {
            Ok(mut s) => {
                if s.starts_with('\u{feff}') {
                    s.remove(0);
                }
                Some(s.replace("\r\n", "\n"))
            }
            Err(e) => {
                let valid = e.utf8_error().valid_up_to();
                let line = 1 + e.as_bytes()[..valid].iter().filter(|&&b| b == b'\n').count();
                self.problems.report(&name, line, None, "is not valid UTF-8 text; save it as UTF-8");
                None
            }
        }
    }

    /// Resolves a file named in `file` (relative to that file's folder, or to the root with a
    /// leading `/`), hashes it and records it as a blob.
    fn blob(&mut self, from: &Path, src: &str, allowed: &[&str]) -> Result<BlobRef, String> {
        if src.contains("://") || src.starts_with("data:") {
            return Err(format!("\"{src}\" must be a file in the source folder, not a link (the kiosk works offline)"));
        }
        let (base, rest) = match src.strip_prefix('/') {
            Some(r) => (PathBuf::new(), r),
            None => (from.parent().map(Path::to_path_buf).unwrap_or_default(), src),
        };
        let mut rel = base;
        for c in Path::new(rest).components() {
            match c {
                Component::Normal(p) => rel.push(p),
                Component::CurDir => {}
                Component::ParentDir => {
                    if !rel.pop() {
                        return Err(format!("\"{src}\" points outside the source folder"));
                    }
                }
                Component::RootDir | Component::Prefix(_) => {
                    return Err(format!("\"{src}\" points outside the source folder"));
                }
            }
        }
        let ext = rel.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
        if !allowed.contains(&ext.as_str()) {
            return Err(format!("\"{src}\" has an unsupported file type; allowed here: {}", allowed.join(", ")));
        }
        if let Some(cached) = self.blob_cache.get(&rel) {
            return cached.clone();
        }
        let result = self.hash_file(&rel, src, &ext);
        if let Ok(b) = &result {
            self.blobs.entry(b.sha256.clone()).or_insert_with(|| self.tree.location(&rel));
        }
        self.blob_cache.insert(rel, result.clone());
        result
    }

    fn hash_file(&self, rel: &Path, src: &str, ext: &str) -> Result<BlobRef, String> {
        let entry = self.tree.entry(rel).map_err(|_| missing_file(src, &Self::display(rel)))?;
        match entry {
            Entry::File { .. } => {}
            Entry::BrokenLink => return Err(format!("\"{src}\" is a broken link")),
            Entry::LinkOutside => return Err(format!("\"{src}\" links outside the source folder")),
            Entry::Dir | Entry::Special => return Err(format!("\"{src}\" is not a file")),
        }
        let mut file = self.tree.open(rel).map_err(|e| format!("\"{src}\" cannot be read: {e}"))?;
        let mut hasher = Sha256::new();
        let mut head = Vec::new();
        let mut buf = vec![0u8; 64 * 1024];
        let mut size = 0u64;
        loop {
            let n = file.read(&mut buf).map_err(|e| format!("\"{src}\" cannot be read: {e}"))?;
            if n == 0 {
                break;
            }
            if head.len() < 16 {
                head.extend_from_slice(&buf[..n.min(16 - head.len())]);
            }
            size += n as u64;
            if size > MAX_BLOB_BYTES {
                return Err(format!("\"{src}\" is larger than {MAX_BLOB_BYTES} bytes"));
            }
            hasher.update(&buf[..n]);
        }
        let media_type = media_type(ext);
        if !magic_matches(ext, &head) {
            return Err(format!(
                "\"{src}\" is not really a {} file (its content does not match its name)",
                ext.to_uppercase()
            ));
        }
        let name = rel.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        Ok(BlobRef { sha256: hex::encode(hasher.finalize()), size, media_type: media_type.to_string(), name })
    }

    /// Recovers the `id` of a file that failed to load (reading past syntax errors and invalid
    /// UTF-8), so that references to it are not reported as dangling on top of its own problem.
    fn remember_failed_id(&mut self, rel: &Path, front_matter: bool) {
        let Ok(bytes) = self.tree.read(rel, MAX_TEXT_BYTES) else { return };
        let text = String::from_utf8_lossy(&bytes).replace("\r\n", "\n");
        let toml_text = if front_matter {
            match split_front_matter(text.trim_start_matches('\u{feff}')) {
                Some((front, _, _)) => front.to_string(),
                None => return,
            }
        } else {
            text
        };
        let (table, _) = toml::de::DeTable::parse_recoverable(&toml_text);
        for (k, v) in table.get_ref().iter() {
            if k.get_ref() == "id"
                && let toml::de::DeValue::String(id) = v.get_ref()
            {
                self.failed_ids.insert(id.trim().to_string());
            }
        }
    }

    fn claim_id(&mut self, id: &Located<String>, file: &str, field: &str) -> bool {
        let value = &id.value;
        if !super::model::is_valid_id(value) {
            self.problems.report(
                file,
                id.line,
                Some(field),
                format!(
                    "\"{}\" is not a usable id: use 1 to 100 letters, digits, '-', '_' or '.'",
                    crate::diagnostics::printable(value, 120)
                ),
            );
            return false;
        }
        if let Some((other_file, other_line)) = self.ids.get(value) {
            self.problems.report(
                file,
                id.line,
                Some(field),
                format!("\"{value}\" is already used by {other_file}:{other_line}; every id must be unique"),
            );
            return false;
        }
        self.ids.insert(value.clone(), (file.to_string(), id.line));
        true
    }

    fn refer(&mut self, file: &str, field: &'static str, id: Located<String>, want: Want) {
        self.references.push(Reference { file: file.to_string(), line: id.line, field, id: id.value, want });
    }

    fn check_references(&self, set: &ContentSet) {
        let docs: HashMap<&str, &Document> = set.documents.iter().map(|d| (d.id.as_str(), d)).collect();
        let guides: HashMap<&str, &Guide> = set.guides.iter().map(|g| (g.id.as_str(), g)).collect();
        for r in &self.references {
            if self.failed_ids.contains(&r.id) {
                continue;
            }
            let problem = match r.want {
                Want::Document if !docs.contains_key(r.id.as_str()) => {
                    Some(format!("\"{}\" is not the id of any document", r.id))
                }
                Want::Policy => match docs.get(r.id.as_str()) {
                    None => Some(format!("\"{}\" is not the id of any document", r.id)),
                    Some(d) if d.kind == DocKind::Interpretation => {
                        Some(format!("\"{}\" is itself an interpretation; point at the policy it explains", r.id))
                    }
                    Some(_) => None,
                },
                Want::Guide if !guides.contains_key(r.id.as_str()) => {
                    Some(format!("\"{}\" is not the id of any guide", r.id))
                }
                _ => None,
            };
            if let Some(message) = problem {
                self.problems.report(&r.file, r.line, Some(r.field), message);
            }
        }
    }

    // ----- site.toml -----

    fn site(&mut self, file: &str, text: &str) -> Option<Site> {
        let lines = LineIndex::new(text);
        let origin = Origin { file, text, lines_before: 0, lines: &lines };
        let table = toml_reader::parse(origin, self.problems)?;
        let mut r = TableReader::new(origin, &table, self.problems);
        let name = r.req_string(f::SITE_NAME);
        let government = r.req_string(f::GOVERNMENT);
        let sample = r.bool(f::SAMPLE).unwrap_or(false);
        let address = r.req_string(f::ADDRESS);
        let hours = r.req_string(f::OPEN_HOURS);
        let phone = r.req_string(f::PHONE);
        check_phone(&r, f::PHONE, phone.as_ref());
        let portal_url = url(&mut r, f::PORTAL_URL);
        let intro = r.opt_str(f::INTRO);
        let staff_desk = r.opt_str(f::STAFF_DESK);
        let office = match r.table(f::REQUEST_OFFICE) {
            Some(mut o) => {
                let office = Office {
                    name: o.req_string(f::NAME).map(|l| l.value).unwrap_or_default(),
                    address: o.req_string(f::ADDRESS).map(|l| l.value).unwrap_or_default(),
                    hours: o.req_string(f::OFFICE_HOURS).map(|l| l.value).unwrap_or_default(),
                    phone: {
                        let p = o.req_string(f::TELEPHONE);
                        check_phone(&o, f::TELEPHONE, p.as_ref());
                        p.map(|l| l.value).unwrap_or_default()
                    },
                    fax: {
                        let p = o.string(f::FAX);
                        check_phone(&o, f::FAX, p.as_ref());
                        p.map(|l| l.value)
                    },
                    postcode: {
                        let p = o.string(f::POSTCODE);
                        if let Some(p) = &p
                            && (p.value.len() != 6 || !p.value.bytes().all(|b| b.is_ascii_digit()))
                        {
                            o.report(&f::POSTCODE, p.line, format!("\"{}\" is not a 6-digit postcode", p.value));
                        }
                        p.map(|l| l.value)
                    },
                    email: {
                        let e = o.string(f::EMAIL);
                        if let Some(e) = &e
                            && (!e.value.contains('@') || e.value.contains(' '))
                        {
                            o.report(&f::EMAIL, e.line, format!("\"{}\" is not an e-mail address", e.value));
                        }
                        e.map(|l| l.value)
                    },
                    online_url: url(&mut o, f::ONLINE_APPLY),
                    window: o.opt_str(f::REQUEST_WINDOW),
                };
                o.finish();
                office
            }
            None => {
                r.report_table(format!(
                    "is missing the table [{}] ({}): who receives disclosure requests",
                    f::REQUEST_OFFICE.key,
                    f::REQUEST_OFFICE.label
                ));
                Office::default()
            }
        };
        let open_day = r.table(f::OPEN_DAY).map(|mut o| {
            let d = OpenDay {
                summary: o.req_string(f::SUMMARY).map(|l| l.value).unwrap_or_default(),
                schedule: o.opt_str(f::SCHEDULE),
                how_to_join: o.opt_str(f::HOW_TO_JOIN),
            };
            o.finish();
            d
        });
        let announcements = r
            .tables(f::ANNOUNCEMENTS)
            .into_iter()
            .filter_map(|mut a| {
                let text = a.req_string(f::ANNOUNCEMENT_TEXT);
                let from = a.date(f::SHOW_FROM);
                let until = a.date(f::SHOW_UNTIL);
                if let (Some(f), Some(u)) = (&from, &until)
                    && u.value < f.value
                {
                    a.report(
                        &f::SHOW_UNTIL,
                        u.line,
                        format!("{} is before `from` ({}); the announcement would never show", u.value, f.value),
                    );
                }
                a.finish();
                Some(Announcement { text: text?.value, from: from.map(|d| d.value), until: until.map(|d| d.value) })
            })
            .collect();
        let opening_hours = super::hours::read(&mut r);
        // A pack carries the zone's information to every kiosk; the kiosk's own security and
        // machine settings are local, and a pack must not look as if it could change them.
        for key in LOCAL_ONLY {
            r.refuse(
                Field::plain(key),
                "is a setting of each kiosk, read only from its own kiosk.toml (/etc/gongkai-kiosk/kiosk.toml); content never changes it. Remove it from site.toml",
            );
        }
        r.finish();
        Some(Site {
            name: name?.value,
            government: government?.value,
            sample,
            address: address?.value,
            hours: hours?.value,
            phone: phone?.value,
            portal_url,
            intro,
            staff_desk,
            request_office: office,
            open_day,
            announcements,
            opening_hours,
        })
    }

    // ----- docs/**/*.md -----

    fn document(&mut self, rel: &Path, text: &str) -> Option<Document> {
        let file = Self::display(rel);
        let Some((front, body, body_line)) = split_front_matter(text) else {
            self.problems.report(&file, 1, None, "must begin with TOML front matter between two `+++` lines");
            return None;
        };
        let lines = LineIndex::new(front);
        let origin = Origin { file: &file, text: front, lines_before: 1, lines: &lines };
        let table = toml_reader::parse(origin, self.problems)?;
        let mut r = TableReader::new(origin, &table, self.problems);
        let id = r.req_string(f::ID);
        let title = r.req_string(f::TITLE);
        let kind = r.choice(f::KIND, &DocKind::allowed(), DocKind::parse);
        if !r.has(f::KIND) {
            r.report_table(format!(
                "is missing required field `kind` ({}); one of: {}",
                f::KIND.label,
                DocKind::allowed()
            ));
        }
        let index_no = r.opt_str(f::INDEX_NO);
        let category = r.opt_str(f::CATEGORY);
        let publisher = r.req_string(f::PUBLISHER);
        let doc_no = r.opt_str(f::DOC_NO);
        let written = r.date(f::WRITTEN);
        let published = r.req_date(f::PUBLISHED);
        let effective = r.date(f::EFFECTIVE);
        let validity = r.choice(f::VALIDITY, &Validity::allowed(), Validity::parse);
        let repealed = r.date(f::REPEALED);
        let disclosure = r.choice(f::DISCLOSURE, &Disclosure::allowed(), Disclosure::parse);
        let area = key_area(&mut r);
        let keywords = r.strings(f::KEYWORDS).into_iter().map(|l| l.value).collect();
        let summary = r.opt_str(f::SUMMARY_DOC);
        let url = url(&mut r, f::URL);
        let mut attachments = Vec::new();
        for mut a in r.tables(f::ATTACHMENTS) {
            let title = a.req_string(f::ATTACHMENT_TITLE);
            let file_field = a.req_string(f::ATTACHMENT_FILE);
            if let (Some(title), Some(src)) = (title, file_field) {
                match self.blob(rel, &src.value, ATTACHMENT_TYPES) {
                    Ok(blob) => attachments.push(Attachment { title: title.value, blob, derived: None }),
                    Err(message) => a.report(&f::ATTACHMENT_FILE, src.line, message),
                }
            }
            a.finish();
        }
        let interprets = r.string(f::INTERPRETS);
        r.finish();

        // Rules between fields.
        let validity_value = validity.as_ref().map(|v| v.value).unwrap_or(Validity::Valid);
        if let (Some(k), Some(i)) = (&kind, &interprets)
            && k.value != DocKind::Interpretation
        {
            self.problems.report(
                &file,
                i.line,
                Some(f::INTERPRETS.label),
                format!("is only for kind \"interpretation\", this document is \"{}\"", k.value.key()),
            );
        }
        if let Some(k) = &kind
            && k.value == DocKind::Interpretation
            && interprets.is_none()
        {
            self.problems.report(
                &file,
                k.line,
                Some(f::INTERPRETS.label),
                "is required for an interpretation: give the id of the policy it explains (interprets = \"...\")",
            );
        }
        if let (Some(w), Some(p)) = (&written, &published)
            && w.value > p.value
        {
            self.problems.report(
                &file,
                w.line,
                Some(f::WRITTEN.label),
                format!("{} is after 发布日期 {}", w.value, p.value),
            );
        }
        match (&repealed, validity_value) {
            (Some(d), Validity::Valid) => self.problems.report(
                &file,
                d.line,
                Some(f::REPEALED.label),
                format!("{} is given but 有效性 is 有效; set 有效性 to 废止 or 失效, or remove the date", d.value),
            ),
            (None, Validity::Repealed) => self.problems.report(
                &file,
                validity.as_ref().map_or(1, |v| v.line),
                Some(f::VALIDITY.label),
                "is 废止 but 废止日期 (repealed) is missing",
            ),
            _ => {}
        }

        let nesting = markdown::nesting(body);
        if nesting > markdown::MAX_NESTING {
            self.problems.report(
                &file,
                body_line,
                Some("正文"),
                format!(
                    "nests block quotes and lists {nesting} deep; at most {} levels are allowed (remove some `>` or list indentation)",
                    markdown::MAX_NESTING
                ),
            );
        }
        let body_lines = LineIndex::new(body);
        let mut images = Vec::new();
        for img in markdown::image_refs(body) {
            let line = body_line + body_lines.line(img.offset) - 1;
            match self.blob(rel, &img.src, IMAGE_TYPES) {
                Ok(blob) => {
                    if !images.iter().any(|i: &BodyImage| i.src == img.src) {
                        images.push(BodyImage { src: img.src, blob })
                    }
                }
                Err(message) => self.problems.report(&file, line, Some("正文图片"), message),
            }
        }
        if body.trim().is_empty() {
            self.problems.report(
                &file,
                body_line,
                Some("正文"),
                "is empty; write the document's text below the front matter",
            );
        }

        let id = id?;
        if !self.claim_id(&id, &file, "id") {
            return None;
        }
        if let Some(i) = interprets.clone() {
            self.refer(&file, f::INTERPRETS.label, i, Want::Policy);
        }
        Some(Document {
            id: id.value,
            title: title?.value,
            kind: kind?.value,
            index_no,
            category,
            publisher: publisher?.value,
            doc_no,
            written: written.map(|l| l.value),
            published: published?.value,
            effective: effective.map(|l| l.value),
            validity: validity_value,
            repealed: repealed.map(|l| l.value),
            disclosure: disclosure.map(|l| l.value).unwrap_or(Disclosure::Proactive),
            area,
            keywords,
            summary,
            url,
            attachments,
            interprets: interprets.map(|l| l.value),
            body: body.trim().to_string(),
            images,
            source: file,
        })
    }

    // ----- guides/*.toml -----

    fn guide(&mut self, rel: &Path, text: &str) -> Option<Guide> {
        let file = Self::display(rel);
        let lines = LineIndex::new(text);
        let origin = Origin { file: &file, text, lines_before: 0, lines: &lines };
        let table = toml_reader::parse(origin, self.problems)?;
        let mut r = TableReader::new(origin, &table, self.problems);
        let id = r.req_string(f::ID);
        let name = r.req_string(f::GUIDE_NAME);
        let code = r.opt_str(f::GUIDE_CODE);
        let disclosure_request = r.bool(f::DISCLOSURE_REQUEST).unwrap_or(false);
        let area = key_area(&mut r);
        let basis = r.strings(f::BASIS).into_iter().map(|l| l.value).collect();
        let conditions = r.strings(f::CONDITIONS).into_iter().map(|l| l.value).collect();
        let mut materials = Vec::new();
        for mut m in r.tables(f::MATERIALS) {
            let name = m.req_string(f::MATERIAL_NAME);
            let form = m.opt_str(f::MATERIAL_FORM);
            let copies = m.int(f::COPIES, 0, 100).unwrap_or(1) as u32;
            let required = m.bool(f::REQUIRED).unwrap_or(true);
            let note = m.opt_str(f::NOTE);
            let mut blob_field = |m: &mut TableReader<'_, '_>, field| {
                let src = m.string(field)?;
                match self.blob(rel, &src.value, ATTACHMENT_TYPES) {
                    Ok(b) => Some(b),
                    Err(message) => {
                        m.report(&field, src.line, message);
                        None
                    }
                }
            };
            let blank_form = blob_field(&mut m, f::BLANK_FORM);
            let sample = blob_field(&mut m, f::SAMPLE_FORM);
            m.finish();
            if let Some(name) = name {
                materials.push(Material { name: name.value, form, copies, required, note, blank_form, sample });
            }
        }
        let office = r.req_string(f::OFFICE);
        let window = r.opt_str(f::WINDOW);
        let location = r.req_string(f::LOCATION);
        let transport = r.opt_str(f::TRANSPORT);
        let hours = r.req_string(f::GUIDE_HOURS);
        let mut steps = Vec::new();
        let step_tables = r.tables(f::STEPS);
        if step_tables.is_empty() && !r.has(f::STEPS) {
            r.report_table(format!("is missing [[{}]] ({}): list at least one step", f::STEPS.key, f::STEPS.label));
        }
        for mut s in step_tables {
            let title = s.req_string(f::STEP_TITLE);
            let detail = s.opt_str(f::STEP_DETAIL);
            s.finish();
            if let Some(title) = title {
                steps.push(Step { title: title.value, detail });
            }
        }
        let legal_limit = r.req_string(f::LEGAL_LIMIT);
        let promised_limit = r.req_string(f::PROMISED_LIMIT);
        let on_the_spot = r.bool(f::ON_THE_SPOT).unwrap_or(false);
        let fee = r.req_string(f::FEE);
        let delivery = r.opt_str(f::DELIVERY);
        let visits = r.int(f::VISITS, 0, 20).unwrap_or(1) as u32;
        let online_url = url(&mut r, f::ONLINE_URL);
        let mut faq = Vec::new();
        for mut q in r.tables(f::GUIDE_FAQ) {
            let question = q.req_string(f::QUESTION);
            let answer = q.req_string(f::ANSWER);
            q.finish();
            if let (Some(question), Some(answer)) = (question, answer) {
                faq.push(QuestionAnswer { question: question.value, answer: answer.value });
            }
        }
        let consult_phone = r.req_string(f::CONSULT_PHONE);
        check_phone(&r, f::CONSULT_PHONE, consult_phone.as_ref());
        let complaint_phone = r.req_string(f::COMPLAINT_PHONE);
        check_phone(&r, f::COMPLAINT_PHONE, complaint_phone.as_ref());
        r.finish();
        let id = id?;
        if !self.claim_id(&id, &file, "id") {
            return None;
        }
        Some(Guide {
            id: id.value,
            name: name?.value,
            code,
            disclosure_request,
            area,
            basis,
            conditions,
            materials,
            office: office?.value,
            window,
            location: location?.value,
            transport,
            hours: hours?.value,
            steps,
            legal_limit: legal_limit?.value,
            promised_limit: promised_limit?.value,
            on_the_spot,
            fee: fee?.value,
            delivery,
            visits,
            online_url,
            faq,
            consult_phone: consult_phone?.value,
            complaint_phone: complaint_phone?.value,
            source: file,
        })
    }

    // ----- boards/*.toml -----

    fn board(&mut self, rel: &Path, text: &str) -> Option<Board> {
        let file = Self::display(rel);
        let lines = LineIndex::new(text);
        let origin = Origin { file: &file, text, lines_before: 0, lines: &lines };
        let table = toml_reader::parse(origin, self.problems)?;
        let mut r = TableReader::new(origin, &table, self.problems);
        let id = r.req_string(f::ID);
        let title = r.req_string(f::TITLE);
        let intro = r.opt_str(f::BOARD_INTRO);
        let item_tables = r.tables(f::ITEMS);
        if item_tables.is_empty() {
            r.report_table(format!(
                "has no [[{}]] ({}); a board needs at least one QR code",
                f::ITEMS.key,
                f::ITEMS.label
            ));
        }
        let mut items = Vec::new();
        let mut refs = Vec::new();
        for mut t in item_tables {
            let label = t.req_string(f::ITEM_LABEL);
            let note = t.opt_str(f::NOTE);
            let url = url(&mut t, f::ITEM_URL);
            let doc = t.string(f::ITEM_DOCUMENT);
            let guide = t.string(f::ITEM_GUIDE);
            let given = usize::from(url.is_some()) + usize::from(doc.is_some()) + usize::from(guide.is_some());
            let has_any = t.has(f::ITEM_URL) || t.has(f::ITEM_DOCUMENT) || t.has(f::ITEM_GUIDE);
            if given > 1 {
                t.report_table("gives more than one of url, document and guide; give exactly one");
            } else if given == 0 && !has_any {
                t.report_table("needs one of url (链接), document (文件) or guide (指南): where the QR code leads");
            }
            t.finish();
            let target = match (url, doc, guide) {
                (Some(u), None, None) => Some(BoardTarget::Url(u)),
                (None, Some(d), None) => {
                    refs.push((f::ITEM_DOCUMENT.label, d.clone(), Want::Document));
                    Some(BoardTarget::Document(d.value))
                }
                (None, None, Some(g)) => {
                    refs.push((f::ITEM_GUIDE.label, g.clone(), Want::Guide));
                    Some(BoardTarget::Guide(g.value))
                }
                _ => None,
            };
            if let (Some(label), Some(target)) = (label, target) {
                items.push(BoardItem { label: label.value, note, target });
            }
        }
        r.finish();
        let id = id?;
        if !self.claim_id(&id, &file, "id") {
            return None;
        }
        for (field, target, want) in refs {
            self.refer(&file, field, target, want);
        }
        Some(Board { id: id.value, title: title?.value, intro, items, source: file })
    }

    // ----- faq/*.toml -----

    fn faqs(&mut self, rel: &Path, text: &str) -> Vec<Faq> {
        let file = Self::display(rel);
        let lines = LineIndex::new(text);
        let origin = Origin { file: &file, text, lines_before: 0, lines: &lines };
        let Some(table) = toml_reader::parse(origin, self.problems) else { return Vec::new() };
        let mut r = TableReader::new(origin, &table, self.problems);
        let entries = r.tables(f::FAQ_ENTRIES);
        if entries.is_empty() {
            r.report_table("holds no [[faq]] entries");
        }
        let mut out = Vec::new();
        for mut e in entries {
            let id = e.req_string(f::ID);
            let question = e.req_string(f::QUESTION);
            let answer = e.req_string(f::ANSWER);
            let area = key_area(&mut e);
            let docs = e.strings(f::RELATED_DOCUMENTS);
            let guides = e.strings(f::RELATED_GUIDES);
            e.finish();
            let (Some(id), Some(question), Some(answer)) = (id, question, answer) else { continue };
            if !self.claim_id(&id, &file, "id") {
                continue;
            }
            for d in &docs {
                self.refer(&file, f::RELATED_DOCUMENTS.label, d.clone(), Want::Document);
            }
            for g in &guides {
                self.refer(&file, f::RELATED_GUIDES.label, g.clone(), Want::Guide);
            }
            out.push(Faq {
                id: id.value,
                question: question.value,
                answer: answer.value,
                area,
                related_documents: docs.into_iter().map(|l| l.value).collect(),
                related_guides: guides.into_iter().map(|l| l.value).collect(),
                source: file.clone(),
            });
        }
        r.finish();
        out
    }
}

const IMAGE_TYPES: &[&str] = &["png", "jpg", "jpeg", "gif", "webp"];
const ATTACHMENT_TYPES: &[&str] =
    &["pdf", "png", "jpg", "jpeg", "gif", "webp", "docx", "xlsx", "doc", "xls", "ofd", "mp3", "mp4", "zip"];

/// Why a file named in a field is not found (`rel`: where it was looked for). A path starting
/// with `/` is read from the top of the source folder: a publisher who wrote where the file lies
/// on the computer (`/home/…/a.pdf`) is told so, not only that `home/…/a.pdf` is missing.
fn missing_file(src: &str, rel: &str) -> String {
    if src.starts_with('/') {
        format!(
            "\"{src}\" does not exist in the source folder ({rel}): file paths are relative to this file's folder, or with a leading / to the top of the source folder, never a place elsewhere on the computer; copy the file into the source folder and write its path from there (e.g. ../../media/a.pdf)"
        )
    } else {
        format!("\"{src}\" does not exist ({rel})")
    }
}

/// Why a name in the source folder is not read as a file (`None` for a regular file).
fn not_readable(entry: Entry) -> Option<&'static str> {
    match entry {
        Entry::File { .. } => None,
        Entry::Dir => Some("is a folder, not a file"),
        Entry::LinkOutside => {
            Some("is a link to something outside the source folder; copy the file into the folder instead")
        }
        Entry::Special => Some("is not a regular file (a FIFO, socket or device); it was not read"),
        Entry::BrokenLink => Some("is a broken link"),
    }
}

/// The media type of a file by its (lower-case) extension.
pub fn media_type(ext: &str) -> &'static str {
    match ext {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "doc" => "application/msword",
        "xls" => "application/vnd.ms-excel",
        "ofd" => "application/ofd",
        "mp3" => "audio/mpeg",
        "mp4" => "video/mp4",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

/// Checks the first bytes of formats that have a signature, so a renamed file is caught here
/// rather than shown as a broken picture on the kiosk.
fn magic_matches(ext: &str, head: &[u8]) -> bool {
    match ext {
        "png" => head.starts_with(b"\x89PNG\r\n\x1a\n"),
        "jpg" | "jpeg" => head.starts_with(&[0xFF, 0xD8, 0xFF]),
        "gif" => head.starts_with(b"GIF8"),
        "webp" => head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP",
        "pdf" => head.starts_with(b"%PDF-"),
        "docx" | "xlsx" | "ofd" | "zip" => head.starts_with(b"PK"),
        _ => true,
    }
}

/// Splits `+++` front matter from the body: (front matter text, body text, body's first line).
fn split_front_matter(text: &str) -> Option<(&str, &str, usize)> {
    let rest = text.strip_prefix("+++")?;
    let rest = rest.strip_prefix('\n').or_else(|| (rest.trim_end_matches([' ', '\t']).is_empty()).then_some(""))?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "+++" {
            let front = &rest[..offset];
            let body = &rest[offset + line.len()..];
            let body_line = 2 + front.matches('\n').count() + 1;
            return Some((front, body, body_line));
        }
        offset += line.len();
    }
    None
}

fn url(r: &mut TableReader<'_, '_>, field: toml_reader::Field) -> Option<String> {
    let u = r.string(field)?;
    if u.value.starts_with("https://") || u.value.starts_with("http://") {
        Some(u.value)
    } else {
        r.report(
            &field,
            u.line,
            format!("\"{}\" is not a web address (it must start with https:// or http://)", u.value),
        );
        None
    }
}

fn key_area(r: &mut TableReader<'_, '_>) -> Option<String> {
    let a = r.string(f::AREA)?;
    if is_key_area(&a.value) {
        Some(a.value)
    } else {
        let near = crate::diagnostics::suggest(&a.value, KEY_AREAS.iter().copied());
        let hint = match near {
            Some(s) => format!("did you mean \"{s}\"?"),
            None => format!("use one of the 26 key areas: {}", KEY_AREAS.join("、")),
        };
        r.report(&f::AREA, a.line, format!("\"{}\" is not one of the 26 key areas; {hint}", a.value));
        None
    }
}

fn check_phone(r: &TableReader<'_, '_>, field: toml_reader::Field, value: Option<&Located<String>>) {
    if let Some(p) = value {
        let digits = p.value.chars().filter(char::is_ascii_digit).count();
        let ok_chars = p.value.chars().all(|c| c.is_ascii_digit() || " -+()（）转、/".contains(c));
        if digits < 5 || !ok_chars {
            r.report(&field, p.line, format!("\"{}\" is not a phone number", p.value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_split_reports_body_line() {
        let (front, body, line) = split_front_matter("+++\na = 1\nb = 2\n+++\n正文\n").unwrap();
        assert_eq!(front, "a = 1\nb = 2\n");
        assert_eq!(body, "正文\n");
        assert_eq!(line, 5);
        assert!(split_front_matter("no front matter").is_none());
        assert!(split_front_matter("+++\nunterminated\n").is_none());
        assert!(split_front_matter("+++").is_none());
    }
}
