//! Writing the source folder: each document as `docs/<column folder>/<id>.md` (TOML front matter
//! in the source format, then the Markdown body), files only when their bytes change, removed
//! documents' files deleted; downloaded images and attachments under `media/`.

use std::fs;
use std::path::{Path, PathBuf};

use toml::{Table, Value};

use super::state::AssetState;
use crate::content::{BlobRef, Document};

/// Where a downloaded file named `name` (from [`asset_name`]) lives in the output folder.
pub fn asset_path(name: &str) -> String {
    format!("media/{}/{name}", name.get(..2).unwrap_or("00"))
}

/// The source format's reference to a downloaded file at `path`.
pub fn blob_ref(path: &str, asset: Option<&AssetState>) -> BlobRef {
    let name = path.rsplit('/').next().unwrap_or(path).to_string();
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    BlobRef {
        sha256: asset.map(|a| a.sha256.clone()).unwrap_or_default(),
        size: asset.map_or(0, |a| a.size),
        media_type: crate::content::media_type(&ext).to_string(),
        name,
    }
}

/// A document as a source file (`docs/content-format.md`); its attachments' files are where
/// [`asset_path`] puts them.
pub fn render(m: &Document) -> String {
    let mut t = Table::new();
    let s = |v: &str| Value::String(field_text(v));
    let date = |d: chrono::NaiveDate| Value::String(d.format("%Y-%m-%d").to_string());
    t.insert("id".into(), s(&m.id));
    t.insert("title".into(), s(&m.title));
    t.insert("kind".into(), s(m.kind.key()));
    if let Some(v) = &m.index_no {
        t.insert("index_no".into(), s(v));
    }
    if let Some(v) = &m.category {
        t.insert("category".into(), s(v));
    }
    t.insert("publisher".into(), s(&m.publisher));
    if let Some(v) = &m.doc_no {
        t.insert("doc_no".into(), s(v));
    }
    if let Some(d) = m.written {
        t.insert("written".into(), date(d));
    }
    t.insert("published".into(), date(m.published));
    if let Some(d) = m.effective {
        t.insert("effective".into(), date(d));
    }
    t.insert("validity".into(), s(m.validity.label()));
    if let Some(d) = m.repealed {
        t.insert("repealed".into(), date(d));
    }
    if let Some(v) = &m.area {
        t.insert("area".into(), s(v));
    }
    if !m.keywords.is_empty() {
        t.insert("keywords".into(), Value::Array(m.keywords.iter().map(|k| s(k)).collect()));
    }
    if let Some(v) = &m.summary {
        t.insert("summary".into(), s(v));
    }
    if let Some(v) = &m.url {
        t.insert("url".into(), s(v));
    }
    if let Some(v) = &m.interprets {
        t.insert("interprets".into(), s(v));
    }
    if !m.attachments.is_empty() {
        let list = m
            .attachments
            .iter()
            .map(|att| {
                let mut a = Table::new();
                a.insert("title".into(), s(&att.title));
                a.insert("file".into(), s(&format!("/{}", asset_path(&att.blob.name))));
                Value::Table(a)
            })
            .collect();
        t.insert("attachments".into(), Value::Array(list));
    }
    let front = toml::to_string(&t).unwrap_or_default();
    format!("+++\n{}+++\n\n{}\n", front, m.body.trim())
}

/// A field's text as the source loader accepts it: a portal's page may carry marks no field may
/// hold (`&lrm;` U+200E and `&rlm;` U+200F around a date or a name are common, a bidirectional
/// override or a control character from a pasted text rarer). Line and paragraph separators
/// become spaces; the others are dropped.
fn field_text(v: &str) -> String {
    v.chars()
        .filter_map(|c| match c {
            '\u{2028}' | '\u{2029}' => Some(' '),
            c if crate::diagnostics::is_invisible_control(c) => None,
            c => Some(c),
        })
        .collect()
}

/// Writes `bytes` to `out/rel` unless the file already holds exactly them (through a temporary
/// file and a rename). Returns whether it wrote.
pub fn write_if_changed(out: &Path, rel: &str, bytes: &[u8]) -> Result<bool, String> {
    let path = out.join(rel);
    if fs::read(&path).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_else(|| out.to_path_buf());
    fs::create_dir_all(&dir).map_err(|e| format!("{}: cannot be created: {e}", dir.display()))?;
    let tmp = tmp_name(&path);
    fs::write(&tmp, bytes).map_err(|e| format!("{}: cannot be written: {e}", tmp.display()))?;
    fs::rename(&tmp, &path).map_err(|e| format!("{}: cannot be written: {e}", path.display()))?;
    Ok(true)
}

fn tmp_name(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp"))
}

/// Removes `out/rel` and then its folders up to `out` while they are empty.
pub fn remove(out: &Path, rel: &str) -> Result<(), String> {
    let path = out.join(rel);
    match fs::remove_file(&path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(format!("{}: cannot be removed: {e}", path.display())),
    }
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d == out || fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
    Ok(())
}

/// A file name for a download: the URL's last segment (percent-decoded) reduced to letters
/// (Chinese included), digits, `-` and `_`, with the extension its bytes showed, prefixed by a short hash of the URL (two files of the
/// same name from different pages stay apart).
pub fn asset_name(url: &str, ext: &str) -> String {
    use sha2::{Digest, Sha256};
    let hash = hex::encode(&Sha256::digest(url.as_bytes())[..4]);
    let last = url.split(['?', '#']).next().unwrap_or("").rsplit('/').next().unwrap_or("");
    let last = percent_decode(last);
    let stem = last.rsplit_once('.').map_or(last.as_str(), |(s, _)| s);
    let mut clean: String = stem.chars().filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_')).take(40).collect();
    if clean.is_empty() {
        clean = "file".into();
    }
    format!("{hash}-{clean}.{ext}")
}

/// `%E8%A1%A8` → `表` (a name that does not decode to UTF-8 is kept as written).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex =
            b.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(v) if b[i] == b'%' => {
                out.push(v);
                i += 3;
            }
            _ => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// The type of a downloaded file by its first bytes, as the extension the source format uses;
/// `hint` (from the URL or the link text) chooses among the zip-based and OLE formats.
pub fn sniff(bytes: &[u8], hint: Option<&str>) -> Option<&'static str> {
    let hint = hint.unwrap_or("");
    let is = |p: &[u8]| bytes.starts_with(p);
    Some(if is(b"%PDF-") {
        "pdf"
    } else if is(b"\x89PNG\r\n\x1a\n") {
        "png"
    } else if is(&[0xFF, 0xD8, 0xFF]) {
        "jpg"
    } else if is(b"GIF8") {
        "gif"
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        "webp"
    } else if is(b"PK") {
        match hint {
            "docx" => "docx",
            "xlsx" => "xlsx",
            "ofd" => "ofd",
            _ => "zip",
        }
    } else if is(&[0xD0, 0xCF, 0x11, 0xE0]) {
        if hint == "xls" { "xls" } else { "doc" }
    } else if is(b"ID3") || (bytes.len() > 1 && bytes[0] == 0xFF && bytes[1] & 0xE0 == 0xE0) {
        "mp3"
    } else if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        "mp4"
    } else {
        return None;
    })
}

pub const IMAGE_TYPES: &[&str] = &["png", "jpg", "gif", "webp"];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{Attachment, Disclosure, DocKind, Validity};

    #[test]
    fn rendered_document_is_read_back_by_the_source_loader() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("site.toml"),
            "name = \"z\"\ngovernment = \"g\"\naddress = \"a\"\nhours = \"h\"\nphone = \"0571-1234567\"\n[request_office]\nname = \"o\"\naddress = \"a\"\nhours = \"h\"\nphone = \"0571-1234567\"\n",
        )
        .unwrap();
        let pdf = b"%PDF-1.4\n";
        let path = asset_path(&asset_name("https://www.example.gov.cn/P0201.pdf", "pdf"));
        write_if_changed(dir.path(), &path, pdf).unwrap();
        let asset = AssetState {
            path: path.clone(),
            validators: Default::default(),
            size: pdf.len() as u64,
            sha256: {
                use sha2::{Digest, Sha256};
                hex::encode(Sha256::digest(pdf))
            },
        };
        let m = Document {
            id: "11459901WC-2024-00015".into(),
            title: "关于\"老年助餐\"的办法".into(),
            kind: DocKind::Policy,
            index_no: Some("11459901WC/2024-00015".into()),
            category: Some("民政\\社会福利".into()),
            publisher: "望川区民政局".into(),
            doc_no: Some("望民发〔2024〕7号".into()),
            written: chrono::NaiveDate::from_ymd_opt(2024, 3, 5),
            published: chrono::NaiveDate::from_ymd_opt(2024, 3, 12).unwrap(),
            effective: None,
            validity: Validity::Repealed,
            repealed: chrono::NaiveDate::from_ymd_opt(2024, 6, 30),
            disclosure: Disclosure::Proactive,
            area: Some("养老服务".into()),
            keywords: vec!["老年助餐".into()],
            summary: None,
            url: Some("https://www.example.gov.cn/zcwj/t1.html".into()),
            attachments: vec![Attachment {
                title: "补贴标准表".into(),
                blob: blob_ref(&path, Some(&asset)),
                derived: None,
            }],
            interprets: None,
            body: "第一条 为了……".into(),
            images: vec![],
            source: "docs/zcwj/11459901WC-2024-00015.md".into(),
        };
        write_if_changed(dir.path(), &m.source, render(&m).as_bytes()).unwrap();
        let set = crate::content::load(dir.path()).unwrap_or_else(|e| panic!("{e}\n{}", render(&m)));
        // what the loader reads is what was written, field for field
        assert_eq!(set.documents[0], m);
        assert!(!write_if_changed(dir.path(), &m.source, render(&m).as_bytes()).unwrap());
    }

    #[test]
    fn marks_a_portal_page_carries_never_make_a_field_the_loader_refuses() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("site.toml"),
            "name = \"z\"\ngovernment = \"g\"\naddress = \"a\"\nhours = \"h\"\nphone = \"0571-1234567\"\n[request_office]\nname = \"o\"\naddress = \"a\"\nhours = \"h\"\nphone = \"0571-1234567\"\n",
        )
        .unwrap();
        let mut m = Document {
            keywords: vec!["\u{2066}助餐\u{2069}".into()],
            summary: Some("概述\u{061c}".into()),
            source: "docs/zcwj/t1.md".into(),
            ..Document::new(
                "t1".into(),
                DocKind::Notice,
                "\u{200e}关于\u{202e}助餐\u{202c}的办法\u{200f}".into(),
                "望川区\u{2028}民政局\u{1b}".into(),
                chrono::NaiveDate::from_ymd_opt(2024, 3, 12).unwrap(),
                "正文".into(),
            )
        };
        write_if_changed(dir.path(), &m.source, render(&m).as_bytes()).unwrap();
        let set = crate::content::load(dir.path()).unwrap_or_else(|e| panic!("{e}\n{}", render(&m)));
        m.title = "关于助餐的办法".into();
        m.publisher = "望川区 民政局".into();
        m.keywords = vec!["助餐".into()];
        m.summary = Some("概述".into());
        assert_eq!(set.documents[0], m);
    }

    #[test]
    fn file_types_by_their_bytes() {
        assert_eq!(sniff(b"%PDF-1.7", Some("pdf")), Some("pdf"));
        assert_eq!(sniff(b"PK\x03\x04", Some("docx")), Some("docx"));
        assert_eq!(sniff(b"<!DOCTYPE html>", Some("pdf")), None);
        assert_eq!(
            asset_name("https://x/a/P020240312 补贴.pdf?x=1", "pdf").split_once('-').unwrap().1,
            "P020240312补贴.pdf"
        );
        assert_eq!(asset_name("https://x/a/%E8%A1%A8.docx", "docx").split_once('-').unwrap().1, "表.docx");
    }
}
