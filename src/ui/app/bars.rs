//! The two bars around every screen: the status bar on top (the zone's name — held long, it
//! opens attendant mode —, the clock, online state, how current the content is, the printer)
//! and the navigation bar below (home, back, "需要帮助", large text, high contrast, languages).
//! In portrait the navigation bar has two rows (the way around the kiosk above, the look and the
//! languages below) and the status bar three lines, so nothing is cut off in any language.

use iced::widget::{Row, column, container, mouse_area, row, space, text};
use iced::{Alignment, Length};

use super::Message;
use crate::config::Language;
use crate::ui::Element;
use crate::ui::i18n::{content, t, ta};
use crate::ui::screens::home::HomeData;
use crate::ui::screens::{Ctx, Route};
use crate::ui::theme::{self, Look};
use crate::ui::widgets::{self, Icon};

/// Height of the status bar.
pub fn status_height(look: Look, portrait: bool) -> f32 {
    match (portrait, look.large) {
        (false, true) => 96.0,
        (false, false) => 76.0,
        // three lines of small text
        (true, true) => 3.0 * look.small() * 1.3 + 24.0,
        (true, false) => 3.0 * look.small() * 1.3 + 20.0,
    }
}

/// The navigation bar is always drawn at the large-text size: the 大字 button (and every other)
/// stays where the finger is when the text size changes, and a visitor who turned large text
/// off by mistake finds the button to turn it on again in the same place.
fn bar_look(look: Look) -> Look {
    Look { large: true, ..look }
}

/// Height of the navigation bar.
pub fn nav_height(look: Look, portrait: bool) -> f32 {
    let look = bar_look(look);
    let pad = if look.large { 16.0 } else { 14.0 };
    if portrait { 2.0 * look.target() + 10.0 + 2.0 * pad } else { look.target() + 2.0 * pad }
}

/// What the status bar says.
pub struct Status<'a> {
    pub zone: String,
    pub clock: &'a str,
    /// Translation keys of the online state and of the printer's state.
    pub online: &'static str,
    pub printer: &'static str,
    /// Home's data: the content's date and freshness, whether it is sample content.
    pub home: Option<&'a HomeData>,
}

pub fn status_bar<'a>(ctx: Ctx, status: Status<'a>) -> Element<'a, Message> {
    let l = ctx.lang;
    let look = ctx.look;
    let p = look.palette();
    let as_of = match status.home.and_then(|h| h.snapshot.as_ref()) {
        Some(s) => {
            let date =
                s.newest_document.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_else(|| s.applied_at.clone());
            let mut line = ta(l, "status-as-of", &[("date", date.into())]);
            if let Some(note) = status.home.and_then(|h| h.freshness_note) {
                line = format!("{line} · {}", t(l, note));
            }
            line
        }
        None => t(l, "status-no-content"),
    };
    let online = t(l, status.online);
    let printer = t(l, status.printer);
    let sample = status.home.and_then(|h| h.site.as_ref()).is_some_and(|s| s.sample);
    let badge = || container(text(t(l, "status-sample")).size(look.small())).padding([2, 10]).style(theme::badge(p));
    let name = text(content(l, &status.zone)).size(look.heading());
    let small = |s: String| text(s).size(look.small()).align_x(Alignment::End);
    let (zone, info): (Element<'a, Message>, Element<'a, Message>) = if ctx.portrait {
        let mut zone = column![name].spacing(4);
        if sample {
            zone = zone.push(badge());
        }
        let info = column![small(format!("{}　{online}", status.clock)), small(as_of), small(printer)]
            .align_x(Alignment::End)
            .width(Length::Fill);
        (zone.into(), info.into())
    } else {
        let mut zone = row![name].spacing(14).align_y(Alignment::Center);
        if sample {
            zone = zone.push(badge());
        }
        let info = column![small(format!("{}　{online}　{printer}", status.clock)), small(as_of)]
            .align_x(Alignment::End)
            .width(Length::Fill);
        (zone.into(), info.into())
    };
    let zone = mouse_area(zone).on_press(Message::ZonePressed).on_release(Message::ZoneReleased);
    let h = status_height(look, ctx.portrait);
    container(row![zone, info].align_y(Alignment::Center).spacing(20))
        .padding([0, 28])
        .height(h)
        .center_y(h)
        .width(Length::Fill)
        .style(theme::bar(p))
        .into()
}

/// Home and back (both off at Home), help, large text, high contrast, the configured languages
/// (at the large-text size in both modes: [`bar_look`]).
pub fn nav_bar<'a>(ctx: Ctx, at_home: bool, languages: &[Language]) -> Element<'a, Message> {
    let l = ctx.lang;
    let look = bar_look(ctx.look);
    let p = look.palette();
    let h = look.target();
    let b = |picture: Option<Icon>, label: String, msg: Option<Message>, on: bool| -> Element<'a, Message> {
        let ink = if on { p.bar } else { p.bar_ink };
        let mut inner = Row::new().spacing(8).align_y(Alignment::Center);
        if let Some(i) = picture {
            inner = inner.push(widgets::icon(i, look.body() * 1.2, if msg.is_some() { ink } else { p.muted }));
        }
        inner = inner.push(text(label).size(look.body()));
        widgets::tap(container(inner).center_y(Length::Fill), msg)
            .height(h)
            .padding([0, 18])
            .style(theme::button_style(p, if on { theme::Button::OnBarSelected } else { theme::Button::OnBar }))
            .into()
    };
    let mut langs = row![].spacing(8);
    for lang in languages {
        langs = langs.push(b(None, t(l, &format!("lang-{}", lang.code())), Some(Message::Language(*lang)), *lang == l));
    }
    let way = row![
        b(Some(Icon::Home), t(l, "nav-home"), (!at_home).then_some(Message::Open(Route::Home)), false),
        b(Some(Icon::Back), t(l, "nav-back"), (!at_home).then_some(Message::Back), false),
        b(Some(Icon::Help), t(l, "nav-help"), Some(Message::Help), false),
    ]
    .spacing(if ctx.portrait { 12 } else { 14 });
    let look_row = row![
        b(Some(Icon::TextSize), t(l, "nav-large"), Some(Message::ToggleLarge), look.large),
        b(Some(Icon::Contrast), t(l, "nav-contrast"), Some(Message::ToggleContrast), look.contrast),
        langs,
    ]
    .spacing(if ctx.portrait { 8 } else { 14 })
    .align_y(Alignment::Center);
    let bar: Element<'a, Message> = if ctx.portrait {
        column![
            row![way, space::horizontal()].align_y(Alignment::Center),
            row![space::horizontal(), look_row].align_y(Alignment::Center),
        ]
        .spacing(10)
        .into()
    } else {
        row![way, space::horizontal(), look_row].spacing(14).align_y(Alignment::Center).into()
    };
    let height = nav_height(look, ctx.portrait);
    container(bar).padding([0, 20]).height(height).center_y(height).width(Length::Fill).style(theme::bar(p)).into()
}
