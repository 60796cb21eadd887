//! A store with staff of every role, a customer and a product, on a fresh database.
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use domain::kernel::clock::ManualClock;
use domain::ordering::orders::{Delivery, NewOrder};
use domain::platform::events::bus::InProcessBus;
use domain::{Actor, Channel, Ctx, OrderId, ProductId, Role, StoreId, UserId};
use testkit::TestDb;

pub struct Fixture {
    /// Keeps the database alive (and drops it) with the fixture.
    _db: TestDb,
    pub ctx: Ctx,
    pub clock: Arc<ManualClock>,
    pub store: StoreId,
    pub other_store: StoreId,
    pub owner: UserId,
    pub admin: UserId,
    pub vendor: UserId,
    pub other_admin: UserId,
    pub customer: UserId,
    pub stranger: UserId,
    pub product: ProductId,
}

pub async fn user(ctx: &Ctx, telegram_id: i64, username: &str) -> UserId {
    testkit::seed::person(ctx, telegram_id, username, "en").await
}

pub async fn store(ctx: &Ctx, slug: &str) -> StoreId {
    testkit::seed::store(ctx, slug, &format!("Shop {slug}")).await
}

pub async fn product(ctx: &Ctx, store: StoreId, sku: &str, price: i64, on_hand: i64) -> ProductId {
    testkit::seed::product(ctx, store, sku, price, on_hand).await
}

pub fn delivery() -> Delivery {
    Delivery {
        name: "Olena Petrenko".to_owned(),
        phone: "+380 67 123 45 67".to_owned(),
        address: "Kyiv, Khreshchatyk 1".to_owned(),
    }
}

impl Fixture {
    pub async fn new() -> Fixture {
        let test_db = TestDb::new().await;
        let clock = Arc::new(ManualClock::new(
            Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0).unwrap(),
        ));
        let ctx = Ctx::new(
            test_db.db.clone(),
            Arc::new(InProcessBus::new(4096)),
            clock.clone(),
        );
        let store = store(&ctx, "main").await;
        let other_store = store_other(&ctx).await;
        let owner = user(&ctx, 1, "owner").await;
        let admin = user(&ctx, 2, "anna").await;
        let vendor = user(&ctx, 3, "victor").await;
        let other_admin = user(&ctx, 4, "otto").await;
        let customer = user(&ctx, 100, "carol").await;
        let stranger = user(&ctx, 101, "sam").await;
        let op = Actor::operator();
        domain::people::staff::grant(&ctx, &op, owner, Role::Owner, None)
            .await
            .unwrap();
        domain::people::staff::grant(&ctx, &op, admin, Role::Admin, Some(store))
            .await
            .unwrap();
        domain::people::staff::grant(&ctx, &op, vendor, Role::Vendor, Some(store))
            .await
            .unwrap();
        domain::people::staff::grant(&ctx, &op, other_admin, Role::Admin, Some(other_store))
            .await
            .unwrap();
        let product = product(&ctx, store, "MUG", 25_000, 10).await;
        Fixture {
            _db: test_db,
            ctx,
            clock,
            store,
            other_store,
            owner,
            admin,
            vendor,
            other_admin,
            customer,
            stranger,
            product,
        }
    }

    pub fn web(&self, user: UserId) -> Actor {
        Actor::user(user, Channel::Web)
    }

    pub fn bot(&self, user: UserId) -> Actor {
        Actor::user(user, Channel::Bot)
    }

    pub fn new_order(&self, qty: u32) -> NewOrder {
        NewOrder {
            store: self.store,
            customer: self.customer,
            items: vec![(self.product, qty)],
            delivery: delivery(),
        }
    }

    /// An order placed by the customer, awaiting payment.
    pub async fn order(&self, qty: u32) -> OrderId {
        let o = domain::ordering::orders::place(
            &self.ctx,
            &self.bot(self.customer),
            &self.new_order(qty),
        )
        .await
        .unwrap();
        OrderId(o.id)
    }

    /// An order with a receipt, in review.
    pub async fn order_in_review(&self, qty: u32) -> OrderId {
        let id = self.order(qty).await;
        self.receipt(id, &format!("{:064x}", id.0)).await;
        id
    }

    pub async fn receipt(&self, order: OrderId, sha: &str) -> entity::receipts::Model {
        let new = domain::ordering::receipts::NewReceipt {
            order,
            kind: files::FileKind::Jpeg,
            sha256: sha.to_owned(),
            size_bytes: 1000,
            storage_key: None,
            telegram_file_id: Some(format!("file-{}", order.0)),
            telegram_file_unique_id: Some(format!("uniq-{sha}")),
            width: Some(800),
            height: Some(600),
        };
        domain::ordering::receipts::attach(&self.ctx, &self.bot(self.customer), &new)
            .await
            .unwrap()
    }

    pub async fn stock(&self, product: ProductId) -> (i32, i32) {
        use sea_orm::EntityTrait;
        let p = entity::products::Entity::find_by_id(product.0)
            .one(&self.ctx.db)
            .await
            .unwrap()
            .unwrap();
        (p.on_hand, p.reserved)
    }

    pub async fn status(&self, order: OrderId) -> domain::OrderStatus {
        use sea_orm::EntityTrait;
        let o = entity::orders::Entity::find_by_id(order.0)
            .one(&self.ctx.db)
            .await
            .unwrap()
            .unwrap();
        o.status
    }

    /// Rows in `table` matching a raw SQL condition.
    pub async fn count(&self, table: &str, condition: &str) -> i64 {
        use sea_orm::{ConnectionTrait, Statement};
        let sql = format!("SELECT COUNT(*) AS n FROM {table} WHERE {condition}");
        let backend = self.ctx.db.get_database_backend();
        let row = self
            .ctx
            .db
            .query_one_raw(Statement::from_string(backend, sql))
            .await
            .unwrap()
            .unwrap();
        row.try_get::<i64>("", "n").unwrap()
    }
}

async fn store_other(ctx: &Ctx) -> StoreId {
    store(ctx, "other").await
}

/// Waits for racing tasks and checks that exactly one of them succeeded; returns the losers'
/// errors for the caller to check.
pub async fn one_winner<T: std::fmt::Debug>(
    tasks: impl IntoIterator<Item = tokio::task::JoinHandle<domain::Result<T>>>,
) -> Vec<domain::Error> {
    let results: Vec<_> = futures::future::join_all(tasks)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    let winners = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(winners, 1, "{results:?}");
    results.into_iter().filter_map(|r| r.err()).collect()
}
