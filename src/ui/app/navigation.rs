//! Navigation: the screen on show and the way back. A screen that another replaces goes into
//! the history (so "返回" brings it back as the visitor left it); Home empties the history.

use crate::ui::screens::Screen;

#[derive(Debug, Default)]
pub struct Navigation {
    /// None until Home's data is first read.
    pub(super) screen: Option<Screen>,
    pub(super) history: Vec<Screen>,
    /// How many times the screen on show has changed (see `Kiosk::window_style`).
    switches: u64,
}

impl Navigation {
    /// Whether Home (or nothing yet) is on show.
    pub fn at_home(&self) -> bool {
        matches!(self.screen, None | Some(Screen::Home(_)))
    }

    /// Whether anything of a visitor's path is left: a screen other than Home, or a way back.
    pub fn holds_visit(&self) -> bool {
        !self.at_home() || !self.history.is_empty()
    }

    /// Shows `screen`; the one on show leaves and goes into the history (the PIN pad never
    /// does: "back" does not return to it).
    pub fn open(&mut self, screen: Screen) {
        self.switches += 1;
        if let Some(mut prev) = self.screen.replace(screen) {
            prev.on_leave();
            if !matches!(prev, Screen::AttendantPin(_)) {
                self.history.push(prev);
            }
        }
    }

    /// Shows `screen` in place of the one on show, which is not kept (the attendant panel
    /// replaces the PIN pad).
    pub fn replace(&mut self, screen: Screen) {
        self.switches += 1;
        if let Some(mut prev) = self.screen.replace(screen) {
            prev.on_leave();
        }
    }

    /// Back to the previous screen; false when there is none.
    pub fn back(&mut self) -> bool {
        let Some(prev) = self.history.pop() else { return false };
        self.switches += 1;
        if let Some(mut left) = self.screen.replace(prev) {
            left.on_leave();
        }
        true
    }

    /// Home (or nothing, before Home's data is read), with the history emptied.
    pub fn home(&mut self, home: Option<Screen>) {
        self.switches += 1;
        if let Some(mut left) = self.screen.take() {
            left.on_leave();
        }
        self.history.clear();
        self.screen = home;
    }

    /// How many times the screen on show has changed since the kiosk started.
    pub fn switches(&self) -> u64 {
        self.switches
    }

    pub fn current(&self) -> Option<&Screen> {
        self.screen.as_ref()
    }

    pub fn current_mut(&mut self) -> Option<&mut Screen> {
        self.screen.as_mut()
    }
}
