//! How a sync behaves: the source, the trusted keys, limits and timings.

use std::time::Duration;

use super::SyncError;
use crate::config::Config;
use crate::pack::PublicKey;

#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Base URL of the pack (the folder holding `manifest.json`), without a trailing slash.
    pub source: String,
    pub trusted_keys: Vec<PublicKey>,
    /// Free space to leave on the data directory's disk.
    pub reserve_bytes: u64,
    /// Files downloaded at once.
    pub concurrency: usize,
    /// Attempts per request before the sync gives up (it resumes next time).
    pub attempts: u32,
    pub backoff_base: Duration,
    /// The longest wait between attempts; a longer Retry-After ends this sync instead.
    pub backoff_max: Duration,
    pub connect_timeout: Duration,
    /// A read that waits this long, or a window this long with less than `min_rate`, is a
    /// stalled transfer: it is dropped and resumed.
    pub stall_timeout: Duration,
    pub min_rate_bytes_per_sec: u64,
}

impl SyncOptions {
    pub fn new(source: &str, trusted_keys: Vec<PublicKey>) -> Self {
        Self {
            source: source.trim_end_matches('/').to_string(),
            trusted_keys,
            reserve_bytes: 200 * 1024 * 1024,
            concurrency: 6,
            attempts: 5,
            backoff_base: Duration::from_millis(250),
            backoff_max: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            stall_timeout: Duration::from_secs(20),
            min_rate_bytes_per_sec: 512,
        }
    }

    /// Options from the kiosk's configuration; `source` overrides `sync.source_url`.
    pub fn from_config(cfg: &Config, source: Option<&str>) -> Result<Self, SyncError> {
        let source = source.map(str::to_string).or_else(|| cfg.sync.source_url.clone()).ok_or(SyncError::NoSource)?;
        check_source(&source)?;
        let mut keys = Vec::new();
        for k in &cfg.sync.trusted_keys {
            keys.push(PublicKey::parse(k).map_err(|e| SyncError::Config(e.to_string()))?);
        }
        let mut o = Self::new(&source, keys);
        o.reserve_bytes = cfg.sync.reserve_mb * 1024 * 1024;
        Ok(o)
    }

    pub fn manifest_url(&self) -> String {
        format!("{}/{}", self.source, crate::pack::MANIFEST_FILE)
    }

    pub fn object_url(&self, sha: &str) -> Option<String> {
        crate::pack::object_path(sha).map(|p| format!("{}/{p}", self.source))
    }
}

/// Refuses a pack source that can never work (see [`crate::config::http_url`]), before any
/// request or retry, saying what is wrong with it.
pub(crate) fn check_source(source: &str) -> Result<(), SyncError> {
    crate::config::http_url(source)
        .map(|_| ())
        .map_err(|why| SyncError::Config(format!("the pack source `{}` {why}", crate::config::shown_url(source))))
}
