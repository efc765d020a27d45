//! What may cover the screen: the idle countdown, the attract screen, the print dialog, the
//! "需要帮助" card, the question before leaving a half-filled form, and a notice to dismiss.

use iced::widget::{Row, column, container, opaque, row, text};
use iced::{Alignment, Length};

use super::{Leave, Message};
use crate::content::Site;
use crate::ui::Element;
use crate::ui::i18n::{content, t, ta};
use crate::ui::screens::Ctx;
use crate::ui::theme;
use crate::ui::widgets::{self, Icon};

/// A card in the middle of a dimmed screen, taking every tap.
pub fn dialog(ctx: Ctx, inner: Element<'_, Message>) -> Element<'_, Message> {
    let p = ctx.look.palette();
    opaque(
        container(container(inner).padding(40).max_width(if ctx.portrait { 960 } else { 1100 }).style(theme::card(p)))
            .center(Length::Fill)
            .style(theme::scrim(p)),
    )
}

/// "Still there? Back to Home in N s" with a button to go on.
pub fn countdown<'a>(ctx: Ctx, seconds: u64) -> Element<'a, Message> {
    let (l, look) = (ctx.lang, ctx.look);
    dialog(
        ctx,
        column![
            text(t(l, "idle-question")).size(look.heading()),
            text(ta(l, "idle-countdown", &[("seconds", seconds.into())])).size(look.title()),
            widgets::action(ctx, t(l, "idle-continue"), Some(Message::Continue), true),
        ]
        .spacing(look.gap() * 1.8)
        .align_x(Alignment::Center)
        .into(),
    )
}

/// "需要帮助": how to use the kiosk in three pictures, where the staff desk and the request
/// window are, and the phone number.
pub fn help<'a>(ctx: Ctx, site: Option<&Site>) -> Element<'a, Message> {
    let (l, look) = (ctx.lang, ctx.look);
    let p = look.palette();
    let picture = |i: Icon, key: &str| -> Element<'a, Message> {
        column![
            container(widgets::icon(i, look.title() * 2.2, p.accent)).padding(12).style(theme::card(p)),
            text(t(l, key)).size(look.body()).align_x(Alignment::Center).line_height(1.4),
        ]
        .spacing(10)
        .align_x(Alignment::Center)
        .width(Length::FillPortion(1))
        .into()
    };
    let how = Row::new()
        .spacing(look.gap() * 1.5)
        .push(picture(Icon::Tap, "help-tap"))
        .push(picture(Icon::Swipe, "help-swipe"))
        .push(picture(Icon::BackHome, "help-back"));
    let line = |i: Icon, key: &str, v: String| -> Element<'a, Message> {
        row![
            widgets::icon(i, look.heading(), p.ink),
            text(t(l, key)).size(look.body()).width(if look.large { 190 } else { 150 }),
            text(v).size(look.body()).width(Length::Fill),
        ]
        .spacing(12)
        .align_y(Alignment::Center)
        .into()
    };
    let mut col = column![text(t(l, "help-title")).size(look.title()), how].spacing(look.gap() * 1.4);
    if let Some(s) = site {
        let desk = s.staff_desk.as_deref().unwrap_or(&s.address);
        let window = s.request_office.window.as_deref().unwrap_or(&s.request_office.address);
        col = col
            .push(line(Icon::Person, "help-staff-desk", content(l, desk)))
            .push(line(Icon::Place, "help-request-window", content(l, window)))
            .push(line(Icon::Phone, "help-phone", s.phone.clone()));
    }
    col = col.push(
        container(widgets::action(ctx, t(l, "notice-ok"), Some(Message::CloseHelp), true)).center_x(Length::Fill),
    );
    dialog(ctx, col.into())
}

/// Leaving a form with answers in it: they would be lost, so the visitor is asked first.
pub fn leave<'a>(ctx: Ctx, to: Leave) -> Element<'a, Message> {
    let (l, look) = (ctx.lang, ctx.look);
    let go = if to == Leave::Home { "leave-home" } else { "leave-back" };
    dialog(
        ctx,
        column![
            text(t(l, "leave-question")).size(look.heading()).line_height(1.4),
            Row::new()
                .spacing(look.gap() * 1.5)
                .push(widgets::action(ctx, t(l, "leave-stay"), Some(Message::Stay), true))
                .push(widgets::action(ctx, t(l, go), Some(Message::Leave), false))
                .wrap()
                .vertical_spacing(look.gap()),
        ]
        .spacing(look.gap() * 1.8)
        .align_x(Alignment::Center)
        .into(),
    )
}

/// A message (translation key) with an OK button.
pub fn notice<'a>(ctx: Ctx, key: &str) -> Element<'a, Message> {
    let (l, look) = (ctx.lang, ctx.look);
    dialog(
        ctx,
        column![
            text(t(l, key)).size(look.heading()),
            widgets::action(ctx, t(l, "notice-ok"), Some(Message::DismissNotice), true),
        ]
        .spacing(look.gap() * 1.8)
        .align_x(Alignment::Center)
        .into(),
    )
}

/// The whole screen as one button inviting the next visitor.
pub fn attract<'a>(ctx: Ctx, zone: String) -> Element<'a, Message> {
    let (l, look) = (ctx.lang, ctx.look);
    opaque(
        widgets::tap(
            container(
                column![
                    text(zone).size(look.title() * 1.5),
                    text(t(l, "attract-touch")).size(look.title()),
                    text(t(l, "attract-what")).size(look.heading()),
                ]
                .spacing(40)
                .align_x(Alignment::Center),
            )
            .center(Length::Fill),
            Some(Message::Touched),
        )
        .width(Length::Fill)
        .height(Length::Fill)
        .style(theme::button_style(look.palette(), theme::Button::Primary)),
    )
}
