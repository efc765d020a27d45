//! A site profile (`PROFILE.toml`, documented in `docs/harvest.md`): which columns of a portal to
//! crawl, how to find list pages and detail links, how to read fields where the defaults do not,
//! how to map columns and keywords to the kiosk's kinds, areas and categories, and how politely.

use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::Url;
use scraper::Selector;
use toml::de::DeValue;

use super::labels::HeaderField;
use crate::content::{DocKind, KEY_AREAS, is_key_area};
use crate::diagnostics::LineIndex;
use crate::diagnostics::{Problem, Problems};
use crate::toml_reader::{self, Field, Origin, TableReader};

/// The harvester's own name, sent as `User-Agent` and matched against robots.txt groups.
pub const AGENT_TOKEN: &str = "gongkai-kiosk";

pub fn default_user_agent() -> String {
    format!("{AGENT_TOKEN}-harvest/{} (disclosure kiosk content harvester; docs/harvest.md)", env!("CARGO_PKG_VERSION"))
}

/// A CSS selector as written, and compiled; `@attr` at the end reads an attribute instead of the
/// text (`meta[name=PubDate]@content`).
#[derive(Debug, Clone)]
pub struct FieldSelector {
    pub text: String,
    pub selector: Selector,
    pub attr: Option<String>,
}

/// Field → selector overrides (profile-wide or per column). `body` selects the content
/// container; the other keys are [`HeaderField`] keys.
#[derive(Debug, Clone, Default)]
pub struct Selectors {
    pub body: Option<FieldSelector>,
    pub fields: Vec<(HeaderField, FieldSelector)>,
}

impl Selectors {
    pub fn field(&self, f: HeaderField) -> Option<&FieldSelector> {
        self.fields.iter().find(|(k, _)| *k == f).map(|(_, s)| s)
    }
}

/// One column (栏目) of the portal: its list pages and what its documents are.
#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    /// Sub-folder of `docs/` its documents are written to.
    pub folder: String,
    pub start: Vec<Url>,
    pub kind: Option<DocKind>,
    pub area: Option<String>,
    pub category: Option<String>,
    pub publisher: Option<String>,
    /// Detail links on a list page (default: links in list items and table rows that show a date).
    pub links: Option<FieldSelector>,
    /// The next list page's link (default: a link reading 下一页 / 下页 / next, or `<link rel=next>`).
    pub next: Option<FieldSelector>,
    /// Numbered list pages beside the first, e.g. `index_{n}.html` (n = 1, 2, … until a 404).
    pub pages: Option<String>,
    pub selectors: Selectors,
}

/// keyword → value, matched against a document's title, keywords, 主题分类 and column.
#[derive(Debug, Clone)]
pub struct Rule<T> {
    pub keywords: Vec<String>,
    pub value: T,
}

#[derive(Debug, Clone)]
pub struct Profile {
    pub name: String,
    /// The portal's address; start URLs are relative to it.
    pub portal: Url,
    /// A `site.toml` copied into the output (relative to the profile).
    pub site_file: Option<PathBuf>,
    pub user_agent: String,
    /// Requests per second per host; 0 = as fast as the server answers.
    pub rate: f64,
    pub concurrency: usize,
    pub timeout: Duration,
    pub max_pages: usize,
    pub max_list_pages: usize,
    pub max_page_bytes: u64,
    pub max_image_bytes: u64,
    pub max_attachment_bytes: u64,
    pub robots: bool,
    /// Runs a document may be missing from the portal before its file is removed.
    pub drop_after_runs: u32,
    /// 发布机构 when a page names none.
    pub publisher: Option<String>,
    /// Fetch interpretations linked from a policy's 相关解读 even outside the listed columns.
    pub follow_interpretations: bool,
    /// Prefix for ids made from URLs (pages without 索引号).
    pub id_prefix: String,
    pub selectors: Selectors,
    pub columns: Vec<Column>,
    pub kind_rules: Vec<Rule<DocKind>>,
    pub area_rules: Vec<Rule<String>>,
    pub category_rules: Vec<Rule<String>>,
}

/// A profile that could not be read: every problem, with file, line and field.
#[derive(Debug)]
pub struct ProfileError {
    pub problems: Vec<Problem>,
}

impl std::fmt::Display for ProfileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for p in &self.problems {
            writeln!(f, "{p}")?;
        }
        write!(f, "{} problem(s) in the profile; nothing was harvested", self.problems.len())
    }
}

impl std::error::Error for ProfileError {}

const KIB: u64 = 1024;

impl Profile {
    /// What decides how a page is read: the harvester's version and every selector. A page the
    /// last run read differently is fetched whole again, not answered 304 from the old reading.
    pub fn reading(&self) -> String {
        fn add(out: &mut String, s: &Selectors) {
            for (f, sel) in &s.fields {
                out.push_str(&format!("|{}={}", f.key(), sel.text));
            }
            if let Some(b) = &s.body {
                out.push_str(&format!("|body={}", b.text));
            }
        }
        let mut out = format!("gongkai-kiosk {}", env!("CARGO_PKG_VERSION"));
        add(&mut out, &self.selectors);
        for c in &self.columns {
            out.push_str(&format!("|column {}", c.name));
            add(&mut out, &c.selectors);
            for (k, v) in [("links", &c.links), ("next", &c.next)] {
                if let Some(v) = v {
                    out.push_str(&format!("|{k}={}", v.text));
                }
            }
        }
        out
    }

    pub fn load(path: &Path) -> Result<Profile, ProfileError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ProfileError {
            problems: vec![Problem {
                file: file.clone(),
                line: 0,
                field: None,
                message: format!("cannot be read: {e}"),
            }],
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        Self::parse(&file, &text, base)
    }

    /// Parses a profile's text; `base` is the folder relative paths (`site`) start from.
    pub fn parse(file: &str, text: &str, base: &Path) -> Result<Profile, ProfileError> {
        let problems = Problems::new();
        let profile = read(file, text, base, &problems);
        match profile {
            Some(p) if problems.is_empty() => Ok(p),
            _ => Err(ProfileError { problems: problems.into_sorted() }),
        }
    }
}

fn p(key: &'static str) -> Field {
    Field::plain(key)
}

fn read(file: &str, text: &str, base: &Path, problems: &Problems) -> Option<Profile> {
    let lines = LineIndex::new(text);
    let origin = Origin { file, text, lines_before: 0, lines: &lines };
    let table = toml_reader::parse(origin, problems)?;
    let mut r = TableReader::new(origin, &table, problems);
    let name = r.req_string(p("name"));
    let portal = r.req_string(p("portal")).and_then(|l| match Url::parse(&l.value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => Some(u),
        _ => {
            r.report(&p("portal"), l.line, format!("\"{}\" is not a web address (http:// or https://)", l.value));
            None
        }
    });
    let site_file = r.opt_str(p("site")).map(|s| base.join(s));
    let user_agent = match r.string(p("user_agent")) {
        Some(ua) if ua.value.chars().all(|c| c.is_ascii_graphic() || c == ' ') => ua.value,
        Some(ua) => {
            r.report(
                &p("user_agent"),
                ua.line,
                "may hold only ASCII letters, digits, spaces and punctuation (an HTTP header)",
            );
            default_user_agent()
        }
        None => default_user_agent(),
    };
    let rate = number(&mut r, p("rate"), 0.0, 1000.0).unwrap_or(1.0);
    let concurrency = r.int(p("concurrency"), 1, 64).unwrap_or(2) as usize;
    let timeout = Duration::from_secs(r.int(p("timeout_seconds"), 1, 600).unwrap_or(30) as u64);
    let max_pages = r.int(p("max_pages"), 1, 10_000_000).unwrap_or(50_000) as usize;
    let max_list_pages = r.int(p("max_list_pages"), 1, 100_000).unwrap_or(500) as usize;
    let max_page_bytes = r.int(p("max_page_kb"), 16, 65_536).unwrap_or(4096) as u64 * KIB;
    let max_image_bytes = r.int(p("max_image_kb"), 1, 262_144).unwrap_or(10_240) as u64 * KIB;
    let max_attachment_bytes = r.int(p("max_attachment_kb"), 1, 262_144).unwrap_or(102_400) as u64 * KIB;
    let robots = r.bool(p("robots")).unwrap_or(true);
    let drop_after_runs = r.int(p("drop_after_runs"), 1, 1000).unwrap_or(3) as u32;
    let publisher = r.opt_str(p("publisher"));
    let follow_interpretations = r.bool(p("follow_interpretations")).unwrap_or(true);
    let id_prefix = r.opt_str(p("id_prefix")).unwrap_or_default();
    if !id_prefix.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) || id_prefix.len() > 20 {
        r.report_table(format!("id_prefix \"{id_prefix}\" may hold only up to 20 letters, digits, '-', '_' or '.'"));
    }
    let global_selectors = match r.table(p("selectors")) {
        Some(t) => selectors(t),
        None => Selectors::default(),
    };
    let mut columns = Vec::new();
    let column_tables = r.tables(p("columns"));
    if column_tables.is_empty() {
        r.report_table("has no [[columns]]: name at least one column (栏目) with its list page in `start`");
    }
    for mut c in column_tables {
        let cname = c.req_string(p("name"));
        let starts = c.strings(p("start"));
        if starts.is_empty() {
            c.report_table("needs `start`: the column's first list page (a URL, or a path under `portal`)");
        }
        let mut start = Vec::new();
        for s in &starts {
            let joined = match &portal {
                Some(base) => base.join(&s.value),
                None => Url::parse(&s.value),
            };
            match joined {
                Ok(u) if matches!(u.scheme(), "http" | "https") => start.push(u),
                _ => c.report(&p("start"), s.line, format!("\"{}\" is not a web address or a path", s.value)),
            }
        }
        let kind = c.choice(p("kind"), &DocKind::allowed(), DocKind::parse).map(|l| l.value);
        let area = area(&mut c, p("area"));
        let category = c.opt_str(p("category"));
        let publisher = c.opt_str(p("publisher"));
        let links = selector(&mut c, p("links"));
        let next = selector(&mut c, p("next"));
        let pages = c.string(p("pages"));
        if let Some(pg) = &pages
            && !pg.value.contains("{n}")
        {
            c.report(&p("pages"), pg.line, format!("\"{}\" must contain {{n}}, e.g. \"index_{{n}}.html\"", pg.value));
        }
        let folder_field = c.string(p("folder"));
        let col_selectors = match c.table(p("selectors")) {
            Some(t) => selectors(t),
            None => Selectors::default(),
        };
        let folder = match folder_field {
            Some(f) if is_folder_name(&f.value) => f.value,
            Some(f) => {
                c.report(
                    &p("folder"),
                    f.line,
                    format!("\"{}\" must be a folder name: letters, digits, '-' or '_'", f.value),
                );
                String::new()
            }
            None => default_folder(start.first(), columns.len()),
        };
        c.finish();
        if let Some(cname) = cname {
            columns.push(Column {
                name: cname.value,
                folder,
                start,
                kind,
                area,
                category,
                publisher,
                links,
                next,
                pages: pages.map(|l| l.value),
                selectors: col_selectors,
            });
        }
    }
    let kind_rules = rules(&mut r, p("kind_rules"), "kind", |t, f| {
        t.choice(f, &DocKind::allowed(), DocKind::parse).map(|l| l.value)
    });
    let area_rules = rules(&mut r, p("area_rules"), "area", area);
    let category_rules = rules(&mut r, p("category_rules"), "category", |t, f| t.opt_str(f));
    r.finish();
    let mut seen = std::collections::HashSet::new();
    for c in &columns {
        if !seen.insert(c.folder.clone()) {
            problems.report(
                file,
                0,
                Some("columns.folder"),
                format!("\"{}\" is used by two columns; give each column its own `folder`", c.folder),
            );
        }
    }
    Some(Profile {
        name: name?.value,
        portal: portal?,
        site_file,
        user_agent,
        rate,
        concurrency,
        timeout,
        max_pages,
        max_list_pages,
        max_page_bytes,
        max_image_bytes,
        max_attachment_bytes,
        robots,
        drop_after_runs,
        publisher,
        follow_interpretations,
        id_prefix,
        selectors: global_selectors,
        columns,
        kind_rules,
        area_rules,
        category_rules,
    })
}

fn is_folder_name(s: &str) -> bool {
    !s.is_empty() && s.len() <= 60 && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
}

/// `zwgk/zcwj/index.html` → `zcwj`; otherwise `column-N`.
fn default_folder(start: Option<&Url>, index: usize) -> String {
    let from_path = start.and_then(|u| {
        let segs: Vec<&str> = u.path_segments()?.filter(|s| !s.is_empty()).collect();
        let dir = if segs.last().is_some_and(|s| s.contains('.')) {
            segs.get(segs.len().wrapping_sub(2))
        } else {
            segs.last()
        };
        dir.map(|d| d.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')).collect::<String>())
    });
    match from_path {
        Some(f) if !f.is_empty() => f,
        _ => format!("column-{}", index + 1),
    }
}

fn number(r: &mut TableReader<'_, '_>, field: Field, min: f64, max: f64) -> Option<f64> {
    let v = r.raw(field)?;
    let line = r.origin.line(v.span().start);
    let n = match v.get_ref() {
        DeValue::Integer(i) => i.as_str().replace('_', "").parse::<f64>().ok(),
        DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
        _ => None,
    };
    match n {
        Some(n) if (min..=max).contains(&n) => Some(n),
        _ => {
            r.report(&field, line, format!("must be a number from {min} to {max}"));
            None
        }
    }
}

fn area(r: &mut TableReader<'_, '_>, field: Field) -> Option<String> {
    let a = r.string(field)?;
    if is_key_area(&a.value) {
        return Some(a.value);
    }
    let hint = match crate::diagnostics::suggest(&a.value, KEY_AREAS.iter().copied()) {
        Some(s) => format!("did you mean \"{s}\"?"),
        None => format!("use one of the 26 key areas: {}", KEY_AREAS.join("、")),
    };
    r.report(&field, a.line, format!("\"{}\" is not one of the 26 key areas; {hint}", a.value));
    None
}

fn compile(text: &str) -> Result<FieldSelector, String> {
    let (sel, attr) = match text.rsplit_once('@') {
        Some((s, a)) if !a.is_empty() && a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') => {
            (s, Some(a.to_string()))
        }
        _ => (text, None),
    };
    let selector = Selector::parse(sel).map_err(|e| format!("\"{text}\" is not a CSS selector: {e}"))?;
    Ok(FieldSelector { text: text.to_string(), selector, attr })
}

fn selector(r: &mut TableReader<'_, '_>, field: Field) -> Option<FieldSelector> {
    let s = r.string(field)?;
    match compile(&s.value) {
        Ok(sel) => Some(sel),
        Err(message) => {
            r.report(&field, s.line, message);
            None
        }
    }
}

const SELECTOR_KEYS: [&str; 13] = [
    "body",
    "title",
    "index_no",
    "category",
    "publisher",
    "doc_no",
    "written",
    "published",
    "effective",
    "validity",
    "repealed",
    "keywords",
    "summary",
];

fn selectors(mut t: TableReader<'_, '_>) -> Selectors {
    let mut out = Selectors::default();
    for key in SELECTOR_KEYS {
        let Some(sel) = selector(&mut t, p(key)) else { continue };
        match HeaderField::parse(key) {
            Some(f) => out.fields.push((f, sel)),
            None => out.body = Some(sel),
        }
    }
    t.finish();
    out
}

fn rules<T>(
    r: &mut TableReader<'_, '_>,
    field: Field,
    value_key: &'static str,
    value: impl Fn(&mut TableReader<'_, '_>, Field) -> Option<T>,
) -> Vec<Rule<T>> {
    let mut out = Vec::new();
    for mut t in r.tables(field) {
        let keywords: Vec<String> = t.strings(p("match")).into_iter().map(|l| l.value).collect();
        if keywords.is_empty() {
            t.report_table("needs `match`: the word (or list of words) to look for");
        }
        let has_value = t.has(p(value_key));
        let v = value(&mut t, p(value_key));
        if !has_value {
            t.report_table(format!("needs `{value_key}`: what a match maps to"));
        }
        t.finish();
        if let Some(v) = v
            && !keywords.is_empty()
        {
            out.push(Rule { keywords, value: v });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_columns() {
        let p = Profile::parse(
            "p.toml",
            "name = \"x\"\nportal = \"https://www.example.gov.cn/\"\n[[columns]]\nname = \"政策文件\"\nstart = \"zwgk/zcwj/index.html\"\nkind = \"policy\"\n",
            Path::new("."),
        )
        .unwrap();
        assert_eq!(p.rate, 1.0);
        assert!(p.robots);
        assert_eq!(p.columns[0].folder, "zcwj");
        assert_eq!(p.columns[0].start[0].as_str(), "https://www.example.gov.cn/zwgk/zcwj/index.html");
        assert_eq!(p.columns[0].kind, Some(DocKind::Policy));
        assert!(p.user_agent.starts_with("gongkai-kiosk-harvest/"));
    }

    #[test]
    fn every_problem_with_its_line() {
        let e = Profile::parse(
            "p.toml",
            "name = \"x\"\nportal = \"ftp://x\"\nrate = \"fast\"\n[selectors]\nbody = \"div[\"\n[[columns]]\nname = \"a\"\nkind = \"policyy\"\narea = \"养老\"\n[[area_rules]]\narea = \"养老服务\"\n",
            Path::new("."),
        )
        .unwrap_err();
        let text: Vec<String> = e.problems.iter().map(|p| p.to_string()).collect();
        assert!(text.iter().any(|t| t.starts_with("p.toml:2: portal")), "{text:?}");
        assert!(text.iter().any(|t| t.starts_with("p.toml:3: rate")), "{text:?}");
        assert!(text.iter().any(|t| t.starts_with("p.toml:5: selectors.body") && t.contains("CSS")), "{text:?}");
        assert!(text.iter().any(|t| t.starts_with("p.toml:6: columns[1]") && t.contains("start")), "{text:?}");
        assert!(text.iter().any(|t| t.starts_with("p.toml:8: columns[1].kind")), "{text:?}");
        assert!(text.iter().any(|t| t.starts_with("p.toml:9: columns[1].area") && t.contains("养老服务")), "{text:?}");
        assert!(text.iter().any(|t| t.contains("area_rules[1]") && t.contains("match")), "{text:?}");
    }
}
