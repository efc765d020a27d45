//! gongkai-kiosk: a touchscreen kiosk for 政务公开专区.
//!
//! The core (`content`, `store`, `config`, …) knows nothing of the UI; only [`ui`] uses iced.

pub mod account;
pub mod assets;
pub mod attachments;
pub mod cli;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod fleet;
pub mod fuzzing;
pub mod handwriting;
pub mod harvest;
pub mod ime;
pub mod jitter;
pub mod logging;
pub mod media;
pub mod memory;
pub mod metrics;
pub mod pack;
pub mod print;
pub mod publish;
pub mod qr;
pub mod report;
pub mod search;
pub mod sound;
pub mod speech;
pub mod startup;
pub mod store;
pub mod sync;
pub mod text;
pub mod toml_reader;
pub mod ui;
pub mod upload;
pub mod watchdog;
