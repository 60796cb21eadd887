//! Who is asking: the access JWT (10 minutes) and the rotating refresh token, both in `__Host-`
//! cookies; the session and the staff role are checked on every request, so revoking either
//! ends access at once.
pub mod qr;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use chrono::{DateTime, Utc};
use domain::people::auth::{sessions, tokens};
use domain::{StoreId, UserId};
use i18n::Lang;

pub use crate::proxy::ClientIp;
use crate::{AppError, AppState};

pub const ACCESS: &str = "__Host-vitrina-access";
pub const REFRESH: &str = "__Host-vitrina-refresh";
/// Binds a QR login to the browser that showed the code.
pub const PRE_SESSION: &str = "__Host-vitrina-pre";
/// The store picked in the switcher.
pub const STORE: &str = "__Host-vitrina-store";

/// A logged-in person: a session that stands and some staff role. Every staff page has one;
/// only an OWNER before the first store has no [`Staff`] beside it.
#[derive(Clone, Debug)]
pub struct Person {
    pub user: entity::users::Model,
    pub lang: Lang,
    pub family: String,
    /// The stores they work in (every store for an OWNER).
    pub stores: Vec<StoreId>,
    /// When the access token the request came in with expires: a live stream ends then.
    pub until: DateTime<Utc>,
}

impl Person {
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

/// A logged-in staff member working in a store, available to every handler behind
/// [`require_staff`]; the person's fields and methods are reached through it.
#[derive(Clone, Debug)]
pub struct Staff {
    pub person: Person,
    /// The store the pages show.
    pub store: StoreId,
}

impl std::ops::Deref for Staff {
    type Target = Person;

    fn deref(&self) -> &Person {
        &self.person
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Staff {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        if let Some(staff) = parts.extensions.get::<Staff>() {
            return Ok(staff.clone());
        }
        if parts.extensions.get::<Person>().is_some() {
            // Logged in, but there is no store yet to show.
            return Err(AppError::NoStore);
        }
        Err(AppError::Unauthorized)
    }
}

/// `Option<Staff>`: for the pages a person without a store may see too.
impl<S: Send + Sync> axum::extract::OptionalFromRequestParts<S> for Staff {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<Staff>().cloned())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Person {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Person>()
            .cloned()
            .ok_or(AppError::Unauthorized)
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
/// the login page. Cookies are cleared only when they were sent and are no good: a request
/// without them (a link from another site) leaves the browser's alone, and a failure of ours
/// (the database is down) is an error page that keeps them.
pub async fn require_staff(
    State(state): State<AppState>,
    jar: CookieJar,
    client: ClientIp,
    mut req: Request,
    next: Next,
) -> Response {
    let navigating = wants_page(req.headers());
    let presented: Vec<&'static str> = [ACCESS, REFRESH]
        .into_iter()
        .filter(|name| jar.get(name).is_some())
        .collect();
    match authenticate(&state, jar, client.text()).await {
        Ok((person, store, jar)) => {
            let lang = person.lang;
            if let Some(store) = store {
                req.extensions_mut().insert(Staff {
                    person: person.clone(),
                    store,
                });
            }
            req.extensions_mut().insert(person);
            let mut res = next.run(req).await;
            res.extensions_mut().insert(lang);
            (jar, res).into_response()
        }
        Err((AppError::Unauthorized, _)) => {
            let jar = presented
                .into_iter()
                .fold(CookieJar::new(), |jar, name| jar.add(removal(name)));
            if navigating {
                (jar, AppError::Unauthorized).into_response()
            } else {
                // htmx, SSE and scripts get a plain 401 (htmx follows HX-Redirect to the login).
                let headers = [(axum::http::HeaderName::from_static("hx-redirect"), "/login")];
                (axum::http::StatusCode::UNAUTHORIZED, jar, headers).into_response()
            }
        }
        // Tokens rotated before the failure travel with the error page, or the browser would
        // be left holding a used refresh token.
        Err((error, jar)) => (jar, error).into_response(),
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

/// The person behind the cookies and the store their pages show (none for an OWNER before the
/// first store). An error comes with the cookies to send anyway.
async fn authenticate(
    state: &AppState,
    jar: CookieJar,
    ip: Option<String>,
) -> Result<(Person, Option<StoreId>, CookieJar), (AppError, CookieJar)> {
    let from_access = jar
        .get(ACCESS)
        .and_then(|c| tokens::verify_access(&state.keys, c.value()).ok());
    let (user, family, until, jar) = match from_access {
        Some(claims) => {
            let user = claims.user().map_err(|e| (e.into(), jar.clone()))?;
            let until = DateTime::from_timestamp(claims.exp, 0).unwrap_or_else(|| state.ctx.now());
            (user, claims.sid, until, jar)
        }
        None => {
            let Some(refresh) = jar.get(REFRESH).map(|c| c.value().to_owned()) else {
                return Err((AppError::Unauthorized, jar));
            };
            let (user, family, refresh) =
                match sessions::refresh(&state.ctx, &refresh, ip.as_deref()).await {
                    Ok(sessions::Refreshed::Rotated {
                        refresh,
                        user,
                        family,
                    }) => (user, family, Some(refresh)),
                    Ok(sessions::Refreshed::Grace { user, family }) => (user, family, None),
                    Err(e) => return Err((e.into(), jar)),
                };
            let until = state.ctx.now() + chrono::Duration::seconds(tokens::ACCESS_TTL_SECS);
            match session_cookies(state, user, &family, refresh, jar.clone()) {
                Ok(jar) => (user, family, until, jar),
                Err(e) => return Err((e, jar)),
            }
        }
    };
    match person(state, user, family, until, &jar).await {
        Ok((person, store)) => Ok((person, store, jar)),
        Err(e) => Err((e, jar)),
    }
}

async fn person(
    state: &AppState,
    user: UserId,
    family: String,
    until: DateTime<Utc>,
    jar: &CookieJar,
) -> Result<(Person, Option<StoreId>), AppError> {
    if !sessions::is_active(&state.ctx, user, &family).await? {
        return Err(AppError::Unauthorized);
    }
    let db = &state.ctx.db;
    let stores = domain::kernel::policy::staff_stores(db, user).await?;
    let chosen = jar
        .get(STORE)
        .and_then(|c| c.value().parse::<i64>().ok())
        .map(StoreId);
    let store = domain::people::users::pick_store(chosen, &stores);
    // No store: only an OWNER before creating the first one is let in (to create it).
    if store.is_none() && !domain::kernel::policy::is_owner(db, user).await? {
        return Err(AppError::Unauthorized);
    }
    let user = <entity::users::Entity as sea_orm::EntityTrait>::find_by_id(user.0)
        .one(db)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let lang = Lang::from_tag(&user.language);
    let person = Person {
        user,
        lang,
        family,
        stores,
        until,
    };
    Ok((person, store))
}
