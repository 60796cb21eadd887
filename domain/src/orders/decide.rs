//! The payment decision: verify or reject what the customer sent. Staff with
//! `DecidePayments` only; of racing deciders exactly one wins.
use super::transition::{Details, Step, perform};
use crate::Ctx;
use crate::actor::Actor;
use crate::error::Result;
use crate::ids::OrderId;
use entity::orders;

/// `payment_review -> paid`; the pending receipts become accepted.
pub async fn verify(ctx: &Ctx, actor: &Actor, order: OrderId) -> Result<orders::Model> {
    perform(ctx, actor, order, Step::Verify, Details::default()).await
}

/// `payment_review -> awaiting_payment` with a reason the customer will be told; the
/// customer may send another receipt.
pub async fn reject(
    ctx: &Ctx,
    actor: &Actor,
    order: OrderId,
    reason: &str,
) -> Result<orders::Model> {
    perform(
        ctx,
        actor,
        order,
        Step::Reject,
        Details::reason(Some(reason)),
    )
    .await
}
