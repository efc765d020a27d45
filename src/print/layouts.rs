//! Printed layouts of the content: a service guide, a document, a 码上公开 poster and a QR card.

use super::pdf::{BODY, HEADING, Pages, Paper, PdfError, Rendered, SMALL, Style, TITLE};
use crate::content::markdown::{self, Block, inline_text};
use crate::content::{Board, Document, Guide, Site};
use crate::qr::QrMatrix;

fn heading(p: &mut Pages, s: &str) {
    p.need(14.0);
    p.y += 3.0;
    let (m, w) = (p.margin, p.inner());
    p.para(m, w, s, HEADING);
    p.y += 1.0;
}

/// Label/value rows in a bordered table.
fn table(p: &mut Pages, rows: &[(&str, String)]) {
    for (label, value) in rows {
        p.label_row(&[(label, value)], 32.0, 8.0, 1);
    }
}

fn qr_corner(p: &mut Pages, url: Option<&str>, label: &str) {
    let Some(q) = url.and_then(|u| QrMatrix::encode(u).ok()) else { return };
    let (m, w) = (p.margin, p.inner());
    p.need(40.0);
    let y = p.y;
    p.qr(&q, m + w - 32.0, y, 32.0);
    p.text(m + w - 32.0, y + 32.0, label, SMALL);
}

/// A service guide: key facts, materials as tick boxes, numbered steps, where and when, phones,
/// a QR code to online handling.
pub fn guide(site: &Site, g: &Guide, printed_at: &str) -> Result<Rendered, PdfError> {
    let mut p = Pages::new(&g.name, Paper::A4)?;
    let (m, w) = (p.margin, p.inner());
    let start = p.y;
    p.para(m, w - 40.0, &g.name, TITLE);
    if let Some(code) = &g.code {
        p.para(m, w - 40.0, &format!("事项编码：{code}"), SMALL);
    }
    let after = p.y;
    p.y = start;
    qr_corner(&mut p, g.online_url.as_deref(), "扫码网上办理");
    p.y = after.max(start + 38.0);
    let limit = if g.on_the_spot { "即办件（当场办结）".to_string() } else { g.promised_limit.clone() };
    table(
        &mut p,
        &[
            ("法定时限", g.legal_limit.clone()),
            ("承诺时限", limit),
            ("收费标准", g.fee.clone()),
            ("到现场次数", format!("{} 次", g.visits)),
            (
                "办理机构",
                format!("{}{}", g.office, g.window.as_deref().map(|x| format!("（{x}）")).unwrap_or_default()),
            ),
            ("办理地点", g.location.clone()),
            ("办理时间", g.hours.clone()),
            ("咨询电话", g.consult_phone.clone()),
            ("监督投诉电话", g.complaint_phone.clone()),
        ],
    );
    if !g.conditions.is_empty() {
        heading(&mut p, "申请条件");
        for c in &g.conditions {
            p.para(m, w, &format!("• {c}"), BODY);
        }
    }
    heading(&mut p, "申请材料（请逐项核对）");
    for mat in &g.materials {
        let detail = format!(
            "{}　{} 份　{}{}",
            mat.form.as_deref().unwrap_or(""),
            mat.copies,
            if mat.required { "必需" } else { "视情况提供" },
            mat.note.as_deref().map(|n| format!("　{n}")).unwrap_or_default()
        );
        p.need(12.0);
        let y = p.y;
        p.tick_box(m, y + 0.8, 4.0, false);
        p.para(m + 7.0, w - 7.0, &mat.name, BODY);
        p.para(m + 7.0, w - 7.0, &detail, SMALL);
        p.y += 1.0;
    }
    heading(&mut p, "办理流程");
    for (i, s) in g.steps.iter().enumerate() {
        p.para(m, w, &format!("{}. {}", i + 1, s.title), BODY);
        if let Some(d) = &s.detail {
            p.para(m + 6.0, w - 6.0, d, SMALL);
        }
    }
    if !g.basis.is_empty() {
        heading(&mut p, "设定依据");
        for b in &g.basis {
            p.para(m, w, &format!("• {b}"), SMALL);
        }
    }
    if !g.faq.is_empty() {
        heading(&mut p, "常见问题");
        for qa in &g.faq {
            p.para(m, w, &format!("问：{}", qa.question), BODY);
            p.para(m, w, &format!("答：{}", qa.answer), SMALL);
        }
    }
    p.finish(&format!("{} · 打印时间 {printed_at}", site.name))
}

/// Pictures of a document's body, decoded, by their `src` in the Markdown.
pub type Pictures = std::collections::HashMap<String, image::DynamicImage>;

/// Tallest a picture is printed, in mm (a taller one is printed narrower).
const PICTURE_MAX_H: f32 = 170.0;

fn body(p: &mut Pages, blocks: &[Block], indent: f32, pictures: &Pictures) {
    let (m, w) = (p.margin + indent, p.inner() - indent);
    for b in blocks {
        match b {
            Block::Heading { text, .. } => heading(p, &inline_text(text)),
            Block::Paragraph(runs) => {
                p.para(m, w, &inline_text(runs), BODY);
                p.y += 1.5;
            }
            Block::List { ordered, items } => {
                for (i, item) in items.iter().enumerate() {
                    let marker = if *ordered { format!("{}.", i + 1) } else { "•".into() };
                    // the marker goes beside the item's first line, on whichever page that is
                    p.need(Pages::line_height(BODY));
                    let y = p.y;
                    p.text(m, y, &marker, BODY);
                    body(p, item, indent + 6.0, pictures);
                }
            }
            Block::Table { header, rows } => {
                let cols = header.len().max(rows.iter().map(Vec::len).max().unwrap_or(0)).max(1);
                let cw = w / cols as f32;
                let all: Vec<&Vec<Vec<markdown::Inline>>> =
                    std::iter::once(header).filter(|h| !h.is_empty()).chain(rows).collect();
                for r in all {
                    let cells: Vec<Vec<String>> =
                        r.iter().map(|c| p.wrap(&inline_text(c), BODY.size, cw - 3.0)).collect();
                    let h = cells.iter().map(Vec::len).max().unwrap_or(1) as f32 * Pages::line_height(BODY) + 3.0;
                    p.need(h);
                    let y = p.y;
                    for (i, lines) in cells.iter().enumerate() {
                        let x = m + i as f32 * cw;
                        p.rect(x, y, cw, h, false);
                        for (k, l) in lines.iter().enumerate() {
                            p.text(x + 1.5, y + 1.5 + k as f32 * Pages::line_height(BODY), l, BODY);
                        }
                    }
                    p.y += h;
                }
                p.y += 2.0;
            }
            Block::Image { alt, src } => match pictures.get(src) {
                Some(img) if img.width() > 0 && img.height() > 0 => {
                    let ratio = img.height() as f32 / img.width() as f32;
                    let width = w.min(PICTURE_MAX_H / ratio);
                    p.need(width * ratio + Pages::line_height(SMALL) + 2.0);
                    let y = p.y;
                    p.y += p.image(img, m + (w - width) / 2.0, y, width) + 1.0;
                    if !alt.is_empty() {
                        let cw = p.measure(alt, SMALL.size).min(w);
                        let y = p.y;
                        p.text(m + (w - cw) / 2.0, y, alt, SMALL);
                        p.y += Pages::line_height(SMALL);
                    }
                    p.y += 2.0;
                }
                // a picture that could not be read is named, and the QR code leads to it
                _ => {
                    p.para(m, w, &format!("［图：{alt}（请扫码查看原文）］"), SMALL);
                }
            },
            Block::Quote(inner) => body(p, inner, indent + 6.0, pictures),
            Block::Rule => {
                p.need(4.0);
                let y = p.y + 2.0;
                p.hline(m, m + w, y);
                p.y += 4.0;
            }
        }
    }
}

/// A document: the metadata table, the body with its tables, a QR code to the online original,
/// a footer with the zone, the print time and page n / m.
pub fn document(site: &Site, d: &Document, pictures: &Pictures, printed_at: &str) -> Result<Rendered, PdfError> {
    documents(site, &[(d, pictures)], printed_at)
}

/// Several documents in one print (a policy and its interpretations), each from a new page.
pub fn documents(site: &Site, docs: &[(&Document, &Pictures)], printed_at: &str) -> Result<Rendered, PdfError> {
    let (p, footer) = documents_laid_out(site, docs, printed_at)?;
    p.finish(&footer)
}

/// [`documents`] laid out on pages, not yet written as a PDF, with the footer's left part.
pub fn documents_laid_out(
    site: &Site,
    docs: &[(&Document, &Pictures)],
    printed_at: &str,
) -> Result<(Pages, String), PdfError> {
    let title = docs.first().map(|(d, _)| d.title.as_str()).unwrap_or_default();
    let mut p = Pages::new(title, Paper::A4)?;
    for (n, (d, pictures)) in docs.iter().enumerate() {
        if n > 0 {
            let whole = p.height();
            p.need(whole);
        }
        document_into(&mut p, d, pictures);
    }
    Ok((p, format!("{} · 打印时间 {printed_at}", site.name)))
}

fn document_into(p: &mut Pages, d: &Document, pictures: &Pictures) {
    let (m, w) = (p.margin, p.inner());
    let start = p.y;
    p.para(m, w - 40.0, &d.title, TITLE);
    let after = p.y;
    p.y = start;
    qr_corner(p, d.url.as_deref(), "扫码查看原文");
    p.y = after.max(start + if d.url.is_some() { 38.0 } else { 0.0 });
    let date = |x: Option<chrono::NaiveDate>| x.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_else(|| "—".into());
    table(
        p,
        &[
            ("索引号", d.index_no.clone().unwrap_or_else(|| "—".into())),
            ("发布机构", d.publisher.clone()),
            ("发文字号", d.doc_no.clone().unwrap_or_else(|| "—".into())),
            ("成文日期", date(d.written)),
            ("发布日期", date(Some(d.published))),
            ("有效性", d.validity.label().to_string()),
        ],
    );
    p.y += 4.0;
    body(p, &markdown::blocks(&d.body), 0.0, pictures);
}

/// A 码上公开 board as a wall poster: title, a grid of large labelled QR codes, the zone's name.
/// `codes` are (label, url) pairs.
pub fn poster(
    site: &Site,
    board: &Board,
    codes: &[(String, String)],
    paper: Paper,
    printed_at: &str,
) -> Result<Rendered, PdfError> {
    let mut p = Pages::new(&board.title, paper)?;
    p.footer = 12.0;
    let (m, w) = (p.margin, p.inner());
    let big = Style { size: if paper == Paper::A3 { 34.0 } else { 26.0 }, grey: false };
    let tw = p.measure(&board.title, big.size);
    let y = p.y;
    p.text(m + ((w - tw) / 2.0).max(0.0), y, &board.title, big);
    p.y += Pages::line_height(big) + 2.0;
    if let Some(i) = &board.intro {
        p.para(m, w, i, BODY);
    }
    p.y += 4.0;
    let cols = 2;
    let cell = w / cols as f32;
    let side = (cell - 16.0).min(if paper == Paper::A3 { 110.0 } else { 70.0 });
    let label = Style { size: if paper == Paper::A3 { 16.0 } else { 12.0 }, grey: false };
    for chunk in codes.chunks(cols) {
        let h = side + 3.0 * Pages::line_height(label);
        p.need(h);
        let y = p.y;
        for (i, (name, url)) in chunk.iter().enumerate() {
            let x = m + i as f32 * cell + (cell - side) / 2.0;
            if let Ok(q) = QrMatrix::encode(url) {
                p.qr(&q, x, y, side);
            }
            let lines = p.wrap(name, label.size, side);
            for (k, l) in lines.iter().take(2).enumerate() {
                let lw = p.measure(l, label.size);
                p.text(x + (side - lw) / 2.0, y + side + k as f32 * Pages::line_height(label), l, label);
            }
        }
        p.y += h;
    }
    p.finish(&format!("{} · 码上公开 · 用手机扫一扫 · {printed_at}", site.name))
}

/// A small card with one document's QR code, title and 文号 (A4 with the card at the top, to cut).
pub fn card(site: &Site, d: &Document, printed_at: &str) -> Result<Rendered, PdfError> {
    let url = d.url.as_deref().or(site.portal_url.as_deref()).unwrap_or_default();
    let mut p = Pages::new(&d.title, Paper::A4)?;
    let (m, y) = (p.margin, p.y);
    let (cw, ch) = (90.0, 55.0);
    p.rect(m, y, cw, ch, false);
    if let Ok(q) = QrMatrix::encode(url) {
        p.qr(&q, m + 2.0, y + 2.0, 40.0);
    }
    p.y = y + 4.0;
    p.para(m + 44.0, cw - 46.0, &d.title, BODY);
    if let Some(n) = &d.doc_no {
        p.para(m + 44.0, cw - 46.0, n, SMALL);
    }
    p.y = y + 44.0;
    p.para(m + 2.0, cw - 4.0, &format!("{} · 扫码查看原文", site.name), SMALL);
    p.finish(&format!("{} · 打印时间 {printed_at}", site.name))
}
