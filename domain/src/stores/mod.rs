//! Stores: created by an OWNER (or the operator), each with its own currency, payment
//! instructions and unpaid-order deadline; and the texts each store writes for its customers
//! ([`texts`]).
pub mod texts;

use sea_orm::sea_query::Expr;
use sea_orm::sea_query::ExprTrait as _;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::kernel::actor::Actor;
use crate::kernel::error::{Error, Result};
use crate::kernel::ids::StoreId;
use crate::kernel::money::Currency;
use crate::kernel::policy::{self, Capability};
use crate::platform::events::{DomainEvent, outbox};
use crate::{Ctx, in_tx, kernel::db, platform::audit};
use entity::stores;
use texts::Instructions;

/// Order numbers start here, so they read as order numbers (`#1001`) rather than counts.
pub const FIRST_ORDER_NUMBER: i64 = 1001;

#[derive(Clone, Debug)]
pub struct NewStore {
    pub slug: String,
    pub name: String,
    pub currency: String,
    pub payment_instructions: String,
    pub unpaid_deadline_minutes: i32,
}

/// Slugs go into Telegram deep links (`start=store_<slug>`, at most 64 characters of
/// `A-Za-z0-9_-`), so they are short, lower-case and link-safe.
pub fn valid_slug(slug: &str) -> bool {
    (3..=32).contains(&slug.len())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

pub async fn create(ctx: &Ctx, actor: &Actor, new: NewStore) -> Result<stores::Model> {
    create_with(ctx, actor, new, &Instructions::new()).await
}

/// Creates a store with its payment instructions in other languages.
pub async fn create_with(
    ctx: &Ctx,
    actor: &Actor,
    new: NewStore,
    texts: &Instructions,
) -> Result<stores::Model> {
    let slug = new.slug.trim().to_owned();
    if !valid_slug(&slug) {
        return Err(Error::Invalid { field: "slug" });
    }
    if !(1..=255).contains(&new.name.trim().chars().count()) {
        return Err(Error::Invalid { field: "name" });
    }
    let currency = Currency::parse(&new.currency)?;
    texts::check_default(&new.payment_instructions)?;
    texts::check(texts)?;
    // Between a minute and thirty days.
    if !(1..=43_200).contains(&new.unpaid_deadline_minutes) {
        return Err(Error::Invalid {
            field: "unpaid_deadline_minutes",
        });
    }
    policy::require_global(&ctx.db, actor, Capability::CreateStores).await?;
    let now = ctx.now();
    let result = in_tx!(&ctx.db, |txn| async {
        let row = stores::ActiveModel {
            id: NotSet,
            slug: Set(slug.clone()),
            name: Set(new.name.trim().to_owned()),
            currency: Set(currency.code().to_owned()),
            payment_instructions: Set(new.payment_instructions.trim().to_owned()),
            unpaid_deadline_minutes: Set(new.unpaid_deadline_minutes),
            low_stock_default: Set(3),
            next_order_number: Set(FIRST_ORDER_NUMBER),
            created_at: Set(now),
            updated_at: Set(now),
        };
        let id = StoreId(stores::Entity::insert(row).exec(&txn).await?.last_insert_id);
        texts::set_in(&txn, id, texts).await?;
        let entry = audit::Entry {
            store: Some(id),
            action: "store.create",
            object_type: "store",
            object_id: id.to_string(),
            before: None,
            after: Some(serde_json::json!({
                "slug": slug,
                "currency": currency.code(),
                "payment_texts": texts::of(&txn, id).await?,
            })),
        };
        audit::record(&txn, now, actor, entry).await?;
        outbox::record(
            &txn,
            now,
            &DomainEvent::StoreCreated {
                store_id: id,
                slug: slug.clone(),
            },
        )
        .await?;
        load(&txn, id).await
    }
    .await);
    match result {
        Err(Error::Db(e)) if db::is_unique_violation(&e) => Err(Error::SlugTaken { slug }),
        other => other,
    }
}

pub async fn load(db: &impl ConnectionTrait, id: StoreId) -> Result<stores::Model> {
    stores::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .ok_or(Error::NotFound { what: "store" })
}

pub async fn by_slug(db: &impl ConnectionTrait, slug: &str) -> Result<stores::Model> {
    stores::Entity::find()
        .filter(stores::Column::Slug.eq(slug.trim()))
        .one(db)
        .await?
        .ok_or(Error::NotFound { what: "store" })
}

pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<stores::Model>> {
    Ok(stores::Entity::find()
        .order_by_asc(stores::Column::Id)
        .all(db)
        .await?)
}

/// Takes the store's next order number. The row lock this update holds until commit makes
/// numbers unique and gap-free among committed orders.
pub(crate) async fn next_order_number(db: &impl ConnectionTrait, store: StoreId) -> Result<i64> {
    let res = stores::Entity::update_many()
        .col_expr(
            stores::Column::NextOrderNumber,
            Expr::col(stores::Column::NextOrderNumber).add(1),
        )
        .filter(stores::Column::Id.eq(store.0))
        .exec(db)
        .await?;
    if res.rows_affected != 1 {
        return Err(Error::NotFound { what: "store" });
    }
    let next: Option<i64> = stores::Entity::find_by_id(store.0)
        .select_only()
        .column(stores::Column::NextOrderNumber)
        .into_tuple()
        .one(db)
        .await?;
    next.map(|n| n - 1).ok_or(Error::NotFound { what: "store" })
}

/// What an ADMIN may change in their store (the slug and currency stay: links and prices use them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreSettings {
    pub name: String,
    pub payment_instructions: String,
    pub unpaid_deadline_minutes: i32,
    pub low_stock_default: i32,
    /// Payment instructions in other languages; languages not in the map stay as they are.
    pub payment_texts: Instructions,
}

pub async fn update(
    ctx: &Ctx,
    actor: &Actor,
    store: StoreId,
    settings: StoreSettings,
) -> Result<stores::Model> {
    if !(1..=255).contains(&settings.name.trim().chars().count()) {
        return Err(Error::Invalid { field: "name" });
    }
    if !(1..=43_200).contains(&settings.unpaid_deadline_minutes) {
        return Err(Error::Invalid {
            field: "unpaid_deadline_minutes",
        });
    }
    if !(0..=1_000_000).contains(&settings.low_stock_default) {
        return Err(Error::Invalid {
            field: "low_stock_threshold",
        });
    }
    texts::check_default(&settings.payment_instructions)?;
    texts::check(&settings.payment_texts)?;
    let now = ctx.now();
    in_tx!(&ctx.db, |txn| {
        async {
        policy::require(&txn, actor, store, Capability::ManageStore).await?;
        let before = load(&txn, store).await?;
        let texts_before = texts::of(&txn, store).await?;
        stores::Entity::update_many()
            .col_expr(stores::Column::Name, Expr::value(settings.name.trim()))
            .col_expr(stores::Column::PaymentInstructions, Expr::value(settings.payment_instructions.trim()))
            .col_expr(stores::Column::UnpaidDeadlineMinutes, Expr::value(settings.unpaid_deadline_minutes))
            .col_expr(stores::Column::LowStockDefault, Expr::value(settings.low_stock_default))
            .col_expr(stores::Column::UpdatedAt, Expr::value(now))
            .filter(stores::Column::Id.eq(store.0))
            .exec(&txn)
            .await?;
        texts::set_in(&txn, store, &settings.payment_texts).await?;
        let snapshot = |s: &stores::Model, texts: &Instructions| {
            serde_json::json!({
                "name": s.name, "payment_instructions": s.payment_instructions,
                "payment_texts": texts,
                "unpaid_deadline_minutes": s.unpaid_deadline_minutes, "low_stock_default": s.low_stock_default
            })
        };
        let after = load(&txn, store).await?;
        let texts_after = texts::of(&txn, store).await?;
        let entry = audit::Entry {
            store: Some(store),
            action: "store.update",
            object_type: "store",
            object_id: store.to_string(),
            before: Some(snapshot(&before, &texts_before)),
            after: Some(snapshot(&after, &texts_after)),
        };
        audit::record(&txn, now, actor, entry).await?;
        outbox::record(&txn, now, &DomainEvent::StoreUpdated { store_id: store }).await?;
        Ok(after)
    }
    .await
    })
}
