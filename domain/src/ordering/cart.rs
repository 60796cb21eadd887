//! A customer's cart in one store: one line per product, kept in the database (a cart survives
//! a restart and is the same on every instance), turned into an order by [`checkout`].
//!
//! Adding to the cart reserves nothing: stock is taken only when the order is placed, and the
//! cart shows what is available meanwhile.
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait as _, OnConflict};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::kernel::actor::Actor;
use crate::kernel::error::{Error, Result};
use crate::kernel::ids::{ProductId, StoreId, UserId};
use crate::ordering::orders::place::{self, Delivery, NewOrder};
use crate::{Ctx, in_tx};
use entity::{cart_items, orders, products};

/// The most of one product a cart line may hold.
pub const MAX_QUANTITY: u32 = 99;

/// A cart line with what the customer needs to see of its product now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CartLine {
    pub product_id: ProductId,
    pub sku: String,
    pub title: String,
    pub unit_price_minor: i64,
    pub quantity: u32,
    /// In stock and not reserved for other orders (`on_hand - reserved`).
    pub available: i64,
    pub active: bool,
}

/// Adds `qty` of `product` to the customer's cart in `store`, on top of what is there.
pub async fn add(
    ctx: &Ctx,
    customer: UserId,
    store: StoreId,
    product: ProductId,
    qty: u32,
) -> Result<Vec<CartLine>> {
    let qty32 = line_quantity(qty)?;
    let now = ctx.now();
    in_tx!(&ctx.db, |txn| async {
        orderable(&txn, store, product).await?;
        // One statement whether or not the line exists, so two quick taps cannot both insert.
        // The sum is checked afterwards; too much rolls the whole change back.
        let mut on_conflict = OnConflict::columns([
            cart_items::Column::UserId,
            cart_items::Column::StoreId,
            cart_items::Column::ProductId,
        ]);
        on_conflict
            .value(
                cart_items::Column::Quantity,
                Expr::col((cart_items::Entity, cart_items::Column::Quantity)).add(qty32),
            )
            .value(cart_items::Column::UpdatedAt, Expr::val(now));
        cart_items::Entity::insert(new_line(customer, store, product, qty32, now))
            .on_conflict(on_conflict)
            .exec_without_returning(&txn)
            .await?;
        let merged = line(&txn, customer, store, product)
            .await?
            .map_or(0, |l| l.quantity);
        if i64::from(merged) > i64::from(MAX_QUANTITY) {
            return Err(Error::Invalid { field: "quantity" });
        }
        lines(&txn, customer, store).await
    }
    .await)
}

/// How a cart line changes: by some items up or down (never below none; none removes the
/// line), or out of the cart altogether.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CartChange {
    By(i32),
    Remove,
}

/// Changes the line of `product` in the customer's cart in `store`. Going up checks the
/// product as [`set_quantity`] does; going to none, or [`CartChange::Remove`], removes the line.
pub async fn change(
    ctx: &Ctx,
    customer: UserId,
    store: StoreId,
    product: ProductId,
    change: CartChange,
) -> Result<Vec<CartLine>> {
    let wanted = match change {
        CartChange::Remove => 0,
        CartChange::By(delta) => {
            let current = line(&ctx.db, customer, store, product)
                .await?
                .map_or(0, |l| i64::from(l.quantity));
            let wanted = Ord::max(current + i64::from(delta), 0);
            u32::try_from(wanted).map_err(|_| Error::Invalid { field: "quantity" })?
        }
    };
    set_quantity(ctx, customer, store, product, wanted).await
}

/// Sets the quantity of `product` in the cart; 0 removes the line.
pub async fn set_quantity(
    ctx: &Ctx,
    customer: UserId,
    store: StoreId,
    product: ProductId,
    qty: u32,
) -> Result<Vec<CartLine>> {
    if qty == 0 {
        return remove(ctx, customer, store, product).await;
    }
    let qty32 = line_quantity(qty)?;
    let now = ctx.now();
    in_tx!(&ctx.db, |txn| async {
        orderable(&txn, store, product).await?;
        cart_items::Entity::insert(new_line(customer, store, product, qty32, now))
            .on_conflict(
                OnConflict::columns([
                    cart_items::Column::UserId,
                    cart_items::Column::StoreId,
                    cart_items::Column::ProductId,
                ])
                .update_columns([cart_items::Column::Quantity, cart_items::Column::UpdatedAt])
                .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
        lines(&txn, customer, store).await
    }
    .await)
}

/// Takes `product` out of the cart (nothing happens if it is not there).
pub async fn remove(
    ctx: &Ctx,
    customer: UserId,
    store: StoreId,
    product: ProductId,
) -> Result<Vec<CartLine>> {
    in_tx!(&ctx.db, |txn| async {
        cart_items::Entity::delete_many()
            .filter(cart_items::Column::UserId.eq(customer.0))
            .filter(cart_items::Column::StoreId.eq(store.0))
            .filter(cart_items::Column::ProductId.eq(product.0))
            .exec(&txn)
            .await?;
        lines(&txn, customer, store).await
    }
    .await)
}

/// The cart's lines in the order they were first added.
pub async fn lines(
    db: &impl ConnectionTrait,
    customer: UserId,
    store: StoreId,
) -> Result<Vec<CartLine>> {
    let items = cart_query(customer, store).all(db).await?;
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let products: HashMap<i64, products::Model> = products::Entity::find()
        .filter(products::Column::Id.is_in(items.iter().map(|i| i.product_id)))
        .filter(products::Column::StoreId.eq(store.0))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    items
        .iter()
        .filter_map(|item| products.get(&item.product_id).map(|p| (item, p)))
        .map(|(item, p)| {
            Ok(CartLine {
                product_id: ProductId(p.id),
                sku: p.sku.clone(),
                title: p.title.clone(),
                unit_price_minor: p.price_minor,
                quantity: stored_quantity(item)?,
                available: crate::catalog::stock::available(p),
                active: p.active,
            })
        })
        .collect()
}

/// What the lines cost at today's prices, in minor units of the store's currency.
pub fn total(lines: &[CartLine]) -> Result<i64> {
    lines.iter().try_fold(0i64, |sum, l| {
        l.unit_price_minor
            .checked_mul(i64::from(l.quantity))
            .and_then(|line| sum.checked_add(line))
            .ok_or(Error::AmountOverflow)
    })
}

/// Empties the cart; returns how many lines it had.
pub async fn clear(db: &impl ConnectionTrait, customer: UserId, store: StoreId) -> Result<u64> {
    let res = cart_items::Entity::delete_many()
        .filter(cart_items::Column::UserId.eq(customer.0))
        .filter(cart_items::Column::StoreId.eq(store.0))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// Places an order from the cart and empties it, in one transaction: an order that fails
/// (out of stock, a product withdrawn) leaves the cart as it was, and a placed one leaves it
/// empty. The cart's lines are locked first, so a second "Confirm" waits for the first and
/// then finds the cart empty (`EmptyOrder`): one cart, at most one order.
pub async fn checkout(
    ctx: &Ctx,
    actor: &Actor,
    customer: UserId,
    store: StoreId,
    delivery: Delivery,
) -> Result<orders::Model> {
    let by_staff = place::authorize(&ctx.db, actor, store, customer).await?;
    let placer = place::cap_for(ctx, by_staff);
    let now = ctx.now();
    in_tx!(&ctx.db, |txn| async {
        // SQLite has no row locks; its single-connection pool runs one transaction at a time.
        let items = cart_query(customer, store)
            .lock_exclusive()
            .all(&txn)
            .await?;
        let new = NewOrder {
            store,
            customer,
            items: items
                .iter()
                .map(|i| Ok((ProductId(i.product_id), stored_quantity(i)?)))
                .collect::<Result<_>>()?,
            delivery: delivery.clone(),
        };
        let lines = place::prepare(&new)?;
        let order = place::place_in(&txn, now, actor, &new, &lines, placer).await?;
        let emptied = cart_items::Entity::delete_many()
            .filter(cart_items::Column::Id.is_in(items.iter().map(|i| i.id)))
            .exec(&txn)
            .await?;
        if emptied.rows_affected != items.len() as u64 {
            // The lines are locked, so only a bug gets here; the order must not outlive it.
            return Err(Error::Conflict);
        }
        Ok(order)
    }
    .await)
}

fn cart_query(customer: UserId, store: StoreId) -> sea_orm::Select<cart_items::Entity> {
    cart_items::Entity::find()
        .filter(cart_items::Column::UserId.eq(customer.0))
        .filter(cart_items::Column::StoreId.eq(store.0))
        .order_by_asc(cart_items::Column::Id)
}

async fn line(
    db: &impl ConnectionTrait,
    customer: UserId,
    store: StoreId,
    product: ProductId,
) -> Result<Option<cart_items::Model>> {
    Ok(cart_query(customer, store)
        .filter(cart_items::Column::ProductId.eq(product.0))
        .one(db)
        .await?)
}

/// A quantity a customer asked for, as stored.
fn line_quantity(qty: u32) -> Result<i32> {
    if qty == 0 || qty > MAX_QUANTITY {
        return Err(Error::Invalid { field: "quantity" });
    }
    i32::try_from(qty).map_err(|_| Error::Invalid { field: "quantity" })
}

fn stored_quantity(item: &cart_items::Model) -> Result<u32> {
    u32::try_from(item.quantity)
        .map_err(|_| Error::Internal(format!("cart line {} has no quantity", item.id)))
}

/// The product may go into a cart of `store`: it is that store's and on sale.
async fn orderable(
    db: &impl ConnectionTrait,
    store: StoreId,
    product: ProductId,
) -> Result<products::Model> {
    let p = products::Entity::find_by_id(product.0)
        .filter(products::Column::StoreId.eq(store.0))
        .one(db)
        .await?
        .ok_or(Error::NotFound { what: "product" })?;
    if !p.active {
        return Err(Error::ProductUnavailable { product: p.title });
    }
    Ok(p)
}

fn new_line(
    customer: UserId,
    store: StoreId,
    product: ProductId,
    qty: i32,
    now: DateTime<Utc>,
) -> cart_items::ActiveModel {
    cart_items::ActiveModel {
        id: NotSet,
        user_id: Set(customer.0),
        store_id: Set(store.0),
        product_id: Set(product.0),
        quantity: Set(qty),
        created_at: Set(now),
        updated_at: Set(now),
    }
}
