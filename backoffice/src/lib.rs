//! The browser backoffice (axum): QR login through the bot, store-scoped pages for payment
//! verification and orders, live updates over SSE. Handlers parse a request, call `domain`, and
//! render a template; every text comes from `locales/`.
mod assets;
pub mod auth;
mod error;
mod html;
mod page;
mod proxy;
mod routes;
mod sandbox;
mod security;
mod sse_hub;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use domain::Ctx;
use domain::people::auth::tokens::JwtKeys;
use files::store::FileStore;

pub use error::AppError;
pub use proxy::{Cidr, TrustedProxies};
pub use sandbox::Sandbox;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub ctx: Ctx,
    pub keys: Arc<JwtKeys>,
    pub files: Arc<dyn FileStore>,
    /// `t.me/<bot_username>?start=login_…` in the QR code.
    pub bot_username: String,
    /// Peers whose `X-Forwarded-For` / `Forwarded` name the client (`server.trusted_proxies`).
    pub proxies: Arc<TrustedProxies>,
    /// How often an open live stream re-checks its session and role and sends a keep-alive.
    pub live_tick: Duration,
    /// Sandbox mode: the Telegram stand-in the bot talks to, played on `/sandbox`.
    pub sandbox: Option<Arc<Sandbox>>,
    /// What every open `/events` stream is fed from.
    hub: Arc<sse_hub::Hub>,
    /// Turns true when the server stops: open live streams end then ([`AppState::with_stop`]).
    stop: tokio::sync::watch::Receiver<bool>,
}

impl AppState {
    pub fn new(ctx: Ctx, jwt_secret: &[u8], files: Arc<dyn FileStore>, bot_username: &str) -> Self {
        Self {
            ctx,
            keys: Arc::new(JwtKeys::new(jwt_secret)),
            files,
            bot_username: bot_username.to_owned(),
            proxies: Arc::new(TrustedProxies::default()),
            live_tick: LIVE_TICK,
            sandbox: None,
            hub: Arc::default(),
            stop: tokio::sync::watch::channel(false).1,
        }
    }

    /// Believes the forwarding headers of these peers (none by default).
    pub fn with_trusted_proxies(mut self, proxies: TrustedProxies) -> Self {
        self.proxies = Arc::new(proxies);
        self
    }

    /// Sandbox mode: `/sandbox` plays Telegram users against this stand-in, and every page
    /// says it is not connected to Telegram.
    pub fn with_sandbox(mut self, sandbox: Sandbox) -> Self {
        self.sandbox = Some(Arc::new(sandbox));
        self
    }

    /// Ends every open live stream (with a hint to reconnect shortly) once `stop` turns true,
    /// so a stopping server is not held open by the browsers' streams. Without it, streams end
    /// only when their client or their access does.
    pub fn with_stop(mut self, stop: tokio::sync::watch::Receiver<bool>) -> Self {
        self.stop = stop;
        self
    }

    /// Resolves once the server is stopping; never, without [`AppState::with_stop`].
    pub(crate) fn stopping(&self) -> impl std::future::Future<Output = ()> + Send + use<> {
        let mut stop = self.stop.clone();
        async move {
            if stop.wait_for(|stopping| *stopping).await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    }

    /// Re-checks open live streams this often (15 s by default).
    pub fn with_live_tick(mut self, tick: Duration) -> Self {
        self.live_tick = tick;
        self
    }
}

/// Short enough that a proxy never closes a quiet stream, and that an ended session or role
/// stops a stream within this long even when no event comes.
const LIVE_TICK: Duration = Duration::from_secs(15);

/// The whole backoffice.
pub fn router(state: AppState) -> Router {
    let require_staff = axum::middleware::from_fn_with_state(state.clone(), auth::require_staff);
    let staff_only = routes::staff_routes().route_layer(require_staff.clone());
    // Merged after the 1 MiB limit is applied: uploads carry a larger limit of their own.
    let uploads = routes::upload_routes().route_layer(require_staff);
    Router::new()
        .merge(routes::public_routes())
        .merge(sandbox::routes())
        .merge(staff_only)
        .merge(assets::routes())
        .fallback(error::not_found)
        .layer(tower_http::limit::RequestBodyLimitLayer::new(1024 * 1024))
        .merge(uploads)
        .merge(sandbox::upload_routes(&state))
        .layer(axum::middleware::from_fn(security::csrf))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            error::localize,
        ))
        .layer(axum::middleware::from_fn(security::headers))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            proxy::resolve,
        ))
        .with_state(state)
}
