//! The notification center: in-app notifications for staff (new receipts to check, low stock,
//! the daily digest), written from the planned `in_app` deliveries, read and marked read in
//! the backoffice.
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::deliveries::{DeliveryChannel, plan, send};
use crate::error::Result;
use crate::notifications::What;
use crate::{Ctx, UserId, in_tx};
use entity::notifications;

/// Writes the planned in-app deliveries as notification rows (planning the outbox's new events
/// first). Each row is written and its delivery marked sent in one transaction, so a crash
/// leaves the delivery pending and a replay adds nothing. Returns how many were handled.
pub async fn fill(ctx: &Ctx, owner: &str) -> Result<Option<usize>> {
    plan::run_once(ctx, owner).await?;
    let lease = chrono::Duration::seconds(60);
    let claimed = send::claim(
        &ctx.db,
        DeliveryChannel::InApp,
        owner,
        ctx.now(),
        lease,
        500,
    )
    .await?;
    let mut done = 0;
    for delivery in claimed {
        let notice = plan::notice_of(&ctx.db, &delivery).await?;
        let now = ctx.now();
        in_tx!(&ctx.db, |txn| async {
            if let Some(notice) = &notice {
                write(&txn, &delivery, notice, now).await?;
            }
            send::mark_sent(&txn, delivery.id, owner, now).await
        }
        .await)?;
        done += 1;
    }
    Ok(Some(done))
}

/// One notification row for a delivery, unless it is there already.
async fn write(
    db: &impl ConnectionTrait,
    delivery: &entity::notification_deliveries::Model,
    notice: &crate::notifications::Notice,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let (payload, store) = match &notice.what {
        What::NewReceipt { order, .. } => (
            serde_json::json!({ "order_id": order.id, "number": order.number }),
            Some(order.store_id),
        ),
        What::LowStock { title, available } => (
            serde_json::json!({ "title": title, "available": available }),
            delivery.store_id,
        ),
        What::DailyDigest {
            store,
            orders,
            revenue,
            pending_receipts,
        } => (
            serde_json::json!({
                "store": store,
                "orders": orders,
                "revenue_minor": revenue.minor,
                "currency": revenue.currency.code(),
                "pending_receipts": pending_receipts,
            }),
            delivery.store_id,
        ),
        // The notification center shows staff's kinds only (see `deliveries::KINDS`).
        _ => return Ok(()),
    };
    let exists = notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(delivery.user_id))
        .filter(notifications::Column::EventId.eq(delivery.outbox_event_id))
        .one(db)
        .await?
        .is_some();
    if exists {
        return Ok(());
    }
    let row = notifications::ActiveModel {
        id: NotSet,
        user_id: Set(delivery.user_id),
        store_id: Set(store),
        kind: Set(delivery.kind.clone()),
        priority: Set(delivery.priority.clone()),
        payload: Set(payload.to_string()),
        event_id: Set(Some(delivery.outbox_event_id)),
        read_at: Set(None),
        created_at: Set(now),
    };
    notifications::Entity::insert(row).exec(db).await?;
    Ok(())
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
