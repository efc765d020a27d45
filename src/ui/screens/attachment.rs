//! One attachment of a document, opened from the reader's attachment list:
//! - a PDF, or an office file through its PDF conversion, page by page: the page drawn large
//!   ([`crate::attachments::pdf::render_page`], in a task), zoom buttons, previous / next page,
//!   "第 3 / 12 页", and print (the original PDF through the app's print dialog, which asks with
//!   the page count and keeps the per-visitor page limit);
//! - a picture, shown as large as the screen allows;
//! - anything the kiosk cannot show (OFD, zip, a damaged file): a card that says so, with the QR
//!   code of the online original.

use std::path::PathBuf;

use iced::widget::{Column, column, container, image, row, text};
use iced::{Alignment, Length, Task};

use super::{Ctx, Event};
use crate::attachments::pdf::{self, PageImage};
use crate::attachments::{self, AttachmentKind};
use crate::content::Attachment;
use crate::print::Printable;
use crate::store::{Store, StoreError};
use crate::ui::Element;
use crate::ui::i18n::{content, t, ta};
use crate::ui::widgets::{self, Icon, scroll};

/// Page widths the zoom buttons step through, as shares of the content area's width.
pub const ZOOMS: [f32; 4] = [0.62, 0.8, 1.0, 1.4];
/// The zoom a document opens at: the whole page width on screen in portrait, a readable width
/// in landscape.
const START_ZOOM: usize = 1;

#[derive(Debug, Clone)]
pub struct AttachmentView {
    pub doc_id: String,
    pub doc_title: String,
    pub attachment: Attachment,
    pub kind: AttachmentKind,
    pub body: Body,
    pub scroll: scroll::Scroll,
}

/// What the screen shows.
#[derive(Debug, Clone)]
pub enum Body {
    Pages(Pages),
    Picture(image::Handle),
    /// The kiosk cannot show it: why, and the QR code of the online original.
    Card {
        reason: CardReason,
        qr: Option<image::Handle>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardReason {
    /// A kind of file the kiosk does not show (OFD, zip, …): its extension.
    Unshowable(String),
    /// A damaged file (the detail is in the log).
    Broken,
    /// Video or audio (played on the phone through the QR code).
    Media,
}

/// A PDF shown page by page.
#[derive(Debug, Clone)]
pub struct Pages {
    pub file: PathBuf,
    /// The sha256 of the PDF (what printing sends).
    pub pdf: String,
    pub count: u32,
    /// The page on show, from 1.
    pub page: u32,
    pub zoom: usize,
    pub image: Option<(u32, u32, image::Handle)>,
    /// The page being drawn (its number and zoom), while a task draws it.
    pub pending: Option<(u32, usize)>,
    /// Why the page could not be drawn (for the log; the visitor sees a plain message).
    pub error: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Message {
    NextPage,
    PreviousPage,
    ZoomIn,
    ZoomOut,
    Print,
    /// A page drawn by its task: page, zoom, the picture or what went wrong.
    Drawn(u32, usize, Result<PageImage, String>),
    Scroll(scroll::Message),
}

impl Message {
    pub fn is_touch(&self) -> bool {
        match self {
            Message::NextPage | Message::PreviousPage | Message::ZoomIn | Message::ZoomOut | Message::Print => true,
            Message::Drawn(..) => false,
            Message::Scroll(m) => m.is_touch(),
        }
    }
}

/// Reads attachment `index` of document `doc_id` (runs in a task): which file it shows and how.
pub fn load(store: &Store, doc_id: &str, index: usize, page: Option<u32>) -> Result<AttachmentView, StoreError> {
    let not_found = |reason: &str| StoreError::Corrupt {
        path: store.path().to_path_buf(),
        id: doc_id.to_string(),
        reason: reason.to_string(),
    };
    let doc = store.document(doc_id)?.ok_or_else(|| not_found("no such document"))?;
    let attachment = doc.attachments.get(index).cloned().ok_or_else(|| not_found("no such attachment"))?;
    let kind = AttachmentKind::of(&attachment.blob);
    let qr = || doc.url.as_deref().and_then(widgets::qr_data);
    let card = |reason| Body::Card { reason, qr: qr() };
    let problem = attachment.derived.as_ref().and_then(|d| d.problem.clone());
    let body = match kind {
        AttachmentKind::Pdf | AttachmentKind::Office => {
            match (attachment.view_pdf().and_then(|b| store.blobs().path(&b.sha256).map(|p| (b, p))), &problem) {
                (Some((blob, file)), None) => {
                    let count = attachment.derived.as_ref().and_then(|d| d.pages).unwrap_or(0);
                    Body::Pages(Pages {
                        file,
                        pdf: blob.sha256.clone(),
                        count,
                        page: page.unwrap_or(1).clamp(1, count.max(1)),
                        zoom: START_ZOOM,
                        image: None,
                        pending: None,
                        error: None,
                    })
                }
                (_, Some(p)) => {
                    tracing::warn!(document = doc_id, attachment = %attachment.title, problem = %p, "attachment not shown");
                    card(CardReason::Broken)
                }
                (None, None) => card(CardReason::Broken),
            }
        }
        AttachmentKind::Image => match store.blobs().image(&attachment.blob.sha256) {
            Ok(img) => {
                let rgba = img.to_rgba8();
                let (w, h) = rgba.dimensions();
                Body::Picture(image::Handle::from_rgba(w, h, rgba.into_raw()))
            }
            Err(e) => {
                tracing::warn!(document = doc_id, attachment = %attachment.title, error = %e, "picture not shown");
                card(CardReason::Broken)
            }
        },
        AttachmentKind::Video | AttachmentKind::Audio => card(CardReason::Media),
        AttachmentKind::Other => {
            let ext = std::path::Path::new(&attachment.blob.name)
                .extension()
                .map(|e| e.to_string_lossy().to_uppercase())
                .unwrap_or_default();
            card(CardReason::Unshowable(ext))
        }
    };
    Ok(AttachmentView {
        doc_id: doc_id.to_string(),
        doc_title: doc.title.clone(),
        attachment,
        kind,
        body,
        scroll: scroll::Scroll::default(),
    })
}

/// The width a page is drawn at for the content area `ctx` and a zoom step.
pub fn page_width(ctx: Ctx, zoom: usize) -> u32 {
    let area = if ctx.width > 0.0 { ctx.width } else { 1800.0 };
    ((area - 40.0).max(300.0) * ZOOMS[zoom.min(ZOOMS.len() - 1)]) as u32
}

/// Draws a page off the UI thread.
fn draw(file: PathBuf, page: u32, zoom: usize, width: u32) -> Task<Message> {
    Task::perform(async move { pdf::render_page(&file, page, width).map_err(|e| e.to_string()) }, move |r| {
        Message::Drawn(page, zoom, r)
    })
}

impl AttachmentView {
    /// The screen came on show: the first page is drawn.
    pub fn on_enter(&mut self, ctx: Ctx) -> Task<Message> {
        match &mut self.body {
            Body::Pages(p) if p.image.is_none() && p.pending.is_none() => Self::show(p, ctx),
            _ => Task::none(),
        }
    }

    fn show(p: &mut Pages, ctx: Ctx) -> Task<Message> {
        p.pending = Some((p.page, p.zoom));
        draw(p.file.clone(), p.page, p.zoom, page_width(ctx, p.zoom))
    }

    pub fn update(&mut self, message: Message, ctx: Ctx) -> (Task<Message>, Option<Event>) {
        if let Message::Scroll(m) = message {
            self.scroll.update(m);
            return (Task::none(), None);
        }
        let Body::Pages(p) = &mut self.body else { return (Task::none(), None) };
        match message {
            Message::NextPage if p.page < p.count => {
                p.page += 1;
                self.scroll.update(scroll::Message::Top);
                (Self::show(p, ctx), None)
            }
            Message::PreviousPage if p.page > 1 => {
                p.page -= 1;
                self.scroll.update(scroll::Message::Top);
                (Self::show(p, ctx), None)
            }
            Message::ZoomIn if p.zoom + 1 < ZOOMS.len() => {
                p.zoom += 1;
                (Self::show(p, ctx), None)
            }
            Message::ZoomOut if p.zoom > 0 => {
                p.zoom -= 1;
                (Self::show(p, ctx), None)
            }
            Message::Print => (
                Task::none(),
                Some(Event::Print(Printable::Attachment { doc: self.doc_id.clone(), pdf: p.pdf.clone() })),
            ),
            Message::Drawn(page, zoom, result) => {
                // only the page and zoom asked for last (a quick visitor taps faster than pages draw)
                if p.pending == Some((page, zoom)) {
                    p.pending = None;
                    match result {
                        Ok(img) => {
                            p.error = None;
                            p.image = Some((
                                img.width,
                                img.height,
                                image::Handle::from_rgba(img.width, img.height, img.rgba),
                            ));
                        }
                        Err(e) => {
                            tracing::warn!(document = %self.doc_id, attachment = %self.attachment.title, page, error = %e, "page not drawn");
                            p.image = None;
                            p.error = Some(e);
                        }
                    }
                }
                (Task::none(), None)
            }
            _ => (Task::none(), None),
        }
    }

    /// The page on show and the number of pages ("第 3 / 12 页"), for the tests.
    pub fn position(&self) -> Option<(u32, u32)> {
        match &self.body {
            Body::Pages(p) => Some((p.page, p.count)),
            _ => None,
        }
    }

    pub fn view(&self, ctx: Ctx) -> Element<'_, Message> {
        let l = ctx.lang;
        let look = ctx.look;
        let p = look.palette();
        let title = column![
            text(content(l, &self.attachment.title)).size(look.title()),
            text(format!("{}　{}", t(l, "attachment-of"), content(l, &self.doc_title)))
                .size(look.small())
                .color(p.muted),
        ]
        .spacing(6);
        match &self.body {
            Body::Pages(pages) => {
                let page_label =
                    ta(l, "attachment-page-of", &[("page", pages.page.into()), ("pages", pages.count.into())]);
                let tools = [
                    widgets::icon_action(
                        ctx,
                        Icon::Up,
                        t(l, "attachment-previous-page"),
                        (pages.page > 1).then_some(Message::PreviousPage),
                        false,
                    ),
                    container(text(page_label).size(look.body())).center_y(look.target()).padding([0, 8]).into(),
                    widgets::icon_action(
                        ctx,
                        Icon::Down,
                        t(l, "attachment-next-page"),
                        (pages.page < pages.count).then_some(Message::NextPage),
                        true,
                    ),
                    widgets::icon_action(
                        ctx,
                        Icon::Smaller,
                        t(l, "attachment-zoom-out"),
                        (pages.zoom > 0).then_some(Message::ZoomOut),
                        false,
                    ),
                    widgets::icon_action(
                        ctx,
                        Icon::Bigger,
                        t(l, "attachment-zoom-in"),
                        (pages.zoom + 1 < ZOOMS.len()).then_some(Message::ZoomIn),
                        false,
                    ),
                    widgets::icon_action(ctx, Icon::Printer, t(l, "attachment-print"), Some(Message::Print), false),
                ];
                let toolbar: Element<'_, Message> =
                    iced::widget::Row::with_children(tools).spacing(10).wrap().vertical_spacing(10).into();
                let page: Element<'_, Message> = match (&pages.image, &pages.error) {
                    (_, Some(_)) => widgets::card(ctx, widgets::body(ctx, t(l, "attachment-page-broken"))),
                    (Some((w, h, handle)), None) => container(
                        image(handle.clone())
                            .width(*w as f32)
                            .height(*h as f32)
                            .filter_method(image::FilterMethod::Linear),
                    )
                    .style(move |_| container::Style {
                        border: iced::Border { color: p.muted, width: 1.0, radius: 0.0.into() },
                        ..Default::default()
                    })
                    .into(),
                    (None, None) => widgets::muted(ctx, t(l, "attachment-opening")),
                };
                let sheet = container(page).center_x(Length::Fill);
                let area = scroll::area(ctx, &self.scroll, sheet, Message::Scroll, true);
                column![title, toolbar, area].spacing(look.gap()).padding([0.0, look.gap()]).height(Length::Fill).into()
            }
            Body::Picture(handle) => {
                let pic = container(image(handle.clone()).width(Length::Fill)).center_x(Length::Fill);
                let area = scroll::area(ctx, &self.scroll, pic, Message::Scroll, true);
                column![title, area].spacing(look.gap()).padding([0.0, look.gap()]).height(Length::Fill).into()
            }
            Body::Card { reason, qr } => {
                let say = match reason {
                    CardReason::Unshowable(ext) => ta(l, "attachment-cannot-show", &[("type", ext.clone().into())]),
                    CardReason::Broken => t(l, "attachment-broken"),
                    CardReason::Media => t(l, "attachment-media-on-phone"),
                };
                let mut inner =
                    Column::new().spacing(look.gap()).align_x(Alignment::Center).push(widgets::body(ctx, say));
                inner = match qr {
                    Some(data) => inner.push(widgets::qr(ctx, data, t(l, "reader-qr"), 260.0)),
                    None => inner.push(widgets::muted(ctx, t(l, "attachment-no-url"))),
                };
                let card = widgets::card(ctx, inner);
                column![title, row![container(card).center_x(Length::Fill)]]
                    .spacing(look.gap())
                    .padding([0.0, look.gap()])
                    .height(Length::Fill)
                    .into()
            }
        }
    }
}

/// An attachment's kind in words and picture, for the reader's list.
pub fn kind_icon(a: &Attachment) -> Icon {
    match AttachmentKind::of(&a.blob) {
        AttachmentKind::Pdf => Icon::PdfFile,
        AttachmentKind::Office => Icon::Sheet,
        AttachmentKind::Image => Icon::Policy,
        AttachmentKind::Video => Icon::Video,
        AttachmentKind::Audio => Icon::Audio,
        AttachmentKind::Other => Icon::Archive,
    }
}

/// The line under an attachment's title in the reader: kind, pages (or "scanned"), size.
pub fn summary(ctx: Ctx, a: &Attachment) -> String {
    let l = ctx.lang;
    let ext = std::path::Path::new(&a.blob.name).extension().map(|e| e.to_string_lossy().to_lowercase());
    let kind = match (AttachmentKind::of(&a.blob), ext.as_deref()) {
        (AttachmentKind::Pdf, _) => t(l, "attachment-kind-pdf"),
        (AttachmentKind::Office, Some("xlsx" | "xls")) => t(l, "attachment-kind-sheet"),
        (AttachmentKind::Office, _) => t(l, "attachment-kind-text"),
        (AttachmentKind::Image, _) => t(l, "attachment-kind-image"),
        (AttachmentKind::Video, _) => t(l, "attachment-kind-video"),
        (AttachmentKind::Audio, _) => t(l, "attachment-kind-audio"),
        (AttachmentKind::Other, e) => {
            ta(l, "attachment-kind-other", &[("type", e.unwrap_or("?").to_uppercase().into())])
        }
    };
    let mut parts = vec![kind];
    if attachments::is_scanned(a) {
        parts.push(t(l, "attachment-scanned"));
    } else if let Some(n) = a.derived.as_ref().and_then(|d| d.pages) {
        parts.push(ta(l, "attachment-pages", &[("pages", n.into())]));
    }
    if let Some(ms) = a.derived.as_ref().and_then(|d| d.duration_ms) {
        let s = ms.div_ceil(1000);
        parts.push(format!("{}:{:02}", s / 60, s % 60));
    }
    parts.push(size_label(ctx, a.blob.size));
    parts.join("　")
}

fn size_label(ctx: Ctx, bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        ta(ctx.lang, "attachment-size-mb", &[("n", format!("{:.1}", bytes as f64 / 1048576.0).into())])
    } else {
        ta(ctx.lang, "attachment-size-kb", &[("n", bytes.div_ceil(1024).max(1).into())])
    }
}
