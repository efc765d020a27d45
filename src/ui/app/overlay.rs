//! What may cover the screen: the idle countdown, the attract screen, the print dialog, and a
//! notice to dismiss.

use iced::widget::{button, column, container, opaque, text};
use iced::{Alignment, Length};

use super::Message;
use crate::ui::Element;
use crate::ui::i18n::{t, ta};
use crate::ui::screens::Ctx;
use crate::ui::theme;
use crate::ui::widgets;

/// A card in the middle of a dimmed screen, taking every tap.
pub fn dialog(ctx: Ctx, inner: Element<'_, Message>) -> Element<'_, Message> {
    let p = ctx.look.palette();
    opaque(
        container(container(inner).padding(40).max_width(900).style(theme::card(p)))
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
        .spacing(look.gap())
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
        .spacing(look.gap())
        .align_x(Alignment::Center)
        .into(),
    )
}

/// The whole screen as one button inviting the next visitor.
pub fn attract<'a>(ctx: Ctx, zone: String) -> Element<'a, Message> {
    let (l, look) = (ctx.lang, ctx.look);
    opaque(
        button(
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
        )
        .on_press(Message::Touched)
        .width(Length::Fill)
        .height(Length::Fill)
        .style(theme::button_style(look.palette(), theme::Button::Primary)),
    )
}
