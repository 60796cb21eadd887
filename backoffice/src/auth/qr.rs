//! Logging in by scanning a QR code with Telegram: the page shows the code, waits without
//! reloading, and lets the browser in once the bot's user approves.
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use domain::kernel::deeplink::DeepLink;
use domain::people::auth::challenge::{self, Poll};
use domain::people::auth::sessions;
use serde::Deserialize;

use super::{ACCESS, PRE_SESSION, Person, REFRESH, cookie, removal, session_cookies};
use crate::error::browser_lang;
use crate::page::Tr;
use crate::{AppError, AppState};

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage {
    tr: Tr,
    qr_svg: String,
    link: String,
    challenge: i64,
    assets: &'static str,
    /// Sandbox mode: the same login opened as the sandbox's OWNER in the sandbox's Telegram.
    sandbox_link: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "login_status.html")]
struct LoginStatus {
    tr: Tr,
    challenge: i64,
    /// "pending", "denied" or "expired".
    state: &'static str,
}

fn user_agent(headers: &HeaderMap) -> String {
    headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .chars()
        .take(512)
        .collect()
}

/// A new login code for this browser.
pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    client: super::ClientIp,
) -> Result<Response, AppError> {
    let ip = client.0;
    let secret = random_secret();
    let ua = user_agent(&headers);
    let ip_text = ip.map(|i| i.to_string());
    let c = challenge::create(&state.ctx, &secret, &ua, ip_text.as_deref()).await?;
    let login = DeepLink::Login(c.token);
    let link = login.url(&state.bot_username)?;
    let sandbox_link = state
        .sandbox
        .as_ref()
        .map(|_| crate::sandbox::login_link(&login))
        .transpose()?;
    let page = LoginPage {
        tr: Tr(browser_lang(&headers)),
        qr_svg: crate::page::qr_svg(&link, 240)?,
        link,
        challenge: c.id,
        assets: crate::assets::version(),
        sandbox_link,
    };
    let jar = jar.add(cookie(
        PRE_SESSION,
        secret,
        challenge::CHALLENGE_TTL_SECS + 60,
    ));
    Ok((jar, page).into_response())
}

fn random_secret() -> String {
    let bytes: [u8; 32] = rand::random();
    base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, bytes)
}

#[derive(Deserialize)]
pub struct StatusQuery {
    c: i64,
}

/// Polled by the login page: still waiting, denied, expired — or in, with the session cookies.
pub async fn status(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    Query(q): Query<StatusQuery>,
    client: super::ClientIp,
) -> Result<Response, AppError> {
    let tr = Tr(browser_lang(&headers));
    let Some(secret) = jar.get(PRE_SESSION).map(|c| c.value().to_owned()) else {
        return Ok(LoginStatus {
            tr,
            challenge: q.c,
            state: "expired",
        }
        .into_response());
    };
    let outcome = match challenge::poll(&state.ctx, q.c, &secret).await {
        Ok(p) => p,
        Err(domain::Error::NotFound { .. }) => Poll::Expired,
        Err(e) => return Err(e.into()),
    };
    let state_name = match outcome {
        Poll::Pending => "pending",
        Poll::Denied => "denied",
        Poll::Expired => "expired",
        Poll::Approved(user) => {
            let ip = client.text();
            let started =
                sessions::start(&state.ctx, user, &user_agent(&headers), ip.as_deref()).await?;
            let jar = session_cookies(
                &state,
                user,
                &started.family,
                Some(started.refresh),
                jar.add(removal(PRE_SESSION)),
            )?;
            return Ok((jar, [("hx-redirect", "/")], "").into_response());
        }
    };
    Ok(LoginStatus {
        tr,
        challenge: q.c,
        state: state_name,
    }
    .into_response())
}

/// Ends this session.
pub async fn logout(
    State(state): State<AppState>,
    person: Person,
    jar: CookieJar,
) -> Result<Response, AppError> {
    sessions::revoke(&state.ctx, person.id(), &person.family).await?;
    let jar = jar.add(removal(ACCESS)).add(removal(REFRESH));
    Ok((jar, Redirect::to("/login")).into_response())
}
