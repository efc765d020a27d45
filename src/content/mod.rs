//! The domain: documents, interpretations, service guides, QR boards, policy Q&A and the zone,
//! and the publisher's source-folder format they are written in.

mod fields;
pub mod hours;
pub mod markdown;
mod model;
mod source;

pub use model::*;
pub use source::{MAX_BLOB_BYTES, MAX_TEXT_BYTES, SourceError, load, media_type};
