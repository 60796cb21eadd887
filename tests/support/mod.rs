//! Helpers shared by the end-to-end suites (`stories`, `crash`, `browser`): the app on a test
//! database, people in the fake Telegram, staff in the backoffice over HTTP.
#![allow(dead_code)]
pub mod app;
pub mod customer;
pub mod process;
pub mod staff;
pub mod telegram;

use domain::{OrderStatus, ProductId, StoreId};
use sea_orm::EntityTrait;

use telegram::Person;

/// The store admin who decides payments.
pub const STAFF: Person = Person::new(7001, "anna", "en");

/// The store every story shops in, and its product.
pub const STORE: &str = "demo";
pub const STOCK: i64 = 10;

/// A store `demo` with one product (MUG, 250.00 UAH, [`STOCK`] on hand) and [`STAFF`] as its
/// admin.
pub async fn seed_shop(ctx: &domain::Ctx) -> (StoreId, ProductId) {
    let store = testkit::seed::store(ctx, STORE, "Demo Shop").await;
    let product = testkit::seed::product(ctx, store, "MUG", 25_000, STOCK).await;
    testkit::seed::admin(ctx, store, STAFF.id, STAFF.name, STAFF.lang).await;
    (store, product)
}

pub async fn order_status(db: &sea_orm::DatabaseConnection, order: i64) -> OrderStatus {
    entity::orders::Entity::find_by_id(order)
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .status
}

/// On hand minus reserved.
pub async fn available(db: &sea_orm::DatabaseConnection, product: ProductId) -> i64 {
    let p = entity::products::Entity::find_by_id(product.0)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    i64::from(p.on_hand) - i64::from(p.reserved)
}
