//! `start=invite_<token>`: a staff invitation opened in Telegram gives its role to the sender.
use domain::people::invites::{self, Accepted};
use i18n::ArgValue;
use teloxide::prelude::*;

use crate::context::Who;
use crate::reply::{t, t_args};
use crate::send::reply_error;
use crate::{HandlerResult, Services, send};

pub async fn accept(bot: &Bot, token: &str, who: &Who, services: &Services) -> HandlerResult {
    match invites::accept(&services.ctx, &who.actor, token).await {
        Ok(accepted) => send::reply(bot, who, accepted_text(who, &accepted)).await,
        Err(e) => reply_error(bot, who, &e).await,
    }
}

fn accepted_text(who: &Who, accepted: &Accepted) -> String {
    match &accepted.store {
        Some(store) => t_args(
            who.lang,
            "bot-invite-accepted",
            &[
                ("role", ArgValue::from(accepted.role.as_str())),
                ("store", ArgValue::from(store.name.as_str())),
            ],
        ),
        None => t(who.lang, "bot-invite-accepted-owner"),
    }
}
