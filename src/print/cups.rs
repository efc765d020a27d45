//! Printing on a CUPS queue over IPP (the `ipp` crate for the protocol, the kiosk's own reqwest
//! for HTTP): list the queues, read a printer's own state, submit a PDF, follow the job to the end,
//! and cancel a job that cannot finish (a filter failure stops the queue, and the job would wait
//! for ever) instead of waiting on it.

use std::io::Cursor;
use std::time::{Duration, Instant};

use ipp::prelude::*;

/// The CUPS server the kiosk talks to when the configuration names none.
pub const DEFAULT_SERVER: &str = "http://localhost:631";

/// How long one IPP request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug, thiserror::Error)]
pub enum CupsError {
    #[error("CUPS at {server} does not answer ({detail}); is cupsd running? (`systemctl status cups`, `lpstat -r`)")]
    Unreachable { server: String, detail: String },
    #[error("the CUPS server `{server}` {why}; set printer.server in kiosk.toml (for example http://localhost:631)")]
    BadServer { server: String, why: String },
    #[error("no printer queue named `{0}` in CUPS; `gongkai-kiosk printers` lists the queues")]
    NoSuchPrinter(String),
    #[error(
        "CUPS has no default printer; name one in kiosk.toml ([printer] name = \"…\") or set one with `lpoptions -d QUEUE`"
    )]
    NoDefaultPrinter,
    #[error("CUPS refused {operation}: {status}{message}")]
    Refused { operation: &'static str, status: String, message: String },
    #[error("CUPS sent an answer the kiosk cannot read: {0}")]
    BadAnswer(String),
    #[error("printer `{printer}` cannot print now: {problem}")]
    NotReady { printer: String, problem: PrinterProblem },
    #[error("job {job} on `{printer}` ended as {state}{reasons}")]
    JobFailed { printer: String, job: i32, state: &'static str, reasons: String },
    #[error("job {job} on `{printer}` could not finish ({detail}); it was cancelled")]
    JobStuck { printer: String, job: i32, detail: String },
}

/// Why a printer cannot take a job now, in the words shown to an attendant; the visitor sees a
/// plainer message chosen by the kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrinterProblem {
    /// The queue was disabled (`cupsdisable`), or stopped after an error.
    Paused(String),
    /// Out of paper or paper jam.
    PaperOut,
    PaperJam,
    /// The device does not answer.
    Offline,
    /// Toner or ink is empty.
    OutOfToner,
    /// The queue refuses new jobs (`cupsreject`).
    NotAccepting(String),
}

impl std::fmt::Display for PrinterProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let with = |f: &mut std::fmt::Formatter<'_>, what: &str, msg: &str| {
            if msg.is_empty() { write!(f, "{what}") } else { write!(f, "{what} ({msg})") }
        };
        match self {
            PrinterProblem::Paused(m) => with(f, "the queue is paused or stopped", m),
            PrinterProblem::PaperOut => write!(f, "out of paper"),
            PrinterProblem::PaperJam => write!(f, "paper jam"),
            PrinterProblem::Offline => write!(f, "the printer is offline"),
            PrinterProblem::OutOfToner => write!(f, "out of toner or ink"),
            PrinterProblem::NotAccepting(m) => with(f, "the queue does not accept jobs", m),
        }
    }
}

/// A printer's state as CUPS reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrinterStatus {
    pub name: String,
    /// "idle", "processing" or "stopped".
    pub state: &'static str,
    /// printer-state-reasons, e.g. `media-empty-error`, `paused`; "none" is left out.
    pub reasons: Vec<String>,
    pub accepting: bool,
    /// printer-state-message, often empty.
    pub message: String,
    pub info: String,
    pub is_default: bool,
}

impl PrinterStatus {
    /// The reason this printer cannot print now, if any (the first that applies).
    pub fn problem(&self) -> Option<PrinterProblem> {
        let has =
            |k: &str| self.reasons.iter().any(|r| r == k || r.strip_prefix(k).is_some_and(|s| s.starts_with('-')));
        if !self.accepting {
            return Some(PrinterProblem::NotAccepting(self.message.clone()));
        }
        if has("media-empty") || has("media-needed") {
            return Some(PrinterProblem::PaperOut);
        }
        if has("media-jam") {
            return Some(PrinterProblem::PaperJam);
        }
        if has("toner-empty") || has("marker-supply-empty") {
            return Some(PrinterProblem::OutOfToner);
        }
        if has("offline") || has("shutdown") || has("connecting-to-device") && self.state == "stopped" {
            return Some(PrinterProblem::Offline);
        }
        if self.state == "stopped" || has("paused") {
            return Some(PrinterProblem::Paused(self.message.clone()));
        }
        None
    }

    /// One line for the attendant: state, reasons and message.
    pub fn detail(&self) -> String {
        let mut s =
            format!("{}: {}{}", self.name, self.state, if self.accepting { "" } else { ", not accepting jobs" });
        if !self.reasons.is_empty() {
            s += &format!(", {}", self.reasons.join(" "));
        }
        if !self.message.is_empty() {
            s += &format!(" — {}", self.message);
        }
        s
    }
}

/// A finished job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobDone {
    pub printer: String,
    pub job: i32,
}

/// Where a job is, as reported while following it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobStatus {
    pub state: JobState,
    pub reasons: Vec<String>,
    pub message: String,
}

/// How long `follow` waits before it gives up on a job.
#[derive(Debug, Clone, Copy)]
pub struct FollowLimits {
    /// A job that has not finished by then is cancelled.
    pub overall: Duration,
    /// A job whose queue has been stopped (a filter or device failure) this long is cancelled.
    pub stopped: Duration,
    /// Time between two looks at the job.
    pub poll: Duration,
}

impl Default for FollowLimits {
    fn default() -> Self {
        FollowLimits {
            overall: Duration::from_secs(300),
            stopped: Duration::from_secs(10),
            poll: Duration::from_millis(300),
        }
    }
}

/// A connection to one CUPS server.
pub struct Cups {
    server: String,
    user: String,
    http: reqwest::Client,
    rt: tokio::runtime::Runtime,
}

fn state_name(s: i32) -> &'static str {
    match s {
        3 => "idle",
        4 => "processing",
        _ => "stopped",
    }
}

fn job_state_name(s: JobState) -> &'static str {
    match s {
        JobState::Pending => "pending",
        JobState::PendingHeld => "held",
        JobState::Processing => "processing",
        JobState::ProcessingStopped => "processing-stopped",
        JobState::Canceled => "canceled",
        JobState::Aborted => "aborted",
        JobState::Completed => "completed",
    }
}

fn strings(v: Option<&IppAttribute>) -> Vec<String> {
    match v.map(IppAttribute::value) {
        Some(IppValue::Array(a)) => a.iter().map(ToString::to_string).collect(),
        Some(IppValue::NoValue) | None => Vec::new(),
        Some(other) => vec![other.to_string()],
    }
    .into_iter()
    .filter(|s| s != "none" && !s.is_empty())
    .collect()
}

fn text(v: Option<&IppAttribute>) -> String {
    v.map(|a| a.value().to_string()).unwrap_or_default()
}

fn int(v: Option<&IppAttribute>) -> Option<i32> {
    match v.map(IppAttribute::value) {
        Some(IppValue::Integer(i) | IppValue::Enum(i)) => Some(*i),
        _ => None,
    }
}

fn attr(name: &'static str, value: IppValue) -> IppAttribute {
    IppAttribute::with_name(name, value).expect("attribute names are short")
}

fn keyword(s: &str) -> IppValue {
    IppValue::Keyword(s.try_into().expect("keyword within IPP length"))
}

fn name_value(s: &str) -> IppValue {
    // names are at most 255 bytes in IPP; a longer title is cut at a character boundary
    let mut end = s.len().min(255);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    IppValue::NameWithoutLanguage(s[..end].try_into().expect("name within IPP length"))
}

const PRINTER_ATTRS: [&str; 7] = [
    "printer-name",
    "printer-state",
    "printer-state-reasons",
    "printer-is-accepting-jobs",
    "printer-state-message",
    "printer-info",
    "printer-type",
];

impl Cups {
    /// `server` is an http URL such as `http://localhost:631`; `user` is the name jobs are
    /// submitted under.
    pub fn new(server: &str, user: &str) -> Result<Cups, CupsError> {
        // A server URL that can never work is named with what is wrong, before any request.
        crate::config::http_url(server)
            .map_err(|why| CupsError::BadServer { server: crate::config::shown_url(server), why })?;
        let unreachable = |detail: String| CupsError::Unreachable { server: server.to_string(), detail };
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| unreachable(e.to_string()))?;
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| unreachable(crate::diagnostics::network_error(&e)))?;
        Ok(Cups { server: server.trim_end_matches('/').to_string(), user: user.to_string(), http, rt })
    }

    pub fn server(&self) -> &str {
        &self.server
    }

    fn printer_uri(&self, name: &str) -> Result<Uri, CupsError> {
        format!("{}/printers/{name}", self.server).parse().map_err(|_| CupsError::NoSuchPrinter(name.to_string()))
    }

    fn request(&self, op: Operation, printer: Option<&str>) -> Result<IppRequestResponse, CupsError> {
        let uri = printer.map(|p| self.printer_uri(p)).transpose()?;
        let mut req =
            IppRequestResponse::new(IppVersion::v1_1(), op, uri).map_err(|e| CupsError::BadAnswer(e.to_string()))?;
        req.attributes_mut()
            .add(DelimiterTag::OperationAttributes, attr("requesting-user-name", name_value(&self.user)));
        Ok(req)
    }

    /// Sends a request to `path` on the server and parses the answer; a non-success status is
    /// `Refused` (or `NoSuchPrinter` for a missing queue).
    fn send(
        &self,
        operation: &'static str,
        path: &str,
        req: IppRequestResponse,
        printer: Option<&str>,
    ) -> Result<IppRequestResponse, CupsError> {
        let unreachable = |detail: String| CupsError::Unreachable { server: self.server.clone(), detail };
        let mut body = Vec::new();
        std::io::Read::read_to_end(&mut req.into_read(), &mut body).map_err(|e| CupsError::BadAnswer(e.to_string()))?;
        let url = format!("{}{path}", self.server);
        let bytes = self.rt.block_on(async {
            let resp = self
                .http
                .post(&url)
                .header("Content-Type", "application/ipp")
                .body(body)
                .send()
                .await
                .map_err(|e| unreachable(crate::diagnostics::network_error(&e)))?;
            if !resp.status().is_success() {
                return Err(CupsError::Refused {
                    operation,
                    status: format!("HTTP {}", resp.status()),
                    message: String::new(),
                });
            }
            resp.bytes().await.map_err(|e| unreachable(crate::diagnostics::network_error(&e)))
        })?;
        let answer = ipp::parser::IppParser::new(ipp::reader::IppReader::new(Cursor::new(bytes.to_vec())))
            .parse()
            .map_err(|e| CupsError::BadAnswer(e.to_string()))?;
        let status = answer.header().status_code();
        if status.is_success() {
            return Ok(answer);
        }
        let message = answer
            .attributes()
            .first_of(DelimiterTag::OperationAttributes)
            .and_then(|g| g.get("status-message"))
            .map(|a| format!(" — {}", a.value()))
            .unwrap_or_default();
        if status == StatusCode::ClientErrorNotFound
            && let Some(p) = printer
        {
            return Err(CupsError::NoSuchPrinter(p.to_string()));
        }
        Err(CupsError::Refused { operation, status: format!("{status:?}"), message })
    }

    fn status_of(group: &IppAttributeGroup, default: Option<&str>) -> PrinterStatus {
        let name = text(group.get("printer-name"));
        PrinterStatus {
            state: state_name(int(group.get("printer-state")).unwrap_or(5)),
            reasons: strings(group.get("printer-state-reasons")),
            accepting: matches!(
                group.get("printer-is-accepting-jobs").map(IppAttribute::value),
                Some(IppValue::Boolean(true))
            ),
            message: text(group.get("printer-state-message")),
            info: text(group.get("printer-info")),
            is_default: default == Some(name.as_str()),
            name,
        }
    }

    fn with_attrs(req: &mut IppRequestResponse) {
        let wanted = IppValue::Array(PRINTER_ATTRS.iter().map(|a| keyword(a)).collect());
        req.attributes_mut().add(DelimiterTag::OperationAttributes, attr("requested-attributes", wanted));
    }

    /// The name of CUPS's default printer, if it has one.
    pub fn default_printer(&self) -> Result<Option<String>, CupsError> {
        let mut req = self.request(Operation::CupsGetDefault, None)?;
        Self::with_attrs(&mut req);
        match self.send("CUPS-Get-Default", "/", req, None) {
            Ok(a) => Ok(a.attributes().first_of(DelimiterTag::PrinterAttributes).map(|g| text(g.get("printer-name")))),
            Err(CupsError::Refused { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every queue CUPS knows, with its state.
    pub fn printers(&self) -> Result<Vec<PrinterStatus>, CupsError> {
        let default = self.default_printer()?;
        let mut req = self.request(Operation::CupsGetPrinters, None)?;
        Self::with_attrs(&mut req);
        let answer = match self.send("CUPS-Get-Printers", "/", req, None) {
            Ok(a) => a,
            // CUPS answers "not found" when it has no queue at all
            Err(CupsError::Refused { status, .. }) if status == "ClientErrorNotFound" => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        Ok(answer
            .attributes()
            .groups_of(DelimiterTag::PrinterAttributes)
            .map(|g| Self::status_of(g, default.as_deref()))
            .collect())
    }

    /// Resolves `name` (None = the default printer) to a queue name.
    pub fn resolve(&self, name: Option<&str>) -> Result<String, CupsError> {
        match name {
            Some(n) => Ok(n.to_string()),
            None => self.default_printer()?.ok_or(CupsError::NoDefaultPrinter),
        }
    }

    /// One printer's state.
    pub fn printer(&self, name: &str) -> Result<PrinterStatus, CupsError> {
        let mut req = self.request(Operation::GetPrinterAttributes, Some(name))?;
        Self::with_attrs(&mut req);
        let answer = self.send("Get-Printer-Attributes", &format!("/printers/{name}"), req, Some(name))?;
        let group = answer
            .attributes()
            .first_of(DelimiterTag::PrinterAttributes)
            .ok_or_else(|| CupsError::NoSuchPrinter(name.to_string()))?;
        let default = self.default_printer().ok().flatten();
        Ok(Self::status_of(group, default.as_deref()))
    }

    /// Submits a PDF as one job (after checking the printer can take it) and returns the job id.
    pub fn submit(&self, printer: &str, title: &str, pdf: Vec<u8>) -> Result<i32, CupsError> {
        let status = self.printer(printer)?;
        if let Some(problem) = status.problem() {
            return Err(CupsError::NotReady { printer: printer.to_string(), problem });
        }
        let mut req = self.request(Operation::PrintJob, Some(printer))?;
        let op = req.attributes_mut();
        op.add(DelimiterTag::OperationAttributes, attr("job-name", name_value(title)));
        op.add(
            DelimiterTag::OperationAttributes,
            attr("document-format", IppValue::MimeMediaType("application/pdf".try_into().expect("short"))),
        );
        *req.payload_mut() = IppPayload::new(Cursor::new(pdf));
        let answer = self.send("Print-Job", &format!("/printers/{printer}"), req, Some(printer))?;
        answer
            .attributes()
            .first_of(DelimiterTag::JobAttributes)
            .and_then(|g| int(g.get("job-id")))
            .ok_or_else(|| CupsError::BadAnswer("Print-Job answer has no job-id".into()))
    }

    /// Where a job is now.
    pub fn job(&self, printer: &str, job: i32) -> Result<JobStatus, CupsError> {
        let mut req = self.request(Operation::GetJobAttributes, Some(printer))?;
        req.attributes_mut().add(DelimiterTag::OperationAttributes, attr("job-id", IppValue::Integer(job)));
        let answer = self.send("Get-Job-Attributes", &format!("/printers/{printer}"), req, Some(printer))?;
        let g = answer
            .attributes()
            .first_of(DelimiterTag::JobAttributes)
            .ok_or_else(|| CupsError::BadAnswer(format!("no attributes for job {job}")))?;
        let state = int(g.get("job-state"))
            .and_then(JobState::from_i32)
            .ok_or_else(|| CupsError::BadAnswer(format!("job {job} has no job-state")))?;
        Ok(JobStatus { state, reasons: strings(g.get("job-state-reasons")), message: text(g.get("job-state-message")) })
    }

    /// Cancels a job (the kiosk's own: same user name).
    pub fn cancel(&self, printer: &str, job: i32) -> Result<(), CupsError> {
        let mut req = self.request(Operation::CancelJob, Some(printer))?;
        req.attributes_mut().add(DelimiterTag::OperationAttributes, attr("job-id", IppValue::Integer(job)));
        self.send("Cancel-Job", &format!("/printers/{printer}"), req, Some(printer)).map(|_| ())
    }

    /// Follows a job until it completes. A job that fails is reported; a job whose queue stopped
    /// (a filter failure, a device error) for `limits.stopped`, or that is not done within
    /// `limits.overall`, is cancelled and reported as stuck.
    pub fn follow(
        &self,
        printer: &str,
        job: i32,
        limits: FollowLimits,
        mut progress: impl FnMut(&JobStatus),
    ) -> Result<JobDone, CupsError> {
        let start = Instant::now();
        let mut stopped_since: Option<Instant> = None;
        loop {
            let status = self.job(printer, job)?;
            progress(&status);
            let reasons =
                || if status.reasons.is_empty() { String::new() } else { format!(" ({})", status.reasons.join(" ")) };
            match status.state {
                JobState::Completed if status.reasons.iter().any(|r| r.contains("error")) => {
                    return Err(CupsError::JobFailed {
                        printer: printer.into(),
                        job,
                        state: "completed with errors",
                        reasons: reasons(),
                    });
                }
                JobState::Completed => return Ok(JobDone { printer: printer.into(), job }),
                JobState::Canceled | JobState::Aborted => {
                    return Err(CupsError::JobFailed {
                        printer: printer.into(),
                        job,
                        state: job_state_name(status.state),
                        reasons: reasons(),
                    });
                }
                _ => {}
            }
            // a job that cannot go on: its own state says so, or its queue has stopped
            let queue = self.printer(printer)?;
            let stuck = status.state == JobState::ProcessingStopped
                || status.state == JobState::PendingHeld
                || queue.state == "stopped"
                || status.reasons.iter().any(|r| r.ends_with("-error") || r == "job-printing-errors");
            if stuck {
                let since = *stopped_since.get_or_insert_with(Instant::now);
                if since.elapsed() >= limits.stopped {
                    let detail = [status.message.as_str(), queue.message.as_str(), &status.reasons.join(" ")]
                        .into_iter()
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                        .join("; ");
                    let _ = self.cancel(printer, job);
                    let detail = if detail.is_empty() {
                        format!("job {}, queue {}", job_state_name(status.state), queue.state)
                    } else {
                        detail
                    };
                    return Err(CupsError::JobStuck { printer: printer.into(), job, detail });
                }
            } else {
                stopped_since = None;
            }
            if start.elapsed() >= limits.overall {
                let _ = self.cancel(printer, job);
                return Err(CupsError::JobStuck {
                    printer: printer.into(),
                    job,
                    detail: format!(
                        "not finished after {} s, still {}",
                        limits.overall.as_secs(),
                        job_state_name(status.state)
                    ),
                });
            }
            std::thread::sleep(limits.poll);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(state: &'static str, reasons: &[&str], accepting: bool) -> PrinterStatus {
        PrinterStatus {
            name: "hall".into(),
            state,
            reasons: reasons.iter().map(|s| s.to_string()).collect(),
            accepting,
            message: String::new(),
            info: String::new(),
            is_default: false,
        }
    }

    #[test]
    fn printer_problems_from_state_and_reasons() {
        assert_eq!(status("idle", &[], true).problem(), None);
        assert_eq!(status("processing", &["toner-low-warning"], true).problem(), None);
        assert_eq!(status("stopped", &["paused"], true).problem(), Some(PrinterProblem::Paused(String::new())));
        assert_eq!(status("idle", &["media-empty-error"], true).problem(), Some(PrinterProblem::PaperOut));
        assert_eq!(status("idle", &["media-needed"], true).problem(), Some(PrinterProblem::PaperOut));
        assert_eq!(status("idle", &["media-jam-error"], true).problem(), Some(PrinterProblem::PaperJam));
        assert_eq!(status("idle", &["offline-report"], true).problem(), Some(PrinterProblem::Offline));
        assert_eq!(status("idle", &["toner-empty-error"], true).problem(), Some(PrinterProblem::OutOfToner));
        assert_eq!(status("idle", &[], false).problem(), Some(PrinterProblem::NotAccepting(String::new())));
        // a reason that merely starts with the same letters is not the same reason
        assert_eq!(status("idle", &["media-emptyish"], true).problem(), None);
        assert!(status("stopped", &["paused"], false).detail().contains("not accepting"));
    }

    #[test]
    fn an_absent_server_is_named_in_the_error() {
        // port 9 (discard) on loopback: nothing listens there on a test machine
        let cups = Cups::new("http://127.0.0.1:9", "kiosk").unwrap();
        let e = cups.printers().unwrap_err();
        assert!(matches!(e, CupsError::Unreachable { .. }), "{e}");
        assert!(e.to_string().contains("http://127.0.0.1:9") && e.to_string().contains("cupsd"), "{e}");
        // the cause, not just "error sending request"
        assert!(e.to_string().contains("Connection refused"), "{e}");
    }

    #[test]
    fn a_server_url_that_cannot_work_is_refused_before_any_request() {
        for (server, why) in [("http://[::1", "closing `]`"), ("http://localhost:99999", "port `99999`")] {
            let e = Cups::new(server, "kiosk").map(|_| ()).unwrap_err();
            assert!(matches!(e, CupsError::BadServer { .. }), "{e}");
            assert!(e.to_string().contains(why) && !e.to_string().contains("builder error"), "{e}");
        }
    }
}
