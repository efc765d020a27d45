//! Pieces every screen uses: labelled buttons sized for touch, document rows, highlighted text,
//! QR codes and the Markdown body renderer.

pub mod handwriting;
pub mod icon;
pub mod keyboard;
mod no_cursor;
pub mod scroll;
pub mod tap;
pub mod voice;

pub use icon::{Icon, icon};
pub use no_cursor::no_cursor;
pub use tap::tap;

use std::collections::HashMap;

use iced::widget::text::Span;
use iced::widget::{Column, column, container, image, rich_text, row, span, text};
use iced::{Alignment, Length, Padding};

use crate::content::Validity;
use crate::content::markdown::{Block, Inline, inline_text};
use crate::search::Highlighted;
use crate::store::DocSummary;
use crate::ui::Element;
use crate::ui::context::Ctx;
use crate::ui::i18n::{content, t};
use crate::ui::theme;

/// A button with a text label, at least one touch target high (and wide).
pub fn action<'a, M: Clone + 'a>(ctx: Ctx, label: String, msg: Option<M>, primary: bool) -> Element<'a, M> {
    let p = ctx.look.palette();
    tap(container(text(label).size(ctx.look.body())).center_y(Length::Fill), msg)
        .height(ctx.look.target())
        .padding([0, 22])
        .style(theme::button_style(p, if primary { theme::Button::Primary } else { theme::Button::Secondary }))
        .into()
}

/// A button with a picture before its label (the main buttons of a screen).
pub fn icon_action<'a, M: Clone + 'a>(
    ctx: Ctx,
    picture: Icon,
    label: String,
    msg: Option<M>,
    primary: bool,
) -> Element<'a, M> {
    let p = ctx.look.palette();
    let ink = match (primary, msg.is_some()) {
        (_, false) => p.muted,
        (true, true) => p.accent_ink,
        (false, true) => p.ink,
    };
    let size = ctx.look.body() * 1.25;
    tap(
        container(
            row![icon(picture, size, ink), text(label).size(ctx.look.body())].spacing(10).align_y(Alignment::Center),
        )
        .center_y(Length::Fill),
        msg,
    )
    .height(ctx.look.target())
    .padding([0, 20])
    .style(theme::button_style(p, if primary { theme::Button::Primary } else { theme::Button::Secondary }))
    .into()
}

/// A filter chip: a value and its count, shown selected when on.
pub fn chip<'a, M: Clone + 'a>(ctx: Ctx, label: String, count: Option<u64>, on: bool, msg: M) -> Element<'a, M> {
    let p = ctx.look.palette();
    let label = match count {
        Some(n) => format!("{label}  {n}"),
        None => label,
    };
    tap(container(text(label).size(ctx.look.small())).center_y(Length::Fill), Some(msg))
        .height(ctx.look.target())
        .padding([0, 16])
        .style(theme::button_style(p, if on { theme::Button::Selected } else { theme::Button::Secondary }))
        .into()
}

/// The page shown when a task is done (feedback sent, a request printed): a large line, an
/// optional explanation and the buttons to go on.
pub fn finished<'a, M: Clone + 'a>(
    ctx: Ctx,
    title: String,
    detail: Option<String>,
    actions: Vec<Element<'a, M>>,
) -> Element<'a, M> {
    let mut col = column![text(title).size(ctx.look.title())];
    if let Some(d) = detail {
        col = col.push(body(ctx, d));
    }
    col.push(row(actions).spacing(ctx.look.gap()))
        .spacing(ctx.look.gap() * 2.0)
        .align_x(Alignment::Center)
        .width(Length::Fill)
        .into()
}

pub fn heading<'a, M: 'a>(ctx: Ctx, s: String) -> Element<'a, M> {
    text(s).size(ctx.look.heading()).into()
}

pub fn muted<'a, M: 'a>(ctx: Ctx, s: String) -> Element<'a, M> {
    text(s).size(ctx.look.small()).color(ctx.look.palette().muted).into()
}

pub fn body<'a, M: 'a>(ctx: Ctx, s: String) -> Element<'a, M> {
    text(s).size(ctx.look.body()).line_height(1.5).into()
}

pub fn card<'a, M: 'a>(ctx: Ctx, inner: impl Into<Element<'a, M>>) -> Element<'a, M> {
    container(inner).padding(ctx.look.gap()).width(Length::Fill).style(theme::card(ctx.look.palette())).into()
}

pub fn kind_label(ctx: Ctx, kind: crate::content::DocKind) -> String {
    t(ctx.lang, &format!("kind-{}", kind.key()))
}

pub fn validity_label(ctx: Ctx, v: Validity) -> String {
    t(ctx.lang, &format!("validity-{}", v.key()))
}

/// A document as a list row: title, 发文字号, date, kind and validity; tap to open.
pub fn doc_row<'a, M: Clone + 'a>(ctx: Ctx, doc: &DocSummary, msg: M) -> Element<'a, M> {
    let p = ctx.look.palette();
    let meta = format!(
        "{}　{}　{}",
        doc.published.format("%Y-%m-%d"),
        kind_label(ctx, doc.kind),
        content(ctx.lang, doc.doc_no.as_deref().unwrap_or(&doc.publisher))
    );
    let validity_colour = if doc.validity == Validity::Valid { p.muted } else { p.warn };
    tap(
        row![
            column![
                text(content(ctx.lang, &doc.title)).size(ctx.look.body()),
                text(meta).size(ctx.look.small()).color(p.muted)
            ]
            .spacing(6)
            .width(Length::Fill),
            text(validity_label(ctx, doc.validity)).size(ctx.look.small()).color(validity_colour),
        ]
        .spacing(16)
        .align_y(Alignment::Center),
        Some(msg),
    )
    .width(Length::Fill)
    .padding([12, 18])
    .style(theme::button_style(p, theme::Button::Row))
    .into()
}

/// Text with highlighted ranges (search hits), in the visitor's characters.
pub fn highlighted<'a, M: 'a>(ctx: Ctx, h: &Highlighted, size: f32) -> Element<'a, M> {
    let p = ctx.look.palette();
    let mut spans: Vec<Span<'a>> = Vec::new();
    let mut at = 0;
    let conv = |s: &str| content(ctx.lang, s);
    for r in &h.highlights {
        if r.start > at {
            spans.push(span(conv(&h.text[at..r.start])));
        }
        spans.push(span(conv(&h.text[r.clone()])).color(p.highlight_ink).background(p.highlight).underline(true));
        at = r.end;
    }
    if at < h.text.len() {
        spans.push(span(conv(&h.text[at..])));
    }
    rich_text(spans).size(size).into()
}

/// A QR code with its label underneath; `size` is the code's edge in pixels. Drawn as an image
/// scaled without smoothing, so every module stays a sharp square.
pub fn qr<'a, M: 'a>(ctx: Ctx, handle: &image::Handle, label: String, size: f32) -> Element<'a, M> {
    column![
        image(handle.clone()).width(size).height(size).filter_method(image::FilterMethod::Nearest),
        text(label).size(ctx.look.small()).align_x(Alignment::Center),
    ]
    .spacing(8)
    .align_x(Alignment::Center)
    .into()
}

/// The QR image for a URL (None when it is too long to encode).
pub fn qr_data(url: &str) -> Option<image::Handle> {
    let m = crate::qr::QrMatrix::encode(url).ok()?;
    let (w, h, px) = m.to_rgba(8);
    Some(image::Handle::from_rgba(w, h, px))
}

fn inlines<'a, M: 'a>(ctx: Ctx, runs: &[Inline], size: f32) -> Element<'a, M> {
    let p = ctx.look.palette();
    let spans: Vec<Span<'a>> = runs
        .iter()
        .map(|r| {
            let mut s = span(content(ctx.lang, &r.text));
            if r.strong {
                s = s.font(iced::Font {
                    weight: iced::font::Weight::Bold,
                    ..iced::Font::with_name(crate::assets::CJK_FONT_FAMILY)
                });
            }
            if r.link.is_some() {
                s = s.color(p.accent).underline(true);
            }
            s
        })
        .collect();
    rich_text(spans).size(size).line_height(1.6).into()
}

/// A document body: headings, paragraphs, lists, tables and images, at `size` px.
pub fn blocks<'a, M: 'a>(
    ctx: Ctx,
    blocks: &[Block],
    images: &'a HashMap<String, image::Handle>,
    size: f32,
) -> Element<'a, M> {
    let mut col = Column::new().spacing(size * 0.8);
    for b in blocks {
        col = col.push(block(ctx, b, images, size));
    }
    col.into()
}

fn block<'a, M: 'a>(ctx: Ctx, b: &Block, images: &'a HashMap<String, image::Handle>, size: f32) -> Element<'a, M> {
    let p = ctx.look.palette();
    match b {
        Block::Heading { level, text: runs } => {
            let s = size
                * if *level <= 1 {
                    1.45
                } else if *level == 2 {
                    1.3
                } else {
                    1.15
                };
            container(inlines(ctx, runs, s)).padding(Padding { top: size * 0.4, ..Padding::ZERO }).into()
        }
        Block::Paragraph(runs) => inlines(ctx, runs, size),
        Block::List { ordered, items } => {
            let mut col = Column::new().spacing(size * 0.4);
            for (i, item) in items.iter().enumerate() {
                let marker = if *ordered { format!("{}.", i + 1) } else { "•".into() };
                let mut inner = Column::new().spacing(size * 0.3);
                for b in item {
                    inner = inner.push(block(ctx, b, images, size));
                }
                col = col.push(row![text(marker).size(size).width(size * 2.0), inner].spacing(4));
            }
            col.into()
        }
        Block::Table { header, rows } => {
            let cell = |runs: &[Inline], strong: bool| -> Element<'a, M> {
                let t = content(ctx.lang, &inline_text(runs));
                let font = iced::Font {
                    weight: if strong { iced::font::Weight::Bold } else { iced::font::Weight::Normal },
                    ..iced::Font::with_name(crate::assets::CJK_FONT_FAMILY)
                };
                container(text(t).size(size * 0.9).font(font))
                    .padding(8)
                    .width(Length::Fill)
                    .style(theme::card(p))
                    .into()
            };
            let mut col = Column::new();
            if !header.is_empty() {
                col = col.push(row(header.iter().map(|c| cell(c, true))));
            }
            for r in rows {
                col = col.push(row(r.iter().map(|c| cell(c, false))));
            }
            col.into()
        }
        Block::Image { src, alt } => match images.get(src) {
            Some(h) => column![
                image(h.clone()).width(Length::Fill),
                text(content(ctx.lang, alt)).size(ctx.look.small()).color(p.muted)
            ]
            .spacing(6)
            .align_x(Alignment::Center)
            .into(),
            None => text(format!("[{}]", content(ctx.lang, alt))).size(size).color(p.muted).into(),
        },
        Block::Quote(inner) => container(blocks(ctx, inner, images, size)).padding([4, 20]).into(),
        Block::Rule => container(text("")).height(1).width(Length::Fill).style(theme::card(p)).into(),
    }
}
