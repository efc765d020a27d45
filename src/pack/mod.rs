//! The wire format of a content pack, shared by `publish` and `sync`.
//!
//! A pack is plain static files:
//!
//! ```text
//! manifest.json           small, signed, short-lived in caches
//! objects/ab/abcdef…      immutable files named by their sha256: items, shards, site, media
//! ```
//!
//! The manifest's `signed` part names the site file, the shards and the content hash; each shard
//! lists the items whose id hashes into it (id, kind, sha256, size, media files). An item file
//! is the item's JSON exactly as the store hashes it, so the kiosk knows which items it already
//! has without downloading them. One changed document changes one item file, one shard and the
//! manifest, whatever the size of the pack.

mod keys;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use crate::content::ItemKind;

pub use keys::{KeyError, PublicKey, SecretKey, key_id, public_key_path};

/// The pack format this build writes and reads.
pub const SPEC_VERSION: u32 = 1;
pub const MANIFEST_FILE: &str = "manifest.json";
pub const OBJECTS_DIR: &str = "objects";
/// A manifest larger than this is refused before it is parsed.
pub const MAX_MANIFEST_BYTES: u64 = 4 * 1024 * 1024;
/// A shard larger than this is refused.
pub const MAX_SHARD_BYTES: u64 = 32 * 1024 * 1024;
/// The highest pack version (2^53 − 1, exact in every JSON reader). A manifest above it is
/// refused, so no pack, signed by mistake with 2^64 − 1, can leave kiosks nowhere to go.
pub const MAX_PACK_VERSION: u64 = (1 << 53) - 1;
/// The longest a manifest may stay valid, in days (ten years). Publish refuses more, and sync
/// refuses a manifest that expires later than this from now (an expiry in year 262000 would
/// make freezing a kiosk on old content possible for ever).
pub const MAX_VALID_DAYS: u32 = 3660;
/// About this many items per shard; the number of shards is a power of two.
pub const ITEMS_PER_SHARD: usize = 256;

/// A file of the pack: its sha256 (lower-case hex) and size in bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FileRef {
    pub sha256: String,
    pub size: u64,
}

/// One item of a shard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemRef {
    pub id: String,
    pub kind: ItemKind,
    pub sha256: String,
    pub size: u64,
    /// Media files (attachments, images, forms) the item refers to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub media: Vec<FileRef>,
}

/// A shard: the items whose id falls into it, sorted by id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub items: Vec<ItemRef>,
}

/// The signed part of the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestBody {
    pub spec: u32,
    /// Grows with every publication; a kiosk never goes back to a lower one.
    pub version: u64,
    pub created: chrono::DateTime<chrono::Utc>,
    /// After this moment kiosks refuse the manifest (a frozen or replayed old pack).
    pub expires: chrono::DateTime<chrono::Utc>,
    /// The zone's name, for messages.
    pub zone: String,
    pub site: FileRef,
    /// `shards.len() == 1 << shard_bits`; an item is in shard [`shard_of`]`(id, shard_bits)`.
    pub shard_bits: u8,
    pub shards: Vec<FileRef>,
    /// [`content_hash`] of the whole content; the kiosk checks its store against it before the
    /// new snapshot goes live.
    pub content_hash: String,
    /// Totals, for progress and the disk-space estimate of a fresh install.
    pub items: u64,
    pub bytes: u64,
}

/// A signature on the manifest's `signed` bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    pub keyid: String,
    /// ed25519 signature, hex.
    pub sig: String,
}

#[derive(Serialize)]
struct ManifestOut<'a> {
    signed: &'a RawValue,
    signatures: &'a [Signature],
}

#[derive(Deserialize)]
struct ManifestIn<'a> {
    #[serde(borrow)]
    signed: &'a RawValue,
    signatures: Vec<Signature>,
}

/// A manifest that passed [`verify_manifest`].
#[derive(Debug, Clone)]
pub struct VerifiedManifest {
    pub body: ManifestBody,
    /// sha256 of the whole manifest file.
    pub sha256: String,
    /// The trusted key that signed it (the first of `signers`).
    pub keyid: String,
    /// Every trusted key whose valid signature it carries, each once, `keyid` first. The kiosk
    /// records them with the version it applies: a key's highest applied version is the floor
    /// below which no manifest is accepted while that key stays trusted.
    pub signers: Vec<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PackError {
    #[error("the manifest is {size} bytes, more than the {max} a manifest may have; refused unread")]
    TooLarge { size: u64, max: u64 },
    #[error("the manifest is not valid: {0}")]
    Malformed(String),
    #[error("the manifest is signed only by unknown key(s) {}; add the publisher's public key to sync.trusted_keys if it is new", .keyids.join(", "))]
    UnknownKey { keyids: Vec<String> },
    #[error("the manifest's signature by key {keyid} does not match its content: it was changed after signing")]
    BadSignature { keyid: String },
    #[error("no trusted keys are configured (sync.trusted_keys); the kiosk cannot verify any pack")]
    NoTrustedKeys,
    #[error("the pack uses format version {found}; this kiosk reads version {SPEC_VERSION}. Update the kiosk.")]
    Spec { found: u32 },
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Whether `s` is a sha256 as packs name files (64 lower-case hex digits).
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Where a file lives inside a pack, relative to its root: `objects/ab/abcdef…`. `None` for
/// a string that is not a sha256, so no name from a manifest can point outside the pack.
pub fn object_path(sha256: &str) -> Option<String> {
    is_sha256(sha256).then(|| format!("{OBJECTS_DIR}/{}/{sha256}", &sha256[..2]))
}

/// The bytes of an item file (and what the store hashes).
pub fn item_bytes<T: Serialize>(item: &T) -> Vec<u8> {
    item_json(item).into_bytes()
}

/// The same bytes as [`item_bytes`], as the text the store keeps (serde_json writes UTF-8, so
/// nothing is checked again: checking took a quarter of an unchanged re-import's time).
pub fn item_json<T: Serialize>(item: &T) -> String {
    serde_json::to_string(item).expect("content items serialize")
}

/// How many shard bits suit `items` items: about [`ITEMS_PER_SHARD`] per shard.
pub fn shard_bits_for(items: usize) -> u8 {
    let mut bits = 0u8;
    while (items >> bits) > ITEMS_PER_SHARD && bits < 16 {
        bits += 1;
    }
    bits
}

/// The shard an id belongs to: the first `bits` bits of sha256(id).
pub fn shard_of(id: &str, bits: u8) -> usize {
    if bits == 0 {
        return 0;
    }
    let h = Sha256::digest(id.as_bytes());
    let top = u32::from_be_bytes([h[0], h[1], h[2], h[3]]);
    (top >> (32 - u32::from(bits))) as usize
}

/// The hash of a whole content snapshot: the site's hash and every item's (id, hash), sorted.
/// The store computes it from its rows, publish from the source; they must agree.
pub fn content_hash<'a>(site_hash: &str, items: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut all: Vec<(&str, &str)> = items.into_iter().collect();
    all.sort_unstable();
    let mut h = Sha256::new();
    h.update(site_hash.as_bytes());
    for (id, hash) in all {
        h.update(id.as_bytes());
        h.update(b"\0");
        h.update(hash.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The manifest file for `body`, signed with `key`.
pub fn sign_manifest(body: &ManifestBody, key: &SecretKey) -> Vec<u8> {
    let signed = serde_json::to_string(body).expect("manifest serializes");
    let raw = RawValue::from_string(signed).expect("serde_json output is valid JSON");
    sign_raw_manifest(&raw, key)
}

/// A manifest file whose `signed` part is exactly `raw`, signed with `key` (what
/// [`sign_manifest`] writes; the fuzz target signs arbitrary bodies with it).
pub fn sign_raw_manifest(raw: &RawValue, key: &SecretKey) -> Vec<u8> {
    let signatures = [Signature { keyid: key.public().id(), sig: hex::encode(key.sign(raw.get().as_bytes())) }];
    let mut out = serde_json::to_vec_pretty(&ManifestOut { signed: raw, signatures: &signatures }).expect("serializes");
    out.push(b'\n');
    out
}

/// Checks a manifest file: size, structure, a valid signature by one of `trusted`, format
/// version. Version and expiry are the caller's to judge (they depend on the kiosk's state).
pub fn verify_manifest(bytes: &[u8], trusted: &[PublicKey]) -> Result<VerifiedManifest, PackError> {
    if bytes.len() as u64 > MAX_MANIFEST_BYTES {
        return Err(PackError::TooLarge { size: bytes.len() as u64, max: MAX_MANIFEST_BYTES });
    }
    if trusted.is_empty() {
        return Err(PackError::NoTrustedKeys);
    }
    let file: ManifestIn<'_> = serde_json::from_slice(bytes).map_err(|e| PackError::Malformed(e.to_string()))?;
    let signed = file.signed.get().as_bytes();
    let mut unknown = Vec::new();
    let mut signers: Vec<String> = Vec::new();
    for s in &file.signatures {
        match trusted.iter().find(|k| k.id() == s.keyid) {
            None => unknown.push(s.keyid.clone()),
            // Each trusted key is checked once, however often its id is repeated.
            Some(_) if signers.contains(&s.keyid) => {}
            Some(k) => {
                if k.verify(signed, &s.sig) {
                    signers.push(s.keyid.clone());
                } else if signers.is_empty() {
                    return Err(PackError::BadSignature { keyid: s.keyid.clone() });
                }
                // A bad signature after a good one makes that key no signer; the manifest
                // stands on the good one.
            }
        }
    }
    let Some(keyid) = signers.first().cloned() else {
        if unknown.is_empty() {
            return Err(PackError::Malformed("it carries no signature".into()));
        }
        return Err(PackError::UnknownKey { keyids: unknown });
    };
    // Only now, with the bytes known to come from the publisher, is the body interpreted.
    let spec: serde_json::Value = serde_json::from_slice(signed).map_err(|e| PackError::Malformed(e.to_string()))?;
    let found = spec.get("spec").and_then(|v| v.as_u64()).unwrap_or(0) as u32;
    if found != SPEC_VERSION {
        return Err(PackError::Spec { found });
    }
    let body: ManifestBody = serde_json::from_slice(signed).map_err(|e| PackError::Malformed(e.to_string()))?;
    if body.version > MAX_PACK_VERSION {
        return Err(PackError::Malformed(format!(
            "version {} is above the highest a pack may have ({MAX_PACK_VERSION})",
            body.version
        )));
    }
    if body.version == 0 {
        return Err(PackError::Malformed("version 0; packs start at version 1".into()));
    }
    if body.shards.len() != 1usize << body.shard_bits.min(16) || body.shard_bits > 16 {
        return Err(PackError::Malformed(format!("{} shards for shard_bits {}", body.shards.len(), body.shard_bits)));
    }
    for f in body.shards.iter().chain(std::iter::once(&body.site)) {
        if !is_sha256(&f.sha256) {
            return Err(PackError::Malformed(format!("`{}` is not a sha256 file name", f.sha256)));
        }
    }
    Ok(VerifiedManifest { body, sha256: sha256_hex(bytes), keyid, signers })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body() -> ManifestBody {
        let now = chrono::Utc::now();
        ManifestBody {
            spec: SPEC_VERSION,
            version: 3,
            created: now,
            expires: now + chrono::Duration::days(30),
            zone: "望川区".into(),
            site: FileRef { sha256: sha256_hex(b"site"), size: 4 },
            shard_bits: 1,
            shards: vec![FileRef { sha256: sha256_hex(b"a"), size: 1 }, FileRef { sha256: sha256_hex(b"b"), size: 1 }],
            content_hash: sha256_hex(b"c"),
            items: 2,
            bytes: 6,
        }
    }

    #[test]
    fn signed_manifest_verifies_and_any_change_breaks_it() {
        let key = SecretKey::generate();
        let other = SecretKey::generate();
        let bytes = sign_manifest(&body(), &key);
        let v = verify_manifest(&bytes, &[other.public(), key.public()]).unwrap();
        assert_eq!(v.body, body_with_times(&v.body));
        assert_eq!(v.keyid, key.public().id());

        let text = String::from_utf8(bytes.clone()).unwrap();
        let tampered = text.replacen("\"version\":3", "\"version\":4", 1);
        assert_ne!(tampered, text);
        assert_eq!(
            verify_manifest(tampered.as_bytes(), &[key.public()]).unwrap_err(),
            PackError::BadSignature { keyid: key.public().id() }
        );
        assert!(matches!(verify_manifest(&bytes, &[other.public()]), Err(PackError::UnknownKey { .. })));
        assert_eq!(verify_manifest(&bytes, &[]).unwrap_err(), PackError::NoTrustedKeys);
        let big = vec![b' '; MAX_MANIFEST_BYTES as usize + 1];
        assert!(matches!(verify_manifest(&big, &[key.public()]), Err(PackError::TooLarge { .. })));
        assert!(matches!(verify_manifest(b"{\"signed\":", &[key.public()]), Err(PackError::Malformed(_))));
    }

    fn body_with_times(v: &ManifestBody) -> ManifestBody {
        ManifestBody { created: v.created, expires: v.expires, ..body() }
    }

    #[test]
    fn object_paths_are_only_sha256_names() {
        let sha = sha256_hex(b"x");
        assert_eq!(object_path(&sha).unwrap(), format!("objects/{}/{sha}", &sha[..2]));
        assert_eq!(object_path("../../etc/passwd"), None);
        assert_eq!(object_path(&sha.to_uppercase()), None);
    }

    #[test]
    fn shards_spread_ids_and_grow_by_powers_of_two() {
        assert_eq!(shard_bits_for(10), 0);
        assert_eq!(shard_bits_for(100_000), 9);
        let bits = 4;
        let mut seen = [0usize; 16];
        for i in 0..1600 {
            seen[shard_of(&format!("doc-{i}"), bits)] += 1;
        }
        assert!(seen.iter().all(|&n| n > 50), "{seen:?}");
        assert_eq!(shard_of("x", 0), 0);
    }

    #[test]
    fn content_hash_ignores_order() {
        let a = content_hash("s", [("b", "2"), ("a", "1")]);
        let b = content_hash("s", [("a", "1"), ("b", "2")]);
        assert_eq!(a, b);
        assert_ne!(a, content_hash("s", [("a", "1"), ("b", "3")]));
    }
}
