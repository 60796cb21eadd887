//! The payment decision: verify or reject what the customer sent. Staff with
//! `DecidePayments` only; of racing deciders exactly one wins.
use super::steps::Step;
use super::transition::{Details, perform};
use crate::Ctx;
use crate::kernel::actor::Actor;
use crate::kernel::error::{Error, Result};
use crate::kernel::ids::{OrderId, StoreId};
use crate::kernel::policy::{self, Capability};
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

/// What a bulk decision does to each order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    Verify,
    Reject { reason: String },
}

/// How a bulk decision went: decided here, or already decided elsewhere (left as it was).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BulkOutcome {
    pub done: usize,
    pub skipped: usize,
}

/// The most orders one bulk decision may name.
pub const BULK_MAX: usize = 100;

/// Decides several orders at once. The whole request is refused before anything changes when
/// the list is empty or too long, or when any order is unknown or outside the stores where
/// `actor` may decide payments (a foreign id reads as not found). Then each order is decided in
/// its own transaction: one already decided elsewhere is skipped and does not stop the others.
pub async fn bulk(
    ctx: &Ctx,
    actor: &Actor,
    decision: &Decision,
    ids: &[OrderId],
) -> Result<BulkOutcome> {
    if ids.is_empty() || ids.len() > BULK_MAX {
        return Err(Error::Invalid { field: "ids" });
    }
    for id in ids {
        let order = super::load(&ctx.db, *id).await?;
        let store = StoreId(order.store_id);
        policy::require(&ctx.db, actor, store, Capability::DecidePayments)
            .await
            .map_err(|e| match e {
                Error::NotFound { .. } => Error::NotFound { what: "order" },
                other => other,
            })?;
    }
    let mut outcome = BulkOutcome::default();
    for id in ids {
        let result = match decision {
            Decision::Verify => verify(ctx, actor, *id).await,
            Decision::Reject { reason } => reject(ctx, actor, *id, reason).await,
        };
        match result {
            Ok(_) => outcome.done += 1,
            Err(Error::AlreadyDecided { .. } | Error::InvalidTransition { .. }) => {
                outcome.skipped += 1
            }
            Err(e) => return Err(e),
        }
    }
    Ok(outcome)
}
