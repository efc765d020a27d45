//! The kiosk application: the screen on show, and the messages that move between screens.

use std::path::PathBuf;

use iced::widget::{center, column, text};
use iced::{Task, Theme};

use super::Element;
use super::screens::{Screen, home};
use super::theme;
use crate::config::Config;

pub struct Kiosk {
    pub config: Config,
    pub data_dir: PathBuf,
    pub screen: Option<Screen>,
    pub load_error: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Message {
    HomeLoaded(Result<home::HomeData, String>),
    Home(home::Message),
}

impl Kiosk {
    pub fn new(config: Config, data_dir: PathBuf) -> (Self, Task<Message>) {
        let dir = data_dir.clone();
        let load = Task::perform(async move { home::load(&dir) }, Message::HomeLoaded);
        (Self { config, data_dir, screen: None, load_error: None }, load)
    }

    pub fn title(&self) -> String {
        match &self.screen {
            Some(Screen::Home(h)) => h.zone_name().to_string(),
            None => "政务公开专区".into(),
        }
    }

    pub fn theme(&self) -> Theme {
        Theme::Light
    }

    pub fn update(&mut self, message: Message) -> Task<Message> {
        match message {
            Message::HomeLoaded(Ok(data)) => {
                self.screen = Some(Screen::Home(home::Home::new(data)));
                self.load_error = None;
            }
            Message::HomeLoaded(Err(e)) => {
                tracing::error!(error = %e, "home screen could not read the store");
                self.load_error = Some(e);
            }
            Message::Home(m) => match m {},
        }
        Task::none()
    }

    pub fn view(&self) -> Element<'_, Message> {
        match (&self.screen, &self.load_error) {
            (Some(Screen::Home(h)), _) => h.view().map(Message::Home),
            (None, Some(e)) => center(
                column![
                    text("暂时无法读取公开信息，请联系工作人员。").size(theme::HEADING_SIZE),
                    text(e).size(theme::SMALL_SIZE).color(theme::MUTED),
                ]
                .spacing(16),
            )
            .into(),
            (None, None) => center(text("正在载入…").size(theme::HEADING_SIZE)).into(),
        }
    }
}
