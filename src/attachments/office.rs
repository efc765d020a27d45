//! Office files (docx, xlsx, doc, xls) converted to PDF by LibreOffice (`soffice --headless
//! --convert-to pdf`, MPL/GPL: a separate process on the publishing machine, never on the
//! kiosk). A conversion is cached by the office file's sha256 in the source folder's
//! `.derived/` folder, so each file is converted once and a folder that ships its conversions
//! (the demo content) needs no LibreOffice.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::convert::{self, RunError};

#[derive(Debug, Clone, thiserror::Error)]
pub enum OfficeError {
    #[error(
        "{file}: LibreOffice (soffice) is not installed on this machine, so the office file cannot be converted for the kiosk; install libreoffice-writer-nogui and libreoffice-calc-nogui (Debian) and publish again"
    )]
    ConverterMissing { file: String },
    #[error("{file}: LibreOffice could not convert it ({detail}); open and save it again, or attach a PDF")]
    Failed { file: String, detail: String },
}

/// How long one conversion may take before it is given up.
pub const TIME_LIMIT: Duration = Duration::from_secs(120);

/// The PDF conversion of `file` (whose sha256 is `sha`): from the cache, or made now and
/// cached when the cache folder can be written (else kept in a temporary folder for this run).
pub fn converted(file: &Path, sha: &str, cache: &Path) -> Result<PathBuf, OfficeError> {
    let cached = cache.join(format!("{sha}.pdf"));
    if cached.is_file() {
        return Ok(cached);
    }
    let name = file.display().to_string();
    let failed = |detail: String| OfficeError::Failed { file: name.clone(), detail };
    let work = convert::work_dir("gongkai-kiosk-office").map_err(|e| failed(e.to_string()))?;
    let profile = work.join("profile");
    let mut cmd = Command::new("soffice");
    cmd.arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--norestore", "--convert-to", "pdf", "--outdir"])
        .arg(&work)
        .arg(file);
    let ran = match convert::run_limited(&mut cmd, &work, TIME_LIMIT) {
        Ok(ran) => ran,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&work);
            return Err(match e {
                RunError::NotFound => OfficeError::ConverterMissing { file: name.clone() },
                RunError::TimedOut(limit) => failed(format!("took over {limit:?}")),
                RunError::Io(e) => failed(e.to_string()),
            });
        }
    };
    let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let out = work.join(format!("{stem}.pdf"));
    if !ran.status.success() || !out.is_file() {
        let _ = std::fs::remove_dir_all(&work);
        let detail = if ran.last_error_line.is_empty() { "no PDF was written".into() } else { ran.last_error_line };
        return Err(failed(detail));
    }
    Ok(convert::keep(out, &work, cache, sha))
}
