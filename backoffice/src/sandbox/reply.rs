//! How a sandbox action answers: an htmx fragment, or for a plain form post a redirect back to
//! the page; a refusal as a translated message in the pane (htmx) or the error page.
use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use i18n::ArgValue;
use serde::Deserialize;

use crate::error::{ErrorPage, browser_lang};
use crate::page::Tr;

/// The people the page shows, as its query says: `customer=<id>&staff=<id>`. Actions carry it
/// so a plain form post returns to the same page, and fragments put it in their forms.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Shown {
    pub customer: Option<i64>,
    pub staff: Option<i64>,
}

#[derive(Deserialize, Default)]
struct ShownQuery {
    customer: Option<String>,
    staff: Option<String>,
}

impl Shown {
    /// `customer=1&staff=2`, or less; ids are numbers, so nothing needs escaping.
    pub fn query(&self) -> String {
        let parts: Vec<String> = [("customer", self.customer), ("staff", self.staff)]
            .into_iter()
            .filter_map(|(name, id)| id.map(|id| format!("{name}={id}")))
            .collect();
        parts.join("&")
    }

    /// `path?query`, or `path` alone.
    pub fn url(&self, path: &str) -> String {
        let query = self.query();
        if query.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{query}")
        }
    }

    /// The page with these people.
    pub fn page(&self) -> String {
        self.url("/sandbox")
    }
}

/// A Telegram user id as a form or query gives it: a positive number, nothing else.
pub(crate) fn user_id(text: &str) -> Option<i64> {
    let text = text.trim();
    if text.is_empty() || text.len() > 15 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().filter(|id| *id > 0)
}

/// Who is asking and how to answer them.
pub(crate) struct Asker {
    pub tr: Tr,
    pub htmx: bool,
    pub shown: Shown,
}

impl<S: Send + Sync> FromRequestParts<S> for Asker {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let q = Query::<ShownQuery>::from_request_parts(parts, state)
            .await
            .map(|Query(q)| q)
            .unwrap_or_default();
        let shown = Shown {
            customer: q.customer.as_deref().and_then(user_id),
            staff: q.staff.as_deref().and_then(user_id),
        };
        Ok(Asker {
            tr: Tr(browser_lang(&parts.headers)),
            htmx: parts.headers.contains_key("hx-request"),
            shown,
        })
    }
}

/// A refusal: the status, the message's key and arguments, and the id of the message area it
/// belongs in (the page's `#flash` if none).
#[derive(Debug)]
pub(crate) struct Refusal {
    pub status: StatusCode,
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
    pub place: Option<String>,
}

impl Refusal {
    /// A field that is not what it should be: 422.
    pub fn invalid(key: &'static str) -> Refusal {
        Refusal {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            key,
            args: Vec::new(),
            place: None,
        }
    }

    /// Shown in the message area with this id.
    pub fn at(mut self, id: impl Into<String>) -> Refusal {
        self.place = Some(id.into());
        self
    }

    /// Shown in `user`'s pane.
    pub fn in_pane(self, user: i64) -> Refusal {
        self.at(flash_of(user))
    }

    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Refusal {
        self.args.push((name, value.into()));
        self
    }

    pub fn status(mut self, status: StatusCode) -> Refusal {
        self.status = status;
        self
    }

    /// The person is not in the sandbox.
    pub fn no_such_user() -> Refusal {
        Refusal::invalid("sandbox-error-no-user").status(StatusCode::NOT_FOUND)
    }
}

/// The message area of `user`'s pane.
pub(crate) fn flash_of(user: i64) -> String {
    format!("flash-{user}")
}

impl Asker {
    /// Success: the fragment for htmx (emptying the message area `clear`, where an earlier
    /// refusal may still show), else back to the page.
    pub fn fragment(&self, html: String, clear: &str) -> Response {
        if !self.htmx {
            return self.back();
        }
        let clear = format!(
            "<div id=\"{clear}\" class=\"pane-flash\" aria-live=\"polite\" hx-swap-oob=\"true\"></div>"
        );
        Html(html + &clear).into_response()
    }

    /// Back to the page (303), or for htmx to the page by `HX-Redirect`.
    pub fn go(&self, url: &str) -> Response {
        if self.htmx {
            let mut res = Html("").into_response();
            if let Ok(v) = HeaderValue::from_str(url) {
                res.headers_mut().insert("hx-redirect", v);
            }
            return res;
        }
        let mut res = StatusCode::SEE_OTHER.into_response();
        if let Ok(v) = HeaderValue::from_str(url) {
            res.headers_mut().insert(header::LOCATION, v);
        }
        res
    }

    pub fn back(&self) -> Response {
        self.go(&self.shown.page())
    }

    /// The refusal in the asker's language: in the pane's message area (htmx), or the error
    /// page (the error layer renders it).
    pub fn refuse(&self, refusal: Refusal) -> Response {
        if !self.htmx {
            let mut res = (refusal.status, "").into_response();
            res.extensions_mut().insert(ErrorPage {
                status: refusal.status,
                key: refusal.key,
                args: refusal.args,
            });
            return res;
        }
        let message = self.message(&refusal);
        let target = format!("#{}", refusal.place.as_deref().unwrap_or("flash"));
        let body = format!(
            "<div class=\"flash error\" role=\"alert\">{}</div>",
            crate::html::escape(&message)
        );
        let mut res = (refusal.status, Html(body)).into_response();
        let h = res.headers_mut();
        if let Ok(v) = HeaderValue::from_str(&target) {
            h.insert("hx-retarget", v);
        }
        h.insert("hx-reswap", HeaderValue::from_static("innerHTML"));
        res
    }

    pub fn message(&self, refusal: &Refusal) -> String {
        let args: Vec<(&str, ArgValue)> = refusal
            .args
            .iter()
            .map(|(k, v)| (*k, ArgValue::infer(v.clone())))
            .collect();
        i18n::t_args(self.tr.0, refusal.key, &args)
    }
}
