//! The notification center: in-app notifications for staff (new receipts to check, low stock,
//! the daily digest), written from the planned `in_app` deliveries, read and marked read in
//! the backoffice.
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::kernel::error::Result;
use crate::messaging::deliveries::{DeliveryChannel, plan, send};
use crate::{Ctx, UserId, in_tx};
use entity::notifications;

mod payload;

pub use payload::Payload;

/// A notification center entry as read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    pub id: i64,
    /// The store the notification is about, if any.
    pub store_id: Option<i64>,
    pub payload: Payload,
    pub read_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

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
    notice: &crate::messaging::notifications::Notice,
    now: DateTime<Utc>,
) -> Result<()> {
    // The notification center shows staff's kinds only (see `deliveries::KINDS`).
    let Some(payload) = Payload::of(&notice.what) else {
        return Ok(());
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
        store_id: Set(delivery.store_id),
        kind: Set(payload.kind().name.to_owned()),
        priority: Set(delivery.priority.clone()),
        payload: Set(payload.to_column()?),
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

/// The newest notifications of a user. A row whose payload does not read as its kind is
/// logged and left out, never shown as something else.
pub async fn latest(
    db: &impl ConnectionTrait,
    user: UserId,
    limit: u64,
) -> Result<Vec<Notification>> {
    let rows = notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(user.0))
        .order_by_desc(notifications::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(readable).collect())
}

fn readable(row: notifications::Model) -> Option<Notification> {
    match Payload::read(&row.kind, &row.payload) {
        Ok(payload) => Some(Notification {
            id: row.id,
            store_id: row.store_id,
            payload,
            read_at: row.read_at,
            created_at: row.created_at,
        }),
        Err(e) => {
            tracing::warn!(
                notification = row.id,
                kind = %row.kind,
                error = %e,
                "notification payload does not read as its kind; not shown"
            );
            None
        }
    }
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
