//! Staff in Telegram: `/orders [status]`, `/order N`, `/verify N`, `/reject N reason`, order
//! numbers typed or forwarded, and the Verify / Reject buttons. Roles come from the database by
//! the sender's Telegram id; anyone without one is answered as for an unknown command.
use domain::orders::{decide, queries};
use domain::policy::{self, Capability};
use domain::{OrderId, OrderStatus, StoreId};
use i18n::ArgValue;
use teloxide::prelude::*;
use teloxide::types::{InputFile, MessageId};

use crate::callback::Callback;
use crate::context::Who;
use crate::customer::{dialogue, show, unknown_command};
use crate::dialogue::State;
use crate::reply::{error, money, order_line, status, t, t_args};
use crate::{HandlerResult, Services, keyboards, send};

const PAGE: u64 = 10;

/// The store a staff member works in from Telegram: the one they opened last if they have a
/// role there, else their first. `None` for everyone without a role.
pub async fn staff_store(services: &Services, who: &Who) -> Option<StoreId> {
    let db = &services.ctx.db;
    let stores = policy::staff_stores(db, who.id()).await.ok()?;
    let current = domain::users::current_store(db, who.id())
        .await
        .ok()
        .flatten();
    current
        .filter(|c| stores.contains(c))
        .or_else(|| stores.first().copied())
}

async fn reply(bot: &Bot, who: &Who, text: String) -> HandlerResult {
    send::reply(bot, who, text).await
}

async fn fail(bot: &Bot, who: &Who, err: &domain::Error) -> HandlerResult {
    if matches!(err, domain::Error::DuplicateUpdate) {
        return Ok(());
    }
    reply(bot, who, error(who.lang, err)).await
}

pub async fn list_orders(bot: &Bot, arg: &str, who: &Who, services: &Services) -> HandlerResult {
    if !arg.is_empty() && OrderStatus::parse(arg).is_err() {
        return fail(bot, who, &domain::Error::Invalid { field: "status" }).await;
    }
    orders_page(bot, arg, 0, who, services, None).await
}

pub async fn orders_page(
    bot: &Bot,
    status_code: &str,
    after: i64,
    who: &Who,
    services: &Services,
    message: Option<MessageId>,
) -> HandlerResult {
    let Some(store) = staff_store(services, who).await else {
        return unknown_command(bot, who, "/orders").await;
    };
    let db = &services.ctx.db;
    let filter = OrderStatus::parse(status_code).ok();
    let cursor = match after {
        0 => None,
        id => queries::cursor_at(db, OrderId(id)).await.ok(),
    };
    let page = match queries::list(db, &who.actor, store, filter, cursor, PAGE).await {
        Ok(p) => p,
        Err(e) => return fail(bot, who, &e).await,
    };
    if page.orders.is_empty() {
        return reply(bot, who, t(who.lang, "admin-orders-empty")).await;
    }
    let mut text = t(who.lang, "admin-orders-title");
    let mut rows = Vec::new();
    for o in &page.orders {
        text.push('\n');
        text.push_str(&order_line(who.lang, o));
    }
    if let Some(next) = page.next {
        rows.push(vec![keyboards::button(
            who.lang,
            "btn-next",
            Callback::Orders(status_code.to_owned(), next.id),
        )]);
    }
    show(bot, who, message, text, keyboards::rows(rows)).await
}

/// `/order N`: the card with its receipts.
pub async fn show_order(bot: &Bot, arg: &str, who: &Who, services: &Services) -> HandlerResult {
    let Some(store) = staff_store(services, who).await else {
        return unknown_command(bot, who, "/order").await;
    };
    let Some(number) = crate::commands::order_number(arg) else {
        return fail(bot, who, &domain::Error::Invalid { field: "number" }).await;
    };
    card(bot, store, number, who, services, true).await
}

/// `start=order_<number>`: staff get the card, a customer their own order.
pub async fn open_order_link(
    bot: &Bot,
    number: i64,
    who: &Who,
    services: &Services,
) -> HandlerResult {
    match staff_store(services, who).await {
        Some(store) => card(bot, store, number, who, services, true).await,
        None => crate::customer::my_order(bot, number, who, services).await,
    }
}

/// Plain text naming order numbers: a card for each, for staff only.
pub async fn on_order_numbers(
    bot: &Bot,
    numbers: &[i64],
    text: &str,
    who: &Who,
    services: &Services,
) -> HandlerResult {
    let Some(store) = staff_store(services, who).await else {
        tracing::info!(
            user = who.user.telegram_id,
            "order number from someone without a role"
        );
        let _ = text;
        return reply(bot, who, t(who.lang, "bot-help")).await;
    };
    for &n in numbers {
        card(bot, store, n, who, services, false).await?;
    }
    Ok(())
}

async fn card(
    bot: &Bot,
    store: StoreId,
    number: i64,
    who: &Who,
    services: &Services,
    with_files: bool,
) -> HandlerResult {
    let db = &services.ctx.db;
    let detail = match queries::by_number(db, store, number).await {
        Ok(o) => queries::detail(db, &who.actor, OrderId(o.id)).await,
        Err(e) => Err(e),
    };
    let d = match detail {
        Ok(d) => d,
        Err(e) => return fail(bot, who, &e).await,
    };
    let o = &d.order;
    let customer = domain::users::display_name(db, domain::UserId(o.customer_id))
        .await?
        .unwrap_or_default();
    let lines: Vec<String> = d
        .items
        .iter()
        .map(|i| {
            format!(
                "• {} × {} — {}",
                i.title,
                i.quantity,
                money(who.lang, i.line_total_minor, &o.currency)
            )
        })
        .collect();
    let duplicates = d
        .receipts
        .iter()
        .filter(|r| r.duplicate_of_receipt_id.is_some())
        .count() as i64;
    let text = t_args(
        who.lang,
        "admin-order-card",
        &[
            ("number", ArgValue::from(o.number)),
            ("status", ArgValue::from(status(who.lang, &o.status))),
            ("items", ArgValue::from(lines.join("\n"))),
            (
                "total",
                ArgValue::from(money(who.lang, o.total_minor, &o.currency)),
            ),
            ("customer", ArgValue::from(customer)),
            ("name", ArgValue::from(o.delivery_name.as_str())),
            ("phone", ArgValue::from(o.delivery_phone.as_str())),
            ("address", ArgValue::from(o.delivery_address.as_str())),
            ("receipts", ArgValue::from(d.receipts.len() as i64)),
            ("duplicates", ArgValue::from(duplicates)),
        ],
    );
    // A long card (many items, a long address) goes in several messages, the buttons last.
    let buttons =
        (o.status == OrderStatus::PaymentReview).then(|| keyboards::decide(who.lang, o.id));
    send::text(bot, who.chat, text, buttons).await?;
    if with_files {
        for r in &d.receipts {
            if let Some(file) = receipt_file(services.files.as_ref(), r).await {
                send_file(bot, who.chat, r, file, None, None).await?;
            }
        }
    }
    Ok(())
}

/// The stored file of a receipt: the thumbnail for images, the original for PDFs.
pub async fn receipt_file(
    files: &dyn domain::receipts::storage::ReceiptStorage,
    r: &entity::receipts::Model,
) -> Option<InputFile> {
    let key = if r.mime == "application/pdf" {
        r.storage_key.clone()?
    } else {
        domain::receipts::storage::thumb_key(&r.sha256).ok()?
    };
    let bytes = files.get(&key).await.ok()??;
    let name = if r.mime == "application/pdf" {
        "receipt.pdf"
    } else {
        "receipt.jpg"
    };
    Some(InputFile::memory(bytes).file_name(name))
}

/// Sends a receipt as a photo or a document, with an optional caption and buttons. A caption
/// too long for one goes after the file as a text of its own, with the buttons.
pub async fn send_file<R: crate::notifier::Sender>(
    bot: &R,
    chat: teloxide::types::ChatId,
    r: &entity::receipts::Model,
    file: InputFile,
    caption: Option<String>,
    markup: Option<teloxide::types::InlineKeyboardMarkup>,
) -> Result<(), teloxide::RequestError> {
    use teloxide::payloads::{SendDocumentSetters, SendPhotoSetters};
    let (caption, markup, after) = match caption.map(|c| send::caption(&c)) {
        Some((short, Some(full))) => (Some(short), None, Some((full, markup))),
        Some((fits, None)) => (Some(fits), markup, None),
        None => (None, markup, None),
    };
    // Photos and documents take the same extras through different request types.
    macro_rules! send_with_extras {
        ($req:expr) => {{
            let mut req = $req;
            if let Some(c) = caption {
                req = req.caption(c);
            }
            if let Some(m) = markup {
                req = req.reply_markup(m);
            }
            req.await?;
        }};
    }
    if r.mime == "application/pdf" {
        send_with_extras!(bot.send_document(chat, file));
    } else {
        send_with_extras!(bot.send_photo(chat, file));
    }
    if let Some((text, markup)) = after {
        send::text(bot, chat, text, markup).await?;
    }
    Ok(())
}

async fn order_in_store(
    services: &Services,
    who: &Who,
    arg: &str,
) -> Result<Option<OrderId>, domain::Error> {
    let Some(store) = staff_store(services, who).await else {
        return Ok(None);
    };
    let number =
        crate::commands::order_number(arg).ok_or(domain::Error::Invalid { field: "number" })?;
    let order = queries::by_number(&services.ctx.db, store, number).await?;
    Ok(Some(OrderId(order.id)))
}

pub async fn verify_command(bot: &Bot, arg: &str, who: &Who, services: &Services) -> HandlerResult {
    match order_in_store(services, who, arg).await {
        Ok(Some(order)) => verify(bot, order.0, who, services).await,
        Ok(None) => unknown_command(bot, who, "/verify").await,
        Err(e) => fail(bot, who, &e).await,
    }
}

/// Answers a payment decision: done, or why not.
async fn decided(
    bot: &Bot,
    who: &Who,
    result: Result<entity::orders::Model, domain::Error>,
    key: &str,
) -> HandlerResult {
    match result {
        Ok(o) => {
            reply(
                bot,
                who,
                t_args(who.lang, key, &[("number", ArgValue::from(o.number))]),
            )
            .await
        }
        Err(e) => fail(bot, who, &e).await,
    }
}

pub async fn verify(bot: &Bot, order: i64, who: &Who, services: &Services) -> HandlerResult {
    decided(
        bot,
        who,
        decide::verify(&services.ctx, &who.actor, OrderId(order)).await,
        "admin-verified",
    )
    .await
}

/// `/reject N reason` in one go, or `/reject N` and the reason asked for.
pub async fn reject_command(bot: &Bot, arg: &str, who: &Who, services: &Services) -> HandlerResult {
    let (number, reason) = arg.split_once(char::is_whitespace).unwrap_or((arg, ""));
    match order_in_store(services, who, number).await {
        Ok(Some(order)) if reason.trim().is_empty() => {
            ask_reason(bot, order.0, who, services).await
        }
        Ok(Some(order)) => reject_with_reason(bot, order.0, reason, who, services).await,
        Ok(None) => unknown_command(bot, who, "/reject").await,
        Err(e) => fail(bot, who, &e).await,
    }
}

/// Before asking why, make sure this person may reject this order at all.
pub async fn ask_reason(bot: &Bot, order: i64, who: &Who, services: &Services) -> HandlerResult {
    let db = &services.ctx.db;
    let checked = match queries::detail(db, &who.actor, OrderId(order)).await {
        Ok(d) => policy::require(
            db,
            &who.actor,
            StoreId(d.order.store_id),
            Capability::DecidePayments,
        )
        .await
        .map(|_| d.order),
        Err(e) => Err(e),
    };
    match checked {
        Ok(o) => {
            dialogue(services, who)
                .update(State::RejectReason { order })
                .await?;
            let text = t_args(
                who.lang,
                "admin-ask-reason",
                &[("number", ArgValue::from(o.number))],
            );
            send::reply_with(bot, who, text, keyboards::step(who.lang, false)).await
        }
        Err(e) => fail(bot, who, &e).await,
    }
}

pub async fn reject_with_reason(
    bot: &Bot,
    order: i64,
    reason: &str,
    who: &Who,
    services: &Services,
) -> HandlerResult {
    dialogue(services, who).exit().await?;
    decided(
        bot,
        who,
        decide::reject(&services.ctx, &who.actor, OrderId(order), reason).await,
        "admin-rejected",
    )
    .await
}
