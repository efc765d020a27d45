//! Search: the on-screen keyboard, instant results while typing (Chinese, traditional or pinyin
//! initials), full results with highlighted snippets and filters, and suggestions when nothing
//! is found.

use iced::widget::{Column, Row, column, container, row, text};
use iced::{Alignment, Length, Task};

use super::{Ctx, Env, Event, Route};
use crate::content::{DocKind, ItemKind};
use crate::search::{self, Hit, SearchFilter, SearchResults, Searcher};
use crate::store::Store;
use crate::ui::Element;
use crate::ui::i18n::{content, t, ta};
use crate::ui::theme;
use crate::ui::widgets::keyboard::{self, Edit, Keyboard};
use crate::ui::widgets::{self, Icon, scroll};

pub const INSTANT: usize = 6;
pub const PAGE: usize = 8;

#[derive(Debug, Clone, Default)]
pub struct Search {
    pub query: String,
    pub keyboard: Keyboard,
    pub instant: Vec<Hit>,
    /// The text the instant results on show were found for.
    pub instant_for: Option<String>,
    pub results: Option<SearchResults>,
    pub filter: SearchFilter,
    pub page: usize,
    /// The keyboard is shown (hidden while reading full results).
    pub typing: bool,
    /// The instant results' scroll position, and the full results'.
    pub instant_scroll: scroll::Scroll,
    pub results_scroll: scroll::Scroll,
    /// The text last counted in the statistics (a full search, or a result opened while typing),
    /// so that opening a second result of the same words is not a second search.
    counted: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Key(keyboard::Message),
    Instant(String, Result<Vec<Hit>, String>),
    Full(String, Result<Box<SearchResults>, String>),
    Run,
    Type,
    Suggest(String),
    Item(Option<ItemKind>),
    Kind(Option<DocKind>),
    Year(Option<i32>),
    Page(i64),
    Open(ItemKind, String),
    /// A document's attachment where the words were found: document, attachment, page.
    OpenAttachment(String, usize, Option<u32>),
    InstantScroll(scroll::Message),
    ResultsScroll(scroll::Message),
}

impl Message {
    pub fn is_touch(&self) -> bool {
        match self {
            Message::Key(k) => k.is_touch(),
            Message::Run
            | Message::Type
            | Message::Suggest(_)
            | Message::Item(_)
            | Message::Kind(_)
            | Message::Year(_)
            | Message::Page(_)
            | Message::Open(..)
            | Message::OpenAttachment(..) => true,
            Message::Instant(..) | Message::Full(..) => false,
            Message::InstantScroll(m) | Message::ResultsScroll(m) => m.is_touch(),
        }
    }
}

impl Search {
    pub fn new(query: String, filter: SearchFilter) -> Self {
        Search { typing: query.is_empty(), query, filter, ..Search::default() }
    }

    /// Opened with words in it (a suggestion, `kiosk --open search:…`): they are searched at
    /// once, as soon as search is ready.
    pub fn on_enter(&mut self, env: &Env) -> Task<Message> {
        if self.query.is_empty() || self.results.is_some() {
            return Task::none();
        }
        self.run(env)
    }

    /// What the visitor has typed, with pinyin not yet turned into characters.
    pub fn text(&self) -> String {
        format!("{}{}", self.query, self.keyboard.composing())
    }

    fn instant_task(&self, env: &Env) -> Task<Message> {
        let q = self.text();
        let Some(searcher) = env.searcher.clone() else { return Task::none() };
        if q.trim().is_empty() {
            return Task::done(Message::Instant(q, Ok(Vec::new())));
        }
        let dir = env.data_dir.to_path_buf();
        Task::perform(async move { (q.clone(), instant(&dir, &searcher, &q)) }, |(q, r)| Message::Instant(q, r))
    }

    /// Starts the full search (page 0 unless paging).
    pub fn run(&mut self, env: &Env) -> Task<Message> {
        let q = self.text();
        let Some(searcher) = env.searcher.clone() else { return Task::none() };
        if q.trim().is_empty() {
            return Task::none();
        }
        self.typing = false;
        if self.page == 0 && self.filter.is_empty() {
            // (`full` counts it, as `search::record_search` decides)
            self.counted = Some(q.clone());
        }
        let dir = env.data_dir.to_path_buf();
        let (filter, page) = (self.filter.clone(), self.page);
        Task::perform(async move { (q.clone(), full(&dir, &searcher, &q, &filter, page).map(Box::new)) }, |(q, r)| {
            Message::Full(q, r)
        })
    }

    pub fn update(&mut self, message: Message, env: &Env) -> (Task<Message>, Option<Event>) {
        let task = match message {
            Message::Key(k) => self.key(k, env),
            Message::Instant(q, r) => {
                if q == self.text() {
                    match r {
                        Ok(hits) => {
                            self.instant = hits;
                            self.instant_for = Some(q);
                            self.instant_scroll = scroll::Scroll::default();
                        }
                        Err(e) => tracing::error!(error = %e, "instant search failed"),
                    }
                }
                Task::none()
            }
            Message::Full(q, r) => {
                if q == self.text() {
                    match r {
                        Ok(res) => {
                            self.results = Some(*res);
                            self.results_scroll = scroll::Scroll::default();
                        }
                        Err(e) => tracing::error!(error = %e, "search failed"),
                    }
                }
                Task::none()
            }
            Message::Run => {
                self.page = 0;
                self.run(env)
            }
            Message::Type => {
                self.typing = true;
                Task::none()
            }
            Message::Suggest(q) => {
                self.keyboard.reset();
                self.query = q;
                self.page = 0;
                self.run(env)
            }
            Message::Item(i) => {
                self.filter = SearchFilter { item: i, ..SearchFilter::default() };
                self.page = 0;
                self.run(env)
            }
            Message::Kind(k) => {
                self.filter.doc.kind = k;
                self.page = 0;
                self.run(env)
            }
            Message::Year(y) => {
                self.filter.doc.year = y;
                self.page = 0;
                self.run(env)
            }
            Message::Page(d) => {
                let total = self.results.as_ref().map_or(0, |r| r.total) as usize;
                let pages = total.div_ceil(PAGE).max(1) as i64;
                self.page = (self.page as i64 + d).clamp(0, pages - 1) as usize;
                self.run(env)
            }
            Message::InstantScroll(m) => {
                self.instant_scroll.update(m);
                Task::none()
            }
            Message::ResultsScroll(m) => {
                self.results_scroll.update(m);
                Task::none()
            }
            Message::OpenAttachment(doc, index, page) => {
                return (Task::none(), Some(Event::Open(Route::Attachment { doc, index, page })));
            }
            Message::Open(kind, id) => {
                let route = match kind {
                    ItemKind::Document => Route::Document(id),
                    ItemKind::Guide => Route::Guide(id),
                    ItemKind::Faq => Route::Faq { area: None, open: Some(id) },
                    ItemKind::Board => Route::Board(id),
                };
                let count = if self.typing { self.count_instant_search(env) } else { Task::none() };
                return (count, Some(Event::Open(route)));
            }
        };
        (task, None)
    }

    /// A result opened while typing ends a search as much as "搜索" does: it counts as one
    /// search that found something (once for the same words).
    fn count_instant_search(&mut self, env: &Env) -> Task<Message> {
        let q = self.text();
        if q.trim().is_empty() || self.counted.as_deref() == Some(q.as_str()) {
            return Task::none();
        }
        self.counted = Some(q.clone());
        let dir = env.data_dir.to_path_buf();
        Task::future(async move { count_found(&dir, &q) }).discard()
    }

    /// A key of the keyboard: every change of the text searches titles at once; "完成" runs
    /// the full search.
    fn key(&mut self, k: keyboard::Message, env: &Env) -> Task<Message> {
        let (edit, recognizing) = self.keyboard.update(k, &env.keyboard(crate::ime::Field::Text));
        let recognizing = recognizing.map(Message::Key);
        let task = match edit {
            Some(Edit::Insert(s)) => {
                self.query.push_str(&s);
                cap_query(&mut self.query);
                self.instant_task(env)
            }
            Some(Edit::Backspace) => {
                self.query.pop();
                self.instant_task(env)
            }
            Some(Edit::Clear) => {
                self.query.clear();
                self.results = None;
                self.instant.clear();
                self.instant_for = None;
                Task::none()
            }
            Some(Edit::Composing) => self.instant_task(env),
            Some(Edit::Done { rest }) => {
                self.query.push_str(&rest);
                cap_query(&mut self.query);
                self.page = 0;
                self.run(env)
            }
            None => Task::none(),
        };
        Task::batch([task, recognizing])
    }

    fn hit_row<'a>(&'a self, ctx: Ctx, h: &'a Hit, snippet: bool) -> Element<'a, Message> {
        let p = ctx.look.palette();
        let l = ctx.lang;
        let mut meta: Vec<String> = vec![t(l, &format!("item-{}", h.item.key()))];
        if let Some(k) = h.kind {
            meta.push(widgets::kind_label(ctx, k));
        }
        if let Some(d) = &h.published {
            meta.push(d.clone());
        }
        if let Some(n) = &h.doc_no {
            meta.push(content(l, n));
        }
        if let Some(v) = h.validity {
            meta.push(widgets::validity_label(ctx, v));
        }
        let mut col = column![widgets::highlighted(ctx, &h.title, ctx.look.body())].spacing(6);
        if snippet && let Some(a) = &h.attachment {
            let place = match a.page {
                Some(page) => {
                    ta(l, "search-in-attachment-page", &[("title", content(l, &a.title).into()), ("page", page.into())])
                }
                None => ta(l, "search-in-attachment", &[("title", content(l, &a.title).into())]),
            };
            col = col.push(text(place).size(ctx.look.small()).color(p.accent));
        }
        if snippet && let Some(s) = &h.snippet {
            col = col.push(widgets::highlighted(ctx, s, ctx.look.small()));
        }
        col = col.push(text(meta.join("　")).size(ctx.look.small()).color(p.muted));
        let open = match &h.attachment {
            Some(a) if snippet => Message::OpenAttachment(h.id.clone(), a.index, a.page),
            _ => Message::Open(h.item, h.id.clone()),
        };
        widgets::tap(col, Some(open))
            .width(Length::Fill)
            .padding([12, 18])
            .style(theme::button_style(p, theme::Button::Row))
            .into()
    }

    pub fn view(&self, ctx: Ctx) -> Element<'_, Message> {
        let l = ctx.lang;
        let look = ctx.look;
        let p = look.palette();
        let shown = self.text();
        let field = container(
            row![
                text(if shown.is_empty() { t(l, "search-placeholder") } else { self.query.clone() })
                    .size(look.heading())
                    .color(if shown.is_empty() { p.muted } else { p.ink }),
                text(self.keyboard.composing().to_string()).size(look.heading()).color(p.accent),
            ]
            .align_y(Alignment::Center),
        )
        .padding([8, 16])
        .width(Length::Fill)
        .center_y(look.target())
        .style(theme::card(p));
        let top = row![
            field,
            widgets::icon_action(
                ctx,
                Icon::Search,
                t(l, "search-run"),
                (!shown.trim().is_empty()).then_some(Message::Run),
                true
            ),
        ]
        .spacing(10)
        .align_y(Alignment::Center);

        match (&self.results, self.typing) {
            (Some(res), false) => {
                column![top, self.results_view(ctx, res)].spacing(look.gap()).height(Length::Fill).into()
            }
            _ => {
                let mut list = Column::new().spacing(8);
                if !self.instant.is_empty() {
                    list = list.push(widgets::muted(ctx, t(l, "search-instant")));
                }
                for h in &self.instant {
                    list = list.push(self.hit_row(ctx, h, false));
                }
                let answered = self.instant_for.as_deref() == Some(shown.as_str());
                if shown.trim().is_empty() {
                    list = list.push(widgets::muted(ctx, t(l, "search-help")));
                } else if answered && self.instant.is_empty() {
                    // no title starts like this: say so, and what to do next
                    list = list.push(widgets::body(ctx, t(l, "search-instant-none")));
                    list = list.push(
                        row![
                            widgets::icon_action(ctx, Icon::Search, t(l, "search-full-text"), Some(Message::Run), true),
                            widgets::action(
                                ctx,
                                t(l, "search-start-again"),
                                Some(Message::Key(keyboard::Message::Clear)),
                                false
                            ),
                        ]
                        .spacing(look.gap()),
                    );
                    list = list.push(widgets::muted(ctx, t(l, "search-ask-staff")));
                }
                let above = column![top, scroll::area(ctx, &self.instant_scroll, list, Message::InstantScroll, true)]
                    .spacing(look.gap());
                keyboard::place(ctx, above, &self.keyboard, Message::Key)
            }
        }
    }

    fn results_view<'a>(&'a self, ctx: Ctx, res: &'a SearchResults) -> Element<'a, Message> {
        let l = ctx.lang;
        let look = ctx.look;
        let mut filters = Row::new().spacing(10);
        let n = |list: &Vec<(String, u64)>, key: &str| list.iter().find(|(k, _)| k == key).map(|(_, n)| *n);
        filters =
            filters.push(widgets::chip(ctx, t(l, "filter-all"), None, self.filter.item.is_none(), Message::Item(None)));
        for kind in ItemKind::SEARCHED {
            if let Some(count) = n(&res.counts.item, kind.key()) {
                filters = filters.push(widgets::chip(
                    ctx,
                    t(l, &format!("item-{}", kind.key())),
                    Some(count),
                    self.filter.item == Some(kind),
                    Message::Item(Some(kind)),
                ));
            }
        }
        for (k, count) in res.counts.kind.iter().take(6) {
            if let Some(kind) = DocKind::parse(k) {
                let on = self.filter.doc.kind == Some(kind);
                filters = filters.push(widgets::chip(
                    ctx,
                    widgets::kind_label(ctx, kind),
                    Some(*count),
                    on,
                    Message::Kind(if on { None } else { Some(kind) }),
                ));
            }
        }
        for (y, count) in res.counts.year.iter().take(4) {
            if let Ok(year) = y.parse::<i32>() {
                let on = self.filter.doc.year == Some(year);
                filters = filters.push(widgets::chip(
                    ctx,
                    y.clone(),
                    Some(*count),
                    on,
                    Message::Year(if on { None } else { Some(year) }),
                ));
            }
        }
        let filters = filters.wrap().vertical_spacing(10);

        let mut list = Column::new().spacing(10);
        list = list.push(widgets::muted(ctx, ta(l, "count-results", &[("count", res.total.into())])));
        if res.shortened {
            list = list.push(widgets::muted(ctx, t(l, "search-shortened")));
        }
        for h in &res.hits {
            list = list.push(self.hit_row(ctx, h, true));
        }
        if res.total == 0 {
            list = list.push(widgets::body(ctx, t(l, "search-nothing")));
            if !res.suggestions.is_empty() {
                list = list.push(widgets::muted(ctx, t(l, "search-try")));
                let chips = Row::with_children(res.suggestions.iter().map(|s| {
                    widgets::chip(ctx, content(l, &s.query), Some(s.total), false, Message::Suggest(s.query.clone()))
                }))
                .spacing(10);
                list = list.push(chips.wrap());
            }
            if !res.related.is_empty() {
                list = list.push(widgets::muted(ctx, t(l, "search-related")));
                for h in &res.related {
                    list = list.push(self.hit_row(ctx, h, false));
                }
            }
            list = list.push(widgets::muted(ctx, t(l, "search-ask-staff")));
        }
        let pages = (res.total as usize).div_ceil(PAGE).max(1);
        let pager = row![
            widgets::action(ctx, t(l, "search-type-again"), Some(Message::Type), false),
            widgets::action(ctx, t(l, "page-prev"), (self.page > 0).then_some(Message::Page(-1)), false),
            text(ta(l, "page-of", &[("page", (self.page + 1).into()), ("pages", pages.into())])).size(look.body()),
            widgets::action(ctx, t(l, "page-next"), (self.page + 1 < pages).then_some(Message::Page(1)), false),
        ]
        .spacing(look.gap())
        .align_y(Alignment::Center);
        column![filters, scroll::area(ctx, &self.results_scroll, list, Message::ResultsScroll, true), pager]
            .spacing(look.gap())
            .height(Length::Fill)
            .into()
    }
}

fn instant(dir: &std::path::Path, searcher: &Searcher, q: &str) -> Result<Vec<Hit>, String> {
    let store = Store::open_read_only(dir).map_err(|e| e.to_string())?;
    searcher.instant(&store, q, INSTANT).map_err(|e| e.to_string())
}

fn full(
    dir: &std::path::Path,
    searcher: &Searcher,
    q: &str,
    filter: &SearchFilter,
    page: usize,
) -> Result<SearchResults, String> {
    // written to as well (the search is counted), when it can be (not with the disk full)
    let store = Store::open_or_read_only(dir).map_err(|e| e.to_string())?;
    let res = searcher.search(&store, q, filter, PAGE, page * PAGE).map_err(|e| e.to_string())?;
    if let Err(e) = search::record_search(&store, q, filter, page * PAGE, res.total) {
        tracing::warn!(error = %e, "the search was not counted");
    }
    Ok(res)
}

fn count_found(dir: &std::path::Path, q: &str) {
    let counted = Store::open(dir).and_then(|store| search::record_search(&store, q, &SearchFilter::default(), 0, 1));
    if let Err(e) = counted {
        tracing::warn!(error = %e, "the search was not counted");
    }
}

/// Keeps a typed query within what search reads ([`search::MAX_QUERY_CHARS`]): keys past it
/// add nothing.
fn cap_query(query: &mut String) {
    if let Some((at, _)) = query.char_indices().nth(crate::search::MAX_QUERY_CHARS) {
        query.truncate(at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_stops_at_what_search_reads() {
        let mut q = "养".repeat(search::MAX_QUERY_CHARS - 1);
        q.push_str("老服务");
        cap_query(&mut q);
        assert_eq!(q.chars().count(), search::MAX_QUERY_CHARS);
        assert!(q.ends_with("养老"));
        let mut short = "zfxxgk".to_string();
        cap_query(&mut short);
        assert_eq!(short, "zfxxgk");
    }
}
