//! The pages. Each room ends with its routes; `staff_routes` sit behind the login check.
mod audit;
mod csv;
mod customers;
mod deliveries;
mod events;
mod inbox;
mod orders;
mod people;
mod product_csv;
mod product_photo;
mod products;
mod queue;
pub(crate) mod receipts;
mod sessions;
mod stores;
mod texts;
mod updates;

use axum::Router;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;

use crate::auth::{self, Person, STORE, Staff, qr};
use crate::page::{Frame, StoreChoice, Tr};
use crate::{AppError, AppState};

pub fn public_routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(qr::page))
        .route("/login/status", get(qr::status))
        .route("/health", get(|| async { "ok" }))
}

pub fn staff_routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/queue") }))
        .route("/logout", post(qr::logout))
        .route("/store", post(switch_store))
        .merge(queue::routes())
        .merge(orders::routes())
        .merge(customers::routes())
        .merge(people::routes())
        .merge(products::routes())
        .merge(product_csv::routes())
        .merge(product_photo::routes())
        .merge(receipts::routes())
        .merge(sessions::routes())
        .merge(events::routes())
        .merge(inbox::routes())
        .merge(deliveries::routes())
        .merge(updates::routes())
        .merge(audit::routes())
        .merge(stores::routes())
}

/// Staff routes that take file uploads: they bring their own body limit, the app's 1 MiB being
/// far too small for them.
pub fn upload_routes() -> Router<AppState> {
    product_photo::upload_routes().merge(product_csv::upload_routes())
}

#[derive(Deserialize)]
struct StoreForm {
    store: i64,
}

/// The store switcher: only stores the person works in.
async fn switch_store(
    staff: Staff,
    jar: CookieJar,
    axum::Form(form): axum::Form<StoreForm>,
) -> Result<Response, AppError> {
    if !staff.stores.contains(&domain::StoreId(form.store)) {
        return Err(AppError::NotFound);
    }
    let jar = jar.add(auth::cookie(STORE, form.store.to_string(), 365 * 24 * 3600));
    Ok((jar, Redirect::to("/queue")).into_response())
}

/// The frame around a staff page: name, store switcher, what the role may do.
pub(crate) async fn frame(state: &AppState, staff: &Staff) -> Result<Frame, AppError> {
    frame_of(state, staff, Some(staff.store)).await
}

/// The frame for a person who may have no store yet (an OWNER on first run).
pub(crate) async fn frame_of(
    state: &AppState,
    staff: &Person,
    store: Option<domain::StoreId>,
) -> Result<Frame, AppError> {
    let db = &state.ctx.db;
    let mut stores = Vec::new();
    for id in &staff.stores {
        let s = domain::stores::load(db, *id).await?;
        stores.push(StoreChoice {
            id: s.id,
            name: s.name,
            current: Some(*id) == store,
        });
    }
    let role = match store {
        Some(store) => domain::kernel::policy::role_in(db, staff.id(), store).await?,
        None => None,
    };
    let may = |cap| role.is_some_and(|r| domain::kernel::policy::allows(r, cap));
    let can_decide = may(domain::Capability::DecidePayments);
    let administers = may(domain::Capability::ManageStore);
    let user_name = domain::people::users::name_of(&staff.user);
    let unread = domain::messaging::centre::unread(db, staff.id()).await?;
    Ok(Frame {
        tr: Tr(staff.lang),
        user_name,
        stores,
        can_decide,
        administers,
        unread,
        assets: crate::assets::version(),
        sandbox: state.sandbox.is_some(),
    })
}

/// The bytes of an upload form's file field `name` (empty if it is missing); other fields are
/// skipped.
pub(crate) async fn file_field(
    mut form: axum::extract::Multipart,
    name: &str,
) -> Result<Vec<u8>, axum::extract::multipart::MultipartError> {
    while let Some(field) = form.next_field().await? {
        if field.name() == Some(name) {
            return Ok(field.bytes().await?.to_vec());
        }
    }
    Ok(Vec::new())
}
