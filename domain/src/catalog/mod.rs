//! Products, their texts in other languages, their stock, and CSV import.
pub mod csv;
pub mod export;
pub mod import;
pub mod photo;
pub(crate) mod photo_problem;
pub mod products;
pub mod stock;
pub mod texts;
