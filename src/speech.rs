//! Voice reading (智能语音播报): a document read aloud by espeak-ng's Mandarin voice, run as a
//! child process so the kiosk never waits on it and can stop it at once.

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// espeak-ng's Mandarin voice.
pub const VOICE: &str = "cmn";
/// Words per minute: slower than espeak-ng's default 175, for older listeners.
pub const RATE: u32 = 140;

#[derive(Debug, thiserror::Error)]
pub enum SpeechError {
    #[error("voice reading needs espeak-ng (Debian package espeak-ng): {0}")]
    NotInstalled(std::io::Error),
    #[error("espeak-ng could not be started: {0}")]
    Start(std::io::Error),
}

/// A reading in progress. Dropping it stops the voice.
pub struct Speaker {
    child: Child,
}

impl Speaker {
    /// Starts reading `text` aloud; with `wav`, writes the sound to that file instead of the
    /// sound card (for tests and for checking a voice without speakers).
    pub fn start(text: &str, wav: Option<&Path>) -> Result<Speaker, SpeechError> {
        let mut cmd = Command::new("espeak-ng");
        cmd.args(["-v", VOICE, "-s", &RATE.to_string(), "--stdin"]);
        if let Some(w) = wav {
            cmd.arg("-w").arg(w);
        }
        cmd.stdin(Stdio::piped()).stdout(Stdio::null()).stderr(Stdio::null());
        let mut child = cmd.spawn().map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => SpeechError::NotInstalled(e),
            _ => SpeechError::Start(e),
        })?;
        // Feed the text from a thread: a long document must not block the caller on the pipe.
        if let Some(mut stdin) = child.stdin.take() {
            let text = text.to_string();
            std::thread::spawn(move || {
                let _ = stdin.write_all(text.as_bytes());
            });
        }
        Ok(Speaker { child })
    }

    /// Whether the voice is still reading.
    pub fn is_speaking(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Stops the voice now.
    pub fn stop(mut self) {
        self.halt();
    }

    /// Waits until the reading has finished (the CLI's `speak`).
    pub fn wait(mut self) -> std::io::Result<std::process::ExitStatus> {
        self.child.wait()
    }

    fn halt(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Speaker {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            self.halt();
        }
    }
}

/// What is read for a document: its title, then its body as plain text.
pub fn document_text(doc: &crate::content::Document) -> String {
    format!("{}。\n{}", doc.title, crate::content::markdown::plain_text(&doc.body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn have_espeak() -> bool {
        Command::new("espeak-ng").arg("--version").output().is_ok()
    }

    #[test]
    fn reads_mandarin_into_a_wav_and_stops_on_request() {
        if !have_espeak() {
            // The README's test command installs espeak-ng; say so loudly if it is missing.
            panic!("espeak-ng is not installed (apt-get install espeak-ng)");
        }
        let dir = tempfile::tempdir().unwrap();
        let wav = dir.path().join("voice.wav");
        let s = Speaker::start("政府信息公开申请指南。", Some(&wav)).unwrap();
        assert!(s.wait().unwrap().success());
        let bytes = std::fs::read(&wav).unwrap();
        assert_eq!(&bytes[..4], b"RIFF");
        assert!(bytes.len() > 20_000, "about a second of speech, got {} bytes", bytes.len());

        let long = "第一条 为了保障公民依法获取政府信息。".repeat(400);
        let mut s = Speaker::start(&long, Some(&dir.path().join("long.wav"))).unwrap();
        assert!(s.is_speaking());
        let started = std::time::Instant::now();
        s.stop();
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "stopping is immediate");
    }
}
