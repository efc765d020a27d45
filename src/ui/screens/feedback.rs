//! 评价与留言: the five-level rating (非常满意 … 非常不满意) and an optional message typed on the
//! on-screen keyboard; stored in the kiosk's own database.

use std::path::PathBuf;

use iced::widget::{Column, Row, column, container, text};
use iced::{Alignment, Length, Task};

use super::{Ctx, Env, Event, Route};
use crate::store::{Rating, Store};
use crate::ui::Element;
use crate::ui::i18n::t;
use crate::ui::theme;
use crate::ui::widgets::keyboard::{self, Edit, Keyboard};
use crate::ui::widgets::{self, Icon};

/// Longest message kept.
pub const MAX_MESSAGE: usize = 300;

#[derive(Debug, Clone, Default)]
pub struct Feedback {
    pub rating: Option<Rating>,
    pub message: String,
    pub keyboard: Keyboard,
    pub sent: bool,
    pub error: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Rate(Rating),
    Key(keyboard::Message),
    Send,
    Sent(Result<(), String>),
    Home,
}

impl Message {
    pub fn is_touch(&self) -> bool {
        match self {
            Message::Key(k) => k.is_touch(),
            Message::Rate(_) | Message::Send | Message::Home => true,
            Message::Sent(_) => false,
        }
    }
}

/// The face each level shows (the words say it too: colour is never the only cue).
pub fn rating_face(r: Rating) -> Icon {
    match r {
        Rating::VerySatisfied => Icon::VeryHappy,
        Rating::Satisfied => Icon::Happy,
        Rating::Basic => Icon::Neutral,
        Rating::Dissatisfied => Icon::Sad,
        Rating::VeryDissatisfied => Icon::VerySad,
    }
}

pub fn rating_key(r: Rating) -> &'static str {
    match r {
        Rating::VerySatisfied => "rating-5",
        Rating::Satisfied => "rating-4",
        Rating::Basic => "rating-3",
        Rating::Dissatisfied => "rating-2",
        Rating::VeryDissatisfied => "rating-1",
    }
}

impl Feedback {
    /// A message typed and not sent yet.
    pub fn holds_answers(&self) -> bool {
        let typed = !self.message.is_empty() || !self.keyboard.composing().is_empty();
        !self.sent && typed
    }

    /// A keyboard edit of the message.
    fn edit(&mut self, edit: Option<Edit>) {
        match edit {
            Some(Edit::Insert(s)) => {
                if self.message.chars().count() + s.chars().count() <= MAX_MESSAGE {
                    self.message.push_str(&s);
                }
            }
            Some(Edit::Backspace) => {
                self.message.pop();
            }
            Some(Edit::Clear) => self.message.clear(),
            Some(Edit::Done { rest }) => self.message.push_str(&rest),
            Some(Edit::Composing) | None => {}
        }
    }

    pub fn update(&mut self, message: Message, env: &Env) -> (Task<Message>, Option<Event>) {
        match message {
            Message::Rate(r) => self.rating = Some(r),
            Message::Key(k) => {
                let (edit, recognizing) = self.keyboard.update(k, &env.keyboard(crate::ime::Field::Text));
                self.edit(edit);
                return (recognizing.map(Message::Key), None);
            }
            Message::Send => {
                let Some(rating) = self.rating else { return (Task::none(), None) };
                let dir: PathBuf = env.data_dir.to_path_buf();
                let text = format!("{}{}", self.message, self.keyboard.composing());
                return (
                    Task::perform(
                        async move {
                            let store = Store::open(&dir).map_err(|e| e.to_string())?;
                            store.record_feedback(rating, Some(&text)).map_err(|e| e.to_string())
                        },
                        Message::Sent,
                    ),
                    None,
                );
            }
            Message::Sent(Ok(())) => {
                self.sent = true;
                self.message.clear();
                self.keyboard.reset();
            }
            Message::Sent(Err(e)) => {
                tracing::error!(error = %e, "feedback could not be stored");
                self.error = Some(e);
            }
            Message::Home => return (Task::none(), Some(Event::Open(Route::Home))),
        }
        (Task::none(), None)
    }

    pub fn view(&self, ctx: Ctx) -> Element<'_, Message> {
        let l = ctx.lang;
        let look = ctx.look;
        let p = look.palette();
        if self.sent {
            return widgets::finished(
                ctx,
                t(l, "feedback-thanks"),
                None,
                vec![widgets::action(ctx, t(l, "nav-home"), Some(Message::Home), true)],
            );
        }
        // five large buttons, each a face and its words
        let face = look.title() * 1.25;
        let ratings = Row::with_children(Rating::ALL.iter().map(|r| {
            let on = self.rating == Some(*r);
            let ink = if on { p.accent_ink } else { p.ink };
            widgets::tap(
                container(
                    column![widgets::icon(rating_face(*r), face, ink), text(t(l, rating_key(*r))).size(look.body())]
                        .spacing(6)
                        .align_x(Alignment::Center),
                )
                .center(Length::Fill),
                Some(Message::Rate(*r)),
            )
            .width(Length::FillPortion(1))
            .height(face + look.body() * 1.4 + 24.0)
            .padding(8)
            .style(theme::button_style(p, if on { theme::Button::Selected } else { theme::Button::Secondary }))
            .into()
        }))
        .spacing(look.gap());
        let shown = format!("{}{}", self.message, self.keyboard.composing());
        let message_box = container(
            text(if shown.is_empty() { t(l, "feedback-message-hint") } else { shown })
                .size(look.body())
                .color(if self.message.is_empty() && self.keyboard.composing().is_empty() { p.muted } else { p.ink }),
        )
        .padding(14)
        .width(Length::Fill)
        .height(look.target() * 1.5)
        .style(theme::card(p));
        let mut send = column![widgets::icon_action(
            ctx,
            Icon::Check,
            t(l, "feedback-send"),
            self.rating.map(|_| Message::Send),
            true
        )]
        .spacing(8)
        .width(Length::FillPortion(1));
        // the hint and a failure take the space beside the message: nothing moves the keyboard
        if self.rating.is_none() {
            send = send.push(widgets::muted(ctx, t(l, "feedback-choose")));
        }
        if self.error.is_some() {
            send = send.push(text(t(l, "feedback-failed")).size(look.small()).color(p.warn));
        }
        let message = column![widgets::muted(ctx, t(l, "feedback-message")), message_box]
            .spacing(6)
            .width(Length::FillPortion(if ctx.portrait { 2 } else { 3 }));
        let above = Column::new()
            .spacing(look.gap())
            .push(widgets::heading(ctx, t(l, "feedback-question")))
            .push(ratings)
            .push(iced::widget::row![message, send].spacing(look.gap()));
        keyboard::place(ctx, above, &self.keyboard, Message::Key)
    }
}
