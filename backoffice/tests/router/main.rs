//! The real router, request by request, on a real database: login, the pages, and everything a
//! stranger, another store's admin or a forged token tries.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod access;
mod access_ends;
mod audit;
mod customers;
mod deliveries;
mod digest;
mod email;
mod fanout;
mod first_run;
mod live;
mod login;
mod order_steps;
mod pages;
mod people;
mod photo;
mod product_csv;
mod products;
mod proxy;
mod sandbox;
mod sse;
mod stores;
mod support;
mod texts;
