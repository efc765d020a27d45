//! Publisher keys: ed25519. A secret key file holds the 32-byte seed in hex (with `#` comment
//! lines); a public key is written as 64 hex digits, which is what `sync.trusted_keys` lists.
//! A key's id is the first 16 hex digits of the sha256 of the public key.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use ed25519_dalek::Signer;
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}: not a gongkai-kiosk secret key (expected 64 hex digits); make one with `gongkai-kiosk keygen`")]
    BadSecret { path: String },
    #[error("`{0}` is not an ed25519 public key (expected 64 hex digits, as printed by `gongkai-kiosk keygen`)")]
    BadPublic(String),
    #[error(
        "`{0}` is a weak ed25519 public key (a point of small order, for which anyone can forge signatures); use the key printed by `gongkai-kiosk keygen`"
    )]
    WeakPublic(String),
    #[error(
        "{path} exists already, and keygen never overwrites a file (it may hold a publisher's only secret key): give --out a new name, or move the old key files away first if they are truly no longer needed"
    )]
    Exists { path: String },
    #[error(
        "{path}: --out names the secret key file, and the public key is written beside it with .pub appended; choose a name that does not end in .pub (e.g. publisher.key)"
    )]
    PublicName { path: String },
}

pub struct SecretKey(ed25519_dalek::SigningKey);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey(ed25519_dalek::VerifyingKey);

/// The id of a public key (its bytes): 16 hex digits.
pub fn key_id(public: &[u8; 32]) -> String {
    hex::encode(&Sha256::digest(public)[..8])
}

impl SecretKey {
    pub fn generate() -> Self {
        loop {
            let mut seed = [0u8; 32];
            getrandom::fill(&mut seed).expect("the operating system provides random bytes");
            let key = ed25519_dalek::SigningKey::from_bytes(&seed);
            // A clamped seed never gives a weak key; checked all the same, as every parsed key is.
            if !key.verifying_key().is_weak() {
                return SecretKey(key);
            }
        }
    }

    /// The key of a given 32-byte seed (for tests and the fuzz targets, which need the same
    /// key in every run; publishers use [`SecretKey::generate`]).
    pub fn from_seed(seed: [u8; 32]) -> Self {
        SecretKey(ed25519_dalek::SigningKey::from_bytes(&seed))
    }

    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    pub fn sign(&self, bytes: &[u8]) -> [u8; 64] {
        self.0.sign(bytes).to_bytes()
    }

    pub fn read(path: &Path) -> Result<Self, KeyError> {
        let text =
            fs::read_to_string(path).map_err(|e| KeyError::Io { path: path.display().to_string(), source: e })?;
        let hexed: String = text.lines().filter(|l| !l.trim_start().starts_with('#')).collect::<String>();
        let bytes = hex::decode(hexed.trim()).ok().and_then(|b| <[u8; 32]>::try_from(b).ok());
        bytes
            .map(|b| SecretKey(ed25519_dalek::SigningKey::from_bytes(&b)))
            .ok_or_else(|| KeyError::BadSecret { path: path.display().to_string() })
    }

    /// Writes the secret key to `path` (mode 0600) and the public key to [`public_key_path`]
    /// (`path` with `.pub` appended); returns that path. Neither file may exist already (a
    /// secret key may be a publisher's only copy): both are checked before anything is
    /// written, and each is created only if it is still absent. A `path` ending in `.pub` is
    /// refused (the secret would land where public keys are expected).
    pub fn write_new(&self, path: &Path) -> Result<PathBuf, KeyError> {
        use std::os::unix::fs::OpenOptionsExt;
        if path.file_name().is_some_and(|n| n.as_encoded_bytes().to_ascii_lowercase().ends_with(b".pub")) {
            return Err(KeyError::PublicName { path: path.display().to_string() });
        }
        let pub_path = public_key_path(path);
        for p in [path, pub_path.as_path()] {
            if fs::symlink_metadata(p).is_ok() {
                return Err(KeyError::Exists { path: p.display().to_string() });
            }
        }
        let create = |p: &Path, mode: u32| {
            fs::OpenOptions::new().write(true).create_new(true).mode(mode).open(p).map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    KeyError::Exists { path: p.display().to_string() }
                } else {
                    KeyError::Io { path: p.display().to_string(), source: e }
                }
            })
        };
        let io = |p: &Path| {
            let p = p.display().to_string();
            move |e| KeyError::Io { path: p, source: e }
        };
        let public = self.public();
        let mut f = create(path, 0o600)?;
        let written = writeln!(
            f,
            "# gongkai-kiosk publisher secret key (ed25519 seed). Keep it off the kiosks and out of backups others can read.\n# key id {}, public key {}\n{}",
            public.id(),
            public.to_hex(),
            hex::encode(self.0.to_bytes())
        )
        .and_then(|_| f.sync_all())
        .map_err(io(path))
        .and_then(|()| create(&pub_path, 0o644))
        .and_then(|mut p| writeln!(p, "{}", public.to_hex()).and_then(|_| p.sync_all()).map_err(io(&pub_path)));
        if let Err(e) = written {
            // Only the file this call created is removed: no half key pair is left behind.
            let _ = fs::remove_file(path);
            return Err(e);
        }
        Ok(pub_path)
    }
}

/// Where `keygen` writes the public key of the secret key at `secret`: the same name with
/// `.pub` appended (`publisher.key` → `publisher.key.pub`).
pub fn public_key_path(secret: &Path) -> PathBuf {
    let mut name = secret.as_os_str().to_owned();
    name.push(".pub");
    PathBuf::from(name)
}

impl PublicKey {
    /// Parses 64 hex digits. Refuses a weak key (a point of small order, such as all zeros or
    /// the identity `0100…00`): signatures for it can be forged without any secret.
    pub fn parse(s: &str) -> Result<Self, KeyError> {
        let s = s.trim();
        let shown = || s.chars().take(80).collect::<String>();
        let bytes = hex::decode(s).ok().and_then(|b| <[u8; 32]>::try_from(b).ok());
        let key = bytes
            .and_then(|b| ed25519_dalek::VerifyingKey::from_bytes(&b).ok())
            .ok_or_else(|| KeyError::BadPublic(shown()))?;
        if key.is_weak() {
            return Err(KeyError::WeakPublic(shown()));
        }
        Ok(PublicKey(key))
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0.to_bytes())
    }

    pub fn id(&self) -> String {
        key_id(&self.0.to_bytes())
    }

    /// Whether `sig_hex` is this key's signature of `bytes`, checked strictly (no small-order
    /// key or `R`, canonical `s`), so no signature verifies for more than one key or message.
    pub fn verify(&self, bytes: &[u8], sig_hex: &str) -> bool {
        let Some(sig) = hex::decode(sig_hex).ok().and_then(|b| <[u8; 64]>::try_from(b).ok()) else { return false };
        self.0.verify_strict(bytes, &ed25519_dalek::Signature::from_bytes(&sig)).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_files_round_trip_and_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("publisher.key");
        let key = SecretKey::generate();
        assert_eq!(key.write_new(&path).unwrap(), public_key_path(&path));
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        let again = SecretKey::read(&path).unwrap();
        assert_eq!(again.public(), key.public());
        let public = PublicKey::parse(&fs::read_to_string(public_key_path(&path)).unwrap()).unwrap();
        assert_eq!(public, key.public());
        assert!(public.verify(b"abc", &hex::encode(key.sign(b"abc"))));
        assert!(!public.verify(b"abd", &hex::encode(key.sign(b"abc"))));
        assert!(matches!(key.write_new(&path), Err(KeyError::Exists { .. })));
        assert!(PublicKey::parse("zz").is_err());
    }

    /// Issue 16, finding 1: with a small-order key trusted, a "signature" made of the identity
    /// point and s = 0 verified for any message. Such keys are refused when parsed, and the
    /// signature is checked strictly.
    #[test]
    fn weak_keys_are_refused_and_forged_signatures_fail() {
        let identity = format!("01{}", "0".repeat(62));
        let zero = "0".repeat(64);
        for weak in [&identity, &zero] {
            assert!(matches!(PublicKey::parse(weak), Err(KeyError::WeakPublic(_))), "{weak}");
        }
        // Even a weak key that got in some other way verifies no forged signature.
        let raw =
            ed25519_dalek::VerifyingKey::from_bytes(&hex::decode(&identity).unwrap().try_into().unwrap()).unwrap();
        let forged = format!("{identity}{}", "0".repeat(64));
        assert!(!PublicKey(raw).verify(b"any manifest", &forged));
        let key = SecretKey::generate();
        assert!(PublicKey::parse(&key.public().to_hex()).is_ok());
    }
}
