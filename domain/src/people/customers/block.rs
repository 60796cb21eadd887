//! Blocking a customer from ordering in a store, and what placing an order checks.
//!
//! A block and an order placement meet on the customer's `users` row: [`block`] and [`unblock`]
//! take it exclusively before anything else, placing an order takes it shared before looking
//! for a block ([`refuse_blocked`]). So one waits for the other: a block committed before an
//! order commits refuses that order, and an order that committed first is one the block saw
//! (it counts it in its audit entry). SQLite runs one transaction at a time anyway.
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};

use crate::kernel::actor::Actor;
use crate::kernel::error::{Error, Result};
use crate::kernel::ids::{StoreId, UserId};
use crate::kernel::policy::{self, Capability};
use crate::{Ctx, in_tx, platform::audit};
use entity::{customer_blocks, orders, users};

/// The longest reason kept (the column's size).
pub const MAX_REASON: usize = 500;

/// Stops `user` from placing orders in `store`, with a reason for the staff. ADMIN and above;
/// the customer must have ordered in the store (else `NotFound`), and the store's own staff
/// (the person blocking included) are refused with `StaffNotBlockable`. Blocking someone
/// already blocked changes nothing and answers the block that stands.
///
/// Orders placed before stay as they are (staff cancel them if they want); receipts for them
/// are still accepted, so a customer who already paid can prove it.
pub async fn block(
    ctx: &Ctx,
    actor: &Actor,
    store: StoreId,
    user: UserId,
    reason: &str,
) -> Result<customer_blocks::Model> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::ReasonRequired);
    }
    if reason.chars().count() > MAX_REASON {
        return Err(Error::Invalid { field: "reason" });
    }
    let now = ctx.now();
    in_tx!(&ctx.db, |txn| async {
        let orders = standing(&txn, actor, store, user).await?;
        if let Some(existing) = of(&txn, store, user).await? {
            return Ok(existing);
        }
        if policy::role_in(&txn, user, store).await?.is_some() {
            return Err(Error::StaffNotBlockable);
        }
        // A block names who made it: the console operator is nobody in `users`.
        let by = actor.user_id().ok_or(Error::Forbidden)?;
        let row = customer_blocks::ActiveModel {
            id: NotSet,
            store_id: Set(store.0),
            user_id: Set(user.0),
            reason: Set(reason.to_owned()),
            blocked_by: Set(by.0),
            created_at: Set(now),
        };
        customer_blocks::Entity::insert(row).exec(&txn).await?;
        let entry = audit::Entry {
            store: Some(store),
            action: "customer.block",
            object_type: "customer",
            object_id: user.to_string(),
            before: Some(serde_json::json!({ "blocked": false })),
            after: Some(serde_json::json!({ "blocked": true, "reason": reason, "orders": orders })),
        };
        audit::record(&txn, now, actor, entry).await?;
        of(&txn, store, user)
            .await?
            .ok_or_else(|| Error::Internal("block vanished".into()))
    }
    .await)
}

/// Lets `user` order in `store` again. Same access as [`block`]; unblocking someone who is not
/// blocked changes nothing. Answers whether there was a block to lift.
pub async fn unblock(ctx: &Ctx, actor: &Actor, store: StoreId, user: UserId) -> Result<bool> {
    let now = ctx.now();
    in_tx!(&ctx.db, |txn| async {
        standing(&txn, actor, store, user).await?;
        let Some(existing) = of(&txn, store, user).await? else {
            return Ok(false);
        };
        customer_blocks::Entity::delete_by_id(existing.id)
            .exec(&txn)
            .await?;
        let entry = audit::Entry {
            store: Some(store),
            action: "customer.unblock",
            object_type: "customer",
            object_id: user.to_string(),
            before: Some(serde_json::json!({
                "blocked": true,
                "reason": existing.reason,
                "blocked_by": existing.blocked_by,
                "since": existing.created_at,
            })),
            after: Some(serde_json::json!({ "blocked": false })),
        };
        audit::record(&txn, now, actor, entry).await?;
        Ok(true)
    }
    .await)
}

/// Refuses an order from a customer the store has blocked, inside the placing transaction
/// (see the module notes for why the customer's row is locked first).
pub(crate) async fn refuse_blocked(
    txn: &impl ConnectionTrait,
    store: StoreId,
    customer: UserId,
) -> Result<()> {
    users::Entity::find_by_id(customer.0)
        .lock_shared()
        .one(txn)
        .await?
        .ok_or(Error::NotFound { what: "user" })?;
    // A locking read: on MySQL it sees what committed after this transaction's snapshot.
    let blocked = customer_blocks::Entity::find()
        .filter(customer_blocks::Column::StoreId.eq(store.0))
        .filter(customer_blocks::Column::UserId.eq(customer.0))
        .lock_shared()
        .one(txn)
        .await?;
    match blocked {
        Some(_) => Err(Error::CustomerBlocked),
        None => Ok(()),
    }
}

/// The block of `user` in `store`, if any.
pub(super) async fn of(
    db: &impl ConnectionTrait,
    store: StoreId,
    user: UserId,
) -> Result<Option<customer_blocks::Model>> {
    Ok(customer_blocks::Entity::find()
        .filter(customer_blocks::Column::StoreId.eq(store.0))
        .filter(customer_blocks::Column::UserId.eq(user.0))
        .one(db)
        .await?)
}

/// Takes the customer's row (first, so that on MySQL everything read after it is current),
/// checks the actor may manage the store's customers and that `user` is one: answers how many
/// orders they placed in the store.
async fn standing(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    store: StoreId,
    user: UserId,
) -> Result<u64> {
    let person = users::Entity::find_by_id(user.0)
        .lock_exclusive()
        .one(txn)
        .await?;
    policy::require(txn, actor, store, Capability::ManageCustomers).await?;
    let orders = orders::Entity::find()
        .filter(orders::Column::StoreId.eq(store.0))
        .filter(orders::Column::CustomerId.eq(user.0))
        .count(txn)
        .await?;
    match person {
        Some(_) if orders > 0 => Ok(orders),
        _ => Err(Error::NotFound { what: "customer" }),
    }
}
