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

    pub fn is_connected(&self) -> bool {
        self.socket.is_some()
    }
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
}
