//! systemd's service notifications, without libsystemd: `READY=1` once the kiosk shows its
//! first screen, then `WATCHDOG=1` from the UI loop itself (each second, as it handles its
//! clock tick), so a kiosk whose UI hangs stops pinging and systemd (`WatchdogSec=`) restarts
//! it. Outside systemd (`NOTIFY_SOCKET` unset) every call does nothing.
//!
//! systemd stops a kiosk that stopped pinging with `SIGABRT` (`WatchdogSignal=`'s default).
//! [`remember_watchdog_kills`] installs a handler that leaves a marker file in the data
//! directory when that signal comes from another process (not the kiosk's own `abort()`), then
//! lets the signal end the process as before; [`take_watchdog_mark`], at the next start, tells
//! whether the last run ended so, and the kiosk counts it in the store (monitoring).

use std::os::unix::net::{SocketAddr, UnixDatagram};
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

/// A connection to the service manager's notification socket, if there is one.
#[derive(Debug, Default)]
pub struct Notifier {
    socket: Option<(UnixDatagram, SocketAddr)>,
}

impl Notifier {
    /// Reads `NOTIFY_SOCKET` (a path, or `@name` for an abstract socket).
    pub fn from_env() -> Notifier {
        let Some(target) = std::env::var_os("NOTIFY_SOCKET") else { return Notifier::default() };
        let target = target.to_string_lossy().to_string();
        let addr = if let Some(name) = target.strip_prefix('@') {
            use std::os::linux::net::SocketAddrExt;
            SocketAddr::from_abstract_name(name.as_bytes())
        } else {
            SocketAddr::from_pathname(&target)
        };
        match (UnixDatagram::unbound(), addr) {
            (Ok(s), Ok(a)) => Notifier { socket: Some((s, a)) },
            (Err(e), _) | (_, Err(e)) => {
                tracing::warn!(socket = %target, error = %e, "NOTIFY_SOCKET cannot be used; systemd will not hear from the kiosk");
                Notifier::default()
            }
        }
    }

    fn send(&self, msg: &str) {
        if let Some((s, addr)) = &self.socket
            && let Err(e) = s.send_to_addr(msg.as_bytes(), addr)
        {
            tracing::warn!(error = %e, "notification to systemd not sent");
        }
    }

    /// The kiosk is up (its first screen is shown).
    pub fn ready(&self) {
        self.send("READY=1\nSTATUS=showing the kiosk");
    }

    /// The UI loop is alive.
    pub fn watchdog(&self) {
        self.send("WATCHDOG=1");
    }

    /// Still starting: systemd's start time-out (`TimeoutStartSec=`) is moved to `extra` from
    /// now (`EXTEND_TIMEOUT_USEC`, systemd 236 and later), with a status line saying why.
    pub fn extend_start(&self, extra: Duration, status: &str) {
        self.send(&format!("EXTEND_TIMEOUT_USEC={}\nSTATUS={status}", extra.as_micros()));
    }

    pub fn is_connected(&self) -> bool {
        self.socket.is_some()
    }
}

/// How long the start may go on after each [`Notifier::extend_start`] of [`while_starting`].
pub const START_EXTENSION: Duration = Duration::from_secs(60);

/// Runs `work` (the kiosk's preparation in its window's first task: opening the store, which may migrate
/// its schema and rebuild the search index, minutes at 500,000 documents) and, if it is still
/// running after `first_after`, tells systemd every `every` that the start goes on, so that the
/// start time-out does not kill it half-way (its transaction would roll back, and the next start
/// would begin again from nothing, for ever). A start that ends sooner sends nothing.
pub fn while_starting<T>(
    notifier: &Notifier,
    first_after: Duration,
    every: Duration,
    status: &str,
    work: impl FnOnce() -> T,
) -> T {
    if !notifier.is_connected() {
        return work();
    }
    let (done, finished) = std::sync::mpsc::channel::<()>();
    std::thread::scope(|s| {
        s.spawn(move || {
            let mut wait = first_after;
            while let Err(RecvTimeoutError::Timeout) = finished.recv_timeout(wait) {
                if wait == first_after {
                    tracing::info!(status, "the start takes long: systemd's start time-out is extended while it works");
                }
                notifier.extend_start(START_EXTENSION, status);
                wait = every;
            }
        });
        let out = work();
        drop(done);
        out
    })
}

/// The marker's name in the data directory.
pub const WATCHDOG_MARK: &str = "watchdog-killed";

/// The marker's path, as the signal handler needs it (set once, before the handler).
static MARK_PATH: std::sync::OnceLock<std::ffi::CString> = std::sync::OnceLock::new();

extern "C" fn on_abort(_sig: libc::c_int, info: *mut libc::siginfo_t, _ctx: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid siginfo_t to an SA_SIGINFO handler.
    let code = unsafe { (*info).si_code };
    // SI_USER: sent with kill() by another process (systemd), not raised by abort() (SI_TKILL)
    if code == libc::SI_USER
        && let Some(path) = MARK_PATH.get()
    {
        // SAFETY: open, write and close are async-signal-safe; the path is a valid C string
        // that lives for the whole process.
        unsafe {
            let fd = libc::open(path.as_ptr(), libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC | libc::O_CLOEXEC, 0o600);
            if fd >= 0 {
                let msg = b"SIGABRT from another process (systemd's watchdog)\n";
                libc::write(fd, msg.as_ptr().cast(), msg.len());
                libc::close(fd);
            }
        }
    }
    // SAFETY: signal and raise are async-signal-safe; the default action ends the process as
    // the signal would have without this handler.
    unsafe {
        libc::signal(libc::SIGABRT, libc::SIG_DFL);
        libc::raise(libc::SIGABRT);
    }
}

/// Leaves a marker in `data_dir` if this process is ended by a SIGABRT another process sent
/// (systemd's watchdog). Called once by the kiosk window at start.
pub fn remember_watchdog_kills(data_dir: &std::path::Path) {
    use std::os::unix::ffi::OsStrExt;
    let Ok(path) = std::ffi::CString::new(data_dir.join(WATCHDOG_MARK).as_os_str().as_bytes()) else { return };
    if MARK_PATH.set(path).is_err() {
        return;
    }
    // SAFETY: a zeroed sigaction is a valid value; the handler only makes async-signal-safe
    // calls and reads MARK_PATH, which is set above and never changes.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_abort as *const () as usize;
        action.sa_flags = libc::SA_SIGINFO;
        libc::sigemptyset(&mut action.sa_mask);
        if libc::sigaction(libc::SIGABRT, &action, std::ptr::null_mut()) != 0 {
            tracing::warn!(error = %std::io::Error::last_os_error(), "watchdog restarts will not be counted");
        }
    }
}

/// Whether the last run was ended by the watchdog (the marker is removed).
pub fn take_watchdog_mark(data_dir: &std::path::Path) -> bool {
    std::fs::remove_file(data_dir.join(WATCHDOG_MARK)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notifications_reach_the_socket_named_in_notify_socket() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notify");
        let listener = UnixDatagram::bind(&path).unwrap();
        listener.set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
        let addr = SocketAddr::from_pathname(&path).unwrap();
        let n = Notifier { socket: Some((UnixDatagram::unbound().unwrap(), addr)) };
        n.ready();
        n.watchdog();
        let mut buf = [0u8; 256];
        let len = listener.recv(&mut buf).unwrap();
        assert!(std::str::from_utf8(&buf[..len]).unwrap().starts_with("READY=1"));
        let len = listener.recv(&mut buf).unwrap();
        assert_eq!(&buf[..len], b"WATCHDOG=1");
        // no socket: nothing happens, nothing fails
        Notifier::default().watchdog();
    }

    #[test]
    fn a_long_start_extends_systemds_start_time_out_until_it_ends_and_a_short_one_says_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notify");
        let listener = UnixDatagram::bind(&path).unwrap();
        listener.set_read_timeout(Some(Duration::from_millis(500))).unwrap();
        let n =
            Notifier { socket: Some((UnixDatagram::unbound().unwrap(), SocketAddr::from_pathname(&path).unwrap())) };
        let mut buf = [0u8; 256];
        // a work that outlasts the first wait: extensions until it ends, then none
        let out = while_starting(&n, Duration::from_millis(50), Duration::from_millis(50), "rebuilding", || {
            std::thread::sleep(Duration::from_millis(400));
            7
        });
        assert_eq!(out, 7);
        let mut got = Vec::new();
        while let Ok(len) = listener.recv(&mut buf) {
            got.push(String::from_utf8_lossy(&buf[..len]).to_string());
        }
        assert!(got.len() >= 2, "{got:?}");
        for m in &got {
            assert_eq!(m, "EXTEND_TIMEOUT_USEC=60000000\nSTATUS=rebuilding");
        }
        // a work that ends before the first wait: nothing is sent
        while_starting(&n, Duration::from_secs(5), Duration::from_secs(5), "quick", || ());
        assert!(listener.recv(&mut buf).is_err(), "nothing after a quick start");
        // no socket: the work runs all the same
        assert_eq!(while_starting(&Notifier::default(), Duration::ZERO, Duration::ZERO, "x", || 3), 3);
    }
}
