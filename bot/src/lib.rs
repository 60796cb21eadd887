//! The Telegram adapter: customers browse, order and send receipts; staff list, verify and
//! reject. Handlers parse an update, call one `domain` function and render its result with
//! texts from `locales/`. Nothing here decides a business rule.
mod admin;
mod afterwards;
pub mod callback;
pub mod chats;
pub mod commands;
mod context;
mod customer;
pub mod detect;
pub mod dialogue;
mod dialogue_rows;
pub mod download;
pub mod intake;
mod keyboards;
pub mod ledger;
pub mod limiter;
mod media;
pub mod notifier;
pub mod polling;
pub mod reply;
mod router;
pub mod runtime;
pub mod send;
pub mod storage;
pub mod webhook;

use std::sync::Arc;

use domain::Ctx;
use files::inspect::Limits;
use files::store::FileStore;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;

pub use context::Who;

pub type BotError = Box<dyn std::error::Error + Send + Sync + 'static>;
pub type HandlerResult = Result<(), BotError>;

/// Everything handlers need, passed as one dependency.
#[derive(Clone)]
pub struct Services {
    pub ctx: Ctx,
    pub files: Arc<dyn FileStore>,
    pub limits: Arc<Limits>,
    /// The bot's own Telegram id: with `update_id`, the key of update de-duplication.
    pub bot_id: i64,
    pub bot_username: String,
    pub limiter: Arc<limiter::RateLimiter>,
    pub dialogues: Arc<storage::DbStorage>,
    pub downloads: Arc<dyn download::Downloader>,
    /// Receipt checks running at once: each image decode may take hundreds of MB.
    pub inspections: Arc<tokio::sync::Semaphore>,
    /// Closing updates, and which ones need no duplicate check ([`ledger`]).
    pub ledger: ledger::Ledger,
}

/// The one handler tree, used by polling, webhooks and the tests alike. First of all, only
/// private chats reach the shop: anything else (groups, channels) is answered at most with one
/// line and changes nothing (see [`chats`]).
pub fn handler_tree() -> UpdateHandler<BotError> {
    intake::mark_handled()
        .branch(
            dptree::filter(|update: Update| !chats::is_private(&update)).endpoint(chats::elsewhere),
        )
        .branch(
            dptree::filter_async(context::not_seen_before)
                .filter_map_async(context::identify)
                .chain(context::claim_when_done())
                .branch(router::tree()),
        )
}
