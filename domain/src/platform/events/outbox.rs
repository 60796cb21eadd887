//! Writing events in the caller's transaction, and relaying them to the bus.
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::event::{DomainEvent, Published};
use crate::kernel::error::{Error, Result};
use crate::{Ctx, platform::jobs};
use entity::outbox_events;

/// Appends `event` to the outbox inside the caller's transaction: if that rolls back, the
/// event never existed.
pub async fn record(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    event: &DomainEvent,
) -> Result<i64> {
    let payload = serde_json::to_string(event).map_err(|e| Error::Internal(e.to_string()))?;
    let row = outbox_events::ActiveModel {
        id: NotSet,
        event_type: Set(event.event_type().to_owned()),
        store_id: Set(event.store_id().map(|s| s.0)),
        payload: Set(payload),
        created_at: Set(now),
        published_at: Set(None),
    };
    let res = outbox_events::Entity::insert(row).exec(db).await?;
    super::doorbell::recorded();
    Ok(res.last_insert_id)
}

pub fn decode(row: &outbox_events::Model) -> Result<Published> {
    let event = serde_json::from_str(&row.payload).map_err(|e| Error::Internal(e.to_string()))?;
    Ok(Published {
        id: row.id,
        at: row.created_at,
        event,
    })
}

/// Events after `after_id` in id order, for consumers catching up (SSE replay and the like).
pub async fn since(db: &impl ConnectionTrait, after_id: i64, limit: u64) -> Result<Vec<Published>> {
    let rows = outbox_events::Entity::find()
        .filter(outbox_events::Column::Id.gt(after_id))
        .order_by_asc(outbox_events::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    rows.iter().map(decode).collect()
}

/// The newest event's id (0 when the outbox is empty): where a consumer that wants only what
/// happens from now on starts.
pub async fn last_id(db: &impl ConnectionTrait) -> Result<i64> {
    let row = outbox_events::Entity::find()
        .order_by_desc(outbox_events::Column::Id)
        .one(db)
        .await?;
    Ok(row.map(|r| r.id).unwrap_or(0))
}

const RELAY_LEASE: &str = "lease:outbox-relay";

/// One pass of the relay. Only the holder of the relay lease publishes, so events leave in id
/// order even with several instances. Each event is marked published right after the bus took
/// it: a crash in between publishes that one event again (at least once), never loses it.
/// Returns how many events were published.
pub async fn relay_once(ctx: &Ctx, owner: &str, batch: u64) -> Result<usize> {
    let now = ctx.now();
    if !jobs::try_lease(&ctx.db, RELAY_LEASE, owner, now, Duration::seconds(30)).await? {
        return Ok(0);
    }
    let rows = outbox_events::Entity::find()
        .filter(outbox_events::Column::PublishedAt.is_null())
        .order_by_asc(outbox_events::Column::Id)
        .limit(batch)
        .all(&ctx.db)
        .await?;
    let mut sent = 0;
    for row in &rows {
        let published = decode(row)?;
        ctx.bus.publish(&published).await?;
        outbox_events::Entity::update_many()
            .col_expr(
                outbox_events::Column::PublishedAt,
                sea_orm::sea_query::Expr::value(ctx.now()),
            )
            .filter(outbox_events::Column::Id.eq(row.id))
            .exec(&ctx.db)
            .await?;
        sent += 1;
    }
    Ok(sent)
}

/// Lets another instance take over relaying at once (on shutdown).
pub async fn release_relay(ctx: &Ctx, owner: &str) -> Result<()> {
    jobs::release_lease(&ctx.db, RELAY_LEASE, owner).await
}
