//! The voice's controls and its reading strip, the same on every screen that reads aloud (a
//! document, a service guide, an FAQ answer, a question of the request wizard).
//!
//! A screen keeps a [`Voice`]: the sentences being read, which one is being read, and whether
//! the voice is reading, paused or stopped. A tap turns into a [`Command`] the app carries out
//! with the speaker; the speaker's progress comes back from its thread through a task, and the
//! app hands it to [`Voice::progress`]. The sentence being read is shown, highlighted, in a
//! strip above the screen's scrolling text, so it stays in view however far the text runs.

use iced::widget::{Column, container, row, text};
use iced::{Alignment, Background, Border, Length};

use crate::speech::Progress;
use crate::ui::Element;
use crate::ui::context::Ctx;
use crate::ui::i18n::{t, ta};
use crate::ui::widgets::{Icon, icon_action};

/// Where the voice is on this screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum State {
    /// Nothing has been read here yet.
    #[default]
    Off,
    /// Sentence `n` is being read.
    Reading(usize),
    /// Paused at sentence `n` (resuming reads it again from its start).
    Paused(usize),
    /// The reading ended, was stopped, or could not start.
    Stopped,
}

/// A tap on the voice's buttons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Read,
    Stop,
    Pause,
    Resume,
    Slower,
    Faster,
}

/// What the app does with the speaker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Read these sentences (as [`crate::speech::cut`] makes them) from the first.
    Start(Vec<String>),
    Pause,
    Resume,
    Slower,
    Faster,
    Stop,
}

/// The voice on one screen.
#[derive(Debug, Clone)]
pub struct Voice {
    pub state: State,
    /// The text being read, cut into sentences (empty until the visitor taps 语音朗读).
    pub sentences: Vec<String>,
    /// Syllables per minute, as the app's speaker reads (for the 慢一点 / 快一点 buttons).
    pub rate: u32,
}

impl Default for Voice {
    fn default() -> Self {
        Voice { state: State::Off, sentences: Vec::new(), rate: crate::speech::RATE }
    }
}

impl Voice {
    /// Whether the voice is reading here or paused in the middle.
    pub fn is_on(&self) -> bool {
        matches!(self.state, State::Reading(_) | State::Paused(_))
    }

    /// A tap; `text` makes what is read (called only when a reading starts).
    pub fn update(&mut self, message: Message, text: impl FnOnce() -> String) -> Option<Command> {
        match (message, self.state) {
            (Message::Read, _) => {
                self.sentences = crate::speech::cut(&text());
                if self.sentences.is_empty() {
                    self.state = State::Stopped;
                    return None;
                }
                self.state = State::Reading(0);
                Some(Command::Start(self.sentences.clone()))
            }
            (Message::Stop, _) => {
                self.state = State::Stopped;
                Some(Command::Stop)
            }
            (Message::Pause, State::Reading(n)) => {
                self.state = State::Paused(n);
                Some(Command::Pause)
            }
            (Message::Resume, State::Paused(n)) => {
                self.state = State::Reading(n);
                Some(Command::Resume)
            }
            (Message::Slower, State::Reading(_) | State::Paused(_)) => Some(Command::Slower),
            (Message::Faster, State::Reading(_) | State::Paused(_)) => Some(Command::Faster),
            // a late tap on a button that is gone
            _ => None,
        }
    }

    /// What the speaker reported.
    pub fn progress(&mut self, p: &Progress) {
        self.state = match p {
            Progress::Sentence(n) => State::Reading(*n),
            Progress::Paused(n) => State::Paused(*n),
            Progress::Finished | Progress::Failed(_) => State::Stopped,
        };
    }

    /// The screen is left: the voice stops with it.
    pub fn stop(&mut self) {
        if self.is_on() {
            self.state = State::Stopped;
        }
    }

    /// The sentence being read (or paused at).
    pub fn current(&self) -> Option<&str> {
        match self.state {
            State::Reading(n) | State::Paused(n) => self.sentences.get(n).map(String::as_str),
            _ => None,
        }
    }

    /// The buttons for a screen's toolbar: 语音朗读 (停止朗读 while on), 暂停 / 继续, 慢一点, 快一点.
    pub fn buttons<'a, M: Clone + 'a>(&self, ctx: Ctx, to: impl Fn(Message) -> M) -> Vec<Element<'a, M>> {
        let l = ctx.lang;
        let on = self.is_on();
        let mut out = vec![if on {
            icon_action(ctx, Icon::VoiceStop, t(l, "reader-voice-stop"), Some(to(Message::Stop)), true)
        } else {
            icon_action(ctx, Icon::Voice, t(l, "reader-voice"), Some(to(Message::Read)), false)
        }];
        if on {
            out.push(match self.state {
                State::Paused(_) => {
                    icon_action(ctx, Icon::Play, t(l, "voice-resume"), Some(to(Message::Resume)), false)
                }
                _ => icon_action(ctx, Icon::Pause, t(l, "voice-pause"), Some(to(Message::Pause)), false),
            });
            let slower = crate::speech::slower(self.rate).map(|_| to(Message::Slower));
            let faster = crate::speech::faster(self.rate).map(|_| to(Message::Faster));
            out.push(icon_action(ctx, Icon::Slower, t(l, "voice-slower"), slower, false));
            out.push(icon_action(ctx, Icon::Faster, t(l, "voice-faster"), faster, false));
        }
        out
    }

    /// The strip that shows the voice's state and, highlighted, the sentence being read (None
    /// before anything was read here).
    pub fn strip<'a, M: 'a>(&self, ctx: Ctx) -> Option<Element<'a, M>> {
        let l = ctx.lang;
        let look = ctx.look;
        let p = look.palette();
        let total = self.sentences.len();
        let at = |n: usize| [("n", (n + 1).into()), ("total", total.into())];
        let state = match self.state {
            State::Off => return None,
            State::Reading(n) => ta(l, "voice-reading", &at(n)),
            State::Paused(n) => ta(l, "voice-paused", &at(n)),
            State::Stopped => t(l, "voice-stopped"),
        };
        let mut inner = Column::new()
            .spacing(8)
            .push(row![text(state).size(look.small()).color(p.muted)].align_y(Alignment::Center));
        if let Some(sentence) = self.current() {
            let shown = if l == crate::config::Language::ZhHant {
                crate::ui::i18n::to_traditional(sentence)
            } else {
                sentence.to_string()
            };
            let (bg, ink) = (p.highlight, p.highlight_ink);
            inner = inner.push(
                container(text(shown).size(look.body() * 1.1).line_height(1.5).color(ink))
                    .padding([6, 12])
                    .width(Length::Fill)
                    .style(move |_: &iced::Theme| container::Style {
                        background: Some(Background::Color(bg)),
                        text_color: Some(ink),
                        border: Border { radius: 6.0.into(), ..Border::default() },
                        ..Default::default()
                    }),
            );
        }
        Some(crate::ui::widgets::card(ctx, inner))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taps_and_progress_move_the_state() {
        let mut v = Voice::default();
        assert_eq!(v.update(Message::Pause, String::new), None, "nothing to pause yet");
        let cmd = v.update(Message::Read, || "第一句。第二句。".into());
        assert_eq!(cmd, Some(Command::Start(vec!["第一句。".into(), "第二句。".into()])));
        assert_eq!(v.state, State::Reading(0));
        v.progress(&Progress::Sentence(1));
        assert_eq!(v.current(), Some("第二句。"));
        assert_eq!(v.update(Message::Pause, String::new), Some(Command::Pause));
        assert_eq!(v.state, State::Paused(1));
        assert_eq!(v.update(Message::Slower, String::new), Some(Command::Slower), "slower while paused");
        assert_eq!(v.update(Message::Resume, String::new), Some(Command::Resume));
        assert_eq!(v.state, State::Reading(1));
        v.progress(&Progress::Finished);
        assert_eq!(v.state, State::Stopped);
        assert_eq!(v.current(), None);
        assert_eq!(v.update(Message::Faster, String::new), None, "no rate change once stopped");
    }
}
