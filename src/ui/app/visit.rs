//! The visit: one visitor's time at the kiosk — how the screen looks for them (text size,
//! contrast, language), the idle countdown that ends the visit, and whether the visit was
//! counted as a session. [`Visit::reset`] puts all of it back for the next visitor.

use std::time::{Duration, Instant};

use crate::config::{Language, UiConfig};
use crate::ui::theme::Look;

/// Idle tracking: what the idle timer shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdleState {
    Active,
    /// Counting down to the reset: seconds left.
    Countdown(u64),
    /// Nobody here for a while: the attract screen.
    Attract,
}

/// What a touch did to the visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Touch {
    /// It is the first touch of a new visitor (a session to count).
    pub new_session: bool,
    /// It ended a countdown or the attract screen.
    pub woke: bool,
}

/// What the idle timer asks for at a tick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdleStep {
    /// Nothing to do (or a countdown or the attract screen is now on show).
    Wait,
    /// The countdown ran out: reset for the next visitor.
    Reset,
}

#[derive(Debug)]
pub struct Visit {
    pub(super) look: Look,
    pub(super) lang: Language,
    pub(super) last_touch: Instant,
    pub(super) idle: IdleState,
    /// A visitor has touched the screen since the last reset (counts one session).
    pub(super) session_open: bool,
    /// The screen changes counted when this visitor first touched the screen: Home keeps its
    /// first-visit hint until the next change, so that the press of a first tap does not pull
    /// the tiles away from under the finger before it lifts.
    pub(super) hint_until: Option<u64>,
    /// When the zone name was pressed (held long, it opens the attendant PIN pad).
    pub(super) zone_pressed: Option<Instant>,
}

impl Visit {
    pub fn new(ui: &UiConfig) -> Self {
        Visit {
            look: default_look(ui),
            lang: ui.default_language,
            last_touch: Instant::now(),
            idle: IdleState::Active,
            session_open: false,
            hint_until: None,
            zone_pressed: None,
        }
    }

    /// A touch at `now`: the idle timer starts again.
    pub fn touched(&mut self, now: Instant) -> Touch {
        self.last_touch = now;
        let new_session = !std::mem::replace(&mut self.session_open, true);
        let woke = self.idle != IdleState::Active;
        self.idle = IdleState::Active;
        Touch { new_session, woke }
    }

    /// Whether the visitor changed the look or the language.
    pub fn changed_look(&self, ui: &UiConfig) -> bool {
        self.lang != ui.default_language || self.look != default_look(ui)
    }

    /// One tick of the idle timer. `holds_visit`: something of this visitor is still on show
    /// (worth a countdown and a reset); otherwise a long quiet shows the attract screen.
    pub fn tick(&mut self, now: Instant, ui: &UiConfig, holds_visit: bool) -> IdleStep {
        let idle = now.saturating_duration_since(self.last_touch);
        let timeout = Duration::from_secs(u64::from(ui.idle_timeout_seconds));
        let countdown = Duration::from_secs(u64::from(ui.idle_countdown_seconds));
        if holds_visit {
            if idle >= timeout + countdown {
                self.idle = IdleState::Active;
                self.last_touch = now;
                return IdleStep::Reset;
            }
            if idle >= timeout {
                self.idle = IdleState::Countdown((timeout + countdown - idle).as_secs().max(1));
            }
        } else if idle >= timeout * 2 {
            self.idle = IdleState::Attract;
        }
        IdleStep::Wait
    }

    /// The next visitor starts with the configured look and language and a new session.
    pub fn reset(&mut self, ui: &UiConfig) {
        self.look = default_look(ui);
        self.lang = ui.default_language;
        self.zone_pressed = None;
        self.session_open = false;
        self.hint_until = None;
    }

    /// Whether Home shows the first-visit hint, `switches` screen changes into the kiosk's
    /// life: before a visitor's first touch, and on until they leave Home.
    pub fn shows_hint(&self, switches: u64) -> bool {
        !self.session_open || self.hint_until == Some(switches)
    }

    /// The zone name was released: whether it was held long enough for attendant mode.
    pub fn zone_released(&mut self, long_press: Duration) -> bool {
        self.zone_pressed.take().is_some_and(|at| at.elapsed() >= long_press)
    }
}

fn default_look(ui: &UiConfig) -> Look {
    Look { large: ui.large_text_default, contrast: ui.high_contrast_default }
}

/// One instant a second, from a thread of its own (the thread-pool executor has no timer): the
/// idle countdown's clock.
pub fn ticks() -> impl iced::futures::Stream<Item = Instant> {
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
