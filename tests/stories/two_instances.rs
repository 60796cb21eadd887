//! (d) Story (a) split across two instances on one database and one Redis: A runs the bot and
//! the worker, B only the backoffice. Staff verify on B; the customer is told once.
//!
//! Needs a server database (`DATABASE_URL` postgres:// or mysql://) and Redis (`REDIS_URL`,
//! default 127.0.0.1:6379).
use domain::OrderStatus;
use testkit::TestDb;
use testkit::fake_telegram::FakeTelegram;
use vitrina::Part;

use crate::support::app::{Instance, Options};
use crate::support::customer::Customer;
use crate::support::staff::Backoffice;
use crate::support::telegram::Person;
use crate::support::{self, STAFF, STORE};
use crate::{deliveries_settled, number, told};

const IRINA: Person = Person::new(7104, "irina", "ru");

#[tokio::test(flavor = "multi_thread")]
async fn verified_on_the_web_instance_the_bot_instance_tells_the_customer_once() {
    let url = std::env::var("DATABASE_URL").unwrap_or_default();
    if url.is_empty() || url.starts_with("sqlite:") {
        println!("skipped: two instances need a server database (DATABASE_URL), not SQLite");
        return;
    }
    let db = TestDb::new().await;
    let api = FakeTelegram::start().await;
    let channel = format!("vitrina-test:{}", uuid::Uuid::new_v4());
    let a = Instance::start(
        &db,
        &[Part::Bot, Part::Worker],
        Options {
            api_url: Some(&api.url),
            redis_channel: Some(&channel),
            ..Options::default()
        },
    )
    .await;
    let b = Instance::start(
        &db,
        &[Part::Web],
        Options {
            redis_channel: Some(&channel),
            ..Options::default()
        },
    )
    .await;
    let (_, product) = support::seed_shop(a.ctx()).await;
    let customer = Customer {
        who: IRINA,
        api: &api,
        db: &db.db,
    };

    let order = customer.order(STORE, product.0).await;
    customer.pay(&order, "irina-receipt", 1).await;
    let staff = Backoffice::log_in(&b.url(""), &api, &STAFF).await;
    let queue = staff.get("/queue").await.unwrap().text().await.unwrap();
    assert!(
        queue.contains(&format!("order-{}", order.id)),
        "B's queue shows the order in review"
    );
    staff.verify(order.id).await;
    assert_eq!(
        support::order_status(&db.db, order.id).await,
        OrderStatus::Paid
    );

    told(&api, &IRINA, "notify-verified", &number(&order)).await;
    deliveries_settled(&db.db).await;
    assert_eq!(
        told(&api, &IRINA, "notify-verified", &number(&order)).await,
        1
    );
    a.stop().await;
    b.stop().await;
}
