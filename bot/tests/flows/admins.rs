//! Staff in Telegram, and everyone else trying to be staff.
use crate::support::*;

#[tokio::test(flavor = "multi_thread")]
async fn verify_by_command_and_a_second_verify_says_who_did_it() {
    let w = World::new().await;
    let order = w.in_review().await;
    let mut bot = w.mock(text(ADMIN, "en", "/verify 1001"));
    w.run(&mut bot).await;
    assert_eq!(
        sent(&bot),
        vec![t_args("en", "admin-verified", &[("number", 1001.into())])]
    );
    assert_eq!(w.status(order.id).await, OrderStatus::Paid);
    bot.update(text(OWNER, "uk", "/verify #1001"));
    w.run(&mut bot).await;
    let answer = sent(&bot).join("");
    let at = chrono::Utc::now().format("%H:%M").to_string();
    let want = t_args(
        "uk",
        "error-already-decided",
        &[
            ("status", "paid".into()),
            ("by", "@anna".into()),
            ("at", at.into()),
        ],
    );
    // The minute may turn between the two; compare up to the time.
    assert_eq!(
        answer[..answer.len() - 6],
        want[..want.len() - 6],
        "{answer}"
    );
    assert!(answer.contains("@anna"), "{answer}");
}

#[tokio::test(flavor = "multi_thread")]
async fn reject_by_command_with_a_reason() {
    let w = World::new().await;
    let order = w.in_review().await;
    let mut bot = w.mock(text(OWNER, "uk", "/reject 1001 сума не збігається"));
    w.run(&mut bot).await;
    assert_eq!(
        sent(&bot),
        vec![t_args("uk", "admin-rejected", &[("number", 1001.into())])]
    );
    assert_eq!(w.status(order.id).await, OrderStatus::AwaitingPayment);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_order_number_in_plain_text_shows_the_card_and_reject_asks_why() {
    let w = World::new().await;
    let order = w.in_review().await;
    let mut bot = w.mock(text(OWNER, "uk", "Перевірте замовлення 1001, будь ласка"));
    w.run(&mut bot).await;
    let responses = bot.get_responses();
    let card = responses.sent_messages.last().unwrap();
    assert!(card.text().unwrap().contains("1001"), "{:?}", card.text());
    let buttons: Vec<String> = card
        .reply_markup()
        .unwrap()
        .inline_keyboard
        .iter()
        .flatten()
        .map(|b| b.text.clone())
        .collect();
    assert_eq!(buttons, vec![t("uk", "btn-verify"), t("uk", "btn-reject")]);
    bot.update(press(OWNER, "uk", &format!("r:{}", order.id)));
    w.run(&mut bot).await;
    assert_eq!(
        sent(&bot),
        vec![t_args("uk", "admin-ask-reason", &[("number", 1001.into())])]
    );
    bot.update(text(OWNER, "uk", "Розмита фотографія"));
    w.run(&mut bot).await;
    assert_eq!(
        sent(&bot),
        vec![t_args("uk", "admin-rejected", &[("number", 1001.into())])]
    );
    assert_eq!(w.status(order.id).await, OrderStatus::AwaitingPayment);
}

#[tokio::test(flavor = "multi_thread")]
async fn people_without_a_role_are_answered_as_for_unknown_commands() {
    let w = World::new().await;
    let order = w.in_review().await;
    let unknown = t("en", "bot-unknown-command");
    let mut bot = w.mock(text(STRANGER, "en", "/verify 1001"));
    w.run(&mut bot).await;
    assert_eq!(sent(&bot), vec![unknown.clone()]);
    for attempt in ["/reject 1001 fake", "/order 1001", "/orders"] {
        bot.update(text(STRANGER, "en", attempt));
        w.run(&mut bot).await;
        let got = sent(&bot);
        if attempt == "/orders" {
            // Customers have their own /orders: their (empty) list.
            assert_eq!(got, vec![t("en", "bot-my-orders-empty")]);
        } else {
            assert_eq!(got, vec![unknown.clone()], "{attempt}");
        }
    }
    bot.update(text(STRANGER, "en", "#1001"));
    w.run(&mut bot).await;
    assert_eq!(sent(&bot), vec![bot::commands::help(i18n::Lang::En, false)]);
    // A forged Verify button.
    bot.update(press(STRANGER, "en", &format!("v:{}", order.id)));
    w.run(&mut bot).await;
    let refused = i18n::t_args(
        i18n::Lang::En,
        "error-not-found",
        &[("what", "order".into())],
    );
    assert_eq!(sent(&bot), vec![refused]);
    // The order's own customer cannot verify it either.
    bot.update(press(CUSTOMER, "uk", &format!("v:{}", order.id)));
    w.run(&mut bot).await;
    assert_eq!(sent(&bot), vec![t("uk", "error-forbidden")]);
    assert_eq!(w.status(order.id).await, OrderStatus::PaymentReview);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_vendor_cannot_decide_payments() {
    let w = World::new().await;
    let order = w.in_review().await;
    let mut bot = w.mock(text(VENDOR, "en", "/verify 1001"));
    w.run(&mut bot).await;
    assert_eq!(sent(&bot), vec![t("en", "error-forbidden")]);
    assert_eq!(w.status(order.id).await, OrderStatus::PaymentReview);
    // A forged Reject button is refused before a reason is asked for.
    bot.update(press(VENDOR, "en", &format!("r:{}", order.id)));
    w.run(&mut bot).await;
    assert_eq!(sent(&bot), vec![t("en", "error-forbidden")]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_vendors_order_card_has_no_verify_or_reject_buttons() {
    let w = World::new().await;
    w.in_review().await;
    let mut bot = w.mock(text(VENDOR, "en", "/order 1001"));
    w.run(&mut bot).await;
    let card = sent(&bot).join("\n");
    assert!(card.contains("1001"), "{card}");
    assert_eq!(
        buttons(&bot),
        Vec::<String>::new(),
        "the card, without buttons"
    );
    // The same card for an ADMIN carries the decision.
    bot.update(text(ADMIN, "en", "/order 1001"));
    w.run(&mut bot).await;
    assert_eq!(
        buttons(&bot),
        vec![t("en", "btn-verify"), t("en", "btn-reject")]
    );
    // Once decided, nobody is offered it again.
    bot.update(text(ADMIN, "en", "/verify 1001"));
    w.run(&mut bot).await;
    bot.update(text(OWNER, "uk", "#1001"));
    w.run(&mut bot).await;
    assert_eq!(buttons(&bot), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_list_orders_by_status() {
    let w = World::new().await;
    w.in_review().await;
    let customer = w.known(CUSTOMER, "carol", "uk").await;
    w.order_for(customer).await;
    let mut bot = w.mock(text(ADMIN, "en", "/orders payment_review"));
    w.run(&mut bot).await;
    let list = sent(&bot).join("\n");
    assert!(list.contains("#1001") && !list.contains("#1002"), "{list}");
    bot.update(text(ADMIN, "en", "/orders"));
    w.run(&mut bot).await;
    let list = sent(&bot).join("\n");
    assert!(list.contains("#1001") && list.contains("#1002"), "{list}");
    bot.update(text(ADMIN, "en", "/orders bogus"));
    w.run(&mut bot).await;
    assert_eq!(
        sent(&bot),
        vec![i18n::t_args(
            i18n::Lang::En,
            "error-invalid",
            &[("field", "status".into())]
        )]
    );
}
