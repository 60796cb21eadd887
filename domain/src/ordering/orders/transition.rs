//! The one way an order changes state: authorise, conditional update, side effects on stock
//! and receipts, history, audit and outbox — all in the caller's transaction.
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::sea_query::ExprTrait as _;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use super::status::{OrderStatus, OrderStatusExt as _, rule};
use super::steps::{Standing, Step, standing, steps_for};
use super::{load, status_of};
use crate::catalog::stock;
use crate::kernel::actor::Actor;
use crate::kernel::error::{Error, Result};
use crate::kernel::ids::{OrderId, StoreId, UserId};
use crate::platform::events::{DomainEvent, outbox};
use crate::{Ctx, in_tx, people::users, platform::audit};
use entity::{order_history, order_items, orders, receipts};

impl Step {
    fn is_payment_decision(self) -> bool {
        matches!(self, Step::Verify | Step::Reject)
    }

    fn needs_reason(self) -> bool {
        matches!(self, Step::Reject | Step::Refund)
    }

    fn action(self) -> &'static str {
        match self {
            Step::Verify => "order.verify",
            Step::Reject => "order.reject",
            Step::Cancel => "order.cancel",
            Step::Ship => "order.ship",
            Step::Complete => "order.complete",
            Step::Refund => "order.refund",
        }
    }
}

/// Extra details a step carries.
#[derive(Clone, Debug, Default)]
pub(crate) struct Details {
    pub reason: Option<String>,
    pub tracking: Option<String>,
}

impl Details {
    pub fn reason(reason: Option<&str>) -> Self {
        Self {
            reason: reason.map(str::to_owned),
            tracking: None,
        }
    }
}

/// Runs `step` on the order in its own transaction, retried on deadlock. A lost race comes
/// back as `AlreadyDecided` (payment decisions) or `InvalidTransition`.
pub(crate) async fn perform(
    ctx: &Ctx,
    actor: &Actor,
    order_id: OrderId,
    step: Step,
    details: Details,
) -> Result<orders::Model> {
    let details = Details {
        reason: clean(details.reason),
        tracking: clean(details.tracking),
    };
    if step.needs_reason() && details.reason.is_none() {
        return Err(Error::ReasonRequired);
    }
    let now = ctx.now();
    let result = in_tx!(&ctx.db, |txn| perform_in(
        &txn, now, actor, order_id, step, &details
    )
    .await);
    match result {
        Err(Error::Conflict) => {
            let order = load(&ctx.db, order_id).await?;
            Err(refusal(&ctx.db, &order, step).await)
        }
        other => other,
    }
}

fn clean(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

async fn perform_in(
    txn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    actor: &Actor,
    order_id: OrderId,
    step: Step,
    details: &Details,
) -> Result<orders::Model> {
    crate::platform::updates::claims::claim_for(txn, actor, now).await?;
    let (order, standing) = checked(txn, actor, order_id, step).await?;
    let (from, to) = (status_of(&order)?, step.target());
    // Audited when taken as staff: the actor holds the table's capability for it.
    let as_staff = rule(from, to).is_some_and(|r| standing.may(r.staff));
    apply(
        txn,
        now,
        actor,
        &order,
        to,
        details,
        Some(step.action()),
        as_staff,
    )
    .await
}

/// Loads the order if `actor` may take `step` on it now, by the answer [`steps_for`] gives
/// the adapters; else why not: `Forbidden` for a step this actor never takes, otherwise the
/// order's state ([`refusal`]).
pub(crate) async fn checked(
    db: &impl ConnectionTrait,
    actor: &Actor,
    order_id: OrderId,
    step: Step,
) -> Result<(orders::Model, Standing)> {
    let order = load(db, order_id).await?;
    let standing = standing(db, actor, &order).await?;
    if steps_for(standing, status_of(&order)?).contains(&step) {
        return Ok((order, standing));
    }
    if !standing.ever_takes(step) {
        return Err(Error::Forbidden);
    }
    Err(refusal(db, &order, step).await)
}

/// Moves `order` from its current status to `to`. Fails with `Conflict` if someone else
/// changed it since it was read.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn apply(
    txn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    actor: &Actor,
    order: &orders::Model,
    to: OrderStatus,
    details: &Details,
    audit_action: Option<&str>,
    audited: bool,
) -> Result<orders::Model> {
    let from = status_of(order)?;
    let mut update = orders::Entity::update_many()
        .col_expr(orders::Column::Status, Expr::value(to))
        .col_expr(
            orders::Column::Version,
            Expr::col(orders::Column::Version).add(1),
        )
        .col_expr(orders::Column::UpdatedAt, Expr::value(now));
    if to == OrderStatus::Shipped {
        update = update.col_expr(
            orders::Column::TrackingNumber,
            Expr::value(details.tracking.clone()),
        );
    }
    let res = update
        .filter(orders::Column::Id.eq(order.id))
        .filter(orders::Column::Status.eq(from))
        .filter(orders::Column::Version.eq(order.version))
        .exec(txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(Error::Conflict);
    }
    let actor_id = actor.user_id();
    let order_id = OrderId(order.id);
    if from.holds_stock() && !to.holds_stock() {
        let items = order_items::Entity::find()
            .filter(order_items::Column::OrderId.eq(order.id))
            .order_by_asc(order_items::Column::ProductId)
            .all(txn)
            .await?;
        let shipping = to == OrderStatus::Shipped;
        for item in items {
            stock::settle(txn, now, &item, order_id, actor_id, shipping).await?;
        }
    }
    decide_receipts(txn, now, order, from, to, actor_id, details).await?;
    history(
        txn,
        now,
        order_id,
        "status_changed",
        Some(from),
        to,
        actor,
        details.reason.clone(),
    )
    .await?;
    if audited && let Some(action) = audit_action {
        audit::record(
            txn,
            now,
            actor,
            audit::Entry {
                store: Some(StoreId(order.store_id)),
                action,
                object_type: "order",
                object_id: order.number.to_string(),
                before: Some(serde_json::json!({ "status": from })),
                after: Some(serde_json::json!({
                    "status": to, "reason": details.reason, "tracking": details.tracking
                })),
            },
        )
        .await?;
    }
    outbox::record(
        txn,
        now,
        &DomainEvent::OrderStatusChanged {
            order_id,
            store_id: StoreId(order.store_id),
            number: order.number,
            from,
            to,
            actor: actor_id,
            channel: actor.channel,
            reason: details.reason.clone(),
        },
    )
    .await?;
    load(txn, order_id).await
}

/// Verifying accepts the receipts under review; rejecting rejects them with the reason.
async fn decide_receipts(
    txn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    order: &orders::Model,
    from: OrderStatus,
    to: OrderStatus,
    actor: Option<UserId>,
    details: &Details,
) -> Result<()> {
    let verdict = match (from, to) {
        (OrderStatus::PaymentReview, OrderStatus::Paid) => "accepted",
        (OrderStatus::PaymentReview, OrderStatus::AwaitingPayment) => "rejected",
        _ => return Ok(()),
    };
    receipts::Entity::update_many()
        .col_expr(receipts::Column::Status, Expr::value(verdict))
        .col_expr(receipts::Column::DecidedBy, Expr::value(actor.map(|u| u.0)))
        .col_expr(receipts::Column::DecidedAt, Expr::value(now))
        .col_expr(
            receipts::Column::Reason,
            Expr::value(details.reason.clone()),
        )
        .filter(receipts::Column::OrderId.eq(order.id))
        .filter(receipts::Column::Status.eq("pending"))
        .exec(txn)
        .await?;
    Ok(())
}

/// Appends one row to the order's timeline.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn history(
    txn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    order: OrderId,
    action: &str,
    from: Option<OrderStatus>,
    to: OrderStatus,
    actor: &Actor,
    reason: Option<String>,
) -> Result<()> {
    let row = order_history::ActiveModel {
        id: NotSet,
        order_id: Set(order.0),
        action: Set(action.to_owned()),
        from_status: Set(from),
        to_status: Set(to),
        actor_user_id: Set(actor.user_id().map(|u| u.0)),
        channel: Set(actor.channel),
        reason: Set(reason),
        created_at: Set(now),
    };
    order_history::Entity::insert(row).exec(txn).await?;
    Ok(())
}

/// Why `step` cannot be taken on `order` as it is now: a payment decision already taken by
/// someone ("already verified by @anna at 14:02"), or simply the wrong state.
pub(crate) async fn refusal(db: &impl ConnectionTrait, order: &orders::Model, step: Step) -> Error {
    let Ok(from) = status_of(order) else {
        return Error::Conflict;
    };
    let to = step.target();
    if step.is_payment_decision() {
        let last = order_history::Entity::find()
            .filter(order_history::Column::OrderId.eq(order.id))
            .filter(order_history::Column::Action.eq("status_changed"))
            .filter(order_history::Column::FromStatus.eq(OrderStatus::PaymentReview))
            .order_by_desc(order_history::Column::Id)
            .one(db)
            .await;
        if let Ok(Some(row)) = last
            && from != OrderStatus::PaymentReview
        {
            let by = match row.actor_user_id {
                Some(id) => users::display_name(db, UserId(id)).await.ok().flatten(),
                None => None,
            };
            return Error::AlreadyDecided {
                status: row.to_status,
                by,
                at: row.created_at,
            };
        }
    }
    Error::InvalidTransition { from, to }
}
