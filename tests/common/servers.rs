//! Servers for the sync tests: a real nginx (Debian's package, started by the test with its own
//! configuration on a free loopback port), and a small fault-staging server used only where a
//! fault must be staged that nginx cannot produce on demand.

#![allow(dead_code)]

use std::collections::HashMap;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn nginx_binary() -> PathBuf {
    for p in ["/usr/sbin/nginx", "/usr/bin/nginx"] {
        if Path::new(p).is_file() {
            return PathBuf::from(p);
        }
    }
    panic!("nginx is not installed; the test command (scripts/test) installs Debian's nginx package");
}

/// nginx serving `root` at `http://127.0.0.1:PORT/`, with the cache headers docs/deployment.md
/// recommends (objects immutable, the manifest revalidated), a WebDAV `PUT` endpoint at
/// `/upload/` (files land in `root/upload/`), and an access log the tests read.
pub struct Nginx {
    child: Child,
    pub port: u16,
    dir: tempfile::TempDir,
}

impl Nginx {
    pub fn start(root: &Path) -> Self {
        Self::start_with(root, "", "")
    }

    /// nginx with more MIME types (`text/html html;`) and more directives inside the server
    /// block (a mock portal's redirects, charsets and proxied paths).
    pub fn start_with(root: &Path, types: &str, server: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let conf = format!(
            r#"
daemon off;
master_process on;
worker_processes 2;
user root;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    types {{ application/json json; {types} }}
    default_type application/octet-stream;
    log_format sync '$status $request_method $uri $body_bytes_sent $bytes_sent "$http_range" "$http_if_none_match" "$http_user_agent"';
    access_log {d}/access.log sync;
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    sendfile on;
    keepalive_requests 100000;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location /objects/ {{
            add_header Cache-Control "public, max-age=31536000, immutable";
        }}
        location = /manifest.json {{
            add_header Cache-Control "no-cache";
        }}
        # the upload endpoint for feedback and statistics batches (WebDAV PUT)
        location /upload/ {{
            dav_methods PUT;
            create_full_put_path on;
            dav_access user:rw group:r all:r;
        }}
        {server}
    }}
}}
"#,
            d = dir.path().display(),
            root = root.display(),
        );
        fs::write(dir.path().join("nginx.conf"), conf).unwrap();
        let child = Command::new(nginx_binary())
            .arg("-c")
            .arg(dir.path().join("nginx.conf"))
            .arg("-p")
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("nginx starts");
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "nginx did not start: {}",
                fs::read_to_string(dir.path().join("error.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Nginx { child, port, dir }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The access log: (status, method, path, body bytes, bytes sent, then range, if-none-match and
    /// user agent in `rest`).
    pub fn log(&self) -> Vec<LogLine> {
        // nginx writes its log lines unbuffered; each line is whole.
        let text = fs::read_to_string(self.dir.path().join("access.log")).unwrap_or_default();
        text.lines()
            .filter_map(|l| {
                let mut parts = l.splitn(6, ' ');
                Some(LogLine {
                    status: parts.next()?.parse().ok()?,
                    method: parts.next()?.to_string(),
                    path: parts.next()?.to_string(),
                    body_bytes: parts.next()?.parse().ok()?,
                    bytes: parts.next()?.parse().ok()?,
                    rest: parts.next().unwrap_or_default().to_string(),
                })
            })
            .collect()
    }

    pub fn clear_log(&self) {
        fs::write(self.dir.path().join("access.log"), "").unwrap();
        // nginx keeps its file open and appends at its own offset unless told to reopen
        let pid = fs::read_to_string(self.dir.path().join("nginx.pid")).unwrap();
        Command::new("kill").args(["-USR1", pid.trim()]).status().unwrap();
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[derive(Debug, Clone)]
pub struct LogLine {
    pub status: u16,
    pub method: String,
    pub path: String,
    pub body_bytes: u64,
    pub bytes: u64,
    pub rest: String,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // TERM makes the master stop its workers too (a KILL would leave them serving).
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fault the staging server produces for a path (matched by suffix), a number of times.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Send the headers and this fraction of the body, then close the connection.
    DropMidFile(f64),
    /// Answer a Range request with the whole file (200).
    IgnoreRange,
    /// Answer a Range request with 206 and a Content-Range that is not the one asked for.
    WrongContentRange,
    /// This status, with a Retry-After header if given.
    Status(u16, Option<u64>),
    /// Announce the full length but send only this fraction.
    Truncated(f64),
    /// 200 with an empty body.
    Empty,
    /// Send the body a few bytes at a time with this pause between writes.
    Trickle(Duration),
}

#[derive(Debug, Clone)]
pub struct Request {
    pub path: String,
    pub range: Option<String>,
    pub at: Instant,
}

/// Serves files from `root`, with staged faults. Supports GET, Range and keep-alive.
pub struct FaultServer {
    pub port: u16,
    faults: Arc<Mutex<Vec<(String, Fault, usize)>>>,
    pub requests: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
}

impl FaultServer {
    pub fn start(root: &Path) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let faults: Arc<Mutex<Vec<(String, Fault, usize)>>> = Arc::default();
        let requests: Arc<Mutex<Vec<Request>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let (f, r, s, root) = (faults.clone(), requests.clone(), stop.clone(), root.to_path_buf());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (f, r, root) = (f.clone(), r.clone(), root.clone());
                std::thread::spawn(move || serve(conn, &root, &f, &r));
            }
        });
        FaultServer { port, faults, requests, stop }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Stages `fault` for the next `times` requests whose path ends with `suffix`.
    pub fn stage(&self, suffix: &str, fault: Fault, times: usize) {
        self.faults.lock().unwrap().push((suffix.to_string(), fault, times));
    }

    pub fn requests_for(&self, suffix: &str) -> Vec<Request> {
        self.requests.lock().unwrap().iter().filter(|r| r.path.ends_with(suffix)).cloned().collect()
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn take_fault(faults: &Mutex<Vec<(String, Fault, usize)>>, path: &str) -> Option<Fault> {
    let mut f = faults.lock().unwrap();
    let i = f.iter().position(|(s, _, n)| path.ends_with(s.as_str()) && *n > 0)?;
    f[i].2 -= 1;
    Some(f[i].1.clone())
}

fn serve(conn: TcpStream, root: &Path, faults: &Mutex<Vec<(String, Fault, usize)>>, log: &Mutex<Vec<Request>>) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(30)));
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut out = conn;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
        let mut headers: HashMap<String, String> = HashMap::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
            }
        }
        let range = headers.get("range").cloned();
        log.lock().unwrap().push(Request { path: path.clone(), range: range.clone(), at: Instant::now() });
        let file = root.join(path.trim_start_matches('/'));
        let body = match (path.contains(".."), fs::read(&file)) {
            (false, Ok(b)) => b,
            _ => {
                let _ = out.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
                continue;
            }
        };
        let fault = take_fault(faults, &path);
        let start: Option<usize> = range
            .as_deref()
            .and_then(|r| r.strip_prefix("bytes="))
            .and_then(|r| r.strip_suffix('-'))
            .and_then(|n| n.parse().ok())
            .filter(|&n: &usize| n < body.len());
        let ok = match fault {
            Some(Fault::Status(code, after)) => {
                let extra = after.map(|a| format!("Retry-After: {a}\r\n")).unwrap_or_default();
                out.write_all(format!("HTTP/1.1 {code} Staged\r\n{extra}Content-Length: 0\r\n\r\n").as_bytes()).is_ok()
            }
            Some(Fault::Empty) => out.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n").is_ok(),
            Some(Fault::DropMidFile(frac)) | Some(Fault::Truncated(frac)) => {
                let (s, status, cr) = match start {
                    Some(s) => (
                        s,
                        "206 Partial Content",
                        format!("Content-Range: bytes {s}-{}/{}\r\n", body.len() - 1, body.len()),
                    ),
                    None => (0, "200 OK", String::new()),
                };
                let part = &body[s..];
                let n = ((part.len() as f64) * frac) as usize;
                let _ = out
                    .write_all(format!("HTTP/1.1 {status}\r\n{cr}Content-Length: {}\r\n\r\n", part.len()).as_bytes());
                let _ = out.write_all(&part[..n]);
                let _ = out.flush();
                let _ = out.shutdown(std::net::Shutdown::Both);
                return;
            }
            Some(Fault::IgnoreRange) => respond(&mut out, &body, None),
            Some(Fault::WrongContentRange) => {
                let s = start.unwrap_or(0);
                let wrong = s / 2;
                let part = &body[wrong..];
                out.write_all(
                    format!("HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {wrong}-{}/{}\r\nContent-Length: {}\r\n\r\n", body.len() - 1, body.len(), part.len())
                        .as_bytes(),
                )
                .and_then(|_| out.write_all(part))
                .is_ok()
            }
            Some(Fault::Trickle(pause)) => {
                let _ = out.write_all(format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len()).as_bytes());
                for chunk in body.chunks(4) {
                    if out.write_all(chunk).is_err() {
                        return;
                    }
                    let _ = out.flush();
                    std::thread::sleep(pause);
                }
                true
            }
            None => respond(&mut out, &body, start),
        };
        if !ok {
            return;
        }
        let _ = reader.get_mut().read(&mut []);
    }
}

fn respond(out: &mut TcpStream, body: &[u8], start: Option<usize>) -> bool {
    match start {
        Some(s) => out
            .write_all(
                format!(
                    "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {s}-{}/{}\r\nContent-Length: {}\r\n\r\n",
                    body.len() - 1,
                    body.len(),
                    body.len() - s
                )
                .as_bytes(),
            )
            .and_then(|_| out.write_all(&body[s..]))
            .is_ok(),
        None => out
            .write_all(format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len()).as_bytes())
            .and_then(|_| out.write_all(body))
            .is_ok(),
    }
}
