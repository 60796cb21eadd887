//! The app as in production (bot, web and worker roles on one fresh database) and the fake
//! Telegram Bot API it talks to, with what customers and staff do in Telegram.
use std::sync::atomic::{AtomicI64, Ordering};

use domain::{Actor, ProductId, Role as StaffRole, StoreId, UserId};
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use tempfile::TempDir;
use testkit::TestDb;
use testkit::fake_telegram::FakeTelegram;
use testkit::wait::{PATIENCE, eventually};
use tokio::sync::watch;
use vitrina::settings::{Secret, Settings};
use vitrina::{App, Role, Started};

use crate::chrome::Browser;

/// The staff member (ADMIN of the store) who logs in, and a customer, by Telegram id.
pub const STAFF: i64 = 7001;
pub const CUSTOMER: i64 = 7002;

/// The app with its bot, web and worker roles on a fresh database, talking to a fake Bot API.
pub struct Shop {
    pub api: FakeTelegram,
    pub app: App,
    base: String,
    stop: watch::Sender<bool>,
    started: Option<Started>,
    pub store: StoreId,
    pub product: ProductId,
    next_message: AtomicI64,
    _data: TempDir,
    // Last: the database is dropped after the app's pool.
    _db: TestDb,
}

impl Shop {
    pub async fn start() -> Shop {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_default_env()
                    .unwrap_or_else(|_| "warn".into()),
            )
            .with_test_writer()
            .try_init();
        let db = TestDb::new().await;
        let api = FakeTelegram::start().await;
        let data = tempfile::Builder::new()
            .prefix("vitrina-browser-")
            .tempdir()
            .unwrap();
        let mut settings = Settings {
            data_dir: data.path().to_owned(),
            ..Settings::default()
        };
        settings.database.url = Some(serde_json::from_value(json!(db.url())).unwrap());
        settings.database.auto_migrate = Some(true);
        settings.server.bind = "127.0.0.1:0".into();
        settings.telegram.token = Some(Secret::new("123456:TEST"));
        settings.telegram.api_url = api.url.clone();
        let app = App::build(settings).await.unwrap();

        let ctx = &app.ctx;
        let operator = Actor::operator();
        let store = testkit::seed::store(ctx, "demo", "Demo Shop").await;
        let product = testkit::seed::product(ctx, store, "MUG", 25_000, 10).await;
        let staff = known(&app, STAFF, "anna").await;
        domain::staff::grant(ctx, &operator, staff, StaffRole::Admin, Some(store))
            .await
            .unwrap();

        let (stop, stop_rx) = watch::channel(false);
        let started = app
            .start(&[Role::Bot, Role::Web, Role::Worker], stop_rx)
            .await
            .unwrap();
        let base = format!(
            "http://{}",
            started.web_addr.expect("the web role's address")
        );
        Shop {
            api,
            app,
            base,
            stop,
            started: Some(started),
            store,
            product,
            next_message: AtomicI64::new(1),
            _data: data,
            _db: db,
        }
    }

    /// Stops the roles and waits for them (bounded).
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        if let Some(started) = self.started.take() {
            let joined = tokio::time::timeout(PATIENCE, started.join()).await;
            assert!(joined.is_ok(), "the roles did not stop within {PATIENCE:?}");
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A customer with an order of 2 mugs awaiting payment.
    pub async fn order_for_customer(&self) -> entity::orders::Model {
        let customer = known(&self.app, CUSTOMER, "carol").await;
        testkit::seed::order(&self.app.ctx, self.store, customer, self.product, 2).await
    }

    pub async fn status(&self, order: i64) -> String {
        entity::orders::Entity::find_by_id(order)
            .one(&self.app.ctx.db)
            .await
            .unwrap()
            .unwrap()
            .status
    }

    fn message_id(&self) -> i64 {
        self.next_message.fetch_add(1, Ordering::Relaxed)
    }

    /// A private message from `user` reaches the bot (through getUpdates).
    pub fn message(&self, user: i64, content: Value) {
        let mut message = json!({
            "message_id": self.message_id(), "date": 1_700_000_000,
            "chat": chat(user), "from": from(user),
        });
        if let (Some(m), Some(extra)) = (message.as_object_mut(), content.as_object()) {
            m.extend(extra.clone());
        }
        self.api.push_update(json!({ "message": message }));
    }

    /// `user` presses a button with `data` under one of the bot's messages.
    fn press(&self, user: i64, data: &str) {
        self.api.push_update(json!({
            "callback_query": {
                "id": format!("cb{}", self.message_id()), "from": from(user),
                "chat_instance": "ci", "data": data,
                "message": {
                    "message_id": 1, "date": 1_700_000_000, "chat": chat(user), "text": "card"
                }
            }
        }));
    }

    /// The customer sends a JPEG receipt as a document, as Telegram would deliver it.
    pub fn send_receipt(&self, file_id: &str) {
        let bytes = testkit::files::jpeg(640, 480);
        let size = bytes.len();
        self.api.add_file(file_id, bytes);
        self.message(
            CUSTOMER,
            json!({ "document": {
                "file_id": file_id, "file_unique_id": format!("u-{file_id}"), "file_size": size,
                "file_name": "receipt.jpg", "mime_type": "image/jpeg"
            }}),
        );
    }

    /// The QR login, completed by the staff member approving in Telegram: the browser ends up
    /// on the queue by itself.
    pub async fn log_in(&self, browser: &Browser) {
        browser.client.goto(&self.url("/login")).await.unwrap();
        let href = browser
            .wait_for("a#login-link")
            .await
            .attr("href")
            .await
            .unwrap()
            .expect("the login link has an href");
        let token = href
            .split_once("?start=login_")
            .map(|(_, t)| t.to_owned())
            .unwrap_or_else(|| panic!("no login token in {href}"));
        assert!(
            href.starts_with("https://t.me/vitrina_test_bot?"),
            "the link names the bot from getMe: {href}"
        );

        self.message(STAFF, json!({ "text": format!("/start login_{token}") }));
        let approve = format!("la:{token}");
        eventually("the bot to send the login card", || {
            let found = self.api.calls().iter().any(|c| {
                c.method == "sendmessage"
                    && c.body["chat_id"].as_i64() == Some(STAFF)
                    && c.body["reply_markup"].to_string().contains(&approve)
            });
            async move { found.then_some(()) }
        })
        .await;
        self.press(STAFF, &approve);

        // The page polls every 2 s; once approved it is sent to `/`, which is the queue.
        browser.wait_for("section#queue").await;
        let url = browser.url().await;
        assert_eq!(url, self.url("/queue"), "landed on the queue");
    }
}

async fn known(app: &App, telegram_id: i64, name: &str) -> UserId {
    testkit::seed::person(&app.ctx, telegram_id, name, "en").await
}

fn from(user: i64) -> Value {
    let name = if user == STAFF { "anna" } else { "carol" };
    json!({
        "id": user, "is_bot": false, "first_name": name, "username": name, "language_code": "en"
    })
}

fn chat(user: i64) -> Value {
    json!({ "id": user, "type": "private", "first_name": "x" })
}
