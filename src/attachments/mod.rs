//! Attachments made ready for the kiosk: what each kind is ([`AttachmentKind`]), what publishing
//! derives from it ([`derive`]: the PDF to show — an office file converted by LibreOffice, an
//! OFD file by easyofd —,
//! its page count and the text of each page, captions and a transcript found beside a video or
//! audio file), and the pages drawn for the screen ([`pdf::render_page`]).
//!
//! Where the work happens, and why (docs/architecture.md, "Attachments"): poppler
//! (`pdfinfo`, `pdftotext`, `pdftoppm`) and LibreOffice are GPL programs, and the OFD
//! converter imports the AGPL PyMuPDF, so they only ever run as separate processes, never linked. Conversion and text extraction run where content is
//! prepared — `publish` on the publisher's machine, or `import` —, and what they make travels
//! in the pack: the text inside the document's item (the search index is built from it in the
//! same transaction), a converted PDF as a content-addressed object like the attachment itself.
//! Page images are not shipped (a text PDF's pages as pictures are many times the PDF's size):
//! the kiosk draws the page it shows with `pdftoppm`, with a font configuration that puts the
//! bundled CJK font in place of the fonts government PDFs name without embedding them.

pub mod captions;
pub mod convert;
pub mod ofd;
pub mod office;
pub mod pdf;

use std::path::{Path, PathBuf};

use crate::content::{Attachment, BlobRef, ContentSet, Derived};

/// The version of the derivation rules: stored with each [`Derived`], so a kiosk can tell old
/// derivations from new ones.
pub const DERIVE_VERSION: u32 = 1;

/// At most this much text is kept per attachment (the rest is not searchable).
pub const MAX_TEXT_BYTES: usize = 2 * 1024 * 1024;

/// What the kiosk does with an attachment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentKind {
    Pdf,
    /// docx, xlsx, doc, xls: shown as their PDF conversion.
    Office,
    /// OFD (GB/T 33190): shown as its PDF conversion.
    Ofd,
    Image,
    Video,
    Audio,
    /// zip and anything else: a card with the QR code of the online original.
    Other,
}

impl AttachmentKind {
    pub fn of(blob: &BlobRef) -> Self {
        let mt = blob.media_type.as_str();
        match mt {
            "application/pdf" => AttachmentKind::Pdf,
            "application/ofd" => AttachmentKind::Ofd,
            "application/msword" | "application/vnd.ms-excel" => AttachmentKind::Office,
            _ if mt.starts_with("application/vnd.openxmlformats-officedocument.") => AttachmentKind::Office,
            _ if mt.starts_with("image/") => AttachmentKind::Image,
            _ if mt.starts_with("video/") => AttachmentKind::Video,
            _ if mt.starts_with("audio/") => AttachmentKind::Audio,
            _ => AttachmentKind::Other,
        }
    }

    /// Whether the kiosk shows it as pages.
    pub fn is_paged(self) -> bool {
        matches!(self, AttachmentKind::Pdf | AttachmentKind::Office | AttachmentKind::Ofd)
    }

    /// Whether the kiosk shows it as a PDF made at publishing time.
    pub fn is_converted(self) -> bool {
        matches!(self, AttachmentKind::Office | AttachmentKind::Ofd)
    }

    /// Whether the kiosk plays it.
    pub fn is_media(self) -> bool {
        matches!(self, AttachmentKind::Video | AttachmentKind::Audio)
    }
}

/// Whether an attachment is a PDF with pages but no text at all (a scan): listed as such, not
/// searchable.
pub fn is_scanned(a: &Attachment) -> bool {
    a.derived.as_ref().is_some_and(|d| d.pages.unwrap_or(0) > 0 && d.page_text.iter().all(|t| t.trim().is_empty()))
}

/// What [`derive`] did, for the command line and the log.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct DeriveReport {
    pub pdfs: usize,
    /// Office and OFD files shown as their PDF conversion.
    pub converted: usize,
    pub media: usize,
    /// Attachments that cannot be shown, each with its document, title and reason.
    pub problems: Vec<String>,
}

/// Derives what the kiosk needs from every attachment of `set` (read from the source folder
/// `root`): fills each attachment's [`Derived`] and adds the files it made (a conversion,
/// captions) to `set.blobs`. Office and OFD conversions are cached in
/// `<root>/.derived/<sha256>.pdf` when the folder is writable (and read from there: the demo
/// content ships its conversions, so neither a build nor the kiosk needs LibreOffice or the OFD
/// converter). A missing tool or a broken file is recorded
/// in the attachment's `problem` and reported; it never fails the whole set.
pub fn derive(set: &mut ContentSet, root: &Path) -> DeriveReport {
    let mut report = DeriveReport::default();
    let cache = root.join(".derived");
    let mut new_blobs: Vec<(String, PathBuf)> = Vec::new();
    for doc in &mut set.documents {
        for a in &mut doc.attachments {
            let Some(source) = set.blobs.get(&a.blob.sha256).cloned() else { continue };
            let derived = derive_one(a, &source, &cache, &mut new_blobs, &mut report);
            if let Some(p) = &derived.problem {
                tracing::warn!(document = %doc.id, attachment = %a.title, problem = %p, "attachment cannot be shown");
                report.problems.push(format!("{} ({}): {}: {p}", doc.source, doc.id, a.title));
            }
            a.derived = Some(derived);
        }
    }
    for (sha, path) in new_blobs {
        set.blobs.entry(sha).or_insert(path);
    }
    report
}

fn derive_one(
    a: &Attachment,
    source: &Path,
    cache: &Path,
    new_blobs: &mut Vec<(String, PathBuf)>,
    report: &mut DeriveReport,
) -> Derived {
    let mut d = Derived { version: DERIVE_VERSION, ..Default::default() };
    match AttachmentKind::of(&a.blob) {
        AttachmentKind::Pdf => {
            report.pdfs += 1;
            fill_pdf(&mut d, source);
        }
        kind @ (AttachmentKind::Office | AttachmentKind::Ofd) => {
            let conversion = match kind {
                AttachmentKind::Office => office::converted(source, &a.blob.sha256, cache).map_err(|e| e.to_string()),
                _ => ofd::converted(source, &a.blob.sha256, cache).map_err(|e| e.to_string()),
            };
            match conversion.and_then(|pdf_path| blob_of(&pdf_path, &a.blob.name, "pdf").map(|b| (pdf_path, b))) {
                Ok((pdf_path, blob)) => {
                    report.converted += 1;
                    fill_pdf(&mut d, &pdf_path);
                    new_blobs.push((blob.sha256.clone(), pdf_path));
                    d.pdf = Some(blob);
                }
                Err(e) => d.problem = Some(e),
            }
        }
        AttachmentKind::Video | AttachmentKind::Audio => {
            report.media += 1;
            for ext in ["vtt", "srt"] {
                let path = source.with_extension(ext);
                if path.is_file() {
                    match std::fs::read_to_string(&path).map_err(|e| e.to_string()).and_then(|t| captions::parse(&t)) {
                        Ok(_) => match blob_of(&path, &a.blob.name, ext) {
                            Ok(blob) => {
                                new_blobs.push((blob.sha256.clone(), path.clone()));
                                d.captions = Some(blob);
                            }
                            Err(e) => d.problem = Some(e),
                        },
                        Err(e) => tracing::warn!(file = %path.display(), error = %e, "captions not used"),
                    }
                    break;
                }
            }
            let transcript = source.with_extension("txt");
            if let Ok(t) = std::fs::read_to_string(&transcript) {
                d.transcript = Some(truncate(t.trim().to_string(), MAX_TEXT_BYTES));
            }
            d.duration_ms = crate::media::probe(source).ok().and_then(|p| p.duration_ms);
        }
        AttachmentKind::Image => {}
        AttachmentKind::Other => {
            d.problem = Some(format!("{} files cannot be shown on the kiosk", a.blob.media_type));
        }
    }
    d
}

/// Page count and page texts of a PDF (a problem if poppler cannot read it).
fn fill_pdf(d: &mut Derived, path: &Path) {
    match pdf::page_count(path) {
        Ok(n) => d.pages = Some(n),
        Err(e) => {
            d.problem = Some(e.to_string());
            return;
        }
    }
    match pdf::page_texts(path) {
        Ok(mut pages) => {
            let mut total = 0;
            for p in &mut pages {
                let keep = MAX_TEXT_BYTES.saturating_sub(total);
                *p = truncate(std::mem::take(p), keep);
                total += p.len();
            }
            d.page_text = pages;
        }
        Err(e) => tracing::warn!(file = %path.display(), error = %e, "no text extracted"),
    }
}

fn truncate(mut s: String, max: usize) -> String {
    if s.len() > max {
        let mut at = max;
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        s.truncate(at);
    }
    s
}

/// A derived file as a blob: hashed, named after the attachment with its own extension.
fn blob_of(path: &Path, attachment_name: &str, ext: &str) -> Result<BlobRef, String> {
    use sha2::{Digest, Sha256};
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let stem = Path::new(attachment_name).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(BlobRef {
        sha256: hex::encode(Sha256::digest(&bytes)),
        size: bytes.len() as u64,
        media_type: crate::content::media_type(ext).to_string(),
        name: format!("{stem}.{ext}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blob(mt: &str) -> BlobRef {
        BlobRef { sha256: String::new(), size: 0, media_type: mt.into(), name: String::new() }
    }

    #[test]
    fn kinds_from_media_types() {
        assert_eq!(AttachmentKind::of(&blob("application/pdf")), AttachmentKind::Pdf);
        assert_eq!(AttachmentKind::of(&blob(crate::content::media_type("xlsx"))), AttachmentKind::Office);
        assert_eq!(AttachmentKind::of(&blob(crate::content::media_type("doc"))), AttachmentKind::Office);
        assert_eq!(AttachmentKind::of(&blob("video/mp4")), AttachmentKind::Video);
        assert_eq!(AttachmentKind::of(&blob("audio/mpeg")), AttachmentKind::Audio);
        assert_eq!(AttachmentKind::of(&blob(crate::content::media_type("ofd"))), AttachmentKind::Ofd);
        assert_eq!(AttachmentKind::of(&blob("application/zip")), AttachmentKind::Other);
    }

    #[test]
    fn truncation_keeps_whole_characters() {
        assert_eq!(truncate("预算表".into(), 4), "预");
        assert_eq!(truncate("ab".into(), 4), "ab");
    }
}
