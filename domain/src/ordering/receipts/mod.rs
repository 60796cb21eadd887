//! Receipts: what a customer sent as proof of payment. This module records the file's
//! metadata and moves the order into review; the file pipeline (sniffing, limits, thumbnails,
//! storage) feeds it.
mod submit;

pub use submit::{Submitted, TelegramFile, submit};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::kernel::actor::Actor;
use crate::kernel::error::{Error, Result};
use crate::kernel::ids::{OrderId, ReceiptId, StoreId};
use crate::ordering::orders::status::{OrderStatus, OrderStatusExt as _};
use crate::ordering::orders::{self, status_of};
use crate::platform::events::{DomainEvent, outbox};
use crate::{Ctx, in_tx};
use entity::receipts;
use files::FileKind;

#[derive(Clone, Debug)]
pub struct NewReceipt {
    pub order: OrderId,
    pub kind: FileKind,
    /// Hex sha256 of the original bytes.
    pub sha256: String,
    pub size_bytes: i64,
    pub storage_key: Option<String>,
    pub telegram_file_id: Option<String>,
    pub telegram_file_unique_id: Option<String>,
    pub width: Option<i32>,
    pub height: Option<i32>,
}

fn valid_sha256(s: &str) -> bool {
    s.len() == 64
        && s.chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
}

/// Attaches a receipt to the customer's own order (awaiting payment or already in review;
/// more receipts may follow). A receipt whose bytes or Telegram file were already used on
/// another order is flagged as a possible duplicate, not refused.
pub async fn attach(ctx: &Ctx, actor: &Actor, new: &NewReceipt) -> Result<receipts::Model> {
    if !valid_sha256(&new.sha256) {
        return Err(Error::Invalid { field: "sha256" });
    }
    if new.size_bytes <= 0 {
        return Err(Error::Invalid { field: "size" });
    }
    let now = ctx.now();
    let result = in_tx!(&ctx.db, |txn| attach_in(&txn, now, actor, new).await);
    match result {
        Err(Error::Conflict) => {
            let order = orders::load(&ctx.db, new.order).await?;
            let from = status_of(&order)?;
            Err(Error::InvalidTransition {
                from,
                to: OrderStatus::PaymentReview,
            })
        }
        other => other,
    }
}

async fn attach_in(
    txn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    actor: &Actor,
    new: &NewReceipt,
) -> Result<receipts::Model> {
    crate::platform::updates::claims::claim_for(txn, actor, now).await?;
    let (order, status) = receivable(txn, actor, new.order).await?;
    let duplicate_of = find_duplicate(txn, &order, new).await?;
    let row = receipts::ActiveModel {
        id: NotSet,
        order_id: Set(order.id),
        store_id: Set(order.store_id),
        uploaded_by: Set(order.customer_id),
        storage_key: Set(new.storage_key.clone()),
        sha256: Set(new.sha256.clone()),
        telegram_file_id: Set(new.telegram_file_id.clone()),
        telegram_file_unique_id: Set(new.telegram_file_unique_id.clone()),
        mime: Set(new.kind.mime().to_owned()),
        size_bytes: Set(new.size_bytes),
        width: Set(new.width),
        height: Set(new.height),
        status: Set(crate::ReceiptStatus::Pending),
        decided_by: Set(None),
        decided_at: Set(None),
        reason: Set(None),
        duplicate_of_receipt_id: Set(duplicate_of.map(|r| r.0)),
        created_at: Set(now),
    };
    let id = receipts::Entity::insert(row)
        .exec(txn)
        .await?
        .last_insert_id;
    if status == OrderStatus::AwaitingPayment {
        let details = crate::ordering::orders::transition_details();
        orders::apply_transition(
            txn,
            now,
            actor,
            &order,
            OrderStatus::PaymentReview,
            &details,
        )
        .await?;
    } else {
        crate::ordering::orders::record_history(txn, now, &order, "receipt_attached", actor)
            .await?;
    }
    let event = DomainEvent::ReceiptAttached {
        receipt_id: ReceiptId(id),
        order_id: OrderId(order.id),
        store_id: StoreId(order.store_id),
        number: order.number,
        duplicate_of,
    };
    outbox::record(txn, now, &event).await?;
    receipts::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or(Error::NotFound { what: "receipt" })
}

/// The order a receipt from `actor` is for, if it takes one: the customer's own (anyone else is
/// told it does not exist), in a state that accepts a receipt.
async fn receivable(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: OrderId,
) -> Result<(entity::orders::Model, OrderStatus)> {
    let order = orders::load(db, id).await?;
    if actor.user_id().map(|u| u.0) != Some(order.customer_id) {
        return Err(Error::NotFound { what: "order" });
    }
    let status = status_of(&order)?;
    if !status.accepts_receipt() {
        return Err(Error::InvalidTransition {
            from: status,
            to: OrderStatus::PaymentReview,
        });
    }
    Ok((order, status))
}

/// The earliest receipt on another order with the same bytes or the same Telegram file.
async fn find_duplicate(
    db: &impl ConnectionTrait,
    order: &entity::orders::Model,
    new: &NewReceipt,
) -> Result<Option<ReceiptId>> {
    let mut same = Condition::any().add(receipts::Column::Sha256.eq(new.sha256.clone()));
    if let Some(u) = &new.telegram_file_unique_id {
        same = same.add(receipts::Column::TelegramFileUniqueId.eq(u.clone()));
    }
    let hit = receipts::Entity::find()
        .filter(receipts::Column::OrderId.ne(order.id))
        .filter(same)
        .order_by_asc(receipts::Column::Id)
        .one(db)
        .await?;
    Ok(hit.map(|r| ReceiptId(r.id)))
}

/// The receipts of an order, oldest first.
pub async fn of_order(db: &impl ConnectionTrait, order: OrderId) -> Result<Vec<receipts::Model>> {
    Ok(receipts::Entity::find()
        .filter(receipts::Column::OrderId.eq(order.0))
        .order_by_asc(receipts::Column::Id)
        .all(db)
        .await?)
}
