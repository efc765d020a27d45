//! The touchscreen UI (iced). The only module that uses iced; it reads the store through
//! queries run in tasks, never on the UI thread.

mod app;
mod background_sync;
mod context;
pub mod i18n;
mod printing;
mod screens;
pub mod theme;
mod widgets;

use std::path::PathBuf;

use crate::assets::CJK_FONT_FAMILY;
use crate::config::{Config, Orientation};

pub use app::{IdleState, Kiosk, Message};
pub use screens::{Route, StartTap, parse_screen, parse_start_tap};

pub type Element<'a, M> = iced::Element<'a, M>;

/// The window size for a configured orientation (auto = landscape until the window says otherwise).
pub fn window_size(orientation: Orientation) -> iced::Size {
    match orientation {
        Orientation::Portrait => iced::Size::new(1080.0, 1920.0),
        Orientation::Landscape | Orientation::Auto => iced::Size::new(1920.0, 1080.0),
    }
}

/// Hands the CJK font to the text system where it is (compiled into the binary, or the mapped
/// installed file): iced's own `font()` copies the 16 MB onto the heap, and every page of it
/// stays resident; read in place, only the pages of the glyphs drawn are.
fn load_font(font: &'static [u8]) {
    use iced::advanced::graphics::text::{cosmic_text::fontdb, font_system};
    let mut system = font_system().write().unwrap_or_else(|e| e.into_inner());
    system.raw().db_mut().load_font_source(fontdb::Source::Binary(std::sync::Arc::new(font)));
}

/// Opens the kiosk window and runs until it is closed. `font` is the CJK font's bytes
/// ([`crate::assets::cjk_font`]).
pub fn run(
    config: Config,
    data_dir: PathBuf,
    open: Option<Route>,
    then: Option<StartTap>,
    font: &'static [u8],
) -> iced::Result {
    let window = iced::window::Settings {
        size: window_size(config.ui.orientation),
        fullscreen: config.ui.fullscreen,
        decorations: !config.ui.fullscreen,
        resizable: true,
        ..iced::window::Settings::default()
    };
    let boot = move || {
        let (mut kiosk, task) = Kiosk::new(config.clone(), data_dir.clone());
        kiosk.then_at_start(then.clone());
        match open.clone() {
            Some(route) => (kiosk, task.chain(iced::Task::done(Message::OpenAtStart(route)))),
            None => (kiosk, task),
        }
    };
    load_font(font);
    iced::application(boot, Kiosk::update, Kiosk::view)
        .title(Kiosk::title)
        .default_font(iced::Font::with_name(CJK_FONT_FAMILY))
        .window(window)
        .theme(Kiosk::theme)
        .style(Kiosk::window_style)
        .subscription(Kiosk::subscription)
        .run()
}
