//! The failed-deliveries page: a store's ADMINs (and OWNERs) see the deliveries about their
//! store that gave up, and put them back in line. Deliveries belong to the store their event
//! is about; the recipient's own consent is not asked (they cannot see the page), and a
//! delivery about another store is not found.
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::DeliveryStatus;
use crate::kernel::error::{Error, Result};
use crate::kernel::policy::{self, Capability};
use crate::{Actor, Ctx, StoreId, UserId, in_tx, platform::audit};
use entity::notification_deliveries as deliveries;

/// Who may see and retry a store's deliveries.
const CAPABILITY: Capability = Capability::ManageStore;

/// A failed delivery with its recipient's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failed {
    pub delivery: deliveries::Model,
    pub recipient: String,
}

/// The store's failed deliveries, newest first.
pub async fn failed(
    db: &impl ConnectionTrait,
    actor: &Actor,
    store: StoreId,
    limit: u64,
) -> Result<Vec<Failed>> {
    policy::require(db, actor, store, CAPABILITY).await?;
    let rows = deliveries::Entity::find()
        .filter(deliveries::Column::StoreId.eq(store.0))
        .filter(deliveries::Column::Status.eq(DeliveryStatus::Failed))
        .order_by_desc(deliveries::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for delivery in rows {
        let recipient = crate::people::users::display_name(db, UserId(delivery.user_id))
            .await?
            .unwrap_or_default();
        out.push(Failed {
            delivery,
            recipient,
        });
    }
    Ok(out)
}

/// Puts a failed delivery of `store` back in line to be sent now, with fresh attempts.
/// Retrying one that is no longer failed (someone else retried it) changes nothing and
/// answers false.
pub async fn retry(ctx: &Ctx, actor: &Actor, store: StoreId, id: i64) -> Result<bool> {
    let now = ctx.now();
    in_tx!(&ctx.db, |txn| async {
        policy::require(&txn, actor, store, CAPABILITY).await?;
        let row = deliveries::Entity::find_by_id(id)
            .filter(deliveries::Column::StoreId.eq(store.0))
            .one(&txn)
            .await?
            .ok_or(Error::NotFound { what: "delivery" })?;
        let res = deliveries::Entity::update_many()
            .col_expr(
                deliveries::Column::Status,
                Expr::value(DeliveryStatus::Pending),
            )
            .col_expr(deliveries::Column::Attempts, Expr::value(0))
            .col_expr(deliveries::Column::NextAttemptAt, Expr::value(now))
            .col_expr(
                deliveries::Column::ClaimedUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .filter(deliveries::Column::Id.eq(id))
            .filter(deliveries::Column::Status.eq(DeliveryStatus::Failed))
            .exec(&txn)
            .await?;
        if res.rows_affected == 0 {
            return Ok(false);
        }
        let entry = audit::Entry {
            store: Some(store),
            action: "delivery.retry",
            object_type: "delivery",
            object_id: id.to_string(),
            before: Some(serde_json::json!({
                "status": row.status,
                "attempts": row.attempts,
                "last_error": row.last_error,
            })),
            after: Some(
                serde_json::json!({ "status": DeliveryStatus::Pending.as_str(), "attempts": 0 }),
            ),
        };
        audit::record(&txn, now, actor, entry).await?;
        Ok(true)
    }
    .await)
}
