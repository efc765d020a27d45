//! One attachment of a document, opened from the reader's attachment list:
//! - a PDF, or an office file through its PDF conversion, page by page: the page drawn large
//!   ([`crate::attachments::pdf::render_page`], in a task), zoom buttons, previous / next page;
//!   zoomed wider than the screen, the page is shown 1:1 and moved sideways by "向左移 / 向右移"
//!   or a one-finger swipe (never squeezed back to fit),
//!   "第 3 / 12 页", and print (the original PDF through the app's print dialog, which asks with
//!   the page count and keeps the per-visitor page limit);
//! - a picture, shown as large as the screen allows;
//! - a video or audio interpretation played here ([`crate::media::Player`]: FFmpeg processes):
//!   large play/pause and restart buttons, a progress bar, volume, the captions under the
//!   picture (audio: the progress bar and the transcript); it starts when the screen opens and
//!   stops when the visitor leaves it or the kiosk resets for the next visitor;
//! - anything the kiosk cannot show (OFD, zip, a damaged file): a card that says so, with the QR
//!   code of the online original.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use iced::widget::{Column, column, container, image, row, text};
use iced::{Alignment, Length, Task};

use super::{Ctx, Env, Event};
use crate::attachments::captions::{self, Cue};
use crate::attachments::pdf::{self, PageImage};
use crate::attachments::{self, AttachmentKind};
use crate::content::Attachment;
use crate::media::{MediaError, MediaInfo, PlayOptions, Player, Sink};
use crate::print::Printable;
use crate::store::{Store, StoreError};
use crate::ui::Element;
use crate::ui::i18n::{content, t, ta};
use crate::ui::widgets::{self, Icon, scroll};

/// Page widths the zoom buttons step through, as shares of the content area's width (1.0: the
/// page as wide as the viewer); the steps offered end at [`MAX_PAGE_WIDTH`] ([`top_zoom`]).
pub const ZOOMS: [f32; 6] = [0.62, 0.8, 1.0, 1.35, 1.8, 2.4];
/// The widest a page is drawn (pixels): in portrait (about 1040 wide) the top step is 2.4, a
/// budget table's text about 40 px; in landscape 1.35. Wider would cost memory for no use.
pub const MAX_PAGE_WIDTH: u32 = 2600;
/// Room the scroll area's bar takes beside its content (the scrollbar and its spacing).
const SCROLLBAR_ROOM: f32 = 18.0;
/// A tap on "向左移 / 向右移" moves the page by this share of the viewer's width.
const PAN_SHARE: f32 = 0.6;
/// The zoom a document opens at in landscape (a readable width); portrait opens one step
/// larger (the page as wide as the screen).
const START_ZOOM: usize = 1;
/// The page's box on screen (the tests find it by this).
pub const PAGE_ID: &str = "attachment-page";

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
    Media(Box<MediaView>),
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
    /// Video or audio that cannot be played here: FFmpeg missing (it plays on the phone).
    NoPlayer,
    /// A damaged or incomplete video or audio file.
    BrokenMedia,
}

/// Volume steps of the louder / quieter buttons.
const VOLUME_STEP: u8 = 20;

/// A video or audio file and its playback.
#[derive(Debug, Clone)]
pub struct MediaView {
    pub file: PathBuf,
    pub info: MediaInfo,
    pub cues: Vec<Cue>,
    pub transcript: Option<String>,
    pub volume: u8,
    /// The playback, shared by the screen's copies so that leaving stops it wherever it is.
    player: Arc<Mutex<Option<Player>>>,
    pub frame: Option<image::Handle>,
    pub position_ms: u64,
    pub playing: bool,
    pub finished: bool,
    /// What went wrong while playing (the visitor sees a plain message).
    pub error: Option<MediaError>,
    /// The kiosk's sound is on (`[sound] enabled`): off, a video plays silently (its sound not
    /// even decoded) and an audio interpretation is not played (the screen says so and shows the
    /// transcript).
    pub sound: bool,
    /// A task awaits the player's news (one at a time: a restart hands it to the new player).
    watching: bool,
}

impl MediaView {
    fn player(&self) -> std::sync::MutexGuard<'_, Option<Player>> {
        self.player.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Frames decoded, shown and dropped so far (for the tests and the log).
    pub fn status(&self) -> Option<crate::media::PlayerStatus> {
        self.player().as_ref().map(Player::status)
    }

    /// How many FFmpeg processes decode for the playback (for the tests).
    pub fn decoders(&self) -> usize {
        self.player().as_ref().map_or(0, Player::decoders)
    }

    fn start(&mut self, from_ms: u64, ctx: Ctx) -> Task<Message> {
        if !self.can_play() {
            return Task::none();
        }
        let (w, h) = video_size(ctx, &self.info);
        let sink = if self.sound { Sink::Default } else { Sink::None };
        let opts = PlayOptions { width: w, height: h, volume: self.volume, sink };
        let started = Player::start(&self.file, &self.info, from_ms, &opts);
        let mut slot = self.player();
        *slot = None; // the old playback stops first
        match started {
            Ok(p) => {
                *slot = Some(p);
                drop(slot);
                self.playing = true;
                self.finished = false;
                self.error = None;
                self.position_ms = from_ms;
                // the old player's waiting task, woken by its stop, goes on with the new one
                if self.watching { Task::none() } else { self.watch() }
            }
            Err(e) => {
                drop(slot);
                tracing::warn!(file = %self.file.display(), error = %e, "cannot play");
                self.playing = false;
                self.error = Some(e);
                Task::none()
            }
        }
    }

    /// Stops the playback (leaving the screen, the idle reset), logging what it did.
    pub fn stop(&mut self) {
        if let Some(mut p) = self.player().take() {
            let s = p.status();
            tracing::info!(
                file = %self.file.display(),
                frames_decoded = s.frames_decoded,
                frames_shown = s.frames_shown,
                frames_dropped = s.frames_dropped,
                frames_late = s.frames_late,
                frames_replaced = s.frames_replaced,
                wall_ms = s.wall.as_millis() as u64,
                shown_span_ms = s.shown_span.as_millis() as u64,
                "playback stopped"
            );
            p.stop();
        }
        self.playing = false;
        self.watching = false;
    }

    /// Takes the newest picture and the clock; whether to keep polling.
    fn poll(&mut self) -> bool {
        let slot = self.player();
        let Some(p) = slot.as_ref() else { return false };
        let frame = p.take_frame();
        let position = p.position_ms();
        let status = p.status();
        drop(slot);
        if let Some(f) = frame {
            self.frame = Some(image::Handle::from_rgba(f.width, f.height, f.rgba));
        }
        self.position_ms = position;
        if status.finished {
            if let Some(e) = status.error {
                tracing::warn!(file = %self.file.display(), error = %e, "playback failed");
                self.error = Some(e);
            } else {
                tracing::info!(
                    file = %self.file.display(),
                    frames_decoded = status.frames_decoded,
                    frames_shown = status.frames_shown,
                    frames_dropped = status.frames_dropped,
                    frames_late = status.frames_late,
                    frames_replaced = status.frames_replaced,
                    wall_ms = status.wall.as_millis() as u64,
                    shown_span_ms = status.shown_span.as_millis() as u64,
                    "playback finished"
                );
            }
            self.player().take();
            self.playing = false;
            self.finished = true;
            return false;
        }
        self.playing
    }
}

/// The size the pictures are decoded at: as wide as the content area allows, at most the
/// video's own size, keeping its shape; room below for captions and buttons.
fn video_size(ctx: Ctx, info: &MediaInfo) -> (u32, u32) {
    let Some((w, h, _)) = info.video else { return (2, 2) };
    let max_w = if ctx.width > 0.0 { ctx.width - 40.0 } else { 1280.0 };
    let max_h = if ctx.height > 0.0 { ctx.height * 0.55 } else { 720.0 };
    let scale = (max_w / w as f32).min(max_h / h as f32).min(1.0);
    (((w as f32 * scale) as u32).max(2) & !1, ((h as f32 * scale) as u32).max(2) & !1)
}

impl MediaView {
    /// Whether there is anything to play: an audio file is not played with the sound off.
    pub fn can_play(&self) -> bool {
        self.sound || self.info.video.is_some()
    }

    /// A task that brings [`Message::Frame`] when the player has news (a new picture, the end,
    /// the clock): one screen update per picture, when the picture is due.
    fn watch(&mut self) -> Task<Message> {
        let news = self.player().as_ref().map(Player::news);
        self.watching = news.is_some();
        match news {
            Some(n) => Task::perform(n, |_| Message::Frame),
            None => Task::none(),
        }
    }

    /// The screen came on show: the playback starts (with the sound as the kiosk sets it).
    pub fn on_enter(&mut self, ctx: Ctx, sound: bool) -> Task<Message> {
        self.sound = sound;
        if !self.playing && !self.finished { self.start(0, ctx) } else { Task::none() }
    }

    /// Whether a playback is running and not paused.
    pub fn is_playing(&self) -> bool {
        self.playing && self.player().as_ref().is_some_and(|p| !p.is_paused())
    }

    /// Pauses the playback if it is playing (the voice starts reading the page).
    pub fn pause(&mut self) {
        if self.is_playing()
            && let Some(p) = self.player().as_ref()
        {
            p.pause();
        }
    }

    pub fn update(&mut self, message: Message, ctx: Ctx) -> Task<Message> {
        match message {
            Message::Frame => {
                return if self.poll() {
                    self.watch()
                } else {
                    self.watching = false;
                    Task::none()
                };
            }
            Message::PlayPause if self.playing => {
                if let Some(p) = self.player().as_ref() {
                    if p.is_paused() {
                        p.resume();
                    } else {
                        p.pause();
                    }
                }
            }
            Message::PlayPause => {
                let from = if self.finished { 0 } else { self.position_ms };
                return self.start(from, ctx);
            }
            Message::Restart => return self.start(0, ctx),
            Message::Louder | Message::Quieter => {
                self.volume = if matches!(message, Message::Louder) {
                    self.volume.saturating_add(VOLUME_STEP).min(100)
                } else {
                    self.volume.saturating_sub(VOLUME_STEP)
                };
                if let Some(p) = self.player().as_ref() {
                    p.set_volume(self.volume);
                }
            }
            _ => {}
        }
        Task::none()
    }
}

/// Reads a video or audio attachment of `doc_id` for playing (captions and transcript from its
/// derivation); what to show instead when it cannot be played.
pub fn media_view(store: &Store, doc_id: &str, attachment: &Attachment) -> Result<MediaView, CardReason> {
    let Some(file) = store.blobs().path(&attachment.blob.sha256) else { return Err(CardReason::BrokenMedia) };
    match crate::media::probe(&file) {
        Ok(info) => {
            let derived = attachment.derived.clone().unwrap_or_default();
            let cues = derived
                .captions
                .as_ref()
                .and_then(|c| store.blobs().path(&c.sha256))
                .and_then(|p| std::fs::read_to_string(p).ok())
                .and_then(|t| captions::parse(&t).ok())
                .unwrap_or_default();
            Ok(MediaView {
                file,
                info,
                cues,
                transcript: derived.transcript,
                volume: 80,
                player: Arc::new(Mutex::new(None)),
                frame: None,
                position_ms: 0,
                playing: false,
                finished: false,
                error: None,
                sound: true,
                watching: false,
            })
        }
        Err(e @ MediaError::ToolMissing { .. }) => {
            tracing::warn!(document = doc_id, attachment = %attachment.title, error = %e, "cannot play here");
            Err(CardReason::NoPlayer)
        }
        Err(e) => {
            tracing::warn!(document = doc_id, attachment = %attachment.title, error = %e, "cannot play");
            Err(CardReason::BrokenMedia)
        }
    }
}

fn clock(ms: u64) -> String {
    let s = ms / 1000;
    format!("{}:{:02}", s / 60, s % 60)
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
    /// The next page, drawn ahead while the visitor reads this one: (page, zoom, picture).
    pub ahead: Option<(u32, usize, (u32, u32, image::Handle))>,
    /// Zoomed wider than the viewer: the page's column at the viewer's left edge (page pixels).
    pub pan: f32,
}

#[derive(Debug, Clone)]
pub enum Message {
    NextPage,
    PreviousPage,
    ZoomIn,
    ZoomOut,
    /// Shows more of the page's left (-1) or right (+1) side.
    Pan(i32),
    Print,
    /// A page drawn by its task: page, zoom, the picture or what went wrong.
    Drawn(u32, usize, Result<PageImage, String>),
    PlayPause,
    Restart,
    Louder,
    Quieter,
    /// Time to take the newest picture from the player.
    Frame,
    Scroll(scroll::Message),
}

impl Message {
    pub fn is_touch(&self) -> bool {
        match self {
            Message::NextPage
            | Message::PreviousPage
            | Message::ZoomIn
            | Message::ZoomOut
            | Message::Pan(_)
            | Message::Print
            | Message::PlayPause
            | Message::Restart
            | Message::Louder
            | Message::Quieter => true,
            Message::Drawn(..) | Message::Frame => false,
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
        AttachmentKind::Pdf | AttachmentKind::Office | AttachmentKind::Ofd => {
            match (attachment.view_pdf().and_then(|b| store.blobs().path(&b.sha256).map(|p| (b, p))), &problem) {
                (Some((blob, file)), None) => {
                    // a pack made before derivation existed carries no page count: ask poppler
                    let count = match attachment.derived.as_ref().and_then(|d| d.pages) {
                        Some(n) => n,
                        None => pdf::page_count(&file).unwrap_or_else(|e| {
                            tracing::warn!(document = doc_id, error = %e, "no page count");
                            0
                        }),
                    };
                    if count == 0 {
                        card(CardReason::Broken)
                    } else {
                        Body::Pages(Pages {
                            file,
                            pdf: blob.sha256.clone(),
                            count,
                            page: page.unwrap_or(1).clamp(1, count),
                            zoom: START_ZOOM,
                            image: None,
                            pending: None,
                            error: None,
                            ahead: None,
                            pan: 0.0,
                        })
                    }
                }
                // an OFD file that was not converted (no converter where it was published, or a
                // file the converter cannot read): the card for a kind the kiosk cannot show
                (None, Some(p)) if kind == AttachmentKind::Ofd => {
                    tracing::warn!(document = doc_id, attachment = %attachment.title, problem = %p, "attachment not shown");
                    card(CardReason::Unshowable(extension(&attachment)))
                }
                (_, Some(p)) => {
                    tracing::warn!(document = doc_id, attachment = %attachment.title, problem = %p, "attachment not shown");
                    card(CardReason::Broken)
                }
                // an office or OFD file without its conversion (a pack from before derivation
                // existed)
                (None, None) if kind.is_converted() => card(CardReason::Unshowable(extension(&attachment))),
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
        AttachmentKind::Video | AttachmentKind::Audio => match media_view(store, doc_id, &attachment) {
            Ok(m) => Body::Media(Box::new(m)),
            Err(reason) => card(reason),
        },
        AttachmentKind::Other => card(CardReason::Unshowable(extension(&attachment))),
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

/// A file's extension in capitals ("ZIP", "OFD"), for the card that says it cannot be shown.
fn extension(a: &Attachment) -> String {
    std::path::Path::new(&a.blob.name).extension().map(|e| e.to_string_lossy().to_uppercase()).unwrap_or_default()
}

/// The width a page is drawn at for the content area `ctx` and a zoom step: at 1.0 as wide as
/// the viewer (the content area less the screen's margins and the scroll bar).
pub fn page_width(ctx: Ctx, zoom: usize) -> u32 {
    let area = if ctx.width > 0.0 { ctx.width } else { 1800.0 };
    ((area - 2.0 * ctx.look.gap() - SCROLLBAR_ROOM).max(300.0) * ZOOMS[zoom.min(ZOOMS.len() - 1)]) as u32
}

/// The largest zoom step offered in `ctx`: the last whose page is at most [`MAX_PAGE_WIDTH`]
/// wide (at least the page as wide as the viewer).
pub fn top_zoom(ctx: Ctx) -> usize {
    (0..ZOOMS.len()).rev().find(|&z| page_width(ctx, z) <= MAX_PAGE_WIDTH).unwrap_or(0).max(2)
}

/// The width the viewer gives a page: as last laid out, at most what it gives with its scroll
/// bar showing (a page that did not fill the height had the bar's room too).
fn viewer_width(ctx: Ctx, scroll: &scroll::Scroll) -> f32 {
    let with_bar = page_width(ctx, 2) as f32;
    match scroll.geometry() {
        Some(g) if g.width > 0.0 => g.width.min(with_bar),
        _ => with_bar,
    }
}

/// The farthest a page `width` wide moves left in a viewer `viewer` wide.
fn max_pan(width: u32, viewer: f32) -> f32 {
    (width as f32 - viewer).max(0.0).floor()
}

/// Draws a page off the UI thread.
fn draw(file: PathBuf, page: u32, zoom: usize, width: u32) -> Task<Message> {
    Task::perform(async move { pdf::render_page(&file, page, width).map_err(|e| e.to_string()) }, move |r| {
        Message::Drawn(page, zoom, r)
    })
}

impl AttachmentView {
    /// The screen came on show: the first page is drawn, a video or audio starts.
    pub fn on_enter(&mut self, env: &Env) -> Task<Message> {
        let ctx = env.ctx;
        match &mut self.body {
            Body::Pages(p) if p.image.is_none() && p.pending.is_none() => {
                // portrait: the page as wide as the screen; landscape: a readable width
                p.zoom = if ctx.portrait { START_ZOOM + 1 } else { START_ZOOM };
                Self::show(p, ctx)
            }
            Body::Media(m) => m.on_enter(ctx, env.config.sound.enabled),
            _ => Task::none(),
        }
    }

    /// Leaving the screen stops the playback.
    pub fn on_leave(&mut self) {
        if let Body::Media(m) = &mut self.body {
            m.stop();
        }
    }

    /// Shows the page asked for: at once when it was drawn ahead, else drawn in a task.
    fn show(p: &mut Pages, ctx: Ctx) -> Task<Message> {
        if let Some((page, zoom, img)) = p.ahead.take()
            && (page, zoom) == (p.page, p.zoom)
        {
            p.image = Some(img);
            p.error = None;
            p.pending = None;
            return Self::draw_ahead(p, ctx);
        }
        p.pending = Some((p.page, p.zoom));
        draw(p.file.clone(), p.page, p.zoom, page_width(ctx, p.zoom))
    }

    /// Draws the next page in the background, so that "下一页" shows it at once.
    fn draw_ahead(p: &mut Pages, ctx: Ctx) -> Task<Message> {
        if p.page < p.count { draw(p.file.clone(), p.page + 1, p.zoom, page_width(ctx, p.zoom)) } else { Task::none() }
    }

    /// Zooms to step `zoom`, keeping the middle of what the viewer shows in the middle.
    fn zoom_to(p: &mut Pages, zoom: usize, viewer: f32, ctx: Ctx) {
        let (old, new) = (page_width(ctx, p.zoom) as f32, page_width(ctx, zoom));
        let middle = (p.pan + viewer / 2.0) / old.max(1.0);
        p.pan = (middle * new as f32 - viewer / 2.0).clamp(0.0, max_pan(new, viewer));
        p.zoom = zoom;
    }

    pub fn update(&mut self, message: Message, ctx: Ctx) -> (Task<Message>, Option<Event>) {
        // a sideways swipe over a page wider than the viewer moves it (the finger's way)
        if let (Message::Scroll(scroll::Message::Swiped(dx)), Body::Pages(p)) = (&message, &mut self.body) {
            let width = p.image.as_ref().map_or(0, |i| i.0);
            p.pan = (p.pan - dx).clamp(0.0, max_pan(width, viewer_width(ctx, &self.scroll)));
            return (Task::none(), None);
        }
        if let Message::Scroll(m) = message {
            self.scroll.update(m);
            return (Task::none(), None);
        }
        if let Body::Media(m) = &mut self.body {
            return (m.update(message, ctx), None);
        }
        let Body::Pages(p) = &mut self.body else { return (Task::none(), None) };
        match message {
            Message::NextPage if p.page < p.count => {
                p.page += 1;
                p.pan = 0.0;
                self.scroll.update(scroll::Message::Top);
                (Self::show(p, ctx), None)
            }
            Message::PreviousPage if p.page > 1 => {
                p.page -= 1;
                p.pan = 0.0;
                self.scroll.update(scroll::Message::Top);
                (Self::show(p, ctx), None)
            }
            Message::ZoomIn if p.zoom < top_zoom(ctx) => {
                Self::zoom_to(p, p.zoom + 1, viewer_width(ctx, &self.scroll), ctx);
                (Self::show(p, ctx), None)
            }
            Message::ZoomOut if p.zoom > 0 => {
                Self::zoom_to(p, p.zoom - 1, viewer_width(ctx, &self.scroll), ctx);
                (Self::show(p, ctx), None)
            }
            Message::Pan(d) => {
                let viewer = viewer_width(ctx, &self.scroll);
                let width = p.image.as_ref().map_or(0, |i| i.0);
                p.pan = (p.pan + d as f32 * viewer * PAN_SHARE).clamp(0.0, max_pan(width, viewer));
                (Task::none(), None)
            }
            Message::Print => (
                Task::none(),
                Some(Event::Print(Printable::Attachment { doc: self.doc_id.clone(), pdf: p.pdf.clone() })),
            ),
            Message::Drawn(page, zoom, result) => {
                // only the page and zoom asked for last (a quick visitor taps faster than pages draw)
                if p.pending != Some((page, zoom)) {
                    // a page drawn ahead is kept if it is still the next one
                    if let Ok(img) = result
                        && page == p.page + 1
                        && zoom == p.zoom
                    {
                        let handle = image::Handle::from_rgba(img.width, img.height, img.rgba);
                        p.ahead = Some((page, zoom, (img.width, img.height, handle)));
                    }
                } else {
                    p.pending = None;
                    match result {
                        Ok(img) => {
                            p.error = None;
                            p.image = Some((
                                img.width,
                                img.height,
                                image::Handle::from_rgba(img.width, img.height, img.rgba),
                            ));
                            return (Self::draw_ahead(p, ctx), None);
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

    /// Whether a playback is running and not paused.
    pub fn is_playing(&self) -> bool {
        match &self.body {
            Body::Media(m) => m.is_playing(),
            _ => false,
        }
    }

    /// The page on show and the number of pages ("第 3 / 12 页"), for the tests.
    pub fn position(&self) -> Option<(u32, u32)> {
        match &self.body {
            Body::Pages(p) => Some((p.page, p.count)),
            _ => None,
        }
    }

    /// The part of the page on show that the screen draws, 1:1: all of it, or, zoomed wider than
    /// the viewer, the viewer's width of it from where the visitor moved it.
    pub fn page_window(&self, ctx: Ctx) -> Option<iced::Rectangle<u32>> {
        let Body::Pages(p) = &self.body else { return None };
        let (w, h, _) = p.image.as_ref()?;
        let viewer = viewer_width(ctx, &self.scroll);
        let pan = p.pan.min(max_pan(*w, viewer));
        Some(iced::Rectangle { x: pan as u32, y: 0, width: (*w).min(viewer.floor().max(1.0) as u32), height: *h })
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
                        (pages.zoom < top_zoom(ctx)).then_some(Message::ZoomIn),
                        false,
                    ),
                    widgets::icon_action(ctx, Icon::Printer, t(l, "attachment-print"), Some(Message::Print), false),
                ];
                let viewer = viewer_width(ctx, &self.scroll);
                let width = pages.image.as_ref().map_or(0, |i| i.0);
                let most = max_pan(width, viewer);
                let window = self.page_window(ctx);
                let pan = window.map_or(0.0, |w| w.x as f32);
                // wider than the viewer: the buttons that move it sideways
                let sideways = (most > 0.0).then(|| {
                    [
                        widgets::icon_action(
                            ctx,
                            Icon::Left,
                            t(l, "attachment-pan-left"),
                            (pan > 0.0).then_some(Message::Pan(-1)),
                            false,
                        ),
                        widgets::icon_action(
                            ctx,
                            Icon::Right,
                            t(l, "attachment-pan-right"),
                            (pan < most).then_some(Message::Pan(1)),
                            false,
                        ),
                    ]
                });
                let tools = tools.into_iter().chain(sideways.into_iter().flatten());
                let toolbar: Element<'_, Message> =
                    iced::widget::Row::with_children(tools).spacing(10).wrap().vertical_spacing(10).into();
                let page: Element<'_, Message> = match (&pages.image, &pages.error) {
                    (_, Some(_)) => widgets::card(ctx, widgets::body(ctx, t(l, "attachment-page-broken"))),
                    (Some((_, _, handle)), None) => {
                        // shown 1:1: wider than the viewer, the part at `pan` (never squeezed)
                        let window = window.unwrap_or_default();
                        container(
                            image(handle.clone())
                                .crop(window)
                                .width(window.width as f32)
                                .height(window.height as f32)
                                .filter_method(image::FilterMethod::Linear),
                        )
                        .id(PAGE_ID)
                        .style(move |_| container::Style {
                            border: iced::Border { color: p.muted, width: 1.0, radius: 0.0.into() },
                            ..Default::default()
                        })
                        .into()
                    }
                    (None, None) => widgets::muted(ctx, t(l, "attachment-opening")),
                };
                let sheet = container(page).center_x(Length::Fill);
                let area = if most > 0.0 {
                    scroll::area_sideways(ctx, &self.scroll, sheet, Message::Scroll, true)
                } else {
                    scroll::area(ctx, &self.scroll, sheet, Message::Scroll, true)
                };
                column![title, toolbar, area].spacing(look.gap()).padding([0.0, look.gap()]).height(Length::Fill).into()
            }
            Body::Picture(handle) => {
                let pic = container(image(handle.clone()).width(Length::Fill)).center_x(Length::Fill);
                let area = scroll::area(ctx, &self.scroll, pic, Message::Scroll, true);
                column![title, area].spacing(look.gap()).padding([0.0, look.gap()]).height(Length::Fill).into()
            }
            Body::Media(m) => column![title, scroll::area(ctx, &self.scroll, m.view(ctx), Message::Scroll, true)]
                .spacing(look.gap())
                .padding([0.0, look.gap()])
                .height(Length::Fill)
                .into(),
            Body::Card { reason, qr } => {
                let say = match reason {
                    CardReason::Unshowable(ext) => ta(l, "attachment-cannot-show", &[("type", ext.clone().into())]),
                    CardReason::Broken => t(l, "attachment-broken"),
                    CardReason::NoPlayer => t(l, "attachment-no-player"),
                    CardReason::BrokenMedia => t(l, "attachment-media-broken"),
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

impl MediaView {
    /// The player: the picture with its captions (video), the progress bar, the buttons, the
    /// transcript (audio); with the sound off, a line that says so.
    pub fn view(&self, ctx: Ctx) -> Element<'_, Message> {
        let m = self;
        let l = ctx.lang;
        let look = ctx.look;
        let p = look.palette();
        let mut col = Column::new().spacing(look.gap()).align_x(Alignment::Center).width(Length::Fill);
        if let Some(e) = &m.error {
            let key = match e {
                MediaError::ToolMissing { .. } => "attachment-no-player",
                _ => "attachment-media-broken",
            };
            return widgets::card(ctx, widgets::body(ctx, t(l, key)));
        }
        if m.info.video.is_some() {
            let (w, h) = video_size(ctx, &m.info);
            let picture: Element<'_, Message> = match &m.frame {
                // decoded at the size on screen: drawn 1:1, without filtering (the cheapest
                // way through the software renderer)
                Some(f) => {
                    image(f.clone()).width(w as f32).height(h as f32).filter_method(image::FilterMethod::Nearest).into()
                }
                None => container(widgets::muted(ctx, t(l, "attachment-opening")))
                    .center(Length::Fill)
                    .width(w as f32)
                    .height(h as f32)
                    .into(),
            };
            // black behind the picture only until the first one comes: under a picture it would be
            // one more layer for the software renderer to fill on every picture, never seen
            let black = m.frame.is_none();
            col = col.push(container(picture).style(move |_| container::Style {
                background: black.then_some(iced::Color::BLACK.into()),
                ..Default::default()
            }));
            let caption = captions::at(&m.cues, m.position_ms).map(|c| c.text.clone()).unwrap_or_default();
            col = col.push(
                container(text(content(l, &caption)).size(look.body() * 1.3).align_x(Alignment::Center))
                    .height(look.body() * 3.4)
                    .center_x(Length::Fill),
            );
            if !m.sound {
                col = col.push(widgets::body(ctx, t(l, "media-sound-off-video")));
            }
        }
        if !m.can_play() {
            // an audio interpretation with the kiosk's sound off: its words only
            let key = if m.transcript.is_some() { "media-sound-off-audio" } else { "media-sound-off-no-transcript" };
            col = col.push(widgets::card(ctx, widgets::body(ctx, t(l, key))));
            if let Some(tr) = &m.transcript {
                col = col.push(widgets::muted(ctx, t(l, "media-transcript")));
                col = col.push(widgets::card(ctx, text(content(l, tr)).size(look.body()).color(p.ink)));
            }
            return col.into();
        }
        let total = m.info.duration_ms.unwrap_or(0).max(1);
        let progress = iced::widget::progress_bar(0.0..=total as f32, m.position_ms.min(total) as f32)
            .length(Length::Fill)
            .girth(if m.info.video.is_some() { 18.0 } else { 36.0 });
        col = col.push(
            row![progress, text(format!("{} / {}", clock(m.position_ms), clock(total))).size(look.body())]
                .spacing(look.gap())
                .align_y(Alignment::Center),
        );
        let paused = !self.is_playing();
        let mut tools = vec![
            widgets::icon_action(
                ctx,
                if paused { Icon::Play } else { Icon::Pause },
                t(l, if paused { "media-play" } else { "media-pause" }),
                Some(Message::PlayPause),
                true,
            ),
            widgets::icon_action(ctx, Icon::Restart, t(l, "media-restart"), Some(Message::Restart), false),
        ];
        // the volume only where there is sound
        if m.sound {
            tools.extend([
                widgets::icon_action(
                    ctx,
                    Icon::Quieter,
                    t(l, "media-quieter"),
                    (m.volume > 0).then_some(Message::Quieter),
                    false,
                ),
                container(text(ta(l, "media-volume", &[("volume", m.volume.into())])).size(look.body()))
                    .center_y(look.target())
                    .into(),
                widgets::icon_action(
                    ctx,
                    Icon::Louder,
                    t(l, "media-louder"),
                    (m.volume < 100).then_some(Message::Louder),
                    false,
                ),
            ]);
        }
        col = col.push(iced::widget::Row::with_children(tools).spacing(12).wrap().vertical_spacing(10));
        if m.info.video.is_none()
            && let Some(tr) = &m.transcript
        {
            col = col.push(widgets::muted(ctx, t(l, "media-transcript")));
            col = col.push(widgets::card(ctx, text(content(l, tr)).size(look.body()).color(p.ink)));
        }
        col.into()
    }
}

/// An attachment's kind in words and picture, for the reader's list.
pub fn kind_icon(a: &Attachment) -> Icon {
    match AttachmentKind::of(&a.blob) {
        AttachmentKind::Pdf => Icon::PdfFile,
        AttachmentKind::Office => Icon::Sheet,
        AttachmentKind::Ofd => Icon::PdfFile,
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
        (AttachmentKind::Ofd, _) => t(l, "attachment-kind-ofd"),
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
