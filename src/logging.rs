//! Logs go to stderr (the journal, under systemd) and to `logs/gongkai-kiosk.log` in the data
//! directory, which is rotated to `.1` when it reaches its size cap, so a kiosk that runs for
//! years never fills its disk with logs.
//!
//! Nothing a visitor types is ever passed to `tracing`.

use std::fs::{self, File, OpenOptions};
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::prelude::*;

pub const LOG_FILE: &str = "gongkai-kiosk.log";

/// A log file that rotates itself at `max_bytes` (keeping one previous file).
#[derive(Clone)]
pub struct CappedLogFile {
    inner: Arc<Mutex<CappedInner>>,
}

struct CappedInner {
    path: PathBuf,
    max_bytes: u64,
    file: Option<File>,
    written: u64,
}

impl CappedLogFile {
    pub fn open(dir: &Path, max_bytes: u64) -> io::Result<Self> {
        fs::create_dir_all(dir)?;
        let path = dir.join(LOG_FILE);
        let file = OpenOptions::new().create(true).append(true).open(&path)?;
        let written = file.metadata()?.len();
        Ok(Self {
            inner: Arc::new(Mutex::new(CappedInner {
                path,
                max_bytes: max_bytes.max(4096),
                file: Some(file),
                written,
            })),
        })
    }
}

impl CappedInner {
    fn rotate(&mut self) -> io::Result<()> {
        self.file = None;
        let old = self.path.with_extension("log.1");
        let _ = fs::remove_file(&old);
        fs::rename(&self.path, &old)?;
        self.file = Some(OpenOptions::new().create(true).append(true).open(&self.path)?);
        self.written = 0;
        Ok(())
    }
}

impl Write for CappedLogFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if inner.written + buf.len() as u64 > inner.max_bytes {
            // A failed rotation must not stop the kiosk; keep appending.
            let _ = inner.rotate();
        }
        let n = match inner.file.as_mut() {
            Some(f) => f.write(buf)?,
            None => buf.len(),
        };
        inner.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        match inner.file.as_mut() {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

impl<'a> MakeWriter<'a> for CappedLogFile {
    type Writer = CappedLogFile;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// The levels logged by default: the kiosk's own information, and other crates' warnings.
pub const DEFAULT_DIRECTIVES: &str = "gongkai_kiosk=info,warn";
/// The levels logged with `--verbose`.
pub const VERBOSE_DIRECTIVES: &str = "gongkai_kiosk=debug,info";

/// Sets up logging. `verbose` raises the default level to debug; `RUST_LOG` overrides both,
/// unless [`log_filter`] cannot read it (then the log says so). Without a usable data
/// directory, logs go to stderr only.
pub fn init(data_dir: Option<&Path>, max_bytes: u64, verbose: bool) {
    let default = if verbose { VERBOSE_DIRECTIVES } else { DEFAULT_DIRECTIVES };
    let asked = std::env::var("RUST_LOG").ok();
    let unreadable = asked.as_deref().filter(|v| log_filter(v).is_none());
    let directives = asked.as_deref().filter(|v| log_filter(v).is_some()).unwrap_or(default);
    init_with(data_dir, max_bytes, directives);
    if let Some(v) = unreadable {
        tracing::warn!(
            "RUST_LOG={v:?} is not understood (target=level pairs and a level, comma-separated); logging {default}"
        );
    }
}

/// Sets up logging with these filter directives (as [`log_filter`] reads them, e.g. `trace`;
/// unreadable ones give `info`). Returns false when logging was already set up in this process
/// (the first set-up stays).
pub fn init_with(data_dir: Option<&Path>, max_bytes: u64, directives: &str) -> bool {
    let filter = || log_filter(directives).unwrap_or_else(|| Targets::new().with_default(tracing::Level::INFO));
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(io::stderr)
        .with_ansi(io::stderr().is_terminal())
        .with_target(false)
        .with_filter(filter());
    let file = data_dir
        .and_then(|d| CappedLogFile::open(&d.join("logs"), max_bytes).ok())
        .map(|w| tracing_subscriber::fmt::layer().with_writer(w).with_ansi(false).with_filter(filter()));
    tracing_subscriber::registry().with(stderr).with(file).try_init().is_ok()
}

/// The filter for these directives: `target=level` pairs and a bare default level,
/// comma-separated (`gongkai_kiosk=debug,info`), as in `RUST_LOG`; a bare word that is not a
/// level is a target logged at every level, as in `EnvFilter`. `None` for what tracing-subscriber's
/// `Targets` would misread or cannot read: an unknown level after `=`, `target=` with nothing
/// after it and `=level` with nothing before it (which `Targets` would read as errors only and
/// as every target), and `RUST_LOG`'s span and field filters (`target[span]=level`, `{field}`),
/// which `Targets` does not have (the regular-expression engine behind its `EnvFilter` is not
/// built: docs/benchmarks.md, "Build times"). Empty entries (`info,`) are skipped.
pub fn log_filter(directives: &str) -> Option<Targets> {
    let mut kept = Vec::new();
    for entry in directives.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        if entry.contains(['[', ']', '{', '}']) || entry.starts_with('=') || entry.ends_with('=') {
            return None;
        }
        kept.push(entry);
    }
    if kept.is_empty() {
        return None;
    }
    kept.join(",").parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_directives_keep_the_kiosks_info_and_others_warnings() {
        use tracing::Level;
        let quiet = log_filter(DEFAULT_DIRECTIVES).unwrap();
        assert!(quiet.would_enable("gongkai_kiosk::sync::fetch", &Level::INFO));
        assert!(!quiet.would_enable("gongkai_kiosk::sync::fetch", &Level::DEBUG));
        assert!(quiet.would_enable("hyper_util::client", &Level::WARN));
        assert!(!quiet.would_enable("hyper_util::client", &Level::INFO));
        let verbose = log_filter(VERBOSE_DIRECTIVES).unwrap();
        assert!(verbose.would_enable("gongkai_kiosk::store", &Level::DEBUG));
        assert!(!verbose.would_enable("reqwest::connect", &Level::DEBUG));
    }

    #[test]
    fn directives_it_cannot_read_give_none_and_empty_entries_are_skipped() {
        use tracing::Level;
        for unreadable in [
            "gongkai_kiosk=loud",
            "gongkai_kiosk=",
            "=debug,warn",
            "warn,gongkai_kiosk[sync]=debug",
            "info,{x}=debug",
            "",
            " , ",
        ] {
            assert!(log_filter(unreadable).is_none(), "{unreadable:?}");
        }
        // a trailing comma does not turn the default level into errors only
        let trailing = log_filter("gongkai_kiosk=debug,info,").unwrap();
        assert!(trailing.would_enable("hyper_util::client", &Level::INFO));
        assert!(trailing.would_enable("gongkai_kiosk::ui", &Level::DEBUG));
        let everything = log_filter(" trace ").unwrap();
        assert!(everything.would_enable("anything", &Level::TRACE));
    }

    #[test]
    fn rotates_at_cap() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = CappedLogFile::open(dir.path(), 4096).unwrap();
        for _ in 0..100 {
            w.write_all(&[b'x'; 100]).unwrap();
        }
        let cur = fs::metadata(dir.path().join(LOG_FILE)).unwrap().len();
        let old = fs::metadata(dir.path().join("gongkai-kiosk.log.1")).unwrap().len();
        assert!(cur <= 4096 && old <= 4096, "{cur} {old}");
        assert!(cur > 0 && old > 0);
    }
}
