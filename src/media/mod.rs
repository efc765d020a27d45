//! Video and audio interpretations played on the kiosk, with no media library linked and none
//! needed to build: FFmpeg's command-line programs (Debian's `ffmpeg` package, LGPL/GPL,
//! separate processes) read the file — `ffprobe` for what it holds, `ffmpeg` decoding the
//! pictures, scaled to the size on screen, as raw RGBA frames into a pipe, and the sound as
//! 16-bit PCM into another —, and the sound goes out through PulseAudio's `paplay` or ALSA's
//! `aplay`, as the tap click does ([`crate::sound`]). [`Player`] paces the frames by its own
//! clock, keeps the newest for the screen, counts the frames decoded, shown and dropped, and
//! says in plain words what went wrong (no FFmpeg, a damaged file, no sound device).

mod player;

pub use player::{News, PlayOptions, Player, PlayerStatus, Sink};

use std::path::Path;
use std::process::{Command, Stdio};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MediaError {
    #[error("{tool} is not installed (Debian package ffmpeg); video and audio cannot be played without it")]
    ToolMissing { tool: &'static str },
    #[error("{file}: cannot be played ({detail}); the file is damaged or incomplete, publish it again")]
    Broken { file: String, detail: String },
    #[error("{file}: holds neither pictures nor sound")]
    Empty { file: String },
    #[error("{0}")]
    Io(String),
}

/// What a media file holds (`ffprobe`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MediaInfo {
    pub duration_ms: Option<u64>,
    /// Width and height of the picture, frames per second.
    pub video: Option<(u32, u32, f64)>,
    pub audio: bool,
    /// The codecs, for messages ("h264", "aac").
    pub codecs: Vec<String>,
}

/// Reads what `file` holds; a damaged or truncated file is [`MediaError::Broken`].
pub fn probe(file: &Path) -> Result<MediaInfo, MediaError> {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-print_format", "json", "-show_streams", "-show_format"])
        .arg(file)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => MediaError::ToolMissing { tool: "ffprobe" },
            _ => MediaError::Io(e.to_string()),
        })?;
    let name = file.display().to_string();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        let detail = stderr.lines().last().unwrap_or("unreadable").trim().to_string();
        return Err(MediaError::Broken { file: name, detail: strip_path(&detail, file) });
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| MediaError::Broken { file: name.clone(), detail: e.to_string() })?;
    let mut info = MediaInfo::default();
    let seconds = |x: &serde_json::Value| x.as_str().and_then(|s| s.parse::<f64>().ok());
    info.duration_ms = v.pointer("/format/duration").and_then(seconds).map(|s| (s * 1000.0) as u64);
    for s in v.get("streams").and_then(|s| s.as_array()).into_iter().flatten() {
        let codec = s.get("codec_name").and_then(|c| c.as_str()).unwrap_or("?").to_string();
        match s.get("codec_type").and_then(|c| c.as_str()) {
            Some("video") if info.video.is_none() => {
                // a cover picture in an MP3 is a video stream of one frame
                if s.pointer("/disposition/attached_pic").and_then(|d| d.as_i64()) == Some(1) {
                    continue;
                }
                let w = s.get("width").and_then(|x| x.as_u64()).unwrap_or(0) as u32;
                let h = s.get("height").and_then(|x| x.as_u64()).unwrap_or(0) as u32;
                let fps = s.get("avg_frame_rate").and_then(|r| r.as_str()).and_then(rate).unwrap_or(25.0);
                if w > 0 && h > 0 {
                    info.video = Some((w, h, fps));
                    info.codecs.push(codec);
                }
            }
            Some("audio") => {
                info.audio = true;
                info.codecs.push(codec);
            }
            _ => {}
        }
    }
    if info.video.is_none() && !info.audio {
        return Err(MediaError::Empty { file: name });
    }
    Ok(info)
}

/// "30000/1001" → 29.97.
fn rate(s: &str) -> Option<f64> {
    let (a, b) = s.split_once('/')?;
    let (a, b): (f64, f64) = (a.parse().ok()?, b.parse().ok()?);
    (a > 0.0 && b > 0.0).then(|| a / b).filter(|f| *f <= 240.0)
}

/// FFmpeg's messages start with the file's path; the message names it once already.
fn strip_path(detail: &str, file: &Path) -> String {
    let p = file.display().to_string();
    detail.strip_prefix(&p).map(|d| d.trim_start_matches(':').trim().to_string()).unwrap_or_else(|| detail.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two tasks waiting for the same player's news (a restart hands the old one to the new
    /// player while the screen starts another): both hear the next picture, and both hear the
    /// stop; neither is left waiting for ever (holding the player's last picture).
    #[test]
    fn every_waiting_task_hears_the_news_and_the_stop() {
        let video =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-content/media/budget-2024-video.mp4");
        let info = probe(&video).expect("ffprobe (scripts/test installs ffmpeg)");
        let opts = PlayOptions { width: 64, height: 36, volume: 0, sink: Sink::None };
        let mut player = Player::start(&video, &info, 0, &opts).unwrap();
        let wait = |news: News| {
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                futures_executor::block_on(news);
                let _ = tx.send(());
            });
            rx
        };
        let (a, b) = (wait(player.news()), wait(player.news()));
        let limit = std::time::Duration::from_secs(10);
        assert!(a.recv_timeout(limit).is_ok() && b.recv_timeout(limit).is_ok(), "both tasks woke");
        while player.take_frame().is_none() {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        player.pause();
        let (a, b) = (wait(player.news()), wait(player.news()));
        player.stop();
        assert!(a.recv_timeout(limit).is_ok() && b.recv_timeout(limit).is_ok(), "the stop woke both");
    }

    #[test]
    fn frame_rates() {
        assert_eq!(rate("25/1"), Some(25.0));
        assert!((rate("30000/1001").unwrap_or(0.0) - 29.97).abs() < 0.01);
        assert_eq!(rate("0/0"), None);
    }
}
