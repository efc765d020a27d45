//! systemd's service notifications, without libsystemd: `READY=1` once the kiosk shows its
//! first screen, then `WATCHDOG=1` from the UI loop itself (each second, as it handles its
//! clock tick), so a kiosk whose UI hangs stops pinging and systemd (`WatchdogSec=`) restarts
//! it. Outside systemd (`NOTIFY_SOCKET` unset) every call does nothing.

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
