//! The app's side of fleet health: the metrics file written from the services every minute
//! and after each change (gathered and written in a task, off the UI thread), the durable
//! counters (idle resets, failed print jobs, watchdog restarts) and the attendant panel fed
//! with the health summary of its own kiosk.

use std::time::Instant;

use iced::Task;

use super::{Kiosk, Message};
use crate::metrics::{self, Live};
use crate::store::{Counter, Store};
use crate::ui::screens::{self, attendant::PanelMessage};

impl Kiosk {
    /// At start: count a restart by systemd's watchdog (the last run left its mark), and leave
    /// a mark if this run is ended so.
    pub(super) fn watch_for_watchdog(&self) -> Task<Message> {
        let dir = self.data_dir.clone();
        crate::watchdog::remember_watchdog_kills(&dir);
        if !crate::watchdog::take_watchdog_mark(&dir) {
            return Task::none();
        }
        tracing::warn!("the last run was stopped by systemd's watchdog (it had hung)");
        self.count_up(Counter::WatchdogRestart)
    }

    /// Adds one to a durable counter (in a task), then the metrics show it.
    pub(super) fn count_up(&self, counter: Counter) -> Task<Message> {
        let dir = self.data_dir.clone();
        Task::perform(
            async move {
                if let Err(e) = Store::open(&dir).and_then(|s| s.bump(counter)) {
                    tracing::warn!(error = %e, counter = counter.name(), "counter not written");
                }
            },
            |()| Message::HealthChanged,
        )
    }

    /// The metrics file, if due: gathered and written in a task.
    pub(super) fn metrics_tick(&mut self, now: Instant) -> Task<Message> {
        self.services.note_live(now.saturating_duration_since(self.visit.last_touch));
        // not while the store is being prepared (a schema upgrade holds it for minutes)
        if self.preparing || !self.services.metrics_due(&self.config, now) {
            return Task::none();
        }
        self.write_metrics(self.services.live())
    }

    fn write_metrics(&self, live: Live) -> Task<Message> {
        let (config, dir) = (self.config.clone(), self.data_dir.clone());
        Task::perform(
            async move {
                let store = Store::open(&dir).map_err(|e| e.to_string())?;
                metrics::write(&store, &config, &dir, &live, &config.metrics.file())
                    .map(Box::new)
                    .map_err(|e| e.to_string())
            },
            Message::MetricsWritten,
        )
    }

    /// The last file the window leaves says it is down (`gongkai_kiosk_up 0`), then `then`.
    pub(super) fn metrics_at_exit(&self, then: Task<Message>) -> Task<Message> {
        if !self.config.metrics.enabled {
            return then;
        }
        let live = Live { up: false, ..self.services.live() };
        self.write_metrics(live).discard().chain(then)
    }

    pub(super) fn metrics_written(&mut self, result: Result<Box<metrics::KioskStatus>, String>) -> Task<Message> {
        self.services.metrics_done(result.map(|s| *s));
        self.tell_panel_health()
    }

    /// The attendant panel, if it is on show, gets the health summary.
    pub(super) fn tell_panel_health(&mut self) -> Task<Message> {
        let Some(health) = self.services.health.clone() else { return Task::none() };
        self.screen_message(screens::Message::Panel(PanelMessage::Health(Box::new(health))))
    }
}
