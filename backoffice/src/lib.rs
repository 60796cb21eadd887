//! The browser backoffice (axum): QR login through the bot, store-scoped pages for payment
//! verification and orders, live updates over SSE. Handlers parse a request, call `domain`, and
//! render a template; every text comes from `locales/`.
mod assets;
pub mod auth;
mod error;
mod page;
mod routes;
mod security;

use std::sync::Arc;

use axum::Router;
use domain::Ctx;
use domain::auth::tokens::JwtKeys;
use domain::receipts::storage::ReceiptStorage;

pub use error::AppError;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub ctx: Ctx,
    pub keys: Arc<JwtKeys>,
    pub files: Arc<dyn ReceiptStorage>,
    /// `t.me/<bot_username>?start=login_…` in the QR code.
    pub bot_username: String,
}

impl AppState {
    pub fn new(
        ctx: Ctx,
        jwt_secret: &[u8],
        files: Arc<dyn ReceiptStorage>,
        bot_username: &str,
    ) -> Self {
        Self {
            ctx,
            keys: Arc::new(JwtKeys::new(jwt_secret)),
            files,
            bot_username: bot_username.to_owned(),
        }
    }
}

/// The whole backoffice.
pub fn router(state: AppState) -> Router {
    let require_staff = axum::middleware::from_fn_with_state(state.clone(), auth::require_staff);
    let staff_only = routes::staff_routes().route_layer(require_staff.clone());
    // Merged after the 1 MiB limit is applied: uploads carry a larger limit of their own.
    let uploads = routes::upload_routes().route_layer(require_staff);
    Router::new()
        .merge(routes::public_routes())
        .merge(staff_only)
        .merge(assets::routes())
        .fallback(error::not_found)
        .layer(tower_http::limit::RequestBodyLimitLayer::new(1024 * 1024))
        .merge(uploads)
        .layer(axum::middleware::from_fn(security::csrf))
        .layer(axum::middleware::from_fn(error::localize))
        .layer(axum::middleware::from_fn(security::headers))
        .with_state(state)
}
