//! 码上公开: the list of boards, and a board filling the screen with large labelled QR codes.

use iced::widget::{Column, Row, button, column, scrollable, text};
use iced::{Alignment, Length, Task};

use super::{Ctx, Event, Route};
use crate::content::Board;
use crate::print::{Paper, Printable};
use crate::store::{BoardSummary, Store, StoreError};
use crate::ui::Element;
use crate::ui::i18n::{content, t};
use crate::ui::theme;
use crate::ui::widgets;

#[derive(Debug, Clone)]
pub struct BoardList {
    pub boards: Vec<BoardSummary>,
}

/// One QR code of a board: its label, note, the URL it encodes.
#[derive(Debug, Clone)]
pub struct Code {
    pub label: String,
    pub note: Option<String>,
    pub url: String,
    pub qr: iced::widget::image::Handle,
}

#[derive(Debug, Clone)]
pub struct BoardView {
    pub board: Board,
    pub codes: Vec<Code>,
    /// Items whose target has no address to encode (shown by name, not silently dropped).
    pub missing: Vec<String>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Open(String),
    Print,
}

impl Message {
    pub fn is_touch(&self) -> bool {
        match self {
            Message::Open(_) | Message::Print => true,
        }
    }
}

pub fn load_list(store: &Store) -> Result<BoardList, StoreError> {
    Ok(BoardList { boards: store.boards()? })
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
        match store.board_target_url(&item.target)?.and_then(|u| widgets::qr_data(&u).map(|q| (u, q))) {
            Some((url, qr)) => codes.push(Code { label: item.label.clone(), note: item.note.clone(), url, qr }),
            None => missing.push(item.label.clone()),
        }
    }
    Ok(BoardView { board, codes, missing })
}

impl BoardList {
    pub fn update(&mut self, message: Message) -> (Task<Message>, Option<Event>) {
        match message {
            Message::Open(id) => (Task::none(), Some(Event::Open(Route::Board(id)))),
            Message::Print => (Task::none(), None),
        }
    }

    pub fn view(&self, ctx: Ctx) -> Element<'_, Message> {
        let p = ctx.look.palette();
        let mut col = Column::new().spacing(10).push(widgets::heading(ctx, t(ctx.lang, "tile-boards")));
        col = col.push(widgets::muted(ctx, t(ctx.lang, "boards-help")));
        for b in &self.boards {
            col = col.push(
                button(text(content(ctx.lang, &b.title)).size(ctx.look.body()))
                    .on_press(Message::Open(b.id.clone()))
                    .width(Length::Fill)
                    .padding([18, 18])
                    .style(theme::button_style(p, theme::Button::Row)),
            );
        }
        scrollable(col).height(Length::Fill).into()
    }
}

impl BoardView {
    pub fn update(&mut self, message: Message) -> (Task<Message>, Option<Event>) {
        match message {
            Message::Open(id) => (Task::none(), Some(Event::Open(Route::Board(id)))),
            Message::Print => {
                (Task::none(), Some(Event::Print(Printable::Board { id: self.board.id.clone(), paper: Paper::A4 })))
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
                r = r.push(iced::widget::container(cell).width(Length::FillPortion(1)).align_x(Alignment::Center));
            }
            for _ in chunk.len()..per_row {
                r = r.push(iced::widget::container(text("")).width(Length::FillPortion(1)));
            }
            grid = grid.push(r);
        }
        for m in &self.missing {
            grid = grid.push(widgets::muted(ctx, format!("{}：{}", content(l, m), t(l, "boards-no-address"))));
        }
        let mut head = Column::new().spacing(6).push(text(content(l, &self.board.title)).size(look.title()));
        if let Some(i) = &self.board.intro {
            head = head.push(widgets::muted(ctx, content(l, i)));
        }
        column![
            iced::widget::row![
                head.width(Length::Fill),
                widgets::action(ctx, t(l, "boards-print"), Some(Message::Print), false)
            ]
            .align_y(Alignment::Center),
            widgets::muted(ctx, t(l, "boards-scan")),
            scrollable(grid).height(Length::Fill).spacing(8),
        ]
        .spacing(look.gap())
        .height(Length::Fill)
        .into()
    }
}
