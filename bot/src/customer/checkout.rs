//! Checkout as a dialogue: name, phone, address (each can go back or cancel), summary, confirm.
use domain::ordering::cart;
use domain::ordering::orders::Delivery;
use i18n::ArgValue;
use teloxide::prelude::*;

use super::{dialogue, shop, store_id};
use crate::callback::Callback;
use crate::context::Who;
use crate::dialogue::State;
use crate::reply::{error, money, t, t_args};
use crate::send::reply_error;
use crate::{HandlerResult, Services, keyboards, send};

pub async fn begin(bot: &Bot, who: &Who, services: &Services) -> HandlerResult {
    let Some(store) = shop(services, who).await else {
        return Ok(());
    };
    let lines = cart::lines(&services.ctx.db, who.id(), store_id(&store)).await?;
    if lines.is_empty() {
        return send::reply(bot, who, t(who.lang, "bot-cart-empty")).await;
    }
    ask(bot, who, services, State::Name { store: store.id }).await
}

/// Asks the question of `state` and remembers we are there.
async fn ask(bot: &Bot, who: &Who, services: &Services, state: State) -> HandlerResult {
    let (key, back) = match &state {
        State::Name { .. } => ("bot-ask-name", false),
        State::Phone { .. } => ("bot-ask-phone", true),
        State::Address { .. } => ("bot-ask-address", true),
        State::Confirm { .. } => return summary(bot, who, services, state).await,
        _ => return Ok(()),
    };
    dialogue(services, who).update(state).await?;
    send::reply_with(bot, who, t(who.lang, key), keyboards::step(who.lang, back)).await
}

fn invalid(who: &Who, field: &'static str) -> String {
    error(who.lang, &domain::Error::Invalid { field })
}

pub async fn on_text(
    bot: &Bot,
    text: &str,
    state: State,
    who: &Who,
    services: &Services,
) -> HandlerResult {
    let text = text.trim();
    let next = match state {
        State::Name { store } => {
            match domain::ordering::orders::place::valid_name(text) && !text.starts_with('/') {
                true => State::Phone {
                    store,
                    name: text.to_owned(),
                },
                false => return retry(bot, who, invalid(who, "name")).await,
            }
        }
        State::Phone { store, name } => match domain::ordering::orders::place::valid_phone(text) {
            true => State::Address {
                store,
                name,
                phone: text.to_owned(),
            },
            false => return retry(bot, who, invalid(who, "phone")).await,
        },
        State::Address { store, name, phone } => {
            match domain::ordering::orders::place::valid_address(text) {
                true => State::Confirm {
                    store,
                    name,
                    phone,
                    address: text.to_owned(),
                },
                false => return retry(bot, who, invalid(who, "address")).await,
            }
        }
        State::Confirm { .. } => return summary(bot, who, services, state).await,
        _ => return Ok(()),
    };
    ask(bot, who, services, next).await
}

async fn retry(bot: &Bot, who: &Who, why: String) -> HandlerResult {
    send::reply(bot, who, why).await
}

async fn summary(bot: &Bot, who: &Who, services: &Services, state: State) -> HandlerResult {
    let State::Confirm {
        store,
        name,
        phone,
        address,
    } = &state
    else {
        return Ok(());
    };
    let shop = domain::stores::load(&services.ctx.db, domain::StoreId(*store)).await?;
    let lines = super::cart::lines(services, who, domain::StoreId(*store)).await?;
    let cart_text = super::cart::render(who, &lines, &shop.currency);
    let text = t_args(
        who.lang,
        "bot-summary",
        &[
            ("cart", ArgValue::from(cart_text)),
            ("name", ArgValue::from(name.as_str())),
            ("phone", ArgValue::from(phone.as_str())),
            ("address", ArgValue::from(address.as_str())),
        ],
    );
    dialogue(services, who).update(state.clone()).await?;
    let markup = keyboards::rows(vec![
        vec![keyboards::button(
            who.lang,
            "btn-confirm",
            Callback::Confirm,
        )],
        vec![
            keyboards::button(who.lang, "btn-back", Callback::Back),
            keyboards::button(who.lang, "btn-cancel", Callback::Abort),
        ],
    ]);
    send::reply_with(bot, who, text, markup).await
}

pub async fn back(bot: &Bot, who: &Who, services: &Services) -> HandlerResult {
    let state = dialogue(services, who).get_or_default().await?;
    let previous = match state {
        State::Phone { store, .. } => State::Name { store },
        State::Address { store, name, .. } => State::Phone { store, name },
        State::Confirm {
            store, name, phone, ..
        } => State::Address { store, name, phone },
        State::Name { store } => State::Name { store },
        _ => return Ok(()),
    };
    ask(bot, who, services, previous).await
}

pub async fn abort(bot: &Bot, who: &Who, services: &Services) -> HandlerResult {
    dialogue(services, who).exit().await?;
    send::reply(bot, who, t(who.lang, "bot-flow-cancelled")).await
}

pub async fn confirm(bot: &Bot, who: &Who, services: &Services) -> HandlerResult {
    let State::Confirm {
        store,
        name,
        phone,
        address,
    } = dialogue(services, who).get_or_default().await?
    else {
        return send::reply(bot, who, t(who.lang, "bot-expired-button")).await;
    };
    let delivery = Delivery {
        name,
        phone,
        address,
    };
    let store = domain::StoreId(store);
    match cart::checkout(&services.ctx, &who.actor, who.id(), store, delivery).await {
        Ok(order) => {
            dialogue(services, who).exit().await?;
            placed(bot, who, services, &order).await
        }
        Err(domain::Error::DuplicateUpdate) => Ok(()),
        Err(e) => reply_error(bot, who, &e).await,
    }
}

async fn placed(
    bot: &Bot,
    who: &Who,
    services: &Services,
    order: &entity::orders::Model,
) -> HandlerResult {
    let db = &services.ctx.db;
    let store = domain::stores::load(db, domain::StoreId(order.store_id)).await?;
    let instructions =
        domain::stores::texts::payment_instructions(db, &store, who.lang.as_str()).await?;
    let deadline = order
        .payment_due_at
        .map(|d| d.format("%d.%m.%Y %H:%M UTC").to_string())
        .unwrap_or_default();
    let text = t_args(
        who.lang,
        "bot-order-placed",
        &[
            ("number", ArgValue::from(order.number)),
            (
                "total",
                ArgValue::from(money(who.lang, order.total_minor, &order.currency)),
            ),
            ("instructions", ArgValue::from(instructions)),
            ("deadline", ArgValue::from(deadline)),
        ],
    );
    let markup = keyboards::rows(vec![vec![keyboards::button(
        who.lang,
        "btn-my-orders",
        Callback::MyOrders,
    )]]);
    send::reply_with(bot, who, text, markup).await
}
