//! The daily digest for a store's ADMINs and OWNERs: orders placed, revenue and receipts
//! awaiting review, sent once a day at a configured hour (UTC) by the recurring job
//! [`JOB_KIND`] in the jobs table.
//!
//! The job runs for the latest *slot* (the configured hour today, or yesterday before that
//! hour) and covers the 24 hours before it. Each store gets one [`DomainEvent::DailyDigest`]
//! per slot: the event is written with a marker row (unique key `digest:<store>:<slot>`) in
//! one transaction, so a run repeated after a crash, or by a second instance, adds nothing.
//! The next run is the same hour the next day, whenever this one ran.
use chrono::{DateTime, Days, Duration, NaiveTime, Utc};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::{Alias, Expr, Func, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, PaginatorTrait,
    QueryFilter, QuerySelect,
};

use crate::kernel::error::{Error, Result};
use crate::kernel::money::{Currency, Money};
use crate::ordering::orders::status::OrderStatus;
use crate::platform::events::{DomainEvent, outbox};
use crate::platform::jobs::JobKind;
use crate::{Ctx, StoreId, in_tx, platform::jobs as job_rows, stores};
use entity::{jobs, order_history, orders, receipts};

/// The recurring job's kind and key.
pub const JOB_KIND: JobKind = JobKind::DailyDigest;
const JOB_KEY: &str = "recurring:daily_digest";
/// Kind of the per-store, per-slot marker rows.
const SENT_KIND: JobKind = JobKind::DailyDigestSent;
/// The hour used when none is configured.
pub const DEFAULT_HOUR: u32 = 8;

/// A store's figures for the 24 hours before a moment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Figures {
    /// Orders placed in the window.
    pub orders: i64,
    /// Totals of the orders that became paid in the window.
    pub revenue: Money,
    /// Receipts waiting for a decision at the moment the figures are taken.
    pub pending_receipts: i64,
}

/// The figures of `store` for the 24 hours before `until` (from inclusive, until exclusive).
/// Every number is an aggregate made by the database.
pub async fn figures(
    db: &impl ConnectionTrait,
    store: StoreId,
    until: DateTime<Utc>,
) -> Result<Figures> {
    let shop = stores::load(db, store).await?;
    let currency = Currency::parse(&shop.currency)?;
    let from = until - Duration::hours(24);
    let placed = orders::Entity::find()
        .filter(orders::Column::StoreId.eq(store.0))
        .filter(orders::Column::CreatedAt.gte(from))
        .filter(orders::Column::CreatedAt.lt(until))
        .count(db)
        .await?;
    let became_paid = Query::select()
        .column(order_history::Column::OrderId)
        .from(order_history::Entity)
        .and_where(order_history::Column::ToStatus.eq(OrderStatus::Paid))
        .and_where(order_history::Column::CreatedAt.gte(from))
        .and_where(order_history::Column::CreatedAt.lt(until))
        .to_owned();
    let revenue = orders::Entity::find()
        .select_only()
        .column_as(
            Expr::from(Func::cast_as(
                Func::sum(Expr::col(orders::Column::TotalMinor)),
                Alias::new(integer(db)),
            )),
            "minor",
        )
        .filter(orders::Column::StoreId.eq(store.0))
        .filter(orders::Column::Id.in_subquery(became_paid))
        .into_model::<Sum>()
        .one(db)
        .await?
        .and_then(|s| s.minor)
        .unwrap_or(0);
    let in_review = Query::select()
        .column(orders::Column::Id)
        .from(orders::Entity)
        .and_where(orders::Column::StoreId.eq(store.0))
        .and_where(orders::Column::Status.eq(OrderStatus::PaymentReview))
        .to_owned();
    let pending = receipts::Entity::find()
        .filter(receipts::Column::StoreId.eq(store.0))
        .filter(receipts::Column::Status.eq("pending"))
        .filter(receipts::Column::OrderId.in_subquery(in_review))
        .count(db)
        .await?;
    Ok(Figures {
        orders: count(placed)?,
        revenue: Money::new(revenue, currency),
        pending_receipts: count(pending)?,
    })
}

#[derive(Debug, FromQueryResult)]
struct Sum {
    minor: Option<i64>,
}

/// SUM of integers is NUMERIC on PostgreSQL and DECIMAL on MySQL: cast back to 64 bits.
fn integer(db: &impl ConnectionTrait) -> &'static str {
    match db.get_database_backend() {
        DbBackend::MySql => "SIGNED",
        DbBackend::Postgres => "BIGINT",
        _ => "INTEGER",
    }
}

fn count(n: u64) -> Result<i64> {
    i64::try_from(n).map_err(|_| Error::AmountOverflow)
}

/// The latest `hour`:00 UTC at or before `now`.
pub fn latest_slot(now: DateTime<Utc>, hour: u32) -> DateTime<Utc> {
    let time = NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or(NaiveTime::MIN);
    let today = now.date_naive().and_time(time).and_utc();
    if today <= now {
        today
    } else {
        today - Days::new(1)
    }
}

/// The first `hour`:00 UTC after `now`.
pub fn next_slot(now: DateTime<Utc>, hour: u32) -> DateTime<Utc> {
    latest_slot(now, hour) + Days::new(1)
}

fn payload(hour: u32) -> String {
    serde_json::json!({ "hour": hour }).to_string()
}

/// The hour a digest job row was scheduled for.
fn hour_of(job: &jobs::Model) -> u32 {
    serde_json::from_str::<serde_json::Value>(&job.payload)
        .ok()
        .and_then(|v| v["hour"].as_u64())
        .and_then(|h| u32::try_from(h).ok())
        .filter(|h| *h < 24)
        .unwrap_or(DEFAULT_HOUR)
}

/// Makes sure the digest job exists for `hour` (0–23, UTC). A job scheduled for another hour
/// (the setting changed) is moved to the next occurrence of the new one.
pub async fn schedule(ctx: &Ctx, hour: u32) -> Result<()> {
    if hour > 23 {
        return Err(Error::Invalid {
            field: "digest_hour",
        });
    }
    let now = ctx.now();
    let due = next_slot(now, hour);
    job_rows::ensure_with(&ctx.db, JOB_KEY, JOB_KIND, &payload(hour), due, now).await?;
    jobs::Entity::update_many()
        .col_expr(jobs::Column::Payload, Expr::value(payload(hour)))
        .col_expr(jobs::Column::DueAt, Expr::value(due))
        .filter(jobs::Column::Key.eq(JOB_KEY))
        .filter(jobs::Column::Payload.ne(payload(hour)))
        .exec(&ctx.db)
        .await?;
    Ok(())
}

/// Runs the claimed digest job: one digest per store for the latest slot, unless that store
/// has it already. Returns when the job is due next.
pub async fn run(ctx: &Ctx, job: &jobs::Model) -> Result<DateTime<Utc>> {
    let hour = hour_of(job);
    let slot = latest_slot(ctx.now(), hour);
    for shop in stores::list(&ctx.db).await? {
        send_once(ctx, StoreId(shop.id), slot).await?;
    }
    Ok(slot + Days::new(1))
}

/// Writes the digest event of `store` for `slot` unless it was written already. True when
/// this call wrote it.
pub async fn send_once(ctx: &Ctx, store: StoreId, slot: DateTime<Utc>) -> Result<bool> {
    let now = ctx.now();
    in_tx!(&ctx.db, |txn| async {
        let marker = jobs::ActiveModel {
            id: NotSet,
            kind: Set(SENT_KIND),
            key: Set(format!("digest:{}:{}", store.0, slot.format("%Y-%m-%dT%H"))),
            payload: Set("{}".to_owned()),
            due_at: Set(slot),
            lease_owner: Set(None),
            lease_until: Set(None),
            attempts: Set(1),
            last_error: Set(None),
            done_at: Set(Some(now)),
            created_at: Set(now),
        };
        let res = jobs::Entity::insert(marker)
            .on_conflict_do_nothing_on([jobs::Column::Key])
            .exec(&txn)
            .await?;
        if !matches!(res, sea_orm::TryInsertResult::Inserted(_)) {
            return Ok(false);
        }
        let f = figures(&txn, store, slot).await?;
        let event = DomainEvent::DailyDigest {
            store_id: store,
            until: slot,
            orders: f.orders,
            revenue: f.revenue,
            pending_receipts: f.pending_receipts,
        };
        outbox::record(&txn, now, &event).await?;
        Ok(true)
    }
    .await)
}

/// Deletes the markers of slots before `older_than` (the housekeeping job's work).
pub async fn purge_markers(ctx: &Ctx, older_than: DateTime<Utc>) -> Result<u64> {
    let res = jobs::Entity::delete_many()
        .filter(jobs::Column::Kind.eq(SENT_KIND))
        .filter(jobs::Column::DueAt.lt(older_than))
        .exec(&ctx.db)
        .await?;
    Ok(res.rows_affected)
}
