//! Attendant mode: a PIN pad (opened by a long press on the zone name) with lock-out after
//! repeated wrong PINs, then a panel with the content version, last sync, "sync now", the
//! printer, today's usage counts, the kiosk's health as the office's monitoring sees it, and the
//! only way out of the kiosk to the desktop.
//!
//! The PIN's lock-out ([`PinGuard`]) is kept by the app, because leaving the pad must not reset
//! it; the pad and the panel ask the app through [`Request`]s and learn the outcome through
//! their own messages (a refused PIN, a sync started and finished, a failed print).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use iced::widget::{Column, Row, column, container, row, text};
use iced::{Alignment, Length, Task};

use super::{Ctx, Env, Event};
use crate::config::{AttendantConfig, Config, Language};
use crate::fleet::{self, Health};
use crate::metrics::KioskStatus;
use crate::store::{DayStats, SnapshotInfo, Store, SyncRecord};
use crate::ui::Element;
use crate::ui::background_sync::SyncDone;
use crate::ui::i18n::{t, ta};
pub use crate::ui::printing::PrintFailure;
use crate::ui::theme;
use crate::ui::widgets::{self, scroll};

/// What the attendant screens ask the app for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    CheckPin(String),
    SyncNow,
    ExitToDesktop,
    Close,
    /// 代为填写: the attendant fills in a request for a visitor who applies orally.
    FillOnBehalf,
    /// Print a one-page test (the blank request form) to check the printer.
    TestPrint,
}

/// Wrong PINs in a row and the lock they lead to; kept by the app, not the screen, so leaving
/// and reopening the PIN pad does not reset it.
#[derive(Debug, Clone, Default)]
pub struct PinGuard {
    pub failures: u32,
    pub locked_until: Option<Instant>,
}

impl PinGuard {
    /// Seconds of lock left, if locked at `now`.
    pub fn locked(&self, now: Instant) -> Option<u64> {
        self.locked_until.filter(|u| *u > now).map(|u| (u - now).as_secs().max(1))
    }

    /// Records one attempt; returns whether it opened.
    pub fn attempt(&mut self, ok: bool, max_attempts: u32, lockout: Duration, now: Instant) -> bool {
        if self.locked(now).is_some() {
            return false;
        }
        if ok {
            *self = PinGuard::default();
            return true;
        }
        self.failures += 1;
        if self.failures >= max_attempts {
            self.locked_until = Some(now + lockout);
            self.failures = 0;
            tracing::warn!(seconds = lockout.as_secs(), "attendant PIN locked after repeated wrong PINs");
        }
        false
    }

    /// The pad's message while locked at `now`.
    fn locked_notice(&self, lang: Language, now: Instant) -> Option<String> {
        self.locked(now).map(|s| ta(lang, "attendant-locked", &[("seconds", s.into())]))
    }

    /// A PIN typed on the pad: refused at once while locked (with the pad's message), else
    /// checked against the configured hash in a task (the hash is slow on purpose).
    pub fn check(
        &self,
        pin: String,
        config: &AttendantConfig,
        lang: Language,
        now: Instant,
    ) -> Result<Task<bool>, String> {
        if let Some(notice) = self.locked_notice(lang, now) {
            return Err(notice);
        }
        let hash = config.pin_hash.clone().unwrap_or_default();
        Ok(Task::perform(async move { crate::config::verify_pin(&hash, &pin) }, std::convert::identity))
    }

    /// The outcome of a check: `Ok` opens attendant mode, else the pad's message.
    pub fn checked(&mut self, ok: bool, config: &AttendantConfig, lang: Language, now: Instant) -> Result<(), String> {
        let lockout = Duration::from_secs(u64::from(config.lockout_seconds));
        if self.attempt(ok, config.max_attempts, lockout, now) {
            tracing::info!("attendant mode opened");
            return Ok(());
        }
        Err(self
            .locked_notice(lang, now)
            .unwrap_or_else(|| ta(lang, "attendant-wrong", &[("left", (config.max_attempts - self.failures).into())])))
    }
}

#[derive(Debug, Clone, Default)]
pub struct PinPad {
    digits: String,
    /// What the app said of the last PIN (wrong, locked).
    notice: Option<String>,
    /// A PIN is being checked: Enter does nothing until the answer.
    checking: bool,
}

#[derive(Debug, Clone)]
pub enum PinMessage {
    Digit(char),
    Back,
    Enter,
    Cancel,
    /// The app refused the PIN, with what to tell the attendant.
    Refused(String),
}

impl PinMessage {
    pub fn is_touch(&self) -> bool {
        match self {
            PinMessage::Digit(_) | PinMessage::Back | PinMessage::Enter | PinMessage::Cancel => true,
            PinMessage::Refused(_) => false,
        }
    }
}

impl PinPad {
    /// What the app said of the last PIN.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    pub fn update(&mut self, message: PinMessage) -> (Task<PinMessage>, Option<Event>) {
        match message {
            PinMessage::Digit(d) if self.digits.len() < 12 => self.digits.push(d),
            PinMessage::Digit(_) => {}
            PinMessage::Back => {
                self.digits.pop();
            }
            PinMessage::Enter if !self.digits.is_empty() && !self.checking => {
                self.checking = true;
                let pin = std::mem::take(&mut self.digits);
                return (Task::none(), Some(Event::Attendant(Request::CheckPin(pin))));
            }
            PinMessage::Enter => {}
            PinMessage::Cancel => return (Task::none(), Some(Event::Attendant(Request::Close))),
            PinMessage::Refused(notice) => {
                self.checking = false;
                self.notice = Some(notice);
            }
        }
        (Task::none(), None)
    }

    pub fn view(&self, ctx: Ctx) -> Element<'_, PinMessage> {
        let l = ctx.lang;
        let look = ctx.look;
        let p = look.palette();
        let key = |label: &str, m: PinMessage| -> Element<'_, PinMessage> {
            widgets::tap(container(text(label.to_string()).size(look.title())).center(Length::Fill), Some(m))
                .width(120)
                .height(look.target().max(80.0))
                .style(theme::button_style(p, theme::Button::Secondary))
                .into()
        };
        let mut pad = Column::new().spacing(12).align_x(Alignment::Center);
        for r in ["123", "456", "789"] {
            pad =
                pad.push(Row::with_children(r.chars().map(|c| key(&c.to_string(), PinMessage::Digit(c)))).spacing(12));
        }
        pad = pad.push(
            row![key("⌫", PinMessage::Back), key("0", PinMessage::Digit('0')), key("✓", PinMessage::Enter)].spacing(12),
        );
        let dots = "●".repeat(self.digits.len());
        let mut col = column![
            widgets::heading(ctx, t(l, "attendant-pin")),
            container(text(dots).size(look.title())).center_x(Length::Fill).height(look.target()),
            pad,
        ]
        .spacing(look.gap())
        .align_x(Alignment::Center);
        if let Some(n) = &self.notice {
            col = col.push(text(n.clone()).size(look.body()).color(p.warn));
        }
        col = col.push(widgets::action(ctx, t(l, "attendant-cancel"), Some(PinMessage::Cancel), false));
        container(col).center_x(Length::Fill).into()
    }
}

/// What the panel shows.
#[derive(Debug, Clone, Default)]
pub struct PanelData {
    pub snapshot: Option<SnapshotInfo>,
    pub last: Option<SyncRecord>,
    pub last_success: Option<SyncRecord>,
    pub expired: bool,
    pub usage: DayStats,
    pub source: Option<String>,
    /// The printer's state for the attendant (queue, state and reasons, as CUPS says them).
    pub printer: String,
    /// The same state in the attendant's language (a translation key).
    pub printer_key: &'static str,
    /// Where the metrics file goes (None: switched off).
    pub metrics_file: Option<String>,
}

pub fn load_panel(dir: &std::path::Path, config: &Config) -> Result<PanelData, String> {
    let store = Store::open(dir).map_err(|e| e.to_string())?;
    let status = crate::sync::status(&store).map_err(|e| e.to_string())?;
    // the printer's own state, read over IPP (this runs in a task)
    let readiness = crate::print::readiness(&crate::print::Destination::from_config(&config.printer, dir));
    let printer = crate::ui::printing::readiness_detail(&readiness);
    let printer_key = crate::ui::printing::readiness_status_key(&readiness);
    Ok(PanelData {
        snapshot: store.snapshot().map_err(|e| e.to_string())?,
        last: status.last,
        last_success: status.last_success,
        expired: status.expired,
        usage: store.usage_today().map_err(|e| e.to_string())?,
        source: config.sync.source_url.clone(),
        printer,
        printer_key,
        metrics_file: config.metrics.enabled.then(|| config.metrics.file().display().to_string()),
    })
}

/// The health card: the verdict the office's fleet page gives this kiosk, with each problem,
/// where the metrics file goes, free disk space and the durable counters.
fn health_card<'a>(ctx: Ctx, h: &Result<KioskStatus, String>, file: Option<&str>) -> Element<'a, PanelMessage> {
    let l = ctx.lang;
    let look = ctx.look;
    let line = |key: &str, v: String| -> Element<'a, PanelMessage> {
        row![text(t(l, key)).size(look.body()).width(if look.large { 260 } else { 220 }), text(v).size(look.body())]
            .spacing(12)
            .into()
    };
    let mut col = Column::new().spacing(6).push(widgets::heading(ctx, t(l, "attendant-health")));
    match h {
        Ok(s) => {
            let (health, problems) = fleet::assess(Some(s), s.at);
            let verdict = if health == Health::Ok {
                t(l, "health-ok")
            } else {
                let names: Vec<String> = problems.iter().map(|p| t(l, &format!("health-{}", p.code()))).collect();
                format!("{} {}", t(l, "health-attention"), names.join("；"))
            };
            col = col.push(widgets::body(ctx, verdict));
            let share = (s.disk_free_bytes * 100).checked_div(s.disk_size_bytes).unwrap_or(0);
            col = col.push(line("attendant-disk-free", format!("{:.1} GB ({share}%)", s.disk_free_bytes as f64 / 1e9)));
            col = col.push(line(
                "attendant-counters",
                format!("{} / {} / {}", s.idle_resets, s.watchdog_restarts, s.print_jobs_failed),
            ));
            if let Some(f) = file {
                col = col.push(line("attendant-metrics-file", f.to_string()));
            }
        }
        Err(e) => col = col.push(widgets::muted(ctx, format!("{} {e}", t(l, "attendant-metrics-failed")))),
    }
    col.into()
}

/// How "sync now" stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
enum SyncNote {
    #[default]
    None,
    Running,
    Done(SyncDone),
    /// The panel's data could not be read.
    Unreadable(String),
}

#[derive(Debug, Clone, Default)]
pub struct Panel {
    pub data: PanelData,
    sync: SyncNote,
    /// The last failed print (the print dialog's, told by the app).
    print_failure: Option<PrintFailure>,
    scroll: scroll::Scroll,
    /// The health summary the app last gathered for the metrics file (or why it could not).
    health: Option<Result<KioskStatus, String>>,
}

#[derive(Debug, Clone)]
pub enum PanelMessage {
    SyncNow,
    Refresh,
    Loaded(Result<Box<PanelData>, String>),
    Exit,
    Close,
    FillOnBehalf,
    TestPrint,
    /// The app started "sync now".
    SyncStarted,
    /// "Sync now" finished.
    SyncFinished(SyncDone),
    /// A print failed (the test print, say), with the detail for the attendant.
    PrintFailed(PrintFailure),
    Scroll(scroll::Message),
    /// The kiosk's health, as its metrics file and status upload say it.
    Health(Box<Result<KioskStatus, String>>),
}

impl PanelMessage {
    pub fn is_touch(&self) -> bool {
        match self {
            PanelMessage::SyncNow
            | PanelMessage::Refresh
            | PanelMessage::Exit
            | PanelMessage::Close
            | PanelMessage::FillOnBehalf
            | PanelMessage::TestPrint => true,
            PanelMessage::Loaded(_)
            | PanelMessage::SyncStarted
            | PanelMessage::SyncFinished(_)
            | PanelMessage::PrintFailed(_)
            | PanelMessage::Health(_) => false,
            PanelMessage::Scroll(m) => m.is_touch(),
        }
    }
}

impl Panel {
    /// The panel, with the detail of the last failed print if there was one; its data is read
    /// by the task returned.
    pub fn open(print_failure: Option<PrintFailure>, dir: PathBuf, config: Config) -> (Panel, Task<PanelMessage>) {
        (Panel { print_failure, ..Panel::default() }, Panel::refresh(dir, config))
    }

    pub fn refresh(dir: PathBuf, config: Config) -> Task<PanelMessage> {
        Task::perform(async move { load_panel(&dir, &config).map(Box::new) }, PanelMessage::Loaded)
    }

    pub fn update(&mut self, message: PanelMessage, env: &Env) -> (Task<PanelMessage>, Option<Event>) {
        let refresh = || Panel::refresh(env.data_dir.to_path_buf(), env.config.clone());
        match message {
            PanelMessage::SyncNow => return (Task::none(), Some(Event::Attendant(Request::SyncNow))),
            PanelMessage::Refresh => return (refresh(), None),
            PanelMessage::Loaded(Ok(d)) => self.data = *d,
            PanelMessage::Loaded(Err(e)) => self.sync = SyncNote::Unreadable(e),
            PanelMessage::SyncStarted => self.sync = SyncNote::Running,
            PanelMessage::SyncFinished(done) => {
                self.sync = SyncNote::Done(done);
                return (refresh(), None);
            }
            PanelMessage::PrintFailed(failure) => self.print_failure = Some(failure),
            PanelMessage::Scroll(m) => self.scroll.update(m),
            PanelMessage::Health(h) => self.health = Some(*h),
            PanelMessage::Exit => return (Task::none(), Some(Event::Attendant(Request::ExitToDesktop))),
            PanelMessage::Close => return (Task::none(), Some(Event::Attendant(Request::Close))),
            PanelMessage::FillOnBehalf => return (Task::none(), Some(Event::Attendant(Request::FillOnBehalf))),
            PanelMessage::TestPrint => return (Task::none(), Some(Event::Attendant(Request::TestPrint))),
        }
        (Task::none(), None)
    }

    pub fn view(&self, ctx: Ctx) -> Element<'_, PanelMessage> {
        let l = ctx.lang;
        let look = ctx.look;
        let d = &self.data;
        let line = |key: &str, v: String| -> Element<'_, PanelMessage> {
            row![text(t(l, key)).size(look.body()).width(if look.large { 260 } else { 220 }), text(v).size(look.body())]
                .spacing(12)
                .into()
        };
        // technical details (English, as the software says them) only in the English interface
        let english = l == Language::English;
        let record = |r: &Option<SyncRecord>| match r {
            Some(r) => {
                let outcome = t(l, &format!("sync-outcome-{}", r.outcome));
                if english {
                    format!("{} · {outcome} · {}", r.at, r.detail)
                } else {
                    format!("{} · {outcome}", r.at)
                }
            }
            None => "—".into(),
        };
        let mut content = Column::new().spacing(10).push(widgets::heading(ctx, t(l, "attendant-content")));
        content = content.push(line(
            "attendant-version",
            d.snapshot.as_ref().map(|s| format!("{} ({})", s.version, s.applied_at)).unwrap_or_else(|| "—".into()),
        ));
        content =
            content.push(line("attendant-source", d.source.clone().unwrap_or_else(|| t(l, "attendant-no-source"))));
        content = content.push(line("attendant-last-sync", record(&d.last)));
        content = content.push(line("attendant-last-success", record(&d.last_success)));
        if d.expired {
            content = content.push(line("attendant-expired", t(l, "yes")));
        }
        let note = match &self.sync {
            SyncNote::None | SyncNote::Running => None,
            SyncNote::Done(SyncDone::Updated { version }) => {
                Some(ta(l, "attendant-sync-updated", &[("version", (*version as i64).into())]))
            }
            SyncNote::Done(SyncDone::Unchanged) => Some(t(l, "attendant-sync-unchanged")),
            SyncNote::Done(SyncDone::Failed(e)) if english => Some(format!("{} {e}", t(l, "attendant-sync-failed"))),
            SyncNote::Done(SyncDone::Failed(_)) => Some(t(l, "attendant-sync-failed")),
            SyncNote::Unreadable(e) if english => Some(format!("{} {e}", t(l, "attendant-unreadable"))),
            SyncNote::Unreadable(_) => Some(t(l, "attendant-unreadable")),
        };
        if let Some(n) = note {
            content = content.push(widgets::muted(ctx, n));
        }
        let mut usage = Column::new().spacing(6).push(widgets::heading(ctx, t(l, "attendant-today")));
        let u = &d.usage;
        let rows: [(&str, u64); 11] = [
            ("usage-session", u.sessions),
            ("usage-open-document", u.documents),
            ("usage-open-guide", u.guides),
            ("usage-open-board", u.boards),
            ("usage-search", u.searches),
            ("usage-search-zero", u.zero_result_searches),
            ("usage-print", u.prints),
            ("usage-pages", u.pages),
            ("usage-requests", u.requests_citizen + u.requests_organisation),
            ("usage-feedback", u.ratings.iter().sum()),
            ("usage-speech", u.speech),
        ];
        for (key, n) in rows {
            usage = usage.push(line(key, n.to_string()));
        }
        let state = if english { d.printer.clone() } else { t(l, d.printer_key) };
        let mut printer =
            column![widgets::heading(ctx, t(l, "attendant-printer")), widgets::body(ctx, state)].spacing(6);
        if let Some(f) = &self.print_failure {
            let what = if english { format!("{} ({})", t(l, f.key), f.detail) } else { t(l, f.key) };
            printer = printer.push(widgets::muted(ctx, format!("{} {} {what}", t(l, "attendant-print-failure"), f.at)));
        }
        printer = printer.push(
            Row::new()
                .spacing(look.gap())
                .push(widgets::action(ctx, t(l, "attendant-test-print"), Some(PanelMessage::TestPrint), false))
                .push(widgets::action(ctx, t(l, "attendant-fill-on-behalf"), Some(PanelMessage::FillOnBehalf), true))
                .wrap(),
        );
        let syncing = self.sync == SyncNote::Running;
        let actions = Row::new()
            .spacing(look.gap())
            .push(widgets::action(
                ctx,
                t(l, if syncing { "attendant-syncing" } else { "attendant-sync-now" }),
                (!syncing && d.source.is_some()).then_some(PanelMessage::SyncNow),
                true,
            ))
            .push(widgets::action(ctx, t(l, "attendant-refresh"), Some(PanelMessage::Refresh), false))
            .push(widgets::action(ctx, t(l, "attendant-exit"), Some(PanelMessage::Exit), false))
            .push(widgets::action(ctx, t(l, "attendant-close"), Some(PanelMessage::Close), false))
            .wrap();
        let mut cards = column![widgets::card(ctx, content)].spacing(look.gap());
        if let Some(h) = &self.health {
            cards = cards.push(widgets::card(ctx, health_card(ctx, h, d.metrics_file.as_deref())));
        }
        scroll::area(
            ctx,
            &self.scroll,
            cards.push(widgets::card(ctx, printer)).push(widgets::card(ctx, usage)).push(actions),
            PanelMessage::Scroll,
            true,
        )
    }
}
