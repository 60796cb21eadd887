//! Staff in Telegram: `/orders [status]`, `/order N`, `/verify N`, `/reject N reason`, order
//! numbers typed or forwarded, and the Verify / Reject buttons. The router sends requests that
//! need a store here only with the [`Staff`] context (the store the sender works in); payment
//! decisions by order id come from anyone, and the domain refuses those who may not take them.
use domain::ordering::orders::{Step, decide, queries};
use domain::{OrderId, OrderStatus, StoreId};
use i18n::ArgValue;
use teloxide::prelude::*;
use teloxide::types::MessageId;

use crate::callback::Callback;
use crate::context::{Staff, Who};
use crate::customer::{dialogue, show};
use crate::dialogue::State;
use crate::reply::{error, money, order_line, status, t, t_args};
use crate::{HandlerResult, Services, keyboards, send};

const PAGE: u64 = 10;

/// What only staff can ask for: things that need the store they work in. The router hands
/// these over with the [`Staff`] context; everyone else never gets here.
#[derive(Clone, Debug)]
pub enum StaffAsk {
    /// `/orders [status]`
    Orders(String),
    /// `/order N`
    Order(String),
    /// `/verify N`
    Verify(String),
    /// `/reject N [reason]`
    Reject(String),
    /// `start=order_<number>`
    OrderLink(i64),
    /// Order numbers typed or forwarded.
    Numbers(Vec<i64>),
    /// The next page of `/orders`.
    Page {
        status: String,
        after: i64,
        message: Option<MessageId>,
    },
}

/// Answers a staff request in the store the staff member works in.
pub async fn on(
    bot: &Bot,
    ask: StaffAsk,
    staff: Staff,
    who: &Who,
    services: &Services,
) -> HandlerResult {
    let store = staff.store;
    match ask {
        StaffAsk::Orders(arg) => list_orders(bot, arg.trim(), store, who, services).await,
        StaffAsk::Order(arg) => show_order(bot, arg.trim(), store, who, services).await,
        StaffAsk::Verify(arg) => verify_command(bot, arg.trim(), store, who, services).await,
        StaffAsk::Reject(arg) => reject_command(bot, arg.trim(), store, who, services).await,
        StaffAsk::OrderLink(number) => card(bot, store, number, who, services, true).await,
        StaffAsk::Numbers(numbers) => {
            for n in numbers {
                card(bot, store, n, who, services, false).await?;
            }
            Ok(())
        }
        StaffAsk::Page {
            status,
            after,
            message,
        } => orders_page(bot, &status, after, store, who, services, message).await,
    }
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

async fn list_orders(
    bot: &Bot,
    arg: &str,
    store: StoreId,
    who: &Who,
    services: &Services,
) -> HandlerResult {
    if !arg.is_empty() && OrderStatus::parse(arg).is_err() {
        return fail(bot, who, &domain::Error::Invalid { field: "status" }).await;
    }
    orders_page(bot, arg, 0, store, who, services, None).await
}

async fn orders_page(
    bot: &Bot,
    status_code: &str,
    after: i64,
    store: StoreId,
    who: &Who,
    services: &Services,
    message: Option<MessageId>,
) -> HandlerResult {
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
async fn show_order(
    bot: &Bot,
    arg: &str,
    store: StoreId,
    who: &Who,
    services: &Services,
) -> HandlerResult {
    let Some(number) = crate::commands::order_number(arg) else {
        return fail(bot, who, &domain::Error::Invalid { field: "number" }).await;
    };
    card(bot, store, number, who, services, true).await
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
    let customer = domain::people::users::display_name(db, domain::UserId(o.customer_id))
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
    let steps = domain::ordering::orders::available_steps(db, &who.actor, o).await?;
    let buttons = keyboards::staff_steps(who.lang, o.id, &steps);
    send::text(bot, who.chat, text, buttons).await?;
    if with_files {
        for r in &d.receipts {
            if let Some(file) = crate::media::receipt_file(services.files.as_ref(), r).await {
                crate::media::send_file(bot, who.chat, r, file, None, None).await?;
            }
        }
    }
    Ok(())
}

async fn order_in_store(
    services: &Services,
    store: StoreId,
    arg: &str,
) -> Result<OrderId, domain::Error> {
    let number =
        crate::commands::order_number(arg).ok_or(domain::Error::Invalid { field: "number" })?;
    let order = queries::by_number(&services.ctx.db, store, number).await?;
    Ok(OrderId(order.id))
}

async fn verify_command(
    bot: &Bot,
    arg: &str,
    store: StoreId,
    who: &Who,
    services: &Services,
) -> HandlerResult {
    match order_in_store(services, store, arg).await {
        Ok(order) => verify(bot, order.0, who, services).await,
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
async fn reject_command(
    bot: &Bot,
    arg: &str,
    store: StoreId,
    who: &Who,
    services: &Services,
) -> HandlerResult {
    let (number, reason) = arg.split_once(char::is_whitespace).unwrap_or((arg, ""));
    match order_in_store(services, store, number).await {
        Ok(order) if reason.trim().is_empty() => ask_reason(bot, order.0, who, services).await,
        Ok(order) => reject_with_reason(bot, order.0, reason, who, services).await,
        Err(e) => fail(bot, who, &e).await,
    }
}

/// Before asking why, make sure this person may reject this order at all.
pub async fn ask_reason(bot: &Bot, order: i64, who: &Who, services: &Services) -> HandlerResult {
    let db = &services.ctx.db;
    match domain::ordering::orders::allowed(db, &who.actor, OrderId(order), Step::Reject).await {
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
