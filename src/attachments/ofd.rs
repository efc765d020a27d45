//! OFD files (GB/T 33190, the national fixed-layout format) converted to PDF by easyofd
//! (Apache-2.0, from PyPI), as office files are by LibreOffice: at publishing time, in a Python
//! process of its own with a time limit, never on the kiosk and never linked (easyofd imports
//! PyMuPDF, which is AGPL). The kiosk's binary carries the small driver script
//! (`ofd2pdf.py`, beside this file: what it sets around easyofd and why) and writes it into the
//! conversion's own folder. The conversion is cached like an office file's, in
//! `<source>/.derived/<sha256 of the OFD>.pdf`.
//!
//! Which Python runs it: `GONGKAI_KIOSK_OFD_PYTHON` when set; else the converter's own
//! environment made by `scripts/install-ofd-converter` (`~/.local/share/gongkai-kiosk/
//! ofd-converter/bin/python3`, under `$XDG_DATA_HOME` when that is set) when it exists; else
//! `python3`. The versions are pinned in `packaging/ofd-converter-requirements.txt`. The PDF
//! embeds a subset of a TrueType Chinese font found on the publishing machine (Debian's
//! fonts-wqy-microhei, or `GONGKAI_KIOSK_OFD_FONT`), so it prints as it shows.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::convert::{self, RunError};

/// The driver script, written next to each conversion.
const DRIVER: &str = include_str!("ofd2pdf.py");

/// The pinned packages the converter needs (one `name==version` per line, `#` comments).
pub const REQUIREMENTS: &str = include_str!("../../packaging/ofd-converter-requirements.txt");

/// How long one conversion may take before it is given up.
pub const TIME_LIMIT: Duration = Duration::from_secs(120);

#[derive(Debug, Clone, thiserror::Error)]
pub enum OfdError {
    #[error(
        "{file}: the OFD converter (easyofd) is not installed on this machine ({detail}), so the OFD file can only be shown as a card with its QR code; install it with `scripts/install-ofd-converter` from the kiosk's source, or `python3 -m venv DIR && DIR/bin/pip install --no-deps {pins}` and set GONGKAI_KIOSK_OFD_PYTHON=DIR/bin/python3 (Debian needs python3-venv), then publish again",
        pins = pins().join(" ")
    )]
    ConverterMissing { file: String, detail: String },
    #[error(
        "{file}: the OFD converter has no Chinese font to embed in the PDF ({detail}); install fonts-wqy-microhei (Debian), or set GONGKAI_KIOSK_OFD_FONT to a TrueType .ttf/.ttc with Chinese and Latin letters, then publish again"
    )]
    FontMissing { file: String, detail: String },
    #[error(
        "{file}: cannot be read as an OFD file ({detail}); the file is damaged or not an OFD: export it again, or attach a PDF"
    )]
    Broken { file: String, detail: String },
    #[error("{file}: the OFD converter failed ({detail}); attach a PDF instead, or report the file")]
    Failed { file: String, detail: String },
}

/// `name==version` of every pinned package.
pub fn pins() -> Vec<&'static str> {
    REQUIREMENTS.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
}

/// The Python that runs the converter (see the module's documentation).
pub fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("GONGKAI_KIOSK_OFD_PYTHON").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    let data_home = std::env::var_os("XDG_DATA_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")));
    if let Some(own) = data_home.map(|d| d.join("gongkai-kiosk/ofd-converter/bin/python3"))
        && own.is_file()
    {
        return own;
    }
    PathBuf::from("python3")
}

/// The PDF conversion of `file` (whose sha256 is `sha`): from the cache, or made now and
/// cached when the cache folder can be written (else kept in a temporary folder for this run).
pub fn converted(file: &Path, sha: &str, cache: &Path) -> Result<PathBuf, OfdError> {
    let cached = cache.join(format!("{sha}.pdf"));
    if cached.is_file() {
        return Ok(cached);
    }
    let name = file.display().to_string();
    let failed = |detail: String| OfdError::Failed { file: name.clone(), detail };
    let work = convert::work_dir("gongkai-kiosk-ofd").map_err(|e| failed(e.to_string()))?;
    let result = convert_in(&work, file, &name);
    match result {
        Ok(out) => Ok(convert::keep(out, &work, cache, sha)),
        Err(e) => {
            let _ = std::fs::remove_dir_all(&work);
            Err(e)
        }
    }
}

fn convert_in(work: &Path, file: &Path, name: &str) -> Result<PathBuf, OfdError> {
    let failed = |detail: String| OfdError::Failed { file: name.to_string(), detail };
    let driver = work.join("ofd2pdf.py");
    std::fs::write(&driver, DRIVER).map_err(|e| failed(format!("{}: {e}", driver.display())))?;
    // the file by absolute path: the program runs in the work folder
    let input = std::path::absolute(file).map_err(|e| failed(e.to_string()))?;
    let out = work.join("converted.pdf");
    let python = python();
    let mut cmd = Command::new(&python);
    // -I: no user site, no PYTHON* variables, not the script's folder first on the path
    cmd.arg("-I").arg(&driver).arg(&input).arg(&out);
    let ran = convert::run_limited(&mut cmd, work, TIME_LIMIT).map_err(|e| match e {
        RunError::NotFound => {
            OfdError::ConverterMissing { file: name.to_string(), detail: format!("{} not found", python.display()) }
        }
        RunError::TimedOut(limit) => failed(format!("took over {limit:?}")),
        RunError::Io(e) => failed(e.to_string()),
    })?;
    let detail = if ran.last_error_line.is_empty() { "no message".to_string() } else { ran.last_error_line };
    match ran.status.code() {
        Some(0) if out.is_file() => Ok(out),
        Some(0) => Err(failed("no PDF was written".into())),
        Some(2) => Err(OfdError::Broken { file: name.to_string(), detail }),
        Some(3) => Err(OfdError::ConverterMissing { file: name.to_string(), detail }),
        Some(4) => Err(OfdError::FontMissing { file: name.to_string(), detail }),
        _ => Err(failed(format!("{} ended with {} ({detail})", python.display(), ran.status))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_install_step_names_every_pinned_package() {
        let e = OfdError::ConverterMissing { file: "a.ofd".into(), detail: "python3 not found".into() };
        let msg = e.to_string();
        assert!(msg.contains("easyofd==") && msg.contains("PyMuPDF==") && msg.contains("reportlab=="), "{msg}");
        assert!(pins().iter().all(|p| p.contains("==")), "{:?}", pins());
    }
}
