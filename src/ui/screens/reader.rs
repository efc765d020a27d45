//! The reader: a document's metadata header, its attachments (kind, title, size, pages; one tap
//! opens one), its body (headings, tables, images), text size and
//! page buttons, the linked interpretation or policy, a QR code of the online original, voice
//! reading and a print button. A 视频解读 or audio interpretation (an interpretation whose first
//! attachment is a video or a recording) has its player at the top, under the title: it starts
//! playing when the document opens, with its captions, and stops when the visitor leaves.

use std::collections::HashMap;
use std::sync::OnceLock;

use iced::widget::{Column, column, container, image, row, text};
use iced::{Alignment, Length, Task};

use super::{Ctx, Env, Event, Route, attachment};
use crate::attachments::AttachmentKind;
use crate::config::Language;
use crate::content::markdown::{self, Block};
use crate::content::{DocKind, Document};
use crate::print::Printable;
use crate::store::{DocSummary, Store, StoreError};
use crate::ui::Element;
use crate::ui::i18n::{content, t};
use crate::ui::widgets::{self, Icon, scroll, voice};

/// Text sizes the A− / A+ buttons step through, as multiples of the body size.
pub const SCALES: [f32; 5] = [0.9, 1.0, 1.2, 1.45, 1.75];

#[derive(Debug, Clone)]
pub struct Reader {
    pub doc: Document,
    pub blocks: Vec<Block>,
    /// The body in traditional characters, made the first time 繁體 shows it.
    blocks_hant: OnceLock<Vec<Block>>,
    pub interpretations: Vec<DocSummary>,
    pub policy: Option<DocSummary>,
    pub images: HashMap<String, image::Handle>,
    pub qr: Option<iced::widget::image::Handle>,
    pub scale: usize,
    /// Reading this document aloud (the app stops the speaker when the screen is left).
    pub voice: voice::Voice,
    pub scroll: scroll::Scroll,
    /// The player of a 视频解读 or audio interpretation (its first attachment).
    pub media: Option<Box<attachment::MediaView>>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Bigger,
    Smaller,
    PageDown,
    PageUp,
    Top,
    Open(String),
    Voice(voice::Message),
    /// Attachment `n` of the document (its place in the list).
    OpenAttachment(usize),
    Print,
    Scroll(scroll::Message),
    /// The player of a 视频解读 or audio interpretation.
    Media(attachment::Message),
}

impl Message {
    pub fn is_touch(&self) -> bool {
        match self {
            Message::Bigger
            | Message::Smaller
            | Message::PageDown
            | Message::PageUp
            | Message::Top
            | Message::Open(_)
            | Message::Voice(_)
            | Message::OpenAttachment(_)
            | Message::Print => true,
            Message::Scroll(m) => m.is_touch(),
            Message::Media(m) => m.is_touch(),
        }
    }
}

/// Reads a document with its links and decodes its images.
pub fn load(store: &Store, id: &str) -> Result<Reader, StoreError> {
    let doc = store.document(id)?.ok_or_else(|| StoreError::Corrupt {
        path: store.path().to_path_buf(),
        id: id.to_string(),
        reason: "no such document".into(),
    })?;
    let interpretations = store.interpretations_of(id)?;
    let policy = store.policy_of(id)?;
    let mut images = HashMap::new();
    for im in &doc.images {
        match store.blobs().image(&im.blob.sha256) {
            Ok(img) => {
                let rgba = img.to_rgba8();
                let (w, h) = rgba.dimensions();
                images.insert(im.src.clone(), image::Handle::from_rgba(w, h, rgba.into_raw()));
            }
            Err(e) => tracing::warn!(document = id, image = %im.src, error = %e, "image could not be decoded"),
        }
    }
    let qr = doc.url.as_deref().and_then(widgets::qr_data);
    let blocks = markdown::blocks(&doc.body);
    let media = interpretation_media(&doc).and_then(|a| match attachment::media_view(store, id, a) {
        Ok(m) => Some(Box::new(m)),
        Err(reason) => {
            // the attachment list still offers it; its screen shows the card with the reason
            tracing::warn!(document = id, ?reason, "the interpretation's video or recording cannot be played here");
            None
        }
    });
    Ok(Reader {
        doc,
        blocks,
        blocks_hant: OnceLock::new(),
        interpretations,
        policy,
        images,
        qr,
        scale: 1,
        voice: voice::Voice::default(),
        scroll: scroll::Scroll::default(),
        media,
    })
}

/// The video or recording a 视频解读 or audio interpretation is about: an interpretation's first
/// attachment, when it is a video or audio file (docs/content-format.md).
pub fn interpretation_media(doc: &Document) -> Option<&crate::content::Attachment> {
    let first = doc.attachments.first().filter(|_| doc.kind == DocKind::Interpretation)?;
    matches!(AttachmentKind::of(&first.blob), AttachmentKind::Video | AttachmentKind::Audio).then_some(first)
}

fn to_traditional(blocks: &[Block]) -> Vec<Block> {
    use crate::content::markdown::Inline;
    let runs = |v: &[Inline]| -> Vec<Inline> {
        v.iter().map(|r| Inline { text: crate::ui::i18n::to_traditional(&r.text), ..r.clone() }).collect()
    };
    blocks
        .iter()
        .map(|b| match b {
            Block::Heading { level, text } => Block::Heading { level: *level, text: runs(text) },
            Block::Paragraph(v) => Block::Paragraph(runs(v)),
            Block::List { ordered, items } => {
                Block::List { ordered: *ordered, items: items.iter().map(|i| to_traditional(i)).collect() }
            }
            Block::Table { header, rows } => Block::Table {
                header: header.iter().map(|c| runs(c)).collect(),
                rows: rows.iter().map(|r| r.iter().map(|c| runs(c)).collect()).collect(),
            },
            Block::Image { src, alt } => Block::Image { src: src.clone(), alt: crate::ui::i18n::to_traditional(alt) },
            Block::Quote(inner) => Block::Quote(to_traditional(inner)),
            Block::Rule => Block::Rule,
        })
        .collect()
}

impl Reader {
    /// Whether the voice is reading this document (or paused in it).
    pub fn is_speaking(&self) -> bool {
        self.voice.is_on()
    }

    /// The document came on show: its interpretation's video or recording starts.
    pub fn on_enter(&mut self, env: &Env) -> Task<Message> {
        match self.media.as_mut() {
            Some(m) => m.on_enter(env.ctx, env.config.sound.enabled).map(Message::Media),
            None => Task::none(),
        }
    }

    /// Leaving the document stops its player.
    pub fn on_leave(&mut self) {
        if let Some(m) = self.media.as_mut() {
            m.stop();
        }
    }

    pub fn update(&mut self, message: Message, ctx: Ctx) -> (Task<Message>, Option<Event>) {
        match message {
            Message::Media(m) => {
                let Some(media) = self.media.as_mut() else { return (Task::none(), None) };
                let task = media.update(m, ctx).map(Message::Media);
                // the interpretation and the voice never sound at once: playing stops the reading
                let stop = media.is_playing() && self.voice.is_on();
                let command = if stop { self.voice.update(voice::Message::Stop, String::new) } else { None };
                return (task, command.map(Event::Voice));
            }
            Message::Bigger => self.scale = (self.scale + 1).min(SCALES.len() - 1),
            Message::Smaller => self.scale = self.scale.saturating_sub(1),
            Message::PageDown => self.scroll.update(scroll::Message::Page(1)),
            Message::PageUp => self.scroll.update(scroll::Message::Page(-1)),
            Message::Top => self.scroll.update(scroll::Message::Top),
            Message::Scroll(m) => self.scroll.update(m),
            Message::Open(id) => return (Task::none(), Some(Event::Open(Route::Document(id)))),
            Message::OpenAttachment(index) => {
                let route = Route::Attachment { doc: self.doc.id.clone(), index, page: None };
                return (Task::none(), Some(Event::Open(route)));
            }
            Message::Voice(m) => {
                let command = self.voice.update(m, || crate::speech::document_text(&self.doc));
                // reading (or reading on) pauses the interpretation's video or recording
                if matches!(command, Some(voice::Command::Start(_) | voice::Command::Resume))
                    && let Some(media) = self.media.as_mut()
                {
                    media.pause();
                }
                return (Task::none(), command.map(Event::Voice));
            }
            Message::Print => return (Task::none(), Some(Event::Print(Printable::Document(self.doc.id.clone())))),
        }
        (Task::none(), None)
    }

    pub fn view(&self, ctx: Ctx) -> Element<'_, Message> {
        let l = ctx.lang;
        let look = ctx.look;
        let p = look.palette();
        let d = &self.doc;
        let field = |key: &str, value: String| -> Element<'_, Message> {
            row![
                text(t(l, key)).size(look.small()).color(p.muted).width(if look.large { 150 } else { 120 }),
                text(value).size(look.small()),
            ]
            .spacing(8)
            .into()
        };
        let date =
            |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_else(|| "—".into());
        let mut meta = Column::new().spacing(6);
        meta = meta.push(field("meta-index-no", d.index_no.clone().unwrap_or_else(|| "—".into())));
        meta = meta.push(field("meta-publisher", content(l, &d.publisher)));
        meta = meta.push(field("meta-doc-no", content(l, d.doc_no.as_deref().unwrap_or("—"))));
        meta = meta.push(field("meta-written", date(d.written)));
        meta = meta.push(field("meta-published", date(Some(d.published))));
        meta = meta.push(field("meta-validity", widgets::validity_label(ctx, d.validity)));
        meta = meta.push(field("meta-kind", widgets::kind_label(ctx, d.kind)));

        let mut side = Column::new().spacing(look.gap()).align_x(Alignment::Center);
        match &self.qr {
            Some(data) => {
                side = side.push(widgets::qr(ctx, data, t(l, "reader-qr"), if ctx.portrait { 200.0 } else { 220.0 }))
            }
            None => side = side.push(widgets::muted(ctx, t(l, "reader-no-qr"))),
        }
        let header = row![widgets::card(ctx, meta), side].spacing(look.gap()).align_y(Alignment::Center);

        let mut links = Column::new().spacing(8);
        if let Some(policy) = &self.policy {
            links = links.push(widgets::muted(ctx, t(l, "reader-policy")));
            links = links.push(widgets::doc_row(ctx, policy, Message::Open(policy.id.clone())));
        }
        if !self.interpretations.is_empty() {
            links = links.push(widgets::muted(ctx, t(l, "reader-interpretations")));
            for i in &self.interpretations {
                links = links.push(widgets::doc_row(ctx, i, Message::Open(i.id.clone())));
            }
        }

        let mut files = Column::new().spacing(8);
        if !d.attachments.is_empty() {
            files = files.push(widgets::muted(ctx, t(l, "attachments-heading")));
            for (i, a) in d.attachments.iter().enumerate() {
                files = files.push(attachment_row(ctx, a, Message::OpenAttachment(i)));
            }
        }

        let size = look.body() * SCALES[self.scale];
        let (blocks, body_ctx) = if l == Language::ZhHant {
            (
                self.blocks_hant.get_or_init(|| to_traditional(&self.blocks)).as_slice(),
                Ctx { lang: Language::ZhHans, ..ctx },
            )
        } else {
            (self.blocks.as_slice(), ctx)
        };
        let body = widgets::blocks(body_ctx, blocks, &self.images, size);

        let player: Element<'_, Message> = match &self.media {
            Some(m) => m.view(ctx).map(Message::Media),
            None => Column::new().into(),
        };
        let doc = column![
            text(content(l, &d.title)).size(look.title()),
            player,
            header,
            files,
            links,
            container(body).padding([look.gap(), 0.0]),
            widgets::icon_action(ctx, Icon::Top, t(l, "reader-top"), Some(Message::Top), false),
        ]
        .spacing(look.gap())
        .padding([0.0, look.gap()]);
        // the toolbar has the page buttons
        let scroll = scroll::area(ctx, &self.scroll, doc, Message::Scroll, false);

        let tools = [
            widgets::icon_action(
                ctx,
                Icon::Smaller,
                t(l, "reader-smaller"),
                (self.scale > 0).then_some(Message::Smaller),
                false,
            ),
            widgets::icon_action(
                ctx,
                Icon::Bigger,
                t(l, "reader-bigger"),
                (self.scale + 1 < SCALES.len()).then_some(Message::Bigger),
                false,
            ),
            widgets::icon_action(ctx, Icon::Up, t(l, "reader-page-up"), Some(Message::PageUp), false),
            widgets::icon_action(ctx, Icon::Down, t(l, "reader-page-down"), Some(Message::PageDown), true),
        ]
        .into_iter()
        .chain(self.voice.buttons(ctx, Message::Voice))
        .chain([widgets::icon_action(ctx, Icon::Printer, t(l, "reader-print"), Some(Message::Print), false)]);
        let toolbar: Element<'_, Message> =
            iced::widget::Row::with_children(tools).spacing(10).wrap().vertical_spacing(10).into();
        column![toolbar].extend(self.voice.strip(ctx)).push(scroll).spacing(look.gap()).height(Length::Fill).into()
    }
}

/// An attachment as a list row: its kind's picture, title, and kind, pages and size; tap to open.
fn attachment_row<'a>(ctx: Ctx, a: &crate::content::Attachment, msg: Message) -> Element<'a, Message> {
    use crate::ui::screens::attachment;
    let p = ctx.look.palette();
    crate::ui::widgets::tap(
        row![
            widgets::icon(attachment::kind_icon(a), ctx.look.body() * 1.6, p.ink),
            column![
                text(content(ctx.lang, &a.title)).size(ctx.look.body()),
                text(attachment::summary(ctx, a)).size(ctx.look.small()).color(p.muted)
            ]
            .spacing(6)
            .width(Length::Fill),
        ]
        .spacing(16)
        .align_y(Alignment::Center),
        Some(msg),
    )
    .width(Length::Fill)
    .padding([12, 18])
    .style(crate::ui::theme::button_style(p, crate::ui::theme::Button::Row))
    .into()
}
