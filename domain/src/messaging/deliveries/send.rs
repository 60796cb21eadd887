//! The sender's side: claim due deliveries of a channel, then mark each sent or failed.
//!
//! A claim is a conditional update (still pending, lease free), so of several instances one
//! wins each row. A sender that dies between claim and mark leaves the row pending with a
//! lease that runs out, after which it is claimed again: at least once, never lost.
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::DeliveryChannel;
use super::DeliveryStatus;
use crate::kernel::error::Result;
use crate::messaging::notifications::Notice;
use entity::notification_deliveries as deliveries;

/// Attempts before a delivery is given up as failed.
pub const MAX_ATTEMPTS: i32 = 5;
/// The wait after the first failure; it doubles with each further one.
pub const BACKOFF_BASE_SECS: i64 = 30;
/// The longest wait between two attempts.
pub const BACKOFF_CAP_SECS: i64 = 3600;

/// How long to wait after the `attempts`-th failure: 30 s × 2^(attempts-1), capped.
pub fn backoff(attempts: i32) -> Duration {
    let exp = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(20);
    Duration::seconds((BACKOFF_BASE_SECS << exp).min(BACKOFF_CAP_SECS))
}

/// Unclaimed, expired, or claimed by `owner` itself: an instance restarted under the same
/// identity (see the app's `instance_id`) takes back at once what it held when it died. One
/// process claims each channel in one pass at a time, so it never races itself.
fn lease_free(now: DateTime<Utc>, owner: &str) -> Condition {
    Condition::any()
        .add(deliveries::Column::ClaimedUntil.is_null())
        .add(deliveries::Column::ClaimedUntil.lt(now))
        .add(deliveries::Column::ClaimedBy.eq(owner))
}

/// Claims up to `limit` due deliveries of `channel` for `owner` until `now + lease`: high
/// priority first, then oldest first.
pub async fn claim(
    db: &impl ConnectionTrait,
    channel: DeliveryChannel,
    owner: &str,
    now: DateTime<Utc>,
    lease: Duration,
    limit: u64,
) -> Result<Vec<deliveries::Model>> {
    let due = deliveries::Entity::find()
        .filter(deliveries::Column::Status.eq(DeliveryStatus::Pending))
        .filter(deliveries::Column::Channel.eq(channel.as_str()))
        .filter(deliveries::Column::NextAttemptAt.lte(now))
        .filter(lease_free(now, owner))
        // 'high' sorts before 'normal'.
        .order_by_asc(deliveries::Column::Priority)
        .order_by_asc(deliveries::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let mut claimed = Vec::with_capacity(due.len());
    for mut row in due {
        let res = deliveries::Entity::update_many()
            .col_expr(deliveries::Column::ClaimedBy, Expr::value(owner))
            .col_expr(deliveries::Column::ClaimedUntil, Expr::value(now + lease))
            .filter(deliveries::Column::Id.eq(row.id))
            .filter(deliveries::Column::Status.eq(DeliveryStatus::Pending))
            .filter(lease_free(now, owner))
            .exec(db)
            .await?;
        if res.rows_affected == 1 {
            row.claimed_by = Some(owner.to_owned());
            row.claimed_until = Some(now + lease);
            claimed.push(row);
        }
    }
    Ok(claimed)
}

/// Records a delivery as sent. Answers false if `owner` no longer holds it.
pub async fn mark_sent(
    db: &impl ConnectionTrait,
    id: i64,
    owner: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let res = deliveries::Entity::update_many()
        .col_expr(
            deliveries::Column::Status,
            Expr::value(DeliveryStatus::Sent),
        )
        .col_expr(deliveries::Column::SentAt, Expr::value(Some(now)))
        .col_expr(
            deliveries::Column::LastError,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            deliveries::Column::ClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(deliveries::Column::Id.eq(id))
        .filter(deliveries::Column::Status.eq(DeliveryStatus::Pending))
        .filter(deliveries::Column::ClaimedBy.eq(owner))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// How a failed attempt ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// Worth trying again later (network, Telegram down).
    Transient,
    /// Will not get better by waiting (the person blocked the bot, the chat is gone).
    Permanent,
}

/// Records a failed attempt: counted, and tried again after a growing wait, or marked
/// `failed` with the reason after [`MAX_ATTEMPTS`] or when permanent. Answers the new status,
/// or `None` if `owner` no longer holds the delivery.
pub async fn mark_failed(
    db: &impl ConnectionTrait,
    id: i64,
    owner: &str,
    now: DateTime<Utc>,
    error: &str,
    failure: Failure,
) -> Result<Option<DeliveryStatus>> {
    let Some(row) = deliveries::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let attempts = row.attempts.saturating_add(1);
    let status = if failure == Failure::Permanent || attempts >= MAX_ATTEMPTS {
        DeliveryStatus::Failed
    } else {
        DeliveryStatus::Pending
    };
    let res = deliveries::Entity::update_many()
        .col_expr(deliveries::Column::Status, Expr::value(status))
        .col_expr(deliveries::Column::Attempts, Expr::value(attempts))
        .col_expr(
            deliveries::Column::NextAttemptAt,
            Expr::value(now + backoff(attempts)),
        )
        .col_expr(
            deliveries::Column::LastError,
            Expr::value(Some(error.to_owned())),
        )
        .col_expr(
            deliveries::Column::ClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(deliveries::Column::Id.eq(id))
        .filter(deliveries::Column::Status.eq(DeliveryStatus::Pending))
        .filter(deliveries::Column::ClaimedBy.eq(owner))
        .filter(deliveries::Column::Attempts.eq(row.attempts))
        .exec(db)
        .await?;
    Ok((res.rows_affected == 1).then_some(status))
}

/// The notice a claimed delivery carries. When its event no longer names the recipient (they
/// lost the role meanwhile, say), or its kind is none this version knows, nothing is sent: the
/// delivery is failed for good, with that reason, and `None` is answered.
pub async fn notice_or_fail(
    db: &impl ConnectionTrait,
    delivery: &deliveries::Model,
    owner: &str,
    now: DateTime<Utc>,
) -> Result<Option<Notice>> {
    let notice = super::plan::notice_of(db, delivery).await?;
    if notice.is_none() {
        let why = match super::find_kind(&delivery.kind) {
            Some(_) => "the recipient is no longer concerned".to_owned(),
            None => format!("unknown kind {:?}", delivery.kind),
        };
        mark_failed(db, delivery.id, owner, now, &why, Failure::Permanent).await?;
    }
    Ok(notice)
}

/// A delivery by id.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Option<deliveries::Model>> {
    Ok(deliveries::Entity::find_by_id(id).one(db).await?)
}
