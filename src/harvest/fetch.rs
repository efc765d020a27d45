//! Fetching a portal politely: one `User-Agent` naming the tool, a pace per host (default one
//! request a second, slower if robots.txt asks), conditional GET with the validators of the last
//! run, redirects followed by hand (so each hop is checked against robots.txt and permanent ones
//! remembered), time-outs, and a size cap on every body.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use reqwest::header::{CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED, LOCATION};
use reqwest::{StatusCode, Url};
use serde::{Deserialize, Serialize};

/// What a server said about a body last time, to ask "has it changed?".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validators {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

impl Validators {
    pub fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }
}

#[derive(Debug)]
pub enum Fetched {
    /// 304: what we have is current.
    NotModified {
        url: Url,
    },
    Body {
        url: Url,
        bytes: Vec<u8>,
        content_type: Option<String>,
        validators: Validators,
    },
}

/// Why a URL could not be read; each names the URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum FetchError {
    Status { url: String, status: u16 },
    Timeout { url: String, seconds: u64 },
    Network { url: String, detail: String },
    TooLarge { url: String, limit: u64 },
    Robots { url: String },
    TooManyRedirects { url: String, hops: usize },
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.url(), self.reason())
    }
}

impl std::error::Error for FetchError {}

impl FetchError {
    pub fn url(&self) -> &str {
        match self {
            FetchError::Status { url, .. }
            | FetchError::Timeout { url, .. }
            | FetchError::Network { url, .. }
            | FetchError::TooLarge { url, .. }
            | FetchError::Robots { url }
            | FetchError::TooManyRedirects { url, .. } => url,
        }
    }

    /// What went wrong, without the URL.
    pub fn reason(&self) -> String {
        match self {
            FetchError::Status { status, .. } => format!("the server answered {status}"),
            FetchError::Timeout { seconds, .. } => format!("no answer within {seconds} s (time-out)"),
            FetchError::Network { detail, .. } => detail.clone(),
            FetchError::TooLarge { limit, .. } => {
                format!("larger than {limit} bytes; left out (raise the profile's size cap to take it)")
            }
            FetchError::Robots { .. } => "robots.txt asks crawlers not to fetch it".to_string(),
            FetchError::TooManyRedirects { hops, .. } => format!("more than {hops} redirects"),
        }
    }

    /// Whether the page is gone for good (404, 410) rather than unreadable this time.
    pub fn is_gone(&self) -> bool {
        matches!(self, FetchError::Status { status: 404 | 410, .. })
    }
}

const MAX_REDIRECTS: usize = 8;

/// Counters of one run, for the report.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Traffic {
    pub requests: u64,
    pub not_modified: u64,
    /// Body bytes received.
    pub bytes: u64,
    pub redirects: u64,
    pub errors: u64,
}

/// The next free moment per host. `reserve` is the pure rule: a request may start at the later of
/// now and the host's next slot, and the slot after it is one interval later.
#[derive(Debug, Default)]
pub struct Pacer {
    next: HashMap<String, Instant>,
}

impl Pacer {
    pub fn reserve(&mut self, host: &str, now: Instant, interval: Duration) -> Instant {
        let slot = self.next.get(host).map_or(now, |n| (*n).max(now));
        self.next.insert(host.to_string(), slot + interval);
        slot
    }
}

pub struct Fetcher {
    client: reqwest::Client,
    timeout: Duration,
    interval: Duration,
    pacer: Mutex<Pacer>,
    /// Per host: extra delay asked by robots.txt.
    delays: Mutex<HashMap<String, Duration>>,
    pub traffic: Mutex<Traffic>,
    /// Permanent redirects seen (301, 308): (from, to), so the next run asks the target directly.
    pub moved: Mutex<Vec<(String, String)>>,
}

/// `host:port` of a URL (the unit of politeness).
pub fn host_key(u: &Url) -> String {
    format!("{}:{}", u.host_str().unwrap_or(""), u.port_or_known_default().unwrap_or(0))
}

impl Fetcher {
    pub fn new(user_agent: &str, rate: f64, timeout: Duration, concurrency: usize) -> Result<Self, String> {
        let client = reqwest::Client::builder()
            .user_agent(user_agent)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeout.min(Duration::from_secs(15)))
            // a server that stops sending for this long has timed out, however big the file
            .read_timeout(timeout)
            .pool_max_idle_per_host(concurrency.max(1))
            .build()
            .map_err(|e| format!("cannot start the HTTP client: {e}"))?;
        let interval = if rate > 0.0 { Duration::from_secs_f64(1.0 / rate) } else { Duration::ZERO };
        Ok(Fetcher {
            client,
            timeout,
            interval,
            pacer: Mutex::new(Pacer::default()),
            delays: Mutex::new(HashMap::new()),
            traffic: Mutex::new(Traffic::default()),
            moved: Mutex::new(Vec::new()),
        })
    }

    /// A crawl delay asked by a host's robots.txt (only ever slows down).
    pub fn set_delay(&self, host: &str, delay: Duration) {
        self.delays.lock().expect("delays").insert(host.to_string(), delay);
    }

    async fn wait_turn(&self, u: &Url) {
        let host = host_key(u);
        let interval = self.delays.lock().expect("delays").get(&host).copied().unwrap_or_default().max(self.interval);
        if interval.is_zero() {
            return;
        }
        let slot = self.pacer.lock().expect("pacer").reserve(&host, Instant::now(), interval);
        tokio::time::sleep_until(tokio::time::Instant::from_std(slot)).await;
    }

    fn count(&self, f: impl FnOnce(&mut Traffic)) {
        f(&mut self.traffic.lock().expect("traffic"));
    }

    /// GETs `url` (conditionally, if `validators` are given), following redirects; `allowed`
    /// says whether robots.txt lets us fetch a URL (checked for every hop).
    pub async fn get(
        &self,
        url: &Url,
        validators: Option<&Validators>,
        max_bytes: u64,
        allowed: &(dyn Fn(&Url) -> bool + Sync),
    ) -> Result<Fetched, FetchError> {
        let mut current = url.clone();
        for _ in 0..=MAX_REDIRECTS {
            if !allowed(&current) {
                return Err(FetchError::Robots { url: current.to_string() });
            }
            self.wait_turn(&current).await;
            // the whole request: the time-out, plus what 100 KB/s needs for the largest body allowed
            let total = self.timeout + Duration::from_secs(max_bytes / 100_000);
            let mut req = self.client.get(current.clone()).timeout(total);
            if let Some(v) = validators.filter(|_| current == *url) {
                if let Some(e) = &v.etag {
                    req = req.header(IF_NONE_MATCH, e);
                }
                if let Some(m) = &v.last_modified {
                    req = req.header(IF_MODIFIED_SINCE, m);
                }
            }
            self.count(|t| t.requests += 1);
            let resp = match req.send().await {
                Ok(r) => r,
                Err(e) => {
                    self.count(|t| t.errors += 1);
                    return Err(self.network_error(&current, &e));
                }
            };
            let status = resp.status();
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                let Some(loc) = resp.headers().get(LOCATION).and_then(|l| l.to_str().ok()) else {
                    self.count(|t| t.errors += 1);
                    return Err(FetchError::Status { url: current.to_string(), status: status.as_u16() });
                };
                let Some(next) = super::page::resolve(&current, loc) else {
                    return Err(FetchError::Network {
                        url: current.to_string(),
                        detail: format!("redirects to \"{loc}\", which is not a web address"),
                    });
                };
                self.count(|t| t.redirects += 1);
                if matches!(status, StatusCode::MOVED_PERMANENTLY | StatusCode::PERMANENT_REDIRECT) {
                    self.moved.lock().expect("moved").push((current.to_string(), next.to_string()));
                }
                current = next;
                continue;
            }
            if status == StatusCode::NOT_MODIFIED {
                self.count(|t| t.not_modified += 1);
                return Ok(Fetched::NotModified { url: current });
            }
            if !status.is_success() {
                self.count(|t| t.errors += 1);
                return Err(FetchError::Status { url: current.to_string(), status: status.as_u16() });
            }
            if resp.content_length().is_some_and(|n| n > max_bytes) {
                self.count(|t| t.errors += 1);
                return Err(FetchError::TooLarge { url: current.to_string(), limit: max_bytes });
            }
            let header = |name| {
                resp.headers()
                    .get(name)
                    .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
                    .map(str::to_string)
            };
            let content_type = header(CONTENT_TYPE);
            let validators = Validators { etag: header(ETAG), last_modified: header(LAST_MODIFIED) };
            let mut resp = resp;
            let mut bytes = Vec::new();
            loop {
                match resp.chunk().await {
                    Ok(Some(chunk)) => {
                        bytes.extend_from_slice(&chunk);
                        if bytes.len() as u64 > max_bytes {
                            self.count(|t| {
                                t.errors += 1;
                                t.bytes += bytes.len() as u64;
                            });
                            return Err(FetchError::TooLarge { url: current.to_string(), limit: max_bytes });
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        self.count(|t| {
                            t.errors += 1;
                            t.bytes += bytes.len() as u64;
                        });
                        return Err(self.network_error(&current, &e));
                    }
                }
            }
            self.count(|t| t.bytes += bytes.len() as u64);
            return Ok(Fetched::Body { url: current, bytes, content_type, validators });
        }
        Err(FetchError::TooManyRedirects { url: url.to_string(), hops: MAX_REDIRECTS })
    }

    fn network_error(&self, u: &Url, e: &reqwest::Error) -> FetchError {
        if e.is_timeout() {
            return FetchError::Timeout { url: u.to_string(), seconds: self.timeout.as_secs() };
        }
        let mut detail = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            detail = format!("{detail}: {s}");
            source = s.source();
        }
        FetchError::Network { url: u.to_string(), detail }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pace_is_one_interval_per_host() {
        let mut p = Pacer::default();
        let t0 = Instant::now();
        let second = Duration::from_secs(1);
        assert_eq!(p.reserve("a:80", t0, second), t0);
        assert_eq!(p.reserve("a:80", t0, second), t0 + second);
        assert_eq!(p.reserve("a:80", t0 + Duration::from_millis(100), second), t0 + 2 * second);
        // another host is not held up
        assert_eq!(p.reserve("b:80", t0, second), t0);
        // after a quiet spell the next request may go at once
        let later = t0 + Duration::from_secs(60);
        assert_eq!(p.reserve("a:80", later, second), later);
    }
}
