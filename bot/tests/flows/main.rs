//! The real handler tree against teloxide_tests' mock Bot API, on a real database.
//! One test per process (nextest), as the mock server requires.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod admins;
mod blocked;
mod broadcast;
mod customers;
mod digest;
mod download;
mod groups;
mod invites;
mod limits;
mod login;
mod notifier;
mod photo;
mod polling;
mod receipts;
mod runtime;
mod support;
mod texts;
