//! The on-screen keyboard: 拼音, ABC and 123 layouts, a candidate bar fed by [`crate::ime`]
//! (pages forward and back; in 繁體 the candidates are shown and typed in traditional
//! characters), backspace, space, clear and done — and, where zinnia and its model are
//! installed, a handwriting pad in the keys' place ("手写"). It edits nothing itself: its
//! `update` returns an [`Edit`] for the screen that owns the text (and a task: recognition runs
//! off the UI thread).
//!
//! Two parts kept apart: the [`Composer`] (pinyin being typed and the candidates it offers) and
//! what the panel shows — the keys, or the pad ([`Pad`]: the strokes drawn and zinnia's guesses).
//! Every input panel sits in one fixed place, [`place`]: the bottom of the content area, full
//! width, [`panel_height`] high, on every screen and in both orientations, whatever the layout,
//! the candidates or anything shown above it. In landscape the pad has the same footprint; in
//! portrait, where the screen is tall, the pad rises higher ([`Keyboard::height`]): an elderly
//! visitor writes big with one finger, and its buttons go in two rows under it.

use std::sync::Arc;

use iced::widget::{Row, column, container, row, space, text};
use iced::{Alignment, Length, Task};

use crate::config::Language;
use crate::handwriting::{self, Recognizer, Stroke};
use crate::ime::{Candidate, Field, Lexicon};
use crate::ui::Element;
use crate::ui::context::Ctx;
use crate::ui::i18n::{t, to_traditional};
use crate::ui::theme::{self, Look};
use crate::ui::widgets::{handwriting as pad_widget, tap};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    #[default]
    Pinyin,
    Abc,
    Digits,
}

/// Candidates computed per keystroke.
const MAX_CANDIDATES: usize = 64;
/// Longest pinyin kept while composing.
const MAX_COMPOSING: usize = 40;
/// Rows of keys in every layout (the candidate bar, three rows of keys, the function row).
const ROWS: f32 = 5.0;
const GAP: f32 = 8.0;
const PADDING: f32 = 12.0;
/// The pinyin being typed, at the start of the candidate bar.
const COMPOSING_WIDTH: f32 = 160.0;
/// A candidate button's padding left and right.
const CANDIDATE_PADDING: f32 = 14.0;

/// The height of the input panel's place (the same for every layout and every screen).
pub fn panel_height(look: Look) -> f32 {
    ROWS * look.target() + (ROWS - 1.0) * GAP + 2.0 * PADDING
}

/// The writing area's height: in landscape as high as the keys it replaces; in portrait 45 % of
/// the content area, at most as high as the panel is wide.
pub fn pad_height(ctx: Ctx) -> f32 {
    let keys = 4.0 * ctx.look.target() + 3.0 * GAP;
    if ctx.portrait { (0.45 * ctx.height).min(ctx.width - 2.0 * PADDING).max(keys) } else { keys }
}

/// The writing area's size as the panel lays it out: as wide as the panel inside its padding,
/// less (in landscape) the buttons at its right.
pub fn pad_size(ctx: Ctx) -> iced::Size {
    let inner = ctx.width - 2.0 * PADDING;
    let width = if ctx.portrait {
        inner
    } else {
        let key_w = ((inner - 9.0 * GAP) / 10.0).clamp(ctx.look.target(), 120.0);
        inner - 2.0 * GAP - (2.0 * key_w * 1.6 + GAP)
    };
    iced::Size::new(width.max(1.0), pad_height(ctx))
}

/// Strokes recorded on a 100 × 100 square placed where a finger would write them: a square 80 %
/// as high as the pad, in its middle, in the pad's own coordinates (what the pad sends).
pub fn drawn_on_pad(strokes: &[Stroke], ctx: Ctx) -> Vec<Stroke> {
    let pad = pad_size(ctx);
    let side = 0.8 * pad.height.min(pad.width);
    let (x0, y0) = ((pad.width - side) / 2.0, (pad.height - side) / 2.0);
    strokes.iter().map(|s| s.iter().map(|&(x, y)| (x0 + x / 100.0 * side, y0 + y / 100.0 * side)).collect()).collect()
}

/// `above` fills the content area down to the input panel's fixed place, which holds the
/// `keyboard` (its messages wrapped by `to`). Whatever `above` shows (results, candidates, a
/// message) never moves the panel.
pub fn place<'a, M: 'a>(
    ctx: Ctx,
    above: impl Into<Element<'a, M>>,
    keyboard: &'a Keyboard,
    to: fn(Message) -> M,
) -> Element<'a, M> {
    let h = keyboard.height(ctx);
    column![
        container(above).width(Length::Fill).height(Length::Fill).clip(true),
        container(keyboard.view(ctx).map(to)).width(Length::Fill).height(h).align_bottom(h),
    ]
    .spacing(ctx.look.gap())
    .height(Length::Fill)
    .into()
}

/// What the keyboard needs from the screen for one message: the dictionary, the handwriting
/// recognizer (None: no pad), what the text is for (a name field puts surnames first), and the
/// view's context (language, sizes: the candidate bar's pages depend on them).
pub struct Context<'a> {
    pub lexicon: Option<&'a Lexicon>,
    pub recognizer: Option<&'a Arc<Recognizer>>,
    pub field: Field,
    pub ctx: Ctx,
}

/// The bar's width for candidates (left of them: the pinyin being typed; the page buttons).
fn bar_room(ctx: Ctx) -> f32 {
    ctx.width - 2.0 * PADDING - COMPOSING_WIDTH - GAP - 2.0 * (page_button_width(ctx.look) + GAP)
}

fn page_button_width(look: Look) -> f32 {
    3.0 * look.body() + 2.0 * CANDIDATE_PADDING
}

/// How a candidate reads on screen (and is typed): in 繁體, in traditional characters.
fn shown_text(text: &str, lang: Language) -> String {
    if lang == Language::ZhHant { to_traditional(text) } else { text.to_string() }
}

/// How wide a candidate's button is (CJK characters are one em wide).
fn candidate_width(text: &str, look: Look) -> f32 {
    text.chars().count() as f32 * look.heading() + 2.0 * CANDIDATE_PADDING + 4.0
}

/// How many of `items` from the start fit in `room` (at least one).
fn fitting<'a>(items: impl Iterator<Item = &'a str>, look: Look, room: f32) -> usize {
    let mut used = 0.0;
    let mut n = 0;
    for text in items {
        used += candidate_width(text, look) + GAP;
        if used > room && n > 0 {
            break;
        }
        n += 1;
    }
    n
}

/// Pinyin typed but not yet turned into characters, and the candidates it offers, a page at a
/// time: as many as fit in the bar, forward with "更多" and back with "上一页".
#[derive(Debug, Clone, Default)]
pub struct Composer {
    pub composing: String,
    pub candidates: Vec<Candidate>,
    /// The first candidate on show, and where each earlier page started.
    start: usize,
    earlier: Vec<usize>,
}

impl Composer {
    fn refresh(&mut self, cx: &Context, field: Field) {
        self.start = 0;
        self.earlier.clear();
        self.candidates = match cx.lexicon {
            Some(lx) if !self.composing.is_empty() => lx.candidates_for(&self.composing, field, MAX_CANDIDATES),
            _ => Vec::new(),
        };
    }

    /// A letter of pinyin.
    pub fn push(&mut self, c: char, cx: &Context) {
        if self.composing.len() < MAX_COMPOSING {
            self.composing.push(c);
        }
        self.refresh(cx, cx.field);
    }

    /// Takes back the last letter; false when nothing was being composed.
    pub fn pop(&mut self, cx: &Context) -> bool {
        let popped = self.composing.pop().is_some();
        self.refresh(cx, cx.field);
        popped
    }

    /// The candidate `i` of the page on show: its text as the visitor sees it, the pinyin it
    /// used dropped. What is left is offered as the next part of the text (in a name field:
    /// the given name, after the surname).
    pub fn pick(&mut self, i: usize, cx: &Context) -> Option<String> {
        if i >= self.on_page(cx.ctx) {
            return None;
        }
        let c = self.candidates.get(self.start + i).cloned()?;
        let consumed = c.consumed.min(self.composing.len());
        self.composing.drain(..consumed);
        let next = match cx.field {
            Field::Name { .. } => Field::Name { first: false },
            f => f,
        };
        self.refresh(cx, next);
        Some(shown_text(&c.text, cx.ctx.lang))
    }

    /// How many candidates the page on show holds.
    fn on_page(&self, ctx: Ctx) -> usize {
        let rest = self.candidates.get(self.start..).unwrap_or_default();
        let texts: Vec<String> = rest.iter().map(|c| shown_text(&c.text, ctx.lang)).collect();
        fitting(texts.iter().map(String::as_str), ctx.look, bar_room(ctx)).min(rest.len())
    }

    /// The next page of candidates.
    pub fn more(&mut self, ctx: Ctx) {
        let next = self.start + self.on_page(ctx);
        if next < self.candidates.len() {
            self.earlier.push(self.start);
            self.start = next;
        }
    }

    /// The page before.
    pub fn fewer(&mut self) {
        if let Some(s) = self.earlier.pop() {
            self.start = s;
        }
    }

    /// The letters not turned into characters, kept as letters.
    pub fn take_rest(&mut self) -> String {
        let rest = std::mem::take(&mut self.composing);
        self.candidates.clear();
        self.start = 0;
        self.earlier.clear();
        rest
    }

    /// The candidates on show.
    pub fn shown(&self, ctx: Ctx) -> impl Iterator<Item = &Candidate> {
        self.candidates.iter().skip(self.start).take(self.on_page(ctx))
    }

    /// Whether there are pages (forward or back).
    pub fn paged(&self, ctx: Ctx) -> bool {
        self.start > 0 || self.on_page(ctx) < self.candidates.len()
    }

    pub fn has_more(&self, ctx: Ctx) -> bool {
        self.start + self.on_page(ctx) < self.candidates.len()
    }

    pub fn has_fewer(&self) -> bool {
        self.start > 0
    }
}

/// The handwriting pad in the keys' place: the strokes of the character being written and
/// zinnia's guesses for them.
#[derive(Debug, Clone, Default)]
pub struct Pad {
    pub strokes: Vec<Stroke>,
    pub guesses: Vec<char>,
    /// Counts recognitions asked for: only the answer to the latest is shown.
    asked: u64,
}

#[derive(Debug, Clone, Default)]
pub struct Keyboard {
    pub layout: Layout,
    pub composer: Composer,
    /// The handwriting pad is shown instead of the keys.
    pub pad: Option<Pad>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Letter(char),
    Backspace,
    Space,
    Clear,
    Done,
    Layout(Layout),
    Pick(usize),
    MoreCandidates,
    FewerCandidates,
    /// "手写": the pad in the keys' place; and back to the keys.
    Write,
    Keys,
    /// A stroke drawn on the pad (in the pad's own coordinates).
    Stroke(Stroke),
    UndoStroke,
    ClearPad,
    /// zinnia's guesses for the strokes of recognition `n` (a task's result).
    Guesses(u64, Vec<char>),
    PickGuess(usize),
}

impl Message {
    /// Whether the visitor's hand sent it (a recognition's result is not).
    pub fn is_touch(&self) -> bool {
        !matches!(self, Message::Guesses(..))
    }
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

    /// Runs a key or a stroke; the task (a recognition) answers with [`Message::Guesses`].
    pub fn update(&mut self, message: Message, cx: &Context) -> (Option<Edit>, Task<Message>) {
        let c = &mut self.composer;
        let edit = match message {
            Message::Letter(ch) if self.layout == Layout::Pinyin && ch.is_ascii_lowercase() => {
                c.push(ch, cx);
                Some(Edit::Composing)
            }
            Message::Letter(ch) => Some(Edit::Insert(ch.to_string())),
            Message::Backspace if c.pop(cx) => Some(Edit::Composing),
            Message::Backspace => Some(Edit::Backspace),
            Message::Space if !c.composing.is_empty() => c.pick(0, cx).map(Edit::Insert),
            Message::Space => Some(Edit::Insert(" ".into())),
            Message::Clear => {
                c.take_rest();
                Some(Edit::Clear)
            }
            // Pinyin left unconverted is kept as letters (search understands it); a character
            // written on the pad but not picked is taken as its first guess (what a visitor who
            // writes and taps 完成 means)
            Message::Done => {
                let mut rest = c.take_rest();
                if let Some(pad) = self.pad.as_mut().filter(|p| !p.strokes.is_empty())
                    && let Some(g) = pad.guesses.first().copied()
                {
                    *pad = Pad { asked: pad.asked + 1, ..Pad::default() };
                    rest.push_str(&shown_text(&g.to_string(), cx.ctx.lang));
                }
                Some(Edit::Done { rest })
            }
            Message::Layout(l) => {
                // switching layout keeps unconverted pinyin as the letters that were typed
                self.layout = l;
                let rest = c.take_rest();
                (!rest.is_empty()).then_some(Edit::Insert(rest))
            }
            Message::Pick(i) => c.pick(i, cx).map(Edit::Insert),
            Message::MoreCandidates => {
                c.more(cx.ctx);
                None
            }
            Message::FewerCandidates => {
                c.fewer();
                None
            }
            Message::Write if cx.recognizer.is_some() => {
                // pinyin being typed is kept as letters, as when the layout changes
                let rest = c.take_rest();
                self.pad = Some(Pad::default());
                (!rest.is_empty()).then_some(Edit::Insert(rest))
            }
            Message::Write => None,
            Message::Keys => {
                self.pad = None;
                None
            }
            Message::Stroke(stroke) => {
                let Some(pad) = &mut self.pad else { return (None, Task::none()) };
                pad.strokes.push(stroke);
                return (None, pad.recognize(cx));
            }
            Message::UndoStroke => {
                let Some(pad) = &mut self.pad else { return (None, Task::none()) };
                pad.strokes.pop();
                return (None, pad.recognize(cx));
            }
            Message::ClearPad => {
                if let Some(pad) = &mut self.pad {
                    *pad = Pad { asked: pad.asked + 1, ..Pad::default() };
                }
                None
            }
            Message::Guesses(n, guesses) => {
                if let Some(pad) = self.pad.as_mut().filter(|p| p.asked == n) {
                    pad.guesses = guesses;
                }
                None
            }
            Message::PickGuess(i) => {
                let pad = self.pad.as_mut().filter(|p| !p.strokes.is_empty());
                match pad.and_then(|p| p.guesses.get(i).copied().map(|g| (p, g))) {
                    Some((pad, g)) => {
                        // the character is written: the pad is ready for the next one
                        *pad = Pad { asked: pad.asked + 1, ..Pad::default() };
                        Some(Edit::Insert(shown_text(&g.to_string(), cx.ctx.lang)))
                    }
                    None => None,
                }
            }
        };
        (edit, Task::none())
    }

    /// Forgets what was being typed or drawn (idle reset, leaving a screen).
    pub fn reset(&mut self) {
        self.composer = Composer::default();
        self.pad = None;
    }

    /// The panel's height: [`panel_height`] for the keys in every layout and for the pad in
    /// landscape; in portrait the pad's taller panel (its guesses, [`pad_height`], two rows of
    /// buttons).
    pub fn height(&self, ctx: Ctx) -> f32 {
        let h = ctx.look.target();
        match &self.pad {
            Some(_) if ctx.portrait => 2.0 * PADDING + 3.0 * h + pad_height(ctx) + 3.0 * GAP,
            _ => panel_height(ctx.look),
        }
    }

    /// The keyboard (or the pad), as wide as the content area and [`Keyboard::height`] high,
    /// whatever its layout.
    pub fn view<'a>(&'a self, ctx: Ctx) -> Element<'a, Message> {
        let look = ctx.look;
        let lang = ctx.lang;
        let p = look.palette();
        let h = look.target();
        let width = ctx.width;
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
        let wide = |label: String, msg: Message, w: f32| key_with(label, msg, w, look.body(), theme::Button::Secondary);
        let done = |w: f32| key_with(t(lang, "kb-done"), Message::Done, w, look.body(), theme::Button::Primary);
        let panel = |rows: Element<'a, Message>| -> Element<'a, Message> {
            container(rows)
                .padding(PADDING)
                .width(width)
                .height(self.height(ctx))
                .align_x(Alignment::Center)
                .style(theme::card(p))
                .into()
        };

        if let Some(pad) = &self.pad {
            let pad_h = pad_height(ctx);
            let area = pad_widget::pad(&pad.strokes, p, t(lang, "hw-hint"), look.heading(), Message::Stroke);
            if ctx.portrait {
                // a tall screen: the guesses, the writing area across the whole width, and its
                // buttons in two rows of three under it
                let button_w = (inner - 2.0 * GAP) / 3.0;
                let rows = column![
                    self.guess_bar(ctx, pad, inner),
                    container(area).width(Length::Fill).height(pad_h),
                    row![
                        wide(t(lang, "hw-undo"), Message::UndoStroke, button_w),
                        wide(t(lang, "hw-clear"), Message::ClearPad, button_w),
                        wide(t(lang, "kb-backspace"), Message::Backspace, button_w),
                    ]
                    .spacing(GAP),
                    row![
                        wide(t(lang, "kb-space"), Message::Space, button_w),
                        wide(t(lang, "hw-keys"), Message::Keys, button_w),
                        done(button_w),
                    ]
                    .spacing(GAP),
                ]
                .spacing(GAP);
                return panel(rows.into());
            }
            // landscape: its guesses where the candidates are, the writing area where the keys
            // are, and its buttons at the right in three rows
            let button_w = key_w * 1.6;
            let buttons = column![
                row![
                    wide(t(lang, "hw-undo"), Message::UndoStroke, button_w),
                    wide(t(lang, "hw-clear"), Message::ClearPad, button_w)
                ]
                .spacing(GAP),
                row![
                    wide(t(lang, "kb-backspace"), Message::Backspace, button_w),
                    wide(t(lang, "kb-space"), Message::Space, button_w)
                ]
                .spacing(GAP),
                row![wide(t(lang, "hw-keys"), Message::Keys, button_w), done(button_w)].spacing(GAP),
            ]
            .spacing(GAP);
            let rows = column![
                self.guess_bar(ctx, pad, inner),
                row![container(area).width(Length::Fill).height(pad_h), container(buttons).align_bottom(pad_h)]
                    .spacing(GAP * 2.0)
                    .height(pad_h),
            ]
            .spacing(GAP);
            return panel(rows.into());
        }

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

        let mut rows = column![self.candidate_bar(ctx, inner)].spacing(GAP).align_x(Alignment::Center);
        match self.layout {
            Layout::Pinyin | Layout::Abc => {
                rows = rows.push(letters("qwertyuiop")).push(letters("asdfghjkl")).push(letters("zxcvbnm"));
            }
            Layout::Digits => {
                // the third row is left empty: the keys below stay where they are in every layout
                rows = rows.push(letters("1234567890")).push(letters("x-@._/#")).push(space().height(h));
            }
        }
        let layout_button = |l: Layout, key_name: &'static str, w: f32| {
            let role = if self.layout == l { theme::Button::Selected } else { theme::Button::Secondary };
            key_with(t(lang, key_name), Message::Layout(l), w, look.body(), role)
        };
        // with the pad on offer, its key takes some of the others' width: the row stays as wide
        let mut function = Row::new().spacing(GAP);
        if ctx.handwriting {
            function = function
                .push(layout_button(Layout::Pinyin, "kb-pinyin", key_w * 1.2))
                .push(layout_button(Layout::Abc, "kb-abc", key_w * 1.1))
                .push(layout_button(Layout::Digits, "kb-digits", key_w * 1.1))
                .push(key_with(t(lang, "kb-write"), Message::Write, key_w * 1.2, look.body(), theme::Button::Secondary))
                .push(wide(t(lang, "kb-space"), Message::Space, key_w * 1.5))
                .push(wide(t(lang, "kb-backspace"), Message::Backspace, key_w * 1.3))
                .push(wide(t(lang, "kb-clear"), Message::Clear, key_w * 1.1))
                .push(done(key_w * 1.3));
        } else {
            function = function
                .push(layout_button(Layout::Pinyin, "kb-pinyin", key_w * 1.3))
                .push(layout_button(Layout::Abc, "kb-abc", key_w * 1.3))
                .push(layout_button(Layout::Digits, "kb-digits", key_w * 1.3))
                .push(wide(t(lang, "kb-space"), Message::Space, key_w * 2.0))
                .push(wide(t(lang, "kb-backspace"), Message::Backspace, key_w * 1.3))
                .push(wide(t(lang, "kb-clear"), Message::Clear, key_w * 1.2))
                .push(done(key_w * 1.3));
        }
        panel(rows.push(function).into())
    }

    /// A button of the candidate bar (a candidate, a guess, a page button).
    fn bar_button<'a>(ctx: Ctx, label: String, size: f32, msg: Option<Message>, first: bool) -> Element<'a, Message> {
        let p = ctx.look.palette();
        tap(container(text(label).size(size)).center_y(Length::Fill), msg)
            .height(ctx.look.target())
            .padding([0.0, CANDIDATE_PADDING])
            .style(theme::button_style(p, if first { theme::Button::Selected } else { theme::Button::Secondary }))
            .into()
    }

    /// The pinyin being typed and its candidates, with the page buttons when there are more
    /// than fit; in ABC and 123 a word on what the keys type. Always one row high, so the keys
    /// never move.
    fn candidate_bar(&self, ctx: Ctx, width: f32) -> Element<'_, Message> {
        let (look, lang) = (ctx.look, ctx.lang);
        let p = look.palette();
        let h = look.target();
        let c = &self.composer;
        let mut bar = row![
            container(text(c.composing.clone()).size(look.body()).color(p.muted)).width(COMPOSING_WIDTH).center_y(h)
        ]
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
        if c.paged(ctx) {
            let page = |key: &str, msg: Option<Message>| {
                container(Self::bar_button(ctx, t(lang, key), look.body(), msg, false))
                    .width(page_button_width(look))
                    .center_x(page_button_width(look))
            };
            bar = bar
                .push(page("kb-fewer", c.has_fewer().then_some(Message::FewerCandidates)))
                .push(page("kb-more", c.has_more(ctx).then_some(Message::MoreCandidates)));
        }
        for (i, cand) in c.shown(ctx).enumerate() {
            let label = shown_text(&cand.text, lang);
            bar =
                bar.push(Self::bar_button(ctx, label, look.heading(), Some(Message::Pick(i)), i == 0 && c.start == 0));
        }
        container(bar).width(width).height(h).clip(true).into()
    }

    /// The pad's guesses, best first, or a word on what to do.
    fn guess_bar<'a>(&self, ctx: Ctx, pad: &'a Pad, width: f32) -> Element<'a, Message> {
        let (look, lang) = (ctx.look, ctx.lang);
        let p = look.palette();
        let mut bar = Row::new().spacing(GAP).align_y(Alignment::Center);
        if pad.strokes.is_empty() || pad.guesses.is_empty() {
            bar = bar.push(text(t(lang, "hw-guess-hint")).size(look.small()).color(p.muted));
        } else {
            let texts: Vec<String> = pad.guesses.iter().map(|g| shown_text(&g.to_string(), lang)).collect();
            let n = fitting(texts.iter().map(String::as_str), look, width);
            for (i, g) in texts.into_iter().take(n).enumerate() {
                bar = bar.push(Self::bar_button(ctx, g, look.heading(), Some(Message::PickGuess(i)), i == 0));
            }
        }
        container(bar).width(width).height(look.target()).center_y(look.target()).clip(true).into()
    }
}

impl Pad {
    /// Asks zinnia, in a task, for the strokes drawn so far (nothing drawn: no guesses).
    fn recognize(&mut self, cx: &Context) -> Task<Message> {
        self.asked += 1;
        let n = self.asked;
        self.guesses.clear();
        let Some(recognizer) = cx.recognizer.cloned() else { return Task::none() };
        if self.strokes.is_empty() {
            return Task::none();
        }
        let strokes = self.strokes.clone();
        let height = pad_height(cx.ctx);
        Task::perform(
            async move {
                recognizer
                    .recognize_drawing(&strokes, height, handwriting::GUESSES)
                    .into_iter()
                    .map(|g| g.character)
                    .collect()
            },
            move |guesses| Message::Guesses(n, guesses),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(lang: Language) -> Ctx {
        Ctx {
            look: Look { large: false, contrast: false },
            lang,
            portrait: false,
            width: 1840.0,
            height: 900.0,
            handwriting: false,
        }
    }

    /// A key: what it does to the text (its task, a recognition, is not run here).
    fn press(k: &mut Keyboard, cx: &Context, m: Message) -> Option<Edit> {
        k.update(m, cx).0
    }

    fn cx(lexicon: Option<&Lexicon>, lang: Language) -> Context<'_> {
        Context { lexicon, recognizer: None, field: Field::Text, ctx: ctx(lang) }
    }

    #[test]
    fn switching_layout_keeps_unconverted_pinyin_as_letters() {
        let mut k = Keyboard::default();
        let cx = cx(None, Language::ZhHans);
        for c in "lnzc".chars() {
            assert_eq!(press(&mut k, &cx, Message::Letter(c)), Some(Edit::Composing));
        }
        assert_eq!(press(&mut k, &cx, Message::Layout(Layout::Abc)), Some(Edit::Insert("lnzc".into())));
        assert_eq!(k.composing(), "");
        // ABC types capitals as they are; back in 拼音 nothing typed is lost or converted
        assert_eq!(press(&mut k, &cx, Message::Letter('A')), Some(Edit::Insert("A".into())));
        assert_eq!(press(&mut k, &cx, Message::Layout(Layout::Pinyin)), None);
        assert_eq!(press(&mut k, &cx, Message::Letter('z')), Some(Edit::Composing));
        assert_eq!(press(&mut k, &cx, Message::Layout(Layout::Digits)), Some(Edit::Insert("z".into())));
    }

    #[test]
    fn the_panel_is_as_high_in_every_layout() {
        for large in [false, true] {
            let look = Look { large, contrast: false };
            assert_eq!(panel_height(look), 5.0 * look.target() + 4.0 * GAP + 2.0 * PADDING);
        }
    }

    #[test]
    fn candidate_pages_go_forward_and_back_and_each_fits_the_bar() {
        let lx = Lexicon::build([("政府信息公开", 3)]);
        for width in [1840.0, 1024.0] {
            let cx = Context { ctx: Ctx { width, ..ctx(Language::ZhHans) }, ..cx(Some(&lx), Language::ZhHans) };
            let mut k = Keyboard::default();
            for c in "ji".chars() {
                press(&mut k, &cx, Message::Letter(c));
            }
            let c = &k.composer;
            let first: Vec<String> = c.shown(cx.ctx).map(|x| x.text.clone()).collect();
            assert!(first.len() >= 4 && !c.has_fewer() && c.has_more(cx.ctx), "{first:?}");
            let used: f32 = first.iter().map(|t| candidate_width(t, cx.ctx.look) + GAP).sum();
            assert!(used <= bar_room(cx.ctx), "the first page fits: {used} of {}", bar_room(cx.ctx));
            press(&mut k, &cx, Message::MoreCandidates);
            press(&mut k, &cx, Message::MoreCandidates);
            let third: Vec<String> = k.composer.shown(cx.ctx).map(|x| x.text.clone()).collect();
            assert!(third.iter().all(|t| !first.contains(t)), "{third:?} after {first:?}");
            // the pick is of the page on show
            let mut k2 = k.clone();
            assert_eq!(press(&mut k2, &cx, Message::Pick(0)), Some(Edit::Insert(third[0].clone())));
            press(&mut k, &cx, Message::FewerCandidates);
            press(&mut k, &cx, Message::FewerCandidates);
            let back: Vec<String> = k.composer.shown(cx.ctx).map(|x| x.text.clone()).collect();
            assert_eq!(back, first, "back to the first page");
            assert!(!k.composer.has_fewer());
        }
    }

    #[test]
    fn in_traditional_candidates_are_shown_and_typed_traditional() {
        let lx = Lexicon::build([("政府信息公开指南", 3), ("政府信息公开申请表", 3)]);
        let cx = cx(Some(&lx), Language::ZhHant);
        let mut k = Keyboard::default();
        for c in "zfxxgk".chars() {
            press(&mut k, &cx, Message::Letter(c));
        }
        assert_eq!(k.candidates()[0].text, "政府信息公开", "the dictionary's own form is kept");
        assert_eq!(press(&mut k, &cx, Message::Pick(0)), Some(Edit::Insert("政府信息公開".into())));
    }

    #[test]
    fn a_name_field_offers_surnames_first_then_given_names() {
        let lx = Lexicon::build([("政府信息公开", 3)]);
        let name = Context { field: Field::Name { first: true }, ..cx(Some(&lx), Language::ZhHans) };
        let mut k = Keyboard::default();
        for c in "wangfang".chars() {
            press(&mut k, &name, Message::Letter(c));
        }
        assert_eq!(press(&mut k, &name, Message::Pick(0)), Some(Edit::Insert("王芳".into())), "{:?}", k.candidates());
        for c in "wang".chars() {
            press(&mut k, &name, Message::Letter(c));
        }
        assert_eq!(k.candidates()[0].text, "王");
        assert_eq!(lx.candidates("wang", 1)[0].text, "网", "an ordinary field keeps the usual order");
    }
}
