//! The words every context speaks: ids, money, who acts and through which channel, the clock,
//! errors, staff roles and what each may do, the database helpers, deep links, and the CSV
//! guard, the shop languages. No business flow lives here; everything else builds on it.
pub mod actor;
pub mod clock;
pub mod db;
pub mod deeplink;
pub mod error;
pub mod ids;
pub mod langs;
pub mod money;
pub mod policy;
pub mod spreadsheet;
