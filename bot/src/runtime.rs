//! Running the bot: long polling by default, or a webhook (secret token checked) when configured.
use std::net::SocketAddr;

use teloxide::dispatching::ShutdownToken;
use teloxide::prelude::*;
use teloxide::update_listeners::webhooks;

use crate::{BotError, Services, handler_tree};

/// Webhook mode: Telegram posts updates to `url`; we listen on `bind`.
#[derive(Clone, Debug)]
pub struct Webhook {
    pub url: url::Url,
    /// Sent back by Telegram in `X-Telegram-Bot-Api-Secret-Token`; requests without it are refused.
    pub secret: String,
    pub bind: SocketAddr,
}

/// Telegram accepts 1–256 characters of `A-Z a-z 0-9 _ -` as a webhook secret.
pub fn valid_secret(secret: &str) -> bool {
    (1..=256).contains(&secret.len())
        && secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// A bot talking to `api_url` (Telegram's, or a self-hosted Bot API server).
pub fn make_bot(token: &str, api_url: &str) -> Result<Bot, BotError> {
    let url = url::Url::parse(api_url)?;
    Ok(Bot::new(token).set_api_url(url))
}

/// Handles updates until the returned token is shut down (or Ctrl-C in the app).
pub async fn dispatch(
    bot: Bot,
    services: Services,
    webhook: Option<Webhook>,
    ready: tokio::sync::oneshot::Sender<ShutdownToken>,
) -> Result<(), BotError> {
    let mut dispatcher = Dispatcher::builder(bot.clone(), handler_tree())
        .dependencies(dptree::deps![services])
        .build();
    let _ = ready.send(dispatcher.shutdown_token());
    match webhook {
        None => {
            // A webhook left behind by an earlier run would stop getUpdates from working.
            bot.delete_webhook().await?;
            dispatcher.dispatch().await;
        }
        Some(w) => {
            if !valid_secret(&w.secret) {
                return Err(
                    "telegram.webhook_secret must be 1-256 characters of A-Z, a-z, 0-9, _ and -"
                        .into(),
                );
            }
            let options = webhooks::Options::new(w.bind, w.url).secret_token(w.secret);
            let listener = webhooks::axum(bot, options).await?;
            let errors = LoggingErrorHandler::with_custom_text("webhook listener error");
            dispatcher.dispatch_with_listener(listener, errors).await;
        }
    }
    Ok(())
}
