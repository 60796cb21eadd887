//! The fuzz targets' checks, from `checks/`: the same files the corpus replay tests in
//! `bot/tests/fuzz_corpus.rs` and `domain/tests/fuzz_corpus.rs` include.
#[path = "../checks/bot.rs"]
pub mod bot;
#[path = "../checks/domain.rs"]
pub mod domain;
