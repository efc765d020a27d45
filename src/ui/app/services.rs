//! The kiosk's services, the same for every visitor: search and the keyboard's dictionary, the
//! print dialog with the printer's state, background sync, the voice, the attendant PIN's
//! lock-out, and systemd's readiness and watchdog notifications.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::ime::Lexicon;
use crate::search::Searcher;
use crate::speech::Speaker;
use crate::store::Store;
use crate::ui::background_sync::BackgroundSync;
use crate::ui::printing::PrintFlow;
use crate::ui::screens::attendant::PinGuard;
use crate::watchdog::Notifier;

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

/// Reads search's and the keyboard's data (run in a task).
pub fn load_shared(dir: &std::path::Path) -> Result<Shared, String> {
    let store = Store::open_read_only(dir).map_err(|e| e.to_string())?;
    let searcher = Searcher::new(&store).map_err(|e| e.to_string())?;
    let lexicon = Lexicon::from_store(&store).map_err(|e| e.to_string())?;
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
            recognizer: None,
            pin_guard: PinGuard::default(),
            notifier: Notifier::from_env(),
            told_ready: false,
            player,
            chimes: 0,
        }
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

    /// Reads `text` aloud, stopping what was being read.
    pub fn speak(&mut self, text: &str) -> Result<(), String> {
        self.stop_speech();
        let sentences = crate::speech::cut(text);
        let speaker = Speaker::start(sentences, 0, crate::speech::RATE, |_| {}).map_err(|e| e.to_string())?;
        self.speaker = Some(speaker);
        Ok(())
    }

    pub fn stop_speech(&mut self) {
        if let Some(s) = self.speaker.take() {
            s.stop();
        }
    }

    /// Whether the voice came to the end of its text since the last look.
    pub fn speech_finished(&mut self) -> bool {
        if self.speaker.as_mut().is_some_and(|s| !s.is_speaking()) {
            self.speaker = None;
            return true;
        }
        false
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
        self.printing.reset_for_next_visitor();
    }
}

impl Drop for Services {
    fn drop(&mut self) {
        self.stop_speech();
    }
}
