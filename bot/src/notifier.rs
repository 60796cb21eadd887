//! Telegram notifications, sent from the claimed `telegram` deliveries (planned from the outbox
//! by `domain::messaging::deliveries`) — never from inside another user's handler.
//! Runs through teloxide's `Throttle` in production (1 message/s per chat, 30/s overall); a 429
//! waits the time Telegram asks for and tries again, so nothing is dropped.
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use domain::Ctx;
use domain::messaging::deliveries::send::{self, Failure};
use domain::messaging::deliveries::{DeliveryChannel, plan};
use domain::messaging::notifications::{Notice, What};
use entity::notification_deliveries::Model as Delivery;
use futures::{StreamExt as _, stream};
use i18n::{ArgValue, Lang};
use teloxide::RequestError;
use teloxide::types::ChatId;
use tokio::sync::watch;

use crate::media::{receipt_file, send_file};
use crate::reply::{money, t_args};
use crate::{keyboards, send as out};

pub use crate::send::Sender;
const RETRIES: usize = 5;

/// The notifier's `Throttle` limits: Telegram's (1 message a second per chat, 20 a minute per
/// group) but 28 a second overall instead of 30. Telegram counts arrivals; the throttle counts
/// releases, and with many sends in flight the two drift apart by a few milliseconds: at the
/// full 30/s a broadcast to 1,000 chats drew 9–25 429s against a fake API counting arrivals
/// (bench/README.md), which the margin avoids.
pub fn throttle_limits() -> teloxide::adaptors::throttle::Limits {
    teloxide::adaptors::throttle::Limits {
        messages_per_sec_overall: 28,
        ..Default::default()
    }
}
/// How long a claimed delivery is ours before another instance may take it over.
const LEASE_SECS: i64 = 120;
const BATCH: u64 = 100;
/// Recipients sent to at once. `Throttle` releases what is queued every 250 ms, so one notice
/// after another reaches ~4 messages/s; with 8 or more in flight it reaches Telegram's 30/s
/// (bench/README.md). The throttle, not this, keeps to Telegram's limits.
const IN_FLIGHT: usize = 32;

/// Plans the outbox's new events into deliveries, then sends the due Telegram ones this
/// instance claims: several recipients at once, each one's notices in turn (in claim order),
/// each delivery marked sent or failed on its own. Returns how many were sent. Several
/// instances may run it at once: each delivery is claimed by one.
pub async fn run_once<R: Sender>(
    bot: &R,
    ctx: &Ctx,
    files: &dyn files::store::FileStore,
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
    let pass = Pass {
        bot,
        ctx,
        files,
        owner,
        stop: AtomicBool::new(false),
    };
    let results: Vec<Result<usize, domain::Error>> = stream::iter(by_recipient(claimed))
        .map(|queue| pass.send_in_turn(queue))
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;
    let mut done = 0;
    for sent in results {
        done += sent?;
    }
    Ok(Some(done))
}

/// The claimed deliveries grouped by recipient, each group and each recipient's deliveries in
/// claim order (high priority first, then oldest).
fn by_recipient(claimed: Vec<Delivery>) -> Vec<Vec<Delivery>> {
    let mut groups: Vec<Vec<Delivery>> = Vec::new();
    let mut index: HashMap<i64, usize> = HashMap::new();
    for delivery in claimed {
        let at = *index.entry(delivery.user_id).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[at].push(delivery);
    }
    groups
}

/// One notifier pass over its claimed deliveries.
struct Pass<'a, R> {
    bot: &'a R,
    ctx: &'a Ctx,
    files: &'a dyn files::store::FileStore,
    owner: &'a str,
    /// Set when Telegram is unreachable (or the database fails): nothing more is started, and
    /// the deliveries not started wait for their lease to end.
    stop: AtomicBool,
}

impl<R: Sender> Pass<'_, R> {
    /// One recipient's deliveries, one after another so they arrive in order; how many were
    /// sent.
    async fn send_in_turn(&self, queue: Vec<Delivery>) -> Result<usize, domain::Error> {
        let mut sent = 0;
        for delivery in queue {
            if self.stop.load(Ordering::Relaxed) {
                break;
            }
            match self.send_one(&delivery).await {
                Ok(true) => sent += 1,
                Ok(false) => {}
                Err(e) => {
                    self.stop.store(true, Ordering::Relaxed);
                    return Err(e);
                }
            }
        }
        Ok(sent)
    }

    /// Sends one delivery and records the outcome; true if it was sent.
    async fn send_one(&self, delivery: &Delivery) -> Result<bool, domain::Error> {
        let (db, owner) = (&self.ctx.db, self.owner);
        let Some(notice) = send::notice_or_fail(db, delivery, owner, self.ctx.now()).await? else {
            return Ok(false);
        };
        let Err(e) = deliver(self.bot, self.files, &notice).await else {
            send::mark_sent(db, delivery.id, owner, self.ctx.now()).await?;
            return Ok(true);
        };
        let failure = match e {
            // Refused (the person blocked the bot, the chat is gone): waiting won't help.
            RequestError::Api(_) => Failure::Permanent,
            _ => Failure::Transient,
        };
        tracing::warn!(error = %e, delivery = delivery.id, "notification not delivered");
        let (now, why) = (self.ctx.now(), e.to_string());
        send::mark_failed(db, delivery.id, owner, now, &why, failure).await?;
        if failure == Failure::Transient {
            // Telegram unreachable: start nothing more in this pass.
            self.stop.store(true, Ordering::Relaxed);
        }
        Ok(false)
    }
}

/// Sends one notice, waiting out 429s.
async fn deliver<R: Sender>(
    bot: &R,
    files: &dyn files::store::FileStore,
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
    files: &dyn files::store::FileStore,
    notice: &Notice,
) -> Result<(), RequestError> {
    let lang = Lang::from_tag(&notice.language);
    let chat = ChatId(notice.telegram_id);
    let Rendered { text, receipt } = render(lang, &notice.what);
    let Some((receipt, order)) = receipt else {
        return out::text(bot, chat, text, None).await;
    };
    let markup = keyboards::decide(lang, order);
    match load_file(files, receipt).await {
        Some(file) => send_file(bot, chat, receipt, file, Some(text), Some(markup)).await,
        None => out::text(bot, chat, text, Some(markup)).await,
    }
}

/// A notice as a Telegram message.
#[derive(Debug)]
pub struct Rendered<'a> {
    /// The text, or the caption of the receipt.
    pub text: String,
    /// For a receipt to check: the receipt, sent as a file with the decide buttons of its
    /// order (the order's id).
    pub receipt: Option<(&'a entity::receipts::Model, i64)>,
}

/// What a notice says in Telegram, in `lang`. Every kind goes to Telegram.
pub fn render(lang: Lang, what: &What) -> Rendered<'_> {
    let n = |number: i64| ArgValue::from(number);
    let text = match what {
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
        What::DailyDigest {
            store,
            orders,
            revenue,
            pending_receipts,
        } => t_args(
            lang,
            "notify-daily-digest",
            &[
                ("store", ArgValue::from(store.as_str())),
                ("orders", ArgValue::from(*orders)),
                (
                    "revenue",
                    ArgValue::from(money(lang, revenue.minor, revenue.currency.code())),
                ),
                ("receipts", ArgValue::from(*pending_receipts)),
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
            return Rendered {
                text: caption,
                receipt: Some((receipt, order.id)),
            };
        }
    };
    Rendered {
        text,
        receipt: None,
    }
}

async fn load_file(
    files: &dyn files::store::FileStore,
    r: &entity::receipts::Model,
) -> Option<teloxide::types::InputFile> {
    receipt_file(files, r).await
}

/// Notifies until `shutdown`.
pub async fn run<R: Sender>(
    bot: R,
    ctx: Ctx,
    files: std::sync::Arc<dyn files::store::FileStore>,
    owner: String,
    shutdown: watch::Receiver<bool>,
) {
    domain::operations::worker::every(Duration::from_millis(500), shutdown, || async {
        if let Err(e) = run_once(&bot, &ctx, files.as_ref(), &owner).await {
            tracing::warn!(error = %e, "notifier pass failed");
        }
    })
    .await;
}
