//! The kiosk's services, the same for every visitor: search and the keyboard's dictionary, the
//! print dialog with the printer's state, background sync, the voice, the attendant PIN's
//! lock-out, systemd's readiness and watchdog notifications, and the health metrics written
//! for the monitoring every minute and after each change (in a task, off the UI thread).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;

use crate::config::Config;
use crate::ime::Lexicon;
use crate::metrics::{KioskStatus, Live, PrinterState};
use crate::search::Searcher;
use iced::futures::channel::mpsc::UnboundedReceiver;

use crate::speech::{Progress, Speaker};
use crate::store::Store;
use crate::ui::background_sync::{BackgroundSync, SharedLive};
use crate::ui::printing::PrintFlow;
use crate::ui::screens::attendant::PinGuard;
use crate::ui::widgets::voice::Command;
use crate::watchdog::Notifier;

/// How often the printer's own state is read for the status bar.
const PRINTER_CHECK: Duration = Duration::from_secs(60);
/// How often the metrics file is written when nothing changes.
pub const METRICS_EVERY: Duration = Duration::from_secs(60);

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

/// Reads search's and the keyboard's data (run in a task).
pub fn load_shared(dir: &std::path::Path) -> Result<Shared, String> {
    let store = Store::open_read_only(dir).map_err(|e| e.to_string())?;
    let searcher = Searcher::new(&store).map_err(|e| e.to_string())?;
    let lexicon = Lexicon::from_store(&store).map_err(|e| e.to_string())?;
    drop(store);
    // reading every title and text left tens of MB of freed pages in the allocator
    crate::memory::return_free_memory();
    Ok(Shared { searcher: Arc::new(searcher), lexicon: Arc::new(lexicon) })
}

pub struct Services {
    /// Search and the keyboard, once read.
    pub(super) shared: Option<Shared>,
    /// The print dialog, the visitor's page count and the printer's state.
    pub(super) printing: PrintFlow,
    printer_checked: Instant,
    pub(super) sync: BackgroundSync,
    /// "Sync now" from the attendant panel is running.
    pub(super) syncing_now: bool,
    pub(super) speaker: Option<Speaker>,
    /// Which reading the speaker's progress belongs to: a report from an earlier reading
    /// (stopped, or replaced by another) arrives late and is dropped.
    pub(super) reading: u64,
    /// The voice's rate for this visitor (慢一点 / 快一点 carry over from screen to screen).
    pub(super) voice_rate: u32,
    /// zinnia with its model, once read (None: no handwriting pad is offered).
    pub(super) recognizer: Option<Arc<crate::handwriting::Recognizer>>,
    /// Wrong attendant PINs and the lock they lead to (not reset by leaving the PIN pad).
    pub(super) pin_guard: PinGuard,
    /// systemd's notification socket: ready once Home shows, then a watchdog ping each tick.
    notifier: Notifier,
    told_ready: bool,
    /// The tap click and the countdown chime.
    pub(super) player: crate::sound::Player,
    /// Countdown chimes asked for (the tests count them; silent kiosks count them too).
    pub(super) chimes: u32,
    /// The health the window knows (see [`SharedLive`]).
    pub(super) live: SharedLive,
    /// When the metrics file was last written, whether something changed since, whether a
    /// write is under way, and what the last one gathered (the attendant panel shows it).
    metrics_written: Option<Instant>,
    metrics_changed: bool,
    metrics_busy: bool,
    pub(super) health: Option<Result<KioskStatus, String>>,
}

impl Services {
    pub fn new(player: crate::sound::Player) -> Self {
        Services {
            shared: None,
            printing: PrintFlow::default(),
            printer_checked: Instant::now(),
            sync: BackgroundSync::default(),
            syncing_now: false,
            speaker: None,
            reading: 0,
            voice_rate: crate::speech::RATE,
            recognizer: None,
            pin_guard: PinGuard::default(),
            notifier: Notifier::from_env(),
            told_ready: false,
            player,
            chimes: 0,
            live: Arc::new(Mutex::new(Live { up: true, last_touch: None, printer: None })),
            metrics_written: None,
            metrics_changed: false,
            metrics_busy: false,
            health: None,
        }
    }

    /// Something the metrics show changed (a sync, the printer, a print, an idle reset): the
    /// file is written again at the next tick.
    pub fn metrics_changed(&mut self) {
        self.metrics_changed = true;
    }

    /// The window's side of the health: the last touch (`idle` ago) and the printer as read.
    pub fn note_live(&self, idle: Duration) {
        let printer = self.printing.readiness.as_ref().map(PrinterState::from_readiness);
        let last_touch = chrono::Duration::from_std(idle).ok().map(|d| Utc::now() - d);
        let mut live = self.live.lock().unwrap_or_else(|p| p.into_inner());
        live.printer = printer;
        live.last_touch = last_touch;
    }

    /// Whether the metrics file is due (every minute, or after a change; one write at a time),
    /// and counts it as started.
    pub fn metrics_due(&mut self, config: &Config, now: Instant) -> bool {
        let due = self.metrics_changed
            || self.metrics_written.is_none_or(|t| now.saturating_duration_since(t) >= METRICS_EVERY);
        if !config.metrics.enabled || self.metrics_busy || !due {
            return false;
        }
        self.metrics_busy = true;
        self.metrics_changed = false;
        self.metrics_written = Some(now);
        true
    }

    /// A metrics write ended.
    pub fn metrics_done(&mut self, result: Result<KioskStatus, String>) {
        self.metrics_busy = false;
        if let (Err(e), false) = (&result, matches!(self.health, Some(Err(_)))) {
            // said once, not every minute
            tracing::warn!(error = %e, "metrics file not written");
        }
        self.health = Some(result);
    }

    /// The live state as it is now.
    pub fn live(&self) -> Live {
        self.live.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Tells systemd, once, that the kiosk is up (Home shows, or says what is wrong: a restart
    /// would not mend the store).
    pub fn ready(&mut self) {
        if !self.told_ready {
            self.told_ready = true;
            self.notifier.ready();
        }
    }

    /// The UI loop handled a tick: it is alive (a hung loop stops the pings). Pings start once
    /// systemd has been told the kiosk is ready.
    pub fn alive(&self) {
        if self.told_ready {
            self.notifier.watchdog();
        }
    }

    /// Whether the printer's state is due to be read again (and counts it as read).
    pub fn printer_due(&mut self, now: Instant) -> bool {
        if now.saturating_duration_since(self.printer_checked) < PRINTER_CHECK {
            return false;
        }
        self.printer_checked = now;
        true
    }

    /// Reads `sentences` aloud, stopping what was being read. Returns the reading's number and
    /// the speaker's reports, which the app turns into a task (its thread sends them; nothing
    /// here waits for espeak-ng).
    pub fn speak(&mut self, sentences: Vec<String>) -> Result<(u64, UnboundedReceiver<Progress>), String> {
        self.stop_speech();
        let (tx, rx) = iced::futures::channel::mpsc::unbounded();
        let speaker = Speaker::start(sentences, 0, self.voice_rate, move |p| {
            // the receiver is gone when the app has dropped the task: nothing left to tell
            let _ = tx.unbounded_send(p);
        })
        .map_err(|e| e.to_string())?;
        self.speaker = Some(speaker);
        Ok((self.reading, rx))
    }

    /// Stops the voice; its reports still on the way are dropped.
    pub fn stop_speech(&mut self) {
        self.reading += 1;
        if let Some(s) = self.speaker.take() {
            s.stop();
        }
    }

    /// A report of reading `reading`: whether it is the one being read now. The end of the
    /// reading lets the speaker go.
    pub fn voice_progress(&mut self, reading: u64, p: &Progress) -> bool {
        if reading != self.reading || self.speaker.is_none() {
            return false;
        }
        if matches!(p, Progress::Finished | Progress::Failed(_)) {
            self.speaker = None;
        }
        true
    }

    /// 暂停, 继续, 慢一点, 快一点 for the reading in progress; returns the rate now.
    pub fn voice_control(&mut self, command: &Command) -> u32 {
        match command {
            Command::Slower => self.voice_rate = crate::speech::slower(self.voice_rate).unwrap_or(self.voice_rate),
            Command::Faster => self.voice_rate = crate::speech::faster(self.voice_rate).unwrap_or(self.voice_rate),
            _ => {}
        }
        if let Some(s) = &self.speaker {
            match command {
                Command::Pause => s.pause(),
                Command::Resume => s.resume(),
                Command::Slower | Command::Faster => s.set_rate(self.voice_rate),
                Command::Start(_) | Command::Stop => {}
            }
        }
        self.voice_rate
    }

    /// Whether anything of the visitor's is still here: a print under way or pages counted,
    /// the voice reading.
    pub fn holds_visit(&self) -> bool {
        self.printing.stage.is_some() || self.printing.pages_used > 0 || self.speaker.is_some()
    }

    /// The next visitor starts with the voice silent, no print under way and the whole page
    /// limit.
    pub fn reset_for_next_visitor(&mut self) {
        self.stop_speech();
        // the handwriting model (25 MB) is mapped again by the next visitor who writes
        if let Some(recognizer) = &self.recognizer {
            recognizer.release();
        }
        self.voice_rate = crate::speech::RATE;
        self.printing.reset_for_next_visitor();
    }
}

impl Drop for Services {
    fn drop(&mut self) {
        self.stop_speech();
    }
}
