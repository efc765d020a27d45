//! The 政府信息公开目录: browse by 主题分类, the 26 key areas, publisher, year or kind, with counts;
//! rows show title, 发文字号, date and validity, 12 to a page.

use std::path::PathBuf;

use iced::widget::{Column, Row, column, row, text};
use iced::{Alignment, Task};

use super::{Ctx, Env, Event, Route};
use crate::content::{DocKind, Validity};
use crate::store::{CategoryNode, DocFilter, DocSummary, Facet, Store, StoreError};
use crate::ui::Element;
use crate::ui::i18n::{content, t, ta};
use crate::ui::widgets::{self, scroll};

pub const PAGE: usize = 12;
/// The ways to browse, in the order of their tabs.
pub const FACETS: [Facet; 5] = [Facet::Category, Facet::Area, Facet::Publisher, Facet::Year, Facet::Kind];

#[derive(Debug, Clone)]
pub struct Catalogue {
    pub facet: Facet,
    pub filter: DocFilter,
    /// Values of the current facet with their counts (the 主题分类 level below the chosen one).
    pub values: Vec<(String, String, u64)>,
    pub docs: Vec<DocSummary>,
    pub total: u64,
    pub page: usize,
    pub scroll: scroll::Scroll,
}

#[derive(Debug, Clone)]
pub enum Message {
    Facet(Facet),
    /// Choose a value of the current facet (None: all).
    Value(Option<String>),
    /// Up one level of 主题分类.
    CategoryUp,
    Page(i64),
    Open(String),
    Loaded(Result<Box<Catalogue>, String>),
    Scroll(scroll::Message),
}

impl Message {
    pub fn is_touch(&self) -> bool {
        match self {
            Message::Facet(_) | Message::Value(_) | Message::CategoryUp | Message::Page(_) | Message::Open(_) => true,
            Message::Loaded(_) => false,
            Message::Scroll(m) => m.is_touch(),
        }
    }
}

fn find<'a>(nodes: &'a [CategoryNode], path: &str) -> Option<&'a CategoryNode> {
    for n in nodes {
        if n.path == path {
            return Some(n);
        }
        if path.starts_with(&format!("{}\\", n.path)) {
            return find(&n.children, path);
        }
    }
    None
}

/// Reads a catalogue view: the facet's values given the other filters, and one page of rows.
pub fn load(store: &Store, facet: Facet, filter: DocFilter, page: usize) -> Result<Catalogue, StoreError> {
    let values = match facet {
        Facet::Category => {
            let tree = store.category_tree()?;
            let level = match &filter.category {
                Some(path) => find(&tree, path).map(|n| n.children.clone()).unwrap_or_default(),
                None => tree,
            };
            level.into_iter().map(|n| (n.path, n.name, n.count)).collect()
        }
        _ => {
            let mut others = filter.clone();
            match facet {
                Facet::Area => others.area = None,
                Facet::Publisher => others.publisher = None,
                Facet::Year => others.year = None,
                Facet::Kind => others.kind = None,
                Facet::Validity => others.validity = None,
                Facet::Category => {}
            }
            store.facet(facet, &others)?.into_iter().map(|f| (f.value.clone(), f.value, f.count)).collect()
        }
    };
    let total = store.count_documents(&filter)?;
    let docs = store.documents(&filter, PAGE, page * PAGE)?;
    Ok(Catalogue { facet, filter, values, docs, total, page, scroll: scroll::Scroll::default() })
}

impl Catalogue {
    fn selected(&self) -> Option<String> {
        match self.facet {
            Facet::Category => self.filter.category.clone(),
            Facet::Area => self.filter.area.clone(),
            Facet::Publisher => self.filter.publisher.clone(),
            Facet::Year => self.filter.year.map(|y| y.to_string()),
            Facet::Kind => self.filter.kind.map(|k| k.key().to_string()),
            Facet::Validity => self.filter.validity.map(|v| v.key().to_string()),
        }
    }

    fn reload(&self, env: &Env, facet: Facet, filter: DocFilter, page: usize) -> Task<Message> {
        let dir: PathBuf = env.data_dir.to_path_buf();
        Task::perform(
            async move {
                let store = Store::open_read_only(&dir).map_err(|e| e.to_string())?;
                load(&store, facet, filter, page).map(Box::new).map_err(|e| e.to_string())
            },
            Message::Loaded,
        )
    }

    pub fn update(&mut self, message: Message, env: &Env) -> (Task<Message>, Option<Event>) {
        let task = match message {
            Message::Facet(f) => self.reload(env, f, self.filter.clone(), 0),
            Message::Value(v) => {
                let mut f = self.filter.clone();
                match self.facet {
                    Facet::Category => f.category = v,
                    Facet::Area => f.area = v,
                    Facet::Publisher => f.publisher = v,
                    Facet::Year => f.year = v.and_then(|y| y.parse().ok()),
                    Facet::Kind => f.kind = v.as_deref().and_then(DocKind::parse),
                    Facet::Validity => f.validity = v.as_deref().and_then(Validity::parse),
                }
                self.reload(env, self.facet, f, 0)
            }
            Message::CategoryUp => {
                let mut f = self.filter.clone();
                f.category = f.category.as_deref().and_then(|c| c.rsplit_once('\\')).map(|(up, _)| up.to_string());
                self.reload(env, Facet::Category, f, 0)
            }
            Message::Page(d) => {
                let pages = self.total.div_ceil(PAGE as u64).max(1) as i64;
                let p = (self.page as i64 + d).clamp(0, pages - 1) as usize;
                self.reload(env, self.facet, self.filter.clone(), p)
            }
            Message::Open(id) => return (Task::none(), Some(Event::Open(Route::Document(id)))),
            Message::Loaded(Ok(c)) => {
                *self = *c;
                Task::none()
            }
            Message::Loaded(Err(e)) => {
                tracing::error!(error = %e, "catalogue could not be read");
                Task::none()
            }
            Message::Scroll(m) => {
                self.scroll.update(m);
                Task::none()
            }
        };
        (task, None)
    }

    fn value_label(&self, ctx: Ctx, label: &str) -> String {
        match self.facet {
            Facet::Kind => {
                DocKind::parse(label).map(|k| widgets::kind_label(ctx, k)).unwrap_or_else(|| label.to_string())
            }
            Facet::Validity => {
                Validity::parse(label).map(|v| widgets::validity_label(ctx, v)).unwrap_or_else(|| label.to_string())
            }
            _ => content(ctx.lang, label),
        }
    }

    pub fn view(&self, ctx: Ctx) -> Element<'_, Message> {
        let l = ctx.lang;
        let gap = ctx.look.gap();
        let tabs = Row::with_children(FACETS.iter().map(|f| {
            widgets::chip(ctx, t(l, &format!("facet-{}", f.key())), None, *f == self.facet, Message::Facet(*f))
        }))
        .spacing(10);

        let selected = self.selected();
        let mut chips: Vec<Element<'_, Message>> = Vec::new();
        if self.facet == Facet::Category && self.filter.category.is_some() {
            chips.push(widgets::chip(ctx, t(l, "catalogue-up"), None, false, Message::CategoryUp));
        } else {
            chips.push(widgets::chip(ctx, t(l, "catalogue-all"), None, selected.is_none(), Message::Value(None)));
        }
        for (value, label, n) in self.values.iter().take(40) {
            let on = selected.as_deref() == Some(value.as_str());
            chips.push(widgets::chip(
                ctx,
                self.value_label(ctx, label),
                Some(*n),
                on,
                Message::Value(Some(value.clone())),
            ));
        }
        let values = Row::with_children(chips).spacing(10).wrap().vertical_spacing(10);

        let pages = self.total.div_ceil(PAGE as u64).max(1);
        let mut list = Column::new().spacing(10);
        if let Some(c) = &self.filter.category {
            list = list.push(widgets::muted(ctx, content(l, &c.replace('\\', " › "))));
        }
        list = list.push(widgets::muted(ctx, ta(l, "count-results", &[("count", self.total.into())])));
        if self.docs.is_empty() {
            list = list.push(widgets::body(ctx, t(l, "catalogue-empty")));
        }
        for d in &self.docs {
            list = list.push(widgets::doc_row(ctx, d, Message::Open(d.id.clone())));
        }
        let pager = row![
            widgets::action(ctx, t(l, "page-prev"), (self.page > 0).then_some(Message::Page(-1)), false),
            text(ta(l, "page-of", &[("page", (self.page + 1).into()), ("pages", pages.into())])).size(ctx.look.body()),
            widgets::action(
                ctx,
                t(l, "page-next"),
                ((self.page as u64 + 1) < pages).then_some(Message::Page(1)),
                false
            ),
        ]
        .spacing(gap)
        .align_y(Alignment::Center);
        // the facets and the rows scroll (with page buttons when longer than the screen); the
        // pager of the catalogue's pages stays in view below them
        let rows = column![tabs, values, list].spacing(gap);
        column![scroll::area(ctx, &self.scroll, rows, Message::Scroll, true), pager]
            .spacing(gap)
            .height(iced::Length::Fill)
            .into()
    }
}
