//! Markdown bodies: the block model the reader screen and the PDF layouts draw, the plain text
//! the search index reads, and the images a body refers to.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};

/// A run of text with one style.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inline {
    pub text: String,
    pub strong: bool,
    pub emphasis: bool,
    pub link: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Block {
    Heading { level: u8, text: Vec<Inline> },
    Paragraph(Vec<Inline>),
    List { ordered: bool, items: Vec<Vec<Block>> },
    Table { header: Vec<Vec<Inline>>, rows: Vec<Vec<Vec<Inline>>> },
    Image { src: String, alt: String },
    Quote(Vec<Block>),
    Rule,
}

/// Block quotes and lists nest at most this deep. Import refuses a deeper body (see
/// [`nesting`]); [`blocks`] never builds a deeper tree, so everything that walks blocks (the
/// reader, the PDF layouts) recurses at most this deep whatever it is given.
pub const MAX_NESTING: usize = 16;

/// How deep block quotes and lists nest in `body` (0 for none), counted without recursion.
pub fn nesting(body: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for ev in Parser::new_ext(body, options()) {
        match ev {
            Event::Start(Tag::BlockQuote(_) | Tag::List(_)) => {
                depth += 1;
                max = max.max(depth);
            }
            Event::End(TagEnd::BlockQuote(_) | TagEnd::List(_)) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// An image reference with the byte offset where it appears in the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    pub src: String,
    pub offset: usize,
}

pub fn image_refs(body: &str) -> Vec<ImageRef> {
    Parser::new_ext(body, options())
        .into_offset_iter()
        .filter_map(|(ev, range)| match ev {
            Event::Start(Tag::Image { dest_url, .. }) => {
                Some(ImageRef { src: dest_url.to_string(), offset: range.start })
            }
            _ => None,
        })
        .collect()
}

/// The body as plain text, one block per line, for search and voice reading.
pub fn plain_text(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    for ev in Parser::new_ext(body, options()) {
        match ev {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableRow | TagEnd::TableHead,
            ) => out.push('\n'),
            Event::End(TagEnd::TableCell) => out.push('\t'),
            _ => {}
        }
    }
    out.trim_end().to_string()
}

/// Parses a body into blocks.
pub fn blocks(body: &str) -> Vec<Block> {
    // the root frame exists from the start: a body that opens with a list gives its first item
    // a frame of its own
    let mut b = Builder { frames: vec![Frame::default()], ..Builder::default() };
    for ev in Parser::new_ext(body, options()) {
        b.event(ev);
    }
    b.finish()
}

/// A container being filled: the root, a list item, a quote.
#[derive(Default)]
struct Frame {
    blocks: Vec<Block>,
}

/// A table being read: header cells, body rows of cells, and whether the header is done.
type OpenTable = (Vec<Vec<Inline>>, Vec<Vec<Vec<Inline>>>, bool);

#[derive(Default)]
struct Builder {
    frames: Vec<Frame>,
    /// Open lists: ordered flag and finished items.
    lists: Vec<(bool, Vec<Vec<Block>>)>,
    inlines: Option<Vec<Inline>>,
    heading: Option<u8>,
    strong: u32,
    emphasis: u32,
    link: Vec<String>,
    image: Option<(String, String)>,
    table: Option<OpenTable>,
    row: Vec<Vec<Inline>>,
    /// Open quotes, lists and items, each with whether it was built as a block of its own
    /// (false beyond [`MAX_NESTING`]: its content goes into the enclosing block).
    open: Vec<bool>,
    /// Quotes and lists built around the current position.
    nested: usize,
}

impl Builder {
    fn current(&mut self) -> &mut Vec<Block> {
        if self.frames.is_empty() {
            self.frames.push(Frame::default());
        }
        &mut self.frames.last_mut().expect("a frame exists").blocks
    }

    fn push_text(&mut self, text: &str) {
        if let Some((_, alt)) = &mut self.image {
            alt.push_str(text);
            return;
        }
        let inline = Inline {
            text: text.to_string(),
            strong: self.strong > 0,
            emphasis: self.emphasis > 0,
            link: self.link.last().cloned(),
        };
        self.inlines.get_or_insert_with(Vec::new).push(inline);
    }

    /// Ends a run of inlines that was not inside a paragraph (tight list items).
    fn flush_loose(&mut self) {
        if self.heading.is_none()
            && self.table.is_none()
            && let Some(inl) = self.inlines.take()
            && !inl.is_empty()
        {
            self.current().push(Block::Paragraph(inl));
        }
    }

    fn event(&mut self, ev: Event<'_>) {
        match ev {
            Event::Start(tag) => match tag {
                Tag::Paragraph => {
                    self.flush_loose();
                    self.inlines = Some(Vec::new());
                }
                Tag::Heading { level, .. } => {
                    self.flush_loose();
                    self.heading = Some(heading_level(level));
                    self.inlines = Some(Vec::new());
                }
                Tag::BlockQuote(_) => {
                    self.flush_loose();
                    let built = self.nested < MAX_NESTING;
                    if built {
                        self.nested += 1;
                        self.frames.push(Frame::default());
                    }
                    self.open.push(built);
                }
                Tag::List(start) => {
                    self.flush_loose();
                    let built = self.nested < MAX_NESTING;
                    if built {
                        self.nested += 1;
                        self.lists.push((start.is_some(), Vec::new()));
                    }
                    self.open.push(built);
                }
                Tag::Item => {
                    // an item is built when its list is
                    let built = self.open.last().copied().unwrap_or(true);
                    if built {
                        self.frames.push(Frame::default());
                    }
                    self.open.push(built);
                }
                Tag::Table(_) => {
                    self.flush_loose();
                    self.table = Some((Vec::new(), Vec::new(), false));
                }
                Tag::TableHead => {
                    if let Some(t) = &mut self.table {
                        t.2 = true;
                    }
                    self.row.clear();
                }
                Tag::TableRow => self.row.clear(),
                Tag::TableCell => self.inlines = Some(Vec::new()),
                Tag::Strong => self.strong += 1,
                Tag::Emphasis | Tag::Strikethrough => self.emphasis += 1,
                Tag::Link { dest_url, .. } => self.link.push(dest_url.to_string()),
                Tag::Image { dest_url, .. } => {
                    self.flush_loose();
                    self.image = Some((dest_url.to_string(), String::new()))
                }
                _ => {}
            },
            Event::End(end) => match end {
                TagEnd::Paragraph => {
                    let inl = self.inlines.take().unwrap_or_default();
                    if !inl.is_empty() {
                        self.current().push(Block::Paragraph(inl));
                    }
                }
                TagEnd::Heading(_) => {
                    let inl = self.inlines.take().unwrap_or_default();
                    let level = self.heading.take().unwrap_or(1);
                    self.current().push(Block::Heading { level, text: inl });
                }
                TagEnd::BlockQuote(_) => {
                    self.flush_loose();
                    if self.open.pop().unwrap_or(true) {
                        self.nested = self.nested.saturating_sub(1);
                        let frame = self.frames.pop().unwrap_or_default();
                        self.current().push(Block::Quote(frame.blocks));
                    }
                }
                TagEnd::Item => {
                    self.flush_loose();
                    if !self.open.pop().unwrap_or(true) {
                        return;
                    }
                    let frame =
                        if self.frames.len() > 1 { self.frames.pop().unwrap_or_default() } else { Frame::default() };
                    if let Some(list) = self.lists.last_mut() {
                        list.1.push(frame.blocks);
                    }
                }
                TagEnd::List(_) => {
                    if !self.open.pop().unwrap_or(true) {
                        return;
                    }
                    self.nested = self.nested.saturating_sub(1);
                    if let Some((ordered, items)) = self.lists.pop() {
                        self.current().push(Block::List { ordered, items });
                    }
                }
                TagEnd::TableCell => {
                    let inl = self.inlines.take().unwrap_or_default();
                    self.row.push(inl);
                }
                TagEnd::TableHead => {
                    let row = std::mem::take(&mut self.row);
                    if let Some(t) = &mut self.table {
                        t.0 = row;
                        t.2 = false;
                    }
                }
                TagEnd::TableRow => {
                    let row = std::mem::take(&mut self.row);
                    if let Some(t) = &mut self.table {
                        t.1.push(row);
                    }
                }
                TagEnd::Table => {
                    if let Some((header, rows, _)) = self.table.take() {
                        self.current().push(Block::Table { header, rows });
                    }
                }
                TagEnd::Strong => self.strong = self.strong.saturating_sub(1),
                TagEnd::Emphasis | TagEnd::Strikethrough => self.emphasis = self.emphasis.saturating_sub(1),
                TagEnd::Link => {
                    self.link.pop();
                }
                TagEnd::Image => {
                    if let Some((src, alt)) = self.image.take() {
                        // An image inside a paragraph splits it: text before, the image, text after.
                        let pending = self.inlines.take();
                        if let Some(inl) = pending.filter(|i| !i.is_empty()) {
                            self.current().push(Block::Paragraph(inl));
                        }
                        self.current().push(Block::Image { src, alt });
                        self.inlines = Some(Vec::new());
                    }
                }
                _ => {}
            },
            Event::Text(t) | Event::Code(t) => self.push_text(&t),
            Event::SoftBreak => self.push_text(""),
            Event::HardBreak => self.push_text("\n"),
            Event::Rule => {
                self.flush_loose();
                self.current().push(Block::Rule)
            }
            Event::Html(t) | Event::InlineHtml(t) => self.push_text(&t),
            _ => {}
        }
    }

    fn finish(mut self) -> Vec<Block> {
        self.flush_loose();
        while self.frames.len() > 1 {
            let frame = self.frames.pop().unwrap_or_default();
            self.current().extend(frame.blocks);
        }
        self.frames.pop().map(|f| f.blocks).unwrap_or_default()
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Joins inline runs into one string (for headings, table cells and plain display).
pub fn inline_text(inlines: &[Inline]) -> String {
    inlines.iter().map(|i| i.text.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "# 第一章 总则\n\n第一条 为了**规范**管理，制定本办法。\n\n- 甲\n- 乙\n\n| 项目 | 金额 |\n|---|---|\n| 教育 | 100 |\n\n![图解](img/a.png)\n";

    #[test]
    fn blocks_cover_headings_lists_tables_images() {
        let b = blocks(BODY);
        assert!(matches!(&b[0], Block::Heading { level: 1, text } if inline_text(text) == "第一章 总则"));
        assert!(matches!(&b[1], Block::Paragraph(i) if i.iter().any(|r| r.strong && r.text == "规范")));
        assert!(matches!(&b[2], Block::List { ordered: false, items } if items.len() == 2));
        assert!(matches!(&b[3], Block::Table { header, rows } if header.len() == 2 && rows.len() == 1));
        assert!(b.iter().any(|x| matches!(x, Block::Image { src, alt } if src == "img/a.png" && alt == "图解")));
    }

    #[test]
    fn plain_text_and_image_refs() {
        let t = plain_text(BODY);
        assert!(t.contains("第一条 为了规范管理，制定本办法。"));
        assert!(t.contains("教育\t100"));
        let refs = image_refs(BODY);
        assert_eq!(refs.len(), 1);
        assert_eq!(&BODY[refs[0].offset..refs[0].offset + 2], "![");
    }

    /// Issue 16, finding 4: 10,000 nested quotes made a tree 10,000 deep, and the PDF layout's
    /// recursion over it overflowed the stack. The tree now stops at MAX_NESTING.
    #[test]
    fn deep_nesting_is_measured_and_never_built() {
        let body = format!("{}深\n", "> ".repeat(10_000));
        assert_eq!(nesting(&body), 10_000);
        let mut depth = 0;
        let mut level = blocks(&body);
        while let Some(Block::Quote(inner)) = level.first() {
            depth += 1;
            level = inner.clone();
        }
        assert_eq!(depth, MAX_NESTING);
        assert_eq!(plain_text(&body), "深");
        let lists = format!("{}- 深\n", (0..40).map(|i| format!("{}- 层\n", "  ".repeat(i))).collect::<String>());
        assert!(nesting(&lists) > MAX_NESTING);
        fn list_depth(b: &[Block]) -> usize {
            b.iter()
                .map(|x| match x {
                    Block::List { items, .. } => 1 + items.iter().map(|i| list_depth(i)).max().unwrap_or(0),
                    Block::Quote(i) => 1 + list_depth(i),
                    _ => 0,
                })
                .max()
                .unwrap_or(0)
        }
        assert_eq!(list_depth(&blocks(&lists)), MAX_NESTING);
        assert_eq!(nesting("> a\n\n- b\n"), 1);
    }
}
