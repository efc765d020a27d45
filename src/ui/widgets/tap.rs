//! Every button the visitor can tap goes through [`tap`]: an iced button that also tells
//! widget operations it is a touch target (and whether it is enabled), so the layout tests find
//! every target on a screen with its bounds and check its size.

use std::any::Any;

use iced::advanced::layout::{self, Layout};
use iced::advanced::widget::{self, Operation, Tree, Widget};
use iced::advanced::{Clipboard, Shell, overlay, renderer};
use iced::widget::{Button, button};
use iced::{Event, Length, Padding, Rectangle, Size, Theme, Vector, mouse};

use crate::ui::Element;

/// What a touch target tells an operation (the tests read it as a custom candidate).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TouchTarget {
    pub enabled: bool,
}

/// A button being built: the iced button's own settings, marked as a touch target.
pub struct Tap<'a, M> {
    button: Button<'a, M>,
    enabled: bool,
}

/// A button showing `content` that sends `msg` (None: drawn disabled).
pub fn tap<'a, M: Clone + 'a>(content: impl Into<Element<'a, M>>, msg: Option<M>) -> Tap<'a, M> {
    Tap { enabled: msg.is_some(), button: button(content).on_press_maybe(msg) }
}

impl<'a, M: Clone + 'a> Tap<'a, M> {
    pub fn width(mut self, w: impl Into<Length>) -> Self {
        self.button = self.button.width(w);
        self
    }
    pub fn height(mut self, h: impl Into<Length>) -> Self {
        self.button = self.button.height(h);
        self
    }
    pub fn padding(mut self, p: impl Into<Padding>) -> Self {
        self.button = self.button.padding(p);
        self
    }
    pub fn style(mut self, s: impl Fn(&Theme, button::Status) -> button::Style + 'a) -> Self {
        self.button = self.button.style(s);
        self
    }
}

impl<'a, M: Clone + 'a> From<Tap<'a, M>> for Element<'a, M> {
    fn from(t: Tap<'a, M>) -> Self {
        Element::new(Marked { content: t.button.into(), target: TouchTarget { enabled: t.enabled } })
    }
}

struct Marked<'a, M> {
    content: Element<'a, M>,
    target: TouchTarget,
}

type Renderer = iced::Renderer;

impl<M> Widget<M, Theme, Renderer> for Marked<'_, M> {
    fn tag(&self) -> widget::tree::Tag {
        self.content.as_widget().tag()
    }
    fn state(&self) -> widget::tree::State {
        self.content.as_widget().state()
    }
    fn children(&self) -> Vec<Tree> {
        self.content.as_widget().children()
    }
    fn diff(&self, tree: &mut Tree) {
        self.content.as_widget().diff(tree);
    }
    fn size(&self) -> Size<Length> {
        self.content.as_widget().size()
    }
    fn size_hint(&self) -> Size<Length> {
        self.content.as_widget().size_hint()
    }
    fn layout(&mut self, tree: &mut Tree, renderer: &Renderer, limits: &layout::Limits) -> layout::Node {
        self.content.as_widget_mut().layout(tree, renderer, limits)
    }
    fn draw(
        &self,
        tree: &Tree,
        renderer: &mut Renderer,
        theme: &Theme,
        style: &renderer::Style,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        viewport: &Rectangle,
    ) {
        self.content.as_widget().draw(tree, renderer, theme, style, layout, cursor, viewport);
    }
    fn operate(&mut self, tree: &mut Tree, layout: Layout<'_>, renderer: &Renderer, operation: &mut dyn Operation) {
        let mut target = self.target;
        operation.custom(None, layout.bounds(), &mut target as &mut dyn Any);
        self.content.as_widget_mut().operate(tree, layout, renderer, operation);
    }
    fn update(
        &mut self,
        tree: &mut Tree,
        event: &Event,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        renderer: &Renderer,
        clipboard: &mut dyn Clipboard,
        shell: &mut Shell<'_, M>,
        viewport: &Rectangle,
    ) {
        self.content.as_widget_mut().update(tree, event, layout, cursor, renderer, clipboard, shell, viewport);
    }
    fn mouse_interaction(
        &self,
        tree: &Tree,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        viewport: &Rectangle,
        renderer: &Renderer,
    ) -> mouse::Interaction {
        self.content.as_widget().mouse_interaction(tree, layout, cursor, viewport, renderer)
    }
    fn overlay<'b>(
        &'b mut self,
        tree: &'b mut Tree,
        layout: Layout<'b>,
        renderer: &Renderer,
        viewport: &Rectangle,
        translation: Vector,
    ) -> Option<overlay::Element<'b, M, Theme, Renderer>> {
        self.content.as_widget_mut().overlay(tree, layout, renderer, viewport, translation)
    }
}
