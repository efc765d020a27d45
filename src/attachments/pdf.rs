//! PDFs through poppler's command-line programs (poppler-utils, GPL: run as separate
//! processes, never linked): `pdfinfo` for the page count, `pdftotext` for the text of each
//! page, `pdftoppm` for a page drawn at the width the screen needs.
//!
//! Government PDFs often name Chinese fonts they do not embed (仿宋_GB2312, 方正小标宋简体,
//! STSong-Light; CID fonts in GBK-EUC-H without ToUnicode). poppler asks fontconfig for a
//! substitute, and a machine without a CJK font would give empty boxes; every call here runs
//! with `FONTCONFIG_FILE` pointing at a configuration ([`font_config`]) that adds the kiosk's
//! own CJK font (Noto Sans CJK SC) and puts it first, so such text is always drawn. The CMaps
//! that map GBK codes to characters come from poppler-data (a dependency of poppler-utils).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use sha2::Digest;

/// A page drawn for the screen: 8-bit RGBA, row by row.
#[derive(Clone)]
pub struct PageImage {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

impl std::fmt::Debug for PageImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PageImage({}×{})", self.width, self.height)
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum PdfError {
    #[error("{tool} is not installed (Debian package poppler-utils); PDF attachments cannot be read without it")]
    ToolMissing { tool: &'static str },
    #[error("{file}: cannot be read as a PDF ({detail}); the file is damaged or not a PDF, publish it again")]
    Broken { file: String, detail: String },
    #[error("{file}: has no page {page} (it has {pages})")]
    NoSuchPage { file: String, page: u32, pages: u32 },
    #[error("{tool} failed on {file}: {detail}")]
    Failed { tool: &'static str, file: String, detail: String },
}

/// Largest width a page is drawn at (pixels): the widest zoom on a 1920-pixel screen.
pub const MAX_WIDTH: u32 = 4000;

/// Runs a poppler program with the kiosk's font configuration; stdout and the exit status.
fn run(tool: &'static str, args: &[&std::ffi::OsStr], file: &Path) -> Result<Vec<u8>, PdfError> {
    let mut cmd = Command::new(tool);
    cmd.args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    if let Some(conf) = font_config() {
        cmd.env("FONTCONFIG_FILE", conf);
    }
    let child = cmd.spawn().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => PdfError::ToolMissing { tool },
        _ => PdfError::Failed { tool, file: file.display().to_string(), detail: e.to_string() },
    })?;
    let out = child.wait_with_output().map_err(|e| PdfError::Failed {
        tool,
        file: file.display().to_string(),
        detail: e.to_string(),
    })?;
    if !out.status.success() {
        let detail = String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or("no message").trim().to_string();
        return Err(PdfError::Broken { file: file.display().to_string(), detail });
    }
    Ok(out.stdout)
}

/// The number of pages (`pdfinfo`).
pub fn page_count(file: &Path) -> Result<u32, PdfError> {
    let out = run("pdfinfo", &[file.as_os_str()], file)?;
    let text = String::from_utf8_lossy(&out);
    text.lines()
        .find_map(|l| l.strip_prefix("Pages:").and_then(|n| n.trim().parse().ok()))
        .ok_or_else(|| PdfError::Broken { file: file.display().to_string(), detail: "no page count".into() })
}

/// The text of every page, in reading order (`pdftotext`, pages separated by form feeds).
pub fn page_texts(file: &Path) -> Result<Vec<String>, PdfError> {
    let out = run("pdftotext", &["-enc".as_ref(), "UTF-8".as_ref(), file.as_os_str(), "-".as_ref()], file)?;
    let text = String::from_utf8_lossy(&out);
    let mut pages: Vec<String> = text.split('\u{c}').map(|p| p.trim().to_string()).collect();
    // pdftotext ends the last page with a form feed too
    if pages.last().is_some_and(String::is_empty) {
        pages.pop();
    }
    Ok(pages)
}

/// The fonts a PDF uses without embedding them (`pdffonts`: the rows whose `emb` column says
/// `no`), by name. Such a PDF prints only as well as the printer's own font substitution, which
/// on this kind of machine draws GBK-EUC-H text without its digits or not at all.
pub fn unembedded_fonts(file: &Path) -> Result<Vec<String>, PdfError> {
    let out = run("pdffonts", &[file.as_os_str()], file)?;
    Ok(parse_pdffonts(&String::from_utf8_lossy(&out)))
}

/// The names in `pdffonts` output whose `emb` column is `no`. The columns are found from the
/// header's dashes (a name may hold spaces).
fn parse_pdffonts(text: &str) -> Vec<String> {
    let mut lines = text.lines();
    let Some(header) = lines.next() else { return Vec::new() };
    let Some(dashes) = lines.next() else { return Vec::new() };
    let Some(emb_start) = header.find(" emb ").map(|i| i + 1) else { return Vec::new() };
    let name_end = dashes.find(' ').unwrap_or(dashes.len());
    let mut names = Vec::new();
    for line in lines {
        let (Some(name), Some(emb)) = (line.get(..name_end), line.get(emb_start..emb_start + 3)) else { continue };
        if emb.trim() == "no" {
            names.push(name.trim().to_string());
        }
    }
    names
}

/// The PDF written again with every font embedded (`pdftocairo -pdf`, under the kiosk's font
/// configuration): a font the original names but does not embed is replaced by the substitute the
/// screen shows (the kiosk's CJK font), as a subset. Text stays text and vector stays vector;
/// `pdftotext` reads the same words back (up to compatibility forms: full-width digits come back
/// as ASCII digits, 一 may come back as the radical ⼀).
pub fn with_fonts_embedded(file: &Path) -> Result<Vec<u8>, PdfError> {
    let out = run("pdftocairo", &["-pdf".as_ref(), file.as_os_str(), "-".as_ref()], file)?;
    if !out.starts_with(b"%PDF") {
        return Err(PdfError::Failed {
            tool: "pdftocairo",
            file: file.display().to_string(),
            detail: "it wrote no PDF".into(),
        });
    }
    Ok(mend_text_layer(&out).unwrap_or(out))
}

/// cairo names each embedded glyph by the lowest code point the font maps to it, and the CJK font
/// draws radicals (⺠ U+2EA0, ⼀ U+2F00) with the same glyphs as the characters (民, 一): the
/// text layer of the written PDF would read 人⺠政府. This maps every radical in the PDF's
/// ToUnicode tables back to the character the font draws with the same glyph. None when nothing
/// was changed or the PDF cannot be read (the unmended PDF is printed then: the paper is the same).
fn mend_text_layer(pdf: &[u8]) -> Option<Vec<u8>> {
    let radicals = radical_characters();
    let mut doc = lopdf::Document::load_mem(pdf).ok()?;
    let maps: Vec<lopdf::ObjectId> = doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter_map(|d| d.get(b"ToUnicode").ok()?.as_reference().ok())
        .collect();
    let mut changed = false;
    for id in maps {
        let Ok(stream) = doc.get_object_mut(id).and_then(lopdf::Object::as_stream_mut) else { continue };
        let Ok(cmap) = stream.decompressed_content() else { continue };
        let Ok(text) = String::from_utf8(cmap) else { continue };
        if let Some(mended) = mend_to_unicode(&text, radicals) {
            stream.set_plain_content(mended.into_bytes());
            let _ = stream.compress();
            changed = true;
        }
    }
    if !changed {
        return None;
    }
    let mut out = Vec::new();
    doc.save_to(&mut out).ok()?;
    Some(out)
}

/// In a ToUnicode CMap's text, every destination that is one radical of `radicals` replaced by its
/// character (`bfchar` lines `<src> <dst>`; `bfrange` lines of one code `<lo> <lo> <dst>`, and
/// array entries). None when nothing changed.
fn mend_to_unicode(cmap: &str, radicals: &std::collections::HashMap<u16, char>) -> Option<String> {
    let mend = |token: &str| -> Option<String> {
        let hex = token.strip_prefix('<')?.strip_suffix('>')?;
        let code = u16::from_str_radix(hex, 16).ok().filter(|_| hex.len() == 4)?;
        let c = radicals.get(&code)?;
        Some(format!("<{:04X}>", *c as u32))
    };
    let mut out = String::with_capacity(cmap.len());
    let mut section = "";
    let mut changed = false;
    for line in cmap.lines() {
        let trimmed = line.trim();
        if trimmed.ends_with("beginbfchar") {
            section = "char";
        } else if trimmed.ends_with("beginbfrange") {
            section = "range";
        } else if trimmed == "endbfchar" || trimmed == "endbfrange" {
            section = "";
        }
        let tokens: Vec<&str> = trimmed.split_whitespace().collect();
        let mended = match (section, tokens.as_slice()) {
            ("char", [src, dst]) => mend(dst).map(|d| format!("{src} {d}")),
            ("range", [lo, hi, dst]) if lo == hi => mend(dst).map(|d| format!("{lo} {hi} {d}")),
            ("range", [lo, hi, rest @ ..]) if rest.first().is_some_and(|t| t.starts_with('[')) => {
                let inner = rest.join(" ");
                let inner = inner.trim_start_matches('[').trim_end_matches(']');
                let entries: Vec<String> =
                    inner.split_whitespace().map(|t| mend(t).unwrap_or_else(|| t.to_string())).collect();
                let joined = format!("{lo} {hi} [{}]", entries.join(" "));
                (joined != trimmed).then_some(joined)
            }
            _ => None,
        };
        match mended {
            Some(m) => {
                out.push_str(&m);
                changed = true;
            }
            None => out.push_str(line),
        }
        out.push('\n');
    }
    changed.then_some(out)
}

/// Each CJK radical (U+2E80–U+2FDF) the kiosk's font draws with the same glyph as a unified
/// ideograph, mapped to that ideograph (built once from the font's character map).
fn radical_characters() -> &'static std::collections::HashMap<u16, char> {
    static MAP: OnceLock<std::collections::HashMap<u16, char>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut map = std::collections::HashMap::new();
        let Ok(bytes) = crate::assets::cjk_font() else { return map };
        let Ok(face) = ttf_parser::Face::parse(bytes, 0) else { return map };
        let mut by_glyph = std::collections::HashMap::new();
        for c in ('\u{4E00}'..='\u{9FFF}').chain('\u{3400}'..='\u{4DBF}') {
            if let Some(g) = face.glyph_index(c) {
                by_glyph.entry(g).or_insert(c);
            }
        }
        for code in 0x2E80u16..=0x2FDF {
            if let Some(c) = char::from_u32(code.into())
                && let Some(g) = face.glyph_index(c)
                && let Some(&unified) = by_glyph.get(&g)
            {
                map.insert(code, unified);
            }
        }
        map
    })
}

/// Draws page `page` (from 1) `width` pixels wide (`pdftoppm`, anti-aliased, white paper).
pub fn render_page(file: &Path, page: u32, width: u32) -> Result<PageImage, PdfError> {
    let width = width.clamp(64, MAX_WIDTH).to_string();
    let p = page.to_string();
    let args: [&std::ffi::OsStr; 9] = [
        "-f".as_ref(),
        p.as_ref(),
        "-l".as_ref(),
        p.as_ref(),
        "-scale-to-x".as_ref(),
        width.as_ref(),
        "-scale-to-y".as_ref(),
        "-1".as_ref(),
        file.as_os_str(),
    ];
    let out = run("pdftoppm", &args, file)?;
    if out.is_empty() {
        let pages = page_count(file).unwrap_or(0);
        return Err(PdfError::NoSuchPage { file: file.display().to_string(), page, pages });
    }
    parse_ppm(&out).ok_or_else(|| PdfError::Failed {
        tool: "pdftoppm",
        file: file.display().to_string(),
        detail: "its picture could not be read".into(),
    })
}

/// A binary PPM (P6, 8-bit) as RGBA.
fn parse_ppm(bytes: &[u8]) -> Option<PageImage> {
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if bytes.get(i) == Some(&b'#') {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        let start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if start == i {
            return None;
        }
        fields.push(std::str::from_utf8(&bytes[start..i]).ok()?.to_string());
    }
    i += 1; // the one whitespace after the maximum value
    if fields[0] != "P6" || fields[3] != "255" {
        return None;
    }
    let (width, height): (u32, u32) = (fields[1].parse().ok()?, fields[2].parse().ok()?);
    let n = (width as usize).checked_mul(height as usize)?;
    let rgb = bytes.get(i..i.checked_add(n.checked_mul(3)?)?)?;
    // the image crate's conversion (a few milliseconds for a page, also in a debug build)
    let rgb = image::RgbImage::from_raw(width, height, rgb.to_vec())?;
    let rgba = image::DynamicImage::ImageRgb8(rgb).into_rgba8().into_raw();
    Some(PageImage { width, height, rgba })
}

/// The fontconfig file every poppler call uses (written once per process into a folder of the
/// user's own under the temporary directory, where fontconfig keeps its cache between runs): the bundled CJK font's folder first, then the system's
/// configuration. None if it cannot be written (poppler then uses the system's fonts).
pub fn font_config() -> Option<&'static Path> {
    static CONF: OnceLock<Option<PathBuf>> = OnceLock::new();
    CONF.get_or_init(|| match write_font_config() {
        Ok(p) => Some(p),
        Err(e) => {
            tracing::warn!(error = %e, "no font configuration for PDF pages; Chinese text in PDFs without embedded fonts may not show");
            None
        }
    })
    .as_deref()
}

fn write_font_config() -> std::io::Result<PathBuf> {
    // SAFETY: getuid has no preconditions and cannot fail.
    let uid = unsafe { libc::getuid() };
    let dir = std::env::temp_dir().join(format!("gongkai-kiosk-fonts-{uid}"));
    std::fs::create_dir_all(&dir)?;
    let font_dir = match font_file_dir() {
        Some(d) => d,
        None => {
            let bytes = crate::assets::cjk_font().map_err(std::io::Error::other)?;
            let font = dir.join(crate::assets::CJK_FONT_FILE);
            if std::fs::metadata(&font).map(|m| m.len()).ok() != Some(bytes.len() as u64) {
                write_replacing(&font, bytes)?;
            }
            dir.clone()
        }
    };
    let xml = format!(
        r#"<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <dir>{}</dir>
  <cachedir>{}</cachedir>
  <!-- any font a PDF names but does not embed: the kiosk's CJK font first -->
  <match target="pattern">
    <edit name="family" mode="prepend_first" binding="weak"><string>{}</string></edit>
  </match>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
</fontconfig>
"#,
        xml_escape(&font_dir.display().to_string()),
        xml_escape(&dir.join("cache").display().to_string()),
        crate::assets::CJK_FONT_FAMILY
    );
    // named by its content: kiosks run from different folders (an installed one, a source tree)
    // each keep their own file instead of rewriting one under each other's poppler calls
    let digest = sha2::Sha256::digest(xml.as_bytes());
    let conf = dir.join(format!("fonts-{}.conf", hex::encode(&digest[..8])));
    if std::fs::read_to_string(&conf).ok().as_deref() != Some(xml.as_str()) {
        write_replacing(&conf, xml.as_bytes())?;
    }
    Ok(conf)
}

/// Writes through a temporary name and renames, so another process never reads half a file.
fn write_replacing(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// A folder that holds the CJK font file already (installed, or the source tree).
fn font_file_dir() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("GONGKAI_KIOSK_FONT").map(PathBuf::from).and_then(|p| p.parent().map(Path::to_path_buf)),
        Some(PathBuf::from("/usr/share/gongkai-kiosk/fonts")),
        Some(PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/fonts"))),
    ];
    candidates.into_iter().flatten().find(|d| d.join(crate::assets::CJK_FONT_FILE).is_file())
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Reads a whole file (the original PDF, for printing).
pub fn read_all(file: &Path) -> std::io::Result<Vec<u8>> {
    let mut v = Vec::new();
    std::fs::File::open(file)?.read_to_end(&mut v)?;
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radicals_in_a_to_unicode_table_become_the_characters_the_font_draws() {
        let radicals = radical_characters();
        assert_eq!(radicals.get(&0x2EA0), Some(&'民'), "⺠ and 民 share a glyph in Noto Sans CJK SC");
        assert_eq!(radicals.get(&0x2F00), Some(&'一'));
        let cmap = "2 beginbfchar\n<0001> <2EA0>\n<2EA0> <4E00>\nendbfchar\n2 beginbfrange\n<0003> <0003> <2F00>\n<0004> <0005> [<2EA0> <0041>]\nendbfrange\n";
        let mended = mend_to_unicode(cmap, radicals).expect("radicals mended");
        assert!(mended.contains("<0001> <6C11>"), "{mended}");
        assert!(mended.contains("<2EA0> <4E00>"), "a source code is never changed: {mended}");
        assert!(
            mended.contains("<0003> <0003> <4E00>") && mended.contains("<0004> <0005> [<6C11> <0041>]"),
            "{mended}"
        );
        assert_eq!(mend_to_unicode("1 beginbfchar\n<0001> <6C11>\nendbfchar\n", radicals), None);
    }

    #[test]
    fn pdffonts_rows_without_embedding_are_named() {
        let out = "name                                 type              encoding         emb sub uni object ID
------------------------------------ ----------------- ---------------- --- --- --- ---------
FangSong_GB2312                      CID Type 0        GBK-EUC-H        no  no  no       6  0
SJIEGT+Noto Sans CJK SC              CID Type 0C       Identity-H       yes yes yes      9  0
Times New Roman                      TrueType          WinAnsi          no  no  no      11  0
";
        assert_eq!(parse_pdffonts(out), vec!["FangSong_GB2312".to_string(), "Times New Roman".to_string()]);
        assert!(parse_pdffonts("").is_empty());
        assert!(parse_pdffonts("garbage\n---\nrow").is_empty());
    }

    #[test]
    fn ppm_with_comment() {
        let mut b = b"P6\n# made by test\n2 1\n255\n".to_vec();
        b.extend_from_slice(&[1, 2, 3, 4, 5, 6]);
        let p = parse_ppm(&b).expect("parses");
        assert_eq!((p.width, p.height), (2, 1));
        assert_eq!(p.rgba, vec![1, 2, 3, 255, 4, 5, 6, 255]);
        assert!(parse_ppm(b"P6\n2 1\n255\n\x01").is_none(), "short data is refused");
        assert!(parse_ppm(b"P5\n1 1\n255\n\x01").is_none());
    }
}
