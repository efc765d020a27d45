//! The command line: every core capability, for operators' scripts and for tests.
//! With no subcommand, the kiosk window starts.

use std::io::{self, BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::{self, Config, ConfigError};
use crate::content::{self, Board, BoardTarget, DocKind, Document, Faq, Guide, ItemKind, Validity};
use crate::search::{self, Hit, SearchFilter, Searcher};
use crate::store::{DocFilter, Facet, Item, Store};

#[macro_use]
mod output;
mod health;

/// Exit code for bad configuration or usage.
pub const EXIT_USAGE: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "gongkai-kiosk",
    version,
    about = "Touchscreen kiosk for 政务公开专区: an offline, verified copy of published government information"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args)]
pub struct Global {
    /// Data directory (store, blobs, logs). Default: the config's data_dir, else ~/.local/share/gongkai-kiosk.
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Configuration file. Default: $GONGKAI_KIOSK_CONFIG, ./kiosk-config/kiosk.toml, /etc/gongkai-kiosk/kiosk.toml.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// More detail in the logs.
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the kiosk window (the default).
    Kiosk {
        /// Open this screen first (for screenshots and checks): home, catalogue, policies,
        /// document:ID, attachment:ID/N, search:QUERY, guides, guide:ID, request, faq, boards, board:ID,
        /// feedback, about, attendant.
        #[arg(long, value_name = "SCREEN")]
        open: Option<String>,
        /// Then tap, on that screen: read-aloud (语音朗读) or handwriting (手写); or write:字 — 手写,
        /// then that character drawn on the pad from the strokes recorded in --strokes.
        #[arg(long, value_name = "TAP", requires = "open")]
        then: Option<String>,
        /// Recorded strokes for `--then write:字` (as tests/data/handwriting-strokes.txt).
        #[arg(long, value_name = "FILE", requires = "then")]
        strokes: Option<PathBuf>,
    },
    /// Load a publisher's source folder into the store, in one transaction.
    Import {
        /// The source folder (holds site.toml, docs/, guides/, boards/, faq/).
        src: PathBuf,
        /// Check the folder and report problems without changing the store.
        #[arg(long)]
        dry_run: bool,
    },
    /// List documents (or guides, boards, FAQ), or catalogue counts with --by.
    List {
        #[arg(value_enum, default_value_t = ListWhat::Documents)]
        what: ListWhat,
        #[command(flatten)]
        filter: FilterArgs,
        /// A 主题分类 path; includes everything below it.
        #[arg(long)]
        category: Option<String>,
        /// Print counts per category, area, publisher, year, kind or validity instead.
        #[arg(long, value_name = "FACET")]
        by: Option<String>,
        #[arg(long, default_value_t = 1000)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Show one item (document, guide, board or FAQ entry) by id.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Search documents, guides and FAQ (Chinese, traditional characters, pinyin, initials).
    Search {
        /// What to look for, e.g. 依申请公开, 依申請公開, ysqgk, zhengfuxxgk.
        query: String,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Results while typing (titles and pinyin only), as the on-screen keyboard shows them.
        #[arg(long)]
        instant: bool,
        #[command(flatten)]
        filter: FilterArgs,
        /// Only this type of item: document, guide or faq.
        #[arg(long = "type", value_name = "TYPE")]
        item: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Queries that found nothing, per day (no personal data is kept), for the attendant.
    ZeroResults {
        #[arg(long)]
        json: bool,
    },
    /// Rebuild the search index from the stored items (a repair; minutes at 500,000 documents),
    /// with the bitmaps of its frequent tokens.
    Reindex {
        /// Make only the bitmaps of the frequent tokens again, listing each through the index
        /// (a store upgraded from a version without them has none until then).
        #[arg(long)]
        bitmaps_only: bool,
    },
    /// Content version, source, counts and data directory.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Make a publisher signing key: writes KEY (secret, mode 0600) and KEY.pub (the same name
    /// with .pub appended), prints the public key. Never overwrites a file.
    Keygen {
        /// Where to write the secret key (a new file, not ending in .pub); the public key goes to
        /// this name with .pub appended.
        #[arg(long, value_name = "KEY", default_value = "publisher.key")]
        out: PathBuf,
    },
    /// Turn a source folder into a signed pack of static files for any web server or CDN.
    Publish {
        /// The publisher's source folder.
        src: PathBuf,
        /// The pack folder to write (files already there are reused).
        out: PathBuf,
        /// The secret key from `keygen`.
        #[arg(long, value_name = "KEY")]
        key: PathBuf,
        /// Pack version (default: one above the version already in OUT).
        #[arg(long = "pack-version", value_name = "N")]
        version: Option<u64>,
        /// Days the kiosks accept this pack before they need a newer one (1 to 3660).
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=i64::from(crate::pack::MAX_VALID_DAYS)))]
        valid_days: u32,
        #[arg(long)]
        json: bool,
    },
    /// Harvest a government portal into a publisher's source folder (docs/harvest.md).
    Harvest {
        /// The site profile (TOML): columns, selectors, mapping rules, rate.
        profile: PathBuf,
        /// The source folder to write (created if missing; the crawl state is kept in OUT/.harvest/).
        out: PathBuf,
        /// Crawl (with conditional requests) and list what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Fetch the published pack, verify it and switch the store to it in one transaction.
    Sync {
        /// Pack URL (the folder with manifest.json); default: the config's sync.source_url.
        #[arg(long, value_name = "URL")]
        source: Option<String>,
        /// Also trust this public key (64 hex digits), besides the config's sync.trusted_keys.
        #[arg(long = "trust", value_name = "KEY")]
        trust: Vec<String>,
        /// Files downloaded at once (1 to 32).
        #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u32).range(1..=32))]
        concurrency: u32,
        #[arg(long)]
        json: bool,
    },
    /// Check a configuration file; problems are printed with file:line, exit code 2.
    CheckConfig {
        /// The file to check (default: the one the kiosk would use).
        path: Option<PathBuf>,
    },
    /// Read an attendant PIN from standard input and print the `pin_hash` line for the config.
    HashPin,
    /// Read a document aloud with espeak-ng's Mandarin voice (what the reader's voice button does).
    Speak {
        /// A document, guide or FAQ entry.
        id: String,
        /// Write the sound to this WAV file instead of the speakers.
        #[arg(long)]
        wav: Option<PathBuf>,
        /// Print each sentence and the tone-numbered pinyin the voice is given, instead of
        /// reading aloud.
        #[arg(long)]
        pinyin: bool,
        /// Syllables per minute (90–220).
        #[arg(long, default_value_t = crate::speech::RATE)]
        rate: u32,
    },
    /// Play the kiosk's tap click or idle chime as kiosk.toml's [sound] sets them (or write it
    /// to a WAV file): checks the hall PC's sound.
    Sound {
        /// click or chime
        which: String,
        /// Write the sound to this WAV file instead of playing it.
        #[arg(long)]
        wav: Option<PathBuf>,
    },
    /// Print a request form, guide, document, 码上公开 poster or QR card: into a PDF file with
    /// --out, on a CUPS queue with --printer, else where kiosk.toml's [printer] says (the
    /// directory backend saves into printer.directory, default <data-dir>/printed).
    Print {
        #[command(subcommand)]
        what: PrintWhat,
        /// Write the PDF to this file.
        #[arg(long, global = true, conflicts_with = "printer")]
        out: Option<PathBuf>,
        /// Print on this CUPS queue (over IPP, on printer.server or http://localhost:631) and wait
        /// until the job is printed; a paused, stopped or rejecting queue, or a job that cannot
        /// finish, is reported (exit 1) and the job cancelled.
        #[arg(long, global = true)]
        printer: Option<String>,
    },
    /// Draw one page of a document's attachment (its number in `show ID`) as the kiosk shows it,
    /// into a PNG file (pdftoppm with the bundled CJK font in place of fonts the PDF does not embed).
    Page {
        id: String,
        number: usize,
        /// The page, from 1.
        #[arg(long, default_value_t = 1)]
        page: u32,
        /// Width in pixels.
        #[arg(long, default_value_t = 1150)]
        width: u32,
        #[arg(long)]
        out: PathBuf,
    },
    /// The CUPS queues and their state (paused, paper out, offline, not accepting ...), and which
    /// one the kiosk prints on.
    Printers {
        #[arg(long)]
        json: bool,
    },
    /// How the zone was used, per day (no personal data): visitors, screens, documents, guides
    /// and boards opened, searches and searches that found nothing, prints and pages by layout,
    /// request forms printed by applicant type (自然人 / 法人或其他组织, as in the yearly
    /// 政府信息公开工作年度报告), ratings.
    Stats {
        /// First day (YYYY-MM-DD); left out: the first day with activity.
        #[arg(long)]
        from: Option<String>,
        /// Last day (YYYY-MM-DD); left out: today.
        #[arg(long)]
        to: Option<String>,
        /// One CSV row per day and a total (UTF-8 with BOM, so spreadsheet programs show the Chinese).
        #[arg(long, conflicts_with = "json")]
        csv: bool,
        #[arg(long)]
        json: bool,
    },
    /// Seal new ratings, messages and finished days into a batch and send every waiting batch
    /// to [upload] url (or --url) with PUT; exit 1 if a batch could not be sent (it stays).
    Upload {
        #[arg(long)]
        url: Option<String>,
        /// Also send this kiosk's status object (<url>/<zone_id>/status.json, for `report
        /// --fleet`), as the kiosk window does at each upload.
        #[arg(long)]
        status: bool,
    },
    /// This kiosk's health in the Prometheus text format (what the kiosk window writes every
    /// minute for node_exporter's textfile collector): printed, or written atomically with
    /// --write (to [metrics] path) or --out FILE.
    Metrics {
        /// Write the file the kiosk window writes ([metrics] path).
        #[arg(long, conflicts_with = "out")]
        write: bool,
        /// Write to this file instead (atomically).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// The status object the kiosk uploads, as JSON, instead.
        #[arg(long)]
        json: bool,
    },
    /// Add up the batches many kiosks uploaded (every *.json under DIR) into one CSV for the
    /// office: a row per kiosk and day, and a total.
    Report {
        dir: PathBuf,
        /// The ratings' messages instead (kiosk, time, rating, message).
        #[arg(long, conflicts_with = "fleet")]
        messages: bool,
        /// Every kiosk's health instead, from the status objects they upload: one
        /// self-contained HTML page, the kiosks that need someone first.
        #[arg(long)]
        fleet: bool,
        /// With --fleet: JSON instead of HTML.
        #[arg(long, requires = "fleet")]
        json: bool,
        /// With --fleet: the kiosks the office expects (one zone id a line), so that one never
        /// seen is listed too.
        #[arg(long, value_name = "FILE", requires = "fleet")]
        expect: Option<PathBuf>,
        /// With --fleet: write the page to this file instead of standard output.
        #[arg(long, value_name = "FILE", requires = "fleet")]
        out: Option<PathBuf>,
    },
    /// The on-screen keyboard's candidates for typed pinyin (full, initials or mixed).
    Ime {
        pinyin: String,
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
    /// Recognise hand-written characters as the keyboard's handwriting pad does (zinnia with
    /// its simplified-Chinese model): strokes from a file in the format of
    /// tests/data/handwriting-strokes.txt (`字: x,y x,y | x,y …` on a 100 × 100 square, one
    /// character a line); prints zinnia's guesses for each.
    Write {
        file: PathBuf,
        #[arg(long, default_value_t = 5)]
        limit: usize,
    },
}

#[derive(Debug, Subcommand)]
pub enum PrintWhat {
    /// The 政府信息公开申请表: blank (default) or the 填写示例 sample.
    Form {
        #[arg(long, conflicts_with = "sample")]
        blank: bool,
        #[arg(long)]
        sample: bool,
    },
    /// A service guide.
    Guide { id: String },
    /// A document (with --with-interpretations: a policy followed by its interpretations).
    Doc {
        id: String,
        #[arg(long)]
        with_interpretations: bool,
    },
    /// A 码上公开 board as a wall poster (A4, or A3 with --a3).
    Board {
        id: String,
        #[arg(long)]
        a3: bool,
    },
    /// A small QR card for one document.
    Card { id: String },
    /// A document's attachment (its number in `show ID`, from 1) as its original PDF, or an
    /// office file's PDF conversion.
    Attachment { id: String, number: usize },
}

/// Document filters shared by `list` and `search`.
#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Only documents of this kind (policy, interpretation, notice, … or its Chinese name).
    #[arg(long)]
    pub kind: Option<String>,
    /// Only documents of this key area (one of the 26, e.g. 社会保险).
    #[arg(long)]
    pub area: Option<String>,
    #[arg(long)]
    pub publisher: Option<String>,
    #[arg(long)]
    pub year: Option<i32>,
    /// 有效 / 失效 / 废止 / 已修订 (or valid, expired, repealed, amended).
    #[arg(long)]
    pub validity: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListWhat {
    Documents,
    Guides,
    Boards,
    Faq,
}

impl Command {
    /// Whether the command reads or writes the kiosk's data directory (store, logs).
    fn uses_data_dir(&self) -> bool {
        !matches!(
            self,
            Command::Keygen { .. }
                | Command::Publish { .. }
                | Command::Harvest { .. }
                | Command::Report { .. }
                | Command::CheckConfig { .. }
                | Command::HashPin
        )
    }
}

/// Refuses to work as root in a data directory that belongs to another user (on an installed
/// kiosk, the system user `gongkai-kiosk`): the files root would create there (the log, SQLite's
/// `-wal` and `-shm`, a new store) would lock the kiosk out of its own data.
fn check_data_dir_owner(data_dir: &Path) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    if crate::account::own_uid() != 0 {
        return Ok(());
    }
    let Ok(meta) = std::fs::metadata(data_dir) else { return Ok(()) };
    if meta.uid() == 0 {
        return Ok(());
    }
    let owner = crate::account::name(meta.uid()).unwrap_or_else(|| format!("uid {}", meta.uid()));
    Err(format!(
        "{} belongs to the user `{owner}`; run as root, this command would leave files there that the kiosk cannot write. Run it as that user instead: sudo -u {owner} gongkai-kiosk …",
        data_dir.display()
    ))
}

/// Runs the command line; returns the process exit code. Nothing it prints can make it panic: a
/// reader that has gone (`gongkai-kiosk status | head -1`) ends the output quietly, the work is
/// still done and the exit code is the command's own (see `cli::output`).
pub fn run(cli: Cli) -> ExitCode {
    output::finish(run_command(cli))
}

fn run_command(cli: Cli) -> ExitCode {
    match cli.command {
        Some(Command::CheckConfig { path }) => return check_config(path.as_deref().or(cli.global.config.as_deref())),
        Some(Command::HashPin) => return hash_pin(),
        _ => {}
    }
    let config = match load_config(cli.global.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            errln!("{e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let data_dir = config.resolve_data_dir(cli.global.data_dir.as_deref());
    if cli.command.as_ref().is_none_or(Command::uses_data_dir)
        && let Err(e) = check_data_dir_owner(&data_dir)
    {
        errln!("error: {e}");
        return ExitCode::from(EXIT_USAGE);
    }
    crate::logging::init(Some(&data_dir), config.log_max_bytes, cli.global.verbose);
    let result = match cli.command {
        None => run_kiosk(config, &data_dir, None, None, None),
        Some(Command::Kiosk { open, then, strokes }) => run_kiosk(config, &data_dir, open, then, strokes),
        Some(Command::Import { src, dry_run }) => import(&data_dir, &src, dry_run),
        Some(Command::List { what, filter, category, by, limit, json }) => match build_filter(filter, category) {
            Ok(f) => list(&data_dir, what, &f, by.as_deref(), limit, json),
            Err(e) => return usage_error(&e),
        },
        Some(Command::Show { id, json }) => show(&data_dir, &id, json),
        Some(Command::Search { query, limit, instant, filter, item, json }) => {
            match search_filter(filter, item.as_deref()) {
                Ok(f) => search(&data_dir, &query, &f, limit, instant, json),
                Err(e) => return usage_error(&e),
            }
        }
        Some(Command::ZeroResults { json }) => zero_results(&data_dir, json),
        Some(Command::Reindex { bitmaps_only }) => reindex(&data_dir, bitmaps_only),
        Some(Command::Status { json }) => status(&data_dir, json),
        Some(Command::Keygen { out }) => keygen(&out),
        Some(Command::Publish { src, out, key, version, valid_days, json }) => {
            publish(&src, &out, &key, version, valid_days, json)
        }
        Some(Command::Harvest { profile, out, dry_run, json }) => harvest(&profile, &out, dry_run, json),
        Some(Command::Sync { source, trust, concurrency, json }) => {
            sync(&config, &data_dir, source.as_deref(), &trust, concurrency, json)
        }
        Some(Command::Speak { id, wav, pinyin, rate }) => speak(&data_dir, &id, wav.as_deref(), pinyin, rate),
        Some(Command::Sound { which, wav }) => sound(&config, &which, wav.as_deref()),
        Some(Command::Ime { pinyin, limit }) => ime(&data_dir, &pinyin, limit),
        Some(Command::Write { file, limit }) => write(&file, limit),
        Some(Command::Print { what, out, printer }) => {
            print(&config, &data_dir, what, out.as_deref(), printer.as_deref())
        }
        Some(Command::Printers { json }) => printers(&config, &data_dir, json),
        Some(Command::Page { id, number, page, width, out }) => {
            attachment_page(&data_dir, &id, number, page, width, &out)
        }
        Some(Command::Upload { url, status }) => upload(&config, &data_dir, url.as_deref(), status),
        Some(Command::Metrics { write, out, json }) => health::metrics(&config, &data_dir, write, out.as_deref(), json),
        Some(Command::Report { dir, fleet: true, json, expect, out, .. }) => {
            health::fleet_report(&dir, json, expect.as_deref(), out.as_deref())
        }
        Some(Command::Report { dir, messages, .. }) => report(&dir, messages),
        Some(Command::Stats { from, to, csv, json }) => stats(&data_dir, from.as_deref(), to.as_deref(), csv, json),
        Some(Command::CheckConfig { .. } | Command::HashPin) => unreachable!("handled above"),
    };
    match result {
        Ok(code) => code,
        // `list | head`: the reader has gone, which is no error of ours.
        Err(e) if e.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe) => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            errln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Standard output for text that comes from content (titles, bodies, ids): control characters
/// other than line breaks and tabs, bidirectional controls and U+2028/U+2029 are written as
/// `\u{1b}`, so nothing in a pack or a source folder can send escape sequences to the operator's
/// terminal or show it text in another order than stored. In `--json` output they are written
/// as JSON's own escape (`\u202e`; they only ever stand inside strings there, since serde_json
/// writes the structure), so the output stays valid JSON and decodes to the stored text.
fn terminal_out(json: bool) -> EscapedOut<io::StdoutLock<'static>> {
    EscapedOut { out: io::stdout().lock(), json }
}

struct EscapedOut<W: Write> {
    out: W,
    json: bool,
}

impl<W: Write> Write for EscapedOut<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut start = 0;
        let mut i = 0;
        while i < buf.len() {
            // C0 and C1 controls and DEL, bidirectional controls, U+2028 and U+2029
            let Some((len, c)) = crate::diagnostics::invisible_control_at(&buf[i..]) else {
                i += 1;
                continue;
            };
            self.out.write_all(&buf[start..i])?;
            if self.json {
                // every character the filter escapes is in the Basic Multilingual Plane
                write!(self.out, "\\u{:04x}", u32::from(c))?;
            } else {
                write!(self.out, "\\u{{{:x}}}", u32::from(c))?;
            }
            i += len;
            start = i;
        }
        self.out.write_all(&buf[start..])?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

type CmdResult = Result<ExitCode, Box<dyn std::error::Error>>;

fn speak(data_dir: &Path, id: &str, wav: Option<&Path>, show_pinyin: bool, rate: u32) -> CmdResult {
    use crate::speech;
    let store = Store::open_read_only(data_dir)?;
    let text = match store.item(id)? {
        Some(Item::Document(d)) => speech::document_text(&d),
        Some(Item::Guide(g)) => speech::guide_text(&g),
        Some(Item::Faq(q)) => format!("{}\n{}", q.question, q.answer),
        Some(Item::Board(_)) | None => {
            errln!("no document with id `{id}`, nor a guide or FAQ entry; `gongkai-kiosk list` shows the ids");
            return Ok(ExitCode::FAILURE);
        }
    };
    if show_pinyin {
        let mut out = io::stdout().lock();
        for s in speech::sentences(&text) {
            writeln!(out, "{}\n\t{}", s.text, s.pinyin)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    match wav {
        Some(w) => speech::to_wav(&text, rate, w)?,
        None => {
            // espeak-ng missing or failing is reported by the reading thread
            let failed = std::sync::Arc::new(std::sync::Mutex::new(None));
            let seen = failed.clone();
            speech::Speaker::start(speech::cut(&text), 0, rate, move |p| {
                if let speech::Progress::Failed(e) = p {
                    *seen.lock().unwrap_or_else(|e| e.into_inner()) = Some(e);
                }
            })?
            .wait();
            if let Some(e) = failed.lock().unwrap_or_else(|e| e.into_inner()).take() {
                errln!("{e}");
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn sound(config: &Config, which: &str, wav: Option<&Path>) -> CmdResult {
    let Some(sound) = crate::sound::Sound::parse(which) else {
        errln!("no sound `{which}`; use click or chime");
        return Ok(ExitCode::from(2));
    };
    if let Some(path) = wav {
        std::fs::write(path, sound.wav(config.sound.volume))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut player = crate::sound::Player::new(config.sound.enabled, config.sound.volume);
    match player.program() {
        Some(p) => outln!("playing the {which} through {p} at volume {}", config.sound.volume),
        None => {
            outln!("sound is off ([sound] enabled = false or volume = 0) or neither paplay nor aplay is installed");
            return Ok(ExitCode::SUCCESS);
        }
    }
    player.play(sound);
    std::thread::sleep(std::time::Duration::from_millis(900));
    Ok(ExitCode::SUCCESS)
}

fn print(config: &Config, data_dir: &Path, what: PrintWhat, out: Option<&Path>, printer: Option<&str>) -> CmdResult {
    use crate::print::{Destination, FormKind, Paper, Printable};
    let what = match what {
        PrintWhat::Form { sample: true, .. } => Printable::Form(FormKind::Sample),
        PrintWhat::Form { .. } => Printable::Form(FormKind::Blank),
        PrintWhat::Guide { id } => Printable::Guide(id),
        PrintWhat::Doc { id, with_interpretations: false } => Printable::Document(id),
        PrintWhat::Doc { id, with_interpretations: true } => Printable::DocumentWithInterpretations(id),
        PrintWhat::Board { id, a3 } => Printable::Board { id, paper: if a3 { Paper::A3 } else { Paper::A4 } },
        PrintWhat::Card { id } => Printable::Card(id),
        PrintWhat::Attachment { id, number } => {
            let store = Store::open_read_only(data_dir)?;
            let Some(doc) = store.document(&id)? else {
                errln!("no document with id `{id}`; `gongkai-kiosk list` shows the ids");
                return Ok(ExitCode::FAILURE);
            };
            let Some(a) = number.checked_sub(1).and_then(|i| doc.attachments.get(i)) else {
                errln!(
                    "document `{id}` has {} attachment(s); number {number} is not one of them",
                    doc.attachments.len()
                );
                return Ok(ExitCode::FAILURE);
            };
            let Some(pdf) = a.view_pdf() else {
                errln!("attachment {number} of `{id}` ({}) has no PDF to print", a.title);
                return Ok(ExitCode::FAILURE);
            };
            Printable::Attachment { doc: id, pdf: pdf.sha256.clone() }
        }
    };
    let store = Store::open_read_only(data_dir)?;
    let doc = match crate::print::render(&store, &what) {
        Ok(p) => p,
        Err(e @ crate::print::PrintError::NotFound(..)) => {
            errln!("{e}");
            return Ok(ExitCode::FAILURE);
        }
        Err(e) => return Err(e.into()),
    };
    let size = format!("{} page(s), {} KB", doc.pages, doc.pdf.len().div_ceil(1024));
    if let Some(path) = out {
        std::fs::write(path, &doc.pdf).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        outln!("{} ({size})", path.display());
        return Ok(ExitCode::SUCCESS);
    }
    let dest = match printer {
        Some(queue) => Destination::Cups {
            server: config.printer.server.clone().unwrap_or_else(|| crate::print::cups::DEFAULT_SERVER.to_string()),
            queue: Some(queue.to_string()),
        },
        None => Destination::from_config(&config.printer, data_dir),
    };
    let done = crate::print::deliver(&dest, &what, &doc, crate::print::FollowLimits::default())?;
    outln!("{done} ({size})");
    Ok(ExitCode::SUCCESS)
}

fn attachment_page(data_dir: &Path, id: &str, number: usize, page: u32, width: u32, out: &Path) -> CmdResult {
    let store = open_existing_to_read(data_dir)?;
    let Some(doc) = store.document(id)? else {
        errln!("no document with id `{id}`; `gongkai-kiosk list` shows the ids");
        return Ok(ExitCode::FAILURE);
    };
    let Some(a) = number.checked_sub(1).and_then(|i| doc.attachments.get(i)) else {
        errln!("document `{id}` has {} attachment(s); number {number} is not one of them", doc.attachments.len());
        return Ok(ExitCode::FAILURE);
    };
    let Some(file) = a.view_pdf().and_then(|b| store.blobs().path(&b.sha256)) else {
        errln!("attachment {number} of `{id}` ({}) has no pages to draw", a.title);
        return Ok(ExitCode::FAILURE);
    };
    match crate::attachments::pdf::render_page(&file, page, width) {
        Ok(img) => {
            let (w, h) = (img.width, img.height);
            image::RgbaImage::from_raw(w, h, img.rgba)
                .ok_or("the page's picture has the wrong size")?
                .save(out)
                .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
            outln!("{} ({w}×{h}, page {page} of {})", out.display(), a.title);
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            errln!("{e}");
            Ok(ExitCode::FAILURE)
        }
    }
}

fn printers(config: &Config, data_dir: &Path, json: bool) -> CmdResult {
    use crate::print::{Destination, PrinterReadiness};
    let dest = Destination::from_config(&config.printer, data_dir);
    let server = match &dest {
        Destination::Directory(dir) => {
            if json {
                outln!("{}", serde_json::json!({"backend": "directory", "directory": dir}));
            } else {
                outln!("backend: directory — PDFs are saved in {}", dir.display());
            }
            return Ok(ExitCode::SUCCESS);
        }
        Destination::Cups { server, .. } => server.clone(),
    };
    let cups = crate::print::cups::Cups::new(&server, &crate::print::job_user())?;
    let list = cups.printers()?;
    let used = crate::print::readiness(&dest);
    if json {
        let rows: Vec<_> = list
            .iter()
            .map(|p| {
                serde_json::json!({
                    "name": p.name, "state": p.state, "reasons": p.reasons, "accepting": p.accepting,
                    "message": p.message, "default": p.is_default, "problem": p.problem().map(|x| x.to_string()),
                })
            })
            .collect();
        let kiosk = match &used {
            PrinterReadiness::Ready(s) => serde_json::json!({"printer": s.name, "ready": true}),
            PrinterReadiness::Problem(s, p) => {
                serde_json::json!({"printer": s.name, "ready": false, "problem": p.to_string()})
            }
            PrinterReadiness::Unavailable(e) => serde_json::json!({"ready": false, "problem": e}),
            PrinterReadiness::Directory(_) => unreachable!("handled above"),
        };
        outln!("{}", serde_json::json!({"backend": "cups", "server": server, "printers": rows, "kiosk": kiosk}));
    } else {
        if list.is_empty() {
            outln!("CUPS at {server} has no printer queues (add one with lpadmin or the CUPS web page)");
        }
        for p in &list {
            let problem = p.problem().map(|x| format!("  → cannot print: {x}")).unwrap_or_default();
            outln!("{}{}{problem}", p.detail(), if p.is_default { " (default)" } else { "" });
        }
        match &used {
            PrinterReadiness::Ready(s) => outln!("the kiosk prints on `{}`: ready", s.name),
            PrinterReadiness::Problem(s, p) => outln!("the kiosk prints on `{}`: NOT READY, {p}", s.name),
            PrinterReadiness::Unavailable(e) => outln!("the kiosk's printer: NOT READY, {e}"),
            PrinterReadiness::Directory(_) => {}
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn stats(data_dir: &Path, from: Option<&str>, to: Option<&str>, csv: bool, json: bool) -> CmdResult {
    use crate::store::DayStats;
    let day = |arg: &str, v: Option<&str>, default: &str| -> Result<String, String> {
        match v {
            None => Ok(default.to_string()),
            Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map(|d| d.format("%Y-%m-%d").to_string())
                .map_err(|_| format!("--{arg} {d}: not a date; write it as YYYY-MM-DD, e.g. 2026-01-31")),
        }
    };
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    let (from, to) = match (day("from", from, "0000-01-01"), day("to", to, &today)) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(e), _) | (_, Err(e)) => return Ok(usage_error(&e)),
    };
    let store = Store::open_read_only(data_dir)?;
    let days = store.stats(&from, &to)?;
    let mut total = DayStats { day: "合计".into(), ..DayStats::default() };
    for d in &days {
        total.add(d);
    }
    if json {
        outln!("{}", serde_json::json!({"from": from, "to": to, "days": days, "total": total}));
    } else if csv {
        // a BOM so that spreadsheet programs read the file as UTF-8
        outln!("\u{feff}{}", DayStats::CSV_HEADER);
        for d in days.iter().chain([&total]) {
            outln!("{}", d.csv_row());
        }
    } else if days.is_empty() {
        outln!("no activity recorded between {from} and {to}");
    } else {
        outln!(
            "{:<10} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>9} {:>7}",
            "day",
            "visits",
            "docs",
            "guides",
            "search",
            "none",
            "prints",
            "pages",
            "requests",
            "ratings"
        );
        for d in days.iter().chain([&total]) {
            outln!(
                "{:<10} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>9} {:>7}",
                d.day,
                d.sessions,
                d.documents,
                d.guides,
                d.searches,
                d.zero_result_searches,
                d.prints,
                d.pages,
                format!("{}+{}", d.requests_citizen, d.requests_organisation),
                d.ratings.iter().sum::<u64>()
            );
        }
        outln!("requests: 自然人 + 法人或其他组织 ({} filled in by staff, 代为填写)", total.requests_on_behalf);
        if !total.by_layout.is_empty() {
            outln!("prints by layout:");
            for (layout, n, pages) in &total.by_layout {
                outln!("  {layout:<20} {n:>5} prints {pages:>6} pages");
            }
        }
        let labels = crate::store::Rating::ALL.map(|r| r.label());
        outln!(
            "ratings: {}",
            labels.iter().zip(total.ratings).map(|(l, n)| format!("{l} {n}")).collect::<Vec<_>>().join("  ")
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn upload(config: &Config, data_dir: &Path, url: Option<&str>, status: bool) -> CmdResult {
    let Some(url) = url.map(str::to_string).or_else(|| config.upload.url.clone()) else {
        return Ok(usage_error("no upload URL: set [upload] url in kiosk.toml or pass --url"));
    };
    if let Err(e) = crate::upload::check_url(&url) {
        return Ok(usage_error(&e.to_string()));
    }
    let mut store = Store::open(data_dir)?;
    if status {
        health::queue_status(&store, config, data_dir)?;
    }
    if let Some(b) = crate::upload::seal(&mut store, &config.zone_id)? {
        outln!("sealed batch {b}");
    }
    let r = crate::upload::send(&mut store, &config.zone_id, &url);
    let waiting = store.outbox()?.len();
    match r {
        Ok(r) => {
            outln!("uploaded {} batch(es) to {url}; {waiting} waiting", r.sent.len());
            if r.status_sent {
                outln!("status uploaded to {}", crate::upload::batch_url(&url, &config.zone_id, "status"));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            errln!("error: {e}");
            outln!("{waiting} batch(es) waiting in the outbox");
            Ok(ExitCode::FAILURE)
        }
    }
}

fn report(dir: &Path, messages: bool) -> CmdResult {
    if !dir.is_dir() {
        return Ok(usage_error(&format!("{} is not a folder of uploaded batches", dir.display())));
    }
    let r = crate::report::read(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for (path, why) in &r.skipped {
        errln!("skipped {}: {why}", path.display());
    }
    errln!("{} batch(es) read, {} duplicate file(s) ignored", r.batches, r.duplicates);
    out!("{}", if messages { r.messages_csv() } else { r.csv() });
    Ok(ExitCode::SUCCESS)
}

fn ime(data_dir: &Path, pinyin: &str, limit: usize) -> CmdResult {
    let store = Store::open_read_only(data_dir)?;
    let lexicon = crate::ime::Lexicon::from_store(&store)?;
    for c in lexicon.candidates(pinyin, limit) {
        outln!("{}\t{}", c.text, &pinyin[..c.consumed.min(pinyin.len())]);
    }
    Ok(ExitCode::SUCCESS)
}

fn write(file: &Path, limit: usize) -> CmdResult {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let samples = crate::handwriting::parse_samples(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    let recognizer = crate::handwriting::Recognizer::open_default()?;
    let mut right = 0;
    for (written, strokes) in &samples {
        let guesses = recognizer.recognize_drawing(strokes, 100.0, limit);
        let shown: Vec<String> = guesses.iter().map(|g| format!("{} {:.2}", g.character, g.score)).collect();
        right += usize::from(guesses.first().map(|g| g.character) == Some(*written));
        outln!("{written}\t{} strokes\t{}", strokes.len(), shown.join("  "));
    }
    outln!("{right} of {} recognised first", samples.len());
    Ok(ExitCode::SUCCESS)
}

fn load_config(explicit: Option<&Path>) -> Result<Config, ConfigError> {
    match Config::locate(explicit) {
        Some(p) => Config::load(&p),
        None => Ok(Config::default()),
    }
}

fn check_config(path: Option<&Path>) -> ExitCode {
    let Some(path) = Config::locate(path) else {
        outln!(
            "no configuration file found (looked at {}); the built-in defaults apply",
            config::SEARCH_PATHS.join(", ")
        );
        return ExitCode::SUCCESS;
    };
    match Config::load(&path) {
        Ok(cfg) => {
            outln!("{}: OK", path.display());
            if cfg.attendant.pin_hash.is_none() {
                outln!("note: no attendant.pin_hash is set, so attendant mode cannot be opened");
            }
            if cfg.sync.source_url.is_some() && cfg.sync.trusted_keys.is_empty() {
                outln!("note: {}", config::NO_TRUSTED_KEYS);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            errln!("{e}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn hash_pin() -> ExitCode {
    err!("PIN (4 to 12 digits): ");
    let _ = io::stderr().flush();
    let mut line = String::new();
    // A PIN is a short line: at most 256 bytes are read (`hash-pin < /dev/zero` ends at once).
    if io::stdin().lock().take(256).read_line(&mut line).is_err() {
        errln!("could not read a PIN from standard input");
        return ExitCode::from(EXIT_USAGE);
    }
    match config::hash_pin(&line) {
        Ok(h) => {
            outln!("pin_hash = \"{h}\"");
            ExitCode::SUCCESS
        }
        Err(e) => {
            errln!("{e}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn run_kiosk(
    config: Config,
    data_dir: &Path,
    open: Option<String>,
    then: Option<String>,
    strokes: Option<PathBuf>,
) -> CmdResult {
    let parsed =
        open.as_deref().map(crate::ui::parse_screen).transpose().and_then(|o| {
            Ok((o, then.as_deref().map(|t| crate::ui::parse_start_tap(t, strokes.as_deref())).transpose()?))
        });
    let (open, then) = match parsed {
        Ok(o) => o,
        Err(e) => {
            errln!("{e}");
            return Ok(ExitCode::from(EXIT_USAGE));
        }
    };
    // Without a display the window cannot open (winit would panic): say so and stop at once,
    // before a store upgrade that could take minutes.
    if ["DISPLAY", "WAYLAND_DISPLAY", "WAYLAND_SOCKET"].iter().all(|v| std::env::var_os(v).is_none_or(|s| s.is_empty()))
    {
        errln!(
            "no display to open the kiosk window on: DISPLAY (X11) and WAYLAND_DISPLAY are not set. Start it in a \
             graphical session (the Debian package's gongkai-kiosk.service starts X for it), or give a command \
             (gongkai-kiosk --help lists them)"
        );
        return Ok(ExitCode::FAILURE);
    }
    // The window opens at once; the store is prepared in its first task (a schema upgrade or a
    // search index rebuild can take minutes: the window says so meanwhile, see
    // `startup::prepare_store`). If it cannot be prepared, the window says so plainly to the
    // visitor and the log has the detail for the attendant.
    let font = crate::assets::cjk_font()?;
    crate::ui::run(config, data_dir.to_path_buf(), open, then, font)?;
    Ok(ExitCode::SUCCESS)
}

fn import(data_dir: &Path, src: &Path, dry_run: bool) -> CmdResult {
    if dry_run {
        return match content::load(src) {
            Ok(set) => {
                outln!(
                    "{}: OK — {} documents, {} guides, {} boards, {} FAQ entries, {} files",
                    src.display(),
                    set.documents.len(),
                    set.guides.len(),
                    set.boards.len(),
                    set.faqs.len(),
                    set.blobs.len()
                );
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => {
                errln!("{e}");
                Ok(ExitCode::FAILURE)
            }
        };
    }
    let mut store = Store::open(data_dir)?;
    match store.import_folder(src) {
        Ok(r) => {
            let t = r.total();
            outln!(
                "imported {} into {}: content version {}; {} added, {} changed, {} removed, {} unchanged; {} new files",
                src.display(),
                data_dir.display(),
                r.version,
                t.added,
                t.changed,
                t.removed,
                t.unchanged,
                r.blobs_copied
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            errln!("{e}");
            if let Ok(Some(s)) = store.snapshot() {
                errln!("the store still serves content version {} ({})", s.version, s.source);
            }
            Ok(ExitCode::FAILURE)
        }
    }
}

fn usage_error(message: &str) -> ExitCode {
    errln!("{message}");
    ExitCode::from(EXIT_USAGE)
}

/// The filters of `search`: the document filters plus `--type`.
fn search_filter(args: FilterArgs, item: Option<&str>) -> Result<SearchFilter, String> {
    let item = item
        .map(|i| {
            ItemKind::parse(i)
                .filter(|k| ItemKind::SEARCHED.contains(k))
                .ok_or_else(|| format!("--type \"{i}\" is not one of: document, guide, faq"))
        })
        .transpose()?;
    Ok(SearchFilter { item, doc: build_filter(args, None)? })
}

fn build_filter(args: FilterArgs, category: Option<String>) -> Result<DocFilter, String> {
    let FilterArgs { kind, area, publisher, year, validity } = args;
    let kind = kind
        .map(|k| DocKind::parse(&k).ok_or_else(|| format!("--kind \"{k}\" is not one of: {}", DocKind::allowed())))
        .transpose()?;
    let validity = validity
        .map(|v| {
            Validity::parse(&v).ok_or_else(|| format!("--validity \"{v}\" is not one of: {}", Validity::allowed()))
        })
        .transpose()?;
    if let Some(a) = &area
        && !content::is_key_area(a)
    {
        return Err(format!("--area \"{a}\" is not one of the 26 key areas: {}", content::KEY_AREAS.join("、")));
    }
    Ok(DocFilter { kind, area, publisher, year, category, validity })
}

/// The store with its content, for a command that changes it (`reindex`, `zero-results`).
fn open_existing(data_dir: &Path) -> Result<Store, Box<dyn std::error::Error>> {
    with_content(Store::open(data_dir)?, data_dir)
}

/// The store with its content, for a command that only reads it: migrated if it is older, read
/// as it is when it cannot be written (the disk full).
fn open_existing_to_read(data_dir: &Path) -> Result<Store, Box<dyn std::error::Error>> {
    with_content(Store::open_or_read_only(data_dir)?, data_dir)
}

fn with_content(store: Store, data_dir: &Path) -> Result<Store, Box<dyn std::error::Error>> {
    if store.snapshot()?.is_none() {
        return Err(format!(
            "the store in {} has no content yet; run `gongkai-kiosk import SRC --data-dir {}` first",
            data_dir.display(),
            data_dir.display()
        )
        .into());
    }
    Ok(store)
}

fn list(data_dir: &Path, what: ListWhat, filter: &DocFilter, by: Option<&str>, limit: usize, json: bool) -> CmdResult {
    let store = open_existing_to_read(data_dir)?;
    let mut out = terminal_out(json);
    if let Some(by) = by {
        let facet = Facet::parse(by)
            .ok_or_else(|| format!("--by \"{by}\" is not one of: category, area, publisher, year, kind, validity"))?;
        let counts = store.facet(facet, filter)?;
        if json {
            writeln!(out, "{}", serde_json::to_string_pretty(&counts)?)?;
        } else {
            for c in counts {
                let label = match facet {
                    Facet::Kind => DocKind::parse(&c.value).map(|k| k.label().to_string()).unwrap_or(c.value),
                    Facet::Validity => Validity::parse(&c.value).map(|k| k.label().to_string()).unwrap_or(c.value),
                    _ => c.value,
                };
                writeln!(out, "{:>5}  {label}", c.count)?;
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    match what {
        ListWhat::Documents => {
            let docs = store.documents(filter, limit, 0)?;
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&docs)?)?;
            } else {
                for d in &docs {
                    writeln!(
                        out,
                        "{}  {}  [{}] {}{}  ({})",
                        d.published,
                        d.id,
                        d.kind.label(),
                        d.title,
                        d.doc_no.as_deref().map(|n| format!("  {n}")).unwrap_or_default(),
                        d.validity.label()
                    )?;
                }
                let total = store.count_documents(filter)?;
                writeln!(out, "{} of {total} documents", docs.len())?;
            }
        }
        ListWhat::Guides => {
            let guides = store.guides()?;
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&guides)?)?;
            } else {
                for g in &guides {
                    writeln!(out, "{}  {}{}", g.id, g.name, if g.disclosure_request { "  (依申请公开)" } else { "" })?;
                }
            }
        }
        ListWhat::Boards => {
            let boards = store.boards()?;
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&boards)?)?;
            } else {
                for b in &boards {
                    writeln!(out, "{}  {}", b.id, b.title)?;
                }
            }
        }
        ListWhat::Faq => {
            let faqs = store.faqs(filter.area.as_deref())?;
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&faqs)?)?;
            } else {
                for q in &faqs {
                    writeln!(out, "{}  [{}] {}", q.id, q.area.as_deref().unwrap_or("—"), q.question)?;
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn show(data_dir: &Path, id: &str, json: bool) -> CmdResult {
    let store = open_existing_to_read(data_dir)?;
    let Some(item) = store.item(id)? else {
        errln!("no document, guide, board or FAQ entry has the id \"{id}\"; `gongkai-kiosk list` shows the ids");
        return Ok(ExitCode::FAILURE);
    };
    let mut out = terminal_out(json);
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&item)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    match item {
        Item::Document(d) => print_document(&mut out, &store, &d)?,
        Item::Guide(g) => print_guide(&mut out, &g)?,
        Item::Board(b) => print_board(&mut out, &b)?,
        Item::Faq(q) => print_faq(&mut out, &q)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn field(out: &mut impl Write, label: &str, value: Option<impl std::fmt::Display>) -> io::Result<()> {
    match value {
        Some(v) => writeln!(out, "{label}：{v}"),
        None => Ok(()),
    }
}

fn print_document(out: &mut impl Write, store: &Store, d: &Document) -> Result<(), Box<dyn std::error::Error>> {
    writeln!(out, "{}", d.title)?;
    writeln!(out, "{}", "=".repeat(40))?;
    field(out, "类别", Some(d.kind.label()))?;
    field(out, "索引号", d.index_no.as_deref())?;
    field(out, "主题分类", d.category.as_deref())?;
    field(out, "发布机构", Some(&d.publisher))?;
    field(out, "发文字号", d.doc_no.as_deref())?;
    field(out, "成文日期", d.written)?;
    field(out, "发布日期", Some(d.published))?;
    field(out, "实施日期", d.effective)?;
    field(out, "有效性", Some(d.validity.label()))?;
    field(out, "废止日期", d.repealed)?;
    field(out, "公开方式", Some(d.disclosure.label()))?;
    field(out, "重点领域", d.area.as_deref())?;
    field(out, "主题词", (!d.keywords.is_empty()).then(|| d.keywords.join("；")))?;
    field(out, "原文链接", d.url.as_deref())?;
    for (n, a) in d.attachments.iter().enumerate() {
        // what derivation found: pages (or a scan), playing time, or why it cannot be shown
        let mut about = vec![a.blob.name.clone(), format!("{} 字节", a.blob.size)];
        if crate::attachments::is_scanned(a) {
            about.push("扫描件，无文字".into());
        } else if let Some(p) = a.derived.as_ref().and_then(|x| x.pages) {
            about.push(format!("{p} 页"));
        }
        if let Some(ms) = a.derived.as_ref().and_then(|x| x.duration_ms) {
            about.push(format!("{:.1} 秒", ms as f64 / 1000.0));
        }
        if let Some(p) = a.derived.as_ref().and_then(|x| x.problem.as_deref()) {
            about.push(format!("无法在本机显示：{p}"));
        }
        writeln!(out, "附件 {}：{} ({})", n + 1, a.title, about.join(", "))?;
    }
    if let Some(p) = store.policy_of(&d.id)? {
        writeln!(out, "解读的政策：{} ({})", p.title, p.id)?;
    }
    for i in store.interpretations_of(&d.id)? {
        writeln!(out, "政策解读：{} ({})", i.title, i.id)?;
    }
    field(out, "内容概述", d.summary.as_deref())?;
    writeln!(out, "{}", "-".repeat(40))?;
    writeln!(out, "{}", d.body)?;
    Ok(())
}

fn print_guide(out: &mut impl Write, g: &Guide) -> io::Result<()> {
    writeln!(out, "{}（办事指南）", g.name)?;
    writeln!(out, "{}", "=".repeat(40))?;
    field(out, "事项编码", g.code.as_deref())?;
    for b in &g.basis {
        writeln!(out, "设定依据：{b}")?;
    }
    for c in &g.conditions {
        writeln!(out, "申请条件：{c}")?;
    }
    writeln!(out, "申请材料：")?;
    for m in &g.materials {
        writeln!(
            out,
            "  □ {}{}{}",
            m.name,
            m.form.as_deref().map(|f| format!("（{f}，{} 份）", m.copies)).unwrap_or_default(),
            if m.required { "" } else { "（如有）" }
        )?;
    }
    field(out, "办理机构", Some(&g.office))?;
    field(out, "办理窗口", g.window.as_deref())?;
    field(out, "办理地点", Some(&g.location))?;
    field(out, "交通指引", g.transport.as_deref())?;
    field(out, "办理时间", Some(&g.hours))?;
    writeln!(out, "办理流程：")?;
    for (i, s) in g.steps.iter().enumerate() {
        writeln!(out, "  {}. {}{}", i + 1, s.title, s.detail.as_deref().map(|d| format!("：{d}")).unwrap_or_default())?;
    }
    field(out, "法定时限", Some(&g.legal_limit))?;
    field(out, "承诺时限", Some(format!("{}{}", g.promised_limit, if g.on_the_spot { "（即办件）" } else { "" })))?;
    field(out, "收费标准", Some(&g.fee))?;
    field(out, "结果送达", g.delivery.as_deref())?;
    field(out, "到现场次数", Some(g.visits))?;
    field(out, "网上办理", g.online_url.as_deref())?;
    field(out, "咨询电话", Some(&g.consult_phone))?;
    field(out, "监督投诉电话", Some(&g.complaint_phone))?;
    for q in &g.faq {
        writeln!(out, "问：{}\n答：{}", q.question, q.answer)?;
    }
    Ok(())
}

fn print_board(out: &mut impl Write, b: &Board) -> io::Result<()> {
    writeln!(out, "{}（码上公开）", b.title)?;
    field(out, "说明", b.intro.as_deref())?;
    for i in &b.items {
        let target = match &i.target {
            BoardTarget::Url(u) => u.clone(),
            BoardTarget::Document(d) => format!("文件 {d}"),
            BoardTarget::Guide(g) => format!("指南 {g}"),
        };
        writeln!(out, "  ▣ {} → {target}", i.label)?;
    }
    Ok(())
}

fn print_faq(out: &mut impl Write, q: &Faq) -> io::Result<()> {
    writeln!(out, "问：{}", q.question)?;
    writeln!(out, "答：{}", q.answer)?;
    field(out, "重点领域", q.area.as_deref())?;
    field(out, "相关文件", (!q.related_documents.is_empty()).then(|| q.related_documents.join("、")))?;
    field(out, "相关指南", (!q.related_guides.is_empty()).then(|| q.related_guides.join("、")))?;
    Ok(())
}

fn print_hit(out: &mut impl Write, n: usize, h: &Hit) -> io::Result<()> {
    let meta = match h.item {
        ItemKind::Document => format!(
            "{}　{}　{}{}",
            h.kind.map(|k| k.label()).unwrap_or_default(),
            h.published.as_deref().unwrap_or_default(),
            h.validity.map(|v| v.label()).unwrap_or_default(),
            h.doc_no.as_deref().map(|d| format!("　{d}")).unwrap_or_default()
        ),
        other => other.label().to_string(),
    };
    writeln!(out, "{n:>2}. {}  [{}]{}", h.title.marked(), h.id, if h.by_pinyin { "  (拼音)" } else { "" })?;
    writeln!(out, "    {meta}")?;
    if let Some(a) = &h.attachment {
        let page = a.page.map(|p| format!("（第 {p} 页）")).unwrap_or_default();
        writeln!(out, "    附件：{}{page}", a.title)?;
    }
    if let Some(s) = &h.snippet {
        writeln!(out, "    {}", s.marked())?;
    }
    Ok(())
}

/// The line that says a query was cut to what search looks at (full and instant search).
fn shortened_note(out: &mut impl Write) -> io::Result<()> {
    writeln!(
        out,
        "(the query was shortened: only its first {} characters and {} words are searched)",
        search::MAX_QUERY_CHARS,
        search::MAX_QUERY_TERMS
    )
}

fn search(data_dir: &Path, query: &str, filter: &SearchFilter, limit: usize, instant: bool, json: bool) -> CmdResult {
    let store = open_existing_to_read(data_dir)?;
    let searcher = Searcher::new(&store)?;
    let mut out = terminal_out(json);
    if instant {
        // what instant search looks for, and whether the query was cut to get it
        let (searched, shortened) = search::bound_query(query);
        let hits = searcher.instant(&store, query, limit)?;
        if json {
            let v = serde_json::json!({ "query": searched, "shortened": shortened, "hits": hits });
            writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        } else {
            if shortened {
                shortened_note(&mut out)?;
            }
            if hits.is_empty() {
                writeln!(out, "no instant match for \"{searched}\" (for a full search, leave out --instant)")?;
            }
            for (i, h) in hits.iter().enumerate() {
                print_hit(&mut out, i + 1, h)?;
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let results = searcher.search(&store, query, filter, limit, 0)?;
    if let Err(e) = search::record_search(&store, query, filter, 0, results.total) {
        tracing::warn!(error = %e, "the search was not counted");
    }
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&results)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(out, "{} result(s) for \"{}\"", results.total, results.query)?;
    if results.shortened {
        shortened_note(&mut out)?;
    }
    for (i, h) in results.hits.iter().enumerate() {
        print_hit(&mut out, i + 1, h)?;
    }
    if results.total > 0 {
        let c = &results.counts;
        let show = |label: &str, v: &[(String, u64)], name: &dyn Fn(&str) -> String| -> String {
            let parts: Vec<String> = v.iter().take(8).map(|(k, n)| format!("{} {n}", name(k))).collect();
            format!("{label}：{}", parts.join("，"))
        };
        let kind_name = |k: &str| DocKind::parse(k).map(|x| x.label().to_string()).unwrap_or_else(|| k.to_string());
        let validity_name =
            |k: &str| Validity::parse(k).map(|x| x.label().to_string()).unwrap_or_else(|| k.to_string());
        let item_name = |k: &str| ItemKind::parse(k).map(|x| x.label().to_string()).unwrap_or_else(|| k.to_string());
        let same = |k: &str| k.to_string();
        writeln!(out, "—")?;
        for (label, values, name) in [
            ("类型", &c.item, &item_name as &dyn Fn(&str) -> String),
            ("类别", &c.kind, &kind_name),
            ("重点领域", &c.area, &same),
            ("年份", &c.year, &same),
            ("有效性", &c.validity, &validity_name),
        ] {
            if !values.is_empty() {
                writeln!(out, "{}", show(label, values, name))?;
            }
        }
    } else {
        if !results.suggestions.is_empty() {
            writeln!(out, "try instead:")?;
            for s in &results.suggestions {
                writeln!(out, "  {} ({} results)", s.query, s.total)?;
            }
        }
        if !results.related.is_empty() {
            writeln!(out, "related guides and questions:")?;
            for (i, h) in results.related.iter().enumerate() {
                print_hit(&mut out, i + 1, h)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn zero_results(data_dir: &Path, json: bool) -> CmdResult {
    // writes too: the days past the keeping period are forgotten first
    let store = open_existing(data_dir)?;
    search::expire_zero_results(&store)?;
    let rows = store.zero_result_queries()?;
    if json {
        outln!("{}", serde_json::to_string_pretty(&rows)?);
    } else {
        for r in rows {
            outln!("{}  {:>4}  {}", r.day, r.count, r.query);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn reindex(data_dir: &Path, bitmaps_only: bool) -> CmdResult {
    let mut store = open_existing(data_dir)?;
    let started = std::time::Instant::now();
    if !bitmaps_only {
        let items = store.rebuild_search_index()?;
        outln!("search index rebuilt: {items} items");
    } else {
        store.refresh_search_bitmaps()?;
    }
    let bitmaps = store.search_bitmap_count()?;
    outln!("bitmaps of frequent tokens and phrases: {bitmaps}; {:.1} s", started.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}

fn status(data_dir: &Path, json: bool) -> CmdResult {
    let store = open_existing_to_read(data_dir)?;
    let snap = store.snapshot()?;
    let counts = store.counts()?;
    let site = store.site()?;
    let sync = crate::sync::status(&store)?;
    if json {
        let v = serde_json::json!({
            "data_dir": data_dir,
            "zone": site.as_ref().map(|s| &s.name),
            "sample": site.as_ref().map(|s| s.sample),
            "snapshot": snap,
            "counts": counts,
            "sync": sync,
        });
        outln!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(s) = &site {
        outln!("专区：{}{}", s.name, if s.sample { "（示例内容）" } else { "" });
    }
    outln!("data directory: {}", data_dir.display());
    if let Some(s) = snap {
        outln!("content version {} from {}, applied {}", s.version, s.source, s.applied_at);
        if let Some(d) = s.newest_document {
            outln!("content as of {d} (newest document)");
        }
    }
    outln!(
        "{} documents ({} in force, {} interpretations), {} guides, {} boards, {} FAQ entries",
        counts.documents,
        counts.in_force,
        counts.interpretations,
        counts.guides,
        counts.boards,
        counts.faqs
    );
    if let Some(p) = &sync.pack {
        outln!(
            "pack version {} from {}, published {}, valid until {}{}",
            p.version,
            p.source,
            p.created,
            p.expires,
            if sync.expired { " (EXPIRED: the publisher has not published since)" } else { "" }
        );
        if p.signed_by.is_empty() {
            outln!(
                "signed by: not recorded (synced before the kiosk recorded signing keys); version {} stays the floor until a sync records the key",
                p.version
            );
        } else {
            let floors: Vec<String> = p.key_versions.iter().map(|(k, v)| format!("{k} {v}")).collect();
            outln!(
                "signed by key {}; no pack below a key's highest applied version is taken while that key is trusted: {}",
                p.signed_by.join(", "),
                floors.join(", ")
            );
        }
    }
    if let Some(r) = &sync.last_success {
        outln!("last successful sync: {} ({}: {})", r.at, r.outcome, r.detail);
    }
    if let Some(r) = sync.last.as_ref().filter(|r| r.outcome == "failed") {
        outln!("last sync attempt failed at {}: {}", r.at, r.detail);
    }
    Ok(ExitCode::SUCCESS)
}

fn keygen(out: &Path) -> CmdResult {
    let key = crate::pack::SecretKey::generate();
    let public_path = key.write_new(out)?;
    errln!("secret key written to {} (mode 0600; keep it on the publishing machine only)", out.display());
    errln!("public key written to {}; put it in each kiosk's sync.trusted_keys:", public_path.display());
    outln!("{}", key.public().to_hex());
    // the id `status` and the manifests' signers show for this key
    errln!("key id: {}", key.public().id());
    Ok(ExitCode::SUCCESS)
}

fn publish(src: &Path, out: &Path, key: &Path, version: Option<u64>, valid_days: u32, json: bool) -> CmdResult {
    use crate::publish::PublishError;
    let nothing_written = || errln!("nothing was published; {} is unchanged", out.display());
    let key = match crate::pack::SecretKey::read(key) {
        Ok(k) => k,
        Err(e) => {
            errln!("error: {e}");
            nothing_written();
            return Ok(ExitCode::FAILURE);
        }
    };
    let opts = crate::publish::PublishOptions { version, valid_for: chrono::Duration::days(i64::from(valid_days)) };
    match crate::publish::publish(src, out, &key, &opts) {
        Ok(r) => {
            if json {
                outln!("{}", serde_json::to_string_pretty(&r)?);
            } else {
                outln!(
                    "published pack version {} to {}: {} items in {} shards; {} files written ({}), {} reused; a fresh kiosk downloads {}; valid until {}",
                    r.version,
                    out.display(),
                    r.items,
                    r.shards,
                    r.files_written,
                    human_bytes(r.bytes_written),
                    r.files_reused,
                    human_bytes(r.pack_bytes),
                    r.expires
                );
                let a = &r.attachments;
                outln!(
                    "attachments: {} PDFs read, {} office and OFD files converted, {} video/audio files",
                    a.pdfs,
                    a.converted,
                    a.media
                );
                for p in &a.problems {
                    errln!("attachment shown as a QR card only: {p}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(PublishError::Source(e)) => {
            errln!("{}", e.listing());
            nothing_written();
            Ok(ExitCode::FAILURE)
        }
        // refused before the first file is written
        Err(
            e @ (PublishError::VersionNotAbove { .. }
            | PublishError::VersionZero
            | PublishError::VersionTooHigh { .. }
            | PublishError::Validity { .. }),
        ) => {
            errln!("error: {e}");
            nothing_written();
            Ok(ExitCode::FAILURE)
        }
        // the manifest is written last (renamed into place), so it was not replaced
        Err(e @ (PublishError::Io { .. } | PublishError::Changed { .. })) => {
            errln!("error: {e}");
            errln!(
                "the pack was not published: the manifest in {} was not replaced, so kiosks still get the pack published before (if any); files already written under objects/ are reused by the next publish",
                out.display()
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

fn harvest(profile: &Path, out: &Path, dry_run: bool, json: bool) -> CmdResult {
    use crate::harvest::{HarvestError, Options, Profile};
    let profile = match Profile::load(profile) {
        Ok(p) => p,
        Err(e) => {
            errln!("{e}");
            return Ok(ExitCode::from(EXIT_USAGE));
        }
    };
    match crate::harvest::harvest(&profile, out, &Options { dry_run }) {
        Ok(report) => {
            if json {
                outln!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                out!("{}", report.text());
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e @ HarvestError::Unreachable(_)) => {
            errln!("error: {e}");
            Ok(ExitCode::FAILURE)
        }
        Err(e) => Err(e.into()),
    }
}

fn human_bytes(b: u64) -> String {
    match b {
        b if b >= 1 << 30 => format!("{:.2} GB", b as f64 / (1u64 << 30) as f64),
        b if b >= 1 << 20 => format!("{:.1} MB", b as f64 / (1u64 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}

fn sync(
    config: &Config,
    data_dir: &Path,
    source: Option<&str>,
    trust: &[String],
    concurrency: u32,
    json: bool,
) -> CmdResult {
    use crate::sync::{Progress, SyncOptions, SyncOutcome};
    let mut opts = match SyncOptions::from_config(config, source) {
        Ok(o) => o,
        Err(e) => {
            errln!("error: {e}");
            return Ok(ExitCode::from(EXIT_USAGE));
        }
    };
    for k in trust {
        match crate::pack::PublicKey::parse(k) {
            Ok(k) => opts.trusted_keys.push(k),
            Err(e) => return Ok(usage_error(&e.to_string())),
        }
    }
    // 1 to 32: clap refuses anything else
    opts.concurrency = concurrency as usize;
    let mut store = Store::open(data_dir)?;
    let tty = io::IsTerminal::is_terminal(&io::stderr());
    let last_line = std::sync::Mutex::new(std::time::Instant::now());
    let progress = |p: Progress| match p {
        Progress::CheckingManifest => errln!("checking {}", opts.manifest_url()),
        Progress::Downloading { files_done, files_total, bytes_done, bytes_total, bytes_per_sec } => {
            let frac = if bytes_total > 0 { bytes_done as f64 / bytes_total as f64 } else { 1.0 };
            let filled = (frac * 30.0).round() as usize;
            let line = format!(
                "[{}{}] {files_done}/{files_total} files, {} of {}, {}/s",
                "#".repeat(filled.min(30)),
                " ".repeat(30 - filled.min(30)),
                human_bytes(bytes_done),
                human_bytes(bytes_total),
                human_bytes(bytes_per_sec)
            );
            if tty {
                err!("\r{line}   ");
            } else {
                // Not a terminal (a log): a line every few seconds and the last one.
                let mut last = last_line.lock().unwrap_or_else(|p| p.into_inner());
                if last.elapsed() >= std::time::Duration::from_secs(5) || files_done == files_total {
                    *last = std::time::Instant::now();
                    errln!("{line}");
                }
            }
        }
        Progress::Applying { items } => {
            if tty {
                errln!();
            }
            errln!("applying {items} changed items in one transaction");
        }
        Progress::Applied { .. } => {}
    };
    match crate::sync::sync(&mut store, data_dir, &opts, &progress) {
        Ok(s) => {
            if json {
                outln!("{}", serde_json::to_string_pretty(&s)?);
            } else {
                match &s.outcome {
                    SyncOutcome::Unchanged { version } => outln!(
                        "content is up to date (pack version {version}); {} transferred",
                        human_bytes(s.transferred)
                    ),
                    SyncOutcome::Updated { from, to, report } => {
                        let t = report.total();
                        outln!(
                            "updated to pack version {to}{}: {} added, {} changed, {} removed; {} files, {} downloaded in {:.1} s; content version {}",
                            from.map(|f| format!(" (from {f})")).unwrap_or_default(),
                            t.added,
                            t.changed,
                            t.removed,
                            s.files,
                            human_bytes(s.transferred),
                            s.seconds,
                            report.version
                        );
                    }
                }
            }
            // the staging folder is deleted in the background: finish before the process exits
            crate::sync::retire::wait();
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            crate::sync::retire::wait();
            errln!("sync failed: {e}");
            let serving = store.snapshot()?;
            match &serving {
                Some(snap) => errln!("the kiosk keeps serving content version {} ({})", snap.version, snap.source),
                None => errln!("the kiosk has no content yet"),
            }
            // --json: a script reading stdout gets an object on failure too
            if json {
                outln!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "error": e.to_string(),
                        "serving": serving.as_ref().map(|s| serde_json::json!({"version": s.version, "source": s.source})),
                    }))?
                );
            }
            Ok(ExitCode::FAILURE)
        }
    }
}
