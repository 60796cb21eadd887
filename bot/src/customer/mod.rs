//! What customers do: the shop, the cart, checkout, receipts, their orders (one flow per
//! submodule). Updates reach these through [`crate::router`].
pub(crate) mod cart;
pub(crate) mod catalog;
pub(crate) mod checkout;
pub(crate) mod invite;
pub(crate) mod orders;
pub(crate) mod receipt;
pub(crate) mod start;

use domain::StoreId;
use teloxide::prelude::*;

use crate::context::Who;
use crate::dialogue::BotDialogue;
use crate::{HandlerResult, Services, send};

pub(crate) use orders::my_order;

/// The store this customer is shopping in: the one they opened last, or the first one.
pub(crate) async fn shop(services: &Services, who: &Who) -> Option<entity::stores::Model> {
    domain::people::users::shopping_store(&services.ctx.db, who.id())
        .await
        .ok()
        .flatten()
}

pub(crate) fn dialogue(services: &Services, who: &Who) -> BotDialogue {
    BotDialogue::new(services.dialogues.clone(), who.chat)
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
