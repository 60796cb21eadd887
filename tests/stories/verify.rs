//! (a) A customer (Russian) orders, sends a receipt; staff verify it in a real browser; the
//! customer is told, in Russian, once.
use domain::OrderStatus;
use testkit::TestDb;
use testkit::fake_telegram::FakeTelegram;
use testkit::wait::eventually;
use vitrina::Part;

use crate::chrome::Browser;
use crate::support::app::{Instance, Options};
use crate::support::customer::Customer;
use crate::support::telegram::Person;
use crate::support::{self, STAFF, STORE};
use crate::{deliveries_settled, number, told};

const OLGA: Person = Person::new(7101, "olga", "ru");

#[tokio::test(flavor = "multi_thread")]
async fn ordered_paid_and_verified_in_the_browser_the_customer_is_told_in_russian() {
    let db = TestDb::new().await;
    let api = FakeTelegram::start().await;
    let options = Options {
        api_url: Some(&api.url),
        ..Options::default()
    };
    let shop = Instance::start(&db, &[Part::Bot, Part::Web, Part::Worker], options).await;
    let (_, product) = support::seed_shop(shop.ctx()).await;
    let customer = Customer {
        who: OLGA,
        api: &api,
        db: &db.db,
    };

    let order = customer.order(STORE, product.0).await;
    assert_eq!(order.status, OrderStatus::AwaitingPayment);
    assert_eq!(order.total_minor, 25_000);
    assert_eq!(
        order.delivery_name, "olga Test",
        "the name given in the dialogue"
    );
    let placed = customer.confirmation(&order).await;
    assert!(placed.starts_with("Заказ №"), "in Russian: {placed}");
    let paid = customer.pay(&order, "olga-receipt", 1).await;
    assert_eq!(paid.receipt.order_id, order.id);
    assert_eq!(
        support::order_status(&db.db, order.id).await,
        OrderStatus::PaymentReview
    );

    crate::outbox_relayed(&db.db).await;
    let browser = Browser::start().await;
    crate::login::log_in(&browser, &shop.url(""), &api, &STAFF).await;
    let item = format!("article#order-{}", order.id);
    browser.wait_for(&item).await;
    browser
        .wait_for(&format!("{item} button[data-action=verify]"))
        .await
        .click()
        .await
        .unwrap();
    eventually("the order to be paid", || async {
        (support::order_status(&db.db, order.id).await == OrderStatus::Paid).then_some(())
    })
    .await;

    told(&api, &OLGA, "notify-verified", &number(&order)).await;
    deliveries_settled(&db.db).await;
    let times = told(&api, &OLGA, "notify-verified", &number(&order)).await;
    assert_eq!(times, 1, "told once, in Russian");
    browser.close().await;
    shop.stop().await;
}
