//! One error type for handlers. It logs what went wrong inside and shows the person only a
//! translated page (or fragment, for htmx) with nothing internal in it.
use askama::Template;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use i18n::{ArgValue, Lang};

use crate::page::Tr;

#[derive(Debug)]
pub enum AppError {
    NotFound,
    Forbidden,
    /// Not logged in (or no longer): the login page.
    Unauthorized,
    /// Logged in, but there is no store yet (an OWNER on first run): the page that creates one.
    NoStore,
    /// A domain refusal to show to the person (already decided, out of stock, …).
    Domain(domain::Error),
    Internal(String),
}

/// A file store that failed: the same answers as the domain gives for it.
impl From<files::StoreError> for AppError {
    fn from(e: files::StoreError) -> Self {
        domain::Error::from(e).into()
    }
}

impl From<domain::Error> for AppError {
    fn from(e: domain::Error) -> Self {
        match e {
            domain::Error::NotFound { .. } => AppError::NotFound,
            domain::Error::Forbidden => AppError::Forbidden,
            domain::Error::Unauthorized => AppError::Unauthorized,
            domain::Error::Db(_) | domain::Error::Internal(_) => AppError::Internal(e.to_string()),
            other => AppError::Domain(other),
        }
    }
}

/// Form text that is none of a vocabulary's words (`Role::parse`): the domain's `Invalid`.
impl From<entity::kinds::Unknown> for AppError {
    fn from(e: entity::kinds::Unknown) -> Self {
        domain::Error::from(e).into()
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(e: sea_orm::DbErr) -> Self {
        AppError::Internal(e.to_string())
    }
}

/// What the localizing layer renders: status, i18n key and arguments.
#[derive(Clone, Debug)]
pub struct ErrorPage {
    pub status: StatusCode,
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let page = match &self {
            AppError::NotFound => ErrorPage {
                status: StatusCode::NOT_FOUND,
                key: "web-error-404",
                args: vec![],
            },
            AppError::Forbidden => ErrorPage {
                status: StatusCode::FORBIDDEN,
                key: "web-error-403",
                args: vec![],
            },
            AppError::Unauthorized => {
                return (
                    StatusCode::SEE_OTHER,
                    [
                        (header::LOCATION, "/login"),
                        (axum::http::HeaderName::from_static("hx-redirect"), "/login"),
                    ],
                )
                    .into_response();
            }
            AppError::NoStore => {
                return (
                    StatusCode::SEE_OTHER,
                    [
                        (header::LOCATION, "/stores/new"),
                        (
                            axum::http::HeaderName::from_static("hx-redirect"),
                            "/stores/new",
                        ),
                    ],
                )
                    .into_response();
            }
            AppError::Domain(e @ domain::Error::TooManyAttempts) => ErrorPage {
                status: StatusCode::TOO_MANY_REQUESTS,
                key: e.key(),
                args: vec![],
            },
            AppError::Domain(e) => ErrorPage {
                status: StatusCode::CONFLICT,
                key: e.key(),
                args: e.args(),
            },
            AppError::Internal(detail) => {
                tracing::error!(%detail, "request failed");
                ErrorPage {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    key: "web-error-500",
                    args: vec![],
                }
            }
        };
        let mut res = (page.status, "").into_response();
        res.extensions_mut().insert(page);
        res
    }
}

pub async fn not_found() -> AppError {
    AppError::NotFound
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate {
    tr: Tr,
    title: String,
    message: String,
    status: u16,
    sandbox: bool,
}

/// The language of a request without a known staff member: the browser's first choice.
pub fn browser_lang(headers: &HeaderMap) -> Lang {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("en");
    Lang::from_tag(accept.split([',', ';']).next().unwrap_or("en"))
}

/// Renders error pages in the person's language: the staff member's if known (the auth layer
/// leaves it on the response), else the browser's.
pub async fn localize(State(state): State<crate::AppState>, req: Request, next: Next) -> Response {
    let fallback = browser_lang(req.headers());
    let htmx = req.headers().contains_key("hx-request");
    let mut res = next.run(req).await;
    let Some(page) = res.extensions_mut().remove::<ErrorPage>() else {
        return res;
    };
    let lang = res.extensions().get::<Lang>().copied().unwrap_or(fallback);
    let tr = Tr(lang);
    let args: Vec<(&str, ArgValue)> = page
        .args
        .iter()
        .map(|(k, v)| (*k, ArgValue::infer(v.clone())))
        .collect();
    let message = i18n::t_args(lang, page.key, &args);
    if htmx {
        // A fragment for the flash area; htmx swaps error responses in only where asked to.
        let body = format!(
            "<div class=\"flash error\" role=\"alert\">{}</div>",
            crate::html::escape(&message)
        );
        let mut out = (page.status, Html(body)).into_response();
        out.headers_mut().insert(
            "hx-retarget",
            axum::http::HeaderValue::from_static("#flash"),
        );
        out.headers_mut().insert(
            "hx-reswap",
            axum::http::HeaderValue::from_static("innerHTML"),
        );
        return out;
    }
    let title = tr.t(&format!("web-error-title-{}", page.status.as_u16()));
    let html = ErrorTemplate {
        tr,
        title,
        message,
        status: page.status.as_u16(),
        sandbox: state.sandbox.is_some(),
    }
    .render();
    match html {
        Ok(html) => (page.status, Html(html)).into_response(),
        Err(_) => (page.status, "error").into_response(),
    }
}
