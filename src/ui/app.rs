//! The kiosk application: the screen on show and the way back, the bars around it (status on
//! top; home, back, large text, contrast and language below), idle reset, attendant mode, voice
//! reading, background sync, and recovery from a panic in a screen.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use iced::widget::{button, center, column, container, mouse_area, opaque, row, space, stack, text};
use iced::{Alignment, Length, Size, Subscription, Task, Theme};

use super::Element;
use super::background_sync::{self, BackgroundSync, SyncDone};
use super::i18n::{content, t, ta};
use super::printing::{self, PrintFlow};
use super::screens::attendant::{self, PinGuard, Request};
use super::screens::{
    self, Ctx, Env, Event, Route, Screen, about, boards, catalogue, faq, feedback, guides, home, reader, request,
    search,
};
use super::theme::{self, Look};
use crate::config::{Config, Language, Orientation};
use crate::ime::Lexicon;
use crate::search::Searcher;
use crate::speech::Speaker;
use crate::store::{Store, UsageEvent};

/// How long the zone name must be held to open the attendant PIN pad.
pub const LONG_PRESS: Duration = Duration::from_millis(1500);
/// Height of the status bar and of the navigation bar (large text).
const BAR_LARGE: f32 = 96.0;
const BAR_NORMAL: f32 = 76.0;
/// How often the printer's own state is read for the status bar.
const PRINTER_CHECK: Duration = Duration::from_secs(60);

/// Things read once from the store for search and the keyboard (reloaded after a sync).
#[derive(Clone)]
pub struct Shared {
    pub searcher: Arc<Searcher>,
    pub lexicon: Arc<Lexicon>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Shared {{ words: {} }}", self.lexicon.word_count())
    }
}

/// What screens' `update` may use: the data directory, and search and the keyboard once ready.
fn env<'a>(data_dir: &'a std::path::Path, shared: &'a Option<Shared>) -> Env<'a> {
    Env {
        data_dir,
        lexicon: shared.as_ref().map(|s| s.lexicon.as_ref()),
        searcher: shared.as_ref().map(|s| s.searcher.clone()),
    }
}

pub fn load_shared(dir: &std::path::Path) -> Result<Shared, String> {
    let store = Store::open_read_only(dir).map_err(|e| e.to_string())?;
    let searcher = Searcher::new(&store).map_err(|e| e.to_string())?;
    let lexicon = Lexicon::from_store(&store).map_err(|e| e.to_string())?;
    Ok(Shared { searcher: Arc::new(searcher), lexicon: Arc::new(lexicon) })
}

/// Idle tracking: the last touch, and what the idle timer shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdleState {
    Active,
    /// Counting down to the reset: seconds left.
    Countdown(u64),
    /// Nobody here for a while: the attract screen.
    Attract,
}

pub struct Kiosk {
    pub config: Config,
    pub data_dir: PathBuf,
    pub screen: Option<Screen>,
    pub history: Vec<Screen>,
    pub load_error: Option<String>,
    pub home: Option<home::HomeData>,
    pub sync: BackgroundSync,
    pub syncing_now: bool,
    pub shared: Option<Shared>,
    pub look: Look,
    pub lang: Language,
    pub size: Size,
    pub last_touch: Instant,
    pub idle: IdleState,
    pub guard: PinGuard,
    pub zone_pressed: Option<Instant>,
    pub speaker: Option<Speaker>,
    /// A message in a dialog (translation key).
    pub notice: Option<String>,
    pub clock: String,
    /// A visitor has touched the screen since the last reset (counts one session).
    pub session_open: bool,
    /// The print dialog, the visitor's page count and the printer's state.
    pub printing: PrintFlow,
    printer_checked: Instant,
    /// systemd's notification socket: ready once Home shows, then a watchdog ping each tick.
    notifier: crate::watchdog::Notifier,
    told_ready: bool,
    /// A screen's view panicked: go Home at the next tick.
    view_failed: std::cell::Cell<bool>,
}

#[derive(Debug, Clone)]
pub enum Message {
    HomeLoaded(Result<home::HomeData, String>),
    SharedLoaded(Result<Shared, String>),
    Open(Route),
    Opened(Route, Result<Box<Screen>, String>),
    Back,
    Home(home::Message),
    Catalogue(catalogue::Message),
    Reader(reader::Message),
    Search(search::Message),
    Guides(guides::Message),
    Faq(faq::Message),
    Boards(boards::Message),
    Feedback(feedback::Message),
    About(about::Message),
    Request(request::Message),
    Printing(printing::Message),
    Pin(attendant::PinMessage),
    Panel(attendant::PanelMessage),
    PinChecked(bool),
    /// A background sync finished.
    Synced(SyncDone),
    /// "Sync now" finished.
    SyncedNow(SyncDone),
    ToggleLarge,
    ToggleContrast,
    Language(Language),
    Tick(Instant),
    Touched,
    Continue,
    ZonePressed,
    ZoneReleased,
    Resized(Size),
    DismissNotice,
    /// Makes `update` panic (tests of the recovery).
    #[cfg(test)]
    Panic,
}

impl Message {
    /// Whether this came from the visitor's hand (and so restarts the idle timer).
    fn is_touch(&self) -> bool {
        !matches!(
            self,
            Message::HomeLoaded(_)
                | Message::SharedLoaded(_)
                | Message::Opened(..)
                | Message::PinChecked(_)
                | Message::Synced(_)
                | Message::SyncedNow(_)
                | Message::Tick(_)
                | Message::Resized(_)
        ) && !matches!(
            self,
            Message::Search(search::Message::Instant(..) | search::Message::Full(..))
                | Message::Request(request::Message::Found(..) | request::Message::Picked(..))
                | Message::Printing(
                    printing::Message::Rendered(..)
                        | printing::Message::Delivered(..)
                        | printing::Message::Readiness(..)
                )
        )
    }
}

fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}

impl Kiosk {
    pub fn new(config: Config, data_dir: PathBuf) -> (Self, Task<Message>) {
        let dir = data_dir.clone();
        let load = Task::perform(async move { home::load(&dir) }, Message::HomeLoaded);
        let dir = data_dir.clone();
        let shared = Task::perform(async move { load_shared(&dir) }, Message::SharedLoaded);
        let sync = BackgroundSync::first(&config, data_dir.clone(), Message::Synced);
        let printer = PrintFlow::check_printer(&config.printer, &data_dir).map(Message::Printing);
        let look = Look { large: config.ui.large_text_default, contrast: config.ui.high_contrast_default };
        let lang = config.ui.default_language;
        let size = super::window_size(config.ui.orientation);
        let kiosk = Self {
            config,
            data_dir,
            screen: None,
            history: Vec::new(),
            load_error: None,
            home: None,
            sync: BackgroundSync::default(),
            syncing_now: false,
            shared: None,
            look,
            lang,
            size,
            last_touch: Instant::now(),
            idle: IdleState::Active,
            guard: PinGuard::default(),
            zone_pressed: None,
            speaker: None,
            notice: None,
            clock: chrono::Local::now().format("%H:%M").to_string(),
            session_open: false,
            printing: PrintFlow::default(),
            printer_checked: Instant::now(),
            notifier: crate::watchdog::Notifier::from_env(),
            told_ready: false,
            view_failed: std::cell::Cell::new(false),
        };
        (kiosk, Task::batch([load, shared, sync, printer]))
    }

    pub fn zone_name(&self) -> String {
        self.home
            .as_ref()
            .and_then(|h| h.site.as_ref())
            .map(|s| s.name.clone())
            .unwrap_or_else(|| t(self.lang, "zone-default"))
    }

    pub fn title(&self) -> String {
        self.home
            .as_ref()
            .and_then(|h| h.site.as_ref())
            .map(|s| s.name.clone())
            .unwrap_or_else(|| "政务公开专区".into())
    }

    pub fn theme(&self) -> Theme {
        if self.look.contrast { Theme::Dark } else { Theme::Light }
    }

    pub fn portrait(&self) -> bool {
        match self.config.ui.orientation {
            Orientation::Portrait => true,
            Orientation::Landscape => false,
            Orientation::Auto => self.size.height > self.size.width,
        }
    }

    fn bar_height(&self) -> f32 {
        if self.look.large { BAR_LARGE } else { BAR_NORMAL }
    }

    pub fn ctx(&self) -> Ctx {
        let pad = if self.portrait() { 28.0 } else { 40.0 };
        Ctx {
            look: self.look,
            lang: self.lang,
            portrait: self.portrait(),
            width: self.size.width - 2.0 * pad,
            height: self.size.height - 2.0 * self.bar_height() - 2.0 * pad,
        }
    }

    pub fn subscription(&self) -> Subscription<Message> {
        let touches = iced::event::listen_with(|event, _status, _window| match event {
            iced::Event::Mouse(iced::mouse::Event::ButtonPressed(_))
            | iced::Event::Mouse(iced::mouse::Event::WheelScrolled { .. })
            | iced::Event::Touch(iced::touch::Event::FingerPressed { .. })
            | iced::Event::Touch(iced::touch::Event::FingerMoved { .. }) => Some(Message::Touched),
            _ => None,
        });
        Subscription::batch([
            Subscription::run(ticks).map(Message::Tick),
            touches,
            iced::window::resize_events().map(|(_, size)| Message::Resized(size)),
        ])
    }

    /// Runs one message; a panic inside a screen brings the kiosk back to Home (and is logged)
    /// instead of ending it.
    pub fn update(&mut self, message: Message) -> Task<Message> {
        match catch_unwind(AssertUnwindSafe(|| self.handle(message))) {
            Ok(task) => task,
            Err(p) => {
                tracing::error!(panic = %panic_text(p.as_ref()), "a screen failed; back to Home");
                self.go_home()
            }
        }
    }

    fn handle(&mut self, message: Message) -> Task<Message> {
        let mut session = Task::none();
        if message.is_touch() {
            self.last_touch = Instant::now();
            if !self.session_open {
                self.session_open = true;
                session = self.count(UsageEvent::Session);
            }
            if self.idle != IdleState::Active {
                self.idle = IdleState::Active;
                if matches!(message, Message::Touched | Message::Continue) {
                    return session;
                }
            }
        }
        Task::batch([session, self.handle_message(message)])
    }

    fn handle_message(&mut self, message: Message) -> Task<Message> {
        match message {
            Message::HomeLoaded(Ok(data)) => {
                let at_home = matches!(self.screen, None | Some(Screen::Home(_)));
                self.home = Some(data.clone());
                if at_home {
                    self.screen = Some(Screen::Home(home::Home::new(data)));
                }
                self.load_error = None;
                if !self.told_ready {
                    self.told_ready = true;
                    self.notifier.ready();
                }
            }
            Message::HomeLoaded(Err(e)) => {
                tracing::error!(error = %e, "home screen could not read the store");
                self.load_error = Some(e);
                // up, showing what is wrong: a restart would not mend the store
                if !self.told_ready {
                    self.told_ready = true;
                    self.notifier.ready();
                }
            }
            Message::SharedLoaded(Ok(shared)) => {
                self.shared = Some(shared);
                if let Some(Screen::Search(s)) = &mut self.screen
                    && !s.query.is_empty()
                    && s.results.is_none()
                {
                    let env = env(&self.data_dir, &self.shared);
                    return s.run(&env).map(Message::Search);
                }
            }
            Message::SharedLoaded(Err(e)) => tracing::error!(error = %e, "search could not be prepared"),
            Message::Open(route) => return self.open(route),
            Message::Opened(route, Ok(screen)) => {
                self.stop_speech();
                let item = match &route {
                    Route::Document(id) => Some(UsageEvent::Document(id.clone())),
                    Route::Guide(id) => Some(UsageEvent::Guide(id.clone())),
                    Route::DisclosureGuide => match screen.as_ref() {
                        Screen::Guide(g) => Some(UsageEvent::Guide(g.guide.id.clone())),
                        _ => None,
                    },
                    Route::Board(id) => Some(UsageEvent::Board(id.clone())),
                    _ => None,
                };
                let usage = [Some(UsageEvent::Screen(route.screen_name())), item];
                if let Some(prev) = self.screen.take()
                    && !matches!(prev, Screen::AttendantPin(_))
                {
                    self.history.push(prev);
                }
                self.screen = Some(*screen);
                let mut tasks: Vec<Task<Message>> = usage.into_iter().flatten().map(|e| self.count(e)).collect();
                // A search opened with words in it (a suggestion, `--open search:…`) runs at once.
                if let (Some(Screen::Search(s)), Some(_)) = (&mut self.screen, &self.shared)
                    && !s.query.is_empty()
                {
                    let env = env(&self.data_dir, &self.shared);
                    tasks.push(s.run(&env).map(Message::Search));
                }
                return Task::batch(tasks);
            }
            Message::Opened(_, Err(e)) => {
                tracing::error!(error = %e, "screen could not be opened");
                self.notice = Some("notice-open-failed".into());
            }
            Message::Back => {
                self.stop_speech();
                match self.history.pop() {
                    Some(prev) => self.screen = Some(prev),
                    None => return self.go_home(),
                }
            }
            Message::Home(m) => {
                if let Some(Screen::Home(h)) = &mut self.screen {
                    let (task, event) = h.update(m);
                    return Task::batch([task.map(Message::Home), self.on_event(event)]);
                }
            }
            Message::Catalogue(m) => {
                let env = env(&self.data_dir, &self.shared);
                if let Some(Screen::Catalogue(s)) = &mut self.screen {
                    let (task, event) = s.update(m, &env);
                    return Task::batch([task.map(Message::Catalogue), self.on_event(event)]);
                }
            }
            Message::Reader(m) => {
                let ctx = self.ctx();
                if let Some(Screen::Reader(s)) = &mut self.screen {
                    let (task, event) = s.update(m, ctx);
                    return Task::batch([task.map(Message::Reader), self.on_event(event)]);
                }
            }
            Message::Search(m) => {
                let env = env(&self.data_dir, &self.shared);
                if let Some(Screen::Search(s)) = &mut self.screen {
                    let (task, event) = s.update(m, &env);
                    return Task::batch([task.map(Message::Search), self.on_event(event)]);
                }
            }
            Message::Guides(m) => {
                let r = match &mut self.screen {
                    Some(Screen::Guides(s)) => Some(s.update(m)),
                    Some(Screen::Guide(s)) => Some(s.update(m)),
                    _ => None,
                };
                if let Some((task, event)) = r {
                    return Task::batch([task.map(Message::Guides), self.on_event(event)]);
                }
            }
            Message::Faq(m) => {
                if let Some(Screen::Faq(s)) = &mut self.screen {
                    let (task, event) = s.update(m);
                    return Task::batch([task.map(Message::Faq), self.on_event(event)]);
                }
            }
            Message::Boards(m) => {
                let r = match &mut self.screen {
                    Some(Screen::Boards(s)) => Some(s.update(m)),
                    Some(Screen::Board(s)) => Some(s.update(m)),
                    _ => None,
                };
                if let Some((task, event)) = r {
                    return Task::batch([task.map(Message::Boards), self.on_event(event)]);
                }
            }
            Message::Feedback(m) => {
                let env = env(&self.data_dir, &self.shared);
                if let Some(Screen::Feedback(s)) = &mut self.screen {
                    let (task, event) = s.update(m, &env);
                    return Task::batch([task.map(Message::Feedback), self.on_event(event)]);
                }
            }
            Message::About(m) => {
                if let Some(Screen::About(s)) = &mut self.screen {
                    let (task, event) = s.update(m);
                    return Task::batch([task.map(Message::About), self.on_event(event)]);
                }
            }
            Message::Request(m) => {
                let env = env(&self.data_dir, &self.shared);
                if let Some(Screen::Request(s)) = &mut self.screen {
                    let (task, event) = s.update(m, &env);
                    return Task::batch([task.map(Message::Request), self.on_event(event)]);
                }
            }
            Message::Printing(m) => {
                let delivered = matches!(m, printing::Message::Delivered(_));
                let (task, outcome) = self.printing.update(m, &self.config.printer, &self.data_dir);
                let mut tasks = vec![task.map(Message::Printing)];
                if let Some(printing::Outcome::Printed { pages, layout, request }) = outcome {
                    // a filled form is wiped from the wizard as soon as it is printed
                    if request.is_some()
                        && let Some(Screen::Request(w)) = &mut self.screen
                    {
                        w.printed();
                    }
                    tasks.push(self.count(UsageEvent::Print { layout, pages }));
                    if let Some((organisation, on_behalf)) = request {
                        tasks.push(self.count(UsageEvent::Request { organisation, on_behalf }));
                    }
                }
                // after a print (done or failed) the status bar shows the printer as it is now
                if delivered {
                    tasks.push(PrintFlow::check_printer(&self.config.printer, &self.data_dir).map(Message::Printing));
                }
                return Task::batch(tasks);
            }
            Message::Pin(m) => {
                if let Some(Screen::AttendantPin(s)) = &mut self.screen {
                    let (task, event) = s.update(m);
                    return Task::batch([task.map(Message::Pin), self.on_event(event)]);
                }
            }
            Message::Panel(m) => {
                if let Some(Screen::Attendant(s)) = &mut self.screen {
                    s.print_failure = self.printing.last_failure.clone();
                    let (task, event) = s.update(m, self.data_dir.clone(), &self.config);
                    return Task::batch([task.map(Message::Panel), self.on_event(event)]);
                }
            }
            Message::PinChecked(ok) => {
                let a = &self.config.attendant;
                let now = Instant::now();
                let opened =
                    self.guard.attempt(ok, a.max_attempts, Duration::from_secs(u64::from(a.lockout_seconds)), now);
                if opened {
                    tracing::info!("attendant mode opened");
                    self.screen = Some(Screen::Attendant(attendant::Panel {
                        print_failure: self.printing.last_failure.clone(),
                        ..attendant::Panel::default()
                    }));
                    return attendant::Panel::refresh(self.data_dir.clone(), self.config.clone()).map(Message::Panel);
                }
                let notice = match self.guard.locked(now) {
                    Some(s) => ta(self.lang, "attendant-locked", &[("seconds", s.into())]),
                    None => {
                        ta(self.lang, "attendant-wrong", &[("left", (a.max_attempts - self.guard.failures).into())])
                    }
                };
                if let Some(Screen::AttendantPin(p)) = &mut self.screen {
                    p.checking = false;
                    p.notice = Some(notice);
                }
            }
            Message::Synced(done) => {
                let reload = self.after_sync(&done);
                let next = self.sync.finished(done, &self.config, self.data_dir.clone(), Message::Synced);
                return Task::batch([reload, next]);
            }
            Message::SyncedNow(done) => {
                self.syncing_now = false;
                let reload = self.after_sync(&done);
                if let Some(Screen::Attendant(p)) = &mut self.screen {
                    p.syncing = false;
                    p.sync_note = Some(match &done {
                        SyncDone::Updated { version } => {
                            ta(self.lang, "attendant-sync-updated", &[("version", (*version as i64).into())])
                        }
                        SyncDone::Unchanged => t(self.lang, "attendant-sync-unchanged"),
                        SyncDone::Failed(e) => format!("{} {e}", t(self.lang, "attendant-sync-failed")),
                    });
                }
                self.sync.last = Some(done);
                let panel = attendant::Panel::refresh(self.data_dir.clone(), self.config.clone()).map(Message::Panel);
                return Task::batch([reload, panel]);
            }
            Message::ToggleLarge => self.look.large = !self.look.large,
            Message::ToggleContrast => self.look.contrast = !self.look.contrast,
            Message::Language(l) => self.lang = l,
            Message::Tick(now) => return self.tick(now),
            Message::Touched | Message::Continue => {}
            Message::ZonePressed => self.zone_pressed = Some(Instant::now()),
            Message::ZoneReleased => {
                let held = self.zone_pressed.take().map(|at| at.elapsed());
                if held.is_some_and(|h| h >= LONG_PRESS) {
                    if self.config.attendant.pin_hash.is_none() {
                        self.notice = Some("attendant-no-pin".into());
                        return Task::none();
                    }
                    return self.open(Route::AttendantPin);
                }
            }
            Message::Resized(size) => self.size = size,
            Message::DismissNotice => self.notice = None,
            #[cfg(test)]
            Message::Panic => panic!("a screen failed on purpose"),
        }
        Task::none()
    }

    fn count(&self, event: UsageEvent) -> Task<Message> {
        let dir = self.data_dir.clone();
        Task::future(async move {
            if let Err(e) = Store::open(&dir).and_then(|s| s.record_usage(event)) {
                tracing::warn!(error = %e, "usage count not written");
            }
        })
        .discard()
    }

    fn after_sync(&mut self, done: &SyncDone) -> Task<Message> {
        match done {
            SyncDone::Updated { .. } => {
                let dir = self.data_dir.clone();
                let shared = Task::perform(async move { load_shared(&dir) }, Message::SharedLoaded);
                Task::batch([self.reload_home(), shared])
            }
            SyncDone::Failed(_) => self.reload_home(),
            SyncDone::Unchanged => Task::none(),
        }
    }

    fn reload_home(&self) -> Task<Message> {
        let dir = self.data_dir.clone();
        Task::perform(async move { home::load(&dir) }, Message::HomeLoaded)
    }

    /// Opens a route: its data is read in a task, then the screen replaces the current one.
    fn open(&mut self, route: Route) -> Task<Message> {
        if route == Route::Home {
            return self.go_home();
        }
        let dir = self.data_dir.clone();
        let r = route.clone();
        Task::perform(async move { screens::load(r, &dir).map(Box::new) }, move |res| {
            Message::Opened(route.clone(), res)
        })
    }

    fn on_event(&mut self, event: Option<Event>) -> Task<Message> {
        match event {
            None => Task::none(),
            Some(Event::Open(route)) => self.open(route),
            Some(Event::Speak(Some(text))) => {
                if let Some(s) = self.speaker.take() {
                    s.stop();
                }
                match Speaker::start(&text, None) {
                    Ok(s) => {
                        self.speaker = Some(s);
                        return self.count(UsageEvent::Speech);
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "voice reading could not start");
                        self.set_reader_speaking(false);
                        self.notice = Some("notice-voice-failed".into());
                    }
                }
                Task::none()
            }
            Some(Event::Speak(None)) => {
                self.stop_speech();
                Task::none()
            }
            Some(Event::Print(what)) => {
                if self.printing.stage.is_some() {
                    return Task::none();
                }
                self.printing.start(what, self.data_dir.clone()).map(Message::Printing)
            }
            Some(Event::Attendant(req)) => match req {
                Request::CheckPin(pin) => {
                    let now = Instant::now();
                    if let Some(s) = self.guard.locked(now) {
                        if let Some(Screen::AttendantPin(p)) = &mut self.screen {
                            p.checking = false;
                            p.notice = Some(ta(self.lang, "attendant-locked", &[("seconds", s.into())]));
                        }
                        return Task::none();
                    }
                    let hash = self.config.attendant.pin_hash.clone().unwrap_or_default();
                    Task::perform(async move { crate::config::verify_pin(&hash, &pin) }, Message::PinChecked)
                }
                Request::SyncNow => {
                    if self.config.sync.source_url.is_none() || self.syncing_now {
                        return Task::none();
                    }
                    self.syncing_now = true;
                    if let Some(Screen::Attendant(p)) = &mut self.screen {
                        p.syncing = true;
                        p.sync_note = None;
                    }
                    background_sync::now(&self.config, self.data_dir.clone(), Message::SyncedNow)
                }
                Request::ExitToDesktop => {
                    tracing::info!("attendant left the kiosk to the desktop");
                    self.stop_speech();
                    iced::exit()
                }
                Request::Close => self.go_home(),
                Request::FillOnBehalf => self.open(Route::Request { on_behalf: true, start: None }),
                Request::TestPrint => self
                    .printing
                    .start(crate::print::Printable::Form(crate::print::FormKind::Blank), self.data_dir.clone())
                    .map(Message::Printing),
            },
        }
    }

    fn set_reader_speaking(&mut self, on: bool) {
        let mut screens: Vec<&mut Screen> = self.history.iter_mut().collect();
        if let Some(s) = self.screen.as_mut() {
            screens.push(s);
        }
        for s in screens {
            if let Screen::Reader(r) = s {
                r.speaking = on && r.speaking;
            }
        }
    }

    fn stop_speech(&mut self) {
        if let Some(s) = self.speaker.take() {
            s.stop();
        }
        self.set_reader_speaking(false);
    }

    /// Back to Home with every visitor input and screen state dropped.
    fn go_home(&mut self) -> Task<Message> {
        self.stop_speech();
        self.history.clear();
        self.notice = None;
        self.screen = self.home.clone().map(|d| Screen::Home(home::Home::new(d)));
        self.reload_home()
    }

    /// The idle reset: everything the visitor changed goes back to the configured defaults.
    pub fn reset_for_next_visitor(&mut self) -> Task<Message> {
        tracing::info!("idle: reset for the next visitor");
        self.look = Look { large: self.config.ui.large_text_default, contrast: self.config.ui.high_contrast_default };
        self.lang = self.config.ui.default_language;
        self.zone_pressed = None;
        self.session_open = false;
        self.printing.reset_for_next_visitor();
        self.go_home()
    }

    /// Whether anything the visitor did is still on screen (worth a countdown and a reset).
    fn visitor_state(&self) -> bool {
        !matches!(self.screen, None | Some(Screen::Home(_)))
            || !self.history.is_empty()
            || self.notice.is_some()
            || self.printing.stage.is_some()
            || self.printing.pages_used > 0
            || self.speaker.is_some()
            || self.lang != self.config.ui.default_language
            || self.look
                != Look { large: self.config.ui.large_text_default, contrast: self.config.ui.high_contrast_default }
    }

    fn tick(&mut self, now: Instant) -> Task<Message> {
        // the UI loop handles this tick: it is alive (a hung loop stops the pings); pings
        // start once systemd has been told the kiosk is ready
        if self.told_ready {
            self.notifier.watchdog();
        }
        self.clock = chrono::Local::now().format("%H:%M").to_string();
        if let Some(s) = &mut self.speaker
            && !s.is_speaking()
        {
            self.speaker = None;
            self.set_reader_speaking(false);
        }
        let mut printer = Task::none();
        if now.saturating_duration_since(self.printer_checked) >= PRINTER_CHECK {
            self.printer_checked = now;
            printer = PrintFlow::check_printer(&self.config.printer, &self.data_dir).map(Message::Printing);
        }
        if self.view_failed.replace(false) {
            tracing::error!("a screen could not be drawn; back to Home");
            return Task::batch([printer, self.go_home()]);
        }
        let idle = now.saturating_duration_since(self.last_touch);
        let timeout = Duration::from_secs(u64::from(self.config.ui.idle_timeout_seconds));
        let countdown = Duration::from_secs(u64::from(self.config.ui.idle_countdown_seconds));
        if self.visitor_state() {
            if idle >= timeout + countdown {
                self.idle = IdleState::Active;
                self.last_touch = now;
                return Task::batch([printer, self.reset_for_next_visitor()]);
            }
            if idle >= timeout {
                self.idle = IdleState::Countdown((timeout + countdown - idle).as_secs().max(1));
            }
        } else if idle >= timeout * 2 {
            self.idle = IdleState::Attract;
        }
        printer
    }

    pub fn view(&self) -> Element<'_, Message> {
        let p = self.look.palette();
        let ctx = self.ctx();
        let body: Element<'_, Message> = match (&self.screen, &self.load_error) {
            (Some(screen), _) => match catch_unwind(AssertUnwindSafe(|| self.screen_view(screen, ctx))) {
                Ok(e) => e,
                Err(panic) => {
                    tracing::error!(panic = %panic_text(panic.as_ref()), "a screen could not be drawn");
                    self.view_failed.set(true);
                    center(text(t(self.lang, "notice-screen-failed")).size(self.look.heading())).into()
                }
            },
            (None, Some(e)) => center(
                column![
                    text(t(self.lang, "load-failed")).size(self.look.heading()),
                    text(e.clone()).size(self.look.small()).color(p.muted),
                ]
                .spacing(16),
            )
            .into(),
            (None, None) => center(text(t(self.lang, "loading")).size(self.look.heading())).into(),
        };
        let pad = if ctx.portrait { 28.0 } else { 40.0 };
        let main = container(body).padding(pad).width(Length::Fill).height(Length::Fill);
        let page = container(column![self.status_bar(), main, self.nav_bar()])
            .width(Length::Fill)
            .height(Length::Fill)
            .style(theme::page(p));

        let overlay: Option<Element<'_, Message>> = match self.idle {
            IdleState::Countdown(s) => Some(
                self.dialog(
                    column![
                        text(t(self.lang, "idle-question")).size(self.look.heading()),
                        text(ta(self.lang, "idle-countdown", &[("seconds", s.into())])).size(self.look.title()),
                        super::widgets::action(ctx, t(self.lang, "idle-continue"), Some(Message::Continue), true),
                    ]
                    .spacing(self.look.gap())
                    .align_x(Alignment::Center)
                    .into(),
                ),
            ),
            IdleState::Attract => Some(self.attract()),
            IdleState::Active if self.printing.stage.is_some() => self
                .printing
                .view(ctx, self.config.printer.page_limit)
                .map(|d| self.dialog(column![d.map(Message::Printing)].align_x(Alignment::Center).into())),
            IdleState::Active => self.notice.as_ref().map(|key| {
                self.dialog(
                    column![
                        text(t(self.lang, key)).size(self.look.heading()),
                        super::widgets::action(ctx, t(self.lang, "notice-ok"), Some(Message::DismissNotice), true),
                    ]
                    .spacing(self.look.gap())
                    .align_x(Alignment::Center)
                    .into(),
                )
            }),
        };
        let all: Element<'_, Message> = match overlay {
            Some(o) => stack![page, o].into(),
            None => page.into(),
        };
        if self.config.ui.hide_cursor { super::widgets::no_cursor(all) } else { all }
    }

    fn dialog<'a>(&'a self, inner: Element<'a, Message>) -> Element<'a, Message> {
        let p = self.look.palette();
        opaque(
            container(container(inner).padding(40).max_width(900).style(theme::card(p)))
                .center(Length::Fill)
                .style(theme::scrim(p)),
        )
    }

    fn attract(&self) -> Element<'_, Message> {
        let p = self.look.palette();
        let l = self.lang;
        opaque(
            button(
                container(
                    column![
                        text(self.zone_name()).size(self.look.title() * 1.5),
                        text(t(l, "attract-touch")).size(self.look.title()),
                        text(t(l, "attract-what")).size(self.look.heading()),
                    ]
                    .spacing(40)
                    .align_x(Alignment::Center),
                )
                .center(Length::Fill),
            )
            .on_press(Message::Touched)
            .width(Length::Fill)
            .height(Length::Fill)
            .style(theme::button_style(p, theme::Button::Primary)),
        )
    }

    fn screen_view<'a>(&'a self, screen: &'a Screen, ctx: Ctx) -> Element<'a, Message> {
        match screen {
            Screen::Home(h) => h.view(ctx).map(Message::Home),
            Screen::Catalogue(s) => s.view(ctx).map(Message::Catalogue),
            Screen::Reader(s) => s.view(ctx).map(Message::Reader),
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

    /// Zone name (hold it for attendant mode), clock, online state, content as of, printer.
    fn status_bar(&self) -> Element<'_, Message> {
        let l = self.lang;
        let look = self.look;
        let p = look.palette();
        let online = match (&self.config.sync.source_url, &self.sync.last) {
            (None, _) => t(l, "status-standalone"),
            (Some(_), Some(SyncDone::Failed(_))) => t(l, "status-offline"),
            (Some(_), Some(_)) => t(l, "status-online"),
            (Some(_), None) => t(l, "status-checking"),
        };
        let as_of = match self.home.as_ref().and_then(|h| h.snapshot.as_ref()) {
            Some(s) => {
                let date =
                    s.newest_document.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_else(|| s.applied_at.clone());
                let mut line = ta(l, "status-as-of", &[("date", date.into())]);
                if let Some(note) = self.home.as_ref().and_then(|h| h.freshness_note) {
                    line = format!("{line} · {}", t(l, note));
                }
                line
            }
            None => t(l, "status-no-content"),
        };
        let printer = t(l, self.printing.status_key());
        let sample = self.home.as_ref().and_then(|h| h.site.as_ref()).is_some_and(|s| s.sample);
        let mut name =
            row![text(content(l, &self.zone_name())).size(look.heading())].spacing(14).align_y(Alignment::Center);
        if sample {
            name = name.push(
                container(text(t(l, "status-sample")).size(look.small())).padding([4, 10]).style(theme::badge(p)),
            );
        }
        let zone = mouse_area(name).on_press(Message::ZonePressed).on_release(Message::ZoneReleased);
        let info = if self.portrait() {
            column![
                text(format!("{}　{online}", self.clock)).size(look.small()),
                text(format!("{as_of}　{printer}")).size(look.small()),
            ]
            .align_x(Alignment::End)
        } else {
            column![
                text(format!("{}　{online}　{printer}", self.clock)).size(look.small()),
                text(as_of).size(look.small())
            ]
            .align_x(Alignment::End)
        };
        container(row![zone, space::horizontal(), info].align_y(Alignment::Center).spacing(20))
            .padding([0, 28])
            .height(self.bar_height())
            .center_y(self.bar_height())
            .width(Length::Fill)
            .style(theme::bar(p))
            .into()
    }

    /// Home and back, large text, high contrast, languages: on every screen.
    fn nav_bar(&self) -> Element<'_, Message> {
        let l = self.lang;
        let look = self.look;
        let p = look.palette();
        let h = look.target();
        let b = |label: String, msg: Option<Message>, on: bool| -> Element<'_, Message> {
            button(container(text(label).size(look.body())).center_y(Length::Fill))
                .on_press_maybe(msg)
                .height(h)
                .padding([0, 20])
                .style(theme::button_style(p, if on { theme::Button::OnBarSelected } else { theme::Button::OnBar }))
                .into()
        };
        let at_home = matches!(self.screen, None | Some(Screen::Home(_)));
        let mut langs = row![].spacing(8);
        for lang in &self.config.ui.languages {
            langs = langs.push(b(t(l, &format!("lang-{}", lang.code())), Some(Message::Language(*lang)), *lang == l));
        }
        let back_label = if at_home { t(l, "nav-back") } else { format!("‹ {}", t(l, "nav-back")) };
        container(
            row![
                b(t(l, "nav-home"), (!at_home).then_some(Message::Open(Route::Home)), false),
                b(back_label, (!at_home).then_some(Message::Back), false),
                space::horizontal(),
                b(t(l, "nav-large"), Some(Message::ToggleLarge), look.large),
                b(t(l, "nav-contrast"), Some(Message::ToggleContrast), look.contrast),
                langs,
            ]
            .spacing(if self.portrait() { 8 } else { 14 })
            .align_y(Alignment::Center),
        )
        .padding([0, 20])
        .height(self.bar_height())
        .center_y(self.bar_height())
        .width(Length::Fill)
        .style(theme::bar(p))
        .into()
    }
}

/// One instant a second, from a thread of its own (the thread-pool executor has no timer).
fn ticks() -> impl iced::futures::Stream<Item = Instant> {
    let (mut tx, rx) = iced::futures::channel::mpsc::channel(1);
    std::thread::Builder::new()
        .name("idle-clock".into())
        .spawn(move || {
            loop {
                std::thread::sleep(Duration::from_secs(1));
                if let Err(e) = tx.try_send(Instant::now())
                    && e.is_disconnected()
                {
                    break;
                }
            }
        })
        .expect("a thread can be started");
    rx
}

impl Drop for Kiosk {
    fn drop(&mut self) {
        self.stop_speech();
    }
}

#[cfg(test)]
mod tests;
