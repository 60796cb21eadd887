//! Only private chats get shop or staff answers. In a group everyone reads what the bot
//! answers (a staff member's `/order 1042` would post a customer's phone and address there) and
//! the group shares one chat id, so one dialogue state (any admin's next message would become
//! a rejection reason). So an update from a group, a supergroup or a channel, or from no chat
//! at all, is answered at most with one line pointing to the private chat, and changes
//! nothing: no user is recorded, no dialogue state, order or receipt is touched.
use i18n::{ArgValue, Lang};
use teloxide::prelude::*;
use teloxide::types::{Message, Update, UpdateKind, User};

use crate::limiter::Kind;
use crate::reply::t_args;
use crate::{HandlerResult, Services, send};

/// Whether `update` belongs to the shop: a message in a private chat with the bot, or a press
/// of a button on a message in one. Everything else is kept away from the handlers.
pub fn is_private(update: &Update) -> bool {
    match &update.kind {
        UpdateKind::Message(m) => m.chat.is_private(),
        UpdateKind::CallbackQuery(q) => q.message.as_ref().is_some_and(|m| m.chat().is_private()),
        _ => false,
    }
}

/// The answer to everything [`is_private`] keeps out: a group message addressed to the bot
/// gets the one line (a few times a minute per group at most), a button pressed outside a
/// private chat gets it as the press's answer (only its presser sees that); ordinary group
/// chatter, channel posts and anything else get nothing.
pub async fn elsewhere(bot: Bot, update: Update, services: Services) -> HandlerResult {
    match &update.kind {
        UpdateKind::Message(m)
            if (m.chat.is_group() || m.chat.is_supergroup())
                && addressed(m, &services.bot_username, services.bot_id)
                && services.limiter.allow(m.chat.id.0, Kind::Elsewhere) =>
        {
            let text = private_only(m.from.as_ref(), &services.bot_username);
            send::text(&bot, m.chat.id, text, None).await?;
        }
        UpdateKind::CallbackQuery(q) => {
            let text = private_only(Some(&q.from), &services.bot_username);
            send::answer(&bot, q.id.clone(), Some(text)).await?;
        }
        _ => {}
    }
    Ok(())
}

/// "Write to me privately", in the sender's Telegram language (nothing is looked up: the
/// database is not touched for a group).
fn private_only(from: Option<&User>, bot_username: &str) -> String {
    let lang = Lang::from_tag(from.and_then(|u| u.language_code.as_deref()).unwrap_or(""));
    t_args(
        lang,
        "bot-private-only",
        &[("bot", ArgValue::from(bot_username))],
    )
}

/// Whether a group message speaks to the bot: a command (`/cmd`, or `/cmd@<this bot>` but not
/// one for another bot), a mention of `@<this bot>`, or a reply to one of the bot's messages.
pub fn addressed(m: &Message, bot_username: &str, bot_id: i64) -> bool {
    let text = m.text().or(m.caption()).unwrap_or("");
    if let Some(command) = text.strip_prefix('/') {
        let word = command.split_whitespace().next().unwrap_or("");
        return match word.split_once('@') {
            Some((_, to)) => to.eq_ignore_ascii_case(bot_username),
            None => !word.is_empty(),
        };
    }
    let replied_to_bot = m
        .reply_to_message()
        .and_then(|r| r.from.as_ref())
        .is_some_and(|u| i64::try_from(u.id.0).is_ok_and(|id| id == bot_id));
    replied_to_bot || mentions(text, bot_username)
}

/// Whether `text` names `@username` (case-insensitive, not as the start of a longer name).
fn mentions(text: &str, username: &str) -> bool {
    if username.is_empty() {
        return false;
    }
    let wanted = format!("@{}", username.to_ascii_lowercase());
    let lower = text.to_ascii_lowercase();
    lower.match_indices(&wanted).any(|(at, _)| {
        let after = lower[at + wanted.len()..].chars().next();
        !after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_bots_own_mentions_only() {
        assert!(mentions("hey @Shop_Bot, help", "shop_bot"));
        assert!(mentions("@shop_bot", "shop_bot"));
        assert!(!mentions("@shop_bot_fan says hi", "shop_bot"));
        assert!(!mentions("shop_bot", "shop_bot"));
        assert!(!mentions("anything", ""));
    }
}
