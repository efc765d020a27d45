//! One playback: an `ffmpeg` process for the pictures, one for the sound and the sound sink,
//! each read or fed by a thread of its own, and a clock they all follow. Dropping the player
//! (leaving the screen, the idle reset) kills every process at once.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::{MediaError, MediaInfo};

/// Where the sound goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sink {
    /// `paplay` where PulseAudio runs, else `aplay` (as the tap click).
    Default,
    /// A program reading raw 16-bit stereo PCM at 48 kHz on stdin (tests and benchmarks:
    /// `aplay -D null …`).
    Command(Vec<String>),
    /// No sound: a video is shown silently and its sound is not even decoded (`[sound] enabled =
    /// false`); an audio file is only paced by the clock.
    None,
}

#[derive(Debug, Clone)]
pub struct PlayOptions {
    /// The size the pictures are scaled to (the player's place on screen).
    pub width: u32,
    pub height: u32,
    /// 0–100.
    pub volume: u8,
    pub sink: Sink,
}

/// How a playback is going, for the screen and for the tests.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlayerStatus {
    pub frames_decoded: u64,
    pub frames_shown: u64,
    /// Frames never shown: `frames_late` + `frames_replaced`.
    pub frames_dropped: u64,
    /// Frames decoded too late for their time (FFmpeg could not keep up).
    pub frames_late: u64,
    /// Frames replaced by the next one before the screen took them (the screen could not keep
    /// up: its update, layout and drawing took longer than a frame's time).
    pub frames_replaced: u64,
    pub finished: bool,
    /// What went wrong, in words for the log (the screen says it in the visitor's language).
    pub error: Option<MediaError>,
    /// The sound could not be played (no device); the pictures go on.
    pub no_sound: Option<String>,
    /// Time from `start` to the first sound handed to the sink.
    pub sound_started_after: Option<Duration>,
    /// Wall-clock time since `start` (pauses included).
    pub wall: Duration,
    /// From the first picture the screen took to the last: (frames shown − 1) ÷ this = the
    /// frames per second the visitor saw.
    pub shown_span: Duration,
}

/// A decoded picture, RGBA.
#[derive(Clone)]
pub struct Frame {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
    pub number: u64,
}

impl std::fmt::Debug for Frame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Frame({} {}×{})", self.number, self.width, self.height)
    }
}

/// The clock every thread follows: milliseconds of media played, standing still while paused
/// and until the first picture (or, without pictures, the first sound) is ready — FFmpeg takes a
/// moment to start, and a clock that ran meanwhile would make the first pictures late.
struct Clock {
    /// When the clock last (re)started, and the media time then.
    started: Mutex<(Instant, u64)>,
    paused: AtomicBool,
    waiting: AtomicBool,
}

impl Clock {
    fn new(at_ms: u64) -> Self {
        Self {
            started: Mutex::new((Instant::now(), at_ms)),
            paused: AtomicBool::new(false),
            waiting: AtomicBool::new(true),
        }
    }
    fn running(&self) -> bool {
        !self.paused.load(Ordering::SeqCst) && !self.waiting.load(Ordering::SeqCst)
    }
    fn now_ms(&self) -> u64 {
        let (since, base) = *self.started.lock().unwrap_or_else(|e| e.into_inner());
        if self.running() { base + since.elapsed().as_millis() as u64 } else { base }
    }
    /// The first picture (or sound) is ready: the clock runs from now.
    fn begin(&self) {
        let mut g = self.started.lock().unwrap_or_else(|e| e.into_inner());
        if self.waiting.swap(false, Ordering::SeqCst) {
            g.0 = Instant::now();
        }
    }
    fn pause(&self) {
        let mut g = self.started.lock().unwrap_or_else(|e| e.into_inner());
        let running = self.running();
        if !self.paused.swap(true, Ordering::SeqCst) && running {
            *g = (Instant::now(), g.1 + g.0.elapsed().as_millis() as u64);
        }
    }
    fn resume(&self) {
        let mut g = self.started.lock().unwrap_or_else(|e| e.into_inner());
        if self.paused.swap(false, Ordering::SeqCst) {
            g.0 = Instant::now();
        }
    }
}

struct Shared {
    clock: Clock,
    stop: AtomicBool,
    volume: AtomicU32,
    frame: Mutex<Option<Frame>>,
    status: Mutex<PlayerStatus>,
    video_done: AtomicBool,
    audio_done: AtomicBool,
    shown: AtomicU64,
    /// When the screen took its first and its last picture.
    taken: Mutex<Option<(Instant, Instant)>>,
    /// The screen's tasks waiting for news (all are woken: none is left waiting for ever).
    wakers: Mutex<Vec<std::task::Waker>>,
    /// How many times there was news (a new picture, the end, an error, the clock).
    notified: AtomicU64,
}

impl Shared {
    fn status(&self) -> std::sync::MutexGuard<'_, PlayerStatus> {
        self.status.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Tells the screen's waiting task (if any) to look.
    fn notify(&self) {
        self.notified.fetch_add(1, Ordering::SeqCst);
        let wakers = std::mem::take(&mut *self.wakers.lock().unwrap_or_else(|e| e.into_inner()));
        for w in wakers {
            w.wake();
        }
    }
}

/// A future that ends when the player has news for the screen: a new picture, the end of the
/// playback or an error, and at least every [`NEWS_EVERY`] for the clock (audio, pauses). The
/// screen awaits it in a task and takes the picture when it ends: one screen update per picture,
/// at the picture's own time, and no polling timer that could run slower than the video.
pub struct News {
    shared: Arc<Shared>,
    /// The news counted when the screen looked last.
    seen: u64,
}

/// How long the screen waits at most for news (the clock under the progress bar moves).
pub const NEWS_EVERY: Duration = Duration::from_millis(250);

impl std::future::Future for News {
    type Output = ();

    fn poll(self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        let s = &self.shared;
        // a picture waiting in its place counts as news too (it may have come just before the
        // screen started waiting)
        let ready = || {
            s.stop.load(Ordering::SeqCst)
                || s.notified.load(Ordering::SeqCst) > self.seen
                || s.frame.lock().unwrap_or_else(|e| e.into_inner()).is_some()
        };
        if ready() {
            return std::task::Poll::Ready(());
        }
        {
            let mut wakers = s.wakers.lock().unwrap_or_else(|e| e.into_inner());
            if !wakers.iter().any(|w| w.will_wake(cx.waker())) {
                wakers.push(cx.waker().clone());
            }
        }
        // news that came between the check and the waker being stored
        if ready() { std::task::Poll::Ready(()) } else { std::task::Poll::Pending }
    }
}

/// Wakes the screen every [`NEWS_EVERY`] while nothing else did (audio only, paused, a video
/// between pictures), so that the clock and the progress bar move; ends when the player stops.
fn clock_thread(shared: &Shared) {
    let mut last = shared.notified.load(Ordering::SeqCst);
    while !shared.stop.load(Ordering::SeqCst) {
        // woken early by `stop`
        std::thread::park_timeout(NEWS_EVERY);
        let now = shared.notified.load(Ordering::SeqCst);
        if now == last {
            shared.notify();
        }
        last = shared.notified.load(Ordering::SeqCst);
    }
}

/// A playback in progress.
pub struct Player {
    shared: Arc<Shared>,
    started: Instant,
    info: MediaInfo,
    children: Arc<Mutex<Vec<Child>>>,
    threads: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for Player {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Player").field("info", &self.info).finish_non_exhaustive()
    }
}

fn spawn_err(tool: &'static str) -> impl Fn(std::io::Error) -> MediaError {
    move |e| match e.kind() {
        std::io::ErrorKind::NotFound => MediaError::ToolMissing { tool },
        _ => MediaError::Io(format!("{tool}: {e}")),
    }
}

/// The last line FFmpeg wrote on stderr (its error), without the file's path.
fn last_error(child: &mut Child, file: &Path) -> String {
    let mut s = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut s);
    }
    let line = s.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim().to_string();
    super::strip_path(&line, file)
}

impl Player {
    /// Starts playing `file` (described by `info`, from [`super::probe`]) from `from_ms`.
    pub fn start(file: &Path, info: &MediaInfo, from_ms: u64, opts: &PlayOptions) -> Result<Player, MediaError> {
        let shared = Arc::new(Shared {
            clock: Clock::new(from_ms),
            stop: AtomicBool::new(false),
            volume: AtomicU32::new(u32::from(opts.volume.min(100))),
            frame: Mutex::new(None),
            status: Mutex::new(PlayerStatus::default()),
            video_done: AtomicBool::new(info.video.is_none()),
            audio_done: AtomicBool::new(!info.audio),
            shown: AtomicU64::new(0),
            taken: Mutex::new(None),
            wakers: Mutex::new(Vec::new()),
            notified: AtomicU64::new(0),
        });
        let silent_video = info.video.is_some() && opts.sink == Sink::None;
        if silent_video {
            shared.audio_done.store(true, Ordering::SeqCst);
        }
        let started = Instant::now();
        let children = Arc::new(Mutex::new(Vec::new()));
        let mut threads = Vec::new();
        let seek = format!("{:.3}", from_ms as f64 / 1000.0);
        if let Some((_, _, fps)) = info.video {
            let (w, h) = (opts.width.max(2) & !1, opts.height.max(2) & !1);
            let scale = format!("scale={w}:{h}:flags=fast_bilinear");
            let (out, errors) =
                decoder(file, &seek, &["-an", "-sn", "-vf", &scale, "-pix_fmt", "rgba", "-f", "rawvideo"], &children)?;
            let (s, c, f) = (shared.clone(), children.clone(), file.to_path_buf());
            threads.push(
                std::thread::Builder::new()
                    .name("video-frames".into())
                    .spawn(move || {
                        video_thread(out, w, h, fps, from_ms, &s, &c, &f);
                        report_errors(errors, &s, &f);
                        // done only once its errors are known, so the end is never taken for success
                        s.video_done.store(true, Ordering::SeqCst);
                        s.notify();
                    })
                    .map_err(|e| MediaError::Io(e.to_string()))?,
            );
        }
        if info.audio && !silent_video {
            // without pictures, the first sound starts the clock
            let begins_clock = info.video.is_none();
            let sink = match &opts.sink {
                Sink::Default => default_sink(),
                Sink::Command(c) => Some(c.clone()),
                Sink::None => None,
            };
            let (out, errors) =
                decoder(file, &seek, &["-vn", "-sn", "-f", "s16le", "-ac", "2", "-ar", "48000"], &children)?;
            let (s, c, f) = (shared.clone(), children.clone(), file.to_path_buf());
            threads.push(
                std::thread::Builder::new()
                    .name("audio-samples".into())
                    .spawn(move || {
                        audio_thread(out, begins_clock, sink, started, from_ms, &s, &c, &f);
                        report_errors(errors, &s, &f);
                        s.audio_done.store(true, Ordering::SeqCst);
                        s.notify();
                    })
                    .map_err(|e| MediaError::Io(e.to_string()))?,
            );
        }
        let s = shared.clone();
        threads.push(
            std::thread::Builder::new()
                .name("player-clock".into())
                .spawn(move || clock_thread(&s))
                .map_err(|e| MediaError::Io(e.to_string()))?,
        );
        Ok(Player { shared, started, info: info.clone(), children, threads })
    }

    pub fn info(&self) -> &MediaInfo {
        &self.info
    }

    /// How many FFmpeg processes decode for this playback (pictures, sound).
    pub fn decoders(&self) -> usize {
        self.children.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Milliseconds played.
    pub fn position_ms(&self) -> u64 {
        let p = self.shared.clock.now_ms();
        self.info.duration_ms.map_or(p, |d| p.min(d))
    }

    pub fn pause(&self) {
        self.shared.clock.pause();
    }

    pub fn resume(&self) {
        self.shared.clock.resume();
    }

    pub fn is_paused(&self) -> bool {
        self.shared.clock.paused.load(Ordering::SeqCst)
    }

    /// 0–100, from the next sound on.
    pub fn set_volume(&self, volume: u8) {
        self.shared.volume.store(u32::from(volume.min(100)), Ordering::SeqCst);
    }

    /// Ends when there is news for the screen (see [`News`]).
    pub fn news(&self) -> News {
        News { shared: self.shared.clone(), seen: self.shared.notified.load(Ordering::SeqCst) }
    }

    /// The newest picture, if there is one the screen has not taken yet.
    pub fn take_frame(&self) -> Option<Frame> {
        let f = self.shared.frame.lock().unwrap_or_else(|e| e.into_inner()).take();
        if f.is_some() {
            self.shared.shown.fetch_add(1, Ordering::SeqCst);
            let now = Instant::now();
            let mut t = self.shared.taken.lock().unwrap_or_else(|e| e.into_inner());
            *t = Some((t.map_or(now, |(first, _)| first), now));
        }
        f
    }

    pub fn status(&self) -> PlayerStatus {
        let mut s = self.shared.status().clone();
        s.frames_shown = self.shared.shown.load(Ordering::SeqCst);
        s.frames_dropped = s.frames_late + s.frames_replaced;
        s.wall = self.started.elapsed();
        s.shown_span =
            self.shared.taken.lock().unwrap_or_else(|e| e.into_inner()).map_or(Duration::ZERO, |(a, b)| b - a);
        let ended = self.shared.video_done.load(Ordering::SeqCst) && self.shared.audio_done.load(Ordering::SeqCst);
        let past_end = self.info.duration_ms.is_some_and(|d| self.shared.clock.now_ms() >= d + 500);
        s.finished = s.error.is_some() || ended || (past_end && self.info.video.is_none() && s.no_sound.is_some());
        s
    }

    /// Stops everything now (also done by dropping the player).
    pub fn stop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        self.shared.notify();
        self.shared.clock.resume();
        for c in self.children.lock().unwrap_or_else(|e| e.into_inner()).iter_mut() {
            let _ = c.kill();
            let _ = c.wait();
        }
        for t in &self.threads {
            t.thread().unpark();
        }
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl Drop for Player {
    fn drop(&mut self) {
        self.stop();
    }
}

fn default_sink() -> Option<Vec<String>> {
    let args = |v: &[&str]| Some(v.iter().map(|s| s.to_string()).collect());
    if crate::sound::pulse_running() && crate::sound::on_path("paplay") {
        args(&["paplay", "--raw", "--format=s16le", "--rate=48000", "--channels=2", "--latency-msec=100"])
    } else if crate::sound::on_path("aplay") {
        args(&["aplay", "-q", "-t", "raw", "-f", "S16_LE", "-r", "48000", "-c", "2", "-B", "100000", "-"])
    } else {
        None
    }
}

/// How much lower than the kiosk's the decoders' priority is.
const DECODER_NICENESS: libc::c_int = 5;

/// The thread reading an FFmpeg process's messages (its last error line, if any).
type Messages = Option<JoinHandle<Option<String>>>;

/// Starts an `ffmpeg` decoding `file` from `seek` seconds with `output` options into its stdout;
/// the process joins `children` (killed when the player stops). Its stdout, and the thread
/// reading its messages.
fn decoder(
    file: &Path,
    seek: &str,
    output: &[&str],
    children: &Mutex<Vec<Child>>,
) -> Result<(ChildStdout, Messages), MediaError> {
    let mut cmd = Command::new("ffmpeg");
    {
        use std::os::unix::process::CommandExt;
        // The decoder runs a few pictures ahead (`FRAMES_AHEAD`) and decodes several times
        // faster than real time, so it can wait: a lower priority (nice +5) lets the screen's
        // thread, which must draw each picture within its 40 ms, go first when both want the CPU.
        // SAFETY: nice is async-signal-safe and only changes the new process's own priority.
        unsafe {
            cmd.pre_exec(|| {
                let _ = libc::nice(DECODER_NICENESS);
                Ok(())
            });
        }
    }
    let mut child = cmd
        .args(["-nostdin", "-v", "error", "-ss", seek, "-i"])
        .arg(file)
        .args(output)
        .arg("-")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(spawn_err("ffmpeg"))?;
    let out = child.stdout.take().ok_or_else(|| MediaError::Io("ffmpeg: no output pipe".into()))?;
    let errors = stderr_reader(&mut child, file);
    children.lock().unwrap_or_else(|e| e.into_inner()).push(child);
    Ok((out, errors))
}

/// Reads an FFmpeg process's messages in a thread of its own (so a full pipe never stalls the
/// decoding); with `-v error` every line is an error, such as "partial file" for a truncated
/// MP4, which FFmpeg reports and then ends as if the file had ended. The thread returns the last
/// error line, without the file's path.
fn stderr_reader(child: &mut Child, file: &Path) -> Option<JoinHandle<Option<String>>> {
    let err = child.stderr.take()?;
    let file = file.to_path_buf();
    std::thread::Builder::new()
        .name("ffmpeg-messages".into())
        .spawn(move || {
            use std::io::BufRead;
            let mut last = None;
            for line in std::io::BufReader::new(err).lines().map_while(Result::ok) {
                if !line.trim().is_empty() {
                    last = Some(super::strip_path(line.trim(), &file));
                }
            }
            last
        })
        .ok()
}

/// After a decoding thread ended by itself: an error FFmpeg reported makes the playback fail
/// with it (a truncated or damaged file), unless the player was stopped.
fn report_errors(errors: Option<JoinHandle<Option<String>>>, shared: &Shared, file: &Path) {
    let Some(detail) = errors.and_then(|h| h.join().ok()).flatten() else { return };
    if shared.stop.load(Ordering::SeqCst) {
        return;
    }
    let mut st = shared.status();
    if st.error.is_none() {
        st.error = Some(MediaError::Broken { file: file.display().to_string(), detail });
    }
}

/// Waits while paused and until the clock reaches `ms`; false when the player stops.
fn wait_for(shared: &Shared, ms: u64) -> bool {
    loop {
        if shared.stop.load(Ordering::SeqCst) {
            return false;
        }
        let now = shared.clock.now_ms();
        let paused = shared.clock.paused.load(Ordering::SeqCst);
        if !paused && now >= ms {
            return true;
        }
        let wait = if paused { 10 } else { (ms - now).min(10) };
        std::thread::sleep(Duration::from_millis(wait.max(1)));
    }
}

/// The error of the process at `index` once it has ended badly (None if it ended well).
fn ended_badly(children: &Mutex<Vec<Child>>, index: usize, file: &Path) -> Option<String> {
    let mut g = children.lock().unwrap_or_else(|e| e.into_inner());
    let c = g.get_mut(index)?;
    let status = c.wait().ok()?;
    (!status.success()).then(|| last_error(c, file))
}

/// Pictures decoded ahead of their time: FFmpeg's pace varies from picture to picture (a key
/// frame costs more; another program takes the CPU for a moment), and a few in hand absorb it.
const FRAMES_AHEAD: usize = 6;

/// Reads the pictures from FFmpeg's pipe as fast as it decodes them, at most [`FRAMES_AHEAD`]
/// ahead of the one on show (a thread of its own, so that decoding never waits for a picture's
/// time); the number read, when the pipe ends.
fn read_frames(mut out: ChildStdout, size: usize, queue: std::sync::mpsc::SyncSender<Vec<u8>>, shared: &Shared) -> u64 {
    let mut n = 0;
    loop {
        let mut buf = vec![0u8; size];
        if out.read_exact(&mut buf).is_err() || shared.stop.load(Ordering::SeqCst) {
            return n;
        }
        n += 1;
        shared.status().frames_decoded += 1;
        if queue.send(buf).is_err() {
            return n;
        }
    }
}

/// Lets FFmpeg write a whole picture at a time (the pipe holds 64 KiB by default, a 720p
/// picture is 3.7 MB): up to the system's limit (1 MiB unless raised). Only a speed-up: a
/// refusal changes nothing else.
fn widen_pipe(out: &ChildStdout) {
    use std::os::fd::AsRawFd;
    let max = std::fs::read_to_string("/proc/sys/fs/pipe-max-size")
        .ok()
        .and_then(|s| s.trim().parse::<libc::c_int>().ok())
        .unwrap_or(1 << 20);
    // SAFETY: F_SETPIPE_SZ on a pipe descriptor this process owns; it only sets the buffer size.
    let _ = unsafe { libc::fcntl(out.as_raw_fd(), libc::F_SETPIPE_SZ, max.min(4 << 20)) };
}

#[allow(clippy::too_many_arguments)] // one thread's whole context, passed once
fn video_thread(
    out: ChildStdout,
    w: u32,
    h: u32,
    fps: f64,
    from_ms: u64,
    shared: &Arc<Shared>,
    children: &Mutex<Vec<Child>>,
    file: &Path,
) {
    let size = w as usize * h as usize * 4;
    let frame_ms = 1000.0 / fps;
    widen_pipe(&out);
    let (tx, rx) = std::sync::mpsc::sync_channel(FRAMES_AHEAD);
    let s = shared.clone();
    let reader = std::thread::Builder::new().name("video-pipe".into()).spawn(move || read_frames(out, size, tx, &s));
    let Ok(reader) = reader else {
        shared.status().error = Some(MediaError::Io("cannot start a thread".into()));
        return;
    };
    let mut n: u64 = 0;
    while let Ok(buf) = rx.recv() {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        if n == 0 {
            // the first picture is ready: the clock runs from now
            shared.clock.begin();
        }
        let due = from_ms + (n as f64 * frame_ms) as u64;
        n += 1;
        if !wait_for(shared, due) {
            break;
        }
        if shared.clock.now_ms() > due + frame_ms as u64 * 2 {
            // too late for its time: the next one is due already
            shared.status().frames_late += 1;
            continue;
        }
        let replaced = shared.frame.lock().unwrap_or_else(|e| e.into_inner()).replace(Frame {
            width: w,
            height: h,
            rgba: buf,
            number: n,
        });
        if replaced.is_some() {
            shared.status().frames_replaced += 1;
        }
        shared.notify();
    }
    drop(rx);
    let _ = reader.join();
    if shared.stop.load(Ordering::SeqCst) {
        return;
    }
    if let Some(detail) = ended_badly(children, 0, file).filter(|_| n == 0) {
        shared.status().error = Some(MediaError::Broken { file: file.display().to_string(), detail });
    } else if n == 0 {
        shared.status().error =
            Some(MediaError::Broken { file: file.display().to_string(), detail: "no picture could be decoded".into() });
    }
}

#[allow(clippy::too_many_arguments)] // one thread's whole context, passed once
fn audio_thread(
    mut out: ChildStdout,
    begins_clock: bool,
    sink: Option<Vec<String>>,
    started: Instant,
    from_ms: u64,
    shared: &Shared,
    children: &Mutex<Vec<Child>>,
    file: &Path,
) {
    let index = children.lock().unwrap_or_else(|e| e.into_inner()).len() - 1;
    let mut sink_child = match &sink {
        Some(cmd) => match Command::new(&cmd[0])
            .args(&cmd[1..])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
        {
            Ok(c) => Some(c),
            Err(e) => {
                shared.status().no_sound = Some(format!("{}: {e}", cmd[0]));
                None
            }
        },
        None => {
            shared.status().no_sound = Some("no sound player (paplay or aplay) on this machine".into());
            None
        }
    };
    let mut input = sink_child.as_mut().and_then(|c| c.stdin.take());
    // 1/20 s of 16-bit stereo at 48 kHz
    let mut buf = vec![0u8; 48_000 / 20 * 4];
    let mut samples: u64 = 0;
    let mut any = false;
    loop {
        if out.read_exact(&mut buf).is_err() {
            break;
        }
        if !any && begins_clock {
            shared.clock.begin();
        }
        any = true;
        let due = from_ms + samples * 1000 / 48_000;
        // without a sink (or while paused) the clock sets the pace; a sink sets its own
        let ahead_ms = if input.is_some() { 150 } else { 0 };
        if !wait_for(shared, due.saturating_sub(ahead_ms)) {
            break;
        }
        samples += (buf.len() / 4) as u64;
        let Some(w) = input.as_mut() else { continue };
        let volume = shared.volume.load(Ordering::SeqCst) as i32;
        for s in buf.chunks_exact_mut(2) {
            let v = i32::from(i16::from_le_bytes([s[0], s[1]])) * volume / 100;
            s.copy_from_slice(&(v as i16).to_le_bytes());
        }
        if let Err(e) = w.write_all(&buf) {
            let detail = sink_child.as_mut().map(|c| last_error(c, Path::new(""))).unwrap_or_default();
            shared.status().no_sound = Some(format!("{e} {detail}").trim().to_string());
            input = None;
            continue;
        }
        let mut st = shared.status();
        if st.sound_started_after.is_none() {
            st.sound_started_after = Some(started.elapsed());
        }
    }
    drop(input);
    if let Some(mut c) = sink_child {
        if shared.stop.load(Ordering::SeqCst) {
            let _ = c.kill();
        }
        let _ = c.wait();
    }
    if shared.stop.load(Ordering::SeqCst) {
        return;
    }
    if !any && let Some(detail) = ended_badly(children, index, file) {
        shared.status().error = Some(MediaError::Broken { file: file.display().to_string(), detail });
    }
}
