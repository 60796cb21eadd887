//! Stock: on hand, reserved for unpaid/unshipped orders, and every change as a movement.
//! Every change is one conditional update, so available stock (`on_hand - reserved`) never goes
//! below zero whatever runs concurrently.
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::sea_query::ExprTrait as _;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::kernel::actor::Actor;
use crate::kernel::error::{Error, Result};
use crate::kernel::ids::{OrderId, ProductId, StoreId, UserId};
use crate::kernel::policy::{self, Capability};
use crate::platform::events::{DomainEvent, outbox};
use crate::{Ctx, in_tx, platform::audit};
use entity::{order_items, products, stock_movements};

pub use super::products::available;
use super::products::available_column;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// Goods arrived.
    Received,
    Damaged,
    Correction,
    /// Held for an order.
    Reserve,
    /// An order let go of its hold (cancelled, expired, refunded before shipping).
    Release,
    /// Left the warehouse with an order.
    Ship,
    /// Set by a CSV import of the catalog.
    Import,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Received => "received",
            Reason::Damaged => "damaged",
            Reason::Correction => "correction",
            Reason::Reserve => "reserve",
            Reason::Release => "release",
            Reason::Ship => "ship",
            Reason::Import => "import",
        }
    }

    /// The reasons a person may give for adjusting stock by hand.
    pub fn parse_manual(s: &str) -> Result<Self> {
        [Reason::Received, Reason::Damaged, Reason::Correction]
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or(Error::Invalid { field: "reason" })
    }
}

pub struct Movement {
    pub delta_on_hand: i64,
    pub delta_reserved: i64,
    pub reason: Reason,
    pub order: Option<OrderId>,
    pub note: Option<String>,
}

fn to_i32(v: i64) -> Result<i32> {
    i32::try_from(v).map_err(|_| Error::Invalid { field: "quantity" })
}

/// Appends a movement row.
pub async fn record(
    txn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    product: &products::Model,
    actor: Option<UserId>,
    m: Movement,
) -> Result<()> {
    let row = stock_movements::ActiveModel {
        id: NotSet,
        store_id: Set(product.store_id),
        product_id: Set(product.id),
        delta_on_hand: Set(to_i32(m.delta_on_hand)?),
        delta_reserved: Set(to_i32(m.delta_reserved)?),
        reason: Set(m.reason.as_str().to_owned()),
        order_id: Set(m.order.map(|o| o.0)),
        actor_user_id: Set(actor.map(|u| u.0)),
        note: Set(m.note),
        created_at: Set(now),
    };
    stock_movements::Entity::insert(row).exec(txn).await?;
    Ok(())
}

/// Holds `qty` for an order, or answers `OutOfStock` with what is left.
pub(crate) async fn reserve(
    txn: &impl ConnectionTrait,
    product: &products::Model,
    qty: i64,
) -> Result<()> {
    let qty32 = to_i32(qty)?;
    let res = products::Entity::update_many()
        .col_expr(
            products::Column::Reserved,
            Expr::col(products::Column::Reserved).add(qty32),
        )
        .filter(products::Column::Id.eq(product.id))
        .filter(products::Column::Active.eq(true))
        .filter(available_column().gte(qty32))
        .exec(txn)
        .await?;
    if res.rows_affected == 1 {
        return Ok(());
    }
    let now = products::Entity::find_by_id(product.id).one(txn).await?;
    let available = now.as_ref().map(available).unwrap_or(0);
    Err(Error::OutOfStock {
        product: product.title.clone(),
        available,
    })
}

/// Ends an order's hold on one line: released back to available, or (shipping) taken out of
/// stock altogether.
pub(crate) async fn settle(
    txn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    item: &order_items::Model,
    order: OrderId,
    actor: Option<UserId>,
    shipping: bool,
) -> Result<()> {
    let q = item.quantity;
    let mut update = products::Entity::update_many()
        .col_expr(
            products::Column::Reserved,
            Expr::col(products::Column::Reserved).sub(q),
        )
        .filter(products::Column::Id.eq(item.product_id))
        .filter(products::Column::Reserved.gte(q));
    if shipping {
        update = update
            .col_expr(
                products::Column::OnHand,
                Expr::col(products::Column::OnHand).sub(q),
            )
            .filter(products::Column::OnHand.gte(q));
    }
    if update.exec(txn).await?.rows_affected != 1 {
        return Err(Error::Internal(format!(
            "reservation of order {} lost",
            order.0
        )));
    }
    let product = products::Entity::find_by_id(item.product_id)
        .one(txn)
        .await?
        .ok_or(Error::NotFound { what: "product" })?;
    let movement = Movement {
        delta_on_hand: if shipping { -i64::from(q) } else { 0 },
        delta_reserved: -i64::from(q),
        reason: if shipping {
            Reason::Ship
        } else {
            Reason::Release
        },
        order: Some(order),
        note: None,
    };
    record(txn, now, &product, actor, movement).await
}

/// Adjusts stock on hand by `delta` (received goods, damage, stocktake correction). Refused
/// with `InsufficientStock` if it would leave less on hand than is reserved.
pub async fn adjust(
    ctx: &Ctx,
    actor: &Actor,
    product: ProductId,
    delta: i64,
    reason: Reason,
    note: Option<&str>,
) -> Result<products::Model> {
    if delta == 0
        || !matches!(
            reason,
            Reason::Received | Reason::Damaged | Reason::Correction
        )
    {
        return Err(Error::Invalid { field: "delta" });
    }
    let now = ctx.now();
    in_tx!(&ctx.db, |txn| async {
        let before = super::products::load(&txn, product).await?;
        let store = StoreId(before.store_id);
        policy::require(&txn, actor, store, Capability::ManageCatalog).await?;
        adjust_in(&txn, now, actor, &before, delta, reason, note).await
    }
    .await)
}

/// [`adjust`] in the caller's transaction, for a product `before` read in it whose store's
/// catalog the actor may manage.
pub(crate) async fn adjust_in(
    txn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    actor: &Actor,
    before: &products::Model,
    delta: i64,
    reason: Reason,
    note: Option<&str>,
) -> Result<products::Model> {
    let delta32 = to_i32(delta)?;
    let product = ProductId(before.id);
    let store = StoreId(before.store_id);
    let res = products::Entity::update_many()
        .col_expr(
            products::Column::OnHand,
            Expr::col(products::Column::OnHand).add(delta32),
        )
        .col_expr(products::Column::UpdatedAt, Expr::value(now))
        .filter(products::Column::Id.eq(product.0))
        .filter(
            Expr::col(products::Column::OnHand)
                .add(delta32)
                .gte(Expr::col(products::Column::Reserved)),
        )
        .exec(txn)
        .await?;
    if res.rows_affected != 1 {
        let p = super::products::load(txn, product).await?;
        return Err(Error::InsufficientStock {
            on_hand: i64::from(p.on_hand),
            reserved: i64::from(p.reserved),
        });
    }
    let after = super::products::load(txn, product).await?;
    alert_if_low(txn, now, &after, available(before), available(&after)).await?;
    let m = Movement {
        delta_on_hand: delta,
        delta_reserved: 0,
        reason,
        order: None,
        note: note.map(str::to_owned),
    };
    record(txn, now, &after, actor.user_id(), m).await?;
    let entry = audit::Entry {
        store: Some(store),
        action: "stock.adjust",
        object_type: "product",
        object_id: product.to_string(),
        before: Some(serde_json::json!({ "on_hand": before.on_hand })),
        after: Some(
            serde_json::json!({ "on_hand": after.on_hand, "reason": reason.as_str(), "note": note }),
        ),
    };
    audit::record(txn, now, actor, entry).await?;
    let event = DomainEvent::StockAdjusted {
        product_id: product,
        store_id: store,
        delta,
        on_hand: i64::from(after.on_hand),
    };
    outbox::record(txn, now, &event).await?;
    Ok(after)
}

/// The product's latest `limit` stock movements, newest first.
pub async fn movements(
    db: &impl ConnectionTrait,
    product: ProductId,
    limit: u64,
) -> Result<Vec<stock_movements::Model>> {
    Ok(stock_movements::Entity::find()
        .filter(stock_movements::Column::ProductId.eq(product.0))
        .order_by_desc(stock_movements::Column::CreatedAt)
        .order_by_desc(stock_movements::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// Raises `LowStock` when available stock crosses the threshold (the product's own, else the
/// store's default) from above to at or below it — once per crossing, not on every sale below.
pub(crate) async fn alert_if_low(
    txn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    product: &products::Model,
    available_before: i64,
    available_after: i64,
) -> Result<()> {
    // The store is read only when the product has no threshold of its own: this runs on every
    // reservation.
    let threshold = i64::from(match product.low_stock_threshold {
        Some(own) => own,
        None => {
            crate::stores::load(txn, StoreId(product.store_id))
                .await?
                .low_stock_default
        }
    });
    if available_before > threshold && available_after <= threshold {
        let event = DomainEvent::LowStock {
            product_id: ProductId(product.id),
            store_id: StoreId(product.store_id),
            title: product.title.clone(),
            available: available_after,
            threshold,
        };
        outbox::record(txn, now, &event).await?;
    }
    Ok(())
}
