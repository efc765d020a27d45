//! Sync: a signed pack over HTTP → verified files in a staging folder → one transaction that
//! switches the store to the new snapshot.
//!
//! Order of trust: the manifest is size-capped, its signature checked against the configured
//! keys, its version compared with the live one (no going back) and its expiry with the clock
//! (no frozen packs) before anything it names is fetched. Every file is checked against the size
//! and sha256 the signed manifest (or a shard it names) gives. Only the shards that changed are
//! fetched, and only the items and media files the store lacks. The store checks that the
//! result has the manifest's content hash before it commits. Whatever fails, the previous
//! content keeps serving, and the next sync resumes from what was staged.

mod disk;
mod fetch;
mod lock;
mod options;
pub mod retire;
mod staging_log;

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;

pub use options::SyncOptions;

use crate::content::{Board, Document, Faq, Guide, ItemKind, Site};
use crate::pack::{self, FileRef, ItemRef, PackError, Shard};
use crate::store::{ApplyReport, Delta, PackState, Store, StoreError, SyncRecord};
use staging_log::StagingLog;

pub const STAGING_DIR: &str = "staging";

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("no pack source: set sync.source_url in the configuration or pass --source URL")]
    NoSource,
    #[error("configuration: {0}")]
    Config(String),
    #[error("{url}: {detail}")]
    Network { url: String, detail: String },
    #[error("{url}: the server answered HTTP {status}{}", status_reason(*status))]
    Http { url: String, status: u16 },
    #[error("{url}: timed out: {detail}; the kiosk keeps its content and tries again at the next sync")]
    TimedOut { url: String, detail: String },
    /// The server kept sending, slower than the least rate (`SyncOptions::min_rate_bytes_per_sec`).
    #[error("{url}: {detail}; the kiosk keeps its content and tries again at the next sync")]
    TooSlow { url: String, detail: String },
    #[error("manifest refused: {0}")]
    Manifest(#[from] PackError),
    /// `live` is the floor: the highest version applied from a key still trusted (`key`), or the
    /// live version of a state that recorded no key (`key` is `None`).
    #[error(
        "manifest refused: it offers version {offered}, older than {} (a replayed or rolled-back pack). If a version that high was published by mistake, rotate the signing key: trust a new key instead and publish with it (docs/deployment.md, Part B §1)",
        floor_origin(*.live, .key)
    )]
    Rollback { live: u64, offered: u64, key: Option<String> },
    #[error(
        "manifest refused: version {version} is already live with different content; the publisher must publish a higher version"
    )]
    VersionReused { version: u64 },
    #[error(
        "manifest refused: version {version} expired at {expires}; the publisher must publish again (a frozen or stale pack)"
    )]
    Expired { version: u64, expires: String },
    #[error(
        "{url}: the file does not match the pack (sha256 {found}, expected {expected}); it was changed or damaged on the way"
    )]
    Corrupt { url: String, expected: String, found: String },
    #[error("{url}: {detail}")]
    BadFile { url: String, detail: String },
    #[error("not enough disk space in {path}: {detail}. Free some space; the kiosk keeps serving its content")]
    DiskFull { path: PathBuf, detail: String },
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    /// Another sync of the same data folder holds its lock (`sync::lock`: the command line
    /// while the kiosk's own sync runs, or the other way round).
    #[error("another sync of this data folder is running (it holds {path}); this one stops and leaves it to finish")]
    Busy { path: PathBuf },
    #[error("{0}")]
    Store(#[from] StoreError),
}

fn floor_origin(version: u64, key: &Option<String>) -> String {
    match key {
        Some(k) => format!("version {version}, applied from key {k}, which this kiosk still trusts"),
        None => format!("the live version {version}, synced before the kiosk recorded signing keys"),
    }
}

/// " Not Found" for 404: the standard reason phrase of an HTTP status, if it has one.
fn status_reason(status: u16) -> String {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map(|r| format!(" {r}"))
        .unwrap_or_default()
}

impl SyncError {
    /// Whether the next scheduled sync may succeed without anyone changing anything.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            SyncError::Network { .. }
                | SyncError::Http { .. }
                | SyncError::TimedOut { .. }
                | SyncError::TooSlow { .. }
                | SyncError::DiskFull { .. }
                | SyncError::Busy { .. }
        )
    }
}

/// What a running sync reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Progress {
    CheckingManifest,
    Downloading { files_done: u64, files_total: u64, bytes_done: u64, bytes_total: u64, bytes_per_sec: u64 },
    Applying { items: u64 },
    // The changes are committed: the new content is live.
    Applied { items: u64 },
}

#[derive(Debug, Clone, Serialize)]
pub enum SyncOutcome {
    /// The server's manifest is the live one.
    Unchanged {
        version: u64,
    },
    Updated {
        from: Option<u64>,
        to: u64,
        report: ApplyReport,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct SyncSummary {
    pub outcome: SyncOutcome,
    /// Files and bytes downloaded (content files, not counting the manifest).
    pub files: u64,
    pub bytes: u64,
    /// Everything received, manifest included.
    pub transferred: u64,
    pub seconds: f64,
}

/// Runs one sync of the store in `data_dir` and records its outcome in the store's sync log.
pub fn sync(
    store: &mut Store,
    data_dir: &Path,
    opts: &SyncOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<SyncSummary, SyncError> {
    let result = run(store, data_dir, opts, progress);
    let now = chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string();
    let record = match &result {
        Ok(s) => SyncRecord {
            at: now,
            source: opts.source.clone(),
            outcome: match s.outcome {
                SyncOutcome::Unchanged { .. } => "unchanged".into(),
                SyncOutcome::Updated { .. } => "updated".into(),
            },
            detail: match &s.outcome {
                SyncOutcome::Unchanged { version } => format!("pack version {version}"),
                SyncOutcome::Updated { from, to, .. } => {
                    format!("pack version {} → {to}", from.map(|v| v.to_string()).unwrap_or_else(|| "none".into()))
                }
            },
            files: s.files,
            bytes: s.bytes,
        },
        Err(e) => SyncRecord {
            at: now,
            source: opts.source.clone(),
            outcome: "failed".into(),
            detail: e.to_string(),
            files: 0,
            bytes: 0,
        },
    };
    if let Err(e) = store.record_sync(&record) {
        tracing::warn!(error = %e, "could not record the sync");
    }
    match &result {
        Ok(s) => tracing::info!(
            outcome = record.outcome,
            detail = record.detail,
            files = s.files,
            bytes = s.bytes,
            "sync finished"
        ),
        Err(e) => tracing::warn!(error = %e, "sync failed; the previous content keeps serving"),
    }
    result
}

fn run(
    store: &mut Store,
    data_dir: &Path,
    opts: &SyncOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<SyncSummary, SyncError> {
    let started = Instant::now();
    // A source that can never work, or no key to verify a pack with: refused before any
    // request or retry.
    options::check_source(&opts.source)?;
    if opts.trusted_keys.is_empty() {
        return Err(SyncError::Config(crate::config::NO_TRUSTED_KEYS.into()));
    }
    let _lock = lock::SyncLock::take(data_dir)?;
    let staging = data_dir.join(STAGING_DIR);
    retire::delete_leftovers(data_dir);
    fs::create_dir_all(&staging).map_err(|e| SyncError::Io { path: staging.clone(), source: e })?;
    // Media no snapshot refers to any more: collected now, never during an apply.
    let collected = store.collect_garbage()?;
    if collected > 0 {
        tracing::info!(files = collected, "unreferenced media files removed");
    }
    let client = fetch::client(opts)?;
    let rt = fetch::runtime(opts)?;
    let counters = std::sync::Arc::new(fetch::Counters::default());

    progress(Progress::CheckingManifest);
    // unreadable: refused, never taken for "no pack yet" (that would drop the version floor)
    let live = store.checked_pack_state()?;
    let snapshot = store.snapshot()?;
    // The live pack describes the store only if nothing (an import) changed the content since.
    let consistent = match (&live, &snapshot) {
        (Some(p), Some(s)) => p.content_hash == s.content_hash && p.source == opts.source,
        _ => false,
    };
    // (A state that has not recorded its signing keys fetches the manifest to learn them.)
    let etag = live.as_ref().filter(|p| consistent && !p.signed_by.is_empty()).and_then(|p| p.etag.as_deref());
    let manifest_url = opts.manifest_url();
    let Some(resp) = rt.block_on(fetch::manifest(
        &client,
        opts,
        &manifest_url,
        etag,
        pack::MAX_MANIFEST_BYTES,
        &counters.transferred,
    ))?
    else {
        let version = live.as_ref().map(|p| p.version).unwrap_or(0);
        return Ok(summary(SyncOutcome::Unchanged { version }, &counters, started));
    };
    let manifest = pack::verify_manifest(&resp.bytes, &opts.trusted_keys)?;
    let body = &manifest.body;
    // No going back below the highest version applied from a key still trusted. Rotating the
    // signing key (removing the old one from `trusted_keys`) lifts the old key's floor, so a
    // version published too high by mistake does not lock the kiosk out for good.
    let floor = live.as_ref().and_then(|p| p.version_floor(|k| opts.trusted_keys.iter().any(|t| t.id() == k)));
    if let (Some(p), Some(floor)) = (&live, floor) {
        if body.version < floor.version {
            return Err(SyncError::Rollback { live: floor.version, offered: body.version, key: floor.keyid });
        }
        if body.version == floor.version && manifest.sha256 != p.manifest_sha256 {
            return Err(SyncError::VersionReused { version: body.version });
        }
    }
    // A state written before keys were recorded learns them from its own manifest, verified
    // again (whether or not it has expired since).
    if live.as_ref().is_some_and(|p| p.signed_by.is_empty() && p.manifest_sha256 == manifest.sha256) {
        store.record_pack_signers(&manifest.signers)?;
    }
    let now = chrono::Utc::now();
    if body.expires < now {
        return Err(SyncError::Expired { version: body.version, expires: body.expires.to_rfc3339() });
    }
    // One day more than publish allows, for clocks that differ.
    if body.expires > now + chrono::Duration::days(i64::from(pack::MAX_VALID_DAYS) + 1) {
        return Err(SyncError::Manifest(PackError::Malformed(format!(
            "it stays valid until {}, more than {} days from now",
            body.expires.to_rfc3339(),
            pack::MAX_VALID_DAYS
        ))));
    }
    if consistent && live.as_ref().is_some_and(|p| p.manifest_sha256 == manifest.sha256) {
        store.set_pack_etag(resp.etag.as_deref())?;
        return Ok(summary(SyncOutcome::Unchanged { version: body.version }, &counters, started));
    }

    // There is something to fetch: the staging log (with what an earlier sync left in it).
    let log_path = staging.join(staging_log::LOG_FILE);
    let (log, reopened) =
        StagingLog::open(&staging).map_err(|source| SyncError::Io { path: log_path.clone(), source })?;
    let log = std::sync::Arc::new(log);
    if reopened.records > 0 || reopened.cut_bytes > 0 {
        tracing::info!(
            records = reopened.records,
            cut_bytes = reopened.cut_bytes,
            "an earlier sync's staged files are used again"
        );
    }

    // Shards: only those that differ from the live pack's.
    let same_layout = consistent && live.as_ref().is_some_and(|p| p.shard_bits == body.shard_bits);
    let changed_shards: Vec<usize> = (0..body.shards.len())
        .filter(|&i| !same_layout || live.as_ref().and_then(|p| p.shards.get(i)) != Some(&body.shards[i].sha256))
        .collect();
    let shard_files: Vec<FileRef> = changed_shards.iter().map(|&i| body.shards[i].clone()).collect();
    for f in &shard_files {
        if f.size > pack::MAX_SHARD_BYTES {
            return Err(SyncError::BadFile {
                url: object_url(opts, &f.sha256)?,
                detail: format!("a shard of {} bytes is over the limit", f.size),
            });
        }
    }
    let staged = Staging { dir: &staging, log: &log };
    download_all(&rt, &client, opts, staged, &shard_files, &[], &counters, progress)?;
    let mut shards: BTreeMap<usize, Shard> = BTreeMap::new();
    for &i in &changed_shards {
        let f = &body.shards[i];
        let bytes = staged.read(f)?;
        let shard = check_shard(&bytes, i, body.shard_bits)
            .map_err(|detail| SyncError::BadFile { url: object_url(opts, &f.sha256).unwrap_or_default(), detail })?;
        shards.insert(i, shard);
    }

    // What the store holds in those shards, and what it lacks.
    let held: Vec<(ItemKind, String, String)> = store.item_hashes()?;
    let mut held_in_changed: HashMap<String, (ItemKind, String)> = HashMap::new();
    for (t, id, hash) in held {
        if shards.contains_key(&pack::shard_of(&id, body.shard_bits)) {
            held_in_changed.insert(id, (t, hash));
        }
    }
    let mut needed_items: Vec<&ItemRef> = Vec::new();
    let mut needed_media: BTreeMap<String, FileRef> = BTreeMap::new();
    let mut removed: Vec<(ItemKind, String)> = Vec::new();
    for item in shards.values().flat_map(|s| s.items.iter()) {
        let table = item.kind;
        match held_in_changed.remove(&item.id) {
            Some((t, hash)) if t == table && hash == item.sha256 => {}
            Some((t, _)) if t != table => {
                // The id now names another kind of item: the old row goes, the new one comes.
                removed.push((t, item.id.clone()));
                needed_items.push(item);
            }
            _ => needed_items.push(item),
        }
        // Media of every item in a changed shard, fetched if the blob directory lacks them.
        for m in &item.media {
            if !store.blobs().contains(&m.sha256) {
                needed_media.insert(m.sha256.clone(), m.clone());
            }
        }
    }
    removed.extend(held_in_changed.into_iter().map(|(id, (t, _))| (t, id)));
    let site_needed = store.site_hash()?.as_deref() != Some(body.site.sha256.as_str());
    // The pack's small files go to the staging log, media files (and a record too big to hold
    // in memory) to files of their own.
    let mut records: Vec<FileRef> =
        needed_items.iter().map(|i| FileRef { sha256: i.sha256.clone(), size: i.size }).collect();
    if site_needed {
        records.push(body.site.clone());
    }
    records.sort();
    records.dedup();
    let (records, mut files): (Vec<FileRef>, Vec<FileRef>) =
        records.into_iter().partition(|f| f.size <= staging_log::MAX_RECORD_BYTES);
    files.extend(needed_media.values().cloned());
    files.sort();
    files.dedup();

    // Disk space: what is still to come, the database's growth, and the reserve.
    let item_bytes: u64 = needed_items.iter().map(|i| i.size).sum();
    let to_download: u64 = records.iter().filter(|f| !log.contains(&f.sha256)).map(|f| f.size).sum::<u64>()
        + files.iter().filter(|f| !fetch::staged_path(&staging, &f.sha256).is_file()).map(|f| f.size).sum::<u64>();
    let need = to_download + 3 * item_bytes;
    if let Err(e) = disk::ensure_space(&staging, need, opts.reserve_bytes) {
        // a staging folder of an earlier sync still being deleted holds space: wait for it
        if !retire::pending() {
            return Err(e);
        }
        retire::wait();
        disk::ensure_space(&staging, need, opts.reserve_bytes)?;
    }

    download_all(&rt, &client, opts, staged, &records, &files, &counters, progress)?;
    fetch::flush(&staging).map_err(|e| SyncError::Io { path: staging.clone(), source: e })?;

    // Build the delta from the staged files.
    progress(Progress::Applying { items: needed_items.len() as u64 });
    let mut delta = Delta { removed, expect_content_hash: Some(body.content_hash.clone()), ..Default::default() };
    for item in &needed_items {
        let f = FileRef { sha256: item.sha256.clone(), size: item.size };
        let bytes = staged.read(&f)?;
        let bad = |e: serde_json::Error| SyncError::BadFile {
            url: object_url(opts, &item.sha256).unwrap_or_default(),
            detail: format!("{} {}: {e}", item.kind.key(), item.id),
        };
        match item.kind {
            ItemKind::Document => delta.documents.push(check_id(
                serde_json::from_slice::<Document>(&bytes).map_err(bad)?,
                |d| &d.id,
                item,
                opts,
            )?),
            ItemKind::Guide => delta.guides.push(check_id(
                serde_json::from_slice::<Guide>(&bytes).map_err(bad)?,
                |g| &g.id,
                item,
                opts,
            )?),
            ItemKind::Board => delta.boards.push(check_id(
                serde_json::from_slice::<Board>(&bytes).map_err(bad)?,
                |b| &b.id,
                item,
                opts,
            )?),
            ItemKind::Faq => {
                delta.faqs.push(check_id(serde_json::from_slice::<Faq>(&bytes).map_err(bad)?, |q| &q.id, item, opts)?)
            }
        }
    }
    if site_needed {
        let bytes = staged.read(&body.site)?;
        let site: Site = serde_json::from_slice(&bytes).map_err(|e| SyncError::BadFile {
            url: object_url(opts, &body.site.sha256).unwrap_or_default(),
            detail: format!("site: {e}"),
        })?;
        delta.site = Some(site);
    }
    for sha in needed_media.keys() {
        delta.blobs.insert(sha.clone(), fetch::staged_path(&staging, sha));
    }
    // Shards that did not change keep their hashes; changed ones take the new.
    let mut pack_state = PackState {
        source: opts.source.clone(),
        version: body.version,
        manifest_sha256: manifest.sha256.clone(),
        etag: resp.etag.clone(),
        created: body.created.to_rfc3339(),
        expires: body.expires.to_rfc3339(),
        content_hash: body.content_hash.clone(),
        shard_bits: body.shard_bits,
        shards: body.shards.iter().map(|s| s.sha256.clone()).collect(),
        signed_by: Vec::new(),
        // Every key's floor is kept, also of keys no longer trusted (trusted again, they bring
        // it back); a state that recorded no key had its floor checked above and starts here.
        key_versions: live.as_ref().map(|p| p.key_versions.clone()).unwrap_or_default(),
    };
    pack_state.record_signers(&manifest.signers);
    delta.pack = Some(pack_state);
    let from = live.as_ref().filter(|_| consistent).map(|p| p.version);
    let report =
        store.apply_delta(&delta, &format!("pack {} version {}", opts.source, body.version)).map_err(|e| match e {
            StoreError::Io { path, source } if source.raw_os_error() == Some(28) => {
                SyncError::DiskFull { path, detail: source.to_string() }
            }
            StoreError::Sqlite { path, source }
                if source.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull) =>
            {
                SyncError::DiskFull { path, detail: "the database could not grow".into() }
            }
            e => SyncError::Store(e),
        })?;
    progress(Progress::Applied { items: needed_items.len() as u64 });

    // The staged files are in the store now: the staging folder is moved aside and deleted in
    // the background, so the sync ends at the commit.
    drop(log);
    retire::retire(data_dir, &staging);
    Ok(summary(SyncOutcome::Updated { from, to: body.version, report }, &counters, started))
}

fn summary(outcome: SyncOutcome, c: &fetch::Counters, started: Instant) -> SyncSummary {
    SyncSummary {
        outcome,
        files: c.files.load(Ordering::Relaxed),
        bytes: c.bytes.load(Ordering::Relaxed),
        transferred: c.transferred.load(Ordering::Relaxed),
        seconds: started.elapsed().as_secs_f64(),
    }
}

fn object_url(opts: &SyncOptions, sha: &str) -> Result<String, SyncError> {
    opts.object_url(sha).ok_or_else(|| SyncError::BadFile {
        url: opts.source.clone(),
        detail: format!("`{sha}` is not a sha256 file name"),
    })
}

/// Parses shard `index` of a pack with `bits` shard bits and checks each item in it: its id is
/// a usable id (it becomes a row, a message and a screen's route, whoever signed the pack),
/// it belongs in this shard, and its file is named by a sha256.
pub fn check_shard(bytes: &[u8], index: usize, bits: u8) -> Result<Shard, String> {
    let shard: Shard = serde_json::from_slice(bytes).map_err(|e| format!("shard: {e}"))?;
    for item in &shard.items {
        if !crate::content::is_valid_id(&item.id) {
            return Err(format!(
                "item id \"{}\" is not a usable id (1 to {} letters, digits, '-', '_' or '.')",
                crate::diagnostics::printable(&item.id, 120),
                crate::content::MAX_ID_LEN
            ));
        }
        if pack::shard_of(&item.id, bits) != index || !pack::is_sha256(&item.sha256) {
            return Err(format!("item {} does not belong in shard {index}", item.id));
        }
    }
    Ok(shard)
}

fn check_id<T>(item: T, id: impl Fn(&T) -> &String, r: &ItemRef, opts: &SyncOptions) -> Result<T, SyncError> {
    if id(&item) != &r.id {
        return Err(SyncError::BadFile {
            url: object_url(opts, &r.sha256).unwrap_or_default(),
            detail: format!("the file holds item {}, the shard names {}", id(&item), r.id),
        });
    }
    Ok(item)
}

/// Where this sync stages what it fetches: the log for the pack's small files, the folder for
/// the rest.
#[derive(Clone, Copy)]
struct Staging<'a> {
    dir: &'a Path,
    log: &'a std::sync::Arc<StagingLog>,
}

impl Staging<'_> {
    /// A staged file's bytes, checked against its hash once more (the disk may have damaged
    /// them since they arrived).
    fn read(&self, f: &FileRef) -> Result<Vec<u8>, SyncError> {
        let (bytes, place) = match self.log.read(&f.sha256) {
            Ok(Some(bytes)) => (bytes, format!("{} (the record of {})", self.log.path().display(), f.sha256)),
            Ok(None) => {
                let path = fetch::staged_path(self.dir, &f.sha256);
                let bytes = fs::read(&path).map_err(|e| SyncError::Io { path: path.clone(), source: e })?;
                (bytes, path.display().to_string())
            }
            Err(e) => return Err(SyncError::Io { path: self.log.path().to_path_buf(), source: e }),
        };
        let found = pack::sha256_hex(&bytes);
        if found != f.sha256 {
            // a damaged file goes; a damaged record is cut when the next sync opens the log
            let _ = fs::remove_file(fetch::staged_path(self.dir, &f.sha256));
            return Err(SyncError::Corrupt { url: place, expected: f.sha256.clone(), found });
        }
        Ok(bytes)
    }
}

/// Downloads every file not yet staged, `opts.concurrency` at a time, reporting progress:
/// `records` into the staging log, `files` into files of their own.
#[allow(clippy::too_many_arguments)]
fn download_all(
    rt: &tokio::runtime::Runtime,
    client: &reqwest::Client,
    opts: &SyncOptions,
    staged: Staging<'_>,
    records: &[FileRef],
    files: &[FileRef],
    counters: &std::sync::Arc<fetch::Counters>,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<(), SyncError> {
    use futures_util::stream::{self, StreamExt};
    if records.is_empty() && files.is_empty() {
        return Ok(());
    }
    let staging = staged.dir;
    let files_total = (records.len() + files.len()) as u64;
    let files_before = counters.files.load(Ordering::Relaxed);
    let bytes_before = counters.bytes.load(Ordering::Relaxed);
    let total_bytes: u64 = records.iter().chain(files).map(|f| f.size).sum();
    // One listing of the staging folder tells which files are (partly) there already.
    let listed: std::collections::HashSet<String> = fs::read_dir(staging)
        .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    // Free space is checked before every 32 MB of downloads.
    let since_check = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(u64::MAX / 2));
    const CHECK_EVERY: u64 = 32 * 1024 * 1024;
    let started = Instant::now();
    let report = || {
        let secs = started.elapsed().as_secs_f64().max(0.001);
        progress(Progress::Downloading {
            files_done: counters.files.load(Ordering::Relaxed) - files_before,
            files_total,
            bytes_done: counters.bytes.load(Ordering::Relaxed) - bytes_before,
            bytes_total: total_bytes,
            bytes_per_sec: (counters.transferred.load(Ordering::Relaxed) as f64 / secs) as u64,
        });
    };
    let done = AtomicBool::new(false);
    let result = std::thread::scope(|s| {
        s.spawn(|| {
            while !done.load(Ordering::Relaxed) {
                report();
                std::thread::sleep(Duration::from_millis(200));
            }
        });
        let result = rt.block_on(async {
            // Each transfer is its own task, so the runtime's threads share the hashing and
            // writing.
            let wanted = records.iter().map(|f| (f, true)).chain(files.iter().map(|f| (f, false)));
            let mut downloads = stream::iter(wanted.map(|(f, logged)| {
                let (client, opts, staging, log, counters, since_check) = (
                    client.clone(),
                    opts.clone(),
                    staging.to_path_buf(),
                    staged.log.clone(),
                    counters.clone(),
                    since_check.clone(),
                );
                let f = f.clone();
                let exists = fetch::Staged { exists: !logged && listed.contains(&f.sha256) };
                tokio::spawn(async move {
                    let url = object_url(&opts, &f.sha256)?;
                    if since_check.fetch_add(f.size, Ordering::Relaxed) >= CHECK_EVERY {
                        since_check.store(0, Ordering::Relaxed);
                        disk::ensure_free(&staging, CHECK_EVERY.min(total_bytes).max(f.size), opts.reserve_bytes)?;
                    }
                    if logged {
                        fetch::record(&client, &opts, &url, &f, &log, &counters).await
                    } else {
                        fetch::file(&client, &opts, &url, &f, &staging, &counters, exists).await.map(|_| ())
                    }
                })
            }))
            .buffer_unordered(opts.concurrency.clamp(1, 64));
            // The first failure ends the sync; dropping the stream stops the other transfers
            // (their partial files stay for the next sync to resume).
            while let Some(r) = downloads.next().await {
                r.map_err(|e| SyncError::Network {
                    url: opts.source.clone(),
                    detail: format!("a transfer stopped: {e}"),
                })??;
            }
            Ok::<(), SyncError>(())
        });
        done.store(true, Ordering::Relaxed);
        result
    });
    report();
    result
}

/// The delay before the next background sync: the interval with ±20% jitter after a success;
/// after failures, an exponential backoff from 30 s (never above the interval), with jitter,
/// so that a region's kiosks do not all return at once after an outage.
pub fn next_delay(interval: Duration, consecutive_failures: u32) -> Duration {
    if consecutive_failures == 0 {
        return interval.mul_f64(0.8 + 0.4 * crate::jitter::fraction());
    }
    let base = Duration::from_secs(30).saturating_mul(1u32 << consecutive_failures.min(12)).min(interval);
    base.mul_f64(0.5 + 0.5 * crate::jitter::fraction())
}

/// What `status` and the UI show about content freshness.
#[derive(Debug, Clone, Serialize)]
pub struct SyncStatus {
    pub pack: Option<PackState>,
    pub last: Option<SyncRecord>,
    pub last_success: Option<SyncRecord>,
    /// The live pack's manifest has expired (the publisher has not published since).
    pub expired: bool,
}

pub fn status(store: &Store) -> Result<SyncStatus, StoreError> {
    let pack = store.pack_state()?;
    let history = store.sync_history(200)?;
    let expired = pack
        .as_ref()
        .and_then(|p| chrono::DateTime::parse_from_rfc3339(&p.expires).ok())
        .is_some_and(|e| e < chrono::Utc::now());
    Ok(SyncStatus {
        pack,
        last: history.first().cloned(),
        last_success: history.iter().find(|r| r.outcome != "failed").cloned(),
        expired,
    })
}
