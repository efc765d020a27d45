//! The app's side of attendant mode: the long press on the zone name, the PIN check against
//! the lock-out, "sync now", each answered to the attendant screens by their own messages.

use std::time::Instant;

use iced::Task;

use super::{Kiosk, LONG_PRESS, Message};
use crate::print::{FormKind, Printable};
use crate::ui::background_sync::{self, SyncDone};
use crate::ui::screens::attendant::{self, Request};
use crate::ui::screens::{self, Route, Screen};

impl Kiosk {
    pub(super) fn attendant_request(&mut self, request: Request) -> Task<Message> {
        match request {
            Request::CheckPin(pin) => {
                match self.services.pin_guard.check(pin, &self.config.attendant, self.visit.lang, Instant::now()) {
                    Ok(check) => check.map(Message::PinChecked),
                    Err(notice) => self.screen_message(screens::Message::Pin(attendant::PinMessage::Refused(notice))),
                }
            }
            Request::SyncNow => {
                if self.config.sync.source_url.is_none() || self.services.syncing_now {
                    return Task::none();
                }
                self.services.syncing_now = true;
                let started = self.screen_message(screens::Message::Panel(attendant::PanelMessage::SyncStarted));
                let live = self.services.live.clone();
                Task::batch([
                    started,
                    background_sync::now(&self.config, self.data_dir.clone(), live, Message::SyncedNow),
                ])
            }
            Request::ExitToDesktop => {
                tracing::info!("attendant left the kiosk to the desktop");
                self.services.stop_speech();
                self.metrics_at_exit(iced::exit())
            }
            Request::Close => self.go_home(),
            Request::FillOnBehalf => self.open(Route::Request { on_behalf: true, start: None }),
            Request::TestPrint => {
                let blank = Printable::Form(FormKind::Blank);
                self.services.printing.start(blank, self.data_dir.clone()).map(Message::Printing)
            }
        }
    }

    pub(super) fn pin_checked(&mut self, ok: bool) -> Task<Message> {
        match self.services.pin_guard.checked(ok, &self.config.attendant, self.visit.lang, Instant::now()) {
            Ok(()) => {
                let failure = self.services.printing.last_failure_shown.clone();
                let (panel, load) = attendant::Panel::open(failure, self.data_dir.clone(), self.config.clone());
                self.nav.replace(Screen::Attendant(panel));
                let health = self.tell_panel_health();
                Task::batch([load.map(|m| Message::Screen(screens::Message::Panel(m))), health])
            }
            Err(notice) => self.screen_message(screens::Message::Pin(attendant::PinMessage::Refused(notice))),
        }
    }

    pub(super) fn synced_now(&mut self, done: SyncDone) -> Task<Message> {
        self.services.syncing_now = false;
        let reload = self.after_sync(&done);
        self.services.sync.last = Some(done.clone());
        let panel = self.screen_message(screens::Message::Panel(attendant::PanelMessage::SyncFinished(done)));
        Task::batch([reload, panel])
    }

    pub(super) fn zone_released(&mut self) -> Task<Message> {
        if !self.visit.zone_released(LONG_PRESS) {
            return Task::none();
        }
        if self.config.attendant.pin_hash.is_none() {
            self.notice = Some("attendant-no-pin".into());
            return Task::none();
        }
        self.open(Route::AttendantPin)
    }
}
