//! Reading a portal's pages: a list page's detail links and next page, and a detail page's
//! header fields (selectors, label cells, labels in running text, meta tags), body, images,
//! attachments and interpretation links (docs/domain.md §6).

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use ego_tree::NodeId;
use ego_tree::iter::Edge;
use reqwest::Url;
use scraper::{ElementRef, Html, Node, Selector};

use super::labels::{self, HeaderField};
use super::markdown::{self, plain_text, squash};
use super::profile::{Column, FieldSelector, Selectors};

/// A detail link found on a list page, with what the list shows beside it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ListLink {
    pub url: String,
    pub title: String,
    pub date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ListPage {
    pub links: Vec<ListLink>,
    pub next: Option<String>,
}

/// The document `<base href>` or the page's own address: what relative links resolve against.
fn base_url(doc: &Html, page: &Url) -> Url {
    let sel = Selector::parse("base[href]").expect("static selector");
    doc.select(&sel)
        .next()
        .and_then(|b| b.value().attr("href"))
        .and_then(|h| page.join(h.trim()).ok())
        .unwrap_or_else(|| page.clone())
}

/// Resolves a link as a browser does, without its #fragment; only http(s).
pub fn resolve(base: &Url, href: &str) -> Option<Url> {
    let href = href.trim();
    if href.is_empty() || href.starts_with('#') || href.to_ascii_lowercase().starts_with("javascript:") {
        return None;
    }
    let mut u = base.join(href).ok()?;
    if !matches!(u.scheme(), "http" | "https") {
        return None;
    }
    u.set_fragment(None);
    Some(u)
}

const PAGE_EXTENSIONS: &[&str] = &["html", "htm", "shtml", "jhtml", "xhtml", "jsp", "php", "asp", "aspx", "do"];

/// Whether a URL looks like a page (not a file to download).
pub fn looks_like_page(u: &Url) -> bool {
    match extension(u) {
        None => true,
        Some(ext) => PAGE_EXTENSIONS.contains(&ext.as_str()),
    }
}

/// The lower-case extension of the URL's last path segment.
pub fn extension(u: &Url) -> Option<String> {
    let last = u.path_segments()?.next_back()?;
    let (_, ext) = last.rsplit_once('.')?;
    (!ext.is_empty() && ext.len() <= 5).then(|| ext.to_ascii_lowercase())
}

/// Reads a list page: its detail links (the column's `links` selector, else links in list items
/// and table rows that also show a date) and its next page.
pub fn list_page(html: &str, url: &Url, column: &Column) -> ListPage {
    let doc = Html::parse_document(html);
    let base = base_url(&doc, url);
    let mut out = ListPage::default();
    let anchor = Selector::parse("a[href]").expect("static selector");
    let push = |a: ElementRef<'_>, row: Option<ElementRef<'_>>, out: &mut ListPage| {
        let Some(u) = a.value().attr("href").and_then(|h| resolve(&base, h)) else { return };
        // a link listed twice on one page (once with #top, say) is kept: the crawl counts duplicates
        if u == *url || !looks_like_page(&u) {
            return;
        }
        let title =
            a.value().attr("title").map(squash).filter(|t| !t.is_empty()).unwrap_or_else(|| squash(&plain_text(a)));
        let date = row.and_then(|r| labels::parse_date(&plain_text(r)));
        out.links.push(ListLink { url: u.to_string(), title, date });
    };
    match &column.links {
        Some(sel) => {
            for el in doc.select(&sel.selector) {
                let a = if el.value().name() == "a" { Some(el) } else { el.select(&anchor).next() };
                if let Some(a) = a {
                    let row =
                        a.ancestors().filter_map(ElementRef::wrap).find(|e| matches!(e.value().name(), "li" | "tr"));
                    push(a, row.or(Some(el)), &mut out);
                }
            }
        }
        None => {
            for a in doc.select(&anchor) {
                if a.ancestors()
                    .filter_map(ElementRef::wrap)
                    .any(|e| markdown::is_chrome(e) && e.value().name() != "form")
                {
                    continue;
                }
                let Some(row) = a
                    .ancestors()
                    .filter_map(ElementRef::wrap)
                    .take(4)
                    .find(|e| matches!(e.value().name(), "li" | "tr" | "dd" | "dl"))
                else {
                    continue;
                };
                if labels::parse_date(&plain_text(row)).is_none() {
                    continue;
                }
                push(a, Some(row), &mut out);
            }
        }
    }
    out.next = next_page(&doc, &base, url, column.next.as_ref()).map(|u| u.to_string());
    out
}

fn next_page(doc: &Html, base: &Url, url: &Url, sel: Option<&FieldSelector>) -> Option<Url> {
    let candidate = |el: ElementRef<'_>| el.value().attr("href").and_then(|h| resolve(base, h)).filter(|u| u != url);
    if let Some(sel) = sel {
        return doc.select(&sel.selector).find_map(candidate);
    }
    let rel = Selector::parse("link[rel=next][href], a[rel=next][href]").expect("static selector");
    if let Some(u) = doc.select(&rel).find_map(candidate) {
        return Some(u);
    }
    let anchor = Selector::parse("a[href]").expect("static selector");
    doc.select(&anchor)
        .find(|a| {
            let t: String = plain_text(*a).chars().filter(|c| !c.is_whitespace()).collect();
            matches!(
                t.as_str(),
                "下一页" | "下页" | "后一页" | "下一頁" | "next" | "Next" | "›" | ">" | "»" | "[下一页]" | "【下一页】"
            )
        })
        .and_then(candidate)
}

/// Where a field's value came from (for the report and for precedence).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    Selector,
    LabelCell,
    RunningText,
    Meta,
    Fallback,
}

/// What a detail page says, before any mapping.
#[derive(Debug, Default)]
pub struct DetailPage {
    pub fields: BTreeMap<HeaderField, (String, Source)>,
    /// `<meta name=… content=…>` pairs (ColumnName, SiteName, …).
    pub meta: BTreeMap<String, String>,
    pub body: String,
    /// Images of the body (resolved, if they can be) with alt text; the body holds
    /// [`markdown::image_placeholder`]s.
    pub images: Vec<(Option<Url>, String)>,
    /// (title, url) of attachments.
    pub attachments: Vec<(String, Url)>,
    /// Pages listed under 相关解读 / 政策解读 (this page is the policy).
    pub interpretations: Vec<Url>,
    /// Pages linked as 原文链接 / 相关文件 (this page is an interpretation).
    pub policies: Vec<Url>,
    /// The page's canonical address if it names one (meta Url).
    pub canonical: Option<Url>,
}

/// Markers of the link lists that relate interpretations and policies.
const INTERPRETATION_MARKERS: &[&str] = &[
    "相关解读",
    "政策解读",
    "解读",
    "图解",
    "解读材料",
    "相关解读材料",
    "视频解读",
    "文字解读",
    "图文解读",
    "解读文章",
];
const POLICY_MARKERS: &[&str] = &[
    "原文链接",
    "政策原文",
    "相关文件",
    "相关政策",
    "文件原文",
    "原文",
    "解读文件",
    "被解读文件",
    "政策文件",
    "原文件",
];
const ATTACHMENT_MARKERS: &[&str] = &["附件", "相关附件", "附件下载", "附件列表"];

/// Extensions taken as attachments when linked from the body or an 附件 list.
pub const ATTACHMENT_EXTENSIONS: &[&str] =
    &["pdf", "doc", "docx", "xls", "xlsx", "ofd", "zip", "png", "jpg", "jpeg", "gif", "webp", "mp3", "mp4"];

/// Content containers of common government CMSs, most specific first.
const BODY_SELECTORS: &[&str] = &[
    ".TRS_Editor",
    ".trs_editor_view",
    "#UCAP-CONTENT",
    "#zoom",
    ".zoom",
    "#zoomcon",
    ".article-content",
    "#article-content",
    ".article_content",
    ".pages_content",
    ".wzy_content",
    ".news_content",
    ".con_text",
    "#js_content",
    ".zwnr",
    ".xl_content",
];

/// Meta tags government CMSs write, and the field each fills.
const META_FIELDS: &[(&str, HeaderField)] = &[
    ("articletitle", HeaderField::Title),
    ("pubdate", HeaderField::Published),
    ("firstpublishedtime", HeaderField::Published),
    ("contentsource", HeaderField::Publisher),
    ("keywords", HeaderField::Keywords),
    ("description", HeaderField::Summary),
];

fn marker_of(text: &str, markers: &[&str]) -> bool {
    let t = labels::normalize_label(text.trim_matches(|c: char| c.is_whitespace() || "【】[]()（）：:·•".contains(c)));
    let t = t.trim_matches(|c: char| "【】[]()（）：:".contains(c));
    markers.contains(&t)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Marker {
    Interpretations,
    Policies,
    Attachments,
}

/// Reads a detail page. `selectors` are the column's, then the profile's.
pub fn detail_page(html: &str, url: &Url, column: &Selectors, profile: &Selectors) -> DetailPage {
    let doc = Html::parse_document(html);
    let base = base_url(&doc, url);
    let mut out = DetailPage::default();
    let mut skip: HashSet<NodeId> = HashSet::new();

    // meta tags
    let meta_sel = Selector::parse("meta[name][content]").expect("static selector");
    for m in doc.select(&meta_sel) {
        let name = m.value().attr("name").unwrap_or("").trim().to_ascii_lowercase();
        let content = squash(m.value().attr("content").unwrap_or(""));
        if !content.is_empty() {
            out.meta.entry(name).or_insert(content);
        }
    }
    out.canonical = out.meta.get("url").and_then(|u| resolve(&base, u));

    // 1. selectors from the profile
    for f in HeaderField::ALL {
        if let Some(sel) = column.field(f).or(profile.field(f))
            && let Some(v) = select_value(&doc, sel)
        {
            out.fields.insert(f, (v, Source::Selector));
        }
    }

    // the content container
    let body = column
        .body
        .as_ref()
        .or(profile.body.as_ref())
        .and_then(|s| doc.select(&s.selector).next())
        .or_else(|| default_body(&doc));

    // 2. label cells anywhere: an element whose whole text is a label; the value follows it
    for el in doc.root_element().descendent_elements() {
        if !matches!(
            el.value().name(),
            "td" | "th"
                | "span"
                | "b"
                | "strong"
                | "label"
                | "dt"
                | "em"
                | "i"
                | "font"
                | "div"
                | "li"
                | "p"
                | "h4"
                | "h5"
                | "h6"
                | "dd"
        ) {
            continue;
        }
        if el.value().name() != "td"
            && el.child_elements().any(|c| !matches!(c.value().name(), "br" | "font" | "span" | "b" | "strong"))
        {
            continue;
        }
        let text = plain_text(el);
        let Some(field) = labels::cell_label(&text) else { continue };
        let Some((value, holder)) = value_after(el) else { continue };
        if field.is_date() && labels::parse_date(&value).is_none() {
            continue;
        }
        out.fields.entry(field).or_insert((value, Source::LabelCell));
        // the header block is not part of the body
        if let Some(h) = holder {
            skip.insert(h);
        }
    }

    // 3. labels in running text, outside the body
    let body_id = body.map(|b| b.id());
    for el in doc.root_element().descendent_elements() {
        if !matches!(el.value().name(), "p" | "div" | "span" | "li" | "td" | "section") {
            continue;
        }
        if body_id.is_some_and(|b| el.id() == b || el.ancestors().any(|a| a.id() == b)) {
            continue;
        }
        // only the innermost blocks: a block whose child blocks hold the text is skipped
        if el.child_elements().any(|c| matches!(c.value().name(), "p" | "div" | "li" | "table" | "ul")) {
            continue;
        }
        let text = plain_text(el);
        for line in text.lines() {
            for l in labels::scan_running_text(line) {
                if l.field.is_date() && labels::parse_date(&l.value).is_none() {
                    continue;
                }
                let found = out.fields.entry(l.field).or_insert((l.value, Source::RunningText));
                let _ = found;
            }
        }
    }

    // 4. meta tags
    for (name, field) in META_FIELDS {
        if let Some(v) = out.meta.get(*name) {
            if field.is_date() && labels::parse_date(v).is_none() {
                continue;
            }
            out.fields.entry(*field).or_insert((v.clone(), Source::Meta));
        }
    }

    // 5. a title from the page's heading or <title>
    if let std::collections::btree_map::Entry::Vacant(slot) = out.fields.entry(HeaderField::Title) {
        let h1 = Selector::parse("h1, .article-title, .title h2, h2.title").expect("static selector");
        let title = doc
            .select(&h1)
            .map(|e| squash(&plain_text(e)))
            .find(|t| !t.is_empty() && t.chars().count() <= 200)
            .or_else(|| {
                let t = Selector::parse("title").expect("static selector");
                doc.select(&t).next().map(|e| strip_site_name(&squash(&plain_text(e)))).filter(|t| !t.is_empty())
            });
        if let Some(t) = title {
            slot.insert((t, Source::Fallback));
        }
    }

    // related links and attachments, by the markers before them
    let mut related = related_links(&doc, &base, body_id);
    for (marker, u, text, holder) in related.drain(..) {
        match marker {
            Marker::Interpretations => {
                if looks_like_page(&u) {
                    push_unique(&mut out.interpretations, u);
                }
            }
            Marker::Policies => {
                if looks_like_page(&u) {
                    push_unique(&mut out.policies, u);
                }
            }
            Marker::Attachments => push_attachment(&mut out.attachments, text, u),
        }
        skip.insert(holder);
    }

    if let Some(body) = body {
        // attachments linked in the body
        let anchor = Selector::parse("a[href]").expect("static selector");
        for a in body.select(&anchor) {
            let Some(u) = a.value().attr("href").and_then(|h| resolve(&base, h)) else { continue };
            let text = squash(&plain_text(a));
            let ext = extension(&u).or_else(|| text.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()));
            if ext
                .is_some_and(|e| ATTACHMENT_EXTENSIONS.contains(&e.as_str()) && !PAGE_EXTENSIONS.contains(&e.as_str()))
            {
                push_attachment(&mut out.attachments, text, u);
                // a paragraph that only lists the attachment (附件：1.补贴标准表.pdf) leaves the body
                if let Some(block) = a
                    .ancestors()
                    .filter_map(ElementRef::wrap)
                    .take_while(|e| e.id() != body.id())
                    .find(|e| matches!(e.value().name(), "p" | "li" | "div" | "td"))
                    && only_links(block)
                {
                    skip.insert(block.id());
                }
            }
        }
        let converted = markdown::convert(body, &skip);
        out.body = converted.markdown;
        let mut kept = Vec::new();
        for (src, alt) in converted.images {
            kept.push((resolve(&base, &src), alt));
        }
        out.images = kept;
    }
    out
}

/// Whether a block holds nothing but links and the word 附件 with numbering and punctuation.
fn only_links(block: ElementRef<'_>) -> bool {
    let anchor = Selector::parse("a").expect("static selector");
    let mut rest = squash(&plain_text(block));
    for a in block.select(&anchor) {
        rest = rest.replacen(&squash(&plain_text(a)), "", 1);
    }
    rest.replace("附件", "").chars().all(|c| !c.is_alphanumeric() || c.is_ascii_digit())
}

fn push_unique(list: &mut Vec<Url>, u: Url) {
    if !list.contains(&u) {
        list.push(u);
    }
}

fn push_attachment(list: &mut Vec<(String, Url)>, text: String, u: Url) {
    if list.iter().any(|(_, l)| *l == u) {
        return;
    }
    let title = text
        .trim_start_matches(|c: char| c == '附' || c == '件' || c.is_ascii_digit() || "：:.、 ".contains(c))
        .trim()
        .to_string();
    // 补贴标准表.pdf → 补贴标准表 (the kiosk shows the type itself)
    let title = match title.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ATTACHMENT_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()) => {
            stem.to_string()
        }
        _ => title,
    };
    let title = if title.is_empty() {
        u.path_segments().and_then(|mut s| s.next_back().map(str::to_string)).unwrap_or_else(|| "附件".to_string())
    } else {
        title
    };
    list.push((title, u));
}

/// `标题_望川区人民政府` → `标题`.
fn strip_site_name(title: &str) -> String {
    for sep in ["_", " - ", "｜", "|", "—"] {
        if let Some((head, _)) = title.split_once(sep)
            && head.chars().count() >= 4
        {
            return head.trim().to_string();
        }
    }
    title.to_string()
}

fn select_value(doc: &Html, sel: &FieldSelector) -> Option<String> {
    let el = doc.select(&sel.selector).next()?;
    let v = match &sel.attr {
        Some(a) => squash(el.value().attr(a)?),
        None => squash(&plain_text(el)),
    };
    // a selected cell that still carries its label: 发布机构：望川区民政局
    let v = match v.split_once(['：', ':']) {
        Some((head, tail)) if labels::cell_label(&format!("{head}：")).is_some() => tail.trim().to_string(),
        _ => v,
    };
    (!v.is_empty()).then_some(v)
}

/// The value after a label element: the next non-empty sibling (a cell, or text), else the
/// text of the parent's next sibling. Also returns the element holding the header (the table,
/// or the label's parent) so the body can leave it out.
fn value_after(label: ElementRef<'_>) -> Option<(String, Option<NodeId>)> {
    let holder = label
        .ancestors()
        .filter_map(ElementRef::wrap)
        .find(|a| matches!(a.value().name(), "table" | "ul" | "dl" | "div" | "p"))
        .map(|h| h.id());
    let mut value = String::new();
    for sib in label.next_siblings() {
        match sib.value() {
            Node::Text(t) => {
                value.push_str(t);
                if !value.trim().is_empty() && labels::scan_running_text(&value).is_empty() {
                    // text up to the next label element
                    continue;
                }
            }
            Node::Element(_) => {
                let Some(e) = ElementRef::wrap(sib) else { continue };
                let t = plain_text(e);
                if labels::cell_label(&t).is_some() {
                    break;
                }
                if e.value().name() == "br" {
                    if value.trim().is_empty() {
                        continue;
                    }
                    break;
                }
                value.push_str(&t);
                if !value.trim().is_empty() {
                    break;
                }
            }
            _ => {}
        }
    }
    let mut v = squash(&value);
    if v.is_empty() {
        // <div><b>索引号</b></div><div>…</div>
        let parent = label.parent().and_then(ElementRef::wrap)?;
        if parent.child_elements().count() == 1 {
            let next = parent.next_siblings().find_map(ElementRef::wrap)?;
            let t = plain_text(next);
            if labels::cell_label(&t).is_none() {
                v = squash(&t);
            }
        }
    }
    let v = v.trim_start_matches([':', '：']).trim().to_string();
    (!v.is_empty() && v.chars().count() <= 300).then_some((v, holder))
}

/// The content container when the profile names none: a known CMS container with text, else the
/// element whose own paragraphs hold the most text.
fn default_body(doc: &Html) -> Option<ElementRef<'_>> {
    for s in BODY_SELECTORS {
        let sel = Selector::parse(s).expect("static selector");
        let img = Selector::parse("img").expect("static selector");
        // text, or a picture (a 图解 is mainly an image)
        let has_content = |e: &ElementRef<'_>| {
            plain_text(*e).chars().filter(|c| !c.is_whitespace()).count() >= 10 || e.select(&img).next().is_some()
        };
        if let Some(el) = doc.select(&sel).find(has_content) {
            return Some(el);
        }
    }
    let mut best: Option<(usize, ElementRef<'_>)> = None;
    for el in doc.root_element().descendent_elements() {
        if !matches!(el.value().name(), "div" | "article" | "section" | "td" | "main") || markdown::is_chrome(el) {
            continue;
        }
        let mut score = 0;
        for child in el.children() {
            match child.value() {
                Node::Text(t) => score += t.trim().chars().count(),
                Node::Element(e)
                    if matches!(
                        e.name(),
                        "p" | "h2" | "h3" | "h4" | "ul" | "ol" | "table" | "span" | "font" | "strong"
                    ) =>
                {
                    if let Some(c) = ElementRef::wrap(child) {
                        score += plain_text(c).trim().chars().count();
                    }
                }
                _ => {}
            }
        }
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, el));
        }
    }
    best.filter(|(s, _)| *s > 0).map(|(_, e)| e)
}

/// Links after a marker (相关解读, 原文链接, 附件) inside the marker's section: the marker's text
/// node's element, widened while that element holds nothing but the marker. Markers inside
/// links (breadcrumbs) are not markers; 相关解读 counts only from the body on (a column menu
/// above the content often names 政策解读).
fn related_links(doc: &Html, base: &Url, body: Option<NodeId>) -> Vec<(Marker, Url, String, NodeId)> {
    let mut out = Vec::new();
    let mut active: Vec<(Marker, NodeId)> = Vec::new();
    let mut in_anchor = 0usize;
    let mut body_seen = body.is_none();
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(node) => {
                if Some(node.id()) == body {
                    body_seen = true;
                }
                match node.value() {
                    Node::Element(e) if e.name() == "a" => {
                        in_anchor += 1;
                        if let Some((marker, scope)) = active.last().copied()
                            && let Some(u) = e.attr("href").and_then(|h| resolve(base, h))
                            && let Some(a) = ElementRef::wrap(node)
                        {
                            out.push((marker, u, squash(&plain_text(a)), scope));
                        }
                    }
                    Node::Text(t) if in_anchor == 0 => {
                        let marker = if marker_of(t, POLICY_MARKERS) {
                            Some(Marker::Policies)
                        } else if marker_of(t, ATTACHMENT_MARKERS) {
                            Some(Marker::Attachments)
                        } else if body_seen && marker_of(t, INTERPRETATION_MARKERS) {
                            Some(Marker::Interpretations)
                        } else {
                            None
                        };
                        if let Some(m) = marker {
                            let mut scope = node.parent().and_then(ElementRef::wrap);
                            while let Some(s) = scope {
                                if marker_of(&plain_text(s), INTERPRETATION_MARKERS)
                                    || marker_of(&plain_text(s), POLICY_MARKERS)
                                    || marker_of(&plain_text(s), ATTACHMENT_MARKERS)
                                {
                                    scope = s.parent().and_then(ElementRef::wrap);
                                } else {
                                    break;
                                }
                            }
                            if let Some(s) = scope
                                && !markdown::is_chrome(s)
                                && s.value().name() != "body"
                            {
                                active.push((m, s.id()));
                            }
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if let Node::Element(e) = node.value()
                    && e.name() == "a"
                {
                    in_anchor = in_anchor.saturating_sub(1);
                }
                while active.last().is_some_and(|(_, s)| *s == node.id()) {
                    active.pop();
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(html: &str) -> DetailPage {
        detail_page(
            html,
            &Url::parse("https://www.example.gov.cn/zwgk/zcwj/202403/t1.html").unwrap(),
            &Selectors::default(),
            &Selectors::default(),
        )
    }

    #[test]
    fn header_table_with_label_cells() {
        let p = page(
            r#"<html><head><title>办法_望川区人民政府</title></head><body>
            <div class="nav"><a href="/">首页</a> &gt; <a href="/zcjd/">政策解读</a></div>
            <table class="xxgk"><tr><td>索 引 号：</td><td>11459901WC/2024-00015</td><td>主题分类：</td><td>民政/社会福利</td></tr>
            <tr><td>发布机构：</td><td>望川区民政局</td><td>成文日期：</td><td>2024年03月05日</td></tr>
            <tr><td>标　　题：</td><td colspan="3">望川区社区老年助餐服务实施办法</td></tr>
            <tr><td>发文字号：</td><td>望民发〔2024〕7号</td><td>发布日期：</td><td>2024-03-12</td></tr></table>
            <div class="TRS_Editor"><p>　　第一条 为了……</p><p>附件：<a href="./P020240312.pdf">补贴标准表.pdf</a></p></div>
            <div class="xgjd"><h3>相关解读</h3><ul><li><a href="../../zcjd/202403/t2.html">一图读懂</a></li></ul></div>
            <div class="share">扫一扫在手机打开当前页</div></body></html>"#,
        );
        let f = |k| p.fields.get(&k).map(|(v, _)| v.as_str());
        assert_eq!(f(HeaderField::IndexNo), Some("11459901WC/2024-00015"));
        assert_eq!(f(HeaderField::Category), Some("民政/社会福利"));
        assert_eq!(f(HeaderField::Publisher), Some("望川区民政局"));
        assert_eq!(f(HeaderField::Written), Some("2024年03月05日"));
        assert_eq!(f(HeaderField::Title), Some("望川区社区老年助餐服务实施办法"));
        assert_eq!(f(HeaderField::DocNo), Some("望民发〔2024〕7号"));
        assert_eq!(f(HeaderField::Published), Some("2024-03-12"));
        assert!(p.body.starts_with("第一条 为了"), "{}", p.body);
        assert!(!p.body.contains("索引号") && !p.body.contains("扫一扫"), "{}", p.body);
        assert_eq!(p.attachments.len(), 1);
        assert_eq!(p.attachments[0].0, "补贴标准表");
        assert!(!p.body.contains("附件"), "{}", p.body);
        assert_eq!(p.interpretations[0].as_str(), "https://www.example.gov.cn/zwgk/zcjd/202403/t2.html");
    }

    #[test]
    fn labels_in_running_text_and_policy_link() {
        let p = page(
            r#"<html><head><meta name="ColumnName" content="政策解读"></head><body>
            <h1>《望川区社区老年助餐服务实施办法》解读</h1>
            <div class="info">發布時間：2024-03-15 10:30　　來源：望川区民政局　　浏览次数：12</div>
            <div id="zoom"><p>一、起草背景</p><p>原文链接：<a href="/zwgk/zcwj/202403/t1.html">望川区社区老年助餐服务实施办法</a></p></div>
            </body></html>"#,
        );
        let f = |k| p.fields.get(&k).map(|(v, s)| (v.as_str(), *s));
        assert_eq!(f(HeaderField::Title), Some(("《望川区社区老年助餐服务实施办法》解读", Source::Fallback)));
        assert_eq!(f(HeaderField::Published), Some(("2024-03-15 10:30", Source::RunningText)));
        assert_eq!(f(HeaderField::Publisher), Some(("望川区民政局", Source::RunningText)));
        assert_eq!(p.policies[0].path(), "/zwgk/zcwj/202403/t1.html");
        assert_eq!(p.meta.get("columnname").map(String::as_str), Some("政策解读"));
        assert_eq!(p.body, "一、起草背景");
    }

    /// Damaged and random pages: whatever comes in, reading it never panics.
    #[test]
    fn no_input_panics() {
        let pieces: &[&str] = &[
            "<table><tr><td>索 引 号：",
            "</td><td>",
            "发布日期：2024年13月45日",
            "<div class=\"TRS_Editor\">",
            "<p>",
            "</p>",
            "<img src=\"::\">",
            "<a href=\"javascript:x\">附件.pdf</a>",
            "相关解读",
            "<ul><li>",
            "原文链接：",
            "<a href=\"../../../x.html\">",
            "發布機構：",
            "：：：",
            "\u{3000}\u{3000}",
            "<ruby>字<rt>",
            "<base href=\"http://[::1\">",
            "<meta name=PubDate content=\"2024-02-30\">",
            "2024/1/1",
            "<br>",
            "<script>",
            "</div>",
            "</table>",
            "𠮷",
            "<h1>",
            "|",
            "**",
            "\u{E000}3\u{E001}",
            "<th colspan=999>",
        ];
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let url = Url::parse("https://www.example.gov.cn/a/b/c.html").unwrap();
        let column = super::super::profile::Profile::parse(
            "p.toml",
            "name='x'\nportal='https://www.example.gov.cn/'\n[[columns]]\nname='a'\nstart='a/index.html'\n",
            std::path::Path::new("."),
        )
        .unwrap()
        .columns
        .remove(0);
        for _ in 0..300 {
            let mut html = String::new();
            for _ in 0..(seed % 60) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                html.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            let _ = detail_page(&html, &url, &Selectors::default(), &Selectors::default());
            let _ = list_page(&html, &url, &column);
            for line in html.lines() {
                let _ = labels::scan_running_text(line);
                let _ = labels::parse_date(line);
            }
        }
    }

    #[test]
    fn list_page_links_dates_and_next() {
        let column = super::super::profile::Profile::parse(
            "p.toml",
            "name='x'\nportal='https://www.example.gov.cn/'\n[[columns]]\nname='a'\nstart='zcwj/index.html'\n",
            std::path::Path::new("."),
        )
        .unwrap()
        .columns
        .remove(0);
        let l = list_page(
            r#"<html><head><base href="https://www.example.gov.cn/zcwj/"></head><body>
            <ul class="menu"><li><a href="/about.html">关于我们</a></li></ul>
            <ul class="list"><li><a href="./202403/t1.html" title="望川区社区老年助餐服务实施办法">望川区社区老年助餐…</a><span>2024-03-12</span></li>
            <li><a href="202402/t0.html#top">另一份文件</a><span>2024年02月01日</span></li></ul>
            <div class="page"><a href="index_1.html">下一页</a></div></body></html>"#,
            &Url::parse("https://www.example.gov.cn/zcwj/index.html").unwrap(),
            &column,
        );
        assert_eq!(l.links.len(), 2, "{l:?}");
        assert_eq!(l.links[0].url, "https://www.example.gov.cn/zcwj/202403/t1.html");
        assert_eq!(l.links[0].title, "望川区社区老年助餐服务实施办法");
        assert_eq!(l.links[1].url, "https://www.example.gov.cn/zcwj/202402/t0.html");
        assert_eq!(l.links[1].date, NaiveDate::from_ymd_opt(2024, 2, 1));
        assert_eq!(l.next.as_deref(), Some("https://www.example.gov.cn/zcwj/index_1.html"));
    }
}
