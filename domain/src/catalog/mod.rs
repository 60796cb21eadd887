//! Products and their stock.
pub mod products;
pub mod stock;
