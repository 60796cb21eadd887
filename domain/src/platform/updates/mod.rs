//! Telegram updates, from arrival to done: kept before they are acknowledged ([`log`]),
//! claimed once inside the transaction of the change they cause ([`claims`]), and set aside
//! when they keep killing the process ([`quarantine`]). The claim has to share the business
//! transaction, which is why this lives in `domain` and not in the bot.
pub mod claims;
pub mod log;
pub mod quarantine;
