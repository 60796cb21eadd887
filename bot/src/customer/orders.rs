//! A customer's own orders, and cancelling one before it is reviewed.
use domain::OrderId;
use domain::ordering::orders::{available_steps_each, fulfil, queries};
use i18n::ArgValue;
use teloxide::prelude::*;
use teloxide::types::MessageId;

use super::show;
use crate::context::Who;
use crate::reply::{order_line, t, t_args};
use crate::send::reply_error;
use crate::{HandlerResult, Services, keyboards, send};

pub async fn mine(
    bot: &Bot,
    who: &Who,
    services: &Services,
    message: Option<MessageId>,
) -> HandlerResult {
    let orders = queries::of_customer(&services.ctx.db, who.id(), 10).await?;
    if orders.is_empty() {
        return send::reply(bot, who, t(who.lang, "bot-my-orders-empty")).await;
    }
    let mut text = t(who.lang, "bot-my-orders-title");
    let mut rows = Vec::new();
    let steps = available_steps_each(&services.ctx.db, &who.actor, &orders).await?;
    for (o, steps) in orders.iter().zip(&steps) {
        text.push('\n');
        text.push_str(&order_line(who.lang, o));
        rows.push(keyboards::customer_steps(who.lang, o, steps));
    }
    show(bot, who, message, text, keyboards::rows(rows)).await
}

pub async fn cancel(bot: &Bot, order: i64, who: &Who, services: &Services) -> HandlerResult {
    match fulfil::cancel(&services.ctx, &who.actor, OrderId(order), None).await {
        Ok(o) => {
            let text = t_args(
                who.lang,
                "bot-order-cancelled",
                &[("number", ArgValue::from(o.number))],
            );
            send::reply(bot, who, text).await
        }
        Err(domain::Error::DuplicateUpdate) => Ok(()),
        Err(e) => reply_error(bot, who, &e).await,
    }
}

/// `start=order_<number>` from a customer: their own order with that number, if any.
pub async fn my_order(bot: &Bot, number: i64, who: &Who, services: &Services) -> HandlerResult {
    match queries::of_customer_by_number(&services.ctx.db, who.id(), None, number).await {
        Ok(o) => send::reply(bot, who, order_line(who.lang, &o)).await,
        Err(e) => reply_error(bot, who, &e).await,
    }
}
