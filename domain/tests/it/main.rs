//! Domain tests against a real database: SQLite by default, PostgreSQL or MariaDB when
//! `DATABASE_URL` names one. Every test gets a fresh database of its own.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod audit;
mod auth;
mod cart;
mod messages;
mod notices;
mod outbox;
mod races;
mod receipts;
mod staff;
mod stock;
mod support;
mod transitions;
mod updates;
