//! Publishing: a publisher's source folder → a signed pack of static files (see [`crate::pack`]).
//!
//! Every file goes under `objects/` by its sha256 and is written only if it is not there yet, so
//! re-publishing reuses every unchanged file and a host can cache them for ever. The manifest is
//! written last (to a temporary name, synced, renamed), so a server never hands out a manifest
//! whose files are missing.

use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::content::{self, BlobRef, ContentSet, ItemKind, SourceError};
use crate::pack::{self, FileRef, ItemRef, ManifestBody, SecretKey, Shard};

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("{0}")]
    Source(#[from] SourceError),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error(
        "--pack-version {asked} is not above the version already published in {out} ({found}); kiosks refuse to go back"
    )]
    VersionNotAbove { asked: u64, found: u64, out: PathBuf },
    #[error(
        "--pack-version 0: a pack's version is at least 1 (kiosks take a higher version as newer content); leave --pack-version out to publish the first pack as version 1"
    )]
    VersionZero,
    #[error(
        "pack version {version} is above the highest a pack may have ({max}); kiosks would refuse it. {hint}",
        max = pack::MAX_PACK_VERSION
    )]
    VersionTooHigh { version: u128, hint: &'static str },
    #[error("--valid-days {days}: a pack is valid for 1 to {max} days", max = pack::MAX_VALID_DAYS)]
    Validity { days: i64 },
    #[error("{path} changed while it was being published (sha256 {found}, expected {expected}); publish again")]
    Changed { path: PathBuf, expected: String, found: String },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> PublishError + '_ {
    move |e| PublishError::Io { path: path.to_path_buf(), source: e }
}

#[derive(Debug, Clone)]
pub struct PublishOptions {
    /// The pack version; default: one above the version already in the output folder, or 1.
    pub version: Option<u64>,
    /// How long kiosks accept this manifest.
    pub valid_for: chrono::Duration,
}

impl Default for PublishOptions {
    fn default() -> Self {
        Self { version: None, valid_for: chrono::Duration::days(30) }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct PublishReport {
    pub version: u64,
    pub items: usize,
    pub shards: usize,
    /// Files written by this run, and files that were already there.
    pub files_written: usize,
    pub files_reused: usize,
    pub bytes_written: u64,
    /// Bytes of every file the pack refers to (what a fresh kiosk downloads).
    pub pack_bytes: u64,
    pub expires: String,
    pub manifest: PathBuf,
    /// What was derived from the attachments (conversions, page texts) and which cannot be shown.
    pub attachments: crate::attachments::DeriveReport,
}

/// The version in an existing manifest (its signed body; the signature is not checked here,
/// the publisher's own folder is trusted).
fn published_version(out: &Path) -> Option<u64> {
    let bytes = fs::read(out.join(pack::MANIFEST_FILE)).ok()?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    v.get("signed")?.get("version")?.as_u64()
}

struct Writer<'a> {
    out: &'a Path,
    report: PublishReport,
}

impl Writer<'_> {
    /// Writes `bytes` as an object unless it exists; returns its reference.
    fn bytes(&mut self, bytes: &[u8]) -> Result<FileRef, PublishError> {
        let sha = pack::sha256_hex(bytes);
        let dest = self.out.join(pack::object_path(&sha).expect("sha256 hex"));
        self.report.pack_bytes += bytes.len() as u64;
        if dest.is_file() {
            self.report.files_reused += 1;
        } else {
            write_atomically(&dest, |f| f.write_all(bytes))?;
            self.report.files_written += 1;
            self.report.bytes_written += bytes.len() as u64;
        }
        Ok(FileRef { sha256: sha, size: bytes.len() as u64 })
    }

    /// Copies a media file as an object unless it exists, checking its hash on the way.
    fn media(&mut self, sha: &str, from: &Path) -> Result<(), PublishError> {
        let dest = self.out.join(pack::object_path(sha).expect("content checked the sha256"));
        let size = fs::metadata(from).map_err(io(from))?.len();
        self.report.pack_bytes += size;
        if dest.is_file() {
            self.report.files_reused += 1;
            return Ok(());
        }
        let mut src = fs::File::open(from).map_err(io(from))?;
        let mut hasher = Sha256::new();
        write_atomically(&dest, |f| {
            let mut buf = vec![0u8; 256 * 1024];
            loop {
                let n = src.read(&mut buf)?;
                if n == 0 {
                    return Ok(());
                }
                hasher.update(&buf[..n]);
                f.write_all(&buf[..n])?;
            }
        })?;
        let found = hex::encode(hasher.finalize());
        if found != sha {
            let _ = fs::remove_file(&dest);
            return Err(PublishError::Changed { path: from.to_path_buf(), expected: sha.to_string(), found });
        }
        self.report.files_written += 1;
        self.report.bytes_written += size;
        Ok(())
    }
}

/// Writes a file through a temporary name in the same folder: write, sync, rename.
fn write_atomically(dest: &Path, fill: impl FnOnce(&mut fs::File) -> std::io::Result<()>) -> Result<(), PublishError> {
    let dir = dest.parent().expect("object paths have a folder");
    fs::create_dir_all(dir).map_err(io(dir))?;
    let tmp =
        dir.join(format!(".{}.{}.tmp", dest.file_name().unwrap_or_default().to_string_lossy(), std::process::id()));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        fill(&mut f)?;
        f.sync_all()?;
        fs::rename(&tmp, dest)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(PublishError::Io { path: dest.to_path_buf(), source: e });
    }
    Ok(())
}

/// A file time in whole seconds since 1970 (0 for times before it), as web servers stamp it.
fn whole_seconds(t: std::time::SystemTime) -> u64 {
    t.duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

fn media_of(blobs: Vec<&BlobRef>) -> Vec<FileRef> {
    let mut v: Vec<FileRef> = blobs.into_iter().map(|b| FileRef { sha256: b.sha256.clone(), size: b.size }).collect();
    v.sort();
    v.dedup();
    v
}

/// Loads `src` (reporting every problem as `import` does) and writes the pack to `out`.
pub fn publish(src: &Path, out: &Path, key: &SecretKey, opts: &PublishOptions) -> Result<PublishReport, PublishError> {
    let mut set = content::load(src)?;
    let attachments = crate::attachments::derive(&mut set, src);
    let mut report = publish_set(&set, out, key, opts)?;
    report.attachments = attachments;
    Ok(report)
}

/// Writes the pack of an already loaded content set.
pub fn publish_set(
    set: &ContentSet,
    out: &Path,
    key: &SecretKey,
    opts: &PublishOptions,
) -> Result<PublishReport, PublishError> {
    // Everything that could refuse the publication is checked before the first file is written.
    let days = opts.valid_for.num_days();
    if opts.valid_for <= chrono::Duration::zero() || days > i64::from(pack::MAX_VALID_DAYS) {
        return Err(PublishError::Validity { days });
    }
    let previous = published_version(out);
    let version = match (opts.version, previous) {
        (Some(v), Some(p)) if v <= p => {
            return Err(PublishError::VersionNotAbove { asked: v, found: p, out: out.to_path_buf() });
        }
        (Some(0), None) => return Err(PublishError::VersionZero),
        (Some(v), _) => v,
        (None, Some(p)) => p.saturating_add(1),
        (None, None) => 1,
    };
    if version > pack::MAX_PACK_VERSION {
        let hint = if opts.version.is_some() {
            "Choose a lower --pack-version."
        } else {
            "The pack folder holds the highest version already. Kiosks that took it refuse every lower version while they trust its key: rotate the signing key (a new key, trusted instead of the old one), publish with it into a new folder and point the kiosks at it (docs/deployment.md, Part B §1)."
        };
        return Err(PublishError::VersionTooHigh { version: u128::from(version), hint });
    }
    fs::create_dir_all(out).map_err(io(out))?;
    let mut w = Writer { out, report: PublishReport { version, ..Default::default() } };

    for (sha, path) in &set.blobs {
        w.media(sha, path)?;
    }
    let mut items: Vec<ItemRef> = Vec::new();
    let mut add = |w: &mut Writer<'_>,
                   id: &str,
                   kind: ItemKind,
                   bytes: Vec<u8>,
                   media: Vec<FileRef>|
     -> Result<(), PublishError> {
        let f = w.bytes(&bytes)?;
        items.push(ItemRef { id: id.to_string(), kind, sha256: f.sha256, size: f.size, media });
        Ok(())
    };
    for d in &set.documents {
        add(&mut w, &d.id, ItemKind::Document, pack::item_bytes(d), media_of(d.blobs()))?;
    }
    for g in &set.guides {
        add(&mut w, &g.id, ItemKind::Guide, pack::item_bytes(g), media_of(g.blobs()))?;
    }
    for b in &set.boards {
        add(&mut w, &b.id, ItemKind::Board, pack::item_bytes(b), Vec::new())?;
    }
    for q in &set.faqs {
        add(&mut w, &q.id, ItemKind::Faq, pack::item_bytes(q), Vec::new())?;
    }
    let site = w.bytes(&pack::item_bytes(&set.site))?;

    let shard_bits = pack::shard_bits_for(items.len());
    let mut shards: BTreeMap<usize, Shard> = (0..1usize << shard_bits).map(|i| (i, Shard::default())).collect();
    for item in &items {
        shards.get_mut(&pack::shard_of(&item.id, shard_bits)).expect("every shard exists").items.push(item.clone());
    }
    let mut shard_refs = Vec::with_capacity(shards.len());
    for (_, mut shard) in shards {
        shard.items.sort_by(|a, b| a.id.cmp(&b.id));
        shard_refs.push(w.bytes(&serde_json::to_vec(&shard).expect("serializes"))?);
    }
    let content_hash = pack::content_hash(&site.sha256, items.iter().map(|i| (i.id.as_str(), i.sha256.as_str())));
    let created = chrono::Utc::now();
    let body = ManifestBody {
        spec: pack::SPEC_VERSION,
        version,
        created,
        expires: created + opts.valid_for,
        zone: set.site.name.clone(),
        site,
        shard_bits,
        shards: shard_refs,
        content_hash,
        items: items.len() as u64,
        bytes: w.report.pack_bytes,
    };
    let manifest = out.join(pack::MANIFEST_FILE);
    let bytes = pack::sign_manifest(&body, key);
    // Web servers derive the ETag and Last-Modified from the modification time in whole
    // seconds (and the size): a new manifest written in the same second as the old one could
    // look unchanged to a kiosk's conditional request. Wait for the next second if needed, and
    // since the file system stamps files from a coarser clock than `SystemTime::now` (it can lag
    // by a few milliseconds across the second's edge), check the stamp the new file got.
    let old_second = fs::metadata(&manifest).and_then(|m| m.modified()).ok().map(whole_seconds);
    while let Some(old) = old_second {
        if whole_seconds(std::time::SystemTime::now()) > old {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    write_atomically(&manifest, |f| {
        f.write_all(&bytes)?;
        if let Some(old) = old_second
            && whole_seconds(f.metadata()?.modified()?) <= old
        {
            f.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(old + 1))?;
        }
        Ok(())
    })?;
    let mut report = w.report;
    report.items = items.len();
    report.shards = body.shards.len();
    report.expires = body.expires.to_rfc3339();
    report.manifest = manifest;
    tracing::info!(
        version,
        items = report.items,
        written = report.files_written,
        reused = report.files_reused,
        "pack published"
    );
    Ok(report)
}
