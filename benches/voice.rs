//! Time from 语音朗读 to the first sound of a long document, read as the kiosk reads it — the
//! text cut into sentences on the tap, each sentence's pinyin made by the voice's thread just
//! before espeak-ng reads it — against synthesising the whole text first (its pinyin, then the
//! whole WAV: the sound could only start after that), in the same run. Also the first sound when
//! the whole text's pinyin is made first and handed to one espeak-ng (which streams by itself).
//!
//! "First sound" is the first 50 ms of samples espeak-ng writes (`--stdout`: 22,050 Hz, 16 bit,
//! after the 44-byte WAV header); a sound card would start playing then.
//!
//! ```sh
//! cargo bench --bench voice
//! ```

use std::io::{Read, Write};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use gongkai_kiosk::speech::{self, RATE, reading};
use gongkai_kiosk::store::Store;

/// The WAV header and 50 ms of 22,050 Hz 16-bit mono samples.
const FIRST_SOUND: usize = 44 + 2205;
const RUNS: usize = 5;

/// Runs espeak-ng with the kiosk's voice on `pinyin`, writing its sound to a pipe; returns when
/// the first sound arrived and when the last did.
fn espeak(pinyin: &str, started: Instant) -> (Duration, Duration) {
    let mut child = speech::voice_command(RATE)
        .arg("--stdout")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("espeak-ng (apt-get install espeak-ng)");
    let mut stdin = child.stdin.take().unwrap();
    let text = pinyin.to_string();
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(text.as_bytes());
    });
    let mut out = child.stdout.take().unwrap();
    let mut buf = vec![0u8; 1 << 16];
    let (mut n, mut first) = (0, None);
    loop {
        let got = out.read(&mut buf).unwrap();
        if got == 0 {
            break;
        }
        n += got;
        if first.is_none() && n >= FIRST_SOUND {
            first = Some(started.elapsed());
        }
    }
    child.wait().unwrap();
    feeder.join().unwrap();
    (first.expect("espeak-ng made no sound"), started.elapsed())
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    let tmp = tempfile::tempdir().unwrap();
    let mut store = Store::open(tmp.path()).unwrap();
    store.import_folder(&Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-content")).unwrap();
    // the longest demo document, and a long one made of every demo document's body in turn
    let filter = gongkai_kiosk::store::DocFilter::default();
    let docs: Vec<_> = store
        .documents(&filter, 1000, 0)
        .unwrap()
        .into_iter()
        .map(|d| store.document(&d.id).unwrap().unwrap())
        .collect();
    let longest = docs.iter().max_by_key(|d| speech::document_text(d).chars().count()).unwrap();
    let mut all = speech::document_text(longest);
    for d in &docs {
        all.push('\n');
        all.push_str(&speech::document_text(d));
    }
    let texts = [
        (format!("the longest demo document ({})", longest.title), speech::document_text(longest)),
        (format!("all {} demo documents read as one", docs.len()), all),
    ];
    for (label, text) in &texts {
        let sentences = speech::cut(text).len();
        println!("{label}: {} characters, {sentences} sentences", text.chars().count());
        let (mut stream, mut whole_first, mut whole_wav, mut whole_total) = (vec![], vec![], vec![], vec![]);
        for _ in 0..RUNS {
            // the kiosk: the tap cuts the text; the voice's thread makes the first sentence's
            // pinyin and starts espeak-ng on it
            let t = Instant::now();
            let cut = speech::cut(text);
            let first = cut.iter().map(|s| reading::to_pinyin(s)).find(|p| !p.trim_matches([' ', ',', '.']).is_empty());
            stream.push(espeak(&first.unwrap(), t).0);
            // the whole text's pinyin first, then one espeak-ng that streams
            let t = Instant::now();
            let pinyin: Vec<String> = speech::sentences(text).into_iter().map(|s| s.pinyin).collect();
            let (first, total) = espeak(&pinyin.join(" . "), t);
            whole_first.push(first);
            whole_total.push(total);
            // the whole text synthesised to a WAV before anything plays (baseline)
            let t = Instant::now();
            let wav = tmp.path().join("whole.wav");
            speech::to_wav(text, RATE, &wav).unwrap();
            whole_wav.push(t.elapsed());
        }
        let (s, f, w, total) = (median(stream), median(whole_first), median(whole_wav), median(whole_total));
        let ratio = |d: Duration| d.as_secs_f64() / w.as_secs_f64();
        println!("  whole text synthesised first (baseline): first sound after {}", ms(w));
        println!(
            "  whole text's pinyin, then one espeak-ng: first sound after {} ({:.3} × baseline; all sound after {})",
            ms(f),
            ratio(f),
            ms(total)
        );
        println!("  sentence by sentence (the kiosk): first sound after {} ({:.4} × baseline)", ms(s), ratio(s));
    }
}
