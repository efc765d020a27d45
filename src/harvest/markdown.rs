//! A portal page's content container → the Markdown body of a source document: headings,
//! paragraphs, bold and italic, lists, tables and images; without scripts, navigation, share
//! and print buttons, "扫一扫在手机打开当前页" and the parts the harvester turned into fields.

use std::collections::HashSet;

use ego_tree::NodeId;
use scraper::{ElementRef, Node};

/// What the converter found besides the text.
#[derive(Debug, Default)]
pub struct Converted {
    pub markdown: String,
    /// Images in order: (src as written, alt); the Markdown holds [`image_placeholder`]`(n)`
    /// where each goes.
    pub images: Vec<(String, String)>,
}

/// The marker the Markdown carries where image `n` goes once it is downloaded (replaced by
/// [`image_markup`], or by nothing if the image could not be had).
pub fn image_placeholder(n: usize) -> String {
    format!("\u{E000}{n}\u{E001}")
}

/// `![alt](path)` with the alt text escaped.
pub fn image_markup(alt: &str, path: &str) -> String {
    format!("![{}]({})", escape(alt), path.replace(' ', "%20"))
}

/// A `<br>` inside a paragraph (the HTML source's own line breaks are only white space).
const LINE_BREAK: char = '\u{E002}';

/// Elements never part of a body.
const SKIP_TAGS: &[&str] = &[
    "script", "style", "noscript", "iframe", "form", "button", "input", "select", "textarea", "nav", "header",
    "footer", "object", "embed", "svg", "canvas", "template", "audio", "video", "map", "head", "title", "meta", "link",
];

/// Class or id words of a portal's chrome.
const CHROME_WORDS: &[&str] = &[
    "share",
    "bdshare",
    "fenxiang",
    "print",
    "close",
    "breadcrumb",
    "crumb",
    "position",
    "location",
    "pagination",
    "toolbar",
    "qrcode",
    "ewm",
    "erweima",
    "wxcode",
    "fontsize",
    "font-size",
    "zihao",
    "sharebox",
    "navbar",
    "menu",
];

/// Texts of chrome that sits inside content containers.
const CHROME_TEXTS: &[&str] = &[
    "扫一扫在手机打开当前页",
    "扫一扫在手机上查看当前页面",
    "用手机扫描二维码",
    "分享到",
    "打印本页",
    "【打印本页】",
    "【关闭窗口】",
    "关闭窗口",
    "【打印】",
    "【关闭】",
    "[打印]",
    "[关闭]",
    "字号：",
    "【字体：",
    "字体：大中小",
    "浏览次数",
    "访问量",
    "收藏本页",
    "打印正文",
];

/// Whether an element is chrome by its tag, class or id, or by a short text such as 打印本页.
pub fn is_chrome(el: ElementRef<'_>) -> bool {
    let v = el.value();
    if SKIP_TAGS.contains(&v.name()) {
        return true;
    }
    let names = format!("{} {}", v.attr("class").unwrap_or(""), v.attr("id").unwrap_or("")).to_ascii_lowercase();
    if !names.trim().is_empty()
        && names
            .split(|c: char| c.is_whitespace() || c == '_' || c == '-')
            .any(|w| CHROME_WORDS.iter().any(|c| w == *c || (c.len() > 4 && w.starts_with(c))))
    {
        return true;
    }
    // only short texts are chrome: stop reading past 400 bytes (a container's whole text)
    let mut text = String::new();
    if !collect_text_upto(el, &mut text, 400) {
        return false;
    }
    let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    squeezed.chars().count() <= 40 && CHROME_TEXTS.iter().any(|c| squeezed.contains(c))
}

/// An element's text as a reader sees it: ruby annotations as 字（zì）, `<rp>`, scripts and
/// styles left out, `<br>` as a line break.
pub fn plain_text(el: ElementRef<'_>) -> String {
    let mut out = String::new();
    collect_text(el, &mut out);
    out
}

fn collect_text(el: ElementRef<'_>, out: &mut String) {
    for child in el.children() {
        match child.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) => {
                let Some(c) = ElementRef::wrap(child) else { continue };
                match e.name() {
                    "script" | "style" | "rp" | "noscript" | "template" => {}
                    "br" => out.push('\n'),
                    "rt" => {
                        let mut ann = String::new();
                        collect_text(c, &mut ann);
                        let ann = ann.trim();
                        if !ann.is_empty() {
                            out.push('（');
                            out.push_str(ann);
                            out.push('）');
                        }
                    }
                    "p" | "div" | "li" | "tr" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                        out.push('\n');
                        collect_text(c, out);
                        out.push('\n');
                    }
                    "td" | "th" => {
                        collect_text(c, out);
                        out.push('\t');
                    }
                    _ => collect_text(c, out),
                }
            }
            _ => {}
        }
    }
}

/// Appends `el`'s text (as [`plain_text`] reads it) while it stays within `limit` bytes; false
/// when it is longer.
fn collect_text_upto(el: ElementRef<'_>, out: &mut String, limit: usize) -> bool {
    for child in el.children() {
        if out.len() > limit {
            return false;
        }
        match child.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) => {
                if matches!(e.name(), "script" | "style" | "rp" | "noscript" | "template") {
                    continue;
                }
                if let Some(c) = ElementRef::wrap(child)
                    && !collect_text_upto(c, out, limit)
                {
                    return false;
                }
            }
            _ => {}
        }
    }
    out.len() <= limit
}

/// Collapses whitespace as a browser does, and drops what a browser shows as a space but a
/// Chinese reader does not: a line break of the HTML source between two Chinese characters.
pub fn squash(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    let mut pending_newline = false;
    for c in text.chars() {
        if c.is_whitespace() || c == '\u{a0}' {
            if !out.is_empty() {
                pending_space = true;
                pending_newline |= c == '\n' || c == '\r';
            }
            continue;
        }
        if pending_space {
            let prev = out.chars().next_back().unwrap_or(' ');
            if !(pending_newline && is_wide(prev) && is_wide(c)) {
                out.push(' ');
            }
            pending_space = false;
            pending_newline = false;
        }
        out.push(c);
    }
    out
}

fn is_wide(c: char) -> bool {
    crate::text::fold::is_cjk(c)
        || ('\u{3000}'..='\u{303F}').contains(&c)
        || ('\u{FF00}'..='\u{FFEF}').contains(&c)
        || ('\u{2014}'..='\u{2026}').contains(&c)
}

/// Converts `root`'s content to Markdown, skipping chrome and the elements in `skip` (the
/// header table, the 相关解读 and 附件 sections already read as fields). Links to attachments
/// (`attachment_links`) become their text.
pub fn convert(root: ElementRef<'_>, skip: &HashSet<NodeId>) -> Converted {
    let mut c = Converter { skip, out: Converted::default(), blocks: Vec::new() };
    let mut inline = String::new();
    c.children(root, &mut inline);
    c.flush(&mut inline);
    let mut md = c.blocks.join("\n\n");
    md.push('\n');
    c.out.markdown = md.trim().to_string();
    c.out
}

struct Converter<'s> {
    skip: &'s HashSet<NodeId>,
    out: Converted,
    blocks: Vec<String>,
}

impl Converter<'_> {
    fn flush(&mut self, inline: &mut String) {
        let text = finish_inline(inline);
        if !text.is_empty() {
            self.blocks.push(text);
        }
        inline.clear();
    }

    fn children(&mut self, el: ElementRef<'_>, inline: &mut String) {
        for child in el.children() {
            match child.value() {
                Node::Text(t) => inline.push_str(&escape(t)),
                Node::Element(_) => {
                    if let Some(e) = ElementRef::wrap(child) {
                        self.element(e, inline);
                    }
                }
                _ => {}
            }
        }
    }

    fn element(&mut self, el: ElementRef<'_>, inline: &mut String) {
        if self.skip.contains(&el.id()) || is_chrome(el) || is_hidden(el) {
            return;
        }
        let name = el.value().name();
        match name {
            "br" => inline.push(LINE_BREAK),
            "p" | "div" | "section" | "article" | "center" | "main" | "aside" | "dd" | "dt" | "dl" | "figure"
            | "figcaption" | "address" | "pre" => {
                self.flush(inline);
                self.children(el, inline);
                self.flush(inline);
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                self.flush(inline);
                let level = name[1..].parse::<usize>().unwrap_or(2).clamp(2, 6);
                let mut text = String::new();
                self.children(el, &mut text);
                let text = finish_inline(&text.replace(LINE_BREAK, " ")).replace("  \n", " ");
                if !text.is_empty() {
                    self.blocks.push(format!("{} {text}", "#".repeat(level)));
                }
            }
            "ul" | "ol" => {
                self.flush(inline);
                let ordered = name == "ol";
                let mut n = 0;
                for li in el.child_elements() {
                    if self.skip.contains(&li.id()) || is_chrome(li) {
                        continue;
                    }
                    let mut item = String::new();
                    let mut sub = Converter { skip: self.skip, out: Converted::default(), blocks: Vec::new() };
                    sub.children(li, &mut item);
                    sub.flush(&mut item);
                    self.out.images.extend(renumber(&mut sub, self.out.images.len()));
                    let text = sub.blocks.join(" ").replace('\n', " ");
                    if text.trim().is_empty() {
                        continue;
                    }
                    n += 1;
                    let bullet = if ordered { format!("{n}. ") } else { "- ".to_string() };
                    self.blocks.push(format!("{bullet}{}", text.trim()));
                }
                // keep consecutive items in one list
                self.join_list_items(n);
            }
            "table" => {
                self.flush(inline);
                if let Some(t) = self.table(el) {
                    self.blocks.push(t);
                }
            }
            "blockquote" => {
                self.flush(inline);
                let mut sub = Converter { skip: self.skip, out: Converted::default(), blocks: Vec::new() };
                let mut text = String::new();
                sub.children(el, &mut text);
                sub.flush(&mut text);
                self.out.images.extend(renumber(&mut sub, self.out.images.len()));
                for b in sub.blocks {
                    self.blocks.push(b.lines().map(|l| format!("> {l}")).collect::<Vec<_>>().join("\n"));
                }
            }
            "hr" => {
                self.flush(inline);
                self.blocks.push("---".to_string());
            }
            "img" => {
                let src = el.value().attr("src").or(el.value().attr("data-src")).unwrap_or("").trim();
                if !src.is_empty() && !src.starts_with("data:") {
                    let alt = squash(el.value().attr("alt").or(el.value().attr("title")).unwrap_or(""));
                    let n = self.out.images.len();
                    self.out.images.push((src.to_string(), alt.clone()));
                    // an image stands in a paragraph of its own
                    self.flush(inline);
                    self.blocks.push(image_placeholder(n));
                }
            }
            "strong" | "b" => wrap(self, el, inline, "**"),
            "em" | "i" => wrap(self, el, inline, "*"),
            "rt" => {
                let ann = squash(&plain_text(el));
                if !ann.is_empty() {
                    inline.push_str(&format!("（{}）", escape(&ann)));
                }
            }
            "rp" => {}
            _ => self.children(el, inline),
        }
    }

    /// Each `<li>` was pushed as its own block; join the last `n` into one list block.
    fn join_list_items(&mut self, n: usize) {
        if n > 1 {
            let at = self.blocks.len() - n;
            let items: Vec<String> = self.blocks.drain(at..).collect();
            self.blocks.push(items.join("\n"));
        }
    }

    fn table(&mut self, el: ElementRef<'_>) -> Option<String> {
        let mut rows: Vec<Vec<String>> = Vec::new();
        for tr in el.descendent_elements().filter(|e| e.value().name() == "tr") {
            // rows of nested tables belong to their own table
            if tr.ancestors().filter_map(ElementRef::wrap).find(|a| a.value().name() == "table").map(|t| t.id())
                != Some(el.id())
            {
                continue;
            }
            let mut cells = Vec::new();
            for cell in tr.child_elements().filter(|c| matches!(c.value().name(), "td" | "th")) {
                let mut sub = Converter { skip: self.skip, out: Converted::default(), blocks: Vec::new() };
                let mut text = String::new();
                sub.children(cell, &mut text);
                sub.flush(&mut text);
                self.out.images.extend(renumber(&mut sub, self.out.images.len()));
                let joined = sub.blocks.join(" ").replace('\n', " ").replace('|', "\\|");
                cells.push(joined.trim().to_string());
                let span: usize = cell.value().attr("colspan").and_then(|s| s.trim().parse().ok()).unwrap_or(1);
                for _ in 1..span.clamp(1, 20) {
                    cells.push(String::new());
                }
            }
            if cells.iter().any(|c| !c.is_empty()) {
                rows.push(cells);
            }
        }
        if rows.is_empty() {
            return None;
        }
        // a one-cell "table" (layout) is just its text
        let width = rows.iter().map(Vec::len).max().unwrap_or(0);
        if width == 1 {
            return Some(rows.into_iter().map(|r| r.join("")).collect::<Vec<_>>().join("\n\n"));
        }
        let mut out = String::new();
        for (i, row) in rows.iter().enumerate() {
            let mut cells = row.clone();
            cells.resize(width, String::new());
            out.push_str("| ");
            out.push_str(&cells.join(" | "));
            out.push_str(" |\n");
            if i == 0 {
                out.push('|');
                out.push_str(&"---|".repeat(width));
                out.push('\n');
            }
        }
        Some(out.trim_end().to_string())
    }
}

/// Moves a sub-converter's images into the parent's numbering: its placeholders are renumbered
/// from `offset`.
fn renumber(sub: &mut Converter<'_>, offset: usize) -> Vec<(String, String)> {
    if offset > 0 {
        for b in &mut sub.blocks {
            for n in (0..sub.out.images.len()).rev() {
                *b = b.replace(&image_placeholder(n), &image_placeholder(n + offset));
            }
        }
    }
    std::mem::take(&mut sub.out.images)
}

fn wrap(c: &mut Converter<'_>, el: ElementRef<'_>, inline: &mut String, mark: &str) {
    let mut inner = String::new();
    c.children(el, &mut inner);
    let trimmed = inner.trim();
    if trimmed.is_empty() {
        inline.push_str(&inner);
    } else if trimmed.contains('\u{E000}') || trimmed.contains(LINE_BREAK) {
        inline.push_str(trimmed);
    } else {
        inline.push_str(mark);
        inline.push_str(trimmed);
        inline.push_str(mark);
    }
}

fn is_hidden(el: ElementRef<'_>) -> bool {
    let style = el.value().attr("style").unwrap_or("").to_ascii_lowercase().replace(' ', "");
    style.contains("display:none") || style.contains("visibility:hidden") || el.value().attr("hidden").is_some()
}

/// Markdown's special characters in text, escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '_' | '[' | ']' | '<' | '>' | '`' | '#' | '|' | '~') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// One paragraph's inline text: whitespace collapsed per line, the Chinese indent (　　) and
/// empty lines dropped, a line that would read as a list or heading escaped.
fn finish_inline(inline: &str) -> String {
    let mut lines = Vec::new();
    for line in inline.split(LINE_BREAK) {
        let l = squash(line);
        let l = l.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}' || c == '\u{a0}');
        // a bold run left empty by the trim
        if l.is_empty() || l == "****" || l == "**" {
            continue;
        }
        lines.push(escape_line_start(l));
    }
    lines.join("  \n")
}

fn escape_line_start(line: &str) -> String {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && line[digits..].starts_with(['.', ')']) {
        return format!("{}\\{}", &line[..digits], &line[digits..]);
    }
    if line.starts_with(['-', '+', '=']) {
        return format!("\\{line}");
    }
    line.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::{Html, Selector};

    fn md(html: &str) -> Converted {
        let doc = Html::parse_document(html);
        let body = doc.select(&Selector::parse("#c").unwrap()).next().unwrap();
        convert(body, &HashSet::new())
    }

    #[test]
    fn paragraphs_lists_tables_and_chrome() {
        let c = md(r#"<div id="c">
            <h2>第一章 总则</h2>
            <p>　　<strong>第一条</strong> 为解决老年人
            “吃饭难”问题，制定本办法。</p>
            <script>var a = 1;</script>
            <div class="bdshare">分享到：微信</div>
            <p>扫一扫在手机打开当前页</p>
            <ul><li>一、助餐点</li><li>二、补贴</li></ul>
            <table><tr><th>类别</th><th>标准</th></tr><tr><td>特困</td><td>每餐 8 元</td></tr></table>
            <p><img src="../images/chart.png" alt="图解"></p>
            <p>1. 不是列表</p>
        </div>"#);
        assert_eq!(
            c.markdown,
            "## 第一章 总则\n\n**第一条** 为解决老年人“吃饭难”问题，制定本办法。\n\n- 一、助餐点\n- 二、补贴\n\n| 类别 | 标准 |\n|---|---|\n| 特困 | 每餐 8 元 |\n\n\u{E000}0\u{E001}\n\n1\\. 不是列表"
        );
        assert_eq!(c.images, vec![("../images/chart.png".to_string(), "图解".to_string())]);
    }

    #[test]
    fn ruby_annotations_stay_readable() {
        let c = md("<div id=c><p>朝<ruby>阳<rp>(</rp><rt>yáng</rt><rp>)</rp></ruby>社区</p></div>");
        assert_eq!(c.markdown, "朝阳（yáng）社区");
        assert_eq!(crate::text::fold::fold_str(&c.markdown), crate::text::fold::fold_str("朝阳社区"));
    }

    #[test]
    fn markdown_is_read_back_as_written() {
        let c = md("<div id=c><p>a*b_c [x] #1</p><table><tr><td>甲|乙</td><td>丙</td></tr></table></div>");
        let text = crate::content::markdown::plain_text(&c.markdown);
        assert!(text.contains("a*b_c [x] #1"), "{text}");
        assert!(text.contains("甲|乙"), "{text}");
    }
}
