//! Telegram notifications, fed by the outbox — never sent from inside another user's handler.
//! Runs through teloxide's `Throttle` in production (1 message/s per chat, 30/s overall); a 429
//! waits the time Telegram asks for and tries again, so nothing is dropped.
use std::time::Duration;

use domain::Ctx;
use domain::events::consumer;
use domain::notifications::{self, Notice, What};
use i18n::{ArgValue, Lang};
use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::ChatId;
use tokio::sync::watch;

use crate::admin::{receipt_file, send_file};
use crate::keyboards;
use crate::reply::{money, t_args};

pub const CONSUMER: &str = "telegram-notifier";

/// What the notifier sends through: `Bot` in tests, `Throttle<Bot>` in production.
pub trait Sender:
    Requester<Err = RequestError, SendMessage: Send, SendPhoto: Send, SendDocument: Send>
{
}

impl<R> Sender for R where
    R: Requester<Err = RequestError, SendMessage: Send, SendPhoto: Send, SendDocument: Send>
{
}
const RETRIES: usize = 5;

/// Handles the events not yet notified. Returns how many events were done, or `None` when
/// another instance is the notifier right now.
pub async fn run_once<R: Sender>(
    bot: &R,
    ctx: &Ctx,
    files: &dyn domain::receipts::storage::ReceiptStorage,
    owner: &str,
) -> Result<Option<usize>, domain::Error> {
    let Some(batch) = consumer::next_batch(ctx, CONSUMER, owner, 100).await? else {
        return Ok(None);
    };
    let mut done = 0;
    for event in batch {
        for notice in notifications::for_event(&ctx.db, &event.event).await? {
            if let Err(e) = deliver(bot, files, &notice).await {
                // Telegram unreachable: stop here and try this event again on the next pass.
                tracing::warn!(error = %e, event = event.id, "notification not delivered; will retry");
                return Ok(Some(done));
            }
        }
        consumer::ack(ctx, CONSUMER, owner, event.id).await?;
        done += 1;
    }
    Ok(Some(done))
}

/// Sends one notice, waiting out 429s. A user who blocked the bot is skipped, not retried.
async fn deliver<R: Sender>(
    bot: &R,
    files: &dyn domain::receipts::storage::ReceiptStorage,
    notice: &Notice,
) -> Result<(), RequestError> {
    let mut attempt = 0;
    loop {
        match send(bot, files, notice).await {
            Ok(()) => return Ok(()),
            Err(RequestError::RetryAfter(wait)) if attempt < RETRIES => {
                attempt += 1;
                tokio::time::sleep(wait.duration()).await;
            }
            Err(RequestError::Api(e)) => {
                tracing::info!(error = %e, chat = notice.telegram_id, "notification refused by Telegram; skipped");
                return Ok(());
            }
            Err(e) => return Err(e),
        }
    }
}

async fn send<R: Sender>(
    bot: &R,
    files: &dyn domain::receipts::storage::ReceiptStorage,
    notice: &Notice,
) -> Result<(), RequestError> {
    let lang = Lang::from_tag(&notice.language);
    let chat = ChatId(notice.telegram_id);
    let n = |number: i64| ArgValue::from(number);
    let text = match &notice.what {
        What::Verified { number } => t_args(lang, "notify-verified", &[("number", n(*number))]),
        What::Rejected { number, reason } => t_args(
            lang,
            "notify-rejected",
            &[
                ("number", n(*number)),
                ("reason", ArgValue::from(reason.as_str())),
            ],
        ),
        What::Shipped { number, tracking } => t_args(
            lang,
            "notify-shipped",
            &[
                ("number", n(*number)),
                (
                    "tracking",
                    ArgValue::from(tracking.clone().unwrap_or_else(|| "-".to_owned())),
                ),
            ],
        ),
        What::Cancelled { number } => t_args(lang, "notify-cancelled", &[("number", n(*number))]),
        What::Expired { number } => t_args(lang, "notify-expired", &[("number", n(*number))]),
        What::Refunded { number } => t_args(lang, "notify-refunded", &[("number", n(*number))]),
        What::Completed { number } => t_args(lang, "notify-completed", &[("number", n(*number))]),
        What::LowStock { title, available } => t_args(
            lang,
            "notify-low-stock",
            &[
                ("title", ArgValue::from(title.as_str())),
                ("count", ArgValue::from(*available)),
            ],
        ),
        What::NewReceipt {
            receipt,
            order,
            customer,
        } => {
            let caption = t_args(
                lang,
                "staff-new-receipt",
                &[
                    ("number", n(order.number)),
                    (
                        "total",
                        ArgValue::from(money(lang, order.total_minor, &order.currency)),
                    ),
                    ("customer", ArgValue::from(customer.as_str())),
                    (
                        "duplicate",
                        ArgValue::from(i64::from(receipt.duplicate_of_receipt_id.is_some())),
                    ),
                ],
            );
            let markup = keyboards::decide(lang, order.id);
            return match load_file(files, receipt).await {
                Some(file) => {
                    send_file(bot, chat, receipt, file, Some(caption), Some(markup)).await
                }
                None => {
                    bot.send_message(chat, caption).reply_markup(markup).await?;
                    Ok(())
                }
            };
        }
    };
    bot.send_message(chat, text).await?;
    Ok(())
}

async fn load_file(
    files: &dyn domain::receipts::storage::ReceiptStorage,
    r: &entity::receipts::Model,
) -> Option<teloxide::types::InputFile> {
    receipt_file(files, r).await
}

/// Notifies until `shutdown`.
pub async fn run<R: Sender>(
    bot: R,
    ctx: Ctx,
    files: std::sync::Arc<dyn domain::receipts::storage::ReceiptStorage>,
    owner: String,
    shutdown: watch::Receiver<bool>,
) {
    domain::worker::every(Duration::from_millis(500), shutdown, || async {
        if let Err(e) = run_once(&bot, &ctx, files.as_ref(), &owner).await {
            tracing::warn!(error = %e, "notifier pass failed");
        }
    })
    .await;
}
