//! The backoffice in a real browser: headless Chromium (Debian's `chromium` and
//! `chromium-driver`) driven over WebDriver, against the app wired as in production (bot, web and
//! worker parts on one database) and a fake Telegram Bot API on loopback.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#[path = "browser/chrome.rs"]
mod chrome;
#[path = "browser/login.rs"]
mod login;
#[path = "browser/photo.rs"]
mod photo;
#[path = "browser/sandbox.rs"]
mod sandbox;
#[path = "browser/shop.rs"]
mod shop;
#[path = "support/mod.rs"]
mod support;

use domain::OrderStatus;
use domain::platform::events::DomainEvent;
use serde_json::{Value, json};
use testkit::wait::{PATIENCE, eventually};

use chrome::Browser;
use shop::{STAFF, Shop};

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
    let mut events = shop.app.ctx().bus.subscribe();
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
    assert_eq!(shop.status(order.id).await, OrderStatus::PaymentReview);

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
        (shop.status(order.id).await == OrderStatus::Paid).then_some(())
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
    assert_eq!(shop.status(order.id).await, OrderStatus::PaymentReview);
    browser.close().await;
    shop.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sandbox_story_in_english() {
    sandbox::story("en").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sandbox_story_in_russian() {
    sandbox::story("ru").await;
}
