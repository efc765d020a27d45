//! Handwriting recognition: strokes drawn with one finger → candidate characters, with zinnia
//! (Debian's `libzinnia0`, BSD) and its simplified-Chinese model (Debian's
//! `tegaki-zinnia-simplified-chinese`, LGPL-2.1; 6,763 characters, the GB2312 set).
//!
//! The library is loaded at run time (`dlopen`), so building the kiosk needs no zinnia headers
//! or `-dev` package and a kiosk without zinnia simply offers no writing pad. A
//! traditional-character writer gets the simplified match (the model knows simplified forms
//! only); search folds the two anyway.

use std::ffi::{CStr, CString, c_char, c_float, c_int, c_void};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The shared library of Debian's `libzinnia0`.
pub const LIBRARY: &str = "libzinnia.so.0";
/// Where Debian's `tegaki-zinnia-simplified-chinese` puts its model.
pub const MODEL: &str = "/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model";
/// The Debian packages that make the pad available.
pub const PACKAGES: &str = "libzinnia0 tegaki-zinnia-simplified-chinese";

#[derive(Debug, thiserror::Error)]
pub enum HandwritingError {
    #[error("handwriting needs zinnia ({LIBRARY}: {0}); install the Debian packages {PACKAGES}")]
    Library(String),
    #[error("handwriting needs the model {}: {reason}; install the Debian package tegaki-zinnia-simplified-chinese", path.display())]
    Model { path: PathBuf, reason: String },
}

/// A stroke: the points the finger went through, in pad coordinates.
pub type Stroke = Vec<(f32, f32)>;

/// Candidates asked of zinnia for each stroke update.
pub const GUESSES: usize = 10;

/// Strokes drawn anywhere on a pad `height` high (and as wide as it likes) as zinnia sees them:
/// a square `height` × `height` centred on what was drawn, so a character written at the left
/// or right end of a wide pad is recognised as well as one in its middle, and its size relative
/// to the pad is kept (口 stays smaller than 囗). A drawing wider than the square is scaled down
/// to fit it.
pub fn fit(strokes: &[Stroke], height: f32) -> Vec<Stroke> {
    let side = height.max(1.0);
    let xs = || strokes.iter().flatten().map(|p| p.0);
    let (Some(left), Some(right)) = (xs().reduce(f32::min), xs().reduce(f32::max)) else { return Vec::new() };
    let scale = (side * 0.95 / (right - left).max(1.0)).min(1.0);
    let centre = (left + right) / 2.0;
    strokes
        .iter()
        .map(|s| {
            s.iter().map(|&(x, y)| (side / 2.0 + (x - centre) * scale, side / 2.0 + (y - side / 2.0) * scale)).collect()
        })
        .collect()
}

/// Reads test and benchmark samples: one character a line, `字: x,y x,y | x,y …` (strokes
/// separated by `|`, points on a 100 × 100 square); `#` starts a comment line.
pub fn parse_samples(text: &str) -> Result<Vec<(char, Vec<Stroke>)>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate().map(|(n, l)| (n + 1, l.trim())) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (ch, rest) = line.split_once(':').ok_or(format!("line {n}: no `:` after the character"))?;
        let ch = ch.trim().chars().next().ok_or(format!("line {n}: no character"))?;
        let mut strokes = Vec::new();
        for stroke in rest.split('|') {
            let mut points = Vec::new();
            for p in stroke.split_whitespace() {
                let (x, y) = p.split_once(',').ok_or(format!("line {n}: `{p}` is not x,y"))?;
                let num = |v: &str| v.parse::<f32>().map_err(|_| format!("line {n}: `{p}` is not x,y"));
                points.push((num(x)?, num(y)?));
            }
            if points.is_empty() {
                return Err(format!("line {n}: an empty stroke"));
            }
            strokes.push(points);
        }
        out.push((ch, strokes));
    }
    Ok(out)
}

type NewFn = unsafe extern "C" fn() -> *mut c_void;
type DestroyFn = unsafe extern "C" fn(*mut c_void);
type OpenFn = unsafe extern "C" fn(*mut c_void, *const c_char) -> c_int;
type StrErrorFn = unsafe extern "C" fn(*mut c_void) -> *const c_char;
type ClassifyFn = unsafe extern "C" fn(*mut c_void, *const c_void, usize) -> *mut c_void;
type SetSizeFn = unsafe extern "C" fn(*mut c_void, usize);
type AddFn = unsafe extern "C" fn(*mut c_void, usize, c_int, c_int) -> c_int;
type ValueFn = unsafe extern "C" fn(*mut c_void, usize) -> *const c_char;
type ScoreFn = unsafe extern "C" fn(*mut c_void, usize) -> c_float;
type SizeFn = unsafe extern "C" fn(*mut c_void) -> usize;

/// The zinnia functions the recognizer calls, resolved once from the loaded library.
struct Api {
    recognizer_new: NewFn,
    recognizer_destroy: DestroyFn,
    recognizer_open: OpenFn,
    recognizer_strerror: StrErrorFn,
    recognizer_classify: ClassifyFn,
    character_new: NewFn,
    character_destroy: DestroyFn,
    character_set_width: SetSizeFn,
    character_set_height: SetSizeFn,
    character_add: AddFn,
    result_value: ValueFn,
    result_score: ScoreFn,
    result_size: SizeFn,
    result_destroy: DestroyFn,
    /// Keeps the library loaded as long as the function pointers above are used.
    _library: libloading::Library,
}

impl Api {
    fn load() -> Result<Api, HandwritingError> {
        // SAFETY: loading libzinnia runs only its (C++) static initialisers, which have no
        // preconditions.
        let library =
            unsafe { libloading::Library::new(LIBRARY) }.map_err(|e| HandwritingError::Library(e.to_string()))?;
        macro_rules! f {
            ($name:literal) => {
                // SAFETY: the symbol is declared in zinnia.h with the signature of the field it
                // is stored in (the types above).
                *unsafe { library.get(concat!($name, "\0").as_bytes()) }
                    .map_err(|e| HandwritingError::Library(format!("{}: {e}", $name)))?
            };
        }
        Ok(Api {
            recognizer_new: f!("zinnia_recognizer_new"),
            recognizer_destroy: f!("zinnia_recognizer_destroy"),
            recognizer_open: f!("zinnia_recognizer_open"),
            recognizer_strerror: f!("zinnia_recognizer_strerror"),
            recognizer_classify: f!("zinnia_recognizer_classify"),
            character_new: f!("zinnia_character_new"),
            character_destroy: f!("zinnia_character_destroy"),
            character_set_width: f!("zinnia_character_set_width"),
            character_set_height: f!("zinnia_character_set_height"),
            character_add: f!("zinnia_character_add"),
            result_value: f!("zinnia_result_value"),
            result_score: f!("zinnia_result_score"),
            result_size: f!("zinnia_result_size"),
            result_destroy: f!("zinnia_result_destroy"),
            _library: library,
        })
    }
}

/// zinnia with its model. The model (25 MB, mapped by zinnia) is only in memory while the
/// pad is used: [`Recognizer::open`] checks it and lets it go, the first recognition maps it
/// again (about 10 ms) and [`Recognizer::release`] (the idle reset) lets it go, so an idle kiosk
/// does not hold it. Recognition is serialised behind a lock (zinnia's recognizer is not meant
/// to be shared between threads); one takes a few milliseconds.
pub struct Recognizer {
    api: Api,
    model: CString,
    /// The opened model, while the pad is in use.
    recognizer: Mutex<Option<Handle>>,
}

/// zinnia's recognizer object.
struct Handle(*mut c_void);

// SAFETY: the recognizer is only ever used behind the `Mutex` of its `Recognizer`, one call at a
// time, and zinnia keeps no thread-local state.
unsafe impl Send for Handle {}

impl std::fmt::Debug for Recognizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Recognizer(zinnia)")
    }
}

/// One guess: a character and how sure zinnia is (higher is better).
#[derive(Debug, Clone, PartialEq)]
pub struct Guess {
    pub character: char,
    pub score: f32,
}

impl Recognizer {
    /// Loads zinnia and Debian's simplified-Chinese model.
    pub fn open_default() -> Result<Recognizer, HandwritingError> {
        Recognizer::open(Path::new(MODEL))
    }

    /// Loads zinnia and checks that `model` opens (then lets the model go until it is used).
    pub fn open(model: &Path) -> Result<Recognizer, HandwritingError> {
        let model_error = |reason: String| HandwritingError::Model { path: model.to_path_buf(), reason };
        if !model.is_file() {
            return Err(model_error("not found".into()));
        }
        let api = Api::load()?;
        let path = CString::new(model.as_os_str().as_encoded_bytes())
            .map_err(|_| model_error("a NUL byte in the path".into()))?;
        let checked = Self::open_model(&api, &path).map_err(|e| match e {
            OpenError::Library(e) => HandwritingError::Library(e),
            OpenError::Model(reason) => model_error(reason),
        })?;
        // SAFETY: `checked` was just created and is not used after this.
        unsafe { (api.recognizer_destroy)(checked.0) };
        Ok(Recognizer { api, model: path, recognizer: Mutex::new(None) })
    }

    /// A new zinnia recognizer with the model at `path` opened.
    fn open_model(api: &Api, path: &CStr) -> Result<Handle, OpenError> {
        // SAFETY: `recognizer_new` takes no arguments and returns a new object we own.
        let handle = unsafe { (api.recognizer_new)() };
        if handle.is_null() {
            return Err(OpenError::Library("zinnia_recognizer_new returned nothing".into()));
        }
        // SAFETY: `handle` is a live recognizer and `path` a NUL-terminated string that outlives
        // the call.
        if unsafe { (api.recognizer_open)(handle, path.as_ptr()) } == 0 {
            // SAFETY: strerror returns a string owned by the recognizer, read before it is freed.
            let reason = unsafe { CStr::from_ptr((api.recognizer_strerror)(handle)) }.to_string_lossy().into_owned();
            // SAFETY: `handle` is ours and not used after this.
            unsafe { (api.recognizer_destroy)(handle) };
            return Err(OpenError::Model(reason));
        }
        Ok(Handle(handle))
    }

    /// Lets the model go (the idle reset: the next visitor who writes maps it again).
    pub fn release(&self) {
        let mut loaded = self.recognizer.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(handle) = loaded.take() {
            // SAFETY: the recognizer is ours, taken out of the lock, and nothing uses it after this.
            unsafe { (self.api.recognizer_destroy)(handle.0) };
        }
    }

    /// Whether the model is in memory now.
    pub fn is_loaded(&self) -> bool {
        self.recognizer.lock().unwrap_or_else(|e| e.into_inner()).is_some()
    }

    /// The `n` likeliest characters for strokes drawn anywhere on a pad `height` high (see
    /// [`fit`]), best first.
    pub fn recognize_drawing(&self, strokes: &[Stroke], height: f32, n: usize) -> Vec<Guess> {
        let side = height.max(1.0);
        self.recognize(&fit(strokes, side), side, side, n)
    }

    /// The `n` likeliest characters for the strokes drawn on a pad `width` × `height`, best
    /// first. Nothing for no strokes.
    pub fn recognize(&self, strokes: &[Stroke], width: f32, height: f32, n: usize) -> Vec<Guess> {
        let strokes: Vec<&Stroke> = strokes.iter().filter(|s| !s.is_empty()).collect();
        if strokes.is_empty() || n == 0 {
            return Vec::new();
        }
        let a = &self.api;
        let mut loaded = self.recognizer.lock().unwrap_or_else(|e| e.into_inner());
        if loaded.is_none() {
            let started = std::time::Instant::now();
            match Self::open_model(a, &self.model) {
                Ok(h) => *loaded = Some(h),
                Err(OpenError::Library(e) | OpenError::Model(e)) => {
                    tracing::warn!("handwriting: the model no longer opens ({e}); reinstall {PACKAGES}");
                    return Vec::new();
                }
            }
            tracing::debug!("handwriting: model opened in {:?}", started.elapsed());
        }
        let Some(handle) = loaded.as_ref() else { return Vec::new() };
        // SAFETY: each call gets live objects created here or owned by `self`; the character
        // and the result are destroyed before returning, and the result's strings are copied
        // before that.
        unsafe {
            let character = (a.character_new)();
            if character.is_null() {
                return Vec::new();
            }
            (a.character_set_width)(character, width.max(1.0).round() as usize);
            (a.character_set_height)(character, height.max(1.0).round() as usize);
            for (id, stroke) in strokes.iter().enumerate() {
                for &(x, y) in stroke.iter() {
                    let x = x.clamp(0.0, width).round() as c_int;
                    let y = y.clamp(0.0, height).round() as c_int;
                    (a.character_add)(character, id, x, y);
                }
            }
            let result = (a.recognizer_classify)(handle.0, character, n);
            let mut out = Vec::new();
            if !result.is_null() {
                for i in 0..(a.result_size)(result) {
                    let value = (a.result_value)(result, i);
                    if value.is_null() {
                        continue;
                    }
                    let text = CStr::from_ptr(value).to_string_lossy();
                    if let Some(character) = text.chars().next() {
                        out.push(Guess { character, score: (a.result_score)(result, i) });
                    }
                }
                (a.result_destroy)(result);
            }
            (a.character_destroy)(character);
            out
        }
    }
}

impl Drop for Recognizer {
    fn drop(&mut self) {
        self.release();
    }
}

/// Why zinnia could not open the model.
enum OpenError {
    Library(String),
    Model(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Straight strokes from (x0, y0) to (x1, y1) on a 100 × 100 pad, ten points each.
    fn lines(segments: &[(f32, f32, f32, f32)]) -> Vec<Stroke> {
        segments
            .iter()
            .map(|&(x0, y0, x1, y1)| {
                (0..=10).map(|i| i as f32 / 10.0).map(|t| (x0 + (x1 - x0) * t, y0 + (y1 - y0) * t)).collect()
            })
            .collect()
    }

    #[test]
    fn simple_characters_are_recognised() {
        let r =
            Recognizer::open_default().expect("scripts/test installs libzinnia0 and tegaki-zinnia-simplified-chinese");
        let top = |s: &[Stroke]| r.recognize(s, 100.0, 100.0, 5).first().map(|g| g.character);
        assert_eq!(top(&lines(&[(10.0, 50.0, 90.0, 50.0)])), Some('一'));
        assert_eq!(top(&lines(&[(15.0, 30.0, 85.0, 30.0), (10.0, 70.0, 90.0, 70.0)])), Some('二'));
        assert_eq!(top(&lines(&[(10.0, 45.0, 90.0, 45.0), (50.0, 10.0, 50.0, 90.0)])), Some('十'));
        assert!(r.recognize(&[], 100.0, 100.0, 5).is_empty());
    }

    /// The samples in tests/data/handwriting-strokes.txt, which the UI test draws on the pad.
    pub(crate) fn samples() -> Vec<(char, Vec<Stroke>)> {
        parse_samples(include_str!("../tests/data/handwriting-strokes.txt")).unwrap()
    }

    #[test]
    fn every_sample_character_is_the_first_guess_wherever_it_is_drawn() {
        let r =
            Recognizer::open_default().expect("scripts/test installs libzinnia0 and tegaki-zinnia-simplified-chinese");
        let samples = samples();
        assert!(samples.len() >= 20, "{} samples", samples.len());
        for (ch, strokes) in samples {
            // as written on the 100 × 100 square
            let top = r.recognize(&strokes, 100.0, 100.0, GUESSES);
            assert_eq!(top.first().map(|g| g.character), Some(ch), "{ch}: {top:?}");
            // 2.8 times as large, at the right end of a wide pad
            let moved: Vec<Stroke> =
                strokes.iter().map(|s| s.iter().map(|&(x, y)| (1200.0 + x * 2.8, y * 2.8)).collect()).collect();
            let top = r.recognize_drawing(&moved, 280.0, GUESSES);
            assert_eq!(top.first().map(|g| g.character), Some(ch), "{ch} on a wide pad: {top:?}");
        }
    }

    #[test]
    fn samples_that_do_not_parse_say_where() {
        assert_eq!(
            parse_samples("# c\n王: 1,2 3,4 | 5,6").unwrap(),
            vec![('王', vec![vec![(1.0, 2.0), (3.0, 4.0)], vec![(5.0, 6.0)]])]
        );
        assert_eq!(parse_samples("\n王 1,2").unwrap_err(), "line 2: no `:` after the character");
        assert_eq!(parse_samples("王: 1;2").unwrap_err(), "line 1: `1;2` is not x,y");
        assert_eq!(parse_samples("王: 1,2 ||").unwrap_err(), "line 1: an empty stroke");
    }

    /// Issue 20: the model (25 MB) is not held by an idle kiosk: opening checks it, the first
    /// recognition maps it, the idle reset lets it go, and writing again maps it again.
    #[test]
    fn the_model_is_in_memory_only_while_the_pad_is_used() {
        // a copy under its own name, so that other tests' recognizers do not show in the maps
        let dir = tempfile::tempdir().unwrap();
        let model = dir.path().join("handwriting.model");
        std::fs::copy(MODEL, &model).expect("scripts/test installs tegaki-zinnia-simplified-chinese");
        let name = model.to_str().unwrap().to_string();
        let mapped = || std::fs::read_to_string("/proc/self/maps").unwrap().contains(&name);
        let r = Recognizer::open(&model).unwrap();
        assert!(!r.is_loaded() && !mapped(), "opening checks the model and lets it go");
        let one = lines(&[(10.0, 50.0, 90.0, 50.0)]);
        let top = |r: &Recognizer| r.recognize(&one, 100.0, 100.0, 3).first().map(|g| g.character);
        assert_eq!(top(&r), Some('一'));
        assert!(r.is_loaded() && mapped(), "the first recognition maps the model");
        r.release();
        assert!(!r.is_loaded() && !mapped(), "released at the idle reset");
        assert_eq!(top(&r), Some('一'), "and mapped again for the next writer");
        drop(r);
        assert!(!mapped());
    }

    #[test]
    fn a_missing_model_says_which_package_to_install() {
        let e = Recognizer::open(Path::new("/nonexistent/model")).unwrap_err();
        assert!(e.to_string().contains("tegaki-zinnia-simplified-chinese"), "{e}");
    }
}
