//! The kiosk configuration (`kiosk-config/kiosk.toml`, installed as
//! `/etc/gongkai-kiosk/kiosk.toml`): loading, defaults, and a check that names every unknown
//! key, wrong type and bad value with its line.

use std::fmt;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::diagnostics::{LineIndex, Problem, Problems};
use crate::toml_reader::{self, Field, Origin, TableReader};

/// Where the kiosk looks for its configuration when `--config` is not given, in order.
pub const SEARCH_PATHS: &[&str] = &["kiosk-config/kiosk.toml", "/etc/gongkai-kiosk/kiosk.toml"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orientation {
    /// Chosen from the window's shape.
    Auto,
    Landscape,
    Portrait,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrinterBackend {
    /// A CUPS queue, over IPP.
    Cups,
    /// Save PDFs into a directory (no printer attached).
    Directory,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Language {
    /// 简体中文
    ZhHans,
    /// 繁體中文
    ZhHant,
    English,
}

impl Language {
    pub fn code(self) -> &'static str {
        match self {
            Language::ZhHans => "zh-Hans",
            Language::ZhHant => "zh-Hant",
            Language::English => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "zh-Hans" | "zh-CN" | "zh" => Some(Language::ZhHans),
            "zh-Hant" | "zh-TW" | "zh-HK" => Some(Language::ZhHant),
            "en" | "en-US" | "en-GB" => Some(Language::English),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncConfig {
    /// Base URL of the published pack; `None` = no sync (content from `import` only).
    pub source_url: Option<String>,
    /// ed25519 public keys (64 hex digits) whose signatures are accepted; several allow rotation.
    pub trusted_keys: Vec<String>,
    pub interval_minutes: u32,
    /// Free disk space (MiB) a sync leaves untouched.
    pub reserve_mb: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UiConfig {
    pub idle_timeout_seconds: u32,
    pub idle_countdown_seconds: u32,
    pub languages: Vec<Language>,
    pub default_language: Language,
    pub orientation: Orientation,
    pub large_text_default: bool,
    pub high_contrast_default: bool,
    pub fullscreen: bool,
    pub hide_cursor: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendantConfig {
    /// Argon2 hash of the attendant PIN (`gongkai-kiosk hash-pin`); `None` disables attendant mode.
    pub pin_hash: Option<String>,
    pub max_attempts: u32,
    pub lockout_seconds: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrinterConfig {
    pub backend: PrinterBackend,
    /// CUPS queue name; `None` = the CUPS default printer.
    pub name: Option<String>,
    /// The CUPS server (an http URL); `None` = http://localhost:631.
    pub server: Option<String>,
    /// Output folder of the directory backend; `None` = `<data_dir>/printed`.
    pub directory: Option<PathBuf>,
    /// Most pages one visitor may print in one session.
    pub page_limit: u32,
}

/// The click on each tap and the chime when the idle countdown starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SoundConfig {
    pub enabled: bool,
    /// 0 to 100.
    pub volume: u8,
}

/// Where feedback and daily statistics are uploaded.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UploadConfig {
    /// Base URL accepting `PUT <url>/<zone_id>/<batch>.json`; `None` = no upload.
    pub url: Option<String>,
}

/// Where the metrics file goes by default: the directory Debian's `prometheus-node-exporter`
/// reads (its `--collector.textfile.directory`), and a name of the kiosk's own.
pub const DEFAULT_METRICS_FILE: &str = "/var/lib/prometheus/node-exporter/gongkai-kiosk.prom";

/// The metrics file for node_exporter's textfile collector (`crate::metrics`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricsConfig {
    /// Off unless kiosk.toml turns it on (the Debian package's does).
    pub enabled: bool,
    /// `None` = `/var/lib/prometheus/node-exporter/gongkai-kiosk.prom` (Debian's collector directory).
    pub path: Option<PathBuf>,
}

impl MetricsConfig {
    /// The file to write.
    pub fn file(&self) -> PathBuf {
        self.path.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_METRICS_FILE))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub zone_id: String,
    pub data_dir: Option<PathBuf>,
    pub sync: SyncConfig,
    pub ui: UiConfig,
    pub attendant: AttendantConfig,
    pub printer: PrinterConfig,
    pub upload: UploadConfig,
    pub sound: SoundConfig,
    pub metrics: MetricsConfig,
    /// Size at which the log file in the data directory is rotated.
    pub log_max_bytes: u64,
    /// The file this was read from, if any.
    pub origin: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            zone_id: "demo".into(),
            data_dir: None,
            sync: SyncConfig { source_url: None, trusted_keys: Vec::new(), interval_minutes: 30, reserve_mb: 200 },
            ui: UiConfig {
                idle_timeout_seconds: 120,
                idle_countdown_seconds: 15,
                languages: vec![Language::ZhHans, Language::ZhHant, Language::English],
                default_language: Language::ZhHans,
                orientation: Orientation::Auto,
                large_text_default: true,
                high_contrast_default: false,
                fullscreen: false,
                hide_cursor: false,
            },
            attendant: AttendantConfig { pin_hash: None, max_attempts: 5, lockout_seconds: 300 },
            printer: PrinterConfig {
                backend: PrinterBackend::Directory,
                name: None,
                server: None,
                directory: None,
                page_limit: 30,
            },
            upload: UploadConfig::default(),
            sound: SoundConfig { enabled: true, volume: 60 },
            metrics: MetricsConfig { enabled: false, path: None },
            log_max_bytes: 5 * 1024 * 1024,
            origin: None,
        }
    }
}

#[derive(Debug)]
pub enum ConfigError {
    Read { path: PathBuf, source: std::io::Error },
    Invalid { problems: Vec<Problem> },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Read { path, source } => write!(f, "{}: cannot be read: {source}", path.display()),
            ConfigError::Invalid { problems } => {
                for p in problems {
                    writeln!(f, "{p}")?;
                }
                write!(
                    f,
                    "{} problem(s) in the configuration; fix them and run `gongkai-kiosk check-config`",
                    problems.len()
                )
            }
        }
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// The configuration file to use: the explicit one, `$GONGKAI_KIOSK_CONFIG`, or the first of
    /// [`SEARCH_PATHS`] that exists. `None` = built-in defaults.
    pub fn locate(explicit: Option<&Path>) -> Option<PathBuf> {
        if let Some(p) = explicit {
            return Some(p.to_path_buf());
        }
        if let Some(p) = std::env::var_os("GONGKAI_KIOSK_CONFIG") {
            return Some(PathBuf::from(p));
        }
        SEARCH_PATHS.iter().map(PathBuf::from).find(|p| p.is_file())
    }

    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let bytes = fs::read(path).map_err(|e| ConfigError::Read { path: path.to_path_buf(), source: e })?;
        let name = path.display().to_string();
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(_) => {
                return Err(ConfigError::Invalid {
                    problems: vec![Problem { file: name, line: 0, field: None, message: "is not UTF-8 text".into() }],
                });
            }
        };
        let mut cfg = Self::parse(&name, &text)?;
        cfg.origin = Some(path.to_path_buf());
        Ok(cfg)
    }

    /// Parses configuration text; `file` names it in messages.
    pub fn parse(file: &str, text: &str) -> Result<Self, ConfigError> {
        let problems = Problems::new();
        let cfg = parse_into(file, text, &problems);
        if problems.is_empty() { Ok(cfg) } else { Err(ConfigError::Invalid { problems: problems.into_sorted() }) }
    }

    /// The data directory: `--data-dir`, else the configured one, else
    /// `$XDG_DATA_HOME/gongkai-kiosk` (or `~/.local/share/gongkai-kiosk`).
    pub fn resolve_data_dir(&self, explicit: Option<&Path>) -> PathBuf {
        if let Some(p) = explicit {
            return p.to_path_buf();
        }
        if let Some(p) = &self.data_dir {
            return p.clone();
        }
        if let Some(x) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
            return PathBuf::from(x).join("gongkai-kiosk");
        }
        match std::env::var_os("HOME").filter(|v| !v.is_empty()) {
            Some(h) => PathBuf::from(h).join(".local/share/gongkai-kiosk"),
            None => PathBuf::from("/var/lib/gongkai-kiosk"),
        }
    }
}

/// The interface languages there are; `ui.languages` may list at most this many.
const MAX_LANGUAGES: usize = 3;

/// `s` as an http or https URL with a host (the scheme in any case, written back in lower
/// case), or `None`: `ftp://…`, `file://…`, a bare word or text with spaces is refused.
pub fn http_url(s: &str) -> Option<String> {
    let s = s.trim();
    let (scheme, rest) = s.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_ok = !host.is_empty() && !host.starts_with(':') && !host.contains('@');
    let chars_ok = rest.chars().all(|c| c.is_ascii_graphic() || !c.is_ascii() && !c.is_control());
    (host_ok && chars_ok && s.len() <= 2048).then(|| format!("{scheme}://{rest}"))
}

fn parse_into(file: &str, text: &str, problems: &Problems) -> Config {
    let mut cfg = Config::default();
    let lines = LineIndex::new(text);
    let origin = Origin { file, text, lines_before: 0, lines: &lines };
    let Some(table) = toml_reader::parse(origin, problems) else { return cfg };
    let mut r = TableReader::new(origin, &table, problems);

    if let Some(z) = r.string(Field::plain("zone_id")) {
        if z.value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') && z.value.len() <= 64 {
            cfg.zone_id = z.value;
        } else {
            r.report(
                &Field::plain("zone_id"),
                z.line,
                format!("\"{}\" may only use letters, digits, '-' and '_' (at most 64)", z.value),
            );
        }
    }
    if let Some(d) = r.string(Field::plain("data_dir")) {
        cfg.data_dir = Some(PathBuf::from(d.value));
    }

    if let Some(mut s) = r.table(Field::plain("sync")) {
        if let Some(u) = s.string(Field::plain("source_url")) {
            if let Some(url) = http_url(&u.value) {
                cfg.sync.source_url = Some(url.trim_end_matches('/').to_string());
            } else {
                s.report(
                    &Field::plain("source_url"),
                    u.line,
                    format!("\"{}\" must start with https:// or http://", u.value),
                );
            }
        }
        for k in s.strings(Field::plain("trusted_keys")) {
            let hex_part = k.value.strip_prefix("ed25519:").unwrap_or(&k.value);
            match crate::pack::PublicKey::parse(hex_part) {
                Ok(_) => cfg.sync.trusted_keys.push(hex_part.to_ascii_lowercase()),
                Err(e @ crate::pack::KeyError::WeakPublic(_)) => {
                    s.report(&Field::plain("trusted_keys"), k.line, e.to_string())
                }
                Err(_) => s.report(
                    &Field::plain("trusted_keys"),
                    k.line,
                    format!(
                        "\"{}\" is not an ed25519 public key (64 hex digits, as printed by `gongkai-kiosk keygen`)",
                        k.value.chars().take(80).collect::<String>()
                    ),
                ),
            }
        }
        if let Some(n) = s.int(Field::plain("interval_minutes"), 1, 7 * 24 * 60) {
            cfg.sync.interval_minutes = n as u32;
        }
        if let Some(n) = s.int(Field::plain("reserve_mb"), 0, 1_000_000) {
            cfg.sync.reserve_mb = n as u64;
        }
        s.finish();
    }

    if let Some(mut u) = r.table(Field::plain("ui")) {
        if let Some(n) = u.int(Field::plain("idle_timeout_seconds"), 20, 3600) {
            cfg.ui.idle_timeout_seconds = n as u32;
        }
        if let Some(n) = u.int(Field::plain("idle_countdown_seconds"), 10, 120) {
            cfg.ui.idle_countdown_seconds = n as u32;
        }
        // Three languages exist; a longer list is a mistake, refused before its items are read.
        let too_long = u.raw_array_len(Field::plain("languages")).filter(|n| n.value > MAX_LANGUAGES);
        if let Some(n) = &too_long {
            u.report(
                &Field::plain("languages"),
                n.line,
                format!("lists {} entries; at most {MAX_LANGUAGES} (zh-Hans, zh-Hant, en)", n.value),
            );
        }
        let langs = if too_long.is_some() { Vec::new() } else { u.strings(Field::plain("languages")) };
        if u.has(Field::plain("languages")) && too_long.is_none() {
            let mut list = Vec::new();
            for l in &langs {
                match Language::parse(&l.value) {
                    Some(lang) if !list.contains(&lang) => list.push(lang),
                    Some(_) => {}
                    None => u.report(
                        &Field::plain("languages"),
                        l.line,
                        format!("\"{}\" is not one of: zh-Hans, zh-Hant, en", l.value),
                    ),
                }
            }
            if list.is_empty() && langs.len() == list.len() {
                u.report_table("languages must list at least one of: zh-Hans, zh-Hant, en");
            }
            if !list.is_empty() {
                cfg.ui.languages = list;
            }
        }
        if let Some(l) = u.choice(Field::plain("default_language"), "zh-Hans, zh-Hant, en", Language::parse) {
            cfg.ui.default_language = l.value;
            if !cfg.ui.languages.contains(&l.value) {
                u.report(
                    &Field::plain("default_language"),
                    l.line,
                    format!("\"{}\" is not in `languages`", l.value.code()),
                );
            }
        } else if !cfg.ui.languages.contains(&cfg.ui.default_language) {
            cfg.ui.default_language = cfg.ui.languages[0];
        }
        if let Some(o) = u.choice(Field::plain("orientation"), "auto, landscape, portrait", |s| match s {
            "auto" => Some(Orientation::Auto),
            "landscape" => Some(Orientation::Landscape),
            "portrait" => Some(Orientation::Portrait),
            _ => None,
        }) {
            cfg.ui.orientation = o.value;
        }
        for (key, slot) in [
            ("large_text_default", &mut cfg.ui.large_text_default),
            ("high_contrast_default", &mut cfg.ui.high_contrast_default),
            ("fullscreen", &mut cfg.ui.fullscreen),
            ("hide_cursor", &mut cfg.ui.hide_cursor),
        ] {
            if let Some(b) = u.bool(Field::plain(key)) {
                *slot = b;
            }
        }
        u.finish();
    }

    if let Some(mut a) = r.table(Field::plain("attendant")) {
        if let Some(h) = a.string(Field::plain("pin_hash")) {
            if PasswordHash::new(&h.value).is_ok() {
                cfg.attendant.pin_hash = Some(h.value);
            } else {
                a.report(
                    &Field::plain("pin_hash"),
                    h.line,
                    "is not a PIN hash; make one with `gongkai-kiosk hash-pin` (never write the PIN itself here)",
                );
            }
        }
        if let Some(n) = a.int(Field::plain("max_attempts"), 1, 20) {
            cfg.attendant.max_attempts = n as u32;
        }
        if let Some(n) = a.int(Field::plain("lockout_seconds"), 10, 86_400) {
            cfg.attendant.lockout_seconds = n as u32;
        }
        a.finish();
    }

    if let Some(mut p) = r.table(Field::plain("printer")) {
        if let Some(b) = p.choice(Field::plain("backend"), "cups, directory", |s| match s {
            "cups" => Some(PrinterBackend::Cups),
            "directory" => Some(PrinterBackend::Directory),
            _ => None,
        }) {
            cfg.printer.backend = b.value;
        }
        cfg.printer.name = p.opt_str(Field::plain("name"));
        if let Some(url) = p.string(Field::plain("server")) {
            match http_url(&url.value) {
                Some(u) => cfg.printer.server = Some(u),
                None => p.report(
                    &Field::plain("server"),
                    url.line,
                    format!(
                        "\"{}\" is not an http:// or https:// URL (for example http://localhost:631)",
                        crate::diagnostics::printable(&url.value, 100)
                    ),
                ),
            }
        }
        cfg.printer.directory = p.opt_str(Field::plain("directory")).map(PathBuf::from);
        if let Some(n) = p.int(Field::plain("page_limit"), 1, 1000) {
            cfg.printer.page_limit = n as u32;
        }
        p.finish();
    }

    if let Some(mut u) = r.table(Field::plain("upload")) {
        if let Some(url) = u.string(Field::plain("url")) {
            if let Some(v) = http_url(&url.value) {
                cfg.upload.url = Some(v);
            } else {
                u.report(
                    &Field::plain("url"),
                    url.line,
                    format!("\"{}\" is not an http:// or https:// URL", url.value),
                );
            }
        }
        u.finish();
    }

    if let Some(mut s) = r.table(Field::plain("sound")) {
        if let Some(b) = s.bool(Field::plain("enabled")) {
            cfg.sound.enabled = b;
        }
        if let Some(n) = s.int(Field::plain("volume"), 0, 100) {
            cfg.sound.volume = n as u8;
        }
        s.finish();
    }

    if let Some(mut m) = r.table(Field::plain("metrics")) {
        if let Some(b) = m.bool(Field::plain("enabled")) {
            cfg.metrics.enabled = b;
        }
        if let Some(p) = m.string(Field::plain("path")) {
            if p.value.ends_with(".prom") {
                cfg.metrics.path = Some(PathBuf::from(p.value));
            } else {
                m.report(
                    &Field::plain("path"),
                    p.line,
                    format!("\"{}\" must end in .prom (node_exporter reads only *.prom files)", p.value),
                );
            }
        }
        m.finish();
    }

    if let Some(mut l) = r.table(Field::plain("log")) {
        if let Some(n) = l.int(Field::plain("max_file_kib"), 64, 1024 * 1024) {
            cfg.log_max_bytes = n as u64 * 1024;
        }
        l.finish();
    }
    r.finish();
    cfg
}

/// Hashes an attendant PIN for `pin_hash` (Argon2id, random salt).
pub fn hash_pin(pin: &str) -> Result<String, String> {
    let pin = pin.trim();
    if pin.len() < 4 || pin.len() > 12 || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err("a PIN is 4 to 12 digits".into());
    }
    let mut salt = [0u8; 16];
    fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut salt))
        .map_err(|e| format!("cannot read /dev/urandom for a salt: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    Argon2::default().hash_password(pin.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| e.to_string())
}

/// Checks a PIN against a `pin_hash`.
pub fn verify_pin(hash: &str, pin: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(pin.trim().as_bytes(), &h).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        match Config::parse("kiosk.toml", text) {
            Ok(_) => Vec::new(),
            Err(ConfigError::Invalid { problems }) => problems.iter().map(|p| p.to_string()).collect(),
            Err(e) => vec![e.to_string()],
        }
    }

    #[test]
    fn empty_config_gives_defaults() {
        assert_eq!(Config::parse("k", "").unwrap(), Config::default());
    }

    #[test]
    fn misspelled_key_named_with_line() {
        let p = problems("zone_id = \"a\"\n\n[ui]\nidle_timout_seconds = 90\n");
        assert_eq!(
            p,
            vec!["kiosk.toml:4: ui.idle_timout_seconds is not a known field; did you mean `idle_timeout_seconds`?"]
        );
    }

    #[test]
    fn wrong_types_and_values_all_reported() {
        let p = problems(
            "[ui]\nidle_timeout_seconds = \"90\"\norientation = \"sideways\"\n[printer]\npage_limit = 0\n[attendant]\npin_hash = \"1234\"\n",
        );
        assert_eq!(p.len(), 4, "{p:?}");
        assert!(p[0].starts_with("kiosk.toml:2: ui.idle_timeout_seconds must be a whole number"));
        assert!(p[1].starts_with("kiosk.toml:3: ui.orientation \"sideways\" is not one of"));
        assert!(p[2].starts_with("kiosk.toml:5: printer.page_limit 0 is out of range"));
        assert!(p[3].starts_with("kiosk.toml:7: attendant.pin_hash is not a PIN hash"));
    }

    #[test]
    fn pin_hash_round_trip() {
        let h = hash_pin("2468").unwrap();
        assert!(verify_pin(&h, "2468"));
        assert!(!verify_pin(&h, "2469"));
        assert!(hash_pin("12").is_err());
        let cfg = Config::parse("k", &format!("[attendant]\npin_hash = \"{h}\"\n")).unwrap();
        assert_eq!(cfg.attendant.pin_hash.as_deref(), Some(h.as_str()));
    }
}
