//! Receipt files, only for staff of the order's store: `Content-Disposition`, `nosniff` and a
//! sandboxing CSP, so a hostile file can neither run nor be taken for a page of ours.
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use files::store;
use sea_orm::EntityTrait;

use crate::auth::Staff;
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/receipts/{id}/file", get(original))
        .route("/receipts/{id}/thumb", get(thumbnail))
}

async fn load(
    state: &AppState,
    staff: &Staff,
    id: i64,
) -> Result<entity::receipts::Model, AppError> {
    let r = entity::receipts::Entity::find_by_id(id)
        .one(&state.ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    // Another store's receipt is "not found", never "forbidden": its existence is not ours to tell.
    let store = domain::StoreId(r.store_id);
    if !staff.stores.contains(&store) {
        return Err(AppError::NotFound);
    }
    domain::kernel::policy::require(
        &state.ctx.db,
        &staff.actor(None),
        store,
        domain::Capability::ViewOrders,
    )
    .await
    .map_err(|_| AppError::NotFound)?;
    Ok(r)
}

/// A stored file as a response that cannot run as a page of ours: its type, inline or as a
/// download under `name`, a sandboxing CSP, kept privately for an hour, never framed by others.
pub(crate) fn serve(bytes: impl IntoResponse, mime: &str, name: String, inline: bool) -> Response {
    let disposition = format!(
        "{}; filename=\"{name}\"",
        if inline { "inline" } else { "attachment" }
    );
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(mime).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
        ),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    h.insert(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("SAMEORIGIN"),
    );
    res
}

async fn original(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let r = load(&state, &staff, id).await?;
    let key = r.storage_key.clone().ok_or(AppError::NotFound)?;
    let bytes = state.files.get(&key).await?.ok_or(AppError::NotFound)?;
    let ext = key.rsplit('.').next().unwrap_or("bin");
    // PDFs open in the browser's sandboxed viewer; images show inline.
    Ok(serve(
        bytes,
        &r.mime,
        format!("receipt-{}.{ext}", r.id),
        true,
    ))
}

async fn thumbnail(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let r = load(&state, &staff, id).await?;
    let key = store::thumb_key(&r.sha256)?;
    let bytes = state.files.get(&key).await?.ok_or(AppError::NotFound)?;
    Ok(serve(
        bytes,
        "image/jpeg",
        format!("receipt-{}-thumb.jpg", r.id),
        true,
    ))
}
