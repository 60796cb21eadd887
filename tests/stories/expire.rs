//! (c) An order left unpaid past the store's payment deadline is cancelled by the worker on
//! the app's clock: the customer is told, and the reserved stock is back on sale.
use std::sync::Arc;

use chrono::{Duration, Utc};
use domain::OrderStatus;
use domain::kernel::clock::ManualClock;
use testkit::TestDb;
use testkit::fake_telegram::FakeTelegram;
use testkit::wait::eventually;
use vitrina::Part;

use crate::support::app::{Instance, Options};
use crate::support::customer::Customer;
use crate::support::telegram::Person;
use crate::support::{self, STOCK, STORE};
use crate::{deliveries_settled, number, told};

const EMMA: Person = Person::new(7103, "emma", "en");

#[tokio::test(flavor = "multi_thread")]
async fn an_unpaid_order_expires_the_customer_is_told_and_the_stock_returns() {
    let db = TestDb::new().await;
    let api = FakeTelegram::start().await;
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let options = Options {
        api_url: Some(&api.url),
        clock: Some(clock.clone()),
        ..Options::default()
    };
    let shop = Instance::start(&db, &[Part::Bot, Part::Worker], options).await;
    let (_, product) = support::seed_shop(shop.ctx()).await;
    let customer = Customer {
        who: EMMA,
        api: &api,
        db: &db.db,
    };

    let order = customer.order(STORE, product.0).await;
    assert_eq!(
        support::available(&db.db, product).await,
        STOCK - 1,
        "reserved"
    );
    let due = order.payment_due_at.expect("a payment deadline");
    assert_eq!(
        due - order.created_at,
        Duration::minutes(60),
        "the store's deadline"
    );

    // Past the deadline by more than the expiry job's period.
    clock.advance(due + Duration::minutes(2) - domain::kernel::clock::Clock::now(clock.as_ref()));
    eventually("the order to expire", || async {
        (support::order_status(&db.db, order.id).await == OrderStatus::Cancelled).then_some(())
    })
    .await;
    told(&api, &EMMA, "notify-expired", &number(&order)).await;
    assert_eq!(
        support::available(&db.db, product).await,
        STOCK,
        "the stock is back"
    );
    deliveries_settled(&db.db).await;
    assert_eq!(
        told(&api, &EMMA, "notify-expired", &number(&order)).await,
        1
    );
    shop.stop().await;
}
