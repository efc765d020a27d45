//! 码上公开: the list of boards, and a board filling the screen with large labelled QR codes.

use iced::widget::{Column, Row, column, text};
use iced::{Alignment, Length, Task};

use super::{Ctx, Event, Route};
use crate::content::{Board, BoardTarget};
use crate::print::{Paper, Printable};
use crate::store::{BoardSummary, Store, StoreError};
use crate::ui::Element;
use crate::ui::i18n::{content, t};
use crate::ui::theme;
use crate::ui::widgets::{self, Icon, scroll};

#[derive(Debug, Clone)]
pub struct BoardList {
    pub boards: Vec<BoardSummary>,
    pub scroll: scroll::Scroll,
}

/// One QR code of a board: its label, note, the URL it encodes.
#[derive(Debug, Clone)]
pub struct Code {
    pub label: String,
    pub note: Option<String>,
    pub url: String,
    pub qr: iced::widget::image::Handle,
    /// The document or guide it points to, when this kiosk has it: readable here too.
    pub here: Option<Route>,
}

#[derive(Debug, Clone)]
pub struct BoardView {
    pub board: Board,
    pub codes: Vec<Code>,
    /// Items whose target has no address to encode (shown by name, not silently dropped).
    pub missing: Vec<(String, Option<Route>)>,
    pub scroll: scroll::Scroll,
}

#[derive(Debug, Clone)]
pub enum Message {
    Open(String),
    /// Read a board item's document or guide on the kiosk.
    Read(Route),
    Print,
    Scroll(scroll::Message),
}

impl Message {
    pub fn is_touch(&self) -> bool {
        match self {
            Message::Open(_) | Message::Read(_) | Message::Print => true,
            Message::Scroll(m) => m.is_touch(),
        }
    }
}

pub fn load_list(store: &Store) -> Result<BoardList, StoreError> {
    Ok(BoardList { boards: store.boards()?, scroll: scroll::Scroll::default() })
}

/// Where a board item leads on the kiosk itself, if the store has it.
fn here(store: &Store, target: &BoardTarget) -> Result<Option<Route>, StoreError> {
    Ok(match target {
        BoardTarget::Document(id) => store.document(id)?.map(|_| Route::Document(id.clone())),
        BoardTarget::Guide(id) => store.guide(id)?.map(|_| Route::Guide(id.clone())),
        BoardTarget::Url(_) => None,
    })
}

pub fn load(store: &Store, id: &str) -> Result<BoardView, StoreError> {
    let board = store.board(id)?.ok_or_else(|| StoreError::Corrupt {
        path: store.path().to_path_buf(),
        id: id.to_string(),
        reason: "no such board".into(),
    })?;
    let mut codes = Vec::new();
    let mut missing = Vec::new();
    for item in &board.items {
        let on_kiosk = here(store, &item.target)?;
        match store.board_target_url(&item.target)?.and_then(|u| widgets::qr_data(&u).map(|q| (u, q))) {
            Some((url, qr)) => {
                codes.push(Code { label: item.label.clone(), note: item.note.clone(), url, qr, here: on_kiosk })
            }
            None => missing.push((item.label.clone(), on_kiosk)),
        }
    }
    Ok(BoardView { board, codes, missing, scroll: scroll::Scroll::default() })
}

impl BoardList {
    pub fn update(&mut self, message: Message) -> (Task<Message>, Option<Event>) {
        match message {
            Message::Open(id) => (Task::none(), Some(Event::Open(Route::Board(id)))),
            Message::Scroll(m) => {
                self.scroll.update(m);
                (Task::none(), None)
            }
            Message::Print | Message::Read(_) => (Task::none(), None),
        }
    }

    pub fn view(&self, ctx: Ctx) -> Element<'_, Message> {
        let p = ctx.look.palette();
        let mut col = Column::new().spacing(10).push(widgets::heading(ctx, t(ctx.lang, "tile-boards")));
        col = col.push(widgets::muted(ctx, t(ctx.lang, "boards-help")));
        for b in &self.boards {
            col = col.push(
                widgets::tap(
                    iced::widget::row![
                        widgets::icon(Icon::Qr, ctx.look.heading(), p.ink),
                        text(content(ctx.lang, &b.title)).size(ctx.look.body())
                    ]
                    .spacing(12)
                    .align_y(Alignment::Center),
                    Some(Message::Open(b.id.clone())),
                )
                .width(Length::Fill)
                .padding([18, 18])
                .style(theme::button_style(p, theme::Button::Row)),
            );
        }
        scroll::area(ctx, &self.scroll, col, Message::Scroll, true)
    }
}

impl BoardView {
    pub fn update(&mut self, message: Message) -> (Task<Message>, Option<Event>) {
        match message {
            Message::Open(id) => (Task::none(), Some(Event::Open(Route::Board(id)))),
            Message::Print => {
                (Task::none(), Some(Event::Print(Printable::Board { id: self.board.id.clone(), paper: Paper::A4 })))
            }
            Message::Read(route) => (Task::none(), Some(Event::Open(route))),
            Message::Scroll(m) => {
                self.scroll.update(m);
                (Task::none(), None)
            }
        }
    }

    pub fn view(&self, ctx: Ctx) -> Element<'_, Message> {
        let l = ctx.lang;
        let look = ctx.look;
        let per_row = if ctx.portrait { 2 } else { 4 };
        let size = ((ctx.width - look.gap() * (per_row as f32 + 1.0)) / per_row as f32 - 60.0).clamp(160.0, 340.0);
        let mut grid = Column::new().spacing(look.gap() * 1.5);
        for chunk in self.codes.chunks(per_row) {
            let mut r = Row::new().spacing(look.gap());
            for code in chunk {
                let mut cell = column![widgets::qr(ctx, &code.qr, content(l, &code.label), size)]
                    .align_x(Alignment::Center)
                    .spacing(4);
                if let Some(n) = &code.note {
                    cell = cell.push(widgets::muted(ctx, content(l, n)));
                }
                if let Some(route) = &code.here {
                    cell = cell.push(read_here(ctx, route));
                }
                r = r.push(iced::widget::container(cell).width(Length::FillPortion(1)).align_x(Alignment::Center));
            }
            for _ in chunk.len()..per_row {
                r = r.push(iced::widget::container(text("")).width(Length::FillPortion(1)));
            }
            grid = grid.push(r);
        }
        for (m, route) in &self.missing {
            let mut line =
                iced::widget::row![widgets::muted(ctx, format!("{}：{}", content(l, m), t(l, "boards-no-address")))]
                    .spacing(look.gap())
                    .align_y(Alignment::Center);
            if let Some(route) = route {
                line = line.push(read_here(ctx, route));
            }
            grid = grid.push(line);
        }
        let mut head = Column::new().spacing(6).push(text(content(l, &self.board.title)).size(look.title()));
        if let Some(i) = &self.board.intro {
            head = head.push(widgets::muted(ctx, content(l, i)));
        }
        column![
            iced::widget::row![
                head.width(Length::Fill),
                widgets::icon_action(ctx, Icon::Printer, t(l, "boards-print"), Some(Message::Print), false)
            ]
            .align_y(Alignment::Center),
            widgets::muted(ctx, t(l, "boards-scan")),
            scroll::area(ctx, &self.scroll, grid, Message::Scroll, true),
        ]
        .spacing(look.gap())
        .height(Length::Fill)
        .into()
    }
}

/// "Read it here": a board item's document or guide opened on the kiosk (under its label).
fn read_here<'a>(ctx: Ctx, route: &Route) -> Element<'a, Message> {
    widgets::icon_action(ctx, Icon::Policy, t(ctx.lang, "boards-read-here"), Some(Message::Read(route.clone())), false)
}
