//! The `jobs` table: due work claimed under a lease, so it runs once across instances, and
//! named leases for singleton loops (the outbox relay).
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::sea_query::ExprTrait as _;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::kernel::error::Result;
use entity::jobs;
pub use entity::kinds::JobKind;

/// Inserts the row for `key` if it does not exist yet (an existing one is left alone).
pub async fn ensure(
    db: &impl ConnectionTrait,
    key: &str,
    kind: JobKind,
    due_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<()> {
    ensure_with(db, key, kind, "{}", due_at, now).await
}

/// [`ensure`] with the payload a new row starts from.
pub async fn ensure_with(
    db: &impl ConnectionTrait,
    key: &str,
    kind: JobKind,
    payload: &str,
    due_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<()> {
    let row = jobs::ActiveModel {
        id: NotSet,
        kind: Set(kind),
        key: Set(key.to_owned()),
        payload: Set(payload.to_owned()),
        due_at: Set(due_at),
        lease_owner: Set(None),
        lease_until: Set(None),
        attempts: Set(0),
        last_error: Set(None),
        done_at: Set(None),
        created_at: Set(now),
    };
    jobs::Entity::insert(row)
        .on_conflict_do_nothing_on([jobs::Column::Key])
        .exec(db)
        .await?;
    Ok(())
}

fn lease_free(owner: &str, now: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(jobs::Column::LeaseUntil.is_null())
        .add(jobs::Column::LeaseUntil.lt(now))
        .add(jobs::Column::LeaseOwner.eq(owner))
}

/// Takes or renews the lease `key` for `owner`. True when `owner` holds it afterwards.
pub async fn try_lease(
    db: &impl ConnectionTrait,
    key: &str,
    owner: &str,
    now: DateTime<Utc>,
    ttl: Duration,
) -> Result<bool> {
    ensure(db, key, JobKind::Lease, now, now).await?;
    let res = jobs::Entity::update_many()
        .col_expr(jobs::Column::LeaseOwner, Expr::value(owner))
        .col_expr(jobs::Column::LeaseUntil, Expr::value(now + ttl))
        .filter(jobs::Column::Key.eq(key))
        .filter(lease_free(owner, now))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// An update that lets go of a row's lease.
fn unleased() -> sea_orm::UpdateMany<jobs::Entity> {
    jobs::Entity::update_many()
        .col_expr(
            jobs::Column::LeaseOwner,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            jobs::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
}

pub async fn release_lease(db: &impl ConnectionTrait, key: &str, owner: &str) -> Result<()> {
    unleased()
        .filter(jobs::Column::Key.eq(key))
        .filter(jobs::Column::LeaseOwner.eq(owner))
        .exec(db)
        .await?;
    Ok(())
}

/// Claims one due, unfinished job of one of `kinds` for `owner` until `now + ttl`.
pub async fn claim_due(
    db: &impl ConnectionTrait,
    kinds: &[JobKind],
    owner: &str,
    now: DateTime<Utc>,
    ttl: Duration,
) -> Result<Option<jobs::Model>> {
    let candidates = jobs::Entity::find()
        .filter(jobs::Column::Kind.is_in(kinds.iter().copied()))
        .filter(jobs::Column::DoneAt.is_null())
        .filter(jobs::Column::DueAt.lte(now))
        .filter(lease_free(owner, now))
        .order_by_asc(jobs::Column::DueAt)
        .all(db)
        .await?;
    for job in candidates {
        // The conditional update is the claim: of several instances, one wins.
        let res = jobs::Entity::update_many()
            .col_expr(jobs::Column::LeaseOwner, Expr::value(owner))
            .col_expr(jobs::Column::LeaseUntil, Expr::value(now + ttl))
            .col_expr(
                jobs::Column::Attempts,
                Expr::col(jobs::Column::Attempts).add(1),
            )
            .filter(jobs::Column::Id.eq(job.id))
            .filter(jobs::Column::DoneAt.is_null())
            // Still due: another instance may have run it and rescheduled it since we looked.
            .filter(jobs::Column::DueAt.lte(now))
            .filter(lease_free(owner, now))
            .exec(db)
            .await?;
        if res.rows_affected == 1 {
            return Ok(jobs::Entity::find_by_id(job.id).one(db).await?);
        }
    }
    Ok(None)
}

/// Ends a claimed job: `next_due` reschedules a recurring one, `None` marks it done.
/// `error` is recorded for a failed run.
pub async fn complete(
    db: &impl ConnectionTrait,
    job: &jobs::Model,
    owner: &str,
    now: DateTime<Utc>,
    next_due: Option<DateTime<Utc>>,
    error: Option<String>,
) -> Result<()> {
    let mut update = unleased().col_expr(jobs::Column::LastError, Expr::value(error));
    update = match next_due {
        Some(due) => update.col_expr(jobs::Column::DueAt, Expr::value(due)),
        None => update.col_expr(jobs::Column::DoneAt, Expr::value(Some(now))),
    };
    update
        .filter(jobs::Column::Id.eq(job.id))
        .filter(jobs::Column::LeaseOwner.eq(owner))
        .exec(db)
        .await?;
    Ok(())
}
