//! How the kiosk looks: two palettes (normal and high contrast) and two scales (normal and
//! large text), and one style function per widget role. The floors follow docs/domain.md §5: body
//! text ≥ 18 px, the largest text on a main screen ≥ 30 px, touch targets ≥ 60 px in large-text
//! mode (≥ 44 px otherwise), contrast ≥ 4.5:1 (checked by the tests below).

use iced::widget::{button, container};
use iced::{Background, Border, Color, Shadow, Theme};

/// The visitor's display choices, shown on every screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Look {
    pub large: bool,
    pub contrast: bool,
}

/// Colours of one palette.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Palette {
    pub page: Color,
    pub card: Color,
    pub ink: Color,
    pub muted: Color,
    pub bar: Color,
    pub bar_ink: Color,
    pub accent: Color,
    pub accent_ink: Color,
    pub border: Color,
    pub warn: Color,
    pub highlight: Color,
    pub highlight_ink: Color,
    pub badge: Color,
}

const fn rgb(r: u8, g: u8, b: u8) -> Color {
    Color::from_rgb8(r, g, b)
}

pub const NORMAL: Palette = Palette {
    page: rgb(0xF4, 0xF6, 0xFA),
    card: Color::WHITE,
    ink: rgb(0x1A, 0x1A, 0x1A),
    muted: rgb(0x4A, 0x4F, 0x5A),
    bar: rgb(0x0B, 0x3D, 0x91),
    bar_ink: Color::WHITE,
    accent: rgb(0x0B, 0x3D, 0x91),
    accent_ink: Color::WHITE,
    border: rgb(0x9A, 0xA5, 0xB8),
    warn: rgb(0xB0, 0x1E, 0x23),
    highlight: rgb(0xFF, 0xE0, 0x82),
    highlight_ink: rgb(0x1A, 0x1A, 0x1A),
    badge: rgb(0xFF, 0xC1, 0x07),
};

pub const HIGH_CONTRAST: Palette = Palette {
    page: Color::BLACK,
    card: rgb(0x10, 0x10, 0x10),
    ink: Color::WHITE,
    muted: rgb(0xE0, 0xE0, 0xE0),
    bar: Color::BLACK,
    bar_ink: rgb(0xFF, 0xE6, 0x00),
    accent: rgb(0xFF, 0xE6, 0x00),
    accent_ink: Color::BLACK,
    border: Color::WHITE,
    warn: rgb(0xFF, 0x8A, 0x80),
    highlight: rgb(0xFF, 0xE6, 0x00),
    highlight_ink: Color::BLACK,
    badge: rgb(0xFF, 0xE6, 0x00),
};

impl Look {
    pub fn palette(self) -> Palette {
        if self.contrast { HIGH_CONTRAST } else { NORMAL }
    }
    /// Largest text on a screen.
    pub fn title(self) -> f32 {
        if self.large { 42.0 } else { 34.0 }
    }
    pub fn heading(self) -> f32 {
        if self.large { 32.0 } else { 26.0 }
    }
    pub fn body(self) -> f32 {
        if self.large { 26.0 } else { 20.0 }
    }
    pub fn small(self) -> f32 {
        if self.large { 21.0 } else { 18.0 }
    }
    /// The least height (and width) of anything that can be tapped.
    pub fn target(self) -> f32 {
        if self.large { 64.0 } else { 48.0 }
    }
    pub fn gap(self) -> f32 {
        if self.large { 20.0 } else { 14.0 }
    }
}

pub fn page(p: Palette) -> impl Fn(&Theme) -> container::Style {
    move |_| container::Style {
        background: Some(Background::Color(p.page)),
        text_color: Some(p.ink),
        ..Default::default()
    }
}

pub fn bar(p: Palette) -> impl Fn(&Theme) -> container::Style {
    move |_| container::Style {
        background: Some(Background::Color(p.bar)),
        text_color: Some(p.bar_ink),
        border: Border { color: p.border, width: if p == HIGH_CONTRAST { 1.0 } else { 0.0 }, radius: 0.0.into() },
        ..Default::default()
    }
}

pub fn card(p: Palette) -> impl Fn(&Theme) -> container::Style {
    move |_| container::Style {
        background: Some(Background::Color(p.card)),
        text_color: Some(p.ink),
        border: Border { color: p.border, width: 1.0, radius: 8.0.into() },
        ..Default::default()
    }
}

pub fn badge(p: Palette) -> impl Fn(&Theme) -> container::Style {
    move |_| container::Style {
        background: Some(Background::Color(p.badge)),
        text_color: Some(Color::BLACK),
        border: Border { radius: 6.0.into(), ..Default::default() },
        ..Default::default()
    }
}

/// An announcement from the office on Home: the highlight colour, framed.
pub fn notice(p: Palette) -> impl Fn(&Theme) -> container::Style {
    move |_| container::Style {
        background: Some(Background::Color(p.highlight)),
        text_color: Some(p.highlight_ink),
        border: Border { color: p.warn, width: 2.0, radius: 8.0.into() },
        ..Default::default()
    }
}

/// One step of a multi-step task (the request wizard's progress): the current one filled with
/// the accent colour.
/// Where a step of a wizard stands against the one on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Passed: drawn as a button back to it (see `button_style`).
    Done,
    Current,
    /// Still ahead: plain text, with nothing that looks tappable.
    Ahead,
}

/// A step that is not a button: the current one filled, one still ahead as muted plain text.
pub fn step(p: Palette, step: Step) -> impl Fn(&Theme) -> container::Style {
    move |_| match step {
        Step::Current => container::Style {
            background: Some(Background::Color(p.accent)),
            text_color: Some(p.accent_ink),
            border: Border { radius: 6.0.into(), ..Border::default() },
            ..Default::default()
        },
        Step::Done | Step::Ahead => container::Style { text_color: Some(p.muted), ..Default::default() },
    }
}

/// The dimmed layer behind a dialog.
pub fn scrim(_: Palette) -> impl Fn(&Theme) -> container::Style {
    move |_| container::Style {
        background: Some(Background::Color(Color { a: 0.6, ..Color::BLACK })),
        ..Default::default()
    }
}

fn pressed(c: Color, status: button::Status) -> Color {
    match status {
        button::Status::Pressed => Color { a: 0.8, ..c },
        _ => c,
    }
}

/// The roles a button can play.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Button {
    /// The main action on a screen, and the home tiles.
    Primary,
    /// A secondary action: outlined.
    Secondary,
    /// A choice that is on (a selected filter, the current language).
    Selected,
    /// Buttons in the top and bottom bars.
    OnBar,
    /// A bar button that is on (large text, the current language).
    OnBarSelected,
    /// A list row that opens something.
    Row,
}

pub fn button_style(p: Palette, role: Button) -> impl Fn(&Theme, button::Status) -> button::Style {
    move |_, status| {
        let hc = p == HIGH_CONTRAST;
        let disabled = status == button::Status::Disabled;
        let (bg, fg, border, width) = match role {
            Button::Primary if disabled => (p.card, p.muted, p.muted, 1.0),
            Button::Primary => (pressed(p.accent, status), p.accent_ink, p.border, if hc { 2.0 } else { 0.0 }),
            Button::Secondary | Button::Row => (
                pressed(p.card, status),
                if disabled { p.muted } else { p.ink },
                if disabled { p.muted } else { p.border },
                if hc { 2.0 } else { 1.0 },
            ),
            Button::Selected => (p.accent, p.accent_ink, p.border, 2.0),
            Button::OnBarSelected => (p.bar_ink, p.bar, p.bar_ink, 2.0),
            Button::OnBar => (
                pressed(Color { a: 0.0, ..p.bar }, status),
                if disabled { Color { a: 0.6, ..p.bar_ink } } else { p.bar_ink },
                if disabled { Color { a: 0.4, ..p.bar_ink } } else { p.bar_ink },
                2.0,
            ),
        };
        button::Style {
            background: Some(Background::Color(bg)),
            text_color: fg,
            border: Border { color: border, width, radius: if role == Button::Row { 8.0 } else { 10.0 }.into() },
            shadow: Shadow::default(),
            snap: true,
        }
    }
}

/// WCAG relative-luminance contrast ratio.
pub fn contrast_ratio(a: Color, b: Color) -> f32 {
    fn lum(c: Color) -> f32 {
        let ch = |v: f32| if v <= 0.03928 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) };
        0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b)
    }
    let (x, y) = (lum(a), lum(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_colour_pair_has_contrast_of_at_least_4_5() {
        for p in [NORMAL, HIGH_CONTRAST] {
            let pairs = [
                ("ink on page", p.ink, p.page),
                ("ink on card", p.ink, p.card),
                ("muted on card", p.muted, p.card),
                ("muted on page", p.muted, p.page),
                ("bar text", p.bar_ink, p.bar),
                ("button text", p.accent_ink, p.accent),
                ("warning on card", p.warn, p.card),
                ("highlight", p.highlight_ink, p.highlight),
                ("badge", Color::BLACK, p.badge),
            ];
            for (what, fg, bg) in pairs {
                let r = contrast_ratio(fg, bg);
                assert!(r >= 4.5, "{what}: {r:.2}:1");
            }
        }
    }

    #[test]
    fn sizes_meet_the_elderly_friendly_floor() {
        for large in [false, true] {
            let l = Look { large, contrast: false };
            assert!(l.small() >= 18.0 && l.body() >= 18.0);
            assert!(l.title() >= 30.0);
            assert!(l.target() >= if large { 60.0 } else { 44.0 });
        }
    }
}
