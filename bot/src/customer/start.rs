//! What `/start` and its deep links open (routed by [`crate::router`]), `/help`, `/language`, and the answer to unknown commands.
use i18n::{ArgValue, Lang};
use teloxide::prelude::*;

use super::{catalog, shop};
use crate::context::Who;
use crate::reply::{t, t_args};
use crate::send::reply_error;
use crate::{HandlerResult, Services, keyboards, send};

/// `/start` without a deep link: the shop the customer is in.
pub async fn open_shop(bot: &Bot, who: &Who, services: &Services) -> HandlerResult {
    match shop(services, who).await {
        Some(store) => welcome(bot, who, services, &store).await,
        None => send::reply(bot, who, t(who.lang, "bot-no-store")).await,
    }
}

/// `start=store_<slug>`: that store becomes the customer's.
pub async fn open_store(bot: &Bot, slug: &str, who: &Who, services: &Services) -> HandlerResult {
    let db = &services.ctx.db;
    match domain::stores::by_slug(db, slug).await {
        Ok(store) => {
            domain::people::users::set_current_store(db, who.id(), domain::StoreId(store.id))
                .await?;
            welcome(bot, who, services, &store).await
        }
        Err(e) => reply_error(bot, who, &e).await,
    }
}

/// `start=claim_<code>`: the first OWNER.
pub async fn claim(bot: &Bot, code: &str, who: &Who, services: &Services) -> HandlerResult {
    match domain::operations::bootstrap::claim(&services.ctx, &who.actor, code).await {
        Ok(()) => send::reply(bot, who, t(who.lang, "bot-claim-done")).await,
        Err(e) => reply_error(bot, who, &e).await,
    }
}

async fn welcome(
    bot: &Bot,
    who: &Who,
    services: &Services,
    store: &entity::stores::Model,
) -> HandlerResult {
    let text = t_args(
        who.lang,
        "bot-welcome",
        &[("store", ArgValue::from(store.name.as_str()))],
    );
    send::reply(bot, who, text).await?;
    catalog::show(bot, who, services, 0, None).await
}

/// "Log in to Vitrina from <browser, OS, IP, time>?" with Approve / Deny.
pub async fn login_card(bot: &Bot, token: &str, who: &Who, services: &Services) -> HandlerResult {
    let pending = match domain::people::auth::challenge::describe(&services.ctx, token).await {
        Ok(p) => p,
        Err(e) => return reply_error(bot, who, &e).await,
    };
    let text = t_args(
        who.lang,
        "bot-login-card",
        &[
            ("browser", ArgValue::from(pending.browser)),
            ("os", ArgValue::from(pending.os)),
            (
                "ip",
                ArgValue::from(pending.ip.unwrap_or_else(|| "?".to_owned())),
            ),
            (
                "time",
                ArgValue::from(pending.created_at.format("%d.%m.%Y %H:%M").to_string()),
            ),
        ],
    );
    let markup = keyboards::rows(vec![vec![
        keyboards::button(
            who.lang,
            "btn-login-approve",
            crate::callback::Callback::LoginApprove(token.to_owned()),
        ),
        keyboards::button(
            who.lang,
            "btn-login-deny",
            crate::callback::Callback::LoginDeny(token.to_owned()),
        ),
    ]]);
    send::reply_with(bot, who, text, markup).await
}

/// The answer to the login card's buttons.
pub async fn decide_login(
    bot: &Bot,
    token: &str,
    approve: bool,
    who: &Who,
    services: &Services,
) -> HandlerResult {
    match domain::people::auth::challenge::decide(&services.ctx, &who.actor, token, approve).await {
        Ok(()) => {
            let key = if approve {
                "bot-login-approved"
            } else {
                "bot-login-denied"
            };
            send::reply(bot, who, t(who.lang, key)).await
        }
        Err(e) => reply_error(bot, who, &e).await,
    }
}

/// `/help`: the commands this person may use (staff also see theirs).
pub async fn help(bot: &Bot, who: &Who, services: &Services) -> HandlerResult {
    let staff = domain::people::users::working_store(&services.ctx.db, who.id())
        .await?
        .is_some();
    send::reply(bot, who, crate::commands::help(who.lang, staff)).await
}

pub async fn choose_language(bot: &Bot, who: &Who) -> HandlerResult {
    let question = t(who.lang, "bot-language-choose");
    send::reply_with(bot, who, question, keyboards::languages()).await
}

pub async fn set_language(bot: &Bot, code: &str, who: &Who, services: &Services) -> HandlerResult {
    let lang = Lang::from_tag(code);
    domain::people::users::set_language(&services.ctx.db, who.id(), lang.as_str()).await?;
    send::reply(bot, who, t(lang, "bot-language-set")).await
}

/// Unknown commands, and staff commands from people without a role, get the same answer.
pub async fn unknown_command(bot: &Bot, who: &Who, text: &str) -> HandlerResult {
    tracing::info!(user = who.user.telegram_id, text = %text.chars().take(64).collect::<String>(), "unknown or refused command");
    send::reply(bot, who, t(who.lang, "bot-unknown-command")).await
}
