//! Files strangers send: receipt photos and PDFs, product photos.
//!
//! [`inspect`] decides what a file is by its bytes, refuses what is too big, unreadable or
//! active, and makes the thumbnail; [`store`] keeps the bytes under content-addressed keys, on
//! local disk, in memory (tests) or, with the `s3` feature, in an S3 bucket ([`s3`]). No
//! business rules live here and nothing here touches the database: `domain` decides which file
//! an order or a product may have.
pub mod inspect;
mod jpeg;
mod kind;
mod pdf;
mod pdf_filters;
mod rejection;
#[cfg(feature = "s3")]
pub mod s3;
pub mod store;

pub use inspect::{Inspected, Limits, PdfFlag};
pub use kind::FileKind;
pub use rejection::{REJECTION_KEYS, Rejection};
pub use store::{FileStore, StoreError};
