//! 关于本专区: what the zone is, where and when it is open, how to reach it, the office that
//! receives disclosure requests, and government open-day information.

use iced::Task;
use iced::widget::{Column, text};

use super::{Ctx, Event};
use crate::content::Site;
use crate::store::{Store, StoreError};
use crate::ui::Element;
use crate::ui::i18n::{content, t};
use crate::ui::widgets::{self, scroll};

#[derive(Debug, Clone)]
pub struct About {
    pub site: Option<Site>,
    pub scroll: scroll::Scroll,
}

#[derive(Debug, Clone)]
pub enum Message {
    Scroll(scroll::Message),
}

impl Message {
    pub fn is_touch(&self) -> bool {
        match self {
            Message::Scroll(m) => m.is_touch(),
        }
    }
}

pub fn load(store: &Store) -> Result<About, StoreError> {
    Ok(About { site: store.site()?, scroll: scroll::Scroll::default() })
}

impl About {
    pub fn update(&mut self, message: Message) -> (Task<Message>, Option<Event>) {
        match message {
            Message::Scroll(m) => self.scroll.update(m),
        }
        (Task::none(), None)
    }

    pub fn view(&self, ctx: Ctx) -> Element<'_, Message> {
        let l = ctx.lang;
        let look = ctx.look;
        let Some(s) = &self.site else { return widgets::body(ctx, t(l, "home-empty")) };
        let c = |x: &str| content(l, x);
        let line = |key: &str, v: String| -> Element<'_, Message> {
            iced::widget::row![
                text(t(l, key)).size(look.body()).width(if look.large { 200 } else { 160 }),
                text(v).size(look.body())
            ]
            .spacing(12)
            .into()
        };
        let mut zone = Column::new().spacing(10).push(text(c(&s.name)).size(look.title()));
        if let Some(i) = &s.intro {
            zone = zone.push(widgets::body(ctx, c(i)));
        }
        zone = zone
            .push(line("about-address", c(&s.address)))
            .push(line("about-hours", c(&s.hours)))
            .push(line("about-phone", s.phone.clone()));
        if let Some(d) = &s.staff_desk {
            zone = zone.push(line("help-staff-desk", c(d)));
        }
        if let Some(u) = &s.portal_url {
            zone = zone.push(line("about-portal", u.clone()));
        }
        let o = &s.request_office;
        let mut office = Column::new().spacing(10).push(widgets::heading(ctx, t(l, "about-request-office")));
        office = office
            .push(line("about-office", c(&o.name)))
            .push(line("about-address", c(&o.address)))
            .push(line("about-hours", c(&o.hours)))
            .push(line("about-phone", o.phone.clone()));
        if let Some(w) = &o.window {
            office = office.push(line("help-request-window", c(w)));
        }
        if let Some(pc) = &o.postcode {
            office = office.push(line("about-postcode", pc.clone()));
        }
        if let Some(e) = &o.email {
            office = office.push(line("about-email", e.clone()));
        }
        let mut col = Column::new().spacing(look.gap()).push(widgets::card(ctx, zone)).push(widgets::card(ctx, office));
        if let Some(od) = &s.open_day {
            let mut day = Column::new()
                .spacing(10)
                .push(widgets::heading(ctx, t(l, "about-open-day")))
                .push(widgets::body(ctx, c(&od.summary)));
            if let Some(x) = &od.schedule {
                day = day.push(line("about-schedule", c(x)));
            }
            if let Some(x) = &od.how_to_join {
                day = day.push(line("about-how-to-join", c(x)));
            }
            col = col.push(widgets::card(ctx, day));
        }
        scroll::area(ctx, &self.scroll, col, Message::Scroll, true)
    }
}
