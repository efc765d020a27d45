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
    let conf = dir.join("fonts.conf");
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
