//! The kiosk's background sync: at the configured interval (with jitter, and with backoff after
//! failures), a sync runs on its own thread, off the UI thread; the UI learns the outcome as a
//! message and reloads what it shows when the content changed. After each sync the outbox is
//! uploaded when `[upload] url` is set (also on a kiosk with no pack source), with the kiosk's
//! status object (for the office's fleet page) put in it first.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use iced::Task;
use iced::futures::channel::oneshot;

use crate::config::Config;
use crate::metrics::Live;
use crate::store::Store;
use crate::sync::{self, SyncOptions, SyncOutcome};

/// The outcome of one background sync, as the UI needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncDone {
    /// The live content changed: reload the screens.
    Updated {
        version: u64,
    },
    Unchanged,
    /// Failed; the previous content keeps serving. The message is for the log and attendant.
    Failed(String),
}

/// What the running window knows of its health (last touch, printer), shared with the sync
/// thread, which uploads it in the status object.
pub type SharedLive = Arc<Mutex<Live>>;

/// State kept between background syncs.
#[derive(Debug, Clone, Default)]
pub struct BackgroundSync {
    pub consecutive_failures: u32,
    pub last: Option<SyncDone>,
}

impl BackgroundSync {
    /// The first sync: soon after start, with jitter so that kiosks powered on together (a hall
    /// after a power cut) do not ask at once.
    pub fn first<M: Send + 'static>(
        config: &Config,
        data_dir: PathBuf,
        live: SharedLive,
        to_message: fn(SyncDone) -> M,
    ) -> Task<M> {
        // nothing to fetch and nothing to send: no background work
        if config.sync.source_url.is_none() && config.upload.url.is_none() {
            return Task::none();
        }
        let delay = sync::next_delay(Duration::from_secs(60), 0);
        schedule(config.clone(), data_dir, live, delay, to_message)
    }

    /// Records an outcome and schedules the next sync.
    pub fn finished<M: Send + 'static>(
        &mut self,
        done: SyncDone,
        config: &Config,
        data_dir: PathBuf,
        live: SharedLive,
        to_message: fn(SyncDone) -> M,
    ) -> Task<M> {
        match &done {
            SyncDone::Failed(e) => {
                self.consecutive_failures += 1;
                tracing::warn!(error = %e, failures = self.consecutive_failures, "background sync failed; content unchanged");
            }
            _ => self.consecutive_failures = 0,
        }
        self.last = Some(done);
        let interval = Duration::from_secs(u64::from(config.sync.interval_minutes) * 60);
        schedule(config.clone(), data_dir, live, sync::next_delay(interval, self.consecutive_failures), to_message)
    }
}

fn schedule<M: Send + 'static>(
    config: Config,
    data_dir: PathBuf,
    live: SharedLive,
    delay: Duration,
    to_message: fn(SyncDone) -> M,
) -> Task<M> {
    let (tx, rx) = oneshot::channel();
    std::thread::Builder::new()
        .name("background-sync".into())
        .spawn(move || {
            std::thread::sleep(delay);
            let live = live.lock().unwrap_or_else(|p| p.into_inner()).clone();
            let _ = tx.send(run_once(&config, &data_dir, &live));
        })
        .expect("a thread can be started");
    Task::perform(
        async move { rx.await.unwrap_or_else(|_| SyncDone::Failed("the sync thread stopped".into())) },
        to_message,
    )
}

/// Starts a sync now ("sync now" in attendant mode); it does not change the schedule.
pub fn now<M: Send + 'static>(
    config: &Config,
    data_dir: PathBuf,
    live: SharedLive,
    to_message: fn(SyncDone) -> M,
) -> Task<M> {
    schedule(config.clone(), data_dir, live, Duration::ZERO, to_message)
}

/// One sync at a time in this process: "sync now" waits for a background sync in progress.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// One sync of the kiosk's store with the configured source and keys, then the upload (with
/// the status object, gathered after the sync with what the window knows: `live`).
pub fn run_once(config: &Config, data_dir: &std::path::Path, live: &Live) -> SyncDone {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // a kiosk without a pack source (content from `import`) still sends its outbox
    let done = if config.sync.source_url.is_some() { sync_once(config, data_dir) } else { SyncDone::Unchanged };
    // the outbox goes out with each sync (whatever the sync's outcome)
    if let Some(url) = &config.upload.url {
        match Store::open(data_dir).map_err(crate::upload::UploadError::from).and_then(|mut s| {
            let status = crate::metrics::gather(&s, config, data_dir, live, chrono::Utc::now())?;
            crate::upload::queue_status(&s, &status)?;
            crate::upload::upload(&mut s, &config.zone_id, url)
        }) {
            Ok(r) => tracing::info!(sent = r.sent.len(), waiting = r.waiting, "upload"),
            Err(e) => tracing::warn!(error = %e, "upload failed; batches stay in the outbox"),
        }
    }
    done
}

fn sync_once(config: &Config, data_dir: &std::path::Path) -> SyncDone {
    let opts = match SyncOptions::from_config(config, None) {
        Ok(o) => o,
        Err(e) => return SyncDone::Failed(e.to_string()),
    };
    let mut store = match Store::open(data_dir) {
        Ok(s) => s,
        Err(e) => return SyncDone::Failed(e.to_string()),
    };
    match sync::sync(&mut store, data_dir, &opts, &|_| {}) {
        Ok(s) => match s.outcome {
            SyncOutcome::Updated { to, .. } => SyncDone::Updated { version: to },
            SyncOutcome::Unchanged { .. } => SyncDone::Unchanged,
        },
        Err(e) => SyncDone::Failed(e.to_string()),
    }
}
