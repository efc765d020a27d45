//! Colours and sizes. Sizes follow the elderly-friendly floor in DOMAIN.md §5: body text ≥ 18 px,
//! the largest text on a main screen ≥ 30 px, contrast ≥ 4.5:1.

use iced::widget::container;
use iced::{Background, Border, Color, Theme};

/// Deep government blue for bars; white on it has a contrast ratio of about 10:1.
pub const BAR: Color = Color::from_rgb8(0x0B, 0x3D, 0x91);
/// Page background.
pub const PAGE: Color = Color::from_rgb8(0xF4, 0xF6, 0xFA);
pub const CARD: Color = Color::WHITE;
/// Body text on white: about 15:1.
pub const INK: Color = Color::from_rgb8(0x1A, 0x1A, 0x1A);
/// Secondary text on white: about 7:1.
pub const MUTED: Color = Color::from_rgb8(0x4A, 0x4F, 0x5A);
/// Sample-content badge (dark text on amber: about 9:1).
pub const BADGE: Color = Color::from_rgb8(0xFF, 0xC1, 0x07);
pub const RED: Color = Color::from_rgb8(0xB0, 0x1E, 0x23);

pub const TITLE_SIZE: f32 = 40.0;
pub const HEADING_SIZE: f32 = 30.0;
pub const BODY_SIZE: f32 = 22.0;
pub const SMALL_SIZE: f32 = 18.0;

pub fn bar(_: &Theme) -> container::Style {
    container::Style { background: Some(Background::Color(BAR)), text_color: Some(Color::WHITE), ..Default::default() }
}

pub fn page(_: &Theme) -> container::Style {
    container::Style { background: Some(Background::Color(PAGE)), text_color: Some(INK), ..Default::default() }
}

pub fn card(_: &Theme) -> container::Style {
    container::Style {
        background: Some(Background::Color(CARD)),
        text_color: Some(INK),
        border: Border { color: Color::from_rgb8(0xD0, 0xD6, 0xE0), width: 1.0, radius: 8.0.into() },
        ..Default::default()
    }
}

pub fn badge(_: &Theme) -> container::Style {
    container::Style {
        background: Some(Background::Color(BADGE)),
        text_color: Some(INK),
        border: Border { radius: 6.0.into(), ..Default::default() },
        ..Default::default()
    }
}
