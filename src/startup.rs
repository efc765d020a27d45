//! Getting the content store ready for the kiosk's window: a schema upgrade or a search index
//! rebuild after the kiosk itself was upgraded (49 s at 100,000 documents, minutes at 500,000),
//! and the bundled demo content in an empty store. The window opens first and runs this in a
//! task, showing "正在准备内容" meanwhile, so a visitor never faces a dark screen.

use std::path::Path;
use std::time::Duration;

use crate::store::{Store, StoreError};

/// Opens the store (migrating it if needed); an empty store gets the bundled demo content.
pub fn open_with_content(data_dir: &Path) -> Result<Store, Box<dyn std::error::Error>> {
    let mut store = Store::open(data_dir)?;
    if store.snapshot()?.is_none() {
        match crate::assets::demo_content_dir() {
            Some(demo) => {
                tracing::info!(source = %demo.display(), "empty store: importing the bundled demo content");
                if let Err(e) = store.import_folder(&demo) {
                    tracing::error!(source = %demo.display(), "the bundled demo content could not be imported:\n{e}");
                }
            }
            None => tracing::warn!("empty store and no bundled demo content found; the kiosk will show no content"),
        }
    }
    Ok(store)
}

/// Prepares the store for the window ([`open_with_content`]). While it works, systemd is told
/// that the start goes on (else `TimeoutStartSec=` would stop a long rebuild half-way, and every
/// restart would begin it again). A store that cannot be written for want of space but can be
/// read at this version's schema, with content, counts as ready (a warning in the log): the
/// screens read it as it is. The error is for the log; the window shows its own message when
/// Home cannot be read.
pub fn prepare_store(data_dir: &Path) -> Result<(), String> {
    let notifier = crate::watchdog::Notifier::from_env();
    let prepared = crate::watchdog::while_starting(
        &notifier,
        Duration::from_secs(5),
        Duration::from_secs(20),
        "preparing the content store (a schema upgrade or a search index rebuild)",
        || open_with_content(data_dir),
    );
    match prepared {
        Ok(store) => {
            drop(store);
            // staging folders a sync moved aside and a stopped process did not finish deleting
            crate::sync::retire::delete_leftovers(data_dir);
            Ok(())
        }
        // Nothing can be written (the disk full), but the content is there and current: the
        // screens read it as it is (`Store::open_read_only`); the next start finishes the rest.
        Err(e)
            if e.downcast_ref::<StoreError>().is_some_and(StoreError::is_disk_full)
                && Store::open_read_only(data_dir).and_then(|s| s.snapshot()).is_ok_and(|s| s.is_some()) =>
        {
            tracing::warn!(
                error = %e,
                data_dir = %data_dir.display(),
                "the content store cannot be written (is the disk full?); its content is shown as it is"
            );
            Ok(())
        }
        Err(e) => {
            tracing::error!(error = %e, data_dir = %data_dir.display(), "the content store could not be prepared");
            Err(e.to_string())
        }
    }
}
