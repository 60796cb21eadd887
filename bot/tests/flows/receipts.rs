//! Receipts through the bot: the good path, picking an order, and hostile files — each refused
//! with its translated reason and nothing stored.
use teloxide::types::{FileId, FileUniqueId};
use teloxide_tests::{MockMessageDocument, MockMessagePhoto, MockPhotoSize};
use testkit::files;

use crate::support::*;

fn document(from: u64, lang: &str, file_id: &str, size: u32) -> MockMessageDocument {
    MockMessageDocument::new()
        .file_id(FileId(file_id.to_owned()))
        .file_unique_id(FileUniqueId(format!("u-{file_id}")))
        .file_size(size)
        .from(user(from, lang))
        .chat(chat(from))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_photo_receipt_puts_the_only_open_order_in_review() {
    let w = World::new().await;
    let customer = w.known(CUSTOMER, "carol", "en").await;
    let order = w.order_for(customer).await;
    // Telegram lists a photo's sizes smallest first: the last, the original, is fetched.
    w.prepared.insert("large", files::jpeg(640, 480));
    let sizes = vec![
        MockPhotoSize::new().file_id(FileId("small".into())).build(),
        MockPhotoSize::new()
            .file_id(FileId("large".into()))
            .file_unique_id(FileUniqueId("large-u".into()))
            .build(),
    ];
    let mut bot = w.mock(
        MockMessagePhoto::new()
            .photo(sizes)
            .from(user(CUSTOMER, "en"))
            .chat(chat(CUSTOMER)),
    );
    w.run(&mut bot).await;
    assert_eq!(
        sent(&bot),
        vec![t_args(
            "en",
            "bot-receipt-received",
            &[("number", 1001.into())]
        )]
    );
    assert_eq!(w.status(order.id).await, OrderStatus::PaymentReview);
    assert_eq!(w.receipts().await, 1);
    let keys = w.files.keys();
    assert!(
        keys.iter().any(|k| k.starts_with("receipts/"))
            && keys.iter().any(|k| k.starts_with("thumbs/")),
        "{keys:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn with_several_open_orders_the_customer_picks_one() {
    let w = World::new().await;
    let customer = w.known(CUSTOMER, "carol", "uk").await;
    let _first = w.order_for(customer).await;
    let second = w.order_for(customer).await;
    w.prepared.insert("scan", files::plain_pdf(1, "", &[]));
    let mut bot = w.mock(document(CUSTOMER, "uk", "scan", 2_000));
    w.run(&mut bot).await;
    assert_eq!(sent(&bot), vec![t("uk", "bot-receipt-which-order")]);
    assert_eq!(
        w.receipts().await,
        0,
        "nothing stored before the customer picks"
    );
    bot.update(press(CUSTOMER, "uk", &format!("rf:{}", second.id)));
    w.run(&mut bot).await;
    assert_eq!(
        sent(&bot),
        vec![t_args(
            "uk",
            "bot-receipt-received",
            &[("number", 1002.into())]
        )]
    );
    assert_eq!(w.status(second.id).await, OrderStatus::PaymentReview);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_receipt_for_an_order_paid_meanwhile_stores_no_file() {
    let w = World::new().await;
    let customer = w.known(CUSTOMER, "carol", "en").await;
    let _open = w.order_for(customer).await;
    let paid = w.order_for(customer).await;
    w.attach_receipt(customer, paid.id, 'c').await;
    w.prepared.insert("scan", files::jpeg(64, 48));
    let mut bot = w.mock(document(CUSTOMER, "en", "scan", 2_000));
    w.run(&mut bot).await;
    assert_eq!(sent(&bot), vec![t("en", "bot-receipt-which-order")]);
    let admin = w.known(ADMIN, "anna", "en").await;
    let by_admin = domain::Actor::user(admin, domain::Channel::Web);
    domain::ordering::orders::decide::verify(&w.ctx, &by_admin, domain::OrderId(paid.id))
        .await
        .unwrap();
    bot.update(press(CUSTOMER, "en", &format!("rf:{}", paid.id)));
    w.run(&mut bot).await;
    let answer = sent(&bot);
    let received = t_args("en", "bot-receipt-received", &[("number", 1002.into())]);
    assert!(answer.len() == 1 && answer[0] != received, "{answer:?}");
    assert_eq!(w.receipts().await, 1, "only the one attached before");
    assert!(w.files.keys().is_empty(), "{:?}", w.files.keys());
    assert_eq!(w.status(paid.id).await, OrderStatus::Paid);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_an_open_order_a_receipt_is_not_taken() {
    let w = World::new().await;
    w.prepared.insert("scan", files::jpeg(10, 10));
    let mut bot = w.mock(document(CUSTOMER, "ru", "scan", 500));
    w.run(&mut bot).await;
    assert_eq!(sent(&bot), vec![t("ru", "bot-receipt-no-order")]);
    assert!(w.files.keys().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_files_are_refused_with_a_reason_and_nothing_is_stored() {
    let limiter = bot::limiter::RateLimiter::new(100, 100, std::time::Duration::from_secs(60));
    let w = World::with_limiter(limiter).await;
    let customer = w.known(CUSTOMER, "carol", "uk").await;
    let order = w.order_for(customer).await;
    let mut truncated = files::jpeg(400, 300);
    truncated.truncate(truncated.len() / 2);
    let js = files::plain_pdf(
        1,
        "/OpenAction 6 0 R",
        &["<< /Type /Action /S /JavaScript /JS (app.alert\\('paid'\\);) >>".to_owned()],
    );
    let cases: Vec<(&str, Vec<u8>, u32, &str)> = vec![
        ("empty", Vec::new(), 0, "receipt-empty"),
        (
            "html",
            b"<html><script>alert(1)</script></html>".to_vec(),
            40,
            "receipt-unsupported",
        ),
        ("truncated", truncated, 5_000, "receipt-unreadable"),
        (
            "huge",
            files::png_header(30_000, 30_000),
            100,
            "receipt-too-large",
        ),
        (
            "bomb",
            files::png_zeros(8_000, 8_000),
            70_000,
            "receipt-too-large",
        ),
        ("script", js, 1_000, "receipt-active-content"),
        (
            "oversize-declared",
            Vec::new(),
            5 * 1024 * 1024,
            "receipt-too-big",
        ),
        (
            "oversize-actual",
            vec![0xFF; 2 * 1024 * 1024],
            100,
            "receipt-too-big",
        ),
    ];
    let mut bot = w.mock(document(CUSTOMER, "uk", "empty", 0));
    for (id, bytes, declared, key) in cases {
        if !id.starts_with("oversize-declared") {
            w.prepared.insert(id, bytes);
        }
        bot.update(document(CUSTOMER, "uk", id, declared));
        w.run(&mut bot).await;
        let want = t_args("uk", key, &[("max_mb", 1.into())]);
        assert_eq!(sent(&bot), vec![want], "{id}");
    }
    assert_eq!(w.receipts().await, 0);
    assert!(w.files.keys().is_empty(), "{:?}", w.files.keys());
    assert_eq!(w.status(order.id).await, OrderStatus::AwaitingPayment);
}
