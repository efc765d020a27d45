//! Files that ship with the kiosk: the CJK font and the bundled demo content.
//!
//! The font (Noto Sans CJK SC Regular, SIL OFL 1.1, licence in `assets/fonts/LICENSE-OFL.txt`) is
//! always handed to iced and printpdf as bytes, so text shows with no font package installed.
//! With the default `embedded-font` feature the bytes are compiled into the binary; the Debian
//! package builds without it and reads the installed copy in `/usr/share/gongkai-kiosk/fonts/`
//! once, at start (so the font is not shipped twice).

use std::path::PathBuf;
#[cfg(not(feature = "embedded-font"))]
use std::sync::OnceLock;

/// The family name inside the CJK font.
pub const CJK_FONT_FAMILY: &str = "Noto Sans CJK SC";
/// The font's file name, in `assets/fonts/` and in the installed `fonts/` folder.
pub const CJK_FONT_FILE: &str = "NotoSansCJKsc-Regular.otf";

/// The CJK font's bytes.
///
/// # Errors
/// Only without the `embedded-font` feature: the installed font file is missing or unreadable;
/// the message names every place that was tried.
#[cfg(feature = "embedded-font")]
pub fn cjk_font() -> Result<&'static [u8], String> {
    static BYTES: &[u8] = include_bytes!("../assets/fonts/NotoSansCJKsc-Regular.otf");
    Ok(BYTES)
}

/// The CJK font's bytes, read once from `$GONGKAI_KIOSK_FONT`, the installed copy
/// (`/usr/share/gongkai-kiosk/fonts/`, or beside the binary's `share/`) or the source tree.
///
/// # Errors
/// The font file is missing or unreadable; the message names every place that was tried.
#[cfg(not(feature = "embedded-font"))]
pub fn cjk_font() -> Result<&'static [u8], String> {
    static BYTES: OnceLock<Result<Vec<u8>, String>> = OnceLock::new();
    BYTES
        .get_or_init(|| {
            let mut candidates: Vec<PathBuf> = Vec::new();
            if let Some(p) = std::env::var_os("GONGKAI_KIOSK_FONT") {
                candidates.push(PathBuf::from(p));
            }
            candidates.extend(installed_share_dirs().into_iter().map(|d| d.join("fonts").join(CJK_FONT_FILE)));
            candidates.push(PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/fonts")).join(CJK_FONT_FILE));
            let mut tried = Vec::new();
            for path in &candidates {
                match std::fs::read(path) {
                    Ok(bytes) => return Ok(bytes),
                    Err(e) => tried.push(format!("{}: {e}", path.display())),
                }
            }
            Err(format!(
                "the CJK font {CJK_FONT_FILE} was not found ({}); reinstall the gongkai-kiosk package or set GONGKAI_KIOSK_FONT to the font file",
                tried.join("; ")
            ))
        })
        .as_ref()
        .map(Vec::as_slice)
        .map_err(Clone::clone)
}

/// `<prefix>/share/gongkai-kiosk` beside the running binary, then `/usr/share/gongkai-kiosk`.
fn installed_share_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Ok(exe) = std::env::current_exe()
        && let Some(prefix) = exe.parent().and_then(|bin| bin.parent())
    {
        dirs.push(prefix.join("share/gongkai-kiosk"));
    }
    dirs.push(PathBuf::from("/usr/share/gongkai-kiosk"));
    dirs
}

/// Where the bundled demo content is: `$GONGKAI_KIOSK_DEMO`, the installed copy
/// (`/usr/share/gongkai-kiosk/demo-content`, or beside the binary's `share/`), or the source tree.
pub fn demo_content_dir() -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(p) = std::env::var_os("GONGKAI_KIOSK_DEMO") {
        candidates.push(PathBuf::from(p));
    }
    candidates.extend(installed_share_dirs().into_iter().map(|d| d.join("demo-content")));
    candidates.push(PathBuf::from("assets/demo-content"));
    candidates.push(PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo-content")));
    candidates.into_iter().find(|p| p.join("site.toml").is_file())
}
