//! The payment verification queue: orders in review, oldest first, with their receipts; Verify
//! and Reject (preset reasons or free text). A decision made elsewhere shows up live (SSE).
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::OrderId;
use domain::ordering::orders::{decide, queries};
use i18n::ArgValue;
use serde::Deserialize;

use super::frame;
use crate::auth::{ClientIp, Staff};
use crate::page::{Frame, Tr};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/queue", get(page))
        .route("/orders/{id}/verify", post(verify))
        .route("/orders/{id}/reject", post(reject))
        .route("/queue/bulk", post(bulk))
}

pub struct QueueItem {
    pub order: entity::orders::Model,
    pub items: Vec<entity::order_items::Model>,
    pub receipts: Vec<entity::receipts::Model>,
    pub customer: String,
    pub previous: u64,
}

#[derive(Template, WebTemplate)]
#[template(path = "queue.html")]
struct QueuePage {
    frame: Frame,
    tr: Tr,
    items: Vec<QueueItem>,
    reasons: Vec<String>,
    /// The outcome of a bulk decision, when coming back from one.
    bulk: Option<String>,
}

#[derive(Deserialize, Default)]
struct QueueQuery {
    done: Option<u32>,
    skipped: Option<u32>,
}

#[derive(Template, WebTemplate)]
#[template(path = "queue_done.html")]
struct Decided {
    tr: Tr,
    /// The decided order's id: its queue item is removed from the page.
    id: i64,
    number: i64,
    key: &'static str,
}

async fn page(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<QueueQuery>,
) -> Result<QueuePage, AppError> {
    let db = &state.ctx.db;
    let actor = staff.actor(None);
    let mut items = Vec::new();
    for d in queries::review_queue(db, &actor, staff.store, 100).await? {
        let customer = domain::people::users::display_name(db, domain::UserId(d.order.customer_id))
            .await?
            .unwrap_or_default();
        let previous = queries::previous_orders(db, &d.order).await?;
        items.push(QueueItem {
            order: d.order,
            items: d.items,
            receipts: d.receipts,
            customer,
            previous,
        });
    }
    let tr = Tr(staff.lang);
    let reasons = [
        "web-reason-amount",
        "web-reason-unreadable",
        "web-reason-not-received",
        "web-reason-duplicate",
    ]
    .iter()
    .map(|k| tr.t(k))
    .collect();
    let bulk = q.done.map(|done| {
        let args = [
            ("done", ArgValue::from(i64::from(done))),
            ("skipped", ArgValue::from(i64::from(q.skipped.unwrap_or(0)))),
        ];
        i18n::t_args(staff.lang, "web-bulk-done", &args)
    });
    Ok(QueuePage {
        frame: frame(&state, &staff).await?,
        tr,
        items,
        reasons,
        bulk,
    })
}

/// htmx swaps the queue item for the outcome; a plain form goes back to the queue.
fn answer(
    headers: &HeaderMap,
    staff: &Staff,
    order: &entity::orders::Model,
    key: &'static str,
) -> Response {
    if headers.contains_key("hx-request") {
        Decided {
            tr: Tr(staff.lang),
            id: order.id,
            number: order.number,
            key,
        }
        .into_response()
    } else {
        Redirect::to("/queue").into_response()
    }
}

async fn verify(
    State(state): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    client: ClientIp,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let order = decide::verify(&state.ctx, &staff.actor(client.text()), OrderId(id)).await?;
    Ok(answer(&headers, &staff, &order, "web-verified"))
}

#[derive(Deserialize)]
pub struct RejectForm {
    #[serde(default)]
    preset: String,
    #[serde(default)]
    reason: String,
}

async fn reject(
    State(state): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    client: ClientIp,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<RejectForm>,
) -> Result<Response, AppError> {
    let reason = if form.reason.trim().is_empty() {
        form.preset
    } else {
        form.reason
    };
    let order = decide::reject(
        &state.ctx,
        &staff.actor(client.text()),
        OrderId(id),
        &reason,
    )
    .await?;
    Ok(answer(&headers, &staff, &order, "web-rejected"))
}

/// Verify or reject several orders at once (`ids` repeated); the rules are
/// `decide::bulk`'s. The page reports how many were decided and how many had been already.
async fn bulk(
    State(state): State<AppState>,
    staff: Staff,
    client: ClientIp,
    body: String,
) -> Result<Response, AppError> {
    let mut ids = Vec::new();
    let (mut action, mut reason) = (String::new(), String::new());
    for (k, v) in url::form_urlencoded::parse(body.as_bytes()) {
        match k.as_ref() {
            "ids" => ids.push(OrderId(v.parse().map_err(|_| AppError::NotFound)?)),
            "action" => action = v.into_owned(),
            "reason" => reason = v.into_owned(),
            _ => {}
        }
    }
    let decision = match action.as_str() {
        "verify" => decide::Decision::Verify,
        "reject" => decide::Decision::Reject { reason },
        _ => return Err(AppError::NotFound),
    };
    let actor = staff.actor(client.text());
    let outcome = decide::bulk(&state.ctx, &actor, &decision, &ids).await?;
    let (done, skipped) = (outcome.done, outcome.skipped);
    tracing::info!(done, skipped, %action, "bulk decision");
    Ok(Redirect::to(&format!("/queue?done={done}&skipped={skipped}")).into_response())
}
