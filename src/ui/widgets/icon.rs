//! Pictures where people look: the outline icons in `assets/icons/` (Tabler Icons, MIT licence),
//! compiled into the binary and drawn as vectors in the colour of the text beside them.

use iced::widget::svg;
use iced::{Color, Length};

use crate::ui::Element;

/// Every icon the kiosk draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Icon {
    Catalogue,
    Policy,
    Guide,
    Request,
    Qr,
    Faq,
    Search,
    Feedback,
    About,
    Home,
    Back,
    Help,
    TextSize,
    Contrast,
    Printer,
    Voice,
    VoiceStop,
    Pause,
    Play,
    Slower,
    Faster,
    VeryHappy,
    Happy,
    Neutral,
    Sad,
    VerySad,
    Up,
    Down,
    Left,
    Right,
    Tap,
    Swipe,
    BackHome,
    Place,
    Phone,
    Bigger,
    Smaller,
    Person,
    Organisation,
    Language,
    Top,
    Check,
    Unchecked,
    Checked,
    Backspace,
    Keyboard,
    PdfFile,
    Sheet,
    Video,
    Audio,
    Restart,
    Archive,
    Quieter,
    Louder,
}

impl Icon {
    pub const ALL: [Icon; 54] = [
        Icon::Catalogue,
        Icon::Policy,
        Icon::Guide,
        Icon::Request,
        Icon::Qr,
        Icon::Faq,
        Icon::Search,
        Icon::Feedback,
        Icon::About,
        Icon::Home,
        Icon::Back,
        Icon::Help,
        Icon::TextSize,
        Icon::Contrast,
        Icon::Printer,
        Icon::Voice,
        Icon::VoiceStop,
        Icon::Pause,
        Icon::Play,
        Icon::Slower,
        Icon::Faster,
        Icon::VeryHappy,
        Icon::Happy,
        Icon::Neutral,
        Icon::Sad,
        Icon::VerySad,
        Icon::Up,
        Icon::Down,
        Icon::Left,
        Icon::Right,
        Icon::Tap,
        Icon::Swipe,
        Icon::BackHome,
        Icon::Place,
        Icon::Phone,
        Icon::Bigger,
        Icon::Smaller,
        Icon::Person,
        Icon::Organisation,
        Icon::Language,
        Icon::Top,
        Icon::Check,
        Icon::Unchecked,
        Icon::Checked,
        Icon::Backspace,
        Icon::Keyboard,
        Icon::PdfFile,
        Icon::Sheet,
        Icon::Video,
        Icon::Audio,
        Icon::Restart,
        Icon::Archive,
        Icon::Quieter,
        Icon::Louder,
    ];

    /// The SVG file's bytes.
    pub fn svg(self) -> &'static [u8] {
        macro_rules! file {
            ($name:literal) => {
                include_bytes!(concat!("../../../assets/icons/", $name, ".svg"))
            };
        }
        match self {
            Icon::Catalogue => file!("folders"),
            Icon::Policy => file!("file-text"),
            Icon::Guide => file!("clipboard-list"),
            Icon::Request => file!("file-pencil"),
            Icon::Qr => file!("qrcode"),
            Icon::Faq => file!("message-question"),
            Icon::Search => file!("search"),
            Icon::Feedback => file!("message-star"),
            Icon::About => file!("info-circle"),
            Icon::Home => file!("home"),
            Icon::Back => file!("arrow-left"),
            Icon::Help => file!("help"),
            Icon::TextSize => file!("text-size"),
            Icon::Contrast => file!("contrast"),
            Icon::Printer => file!("printer"),
            Icon::Voice => file!("volume"),
            Icon::VoiceStop => file!("player-stop"),
            Icon::Pause => file!("player-pause"),
            Icon::Play => file!("player-play"),
            Icon::Slower => file!("minus"),
            Icon::Faster => file!("plus"),
            Icon::VeryHappy => file!("mood-happy"),
            Icon::Happy => file!("mood-smile"),
            Icon::Neutral => file!("mood-empty"),
            Icon::Sad => file!("mood-sad"),
            Icon::VerySad => file!("mood-cry"),
            Icon::Up => file!("chevron-up"),
            Icon::Down => file!("chevron-down"),
            Icon::Left => file!("chevron-left"),
            Icon::Right => file!("chevron-right"),
            Icon::Tap => file!("hand-finger"),
            Icon::Swipe => file!("hand-move"),
            Icon::BackHome => file!("arrow-back-up"),
            Icon::Place => file!("map-pin"),
            Icon::Phone => file!("phone"),
            Icon::Bigger => file!("zoom-in"),
            Icon::Smaller => file!("zoom-out"),
            Icon::Person => file!("user-circle"),
            Icon::Organisation => file!("building"),
            Icon::Language => file!("language"),
            Icon::Top => file!("arrow-bar-to-up"),
            Icon::Check => file!("check"),
            Icon::Unchecked => file!("square"),
            Icon::Checked => file!("square-check"),
            Icon::Backspace => file!("backspace"),
            Icon::Keyboard => file!("keyboard"),
            Icon::PdfFile => file!("file-type-pdf"),
            Icon::Sheet => file!("file-spreadsheet"),
            Icon::Video => file!("movie"),
            Icon::Audio => file!("headphones"),
            Icon::Restart => file!("rotate"),
            Icon::Archive => file!("file-zip"),
            Icon::Quieter => file!("volume-2"),
            Icon::Louder => file!("volume"),
        }
    }

    fn handle(self) -> svg::Handle {
        use std::sync::OnceLock;
        static HANDLES: OnceLock<Vec<svg::Handle>> = OnceLock::new();
        let all = HANDLES.get_or_init(|| Icon::ALL.iter().map(|i| svg::Handle::from_memory(i.svg())).collect());
        let at = Icon::ALL.iter().position(|i| *i == self).unwrap_or(0);
        all[at].clone()
    }
}

/// `icon` drawn `size` pixels square in `colour`.
pub fn icon<'a, M: 'a>(icon: Icon, size: f32, colour: Color) -> Element<'a, M> {
    svg(icon.handle())
        .width(Length::Fixed(size))
        .height(Length::Fixed(size))
        .style(move |_, _| svg::Style { color: Some(colour) })
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_icon_is_a_vector_drawing_with_a_path() {
        for i in Icon::ALL {
            let s = std::str::from_utf8(i.svg()).unwrap();
            assert!(s.contains("<svg") && s.contains("<path") && s.contains("currentColor"), "{i:?}");
        }
        // each picture once
        for (n, a) in Icon::ALL.iter().enumerate() {
            assert!(!Icon::ALL[n + 1..].contains(a), "{a:?} twice");
        }
    }
}
