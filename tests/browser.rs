//! The backoffice in a real browser: headless Chromium (Debian's `chromium` and
//! `chromium-driver`) driven over WebDriver, against the app wired as in production (bot, web and
//! worker roles on one database) and a fake Telegram Bot API on loopback.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicI64, Ordering};

use domain::events::DomainEvent;
use domain::{Actor, ProductId, Role as StaffRole, StoreId, UserId};
use fantoccini::{Client, ClientBuilder, Locator};
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use tempfile::TempDir;
use testkit::TestDb;
use testkit::fake_telegram::FakeTelegram;
use testkit::wait::{PATIENCE, eventually, free_port};
use tokio::sync::watch;
use vitrina::settings::{Secret, Settings};
use vitrina::{App, Role, Started};

/// The staff member (ADMIN of the store) who logs in, and a customer, by Telegram id.
const STAFF: i64 = 7001;
const CUSTOMER: i64 = 7002;

// ---------------------------------------------------------------------------------------------
// The browser

/// chromedriver on a port of its own; killed (with any Chromium it started) when dropped.
struct Driver {
    child: Child,
    port: u16,
    /// The Chromium profile: also how its processes are told from other tests' ones.
    profile: TempDir,
}

impl Driver {
    fn start() -> Driver {
        let port = free_port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting chromedriver (apt-get install chromium chromium-driver)");
        let profile = tempfile::Builder::new()
            .prefix("vitrina-chromium-")
            .tempdir()
            .unwrap();
        Driver {
            child,
            port,
            profile,
        }
    }

    /// Processes started with this driver's Chromium profile.
    fn browser_pids(&self) -> Vec<u32> {
        let marker = format!("--user-data-dir={}", self.profile.path().display());
        let Ok(dir) = std::fs::read_dir("/proc") else {
            return Vec::new();
        };
        dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
            .filter(|pid| {
                std::fs::read(format!("/proc/{pid}/cmdline"))
                    .is_ok_and(|c| c.split(|b| *b == 0).any(|arg| arg == marker.as_bytes()))
            })
            .collect()
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // A test that failed before closing its session leaves its Chromium behind.
        for pid in self.browser_pids() {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .stderr(Stdio::null())
                .status();
        }
    }
}

/// A headless Chromium session.
struct Browser {
    client: Client,
    driver: Driver,
}

impl Browser {
    async fn start() -> Browser {
        let driver = Driver::start();
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium_binary(),
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                    format!("--user-data-dir={}", driver.profile.path().display()),
                ],
            }),
        );
        let webdriver = format!("http://127.0.0.1:{}", driver.port);
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = eventually("chromedriver to start a session", || {
            let (caps, connector, webdriver) = (caps.clone(), connector.clone(), &webdriver);
            async move {
                ClientBuilder::new(connector)
                    .capabilities(caps)
                    .connect(webdriver)
                    .await
                    .ok()
            }
        })
        .await;
        Browser { client, driver }
    }

    /// Waits for an element to be in the page.
    async fn wait_for(&self, css: &str) -> fantoccini::elements::Element {
        match self
            .client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(e) => panic!("waiting for {css} on {}: {e}", self.url().await),
        }
    }

    async fn url(&self) -> String {
        self.client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default()
    }

    /// Whether the page's SSE connection (`sse-connect` on the body) is open, so that events
    /// from now on reach it.
    async fn live(&self) -> bool {
        let open = self
            .client
            .execute(
                "const d = document.body && document.body['htmx-internal-data'];
                 return !!(d && d.sseEventSource && d.sseEventSource.readyState === 1);",
                vec![],
            )
            .await;
        matches!(open, Ok(Value::Bool(true)))
    }

    /// From now on, notes every `.flash` added to the page (`(class, text)`, read by `flashes`).
    async fn record_flashes(&self) {
        self.client
            .execute(
                "window.__flashes = [];
                 new MutationObserver((changes) => {
                   for (const change of changes) {
                     for (const node of change.addedNodes) {
                       if (node.nodeType !== 1) continue;
                       const found = node.matches('.flash') ? [node] : node.querySelectorAll('.flash');
                       for (const f of found) window.__flashes.push([f.className, f.textContent.trim()]);
                     }
                   }
                 }).observe(document.body, { childList: true, subtree: true });",
                vec![],
            )
            .await
            .unwrap();
    }

    async fn flashes(&self) -> Vec<(String, String)> {
        let found = self
            .client
            .execute("return window.__flashes || [];", vec![])
            .await
            .unwrap();
        serde_json::from_value(found).unwrap_or_default()
    }

    async fn close(self) {
        let Browser { client, driver } = self;
        let _ = client.close().await;
        drop(driver);
    }
}

fn chromium_binary() -> PathBuf {
    let debian = Path::new("/usr/bin/chromium");
    if debian.exists() {
        debian.to_owned()
    } else {
        PathBuf::from("chromium")
    }
}

// ---------------------------------------------------------------------------------------------
// The app

/// The app with its bot, web and worker roles on a fresh database, talking to a fake Bot API.
struct Shop {
    api: FakeTelegram,
    app: App,
    base: String,
    stop: watch::Sender<bool>,
    started: Option<Started>,
    store: StoreId,
    product: ProductId,
    next_message: AtomicI64,
    _data: TempDir,
    // Last: the database is dropped after the app's pool.
    _db: TestDb,
}

impl Shop {
    async fn start() -> Shop {
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
    async fn stop(mut self) {
        let _ = self.stop.send(true);
        if let Some(started) = self.started.take() {
            let joined = tokio::time::timeout(PATIENCE, started.join()).await;
            assert!(joined.is_ok(), "the roles did not stop within {PATIENCE:?}");
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A customer with an order of 2 mugs awaiting payment.
    async fn order_for_customer(&self) -> entity::orders::Model {
        let customer = known(&self.app, CUSTOMER, "carol").await;
        let new = domain::orders::NewOrder {
            store: self.store,
            customer,
            items: vec![(self.product, 2)],
            delivery: domain::orders::Delivery {
                name: "Olena".into(),
                phone: "+380671234567".into(),
                address: "Kyiv, Khreshchatyk 1".into(),
            },
        };
        domain::orders::place(
            &self.app.ctx,
            &Actor::user(customer, domain::Channel::Bot),
            &new,
        )
        .await
        .unwrap()
    }

    async fn status(&self, order: i64) -> String {
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
    fn message(&self, user: i64, content: Value) {
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
    fn send_receipt(&self, file_id: &str) {
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
    async fn log_in(&self, browser: &Browser) {
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

// ---------------------------------------------------------------------------------------------
// The tests

#[tokio::test(flavor = "multi_thread")]
async fn qr_login_through_the_bot() {
    let shop = Shop::start().await;
    let browser = Browser::start().await;
    shop.log_in(&browser).await;
    // The bot told the staff member it worked.
    let texts = shop.api.sent_texts();
    assert!(
        texts.iter().filter(|(chat, _)| *chat == STAFF).count() >= 2,
        "the card and the confirmation: {texts:?}"
    );
    browser.close().await;
    shop.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn verify_from_the_queue() {
    let shop = Shop::start().await;
    let order = shop.order_for_customer().await;
    // Wait until the receipt's event has gone out, so that the queue page does not reload
    // under the click.
    let mut events = shop.app.ctx.bus.subscribe();
    shop.send_receipt("receipt-1");
    tokio::time::timeout(PATIENCE, async {
        loop {
            let published = events.recv().await.unwrap();
            if matches!(published.event, DomainEvent::ReceiptAttached { .. }) {
                break;
            }
        }
    })
    .await
    .expect("the receipt's event within the time limit");
    assert_eq!(shop.status(order.id).await, "payment_review");

    let browser = Browser::start().await;
    shop.log_in(&browser).await;
    let item = format!("article#order-{}", order.id);
    browser.wait_for(&item).await;
    // The flash replaces the item, until the decision's event reloads the queue (then empty):
    // recorded as it appears.
    browser.record_flashes().await;
    browser
        .wait_for(&format!("{item} button[data-action=verify]"))
        .await
        .click()
        .await
        .unwrap();
    let number = order.number.to_string();
    let flash = eventually("the verified flash", || async {
        let flashes = browser.flashes().await;
        flashes
            .into_iter()
            .find(|(class, _)| class.split_whitespace().any(|c| c == "ok"))
    })
    .await;
    assert!(
        flash.1.contains(&number),
        "the flash names order {number}: {flash:?}"
    );
    eventually("the order to be paid", || async {
        (shop.status(order.id).await == "paid").then_some(())
    })
    .await;
    browser.close().await;
    shop.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_receipt_from_the_bot_appears_live() {
    let shop = Shop::start().await;
    let order = shop.order_for_customer().await;
    let browser = Browser::start().await;
    shop.log_in(&browser).await;
    browser.wait_for("#queue-empty").await;
    eventually("the page's live connection", || async {
        browser.live().await.then_some(())
    })
    .await;
    let marker: Value = browser
        .client
        .execute("window.__not_reloaded = true; return true;", vec![])
        .await
        .unwrap();
    assert_eq!(marker, json!(true));

    shop.send_receipt("receipt-live");
    browser
        .wait_for(&format!("article#order-{}", order.id))
        .await;
    let same_page = browser
        .client
        .execute("return window.__not_reloaded === true;", vec![])
        .await
        .unwrap();
    assert_eq!(same_page, json!(true), "the item came without a reload");
    assert_eq!(shop.status(order.id).await, "payment_review");
    browser.close().await;
    shop.stop().await;
}
