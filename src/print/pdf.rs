//! A small page-layout layer over printpdf: millimetres measured from the top-left, text wrapped
//! by the embedded CJK font's own glyph widths, boxes, tick boxes, vector QR codes, and a flow
//! that starts new pages and numbers them "n / m" at the end. Every character is checked
//! against the font: one it cannot draw is an error naming it, never a silent blank box.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt,
    RawImage, RawImageData, RawImageFormat, Rect, Rgb, TextItem, XObjectTransform,
};

use crate::qr::{QUIET, QrMatrix};

/// Paper sizes in millimetres (portrait).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    A4,
    A3,
}

impl Paper {
    pub fn size(self) -> (f32, f32) {
        match self {
            Paper::A4 => (210.0, 297.0),
            Paper::A3 => (297.0, 420.0),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the embedded font cannot be read: {0}")]
    Font(String),
    #[error("neither the embedded font nor a fallback font ({}) has a glyph for {} (U+{}); the page would show blank boxes — install fonts-droid-fallback or fonts-dejavu-core", FALLBACK_FONTS.join(", "), .0.iter().collect::<String>(), .0.iter().map(|c| format!("{:04X}", *c as u32)).collect::<Vec<_>>().join(", U+"))]
    MissingGlyphs(Vec<char>),
}

/// A font the layout measures with: its bytes (the CJK font's mapping, or a fallback font read
/// once) and the face parsed over them. Each finished PDF embeds only the glyphs it drew
/// ([`Font::subset`]), never the whole 16 MB CJK font.
struct Font {
    bytes: &'static [u8],
    face: ttf_parser::Face<'static>,
    units_per_em: f32,
}

impl Font {
    fn parse(bytes: &'static [u8]) -> Result<Font, String> {
        let face = ttf_parser::Face::parse(bytes, 0).map_err(|e| format!("not an OpenType font: {e}"))?;
        let units_per_em = f32::from(face.units_per_em().max(1));
        Ok(Font { bytes, face, units_per_em })
    }

    /// The glyph drawing `c` and its advance in ems.
    fn glyph(&self, c: char) -> Option<(u16, f32)> {
        let g = self.face.glyph_index(c)?;
        Some((g.0, f32::from(self.face.glyph_hor_advance(g).unwrap_or(0)) / self.units_per_em))
    }

    /// This font cut down to the glyphs of `chars` (and `.notdef`), as printpdf embeds it: its
    /// own cmap maps the characters to the renumbered glyphs, and its advances are the
    /// original's, so the layout measured is the layout printed. Named as a subset is named in
    /// a PDF, `ABCDEF+` (six capitals from `id`) and the font's PostScript name.
    fn subset(&self, chars: &BTreeSet<char>, id: &FontId) -> Result<ParsedFont, PdfError> {
        use allsorts::binary::read::ReadScope;
        use allsorts::font_data::FontData;
        use allsorts::subset::{CmapTarget, SubsetProfile, subset};
        let failed = |e: String| PdfError::Font(format!("cutting the font down to the printed glyphs failed: {e}"));
        // .notdef first, then every drawn glyph once, in order (allsorts requires both)
        let mut glyphs: Vec<u16> = chars.iter().filter_map(|c| self.glyph(*c)).map(|(g, _)| g).collect();
        glyphs.push(0);
        glyphs.sort_unstable();
        glyphs.dedup();
        let file = ReadScope::new(self.bytes).read::<FontData<'_>>().map_err(|e| failed(e.to_string()))?;
        let provider = file.table_provider(0).map_err(|e| failed(e.to_string()))?;
        let bytes =
            subset(&provider, &glyphs, &SubsetProfile::Pdf, CmapTarget::Unicode).map_err(|e| failed(e.to_string()))?;
        let mut parsed = ParsedFont::from_bytes(&bytes, 0, &mut Vec::new())
            .ok_or_else(|| failed("printpdf cannot read the cut font".into()))?;
        let tag: String = id.0.chars().filter(char::is_ascii_uppercase).chain(std::iter::repeat('A')).take(6).collect();
        parsed.font_name = Some(format!("{tag}+{}", self.postscript_name()));
        Ok(parsed)
    }

    fn postscript_name(&self) -> String {
        let names = self.face.names();
        let name = names
            .into_iter()
            .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
            .find_map(|n| n.to_string());
        // a PDF name: printable ASCII without delimiters
        name.map(|n| n.chars().filter(|c| c.is_ascii_graphic() && !"()<>[]{}/%#".contains(*c)).collect::<String>())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "Font".into())
    }
}

/// Fonts tried, in order, for a character the embedded CJK font lacks (the first one found on
/// this machine is used): Droid Sans Fallback (more Han characters) and DejaVu Sans (Latin,
/// Greek, Cyrillic, Armenian, Georgian, Hebrew, symbols), from Debian's font packages.
pub const FALLBACK_FONTS: [&str; 2] =
    ["/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"];

/// The fallback fonts found on this machine, read once and kept for the life of the process
/// (a few MB, like the CJK font's mapping).
fn fallbacks() -> &'static [Font] {
    static FALLBACK: OnceLock<Vec<Font>> = OnceLock::new();
    FALLBACK.get_or_init(|| {
        FALLBACK_FONTS
            .iter()
            .filter_map(|path| {
                let bytes: &'static [u8] = std::fs::read(path).ok()?.leak();
                Font::parse(bytes)
                    .inspect_err(|e| tracing::warn!(font = path, "fallback font cannot be read: {e}"))
                    .ok()
            })
            .collect()
    })
}

fn font() -> Result<&'static Font, PdfError> {
    static FONT: OnceLock<Result<Font, String>> = OnceLock::new();
    FONT.get_or_init(|| Font::parse(crate::assets::cjk_font()?)).as_ref().map_err(|e| PdfError::Font(e.clone()))
}

const BLACK: Color = Color::Rgb(Rgb { r: 0.0, g: 0.0, b: 0.0, icc_profile: None });
const MM_PER_PT: f32 = 25.4 / 72.0;

/// A finished PDF and its page count (what the visitor is asked to confirm).
#[derive(Debug, Clone)]
pub struct Rendered {
    pub pdf: Vec<u8>,
    pub pages: usize,
}

/// Text style: size in points, and grey or black.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub size: f32,
    pub grey: bool,
}

pub const TITLE: Style = Style { size: 18.0, grey: false };
pub const HEADING: Style = Style { size: 13.0, grey: false };
pub const BODY: Style = Style { size: 10.5, grey: false };
pub const SMALL: Style = Style { size: 8.5, grey: true };

/// A document being laid out, page by page.
pub struct Pages {
    paper: Paper,
    pages: Vec<Vec<Op>>,
    /// The page drawing goes to.
    current: usize,
    missing: BTreeSet<char>,
    doc: PdfDocument,
    /// The document's name for each font (0: the CJK font, 1 + i: fallback i) and the characters
    /// drawn with it; a font is added to the document, cut down to those, when it is finished.
    fonts: Vec<(FontId, BTreeSet<char>)>,
    /// `glyph` answers already looked up (a page measures every character many times).
    glyphs: std::collections::HashMap<char, Option<(usize, f32)>>,
    /// The flow's position on the current page (mm from the top).
    pub y: f32,
    pub margin: f32,
    /// Space kept free at the bottom for the footer.
    pub footer: f32,
}

impl Pages {
    pub fn new(title: &str, paper: Paper) -> Result<Pages, PdfError> {
        font()?;
        let doc = PdfDocument::new(title);
        Ok(Pages {
            paper,
            pages: vec![Vec::new()],
            current: 0,
            missing: BTreeSet::new(),
            doc,
            fonts: (0..=fallbacks().len()).map(|_| (FontId::new(), BTreeSet::new())).collect(),
            glyphs: std::collections::HashMap::new(),
            y: 18.0,
            margin: 18.0,
            footer: 9.0,
        })
    }

    pub fn width(&self) -> f32 {
        self.paper.size().0
    }
    pub fn height(&self) -> f32 {
        self.paper.size().1
    }
    /// Width between the margins.
    pub fn inner(&self) -> f32 {
        self.width() - 2.0 * self.margin
    }
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        &mut self.pages[self.current]
    }

    fn pt(&self, x: f32, y: f32) -> Point {
        Point { x: Mm(x).into(), y: Mm(self.height() - y).into() }
    }

    /// The font that draws `c` (0: the embedded CJK font, 1 + i: fallback i) and its advance in
    /// ems; None when no font has it.
    fn glyph(&mut self, c: char) -> Option<(usize, f32)> {
        *self.glyphs.entry(c).or_insert_with(|| Pages::find_glyph(c))
    }

    fn find_glyph(c: char) -> Option<(usize, f32)> {
        let primary = font().expect("font loaded in Pages::new");
        std::iter::once(primary).chain(fallbacks()).enumerate().find_map(|(i, f)| Some((i, f.glyph(c)?.1)))
    }

    /// Width of `s` in mm at `size` points; notes characters no font has.
    pub fn measure(&mut self, s: &str, size: f32) -> f32 {
        let mut ems = 0.0;
        for c in s.chars() {
            match self.glyph(c) {
                Some((_, w)) => ems += w,
                None if c.is_control() => {}
                None => {
                    self.missing.insert(c);
                    ems += 1.0;
                }
            }
        }
        ems * size * MM_PER_PT
    }

    /// Lines of `s` no wider than `width` mm (CJK breaks anywhere, other text at spaces where it can).
    pub fn wrap(&mut self, s: &str, size: f32, width: f32) -> Vec<String> {
        let mut out = Vec::new();
        for para in s.split('\n') {
            let mut line = String::new();
            let mut w = 0.0;
            for c in para.chars() {
                let cw = self.measure(c.encode_utf8(&mut [0; 4]), size);
                if w + cw > width && !line.is_empty() {
                    // keep a Latin word whole when it fits on a line of its own
                    let cut = if c.is_ascii_alphanumeric() { line.rfind(' ').filter(|i| *i > 0) } else { None };
                    match cut {
                        Some(i) => {
                            let rest = line.split_off(i + 1);
                            out.push(line.trim_end().to_string());
                            line = rest;
                            w = self.measure(&line, size);
                        }
                        None => {
                            out.push(std::mem::take(&mut line));
                            w = 0.0;
                        }
                    }
                }
                line.push(c);
                w += cw;
            }
            out.push(line);
        }
        out
    }

    /// Draws one line of text with its top at (x, y).
    pub fn text(&mut self, x: f32, y: f32, s: &str, style: Style) {
        self.measure(s, style.size);
        let baseline = y + style.size * MM_PER_PT * 0.88;
        let pos = self.pt(x, baseline);
        let grey = if style.grey { 0.3 } else { 0.0 };
        // runs of characters drawn by the same font; the text cursor moves on by itself
        let mut runs: Vec<(usize, String)> = Vec::new();
        for c in s.chars() {
            let f = match self.glyph(c) {
                Some((f, _)) => {
                    self.fonts[f].1.insert(c);
                    f
                }
                None => 0,
            };
            match runs.last_mut() {
                Some((last, run)) if *last == f => run.push(c),
                _ => runs.push((f, c.to_string())),
            }
        }
        let mut ops = vec![
            Op::StartTextSection,
            Op::SetFillColor { col: Color::Rgb(Rgb { r: grey, g: grey, b: grey, icc_profile: None }) },
            Op::SetTextCursor { pos },
        ];
        for (f, run) in runs {
            ops.push(Op::SetFont { font: PdfFontHandle::External(self.fonts[f].0.clone()), size: Pt(style.size) });
            ops.push(Op::ShowText { items: vec![TextItem::Text(run)] });
        }
        ops.push(Op::EndTextSection);
        self.ops().extend(ops);
    }

    /// Line height for a style, in mm.
    pub fn line_height(style: Style) -> f32 {
        style.size * MM_PER_PT * 1.45
    }

    /// A rectangle outline (or filled black).
    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, filled: bool) {
        let mut r = Rect::from_xywh(Mm(x).into(), Mm(self.height() - y - h).into(), Mm(w).into(), Mm(h).into());
        r.mode = Some(if filled { printpdf::PaintMode::Fill } else { printpdf::PaintMode::Stroke });
        self.ops().extend([
            Op::SetOutlineColor { col: BLACK },
            Op::SetFillColor { col: BLACK },
            Op::SetOutlineThickness { pt: Pt(0.6) },
            Op::DrawRectangle { rectangle: r },
        ]);
    }

    pub fn hline(&mut self, x1: f32, x2: f32, y: f32) {
        let (a, b) = (self.pt(x1, y), self.pt(x2, y));
        self.ops().extend([
            Op::SetOutlineColor { col: BLACK },
            Op::SetOutlineThickness { pt: Pt(0.5) },
            Op::DrawLine {
                line: Line {
                    points: vec![LinePoint { p: a, bezier: false }, LinePoint { p: b, bezier: false }],
                    is_closed: false,
                },
            },
        ]);
    }

    /// A tick box of `side` mm at (x, y), ticked or not.
    pub fn tick_box(&mut self, x: f32, y: f32, side: f32, ticked: bool) {
        self.rect(x, y, side, side, false);
        if ticked {
            let pts = [
                (x + side * 0.2, y + side * 0.55),
                (x + side * 0.42, y + side * 0.8),
                (x + side * 0.82, y + side * 0.2),
            ];
            let points = pts.iter().map(|(px, py)| LinePoint { p: self.pt(*px, *py), bezier: false }).collect();
            self.ops().extend([
                Op::SetOutlineThickness { pt: Pt(1.2) },
                Op::DrawLine { line: Line { points, is_closed: false } },
            ]);
        }
    }

    /// A QR code as vector squares, `side` mm including its quiet zone.
    pub fn qr(&mut self, m: &QrMatrix, x: f32, y: f32, side: f32) {
        let cell = side / (m.width + 2 * QUIET) as f32;
        for row in 0..m.width {
            let mut col = 0;
            while col < m.width {
                if !m.is_dark(col, row) {
                    col += 1;
                    continue;
                }
                // one rectangle per run of dark modules in a row
                let start = col;
                while col < m.width && m.is_dark(col, row) {
                    col += 1;
                }
                let rx = x + (start + QUIET) as f32 * cell;
                let ry = y + (row + QUIET) as f32 * cell;
                self.rect(rx, ry, (col - start) as f32 * cell, cell, true);
            }
        }
    }

    /// A picture `w` mm wide with its top-left corner at (x, y); returns its height in mm. Big
    /// pictures are scaled down to about 200 dpi at that width first (smaller PDFs, same print).
    pub fn image(&mut self, img: &image::DynamicImage, x: f32, y: f32, w: f32) -> f32 {
        let max_px = (w / 25.4 * 200.0).round().max(1.0) as u32;
        let img = if img.width() > max_px {
            img.resize(max_px, u32::MAX, image::imageops::FilterType::Triangle)
        } else {
            img.clone()
        };
        // transparency printed over white paper
        let mut rgb = image::RgbImage::new(img.width(), img.height());
        for (dst, src) in rgb.pixels_mut().zip(img.to_rgba8().pixels()) {
            let a = u16::from(src[3]);
            *dst = image::Rgb([0, 1, 2].map(|i| ((u16::from(src[i]) * a + 255 * (255 - a)) / 255) as u8));
        }
        let (pw, ph) = (rgb.width() as usize, rgb.height() as usize);
        let h = w * ph as f32 / pw as f32;
        let raw = RawImage {
            pixels: RawImageData::U8(rgb.into_raw()),
            width: pw,
            height: ph,
            data_format: RawImageFormat::RGB8,
            tag: Vec::new(),
        };
        let id = self.doc.add_image(&raw);
        // printpdf maps one pixel to one point at `dpi`: choose the dpi that gives `w` mm
        let dpi = pw as f32 * 72.0 / (w / MM_PER_PT);
        let bottom = self.height() - (y + h);
        let transform = XObjectTransform {
            translate_x: Some(Pt(x / MM_PER_PT)),
            translate_y: Some(Pt(bottom / MM_PER_PT)),
            dpi: Some(dpi),
            ..Default::default()
        };
        self.ops().push(Op::UseXobject { id, transform });
        h
    }

    /// One bordered row of label/value cells side by side across the text width, at the flow's
    /// position: labels in SMALL `label_w` mm wide, values in BODY. Labels and values wrap; the
    /// row is as tall as its longest cell, at least `min_h` mm and `min_lines` value lines
    /// (room to write in by hand).
    pub fn label_row(&mut self, cells: &[(&str, &str)], label_w: f32, min_h: f32, min_lines: usize) {
        let (m, w) = (self.margin, self.inner());
        let cell_w = w / cells.len().max(1) as f32;
        let lw = label_w.min(cell_w / 2.0);
        let wrapped: Vec<(Vec<String>, Vec<String>)> = cells
            .iter()
            .map(|(l, v)| (self.wrap(l, SMALL.size, lw - 3.0), self.wrap(v, BODY.size, cell_w - lw - 3.0)))
            .collect();
        let h = wrapped
            .iter()
            .map(|(l, v)| {
                (l.len() as f32 * Pages::line_height(SMALL))
                    .max(v.len().max(min_lines) as f32 * Pages::line_height(BODY))
                    + 3.0
            })
            .fold(min_h, f32::max);
        self.need(h);
        let y = self.y;
        for (i, (labels, values)) in wrapped.iter().enumerate() {
            let x = m + i as f32 * cell_w;
            self.rect(x, y, lw, h, false);
            self.rect(x + lw, y, cell_w - lw, h, false);
            for (k, l) in labels.iter().enumerate() {
                self.text(x + 1.5, y + 2.2 + k as f32 * Pages::line_height(SMALL), l, SMALL);
            }
            for (k, l) in values.iter().enumerate() {
                self.text(x + lw + 1.5, y + 2.0 + k as f32 * Pages::line_height(BODY), l, BODY);
            }
        }
        self.y += h;
    }

    /// Makes room for `h` mm in the flow, starting a new page if needed.
    pub fn need(&mut self, h: f32) {
        if self.y + h > self.height() - self.margin - self.footer && self.y > self.margin + 1.0 {
            self.pages.push(Vec::new());
            self.current = self.pages.len() - 1;
            self.y = self.margin;
        }
    }

    /// Wrapped text in the flow at `x`, `width` wide; returns the height used.
    pub fn para(&mut self, x: f32, width: f32, s: &str, style: Style) -> f32 {
        let lh = Pages::line_height(style);
        let lines = self.wrap(s, style.size, width);
        let start = self.y;
        for l in lines {
            self.need(lh);
            let y = self.y;
            self.text(x, y, &l, style);
            self.y += lh;
        }
        self.y - start
    }

    /// Adds "footer_left · 第 n / m 页" to every page and returns the PDF.
    pub fn finish(self, footer_left: &str) -> Result<Rendered, PdfError> {
        let Closed { paper, pages, mut doc, fonts } = self.close(footer_left)?;
        let all = std::iter::once(font()?).chain(fallbacks());
        for (f, (id, chars)) in all.zip(fonts) {
            if !chars.is_empty() {
                let cut = f.subset(&chars, &id)?;
                doc.resources.fonts.map.insert(id, printpdf::PdfFont::new(cut));
            }
        }
        let (w, h) = paper.size();
        let count = pages.len();
        let pages = pages.into_iter().map(|ops| PdfPage::new(Mm(w), Mm(h), ops)).collect();
        // the fonts are already cut down to the drawn glyphs (`close`)
        let options = PdfSaveOptions { subset_fonts: false, ..PdfSaveOptions::default() };
        Ok(Rendered { pdf: doc.with_pages(pages).save(&options, &mut Vec::new()), pages: count })
    }

    /// The layout completed as [`Pages::finish`] completes it (footers drawn, every character
    /// found in a font) without writing the PDF; returns the page count. Writing (font subsetting) costs
    /// some thirty times the layout; the fuzz target checks the layout this way.
    pub fn finish_layout(self, footer_left: &str) -> Result<usize, PdfError> {
        Ok(self.close(footer_left)?.pages.len())
    }

    fn close(mut self, footer_left: &str) -> Result<Closed, PdfError> {
        let m = self.pages.len();
        for n in 0..m {
            let y = self.height() - self.margin + 2.0;
            let right = format!("第 {} / {m} 页", n + 1);
            let rw = self.measure(&right, SMALL.size);
            let (w, margin) = (self.width(), self.margin);
            self.current = n;
            self.hline(margin, w - margin, y - 2.0);
            self.text(margin, y, footer_left, SMALL);
            self.text(w - margin - rw, y, &right, SMALL);
        }
        if !self.missing.is_empty() {
            return Err(PdfError::MissingGlyphs(self.missing.into_iter().collect()));
        }
        Ok(Closed { paper: self.paper, pages: self.pages, doc: self.doc, fonts: self.fonts })
    }
}

/// A layout with its footers drawn, every character found in a font.
struct Closed {
    paper: Paper,
    pages: Vec<Vec<Op>>,
    doc: PdfDocument,
    fonts: Vec<(FontId, BTreeSet<char>)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(pdf: &[u8]) -> (String, String) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.pdf");
        std::fs::write(&path, pdf).unwrap();
        let run = |tool: &str, args: &[&str]| {
            let out = std::process::Command::new(tool)
                .args(args)
                .arg(&path)
                .args(if tool == "pdftotext" { &["-"][..] } else { &[][..] })
                .output();
            let out = out.unwrap_or_else(|e| {
                panic!("{tool}: {e}; run the README's test command (scripts/test), which installs poppler-utils")
            });
            String::from_utf8_lossy(&out.stdout).to_string()
        };
        (run("pdftotext", &[]), run("pdffonts", &[]))
    }

    #[test]
    fn a_character_the_cjk_font_lacks_is_drawn_with_a_fallback_font() {
        // Armenian: not in Noto Sans CJK, in DejaVu Sans
        let c = 'Ա';
        assert!(font().unwrap().glyph(c).is_none(), "pick a character the CJK font lacks");
        assert!(
            Pages::find_glyph(c).is_some_and(|(f, _)| f > 0),
            "a fallback font ({FALLBACK_FONTS:?}) has {c}: run scripts/test, which installs them"
        );
        let mut p = Pages::new("t", Paper::A4).unwrap();
        p.text(20.0, 20.0, "申请人 Աբգ 姓名", BODY);
        let pdf = p.finish("footer").unwrap().pdf;
        let (text, fonts) = text_of(&pdf);
        assert!(text.contains("申请人 Աբգ 姓名"), "{text}");
        assert!(fonts.contains("NotoSansCJKsc") && fonts.lines().count() >= 4, "both fonts embedded:\n{fonts}");
    }

    #[test]
    fn a_character_no_font_has_is_an_error_naming_it() {
        let mut p = Pages::new("t", Paper::A4).unwrap();
        p.text(20.0, 20.0, "姓名\u{10FFFD}", BODY);
        match p.finish("footer") {
            Err(e @ PdfError::MissingGlyphs(_)) => assert!(e.to_string().contains("U+10FFFD"), "{e}"),
            other => panic!("{other:?}"),
        }
    }
}
