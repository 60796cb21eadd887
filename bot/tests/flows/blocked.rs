//! A customer the store has blocked goes through the whole checkout and is told, in their
//! language, that the store takes no orders from them; no order is placed and the cart stays.
use domain::{Actor, Channel, ordering::cart};

use crate::support::*;

#[tokio::test(flavor = "multi_thread")]
async fn a_blocked_customer_is_refused_at_the_final_confirm() {
    let w = World::new().await;
    let customer = w.known(CUSTOMER, "carol", "uk").await;
    w.order_for(customer).await;
    let admin = w.known(ADMIN, "anna", "en").await;
    domain::people::customers::block(
        &w.ctx,
        &Actor::user(admin, Channel::Web),
        w.store,
        customer,
        "fake receipts",
    )
    .await
    .unwrap();
    cart::add(&w.ctx, customer, w.store, w.product, 1)
        .await
        .unwrap();
    let mut bot = w.mock(press(CUSTOMER, "uk", "co"));
    w.run(&mut bot).await;
    assert_eq!(sent(&bot), vec![t("uk", "bot-ask-name")]);
    for step in ["Кароліна", "+380671234567", "Львів, Ринок 1"] {
        bot.update(text(CUSTOMER, "uk", step));
        w.run(&mut bot).await;
    }
    let summary = sent(&bot).join("\n");
    assert!(summary.contains("Львів, Ринок 1"), "{summary}");
    bot.update(press(CUSTOMER, "uk", "ok"));
    w.run(&mut bot).await;
    assert_eq!(sent(&bot), vec![t("uk", "error-customer-blocked")]);
    assert_eq!(w.orders().await, 1, "only the order from before the block");
    assert_eq!(
        cart::lines(&w.ctx.db, customer, w.store)
            .await
            .unwrap()
            .len(),
        1,
        "the cart is kept"
    );
}
