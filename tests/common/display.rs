//! An X server for the tests that open the real kiosk window: Debian's Xvfb on a display it
//! picks itself (`-displayfd`), checked to answer a client before a test hands it to the kiosk.
//!
//! Why the check: CI once saw the kiosk fail at once with `XOpenDisplayFailed` on a display
//! Xvfb had just reported, and the test waited 90 s for a window that could not come. Xvfb's
//! own messages went nowhere, so the cause is unknown. Now the server must answer
//! `xwininfo -root` first; one that does not is stopped and another started, and if none
//! answers the test fails with what each Xvfb printed.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How many servers to try before giving up.
const ATTEMPTS: usize = 3;
/// How long one server has to report its display and answer a client.
const ANSWER_WITHIN: Duration = Duration::from_secs(20);

/// A running Xvfb; stopped (SIGTERM, so it removes its sockets; SIGKILL if it lingers) when
/// dropped.
pub struct Xvfb {
    child: Child,
    /// The display name for `DISPLAY`, e.g. `:3`.
    pub display: String,
}

impl Xvfb {
    /// Xvfb with one `width`×`height` screen at 24 bits, no TCP, answering clients. Panics
    /// (with each attempt's messages from Xvfb) when three servers in a row do not answer.
    /// `-noreset`: the check's client leaving must not make the server start over just as the
    /// kiosk connects.
    pub fn start(width: u32, height: u32) -> Xvfb {
        for tool in ["Xvfb", "xwininfo"] {
            let found =
                std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()));
            assert!(
                found,
                "`{tool}` is missing: run the README's test command (scripts/test), which installs xvfb and x11-utils"
            );
        }
        let mut failures = Vec::new();
        for attempt in 1..=ATTEMPTS {
            match Xvfb::try_start(width, height) {
                Ok(server) => return server,
                Err(why) => failures.push(format!("attempt {attempt}: {why}")),
            }
        }
        panic!("no Xvfb answered on its display after {ATTEMPTS} attempts:\n{}", failures.join("\n"));
    }

    fn try_start(width: u32, height: u32) -> Result<Xvfb, String> {
        let log = tempfile::NamedTempFile::new().map_err(|e| format!("a file for Xvfb's messages: {e}"))?;
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", &format!("{width}x{height}x24"), "-nolisten", "tcp", "-noreset"])
            .stdout(Stdio::piped())
            .stderr(log.reopen().map_err(|e| format!("a file for Xvfb's messages: {e}"))?)
            .spawn()
            .map_err(|e| format!("Xvfb does not start: {e}"))?;
        // Xvfb writes the display's number once its sockets listen; an empty line means it
        // exited before that
        let mut line = String::new();
        let read = BufReader::new(child.stdout.take().expect("Xvfb's stdout is piped")).read_line(&mut line);
        let mut server = Xvfb { child, display: format!(":{}", line.trim()) };
        let said = |server: &mut Xvfb| {
            server.stop();
            let text = std::fs::read_to_string(log.path()).unwrap_or_default();
            format!("Xvfb said: {}", if text.trim().is_empty() { "nothing" } else { text.trim() })
        };
        if read.is_err() || line.trim().is_empty() || !line.trim().bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("no display number reported ({line:?}); {}", said(&mut server)));
        }
        let start = Instant::now();
        loop {
            let answer = Command::new("xwininfo")
                .args(["-root", "-display", &server.display])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
            if answer.is_ok_and(|s| s.success()) {
                return Ok(server);
            }
            if start.elapsed() > ANSWER_WITHIN || server.child.try_wait().is_ok_and(|s| s.is_some()) {
                let display = server.display.clone();
                return Err(format!("{display} does not answer xwininfo; {}", said(&mut server)));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn stop(&mut self) {
        if self.child.try_wait().is_ok_and(|s| s.is_some()) {
            return;
        }
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(3) {
            if self.child.try_wait().is_ok_and(|s| s.is_some()) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        self.stop();
    }
}
