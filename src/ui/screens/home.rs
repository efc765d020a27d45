//! Home: large tiles to every part of the zone, the newest documents, and what the kiosk holds.

use std::path::Path;

use iced::widget::{Column, column, container, row, text};
use iced::{Alignment, Length, Task};

use super::{Ctx, Event, Route};
use crate::content::{DocKind, Site};
use crate::store::{Counts, DocFilter, DocSummary, Facet, SnapshotInfo, Store, StoreError};
use crate::ui::Element;
use crate::ui::i18n::t;
use crate::ui::theme;
use crate::ui::widgets::{self, Icon, scroll};

/// What Home shows, read from the store in one go.
#[derive(Debug, Clone)]
pub struct HomeData {
    pub site: Option<Site>,
    pub counts: Counts,
    pub latest: Vec<DocSummary>,
    pub snapshot: Option<SnapshotInfo>,
    /// Why the content may be out of date (the pack expired, or updates fail): a translation key.
    pub freshness_note: Option<&'static str>,
}

/// Reads Home's data (run in a task, off the UI thread).
pub fn load(data_dir: &Path) -> Result<HomeData, String> {
    let store = Store::open_read_only(data_dir).map_err(|e| e.to_string())?;
    load_from(&store).map_err(|e| e.to_string())
}

pub fn load_from(store: &Store) -> Result<HomeData, StoreError> {
    let status = crate::sync::status(store)?;
    Ok(HomeData {
        site: store.site()?,
        counts: store.counts()?,
        latest: store.latest(8)?,
        snapshot: store.snapshot()?,
        freshness_note: freshness_note(&status),
    })
}

/// "Content as of" stays; this adds why it may be old, without alarming anyone.
fn freshness_note(status: &crate::sync::SyncStatus) -> Option<&'static str> {
    if status.expired {
        return Some("fresh-expired");
    }
    match &status.last {
        Some(r) if r.outcome == "failed" => Some("fresh-failed"),
        _ => None,
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Open(Route),
    Scroll(scroll::Message),
}

impl Message {
    pub fn is_touch(&self) -> bool {
        match self {
            Message::Open(_) => true,
            Message::Scroll(m) => m.is_touch(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Home {
    pub data: HomeData,
    pub scroll: scroll::Scroll,
}

/// The nine tiles: where they lead, their translation key and their picture.
pub fn tiles() -> Vec<(&'static str, Route)> {
    tiles_with_icons().into_iter().map(|(k, r, _)| (k, r)).collect()
}

fn tiles_with_icons() -> Vec<(&'static str, Route, Icon)> {
    vec![
        ("tile-catalogue", Route::Catalogue { facet: Facet::Category, filter: DocFilter::default() }, Icon::Catalogue),
        (
            "tile-policies",
            Route::Catalogue {
                facet: Facet::Kind,
                filter: DocFilter { kind: Some(DocKind::Policy), ..DocFilter::default() },
            },
            Icon::Policy,
        ),
        ("tile-guides", Route::Guides, Icon::Guide),
        ("tile-request", Route::DisclosureGuide, Icon::Request),
        ("tile-boards", Route::Boards, Icon::Qr),
        ("tile-faq", Route::Faq { area: None, open: None }, Icon::Faq),
        ("tile-search", Route::Search { query: String::new(), filter: Default::default() }, Icon::Search),
        ("tile-feedback", Route::Feedback, Icon::Feedback),
        ("tile-about", Route::About, Icon::About),
    ]
}

impl Home {
    pub fn new(data: HomeData) -> Self {
        Self { data, scroll: scroll::Scroll::default() }
    }

    pub fn zone_name(&self) -> &str {
        self.data.site.as_ref().map(|s| s.name.as_str()).unwrap_or("政务公开专区")
    }

    pub fn update(&mut self, message: Message) -> (Task<Message>, Option<Event>) {
        match message {
            Message::Open(r) => (Task::none(), Some(Event::Open(r))),
            Message::Scroll(m) => {
                self.scroll.update(m);
                (Task::none(), None)
            }
        }
    }

    /// The office's announcements shown on `day`, in the publisher's order.
    pub fn announcements_on(&self, day: chrono::NaiveDate) -> impl Iterator<Item = &crate::content::Announcement> {
        self.data.site.iter().flat_map(|s| &s.announcements).filter(move |a| a.is_shown_on(day))
    }

    pub fn view(&self, ctx: Ctx) -> Element<'_, Message> {
        let l = ctx.lang;
        let look = ctx.look;
        let p = look.palette();
        let per_row = if ctx.portrait { 3 } else { 5 };
        let tile_h = if look.large { 176.0 } else { 150.0 };
        let mut grid = Column::new().spacing(look.gap());
        let all = tiles_with_icons();
        for chunk in all.chunks(per_row) {
            let mut r = row![].spacing(look.gap());
            for (key, route, picture) in chunk {
                r = r.push(
                    widgets::tap(
                        container(
                            column![
                                widgets::icon(*picture, look.title() * 1.5, p.accent_ink),
                                text(t(l, key)).size(look.heading()).align_x(Alignment::Center),
                            ]
                            .spacing(8)
                            .align_x(Alignment::Center),
                        )
                        .center(Length::Fill),
                        Some(Message::Open(route.clone())),
                    )
                    .width(Length::FillPortion(1))
                    .height(tile_h)
                    .padding(10)
                    .style(theme::button_style(p, theme::Button::Primary)),
                );
            }
            for _ in chunk.len()..per_row {
                r = r.push(container(text("")).width(Length::FillPortion(1)));
            }
            grid = grid.push(r);
        }

        let d = &self.data;
        // the office's announcements of today, above everything (at most three)
        let mut page = Column::new().spacing(look.gap() * 1.4);
        for a in self.announcements_on(chrono::Local::now().date_naive()).take(3) {
            page = page.push(
                container(
                    row![
                        text(t(l, "home-announcement")).size(look.body()).font(iced::Font {
                            weight: iced::font::Weight::Bold,
                            ..iced::Font::with_name(crate::assets::CJK_FONT_FAMILY)
                        }),
                        text(crate::ui::i18n::content(l, &a.text))
                            .size(look.body())
                            .width(Length::Fill)
                            .line_height(1.5),
                    ]
                    .spacing(16)
                    .align_y(Alignment::Center),
                )
                .padding([12, 18])
                .width(Length::Fill)
                .style(theme::notice(p)),
            );
        }
        let c = d.counts;
        let counts = text(format!(
            "{} {}　·　{} {}　·　{} {}　·　{} {}　·　{} {}",
            t(l, "count-documents"),
            c.documents,
            t(l, "count-interpretations"),
            c.interpretations,
            t(l, "count-guides"),
            c.guides,
            t(l, "count-boards"),
            c.boards,
            t(l, "count-faqs"),
            c.faqs
        ))
        .size(look.small())
        .color(p.muted);

        let mut latest = Column::new().spacing(10).push(widgets::heading(ctx, t(l, "home-latest")));
        if d.latest.is_empty() {
            latest = latest.push(widgets::muted(ctx, t(l, "home-empty")));
        }
        let shown = if ctx.portrait { 8 } else { 5 };
        for doc in d.latest.iter().take(shown) {
            latest = latest.push(widgets::doc_row(ctx, doc, Message::Open(Route::Document(doc.id.clone()))));
        }
        scroll::area(ctx, &self.scroll, page.push(grid).push(counts).push(latest), Message::Scroll, true)
    }
}
