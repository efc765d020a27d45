//! The kiosk application: the screen on show, and the messages that move between screens.

use std::path::PathBuf;

use iced::widget::{center, column, text};
use iced::{Task, Theme};

use super::Element;
use super::background_sync::{BackgroundSync, SyncDone};
use super::screens::{Screen, home};
use super::theme;
use crate::config::Config;

pub struct Kiosk {
    pub config: Config,
    pub data_dir: PathBuf,
    pub screen: Option<Screen>,
    pub load_error: Option<String>,
    pub sync: BackgroundSync,
}

#[derive(Debug, Clone)]
pub enum Message {
    HomeLoaded(Result<home::HomeData, String>),
    Home(home::Message),
    /// A background sync finished.
    Synced(SyncDone),
}

impl Kiosk {
    pub fn new(config: Config, data_dir: PathBuf) -> (Self, Task<Message>) {
        let dir = data_dir.clone();
        let load = Task::perform(async move { home::load(&dir) }, Message::HomeLoaded);
        let sync = BackgroundSync::first(&config, data_dir.clone(), Message::Synced);
        (Self { config, data_dir, screen: None, load_error: None, sync: BackgroundSync::default() }, Task::batch([load, sync]))
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
            Message::Synced(done) => {
                let reload = match &done {
                    // New content, or a changed freshness notice: read Home again.
                    SyncDone::Updated { .. } | SyncDone::Failed(_) => self.reload_home(),
                    SyncDone::Unchanged => Task::none(),
                };
                let next = self.sync.finished(done, &self.config, self.data_dir.clone(), Message::Synced);
                return Task::batch([reload, next]);
            }
        }
        Task::none()
    }

    fn reload_home(&self) -> Task<Message> {
        let dir = self.data_dir.clone();
        Task::perform(async move { home::load(&dir) }, Message::HomeLoaded)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn demo_store() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        store.import_folder(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-content")).unwrap();
        dir
    }

    #[test]
    fn loaded_home_data_puts_home_on_screen() {
        let dir = demo_store();
        let (mut kiosk, _load) = Kiosk::new(Config::default(), dir.path().to_path_buf());
        assert!(kiosk.screen.is_none(), "nothing is shown before the data arrives");
        let data = home::load(dir.path()).expect("home data loads");
        assert!(data.latest.len() >= 8);
        assert!(data.latest.windows(2).all(|w| w[0].published >= w[1].published));
        let _ = kiosk.update(Message::HomeLoaded(Ok(data)));
        assert_eq!(kiosk.title(), "望川区政务公开专区");
        let _ = kiosk.view();
    }

    #[test]
    fn an_unreadable_store_gives_a_message_not_a_blank_screen() {
        let dir = tempfile::tempdir().unwrap();
        let err = home::load(dir.path()).expect_err("no store here");
        let (mut kiosk, _load) = Kiosk::new(Config::default(), dir.path().to_path_buf());
        let _ = kiosk.update(Message::HomeLoaded(Err(err.clone())));
        assert_eq!(kiosk.load_error.as_deref(), Some(err.as_str()));
        assert_eq!(kiosk.title(), "政务公开专区");
        let _ = kiosk.view();
    }

    #[test]
    fn a_failed_background_sync_keeps_home_and_adds_a_quiet_note() {
        let dir = demo_store();
        let (mut kiosk, _load) = Kiosk::new(Config::default(), dir.path().to_path_buf());
        let _ = kiosk.update(Message::HomeLoaded(Ok(home::load(dir.path()).unwrap())));
        assert!(matches!(&kiosk.screen, Some(Screen::Home(h)) if h.data.freshness_note.is_none()));

        // What the sync thread does when the server is unreachable: a failure in the log.
        let store = Store::open(dir.path()).unwrap();
        store
            .record_sync(&crate::store::SyncRecord {
                at: "2026-11-21 10:00:00".into(),
                source: "http://127.0.0.1:9".into(),
                outcome: "failed".into(),
                detail: "connection refused".into(),
                files: 0,
                bytes: 0,
            })
            .unwrap();
        let _ = kiosk.update(Message::Synced(SyncDone::Failed("connection refused".into())));
        assert_eq!(kiosk.sync.consecutive_failures, 1);
        // the reload the update asked for
        let _ = kiosk.update(Message::HomeLoaded(home::load(dir.path())));
        let Some(Screen::Home(h)) = &kiosk.screen else { panic!("Home stays on screen") };
        assert_eq!(h.data.counts.documents, 47, "the old content keeps serving");
        assert!(h.data.freshness_note.as_deref().unwrap().contains("显示的是本机已有内容"));
        let _ = kiosk.view();
        let _ = kiosk.update(Message::Synced(SyncDone::Unchanged));
        assert_eq!(kiosk.sync.consecutive_failures, 0);
    }
}
