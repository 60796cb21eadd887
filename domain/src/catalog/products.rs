//! Products of a store. Prices are in the store's currency.
use sea_orm::sea_query::{Expr, ExprTrait as _, Func};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;

use super::texts::{self, Texts};
use crate::kernel::actor::Actor;
use crate::kernel::error::{Error, Result};
use crate::kernel::ids::{ProductId, StoreId};
use crate::kernel::policy::{self, Capability};
use crate::platform::events::{DomainEvent, outbox};
use crate::{Ctx, in_tx, kernel::db, platform::audit, stores};
use entity::products;

#[derive(Clone, Debug)]
pub struct NewProduct {
    pub sku: String,
    pub title: String,
    pub description: String,
    pub price_minor: i64,
    pub on_hand: i64,
    pub low_stock_threshold: Option<i32>,
}

/// Fields to change; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct ProductChanges {
    pub title: Option<String>,
    pub description: Option<String>,
    pub price_minor: Option<i64>,
    pub active: Option<bool>,
    pub low_stock_threshold: Option<Option<i32>>,
    /// Per-language texts; languages not in the map stay as they are.
    pub texts: Option<Texts>,
}

#[derive(Serialize)]
struct Snapshot<'a> {
    sku: &'a str,
    title: &'a str,
    price_minor: i64,
    active: bool,
    low_stock_threshold: Option<i32>,
    texts: Texts,
}

async fn snapshot(
    db: &impl ConnectionTrait,
    p: &products::Model,
) -> Result<Option<serde_json::Value>> {
    Ok(audit::snapshot(&Snapshot {
        sku: &p.sku,
        title: &p.title,
        price_minor: p.price_minor,
        active: p.active,
        low_stock_threshold: p.low_stock_threshold,
        texts: texts::of(db, ProductId(p.id)).await?,
    }))
}

pub(crate) async fn load(db: &impl ConnectionTrait, id: ProductId) -> Result<products::Model> {
    products::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .ok_or(Error::NotFound { what: "product" })
}

pub(crate) fn valid_sku(sku: &str) -> bool {
    (1..=64).contains(&sku.len())
        && sku
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

fn check_price(price: i64) -> Result<()> {
    if price < 0 {
        return Err(Error::Invalid { field: "price" });
    }
    Ok(())
}

fn check_threshold(threshold: Option<i32>) -> Result<()> {
    if threshold.is_some_and(|t| t < 0) {
        return Err(Error::Invalid {
            field: "low_stock_threshold",
        });
    }
    Ok(())
}

/// Checks a new product; answers its stock on hand as stored.
pub(crate) fn check_new(new: &NewProduct, texts: &Texts) -> Result<i32> {
    if !valid_sku(new.sku.trim()) {
        return Err(Error::Invalid { field: "sku" });
    }
    texts::check_default(&new.title, &new.description)?;
    check_price(new.price_minor)?;
    let on_hand = i32::try_from(new.on_hand)
        .ok()
        .filter(|v| *v >= 0)
        .ok_or(Error::Invalid { field: "on_hand" })?;
    check_threshold(new.low_stock_threshold)?;
    texts::check(texts)?;
    Ok(on_hand)
}

pub async fn create(
    ctx: &Ctx,
    actor: &Actor,
    store: StoreId,
    new: NewProduct,
) -> Result<products::Model> {
    create_with(ctx, actor, store, new, &Texts::new()).await
}

/// Creates a product with its texts in other languages.
pub async fn create_with(
    ctx: &Ctx,
    actor: &Actor,
    store: StoreId,
    new: NewProduct,
    texts: &Texts,
) -> Result<products::Model> {
    check_new(&new, texts)?;
    let now = ctx.now();
    let result = in_tx!(&ctx.db, |txn| async {
        policy::require(&txn, actor, store, Capability::ManageCatalog).await?;
        let shop = stores::load(&txn, store).await?;
        create_in(&txn, now, actor, &shop, (&new, true), texts).await
    }
    .await);
    match result {
        Err(Error::Db(e)) if db::is_unique_violation(&e) => Err(Error::SkuTaken {
            sku: new.sku.trim().to_owned(),
        }),
        other => other,
    }
}

/// Inserts a product of `shop` (`new`, on sale or not) with its texts, audited, in the
/// caller's transaction. The caller has checked that the actor may manage the store's catalog.
pub(crate) async fn create_in(
    txn: &impl ConnectionTrait,
    now: chrono::DateTime<chrono::Utc>,
    actor: &Actor,
    shop: &entity::stores::Model,
    (new, active): (&NewProduct, bool),
    texts: &Texts,
) -> Result<products::Model> {
    let on_hand = check_new(new, texts)?;
    let row = products::ActiveModel {
        id: NotSet,
        store_id: Set(shop.id),
        sku: Set(new.sku.trim().to_owned()),
        title: Set(new.title.trim().to_owned()),
        description: Set(new.description.trim().to_owned()),
        price_minor: Set(new.price_minor),
        currency: Set(shop.currency.clone()),
        on_hand: Set(on_hand),
        reserved: Set(0),
        low_stock_threshold: Set(new.low_stock_threshold),
        active: Set(active),
        photo_key: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let id = ProductId(
        products::Entity::insert(row)
            .exec(txn)
            .await?
            .last_insert_id,
    );
    texts::set_in(txn, id, texts).await?;
    let product = load(txn, id).await?;
    saved(txn, now, actor, &product, "product.create", None).await?;
    Ok(product)
}

pub async fn update(
    ctx: &Ctx,
    actor: &Actor,
    id: ProductId,
    changes: ProductChanges,
) -> Result<products::Model> {
    let now = ctx.now();
    in_tx!(&ctx.db, |txn| async {
        let before = load(&txn, id).await?;
        policy::require(
            &txn,
            actor,
            StoreId(before.store_id),
            Capability::ManageCatalog,
        )
        .await?;
        update_in(&txn, now, actor, before, &changes).await
    }
    .await)
}

/// Applies `changes` to `before` (read in this transaction), audited. The caller has checked
/// that the actor may manage the product's store's catalog.
pub(crate) async fn update_in(
    txn: &impl ConnectionTrait,
    now: chrono::DateTime<chrono::Utc>,
    actor: &Actor,
    before: products::Model,
    changes: &ProductChanges,
) -> Result<products::Model> {
    let title = changes.title.as_deref().unwrap_or(&before.title);
    let description = changes
        .description
        .as_deref()
        .unwrap_or(&before.description);
    texts::check_default(title, description)?;
    let price = changes.price_minor.unwrap_or(before.price_minor);
    check_price(price)?;
    if let Some(t) = changes.low_stock_threshold {
        check_threshold(t)?;
    }
    if let Some(t) = &changes.texts {
        texts::check(t)?;
    }
    let old = snapshot(txn, &before).await?;
    let mut row: products::ActiveModel = before.clone().into();
    row.title = Set(title.trim().to_owned());
    row.description = Set(description.trim().to_owned());
    row.price_minor = Set(price);
    if let Some(a) = changes.active {
        row.active = Set(a);
    }
    if let Some(t) = changes.low_stock_threshold {
        row.low_stock_threshold = Set(t);
    }
    row.updated_at = Set(now);
    let after = row.update(txn).await?;
    if let Some(t) = &changes.texts {
        texts::set_in(txn, ProductId(after.id), t).await?;
    }
    saved(txn, now, actor, &after, "product.update", old).await?;
    Ok(after)
}

async fn saved(
    txn: &impl ConnectionTrait,
    now: chrono::DateTime<chrono::Utc>,
    actor: &Actor,
    product: &products::Model,
    action: &str,
    before: Option<serde_json::Value>,
) -> Result<()> {
    let store = StoreId(product.store_id);
    let entry = audit::Entry {
        store: Some(store),
        action,
        object_type: "product",
        object_id: product.id.to_string(),
        before,
        after: snapshot(txn, product).await?,
    };
    audit::record(txn, now, actor, entry).await?;
    let event = DomainEvent::ProductSaved {
        product_id: ProductId(product.id),
        store_id: store,
    };
    outbox::record(txn, now, &event).await?;
    Ok(())
}

/// The store's products, active first, by title. Customers see only active ones.
pub async fn list(
    db: &impl ConnectionTrait,
    store: StoreId,
    only_active: bool,
) -> Result<Vec<products::Model>> {
    let mut q = products::Entity::find().filter(products::Column::StoreId.eq(store.0));
    if only_active {
        q = q.filter(products::Column::Active.eq(true));
    }
    Ok(q.order_by_desc(products::Column::Active)
        .order_by_asc(products::Column::Title)
        .order_by_asc(products::Column::Id)
        .all(db)
        .await?)
}

/// One product, whatever its store (callers check the store).
pub async fn get(db: &impl ConnectionTrait, id: ProductId) -> Result<products::Model> {
    load(db, id).await
}

/// One product of `store`; a product of another store is `NotFound`, as if it did not exist.
pub async fn find_in(
    db: &impl ConnectionTrait,
    store: StoreId,
    id: ProductId,
) -> Result<products::Model> {
    let p = load(db, id).await?;
    if p.store_id != store.0 {
        return Err(Error::NotFound { what: "product" });
    }
    Ok(p)
}

/// The low-stock threshold that applies to a product: its own, else the store's default.
pub fn threshold(product: &products::Model, store_default: i32) -> i32 {
    product.low_stock_threshold.unwrap_or(store_default)
}

/// Is the product's available stock (`on_hand - reserved`) at or below its threshold?
pub fn is_low(product: &products::Model, store_default: i32) -> bool {
    available(product) <= i64::from(threshold(product, store_default))
}

/// The store's products whose available stock (`on_hand - reserved`) is at or below their
/// low-stock threshold (the product's own, else the store's default), ordered like [`list`].
pub async fn low_stock(db: &impl ConnectionTrait, store: StoreId) -> Result<Vec<products::Model>> {
    let shop = stores::load(db, store).await?;
    let threshold = Func::coalesce([
        Expr::col(products::Column::LowStockThreshold),
        Expr::val(shop.low_stock_default),
    ]);
    Ok(products::Entity::find()
        .filter(products::Column::StoreId.eq(store.0))
        .filter(available_column().lte(threshold))
        .order_by_desc(products::Column::Active)
        .order_by_asc(products::Column::Title)
        .order_by_asc(products::Column::Id)
        .all(db)
        .await?)
}

/// What can still be sold: on hand and not reserved for an order (never below zero).
pub fn available(product: &products::Model) -> i64 {
    Ord::max(i64::from(product.on_hand) - i64::from(product.reserved), 0)
}

/// [`available`] as a SQL expression, for filters.
pub(crate) fn available_column() -> sea_orm::sea_query::SimpleExpr {
    Expr::col(products::Column::OnHand).sub(Expr::col(products::Column::Reserved))
}
