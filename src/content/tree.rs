//! What the source loader may see of a folder: regular files and folders inside it, nothing else.
//!
//! [`DiskTree`] is a folder on disk. A symbolic link is followed only when its target stays
//! inside the folder (a link to `/etc/…` is reported, never read); a FIFO, socket or device is
//! reported, never opened (opening a FIFO would wait for ever). [`Tree::real_folder`] names the
//! folder a link leads to, so that the loader reads each folder once and reports a loop. [`MemTree`] is the same view of
//! files held in memory, for the fuzz targets and tests of the loader.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

/// What a name in the tree is, after following a link that stays inside the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    File {
        len: u64,
    },
    Dir,
    /// A FIFO, socket or device: never read.
    Special,
    /// A symbolic link whose target is outside the tree.
    LinkOutside,
    /// A symbolic link whose target does not exist.
    BrokenLink,
}

/// A source folder as the loader reads it. Paths are relative to its root.
pub trait Tree {
    /// What `rel` is; `Err` when nothing of that name exists.
    fn entry(&self, rel: &Path) -> io::Result<Entry>;
    /// The names in folder `rel`, each with what it is, in any order.
    fn list(&self, rel: &Path) -> io::Result<Vec<(String, Entry)>>;
    /// Opens regular file `rel` for reading.
    fn open(&self, rel: &Path) -> io::Result<Box<dyn Read + '_>>;
    /// Where `rel` lives for those who copy it later (the store, publish).
    fn location(&self, rel: &Path) -> PathBuf;
    /// How the root is named in messages.
    fn name(&self) -> String;
    /// The real folder that folder `rel` is, every link resolved, relative to the root (empty for
    /// the root itself): two names of one folder give the same path. The loader lists each real
    /// folder once and knows a link back to a folder that holds it (a loop).
    fn real_folder(&self, rel: &Path) -> io::Result<PathBuf>;
    /// What the symbolic link `rel` says, as written (e.g. `..`); `None` when it is not a link.
    fn link_text(&self, rel: &Path) -> Option<String>;

    /// Reads a whole regular file of at most `max` bytes.
    fn read(&self, rel: &Path, max: u64) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        self.open(rel)?.take(max + 1).read_to_end(&mut out)?;
        if out.len() as u64 > max {
            return Err(io::Error::other(format!("grew past {max} bytes while being read")));
        }
        Ok(out)
    }
}

/// A source folder on disk.
pub struct DiskTree {
    root: PathBuf,
    /// The root with every link resolved, to tell whether a link's target is inside.
    canonical: Option<PathBuf>,
}

impl DiskTree {
    pub fn new(root: &Path) -> Self {
        DiskTree { root: root.to_path_buf(), canonical: fs::canonicalize(root).ok() }
    }

    fn classify(&self, path: &Path, meta: fs::Metadata) -> Entry {
        let meta = if meta.file_type().is_symlink() {
            let Ok(target) = fs::canonicalize(path) else { return Entry::BrokenLink };
            if !self.canonical.as_ref().is_some_and(|root| target.starts_with(root)) {
                return Entry::LinkOutside;
            }
            match fs::metadata(&target) {
                Ok(m) => m,
                Err(_) => return Entry::BrokenLink,
            }
        } else {
            meta
        };
        if meta.is_file() {
            Entry::File { len: meta.len() }
        } else if meta.is_dir() {
            Entry::Dir
        } else {
            Entry::Special
        }
    }
}

impl Tree for DiskTree {
    fn entry(&self, rel: &Path) -> io::Result<Entry> {
        let path = self.root.join(rel);
        let meta = fs::symlink_metadata(&path)?;
        Ok(self.classify(&path, meta))
    }

    fn list(&self, rel: &Path) -> io::Result<Vec<(String, Entry)>> {
        let dir = self.root.join(rel);
        let mut out = Vec::new();
        for entry in fs::read_dir(&dir)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let meta = fs::symlink_metadata(entry.path())?;
            out.push((name, self.classify(&entry.path(), meta)));
        }
        Ok(out)
    }

    fn open(&self, rel: &Path) -> io::Result<Box<dyn Read + '_>> {
        // Checked again at the moment of opening: what was a file when listed may have been
        // swapped for a FIFO or an outside link since.
        match self.entry(rel)? {
            Entry::File { .. } => Ok(Box::new(fs::File::open(self.root.join(rel))?)),
            other => Err(io::Error::other(format!("is not a regular file ({other:?})"))),
        }
    }

    fn location(&self, rel: &Path) -> PathBuf {
        self.root.join(rel)
    }

    fn name(&self) -> String {
        self.root.display().to_string()
    }

    fn real_folder(&self, rel: &Path) -> io::Result<PathBuf> {
        let root = self.canonical.as_ref().ok_or_else(|| io::Error::other("the source folder cannot be resolved"))?;
        let real = fs::canonicalize(self.root.join(rel))?;
        real.strip_prefix(root)
            .map(Path::to_path_buf)
            .map_err(|_| io::Error::other("it leads outside the source folder"))
    }

    fn link_text(&self, rel: &Path) -> Option<String> {
        fs::read_link(self.root.join(rel)).ok().map(|t| t.to_string_lossy().into_owned())
    }
}

/// A source folder held in memory: file paths (with `/`) and their bytes. Folders exist where
/// files are under them.
#[derive(Debug, Clone, Default)]
pub struct MemTree {
    files: BTreeMap<PathBuf, Vec<u8>>,
}

impl MemTree {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file; a path with `..`, a root or nothing in it is ignored.
    pub fn insert(&mut self, path: &str, bytes: Vec<u8>) {
        let mut rel = PathBuf::new();
        for c in Path::new(path).components() {
            match c {
                Component::Normal(p) => rel.push(p),
                Component::CurDir => {}
                _ => return,
            }
        }
        if !rel.as_os_str().is_empty() {
            self.files.insert(rel, bytes);
        }
    }

    /// The bytes of a file, if the tree has it.
    pub fn file(&self, path: &str) -> Option<Vec<u8>> {
        self.files.get(Path::new(path)).cloned()
    }

    /// Every file, in path order.
    pub fn files(&self) -> impl Iterator<Item = (&Path, &[u8])> {
        self.files.iter().map(|(p, b)| (p.as_path(), b.as_slice()))
    }

    fn is_dir(&self, rel: &Path) -> bool {
        rel.as_os_str().is_empty() || self.files.keys().any(|p| p.starts_with(rel) && p != rel)
    }
}

impl Tree for MemTree {
    fn entry(&self, rel: &Path) -> io::Result<Entry> {
        if let Some(b) = self.files.get(rel) {
            return Ok(Entry::File { len: b.len() as u64 });
        }
        if self.is_dir(rel) {
            return Ok(Entry::Dir);
        }
        Err(io::Error::from(io::ErrorKind::NotFound))
    }

    fn list(&self, rel: &Path) -> io::Result<Vec<(String, Entry)>> {
        if !self.is_dir(rel) {
            return Err(io::Error::from(io::ErrorKind::NotFound));
        }
        let mut out: BTreeMap<String, Entry> = BTreeMap::new();
        for (p, b) in &self.files {
            let Ok(rest) = p.strip_prefix(rel) else { continue };
            let mut parts = rest.components();
            let Some(first) = parts.next() else { continue };
            let name = first.as_os_str().to_string_lossy().into_owned();
            let entry = if parts.next().is_some() { Entry::Dir } else { Entry::File { len: b.len() as u64 } };
            out.entry(name).or_insert(entry);
        }
        Ok(out.into_iter().collect())
    }

    fn open(&self, rel: &Path) -> io::Result<Box<dyn Read + '_>> {
        match self.files.get(rel) {
            Some(b) => Ok(Box::new(&b[..])),
            None => Err(io::Error::from(io::ErrorKind::NotFound)),
        }
    }

    fn location(&self, rel: &Path) -> PathBuf {
        Path::new("/memory").join(rel)
    }

    fn name(&self) -> String {
        "(in memory)".into()
    }

    /// A tree in memory has no links: every folder is the real folder of its own name.
    fn real_folder(&self, rel: &Path) -> io::Result<PathBuf> {
        if self.is_dir(rel) { Ok(rel.to_path_buf()) } else { Err(io::Error::from(io::ErrorKind::NotFound)) }
    }

    fn link_text(&self, _rel: &Path) -> Option<String> {
        None
    }
}
