//! The content-addressed blob directory: attachments and images, each stored once under its
//! sha256 (`blobs/ab/abcdef…`), written to a temporary name, checked, synced, then renamed, so a
//! file under its final name is always whole and correct.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::StoreError;

#[derive(Debug, Clone)]
pub struct BlobDir {
    root: PathBuf,
}

fn valid_sha(sha: &str) -> bool {
    sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

impl BlobDir {
    pub fn new(root: PathBuf) -> Self {
        Self { root }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the blob with this sha256 lives (whether or not it exists). `None` for a string
    /// that is not a sha256, so no name can lead outside the directory.
    pub fn path(&self, sha: &str) -> Option<PathBuf> {
        valid_sha(sha).then(|| self.root.join(&sha[..2]).join(sha))
    }

    /// Decodes a stored picture. Blobs are named by hash, without an extension: the format comes
    /// from the bytes.
    pub fn image(&self, sha: &str) -> Result<image::DynamicImage, String> {
        let path = self.path(sha).ok_or_else(|| format!("`{sha}` is not a content hash"))?;
        image::ImageReader::open(&path)
            .and_then(|r| r.with_guessed_format())
            .map_err(image::ImageError::IoError)
            .and_then(|r| r.decode())
            .map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn contains(&self, sha: &str) -> bool {
        self.path(sha).is_some_and(|p| p.is_file())
    }

    /// Moves a file already checked to hash to `sha` into the directory (a rename within the
    /// data directory; a copy, checked again, across file systems).
    pub fn adopt(&self, sha: &str, from: &Path) -> Result<(), StoreError> {
        let dest = self
            .path(sha)
            .ok_or_else(|| StoreError::BadBlob { sha: sha.to_string(), reason: "not a sha256".into() })?;
        if dest.is_file() {
            return Ok(());
        }
        let dir = dest.parent().expect("blob path has a parent");
        fs::create_dir_all(dir).map_err(|e| StoreError::io(dir, e))?;
        match fs::rename(from, &dest) {
            Ok(()) => {
                if let Ok(d) = fs::File::open(dir) {
                    let _ = d.sync_all();
                }
                Ok(())
            }
            Err(_) => self.put_file(sha, from),
        }
    }

    /// Deletes every file whose sha256 is not in `keep`; returns how many.
    pub fn collect_garbage(&self, keep: &std::collections::HashSet<String>) -> usize {
        let mut n = 0;
        let Ok(dirs) = fs::read_dir(&self.root) else { return 0 };
        for d in dirs.flatten() {
            let Ok(files) = fs::read_dir(d.path()) else { continue };
            for f in files.flatten() {
                let name = f.file_name().to_string_lossy().to_string();
                if !keep.contains(&name) && fs::remove_file(f.path()).is_ok() {
                    n += 1;
                }
            }
        }
        n
    }

    /// Copies `from` into the directory under `sha`, checking that its content hashes to `sha`.
    pub fn put_file(&self, sha: &str, from: &Path) -> Result<(), StoreError> {
        let dest = self
            .path(sha)
            .ok_or_else(|| StoreError::BadBlob { sha: sha.to_string(), reason: "not a sha256".into() })?;
        if dest.is_file() {
            return Ok(());
        }
        let dir = dest.parent().expect("blob path has a parent");
        fs::create_dir_all(dir).map_err(|e| StoreError::io(dir, e))?;
        let tmp = dir.join(format!(".{sha}.{}.tmp", std::process::id()));
        let result = (|| {
            let mut src = fs::File::open(from).map_err(|e| StoreError::io(from, e))?;
            let mut out = fs::File::create(&tmp).map_err(|e| StoreError::io(&tmp, e))?;
            let mut hasher = Sha256::new();
            let mut buf = vec![0u8; 128 * 1024];
            loop {
                let n = src.read(&mut buf).map_err(|e| StoreError::io(from, e))?;
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
                out.write_all(&buf[..n]).map_err(|e| StoreError::io(&tmp, e))?;
            }
            let got = hex::encode(hasher.finalize());
            if got != sha {
                return Err(StoreError::BadBlob {
                    sha: sha.to_string(),
                    reason: format!("{} has sha256 {got}; it changed after it was checked", from.display()),
                });
            }
            out.sync_all().map_err(|e| StoreError::io(&tmp, e))?;
            fs::rename(&tmp, &dest).map_err(|e| StoreError::io(&dest, e))?;
            if let Ok(d) = fs::File::open(dir) {
                let _ = d.sync_all();
            }
            Ok(())
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result
    }
}
