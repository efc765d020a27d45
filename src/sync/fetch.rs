//! Fetching pack files over HTTP: the manifest with a conditional GET, the pack's small files
//! whole into the staging log, media files into the staging folder, resumed with `Range` where
//! a partial file survives; every file checked for size and sha256 as it arrives. Retries back
//! off exponentially with jitter and honour `Retry-After`. Everything runs on one small async
//! runtime: many connections on a few threads, no thread hand-off per request.

use std::fs;
use std::future::Future;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use super::SyncError;
use super::options::SyncOptions;
use super::staging_log::StagingLog;
use crate::pack::FileRef;

/// Why one attempt at one file failed, and whether another attempt may help.
#[derive(Debug)]
pub(crate) enum Attempt {
    /// Worth another try (after `after` if the server said so).
    Retry { detail: String, after: Option<Duration> },
    /// Another try cannot help.
    Fatal(SyncError),
}

pub(crate) fn client(opts: &SyncOptions) -> Result<reqwest::Client, SyncError> {
    reqwest::Client::builder()
        .user_agent(concat!("gongkai-kiosk/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(opts.connect_timeout)
        .read_timeout(opts.stall_timeout)
        .tcp_keepalive(Duration::from_secs(15))
        .pool_max_idle_per_host(opts.concurrency.max(1))
        .build()
        .map_err(|e| SyncError::Network { url: opts.source.clone(), detail: crate::diagnostics::network_error(&e) })
}

/// The runtime the fetches run on: a few threads (at most one per core, four at most), with
/// timers and sockets.
pub(crate) fn runtime(opts: &SyncOptions) -> Result<tokio::runtime::Runtime, SyncError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).clamp(1, 4))
        .thread_name("sync-fetch")
        .enable_all()
        .build()
        .map_err(|e| SyncError::Network {
            url: opts.source.clone(),
            detail: format!("cannot start the network runtime: {e}"),
        })
}

/// The delay before attempt `n` (1-based) after a failure: exponential with full jitter, or the
/// server's Retry-After, never above `max`.
pub(crate) fn backoff(opts: &SyncOptions, n: u32, after: Option<Duration>) -> Duration {
    let exp = opts.backoff_base.saturating_mul(1u32 << n.min(16));
    let d = exp.mul_f64(0.5 + crate::jitter::fraction() * 0.5).min(opts.backoff_max);
    match after {
        Some(a) => a.max(d).min(opts.backoff_max),
        None => d,
    }
}

fn retry_after(resp: &reqwest::Response) -> Option<Duration> {
    let v = resp.headers().get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim().to_string();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(&v).ok()?;
    let secs = (when.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_seconds().max(0) as u64;
    Some(Duration::from_secs(secs))
}

/// A status other than the ones a fetch expects: a server error, 408 (request timeout) or 429
/// (too many requests) may pass and is retried; any other client error (404, 403, 410…) would
/// be the same on every retry, so it ends this sync at once (the next scheduled sync asks again,
/// by when a CDN has the new files).
fn status_attempt(url: &str, resp: &reqwest::Response) -> Attempt {
    let status = resp.status();
    let detail = format!("{url}: HTTP {status}");
    if status.is_server_error() || status.as_u16() == 429 || status.as_u16() == 408 {
        Attempt::Retry { detail, after: retry_after(resp) }
    } else {
        Attempt::Fatal(SyncError::Http { url: url.to_string(), status: status.as_u16() })
    }
}

/// A request that failed without a status (refused, unresolvable, a TLS or HTTP mismatch, a
/// broken connection): retried, with the cause named.
fn network_attempt(url: &str, e: &reqwest::Error) -> Attempt {
    Attempt::Retry { detail: format!("{url}: {}", crate::diagnostics::network_error(e)), after: None }
}

/// Where in a request a failure happened, for naming a time-out.
#[derive(Debug, Clone, Copy)]
enum Phase {
    /// Connecting and waiting for the response headers.
    Headers,
    /// Reading the body.
    Body,
}

/// A failed request: a time-out ends this sync at once (a server that stopped answering is not
/// asked five more times; the next sync resumes what was staged), anything else is retried.
fn request_attempt(url: &str, e: &reqwest::Error, opts: &SyncOptions, phase: Phase) -> Attempt {
    if !e.is_timeout() {
        return network_attempt(url, e);
    }
    let detail = match phase {
        _ if e.is_connect() => format!("could not connect within {} s", opts.connect_timeout.as_secs()),
        Phase::Headers => format!("the server sent no response headers within {} s", opts.stall_timeout.as_secs()),
        Phase::Body => format!("the server stopped sending the body for {} s", opts.stall_timeout.as_secs()),
    };
    Attempt::Fatal(SyncError::TimedOut { url: url.to_string(), detail })
}

/// "only 3 bytes in 20 s, too slow (at least 512 bytes/s is needed)".
fn too_slow(opts: &SyncOptions, bytes: u64) -> String {
    format!(
        "only {bytes} bytes in {} s, too slow (at least {} bytes/s is needed)",
        opts.stall_timeout.as_secs(),
        opts.min_rate_bytes_per_sec
    )
}

/// Runs `attempt` until it succeeds, fails fatally, or the attempts run out.
pub(crate) async fn with_retries<T, F: Future<Output = Result<T, Attempt>>>(
    opts: &SyncOptions,
    what: &str,
    mut attempt: impl FnMut() -> F,
) -> Result<T, SyncError> {
    let mut n = 0;
    loop {
        n += 1;
        match attempt().await {
            Ok(v) => return Ok(v),
            Err(Attempt::Fatal(e)) => return Err(e),
            Err(Attempt::Retry { detail, after }) => {
                // The error names the URL once.
                let detail = detail.strip_prefix(&format!("{what}: ")).map(str::to_string).unwrap_or(detail);
                if n >= opts.attempts {
                    return Err(SyncError::Network {
                        url: what.to_string(),
                        detail: format!("{detail}; gave up after {n} attempts"),
                    });
                }
                let wait = backoff(opts, n, after);
                if after.is_some_and(|a| a > opts.backoff_max) {
                    return Err(SyncError::Network {
                        url: what.to_string(),
                        detail: format!(
                            "{detail}; the server asks to retry after {} s",
                            after.unwrap_or_default().as_secs()
                        ),
                    });
                }
                tracing::info!(what, detail, wait_ms = wait.as_millis() as u64, "retrying");
                tokio::time::sleep(wait).await;
            }
        }
    }
}

/// The manifest: `None` when the server says it is unchanged (304).
pub(crate) struct ManifestResponse {
    pub bytes: Vec<u8>,
    pub etag: Option<String>,
}

pub(crate) async fn manifest(
    client: &reqwest::Client,
    opts: &SyncOptions,
    url: &str,
    etag: Option<&str>,
    max: u64,
    transferred: &AtomicU64,
) -> Result<Option<ManifestResponse>, SyncError> {
    with_retries(opts, url, || async move {
        let total = opts.stall_timeout * 3;
        let started = Instant::now();
        let mut req = client.get(url).timeout(total).header(reqwest::header::CACHE_CONTROL, "no-cache");
        if let Some(e) = etag {
            req = req.header(reqwest::header::IF_NONE_MATCH, e);
        }
        let mut resp = req.send().await.map_err(|e| request_attempt(url, &e, opts, Phase::Headers))?;
        if resp.status().as_u16() == 304 {
            return Ok(None);
        }
        if !resp.status().is_success() {
            return Err(status_attempt(url, &resp));
        }
        if let Some(len) = resp.content_length()
            && len > max
        {
            return Err(Attempt::Fatal(SyncError::Manifest(crate::pack::PackError::TooLarge { size: len, max })));
        }
        let etag = reusable_etag(resp.headers());
        let mut bytes = Vec::new();
        // As for content files: a body that keeps coming, but slower than the least rate,
        // is too slow (not stalled); unlike them it is not retried, as it cannot be resumed.
        let mut window_start = Instant::now();
        let mut window_bytes = 0u64;
        loop {
            let chunk = match resp.chunk().await {
                Ok(Some(c)) => c,
                Ok(None) => break,
                // The whole-request deadline, not a stall: say how far it got.
                Err(e) if e.is_timeout() && started.elapsed() + Duration::from_millis(500) >= total => {
                    return Err(Attempt::Fatal(SyncError::TooSlow {
                        url: url.to_string(),
                        detail: format!(
                            "only {} bytes of the manifest arrived in {} s, too slow",
                            bytes.len(),
                            total.as_secs()
                        ),
                    }));
                }
                Err(e) => return Err(request_attempt(url, &e, opts, Phase::Body)),
            };
            bytes.extend_from_slice(&chunk);
            transferred.fetch_add(chunk.len() as u64, Ordering::Relaxed);
            window_bytes += chunk.len() as u64;
            if bytes.len() as u64 > max {
                break;
            }
            if window_start.elapsed() >= opts.stall_timeout {
                if window_bytes < opts.min_rate_bytes_per_sec * opts.stall_timeout.as_secs().max(1) {
                    return Err(Attempt::Fatal(SyncError::TooSlow {
                        url: url.to_string(),
                        detail: too_slow(opts, window_bytes),
                    }));
                }
                window_start = Instant::now();
                window_bytes = 0;
            }
        }
        if bytes.len() as u64 > max {
            return Err(Attempt::Fatal(SyncError::Manifest(crate::pack::PackError::TooLarge {
                size: bytes.len() as u64,
                max,
            })));
        }
        if bytes.is_empty() {
            return Err(Attempt::Retry { detail: format!("{url}: empty response"), after: None });
        }
        Ok(Some(ManifestResponse { bytes, etag }))
    })
    .await
}

/// The manifest's ETag, if it may be sent back in `If-None-Match` next time.
///
/// Servers such as nginx make the ETag from the file's modification time in whole seconds and
/// its size, so a manifest rewritten within the same second, at the same size, keeps its ETag.
/// As RFC 9110 (8.8.2.2) says of such validators, one is only trusted once its file is at least a
/// second older than the response (`Date`); a fresher one is dropped and the next sync fetches
/// the manifest whole (a few kilobytes) instead of risking a 304 for a changed file. An ETag with
/// no `Last-Modified` beside it (a CDN's content hash) is kept.
fn reusable_etag(headers: &reqwest::header::HeaderMap) -> Option<String> {
    let text = |name| headers.get(name).and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok());
    let etag = text(reqwest::header::ETAG)?;
    let Some(modified) = text(reqwest::header::LAST_MODIFIED) else {
        return Some(etag.to_string());
    };
    let time = |s: &str| chrono::DateTime::parse_from_rfc2822(s).ok();
    let settled = match (time(modified), text(reqwest::header::DATE).and_then(time)) {
        (Some(modified), Some(date)) => date.signed_duration_since(modified) >= chrono::Duration::seconds(1),
        _ => false,
    };
    settled.then(|| etag.to_string())
}

/// Counters shared by the download workers (read by the progress reporter).
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub files: AtomicU64,
    pub bytes: AtomicU64,
    /// Everything received over the network, including retried and manifest bytes.
    pub transferred: AtomicU64,
}

/// What the staging folder already holds for one file.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Staged {
    /// A file of that name exists (whole, partial or damaged).
    pub exists: bool,
}

/// Where a staged file lives.
pub(crate) fn staged_path(staging: &Path, sha: &str) -> PathBuf {
    staging.join(sha)
}

/// Downloads one file into `staging/<sha>` (resuming what an earlier attempt left there),
/// hashing it as it arrives. Nothing is flushed here: the whole staging folder is flushed once, before the
/// apply ([`flush`]).
pub(crate) async fn file(
    client: &reqwest::Client,
    opts: &SyncOptions,
    url: &str,
    want: &FileRef,
    staging: &Path,
    counters: &Counters,
    staged: Staged,
) -> Result<PathBuf, SyncError> {
    // One name per file: a file shorter than its size is resumed, one of the right size is
    // checked again (files are flushed to disk once per sync, so after a power loss a staged
    // file may be damaged), anything else is fetched anew.
    let dest = staged_path(staging, &want.sha256);
    let mut exists = staged.exists;
    if exists {
        match fs::metadata(&dest).map(|m| m.len()) {
            Ok(len) if len == want.size && hash_file(&dest).ok().as_deref() == Some(want.sha256.as_str()) => {
                counters.files.fetch_add(1, Ordering::Relaxed);
                counters.bytes.fetch_add(want.size, Ordering::Relaxed);
                return Ok(dest);
            }
            Ok(len) if len < want.size => {}
            _ => {
                let _ = fs::remove_file(&dest);
                exists = false;
            }
        }
    }
    let part = dest.clone();
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |e: std::io::Error| {
            if e.raw_os_error() == Some(28) {
                Attempt::Fatal(SyncError::DiskFull {
                    path: p.clone(),
                    detail: "the disk filled up while writing".into(),
                })
            } else {
                Attempt::Fatal(SyncError::Io { path: p.clone(), source: e })
            }
        }
    };
    let corrupt_seen = AtomicBool::new(false);
    // Whether a partial file may exist (known from one listing of the staging folder, so a
    // new file costs no extra system calls).
    let part_exists = AtomicBool::new(exists);
    let (part, dest, corrupt_seen, part_exists) = (&part, &dest, &corrupt_seen, &part_exists);
    with_retries(opts, url, || async move {
        let mut have =
            if part_exists.load(Ordering::Relaxed) { fs::metadata(part).map(|m| m.len()).unwrap_or(0) } else { 0 };
        if have > want.size {
            fs::remove_file(part).map_err(io(part))?;
            have = 0;
        }
        let mut req = client.get(url).timeout(deadline(opts, want.size - have));
        if have > 0 && have < want.size {
            req = req.header(reqwest::header::RANGE, format!("bytes={have}-"));
        }
        let resp = req.send().await.map_err(|e| request_attempt(url, &e, opts, Phase::Headers))?;
        let status = resp.status().as_u16();
        let mut out =
            fs::OpenOptions::new().create(true).write(true).truncate(have == 0).open(part).map_err(io(part))?;
        part_exists.store(true, Ordering::Relaxed);
        let mut hasher = Sha256::new();
        match status {
            206 if have > 0 => {
                let expected = format!("bytes {have}-{}/{}", want.size - 1, want.size);
                let got =
                    resp.headers().get(reqwest::header::CONTENT_RANGE).and_then(|v| v.to_str().ok()).unwrap_or("");
                if got.trim() != expected {
                    // Not the part we asked for: start this file again from the beginning.
                    drop(out);
                    fs::remove_file(part).map_err(io(part))?;
                    return Err(Attempt::Retry {
                        detail: format!("{url}: Content-Range `{got}`, asked for `{expected}`"),
                        after: None,
                    });
                }
                // The bytes already here go into the hash first.
                let mut prefix = fs::File::open(part).map_err(io(part))?.take(have);
                let mut buf = vec![0u8; 256 * 1024];
                loop {
                    let n = prefix.read(&mut buf).map_err(io(part))?;
                    if n == 0 {
                        break;
                    }
                    hasher.update(&buf[..n]);
                }
                out.set_len(have).map_err(io(part))?;
                out.seek(SeekFrom::Start(have)).map_err(io(part))?;
            }
            200 => {
                // The server sent the whole file (it ignored Range, or there was nothing yet).
                if have > 0 {
                    out.set_len(0).map_err(io(part))?;
                    have = 0;
                }
            }
            206 => {
                drop(out);
                let _ = fs::remove_file(part);
                return Err(Attempt::Retry { detail: format!("{url}: 206 to a request without Range"), after: None });
            }
            416 => {
                drop(out);
                let _ = fs::remove_file(part);
                return Err(Attempt::Retry {
                    detail: format!("{url}: 416, the partial file is not a prefix"),
                    after: None,
                });
            }
            _ => return Err(status_attempt(url, &resp)),
        }
        let write = |chunk: &[u8]| out.write_all(chunk).map_err(io(part));
        match receive(resp, url, opts, counters, have, want.size, &mut hasher, write).await {
            Ok(()) => {}
            Err(BodyEnd::Discard(a)) => {
                drop(out);
                let _ = fs::remove_file(part);
                return Err(a);
            }
            Err(BodyEnd::Keep(a)) => return Err(a),
        }
        drop(out);
        if let Err(a) = check_hash(url, want, hasher, corrupt_seen) {
            let _ = fs::remove_file(part);
            return Err(a);
        }
        counters.files.fetch_add(1, Ordering::Relaxed);
        counters.bytes.fetch_add(want.size, Ordering::Relaxed);
        Ok(dest.clone())
    })
    .await
}

/// Why reading a body stopped before the file was whole.
enum BodyEnd {
    /// What was written is a prefix of the file (kept for a `Range` request next time).
    Keep(Attempt),
    /// What was written is not a prefix of the file (the body is longer than it): dropped.
    Discard(Attempt),
}

/// Reads the rest of a file's body, bytes `have..size`, into `write` and the hash, ending
/// the attempt when the body is longer or shorter than that or arrives slower than the least
/// rate.
#[allow(clippy::too_many_arguments)]
async fn receive(
    mut body: reqwest::Response,
    url: &str,
    opts: &SyncOptions,
    counters: &Counters,
    mut have: u64,
    size: u64,
    hasher: &mut Sha256,
    mut write: impl FnMut(&[u8]) -> Result<(), Attempt>,
) -> Result<(), BodyEnd> {
    if let Some(len) = body.content_length()
        && have + len > size
    {
        return Err(BodyEnd::Discard(Attempt::Retry {
            detail: format!("{url}: {len} bytes announced, {} expected", size - have),
            after: None,
        }));
    }
    let mut window_start = Instant::now();
    let mut window_bytes = 0u64;
    loop {
        let buf = match body.chunk().await {
            Ok(None) => break,
            Ok(Some(b)) => b,
            Err(e) => return Err(BodyEnd::Keep(request_attempt(url, &e, opts, Phase::Body))),
        };
        let n = buf.len();
        if have + n as u64 > size {
            return Err(BodyEnd::Discard(Attempt::Retry {
                detail: format!("{url}: longer than the {size} bytes the pack names"),
                after: None,
            }));
        }
        write(&buf).map_err(BodyEnd::Keep)?;
        hasher.update(&buf);
        have += n as u64;
        window_bytes += n as u64;
        counters.transferred.fetch_add(n as u64, Ordering::Relaxed);
        if window_start.elapsed() >= opts.stall_timeout {
            if window_bytes < opts.min_rate_bytes_per_sec * opts.stall_timeout.as_secs().max(1) {
                return Err(BodyEnd::Keep(Attempt::Retry {
                    detail: format!("{url}: {}", too_slow(opts, window_bytes)),
                    after: None,
                }));
            }
            window_start = Instant::now();
            window_bytes = 0;
        }
    }
    if have < size {
        return Err(BodyEnd::Keep(Attempt::Retry {
            detail: format!("{url}: ended after {have} of {size} bytes"),
            after: None,
        }));
    }
    Ok(())
}

/// A whole file's hash against the pack's: a mismatch is retried once from scratch (a damaged
/// partial file could be the cause), then ends the sync.
fn check_hash(url: &str, want: &FileRef, hasher: Sha256, corrupt_seen: &AtomicBool) -> Result<(), Attempt> {
    let found = hex::encode(hasher.finalize());
    if found == want.sha256 {
        return Ok(());
    }
    if corrupt_seen.swap(true, Ordering::Relaxed) {
        return Err(Attempt::Fatal(SyncError::Corrupt { url: url.to_string(), expected: want.sha256.clone(), found }));
    }
    Err(Attempt::Retry { detail: format!("{url}: sha256 {found}, expected {}", want.sha256), after: None })
}

/// A whole-request deadline that catches a connection stalling without a byte (the rate check
/// only runs when bytes arrive): generous, it grows with the size still to come.
fn deadline(opts: &SyncOptions, remaining: u64) -> Duration {
    opts.stall_timeout + Duration::from_secs_f64(remaining as f64 / (opts.min_rate_bytes_per_sec.max(1) * 32) as f64)
}

/// Downloads one of the pack's small files (a shard, an item, the site file) whole into memory,
/// checks it, and appends it to the staging log. One already in the log is not fetched again.
pub(crate) async fn record(
    client: &reqwest::Client,
    opts: &SyncOptions,
    url: &str,
    want: &FileRef,
    log: &StagingLog,
    counters: &Counters,
) -> Result<(), SyncError> {
    if !log.contains(&want.sha256) {
        let corrupt_seen = AtomicBool::new(false);
        let corrupt_seen = &corrupt_seen;
        with_retries(opts, url, || async move {
            let resp = client
                .get(url)
                .timeout(deadline(opts, want.size))
                .send()
                .await
                .map_err(|e| request_attempt(url, &e, opts, Phase::Headers))?;
            // as for media files: 206 without Range is retried, any other status but 200 judged
            // by `status_attempt`
            match resp.status().as_u16() {
                200 => {}
                206 => {
                    return Err(Attempt::Retry {
                        detail: format!("{url}: 206 to a request without Range"),
                        after: None,
                    });
                }
                _ => return Err(status_attempt(url, &resp)),
            }
            // The pack names the size; the capacity is capped in case it lies.
            let mut bytes = Vec::with_capacity(want.size.min(1 << 20) as usize);
            let mut hasher = Sha256::new();
            let write = |chunk: &[u8]| {
                bytes.extend_from_slice(chunk);
                Ok(())
            };
            receive(resp, url, opts, counters, 0, want.size, &mut hasher, write).await.map_err(|e| match e {
                BodyEnd::Keep(a) | BodyEnd::Discard(a) => a,
            })?;
            check_hash(url, want, hasher, corrupt_seen)?;
            log.append(&want.sha256, &bytes).map_err(|e| {
                let path = log.path().to_path_buf();
                if e.raw_os_error() == Some(28) {
                    Attempt::Fatal(SyncError::DiskFull { path, detail: "the disk filled up while writing".into() })
                } else {
                    Attempt::Fatal(SyncError::Io { path, source: e })
                }
            })
        })
        .await?;
    }
    counters.files.fetch_add(1, Ordering::Relaxed);
    counters.bytes.fetch_add(want.size, Ordering::Relaxed);
    Ok(())
}

pub(crate) fn hash_file(path: &Path) -> std::io::Result<String> {
    let mut f = fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

/// Flushes every staged file to disk at once (one `syncfs` of the staging folder's file
/// system), so the apply never refers to a file that a power loss could still take away.
pub(crate) fn flush(staging: &Path) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let dir = fs::File::open(staging)?;
    // SAFETY: `dir` is an open file descriptor for the duration of the call.
    if unsafe { libc::syncfs(dir.as_raw_fd()) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::reusable_etag;
    use reqwest::header::{DATE, ETAG, HeaderMap, HeaderValue, LAST_MODIFIED};

    fn headers(pairs: &[(reqwest::header::HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.insert(name.clone(), HeaderValue::from_str(value).unwrap());
        }
        h
    }

    #[test]
    fn an_etag_from_a_file_written_in_the_second_of_the_response_is_not_reused() {
        let etag = (ETAG, "\"6a4b1c2d-2f1a\"");
        let same_second = headers(&[
            etag.clone(),
            (LAST_MODIFIED, "Mon, 30 Nov 2026 21:52:09 GMT"),
            (DATE, "Mon, 30 Nov 2026 21:52:09 GMT"),
        ]);
        assert_eq!(reusable_etag(&same_second), None);
        // a clock that stamped the file ahead of the server's
        let ahead = headers(&[
            etag.clone(),
            (LAST_MODIFIED, "Mon, 30 Nov 2026 21:52:11 GMT"),
            (DATE, "Mon, 30 Nov 2026 21:52:09 GMT"),
        ]);
        assert_eq!(reusable_etag(&ahead), None);
        let unreadable =
            headers(&[etag.clone(), (LAST_MODIFIED, "yesterday"), (DATE, "Mon, 30 Nov 2026 21:52:09 GMT")]);
        assert_eq!(reusable_etag(&unreadable), None);
        let no_date = headers(&[etag.clone(), (LAST_MODIFIED, "Mon, 30 Nov 2026 21:52:09 GMT")]);
        assert_eq!(reusable_etag(&no_date), None);
    }

    #[test]
    fn an_etag_from_a_settled_file_or_without_a_modification_time_is_reused() {
        let etag = (ETAG, "\"6a4b1c2d-2f1a\"");
        let settled = headers(&[
            etag.clone(),
            (LAST_MODIFIED, "Mon, 30 Nov 2026 21:52:08 GMT"),
            (DATE, "Mon, 30 Nov 2026 21:52:09 GMT"),
        ]);
        assert_eq!(reusable_etag(&settled).as_deref(), Some("\"6a4b1c2d-2f1a\""));
        let content_hash = headers(&[(ETAG, "\"d41d8cd98f00b204e9800998ecf8427e\"")]);
        assert_eq!(reusable_etag(&content_hash).as_deref(), Some("\"d41d8cd98f00b204e9800998ecf8427e\""));
        assert_eq!(reusable_etag(&headers(&[(DATE, "Mon, 30 Nov 2026 21:52:09 GMT")])), None);
    }
}
