//! One notice of every kind, for the tests that render notices in every channel.
use domain::messaging::notifications::What;
use domain::{Ctx, Currency, Money};
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::seed;

/// The store [`every_kind`] makes, and its name in the digest.
pub const STORE: &str = "Every Kind Shop";

/// One [`What`] of every kind. The new receipt is about a real order (two mugs, by `@olena`)
/// and a receipt of it in `ctx`'s database, in a store of its own (slug `every-kind`).
pub async fn every_kind(ctx: &Ctx) -> Vec<What> {
    let store = seed::store(ctx, "every-kind", STORE).await;
    let product = seed::product(ctx, store, "MUG", 25_000, 10).await;
    let customer = seed::person(ctx, 7_000_001, "olena", "uk").await;
    let order = seed::order(ctx, store, customer, product, 2).await;
    let receipt = receipt(ctx, &order).await;
    let number = order.number;
    let all = vec![
        What::Verified { number },
        What::Rejected {
            number,
            reason: "Wrong amount".into(),
        },
        What::Shipped {
            number,
            tracking: Some("TRACK-42".into()),
        },
        What::Cancelled { number },
        What::Expired { number },
        What::Refunded { number },
        What::Completed { number },
        What::LowStock {
            title: "Mug".into(),
            available: 2,
        },
        What::DailyDigest {
            store: STORE.into(),
            orders: 37,
            revenue: Money::new(123_450, Currency::parse("UAH").unwrap()),
            pending_receipts: 9,
        },
        What::NewReceipt {
            receipt: Box::new(receipt),
            order: Box::new(order),
            customer: "olena".into(),
        },
    ];
    for what in &all {
        // A new kind stops this compiling until it has a sample above.
        match what {
            What::Verified { .. }
            | What::Rejected { .. }
            | What::Shipped { .. }
            | What::Cancelled { .. }
            | What::Expired { .. }
            | What::Refunded { .. }
            | What::Completed { .. }
            | What::LowStock { .. }
            | What::DailyDigest { .. }
            | What::NewReceipt { .. } => {}
        }
    }
    all
}

/// A text every rendering of `what` shows, in any language: its order's number, product
/// title or store name.
pub fn figure(what: &What) -> String {
    match what {
        What::Verified { number }
        | What::Rejected { number, .. }
        | What::Shipped { number, .. }
        | What::Cancelled { number }
        | What::Expired { number }
        | What::Refunded { number }
        | What::Completed { number } => number.to_string(),
        What::LowStock { title, .. } => title.clone(),
        What::DailyDigest { store, .. } => store.clone(),
        What::NewReceipt { order, .. } => order.number.to_string(),
    }
}

/// A pending JPEG receipt of `order` with no stored file, written as the columns are stored.
async fn receipt(ctx: &Ctx, order: &entity::orders::Model) -> entity::receipts::Model {
    let sha256 = format!("{:064x}", order.id);
    let stmt = Query::insert()
        .into_table(Alias::new("receipts"))
        .columns(
            [
                "order_id",
                "store_id",
                "uploaded_by",
                "sha256",
                "mime",
                "size_bytes",
                "status",
                "created_at",
            ]
            .map(Alias::new),
        )
        .values_panic([
            Expr::val(order.id),
            Expr::val(order.store_id),
            Expr::val(order.customer_id),
            Expr::val(sha256.clone()),
            Expr::val("image/jpeg"),
            Expr::val(2048i64),
            Expr::val("pending"),
            Expr::val(ctx.now()),
        ])
        .take();
    ctx.db.execute(&stmt).await.unwrap();
    entity::receipts::Entity::find()
        .filter(entity::receipts::Column::Sha256.eq(sha256))
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap()
}
