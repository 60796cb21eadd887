//! The handler tree: every message, command, deep link and button press is routed here, by
//! its kind and the sender's dialogue state, to one flow of the customer ([`crate::customer`])
//! or the staff ([`crate::admin`]) side. Nothing else decides where an update goes.
use domain::deeplink::DeepLink;
use teloxide::prelude::*;
use teloxide::types::{CallbackQuery, Message};

use crate::callback::Callback;
use crate::commands::{self, Command};
use crate::context::{self, Who};
use crate::customer::start::unknown_command;
use crate::customer::{cart, catalog, checkout, dialogue, invite, orders, receipt, start};
use crate::dialogue::State;
use crate::limiter::Kind;
use crate::reply::t;
use crate::{HandlerResult, Services, admin, send};

/// `/start`, with or without a deep link ([`DeepLink::parse`]).
async fn on_start(bot: &Bot, payload: &str, who: &Who, services: &Services) -> HandlerResult {
    dialogue(services, who).exit().await?;
    let Some(link) = DeepLink::parse(payload) else {
        return start::open_shop(bot, who, services).await;
    };
    match link {
        DeepLink::Store(slug) => start::open_store(bot, &slug, who, services).await,
        DeepLink::Product(id) => catalog::product(bot, who, services, id).await,
        DeepLink::Order(number) => admin::open_order_link(bot, number, who, services).await,
        DeepLink::Login(token) => start::login_card(bot, &token, who, services).await,
        DeepLink::Invite(token) => invite::accept(bot, &token, who, services).await,
        DeepLink::Claim(code) => start::claim(bot, &code, who, services).await,
    }
}

pub async fn on_message(bot: Bot, msg: Message, who: Who, services: Services) -> HandlerResult {
    let uploading = msg.photo().is_some() || msg.document().is_some();
    let kind = if uploading {
        Kind::Upload
    } else {
        Kind::Message
    };
    if !services.limiter.allow(who.user.telegram_id, kind) {
        return send::reply(&bot, &who, t(who.lang, "bot-slow-down")).await;
    }
    let result = route_message(&bot, &msg, &who, &services).await;
    context::done(&services, &who).await;
    result
}

async fn route_message(bot: &Bot, msg: &Message, who: &Who, services: &Services) -> HandlerResult {
    if uploading(msg) {
        return receipt::on_file(bot, msg, who, services).await;
    }
    let Some(text) = msg.text() else {
        return start::help(bot, who, services).await;
    };
    if text.starts_with('/') {
        return match commands::parse(text, &services.bot_username) {
            Some(cmd) => on_command(bot, cmd, who, services).await,
            None => unknown_command(bot, who, text).await,
        };
    }
    let state = dialogue(services, who).get_or_default().await?;
    match state {
        State::Name { .. }
        | State::Phone { .. }
        | State::Address { .. }
        | State::Confirm { .. } => checkout::on_text(bot, text, state, who, services).await,
        State::RejectReason { order } => {
            admin::reject_with_reason(bot, order, text, who, services).await
        }
        State::Idle | State::ReceiptTarget { .. } => {
            let numbers = crate::detect::order_numbers(text);
            if numbers.is_empty() {
                start::help(bot, who, services).await
            } else {
                admin::on_order_numbers(bot, &numbers, text, who, services).await
            }
        }
    }
}

fn uploading(msg: &Message) -> bool {
    msg.photo().is_some() || msg.document().is_some()
}

async fn on_command(bot: &Bot, cmd: Command, who: &Who, services: &Services) -> HandlerResult {
    match cmd {
        Command::Start(payload) => on_start(bot, payload.trim(), who, services).await,
        Command::Help => start::help(bot, who, services).await,
        Command::Language => start::choose_language(bot, who).await,
        Command::Catalog => catalog::show(bot, who, services, 0, None).await,
        Command::Cart => cart::show(bot, who, services, None).await,
        Command::Cancel => {
            dialogue(services, who).exit().await?;
            send::reply(bot, who, t(who.lang, "bot-flow-cancelled")).await
        }
        Command::Orders(arg) => {
            if admin::staff_store(services, who).await.is_some() {
                admin::list_orders(bot, arg.trim(), who, services).await
            } else {
                orders::mine(bot, who, services, None).await
            }
        }
        Command::Order(arg) => admin::show_order(bot, arg.trim(), who, services).await,
        Command::Verify(arg) => admin::verify_command(bot, arg.trim(), who, services).await,
        Command::Reject(arg) => admin::reject_command(bot, arg.trim(), who, services).await,
    }
}

pub async fn on_callback(
    bot: Bot,
    q: CallbackQuery,
    who: Who,
    services: Services,
) -> HandlerResult {
    // Every press counts, even a forged one: a script pressing a button in a loop gets the
    // note and nothing else (no photo sent again, no database work beyond knowing who it is).
    if !services.limiter.allow(who.user.telegram_id, Kind::Press) {
        let note = t(who.lang, "bot-slow-down-press");
        return send::answer(&bot, q.id.clone(), Some(note)).await;
    }
    let message = q.regular_message().map(|m| m.id);
    let Some(cb) = q.data.as_deref().and_then(Callback::decode) else {
        tracing::warn!(user = who.user.telegram_id, data = ?q.data, "refused callback data");
        let note = t(who.lang, "bot-expired-button");
        return send::answer(&bot, q.id.clone(), Some(note)).await;
    };
    send::answer(&bot, q.id.clone(), None).await?;
    let result = route_callback(&bot, cb, message, &who, &services).await;
    context::done(&services, &who).await;
    result
}

async fn route_callback(
    bot: &Bot,
    cb: Callback,
    message: Option<teloxide::types::MessageId>,
    who: &Who,
    services: &Services,
) -> HandlerResult {
    match cb {
        Callback::Catalog(page) => catalog::show(bot, who, services, page, message).await,
        Callback::Product(id) => catalog::product(bot, who, services, id).await,
        Callback::Add(id) => cart::add(bot, who, services, id).await,
        Callback::Inc(id) => cart::change(bot, who, services, id, 1, message).await,
        Callback::Dec(id) => cart::change(bot, who, services, id, -1, message).await,
        Callback::Remove(id) => cart::remove(bot, who, services, id, message).await,
        Callback::Cart => cart::show(bot, who, services, message).await,
        Callback::Checkout => checkout::begin(bot, who, services).await,
        Callback::Back => checkout::back(bot, who, services).await,
        Callback::Abort => checkout::abort(bot, who, services).await,
        Callback::Confirm => checkout::confirm(bot, who, services).await,
        Callback::Language(code) => start::set_language(bot, &code, who, services).await,
        Callback::CancelOrder(id) => orders::cancel(bot, id, who, services).await,
        Callback::ReceiptFor(id) => receipt::for_order(bot, id, who, services).await,
        Callback::MyOrders => orders::mine(bot, who, services, message).await,
        Callback::Verify(id) => admin::verify(bot, id, who, services).await,
        Callback::Reject(id) => admin::ask_reason(bot, id, who, services).await,
        Callback::Orders(status, after) => {
            admin::orders_page(bot, &status, after, who, services, message).await
        }
        Callback::LoginApprove(token) => {
            start::decide_login(bot, &token, true, who, services).await
        }
        Callback::LoginDeny(token) => start::decide_login(bot, &token, false, who, services).await,
    }
}
