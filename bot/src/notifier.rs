//! Telegram notifications, sent from the claimed `telegram` deliveries (planned from the outbox
//! by `domain::deliveries`) — never from inside another user's handler.
//! Runs through teloxide's `Throttle` in production (1 message/s per chat, 30/s overall); a 429
//! waits the time Telegram asks for and tries again, so nothing is dropped.
use std::time::Duration;

use domain::Ctx;
use domain::deliveries::send::{self, Failure};
use domain::deliveries::{DeliveryChannel, plan};
use domain::notifications::{Notice, What};
use i18n::{ArgValue, Lang};
use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::ChatId;
use tokio::sync::watch;

use crate::admin::{receipt_file, send_file};
use crate::keyboards;
use crate::reply::{money, t_args};

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
/// How long a claimed delivery is ours before another instance may take it over.
const LEASE_SECS: i64 = 120;
const BATCH: u64 = 100;

/// Plans the outbox's new events into deliveries, then sends the due Telegram ones this
/// instance claims. Returns how many were sent. Several instances may run it at once: each
/// delivery is claimed by one.
pub async fn run_once<R: Sender>(
    bot: &R,
    ctx: &Ctx,
    files: &dyn domain::receipts::storage::ReceiptStorage,
    owner: &str,
) -> Result<Option<usize>, domain::Error> {
    plan::run_once(ctx, owner).await?;
    let lease = chrono::Duration::seconds(LEASE_SECS);
    let claimed = send::claim(
        &ctx.db,
        DeliveryChannel::Telegram,
        owner,
        ctx.now(),
        lease,
        BATCH,
    )
    .await?;
    let mut done = 0;
    for delivery in claimed {
        let Some(notice) = plan::notice_of(&ctx.db, &delivery).await? else {
            let why = "the recipient is no longer concerned";
            send::mark_failed(
                &ctx.db,
                delivery.id,
                owner,
                ctx.now(),
                why,
                Failure::Permanent,
            )
            .await?;
            continue;
        };
        match deliver(bot, files, &notice).await {
            Ok(()) => {
                send::mark_sent(&ctx.db, delivery.id, owner, ctx.now()).await?;
                done += 1;
            }
            Err(e) => {
                let failure = match e {
                    // Refused (the person blocked the bot, the chat is gone): waiting won't help.
                    RequestError::Api(_) => Failure::Permanent,
                    _ => Failure::Transient,
                };
                tracing::warn!(error = %e, delivery = delivery.id, "notification not delivered");
                send::mark_failed(
                    &ctx.db,
                    delivery.id,
                    owner,
                    ctx.now(),
                    &e.to_string(),
                    failure,
                )
                .await?;
                if failure == Failure::Transient {
                    // Telegram unreachable: the rest of the batch waits for its lease to end.
                    break;
                }
            }
        }
    }
    Ok(Some(done))
}

/// Sends one notice, waiting out 429s.
async fn deliver<R: Sender>(
    bot: &R,
    files: &dyn domain::receipts::storage::ReceiptStorage,
    notice: &Notice,
) -> Result<(), RequestError> {
    let mut attempt = 0;
    loop {
        match send(bot, files, notice).await {
            Err(RequestError::RetryAfter(wait)) if attempt < RETRIES => {
                attempt += 1;
                tokio::time::sleep(wait.duration()).await;
            }
            other => return other,
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
