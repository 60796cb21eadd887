//! Running the bot: long polling by default (kept before acknowledged: see [`crate::polling`]),
//! or a webhook (secret token checked) when configured.
use std::net::SocketAddr;

use teloxide::dispatching::ShutdownToken;
use teloxide::prelude::*;
use teloxide::update_listeners::UpdateListener;

use crate::ledger::{Ledger, Writer};
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

/// Handles updates until the token sent to `ready` is shut down (or Ctrl-C in the app): long
/// polling, or a webhook served on its own address.
pub async fn dispatch(
    bot: Bot,
    services: Services,
    webhook: Option<Webhook>,
    ready: tokio::sync::oneshot::Sender<ShutdownToken>,
) -> Result<(), BotError> {
    let (services, writer) = batched(services);
    let (ctx, bot_id, ledger) = (
        services.ctx.clone(),
        services.bot_id,
        services.ledger.clone(),
    );
    let hooked = match &webhook {
        Some(w) => Some((
            listen(&bot, &services, w.url.clone(), &w.secret).await?,
            w.bind,
        )),
        None => None,
    };
    let mut dispatcher = Dispatcher::builder(bot.clone(), handler_tree())
        .dependencies(dptree::deps![services])
        .build();
    let _ = ready.send(dispatcher.shutdown_token());
    match hooked {
        None => {
            // A webhook left behind by an earlier run would stop getUpdates from working.
            bot.delete_webhook().await?;
            let listener = crate::polling::listener(bot, ctx, bot_id, ledger);
            dispatcher.dispatch_with_listener(listener, errors()).await;
        }
        Some(((listener, intake, router), bind)) => {
            let server = tokio::net::TcpListener::bind(bind).await?;
            let serving = tokio::spawn(async move {
                let served = axum::serve(server, router).with_graceful_shutdown(async move {
                    intake.stopped().await;
                });
                if let Err(e) = served.await {
                    tracing::error!(error = %e, "the webhook listener stopped");
                }
            });
            dispatcher.dispatch_with_listener(listener, errors()).await;
            let _ = serving.await;
        }
    }
    writer.finish().await;
    Ok(())
}

/// The services with a [`Ledger::batched`] ledger, and its writer to finish when the
/// dispatcher stops.
fn batched(services: Services) -> (Services, Writer) {
    let (ledger, writer) = Ledger::batched(services.ctx.clone(), services.bot_id);
    (Services { ledger, ..services }, writer)
}

fn errors() -> std::sync::Arc<LoggingErrorHandler> {
    LoggingErrorHandler::with_custom_text("update listener error")
}

/// Webhook mode served by someone else's HTTP server (the backoffice's, when this instance
/// also runs the web part): registers the webhook with Telegram and answers the router to
/// mount (it serves only the URL's path) and the future that handles the updates it receives
/// until the token sent to `ready` is shut down.
pub async fn dispatch_mounted(
    bot: Bot,
    services: Services,
    url: url::Url,
    secret: &str,
    ready: tokio::sync::oneshot::Sender<ShutdownToken>,
) -> Result<(axum::Router, impl Future<Output = ()> + Send + use<>), BotError> {
    let (services, writer) = batched(services);
    let (listener, _stopped, router) = listen(&bot, &services, url, secret).await?;
    let mut dispatcher = Dispatcher::builder(bot, handler_tree())
        .dependencies(dptree::deps![services])
        .build();
    let _ = ready.send(dispatcher.shutdown_token());
    let run = async move {
        dispatcher.dispatch_with_listener(listener, errors()).await;
        writer.finish().await;
    };
    Ok((router, run))
}

/// Registers the webhook (with its secret) and makes the route that receives it. The webhook
/// is not deleted when this instance stops: other instances may still be serving it. Other
/// instances may be handling their updates right now, so only updates abandoned for
/// [`crate::intake::STALE_AFTER`] are taken over.
async fn listen(
    bot: &Bot,
    services: &Services,
    url: url::Url,
    secret: &str,
) -> Result<
    (
        impl UpdateListener<Err = std::convert::Infallible> + Send + use<>,
        crate::intake::Intake,
        axum::Router,
    ),
    BotError,
> {
    if !valid_secret(secret) {
        return Err(
            "telegram.webhook_secret must be 1-256 characters of A-Z, a-z, 0-9, _ and -".into(),
        );
    }
    bot.set_webhook(url.clone())
        .secret_token(secret.to_owned())
        .await?;
    let (intake, listener) = crate::intake::open(
        services.ctx.clone(),
        services.bot_id,
        crate::intake::STALE_AFTER,
        services.ledger.clone(),
    );
    let router = crate::webhook::route(url.path(), intake.clone(), secret);
    Ok((listener, intake, router))
}
