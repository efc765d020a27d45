//! Files that ship with the kiosk: the CJK font (compiled in, so text shows with no font package
//! installed) and the bundled demo content (found on disk).

use std::path::PathBuf;

/// Noto Sans CJK SC Regular (SIL OFL 1.1, licence in `assets/fonts/LICENSE-OFL.txt`).
pub static CJK_FONT: &[u8] = include_bytes!("../assets/fonts/NotoSansCJKsc-Regular.otf");
/// The family name inside [`CJK_FONT`].
pub const CJK_FONT_FAMILY: &str = "Noto Sans CJK SC";

/// Where the bundled demo content is: `$GONGKAI_KIOSK_DEMO`, the installed copy
/// (`/usr/share/gongkai-kiosk/demo-content`, or beside the binary's `share/`), or the source tree.
pub fn demo_content_dir() -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(p) = std::env::var_os("GONGKAI_KIOSK_DEMO") {
        candidates.push(PathBuf::from(p));
    }
    if let Ok(exe) = std::env::current_exe() {
        if let Some(prefix) = exe.parent().and_then(|bin| bin.parent()) {
            candidates.push(prefix.join("share/gongkai-kiosk/demo-content"));
        }
    }
    candidates.push(PathBuf::from("/usr/share/gongkai-kiosk/demo-content"));
    candidates.push(PathBuf::from("assets/demo-content"));
    candidates.push(PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo-content")));
    candidates.into_iter().find(|p| p.join("site.toml").is_file())
}
