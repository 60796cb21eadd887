//! Product photos. What staff upload goes through the receipt screening (magic bytes, size cap,
//! dimension and allocation limits, the truncated-JPEG check) and is then decoded and encoded
//! afresh as a JPEG of at most [`MAX_SIDE`] pixels: no metadata, no trailing payload, nothing of
//! the uploaded file survives but its pixels. The result is stored under its own sha256, so a
//! photo's key names exactly the bytes customers are shown.
//!
//! Blobs are never deleted here: keys are content addressed and may be shared by products, and
//! a photo written just before a failed transaction is merely unused.
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait, QuerySelect};
use serde::Serialize;
use tokio::sync::Semaphore;

use crate::kernel::actor::Actor;
use crate::kernel::error::{Error, Result};
use crate::kernel::ids::{ProductId, StoreId};
use crate::kernel::policy::{self, Capability};
use crate::platform::events::{DomainEvent, outbox};
use crate::{Ctx, in_tx, platform::audit};
use entity::products;
use files::FileKind;
use files::inspect::{self, Limits, Rejection};
use files::store::{FileStore, photo_key};

/// The longest side of a stored photo, in pixels.
pub const MAX_SIDE: u32 = 1280;

/// Telegram refuses photos whose sides differ by more than this factor.
const MAX_ASPECT: u32 = 20;

/// Photos decoded at once, whoever uploads them: each decode may take up to
/// [`Limits::max_alloc`] of memory.
static DECODES: Semaphore = Semaphore::const_new(2);

/// The receipt limits, with [`Limits::thumb_size`] as the longest side of the stored photo.
pub fn limits() -> Limits {
    Limits {
        thumb_size: MAX_SIDE,
        ..Limits::default()
    }
}

pub use super::photo_problem::PhotoProblem;

impl From<Rejection> for PhotoProblem {
    fn from(r: Rejection) -> Self {
        match r {
            Rejection::Empty => PhotoProblem::Empty,
            Rejection::TooBig { max_bytes } => PhotoProblem::TooBig { max_bytes },
            Rejection::UnsupportedType | Rejection::ActiveContent => PhotoProblem::NotAnImage,
            Rejection::TooLarge => PhotoProblem::TooLarge,
            Rejection::Unreadable => PhotoProblem::Unreadable,
        }
    }
}

/// Screens `bytes` and encodes the image afresh: a JPEG no larger than `limits.thumb_size` on
/// its longest side, oriented, transparency on white. Decoding runs on the blocking pool.
pub async fn reencode(bytes: Vec<u8>, limits: &Limits) -> Result<Vec<u8>, PhotoProblem> {
    if bytes.is_empty() {
        return Err(PhotoProblem::Empty);
    }
    if bytes.len() > limits.max_bytes {
        return Err(PhotoProblem::TooBig {
            max_bytes: limits.max_bytes,
        });
    }
    // Receipts may be PDFs; photos may not, and a PDF is never parsed here.
    match inspect::sniff(&bytes) {
        Some(FileKind::Jpeg | FileKind::Png | FileKind::Webp) => {}
        Some(FileKind::Pdf) | None => return Err(PhotoProblem::NotAnImage),
    }
    let permit = DECODES
        .acquire()
        .await
        .map_err(|_| PhotoProblem::Unreadable)?;
    let inspected = inspect::inspect(bytes, limits).await;
    drop(permit);
    let inspected = inspected?;
    let (Some(width), Some(height)) = (inspected.width, inspected.height) else {
        return Err(PhotoProblem::Unreadable);
    };
    if width.max(height) > width.min(height).saturating_mul(MAX_ASPECT) {
        return Err(PhotoProblem::Shape);
    }
    inspected.thumbnail.ok_or(PhotoProblem::Unreadable)
}

/// The product, if `actor` may manage the catalog of its store; to anyone without a role there
/// it does not exist.
async fn authorized(
    db: &impl ConnectionTrait,
    actor: &Actor,
    product: products::Model,
) -> Result<products::Model> {
    match policy::require(
        db,
        actor,
        StoreId(product.store_id),
        Capability::ManageCatalog,
    )
    .await
    {
        Ok(_) => Ok(product),
        Err(Error::NotFound { .. }) => Err(Error::NotFound { what: "product" }),
        Err(e) => Err(e),
    }
}

async fn find(db: &impl ConnectionTrait, id: ProductId) -> Result<products::Model> {
    super::products::load(db, id).await
}

/// Replaces the product's photo with the uploaded image, re-encoded. Staff with catalog rights
/// in the product's store only; a product of another store is `NotFound`.
pub async fn set(
    ctx: &Ctx,
    files: &dyn FileStore,
    limits: &Limits,
    actor: &Actor,
    id: ProductId,
    bytes: Vec<u8>,
) -> Result<products::Model> {
    // Asked before decoding, so that no one else can make the server decode anything.
    authorized(&ctx.db, actor, find(&ctx.db, id).await?).await?;
    let jpeg = reencode(bytes, limits).await.map_err(Error::Photo)?;
    let key = photo_key(&inspect::sha256_hex(&jpeg))?;
    files.put(&key, jpeg).await?;
    change(ctx, actor, id, Some(key), "product.photo.set").await
}

/// Takes the photo off the product (the card is then sent as text).
pub async fn remove(ctx: &Ctx, actor: &Actor, id: ProductId) -> Result<products::Model> {
    change(ctx, actor, id, None, "product.photo.remove").await
}

/// The stored photo of a product, for staff of its store.
pub async fn get(
    ctx: &Ctx,
    files: &dyn FileStore,
    actor: &Actor,
    id: ProductId,
) -> Result<Vec<u8>> {
    let product = authorized(&ctx.db, actor, find(&ctx.db, id).await?).await?;
    let key = product.photo_key.ok_or(Error::NotFound { what: "photo" })?;
    files
        .get(&key)
        .await?
        .ok_or(Error::NotFound { what: "photo" })
}

#[derive(Serialize)]
struct Snapshot<'a> {
    photo_key: Option<&'a str>,
}

fn snapshot(p: &products::Model) -> Option<serde_json::Value> {
    audit::snapshot(&Snapshot {
        photo_key: p.photo_key.as_deref(),
    })
}

async fn change(
    ctx: &Ctx,
    actor: &Actor,
    id: ProductId,
    key: Option<String>,
    action: &str,
) -> Result<products::Model> {
    let now = ctx.now();
    in_tx!(&ctx.db, |txn| async {
        // Locked, so concurrent changes queue up and each audit entry's "before" is what the
        // one before it left. (SQLite has no row locks; its one-connection pool serialises.)
        let locked = products::Entity::find_by_id(id.0)
            .lock_exclusive()
            .one(&txn)
            .await?
            .ok_or(Error::NotFound { what: "product" })?;
        let before = authorized(&txn, actor, locked).await?;
        if before.photo_key == key {
            return Ok(before);
        }
        let mut row: products::ActiveModel = before.clone().into();
        row.photo_key = Set(key.clone());
        row.updated_at = Set(now);
        let after = row.update(&txn).await?;
        let store = StoreId(after.store_id);
        let entry = audit::Entry {
            store: Some(store),
            action,
            object_type: "product",
            object_id: after.id.to_string(),
            before: snapshot(&before),
            after: snapshot(&after),
        };
        audit::record(&txn, now, actor, entry).await?;
        let event = DomainEvent::ProductSaved {
            product_id: id,
            store_id: store,
        };
        outbox::record(&txn, now, &event).await?;
        Ok(after)
    }
    .await)
}
