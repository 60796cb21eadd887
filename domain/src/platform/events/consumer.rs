//! A durable consumer of the outbox: its position is kept in the `jobs` table and only the
//! holder of its lease reads, so each event is handled by one instance, in order, at least once.
use chrono::Duration;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{Published, outbox};
use crate::kernel::error::{Error, Result};
use crate::{Ctx, platform::jobs};
use entity::jobs as jobs_table;

fn cursor_key(consumer: &str) -> String {
    format!("cursor:{consumer}")
}

/// The next events for `consumer`, or `None` when another instance holds its lease.
pub async fn next_batch(
    ctx: &Ctx,
    consumer: &str,
    owner: &str,
    limit: u64,
) -> Result<Option<Vec<Published>>> {
    let now = ctx.now();
    let key = cursor_key(consumer);
    if !jobs::try_lease(&ctx.db, &key, owner, now, Duration::seconds(60)).await? {
        return Ok(None);
    }
    let row = jobs_table::Entity::find()
        .filter(jobs_table::Column::Key.eq(key.as_str()))
        .one(&ctx.db)
        .await?
        .ok_or(Error::Internal("consumer cursor vanished".into()))?;
    let after: i64 = serde_json::from_str::<serde_json::Value>(&row.payload)
        .ok()
        .and_then(|v| v.get("after")?.as_i64())
        .unwrap_or(0);
    Ok(Some(outbox::since(&ctx.db, after, limit).await?))
}

/// Records that `consumer` is done with every event up to `id`.
pub async fn ack(ctx: &Ctx, consumer: &str, owner: &str, id: i64) -> Result<()> {
    let payload = serde_json::json!({ "after": id }).to_string();
    jobs_table::Entity::update_many()
        .col_expr(jobs_table::Column::Payload, Expr::value(payload))
        .filter(jobs_table::Column::Key.eq(cursor_key(consumer)))
        .filter(jobs_table::Column::LeaseOwner.eq(owner))
        .exec(&ctx.db)
        .await?;
    Ok(())
}
