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
    pub order_id: i64,
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
            let number = payload["number"].as_i64().unwrap_or_default();
            Item {
                at: tr.when(&n.created_at),
                text: tr.t1(
                    "web-notification-new-receipt",
                    "number",
                    &number.to_string(),
                ),
                order_id: payload["order_id"].as_i64().unwrap_or_default(),
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
