//! The kiosk application: the shell around the screens. It holds three owners — the visit
//! (look, language, idle countdown, session), navigation (the screen on show and the way back)
//! and the services (search, printing, sync, the voice, the attendant PIN's lock-out, the
//! watchdog) — passes each message to its owner, acts on the events screens raise, and brings
//! the kiosk back to Home when a screen panics. The messages, the view, the bars, what may cover
//! the screen and the attendant flow's side in the app are modules of their own.

mod attendant;
mod bars;
mod health;
mod message;
mod navigation;
mod overlay;
mod services;
mod view;
mod visit;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use iced::{Size, Subscription, Task, Theme};

use super::background_sync::{self, SyncDone};
use super::i18n::t;
use super::printing::{self, PrintFlow};
use super::screens::home::{self, Home, HomeData};
use super::screens::{self, Ctx, Env, Event, Route, Screen};
use crate::config::{Config, Orientation};
use crate::store::{Store, UsageEvent};
use crate::ui::widgets::voice::Command as VoiceCommand;
use navigation::Navigation;
use services::{Services, Shared, load_shared};
use visit::{IdleStep, Visit};

pub use message::Message;
pub use visit::IdleState;

/// How long the zone name must be held to open the attendant PIN pad.
pub const LONG_PRESS: Duration = Duration::from_millis(1500);

/// Where a visitor leaving a half-filled form was going.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leave {
    Home,
    Back,
}

pub struct Kiosk {
    config: Config,
    data_dir: PathBuf,
    visit: Visit,
    nav: Navigation,
    services: Services,
    /// Home's data (also the status bar's: zone, content date), reloaded after each sync.
    home: Option<HomeData>,
    /// Why Home could not be read.
    load_error: Option<String>,
    /// A message in a dialog (translation key).
    notice: Option<String>,
    /// The "需要帮助" card is open.
    help: bool,
    /// The visitor asked to leave a form with answers in it: the dialog asks first.
    leaving: Option<Leave>,
    size: Size,
    clock: String,
    /// A screen's view panicked: go Home at the next tick.
    view_failed: std::cell::Cell<bool>,
    /// `kiosk --then`: tapped once the first screen opened is on show.
    then: Option<screens::StartTap>,
    /// The store is being prepared (the window's first task): a schema upgrade or an index
    /// rebuild can take minutes after the kiosk was upgraded.
    preparing: bool,
}

/// What screens' `update` may use: the data directory and configuration, the view's context,
/// and search and the keyboard once ready.
fn env<'a>(data_dir: &'a Path, config: &'a Config, services: &'a Services, ctx: Ctx) -> Env<'a> {
    let shared = &services.shared;
    Env {
        data_dir,
        config,
        ctx,
        lexicon: shared.as_ref().map(|s| s.lexicon.as_ref()),
        searcher: shared.as_ref().map(|s| s.searcher.clone()),
        recognizer: services.recognizer.as_ref(),
    }
}

/// Prepares the store on a thread of its own (minutes after an upgrade: not on one of the few
/// task threads); a panic there is reported as a failure, never a window that waits for ever.
fn prepare_store(dir: PathBuf) -> Task<Message> {
    let (tx, rx) = iced::futures::channel::oneshot::channel();
    let spawned = std::thread::Builder::new().name("prepare-store".into()).spawn(move || {
        let prepared = std::panic::catch_unwind(|| crate::startup::prepare_store(&dir))
            .unwrap_or_else(|p| Err(format!("preparing the store failed: {}", panic_text(p.as_ref()))));
        let _ = tx.send(prepared);
    });
    if let Err(e) = spawned {
        return Task::done(Message::Prepared(Err(format!("no thread to prepare the store: {e}"))));
    }
    Task::perform(
        async move { rx.await.unwrap_or_else(|_| Err("the thread preparing the store stopped".into())) },
        Message::Prepared,
    )
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
        let load = Task::perform(async move { home::load(&dir).map(Box::new) }, Message::HomeLoaded);
        let dir = data_dir.clone();
        let shared = Task::perform(async move { load_shared(&dir) }, Message::SharedLoaded);
        // zinnia and its model are checked once, off the UI thread (the model is mapped when a
        // visitor first writes, and let go at the idle reset)
        let handwriting = Task::perform(
            async {
                crate::handwriting::Recognizer::open_default().map(std::sync::Arc::new).map_err(|e| e.to_string())
            },
            Message::HandwritingLoaded,
        );
        let player = crate::sound::Player::new(config.sound.enabled, config.sound.volume);
        let mut services = Services::new(player);
        // A folder that PDFs are saved in needs no asking: its state is known from the start, so
        // that Home and the first metrics file show it (a CUPS queue is read in the task).
        let destination = crate::print::Destination::from_config(&config.printer, &data_dir);
        if matches!(destination, crate::print::Destination::Directory(_)) {
            services.printing.readiness = Some(crate::print::readiness(&destination));
        }
        let printer = PrintFlow::check_printer(&config.printer, &data_dir).map(Message::Printing);
        let kiosk = Self {
            visit: Visit::new(&config.ui),
            size: super::window_size(config.ui.orientation),
            config,
            data_dir,
            nav: Navigation::default(),
            services,
            home: None,
            load_error: None,
            notice: None,
            help: false,
            leaving: None,
            clock: chrono::Local::now().format("%H:%M").to_string(),
            view_failed: std::cell::Cell::new(false),
            then: None,
            preparing: true,
        };
        let watchdog = kiosk.watch_for_watchdog();
        // Everything that reads the store waits until it is prepared; the window shows
        // "正在准备内容" meanwhile.
        let prepare = prepare_store(kiosk.data_dir.clone());
        (kiosk, prepare.chain(Task::batch([load, shared, printer, watchdog, handwriting])))
    }

    /// Has `tap` made once the next screen opened is on show (`kiosk --open … --then …`).
    pub fn then_at_start(&mut self, tap: Option<screens::StartTap>) {
        self.then = tap;
    }

    pub fn zone_name(&self) -> String {
        self.home
            .as_ref()
            .and_then(|h| h.site.as_ref())
            .map(|s| s.name.clone())
            .unwrap_or_else(|| t(self.visit.lang, "zone-default"))
    }

    pub fn title(&self) -> String {
        self.home
            .as_ref()
            .and_then(|h| h.site.as_ref())
            .map(|s| s.name.clone())
            .unwrap_or_else(|| "政务公开专区".into())
    }

    pub fn theme(&self) -> Theme {
        if self.visit.look.contrast { Theme::Dark } else { Theme::Light }
    }

    /// The window's own background, under every screen (each paints its page colour over it).
    /// It alternates between the page colour and one a step of 1/255 bluer each time the screen
    /// changes: iced's software renderer redraws only the rectangles it finds changed, and a
    /// border drawn between two pixel rows spills one row outside its widget's rectangle, so a
    /// line of the screen that left could stay on the next one (a 1-px dash between buttons);
    /// a new background colour makes it redraw the whole window once.
    pub fn window_style(&self, _theme: &Theme) -> iced::theme::Style {
        let p = self.visit.look.palette();
        let mut background = p.page;
        if self.nav.switches() % 2 == 1 {
            background.b = if background.b >= 1.0 { background.b - 1.0 / 255.0 } else { background.b + 1.0 / 255.0 };
        }
        iced::theme::Style { background_color: background, text_color: p.ink }
    }

    pub fn portrait(&self) -> bool {
        match self.config.ui.orientation {
            Orientation::Portrait => true,
            Orientation::Landscape => false,
            Orientation::Auto => self.size.height > self.size.width,
        }
    }

    pub fn ctx(&self) -> Ctx {
        let portrait = self.portrait();
        let pad = if portrait { 28.0 } else { 40.0 };
        let look = self.visit.look;
        let bars = bars::status_height(look, portrait) + bars::nav_height(look, portrait);
        Ctx {
            look,
            lang: self.visit.lang,
            portrait,
            width: self.size.width - 2.0 * pad,
            height: self.size.height - bars - 2.0 * pad,
            handwriting: self.services.recognizer.is_some(),
        }
    }

    pub fn subscription(&self) -> Subscription<Message> {
        let touches = iced::event::listen_with(|event, _status, _window| match event {
            iced::Event::Mouse(iced::mouse::Event::ButtonPressed(_))
            | iced::Event::Touch(iced::touch::Event::FingerPressed { .. }) => Some(Message::Tapped),
            iced::Event::Mouse(iced::mouse::Event::WheelScrolled { .. })
            | iced::Event::Touch(iced::touch::Event::FingerMoved { .. }) => Some(Message::Touched),
            _ => None,
        });
        Subscription::batch([
            Subscription::run(visit::ticks).map(Message::Tick),
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

    /// A touch restarts the idle timer (and opens a session); a touch that only ends a
    /// countdown or the attract screen does nothing else.
    fn handle(&mut self, message: Message) -> Task<Message> {
        if !message.is_touch() {
            return self.dispatch(message);
        }
        let touch = self.visit.touched(Instant::now());
        if touch.new_session {
            self.visit.hint_until = Some(self.nav.switches());
        }
        let session = if touch.new_session { self.count(UsageEvent::Session) } else { Task::none() };
        if matches!(message, Message::Tapped) {
            self.services.player.play(crate::sound::Sound::Click);
        }
        if touch.woke && matches!(message, Message::Touched | Message::Tapped | Message::Continue) {
            return session;
        }
        Task::batch([session, self.dispatch(message)])
    }

    fn dispatch(&mut self, message: Message) -> Task<Message> {
        match message {
            Message::Prepared(_) => {
                // an error is in the log; reading Home then fails and the window says so
                self.preparing = false;
                // the first background sync (its thread waits a minute or so) starts only now:
                // it must not open the store while it is being upgraded
                background_sync::BackgroundSync::first(
                    &self.config,
                    self.data_dir.clone(),
                    self.services.live.clone(),
                    Message::Synced,
                )
            }
            // while the store is being prepared there is nothing to open: the attendant's
            // long-press and any screen wait (the look, language and help buttons still work)
            Message::Open(_) | Message::ZonePressed | Message::ZoneReleased if self.preparing => Task::none(),
            Message::HomeLoaded(r) => self.home_loaded(r),
            Message::SharedLoaded(Ok(shared)) => self.shared_loaded(shared),
            Message::SharedLoaded(Err(e)) => {
                tracing::error!(error = %e, "search could not be prepared");
                Task::none()
            }
            Message::HandwritingLoaded(Ok(recognizer)) => {
                self.services.recognizer = Some(recognizer);
                Task::none()
            }
            Message::HandwritingLoaded(Err(e)) => {
                tracing::warn!(error = %e, "the handwriting pad is not offered");
                Task::none()
            }
            Message::Open(route) | Message::OpenAtStart(route) => self.open(route),
            Message::Opened(route, Ok(screen)) => self.opened(&route, *screen),
            Message::Opened(_, Err(e)) => {
                tracing::error!(error = %e, "screen could not be opened");
                self.notice = Some("notice-open-failed".into());
                Task::none()
            }
            Message::Back => self.back(false),
            Message::Leave => match self.leaving.take() {
                Some(Leave::Home) => self.go_home(),
                Some(Leave::Back) => self.back(true),
                None => Task::none(),
            },
            Message::Screen(m) => self.screen_message(m),
            Message::Printing(m) => self.printing_message(m),
            Message::Voice(reading, p) => self.voice_progress(reading, p),
            Message::PinChecked(ok) => self.pin_checked(ok),
            Message::Synced(done) => {
                let reload = self.after_sync(&done);
                let live = self.services.live.clone();
                let next =
                    self.services.sync.finished(done, &self.config, self.data_dir.clone(), live, Message::Synced);
                Task::batch([reload, next])
            }
            Message::SyncedNow(done) => self.synced_now(done),
            Message::Tick(now) => self.tick(now),
            Message::ZoneReleased => self.zone_released(),
            Message::MetricsWritten(r) => self.metrics_written(r),
            Message::HealthChanged => {
                self.services.metrics_changed();
                Task::none()
            }
            other => {
                self.settle(other);
                Task::none()
            }
        }
    }

    /// The messages that only change the kiosk's own state.
    fn settle(&mut self, message: Message) {
        match message {
            Message::ToggleLarge => self.visit.look.large = !self.visit.look.large,
            Message::ToggleContrast => self.visit.look.contrast = !self.visit.look.contrast,
            Message::Language(l) => self.visit.lang = l,
            Message::ZonePressed => self.visit.zone_pressed = Some(Instant::now()),
            Message::Resized(size) => self.size = size,
            Message::DismissNotice => self.notice = None,
            Message::Help => self.help = true,
            Message::CloseHelp => self.help = false,
            Message::Stay => self.leaving = None,
            #[cfg(test)]
            Message::Panic => panic!("a screen failed on purpose"),
            _ => {}
        }
    }

    fn home_loaded(&mut self, loaded: Result<Box<HomeData>, String>) -> Task<Message> {
        match loaded {
            Ok(data) => {
                let data = *data;
                if self.nav.at_home() {
                    self.nav.replace(Screen::Home(Home::new(data.clone())));
                }
                self.home = Some(data);
                self.load_error = None;
            }
            Err(e) => {
                tracing::error!(error = %e, "home screen could not read the store");
                self.load_error = Some(e);
            }
        }
        self.services.ready();
        Task::none()
    }

    fn shared_loaded(&mut self, shared: Shared) -> Task<Message> {
        self.services.shared = Some(shared);
        let env = env(&self.data_dir, &self.config, &self.services, self.ctx());
        match self.nav.current_mut() {
            Some(screen) => screen.on_enter(&env).map(Message::Screen),
            None => Task::none(),
        }
    }

    /// Opens a route: its data is read in a task, then the screen replaces the current one.
    fn open(&mut self, route: Route) -> Task<Message> {
        if route == Route::Help {
            let home = self.go_home();
            self.help = true;
            return home;
        }
        if route == Route::Home {
            if self.nav.current().is_some_and(Screen::holds_answers) {
                self.leaving = Some(Leave::Home);
                return Task::none();
            }
            return self.go_home();
        }
        let dir = self.data_dir.clone();
        let r = route.clone();
        Task::perform(async move { screens::load(r, &dir).map(Box::new) }, move |res| {
            Message::Opened(route.clone(), res)
        })
    }

    fn opened(&mut self, route: &Route, mut screen: Screen) -> Task<Message> {
        self.services.stop_speech();
        let usage = [Some(UsageEvent::Screen(route.screen_name())), screen.usage_item()];
        let env = env(&self.data_dir, &self.config, &self.services, self.ctx());
        let enter = screen.on_enter(&env).map(Message::Screen);
        let ctx = self.ctx();
        let then = self.then.take().map(|tap| {
            let taps = screen.start_tap(&tap, ctx);
            if taps.is_empty() {
                tracing::warn!(tap = tap.name(), screen = route.screen_name(), "this screen has no such button");
            }
            // one after the other, as a visitor's hand would send them
            taps.into_iter().fold(Task::none(), |t, m| t.chain(Task::done(Message::Screen(m))))
        });
        self.nav.open(screen);
        let mut tasks: Vec<Task<Message>> = usage.into_iter().flatten().map(|e| self.count(e)).collect();
        tasks.push(enter);
        tasks.extend(then);
        Task::batch(tasks)
    }

    /// Back to the previous screen (`confirmed`: the visitor said yes to leaving a form).
    fn back(&mut self, confirmed: bool) -> Task<Message> {
        if !confirmed && self.nav.current().is_some_and(Screen::holds_answers) {
            self.leaving = Some(Leave::Back);
            return Task::none();
        }
        self.services.stop_speech();
        if self.nav.back() { Task::none() } else { self.go_home() }
    }

    /// Runs a message on the screen on show (from the visitor, a screen's task, or the app
    /// telling the screen how something it asked for went) and acts on its event.
    fn screen_message(&mut self, message: screens::Message) -> Task<Message> {
        let env = env(&self.data_dir, &self.config, &self.services, self.ctx());
        let Some(screen) = self.nav.current_mut() else { return Task::none() };
        let (task, event) = screen.update(message, &env);
        Task::batch([task.map(Message::Screen), self.on_event(event)])
    }

    fn on_event(&mut self, event: Option<Event>) -> Task<Message> {
        match event {
            None => Task::none(),
            Some(Event::Open(route)) => self.open(route),
            Some(Event::Voice(command)) => self.voice(command),
            Some(Event::Print(_)) if self.services.printing.stage.is_some() => Task::none(),
            Some(Event::Print(what)) => {
                self.services.printing.start(what, self.data_dir.clone()).map(Message::Printing)
            }
            Some(Event::Attendant(request)) => self.attendant_request(request),
        }
    }

    /// Carries out a tap on the voice's buttons. The speaker's reports come back through a
    /// task that reads them as its thread sends them.
    fn voice(&mut self, command: VoiceCommand) -> Task<Message> {
        match command {
            VoiceCommand::Start(sentences) => match self.services.speak(sentences) {
                Ok((reading, reports)) => {
                    let rate = self.services.voice_rate;
                    if let Some(v) = self.nav.current_mut().and_then(Screen::voice_mut) {
                        v.rate = rate;
                    }
                    Task::batch([
                        self.count(UsageEvent::Speech),
                        Task::run(reports, move |p| Message::Voice(reading, p)),
                    ])
                }
                Err(e) => self.voice_failed(&e),
            },
            VoiceCommand::Stop => {
                self.services.stop_speech();
                Task::none()
            }
            other => {
                let rate = self.services.voice_control(&other);
                if let Some(v) = self.nav.current_mut().and_then(Screen::voice_mut) {
                    v.rate = rate;
                }
                Task::none()
            }
        }
    }

    fn voice_failed(&mut self, error: &str) -> Task<Message> {
        tracing::error!(error = %error, "voice reading could not start");
        self.notice = Some("notice-voice-failed".into());
        if let Some(v) = self.nav.current_mut().and_then(Screen::voice_mut) {
            v.progress(&crate::speech::Progress::Failed(error.to_string()));
        }
        Task::none()
    }

    /// The speaker's report: the screen shows the sentence being read, paused or stopped.
    fn voice_progress(&mut self, reading: u64, p: crate::speech::Progress) -> Task<Message> {
        if !self.services.voice_progress(reading, &p) {
            return Task::none();
        }
        if let crate::speech::Progress::Failed(e) = &p {
            return self.voice_failed(e);
        }
        if let Some(v) = self.nav.current_mut().and_then(Screen::voice_mut) {
            v.progress(&p);
        }
        Task::none()
    }

    fn printing_message(&mut self, message: printing::Message) -> Task<Message> {
        let delivered = matches!(message, printing::Message::Delivered(_));
        let job_failed = matches!(message, printing::Message::Delivered(Err(_)));
        let readiness_before = self.services.printing.readiness.clone();
        let failure_before = self.services.printing.last_failure_shown.clone();
        let (task, outcome) = self.services.printing.update(message, &self.config.printer, &self.data_dir);
        let mut tasks = vec![task.map(Message::Printing)];
        if let Some(printing::Outcome::Printed { pages, layout, request }) = outcome {
            tasks.push(self.count(UsageEvent::Print { layout, pages }));
            if let Some((organisation, on_behalf)) = request {
                // a filled form is wiped from the wizard as soon as it is printed
                tasks.push(self.screen_message(screens::Message::Request(screens::request::Message::Printed)));
                tasks.push(self.count(UsageEvent::Request { organisation, on_behalf }));
            }
        }
        let failure = self.services.printing.last_failure_shown.clone();
        if let Some(f) = failure.filter(|f| Some(f) != failure_before.as_ref()) {
            // the attendant panel (a test print) shows what went wrong
            tasks.push(self.screen_message(screens::Message::Panel(screens::attendant::PanelMessage::PrintFailed(f))));
        }
        if job_failed {
            tasks.push(self.count_up(crate::store::Counter::PrintJobFailed));
        }
        if delivered || self.services.printing.readiness != readiness_before {
            self.services.metrics_changed();
        }
        // after a print (done or failed) the status bar shows the printer as it is now
        if delivered {
            tasks.push(PrintFlow::check_printer(&self.config.printer, &self.data_dir).map(Message::Printing));
        }
        Task::batch(tasks)
    }

    fn count(&self, event: UsageEvent) -> Task<Message> {
        // not while the store is being prepared (a schema upgrade holds it for minutes)
        if self.preparing {
            return Task::none();
        }
        let dir = self.data_dir.clone();
        Task::future(async move {
            if let Err(e) = Store::open(&dir).and_then(|s| s.record_usage(event)) {
                tracing::warn!(error = %e, "usage count not written");
            }
        })
        .discard()
    }

    fn after_sync(&mut self, done: &SyncDone) -> Task<Message> {
        self.services.metrics_changed();
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
        // Home is read once the store is prepared (the first task's chain)
        if self.preparing {
            return Task::none();
        }
        let dir = self.data_dir.clone();
        Task::perform(async move { home::load(&dir).map(Box::new) }, Message::HomeLoaded)
    }

    /// Back to Home with every visitor input and screen state dropped.
    fn go_home(&mut self) -> Task<Message> {
        self.services.stop_speech();
        self.notice = None;
        self.help = false;
        self.leaving = None;
        self.nav.home(self.home.clone().map(|d| Screen::Home(Home::new(d))));
        self.reload_home()
    }

    /// The idle reset: everything the visitor changed goes back to the configured defaults.
    pub fn reset_for_next_visitor(&mut self) -> Task<Message> {
        tracing::info!("idle: reset for the next visitor");
        self.visit.reset(&self.config.ui);
        self.services.reset_for_next_visitor();
        let counted = if self.preparing { Task::none() } else { self.count_up(crate::store::Counter::IdleReset) };
        Task::batch([counted, self.go_home()])
    }

    /// Whether anything the visitor did is still here (worth a countdown and a reset).
    fn holds_visit(&self) -> bool {
        // a visitor who only touched Home (scrolled it, tapped beside the tiles) still leaves
        // it scrolled and the first-visit hint gone: the next visitor gets a fresh Home too
        self.visit.session_open
            || self.nav.holds_visit()
            || self.notice.is_some()
            || self.help
            || self.leaving.is_some()
            || self.services.holds_visit()
            || self.visit.changed_look(&self.config.ui)
    }

    fn tick(&mut self, now: Instant) -> Task<Message> {
        self.services.alive();
        self.clock = chrono::Local::now().format("%H:%M").to_string();
        let mut tasks = Vec::new();
        tasks.push(self.metrics_tick(now));
        if !self.preparing && self.services.printer_due(now) {
            tasks.push(PrintFlow::check_printer(&self.config.printer, &self.data_dir).map(Message::Printing));
        }
        if self.view_failed.replace(false) {
            tracing::error!("a screen could not be drawn; back to Home");
            tasks.push(self.go_home());
        } else {
            let was = self.visit.idle;
            if self.visit.tick(now, &self.config.ui, self.holds_visit()) == IdleStep::Reset {
                tasks.push(self.reset_for_next_visitor());
            } else if was == IdleState::Active && matches!(self.visit.idle, IdleState::Countdown(_)) {
                // the countdown starts: a chime, for those looking elsewhere
                self.services.player.play(crate::sound::Sound::Chime);
                self.services.chimes += 1;
            }
        }
        Task::batch(tasks)
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod visitor_tests;
