//! Domain tests against a real database: SQLite by default, PostgreSQL or MariaDB when
//! `DATABASE_URL` names one. Every test gets a fresh database of its own.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod audit;
mod auth;
mod bulk;
mod cart;
mod customer_blocks;
mod customers;
mod deliveries;
mod import;
mod invites;
mod messages;
mod notices;
mod outbox;
mod pages;
mod photo;
mod races;
mod receipts;
mod redis_bus;
mod roles;
mod staff;
mod stock;
mod support;
mod texts;
mod transitions;
mod updates;
