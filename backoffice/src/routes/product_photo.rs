//! A product's photo (catalog staff of its store): upload, remove, and the JPEG itself, served
//! like receipt files. What is stored and shown is always the domain's re-encoded JPEG, never
//! the uploaded bytes.
use axum::Router;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::ProductId;
use domain::catalog::photo::{self, PhotoProblem};

use crate::auth::{ClientIp, Staff};
use crate::error::ErrorPage;
use crate::{AppError, AppState};

/// The form field that carries the file.
const FIELD: &str = "photo";

/// Room for the multipart boundaries and headers around the file.
const FORM_OVERHEAD: usize = 64 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/products/{id}/photo", get(show))
        .route("/products/{id}/photo/delete", post(remove))
}

/// The upload, with a body limit of its own: the photo size cap and the form around it.
pub fn upload_routes() -> Router<AppState> {
    let limit = photo::limits().max_bytes + FORM_OVERHEAD;
    Router::new().route(
        "/products/{id}/photo",
        post(upload).layer(DefaultBodyLimit::max(limit)),
    )
}

/// The photo size cap in whole MiB, for the upload form's hint.
pub(super) fn max_mb() -> String {
    photo::limits().max_bytes.div_ceil(1024 * 1024).to_string()
}

fn unreadable_form() -> AppError {
    AppError::Domain(domain::Error::Photo(PhotoProblem::Unreadable))
}

/// A translated "too big" page (or htmx fragment), with the status that says so.
fn too_large() -> Response {
    let error = domain::Error::Photo(PhotoProblem::TooBig {
        max_bytes: photo::limits().max_bytes,
    });
    let mut res = StatusCode::PAYLOAD_TOO_LARGE.into_response();
    res.extensions_mut().insert(ErrorPage {
        status: StatusCode::PAYLOAD_TOO_LARGE,
        key: error.key(),
        args: error.args(),
    });
    res
}

async fn upload(
    State(state): State<AppState>,
    staff: Staff,
    client: ClientIp,
    Path(id): Path<i64>,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let form = form.map_err(|_| unreadable_form())?;
    let bytes = match super::file_field(form, FIELD).await {
        Ok(bytes) => bytes,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Ok(too_large()),
        Err(e) => {
            tracing::debug!(error = %e, "unreadable photo upload form");
            return Err(unreadable_form());
        }
    };
    let actor = staff.actor(client.text());
    let files = state.files.as_ref();
    photo::set(
        &state.ctx,
        files,
        &photo::limits(),
        &actor,
        ProductId(id),
        bytes,
    )
    .await?;
    Ok(Redirect::to(&format!("/products/{id}")).into_response())
}

async fn remove(
    State(state): State<AppState>,
    staff: Staff,
    client: ClientIp,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    photo::remove(&state.ctx, &staff.actor(client.text()), ProductId(id)).await?;
    Ok(Redirect::to(&format!("/products/{id}")).into_response())
}

async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let actor = staff.actor(None);
    let bytes = photo::get(&state.ctx, state.files.as_ref(), &actor, ProductId(id)).await?;
    Ok(super::receipts::serve(
        bytes,
        "image/jpeg",
        format!("product-{id}.jpg"),
        true,
    ))
}
