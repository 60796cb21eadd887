//! Long polling that loses nothing when the process dies: each fetched update goes through
//! [`crate::intake`] (kept in the database) before the next `getUpdates` acknowledges it.
//! (teloxide's own polling acknowledges a batch as soon as it is queued, so a process killed
//! before its handlers finish would lose it: Telegram never sends it again.)
use std::convert::Infallible;
use std::time::Duration;

use domain::Ctx;
use teloxide::prelude::*;
use teloxide::update_listeners::UpdateListener;

use crate::intake::{self, Intake};
use crate::ledger::Ledger;

/// How long one `getUpdates` waits for news.
const LONG_POLL_SECS: u32 = 10;
/// The longest pause after a failed fetch or a database error.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// The listener for the dispatcher; fetching runs in a task of its own until the dispatcher
/// stops the listener. This process is the only one polling, so whatever an earlier run left
/// unhandled is taken over at once.
pub fn listener(
    bot: Bot,
    ctx: Ctx,
    bot_id: i64,
    ledger: Ledger,
) -> impl UpdateListener<Err = Infallible> + Send {
    let (intake, listener) = intake::open(ctx, bot_id, Duration::ZERO, ledger);
    tokio::spawn(async move {
        tokio::select! {
            _ = intake.stopped() => {}
            _ = fetch(bot, &intake) => {}
        }
    });
    listener
}

async fn fetch(bot: Bot, intake: &Intake) {
    let mut offset: Option<i32> = None;
    let mut backoff = Duration::from_millis(200);
    loop {
        let mut request = bot.get_updates().timeout(LONG_POLL_SECS);
        if let Some(offset) = offset {
            // Acknowledges everything before `offset`: all of it is kept by now.
            request = request.offset(offset);
        }
        let batch = match request.await {
            Ok(batch) => batch,
            Err(e) => {
                tracing::warn!(error = %e, retry_in = ?backoff, "getUpdates failed");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
                continue;
            }
        };
        let Some(last) = batch.iter().map(|u| u.id.0).max() else {
            continue;
        };
        if let Err(e) = intake.receive_batch(batch).await {
            // Not acknowledged: Telegram sends the batch again.
            tracing::warn!(error = %e, "could not keep updates; fetching them again");
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(MAX_BACKOFF);
            continue;
        }
        offset = i32::try_from(i64::from(last) + 1).ok();
        backoff = Duration::from_millis(200);
    }
}
