//! One module per screen, each with its own state, `Message`, `update` and `view`; [`Screen`]
//! and [`Message`] are the one place where the app's messages reach the screen on show
//! ([`Screen::update`], [`Screen::view`]). A screen's `update` returns a task and, when the app
//! must act (open another screen, read aloud, print), an [`Event`]. Each screen's `Message`
//! says itself whether it came from the visitor's hand (`is_touch`), which is what restarts the
//! idle countdown. Screens are opened through a [`Route`], whose data is read from the store in
//! a task ([`load`]) and never on the UI thread; [`Screen::on_enter`] and [`Screen::on_leave`]
//! start and stop what a screen does by itself while it is on show.

pub mod about;
pub mod attachment;
pub mod attendant;
pub mod boards;
pub mod catalogue;
pub mod faq;
pub mod feedback;
pub mod guides;
pub mod home;
pub mod reader;
pub mod request;
pub mod search;

use std::path::Path;

use iced::Task;

use crate::config::Config;
use crate::handwriting::Stroke;
use crate::search::SearchFilter;
use crate::store::{DocFilter, Facet, Store, UsageEvent};
use crate::ui::Element;
pub use crate::ui::context::Ctx;

/// What a screen's `update` may use besides its own state.
pub struct Env<'a> {
    pub data_dir: &'a Path,
    pub config: &'a Config,
    /// The view's context (language, sizes) as the visitor sees it now.
    pub ctx: Ctx,
    /// The keyboard's dictionary and search, once they are ready.
    pub lexicon: Option<&'a crate::ime::Lexicon>,
    pub searcher: Option<std::sync::Arc<crate::search::Searcher>>,
    /// The handwriting recognizer, where zinnia and its model are installed.
    pub recognizer: Option<&'a std::sync::Arc<crate::handwriting::Recognizer>>,
}

impl<'a> Env<'a> {
    /// What the on-screen keyboard needs for one key or stroke, for a text that is `field`.
    pub fn keyboard(&self, field: crate::ime::Field) -> crate::ui::widgets::keyboard::Context<'a> {
        crate::ui::widgets::keyboard::Context {
            lexicon: self.lexicon,
            recognizer: self.recognizer,
            field,
            ctx: self.ctx,
        }
    }
}

/// Where a tap can lead.
#[derive(Debug, Clone, PartialEq)]
pub enum Route {
    Home,
    Catalogue {
        facet: Facet,
        filter: DocFilter,
    },
    Document(String),
    /// Attachment `index` of a document, at `page` (a search hit inside it) or its first page.
    Attachment {
        doc: String,
        index: usize,
        page: Option<u32>,
    },
    Search {
        query: String,
        filter: SearchFilter,
    },
    Guides,
    Guide(String),
    /// The 依申请公开 guide.
    DisclosureGuide,
    Faq {
        area: Option<String>,
        open: Option<String>,
    },
    Boards,
    Board(String),
    Feedback,
    About,
    AttendantPin,
    /// Home with the "需要帮助" card open (`kiosk --open help`).
    Help,
    /// The request wizard (on_behalf: an attendant fills it in for the visitor, 代为填写), at its
    /// first question or at `start`.
    Request {
        on_behalf: bool,
        start: Option<request::Question>,
    },
}

impl Route {
    /// The screen's name in usage statistics (and `kiosk --open`).
    pub fn screen_name(&self) -> &'static str {
        match self {
            Route::Home => "home",
            Route::Catalogue { .. } => "catalogue",
            Route::Document(_) => "document",
            Route::Attachment { .. } => "attachment",
            Route::Search { .. } => "search",
            Route::Guides => "guides",
            Route::Guide(_) => "guide",
            Route::DisclosureGuide => "request",
            Route::Faq { .. } => "faq",
            Route::Boards => "boards",
            Route::Board(_) => "board",
            Route::Feedback => "feedback",
            Route::About => "about",
            Route::AttendantPin => "attendant",
            Route::Help => "help",
            Route::Request { .. } => "request-form",
        }
    }
}

/// What a screen asks the app to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Open(Route),
    /// Read aloud, pause, resume, slower, faster, stop.
    Voice(crate::ui::widgets::voice::Command),
    /// The visitor asked to print something (the app asks for confirmation first).
    Print(crate::print::Printable),
    /// Something the attendant panel asks for.
    Attendant(attendant::Request),
}

/// The screen on show.
#[derive(Debug, Clone)]
pub enum Screen {
    Home(home::Home),
    Catalogue(catalogue::Catalogue),
    Reader(reader::Reader),
    Attachment(attachment::AttachmentView),
    Search(search::Search),
    Guides(guides::GuideList),
    Guide(guides::GuideView),
    Faq(faq::FaqScreen),
    Boards(boards::BoardList),
    Board(boards::BoardView),
    Feedback(feedback::Feedback),
    About(about::About),
    AttendantPin(attendant::PinPad),
    Attendant(attendant::Panel),
    Request(request::RequestWizard),
}

/// A message for the screen on show.
#[derive(Debug, Clone)]
pub enum Message {
    Home(home::Message),
    Catalogue(catalogue::Message),
    Reader(reader::Message),
    Attachment(attachment::Message),
    Search(search::Message),
    /// The guide list and one guide.
    Guides(guides::Message),
    Faq(faq::Message),
    /// The board list and one board.
    Boards(boards::Message),
    Feedback(feedback::Message),
    About(about::Message),
    Pin(attendant::PinMessage),
    Panel(attendant::PanelMessage),
    Request(request::Message),
}

impl Message {
    /// Whether the visitor's hand sent it (and so restarts the idle countdown); each screen
    /// decides for its own messages, so a task's result never counts as a touch.
    pub fn is_touch(&self) -> bool {
        match self {
            Message::Home(m) => m.is_touch(),
            Message::Catalogue(m) => m.is_touch(),
            Message::Reader(m) => m.is_touch(),
            Message::Attachment(m) => m.is_touch(),
            Message::Search(m) => m.is_touch(),
            Message::Guides(m) => m.is_touch(),
            Message::Faq(m) => m.is_touch(),
            Message::Boards(m) => m.is_touch(),
            Message::Feedback(m) => m.is_touch(),
            Message::About(m) => m.is_touch(),
            Message::Pin(m) => m.is_touch(),
            Message::Panel(m) => m.is_touch(),
            Message::Request(m) => m.is_touch(),
        }
    }
}

/// A screen's `(task, event)` in the shell's message type.
fn wrap<M>(
    (task, event): (Task<M>, Option<Event>),
    to: impl Fn(M) -> Message + Send + 'static,
) -> (Task<Message>, Option<Event>)
where
    M: Send + 'static,
{
    (task.map(to), event)
}

impl Screen {
    /// Runs a message on this screen. A message meant for another screen (a task's result that
    /// arrives after the visitor moved on) is dropped.
    pub fn update(&mut self, message: Message, env: &Env) -> (Task<Message>, Option<Event>) {
        match (self, message) {
            (Screen::Home(s), Message::Home(m)) => wrap(s.update(m), Message::Home),
            (Screen::Catalogue(s), Message::Catalogue(m)) => wrap(s.update(m, env), Message::Catalogue),
            (Screen::Reader(s), Message::Reader(m)) => wrap(s.update(m, env.ctx), Message::Reader),
            (Screen::Attachment(s), Message::Attachment(m)) => wrap(s.update(m, env.ctx), Message::Attachment),
            (Screen::Search(s), Message::Search(m)) => wrap(s.update(m, env), Message::Search),
            (Screen::Guides(s), Message::Guides(m)) => wrap(s.update(m), Message::Guides),
            (Screen::Guide(s), Message::Guides(m)) => wrap(s.update(m), Message::Guides),
            (Screen::Faq(s), Message::Faq(m)) => wrap(s.update(m), Message::Faq),
            (Screen::Boards(s), Message::Boards(m)) => wrap(s.update(m), Message::Boards),
            (Screen::Board(s), Message::Boards(m)) => wrap(s.update(m), Message::Boards),
            (Screen::Feedback(s), Message::Feedback(m)) => wrap(s.update(m, env), Message::Feedback),
            (Screen::About(s), Message::About(m)) => wrap(s.update(m), Message::About),
            (Screen::AttendantPin(s), Message::Pin(m)) => wrap(s.update(m), Message::Pin),
            (Screen::Attendant(s), Message::Panel(m)) => wrap(s.update(m, env), Message::Panel),
            (Screen::Request(s), Message::Request(m)) => wrap(s.update(m, env), Message::Request),
            // (the message itself is not logged: it may carry what the visitor typed)
            (screen, _) => {
                tracing::debug!(screen = screen.name(), "a message for a screen no longer on show");
                (Task::none(), None)
            }
        }
    }

    pub fn view(&self, ctx: Ctx) -> Element<'_, Message> {
        match self {
            Screen::Home(s) => s.view(ctx).map(Message::Home),
            Screen::Catalogue(s) => s.view(ctx).map(Message::Catalogue),
            Screen::Reader(s) => s.view(ctx).map(Message::Reader),
            Screen::Attachment(s) => s.view(ctx).map(Message::Attachment),
            Screen::Search(s) => s.view(ctx).map(Message::Search),
            Screen::Guides(s) => s.view(ctx).map(Message::Guides),
            Screen::Guide(s) => s.view(ctx).map(Message::Guides),
            Screen::Faq(s) => s.view(ctx).map(Message::Faq),
            Screen::Boards(s) => s.view(ctx).map(Message::Boards),
            Screen::Board(s) => s.view(ctx).map(Message::Boards),
            Screen::Feedback(s) => s.view(ctx).map(Message::Feedback),
            Screen::About(s) => s.view(ctx).map(Message::About),
            Screen::AttendantPin(s) => s.view(ctx).map(Message::Pin),
            Screen::Attendant(s) => s.view(ctx).map(Message::Panel),
            Screen::Request(s) => s.view(ctx).map(Message::Request),
        }
    }

    /// The screen came on show by being opened (not by "back"): it starts what it runs by
    /// itself (a search opened with words in it runs them). Called again when search and the
    /// keyboard become ready.
    pub fn on_enter(&mut self, env: &Env) -> Task<Message> {
        match self {
            Screen::Search(s) => s.on_enter(env).map(Message::Search),
            Screen::Attachment(s) => s.on_enter(env).map(Message::Attachment),
            Screen::Reader(s) => s.on_enter(env).map(Message::Reader),
            Screen::Request(w) => {
                w.on_enter(env);
                Task::none()
            }
            _ => Task::none(),
        }
    }

    /// Whether a video's picture is on show (the shell then leaves the page colour to the
    /// window's background, so that each picture costs the software renderer less).
    pub fn shows_video(&self) -> bool {
        let media = match self {
            Screen::Attachment(s) => match &s.body {
                attachment::Body::Media(m) => Some(m.as_ref()),
                _ => None,
            },
            Screen::Reader(r) => r.media.as_deref(),
            _ => None,
        };
        media.is_some_and(|m| m.info.video.is_some() && m.frame.is_some())
    }

    /// Whether leaving now would throw away what the visitor typed or chose in a form (the app
    /// asks first).
    pub fn holds_answers(&self) -> bool {
        match self {
            Screen::Request(w) => w.holds_answers(),
            Screen::Feedback(f) => f.holds_answers(),
            _ => false,
        }
    }

    /// The screen leaves the screen (another opens over it, or the visitor goes back or home):
    /// it drops what must not outlive its time on show (the voice stops with it).
    pub fn on_leave(&mut self) {
        if let Some(v) = self.voice_mut() {
            v.stop();
        }
        match self {
            Screen::Attachment(s) => s.on_leave(),
            Screen::Reader(s) => s.on_leave(),
            _ => {}
        }
    }

    /// A tap on the voice's buttons, as this screen's message (None: it does not read aloud).
    pub fn voice_message(&self, m: crate::ui::widgets::voice::Message) -> Option<Message> {
        match self {
            Screen::Reader(_) => Some(Message::Reader(reader::Message::Voice(m))),
            Screen::Guide(_) => Some(Message::Guides(guides::Message::Voice(m))),
            Screen::Faq(_) => Some(Message::Faq(faq::Message::Voice(m))),
            Screen::Request(_) => Some(Message::Request(request::Message::Voice(m))),
            _ => None,
        }
    }

    /// The voice of a screen that reads aloud (a document, a guide, the Q&A, the request wizard).
    pub fn voice_mut(&mut self) -> Option<&mut crate::ui::widgets::voice::Voice> {
        match self {
            Screen::Reader(s) => Some(&mut s.voice),
            Screen::Guide(s) => Some(&mut s.voice),
            Screen::Faq(s) => Some(&mut s.voice),
            Screen::Request(s) => Some(&mut s.voice),
            _ => None,
        }
    }

    /// What opening this screen counts in the usage statistics besides the screen itself.
    pub fn usage_item(&self) -> Option<UsageEvent> {
        match self {
            Screen::Reader(r) => Some(UsageEvent::Document(r.doc.id.clone())),
            Screen::Guide(g) => Some(UsageEvent::Guide(g.guide.id.clone())),
            Screen::Board(b) => Some(UsageEvent::Board(b.board.id.clone())),
            _ => None,
        }
    }

    /// The screen's name in the log.
    fn name(&self) -> &'static str {
        match self {
            Screen::Home(_) => "home",
            Screen::Catalogue(_) => "catalogue",
            Screen::Reader(_) => "document",
            Screen::Attachment(_) => "attachment",
            Screen::Search(_) => "search",
            Screen::Guides(_) => "guides",
            Screen::Guide(_) => "guide",
            Screen::Faq(_) => "faq",
            Screen::Boards(_) => "boards",
            Screen::Board(_) => "board",
            Screen::Feedback(_) => "feedback",
            Screen::About(_) => "about",
            Screen::AttendantPin(_) => "attendant-pin",
            Screen::Attendant(_) => "attendant",
            Screen::Request(_) => "request-form",
        }
    }
}

/// Reads what a route shows (runs in a task). Errors are plain text for the visitor.
pub fn load(route: Route, data_dir: &Path) -> Result<Screen, String> {
    let store = Store::open_read_only(data_dir).map_err(|e| e.to_string())?;
    let s = &store;
    let r = match route {
        Route::Home | Route::Help => home::load_from(s).map(|d| Screen::Home(home::Home::new(d))),
        Route::Catalogue { facet, filter } => catalogue::load(s, facet, filter, 0).map(Screen::Catalogue),
        Route::Document(id) => reader::load(s, &id).map(Screen::Reader),
        Route::Attachment { doc, index, page } => attachment::load(s, &doc, index, page).map(Screen::Attachment),
        Route::Search { query, filter } => Ok(Screen::Search(search::Search::new(query, filter))),
        Route::Guides => guides::load_list(s).map(Screen::Guides),
        Route::Guide(id) => guides::load(s, Some(&id)).map(Screen::Guide),
        Route::DisclosureGuide => guides::load(s, None).map(Screen::Guide),
        Route::Faq { area, open } => faq::load(s, area, open).map(Screen::Faq),
        Route::Boards => boards::load_list(s).map(Screen::Boards),
        Route::Board(id) => boards::load(s, &id).map(Screen::Board),
        Route::Feedback => Ok(Screen::Feedback(feedback::Feedback::default())),
        Route::About => about::load(s).map(Screen::About),
        Route::AttendantPin => Ok(Screen::AttendantPin(attendant::PinPad::default())),
        Route::Request { on_behalf, start } => {
            Ok(Screen::Request(request::RequestWizard::starting_at(on_behalf, start)))
        }
    };
    r.map_err(|e| e.to_string())
}

/// A tap made for the visitor once the screen `kiosk --open` names is on show (`kiosk --then`:
/// screenshots and checks of a screen's states).
#[derive(Clone, PartialEq)]
pub enum StartTap {
    /// 语音朗读 on a screen that reads aloud.
    ReadAloud,
    /// 手写 on a screen with the keyboard (where zinnia is installed).
    Handwriting,
    /// 手写, then `character` written on the pad with recorded `strokes` (points on a 100 × 100
    /// square, as in tests/data/handwriting-strokes.txt), one stroke message each, as the pad
    /// sends them when a finger draws.
    Write { character: char, strokes: Vec<Stroke> },
}

impl StartTap {
    /// What the tap is called on the command line (the strokes are not told).
    pub fn name(&self) -> String {
        match self {
            StartTap::ReadAloud => "read-aloud".into(),
            StartTap::Handwriting => "handwriting".into(),
            StartTap::Write { character, .. } => format!("write:{character}"),
        }
    }
}

impl std::fmt::Debug for StartTap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name())
    }
}

/// Reads `kiosk --then`'s value; `write:字` takes the character's strokes from the samples file
/// `strokes` (`kiosk --strokes`).
pub fn parse_start_tap(s: &str, strokes: Option<&Path>) -> Result<StartTap, String> {
    match s {
        "read-aloud" => Ok(StartTap::ReadAloud),
        "handwriting" => Ok(StartTap::Handwriting),
        _ if s.starts_with("write:") => {
            let mut chars = s["write:".len()..].chars();
            let (Some(character), None) = (chars.next(), chars.next()) else {
                return Err(format!("`{s}`: write one character, as in write:王"));
            };
            let Some(path) = strokes else {
                return Err(format!("`{s}` needs --strokes FILE (as tests/data/handwriting-strokes.txt)"));
            };
            let text = std::fs::read_to_string(path).map_err(|e| format!("{}: cannot be read: {e}", path.display()))?;
            let samples = crate::handwriting::parse_samples(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            let strokes = samples.into_iter().find(|(c, _)| *c == character).map(|(_, s)| s).ok_or_else(|| {
                format!("{}: no line for {character}; add `{character}: x,y x,y | …` or write another", path.display())
            })?;
            Ok(StartTap::Write { character, strokes })
        }
        _ => Err(format!(
            "unknown tap `{s}`; use read-aloud (document, guide, faq:ID, request-form), handwriting or write:字 with --strokes FILE (search, request-form:name, feedback)"
        )),
    }
}

impl Screen {
    /// The screen's messages for a [`StartTap`], in order (none: the screen has no such button).
    /// A written character's strokes are drawn across the middle of the pad as `ctx` lays it out.
    pub fn start_tap(&self, tap: &StartTap, ctx: crate::ui::context::Ctx) -> Vec<Message> {
        use crate::ui::widgets::{keyboard, voice};
        let key: Option<fn(keyboard::Message) -> Message> = match self {
            Screen::Search(_) => Some(|m| Message::Search(search::Message::Key(m))),
            Screen::Request(_) => Some(|m| Message::Request(request::Message::Key(m))),
            Screen::Feedback(_) => Some(|m| Message::Feedback(feedback::Message::Key(m))),
            _ => None,
        };
        match (tap, key) {
            (StartTap::ReadAloud, _) => self.voice_message(voice::Message::Read).into_iter().collect(),
            (StartTap::Handwriting, Some(key)) => vec![key(keyboard::Message::Write)],
            (StartTap::Write { strokes, .. }, Some(key)) => std::iter::once(keyboard::Message::Write)
                .chain(keyboard::drawn_on_pad(strokes, ctx).into_iter().map(keyboard::Message::Stroke))
                .map(key)
                .collect(),
            (StartTap::Handwriting | StartTap::Write { .. }, None) => Vec::new(),
        }
    }
}

/// Reads a screen name as the CLI's `kiosk --open` takes it.
pub fn parse_screen(s: &str) -> Result<Route, String> {
    let (name, arg) = match s.split_once(':') {
        Some((n, a)) => (n, Some(a.to_string())),
        None => (s, None),
    };
    let need =
        |a: Option<String>| a.filter(|x| !x.is_empty()).ok_or_else(|| format!("`{name}` needs an id: {name}:ID"));
    Ok(match name {
        "home" => Route::Home,
        "catalogue" => home::tiles()[0].1.clone(),
        "policies" => home::tiles()[1].1.clone(),
        "document" => Route::Document(need(arg)?),
        "attachment" => {
            let a = need(arg)?;
            let (doc, n) = a.rsplit_once('/').ok_or_else(|| format!("`attachment` needs a document id and a number: attachment:ID/1 (got `{a}`)"))?;
            let index = n.parse::<usize>().ok().and_then(|n| n.checked_sub(1)).ok_or_else(|| format!("`{n}` is not an attachment number (1, 2, …)"))?;
            Route::Attachment { doc: doc.to_string(), index, page: None }
        }
        "search" => Route::Search { query: arg.unwrap_or_default(), filter: SearchFilter::default() },
        "guides" => Route::Guides,
        "guide" => Route::Guide(need(arg)?),
        "request" => Route::DisclosureGuide,
        "request-form" => Route::Request {
            on_behalf: false,
            start: match arg {
                None => None,
                Some(a) => Some(request::Question::named(&a).ok_or_else(|| format!("no question `{a}` in the request form; use e.g. request-form:name, request-form:title-or-no, request-form:review"))?),
            },
        },
        "faq" => Route::Faq { area: None, open: arg },
        "boards" => Route::Boards,
        "board" => Route::Board(need(arg)?),
        "feedback" => Route::Feedback,
        "about" => Route::About,
        "attendant" => Route::AttendantPin,
        "help" => Route::Help,
        _ => {
            return Err(format!(
                "unknown screen `{s}`; use home, catalogue, policies, document:ID, attachment:ID/N, search:QUERY, guides, guide:ID, request, request-form[:QUESTION], faq, boards, board:ID, feedback, about, attendant or help"
            ));
        }
    })
}
