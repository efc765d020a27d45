//! Problems found in a file a person wrote (content sources, configuration), each naming the
//! file, the line and the field, so the person can go straight to it.

use std::cell::RefCell;
use std::fmt;

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Path as the person knows it (relative to the source folder, or the config path).
    pub file: String,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// The field as the person wrote it or knows it (e.g. `发布日期`), if any.
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Names and values come from the file: shown without terminal escapes, and cut short.
        write!(f, "{}", printable(&self.file, 300))?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
        }
        write!(f, ": ")?;
        if let Some(field) = &self.field {
            write!(f, "{} ", printable(field, 100))?;
        }
        // A long value quoted in the message is cut in its middle: the reason after it stays.
        write!(f, "{}", printable_middle(&self.message, 1000))
    }
}

/// A collector shared by the readers of one run; interior mutability lets nested table readers
/// report into the same list.
#[derive(Debug, Default)]
pub struct Problems {
    list: RefCell<Vec<Problem>>,
}

impl Problems {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&self, problem: Problem) {
        self.list.borrow_mut().push(problem);
    }

    pub fn report(&self, file: &str, line: usize, field: Option<&str>, message: impl Into<String>) {
        self.push(Problem { file: file.to_string(), line, field: field.map(str::to_string), message: message.into() });
    }

    pub fn is_empty(&self) -> bool {
        self.list.borrow().is_empty()
    }

    pub fn len(&self) -> usize {
        self.list.borrow().len()
    }

    /// The problems sorted by file and line, the order a person fixes them in.
    pub fn into_sorted(self) -> Vec<Problem> {
        let mut list = self.list.into_inner();
        list.sort_by(|a, b| (a.file.as_str(), a.line).cmp(&(b.file.as_str(), b.line)));
        list.dedup();
        list
    }
}

/// `s` as it may be shown on a terminal or in a message: control characters (terminal escapes
/// among them), bidirectional controls and line separators ([`is_invisible_control`]) written as
/// `\u{1b}`, and cut after `max_chars` characters with `…`.
pub fn printable(s: &str, max_chars: usize) -> std::borrow::Cow<'_, str> {
    let clean = s.chars().take(max_chars).all(|c| !is_invisible_control(c));
    if clean && s.chars().nth(max_chars).is_none() {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == max_chars {
            out.push('…');
            break;
        }
        if is_invisible_control(c) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Whether `c` changes how text is shown without being seen, so that no field of a person's file
/// may hold it and a terminal is shown it escaped: a control character other than a line break
/// or a tab (a terminal escape, for instance), a bidirectional control ([`is_bidi_control`]) or
/// the line or paragraph separator U+2028, U+2029.
pub fn is_invisible_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Whether `c` is a bidirectional control: the marks U+061C, U+200E, U+200F, the embeddings and
/// overrides U+202A–U+202E and the isolates U+2066–U+2069. One of them in a title can make a
/// screen or a terminal show the text in another order than it is stored ("Trojan Source").
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The character at the start of `bytes` (UTF-8) and its length in bytes, if it is one that
/// [`is_invisible_control`] says must be shown escaped; for filters over bytes written to a
/// terminal.
pub fn invisible_control_at(bytes: &[u8]) -> Option<(usize, char)> {
    let len = match *bytes.first()? {
        b if b < 0x80 => 1,
        b if b >= 0xF0 => 4,
        b if b >= 0xE0 => 3,
        b if b >= 0xC0 => 2,
        _ => return None,
    };
    let c = std::str::from_utf8(bytes.get(..len)?).ok()?.chars().next()?;
    is_invisible_control(c).then_some((len, c))
}

/// Like [`printable`], but a text over `max_chars` keeps its beginning and its end (about a
/// third of the room) and says how much was left out between them: a message that quotes a
/// huge value keeps the reason that follows the value.
pub fn printable_middle(s: &str, max_chars: usize) -> std::borrow::Cow<'_, str> {
    let total = s.chars().count();
    if total <= max_chars {
        return printable(s, max_chars);
    }
    let tail = max_chars / 3;
    let head = max_chars - tail;
    let start: String = s.chars().take(head).collect();
    let end: String = s.chars().skip(total - tail).collect();
    std::borrow::Cow::Owned(format!(
        "{}… ({} characters left out) …{}",
        printable(&start, head),
        total - head - tail,
        printable(&end, tail)
    ))
}

/// What went wrong, from an error's `source()` chain: its last two distinct causes joined, e.g.
/// "tcp connect error: Connection refused (os error 111)" or "dns error: failed to lookup
/// address information: …", where the error itself says only "error sending request for url
/// (…)". The HTTP client's wrappers that name no cause ("client error (Connect)") are left
/// out. An error without a source is shown as it is.
pub fn error_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut chain: Vec<String> = Vec::new();
    let mut next = e.source();
    while let Some(cause) = next {
        let text = cause.to_string();
        if !text.is_empty() && !text.starts_with("client error (") && chain.last() != Some(&text) {
            chain.push(text);
        }
        next = cause.source();
    }
    if chain.is_empty() {
        return e.to_string();
    }
    chain[chain.len().saturating_sub(2)..].join(": ")
}

/// A failed HTTP request in words: whether the connection failed (a TLS handshake named as
/// such) or the answer could not be read, with the cause from [`error_cause`].
pub fn network_error(e: &reqwest::Error) -> String {
    let cause = error_cause(e);
    let https = e.url().is_some_and(|u| u.scheme() == "https");
    if e.is_timeout() {
        format!("timed out ({cause})")
    } else if e.is_connect() && https && !cause.starts_with("tcp connect error") && !cause.starts_with("dns error") {
        format!("cannot connect: the TLS handshake failed: {cause} (does the server speak https on that port?)")
    } else if e.is_connect() {
        format!("cannot connect: {cause}")
    } else if e.is_body() || e.is_decode() {
        format!("the answer broke off: {cause}")
    } else {
        cause
    }
}

/// Where each line of a text starts, for line numbers of many byte offsets in one text (each
/// lookup a binary search: a file with 60,000 fields costs no more than one with a few).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// 1-based line number of a byte offset (past the end: the last line).
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }
}

/// 1-based line number of a byte offset in `text`, never panicking on an offset past the end or
/// inside a character.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    1 + text.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count()
}

/// Edit distance over characters where inserting, deleting, replacing one character or swapping
/// two neighbours each cost 1 (optimal string alignment), for "did you mean" suggestions.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

/// The closest known name to `unknown`, if it is close enough to be a likely typo.
pub fn suggest<'a>(unknown: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (unknown.chars().count() / 3).max(1);
    known
        .into_iter()
        .map(|k| (edit_distance(unknown, k), k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_of_counts_newlines_and_clamps() {
        let t = "a\nb\nc";
        assert_eq!(line_of(t, 0), 1);
        assert_eq!(line_of(t, 2), 2);
        assert_eq!(line_of(t, 4), 3);
        assert_eq!(line_of(t, 999), 3);
    }

    #[test]
    fn suggestion_finds_typos_only() {
        let known = ["idle_timeout_seconds", "zone_id", "data_dir"];
        assert_eq!(suggest("idle_timout_seconds", known), Some("idle_timeout_seconds"));
        assert_eq!(suggest("zone_di", known), Some("zone_id"));
        assert_eq!(edit_distance("titel", "title"), 1);
        assert_eq!(suggest("printer", known), None);
    }

    #[test]
    fn problem_display_names_file_line_field() {
        let p = Problem {
            file: "docs/2023/tax.md".into(),
            line: 4,
            field: Some("发布日期".into()),
            message: "\"2023-13-01\" is not a date".into(),
        };
        assert_eq!(p.to_string(), "docs/2023/tax.md:4: 发布日期 \"2023-13-01\" is not a date");
    }

    #[test]
    fn line_index_agrees_with_line_of() {
        let text = "a\nbb\n\nccc\n";
        let idx = LineIndex::new(text);
        for off in 0..text.len() + 3 {
            assert_eq!(idx.line(off), line_of(text, off), "{off}");
        }
    }

    #[test]
    fn printable_escapes_control_characters_and_cuts() {
        assert_eq!(printable("标题", 10), "标题");
        assert_eq!(printable("a\u{1b}[2Jb", 10), "a\\u{1b}[2Jb");
        assert_eq!(printable("abcdef", 3), "abc…");
    }

    #[test]
    fn bidi_controls_and_line_separators_are_escaped_like_control_characters() {
        assert_eq!(printable("a\u{202e}cba\u{2028}\u{200f}", 20), "a\\u{202e}cba\\u{2028}\\u{200f}");
        for c in ['\u{061c}', '\u{200e}', '\u{202a}', '\u{2066}', '\u{2069}', '\u{2029}', '\u{1b}', '\u{9b}'] {
            assert!(is_invisible_control(c), "{c:?}");
            let s = format!("{c}x");
            assert_eq!(invisible_control_at(s.as_bytes()), Some((c.len_utf8(), c)));
        }
        for c in ['\n', '\t', '标', 'a', '\u{200b}', '\u{3000}', '\u{2030}'] {
            assert!(!is_invisible_control(c), "{c:?}");
        }
        assert_eq!(invisible_control_at("标".as_bytes()), None);
        assert_eq!(invisible_control_at(&"\u{202e}".as_bytes()[1..]), None);
    }

    #[test]
    fn a_long_message_keeps_its_end() {
        let long = format!("\"{}\" is not one of: zh-Hans, zh-Hant, en", "x".repeat(1_000_000));
        let p = Problem { file: "kiosk.toml".into(), line: 9, field: Some("ui.languages".into()), message: long };
        let shown = p.to_string();
        assert!(shown.chars().count() < 1100, "{}", shown.len());
        assert!(shown.ends_with("\" is not one of: zh-Hans, zh-Hant, en"), "{shown}");
        assert!(shown.contains("characters left out"), "{shown}");
        assert_eq!(printable_middle("short", 10), "short");
    }
}
