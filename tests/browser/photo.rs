//! A product photo uploaded through the browser's file input is what customers are sent in
//! Telegram.
use serde_json::{Value, json};
use testkit::wait::eventually;

use crate::chrome::Browser;
use crate::shop::{CUSTOMER, Shop};

/// Creates a product through the form at /products/new; returns its id once its page is open.
async fn create_product(shop: &Shop, browser: &Browser, sku: &str, title: &str) -> i64 {
    browser
        .client
        .goto(&shop.url("/products/new"))
        .await
        .unwrap();
    let form = "form[action='/products']";
    for (name, value) in [
        ("sku", sku),
        ("title", title),
        ("price", "12.50"),
        ("on_hand", "5"),
    ] {
        let input = browser.wait_for(&format!("{form} [name={name}]")).await;
        input.clear().await.unwrap();
        input.send_keys(value).await.unwrap();
    }
    browser
        .wait_for(&format!("{form} button[type=submit]"))
        .await
        .click()
        .await
        .unwrap();
    browser.wait_for("section#photo").await;
    let url = browser.url().await;
    url.rsplit('/')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not a product page: {url}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_photo_uploaded_in_the_browser_is_sent_to_customers() {
    let shop = Shop::start().await;
    let browser = Browser::start().await;
    shop.log_in(&browser).await;
    let id = create_product(&shop, &browser, "CAP-1", "Wool cap").await;

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cap.jpg");
    std::fs::write(&file, testkit::files::jpeg_with_exif(800, 600)).unwrap();
    let path = file.to_str().expect("a UTF-8 temp path");
    browser
        .wait_for("#photo input[type=file]")
        .await
        .send_keys(path)
        .await
        .unwrap();
    browser
        .wait_for("#photo form[enctype='multipart/form-data'] button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    browser
        .wait_for(&format!("#photo img[src^='/products/{id}/photo?v=']"))
        .await;
    // The browser could load and decode it: the stored JPEG, upright (the EXIF said rotate).
    let width = eventually("the photo to load in the page", || async {
        let width = browser
            .client
            .execute(
                "const img = document.querySelector('#photo img');
                 return img && img.complete ? img.naturalWidth : 0;",
                vec![],
            )
            .await
            .ok()?;
        width.as_u64().filter(|w| *w > 0)
    })
    .await;
    assert_eq!(width, 600);

    // A customer opens the product from a link in Telegram.
    shop.message(CUSTOMER, json!({ "text": format!("/start product_{id}") }));
    let chat = Value::String(CUSTOMER.to_string());
    let sent = eventually("the bot to send the product's photo", || {
        let call = shop
            .api
            .calls()
            .into_iter()
            .find(|c| c.method == "sendphoto" && c.body["chat_id"] == chat);
        async move { call }
    })
    .await;
    let caption = sent.body["caption"].as_str().unwrap_or_default();
    assert!(caption.starts_with("Wool cap\n"), "{caption}");
    let as_text = shop
        .api
        .sent_texts()
        .into_iter()
        .any(|(to, text)| to == CUSTOMER && text.starts_with("Wool cap"));
    assert!(!as_text, "the card came as a photo, not as text");

    browser.close().await;
    shop.stop().await;
}
