//! The notification center: in-app notifications for staff (new receipts to check), written
//! from the outbox by one consumer, read and marked read in the backoffice.
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::error::Result;
use crate::events::consumer;
use crate::notifications::{What, for_event};
use crate::{Ctx, UserId};
use entity::notifications;

pub const CONSUMER: &str = "inbox";

/// Turns new events into notification rows. Idempotent by (user, event, kind): a replayed
/// event adds nothing. Returns how many events were handled, `None` if another instance is.
pub async fn fill(ctx: &Ctx, owner: &str) -> Result<Option<usize>> {
    let Some(batch) = consumer::next_batch(ctx, CONSUMER, owner, 200).await? else {
        return Ok(None);
    };
    let mut done = 0;
    for event in batch {
        for notice in for_event(&ctx.db, &event.event).await? {
            let (kind, priority, payload, store) = match &notice.what {
                What::NewReceipt { order, .. } => (
                    "new_receipt",
                    "high",
                    serde_json::json!({ "order_id": order.id, "number": order.number }),
                    order.store_id,
                ),
                What::LowStock { title, available } => {
                    let Some(store) = event.event.store_id() else {
                        continue;
                    };
                    let payload = serde_json::json!({ "title": title, "available": available });
                    ("low_stock", "normal", payload, store.0)
                }
                _ => continue,
            };
            let exists = notifications::Entity::find()
                .filter(notifications::Column::UserId.eq(notice.user_id))
                .filter(notifications::Column::EventId.eq(event.id))
                .one(&ctx.db)
                .await?
                .is_some();
            if exists {
                continue;
            }
            let row = notifications::ActiveModel {
                id: NotSet,
                user_id: Set(notice.user_id),
                store_id: Set(Some(store)),
                kind: Set(kind.to_owned()),
                priority: Set(priority.to_owned()),
                payload: Set(payload.to_string()),
                event_id: Set(Some(event.id)),
                read_at: Set(None),
                created_at: Set(ctx.now()),
            };
            notifications::Entity::insert(row).exec(&ctx.db).await?;
        }
        consumer::ack(ctx, CONSUMER, owner, event.id).await?;
        done += 1;
    }
    Ok(Some(done))
}

pub async fn unread(db: &impl ConnectionTrait, user: UserId) -> Result<u64> {
    Ok(notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(user.0))
        .filter(notifications::Column::ReadAt.is_null())
        .count(db)
        .await?)
}

/// The newest notifications of a user.
pub async fn latest(
    db: &impl ConnectionTrait,
    user: UserId,
    limit: u64,
) -> Result<Vec<notifications::Model>> {
    Ok(notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(user.0))
        .order_by_desc(notifications::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// Marks all of a user's notifications read.
pub async fn mark_all_read(ctx: &Ctx, user: UserId) -> Result<u64> {
    let res = notifications::Entity::update_many()
        .col_expr(notifications::Column::ReadAt, Expr::value(Some(ctx.now())))
        .filter(notifications::Column::UserId.eq(user.0))
        .filter(notifications::Column::ReadAt.is_null())
        .exec(&ctx.db)
        .await?;
    Ok(res.rows_affected)
}
