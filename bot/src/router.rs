//! The handler tree: every message, command, deep link and button press is routed here, by
//! its kind, the sender's role and dialogue state, to one flow of the customer
//! ([`crate::customer`]) or the staff ([`crate::admin`]) side. Nothing else decides where an
//! update goes.
//!
//! ```text
//! message ─┬─ over the rate limit ─────────────────────────────── "slow down"
//!          ├─ read: upload / command / text in a dialogue state ─┐
//!          │   ├─ asks for a store's orders ─ staff context? ─── admin (store injected)
//!          │   └─ everything else ────────────────────────────── customer
//! press ───┬─ over the rate limit ─────────────────────────────── note
//!          ├─ data we did not make ────────────────────────────── "expired button"
//!          ├─ a store's order list page ─ staff context? ──────── admin (store injected)
//!          └─ everything else ────────────────────────────────── customer, or a payment
//!                                                                  decision the domain judges
//! ```
//! Payment decisions by order id (the Verify and Reject buttons, the reason that follows) need
//! no store: the domain decides who may take them, so a forged press is refused there.
use domain::kernel::deeplink::DeepLink;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{CallbackQuery, Message, MessageId};

use crate::admin::{self, StaffAsk};
use crate::callback::Callback;
use crate::commands::{self, Command};
use crate::context::{self, Staff, Who};
use crate::customer::start::unknown_command;
use crate::customer::{
    cart, catalog, checkout, dialogue, invite, my_order, orders, receipt, start,
};
use crate::dialogue::State;
use crate::limiter::Kind;
use crate::reply::t;
use crate::{BotError, HandlerResult, Services, send};

/// The tree below [`context::identify`]: messages and presses, each with a staff branch that
/// gets the [`Staff`] context injected and a customer branch for everything else.
pub fn tree() -> UpdateHandler<BotError> {
    let messages = Update::filter_message()
        .branch(dptree::filter(message_over_limit).endpoint(slow_down))
        .filter_map_async(read)
        .branch(
            dptree::filter_map(staff_ask)
                .filter_map_async(context::staff)
                .endpoint(staff),
        )
        .endpoint(customer_message);
    let presses = Update::filter_callback_query()
        .branch(dptree::filter(press_over_limit).endpoint(press_slow_down))
        .branch(dptree::filter(|q: CallbackQuery| decoded(&q).is_none()).endpoint(expired))
        .filter_map_async(acknowledge)
        .branch(
            dptree::filter_map(staff_press_ask)
                .filter_map_async(context::staff)
                .endpoint(staff),
        )
        .endpoint(customer_press);
    dptree::entry().branch(messages).branch(presses)
}

/// A message, read: what it is, and for text, the dialogue state it arrives in.
#[derive(Clone, Debug)]
pub enum Incoming {
    Upload,
    Command(Command),
    UnknownCommand(String),
    Text {
        text: String,
        state: State,
    },
    /// Neither text nor a file (a sticker, a location…).
    Other,
}

/// Messages that ask for a store's orders.
fn staff_ask(incoming: Incoming) -> Option<StaffAsk> {
    match incoming {
        Incoming::Command(Command::Orders(arg)) => Some(StaffAsk::Orders(arg)),
        Incoming::Command(Command::Order(arg)) => Some(StaffAsk::Order(arg)),
        Incoming::Command(Command::Verify(arg)) => Some(StaffAsk::Verify(arg)),
        Incoming::Command(Command::Reject(arg)) => Some(StaffAsk::Reject(arg)),
        Incoming::Command(Command::Start(payload)) => match DeepLink::parse(payload.trim()) {
            Some(DeepLink::Order(number)) => Some(StaffAsk::OrderLink(number)),
            _ => None,
        },
        Incoming::Text {
            text,
            state: State::Idle | State::ReceiptTarget { .. },
        } => {
            let numbers = crate::detect::order_numbers(&text);
            (!numbers.is_empty()).then_some(StaffAsk::Numbers(numbers))
        }
        _ => None,
    }
}

/// Presses that ask for a store's orders.
fn staff_press_ask(press: Press) -> Option<StaffAsk> {
    match press.callback {
        Callback::Orders(status, after) => Some(StaffAsk::Page {
            status,
            after,
            message: press.message,
        }),
        _ => None,
    }
}

/// A button press we made, acknowledged.
#[derive(Clone, Debug)]
pub struct Press {
    callback: Callback,
    message: Option<MessageId>,
}

fn message_over_limit(msg: Message, who: Who, services: Services) -> bool {
    let kind = if uploading(&msg) {
        Kind::Upload
    } else {
        Kind::Message
    };
    !services.limiter.allow(who.user.telegram_id, kind)
}

async fn slow_down(bot: Bot, who: Who) -> HandlerResult {
    send::reply(&bot, &who, t(who.lang, "bot-slow-down")).await
}

fn uploading(msg: &Message) -> bool {
    msg.photo().is_some() || msg.document().is_some()
}

async fn read(msg: Message, who: Who, services: Services) -> Option<Incoming> {
    if uploading(&msg) {
        return Some(Incoming::Upload);
    }
    let Some(text) = msg.text() else {
        return Some(Incoming::Other);
    };
    if text.starts_with('/') {
        return Some(match commands::parse(text, &services.bot_username) {
            Some(cmd) => Incoming::Command(cmd),
            None => Incoming::UnknownCommand(text.to_owned()),
        });
    }
    match dialogue(&services, &who).get_or_default().await {
        Ok(state) => Some(Incoming::Text {
            text: text.to_owned(),
            state,
        }),
        Err(e) => {
            tracing::error!(error = %e, "could not read the dialogue state");
            None
        }
    }
}

/// A staff request, message or press, with the store injected.
async fn staff(
    bot: Bot,
    ask: StaffAsk,
    staff: Staff,
    who: Who,
    services: Services,
) -> HandlerResult {
    if matches!(ask, StaffAsk::OrderLink(_)) {
        dialogue(&services, &who).exit().await?;
    }
    admin::on(&bot, ask, staff, &who, &services).await
}

async fn customer_message(
    bot: Bot,
    msg: Message,
    incoming: Incoming,
    who: Who,
    services: Services,
) -> HandlerResult {
    let (bot, who, services) = (&bot, &who, &services);
    match incoming {
        Incoming::Upload => receipt::on_file(bot, &msg, who, services).await,
        Incoming::Other => start::help(bot, who, services).await,
        Incoming::UnknownCommand(text) => unknown_command(bot, who, &text).await,
        Incoming::Command(cmd) => on_command(bot, cmd, who, services).await,
        Incoming::Text { text, state } => match state {
            State::Name { .. }
            | State::Phone { .. }
            | State::Address { .. }
            | State::Confirm { .. } => checkout::on_text(bot, &text, state, who, services).await,
            // The domain refuses it if the sender may no longer reject.
            State::RejectReason { order } => {
                admin::reject_with_reason(bot, order, &text, who, services).await
            }
            // Order numbers from someone without a role: the help, as for any other text.
            State::Idle | State::ReceiptTarget { .. } => start::help(bot, who, services).await,
        },
    }
}

/// `/start`, with or without a deep link ([`DeepLink::parse`]).
async fn on_start(bot: &Bot, payload: &str, who: &Who, services: &Services) -> HandlerResult {
    dialogue(services, who).exit().await?;
    let Some(link) = DeepLink::parse(payload) else {
        return start::open_shop(bot, who, services).await;
    };
    match link {
        DeepLink::Store(slug) => start::open_store(bot, &slug, who, services).await,
        DeepLink::Product(id) => catalog::product(bot, who, services, id).await,
        // Staff got the card in the staff branch; a customer gets their own order.
        DeepLink::Order(number) => my_order(bot, number, who, services).await,
        DeepLink::Login(token) => start::login_card(bot, &token, who, services).await,
        DeepLink::Invite(token) => invite::accept(bot, &token, who, services).await,
        DeepLink::Claim(code) => start::claim(bot, &code, who, services).await,
    }
}

/// A command from a customer (or from staff, for the commands everyone has).
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
        Command::Orders(_) => orders::mine(bot, who, services, None).await,
        // Staff commands from someone without a role: as if they did not exist.
        Command::Order(_) => unknown_command(bot, who, "/order").await,
        Command::Verify(_) => unknown_command(bot, who, "/verify").await,
        Command::Reject(_) => unknown_command(bot, who, "/reject").await,
    }
}

fn press_over_limit(who: Who, services: Services) -> bool {
    // Every press counts, even a forged one: a script pressing a button in a loop gets the
    // note and nothing else (no photo sent again, no database work beyond knowing who it is).
    !services.limiter.allow(who.user.telegram_id, Kind::Press)
}

async fn press_slow_down(bot: Bot, q: CallbackQuery, who: Who) -> HandlerResult {
    let note = t(who.lang, "bot-slow-down-press");
    send::answer(&bot, q.id.clone(), Some(note)).await
}

fn decoded(q: &CallbackQuery) -> Option<Callback> {
    q.data.as_deref().and_then(Callback::decode)
}

async fn expired(bot: Bot, q: CallbackQuery, who: Who) -> HandlerResult {
    tracing::warn!(user = who.user.telegram_id, data = ?q.data, "refused callback data");
    let note = t(who.lang, "bot-expired-button");
    send::answer(&bot, q.id.clone(), Some(note)).await
}

/// Stops the button's spinner, then hands the press on.
async fn acknowledge(bot: Bot, q: CallbackQuery) -> Option<Press> {
    if let Err(e) = send::answer(&bot, q.id.clone(), None).await {
        tracing::warn!(error = %e, "could not answer a button press");
    }
    Some(Press {
        callback: decoded(&q)?,
        message: q.regular_message().map(|m| m.id),
    })
}

async fn customer_press(bot: Bot, press: Press, who: Who, services: Services) -> HandlerResult {
    let (bot, who, services, message) = (&bot, &who, &services, press.message);
    match press.callback {
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
        // Decisions by order id: the domain refuses anyone who may not take them.
        Callback::Verify(id) => admin::verify(bot, id, who, services).await,
        Callback::Reject(id) => admin::ask_reason(bot, id, who, services).await,
        // A staff list page pressed by someone who no longer has a role.
        Callback::Orders(..) => unknown_command(bot, who, "/orders").await,
        Callback::LoginApprove(token) => {
            start::decide_login(bot, &token, true, who, services).await
        }
        Callback::LoginDeny(token) => start::decide_login(bot, &token, false, who, services).await,
    }
}
