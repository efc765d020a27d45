//! Home: the zone's name, what the kiosk holds, the newest documents, and how to reach the zone.
//! (The touch-UI issue adds the tiles that lead to every other screen.)

use std::path::Path;

use iced::widget::{Space, column, container, row, scrollable, text};
use iced::{Alignment, Length};

use crate::content::{Site, Validity};
use crate::store::{Counts, DocSummary, SnapshotInfo, Store, StoreError};
use crate::ui::Element;
use crate::ui::theme;

/// What Home shows, read from the store in one go.
#[derive(Debug, Clone)]
pub struct HomeData {
    pub site: Option<Site>,
    pub counts: Counts,
    pub latest: Vec<DocSummary>,
    pub snapshot: Option<SnapshotInfo>,
    /// A quiet note when the content may be out of date (the pack expired, or updates fail).
    pub freshness_note: Option<String>,
}

/// Reads Home's data (run in a task, off the UI thread).
pub fn load(data_dir: &Path) -> Result<HomeData, String> {
    let read = || -> Result<HomeData, StoreError> {
        let store = Store::open_read_only(data_dir)?;
        let status = crate::sync::status(&store)?;
        Ok(HomeData {
            site: store.site()?,
            counts: store.counts()?,
            latest: store.latest(12)?,
            snapshot: store.snapshot()?,
            freshness_note: freshness_note(&status),
        })
    };
    read().map_err(|e| e.to_string())
}

/// "Content as of" stays; this adds why it may be old, without alarming anyone.
fn freshness_note(status: &crate::sync::SyncStatus) -> Option<String> {
    if status.expired {
        return Some("本机内容暂未更新到最新发布版本".into());
    }
    match &status.last {
        Some(r) if r.outcome == "failed" => Some("暂时无法获取更新，显示的是本机已有内容".into()),
        _ => None,
    }
}

#[derive(Debug, Clone)]
pub enum Message {}

pub struct Home {
    pub data: HomeData,
}

impl Home {
    pub fn new(data: HomeData) -> Self {
        Self { data }
    }

    pub fn zone_name(&self) -> &str {
        self.data.site.as_ref().map(|s| s.name.as_str()).unwrap_or("政务公开专区")
    }

    pub fn view(&self) -> Element<'_, Message> {
        let d = &self.data;
        let sample = d.site.as_ref().is_some_and(|s| s.sample);
        let mut title_row = row![text(self.zone_name()).size(theme::TITLE_SIZE)].spacing(24).align_y(Alignment::Center);
        if sample {
            title_row = title_row.push(
                container(text("示例内容 · 非真实政府信息").size(theme::SMALL_SIZE)).padding([6, 14]).style(theme::badge),
            );
        }
        let government = d.site.as_ref().map(|s| s.government.clone()).unwrap_or_default();
        let header = container(
            column![title_row, text(format!("{government} 政府信息公开查阅点")).size(theme::BODY_SIZE)].spacing(8),
        )
        .padding([24, 40])
        .width(Length::Fill)
        .style(theme::bar);

        let c = d.counts;
        let stat = |label: &'static str, n: u64| -> Element<'_, Message> {
            container(
                column![text(n.to_string()).size(44).color(theme::BAR), text(label).size(theme::BODY_SIZE)]
                    .spacing(4)
                    .align_x(Alignment::Center),
            )
            .padding(20)
            .width(Length::Fill)
            .align_x(Alignment::Center)
            .style(theme::card)
            .into()
        };
        let stats = row![
            stat("公开文件", c.documents),
            stat("政策解读", c.interpretations),
            stat("办事指南", c.guides),
            stat("码上公开", c.boards),
            stat("政策问答", c.faqs),
        ]
        .spacing(20);

        let mut latest = column![text("最新公开").size(theme::HEADING_SIZE)].spacing(12);
        if d.latest.is_empty() {
            latest = latest.push(text("暂无公开信息。").size(theme::BODY_SIZE).color(theme::MUTED));
        }
        for doc in &d.latest {
            latest = latest.push(doc_row(doc));
        }

        let (place, hours) = match &d.site {
            Some(s) => (format!("地址：{}", s.address), format!("开放时间：{}　　咨询电话：{}", s.hours, s.phone)),
            None => (String::new(), String::new()),
        };
        let as_of = match &d.snapshot {
            Some(s) => format!(
                "内容版本 {}　·　内容截至 {}",
                s.version,
                s.newest_document.map(|d| d.format("%Y年%m月%d日").to_string()).unwrap_or_else(|| s.applied_at.clone())
            ),
            None => "尚无内容".into(),
        };
        let footer = container(
            column![
                text(place).size(theme::SMALL_SIZE),
                text(hours).size(theme::SMALL_SIZE),
                text(match &d.freshness_note {
                    Some(note) => format!("{as_of}　·　{note}"),
                    None => as_of,
                })
                .size(theme::SMALL_SIZE),
            ]
            .spacing(4),
        )
        .padding([14, 40])
        .width(Length::Fill)
        .style(theme::bar);

        let body = scrollable(column![stats, latest].spacing(28).padding([28, 40])).height(Length::Fill);
        container(column![header, body, footer]).width(Length::Fill).height(Length::Fill).style(theme::page).into()
    }
}

fn doc_row(doc: &DocSummary) -> Element<'_, Message> {
    let validity_color = if doc.validity == Validity::Valid { theme::MUTED } else { theme::RED };
    let meta = format!(
        "{}　{}　{}",
        doc.published.format("%Y-%m-%d"),
        doc.kind.label(),
        doc.doc_no.as_deref().unwrap_or(&doc.publisher)
    );
    container(
        row![
            column![text(&doc.title).size(theme::BODY_SIZE), text(meta).size(theme::SMALL_SIZE).color(theme::MUTED)]
                .spacing(6)
                .width(Length::Fill),
            Space::new().width(16),
            text(doc.validity.label()).size(theme::SMALL_SIZE).color(validity_color),
        ]
        .align_y(Alignment::Center),
    )
    .padding([14, 20])
    .width(Length::Fill)
    .style(theme::card)
    .into()
}
