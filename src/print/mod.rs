//! Printing: PDF layouts of the request form, guides, documents, 码上公开 posters and QR cards
//! (printpdf with the embedded CJK font, subset), and where the PDF goes. Today the directory
//! backend (a folder of PDFs); CUPS over IPP is the next step of the printing issue.

pub mod layouts;
pub mod pdf;
pub mod request;

use std::path::{Path, PathBuf};

pub use pdf::{Paper, PdfError};
pub use request::{FormKind, RequestForm};

use crate::store::{Store, StoreError};

/// What to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Printable {
    Form(FormKind),
    Guide(String),
    Document(String),
    Board { id: String, paper: Paper },
    Card(String),
}

#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Pdf(#[from] PdfError),
    #[error("no {0} with id `{1}`; `gongkai-kiosk list` shows the ids")]
    NotFound(&'static str, String),
    #[error("the store holds no content yet (no zone information to print on the page)")]
    NoContent,
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
}

/// A short name for the file: what it is and when.
fn file_stem(p: &Printable) -> String {
    match p {
        Printable::Form(FormKind::Blank) => "request-form-blank".into(),
        Printable::Form(FormKind::Sample) => "request-form-sample".into(),
        Printable::Form(FormKind::Filled(_)) => "request-form".into(),
        Printable::Guide(id) => format!("guide-{id}"),
        Printable::Document(id) => format!("document-{id}"),
        Printable::Board { id, paper } => format!("poster-{id}-{}", if *paper == Paper::A3 { "a3" } else { "a4" }),
        Printable::Card(id) => format!("card-{id}"),
    }
    .chars()
    .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
    .collect()
}

/// Renders a printable from the store's content.
pub fn render(store: &Store, what: &Printable) -> Result<Vec<u8>, PrintError> {
    let site = store.site()?.ok_or(PrintError::NoContent)?;
    let now = chrono::Local::now().format("%Y-%m-%d %H:%M").to_string();
    Ok(match what {
        Printable::Form(kind) => request::layout(&site, kind, &now)?,
        Printable::Guide(id) => {
            let g = store.guide(id)?.ok_or_else(|| PrintError::NotFound("guide", id.clone()))?;
            layouts::guide(&site, &g, &now)?
        }
        Printable::Document(id) => {
            let d = store.document(id)?.ok_or_else(|| PrintError::NotFound("document", id.clone()))?;
            layouts::document(&site, &d, &now)?
        }
        Printable::Card(id) => {
            let d = store.document(id)?.ok_or_else(|| PrintError::NotFound("document", id.clone()))?;
            layouts::card(&site, &d, &now)?
        }
        Printable::Board { id, paper } => {
            let b = store.board(id)?.ok_or_else(|| PrintError::NotFound("board", id.clone()))?;
            let mut codes = Vec::new();
            for item in &b.items {
                if let Some(u) = store.board_target_url(&item.target)? {
                    codes.push((item.label.clone(), u));
                }
            }
            layouts::poster(&site, &b, &codes, *paper, &now)?
        }
    })
}

/// The directory backend: writes the PDF into `dir` under a new name and returns its path.
pub fn save_to_dir(dir: &Path, what: &Printable, pdf: &[u8]) -> Result<PathBuf, PrintError> {
    let write = |path: &Path, e| PrintError::Write { path: path.to_path_buf(), source: e };
    std::fs::create_dir_all(dir).map_err(|e| write(dir, e))?;
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    let stem = file_stem(what);
    for n in 0.. {
        let name = if n == 0 { format!("{stamp}-{stem}.pdf") } else { format!("{stamp}-{stem}-{n}.pdf") };
        let path = dir.join(name);
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut f) => {
                use std::io::Write;
                f.write_all(pdf).and_then(|_| f.sync_all()).map_err(|e| write(&path, e))?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(write(&path, e)),
        }
    }
    unreachable!("some name is free")
}
