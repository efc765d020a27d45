//! The print dialog every print button leads to: the PDF is made in a task, the visitor sees the
//! page count and confirms (or is told the per-visitor page limit is reached), the job goes to
//! the printer in a task and is followed to the end, and the outcome is said in plain words;
//! the attendant panel shows the technical detail. Also the printer's own state for the status
//! bar, read in a task now and then.

use std::path::PathBuf;
use std::sync::Arc;

use iced::Task;
use iced::widget::{column, text};

use super::Element;
use super::context::Ctx;
use super::i18n::{t, ta};
use super::widgets;
use crate::config::PrinterConfig;
use crate::print::{
    CupsError, Delivered, Destination, FollowLimits, PrintError, Printable, PrinterProblem, PrinterReadiness, Rendered,
};
use crate::store::Store;

/// Where a print is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    Preparing,
    /// Asking "print N pages?".
    Confirm {
        pages: u32,
    },
    /// More pages than this visitor has left.
    OverLimit {
        pages: u32,
        left: u32,
    },
    Printing {
        pages: u32,
    },
    Done {
        pages: u32,
        saved: bool,
    },
    /// Translation key of the plain message.
    Failed {
        key: &'static str,
    },
}

/// A failed print: the visitor's message (a translation key) and the attendant's detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub key: &'static str,
    pub detail: String,
}

impl Failure {
    pub fn from_error(e: &PrintError) -> Failure {
        let key = match e {
            PrintError::Cups(CupsError::NotReady { problem, .. }) => problem_key(problem),
            PrintError::Cups(CupsError::JobStuck { .. } | CupsError::JobFailed { .. }) => "print-failed-job",
            PrintError::Cups(_) => "print-failed-unavailable",
            PrintError::PersonalDataToDisk => "print-failed-no-printer",
            _ => "print-failed-other",
        };
        Failure { key, detail: e.to_string() }
    }
}

/// The visitor's words for a printer problem.
pub fn problem_key(p: &PrinterProblem) -> &'static str {
    match p {
        PrinterProblem::Paused(_) => "print-problem-paused",
        PrinterProblem::PaperOut => "print-problem-paper",
        PrinterProblem::PaperJam => "print-problem-jam",
        PrinterProblem::Offline => "print-problem-offline",
        PrinterProblem::OutOfToner => "print-problem-toner",
        PrinterProblem::NotAccepting(_) => "print-problem-paused",
    }
}

/// A failed print as the attendant panel shows it: when, and what went wrong in the visitor's
/// words (the technical detail is in the log and, in the English interface, on the panel).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintFailure {
    pub at: String,
    pub key: &'static str,
    pub detail: String,
}

/// What a print task made: the PDF, and for a policy with interpretations, the PDF with them.
#[derive(Debug, Clone)]
pub struct Made {
    pub doc: Arc<Rendered>,
    pub with_interpretations: Option<Arc<Rendered>>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Rendered(Result<Made, Failure>),
    Confirm,
    /// Print the policy together with its interpretations.
    ConfirmWithInterpretations,
    Cancel,
    Delivered(Result<Delivered, Failure>),
    Close,
    Readiness(PrinterReadiness),
}

impl Message {
    /// Whether the visitor's hand sent it (the dialog's buttons), not a task's result.
    pub fn is_touch(&self) -> bool {
        match self {
            Message::Confirm | Message::ConfirmWithInterpretations | Message::Cancel | Message::Close => true,
            Message::Rendered(_) | Message::Delivered(_) | Message::Readiness(_) => false,
        }
    }
}

/// What the app does once a print is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Printed (or saved) this many pages of this layout; for a filled request form, its
    /// applicant type (organisation or not) and whether the attendant filled it in.
    Printed { pages: u32, layout: &'static str, request: Option<(bool, bool)> },
}

/// The print dialog's state and the visitor's page count. Holds a filled request form only
/// while it is being printed.
#[derive(Debug, Default)]
pub struct PrintFlow {
    pub stage: Option<Stage>,
    what: Option<Printable>,
    doc: Option<Arc<Rendered>>,
    /// A policy's PDF with its interpretations, offered beside the policy alone.
    with_interpretations: Option<Arc<Rendered>>,
    /// Pages this visitor has printed (reset for the next visitor).
    pub pages_used: u32,
    /// The printer's state, as last read.
    pub readiness: Option<PrinterReadiness>,
    /// The detail of the last failed print, for the attendant (and the log).
    pub last_failure: Option<String>,
    /// The last failed print as the attendant panel shows it.
    pub last_failure_shown: Option<PrintFailure>,
}

impl PrintFlow {
    /// Starts a print: the PDF is made in a task.
    pub fn start(&mut self, what: Printable, data_dir: PathBuf) -> Task<Message> {
        self.stage = Some(Stage::Preparing);
        self.doc = None;
        self.what = Some(what.clone());
        self.with_interpretations = None;
        Task::perform(
            async move {
                let store = Store::open_read_only(&data_dir).map_err(|e| Failure::from_error(&e.into()))?;
                let doc = crate::print::render(&store, &what).map(Arc::new).map_err(|e| Failure::from_error(&e))?;
                // a policy with interpretations: also made with them, so the dialog can offer both
                let with_interpretations = match &what {
                    Printable::Document(id) if store.interpretations_of(id).is_ok_and(|list| !list.is_empty()) => {
                        let both = Printable::DocumentWithInterpretations(id.clone());
                        match crate::print::render(&store, &both) {
                            Ok(r) => Some(Arc::new(r)),
                            Err(e) => {
                                tracing::warn!(error = %e, "the policy with its interpretations could not be made");
                                None
                            }
                        }
                    }
                    _ => None,
                };
                Ok(Made { doc, with_interpretations })
            },
            Message::Rendered,
        )
    }

    pub fn update(
        &mut self,
        message: Message,
        printer: &PrinterConfig,
        data_dir: &std::path::Path,
    ) -> (Task<Message>, Option<Outcome>) {
        match message {
            Message::Rendered(Ok(made)) if self.stage == Some(Stage::Preparing) => {
                let doc = made.doc;
                self.with_interpretations = made.with_interpretations;
                let pages = doc.pages as u32;
                let left = printer.page_limit.saturating_sub(self.pages_used);
                self.stage = Some(if pages > left {
                    Stage::OverLimit { pages, left }
                } else if let Some(r) = self.readiness.as_ref().filter(|r| !r.can_print()) {
                    Stage::Failed { key: readiness_key(r) }
                } else {
                    Stage::Confirm { pages }
                });
                self.doc = Some(doc);
            }
            Message::Rendered(Ok(_)) => {}
            Message::Rendered(Err(f)) => self.fail(f),
            Message::Confirm | Message::ConfirmWithInterpretations => {
                let (Some(Stage::Confirm { pages }), Some(doc), Some(what)) =
                    (self.stage.clone(), self.doc.clone(), self.what.clone())
                else {
                    return (Task::none(), None);
                };
                let (pages, doc, what) = match (&message, self.with_interpretations.clone(), what) {
                    (Message::ConfirmWithInterpretations, Some(both), Printable::Document(id)) => {
                        let n = both.pages as u32;
                        if n > printer.page_limit.saturating_sub(self.pages_used) {
                            return (Task::none(), None);
                        }
                        self.what = Some(Printable::DocumentWithInterpretations(id.clone()));
                        (n, both, Printable::DocumentWithInterpretations(id))
                    }
                    (_, _, what) => (pages, doc, what),
                };
                self.stage = Some(Stage::Printing { pages });
                let dest = Destination::from_config(printer, data_dir);
                return (
                    Task::perform(
                        async move {
                            crate::print::deliver(&dest, &what, &doc, FollowLimits::default())
                                .map_err(|e| Failure::from_error(&e))
                        },
                        Message::Delivered,
                    ),
                    None,
                );
            }
            Message::Delivered(Ok(done)) => {
                let Some(Stage::Printing { pages }) = self.stage else { return (Task::none(), None) };
                self.pages_used += pages;
                let Some(what) = self.what.take() else { return (Task::none(), None) };
                let request = match &what {
                    Printable::Form(crate::print::FormKind::Filled(f)) => {
                        Some((f.applicant == crate::print::request::Applicant::Organisation, f.on_behalf))
                    }
                    _ => None,
                };
                self.stage = Some(Stage::Done { pages, saved: matches!(done, Delivered::Saved(_)) });
                tracing::info!(pages, "printed: {}", crate::print::job_title(&what));
                self.forget_document();
                return (Task::none(), Some(Outcome::Printed { pages, layout: what.layout(), request }));
            }
            Message::Delivered(Err(f)) => self.fail(f),
            Message::Cancel | Message::Close => {
                self.stage = None;
                self.forget_document();
            }
            Message::Readiness(r) => self.readiness = Some(r),
        }
        (Task::none(), None)
    }

    fn fail(&mut self, f: Failure) {
        tracing::error!(detail = %f.detail, "print failed");
        self.stage = Some(Stage::Failed { key: f.key });
        let at = chrono::Local::now().format("%H:%M").to_string();
        self.last_failure = Some(format!("{at} {}", f.detail));
        self.last_failure_shown = Some(PrintFailure { at, key: f.key, detail: f.detail.clone() });
        self.forget_document();
    }

    /// Drops the printable and its PDF (a filled form must not outlive its print).
    fn forget_document(&mut self) {
        self.what = None;
        self.doc = None;
        self.with_interpretations = None;
    }

    /// Whether a printable (perhaps a filled form) or its PDF is still held.
    #[cfg(test)]
    pub fn holds_document(&self) -> bool {
        self.what.is_some() || self.doc.is_some() || self.with_interpretations.is_some()
    }

    /// The pages of the policy with its interpretations, when the dialog offers it.
    pub fn with_interpretations_pages(&self) -> Option<u32> {
        self.with_interpretations.as_ref().map(|r| r.pages as u32)
    }

    /// The next visitor starts with nothing of this one's.
    pub fn reset_for_next_visitor(&mut self) {
        self.stage = None;
        self.forget_document();
        self.pages_used = 0;
    }

    /// Reads the printer's state in a task.
    pub fn check_printer(printer: &PrinterConfig, data_dir: &std::path::Path) -> Task<Message> {
        let dest = Destination::from_config(printer, data_dir);
        Task::perform(async move { crate::print::readiness(&dest) }, Message::Readiness)
    }

    /// The status bar's word on the printer.
    pub fn status_key(&self) -> &'static str {
        match &self.readiness {
            None => "status-printer-checking",
            Some(r) => readiness_status_key(r),
        }
    }

    /// The dialog's content, when a print is under way.
    pub fn view(&self, ctx: Ctx, limit: u32) -> Option<Element<'_, Message>> {
        let l = ctx.lang;
        let look = ctx.look;
        let p = look.palette();
        let big = |s: String| text(s).size(look.heading()).line_height(1.4);
        // the words and the buttons kept well apart, the buttons wrapping where the card is narrow
        let buttons = |items: Vec<Element<'static, Message>>| {
            iced::widget::Row::with_children(items).spacing(look.gap() * 1.5).wrap().vertical_spacing(look.gap())
        };
        let gap = look.gap() * 1.8;
        Some(match self.stage.as_ref()? {
            Stage::Preparing => column![big(t(l, "print-preparing"))].into(),
            Stage::Confirm { pages } => {
                let left = limit.saturating_sub(self.pages_used);
                let mut choices = vec![widgets::icon_action(
                    ctx,
                    widgets::Icon::Printer,
                    t(l, "print-go"),
                    Some(Message::Confirm),
                    true,
                )];
                let mut lines = column![big(ta(l, "print-confirm", &[("pages", (*pages).into())]))].spacing(10);
                if let Some(both) = self.with_interpretations_pages() {
                    lines = lines.push(
                        text(ta(l, "print-with-interpretations-offer", &[("pages", both.into())])).size(look.body()),
                    );
                    choices.push(widgets::action(
                        ctx,
                        ta(l, "print-with-interpretations", &[("pages", both.into())]),
                        (both <= left).then_some(Message::ConfirmWithInterpretations),
                        false,
                    ));
                }
                choices.push(widgets::action(ctx, t(l, "print-cancel"), Some(Message::Cancel), false));
                column![
                    lines,
                    text(ta(l, "print-left", &[("left", left.into())])).size(look.body()).color(p.muted),
                    buttons(choices),
                ]
                .spacing(gap)
                .into()
            }
            Stage::OverLimit { pages, left } => column![
                big(ta(l, "print-over-limit", &[("pages", (*pages).into()), ("left", (*left).into())])),
                text(t(l, "print-ask-staff")).size(look.body()),
                widgets::action(ctx, t(l, "notice-ok"), Some(Message::Close), true),
            ]
            .spacing(gap)
            .into(),
            Stage::Printing { pages } => column![
                big(ta(l, "print-printing", &[("pages", (*pages).into())])),
                text(t(l, "print-wait")).size(look.body())
            ]
            .spacing(gap)
            .into(),
            Stage::Done { saved, .. } => column![
                big(t(l, if *saved { "print-saved" } else { "print-done" })),
                widgets::action(ctx, t(l, "notice-ok"), Some(Message::Close), true),
            ]
            .spacing(gap)
            .into(),
            Stage::Failed { key } => column![
                big(t(l, key)),
                text(t(l, "print-ask-staff")).size(look.body()),
                widgets::action(ctx, t(l, "notice-ok"), Some(Message::Close), true),
            ]
            .spacing(gap)
            .into(),
        })
    }
}

/// The visitor's words for a printer that cannot print now.
fn readiness_key(r: &PrinterReadiness) -> &'static str {
    match r {
        PrinterReadiness::Problem(_, p) => problem_key(p),
        _ => "print-failed-unavailable",
    }
}

/// The printer's state in words (a translation key), for the status bar and the panel.
pub fn readiness_status_key(r: &PrinterReadiness) -> &'static str {
    match r {
        PrinterReadiness::Directory(_) => "status-printer-file",
        PrinterReadiness::Ready(_) => "status-printer-ready",
        PrinterReadiness::Problem(..) => "status-printer-problem",
        PrinterReadiness::Unavailable(_) => "status-printer-unavailable",
    }
}

/// The attendant's line on the printer.
pub fn readiness_detail(r: &PrinterReadiness) -> String {
    match r {
        PrinterReadiness::Directory(d) => format!("PDF → {}", d.display()),
        PrinterReadiness::Ready(s) => format!("CUPS {}", s.detail()),
        PrinterReadiness::Problem(s, p) => format!("CUPS {} — {p}", s.detail()),
        PrinterReadiness::Unavailable(e) => e.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Language;

    #[test]
    fn every_message_key_exists() {
        let mut keys: Vec<&str> = [
            PrinterProblem::Paused(String::new()),
            PrinterProblem::PaperOut,
            PrinterProblem::PaperJam,
            PrinterProblem::Offline,
            PrinterProblem::OutOfToner,
            PrinterProblem::NotAccepting(String::new()),
        ]
        .iter()
        .map(problem_key)
        .collect();
        keys.extend(["print-failed-job", "print-failed-unavailable", "print-failed-no-printer", "print-failed-other"]);
        let flow = PrintFlow::default();
        keys.push(flow.status_key());
        for r in [PrinterReadiness::Directory(PathBuf::new()), PrinterReadiness::Unavailable(String::new())] {
            keys.push(PrintFlow { readiness: Some(r), ..PrintFlow::default() }.status_key());
        }
        keys.extend(["status-printer-ready", "status-printer-problem"]);
        for k in keys {
            for l in [Language::ZhHans, Language::ZhHant, Language::English] {
                assert_ne!(t(l, k), k, "{k} in {}", l.code());
            }
        }
    }

    #[test]
    fn a_failure_says_what_the_visitor_can_understand() {
        let f = Failure::from_error(&PrintError::PersonalDataToDisk);
        assert_eq!(f.key, "print-failed-no-printer");
        let stuck =
            PrintError::Cups(CupsError::JobStuck { printer: "hall".into(), job: 7, detail: "Filter failed".into() });
        let f = Failure::from_error(&stuck);
        assert_eq!(f.key, "print-failed-job");
        assert!(
            f.detail.contains("Filter failed") && f.detail.contains("job 7"),
            "the attendant gets the detail: {}",
            f.detail
        );
    }
}
