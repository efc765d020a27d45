//! How the kiosk looks: the status bar, the screen on show, the navigation bar, and what may
//! cover them.

use std::panic::{AssertUnwindSafe, catch_unwind};

use iced::widget::{center, column, container, stack, text};
use iced::{Alignment, Length};

use super::{IdleState, Kiosk, Message, bars, overlay, panic_text};
use crate::ui::Element;
use crate::ui::background_sync::SyncDone;
use crate::ui::i18n::t;
use crate::ui::screens::Ctx;
use crate::ui::theme;

impl Kiosk {
    pub fn view(&self) -> Element<'_, Message> {
        let ctx = self.ctx();
        let p = ctx.look.palette();
        let pad = if ctx.portrait { 28.0 } else { 40.0 };
        let main = container(self.body(ctx)).padding(pad).width(Length::Fill).height(Length::Fill);
        let online = match (&self.config.sync.source_url, &self.services.sync.last) {
            (None, _) => "status-standalone",
            (Some(_), Some(SyncDone::Failed(_))) => "status-offline",
            (Some(_), Some(_)) => "status-online",
            (Some(_), None) => "status-checking",
        };
        let status = bars::Status {
            zone: self.zone_name(),
            clock: &self.clock,
            online,
            printer: self.services.printing.status_key(),
            home: self.home.as_ref(),
        };
        // While a video's pictures are on show, the page colour is the window's own background
        // (the same colour, or one 1/255 bluer: see `window_style`), not a rectangle painted over
        // the whole window: iced's software renderer would fill that rectangle, through a clip
        // mask, over every picture again before drawing it — a third of the screen's work per
        // picture (benchmarks: "Attachments").
        let video = self.nav.screen.as_ref().is_some_and(crate::ui::screens::Screen::shows_video);
        let page = container(column![
            bars::status_bar(ctx, status),
            main,
            bars::nav_bar(ctx, self.nav.at_home(), &self.config.ui.languages)
        ])
        .width(Length::Fill)
        .height(Length::Fill)
        .style(move |t| if video { iced::widget::container::Style::default() } else { theme::page(p)(t) });
        let overlay: Option<Element<'_, Message>> = match self.visit.idle {
            IdleState::Countdown(s) => Some(overlay::countdown(ctx, s)),
            IdleState::Attract => Some(overlay::attract(ctx, self.zone_name())),
            IdleState::Active if self.leaving.is_some() => self.leaving.map(|to| overlay::leave(ctx, to)),
            IdleState::Active if self.services.printing.stage.is_some() => {
                let limit = self.config.printer.page_limit;
                let dialog = self.services.printing.view(ctx, limit);
                dialog
                    .map(|d| overlay::dialog(ctx, column![d.map(Message::Printing)].align_x(Alignment::Center).into()))
            }
            IdleState::Active if self.notice.is_some() => self.notice.as_deref().map(|key| overlay::notice(ctx, key)),
            IdleState::Active if self.help => {
                Some(overlay::help(ctx, self.home.as_ref().and_then(|h| h.site.as_ref())))
            }
            IdleState::Active => None,
        };
        let all: Element<'_, Message> = match overlay {
            Some(o) => stack![page, o].into(),
            None => page.into(),
        };
        if self.config.ui.hide_cursor { crate::ui::widgets::no_cursor(all) } else { all }
    }

    /// The screen on show; what went wrong reading Home; "preparing" (the store); or "loading".
    fn body(&self, ctx: Ctx) -> Element<'_, Message> {
        let look = ctx.look;
        match (self.nav.current(), &self.load_error) {
            (Some(screen), _) => match catch_unwind(AssertUnwindSafe(|| screen.view(ctx).map(Message::Screen))) {
                // a first visitor at Home: where to start, until they leave Home
                Ok(e) if self.nav.at_home() && self.visit.shows_hint(self.nav.switches()) => {
                    column![first_visit_hint(ctx), e].spacing(look.gap()).height(Length::Fill).into()
                }
                Ok(e) => e,
                Err(panic) => {
                    tracing::error!(panic = %panic_text(panic.as_ref()), "a screen could not be drawn");
                    self.view_failed.set(true);
                    center(text(t(ctx.lang, "notice-screen-failed")).size(look.heading())).into()
                }
            },
            (None, Some(e)) => center(
                column![
                    text(t(ctx.lang, "load-failed")).size(look.heading()),
                    text(e.clone()).size(look.small()).color(look.palette().muted),
                ]
                .spacing(16),
            )
            .into(),
            // the store is being prepared (after an upgrade of the kiosk: minutes)
            (None, None) if self.preparing => center(
                column![
                    text(t(ctx.lang, "preparing")).size(look.heading()),
                    text(t(ctx.lang, "preparing-detail")).size(look.body()),
                ]
                .spacing(16)
                .align_x(iced::Alignment::Center),
            )
            .into(),
            (None, None) => center(text(t(ctx.lang, "loading")).size(look.heading())).into(),
        }
    }
}

/// What a first-time visitor sees on Home until they first tap: every button is a tap, and help
/// is always one tap away.
fn first_visit_hint<'a>(ctx: Ctx) -> Element<'a, Message> {
    let (l, look) = (ctx.lang, ctx.look);
    let p = look.palette();
    container(
        iced::widget::row![
            crate::ui::widgets::icon(crate::ui::widgets::Icon::Tap, look.title(), p.highlight_ink),
            text(t(l, "home-first-visit")).size(look.body()).width(Length::Fill),
        ]
        .spacing(16)
        .align_y(Alignment::Center),
    )
    .padding([12, 18])
    .width(Length::Fill)
    .style(theme::notice(p))
    .into()
}
