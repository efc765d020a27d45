//! The on-screen keyboard: 拼音, ABC and 123 layouts, a candidate bar fed by [`crate::ime`], and
//! backspace, space, clear and done. It edits nothing itself: its `update` returns an [`Edit`]
//! for the screen that owns the text.
//!
//! Two parts kept apart: the [`Composer`] (pinyin being typed and the candidates it offers —
//! what any input panel needs, a handwriting pad included) and the keys' layout. Every input
//! panel sits in one fixed place, [`place`]: the bottom of the content area, full width,
//! [`panel_height`] high, on every screen and in both orientations, whatever the layout, the
//! candidates or anything shown above it. A handwriting pad of the same footprint can take the
//! keyboard's place there.

use iced::widget::{column, container, row, space, text};
use iced::{Alignment, Length};

use crate::config::Language;
use crate::ime::{Candidate, Lexicon};
use crate::ui::Element;
use crate::ui::context::Ctx;
use crate::ui::i18n::t;
use crate::ui::theme::{self, Look};
use crate::ui::widgets::tap;

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
/// Longest pinyin kept while composing.
const MAX_COMPOSING: usize = 40;
/// Rows of keys in every layout (the candidate bar, three rows of keys, the function row).
const ROWS: f32 = 5.0;
const GAP: f32 = 8.0;
const PADDING: f32 = 12.0;

/// The height of the input panel's place (the same for every layout and every screen).
pub fn panel_height(look: Look) -> f32 {
    ROWS * look.target() + (ROWS - 1.0) * GAP + 2.0 * PADDING
}

/// `above` fills the content area down to the input panel's fixed place, which holds `panel`.
/// Whatever `above` shows (results, candidates, a message) never moves the panel.
pub fn place<'a, M: 'a>(ctx: Ctx, above: impl Into<Element<'a, M>>, panel: Element<'a, M>) -> Element<'a, M> {
    let h = panel_height(ctx.look);
    column![
        container(above).width(Length::Fill).height(Length::Fill).clip(true),
        container(panel).width(Length::Fill).height(h).align_bottom(h),
    ]
    .spacing(ctx.look.gap())
    .height(Length::Fill)
    .into()
}

/// Pinyin typed but not yet turned into characters, and the candidates it offers.
#[derive(Debug, Clone, Default)]
pub struct Composer {
    pub composing: String,
    pub candidates: Vec<Candidate>,
    page: usize,
}

impl Composer {
    fn refresh(&mut self, lexicon: Option<&Lexicon>) {
        self.page = 0;
        self.candidates = match lexicon {
            Some(lx) if !self.composing.is_empty() => lx.candidates(&self.composing, MAX_CANDIDATES),
            _ => Vec::new(),
        };
    }

    /// A letter of pinyin.
    pub fn push(&mut self, c: char, lexicon: Option<&Lexicon>) {
        if self.composing.len() < MAX_COMPOSING {
            self.composing.push(c);
        }
        self.refresh(lexicon);
    }

    /// Takes back the last letter; false when nothing was being composed.
    pub fn pop(&mut self, lexicon: Option<&Lexicon>) -> bool {
        let popped = self.composing.pop().is_some();
        self.refresh(lexicon);
        popped
    }

    /// The candidate `i` of the page on show: its text, the pinyin it used dropped.
    pub fn pick(&mut self, i: usize, lexicon: Option<&Lexicon>) -> Option<String> {
        let c = self.candidates.get(self.page * PAGE + i).cloned()?;
        let consumed = c.consumed.min(self.composing.len());
        self.composing.drain(..consumed);
        self.refresh(lexicon);
        Some(c.text)
    }

    /// The next page of candidates (back to the first after the last).
    pub fn more(&mut self) {
        self.page = if (self.page + 1) * PAGE < self.candidates.len() { self.page + 1 } else { 0 };
    }

    /// The letters not turned into characters, kept as letters.
    pub fn take_rest(&mut self) -> String {
        let rest = std::mem::take(&mut self.composing);
        self.refresh(None);
        rest
    }

    /// The candidates on show.
    pub fn shown(&self) -> impl Iterator<Item = &Candidate> {
        self.candidates.iter().skip(self.page * PAGE).take(PAGE)
    }

    pub fn has_more(&self) -> bool {
        self.candidates.len() > PAGE
    }
}

#[derive(Debug, Clone, Default)]
pub struct Keyboard {
    pub layout: Layout,
    pub composer: Composer,
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

    /// Pinyin being typed.
    pub fn composing(&self) -> &str {
        &self.composer.composing
    }

    pub fn candidates(&self) -> &[Candidate] {
        &self.composer.candidates
    }

    pub fn update(&mut self, message: Message, lexicon: Option<&Lexicon>) -> Option<Edit> {
        let c = &mut self.composer;
        match message {
            Message::Letter(ch) if self.layout == Layout::Pinyin && ch.is_ascii_lowercase() => {
                c.push(ch, lexicon);
                Some(Edit::Composing)
            }
            Message::Letter(ch) => Some(Edit::Insert(ch.to_string())),
            Message::Backspace if c.pop(lexicon) => Some(Edit::Composing),
            Message::Backspace => Some(Edit::Backspace),
            Message::Space if !c.composing.is_empty() => c.pick(0, lexicon).map(Edit::Insert),
            Message::Space => Some(Edit::Insert(" ".into())),
            Message::Clear => {
                c.take_rest();
                Some(Edit::Clear)
            }
            // Pinyin left unconverted is kept as letters (search understands it).
            Message::Done => Some(Edit::Done { rest: c.take_rest() }),
            Message::Layout(l) => {
                // switching layout keeps unconverted pinyin as the letters that were typed
                self.layout = l;
                let rest = c.take_rest();
                (!rest.is_empty()).then_some(Edit::Insert(rest))
            }
            Message::Pick(i) => c.pick(i, lexicon).map(Edit::Insert),
            Message::MoreCandidates => {
                c.more();
                None
            }
        }
    }

    /// Forgets what was being typed (idle reset, leaving a screen).
    pub fn reset(&mut self) {
        self.composer = Composer::default();
    }

    /// The keyboard, `width` wide and [`panel_height`] high, whatever its layout.
    pub fn view(&self, look: Look, lang: Language, width: f32) -> Element<'_, Message> {
        let p = look.palette();
        let h = look.target();
        let inner = width - 2.0 * PADDING;
        let key_w = ((inner - 9.0 * GAP) / 10.0).clamp(h, 120.0);
        // every key: a label, what it sends, its width, its text size and its role
        let key_with = |label: String, msg: Message, w: f32, size: f32, role: theme::Button| -> Element<'_, Message> {
            tap(container(text(label).size(size)).center(Length::Fill), Some(msg))
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
            .spacing(GAP)
            .height(h)
            .into()
        };

        let mut rows = column![self.candidate_bar(look, lang, inner)].spacing(GAP).align_x(Alignment::Center);
        match self.layout {
            Layout::Pinyin | Layout::Abc => {
                rows = rows.push(letters("qwertyuiop")).push(letters("asdfghjkl")).push(letters("zxcvbnm"));
            }
            Layout::Digits => {
                // the third row is left empty: the keys below stay where they are in every layout
                rows = rows.push(letters("1234567890")).push(letters("x-@._/#")).push(space().height(h));
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
            .spacing(GAP),
        );
        container(rows)
            .padding(PADDING)
            .width(width)
            .height(panel_height(look))
            .align_x(Alignment::Center)
            .style(theme::card(p))
            .into()
    }

    /// The pinyin being typed and its candidates; in ABC and 123 a word on what the keys type.
    /// Always one row high, so the keys never move.
    fn candidate_bar(&self, look: Look, lang: Language, width: f32) -> Element<'_, Message> {
        let p = look.palette();
        let h = look.target();
        let c = &self.composer;
        let mut bar =
            row![container(text(c.composing.clone()).size(look.body()).color(p.muted)).width(160).center_y(h)]
                .spacing(GAP)
                .align_y(Alignment::Center);
        if c.composing.is_empty() {
            let hint = match self.layout {
                Layout::Pinyin => "kb-hint",
                Layout::Abc => "kb-hint-abc",
                Layout::Digits => "kb-hint-digits",
            };
            bar = bar.push(text(t(lang, hint)).size(look.small()).color(p.muted));
        }
        for (i, cand) in c.shown().enumerate() {
            bar = bar.push(
                tap(
                    container(text(cand.text.clone()).size(look.heading())).center_y(Length::Fill),
                    Some(Message::Pick(i)),
                )
                .height(h)
                .padding([0, 14])
                .style(theme::button_style(p, if i == 0 { theme::Button::Selected } else { theme::Button::Secondary })),
            );
        }
        if c.has_more() {
            bar = bar.push(
                tap(
                    container(text(t(lang, "kb-more")).size(look.body())).center_y(Length::Fill),
                    Some(Message::MoreCandidates),
                )
                .height(h)
                .padding([0, 14])
                .style(theme::button_style(p, theme::Button::Secondary)),
            );
        }
        container(bar).width(width).height(h).clip(true).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switching_layout_keeps_unconverted_pinyin_as_letters() {
        let mut k = Keyboard::default();
        for c in "lnzc".chars() {
            assert_eq!(k.update(Message::Letter(c), None), Some(Edit::Composing));
        }
        assert_eq!(k.update(Message::Layout(Layout::Abc), None), Some(Edit::Insert("lnzc".into())));
        assert_eq!(k.composing(), "");
        // ABC types capitals as they are; back in 拼音 nothing typed is lost or converted
        assert_eq!(k.update(Message::Letter('A'), None), Some(Edit::Insert("A".into())));
        assert_eq!(k.update(Message::Layout(Layout::Pinyin), None), None);
        assert_eq!(k.update(Message::Letter('z'), None), Some(Edit::Composing));
        assert_eq!(k.update(Message::Layout(Layout::Digits), None), Some(Edit::Insert("z".into())));
    }

    #[test]
    fn the_panel_is_as_high_in_every_layout() {
        for large in [false, true] {
            let look = Look { large, contrast: false };
            assert_eq!(panel_height(look), 5.0 * look.target() + 4.0 * GAP + 2.0 * PADDING);
        }
    }
}
