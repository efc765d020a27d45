//! What every view needs to know about the visitor's choices and the screen: the view context,
//! handed to screens, widgets and dialogs alike.

use crate::config::Language;
use crate::ui::theme::Look;

/// The visitor's look and language, the orientation, and the content area's size.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    pub look: Look,
    pub lang: Language,
    pub portrait: bool,
    /// Size of the content area in pixels.
    pub width: f32,
    pub height: f32,
    /// The handwriting pad can be offered (zinnia and its model loaded).
    pub handwriting: bool,
}
