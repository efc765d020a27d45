//! The handwriting pad: a large area the visitor writes one character on with one finger (or
//! the mouse). It keeps only the stroke being drawn; each finished stroke goes to the owner as a
//! message (in the pad's own coordinates), and the strokes the owner holds are drawn back. What
//! is drawn lives in the screen's memory only, like what is typed: it is never stored or logged.

use iced::mouse;
use iced::widget::canvas::{self, Canvas, Frame, Geometry, Path};
use iced::widget::{Action, container, stack, text};
use iced::{Length, Point, Rectangle, Renderer, Theme, touch};

use crate::handwriting::Stroke;
use crate::ui::Element;
use crate::ui::theme::{self, Palette};

/// The pad's id (tests find it by it).
pub const PAD_ID: &str = "handwriting-pad";

/// Width of a drawn line, in pixels.
const INK: f32 = 7.0;

/// The pad, filling the space it is given: `strokes` drawn so far, `hint` shown while it is
/// empty, each finished stroke sent as `on_stroke(points)`.
pub fn pad<'a, M: Clone + 'a>(
    strokes: &'a [Stroke],
    palette: Palette,
    hint: String,
    hint_size: f32,
    on_stroke: fn(Stroke) -> M,
) -> Element<'a, M> {
    let hint: Element<'a, M> = if strokes.is_empty() {
        container(text(hint).size(hint_size).color(palette.muted)).center(Length::Fill).into()
    } else {
        iced::widget::space().into()
    };
    let canvas = Canvas::new(Drawing { strokes, ink: palette.ink, on_stroke }).width(Length::Fill).height(Length::Fill);
    // a stack takes its size from its first layer, and the canvas is laid out within it: once
    // the hint gives way to an empty space, only the stack's own size keeps the canvas as large
    // as the pad (without it the canvas shrank to nothing after the first stroke: no ink shown,
    // no second stroke taken)
    container(stack![hint, canvas].width(Length::Fill).height(Length::Fill))
        .id(iced::widget::Id::from(PAD_ID))
        .width(Length::Fill)
        .height(Length::Fill)
        .style(theme::card(palette))
        .into()
}

struct Drawing<'a, M> {
    strokes: &'a [Stroke],
    ink: iced::Color,
    on_stroke: fn(Stroke) -> M,
}

/// The stroke under the finger: which finger (None: the mouse) and the points so far.
#[derive(Default)]
pub struct Drawn {
    input: Option<Option<touch::Finger>>,
    points: Stroke,
}

impl<M> canvas::Program<M> for Drawing<'_, M> {
    type State = Drawn;

    fn update(
        &self,
        state: &mut Drawn,
        event: &iced::Event,
        bounds: Rectangle,
        cursor: mouse::Cursor,
    ) -> Option<Action<M>> {
        let local = |p: Point| (p.x - bounds.x, p.y - bounds.y);
        match event {
            iced::Event::Touch(touch::Event::FingerPressed { id, position }) if bounds.contains(*position) => {
                state.input = Some(Some(*id));
                state.points = vec![local(*position)];
                Some(Action::request_redraw().and_capture())
            }
            iced::Event::Mouse(mouse::Event::ButtonPressed(mouse::Button::Left)) => {
                let at = cursor.position_over(bounds)?;
                state.input = Some(None);
                state.points = vec![local(at)];
                Some(Action::request_redraw().and_capture())
            }
            iced::Event::Touch(touch::Event::FingerMoved { id, position }) if state.input == Some(Some(*id)) => {
                state.points.push(local(clamp(*position, bounds)));
                Some(Action::request_redraw().and_capture())
            }
            iced::Event::Mouse(mouse::Event::CursorMoved { position }) if state.input == Some(None) => {
                state.points.push(local(clamp(*position, bounds)));
                Some(Action::request_redraw().and_capture())
            }
            iced::Event::Touch(touch::Event::FingerLifted { id, .. }) if state.input == Some(Some(*id)) => {
                state.input = None;
                Some(Action::publish((self.on_stroke)(std::mem::take(&mut state.points))).and_capture())
            }
            iced::Event::Mouse(mouse::Event::ButtonReleased(mouse::Button::Left)) if state.input == Some(None) => {
                state.input = None;
                Some(Action::publish((self.on_stroke)(std::mem::take(&mut state.points))).and_capture())
            }
            // the finger was taken away by the system: that stroke is not a stroke
            iced::Event::Touch(touch::Event::FingerLost { id, .. }) if state.input == Some(Some(*id)) => {
                state.input = None;
                state.points.clear();
                Some(Action::request_redraw())
            }
            _ => None,
        }
    }

    fn draw(
        &self,
        state: &Drawn,
        renderer: &Renderer,
        _theme: &Theme,
        bounds: Rectangle,
        _cursor: mouse::Cursor,
    ) -> Vec<Geometry> {
        let mut frame = Frame::new(renderer, bounds.size());
        let line = canvas::Stroke::default()
            .with_color(self.ink)
            .with_width(INK)
            .with_line_cap(canvas::LineCap::Round)
            .with_line_join(canvas::LineJoin::Round);
        let current = state.input.is_some().then_some(&state.points);
        for stroke in self.strokes.iter().chain(current) {
            match stroke.as_slice() {
                [] => {}
                [(x, y)] => frame.fill(&Path::circle(Point::new(*x, *y), INK / 2.0), self.ink),
                [first, rest @ ..] => {
                    let path = Path::new(|b| {
                        b.move_to(Point::new(first.0, first.1));
                        for (x, y) in rest {
                            b.line_to(Point::new(*x, *y));
                        }
                    });
                    frame.stroke(&path, line);
                }
            }
        }
        vec![frame.into_geometry()]
    }

    fn mouse_interaction(&self, _state: &Drawn, bounds: Rectangle, cursor: mouse::Cursor) -> mouse::Interaction {
        if cursor.is_over(bounds) { mouse::Interaction::Crosshair } else { mouse::Interaction::default() }
    }
}

/// A point moved inside the pad (a finger that slips over its edge draws along the edge).
fn clamp(p: Point, bounds: Rectangle) -> Point {
    Point::new(p.x.clamp(bounds.x, bounds.x + bounds.width), p.y.clamp(bounds.y, bounds.y + bounds.height))
}
