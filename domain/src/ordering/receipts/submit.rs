//! A receipt arriving, in one call: the order must take it before any file is kept.
use super::{NewReceipt, attach, receivable};
use crate::Ctx;
use crate::kernel::actor::Actor;
use crate::kernel::error::Result;
use crate::kernel::ids::OrderId;
use entity::receipts;
use files::Inspected;
use files::store::{self as storage, FileStore};

/// The Telegram file a receipt came as (its unique id spots the same file sent for another
/// order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TelegramFile {
    pub file_id: String,
    pub unique_id: String,
}

/// What a submitted receipt became.
#[derive(Clone, Debug)]
pub struct Submitted {
    pub receipt: receipts::Model,
    /// The order's number, for the answer.
    pub number: i64,
}

/// Takes the receipt `actor` sent for their order. The order must exist, be theirs and accept a
/// receipt before anything is kept; then the file is stored under its content-derived keys and
/// attached in one transaction ([`attach`]), which checks the order again.
pub async fn submit(
    ctx: &Ctx,
    actor: &Actor,
    order: OrderId,
    inspected: &Inspected,
    telegram: Option<TelegramFile>,
    files: &dyn FileStore,
) -> Result<Submitted> {
    let (target, _) = receivable(&ctx.db, actor, order).await?;
    let stored = storage::store(files, inspected).await?;
    let (telegram_file_id, telegram_file_unique_id) = match telegram {
        Some(f) => (Some(f.file_id), Some(f.unique_id)),
        None => (None, None),
    };
    let new = NewReceipt {
        order,
        kind: inspected.kind,
        sha256: inspected.sha256.clone(),
        size_bytes: i64::try_from(inspected.size).unwrap_or(i64::MAX),
        storage_key: Some(stored.key),
        telegram_file_id,
        telegram_file_unique_id,
        width: inspected.width.and_then(|w| i32::try_from(w).ok()),
        height: inspected.height.and_then(|h| i32::try_from(h).ok()),
    };
    let receipt = attach(ctx, actor, &new).await?;
    Ok(Submitted {
        receipt,
        number: target.number,
    })
}
