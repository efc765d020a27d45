//! Files that ship with the kiosk: the CJK font and the bundled demo content.
//!
//! The font (Noto Sans CJK SC Regular, SIL OFL 1.1, licence in `assets/fonts/LICENSE-OFL.txt`) is
//! always handed to iced and printpdf as bytes, so text shows with no font package installed.
//! With the default `embedded-font` feature the bytes are compiled into the binary; the Debian
//! package builds without it and maps the installed copy in `/usr/share/gongkai-kiosk/fonts/`
//! (so the font is not shipped twice, nor copied onto the heap).

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

/// The CJK font's bytes, mapped once (read-only) from `$GONGKAI_KIOSK_FONT`, the installed copy
/// (`/usr/share/gongkai-kiosk/fonts/`, or beside the binary's `share/`) or the source tree. A
/// mapping, not a copy: only the pages of the glyphs drawn or printed are ever read into memory,
/// and they are clean pages the system may drop and read again.
///
/// # Errors
/// The font file is missing or unreadable; the message names every place that was tried.
#[cfg(not(feature = "embedded-font"))]
pub fn cjk_font() -> Result<&'static [u8], String> {
    static BYTES: OnceLock<Result<&'static [u8], String>> = OnceLock::new();
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
                match map_for_good(path) {
                    Ok(bytes) => return Ok(bytes),
                    Err(e) => tried.push(format!("{}: {e}", path.display())),
                }
            }
            Err(format!(
                "the CJK font {CJK_FONT_FILE} was not found ({}); reinstall the gongkai-kiosk package or set GONGKAI_KIOSK_FONT to the font file",
                tried.join("; ")
            ))
        })
        .clone()
}

/// Maps a whole file read-only for the rest of the process.
///
/// The bytes must not change while mapped: this is for the installed font, which dpkg replaces
/// by writing a new file and renaming it over the old name (the mapping keeps the old file), never
/// by rewriting it in place.
#[cfg(not(feature = "embedded-font"))]
fn map_for_good(path: &std::path::Path) -> std::io::Result<&'static [u8]> {
    use std::os::fd::AsRawFd;
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() || meta.len() == 0 {
        return Err(std::io::Error::other("not a font file (empty, or not a regular file)"));
    }
    let len = usize::try_from(meta.len()).map_err(std::io::Error::other)?;
    // SAFETY: a new private read-only mapping of `len` bytes of an open regular file, at an
    // address the kernel chooses; the descriptor may be closed afterwards (the mapping keeps the
    // file).
    let at = unsafe { libc::mmap(std::ptr::null_mut(), len, libc::PROT_READ, libc::MAP_PRIVATE, file.as_raw_fd(), 0) };
    if at == libc::MAP_FAILED {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: the mapping is `len` readable bytes, never unmapped (it lives as long as the
    // process) and never written through; the file is not rewritten in place (above).
    Ok(unsafe { std::slice::from_raw_parts(at.cast::<u8>().cast_const(), len) })
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

/// The Debian package's build (`--no-default-features`): `cargo test --no-default-features --lib assets`.
#[cfg(all(test, not(feature = "embedded-font")))]
mod tests {
    use super::*;

    #[test]
    fn the_installed_font_is_mapped_not_copied() {
        let bytes = cjk_font().unwrap();
        let file = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/fonts/NotoSansCJKsc-Regular.otf"));
        assert!(bytes == file.unwrap().as_slice());
        let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
        assert!(maps.lines().any(|l| l.ends_with(CJK_FONT_FILE)), "the font is a mapping of its file");
        assert_eq!(cjk_font().unwrap().as_ptr(), bytes.as_ptr(), "mapped once");
    }
}
