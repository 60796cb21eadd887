//! The sandbox as a person uses it: no Telegram token, one browser. A customer orders from the
//! catalog in the sandbox's chat and sends a receipt photo; the staff pane gets the alert,
//! approves the backoffice's QR login in its chat, and the payment is verified in the
//! backoffice; the customer's chat shows the confirmation.
use std::time::{Duration, Instant};

use domain::OrderStatus;
use fantoccini::Locator;
use i18n::{ArgValue, Lang};
use serde::Deserialize;
use serde_json::json;
use testkit::TestDb;
use testkit::wait::{PATIENCE, eventually};
use vitrina::Part;

use crate::chrome::Browser;
use crate::support::app::{Instance, Options};

const ALL: &[Part] = &[Part::Bot, Part::Web, Part::Worker];
const OWNER: i64 = domain::operations::sandbox::OWNER.telegram_id;

/// The whole story in `lang` (`en`, `ru`): the pages in that language, a customer who writes
/// in it, and the owner, who switches the bot (and so the backoffice) to it with /language.
pub async fn story(lang: &str) {
    let db = TestDb::new().await;
    let options = Options {
        sandbox: true,
        ..Options::default()
    };
    let app = Instance::start(&db, ALL, options).await;
    let browser = Browser::start_in(lang).await;
    let tr = Lang::from_tag(lang);
    let sandbox = Sandbox {
        browser: &browser,
        base: app.url(""),
    };

    // The customer: the seeded Kate, or a new person who writes in `lang`.
    let customer = if lang == "en" {
        domain::operations::sandbox::FIRST_CUSTOMER.telegram_id
    } else {
        sandbox.open("").await;
        add_customer(&sandbox, "Дарья", lang).await;
        let standin = app.standin();
        eventually("the new customer", || async {
            standin
                .users()
                .into_iter()
                .find(|u| u.first_name == "Дарья")
                .map(|u| u.id)
        })
        .await
    };
    sandbox.open(&format!("?customer={customer}")).await;
    let title = browser.client.title().await.unwrap();
    assert!(
        title.contains(&i18n::t(tr, "sandbox-title")),
        "the page speaks {lang}: {title}"
    );

    // Orders a mug from the catalog, through the chat's buttons and composer.
    let mug = product_id(&app, "MUG-01").await;
    let order = checkout(&sandbox, &app, customer, tr, mug).await;
    let number = order.number.to_string();

    // Sends a photo of the receipt and sees it is in review.
    sandbox.send_photo("customer").await;
    let received = i18n::t_args(
        tr,
        "bot-receipt-received",
        &[("number", ArgValue::from(order.number))],
    );
    sandbox.wait_for_text("customer", &received).await;

    // The owner's chat has the receipt alert with Verify / Reject.
    let alert = sandbox.wait_for_text("staff", &number).await;
    assert!(
        alert
            .data
            .iter()
            .any(|d| d.starts_with("v:") || d.contains("verify")),
        "the alert has a verify button: {alert:?}"
    );
    if lang != "en" {
        sandbox.say("staff", "/language").await;
        sandbox.press("staff", &format!("lang:{lang}")).await;
        eventually("the owner's language", || async {
            let user = domain::people::users::by_telegram_id(&app.ctx().db, OWNER)
                .await
                .unwrap()?;
            (user.language == lang).then_some(())
        })
        .await;
    }
    screenshot(&browser, "sandbox-chat.png", lang).await;

    // The backoffice's login in a second window of the same browser, approved in the owner's
    // sandbox chat. (One browser on purpose: it allows only a few connections to one host, and
    // pages left behind must not keep their live streams open.)
    let sandbox_window = browser.client.window().await.unwrap();
    let login_window = browser.client.new_window(true).await.unwrap().handle;
    browser
        .client
        .switch_to_window(login_window.clone())
        .await
        .unwrap();
    let href = crate::login::login_link(&browser, &app.url("")).await;
    assert!(href.starts_with("/sandbox?"), "opens the sandbox: {href}");
    assert!(href.contains("start=login_"), "carries the login: {href}");
    browser
        .client
        .switch_to_window(sandbox_window.clone())
        .await
        .unwrap();
    browser.client.goto(&app.url(&href)).await.unwrap();
    browser
        .wait_for("#staff-pane button.start-deep-link")
        .await
        .click()
        .await
        .unwrap();
    let card = eventually("the login card", || async {
        sandbox
            .bot_messages("staff")
            .await
            .into_iter()
            .rev()
            .find(|m| m.data.iter().any(|d| d.starts_with("la:")))
    })
    .await;
    let approve = card
        .data
        .iter()
        .find(|d| d.starts_with("la:"))
        .unwrap()
        .clone();
    sandbox.press("staff", &approve).await;

    // The login page goes to the queue by itself; the receipt is there to verify.
    browser.client.switch_to_window(login_window).await.unwrap();
    browser.wait_for("section#queue").await;
    let item = format!("article#order-{}", order.id);
    browser.wait_for(&item).await;
    let lang_attr = browser
        .wait_for("html")
        .await
        .attr("lang")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(
        lang_attr, lang,
        "the backoffice speaks the owner's language"
    );
    screenshot(&browser, "payment-queue.png", lang).await;
    // A live event may reload the queue under the first click: pressed until it is paid.
    let verify = format!("{item} button[data-action=verify]");
    eventually("the order to be paid", || async {
        if crate::support::order_status(&app.ctx().db, order.id).await == OrderStatus::Paid {
            return Some(());
        }
        if let Ok(button) = browser.client.find(Locator::Css(&verify)).await {
            let _ = button.click().await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        None
    })
    .await;
    browser
        .client
        .switch_to_window(sandbox_window)
        .await
        .unwrap();

    // The customer's chat shows the confirmation.
    sandbox.open(&format!("?customer={customer}")).await;
    let verified = i18n::t_args(
        tr,
        "notify-verified",
        &[("number", ArgValue::from(order.number))],
    );
    sandbox.wait_for_text("customer", &verified).await;
    browser.close().await;
    app.stop().await;
}

async fn add_customer(sandbox: &Sandbox<'_>, name: &str, lang: &str) {
    let b = sandbox.browser;
    b.wait_for("#customer-pane details.add-person summary")
        .await
        .click()
        .await
        .unwrap();
    b.wait_for("#customer-new-name")
        .await
        .send_keys(name)
        .await
        .unwrap();
    b.wait_for(&format!("#customer-new-lang option[value={lang}]"))
        .await
        .click()
        .await
        .unwrap();
    b.wait_for("#customer-pane details.add-person button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
}

async fn product_id(app: &Instance, sku: &str) -> i64 {
    let store = domain::stores::by_slug(&app.ctx().db, "demo")
        .await
        .unwrap();
    let products = domain::catalog::products::list(&app.ctx().db, domain::StoreId(store.id), true)
        .await
        .unwrap();
    products.into_iter().find(|p| p.sku == sku).unwrap().id
}

/// Opens the shop from the pane's button and follows the bot to a placed order: presses what
/// leads to checkout, answers its questions; the order, as committed.
async fn checkout(
    sandbox: &Sandbox<'_>,
    app: &Instance,
    customer: i64,
    tr: Lang,
    product: i64,
) -> entity::orders::Model {
    sandbox
        .browser
        .wait_for("#customer-pane form.open-link button.open-shop")
        .await
        .click()
        .await
        .unwrap();
    let ask = |key: &str| i18n::t(tr, key);
    let deadline = Instant::now() + PATIENCE * 2;
    let mut done = 0;
    loop {
        let messages = sandbox.bot_messages("customer").await;
        assert!(
            Instant::now() < deadline,
            "no order after {done} steps; the bot said {messages:#?}"
        );
        if let Some(last) = messages.last() {
            if last.data.iter().any(|d| d == "my") {
                break;
            }
            let has = |d: &str| last.data.iter().any(|x| x == d);
            let text = last.text.trim();
            let step = if has("ok") {
                Some(Step::Press("ok".into()))
            } else if text == ask("bot-ask-address") {
                Some(Step::Say("Kyiv, Khreshchatyk 1, apt 5"))
            } else if text == ask("bot-ask-phone") {
                Some(Step::Say("+380671234567"))
            } else if text == ask("bot-ask-name") {
                Some(Step::Say("Daria Test"))
            } else if has("co") {
                Some(Step::Press("co".into()))
            } else if has(&format!("add:{product}")) {
                Some(Step::Press(format!("add:{product}")))
            } else if has(&format!("p:{product}")) {
                Some(Step::Press(format!("p:{product}")))
            } else if has("cart") {
                Some(Step::Press("cart".into()))
            } else {
                last.data
                    .iter()
                    .find(|d| d.starts_with("cat") || d.starts_with("c:"))
                    .map(|d| Step::Press(d.clone()))
            };
            if let Some(step) = step {
                let before = messages.len();
                match &step {
                    Step::Press(data) => sandbox.press("customer", data).await,
                    Step::Say(text) => sandbox.say("customer", text).await,
                }
                done += 1;
                // The bot answers with a new message or edits the last one.
                let _ = tokio::time::timeout(Duration::from_secs(10), async {
                    loop {
                        let now = sandbox.bot_messages("customer").await;
                        if now.len() > before || now.last() != Some(last) {
                            break;
                        }
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                })
                .await;
                continue;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let user = domain::people::users::by_telegram_id(&app.ctx().db, customer)
        .await
        .unwrap()
        .unwrap();
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    entity::orders::Entity::find()
        .filter(entity::orders::Column::CustomerId.eq(user.id))
        .order_by_desc(entity::orders::Column::Id)
        .one(&app.ctx().db)
        .await
        .unwrap()
        .expect("the placed order")
}

enum Step {
    Press(String),
    Say(&'static str),
}

/// A bot message as the page shows it.
#[derive(Clone, Debug, Deserialize, PartialEq)]
struct Shown {
    id: String,
    text: String,
    data: Vec<String>,
}

/// The sandbox page in the browser.
struct Sandbox<'a> {
    browser: &'a Browser,
    base: String,
}

impl Sandbox<'_> {
    async fn open(&self, query: &str) {
        let url = format!("{}/sandbox{query}", self.base);
        self.browser.client.goto(&url).await.unwrap();
        self.browser.wait_for("#customer-pane").await;
        eventually("the sandbox's live connection", || async {
            self.browser.live().await.then_some(())
        })
        .await;
    }

    /// The bot's messages in a pane (`customer`, `staff`), oldest first.
    async fn bot_messages(&self, pane: &str) -> Vec<Shown> {
        let script = "const pane = document.getElementById(arguments[0] + '-pane');
             if (!pane) return [];
             return [...pane.querySelectorAll('.msg.bot')].map(m => ({
               id: m.dataset.messageId,
               text: (m.querySelector('.text') || {innerText: ''}).innerText,
               data: [...m.querySelectorAll('button.kb')].map(b => b.dataset.data || '')
             }));";
        let found = self
            .browser
            .client
            .execute(script, vec![json!(pane)])
            .await
            .unwrap_or_default();
        serde_json::from_value(found).unwrap_or_default()
    }

    /// Waits for a bot message in the pane whose text contains `needle`.
    async fn wait_for_text(&self, pane: &str, needle: &str) -> Shown {
        eventually(&format!("{needle:?} in the {pane} pane"), || async {
            self.bot_messages(pane)
                .await
                .into_iter()
                .find(|m| m.text.contains(needle))
        })
        .await
    }

    async fn say(&self, pane: &str, text: &str) {
        let input = self.browser.wait_for(&format!("#{pane}-text")).await;
        input.clear().await.unwrap();
        input.send_keys(text).await.unwrap();
        self.browser
            .wait_for(&format!("#{pane}-pane form.composer button.send"))
            .await
            .click()
            .await
            .unwrap();
    }

    /// Presses the newest button with this callback data in the pane.
    async fn press(&self, pane: &str, data: &str) {
        let css = format!("#{pane}-pane button.kb[data-data=\"{data}\"]");
        eventually(&format!("pressing {data} in the {pane} pane"), || async {
            let buttons = self
                .browser
                .client
                .find_all(Locator::Css(&css))
                .await
                .ok()?;
            buttons.last()?.click().await.ok()
        })
        .await;
    }

    /// Sends a photo of a receipt from the pane's attach form.
    async fn send_photo(&self, pane: &str) {
        let file = tempfile::Builder::new().suffix(".jpg").tempfile().unwrap();
        std::fs::write(file.path(), testkit::files::jpeg(900, 1200)).unwrap();
        self.browser
            .wait_for(&format!("#{pane}-pane details.attach summary"))
            .await
            .click()
            .await
            .unwrap();
        self.browser
            .wait_for(&format!("#{pane}-file"))
            .await
            .send_keys(&file.path().display().to_string())
            .await
            .unwrap();
        self.browser
            .wait_for(&format!(
                "#{pane}-pane form.attach-form button[type=submit]"
            ))
            .await
            .click()
            .await
            .unwrap();
        // Kept until the browser has read it.
        eventually("the photo in the chat", || async {
            let shown = self
                .browser
                .client
                .find_all(Locator::Css(&format!("#{pane}-pane .msg.me img")))
                .await
                .ok()?;
            (!shown.is_empty()).then_some(())
        })
        .await;
    }
}

/// With `VITRINA_SCREENSHOTS=<folder>` (scripts/screenshots), saves the page as the README's
/// picture, from the English run only.
async fn screenshot(browser: &Browser, name: &str, lang: &str) {
    let Ok(folder) = std::env::var("VITRINA_SCREENSHOTS") else {
        return;
    };
    if lang != "en" {
        return;
    }
    let png = browser.client.screenshot().await.unwrap();
    std::fs::write(std::path::Path::new(&folder).join(name), png).unwrap();
}
