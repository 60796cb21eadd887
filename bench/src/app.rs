//! The whole application wired as in production (`vitrina::App` from `Settings`, started with
//! the chosen parts) on a fresh database, its bot talking to the fake Bot API on loopback, and
//! what customers and staff do to it: for the end-to-end benchmarks (`event_latency`,
//! `sse_fanout`).
use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use anyhow::Context;
use domain::people::auth::challenge;
use domain::{Actor, Channel, ProductId, StoreId, UserId};
use serde_json::{Value, json};
use tempfile::TempDir;
use testkit::TestDb;
use testkit::fake_telegram::FakeTelegram;
use tokio::sync::watch;
use vitrina::settings::{BusKind, Secret, Settings};
use vitrina::{App, Part, Started};

/// The Telegram id of the staff member (ADMIN of the store) the SSE clients log in as.
pub const STAFF: i64 = 7001;

pub struct Shop {
    pub api: FakeTelegram,
    pub app: App,
    /// Where the backoffice listens.
    pub addr: SocketAddr,
    pub store: StoreId,
    pub product: ProductId,
    pub staff: UserId,
    stop: watch::Sender<bool>,
    started: Started,
    next_message: AtomicI64,
    _data: TempDir,
    // Last: the database is dropped after the app's pool.
    _db: TestDb,
}

impl Shop {
    /// A fresh database (`DATABASE_URL`, SQLite when unset, as in the tests), a store with a
    /// product and an ADMIN, and the app started with `parts` on the chosen event bus (Redis at
    /// `REDIS_URL`, default 127.0.0.1:6379, on a channel of its own).
    pub async fn start(parts: &[Part], bus: BusKind) -> anyhow::Result<Shop> {
        let db = TestDb::new().await;
        let api = FakeTelegram::start().await;
        let data = tempfile::Builder::new()
            .prefix("vitrina-bench-")
            .tempdir()?;
        let mut settings = Settings {
            data_dir: data.path().to_owned(),
            ..Settings::default()
        };
        settings.log.filter = "warn".into();
        vitrina::telemetry::init(&settings.log, false);
        settings.database.url = Some(serde_json::from_value(json!(db.url()))?);
        settings.database.auto_migrate = Some(true);
        settings.server.bind = "127.0.0.1:0".into();
        settings.telegram.token = Some(Secret::new("123456:BENCH"));
        settings.telegram.api_url = api.url.clone();
        settings.bus.kind = bus;
        if let Ok(url) = std::env::var("REDIS_URL") {
            settings.bus.redis_url = Secret::new(url);
        }
        settings.bus.channel = format!("vitrina-bench:{}", uuid_suffix());
        let mut app = App::build(settings).await?;

        let ctx = &app.ctx;
        let store = testkit::seed::store(ctx, "bench", "Bench Shop").await;
        let product = testkit::seed::product(ctx, store, "MUG", 25_000, 10_000_000).await;
        let staff = testkit::seed::admin(ctx, store, STAFF, "anna", "en").await;

        let (stop, stop_rx) = watch::channel(false);
        let started = app.start(parts, stop_rx).await?;
        let addr = started.web_addr.context("the web part is not running")?;
        Ok(Shop {
            api,
            app,
            addr,
            store,
            product,
            staff,
            stop,
            started,
            next_message: AtomicI64::new(1),
            _data: data,
            _db: db,
        })
    }

    /// Stops the parts and waits for them (at most 30 s).
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = tokio::time::timeout(Duration::from_secs(30), self.started.join()).await;
    }

    /// The staff member's session cookies (`name=value; …`), from a QR login approved in
    /// Telegram and completed by polling `/login/status`, as a browser does.
    pub async fn staff_cookies(&self) -> anyhow::Result<String> {
        let ctx = &self.app.ctx;
        let secret = "a-benchmark-browser-secret-0123456789abcdef";
        let c = challenge::create(ctx, secret, "bench", None).await?;
        challenge::decide(ctx, &Actor::user(self.staff, Channel::Bot), &c.token, true).await?;
        let res = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()?
            .get(format!("http://{}/login/status?c={}", self.addr, c.id))
            .header("cookie", format!("__Host-vitrina-pre={secret}"))
            .send()
            .await?;
        let jar = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok()?.split(';').next())
            .filter(|pair| !pair.ends_with('='))
            .collect::<Vec<_>>()
            .join("; ");
        anyhow::ensure!(
            jar.contains("__Host-vitrina-access="),
            "the approved login set no session cookies ({}): {jar:?}",
            res.status()
        );
        Ok(jar)
    }

    /// A customer known to the bot with one order of a mug awaiting payment: its id.
    pub async fn customer_with_order(&self, telegram_id: i64) -> i64 {
        let ctx = &self.app.ctx;
        let name = format!("c{telegram_id}");
        let customer = testkit::seed::person(ctx, telegram_id, &name, "en").await;
        testkit::seed::order(ctx, self.store, customer, self.product, 1)
            .await
            .id
    }

    /// `user` sends `jpeg` as a photo, as Telegram delivers it (the file is served by the fake
    /// API's getFile and download URL).
    pub fn send_photo(&self, user: i64, jpeg: Vec<u8>, width: u32, height: u32) {
        let n = self.next_message.fetch_add(1, Ordering::Relaxed);
        let file_id = format!("photo-{user}-{n}");
        let size = jpeg.len();
        self.api.add_file(&file_id, jpeg);
        self.api
            .push_update(photo_update(user, n, &file_id, size, width, height));
    }
}

/// A private message from `user` carrying one photo size (the original).
pub fn photo_update(
    user: i64,
    message_id: i64,
    file_id: &str,
    size: usize,
    w: u32,
    h: u32,
) -> Value {
    let name = format!("c{user}");
    json!({ "message": {
        "message_id": message_id, "date": 1_700_000_000,
        "chat": { "id": user, "type": "private", "first_name": name },
        "from": { "id": user, "is_bot": false, "first_name": name, "username": name,
                  "language_code": "en" },
        "photo": [{ "file_id": file_id, "file_unique_id": format!("u-{file_id}"),
                    "width": w, "height": h, "file_size": size }]
    }})
}

fn uuid_suffix() -> String {
    uuid::Uuid::new_v4().to_string()
}
