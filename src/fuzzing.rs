//! Entry points for the fuzz targets in `fuzz/` (cargo-fuzz, nightly) and for the test that
//! replays their corpora on the stable toolchain (`tests/fuzz_corpora.rs`). Each takes
//! arbitrary bytes, runs one of the paths hostile input reaches, and returns normally: a panic,
//! an abort or a hang here is a finding. They assert what must hold for any input.
//!
//! | target | what it reaches |
//! |---|---|
//! | `manifest` | `pack::verify_manifest` on the bytes as a manifest file, and on the bytes as a manifest body signed by a test key (so the body parser is reached); the sync path's shard check on the bytes as a shard |
//! | `toml` | the TOML reader through `site.toml`, a guide, a board and a FAQ file of a source folder, and `config::Config::parse` |
//! | `markdown` | `content::markdown`: blocks, plain text, nesting, image references |
//! | `search` | `search::bound_query`, full and instant search over the demo content, the zero-result log's rule |
//! | `source_tree` | `content::load_tree` over an in-memory folder: a consistent part of the demo content (`SMALL_TREE`: every kind of file, 14 of its 49 documents) with files from the bytes added or replaced |
//! | `pdf` | a document's PDF layout (`print::layouts::documents_laid_out`, the PDF written for one input in 32) with a title and body from the bytes |
//!
//! The targets read the demo content (`assets::demo_content_dir`; a fuzz binary run away from
//! the source tree needs `GONGKAI_KIOSK_DEMO=…/assets/demo-content`). Without it they stop
//! with a panic that says so, rather than run on nothing: a target that quietly skipped its work
//! would count millions of executions that tested nothing.

use std::path::Path;
use std::sync::OnceLock;

use crate::content::tree::MemTree;
use crate::content::{self, markdown};
use crate::pack;

/// The secret key the manifest target signs bodies with (a fixed seed: runs reproduce).
fn test_key() -> &'static pack::SecretKey {
    static KEY: OnceLock<pack::SecretKey> = OnceLock::new();
    KEY.get_or_init(|| pack::SecretKey::from_seed([7u8; 32]))
}

/// Manifest and shard: parse and verify.
pub fn manifest(data: &[u8]) {
    let key = test_key();
    let trusted = [key.public()];
    // as a whole manifest file: the signature stops almost everything, which must not panic
    let _ = pack::verify_manifest(data, &trusted);
    // as the signed body: signed for real, so the body parser and its checks are reached
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(raw) = serde_json::value::RawValue::from_string(text.to_string())
    {
        let file = pack::sign_raw_manifest(&raw, key);
        if let Ok(v) = pack::verify_manifest(&file, &trusted) {
            assert!(v.body.version >= 1 && v.body.version <= pack::MAX_PACK_VERSION);
            assert_eq!(v.body.shards.len(), 1 << v.body.shard_bits);
        }
    }
    // as a shard, checked as sync checks it
    for bits in [0u8, 4] {
        if let Ok(shard) = crate::sync::check_shard(data, 0, bits) {
            for item in &shard.items {
                assert!(content::is_valid_id(&item.id) && pack::is_sha256(&item.sha256));
            }
        }
    }
}

/// The TOML reader, through every kind of source file and the kiosk's configuration.
pub fn toml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = crate::config::Config::parse("kiosk.toml", text);
    // a folder of the demo's site.toml and the file (small, so that a run stays quick)
    let site = demo_tree().file("site.toml").unwrap_or_default();
    for path in ["site.toml", "guides/fuzz.toml", "boards/fuzz.toml", "faq/fuzz.toml", "docs/fuzz.md"] {
        let mut tree = MemTree::new();
        tree.insert("site.toml", site.clone());
        tree.insert(path, data.to_vec());
        let _ = content::load_tree(&tree);
    }
}

/// Markdown → the document model, plain text, nesting and images.
pub fn markdown(data: &[u8]) {
    let Ok(body) = std::str::from_utf8(data) else { return };
    let blocks = markdown::blocks(body);
    assert!(depth(&blocks) <= markdown::MAX_NESTING, "the block tree is deeper than MAX_NESTING");
    let _ = markdown::plain_text(body);
    let _ = markdown::nesting(body);
    let _ = markdown::image_refs(body);
}

fn depth(blocks: &[markdown::Block]) -> usize {
    blocks
        .iter()
        .map(|b| match b {
            markdown::Block::Quote(inner) => 1 + depth(inner),
            markdown::Block::List { items, .. } => 1 + items.iter().map(|i| depth(i)).max().unwrap_or(0),
            _ => 0,
        })
        .max()
        .unwrap_or(0)
}

/// The demo content as an in-memory tree (read once). Media files (pictures, attachments) keep
/// only their first bytes: the loader reads their magic bytes and hashes them, nothing more, and
/// hashing and copying half a megabyte on every run made the folder targets ten times slower.
fn demo_tree() -> &'static MemTree {
    const MEDIA_HEAD_BYTES: usize = 256;
    static TREE: OnceLock<MemTree> = OnceLock::new();
    TREE.get_or_init(|| {
        let mut tree = MemTree::new();
        let root = crate::assets::demo_content_dir().unwrap_or_else(|| panic!("{DEMO_MISSING}"));
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if let (Ok(rel), Ok(mut bytes)) = (p.strip_prefix(&root), std::fs::read(&p)) {
                    let text =
                        matches!(p.extension().and_then(|e| e.to_str()), Some("md" | "toml" | "txt" | "vtt" | "srt"));
                    if !text {
                        bytes.truncate(MEDIA_HEAD_BYTES);
                    }
                    tree.insert(&rel.to_string_lossy(), bytes);
                }
            }
        }
        tree
    })
}

const DEMO_MISSING: &str =
    "the demo content was not found: run from the repository, or set GONGKAI_KIOSK_DEMO to its assets/demo-content";

/// The part of the demo content the `source_tree` target starts from: paths (a trailing `/`
/// takes a folder) chosen so that every reference inside it resolves (the boards and FAQ files
/// left out name documents of other folders). Loading the whole demo (49 documents) took 3.6 ms
/// a run, this part 1.5 ms (docs/security.md); the part keeps every kind of file: policies with
/// their interpretations, a video interpretation, an infographic, budgets (14 documents), every
/// guide, a board, a FAQ file, the media and derived files.
const SMALL_TREE: &[&str] = &[
    "site.toml",
    ".derived/",
    "media/",
    "boards/services.toml",
    "faq/social.toml",
    "guides/",
    "docs/social/",
    "docs/finance/",
    "docs/elderly/",
];

fn small_tree() -> &'static MemTree {
    static TREE: OnceLock<MemTree> = OnceLock::new();
    TREE.get_or_init(|| {
        let mut tree = MemTree::new();
        for (path, bytes) in demo_tree().files() {
            let path = path.to_string_lossy();
            if SMALL_TREE.iter().any(|p| if p.ends_with('/') { path.starts_with(p) } else { path == *p }) {
                tree.insert(&path, bytes.to_vec());
            }
        }
        tree
    })
}

/// The search path over the demo content, as the touch screen and the command line run it.
pub fn search(data: &[u8]) {
    let Ok(query) = std::str::from_utf8(data) else { return };
    let (bounded, _) = crate::search::bound_query(query);
    assert!(bounded.chars().count() <= crate::search::MAX_QUERY_CHARS);
    let _ = crate::search::zero_result_words(query);
    DEMO_SEARCH.with(|demo| {
        let (store, searcher) = demo;
        let filter = crate::search::SearchFilter::default();
        let results = searcher.search(store, query, &filter, 10, 0).expect("search runs on any query");
        assert!(results.query.chars().count() <= crate::search::MAX_QUERY_CHARS);
        for h in &results.hits {
            for r in &h.title.highlights {
                assert!(h.title.text.is_char_boundary(r.start) && h.title.text.is_char_boundary(r.end));
            }
        }
        let _ = searcher.instant(store, query, 8).expect("instant search runs on any query");
    });
}

thread_local! {
    /// A store of the demo content in a temporary folder, and its searcher (made once per thread:
    /// the store's connection stays on its thread).
    static DEMO_SEARCH: (crate::store::Store, crate::search::Searcher) = demo_search();
}

fn demo_search() -> (crate::store::Store, crate::search::Searcher) {
    const PREFIX: &str = "gongkai-fuzz-search-";
    // the stores of earlier runs whose process is gone
    for e in std::fs::read_dir(std::env::temp_dir()).into_iter().flatten().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if let Some(pid) = name.strip_prefix(PREFIX)
            && !Path::new("/proc").join(pid).exists()
        {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
    let dir = std::env::temp_dir().join(format!("{PREFIX}{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let demo = crate::assets::demo_content_dir().unwrap_or_else(|| panic!("{DEMO_MISSING}"));
    let mut store = crate::store::Store::open(&dir).unwrap_or_else(|e| panic!("a store in {}: {e}", dir.display()));
    store.import_folder(&demo).unwrap_or_else(|e| panic!("importing the demo content: {e}"));
    let searcher = crate::search::Searcher::new(&store).unwrap_or_else(|e| panic!("searching the demo content: {e}"));
    (store, searcher)
}

/// The source loader over an in-memory folder. The bytes are a list of files, each
/// `path \0 contents \0\0` (the last one may end without the two NULs); they are added to the
/// part of the demo content in `SMALL_TREE` (replacing files of the same name), or make a folder
/// of their own when the bytes start with `!`.
pub fn source_tree(data: &[u8]) {
    let (mut tree, rest) = match data.strip_prefix(b"!") {
        Some(rest) => (MemTree::new(), rest),
        None => (small_tree().clone(), data),
    };
    for (path, bytes) in split_files(rest) {
        tree.insert(&String::from_utf8_lossy(path), bytes.to_vec());
    }
    if let Ok(set) = content::load_tree(&tree) {
        for d in &set.documents {
            assert!(content::is_valid_id(&d.id));
            assert!(markdown::nesting(&d.body) <= markdown::MAX_NESTING);
        }
    }
}

fn split_files(data: &[u8]) -> Vec<(&[u8], &[u8])> {
    let mut out = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        let Some(p) = rest.iter().position(|&b| b == 0) else { break };
        let path = &rest[..p];
        let body = &rest[p + 1..];
        let end = body.windows(2).position(|w| w == [0, 0]).unwrap_or(body.len());
        out.push((path, &body[..end]));
        rest = if end + 2 <= body.len() { &body[end + 2..] } else { &[] };
    }
    out
}

/// A document's PDF layout: the first line is the title, the rest the Markdown body.
pub fn pdf(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // the layout pages through the text: bounded so that one run stays short
    if text.len() > 16 * 1024 {
        return;
    }
    let (site, template) = demo_document();
    let (title, body) = text.split_once('\n').unwrap_or((text, ""));
    let mut d = template.clone();
    d.title = title.to_string();
    d.body = body.to_string();
    // the layout every time; the PDF written for one input in 32 (writing, font subsetting
    // included, costs some thirty times the layout and is printpdf's, not ours)
    let pictures = Default::default();
    let laid_out = crate::print::layouts::documents_laid_out(site, &[(&d, &pictures)], "2026-01-01 09:00");
    let result = laid_out.and_then(|(pages, footer)| {
        if data.len().is_multiple_of(32) {
            pages.finish(&footer).map(|r| (r.pages, Some(r.pdf)))
        } else {
            pages.finish_layout(&footer).map(|n| (n, None))
        }
    });
    match result {
        Ok((pages, pdf)) => assert!(pages >= 1 && pdf.is_none_or(|p| p.starts_with(b"%PDF"))),
        // a character no installed font has is refused by name: a clear error, not a finding
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

fn demo_document() -> &'static (content::Site, content::Document) {
    static DOC: OnceLock<(content::Site, content::Document)> = OnceLock::new();
    DOC.get_or_init(|| {
        let set = content::load_tree(demo_tree()).unwrap_or_else(|e| panic!("loading the demo content: {e}"));
        let d = set.documents.into_iter().next().expect("the demo content has documents");
        (set.site, d)
    })
}

/// Runs `target` on every file of a corpus folder (for the stable test of the corpora).
pub fn replay(target: Target, dir: &Path) -> usize {
    let mut files: Vec<_> = std::fs::read_dir(dir).map(|r| r.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    files.sort();
    let mut n = 0;
    for f in files {
        if let Ok(bytes) = std::fs::read(&f) {
            target(&bytes);
            n += 1;
        }
    }
    n
}

/// A fuzz target's entry point.
pub type Target = fn(&[u8]);

/// The targets by name, as `fuzz/fuzz_targets/` names them.
pub const TARGETS: &[(&str, Target)] = &[
    ("manifest", manifest),
    ("toml", toml),
    ("markdown", markdown),
    ("search", search),
    ("source_tree", source_tree),
    ("pdf", pdf),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The `source_tree` target's starting folder must load as it is: a reference into a part of
    /// the demo left out would make every run stop at the same error and test nothing else.
    #[test]
    fn the_source_tree_targets_starting_folder_loads_whole() {
        let set = content::load_tree(small_tree()).expect("SMALL_TREE loads without a problem");
        assert!(set.documents.len() >= 10, "{} documents", set.documents.len());
        assert!(!set.guides.is_empty() && !set.boards.is_empty() && !set.faqs.is_empty());
        assert!(set.documents.len() < content::load_tree(demo_tree()).unwrap().documents.len());
    }
}
