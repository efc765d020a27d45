//! The on-screen keyboard: 拼音, ABC and 123 layouts, a candidate bar fed by [`crate::ime`], and
//! backspace, space, clear and done. It edits nothing itself: its `update` returns an [`Edit`]
//! for the screen that owns the text.

use iced::widget::{button, column, container, row, text};
use iced::{Alignment, Length};

use crate::config::Language;
use crate::ime::{Candidate, Lexicon};
use crate::ui::Element;
use crate::ui::i18n::t;
use crate::ui::theme::{self, Look};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    #[default]
    Pinyin,
    Abc,
    Digits,
}

/// Candidates shown at once; "more" pages through the rest.
const PAGE: usize = 8;
/// Candidates computed per keystroke.
const MAX_CANDIDATES: usize = 64;

#[derive(Debug, Clone, Default)]
pub struct Keyboard {
    pub layout: Layout,
    /// Pinyin typed but not yet turned into characters.
    pub composing: String,
    pub candidates: Vec<Candidate>,
    page: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Letter(char),
    Backspace,
    Space,
    Clear,
    Done,
    Layout(Layout),
    Pick(usize),
    MoreCandidates,
}

/// What the owner of the text should do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    Insert(String),
    Backspace,
    Clear,
    /// Finished: append `rest` (pinyin not turned into characters) and act on the text.
    Done {
        rest: String,
    },
    /// Only the composing pinyin changed.
    Composing,
}

impl Keyboard {
    pub fn with_layout(layout: Layout) -> Self {
        Self { layout, ..Self::default() }
    }

    pub fn update(&mut self, message: Message, lexicon: Option<&Lexicon>) -> Option<Edit> {
        let edit = match message {
            Message::Letter(c) if self.layout == Layout::Pinyin && c.is_ascii_lowercase() => {
                if self.composing.len() < 40 {
                    self.composing.push(c);
                }
                Some(Edit::Composing)
            }
            Message::Letter(c) => Some(Edit::Insert(c.to_string())),
            Message::Backspace if !self.composing.is_empty() => {
                self.composing.pop();
                Some(Edit::Composing)
            }
            Message::Backspace => Some(Edit::Backspace),
            Message::Space if !self.composing.is_empty() => return self.update(Message::Pick(0), lexicon),
            Message::Space => Some(Edit::Insert(" ".into())),
            Message::Clear => {
                self.composing.clear();
                Some(Edit::Clear)
            }
            Message::Done => {
                // Pinyin left unconverted is kept as letters (search understands it).
                let rest = std::mem::take(&mut self.composing);
                Some(Edit::Done { rest })
            }
            Message::Layout(l) => {
                self.layout = l;
                let rest = std::mem::take(&mut self.composing);
                self.refresh(lexicon);
                return (!rest.is_empty()).then_some(Edit::Insert(rest));
            }
            Message::Pick(i) => {
                let c = self.candidates.get(self.page * PAGE + i).cloned()?;
                let consumed = c.consumed.min(self.composing.len());
                self.composing.drain(..consumed);
                self.refresh(lexicon);
                return Some(Edit::Insert(c.text));
            }
            Message::MoreCandidates => {
                self.page = if (self.page + 1) * PAGE < self.candidates.len() { self.page + 1 } else { 0 };
                return None;
            }
        };
        self.refresh(lexicon);
        edit
    }

    fn refresh(&mut self, lexicon: Option<&Lexicon>) {
        self.page = 0;
        self.candidates = match lexicon {
            Some(lx) if !self.composing.is_empty() => lx.candidates(&self.composing, MAX_CANDIDATES),
            _ => Vec::new(),
        };
    }

    /// Forgets what was being typed (idle reset, leaving a screen).
    pub fn reset(&mut self) {
        self.composing.clear();
        self.candidates.clear();
        self.page = 0;
    }

    pub fn view(&self, look: Look, lang: Language, width: f32) -> Element<'_, Message> {
        let p = look.palette();
        let h = look.target();
        let gap = 8.0;
        let key_w = ((width - 9.0 * gap) / 10.0).clamp(h, 120.0);
        // every key: a label, what it sends, its width, its text size and its role
        let key_with = |label: String, msg: Message, w: f32, size: f32, role: theme::Button| -> Element<'_, Message> {
            button(container(text(label).size(size)).center(Length::Fill))
                .on_press(msg)
                .width(w)
                .height(h)
                .padding(0)
                .style(theme::button_style(p, role))
                .into()
        };
        let key =
            |label: String, msg: Message, w: f32| key_with(label, msg, w, look.heading(), theme::Button::Secondary);
        let letters = |keys: &str| -> Element<'_, Message> {
            row(keys.chars().map(|c| {
                let shown = if self.layout == Layout::Abc { c.to_ascii_uppercase() } else { c };
                key(shown.to_string(), Message::Letter(if self.layout == Layout::Abc { shown } else { c }), key_w)
            }))
            .spacing(gap)
            .into()
        };

        let mut rows = column![].spacing(gap).align_x(Alignment::Center);
        if self.layout == Layout::Pinyin {
            rows = rows.push(self.candidate_bar(look, lang, width));
        }
        match self.layout {
            Layout::Pinyin | Layout::Abc => {
                rows = rows.push(letters("qwertyuiop")).push(letters("asdfghjkl")).push(letters("zxcvbnm"));
            }
            Layout::Digits => {
                rows = rows.push(letters("1234567890")).push(letters("x-@._/#"));
            }
        }
        let layout_button = |l: Layout, key_name: &'static str| {
            let role = if self.layout == l { theme::Button::Selected } else { theme::Button::Secondary };
            key_with(t(lang, key_name), Message::Layout(l), key_w * 1.3, look.body(), role)
        };
        let wide = |label: String, msg: Message, w: f32| key_with(label, msg, w, look.body(), theme::Button::Secondary);
        rows = rows.push(
            row![
                layout_button(Layout::Pinyin, "kb-pinyin"),
                layout_button(Layout::Abc, "kb-abc"),
                layout_button(Layout::Digits, "kb-digits"),
                wide(t(lang, "kb-space"), Message::Space, key_w * 2.0),
                wide(t(lang, "kb-backspace"), Message::Backspace, key_w * 1.3),
                wide(t(lang, "kb-clear"), Message::Clear, key_w * 1.2),
                key_with(t(lang, "kb-done"), Message::Done, key_w * 1.3, look.body(), theme::Button::Primary),
            ]
            .spacing(gap),
        );
        container(rows).padding(12).width(Length::Fill).align_x(Alignment::Center).style(theme::card(p)).into()
    }

    fn candidate_bar(&self, look: Look, lang: Language, width: f32) -> Element<'_, Message> {
        let p = look.palette();
        let h = look.target();
        let mut bar =
            row![container(text(self.composing.clone()).size(look.body()).color(p.muted)).width(160).center_y(h)]
                .spacing(8)
                .align_y(Alignment::Center);
        if self.composing.is_empty() {
            bar = bar.push(text(t(lang, "kb-hint")).size(look.small()).color(p.muted));
        }
        for (i, c) in self.candidates.iter().skip(self.page * PAGE).take(PAGE).enumerate() {
            bar = bar.push(
                button(container(text(c.text.clone()).size(look.heading())).center_y(Length::Fill))
                    .on_press(Message::Pick(i))
                    .height(h)
                    .padding([0, 14])
                    .style(theme::button_style(
                        p,
                        if i == 0 { theme::Button::Selected } else { theme::Button::Secondary },
                    )),
            );
        }
        if self.candidates.len() > PAGE {
            bar = bar.push(
                button(container(text(t(lang, "kb-more")).size(look.body())).center_y(Length::Fill))
                    .on_press(Message::MoreCandidates)
                    .height(h)
                    .padding([0, 14])
                    .style(theme::button_style(p, theme::Button::Secondary)),
            );
        }
        container(bar).width(width).height(h).clip(true).into()
    }
}
