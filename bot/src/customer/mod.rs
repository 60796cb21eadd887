//! Routing of messages and button presses; the flows live in the submodules.
mod cart;
mod catalog;
mod checkout;
mod invite;
mod orders;
mod receipt;
mod start;

use domain::StoreId;
use teloxide::prelude::*;
use teloxide::types::{CallbackQuery, Message};

use crate::callback::Callback;
use crate::commands::{self, Command};
use crate::context::{self, Who};
use crate::dialogue::{BotDialogue, State};
use crate::limiter::Kind;
use crate::reply::t;
use crate::{HandlerResult, Services, admin, send};

pub(crate) use orders::my_order;
pub(crate) use start::unknown_command;

/// The store this customer is shopping in: the one they opened last, or the first one.
pub(crate) async fn shop(services: &Services, who: &Who) -> Option<entity::stores::Model> {
    domain::stores::shopping(&services.ctx.db, who.id())
        .await
        .ok()
        .flatten()
}

pub(crate) fn dialogue(services: &Services, who: &Who) -> BotDialogue {
    BotDialogue::new(services.dialogues.clone(), who.chat)
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
        Command::Start(payload) => start::on_start(bot, payload.trim(), who, services).await,
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

/// Sends `text`, replacing the message a button was pressed on when there is one (and the text
/// fits in one message).
pub(crate) async fn show(
    bot: &Bot,
    who: &Who,
    message: Option<teloxide::types::MessageId>,
    text: String,
    markup: teloxide::types::InlineKeyboardMarkup,
) -> HandlerResult {
    if let Some(id) = message
        && send::fits(&text, send::MESSAGE_MAX)
        && bot
            .edit_message_text(who.chat, id, text.clone())
            .reply_markup(markup.clone())
            .await
            .is_ok()
    {
        return Ok(());
    }
    send::reply_with(bot, who, text, markup).await
}

pub(crate) fn store_id(store: &entity::stores::Model) -> StoreId {
    StoreId(store.id)
}
