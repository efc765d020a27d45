//! Feedback and statistics upload: seals what is new into a batch in the store's outbox, then
//! sends each waiting batch with an HTTP `PUT` to `<url>/<kiosk>/<batch>.json` (a WebDAV or
//! S3-compatible endpoint). A batch leaves the outbox only once the server has answered 2xx; a
//! retry after a crash or an outage sends the same bytes to the same name, so the server never
//! holds a batch twice. The kiosk's status object waits in the outbox too (one, replaced by each
//! newer one) and goes to `<url>/<kiosk>/status.json`, overwriting the last.

use std::time::Duration;

use crate::store::{STATUS_ID, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("upload to {url} failed: {detail}; the batch stays in the outbox and is sent again next time")]
    Network { url: String, detail: String },
    #[error(
        "the upload server refused {url} with HTTP {status}; check [upload] url and that the server accepts PUT there"
    )]
    Refused { url: String, status: u16 },
    #[error("the upload URL `{url}` {why}")]
    BadUrl { url: String, why: String },
}

/// What one upload run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UploadReport {
    /// The batch sealed by this run, if there was anything new.
    pub sealed: Option<String>,
    /// Batches the server confirmed.
    pub sent: Vec<String>,
    /// Batches still waiting.
    pub waiting: usize,
    /// The kiosk's status object was sent (`<url>/<kiosk>/status.json`).
    pub status_sent: bool,
}

/// Where a batch (or the status object, `status.json`) goes.
pub fn batch_url(base: &str, kiosk: &str, batch: &str) -> String {
    format!("{}/{kiosk}/{batch}.json", base.trim_end_matches('/'))
}

/// Puts this kiosk's current status in the outbox for the next upload.
pub fn queue_status(store: &Store, status: &crate::metrics::KioskStatus) -> Result<(), UploadError> {
    let body = serde_json::to_string(status).expect("a status serialises");
    Ok(store.queue_status(&body)?)
}

/// Seals what is new, then sends every waiting batch, oldest first; stops at the first failure
/// (a server that is down is not asked once per batch).
pub fn upload(store: &mut Store, kiosk: &str, base_url: &str) -> Result<UploadReport, UploadError> {
    let sealed = seal(store, kiosk)?;
    Ok(UploadReport { sealed, ..send(store, kiosk, base_url)? })
}

/// Seals what is new (ratings, finished days) into a batch; its id, if there was anything.
pub fn seal(store: &mut Store, kiosk: &str) -> Result<Option<String>, UploadError> {
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    Ok(store.seal_batch(kiosk, &today)?)
}

/// Refuses an upload URL that can never work (see [`crate::config::http_url`]), saying what is
/// wrong with it; `upload --url` is checked with it before anything else is done.
pub fn check_url(url: &str) -> Result<(), UploadError> {
    crate::config::http_url(url)
        .map(|_| ())
        .map_err(|why| UploadError::BadUrl { url: crate::config::shown_url(url), why })
}

/// Sends every waiting batch, oldest first, stopping at the first failure.
pub fn send(store: &mut Store, kiosk: &str, base_url: &str) -> Result<UploadReport, UploadError> {
    check_url(base_url)?;
    let mut report = UploadReport::default();
    let waiting = store.outbox()?;
    report.waiting = waiting.iter().filter(|b| b.id != STATUS_ID).count();
    if waiting.is_empty() {
        return Ok(report);
    }
    let net = |url: &str, detail: String| UploadError::Network { url: url.to_string(), detail };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| net(base_url, format!("cannot start the network runtime: {e}")))?;
    let client = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(60))
        .build()
        .map_err(|e| net(base_url, crate::diagnostics::network_error(&e)))?;
    for batch in waiting {
        let url = batch_url(base_url, kiosk, &batch.id);
        let status = rt
            .block_on(async {
                client.put(&url).header("Content-Type", "application/json").body(batch.body.clone()).send().await
            })
            .map_err(|e| net(&url, crate::diagnostics::network_error(&e)))?
            .status();
        if !status.is_success() {
            return Err(UploadError::Refused { url, status: status.as_u16() });
        }
        if batch.id == STATUS_ID {
            store.confirm_status(&batch.body)?;
            report.status_sent = true;
            continue;
        }
        store.confirm_uploaded(&batch.id)?;
        tracing::info!(batch = %batch.id, "batch uploaded");
        report.sent.push(batch.id);
        report.waiting -= 1;
    }
    Ok(report)
}
