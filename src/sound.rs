//! The kiosk's two sounds: a soft click on each tap, and a chime when the idle countdown starts.
//! Each is made here as a short WAV (16-bit mono) at the configured volume and played by a child
//! process — PulseAudio's `paplay` where a PulseAudio server runs, else ALSA's `aplay` — so no
//! sound library is needed to build the kiosk. Without a sound card (or either program) the
//! player fails quietly and the kiosk stays silent.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

const RATE: u32 = 22_050;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sound {
    /// A tap: 30 ms, soft.
    Click,
    /// The idle countdown started: two rising tones.
    Chime,
}

impl Sound {
    pub fn parse(s: &str) -> Option<Sound> {
        match s {
            "click" => Some(Sound::Click),
            "chime" => Some(Sound::Chime),
            _ => None,
        }
    }

    /// The samples at full scale (−1…1).
    fn samples(self) -> Vec<f32> {
        let tone = |freq: f32, ms: u32, decay: f32, level: f32| -> Vec<f32> {
            let n = RATE * ms / 1000;
            (0..n)
                .map(|i| {
                    let t = i as f32 / RATE as f32;
                    // a short fade-in keeps the start from popping
                    let attack = (i as f32 / (RATE as f32 * 0.002)).min(1.0);
                    level * attack * (-t * decay).exp() * (std::f32::consts::TAU * freq * t).sin()
                })
                .collect()
        };
        match self {
            Sound::Click => tone(1800.0, 30, 160.0, 0.5),
            Sound::Chime => {
                let mut s = tone(880.0, 260, 9.0, 0.6);
                s.extend(tone(1320.0, 420, 7.0, 0.6));
                s
            }
        }
    }

    /// The sound as a WAV file at `volume` (0–100).
    pub fn wav(self, volume: u8) -> Vec<u8> {
        let gain = f32::from(volume.min(100)) / 100.0;
        let data: Vec<u8> = self
            .samples()
            .into_iter()
            .flat_map(|s| (((s * gain).clamp(-1.0, 1.0) * f32::from(i16::MAX)) as i16).to_le_bytes())
            .collect();
        let mut w = Vec::with_capacity(44 + data.len());
        w.extend_from_slice(b"RIFF");
        w.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
        w.extend_from_slice(b"WAVEfmt ");
        w.extend_from_slice(&16u32.to_le_bytes());
        w.extend_from_slice(&1u16.to_le_bytes()); // PCM
        w.extend_from_slice(&1u16.to_le_bytes()); // mono
        w.extend_from_slice(&RATE.to_le_bytes());
        w.extend_from_slice(&(RATE * 2).to_le_bytes());
        w.extend_from_slice(&2u16.to_le_bytes());
        w.extend_from_slice(&16u16.to_le_bytes());
        w.extend_from_slice(b"data");
        w.extend_from_slice(&(data.len() as u32).to_le_bytes());
        w.extend_from_slice(&data);
        w
    }
}

/// Plays the sounds, if sound is on and a player is installed.
#[derive(Debug)]
pub struct Player {
    volume: u8,
    /// The program and its arguments (reading a WAV from standard input); None: silent.
    command: Option<Vec<String>>,
    playing: Option<Child>,
}

pub(crate) fn on_path(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
}

/// Whether a PulseAudio (or PipeWire-Pulse) server is there to play through.
pub(crate) fn pulse_running() -> bool {
    if std::env::var_os("PULSE_SERVER").is_some() {
        return true;
    }
    std::env::var_os("XDG_RUNTIME_DIR").is_some_and(|d| PathBuf::from(d).join("pulse/native").exists())
}

impl Player {
    /// A player for the configuration: `enabled` false or `volume` 0 is silent.
    pub fn new(enabled: bool, volume: u8) -> Player {
        let command = if !enabled || volume == 0 {
            None
        } else if pulse_running() && on_path("paplay") {
            Some(vec!["paplay".into()])
        } else if on_path("aplay") {
            Some(vec!["aplay".into(), "-q".into(), "-".into()])
        } else {
            None
        };
        Player { volume, command, playing: None }
    }

    /// A player that never makes a sound.
    pub fn silent() -> Player {
        Player { volume: 0, command: None, playing: None }
    }

    /// The program sounds go to (None: silent).
    pub fn program(&self) -> Option<&str> {
        self.command.as_ref().and_then(|c| c.first()).map(String::as_str)
    }

    /// Plays `sound` without waiting. A click while another sound still plays is left out (a
    /// quick series of taps must not pile up processes); the chime always plays.
    pub fn play(&mut self, sound: Sound) {
        let Some(cmd) = &self.command else { return };
        if let Some(child) = &mut self.playing {
            if matches!(child.try_wait(), Ok(None)) && sound == Sound::Click {
                return;
            }
            let _ = child.try_wait();
        }
        let spawned = Command::new(&cmd[0])
            .args(&cmd[1..])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        match spawned {
            Ok(mut child) => {
                if let Some(mut stdin) = child.stdin.take() {
                    let wav = sound.wav(self.volume);
                    std::thread::spawn(move || {
                        let _ = stdin.write_all(&wav);
                    });
                }
                if let Some(mut old) = self.playing.replace(child) {
                    let _ = old.try_wait();
                }
            }
            Err(e) => {
                tracing::warn!(program = %cmd[0], error = %e, "sound player could not start; the kiosk stays silent");
                self.command = None;
            }
        }
    }
}

impl Drop for Player {
    fn drop(&mut self) {
        if let Some(mut c) = self.playing.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sounds_are_wav_files_at_the_volume_asked() {
        for s in [Sound::Click, Sound::Chime] {
            let loud = s.wav(100);
            assert_eq!(&loud[..4], b"RIFF");
            assert_eq!(&loud[8..16], b"WAVEfmt ");
            let data = u32::from_le_bytes(loud[40..44].try_into().unwrap()) as usize;
            assert_eq!(loud.len(), 44 + data);
            let peak = |w: &[u8]| {
                w[44..].chunks(2).map(|c| i16::from_le_bytes([c[0], c[1]]).unsigned_abs()).max().unwrap_or(0)
            };
            let quiet = s.wav(20);
            assert!(peak(&loud) > 10_000, "{s:?} is heard");
            assert!(peak(&quiet) < peak(&loud) / 4, "{s:?}: the volume scales it");
            assert_eq!(peak(&s.wav(0)), 0);
        }
        // the click is short, the chime long enough to notice
        assert!(Sound::Click.wav(50).len() < 44 + 2 * RATE as usize / 20);
        assert!(Sound::Chime.wav(50).len() > 44 + 2 * RATE as usize / 2);
    }

    #[test]
    fn sound_off_or_at_zero_is_silent() {
        assert_eq!(Player::new(false, 80).program(), None);
        assert_eq!(Player::new(true, 0).program(), None);
        let mut p = Player::silent();
        p.play(Sound::Chime);
        assert!(p.playing.is_none());
    }
}
