//! The domain: documents, interpretations, service guides, QR boards, policy Q&A and the zone,
//! and the publisher's source-folder format they are written in.

mod fields;
pub mod hours;
pub mod markdown;
mod model;
mod source;
pub mod tree;

pub use model::*;
pub use source::{MAX_BLOB_BYTES, MAX_FOLDER_DEPTH, MAX_TEXT_BYTES, SourceError, load, load_tree, media_type};
