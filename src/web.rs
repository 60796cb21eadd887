//! Starting the web part: the backoffice on `server.bind`.
use std::net::SocketAddr;

use anyhow::Context;
use teloxide::prelude::Requester;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::{App, telegram};

mod lean;
mod serve;

/// The bot's username for login links: configured, or asked from Telegram.
async fn bot_username(app: &App) -> anyhow::Result<String> {
    let tg = &app.settings.telegram;
    if let Some(name) = &tg.bot_username {
        return Ok(name.trim_start_matches('@').to_owned());
    }
    let Some(token) = &tg.token else {
        tracing::warn!(
            "neither telegram.bot_username nor telegram.token is set: login links will not work"
        );
        return Ok("your_bot".to_owned());
    };
    let bot =
        bot::runtime::make_bot(token.expose(), &tg.api_url).map_err(|e| anyhow::anyhow!("{e}"))?;
    let me = bot
        .get_me()
        .await
        .context("asking Telegram for the bot's username (getMe)")?;
    Ok(me.username.clone().unwrap_or_default())
}

/// Serves the backoffice (and the bot's webhook route, when given) until `stop` turns true;
/// returns the address actually bound (so `server.bind = "127.0.0.1:0"` works).
pub async fn start(
    app: &App,
    webhook_route: Option<axum::Router>,
    sandbox: Option<backoffice::Sandbox>,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<(SocketAddr, JoinHandle<()>)> {
    let secret = app.settings.jwt_secret()?;
    let proxies = backoffice::TrustedProxies::parse(&app.settings.server.trusted_proxies)
        .map_err(|e| anyhow::anyhow!("server.trusted_proxies: {e}"))?;
    let state = backoffice::AppState::new(
        app.ctx.clone(),
        secret.expose().as_bytes(),
        telegram::receipt_storage(app)?,
        &bot_username(app).await?,
    )
    .with_trusted_proxies(proxies);
    let state = state.with_stop(stop.clone());
    let state = match sandbox {
        Some(sandbox) => state.with_sandbox(sandbox),
        None => state,
    };
    let listener = tokio::net::TcpListener::bind(&app.settings.server.bind)
        .await
        .with_context(|| format!("binding {}", app.settings.server.bind))?;
    let address = listener.local_addr()?;
    tracing::info!(%address, "backoffice listening");
    let mut router = backoffice::router(state);
    if let Some(route) = webhook_route {
        // Outside the backoffice's layers: Telegram sends no cookies and no Origin.
        router = router.merge(route);
    }
    let task = tokio::spawn(serve::serve(listener, router, async move {
        let _ = stop.changed().await;
    }));
    Ok((address, task))
}
