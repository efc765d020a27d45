//! Handwriting recognition per stroke update: the 26 hand-written test characters
//! (tests/data/handwriting-strokes.txt) drawn on a pad 400 px high, each stroke update
//! recognised as the pad does it (all the strokes so far, centred on the pad, ten guesses from
//! zinnia's simplified-Chinese model). Baseline in the same run: the first stroke of each
//! character (the smallest update zinnia gets).
//!
//! ```sh
//! cargo bench --bench handwriting      # needs libzinnia0 and tegaki-zinnia-simplified-chinese
//! ```

use std::time::{Duration, Instant};

use gongkai_kiosk::handwriting::{self, GUESSES, Recognizer, Stroke};

/// The pad's height in landscape, large text off (what the UI test draws on is similar).
const PAD: f32 = 400.0;
const ROUNDS: usize = 5;

fn percentile(v: &[Duration], p: f64) -> Duration {
    let mut v = v.to_vec();
    v.sort();
    v[((v.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    let recognizer = Recognizer::open_default()
        .expect("zinnia and its model (apt-get install libzinnia0 tegaki-zinnia-simplified-chinese)");
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/handwriting-strokes.txt")).unwrap();
    let samples = handwriting::parse_samples(&text).unwrap();
    let scale = PAD / 100.0;
    let samples: Vec<(char, Vec<Stroke>)> = samples
        .into_iter()
        .map(|(c, strokes)| {
            (c, strokes.into_iter().map(|s| s.into_iter().map(|(x, y)| (x * scale, y * scale)).collect()).collect())
        })
        .collect();
    let strokes: usize = samples.iter().map(|(_, s)| s.len()).sum();
    println!("{} characters, {strokes} stroke updates, {ROUNDS} rounds", samples.len());
    let (mut first, mut every, mut last) = (Vec::new(), Vec::new(), Vec::new());
    let mut right = 0;
    for round in 0..ROUNDS {
        for (c, s) in &samples {
            for k in 1..=s.len() {
                let t = Instant::now();
                let guesses = recognizer.recognize_drawing(&s[..k], PAD, GUESSES);
                let took = t.elapsed();
                every.push(took);
                if k == 1 {
                    first.push(took);
                }
                if k == s.len() {
                    last.push(took);
                    if round == 0 && guesses.first().map(|g| g.character) == Some(*c) {
                        right += 1;
                    }
                }
            }
        }
    }
    let base = percentile(&first, 0.5);
    let row = |label: &str, v: &[Duration]| {
        let p50 = percentile(v, 0.5);
        println!(
            "{label}: p50 {} ({:.2} × baseline), p95 {}, worst {} ({} updates)",
            ms(p50),
            p50.as_secs_f64() / base.as_secs_f64(),
            ms(percentile(v, 0.95)),
            ms(percentile(v, 1.0)),
            v.len()
        );
    };
    row("first stroke (baseline)", &first);
    row("every stroke update", &every);
    row("the whole character (last update)", &last);
    println!("top guess right for {right} of {} characters", samples.len());
    // The model is let go at the idle reset (issue 20): the next visitor's first stroke maps it
    // again. Each sample's first stroke right after a release, against the same stroke with the
    // model in memory (the baseline above).
    let mut cold = Vec::new();
    for _ in 0..ROUNDS {
        for (_, s) in &samples {
            recognizer.release();
            let t = Instant::now();
            let guesses = recognizer.recognize_drawing(&s[..1], PAD, GUESSES);
            cold.push(t.elapsed());
            assert!(!guesses.is_empty());
        }
    }
    row("first stroke after the idle reset (the model mapped again)", &cold);
}
