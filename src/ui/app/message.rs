//! The shell's messages, and which of them came from the visitor's hand.

use std::time::Instant;

use iced::Size;

use super::services::Shared;
use crate::config::Language;
use crate::ui::background_sync::SyncDone;
use crate::ui::printing;
use crate::ui::screens::home::HomeData;
use crate::ui::screens::{self, Route, Screen};

#[derive(Debug, Clone)]
pub enum Message {
    /// The store is ready (`startup::prepare_store`, the window's first task), or could not be.
    Prepared(Result<(), String>),
    HomeLoaded(Result<Box<HomeData>, String>),
    SharedLoaded(Result<Shared, String>),
    /// zinnia and its model, read at start (an error names the Debian packages to install).
    HandwritingLoaded(Result<std::sync::Arc<crate::handwriting::Recognizer>, String>),
    Open(Route),
    /// `kiosk --open`: a screen opened at start, not by a visitor (no session, the first-visit
    /// hint stays).
    OpenAtStart(Route),
    Opened(Route, Result<Box<Screen>, String>),
    Back,
    /// For the screen on show.
    Screen(screens::Message),
    Printing(printing::Message),
    /// The speaker's report on reading number `.0` (from its thread, through a task).
    Voice(u64, crate::speech::Progress),
    PinChecked(bool),
    /// A background sync finished.
    Synced(SyncDone),
    /// "Sync now" finished.
    SyncedNow(SyncDone),
    ToggleLarge,
    ToggleContrast,
    Language(Language),
    Tick(Instant),
    /// A finger or the mouse pressed anywhere (a tap: the click sound).
    Tapped,
    /// A finger moved or the wheel turned.
    Touched,
    Continue,
    /// "需要帮助": the help card, and closing it.
    Help,
    CloseHelp,
    /// Leaving a half-filled form: yes, or stay.
    Leave,
    Stay,
    ZonePressed,
    ZoneReleased,
    Resized(Size),
    DismissNotice,
    /// The metrics file was written (what it said), or why not.
    MetricsWritten(Result<Box<crate::metrics::KioskStatus>, String>),
    /// A durable counter changed: the metrics are written again.
    HealthChanged,
    /// Makes `update` panic (tests of the recovery).
    #[cfg(test)]
    Panic,
}

impl Message {
    /// Whether this came from the visitor's hand (and so restarts the idle timer). The screens
    /// and the print dialog decide for their own messages.
    pub(super) fn is_touch(&self) -> bool {
        match self {
            Message::Screen(m) => m.is_touch(),
            Message::Printing(m) => m.is_touch(),
            Message::Open(_)
            | Message::Back
            | Message::ToggleLarge
            | Message::ToggleContrast
            | Message::Language(_)
            | Message::Tapped
            | Message::Touched
            | Message::Continue
            | Message::Help
            | Message::CloseHelp
            | Message::Leave
            | Message::Stay
            | Message::ZonePressed
            | Message::ZoneReleased
            | Message::DismissNotice => true,
            Message::Prepared(_)
            | Message::HomeLoaded(_)
            | Message::OpenAtStart(_)
            | Message::SharedLoaded(_)
            | Message::HandwritingLoaded(_)
            | Message::Opened(..)
            | Message::PinChecked(_)
            | Message::Synced(_)
            | Message::SyncedNow(_)
            | Message::Tick(_)
            | Message::Voice(..)
            | Message::Resized(_)
            | Message::MetricsWritten(_)
            | Message::HealthChanged => false,
            #[cfg(test)]
            Message::Panic => true,
        }
    }
}
