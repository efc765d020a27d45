//! The command line's side of fleet health: `metrics` (the Prometheus file, or the status
//! object), `upload --status` and `report DIR --fleet`.

use std::path::Path;
use std::process::ExitCode;

use super::{CmdResult, usage_error};
use crate::config::Config;
use crate::metrics::{self, Live, PrinterState};
use crate::store::Store;

/// The kiosk's health as the command line sees it: the window is not this process, so no
/// touch is known and the printer is read now (over IPP).
fn gather(store: &Store, config: &Config, data_dir: &Path) -> Result<metrics::KioskStatus, crate::store::StoreError> {
    let dest = crate::print::Destination::from_config(&config.printer, data_dir);
    let printer = PrinterState::from_readiness(&crate::print::readiness(&dest));
    let live = Live { up: false, last_touch: None, printer: Some(printer) };
    metrics::gather(store, config, data_dir, &live, chrono::Utc::now())
}

pub(super) fn metrics(config: &Config, data_dir: &Path, write: bool, out: Option<&Path>, json: bool) -> CmdResult {
    let store = Store::open(data_dir)?;
    let status = gather(&store, config, data_dir)?;
    let text = if json { serde_json::to_string_pretty(&status)? + "\n" } else { metrics::render(&status) };
    let target = if write { Some(config.metrics.file()) } else { out.map(Path::to_path_buf) };
    match target {
        Some(path) => {
            metrics::write_atomically(&path, &text)
                .map_err(|e| metrics::MetricsError::Write { path: path.clone(), source: e })?;
            errln!("wrote {}", path.display());
        }
        None => out!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn queue_status(store: &Store, config: &Config, data_dir: &Path) -> CmdResult {
    let status = gather(store, config, data_dir)?;
    crate::upload::queue_status(store, &status)?;
    Ok(ExitCode::SUCCESS)
}

pub(super) fn fleet_report(dir: &Path, json: bool, expect: Option<&Path>, out: Option<&Path>) -> CmdResult {
    if !dir.is_dir() {
        return Ok(usage_error(&format!("{} is not a folder of uploaded batches", dir.display())));
    }
    let expected = match expect {
        Some(p) => {
            crate::fleet::read_expected(&std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?)
        }
        None => Vec::new(),
    };
    let report = crate::report::read(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for (path, why) in &report.skipped {
        errln!("skipped {}: {why}", path.display());
    }
    let fleet = crate::fleet::build(&report, &expected, chrono::Utc::now());
    let text = if json { fleet.json() + "\n" } else { fleet.html() };
    errln!(
        "{} kiosk(s): {} never seen, {} not seen for a day, {} need attention, {} ok",
        fleet.kiosks.len(),
        fleet.count(crate::fleet::Health::NeverSeen),
        fleet.count(crate::fleet::Health::NotSeen),
        fleet.count(crate::fleet::Health::Attention),
        fleet.count(crate::fleet::Health::Ok)
    );
    match out {
        Some(path) => std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?,
        None => out!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}
