//! Everything after (or instead of) payment: cancel, ship, complete, refund, expiry, and
//! taking an order into work.
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::sea_query::ExprTrait as _;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::load;
use super::status::{OrderStatus, OrderStatusExt as _};
use super::steps::{Step, standing};
use super::transition::{Details, history, perform};
use crate::kernel::actor::Actor;
use crate::kernel::error::{Error, Result};
use crate::kernel::ids::{OrderId, StoreId, UserId};
use crate::kernel::policy::Capability;
use crate::platform::events::{DomainEvent, outbox};
use crate::{Ctx, in_tx, people::users, platform::audit};
use entity::orders;

/// Cancels and releases the reserved stock: the customer before review, ADMIN+ before payment.
pub async fn cancel(
    ctx: &Ctx,
    actor: &Actor,
    order: OrderId,
    reason: Option<&str>,
) -> Result<orders::Model> {
    perform(ctx, actor, order, Step::Cancel, Details::reason(reason)).await
}

/// `paid -> shipped`, taking the goods out of stock; the tracking number is optional.
pub async fn ship(
    ctx: &Ctx,
    actor: &Actor,
    order: OrderId,
    tracking: Option<&str>,
) -> Result<orders::Model> {
    let details = Details {
        reason: None,
        tracking: tracking.map(str::to_owned),
    };
    perform(ctx, actor, order, Step::Ship, details).await
}

/// `shipped -> completed`: staff, or the customer confirming they got it.
pub async fn complete(ctx: &Ctx, actor: &Actor, order: OrderId) -> Result<orders::Model> {
    perform(ctx, actor, order, Step::Complete, Details::default()).await
}

/// `paid | shipped -> refunded`; before shipping the reservation is released.
pub async fn refund(
    ctx: &Ctx,
    actor: &Actor,
    order: OrderId,
    reason: &str,
) -> Result<orders::Model> {
    perform(
        ctx,
        actor,
        order,
        Step::Refund,
        Details::reason(Some(reason)),
    )
    .await
}

/// Cancels every order still awaiting payment past its deadline. Safe to run on several
/// instances at once: each order is cancelled (and its stock released) exactly once.
pub async fn expire_unpaid(ctx: &Ctx, limit: u64) -> Result<usize> {
    let now = ctx.now();
    let due: Vec<i64> = orders::Entity::find()
        .select_only()
        .column(orders::Column::Id)
        .filter(orders::Column::Status.eq(OrderStatus::AwaitingPayment))
        .filter(orders::Column::PaymentDueAt.lt(now))
        .order_by_asc(orders::Column::PaymentDueAt)
        .limit(limit)
        .into_tuple()
        .all(&ctx.db)
        .await?;
    let system = Actor::system();
    let mut expired = 0;
    for id in due {
        let details = Details::reason(Some("expired"));
        match perform(ctx, &system, OrderId(id), Step::Cancel, details).await {
            Ok(_) => expired += 1,
            // Paid, cancelled or sent a receipt meanwhile: nothing to expire.
            Err(Error::InvalidTransition { .. } | Error::AlreadyDecided { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(expired)
}

/// Takes the order into work for the acting staff member.
pub async fn take(ctx: &Ctx, actor: &Actor, order: OrderId) -> Result<orders::Model> {
    let now = ctx.now();
    let result = in_tx!(&ctx.db, |txn| assign(&txn, now, actor, order, true, None)
        .await);
    match result {
        // Someone took it between our read and our update.
        Err(Error::Conflict) => match load(&ctx.db, order).await?.assignee_id {
            Some(other) if Some(UserId(other)) != actor.user_id() => {
                let by = users::display_name(&ctx.db, UserId(other))
                    .await?
                    .unwrap_or_default();
                Err(Error::AlreadyTaken { by })
            }
            _ => Err(Error::Conflict),
        },
        other => other,
    }
}

/// Releases an order from work, with a reason. Only the assignee, or ADMIN+, may.
pub async fn release(
    ctx: &Ctx,
    actor: &Actor,
    order: OrderId,
    reason: &str,
) -> Result<orders::Model> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::ReasonRequired);
    }
    let now = ctx.now();
    in_tx!(&ctx.db, |txn| assign(
        &txn,
        now,
        actor,
        order,
        false,
        Some(reason)
    )
    .await)
}

async fn assign(
    txn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    actor: &Actor,
    order_id: OrderId,
    taking: bool,
    reason: Option<&str>,
) -> Result<orders::Model> {
    crate::platform::updates::claims::claim_for(txn, actor, now).await?;
    let order = load(txn, order_id).await?;
    if !standing(txn, actor, &order).await?.may(Capability::Fulfil) {
        return Err(Error::Forbidden);
    }
    let me = actor.user_id().ok_or(Error::Forbidden)?;
    let status = order.status;
    if status.is_terminal() {
        return Err(Error::InvalidTransition {
            from: status,
            to: status,
        });
    }
    let current = order.assignee_id.map(UserId);
    let mut update = orders::Entity::update_many()
        .col_expr(
            orders::Column::Version,
            Expr::col(orders::Column::Version).add(1),
        )
        .col_expr(orders::Column::UpdatedAt, Expr::value(now))
        .filter(orders::Column::Id.eq(order.id));
    if taking {
        if let Some(other) = current.filter(|u| *u != me) {
            let by = users::display_name(txn, other).await?.unwrap_or_default();
            return Err(Error::AlreadyTaken { by });
        }
        update = update
            .col_expr(orders::Column::AssigneeId, Expr::value(me.0))
            .filter(
                orders::Column::AssigneeId
                    .is_null()
                    .or(orders::Column::AssigneeId.eq(me.0)),
            );
    } else {
        let Some(holder) = current else {
            return Err(Error::NotAssignee);
        };
        if holder != me {
            // Releasing someone else's work is an ADMIN+ decision.
            crate::kernel::policy::require(
                txn,
                actor,
                StoreId(order.store_id),
                Capability::DecidePayments,
            )
            .await?;
        }
        update = update
            .col_expr(orders::Column::AssigneeId, Expr::value(Option::<i64>::None))
            .filter(orders::Column::AssigneeId.eq(holder.0));
    }
    if update.exec(txn).await?.rows_affected != 1 {
        return Err(Error::Conflict);
    }
    let (action, assignee) = if taking {
        ("assigned", Some(me))
    } else {
        ("released", None)
    };
    history(
        txn,
        now,
        order_id,
        action,
        Some(status),
        status,
        actor,
        reason.map(str::to_owned),
    )
    .await?;
    audit::record(
        txn,
        now,
        actor,
        audit::Entry {
            store: Some(StoreId(order.store_id)),
            action: if taking {
                "order.take"
            } else {
                "order.release"
            },
            object_type: "order",
            object_id: order.number.to_string(),
            before: Some(serde_json::json!({ "assignee": current })),
            after: Some(serde_json::json!({ "assignee": assignee, "reason": reason })),
        },
    )
    .await?;
    outbox::record(
        txn,
        now,
        &DomainEvent::OrderAssigned {
            order_id,
            store_id: StoreId(order.store_id),
            number: order.number,
            assignee,
        },
    )
    .await?;
    load(txn, order_id).await
}
