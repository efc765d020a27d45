//! Office files (docx, xlsx, doc, xls) converted to PDF by LibreOffice (`soffice --headless
//! --convert-to pdf`, MPL/GPL: a separate process on the publishing machine, never on the
//! kiosk). A conversion is cached by the office file's sha256 in the source folder's
//! `.derived/` folder, so each file is converted once and a folder that ships its conversions
//! (the demo content) needs no LibreOffice.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

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
    let work = tempfile_dir().map_err(|e| OfficeError::Failed { file: name.clone(), detail: e.to_string() })?;
    let profile = work.join("profile");
    let mut child = Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--norestore", "--convert-to", "pdf", "--outdir"])
        .arg(&work)
        .arg(file)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => OfficeError::ConverterMissing { file: name.clone() },
            _ => OfficeError::Failed { file: name.clone(), detail: e.to_string() },
        })?;
    let started = std::time::Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if started.elapsed() > TIME_LIMIT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(OfficeError::Failed { file: name, detail: format!("took over {TIME_LIMIT:?}") });
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => return Err(OfficeError::Failed { file: name, detail: e.to_string() }),
        }
    };
    let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let out = work.join(format!("{stem}.pdf"));
    if !status.success() || !out.is_file() {
        let mut detail = String::new();
        if let Some(mut e) = child.stderr.take() {
            use std::io::Read;
            let _ = e.read_to_string(&mut detail);
        }
        let detail = detail.lines().last().unwrap_or("no PDF was written").trim().to_string();
        return Err(OfficeError::Failed { file: name, detail });
    }
    if std::fs::create_dir_all(cache).is_ok() && std::fs::copy(&out, &cached).is_ok() {
        let _ = std::fs::remove_dir_all(&work);
        return Ok(cached);
    }
    Ok(out)
}

/// A new folder under the temporary directory for one conversion.
fn tempfile_dir() -> std::io::Result<PathBuf> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    let dir = std::env::temp_dir().join(format!("gongkai-kiosk-office-{}", hex::encode(bytes)));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
