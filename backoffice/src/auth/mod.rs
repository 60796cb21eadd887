//! Who is asking: the access JWT (10 minutes) and the rotating refresh token, both in `__Host-`
//! cookies; the session and the staff role are checked on every request, so revoking either
//! ends access at once.
pub mod qr;

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use domain::auth::{sessions, tokens};
use domain::{StoreId, UserId};
use i18n::Lang;

use crate::{AppError, AppState};

pub const ACCESS: &str = "__Host-vitrina-access";
pub const REFRESH: &str = "__Host-vitrina-refresh";
/// Binds a QR login to the browser that showed the code.
pub const PRE_SESSION: &str = "__Host-vitrina-pre";
/// The store picked in the switcher.
pub const STORE: &str = "__Host-vitrina-store";

/// A logged-in staff member, available to every handler behind [`require_staff`].
#[derive(Clone, Debug)]
pub struct Staff {
    pub user: entity::users::Model,
    pub lang: Lang,
    pub family: String,
    /// The stores they work in (every store for an OWNER).
    pub stores: Vec<StoreId>,
    /// The store the pages show.
    pub store: StoreId,
}

impl Staff {
    pub fn id(&self) -> UserId {
        UserId(self.user.id)
    }

    pub fn actor(&self, ip: Option<String>) -> domain::Actor {
        let actor = domain::Actor::user(self.id(), domain::Channel::Web);
        match ip {
            Some(ip) => actor.with_origin(ip),
            None => actor,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Staff {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Staff>()
            .cloned()
            .ok_or(AppError::Unauthorized)
    }
}

/// The client's address, as the audit log records it (absent when the server was not started
/// with connection info, as in router tests).
#[derive(Clone, Debug)]
pub struct ClientIp(pub Option<std::net::IpAddr>);

impl ClientIp {
    pub fn text(&self) -> Option<String> {
        self.0.map(|ip| ip.to_string())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}

pub fn cookie(name: &'static str, value: String, max_age_secs: i64) -> Cookie<'static> {
    Cookie::build((name, value))
        .http_only(true)
        .secure(true)
        .same_site(SameSite::Strict)
        .path("/")
        .max_age(time::Duration::seconds(max_age_secs))
        .build()
}

pub fn removal(name: &'static str) -> Cookie<'static> {
    cookie(name, String::new(), 0)
}

/// Cookies for a fresh access token, and a new refresh token when there is one.
pub fn session_cookies(
    state: &AppState,
    user: UserId,
    family: &str,
    refresh: Option<String>,
    jar: CookieJar,
) -> Result<CookieJar, AppError> {
    let access = tokens::issue_access(&state.keys, user, family, state.ctx.now())?;
    let mut jar = jar.add(cookie(ACCESS, access, tokens::ACCESS_TTL_SECS));
    if let Some(refresh) = refresh {
        jar = jar.add(cookie(
            REFRESH,
            refresh,
            sessions::REFRESH_TTL_DAYS * 24 * 3600,
        ));
    }
    Ok(jar)
}

/// Lets staff through, refreshing an expired access token on the way; everyone else goes to
/// the login page.
pub async fn require_staff(
    State(state): State<AppState>,
    jar: CookieJar,
    mut req: Request,
    next: Next,
) -> Response {
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    let navigating = wants_page(req.headers());
    match authenticate(&state, jar, ip).await {
        Ok((staff, jar)) => {
            let lang = staff.lang;
            req.extensions_mut().insert(staff);
            let mut res = next.run(req).await;
            res.extensions_mut().insert(lang);
            (jar, res).into_response()
        }
        Err(_) => {
            let jar = CookieJar::new().add(removal(ACCESS)).add(removal(REFRESH));
            if navigating {
                (jar, AppError::Unauthorized).into_response()
            } else {
                // htmx, SSE and scripts get a plain 401 (htmx follows HX-Redirect to the login).
                let headers = [(axum::http::HeaderName::from_static("hx-redirect"), "/login")];
                (axum::http::StatusCode::UNAUTHORIZED, jar, headers).into_response()
            }
        }
    }
}

/// A person navigating to a page (not htmx, SSE or a script): they are sent to the login page.
fn wants_page(headers: &axum::http::HeaderMap) -> bool {
    let accept = headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    !headers.contains_key("hx-request")
        && (accept.is_empty() || accept.contains("text/html") || accept.contains("*/*"))
}

async fn authenticate(
    state: &AppState,
    jar: CookieJar,
    ip: Option<String>,
) -> Result<(Staff, CookieJar), AppError> {
    let from_access = jar
        .get(ACCESS)
        .and_then(|c| tokens::verify_access(&state.keys, c.value()).ok());
    let (user, family, jar) = match from_access {
        Some(claims) => (claims.user()?, claims.sid, jar),
        None => {
            let refresh = jar
                .get(REFRESH)
                .map(|c| c.value().to_owned())
                .ok_or(AppError::Unauthorized)?;
            match sessions::refresh(&state.ctx, &refresh, ip.as_deref()).await? {
                sessions::Refreshed::Rotated {
                    refresh,
                    user,
                    family,
                } => {
                    let jar = session_cookies(state, user, &family, Some(refresh), jar)?;
                    (user, family, jar)
                }
                sessions::Refreshed::Grace { user, family } => {
                    let jar = session_cookies(state, user, &family, None, jar)?;
                    (user, family, jar)
                }
            }
        }
    };
    if !sessions::is_active(&state.ctx, user, &family).await? {
        return Err(AppError::Unauthorized);
    }
    let db = &state.ctx.db;
    let stores = domain::policy::staff_stores(db, user).await?;
    let chosen = jar
        .get(STORE)
        .and_then(|c| c.value().parse::<i64>().ok())
        .map(StoreId);
    let store = chosen
        .filter(|s| stores.contains(s))
        .or_else(|| stores.first().copied())
        .ok_or(AppError::Unauthorized)?;
    let user = <entity::users::Entity as sea_orm::EntityTrait>::find_by_id(user.0)
        .one(db)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let lang = Lang::from_tag(&user.language);
    Ok((
        Staff {
            user,
            lang,
            family,
            stores,
            store,
        },
        jar,
    ))
}
