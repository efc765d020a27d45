//! 办事指南: the list of service guides, and one guide laid out for reading at a glance —
//! key facts first, materials as a checklist, steps numbered, where and when, phones, QR code.

use std::collections::BTreeSet;

use iced::widget::{Column, Row, column, row, text};
use iced::{Alignment, Length, Task};

use super::{Ctx, Event, Route};
use crate::content::Guide;
use crate::print::{FormKind, Printable};
use crate::store::{GuideSummary, Store, StoreError};
use crate::ui::Element;
use crate::ui::i18n::{content, t, ta};
use crate::ui::theme;
use crate::ui::widgets::{self, Icon, scroll, voice};

#[derive(Debug, Clone)]
pub struct GuideList {
    pub guides: Vec<GuideSummary>,
    pub scroll: scroll::Scroll,
}

#[derive(Debug, Clone)]
pub struct GuideView {
    pub guide: Guide,
    pub qr: Option<iced::widget::image::Handle>,
    /// The materials the visitor ticked off (they have them with them).
    pub ticked: BTreeSet<usize>,
    pub scroll: scroll::Scroll,
    /// Reading the guide aloud.
    pub voice: voice::Voice,
}

#[derive(Debug, Clone)]
pub enum Message {
    Open(String),
    Print,
    /// On the 依申请公开 guide: fill in a request on the screen, or print the form.
    FillIn,
    PrintForm(FormKind),
    /// Tick (or untick) a material of the checklist.
    Tick(usize),
    Voice(voice::Message),
    Scroll(scroll::Message),
}

impl Message {
    pub fn is_touch(&self) -> bool {
        match self {
            Message::Open(_)
            | Message::Print
            | Message::FillIn
            | Message::PrintForm(_)
            | Message::Tick(_)
            | Message::Voice(_) => true,
            Message::Scroll(m) => m.is_touch(),
        }
    }
}

pub fn load_list(store: &Store) -> Result<GuideList, StoreError> {
    Ok(GuideList { guides: store.guides()?, scroll: scroll::Scroll::default() })
}

/// One guide by id, or (None) the 依申请公开 guide.
pub fn load(store: &Store, id: Option<&str>) -> Result<GuideView, StoreError> {
    let guide = match id {
        Some(id) => store.guide(id)?,
        None => store.disclosure_request_guide()?,
    };
    let guide = guide.ok_or_else(|| StoreError::Corrupt {
        path: store.path().to_path_buf(),
        id: id.unwrap_or("disclosure-request guide").to_string(),
        reason: "no such guide".into(),
    })?;
    let qr = guide.online_url.as_deref().and_then(widgets::qr_data);
    Ok(GuideView {
        guide,
        qr,
        ticked: BTreeSet::new(),
        scroll: scroll::Scroll::default(),
        voice: voice::Voice::default(),
    })
}

impl GuideList {
    pub fn update(&mut self, message: Message) -> (Task<Message>, Option<Event>) {
        match message {
            Message::Open(id) => (Task::none(), Some(Event::Open(Route::Guide(id)))),
            Message::Scroll(m) => {
                self.scroll.update(m);
                (Task::none(), None)
            }
            Message::Print | Message::FillIn | Message::PrintForm(_) | Message::Tick(_) | Message::Voice(_) => {
                (Task::none(), None)
            }
        }
    }

    pub fn view(&self, ctx: Ctx) -> Element<'_, Message> {
        let p = ctx.look.palette();
        let mut col = Column::new().spacing(10).push(widgets::heading(ctx, t(ctx.lang, "tile-guides")));
        for g in &self.guides {
            let area = g.area.as_deref().map(|a| content(ctx.lang, a)).unwrap_or_default();
            col = col.push(
                widgets::tap(
                    column![
                        text(content(ctx.lang, &g.name)).size(ctx.look.body()),
                        text(area).size(ctx.look.small()).color(p.muted)
                    ]
                    .spacing(4),
                    Some(Message::Open(g.id.clone())),
                )
                .width(Length::Fill)
                .padding([14, 18])
                .style(theme::button_style(p, theme::Button::Row)),
            );
        }
        scroll::area(ctx, &self.scroll, col, Message::Scroll, true)
    }
}

impl GuideView {
    pub fn update(&mut self, message: Message) -> (Task<Message>, Option<Event>) {
        match message {
            Message::Open(id) => (Task::none(), Some(Event::Open(Route::Guide(id)))),
            Message::Print => (Task::none(), Some(Event::Print(Printable::Guide(self.guide.id.clone())))),
            Message::FillIn => (Task::none(), Some(Event::Open(Route::Request { on_behalf: false, start: None }))),
            Message::PrintForm(kind) => (Task::none(), Some(Event::Print(Printable::Form(kind)))),
            Message::Voice(m) => {
                let command = self.voice.update(m, || crate::speech::guide_text(&self.guide));
                (Task::none(), command.map(Event::Voice))
            }
            Message::Tick(i) => {
                if !self.ticked.remove(&i) {
                    self.ticked.insert(i);
                }
                (Task::none(), None)
            }
            Message::Scroll(m) => {
                self.scroll.update(m);
                (Task::none(), None)
            }
        }
    }

    pub fn view(&self, ctx: Ctx) -> Element<'_, Message> {
        let l = ctx.lang;
        let look = ctx.look;
        let g = &self.guide;
        let qr: Element<'_, Message> = match &self.qr {
            Some(d) => widgets::qr(ctx, d, t(l, "guide-qr"), 220.0),
            None => widgets::muted(ctx, t(l, "guide-no-qr")),
        };
        let title = column![
            text(content(l, &g.name)).size(look.title()),
            widgets::muted(
                ctx,
                g.code.clone().map(|code| format!("{} {code}", t(l, "guide-code"))).unwrap_or_default()
            ),
        ]
        .spacing(6);
        let tools = Row::with_children(self.voice.buttons(ctx, Message::Voice))
            .push(widgets::icon_action(ctx, Icon::Printer, t(l, "reader-print"), Some(Message::Print), false))
            .spacing(10)
            .wrap()
            .vertical_spacing(10);
        let (materials, steps, place) = (
            widgets::card(ctx, self.materials(ctx)),
            widgets::card(ctx, self.steps(ctx)),
            widgets::card(ctx, self.place(ctx)),
        );
        let body: Element<'_, Message> = if ctx.portrait {
            column![self.facts(ctx), materials, steps, place, qr, self.more(ctx)].spacing(look.gap()).into()
        } else {
            column![
                self.facts(ctx),
                row![
                    column![materials, steps].spacing(look.gap()).width(Length::FillPortion(3)),
                    column![place, qr].spacing(look.gap()).width(Length::FillPortion(2)).align_x(Alignment::Center),
                ]
                .spacing(look.gap()),
                self.more(ctx)
            ]
            .spacing(look.gap())
            .into()
        };
        // while the voice reads, its buttons take a line of their own under the title
        let head: Element<'_, Message> = if self.voice.is_on() {
            column![title, tools].spacing(look.gap()).into()
        } else {
            row![title.width(Length::Fill), tools].align_y(Alignment::Center).into()
        };
        let mut page = Column::new().spacing(look.gap()).push(head).extend(self.voice.strip(ctx));
        // the request guide leads to the request itself: on the screen, or on paper
        if g.disclosure_request {
            page = page.push(request_card(ctx));
        }
        // (the key facts' borders kept off the scroll area's top edge: when the voice's strip moves
        // the area down, the software renderer repaints a border lying on that edge only in part)
        let body = iced::widget::container(body).padding(iced::Padding { top: 2.0, ..iced::Padding::ZERO });
        page.push(scroll::area(ctx, &self.scroll, body, Message::Scroll, true)).height(Length::Fill).into()
    }

    /// Four key facts side by side; two by two in portrait.
    fn facts(&self, ctx: Ctx) -> Element<'_, Message> {
        let (l, look, g) = (ctx.lang, ctx.look, &self.guide);
        let c = |s: &str| content(l, s);
        let fact = |key: &str, value: String| -> Element<'_, Message> {
            widgets::card(ctx, column![widgets::muted(ctx, t(l, key)), text(value).size(look.heading())].spacing(4))
        };
        let limit = if g.on_the_spot { t(l, "guide-on-the-spot") } else { c(&g.promised_limit) };
        let cards = [
            fact("guide-legal-limit", c(&g.legal_limit)),
            fact("guide-promised-limit", limit),
            fact("guide-fee", c(&g.fee)),
            fact("guide-visits", ta(l, "guide-visits-n", &[("count", g.visits.into())])),
        ];
        if ctx.portrait {
            let mut it = cards.into_iter();
            let mut rows = Column::new().spacing(look.gap());
            while let (Some(a), b) = (it.next(), it.next()) {
                rows = rows.push(Row::new().spacing(look.gap()).push(a).extend(b));
            }
            rows.into()
        } else {
            Row::with_children(cards).spacing(look.gap()).into()
        }
    }

    /// The materials to bring, as a checklist the visitor can tick.
    fn materials(&self, ctx: Ctx) -> Column<'_, Message> {
        let (l, look, g) = (ctx.lang, ctx.look, &self.guide);
        let p = look.palette();
        let c = |s: &str| content(l, s);
        let mut materials = Column::new()
            .spacing(8)
            .push(widgets::heading(ctx, t(l, "guide-materials")))
            .push(widgets::muted(ctx, t(l, "guide-tick-hint")));
        for (i, m) in g.materials.iter().enumerate() {
            let mut detail = vec![ta(l, "guide-copies", &[("count", m.copies.into())])];
            if let Some(f) = &m.form {
                detail.insert(0, c(f));
            }
            detail.push(t(l, if m.required { "guide-required" } else { "guide-optional" }));
            if let Some(n) = &m.note {
                detail.push(c(n));
            }
            let on = self.ticked.contains(&i);
            materials = materials.push(
                widgets::tap(
                    row![
                        widgets::icon(if on { Icon::Checked } else { Icon::Unchecked }, look.heading() * 1.3, p.ink),
                        column![
                            text(c(&m.name)).size(look.body()),
                            text(detail.join("　")).size(look.small()).color(p.muted)
                        ]
                        .spacing(2)
                        .width(Length::Fill),
                    ]
                    .spacing(12)
                    .align_y(Alignment::Center),
                    Some(Message::Tick(i)),
                )
                .width(Length::Fill)
                .padding([8, 12])
                .style(theme::button_style(p, theme::Button::Row)),
            );
        }
        if g.materials.is_empty() {
            materials = materials.push(widgets::muted(ctx, t(l, "guide-no-materials")));
        }
        materials
    }

    /// The steps, numbered.
    fn steps(&self, ctx: Ctx) -> Column<'_, Message> {
        let (l, look) = (ctx.lang, ctx.look);
        let p = look.palette();
        let mut steps = Column::new().spacing(8).push(widgets::heading(ctx, t(l, "guide-steps")));
        for (i, s) in self.guide.steps.iter().enumerate() {
            let mut col = column![text(content(l, &s.title)).size(look.body())].spacing(2);
            if let Some(d) = &s.detail {
                col = col.push(text(content(l, d)).size(look.small()).color(p.muted));
            }
            steps = steps
                .push(row![text(format!("{}", i + 1)).size(look.heading()).color(p.accent).width(48), col].spacing(8));
        }
        steps
    }

    /// Where and when, and the phones.
    fn place(&self, ctx: Ctx) -> Column<'_, Message> {
        let (l, look, g) = (ctx.lang, ctx.look, &self.guide);
        let p = look.palette();
        let c = |s: &str| content(l, s);
        let mut place = Column::new().spacing(6).push(widgets::heading(ctx, t(l, "guide-where")));
        let line = |key: &str, v: String| -> Element<'_, Message> {
            row![
                text(t(l, key)).size(look.small()).color(p.muted).width(if look.large { 170 } else { 140 }),
                text(v).size(look.body())
            ]
            .spacing(8)
            .into()
        };
        place = place.push(line("guide-office", c(&g.office)));
        if let Some(w) = &g.window {
            place = place.push(line("guide-window", c(w)));
        }
        place = place.push(line("guide-location", c(&g.location)));
        if let Some(tr) = &g.transport {
            place = place.push(line("guide-transport", c(tr)));
        }
        place = place.push(line("guide-hours", c(&g.hours)));
        place = place.push(line("guide-consult-phone", g.consult_phone.clone()));
        place = place.push(line("guide-complaint-phone", g.complaint_phone.clone()));
        if let Some(d) = &g.delivery {
            place = place.push(line("guide-delivery", c(d)));
        }
        place
    }

    /// Conditions, legal basis and the guide's own questions.
    fn more(&self, ctx: Ctx) -> Column<'_, Message> {
        let (l, look, g) = (ctx.lang, ctx.look, &self.guide);
        let p = look.palette();
        let c = |s: &str| content(l, s);
        let mut more = Column::new().spacing(6);
        for (key, items) in [("guide-conditions", &g.conditions), ("guide-basis", &g.basis)] {
            if !items.is_empty() {
                more = more.push(widgets::heading(ctx, t(l, key)));
                for x in items {
                    more = more.push(widgets::body(ctx, format!("• {}", c(x))));
                }
            }
        }
        if !g.faq.is_empty() {
            more = more.push(widgets::heading(ctx, t(l, "guide-faq")));
            for qa in &g.faq {
                more = more.push(text(c(&qa.question)).size(look.body()));
                more = more.push(text(c(&qa.answer)).size(look.small()).color(p.muted));
            }
        }
        more
    }
}

/// On the 依申请公开 guide: fill in a request on the screen, or print the form blank or as a
/// filled sample.
fn request_card<'a>(ctx: Ctx) -> Element<'a, Message> {
    let (l, look) = (ctx.lang, ctx.look);
    widgets::card(
        ctx,
        column![
            widgets::heading(ctx, t(l, "guide-request-how")),
            Row::new()
                .spacing(look.gap())
                .push(widgets::icon_action(ctx, Icon::Request, t(l, "guide-request-fill"), Some(Message::FillIn), true))
                .push(widgets::action(
                    ctx,
                    t(l, "guide-request-blank"),
                    Some(Message::PrintForm(FormKind::Blank)),
                    false
                ))
                .push(widgets::action(
                    ctx,
                    t(l, "guide-request-sample"),
                    Some(Message::PrintForm(FormKind::Sample)),
                    false
                ))
                .wrap()
                .vertical_spacing(10),
        ]
        .spacing(10),
    )
}
