//! Starting the bot part: the dispatcher (polling or webhook) and the notifier.
use std::sync::Arc;

use anyhow::Context;
use bot::runtime::{self, Webhook};
use domain::kernel::deeplink::DeepLink;
use files::inspect::Limits;
use files::store::{FileStore, LocalStorage};
use teloxide::prelude::*;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::App;
use crate::settings::StorageKind;

/// Where receipt files are kept: `data_dir/files` by default, or an S3-compatible bucket.
pub fn receipt_storage(app: &App) -> anyhow::Result<Arc<dyn FileStore>> {
    let settings = &app.settings.receipts;
    match settings.storage {
        StorageKind::Local => Ok(Arc::new(LocalStorage::new(
            app.settings.data_dir.join("files"),
        ))),
        StorageKind::S3 => s3_storage(&settings.s3),
    }
}

#[cfg(feature = "s3")]
fn s3_storage(s3: &crate::settings::S3Settings) -> anyhow::Result<Arc<dyn FileStore>> {
    use files::s3::{S3Config, S3Storage};
    let config = S3Config {
        bucket: s3.bucket.clone(),
        region: s3.region.clone(),
        endpoint: s3.endpoint.clone(),
        access_key_id: s3.access_key_id.clone(),
        secret_access_key: s3
            .secret_access_key
            .as_ref()
            .map(|s| s.expose().to_owned())
            .unwrap_or_default(),
        allow_http: s3.allow_http,
    };
    Ok(Arc::new(S3Storage::new(&config)?))
}

#[cfg(not(feature = "s3"))]
fn s3_storage(_: &crate::settings::S3Settings) -> anyhow::Result<Arc<dyn FileStore>> {
    anyhow::bail!("receipts.storage = \"s3\" needs a build with `--features s3`")
}

/// What [`start`] started: the bot's tasks, and in webhook mode with the web part in this
/// instance, the route the backoffice's server must mount.
pub struct BotPart {
    pub tasks: Vec<JoinHandle<()>>,
    pub webhook_route: Option<axum::Router>,
    /// With no OWNER yet: the one-time claim link, for the console.
    pub claim: Option<String>,
}

/// Where Telegram's updates come from.
enum Updates {
    Polling,
    /// A webhook on `telegram.webhook_bind`.
    OwnListener(Webhook),
    /// A webhook served by the backoffice on `server.bind`.
    Mounted {
        url: url::Url,
        secret: String,
    },
}

fn updates(app: &App, web_here: bool) -> anyhow::Result<Updates> {
    let tg = &app.settings.telegram;
    let (url, secret) = match (&tg.webhook_url, &tg.webhook_secret) {
        (Some(url), Some(secret)) => (url, secret.expose().to_owned()),
        (Some(_), None) => anyhow::bail!("telegram.webhook_url needs telegram.webhook_secret"),
        _ => return Ok(Updates::Polling),
    };
    let url: url::Url = url.parse().context("telegram.webhook_url")?;
    if !web_here {
        let bind = tg.webhook_bind.parse().context("telegram.webhook_bind")?;
        return Ok(Updates::OwnListener(Webhook { url, secret, bind }));
    }
    anyhow::ensure!(
        url.path().starts_with(WEBHOOK_PREFIX),
        "telegram.webhook_url: with the web part the backoffice serves the webhook, so its path must begin with {WEBHOOK_PREFIX} (got {})",
        url.path()
    );
    Ok(Updates::Mounted { url, secret })
}

/// Webhook paths served by the backoffice's server begin with this, clear of its pages.
pub const WEBHOOK_PREFIX: &str = "/telegram/";

/// Starts the bot and its notifier; both stop when `stop` turns true. `web_here`: this
/// instance also runs the web part, whose server then serves the webhook.
pub async fn start(
    app: &App,
    owner: &str,
    stop: watch::Receiver<bool>,
    web_here: bool,
) -> anyhow::Result<BotPart> {
    let tg = &app.settings.telegram;
    let Some(token) = &tg.token else {
        tracing::warn!(
            "no telegram.token configured (VITRINA__TELEGRAM__TOKEN): the bot is not started"
        );
        return Ok(BotPart {
            tasks: Vec::new(),
            webhook_route: None,
            claim: None,
        });
    };
    let bot = runtime::make_bot(token.expose(), &tg.api_url).map_err(|e| anyhow::anyhow!("{e}"))?;
    let me = bot
        .get_me()
        .await
        .context("asking Telegram who the bot is (getMe)")?;
    let username = me.username.clone().unwrap_or_default();
    let files = receipt_storage(app)?;
    let limits = Limits {
        max_bytes: app.settings.receipts.max_bytes,
        ..Limits::default()
    };
    let services = bot::Services {
        ctx: app.ctx.clone(),
        files: files.clone(),
        limits: Arc::new(limits),
        bot_id: i64::try_from(me.id.0).unwrap_or_default(),
        bot_username: username.clone(),
        limiter: Arc::new(bot::limiter::RateLimiter::default()),
        dialogues: bot::storage::DbStorage::new(app.ctx.db.clone()),
        downloads: Arc::new(bot::download::FromTelegram),
        inspections: Arc::new(tokio::sync::Semaphore::new(2)),
        ledger: bot::ledger::Ledger::inline(),
    };
    // Printed by `serve`, not logged: it is a one-time secret for the person at the console.
    let claim = domain::operations::bootstrap::issue_claim(&app.ctx)
        .await?
        .map(|code| DeepLink::Claim(code).url(&username))
        .transpose()
        .context("writing the claim link")?;
    let updates = updates(app, web_here)?;
    let mode = match &updates {
        Updates::Polling => "polling",
        Updates::OwnListener(_) => "webhook on telegram.webhook_bind",
        Updates::Mounted { .. } => "webhook on the backoffice's server",
    };
    tracing::info!(bot = %username, mode, "bot starting");
    let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
    let mut webhook_route = None;
    let dispatcher = match updates {
        Updates::Mounted { url, secret } => {
            let (route, run) =
                runtime::dispatch_mounted(bot.clone(), services, url, &secret, ready_tx)
                    .await
                    .map_err(|e| anyhow::anyhow!("setting the webhook (setWebhook): {e}"))?;
            webhook_route = Some(route);
            tokio::spawn(run)
        }
        Updates::Polling | Updates::OwnListener(_) => {
            let webhook = match updates {
                Updates::OwnListener(w) => Some(w),
                _ => None,
            };
            tokio::spawn(async move {
                if let Err(e) = runtime::dispatch(bot.clone(), services, webhook, ready_tx).await {
                    tracing::error!(error = %e, "the bot stopped");
                }
            })
        }
    };
    let token = ready_rx.await.ok();
    let mut stop_dispatcher = stop.clone();
    let stopper = tokio::spawn(async move {
        let _ = stop_dispatcher.changed().await;
        // Only asks: the dispatcher's task (joined with the others) ends when it is done.
        // (teloxide's shutdown future can miss a quick "done" and wait forever.)
        if let Some(token) = token {
            let _ = token.shutdown();
        }
    });
    let notify_bot =
        runtime::make_bot(token_str(app)?, &tg.api_url).map_err(|e| anyhow::anyhow!("{e}"))?;
    let throttled = notify_bot.throttle(bot::notifier::throttle_limits());
    let notifier = tokio::spawn(bot::notifier::run(
        throttled,
        app.ctx.clone(),
        files,
        owner.to_owned(),
        stop,
    ));
    Ok(BotPart {
        tasks: vec![dispatcher, stopper, notifier],
        webhook_route,
        claim,
    })
}

fn token_str(app: &App) -> anyhow::Result<&str> {
    app.settings
        .telegram
        .token
        .as_ref()
        .map(|t| t.expose())
        .context("telegram.token")
}
