//! Telegram update de-duplication. Telegram delivers an update again when it did not see it
//! acknowledged (a crash, a webhook timeout), and with several instances two may get the same
//! one; whoever claims `(bot_id, update_id)` first handles it.
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, TryInsertResult,
};

use crate::kernel::error::Result;
use entity::processed_updates;

/// Records the update as processed. `false` when it already was: the caller must skip it.
///
/// Runs in the caller's transaction if given one, so a handler that fails (and rolls back)
/// leaves the update unclaimed for the retry. A duplicate is answered by `ON CONFLICT DO
/// NOTHING` rather than a caught unique violation, which would abort a PostgreSQL transaction.
/// A second claimer of the same pair waits for the first one's transaction to end.
pub async fn claim(
    db: &impl ConnectionTrait,
    bot_id: i64,
    update_id: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    let row = processed_updates::ActiveModel {
        id: NotSet,
        bot_id: Set(bot_id),
        update_id: Set(update_id),
        processed_at: Set(now),
    };
    let res = processed_updates::Entity::insert(row)
        .on_conflict_do_nothing_on([
            processed_updates::Column::BotId,
            processed_updates::Column::UpdateId,
        ])
        .exec(db)
        .await?;
    Ok(match res {
        TryInsertResult::Inserted(_) => true,
        TryInsertResult::Conflicted | TryInsertResult::Empty => false,
    })
}

/// Records many updates as processed at once; those claimed before are left as they are.
pub async fn claim_many(
    db: &impl ConnectionTrait,
    bot_id: i64,
    update_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<()> {
    let rows = update_ids
        .iter()
        .map(|&update_id| processed_updates::ActiveModel {
            id: NotSet,
            bot_id: Set(bot_id),
            update_id: Set(update_id),
            processed_at: Set(now),
        });
    processed_updates::Entity::insert_many(rows)
        .on_conflict_do_nothing_on([
            processed_updates::Column::BotId,
            processed_updates::Column::UpdateId,
        ])
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Whether the update was already claimed.
pub async fn seen(db: &impl ConnectionTrait, bot_id: i64, update_id: i64) -> Result<bool> {
    let n = processed_updates::Entity::find()
        .filter(processed_updates::Column::BotId.eq(bot_id))
        .filter(processed_updates::Column::UpdateId.eq(update_id))
        .count(db)
        .await?;
    Ok(n > 0)
}

/// Forgets updates processed before `older_than` (Telegram keeps undelivered updates for 24
/// hours, so anything older can never come again). Returns how many were removed.
pub async fn prune(db: &impl ConnectionTrait, older_than: DateTime<Utc>) -> Result<u64> {
    let res = processed_updates::Entity::delete_many()
        .filter(processed_updates::Column::ProcessedAt.lt(older_than))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// Records, in the caller's transaction, the Telegram update an action answers. If that update
/// was handled before, the action is refused with `DuplicateUpdate` and the transaction rolls
/// back: a redelivered update changes nothing.
pub async fn claim_for(
    db: &impl ConnectionTrait,
    actor: &crate::Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    match actor.update {
        Some((bot_id, update_id)) if !claim(db, bot_id, update_id, now).await? => {
            Err(crate::Error::DuplicateUpdate)
        }
        _ => Ok(()),
    }
}
