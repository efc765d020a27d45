//! Voice reading (智能语音播报): a text read aloud by espeak-ng's `cmn-latn-pinyin` voice from the
//! tone-numbered pinyin the kiosk makes itself ([`reading`]), one sentence at a time, so that the
//! first sentence sounds at once, the screen can highlight the one being read, and the reading
//! can be paused, resumed, made slower or faster, and stopped at once.
//!
//! Each sentence is its own espeak-ng child process, run from a thread of the [`Speaker`], which
//! also makes each sentence's pinyin just before reading it (so a long document starts as soon
//! as its first sentence is ready); the caller learns which sentence is being read, that the
//! voice has paused, ended or failed through a callback.

pub mod numbers;
pub mod reading;

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

pub use reading::{Sentence, cut, sentences};

/// espeak-ng's Mandarin voice that reads pinyin with tone numbers.
pub const VOICE: &str = "cmn-latn-pinyin";
/// Words (syllables) per minute: slower than espeak-ng's default 175, for older listeners.
pub const RATE: u32 = 140;
/// The slowest and fastest rates the 慢一点 / 快一点 buttons reach.
pub const RATES: std::ops::RangeInclusive<u32> = 90..=220;
/// How much one tap on 慢一点 or 快一点 changes the rate.
pub const RATE_STEP: u32 = 20;

#[derive(Debug, thiserror::Error)]
pub enum SpeechError {
    #[error("voice reading needs espeak-ng (Debian package espeak-ng): {0}")]
    NotInstalled(std::io::Error),
    #[error("espeak-ng could not be started: {0}")]
    Start(std::io::Error),
    #[error("espeak-ng failed: {0}")]
    Failed(String),
}

/// The espeak-ng command the kiosk reads with: its voice, `rate`, the text on standard input
/// (the benchmark adds `--stdout` to see the first sound it makes).
pub fn voice_command(rate: u32) -> Command {
    let mut cmd = Command::new("espeak-ng");
    cmd.args(["-v", VOICE, "-s", &rate.to_string(), "--stdin"]);
    cmd
}

fn espeak(pinyin: &str, rate: u32, wav: Option<&Path>) -> Result<Child, SpeechError> {
    let mut cmd = voice_command(rate);
    if let Some(w) = wav {
        cmd.arg("-w").arg(w);
    }
    cmd.stdin(Stdio::piped()).stdout(Stdio::null()).stderr(Stdio::null());
    let mut child = cmd.spawn().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => SpeechError::NotInstalled(e),
        _ => SpeechError::Start(e),
    })?;
    // Feed the text from a thread: a long text must not block the caller on the pipe.
    if let Some(mut stdin) = child.stdin.take() {
        let text = pinyin.to_string();
        std::thread::spawn(move || {
            let _ = stdin.write_all(text.as_bytes());
        });
    }
    Ok(child)
}

/// Writes the whole text, read aloud, to a WAV file (the CLI's `speak --wav`, and tests).
pub fn to_wav(text: &str, rate: u32, wav: &Path) -> Result<(), SpeechError> {
    let pinyin: Vec<String> = sentences(text).into_iter().map(|s| s.pinyin).collect();
    let status = espeak(&pinyin.join(" . "), rate, Some(wav))?.wait().map_err(SpeechError::Start)?;
    if !status.success() {
        return Err(SpeechError::Failed(format!("exit status {status}")));
    }
    Ok(())
}

/// What the reading thread reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// Sentence `n` (counting from 0) is being read.
    Sentence(usize),
    /// The voice is paused and will start again at sentence `n`.
    Paused(usize),
    /// The last sentence was read.
    Finished,
    /// espeak-ng could not be run.
    Failed(String),
}

/// Where a reading is; shared between the [`Speaker`] and its thread.
#[derive(Debug)]
struct Control {
    paused: bool,
    stopped: bool,
    rate: u32,
    /// The sentence is read again from its start (after a pause or a change of rate).
    restart: bool,
}

/// A reading in progress. Dropping it stops the voice.
pub struct Speaker {
    control: Arc<(Mutex<Control>, Condvar)>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for Speaker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Speaker")
    }
}

impl Speaker {
    /// Starts reading `sentences` (as [`cut`] makes them) from sentence `from` at `rate`;
    /// `progress` is called from the reading thread as each sentence starts, when the voice
    /// pauses, and when the reading ends or fails (espeak-ng missing: [`Progress::Failed`]).
    /// Nothing slow happens in the caller's thread: each sentence's pinyin is made by the
    /// reading thread just before it is read.
    pub fn start(
        sentences: Vec<String>,
        from: usize,
        rate: u32,
        progress: impl Fn(Progress) + Send + 'static,
    ) -> Result<Speaker, SpeechError> {
        let control = Arc::new((
            Mutex::new(Control {
                paused: false,
                stopped: false,
                rate: rate.clamp(*RATES.start(), *RATES.end()),
                restart: false,
            }),
            Condvar::new(),
        ));
        let shared = control.clone();
        let thread = std::thread::Builder::new()
            .name("voice".into())
            .spawn(move || read_aloud(&sentences, from, &shared, &progress))
            .map_err(SpeechError::Start)?;
        Ok(Speaker { control, thread: Some(thread) })
    }

    fn with<T>(&self, f: impl FnOnce(&mut Control) -> T) -> T {
        let (lock, wake) = &*self.control;
        let mut c = lock.lock().unwrap_or_else(|e| e.into_inner());
        let out = f(&mut c);
        wake.notify_all();
        out
    }

    /// Stops after the sound now playing is cut; [`Speaker::resume`] reads that sentence again.
    pub fn pause(&self) {
        self.with(|c| {
            c.paused = true;
            c.restart = true;
        });
    }

    pub fn resume(&self) {
        self.with(|c| c.paused = false);
    }

    pub fn is_paused(&self) -> bool {
        self.with(|c| c.paused)
    }

    /// Changes the rate; the sentence being read starts again at the new rate.
    pub fn set_rate(&self, rate: u32) {
        self.with(|c| {
            c.rate = rate.clamp(*RATES.start(), *RATES.end());
            c.restart = true;
        });
    }

    pub fn rate(&self) -> u32 {
        self.with(|c| c.rate)
    }

    /// Whether the voice is still reading (or paused in the middle).
    pub fn is_speaking(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }

    /// Stops the voice now.
    pub fn stop(mut self) {
        self.halt();
    }

    /// Waits until the reading has finished (the CLI's `speak`).
    pub fn wait(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    fn halt(&mut self) {
        self.with(|c| c.stopped = true);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Speaker {
    fn drop(&mut self) {
        self.halt();
    }
}

/// The slower and faster rates next to `rate` (None at the ends of [`RATES`]).
pub fn slower(rate: u32) -> Option<u32> {
    (rate > *RATES.start()).then(|| rate.saturating_sub(RATE_STEP).max(*RATES.start()))
}

pub fn faster(rate: u32) -> Option<u32> {
    (rate < *RATES.end()).then(|| (rate + RATE_STEP).min(*RATES.end()))
}

/// What the reading thread does next, decided under the lock.
enum Next {
    Read(u32),
    Pause,
    Stop,
}

/// The reading thread: one espeak-ng per sentence, watched every 20 ms for a pause, a change of
/// rate or a stop. The callback is never called with the lock held, so a caller that waits in
/// it cannot block [`Speaker::pause`] or [`Speaker::stop`].
fn read_aloud(sentences: &[String], from: usize, control: &(Mutex<Control>, Condvar), progress: &dyn Fn(Progress)) {
    let (lock, wake) = control;
    let next = || {
        let mut c = lock.lock().unwrap_or_else(|e| e.into_inner());
        if c.stopped {
            return Next::Stop;
        }
        if c.paused {
            return Next::Pause;
        }
        c.restart = false;
        Next::Read(c.rate)
    };
    let mut i = from;
    while i < sentences.len() {
        let pinyin = reading::to_pinyin(&sentences[i]);
        if pinyin.trim_matches([' ', ',', '.']).is_empty() {
            i += 1;
            continue;
        }
        let rate = match next() {
            Next::Stop => return,
            Next::Read(rate) => rate,
            Next::Pause => {
                progress(Progress::Paused(i));
                let mut c = lock.lock().unwrap_or_else(|e| e.into_inner());
                while c.paused && !c.stopped {
                    c = wake.wait(c).unwrap_or_else(|e| e.into_inner());
                }
                continue;
            }
        };
        progress(Progress::Sentence(i));
        // a pause, a new rate or a stop while the screen was being told: before any sound
        {
            let c = lock.lock().unwrap_or_else(|e| e.into_inner());
            if c.stopped {
                return;
            }
            if c.restart {
                continue;
            }
        }
        let mut child = match espeak(&pinyin, rate, None) {
            Ok(c) => c,
            Err(e) => {
                progress(Progress::Failed(e.to_string()));
                return;
            }
        };
        let again = loop {
            if matches!(child.try_wait(), Ok(Some(_)) | Err(_)) {
                break false;
            }
            let c = lock.lock().unwrap_or_else(|e| e.into_inner());
            if c.stopped || c.restart {
                let stopped = c.stopped;
                drop(c);
                let _ = child.kill();
                let _ = child.wait();
                if stopped {
                    return;
                }
                break true;
            }
            let _ = wake.wait_timeout(c, Duration::from_millis(20));
        };
        if !again {
            i += 1;
        }
    }
    progress(Progress::Finished);
}

/// What is read for a document: its title, then its body as plain text.
pub fn document_text(doc: &crate::content::Document) -> String {
    format!("{}。\n{}", doc.title, crate::content::markdown::plain_text(&doc.body))
}

/// What is read for a service guide: its name and the facts a visitor acts on, in the order
/// the screen shows them.
pub fn guide_text(g: &crate::content::Guide) -> String {
    let mut parts = vec![format!("{}。", g.name)];
    let limit = if g.on_the_spot { "当场办结".to_string() } else { g.promised_limit.clone() };
    parts.push(format!("法定办结时限：{}。承诺办结时限：{limit}。收费标准：{}。", g.legal_limit, g.fee));
    if !g.materials.is_empty() {
        parts.push("申请材料：".into());
        for (n, m) in g.materials.iter().enumerate() {
            parts.push(format!("{}、{}，{}份。", n + 1, m.name, m.copies));
        }
    }
    if !g.steps.is_empty() {
        parts.push("办理流程：".into());
        for (n, s) in g.steps.iter().enumerate() {
            parts.push(format!("第{}步，{}。{}", n + 1, s.title, s.detail.as_deref().unwrap_or_default()));
        }
    }
    parts.push(format!("办理地点：{}。办理时间：{}。咨询电话：{}。", g.location, g.hours, g.consult_phone));
    parts.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    fn have_espeak() -> bool {
        // The README's test command installs espeak-ng; say so loudly if it is missing.
        let found = Command::new("espeak-ng").arg("--version").stdout(Stdio::null()).status().is_ok();
        assert!(found, "espeak-ng is not installed (apt-get install espeak-ng)");
        true
    }

    #[test]
    fn reads_mandarin_into_a_wav() {
        have_espeak();
        let dir = tempfile::tempdir().unwrap();
        let wav = dir.path().join("voice.wav");
        to_wav("政府信息公开申请指南。", RATE, &wav).unwrap();
        let bytes = std::fs::read(&wav).unwrap();
        assert_eq!(&bytes[..4], b"RIFF");
        assert!(bytes.len() > 20_000, "about a second of speech, got {} bytes", bytes.len());
    }

    /// A speaker whose thread waits, after each report, until the test says go: every step of
    /// the reading happens when the test allows it, whether a sentence lasts seconds (a sound
    /// card) or no time at all (none: espeak-ng gives up at once).
    fn stepped(text: &str) -> (Speaker, mpsc::Receiver<Progress>, mpsc::Sender<()>) {
        let (tx, rx) = mpsc::channel();
        let (go, wait) = mpsc::channel::<()>();
        let wait = Mutex::new(wait);
        let s = Speaker::start(cut(text), 0, RATE, move |p| {
            let _ = tx.send(p);
            let _ = wait.lock().unwrap().recv();
        })
        .unwrap();
        (s, rx, go)
    }

    const SECOND: Duration = Duration::from_secs(5);

    #[test]
    fn reads_sentence_by_sentence_pauses_resumes_and_stops_at_once() {
        have_espeak();
        let text = "第一条 为了保障公民依法获取政府信息。".repeat(30);
        let (s, rx, go) = stepped(&text);
        assert_eq!(rx.recv_timeout(SECOND), Ok(Progress::Sentence(0)));
        assert!(s.is_speaking());
        s.pause();
        assert!(s.is_paused());
        go.send(()).unwrap();
        assert_eq!(rx.recv_timeout(SECOND), Ok(Progress::Paused(0)), "paused before the sentence sounds");
        go.send(()).unwrap();
        assert!(rx.recv_timeout(Duration::from_millis(300)).is_err(), "nothing moves while paused");
        s.resume();
        assert_eq!(rx.recv_timeout(SECOND), Ok(Progress::Sentence(0)), "the sentence starts again");
        // a new rate: the sentence is read again at it
        s.set_rate(RATE + RATE_STEP);
        go.send(()).unwrap();
        assert_eq!(rx.recv_timeout(SECOND), Ok(Progress::Sentence(0)), "read again at the new rate");
        assert_eq!(s.rate(), RATE + RATE_STEP);
        drop(go);
        let started = std::time::Instant::now();
        s.stop();
        assert!(started.elapsed() < Duration::from_secs(2), "stopping is immediate");
    }

    #[test]
    fn every_sentence_is_reported_in_order_then_the_end() {
        have_espeak();
        let (s, rx, go) = stepped("第一句。第二句！\n（）\n第三句");
        for want in [Progress::Sentence(0), Progress::Sentence(1), Progress::Sentence(2), Progress::Finished] {
            assert_eq!(rx.recv_timeout(SECOND), Ok(want));
            go.send(()).unwrap();
        }
        s.wait();
    }

    #[test]
    fn rates_step_within_their_range() {
        assert_eq!(slower(RATE), Some(RATE - RATE_STEP));
        assert_eq!(faster(RATE), Some(RATE + RATE_STEP));
        assert_eq!(slower(*RATES.start()), None);
        assert_eq!(faster(*RATES.end()), None);
        assert_eq!(slower(*RATES.start() + 5), Some(*RATES.start()));
    }
}
