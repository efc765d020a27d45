//! Printing: PDF layouts of the request form, guides, documents, 码上公开 posters and QR cards
//! (printpdf with the embedded CJK font, subset), and where the PDF goes: a CUPS queue over IPP
//! (`cups`), or a folder of PDFs where no printer is attached (the directory backend).

pub mod cups;
pub mod layouts;
pub mod pdf;
pub mod request;

use std::path::{Path, PathBuf};

pub use cups::{CupsError, FollowLimits, PrinterProblem, PrinterStatus};
pub use pdf::{Paper, PdfError, Rendered};
pub use request::{FormKind, RequestForm};

use crate::config::{PrinterBackend, PrinterConfig};
use crate::store::{Store, StoreError};

/// The name the kiosk's jobs carry in CUPS when the account it runs as has no name.
pub const FALLBACK_JOB_USER: &str = "gongkai-kiosk";

/// The user name the kiosk's jobs carry in CUPS: the account the kiosk runs as (`gongkai-kiosk`
/// under the packaged service), as CUPS's own `lp` does — never a visitor's name.
///
/// It must be an account the CUPS server knows: cupsd 2.4.2-3+deb12u10 (Debian 12's fix for
/// CVE-2026-27447, OpenPrinting/cups#1555) crashes on a Cancel-Job or Send-Document whose
/// `requesting-user-name` is not a user on its machine, and the kiosk cancels jobs that cannot
/// finish. [`FALLBACK_JOB_USER`] is used only when the account is not in `/etc/passwd`.
pub fn job_user() -> String {
    static NAME: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    NAME.get_or_init(|| {
        crate::account::own_name().unwrap_or_else(|| {
            tracing::warn!(
                user = FALLBACK_JOB_USER,
                "the account the kiosk runs as is not in /etc/passwd; print jobs carry a fixed one, \
                 which must exist on the print server"
            );
            FALLBACK_JOB_USER.to_string()
        })
    })
    .clone()
}

/// What to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Printable {
    Form(FormKind),
    Guide(String),
    Document(String),
    /// A policy document followed by its interpretations, each from a new page.
    DocumentWithInterpretations(String),
    Board {
        id: String,
        paper: Paper,
    },
    Card(String),
    /// An attachment's PDF as it was published (an office file: its PDF conversion): unchanged
    /// when it embeds its fonts, else with the kiosk's substitutes embedded
    /// ([`attachment_pdf`]).
    Attachment {
        doc: String,
        /// The sha256 of the PDF printed (`Attachment::view_pdf`).
        pdf: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Pdf(#[from] PdfError),
    #[error("no {0} with id `{1}`; `gongkai-kiosk list` shows the ids")]
    NotFound(&'static str, String),
    #[error("{0}")]
    Attachment(String),
    #[error("the store holds no content yet (no zone information to print on the page)")]
    NoContent,
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Cups(#[from] CupsError),
    #[error(
        "a filled-in request holds the visitor's personal data, which the directory backend would keep on disk; print it on a CUPS printer ([printer] backend = \"cups\")"
    )]
    PersonalDataToDisk,
}

/// Where printed pages go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// A folder of PDFs (no printer attached).
    Directory(PathBuf),
    /// A CUPS queue (`None` = the server's default printer).
    Cups { server: String, queue: Option<String> },
}

impl Destination {
    pub fn from_config(cfg: &PrinterConfig, data_dir: &Path) -> Destination {
        match cfg.backend {
            PrinterBackend::Directory => {
                Destination::Directory(cfg.directory.clone().unwrap_or_else(|| data_dir.join("printed")))
            }
            PrinterBackend::Cups => Destination::Cups {
                server: cfg.server.clone().unwrap_or_else(|| cups::DEFAULT_SERVER.to_string()),
                queue: cfg.name.clone(),
            },
        }
    }
}

/// What became of a print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    Saved(PathBuf),
    Printed { printer: String, job: i32 },
}

impl std::fmt::Display for Delivered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Delivered::Saved(p) => write!(f, "{}", p.display()),
            Delivered::Printed { printer, job } => write!(f, "job {job} printed on `{printer}`"),
        }
    }
}

/// The state of the printer behind a destination, for the status bar and attendant mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrinterReadiness {
    /// The directory backend: always ready (PDFs are saved).
    Directory(PathBuf),
    Ready(PrinterStatus),
    Problem(PrinterStatus, PrinterProblem),
    /// CUPS cannot be asked, or the queue does not exist.
    Unavailable(String),
}

impl PrinterReadiness {
    pub fn can_print(&self) -> bool {
        matches!(self, PrinterReadiness::Directory(_) | PrinterReadiness::Ready(_))
    }
}

/// Reads the printer's own state (slow: an IPP round trip; run it off the UI thread).
pub fn readiness(dest: &Destination) -> PrinterReadiness {
    match dest {
        Destination::Directory(d) => PrinterReadiness::Directory(d.clone()),
        Destination::Cups { server, queue } => {
            let status = cups::Cups::new(server, &job_user()).and_then(|c| {
                let name = c.resolve(queue.as_deref())?;
                c.printer(&name)
            });
            match status {
                Ok(s) => match s.problem() {
                    Some(p) => PrinterReadiness::Problem(s, p),
                    None => PrinterReadiness::Ready(s),
                },
                Err(e) => PrinterReadiness::Unavailable(e.to_string()),
            }
        }
    }
}

/// Sends a rendered PDF to its destination; on CUPS, follows the job until it is printed
/// (or cancels it when it cannot finish).
pub fn deliver(
    dest: &Destination,
    what: &Printable,
    doc: &Rendered,
    limits: FollowLimits,
) -> Result<Delivered, PrintError> {
    match dest {
        Destination::Directory(dir) => {
            if matches!(what, Printable::Form(FormKind::Filled(_))) {
                return Err(PrintError::PersonalDataToDisk);
            }
            save_to_dir(dir, what, &doc.pdf).map(Delivered::Saved)
        }
        Destination::Cups { server, queue } => {
            let c = cups::Cups::new(server, &job_user())?;
            let printer = c.resolve(queue.as_deref())?;
            let job = c.submit(&printer, &job_title(what), doc.pdf.clone())?;
            tracing::info!(printer = %printer, job, pages = doc.pages, "print job submitted");
            let done = c.follow(&printer, job, limits, |_| {})?;
            Ok(Delivered::Printed { printer: done.printer, job: done.job })
        }
    }
}

/// The job's title in the queue: what it is, never who asked for it.
pub fn job_title(what: &Printable) -> String {
    format!("gongkai-{}", file_stem(what))
}

impl Printable {
    /// The layout's name in usage statistics.
    pub fn layout(&self) -> &'static str {
        match self {
            Printable::Form(FormKind::Blank) => "request-form-blank",
            Printable::Form(FormKind::Sample) => "request-form-sample",
            Printable::Form(FormKind::Filled(_)) => "request-form",
            Printable::Guide(_) => "guide",
            Printable::Document(_) => "document",
            Printable::DocumentWithInterpretations(_) => "document-with-interpretations",
            Printable::Board { paper: Paper::A3, .. } => "poster-a3",
            Printable::Board { .. } => "poster-a4",
            Printable::Card(_) => "card",
            Printable::Attachment { .. } => "attachment",
        }
    }
}

/// A short name for the file: what it is and when.
fn file_stem(p: &Printable) -> String {
    match p {
        Printable::Form(FormKind::Blank) => "request-form-blank".into(),
        Printable::Form(FormKind::Sample) => "request-form-sample".into(),
        Printable::Form(FormKind::Filled(_)) => "request-form".into(),
        Printable::Guide(id) => format!("guide-{id}"),
        Printable::Document(id) => format!("document-{id}"),
        Printable::DocumentWithInterpretations(id) => format!("document-{id}-with-interpretations"),
        Printable::Board { id, paper } => format!("poster-{id}-{}", if *paper == Paper::A3 { "a3" } else { "a4" }),
        Printable::Card(id) => format!("card-{id}"),
        Printable::Attachment { doc, pdf } => format!("attachment-{doc}-{}", pdf.get(..12).unwrap_or(pdf)),
    }
    .chars()
    .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
    .collect()
}

/// Renders a printable from the store's content.
pub fn render(store: &Store, what: &Printable) -> Result<Rendered, PrintError> {
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
            let pictures = pictures_of(store, &d);
            layouts::document(&site, &d, &pictures, &now)?
        }
        Printable::DocumentWithInterpretations(id) => {
            let d = store.document(id)?.ok_or_else(|| PrintError::NotFound("document", id.clone()))?;
            let mut docs = vec![(pictures_of(store, &d), d)];
            for i in store.interpretations_of(id)? {
                if let Some(x) = store.document(&i.id)? {
                    docs.push((pictures_of(store, &x), x));
                }
            }
            let docs: Vec<(&crate::content::Document, &layouts::Pictures)> = docs.iter().map(|(p, d)| (d, p)).collect();
            layouts::documents(&site, &docs, &now)?
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
        Printable::Attachment { doc, pdf } => attachment_pdf(store, doc, pdf)?,
    })
}

/// An attachment's PDF with its page count: byte for byte as published when it embeds every font
/// it uses. Chinese government PDFs often do not (仿宋_GB2312, 方正小标宋 in GBK-EUC-H), and the
/// printer's substitution then drops text: Ghostscript, which CUPS and cups-pdf render through,
/// draws such a table's Chinese with its fallback font but leaves out every digit. Such a PDF is
/// printed as written again with the substitutes the screen shows embedded
/// ([`crate::attachments::pdf::with_fonts_embedded`]): the same pages, text and layout; if that
/// fails the original goes, with a warning in the log.
fn attachment_pdf(store: &Store, doc: &str, sha: &str) -> Result<Rendered, PrintError> {
    let d = store.document(doc)?.ok_or_else(|| PrintError::NotFound("document", doc.to_string()))?;
    let a = d
        .attachments
        .iter()
        .find(|a| a.view_pdf().is_some_and(|b| b.sha256 == sha))
        .ok_or_else(|| PrintError::NotFound("attachment PDF", sha.to_string()))?;
    let path = store.blobs().path(sha).ok_or_else(|| PrintError::NotFound("attachment file", sha.to_string()))?;
    let original = std::fs::read(&path).map_err(|e| {
        PrintError::Attachment(format!("cannot read {}: {e}; sync again to restore it", path.display()))
    })?;
    let pages = match a.derived.as_ref().and_then(|d| d.pages) {
        Some(n) => n,
        None => crate::attachments::pdf::page_count(&path).map_err(|e| PrintError::Attachment(e.to_string()))?,
    };
    let pdf = match crate::attachments::pdf::unembedded_fonts(&path) {
        Ok(missing) if missing.is_empty() => original,
        Ok(missing) => match crate::attachments::pdf::with_fonts_embedded(&path) {
            Ok(pdf) => {
                tracing::info!(document = doc, attachment = %a.title, fonts = ?missing, "fonts the attachment does not embed are printed with the kiosk's substitutes");
                pdf
            }
            Err(e) => {
                tracing::warn!(document = doc, attachment = %a.title, fonts = ?missing, error = %e, "the attachment goes to the printer without those fonts; its text may print incomplete");
                original
            }
        },
        Err(e) => {
            tracing::warn!(document = doc, attachment = %a.title, error = %e, "fonts of the attachment not checked; printing the original");
            original
        }
    };
    Ok(Rendered { pdf, pages: pages as usize })
}

/// A document's pictures, decoded for print (one that cannot be decoded is left out, logged).
fn pictures_of(store: &Store, d: &crate::content::Document) -> layouts::Pictures {
    let mut pictures = layouts::Pictures::new();
    for im in &d.images {
        match store.blobs().image(&im.blob.sha256) {
            Ok(img) => {
                pictures.insert(im.src.clone(), img);
            }
            Err(e) => tracing::warn!(document = %d.id, image = %im.src, error = %e, "picture not printed"),
        }
    }
    pictures
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
