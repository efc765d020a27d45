//! One module per screen, each with its own state, `Message` and `view`.

pub mod home;

/// The screen on show.
pub enum Screen {
    Home(home::Home),
}
