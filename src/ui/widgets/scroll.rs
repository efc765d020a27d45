//! The one way a screen shows something longer than itself: a scroll area that
//! - opens at its top, and at the place the visitor left it when they come back ("返回"): the
//!   offset lives in the screen's [`Scroll`], which goes into the history with the screen, and
//!   each `Scroll` has a key of its own, so no screen inherits another's position;
//! - scrolls under a dragging finger (or a mouse drag), also when the drag starts on a button in
//!   the list — a drag longer than [`DRAG_START`] cancels that button's press;
//! - shows "向上翻 / 向下翻" page buttons below itself whenever its content is longer than it is;
//! - made with [`area_sideways`], also reports a finger's sideways movement
//!   ([`Message::Swiped`]), for content wider than itself that the screen moves (a zoomed page).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use iced::advanced::layout::{self, Layout};
use iced::advanced::widget::operation::scrollable::scroll_to;
use iced::advanced::widget::{self, Operation, Tree, Widget};
use iced::advanced::{Clipboard, Shell, overlay, renderer};
use iced::widget::operation::AbsoluteOffset;
use iced::widget::{Id, row, scrollable};
use iced::{Alignment, Element as IcedElement, Event, Length, Point, Rectangle, Size, Theme, Vector, mouse, touch};

use super::icon::Icon;
use crate::ui::Element;
use crate::ui::context::Ctx;
use crate::ui::i18n::t;

/// How far a finger must move before a press becomes a drag (pixels).
pub const DRAG_START: f32 = 14.0;
/// One page is this share of the visible height (a little of the last page stays in view).
const PAGE_SHARE: f32 = 0.85;

/// The visible and the whole height of a scroll area, and the width its content has, as last
/// laid out.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Geometry {
    pub viewport: f32,
    pub content: f32,
    pub width: f32,
}

impl Geometry {
    fn max_offset(self) -> f32 {
        (self.content - self.viewport).max(0.0)
    }
}

/// A screen's scroll position.
#[derive(Debug, Clone)]
pub struct Scroll {
    key: u64,
    id: Id,
    offset: f32,
    /// Bumped when the offset is set by a button (page, top): the area moves there.
    generation: u32,
    /// Written by the area when it is laid out (the page size and the end come from it).
    geometry: Arc<Mutex<Option<Geometry>>>,
}

impl Default for Scroll {
    fn default() -> Self {
        static KEYS: AtomicU64 = AtomicU64::new(1);
        Scroll {
            key: KEYS.fetch_add(1, Ordering::Relaxed),
            id: Id::unique(),
            offset: 0.0,
            generation: 0,
            geometry: Arc::new(Mutex::new(None)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Message {
    /// The area moved (a drag, the wheel, or a page button): its new offset.
    Scrolled(f32),
    /// A page up (-1) or down (+1).
    Page(i32),
    Top,
    /// A finger (or mouse) dragged sideways by this many pixels (to the right positive); only
    /// from an [`area_sideways`], for the screen to move its content.
    Swiped(f32),
}

impl Message {
    /// Page buttons are the visitor's; a reported offset is not (the drag itself is a touch).
    pub fn is_touch(&self) -> bool {
        !matches!(self, Message::Scrolled(_))
    }
}

impl Scroll {
    pub fn offset(&self) -> f32 {
        self.offset
    }

    /// The area's size as last laid out (None before it was drawn).
    pub fn geometry(&self) -> Option<Geometry> {
        self.geometry.lock().ok().and_then(|g| *g)
    }

    pub fn update(&mut self, message: Message) {
        match message {
            Message::Scrolled(y) => self.offset = y.max(0.0),
            Message::Page(d) => {
                let g = self.geometry().unwrap_or_default();
                let page = (g.viewport * PAGE_SHARE).max(1.0);
                self.offset = (self.offset + d as f32 * page).clamp(0.0, g.max_offset());
                self.generation += 1;
            }
            Message::Top => {
                self.offset = 0.0;
                self.generation += 1;
            }
            Message::Swiped(_) => {}
        }
    }

    fn at_top(&self) -> bool {
        self.offset <= 0.5
    }

    fn at_end(&self) -> bool {
        self.geometry().is_some_and(|g| self.offset >= g.max_offset() - 0.5)
    }
}

/// `content` in a scroll area that fills the space left; `pager`: page buttons below it when
/// the content is longer (screens with page buttons of their own, the reader, leave them out).
pub fn area<'a, M: Clone + 'a>(
    ctx: Ctx,
    scroll: &Scroll,
    content: impl Into<Element<'a, M>>,
    to: impl Fn(Message) -> M + Clone + 'a,
    pager: bool,
) -> Element<'a, M> {
    build(ctx, scroll, content, to, pager, false)
}

/// [`area`] that also reports a drag's sideways movement as [`Message::Swiped`] (the content
/// itself is not moved sideways: the screen moves it).
pub fn area_sideways<'a, M: Clone + 'a>(
    ctx: Ctx,
    scroll: &Scroll,
    content: impl Into<Element<'a, M>>,
    to: impl Fn(Message) -> M + Clone + 'a,
    pager: bool,
) -> Element<'a, M> {
    build(ctx, scroll, content, to, pager, true)
}

fn build<'a, M: Clone + 'a>(
    ctx: Ctx,
    scroll: &Scroll,
    content: impl Into<Element<'a, M>>,
    to: impl Fn(Message) -> M + Clone + 'a,
    pager: bool,
    sideways: bool,
) -> Element<'a, M> {
    let l = ctx.lang;
    let on_scroll = to.clone();
    let swiped: Option<Box<dyn Fn(f32) -> M + 'a>> = if sideways {
        let to = to.clone();
        Some(Box::new(move |dx| to(Message::Swiped(dx))))
    } else {
        None
    };
    let inner = scrollable(content)
        .id(scroll.id.clone())
        .on_scroll(move |v| on_scroll(Message::Scrolled(v.absolute_offset().y)))
        .spacing(8)
        .height(Length::Fill)
        .width(Length::Fill);
    let buttons: Element<'a, M> = if pager {
        row![
            super::icon_action(
                ctx,
                Icon::Up,
                t(l, "scroll-up"),
                (!scroll.at_top()).then(|| to(Message::Page(-1))),
                false
            ),
            super::icon_action(
                ctx,
                Icon::Down,
                t(l, "scroll-down"),
                (!scroll.at_end()).then(|| to(Message::Page(1))),
                false
            ),
        ]
        .spacing(ctx.look.gap() * 2.0)
        .align_y(Alignment::Center)
        .into()
    } else {
        iced::widget::space().into()
    };
    Element::new(Area {
        key: scroll.key,
        id: scroll.id.clone(),
        offset: scroll.offset,
        generation: scroll.generation,
        geometry: scroll.geometry.clone(),
        gap: ctx.look.gap() * 0.6,
        pager,
        swiped,
        scrollable: inner.into(),
        buttons,
    })
}

struct Area<'a, M> {
    key: u64,
    id: Id,
    offset: f32,
    generation: u32,
    geometry: Arc<Mutex<Option<Geometry>>>,
    gap: f32,
    pager: bool,
    swiped: Option<Box<dyn Fn(f32) -> M + 'a>>,
    scrollable: IcedElement<'a, M, Theme, iced::Renderer>,
    buttons: IcedElement<'a, M, Theme, iced::Renderer>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Input {
    Mouse,
    Finger(touch::Finger),
}

#[derive(Debug, Clone, Copy)]
struct Drag {
    input: Input,
    start: Point,
    last: Point,
    moving: bool,
}

struct State {
    key: u64,
    /// The generation whose offset was applied to the scrollable.
    applied: Option<u32>,
    /// The page buttons show (the content is longer than the area).
    overflow: bool,
    drag: Option<Drag>,
}

impl<M> Area<'_, M> {
    fn fresh_state(&self) -> State {
        State { key: self.key, applied: None, overflow: false, drag: None }
    }
}

impl<M> Widget<M, Theme, iced::Renderer> for Area<'_, M> {
    fn tag(&self) -> widget::tree::Tag {
        widget::tree::Tag::of::<State>()
    }
    fn state(&self) -> widget::tree::State {
        widget::tree::State::new(self.fresh_state())
    }
    fn children(&self) -> Vec<Tree> {
        vec![Tree::new(&self.scrollable), Tree::new(&self.buttons)]
    }
    fn diff(&self, tree: &mut Tree) {
        // another screen's area (or this screen back from the history): start from its own offset
        if tree.state.downcast_ref::<State>().key != self.key {
            tree.state = self.state();
            tree.children = self.children();
        } else {
            tree.diff_children(&[&self.scrollable, &self.buttons]);
        }
    }
    fn size(&self) -> Size<Length> {
        Size::new(Length::Fill, Length::Fill)
    }
    fn layout(&mut self, tree: &mut Tree, renderer: &iced::Renderer, limits: &layout::Limits) -> layout::Node {
        let max = limits.max();
        let mut node = self.scrollable.as_widget_mut().layout(&mut tree.children[0], renderer, limits);
        let content_of = |n: &layout::Node| n.children().first().map_or(0.0, |c| c.size().height);
        let width_of = |n: &layout::Node| n.children().first().map_or(0.0, |c| c.size().width);
        let overflow = self.pager && content_of(&node) > node.size().height + 1.0;
        let mut buttons = layout::Node::new(Size::ZERO);
        if overflow {
            buttons = self.buttons.as_widget_mut().layout(
                &mut tree.children[1],
                renderer,
                &layout::Limits::new(Size::ZERO, Size::new(max.width, max.height / 3.0)),
            );
            let below = buttons.size().height + self.gap;
            let shorter = layout::Limits::new(Size::ZERO, Size::new(max.width, (max.height - below).max(0.0)));
            node = self.scrollable.as_widget_mut().layout(&mut tree.children[0], renderer, &shorter);
            let x = ((node.size().width - buttons.size().width) / 2.0).max(0.0);
            buttons = buttons.move_to(Point::new(x, node.size().height + self.gap));
        }
        let geometry = Geometry { viewport: node.size().height, content: content_of(&node), width: width_of(&node) };
        if let Ok(mut g) = self.geometry.lock() {
            *g = Some(geometry);
        }
        let state = tree.state.downcast_mut::<State>();
        state.overflow = overflow;
        if state.applied != Some(self.generation) {
            state.applied = Some(self.generation);
            let mut op = scroll_to::<()>(self.id.clone(), AbsoluteOffset { x: None, y: Some(self.offset) });
            self.scrollable.as_widget_mut().operate(&mut tree.children[0], Layout::new(&node), renderer, &mut op);
        }
        let height = if overflow { buttons.bounds().y + buttons.size().height } else { node.size().height };
        layout::Node::with_children(Size::new(node.size().width, height), vec![node, buttons])
    }
    fn draw(
        &self,
        tree: &Tree,
        renderer: &mut iced::Renderer,
        theme: &Theme,
        style: &renderer::Style,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        viewport: &Rectangle,
    ) {
        let mut parts = layout.children();
        let (Some(s), Some(b)) = (parts.next(), parts.next()) else { return };
        let cursor = if tree.state.downcast_ref::<State>().drag.is_some_and(|d| d.moving) {
            mouse::Cursor::Unavailable
        } else {
            cursor
        };
        self.scrollable.as_widget().draw(&tree.children[0], renderer, theme, style, s, cursor, viewport);
        if tree.state.downcast_ref::<State>().overflow {
            self.buttons.as_widget().draw(&tree.children[1], renderer, theme, style, b, cursor, viewport);
        }
    }
    fn operate(
        &mut self,
        tree: &mut Tree,
        layout: Layout<'_>,
        renderer: &iced::Renderer,
        operation: &mut dyn Operation,
    ) {
        let overflow = tree.state.downcast_ref::<State>().overflow;
        let mut parts = layout.children();
        let (Some(s), Some(b)) = (parts.next(), parts.next()) else { return };
        self.scrollable.as_widget_mut().operate(&mut tree.children[0], s, renderer, operation);
        if overflow {
            self.buttons.as_widget_mut().operate(&mut tree.children[1], b, renderer, operation);
        }
    }
    fn update(
        &mut self,
        tree: &mut Tree,
        event: &Event,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        renderer: &iced::Renderer,
        clipboard: &mut dyn Clipboard,
        shell: &mut Shell<'_, M>,
        viewport: &Rectangle,
    ) {
        let mut parts = layout.children();
        let (Some(s), Some(b)) = (parts.next(), parts.next()) else { return };
        let state = tree.state.downcast_mut::<State>();
        let pressed = match event {
            Event::Mouse(mouse::Event::ButtonPressed(mouse::Button::Left)) => {
                cursor.position_over(s.bounds()).map(|p| (Input::Mouse, p))
            }
            Event::Touch(touch::Event::FingerPressed { id, position }) if s.bounds().contains(*position) => {
                Some((Input::Finger(*id), *position))
            }
            _ => None,
        };
        if let Some((input, at)) = pressed {
            state.drag = Some(Drag { input, start: at, last: at, moving: false });
        }
        let moved = match event {
            Event::Mouse(mouse::Event::CursorMoved { position }) => Some((Input::Mouse, *position)),
            Event::Touch(touch::Event::FingerMoved { id, position }) => Some((Input::Finger(*id), *position)),
            _ => None,
        };
        let released = matches!(
            event,
            Event::Mouse(mouse::Event::ButtonReleased(mouse::Button::Left))
                | Event::Touch(touch::Event::FingerLifted { .. } | touch::Event::FingerLost { .. })
        );
        if let (Some((input, to)), Some(mut drag)) = (moved, state.drag)
            && drag.input == input
        {
            if !drag.moving && to.distance(drag.start) > DRAG_START {
                drag.moving = true;
                // the press becomes a drag: the button under the finger lets go without a tap
                let cancel = match input {
                    Input::Mouse => Event::Mouse(mouse::Event::ButtonReleased(mouse::Button::Left)),
                    Input::Finger(id) => Event::Touch(touch::Event::FingerLost { id, position: to }),
                };
                self.scrollable.as_widget_mut().update(
                    &mut tree.children[0],
                    &cancel,
                    s,
                    mouse::Cursor::Unavailable,
                    renderer,
                    clipboard,
                    shell,
                    viewport,
                );
            }
            if drag.moving {
                let wheel = Event::Mouse(mouse::Event::WheelScrolled {
                    delta: mouse::ScrollDelta::Pixels { x: 0.0, y: to.y - drag.last.y },
                });
                if let Some(swiped) = &self.swiped
                    && to.x != drag.last.x
                {
                    shell.publish(swiped(to.x - drag.last.x));
                }
                drag.last = to;
                tree.state.downcast_mut::<State>().drag = Some(drag);
                self.scrollable.as_widget_mut().update(
                    &mut tree.children[0],
                    &wheel,
                    s,
                    mouse::Cursor::Available(drag.start),
                    renderer,
                    clipboard,
                    shell,
                    viewport,
                );
                shell.capture_event();
                shell.request_redraw();
                return;
            }
            tree.state.downcast_mut::<State>().drag = Some(drag);
        }
        if released {
            let was_moving = tree.state.downcast_ref::<State>().drag.is_some_and(|d| d.moving);
            tree.state.downcast_mut::<State>().drag = None;
            if was_moving {
                shell.capture_event();
                return;
            }
        }
        self.scrollable.as_widget_mut().update(
            &mut tree.children[0],
            event,
            s,
            cursor,
            renderer,
            clipboard,
            shell,
            viewport,
        );
        if tree.state.downcast_ref::<State>().overflow && !shell.is_event_captured() {
            self.buttons.as_widget_mut().update(
                &mut tree.children[1],
                event,
                b,
                cursor,
                renderer,
                clipboard,
                shell,
                viewport,
            );
        }
    }
    fn mouse_interaction(
        &self,
        tree: &Tree,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        viewport: &Rectangle,
        renderer: &iced::Renderer,
    ) -> mouse::Interaction {
        let mut parts = layout.children();
        let (Some(s), Some(b)) = (parts.next(), parts.next()) else { return mouse::Interaction::None };
        let inner = self.scrollable.as_widget().mouse_interaction(&tree.children[0], s, cursor, viewport, renderer);
        if inner == mouse::Interaction::None && tree.state.downcast_ref::<State>().overflow {
            return self.buttons.as_widget().mouse_interaction(&tree.children[1], b, cursor, viewport, renderer);
        }
        inner
    }
    fn overlay<'b>(
        &'b mut self,
        tree: &'b mut Tree,
        layout: Layout<'b>,
        renderer: &iced::Renderer,
        viewport: &Rectangle,
        translation: Vector,
    ) -> Option<overlay::Element<'b, M, Theme, iced::Renderer>> {
        let s = layout.children().next()?;
        self.scrollable.as_widget_mut().overlay(&mut tree.children[0], s, renderer, viewport, translation)
    }
}
