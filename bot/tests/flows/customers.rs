//! Customers: greeting in their language, catalog, cart, checkout, their orders.
use domain::ordering::cart;
use i18n::ArgValue;

use crate::support::*;

#[tokio::test(flavor = "multi_thread")]
async fn start_greets_in_ukrainian_and_opens_the_catalog() {
    let w = World::new().await;
    let mut bot = w.mock(text(CUSTOMER, "uk", "/start"));
    w.run(&mut bot).await;
    let sent = sent(&bot);
    assert!(
        sent[0].contains("Ласкаво просимо")
            || sent[0] == t_args("uk", "bot-welcome", &[("store", "Demo Shop".into())]),
        "{sent:?}"
    );
    assert_eq!(
        sent[0],
        t_args("uk", "bot-welcome", &[("store", "Demo Shop".into())])
    );
    let catalog = t_args(
        "uk",
        "bot-catalog-title",
        &[
            ("store", "Demo Shop".into()),
            ("page", 1.into()),
            ("pages", 1.into()),
        ],
    );
    assert_eq!(sent[1], catalog);
    let markup = bot.get_responses().sent_messages[1]
        .reply_markup()
        .cloned()
        .unwrap();
    let labels: Vec<String> = markup
        .inline_keyboard
        .iter()
        .flatten()
        .map(|b| b.text.clone())
        .collect();
    assert!(
        labels
            .iter()
            .any(|l| l.contains("Mug") && l.contains("250,00\u{a0}₴")),
        "{labels:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_language_falls_back_to_english_and_language_can_change() {
    let w = World::new().await;
    let mut bot = w.mock(text(CUSTOMER, "de", "/help"));
    w.run(&mut bot).await;
    assert_eq!(sent(&bot), vec![bot::commands::help(i18n::Lang::En, false)]);
    bot.update(press(CUSTOMER, "de", "lang:ru"));
    w.run(&mut bot).await;
    assert_eq!(sent(&bot), vec![t("ru", "bot-language-set")]);
    bot.update(text(CUSTOMER, "de", "/nonsense"));
    w.run(&mut bot).await;
    assert_eq!(
        sent(&bot),
        vec![t("ru", "bot-unknown-command")],
        "the chosen language sticks"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn deep_links_open_a_store_or_a_product() {
    let w = World::new().await;
    let mut bot = w.mock(text(
        CUSTOMER,
        "en",
        &format!("/start product_{}", w.product.0),
    ));
    w.run(&mut bot).await;
    let sent_now = sent(&bot);
    assert!(sent_now[0].starts_with("Mug\n₴250.00\n"), "{sent_now:?}");
    bot.update(text(CUSTOMER, "en", "/start store_nope"));
    w.run(&mut bot).await;
    assert_eq!(
        sent(&bot),
        vec![i18n::t_args(
            i18n::Lang::En,
            "error-not-found",
            &[("what", ArgValue::from("store"))]
        )]
    );
}

/// `−` steps the line down and `✕` takes it out, through the real handler tree.
#[tokio::test(flavor = "multi_thread")]
async fn minus_steps_down_and_the_cross_removes_the_line() {
    let w = World::new().await;
    let mut bot = w.mock(press(CUSTOMER, "en", &format!("add:{}", w.product.0)));
    w.run(&mut bot).await;
    for step in ["inc", "inc", "dec"] {
        bot.update(press(CUSTOMER, "en", &format!("{step}:{}", w.product.0)));
        w.run(&mut bot).await;
    }
    let cart_text = sent(&bot).join("\n");
    assert!(cart_text.contains("Mug × 2"), "{cart_text}");
    bot.update(press(CUSTOMER, "en", &format!("rm:{}", w.product.0)));
    w.run(&mut bot).await;
    assert_eq!(sent(&bot), vec![t("en", "bot-cart-empty")]);
}

#[tokio::test(flavor = "multi_thread")]
async fn cart_and_checkout_in_russian_place_an_order() {
    let w = World::new().await;
    let mut bot = w.mock(press(CUSTOMER, "ru", &format!("add:{}", w.product.0)));
    w.run(&mut bot).await;
    assert_eq!(
        sent(&bot),
        vec![t_args("ru", "bot-added", &[("title", "Mug".into())])]
    );
    bot.update(press(CUSTOMER, "ru", &format!("inc:{}", w.product.0)));
    w.run(&mut bot).await;
    let cart_text = sent(&bot).join("\n");
    assert!(
        cart_text.contains("Mug × 2") && cart_text.contains("500,00\u{a0}₴"),
        "{cart_text}"
    );
    bot.update(press(CUSTOMER, "ru", "co"));
    w.run(&mut bot).await;
    assert_eq!(sent(&bot), vec![t("ru", "bot-ask-name")]);
    bot.update(text(CUSTOMER, "ru", "Ольга Петренко"));
    w.run(&mut bot).await;
    assert_eq!(sent(&bot), vec![t("ru", "bot-ask-phone")]);
    bot.update(text(CUSTOMER, "ru", "позвоните мне"));
    w.run(&mut bot).await;
    let invalid = i18n::t_args(
        i18n::Lang::Ru,
        "error-invalid",
        &[("field", ArgValue::from("phone"))],
    );
    assert_eq!(sent(&bot), vec![invalid], "a bad phone is asked again");
    bot.update(text(CUSTOMER, "ru", "+380 67 123 45 67"));
    w.run(&mut bot).await;
    assert_eq!(sent(&bot), vec![t("ru", "bot-ask-address")]);
    // Back to the phone and forward again.
    bot.update(press(CUSTOMER, "ru", "back"));
    w.run(&mut bot).await;
    assert_eq!(sent(&bot), vec![t("ru", "bot-ask-phone")]);
    bot.update(text(CUSTOMER, "ru", "+380671234567"));
    w.run(&mut bot).await;
    bot.update(text(CUSTOMER, "ru", "Киев, Крещатик 1"));
    w.run(&mut bot).await;
    let summary = sent(&bot).join("\n");
    assert!(
        summary.contains("Ольга Петренко") && summary.contains("Киев, Крещатик 1"),
        "{summary}"
    );
    bot.update(press(CUSTOMER, "ru", "ok"));
    w.run(&mut bot).await;
    let placed = sent(&bot).join("\n");
    assert!(
        placed.contains("1001")
            && placed.contains("Card 4441 0000 1111 2222")
            && placed.contains("500,00\u{a0}₴"),
        "{placed}"
    );
    assert_eq!(w.orders().await, 1);
    let customer = w.known(CUSTOMER, "user100", "ru").await;
    assert!(
        cart::lines(&w.ctx.db, customer, w.store)
            .await
            .unwrap()
            .is_empty(),
        "the cart is emptied"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_same_update_delivered_twice_places_one_order() {
    let w = World::new().await;
    let customer = w.known(CUSTOMER, "carol", "en").await;
    cart::add(&w.ctx, customer, w.store, w.product, 1)
        .await
        .unwrap();
    let mut bot = w.mock(press(CUSTOMER, "en", "co"));
    w.run(&mut bot).await;
    for step in ["Carol", "+380671234567", "Lviv, Rynok 1"] {
        bot.update(text(CUSTOMER, "en", step));
        w.run(&mut bot).await;
    }
    bot.update(press(CUSTOMER, "en", "ok"));
    w.run(&mut bot).await;
    assert_eq!(w.orders().await, 1);
    // Telegram sends the very same update again (same update_id).
    w.run(&mut bot).await;
    assert_eq!(w.orders().await, 1);
    assert!(
        sent(&bot).is_empty(),
        "a redelivered update is not answered twice: {:?}",
        sent(&bot)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn my_orders_and_cancelling_before_review() {
    let w = World::new().await;
    let customer = w.known(CUSTOMER, "carol", "uk").await;
    let order = w.order_for(customer).await;
    let in_review = w.order_for(customer).await;
    w.attach_receipt(customer, in_review.id, 'b').await;
    let mut bot = w.mock(text(CUSTOMER, "uk", "/orders"));
    w.run(&mut bot).await;
    let list = sent(&bot).join("\n");
    assert!(
        list.contains("1001") && list.contains(&t("uk", "status-awaiting_payment")),
        "{list}"
    );
    // Cancelling is offered for the order awaiting payment only, not the one in review.
    let cancel = |number: i64| t_args("uk", "btn-cancel-order", &[("number", number.into())]);
    assert_eq!(buttons(&bot), vec![cancel(1001)]);
    bot.update(press(CUSTOMER, "uk", &format!("cx:{}", order.id)));
    w.run(&mut bot).await;
    assert_eq!(
        sent(&bot),
        vec![t_args(
            "uk",
            "bot-order-cancelled",
            &[("number", 1001.into())]
        )]
    );
    assert_eq!(w.status(order.id).await, OrderStatus::Cancelled);
}

#[tokio::test(flavor = "multi_thread")]
async fn too_many_messages_get_a_polite_slow_down() {
    let w = World::with_limiter(bot::limiter::RateLimiter::new(
        2,
        1,
        std::time::Duration::from_secs(60),
    ))
    .await;
    let mut bot = w.mock(text(CUSTOMER, "en", "/help"));
    w.run(&mut bot).await;
    bot.update(text(CUSTOMER, "en", "/help"));
    w.run(&mut bot).await;
    bot.update(text(CUSTOMER, "en", "/help"));
    w.run(&mut bot).await;
    assert_eq!(sent(&bot), vec![t("en", "bot-slow-down")]);
    bot.update(text(STRANGER, "en", "/help"));
    w.run(&mut bot).await;
    assert_eq!(
        sent(&bot),
        vec![bot::commands::help(i18n::Lang::En, false)],
        "other users are unaffected"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_order_link_opens_the_customers_own_order_only() {
    let w = World::new().await;
    let customer = w.known(CUSTOMER, "carol", "en").await;
    let order = w.order_for(customer).await;
    let mut bot = w.mock(text(
        CUSTOMER,
        "en",
        &format!("/start order_{}", order.number),
    ));
    w.run(&mut bot).await;
    let line = sent(&bot).join("\n");
    assert!(line.contains("1001"), "{line}");
    bot.update(text(STRANGER, "en", "/start order_1001"));
    w.run(&mut bot).await;
    let not_found = t_args("en", "error-not-found", &[("what", "order".into())]);
    assert_eq!(sent(&bot), vec![not_found]);
}
