//! Orders: placing, the payment decision, fulfilment, expiry and the lists.
pub mod decide;
pub mod fulfil;
pub mod place;
pub mod queries;
pub mod status;
mod steps;
mod transition;

pub use place::{Delivery, NewOrder, place};
pub use steps::{Standing, Step, available_steps, available_steps_each, steps_for};

use sea_orm::{ConnectionTrait, EntityTrait};

use crate::kernel::error::{Error, Result};
use crate::kernel::ids::OrderId;
use entity::orders;

/// Loads an order or answers `NotFound`.
pub(crate) async fn load(db: &impl ConnectionTrait, id: OrderId) -> Result<orders::Model> {
    orders::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .ok_or(Error::NotFound { what: "order" })
}

/// The typed status of a stored order: now simply `order.status` (the column is typed, and a
/// stored word outside the vocabulary already fails the read with `Error::Internal`). Kept
/// for callers written before; new code reads `order.status`.
pub fn status_of(order: &orders::Model) -> Result<status::OrderStatus> {
    Ok(order.status)
}

/// The order, if `actor` may take `step` on it now (one of its [`available_steps`]); else the
/// error taking it would give. For adapters that ask something first (a reason) before the step.
pub async fn allowed(
    db: &impl ConnectionTrait,
    actor: &crate::Actor,
    order: OrderId,
    step: Step,
) -> Result<orders::Model> {
    Ok(transition::checked(db, actor, order, step).await?.0)
}

/// For other modules that move an order as a side effect (a receipt arriving).
pub(crate) fn transition_details() -> transition::Details {
    transition::Details::default()
}

pub(crate) async fn apply_transition(
    txn: &impl ConnectionTrait,
    now: chrono::DateTime<chrono::Utc>,
    actor: &crate::Actor,
    order: &orders::Model,
    to: status::OrderStatus,
    details: &transition::Details,
) -> Result<orders::Model> {
    transition::apply(txn, now, actor, order, to, details, None, false).await
}

/// A timeline row that does not change the status.
pub(crate) async fn record_history(
    txn: &impl ConnectionTrait,
    now: chrono::DateTime<chrono::Utc>,
    order: &orders::Model,
    action: &str,
    actor: &crate::Actor,
) -> Result<()> {
    transition::history(
        txn,
        now,
        OrderId(order.id),
        action,
        Some(order.status),
        order.status,
        actor,
        None,
    )
    .await
}
