//! 政策问答: questions and answers by key area; tap a question to read the answer and its related
//! documents and guides; "search the Q&A" opens search limited to it.

use iced::widget::{Column, Row, column, text};
use iced::{Length, Task};

use super::{Ctx, Event, Route};
use crate::content::{Faq, ItemKind};
use crate::search::SearchFilter;
use crate::store::{Store, StoreError};
use crate::ui::Element;
use crate::ui::i18n::{content, t};
use crate::ui::theme;
use crate::ui::widgets::{self, Icon, scroll, voice};

#[derive(Debug, Clone)]
pub struct FaqScreen {
    pub area: Option<String>,
    pub areas: Vec<(String, u64)>,
    pub all: Vec<Faq>,
    pub open: Option<String>,
    pub scroll: scroll::Scroll,
    /// Reading the open question and its answer aloud.
    pub voice: voice::Voice,
}

#[derive(Debug, Clone)]
pub enum Message {
    Area(Option<String>),
    Toggle(String),
    Open(Route),
    Search,
    Voice(voice::Message),
    Scroll(scroll::Message),
}

impl Message {
    pub fn is_touch(&self) -> bool {
        match self {
            Message::Area(_) | Message::Toggle(_) | Message::Open(_) | Message::Search | Message::Voice(_) => true,
            Message::Scroll(m) => m.is_touch(),
        }
    }
}

pub fn load(store: &Store, area: Option<String>, open: Option<String>) -> Result<FaqScreen, StoreError> {
    let all = store.faqs(None)?;
    let mut areas: Vec<(String, u64)> = Vec::new();
    for f in &all {
        if let Some(a) = &f.area {
            match areas.iter_mut().find(|(x, _)| x == a) {
                Some(e) => e.1 += 1,
                None => areas.push((a.clone(), 1)),
            }
        }
    }
    areas.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(FaqScreen { area, areas, all, open, scroll: scroll::Scroll::default(), voice: voice::Voice::default() })
}

impl FaqScreen {
    /// The question open, if any.
    fn open_faq(&self) -> Option<&Faq> {
        self.open.as_deref().and_then(|id| self.all.iter().find(|f| f.id == id))
    }

    /// What is read for the open question: the question, then its answer.
    fn read_aloud(&self) -> String {
        self.open_faq().map(|f| format!("问：{}\n答：{}", f.question, f.answer)).unwrap_or_default()
    }

    pub fn update(&mut self, message: Message) -> (Task<Message>, Option<Event>) {
        match message {
            Message::Area(a) => {
                self.area = a;
                self.scroll = scroll::Scroll::default();
            }
            Message::Scroll(m) => self.scroll.update(m),
            Message::Toggle(id) => {
                self.open = if self.open.as_deref() == Some(&id) { None } else { Some(id) };
                // another question (or none) is open: the voice reading the last one stops
                if self.voice.is_on() {
                    return (Task::none(), self.voice.update(voice::Message::Stop, String::new).map(Event::Voice));
                }
            }
            Message::Voice(m) => {
                // (the text is made only when a reading starts)
                let text = if m == voice::Message::Read { self.read_aloud() } else { String::new() };
                let command = self.voice.update(m, || text);
                return (Task::none(), command.map(Event::Voice));
            }
            Message::Open(r) => return (Task::none(), Some(Event::Open(r))),
            Message::Search => {
                let filter = SearchFilter { item: Some(ItemKind::Faq), ..SearchFilter::default() };
                return (Task::none(), Some(Event::Open(Route::Search { query: String::new(), filter })));
            }
        }
        (Task::none(), None)
    }

    pub fn view(&self, ctx: Ctx) -> Element<'_, Message> {
        let l = ctx.lang;
        let look = ctx.look;
        let p = look.palette();
        let mut chips = Row::new().spacing(10);
        chips = chips.push(widgets::chip(
            ctx,
            t(l, "catalogue-all"),
            Some(self.all.len() as u64),
            self.area.is_none(),
            Message::Area(None),
        ));
        for (a, n) in &self.areas {
            chips = chips.push(widgets::chip(
                ctx,
                content(l, a),
                Some(*n),
                self.area.as_ref() == Some(a),
                Message::Area(Some(a.clone())),
            ));
        }
        let mut list = Column::new().spacing(10);
        for f in self.all.iter().filter(|f| self.area.is_none() || f.area == self.area) {
            let open = self.open.as_deref() == Some(f.id.as_str());
            let mut col = column![
                text(format!("{}　{}", if open { "▾" } else { "▸" }, content(l, &f.question))).size(look.body())
            ]
            .spacing(8);
            if open {
                col = col.push(text(content(l, &f.answer)).size(look.body()).line_height(1.5).color(p.ink));
            }
            list = list.push(
                widgets::tap(col, Some(Message::Toggle(f.id.clone())))
                    .width(Length::Fill)
                    .padding([14, 18])
                    .style(theme::button_style(p, theme::Button::Row)),
            );
            if open {
                let mut links = Row::new().spacing(10);
                for d in &f.related_documents {
                    links = links.push(widgets::action(
                        ctx,
                        t(l, "faq-related-document"),
                        Some(Message::Open(Route::Document(d.clone()))),
                        false,
                    ));
                }
                for g in &f.related_guides {
                    links = links.push(widgets::action(
                        ctx,
                        t(l, "faq-related-guide"),
                        Some(Message::Open(Route::Guide(g.clone()))),
                        false,
                    ));
                }
                list = list.push(links.wrap());
            }
        }
        // the voice reads the open answer
        let voice = if self.open_faq().is_some() { self.voice.buttons(ctx, Message::Voice) } else { Vec::new() };
        column![
            iced::widget::row![
                widgets::heading(ctx, t(l, "tile-faq")),
                iced::widget::space::horizontal(),
                widgets::icon_action(ctx, Icon::Search, t(l, "faq-search"), Some(Message::Search), true)
            ]
            .align_y(iced::Alignment::Center),
            chips.wrap().vertical_spacing(10),
        ]
        .push(Row::with_children(voice).spacing(10).wrap().vertical_spacing(10))
        .extend(self.open_faq().and_then(|_| self.voice.strip(ctx)))
        .push(scroll::area(ctx, &self.scroll, list, Message::Scroll, true))
        .spacing(look.gap())
        .height(Length::Fill)
        .into()
    }
}
