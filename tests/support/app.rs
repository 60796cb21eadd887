//! The app wired as in production (`App::start` with the chosen parts) on a test database,
//! its bot talking to a fake Telegram Bot API in polling mode.
use std::path::Path;
use std::sync::Arc;

use domain::Ctx;
use domain::kernel::clock::Clock;
use serde_json::json;
use tempfile::TempDir;
use testkit::TestDb;
use testkit::wait::PATIENCE;
use tokio::sync::watch;
use vitrina::settings::{BusKind, Secret, Settings};
use vitrina::{App, Part, Started};

/// The bot token every test instance uses with the fake API.
pub const TOKEN: &str = "123456:TEST";

/// How an instance is set up beyond the database.
#[derive(Default)]
pub struct Options<'a> {
    /// The fake Bot API's URL; without it the bot part does not start.
    pub api_url: Option<&'a str>,
    /// Redis pub/sub channel: set for instances that make one system with others.
    pub redis_channel: Option<&'a str>,
    /// Time as the app sees it (the system clock otherwise).
    pub clock: Option<Arc<dyn Clock>>,
    /// Without an `api_url`: run in sandbox mode (its own Telegram stand-in) rather than
    /// without a bot.
    pub sandbox: bool,
}

pub struct Instance {
    pub app: App,
    base: Option<String>,
    stop: watch::Sender<bool>,
    started: Option<Started>,
    _data: TempDir,
}

impl Instance {
    pub async fn start(db: &TestDb, parts: &[Part], options: Options<'_>) -> Instance {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_default_env()
                    .unwrap_or_else(|_| "warn".into()),
            )
            .with_test_writer()
            .try_init();
        let data = tempfile::Builder::new()
            .prefix("vitrina-instance-")
            .tempdir()
            .unwrap();
        let mut app = App::build(settings(db, data.path(), &options))
            .await
            .unwrap_or_else(|e| panic!("building the app (Redis for several instances): {e:#}"));
        if let Some(clock) = options.clock {
            app.ctx = Ctx::new(app.ctx.db.clone(), app.ctx.bus.clone(), clock);
        }
        let (stop, stop_rx) = watch::channel(false);
        let started = app.start(parts, stop_rx).await.unwrap();
        let base = started.web_addr.map(|a| format!("http://{a}"));
        Instance {
            app,
            base,
            stop,
            started: Some(started),
            _data: data,
        }
    }

    pub fn ctx(&self) -> &Ctx {
        &self.app.ctx
    }

    /// In sandbox mode: the Telegram stand-in the bot talks to.
    pub fn standin(&self) -> &standin::Standin {
        let sandbox = self.started.as_ref().and_then(|s| s.sandbox.as_ref());
        &sandbox.expect("an instance in sandbox mode").standin
    }

    /// A page of this instance's backoffice (it must run the web part).
    pub fn url(&self, path: &str) -> String {
        let base = self.base.as_deref().expect("an instance with the web part");
        format!("{base}{path}")
    }

    /// Stops the parts and waits for them (bounded).
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        if let Some(started) = self.started.take() {
            let joined = tokio::time::timeout(PATIENCE, started.join()).await;
            assert!(joined.is_ok(), "the parts did not stop within {PATIENCE:?}");
        }
    }
}

/// Every instance of one system shares the database, the Redis channel and the JWT secret;
/// each keeps its own data folder.
fn settings(db: &TestDb, data: &Path, options: &Options<'_>) -> Settings {
    let mut settings = Settings {
        data_dir: data.to_owned(),
        ..Settings::default()
    };
    settings.database.url = Some(serde_json::from_value(json!(db.url())).unwrap());
    settings.database.auto_migrate = Some(true);
    settings.server.bind = "127.0.0.1:0".into();
    settings.jwt.secret = Some(Secret::new(
        "e2e-test-secret-e2e-test-secret-e2e-test-secret",
    ));
    settings.telegram.bot_username = Some("vitrina_test_bot".into());
    if let Some(api) = options.api_url {
        settings.telegram.token = Some(Secret::new(TOKEN));
        settings.telegram.api_url = api.to_owned();
    }
    settings.sandbox.enabled = options.sandbox;
    if let Some(channel) = options.redis_channel {
        settings.bus.kind = BusKind::Redis;
        if let Ok(url) = std::env::var("REDIS_URL") {
            settings.bus.redis_url = Secret::new(url);
        }
        settings.bus.channel = channel.to_owned();
    }
    settings
}
