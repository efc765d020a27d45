//! One module per screen, each with its own state, `Message`, `update` and `view`. A screen's
//! `update` returns a task and, when the app must act (open another screen, go home), an
//! [`Event`]. Screens are opened through a [`Route`], whose data is read from the store in a
//! task ([`load`]) and never on the UI thread.

pub mod about;
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

use crate::config::Language;
use crate::search::SearchFilter;
use crate::store::{DocFilter, Facet, Store};
use crate::ui::theme::Look;

/// What every view needs to know about the visitor's choices and the screen.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    pub look: Look,
    pub lang: Language,
    pub portrait: bool,
    /// Size of the content area in pixels.
    pub width: f32,
    pub height: f32,
}

/// What a screen's `update` may use besides its own state.
pub struct Env<'a> {
    pub data_dir: &'a Path,
    pub lexicon: Option<&'a crate::ime::Lexicon>,
    pub searcher: Option<std::sync::Arc<crate::search::Searcher>>,
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
            Route::Request { .. } => "request-form",
        }
    }
}

/// What a screen asks the app to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Open(Route),
    /// Start reading a text aloud (None: stop).
    Speak(Option<String>),
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

/// Reads what a route shows (runs in a task). Errors are plain text for the visitor.
pub fn load(route: Route, data_dir: &Path) -> Result<Screen, String> {
    let store = Store::open_read_only(data_dir).map_err(|e| e.to_string())?;
    let s = &store;
    let r = match route {
        Route::Home => home::load_from(s).map(|d| Screen::Home(home::Home::new(d))),
        Route::Catalogue { facet, filter } => catalogue::load(s, facet, filter, 0).map(Screen::Catalogue),
        Route::Document(id) => reader::load(s, &id).map(Screen::Reader),
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
        _ => {
            return Err(format!(
                "unknown screen `{s}`; use home, catalogue, policies, document:ID, search:QUERY, guides, guide:ID, request, request-form[:QUESTION], faq, boards, board:ID, feedback, about or attendant"
            ));
        }
    })
}
