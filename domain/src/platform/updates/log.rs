//! Telegram updates kept from the moment they are fetched until they are handled, so a process
//! killed in between handles them after its restart instead of losing them: long polling
//! tells Telegram an update arrived (by asking for the next ones) before the handlers are
//! done with it, and Telegram never sends it again.
//!
//! An update is written here before it is acknowledged (long polling: before the next
//! `getUpdates`; webhook: before answering 200), handed to the handlers, and marked handled
//! when they finish (whatever their outcome). Updates left unhandled are taken over again
//! ([`take_stale`]); handlers that change anything are de-duplicated by [`crate::platform::updates::claims`], so
//! an update that was in fact handled before the crash changes nothing the second time.
use chrono::{DateTime, Duration, Utc};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::kernel::error::Result;
use entity::telegram_inbox as inbox;

/// Telegram keeps an update for 24 hours; an unhandled one older than that is not replayed.
pub const REPLAY_HOURS: i64 = 24;

/// Keeps a fetched update. True when it is new here; false when it was kept before (Telegram
/// sent it again because the acknowledgement was lost): the caller must not hand it over
/// twice.
pub async fn keep(
    db: &impl ConnectionTrait,
    bot_id: i64,
    update_id: i64,
    payload: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let row = inbox::ActiveModel {
        id: NotSet,
        bot_id: Set(bot_id),
        update_id: Set(update_id),
        payload: Set(payload.to_owned()),
        received_at: Set(now),
        replays: Set(0),
        handled_at: Set(None),
        quarantined_at: Set(None),
    };
    let res = inbox::Entity::insert(row)
        .on_conflict_do_nothing_on([inbox::Column::BotId, inbox::Column::UpdateId])
        .exec(db)
        .await?;
    Ok(matches!(res, sea_orm::TryInsertResult::Inserted(_)))
}

/// Keeps a batch of fetched updates, `(update id, payload)`, in one transaction (one
/// statement to look, one to insert), so a `getUpdates` batch costs two statements rather than
/// one per update. Answers the ids that are new here, in the batch's order, each once: the
/// caller hands over only those (see [`keep`]). Meant for the one process polling a bot;
/// concurrent keepers of the same ids would both see them as new (the insert itself still
/// keeps one row, and handlers that change anything are de-duplicated by claims).
pub async fn keep_batch(
    db: &sea_orm::DatabaseConnection,
    bot_id: i64,
    updates: &[(i64, String)],
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    if updates.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = updates.iter().map(|(id, _)| *id).collect();
    crate::in_tx!(db, |txn| async {
        let known: std::collections::HashSet<i64> = inbox::Entity::find()
            .select_only()
            .column(inbox::Column::UpdateId)
            .filter(inbox::Column::BotId.eq(bot_id))
            .filter(inbox::Column::UpdateId.is_in(ids.clone()))
            .into_tuple::<i64>()
            .all(&txn)
            .await?
            .into_iter()
            .collect();
        let mut fresh = Vec::new();
        let mut rows = Vec::new();
        for (id, payload) in updates {
            if known.contains(id) || fresh.contains(id) {
                continue;
            }
            fresh.push(*id);
            rows.push(inbox::ActiveModel {
                id: NotSet,
                bot_id: Set(bot_id),
                update_id: Set(*id),
                payload: Set(payload.clone()),
                received_at: Set(now),
                replays: Set(0),
                handled_at: Set(None),
                quarantined_at: Set(None),
            });
        }
        inbox::Entity::insert_many(rows)
            .on_conflict_do_nothing_on([inbox::Column::BotId, inbox::Column::UpdateId])
            .exec_without_returning(&txn)
            .await?;
        Ok(fresh)
    }
    .await)
}

/// Marks a batch of updates handled and records the claims asked for (`(update id, claim)`),
/// in one transaction: what [`handled`] and [`super::claims::claim`] do for one update, for
/// every update a busy bot finished since the last write.
pub async fn finish_batch(
    db: &sea_orm::DatabaseConnection,
    bot_id: i64,
    done: &[(i64, bool)],
    now: DateTime<Utc>,
) -> Result<()> {
    if done.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = done.iter().map(|(id, _)| *id).collect();
    let mut claimed: Vec<i64> = done.iter().filter(|d| d.1).map(|d| d.0).collect();
    claimed.sort_unstable();
    claimed.dedup();
    crate::in_tx!(db, |txn| async {
        super::claims::claim_many(&txn, bot_id, &claimed, now).await?;
        inbox::Entity::update_many()
            .col_expr(inbox::Column::HandledAt, Expr::value(Some(now)))
            .filter(inbox::Column::BotId.eq(bot_id))
            .filter(inbox::Column::UpdateId.is_in(ids.clone()))
            .filter(inbox::Column::HandledAt.is_null())
            .exec(&txn)
            .await?;
        Ok(())
    }
    .await)
}

/// Marks an update handled (nothing happens for an update never kept, e.g. from a webhook).
pub async fn handled(
    db: &impl ConnectionTrait,
    bot_id: i64,
    update_id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    inbox::Entity::update_many()
        .col_expr(inbox::Column::HandledAt, Expr::value(Some(now)))
        .filter(inbox::Column::BotId.eq(bot_id))
        .filter(inbox::Column::UpdateId.eq(update_id))
        .filter(inbox::Column::HandledAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Times an update is handed over again after its handler did not finish. One: an update
/// whose handling killed the process, and killed it again when replayed, is a poison update;
/// it is set aside ([`quarantine_stale`]) instead of being replayed into another crash.
pub const MAX_REPLAYS: i32 = 1;

/// Takes over kept updates whose handling has not finished `stale_after` after they were
/// kept (or last taken): the process that had them died. Each is taken by one caller (a
/// conditional update), at most [`MAX_REPLAYS`] times, and only within Telegram's 24 hours;
/// those already replayed that many times are quarantined first. Oldest first, as (update id,
/// payload).
pub async fn take_stale(
    db: &impl ConnectionTrait,
    bot_id: i64,
    now: DateTime<Utc>,
    stale_after: Duration,
    limit: u64,
) -> Result<Vec<(i64, String)>> {
    quarantine_stale(db, bot_id, now, stale_after).await?;
    let rows = stale(bot_id, now, stale_after)
        .filter(inbox::Column::Replays.lt(MAX_REPLAYS))
        .order_by_asc(inbox::Column::UpdateId)
        .limit(limit)
        .all(db)
        .await?;
    let mut taken = Vec::with_capacity(rows.len());
    for row in rows {
        let res = inbox::Entity::update_many()
            .col_expr(inbox::Column::ReceivedAt, Expr::value(now))
            .col_expr(inbox::Column::Replays, Expr::value(row.replays + 1))
            .filter(inbox::Column::Id.eq(row.id))
            .filter(inbox::Column::HandledAt.is_null())
            .filter(inbox::Column::QuarantinedAt.is_null())
            .filter(inbox::Column::Replays.eq(row.replays))
            .exec(db)
            .await?;
        if res.rows_affected == 1 {
            taken.push((row.update_id, row.payload));
        }
    }
    Ok(taken)
}

/// Unhandled, not set aside, and left for `stale_after` within Telegram's 24 hours.
fn stale(bot_id: i64, now: DateTime<Utc>, stale_after: Duration) -> sea_orm::Select<inbox::Entity> {
    inbox::Entity::find()
        .filter(inbox::Column::BotId.eq(bot_id))
        .filter(inbox::Column::HandledAt.is_null())
        .filter(inbox::Column::QuarantinedAt.is_null())
        .filter(inbox::Column::ReceivedAt.lte(now - stale_after))
        .filter(inbox::Column::ReceivedAt.gt(now - Duration::hours(REPLAY_HOURS)))
}

/// Sets aside the updates that were replayed [`MAX_REPLAYS`] times and still did not finish:
/// the replay died too. Returns their update ids.
pub async fn quarantine_stale(
    db: &impl ConnectionTrait,
    bot_id: i64,
    now: DateTime<Utc>,
    stale_after: Duration,
) -> Result<Vec<i64>> {
    let poison = stale(bot_id, now, stale_after)
        .filter(inbox::Column::Replays.gte(MAX_REPLAYS))
        .all(db)
        .await?;
    let mut set_aside = Vec::new();
    for row in poison {
        let res = inbox::Entity::update_many()
            .col_expr(inbox::Column::QuarantinedAt, Expr::value(Some(now)))
            .filter(inbox::Column::Id.eq(row.id))
            .filter(inbox::Column::HandledAt.is_null())
            .filter(inbox::Column::QuarantinedAt.is_null())
            .exec(db)
            .await?;
        if res.rows_affected == 1 {
            tracing::error!(
                update = row.update_id,
                replays = row.replays,
                "a Telegram update killed its handler again when replayed; set aside for staff"
            );
            set_aside.push(row.update_id);
        }
    }
    Ok(set_aside)
}

/// Whether an update is kept and not yet handled (for tests and diagnostics).
pub async fn pending(db: &impl ConnectionTrait, bot_id: i64) -> Result<Vec<i64>> {
    let rows = inbox::Entity::find()
        .filter(inbox::Column::BotId.eq(bot_id))
        .filter(inbox::Column::HandledAt.is_null())
        .order_by_asc(inbox::Column::UpdateId)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| r.update_id).collect())
}

/// Forgets updates received before `older_than`, handled or not (housekeeping).
pub async fn prune(db: &impl ConnectionTrait, older_than: DateTime<Utc>) -> Result<u64> {
    let res = inbox::Entity::delete_many()
        .filter(inbox::Column::ReceivedAt.lt(older_than))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}
