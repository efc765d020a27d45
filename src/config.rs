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

/// The longest URL accepted anywhere.
const MAX_URL_CHARS: usize = 2048;

/// What `sync` and `check-config` say when no key is trusted: without one no pack can be
/// verified, so nothing is downloaded.
pub const NO_TRUSTED_KEYS: &str = "no trusted keys: set sync.trusted_keys in kiosk.toml to the publisher's public key \
     (printed by `gongkai-kiosk keygen`) or pass --trust KEY; without one no pack can be verified, so nothing is downloaded";

/// `s` checked as the base URL of a server the kiosk talks to (`sync.source_url`,
/// `upload.url`, `printer.server`, `sync --source`, `upload --url`): http or https (in any
/// case, written back in lower case), a host, a port from 1 to 65535 if one is given, no
/// spaces or control characters, no user name or password, no query or fragment (the kiosk
/// appends paths to it), at most 2048 characters; parsed whole, as the HTTP client will. The
/// error completes a sentence that starts with the quoted URL, e.g. "`http://[::1` is not a
/// usable URL: the IPv6 address `[::1` has no closing `]`…".
pub fn http_url(s: &str) -> Result<String, String> {
    use crate::diagnostics::printable;
    const NOT_HTTP: &str = "is not an http:// or https:// URL";
    const UNUSABLE: &str = "is not a usable URL";
    if s.chars().count() > MAX_URL_CHARS {
        return Err(format!("{UNUSABLE}: it is longer than {MAX_URL_CHARS} characters"));
    }
    if let Some((i, c)) = s.chars().enumerate().find(|(_, c)| c.is_whitespace() || c.is_control()) {
        let what = if c == ' ' { "a space".to_string() } else { format!("the character U+{:04X}", c as u32) };
        return Err(format!("{UNUSABLE}: it contains {what} (character {}); write it without spaces", i + 1));
    }
    let Some((scheme, rest)) = s.split_once("://") else {
        return Err(format!("{NOT_HTTP} (write it as http://host:port/path or https://host/path)"));
    };
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(format!("{NOT_HTTP} (its scheme is `{}`)", printable(&scheme, 20)));
    }
    let authority = rest.split(['/', '\\', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Err("holds a user name or password (before `@`): credentials are not accepted in a URL, \
             where they would be readable in the configuration file and in the logs; give the URL without them"
            .into());
    }
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let Some((addr, after)) = v6.split_once(']') else {
                return Err(format!(
                    "{UNUSABLE}: the IPv6 address `[{}` has no closing `]` (write it as http://[::1]:631/)",
                    printable(v6, 60)
                ));
            };
            if addr.parse::<std::net::Ipv6Addr>().is_err() {
                return Err(format!("{UNUSABLE}: `[{}]` is not an IPv6 address", printable(addr, 60)));
            }
            match after.strip_prefix(':') {
                Some(p) => (v6, Some(p)),
                None if after.is_empty() => (v6, None),
                None => {
                    return Err(format!(
                        "{UNUSABLE}: `{}` after the IPv6 address is not a port (write it as http://[::1]:631/)",
                        printable(after, 20)
                    ));
                }
            }
        }
        None => match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        },
    };
    if host.is_empty() {
        return Err(format!("{NOT_HTTP}: it names no host"));
    }
    if let Some(p) = port.filter(|p| !p.is_empty())
        && !matches!(p.parse::<u16>(), Ok(n) if n > 0)
    {
        return Err(format!("{UNUSABLE}: its port `{}` is not a number from 1 to 65535", printable(p, 20)));
    }
    if rest.contains(['?', '#']) {
        return Err(format!(
            "{UNUSABLE} here: it has a query (`?…`) or a fragment (`#…`), and the kiosk adds paths to it; \
             give the folder's URL only"
        ));
    }
    let url = format!("{scheme}://{rest}");
    match reqwest::Url::parse(&url) {
        Ok(u) if u.host().is_some() && u.username().is_empty() && u.password().is_none() => Ok(url),
        Ok(_) => Err(format!("{NOT_HTTP}: it names no host")),
        Err(e) => Err(format!("{UNUSABLE}: {e}")),
    }
}

/// A config problem for a URL [`http_url`] refused: the value (as [`shown_url`]) and why.
fn url_problem(value: &str, why: &str) -> String {
    format!("\"{}\" {why}", shown_url(value))
}

/// `url` as a message may show it: a user name and password (refused by [`http_url`]) left
/// out as `…@`, control characters escaped, at most 200 characters.
pub fn shown_url(url: &str) -> String {
    let masked = match url.split_once("://") {
        Some((scheme, rest)) => {
            let end = rest.find(['/', '\\', '?', '#']).unwrap_or(rest.len());
            match rest[..end].rfind('@') {
                Some(at) => format!("{scheme}://…@{}", &rest[at + 1..]),
                None => url.to_string(),
            }
        }
        None => url.to_string(),
    };
    crate::diagnostics::printable(&masked, 200).into_owned()
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
            match http_url(&u.value) {
                Ok(url) => cfg.sync.source_url = Some(url.trim_end_matches('/').to_string()),
                Err(why) => s.report(&Field::plain("source_url"), u.line, url_problem(&u.value, &why)),
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
                        format!(
                            "\"{}\" is not one of: zh-Hans, zh-Hant, en",
                            crate::diagnostics::printable(&l.value, 100)
                        ),
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
                Ok(u) => cfg.printer.server = Some(u),
                Err(why) => p.report(&Field::plain("server"), url.line, url_problem(&url.value, &why)),
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
            match http_url(&url.value) {
                Ok(v) => cfg.upload.url = Some(v),
                Err(why) => u.report(&Field::plain("url"), url.line, url_problem(&url.value, &why)),
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
    fn urls_are_checked_whole_and_say_what_is_wrong() {
        for ok in ["http://localhost:631", "HTTPS://example.org/p/", "http://[::1]:8080/pack", "http://127.0.0.1/"] {
            assert!(http_url(ok).is_ok(), "{ok}: {:?}", http_url(ok));
        }
        assert_eq!(http_url("HTTP://example.org/p").unwrap(), "http://example.org/p");
        for (bad, why) in [
            ("http://[::1", "no closing `]`"),
            ("http://[::zz]/", "not an IPv6 address"),
            ("http://127.0.0.1:99999/", "port `99999`"),
            ("http://localhost:0", "port `0`"),
            ("http://localhost:6x1/", "port `6x1`"),
            ("http://user:pw@example.org/", "credentials are not accepted"),
            ("http://a b/", "a space"),
            ("http://example.org/p?x=1", "query"),
            ("ftp://example.org/", "not an http:// or https:// URL"),
            ("garbage", "not an http:// or https:// URL"),
            ("http://", "names no host"),
            ("http://:80/", "names no host"),
            ("http://exa%mple.org/", "not a usable URL"),
        ] {
            let e = http_url(bad).expect_err(bad);
            assert!(e.contains(why), "{bad}: {e}");
        }
        let p = problems("[sync]\nsource_url = \"http://[::1\"\n[upload]\nurl = \"http://u:p@h/\"\n");
        assert!(p[0].starts_with("kiosk.toml:2: sync.source_url \"http://[::1\" is not a usable URL"), "{p:?}");
        assert!(p[1].starts_with("kiosk.toml:4: upload.url") && p[1].contains("credentials"), "{p:?}");
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
