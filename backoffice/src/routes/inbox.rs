//! The notification bell and center: history of new receipts, mark read.
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use super::frame;
use crate::auth::Staff;
use crate::page::{Frame, Tr};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/notifications", get(page))
        .route("/notifications/bell", get(bell))
        .route("/notifications/read", post(read_all))
}

pub struct Item {
    pub at: String,
    pub text: String,
    pub href: String,
    pub unread: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "notifications.html")]
struct Page {
    frame: Frame,
    tr: Tr,
    items: Vec<Item>,
}

#[derive(Template, WebTemplate)]
#[template(path = "bell.html")]
struct Bell {
    frame: Frame,
}

async fn page(State(state): State<AppState>, staff: Staff) -> Result<Page, AppError> {
    let tr = Tr(staff.lang);
    let rows = domain::inbox::latest(&state.ctx.db, staff.id(), 100).await?;
    let items = rows
        .iter()
        .map(|n| {
            let payload: serde_json::Value = serde_json::from_str(&n.payload).unwrap_or_default();
            let (text, href) = if n.kind == "low_stock" {
                let title = payload["title"].as_str().unwrap_or_default();
                let count = payload["available"].as_i64().unwrap_or_default();
                let args = [
                    ("title", i18n::ArgValue::from(title)),
                    ("count", i18n::ArgValue::from(count)),
                ];
                (
                    i18n::t_args(staff.lang, "notify-low-stock", &args),
                    "/products?low=1".to_owned(),
                )
            } else if n.kind == "daily_digest" {
                (digest_text(&tr, &payload), "/queue".to_owned())
            } else {
                let number = payload["number"].as_i64().unwrap_or_default();
                let order = payload["order_id"].as_i64().unwrap_or_default();
                (
                    tr.t1(
                        "web-notification-new-receipt",
                        "number",
                        &number.to_string(),
                    ),
                    format!("/orders/{order}"),
                )
            };
            Item {
                at: tr.when(&n.created_at),
                text,
                href,
                unread: n.read_at.is_none(),
            }
        })
        .collect();
    Ok(Page {
        frame: frame(&state, &staff).await?,
        tr,
        items,
    })
}

/// A daily digest's line (see `domain::digest`).
fn digest_text(tr: &Tr, payload: &serde_json::Value) -> String {
    let minor = payload["revenue_minor"].as_i64().unwrap_or_default();
    let currency = payload["currency"].as_str().unwrap_or_default();
    let args = [
        (
            "store",
            i18n::ArgValue::from(payload["store"].as_str().unwrap_or_default()),
        ),
        (
            "orders",
            i18n::ArgValue::from(payload["orders"].as_i64().unwrap_or_default()),
        ),
        ("revenue", i18n::ArgValue::from(tr.money(&minor, currency))),
        (
            "receipts",
            i18n::ArgValue::from(payload["pending_receipts"].as_i64().unwrap_or_default()),
        ),
    ];
    i18n::t_args(tr.0, "web-notification-daily-digest", &args)
}

/// The bell alone, refreshed when a receipt arrives.
async fn bell(State(state): State<AppState>, staff: Staff) -> Result<Bell, AppError> {
    Ok(Bell {
        frame: frame(&state, &staff).await?,
    })
}

async fn read_all(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    domain::inbox::mark_all_read(&state.ctx, staff.id()).await?;
    Ok(Redirect::to("/notifications").into_response())
}
