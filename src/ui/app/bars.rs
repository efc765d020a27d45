//! The two bars around every screen: the status bar on top (the zone's name — held long, it
//! opens attendant mode —, the clock, online state, how current the content is, the printer)
//! and the navigation bar below (home, back, large text, high contrast, languages).

use iced::widget::{button, column, container, mouse_area, row, space, text};
use iced::{Alignment, Length};

use super::Message;
use crate::config::Language;
use crate::ui::Element;
use crate::ui::i18n::{content, t, ta};
use crate::ui::screens::home::HomeData;
use crate::ui::screens::{Ctx, Route};
use crate::ui::theme::{self, Look};

/// Height of each bar (large text, normal).
const BAR_LARGE: f32 = 96.0;
const BAR_NORMAL: f32 = 76.0;

pub fn height(look: Look) -> f32 {
    if look.large { BAR_LARGE } else { BAR_NORMAL }
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
    let mut name = row![text(content(l, &status.zone)).size(look.heading())].spacing(14).align_y(Alignment::Center);
    if sample {
        name = name
            .push(container(text(t(l, "status-sample")).size(look.small())).padding([4, 10]).style(theme::badge(p)));
    }
    let zone = mouse_area(name).on_press(Message::ZonePressed).on_release(Message::ZoneReleased);
    let clock = status.clock;
    let info = if ctx.portrait {
        column![
            text(format!("{clock}　{online}")).size(look.small()),
            text(format!("{as_of}　{printer}")).size(look.small()),
        ]
        .align_x(Alignment::End)
    } else {
        column![text(format!("{clock}　{online}　{printer}")).size(look.small()), text(as_of).size(look.small())]
            .align_x(Alignment::End)
    };
    container(row![zone, space::horizontal(), info].align_y(Alignment::Center).spacing(20))
        .padding([0, 28])
        .height(height(look))
        .center_y(height(look))
        .width(Length::Fill)
        .style(theme::bar(p))
        .into()
}

/// Home and back (both off at Home), large text, high contrast, the configured languages.
pub fn nav_bar<'a>(ctx: Ctx, at_home: bool, languages: &[Language]) -> Element<'a, Message> {
    let l = ctx.lang;
    let look = ctx.look;
    let p = look.palette();
    let h = look.target();
    let b = |label: String, msg: Option<Message>, on: bool| -> Element<'a, Message> {
        button(container(text(label).size(look.body())).center_y(Length::Fill))
            .on_press_maybe(msg)
            .height(h)
            .padding([0, 20])
            .style(theme::button_style(p, if on { theme::Button::OnBarSelected } else { theme::Button::OnBar }))
            .into()
    };
    let mut langs = row![].spacing(8);
    for lang in languages {
        langs = langs.push(b(t(l, &format!("lang-{}", lang.code())), Some(Message::Language(*lang)), *lang == l));
    }
    let back_label = if at_home { t(l, "nav-back") } else { format!("‹ {}", t(l, "nav-back")) };
    container(
        row![
            b(t(l, "nav-home"), (!at_home).then_some(Message::Open(Route::Home)), false),
            b(back_label, (!at_home).then_some(Message::Back), false),
            space::horizontal(),
            b(t(l, "nav-large"), Some(Message::ToggleLarge), look.large),
            b(t(l, "nav-contrast"), Some(Message::ToggleContrast), look.contrast),
            langs,
        ]
        .spacing(if ctx.portrait { 8 } else { 14 })
        .align_y(Alignment::Center),
    )
    .padding([0, 20])
    .height(height(look))
    .center_y(height(look))
    .width(Length::Fill)
    .style(theme::bar(p))
    .into()
}
