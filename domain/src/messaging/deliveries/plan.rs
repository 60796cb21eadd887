//! Planning: each outbox event becomes one delivery row per recipient and channel their
//! preferences allow. Idempotent by (event, recipient, channel): an event planned again (a
//! replay, a second instance, a crash before the cursor moved) adds nothing.
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::{DeliveryChannel, DeliveryStatus, kind_of, preferences};
use crate::kernel::error::Result;
use crate::messaging::notifications::{Notice, for_event};
use crate::platform::events::{Published, consumer, outbox};
use crate::platform::jobs::JobKind;
use crate::{Ctx, in_tx};
use entity::{jobs, notification_deliveries as deliveries};

pub const CONSUMER: &str = "deliveries";

/// Plans the events not planned yet. Returns how many events were handled, `None` if another
/// instance holds the planner's lease.
pub async fn run_once(ctx: &Ctx, owner: &str) -> Result<Option<usize>> {
    start_where_the_old_notifier_stopped(ctx).await?;
    let Some(batch) = consumer::next_batch(ctx, CONSUMER, owner, 500).await? else {
        return Ok(None);
    };
    let mut done = 0;
    for event in batch {
        plan_event(ctx, &event).await?;
        consumer::ack(ctx, CONSUMER, owner, event.id).await?;
        done += 1;
    }
    Ok(Some(done))
}

/// Before deliveries, the Telegram notifier read the outbox itself under this cursor.
const LEGACY_CURSOR: &str = "cursor:telegram-notifier";

/// On an install upgraded from before deliveries, the planner's first cursor is where the old
/// Telegram notifier stopped, so what it already sent is not sent again. A fresh install (or
/// a planner already started) is left alone.
async fn start_where_the_old_notifier_stopped(ctx: &Ctx) -> Result<()> {
    let key = format!("cursor:{CONSUMER}");
    let find = |key: String| jobs::Entity::find().filter(jobs::Column::Key.eq(key));
    if find(key.clone()).one(&ctx.db).await?.is_some() {
        return Ok(());
    }
    let Some(legacy) = find(LEGACY_CURSOR.to_owned()).one(&ctx.db).await? else {
        return Ok(());
    };
    let now = ctx.now();
    crate::platform::jobs::ensure_with(&ctx.db, &key, JobKind::Lease, &legacy.payload, now, now)
        .await
}

/// Writes the deliveries of one event, in one transaction. Returns how many rows were new.
pub async fn plan_event(ctx: &Ctx, event: &Published) -> Result<usize> {
    let now = ctx.now();
    let store = event.event.store_id().map(|s| s.0);
    in_tx!(&ctx.db, |txn| async {
        let mut added = 0;
        for notice in for_event(&txn, &event.event).await? {
            let kind = kind_of(&notice.what);
            let muted = preferences::muted(&txn, notice.user_id).await?;
            for channel in kind.channels {
                if muted.contains(&(kind.name.to_owned(), channel.as_str().to_owned())) {
                    continue;
                }
                if *channel == DeliveryChannel::Email && !emailed(ctx, &txn, notice.user_id).await?
                {
                    continue;
                }
                let row = deliveries::ActiveModel {
                    id: NotSet,
                    outbox_event_id: Set(event.id),
                    user_id: Set(notice.user_id),
                    store_id: Set(store),
                    channel: Set(channel.as_str().to_owned()),
                    kind: Set(kind.name.to_owned()),
                    priority: Set(kind.priority.as_str().to_owned()),
                    status: Set(DeliveryStatus::Pending),
                    attempts: Set(0),
                    next_attempt_at: Set(now),
                    claimed_by: Set(None),
                    claimed_until: Set(None),
                    last_error: Set(None),
                    sent_at: Set(None),
                    created_at: Set(now),
                };
                let res = deliveries::Entity::insert(row)
                    .on_conflict_do_nothing_on([
                        deliveries::Column::OutboxEventId,
                        deliveries::Column::UserId,
                        deliveries::Column::Channel,
                    ])
                    .exec(&txn)
                    .await?;
                if matches!(res, sea_orm::TryInsertResult::Inserted(_)) {
                    added += 1;
                }
            }
        }
        Ok(added)
    }
    .await)
}

/// Whether an email to `user` is planned at all: only where this deployment sends email and
/// the person set an address (so no email rows pile up where nobody will send them).
async fn emailed(ctx: &Ctx, db: &impl ConnectionTrait, user: i64) -> Result<bool> {
    Ok(ctx.email && preferences::email(db, user).await?.is_some())
}

/// The notice a delivery carries, worked out again from its event (the outbox keeps events,
/// so a delivery stores no copy of the message). `None` if the event no longer names the
/// recipient (e.g. they lost the role meanwhile).
pub async fn notice_of(
    db: &impl ConnectionTrait,
    delivery: &deliveries::Model,
) -> Result<Option<Notice>> {
    let Some(event) = outbox::since(db, delivery.outbox_event_id - 1, 1)
        .await?
        .into_iter()
        .find(|e| e.id == delivery.outbox_event_id)
    else {
        return Ok(None);
    };
    Ok(for_event(db, &event.event)
        .await?
        .into_iter()
        .find(|n| n.user_id == delivery.user_id && kind_of(&n.what).name == delivery.kind))
}

/// The deliveries planned for an event (for tests and diagnostics).
pub async fn of_event(db: &impl ConnectionTrait, event_id: i64) -> Result<Vec<deliveries::Model>> {
    Ok(deliveries::Entity::find()
        .filter(deliveries::Column::OutboxEventId.eq(event_id))
        .all(db)
        .await?)
}
