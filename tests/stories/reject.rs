//! (b) A customer (Ukrainian) pays; staff reject the receipt with a reason; the customer is
//! told why, in Ukrainian, sends a new receipt, and that one is verified.
use domain::{OrderStatus, ReceiptStatus};
use i18n::ArgValue;
use testkit::TestDb;
use testkit::fake_telegram::FakeTelegram;
use testkit::wait::eventually;
use vitrina::Part;

use crate::support::app::{Instance, Options};
use crate::support::customer::Customer;
use crate::support::staff::Backoffice;
use crate::support::telegram::Person;
use crate::support::{self, STAFF, STORE};
use crate::{deliveries_settled, number, told};

const TARAS: Person = Person::new(7102, "taras", "uk");

#[tokio::test(flavor = "multi_thread")]
async fn rejected_then_paid_again_then_verified_the_customer_is_told_in_ukrainian() {
    let db = TestDb::new().await;
    let api = FakeTelegram::start().await;
    let options = Options {
        api_url: Some(&api.url),
        ..Options::default()
    };
    let shop = Instance::start(&db, &[Part::Bot, Part::Web, Part::Worker], options).await;
    let (_, product) = support::seed_shop(shop.ctx()).await;
    let customer = Customer {
        who: TARAS,
        api: &api,
        db: &db.db,
    };
    let staff = Backoffice::log_in(&shop.url(""), &api, &STAFF).await;

    let order = customer.order(STORE, product.0).await;
    let first = customer.pay(&order, "taras-blurry", 1).await;
    let reason = "The amount on the receipt is 200.00, not 250.00";
    staff.reject(order.id, reason).await;
    assert_eq!(
        support::order_status(&db.db, order.id).await,
        OrderStatus::AwaitingPayment
    );
    let args = [
        ("number", ArgValue::from(order.number)),
        ("reason", ArgValue::from(reason)),
    ];
    told(&api, &TARAS, "notify-rejected", &args).await;

    let second = customer.pay(&order, "taras-clear", 2).await;
    assert_ne!(first.receipt.id, second.receipt.id);
    eventually("the new receipt to put the order in review", || async {
        (support::order_status(&db.db, order.id).await == OrderStatus::PaymentReview).then_some(())
    })
    .await;
    staff.verify(order.id).await;
    told(&api, &TARAS, "notify-verified", &number(&order)).await;

    deliveries_settled(&db.db).await;
    assert_eq!(told(&api, &TARAS, "notify-rejected", &args).await, 1);
    assert_eq!(
        told(&api, &TARAS, "notify-verified", &number(&order)).await,
        1
    );
    let receipts = customer.receipts(order.id).await;
    let statuses: Vec<_> = receipts.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [ReceiptStatus::Rejected, ReceiptStatus::Accepted]);
    assert_eq!(
        support::order_status(&db.db, order.id).await,
        OrderStatus::Paid
    );
    shop.stop().await;
}
